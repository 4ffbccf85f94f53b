"""Reading a filled-in Excel scoring template back into a matrix Dataset.

The template's layout is described in :mod:`sdg_interactions.io.exceltemplate`, whose writers this
module re-exports. :func:`read_excel` reads a workbook in either language: every sheet other than the
instruction, comment and node sheets is a respondent's matrix. A workbook without the instruction sheet is
read as a **plain wide sheet**: the first sheet, ids in row 1 from column B and in column A from row 2, scores
from B2 (as ``pd.DataFrame.to_excel`` of a wide matrix writes it); one matrix. Scores may be numbers or text
(``"2"``, ``"2,0"``, ``"−1"``); they are checked by :func:`~sdg_interactions.matrix.from_long`, and
errors name the file, the sheet, the Excel row, the column as its letter and target id
(``"C (1.2)"``) and the value. **A workbook with one respondent sheet reads as one matrix** (dims
``(source, target)``); with several, or with ``respondent_dim=True``, the respondents form a leading
``respondent`` dim, named by cell A1 of their sheets. Only the used range is read, row by row: a sheet
wider or longer than :data:`~sdg_interactions.matrix.MAX_NODES` nodes (a stray cell at XFD1 or
A1048576) is refused at the first such cell, and a file whose parts unpack to more than
:data:`MAX_UNPACKED_BYTES` before anything is read. Chart sheets are skipped; a damaged workbook (bad
zip data, malformed XML) raises :class:`~sdg_interactions.errors.InputFormatError`, and so does a hidden
sheet (``hidden`` or ``veryHidden``; the instructions may be hidden), named: unseen, it would count as one
more respondent. A name, comment or label with a bidi control character is refused. Node labels in the
node sheet are read back,
so a user's own framework keeps its labels; text cells lose the injection guard's ``'`` again.
Scores, comments, uncertain marks and node labels round trip; provenance attrs (title, citation)
other than ``aggregated`` do not: NetCDF is the lossless format.
"""

from __future__ import annotations

import io
import os
import warnings
import zipfile
from collections.abc import Sequence

import numpy as np
import openpyxl
import pandas as pd
import xarray as xr
from openpyxl.reader.excel import ExcelReader
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from sdg_interactions import frameworks
from sdg_interactions.errors import (
    InputFormatError,
    SdgInteractionsError,
    ValidationError,
    check_no_bidi,
    locate,
    shorten,
    tr,
)
from sdg_interactions.io.exceltemplate import (
    AGGREGATED_PROPERTY,
    COMMENT_COLUMNS,
    NODE_COLUMNS,
    SCORES_START,
    cell_text,
    localised_names,
    sheet_name,
    write_excel,
    write_results_excel,
    write_template,
)
from sdg_interactions.matrix import MAX_NODES, RESPONDENT, build_dataset, check_id, from_long, with_node_labels
from sdg_interactions.textfile import check_input_file
from sdg_interactions.texts import LANGUAGES, text

__all__ = [
    "MAX_UNPACKED_BYTES",
    "MAX_XLSX_BYTES",
    "read_excel",
    "sheet_name",
    "write_excel",
    "write_results_excel",
    "write_template",
]

#: The largest .xlsx file read (100 MB; a filled 2,000-node template is about 20 MB).
MAX_XLSX_BYTES = 100 * 1024 * 1024
#: The most its parts may unpack to, one part or all together (a zip bomb stops here, unread).
MAX_UNPACKED_BYTES = 1024 * 1024 * 1024
_TABLE_WIDTH = 64  # columns a comment or node sheet may use

_VALID_BOOK = tr("excel.error.valid_book")
#: Sheet names of templates written before the glossary's word (the node sheet was "Noder"/"Nodes").
_OLD_SHEETS = {"nodes": {"noder", "nodes"}}


class _Reader(ExcelReader):
    """openpyxl's reader (what :func:`openpyxl.load_workbook` runs), skipping a chart sheet it cannot read:
    chart sheets hold no cells, and one without a drawing makes openpyxl 3.1 fail on the whole workbook."""

    def read_chartsheet(self, sheet, rel):
        try:
            super().read_chartsheet(sheet, rel)
        except Exception:  # the chart is never read; the data sheets are
            pass


def _open(path: str | os.PathLike) -> openpyxl.Workbook:
    name = os.fspath(path)
    check_input_file(path, limit=MAX_XLSX_BYTES, valid=tr("error.valid_xlsx_file"))
    try:
        with open(path, "rb") as handle:
            data = handle.read(MAX_XLSX_BYTES + 1)
    except OSError as err:
        raise InputFormatError(locate(tr("error.xlsx_cannot_read", reason=err.strerror or err), file=name,
                                      valid=tr("error.valid_xlsx_path"))) from None
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise InputFormatError(locate(tr("error.xlsx_old"), file=name, valid=tr("error.valid_xlsx_save")))
    try:
        if not data.startswith(b"PK"):
            raise zipfile.BadZipFile("no zip signature")
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            sizes = [info.file_size for info in archive.infolist()]
        if max(sizes, default=0) > MAX_UNPACKED_BYTES or sum(sizes) > MAX_UNPACKED_BYTES:
            raise InputFormatError(locate(tr("error.xlsx_unpacks", size=sum(sizes) // 1024 // 1024,
                                             limit=MAX_UNPACKED_BYTES // 1024 // 1024), file=name, valid=_VALID_BOOK))
        reader = _Reader(io.BytesIO(data), read_only=True, keep_vba=False, data_only=False, keep_links=False)
        reader.read()
        return reader.wb
    except (zipfile.BadZipFile, InvalidFileException, KeyError, ValueError, TypeError):
        raise InputFormatError(locate(tr("error.xlsx_not"), file=name,
                                      valid=_VALID_BOOK)) from None


def _rows(ws, where: str, *, max_rows: int, max_cols: int) -> list[list]:
    """The sheet's used range, read row by row; refuse a non-blank cell beyond ``max_rows`` or ``max_cols``.

    Blank cells at the end of a row and blank rows at the end are dropped before anything is padded, so a
    stray cell at XFD1 or A1048576 costs one row of memory, not a million.
    """
    ws.reset_dimensions()  # do not trust the stored size: read every cell there is
    rows: list[list] = []
    for number, row in enumerate(ws.iter_rows(values_only=True), start=1):
        end = len(row)
        while end and _blank(row[end - 1]):
            end -= 1
        if end > max_cols or (end and number > max_rows):
            far = "wider" if end > max_cols else "longer"
            raise InputFormatError(locate(
                tr(f"error.data.excel.{far}", n=MAX_NODES, cell=f"{get_column_letter(min(end, 16384))}{number}"),
                file=where, value=row[end - 1],
                valid=tr("error.data.excel.valid_size", rows=max_rows, columns=max_cols)))
        if number <= max_rows:
            rows.append(list(row[:end]))
    while rows and not rows[-1]:
        rows.pop()
    width = max((len(r) for r in rows), default=0)
    return [r + [None] * (width - len(r)) for r in rows]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _ids(cells: Sequence, at) -> dict[int, str]:
    """Check the ids along one axis: {position: id}; blank positions are left out."""
    out: dict[int, str] = {}
    for k, value in enumerate(cells):
        if _blank(value):
            continue
        node = check_id(cell_text(value) if isinstance(value, str) else value, **at(k))
        if node in out.values():
            raise ValidationError(locate(tr("excel.error.id_twice"), value=node, **at(k),
                                         valid=tr("excel.error.valid_id_once")))
        out[k] = node
    return out


def _read_matrix_sheet(ws, file: str, first: int = SCORES_START - 1) -> tuple[str, dict, pd.DataFrame]:
    """One respondent's sheet: the respondent's name, the sheet's title/location/ids, a long table. ``first`` is
    the 0-based column (and row) where the scores start: the template's (ids, labels, then scores), or 1 for a
    plain wide sheet (ids in row 1 and column A, scores from B2)."""
    where = f"{file}, sheet {ws.title!r}"
    rows = _rows(ws, where, max_rows=MAX_NODES + first, max_cols=MAX_NODES + first)
    if len(rows) <= first or len(rows[0]) <= first:
        raise InputFormatError(locate(tr("excel.error.no_matrix"), file=where,
                                      valid=tr("excel.error.valid_layout", book=_VALID_BOOK)))
    cols = _ids(rows[0][first:], lambda k: {"file": where, "row": 1,
                                            "column": get_column_letter(first + 1 + k)})
    srcs = _ids([r[0] for r in rows[first:]], lambda k: {"file": where, "row": first + 1 + k, "column": "A"})
    if set(cols.values()) != set(srcs.values()):
        a, b = set(cols.values()), set(srcs.values())
        only = [sorted(x, key=frameworks.node_sort_key) or tr("error.none") for x in (a - b, b - a)]
        raise ValidationError(locate(tr("excel.error.axes_differ", rows=only[0], columns=only[1]), file=where,
                                     valid=tr("error.valid_square")))
    records = []
    for i, row in enumerate(rows[first:]):
        for j, value in enumerate(row[first:]):
            if _blank(value):
                continue
            letter = get_column_letter(first + 1 + j)
            if i not in srcs or j not in cols:
                raise InputFormatError(locate(tr("excel.error.outside"),
                                              file=where, row=first + 1 + i, column=letter, value=value,
                                              valid=_VALID_BOOK))
            records.append((srcs[i], cols[j], value, first + 1 + i, f"{letter} ({cols[j]})"))
    table = pd.DataFrame(records, columns=["source", "target", "score", "_row", "_column"])
    table["score"] = table["score"].astype(object)
    respondent = cell_text(rows[0][0]).strip() or ws.title
    check_no_bidi(respondent, what="respondent name", file=where, rows=[1], column="A")
    return respondent, {"title": ws.title, "where": where, "ids": list(srcs.values())}, table


def _read_table(ws, file: str, columns: Sequence[str]) -> tuple[str, pd.DataFrame, dict[str, str]]:
    """A sheet with a header row (in either language): its location, its rows, each column's name."""
    where = f"{file}, sheet {ws.title!r}"
    rows = _rows(ws, where, max_rows=1_048_576, max_cols=_TABLE_WIDTH)
    known = {c: c for c in columns}
    for column in columns:
        known.update(dict.fromkeys(localised_names(f"excel.header.{column}"), column))
        known.update({text(f"excel.header.{column}", x).split(" (")[0].casefold(): column for x in LANGUAGES})
    keys: list[str | None] = []
    for k, cell in enumerate(rows[0] if rows else []):
        label = cell_text(cell).strip().casefold()
        if label and label not in known:
            raise InputFormatError(locate(tr("excel.error.unknown_column"), file=where, row=1, value=cell_text(cell),
                                          column=get_column_letter(k + 1), valid=", ".join(columns)))
        keys.append(known.get(label))
    names = {key: f"{get_column_letter(k + 1)} ({key})" for k, key in enumerate(keys) if key}
    records = [{**{key: row[k] for k, key in enumerate(keys) if key}, "_row": r}
               for r, row in enumerate(rows[1:], start=2) if not all(_blank(v) for v in row)]
    return where, pd.DataFrame(records, columns=[*names, "_row"]), names


def read_excel(
    path: str | os.PathLike, *, aggregated: bool | None = None, respondent_dim: bool | None = None
) -> xr.Dataset:
    """Read a filled-in scoring template (see the module docstring) into a matrix Dataset.

    Parameters
    ----------
    path : str or path-like
        The ``.xlsx`` workbook.
    aggregated : bool, optional
        True reads aggregated floats, False raw answers (whole numbers -3…3); by default the
        workbook's own mark (set by :func:`write_excel`), else raw.
    respondent_dim : bool, optional
        Keep a ``respondent`` dim; by default only when the workbook has several respondent sheets.

    Returns
    -------
    xarray.Dataset
        ``score``, ``comment`` and ``uncertain`` on ``([respondent,] source, target)``; respondents
        are named by cell A1 of their sheet (or the sheet name); ``attrs["source_file"]`` is the path.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "mall.xlsx"
    >>> write_template(["1.1", "1.2"], p, respondents=2)
    >>> wb = openpyxl.load_workbook(p)
    >>> wb["Svarande 1"]["D3"], wb["Svarande 2"]["C4"] = 2, "-1"
    >>> wb.save(p)
    >>> read_excel(p)["score"].sel(source="1.1", target="1.2").values.tolist()
    [2.0, nan]
    >>> wb["Svarande 2"]["D3"] = 5
    >>> wb.save(p)
    >>> read_excel(p)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: ...mall.xlsx, sheet 'Svarande 2', row 3, column 'D (1.2)': ...
    """
    file = os.fspath(path)
    with warnings.catch_warnings():  # openpyxl's notes on Excel features it does not support
        warnings.filterwarnings("ignore", category=UserWarning, module="openpyxl")
        try:
            return _read(file, aggregated, respondent_dim)
        except SdgInteractionsError:
            raise
        except Exception as err:  # damaged zip data or XML: openpyxl reads the sheets lazily, so any step may fail
            reason = f"{type(err).__name__}: {shorten(err)}"
            raise InputFormatError(locate(tr("excel.error.damaged", reason=reason), file=file,
                                          valid=_VALID_BOOK)) from None


def _read(file: str, aggregated: bool | None, respondent_dim: bool | None) -> xr.Dataset:
    wb = _open(file)
    try:
        data_sheets = [ws.title for ws in wb.worksheets]  # chart sheets hold no cells: skipped
        titles = {t.casefold(): t for t in data_sheets}
        found = {k: next((titles[n] for n in localised_names(f"excel.sheet.{k}") | _OLD_SHEETS.get(k, set())
                          if n in titles), None) for k in ("instructions", "comments", "nodes")}
        if found["instructions"] is None:
            return _read_plain(wb, file, aggregated)
        _refuse_hidden(wb, file, keep=found["instructions"])
        sheets = [_read_matrix_sheet(wb[t], file) for t in data_sheets if t not in found.values()]
        if not sheets:
            raise InputFormatError(locate(tr("excel.error.no_respondent"), file=file,
                                          valid=_VALID_BOOK))
        comments = _read_table(wb[found["comments"]], file, COMMENT_COLUMNS) if found["comments"] else None
        nodes = _read_table(wb[found["nodes"]], file, NODE_COLUMNS)[:2] if found["nodes"] else None
        if aggregated is None:
            marks = [p.value for p in wb.custom_doc_props.props if p.name == AGGREGATED_PROPERTY]
            aggregated = bool(marks and marks[0])
    finally:
        wb.close()
    names: dict[str, str] = {}
    for respondent, sheet, _ in sheets:
        if respondent in names:
            raise ValidationError(locate(tr("excel.error.same_respondent", first=repr(names[respondent]),
                                            second=repr(sheet["title"])), file=file, value=respondent,
                                         valid=tr("excel.error.valid_respondent")))
        names[respondent] = sheet["title"]
    keep = len(sheets) > 1 if respondent_dim is None else respondent_dim
    if not keep and len(sheets) > 1:
        raise ValidationError(locate(tr("error.data.excel.several_respondents"), file=file,
                                     valid=tr("error.data.excel.valid_several_respondents")))
    order = sorted({n for _, s, _ in sheets for n in s["ids"]}, key=frameworks.node_sort_key)
    score = np.stack([from_long(t, file=s["where"], aggregated=aggregated, nodes=order)["score"].to_numpy()
                      for _, s, t in sheets])
    comment = np.full(score.shape, "", dtype=object)
    uncertain = np.zeros(score.shape, dtype=bool)
    if comments is not None and len(comments[1]):
        _merge_comments(*comments, sheets, order, comment, uncertain)
    labels = None
    if nodes is not None and "id" in nodes[1]:
        labels = nodes[1].drop(columns="_row").map(cell_text).assign(_row=nodes[1]["_row"])
        labels = labels[labels["id"].str.strip().isin(order)]
    if not keep:
        score, comment, uncertain = score[0], comment[0], uncertain[0]
    ds = build_dataset(score, comment, uncertain, order, [r for r, _, _ in sheets] if keep else None,
                       aggregated=aggregated, attrs={"source_file": file})
    return with_node_labels(ds, labels, file=nodes[0] if nodes else None)  # the node sheet's labels win


def _read_plain(wb, file: str, aggregated: bool | None) -> xr.Dataset:
    """A plain wide sheet, not a scoring template: the first worksheet, target ids in row 1 from column B and in
    column A from row 2 (the same ids, in any order), scores from B2; A1 may hold anything (a title, "från \\
    till"). Refused, naming the cell, when B1 holds no target id: then the workbook is neither a template nor a
    plain matrix."""
    sheets = [ws for ws in wb.worksheets if ws.sheet_state == "visible"]
    ws = sheets[0] if sheets else None
    where = f"{file}, sheet {ws.title!r}" if ws is not None else file
    head = next(ws.iter_rows(min_row=1, max_row=1, max_col=2, values_only=True), ()) if ws is not None else ()
    corner = head[1] if len(head) > 1 else None
    try:
        if corner is None or _blank(corner):
            raise InputFormatError(tr("excel.error.no_instructions"))
        check_id(cell_text(corner) if isinstance(corner, str) else corner)
    except SdgInteractionsError:
        raise InputFormatError(locate(tr("excel.error.no_instructions"), file=where, row=1, column="B",
                                      value="" if corner is None else cell_text(corner),
                                      valid=tr("excel.error.valid_template_or_plain", book=_VALID_BOOK))) from None
    _, sheet, table = _read_matrix_sheet(ws, file, first=1)
    order = sorted(sheet["ids"], key=frameworks.node_sort_key)
    ds = from_long(table, file=sheet["where"], aggregated=bool(aggregated), nodes=order)
    ds.attrs["source_file"] = file
    return ds


def _refuse_hidden(wb, file: str, *, keep: str) -> None:
    """Refuse a hidden sheet (other than the instructions): it would count, unseen, as one more respondent (or
    add comments or labels no one sees) and change the ranking without a word."""
    for ws in wb.worksheets:
        if ws.sheet_state != "visible" and ws.title != keep:
            how = tr("excel.error.how_very_hidden" if ws.sheet_state == "veryHidden" else "excel.error.how_hidden")
            raise InputFormatError(locate(tr("excel.error.hidden", sheet=repr(ws.title), state=ws.sheet_state),
                                          file=file,
                                          valid=tr("excel.error.valid_visible", how=how)))


def _merge_comments(where, table, columns, sheets, order, comment, uncertain) -> None:
    """Check the comment sheet's rows against the respondent sheets and fill the comment arrays."""
    for role in ("source", "target"):
        if role not in table:
            raise InputFormatError(locate(tr("error.data.excel.no_role_column", role=role), file=where, row=1,
                                          valid=", ".join(COMMENT_COLUMNS)))
    lookup = {}
    for k, (respondent, sheet, _) in enumerate(sheets):
        lookup[sheet["title"]] = lookup[respondent] = k
    blank = pd.Series([None] * len(table), index=table.index)
    names = []
    for value, row in zip(table.get("respondent", blank), table["_row"], strict=True):
        value = cell_text(value).strip() or (sheets[0][0] if len(sheets) == 1 else "")
        if value not in lookup:
            raise ValidationError(locate(tr("excel.error.comment_no_respondent"), file=where, row=int(row),
                                         column=columns.get("respondent"), value=value,
                                         valid=tr("excel.error.or").join(repr(r) for r, _, _ in sheets)))
        names.append(sheets[lookup[value]][0])
    pos = {n: k for k, n in enumerate(order)}
    for s, t, row in zip(table["source"], table["target"], table["_row"], strict=True):
        pair = [check_id(cell_text(v) if isinstance(v, str) else v, file=where, row=int(row), column=columns[c])
                for v, c in ((s, "source"), (t, "target"))]
        if pair[0] not in pos or pair[1] not in pos or pair[0] == pair[1]:
            raise ValidationError(locate(tr("excel.error.comment_no_pair"), file=where,
                                         row=int(row), value=f"{pair[0]} -> {pair[1]}",
                                         valid=tr("excel.error.valid_comment_pair")))
    long = pd.DataFrame({"respondent": names, "source": table["source"], "target": table["target"],
                         "score": pd.Series([None] * len(table), index=table.index, dtype=object),
                         "comment": [cell_text(v) for v in table.get("comment", blank)],
                         "uncertain": table.get("uncertain", blank), "_row": table["_row"]})
    got = from_long(long, file=where, nodes=order)
    for k, (respondent, _, _) in enumerate(sheets):
        if respondent in names:
            comment[k] = got["comment"].sel({RESPONDENT: respondent}).to_numpy()
            uncertain[k] = got["uncertain"].sel({RESPONDENT: respondent}).to_numpy()
