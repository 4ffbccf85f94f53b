"""The scenario's words follow from the numbers (issue 20, a reader's findings): with several respondents only a
mean at −1 or worse is called a målkonflikt (as in the conflicts section), a mean is said as "medelvärdet", the
levers standing in for priorities are called "hävstängerna", "åker med" and "inte gratis" promise nothing the
scores cannot carry, and the cover says who scored the national example and for what.

Every expected value is computed here with numpy from the data, not copied from the output under test."""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

from sdg_interactions.frameworks import find_kommun
from sdg_interactions.io import load_dataset
from sdg_interactions.matrix import from_array
from sdg_interactions.report import sections, summary_sections
from sdg_interactions.texts import catalogue

SV_WORDS = ["noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"]
EN_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"]


def _said(section) -> str:
    return " ".join(section["paragraphs"]).replace("\xa0", " ").replace("\u202f", " ")


def _word(n: int, lang: str) -> str:
    """A count as the report says it before "par": in words up to twelve (neuter: "ett par"), else digits."""
    return (SV_WORDS if lang == "sv" else EN_WORDS)[n] if n <= 12 else str(n)


def _means(data) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # the diagonal has no answers
        scores = data["score"] if "score" in getattr(data, "data_vars", {}) else data
        return np.nanmean(scores.to_numpy().astype(float), axis=0)


def _from_priorities(data, chosen):
    """The negative means from the chosen targets to the others: (clear ≤ −1, slight between −1 and 0)."""
    ids = [str(i) for i in data["source"].values]
    means = _means(data)
    rows = [ids.index(c) for c in chosen]
    cols = [k for k, i in enumerate(ids) if i not in chosen]
    block = means[np.ix_(rows, cols)]
    negative = block[block < 0]
    clear = negative[negative <= -1 + 1e-9]
    return clear, negative[negative > -1 + 1e-9]


@pytest.fixture(scope="module")
def answers():
    return load_dataset("synthetic_respondents")


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("priorities", [(), ("16.6", "12.1")])
def test_with_several_respondents_only_means_at_minus_one_or_worse_are_called_conflicts(answers, lang, priorities):
    section = sections.scenario_summary(answers, priorities=list(priorities), lang=lang)
    chosen = section["data"]["priorities"]
    clear, slight = _from_priorities(answers, chosen)
    assert len(clear) >= 1 and len(slight) >= 2  # the case the finding is about: many slight means, few clear
    said = _said(section)
    total = len(clear) + len(slight)
    conflict = {"sv": "målkonflikt", "en": "goal conflict"}[lang]
    # the slight means are not counted as målkonflikter ...
    assert not re.search(rf"\b(?:{total}|{_word(total, lang)}) {conflict}", said), said
    # ... the clear ones are, by their number
    if len(clear) == 1:
        assert {"sv": f"i en {conflict}", "en": f"in a {conflict}"}[lang] in said  # "En av …, 12.1, hämmar …"
    else:
        assert f"{_word(len(clear), lang)} {conflict}" in said
    # the rest are said with their count, as negative means between −1 and 0
    n = _word(len(slight), lang)
    wanted = {"sv": f"har dessutom {n} samband till andra delmål", "en": f"also have {n} links to other targets"}
    assert wanted[lang] in said
    assert {"sv": "med ett negativt medelvärde mellan −1 och 0",
            "en": "with a negative mean between −1 and 0"}[lang] in said
    # the worst is said as a mean, with its value
    worst = f"{clear.min():.1f}".rstrip("0").rstrip(".").replace("-", "−")
    worst = worst.replace(".", ",") if lang == "sv" else worst
    assert {"sv": f"medelvärdet {worst}", "en": f"a mean of {worst}"}[lang] in said
    assert not re.search(r"bedömningen −0,|scored −0\.", said), said  # a slight mean is never "bedömningen"


def test_negative_means_between_the_levers_above_minus_one_do_not_hinder(answers):
    """12.5 → 9.5 (−0,42) and 9.5 → 16.6 (−0,09): negative means above −1 between the levers are counted as such,
    never "hämmar" beside "ingen påverkan", and with no advice; both are closer to 0 than to −1, so counted."""
    section = sections.scenario_summary(answers, lang="sv")
    ids = [str(i) for i in answers["source"].values]
    means = _means(answers)
    levers = section["data"]["priorities"]
    pairs = [(s, t) for s in levers for t in levers if s != t and means[ids.index(s), ids.index(t)] < 0]
    assert sorted(section["data"]["between"]) == sorted(pairs) == sorted([("12.5", "9.5"), ("9.5", "16.6")])
    values = [means[ids.index(s), ids.index(t)] for s, t in pairs]
    assert all(-1 < v < 0 for v in values) and all(abs(v) < 0.5 for v in values)
    said = _said(section)
    assert ("Två par mellan hävstängerna har ett negativt medelvärde mellan −1 och 0 och räknas inte som "
            "målkonflikter. Båda ligger närmare 0 (ingen påverkan) än −1.") in said
    for source, target in pairs:
        assert f"{source} hämmar {target}" not in said
    assert "hämmar varandra" not in said and "hålla ögonen på" not in said and "satsar på" not in said
    # the conflict to another target is no longer said as coming "dessutom" after a hindrance between the levers
    assert "En av hävstängerna, 12.1, hämmar 17.11" in said and "i en målkonflikt: medelvärdet −1," in said
    assert "hämmar dessutom" not in said


def test_a_mean_between_minus_one_and_minus_a_half_is_named_with_its_mean():
    """Between priorities, three respondents: −0,67 (−1, −1, 0) is named with its mean, −0,33 (−1, 0, 0) is counted
    as near 0, −1,33 (−2, −1, −1) hinders weakly ("hämmar varandra svagt", with no advice)."""
    ids = ["7.2", "13.1", "11.6", "3.9"]
    answers = np.full((3, 4, 4), np.nan)
    answers[:, 0, 1] = [-1, -1, 0]  # 7.2 → 13.1: −0,67
    answers[:, 1, 0] = [-1, 0, 0]  # 13.1 → 7.2: −0,33
    answers[:, 0, 2] = [-2, -1, -1]  # 7.2 → 11.6: −1,33
    data = from_array(answers, ids, respondents=["a", "b", "c"])
    means, order = _means(data), [str(i) for i in data["source"].values]  # the matrix's own order
    pairs = [("7.2", "13.1"), ("13.1", "7.2"), ("7.2", "11.6")]
    assert [round(means[order.index(s), order.index(t)], 2) for s, t in pairs] == [-0.67, -0.33, -1.33]
    for lang, words in (("sv", ("Två par mellan prioriteringarna har ett negativt medelvärde mellan −1 och 0",
                                "Medelvärdet är −0,5 eller lägre för 7.2 → 13.1 (−0,7); övriga ligger närmare 0",
                                "Prioriteringarna hämmar varandra svagt: 7.2 hämmar 11.6 med medelvärdet −1,3")),
                        ("en", ("Two pairs between the priorities have a negative mean between −1 and 0",
                                "The mean is −0.5 or lower for 7.2 → 13.1 (−0.7); the others are closer to 0",
                                "The priorities hinder each other weakly: 7.2 hinders 11.6, with a mean of −1.3"))):
        said = _said(sections.scenario_summary(data, priorities=["7.2", "13.1", "11.6"], lang=lang))
        for word in words:
            assert word in said, (word, said)
        assert "13.1 → 7.2" not in said and "ögonen" not in said and "worth watching" not in said


def _two(a, b, ids):
    return from_array(np.stack([a, b]), ids, respondents=["a", "b"])


def test_the_threshold_is_the_conflicts_section_s():
    """A mean of exactly −1 (−2 and 0) is a målkonflikt in both sections; −0,5 (−1 and 0) is not, in either."""
    ids = ["7.2", "13.1", "11.6", "3.9"]
    a, b = np.full((4, 4), np.nan), np.full((4, 4), np.nan)
    a[0, 2], b[0, 2] = -2, 0  # 7.2 → 11.6: mean −1
    a[0, 3], b[0, 3] = -1, 0  # 7.2 → 3.9: mean −0,5
    a[0, 1], b[0, 1] = 2, 2
    data = _two(a, b, ids)
    assert summary_sections.CLEAR_CONFLICT == -1
    scenario = _said(sections.scenario_summary(data, priorities=["7.2"], lang="sv"))
    assert "Prioriteringarna hämmar ett annat delmål i en målkonflikt, med medelvärdet −1" in scenario
    assert "7.2 hämmar 11.6" in scenario and "7.2 hämmar 3.9" not in scenario
    assert ("Prioriteringarna har dessutom ett samband till ett annat delmål med ett negativt medelvärde mellan −1 "
            "och 0") in scenario
    conflicts = _said(sections.conflicts(data, lang="sv"))
    assert "Ett par har ett medelvärde på −1 eller sämre: det är målkonflikten" in conflicts
    assert "Ytterligare 1 par har ett negativt medelvärde mellan −1 och 0" in conflicts


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_no_mean_at_minus_one_says_so_and_names_no_conflict(lang):
    ids = ["7.2", "13.1", "11.6", "3.9"]
    a, b = np.full((4, 4), np.nan), np.full((4, 4), np.nan)
    a[0, 2], b[0, 2] = -1, 0  # means −0,5: no målkonflikt
    a[0, 3], b[0, 3] = -1, 1  # mean 0
    a[0, 1], b[0, 1] = -1, 1  # mean 0
    data = _two(a, b, ids)
    said = _said(sections.scenario_summary(data, priorities=["7.2"], lang=lang))
    clear, slight = _from_priorities(data, ["7.2"])
    assert len(clear) == 0 and len(slight) == 1
    assert {"sv": "Prioriteringarna hämmar inget annat delmål med ett medelvärde på −1 eller sämre; ett par",
            "en": "The priorities hinder no other target with a mean of −1 or worse; one pair"}[lang] in said
    assert {"sv": "målkonflikt", "en": "goal conflict"}[lang] not in said


def test_one_matrix_keeps_counting_every_negative_score(answers):
    sweden = load_dataset("weitz2018_sweden")
    section = sections.scenario_summary(sweden, priorities=["16.6", "12.1"], lang="sv")
    ids = [str(i) for i in sweden["source"].values]
    v = sweden["score"].to_numpy().astype(float)
    rows = [ids.index("16.6"), ids.index("12.1")]
    cols = [k for k, i in enumerate(ids) if i not in ("16.6", "12.1")]
    negative = v[np.ix_(rows, cols)]
    n = int((negative < 0).sum())
    said = _said(section)
    assert n == 1 and "En av prioriteringarna, " in said and "i en målkonflikt: bedömningen −1," in said
    assert "medelvärde" not in said


# --- the levers standing in are not "prioriteringarna" ------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("name", ["weitz2018_sweden", "synthetic_respondents"])
def test_with_no_priorities_the_levers_are_not_called_priorities(name, lang):
    section = sections.scenario_summary(load_dataset(name), lang=lang)
    lead, *rest = section["paragraphs"]
    assert {"sv": "de fem starkaste hävstängerna", "en": "the five strongest levers"}[lang] in lead
    word = {"sv": "priorit", "en": "priorit"}[lang]
    assert not any(word in p.lower() for p in rest), [p for p in rest if word in p.lower()]
    assert any({"sv": "hävst", "en": "lever"}[lang] in p.lower() for p in rest)
    given = sections.scenario_summary(load_dataset(name), priorities=["16.6", "12.1"], lang=lang)
    assert not any({"sv": "hävst", "en": "lever"}[lang] in p.lower() for p in given["paragraphs"])


def test_every_scenario_sentence_naming_the_priorities_has_a_levers_twin():
    entries = catalogue()
    own = {"report.scenario.given", "report.scenario.default", "report.scenario.outside_only",
           "report.scenario.no_levers", "report.scenario.outside", "report.scenario.outside_one"}
    for key, value in entries.items():
        if not key.startswith("report.scenario.") or key in own or key.endswith("_levers"):
            continue
        if "priorit" in value["sv"].lower() or "priorit" in value["en"].lower():
            twin = entries.get(key + "_levers")
            assert twin, key
            for lang in ("sv", "en"):
                assert "priorit" not in twin[lang].lower() and ("hävst" in twin[lang].lower() or
                                                               "lever" in twin[lang].lower()), (key, lang)


# --- "åker med" and "inte gratis" say what the scores say ---------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_comes_along_and_no_not_free_are_true_of_the_scores(lang):
    sweden = load_dataset("weitz2018_sweden")
    section = sections.scenario_summary(sweden, lang=lang)
    data = section["data"]
    ids = [str(i) for i in sweden["source"].values]
    v = np.nan_to_num(sweden["score"].to_numpy().astype(float))
    rows = [ids.index(c) for c in data["priorities"]]
    pull = {i: float(np.clip(v[rows, k], 0, None).sum()) for k, i in enumerate(ids)}
    assert data["comes_along"] and all(pull[i] >= 2 for i in data["comes_along"])
    assert data["not_free"] == []
    others = [i for i in ids if i not in data["priorities"] and i not in data["at_risk"]]
    assert all(pull[i] >= 1 for i in others)  # what "no target is not free" says
    said = _said(section)
    assert {"sv": "tydlig draghjälp", "en": "a clear pull"}[lang] in said
    assert {"sv": "sammanlagt minst 1", "en": "at least 1 in all"}[lang] in said
    assert {"sv": "betyder inte att de nås utan egna insatser",
            "en": "does not mean they are reached without efforts of their own"}[lang] in said
    assert {"sv": "fullt ut", "en": "all the way"}[lang] not in said


# --- the cover: who scored, and for what --------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_cover_says_who_scored_the_national_example_and_for_what(lang):
    sweden = load_dataset("weitz2018_sweden")
    said = _said(sections.cover(sweden, find_kommun("1499"), national_example=True, date="2026-12-07", lang=lang))
    # the authors, as the citation names them
    authors = re.findall(r"([A-ZÅÄÖ][a-zåäö]+), [A-Z]\.", sweden.attrs["citation"])
    assert authors == ["Weitz", "Carlsen", "Nilsson", "Skånberg"]
    joined = ", ".join(authors[:-1]) + {"sv": " och ", "en": " and "}[lang] + authors[-1]
    assert f"{joined} (2018)" in said and "SEI" in said
    assert {"sv": "Sverige som helhet", "en": "Sweden as a whole"}[lang] in said
    assert {"sv": "inte en enskild kommun", "en": "not a single municipality"}[lang] in said
    assert {"sv": "Artikeln beskriver", "en": "The paper describes"}[lang] not in said


def test_the_mongolia_cover_says_who_and_for_what():
    mongolia = load_dataset("mongolia2017")
    said = _said(sections.cover(mongolia, find_kommun("1499"), national_example=True, date="2026-12-07"))
    assert "Ulaanbaatar" in mongolia.attrs["citation"] and "2017" in mongolia.attrs["citation"]
    n = len(mongolia["source"])
    assert f"om {n} av Mongoliets nationella mål (inte en svensk kommun)" in said
    assert "30 intressenter vid SEI:s workshop i Ulaanbaatar 2017" in said


def test_the_briefing_leaves_out_the_slight_pairs_between_the_levers():
    """Twelve invented respondents: two pairs between the five levers have a negative mean above −1 (counted
    here by plain loops); the managers' version says so after the risk sentence, the politicians' leaves it out."""
    data = load_dataset("synthetic_respondents")
    values = data["score"].transpose("respondent", "source", "target").to_numpy().astype(float)
    ids = [str(i) for i in data["source"].values]
    levers = ["16.6", "12.1", "8.4", "12.5", "9.5"]
    slight = 0
    for a in levers:
        for b in levers:
            if a != b:
                cell = [v for v in values[:, ids.index(a), ids.index(b)] if not np.isnan(v)]
                mean = sum(cell) / len(cell)
                slight += -1 < mean < 0
    assert slight == 2
    managers = sections.scenario_summary(data, lang="sv", audience="forvaltning")["paragraphs"]
    briefing = sections.scenario_summary(data, lang="sv", audience="politiker")["paragraphs"]
    said = "Två par mellan hävstängerna har ett negativt medelvärde mellan −1 och 0"
    where = [k for k, p in enumerate(managers) if p.startswith(said)]
    risk = [k for k, p in enumerate(managers) if p.startswith("I riskzonen")]
    assert where and risk and where[0] == risk[0] + 1
    assert not any("mellan hävstängerna" in p for p in briefing)
    along = "Åker med"  # the briefing lists these compactly, by goal number only (the page is short)
    assert [p for p in managers if not p.startswith((said, along))] == [p for p in briefing if not p.startswith(along)]
    ids = [re.findall(r"\d+\.\d+", p) for p in (*managers, *briefing) if p.startswith(along)]
    assert len(ids) == 2 and ids[0] == ids[1]  # nothing else differs
