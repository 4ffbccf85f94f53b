"""Interaction matrices: the data model, its constants, and assembling and reading a matrix.

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

Every constructor goes through one set of rules (:func:`~sdg_interactions.matrix.score_problems` for values,
:func:`~sdg_interactions.frameworks.check_node_id` for ids; :mod:`~sdg_interactions.matrix.validation`) and ends
in :func:`build_dataset`: :func:`~sdg_interactions.matrix.from_long` and :func:`~sdg_interactions.matrix.from_wide`
for tables (errors name the file, row and column), :func:`~sdg_interactions.matrix.from_array` and
:func:`~sdg_interactions.matrix.validate` for arrays (errors name the cell).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.errors import ValidationError, locate, tr

__all__ = [
    "DIMS",
    "FALSE_WORDS",
    "MAX_CELLS",
    "MAX_ID_LENGTH",
    "MAX_NODES",
    "NODE",
    "NODE_FIELDS",
    "RESPONDENT",
    "SCORE_RANGE",
    "TRUE_WORDS",
    "VALID_AGGREGATED",
    "VALID_RAW",
    "as_matrix",
    "build_dataset",
    "node_coords",
    "node_ids",
    "require_single",
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

#: The most nodes a matrix may have (the largest sensible one; every reader refuses more, before allocating).
MAX_NODES = 2000
#: The most cells (respondents × nodes × nodes) a matrix may have: about 340 MB for its three arrays.
MAX_CELLS = 20_000_000
#: The longest node id (an SDG target id has at most 5 characters, a ``PREFIX-N`` id rarely 20).
MAX_ID_LENGTH = 64

#: The scale, as noted in every matrix's attrs.
SCALE_NOTE = "Nilsson, Griggs & Visbeck (2016) seven-point scale, -3 (cancelling) to +3 (indivisible)"
VALID_RAW = "an integer from -3 to 3 (2 or 2.0, not 2.5), or blank for not scored"
VALID_AGGREGATED = "a number from -3 to 3, or blank for not scored"

#: The node fields a matrix carries as coordinates on both axes (``source_<field>``, ``target_<field>``).
NODE_FIELDS = ("framework", "group", "label_sv", "label_en")


def node_coords(ids: list[str]) -> dict[str, tuple]:
    """Coordinates with node metadata for both axes, from the framework registry.

    Their names are ``source_<field>`` and ``target_<field>`` for each of :data:`NODE_FIELDS`:
    ``source_group``, ``target_label_sv``, ...

    Parameters
    ----------
    ids : list of str
        Valid node ids, in the order of the matrix's axes.

    Returns
    -------
    dict of str to tuple
        ``{name: (dim, values)}``, ready for :meth:`xarray.Dataset.assign_coords`; values are str objects.

    See Also
    --------
    build_dataset : Adds these coordinates to every matrix it assembles.
    sdg_interactions.frameworks.node_info : The registry's metadata these come from.
    sdg_interactions.matrix.node_table : The metadata a matrix carries, as a table.

    Examples
    --------
    >>> coords = node_coords(["1.1", "MKM-2"])
    >>> coords["source_group"]
    ('source', array(['1', 'MKM'], dtype=object))
    >>> sorted(coords)[:4]
    ['source_framework', 'source_group', 'source_label_en', 'source_label_sv']
    """
    info = frameworks.node_info(ids)
    coords: dict[str, tuple] = {}
    for role in DIMS:
        for field in NODE_FIELDS:
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
) -> xr.Dataset:
    """Assemble the matrix Dataset from checked arrays (``[r ×] n × n``) and node ids in natural order.

    The last step of every constructor; it adds node metadata coordinates and the ``aggregated`` and
    ``scale`` attrs. It does not check values: callers validate first.

    Parameters
    ----------
    score : numpy.ndarray
        Scores, ``n × n`` (or ``r × n × n`` with ``respondents``), NaN for not scored.
    comment : numpy.ndarray
        Comments, the same shape, ``""`` for none.
    uncertain : numpy.ndarray
        Uncertainty marks, the same shape, bool.
    order : list of str
        The ``n`` node ids, checked and in natural order (rows and columns alike).
    respondents : list of str or None
        The ``r`` respondents' names for a leading ``respondent`` dim, or None for one matrix.
    aggregated : bool
        True if the scores are a mean of respondents (noted in ``attrs["aggregated"]``).
    attrs : mapping, optional
        Provenance to keep in the Dataset's ``attrs`` (title, citation, ...).

    Returns
    -------
    xarray.Dataset
        ``score`` (float64), ``comment`` (object) and ``uncertain`` (bool), dims ``([respondent,] source,
        target)``, with the node coordinates of :func:`node_coords`.

    See Also
    --------
    sdg_interactions.matrix.validate : What callers check first (this does not).
    sdg_interactions.matrix.from_long : A constructor that ends here, from a table.
    sdg_interactions.matrix.from_array : A constructor that ends here, from an array.

    Examples
    --------
    >>> scores = np.array([[np.nan, 2.0], [-1.0, np.nan]])
    >>> ds = build_dataset(scores, np.full((2, 2), "", dtype=object), np.zeros((2, 2), dtype=bool),
    ...                    ["1.1", "1.2"], None, aggregated=False)
    >>> sorted(ds.data_vars), ds.attrs["aggregated"], ds["score"].sel(source="1.2", target="1.1").item()
    (['comment', 'score', 'uncertain'], 0, -1.0)
    """
    unc = uncertain
    dims = ((RESPONDENT,) if respondents is not None else ()) + DIMS
    coords: dict[str, object] = {"source": list(order), "target": list(order)}
    if respondents is not None:
        coords[RESPONDENT] = list(respondents)
    coords.update(node_coords(list(order)))
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


def as_matrix(obj: xr.DataArray | xr.Dataset) -> xr.DataArray:
    """Return the score DataArray of a matrix Dataset or DataArray, dims transposed to end in (source, target).

    A matrix whose target axis holds the source ids in another order (built by hand, never validated) is
    aligned: its targets are put in the sources' order, so row ``k`` and column ``k`` are one node and the
    diagonal is the diagonal. Axes with different ids raise :class:`~sdg_interactions.errors.ValidationError`.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        The matrix: a score DataArray, or a Dataset with a ``score`` variable.

    Returns
    -------
    xarray.DataArray
        The scores, dims ``(..., "source", "target")``, the target axis in the source axis's order.

    Raises
    ------
    sdg_interactions.errors.ValidationError
        If ``obj`` has no ``score`` variable, is not a DataArray, lacks the dims ``source`` and ``target``, or
        has axes with different ids.

    See Also
    --------
    require_single : The same, for one matrix only (no leading dims).
    node_ids : The node ids of the aligned matrix.
    sdg_interactions.matrix.validate : Checks the matrix against the whole data model.

    Examples
    --------
    >>> da = xr.DataArray([[1.0, np.nan], [np.nan, 2.0]], dims=DIMS,
    ...                   coords={"source": ["1.1", "1.2"], "target": ["1.2", "1.1"]})
    >>> as_matrix(da)["target"].values.tolist(), as_matrix(da).values.tolist()
    (['1.1', '1.2'], [[nan, 1.0], [2.0, nan]])
    """
    if isinstance(obj, xr.Dataset):
        if "score" not in obj:
            raise ValidationError(tr("error.analysis.no_score_variable"))
        obj = obj["score"]
    if not isinstance(obj, xr.DataArray):
        raise ValidationError(tr("error.analysis.not_a_matrix", type=type(obj).__name__))
    if not set(DIMS) <= set(obj.dims):
        raise ValidationError(tr("error.analysis.matrix_dims", dims=DIMS, has=tuple(obj.dims)))
    obj = obj.transpose(..., *DIMS)
    return _aligned(obj)


def _aligned(da: xr.DataArray) -> xr.DataArray:
    """``da`` with its target axis in its source axis's order (see :func:`as_matrix`)."""
    if "source" not in da.coords or "target" not in da.coords:
        return da
    src = [str(v) for v in da["source"].values]
    tgt = [str(v) for v in da["target"].values]
    if src == tgt:
        return da
    position = {node: k for k, node in enumerate(tgt)}
    if len(src) != len(tgt) or set(src) != set(tgt) or len(position) != len(tgt) or len(set(src)) != len(src):
        raise ValidationError(locate(tr("error.analysis.axes_once"), valid=tr("error.valid_square")))
    return da.isel(target=[position[node] for node in src])


def node_ids(obj: xr.DataArray | xr.Dataset) -> list[str]:
    """The matrix's node ids, in order.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        The matrix (see :func:`as_matrix`).

    Returns
    -------
    list of str
        The ids of its source axis, which after :func:`as_matrix` are those of its target axis too.

    See Also
    --------
    sdg_interactions.matrix.node_table : The ids with their groups and labels.
    as_matrix : Aligns the axes these are read from.

    Examples
    --------
    >>> node_ids(toy_matrix())
    ['1.1', '1.2', '1.3', '1.4']
    """
    return [str(v) for v in as_matrix(obj)["source"].values]


def require_single(obj: xr.DataArray | xr.Dataset, what: str) -> xr.DataArray:
    """Return the score DataArray of ``obj`` if it is one matrix (dims exactly ``source, target``).

    The one check behind every "one matrix only" function (wide tables, graphs, heat maps, portfolio, sign
    flips, ...).

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        The matrix (see :func:`as_matrix`).
    what : str
        Names the function or output that needs one matrix, for the message: a function's name, or
        :func:`~sdg_interactions.errors.tr` words (``tr("error.analysis.what_graph")``), which the message
        says in the user's language.

    Returns
    -------
    xarray.DataArray
        The scores, dims ``("source", "target")`` (:func:`as_matrix`).

    Raises
    ------
    sdg_interactions.errors.ValidationError
        If ``obj`` has leading dims (several respondents, samples, ...); the message says how to pick one.

    See Also
    --------
    as_matrix : The same, for any number of leading dims.
    sdg_interactions.matrix.aggregate : Makes one matrix of several respondents'.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.full((2, 2, 2), np.nan), ["1.1", "1.2"], respondents=["a", "b"])
    >>> require_single(m.sel(respondent="a"), "a heat map").dims
    ('source', 'target')
    >>> require_single(m, "a heat map")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: a heat map takes one matrix; this one has the extra dims ('respondent',). Valid: aggregate() it, or select one with .sel(respondent=...).
    """  # noqa: E501
    da = as_matrix(obj)
    if da.ndim != 2:
        lead = tuple(da.dims[:-2])
        raise ValidationError(tr("error.analysis.one_matrix", what=what, lead=lead, dim=lead[0]))
    return da
