"""Aggregating several respondents' answers into one matrix: mean, median or trimmed mean.

One numpy kernel per cell's answers (:func:`combine_answers`), applied with
:func:`xarray.apply_ufunc` (``dask="parallelized"``), so a dask-backed stack stays lazy until computed.
"""

from __future__ import annotations

import numbers
from collections.abc import Hashable

import numpy as np
import xarray as xr

from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix.model import RESPONDENT, as_matrix, require_single

__all__ = ["AGGREGATIONS", "aggregate", "combine_answers", "single_matrix"]

#: Aggregation methods of :func:`aggregate`.
AGGREGATIONS = ("mean", "median", "trimmed")


def combine_answers(values: np.ndarray, method: str = "mean", trim: float = 0.1) -> np.ndarray:
    """Combine answers along the last axis, skipping NaN; NaN where no one answered.

    * ``mean``: Σ x / n over the ``n`` answers that are not NaN
    * ``median``: the middle answer (the mean of the two middle ones for even ``n``)
    * ``trimmed``: the mean after dropping ``floor(trim · n)`` answers from each end of the sorted answers

    Parameters
    ----------
    values : numpy.ndarray
        The answers on the last axis (NaN: not answered); any leading axes are kept.
    method : {"mean", "median", "trimmed"}, default "mean"
        How to combine them (any other value is read as ``"trimmed"``: :func:`aggregate` checks it).
    trim : float, default 0.1
        The share cut from each end for ``"trimmed"``.

    Returns
    -------
    numpy.ndarray
        One value per answer set, ``values.shape[:-1]``, as float64.

    See Also
    --------
    aggregate : This kernel applied to a matrix's respondent dim.
    single_matrix : The one matrix the metrics read.

    Examples
    --------
    >>> x = np.array([[1.0, 3.0, np.nan], [np.nan, np.nan, np.nan], [-3.0, 0.0, 3.0]])
    >>> combine_answers(x).tolist(), combine_answers(x, "median").tolist()
    ([2.0, nan, 0.0], [2.0, nan, 0.0])
    >>> combine_answers(np.array([-3.0, 1, 1, 1, 2, 2, 2, 2, 2, 3]), "trimmed", 0.1).item()  # 1+1+1+2·5 … / 8
    1.625
    """
    values = np.asarray(values, dtype=np.float64)
    count = np.sum(~np.isnan(values), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "mean":
            out = np.nansum(values, axis=-1) / count
        else:
            ordered = np.sort(values, axis=-1)  # NaN sort last
            if method == "median":
                lo = np.maximum((count - 1) // 2, 0)
                hi = np.maximum(count // 2, 0)
                out = (np.take_along_axis(ordered, lo[..., None], -1)[..., 0]
                       + np.take_along_axis(ordered, hi[..., None], -1)[..., 0]) / 2
            else:
                cut = np.floor(trim * count).astype(int)
                k = np.arange(values.shape[-1])
                keep = (k >= cut[..., None]) & (k < (count - cut)[..., None])
                out = np.where(keep, ordered, 0.0).sum(axis=-1) / keep.sum(axis=-1)
    return np.where(count > 0, out, np.nan)


def aggregate(
    obj: xr.DataArray | xr.Dataset,
    method: str = "mean",
    *,
    dim: Hashable = RESPONDENT,
    trim: float = 0.1,
) -> xr.DataArray:
    """Aggregate several respondents' answers into one matrix, skipping NaN answers.

    A NaN answer is never read as 0; a cell no one scored stays NaN.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        The answers, with ``dim`` among the matrix's dims; a dask-backed input stays lazy.
    method : {"mean", "median", "trimmed"}, default "mean"
        ``mean`` (SDG Synergies' choice), ``median`` or ``trimmed`` (the mean after cutting
        ``floor(trim · n)`` answers from each end of each cell's ``n`` answers, ``0 ≤ trim < 0.5``); see
        :func:`combine_answers`.
    dim : hashable, default "respondent"
        ``dim`` must be a dim of the matrix (as in xarray).
    trim : float, default 0.1
        The share cut from each end for ``"trimmed"``, ``0 ≤ trim < 0.5``.

    Returns
    -------
    xarray.DataArray
        The matrix ``score`` on the other dims and ``source``, ``target``. The result has
        ``attrs["aggregated"] = 1``, ``attrs["aggregation"] = method`` and ``attrs["n_<dim>"]``.

    Raises
    ------
    ValidationError
        If ``method`` is unknown, ``trim`` is out of its range, or ``dim`` is not a leading dim of the matrix.

    See Also
    --------
    combine_answers : The numpy kernel, one cell's answers at a time.
    single_matrix : Aggregate only when there are several respondents.

    Examples
    --------
    >>> from sdg_interactions.matrix.conversions import from_array
    >>> v = np.array([[[np.nan, 1], [0, np.nan]], [[np.nan, 3], [np.nan, np.nan]]])
    >>> m = from_array(v, ["1.1", "1.2"], respondents=["a", "b"])
    >>> aggregate(m).values.tolist()
    [[nan, 2.0], [0.0, nan]]
    >>> aggregate(m, dim="kommun")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: the matrix has no dim of that name: 'kommun'. Valid: one of ('respondent',).
    """  # noqa: E501
    if method not in AGGREGATIONS:
        raise ValidationError(locate(tr("error.analysis.unknown_aggregation"), value=method,
                                     valid=", ".join(AGGREGATIONS)))
    if isinstance(trim, bool) or not isinstance(trim, numbers.Real) or not 0 <= float(trim) < 0.5:
        raise ValidationError(locate(tr("error.analysis.trim_share"), value=trim,
                                     valid=tr("error.analysis.valid_trim")))
    da = as_matrix(obj)
    if dim not in da.dims or dim in ("source", "target"):
        raise ValidationError(locate(tr("error.analysis.no_such_dim"), value=dim,
                                     valid=tr("error.analysis.valid_one_of_dims", dims=tuple(d for d in da.dims[:-2]))))
    result = xr.apply_ufunc(combine_answers, da, kwargs={"method": method,
                            "trim": float(trim)}, input_core_dims=[[dim]], dask="parallelized",
                            output_dtypes=[np.float64], dask_gufunc_kwargs={"allow_rechunk": True},
                            keep_attrs=True)
    result.attrs.update({"aggregated": 1, "aggregation": method, f"n_{dim}": int(da.sizes[dim])})
    result.name = "score"
    return result.transpose(..., "source", "target")


def single_matrix(obj: xr.DataArray | xr.Dataset, method: str = "mean", *, what: str | None = None) -> xr.DataArray:
    """The one matrix the metrics read.

    Several respondents' answers are aggregated with ``method`` (:func:`aggregate`), else the matrix's score
    is taken as it is; any other leading dim is refused (:func:`~sdg_interactions.matrix.require_single`).
    The matrix's attrs (provenance) are kept.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix, or several respondents' answers on ``respondent``.
    method : {"mean", "median", "trimmed"}, default "mean"
        How several respondents' answers are aggregated.
    what : str, optional
        ``what`` names the caller for the message of :func:`~sdg_interactions.matrix.require_single`.

    Returns
    -------
    xarray.DataArray
        The matrix on ``source``, ``target``.

    Raises
    ------
    ValidationError
        If ``method`` is unknown (with several respondents), or a leading dim other than ``respondent`` is left.

    See Also
    --------
    aggregate : The aggregation, on any dim and with ``trim``.
    sdg_interactions.matrix.require_single : The check for one matrix, without aggregating.

    Examples
    --------
    >>> from sdg_interactions.matrix.conversions import from_array, toy_matrix
    >>> single_matrix(toy_matrix()).dims
    ('source', 'target')
    >>> m = from_array(np.array([[[np.nan, 1], [0, np.nan]], [[np.nan, 3], [2, np.nan]]]), ["1.1", "1.2"],
    ...                respondents=["a", "b"])
    >>> single_matrix(m, "median").values.tolist()
    [[nan, 2.0], [1.0, nan]]
    """
    da = as_matrix(obj)
    if RESPONDENT in da.dims:
        da = aggregate(da, method)
    da = require_single(da, tr("error.analysis.what_this") if what is None else what)
    da.attrs = {**obj.attrs, **da.attrs}
    return da
