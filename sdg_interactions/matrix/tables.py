"""Building matrices from tables: long ``[respondent,]source,target,score[,comment,uncertain]`` and wide.

Cells may be text as read from a file; they are parsed (:mod:`~sdg_interactions.matrix.parsing`) and checked
by the one rule set of :mod:`sdg_interactions.matrix` (:func:`~sdg_interactions.matrix.score_problems`) and
:func:`~sdg_interactions.frameworks.check_node_id`. Errors name the file, the row as a spreadsheet shows
it (header = row 1), the column and the value. The readers in :mod:`sdg_interactions.io` turn files
into tables and call these.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.errors import InputFormatError, ValidationError, check_no_bidi, locate, tr
from sdg_interactions.matrix.model import DIMS, build_dataset
from sdg_interactions.matrix.parsing import _GROUPED, parse_scores, parse_uncertain
from sdg_interactions.matrix.validation import check_id, check_size, score_problems

__all__ = ["column_letter", "from_long", "from_wide"]


def _valid_words(aggregated: bool):
    """What a score may be, in both languages (the words of :data:`VALID_AGGREGATED` or :data:`VALID_RAW`)."""
    return tr("error.valid_aggregated" if aggregated else "error.valid_raw")


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

    Raises
    ------
    sdg_interactions.errors.InputFormatError
        If a column is missing, or named twice.
    sdg_interactions.errors.ValidationError
        If a cell breaks a rule: the message names the file, row, column and value.

    See Also
    --------
    from_wide : Builds a matrix from a square table, through this.
    sdg_interactions.matrix.to_long : The long table of a matrix, which this reads back.
    sdg_interactions.matrix.from_array : Builds a matrix from an array of numbers.

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

    Parameters
    ----------
    number : int
        The column's number, 1 for column A; 0 or less gives ``""``.

    Returns
    -------
    str
        The column's letters, as a spreadsheet shows them.

    See Also
    --------
    from_wide : Names a cell's column by this letter in error messages.

    Examples
    --------
    >>> column_letter(1), column_letter(26), column_letter(27), column_letter(170)
    ('A', 'Z', 'AA', 'FN')
    """
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _ids_from_first_column(table: pd.DataFrame) -> pd.DataFrame:
    """A table as ``pd.read_excel(f)`` or ``pd.read_csv(f)`` gives a wide matrix: pandas' own row numbers as the
    index and the ids in the first column (named "Unnamed: 0" or anything). When the index is pandas' default
    (0, 1, …) and the first column holds exactly the other columns' ids, the first column becomes the index."""
    if not isinstance(table.index, pd.RangeIndex) or table.shape[1] < 2:
        return table
    first = [str(v).strip() for v in table.iloc[:, 0]]
    others = [str(c).strip() for c in table.columns[1:]]
    if sorted(first) == sorted(others):
        return table.set_index(table.columns[0]).rename_axis(None)
    return table


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

    Parameters
    ----------
    table : pandas.DataFrame
        The index and the columns hold the ids, the cells the scores (numbers, or text as read from a file).
        A table as ``pd.read_excel``/``pd.read_csv`` gives it — pandas' row numbers as the index, the ids in the
        first column — is read the same way.
    file : object, optional
        The file name to name in error messages.
    aggregated : bool, default False
        False for raw answers (integers -3…3), True for aggregated floats in [-3, 3].
    attrs : mapping, optional
        Provenance to keep in ``attrs`` (title, citation, ...).
    rows : sequence of int, optional
        The spreadsheet row number of each data row, one per row of ``table``.
    header_row : int, default 1
        The spreadsheet row of the header, if ``rows`` is not given.
    decimal : {".", ","}, optional
        The decimal mark of the file the cells come from (see :func:`parse_scores`).

    Returns
    -------
    xarray.Dataset
        As :func:`from_long` returns it: ``score``, ``comment`` (all ``""``) and ``uncertain`` (all False),
        nodes in natural order.

    Raises
    ------
    sdg_interactions.errors.ValidationError
        If an id is given twice on an axis, the axes hold different ids, or a cell breaks a rule.
    sdg_interactions.errors.UnknownIdError
        If an id is not a valid node id.

    See Also
    --------
    from_long : The long table, with respondents, comments and marks.
    sdg_interactions.matrix.to_wide : The square table of a matrix, which this reads back.

    Examples
    --------
    >>> t = pd.DataFrame([["", "2"], ["-1", "0"]], index=["1.1", "1.2"], columns=["1.1", "1.2"])
    >>> from_wide(t)["score"].values.tolist()
    [[nan, 2.0], [-1.0, nan]]
    >>> read_back = t.reset_index()  # as pd.read_excel gives it: the ids in the first column, 0, 1 as the index
    >>> from_wide(read_back)["score"].values.tolist()
    [[nan, 2.0], [-1.0, nan]]
    """
    table = _ids_from_first_column(table)
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


