"""The numpy Clauset–Newman–Moore (analysis/clustering.py) against networkx's greedy_modularity_communities:
the same partition on the Sweden matrix and on 600 random graphs (integer and fractional weights, several
resolutions), and the same modularity."""

from __future__ import annotations

import networkx as nx
import numpy as np
import pytest

from sdg_interactions.analysis import clusters
from sdg_interactions.analysis._core import adjacency
from sdg_interactions.analysis.clustering import _cnm, modularity
from sdg_interactions.io import load_matrix


def networkx_partition(weight: np.ndarray, resolution: float):
    rows, cols = np.nonzero(np.triu(weight > 0, k=1))
    G = nx.Graph()
    G.add_weighted_edges_from((int(i), int(j), float(weight[i, j])) for i, j in zip(rows, cols, strict=True))
    if G.number_of_edges() == 0:
        return G, set()
    found = nx.community.greedy_modularity_communities(G, weight="weight", resolution=resolution)
    return G, {frozenset(c) for c in found}


def strong_weights(a: np.ndarray, threshold: float = 2) -> np.ndarray:
    strong = np.where(a >= threshold, a, 0.0)
    w = np.triu(strong + strong.T, k=1)
    return w + w.T


@pytest.mark.parametrize("block", range(6))
def test_the_same_partition_as_networkx_on_random_graphs(block):
    rng = np.random.default_rng(block)
    compared = 0
    for _ in range(100):
        n = int(rng.integers(4, 70))
        a = rng.choice([0, 0, 0, 0, 1, 2, 3], size=(n, n)).astype(float)
        if rng.random() < 0.4:  # aggregated answers: fractional scores
            a = np.round(a * rng.random((n, n)) * 1.5, 3)
        np.fill_diagonal(a, 0)
        resolution = float(rng.choice([1.0, 1.0, 0.5, 1.5, 2.0]))
        w = strong_weights(a)
        G, expected = networkx_partition(w, resolution)
        ours = {frozenset(c) for c in _cnm(w, resolution)}
        assert ours == expected, (block, n, resolution)
        if expected:
            compared += 1
            assert modularity(w, [sorted(c) for c in ours], resolution) == pytest.approx(
                nx.community.modularity(G, expected, weight="weight", resolution=resolution), abs=1e-12)
    assert compared >= 80  # most graphs had strong links to cluster


def test_the_sweden_matrix_keeps_its_clusters():
    m = load_matrix("weitz2018_sweden")
    w = strong_weights(adjacency(m))
    _, expected = networkx_partition(w, 1.0)
    ids = [str(i) for i in m["source"].values]
    found = clusters(m)["cluster"].values
    ours = {frozenset(int(k) for k in np.flatnonzero(found == c)) for c in set(found.tolist()) if c}
    assert ours == expected and len(ours) == 3
    assert ids[int(np.flatnonzero(found == 1)[0])] == "1.3"  # cluster 1 is the largest, numbered from 1.3
