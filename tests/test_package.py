"""Package-level promises: one way in for every constructor, property tests across modules (the layers, the light
import and module size: test_layers.py)."""

import subprocess
import sys

import networkx as nx
import numpy as np
import xarray as xr
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from sdg_interactions import from_array, from_graph, sdg_synergies, to_graph
from sdg_interactions.frameworks import targets

IDS = targets(lang="en")["id"].tolist()


@st.composite
def matrices(draw, max_nodes=8, max_respondents=3):
    n = draw(st.integers(1, max_nodes))
    ids = draw(st.lists(st.sampled_from(IDS), min_size=n, max_size=n, unique=True))
    m = draw(st.integers(0, max_respondents))
    shape = (n, n) if m == 0 else (m, n, n)
    values = draw(arrays(np.float64, shape, elements=st.sampled_from([np.nan, -3.0, -2.0, -1.0, 0.0, 1.0, 2.0, 3.0])))
    values[..., np.arange(n), np.arange(n)] = np.nan
    return from_array(values, ids, respondents=None if m == 0 else [f"R{k}" for k in range(m)])


@settings(max_examples=60, deadline=None)
@given(matrices())
def test_sum_of_out_sum_equals_sum_of_in_sum(matrix):
    result = sdg_synergies(matrix)
    np.testing.assert_allclose(result["out_sum"].sum("node"), result["in_sum"].sum("node"))
    np.testing.assert_allclose(result["out_sum"].sum("node"), matrix.fillna(0).sum(("source", "target")))


@settings(max_examples=60, deadline=None)
@given(matrices(max_respondents=0))
def test_graph_round_trip_is_lossless(matrix):
    G = to_graph(matrix, include_zero=True, include_unscored_notes=True)
    assert isinstance(G, nx.DiGraph)
    assert G.number_of_edges() == int(matrix.notnull().sum())
    network = to_graph(matrix)  # network-ready: a pair scored 0 is no edge
    assert network.number_of_edges() == int((matrix.notnull() & (matrix != 0)).sum())
    for node in network:
        row = matrix.sel(source=node)
        assert network.out_degree(node) == int(((row != 0) & row.notnull()).sum())
    back = from_graph(G)["score"]
    xr.testing.assert_identical(back.reset_coords(drop=True), matrix.reset_coords(drop=True))
    xr.testing.assert_identical(back.coords.to_dataset(), matrix.coords.to_dataset())


def test_ruff_passes_on_code_tests_and_notebooks():
    from pathlib import Path

    root = Path(__file__).parents[1]
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", str(root)],
                          capture_output=True, text=True, cwd=root)
    assert done.returncode == 0, done.stdout + done.stderr
