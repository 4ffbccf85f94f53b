"""Clusters of strong mutual support: nodes joined by links scored ≥ 2 (networkx greedy modularity).

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

import networkx as nx
import numpy as np
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.analysis._core import adjacency, node_result
from sdg_interactions.analysis.describe import describe
from sdg_interactions.matrix import node_ids

__all__ = ["CLUSTER_THRESHOLD", "cluster_numbers", "clusters", "partition"]

#: The smallest score of a link that joins two nodes in :func:`clusters`.
CLUSTER_THRESHOLD = 2


def _check(threshold: object, resolution: object) -> tuple[float, float]:
    from sdg_interactions.errors import ValidationError, locate

    if isinstance(threshold, bool) or not isinstance(threshold, (int, float, np.integer, np.floating)) \
            or not 0 < float(threshold) <= 3:
        raise ValidationError(locate("threshold must be a score", value=threshold,
                                     valid="a number above 0 and at most 3 (default 2: 'aiding' or stronger)"))
    if isinstance(resolution, bool) or not isinstance(resolution, (int, float, np.integer, np.floating)) \
            or not 0 < float(resolution) <= 10:
        raise ValidationError(locate("resolution must be a positive number", value=resolution,
                                     valid="above 0 and at most 10 (default 1; above 1 gives smaller clusters)"))
    return float(threshold), float(resolution)


def partition(a: np.ndarray, sort_keys: list[tuple], *, threshold: float = CLUSTER_THRESHOLD,
              resolution: float = 1.0) -> tuple[np.ndarray, float]:
    """Cluster numbers of one matrix ``a`` (``n × n``, NaN read as 0, diagonal 0; 0 = no strong link) and
    the partition's weighted modularity ``Q`` (:func:`networkx.community.modularity`, with ``resolution``;
    NaN when there is no strong link).

    Examples
    --------
    >>> a = np.array([[0, 3, 0, 0], [2, 0, 1, 0], [0, 0, 0, 2], [-3, 0, 1, 0]], dtype=float)
    >>> numbers, q = partition(a, [(0,), (1,), (2,), (3,)])
    >>> numbers.tolist(), q  # two edges of weight 5 and 2, one per cluster: Q = 1 − (5² + 2²)/7² = 20/49
    ([1, 1, 2, 2], 0.40816326530612246)
    """
    n = a.shape[-1]
    strong = np.where(a >= threshold, a, 0.0)
    weight = strong + strong.T
    G = nx.Graph()
    rows, cols = np.nonzero(np.triu(weight > 0, k=1))
    # nodes are labelled by their position in natural order, so ties break the same way every run
    G.add_weighted_edges_from((int(i), int(j), float(weight[i, j])) for i, j in zip(rows, cols, strict=True))
    number = np.zeros(n, dtype=np.int64)
    if G.number_of_edges() == 0:
        return number, float("nan")
    communities = nx.community.greedy_modularity_communities(G, weight="weight", resolution=resolution)
    ordered = sorted(communities, key=lambda c: (-len(c), min(sort_keys[k] for k in c)))
    for k, members in enumerate(ordered, start=1):
        number[sorted(members)] = k
    return number, float(nx.community.modularity(G, communities, weight="weight", resolution=resolution))


def clusters(obj: xr.DataArray | xr.Dataset, *, threshold: float = CLUSTER_THRESHOLD,
             resolution: float = 1.0) -> xr.Dataset:
    """Group nodes into clusters of strong mutual support; ``cluster`` per node on the ``"node"`` dim and
    the partition's ``modularity`` per matrix.

    * An undirected graph: an edge i–j if ``a_ij ≥ threshold`` or ``a_ji ≥ threshold``, with
      ``weight_ij = a_ij·[a_ij ≥ threshold] + a_ji·[a_ji ≥ threshold]``.
    * Communities by :func:`networkx.community.greedy_modularity_communities` (Clauset–Newman–Moore),
      weighted, with ``resolution`` γ (above 1: smaller clusters); the nodes are labelled by their position
      in natural order, so results are deterministic.
    * Numbered 1, 2, … by size (largest first), then by the smallest id in natural order
      (:func:`~sdg_interactions.frameworks.node_sort_key`); a node with no link ≥ threshold gets cluster 0.
    * ``modularity`` = ``Q = Σ_c [w_c / m − γ (d_c / 2m)²]`` (``w_c`` the weight inside cluster c, ``d_c``
      its summed weighted degree, ``m`` the total weight); NaN without any strong link. With one matrix it
      is also in ``attrs["modularity"]``; ``attrs`` record ``threshold`` and ``resolution``.

    Loops over leading dims (one graph per matrix).

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
