"""Clusters of strong mutual support: nodes joined by links scored ≥ 2 (Clauset–Newman–Moore, in numpy).

:func:`clusters` loops over leading dims (one graph per matrix) and gives each partition's modularity;
:func:`sdg_interactions.analysis.null_model.cluster_significance` says whether it stands out from chance.

References
----------
Clauset, A., Newman, M. E. J. & Moore, C. (2004). Finding community structure in very large networks.
*Physical Review E* 70:066111. doi:10.1103/PhysRevE.70.066111.
Reichardt, J. & Bornholdt, S. (2006). Statistical mechanics of community detection. *Physical Review E*
74:016110 (the resolution parameter γ).
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.analysis._core import adjacency, node_result
from sdg_interactions.analysis.descriptions import describe
from sdg_interactions.matrix import node_ids

__all__ = ["CLUSTER_THRESHOLD", "cluster_numbers", "clusters", "modularity", "partition"]

#: The smallest score of a link that joins two nodes in :func:`clusters`.
CLUSTER_THRESHOLD = 2


def _check(threshold: object, resolution: object) -> tuple[float, float]:
    from sdg_interactions.errors import ValidationError, locate, tr

    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)) \
            or not 0 < float(threshold) <= 3:
        raise ValidationError(locate(tr("error.analysis.threshold_score"), value=threshold,
                                     valid=tr("error.analysis.valid_cluster_threshold")))
    if isinstance(resolution, bool) or not isinstance(resolution, (int, float, np.integer, np.floating)) \
            or not 0 < float(resolution) <= 10:
        raise ValidationError(locate(tr("error.analysis.resolution_positive"), value=resolution,
                                     valid=tr("error.analysis.valid_resolution")))
    return float(threshold), float(resolution)


def _cnm(weight: np.ndarray, resolution: float) -> list[list[int]]:
    """Clauset–Newman–Moore greedy modularity on a dense symmetric weight matrix (zero diagonal): the same
    merges, in the same order, as :func:`networkx.community.greedy_modularity_communities` (checked on
    random graphs in tests/test_clusters_cnm.py), in numpy.

    Every node with a link starts alone. ``a_i = d_i / 2m`` (``d_i`` its weighted degree, ``m`` the total
    weight); for linked communities ``ΔQ_ij = w_ij / m − γ (a_i a_j + a_j a_i)``. Each step merges the
    linked pair with the largest ``ΔQ`` — ties to the smallest ``(u, v)`` in row-major order, as networkx's
    heap breaks them — community ``u`` into ``v``, and updates ``ΔQ`` of ``v`` with every neighbour ``w``:
    ``ΔQ_vw + ΔQ_uw`` if both were linked to it, else ``ΔQ_vw − γ (a_u a_w + a_w a_u)`` or
    ``ΔQ_uw − γ (a_v a_w + a_w a_v)``; then ``a_v += a_u``. It stops before a merge with ``ΔQ < 0``.
    """
    nodes = np.flatnonzero((weight > 0).any(axis=1))
    if nodes.size == 0:
        return []
    w = weight[np.ix_(nodes, nodes)]
    k = len(nodes)
    q0 = 1 / w[np.triu_indices(k, 1)].sum()
    a = w.sum(axis=1) * q0 * 0.5
    linked = w > 0
    dq = np.where(linked, q0 * w - resolution * (a[:, None] * a[None, :] + a[:, None] * a[None, :]), -np.inf)
    members = {i: [i] for i in range(k)}
    while True:
        u, v = divmod(int(np.argmax(dq)), k)
        if not np.isfinite(dq[u, v]) or dq[u, v] < 0:
            break
        to_u, to_v = linked[u].copy(), linked[v].copy()
        to_u[[u, v]] = to_v[[u, v]] = False
        both, only_v, only_u = to_u & to_v, to_v & ~to_u, to_u & ~to_v
        new = np.full(k, -np.inf)
        new[both] = dq[v, both] + dq[u, both]
        new[only_v] = dq[v, only_v] - resolution * (a[u] * a[only_v] + a[only_v] * a[u])
        new[only_u] = dq[u, only_u] - resolution * (a[v] * a[only_u] + a[only_u] * a[v])
        touched = both | only_v | only_u
        dq[v, touched] = dq[touched, v] = new[touched]
        linked[v, touched] = linked[touched, v] = True
        dq[u, :] = dq[:, u] = -np.inf
        linked[u, :] = linked[:, u] = False
        a[v] += a[u]
        a[u] = 0.0
        members[v] += members.pop(u)
    return [sorted(int(nodes[i]) for i in c) for c in members.values()]


def modularity(weight: np.ndarray, communities: list[list[int]], resolution: float = 1.0) -> float:
    """``Q = Σ_c [w_c / m − γ (d_c / 2m)²]`` of a partition of the nodes with links (``weight`` dense and
    symmetric, zero diagonal; ``w_c`` the weight inside community c, ``d_c`` its summed degree, ``m`` the
    total weight), as :func:`networkx.community.modularity` computes it; NaN without any link."""
    m = weight[np.triu_indices(len(weight), 1)].sum()
    if not m:
        return float("nan")
    degree = weight.sum(axis=1)
    q = 0.0
    for members in communities:
        inside = weight[np.ix_(members, members)].sum() / 2
        q += inside / m - resolution * (degree[members].sum() / (2 * m)) ** 2
    return float(q)


def partition(a: np.ndarray, sort_keys: list[tuple], *, threshold: float = CLUSTER_THRESHOLD,
              resolution: float = 1.0) -> tuple[np.ndarray, float]:
    """Cluster numbers of one matrix ``a`` (``n × n``, NaN read as 0, diagonal 0; 0 = no strong link) and
    the partition's weighted modularity ``Q`` (:func:`modularity`, with ``resolution``; NaN when there is
    no strong link).

    Examples
    --------
    >>> a = np.array([[0, 3, 0, 0], [2, 0, 1, 0], [0, 0, 0, 2], [-3, 0, 1, 0]], dtype=float)
    >>> numbers, q = partition(a, [(0,), (1,), (2,), (3,)])
    >>> numbers.tolist(), q  # two edges of weight 5 and 2, one per cluster: Q = 1 − (5² + 2²)/7² = 20/49
    ([1, 1, 2, 2], 0.40816326530612246)
    """
    n = a.shape[-1]
    strong = np.where(a >= threshold, a, 0.0)
    weight = np.triu(strong + strong.T, k=1)
    weight = weight + weight.T
    number = np.zeros(n, dtype=np.int64)
    communities = _cnm(weight, resolution)
    if not communities:
        return number, float("nan")
    ordered = sorted(communities, key=lambda c: (-len(c), min(sort_keys[k] for k in c)))
    for k, members in enumerate(ordered, start=1):
        number[members] = k
    return number, modularity(weight, communities, resolution)


def clusters(obj: xr.DataArray | xr.Dataset, *, threshold: float = CLUSTER_THRESHOLD,
             resolution: float = 1.0) -> xr.Dataset:
    """Group nodes into clusters of strong mutual support.

    Gives ``cluster`` per node on the ``"node"`` dim and the partition's ``modularity`` per matrix.

    * An undirected graph: an edge i–j if ``a_ij ≥ threshold`` or ``a_ji ≥ threshold``, with
      ``weight_ij = a_ij·[a_ij ≥ threshold] + a_ji·[a_ji ≥ threshold]``.
    * Communities by Clauset–Newman–Moore greedy modularity, weighted, with ``resolution`` γ (above 1:
      smaller clusters): :func:`_cnm`, the same partition as
      :func:`networkx.community.greedy_modularity_communities` on the nodes in natural order, in numpy
      (25× faster at 169 nodes), so results are deterministic.
    * Numbered 1, 2, … by size (largest first), then by the smallest id in natural order
      (:func:`~sdg_interactions.frameworks.node_sort_key`); a node with no link ≥ threshold gets cluster 0.
    * ``modularity`` = ``Q = Σ_c [w_c / m − γ (d_c / 2m)²]`` (``w_c`` the weight inside cluster c, ``d_c``
      its summed weighted degree, ``m`` the total weight); NaN without any strong link. With one matrix it
      is also in ``attrs["modularity"]``; ``attrs`` record ``threshold`` and ``resolution``.

    Loops over leading dims (one graph per matrix).

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix, with any leading dims.
    threshold : float, optional
        The smallest score of a link that joins two nodes, ``0 < threshold ≤ 3`` (default
        :data:`CLUSTER_THRESHOLD`, 2).
    resolution : float, optional
        The resolution γ of the modularity, ``0 < γ ≤ 10`` (default 1; above 1: smaller clusters).

    Returns
    -------
    xarray.Dataset
        ``cluster`` (int) on ``(..., node)`` and ``modularity`` on the leading dims, described.

    Raises
    ------
    ValidationError
        When ``threshold`` or ``resolution`` is out of range.

    See Also
    --------
    cluster_significance : whether the clusters stand out from degree-preserving rewirings.
    all_metrics : every per-node metric, the clusters included.

    References
    ----------
    .. [1] Clauset, A., Newman, M. E. J., & Moore, C. (2004). Finding community structure in very large
       networks. Physical Review E 70, 066111.
    .. [2] Reichardt, J., & Bornholdt, S. (2006). Statistical mechanics of community detection. Physical
       Review E 74, 016110 (the resolution parameter γ).

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, 3, 0, 0], [2, np.nan, 1, 0], [0, 0, np.nan, 2], [-3, 0, 1, np.nan]])
    >>> r = clusters(from_array(v, ["1.1", "1.2", "1.3", "1.4"]))
    >>> r["cluster"].values.tolist(), round(r.attrs["modularity"], 4)  # 20/49, see partition()
    ([1, 1, 2, 2], 0.4082)
    """
    threshold, resolution = _check(threshold, resolution)
    numbers, q = _numbers_and_q(adjacency(obj), node_ids(obj), threshold, resolution)
    result = node_result(obj, {"cluster": numbers})
    result["modularity"] = (result["cluster"].dims[:-1], q)
    result.attrs.update({"threshold": threshold, "resolution": resolution})
    if q.ndim == 0:
        result.attrs["modularity"] = float(q)
    return describe(result)


def _numbers_and_q(a: np.ndarray, ids: list[str], threshold: float, resolution: float):
    keys = [frameworks.node_sort_key(i) for i in ids]
    flat = a.reshape(-1, *a.shape[-2:])
    parts = [partition(m, keys, threshold=threshold, resolution=resolution) for m in flat]
    numbers = np.stack([p[0] for p in parts]) if parts else np.zeros((0, len(ids)))
    q = np.array([p[1] for p in parts], dtype=float)
    return numbers.reshape(a.shape[:-1]).astype(np.int64), q.reshape(a.shape[:-2])


def cluster_numbers(a: np.ndarray, ids: list[str]) -> np.ndarray:
    """The cluster numbers of :func:`clusters` (default threshold and resolution) from ``A`` as an array
    ``(..., n, n)`` and the node ids, looping over leading axes; for callers that already hold ``A``
    (such as ``all_metrics``)."""
    return _numbers_and_q(a, ids, float(CLUSTER_THRESHOLD), 1.0)[0]
