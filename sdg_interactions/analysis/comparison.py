"""Comparing kommuner: a consensus matrix, each kommun's departures from it, and rank correlations.

Several kommuner's matrices (or any other matrices on the same nodes) are stacked on a leading dim
(:func:`stack_matrices`, or :func:`~sdg_interactions.io.collection.load_collection` for a folder of
files); :func:`compare_matrices` computes, with ``A_k`` the matrix of kommun ``k``:

* ``consensus_ij`` = the median over the kommuner of ``a_kij`` (NaN skipped; NaN if no kommun scored it)
* ``difference_kij = a_kij − consensus_ij``; ``departure_k = Σ_ij |difference_kij|`` (NaN skipped)
* ``systemic_ki`` = each kommun's systemic score (:func:`~sdg_interactions.analysis.sdg_synergies`)
* ``spearman_kl`` = Spearman's rank correlation of ``systemic_k`` and ``systemic_l`` over the nodes: the
  Pearson correlation of their ranks, tied values (within the tie tolerance) sharing their average rank

:func:`departing_cells` lists each kommun's cells furthest from the consensus and :func:`comparison_table`
sums each kommun up in one row (``sdg-interactions compare --out``).
"""

from __future__ import annotations

from collections.abc import Hashable

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.analysis._core import (
    PROVENANCE_ATTRS,
    adjacency,
    at_least,
    rank_descending,
    signed_sums,
)
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.frameworks import node_sort_key
from sdg_interactions.io.collection import stack_matrices
from sdg_interactions.matrix import DIMS, NODE, as_matrix, combine_answers
from sdg_interactions.ranges import COUNT, SHOWN, check
from sdg_interactions.texts import check_lang

__all__ = ["COMPARISON_COLUMNS", "DEPARTING_COLUMNS", "average_ranks", "compare_matrices", "comparison_table",
           "departing_cells", "spearman_matrix", "stack_matrices"]

#: The columns of :func:`departing_cells`, in order.
DEPARTING_COLUMNS = ("kommun", "source", "source_label", "target", "target_label", "score", "consensus",
                     "difference")
#: The columns of :func:`comparison_table`, in order.
COMPARISON_COLUMNS = ("kommun", "label", "n_nodes", "n_scored", "departure", "spearman_mean", "most_departing")
_KEPT_ATTRS = (*PROVENANCE_ATTRS, "note", "synthetic", "source", "aggregated")


def average_ranks(values: np.ndarray) -> np.ndarray:
    """Rank along the last axis by descending value, tied values sharing the average of their ranks.

    Ties as in :func:`~sdg_interactions.analysis.rank_descending` (within 1e-9 · max(1, |x|)): a group of
    ``m`` tied values whose best rank is ``r`` gets ``r + (m − 1) / 2`` each.

    Examples
    --------
    >>> average_ranks(np.array([5.0, 7.0, 5.0, 1.0])).tolist()  # 5 and 5 share ranks 2 and 3
    [2.5, 1.0, 2.5, 4.0]
    """
    best = rank_descending(values)
    size = (best[..., :, None] == best[..., None, :]).sum(axis=-1)
    return best + (size - 1) / 2


def spearman_matrix(values: np.ndarray) -> np.ndarray:
    """Spearman's rank correlation between the rows of ``values`` (``k × n``): a ``k × k`` matrix.

    ``ρ_kl = Σ_i (R_ki − R̄)(R_li − R̄) / sqrt(Σ_i (R_ki − R̄)² · Σ_i (R_li − R̄)²)`` with ``R`` the
    :func:`average_ranks` of each row and ``R̄ = (n + 1) / 2``; NaN for a row whose values are all tied.
    Identical rows correlate exactly 1. With NaN in ``values`` (a node one matrix never scored) each pair of
    rows is correlated over the nodes both have, ranked afresh among them (NaN with fewer than two).

    Examples
    --------
    >>> spearman_matrix(np.array([[1.0, 2, 3, 4], [1, 3, 2, 4], [4, 3, 2, 1]])).tolist()
    [[1.0, 0.8, -1.0], [0.8, 1.0, -0.8], [-1.0, -0.8, 1.0]]

    Ranks 4 3 2 1 and 4 2 3 1, centred: (1.5, .5, −.5, −1.5) and (1.5, −.5, .5, −1.5); Σ products = 4,
    Σ squares = 5 each: ρ = 4 / 5 = 0.8.
    """
    values = np.asarray(values, dtype=np.float64)
    if np.isnan(values).any():
        k = values.shape[0]
        rho = np.full((k, k), np.nan)
        for a in range(k):
            for b in range(a, k):
                both = ~np.isnan(values[a]) & ~np.isnan(values[b])
                if both.sum() >= 2:
                    rho[a, b] = rho[b, a] = spearman_matrix(values[[a, b]][:, both])[0, 1]
        return rho
    ranks = average_ranks(values)
    centred = ranks - (ranks.shape[-1] + 1) / 2
    products = (centred[:, None, :] * centred[None, :, :]).sum(axis=-1)  # the same sums for identical rows
    squares = np.diagonal(products)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho = products / np.sqrt(squares[:, None] * squares[None, :])
    return np.clip(np.where((squares[:, None] > 0) & (squares[None, :] > 0), rho, np.nan), -1.0, 1.0)


def _scored_nodes(values: np.ndarray) -> np.ndarray:
    """``(k, n)``: whether entry k scored node i at all (a value in its row or its column, off the diagonal)."""
    n = values.shape[-1]
    known = ~np.isnan(values) & ~np.eye(n, dtype=bool)
    return known.any(axis=-1) | known.any(axis=-2)


def compare_matrices(stack: xr.DataArray | xr.Dataset, *, dim: Hashable = "kommun") -> xr.Dataset:
    """Compare the matrices of a stack on ``dim``: consensus, differences, systemic scores, correlations.

    With ``A_k`` the matrix of entry ``k`` (NaN = not scored):

    * ``consensus`` (source, target) = median_k a_kij, NaN skipped (the mean of the two middle ones for
      an even count; NaN where no entry scored the cell)
    * ``difference`` (dim, source, target) = a_kij − consensus_ij (NaN where either is NaN)
    * ``departure`` (dim) = Σ_ij |difference_kij|, NaN skipped
    * ``systemic`` (dim, node) = r_i + ½ Σ_j a_ij r_j of each entry (A with NaN read as 0), and its ``rank``;
      a node an entry never scored (its row and column all NaN there, as :func:`stack_matrices` with
      ``join="outer"`` leaves a node one kommun lacks) has systemic NaN and rank 0 there, and the other
      nodes are ranked without it
    * ``spearman`` (dim, ``<dim>_other``) = :func:`spearman_matrix` of the systemic scores (over the nodes
      both entries scored)

    Parameters
    ----------
    stack : xarray.DataArray or xarray.Dataset
        The matrices on a leading dim ``dim`` and ``source``, ``target`` (:func:`stack_matrices`, or
        :func:`~sdg_interactions.io.collection.load_collection` for a folder of files); no other dim.
    dim : hashable, default "kommun"
        The dim the matrices are stacked on, with at least two entries.

    Returns
    -------
    xarray.Dataset
        ``score`` (the stacked matrices), ``consensus``, ``difference``, ``departure``, ``systemic``,
        ``rank`` and ``spearman`` as above, on ``dim``, ``source``, ``target``, ``node`` and
        ``<dim>_other``, with the node labels; attrs: the stack's provenance, ``dim`` and ``n_<dim>``.

    Raises
    ------
    ValidationError
        If ``dim`` is not the leading dim of a stack of matrices, or it holds fewer than two.

    See Also
    --------
    departing_cells : Each entry's cells furthest from the consensus.
    comparison_table : One row per entry, for a table or a CSV file.
    sdg_interactions.analysis.sdg_synergies : The systemic score compared and correlated here.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> ids = ["1.1", "1.2", "1.3"]
    >>> a = from_array(np.array([[np.nan, 2, 0], [1, np.nan, 0], [0, 1, np.nan]]), ids)
    >>> b = from_array(np.array([[np.nan, 2, 0], [1, np.nan, 3], [0, 1, np.nan]]), ids)
    >>> c = from_array(np.array([[np.nan, -1, 0], [1, np.nan, 1], [0, 1, np.nan]]), ids)
    >>> r = compare_matrices(stack_matrices({"a": a, "b": b, "c": c}))
    >>> r["consensus"].sel(source="1.2").values.tolist()  # median(1, 1, 1), –, median(0, 3, 1)
    [1.0, nan, 1.0]
    >>> r["difference"].sel(source="1.2", target="1.3").values.tolist()  # 0 − 1, 3 − 1, 1 − 1
    [-1.0, 2.0, 0.0]
    >>> r["departure"].values.tolist()  # a: |0−1|; b: |3−1|; c: |−1−2| + |1−1|
    [1.0, 2.0, 3.0]
    >>> r["systemic"].sel(kommun="a").values.tolist()  # r = (2, 1, 1); 2 + ½·2·1, 1 + ½·1·2, 1 + ½·1·1
    [3.0, 2.0, 1.5]
    >>> r["systemic"].sel(kommun=["b", "c"]).values.tolist()
    [[6.0, 6.5, 3.0], [-2.0, 2.0, 2.0]]
    >>> r["spearman"].values.round(3).tolist()
    [[1.0, 0.5, -0.866], [0.5, 1.0, 0.0], [-0.866, 0.0, 1.0]]

    Ranks a (1, 2, 3), b (2, 1, 3), c (3, 1.5, 1.5) (a tie); centred by R̄ = 2: a·b = 0 + 0 + 1 over
    sqrt(2 · 2) gives 0.5; a·c = −1 + 0 − 0.5 over sqrt(2 · 1.5) gives −0.866; b·c = 0 + 0.5 − 0.5 = 0.
    """
    da = as_matrix(stack)
    if dim not in da.dims or dim in DIMS or da.ndim != 3:
        raise ValidationError(locate(tr("error.analysis.compare_stack"), value=dim,
                                     valid=tr("error.analysis.valid_compare_stack", dim=repr(dim),
                                              dims=tuple(map(str, da.dims)))))
    da = da.transpose(dim, *DIMS)
    if da.sizes[dim] < 2:
        raise ValidationError(locate(tr("error.analysis.compare_two", dim=repr(dim)), value=da.sizes[dim],
                                     valid=tr("error.analysis.valid_two_matrices")))
    values = da.to_numpy().astype(np.float64)
    consensus = combine_answers(np.moveaxis(values, 0, -1), "median")
    difference = values - consensus
    departure = np.nansum(np.abs(difference), axis=(-2, -1))
    parts = signed_sums(adjacency(da))
    scored = _scored_nodes(values)
    if not scored.all():
        systemic = np.where(scored, parts["systemic"], np.nan)
        parts = {"systemic": systemic,
                 "rank": np.where(scored, rank_descending(np.where(scored, systemic, -np.inf)), 0)}
    other = f"{dim}_other"
    ids = [str(v) for v in da["source"].to_numpy()]
    lead = {k: c for k, c in da.coords.items() if c.dims == (dim,)}
    coords: dict[str, object] = {k: c for k, c in da.coords.items() if set(c.dims) <= {dim, *DIMS}}
    coords[NODE] = ids
    for name, coord in da.coords.items():
        if name.startswith("source_") and coord.dims == ("source",):
            coords[name.removeprefix("source_")] = (NODE, coord.to_numpy())
    coords[other] = da[dim].to_numpy()
    for name, coord in lead.items():
        if name != dim:
            coords[f"{name}_other" if not name.startswith(f"{dim}_") else f"{other}{name[len(dim):]}"] = (
                other, coord.to_numpy())
    result = xr.Dataset({
        "score": ((dim, *DIMS), values),
        "consensus": (DIMS, consensus),
        "difference": ((dim, *DIMS), difference),
        "departure": ((dim,), departure),
        "systemic": ((dim, NODE), parts["systemic"]),
        "rank": ((dim, NODE), parts["rank"]),
        "spearman": ((dim, other), spearman_matrix(parts["systemic"])),
    }, coords=coords)
    attrs = {**da.attrs, **(stack.attrs if isinstance(stack, xr.Dataset) else {})}
    result.attrs = {k: v for k, v in attrs.items() if k in _KEPT_ATTRS}
    result.attrs.update({"dim": str(dim), f"n_{dim}": int(da.sizes[dim])})
    return result


def _check_comparison(comparison: xr.Dataset, what: str) -> str:
    needed = ("score", "consensus", "difference", "departure", "spearman")
    if not isinstance(comparison, xr.Dataset) or any(v not in comparison for v in needed):
        raise ValidationError(tr("error.analysis.not_a_comparison", what=what))
    return str(comparison.attrs.get("dim", comparison["departure"].dims[0]))


def _label(comparison: xr.Dataset, role: str, lang: str) -> np.ndarray:
    for name in (f"{role}_label_{lang}", f"{role}_label_sv", f"{role}_label_en"):
        if name in comparison.coords:
            return comparison[name].to_numpy().astype(str)
    return comparison[role].to_numpy().astype(str)


def departing_cells(comparison: xr.Dataset, *, top: int | None = 10, lang: str = "sv") -> pd.DataFrame:
    """Each entry's cells that depart most from the consensus, ``top`` per entry (1 … 2000; ``None``: all).

    Parameters
    ----------
    comparison : xarray.Dataset
        A :func:`compare_matrices` result.
    top : int or None, default 10
        How many cells to list per entry, 1 … 2000; ``None``: all that depart.
    lang : {"sv", "en"}, default "sv"
        Labels in ``lang``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`DEPARTING_COLUMNS` (``kommun`` is named after the stack's dim); per entry sorted by
        ``|difference|`` descending, equal ones (within the tie tolerance) in natural id order of
        ``(source, target)``. Cells with no difference (or NaN) are left out.

    Raises
    ------
    ValidationError
        If ``comparison`` is not a :func:`compare_matrices` result, or ``top`` is out of its range.

    See Also
    --------
    compare_matrices : The consensus and differences listed here.
    comparison_table : Each entry's most departing cell, in its one row.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> ids = ["1.1", "1.2", "1.3"]
    >>> a = from_array(np.array([[np.nan, 2, 0], [1, np.nan, 0], [0, 1, np.nan]]), ids)
    >>> b = from_array(np.array([[np.nan, 3, 0], [1, np.nan, 0], [0, -2, np.nan]]), ids)
    >>> c = from_array(np.array([[np.nan, 2, 2], [1, np.nan, 0], [0, 1, np.nan]]), ids)
    >>> table = departing_cells(compare_matrices(stack_matrices({"a": a, "b": b, "c": c})), lang="en")
    >>> table[["kommun", "source", "target", "score", "consensus", "difference"]].values.tolist()
    [['b', '1.3', '1.2', -2.0, 1.0, -3.0], ['b', '1.1', '1.2', 3.0, 2.0, 1.0], ['c', '1.1', '1.3', 2.0, 0.0, 2.0]]
    """
    check_lang(lang)
    dim = _check_comparison(comparison, "departing_cells")
    if top is not None:  # 1 … 2000 cells per entry, or None for all
        top = check(top, "top", COUNT, high=SHOWN.high)
    names = [str(v) for v in comparison[dim].to_numpy()]
    ids = [str(v) for v in comparison["source"].to_numpy()]
    n = len(ids)
    difference = comparison["difference"].transpose(dim, *DIMS).to_numpy()
    score = comparison["score"].transpose(dim, *DIMS).to_numpy()
    consensus = comparison["consensus"].transpose(*DIMS).to_numpy()
    size = np.abs(np.nan_to_num(difference, nan=0.0)).reshape(len(names), n * n)
    departs = ~at_least(0.0, size)  # |d| > 0 beyond the tie tolerance
    rank = rank_descending(size)
    natural = np.empty(n, dtype=np.int64)  # each id's position in natural order
    natural[sorted(range(n), key=lambda k: node_sort_key(ids[k]))] = np.arange(n)
    order_of_cell = (natural[:, None] * n + natural[None, :]).reshape(-1)
    source_label, target_label = _label(comparison, "source", lang), _label(comparison, "target", lang)
    rows = []
    for k, name in enumerate(names):
        cells = np.flatnonzero(departs[k])
        cells = cells[np.lexsort((order_of_cell[cells], rank[k, cells]))]
        for flat in cells[:top] if top is not None else cells:
            i, j = divmod(int(flat), n)
            rows.append((str(name), ids[i], source_label[i], ids[j], target_label[j], float(score[k, i, j]),
                         float(consensus[i, j]), float(difference[k, i, j])))
    return pd.DataFrame(rows, columns=list(DEPARTING_COLUMNS)).rename(columns={"kommun": dim})


def _signed(value: float) -> str:
    text = f"{value:+.2f}".rstrip("0").rstrip(".")
    return text.replace("-", "−")


def comparison_table(comparison: xr.Dataset, *, lang: str = "sv") -> pd.DataFrame:
    """One row per entry of a comparison, for a table or ``--out FILE.csv``.

    Parameters
    ----------
    comparison : xarray.Dataset
        A :func:`compare_matrices` result.
    lang : {"sv", "en"}, default "sv"
        ``lang`` is checked and names the labels of :func:`departing_cells` it reads.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COMPARISON_COLUMNS`: ``kommun`` (named after the stack's dim), ``label`` (the kommun's
        name where known), ``n_nodes`` (nodes with at least one scored link in or out), ``n_scored`` (scored
        pairs), ``departure`` (Σ |difference|), ``spearman_mean`` (the mean Spearman correlation with the
        other entries, NaN skipped) and ``most_departing`` (the cell furthest from the consensus, as
        ``"source→target (+2)"``, the signed difference with a true minus sign; blank if none departs).

    Raises
    ------
    ValidationError
        If ``comparison`` is not a :func:`compare_matrices` result.

    See Also
    --------
    compare_matrices : The comparison summed up here.
    departing_cells : All the departing cells, not only the first.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> ids = ["1.1", "1.2", "1.3"]
    >>> a = from_array(np.array([[np.nan, 2, 0], [1, np.nan, 0], [0, 1, np.nan]]), ids)
    >>> b = from_array(np.array([[np.nan, 3, 0], [1, np.nan, 0], [0, -2, np.nan]]), ids)
    >>> c = from_array(np.array([[np.nan, 2, 2], [1, np.nan, 0], [0, 1, np.nan]]), ids)
    >>> t = comparison_table(compare_matrices(stack_matrices({"a": a, "b": b, "c": c})))
    >>> t[["kommun", "n_scored", "departure", "most_departing"]].values.tolist()
    [['a', 6, 0.0, ''], ['b', 6, 4.0, '1.3→1.2 (−3)'], ['c', 6, 2.0, '1.1→1.3 (+2)']]
    """
    check_lang(lang)
    dim = _check_comparison(comparison, "comparison_table")
    names = comparison[dim].to_numpy().astype(str)
    label = (comparison[f"{dim}_label"].to_numpy().astype(str) if f"{dim}_label" in comparison.coords else names)
    score = comparison["score"].transpose(dim, *DIMS).to_numpy()
    scored = ~np.isnan(score)
    n_nodes = (scored.any(axis=-1) | scored.any(axis=-2)).sum(axis=-1)
    rho = comparison["spearman"].to_numpy().astype(np.float64).copy()
    np.fill_diagonal(rho, np.nan)
    known = ~np.isnan(rho)
    with np.errstate(invalid="ignore", divide="ignore"):
        spearman_mean = np.where(known, rho, 0.0).sum(axis=-1) / known.sum(axis=-1)
    first = departing_cells(comparison, top=1, lang=lang).set_index(dim)
    most = [f"{first.loc[n, 'source']}→{first.loc[n, 'target']} ({_signed(first.loc[n, 'difference'])})"
            if n in first.index else "" for n in names]
    return pd.DataFrame({dim: names, "label": label, "n_nodes": n_nodes.astype(int),
                         "n_scored": scored.sum(axis=(-2, -1)).astype(int),
                         "departure": comparison["departure"].to_numpy().astype(float),
                         "spearman_mean": spearman_mean, "most_departing": most})
