"""Tests of sdg_interactions.scenario: propagation, classes, triggered conflicts, portfolio, the CLI."""

from __future__ import annotations

import itertools
import sys

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sdg_interactions import analysis as sc
from sdg_interactions.analysis import clusters
from sdg_interactions.cli import main
from sdg_interactions.errors import UnknownIdError, ValidationError
from sdg_interactions.frameworks import goals
from sdg_interactions.io import load_matrix
from sdg_interactions.matrix import build_dataset, from_array

nan = np.nan
IDS4 = ["1.1", "1.2", "1.3", "1.4"]
# rows influence columns
HAND = np.array([[nan, 2, -1, 0],
                 [1, nan, 3, -2],
                 [0, 1, nan, 2],
                 [-1, 0, 1, nan]])
IDS12 = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b", "2.1", "2.2", "2.3", "2.4", "2.5"]


@pytest.fixture(scope="module")
def sweden():
    return load_matrix("weitz2018_sweden")


def random_matrix(seed: int, ids=IDS12, respondents=None) -> xr.DataArray:
    rng = np.random.default_rng(seed)
    n = len(ids)
    shape = (n, n) if respondents is None else (len(respondents), n, n)
    values = rng.integers(-3, 4, size=shape).astype(float)
    values[rng.random(shape) < 0.2] = nan
    values[..., np.arange(n), np.arange(n)] = nan
    return from_array(values, ids, respondents=respondents)


def plain_a(da: xr.DataArray) -> list[list[float]]:
    values = da.to_numpy()
    n = len(values)
    return [[0.0 if i == j or np.isnan(values[i][j]) else float(values[i][j]) for j in range(n)]
            for i in range(n)]


# --- propagate ----------------------------------------------------------------------------------


def test_hand_computed_effects():
    m = from_array(HAND, IDS4)
    e = sc.propagate(m, ["1.1", "1.3"])
    # direct: row 1.1 = [0, 2, -1, 0], row 1.3 = [0, 1, 0, 2]
    assert e["direct_pos"].to_numpy().tolist() == [0, 3, 0, 2]
    assert e["direct_neg"].to_numpy().tolist() == [0, 0, -1, 0]
    # i = 1.1: k = 1.2 (a=2) · row 1.2 [1, 0, 3, -2] -> [2, 0, 6, -4];
    #          k = 1.3 (a=-1) · row 1.3 [0, 1, 0, 2] -> [0, -1, 0, -2]
    #   positive parts [2, 0, 6, 0], negative parts [0, -1, 0, -6]
    # i = 1.3: k = 1.2 (a=1) · row 1.2 [1, 0, 3, -2] -> [1, 0, 3, -2];
    #          k = 1.4 (a=2) · row 1.4 [-1, 0, 1, 0] -> [-2, 0, 2, 0]
    #   positive parts [1, 0, 5, 0], negative parts [-2, 0, 0, -2]
    # indirect_pos = ½ [3, 0, 11, 0]; indirect_neg = ½ [-2, -1, 0, -8]
    assert e["indirect_pos"].to_numpy().tolist() == [1.5, 0, 5.5, 0]
    assert e["indirect_neg"].to_numpy().tolist() == [-1, -0.5, 0, -4]
    assert e["effect_pos"].to_numpy().tolist() == [1.5, 3, 5.5, 2]
    assert e["effect_neg"].to_numpy().tolist() == [-1, -0.5, -1, -4]
    assert e["effect_net"].to_numpy().tolist() == [0.5, 2.5, 4.5, -2]
    assert list(e.data_vars) == list(sc.EFFECT_VARIABLES)
    assert e.attrs["priorities"] == ["1.1", "1.3"] and e.attrs["efforts"] == [1.0, 1.0]
    assert e["label_en"].to_numpy()[0].startswith("Eradicate extreme poverty")


def test_propagate_matches_explicit_loops():
    da = random_matrix(3)
    a, n = plain_a(da), 12
    chosen, efforts = [0, 5, 9], [1.5, 1.0, 2.0]
    e = sc.propagate(da, [IDS12[i] for i in chosen], efforts=efforts)
    for j in range(n):
        dp = sum(w * max(a[i][j], 0) for i, w in zip(chosen, efforts, strict=True))
        dn = sum(w * min(a[i][j], 0) for i, w in zip(chosen, efforts, strict=True))
        ip = 0.5 * sum(w * max(a[i][k] * a[k][j], 0) for i, w in zip(chosen, efforts, strict=True)
                       for k in range(n))
        ineg = 0.5 * sum(w * min(a[i][k] * a[k][j], 0) for i, w in zip(chosen, efforts, strict=True)
                         for k in range(n))
        assert e["direct_pos"].to_numpy()[j] == pytest.approx(dp)
        assert e["direct_neg"].to_numpy()[j] == pytest.approx(dn)
        assert e["indirect_pos"].to_numpy()[j] == pytest.approx(ip)
        assert e["indirect_neg"].to_numpy()[j] == pytest.approx(ineg)
        assert e["effect_net"].to_numpy()[j] == pytest.approx(dp + dn + ip + ineg)


def test_efforts_are_linear(sweden):
    both = sc.propagate(sweden, ["16.6", "12.1"], efforts=(2, 1))
    first, second = sc.propagate(sweden, ["16.6"]), sc.propagate(sweden, ["12.1"])
    for name in sc.EFFECT_VARIABLES:
        expected = 2 * first[name].to_numpy() + second[name].to_numpy()
        np.testing.assert_allclose(both[name].to_numpy(), expected, err_msg=name)
    assert both.attrs["efforts"] == [2.0, 1.0]


def test_leading_dims_equal_one_by_one():
    da = random_matrix(7, respondents=["a", "b", "c"])
    stacked = sc.scenario(da, ["1.2", "2.3"], efforts=[1, 3])
    assert stacked["direct_pos"].dims == ("respondent", "node")
    for r in ["a", "b", "c"]:
        one = sc.scenario(da.sel(respondent=r), ["1.2", "2.3"], efforts=[1, 3])
        for name in (*sc.EFFECT_VARIABLES, "class"):
            np.testing.assert_array_equal(stacked[name].sel(respondent=r).to_numpy(), one[name].to_numpy())


def test_mixed_frameworks():
    # nodes in natural order: 7.2, 13.2, MKM-1, FH-3
    values = np.array([[nan, 2, 3, 0],
                       [1, nan, 2, -2],
                       [0, 1, nan, 0],
                       [0, 0, 1, nan]])
    m = from_array(values, ["7.2", "13.2", "MKM-1", "FH-3"])
    s = sc.scenario(m, ["13.2", "FH-3"])
    nodes = {"node": ["7.2", "13.2", "MKM-1", "FH-3"],
             "framework": ("node", np.array(["sdg_target", "sdg_target", "miljomal", "folkhalsomal"], dtype=object))}
    expected = xr.Dataset(
        {
            # direct from 13.2 [1, 0, 2, -2] and FH-3 [0, 0, 1, 0]
            "direct_pos": ("node", [1.0, 0, 3, 0]),
            "direct_neg": ("node", [0.0, 0, 0, -2]),
            # into 13.2: 13.2 → 7.2 → 13.2 (1·2), 13.2 → MKM-1 → 13.2 (2·1), FH-3 → MKM-1 → 13.2 (1·1): ½·5
            # into MKM-1: 13.2 → 7.2 → MKM-1 (1·3): ½·3; and 13.2 → FH-3 → MKM-1 (−2·1): ½·(−2)
            "indirect_pos": ("node", [0.0, 2.5, 1.5, 0]),
            "indirect_neg": ("node", [0.0, 0, -1, 0]),
            "class": ("node", np.array(["partly_supported", "prioritised", "comes_along", "prioritised"])),
        },
        coords=nodes,
    )
    got = s[list(expected.data_vars)].reset_coords([c for c in s.coords if c not in nodes], drop=True)
    xr.testing.assert_equal(got, expected)
    conflicts = sc.triggered_conflicts(m, ["13.2", "FH-3"])
    assert conflicts[["source", "target", "score"]].to_numpy().tolist() == [["13.2", "FH-3", -2.0]]
    assert conflicts["target_label_en"].tolist() == [s["label_en"].to_numpy()[3]]


# --- classes ------------------------------------------------------------------------------------


def test_strong_negative_link_is_at_risk_even_with_positive_net():
    # 1.1 → 1.3 is −3, 1.2 → 1.3 is +3, and 1.1 → 1.4 → 1.3 adds ½·3·3 indirectly
    values = np.array([[nan, 0, -3, 3],
                       [0, nan, 3, 0],
                       [0, 0, nan, 0],
                       [0, 0, 3, nan]])
    s = sc.scenario(from_array(values, IDS4), ["1.1", "1.2"])
    assert s["direct_pos"].to_numpy()[2] + s["direct_neg"].to_numpy()[2] == 0  # not net negative
    assert s["effect_net"].to_numpy()[2] == 4.5
    assert s["class"].to_numpy().tolist() == ["prioritised", "prioritised", "at_risk", "comes_along"]
    # with a milder threshold, 1.3 comes along (direct_pos 3)
    milder = sc.scenario(from_array(values, IDS4), ["1.1", "1.2"], risk_threshold=-4)
    assert milder["class"].to_numpy()[2] == "comes_along"


def test_net_negative_direct_is_at_risk():
    values = np.array([[nan, 1, 0, 0], [0, nan, 0, 0], [-1, -1, nan, 0], [0, 0, 0, nan]])
    s = sc.scenario(from_array(values, IDS4), ["1.3", "1.4"])
    # 1.1 and 1.2: direct_pos 0 (1.4 adds nothing), direct_neg −1 -> at risk; 1.4 → nothing
    assert s["class"].to_numpy().tolist() == ["at_risk", "at_risk", "prioritised", "prioritised"]


@pytest.mark.parametrize(("thresholds", "expected"), [
    ({}, ["prioritised", "comes_along", "at_risk", "comes_along"]),
    ({"comes_along": 3, "partly": 2}, ["prioritised", "comes_along", "at_risk", "partly_supported"]),
    ({"comes_along": 4, "partly": 3}, ["prioritised", "partly_supported", "at_risk", "not_free"]),
    ({"risk_threshold": -3, "comes_along": 4, "partly": 2.5}, ["prioritised", "partly_supported", "at_risk",
                                                               "not_free"]),
])
def test_classes_with_custom_thresholds(thresholds, expected):
    values = np.array([[nan, 3, -2, 2], [0, nan, 0, 0], [0, 0, nan, 0], [0, 0, 0, nan]])
    m = from_array(values, IDS4)
    # direct_pos = [0, 3, 0, 2]; 1.3: the −2 link, and direct_pos + direct_neg = −2 < 0 at any threshold
    e = sc.propagate(m, ["1.1"])
    assert sc.classify(e, ["1.1"], m, **thresholds).to_numpy().tolist() == expected
    assert sc.scenario(m, ["1.1"], **thresholds)["class"].to_numpy().tolist() == expected
    # A as a plain array gives the same
    a = np.nan_to_num(values)
    assert sc.classify(e, ["1.1"], a, **thresholds).to_numpy().tolist() == expected


def test_classify_rejects_partly_above_comes_along():
    m = from_array(HAND, IDS4)
    with pytest.raises(ValidationError, match="partly"):
        sc.scenario(m, ["1.1"], comes_along=1, partly=2)


# --- errors -------------------------------------------------------------------------------------


@pytest.mark.parametrize(("priorities", "message"), [
    (["99.9"], "'99.9'"),
    (["2.1"], r"not a target of this matrix: '2\.1'.*1\.1, 1\.2"),
    (["nonsense"], "'nonsense'"),
])
def test_unknown_priority(priorities, message):
    with pytest.raises(UnknownIdError, match=message):
        sc.propagate(from_array(HAND, IDS4), priorities)


def test_close_ids_are_listed(sweden):
    with pytest.raises(UnknownIdError, match=r"'16\.7'.*16\.6"):
        sc.propagate(sweden, ["16.7"])


@pytest.mark.parametrize(("efforts", "message"), [
    ([1], r"1 efforts for 2 priorities: '1'"),
    ([1, 2, 3], r"3 efforts for 2 priorities: '1, 2, 3'"),
    ([1, 0], r"greater than 0: '0'"),
    ([-1.5, 1], r"greater than 0: '-1.5'"),
    ([1, "x"], r"greater than 0: 'x'"),
    ([1, nan], r"greater than 0: 'nan'"),
])
def test_bad_efforts(efforts, message):
    with pytest.raises(ValidationError, match=message):
        sc.propagate(from_array(HAND, IDS4), ["1.1", "1.2"], efforts=efforts)


def test_priority_twice_and_none():
    with pytest.raises(ValidationError, match=r"given twice: '1\.1'"):
        sc.propagate(from_array(HAND, IDS4), ["1.1", " 1.1"])
    with pytest.raises(ValidationError, match="at least one priority"):
        sc.propagate(from_array(HAND, IDS4), [])


# --- triggered conflicts ------------------------------------------------------------------------


def test_triggered_conflicts_worst_first_with_joined_comments():
    score = np.stack([HAND, HAND])
    score[1, 1, 3] = 0.0  # 1.2 → 1.4: −2 and 0, mean −1
    score[1, 0, 2] = -3.0  # 1.1 → 1.2: −1 and −3, mean −2
    comment = np.full(score.shape, "", dtype=object)
    comment[0, 1, 3], comment[1, 1, 3] = "ökar trafiken", "ökar trafiken"
    comment[0, 0, 2], comment[1, 0, 2] = "kostar", "tar mark"
    ds = build_dataset(score, comment, np.zeros(score.shape, bool), IDS4, ["a", "b"], aggregated=False)
    found = sc.triggered_conflicts(ds, ["1.1", "1.2"])
    assert list(found.columns) == list(sc.conflicts(ds).columns)  # the same table as conflicts(), filtered
    assert found[["source", "target", "score", "comment"]].to_numpy().tolist() == [
        ["1.1", "1.3", -2.0, "kostar | tar mark"],
        ["1.2", "1.4", -1.0, "ökar trafiken"],
    ]
    assert sc.triggered_conflicts(ds["score"], ["1.3"]).empty


def test_triggered_conflicts_sweden(sweden):
    found = sc.triggered_conflicts(sweden, ["16.6", "12.1"])
    assert found[["source", "target", "score"]].to_numpy().tolist() == [["12.1", "17.11", -1.0]]
    assert found["source_label_sv"].tolist() == [str(sweden["source_label_sv"].sel(source="12.1").to_numpy())]


# --- portfolio ----------------------------------------------------------------------------------


def brute_force(da, k, *, cap=3, groups=None, exclude=()):
    """The exhaustive optimum over the sets of at most k by plain loops (the empty set, then smaller sets
    first): best gain, then best summed systemic, then first found."""
    a = plain_a(da)
    ids = [str(v) for v in da["source"].to_numpy()]
    n = len(a)
    r = [sum(row) for row in a]
    t = [r[i] + 0.5 * sum(a[i][j] * r[j] for j in range(n)) for i in range(n)]

    def gain(chosen):
        total = 0.0
        for j in range(n):
            if j not in chosen:
                total += min(cap, sum(max(a[i][j], 0) for i in chosen)) + sum(min(a[i][j], 0) for i in chosen)
        return total

    best, best_key = (), (0.0, 0.0)
    allowed = [i for i in range(n) if ids[i] not in exclude]
    for chosen in itertools.chain.from_iterable(itertools.combinations(allowed, r) for r in range(1, k + 1)):
        if groups is not None:
            used = [groups[i] for i in chosen if groups[i] != 0]
            if len(used) != len(set(used)):
                continue
        key = (gain(chosen), sum(t[i] for i in chosen))
        if key > best_key:
            best, best_key = chosen, key
    return tuple(ids[i] for i in best), best_key[0]


def test_portfolio_sweden_k3_differs_from_top_k(sweden):
    expected, expected_gain = brute_force(sweden, 3)
    p = sc.portfolio(sweden, 3)
    assert p.chosen == expected == ("4.4", "8.4", "16.6")
    assert p.gain == expected_gain == 86.0
    assert p.method == "exhaustive" and p.n_evaluated == 6579  # C(34, 3) + C(34, 2) + 34
    assert p.top_k == ("8.4", "12.1", "16.6")
    assert p.top_k_gain == 84.0
    # 12.1 overlaps: each node it promotes another top-3 node promotes too; 4.4 adds more than 12.1 did
    assert p.overlap == {"12.1": (24, 24)} and p.marginal == {"4.4": 6.0, "12.1": 4.0}
    assert p.extra_along == ("3.4",)
    sv, en = p.explanation["sv"], p.explanation["en"]
    assert sv == sc.explain_portfolio(p) and en == sc.explain_portfolio(p, lang="en")
    assert "4.4" in sv and "i stället för 12.1" in sv and "alla 6\u00a0579 kombinationer" in sv
    assert "instead of 12.1" in en and "pulls along" in en


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("seed", [1, 2])
def test_portfolio_random_matches_brute_force(seed, k):
    da = random_matrix(seed)
    expected, expected_gain = brute_force(da, k)
    p = sc.portfolio(da, k)
    assert (p.chosen, p.gain, p.method) == (expected, expected_gain, "exhaustive")


def test_portfolio_cap():
    da = random_matrix(4)
    assert sc.portfolio(da, 3, cap=1).chosen == brute_force(da, 3, cap=1)[0]


def test_portfolio_greedy_when_forced(sweden, monkeypatch):
    p = sc.portfolio(sweden, 3, method="greedy+swap")
    assert p.method == "greedy+swap" and len(set(p.chosen)) == 3
    assert set(p.chosen) <= set(sweden["source"].to_numpy())
    assert p.gain <= 86.0
    assert "kanske inte det bästa" in p.explanation["sv"] and "may not be the best" in p.explanation["en"]
    monkeypatch.setattr(sys.modules["sdg_interactions.analysis.portfolios"], "EXHAUSTIVE_LIMIT", 100)
    auto = sc.portfolio(sweden, 3, exclude=["16.6"])
    assert auto.method == "greedy+swap" and "16.6" not in auto.chosen


def test_portfolio_one_per_layer(sweden):
    layer = dict(zip(goals("en")["goal"], goals("en")["layer"], strict=True))
    codes = {"biosphere": 1, "society": 2, "economy": 3, "all": 4}
    groups = [codes[layer[int(i.split(".")[0])]] for i in sweden["source"].to_numpy()]
    expected, _ = brute_force(sweden, 3, groups=groups)
    p = sc.portfolio(sweden, 3, one_per="layer")
    assert p.chosen == expected != ("4.4", "8.4", "16.6")  # 4.4 and 16.6 are both "society"
    assert len({layer[int(i.split(".")[0])] for i in p.chosen}) == 3
    greedy = sc.portfolio(sweden, 3, one_per="layer", method="greedy+swap")
    assert len({layer[int(i.split(".")[0])] for i in greedy.chosen}) == 3


def test_portfolio_one_per_cluster(sweden):
    numbers = clusters(sweden)["cluster"].to_numpy().tolist()
    expected, _ = brute_force(sweden, 3, groups=numbers)
    p = sc.portfolio(sweden, 3, one_per="cluster")
    assert p.chosen == expected
    chosen = [numbers[list(sweden["source"].to_numpy()).index(i)] for i in p.chosen]
    assert len([c for c in chosen if c]) == len({c for c in chosen if c})


def test_portfolio_layer_leaves_other_frameworks_free():
    values = np.zeros((6, 6))
    values[[0, 1, 2], [3, 4, 5]] = 3  # each of the three promotes an FH node of its own
    values[np.arange(6), np.arange(6)] = nan
    m = from_array(values, ["13.1", "MKM-1", "MKM-2", "FH-1", "FH-2", "FH-3"])
    assert sc.portfolio(m, 3, one_per="layer").chosen == ("13.1", "MKM-1", "MKM-2")


def test_portfolio_exclude(sweden):
    p = sc.portfolio(sweden, 3, exclude=["16.6", "8.4"])
    expected, _ = brute_force(sweden, 3, exclude=("16.6", "8.4"))
    assert p.chosen == expected and not {"16.6", "8.4"} & set(p.chosen + p.top_k)
    assert p.excluded == ("8.4", "16.6")


def test_portfolio_errors(sweden):
    with pytest.raises(ValidationError, match="'0'"):
        sc.portfolio(sweden, 0)
    with pytest.raises(ValidationError, match="'planet'"):
        sc.portfolio(sweden, 2, one_per="planet")
    with pytest.raises(UnknownIdError, match=r"'99\.9'"):
        sc.portfolio(sweden, 2, exclude=["99.9"])
    with pytest.raises(ValidationError, match="one target per layer"):
        sc.portfolio(from_array(HAND, IDS4), 2, one_per="layer")  # all four are goal 1
    with pytest.raises(ValidationError, match="extra dims"):
        sc.portfolio(random_matrix(1, respondents=["a", "b"]), 2)


# --- CLI ----------------------------------------------------------------------------------------


def test_cli_scenario_writes_csv(tmp_path, capsys, sweden):
    out = tmp_path / "scenario.csv"
    code = main(["scenario", "weitz2018_sweden", "--priorities", "16.6,12.1", "--efforts", "1,2",
                 "--lang", "en", "--out", str(out)])
    assert code == 0
    printed = capsys.readouterr().out
    assert "comes along" in printed and "12.1 → 17.11 (−1)" in printed
    table = pd.read_csv(out, dtype={"node": str}, keep_default_na=False)
    assert list(table.columns) == ["node", "label", "direct_pos", "direct_neg", "indirect_pos",
                                   "indirect_neg", "effect_pos", "effect_neg", "effect_net", "class"]
    expected = sc.scenario(sweden, ["16.6", "12.1"], efforts=[1, 2])
    assert table["node"].tolist() == [str(v) for v in expected["node"].to_numpy()]
    assert table["label"].tolist() == expected["label_en"].to_numpy().tolist()
    for name in sc.EFFECT_VARIABLES:
        np.testing.assert_allclose(table[name].to_numpy(), expected[name].to_numpy(), err_msg=name)
    assert table["class"].tolist() == expected["class"].to_numpy().tolist()
    assert table.set_index("node").loc["16.6", "class"] == "prioritised"


@pytest.mark.parametrize(("argv", "value"), [
    (["--priorities", "99.9"], "'99.9'"),
    (["--priorities", "16.6,12.1", "--efforts", "1,0"], "'0'"),
    (["--priorities", "16.6,12.1", "--efforts", "1,abc"], "'abc'"),
    (["--priorities", "16.6", "--efforts", "1,2"], "'1, 2'"),
])
def test_cli_scenario_bad_input(capsys, argv, value):
    assert main(["scenario", *argv, "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error:") and value in lines[0]
