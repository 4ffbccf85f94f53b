"""Per-kommun reports: the papermill template, HTML and PDF export, a fast batch, and the CLI.

One report is the template ``report_template.ipynb`` run with papermill for one kommun and one
matrix, then exported to a self-contained HTML file (no code, charts as inline SVG, nothing loaded
from the internet) and a PDF (WeasyPrint). Per kommun, ``output_dir`` gets ``<slug>.ipynb``,
``<slug>.html`` and ``<slug>.pdf``, where the slug is the kommunkod and the ASCII-folded name
(``0305_habo``, ``0114_upplands_vasby``, ``2023_malung_salen``).

Parameters are data. :func:`check_parameters` validates every parameter before anything runs: the
kommun goes through :func:`~sdg_interactions.frameworks.find_kommun` (an unknown one raises
:class:`~sdg_interactions.errors.UnknownKommunError` with close matches) and only its kommunkod is
injected; papermill writes parameters as Python literals (``repr``), so no value is ever run as code.

Two ways to run a batch (:func:`run_batch`), which give the same notebooks:

* ``fast=False``: :func:`papermill.execute_notebook` per report, each in a fresh kernel (seconds each).
* ``fast=True``: ``jobs`` long-lived kernels (one per worker thread) with the heavy imports warmed.
  Each report still runs through :func:`papermill.execute_notebook`, on a reused kernel: before each
  report the kernel's namespace is reset (``InteractiveShell.reset(new_session=True)``: every user
  variable and the output history go, the execution counter restarts at 1) and checked to hold only
  the names a fresh kernel holds; a kernel that died or fails the check is replaced. PDFs are printed
  in a pool of processes (one per CPU) while the kernels run the next notebooks. The notebooks equal
  plain papermill's up to what :func:`normalise_notebook` lists.

:func:`show` renders a :mod:`sdg_interactions.narrative` section (and a chart) inside the notebook.
papermill, nbclient, nbconvert and WeasyPrint are imported inside the functions that need them.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import threading
import time
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from sdg_interactions import frameworks
from sdg_interactions.errors import ReportError, SdgInteractionsError, UnknownIdError, ValidationError, locate
from sdg_interactions.matrix import AGGREGATIONS
from sdg_interactions.report_kernels import Kernel, execute, fresh_kernel
from sdg_interactions.report_page import html_exporter, load_weasyprint, section_html, show, to_html, write_pdf
from sdg_interactions.texts import LANGUAGES, text

__all__ = [
    "AUDIENCES",
    "DEFAULT_MATRIX",
    "FORMATS",
    "MATRIX_SUFFIXES",
    "BatchResult",
    "ReportError",
    "add_report_parser",
    "check_parameters",
    "find_matrix",
    "normalise_notebook",
    "report_paths",
    "run_batch",
    "run_report",
    "section_html",
    "show",
    "slug",
    "template_path",
    "to_html",
    "write_pdf",
]

#: The audiences of a report: ``politiker`` (two pages) or ``forvaltning`` (full detail).
AUDIENCES = ("politiker", "forvaltning")
#: Output formats besides the executed notebook, which is always written.
FORMATS = ("html", "pdf")
#: The matrix every report uses unless told otherwise: SEI's national example for Sweden.
DEFAULT_MATRIX = "weitz2018_sweden"
#: A kommun's own matrix in ``--matrices-dir``: ``<kommunkod><suffix>``, tried in this order.
MATRIX_SUFFIXES = (".csv", ".xlsx", ".nc")


# --- parameters ---------------------------------------------------------------------------------


def slug(place: Mapping[str, str]) -> str:
    """A file name stem safe on every system: the kommunkod and the ASCII-folded name.

    Examples
    --------
    >>> slug(frameworks.find_kommun("Håbo")), slug(frameworks.find_kommun("Malung-Sälen"))
    ('0305_habo', '2023_malung_salen')
    """
    folded = unicodedata.normalize("NFKD", str(place["kommun"]).casefold())
    ascii_name = "".join(c for c in folded if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    name = re.sub(r"[^a-z0-9]+", "_", ascii_name).strip("_")
    code = re.sub(r"[^0-9]", "", str(place["kommunkod"]))
    return f"{code}_{name}" if name else code


def report_paths(output_dir: str | os.PathLike, place: Mapping[str, str]) -> dict[str, Path]:
    """The files of one report: ``{"ipynb": …, "html": …, "pdf": …}``, all directly in ``output_dir``.

    Raises :class:`ReportError` if a path would fall outside ``output_dir`` (it cannot with the slugs
    of :func:`slug`; the check guards the rule anyway).
    """
    root = Path(output_dir).resolve()
    paths = {}
    for suffix in ("ipynb", "html", "pdf"):
        path = (root / f"{slug(place)}.{suffix}").resolve()
        if path.parent != root:
            raise ReportError(locate("a report file would fall outside the output folder", value=str(path),
                                     valid=f"a file directly in {root}"))
        paths[suffix] = path
    return paths


def _bundled_names() -> list[str]:
    return frameworks.bundled_matrices()["name"].tolist()


def find_matrix(kommunkod: str, *, matrix: str = DEFAULT_MATRIX,
                matrices_dir: str | os.PathLike | None = None) -> str:
    """The matrix a kommun's report uses: ``matrices_dir/<kommunkod>.(csv|xlsx|nc)`` when present (an
    absolute path), else ``matrix``."""
    if matrices_dir is not None:
        for suffix in MATRIX_SUFFIXES:
            candidate = Path(matrices_dir) / f"{kommunkod}{suffix}"
            if candidate.is_file():
                return str(candidate.resolve())
    return matrix


def check_parameters(*, kommun: str | int, matrix: str = DEFAULT_MATRIX, aggregate: str = "mean",
                     audience: str = "politiker", lang: str = "sv", top_k: int = 5,
                     priorities: Sequence[str] = (), pseudonymise: bool = True,
                     output_dir: str = ".") -> dict:
    """Validate a report's parameters; return them as the template's literals.

    The kommun is looked up with :func:`~sdg_interactions.frameworks.find_kommun` and replaced by its
    kommunkod; a matrix that is not a bundled name must be an existing file (made absolute);
    ``priorities`` must be node ids. Raises :class:`~sdg_interactions.errors.UnknownKommunError`,
    :class:`~sdg_interactions.errors.UnknownIdError` or
    :class:`~sdg_interactions.errors.ValidationError`.

    Examples
    --------
    >>> check_parameters(kommun="håbo", priorities=["7.2"])["kommun"]
    '0305'
    """
    place = frameworks.find_kommun(kommun)
    if not isinstance(matrix, str) or not matrix:
        raise ValidationError(locate("the matrix is a bundled name or a path", value=matrix))
    if matrix not in _bundled_names():
        path = Path(matrix)
        if not path.is_file():
            raise ValidationError(locate("no bundled matrix of that name, and no such file", value=matrix,
                                         valid=f"one of {', '.join(_bundled_names())}, or a file's path"))
        matrix = str(path.resolve())
    choices = {"aggregate": (aggregate, AGGREGATIONS), "audience": (audience, AUDIENCES),
               "lang": (lang, LANGUAGES)}
    for name, (value, valid) in choices.items():
        if value not in valid:
            raise ValidationError(locate(f"unknown {name}", value=value, valid=", ".join(valid)))
    if isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1:
        raise ValidationError(locate("top_k must be a whole number of at least 1", value=top_k))
    if isinstance(priorities, str):
        priorities = [p for p in re.split(r"[,\s]+", priorities) if p]
    priorities = [frameworks.check_node_id(str(p).strip()) for p in priorities]
    if not isinstance(pseudonymise, bool):
        raise ValidationError(locate("pseudonymise must be True or False", value=pseudonymise))
    return {"kommun": str(place["kommunkod"]), "matrix": matrix, "aggregate": aggregate, "audience": audience,
            "lang": lang, "top_k": int(top_k), "priorities": list(priorities), "pseudonymise": pseudonymise,
            "output_dir": str(output_dir)}


def _check_priorities_in(data, priorities: Sequence[str], source: str) -> None:
    from sdg_interactions.matrix import node_ids

    ids = node_ids(data)
    missing = [p for p in priorities if p not in ids]
    if missing:
        raise UnknownIdError(locate("a priority is not a node of the matrix", file=source, value=missing[0],
                                    valid=f"one of {', '.join(ids[:12])}{' …' if len(ids) > 12 else ''}"))


# --- inside the notebook ------------------------------------------------------------------------


def template_path() -> Path:
    """The report template: installed with the package, or in the source tree's ``notebooks/``."""
    installed = resources.files("sdg_interactions") / "notebooks" / "report_template.ipynb"
    if installed.is_file():
        return Path(str(installed))
    return Path(__file__).resolve().parents[1] / "notebooks" / "report_template.ipynb"


def _render_one(parameters: dict, *, output_dir: Path, formats: Sequence[str], kernel: Kernel | None,
                pdf_pool=None):
    """Run and export one report; return its paths and, with a ``pdf_pool``, the PDF's future."""
    from sdg_interactions.io import load_dataset

    place = frameworks.find_kommun(parameters["kommun"])
    paths = report_paths(output_dir, place)
    data = load_dataset(parameters["matrix"])  # a bad file fails here, with the reader's clear message
    _check_priorities_in(data, parameters["priorities"], parameters["matrix"])
    nb = execute(template_path(), parameters, paths["ipynb"], kernel)
    written, future = {"ipynb": paths["ipynb"]}, None
    if "html" in formats or "pdf" in formats:
        title = text("report.document_title", parameters["lang"], kommun=place["kommun"])
        page = to_html(nb, title=title, lang=parameters["lang"], audience=parameters["audience"])
        if "html" in formats:
            paths["html"].write_text(page, encoding="utf-8")
            written["html"] = paths["html"]
        if "pdf" in formats:
            if pdf_pool is None:
                write_pdf(page, paths["pdf"])
            else:
                future = pdf_pool.submit(write_pdf, page, paths["pdf"])
            written["pdf"] = paths["pdf"]
    return written, future


@dataclass
class BatchResult:
    """What :func:`run_batch` made: ``written[kommunkod]`` = the paths; ``failed[kommunkod]`` = the error."""

    written: dict[str, dict[str, Path]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.failed


def run_batch(reports: Iterable[Mapping], *, output_dir: str | os.PathLike, formats: Sequence[str] = FORMATS,
              jobs: int = 1, fast: bool = True, progress: bool = False) -> BatchResult:
    """Make many reports; one failure never stops the others.

    Parameters
    ----------
    reports : iterable of mappings
        Each the keyword arguments of :func:`check_parameters` (checked here, before anything runs:
        an invalid one raises at once and nothing is written).
    output_dir : path
        Created if missing; every file goes directly into it (see :func:`report_paths`).
    formats : sequence of str
        Any of ``"html"``, ``"pdf"``; the executed notebook is always written.
    jobs : int
        Reports run in parallel (threads; with ``fast``, one long-lived kernel each).
    fast : bool
        Reuse warmed kernels (see the module docstring); ``False`` runs plain papermill, a fresh
        kernel per report.
    progress : bool
        Show a tqdm progress bar on stderr.
    """
    checked = [check_parameters(**dict(r)) for r in reports]
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValidationError(locate("unknown format", value=bad[0], valid=", ".join(FORMATS)))
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValidationError(locate("jobs must be a whole number of at least 1", value=jobs))
    root = Path(output_dir)
    root.mkdir(parents=True, exist_ok=True)
    result = BatchResult()
    started = time.perf_counter()
    queue = list(checked)
    lock = threading.Lock()
    pending: list[tuple[str, object]] = []
    bar = None
    if progress:
        from tqdm import tqdm

        unit = text("report.cli.progress", checked[0]["lang"] if checked else "sv")
        bar = tqdm(total=len(checked), unit=f" {unit}", file=sys.stderr, dynamic_ncols=True)

    def tick(*_):
        if bar is not None:
            with lock:
                bar.update(1)

    def fail(code: str, error: BaseException) -> None:
        message = str(error).replace("\n", " ") or type(error).__name__
        if not isinstance(error, SdgInteractionsError):
            message = f"{type(error).__name__}: {message}"
        with lock:
            result.written.pop(code, None)
            result.failed[code] = message

    pdf_pool = None
    if fast and "pdf" in formats and len(checked) > 1:
        # PDFs print in other processes (one per CPU, at least one per job) while the kernels run the
        # next notebooks: printing costs more than running a notebook on a warm kernel
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        workers = min(max(jobs, os.cpu_count() or 1), len(checked))
        pdf_pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        for _ in range(workers):  # start the printers now: they load WeasyPrint while the kernels warm up
            pdf_pool.submit(load_weasyprint)
    charts = any(p["audience"] == "forvaltning" for p in checked)
    def worker() -> None:
        kernel = None
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    parameters = queue.pop(0)
                code, future = parameters["kommun"], None
                try:
                    if fast:
                        kernel = fresh_kernel(kernel, charts=charts)
                    paths, future = _render_one(parameters, output_dir=root, formats=formats, kernel=kernel,
                                                pdf_pool=pdf_pool)
                    with lock:
                        result.written[code] = paths
                        if future is not None:
                            pending.append((code, future))
                except Exception as error:
                    fail(code, error)
                    if not isinstance(error, SdgInteractionsError) and kernel is not None:
                        kernel.shutdown()  # an unexpected failure: the next report starts afresh
                        kernel = None
                finally:
                    if future is None:
                        tick()
                    else:
                        future.add_done_callback(tick)
        finally:
            if kernel is not None:
                kernel.shutdown()

    threads = [threading.Thread(target=worker, name=f"sdg-report-{k}", daemon=True)
               for k in range(min(jobs, max(len(checked), 1)))]
    try:
        for thread in threads:
            thread.start()
        if checked:  # while the kernels start: what every report needs in this process
            import papermill  # noqa: F401

            html_exporter()
        for thread in threads:
            thread.join()
        for code, future in pending:
            try:
                future.result()
            except Exception as error:
                fail(code, error)
    finally:
        if pdf_pool is not None:
            pdf_pool.shutdown()
        if bar is not None:
            bar.close()
    result.seconds = time.perf_counter() - started
    order = {p["kommun"]: k for k, p in enumerate(checked)}
    result.written = dict(sorted(result.written.items(), key=lambda item: order[item[0]]))
    result.failed = dict(sorted(result.failed.items(), key=lambda item: order[item[0]]))
    return result


# --- comparing runs -----------------------------------------------------------------------------

_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)?\b")
_ALTAIR_NAMES = re.compile(r"\b(view|param|layer|concat|data|selector|gradient)_\d+\b")


def normalise_notebook(nb) -> dict:
    """A copy of an executed notebook with only the run-to-run noise taken out, for comparing runs.

    Normalised, and nothing else:

    * timestamps: ISO dates and date-times (``2026-05-09``, ``2026-05-09T07:35:25.1Z``) in outputs and
      sources become ``<date>``;
    * execution counts (of cells and of ``execute_result`` outputs) become ``None``;
    * papermill's timing metadata: the notebook's ``metadata.papermill`` ``start_time``, ``end_time``,
      ``duration``, and each cell's ``metadata.papermill`` ``start_time``, ``end_time``, ``duration``;
      and nbclient's ``metadata.execution`` timestamps of each cell;
    * the names charts generate from process-wide counters become ``<name>_N``: altair's view and
      parameter names (``view_12``, ``param_3``, …) and the ids of the colour gradients in vega's SVG
      (``gradient_0``; unique within a page either way);
    * the ``id`` of papermill's ``injected-parameters`` cell becomes ``None``: papermill draws a new
      random id for it on every run, so two plain runs differ there too.
    """
    import copy
    import json

    nb = copy.deepcopy(dict(nb))
    meta = nb.get("metadata", {}).get("papermill", {})
    for key in ("start_time", "end_time", "duration"):
        meta.pop(key, None)
    for cell in nb.get("cells", []):
        if "injected-parameters" in cell.get("metadata", {}).get("tags", []):
            cell["id"] = None
        cell.get("metadata", {}).pop("execution", None)
        for key in ("start_time", "end_time", "duration"):
            cell.get("metadata", {}).get("papermill", {}).pop(key, None)
        if "execution_count" in cell:
            cell["execution_count"] = None
        for output in cell.get("outputs", []):
            if "execution_count" in output:
                output["execution_count"] = None
    as_text = json.dumps(nb, sort_keys=True, ensure_ascii=False)
    as_text = _DATE.sub("<date>", as_text)
    as_text = _ALTAIR_NAMES.sub(lambda m: f"{m.group(1)}_N", as_text)
    return json.loads(as_text)


# --- the command line ---------------------------------------------------------------------------


def add_report_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``report`` subcommand to the ``sdg-interactions`` parser; it runs :func:`run_report`."""
    report = subparsers.add_parser("report", help=text("report.cli.help", "en"),
                                   description=text("report.cli.help", "en"))
    which = report.add_mutually_exclusive_group(required=True)
    which.add_argument("--kommun", action="append", metavar="KOMMUN",
                       help="a kommun by name or kommunkod (repeat for several)")
    which.add_argument("--all", action="store_true", help="every one of the 290 kommuner")
    report.add_argument("--matrix", default=DEFAULT_MATRIX,
                        help=f"a bundled name or a path (.csv, .xlsx, .nc); default {DEFAULT_MATRIX}")
    report.add_argument("--matrices-dir", metavar="DIR",
                        help="a folder of the kommuners' own matrices, named <kommunkod>.csv|.xlsx|.nc; "
                             "a kommun without one gets --matrix")
    report.add_argument("--priorities", nargs="+", default=[], metavar="ID",
                        help="prioritised node ids (space or comma separated); default: the top levers")
    report.add_argument("--audience", choices=AUDIENCES, default="politiker",
                        help="politiker: two pages (default); forvaltning: full detail")
    report.add_argument("--lang", choices=LANGUAGES, default="sv", help="language of the report (default sv)")
    report.add_argument("--output-dir", default="reports", metavar="DIR", help="default ./reports")
    report.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="reports run in parallel (default 1)")
    report.add_argument("--format", default="html,pdf", metavar="LIST",
                        help="html, pdf or html,pdf (default); the executed notebook is always written")
    report.add_argument("--aggregate", choices=AGGREGATIONS, default="mean",
                        help="how several respondents' answers are combined (default mean)")
    report.add_argument("--top-k", type=int, default=5, metavar="K", help="levers shown (default 5)")
    report.add_argument("--no-pseudonymise", action="store_true",
                        help="show respondents' own names instead of Respondent 1, 2, …")
    report.add_argument("--plain", action="store_true",
                        help="a fresh kernel per report (plain papermill; slower, for checking)")
    report.set_defaults(run=run_report)
    return report


def run_report(args: argparse.Namespace) -> int:
    """Run ``sdg-interactions report``; return 0 (all made), 1 (some failed) or 2 (bad input)."""
    try:
        formats = [f.strip() for f in str(args.format).split(",") if f.strip()]
        bad = [f for f in formats if f not in FORMATS]
        if bad:
            raise ValidationError(locate("unknown format", value=bad[0], valid="html, pdf or html,pdf"))
        if args.jobs < 1:
            raise ValidationError(locate("--jobs must be at least 1", value=args.jobs))
        if args.matrices_dir is not None and not Path(args.matrices_dir).is_dir():
            raise ValidationError(locate("no such folder", value=args.matrices_dir,
                                         valid="--matrices-dir DIR"))
        queries = frameworks.kommuner()["kommunkod"].tolist() if args.all else args.kommun
        codes = list(dict.fromkeys(str(frameworks.find_kommun(q)["kommunkod"]) for q in queries))
        priorities = [p for item in args.priorities for p in re.split(r"[,\s]+", item) if p]
        common = {"aggregate": args.aggregate, "audience": args.audience, "lang": args.lang,
                  "top_k": args.top_k, "priorities": priorities, "pseudonymise": not args.no_pseudonymise,
                  "output_dir": str(Path(args.output_dir).resolve())}
        first = check_parameters(kommun=codes[0], matrix=args.matrix, **common)  # a bad --matrix stops all
        if priorities:  # priorities the default matrix lacks stop everything too
            from sdg_interactions.io import load_dataset

            _check_priorities_in(load_dataset(first["matrix"]), first["priorities"], args.matrix)
        reports = [{"kommun": code, **common,
                    "matrix": find_matrix(code, matrix=args.matrix, matrices_dir=args.matrices_dir)}
                   for code in codes]
        # warming kernels pays from the second report on
        result = run_batch(reports, output_dir=args.output_dir, formats=formats, jobs=args.jobs,
                           fast=not args.plain and len(reports) > 1, progress=True)
    except SdgInteractionsError as error:
        print(f"error: {error}".replace("\n", " "), file=sys.stderr)
        return 2
    print(text("report.cli.done", args.lang, n=len(result.written), path=Path(args.output_dir).resolve()))
    if result.failed:
        print(text("report.cli.failed", args.lang, n=len(result.failed), total=len(codes)), file=sys.stderr)
        names = frameworks.kommuner().set_index("kommunkod")["kommun"]
        for code, message in result.failed.items():
            print(f"  {code} {names.get(code, '')}: {message}", file=sys.stderr)
        return 1
    return 0
