"""The dimensions section says one measure in its sentence, table and chart: the sum of the scores per cell,
recomputed here with plain loops over the matrix."""

from __future__ import annotations

import math
import warnings

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


# --- the portfolio with one target per dimension (issue 23: `one_per="layer"` in the dimensions' words) ---------


@pytest.mark.parametrize("name", ["weitz2018_sweden", "synthetic_respondents"])
def test_the_managers_section_names_the_portfolio_with_one_target_per_dimension(name):
    from sdg_interactions.analysis import dimension_of, portfolio
    from sdg_interactions.io import load_dataset
    from sdg_interactions.matrix import aggregate
    from sdg_interactions.report.dimension_section import dimensions, one_per_dimension

    data = load_dataset(name)
    m = aggregate(data) if "respondent" in data.dims else data
    result = portfolio(m, 4, one_per="layer")
    kinds = dimension_of(list(result.chosen))
    assert len(set(kinds)) == len(kinds)  # at most one per dimension, by the analysis' own dimensions
    words = one_per_dimension(data)
    swedish = {"biosphere": "biosfär", "society": "samhälle", "economy": "ekonomi", "partnership": "partnerskap"}
    for node, kind in zip(result.chosen, kinds, strict=True):
        assert f"{node} ({swedish[kind]})" in words
    assert f"täckning {str(round(result.gain, 1)).replace('.', ',').removesuffix(',0')}" in words
    left = [k for k in swedish if k not in kinds]
    if left:
        assert "Inget delmål från" in words and "höjer täckningen ytterligare" in words
    assert ("påhittat" in words) == (name == "synthetic_respondents")
    section = dimensions(data)
    assert section["paragraphs"][1] == words
    from sdg_interactions.report.dimension_section import members

    assert dimensions(data, short=True)["paragraphs"] == [f"{section['paragraphs'][0]} {members('sv')}"]
    assert "table" not in dimensions(data, short=True)


def test_with_several_respondents_the_sentence_says_a_sum_of_means_and_counts_pairs_at_one_step():
    """'summan av medelvärdena är 105,5, med 48 par på +1 eller mer och inget par på −1 eller sämre': the flow's
    sum and counts recomputed by plain loops over the 12 respondents' means."""
    import numpy as np

    from sdg_interactions.analysis import dimension_rollup
    from sdg_interactions.analysis.dimensions import strongest_flows
    from sdg_interactions.io import load_dataset
    from sdg_interactions.report.dimension_section import dimension_sentence

    data = load_dataset("synthetic_respondents")
    flows = strongest_flows(dimension_rollup(data))
    s = flows.synergy
    ids = [str(i) for i in data["source"].values]
    kinds = dimension_of(ids)
    with warnings.catch_warnings():  # the diagonal: no answers, NaN
        warnings.simplefilter("ignore", RuntimeWarning)
        means = np.nanmean(data["score"].transpose("respondent", "source", "target").values, axis=0)
    total, pos, neg = 0.0, 0, 0
    for i in range(len(ids)):
        for j in range(len(ids)):
            if i != j and kinds[i] == s.source and kinds[j] == s.target and not math.isnan(means[i, j]):
                total += means[i, j]
                pos += means[i, j] >= 1 - 1e-9
                neg += means[i, j] <= -1 + 1e-9
    words = dimension_sentence(dimension_rollup(data), "sv")
    assert f"summan av medelvärdena är {number(total)}" in words
    said_pos = "inget par" if pos == 0 else "ett par" if pos == 1 else f"{pos} par"
    said_neg = "inget par" if neg == 0 else "ett par" if neg == 1 else f"{neg} par"
    assert f"med {said_pos} på +1 eller mer och {said_neg} på −1 eller sämre" in words
