"""The politician's words follow from the numbers (issue 20): next steps without commands, the strongest
score beside the matrix's own median, conflict words by the scale step, consistent counts, priorities
outside the matrix named, global targets marked, and a comparison that says which file it left out and why.

Every expected value is computed here, from the data, not copied from the output under test."""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from sdg_interactions.analysis import sdg_synergies
from sdg_interactions.frameworks.catalogues import bundled_table
from sdg_interactions.io import load_dataset, load_matrix
from sdg_interactions.matrix import from_array
from sdg_interactions.report import decision_sections as ds
from sdg_interactions.report import framework_sections as fs
from sdg_interactions.report import scope, sections

SV_WORDS = ["noll", "en", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"]


@pytest.fixture(scope="module")
def sweden():
    return load_dataset("weitz2018_sweden")


def _said(section) -> str:
    return " ".join(section["paragraphs"]).replace("\xa0", " ").replace("\u202f", " ")


# --- "Så går ni vidare" ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("own", [False, True])
def test_next_steps_hold_no_command_and_no_file_name(sweden, lang, own):
    said = _said(sections.next_steps("Upplands Väsby", own=own, data=sweden, lang=lang))
    assert "sdg-interactions" not in said and "--" not in said and "`" not in said
    assert not re.search(r"\w+\.(xlsx|csv|nc|json)\b", said), said


def test_next_steps_give_people_pairs_and_time_from_the_plan(sweden):
    from sdg_interactions.apps.kit import duration, plan_agenda

    n = 34
    pairs = n * (n - 1)  # 1 122
    each = math.ceil(pairs * 2 / 6)  # six people, two answers a pair (workshop new's defaults), dealt evenly
    minutes = plan_agenda(each * 20 / 60).total_minutes  # 20 seconds a pair
    said = _said(sections.next_steps("Falköping", data=sweden, lang="sv"))
    assert "sex personer från förvaltning och politik" in said
    # an estimate is said as one: the pairs each to the nearest ten, the time to the nearest half hour
    assert (each, minutes) == (374, 235)
    assert "de 1 122 paren mellan de 34 delmålen" in said and "omkring 370 par var," in said
    assert "20 sekunder" in said
    assert f"ungefär {duration(240, 'sv')}" in said and "ungefär 4 timmar." in said
    assert "374" not in said and "55 minuter" not in said
    assert "Excelmall" in said and "Falköpings egen" in said
    en = _said(sections.next_steps("Falköping", data=sweden, lang="en"))
    assert "so about 370 pairs each," in en and "it takes about 4 hours." in en


@pytest.mark.parametrize(("minutes", "shown"), [(235, 240), (244, 240), (256, 270), (119, 120), (97, 90), (98, 105),
                                                (52, 45), (53, 60), (7, 15), (0, 15)])
def test_the_workshop_time_is_rounded_as_an_estimate(minutes, shown):
    """Two hours or more: to the nearest half hour; under two hours: to the nearest quarter hour; never 0."""
    from sdg_interactions.report.next_steps import about_minutes

    assert about_minutes(minutes) == shown


@pytest.mark.parametrize(("n", "shown"), [(7, 7), (19, 19), (22, 20), (23, 25), (374, 370), (375, 380), (1122, 1100)])
def test_the_pairs_each_are_rounded_as_an_estimate(n, shown):
    from sdg_interactions.report.next_steps import about_count

    assert about_count(n) == shown


def test_an_own_matrix_is_not_told_to_make_an_own_matrix():
    v = np.array([[np.nan, -1, 2], [1, np.nan, np.nan], [0, 0, np.nan]])
    own = from_array(np.stack([v, v]), ["7.2", "13.1", "11.6"], respondents=["a", "b"])
    said = _said(sections.next_steps("Falköping", own=True, data=own, lang="sv"))
    assert "workshop" not in said.lower() and "Excelmall" not in said
    assert "Bedömningen är Falköpings egen" in said and "målkonflikterna" in said  # one conflict: 7.2 → 13.1
    assert "Ett av 6 par är ännu inte bedömt" in said  # 13.1 → 11.6 unscored: one of 3 · 2 pairs
    assert "Bara två personer har svarat" in said


# --- scores in perspective -------------------------------------------------------------------------------


def test_the_strongest_score_is_set_beside_the_median(sweden):
    systemic = sorted(float(x) for x in sdg_synergies(load_matrix("weitz2018_sweden"))["systemic"].values)
    n = len(systemic)
    median = (systemic[n // 2 - 1] + systemic[n // 2]) / 2 if n % 2 == 0 else systemic[n // 2]
    top = systemic[-1]
    said = _said(sections.levers(sweden, lang="sv"))
    ratio = top / median
    assert 2.1 <= ratio < 2.9  # so the words must say "more than twice", and nothing stronger
    shown = f"{median:.1f}".replace(".", ",").replace(",0", "")
    assert f"mer än dubbelt så hög som medianen för underlagets {n} delmål ({shown})" in said
    low = f"{systemic[0]:.1f}".replace(".", ",").replace("-", "−").replace(",0", "")
    assert f"det lägsta delmålets systemiska poäng är {low}" in said  # the lowest of what: said


@pytest.mark.parametrize(("value", "median", "words"), [
    (100, 100, "ungefär lika hög som"), (150, 100, "50 % högre än"), (200, 100, "ungefär dubbelt så hög som"),
    (250, 100, "mer än dubbelt så hög som"), (400, 100, "ungefär 4 gånger så hög som"), (50, 100, "lägre än")])
def test_ratio_words_follow_the_ratio(value, median, words):
    from sdg_interactions.report.summary_sections import compared_with_median

    assert compared_with_median(value, median, "sv") == words
    assert compared_with_median(value, 0, "sv") is None  # no ratio against a median of 0 or less


# --- conflict words by the scale ----------------------------------------------------------------------------


def _half():
    """Three targets, two respondents: 7.2 → 13.1 scored 0 and −1, a mean of −0,5."""
    a = np.array([[np.nan, 0, 2], [1, np.nan, 2], [0, 0, np.nan]])
    b = a.copy()
    b[0, 1] = -1
    return from_array(np.stack([a, b]), ["7.2", "13.1", "11.6"], respondents=["a", "b"])


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_mean_of_minus_a_half_is_no_conflict_to_handle(lang):
    data = _half()
    section = sections.scenario_summary(data, priorities=["7.2", "13.1"], lang=lang)
    said = _said(section)
    assert section["data"]["between"] == [("7.2", "13.1")]
    assert "−0,5" in said or "−0.5" in said
    assert "Obs!" not in said and "kräver att konflikten hanteras" not in said and "Note:" not in said
    # a mean above −1 does not hinder by the report's rule: said as a negative mean, never "hämmar"
    assert {"sv": "Ett par mellan prioriteringarna har ett negativt medelvärde mellan −1 och 0",
            "en": "One pair between the priorities has a negative mean between −1 and 0"}[lang] in said
    assert {"sv": "7.2 → 13.1 (−0,5)", "en": "7.2 → 13.1 (−0.5)"}[lang] in said  # −0,5: named, with its mean
    assert {"sv": "hämmar varandra", "en": "hinder each other"}[lang] not in said
    assert {"sv": "7.2 hämmar 13.1", "en": "7.2 hinders 13.1"}[lang] not in said
    assert {"sv": "hålla ögonen på", "en": "worth watching"}[lang] not in said  # no advice on what may be invented


def test_a_minus_two_between_priorities_is_a_conflict_to_handle(sweden):
    m = load_matrix("weitz2018_sweden")
    assert float(m.sel(source="13.1", target="7.2")) == -2
    said = _said(sections.scenario_summary(sweden, priorities=["7.2", "13.1"], lang="sv"))
    assert "Obs! Prioriteringarna drar åt olika håll" in said
    assert "Att satsa på båda kräver att konflikten hanteras" in said
    assert "Prioriteringarna hämmar dessutom andra delmål i" in said  # the conflict between them is said above


def test_two_conflicts_between_three_priorities_are_not_called_both(sweden):
    m = load_matrix("weitz2018_sweden")
    assert float(m.sel(source="13.1", target="7.2")) == float(m.sel(source="7.2", target="6.6")) == -2
    said = _said(sections.scenario_summary(sweden, priorities=["7.2", "13.1", "6.6"], lang="sv"))
    assert ("13.1 hämmar 7.2 med bedömningen −2, motverkande (måttligt hämmande); 7.2 hämmar 6.6 med bedömningen "
            "−2, motverkande (måttligt hämmande). Att satsa på dem alla kräver att konflikterna hanteras.") in said
    en = _said(sections.scenario_summary(sweden, priorities=["7.2", "13.1", "6.6"], lang="en"))
    assert "Investing in all of them means handling the conflicts." in en and "in both" not in en


def test_counts_of_respondents_are_said_the_same_way():
    section = sections.conflicts(_half(), lang="sv")
    said = _said(section)
    assert "Negativ bedömning från en av två svarande" in said and "av 2 svarande" not in said


def test_no_lever_says_none_not_zero():
    v = np.array([[np.nan, -1, 0], [0, np.nan, -1], [0, 0, np.nan]])
    said = _said(sections.levers(from_array(v, ["7.2", "13.1", "11.6"]), top_k=2, lang="sv"))
    assert "noll av" not in said and "Inget delmål" in said


def test_further_conflicts_name_the_version_that_lists_them(sweden):
    n = int((load_matrix("weitz2018_sweden").values < 0).sum())
    section = sections.conflicts(sweden, limit=3, lang="sv")
    shown = max(3, section["data"]["tied"])
    assert f"Ytterligare {n - shown} målkonflikter redovisas i förvaltningens fördjupade version av rapporten" \
        in _said(section)


def test_with_several_respondents_the_rest_are_pairs_with_a_negative_mean_and_how_many_are_minus_one():
    """Twelve respondents: a mean of −0,08 (one −1) is no målkonflikt a politician should count; the rest are
    said as pairs with a negative mean, with how many are −1 or worse (recomputed here from the means)."""
    from sdg_interactions.matrix import single_matrix

    data = load_dataset("synthetic_respondents")
    means = single_matrix(data).values
    negative = np.sort(means[means < 0])  # worst first, as the section lists them
    section = sections.conflicts(data, limit=3, lang="sv")
    shown = max(3, section["data"]["tied"])
    rest = negative[shown:]
    said, clear = _said(section), int((rest <= -1 + 1e-9).sum())
    drawn = ["", "ett", "två", "tre", "fyra"][max(5, shown) - shown]  # the briefing's figure shows five
    assert (f"Ytterligare {len(rest)} par med negativt medelvärde ({drawn} av dem syns i diagrammet ovan) redovisas i "
            f"förvaltningens fördjupade version av rapporten; {clear} av dem ligger på −1 eller sämre, de övriga "
            "mellan −1 och 0.") in said
    assert "målkonflikter redovisas" not in said
    others = [v for v in rest if v > -1 + 1e-9]
    assert others and all(-1 < v < 0 for v in others)
    assert any(v <= -0.5 for v in others)  # so "närmare 0" would be untrue of them, and is not said
    assert "närmare 0" not in said


# --- priorities outside the matrix ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_priorities_outside_the_matrix_are_named_and_left_out(sweden, lang):
    from sdg_interactions.frameworks import node_info

    ids = set(load_matrix("weitz2018_sweden")["source"].values.tolist())
    assert "11.6" not in ids and "4.a" not in ids and "7.2" in ids
    section = sections.scenario_summary(sweden, priorities=["11.6", "7.2", "4.a"], lang=lang)
    assert section["data"]["priorities"] == ["7.2"] and section["data"]["outside"] == ["11.6", "4.a"]
    said = _said(section)
    for node in ("11.6", "4.a"):
        assert f"{node} ({node_info([node])[f'label_{lang}'].iloc[0]})" in said
    assert {"sv": "Excelmallen", "en": "Excel template"}[lang] in said
    only = sections.scenario_summary(sweden, priorities=["11.6"], lang=lang)
    assert only["data"]["outside"] == ["11.6"] and only["data"]["priorities"]  # the levers stand in, said so
    assert {"sv": "Ingen av prioriteringarna finns i underlaget", "en": "None of the priorities"}[lang] in _said(only)


def test_framework_sections_run_on_the_priorities_inside(sweden):
    section = fs.objectives(sweden, priorities=["11.6", "7.2"], lang="sv")
    assert section["data"]["priorities"] == ["7.2"] and section["data"]["outside"] == ["11.6"]
    assert "11.6 (" in section["paragraphs"][0]
    follow = fs.follow_up(sweden, "1499", priorities=["11.6", "7.2"], lang="sv", cache="/nonexistent/cache")
    assert follow["data"]["priorities"] == ["11.6", "7.2"]  # key figures need no matrix


# --- global targets --------------------------------------------------------------------------------------------


def test_the_global_rule_reads_the_first_clause_of_the_official_text():
    table = bundled_table("sdg_targets.csv").set_index("target_id")["title_en"]
    words = ("developing countr", "least developed countr", "small island developing states", "developed countries",
             "developed-country", "international cooperation", "international support", "development assistance",
             "global partnership")
    for target, official in table.items():
        first = re.sub(r"^By 20\d\d,\s*", "", official)
        first = re.split(r"[,;]", first)[0].lower()
        assert scope.is_global(target) == any(w in first for w in words), target
    assert scope.is_global("17.11") and not scope.is_global("8.4") and not scope.is_global("12.1")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_a_global_target_is_marked_where_it_is_named(sweden, lang):
    scenario = sections.scenario_summary(sweden, lang=lang)
    assert "17.11" in scenario["data"]["at_risk"] and scenario["data"]["global"] == ["17.11"]
    said = _said(scenario)
    mark = {"sv": "– globalt delmål", "en": "– a global target"}[lang]
    label = {"sv": "Öka utvecklingsländers export", "en": "Exports from developing countries"}[lang]
    assert f"17.11 ({label} {mark})" in said
    assert {"sv": "påverkar det bara indirekt", "en": "affects it only indirectly"}[lang] in said
    assert {"sv": "verktygets egen indelning", "en": "this tool's own classification"}[lang] in said
    conflicts = _said(sections.conflicts(sweden, lang=lang))
    assert {"sv": "Att 17.11 räknas som globalt är verktygets egen indelning, eftersom FN:s text främst gäller "
                  "utvecklingsländer eller internationellt samarbete.",
            "en": "Counting 17.11 as global is this tool's own classification, because the UN text is mainly about "
                  "developing countries or international cooperation."}[lang] in conflicts
    assert {"sv": "projektets indelning", "en": "project's classification"}[lang] not in said + conflicts
    assert "Riskerar att hämmas" not in said
    conflicts = sections.conflicts(sweden, lang=lang)
    assert {"sv": "utvecklingsländer", "en": "developing countries"}[lang] in _said(conflicts)  # the basis, in full
    assert mark in _said(conflicts)


# --- decision sections ---------------------------------------------------------------------------------------


def test_a_bad_file_in_the_folder_is_named_and_the_rest_compared(sweden, tmp_path):
    import shutil
    from pathlib import Path

    folder = Path("datasets/matrices/synthetic_kommuner")
    good = sorted(folder.glob("*.csv"))
    for path in good:
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "0999_trasig.csv").write_text("source,target,score\n1.1,1.2,9\n", encoding="utf-8")
    section = ds.comparison(sweden, "1499", tmp_path, lang="sv")
    assert len(section["problems"]) == 1 and "0999_trasig.csv" in section["problems"][0]
    assert "kunde inte läsas" in section["problems"][0] and str(tmp_path) not in section["problems"][0]
    assert len(section["data"]["others"]) == len(good) - 1  # Falköping's own file is "mine", the rest compared
    lone = tmp_path / "lone"
    lone.mkdir()
    shutil.copy(tmp_path / "0999_trasig.csv", lone)
    shutil.copy(good[0], lone)
    only = ds.comparison(sweden, good[0].stem[:4], lone, lang="sv")
    assert only["data"]["others"] == [] and len(only["problems"]) == 2
    assert "kunde inte göras" in only["problems"][-1]


def test_robustness_with_two_respondents_says_what_it_is_worth():
    two = load_dataset("synthetic_respondents").isel(respondent=[0, 1])
    section = ds.robustness(two, samples=50, top_k=3)
    said = _said(section)
    distinct = math.comb(2 * 2 - 1, 2)  # multisets of size 2 from 2 people: {a,a}, {a,b}, {b,b}
    assert f"bara {SV_WORDS[distinct]} olika urval" in said and "Två påhittade svarande" in said  # invented
    assert "Säkert bland" not in said
    real = _said(ds.robustness(two.assign_attrs(synthetic=""), samples=50, top_k=3))
    assert "Två deltagare" in real and "påhittade" not in real


def test_decision_numbers_are_swedish_and_coverage_is_explained_once(sweden):
    section = ds.portfolio(sweden, k=3)
    said = _said(section)
    assert not re.search(r"täckning \d+\.\d", said) and not re.search(r"\d,\d{3}\b", said)
    assert sum(p.startswith("Täckning") or "Täckning är" in p for p in section["paragraphs"]) == 1
    assert section["table"]["columns"][0] == "delmål"
    comparison = ds.comparison(sweden, "1499", "datasets/matrices/synthetic_kommuner", lang="sv")
    assert not re.search(r"\d\.\d{2,}", _said(comparison)) and "systemisk poäng" in _said(comparison)


def test_canonical_words_only(sweden):
    parts = sections.summary(sweden, priorities=["7.2", "13.1"], lang="sv")
    portfolio = ds.portfolio(sweden, k=3)  # its explanation lines come from analysis.portfolio (H4's words)
    said = " ".join([parts["text"], portfolio["paragraphs"][0], *portfolio["table"]["columns"],
                     _said(ds.comparison(sweden, "1499", "datasets/matrices/synthetic_kommuner"))])
    for word in ("systemisk påverkan", "delvis stöttat", "riskerar att hämmas", "Riskerar att hämmas", " nod ",
                 "effect_pos", "greedy", "girig"):
        assert word not in said, word


def test_answers_to_discuss_again_are_written_in_swedish():
    section = ds.robustness(load_dataset("synthetic_respondents"), samples=50, top_k=3)
    rows = [p for p in section["paragraphs"] if "svaren" in p]
    assert rows and not any(re.search(r"(?<![\w.])-\d", p) for p in rows)
    assert any("−2" in p for p in rows)  # the planted disagreement holds −2 answers, with a true minus


def test_the_invented_styrdokument_says_so_and_names_targets_outside(sweden):
    from sdg_interactions.frameworks import node_info
    from sdg_interactions.io.styrdokument import read_styrdokument
    from sdg_interactions.report.styrdokument_section import styrdokument

    table = read_styrdokument("exempel")
    section = styrdokument(sweden, table, lang="sv")
    assert section["paragraphs"][0].startswith("Obs! Styrdokumenten här är ett påhittat exempel")
    ids = set(load_matrix("weitz2018_sweden")["source"].values.tolist())
    outside = [t for t in dict.fromkeys(table["sdg_target"]) if t not in ids]
    said = _said(section)
    assert outside and all(f"{t} ({node_info([t])['label_sv'].iloc[0]})" in said for t in outside)


def test_next_steps_count_the_targets_of_the_report_s_own_file(tmp_path):
    from sdg_interactions.io import write_long_csv

    ids = ["7.2", "11.2", "13.1"]
    m = load_matrix("weitz2018_sweden").sel(source=ids, target=ids)
    path = tmp_path / "fil.csv"
    write_long_csv(from_array(m.values, ids), path)
    said = _said(sections.next_steps("Falköping", matrix=str(path), lang="sv"))
    assert f"de {3 * 2} paren mellan de 3 delmålen" in said and "34 delmål" not in said


def test_negative_means_of_several_answers_say_how_many_are_at_minus_one_or_worse():
    import numpy as np

    from sdg_interactions.io import load_dataset
    from sdg_interactions.matrix import single_matrix
    from sdg_interactions.report.summary_sections import conflicts

    data = load_dataset("synthetic_respondents")
    mean = single_matrix(data, "mean").values
    n = sum(1 for i in range(len(mean)) for j in range(len(mean)) if i != j and mean[i, j] < 0)
    clear = sum(1 for i in range(len(mean)) for j in range(len(mean)) if i != j and mean[i, j] <= -1 + 1e-9)
    first = conflicts(data, lang="sv")["paragraphs"][0]
    assert first.startswith(f"Totalt {clear} par har ett medelvärde på −1 eller sämre: det är målkonflikterna")
    assert f"Ytterligare {n - clear} par har ett negativt medelvärde mellan −1 och 0" in first
    assert clear > 12  # so said "Totalt 24 par …": a sentence never opens with a digit
    assert 0 < clear < n and not np.isnan(mean).all()


# --- one word, one meaning: "poäng" -------------------------------------------------------------------------


def test_poang_alone_is_never_the_systemic_score():
    """"poäng" names two things: a pair's score on the scale −3 … +3 and the systemic score. In the report's texts
    the systemic score is always "systemisk poäng"; a pair's score is "bedömningen −2"; bare "poäng" is left only
    as a number of points on the scale ("minst 2 poäng", "högst {cap} poäng", "poäng från −3 till 3")."""
    from sdg_interactions.texts import catalogue

    mine = ("report.", "report_decision.", "report_frameworks.", "report_honesty.", "scenario.portfolio",
            "glossary.")
    bare = []
    for key, entry in catalogue().items():
        if not key.startswith(mine):
            continue
        sv = entry["sv"]
        for found in re.finditer(r"\b[Pp]oäng\w*", sv):
            before, after = sv[:found.start()], sv[found.end():]
            if re.search(r"systemisk\w* $", before) or re.search(r"(\d|\})\s$", before) or after.startswith(" från −3"):
                continue
            bare.append(f"{key}: …{before[-30:]}[{found.group()}]{after[:30]}…")
    assert not bare, "\n".join(bare)


def test_a_pair_s_score_is_said_as_bedomningen(sweden):
    said = _said(sections.conflicts(sweden, lang="sv"))
    assert "Fem målkonflikter delar den sämsta bedömningen, −2, det vill säga motverkande" in said
    scenario = _said(sections.scenario_summary(sweden, lang="sv"))
    # the three further conflicts share their score: it is said once, and "ytterligare" only after others
    from sdg_interactions.analysis import triggered_conflicts

    levers = sections.levers(sweden, lang="sv")["data"]["ids"]
    found = triggered_conflicts(load_matrix("weitz2018_sweden"), levers)
    assert len(found) == 3 and set(found["score"]) == {-1.0} and not found["target"].isin(levers).any()
    # no priorities given: the levers stand in, and the text says "hävstängerna", not "prioriteringarna"
    # all three share the score −1: said as a tie, none singled out as "Allvarligast"
    assert ("Hävstängerna hämmar andra delmål i tre målkonflikter. Alla har bedömningen −1, "
            "begränsande (svagt hämmande): 12.1, 8.4 och 12.5 hämmar var för sig 17.11.") in scenario
    assert "Allvarligast" not in scenario
    assert "ytterligare" not in scenario.lower() and "dessutom" not in scenario
    assert "hävstängernas främjande bedömningar mot delmålet är sammanlagt minst 2" in scenario
    levers = _said(sections.levers(sweden, lang="sv"))
    # two plain sentences for a nämnd; the formula is the method section's
    assert ("Den systemiska poängen lägger ihop delmålets direkta effekter och hälften av effekterna i nästa led; "
            "ju högre systemisk poäng, desto mer drar delmålet med sig.") in levers
    assert "ju högre poäng" not in levers.lower()
    assert sections.conflicts(sweden, lang="sv")["table"]["columns"][2] == "bedömning (−3 till +3)"


def test_the_english_report_says_municipality(sweden):
    said = _said(sections.scenario_summary(sweden, lang="en")) + _said(sections.conflicts(sweden, lang="en"))
    assert "No priorities were given, so the five strongest levers above stand in for them:" in said
    assert "the municipality affects it only indirectly" in said
    assert not re.search(r"\bkommun(?:er)?\b|kommun's", said), said


@pytest.mark.parametrize("name", ["weitz2018_sweden", "synthetic_respondents"])
def test_the_levers_reach_is_said_as_all_only_when_it_is_all(name):
    """"direkt alla 29 övriga delmål" when the levers promote every other target by +1 or more, else "28 av de
    29", and the targets they hinder (−1 or worse) named — the counts recomputed here with plain loops over the
    mean of the answers (one matrix: its own scores)."""
    from sdg_interactions.matrix import single_matrix
    from sdg_interactions.report.summary_sections import lever_order

    data = load_dataset(name)
    m = single_matrix(data, "mean")
    a, ids = m.values, [str(i) for i in m["source"].values]
    order = lever_order(m, 5)[0]
    others = [j for j in range(len(ids)) if j not in order]
    reach = [j for j in others if any(a[k, j] >= 1 for k in order)]
    hindered = {ids[j]: sum(1 for k in order if a[k, j] <= -1) for j in others if any(a[k, j] <= -1 for k in order)}
    assert (len(reach), len(others), hindered) == {"weitz2018_sweden": (28, 29, {"17.11": 3}),
                                                    "synthetic_respondents": (28, 29, {"17.11": 1})}[name]
    said = sections.levers(data, lang="sv")["paragraphs"][-1]
    if len(reach) == len(others):
        assert f"direkt alla {len(others)} övriga delmål." in said
    else:
        assert f"direkt {len(reach)} av de {len(others)} övriga delmålen." in said
    by = hindered["17.11"]
    assert (f"{SV_WORDS[by].capitalize()} av dem hämmar 17.11." if by > 1 else "En av dem hämmar 17.11.") in said
