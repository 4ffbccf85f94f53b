"""What a report says about its own basis (sdg_interactions.report.honesty and the cover, footer and template
that use it): coverage and respondents counted from the data, nothing scored refused, whose assessment it is
before any finding and under every chart, problems said instead of sections silently missing.

Expected values are counted here with plain loops, independently of the code under test. The rendered reports
share one module-scoped batch (each report costs seconds)."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import numpy as np
import pytest

from sdg_interactions import frameworks
from sdg_interactions.cli import main
from sdg_interactions.errors import UnknownIdError, ValidationError
from sdg_interactions.io import load_dataset, write_matrix
from sdg_interactions.matrix import build_dataset, from_array
from sdg_interactions.report import batch, honesty, page, parameters
from sdg_interactions.report import sections as narrative

IDS = ["7.2", "11.6", "13.2", "15.5"]


def _answers(seed: int = 3, respondents: int = 4, blank_respondent: int | None = 2) -> np.ndarray:
    rng = np.random.default_rng(seed)
    a = rng.integers(-3, 4, size=(respondents, len(IDS), len(IDS))).astype(float)
    a[rng.random(a.shape) < 0.6] = np.nan
    for r in range(respondents):
        np.fill_diagonal(a[r], np.nan)
    if blank_respondent is not None:
        a[blank_respondent] = np.nan
    return a


def _workshop(a: np.ndarray, kommun: str, names=None) -> object:
    names = names or [f"P{k}" for k in range(a.shape[0])]
    return build_dataset(a, np.full(a.shape, "", dtype=object), np.zeros(a.shape, bool), IDS, names,
                         aggregated=False, attrs={"kommun": kommun, "merged_from": "svar/a.jsonl",
                                                  "title": "Workshop"})


# --- coverage, counted with loops ----------------------------------------------------------------


def test_coverage_counts_scored_pairs_respondents_and_the_least_covered():
    a = _answers()
    got = honesty.coverage(from_array(a, IDS, respondents=["A", "B", "C", "D"]))
    n = len(IDS)
    scored = [[False] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i != j and any(not np.isnan(a[r, i, j]) for r in range(a.shape[0])):
                scored[i][j] = True
    n_scored = sum(scored[i][j] for i in range(n) for j in range(n))
    who = sum(1 for r in range(a.shape[0]) if any(not np.isnan(a[r, i, j]) for i in range(n) for j in range(n)
                                                     if i != j))
    per_node = {IDS[k]: sum(scored[k][j] for j in range(n)) + sum(scored[i][k] for i in range(n)) for k in range(n)}
    assert got["n_pairs"] == n * (n - 1) == 12
    assert got["n_scored"] == n_scored and got["share"] == pytest.approx(n_scored / 12)
    assert got["n_respondents"] == 4 and got["n_respondents_who_scored"] == who == 3  # one left all blank
    assert got["per_node"] == per_node
    fewest, mean = min(per_node.values()), sum(per_node.values()) / n
    expected = [i for i in sorted(IDS, key=lambda i: (per_node[i], IDS.index(i)))
                if per_node[i] < 2 * (n - 1) and (per_node[i] == fewest or per_node[i] < mean)]
    assert got["least_covered"] == expected[:5] and expected


def test_one_matrix_has_no_respondent_count_and_the_national_example_is_full():
    got = honesty.coverage(load_dataset("weitz2018_sweden"))
    assert (got["n_scored"], got["n_pairs"], got["share"]) == (1122, 1122, 1.0)
    assert got["n_respondents_who_scored"] is None and got["least_covered"] == []
    assert not honesty.is_thin(got)


# --- whose assessment -----------------------------------------------------------------------------


def test_whose_tells_own_national_synthetic_and_other(tmp_path):
    a = _answers()
    own = _workshop(a, "1499")
    assert honesty.whose(own, False, kommun="1499") == "own"
    assert honesty.whose(own, False, kommun="0305") == "other"  # another kommun's workshop
    assert honesty.whose(load_dataset("weitz2018_sweden"), True) == "national"
    assert honesty.whose(load_dataset("synthetic_respondents"), True) == "synthetic"
    plain = tmp_path / "ifylld.csv"
    plain.write_text("source,target,score\n7.2,13.2,2\n", encoding="utf-8")
    assert honesty.whose(load_dataset(str(plain)), False, kommun="1499") == "other"


def test_source_lines_name_whose_assessment_each_chart_shows():
    national = honesty.source_line(load_dataset("weitz2018_sweden"), "national", "sv")
    assert national == "Källa: SEI, Weitz m.fl. 2018 – nationell bedömning"
    own = _workshop(_answers(), "1499")
    line = honesty.source_line(own, "own", "sv", kommun="Falköping")
    assert line == "Källa: Falköpings egen bedömning (workshop, 3 svarande)"  # 3 of 4 scored something
    assert "påhittat" in honesty.source_line(load_dataset("synthetic_respondents"), "synthetic", "sv")
    other = honesty.source_line(own, "other", "sv")
    assert "okänt ursprung" in other and "egen" not in other
    with pytest.raises(ValidationError):
        honesty.source_line(own, "mine", "sv")


# --- the cover ------------------------------------------------------------------------------------


def _cover(obj, kommun="Falköping", national=False, lang="sv"):
    return narrative.cover(obj, frameworks.find_kommun(kommun), national_example=national, date="2026-12-07",
                           lang=lang)


def test_national_cover_says_so_first():
    cover = _cover(load_dataset("weitz2018_sweden"), national=True)
    assert cover["paragraphs"][0].startswith("Det här är inte Falköpings egen bedömning")
    assert "nationella exemplet" in cover["paragraphs"][0]
    assert not any("Bedömningen är" in p for p in cover["paragraphs"])


def test_own_workshop_cover_says_egen_and_counts_who_scored():
    a = _answers(blank_respondent=None)
    who = sum(1 for r in range(a.shape[0]) if np.isfinite(a[r]).any())
    cover = _cover(_workshop(a, "1499"))
    assert cover["paragraphs"][0] == "Bedömningen är Falköpings egen, gjord i en workshop."
    text = " ".join(cover["paragraphs"])
    assert f"{ {4: 'Fyra', 3: 'Tre'}[who]} personer har svarat" in text
    assert "ifylld" not in text and ".nc" not in text  # a human title, not a file name
    assert "förvaltningens fördjupade version" in text  # the briefing points to the other version …
    deep = narrative.cover(_workshop(a, "1499"), frameworks.find_kommun("Falköping"), national_example=False,
                           date="2026-12-07", audience="forvaltning")
    assert "Hur eniga var de som svarade?" in " ".join(deep["paragraphs"])  # … which shows it itself


def test_plain_file_is_not_called_the_kommuns_own(tmp_path):
    plain = tmp_path / "ifylld.csv"
    plain.write_text("source,target,score\n7.2,13.2,2\n13.2,7.2,1\n", encoding="utf-8")
    cover = _cover(load_dataset(str(plain)))
    assert "egen bedömning" in cover["paragraphs"][0] and "kan inte intyga" in cover["paragraphs"][0]
    assert "ifylld.csv" in cover["paragraphs"][0]
    assert not any("Bedömningen är Falköpings egen" in p for p in cover["paragraphs"])


def test_two_sheets_one_filled_is_one_person_and_thin():
    a = np.full((2, 3, 3), np.nan)
    a[0, 0, 1] = 2  # only the first of two respondents scored, one pair of six
    m = from_array(a, ["7.2", "11.6", "13.2"], respondents=["Svarande 1", "Svarande 2"])
    cover = _cover(m)
    thin = cover["paragraphs"][1]
    assert "1 av 6 möjliga par (17 %)" in thin  # 1/6 = 16,7 %
    assert "Bara en person har bedömt sambanden." in thin
    # row + column counts of the one scored pair 7.2 → 11.6: 7.2 and 11.6 one each, 13.2 none (the fewest)
    assert "Minst bedömda är 13.2" in thin and "7.2" not in thin and "11.6" not in thin
    text = " ".join(cover["paragraphs"])
    assert "Två personer" not in text and "två" not in text.lower().split("av")[0]
    assert "en av två svarande" in text.lower()


def test_few_respondents_are_said_even_with_full_coverage():
    a = np.full((2, 2, 2), np.nan)
    a[:, 0, 1], a[:, 1, 0] = 2, 1
    cover = _cover(from_array(a, ["7.2", "13.2"], respondents=["A", "B"]), lang="en")
    assert "Only two people scored the interactions." in cover["paragraphs"][1]


# --- refusals -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def empty_template(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("mall")
    path = folder / "mall.xlsx"
    assert main(["template", "--nodes", "11.6,7.2,13.2", "--respondents", "2", "--out", str(path)]) == 0
    return path


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_an_unfilled_template_is_refused_by_the_cli(empty_template, tmp_path, capsys, lang):
    out = tmp_path / "reports"
    code = main(["report", "--kommun", "Falköping", "--matrix", str(empty_template), "--output-dir", str(out),
                 "--lang", lang])
    err = capsys.readouterr().err.strip()
    assert code == 2
    assert len(err.splitlines()) == 1 and "mall.xlsx" in err
    assert {"sv": "Fyll i poäng från −3 till 3", "en": "Fill in scores from −3 to 3"}[lang] in err
    assert not out.exists() or not [p for p in out.iterdir() if not p.name.startswith(".")]


def test_an_unfilled_template_is_refused_before_papermill(empty_template, tmp_path):
    with pytest.raises(ValidationError, match="inget par är bedömt"):
        parameters.check_parameters(kommun="Falköping", matrix=str(empty_template))
    with pytest.raises(ValidationError, match="no pair is scored"):
        batch.run_batch([{"kommun": "Falköping", "matrix": str(empty_template), "lang": "en"}],
                        output_dir=tmp_path / "out", fast=False)
    assert not (tmp_path / "out").exists()


def test_priorities_outside_the_matrix_are_kept_and_non_ids_refused():
    ids = set(load_dataset("weitz2018_sweden")["source"].values.tolist())
    assert "11.6" not in ids and "4.a" not in ids
    got = parameters.check_parameters(kommun="Falköping", priorities=["4.a", "16.6", "11.6"])
    assert got["priorities"] == ["4.a", "16.6", "11.6"]
    for bad, lang, words in [("banan", "sv", "inte ett delmål i Agenda 2030"), ("99.9", "en", "no target"),
                             ("MKM-1", "sv", "Giltigt")]:
        with pytest.raises(UnknownIdError, match=words):
            parameters.check_parameters(kommun="Falköping", priorities=[bad], lang=lang)
    with pytest.raises(ValidationError, match="två gånger"):
        parameters.check_parameters(kommun="Falköping", priorities=["16.6", "16.6"])


def test_framework_parameter_is_checked_and_registered(tmp_path):
    with pytest.raises(ValidationError, match="Filen med egna mål finns inte"):
        parameters.check_parameters(kommun="Falköping", framework=str(tmp_path / "nej.csv"))
    table = tmp_path / "mal.csv"
    table.write_text("id,label_sv,label_en,group\nFKP-1,Trygghet,Safety,Social\nFKP-2,Klimat,Climate,Miljö\n",
                     encoding="utf-8")
    try:
        got = parameters.check_parameters(kommun="Falköping", framework=str(table))
        assert got["framework"] == str(table.resolve())
        assert frameworks.node_info(["FKP-1"])["label_sv"].iloc[0] == "Trygghet"
    finally:
        frameworks.unregister("FKP")


# --- page.show: source lines and problems ---------------------------------------------------------


def _shown(monkeypatch) -> list[dict]:
    import IPython.display

    shown: list[dict] = []
    monkeypatch.setattr(IPython.display, "display", lambda obj, raw=False: shown.append(obj))
    return shown


def test_show_puts_the_source_under_the_chart_and_keeps_problems(monkeypatch):
    import altair as alt
    import pandas as pd

    shown = _shown(monkeypatch)
    chart = alt.Chart(pd.DataFrame({"x": [1, 2]})).mark_bar().encode(x="x:Q")
    section = {"id": "heatmap", "title": "T", "paragraphs": ["p"], "table": None, "problems": ["Det gick inte."]}
    page.show(section, chart=chart, source="Källa: X")
    data = shown[0][page.SECTION_MIME]
    assert data["source"] == "Källa: X" and data["problems"] == ["Det gick inte."]
    assert "<figcaption>Källa: X</figcaption>" in shown[0]["text/html"]
    assert "<p>Det gick inte.</p>" in shown[0]["text/html"]
    nb = {"cells": [{"outputs": [{"data": shown[0]}]}]}
    doc = page.document_of(nb, title="t")
    from sdg_interactions.report.document import Figure, Paragraph

    assert [b.caption for b in doc.blocks if isinstance(b, Figure)] == ["Källa: X"]
    assert "Det gick inte." in [b.text for b in doc.blocks if isinstance(b, Paragraph)]
    assert page.problems_of(nb) == ["Det gick inte."]


def test_a_failing_optional_section_becomes_a_problem(monkeypatch):
    shown = _shown(monkeypatch)
    with page.guard("heatmap", "sv"):
        raise KeyError("x")
    problems = shown[0][page.SECTION_MIME]["problems"]
    assert len(problems) == 1 and "Alla samband i en matris" in problems[0] and "KeyError" in problems[0]
    result = batch.BatchResult(problems={"1499": problems})
    assert result.problem_lines() == [f"1499 Falköping: {problems[0]}"]


# --- rendered reports (one batch) -----------------------------------------------------------------


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Three reports in one batch: Falköping on the national example (politiker), Håbo on its own workshop's
    merged answers (politiker) and Ockelbo on a plain file with one scored pair (förvaltning)."""
    folder = tmp_path_factory.mktemp("honesty")
    a = _answers(seed=5, blank_respondent=None)
    own = folder / "svar.nc"
    write_matrix(_workshop(a, "0305", names=["Anna", "Bo", "Cia", "Dan"]), own)
    one = folder / "ett_par.csv"
    one.write_text("source,target,score\n7.2,13.2,2\n13.2,11.6,\n11.6,7.2,\n", encoding="utf-8")  # 1 of 6
    out = folder / "out"
    reports = [{"kommun": "Falköping"}, {"kommun": "Håbo", "matrix": str(own)},
               {"kommun": "Ockelbo", "matrix": str(one), "audience": "forvaltning"}]
    result = batch.run_batch(reports, output_dir=out, formats=("html", "pdf"), fast=True)
    assert result.ok, result.failed
    pages = {}
    for code, paths in result.written.items():
        pages[code] = {"html": paths["html"].read_text(encoding="utf-8"),
                       "nb": nbformat.read(paths["ipynb"], as_version=4), "pdf": paths["pdf"]}
    return {"pages": pages, "result": result, "answers": a}


def _cover_paragraphs(html: str) -> list[str]:
    found = re.search(r'<section class="report-section" id="section-cover">(.*?)</section>', html, re.S)
    return re.findall(r"<p>(.*?)</p>", found.group(1), re.S)


@pytest.mark.slow
def test_national_report_says_so_first_and_under_every_chart(rendered):
    html = rendered["pages"]["1499"]["html"]
    first = _cover_paragraphs(html)[0]
    assert first.startswith("Det här är inte Falköpings egen bedömning") and "nationella exemplet" in first
    figures = re.findall(r"<figure.*?</figure>", html, re.S)
    assert figures and all("<figcaption>Källa: SEI, Weitz m.fl. 2018 – nationell bedömning</figcaption>" in f
                           for f in figures)
    footer = html[html.rindex("Skapad"):]
    assert "sdg_interactions" in footer and "sha256" not in html and "aggregate" not in html


@pytest.mark.slow
def test_own_workshop_report_says_egen(rendered):
    html = rendered["pages"]["0305"]["html"]
    paragraphs = _cover_paragraphs(html)
    assert paragraphs[0] == "Bedömningen är Håbos egen, gjord i en workshop."
    who = sum(1 for r in range(4) if np.isfinite(rendered["answers"][r]).any())
    assert f"Källa: Håbos egen bedömning (workshop, {who} svarande)" in html
    assert "Anna" not in html and "svar.nc" not in html


@pytest.mark.slow
def test_one_pair_report_renders_says_thin_and_names_targets(rendered):
    html = rendered["pages"]["2101"]["html"]
    paragraphs = _cover_paragraphs(html)
    assert "kan inte intyga" in paragraphs[0] and "Ockelbos egen" in paragraphs[0]
    assert "1 av 6 möjliga par (17 %)" in paragraphs[1]  # three nodes, one pair scored
    assert "Minst bedömda är 11.6" in paragraphs[1]  # 11.6 is in no scored pair; 7.2 and 13.2 in one each
    assert "Bedömningen är Ockelbos egen" not in html
    # every section that could not be drawn says so (none is silently missing); the method has the stamp
    nb = rendered["pages"]["2101"]["nb"]
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    assert rendered["result"].problems.get("2101", []) == page.problems_of(nb)
    method = re.search(r'id="section-method">(.*?)</section>', html, re.S).group(1)
    assert "sha256" in method and "kommun: 2101 Ockelbo" in method
    assert "sammanvägning" not in method  # one matrix: nothing was combined, so no way of combining is shown


def test_the_report_command_names_a_priority_outside_the_matrix_instead_of_refusing(tmp_path, capsys):
    from sdg_interactions.cli import main

    code = main(["report", "--kommun", "Falköping", "--priorities", "11.6,7.2", "--format", "html",
                 "--output-dir", str(tmp_path)])
    assert code == 0, capsys.readouterr().err
    page = (tmp_path / "1499_falkoping.html").read_text(encoding="utf-8")
    assert "11.6" in page and "Minska städers miljöpåverkan" in page  # named, with its label
    assert "Excelmallen" in page  # and how to include it
    assert main(["report", "--kommun", "Falköping", "--priorities", "99.9", "--output-dir", str(tmp_path)]) == 2
