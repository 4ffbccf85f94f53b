"""A kommun's own framework from a table: read it, check it, register it.

A table (a DataFrame, or a CSV / Excel file) of one row per goal, with the columns :data:`TABLE_COLUMNS`,
becomes a :class:`~sdg_interactions.frameworks.registry.Framework` in the registry:
:func:`nodes_from_table` checks it, :func:`register_from_table` registers it. Both are re-exported by
:mod:`sdg_interactions.frameworks`.

Examples
--------
>>> prefix, nodes = nodes_from_table(pd.DataFrame({"id": ["ORT-1"], "label_sv": ["A"], "label_en": [""],
...                                                "group": ["g"]}))
>>> prefix, nodes.loc["ORT-1", "label_sv"]
('ORT', 'A')
"""

from __future__ import annotations

import os
import unicodedata
from pathlib import Path

import numpy as np
import pandas as pd

from sdg_interactions.errors import (
    InputFormatError,
    UnknownIdError,
    ValidationError,
    check_no_bidi,
    locate,
    tr,
)
from sdg_interactions.frameworks.node_ids import _PREFIXED_RE, _foreign_letter, check_node_id
from sdg_interactions.frameworks.registry import _USER_ORDER, Framework, _by_prefix, frameworks, register
from sdg_interactions.textfile import read_table

__all__ = ["TABLE_COLUMNS", "nodes_from_table", "register_from_table"]

#: The columns of a user framework's table (:func:`register_from_table`): the first four are required.
TABLE_COLUMNS = ("id", "label_sv", "label_en", "group", "text_sv", "text_en")


def _read_table(path: str | os.PathLike) -> pd.DataFrame:
    """A user framework's table from a CSV (UTF-8 or Windows-1252, ``,`` or ``;``) or Excel file."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        except (OSError, ValueError) as err:
            raise InputFormatError(locate(tr("frameworks.error.workbook", reason=err), file=Path(path).name,
                                          valid=tr("frameworks.error.valid_workbook"))) from err
    header, rows = read_table(path)
    table = pd.DataFrame([cells + [""] * (len(header) - len(cells)) for _, cells in rows], columns=header)
    table["_row"] = [number for number, _ in rows]
    return table


def nodes_from_table(table: pd.DataFrame | str | os.PathLike) -> tuple[str, pd.DataFrame]:
    """Check a framework's table (see :func:`register_from_table`) and return ``(prefix, node table)``.

    The node table is indexed by ``id`` in natural order with the columns ``label_sv``, ``label_en``,
    ``group``, ``text_sv`` and ``text_en``. Nothing is registered; a prefix taken by a registered
    framework is not checked here. Errors (a missing column, an id that is not ``PREFIX-N``, two
    prefixes, an id given twice, a node without a label) name the file, row and column.

    Examples
    --------
    >>> prefix, nodes = nodes_from_table(pd.DataFrame({"id": ["ORT-2", "ORT-1"], "label_sv": ["B", "A"],
    ...                                                "label_en": ["", ""], "group": ["g", "g"]}))
    >>> prefix, nodes.index.tolist()
    ('ORT', ['ORT-1', 'ORT-2'])
    """
    file = Path(table).name if isinstance(table, (str, os.PathLike)) else None
    frame = _read_table(table) if file is not None else table.copy() if isinstance(table, pd.DataFrame) else None
    if frame is None:
        raise ValidationError(locate(tr("frameworks.error.not_a_table"),
                                     value=type(table).__name__, valid=", ".join(TABLE_COLUMNS[:4])))
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in TABLE_COLUMNS[:4]:
        if column not in frame.columns:
            raise ValidationError(locate(tr("frameworks.error.missing_column"), file=file,
                                         column=column, valid=", ".join(TABLE_COLUMNS)))
    unknown = [c for c in frame.columns if c not in (*TABLE_COLUMNS, "_row")]
    if unknown:
        raise ValidationError(locate(tr("frameworks.error.unknown_column"), file=file, column=unknown[0],
                                     valid=", ".join(TABLE_COLUMNS)))
    rows = frame["_row"].tolist() if "_row" in frame else list(range(2, len(frame) + 2))
    if frame.empty:
        raise ValidationError(locate(tr("frameworks.error.no_rows"), file=file,
                                     valid=tr("frameworks.error.valid_rows")))
    ids, prefixes, first_row = [], set(), {}
    for value, row in zip(frame["id"], rows, strict=True):
        name = unicodedata.normalize("NFC", str(value).strip()) if isinstance(value, str) else value
        match = _PREFIXED_RE.match(name) if isinstance(name, str) else None
        if match is None:
            if isinstance(name, str) and _foreign_letter(name):
                check_node_id(name, file=file, row=row, column="id")  # names the letter that only looks Latin
            raise UnknownIdError(locate(tr("frameworks.error.id_form"), file=file, row=row, column="id",
                                        value=value, valid=tr("frameworks.error.valid_id_form")))
        prefixes.add(match[1])
        if len(prefixes) > 1:
            raise ValidationError(locate(tr("frameworks.error.one_prefix"), file=file, row=row, column="id",
                                         value=name,
                                         valid=tr("frameworks.error.valid_prefix", prefix=sorted(prefixes)[0])))
        canonical = f"{match[1]}-{int(match[2])}"
        if canonical in first_row:
            raise ValidationError(locate(tr("frameworks.error.id_twice"), file=file, row=row, column="id", value=name,
                                         valid=tr("frameworks.error.valid_id_once", row=first_row[canonical])))
        first_row[canonical] = row
        ids.append(canonical)
    nodes = pd.DataFrame({"id": ids}).set_index("id")
    for column in TABLE_COLUMNS[1:]:
        values = frame[column] if column in frame else pd.Series([""] * len(frame))
        check_no_bidi(values.tolist(), what="group" if column == "group" else "label" if "label" in column else "text",
                      file=file, rows=rows, column=column)
        nodes[column] = [("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
                         for v in values]
    for k, row in enumerate(rows):
        if not (nodes["label_sv"].iloc[k] or nodes["label_en"].iloc[k]):
            raise ValidationError(locate(tr("frameworks.error.no_label"), file=file, row=row, column="label_sv",
                                         value=ids[k], valid=tr("frameworks.error.valid_label")))
    nodes = nodes.iloc[sorted(range(len(ids)), key=lambda k: int(ids[k].rsplit("-", 1)[1]))]
    nodes.attrs["first"] = (rows[0], ids[0])
    return prefixes.pop(), nodes


def register_from_table(table: pd.DataFrame | str | os.PathLike, *, title_sv: str | None = None,
                        title_en: str | None = None, replace: bool = False) -> Framework:
    """Register a kommun's own framework from a table and return it.

    The table has one row per goal; every node function (labels, order, roll-up by group) then knows
    the nodes; a matrix of these ids gets the labels as coordinates.

    Parameters
    ----------
    table : pandas.DataFrame, str or path-like
        A DataFrame, or a CSV (UTF-8 or Windows-1252, ``,`` or ``;``) or Excel file, with the columns
        ``id`` (``PREFIX-N``, one prefix for all rows, not a prefix of the bundled frameworks SDG, MKM,
        FH, MN, EXB), ``label_sv``, ``label_en`` (at least one of the two per row), ``group`` (the
        kommun's grouping, e.g. a nämnd or a målområde) and optionally ``text_sv``, ``text_en``.
    title_sv : str, optional
        The framework's name in Swedish; by default its prefix.
    title_en : str, optional
        The framework's name in English; by default ``title_sv``.
    replace : bool
        Replace a framework registered before with the same prefix; by default that is an error.

    Returns
    -------
    Framework
        The registered framework, named by its prefix.

    Raises
    ------
    sdg_interactions.errors.ValidationError
        For a faulty table (see :func:`nodes_from_table`) or a prefix already taken; errors name the
        file, row and column.
    sdg_interactions.errors.UnknownIdError
        For an id that is not ``PREFIX-N``.

    See Also
    --------
    nodes_from_table : Checks a table without registering it.
    sdg_interactions.frameworks.unregister : Removes the framework again.
    sdg_interactions.frameworks.node_info : Labels and groups of the registered nodes.

    Examples
    --------
    >>> from sdg_interactions.frameworks import node_info, unregister
    >>> fw = register_from_table(pd.DataFrame({"id": ["HABO-2", "HABO-1"], "label_sv": ["Trygghet", "Klimat"],
    ...                                        "label_en": ["", "Climate"], "group": ["Social", "Miljö"]}))
    >>> fw.name, fw.ids, node_info(["HABO-2"])[["group", "label_en"]].iloc[0].tolist()
    ('HABO', ['HABO-1', 'HABO-2'], ['Social', 'Trygghet'])
    >>> unregister("HABO")
    """
    file = Path(table).name if isinstance(table, (str, os.PathLike)) else None
    prefix, nodes = nodes_from_table(table)
    owner = _by_prefix(prefix)
    if owner is not None and (owner.order < _USER_ORDER or not replace):
        taken = ", ".join(f.prefix for f in frameworks() if f.prefix and f.order < _USER_ORDER)
        valid = (tr("frameworks.error.valid_own_prefix", taken=taken) if owner.order < _USER_ORDER
                 else tr("frameworks.error.valid_replace"))
        row, first = nodes.attrs["first"]
        raise ValidationError(locate(tr("frameworks.error.prefix_taken", prefix=repr(prefix)), file=file, row=row,
                                     column="id", value=first, valid=valid))
    fw = Framework(name=prefix, prefix=prefix, order=_USER_ORDER, title_sv=title_sv or prefix,
                   title_en=title_en or title_sv or prefix, loader=lambda: nodes, source=file or "")
    return register(fw, replace=replace)
