"""Tests of sdg_interactions.metrics: the SDG Synergies set against SEI's published figures."""

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sdg_interactions import from_array, load_matrix, sdg_synergies
from sdg_interactions.analysis import SDG_SYNERGIES_COLUMNS, analysis_table, rank_descending
from sdg_interactions.frameworks import datasets_dir


@pytest.fixture(scope="module")
def sweden():
    return load_matrix("weitz2018_sweden")


@pytest.fixture(scope="module")
def published():
    path = datasets_dir() / "weitz2018_sweden_published_metrics.csv"
    return pd.read_csv(path, dtype={"target": str}, keep_default_na=False).set_index("target")


def test_sweden_reproduces_published_metrics(sweden, published):
    result = sdg_synergies(sweden)
    names = {"out_sum": "Sum", "out_pos": "Pos", "out_neg": "Neg", "second_order": "second_order",
             "systemic": "sum_plus_second"}
    expected = xr.Dataset({ours: ("node", published[theirs].astype(float).to_numpy())
                           for ours, theirs in names.items()}, coords={"node": published.index.to_numpy()})
    # the same nodes in the same (published) order, the same numbers, exactly
    xr.testing.assert_equal(result[list(names)].reset_coords(drop=True), expected)


def test_sweden_reproduces_published_ranks(sweden, published):
    result = sdg_synergies(sweden).to_dataframe()
    ranked = published[published["rank"] != "None"]["rank"].astype(int)
    assert len(ranked) == 7
    assert result.loc[ranked.index, "rank"].tolist() == ranked.tolist()
    # and those seven are exactly the nodes ranked 1..7
    assert sorted(result.index[result["rank"] <= 7]) == sorted(ranked.index)


def test_mongolia_top_row_sums():
    result = sdg_synergies(load_matrix("mongolia2017")).to_dataframe()
    top = result["out_sum"].sort_values(ascending=False).head(3)
    assert top.to_dict() == {"MN-16": 31.0, "MN-11": 26.0, "MN-17": 25.0}


def test_hand_computed_small_matrix():
    m = from_array(np.array([[np.nan, 2, -1], [1, np.nan, np.nan], [0, 3, np.nan]]), ["1.1", "1.2", "1.3"])
    r = sdg_synergies(m)
    # A = [[0,2,-1],[1,0,0],[0,3,0]]; r = [1,1,3]; c = [1,5,-1]
    assert r["out_pos"].values.tolist() == [2.0, 1.0, 3.0]
    assert r["out_neg"].values.tolist() == [-1.0, 0.0, 0.0]
    assert r["in_pos"].values.tolist() == [1.0, 5.0, 0.0]
    assert r["in_neg"].values.tolist() == [0.0, 0.0, -1.0]
    # s = ½ A r = ½ [2·1 − 1·3, 1·1, 3·1]
    assert r["second_order"].values.tolist() == [-0.5, 0.5, 1.5]
    a = np.array([[0, 2, -1], [1, 0, 0], [0, 3, 0]], dtype=float)
    np.testing.assert_array_equal(r["second_order"].values, 0.5 * (a @ a).sum(axis=1))
    expected = xr.DataArray([3, 2, 1], dims="node", coords={"node": ["1.1", "1.2", "1.3"]}, name="rank")
    xr.testing.assert_equal(r["rank"].reset_coords(drop=True), expected)


def test_nan_reads_as_zero_and_diagonal_is_ignored():
    values = np.array([[np.nan, 2.0], [np.nan, np.nan]])
    a = sdg_synergies(from_array(values, ["1.1", "1.2"]))
    b = sdg_synergies(from_array(np.nan_to_num(values) + np.diag([np.nan, np.nan]), ["1.1", "1.2"]))
    xr.testing.assert_identical(a, b)


def test_ties_share_best_rank():
    assert rank_descending(np.array([[3.0, 3.0, 1.0, 5.0]])).tolist() == [[2, 2, 4, 1]]


def test_vectorised_over_leading_dims_equals_one_by_one():
    rng = np.random.default_rng(7)
    values = rng.integers(-3, 4, size=(4, 6, 6)).astype(float)
    values[rng.random(values.shape) < 0.3] = np.nan
    values[:, np.arange(6), np.arange(6)] = np.nan
    ids = ["1.1", "1.2", "8.10", "1.a", "2.1", "17.10"]
    stacked = from_array(values, ids, respondents=["a", "b", "c", "d"])
    together = sdg_synergies(stacked)
    assert together["out_sum"].dims == ("respondent", "node")
    for k, who in enumerate(["a", "b", "c", "d"]):
        alone = sdg_synergies(from_array(values[k], ids))
        for name in SDG_SYNERGIES_COLUMNS:
            np.testing.assert_array_equal(together[name].sel(respondent=who).values, alone[name].values)


def test_sum_of_out_equals_sum_of_in_on_sweden(sweden):
    r = sdg_synergies(sweden)
    assert float(r["out_sum"].sum()) == float(r["in_sum"].sum()) == float(np.nansum(sweden.values))


def test_analysis_table_columns_and_labels(sweden):
    table = analysis_table(sweden, lang="en")
    # the SDG Synergies columns come first; later columns are only ever appended
    assert list(table.columns[: 2 + len(SDG_SYNERGIES_COLUMNS)]) == ["node", "label", *SDG_SYNERGIES_COLUMNS]
    assert len(table) == 34
    assert table.loc[table["node"] == "16.6", "rank"].item() == 1
    sv = analysis_table(sweden, lang="sv")
    assert sv.loc[sv["node"] == "1.3", "label"].item() != table.loc[table["node"] == "1.3", "label"].item()
