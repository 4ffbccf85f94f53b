"""Per-node metrics of an interaction matrix, vectorised over leading dims.

All metrics read the matrix as ``A``: NaN (not scored) read as 0 and the diagonal excluded. Rows
influence columns: ``a_ij`` is the influence of node ``i`` on node ``j``. Results are
:class:`xarray.Dataset` objects on a ``"node"`` dim (plus any leading dims of the input, such as
``respondent`` or ``kommun``), with the node metadata as coordinates. No Python loop runs over nodes or
samples.

The SDG Synergies set (Weitz, Carlsen, Nilsson & Skånberg 2018) — :func:`sdg_synergies` — reproduces
SEI's published figures for Sweden exactly. Beyond it: link counts (:func:`link_counts`), the net
multiplier (:func:`net_multiplier`) and the two-step paths split by sign (:func:`two_step_paths`) live
here; all-order total influence and the influence–dependence plane in
:mod:`sdg_interactions.influence`; clusters, conflict lists and the goal roll-up in
:mod:`sdg_interactions.structure`. :func:`all_metrics` gathers every per-node metric in one Dataset and
:func:`analysis_table` makes the table of ``sdg-interactions analyse --out``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.errors import ValidationError
from sdg_interactions.matrix import NODE, as_matrix
from sdg_interactions.texts import check_lang

__all__ = [
    "ANALYSIS_COLUMNS",
    "BEYOND_COLUMNS",
    "PATHS_COLUMNS",
    "SDG_SYNERGIES_COLUMNS",
    "adjacency",
    "all_metrics",
    "analysis_table",
    "link_counts",
    "net_multiplier",
    "node_result",
    "rank_descending",
    "sdg_synergies",
    "signed_sums",
    "to_table",
    "two_step_paths",
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


def rank_descending(values: np.ndarray) -> np.ndarray:
    """Rank along the last axis by descending value; ties share the best rank (1, 2, 2, 4).

    Examples
    --------
    >>> rank_descending(np.array([5.0, 7.0, 5.0, 1.0])).tolist()
    [2, 1, 2, 4]
    """
    values = np.asarray(values, dtype=np.float64)
    # rank = 1 + how many values are strictly larger (numpy only: scipy.stats costs 0.7 s to import)
    return 1 + (values[..., None, :] > values[..., :, None]).sum(axis=-1, dtype=np.int64)


def node_result(obj: xr.DataArray | xr.Dataset, variables: dict[str, np.ndarray]) -> xr.Dataset:
    """Wrap per-node arrays ``(..., n)`` as a Dataset on the ``"node"`` dim with the node metadata.

    Leading dims and their coordinates are taken from the matrix, and its provenance attrs
    (:data:`PROVENANCE_ATTRS`); node coordinates ``label_sv``,
    ``label_en``, ``group`` and ``framework`` from its ``source_*`` coordinates.
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
    return xr.Dataset({name: ((*lead, NODE), np.asarray(v)) for name, v in variables.items()}, coords=coords,
                      attrs=provenance)


def sdg_synergies(obj: xr.DataArray | xr.Dataset) -> xr.Dataset:
    """Compute the SDG Synergies per-node metrics (Weitz et al. 2018).

    With ``A`` the matrix (NaN read as 0, diagonal excluded):

    * ``out_sum``  r_i = Σ_j a_ij;  ``out_pos`` = Σ_j max(a_ij, 0);  ``out_neg`` = Σ_j min(a_ij, 0)
    * ``in_sum``   c_j = Σ_i a_ij;  ``in_pos``, ``in_neg`` likewise over columns
    * ``second_order`` s_i = ½ · Σ_j a_ij · r_j  (= ½ · row sum of A²; signs multiply, paths back to i
      included)
    * ``systemic`` t_i = r_i + s_i
    * ``rank``: position by descending ``systemic``; ties share the best rank (1, 2, 2, 4)

    Vectorised over leading dims: a ``(respondent, source, target)`` matrix gives per-respondent
    results on ``(respondent, node)``.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.array([[np.nan, 2, -1], [1, np.nan, 0], [0, 3, np.nan]]), ["1.1", "1.2", "1.3"])
    >>> r = sdg_synergies(m)
    >>> r["out_sum"].values.tolist(), r["in_sum"].values.tolist()
    ([1.0, 1.0, 3.0], [1.0, 5.0, -1.0])
    >>> r["second_order"].values.tolist()  # ½(2·1 − 1·3), ½(1·1 + 0), ½(0 + 3·1)
    [-0.5, 0.5, 1.5]
    >>> r["systemic"].values.tolist(), r["rank"].values.tolist()
    ([0.5, 1.5, 4.5], [3, 2, 1])
    """
    parts = signed_sums(adjacency(obj))
    return node_result(obj, {name: parts[name] for name in SDG_SYNERGIES_COLUMNS})


def signed_sums(a: np.ndarray) -> dict[str, np.ndarray]:
    """The sums behind :func:`sdg_synergies` and :func:`two_step_paths`, from ``A`` as a numpy array.

    One pass over ``P = max(A, 0)`` and ``N = min(A, 0)``: the row and column sums of each, then the
    two-step sums as two matrix products with the stacked row sums ``[r⁺, r⁻]`` (``P·r⁺``, ``P·r⁻``,
    ``N·r⁺``, ``N·r⁻``), from which ``second_order = ½ · A·r`` follows as their sum. Returns the
    :data:`SDG_SYNERGIES_COLUMNS` and the ``paths_*`` variables, each ``(..., n)``.
    """
    pos, neg = np.maximum(a, 0.0), np.minimum(a, 0.0)
    out_pos, out_neg = pos.sum(axis=-1), neg.sum(axis=-1)
    in_pos, in_neg = pos.sum(axis=-2), neg.sum(axis=-2)
    rows = np.stack([out_pos, out_neg], axis=-1)
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


def _counts(a: np.ndarray) -> dict[str, np.ndarray]:
    pos, neg = a > 0, a < 0
    return {
        "n_pos_out": np.count_nonzero(pos, axis=-1).astype(np.int64),
        "n_neg_out": np.count_nonzero(neg, axis=-1).astype(np.int64),
        "n_pos_in": np.count_nonzero(pos, axis=-2).astype(np.int64),
        "n_neg_in": np.count_nonzero(neg, axis=-2).astype(np.int64),
    }


def link_counts(obj: xr.DataArray | xr.Dataset) -> xr.Dataset:
    """Count each node's positive and negative links, outgoing and incoming.

    * ``n_pos_out`` = #{j : a_ij > 0};  ``n_neg_out`` = #{j : a_ij < 0}
    * ``n_pos_in``  = #{i : a_ij > 0} for node j;  ``n_neg_in`` = #{i : a_ij < 0}

    A scored 0 ("no interaction") and an unscored cell count in neither. Integer results.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, -2, 1], [-1, np.nan, 2], [3, np.nan, np.nan]])
    >>> m = from_array(v, ["1.1", "1.2", "1.3"])
    >>> r = link_counts(m)
    >>> r["n_pos_out"].values.tolist(), r["n_neg_out"].values.tolist()
    ([1, 1, 1], [1, 1, 0])
    >>> r["n_pos_in"].values.tolist(), r["n_neg_in"].values.tolist()
    ([1, 0, 2], [1, 1, 0])
    """
    return node_result(obj, _counts(adjacency(obj)))


def net_multiplier(obj: xr.DataArray | xr.Dataset) -> xr.Dataset:
    """Return each node's net multiplier ``net_multiplier_i = r_i − c_i = Σ_j a_ij − Σ_j a_ji``.

    Positive: the node gives more (net) influence than it receives — a lever; negative: it mostly
    follows from the others.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, -2, 1], [-1, np.nan, 2], [3, np.nan, np.nan]])
    >>> m = from_array(v, ["1.1", "1.2", "1.3"])
    >>> net_multiplier(m)["net_multiplier"].values.tolist()  # r = [-1, 1, 3], c = [2, -2, 3]
    [-3.0, 3.0, 0.0]
    """
    a = adjacency(obj)
    return node_result(obj, {"net_multiplier": a.sum(axis=-1) - a.sum(axis=-2)})


def two_step_paths(obj: xr.DataArray | xr.Dataset) -> xr.Dataset:
    """Split the second-order influence by the signs along each two-step path ``i → j → k``.

    With ``P = max(A, 0)`` and ``N = min(A, 0)``, and k over all nodes (paths back to i included, as
    in ``second_order``):

    * ``paths_synergy``         = ½ · Σ_j Σ_k a_ij · a_jk over a_ij > 0 and a_jk > 0  (= ½ · row sum of P·P)
    * ``paths_double_negative`` = ½ · Σ_j Σ_k a_ij · a_jk over a_ij < 0 and a_jk < 0  (= ½ · row sum of N·N)
    * ``paths_mixed``           = ½ · Σ_j Σ_k a_ij · a_jk over opposite signs  (= ½ · row sum of P·N + N·P)

    The three add up to ``second_order`` (½ · row sum of A², since A = P + N). ``paths_double_negative``
    is never negative: it shows openly how much of the second-order score comes from "minus times minus
    counts as plus" (a hindrance of something that hinders).

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, -2, 1], [-1, np.nan, 2], [3, np.nan, np.nan]])
    >>> m = from_array(v, ["1.1", "1.2", "1.3"])
    >>> r = two_step_paths(m)
    >>> r["paths_synergy"].values.tolist()  # ½·1·3 (1.1→1.3→1.1), ½·2·3, ½·3·1
    [1.5, 3.0, 1.5]
    >>> r["paths_double_negative"].values.tolist()  # ½·(−2)(−1) (1.1→1.2→1.1), ½·(−1)(−2), 0
    [1.0, 1.0, 0.0]
    >>> r["paths_mixed"].values.tolist()  # ½·(−2)·2, ½·(−1)·1, ½·3·(−2)
    [-2.0, -0.5, -3.0]
    >>> sdg_synergies(m)["second_order"].values.tolist()  # the sums of the three
    [0.5, 3.5, -1.5]
    """
    parts = signed_sums(adjacency(obj))
    return node_result(obj, {name: parts[name] for name in PATHS_COLUMNS})


def to_table(result: xr.Dataset, *, lang: str = "sv", columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Return a per-node result (one matrix) as a DataFrame: ``node, label``, then the variables.

    ``label`` is the node's short label in ``lang``. Column names stay the variable names (stable for
    files); :func:`~sdg_interactions.texts.text` with ``"column.<name>"`` gives display names.
    """
    check_lang(lang)
    if set(result.dims) != {NODE}:
        extra = sorted(set(result.dims) - {NODE})
        raise ValidationError(f"to_table takes a result for one matrix; select along {extra} first.")
    names = list(columns) if columns is not None else [v for v in result.data_vars]
    frame = pd.DataFrame({"node": [str(v) for v in result[NODE].to_numpy()]})
    label = f"label_{lang}"
    frame["label"] = result[label].to_numpy().astype(str) if label in result.coords else frame["node"]
    for name in names:
        frame[name] = result[name].to_numpy()
    return frame


def all_metrics(obj: xr.DataArray | xr.Dataset, *, alpha: float = 0.9,
                include_clusters: bool = True) -> xr.Dataset:
    """Return every per-node metric in one Dataset on the ``"node"`` dim (plus any leading dims).

    The variables of :func:`sdg_synergies`, :func:`link_counts`, :func:`net_multiplier`,
    :func:`two_step_paths`, :func:`~sdg_interactions.influence.total_influence` (``total_out``,
    ``total_in`` at ``alpha``), :func:`~sdg_interactions.influence.influence_dependence` (``influence``,
    ``dependence``, ``quadrant``) and, unless ``include_clusters=False``,
    :func:`~sdg_interactions.structure.clusters` (``cluster``). All are vectorised over leading dims
    except the clusters, which loop over them (leave them out for many samples).

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, -2, 1], [-1, np.nan, 2], [3, np.nan, np.nan]])
    >>> m = from_array(v, ["1.1", "1.2", "1.3"])
    >>> r = all_metrics(m)
    >>> r["quadrant"].values.tolist(), r["cluster"].values.tolist()
    (['relay', 'driver', 'relay'], [1, 1, 1])
    """
    from sdg_interactions.influence import check_alpha, quadrant_codes, total_sums
    from sdg_interactions.structure import clusters

    alpha = check_alpha(alpha)
    a = adjacency(obj)  # once: every part below reads the same numpy array
    parts = signed_sums(a)
    influence = parts["out_pos"] - parts["out_neg"]  # Σ_j |a_ij|
    dependence = parts["in_pos"] - parts["in_neg"]  # Σ_i |a_ij|
    total_out, total_in = total_sums(a, alpha, influence=influence, dependence=dependence)
    variables = {name: parts[name] for name in SDG_SYNERGIES_COLUMNS}
    variables.update(_counts(a))
    variables["net_multiplier"] = parts["out_sum"] - parts["in_sum"]
    variables.update({name: parts[name] for name in PATHS_COLUMNS})
    variables.update(total_out=total_out, total_in=total_in, influence=influence, dependence=dependence,
                     quadrant=quadrant_codes(influence, dependence))
    result = node_result(obj, variables)
    if include_clusters:
        result["cluster"] = clusters(obj)["cluster"]
    result.attrs["alpha"] = alpha
    return result


def analysis_table(obj: xr.DataArray | xr.Dataset, *, lang: str = "sv", alpha: float = 0.9) -> pd.DataFrame:
    """Return the table of ``sdg-interactions analyse --out``: one row per node, in node order.

    Columns ``node, label``, then :data:`SDG_SYNERGIES_COLUMNS`, then :data:`BEYOND_COLUMNS`:
    ``total_out``, ``total_in`` (all-order total influence at ``alpha``), ``net_multiplier`` (r − c),
    ``quadrant`` (the code ``driver``, ``relay``, ``dependent`` or ``autonomous``; display names are
    ``text("metrics.quadrant.<code>", lang)``) and ``cluster`` (0 = in no cluster). Later columns are
    appended, never renamed or reordered, so scripts that read the file keep working.
    """
    check_lang(lang)
    return to_table(all_metrics(obj, alpha=alpha), lang=lang, columns=ANALYSIS_COLUMNS)
