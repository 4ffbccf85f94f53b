"""The portfolio section says what it maximises (the support the other targets get: täckning) and lists what each
chosen target pulls along in its table, not in lists joined by ";"."""

from __future__ import annotations

import pytest

from sdg_interactions.analysis import portfolio as find_portfolio
from sdg_interactions.io import load_matrix
from sdg_interactions.report.decision_sections import portfolio
from sdg_interactions.texts import text


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_heading_says_support_and_the_table_lists_the_targets(lang):
    m = load_matrix("weitz2018_sweden")
    section = portfolio(m, k=5, lang=lang)
    result = find_portfolio(m, 5)
    words = "bredast stöd åt de övriga delmålen" if lang == "sv" else "broadest support to the other targets"
    assert words in section["title"] and words in section["paragraphs"][0]
    assert ("flest andra" not in section["title"]) and ("most others" not in section["title"])
    assert words in text("report_honesty.section.portfolio", lang)
    assert not any(p.startswith("- ") for p in section["paragraphs"])
    for row, node in zip(section["table"]["rows"], result.chosen, strict=True):
        pulls = result.pulls_along[node]
        assert row[0] == node and row[5].startswith(f"{len(pulls)}: ")
        assert all(p in row[5] for p in pulls) and ";" not in row[5]
    assert all(";" not in p for p in section["paragraphs"] if "i stället för" in p or "instead of" in p)
