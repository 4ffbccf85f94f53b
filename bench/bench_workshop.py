"""Benchmark the workshop as participants meet it on ``workshop serve`` (issue 19).

Run from the repository root (needs Debian's ``chromium`` and ``chromium-driver``)::

    .venv/bin/python bench/bench_workshop.py                 # 10 participants at once (~4 min)
    .venv/bin/python bench/bench_workshop.py --all-browsers  # and a round with ten browsers on this machine
    .venv/bin/python bench/bench_workshop.py --think 3       # each reads a pair ~3 s before scoring it
    .venv/bin/python bench/bench_workshop.py --smoke         # 2 participants, 3 pairs each: does the bench run?

A workshop folder of SEI's 34 Sweden targets with one personal link per participant is served on 127.0.0.1
exactly as ``sdg-interactions workshop serve`` serves it (:func:`sdg_interactions.apps.server.serve`, the
prelaunch hook, the kernel cap, the culling). The goal is about the **server** (a facilitator's 2-core laptop
or a small cloud machine) with ten participants, each on their own device. On this one machine ten headless
Chromiums would take the server's two cores for themselves (Voilà's front end is several MB of JavaScript a
page), so the participants are of two kinds:

* a **light participant** (:mod:`_light_participant`) does over the network exactly what the page does — the
  page requested, the kernel's websocket opened, every widget's state loaded, a click sent as the browser
  sends it — and waits for the kernel's answers, without drawing anything: the server's part of each wait;
* a **browser** participant is a headless Chromium (own profile, lowest CPU priority) that does the same
  through the real page and measures what a participant sees.

The server runs as ``workshop serve`` runs it by default, with warm kernels (``--warm``: kernels started
before their pages with the scoring app imported; ``--warm 0`` measures without them). Rounds, each starting
when the last one's kernels are gone and the warm kernels are ready again: a browser alone and a light
participant alone (the **baselines**, measured first in the same run), ten light participants at once, then
``--rounds`` times one browser among nine light participants — what one participant sees while nine others
load the server.
Measured for each: **page open → first pair** (the browser: until the score buttons are on the page; the
light participant: until every widget's state has arrived) — goal p90 < 10 s; **click → "Sparat"** for each of
``--pairs`` pairs (the click sent, the answer fsynced to the journal, the status redrawn; then "Nästa",
untimed) — goal p90 < 300 ms; **memory per participant** (the participant kernels' RSS with ten open). Every
answer is checked in the journals afterwards: one line per click. By default everyone scores at once, pair after
pair with no pause: a stress test, ten people clicking in step; ``--think S`` lets each participant read a pair
for S seconds on average before scoring it (uniform between ½ S and 1½ S), as people do.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np
from _machine import cpu_model

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

GOAL_OPEN = 10.0
GOAL_SAVED = 0.300


def _load() -> str:
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:  # pragma: no cover - not on Linux
        return "unknown"


def _p90(times: list[float]) -> float:
    return float(np.percentile(times, 90))


def _settle(server_pid: int, warm: int, timeout: float = 180.0) -> None:
    """Wait until the participants' server has ``warm`` kernels and none of them is busy (done importing): the
    state a workshop's server is in when its participants arrive, a minute or more after ``workshop serve``."""
    import psutil

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        kernels = [c for c in psutil.Process(server_pid).children(recursive=True)
                   if "ipykernel" in " ".join(c.cmdline())]
        if len(kernels) == warm and all(k.cpu_percent(interval=0.3) < 5 for k in kernels):
            return
        time.sleep(0.5)
    raise SystemExit(f"the server did not settle with {warm} warm kernels within {timeout:.0f} s")


def _kernel_rss(server_pids: list[int]) -> list[int]:
    """The RSS (bytes) of every kernel process under the servers."""
    import psutil

    found = []
    for pid in server_pids:
        try:
            children = psutil.Process(pid).children(recursive=True)
        except psutil.NoSuchProcess:
            continue
        for child in children:
            try:
                if "ipykernel" in " ".join(child.cmdline()):
                    found.append(child.memory_info().rss)
            except psutil.NoSuchProcess:
                continue
    return found


def _nice(driver) -> None:
    """Lower the browser's CPU priority: in a workshop each browser runs on its participant's own device, so
    here the server and its kernels come first and the browsers use what is left of the two cores."""
    import psutil

    try:
        for process in psutil.Process(driver.service.process.pid).children(recursive=True):
            process.nice(19)
    except (psutil.Error, AttributeError):  # pragma: no cover - the bench still runs, with the note in its output
        pass


def _participant(url: str, pairs: int, scores: list[int], result: dict, start: threading.Barrier) -> None:
    from browser import new_browser, wait_for
    from selenium.webdriver.common.by import By

    from sdg_interactions.apps._scoring_view import signed
    from sdg_interactions.texts import text

    saved = text("scoring.status.saved", "sv")
    driver = new_browser(width=1000, height=1400)
    _nice(driver)
    try:
        start.wait()
        t0 = time.perf_counter()
        driver.get(url)
        wait_for(lambda: driver.find_elements(By.XPATH, "//button[contains(., '+3')]"), timeout=300,
                 every=0.05, what="the first pair")
        result["open"] = time.perf_counter() - t0
        result["clicks"] = []
        def click(xpath: str) -> float:
            """Click the element once it is on the page (widgets are redrawn: retry a stale one); the time of
            the click that went through."""
            def once():
                element = driver.find_element(By.XPATH, xpath)
                clicked = time.perf_counter()
                element.click()
                return clicked
            return wait_for(once, timeout=60, every=0.02, what=xpath)

        for k in range(pairs):
            heading = wait_for(lambda: driver.find_element(By.XPATH, "//h4").text, what="the heading")
            time.sleep(result["waits"][k])  # the participant reads the pair before scoring it
            t1 = click(f"//button[starts-with(normalize-space(.), '{signed(scores[k])} ')]")
            wait_for(lambda: saved in driver.find_element(By.CLASS_NAME, "sdgi-status").text, timeout=60,
                     every=0.01, what="Sparat")
            result["clicks"].append(time.perf_counter() - t1)
            if k < pairs - 1:
                click("//button[normalize-space(.)='Nästa →']")
                wait_for(lambda h=heading: driver.find_element(By.XPATH, "//h4").text != h, timeout=60,
                         every=0.02, what="the next pair")
        result["ok"] = True
    except Exception as exc:  # the bench reports it
        buttons = [b.text for b in driver.find_elements(By.TAG_NAME, "button")]
        result["error"] = (f"{type(exc).__name__}: {str(exc).splitlines()[0]} (buttons on the page: {buttons}; "
                           f"text: {driver.find_element(By.TAG_NAME, 'body').text[:300]!r})")
    finally:
        result["driver"] = driver


def _light(base: str, token: str, pairs: int, scores: list[int], result: dict, start: threading.Barrier) -> None:
    """The same participant without a browser (:mod:`_light_participant`): the server's part of each wait."""
    from _light_participant import LightParticipant

    from sdg_interactions.apps._scoring_view import signed
    from sdg_interactions.texts import text

    saved = text("scoring.status.saved", "sv")
    participant = LightParticipant(base, token)
    try:
        start.wait()
        t0 = time.perf_counter()
        participant.open()
        result["open"] = time.perf_counter() - t0
        result["clicks"] = []
        for k in range(pairs):
            button = participant.button(f"{signed(scores[k])} ")
            time.sleep(result["waits"][k])  # the participant reads the pair before scoring it
            t1 = time.perf_counter()
            participant.click(button, until=saved)
            result["clicks"].append(time.perf_counter() - t1)
            if k < pairs - 1:
                participant.click(participant.button("Nästa →"))
        participant.stay()  # the page stays open until the round ends
        result["ok"] = True
    except Exception as exc:  # the bench reports it
        result["error"] = f"light: {type(exc).__name__}: {exc}"
    finally:
        result["close"] = participant.close



def _round(base: str, people: list[tuple[str, str]], pairs: int, seed: int,
           server_pids: list[int], think: float = 0.0) -> tuple[list[dict], list[int]]:
    """All ``people`` (``("browser" | "light", token)``) at once; their results and the kernels' RSS. Before each
    score a participant reads the pair for ``think`` seconds on average (uniform between ½ and 1½ times it)."""
    rng = np.random.default_rng(seed)
    results = [{"kind": kind, "waits": (think * rng.uniform(0.5, 1.5, pairs)).tolist()} for kind, _ in people]
    barrier = threading.Barrier(len(people))
    threads = []
    for (kind, token), result in zip(people, results, strict=True):
        scores = [int(s) for s in rng.integers(-3, 4, pairs)]
        if kind == "browser":
            threads.append(threading.Thread(target=_participant, args=(f"{base}?k={token}", pairs, scores, result,
                                                                         barrier)))
        else:
            threads.append(threading.Thread(target=_light, args=(base, token, pairs, scores, result, barrier)))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    rss = _kernel_rss(server_pids)
    for r in results:
        if r.get("driver") is not None:
            r.pop("driver").quit()
        if r.get("close") is not None:
            r.pop("close")()
    return results, rss


def _row(measure: str, alone: float, crowd: list[float], goal: float, unit: str) -> str:
    scale, fmt = (1000, "{:.0f} ms") if unit == "ms" else (1, "{:.2f} s")
    p90 = _p90(crowd)
    verdict = "met" if p90 < goal else "**NOT met**"
    goal_text = fmt.format(goal * scale).replace(".00", "")
    return (f"| {measure} | {fmt.format(alone * scale)} | {fmt.format(statistics.median(crowd) * scale)} | "
            f"{fmt.format(p90 * scale)} | {p90 / alone:.1f}× | p90 < {goal_text}: {verdict} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--people", type=int, default=10)
    parser.add_argument("--pairs", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="rounds of one browser among light participants")
    parser.add_argument("--all-browsers", action="store_true", help="also a round with a browser for everyone")
    parser.add_argument("--warm", type=int, default=None,
                        help="warm kernels (workshop serve --warm; default: serve's own, one per link, at most 10)")
    parser.add_argument("--think", type=float, default=0.0,
                        help="seconds a participant reads a pair before scoring it, on average (default 0: at once)")
    parser.add_argument("--smoke", action="store_true")
    args = parser.parse_args(argv)
    people, pairs, rounds = (2, 3, 1) if args.smoke else (args.people, args.pairs, args.rounds)

    from browser import free_port

    from sdg_interactions import load_matrix
    from sdg_interactions.apps.links import read_links
    from sdg_interactions.apps.server import serve
    from sdg_interactions.apps.workshop import journals, new_workshop
    from sdg_interactions.io.journal import read_journal
    from sdg_interactions.matrix import node_ids

    plan = ([("alone, browser", 1, 0)] + [("alone, light", 0, 1)] + [("crowd, light", 0, people)]
            + [(f"crowd, browser {k + 1}", 1, people - 1) for k in range(rounds)]
            + ([("crowd, browsers", people, 0)] if args.all_browsers else []))
    nodes = node_ids(load_matrix("weitz2018_sweden"))
    scratch = Path(tempfile.mkdtemp(prefix="bench-workshop-"))
    folder = new_workshop(scratch / "ws", nodes, kommun="Habo", respondents=sum(b + n for _, b, n in plan))
    tokens = iter(link.token for link in read_links(folder))
    port = free_port()
    from sdg_interactions.apps._warm_kernels import default_warm

    warm = default_warm(len(read_links(folder))) if args.warm is None else args.warm
    cap = people + 2
    processes = serve(folder, port=port, ip="127.0.0.1", wait=False, out=open(os.devnull, "w"),
                      max_participants=cap, warm=warm)
    base = f"http://127.0.0.1:{port}/"
    done: dict[str, list[dict]] = {}
    memory: list[int] = []
    try:  # serve() returns once both servers answer
        pids = [p.pid for p in processes]
        for seed, (name, browsers, light) in enumerate(plan):
            if done:
                time.sleep(25)  # the last round's kernels are culled (no page after 12 s), so each round starts clean
            _settle(pids[0], min(warm, cap))
            who = [("browser", next(tokens)) for _ in range(browsers)] + [("light", next(tokens)) for _ in range(light)]
            done[name], rss = _round(base, who, pairs, seed, pids, think=args.think)
            if name == "crowd, light":
                memory = rss
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)

    failed = [f"{name}: {r['error']}" for name, results in done.items() for r in results if not r.get("ok")]
    if failed:
        print("FAILED:", *failed, sep="\n  ")
        return 1
    lines = sum(len(read_journal(path)) for path in journals(folder))
    expected = pairs * sum(len(results) for results in done.values())
    assert lines == expected, f"{lines} journal lines, expected {expected}"

    def of(prefix: str, kind: str, what: str) -> list[float]:
        values = [r[what] for name, results in done.items() if name.startswith(prefix) for r in results
                  if r["kind"] == kind]
        return [t for v in values for t in (v if isinstance(v, list) else [v])]

    now = datetime.datetime.now(datetime.UTC)
    print(f"## Workshop, {people} participants at once (issue 19)\n")
    print(f"{now:%Y-%m-%d %H:%M} UTC · {os.cpu_count()} cores, {cpu_model()} · Python {platform.python_version()}"
          f" · load average after {_load()} · {pairs} pairs each, SEI's 34 Sweden targets"
          f" · {min(warm, cap)} warm kernels (--warm {warm}) · reading a pair {args.think:g} s on average"
          f" before scoring it\n")
    print("| measure | 1 alone (baseline) | median, at once | p90, at once | p90 / baseline | goal |")
    print("| --- | --- | --- | --- | --- | --- |")
    light_open, light_clicks = of("alone, light", "light", "open")[0], of("alone, light", "light", "clicks")
    print(_row(f"server's part: page open → first pair's widgets ({people} light participants)", light_open,
               of("crowd, light", "light", "open"), GOAL_OPEN, "s"))
    print(_row(f"server's part: click → \"Sparat\" ({people} light participants; baseline: median alone)",
               statistics.median(light_clicks), of("crowd, light", "light", "clicks"), GOAL_SAVED, "ms"))
    browser_open, browser_clicks = of("alone, browser", "browser", "open")[0], of("alone, browser", "browser", "clicks")
    print(_row(f"in a browser, {people - 1} others on the server: page open → first pair drawn ({rounds} rounds)",
               browser_open, of("crowd, browser", "browser", "open"), GOAL_OPEN, "s"))
    print(_row(f"in a browser, {people - 1} others on the server: click → \"Sparat\" shown",
               statistics.median(browser_clicks), of("crowd, browser", "browser", "clicks"), GOAL_SAVED, "ms"))
    if args.all_browsers:
        print(_row(f"{people} browsers on these 2 cores with the server: page open → first pair", browser_open,
                   of("crowd, browsers", "browser", "open"), GOAL_OPEN, "s"))
        print(_row(f"{people} browsers on these 2 cores with the server: click → \"Sparat\"",
                   statistics.median(browser_clicks), of("crowd, browsers", "browser", "clicks"), GOAL_SAVED, "ms"))
    print(f"| memory per participant (kernel RSS, {len(memory)} kernels) | | "
          f"{sum(memory) / max(1, len(memory)) / 2**20:.0f} MB | | | |")
    print(f"\nEvery click is in the journals: {lines} lines = {expected // pairs} participants × {pairs} pairs.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
