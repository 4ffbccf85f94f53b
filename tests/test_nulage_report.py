"""The report's nulägesbild (report/nulage_section.py) and the four dimensions in the report
(report/dimension_section.py in template.ipynb): Kolada values from a cache written here, for two kommuner and
riket, read back as sections whose words and numbers are recomputed from the analysis functions."""

from __future__ import annotations

import re

import numpy as np
import pytest

from sdg_interactions.analysis.dimensions import DIMENSIONS, dimension_rollup
from sdg_interactions.analysis.nulage import levers_for_what_lags, standing
from sdg_interactions.formats import number, word_list
from sdg_interactions.frameworks.kolada import RIKET, target_kpis
from sdg_interactions.frameworks.kolada_cache import KoladaCache
from sdg_interactions.io import load_dataset
from sdg_interactions.matrix import single_matrix
from sdg_interactions.report.dimension_section import dimension_sentence, dimensions
from sdg_interactions.report.nulage_section import LEVERS, lever_rows, nulage

FALKOPING, OCKELBO = "1499", "2101"

#: (kpi, area, year) → value; riket's first. Higher is better for N45925, N15428, N07418; lower for N00401, N01451.
VALUES = {
    ("N45925", RIKET, 2023): 50.0, ("N00401", RIKET, 2023): 5.0, ("N15428", RIKET, 2023): 80.0,
    ("N01451", RIKET, 2023): 200.0, ("N07418", RIKET, 2023): 70.0, ("N07418", RIKET, 2022): 72.0,
    # Falköping: 7.2 behind (40 < 47.5), 8.4 and 13.2 behind (N00401 measures both: 6 > 5.25), 4.1 level
    # (82 within 80 ± 4), 3.4 ahead (150 < 190), 11.2 behind (60 < 66.5)
    ("N45925", FALKOPING, 2023): 40.0, ("N00401", FALKOPING, 2023): 6.0, ("N15428", FALKOPING, 2023): 82.0,
    ("N01451", FALKOPING, 2023): 150.0, ("N07418", FALKOPING, 2023): 60.0,
    # Ockelbo: 7.2 ahead, 8.4 and 13.2 level (4.9 within 5 ± 0.25), 4.1 behind (70 < 76), 3.4 behind (230 > 210),
    # 11.2 only 2022: ahead of riket's 2022 value (80 > 75.6)
    ("N45925", OCKELBO, 2023): 60.0, ("N00401", OCKELBO, 2023): 4.9, ("N15428", OCKELBO, 2023): 70.0,
    ("N01451", OCKELBO, 2023): 230.0, ("N07418", OCKELBO, 2022): 80.0,
}


def record(kpi, area, period, value, gender="T"):
    return {"kpi": kpi, "municipality": area, "period": period,
            "values": [{"gender": gender, "count": 1, "status": "", "value": value}]}


@pytest.fixture()
def cache(tmp_path):
    store = KoladaCache(tmp_path / "kolada")
    for kpi, area in dict.fromkeys((k, a) for k, a, _ in VALUES):
        rows = [record(kpi, area, year, value) for (k, a, year), value in VALUES.items() if (k, a) == (kpi, area)]
        rows.append(record(kpi, area, 2023, 1.0, gender="K"))  # a gender row is never read as the total
        store.write(kpi, area, rows, years=None)
    return store.folder


@pytest.fixture(scope="module")
def sweden():
    return load_dataset("weitz2018_sweden")


def _expected_levers(data, behind: list[str]) -> list[tuple[str, int]]:
    """The levers the section should name, recomputed from levers_for_what_lags and checked by a plain loop."""
    m = single_matrix(data)
    ranked = levers_for_what_lags(m, dict.fromkeys(behind, "behind"))
    ids = [str(i) for i in m["source"].values]
    a = np.nan_to_num(m.values.astype(float))
    for row in ranked.itertuples(index=False):  # the counts the sentence says, from the matrix itself
        i = ids.index(row.node)
        assert row.n_behind == sum(a[i, ids.index(j)] >= 1 for j in behind if j != row.node)
    chosen = ranked[ranked["n_behind"] >= 1].head(LEVERS)
    assert chosen.equals(lever_rows(ranked))
    return [(r.node, int(r.n_behind)) for r in chosen.itertuples(index=False)]


def test_two_kommuner_stand_differently_with_real_values(cache, sweden):
    falkoping = nulage(sweden, "Falköping", cache=cache)
    ockelbo = nulage(sweden, "Ockelbo", cache=cache)
    assert falkoping["title"] == "Var står Falköping?" and ockelbo["title"] == "Var står Ockelbo?"
    assert falkoping["data"]["behind"] == ["7.2", "8.4", "11.2", "13.2"]
    assert ockelbo["data"]["behind"] == ["3.4", "4.1"]
    assert falkoping["data"]["judged"] == ockelbo["data"]["judged"] == 6
    assert falkoping["data"]["years"] == "2023" and ockelbo["data"]["years"] == "2022–2023"
    # the verdicts are standing()'s on the same values
    values, _, _ = KoladaCache(cache).read_values(sorted({k for k, _, _ in VALUES}), [FALKOPING, RIKET])
    assert standing(values, target_kpis(), "Falköping").behind == falkoping["data"]["behind"]

    # the lever sentence, recomputed
    for section, name, behind in ((falkoping, "Falköping", ["7.2", "8.4", "11.2", "13.2"]),
                                  (ockelbo, "Ockelbo", ["3.4", "4.1"])):
        levers = _expected_levers(sweden, behind)
        assert section["data"]["levers"] == levers and len(levers) == LEVERS
        said = word_list([f"{node} direkt {k}" for node, k in levers], "sv")
        assert f"Av de {len(behind)} delmål där {name} ligger efter riket främjar {said}." in section["paragraphs"]
    assert falkoping["paragraphs"][0] == ("Falköping ligger efter riket i 4 av de 6 delmål där Kolada har värden att "
                                          "jämföra.")
    assert falkoping["paragraphs"][1] == "I nivå med riket: 1; före riket: 1."
    assert ockelbo["paragraphs"][1] == "I nivå med riket: 2; före riket: 2."
    assert "Mål 7 Hållbar energi för alla (7.2)" in falkoping["paragraphs"][2]
    assert falkoping["paragraphs"][-1].startswith("Källa: Kolada, 2023. Vilka nyckeltal som hör till vilket delmål "
                                                  "är ett förslag från projektet")
    assert ockelbo["paragraphs"][-1].startswith("Källa: Kolada, 2022–2023.")

    # the table: each lagging target's KPIs with year, the kommun's value and riket's
    assert falkoping["table"]["columns"] == ["Delmål", "Nyckeltal", "Bättre", "År", "Falköping", "Riket",
                                             "Jämfört med riket"]
    rows = {(r[0], r[3]): r[4:] for r in falkoping["table"]["rows"]}
    assert rows == {("7.2", "2023"): ["40", "50", "efter"], ("11.2", "2023"): ["60", "70", "efter"],
                    ("13.2", "2023"): ["6", "5", "efter"],
                    ("8.4", "2023"): ["6", "5", "efter"]}
    rows = {(r[0], r[3]): r[4:] for r in ockelbo["table"]["rows"]}
    assert rows == {("3.4", "2023"): ["230", "200", "efter"], ("4.1", "2023"): ["70", "80", "efter"]}
    assert falkoping["paragraphs"] != ockelbo["paragraphs"]


def test_the_short_form_is_one_paragraph_with_source_and_levers(cache, sweden):
    for lang in ("sv", "en"):
        section = nulage(sweden, "Falköping", cache=cache, short=True, lang=lang)
        assert section["table"] is None and len(section["paragraphs"]) == 1
        levers = _expected_levers(sweden, ["7.2", "8.4", "11.2", "13.2"])
        word = {"sv": "direkt", "en": "directly promotes"}[lang]
        said = word_list([f"{node} {word} {number(k, lang, decimals=0)}" for node, k in levers], lang)
        expected = {"sv": f"Av 6 delmål med värden i Kolada ligger Falköping efter riket i 4; av dem främjar {said}. "
                          "Källa: Kolada, 2023; nyckeltalen per delmål är projektets förslag.",
                    "en": f"Of 6 targets with values in Kolada, Falköping lags behind Sweden as a whole in 4; "
                          f"of those, {said}. Source: Kolada, 2023; the key figures per target are the project's "
                          "proposal."}
        assert section["paragraphs"] == [expected[lang]]


def test_an_empty_cache_gives_one_plain_sentence(tmp_path, sweden):
    sv = nulage(sweden, "Falköping", cache=tmp_path)
    en = nulage(sweden, "Ockelbo", cache=tmp_path, lang="en", short=True)
    assert sv["paragraphs"] == ["Kolada-värden för Falköping finns inte i rapportens underlag ännu; den som tar fram "
                                "rapporten kan hämta dem (det kräver internet)."]
    assert en["paragraphs"] == ["Kolada values for Ockelbo are not in the report's data yet; the person who makes "
                                "the report can fetch them (this needs the internet)."]
    assert sv["table"] is None and en["table"] is None and sv["data"]["behind"] == []
    assert "sdg-interactions" not in sv["paragraphs"][0] + en["paragraphs"][0]  # no command


def test_values_of_other_kommuner_only_are_no_values(cache, sweden):
    section = nulage(sweden, "Håbo", cache=cache)  # Håbo has nothing cached, riket has
    assert section["paragraphs"][0].startswith("Kolada-värden för Håbo finns inte")


@pytest.mark.parametrize("name", ["weitz2018_sweden", "mixed_demo"])
def test_the_dimension_table_is_the_rollups_numbers(name):
    data = load_dataset(name)
    r = dimension_rollup(data)
    for lang in ("sv", "en"):
        section = dimensions(data, lang=lang)
        assert len(section["table"]["rows"]) == len(DIMENSIONS) == 4
        words = {"sv": ("poäng", "främjande", "hämmande", "inga bedömda par"),
                 "en": ("points", "promoting", "hindering", "no scored pairs")}[lang]
        pattern = rf"(−?[\d\s,.]+) {words[0][:-1]}{words[0][-1]}? \(([\d\s]+) {words[1]}, ([\d\s]+) {words[2]}\)"
        for k, row in enumerate(section["table"]["rows"]):
            for m, cell in enumerate(row[1:]):
                if int(r["pairs"].values[k, m]) == 0:
                    assert cell == words[3], row
                    continue
                found = re.fullmatch(pattern, cell)
                assert found, row
                whole = [int(found.group(g).replace("\u00a0", "").replace(" ", "")) for g in (2, 3)]
                assert whole == [int(r["n_pos"].values[k, m]), int(r["n_neg"].values[k, m])], row
                points = float(found.group(1).replace("\u00a0", "").replace(" ", "").replace(",", ".")
                               .replace("−", "-"))
                assert points == pytest.approx(float(r["pos"].values[k, m] + r["neg"].values[k, m]), abs=0.05)
        assert section["paragraphs"][0] == dimension_sentence(r, lang)
        assert "Rockström & Sukhdev 2016" in section["paragraphs"][-1]


def _squeeze(text: str) -> str:
    return re.sub(r"[\s\-\u00ad\u2010\u2011]", "", text)


@pytest.mark.slow
def test_the_briefing_has_the_nulage_on_two_pages_and_keeps_two_pages_with_many_respondents(tmp_path, cache, sweden,
                                                                                             monkeypatch):
    """The politician briefing: the nulägesbild's short form with Kolada values and the dimensions' one sentence
    (no table: that and the chart are the managers'), on two pages with twelve respondents too; without Kolada values
    the briefing says nothing about them (the managers' version says how to get them)."""
    from pypdf import PdfReader

    from sdg_interactions.report import batch

    monkeypatch.setenv("SDG_INTERACTIONS_CACHE", str(cache))  # the report reads the cache it is told of
    out = tmp_path / "out"
    jobs = [{"kommun": "Falköping", "lang": "sv", "audience": "politiker", "output_dir": str(out)},
            {"kommun": "Härryda", "lang": "sv", "audience": "politiker", "matrix": "synthetic_respondents",
             "output_dir": str(out)}]
    result = batch.run_batch(jobs, output_dir=out, formats=("html", "pdf"), fast=False)
    assert result.ok, result.failed
    paths = result.written[FALKOPING]
    pages = [p.extract_text() for p in PdfReader(paths["pdf"]).pages]
    assert 1 <= len(pages) <= 2
    text = _squeeze("".join(pages))
    assert _squeeze(dimension_sentence(dimension_rollup(sweden), "sv")) in text  # the one sentence, no table
    short = nulage(sweden, "Falköping", cache=cache, short=True)
    assert _squeeze(short["paragraphs"][0]) in text and "Var står Falköping?" in "".join(pages)
    page = paths["html"].read_text(encoding="utf-8")
    assert 'id="section-nulage"' in page and 'id="section-dimensions"' in page
    many = [p.extract_text() for p in PdfReader(result.written["1401"]["pdf"]).pages]
    assert len(many) <= 2, f"the briefing on twelve respondents has {len(many)} pages"
    assert "Var står Härryda?" not in "".join(many)  # no Kolada values for Härryda in this cache
