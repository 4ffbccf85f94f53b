"""The scenario app's pure part: what its tables hold, which priorities conflict, scenario files, errors.

Plain functions, no widgets, so each can be called and tested on its own; the view
(:mod:`sdg_interactions.apps.scenario`) only wires them to controls. Nothing here computes a metric:
:func:`evaluate` calls :func:`~sdg_interactions.analysis.scenario` and filters the list of
:func:`~sdg_interactions.analysis.triggered_conflicts`, then arranges them as tables.

* :func:`evaluate` — a scenario's classes as tables (:func:`class_tables`) and its conflicts, among them
  those between the priorities themselves (:func:`priority_conflicts`, worded by :func:`conflict_line`).
* :func:`save_scenario` / :func:`load_scenario` — a scenario as a small JSON file (UTF-8, written
  atomically), checked against the matrix on loading.
* :func:`parse_effort`, :func:`message_of` — efforts as people type them, and errors worded in sv or en.
* :func:`summary_text`, :func:`conflicts_html` — the summary sentence and the box of conflicts between
  priorities, in ``lang``.

Examples
--------
>>> from sdg_interactions.matrix import toy_matrix
>>> found = evaluate(toy_matrix(), ["1.1", "1.2"], lang="en")
>>> found.tables["at_risk"]["node"].tolist(), [conflict_line(r, "en") for r in found.among.to_dict("records")]
(['1.3'], [])
"""

from __future__ import annotations

import dataclasses
import difflib
import html
import json
import math
import numbers
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.analysis import adjacency, check_priorities, scenario, triggered_conflicts
from sdg_interactions.apps._render import labels_of, number, signed, user_message
from sdg_interactions.errors import InputFormatError, SdgInteractionsError, UnknownIdError, ValidationError, locate, tr
from sdg_interactions.frameworks import DEFAULT_MATRIX
from sdg_interactions.io import load_matrix
from sdg_interactions.matrix import node_ids
from sdg_interactions.plots.base import NEGATIVE_COLOR
from sdg_interactions.ranges import EFFORT
from sdg_interactions.textfile import write_atomic
from sdg_interactions.texts import LANGUAGES, text

__all__ = [
    "FORMAT",
    "SHOWN",
    "VERSION",
    "Evaluation",
    "SavedScenario",
    "app_error",
    "check_scenario",
    "class_tables",
    "conflict_line",
    "conflicts_html",
    "evaluate",
    "load_scenario",
    "message_of",
    "parse_effort",
    "priority_conflicts",
    "save_scenario",
    "summary_text",
]

#: The ``"format"`` key of a scenario file, and the newest ``"version"`` this code writes and reads.
FORMAT = "sdg_interactions.scenario"
VERSION = 1
#: The classes in the order the app shows them (as :func:`sdg_interactions.plots.scenario_classes`).
SHOWN = ("prioritised", "comes_along", "partly_supported", "not_free", "at_risk")
_NUMBERS = ("direct_pos", "direct_neg", "indirect_pos", "indirect_neg", "effect_net")


# --- errors a user can cause -------------------------------------------------------------------------

def app_error(kind: type[SdgInteractionsError], key: str, *, file: object = None, column: str | None = None,
              value: object = None, **fields: object) -> SdgInteractionsError:
    """An error of the library's type ``kind``, worded by :func:`~sdg_interactions.errors.locate` from
    ``scenario_app.error.<key>`` and ``scenario_app.valid.<key>`` (``str`` is the English, ``words(lang)``
    the user's language); it keeps its parts so :func:`message_of` can word it again in the app's form.

    Examples
    --------
    >>> str(app_error(ValidationError, "effort", column="efforts", value="0", node="7.2"))
    "column 'efforts': the effort for 7.2 must be a number greater than 0 and at most 10: '0'. Valid: a number greater than 0 and at most 10 (relative weights), e.g. 1 or 1.5."
    """  # noqa: E501
    exc = kind(locate(tr(f"scenario_app.error.{key}", **fields), file=file, column=column, value=value,
                      valid=tr(f"scenario_app.valid.{key}", **fields)))
    exc.scenario_error = {"key": key, "file": file, "column": column, "value": value, "fields": fields}
    return exc


def message_of(exc: BaseException, lang: str) -> str:
    """An error as the user should read it, in ``lang``: errors of :func:`app_error` are worded anew,
    others as :func:`~sdg_interactions.apps._render.user_message` words them.

    Examples
    --------
    >>> message_of(app_error(ValidationError, "empty", file="a.json", column="priorities", value=[]), "sv")
    'a.json, fältet priorities: scenariot har inga prioriteringar: []. Giltigt: minst ett delmål.'
    """
    parts = getattr(exc, "scenario_error", None)
    if parts is None:
        return user_message(exc, lang)
    key, fields, value = parts["key"], parts["fields"], parts["value"]
    where = [str(parts["file"])] if parts["file"] is not None else []
    if parts["column"] is not None:
        where.append(text("scenario_app.error.field", lang, column=parts["column"]))
    shown = number(value, lang) if isinstance(value, numbers.Real) and not isinstance(value, bool) else repr(value)
    return text("scenario_app.error.template", lang, where=", ".join(where) + ": " if where else "",
                problem=text(f"scenario_app.error.{key}", lang, **fields), value=shown,
                valid=text(f"scenario_app.valid.{key}", lang, **fields))


def parse_effort(value: object, node: str = "", *, file: object = None) -> float:
    """An effort as a float: a number, or text as people type it ("1,5" or "1.5"), in the range of
    :data:`sdg_interactions.ranges.EFFORT` (0 < effort ≤ 10).

    Examples
    --------
    >>> parse_effort("1,5"), parse_effort(2)
    (1.5, 2.0)
    """
    number_ = value
    if isinstance(value, str):
        try:
            number_ = float(value.strip().replace(",", ".").replace("−", "-"))
        except ValueError:
            number_ = None
    if isinstance(number_, bool) or not isinstance(number_, numbers.Real) or not math.isfinite(number_) \
            or not EFFORT.low < number_ <= EFFORT.high:
        raise app_error(ValidationError, "effort", file=file, column="efforts", value=value, node=node or "?")
    return float(number_)


def check_scenario(priorities: object, efforts: object, ids: list[str], *, file: object = None
                   ) -> tuple[tuple[str, ...], tuple[float, ...]]:
    """Priorities and efforts as a scenario needs them: a list of text, each a node of ``ids``, none twice,
    at least one (:func:`~sdg_interactions.analysis.check_priorities` has the last word); efforts None (all
    1) or one :func:`parse_effort` per priority. Errors name ``file`` if given.

    Examples
    --------
    >>> check_scenario(["7.2 ", "13.1"], ["1,5", 2], ["7.2", "13.1"])
    (('7.2', '13.1'), (1.5, 2.0))
    """
    chosen = _check_ids(priorities, ids, file=file)
    return chosen, _check_efforts(efforts, chosen, file=file)


def _check_ids(priorities: object, ids: list[str], *, file: object = None) -> tuple[str, ...]:
    if not isinstance(priorities, list | tuple) or not all(isinstance(p, str) for p in priorities):
        raise app_error(ValidationError, "priorities", file=file, column="priorities", value=priorities)
    if not priorities:
        raise app_error(ValidationError, "empty", file=file, column="priorities", value=list(priorities))
    seen: set[str] = set()
    for raw in priorities:
        node = raw.strip()
        if node not in ids:
            close = list(dict.fromkeys([*difflib.get_close_matches(node, ids, n=5, cutoff=0.5), *ids]))[:5]
            raise app_error(UnknownIdError, "unknown_id", file=file, column="priorities", value=raw, n=len(ids),
                            examples=", ".join(close))
        if node in seen:
            raise app_error(ValidationError, "duplicate", file=file, column="priorities", value=node)
        seen.add(node)
    return tuple(ids[k] for k in check_priorities([p.strip() for p in priorities], ids))


def _check_efforts(efforts: object, priorities: Sequence[str], *, file: object = None) -> tuple[float, ...]:
    if efforts is None:
        return (1.0,) * len(priorities)
    if not isinstance(efforts, list | tuple) or len(efforts) != len(priorities):
        raise app_error(ValidationError, "efforts", file=file, column="efforts", value=efforts, n=len(priorities))
    return tuple(parse_effort(e, node, file=file) for e, node in zip(efforts, priorities, strict=True))


# --- what the app shows ------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True, eq=False)
class Evaluation:
    """What the app shows for one scenario (see :func:`evaluate`); ``result`` is None with no priorities."""

    priorities: tuple[str, ...]
    efforts: tuple[float, ...]
    result: xr.Dataset | None
    triggered: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    among: pd.DataFrame

    @property
    def counts(self) -> dict[str, int]:
        """The number of nodes in each class."""
        return {cls: len(self.tables[cls]) for cls in SHOWN}


def class_tables(result: xr.Dataset, triggered: pd.DataFrame, matrix: xr.DataArray, *, lang: str = "sv"
                 ) -> dict[str, pd.DataFrame]:
    """One table per class of :data:`SHOWN`: exactly the nodes :func:`~sdg_interactions.analysis.scenario`
    put in it, with their direct and indirect effects.

    Columns: ``node``, ``label`` (in ``lang``), ``direct_pos``, ``direct_neg``, ``indirect_pos``,
    ``indirect_neg``, ``effect_net``, ``support`` (the priorities that promote the node, as
    ``(source, score)`` pairs, strongest first) and, for ``prioritised``, ``effort``; for ``at_risk``,
    ``harm``: the rows of ``triggered`` that hit it, as dicts of ``source``, ``score`` and ``comment``,
    worst first. Sorted: ``at_risk`` by direct net effect (worst first), ``not_free`` by indirect support
    (most first), the others by direct support (most first); ties in node order.
    """
    ids = [str(v) for v in result["node"].to_numpy()]
    labels = labels_of(matrix, lang)
    chosen = list(result.attrs["priorities"])
    effort = dict(zip(chosen, result.attrs["efforts"], strict=True))
    scores = adjacency(matrix)[[ids.index(p) for p in chosen]]  # the priorities' rows, as scored
    classes = result["class"].to_numpy().astype(str)
    values = {name: result[name].to_numpy().astype(float) for name in _NUMBERS}
    harm: dict[str, list[dict]] = {}
    for source, target, score, comment in zip(triggered["source"], triggered["target"], triggered["score"],
                                              triggered["comment"], strict=True):
        harm.setdefault(target, []).append({"source": source, "score": float(score), "comment": str(comment or "")})
    support = [sorted(((chosen[k], float(v)) for k, v in enumerate(column) if v > 0), key=lambda pair: -pair[1])
               for column in scores.T]
    key = np.select([classes == "at_risk", classes == "not_free"],
                    [values["direct_pos"] + values["direct_neg"], -values["indirect_pos"]], -values["direct_pos"])
    order = np.lexsort((np.arange(len(ids)), key))  # by the key, ties in node order
    frame = pd.DataFrame({"node": pd.Series(ids, dtype=object), "label": pd.Series([labels[i] for i in ids],
                                                                                   dtype=object),
                          **values, "support": pd.Series(support, dtype=object),
                          "effort": [effort.get(i, np.nan) for i in ids],
                          "harm": pd.Series([harm.get(i, []) for i in ids], dtype=object)}).iloc[order]
    common = ["node", "label", *_NUMBERS, "support"]
    extra = {"prioritised": ["effort"], "at_risk": ["harm"]}
    return {cls: frame.loc[classes[order] == cls, common + extra.get(cls, [])].reset_index(drop=True)
            for cls in SHOWN}


_EMPTY = {cls: pd.DataFrame({c: pd.Series(dtype=object if c in ("node", "label", "support", "harm") else float)
                             for c in ["node", "label", *_NUMBERS, "support",
                                       *{"prioritised": ["effort"], "at_risk": ["harm"]}.get(cls, [])]})
          for cls in SHOWN}


def priority_conflicts(triggered: pd.DataFrame, priorities: Sequence[str]) -> pd.DataFrame:
    """The triggered conflicts whose target is a priority too: priorities that hinder each other.

    Examples
    --------
    >>> t = pd.DataFrame({"source": ["13.1", "7.2"], "target": ["7.2", "6.6"], "score": [-2.0, -2.0]})
    >>> priority_conflicts(t, ["13.1", "7.2"]).to_dict("list")
    {'source': ['13.1'], 'target': ['7.2'], 'score': [-2.0]}
    """
    return triggered[triggered["target"].isin(list(priorities))].reset_index(drop=True)


def conflict_line(row: dict, lang: str = "sv") -> str:
    """One conflict in words, e.g. "13.1 hämmar 7.2 (−2)".

    Examples
    --------
    >>> conflict_line({"source": "13.1", "target": "7.2", "score": -2.0}, "sv")
    '13.1 hämmar 7.2 (−2)'
    """
    return text("scenario_app.conflicts.line", lang, source=row["source"], target=row["target"],
                score=signed(row["score"], lang))


def evaluate(matrix: xr.DataArray, priorities: Sequence[str], efforts: Sequence[float] | None = None, *,
             conflicts: pd.DataFrame | None = None, lang: str = "sv") -> Evaluation:
    """Everything the app shows for one scenario: :func:`~sdg_interactions.analysis.scenario`, its
    triggered conflicts, the tables of :func:`class_tables` and the conflicts among the priorities.

    ``matrix`` is one matrix; ``conflicts`` optionally ``triggered_conflicts(data, every node)``, computed
    once per matrix (on the Dataset, for the comments): a scenario's triggered conflicts are its rows
    whose source is a priority, in the same order — so a tick only filters them. No priorities: a result
    of None and empty tables.
    """
    priorities = tuple(priorities)
    if not priorities:
        empty = triggered_conflicts(matrix, node_ids(matrix)).iloc[:0] if conflicts is None else conflicts.iloc[:0]
        return Evaluation((), (), None, empty, {cls: _EMPTY[cls].copy() for cls in SHOWN}, empty)
    result = scenario(matrix, list(priorities), efforts=None if efforts is None else list(efforts))
    if conflicts is None:
        triggered = triggered_conflicts(matrix, list(priorities))
    else:
        triggered = conflicts[conflicts["source"].isin(priorities)].reset_index(drop=True)
    tables = class_tables(result, triggered, matrix, lang=lang)
    return Evaluation(priorities, tuple(result.attrs["efforts"]), result, triggered, tables,
                      priority_conflicts(triggered, priorities))


def conflicts_html(evaluation: Evaluation, lang: str) -> str:
    """The box of conflicts between the priorities ("13.1 hämmar 7.2 (−2)"); empty with no priorities."""
    if not evaluation.priorities:
        return ""
    among = evaluation.among.to_dict("records")
    lines = "".join(f"<li>{html.escape(conflict_line(row, lang))}"
                    + (f" – “{html.escape(str(row['comment']))}”" if str(row.get("comment", "")).strip() else "")
                    + "</li>" for row in among)
    body = (f"<p style='margin:0'><small>{html.escape(_say('conflicts.help', lang))}</small></p><ul>{lines}</ul>"
            if among else f"<p style='margin:0'>{html.escape(_say('conflicts.none', lang))}</p>")
    border = NEGATIVE_COLOR if among else "#aaaaaa"
    return (f"<div role='region' style='border:2px solid {border};padding:0.3em 0.7em;margin:0.4em 0'>"
            f"<strong>{html.escape(_say('conflicts.heading', lang, n=len(among)))}</strong>{body}</div>")

def summary_text(evaluation: Evaluation, lang: str) -> str:
    """One sentence on how many nodes land in each class; the friendly hint with no priorities."""
    if not evaluation.priorities:
        return _say("empty", lang)
    counts = evaluation.counts
    return _say("summary", lang, n=counts["prioritised"], **{c: counts[c] for c in SHOWN[1:]})


def _say(key: str, lang: str, **values: object) -> str:
    return text(f"scenario_app.{key}", lang, **values)


# --- scenario files ----------------------------------------------------------------------------------

@dataclasses.dataclass(frozen=True)
class SavedScenario:
    """A scenario read by :func:`load_scenario`."""

    path: Path
    priorities: tuple[str, ...]
    efforts: tuple[float, ...]
    matrix_name: str
    lang: str
    note: str
    saved_at: str = ""


def _check_text(value: object, column: str, *, file: object = None) -> str:
    if not isinstance(value, str):
        raise app_error(ValidationError, "text", file=file, column=column, value=value)
    return value


def save_scenario(path: str | os.PathLike, priorities: Sequence[str], efforts: Sequence[float] | None = None,
                  matrix_name: str = "", lang: str = "sv", note: str = "", *,
                  matrix: xr.DataArray | None = None) -> Path:
    """Write a scenario as JSON (UTF-8, å ä ö as they are), whole or not at all
    (:func:`~sdg_interactions.textfile.write_atomic`), so a crash never leaves half a file. Returns the path.

    The file holds ``format`` (:data:`FORMAT`), ``version``, ``matrix``, ``lang``, ``priorities``,
    ``efforts`` and ``note``. With ``matrix``, every priority is checked against its nodes first.

    Examples
    --------
    >>> import tempfile
    >>> path = save_scenario(Path(tempfile.mkdtemp()) / "s.json", ["7.2"], [1.5], "weitz2018_sweden",
    ...                      note="Vår första idé – på prov")
    >>> load_scenario(path).note, load_scenario(path).efforts
    ('Vår första idé – på prov', (1.5,))
    """
    path = Path(path)
    if not isinstance(priorities, list | tuple) or not all(isinstance(p, str) for p in priorities):
        raise app_error(ValidationError, "priorities", file=path, column="priorities", value=priorities)
    ids = node_ids(matrix) if matrix is not None else list(dict.fromkeys(p.strip() for p in priorities))
    chosen, efforts = check_scenario(list(priorities), None if efforts is None else list(efforts), ids, file=path)
    content = {"format": FORMAT, "version": VERSION,
               "matrix": _check_text(matrix_name, "matrix", file=path), "lang": lang,
               "priorities": list(chosen), "efforts": list(efforts),
               "note": _check_text(note, "note", file=path),
               "saved_at": pd.Timestamp.now(tz="UTC").strftime("%Y-%m-%dT%H:%M:%SZ")}
    if lang not in LANGUAGES:
        raise app_error(ValidationError, "lang", file=path, column="lang", value=lang)
    try:
        write_atomic(path, json.dumps(content, ensure_ascii=False, indent=2) + "\n")
    except OSError as exc:
        raise app_error(ValidationError, "write", file=path, reason=exc.strerror or type(exc).__name__) from exc
    return path


def _read_json(path: Path) -> dict:
    try:
        raw = path.read_bytes()
    except FileNotFoundError as exc:
        raise app_error(InputFormatError, "missing", file=path) from exc
    except OSError as exc:
        raise app_error(InputFormatError, "unreadable", file=path, value=exc.strerror) from exc
    try:
        content = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise app_error(InputFormatError, "unreadable", file=path, value=raw[max(0, exc.start - 10):exc.end + 10]
                        ) from exc
    except json.JSONDecodeError as exc:
        lines = exc.doc.splitlines()
        line = lines[exc.lineno - 1] if 0 < exc.lineno <= len(lines) else ""
        raise app_error(InputFormatError, "json", file=path, value=line.strip()[:60], line=exc.lineno,
                        col=exc.colno) from exc
    found = content.get("format") if isinstance(content, dict) else type(content).__name__
    if found != FORMAT:
        raise app_error(InputFormatError, "format", file=path, column="format", value=found, format=FORMAT)
    version = content.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= VERSION:
        raise app_error(InputFormatError, "version", file=path, column="version", value=version, version=VERSION)
    return content


def load_scenario(path: str | os.PathLike, matrix: xr.DataArray | xr.Dataset | None = None) -> SavedScenario:
    """Read a file of :func:`save_scenario` and check it: the format key and version, every priority against
    the matrix's nodes (:func:`~sdg_interactions.analysis.check_priorities`), one effort > 0 per priority.

    ``matrix`` defaults to the one the file names (a bundled name or a path). Every problem raises the
    library's own error naming the file, the field and the value, and saying what is valid:
    :class:`~sdg_interactions.errors.InputFormatError` (missing, not UTF-8 JSON, wrong format or version),
    :class:`~sdg_interactions.errors.UnknownIdError` (a node the matrix lacks),
    :class:`~sdg_interactions.errors.ValidationError` (anything else).
    """
    path = Path(path)
    content = _read_json(path)
    name = _check_text(content.get("matrix", ""), "matrix", file=path)
    if matrix is None:
        matrix = load_matrix(name or DEFAULT_MATRIX)
    chosen, efforts = check_scenario(content.get("priorities"), content.get("efforts"), node_ids(matrix), file=path)
    lang = content.get("lang", "sv")
    if lang not in LANGUAGES:
        raise app_error(ValidationError, "lang", file=path, column="lang", value=lang)
    return SavedScenario(path=path, priorities=chosen, efforts=efforts, matrix_name=name, lang=lang,
                         note=_check_text(content.get("note", ""), "note", file=path),
                         saved_at=str(content.get("saved_at", "")))

