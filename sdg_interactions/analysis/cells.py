"""Per-cell statistics of several respondents' answers: how many answered, the spread, contested cells.

The report's agreement section and the robustness work ("diskutera igen") read these numbers.
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import xarray as xr

from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix import DIMS, RESPONDENT, as_matrix

__all__ = ["CELL_VARIABLES", "CONTESTED_IQR", "cell_statistics"]

#: The variables of :func:`cell_statistics`, in order.
CELL_VARIABLES = ("n", "mean", "median", "iqr", "share_pos", "share_neg", "contested")
#: A cell whose answers have an interquartile range of at least this is contested.
CONTESTED_IQR = 2.0


def cell_statistics(obj: xr.DataArray | xr.Dataset, *, dim: Hashable = RESPONDENT) -> xr.Dataset:
    """Summarise each cell's answers over ``dim`` (NaN answers skipped), on ``(..., source, target)``.

    For the ``n`` answers ``x`` of a cell that are not NaN:

    * ``n``: how many answered (0 where no one did; then every other variable is NaN or False)
    * ``mean`` = Σ x / n; ``median``; ``iqr`` = q75 − q25 (percentiles with linear interpolation)
    * ``share_pos`` = #{x > 0} / n, ``share_neg`` = #{x < 0} / n
    * ``contested``: someone scored > 0 and someone < 0, or ``iqr ≥ 2`` (:data:`CONTESTED_IQR`)

    The diagonal is NaN (``n`` = 0). Node coordinates are kept.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        Several answers to one matrix, ``dim`` a leading dim.
    dim : hashable, optional
        The dim the answers lie along (default ``"respondent"``).

    Returns
    -------
    xarray.Dataset
        :data:`CELL_VARIABLES` on ``(..., source, target)``, described; ``attrs["dim"]`` and
        ``attrs["n_<dim>"]`` (how many answers there were).

    Raises
    ------
    ValidationError
        When ``dim`` is not a leading dim of the matrix.

    See Also
    --------
    discuss_again : the contested cells, ranked by how much they move the systemic scores.
    rank_robustness : bootstrap intervals of the ranks over the respondents.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.full((3, 2, 2), np.nan)
    >>> v[:, 0, 1] = [-1, 2, 3]  # 1.1 → 1.2: one says hinders, two say promotes
    >>> v[:, 1, 0] = [0, 0, np.nan]
    >>> s = cell_statistics(from_array(v, ["1.1", "1.2"], respondents=["a", "b", "c"]))
    >>> s["n"].values.tolist(), s["median"].values.tolist()
    ([[0, 3], [2, 0]], [[nan, 2.0], [0.0, nan]])
    >>> s["iqr"].sel(source="1.1", target="1.2").item()  # q75 = 2.5, q25 = 0.5
    2.0
    >>> s["share_neg"].values.round(3).tolist(), s["contested"].values.tolist()
    ([[nan, 0.333], [0.0, nan]], [[False, True], [False, False]])
    """
    da = as_matrix(obj)
    if dim not in da.dims or dim in DIMS:
        raise ValidationError(locate(tr("error.analysis.cells_need_answers"), value=dim,
                                     valid=tr("error.analysis.valid_one_of_dims", dims=tuple(da.dims[:-2]))))
    values = da.transpose(dim, ...).to_numpy().astype(np.float64)
    n = (~np.isnan(values)).sum(axis=0)
    answered = n > 0
    safe = np.where(np.isnan(values), 0.0, values)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(answered, safe.sum(axis=0) / n, np.nan)
        share_pos = np.where(answered, (values > 0).sum(axis=0) / n, np.nan)
        share_neg = np.where(answered, (values < 0).sum(axis=0) / n, np.nan)
    filled = np.where(answered[None], values, 0.0)  # quantiles of all-NaN cells would warn; masked below
    q25, q50, q75 = (np.where(answered, q, np.nan) for q in
                     np.nanquantile(np.where(np.isnan(values) & answered[None], np.nan, filled), [0.25, 0.5, 0.75],
                                    axis=0))
    iqr = q75 - q25
    contested = ((values > 0).any(axis=0) & (values < 0).any(axis=0)) | (answered & (iqr >= CONTESTED_IQR))
    rest = da.isel({dim: 0}, drop=True)
    dims, coords = rest.dims, {k: v for k, v in rest.coords.items()}
    variables = {"n": n.astype(np.int64), "mean": mean, "median": q50, "iqr": iqr, "share_pos": share_pos,
                 "share_neg": share_neg, "contested": contested}
    result = xr.Dataset({k: (dims, v) for k, v in variables.items()}, coords=coords)
    result.attrs.update({"dim": str(dim), f"n_{dim}": int(da.sizes[dim])})
    from sdg_interactions.analysis.descriptions import describe

    return describe(result)
