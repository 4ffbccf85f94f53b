"""The dimensions section says one measure in its sentence, table and chart: the sum of the scores per cell,
recomputed here with plain loops over the matrix."""

from __future__ import annotations

import math

import pytest

from sdg_interactions.analysis.dimensions import DIMENSIONS, dimension_of
from sdg_interactions.formats import number
from sdg_interactions.io import load_matrix
from sdg_interactions.matrix import node_ids
from sdg_interactions.plots import rows_of
from sdg_interactions.plots.dimensions import dimension_chart
from sdg_interactions.report.dimension_section import dimensions


def plain_cells(m):
    """(sum, promoting count, hindering count) per (source, target) dimension, by plain loops."""
    ids = node_ids(m)
    dims = dimension_of(ids)
    values = m.values
    out = {(a, b): [0.0, 0, 0] for a in DIMENSIONS for b in DIMENSIONS}
    for i in range(len(ids)):
        for j in range(len(ids)):
            v = float(values[i, j])
            if i == j or math.isnan(v) or not dims[i] or not dims[j]:
                continue
            cell = out[(dims[i], dims[j])]
            cell[0] += v
            cell[1] += v > 0
            cell[2] += v < 0
    return out


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_sentence_table_and_chart_say_the_same_sum(lang):
    m = load_matrix("weitz2018_sweden")
    cells = plain_cells(m)
    between = {k: v for k, v in cells.items() if k[0] != k[1]}
    (src, tgt), (total, n_pos, _) = max(between.items(), key=lambda kv: (kv[1][0], kv[1][1]))
    section = dimensions(m, lang=lang)
    sentence = section["paragraphs"][0]
    points = "poäng" if lang == "sv" else "points"
    assert f"{number(total, lang)} {points}" in sentence and number(n_pos, lang, decimals=0) in sentence
    row = section["table"]["rows"][DIMENSIONS.index(src)]
    cell = row[1 + DIMENSIONS.index(tgt)]
    assert cell.startswith(f"{number(total, lang)} {points} (") and f"{n_pos} " in cell  # the sentence's numbers
    assert "+" not in cell and "/" not in cell  # counts are words, not signed like scores
    for (a, b), (s, p, n) in cells.items():
        said = section["table"]["rows"][DIMENSIONS.index(a)][1 + DIMENSIONS.index(b)]
        word = ("främjande", "hämmande") if lang == "sv" else ("promoting", "hindering")
        assert said == f"{number(s, lang)} {points} ({p} {word[0]}, {n} {word[1]})"
    spec = dimension_chart(m, lang=lang).to_dict()
    rows = rows_of(spec, spec["data"]["name"])
    darkest = max((r for r in rows if r["source"] != r["target"]), key=lambda r: r["total"])
    assert (darkest["source"], darkest["target"]) == (src, tgt)  # the chart's strongest colour is the named cell
    assert spec["layer"][0]["encoding"]["color"]["field"] == "total"


def test_a_cell_of_two_pairs_no_longer_leads_the_colour():
    m = load_matrix("weitz2018_sweden")
    spec = dimension_chart(m).to_dict()
    rows = rows_of(spec, spec["data"]["name"])
    small = next(r for r in rows if (r["source"], r["target"]) == ("partnership", "partnership"))
    assert small["pairs"] == 2 and small["total"] < max(r["total"] for r in rows)
