"""Matrices to and from arrays and pandas: :func:`from_array`, the long and wide tables, the node table.

* :func:`from_array` builds a matrix from a square NumPy array (checked by
  :func:`~sdg_interactions.matrix.validate`); :func:`toy_matrix` is the 4-node matrix of the examples.
* :func:`to_long` and :func:`to_wide` give a matrix as the tables :func:`~sdg_interactions.matrix.from_long` and
  :func:`~sdg_interactions.matrix.from_wide` read back.
* :func:`node_table` gives a matrix's node metadata as a table; :func:`with_node_labels` sets them from one.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.errors import ValidationError, check_no_bidi, tr
from sdg_interactions.matrix.model import DIMS, NODE_FIELDS, as_matrix, build_dataset, node_ids, require_single
from sdg_interactions.matrix.validation import check_id, validate

__all__ = ["from_array", "node_table", "to_long", "to_wide", "toy_matrix", "with_node_labels"]


def from_array(
    values: np.ndarray,
    ids: list[str],
    *,
    respondents: list[str] | None = None,
    aggregated: bool = False,
    attrs: Mapping[str, object] | None = None,
) -> xr.DataArray:
    """Build a score DataArray from a square array (``n × n``, or ``r × n × n`` with ``respondents``).

    Rows and columns are put in the ids' natural order, and the result is checked by
    :func:`~sdg_interactions.matrix.validate`.

    Parameters
    ----------
    values : array_like
        The scores, rows influencing columns; NaN for not scored and on the diagonal.
    ids : list of str
        The node ids of the rows (and, in the same order, of the columns); checked with
        :func:`~sdg_interactions.matrix.check_id`.
    respondents : list of str, optional
        The names of the ``r`` respondents of a three-dimensional ``values``; None for one matrix.
    aggregated : bool, default False
        True for a mean of respondents (floats in [-3, 3]); False for raw answers (whole numbers).
    attrs : mapping, optional
        Provenance to keep in ``attrs`` (title, citation, ...).

    Returns
    -------
    xarray.DataArray
        The ``score`` DataArray, dims ``([respondent,] source, target)``, nodes in natural order, with node
        metadata coordinates.

    Raises
    ------
    sdg_interactions.errors.ValidationError
        If ``values`` has the wrong shape, or breaks a rule of :func:`~sdg_interactions.matrix.validate`.
    sdg_interactions.errors.UnknownIdError
        If an id is not a valid node id.

    See Also
    --------
    sdg_interactions.matrix.from_long : Builds a matrix from a long table, with comments and marks.
    sdg_interactions.matrix.validate : The checks the result passes.
    to_wide : The way back, as a square DataFrame.

    Examples
    --------
    >>> from_array(np.array([[np.nan, 1], [0, np.nan]]), ["1.1", "1.2"]).sel(source="1.1").values.tolist()
    [nan, 1.0]
    """
    values = np.asarray(values, dtype=np.float64)
    ids = [check_id(i) for i in ids]
    n = len(ids)
    m = None if respondents is None else len(respondents)
    expected = (n, n) if m is None else (m, n, n)
    if values.shape != expected:
        raise ValidationError(tr("error.analysis.array_shape", shape=values.shape, n=n, expected=expected,
                                 respondents="" if m is None else tr("error.analysis.array_respondents", m=m)))
    order = sorted(range(n), key=lambda k: frameworks.node_sort_key(ids[k]))
    values = values[..., order, :][..., :, order]
    ids = [ids[k] for k in order]
    ds = build_dataset(values, np.full(values.shape, "", dtype=object), np.zeros(values.shape, bool), ids,
                  respondents, aggregated=aggregated, attrs=attrs)
    return validate(ds)["score"].assign_attrs(dict(attrs or {}))


def to_long(obj: xr.DataArray | xr.Dataset, *, include_unscored: bool = False) -> pd.DataFrame:
    """Return the long table ``[respondent,]source,target,score[,comment,uncertain]``, one row per cell.

    Unscored cells (NaN) are left out unless ``include_unscored``; they keep a row when they carry a
    comment or an uncertain mark, so nothing is lost. The diagonal is always left out.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        The matrix: a score DataArray, or a Dataset with ``score`` and, optionally, ``comment`` and
        ``uncertain``.
    include_unscored : bool, default False
        Give every off-diagonal cell a row, NaN scores included.

    Returns
    -------
    pandas.DataFrame
        One row per cell: the leading dims (``respondent``, ...), ``source``, ``target`` (str) and the
        variables the matrix has.

    See Also
    --------
    sdg_interactions.matrix.from_long : Builds the matrix back from this table.
    to_wide : One matrix as a square table.

    Examples
    --------
    >>> da = from_array(np.array([[np.nan, 1], [0, np.nan]]), ["1.1", "1.2"])
    >>> to_long(da).to_dict("list")
    {'source': ['1.1', '1.2'], 'target': ['1.2', '1.1'], 'score': [1.0, 0.0]}
    """
    ds = obj.to_dataset(name="score") if isinstance(obj, xr.DataArray) else obj
    keep = [v for v in ("score", "comment", "uncertain") if v in ds.data_vars]
    ds = ds[keep].reset_coords(drop=True)
    lead = [d for d in ds["score"].dims if d not in DIMS]
    frame = ds.transpose(*lead, *DIMS).to_dataframe().reset_index()
    frame = frame[frame["source"].astype(str) != frame["target"].astype(str)]
    mask = frame["score"].notna()
    if "comment" in frame:
        mask |= frame["comment"].astype(str) != ""
    if "uncertain" in frame:
        mask |= frame["uncertain"].astype(bool)
    if not include_unscored:
        frame = frame[mask]
    frame = frame[[*lead, "source", "target", *keep]].reset_index(drop=True)
    for col in ("source", "target", *lead):
        frame[col] = frame[col].astype(str)
    return frame


def to_wide(obj: xr.DataArray | xr.Dataset) -> pd.DataFrame:
    """Return the scores as a square DataFrame: index = sources, columns = targets (one matrix only).

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix (no ``respondent`` or other leading dim: see
        :func:`~sdg_interactions.matrix.require_single`).

    Returns
    -------
    pandas.DataFrame
        Rows influence columns; NaN for not scored and on the diagonal.

    Raises
    ------
    sdg_interactions.errors.ValidationError
        If ``obj`` holds several matrices.

    See Also
    --------
    sdg_interactions.matrix.from_wide : Builds the matrix back from this table.
    to_long : The long table, with comments, marks and respondents.

    Examples
    --------
    >>> to_wide(toy_matrix()).loc["1.2"].tolist()
    [0.0, nan, 3.0, 1.0]
    """
    da = require_single(obj, tr("error.analysis.what_wide_table"))
    frame = da.reset_coords(drop=True).to_pandas()
    frame.index.name, frame.columns.name = None, None
    return frame


def node_table(obj: xr.DataArray | xr.Dataset) -> pd.DataFrame:
    """The matrix's own node metadata: a DataFrame indexed by ``id`` with the :data:`NODE_FIELDS` it has.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        The matrix.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``id`` in the matrix's order, with the columns ``framework``, ``group``, ``label_sv`` and
        ``label_en`` that it carries as ``source_*`` coordinates (str).

    See Also
    --------
    with_node_labels : Sets the matrix's labels from such a table.
    sdg_interactions.matrix.node_ids : The ids alone.

    Examples
    --------
    >>> node_table(toy_matrix()).loc["1.2", ["framework", "group", "label_sv"]].tolist()
    ['sdg_target', '1', 'Minska fattigdomen med minst 50 %']
    """
    da = as_matrix(obj)
    frame = pd.DataFrame({f: da[f"source_{f}"].to_numpy().astype(str) for f in NODE_FIELDS
                          if f"source_{f}" in da.coords}, index=pd.Index(node_ids(da), name="id"))
    return frame


def with_node_labels(obj: xr.DataArray | xr.Dataset, table: pd.DataFrame | None, *,
                     file: object = None) -> xr.DataArray | xr.Dataset:
    """Return ``obj`` with its node coordinates overridden by ``table`` where the table has a non-blank value.

    The table's labels are the labels a file carried with its nodes (a GraphML file's node attributes, an
    Excel template's node sheet), which win over the framework registry's. Ids the matrix does not hold are
    ignored. A label given in one language only stands for both, unless the other is given.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        The matrix.
    table : pandas.DataFrame or None
        Has an ``id`` column (or index) and any of ``group``, ``label_sv``, ``label_en``; an optional
        ``_row`` column gives each row's number in the file. None or empty: ``obj`` is returned as it is.
    file : object, optional
        The file the table was read from, named in error messages.

    Returns
    -------
    xarray.DataArray or xarray.Dataset
        ``obj`` with new ``source_*`` and ``target_*`` group and label coordinates.

    Raises
    ------
    sdg_interactions.errors.ValidationError
        A label with a bidi control character is refused (:func:`~sdg_interactions.errors.check_no_bidi`),
        named by ``file`` and the table's ``_row`` column where it has one.

    See Also
    --------
    node_table : The node metadata a matrix carries, as such a table.
    sdg_interactions.matrix.from_graph : Reads a graph's node attributes with this.

    Examples
    --------
    >>> m = with_node_labels(toy_matrix(), pd.DataFrame({"id": ["1.1"], "label_sv": ["Fattigdom"]}))
    >>> m["source_label_sv"].values.tolist()[:2], m["target_label_sv"].values.tolist()[0]
    (['Fattigdom', 'Minska fattigdomen med minst 50 %'], 'Fattigdom')
    """
    if table is None or len(table) == 0:
        return obj
    rows = table["_row"].tolist() if "_row" in table.columns else None
    for field in [f for f in NODE_FIELDS[1:] if f in table.columns]:
        check_no_bidi(table[field].tolist(), what="group" if field == "group" else "label", file=file, rows=rows,
                      column=field)
    frame = table.set_index("id") if "id" in table.columns else table
    frame.index = frame.index.astype(str).str.strip()
    ids = node_ids(obj)
    values = {}
    for field in NODE_FIELDS[1:]:
        current = obj[f"source_{field}"].to_numpy().astype(str) if f"source_{field}" in obj.coords else np.array(ids)
        given = frame[field].reindex(ids) if field in frame.columns else pd.Series([""] * len(ids))
        given = given.where(given.notna(), "").astype(str).str.strip().to_numpy()
        values[field] = (np.where(given != "", given, current), given != "")
    # a label given in one language only stands for both (as the registry does), unless the other is given
    for lang, other in (("sv", "en"), ("en", "sv")):
        label, given = values[f"label_{lang}"]
        other_label, other_given = values[f"label_{other}"]
        values[f"label_{lang}"] = (np.where(~given & other_given, other_label, label), given)
    return obj.assign_coords({f"{role}_{field}": (role, values[field][0].astype(object))
                              for field in NODE_FIELDS[1:] for role in DIMS})


def toy_matrix() -> xr.DataArray:
    """A 4-node matrix for examples, nodes 1.1 … 1.4, rows influence columns::

        A = [[·, 2, -2,  0],
             [0, ·,  3,  1],
             [0, 0,  ·, -1],
             [1, 0,  0,  ·]]

    Returns
    -------
    xarray.DataArray
        The raw answers of one respondent (whole numbers), NaN on the diagonal.

    See Also
    --------
    from_array : How it is built.
    sdg_interactions.sdg_synergies : The analysis most examples run on it.

    Examples
    --------
    >>> toy_matrix().sel(source="1.2", target="1.3").item()
    3.0
    """
    nan = np.nan
    values = np.array([[nan, 2, -2, 0], [0, nan, 3, 1], [0, 0, nan, -1], [1, 0, 0, nan]])
    return from_array(values, ["1.1", "1.2", "1.3", "1.4"])
