"""Does a result stand out from chance? Degree-preserving signed rewiring of a matrix, and what the
clusters' modularity and each node's systemic rank look like on the rewired matrices.

**The null model.** The scored links of one matrix (``a_ij ≠ 0``, NaN read as 0) are split by sign. Within
each sign, :func:`rewire` repeats double-edge swaps: two links ``a → b`` and ``c → d`` become ``a → d`` and
``c → b``, each link keeping its score (the swap is skipped if it would make a self-link or a pair that is
already linked). Every node keeps its number of positive and negative links out and in, and the scores it
gives (so its row sums ``out_sum``, ``out_pos``, ``out_neg`` — the first-order influence — are exactly
kept); only *who* receives which score is randomised. Ten swap attempts per link are made, enough for the
swaps to mix (Milo et al. 2003 use 100 per edge for motif counts; degree distributions settle far sooner).
The swaps run in lockstep for all samples at once (numpy; a Python loop only over swap steps). A caveat
of every double-edge swap on directed graphs: two configurations that differ only by the direction of a
directed triangle (a → b → c → a against a → c → b → a) cannot reach each other, so those few are not
mixed (Rao, Jana & Bandyopadhyay 1996); on matrices with many links this changes little.

**What is compared** (:func:`cluster_significance`):

* ``modularity`` of the partition of :func:`~sdg_interactions.analysis.clusters` on the matrix, and
  ``modularity_percentile`` = the share of rewired matrices whose own partition's modularity is lower
  (ties count half): near 1, the clusters are stronger than chance with the same degrees;
* per node, ``rank`` (systemic, as :func:`~sdg_interactions.analysis.sdg_synergies`) and ``rank_chance`` =
  the share of rewired matrices in which the node's systemic rank is at least as good (≤) as its observed
  rank: small, and its rank is due to where its links point, not only to how many it has.

References
----------
Maslov, S. & Sneppen, K. (2002). Specificity and stability in topology of protein networks. *Science*
296:910–913 (degree-preserving rewiring).
Milo, R. et al. (2003). On the uniform generation of random graphs with prescribed degree sequences.
arXiv:cond-mat/0312028.
Rao, A. R., Jana, R. & Bandyopadhyay, S. (1996). A Markov chain Monte Carlo method for generating random
(0, 1)-matrices with given marginals. *Sankhyā A* 58:225–242.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.analysis._core import adjacency, node_result, rank_descending, signed_sums
from sdg_interactions.analysis.clustering import CLUSTER_THRESHOLD, _check, partition
from sdg_interactions.analysis.descriptions import describe
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix import node_ids, require_single

__all__ = ["SWAPS_PER_LINK", "cluster_significance", "rewire"]

#: Swap attempts per link of each sign in :func:`rewire`.
SWAPS_PER_LINK = 10


def _check_samples(samples: object) -> int:
    if isinstance(samples, bool) or not isinstance(samples, (int, np.integer)) or not 1 <= int(samples) <= 100_000:
        raise ValidationError(locate(tr("error.analysis.samples_whole"), value=samples,
                                     valid=tr("error.analysis.valid_samples")))
    return int(samples)


def rewire(a: np.ndarray, samples: int, *, seed: int = 0) -> np.ndarray:
    """``samples`` degree-preserving signed rewirings of one matrix ``a`` (the module docstring gives the rule).

    Parameters
    ----------
    a : numpy.ndarray
        One matrix, ``n × n``, NaN read as 0, diagonal 0.
    samples : int
        How many rewired matrices, 1 … 100 000.
    seed : int, optional
        The seed of the random swaps (default 0).

    Returns
    -------
    numpy.ndarray
        ``(samples, n, n)``.

    Raises
    ------
    ValidationError
        When ``samples`` is no whole number in range.

    See Also
    --------
    cluster_significance : the clusters and ranks of the matrix against its rewirings.

    References
    ----------
    .. [1] Maslov, S., & Sneppen, K. (2002). Specificity and stability in topology of protein networks.
       Science 296, 910–913.

    Examples
    --------
    >>> a = np.array([[0, 2, -1, 0], [0, 0, 3, 0], [1, 0, 0, 0], [0, 0, -2, 0]], dtype=float)
    >>> r = rewire(a, 50, seed=1)
    >>> bool((r.sum(axis=-1) == a.sum(axis=-1)).all())  # every row keeps its scores
    True
    >>> bool(((r > 0).sum(axis=-2) == (a > 0).sum(axis=-2)).all())  # and every column its positive count
    True
    """
    samples = _check_samples(samples)
    a = np.nan_to_num(np.asarray(a, dtype=float))
    n = a.shape[-1]
    rng = np.random.default_rng(seed)
    out = np.zeros((samples, n, n))
    taken = np.zeros((samples, n, n), dtype=bool)
    links = []
    for sign in (1, -1):
        rows, cols = np.nonzero(np.sign(a) == sign)
        links.append((np.tile(rows, (samples, 1)), np.tile(cols, (samples, 1)), a[rows, cols]))
        taken[:, rows, cols] = True
    every = np.arange(samples)
    for src, dst, _ in links:
        m = src.shape[1]
        if m < 2:
            continue
        for _ in range(SWAPS_PER_LINK * m):
            e, f = rng.integers(0, m, size=samples), rng.integers(0, m, size=samples)
            a_, b_, c_, d_ = src[every, e], dst[every, e], src[every, f], dst[every, f]
            ok = (e != f) & (a_ != d_) & (c_ != b_) & ~taken[every, a_, d_] & ~taken[every, c_, b_]
            s = every[ok]
            taken[s, a_[ok], b_[ok]] = False
            taken[s, c_[ok], d_[ok]] = False
            taken[s, a_[ok], d_[ok]] = True
            taken[s, c_[ok], b_[ok]] = True
            dst[s, e[ok]], dst[s, f[ok]] = d_[ok], b_[ok]
    for src, dst, score in links:
        if src.shape[1]:
            out[every[:, None], src, dst] = score[None, :]
    return out


def cluster_significance(obj: xr.DataArray | xr.Dataset, *, samples: int = 200, seed: int = 0,
                         threshold: float = CLUSTER_THRESHOLD, resolution: float = 1.0) -> xr.Dataset:
    """Compare one matrix's clusters and systemic ranks with degree-preserving signed rewirings.

    ``samples`` rewirings (:func:`rewire`); the module docstring defines every number.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix (no leading dims).
    samples : int, optional
        How many rewired matrices, 1 … 100 000 (default 200).
    seed : int, optional
        The seed of the rewiring (default 0).
    threshold : float, optional
        The smallest score of a link that joins two nodes, as in :func:`clusters` (default 2).
    resolution : float, optional
        The resolution γ of the modularity, as in :func:`clusters` (default 1).

    Returns
    -------
    xarray.Dataset
        On ``node``: ``cluster``, ``rank`` and ``rank_chance``; scalars ``modularity``,
        ``modularity_percentile`` and ``null_modularity`` (the mean over the rewired matrices that have a
        strong link). ``attrs`` record ``samples``, ``seed``, ``threshold``, ``resolution`` and
        ``swaps_per_link``.

    Raises
    ------
    ValidationError
        When ``obj`` holds several matrices, or a parameter is out of range.

    See Also
    --------
    clusters : the clusters themselves, for any number of matrices.
    rewire : the rewired matrices.
    rank_robustness : how sure the ranks are over the respondents.

    References
    ----------
    .. [1] Maslov, S., & Sneppen, K. (2002). Specificity and stability in topology of protein networks.
       Science 296, 910–913.

    Examples
    --------
    >>> from sdg_interactions.io import load_matrix
    >>> r = cluster_significance(load_matrix("weitz2018_sweden"), samples=20, seed=1)
    >>> 0 <= float(r["modularity_percentile"]) <= 1, int(r["rank"].sel(node="16.6"))
    (True, 1)
    """
    threshold, resolution = _check(threshold, resolution)
    da = require_single(obj, "cluster_significance")
    a = adjacency(da)
    ids = node_ids(da)
    keys = [frameworks.node_sort_key(i) for i in ids]
    numbers, q = partition(a, keys, threshold=threshold, resolution=resolution)
    null = rewire(a, samples, seed=seed)
    null_q = np.array([partition(m, keys, threshold=threshold, resolution=resolution)[1] for m in null])
    observed_rank = rank_descending(signed_sums(a)["systemic"])
    null_rank = rank_descending(signed_sums(null)["systemic"])  # vectorised over the samples
    chance = (null_rank <= observed_rank[None, :]).mean(axis=0)
    valid = null_q[~np.isnan(null_q)]
    if np.isnan(q) or not valid.size:
        percentile = np.nan
    else:
        percentile = float(((valid < q).sum() + 0.5 * (valid == q).sum()) / valid.size)
    result = node_result(da, {"cluster": numbers, "rank": observed_rank, "rank_chance": chance})
    result["modularity"] = ((), q)
    result["modularity_percentile"] = ((), percentile)
    result["null_modularity"] = ((), float(valid.mean()) if valid.size else np.nan)
    result.attrs.update({"samples": samples, "seed": seed, "threshold": threshold, "resolution": resolution,
                         "swaps_per_link": SWAPS_PER_LINK})
    return describe(result)
