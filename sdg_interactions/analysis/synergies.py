"""The SDG Synergies per-node metrics (Weitz et al. 2018) and the counts and paths beside them."""

from __future__ import annotations

import xarray as xr

from sdg_interactions.analysis._core import (
    PATHS_COLUMNS,
    SDG_SYNERGIES_COLUMNS,
    adjacency,
    counts,
    node_result,
    signed_sums,
)

__all__ = ['link_counts', 'net_multiplier', 'sdg_synergies', 'two_step_paths']


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

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix, with any leading dims.

    Returns
    -------
    xarray.Dataset
        :data:`SDG_SYNERGIES_COLUMNS` on ``(..., node)``, described, with the node coordinates and the
        matrix's provenance attrs.

    See Also
    --------
    two_step_paths : ``second_order`` split by the signs along each path.
    all_metrics : these and every other per-node metric in one Dataset.
    rank_robustness : how sure the ranks are over several respondents.

    References
    ----------
    .. [1] Weitz, N., Carlsen, H., Nilsson, M., & Skånberg, K. (2018). Towards systemic and contextual priority
       setting for implementing the 2030 Agenda. Sustainability Science 13, 531–548.
    .. [2] Nilsson, M., Griggs, D., & Visbeck, M. (2016). Policy: Map the interactions between Sustainable
       Development Goals. Nature 534, 320–322 (the scale from −3 to +3).

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


def link_counts(obj: xr.DataArray | xr.Dataset) -> xr.Dataset:
    """Count each node's positive and negative links, outgoing and incoming.

    * ``n_pos_out`` = #{j : a_ij > 0};  ``n_neg_out`` = #{j : a_ij < 0}
    * ``n_pos_in``  = #{i : a_ij > 0} for node j;  ``n_neg_in`` = #{i : a_ij < 0}

    A scored 0 ("no interaction") and an unscored cell count in neither. Integer results.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix, with any leading dims.

    Returns
    -------
    xarray.Dataset
        ``n_pos_out``, ``n_neg_out``, ``n_pos_in`` and ``n_neg_in`` on ``(..., node)``, described.

    See Also
    --------
    sdg_synergies : the sums of the same links' scores.
    conflicts : the negative links as a list of målkonflikter.

    References
    ----------
    .. [1] Weitz, N., Carlsen, H., Nilsson, M., & Skånberg, K. (2018). Towards systemic and contextual priority
       setting for implementing the 2030 Agenda. Sustainability Science 13, 531–548.

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
    return node_result(obj, counts(adjacency(obj)))


def net_multiplier(obj: xr.DataArray | xr.Dataset) -> xr.Dataset:
    """Return each node's net multiplier ``net_multiplier_i = r_i − c_i = Σ_j a_ij − Σ_j a_ji``.

    Positive: the node gives more (net) influence than it receives — a lever; negative: it mostly
    follows from the others.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix, with any leading dims.

    Returns
    -------
    xarray.Dataset
        ``net_multiplier`` on ``(..., node)``, described.

    See Also
    --------
    sdg_synergies : ``out_sum`` (r) and ``in_sum`` (c).
    influence_dependence : the same sums of ``|A|``, placed on a plane.

    References
    ----------
    .. [1] Gabus, A., & Fontela, E. (1973). Perceptions of the World Problematique: Communication Procedure,
       Communicating with those Bearing Collective Responsibility. DEMATEL Report No. 1, Battelle Geneva
       Research Centre (r − c, DEMATEL's net effect).

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

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix, with any leading dims.

    Returns
    -------
    xarray.Dataset
        :data:`PATHS_COLUMNS` on ``(..., node)``, described.

    See Also
    --------
    sdg_synergies : ``second_order``, the sum of the three.

    References
    ----------
    .. [1] Weitz, N., Carlsen, H., Nilsson, M., & Skånberg, K. (2018). Towards systemic and contextual priority
       setting for implementing the 2030 Agenda. Sustainability Science 13, 531–548.

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


