"""Clusters of strong mutual support: nodes joined by links scored ≥ 2 (networkx greedy modularity).

:func:`clusters` loops over leading dims (one graph per matrix).
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.analysis._core import adjacency, node_result
from sdg_interactions.matrix import node_ids

__all__ = ["CLUSTER_THRESHOLD", "cluster_numbers", "clusters"]

#: The smallest score of a link that joins two nodes in :func:`clusters`.
CLUSTER_THRESHOLD = 2


def _cluster_numbers(a: np.ndarray, sort_keys: list[tuple]) -> np.ndarray:
    """Cluster numbers of one matrix ``a`` (``n × n``, NaN read as 0, diagonal 0); 0 = no strong link."""
    n = a.shape[-1]
    strong = np.where(a >= CLUSTER_THRESHOLD, a, 0.0)
    weight = strong + strong.T
    G = nx.Graph()
    rows, cols = np.nonzero(np.triu(weight > 0, k=1))
    # nodes are labelled by their position in natural order, so ties break the same way every run
    G.add_weighted_edges_from((int(i), int(j), float(weight[i, j])) for i, j in zip(rows, cols, strict=True))
    number = np.zeros(n, dtype=np.int64)
    if G.number_of_edges() == 0:
        return number
    communities = nx.community.greedy_modularity_communities(G, weight="weight")
    ordered = sorted(communities, key=lambda c: (-len(c), min(sort_keys[k] for k in c)))
    for k, members in enumerate(ordered, start=1):
        number[sorted(members)] = k
    return number


def clusters(obj: xr.DataArray | xr.Dataset) -> xr.Dataset:
    """Group nodes into clusters of strong mutual support; ``cluster`` per node on the ``"node"`` dim.

    * An undirected graph: an edge i–j if ``a_ij ≥ 2`` or ``a_ji ≥ 2``, with
      ``weight_ij = a_ij·[a_ij ≥ 2] + a_ji·[a_ji ≥ 2]`` (the sum of both directions' scores that are ≥ 2).
    * Communities by :func:`networkx.community.greedy_modularity_communities` (Clauset–Newman–Moore),
      weighted; the nodes are labelled by their position in natural order, so results are deterministic.
    * Numbered 1, 2, … by size (largest first), then by the smallest id in natural order
      (:func:`~sdg_interactions.frameworks.node_sort_key`); a node with no link ≥ 2 gets cluster 0.

    Loops over leading dims (one graph per matrix).

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, 3, 0, 0], [2, np.nan, 1, 0], [0, 0, np.nan, 2], [-3, 0, 1, np.nan]])
    >>> clusters(from_array(v, ["1.1", "1.2", "1.3", "1.4"]))["cluster"].values.tolist()
    [1, 1, 2, 2]
    """
    return node_result(obj, {"cluster": cluster_numbers(adjacency(obj), node_ids(obj))})


def cluster_numbers(a: np.ndarray, ids: list[str]) -> np.ndarray:
    """The cluster numbers of :func:`clusters` from ``A`` as an array ``(..., n, n)`` and the node ids,
    looping over leading axes; for callers that already hold ``A`` (such as ``all_metrics``)."""
    keys = [frameworks.node_sort_key(i) for i in ids]
    flat = a.reshape(-1, *a.shape[-2:])
    numbers = np.stack([_cluster_numbers(m, keys) for m in flat]) if len(flat) else np.zeros((0, len(ids)))
    return numbers.reshape(a.shape[:-1]).astype(np.int64)


