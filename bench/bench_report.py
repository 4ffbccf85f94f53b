"""Benchmark the per-kommun reports: a plain sequential papermill loop against the fast batch.

Run from the repository root::

    .venv/bin/python bench/bench_report.py            # 20 kommuner, plain loop vs fast batch
    .venv/bin/python bench/bench_report.py --all --jobs 2   # plus 20 with 2 kernels, and all 290

Both make the same files per kommun (the executed notebook, HTML and PDF, audience "politiker", the
bundled national example), from the same parameters, into fresh folders. The plain loop is what a
user would write: ``papermill.execute_notebook`` (a fresh kernel each time), then the HTML export and
the PDF, one kommun after the other. The fast batch is ``sdg_interactions.report.batch.run_batch`` (warm,
reused kernels; PDFs printed in parallel processes). Prints a markdown table for bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import datetime
import os
import platform
import shutil
import tempfile
import time
from pathlib import Path

from _machine import cpu_model


def plain_loop(codes: list[str], out: Path, formats: tuple[str, ...]) -> float:
    """One kommun after the other: papermill in a fresh kernel, then the documents (HTML, PDF, Word)."""
    import papermill

    from sdg_interactions import frameworks
    from sdg_interactions.report import page, parameters

    out.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    for code in codes:
        params = parameters.check_parameters(kommun=code, output_dir=str(out))
        paths = parameters.report_paths(out, frameworks.find_kommun(code))
        nb = papermill.execute_notebook(str(parameters.template_path()), str(paths["ipynb"]), parameters=params,
                                        progress_bar=False, kernel_name="python3")
        doc = page.document_of(nb, title=str(code), lang=params["lang"], audience=params["audience"])
        page.write_documents(doc, {kind: paths[kind] for kind in formats})
    return time.perf_counter() - started


def fast_batch(codes: list[str], out: Path, formats: tuple[str, ...], jobs: int) -> float:
    from sdg_interactions.report import batch

    result = batch.run_batch([{"kommun": c, "output_dir": str(out)} for c in codes], output_dir=out,
                             formats=formats, jobs=jobs, fast=True)
    if result.failed:
        raise SystemExit(f"fast batch failed: {result.failed}")
    return result.seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20,
                        help="kommuner in the plain-vs-fast comparison (default 20)")
    parser.add_argument("--all", action="store_true", help="also time all 290 kommuner with the fast batch")
    parser.add_argument("--jobs", type=int, default=1,
                        help="parallel kernels for --all (and an extra fast row with them); default 1")
    parser.add_argument("--format", default="html,pdf,docx", help="any of html, pdf, docx (default all three)")
    args = parser.parse_args()

    from sdg_interactions import __version__, frameworks

    formats = tuple(f for f in args.format.split(",") if f)
    codes = frameworks.kommuner()["kommunkod"].tolist()
    sample = codes[: args.n]
    root = Path(tempfile.mkdtemp(prefix="bench_report_"))
    rows = []
    try:
        plain = plain_loop(sample, root / "plain", formats)
        rows.append(("plain papermill loop, sequential", len(sample), 1, plain, None))
        fast = fast_batch(sample, root / "fast", formats, 1)
        rows.append(("fast batch (reused kernels)", len(sample), 1, fast, plain / fast))
        if args.jobs > 1:
            fast = fast_batch(sample, root / f"fast{args.jobs}", formats, args.jobs)
            rows.append(("fast batch (reused kernels)", len(sample), args.jobs, fast, plain / fast))
        if args.all:
            everything = fast_batch(codes, root / "all", formats, args.jobs)
            rows.append(("fast batch, all kommuner", len(codes), args.jobs, everything, None))
    finally:
        shutil.rmtree(root, ignore_errors=True)

    print(f"### Reports: {', '.join(formats)} + executed notebook per kommun (audience politiker)\n")
    print(f"Machine: {os.cpu_count()} CPUs (nproc), {cpu_model()}; Python {platform.python_version()}; "
          f"sdg_interactions {__version__}; {datetime.date.today().isoformat()}\n")
    print("| run | reports | jobs | wall time (s) | s per report | speed-up vs plain |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, n, jobs, seconds, ratio in rows:
        shown = f"{ratio:.1f}×" if ratio else ""
        print(f"| {name} | {n} | {jobs} | {seconds:.1f} | {seconds / n:.2f} | {shown} |")


if __name__ == "__main__":
    main()
