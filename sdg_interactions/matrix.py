"""Interaction matrices: building, validating and aggregating them; xarray <-> pandas.

The data model (see the README's "Data model" section):

* An interaction matrix is an :class:`xarray.DataArray` named ``score`` with dims
  ``("source", "target")``: rows influence columns. "target" here is the graph role; an SDG target is a
  *node*. Values are float64; **NaN means "not scored", 0 means "scored: no interaction"**; the
  diagonal is NaN.
* Raw answers are integers -3…+3; aggregated matrices (a mean of respondents) hold floats in [-3, 3]
  and say so with ``attrs["aggregated"] = 1``.
* Several respondents (kommuner, samples) add leading dims, e.g. ``("respondent", "source", "target")``.
  Comments and uncertainty marks are aligned arrays in one :class:`xarray.Dataset` (``score``,
  ``comment``, ``uncertain``).
* Node metadata are coordinates on both axes: ``source_framework``, ``source_group``,
  ``source_label_sv``, ``source_label_en`` (and ``target_*`` likewise).

Every constructor goes through one set of rules (:func:`score_problems` for values,
:func:`~sdg_interactions.frameworks.check_node_id` for ids) and ends in :func:`build_dataset`:
:func:`~sdg_interactions.tables.from_long` and :func:`~sdg_interactions.tables.from_wide` for tables
(errors name the file, row and column), :func:`from_array` and :func:`validate` for arrays (errors name
the cell).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.errors import ValidationError, locate

__all__ = [
    "AGGREGATIONS",
    "DIMS",
    "FALSE_WORDS",
    "NODE",
    "RESPONDENT",
    "SCORE_RANGE",
    "TRUE_WORDS",
    "VALID_AGGREGATED",
    "VALID_RAW",
    "aggregate",
    "as_matrix",
    "build_dataset",
    "from_array",
    "is_aggregated",
    "node_coords",
    "node_ids",
    "score_problems",
    "to_long",
    "to_wide",
    "validate",
]

#: The two matrix dims: rows (``source``) influence columns (``target``).
DIMS = ("source", "target")
#: The leading dim of several respondents' answers.
RESPONDENT = "respondent"
#: The dim of per-node results.
NODE = "node"
#: The seven-point scale's bounds.
SCORE_RANGE = (-3, 3)
#: Words read as "marked uncertain" / "not marked" (case-insensitive); blank is "not marked".
TRUE_WORDS = frozenset({"1", "true", "yes", "ja", "x", "sant"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "nej", "falskt"})
#: Aggregation methods of :func:`aggregate`.
AGGREGATIONS = ("mean", "median", "trimmed")

#: The scale, as noted in every matrix's attrs.
SCALE_NOTE = "Nilsson, Griggs & Visbeck (2016) seven-point scale, -3 (cancelling) to +3 (indivisible)"
VALID_RAW = "an integer from -3 to 3 (2 or 2.0, not 2.5), or blank for not scored"
VALID_AGGREGATED = "a number from -3 to 3, or blank for not scored"


def score_problems(values: np.ndarray, *, aggregated: bool = False) -> np.ndarray:
    """Return a boolean mask of the scores that break the scale's rules.

    The one rule set for every constructor: NaN (not scored) is fine; any other value must lie in
    [-3, 3] and, unless ``aggregated``, be a whole number.

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


def node_coords(ids: list[str], extra_nodes: pd.DataFrame | None = None) -> dict[str, tuple]:
    """Coordinates with node metadata for both axes: ``source_group``, ``target_label_sv``, ..."""
    info = frameworks.node_info(ids, extra=extra_nodes)
    coords: dict[str, tuple] = {}
    for role in DIMS:
        for field in ("framework", "group", "label_sv", "label_en"):
            coords[f"{role}_{field}"] = (role, info[field].astype(str).to_numpy(dtype=object))
    return coords


def build_dataset(
    score: np.ndarray,
    comment: np.ndarray,
    uncertain: np.ndarray,
    order: list[str],
    respondents: list[str] | None,
    *,
    aggregated: bool,
    attrs: Mapping[str, object] | None = None,
    extra_nodes: pd.DataFrame | None = None,
) -> xr.Dataset:
    """Assemble the matrix Dataset from checked arrays (``[r ×] n × n``) and node ids in natural order.

    The last step of every constructor; it adds node metadata coordinates and the ``aggregated`` and
    ``scale`` attrs. It does not check values: callers validate first.
    """
    unc = uncertain
    dims = ((RESPONDENT,) if respondents is not None else ()) + DIMS
    coords: dict[str, object] = {"source": list(order), "target": list(order)}
    if respondents is not None:
        coords[RESPONDENT] = list(respondents)
    coords.update(node_coords(list(order), extra_nodes))
    ds = xr.Dataset(
        {
            "score": (dims, np.asarray(score, dtype=np.float64)),
            "comment": (dims, np.asarray(comment, dtype=object)),
            "uncertain": (dims, np.asarray(unc, dtype=bool)),
        },
        coords=coords,
    )
    ds.attrs.update(dict(attrs or {}))
    ds.attrs["aggregated"] = int(bool(aggregated))
    ds.attrs.setdefault("scale", SCALE_NOTE)
    ds["score"].attrs.update({"aggregated": int(bool(aggregated)), "long_name": "interaction score",
                              "valid_range": [-3, 3]})
    return ds


def from_array(
    values: np.ndarray,
    ids: list[str],
    *,
    respondents: list[str] | None = None,
    aggregated: bool = False,
    attrs: Mapping[str, object] | None = None,
) -> xr.DataArray:
    """Build a score DataArray from a square array (``n × n``, or ``r × n × n`` with ``respondents``).

    Examples
    --------
    >>> from_array(np.array([[np.nan, 1], [0, np.nan]]), ["1.1", "1.2"]).sel(source="1.1").values.tolist()
    [nan, 1.0]
    """
    values = np.asarray(values, dtype=np.float64)
    ids = [frameworks.check_node_id(i) for i in ids]
    n = len(ids)
    m = None if respondents is None else len(respondents)
    expected = (n, n) if m is None else (m, n, n)
    if values.shape != expected:
        raise ValidationError(f"array of shape {values.shape} does not fit {n} ids"
                              f"{'' if m is None else f' and {m} respondents'}. Valid: shape {expected}.")
    order = sorted(range(n), key=lambda k: frameworks.node_sort_key(ids[k]))
    values = values[..., order, :][..., :, order]
    ids = [ids[k] for k in order]
    ds = build_dataset(values, np.full(values.shape, "", dtype=object), np.zeros(values.shape, bool), ids,
                  respondents, aggregated=aggregated, attrs=attrs, extra_nodes=None)
    return validate(ds)["score"].assign_attrs(dict(attrs or {}))


def validate(obj: xr.DataArray | xr.Dataset, *, file: object = None) -> xr.DataArray | xr.Dataset:
    """Check a matrix held in memory against the data model; return it unchanged, or raise.

    Checks: dims end with ``("source", "target")``; the same ids in the same order on both; every id
    valid; values on the scale (whole numbers unless ``attrs["aggregated"]``); NaN on the diagonal.
    ``file`` names where the matrix came from in error messages.

    Examples
    --------
    >>> da = from_array(np.array([[np.nan, 1], [0, np.nan]]), ["1.1", "1.2"])
    >>> validate(da + 4)
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: cell source 1.1, target 1.2: score outside the scale: '5.0'. Valid: an integer from -3 to 3 (2 or 2.0, not 2.5), or blank for not scored.
    """  # noqa: E501
    da = obj["score"] if isinstance(obj, xr.Dataset) else obj
    if tuple(da.dims[-2:]) != DIMS:
        raise ValidationError(locate(f"a matrix needs its last two dims to be {DIMS}", file=file,
                                     value=tuple(da.dims), valid="transpose(..., 'source', 'target')"))
    src = [str(v) for v in da["source"].values]
    tgt = [str(v) for v in da["target"].values]
    if src != tgt:
        raise ValidationError(locate("the source and target axes must hold the same ids in the same order",
                                     file=file, valid="reindex target like source"))
    for i in da["source"].values:
        frameworks.check_node_id(i, file=file, column="source")
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
        cell = f"cell {lead + ', ' if lead else ''}source {src[index[-2]]}, target {src[index[-1]]}"
        if file is not None:
            cell = f"{file}, {cell}"
        on_diag = index[-2] == index[-1]
        problem = "the diagonal must be NaN (not scored)" if on_diag else (
            "score outside the scale" if abs(values[index]) > 3 or np.isinf(values[index])
            else "score is not a whole number")
        raise ValidationError(locate(problem, file=cell, value=values[index],
                                     valid="NaN" if on_diag else (VALID_AGGREGATED if aggregated else VALID_RAW)))
    return obj


def is_aggregated(obj: xr.DataArray | xr.Dataset) -> bool:
    """True if the matrix says it holds aggregated floats (``attrs["aggregated"]``)."""
    attrs = dict(obj.attrs)
    if isinstance(obj, xr.Dataset) and "score" in obj:
        attrs = {**obj["score"].attrs, **attrs}
    value = attrs.get("aggregated", 0)
    if isinstance(value, str):
        return value.strip().lower() in TRUE_WORDS
    return bool(value)


def as_matrix(obj: xr.DataArray | xr.Dataset) -> xr.DataArray:
    """Return the score DataArray of a matrix Dataset or DataArray, dims transposed to end in (source, target)."""
    if isinstance(obj, xr.Dataset):
        if "score" not in obj:
            raise ValidationError("a matrix Dataset needs a 'score' variable. Valid: a Dataset from "
                                  "load_dataset(), read_matrix() or from_long().")
        obj = obj["score"]
    if not isinstance(obj, xr.DataArray):
        raise ValidationError(f"expected a matrix (xarray DataArray or Dataset), got {type(obj).__name__}. "
                              "Valid: load_matrix(name_or_path).")
    if not set(DIMS) <= set(obj.dims):
        raise ValidationError(f"a matrix needs the dims {DIMS}, this one has {tuple(obj.dims)}.")
    return obj.transpose(..., *DIMS)


def node_ids(obj: xr.DataArray | xr.Dataset) -> list[str]:
    """The matrix's node ids, in order."""
    return [str(v) for v in as_matrix(obj)["source"].values]


def to_long(obj: xr.DataArray | xr.Dataset, *, include_unscored: bool = False) -> pd.DataFrame:
    """Return the long table ``[respondent,]source,target,score[,comment,uncertain]``, one row per cell.

    Unscored cells (NaN) are left out unless ``include_unscored``; they keep a row when they carry a
    comment or an uncertain mark, so nothing is lost. The diagonal is always left out.

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
    """Return the scores as a square DataFrame: index = sources, columns = targets (one matrix only)."""
    da = as_matrix(obj)
    if da.ndim != 2:
        raise ValidationError(f"a wide table holds one matrix; this one has the extra dims {da.dims[:-2]}. "
                              "Valid: aggregate() it or select one respondent first.")
    frame = da.reset_coords(drop=True).to_pandas()
    frame.index.name, frame.columns.name = None, None
    return frame


def aggregate(
    obj: xr.DataArray | xr.Dataset,
    method: str = "mean",
    *,
    dim: Hashable = RESPONDENT,
    trim: float = 0.1,
) -> xr.DataArray:
    """Aggregate several respondents' answers into one matrix, skipping NaN answers.

    ``mean`` (SDG Synergies' choice), ``median`` or ``trimmed`` (the mean after cutting
    ``floor(trim · n)`` answers from each end of each cell's ``n`` answers). A NaN answer is never read
    as 0; a cell no one scored stays NaN. The result has ``attrs["aggregated"] = 1`` and
    ``attrs["aggregation"] = method``.

    Examples
    --------
    >>> v = np.array([[[np.nan, 1], [0, np.nan]], [[np.nan, 3], [np.nan, np.nan]]])
    >>> m = from_array(v, ["1.1", "1.2"], respondents=["a", "b"])
    >>> aggregate(m).values.tolist()
    [[nan, 2.0], [0.0, nan]]
    """
    if method not in AGGREGATIONS:
        raise ValidationError(f"unknown aggregation {method!r}. Valid: {', '.join(AGGREGATIONS)}.")
    da = as_matrix(obj)
    if dim not in da.dims:
        return da
    axis = da.get_axis_num(dim)
    values = np.moveaxis(da.values, axis, -1)
    count = np.sum(~np.isnan(values), axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        if method == "mean":
            out = np.nansum(values, axis=-1) / count
        elif method == "median":
            ordered = np.sort(values, axis=-1)  # NaN sort last
            lo = np.maximum((count - 1) // 2, 0)
            hi = np.maximum(count // 2, 0)
            out = (np.take_along_axis(ordered, lo[..., None], -1)[..., 0]
                   + np.take_along_axis(ordered, hi[..., None], -1)[..., 0]) / 2
        else:
            ordered = np.sort(values, axis=-1)
            cut = np.floor(trim * count).astype(int)
            k = np.arange(values.shape[-1])
            keep = (k >= cut[..., None]) & (k < (count - cut)[..., None])
            out = np.where(keep, ordered, 0.0).sum(axis=-1) / keep.sum(axis=-1)
    out = np.where(count > 0, out, np.nan)
    result = da.isel({dim: 0}, drop=True).copy(data=out)
    result.attrs.update(da.attrs)
    result.attrs.update({"aggregated": 1, "aggregation": method, f"n_{dim}": int(da.sizes[dim])})
    result.name = "score"
    return result
