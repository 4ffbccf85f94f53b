"""The Excel scoring template: its layout, and writing it (empty, pre-filled, or with results).

A **scoring template** (:func:`write_template`, :func:`write_excel`) holds these sheets:

* ``Instruktioner`` (``Instructions`` with ``lang="en"``): the question, the seven-point scale and how
  to score, in Swedish and English side by side.
* One sheet per respondent (named after the respondent, made to fit Excel's rules by
  :func:`sheet_name`). Cell A1 holds the respondent's name (the sheet name counts when A1 is blank);
  row 1 from column C the target ids, row 2 their short labels; column A from row 3 the source ids,
  column B their labels. Rows influence columns. The score cells carry a data validation (whole
  numbers -3…3; decimals for an aggregated matrix) and a colour scale; the diagonal is grey and
  outside the validation; panes are frozen at C3.
* ``Kommentarer`` (``Comments``): one row per commented pair, columns respondent, source, target,
  comment and uncertain (``x`` or blank).
* ``Delmål`` (``Targets``; ``Noder``/``Nodes`` of earlier templates are read too): the nodes' ids,
  groups, short labels and full texts in both languages.

A custom document property ``sdg_interactions.aggregated`` says whether the scores are aggregated.
:func:`~sdg_interactions.io.excel.read_excel` reads a filled-in template back.

**Text stays text**: every text cell is written as a string cell (``data_type "s"``), never a
formula, with the injection guard of :func:`~sdg_interactions.textfile.guard_text` (one leading
``'`` before ``= + - @``, tab or CR), which the reader removes again. Control characters (CR among
them) are written as Excel's ``_xHHHH_`` escapes and decoded on reading (:func:`cell_text`), so
comments round trip exactly. :func:`write_results_excel` writes result tables the same way.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import openpyxl
import pandas as pd
import xarray as xr
from openpyxl.comments import Comment
from openpyxl.formatting.rule import ColorScaleRule
from openpyxl.packaging.custom import BoolProperty
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from sdg_interactions import frameworks
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix import (
    RESPONDENT,
    as_matrix,
    check_id,
    is_aggregated,
    node_ids,
    node_table,
    to_long,
    validate,
)
from sdg_interactions.textfile import guard_text, replacing, unguard_text
from sdg_interactions.texts import LANGUAGES, catalogue, check_lang, scale_label, text

__all__ = [
    "AGGREGATED_PROPERTY",
    "COMMENT_COLUMNS",
    "NODE_COLUMNS",
    "SCORES_START",
    "cell_text",
    "localised_names",
    "put_text",
    "save_workbook",
    "sheet_name",
    "write_excel",
    "write_results_excel",
    "write_template",
]

#: The columns of the comment sheet, in order (headers in the template's language).
COMMENT_COLUMNS = ("respondent", "source", "target", "comment", "uncertain")
#: The columns of the node sheet, in order.
NODE_COLUMNS = ("id", "group", "label_sv", "label_en", "text_sv", "text_en")
#: The first score row and column on a respondent sheet (cell C3).
SCORES_START = 3
#: The custom document property that marks a workbook of aggregated scores.
AGGREGATED_PROPERTY = "sdg_interactions.aggregated"
_GREY = PatternFill("solid", fgColor="BFBFBF")
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")
_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # every control character but tab and line feed
_ESCAPED = re.compile(r"_x(000[0-8bBcCdDeEfF]|001[0-9a-fA-F])_")


def localised_names(key: str) -> set[str]:
    """The catalogue text ``key`` in every language, case-folded (sheet names, headers).

    Examples
    --------
    >>> sorted(localised_names("excel.sheet.comments"))
    ['comments', 'kommentarer']
    """
    return {text(key, lang).casefold() for lang in LANGUAGES}


def put_text(cell, value: object) -> None:
    """Write text to an openpyxl cell as a string cell, never a formula.

    The injection guard adds one ``'`` before a formula-like start; control characters other than tab
    and line feed (CR among them, which XML would lose) become Excel's ``_xHHHH_`` escapes.
    """
    cell.value = _CONTROL.sub(lambda m: f"_x{ord(m[0]):04X}_", guard_text(str(value)))
    cell.data_type = "s"


def save_workbook(workbook: openpyxl.Workbook, path: str | os.PathLike) -> None:
    """Save an openpyxl workbook to ``path`` whole or not at all (:func:`~sdg_interactions.textfile.replacing`):
    a run killed while openpyxl writes its zip leaves the old file, never a truncated one."""
    with replacing(path) as temporary:
        workbook.save(temporary)


def cell_text(value: object) -> str:
    """Read a cell's value as text: the inverse of :func:`put_text`; blank for an empty cell.

    Examples
    --------
    >>> cell_text("'=SUM(A1)"), cell_text("rad 1_x000D_\\nrad 2"), cell_text(None), cell_text(2)
    ('=SUM(A1)', 'rad 1\\r\\nrad 2', '', '2')
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    if not isinstance(value, str):
        return str(value)
    return unguard_text(_ESCAPED.sub(lambda m: chr(int(m[1], 16)), value))


def sheet_name(name: str, taken: set[str]) -> str:
    """Make ``name`` a valid, unused Excel sheet name and add it (case-folded) to ``taken``.

    Excel allows at most 31 characters, none of ``[]:*?/\\``, no leading or trailing apostrophe, and
    no two sheets whose names differ only in case.

    Examples
    --------
    >>> taken = {"instruktioner"}
    >>> sheet_name("Grupp 1: skola/vård", taken), sheet_name("grupp 1_ skola_vård", taken)
    ('Grupp 1_ skola_vård', 'grupp 1_ skola_vård (2)')
    >>> len(sheet_name("x" * 40, taken))
    31
    """
    base = _FORBIDDEN.sub("_", str(name)).strip().strip("'").strip() or "_"
    candidate, k = base[:31], 2
    while candidate.casefold() in taken or candidate.casefold() == "history":
        suffix = f" ({k})"
        candidate, k = base[: 31 - len(suffix)] + suffix, k + 1
    taken.add(candidate.casefold())
    return candidate


# --- writing -------------------------------------------------------------------------------------


def write_template(
    nodes: Iterable[str] | xr.DataArray | xr.Dataset,
    path: str | os.PathLike,
    *,
    respondents: Sequence[str] | int | None = None,
    lang: str = "sv",
    matrix: xr.DataArray | xr.Dataset | None = None,
) -> None:
    """Write the Excel scoring template (see the module docstring for its sheets).

    Parameters
    ----------
    path : str or path-like
        The ``.xlsx`` file to write.
    nodes : iterable of str, or a matrix
        The node ids, in the order the sheets show them (checked with
        :func:`~sdg_interactions.frameworks.check_node_id`); or a matrix, which stands for its ids and
        ``matrix=`` itself.
    respondents : sequence of str or int, optional
        One sheet per respondent; an int ``n`` gives ``n`` sheets "Svarande 1" … (in ``lang``).
        Default: the matrix's respondents, else one sheet "Svarande 1".
    lang : {"sv", "en"}
        Language of sheet names, headers and labels; the instructions are always in both.
    matrix : xarray.DataArray or xarray.Dataset, optional
        Scores (and a Dataset's comments and uncertain marks) to pre-fill. One matrix is filled in on
        every respondent sheet; a matrix with a ``respondent`` dim fills each respondent's own sheet.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "mall.xlsx"
    >>> write_template(["1.1", "1.2", "1.a"], p, respondents=["Anna", "Bo"])
    >>> openpyxl.load_workbook(p).sheetnames
    ['Instruktioner', 'Anna', 'Bo', 'Kommentarer', 'Delmål']
    """
    check_lang(lang)
    if isinstance(nodes, (xr.DataArray, xr.Dataset)):
        if matrix is not None:
            raise ValidationError(locate(tr("error.data.excel.template_twice"),
                                         valid=tr("error.data.excel.valid_template_twice")))
        nodes, matrix = node_ids(nodes), nodes
    ids = [check_id(n) for n in ([nodes] if isinstance(nodes, str) else nodes)]
    if len(ids) < 2 or len(set(ids)) < len(ids):
        raise ValidationError(locate(tr("excel.error.template_nodes"), value=", ".join(ids),
                                     valid=tr("excel.error.valid_template_nodes")))
    ds, aggregated = None, False
    if matrix is not None:
        validate(matrix)
        ds = matrix.to_dataset(name="score") if isinstance(matrix, xr.DataArray) else matrix
        aggregated = is_aggregated(matrix)
        lead = [d for d in as_matrix(ds).dims[:-2] if d != RESPONDENT]
        outside = sorted(set(node_ids(ds)) - set(ids), key=frameworks.node_sort_key)
        if lead or outside:
            raise ValidationError(locate(tr("error.data.excel.template_matrix", lead=str(lead), outside=str(outside)),
                                         valid=tr("error.data.excel.valid_template_matrix")))
    names = _respondent_names(ds, respondents, lang)
    wb = openpyxl.Workbook()
    taken = {text(f"excel.sheet.{k}", lang).casefold() for k in ("instructions", "comments", "nodes")}
    _instructions(wb.active, lang)
    info = frameworks.node_info(ids)
    if ds is not None:  # the matrix's own labels (a user's framework, a GraphML file's) win
        own = node_table(ds).reindex(info.index)
        for column in own.columns.intersection(["group", "label_sv", "label_en"]):
            info[column] = own[column].where(own[column].notna() & (own[column] != ""), info[column])
    labels = info[f"label_{lang}"].tolist()
    for name in names:
        values = None
        if ds is not None:
            da = as_matrix(ds)
            da = da.sel({RESPONDENT: name}) if RESPONDENT in da.dims else da
            values = da.reset_coords(drop=True).reindex(source=ids, target=ids).to_numpy()
        _matrix_sheet(wb.create_sheet(sheet_name(name, taken)), name, ids, labels, values, lang, aggregated)
    nodes_title = text("excel.sheet.nodes", lang)
    comments = wb.create_sheet(text("excel.sheet.comments", lang))
    _comment_sheet(comments, ds, names, nodes_title, len(ids), lang)
    _table(wb.create_sheet(nodes_title), [text(f"excel.header.{c}", lang) for c in NODE_COLUMNS],
           info.reset_index()[list(NODE_COLUMNS)].itertuples(index=False), widths=(10, 8, 30, 30, 60, 60))
    wb.custom_doc_props.append(BoolProperty(name=AGGREGATED_PROPERTY, value=aggregated))
    save_workbook(wb, path)


def write_excel(obj: xr.DataArray | xr.Dataset, path: str | os.PathLike, *, lang: str = "sv") -> None:
    """Write a matrix to an Excel scoring template, pre-filled, e.g. for a workshop to review.

    A ``respondent`` dim gives one sheet per respondent; one matrix gives one sheet "Svar" ("Answers").
    A Dataset's comments and uncertain marks go to the comment sheet. :func:`read_excel` reads the file
    back to the same Dataset (one respondent sheet reads as one matrix).

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sdg_interactions.io.excel import read_excel
    >>> from sdg_interactions.matrix import from_array
    >>> p = Path(tempfile.mkdtemp()) / "m.xlsx"
    >>> write_excel(from_array(np.array([[np.nan, 2], [-1, np.nan]]), ["1.1", "1.2"]), p)
    >>> read_excel(p)["score"].values.tolist()
    [[nan, 2.0], [-1.0, nan]]
    """
    write_template(obj, path, lang=lang)


def _respondent_names(ds: xr.Dataset | None, respondents: object, lang: str) -> list[str]:
    own = [str(r) for r in ds[RESPONDENT].to_numpy()] if ds is not None and RESPONDENT in ds.dims else None
    if respondents is None:
        respondents = own or (1 if ds is None else [text("excel.sheet.answers", lang)])
    if isinstance(respondents, int):
        respondents = [text("excel.matrix.default_name", lang, n=k + 1) for k in range(respondents)]
    names = [str(r).strip() for r in respondents]
    if not names or "" in names or len(set(names)) < len(names) or (own is not None and names != own):
        raise ValidationError(locate(tr("excel.error.template_names"), value=names,
                                     valid=repr(own) if own else tr("excel.error.valid_template_names")))
    return names


def _instructions(ws, lang: str) -> None:
    ws.title = text("excel.sheet.instructions", lang)
    rows: list[tuple] = [(None, *(text("excel.instructions.title", x) for x in LANGUAGES)),
                         (None, *(text("excel.instructions.language", x) for x in LANGUAGES)),
                         (None, *(text("excel.instructions.question_heading", x) for x in LANGUAGES)),
                         (None, *(text("scale.question", x) for x in LANGUAGES))]
    rows += [(None, *(text(f"excel.instructions.{k}", x) for x in LANGUAGES)) for k in ("rows", "respondent")]
    rows.append((None, *(text("excel.instructions.scale_heading", x) for x in LANGUAGES)))
    rows += [(score, *(scale_label(score, x) for x in LANGUAGES)) for score in range(3, -4, -1)]
    rows += [(None, *(text(f"excel.instructions.{k}", x) for x in LANGUAGES))
             for k in ("blank", "diagonal", "comments", "nodes", "text")]
    for r, (score, *texts) in enumerate(rows, start=1):
        if score is not None:
            ws.cell(r, 1, score).number_format = "+0;-0;0"
        for c, value in enumerate(texts, start=2):
            cell = ws.cell(r, c)
            put_text(cell, value)
            cell.alignment = _WRAP
            cell.font = Font(bold=r in (1, 2, 3, 4, 7), size=14 if r == 1 else 11)
    for letter, width in zip("ABC", (6, 80, 80), strict=True):
        ws.column_dimensions[letter].width = width


def _matrix_sheet(ws, name, ids, labels, values, lang, aggregated) -> None:
    n, last = len(ids), get_column_letter(SCORES_START + len(ids) - 1)
    corner = ws.cell(1, 1)
    put_text(corner, name)
    corner.font = _BOLD
    corner.comment = Comment(text("excel.matrix.respondent_note", lang), "sdg_interactions")
    put_text(ws.cell(2, 2), text("excel.matrix.corner", lang))
    ws.cell(2, 2).font = Font(italic=True)
    for k, (node, label) in enumerate(zip(ids, labels, strict=True)):
        row, col = SCORES_START + k, SCORES_START + k
        for cell, value in ((ws.cell(1, col), node), (ws.cell(row, 1), node)):
            put_text(cell, value)
            cell.font = _BOLD
        put_text(ws.cell(2, col), label)
        ws.cell(2, col).alignment = Alignment(text_rotation=90, wrap_text=True, vertical="bottom")
        put_text(ws.cell(row, 2), label)
        ws.cell(row, col).fill = _GREY
        ws.column_dimensions[get_column_letter(col)].width = 7
    if values is not None:
        for i, j in zip(*np.nonzero(np.isfinite(values)), strict=True):
            v = float(values[i, j])
            ws.cell(SCORES_START + int(i), SCORES_START + int(j), v if aggregated else int(v))
    dv = DataValidation(type="decimal" if aggregated else "whole", operator="between", formula1="-3",
                        formula2="3", allow_blank=True, showErrorMessage=True, showInputMessage=True,
                        errorTitle=text("excel.matrix.error_title", lang),
                        promptTitle=text("excel.matrix.prompt_title", lang),
                        error=text(f"excel.matrix.error{'_aggregated' if aggregated else ''}", lang),
                        prompt=text("scale.question", lang))
    for k in range(n):
        row, col = SCORES_START + k, SCORES_START + k
        if k > 0:
            dv.add(f"{get_column_letter(SCORES_START)}{row}:{get_column_letter(col - 1)}{row}")
        if k < n - 1:
            dv.add(f"{get_column_letter(col + 1)}{row}:{last}{row}")
    ws.add_data_validation(dv)
    ws.conditional_formatting.add(f"C3:{last}{SCORES_START + n - 1}", ColorScaleRule(
        start_type="num", start_value=-3, start_color="D0701C", mid_type="num", mid_value=0,
        mid_color="FFFFFF", end_type="num", end_value=3, end_color="2F6FA8"))
    ws.freeze_panes = "C3"
    ws.column_dimensions["A"].width, ws.column_dimensions["B"].width = 9, 36
    ws.row_dimensions[2].height = 150


def _comment_sheet(ws, ds, names, nodes_title, n, lang) -> None:
    rows = []
    if ds is not None:
        frame = to_long(ds)
        keep = np.zeros(len(frame), dtype=bool)
        for column in ("comment", "uncertain"):
            if column in frame:
                keep |= frame[column].astype(bool).to_numpy()
        for row in frame[keep].to_dict("records"):
            for name in ([row[RESPONDENT]] if RESPONDENT in row else names):
                rows.append((name, row["source"], row["target"], row.get("comment") or None,
                             "x" if row.get("uncertain") else None))
    _table(ws, [text(f"excel.header.{c}", lang) for c in COMMENT_COLUMNS], rows, widths=(18, 12, 12, 70, 12))
    ids = DataValidation(type="list", formula1=f"'{nodes_title}'!$A$2:$A${n + 1}", allow_blank=True)
    ids.add("B2:C1048576")
    mark = DataValidation(type="list", formula1='"x"', allow_blank=True, showErrorMessage=True,
                          error=text("excel.matrix.uncertain_error", lang))
    mark.add("E2:E1048576")
    ws.add_data_validation(ids)
    ws.add_data_validation(mark)


def _put_value(cell, value: object) -> None:
    if value is None or (isinstance(value, (float, np.floating)) and np.isnan(value)):
        return
    if isinstance(value, (bool, np.bool_, int, np.integer, float, np.floating)):
        cell.value = value.item() if isinstance(value, np.generic) else value
    else:
        put_text(cell, value)
        cell.alignment = _WRAP


def _table(ws, headers: Sequence[str], rows: Iterable[Sequence], *, widths: Sequence[float] = ()) -> None:
    """A sheet with a bold, frozen header row and one row per record; text stays text."""
    for c, header in enumerate(headers, start=1):
        put_text(ws.cell(1, c), header)
        ws.cell(1, c).font = _BOLD
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            _put_value(ws.cell(r, c), value)
    ws.freeze_panes = "A2"
    for c in range(1, len(headers) + 1):
        ws.column_dimensions[get_column_letter(c)].width = widths[c - 1] if c <= len(widths) else 16


def write_results_excel(
    tables: Mapping[str, pd.DataFrame], path: str | os.PathLike, *, lang: str = "sv"
) -> None:
    """Write result tables to an Excel workbook, one sheet per table, headers in ``lang``.

    Sheet names come from ``excel.sheet.<key>`` in the text catalogue where it has one (``analysis``,
    ``conflicts``, ``scenario``), else from the key. Column headers come from ``column.<name>``,
    ``metrics.column.<name>``, ``scenario.column.<name>`` or ``excel.header.<name>``, else the name.
    Text is written as text with the injection guard; NaN as a blank cell.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "r.xlsx"
    >>> write_results_excel({"analysis": pd.DataFrame({"node": ["1.1"], "out_sum": [2.0]})}, p)
    >>> ws = openpyxl.load_workbook(p)["Analys"]
    >>> [c.value for c in ws[1]], [c.value for c in ws[2]]
    (['delmål', 'påverkar (summa)'], ['1.1', 2])
    """
    check_lang(lang)
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    taken: set[str] = set()
    entries = catalogue()
    for key, frame in tables.items():
        title = text(f"excel.sheet.{key}", lang) if f"excel.sheet.{key}" in entries else str(key)
        headers = []
        for name in frame.columns:
            keys = [f"{s}column.{name}" for s in ("", "metrics.", "scenario.")] + [f"excel.header.{name}"]
            headers.append(next((text(k, lang) for k in keys if k in entries), str(name)))
        _table(wb.create_sheet(sheet_name(title, taken)), headers, frame.itertuples(index=False))
    save_workbook(wb, path)
