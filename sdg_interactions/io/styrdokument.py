"""A kommun's styrdokument table: which decided local goals bear on which targets of the 2030 Agenda.

The table has one row per local goal, with the columns

* ``document``: the steering document that decides the goal ("Miljö- och klimatprogram 2030");
* ``local_goal``: the goal in the kommun's own words (may be blank: the document as a whole);
* ``sdg_target``: the node ids the goal contributes to, as the UN writes them (``13.2``, ``11.a``);
  several in one cell are separated by commas, semicolons or spaces (``"11.2; 11.6"``), and become
  one row each. Any id :func:`~sdg_interactions.frameworks.check_node_id` accepts may stand here
  (``MKM-1``, a kommun's own ``LULEA-3``); ids that the matrix lacks are listed as "not in the matrix"
  by the analysis, never an error;
* optionally ``note`` (the template marks its example rows there).

Swedish headers are read too: ``dokument``, ``lokalt_mål`` / ``lokalt mål`` / ``lokalt_mal``,
``delmål`` / ``delmal``, ``anmärkning``; case, spaces and hyphens do not matter. Files are CSV (UTF-8
or Windows-1252, ``,`` or ``;``, as :func:`~sdg_interactions.textfile.read_table` reads them) or Excel
``.xlsx`` (the sheet "Styrdokument" / "Steering documents", else the first). Errors are the library's
own and name the file, the row as a spreadsheet shows it (header = row 1), the column and the value,
and say what would be valid. :func:`write_styrdokument_template` writes an empty template with a few
example rows; the bundled, invented example is read by the name ``"exempel"``.

Examples
--------
>>> t = read_styrdokument(pd.DataFrame({"dokument": ["Energiplan 2030"], "lokalt mål": ["Förnybar el"],
...                                     "delmål": ["7.2; 13.2"]}))
>>> t[["document", "local_goal", "sdg_target", "row"]]
          document   local_goal sdg_target  row
0  Energiplan 2030  Förnybar el        7.2    2
1  Energiplan 2030  Förnybar el       13.2    2
"""

from __future__ import annotations

import math
import os
import re
from pathlib import Path

import pandas as pd

from sdg_interactions import frameworks
from sdg_interactions.errors import InputFormatError, UnknownDatasetError, UnknownIdError, ValidationError, locate, tr
from sdg_interactions.matrix import check_id
from sdg_interactions.textfile import guard_text, nonblank_rows, read_table, unguard_text, write_rows
from sdg_interactions.texts import LANGUAGES, check_lang, text

__all__ = [
    "BUNDLED_STYRDOKUMENT",
    "HEADER_ALIASES",
    "STYRDOKUMENT_COLUMNS",
    "example_rows",
    "read_styrdokument",
    "write_styrdokument_template",
]

#: The required columns, in order (the output adds ``note``, ``example`` and ``row``).
STYRDOKUMENT_COLUMNS = ("document", "local_goal", "sdg_target")
#: Header names read as each column (after case-folding and turning spaces and hyphens into ``_``).
HEADER_ALIASES = {
    "document": ("document", "dokument", "styrdokument", "steering_document"),
    "local_goal": ("local_goal", "lokalt_mål", "lokalt_mal", "lokala_mål", "lokala_mal"),
    "sdg_target": ("sdg_target", "sdg_targets", "delmål", "delmal", "sdg_delmål", "sdg_delmal", "target"),
    "note": ("note", "anmärkning", "anmarkning", "kommentar", "comment"),
    "example": ("example", "exempel"),
    "row": ("row", "_row", "rad"),
}
#: The bundled, invented example tables: name -> file under ``datasets/``.
BUNDLED_STYRDOKUMENT = {"exempel": "styrdokument/exempel_styrdokument.csv"}

_OUTPUT = ("document", "local_goal", "sdg_target", "note", "example", "row")
_SPLIT = re.compile(r"[,;\s]+")
_DECIMAL_COMMA = re.compile(r"^\s*\d{1,2},(\d{1,2}|[a-z])\s*$")
_VALID_COLUMNS = tr("error.styrdokument.valid_columns")
_VALID_TARGETS = tr("error.styrdokument.valid_targets")
_EXAMPLE_ROWS = (("doc_1", "goal_1", "13.2"), ("doc_2", "goal_2", "7.2"), ("doc_3", "goal_3", "11.2; 11.6"))


def _cell(value: object) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return unguard_text(str(value).strip())


def _key(header: object) -> str:
    return re.sub(r"[\s\-]+", "_", str(header).replace("\ufeff", "").strip().casefold())


def _columns(header: list[object], file: object) -> dict[str, int]:
    """Canonical column name -> position in ``header``; errors for unknown, doubled or missing columns."""
    lookup = {alias: name for name, aliases in HEADER_ALIASES.items() for alias in aliases}
    found: dict[str, int] = {}
    for position, name in enumerate(header):
        if _cell(name) == "":
            continue
        canonical = lookup.get(_key(name))
        if canonical is None:
            raise ValidationError(locate(tr("error.styrdokument.unknown_column"), file=file, row=1,
                                         column=_cell(name), valid=_VALID_COLUMNS))
        if canonical in found:
            raise ValidationError(locate(tr("error.styrdokument.two_columns", name=canonical), file=file, row=1,
                                         column=_cell(name),
                                         valid=_VALID_COLUMNS))
        found[canonical] = position
    missing = [c for c in STYRDOKUMENT_COLUMNS if c not in found]
    if missing:
        raise ValidationError(locate(tr("error.styrdokument.missing", columns=", ".join(missing)),
                                     file=file, row=1, valid=_VALID_COLUMNS))
    return found


def _sheet_rows(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    import openpyxl

    from sdg_interactions.io.exceltemplate import cell_text, localised_names

    try:
        workbook = openpyxl.load_workbook(path, data_only=True)
    except Exception as err:  # openpyxl raises zipfile, KeyError, ValueError ... on a damaged workbook
        raise InputFormatError(locate(tr("error.styrdokument.workbook", reason=f"{type(err).__name__}: {err}"),
                                      file=path.name, valid=tr("error.styrdokument.valid_workbook"))) from None
    wanted = localised_names("styrdokument.template.sheet")
    sheet = next((ws for ws in workbook.worksheets if ws.title.casefold() in wanted), workbook.worksheets[0])
    cells = ([cell_text(v) for v in values] for values in sheet.iter_rows(min_row=1, values_only=True))
    kept = list(nonblank_rows(cells))  # numbered from row 1 even when the sheet's first rows are empty
    if not kept:
        raise InputFormatError(locate(tr("error.styrdokument.empty_sheet"), file=f"{path.name} [{sheet.title}]",
                                      valid=_VALID_COLUMNS))
    return kept[0][1], kept[1:]


def _source(source: pd.DataFrame | str | os.PathLike) -> tuple[list, list[tuple[int, list]], str | None, dict]:
    """The header, the numbered rows, the file name for messages and the table's attrs."""
    if isinstance(source, pd.DataFrame):
        frame = source.reset_index(drop=True)
        header = [str(c) for c in frame.columns]
        keys = [_key(c) for c in header]
        given = next((keys.index(k) for k in HEADER_ALIASES["row"] if k in keys), None)
        numbers = (frame.iloc[:, given].astype(int).tolist() if given is not None else range(2, len(frame) + 2))
        rows = list(zip(numbers, frame.astype(object).to_numpy().tolist(), strict=True))
        return header, rows, None, dict(source.attrs)
    if isinstance(source, str) and source in BUNDLED_STYRDOKUMENT:
        file = BUNDLED_STYRDOKUMENT[source]
        header, rows = read_table(frameworks.datasets_dir() / file)
        return header, rows, file, {"name": source, "source_file": file, "invented": True}
    if not isinstance(source, (str, os.PathLike)):
        raise ValidationError(locate(tr("error.data.styrdokument.source_type"),
                                     value=type(source).__name__, valid=_VALID_COLUMNS))
    path = Path(source)
    if not path.exists():
        names = ", ".join(repr(n) for n in BUNDLED_STYRDOKUMENT)
        raise UnknownDatasetError(locate(tr("error.styrdokument.no_file"), file=os.fspath(path),
                                         valid=tr("error.styrdokument.valid_file", names=names)))
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        header, rows = _sheet_rows(path)
    elif suffix == ".xls":
        raise InputFormatError(locate(tr("error.styrdokument.old_xls"), file=path.name,
                                      valid=tr("error.styrdokument.valid_xlsx")))
    else:
        header, rows = read_table(path)
    return header, rows, path.name, {"name": path.stem, "source_file": path.name, "invented": False}


def _targets(value: object, *, file: object, row: int, column: str) -> list[str]:
    """The node ids of one ``sdg_target`` cell, checked and each once, in the order written."""
    cell = _cell(value)
    if _DECIMAL_COMMA.match(cell):
        raise UnknownIdError(locate(tr("error.styrdokument.comma"), file=file, row=row,
                                    column=column, value=cell, valid=cell.strip().replace(",", ".")))
    parts = [p for p in _SPLIT.split(cell) if p]
    if not parts:
        raise ValidationError(locate(tr("error.styrdokument.no_target"), file=file, row=row, column=column,
                                     valid=_VALID_TARGETS))
    ids = [check_id(part, file=file, row=row, column=column) for part in parts]
    return list(dict.fromkeys(ids))


def _example_notes() -> set[str]:
    return {text("styrdokument.template.example_note", lang) for lang in LANGUAGES}


def read_styrdokument(source: pd.DataFrame | str | os.PathLike) -> pd.DataFrame:
    """Read and check a styrdokument table; one row per (document, local goal, target).

    Parameters
    ----------
    source : DataFrame, path or ``"exempel"``
        A table with the columns ``document, local_goal, sdg_target`` (or the Swedish headers, see the
        module docstring) and optionally ``note``; a CSV or ``.xlsx`` file holding one; or the name of a
        bundled example (:data:`BUNDLED_STYRDOKUMENT`: ``"exempel"``, an invented kommun's table).

    Returns
    -------
    pandas.DataFrame
        Columns ``document``, ``local_goal``, ``sdg_target`` (a checked node id, one per row: a cell
        naming several targets gives several rows), ``note``, ``example`` (True where ``note`` is the
        template's example mark) and ``row`` (the row as a spreadsheet shows it, header = row 1). Rows
        repeating a (document, local goal, target) triple are dropped. ``attrs``: ``name``,
        ``source_file`` and ``invented`` (True for the bundled example).

    Raises
    ------
    ValidationError
        For a missing, unknown or doubled column, a blank document, a row without a target, a table
        without rows; :class:`~sdg_interactions.errors.UnknownIdError` (a ValidationError) for a target
        id that names no node (``18.1``, ``1.99``); :class:`~sdg_interactions.errors.InputFormatError`
        for a file that cannot be read (empty, binary, undecodable).

    Examples
    --------
    >>> read_styrdokument(pd.DataFrame({"document": ["Klimatplan"], "local_goal": [""], "sdg_target": ["18.1"]}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.UnknownIdError: row 2, column 'sdg_target': looks like an SDG target id but names no target: '18.1'. Valid: an SDG target such as '1.1', '1.a' or '17.19'; a goal 'SDG-1' … 'SDG-17'; a miljökvalitetsmål 'MKM-0' … 'MKM-16'; a folkhälsomål area 'FH-0' … 'FH-8'; a Mongolia objective 'MN-1' … 'MN-17'; ...id of your own framework 'PREFIX-N' (upper-case prefix, whole number, e.g. 'LULEA-3').
    """  # noqa: E501
    header, rows, file, attrs = _source(source)
    columns = _columns(header, file)
    names = {name: _cell(header[position]) for name, position in columns.items()}
    if not rows:
        raise ValidationError(locate(tr("error.styrdokument.no_rows"), file=file,
                                     valid=tr("error.styrdokument.valid_rows")))
    examples = _example_notes()
    out: list[tuple] = []
    seen: set[tuple[str, str, str]] = set()
    for number, cells in rows:
        cells = list(cells) + [""] * (len(header) - len(cells))

        def get(name: str, cells=cells) -> object:
            return cells[columns[name]] if name in columns else ""

        document, local_goal, note = _cell(get("document")), _cell(get("local_goal")), _cell(get("note"))
        if not document:
            raise ValidationError(locate(tr("error.styrdokument.blank_document"), file=file, row=int(number),
                                         column=names["document"], valid=tr("error.styrdokument.valid_document")))
        for target in _targets(get("sdg_target"), file=file, row=int(number), column=names["sdg_target"]):
            if (document, local_goal, target) in seen:
                continue
            seen.add((document, local_goal, target))
            out.append((document, local_goal, target, note, note in examples, int(number)))
    table = pd.DataFrame(out, columns=list(_OUTPUT))
    table["example"] = table["example"].astype(bool)
    table["row"] = table["row"].astype("int64")
    table.attrs = {"name": "", "source_file": "", "invented": False, **attrs}
    return table


def example_rows(lang: str = "sv") -> list[tuple[str, str, str, str]]:
    """The template's example rows in ``lang``: ``(document, local_goal, sdg_target, note)``.

    Examples
    --------
    >>> example_rows("en")[1]
    ('Energy plan 2030', 'All electricity used by the kommun shall be renewable', '7.2', "Example – replace with the kommun's own goals")
    """  # noqa: E501
    check_lang(lang)
    note = text("styrdokument.template.example_note", lang)
    return [(text(f"styrdokument.template.{doc}", lang), text(f"styrdokument.template.{goal}", lang), targets, note)
            for doc, goal, targets in _EXAMPLE_ROWS]


def write_styrdokument_template(path: str | os.PathLike, *, lang: str = "sv", example: bool = True) -> None:
    """Write an empty styrdokument table to fill in: CSV (``.csv``) or Excel (``.xlsx``).

    The header is in ``lang`` (``dokument, lokalt_mål, delmål, anmärkning`` or ``document, local_goal,
    sdg_target, note``); with ``example`` three realistic example rows follow, each marked in the note
    column as an example to replace (:func:`read_styrdokument` reads them back and sets ``example``).
    The CSV is UTF-8 with a byte-order mark, so Excel shows å, ä, ö; the workbook has the table sheet
    ("Styrdokument"), its target column formatted as text (so 13.10 stays 13.10), and a sheet of
    instructions. Text cells carry the injection guard.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "styrdokument.csv"
    >>> write_styrdokument_template(p)
    >>> p.read_text("utf-8-sig").splitlines()[0]
    'dokument,lokalt_mål,delmål,anmärkning'
    >>> read_styrdokument(p)["sdg_target"].tolist()
    ['13.2', '7.2', '11.2', '11.6']
    """
    check_lang(lang)
    path = Path(path)
    header = [text(f"styrdokument.template.{c}", lang) for c in (*STYRDOKUMENT_COLUMNS, "note")]
    rows = example_rows(lang) if example else []
    suffix = path.suffix.lower()
    if suffix == ".csv":
        write_rows(path, header, [[guard_text(cell) for cell in row] for row in rows])
    elif suffix == ".xlsx":
        _write_workbook(path, header, rows, lang)
    else:
        raise InputFormatError(locate(tr("error.data.styrdokument.template_type"), file=os.fspath(path),
                                      value=suffix or path.name,
                                      valid=tr("error.data.styrdokument.valid_template_type")))


def _write_workbook(path: Path, header: list[str], rows: list[tuple], lang: str) -> None:
    import openpyxl
    from openpyxl.styles import Alignment, Font

    from sdg_interactions.io.exceltemplate import put_text, save_workbook

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = text("styrdokument.template.sheet", lang)
    for c, name in enumerate(header, start=1):
        put_text(sheet.cell(1, c), name)
        sheet.cell(1, c).font = Font(bold=True)
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            put_text(sheet.cell(r, c), value)
            sheet.cell(r, c).font = Font(italic=True, color="666666")
    for r in range(2, 501):  # the target column holds text: Excel must not read 13.10 as 13.1 or 7.2 as a date
        sheet.cell(r, 3).number_format = "@"
    for letter, width in zip("ABCD", (40, 60, 16, 44), strict=True):
        sheet.column_dimensions[letter].width = width
    sheet.freeze_panes = "A2"
    notes = workbook.create_sheet(text("styrdokument.template.instructions_sheet", lang))
    keys = ("instructions_title", "instructions_rows", "instructions_targets", "instructions_examples",
            "instructions_other")
    for r, key in enumerate(keys, start=1):
        put_text(notes.cell(r, 1), text(f"styrdokument.template.{key}", lang))
        notes.cell(r, 1).alignment = Alignment(wrap_text=True, vertical="top")
        notes.cell(r, 1).font = Font(bold=r == 1, size=14 if r == 1 else 11)
    notes.column_dimensions["A"].width = 100
    save_workbook(workbook, path)
