"""Bench (issue 2): how long ``import sdg_interactions`` takes, against importing its own dependencies.

Run from the repository root: ``.venv/bin/python bench/bench_import.py``. Each import runs in a fresh
interpreter (``python -c``), best of 7; the baseline is ``import numpy, pandas, xarray, networkx`` — the
libraries the package cannot do without — measured in the same run. The goal (issue 2) is under a
second; the ratio shows what the package adds on top of its dependencies. Prints a markdown section for
RESULTS.md with the machine and the date.
"""

from __future__ import annotations

import os
import platform
import subprocess
import sys
import time

CASES = {
    "baseline: import numpy, pandas, xarray, networkx": "import numpy, pandas, xarray, networkx",
    "import sdg_interactions": "import sdg_interactions",
}


def best_of(code: str, repeats: int = 7) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", code], check=True)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    empty = best_of("pass")
    results = {name: best_of(code) - empty for name, code in CASES.items()}
    base = results[next(iter(CASES))]
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")),
               platform.processor())
    print(f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {os.cpu_count()} CPUs, {cpu}; "
          f"Python {platform.python_version()}; load average {os.getloadavg()[0]:.2f}. "
          f"Times exclude the interpreter's own start ({empty:.3f} s).\n")
    print("| import | s | ratio to baseline |\n|---|---:|---:|")
    for name, seconds in results.items():
        print(f"| {name} | {seconds:.3f} | {seconds / base:.2f}× |")


if __name__ == "__main__":
    main()
