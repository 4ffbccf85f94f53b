"""Bench (issue 9, item 2): bootstrap rank robustness, the vectorised library against the plain-loop reference.

Run from the repository root::

    .venv/bin/python bench/bench_robustness.py            # 169 nodes, 12 respondents, 10,000 samples
    .venv/bin/python bench/bench_robustness.py --smoke    # 34 nodes, 4 respondents, 200 samples: does it run?

Data: 169 SDG targets, 12 respondents (seeded: integers −3…3, ~10 % NaN, ~10 % of the answers marked
uncertain). Library: ``rank_robustness(ds, samples=10_000)`` (mean), best of 3, in this process; its peak
memory in a fresh child process (RSS high-water mark, ``ru_maxrss``, and the tracemalloc peak of the call,
which sees numpy's allocations). Baseline: ``slow_rank_robustness`` from ``tests/slow_reference.py`` (plain
Python loops over lists) on the first 50 samples with the same random draws, timed once and scaled
linearly to 10,000 samples — a full run would take hours. FIRST the bench asserts that library and
baseline agree on those 50 samples (every sampled rank, rank_lo, rank_hi, p_top_k).

Speed is measured here, never asserted in a test. Prints a markdown section; it writes no file.
"""

from __future__ import annotations

import argparse
import datetime
import gc
import json
import os
import platform
import resource
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np
import xarray as xr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

from _machine import cpu_model  # noqa: E402
from slow_reference import slow_rank_robustness  # noqa: E402

from sdg_interactions import frameworks  # noqa: E402
from sdg_interactions.analysis._bootstrap import _chunk_histogram, _draws, _pack  # noqa: E402
from sdg_interactions.analysis.robustness import rank_robustness  # noqa: E402
from sdg_interactions.matrix import build_dataset  # noqa: E402

SEED, DRAW_SEED = 20261130, 0
GOAL_SECONDS, GOAL_BYTES = 1.0, 2 * 2**30
FULL = {"nodes": 169, "respondents": 12, "samples": 10_000, "baseline_samples": 50}
SMOKE = {"nodes": 34, "respondents": 4, "samples": 200, "baseline_samples": 5}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def make_dataset(nodes: int, respondents: int) -> xr.Dataset:
    """Seeded raw answers: integers −3…3, ~10 % NaN, diagonal NaN, ~10 % of the answers marked uncertain."""
    rng = np.random.default_rng(SEED)
    ids = [str(i) for i in frameworks.targets()["id"]][:nodes]
    shape = (respondents, nodes, nodes)
    values = rng.integers(-3, 4, size=shape).astype(np.float64)
    values[rng.random(shape) < 0.1] = np.nan
    values[:, np.arange(nodes), np.arange(nodes)] = np.nan
    uncertain = rng.random(shape) < 0.1
    return build_dataset(values, np.full(shape, "", dtype=object), uncertain, ids,
                         [f"r{k}" for k in range(respondents)], aggregated=False)


def check_and_time_baseline(ds: xr.Dataset, count: int) -> float:
    """Assert library = baseline on ``count`` samples with the same draws; return the baseline's time."""
    score, unc = ds["score"].to_numpy(), ds["uncertain"].to_numpy()
    packed = _pack(score, unc)
    index, words = _draws(DRAW_SEED, 0, count, packed)  # the resampled respondents, each cell's random words
    lists = score.tolist(), unc.tolist(), index.tolist(), words.tolist()
    gc.collect()
    start = time.perf_counter()
    slow = slow_rank_robustness(*lists, method="mean", top_k=5)
    seconds = time.perf_counter() - start
    n = score.shape[-1]
    hist = np.zeros((n, n), dtype=np.int64)
    for ranks in slow["ranks"]:
        hist[np.arange(n), np.asarray(ranks) - 1] += 1
    np.testing.assert_array_equal(_chunk_histogram(packed, 0, count, DRAW_SEED, "mean"), hist)
    fast = rank_robustness(ds, samples=count, seed=DRAW_SEED, top_k=5)
    for name in ("rank_lo", "rank_hi", "p_top_k"):
        assert fast[name].values.tolist() == slow[name], name
    return seconds


def best_of(fn, runs: int = 3) -> list[float]:
    times = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return times


def child(nodes: int, respondents: int, samples: int) -> None:
    """Run once in this (fresh) process; print the memory figures as JSON."""
    ds = make_dataset(nodes, respondents)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    rank_robustness(ds, samples=samples, seed=DRAW_SEED)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"rss_before_kb": before, "rss_peak_kb": after, "traced_peak_bytes": peak}))


def memory(nodes: int, respondents: int, samples: int) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", str(nodes), str(respondents), str(samples)],
                         capture_output=True, text=True, check=True, cwd=ROOT)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    figures["children_maxrss_kb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return figures


def mb(kilobytes: float) -> str:
    return f"{kilobytes / 1024:,.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--smoke", action="store_true", help="a small case: check that the bench runs")
    parser.add_argument("--child", nargs=3, type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child)
        return 0
    case = SMOKE if args.smoke else FULL
    started = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
    load_start = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    ds = make_dataset(case["nodes"], case["respondents"])
    n_marked = int((ds["uncertain"] & ds["score"].notnull()).sum())
    log(f"checking library = baseline on {case['baseline_samples']} samples …")
    slow = check_and_time_baseline(ds, case["baseline_samples"])
    slow_scaled = slow * case["samples"] / case["baseline_samples"]
    log(f"timing rank_robustness, {case['samples']} samples …")
    fast = best_of(lambda: rank_robustness(ds, samples=case["samples"], seed=DRAW_SEED))
    plain = best_of(lambda: rank_robustness(ds.drop_vars("uncertain"), samples=case["samples"], seed=DRAW_SEED))
    log("measuring memory in a child process …")
    mem = memory(case["nodes"], case["respondents"], case["samples"])
    load_end = " / ".join(f"{v:.2f}" for v in os.getloadavg())
    best, peak = min(fast), mem["rss_peak_kb"] * 1024
    lines = [
        "## Rank robustness (issue 9)",
        "",
        f"Run started {started} with `.venv/bin/python bench/bench_robustness.py{' --smoke' if args.smoke else ''}`.",
        "",
        f"Machine: {len(os.sched_getaffinity(0))} CPUs, {cpu_model()}; Python {platform.python_version()}, "
        f"numpy {np.__version__}, xarray {xr.__version__}. Load average (1/5/15 min) at start {load_start}, "
        f"at end {load_end}.",
        "",
        f"Case: {case['nodes']} SDG targets, {case['respondents']} respondents (seeded integers −3…3, ~10 % NaN), "
        f"{n_marked:,} scored answers marked uncertain (~10 %); {case['samples']:,} bootstrap samples, "
        "`method=\"mean\"`, default `chunk_size`.",
        "",
        "| run | s | runs | ratio to baseline |",
        "|---|---:|---:|---:|",
        f"| baseline: `slow_rank_robustness`, {case['baseline_samples']} samples timed once, scaled linearly "
        f"to {case['samples']:,} | {slow_scaled:,.1f} ‡ | 1 | 1× |",
        f"| `rank_robustness`, with the uncertain moves | {best:.2f} | {len(fast)} | {slow_scaled / best:,.0f}× |",
        f"| `rank_robustness`, no uncertain marks (resampling only) | {min(plain):.2f} | {len(plain)} | "
        f"{slow_scaled / min(plain):,.0f}× |",
        "",
        f"‡ measured: {slow:.3g} s for {case['baseline_samples']} samples, "
        f"× {case['samples'] // case['baseline_samples']}. Before timing, library and baseline were checked to "
        "agree on those samples with the same draws (every sampled rank; rank_lo, rank_hi, p_top_k).",
        "",
        f"Library runs (s): {', '.join(f'{t:.2f}' for t in fast)} with marks; "
        f"{', '.join(f'{t:.2f}' for t in plain)} without.",
        "",
        f"Memory of one run in a fresh process: RSS high-water mark {mb(mem['rss_peak_kb'])} after the call, "
        f"{mb(mem['rss_before_kb'])} before it (Python, numpy, xarray, building the data set); tracemalloc "
        f"peak of the call itself {mem['traced_peak_bytes'] / 2**20:,.0f} MB.",
        "",
        "Goals (issue 9):",
        "",
        f"- < {GOAL_SECONDS:.0f} s on 2 cores: {best:.2f} s — {'met' if best < GOAL_SECONDS else 'NOT met'}",
        f"- peak memory < 2 GB: {peak / 2**30:.2f} GB RSS — {'met' if peak < GOAL_BYTES else 'NOT met'}",
    ]
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
