"""Building matrices from tables: long ``[respondent,]source,target,score[,comment,uncertain]`` and wide.

Cells may be text as read from a file; they are parsed here and checked by the one rule set of
:mod:`sdg_interactions.matrix` (:func:`~sdg_interactions.matrix.score_problems`) and
:func:`~sdg_interactions.frameworks.check_node_id`. Errors name the file, the row as a spreadsheet shows
it (header = row 1), the column and the value. The readers in :mod:`sdg_interactions.io` turn files
into tables and call these.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.errors import InputFormatError, ValidationError, check_no_bidi, locate, tr
from sdg_interactions.matrix.model import (
    DIMS,
    FALSE_WORDS,
    TRUE_WORDS,
    build_dataset,
    check_id,
    check_size,
    score_problems,
)

__all__ = ["GROUPED_PROBLEM", "column_letter", "from_long", "from_wide", "parse_scores", "parse_uncertain"]

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


def _valid_words(aggregated: bool):
    """What a score may be, in both languages (the words of :data:`VALID_AGGREGATED` or :data:`VALID_RAW`)."""
    return tr("error.valid_aggregated" if aggregated else "error.valid_raw")


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

    Returns the float values (NaN for blank or unreadable) and a mask of unreadable cells. Text must be
    one number in ASCII digits, with ``.`` or ``,`` as its decimal mark: ``"0 1"``, ``"٣"``, ``"2 000"``
    and ``"two"`` are unreadable, and so is a number whose digits a mark groups in threes (``"1,000"``,
    ``"1.000"``: a thousand to its writer, not one), unless that mark is the file's ``decimal`` mark (a
    Swedish ``;`` file writes ``1,000`` for one with three decimals).

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
    """Read an ``uncertain`` column: the words of :data:`FALSE_WORDS` (blank included) or ``0.0`` -> False,
    those of :data:`TRUE_WORDS` or ``1.0`` -> True, case-insensitive.

    Anything else raises :class:`ValidationError` naming the file and row.

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


def _rows_of(table: pd.DataFrame) -> np.ndarray:
    """Spreadsheet row numbers of the table's rows: the ``_row`` column, else header = row 1."""
    if "_row" in table.columns:
        return table["_row"].to_numpy(dtype=int)
    return np.arange(2, len(table) + 2)


def _named(table: pd.DataFrame, names: Mapping[str, str | None], file: object) -> pd.DataFrame:
    """``table`` with the columns ``names`` maps to (its own names) renamed to ours; a named column it lacks,
    or one of ours it holds beside the one named for it, is an error naming the table's columns."""
    renames = {theirs: ours for ours, theirs in names.items() if theirs is not None and theirs != ours}
    for ours, theirs in names.items():
        if theirs is None:
            continue
        if theirs not in table.columns:
            raise InputFormatError(locate(tr("error.analysis.no_such_column", column=repr(theirs), role=ours),
                                          file=file, row=1, valid=", ".join(map(str, table.columns))))
        if theirs != ours and ours in table.columns:
            raise InputFormatError(locate(tr("error.analysis.column_twice", column=repr(theirs), role=ours),
                                          file=file, row=1, valid=tr("error.analysis.valid_column_twice", role=ours)))
    return table.rename(columns=renames) if renames else table


def from_long(
    table: pd.DataFrame,
    *,
    file: object = None,
    aggregated: bool = False,
    attrs: Mapping[str, object] | None = None,
    nodes: Iterable[str] | None = None,
    decimal: str | None = None,
    source: str | None = None,
    target: str | None = None,
    score: str | None = None,
    respondent: str | None = None,
) -> xr.Dataset:
    """Build a matrix Dataset from a long table ``[respondent,]source,target,score[,comment,uncertain]``.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per scored pair (and respondent). Cells may be text as read from a file. An optional
        ``_row`` column gives each row's number as a spreadsheet shows it (for error messages), and an
        optional ``_column`` column the name of the cell's column (wide tables).
    file : optional
        The file name to name in error messages.
    aggregated : bool
        False for raw answers (integers -3…3), True for aggregated floats in [-3, 3].
    attrs : mapping, optional
        Provenance to keep in ``attrs`` (title, citation, ...).
    nodes : iterable of str, optional
        Nodes to include even if no row names them (a framework's full list). Default: the ids the
        table names.
    decimal : {".", ","}, optional
        The decimal mark of the file the cells come from (see :func:`parse_scores`).
    source, target, score, respondent : str, optional
        The table's own names for these columns (``from_long(df, source="från", target="till",
        score="värde")``); by default the columns are called so.

    Returns
    -------
    xarray.Dataset
        ``score`` (float64), ``comment`` (str, "" for none) and ``uncertain`` (bool), dims
        ``([respondent,] source, target)``, nodes in natural order.

    Examples
    --------
    >>> t = pd.DataFrame({"source": ["1.1", "1.2"], "target": ["1.2", "1.1"], "score": ["2", "-1"]})
    >>> ds = from_long(t)
    >>> ds["score"].sel(source="1.1", target="1.2").item()
    2.0
    >>> from_long(t.rename(columns={"source": "från", "target": "till"}), source="från", target="till").sizes
    Frozen({'source': 2, 'target': 2})
    >>> from_long(t.assign(score=["2", "4"]), file="x.csv")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: x.csv, row 3, column 'score': score outside the scale: '4'. Valid: an integer from -3 to 3 (2 or 2.0, not 2.5), or blank for not scored.
    """  # noqa: E501
    table = _named(table.reset_index(drop=True), {"source": source, "target": target, "score": score,
                                                  "respondent": respondent}, file)
    missing = [c for c in ("source", "target", "score") if c not in table.columns]
    if missing:
        raise InputFormatError(
            locate(
                tr("error.missing_columns", columns=", ".join(missing)),
                file=file,
                row=1,
                valid=tr("error.valid_long_header"),
            )
        )
    rows = _rows_of(table)
    score_column = table["_column"].astype(str).to_numpy() if "_column" in table.columns else None

    def where(i: int, column: str) -> dict[str, object]:
        col = score_column[i] if (score_column is not None and column == "score") else column
        return {"file": file, "row": int(rows[i]), "column": col}

    # ids: each distinct value checked once, errors located at its first row
    ids: dict[str, np.ndarray] = {}
    for role in DIMS:
        raw = table[role].astype(object)
        codes, uniques = pd.factorize(raw, use_na_sentinel=True)
        if (codes < 0).any():
            i = int(np.flatnonzero(codes < 0)[0])
            raise ValidationError(locate(tr("error.empty_id", role=role), **where(i, role),
                                         valid=frameworks.id_forms_words()))
        first = np.full(len(uniques), -1)
        first[codes[::-1]] = np.arange(len(codes))[::-1]  # the first row of each distinct id
        check_size(len(uniques), file=file)  # before checking each: a file of a million ids stops here
        canon = np.array([check_id(value, **where(int(first[k]), role))
                          for k, value in enumerate(uniques)], dtype=object)
        ids[role] = canon[codes]

    values, unreadable = parse_scores(table["score"], decimal=decimal)
    if unreadable.any():
        i = int(np.flatnonzero(unreadable)[0])
        cell = table["score"].iloc[i]
        grouped = isinstance(cell, str) and any(g.fullmatch(cell.strip()) for g in _GROUPED.values())
        raise ValidationError(
            locate(tr("error.score_grouped" if grouped else "error.score_not_number"), **where(i, "score"), value=cell,
                   valid=_valid_words(aggregated))
        )
    bad = score_problems(values, aggregated=aggregated)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        out_of_range = abs(values[i]) > 3 or np.isinf(values[i])
        problem = tr("error.score_outside" if out_of_range else "error.score_not_whole")
        raise ValidationError(
            locate(problem, **where(i, "score"), value=table["score"].iloc[i],
                   valid=_valid_words(aggregated))
        )
    diagonal = ids["source"] == ids["target"]
    nonzero_diag = diagonal & np.isfinite(values) & (values != 0)
    if nonzero_diag.any():
        i = int(np.flatnonzero(nonzero_diag)[0])
        raise ValidationError(
            locate(tr("error.self_influence", source=ids["source"][i], target=ids["target"][i]),
                   **where(i, "score"), value=table["score"].iloc[i], valid=tr("error.valid_diagonal"))
        )
    values = np.where(diagonal, np.nan, values)

    has_respondent = "respondent" in table.columns
    if has_respondent:
        resp = table["respondent"].astype(object)
        if resp.isna().any() or (resp.astype(str).str.strip() == "").any():
            i = int(np.flatnonzero((resp.isna() | (resp.astype(str).str.strip() == "")).to_numpy())[0])
            raise ValidationError(locate(tr("error.empty_respondent"), **where(i, "respondent"),
                                         valid=tr("error.valid_respondent")))
        resp = resp.astype(str).str.strip().to_numpy(dtype=object)
        check_no_bidi(resp, what="respondent name", file=file, rows=rows, column="respondent")
        respondents = list(dict.fromkeys(resp))
    else:
        resp = np.full(len(table), "", dtype=object)
        respondents = [""]

    key = pd.DataFrame({"r": resp, "s": ids["source"], "t": ids["target"]})
    dup = key.duplicated(keep=False).to_numpy()
    if dup.any():
        first, second = np.flatnonzero(dup)[:2]
        # find the true partner of the first duplicate
        same = np.flatnonzero((key == key.iloc[first]).all(axis=1).to_numpy())
        first, second = int(same[0]), int(same[1])
        who = tr("error.scored_twice_who", who=resp[first]) if has_respondent else ""
        raise ValidationError(
            locate(tr("error.scored_twice", source=ids["source"][first], target=ids["target"][first], who=who,
                      row=rows[first]), file=file, row=int(rows[second]), valid=tr("error.valid_once"))
        )

    comments = _text_column(table, "comment")
    nul = np.flatnonzero(["\x00" in c for c in comments])
    if len(nul):
        raise ValidationError(locate(tr("error.analysis.comment_nul"), **where(int(nul[0]), "comment"),
                                     valid=tr("error.analysis.valid_no_nul")))
    check_no_bidi(comments, what="comment", file=file, rows=rows, column="comment")
    uncertain = (parse_uncertain(table["uncertain"], file=file, rows=rows)
                 if "uncertain" in table.columns else np.zeros(len(table), dtype=bool))

    node_list = set(ids["source"]) | set(ids["target"])
    if nodes is not None:
        node_list |= {check_id(n, file=file) for n in nodes}
    order = sorted(node_list, key=frameworks.node_sort_key)
    check_size(len(order), len(respondents), file=file)
    pos = {n: k for k, n in enumerate(order)}
    rpos = {r: k for k, r in enumerate(respondents)}
    n, m = len(order), len(respondents)
    score = np.full((m, n, n), np.nan)
    comment = np.full((m, n, n), "", dtype=object)
    unc = np.zeros((m, n, n), dtype=bool)
    ri = np.array([rpos[r] for r in resp], dtype=int)
    si = np.array([pos[s] for s in ids["source"]], dtype=int)
    ti = np.array([pos[t] for t in ids["target"]], dtype=int)
    score[ri, si, ti] = values
    comment[ri, si, ti] = comments
    unc[ri, si, ti] = uncertain
    if not has_respondent:
        score, comment, unc = score[0], comment[0], unc[0]
    return build_dataset(score, comment, unc, order, respondents if has_respondent else None,
                    aggregated=aggregated, attrs=attrs)


def _text_column(table: pd.DataFrame, name: str) -> np.ndarray:
    if name not in table.columns:
        return np.full(len(table), "", dtype=object)
    col = table[name].astype(object)
    return np.array(["" if (v is None or (isinstance(v, float) and np.isnan(v))) else str(v) for v in col],
                    dtype=object)


def column_letter(number: int) -> str:
    """Return a spreadsheet's letter for a 1-based column number.

    >>> column_letter(1), column_letter(26), column_letter(27), column_letter(170)
    ('A', 'Z', 'AA', 'FN')
    """
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def from_wide(
    table: pd.DataFrame,
    *,
    file: object = None,
    aggregated: bool = False,
    attrs: Mapping[str, object] | None = None,
    rows: Sequence[int] | None = None,
    header_row: int = 1,
    decimal: str | None = None,
) -> xr.Dataset:
    """Build a matrix from a wide table: the index and the columns hold the ids, cells the scores.

    The same ids must stand on both axes (in any order). A blank or 0 diagonal reads as NaN; a
    non-zero diagonal is an error. In error messages rows are numbered as a spreadsheet shows them:
    ``rows`` gives the number of each data row (default: header = row ``header_row``, data right
    below it), and a cell's column is named by its spreadsheet letter and header id, e.g. ``C (1.2)``.

    Examples
    --------
    >>> t = pd.DataFrame([["", "2"], ["-1", "0"]], index=["1.1", "1.2"], columns=["1.1", "1.2"])
    >>> from_wide(t)["score"].values.tolist()
    [[nan, 2.0], [-1.0, nan]]
    """
    row_ids = [str(v).strip() if not pd.isna(v) else "" for v in table.index]
    col_ids = [str(v).strip() if not pd.isna(v) else "" for v in table.columns]
    rows = list(rows) if rows is not None else list(range(header_row + 1, header_row + 1 + len(row_ids)))
    if len(rows) != len(row_ids):
        raise ValueError(f"rows has {len(rows)} numbers for {len(row_ids)} rows")
    check_size(max(len(row_ids), len(col_ids)), file=file)
    letters = [column_letter(k + 2) for k in range(len(col_ids))]  # column A holds the row ids
    for axis, axis_ids in (("first column", row_ids), ("header", col_ids)):
        seen: dict[str, int] = {}
        for k, value in enumerate(axis_ids):
            if axis == "header":
                where = {"row": header_row, "column": letters[k]}
            else:
                where = {"row": rows[k], "column": "A"}
            value = check_id(value, file=file, **where)
            if axis == "header":
                col_ids[k] = value
            else:
                row_ids[k] = value
            if value in seen:
                side = tr("error.axis_rows" if axis == "first column" else "error.axis_header")
                raise ValidationError(locate(tr("error.id_twice", axis=side),
                                             file=file, value=value, **where, valid=tr("error.valid_id_once")))
            seen[value] = k
    if set(row_ids) != set(col_ids):
        only_rows = sorted(set(row_ids) - set(col_ids), key=frameworks.node_sort_key)
        only_cols = sorted(set(col_ids) - set(row_ids), key=frameworks.node_sort_key)
        raise ValidationError(
            locate(tr("error.axes_differ", rows=str(only_rows) if only_rows else tr("error.none"),
                      columns=str(only_cols) if only_cols else tr("error.none")), file=file,
                   valid=tr("error.valid_square"))
        )
    n_rows, n_cols = table.shape
    cells = table.to_numpy(dtype=object).ravel()
    long = pd.DataFrame({
        "source": np.repeat(row_ids, n_cols),
        "target": np.tile(col_ids, n_rows),
        "score": cells,
        "_row": np.repeat(np.asarray(rows, dtype=int), n_cols),
        "_column": np.tile([f"{letter} ({i})" for letter, i in zip(letters, col_ids, strict=True)], n_rows),
    })
    return from_long(long, file=file, aggregated=aggregated, attrs=attrs, decimal=decimal)


