"""Running reports: one or a batch, on fresh or warm kernels; HTML and PDF export.

One report is the template ``template.ipynb`` run with papermill for one kommun and one matrix; its
sections make one document (:func:`~sdg_interactions.report.page.document_of`), written as a
self-contained HTML file (charts as inline SVG, nothing loaded from the internet), a PDF (Typst) and a
Word file.

Two ways to run a batch (:func:`run_batch`), which give the same notebooks:

* ``fast=False``: :func:`papermill.execute_notebook` per report, each in a fresh kernel (seconds each).
* ``fast=True``: ``jobs`` long-lived kernels (one per worker thread) with the heavy imports warmed.
  Each report still runs through :func:`papermill.execute_notebook`, on a reused kernel: before each
  report the kernel's namespace is reset (``InteractiveShell.reset(new_session=True)``: every user
  variable and the output history go, the execution counter restarts at 1) and checked to hold only
  the names a fresh kernel holds; a kernel that died or fails the check is replaced. The notebooks equal
  plain papermill's up to what :func:`normalise_notebook` lists.

Every file is written whole or not at all (a temporary name, renamed when complete), so a killed batch
leaves only complete files under final names. Before a kommun's report runs, the files of its previous
report are removed: a failed re-run never leaves the last run's HTML or PDF beside its new failed notebook
as if they were current. A batch holds a lock on its output folder (:func:`folder_lock`); a second batch
into the same folder at the same time is refused with :class:`~sdg_interactions.errors.ReportError`.

papermill, nbclient and the writers are imported inside the functions that need them.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sdg_interactions import frameworks
from sdg_interactions.errors import ReportError, SdgInteractionsError, ValidationError, locate, tr
from sdg_interactions.io import load_dataset
from sdg_interactions.locking import Lock
from sdg_interactions.matrix import node_ids
from sdg_interactions.report.honesty import refuse_unscored
from sdg_interactions.report.kernels import Kernel, execute, fresh_kernel
from sdg_interactions.report.page import document_of, problems_of, write_documents
from sdg_interactions.report.parameters import (
    FORMATS,
    check_parameters,
    report_paths,
    report_priorities,
    template_path,
)
from sdg_interactions.texts import text

__all__ = ["BatchResult", "folder_lock", "normalise_notebook", "run_batch", "run_one"]


@contextlib.contextmanager
def folder_lock(folder: Path, lang: str = "sv") -> Iterator[Path]:
    """Hold an exclusive lock on ``folder`` while the block runs (:class:`~sdg_interactions.locking.Lock`: the
    hidden, empty lock file ``<folder>/.lock``, on every OS).

    A second holder, in this process or another, is refused at once with
    :class:`~sdg_interactions.errors.ReportError`; the lock goes with the process, also when it is killed.
    """
    lock = Lock(folder)
    try:
        lock.acquire()
    except BlockingIOError:
        raise ReportError(locate(text("reliability.lock.busy", lang), file=str(folder))) from None
    try:
        yield folder
    finally:
        lock.release()


def run_one(parameters: dict, *, output_dir: Path, formats: Sequence[str], kernel: Kernel | None,
            problems: list[str] | None = None) -> dict[str, Path]:
    """Run one report and write its documents (each ~20 ms: Typst and python-docx); return the paths.

    The sentences of every section that could not (wholly) be drawn (:func:`~sdg_interactions.report.page.
    problems_of`) are appended to ``problems`` when given."""
    place = frameworks.find_kommun(parameters["kommun"])
    paths = report_paths(output_dir, place)
    for old in paths.values():  # the last run's files go first: none of them may pass for this run's
        old.unlink(missing_ok=True)
    data = load_dataset(parameters["matrix"])  # a bad file fails here, with the reader's clear message
    refuse_unscored(data, file=parameters["matrix"], lang=parameters["lang"])  # nothing scored: no report
    report_priorities(parameters["priorities"], node_ids(data), parameters["lang"])  # ids, or SDG targets
    nb = execute(template_path(), parameters, paths["ipynb"], kernel)
    if problems is not None:
        problems.extend(problems_of(nb))
    title = text("report.document_title", parameters["lang"], kommun=place["kommun"])
    doc = document_of(nb, title=title, lang=parameters["lang"], audience=parameters["audience"])
    written = write_documents(doc, {kind: paths[kind] for kind in formats})
    return {"ipynb": paths["ipynb"], **written}


@dataclass
class BatchResult:
    """What :func:`run_batch` made: ``written[kommunkod]`` = the paths; ``failed[kommunkod]`` = the error;
    ``problems[kommunkod]`` = the sentences of the sections of a written report that could not (wholly) be
    drawn, in the report's language (:meth:`problem_lines` for the command line)."""

    written: dict[str, dict[str, Path]] = field(default_factory=dict)
    failed: dict[str, str] = field(default_factory=dict)
    seconds: float = 0.0
    problems: dict[str, list[str]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.failed

    def problem_lines(self) -> list[str]:
        """One line per problem, prefixed by the kommun: ``"1499 Falköping: Avsnittet … kunde inte tas med: …"``."""
        names = frameworks.kommuner().set_index("kommunkod")["kommun"]
        return [f"{f'{code} {names.get(code, str())}'.strip()}: {line}" for code, lines in self.problems.items()
                for line in lines]


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
        raise ValidationError(locate(tr("error.unknown_format"), value=bad[0], valid=", ".join(FORMATS)))
    if isinstance(jobs, bool) or not isinstance(jobs, int) or jobs < 1:
        raise ValidationError(locate(tr("error.report.jobs"), value=jobs))
    root = Path(output_dir)
    root.mkdir(parents=True, exist_ok=True)
    with folder_lock(root, checked[0]["lang"] if checked else "sv"):
        return _run_locked(checked, root, formats, jobs, fast, progress)


def _run_locked(checked: list[dict], root: Path, formats: Sequence[str], jobs: int, fast: bool,
                progress: bool) -> BatchResult:
    result = BatchResult()
    started = time.perf_counter()
    queue = list(checked)
    lock = threading.Lock()
    bar = None
    if progress:
        from tqdm import tqdm

        unit = text("report.cli.progress", checked[0]["lang"] if checked else "sv")
        bar = tqdm(total=len(checked), unit=f" {unit}", file=sys.stderr, dynamic_ncols=True)

    def tick():
        if bar is not None:
            with lock:
                bar.update(1)

    def fail(code: str, error: BaseException) -> None:
        message = str(error).replace("\n", " ") or type(error).__name__
        if not isinstance(error, SdgInteractionsError):
            message = f"{type(error).__name__}: {message}"
        with lock:
            result.written.pop(code, None)
            result.problems.pop(code, None)
            result.failed[code] = message

    charts = any(p["audience"] == "forvaltning" for p in checked)
    def worker() -> None:
        kernel = None
        try:
            while True:
                with lock:
                    if not queue:
                        return
                    parameters = queue.pop(0)
                code = parameters["kommun"]
                try:
                    if fast:
                        kernel = fresh_kernel(kernel, charts=charts)
                    found: list[str] = []
                    paths = run_one(parameters, output_dir=root, formats=formats, kernel=kernel, problems=found)
                    with lock:
                        result.written[code] = paths
                        if found:
                            result.problems[code] = found
                except Exception as error:
                    fail(code, error)
                    if not isinstance(error, SdgInteractionsError) and kernel is not None:
                        kernel.shutdown()  # an unexpected failure: the next report starts afresh
                        kernel = None
                finally:
                    tick()
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
        for thread in threads:
            thread.join()
    finally:
        if bar is not None:
            bar.close()
    result.seconds = time.perf_counter() - started
    order = {p["kommun"]: k for k, p in enumerate(checked)}
    result.written = dict(sorted(result.written.items(), key=lambda item: order[item[0]]))
    result.failed = dict(sorted(result.failed.items(), key=lambda item: order[item[0]]))
    result.problems = dict(sorted(result.problems.items(), key=lambda item: order[item[0]]))
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


