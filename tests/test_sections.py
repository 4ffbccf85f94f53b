"""The report's sections (sdg_interactions.report.sections): sentences built from the numbers, so two
matrices give two texts, in sv and en. Expected values are known by hand, from SEI's published figures
(datasets/weitz2018_sweden_published_metrics.csv) or from the loop-by-loop tests/slow_reference.py."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from sdg_interactions import frameworks
from sdg_interactions.analysis import cell_statistics
from sdg_interactions.frameworks import datasets_dir
from sdg_interactions.io import load_dataset
from sdg_interactions.matrix import from_array, node_ids
from sdg_interactions.report import sections as narrative
from sdg_interactions.report.wording import count_word

MATRICES = ["weitz2018_sweden", "mongolia2017"]

#: Per bundled matrix: the top five by systemic rank; the first one's positive and negative links (of
#: n − 1 others) and systemic score; the number of conflicts and the three worst (source, target, comment).
#: Sweden: ranks and 567 from the published figures; the rest from tests/slow_reference.py.
KNOWN = {
    "weitz2018_sweden": {
        "top": ["16.6", "12.1", "8.4", "12.5", "9.5"], "first": (27, 0, 567.0), "n_conflicts": 40,
        "worst": [("13.1", "7.2", ""), ("13.2", "2.2", ""), ("7.2", "6.6", "")],
    },
    "mongolia2017": {
        "top": ["MN-16", "MN-11", "MN-17", "MN-12", "MN-9"], "first": (16, 0, 227.5), "n_conflicts": 25,
        "worst": [("MN-7", "MN-10", "Cause air pollution, ater contamination."),
                  ("MN-4", "MN-1", "Irrigation technology uses more water- prevents or constrains water protection."),
                  ("MN-13", "MN-1", "In the Gobi water contaiminated and cannot be used for drinking.")],
    },
}


@pytest.fixture(scope="module", params=MATRICES)
def data(request):
    return load_dataset(request.param)


def _known(data) -> dict:
    return KNOWN[data.attrs["name"]]


def _position(text: str, node: str) -> int:
    found = re.search(rf"(?<![\d.\w-]){re.escape(node)}(?![\d])", text)
    return found.start() if found else -1


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_levers_name_the_top_ids_in_rank_order_with_their_numbers(data, lang):
    section = narrative.levers(data, top_k=5, lang=lang)
    top = _known(data)["top"]
    assert section["data"]["ids"] == top
    # the first paragraph says in plain words what the systemic score is, before any number
    assert {"sv": "systemiska poängen", "en": "systemic score"}[lang] in section["paragraphs"][0]
    intro = section["paragraphs"][1]
    positions = [_position(intro, node) for node in top]
    assert min(positions) >= 0 and positions == sorted(positions)
    n_pos, n_neg, systemic = _known(data)["first"]
    sentence = section["paragraphs"][2]
    assert _position(sentence, top[0]) >= 0
    n_other = len(node_ids(data)) - 1
    promotes, hinders = {"sv": ("främjar", "hämmar"), "en": ("promotes", "hinders")}[lang]
    none = {"sv": "inget", "en": "none"}[lang]  # "hämmar inget", never "hämmar 0"
    assert f" {promotes} {n_pos} " in sentence and f" {n_other} " in sentence
    assert f" {hinders} {n_neg or none}." in sentence
    assert narrative.format_number(systemic, lang) in sentence
    assert section["data"]["systemic"][0] == systemic
    assert [row[1] for row in section["table"]["rows"]] == top
    assert [row[0] for row in section["table"]["rows"]] == ["1", "2", "3", "4", "5"]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_two_matrices_give_two_different_texts(lang):
    texts = [narrative.summary(load_dataset(name), lang=lang)["text"] for name in MATRICES]
    assert texts[0] != texts[1]
    assert "16.6" in texts[0] and "MN-16" in texts[1]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_conflicts_start_with_the_worst_link_and_quote_its_comment(data, lang):
    n, worst3 = _known(data)["n_conflicts"], _known(data)["worst"]
    section = narrative.conflicts(data, limit=3, lang=lang)
    assert section["data"]["n"] == n
    assert section["data"]["pairs"][:3] == [(source, target) for source, target, _ in worst3]
    assert f" {n} " in section["paragraphs"][0]
    assert len(section["table"]["rows"]) == n
    tied = section["data"]["tied"]
    if tied > 1:  # ties are said as ties: how many share the worst score, and every one of them is named
        word = {"sv": "delar den sämsta bedömningen", "en": "share the worst score"}[lang]
        assert word in section["paragraphs"][1]
    else:
        assert 0 <= _position(section["paragraphs"][1], worst3[0][0]) < _position(section["paragraphs"][1],
                                                                                    worst3[0][1])
    named = " ".join(section["paragraphs"][1:])  # the worst ones, one paragraph each or in one sentence
    shown = max(3, tied)
    assert named.count("→") == shown
    pairs = re.findall(r"([\w.-]+)(?: \([^)]*\))? → ([\w.-]+)", named)
    assert pairs[:3] == [(source, target) for source, target, _ in worst3]  # worst first
    for _, _, comment in worst3:  # with their comments
        if comment:
            assert comment.rstrip(".") in named
    if not any(comment for _, _, comment in worst3):
        assert "”" not in named and "“" not in named
    assert f" {n - shown} " in section["paragraphs"][-1]


def test_tied_conflicts_are_named_as_ties():
    """The Sweden matrix has five conflicts at −2: the text says five, names all five, and hides none."""
    section = narrative.conflicts(load_dataset("weitz2018_sweden"), limit=3, lang="sv")
    assert section["data"]["tied"] == 5
    assert section["paragraphs"][1].startswith("Fem målkonflikter delar den sämsta bedömningen, −2")
    named = " ".join(section["paragraphs"][1:-1])
    pairs = re.findall(r"(\d+\.\d+)(?: \([^)]*\))? → (\d+\.\d+)", named)
    assert pairs == section["data"]["pairs"][:5]
    assert section["paragraphs"][-1].startswith("Ytterligare 35 ")


def test_no_conflicts_is_said_plainly():
    m = from_array(np.array([[np.nan, 2], [1, np.nan]]), ["7.2", "13.2"])
    assert narrative.conflicts(m, lang="en")["paragraphs"] == [
        "No goal conflicts: no interaction in the data has a negative score."]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_scenario_counts_follow_the_classes(lang):
    ids = ["3.9", "4.1", "6.1", "7.2", "11.6", "13.2", "14.1", "15.5"]
    v = np.full((8, 8), np.nan)
    at = {node: k for k, node in enumerate(ids)}
    for source, target, score in [("7.2", "15.5", 2), ("7.2", "14.1", 1), ("13.2", "14.1", 1),  # direct_pos 2
                                  ("7.2", "6.1", 1),  # 1: partly supported
                                  ("13.2", "11.6", -2),  # −2: at risk
                                  ("7.2", "13.2", 1), ("4.1", "3.9", 3)]:  # 3.9 and 4.1 get nothing: not free
        v[at[source], at[target]] = score
    section = narrative.scenario_summary(from_array(v, ids), priorities=["7.2", "13.2"], lang=lang)
    expected = {"comes_along": ["14.1", "15.5"], "partly_supported": ["6.1"], "not_free": ["3.9", "4.1"],
                "at_risk": ["11.6"]}
    assert section["data"]["prioritised"] == ["7.2", "13.2"]
    for key, paragraph in zip(expected, section["paragraphs"][1:5], strict=True):
        assert section["data"][key] == expected[key]
        count = count_word(len(expected[key]), lang)  # no sentence opens with a digit
        assert not paragraph[0].isdigit() and f" {count} " in f" {paragraph} "
        assert all(_position(paragraph, node) >= 0 for node in expected[key])
    assert section["data"]["triggered"] == 1
    assert _position(section["paragraphs"][5], "13.2") < _position(section["paragraphs"][5], "11.6")
    assert "7.2" in section["paragraphs"][0] and "13.2" in section["paragraphs"][0]


def test_scenario_without_priorities_uses_the_top_levers():
    data = load_dataset("mongolia2017")
    section = narrative.scenario_summary(data, top_k=3, lang="en")
    assert section["data"]["priorities"] == KNOWN["mongolia2017"]["top"][:3]
    assert section["paragraphs"][0].startswith("No priorities were given")


def test_respondents_show_spread_and_contested_cells():
    ids = ["7.2", "13.2", "15.5"]
    nan = np.nan
    answers = np.array([
        [[nan, 3, -2], [2, nan, 0], [0, 1, nan]],
        [[nan, 3, 1], [2, nan, 0], [0, nan, nan]],
        [[nan, 3, -3], [1, nan, 0], [3, 1, nan]],
    ])
    m = from_array(answers, ids, respondents=["Anna", "Bo", "Cia"])
    stats = {k: v.to_numpy() for k, v in cell_statistics(m).data_vars.items()}
    assert stats["n"][2, 1] == 2 and stats["n"][0, 1] == 3
    # 7.2 → 15.5: +1 against −2 and −3 (contested); 15.5 → 7.2: 0, 0, 3 (IQR 1.5: not contested)
    assert stats["contested"][0, 2] and not stats["contested"][2, 0]
    section = narrative.respondents(m, lang="sv")
    assert section["data"]["contested"] == [("7.2", "15.5")]
    assert section["paragraphs"][0].startswith("Tre personer svarade")
    # the diagonal is no pair: every pair off it got two or three answers
    assert "mellan 2 och 3 svar" in section["paragraphs"][0]
    assert section["data"]["per_person"] == {"Anna": 6, "Bo": 5, "Cia": 6}
    assert "Anna: 6 par, Bo: 5 par och Cia: 6 par" in section["paragraphs"][1]
    assert narrative.respondents(load_dataset("weitz2018_sweden")) is None


def test_pseudonymise_and_hash():
    m = from_array(np.array([[[np.nan, 1], [2, np.nan]]] * 2), ["7.2", "13.2"], respondents=["Anna", "Bo"])
    hidden = narrative.pseudonymise(m, "en")
    assert hidden["respondent"].values.tolist() == ["Respondent 1", "Respondent 2"]
    assert narrative.data_hash(m) == narrative.data_hash(m.copy())
    changed = m.copy(data=np.where(np.isnan(m.values), np.nan, 1.0))
    assert narrative.data_hash(changed) != narrative.data_hash(m)
    stamp = narrative.stamp(m, {"kommun": "0305"}, version="9.9", lang="en", date="2026-12-07", basis="x.csv")
    assert stamp["paragraphs"] == ["Created 7 December 2026 with sdg_interactions 9.9 · Data: “x.csv”"]
    assert stamp["data"]["hash"] == narrative.data_hash(m)  # the hash is in the method, not the footer
    technical = " ".join(narrative.technical(m, {"kommun": "0305", "aggregate": "median", "priorities": ["7.2"]},
                                             version="9.9", lang="sv"))
    assert narrative.data_hash(m) in technical and "9.9" in technical
    assert "kommun: 0305 Håbo; sammanvägning: median; prioriteringar: 7.2" in technical
    assert "aggregate" not in technical and "priorities" not in technical


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_cover_says_when_the_national_example_is_shown(lang):
    data = load_dataset("weitz2018_sweden")
    place = frameworks.find_kommun("Håbo")
    national = narrative.cover(data, place, national_example=True, date="2026-01-02", lang=lang)
    own = narrative.cover(data, place, national_example=False, date="2026-01-02", lang=lang)
    word = {"sv": "nationella exemplet", "en": "national example"}[lang]
    assert any(word in p for p in national["paragraphs"])
    assert not any(word in p for p in own["paragraphs"])
    assert word in national["paragraphs"][0]  # whose assessment it is comes first, before any finding
    where = {"sv": "Håbo kommun, Uppsala län.", "en": "Håbo Municipality, Uppsala County."}[lang]  # English names in en
    assert "Håbo" in national["title"] and national["paragraphs"][1].startswith(where)
    assert {"sv": "2 januari 2026", "en": "2 January 2026"}[lang] in national["paragraphs"][1]
    assert national["data"]["kind"] == "national" and own["data"]["kind"] == "other"


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_manager_sections_are_built_from_the_numbers(lang):
    data = load_dataset("weitz2018_sweden")
    heat = narrative.heatmap(data, lang=lang)
    assert heat["data"] == {"n_pairs": 1122, "n_scored": 1122, "n_pos": 476, "n_neg": 40, "n_zero": 606}
    assert "476" in heat["paragraphs"][0]
    method = " ".join(narrative.method(data, lang=lang)["paragraphs"])
    assert "Nature 534:320–322" in method and "Sustainability Science 13:531–548" in method
    assert "t_i = r_i + s_i" in method
    ranking = narrative.ranking(data, lang=lang)
    published = pd.read_csv(datasets_dir() / "weitz2018_sweden_published_metrics.csv", dtype=str,
                            keep_default_na=False).set_index("target")["rank"]
    ours = dict(zip(node_ids(data), ranking["data"]["systemic"], strict=True))
    assert {node: ours[node] for node in published.index if published[node] != "None"} == {
        node: int(rank) for node, rank in published.items() if rank != "None"}
    assert sorted(ours.values())[:7] == [1, 2, 3, 4, 5, 6, 7]
    quadrants = narrative.quadrants(data, lang=lang)
    assert sum(len(v) for v in quadrants["data"].values()) == 34
    clusters = narrative.clusters(data, lang=lang)
    assert sum(len(v) for v in clusters["data"]["clusters"].values()) + len(clusters["data"]["alone"]) == 34


def test_numbers_and_lists_read_as_the_language_writes_them():
    assert narrative.format_number(61.5, "sv") == "61,5" and narrative.format_number(61.5, "en") == "61.5"
    assert narrative.format_number(-2, "sv") == "−2"
    assert narrative.join_words(["a", "b", "c"], "en") == "a, b and c"
    assert narrative.join_words(["a", "b"], "sv") == "a och b"
