"""Merging a workshop's answers: every journal in ``svar/`` and every file in ``uppladdat/`` into one Dataset.

Pure logic, no widgets: the facilitator's dashboard (:mod:`sdg_interactions.apps.facilitator`) and
scripts call the same functions.

* :func:`merge_folder` reads every source and returns a :class:`Merged`: the Dataset on
  ``(respondent, source, target)`` over the union of the workshop's nodes and the nodes the sources name,
  which file each respondent came from, and a list of :class:`Problem` s. **One bad line never hides the
  rest, one bad file never hides the others**: a journal line that cannot be taken (torn, no JSON, a
  NUL character, another respondent's, a pair outside the plan) is set aside and named with its line
  number, and the rest of the journal merges; a file that cannot be read, or that names an unknown id, is
  left out and reported; the same respondent in two sources keeps the first (journals first, then uploads
  by path) and reports the second; an upload whose nodes differ from the plan's is merged and reported,
  naming the extra and missing nodes (a long CSV names only the pairs answered: there only extra nodes
  count). Every entry of ``uppladdat/`` that is not read is named with why (a symbolic link, a FIFO or
  device, an unknown file type, a folder that cannot be read); its sub-folders are read, down to
  :data:`UPLOAD_DEPTH` levels. Only hidden entries and Office's lock files (``~$x.xlsx``) are passed over
  without a word (:mod:`~sdg_interactions.apps.merge_files`). A journal that is a symbolic link is named
  and never read. Messages name files relative to the workshop folder and show nothing of a file's
  content but the value that is wrong.
* :func:`merge_answers` returns only the Dataset and issues every problem as a
  :class:`~sdg_interactions.errors.SdgInteractionsWarning`, so none goes unnoticed in a script.
* :func:`progress` says how far each respondent has come (``by="respondent"``) and how many answers
  each pair has against the plan (``by="pair"``), with each participant's share of the plan from the
  scoring app's claims (``claims_by_respondent``); :func:`contested` lists the contested cells so far.

An upload is read with :func:`~sdg_interactions.io.read_matrix` (long or wide CSV, the Excel template,
NetCDF). Its respondents are kept; a file without a respondent dim (a wide CSV, a template with one
sheet) is one respondent named after the file (``anna.xlsx`` is ``anna``). Journals go through
:func:`~sdg_interactions.io.journal.read_journal`: the last answer to each pair counts.
"""

from __future__ import annotations

import os
import warnings
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.analysis.cells import cell_statistics
from sdg_interactions.apps.merge_files import READABLE, UPLOAD_DEPTH, Skipped, regular_file, upload_files
from sdg_interactions.apps.workshop import claims_by_respondent, journals, read_about, read_plan
from sdg_interactions.errors import (
    SdgInteractionsError,
    SdgInteractionsWarning,
    UnknownIdError,
    ValidationError,
    locate,
    say,
    tr,
    words_of,
)
from sdg_interactions.io import read_matrix
from sdg_interactions.io.csvfile import csv_layout
from sdg_interactions.io.journal import SetAside, fold, read_journal
from sdg_interactions.io.workshop import Workshop
from sdg_interactions.matrix import DIMS, RESPONDENT, build_dataset, is_aggregated, node_ids
from sdg_interactions.textfile import read_table
from sdg_interactions.texts import check_lang, text

__all__ = ["PROBLEM_KINDS", "UPLOAD_DEPTH", "Merged", "Problem", "contested", "merge_answers", "merge_folder",
           "progress"]

#: The kinds of :class:`Problem`, each with a sentence ``facilitator.problem.<kind>`` (the first six) or
#: ``merge.problem.<kind>`` (``line``: a journal line set aside; ``skipped``: an entry not read) in the catalogue.
PROBLEM_KINDS = ("unreadable", "unknown_id", "duplicate", "nodes", "torn", "not_answers", "line", "skipped")


@dataclass(frozen=True)
class Problem:
    """One problem found while merging, worded with :func:`~sdg_interactions.errors.locate`.

    Attributes
    ----------
    kind : str
        One of :data:`PROBLEM_KINDS`.
    file : str
        The file, relative to the workshop folder (``"uppladdat/bo.xlsx"``).
    message : str
        The whole problem, naming the file, respondent, ids or nodes and what would be valid: its ``str`` is
        the English; a :class:`~sdg_interactions.errors.Words` (as the merge words them) says it in either
        language (:meth:`words`).
    merged : bool
        True if the file's answers are in the merged Dataset all the same (a differing node set, a torn
        last journal line, a journal line set aside: the file's other answers are merged); False if they
        (or, for a duplicate, that respondent's) are left out, or the entry was not read.
    respondent : str
        The respondent concerned ("" if none).
    extra, missing : tuple of str
        For ``kind="nodes"``: the file's nodes the plan lacks, and the plan's nodes the file lacks.
    line : int
        For ``kind="line"`` and ``"torn"``: the journal's line, counted from 1 (0 otherwise).
    reason : str
        For ``kind="line"``: why the line was set aside, the :class:`~sdg_interactions.io.journal.SetAside`
        kind or ``"plan"``; for ``kind="skipped"``: ``"link"``, ``"special"``, ``"folder"``, ``"deep"`` or
        ``"type"`` (each worded ``merge.reason.<reason>`` in the catalogue).
    """

    kind: str
    file: str
    message: str
    merged: bool
    respondent: str = ""
    extra: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    line: int = 0
    reason: str = ""

    def __str__(self) -> str:
        return self.message

    def words(self, lang: str = "sv") -> str:
        """The problem in ``lang``: a sentence from the catalogue, then the detail in the library's words
        (in ``lang`` too where they come from the catalogue)."""
        section = "merge" if self.kind in ("line", "skipped") else "facilitator"
        reason = text(f"merge.reason.{self.reason}", lang) if self.reason else ""
        head = text(f"{section}.problem.{self.kind}", lang, file=self.file, respondent=self.respondent,
                    extra=", ".join(self.extra) or "–", missing=", ".join(self.missing) or "–", line=self.line,
                    reason=reason)
        return f"{head} {say(self.message, lang)}"


@dataclass
class Merged:
    """What :func:`merge_folder` found.

    Attributes
    ----------
    dataset : xarray.Dataset or None
        ``score``, ``comment``, ``uncertain`` on ``(respondent, source, target)``, nodes in natural order
        (the plan's and any a source adds); None while there are no answers.
    plan : Workshop
        The workshop's plan.
    folder : pathlib.Path
        The workshop folder.
    sources : dict of str to str
        Respondent -> the file their answers came from, relative to the folder.
    last : dict of str to pandas.Timestamp
        Respondent -> their last answer (a journal's last line; an upload's modification time), UTC.
    problems : list of Problem
        Everything worth telling, in the order found.
    files : list of str
        Every file read (merged or not), relative to the folder.
    """

    dataset: xr.Dataset | None
    plan: Workshop
    folder: Path
    sources: dict[str, str] = field(default_factory=dict)
    last: dict[str, pd.Timestamp] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    files: list[str] = field(default_factory=list)

    @property
    def respondents(self) -> list[str]:
        """The merged respondents, in order."""
        return [] if self.dataset is None else [str(r) for r in self.dataset[RESPONDENT].to_numpy()]


def _skipped(entry: Skipped) -> Problem:
    return Problem("skipped", entry.file, entry.message, False, reason=entry.reason)


def _failure(error: BaseException, path: Path, file: str) -> Problem:
    """A file that could not be read (or names an unknown id), as a Problem naming it by ``file``."""
    if isinstance(error, SdgInteractionsError):
        message = words_of(error).replace(os.fspath(path), file)  # Words stay Words
        if file not in message:
            message = f"{file}: " + message  # still Words (Words.__radd__)
    else:  # a bug or an odd file: named by the error's type only, so nothing of the file's content shows
        why = getattr(error, "strerror", None) or type(error).__name__
        message = locate(tr("error.apps.cannot_read", reason=why), file=file, valid=READABLE)
    return Problem("unknown_id" if isinstance(error, UnknownIdError) else "unreadable", file, message, False)


def _line_problem(bad: SetAside, file: str) -> Problem:
    """A journal line :func:`~sdg_interactions.io.journal.read_journal` set aside, as a Problem."""
    kind = "torn" if bad.kind == "torn" else "line"
    return Problem(kind, file, bad.message, True, respondent=bad.respondent, line=bad.line,
                   reason="" if kind == "torn" else bad.kind)


def _journal_part(path: Path, file: str, plan: Workshop,
                  problems: list[Problem]) -> tuple[xr.Dataset, pd.Timestamp] | None:
    """One journal as a one-respondent Dataset and the time of its last answer; None if empty or unreadable.

    Bad lines, and lines whose pair is not one of the plan's, are set aside and named; the rest is read."""
    not_regular = regular_file(path, file, tr("error.apps.valid_journal"))
    if not_regular is not None:
        problems.append(_skipped(not_regular))
        return None
    aside: list[SetAside] = []
    try:
        answers = read_journal(path, set_aside=aside, name=file)
    except Exception as error:  # reported; the other files still merge
        problems.append(_failure(error, path, file))
        return None
    problems.extend(_line_problem(bad, file) for bad in aside)
    nodes = set(plan.nodes)
    kept = []
    for a in answers:
        outside = [node for node in (a.source, a.target) if node not in nodes]
        if outside:
            problems.append(Problem("line", file, locate(
                tr("error.apps.pair_not_in_plan", file=file, line=a.line, source=a.source, target=a.target),
                value=outside[0], valid=tr("error.apps.valid_plan_pair", n=len(plan.nodes))), True,
                respondent=a.respondent, line=a.line, reason="plan"))
        else:
            kept.append(a)
    if not kept:
        return None
    last = pd.Timestamp(max(a.t for a in kept)).tz_convert(UTC)
    folded = fold(kept)
    ids = sorted({a.source for a in folded} | {a.target for a in folded}, key=frameworks.node_sort_key)
    pos = {node: k for k, node in enumerate(ids)}
    n = len(ids)
    score, comment = np.full((1, n, n), np.nan), np.full((1, n, n), "", dtype=object)
    uncertain = np.zeros((1, n, n), dtype=bool)
    for a in folded:
        i, j = pos[a.source], pos[a.target]
        score[0, i, j] = np.nan if a.score is None else float(a.score)
        comment[0, i, j], uncertain[0, i, j] = a.comment, a.uncertain
    return build_dataset(score, comment, uncertain, ids, [folded[0].respondent], aggregated=False), last


def _is_long_csv(path: Path) -> bool:
    """True for a long CSV, which names only the pairs it scores (so no node of it can be called missing)."""
    if path.suffix.lower() not in (".csv", ".txt", ""):
        return False
    try:
        return csv_layout(read_table(path)[0]) == "long"
    except Exception:  # not a CSV after all: the reader has read it, so it lists its nodes
        return False


def _upload_part(path: Path, file: str, problems: list[Problem]) -> tuple[xr.Dataset, pd.Timestamp] | None:
    """One uploaded file as a Dataset on ``(respondent, source, target)``; None if it cannot be merged."""
    try:
        ds = read_matrix(path)
    except Exception as error:  # reported; the other files still merge
        problems.append(_failure(error, path, file))
        return None
    lead = [d for d in ds["score"].dims if d not in DIMS]
    if is_aggregated(ds) or lead not in ([], [RESPONDENT]):
        holds = (tr("error.apps.holds_aggregated") if is_aggregated(ds)
                 else tr("error.apps.holds_dims", dims=tuple(ds["score"].dims)))
        problems.append(Problem("not_answers", file, locate(holds, file=file, valid=tr("error.apps.valid_answers")),
                                False))
        return None
    if not lead:
        ds = ds.expand_dims({RESPONDENT: [path.stem]})
    ds = ds.transpose(RESPONDENT, *DIMS)
    mtime = pd.Timestamp(datetime.fromtimestamp(path.stat().st_mtime, tz=UTC))
    return ds, mtime


def _check_nodes(part: xr.Dataset, plan: Workshop, file: str, partial: bool, problems: list[Problem]) -> None:
    """Report a file whose nodes differ from the plan's (``partial``: a journal or a long CSV, which name only
    the pairs answered, so only the nodes the plan lacks count)."""
    named = set(node_ids(part))  # a journal's part holds only the nodes its answers name
    extra = tuple(sorted(named - set(plan.nodes), key=frameworks.node_sort_key))
    missing = () if partial else tuple(n for n in plan.nodes if n not in named)
    if extra or missing:
        parts = ([tr("error.apps.nodes_extra", ids=", ".join(extra))] if extra else []) + (
            [tr("error.apps.nodes_missing", ids=", ".join(missing))] if missing else [])
        problems.append(Problem("nodes", file, locate(
            tr("error.apps.nodes_differ", parts=(parts[0] + "; " + parts[1]) if len(parts) == 2 else parts[0]),
            file=file, valid=tr("error.apps.valid_plan_nodes", n=len(plan.nodes), ids=", ".join(plan.nodes))), True,
            extra=extra, missing=missing))


def _on(part: xr.Dataset, order: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """A part's three arrays on the node list ``order`` (cells it lacks: not scored, no comment, no mark)."""
    grown = part[["score", "comment", "uncertain"]].reset_coords(drop=True).reindex(source=order, target=order)
    comment = grown["comment"].to_numpy().astype(object)
    comment = np.where(pd.isna(comment), "", comment)
    uncertain = grown["uncertain"].fillna(False).to_numpy().astype(bool)
    return grown["score"].to_numpy().astype(np.float64), comment, uncertain


def merge_folder(folder: str | os.PathLike) -> Merged:
    """Merge every journal in ``svar/`` and every file in ``uppladdat/`` of a workshop folder.

    Parameters
    ----------
    folder : str or path-like
        A folder made by :func:`~sdg_interactions.apps.workshop.new_workshop`.

    Returns
    -------
    Merged
        The Dataset (None while no one has answered), the source of each respondent, the last answer
        times and the problems (see the module docstring).

    Raises
    ------
    ValidationError, InputFormatError
        The folder is no workshop folder (its ``om.json`` or ``workshop.json`` cannot be read).
    """
    folder = Path(folder)
    about, plan = read_about(folder), read_plan(folder)
    merged = Merged(None, plan, folder)
    parts: list[xr.Dataset] = []
    uploads, skipped = upload_files(folder)
    in_order = sorted([(path.relative_to(folder).as_posix(), path) for path in uploads]
                      + [(entry.file, entry) for entry in skipped], key=lambda item: item[0])
    sources = [(path, "journal") for path in journals(folder)] + [(item, "upload") for _, item in in_order]
    for path, kind in sources:
        if isinstance(path, Skipped):  # an entry of uppladdat/ that is not read, named in its place
            merged.problems.append(_skipped(path))
            continue
        file = path.relative_to(folder).as_posix()
        merged.files.append(file)
        if kind == "journal":
            read = _journal_part(path, file, plan, merged.problems)
        else:
            read = _upload_part(path, file, merged.problems)
        if read is None:
            continue
        part, last = read
        keep = []
        for who in (str(r) for r in part[RESPONDENT].to_numpy()):
            if who in merged.sources:
                merged.problems.append(Problem("duplicate", file, locate(
                    tr("error.apps.duplicate", who=repr(who), source=merged.sources[who]),
                    file=file, column=RESPONDENT, value=who, valid=tr("error.apps.valid_one_source")), False,
                    respondent=who))
            else:
                keep.append(who)
                merged.sources[who], merged.last[who] = file, last
        if not keep:
            continue
        part = part.sel({RESPONDENT: keep})
        _check_nodes(part, plan, file, kind == "journal" or _is_long_csv(path), merged.problems)
        parts.append(part)
    if not parts:
        return merged
    order = sorted(set(plan.nodes).union(*(node_ids(p) for p in parts)), key=frameworks.node_sort_key)
    arrays = [_on(p, order) for p in parts]
    score, comment, uncertain = (np.concatenate([a[k] for a in arrays]) for k in range(3))
    attrs = {"title": f"Workshop {about.get('kommun_name', '')}".strip(), "kommun": str(about.get("kommun", "")),
             "merged_from": "; ".join(dict.fromkeys(merged.sources.values()))}
    merged.dataset = build_dataset(score, comment, uncertain, order, list(merged.sources), aggregated=False,
                                   attrs=attrs)
    return merged


def merge_answers(folder: str | os.PathLike) -> xr.Dataset:
    """The merged answers of a workshop folder (see :func:`merge_folder`), every problem issued as a warning.

    Each :class:`Problem` becomes a :class:`~sdg_interactions.errors.SdgInteractionsWarning` with its
    message; the files without problems are merged all the same. Raises
    :class:`~sdg_interactions.errors.ValidationError` while there are no answers to merge.

    Examples
    --------
    >>> import tempfile
    >>> from sdg_interactions.apps.workshop import journal_path, new_workshop
    >>> from sdg_interactions.io.journal import Journal
    >>> ws = new_workshop(Path(tempfile.mkdtemp()) / "ws", ["7.2", "13.2"], kommun="Habo", respondents=1)
    >>> with Journal(journal_path(ws, "Anna"), "Anna") as journal:
    ...     _ = journal.record("7.2", "13.2", 3, "mindre utsläpp")
    >>> ds = merge_answers(ws)
    >>> ds["score"].dims, ds["score"].sel(respondent="Anna", source="7.2", target="13.2").item()
    (('respondent', 'source', 'target'), 3.0)
    """
    merged = merge_folder(folder)
    for problem in merged.problems:
        warnings.warn(problem.message, SdgInteractionsWarning, stacklevel=2)
    if merged.dataset is None:
        raise ValidationError(locate(tr("error.apps.no_answers"), file=os.fspath(folder),
                                     valid=tr("facilitator.error.valid_answers")))
    return merged.dataset


def _merged(source: str | os.PathLike | Merged) -> Merged:
    return source if isinstance(source, Merged) else merge_folder(source)


def progress(source: str | os.PathLike | Merged, *, by: str = "respondent") -> pd.DataFrame:
    """How far the workshop has come: per respondent, or per pair against the plan.

    Parameters
    ----------
    source : str, path-like or Merged
        A workshop folder, or what :func:`merge_folder` returned for it (read once for both tables).
    by : {"respondent", "pair"}
        ``"respondent"``: one row per participant: each share of the plan in order ("R1", …) with the
        respondents who score it (by the scoring app's claim, ``claims_by_respondent``, or by having the share's
        name), or the share alone while no one does; then the respondents with answers and no share (an
        upload's, say). Columns ``respondent``, ``share`` (the plan's share, "" for none), ``file`` (where
        the answers came from, "" if none yet), ``assigned`` (the share's pairs; <NA> without a share),
        ``answered`` (pairs scored, the last answer counts), ``answered_assigned`` (of those, in the share),
        ``done`` (``answered_assigned / assigned``) and ``last_answer`` (UTC; NaT if none).
        ``"pair"``: one row per ordered pair of the plan's nodes, in natural order:
        ``source``, ``target``, ``planned`` (respondents the plan gives it), ``answers`` (scores so far),
        ``missing`` (``max(planned − answers, 0)``) and ``unscored`` (no one has scored it).

    Returns
    -------
    pandas.DataFrame
    """
    merged = _merged(source)
    plan, ds = merged.plan, merged.dataset
    if by == "pair":
        planned = plan.answers()
        pairs = [(s, t) for s in plan.nodes for t in plan.nodes if s != t]
        answers = [0] * len(pairs)
        if ds is not None:
            counts = ds["score"].count(RESPONDENT).to_numpy()
            at = {node: k for k, node in enumerate(node_ids(ds))}
            answers = [int(counts[at[s], at[t]]) for s, t in pairs]
        frame = pd.DataFrame({"source": [s for s, _ in pairs], "target": [t for _, t in pairs],
                              "planned": [planned.get(p, 0) for p in pairs], "answers": answers})
        frame["missing"] = (frame["planned"] - frame["answers"]).clip(lower=0)
        frame["unscored"] = frame["answers"] == 0
        return frame
    if by != "respondent":
        raise ValidationError(locate(tr("error.apps.progress_by"), value=by, valid=tr("error.apps.valid_progress_by")))
    ids = node_ids(ds) if ds is not None else []
    rows = []
    holders = _holders(merged)
    for who, share in holders:
        scored: set[tuple[str, str]] = set()
        if who in merged.sources:
            cells = ~np.isnan(ds["score"].sel({RESPONDENT: who}).to_numpy())
            scored = {(ids[i], ids[j]) for i, j in zip(*np.nonzero(cells), strict=True)}
        pairs = plan.assignment.get(share)
        rows.append({"respondent": who, "share": share, "file": merged.sources.get(who, ""),
                     "assigned": None if pairs is None else len(pairs), "answered": len(scored),
                     "answered_assigned": None if pairs is None else len(scored & set(pairs)),
                     "last_answer": merged.last.get(who, pd.NaT)})
    frame = pd.DataFrame(rows, columns=["respondent", "share", "file", "assigned", "answered", "answered_assigned",
                                        "last_answer"])
    for column in ("assigned", "answered_assigned"):
        frame[column] = frame[column].astype("Int64")
    frame["answered"] = frame["answered"].astype(int)
    frame.insert(6, "done", (frame["answered_assigned"] / frame["assigned"].where(frame["assigned"] > 0))
                 .astype("Float64"))
    frame["last_answer"] = pd.to_datetime(frame["last_answer"], utc=True)
    return frame


def _holders(merged: Merged) -> list[tuple[str, str]]:
    """(respondent, share) for every row of the progress table: each share of the plan in order with the
    respondents who hold it (by claim, or by having the share's name), or the share alone while no one
    does; then the respondents with answers and no share (share "")."""
    plan = merged.plan
    claims = {who: share for who, share in claims_by_respondent(merged.folder).items() if share in plan.assignment}
    for who in merged.respondents:
        if who not in claims and who in plan.assignment and who not in claims.values():
            claims[who] = who
    rows = []
    for share in plan.assignment:
        holders = [who for who, held in claims.items() if held == share]
        rows += [(who, share) for who in holders] or [(share, share)]
    return rows + [(who, "") for who in merged.respondents if who not in claims]


def contested(ds: xr.Dataset | xr.DataArray, *, lang: str = "sv") -> pd.DataFrame:
    """The contested cells so far (:func:`~sdg_interactions.analysis.cells.cell_statistics`), widest spread first.

    A cell is contested when someone scored it > 0 and someone < 0, or its answers' IQR is ≥ 2.

    Returns
    -------
    pandas.DataFrame
        ``source``, ``target``, ``source_label``, ``target_label`` (short labels in ``lang``), ``n``,
        ``low``, ``high`` (the lowest and highest score), ``iqr``, ``mean``, ``median``; sorted by
        ``high − low``, then ``iqr`` (both descending), then natural order.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.full((2, 2, 2), np.nan)
    >>> v[:, 0, 1] = [2, -2]
    >>> contested(from_array(v, ["7.2", "13.2"], respondents=["a", "b"]), lang="en")[
    ...     ["source", "target", "n", "low", "high", "iqr"]].to_dict("records")
    [{'source': '7.2', 'target': '13.2', 'n': 2, 'low': -2.0, 'high': 2.0, 'iqr': 2.0}]
    """
    check_lang(lang)
    stats = cell_statistics(ds)
    score = (ds["score"] if isinstance(ds, xr.Dataset) else ds).transpose(RESPONDENT, *DIMS)
    low, high = score.min(RESPONDENT, skipna=True), score.max(RESPONDENT, skipna=True)
    ids = node_ids(stats["n"])
    labels = frameworks.node_info(ids)[f"label_{lang}"].to_dict()
    rows = []
    for i, j in zip(*np.nonzero(stats["contested"].to_numpy()), strict=True):
        s, t = ids[i], ids[j]
        rows.append({"source": s, "target": t, "source_label": labels[s], "target_label": labels[t],
                     "n": int(stats["n"].values[i, j]), "low": float(low.values[i, j]),
                     "high": float(high.values[i, j]), "iqr": float(stats["iqr"].values[i, j]),
                     "mean": float(stats["mean"].values[i, j]), "median": float(stats["median"].values[i, j])})
    columns = ["source", "target", "source_label", "target_label", "n", "low", "high", "iqr", "mean", "median"]
    frame = pd.DataFrame(rows, columns=columns)
    if frame.empty:
        return frame
    key = [(-(r.high - r.low), -r.iqr, frameworks.node_sort_key(r.source), frameworks.node_sort_key(r.target))
           for r in frame.itertuples()]
    order = sorted(range(len(frame)), key=key.__getitem__)
    return frame.iloc[order].reset_index(drop=True)
