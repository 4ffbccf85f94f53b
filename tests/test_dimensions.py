"""The dimension roll-up (biosfär, samhälle, ekonomi, partnerskap), its sentence and its chart."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sdg_interactions import frameworks, load_matrix
from sdg_interactions.analysis.dimensions import (
    DIMENSION_VARIABLES,
    DIMENSIONS,
    Flow,
    dimension_of,
    dimension_rollup,
    strongest_flows,
)
from sdg_interactions.errors import ValidationError, words_of
from sdg_interactions.formats import number
from sdg_interactions.matrix import aggregate, from_array
from sdg_interactions.report.dimension_section import dimension_sentence, dimensions

#: The goals of each dimension as DESIGN.md lists them: the oracle's own table, not the library's.
GOALS = {"biosphere": (6, 13, 14, 15), "society": (1, 2, 3, 4, 5, 7, 11, 16), "economy": (8, 9, 10, 12),
         "partnership": (17,)}
POOL = ["1.1", "1.2", "2.4", "3.8", "5.5", "6.1", "6.3", "7.2", "8.4", "9.1", "10.2", "11.6", "12.5", "13.1",
        "14.1", "15.5", "16.7", "17.1", "17.17", "MKM-1", "MKM-8", "MKM-16", "FH-2", "FH-5", "MN-3", "ORT-1",
        "ORT-2"]


def oracle_dimension(node: str) -> str:
    if node.startswith("MKM-"):
        return "biosphere"
    if node.startswith("FH-"):
        return "society"
    if "." in node:
        goal = int(node.split(".")[0])
        for name, goals in GOALS.items():
            if goal in goals:
                return name
    return ""


def oracle(values: list[list[float]], ids: list[str]) -> dict[str, list[list[float]]]:
    """The roll-up by plain loops over the cells of one matrix."""
    out = {name: [[0.0] * 4 for _ in range(4)] for name in DIMENSION_VARIABLES}
    for i, source in enumerate(ids):
        for j, target in enumerate(ids):
            value = values[i][j]
            if i == j or math.isnan(value):
                continue
            dim_i, dim_j = oracle_dimension(source), oracle_dimension(target)
            if not dim_i or not dim_j:
                continue
            k, m = DIMENSIONS.index(dim_i), DIMENSIONS.index(dim_j)
            out["pairs"][k][m] += 1
            if value > 0:  # the sums take every score, the smallest mean too
                out["pos"][k][m] += value
            elif value < 0:
                out["neg"][k][m] += value
            if value >= 1:  # the counts only scores (means) at +1 or −1 and beyond
                out["n_pos"][k][m] += 1
            elif value <= -1:
                out["n_neg"][k][m] += 1
    return out


def mean_of_answers(cube: np.ndarray, i: int, j: int) -> float:
    """The mean of the answers to one cell, NaN answers skipped; NaN when no one answered (a plain loop)."""
    answers = [float(cube[r, i, j]) for r in range(cube.shape[0]) if not math.isnan(cube[r, i, j])]
    return sum(answers) / len(answers) if answers else math.nan


def random_case(seed: int) -> tuple[np.ndarray, list[str], list[str] | None]:
    rng = np.random.default_rng(seed)
    n = int(rng.integers(3, 13))
    ids = [str(x) for x in rng.choice(POOL, size=n, replace=False)]
    if not any(oracle_dimension(i) for i in ids):
        ids[0] = "13.1" if "13.1" not in ids else "1.1"
    respondents = None if seed % 4 else [f"r{k}" for k in range(int(rng.integers(2, 5)))]
    shape = (n, n) if respondents is None else (len(respondents), n, n)
    values = rng.integers(-3, 4, size=shape).astype(float)
    values[rng.random(shape) < 0.3] = np.nan
    values[..., np.arange(n), np.arange(n)] = np.nan
    return values, ids, respondents


@pytest.mark.parametrize("seed", range(200))
def test_the_rollup_equals_a_plain_loop_on_random_mixed_matrices(seed):
    values, ids, respondents = random_case(seed)
    m = from_array(values, ids, respondents=respondents)
    r = dimension_rollup(m)
    order = [str(v) for v in m["source"].to_numpy()]  # from_array puts the ids in natural order
    cube = m.to_numpy()
    if respondents is None:
        cells = [[float(cube[i, j]) for j in range(len(order))] for i in range(len(order))]
    else:
        cells = [[mean_of_answers(cube, i, j) for j in range(len(order))] for i in range(len(order))]
    expected = oracle(cells, order)
    for name in DIMENSION_VARIABLES:
        np.testing.assert_allclose(r[name].to_numpy(), np.array(expected[name]), atol=1e-12, err_msg=name)
    assert r.attrs["left_out"] == ", ".join(i for i in order if not oracle_dimension(i))
    assert r.attrs["n_left_out"] == sum(1 for i in order if not oracle_dimension(i))


def test_a_hand_computed_case_with_all_four_dimensions():
    # 1.1 samhälle, 6.1 biosfär, 8.1 ekonomi, 17.1 partnerskap, FH-1 samhälle, MN-1 none
    v = np.array([[np.nan, 2, 0, np.nan, 3, 3],     # 1.1 →
                  [-1, np.nan, -2, 1, np.nan, 3],   # 6.1 →
                  [1, 3, np.nan, 0, -3, 3],         # 8.1 →
                  [2, np.nan, 1, np.nan, 1, 3],     # 17.1 →
                  [2, 0, np.nan, -1, np.nan, 3],    # FH-1 →
                  [3, 3, 3, 3, 3, np.nan]])         # MN-1 → (left out)
    r = dimension_rollup(from_array(v, ["1.1", "6.1", "8.1", "17.1", "FH-1", "MN-1"]))
    # rows B, S, E, P; columns B, S, E, P
    assert r["pos"].values.tolist() == [[0, 0, 0, 1],        # 6.1→17.1 1
                                        [2, 5, 0, 0],        # 1.1→6.1 2; 1.1→FH-1 3 + FH-1→1.1 2
                                        [3, 1, 0, 0],        # 8.1→6.1 3; 8.1→1.1 1
                                        [0, 3, 1, 0]]        # 17.1→1.1 2 + 17.1→FH-1 1; 17.1→8.1 1
    assert r["neg"].values.tolist() == [[0, -1, -2, 0], [0, 0, 0, -1], [0, -3, 0, 0], [0, 0, 0, 0]]
    assert r["n_pos"].values.tolist() == [[0, 0, 0, 1], [1, 2, 0, 0], [1, 1, 0, 0], [0, 2, 1, 0]]
    assert r["n_neg"].values.tolist() == [[0, 1, 1, 0], [0, 0, 0, 1], [0, 1, 0, 0], [0, 0, 0, 0]]
    # the scored 0s count as pairs only: 1.1→8.1, FH-1→6.1, 8.1→17.1
    assert r["pairs"].values.tolist() == [[0, 1, 1, 1], [2, 2, 1, 1], [1, 2, 0, 1], [0, 2, 1, 0]]
    assert r["n_pos"].dtype == np.int64 and r["pos"].dtype == np.float64
    assert r.attrs["left_out"] == "MN-1" and r.attrs["n_left_out"] == 1
    assert r["source_n_nodes"].values.tolist() == [1, 2, 1, 1]
    assert r["source_label_sv"].values.tolist() == ["biosfär", "samhälle", "ekonomi", "partnerskap"]
    assert list(r.dims) == ["source_dimension", "target_dimension"]
    for name in DIMENSION_VARIABLES:
        assert r[name].attrs["long_name"] and r[name].attrs["units"] and r[name].attrs["formula"], name
    assert r["n_neg"].attrs["units"] == "antal" and r["pos"].attrs["units"] == "poäng"


def test_respondents_are_aggregated_as_the_other_analyses_do():
    values, ids, respondents = random_case(0)  # seed 0: several respondents
    assert respondents is not None
    m = from_array(values, ids, respondents=respondents)
    for method in ("mean", "median"):
        got, want = dimension_rollup(m, aggregate=method), dimension_rollup(aggregate(m, method))
        xr.testing.assert_identical(got.drop_attrs(), want.drop_attrs())
        assert got.attrs["aggregation"] == method


def test_the_rollup_carries_the_matrix_provenance():
    r = dimension_rollup(load_matrix("weitz2018_sweden"))
    assert r.attrs["name"] == "weitz2018_sweden" and r.attrs["doi"] == "10.1007/s11625-017-0470-0"
    assert r.attrs["kind"] == "dimension_rollup" and r.attrs["left_out"] == ""
    assert int(r["pairs"].sum()) == 34 * 33  # the Sweden matrix scores every pair; every target has a dimension


def test_dimension_of_reads_the_registry_and_a_kommun_s_own_layer():
    assert dimension_of(["14.1", "SDG-17", "MKM", "FH", "MN-1", "ORT-3"]) == [
        "biosphere", "partnership", "biosphere", "society", "", ""]
    table = pd.DataFrame({"group": ["Miljö", "Social", "Övrigt"], "label_sv": ["a", "b", "c"],
                          "label_en": ["a", "b", "c"], "layer": ["biosfär", "society", ""]},
                         index=pd.Index(["TDIM-1", "TDIM-2", "TDIM-3"], name="id"))
    frameworks.register(frameworks.Framework("TDIM", "TDIM", 10, "Test", "Test", loader=lambda: table))
    try:
        assert dimension_of(["TDIM-1", "TDIM-2", "TDIM-3"]) == ["biosphere", "society", ""]
        r = dimension_rollup(from_array(np.array([[np.nan, 2, 1], [-1, np.nan, 3], [3, 3, np.nan]]),
                                        ["TDIM-1", "TDIM-2", "TDIM-3"]))
        assert r["pos"].values[0, 1] == 2 and r["neg"].values[1, 0] == -1 and r.attrs["left_out"] == "TDIM-3"
    finally:
        frameworks.unregister("TDIM")


# --- strongest flows and the sentence -------------------------------------------------------------------


def plain_strongest(r: xr.Dataset) -> tuple[tuple[str, str], tuple[str, str]]:
    """The test's own pick: largest sum pos + neg between different dimensions (ties: n_pos, then order); most
    n_neg anywhere (ties: the most negative neg, then order)."""
    synergy = conflict = None
    for k, source in enumerate(DIMENSIONS):
        for m, target in enumerate(DIMENSIONS):
            pos, n_pos = float(r["pos"].values[k, m]), int(r["n_pos"].values[k, m])
            neg, n_neg = float(r["neg"].values[k, m]), int(r["n_neg"].values[k, m])
            if source != target and pos + neg > 0 and (synergy is None or (pos + neg, n_pos) > synergy[0]):
                synergy = ((pos + neg, n_pos), (source, target))
            if n_neg > 0 and (conflict is None or (n_neg, -neg) > conflict[0]):
                conflict = ((n_neg, -neg), (source, target))
    return synergy[1], conflict[1]


def test_the_sentence_on_the_sweden_matrix_says_the_roll_up_s_numbers():
    r = dimension_rollup(load_matrix("weitz2018_sweden"))
    (src, tgt), (c_src, c_tgt) = plain_strongest(r)
    flows = strongest_flows(r)
    assert (flows.synergy.source, flows.synergy.target) == (src, tgt) == ("society", "economy")
    assert (flows.conflict.source, flows.conflict.target) == (c_src, c_tgt) == ("biosphere", "society")
    n_pos = int(r["n_pos"].sel(source_dimension=src, target_dimension=tgt))
    pos = float(r["pos"].sel(source_dimension=src, target_dimension=tgt))
    neg = float(r["neg"].sel(source_dimension=src, target_dimension=tgt))
    n_neg = int(r["n_neg"].sel(source_dimension=c_src, target_dimension=c_tgt))
    sv = dimension_sentence(r)
    assert sv == (f"Mellan två olika dimensioner drar samhällsmålen starkast med sig ekonomimålen: sammanlagt "
                  f"{number(pos + neg)} poäng ({number(n_pos)} främjande samband, inga hämmande). Flest målkonflikter "
                  f"finns där framsteg för biosfärmålen hämmar samhällsmålen ({number(n_neg)} målkonflikter).")
    assert (n_pos, pos, neg, n_neg) == (63, 107.0, 0.0, 10)
    en = dimension_sentence(r, "en")
    assert en == ("Between two different dimensions, the strongest pull runs from the society goals to the economy "
                  "goals: 107 points in all (63 promoting interactions, no hindering ones). Most goal conflicts lie "
                  "where progress on the biosphere goals hinders the society goals (10 goal conflicts).")
    for word in ("pos", "n_neg", "society", "biosphere", "None"):  # no code word in the Swedish
        assert word not in sv.split()


def rollup_with(**cells: dict[tuple[str, str], float]) -> xr.Dataset:
    """A roll-up of a one-target matrix with the given cells set by hand."""
    r = dimension_rollup(from_array(np.array([[np.nan]]), ["1.1"])).copy(deep=True)
    for name, values in cells.items():
        for (source, target), value in values.items():
            r[name].loc[{"source_dimension": source, "target_dimension": target}] = value
    return r


def test_ties_are_broken_by_counts_then_by_the_order():
    r = rollup_with(pos={("economy", "society"): 6, ("society", "economy"): 6.0 + 1e-12, ("biosphere", "economy"): 6},
                    n_pos={("economy", "society"): 3, ("society", "economy"): 2, ("biosphere", "economy"): 3},
                    n_neg={("partnership", "biosphere"): 2, ("economy", "economy"): 2, ("society", "biosphere"): 2},
                    neg={("partnership", "biosphere"): -5, ("economy", "economy"): -6, ("society", "biosphere"): -6})
    flows = strongest_flows(r)
    assert (flows.synergy.source, flows.synergy.target) == ("biosphere", "economy")  # 6, 3 links, first in order
    assert (flows.conflict.source, flows.conflict.target) == ("society", "biosphere")  # −6 beats −5, first in order
    assert isinstance(flows.synergy, Flow) and flows.synergy.n_pos == 3
    assert dimension_sentence(r).endswith("Flest målkonflikter finns där framsteg för samhällsmålen hämmar "
                                          "biosfärmålen (2 målkonflikter).")


def test_the_sentence_says_when_there_is_nothing_to_name_and_within_one_dimension():
    r = rollup_with(pos={("society", "society"): 9}, n_pos={("society", "society"): 4},
                    n_neg={("economy", "economy"): 1}, neg={("economy", "economy"): -2})
    assert strongest_flows(r).synergy is None
    assert dimension_sentence(r) == ("Mellan olika dimensioner finns inga samband vars bedömningar sammanlagt är "
                                     "över 0. Flest målkonflikter finns inom ekonomimålen, där framsteg för ett "
                                     "delmål hämmar ett annat (en målkonflikt).")
    r = rollup_with(pos={("biosphere", "partnership"): 1}, n_pos={("biosphere", "partnership"): 1})
    assert dimension_sentence(r, "en") == (
        "Between two different dimensions, the strongest pull runs from the biosphere goals to the partnership "
        "goals: 1 point in all (one promoting interaction, no hindering ones). There are no goal conflicts, "
        "neither within the dimensions nor between them.")


def test_the_sentence_lists_the_targets_without_a_dimension():
    ids = ["1.1", *(f"ORT-{k}" for k in range(1, 11))]
    v = np.full((11, 11), np.nan)
    r = dimension_rollup(from_array(v, ids))
    assert dimension_sentence(r).endswith("Tio delmål hör inte till någon av de fyra dimensionerna och räknas "
                                          "inte med: ORT-1, ORT-2, ORT-3, ORT-4, ORT-5, ORT-6, ORT-7, ORT-8 och 2 "
                                          "till.")
    r = dimension_rollup(from_array(np.full((2, 2), np.nan), ["1.1", "MN-2"]))
    assert dimension_sentence(r, "en").endswith("One target belongs to none of the four dimensions and is not "
                                                "counted: MN-2.")


def test_the_section_holds_the_sentence_the_basis_and_a_table():
    section = dimensions(load_matrix("mixed_demo"))
    assert section["id"] == "dimensions" and section["title"] == "Biosfär, samhälle, ekonomi och partnerskap"
    assert section["paragraphs"][0].endswith("räknas inte med: EXB-1, EXB-2, EXB-3 och EXB-4.")
    assert section["paragraphs"][1].startswith("Med högst ett delmål per dimension blir verktygets förslag")
    assert section["paragraphs"][2].startswith("Tabellen visar för varje par av dimensioner")
    assert "biosfär (mål 6, 13, 14 och 15)" in section["paragraphs"][3]
    assert "partnerskap (mål 17)" in section["paragraphs"][3]
    assert section["table"]["columns"] == ["påverkande dimension", "biosfär", "samhälle", "ekonomi", "partnerskap"]
    assert section["data"]["left_out"] == ["EXB-1", "EXB-2", "EXB-3", "EXB-4"]
    assert len(section["table"]["rows"]) == 4


# --- the chart --------------------------------------------------------------------------------------------


def test_the_chart_builds_in_swedish_with_the_locale_the_labels_and_the_counts():
    from sdg_interactions.plots import rows_of
    from sdg_interactions.plots.dimensions import dimension_chart

    m = load_matrix("weitz2018_sweden")
    r = dimension_rollup(m)
    spec = dimension_chart(r).to_dict()
    assert spec["title"]["text"] == "Hur dimensionerna främjar och hämmar varandra"
    assert spec["title"]["subtitle"][0].startswith("Källa: Weitz")
    assert any("bröllopstårtan" in line for line in spec["title"]["subtitle"])
    locale = spec["config"]["locale"]["number"]
    assert (locale["decimal"], locale["minus"], locale["thousands"]) == (",", "−", "\xa0")
    assert spec["usermeta"]["sdg_interactions"] == {"chart": "dimension_chart", "lang": "sv", "source_lines": 2}
    rect = spec["layer"][0]
    order = ["biosfär", "samhälle", "ekonomi", "partnerskap"]
    assert rect["encoding"]["y"]["sort"] == order and rect["encoding"]["x"]["sort"] == order
    assert rect["encoding"]["y"]["axis"]["title"] == "påverkande dimension"
    assert rect["encoding"]["x"]["title"] == "påverkad dimension"
    rows = rows_of(spec, spec["data"]["name"])
    assert len(rows) == 16
    largest = max(abs(float(r["pos"].values[k, m] + r["neg"].values[k, m])) for k in range(4) for m in range(4))
    assert rect["encoding"]["color"]["field"] == "total"
    assert rect["encoding"]["color"]["scale"]["domain"] == [-largest, largest]
    cell = next(row for row in rows if (row["source"], row["target"]) == ("biosphere", "society"))
    assert (cell["label_total"], cell["label_pos"], cell["label_neg"]) == ("31 poäng", "26 främjande", "10 hämmande")
    assert cell["total"] == pytest.approx(43 - 12)
    assert [layer["encoding"]["text"]["field"] for layer in spec["layer"][1:]] == [
        "label_total", "label_pos", "label_neg"]
    assert dimension_chart(m).to_dict() == spec  # a matrix is rolled up on the way


def test_the_chart_in_english_names_what_is_left_out_and_the_empty_cells():
    from sdg_interactions.plots import rows_of
    from sdg_interactions.plots.dimensions import dimension_chart

    spec = dimension_chart(load_matrix("mixed_demo"), lang="en").to_dict()
    subtitle = spec["title"]["subtitle"]
    assert "Left out (in no dimension): EXB-1, EXB-2, EXB-3 and EXB-4." in subtitle
    assert "Grey cells: no scored pairs." in subtitle
    assert spec["layer"][0]["encoding"]["y"]["sort"] == ["biosphere", "society", "economy", "partnership"]
    assert spec["config"]["locale"]["number"]["decimal"] == "."
    assert all(row["pairs"] > 0 for row in rows_of(spec, spec["data"]["name"]))


# --- errors -----------------------------------------------------------------------------------------------


def test_a_matrix_without_any_dimension_is_refused_in_both_languages():
    with pytest.raises(ValidationError) as err:
        dimension_rollup(load_matrix("mongolia2017"))
    sv = words_of(err.value).say("sv")
    assert "inget av matrisens delmål hör till någon av de fyra dimensionerna" in sv and "MN-1" in sv
    assert "Giltigt:" in sv and "miljökvalitetsmål" in sv
    assert "no target of the matrix belongs" in str(err.value)


def test_bad_input_to_the_sentence_and_the_chart_is_refused_in_swedish():
    from sdg_interactions.plots.dimensions import dimension_chart

    with pytest.raises(ValidationError) as err:
        dimension_sentence(load_matrix("weitz2018_sweden"))
    assert "en summering per dimension väntades, men fick DataArray" in words_of(err.value).say("sv")
    r = dimension_rollup(load_matrix("weitz2018_sweden"))
    two = xr.concat([r, r], dim="kommun")
    for call in (lambda: dimension_sentence(two), lambda: dimension_chart(two), lambda: strongest_flows(two)):
        with pytest.raises(ValidationError) as err:
            call()
        assert "en enda summering per dimension väntades" in words_of(err.value).say("sv")
        assert "kommun" in words_of(err.value).say("sv")
    with pytest.raises(ValidationError) as err:
        dimension_chart(pd.DataFrame({"a": [1]}))
    assert "fick DataFrame" in words_of(err.value).say("sv")
    with pytest.raises(ValidationError, match="'de'"):
        dimension_chart(r, lang="de")
    with pytest.raises(ValidationError, match="'de'"):
        dimension_sentence(r, "de")


def test_other_leading_dims_and_unknown_aggregations_are_refused_in_swedish():
    m = load_matrix("weitz2018_sweden")
    stacked = xr.concat([m, m], dim="kommun")
    with pytest.raises(ValidationError) as err:
        dimension_rollup(stacked)
    assert words_of(err.value).say("sv").startswith("summeringen per dimension kräver en enda matris")
    values, ids, respondents = random_case(0)
    with pytest.raises(ValidationError) as err:
        dimension_rollup(from_array(values, ids, respondents=respondents), aggregate="max")
    assert "okänd sammanvägning" in words_of(err.value).say("sv")


# --- several respondents: only means at ±1 or beyond are counted ------------------------------------------


def test_with_several_respondents_only_means_at_one_step_or_beyond_are_counted_and_said():
    from sdg_interactions.io import load_dataset
    from sdg_interactions.plots import rows_of
    from sdg_interactions.plots.dimensions import dimension_chart

    data = load_dataset("synthetic_respondents")  # 12 respondents' answers, not yet aggregated
    cube = data["score"].transpose("respondent", "source", "target").to_numpy()
    order = [str(v) for v in data["source"].to_numpy()]
    cells = [[mean_of_answers(cube, i, j) for j in range(len(order))] for i in range(len(order))]
    expected = oracle(cells, order)
    r = dimension_rollup(data)
    for name in DIMENSION_VARIABLES:
        np.testing.assert_allclose(r[name].to_numpy(), np.array(expected[name]), atol=1e-9, err_msg=name)
    # the old count (every mean ≠ 0) is larger: the difference is what the reader was misled by
    every_negative = sum(1 for row in cells for v in row if not math.isnan(v) and v < 0)
    assert int(r["n_neg"].sum()) < every_negative
    assert int(r["n_neg"].sum()) == sum(1 for row in cells for v in row if not math.isnan(v) and v <= -1)
    section = dimensions(data)
    k, m = DIMENSIONS.index("society"), DIMENSIONS.index("economy")
    assert section["table"]["rows"][k][m + 1] == (
        f"{number(expected['pos'][k][m] + expected['neg'][k][m])} poäng "
        f"({number(expected['n_pos'][k][m])} främjande, {number(expected['n_neg'][k][m])} hämmande)")
    assert any(p.startswith("Med flera svarande är bedömningen av ett par medelvärdet") for p in section["paragraphs"])
    conflict = max(((expected["n_neg"][a][b], -expected["neg"][a][b], -a * 4 - b), (a, b))
                   for a in range(4) for b in range(4))[1]
    said = int(expected["n_neg"][conflict[0]][conflict[1]])
    assert f"({number(said)} målkonflikter)" in section["paragraphs"][0]
    spec = dimension_chart(r).to_dict()
    assert any(line.startswith("Med flera svarande räknas") for line in spec["title"]["subtitle"])
    row = next(c for c in rows_of(spec, spec["data"]["name"]) if (c["source"], c["target"]) == ("society", "economy"))
    assert row["label_neg"] == f"{number(expected['n_neg'][k][m])} hämmande"


def test_one_matrix_counts_every_non_zero_score_and_adds_no_note():
    m = load_matrix("weitz2018_sweden")
    values = m.to_numpy()
    order = [str(v) for v in m["source"].to_numpy()]
    r = dimension_rollup(m)
    for name in ("n_pos", "n_neg"):  # integer scores: ≥ +1 is > 0, ≤ −1 is < 0
        sign = 1 if name == "n_pos" else -1
        want = [[0] * 4 for _ in range(4)]
        for i, a in enumerate(order):
            for j, b in enumerate(order):
                if i != j and not math.isnan(values[i, j]) and sign * values[i, j] > 0:
                    want[DIMENSIONS.index(oracle_dimension(a))][DIMENSIONS.index(oracle_dimension(b))] += 1
        assert r[name].values.tolist() == want, name
    assert not any(p.startswith("Med flera svarande") for p in dimensions(m)["paragraphs"])
