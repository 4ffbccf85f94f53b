"""The two-page briefing's sentences (sdg_interactions.report.summary_sections, .wording): only positive
levers are levers, a small matrix says why it shows fewer, priorities that hinder each other are named,
long lists are grouped by goal, numbers never open a sentence, scale words match the number, and the
stamp shows no local path."""

from __future__ import annotations

import re

import numpy as np
import pytest

from sdg_interactions.io import load_dataset
from sdg_interactions.matrix import from_array
from sdg_interactions.report import sections
from sdg_interactions.report.document import Callout, Code, from_section
from sdg_interactions.report.wording import by_goal, lead_count, long_date, scale_words

#: Five targets: 7.2 pulls the others, 15.5 hinders everyone (systemic −9 and less).
FIVE = ["3.9", "7.2", "11.6", "13.2", "15.5"]


def _five():
    v = np.zeros((5, 5))
    v[1, [0, 2, 3]] = [2, 1, 3]  # 7.2 promotes
    v[3, [0, 1]] = [1, 1]
    v[4, [0, 1, 2, 3]] = [-3, -2, -2, -2]  # 15.5 hinders all
    np.fill_diagonal(v, np.nan)
    return from_array(v, FIVE)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_small_matrix_names_only_positive_levers_and_says_why(lang):
    from sdg_interactions.analysis import sdg_synergies

    m = _five()
    systemic = dict(zip(FIVE, sdg_synergies(m)["systemic"].values, strict=True))
    assert systemic["15.5"] < 0
    section = sections.levers(m, top_k=5, lang=lang)
    assert section["data"]["ids"] and all(systemic[i] > 0 for i in section["data"]["ids"])
    assert "15.5" not in " ".join(section["paragraphs"])
    why = {"sv": "positiv systemisk poäng", "en": "positive systemic score"}[lang]
    assert any(why in p for p in section["paragraphs"])
    text = " ".join(section["paragraphs"])
    assert " 0 av de 0 " not in text and " 0 of the 0 " not in text
    scenario = sections.scenario_summary(m, top_k=5, lang=lang)
    assert "15.5" not in scenario["data"]["priorities"]


def test_top_k_is_capped_at_the_size_of_the_matrix():
    m = from_array(np.array([[np.nan, 2.0], [1.0, np.nan]]), ["7.2", "13.2"])
    section = sections.levers(m, top_k=5, lang="sv")
    assert section["data"]["ids"] == ["7.2"]
    assert any("bara 2 delmål" in p for p in section["paragraphs"])


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_priorities_that_hinder_each_other_are_named(lang):
    section = sections.scenario_summary(load_dataset("weitz2018_sweden"), priorities=["11.2", "7.2", "13.1"],
                                        lang=lang)
    assert section["data"]["between"] == [("13.1", "7.2")]
    said = section["paragraphs"][1]
    assert {"sv": "drar åt olika håll", "en": "pull against each other"}[lang] in said
    assert said.index("13.1") < said.index("7.2") and "−2" in said


def test_ties_among_levers_are_said():
    v = np.array([[np.nan, 2, 2], [2, np.nan, 2], [1, 1, np.nan]])
    section = sections.levers(from_array(v, ["7.2", "13.2", "15.5"]), top_k=2, lang="sv")
    assert section["data"]["ids"] == ["7.2", "13.2"]
    assert any(p.startswith("Lika starka är 7.2 och 13.2") and "delar plats 1" in p for p in section["paragraphs"])


BARE = re.compile(r"(?<![(\w.])\d{1,2}\.\d{1,2}(?:, \d{1,2}\.\d{1,2}){2,}")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_long_lists_are_grouped_by_goal_and_no_sentence_opens_with_a_digit(lang):
    data = load_dataset("weitz2018_sweden")
    parts = sections.summary(data, priorities=["11.2", "7.2", "13.1"], lang=lang)
    for paragraph in parts["text"].split("\n\n"):
        assert not BARE.search(paragraph), paragraph  # ids come with a goal or a label
        assert not re.match(r"\d+ ", paragraph), paragraph
    goal = {"sv": "Mål 8 Anständiga arbetsvillkor och ekonomisk tillväxt (8.4, 8.5)",
            "en": "Goal 8 Decent work and economic growth (8.4, 8.5)"}[lang]
    assert goal in parts["text"]
    assert " andra" not in by_goal(["4.1"], {}, "sv") and "till." not in parts["text"]


def test_scale_words_name_the_nearest_step_or_the_two_around():
    assert scale_words(-2, "sv") == "motverkande (måttligt hämmande)"
    assert scale_words(-1.5, "sv").startswith("mellan begränsande")  # not the −2 word
    assert scale_words(-2.2, "en").startswith("closest to counteracting")
    assert lead_count(5, "sv", neuter=False) == "Fem" and lead_count(40, "sv") == "Totalt 40"
    assert long_date("2026-11-30", "sv") == "30 november 2026"


def test_stamp_shows_plain_parameters_and_no_local_path():
    stamp = sections.stamp(load_dataset("weitz2018_sweden"),
                           {"kommun": "1499", "matrix": "/home/anna/Hemligt/matris.csv", "aggregate": "mean",
                            "priorities": [], "output_dir": "/home/anna/rapporter", "matrices_dir": ""},
                           version="9.9", lang="sv")
    text = " ".join(stamp["paragraphs"])
    assert "/home" not in text and "rapporter" not in text and "output_dir" not in text
    assert "Underlag:" in text and "[]" not in text and "'" not in text and "sha256" not in text


def test_next_steps_is_a_box_in_plain_words():
    steps = sections.next_steps("Falköping", lang="sv")
    (box,) = from_section(steps)
    assert isinstance(box, Callout) and box.title == "Så går ni vidare"
    assert not [r for item in box.items for r in item.runs if isinstance(r, Code)]  # no command for a politician
    said = " ".join(steps["paragraphs"])
    assert "workshop" in said and "Excelmall" in said and "sdg-interactions" not in said
