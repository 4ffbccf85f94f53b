"""Benchmark ``fetch_all`` (issue 23): every mapped KPI for every kommun, region and Riket, against the local
stand-in of Kolada's v3 API (``tests/kolada_standin.py``), run in its own process so that serving does not
share the fetching process's GIL.

Run from the repository root::

    .venv/bin/python bench/bench_kolada.py             # all mapped KPIs × 312 areas, delay 0
    .venv/bin/python bench/bench_kolada.py --kpis 5    # the first 5 KPIs only
    .venv/bin/python bench/bench_kolada.py --delay 0.5 # with the CLI's default delay between requests

Measured: wall time of one fresh ``fetch_all`` into an empty cache in a temporary folder (real ``fsync`` of
every cache file: the disk matters), the requests made (= ceil(kpis / 25) · ceil(areas / 25)),
the values and cache files written. Then a resumed run: the ledger cut to its first half of the requests
and marked unfinished, and ``fetch_all`` again (only the other half is asked for). Prints a markdown row for
bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "bench")]

from _machine import cpu_model  # noqa: E402

from sdg_interactions.frameworks.kolada import target_kpis  # noqa: E402
from sdg_interactions.frameworks.kolada_bulk import LEDGER, all_areas, fetch_all  # noqa: E402

SERVE = """
import sys, time
sys.path.insert(0, sys.argv[1])
from kolada_standin import StandIn
srv = StandIn().start()
print(srv.url, flush=True)
while True:
    time.sleep(3600)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kpis", type=int, default=0, help="only the first N mapped KPIs (0: all)")
    parser.add_argument("--delay", type=float, default=0.0, help="seconds between requests (default 0)")
    args = parser.parse_args()
    kpis = list(dict.fromkeys(target_kpis()["kpi"]))
    kpis = kpis[:args.kpis] if args.kpis else kpis
    areas = all_areas()
    server = subprocess.Popen([sys.executable, "-c", SERVE, str(ROOT / "tests")], stdout=subprocess.PIPE, text=True)
    try:
        url = server.stdout.readline().strip()
        with tempfile.TemporaryDirectory(dir=os.environ.get("BENCH_TMP")) as folder:
            start = time.perf_counter()
            result = fetch_all(kpis, areas, cache=folder, base_url=url, delay=args.delay)
            seconds = time.perf_counter() - start
            files = sum(1 for _ in Path(folder, "values").rglob("*.json"))
            assert result.complete and files == len(kpis) * len(areas), (result, files)
            ledger_path = Path(folder, LEDGER)
            ledger = json.loads(ledger_path.read_text(encoding="utf-8"))
            ledger["requests"], ledger["finished"] = ledger["requests"][:result.requests // 2], None
            ledger_path.write_text(json.dumps(ledger), encoding="utf-8")
            start = time.perf_counter()
            resumed = fetch_all(kpis, areas, cache=folder, base_url=url, delay=args.delay)
            resumed_seconds = time.perf_counter() - start
    finally:
        server.kill()
        server.wait()
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"Machine: {os.cpu_count()} CPUs, {cpu_model()}; Python {platform.python_version()}; load average {load}; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print()
    print("| case | KPIs × areas | requests | values | cache files | s | requests/s "
          "| resumed: requests, skipped pairs, s |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    print(f"| fetch_all, stand-in, delay {args.delay:g} s | {len(kpis)} × {len(areas)} | {result.requests} | "
          f"{result.values:,} | {files:,} | {seconds:.1f} | {result.requests / seconds:.2f} | "
          f"{resumed.requests}, {resumed.skipped:,}, {resumed_seconds:.1f} |")


if __name__ == "__main__":
    main()
