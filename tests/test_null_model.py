"""The null model (analysis/null_model.py) and cluster parameters: invariants checked by plain loops,
rank chances recomputed one rewired matrix at a time through the public sdg_synergies, a planted partition."""

from __future__ import annotations

import random

import networkx as nx
import numpy as np
import pytest

from sdg_interactions.analysis import clusters, sdg_synergies
from sdg_interactions.analysis.null_model import cluster_significance, rewire
from sdg_interactions.errors import ValidationError
from sdg_interactions.matrix import from_array

IDS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b", "2.1", "2.2", "2.3"]


def random_scores(seed: int, n: int) -> np.ndarray:
    rng = random.Random(seed)
    a = np.array([[0.0 if i == j else rng.choice([0, 0, 0, -3, -2, -1, 1, 2, 3]) for j in range(n)]
                  for i in range(n)])
    return a


@pytest.mark.parametrize("seed", range(8))
def test_rewiring_keeps_every_nodes_signed_degrees_and_its_own_scores(seed):
    a = random_scores(seed, 8)
    many = rewire(a, 30, seed=seed)
    for m in many:
        for i in range(8):
            assert m[i, i] == 0
            assert sorted(v for v in m[i] if v) == sorted(v for v in a[i] if v)  # its own scores, out
            for sign in (1, -1):
                assert sum(1 for j in range(8) if np.sign(m[j, i]) == sign) == \
                       sum(1 for j in range(8) if np.sign(a[j, i]) == sign)  # links in, per sign
    assert np.array_equal(rewire(a, 30, seed=seed), many)  # the seed decides
    assert (many != a).any(axis=(1, 2)).mean() > 0.9  # and it does rewire


def test_rank_chance_is_the_share_of_rewired_matrices_ranking_the_node_as_well():
    a = random_scores(3, 10)
    m = from_array(np.where(np.eye(10, dtype=bool), np.nan, a), IDS)
    r = cluster_significance(m, samples=40, seed=5)
    observed = sdg_synergies(m)["rank"].values
    null = rewire(a, 40, seed=5)
    counts = np.zeros(10)
    for sample in null:  # one matrix at a time, through the public metric
        ranks = sdg_synergies(from_array(np.where(np.eye(10, dtype=bool), np.nan, sample), IDS))["rank"].values
        counts += ranks <= observed
    np.testing.assert_allclose(r["rank_chance"].values, counts / 40)
    assert r["rank"].values.tolist() == observed.tolist()
    assert r.attrs["samples"] == 40 and r.attrs["swaps_per_link"] == 10


def test_a_planted_partition_stands_out_and_its_modularity_is_networkxs():
    blocks = np.zeros((10, 10))
    blocks[:5, :5] = 3
    blocks[5:, 5:] = 2
    np.fill_diagonal(blocks, 0)
    blocks[0, 7] = blocks[8, 2] = 1  # weak links between the blocks
    m = from_array(np.where(np.eye(10, dtype=bool), np.nan, blocks), IDS)
    r = cluster_significance(m, samples=60, seed=2)
    assert r["cluster"].values.tolist() == [1] * 5 + [2] * 5
    G = nx.Graph()
    for i in range(10):
        for j in range(i + 1, 10):
            w = sum(v for v in (blocks[i, j], blocks[j, i]) if v >= 2)
            if w:
                G.add_edge(i, j, weight=w)
    expected = nx.community.modularity(G, [set(range(5)), set(range(5, 10))], weight="weight")
    assert float(r["modularity"]) == pytest.approx(expected, abs=1e-12)
    assert float(r["modularity_percentile"]) == 1.0
    assert float(r["null_modularity"]) < expected


def test_cluster_threshold_and_resolution_change_the_partition_and_are_checked():
    blocks = np.zeros((10, 10))
    blocks[:5, :5] = 3
    blocks[5:, 5:] = 1
    np.fill_diagonal(blocks, 0)
    m = from_array(np.where(np.eye(10, dtype=bool), np.nan, blocks), IDS)
    assert clusters(m)["cluster"].values.tolist() == [1] * 5 + [0] * 5  # 1 is below the default 2
    assert clusters(m, threshold=1)["cluster"].values.tolist() == [1] * 5 + [2] * 5
    assert clusters(m, threshold=1, resolution=1).attrs["resolution"] == 1.0
    for bad in ({"threshold": 0}, {"threshold": 4}, {"resolution": 0}, {"resolution": True}, {"threshold": "2"}):
        with pytest.raises(ValidationError, match="Valid:"):
            clusters(m, **bad)
    with pytest.raises(ValidationError, match="samples"):
        cluster_significance(m, samples=0)
