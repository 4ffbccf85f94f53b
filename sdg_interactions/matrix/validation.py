"""The rules a matrix obeys, and the one validator that guards every constructor.

* :func:`score_problems`: which scores break the scale's rules (the one rule set for values).
* :func:`check_id`, :func:`check_canonical_ids`: node ids (behind
  :func:`~sdg_interactions.frameworks.check_node_id`), :func:`check_size`: the size limits.
* :func:`validate`: a whole matrix held in memory against the data model of
  :mod:`~sdg_interactions.matrix.model`; :func:`is_aggregated`: whether it says it holds means.

Table readers (:func:`~sdg_interactions.matrix.from_long`, :func:`~sdg_interactions.matrix.from_wide`) use
the same rules cell by cell, so their errors name file, row and column; :func:`validate` names the cell.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.errors import UnknownIdError, ValidationError, locate, tr
from sdg_interactions.matrix.model import DIMS, MAX_CELLS, MAX_ID_LENGTH, MAX_NODES, SCORE_RANGE, TRUE_WORDS

__all__ = ["check_canonical_ids", "check_id", "check_size", "is_aggregated", "score_problems", "validate"]


def score_problems(values: np.ndarray, *, aggregated: bool = False) -> np.ndarray:
    """Return a boolean mask of the scores that break the scale's rules.

    The one rule set for every constructor: NaN (not scored) is fine; any other value must lie in
    [-3, 3] and, unless ``aggregated``, be a whole number.

    Parameters
    ----------
    values : array_like
        Scores of any shape, as floats; NaN means "not scored".
    aggregated : bool, default False
        True for a mean of respondents (any number in [-3, 3]); False for raw answers (whole numbers).

    Returns
    -------
    numpy.ndarray of bool
        The shape of ``values``: True where a value is infinite, outside [-3, 3] or, unless ``aggregated``,
        not a whole number.

    See Also
    --------
    validate : Applies these rules, with the others, to a whole matrix, naming the first bad cell.
    sdg_interactions.matrix.from_long : Applies them to a table's cells, naming file, row and column.

    Examples
    --------
    >>> score_problems(np.array([np.nan, 0.0, 3.0, 2.5, -4.0])).tolist()
    [False, False, False, True, True]
    >>> score_problems(np.array([2.5]), aggregated=True).tolist()
    [False]
    """
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        bad = (values < SCORE_RANGE[0]) | (values > SCORE_RANGE[1]) | np.isinf(values)
        if not aggregated:
            bad |= np.isfinite(values) & (values != np.round(values))
    return bad


def check_id(node_id: object, *, file: object = None, row: int | None = None, column: object = None) -> str:
    """Check one node id and return it in canonical form.

    This is :func:`~sdg_interactions.frameworks.check_node_id` behind two guards every reader needs.
    An id longer than :data:`~sdg_interactions.matrix.MAX_ID_LENGTH` characters, or one with digits that are
    not ASCII (``LULEA-٣`` would otherwise read as ``LULEA-3``), raises
    :class:`~sdg_interactions.errors.UnknownIdError` naming where it was read.

    Parameters
    ----------
    node_id : object
        The id as read; anything but a ``str`` is refused (read id columns as text).
    file : object, optional
        The file the id was read from, named in the error message.
    row : int, optional
        The row it was read from, as a spreadsheet shows it (header = row 1), for the message.
    column : object, optional
        The column it was read from, for the message.

    Returns
    -------
    str
        The id in canonical form: stripped, Unicode NFC, leading zeros of a ``PREFIX-N`` number dropped.

    Raises
    ------
    sdg_interactions.errors.UnknownIdError
        If the id is too long, has digits that are not ASCII, or is not a valid node id.

    See Also
    --------
    sdg_interactions.frameworks.check_node_id : The id rules behind the two guards.
    check_canonical_ids : Checks a whole axis: every id canonical and there once.

    Examples
    --------
    >>> check_id(" LULEA-03 ")
    'LULEA-3'
    >>> check_id("LULEA-\u0663", file="m.csv", row=2, column="source")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.UnknownIdError: m.csv, row 2, column 'source': a target id with digits that are not ASCII 0-9: 'LULEA-٣'. Valid: ...
    """  # noqa: E501
    if isinstance(node_id, str):
        where = {"file": file, "row": row, "column": column}
        if len(node_id.strip()) > MAX_ID_LENGTH:
            raise UnknownIdError(locate(tr("error.id_too_long", n=len(node_id.strip()), limit=MAX_ID_LENGTH),
                                        value=node_id.strip(), valid=frameworks.id_forms_words(), **where))
        if any(c.isdigit() and not c.isascii() for c in node_id):
            raise UnknownIdError(locate(tr("error.id_digits"), value=node_id.strip(),
                                        valid=frameworks.id_forms_words(), **where))
    return frameworks.check_node_id(node_id, file=file, row=row, column=column)


def check_size(nodes: int, respondents: int = 1, *, file: object = None) -> None:
    """Refuse a matrix larger than the size limits, before it is built.

    The limits are :data:`~sdg_interactions.matrix.MAX_NODES` nodes and :data:`~sdg_interactions.matrix.MAX_CELLS`
    cells (respondents × nodes × nodes): a reader calls this before it allocates the arrays.

    Parameters
    ----------
    nodes : int
        The number of nodes the matrix would have.
    respondents : int, default 1
        The number of respondents; the cells are ``respondents * nodes * nodes``.
    file : object, optional
        The file the matrix is read from, named in the error message.

    Raises
    ------
    sdg_interactions.errors.ValidationError
        If there are more than ``MAX_NODES`` nodes or more than ``MAX_CELLS`` cells.

    See Also
    --------
    validate : Checks the node count of a matrix already built.
    sdg_interactions.matrix.from_long : Calls this before it checks each id or allocates the arrays.

    Examples
    --------
    >>> check_size(34, 12)
    >>> check_size(2001, file="m.csv")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: m.csv: the matrix would have 2001 targets; the limit is 2000. Valid: at most 2000 targets (and 20000000 cells in all).
    """  # noqa: E501
    cells = respondents * nodes * nodes
    if nodes > MAX_NODES or cells > MAX_CELLS:
        problem = (tr("error.matrix.too_many_nodes", n=nodes, limit=MAX_NODES) if nodes > MAX_NODES else
                   tr("error.matrix.too_many_cells", cells=cells, respondents=respondents, n=nodes, limit=MAX_CELLS))
        raise ValidationError(locate(problem, file=file, valid=tr("error.matrix.valid_size", nodes=MAX_NODES,
                                                                   cells=MAX_CELLS)))


def check_canonical_ids(ids, *, file: object = None, column: str = "node id") -> None:
    """Every id checked (:func:`check_id`), written in its canonical form and given once; else our error.

    Parameters
    ----------
    ids : iterable
        The ids of one axis, as the matrix holds them.
    file : object, optional
        Where the matrix came from, named in the error message.
    column : str, default "node id"
        What the ids are (an axis's name, a file's column), for the message.

    Raises
    ------
    sdg_interactions.errors.UnknownIdError
        If an id is not a valid node id (:func:`check_id`).
    sdg_interactions.errors.ValidationError
        If an id is not in its canonical form, or is given twice.

    See Also
    --------
    check_id : Checks one id and returns its canonical form.
    validate : Checks a matrix's axes with this, among its other checks.

    Examples
    --------
    >>> check_canonical_ids(["1.1", "LULEA-3"])
    >>> check_canonical_ids(["LULEA-03"], column="source")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: column 'source': a target id not written in its canonical form: 'LULEA-03'. Valid: 'LULEA-3' (no spaces around it, no leading zeros).
    """  # noqa: E501
    seen: set[str] = set()
    for i in ids:
        canonical = check_id(i if isinstance(i, str) else str(i), file=file, column=column)
        if canonical != i:
            raise ValidationError(locate(tr("error.matrix.not_canonical"), file=file, column=column, value=i,
                                         valid=tr("error.matrix.valid_canonical", canonical=repr(canonical))))
        if canonical in seen:
            raise ValidationError(locate(tr("error.matrix.id_twice"), file=file, column=column, value=i,
                                         valid=tr("error.matrix.valid_once")))
        seen.add(canonical)


def validate(obj: xr.DataArray | xr.Dataset, *, file: object = None) -> xr.DataArray | xr.Dataset:
    """Check a matrix held in memory against the data model; return it unchanged, or raise.

    The one validator that guards every constructor (:func:`~sdg_interactions.matrix.from_array`,
    :func:`~sdg_interactions.matrix.from_graph`, the readers of :mod:`sdg_interactions.io`). Checks, in this
    order; the first that fails raises:

    1. dims end with ``("source", "target")``;
    2. the same ids in the same order on both;
    3. at most :data:`~sdg_interactions.matrix.MAX_NODES` nodes (:func:`check_size`);
    4. every id valid (:func:`check_id`: at most :data:`~sdg_interactions.matrix.MAX_ID_LENGTH` characters,
       ASCII digits, a form :func:`~sdg_interactions.frameworks.check_node_id` accepts), in its canonical form
       (``LULEA-1``, not ``LULEA-01`` or ``" LULEA-1"``) and there once (:func:`check_canonical_ids`);
    5. the ids in their natural order (1.2 before 10.1: every reader sorts so; string order, as
       ``xr.concat(join="outer")`` leaves it, is refused);
    6. values on the scale: NaN or a finite number in [-3, 3], whole numbers unless ``attrs["aggregated"]``
       (:func:`score_problems`, :func:`is_aggregated`);
    7. NaN on the diagonal.

    Of a Dataset only the ``score`` variable is checked.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        The matrix: a score DataArray, or a Dataset with a ``score`` variable; any leading dims
        (``respondent``, ...) before ``("source", "target")``.
    file : object, optional
        Names where the matrix came from in error messages.

    Returns
    -------
    xarray.DataArray or xarray.Dataset
        ``obj`` itself, unchanged.

    Raises
    ------
    sdg_interactions.errors.ValidationError
        If a check fails: the message names the dims, the id or the first bad cell.
    sdg_interactions.errors.UnknownIdError
        If an id is not a valid node id.

    See Also
    --------
    score_problems : The rules for values, on an array.
    sdg_interactions.matrix.from_array : Builds a matrix from an array and validates it.
    sdg_interactions.matrix.as_matrix : Gets the score DataArray, aligned, without checking values.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> da = from_array(np.array([[np.nan, 1], [0, np.nan]]), ["1.1", "1.2"])
    >>> validate(da) is da
    True
    >>> validate(da + 4)
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: cell source 1.1, target 1.2: score outside the scale: '5.0'. Valid: an integer from -3 to 3 (2 or 2.0, not 2.5), or blank for not scored.
    >>> validate(toy_matrix().isel(source=[0, 2, 1, 3], target=[0, 2, 1, 3]))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: the targets are not in their natural order (1.3 before 1.2): '1.2'. Valid: ...
    """  # noqa: E501
    da = obj["score"] if isinstance(obj, xr.Dataset) else obj
    if tuple(da.dims[-2:]) != DIMS:
        raise ValidationError(locate(tr("error.analysis.last_dims", dims=DIMS), file=file,
                                     value=tuple(da.dims), valid=tr("error.analysis.valid_transpose")))
    src = [str(v) for v in da["source"].values]
    tgt = [str(v) for v in da["target"].values]
    if src != tgt:
        raise ValidationError(locate(tr("error.analysis.axes_order"), file=file,
                                     valid=tr("error.analysis.valid_reindex")))
    check_size(len(src), file=file)
    check_canonical_ids(da["source"].values, file=file, column="source")
    keys = [frameworks.node_sort_key(i) for i in src]
    if wrong := next((k for k in range(1, len(keys)) if keys[k] < keys[k - 1]), None):
        raise ValidationError(locate(tr("error.analysis.natural_order", before=src[wrong - 1], after=src[wrong]),
                                     file=file, value=src[wrong], valid=tr("error.analysis.valid_natural_order")))
    aggregated = is_aggregated(obj)
    values = da.values
    bad = score_problems(values, aggregated=aggregated)
    n = len(src)
    diag = np.zeros((n, n), dtype=bool)
    np.fill_diagonal(diag, True)
    bad |= np.broadcast_to(diag, values.shape) & ~np.isnan(values)
    if bad.any():
        index = np.unravel_index(int(np.flatnonzero(bad)[0]), values.shape)
        lead = ", ".join(f"{d} {da[d].values[k]}" for d, k in zip(da.dims[:-2], index[:-2], strict=True)
                         if d in da.coords)
        cell = tr("error.analysis.cell", lead=lead + ", " if lead else "", source=src[index[-2]], target=src[index[-1]])
        if file is not None:
            cell = f"{file}, {cell}"
        on_diag = index[-2] == index[-1]
        problem = tr("error.analysis.diagonal_nan") if on_diag else (
            tr("error.score_outside") if abs(values[index]) > 3 or np.isinf(values[index])
            else tr("error.score_not_whole"))
        raise ValidationError(locate(problem, file=cell, value=values[index],
                                     valid="NaN" if on_diag
                                     else tr("error.valid_aggregated" if aggregated else "error.valid_raw")))
    return obj


def is_aggregated(obj: xr.DataArray | xr.Dataset) -> bool:
    """True if the matrix says it holds aggregated floats (``attrs["aggregated"]``).

    A Dataset's own attrs win over its ``score`` variable's. A text value counts as true if it is one of
    :data:`~sdg_interactions.matrix.TRUE_WORDS` (a file's attribute such as ``"1"`` or ``"ja"``).

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        The matrix.

    Returns
    -------
    bool
        True for a mean of respondents (floats in [-3, 3]), False for raw answers (whole numbers).

    See Also
    --------
    validate : Checks whole numbers only where this is False.
    sdg_interactions.matrix.aggregate : Makes an aggregated matrix, with ``attrs["aggregated"] = 1``.

    Examples
    --------
    >>> is_aggregated(toy_matrix()), is_aggregated(toy_matrix().assign_attrs(aggregated="ja"))
    (False, True)
    """
    attrs = dict(obj.attrs)
    if isinstance(obj, xr.Dataset) and "score" in obj:
        attrs = {**obj["score"].attrs, **attrs}
    value = attrs.get("aggregated", 0)
    if isinstance(value, str):
        return value.strip().lower() in TRUE_WORDS
    return bool(value)
