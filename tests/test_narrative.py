"""The report's sentences: built from the numbers, so two matrices give two texts, in sv and en."""

from __future__ import annotations

import re

import numpy as np
import pytest

from sdg_interactions import frameworks
from sdg_interactions.analysis import cell_statistics, conflicts, scenario, sdg_synergies
from sdg_interactions.io import load_dataset
from sdg_interactions.matrix import from_array
from sdg_interactions.report import sections as narrative

MATRICES = ["weitz2018_sweden", "mongolia2017"]


@pytest.fixture(scope="module", params=MATRICES)
def data(request):
    return load_dataset(request.param)


def _top(data, k=5) -> list[str]:
    table = sdg_synergies(data).to_dataframe()
    table["order"] = range(len(table))
    return table.sort_values(["rank", "order"]).index[:k].tolist()


def _position(text: str, node: str) -> int:
    found = re.search(rf"(?<![\d.\w-]){re.escape(node)}(?![\d])", text)
    return found.start() if found else -1


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_levers_name_the_top_ids_in_rank_order_with_their_numbers(data, lang):
    section = narrative.levers(data, top_k=5, lang=lang)
    top = _top(data)
    assert section["data"]["ids"] == top
    intro = section["paragraphs"][0]
    positions = [_position(intro, node) for node in top]
    assert min(positions) >= 0 and positions == sorted(positions)
    a = np.nan_to_num(data["score"].values)
    first = data.indexes["source"].get_loc(top[0])
    n_pos, n_neg = int((a[first] > 0).sum()), int((a[first] < 0).sum())
    systemic = float(sdg_synergies(data)["systemic"].sel(node=top[0]))
    sentence = section["paragraphs"][1]
    assert f" {n_pos} " in sentence and f" {n_neg}" in sentence
    assert narrative.format_number(systemic, lang) in sentence
    assert [row[1] for row in section["table"]["rows"]] == top


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_two_matrices_give_two_different_texts(lang):
    texts = [narrative.summary(load_dataset(name), lang=lang)["text"] for name in MATRICES]
    assert texts[0] != texts[1]
    assert "16.6" in texts[0] and "MN-16" in texts[1]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_conflicts_start_with_the_worst_link_and_quote_its_comment(data, lang):
    table = conflicts(data)
    section = narrative.conflicts(data, limit=3, lang=lang)
    assert section["data"]["n"] == len(table)
    worst = section["paragraphs"][1]
    assert 0 <= _position(worst, table.iloc[0]["source"]) < _position(worst, table.iloc[0]["target"])
    assert str(len(table)) in section["paragraphs"][0]
    assert len(section["table"]["rows"]) == len(table)
    for k in range(3):  # the first three spelled out, each with its comment
        row = table.iloc[k]
        item = section["paragraphs"][2 + k]
        assert _position(item, row["source"]) < _position(item, row["target"])
        if row["comment"]:
            assert row["comment"] in item
    assert str(len(table) - 3) in section["paragraphs"][-1]


def test_no_conflicts_is_said_plainly():
    m = from_array(np.array([[np.nan, 2], [1, np.nan]]), ["7.2", "13.2"])
    assert narrative.conflicts(m, lang="en")["paragraphs"] == [
        "No goal conflicts: no interaction in the data has a negative score."]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_scenario_counts_follow_the_classes(lang):
    data = load_dataset("weitz2018_sweden")
    priorities = ["7.2", "12.5"]
    section = narrative.scenario_summary(data, priorities=priorities, lang=lang)
    classes = scenario(data, priorities)["class"].to_series()
    for key, paragraph in zip(["comes_along", "partly_supported", "not_free", "at_risk"],
                              section["paragraphs"][1:5], strict=True):
        expected = classes[classes == key].index.tolist()
        assert section["data"][key] == expected
        if expected:
            assert paragraph.startswith(str(len(expected)))
            assert _position(paragraph, expected[0]) >= 0
    assert "7.2" in section["paragraphs"][0] and "12.5" in section["paragraphs"][0]


def test_scenario_without_priorities_uses_the_top_levers():
    data = load_dataset("mongolia2017")
    section = narrative.scenario_summary(data, top_k=3, lang="en")
    assert section["data"]["priorities"] == _top(data, 3)
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
    assert section["paragraphs"][0].startswith("3 personer svarade")
    assert section["data"]["per_person"] == {"Anna": 6, "Bo": 5, "Cia": 6}
    assert "Anna 6, Bo 5 och Cia 6" in section["paragraphs"][1]
    assert narrative.respondents(load_dataset("weitz2018_sweden")) is None


def test_pseudonymise_and_hash():
    m = from_array(np.array([[[np.nan, 1], [2, np.nan]]] * 2), ["7.2", "13.2"], respondents=["Anna", "Bo"])
    hidden = narrative.pseudonymise(m, "en")
    assert hidden["respondent"].values.tolist() == ["Respondent 1", "Respondent 2"]
    assert narrative.data_hash(m) == narrative.data_hash(m.copy())
    changed = m.copy(data=np.where(np.isnan(m.values), np.nan, 1.0))
    assert narrative.data_hash(changed) != narrative.data_hash(m)
    stamp = narrative.stamp(m, {"kommun": "0305"}, version="9.9", lang="en")
    assert narrative.data_hash(m) in stamp["paragraphs"][1] and "9.9" in stamp["paragraphs"][0]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_cover_says_when_the_national_example_is_shown(lang):
    data = load_dataset("weitz2018_sweden")
    place = frameworks.find_kommun("Håbo")
    national = narrative.cover(data, place, national_example=True, date="2026-01-02", lang=lang)
    own = narrative.cover(data, place, national_example=False, date="2026-01-02", lang=lang)
    word = {"sv": "nationella exemplet", "en": "national example"}[lang]
    assert any(word in p for p in national["paragraphs"])
    assert not any(word in p for p in own["paragraphs"])
    assert "Håbo" in national["title"] and "Uppsala län" in national["paragraphs"][0]
    assert "2026-01-02" in national["paragraphs"][0]


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
    result = sdg_synergies(data)
    assert ranking["data"]["systemic"] == result["rank"].values.tolist()
    quadrants = narrative.quadrants(data, lang=lang)
    assert sum(len(v) for v in quadrants["data"].values()) == 34
    clusters = narrative.clusters(data, lang=lang)
    assert sum(len(v) for v in clusters["data"]["clusters"].values()) + len(clusters["data"]["alone"]) == 34


def test_numbers_and_lists_read_as_the_language_writes_them():
    assert narrative.format_number(61.5, "sv") == "61,5" and narrative.format_number(61.5, "en") == "61.5"
    assert narrative.format_number(-2, "sv") == "−2"
    assert narrative.join_words(["a", "b", "c"], "en") == "a, b and c"
    assert narrative.join_words(["a", "b"], "sv") == "a och b"
