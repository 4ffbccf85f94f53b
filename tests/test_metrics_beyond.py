"""Tests of the metrics beyond the SDG Synergies set: sdg_interactions.metrics (link counts, net
multiplier, two-step paths, all_metrics, analysis_table), .influence and .structure.

Each metric is checked against values computed by hand on small literal matrices (the arithmetic is in
the comments) and against the loop-by-loop reference in ``tests/slow_reference.py`` on random matrices
with NaN and leading dims, then on the bundled Sweden and Mongolia matrices.
"""

import math
import os
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr
from slow_reference import (
    PER_NODE,
    slow_clusters,
    slow_conflicts,
    slow_goal_rollup,
    slow_metrics,
    slow_sign_flips,
    slow_total_influence_matrix,
)

from sdg_interactions import ValidationError, from_array, targets, validate
from sdg_interactions.analysis import (
    ANALYSIS_COLUMNS,
    SDG_SYNERGIES_COLUMNS,
    adjacency,
    all_metrics,
    analysis_table,
    clusters,
    conflicts,
    goal_rollup,
    influence_dependence,
    link_counts,
    net_multiplier,
    sdg_synergies,
    sign_flips,
    total_influence,
    total_influence_matrix,
    two_step_paths,
)
from sdg_interactions.io import load_dataset, load_matrix
from sdg_interactions.matrix import aggregate
from sdg_interactions.texts import text

RTOL, ATOL = 1e-10, 1e-12
IDS3 = ["1.1", "1.2", "1.3"]
#: A = [[0, -2, 1], [-1, 0, 2], [3, 0, 0]] (1.3 → 1.2 not scored)
TOY = np.array([[np.nan, -2, 1], [-1, np.nan, 2], [3, np.nan, np.nan]])


@pytest.fixture(scope="module")
def sweden():
    return load_matrix("weitz2018_sweden")


@pytest.fixture(scope="module")
def sweden_slow(sweden):
    return slow_metrics(sweden.to_numpy().tolist(), [str(i) for i in sweden["source"].to_numpy()], alpha=0.9)


def random_matrices(seed: int, n: int, m: int = 3, *, aggregated: bool = False) -> xr.DataArray:
    """``m`` respondents' random matrices on ``n`` SDG targets, about 30 % not scored."""
    rng = np.random.default_rng(seed)
    if aggregated:
        values = rng.integers(-3, 4, size=(m, n, n, 4)).mean(axis=-1)
    else:
        values = rng.integers(-3, 4, size=(m, n, n)).astype(float)
    values[rng.random(values.shape) < 0.3] = np.nan
    values[:, np.arange(n), np.arange(n)] = np.nan
    ids = targets()["id"].tolist()[: 3 * n : 3]
    return from_array(values, ids, respondents=[f"r{k}" for k in range(m)], aggregated=aggregated)


# --- hand-computed values -------------------------------------------------------------------------


def test_link_counts_by_hand():
    r = link_counts(from_array(TOY, IDS3))
    # rows: (−2, 1), (−1, 2), (3, ·)   columns: (−1, 3), (−2, ·), (1, 2)
    assert r["n_pos_out"].to_numpy().tolist() == [1, 1, 1]
    assert r["n_neg_out"].to_numpy().tolist() == [1, 1, 0]
    assert r["n_pos_in"].to_numpy().tolist() == [1, 0, 2]
    assert r["n_neg_in"].to_numpy().tolist() == [1, 1, 0]
    assert r["n_pos_out"].dtype == np.int64


def test_zero_and_unscored_count_in_neither():
    r = link_counts(from_array(np.array([[np.nan, 0], [np.nan, np.nan]]), ["1.1", "1.2"]))
    assert int(r[["n_pos_out", "n_neg_out", "n_pos_in", "n_neg_in"]].to_array().sum()) == 0


def test_net_multiplier_by_hand():
    # r = (−2 + 1, −1 + 2, 3) = (−1, 1, 3); c = (−1 + 3, −2, 1 + 2) = (2, −2, 3)
    r = net_multiplier(from_array(TOY, IDS3))
    assert r["net_multiplier"].to_numpy().tolist() == [-3.0, 3.0, 0.0]


def test_two_step_paths_by_hand():
    r = two_step_paths(from_array(TOY, IDS3))
    # synergy chains i→j→k (both > 0): 1.1→1.3→1.1: ½·1·3; 1.2→1.3→1.1: ½·2·3; 1.3→1.1→1.3: ½·3·1
    assert r["paths_synergy"].to_numpy().tolist() == [1.5, 3.0, 1.5]
    # double negatives: 1.1→1.2→1.1: ½·(−2)(−1); 1.2→1.1→1.2: ½·(−1)(−2)
    assert r["paths_double_negative"].to_numpy().tolist() == [1.0, 1.0, 0.0]
    # mixed: 1.1→1.2→1.3: ½·(−2)·2; 1.2→1.1→1.3: ½·(−1)·1; 1.3→1.1→1.2: ½·3·(−2)
    assert r["paths_mixed"].to_numpy().tolist() == [-2.0, -0.5, -3.0]


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_two_step_paths_sum_to_second_order(seed, sweden):
    for m in (random_matrices(seed, 9), sweden):
        r, s = two_step_paths(m), sdg_synergies(m)
        total = r["paths_synergy"] + r["paths_double_negative"] + r["paths_mixed"]
        np.testing.assert_array_equal(total.to_numpy(), s["second_order"].to_numpy())  # integer data: exact
        assert (r["paths_double_negative"] >= 0).all() and (r["paths_mixed"] <= 0).all()


def test_total_influence_by_hand():
    m = from_array(np.array([[np.nan, 2], [-1, np.nan]]), ["1.1", "1.2"])
    # row |sums| (2, 1), column |sums| (1, 2): s = 2; α = 0.5: αD = [[0, 0.5], [−0.25, 0]]
    # I − αD = [[1, −0.5], [0.25, 1]], det = 1.125, inverse = [[1, 0.5], [−0.25, 1]] / 1.125
    # T = inverse − I = [[−1, 4], [−2, −1]] / 9
    t = total_influence_matrix(m, alpha=0.5)
    np.testing.assert_allclose(t.to_numpy(), np.array([[-1, 4], [-2, -1]]) / 9, rtol=RTOL)
    assert t.dims == ("source", "target") and t.attrs["alpha"] == 0.5
    r = total_influence(m, alpha=0.5)
    np.testing.assert_allclose(r["total_out"].to_numpy(), [3 / 9, -3 / 9], rtol=RTOL)  # row sums
    np.testing.assert_allclose(r["total_in"].to_numpy(), [-3 / 9, 3 / 9], rtol=RTOL)  # column sums


def test_total_influence_of_an_empty_matrix_is_zero():
    m = from_array(np.array([[np.nan, 0], [np.nan, np.nan]]), ["1.1", "1.2"])  # s = 0
    assert total_influence_matrix(m).to_numpy().tolist() == [[0.0, 0.0], [0.0, 0.0]]


@pytest.mark.parametrize("alpha", [0, 1, 1.5, -0.1, float("nan"), True, "0.9", None])
def test_alpha_outside_zero_one_is_refused(alpha):
    m = from_array(TOY, IDS3)
    for f in (total_influence, total_influence_matrix, sign_flips):
        with pytest.raises(ValidationError, match=r"alpha .* strictly between 0 and 1.*0 < alpha < 1"):
            f(m, alpha=alpha)


def test_sign_flips_by_hand():
    m = from_array(np.array([[np.nan, 1, 3], [0, np.nan, 0], [0, -3, np.nan]]), IDS3)
    # s = 4 (row |sums| 4, 0, 3; column |sums| 0, 4, 3); no cycles, so T = αD + (αD)²:
    # T(1.1, 1.2) = 0.9/4 · 1 + (0.9/4)² · 3 · (−3) = 0.225 − 0.455625 = −0.230625 < 0 though a = +1
    # T(1.1, 1.3) = 0.675 and T(1.3, 1.2) = −0.675 keep their signs
    flips = sign_flips(m, alpha=0.9)
    assert flips[["source", "target", "score"]].to_numpy().tolist() == [["1.1", "1.2", 1.0]]
    assert flips["total"].item() == pytest.approx(-0.230625, rel=RTOL)
    assert list(flips.columns) == ["source", "target", "score", "total"]


def test_influence_dependence_by_hand():
    r = influence_dependence(from_array(TOY, IDS3))
    # influence = |row| sums (2 + 1, 1 + 2, 3) = (3, 3, 3), mean 3
    # dependence = |column| sums (1 + 3, 2, 1 + 2) = (4, 2, 3), mean 3
    assert r["influence"].to_numpy().tolist() == [3.0, 3.0, 3.0]
    assert r["dependence"].to_numpy().tolist() == [4.0, 2.0, 3.0]
    assert r["quadrant"].to_numpy().tolist() == ["relay", "driver", "relay"]


def test_all_four_quadrants_by_hand():
    v = np.array([[np.nan, 3, 3, 0], [0, np.nan, 3, 0], [0, 0, np.nan, 0], [0, 0, 1, np.nan]])
    r = influence_dependence(from_array(v, ["1.1", "1.2", "1.3", "1.4"]))
    # influence (6, 3, 0, 1), mean 2.5; dependence (0, 3, 7, 0), mean 2.5
    assert r["quadrant"].to_numpy().tolist() == ["driver", "relay", "dependent", "autonomous"]
    assert [text(f"metrics.quadrant.{q}") for q in ("driver", "dependent", "autonomous")] == [
        "drivande", "beroende", "autonom"]
    assert text("metrics.quadrant.relay", "en") == "relay"


def test_clusters_by_hand():
    ids = ["1.1", "1.2", "1.3", "1.4", "1.5", "2.1"]
    v = np.zeros((6, 6))
    v[0, 1] = v[1, 2] = v[2, 0] = 3  # 1.1, 1.2, 1.3: a triangle of strong links
    v[3, 4] = 2                      # 1.4 → 1.5: one direction is enough
    v[4, 3] = 1                      # (1 < 2 adds nothing)
    v[5, 0] = v[0, 5] = 1            # 2.1: only weak links ...
    v[5, 3] = -3                     # ... and a strong negative one: no cluster
    np.fill_diagonal(v, np.nan)
    r = clusters(from_array(v, ids))
    assert r["cluster"].to_numpy().tolist() == [1, 1, 1, 2, 2, 0]
    assert r["cluster"].dtype == np.int64


def test_clusters_of_equal_size_are_numbered_by_smallest_id():
    ids = ["8.1", "8.2", "8.10", "8.a"]  # natural order: 8.10 after 8.2, 8.a last
    v = np.full((4, 4), np.nan)
    v[3, 2] = 2  # 8.a – 8.10
    v[0, 1] = 3  # 8.1 – 8.2
    assert clusters(from_array(v, ids))["cluster"].to_numpy().tolist() == [1, 1, 2, 2]
    v[0, 1] = 1  # no strong link left between 8.1 and 8.2
    assert clusters(from_array(v, ids))["cluster"].to_numpy().tolist() == [0, 0, 1, 1]


def test_conflicts_by_hand_with_respondents():
    a = [[np.nan, -3, 1], [2, np.nan, -2], [-2, 0, np.nan]]
    b = [[np.nan, -1, np.nan], [2, np.nan, 1], [-2, 2, np.nan]]
    answers = from_array(np.array([a, b]), IDS3, respondents=["a", "b"]).to_dataset()
    comment = np.full((2, 3, 3), "", dtype=object)
    comment[0, 0, 1], comment[1, 0, 1] = "costs", "costs"  # one distinct comment
    comment[0, 2, 0], comment[1, 2, 0] = "  ", "land use"  # blank is no comment
    answers["comment"] = (answers["score"].dims, comment)
    table = conflicts(answers)
    # mean: 1.1→1.2: (−3 − 1)/2 = −2; 1.3→1.1: −2; 1.2→1.3: (−2 + 1)/2 = −0.5
    # the mean matrix: r = (−2 + 1, 2 − 0.5, −2 + 1) = (−1, 1.5, −1)
    # s = ½ A r: 1.1: ½(−2·1.5 + 1·(−1)) = −2; 1.2: ½(2·(−1) − 0.5·(−1)) = −0.75;
    #            1.3: ½(−2·(−1) + 1·1.5) = 1.75
    # t = (−3, 0.75, 0.75): rank (3, 1, 1), so 1.3 → 1.1 (rank 1) comes before 1.1 → 1.2 (rank 3)
    assert table[["source", "target", "score"]].to_numpy().tolist() == [
        ["1.3", "1.1", -2.0], ["1.1", "1.2", -2.0], ["1.2", "1.3", -0.5]]
    assert table["comment"].tolist() == ["land use", "costs", ""]
    assert table["n_respondents"].tolist() == [2, 2, 2]
    assert table["share_negative"].tolist() == [1.0, 1.0, 0.5]
    # the same from the aggregated matrix with the answers passed on the side
    pd.testing.assert_frame_equal(conflicts(aggregate(answers), respondents=answers), table)


def test_conflicts_of_one_matrix():
    table = conflicts(from_array(TOY, IDS3))
    # negative links: 1.1 → 1.2 (−2), 1.2 → 1.1 (−1)
    assert table[["source", "target", "score"]].to_numpy().tolist() == [
        ["1.1", "1.2", -2.0], ["1.2", "1.1", -1.0]]
    assert table["n_respondents"].tolist() == [1, 1] and table["share_negative"].tolist() == [1.0, 1.0]
    assert table["comment"].tolist() == ["", ""]
    assert list(table.columns) == ["source", "target", "score", "comment", "n_respondents", "share_negative",
                                   "source_label_sv", "source_label_en", "target_label_sv", "target_label_en"]


def test_conflicts_refuses_ambiguous_input(roundtrip_dataset):
    with pytest.raises(ValidationError, match="respondents"):
        conflicts(roundtrip_dataset, respondents=roundtrip_dataset)
    with pytest.raises(ValidationError, match="respondent"):
        conflicts(aggregate(roundtrip_dataset), respondents=aggregate(roundtrip_dataset))


def test_conflicts_keep_tricky_comments(roundtrip_dataset):
    table = conflicts(roundtrip_dataset)
    row = table[(table["source"] == "8.a") & (table["target"] == "MKM-1")].iloc[0]
    assert row["score"] == -2.0 and row["n_respondents"] == 1
    assert row["comment"] == "windows\r\nline break"


def test_goal_rollup_by_hand():
    v = np.array([[np.nan, 3, 2, np.nan], [1, np.nan, -1, 0], [0, 2, np.nan, 1], [3, 3, 3, np.nan]])
    m = from_array(v, ["1.1", "1.2", "2.1", "2.2"])
    # SDG-1 → SDG-2: cells (1.1, 2.1) = 2, (1.1, 2.2) = NaN, (1.2, 2.1) = −1, (1.2, 2.2) = 0: sum 1, mean 1/3
    # SDG-2 → SDG-1: 0 + 2 + 3 + 3 = 8, mean 2; within-goal pairs (1.1 → 1.2 = 3, ...) dropped
    total, mean = goal_rollup(m), goal_rollup(m, how="mean")
    assert total["source"].to_numpy().tolist() == ["SDG-1", "SDG-2"]
    np.testing.assert_array_equal(total.to_numpy(), [[np.nan, 1.0], [8.0, np.nan]])
    np.testing.assert_allclose(mean.to_numpy(), [[np.nan, 1 / 3], [2.0, np.nan]], rtol=RTOL)
    assert total.attrs["kind"] == "goal_sum" and "aggregated" not in total.attrs
    assert mean.attrs["aggregated"] == 1 and mean.attrs["kind"] == "goal_mean"
    assert mean["source_label_en"].to_numpy().tolist() == ["No poverty", "Zero hunger"]
    validate(mean)


def test_goal_rollup_pair_with_no_scored_cell_stays_nan():
    m = from_array(np.array([[np.nan, np.nan], [0, np.nan]]), ["1.1", "2.1"])
    assert goal_rollup(m).to_numpy().tolist()[0][1] != goal_rollup(m).to_numpy().tolist()[0][1]  # NaN
    assert goal_rollup(m).to_numpy().tolist()[1][0] == 0.0  # scored 0 is a sum of 0
    with pytest.raises(ValidationError, match="roll-up"):
        goal_rollup(m, how="median")


# --- against the slow reference ---------------------------------------------------------------


def fast_per_node(m: xr.DataArray) -> xr.Dataset:
    return all_metrics(m, alpha=0.9)


@pytest.mark.parametrize("seed", [0, 1, 2, 3])
@pytest.mark.parametrize("n", [1, 2, 5, 12, 30])
def test_every_metric_matches_slow_reference(seed, n):
    m = random_matrices(seed, n)
    fast = fast_per_node(m)
    ids = [str(i) for i in m["source"].to_numpy()]
    assert set(fast.data_vars) == set(PER_NODE)
    for k, who in enumerate(m["respondent"].to_numpy()):
        slow = slow_metrics(m.to_numpy()[k].tolist(), ids, alpha=0.9)
        for name in PER_NODE:
            ours = fast[name].sel(respondent=who).to_numpy()
            if name in ("rank", "quadrant", "cluster") or name.startswith("n_"):
                assert ours.tolist() == slow[name], name
            else:
                np.testing.assert_allclose(ours, slow[name], rtol=RTOL, atol=ATOL, err_msg=name)
        t = total_influence_matrix(m).sel(respondent=who).to_numpy()
        slow_t = slow_total_influence_matrix(m.to_numpy()[k].tolist())
        np.testing.assert_allclose(t, slow_t, rtol=RTOL, atol=ATOL)
        flips = sign_flips(m.sel(respondent=who))
        expected = slow_sign_flips(m.to_numpy()[k].tolist(), ids)
        assert list(zip(flips["source"], flips["target"], strict=True)) == [(s, t) for s, t, _, _ in expected]


@pytest.mark.parametrize("seed", [10, 11])
def test_aggregated_floats_match_slow_reference(seed):
    m = random_matrices(seed, 15, m=2, aggregated=True)
    fast = all_metrics(m, alpha=0.95, include_clusters=False)
    ids = [str(i) for i in m["source"].to_numpy()]
    for k in range(2):
        slow = slow_metrics(m.to_numpy()[k].tolist(), ids, alpha=0.95, with_clusters=False)
        for name in PER_NODE:
            if name not in ("rank", "quadrant", "cluster"):
                np.testing.assert_allclose(fast[name].to_numpy()[k], slow[name], rtol=RTOL, atol=ATOL,
                                           err_msg=name)


def test_two_leading_dims_equal_one_by_one():
    stack = xr.concat([random_matrices(5, 8), random_matrices(6, 8)], dim="kommun")
    stack = stack.assign_coords(kommun=["0180", "1480"])
    together = all_metrics(stack)
    assert together["total_out"].dims == ("kommun", "respondent", "node")
    assert together["quadrant"].dims == ("kommun", "respondent", "node")
    for kommun in ("0180", "1480"):
        for who in stack["respondent"].to_numpy():
            alone = all_metrics(stack.sel(kommun=kommun, respondent=who))
            for name in alone.data_vars:
                np.testing.assert_array_equal(together[name].sel(kommun=kommun, respondent=who).to_numpy(),
                                              alone[name].to_numpy(), err_msg=name)
    t = total_influence_matrix(stack)
    assert t.dims == ("kommun", "respondent", "source", "target")


@pytest.mark.parametrize("seed", [0, 1])
def test_conflicts_match_slow_reference(seed):
    m = random_matrices(seed, 10, m=4)
    rng = np.random.default_rng(seed)
    comment = np.where(rng.random(m.shape) < 0.2, rng.choice(["a", "b", " a ", ""], size=m.shape), "")
    ds = m.to_dataset()
    ds["comment"] = (m.dims, comment.astype(object))
    ids = [str(i) for i in m["source"].to_numpy()]
    expected = pd.DataFrame(slow_conflicts(list(m.to_numpy().tolist()), ids, comment.tolist()))
    ours = conflicts(ds)[list(expected.columns)]
    pd.testing.assert_frame_equal(ours, expected, check_exact=False, rtol=RTOL)


@pytest.mark.parametrize("how", ["sum", "mean"])
def test_goal_rollup_matches_slow_reference(how, roundtrip_dataset):
    m = random_matrices(3, 20)
    ids = [str(i) for i in m["source"].to_numpy()]
    groups = [str(g) for g in m["source_group"].to_numpy()]
    together = goal_rollup(m, how=how)
    for k in range(m.sizes["respondent"]):
        goal_ids, expected = slow_goal_rollup(m.to_numpy()[k].tolist(), ids, groups, how=how)
        assert together["source"].to_numpy().tolist() == goal_ids
        np.testing.assert_allclose(together.to_numpy()[k], expected, rtol=RTOL)
    # a mixed matrix: MKM-1 rolls up to its group "MKM"
    mixed = roundtrip_dataset
    ids = [str(i) for i in mixed["source"].to_numpy()]
    goal_ids, expected = slow_goal_rollup(mixed["score"].to_numpy()[0].tolist(), ids,
                                          [str(g) for g in mixed["source_group"].to_numpy()], how=how)
    assert goal_ids == ["SDG-1", "SDG-8", "SDG-17", "MKM"]
    np.testing.assert_allclose(goal_rollup(mixed, how=how).to_numpy()[0], expected, rtol=RTOL)


# --- the bundled matrices -------------------------------------------------------------------------


@pytest.mark.parametrize("alpha", [0.5, 0.9, 0.95, 0.99])
def test_sweden_total_influence_is_the_power_series(sweden, alpha):
    t = total_influence_matrix(sweden, alpha=alpha).to_numpy()
    assert np.isfinite(t).all()
    a = adjacency(sweden)
    s = max(np.abs(a).sum(axis=1).max(), np.abs(a).sum(axis=0).max())
    step = alpha * a / s
    series, power = np.zeros_like(a), np.eye(len(a))
    for _ in range(20_000):  # Σ_{k≥1} (αD)^k, truncated once the terms no longer matter
        power = power @ step
        series += power
        if np.abs(power).max() < 1e-17:
            break
    np.testing.assert_allclose(t, series, rtol=0, atol=1e-8)


#: Sweden's top 5 by total_out at α = 0.9, computed with tests/slow_reference.py (Gauss–Jordan).
SWEDEN_TOP5 = [("16.6", 1.4191), ("12.1", 1.2440), ("8.4", 1.1893), ("5.5", 0.8774), ("12.5", 0.8733)]


def test_sweden_top5_by_total_out(sweden, sweden_slow):
    result = total_influence(sweden, alpha=0.9).to_dataframe()
    top = result.sort_values("total_out", ascending=False).head(5)
    table = pd.DataFrame({"node": top.index, "label": top["label_en"].to_numpy(),
                          "total_out": top["total_out"].round(4).to_numpy(),
                          "total_in": top["total_in"].round(4).to_numpy()})
    print("\nSweden, top 5 by total_out (alpha = 0.9):\n" + table.to_string(index=False))
    assert [(n, v) for n, v in zip(table["node"], table["total_out"], strict=True)] == SWEDEN_TOP5
    ids = [str(i) for i in sweden["source"].to_numpy()]
    slow_top = sorted(range(len(ids)), key=lambda i: -sweden_slow["total_out"][i])[:5]
    assert [(ids[i], round(sweden_slow["total_out"][i], 4)) for i in slow_top] == SWEDEN_TOP5


def test_sweden_quadrant_counts(sweden, sweden_slow):
    counts = pd.Series(influence_dependence(sweden)["quadrant"].to_numpy()).value_counts().to_dict()
    expected = pd.Series(sweden_slow["quadrant"]).value_counts().to_dict()
    assert counts == expected == {"autonomous": 11, "relay": 10, "driver": 8, "dependent": 5}


def test_sweden_clusters_are_deterministic(sweden, sweden_slow):
    first = clusters(sweden)["cluster"].to_numpy().tolist()
    assert clusters(sweden)["cluster"].to_numpy().tolist() == first
    ids = [str(i) for i in sweden["source"].to_numpy()]
    assert first == sweden_slow["cluster"] == slow_clusters(sweden.to_numpy().tolist(), ids)
    code = ("from sdg_interactions.io import load_matrix; from sdg_interactions.analysis import clusters; "
            "print(clusters(load_matrix('weitz2018_sweden'))['cluster'].to_numpy().tolist())")
    # string hashing (and so set order) differs between processes; the clusters must not
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.strip() == str(first)
    a = adjacency(sweden)
    strong = ((a >= 2) | (a.T >= 2)).any(axis=1)
    assert (np.array(first)[strong] >= 1).all() and (np.array(first)[~strong] == 0).all()
    assert sorted(set(first)) == list(range(min(first), max(first) + 1))


def test_mongolia_conflicts_with_comments():
    ds = load_dataset("mongolia2017")
    table = conflicts(ds)
    values = ds["score"].to_numpy()
    assert len(table) == int((values < 0).sum()) == 25
    assert table["score"].is_monotonic_increasing
    assert table["score"].iloc[0] == -3.0
    worst = table[table["score"] == -3.0]
    assert set(zip(worst["source"], worst["target"], strict=True)) == {("MN-4", "MN-1"), ("MN-7", "MN-10"),
                                                                      ("MN-13", "MN-1")}
    row = table[(table["source"] == "MN-4") & (table["target"] == "MN-1")].iloc[0]
    assert row["comment"].startswith("Irrigation technology uses more water")
    for r in table.itertuples():  # every conflict carries the comment of its cell, if any
        assert r.comment == ds["comment"].sel(source=r.source, target=r.target).item()
    assert (table["comment"] != "").sum() == 18
    assert (table["share_negative"] == 1.0).all() and (table["n_respondents"] == 1).all()
    assert conflicts(load_matrix("mongolia2017"))["comment"].eq("").all()  # a bare matrix has none


def test_sweden_goal_rollup_keeps_cross_goal_sums(sweden):
    total, mean = goal_rollup(sweden), goal_rollup(sweden, how="mean")
    groups = sweden["source_group"].to_numpy().astype(str)
    cross = groups[:, None] != groups[None, :]
    assert float(np.nansum(total.to_numpy())) == float(np.nansum(np.where(cross, sweden.to_numpy(), np.nan)))
    assert total["source"].to_numpy().tolist() == [f"SDG-{g}" for g in sorted(set(groups.tolist()), key=int)]
    assert np.nanmax(np.abs(mean.to_numpy())) <= 3 and np.nanmax(np.abs(total.to_numpy())) > 3
    validate(mean)
    with pytest.raises(ValidationError):
        validate(total)
    assert math.isnan(total.to_numpy()[0, 0])


def test_analysis_table_appends_the_new_columns(sweden):
    table = analysis_table(sweden, lang="en")
    assert list(table.columns) == ["node", "label", *ANALYSIS_COLUMNS]
    assert list(table.columns[: 2 + len(SDG_SYNERGIES_COLUMNS)]) == ["node", "label", *SDG_SYNERGIES_COLUMNS]
    assert set(table["quadrant"]) <= {"driver", "relay", "dependent", "autonomous"}
    assert table.loc[table["node"] == "16.6", "total_out"].round(4).item() == SWEDEN_TOP5[0][1]
    base = sdg_synergies(sweden)
    np.testing.assert_array_equal(table["systemic"].to_numpy(), base["systemic"].to_numpy())
    net = (base["out_sum"] - base["in_sum"]).to_numpy()
    np.testing.assert_array_equal(table["net_multiplier"].to_numpy(), net)
