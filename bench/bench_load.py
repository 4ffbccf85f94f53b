"""Metrics on shared cores (issue 24, item 1): 290 kommuner × 169 targets, idle and under busy processes.

    .venv/bin/python bench/bench_load.py                    # print the table
    .venv/bin/python bench/bench_load.py --write-results    # and rewrite our part of bench/RESULTS.md

One call of ``all_metrics(stack, include_clusters=False)`` on 290 stacked 169-node matrices, three times
each: idle, then with ``--busy`` (default 4) processes spinning on the cores. Two variants in the same run:
the library as it is (one BLAS thread around its batched linear algebra, ``analysis/_threads.py``) and the
**baseline**, the same call with that limit switched off (OpenBLAS's default threads). Reported: the worst
of three runs per condition and its ratio to the idle run of the same variant.

Goal (issue 24): the worst of three runs under four busy processes ≤ 3 s and ≤ 10× idle.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import multiprocessing
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import xarray as xr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from _machine import cpu_model  # noqa: E402

from sdg_interactions import frameworks  # noqa: E402
from sdg_interactions.analysis import _threads, all_metrics  # noqa: E402
from sdg_interactions.matrix import from_array, validate  # noqa: E402

RESULTS = ROOT / "bench" / "RESULTS.md"
BEGIN, END = "<!-- bench_load.py: begin -->", "<!-- bench_load.py: end -->"
RUNS = 3


def stack_290(rng: np.random.Generator) -> xr.DataArray:
    sdg = [str(i) for i in frameworks.targets()["id"]][:169]
    one = from_array(np.full((169, 169), np.nan), sdg)
    codes = [str(c) for c in frameworks.kommuner()["kommunkod"]]
    scores = rng.integers(-3, 4, size=(290, 169, 169)).astype(float)
    scores[rng.random(scores.shape) < 0.3] = np.nan
    scores[:, np.arange(169), np.arange(169)] = np.nan
    stack = xr.DataArray(scores, dims=("kommun", "source", "target"), coords={**dict(one.coords), "kommun": codes},
                         name="score")
    validate(stack)
    return stack


def spin(stop) -> None:  # a busy process: pure Python arithmetic until told to stop
    x = 0
    while not stop.is_set():
        for k in range(100_000):
            x = (x + k * k) % 1_000_003


def timed(stack, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        all_metrics(stack, include_clusters=False)
        times.append(time.perf_counter() - started)
    return times


@contextlib.contextmanager
def busy(n: int):
    stop = multiprocessing.Event()
    workers = [multiprocessing.Process(target=spin, args=(stop,), daemon=True) for _ in range(n)]
    for w in workers:
        w.start()
    time.sleep(1.0)  # let them take the cores
    try:
        yield
    finally:
        stop.set()
        for w in workers:
            w.join(timeout=10)


def measure(n_busy: int) -> dict:
    stack = stack_290(np.random.default_rng(20261207))
    all_metrics(stack, include_clusters=False)  # warm-up
    out = {}
    original = _threads.one_blas_thread
    for variant in ("library", "baseline"):
        if variant == "baseline":
            _threads.one_blas_thread = contextlib.nullcontext  # OpenBLAS's own threads, as before issue 24
            for module in list(sys.modules.values()):
                if getattr(module, "one_blas_thread", None) is original:
                    module.one_blas_thread = contextlib.nullcontext
        idle = timed(stack, RUNS)
        with busy(n_busy):
            loaded = timed(stack, RUNS)
        out[variant] = {"idle": idle, "busy": loaded}
    for module in list(sys.modules.values()):
        if getattr(module, "one_blas_thread", None) is contextlib.nullcontext:
            module.one_blas_thread = original
    return out


def measure_clusters(sampled: int = 10) -> dict:
    """Clusters of 290 × 169 with the numpy CNM (analysis/clustering.py), against networkx's
    greedy_modularity_communities (the baseline) on ``sampled`` of the kommuner, extrapolated to 290; both
    give the same partitions (tests/test_clusters_cnm.py), checked here on the sampled ones too."""
    import networkx as nx

    from sdg_interactions.analysis._core import adjacency
    from sdg_interactions.analysis.clustering import _cnm, cluster_numbers

    stack = stack_290(np.random.default_rng(20261207))
    a = adjacency(stack)
    ids = [str(i) for i in stack["source"].values]
    started = time.perf_counter()
    cluster_numbers(a, ids)
    ours = time.perf_counter() - started
    baseline = 0.0
    for k in range(sampled):
        strong = np.where(a[k] >= 2, a[k], 0.0)
        w = np.triu(strong + strong.T, k=1)
        rows, cols = np.nonzero(w)
        started = time.perf_counter()
        G = nx.Graph()
        G.add_weighted_edges_from((int(i), int(j), float(w[i, j])) for i, j in zip(rows, cols, strict=True))
        found = {frozenset(c) for c in nx.community.greedy_modularity_communities(G, weight="weight")}
        baseline += time.perf_counter() - started
        assert found == {frozenset(c) for c in _cnm(w + w.T, 1.0)}, k
    return {"ours": ours, "baseline": baseline / sampled * 290, "sampled": sampled}


def table(result: dict, n_busy: int) -> str:
    rows = ["| variant | idle, worst of 3 (s) | idle runs (s) | "
            f"{n_busy} busy processes, worst of 3 (s) | busy runs (s) | worst busy / best idle |",
            "|---|---:|---|---:|---|---:|"]
    for variant, label in (("library", "library (one BLAS thread)"), ("baseline", "baseline (OpenBLAS threads)")):
        idle, loaded = result[variant]["idle"], result[variant]["busy"]
        rows.append(f"| {label} | {max(idle):.3f} | {', '.join(f'{t:.3f}' for t in idle)} | {max(loaded):.3f} | "
                    f"{', '.join(f'{t:.2f}' for t in loaded)} | {max(loaded) / min(idle):.1f}× |")
    lib = result["library"]
    worst = max(lib["busy"])
    ratio = worst / min(lib["idle"])
    rows += ["", f"Goal: worst under {n_busy} busy processes ≤ 3 s and ≤ 10× idle — library {worst:.2f} s, "
             f"{ratio:.1f}× idle: {'met' if worst <= 3 and ratio <= 10 else 'NOT met'}; "
             f"baseline worst {max(result['baseline']['busy']):.2f} s "
             f"({max(result['baseline']['busy']) / worst:.1f}× the library's)."]
    return "\n".join(rows)


def header(n_busy: int) -> str:
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                            cwd=ROOT).stdout.strip()
    load = os.getloadavg()
    from threadpoolctl import threadpool_info

    blas = ", ".join(f"{i.get('internal_api')} {i.get('version')} ({i.get('num_threads')} threads)"
                     for i in threadpool_info() if i.get("user_api") == "blas")
    return (f"Run {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, commit {commit}: {os.cpu_count()} CPUs, "
            f"{cpu_model()}; Python {platform.python_version()}, numpy {np.__version__}; BLAS {blas}; load "
            f"average at start {load[0]:.2f}. 290 kommuner × 169 targets (random scores, 30 % unscored), "
            f"`all_metrics(…, include_clusters=False)`; {n_busy} busy processes are pure-Python loops.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--busy", type=int, default=4)
    parser.add_argument("--write-results", action="store_true")
    args = parser.parse_args()
    head = header(args.busy)
    body = head + "\n\n" + table(measure(args.busy), args.busy)
    c = measure_clusters()
    body += (f"\n\nClusters of the same 290 × 169 (issue 24 item 3), idle: the numpy Clauset–Newman–Moore "
             f"{c['ours']:.2f} s for all 290; baseline networkx greedy_modularity_communities {c['baseline']:.1f} s "
             f"(extrapolated from {c['sampled']} kommuner, same partitions): {c['baseline'] / c['ours']:.0f}×. "
             f"Goal < 10 s and ≥ 20×: {'met' if c['ours'] < 10 and c['baseline'] / c['ours'] >= 20 else 'NOT met'}.")
    print(body)
    if args.write_results:
        text = RESULTS.read_text(encoding="utf-8")
        block = f"{BEGIN}\n{body}\n{END}"
        if BEGIN in text:
            text = text[:text.index(BEGIN)] + block + text[text.index(END) + len(END):]
        else:
            text = text.rstrip("\n") + "\n\n## Metrics on shared cores (issue 24)\n\n" + block + "\n"
        RESULTS.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
