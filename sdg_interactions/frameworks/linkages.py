"""Linkage tables: how progress on an SDG target bears on an objective of another framework.

A linkage table has one row per link, ``sdg_target, objective, score, reason, source`` (optionally
``reason_en``, ``passage``, ``status``, ``comment``): ``sdg_target`` an SDG target id (``"6.6"``),
``objective`` a node of another registered framework (``"MKM-8"``, ``"FH-3"``, a kommun's own
``"LULEA-2"``), ``score`` a number from −3 to 3 (3 the target is essentially about the objective, 2 a
clear link, 1 a weak one, negative where the target as worded pulls against the objective), ``reason``
a non-empty sentence, ``source`` where the link's basis is written. Unlike a matrix it is not square.

The package ships two tables, **proposals** of the sdg_interactions project (2026) made from the
targets' official texts and the objectives' names: ``"miljomal"`` (SDG targets → the 16
miljökvalitetsmål) and ``"folkhalsomal"`` (→ the eight folkhälsopolitiska målområden). No official
mapping exists; ``datasets/linkage/README.md`` says how they were made. A user's own table (a CSV or
Excel file, or a DataFrame) replaces them anywhere a linkage is taken: :func:`linkage` reads and checks
either, :func:`check_linkage` is the one validator.

Examples
--------
>>> table = linkage("miljomal")
>>> table.attrs["proposal"], table.attrs["title_en"][:31]
(True, 'Proposal by sdg_interactions (2')
>>> table.loc[(table["sdg_target"] == "6.6") & (table["objective"] == "MKM-8"), "score"].item()
3.0
"""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd

from sdg_interactions.errors import UnknownDatasetError, UnknownIdError, ValidationError, locate, tr
from sdg_interactions.frameworks import node_ids, registry
from sdg_interactions.frameworks.catalogues import bundled_table
from sdg_interactions.textfile import read_table, unguard_text
from sdg_interactions.texts import text

__all__ = ["BUNDLED_LINKAGES", "LINKAGE_COLUMNS", "OPTIONAL_COLUMNS", "SCORE_RANGE", "check_linkage", "linkage"]

#: The required columns of a linkage table, in order.
LINKAGE_COLUMNS = ("sdg_target", "objective", "score", "reason", "source")
#: Columns a linkage table may hold besides; always present (blank if absent) in a checked table.
OPTIONAL_COLUMNS = ("reason_en", "passage", "status", "comment")
#: The bundled proposals: name -> file under ``datasets/``.
BUNDLED_LINKAGES = {"miljomal": "linkage/sdg_miljomal.csv", "folkhalsomal": "linkage/sdg_folkhalsomal.csv"}
#: The valid range of a link's score.
SCORE_RANGE = (-3, 3)

def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return unguard_text(str(value).strip())


def _score(value: object, where: dict) -> float:
    raw = value
    if isinstance(value, str):
        value = value.strip().replace("−", "-").replace(",", ".")
    try:
        number = float(value) if not isinstance(value, bool) else math.nan
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number) or not SCORE_RANGE[0] <= number <= SCORE_RANGE[1]:
        missing = _cell(raw) == ""
        problem = tr("frameworks.error.linkage.score_missing" if missing else "frameworks.error.linkage.score_range")
        raise ValidationError(locate(problem, value=None if missing else raw,
                                     valid=tr("frameworks.error.linkage.valid_score"), **where))
    return number


def _objective(value: object, where: dict) -> str:
    name = node_ids.check_node_id(value, **where)
    kind = node_ids.framework_of(name)
    if kind == "sdg_target":
        raise UnknownIdError(locate(tr("frameworks.error.linkage.objective_is_target"), value=name,
                                    valid=tr("frameworks.error.linkage.valid_objective"),
                                    **where))
    if kind not in {fw.name for fw in registry.frameworks()}:
        raise UnknownIdError(locate(tr("frameworks.error.linkage.no_prefix", prefix=repr(kind)), value=name,
                                    valid=tr("frameworks.error.linkage.valid_objective"), **where))
    return name


def _target(value: object, where: dict) -> str:
    name = node_ids.check_node_id(value, **where)
    if node_ids.framework_of(name) != "sdg_target":
        raise UnknownIdError(locate(tr("frameworks.error.linkage.not_target"), value=name,
                                    valid=tr("frameworks.error.linkage.valid_target"), **where))
    return name


def check_linkage(table: pd.DataFrame, *, file: object = None) -> pd.DataFrame:
    """Check a linkage table and return it in canonical form.

    Rules: the columns :data:`LINKAGE_COLUMNS` are present (others only from :data:`OPTIONAL_COLUMNS`);
    ``sdg_target`` names an SDG target; ``objective`` a node of a registered framework that is not an
    SDG target; ``score`` is a number from −3 to 3 (``−`` and a decimal comma are read); ``reason`` is
    not blank; each ``(sdg_target, objective)`` pair appears once.

    Parameters
    ----------
    table : pandas.DataFrame
        The linkage table, one row per link; a ``_row`` column gives each row's number in its file.
    file : object, optional
        The file the table was read from, for the messages.

    Returns
    -------
    pandas.DataFrame
        A new DataFrame with the columns :data:`LINKAGE_COLUMNS` then :data:`OPTIONAL_COLUMNS`
        (blank where absent), ids canonical, ``score`` a float; the input's ``attrs`` are kept.

    Raises
    ------
    sdg_interactions.errors.ValidationError
        For a missing or unknown column, a score out of range, a blank reason or a pair given twice.
    sdg_interactions.errors.UnknownIdError
        For an id that is no SDG target, or no objective of a registered framework. Errors name ``file``,
        the row as a spreadsheet shows it (header = row 1), the column and the value, and say what would
        be valid.

    See Also
    --------
    linkage : A checked table: a bundled proposal, a user's file or a DataFrame.

    Examples
    --------
    >>> check_linkage(pd.DataFrame({"sdg_target": ["6.6"], "objective": ["MKM-8"], "score": ["2"],
    ...                             "reason": ["sjöar"], "source": [""]}))[["sdg_target", "score"]]
      sdg_target  score
    0        6.6    2.0
    >>> check_linkage(pd.DataFrame({"sdg_target": ["6.6"], "objective": ["MKM-8"], "score": ["5"],
    ...                             "reason": ["sjöar"], "source": [""]}), file="egen.csv")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: egen.csv, row 2, column 'score': a link's score must be a number from -3 to 3: '5'. Valid: a number from -3 to 3 (3: the target is essentially about the objective, 2: clear, 1: weak; negative: the target as worded pulls against it).
    """  # noqa: E501
    if not isinstance(table, pd.DataFrame):
        raise ValidationError(locate(tr("error.apps.frameworks.linkage_frame"), file=file, value=type(table).__name__,
                                     valid=tr("error.apps.frameworks.valid_linkage_frame",
                                              columns=", ".join(LINKAGE_COLUMNS))))
    frame = table.copy()
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in LINKAGE_COLUMNS:
        if column not in frame.columns:
            raise ValidationError(locate(tr("frameworks.error.linkage.missing_column"), file=file, column=column,
                                         valid=tr("frameworks.error.linkage.valid_columns",
                                                  columns=", ".join(LINKAGE_COLUMNS),
                                                  optional=", ".join(OPTIONAL_COLUMNS))))
    unknown = [c for c in frame.columns if c not in (*LINKAGE_COLUMNS, *OPTIONAL_COLUMNS, "_row")]
    if unknown:
        raise ValidationError(locate(tr("frameworks.error.linkage.unknown_column"), file=file, column=unknown[0],
                                     valid=", ".join((*LINKAGE_COLUMNS, *OPTIONAL_COLUMNS))))
    if frame.empty:
        raise ValidationError(locate(tr("frameworks.error.linkage.no_rows"), file=file,
                                     valid=tr("frameworks.error.linkage.valid_rows")))
    rows = [int(r) for r in frame["_row"]] if "_row" in frame else list(range(2, len(frame) + 2))
    out: dict[str, list] = {column: [] for column in (*LINKAGE_COLUMNS, *OPTIONAL_COLUMNS)}
    first: dict[tuple[str, str], int] = {}
    for k, row in enumerate(rows):
        record = frame.iloc[k]
        target = _target(record["sdg_target"], {"file": file, "row": row, "column": "sdg_target"})
        objective = _objective(record["objective"], {"file": file, "row": row, "column": "objective"})
        score = _score(record["score"], {"file": file, "row": row, "column": "score"})
        reason = _cell(record["reason"])
        if not reason:
            raise ValidationError(locate(tr("frameworks.error.linkage.no_reason"), file=file, row=row, column="reason",
                                         value=f"{target} → {objective}",
                                         valid=tr("frameworks.error.linkage.valid_reason")))
        if (target, objective) in first:
            raise ValidationError(locate(tr("frameworks.error.linkage.twice", row=first[target, objective]),
                                         file=file, row=row, column="objective", value=f"{target} → {objective}",
                                         valid=tr("frameworks.error.linkage.valid_once")))
        first[target, objective] = row
        for column, value in (("sdg_target", target), ("objective", objective), ("score", score),
                              ("reason", reason)):
            out[column].append(value)
        for column in ("source", *OPTIONAL_COLUMNS):
            out[column].append(_cell(record[column]) if column in frame else "")
    checked = pd.DataFrame(out)
    checked["score"] = checked["score"].astype(np.float64)
    checked.attrs = dict(table.attrs)
    return checked


def _read_file(path: Path) -> pd.DataFrame:
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        frame = pd.read_excel(path, dtype=str, keep_default_na=False)
        frame["_row"] = range(2, len(frame) + 2)
        return frame
    header, rows = read_table(path)
    frame = pd.DataFrame([cells[: len(header)] + [""] * (len(header) - len(cells)) for _, cells in rows],
                         columns=header)
    frame["_row"] = [number for number, _ in rows]
    return frame


def _attrs(table: pd.DataFrame) -> dict:
    frameworks = sorted({node_ids.framework_of(o) for o in table["objective"]})
    return {"framework": ",".join(frameworks)}


def linkage(name: str | os.PathLike | pd.DataFrame = "miljomal") -> pd.DataFrame:
    """A checked linkage table: a bundled proposal by name, a user's file, or a DataFrame.

    Parameters
    ----------
    name : {"miljomal", "folkhalsomal"}, path or DataFrame
        ``"miljomal"``: the project's proposal SDG target → miljökvalitetsmål (``MKM-1`` … ``MKM-16``);
        ``"folkhalsomal"``: → folkhälsopolitiska målområden (``FH-1`` … ``FH-8``). A path (CSV, ``,`` or
        ``;``, UTF-8 or Windows-1252; or Excel) or a DataFrame is a user's own table, which replaces the
        bundled one wherever it is passed instead.

    Returns
    -------
    pandas.DataFrame
        As :func:`check_linkage` returns it, with ``attrs``: ``name``, ``proposal`` (True for the bundled
        proposals, False for a user's table), ``title_sv``, ``title_en``, ``basis_sv``, ``basis_en`` (who
        made it, on what basis), ``source_file`` and ``framework`` (the objectives' frameworks).

    See Also
    --------
    check_linkage : The rules every table is checked by.
    sdg_interactions.frameworks.miljomal : The miljökvalitetsmål linked to.
    sdg_interactions.frameworks.folkhalsomal : The folkhälsomål areas linked to.

    Examples
    --------
    >>> fh = linkage("folkhalsomal")
    >>> fh.attrs["title_sv"]
    'Förslag från sdg_interactions (2026): SDG-delmål → folkhälsopolitiska målområden'
    >>> sorted(fh["objective"].unique())[:3], fh.attrs["framework"]
    (['FH-1', 'FH-2', 'FH-3'], 'folkhalsomal')
    """
    if isinstance(name, pd.DataFrame):
        table = check_linkage(name)
        attrs = {"name": "user", "proposal": False, "title_sv": text("linkage.user_title", "sv", file="DataFrame"),
                 "title_en": text("linkage.user_title", "en", file="DataFrame"), "basis_sv": "", "basis_en": "",
                 "source_file": ""}
        attrs.update({k: v for k, v in name.attrs.items() if k in attrs})
    elif isinstance(name, str) and name in BUNDLED_LINKAGES:
        file = BUNDLED_LINKAGES[name]
        table = check_linkage(bundled_table(file), file=file)
        attrs = {"name": name, "proposal": True, "source_file": file}
        for lang in ("sv", "en"):
            attrs[f"title_{lang}"] = text(f"linkage.title.{name}", lang)
            attrs[f"basis_{lang}"] = text(f"linkage.basis.{name}", lang)
    elif isinstance(name, str | os.PathLike) and Path(name).is_file():
        path = Path(name)
        table = check_linkage(_read_file(path), file=path.name)
        attrs = {"name": path.stem, "proposal": False, "source_file": path.name, "basis_sv": "", "basis_en": ""}
        for lang in ("sv", "en"):
            attrs[f"title_{lang}"] = text("linkage.user_title", lang, file=path.name)
    else:
        raise UnknownDatasetError(locate(tr("frameworks.error.linkage.no_linkage"), value=name,
                                         valid=tr("frameworks.error.linkage.valid_source",
                                                  columns=", ".join(LINKAGE_COLUMNS))))
    table.attrs = {**attrs, **_attrs(table)}
    return table
