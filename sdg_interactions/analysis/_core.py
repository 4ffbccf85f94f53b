"""The building blocks every analysis shares: ``A`` as an array, per-node results, ranks and equality.

All metrics read the matrix as ``A``: NaN (not scored) read as 0 and the diagonal excluded
(:func:`adjacency`). Rows influence columns: ``a_ij`` is the influence of node ``i`` on node ``j``.
Results are :class:`xarray.Dataset` objects on a ``"node"`` dim (plus any leading dims of the input, such
as ``respondent`` or ``kommun``), with the node metadata as coordinates (:func:`node_result`).

**Equal means equal within 1e-9 · max(1, |x|)** (:data:`TIE_TOLERANCE`): for every rank
(:func:`rank_descending`), every split at a mean and every class threshold (:func:`at_least`), so that
float noise in aggregated matrices never breaks a tie.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.errors import ValidationError, tr
from sdg_interactions.matrix import NODE, as_matrix
from sdg_interactions.texts import check_lang
from sdg_interactions.ties import TIE_TOLERANCE, at_least, slack, tied

__all__ = [
    "ANALYSIS_COLUMNS",
    "BEYOND_COLUMNS",
    "CLEAR_STEP",
    "PATHS_COLUMNS",
    "PROVENANCE_ATTRS",
    "SDG_SYNERGIES_COLUMNS",
    "TIE_TOLERANCE",
    "adjacency",
    "at_least",
    "clearly_hindering",
    "clearly_promoting",
    "counts",
    "node_result",
    "rank_ascending",
    "rank_descending",
    "signed_sums",
    "tied",
    "to_table",
]


#: The columns of :func:`sdg_synergies`, in order (the first columns of ``analyse --out``).
SDG_SYNERGIES_COLUMNS = ("out_sum", "out_pos", "out_neg", "in_sum", "in_pos", "in_neg",
                         "second_order", "systemic", "rank")
#: The columns :func:`analysis_table` appends after :data:`SDG_SYNERGIES_COLUMNS`, in order.
BEYOND_COLUMNS = ("total_out", "total_in", "net_multiplier", "quadrant", "cluster")
#: Every column of :func:`analysis_table` after ``node, label``.
ANALYSIS_COLUMNS = SDG_SYNERGIES_COLUMNS + BEYOND_COLUMNS


#: The two-step path sums of :func:`two_step_paths`.
PATHS_COLUMNS = ("paths_synergy", "paths_double_negative", "paths_mixed")
#: Matrix attrs that per-node results keep, so charts and tables can cite their source.
PROVENANCE_ATTRS = ("name", "title_sv", "title_en", "scored_by_sv", "scored_by_en", "citation", "doi", "source_file")


def adjacency(obj: xr.DataArray | xr.Dataset) -> np.ndarray:
    """Return ``A`` as a numpy array ``(..., n, n)``: NaN read as 0, the diagonal set to 0.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix (a Dataset's ``score``), with any leading dims.

    Returns
    -------
    numpy.ndarray
        ``A`` as float64, ``(..., n, n)``: rows are sources, columns targets.

    See Also
    --------
    signed_sums : the sums of SDG Synergies, from ``A``.
    node_result : per-node arrays computed from ``A`` as a described result.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> adjacency(from_array(np.array([[np.nan, 2], [np.nan, np.nan]]), ["1.1", "1.2"])).tolist()
    [[0.0, 2.0], [0.0, 0.0]]
    """
    da = as_matrix(obj)
    a = np.nan_to_num(da.to_numpy().astype(np.float64, copy=True), nan=0.0)
    n = a.shape[-1]
    a[..., np.arange(n), np.arange(n)] = 0.0
    return a


#: A score, or a mean of several respondents' scores, promotes or hinders *clearly* at ±1 or beyond: the first
#: step of the scale on either side. Report sentences count only these ("främjar 21 … och hämmar 2"; a
#: målkonflikt is a mean of −1 or worse), so a mean of −0,17 from eleven zeros and one −2 is never said to
#: hinder. For whole-number scores (one respondent) this is simply "not 0".
CLEAR_STEP = 1.0


def clearly_promoting(values) -> np.ndarray:
    """``values ≥ +1`` (:data:`CLEAR_STEP`), float noise counting as equal (:func:`at_least`); NaN is False.

    Parameters
    ----------
    values : array_like
        Scores, or means of several respondents' scores.

    Returns
    -------
    numpy.ndarray of bool
        True where a value promotes clearly.

    See Also
    --------
    clearly_hindering : the same step on the other side, ``≤ −1``.
    at_least : the comparison, with the tie tolerance.

    Examples
    --------
    >>> clearly_promoting([1.0, 0.92, 2.5, -1.0, float("nan")]).tolist()
    [True, False, True, False, False]
    """
    return np.asarray(at_least(np.asarray(values, dtype=np.float64), CLEAR_STEP), dtype=bool)


def clearly_hindering(values) -> np.ndarray:
    """``values ≤ −1`` (:data:`CLEAR_STEP`), float noise counting as equal (:func:`at_least`); NaN is False.

    Parameters
    ----------
    values : array_like
        Scores, or means of several respondents' scores.

    Returns
    -------
    numpy.ndarray of bool
        True where a value hinders clearly (a målkonflikt when it is a pair's score or mean).

    See Also
    --------
    clearly_promoting : the same step on the other side, ``≥ +1``.
    at_least : the comparison, with the tie tolerance.

    Examples
    --------
    >>> clearly_hindering([-1.0, -0.92, -2.5, 1.0, float("nan")]).tolist()
    [True, False, True, False, False]
    """
    return np.asarray(at_least(-CLEAR_STEP, np.asarray(values, dtype=np.float64)), dtype=bool)


def rank_descending(values: np.ndarray) -> np.ndarray:
    """Rank along the last axis by descending value; ties share the best rank (1, 2, 2, 4).

    Values within 1e-9 · max(1, |x|) of the next larger one tie with it (:data:`TIE_TOLERANCE`), so
    float noise never splits a tie. Sort-based (n log n per row; no n × n comparison), vectorised over
    leading axes.

    Parameters
    ----------
    values : array_like
        ``(..., n)``, ranked along the last axis.

    Returns
    -------
    numpy.ndarray of int64
        The ranks, from 1, in the shape of ``values``.

    See Also
    --------
    rank_ascending : the same, smallest value first.
    tied : the equality the ties use.

    Examples
    --------
    >>> rank_descending(np.array([5.0, 7.0, 5.0, 1.0])).tolist()
    [2, 1, 2, 4]
    >>> rank_descending(np.array([-2 / 9, -0.2222222222222222 + 3e-17, 1.0])).tolist()
    [2, 2, 1]
    """
    values = np.asarray(values, dtype=np.float64)
    order = np.argsort(-values, axis=-1, kind="stable")
    ordered = np.take_along_axis(values, order, axis=-1)
    n = values.shape[-1]
    position = np.broadcast_to(np.arange(n), ordered.shape)
    gap = ordered[..., :-1] - ordered[..., 1:] > np.maximum(slack(ordered[..., :-1]), slack(ordered[..., 1:]))
    starts = np.concatenate([np.ones((*ordered.shape[:-1], min(n, 1)), dtype=bool), gap], axis=-1)
    first = np.maximum.accumulate(np.where(starts, position, 0), axis=-1) + 1
    ranks = np.empty_like(first)
    np.put_along_axis(ranks, order, first, axis=-1)
    return ranks.astype(np.int64)


def rank_ascending(values: np.ndarray) -> np.ndarray:
    """Rank along the last axis by ascending value, ties (as in :func:`rank_descending`) sharing the best.

    Parameters
    ----------
    values : array_like
        ``(..., n)``, ranked along the last axis.

    Returns
    -------
    numpy.ndarray of int64
        The ranks, from 1, in the shape of ``values``.

    See Also
    --------
    rank_descending : the same, largest value first.

    Examples
    --------
    >>> rank_ascending(np.array([-2.0, -1.0, -2.0 + 1e-15])).tolist()
    [1, 3, 1]
    """
    return rank_descending(-np.asarray(values, dtype=np.float64))


def node_result(obj: xr.DataArray | xr.Dataset, variables: dict[str, np.ndarray]) -> xr.Dataset:
    """Wrap per-node arrays ``(..., n)`` as a Dataset on the ``"node"`` dim with the node metadata.

    Leading dims and their coordinates are taken from the matrix, and its provenance attrs
    (:data:`PROVENANCE_ATTRS`); node coordinates ``label_sv``,
    ``label_en``, ``group`` and ``framework`` from its ``source_*`` coordinates. Every variable is
    described (``long_name``, ``units``, ``formula``: :func:`~sdg_interactions.analysis.descriptions.describe`).

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        The matrix the arrays were computed from.
    variables : dict of str to numpy.ndarray
        The per-node arrays ``(..., n)``, by variable name.

    Returns
    -------
    xarray.Dataset
        The variables on ``(..., node)``, with the node coordinates and the matrix's provenance attrs.

    See Also
    --------
    adjacency : ``A``, from which the arrays are computed.
    to_table : a per-node result of one matrix as a DataFrame.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.array([[np.nan, 2], [-1, np.nan]]), ["1.1", "1.2"])
    >>> r = node_result(m, {"out_sum": np.array([2.0, -1.0])})
    >>> r["out_sum"].dims, r["node"].values.tolist(), r["group"].values.tolist()
    (('node',), ['1.1', '1.2'], ['1', '1'])
    >>> r["out_sum"].attrs["formula"]  # described in Swedish when made
    'r_i = Σ_j a_ij (Weitz m.fl. 2018)'
    """
    da = as_matrix(obj)
    lead = da.dims[:-2]
    coords: dict[str, object] = {NODE: [str(v) for v in da["source"].to_numpy()]}
    for name, coord in da.coords.items():
        if name.startswith("source_") and coord.dims == ("source",):
            coords[name.removeprefix("source_")] = (NODE, coord.to_numpy())
        elif set(coord.dims) <= set(lead):
            coords[name] = coord
    provenance = {k: v for k, v in da.attrs.items() if k in PROVENANCE_ATTRS}
    from sdg_interactions.analysis.descriptions import describe

    return describe(xr.Dataset({name: ((*lead, NODE), np.asarray(v)) for name, v in variables.items()},
                               coords=coords, attrs=provenance))


def signed_sums(a: np.ndarray) -> dict[str, np.ndarray]:
    """The sums behind :func:`sdg_synergies` and :func:`two_step_paths`, from ``A`` as a numpy array.

    One pass over ``P = max(A, 0)`` and ``N = min(A, 0)``: the row and column sums of each, then the
    two-step sums as two matrix products with the stacked row sums ``[r⁺, r⁻]`` (``P·r⁺``, ``P·r⁻``,
    ``N·r⁺``, ``N·r⁻``), from which ``second_order = ½ · A·r`` follows as their sum. Returns the
    :data:`SDG_SYNERGIES_COLUMNS` and the ``paths_*`` variables, each ``(..., n)``.

    Parameters
    ----------
    a : numpy.ndarray
        ``A``, ``(..., n, n)``, as :func:`adjacency` returns it.

    Returns
    -------
    dict of str to numpy.ndarray
        :data:`SDG_SYNERGIES_COLUMNS` and :data:`PATHS_COLUMNS`, each ``(..., n)``.

    See Also
    --------
    sdg_synergies : the per-node metrics as a described result.
    two_step_paths : the second-order score split by the signs along each path.

    References
    ----------
    .. [1] Weitz, N., Carlsen, H., Nilsson, M., & Skånberg, K. (2018). Towards systemic and contextual priority
       setting for implementing the 2030 Agenda. Sustainability Science 13, 531–548.

    Examples
    --------
    >>> a = np.array([[0.0, 2, -1], [1, 0, 0], [0, 3, 0]])  # as in sdg_synergies: r = [1, 1, 3]
    >>> s = signed_sums(a)
    >>> s["second_order"].tolist(), s["rank"].tolist()  # ½(2·1 − 1·3), ½(1·1), ½(3·1)
    ([-0.5, 0.5, 1.5], [3, 2, 1])
    >>> (s["paths_synergy"] + s["paths_double_negative"] + s["paths_mixed"]).tolist()
    [-0.5, 0.5, 1.5]
    """
    pos, neg = np.maximum(a, 0.0), np.minimum(a, 0.0)
    out_pos, out_neg = pos.sum(axis=-1), neg.sum(axis=-1)
    in_pos, in_neg = pos.sum(axis=-2), neg.sum(axis=-2)
    rows = np.stack([out_pos, out_neg], axis=-1)
    from sdg_interactions.analysis._threads import one_blas_thread

    with one_blas_thread():  # batched small products (analysis/_threads.py)
        through_pos, through_neg = np.matmul(pos, rows), np.matmul(neg, rows)
    synergy = 0.5 * through_pos[..., 0]
    double_negative = 0.5 * through_neg[..., 1]
    mixed = 0.5 * (through_pos[..., 1] + through_neg[..., 0])
    out_sum = out_pos + out_neg
    second = synergy + double_negative + mixed
    systemic = out_sum + second
    return {
        "out_sum": out_sum, "out_pos": out_pos, "out_neg": out_neg,
        "in_sum": in_pos + in_neg, "in_pos": in_pos, "in_neg": in_neg,
        "second_order": second, "systemic": systemic, "rank": rank_descending(systemic),
        "paths_synergy": synergy, "paths_double_negative": double_negative, "paths_mixed": mixed,
    }


def counts(a: np.ndarray) -> dict[str, np.ndarray]:
    """Counts of positive and negative links out of and into each node, from ``A`` as an array (see
    :func:`~sdg_interactions.analysis.link_counts`)."""
    pos, neg = a > 0, a < 0
    return {
        "n_pos_out": np.count_nonzero(pos, axis=-1).astype(np.int64),
        "n_neg_out": np.count_nonzero(neg, axis=-1).astype(np.int64),
        "n_pos_in": np.count_nonzero(pos, axis=-2).astype(np.int64),
        "n_neg_in": np.count_nonzero(neg, axis=-2).astype(np.int64),
    }


def to_table(result: xr.Dataset, *, lang: str = "sv", columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Return a per-node result (one matrix) as a DataFrame: ``node, label``, then the variables.

    ``label`` is the node's short label in ``lang``. Column names stay the variable names (stable for
    files); :func:`~sdg_interactions.texts.text` with ``"column.<name>"`` gives display names.

    Parameters
    ----------
    result : xarray.Dataset
        A per-node result of one matrix (no dim but ``node``).
    lang : {"sv", "en"}, optional
        The language of ``label`` (default Swedish).
    columns : tuple of str, optional
        The variables to show, in order (default: every data variable).

    Returns
    -------
    pandas.DataFrame
        One row per node, in node order: ``node``, ``label``, then the variables.

    Raises
    ------
    ValidationError
        When ``result`` has a dim besides ``node`` (several matrices).

    See Also
    --------
    analysis_table : the table of ``sdg-interactions analyse --out``.
    robustness_table : rank intervals as a table.

    Examples
    --------
    >>> from sdg_interactions.analysis import sdg_synergies
    >>> t = to_table(sdg_synergies(toy_matrix()), lang="en", columns=("systemic", "rank"))
    >>> t.drop(columns="label").values.tolist()  # r = [0, 4, -1, 1]: t = r + ½·A·r
    [['1.1', 5.0, 1], ['1.2', 3.0, 2], ['1.3', -1.5, 4], ['1.4', 1.0, 3]]
    """
    check_lang(lang)
    if set(result.dims) != {NODE}:
        extra = sorted(set(result.dims) - {NODE})
        raise ValidationError(tr("error.analysis.to_table_one_matrix", extra=extra))
    names = list(columns) if columns is not None else [v for v in result.data_vars]
    frame = pd.DataFrame({"node": [str(v) for v in result[NODE].to_numpy()]})
    label = f"label_{lang}"
    frame["label"] = result[label].to_numpy().astype(str) if label in result.coords else frame["node"]
    for name in names:
        frame[name] = result[name].to_numpy()
    return frame


