"""Bench (issue 3, item 5): every per-node metric, the vectorised library against the slow reference.

Run from the repository root::

    .venv/bin/python bench/bench_metrics.py                    # print the results
    .venv/bin/python bench/bench_metrics.py --write-results    # and rewrite our part of bench/RESULTS.md

The baseline is ``tests/slow_reference.py`` (:func:`slow_metrics`): plain Python loops over lists and
networkx for the clusters, written from the same formulas. Random raw matrices (seeded; integers −3…3,
~20 % NaN, diagonal NaN) of 34 and 169 nodes (real SDG target ids), 500 nodes (a user framework
``X-1`` … ``X-500``) and 290 stacked 169-node matrices on a ``kommun`` dim (the 290 kommun codes).

For each case the bench FIRST asserts that the library and the baseline give the same numbers for every
metric (``rtol=1e-9``; ``atol=1e-12`` only for values within 1e-12 of zero; ranks, counts, quadrants and
clusters exactly); for the stack it checks 5 sampled kommuner against the baseline and the whole stack
against the library run kommun by kommun. THEN it times both in the same run, best of several repeats,
in two like-for-like variants: (a) without clusters (``all_metrics(..., include_clusters=False)`` vs
``slow_metrics(..., with_clusters=False)``), (b) with clusters. The library is timed with the default
BLAS threads and again with one BLAS thread (threadpoolctl). The baseline on the stack is 290 × one
169-node run: a few kommuner are timed and the total extrapolated when a full run would take > 5 min.

Speed is measured here, never asserted in a test.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import os
import platform
import pstats
import re
import subprocess
import sys
import time
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path

import networkx as nx
import numpy as np
import scipy
import xarray as xr

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from slow_reference import PER_NODE, slow_metrics  # noqa: E402

from sdg_interactions import frameworks  # noqa: E402
from sdg_interactions.analysis import (  # noqa: E402
    all_metrics,
    clusters,
    influence_dependence,
    link_counts,
    net_multiplier,
    sdg_synergies,
    total_influence,
    two_step_paths,
)
from sdg_interactions.matrix import from_array, node_ids, validate  # noqa: E402

try:
    import threadpoolctl
except ImportError:  # the bench still runs; it then skips the one-thread column
    threadpoolctl = None

RTOL, ATOL = 1e-9, 1e-12
EXACT = ("rank", "quadrant", "cluster", "n_pos_out", "n_neg_out", "n_pos_in", "n_neg_in")
ALPHA = 0.9
SEED = 20260503
N_KOMMUNER, N_SAMPLED = 290, 5
EXTRAPOLATE_ABOVE = 300.0  # seconds: a full 290-kommun baseline run longer than this is extrapolated
GOAL_RATIO, GOAL_STACK_SECONDS = 100.0, 1.0
RESULTS = ROOT / "bench" / "RESULTS.md"
SECTION = "## Metrics (issue 3)"
BEGIN, END = "<!-- bench_metrics.py: begin -->", "<!-- bench_metrics.py: end -->"
VARIANTS = {"a": "(a) without clusters", "b": "(b) with clusters"}


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------- data
def random_scores(rng: np.random.Generator, shape: tuple[int, ...]) -> np.ndarray:
    """Raw answers: integers −3…3, ~20 % NaN (not scored), NaN on the diagonal."""
    values = rng.integers(-3, 4, size=shape).astype(np.float64)
    values[rng.random(shape) < 0.2] = np.nan
    n = shape[-1]
    values[..., np.arange(n), np.arange(n)] = np.nan
    return values


def make_cases(rng: np.random.Generator, *, smoke: bool = False) -> list[dict]:
    """The matrices: 34 and 169 SDG targets, 500 user nodes, 290 kommuner × 169 SDG targets
    (``smoke``: 12, 34, 60 nodes and 10 kommuner × 34, to check that the bench itself runs)."""
    sdg = [str(i) for i in frameworks.targets()["id"]]
    sizes, (n_stack, n_kommuner) = ((12, 34, 60), (34, 10)) if smoke else ((34, 169, 500), (169, N_KOMMUNER))
    cases = []
    for ids in (sdg[:sizes[0]], sdg[:sizes[1]], [f"X-{k}" for k in range(1, sizes[2] + 1)]):
        da = from_array(random_scores(rng, (len(ids), len(ids))), ids)
        cases.append({"name": f"{len(ids)} nodes", "nodes": len(ids), "matrices": 1, "obj": da})
    one = from_array(np.full((n_stack, n_stack), np.nan), sdg[:n_stack])  # node coordinates, natural order
    codes = [str(c) for c in frameworks.kommuner()["kommunkod"]]
    assert len(codes) == N_KOMMUNER
    stack = xr.DataArray(random_scores(rng, (n_kommuner, n_stack, n_stack)),
                         dims=("kommun", "source", "target"),
                         coords={**dict(one.coords), "kommun": codes[:n_kommuner]}, name="score")
    validate(stack)
    cases.append({"name": f"{n_kommuner} kommuner × {n_stack} nodes", "nodes": n_stack,
                  "matrices": n_kommuner, "obj": stack})
    return cases


# ------------------------------------------------------------------------------------------ checks
def assert_same(fast, slow: dict[str, list], where: str) -> None:
    """Every metric of ``fast`` (a Dataset for one matrix) equals the baseline's."""
    for name in PER_NODE:
        if name not in fast:
            continue
        ours = fast[name].to_numpy()
        if name in EXACT:
            assert ours.tolist() == list(slow[name]), f"{where}: {name} differs"
        else:
            np.testing.assert_allclose(ours, slow[name], rtol=RTOL, atol=ATOL, err_msg=f"{where}: {name}")


def assert_same_fast(stacked, alone, where: str) -> None:
    for name in alone.data_vars:
        ours, theirs = stacked[name].to_numpy(), alone[name].to_numpy()
        if ours.dtype.kind in "fc":
            np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=ATOL, err_msg=f"{where}: {name}")
        else:
            np.testing.assert_array_equal(ours, theirs, err_msg=f"{where}: {name}")


def check_case(case: dict, rng: np.random.Generator) -> None:
    obj = case["obj"]
    ids = node_ids(obj)
    fast_b = all_metrics(obj, alpha=ALPHA)
    fast_a = all_metrics(obj, alpha=ALPHA, include_clusters=False)
    assert set(fast_b.data_vars) == set(PER_NODE), sorted(set(fast_b.data_vars) ^ set(PER_NODE))
    assert set(fast_a.data_vars) == set(PER_NODE) - {"cluster"}
    if case["matrices"] == 1:
        slow = slow_metrics(obj.to_numpy().tolist(), ids, alpha=ALPHA, with_clusters=True)
        assert_same(fast_b, slow, case["name"])
        assert_same(fast_a, slow, case["name"])
        return
    sample = sorted(rng.choice(case["matrices"], size=N_SAMPLED, replace=False).tolist())
    case["sample"] = sample
    for k in sample:
        where = f"{case['name']}, kommun {obj['kommun'].values[k]}"
        slow = slow_metrics(obj.to_numpy()[k].tolist(), ids, alpha=ALPHA, with_clusters=True)
        assert_same(fast_b.isel(kommun=k), slow, where)
        assert_same(fast_a.isel(kommun=k), slow, where)
        log(f"  checked {where} against the baseline")
    for k in range(case["matrices"]):
        alone = all_metrics(obj.isel(kommun=k), alpha=ALPHA)
        where = f"{case['name']}, kommun {obj['kommun'].values[k]}"
        assert_same_fast(fast_b.isel(kommun=k), alone, where)
        assert_same_fast(fast_a.isel(kommun=k), alone.drop_vars("cluster"), where)
    log(f"  checked all {case['matrices']} kommuner of the stack against the library run one by one")


# ------------------------------------------------------------------------------------------ timing
def best_of(fn: Callable[[], object], *, budget: float = 10.0, min_runs: int = 2, max_runs: int = 7,
            single_limit: float = 60.0) -> tuple[float, int]:
    """Best wall time of ``fn()`` over repeats: at least ``min_runs`` (one if a run takes longer than
    ``single_limit`` s), more while the total stays under ``budget`` s, at most ``max_runs``."""
    times: list[float] = []
    while True:
        gc.collect()
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
        if times[0] > single_limit:
            break
        if len(times) >= max_runs or (len(times) >= min_runs and sum(times) > budget):
            break
    return min(times), len(times)


def blas_threads(limit: int | None):
    if limit is None or threadpoolctl is None:
        return nullcontext()
    return threadpoolctl.threadpool_limits(limits=limit, user_api="blas")


def time_case(case: dict) -> list[dict]:
    obj, ids = case["obj"], node_ids(case["obj"])
    rows = []
    for key, with_clusters in (("a", False), ("b", True)):
        row = {"case": case["name"], "variant": key, "nodes": case["nodes"], "matrices": case["matrices"]}

        def fast(with_clusters=with_clusters):
            return all_metrics(obj, alpha=ALPHA, include_clusters=with_clusters)

        row["fast"], row["fast_runs"] = best_of(fast)
        if threadpoolctl is not None:
            with blas_threads(1):
                row["fast_1"], row["fast_1_runs"] = best_of(fast)
        if case["matrices"] == 1:
            lists = obj.to_numpy().tolist()
            row["slow"], row["slow_runs"] = best_of(  # at least two runs, even of a minute each
                lambda lists=lists, c=with_clusters: slow_metrics(lists, ids, alpha=ALPHA, with_clusters=c),
                single_limit=150.0)
            row["slow_note"] = ""
        else:
            row.update(time_slow_stack(case, ids, with_clusters))
        rows.append(row)
        log(f"  timed {case['name']} {VARIANTS[key]}: fast {row['fast']:.4g} s, slow {row['slow']:.4g} s")
    return rows


def time_slow_stack(case: dict, ids: list[str], with_clusters: bool) -> dict:
    """290 × one 169-node baseline run: all of them, or the sampled kommuner extrapolated if a full
    run would take longer than :data:`EXTRAPOLATE_ABOVE` seconds."""
    values = case["obj"].to_numpy()
    per_kommun = []
    for k in case["sample"]:
        lists = values[k].tolist()
        gc.collect()
        start = time.perf_counter()
        slow_metrics(lists, ids, alpha=ALPHA, with_clusters=with_clusters)
        per_kommun.append(time.perf_counter() - start)
    estimate = float(np.mean(per_kommun)) * case["matrices"]
    if estimate > EXTRAPOLATE_ABOVE:
        note = (f"extrapolated: {case['matrices']} × the mean of {len(per_kommun)} timed kommuner "
                f"({min(per_kommun):.3g}–{max(per_kommun):.3g} s each); a full run would take "
                f"~{estimate / 60:.0f} min, over the {EXTRAPOLATE_ABOVE / 60:.0f} min limit")
        return {"slow": estimate, "slow_runs": len(per_kommun), "slow_note": note}
    lists = [values[k].tolist() for k in range(case["matrices"])]
    total, runs = best_of(
        lambda: [slow_metrics(m, ids, alpha=ALPHA, with_clusters=with_clusters) for m in lists], min_runs=1)
    return {"slow": total, "slow_runs": runs, "slow_note": "full run of all kommuner"}


def breakdown(obj) -> list[tuple[str, float]]:
    """Best time of each public metric function (the parts of :func:`all_metrics`), on ``obj``."""
    parts = [("sdg_synergies", lambda: sdg_synergies(obj)), ("link_counts", lambda: link_counts(obj)),
             ("net_multiplier", lambda: net_multiplier(obj)), ("two_step_paths", lambda: two_step_paths(obj)),
             ("total_influence", lambda: total_influence(obj, alpha=ALPHA)),
             ("influence_dependence", lambda: influence_dependence(obj)), ("clusters", lambda: clusters(obj))]
    return [(name, best_of(fn, budget=5.0, single_limit=20.0)[0]) for name, fn in parts]


def profile(fn: Callable[[], object], lines: int = 15) -> str:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out).strip_dirs()
    stats.sort_stats("tottime").print_stats(lines)
    stats.sort_stats("cumulative").print_stats(lines)
    return out.getvalue()


# ------------------------------------------------------------------------------------------ report
def machine() -> dict[str, str]:
    cpu = "unknown"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    blas = "threadpoolctl not installed"
    if threadpoolctl is not None:
        blas = "; ".join(f"{i.get('internal_api')} {i.get('version')} ({i.get('architecture')}, "
                         f"{i.get('num_threads')} threads, {i.get('threading_layer')})"
                         for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas")
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip()
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
                           capture_output=True, text=True).stdout.strip()
    return {
        "date": subprocess.run(["date", "-u"], capture_output=True, text=True).stdout.strip(),
        "cpu": cpu,
        "nproc": str(len(os.sched_getaffinity(0))),
        "python": platform.python_version(),
        "numpy": np.__version__,
        "versions": f"xarray {xr.__version__}, scipy {scipy.__version__}, networkx {nx.__version__}",
        "blas": blas,
        "OPENBLAS_CORETYPE": os.environ.get("OPENBLAS_CORETYPE", "unset"),
        "commit": f"{commit}{' + uncommitted changes' if dirty else ''}",
    }


def seconds(value: float) -> str:
    return f"{value:.3g}" if value < 1000 else f"{value:.0f}"


def times(ratio: float) -> str:
    return f"{ratio:.2g}×" if ratio < 10 else f"{ratio:,.0f}×"


def markdown(rows: list[dict], info: dict[str, str], load: tuple[str, str], goals: list[str],
             parts: list[tuple[str, float]], stack_name: str) -> str:
    one = threadpoolctl is not None
    head = "| case | nodes | matrices | fast s | slow s | ratio | runs fast/slow |"
    rule = "|---|---:|---:|---:|---:|---:|---:|"
    if one:
        head += " fast s, 1 BLAS thread | ratio, 1 BLAS thread |"
        rule += "---:|---:|"
    lines = [f"Run started {info['date']} with `.venv/bin/python bench/bench_metrics.py` "
             f"(commit {info['commit']}).",
             "",
             f"Machine: {info['nproc']} CPUs, {info['cpu']}; Python {info['python']}, numpy {info['numpy']}, "
             f"{info['versions']}; BLAS: {info['blas']}; OPENBLAS_CORETYPE={info['OPENBLAS_CORETYPE']}. "
             f"Load average (1/5/15 min) at start {load[0]}, at end {load[1]}.",
             "",
             "Baseline: `tests/slow_reference.py` (`slow_metrics`: pure-Python loops, networkx for the "
             "clusters), measured in the same run. Fast: `all_metrics(obj, alpha=0.9, include_clusters=…)` "
             "on a prebuilt DataArray; slow: `slow_metrics` on prebuilt lists. Best of the repeats shown; "
             "ratio = slow / fast. Both sides were first checked to give the same numbers for every metric.",
             "", head, rule]
    for row in rows:
        ratio = row["slow"] / row["fast"]
        mark = " ‡" if row["slow_note"].startswith("extrapolated") else ""
        line = (f"| {VARIANTS[row['variant']]} | {row['nodes']} | {row['matrices']} | "
                f"{seconds(row['fast'])} | {seconds(row['slow'])}{mark} | {times(ratio)} | "
                f"{row['fast_runs']}/{row['slow_runs']} |")
        if one:
            line += f" {seconds(row['fast_1'])} | {times(row['slow'] / row['fast_1'])} |"
        lines.append(line)
    lines += [""] + [f"‡ {row['slow_note']}." for row in rows if row["slow_note"].startswith("extrapolated")]
    lines += ["", "Goals (issue 3):", ""] + [f"- {g}" for g in goals]
    lines += ["", f"Where the time goes on {stack_name}: each public metric function alone (what "
              "`all_metrics` computes, one part at a time), default BLAS threads, best of its repeats:", "",
              "| function | s |", "|---|---:|"]
    lines += [f"| `{name}` | {seconds(t)} |" for name, t in parts]
    return "\n".join(lines).rstrip() + "\n"


def write_results(body: str) -> None:
    """Put ``body`` between our markers in the metrics section of bench/RESULTS.md; leave the rest alone."""
    block = f"{BEGIN}\n{body}{END}\n"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    if BEGIN in text and END in text:
        text = re.sub(re.escape(BEGIN) + r".*?" + re.escape(END) + r"\n?", lambda _: block, text, flags=re.S)
    elif SECTION in text:
        start = text.index(SECTION) + len(SECTION)
        text = f"{text[:start]}\n\n{block}{text[start:].lstrip(chr(10))}"
    else:
        text = f"{text.rstrip()}\n\n{SECTION}\n\n{block}"
    RESULTS.write_text(text, encoding="utf-8")


def loadavg() -> str:
    return " / ".join(f"{v:.2f}" for v in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write-results", action="store_true", help=f"rewrite our part of {RESULTS.name}")
    parser.add_argument("--smoke", action="store_true", help="tiny matrices: check that the bench runs")
    args = parser.parse_args(argv)
    if args.smoke and args.write_results:
        parser.error("--smoke results are not benchmark results; leave out --write-results")
    load_start, info = loadavg(), machine()  # the date and commit of the start of the run
    rng = np.random.default_rng(SEED)
    cases = make_cases(rng, smoke=args.smoke)
    for case in cases:  # FIRST: the same numbers
        log(f"checking {case['name']} …")
        check_case(case, rng)
    rows = []
    for case in cases:  # THEN: the times
        log(f"timing {case['name']} …")
        rows += time_case(case)
    stack = cases[-1]["obj"]
    log("timing each function on the stack …")
    parts = breakdown(stack)

    get = {(r["case"], r["variant"]): r for r in rows}
    single, stacked = cases[1]["name"], cases[-1]["name"]
    goals = []
    for key in ("a", "b"):
        r = get[(single, key)]
        ratio = r["slow"] / r["fast"]
        extra = f" (1 BLAS thread: {times(r['slow'] / r['fast_1'])})" if "fast_1" in r else ""
        goals.append(f"≥ {GOAL_RATIO:.0f}× on {single}, {VARIANTS[key]}: {times(ratio)}{extra} — "
                     f"{'met' if ratio >= GOAL_RATIO else 'NOT met'}")
    for key in ("a", "b"):
        r = get[(stacked, key)]
        extra = f" (1 BLAS thread: {seconds(r['fast_1'])} s)" if "fast_1" in r else ""
        met = "met" if r["fast"] < GOAL_STACK_SECONDS else "NOT met"
        goals.append(f"{stacked} in one call < {GOAL_STACK_SECONDS:.0f} s, {VARIANTS[key]}: "
                     f"{seconds(r['fast'])} s{extra} — {met}")
    load = (load_start, loadavg())
    body = markdown(rows, info, load, goals, parts, stacked)
    print(f"{SECTION}\n\n{body}")
    if any("NOT met" in g for g in goals):
        print("## cProfile of the calls that miss a goal (stdout only)\n")
        one_matrix = cases[1]["obj"]
        missed = [
            (get[(single, "a")], f"20 × all_metrics({single}, include_clusters=False)",
             lambda: [all_metrics(one_matrix, alpha=ALPHA, include_clusters=False) for _ in range(20)]),
            (get[(single, "b")], f"all_metrics({single}, include_clusters=True)",
             lambda: all_metrics(one_matrix, alpha=ALPHA)),
            (get[(stacked, "a")], f"all_metrics({stacked}, include_clusters=False)",
             lambda: all_metrics(stack, alpha=ALPHA, include_clusters=False)),
        ]  # the stack with clusters: see the table of functions above (the clusters' loop)
        for row, title, fn in missed:
            slow_enough = row["matrices"] == 1 and row["slow"] / row["fast"] < GOAL_RATIO
            if slow_enough or (row["matrices"] > 1 and row["fast"] >= GOAL_STACK_SECONDS):
                print(f"### {title}\n```\n{profile(fn)}```\n")
    if args.write_results:
        write_results(body)
        log(f"wrote {RESULTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
