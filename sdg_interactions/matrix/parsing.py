"""Reading a table's cells: scores (:func:`parse_scores`) and uncertainty marks (:func:`parse_uncertain`).

Cells may be numbers or text as read from a file (CSV, Excel, a form). A score as text must be one number in
ASCII digits with ``.`` or ``,`` as its decimal mark; a number whose digits a mark groups in threes is refused
as ambiguous. The scale itself is checked by :func:`~sdg_interactions.matrix.score_problems`;
:mod:`~sdg_interactions.matrix.tables` builds matrices from the parsed columns.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import numpy as np
import pandas as pd

from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix.model import FALSE_WORDS, TRUE_WORDS

__all__ = ["GROUPED_PROBLEM", "parse_scores", "parse_uncertain"]

_MINUS = str.maketrans({"\u2212": "-", "\u2013": "-"})
# A score as text: ASCII digits only, one decimal mark (. or ,), an optional exponent; a space only after the sign.
_NUMBER = re.compile(r"[+-]? *(?:\d+(?:[.,]\d*)?|[.,]\d+)(?:[eE][+-]?\d+)?", re.ASCII)
# Digits grouped in threes by a mark: 1,000 or 1.000 is a thousand to its writer, never 1.
_GROUPED = {".": re.compile(r"[+-]? *\d{1,3}(?:\.\d{3})+", re.ASCII),
            ",": re.compile(r"[+-]? *\d{1,3}(?:,\d{3})+", re.ASCII)}
#: What :func:`parse_scores` says about a number it refuses as ambiguous.
GROUPED_PROBLEM = "score looks like a number with a thousands separator (1,000 or 1.000), not a score"
#: Every word :func:`parse_uncertain` accepts, for its error message (built from the word sets, so it can't drift).
_UNCERTAIN_NO = ", ".join(sorted((FALSE_WORDS | {"0.0"}) - {""}))
_UNCERTAIN_YES = ", ".join(sorted(TRUE_WORDS | {"1.0"}))


def _score_of(value: object, decimal: str | None) -> float | None:
    """One cell as a score: NaN for blank, None for unreadable (see :func:`parse_scores`)."""
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return np.nan
    if isinstance(value, (bool, np.bool_)):
        return None
    if isinstance(value, (int, float, np.integer, np.floating)):
        return float(value)
    if not isinstance(value, str):
        return None
    text = value.translate(_MINUS).strip()
    if not text:
        return np.nan
    if not _NUMBER.fullmatch(text):
        return None
    for mark, grouped in _GROUPED.items():
        if mark != decimal and grouped.fullmatch(text):
            return None
    return float(text.replace(" ", "").replace(",", "."))


def parse_scores(column: pd.Series, *, decimal: str | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Read a column of cells as scores: numbers, or text such as "2", "-1", "2.0", "2,0", "−3".

    Text must be one number in ASCII digits, with ``.`` or ``,`` as its decimal mark: ``"0 1"``, ``"٣"``,
    ``"2 000"`` and ``"two"`` are unreadable, and so is a number whose digits a mark groups in threes
    (``"1,000"``, ``"1.000"``: a thousand to its writer, not one), unless that mark is the file's ``decimal``
    mark (a Swedish ``;`` file writes ``1,000`` for one with three decimals). The scale is not checked here.

    Parameters
    ----------
    column : pandas.Series
        The cells: numbers, or text as read from a file (a minus may be written ``−`` or ``–``).
    decimal : {".", ","}, optional
        The decimal mark of the file the cells come from; None if unknown.

    Returns
    -------
    values : numpy.ndarray
        The float values (NaN for blank or unreadable).
    unreadable : numpy.ndarray of bool
        A mask of unreadable cells.

    See Also
    --------
    sdg_interactions.matrix.score_problems : The scale's rules, checked on the values next.
    sdg_interactions.matrix.from_long : Reads a table's ``score`` column with this, naming the first unreadable cell.

    Examples
    --------
    >>> values, bad = parse_scores(pd.Series(["2", " -1,5 ", "\u22123", "", "0 1", "1,000", "1.000", "٣"]))
    >>> values.tolist()[:4], bad.tolist()
    ([2.0, -1.5, -3.0, nan], [False, False, False, False, True, True, True, True])
    >>> parse_scores(pd.Series(["1,000"]), decimal=",")[0].tolist()
    [1.0]
    """
    if pd.api.types.is_numeric_dtype(column.dtype) and not pd.api.types.is_bool_dtype(column.dtype):
        values = column.to_numpy(dtype=float, na_value=np.nan)
        return values, np.zeros(len(values), dtype=bool)
    codes, uniques = pd.factorize(column.astype(object), use_na_sentinel=True)
    parsed = [_score_of(v, decimal) for v in uniques]
    table = np.array([np.nan if v is None else v for v in parsed] + [np.nan], dtype=float)
    failed = np.array([v is None for v in parsed] + [False], dtype=bool)
    return table[codes], failed[codes]


def parse_uncertain(column: pd.Series, *, file: object = None, rows: Iterable[int] | None = None) -> np.ndarray:
    """Read an ``uncertain`` column as True or False, case-insensitive.

    The words of :data:`~sdg_interactions.matrix.FALSE_WORDS` (blank included) or ``0.0`` -> False, those of
    :data:`~sdg_interactions.matrix.TRUE_WORDS` or ``1.0`` -> True; a bool is kept.

    Parameters
    ----------
    column : pandas.Series
        The marks, as read from a file.
    file : object, optional
        The file the column was read from, named in the error message.
    rows : iterable of int, optional
        Each cell's row number as a spreadsheet shows it; default: header = row 1, data right below.

    Returns
    -------
    numpy.ndarray of bool
        One mark per cell.

    Raises
    ------
    sdg_interactions.errors.ValidationError
        Anything else raises :class:`~sdg_interactions.errors.ValidationError` naming the file and row.

    See Also
    --------
    parse_scores : Reads the ``score`` column.
    sdg_interactions.matrix.from_long : Reads a table's ``uncertain`` column with this.

    Examples
    --------
    >>> parse_uncertain(pd.Series(["", "ja", "X", "0", None, True])).tolist()
    [False, True, True, False, False, True]
    """
    rows = list(rows) if rows is not None else [i + 2 for i in range(len(column))]
    out = np.zeros(len(column), dtype=bool)
    for i, (value, row) in enumerate(zip(column.tolist(), rows, strict=True)):
        if value is None or (isinstance(value, float) and np.isnan(value)):
            continue
        word = str(value).strip().lower()
        if isinstance(value, (bool, np.bool_)):
            out[i] = bool(value)
        elif word in TRUE_WORDS or word == "1.0":
            out[i] = True
        elif word in FALSE_WORDS or word == "0.0":
            out[i] = False
        else:
            raise ValidationError(
                locate(
                    tr("error.analysis.uncertain_mark"),
                    file=file,
                    row=row,
                    column="uncertain",
                    value=value,
                    valid=tr("error.analysis.valid_uncertain", no=_UNCERTAIN_NO, yes=_UNCERTAIN_YES),
                )
            )
    return out
