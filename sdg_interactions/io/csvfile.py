"""Long and wide CSV files: reading them into matrix Datasets and writing them back.

Reading follows the project's format rules (encodings, separators, row numbers and the injection
guard are handled by :mod:`sdg_interactions.textfile`):

* **Encoding** UTF-8 (with or without BOM) or Windows-1252/Latin-1, detected; **separator** ``,`` or
  ``;``, sniffed. With ``;`` a decimal comma (``"2,0"``, ``"-1,5"``) is read right. CRLF is fine.
* **Cells** are read as text, so ``1.10`` never becomes the float 1.1 and blank cells stay blank;
  quoted cells may hold separators, quotes and line breaks. Rows are numbered as a spreadsheet shows
  them (header = row 1), also when a quoted cell holds a line break. Blank rows are skipped.
* **Long** files have the header ``[respondent,]source,target,score[,comment,uncertain]`` (names
  case-insensitive; ``from``/``from_target`` and ``to``/``to_target`` are read as ``source`` and
  ``target``, as in SEI's files); a blank score means "not scored". **Wide** files hold the ids in the
  first column and the header row (the corner cell is free text such as SEI's ``from\\to``) and scores
  only. Values and ids are checked by :func:`~sdg_interactions.matrix.from_long` and
  :func:`~sdg_interactions.matrix.from_wide`.
* **Raw or aggregated**: a CSV file cannot say which it holds, so the readers check raw answers
  (whole numbers -3…3) unless ``aggregated=True`` is passed; a mean of respondents such as ``1.5``
  then reads as a float.

Writing: UTF-8 *with* a byte-order mark (so Excel shows å, ä, ö right; every reader here and
``pandas.read_csv`` skip it), ``,`` separators, ``\\n`` line ends and quotes only where needed. Raw scores
are written as integers (``2``), aggregated ones as the shortest float text that reads back exactly;
NaN as a blank cell; ``uncertain`` as ``1`` or blank.

**Injection guard**: a text cell (comment, respondent) that starts with ``= + - @``, a tab or a
carriage return, possibly after apostrophes, is written with one more leading ``'`` so a spreadsheet
never runs it as a formula; the readers remove exactly that one ``'`` again. ``'hello`` stays
``'hello``, and round trips through our own files are lossless.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import matrix
from sdg_interactions.errors import InputFormatError, SdgInteractionsWarning, locate, shorten, tr
from sdg_interactions.matrix import from_long, from_wide
from sdg_interactions.textfile import (
    WRITE_ENCODING,
    guard_text,
    read_cells,
    read_table,
    read_text,
    sniff_separator,
    unguard_text,
    write_rows,
)

__all__ = [
    "COLUMN_ALIASES",
    "LONG_COLUMNS",
    "WRITE_ENCODING",
    "csv_layout",
    "guard_text",
    "read_csv",
    "read_long_csv",
    "read_table",
    "read_text",
    "read_wide_csv",
    "sniff_separator",
    "unguard_text",
    "write_long_csv",
    "write_table_csv",
    "write_wide_csv",
]

#: The columns of a long CSV file, in the order they are written.
LONG_COLUMNS = ("respondent", "source", "target", "score", "comment", "uncertain")
#: Other header names read as one of :data:`LONG_COLUMNS`: SEI's files use from_target/to_target, and a
#: Swedish table may say källa, mål, poäng, kommentar, osäker (or från, till, svarande).
COLUMN_ALIASES = {"from": "source", "from_target": "source", "to": "target", "to_target": "target",
                  "källa": "source", "från": "source", "mål": "target", "till": "target", "poäng": "score",
                  "kommentar": "comment", "osäker": "uncertain", "svarande": "respondent",
                  "deltagare": "respondent"}
#: The corner cell of a written wide file: rows (sources) influence columns (targets).
WIDE_CORNER = "source\\target"

_TEXT_COLUMNS = ("respondent", "comment")
_ID_LIKE = re.compile(r"^[\w.\-]*\d[\w.\-]*$")


def csv_layout(header: Sequence[str], *, file: object = None) -> str:
    """Tell a long CSV (``"long"``) from a wide one (``"wide"``) by its header row.

    Long: the header names ``source``, ``target`` or ``score`` (or an alias). Wide: the cells after
    the corner cell look like node ids. Anything else raises
    :class:`~sdg_interactions.errors.InputFormatError` saying what was looked for.

    Examples
    --------
    >>> csv_layout(["Source", "Target", "Score"]), csv_layout(["from\\\\to", "1.3", "1.5"])
    ('long', 'wide')
    """
    keys = {_column_key(cell) for cell in header}
    if keys & {"source", "target", "score"}:
        return "long"
    ids = [cell.strip() for cell in header[1:] if cell.strip()]
    if ids and all(_ID_LIKE.match(cell) for cell in ids):
        return "wide"
    shown = ", ".join(repr(shorten(c, 40)) for c in header[:5]) + (", ..." if len(header) > 5 else "")
    raise InputFormatError(locate(tr("error.csv_layout", header=f"[{shown}]"), file=file, row=1,
                                  valid=tr("error.valid_csv_layout")))


def _column_key(cell: str) -> str:
    key = cell.strip().lower()
    return COLUMN_ALIASES.get(key, key)


def read_csv(path: str | os.PathLike, *, aggregated: bool | None = None) -> xr.Dataset:
    """Read a long or a wide CSV file, telling which by its header (see :func:`csv_layout`).

    Parameters
    ----------
    path : str or path-like
        The file. Its encoding and separator are detected (see the module docstring).
    aggregated : bool, optional
        True for a file of aggregated floats in [-3, 3]; by default (None or False) the scores must be
        raw answers, whole numbers from -3 to 3.

    Returns
    -------
    xarray.Dataset
        ``score``, ``comment`` and ``uncertain`` on ``([respondent,] source, target)``;
        ``attrs["source_file"]`` is the path.

    See Also
    --------
    read_long_csv : Reads the long layout ``source,target,score``.
    read_wide_csv : Reads the wide layout, ids in the first column and the header.
    sdg_interactions.io.read_matrix : Reads any supported format, CSV included.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = p.write_text("from\\\\to,1.1,1.2\\n1.1,0,2\\n1.2,-1,0\\n", "utf-8")
    >>> read_csv(p)["score"].values.tolist()
    [[nan, 2.0], [-1.0, nan]]
    """
    header, rows, separator = read_cells(path)
    if csv_layout(header, file=os.fspath(path)) == "long":
        return _long(os.fspath(path), header, rows, aggregated, separator)
    return _wide(os.fspath(path), header, rows, aggregated, separator)


def read_long_csv(path: str | os.PathLike, *, aggregated: bool | None = None) -> xr.Dataset:
    """Read a long CSV file ``[respondent,]source,target,score[,comment,uncertain]`` into a Dataset.

    Parameters
    ----------
    path : str or path-like
        The file. Its encoding and separator are detected (see the module docstring).
    aggregated : bool, optional
        True for a file of aggregated floats in [-3, 3]; by default (None or False) the scores must be
        raw answers, whole numbers from -3 to 3.

    Returns
    -------
    xarray.Dataset
        ``score``, ``comment`` and ``uncertain`` on ``([respondent,] source, target)``;
        ``attrs["source_file"]`` is the path.

    See Also
    --------
    write_long_csv : Writes the same layout.
    read_csv : Tells the long layout from the wide one by the header.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = p.write_text("source;target;score;comment\\n1.1;1.2;2;'=a formula? no\\n1.2;1.1;-1;\\n", "utf-8")
    >>> ds = read_long_csv(p)
    >>> ds["score"].values.tolist(), ds["comment"].sel(source="1.1", target="1.2").item()
    ([[nan, 2.0], [-1.0, nan]], '=a formula? no')
    """
    header, rows, separator = read_cells(path)
    return _long(os.fspath(path), header, rows, aggregated, separator)


def read_wide_csv(path: str | os.PathLike, *, aggregated: bool | None = None) -> xr.Dataset:
    """Read a wide CSV file (ids in the first column and the header row, scores in the cells).

    The corner cell may hold any text (SEI writes ``from\\to``) or be blank. A blank or 0 diagonal
    reads as NaN; a non-zero diagonal is an error.

    Parameters
    ----------
    path : str or path-like
        The file. Its encoding and separator are detected (see the module docstring).
    aggregated : bool, optional
        As in :func:`read_long_csv`: True for aggregated floats, by default whole numbers from -3 to 3.

    Returns
    -------
    xarray.Dataset
        ``score`` (with empty ``comment`` and ``uncertain``) on ``(source, target)``;
        ``attrs["source_file"]`` is the path.

    See Also
    --------
    write_wide_csv : Writes the same layout.
    read_csv : Tells the wide layout from the long one by the header.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = p.write_text(";1.1;1.2\\n1.1;;2\\n1.2;-1,5;\\n", "cp1252")
    >>> read_wide_csv(p, aggregated=True)["score"].values.tolist()
    [[nan, 2.0], [-1.5, nan]]
    """
    header, rows, separator = read_cells(path)
    return _wide(os.fspath(path), header, rows, aggregated, separator)


def _no_rows(name: str) -> InputFormatError:
    return InputFormatError(locate(tr("error.csv_no_rows"), file=name, row=2, valid=tr("error.valid_csv_rows")))


def _fit(name: str, number: int, cells: list[str], width: int, header: Sequence[str]) -> list[str]:
    """Pad a short row with blanks; refuse a row with more non-blank cells than the header."""
    if len(cells) == width:
        return cells
    if len(cells) > width:
        extra = [c for c in cells[width:] if c.strip()]
        if extra:
            raise InputFormatError(locate(tr("error.csv_extra_cells", cells=len(cells), width=width), file=name,
                                          row=number, value=extra[0],
                                          valid=tr("error.valid_csv_quotes", header=", ".join(header))))
        return cells[:width]
    return cells + [""] * (width - len(cells))


def _decimal(separator: str) -> str:
    """The decimal mark of a file with this separator: ``,`` beside ``;`` (Swedish Excel), else ``.``."""
    return "," if separator == ";" else "."


def _long(name: str, header: list[str], rows: list, aggregated: bool | None, separator: str = ",") -> xr.Dataset:
    keys: list[str | None] = []
    for k, cell in enumerate(header):
        key = _column_key(cell)
        if not key:
            keys.append(None)  # a nameless column: fine while it stays blank
            continue
        if key not in LONG_COLUMNS:
            raise InputFormatError(locate(tr("error.csv_unknown_column"), file=name, row=1, column=cell.strip(),
                                          valid=tr("error.valid_csv_columns")))
        if key in keys:
            raise InputFormatError(locate(tr("error.csv_column_twice", name=repr(key), cell=k + 1),
                                          file=name, row=1, value=cell.strip(), valid=tr("error.valid_csv_columns")))
        keys.append(key)
    if not rows:
        raise _no_rows(name)
    width = len(header)
    cells = [_fit(name, number, row, width, header) for number, row in rows]
    table: dict[str, object] = {}
    for k, key in enumerate(keys):
        column = [row[k] for row in cells]
        if key is None:
            filled = next((i for i, v in enumerate(column) if v.strip()), None)
            if filled is not None:
                raise InputFormatError(locate(tr("error.csv_unnamed_column", number=k + 1),
                                              file=name, row=rows[filled][0], value=column[filled],
                                              valid=tr("error.valid_csv_columns")))
            continue
        if key in _TEXT_COLUMNS:
            column = [unguard_text(v) for v in column]
        table[key] = np.array(column, dtype=object)
    table["_row"] = np.array([number for number, _ in rows], dtype=int)
    frame = pd.DataFrame(table)
    for key in frame.columns.drop("_row"):
        frame[key] = frame[key].astype(object)
    return from_long(frame, file=name, aggregated=bool(aggregated), attrs={"source_file": name},
                     decimal=_decimal(separator))


def _wide(name: str, header: list[str], rows: list, aggregated: bool | None, separator: str = ",") -> xr.Dataset:
    header = list(header)
    while header and not header[-1].strip() and all(len(r) < len(header) or not r[len(header) - 1].strip()
                                                     for _, r in rows):
        header.pop()  # trailing separators
    if not rows:
        raise _no_rows(name)
    ids = header[1:]
    if all(len(r) == len(header) + 1 for _, r in rows) and _ID_LIKE.match(header[0].strip()):
        ids = header  # no corner cell: the header row holds only ids
    width = len(ids) + 1
    cells = [_fit(name, number, row, width, ["", *ids]) for number, row in rows]
    table = pd.DataFrame([row[1:] for row in cells], index=[row[0] for row in cells], columns=ids,
                         dtype=object)
    return from_wide(table, file=name, aggregated=bool(aggregated), attrs={"source_file": name},
                     rows=[number for number, _ in rows], decimal=_decimal(separator))


def _scores_text(values: np.ndarray, aggregated: bool) -> list[str]:
    """Scores as cell text: blank for NaN, ``2`` for raw answers, exact float text when aggregated."""
    values = np.asarray(values, dtype=float)
    missing = np.isnan(values)
    filled = np.where(missing, 0.0, values)
    if not aggregated and np.array_equal(filled, np.round(filled)):
        text = filled.astype(np.int64).astype(str).astype(object)
    else:
        text = np.array([repr(float(v)) for v in values], dtype=object)
    text[missing] = ""
    return text.tolist()


def write_table_csv(table: pd.DataFrame, path: str | os.PathLike) -> None:
    """Write a result table (``analyse --out``, ``scenario --out``, ...) as CSV, guarded.

    Every text cell and header goes through the injection guard (:func:`guard_text`: a label such as
    ``=HYPERLINK(...)`` from a user's file is written as ``'=HYPERLINK(...)``, never as a live formula);
    numbers are written exactly (``repr``), NaN blank. UTF-8 with a byte-order mark, ``,``, ``\\n``.

    Parameters
    ----------
    table : pandas.DataFrame
        The result table; its columns become the header, its index is not written.
    path : str or path-like
        The file to write.

    See Also
    --------
    sdg_interactions.io.write_results_excel : Writes result tables to Excel, one sheet each.
    write_long_csv : Writes a matrix, not a result table, as CSV.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "t.csv"
    >>> write_table_csv(pd.DataFrame({"node": ["1.1"], "label": ['=HYPERLINK("x")'], "v": [0.5]}), p)
    >>> print(p.read_text("utf-8-sig"), end="")
    node,label,v
    1.1,"'=HYPERLINK(""x"")",0.5
    """
    def cell(value: object) -> str:
        if value is None or (isinstance(value, float) and np.isnan(value)):
            return ""
        if isinstance(value, (bool, np.bool_)):
            return str(bool(value))
        if isinstance(value, (int, float, np.integer, np.floating)):
            return repr(value.item() if isinstance(value, np.generic) else value)
        return guard_text(str(value))

    rows = ([cell(v) for v in record] for record in table.itertuples(index=False, name=None))
    write_rows(path, [guard_text(str(c)) for c in table.columns], rows)


def write_long_csv(obj: xr.Dataset | xr.DataArray, path: str | os.PathLike) -> None:
    """Write a matrix as a long CSV file ``[respondent,]source,target,score[,comment,uncertain]``.

    Writes the scored cells, plus the unscored ones that carry a comment or an uncertain mark (see
    :func:`~sdg_interactions.matrix.to_long`); the ``comment`` and ``uncertain`` columns when the
    Dataset has those variables. Text cells get the injection guard (module docstring).

    Parameters
    ----------
    obj : xarray.Dataset or xarray.DataArray
        The matrix, with or without a ``respondent`` dim.
    path : str or path-like
        The file to write (UTF-8 with a byte-order mark, ``,``).

    See Also
    --------
    read_long_csv : Reads the file back.
    write_wide_csv : Writes one matrix's scores as a grid instead.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sdg_interactions.matrix import from_long
    >>> ds = from_long(pd.DataFrame({"source": ["1.1"], "target": ["1.2"], "score": ["-2"],
    ...                              "comment": ["=risk"], "uncertain": ["ja"]}))
    >>> p = Path(tempfile.mkdtemp()) / "m.csv"
    >>> write_long_csv(ds, p)
    >>> p.read_text("utf-8-sig")
    "source,target,score,comment,uncertain\\n1.1,1.2,-2,'=risk,1\\n"
    """
    matrix.validate(obj)
    frame = matrix.to_long(obj)
    aggregated = matrix.is_aggregated(obj)
    columns: list[list[str]] = []
    for key in frame.columns:
        values = frame[key].tolist()
        if key == "score":
            columns.append(_scores_text(np.asarray(values, dtype=float), aggregated))
        elif key == "uncertain":
            columns.append(["1" if bool(v) else "" for v in values])
        elif key in _TEXT_COLUMNS:
            columns.append([guard_text("" if v is None else str(v)) for v in values])
        else:
            columns.append([str(v) for v in values])
    write_rows(path, list(frame.columns), zip(*columns, strict=True))


def write_wide_csv(obj: xr.Dataset | xr.DataArray, path: str | os.PathLike) -> None:
    """Write one matrix's scores as a wide CSV file: sources in the first column, targets in the header.

    Wide files hold scores only: comments and uncertain marks in a Dataset are not written (a
    :class:`~sdg_interactions.errors.SdgInteractionsWarning` says how many; use a long file or NetCDF
    to keep them). The diagonal is written blank.

    Parameters
    ----------
    obj : xarray.Dataset or xarray.DataArray
        One matrix (no ``respondent`` dim).
    path : str or path-like
        The file to write (UTF-8 with a byte-order mark, ``,``).

    See Also
    --------
    read_wide_csv : Reads the file back.
    write_long_csv : Writes comments and uncertain marks too.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sdg_interactions.matrix import from_array
    >>> p = Path(tempfile.mkdtemp()) / "m.csv"
    >>> write_wide_csv(from_array(np.array([[np.nan, 2], [-1, np.nan]]), ["1.1", "1.2"]), p)
    >>> print(p.read_text("utf-8-sig"), end="")
    source\\target,1.1,1.2
    1.1,,2
    1.2,-1,
    """
    matrix.validate(obj)
    frame = matrix.to_wide(obj)
    if isinstance(obj, xr.Dataset):
        lost = []
        if "comment" in obj:
            lost.append(f"{int((obj['comment'].astype(str) != '').sum())} comment(s)")
        if "uncertain" in obj:
            lost.append(f"{int(obj['uncertain'].astype(bool).sum())} uncertain mark(s)")
        if any(not text.startswith("0 ") for text in lost):
            warnings.warn(f"{os.fspath(path)}: a wide CSV file holds scores only; {' and '.join(lost)} not "
                          "written. Use a long CSV or NetCDF file to keep them.", SdgInteractionsWarning,
                          stacklevel=2)
    aggregated = matrix.is_aggregated(obj)
    ids = [str(i) for i in frame.columns]
    scores = [_scores_text(column, aggregated) for column in frame.to_numpy(dtype=float).T]
    write_rows(path, [WIDE_CORNER, *ids], zip([str(i) for i in frame.index], *scores, strict=True))
