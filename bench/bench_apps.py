"""Benchmark the apps headless, with their real widgets: how long a click takes to show its result (issue 8).

Run from the repository root::

    .venv/bin/python bench/bench_apps.py               # every case, 30 repeats (~2–3 min)
    .venv/bin/python bench/bench_apps.py --repeats 50  # more repeats
    .venv/bin/python bench/bench_apps.py --smoke       # 3 repeats, 2 journals: does the bench run?

Cases (goals from issue 8):

* **Scoring app** (goal < 100 ms): a workshop folder of 34 nodes (SEI's Sweden set) and one of 169 (all
  targets), 6 participants; one opens their personal link, then each repeat is
  ``score_buttons[s].click()`` on a pair not answered yet — the answer validated, appended, fsynced, the
  status redrawn as saved — and, timed separately, that click followed by ``controls["next"].click()``
  until the next pair is drawn. Checked after each repeat: the answer is in the journal, ``saved`` is
  True, the status says so and the heading names the next pair. **Baseline:** ``Journal.record`` alone
  (validation, append, fsync) into a journal in the same folder, so the app's own overhead is the ratio.
* **Explorer** (goal < 100 ms): ``controls["node"].value = …`` through the nodes of the bundled 34-node
  Sweden matrix and of a 169-node matrix made with ``from_array`` from seeded random integers −3…3; the
  time until the summary, both lists and the SVG chart are redrawn (the redraw is synchronous). No
  baseline: nothing simpler draws the same chart.
* **Dashboard** (goal < 1 s): a 34-node workshop (1,122 pairs) with 12 journals of 1,122 answers each,
  written beforehand with ``Journal.record``; each repeat is ``controls["refresh"].click()``: merge every
  journal, then redraw progress, problems and contested cells. **Baseline:** ``read_journal`` of the 12
  journals alone; ``merge_folder`` alone is shown too, to tell reading, merging and drawing apart (the three
  timed in turn within each repeat).
* **Scenario app** (goal < 100 ms; issue 9): the bundled 34-node Sweden matrix and the 169-node seeded
  random matrix, three priorities ticked; each repeat ticks one more node's checkbox
  (``checkboxes[node].value = True``) — the scenario evaluated, the checkboxes, effort boxes, summary,
  conflict box and the five class tables redrawn — and unticks it untimed. Checked after each repeat: the
  model's priorities and the at-risk table are those of ``scenario()``. **Baseline:** ``scenario()`` +
  ``triggered_conflicts()`` on the same priorities, called directly (timed in turn with the ticks), so the
  ratio is the app's overhead (below 1 when the app's once-per-matrix conflict list beats recomputing it).

Times are ``time.perf_counter`` around the click: median and 90th percentile over the repeats. The
machine (nproc, CPU model, Python), the date and the load average are printed with a markdown section for
``bench/RESULTS.md``. fsync times depend on the disk: run where the workshop folder would live.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

import numpy as np
from _machine import cpu_model

GOAL_CLICK = 0.100
GOAL_DASHBOARD = 1.0


def _load() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on Linux
        return "unknown"


def _commit() -> str:
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=True)
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], capture_output=True,
                               text=True, check=True).stdout.strip()
        return head.stdout.strip() + (" + uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def _stats(times: list[float]) -> tuple[float, float]:
    """Median and 90th percentile (linear interpolation), in seconds."""
    return statistics.median(times), float(np.percentile(times, 90))


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f}"


# --- the scoring app ---------------------------------------------------------------------------------

def bench_scoring(root: Path, nodes: list[str], repeats: int) -> dict[str, list[float]]:
    """Score-button clicks (and click + next) in the real ScoringApp; Journal.record alone as the baseline."""
    from sdg_interactions.apps import new_workshop, scoring_app
    from sdg_interactions.apps.links import read_links
    from sdg_interactions.io.journal import Journal, read_journal
    from sdg_interactions.texts import text

    folder = new_workshop(root / f"scoring_{len(nodes)}", nodes, kommun="Falköping", respondents=6)
    app = scoring_app(folder, link=read_links(folder)[0].token)  # a participant opens their personal link
    model = app.model
    assert app.screen == "pair" and model.joined, app.displays["errors"].outputs
    need = 2 * repeats + 3
    assert len(model.pairs) >= need, f"{len(model.pairs)} pairs in the share, {need} needed"
    saved_text = text("scoring.status.saved", "sv")
    times: dict[str, list[float]] = {"click": [], "click_next": [], "record": []}
    scores = [2, -1, 3, 0, -3, 1, -2]

    # warm-up: the first click draws the buttons' styles for the first time
    app.score_buttons[1].click()
    app.controls["next"].click()

    # baseline: the bare journal call into a journal of its own in the same folder, timed in turn with the
    # clicks (so a change of load on the machine hits both alike)
    baseline = Journal(folder / "svar" / "baseline.jsonl", "baseline")
    pairs = model.pairs
    baseline.record(*pairs[0], 1)

    def record(k: int) -> None:
        source, target = pairs[k + 1]
        started = time.perf_counter()
        baseline.record(source, target, scores[k % 7], "", False)
        times["record"].append(time.perf_counter() - started)

    for k in range(repeats):  # the click alone: the answer saved and shown as saved, on this pair
        position = model.position
        button = app.score_buttons[scores[k % 7]]
        started = time.perf_counter()
        button.click()
        times["click"].append(time.perf_counter() - started)
        assert model.saved and model.score == scores[k % 7] and saved_text in app.displays["status"].value
        assert model.recorded(position).score == scores[k % 7]
        model.go(position + 1)  # not timed: the next fresh pair
        record(k)

    for k in range(repeats):  # the click, then "next": saved, and the next pair drawn
        position = model.position
        button, forward = app.score_buttons[scores[k % 7]], app.controls["next"]
        started = time.perf_counter()
        button.click()
        forward.click()
        times["click_next"].append(time.perf_counter() - started)
        source, target = model.pairs[position + 1]
        assert model.position == position + 1 and model.answers[model.pairs[position]].score == scores[k % 7]
        assert f"{position + 2} " in app.displays["heading"].value and source in app.displays["source"].value
        assert target in app.displays["target"].value
        record(repeats + k)

    baseline.close()
    answered, path = model.answered, model.journal_file
    app.close()
    on_disk = {(a.source, a.target) for a in read_journal(path) if a.score is not None}
    assert len(on_disk) == answered
    return times


# --- the explorer ------------------------------------------------------------------------------------

def random_matrix(ids: list[str], seed: int = 8):
    from sdg_interactions.matrix import from_array

    rng = np.random.default_rng(seed)
    values = rng.integers(-3, 4, size=(len(ids), len(ids))).astype(float)
    np.fill_diagonal(values, np.nan)
    return from_array(values, ids, attrs={"title": f"random {len(ids)} nodes, seed {seed}"})


def bench_explorer(obj, repeats: int) -> list[float]:
    """Change the node in the real Explorer; the redraw of summary, lists and chart is synchronous."""
    from sdg_interactions.apps import explore

    app = explore(obj)
    node, display = app.controls["node"], app.displays
    ids = list(app.model.nodes)
    node.value = ids[1]  # warm-up
    times = []
    for k in range(repeats):
        chosen = ids[(k + 2) % len(ids)]
        if chosen == node.value:
            chosen = ids[(k + 3) % len(ids)]
        started = time.perf_counter()
        node.value = chosen
        times.append(time.perf_counter() - started)
        assert app.model.node == chosen and chosen in display["summary"].value and "<svg" in display["chart"].value
        assert not display["errors"].outputs, display["errors"].outputs
    return times


# --- the scenario app --------------------------------------------------------------------------------

def bench_scenario(obj, repeats: int) -> dict[str, list[float]]:
    """Tick one more checkbox in the real ScenarioApp; scenario() + triggered_conflicts() as the baseline."""
    from sdg_interactions.analysis import scenario, triggered_conflicts
    from sdg_interactions.apps.scenario import ScenarioApp

    app = ScenarioApp(obj)
    model, boxes = app.model, app.checkboxes
    ids = list(model.ids)
    for node in ids[:3]:
        boxes[node].value = True
    times: dict[str, list[float]] = {"tick": [], "baseline": []}
    boxes[ids[3]].value = True  # warm-up
    boxes[ids[3]].value = False
    for k in range(repeats):
        node = ids[3 + k % (len(ids) - 3)]
        want = [*ids[:3], node]
        started = time.perf_counter()
        boxes[node].value = True
        times["tick"].append(time.perf_counter() - started)
        classes = scenario(model.matrix, want)["class"].to_series()
        assert model.priorities == tuple(want) and not app.displays["errors"].outputs, app.displays["errors"].outputs
        assert sorted(model.evaluation.tables["at_risk"]["node"]) == sorted(classes[classes == "at_risk"].index)
        boxes[node].value = False  # not timed: back to the three
        started = time.perf_counter()
        scenario(model.matrix, want)
        triggered_conflicts(model.data, want)
        times["baseline"].append(time.perf_counter() - started)
    app.close()
    return times


# --- the dashboard -----------------------------------------------------------------------------------

def write_journals(root: Path, nodes: list[str], respondents: int, seed: int = 12) -> tuple[Path, float]:
    """A workshop folder with ``respondents`` journals answering every pair, written with Journal.record."""
    from sdg_interactions.apps import journal_path, new_workshop
    from sdg_interactions.io.journal import Journal

    names = [f"Deltagare {k + 1}" for k in range(respondents)]
    folder = new_workshop(root / "dashboard", nodes, kommun="Falköping", respondents=names)
    rng = np.random.default_rng(seed)
    pairs = [(s, t) for s in nodes for t in nodes if s != t]
    started = time.perf_counter()
    for name in names:
        scores = rng.integers(-3, 4, size=len(pairs))
        with Journal(journal_path(folder, name), name) as journal:
            for (source, target), score in zip(pairs, scores, strict=True):
                journal.record(source, target, int(score), "kommentar" if score < -1 else "", bool(score == 0))
    return folder, time.perf_counter() - started


def bench_dashboard(folder: Path, repeats: int) -> dict[str, list[float]]:
    from sdg_interactions.apps import Dashboard, DashboardModel, merge_folder
    from sdg_interactions.apps.workshop import journals
    from sdg_interactions.io.journal import read_journal

    app = Dashboard(DashboardModel(folder))
    assert not app.displays["errors"].outputs, app.displays["errors"].outputs
    files = journals(folder)
    times: dict[str, list[float]] = {"refresh": [], "read": [], "merge": []}
    button = app.controls["refresh"]
    for _ in range(repeats):  # the three in turn, so a change of load on the machine hits them alike
        before = app.model.updated
        started = time.perf_counter()
        button.click()
        times["refresh"].append(time.perf_counter() - started)
        merged = app.model.merged
        assert len(merged.respondents) == len(files) and not merged.problems and not app.displays["errors"].outputs
        assert app.model.updated >= before and "<table" in app.displays["respondents"].value
        started = time.perf_counter()
        lines = sum(len(read_journal(path)) for path in files)
        times["read"].append(time.perf_counter() - started)
        assert lines == len(files) * len(merged.plan.nodes) * (len(merged.plan.nodes) - 1)
        started = time.perf_counter()
        merge_folder(folder)
        times["merge"].append(time.perf_counter() - started)
    return times


# --- the report --------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=30, help="repeats per case (default 30, at least 20)")
    parser.add_argument("--respondents", type=int, default=12, help="journals for the dashboard (default 12)")
    parser.add_argument("--smoke", action="store_true", help="3 repeats and 2 journals: does the bench run?")
    args = parser.parse_args()
    repeats = 3 if args.smoke else args.repeats
    respondents = 2 if args.smoke else args.respondents
    if not args.smoke and repeats < 20:
        parser.error("--repeats must be at least 20 (or use --smoke)")

    import ipywidgets

    from sdg_interactions import __version__, frameworks
    from sdg_interactions.io import nodes_from

    started_at = datetime.datetime.now(datetime.UTC)
    load_start = _load()
    sweden = list(nodes_from("weitz2018_sweden"))
    everything = frameworks.targets("sv")["id"].tolist()
    assert len(sweden) == 34 and len(everything) == 169
    root = Path(tempfile.mkdtemp(prefix="bench_apps_"))
    try:
        scoring = {n: bench_scoring(root, ids, repeats) for n, ids in ((34, sweden), (169, everything))}
        explorer = {34: bench_explorer("weitz2018_sweden", repeats), 169: bench_explorer(random_matrix(everything),
                                                                                          repeats)}
        scenarios = {34: bench_scenario("weitz2018_sweden", repeats),
                     169: bench_scenario(random_matrix(everything), repeats)}
        folder, writing = write_journals(root, sweden, respondents)
        dashboard = bench_dashboard(folder, repeats)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    load_end = _load()

    rows = []  # (case, nodes, median, p90, baseline median or None, goal or None)
    for n in (34, 169):
        record = _stats(scoring[n]["record"])[0]
        rows.append((f"baseline: `Journal.record` alone (validate, append, fsync) — {n}-node workshop", n,
                     *_stats(scoring[n]["record"]), None, None))
        rows.append(("scoring app: score-button click → saved, status redrawn", n, *_stats(scoring[n]["click"]),
                     record, GOAL_CLICK))
        rows.append(("scoring app: score-button click + Next → saved, next pair drawn", n,
                     *_stats(scoring[n]["click_next"]), record, GOAL_CLICK))
    for n in (34, 169):
        rows.append(("explorer: change the node → summary, lists and chart redrawn", n, *_stats(explorer[n]), None,
                     GOAL_CLICK))
    read = _stats(dashboard["read"])[0]
    rows.append((f"baseline: `read_journal` of the {respondents} journals alone", 34, *_stats(dashboard["read"]),
                 None, None))
    rows.append(("`merge_folder` alone (read + merge, no widgets)", 34, *_stats(dashboard["merge"]), read, None))
    rows.append(("dashboard: Refresh click → merged, progress and contested redrawn", 34,
                 *_stats(dashboard["refresh"]), read, GOAL_DASHBOARD))

    print("## Apps (issue 8)\n")
    print(f"Run started {started_at:%Y-%m-%d %H:%M} UTC with `.venv/bin/python bench/bench_apps.py"
          f"{' --smoke' if args.smoke else f' --repeats {repeats}'}` (commit {_commit()}).\n")
    print(f"Machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}; Python {platform.python_version()}, "
          f"ipywidgets {ipywidgets.__version__}, sdg_interactions {__version__}. Load average (1/5/15 min) at "
          f"start {load_start}, at end {load_end}.\n")
    print(f"Headless: the apps' real widgets, driven by `.click()` and `.value` as a browser's messages would "
          f"(no browser, no network round trip). {repeats} repeats per case; median and 90th percentile in "
          f"ms; ratio = median / the baseline's median, measured in the same run. Workshops: 6 participants; "
          f"the dashboard's {respondents} journals × {34 * 33:,} answers were written first with "
          f"`Journal.record` ({writing:.0f} s, {writing / (respondents * 34 * 33) * 1000:.1f} ms an answer).\n")
    print("| case | nodes | median ms | p90 ms | ratio to baseline | goal |")
    print("|---|---:|---:|---:|---:|---|")
    for case, n, median, p90, base, goal in rows:
        ratio = f"{median / base:.1f}×" if base else ""
        verdict = "" if goal is None else f"< {goal * 1000:.0f} ms: {'met' if p90 < goal else 'NOT met'}"
        print(f"| {case} | {n} | {_ms(median)} | {_ms(p90)} | {ratio} | {verdict} |")
    print("\nA goal counts as met when the 90th percentile is under it.")
    print("\n### Scenario app (issue 9)\n")
    print("Three priorities ticked; each repeat ticks one more checkbox in the real `ScenarioApp` until the "
          "tables, summary and conflict box are redrawn (the HTML bars; the altair chart is off, as it is by "
          "default). Baseline: `scenario()` + `triggered_conflicts()` on the same four priorities, called "
          "directly and timed in turn with the ticks. 169 nodes: `from_array` of seeded random integers −3…3.\n")
    print("| case | nodes | median ms | p90 ms | ratio to baseline | goal |")
    print("|---|---:|---:|---:|---:|---|")
    for n in (34, 169):
        base = _stats(scenarios[n]["baseline"])
        median, p90 = _stats(scenarios[n]["tick"])
        print(f"| baseline: `scenario()` + `triggered_conflicts()` directly | {n} | {_ms(base[0])} | {_ms(base[1])} "
              f"|  |  |")
        print(f"| scenario app: tick a checkbox → scenario, tables and conflicts redrawn | {n} | {_ms(median)} | "
              f"{_ms(p90)} | {median / base[0]:.1f}× | < {GOAL_CLICK * 1000:.0f} ms: "
              f"{'met' if p90 < GOAL_CLICK else 'NOT met'} |")


if __name__ == "__main__":
    main()
