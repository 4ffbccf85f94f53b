"""With several respondents a pair's value is a mean: the levers, conflicts and scenario sections say only what
the means hold (session 9's reader findings). Every expected number is computed here with plain loops over the
answers, never read from the output under test; one matrix (weitz2018_sweden) keeps its numbers.

* "främjar"/"hämmar" count means of +1 or more and −1 or worse (the text and the table say so with means)
* the answers per named conflict are counted per pair ("elva eller tolv svar per par"), never "alla tolv"
  when one did not answer
* a worst score shared by all the named conflicts is said as a tie, never "Allvarligast"
* with several respondents the levers' place among the strongest is said as sure or uncertain, from the
  bootstrap the managers' section uses
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sdg_interactions.analysis.robustness import rank_robustness
from sdg_interactions.io import load_dataset
from sdg_interactions.matrix import from_array
from sdg_interactions.report import sections, summary_sections

SV_WORDS = ["noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"]


@pytest.fixture(scope="module")
def answers():
    return load_dataset("synthetic_respondents")


@pytest.fixture(scope="module")
def sweden():
    return load_dataset("weitz2018_sweden")


def _said(section) -> str:
    return " ".join(section["paragraphs"]).replace("\xa0", " ").replace("\u202f", " ")


def _cells(data) -> tuple[list[str], list[list[list[float]]]]:
    """The ids and, per (source, target), the list of answers given (NaN left out), by plain loops."""
    scores = data["score"] if "score" in getattr(data, "data_vars", {}) else data
    values = scores.to_numpy().astype(float)
    if values.ndim == 2:
        values = values[None]
    ids = [str(i) for i in scores["source"].values]
    n = len(ids)
    cells = [[[float(values[r, i, j]) for r in range(values.shape[0]) if not math.isnan(values[r, i, j])]
              for j in range(n)] for i in range(n)]
    return ids, cells


def _mean(cell: list[float]) -> float:
    return sum(cell) / len(cell) if cell else 0.0


# --- 1. the first lever's counts, and the table ---------------------------------------------------------------


@pytest.mark.parametrize(("name", "n_pos", "n_neg", "any_pos", "any_neg"), [
    ("synthetic_respondents", 21, 0, 30, 3),  # 30 and 3 non-zero means: no longer what the text says
    ("weitz2018_sweden", 27, 0, 27, 0)])  # one matrix: the same numbers as before
def test_the_first_lever_promotes_and_hinders_by_plus_or_minus_one(name, n_pos, n_neg, any_pos, any_neg):
    data = load_dataset(name)
    ids, cells = _cells(data)
    section = sections.levers(data, lang="sv")
    first = ids.index(section["data"]["ids"][0])
    means = [_mean(cells[first][j]) for j in range(len(ids)) if j != first]
    assert sum(m >= 1 for m in means) == n_pos and sum(m <= -1 for m in means) == n_neg
    assert sum(m > 0 for m in means) == any_pos and sum(m < 0 for m in means) == any_neg
    said = _said(section)
    if name == "weitz2018_sweden":
        assert f"Starkast är 16.6. Det främjar {n_pos} av de 33 andra delmålen direkt och hämmar inget." in said
        assert "medelvärde" not in said
    else:
        assert (f"Starkast är 16.6. Det främjar {n_pos} av de 33 andra delmålen direkt (medelvärde +1 eller mer) "
                "och hämmar inget (medelvärde −1 eller sämre).") in said
        assert f"främjar {any_pos} av" not in said and "hämmar 3" not in said
    # the table: every lever's counts by the same rule; the headers say the rule with means
    for row in section["table"]["rows"]:
        k = ids.index(row[1])
        row_means = [_mean(cells[k][j]) for j in range(len(ids)) if j != k]
        assert row[4:] == [str(sum(m >= 1 for m in row_means)), str(sum(m <= -1 for m in row_means))]
    columns = section["table"]["columns"][4:]
    assert columns == (["främjar", "hämmar"] if name == "weitz2018_sweden" else
                       ["främjar (medel ≥ +1)", "hämmar (medel ≤ −1)"])


def test_the_english_columns_say_the_rule_with_means(answers):
    assert sections.levers(answers, lang="en")["table"]["columns"][4:] == ["promotes (mean ≥ +1)",
                                                                           "hinders (mean ≤ −1)"]


# --- 3. how many answered each named conflict -------------------------------------------------------------


@pytest.mark.parametrize(("limit", "low"), [(3, 12), (5, 11)])
def test_the_answers_per_named_conflict_are_counted_per_pair(answers, limit, low):
    """The briefing names three conflicts, every one answered by all twelve; the in-depth version five, and one
    respondent left 13.1 → 7.2 blank: then "alla tolv" would be untrue."""
    ids, cells = _cells(answers)
    section = sections.conflicts(answers, limit=limit, lang="sv")
    shown = section["data"]["pairs"][:max(limit, section["data"]["tied"])]
    counts = [len(cells[ids.index(s)][ids.index(t)]) for s, t in shown]
    negative = [all(v < 0 for v in cells[ids.index(s)][ids.index(t)]) for s, t in shown]
    assert all(negative)  # so the sentence on all of them is said, once
    assert (min(counts), max(counts)) == (low, 12)
    said = _said(section)
    if low == 12:
        assert "Alla tolv svarande gav var och en av dessa en negativ bedömning." in said
    else:
        assert ("Alla som bedömde paren gav var och en av dessa en negativ bedömning (elva eller tolv svar per "
                "par).") in said
        assert "Alla tolv svarande" not in said


def test_everyone_answering_every_named_pair_is_said_with_their_number():
    ids = ["7.2", "13.1", "11.6"]
    answers = np.full((3, 3, 3), np.nan)
    answers[:, 0, 1] = [-2, -1, -1]  # every one of three scored 7.2 → 13.1 negative
    answers[:, 1, 2] = [1, 1, 1]
    said = _said(sections.conflicts(from_array(answers, ids, respondents=["a", "b", "c"]), lang="sv"))
    assert "Alla tre svarande gav var och en av dessa en negativ bedömning." in said
    answers[2, 0, 1] = np.nan  # now only two answered it
    said = _said(sections.conflicts(from_array(answers, ids, respondents=["a", "b", "c"]), lang="en"))
    assert "Everyone who scored these pairs scored each of them negative (two answers per pair)." in said
    assert "All three" not in said


# --- 4. a worst score shared is a tie ---------------------------------------------------------------------


def test_ties_are_counted_as_the_text_shows_them():
    """Two means that both read −2,1 are not one worse than the other; −2 is apart."""
    assert summary_sections._tied_worst(pd.Series([-2.12, -2.08, -2.0, -1.0]), "sv") == 2
    assert summary_sections._tied_worst(pd.Series([-2.0, -2.0, -1.0]), "sv") == 2
    assert summary_sections._tied_worst(pd.Series([-3.0, -2.0]), "en") == 1


def test_the_scenario_says_a_shared_worst_score_as_a_tie(sweden):
    """The national matrix: the levers hinder 17.11 in three conflicts, all at −1 — counted here by loops."""
    ids, cells = _cells(sweden)
    levers = sections.levers(sweden, lang="sv")["data"]["ids"]
    found = [(s, t, _mean(cells[ids.index(s)][ids.index(t)])) for s in levers for t in ids
             if t not in levers and _mean(cells[ids.index(s)][ids.index(t)]) < 0]
    assert sorted(found) == sorted([("12.1", "17.11", -1.0), ("8.4", "17.11", -1.0), ("12.5", "17.11", -1.0)])
    for lang, words in (("sv", "Alla har bedömningen −1, begränsande (svagt hämmande): 12.1, 8.4 och 12.5 hämmar "
                               "var för sig 17.11."),
                        ("en", "All of them are scored −1, constraining (weakly restricting): 12.1, 8.4 and 12.5 "
                               "each hinder 17.11.")):
        said = _said(sections.scenario_summary(sweden, lang=lang))
        assert words in said and "Allvarligast" not in said and "most serious" not in said


def test_some_tied_conflicts_are_said_as_so_many_sharing_the_worst():
    """Four conflicts from the priority, two at −2 and two at −1: "Två av dem delar den sämsta bedömningen"."""
    ids = ["7.2", "13.1", "11.6", "3.9", "6.6"]
    v = np.full((5, 5), np.nan)
    v[0, 1:] = [-2, -2, -1, -1]
    section = sections.scenario_summary(from_array(v, ids), priorities=["7.2"], lang="sv")
    said = _said(section)
    assert "i fyra målkonflikter. Två av dem delar den sämsta bedömningen, −2, motverkande" in said
    assert "Allvarligast" not in said


def test_one_worst_is_still_the_most_serious():
    ids = ["7.2", "13.1", "11.6"]
    v = np.full((3, 3), np.nan)
    v[0, 1:] = [-3, -1]
    said = _said(sections.scenario_summary(from_array(v, ids), priorities=["7.2"], lang="sv"))
    assert "i två målkonflikter. Allvarligast, med bedömningen −3" in said


# --- 7. how sure the levers' places are -------------------------------------------------------------------


def test_the_levers_say_which_places_are_uncertain(answers):
    section = sections.levers(answers, lang="sv")
    top = section["data"]["ids"]
    result = rank_robustness(answers, samples=summary_sections.SAMPLES, top_k=5, seed=0)
    ids = [str(i) for i in answers["source"].values]
    share = {node: float(result["p_top_k"].values[ids.index(node)]) for node in top}
    unsure = [node for node in top if share[node] < 0.9]
    assert unsure == ["12.5", "9.5"] and share["9.5"] < 0.55  # 9.5 is in the top five about half the time
    pcts = [f"{round(100 * share[node])} %" for node in unsure]
    assert (f"Med tolv svarande är platsen bland de fem starkaste osäker för 12.5 och 9.5: de hamnar där i "
            f"{pcts[0]} respektive {pcts[1]} av 1 000 nya urval av de svarande.") in _said(section)
    assert "osäker för" in section["paragraphs"][1]  # right after the levers are named
    # the managers' section, with the same samples and seed, calls the same ones uncertain
    from sdg_interactions.report.decision_sections import robustness

    assert robustness(answers, samples=summary_sections.SAMPLES, lang="sv")["data"]["unsure"] == unsure


def test_one_matrix_says_nothing_about_samples(sweden):
    said = _said(sections.levers(sweden, lang="sv"))
    assert "urval" not in said and "osäker" not in said


def test_the_lowest_systemic_score_says_of_what(answers):
    from sdg_interactions.analysis import sdg_synergies
    from sdg_interactions.matrix import single_matrix

    low = min(float(x) for x in sdg_synergies(single_matrix(answers, "mean"))["systemic"].values)
    shown = f"{low:.1f}".replace(".", ",").replace("-", "−")
    assert f"det lägsta delmålets systemiska poäng är {shown}." in _said(sections.levers(answers, lang="sv"))


# --- session 9, second reading (r2): what the means hold, said as means -------------------------------------


def _means(data) -> tuple[list[str], list[list[float]]]:
    """The mean per pair by plain loops (an unanswered pair is NaN; the diagonal 0)."""
    ids, cells = _cells(data)
    n = len(ids)
    return ids, [[(_mean(cells[i][j]) if cells[i][j] else math.nan) if i != j else 0.0 for j in range(n)]
                 for i in range(n)]


def _systemic(values: list[list[float]]) -> list[float]:
    """Weitz et al. (2018) by plain loops: r_i = Σ_j a_ij, s_i = ½ Σ_j a_ij r_j, t_i = r_i + s_i (NaN = 0)."""
    n = len(values)
    a = [[0.0 if i == j or math.isnan(values[i][j]) else values[i][j] for j in range(n)] for i in range(n)]
    r = [sum(row) for row in a]
    return [r[i] + 0.5 * sum(a[i][j] * r[j] for j in range(n)) for i in range(n)]


def test_a_near_tie_at_the_cut_of_the_levers_is_said(sweden):
    ids, cells = _cells(sweden)
    t = _systemic([[c[0] if c else math.nan for c in row] for row in cells])
    order = sorted(range(len(ids)), key=lambda k: (-t[k], k))
    fifth, sixth = order[4], order[5]
    assert (ids[fifth], t[fifth], ids[sixth], t[sixth]) == ("9.5", 364.5, "4.4", 364.0)  # half a point apart
    said = _said(sections.levers(sweden, top_k=5, lang="sv"))
    assert ("Platsen bland de fem starkaste är nästan delad: närmast efter 9.5 (364,5) kommer 4.4 (Öka antalet "
            "personer med färdigheter för ekonomisk trygghet) med 364, bara 0,5 lägre.") in said
    assert t[order[6]] < t[fifth] - 1  # 5.5 (362,5) is two points behind: not named
    assert "5.5" not in said.split("nästan delad")[1]
    # four levers: 12.5 (381) is 16,5 points above 9.5, so no near-tie is said
    assert t[order[3]] - t[order[4]] > 1 and "nästan delad" not in _said(sections.levers(sweden, top_k=4))


def test_the_synthetic_levers_have_no_near_tie_at_the_cut(answers):
    ids, means = _means(answers)
    t = _systemic(means)
    order = sorted(range(len(ids)), key=lambda k: (-t[k], k))
    assert t[order[4]] - t[order[5]] > 1  # 9.5 (362,2) and 9.4 (359,8): more than a point apart
    assert "nästan delad" not in _said(sections.levers(answers, top_k=5, lang="sv"))


def test_the_rest_of_the_negative_means_lie_between_minus_one_and_zero(answers):
    _ids, means = _means(answers)
    negative = sorted(v for i, row in enumerate(means) for j, v in enumerate(row) if i != j and v < 0)
    section = sections.conflicts(answers, limit=3, lang="sv")
    rest = negative[max(3, section["data"]["tied"]):]
    clear = sum(v <= -1 + 1e-9 for v in rest)
    between = [v for v in rest if v > -1 + 1e-9]
    assert sum(-1 < v <= -0.5 for v in between) > 0  # "närmare 0" would be untrue
    assert f"{len(rest)} par med negativt medelvärde" in _said(section)
    assert f"{clear} av dem ligger på −1 eller sämre, de övriga mellan −1 och 0." in _said(section)


def test_the_conflicts_say_a_mean_as_a_mean(answers, sweden):
    _ids, means = _means(answers)
    worst = min(v for i, row in enumerate(means) for j, v in enumerate(row) if i != j and not math.isnan(v))
    said = _said(sections.conflicts(answers, limit=5, lang="sv"))
    assert f"medelvärdet −{abs(worst):.1f}".replace(".", ",") in said and "bedömningen −" not in said
    assert "with a mean of −" in _said(sections.conflicts(answers, limit=5, lang="en"))
    one = _said(sections.conflicts(sweden, limit=5, lang="sv"))  # one matrix: a score, five tied at −2
    assert "delar den sämsta bedömningen, −2," in one and "medelvärde" not in one


def test_the_managers_table_never_splits_a_tie_at_its_cut(answers):
    _ids, means = _means(answers)
    negative = sorted(v for i, row in enumerate(means) for j, v in enumerate(row) if i != j and v < 0)
    clear = sum(v <= -1 + 1e-9 for v in negative)
    assert (len(negative), clear) == (327, 24)
    shown = [sections.format_number(v, "sv") for v in negative]
    kept = clear + 20  # the cap; −0,5 (14 pairs) and −0,545 both read "−0,5": the cut moves before them
    while shown[kept - 1] == shown[kept]:
        kept -= 1
    assert kept == 41 and shown[kept - 1] != shown[kept]
    section = sections.conflicts(answers, limit=5, listed=True, lang="sv")
    rows = section["table"]["rows"]
    assert [r[2] for r in rows] == shown[:kept]
    rest = negative[kept:]
    said = _said(section)
    assert (f"Tabellen nedan visar alla {clear} målkonflikter (medelvärde −1 eller sämre) och de {kept - clear} "
            f"sämsta av de {len(negative) - clear} paren med ett negativt medelvärde mellan −1 och 0. De övriga "
            f"{len(rest)} paren, med medelvärden från {sections.format_number(min(rest), 'sv')} till "
            f"{sections.format_number(max(rest), 'sv')}, visas inte") in said
    assert "från −0,5 till −0,1" in said
    assert section["data"]["n"] == len(negative)  # the section still knows them all
    assert section["table"]["columns"][2] == "medelvärde (−3 till +3)"


def test_invented_conflicts_are_titled_without_advice(answers, sweden):
    assert sections.conflicts(answers, lang="sv")["title"] == "Målkonflikter i exemplet"
    assert sections.conflicts(answers, lang="en")["title"] == "Goal conflicts in the example"
    assert sections.conflicts(sweden, lang="sv")["title"] == "Målkonflikter att hålla ögonen på"


def test_the_rest_says_how_many_of_it_the_figure_shows(answers, sweden):
    _ids, means = _means(answers)
    negative = sorted(v for i, row in enumerate(means) for j, v in enumerate(row) if i != j and v < 0)
    section = sections.conflicts(answers, limit=3, lang="sv")  # the briefing: three named, five in the figure
    rest = negative[3:]
    assert section["data"]["tied"] == 1
    assert (f"Ytterligare {len(rest)} par med negativt medelvärde (två av dem syns i diagrammet ovan) redovisas"
            in _said(section))
    assert "diagrammet" not in _said(sections.conflicts(answers, limit=3, lang="sv", charted=0))
    assert "diagrammet" not in _said(sections.conflicts(answers, limit=5, listed=True, lang="sv"))
    assert "diagrammet" not in _said(sections.conflicts(sweden, limit=3, lang="sv"))  # five tied, five named


def test_targets_that_could_take_an_uncertain_place_are_named(answers):
    result = rank_robustness(answers, samples=summary_sections.SAMPLES, top_k=5, seed=0)
    share = dict(zip([str(v) for v in result["node"].values], result["p_top_k"].values.tolist(), strict=True))
    levers = sections.levers(answers, lang="sv")["data"]["ids"]
    others = sorted(((v, k) for k, v in share.items() if k not in levers and v >= 0.25), reverse=True)
    assert [k for _v, k in others] == ["9.4", "4.4"]
    items = [f"{k} ({round(100 * v)} %)" for v, k in others]
    assert f"{items[0]} och {items[1]} hamnar också ofta bland de fem." in _said(sections.levers(answers, lang="sv"))


def test_the_scenario_says_means_and_one_conflict_plainly(answers, sweden):
    said = _said(summary_sections.scenario_summary(answers, lang="sv", audience="politiker"))
    assert "hävstängernas främjande medelvärden mot delmålet är sammanlagt minst 2" in said
    assert "en hävstång ger medelvärdet −2 eller sämre" in said and "bedömning" not in said
    ids, means = _means(answers)
    levers = sections.levers(answers, lang="sv")["data"]["ids"]
    out = [(means[ids.index(s)][j], s, ids[j]) for s in levers for j in range(len(ids))
           if ids[j] not in levers and means[ids.index(s)][j] < 0]
    clear = [o for o in out if o[0] <= -1 + 1e-9]
    assert [(s, t) for _v, s, t in clear] == [("12.1", "17.11")]
    assert "En av hävstängerna, 12.1, hämmar 17.11" in said and "i en målkonflikt: medelvärdet −1," in said
    assert f"Hävstängerna har dessutom {len(out) - 1} samband till andra delmål med ett negativt medelvärde" in said
    one = _said(summary_sections.scenario_summary(sweden, lang="sv"))
    assert "bedömningar mot delmålet är sammanlagt minst 2" in one and "ger bedömningen −2 eller sämre" in one


def test_clusters_on_a_matrix_not_the_kommuns_own_say_whose(sweden):
    from sdg_interactions.matrix import toy_matrix

    said = _said(sections.clusters(sweden, lang="sv"))
    assert ("där kan samordnat arbete ge mest, enligt underlaget (SEI, Weitz m.fl. 2018: en nationell bedömning, "
            "inte kommunens egen).") in said
    own = _said(sections.clusters(toy_matrix().assign_attrs(kommun="1499"), lang="sv"))
    assert "enligt underlaget" not in own


def test_the_stamp_shows_numbered_respondents_only_with_respondents(answers, sweden):
    params = {"kommun": "1499", "pseudonymise": True}
    assert "svarande visas med nummer" not in sections.technical(sweden, params, version="0")[1]
    assert "svarande visas med nummer: ja" in sections.technical(answers, params, version="0")[1]


def test_on_one_matrix_the_managers_table_lists_every_conflict_up_to_sixty(sweden):
    _ids, cells = _cells(sweden)
    negative = [c[0] for row in cells for c in row if c and c[0] < 0]
    assert len(negative) == 40
    section = sections.conflicts(sweden, limit=5, listed=True, lang="sv")
    assert len(section["table"]["rows"]) == 40 and "Alla 40 målkonflikter finns i tabellen nedan." in _said(section)
    rng = np.random.default_rng(3)
    many = rng.choice([-2.0, -1.0, 0.0, 1.0], size=(14, 14))  # 14 · 13 pairs, about half of them negative
    np.fill_diagonal(many, np.nan)
    m = from_array(many, [f"1.{t}" for t in range(1, 6)] + [f"2.{t}" for t in range(1, 6)]
                   + [f"3.{t}" for t in range(1, 5)])
    n_neg = sum(many[i, j] < 0 for i in range(14) for j in range(14) if i != j)
    assert n_neg > 60
    n_two = sum(many[i, j] == -2 for i in range(14) for j in range(14) if i != j)
    assert n_two < 60 < n_neg  # the 60th row is a −1: the cut moves before the −1s, never splitting them
    capped = sections.conflicts(m, limit=5, listed=True, lang="sv")
    assert len(capped["table"]["rows"]) == n_two
    assert (f"Tabellen nedan visar de {n_two} allvarligaste av de {n_neg} målkonflikterna. De övriga "
            f"{n_neg - n_two}, med bedömningen −1 eller närmare 0, visas inte") in _said(capped)


def test_the_glossary_defines_a_goal_conflict_by_the_mean_with_respondents(answers, sweden):
    def meaning(section):
        return next(r[1] for r in section["table"]["rows"] if r[0] in ("målkonflikt", "goal conflict"))

    assert meaning(sections.method(answers)).endswith("ett par med bedömningen (medelvärdet) −1 eller sämre.")
    assert meaning(sections.method(sweden)).endswith("ett par med negativ bedömning.")  # integers: the same
    assert "whose score (the mean) is −1 or worse" in meaning(sections.method(answers, lang="en"))


def test_the_stamp_shows_how_answers_were_combined_only_with_respondents(answers, sweden):
    params = {"kommun": "1401", "matrix": "x", "aggregate": "mean", "audience": "forvaltning", "lang": "sv"}
    assert "sammanvägning: medelvärde" in sections.technical(answers, params, version="0")[1]
    assert "sammanvägning" not in sections.technical(sweden, params, version="0")[1]
    assert "combined by" not in sections.technical(sweden, params, version="0", lang="en")[1]


def test_invented_respondents_are_said_to_be_invented(answers):
    n = answers.sizes["respondent"]
    said = _said(sections.respondents(answers, lang="sv"))
    assert said.startswith(f"{SV_WORDS[n].capitalize()} påhittade svarande ingår i exemplet.")
    assert "personer svarade" not in said
    real = answers.assign_attrs(synthetic="")
    assert _said(sections.respondents(real, lang="sv")).startswith(f"{SV_WORDS[n].capitalize()} personer svarade.")
    assert "invented respondents" in _said(sections.respondents(answers, lang="en"))


def test_invented_clusters_give_no_advice(answers, sweden):
    invented, real = _said(sections.clusters(answers)), _said(sections.clusters(sweden))
    assert "Exemplet är påhittat: klustren visar hur verktyget arbetar" in invented and "lönar" not in invented
    assert "samordna" not in invented.replace("bör samordna", "")
    assert "Delmålen i ett kluster stärker varandra" in real and "lönar det sig" not in real


def test_the_network_text_states_the_chart_threshold(answers):
    from sdg_interactions.plots import network

    _ids, means = _means(answers)
    strengths = [abs(v) for i, row in enumerate(means) for j, v in enumerate(row) if i != j and not math.isnan(v)]
    level = next(x for x in sorted({s for s in strengths if s >= 2}) if sum(s >= x - 1e-9 for s in strengths) <= 60)
    n = sum(s >= level - 1e-9 for s in strengths)
    assert (round(level, 2), n) == (2.27, 59)
    said = _said(sections.network(answers, lang="sv"))
    assert f"de {n} sambanden med bedömningen minst +2,27 eller högst −2,27." in said
    from sdg_interactions.matrix import single_matrix

    chart = network(single_matrix(answers), threshold=sections.link_threshold(answers), lang="sv")
    assert "2,27" in str(chart.to_dict().get("title"))
