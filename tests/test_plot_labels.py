"""What a chart's words say (issue 20): the briefing's conflict labels are shortened at a word boundary or
wrapped, never cut mid-word or clipped; the network's title says "de starkaste sambanden" when it draws a
higher threshold than the report's "starka samband" (±2)."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import numpy as np
import pytest

from sdg_interactions import analysis, plots
from sdg_interactions.io import load_matrix
from sdg_interactions.plots.base import node_table
from sdg_interactions.plots.links import levers_conflicts
from sdg_interactions.report import sections

SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def sweden():
    return load_matrix("weitz2018_sweden")


def _svg_lines(svg: str) -> list[str]:
    lines = []
    for t in ET.fromstring(svg).iter(f"{SVG}text"):
        lines += ["".join(s.itertext()) for s in t] if len(t) else ["".join(t.itertext())]
    return lines


def _whole_words_of(line: str, full: str) -> bool:
    """``line`` is ``full`` itself, or a part of it that starts and ends where words do, ``…`` marking the
    cut."""
    shown = line.removeprefix("→ ").removesuffix("…").strip()
    if not shown or shown not in full:
        return False
    start = full.index(shown)
    end = start + len(shown)
    return (start == 0 or full[start - 1] == " ") and (end == len(full) or full[end] == " " or full[end] in ",;")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_briefings_conflict_labels_are_cut_at_word_boundaries_only(sweden, lang):
    """Every conflict of the matrix, as the briefing's chart would label it: each line drawn is a run of whole
    words of the full name (ending in "…" where shortened), and each pair keeps both ids."""
    table = analysis.conflicts(sweden)
    pairs = list(zip(table["source"], table["target"], strict=True))
    labels = dict(zip(*(node_table(sweden, lang)[c] for c in ("id", "label")), strict=True))
    full = {i: f"{i} {labels[i]}" if labels[i] != i else i for i in labels}
    levers = sections.levers(sweden, top_k=5, lang=lang)["data"]["ids"]
    chart = levers_conflicts(sweden, levers, pairs, lang=lang)
    spec = chart.to_dict()
    axis = spec["vconcat"][1]["layer"][0]["encoding"]["y"]["axis"]
    assert axis["labelLimit"] == 0  # Vega never clips a label with its own "…"
    drawn = _svg_lines(plots.to_svg(chart))
    for s, t in pairs:
        first = next((line for line in drawn if line.startswith(f"{s} ")), None)
        second = next((line for line in drawn if line.startswith(f"→ {t} ")), None)
        assert first is not None and second is not None, (s, t)
        assert _whole_words_of(first, full[s]), first
        assert _whole_words_of(second, full[t]), second
    for line in drawn:  # no line, of any pair, ends in a word cut in two
        for i in full:
            if line.removeprefix("→ ").startswith(f"{i} "):
                assert _whole_words_of(line, full[i]), line
    shortened = [line for line in drawn if line.endswith("…")]
    assert all(line[:-1] == line[:-1].rstrip() for line in shortened)
    if lang == "sv":  # 13.1's name is long: it is shortened, at a word boundary
        assert any(line.startswith("13.1 Stärk motståndskraften") for line in drawn)
        assert not any("motståndskra…" in line for line in drawn)


def _strong_links(m) -> np.ndarray:
    a = np.abs(np.nan_to_num(np.asarray(m.values, dtype=float)))
    np.fill_diagonal(a, 0)
    return a


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_network_title_calls_a_higher_threshold_the_strongest_links(sweden, lang):
    a = _strong_links(sweden)
    threshold = sections.link_threshold(sweden)
    assert int((a >= 2).sum()) > 60 and threshold > 2  # the report draws only part of its strong links
    assert int((a >= threshold).sum()) <= 60
    shown = plots.network(sweden, threshold=threshold, lang=lang).to_dict()["title"]["text"]
    drawn = plots.network(sweden, threshold=2, lang=lang).to_dict()["title"]["text"]
    weak = plots.network(sweden, threshold=1, lang=lang).to_dict()["title"]["text"]
    n = f"{threshold:g}"
    if lang == "sv":
        assert shown == f"Nätverk av de starkaste sambanden (bedömning minst {n} åt något håll)"
        assert drawn == "Nätverk av starka samband (bedömning minst 2 åt något håll)"
        assert weak == "Nätverk av samband (bedömning minst 1 åt något håll)"
    else:
        assert shown == f"Network of the strongest links (score at least {n} either way)"
        assert drawn == "Network of strong links (score at least 2 either way)"
        assert weak == "Network of links (score at least 1 either way)"
    # the report's text defines "starka samband" as ±2, the same as the title of a chart drawn at 2
    said = " ".join(sections.network(sweden, lang=lang)["paragraphs"])
    assert ("minst +2 eller högst −2" if lang == "sv" else "+2 or more, or −2 or less") in said
