"""Miljömål and folkhälsomål are compared per linked target, not by sums that grow with the number of links
(issue 20): the report's sentences, its table and the chart rank and show the same measure, and every named
objective says how many linked targets it rests on. Expected values are recomputed here with plain numpy
from the linkage table and the scenario's effects."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from sdg_interactions import frameworks, plots
from sdg_interactions.analysis import propagate
from sdg_interactions.formats import number
from sdg_interactions.frameworks import linkage
from sdg_interactions.io import load_dataset, load_matrix
from sdg_interactions.plots import rows_of
from sdg_interactions.report import framework_sections as fs

FRAMEWORKS = {"miljomal": ("miljökvalitetsmålen", "environmental quality objectives"),
              "folkhalsomal": ("folkhälsomålen", "public-health target areas")}


@pytest.fixture(scope="module")
def sweden():
    return load_dataset("weitz2018_sweden")


def _by_hand(name: str, priorities: list[str]) -> tuple[list[str], np.ndarray, np.ndarray, np.ndarray]:
    """Objectives (natural order), the promoting and hindering sums and the number of linked targets, from the
    linkage rows and propagate's parts: Σ p·l⁺ + n·l⁻ and Σ p·l⁻ + n·l⁺, over 3."""
    m = load_matrix("weitz2018_sweden")
    effects = propagate(m, priorities)
    pos, neg = effects["effect_pos"].to_series(), effects["effect_neg"].to_series()
    table = linkage(name)
    objectives = sorted(set(table["objective"]), key=lambda o: int(o.split("-")[1]))
    up, down, linked = np.zeros(len(objectives)), np.zeros(len(objectives)), np.zeros(len(objectives))
    for k, o in enumerate(objectives):
        rows = table[(table["objective"] == o) & table["sdg_target"].isin(pos.index) & (table["score"] != 0)]
        for target, score in zip(rows["sdg_target"], rows["score"].astype(float), strict=True):
            p, n = pos[target], neg[target]
            up[k] += (p * score if score > 0 else n * score) / 3
            down[k] += (n * score if score > 0 else p * score) / 3
        linked[k] = rows["sdg_target"].nunique()
    return objectives, up, down, linked


#: How the English report writes the objectives' codes (the test's own table): EQO 13, PHA 4.
ENGLISH_CODES = {"MKM": "EQO", "FH": "PHA"}


def _code(objective: str, lang: str) -> str:
    """"MKM-13" in Swedish, "EQO 13" in English."""
    prefix, n = objective.split("-")
    return objective if lang == "sv" else f"{ENGLISH_CODES[prefix]} {n}"


#: What an objective is in running text (the test's own table): "(miljökvalitetsmål 13, …)", never a code.
IN_TEXT = {"MKM": ("miljökvalitetsmål", "environmental quality objective"),
           "FH": ("folkhälsopolitiskt målområde", "public-health target area")}


def _in_text(objective: str, lang: str) -> str:
    """"(miljökvalitetsmål 13, " in Swedish, "(environmental quality objective 13, " in English."""
    prefix, n = objective.split("-")
    return f"({IN_TEXT[prefix][lang == 'en']} {n}, "


def _named(sentence: str, objectives: list[str], lang: str = "sv") -> list[str]:
    """The objectives a sentence names, in its order ("… 1, " never matches "… 13, "); a sentence names them
    in words, never by their codes (those are for the table and the chart)."""
    assert not any(_code(o, lang) + " " in sentence for o in objectives), sentence
    said = [o for o in objectives if _in_text(o, lang) in sentence]
    return sorted(said, key=lambda o: sentence.index(_in_text(o, lang)))


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_most_supported_objective_is_the_highest_mean_per_linked_target(sweden, lang):
    m = load_matrix("weitz2018_sweden")
    chosen = fs.default_priorities(m, [], 5)
    section = fs.objectives(sweden, lang=lang)
    for name, (sv, en) in FRAMEWORKS.items():
        objectives, up, down, linked = _by_hand(name, chosen)
        assert section["data"][name]["pos"] == pytest.approx(up.tolist())
        assert section["data"][name]["linked"] == linked.tolist()
        mean = np.where(linked > 0, up / np.maximum(linked, 1), 0.0)
        assert section["data"][name]["pos_per_target"] == pytest.approx(mean.tolist())
        order = sorted(np.flatnonzero(linked > 0), key=lambda k: (-mean[k], k))
        lead = ("Mest stöd per kopplat delmål bland " + sv) if lang == "sv" else \
            ("Most support per linked target among the " + en)
        sentence = next(p for p in section["paragraphs"] if p.startswith(lead))
        said = _named(sentence, objectives, lang)
        assert said == [objectives[k] for k in order[:len(said)]] and len(said) >= 3
        assert all(mean[order[k]] == pytest.approx(mean[order[2]]) for k in range(3, len(said)))  # only ties added
        for o in said:  # each with the number of linked targets it rests on
            n = int(linked[objectives.index(o)])
            if lang == "sv":
                via = f"via {number(n, lang, decimals=0)} {'kopplat' if n == 1 else 'kopplade'} delmål)"
            else:
                via = f"through {n} linked target{'' if n == 1 else 's'})"
            assert sentence.split(_in_text(o, lang), 1)[1].split(")", 1)[0] + ")" == via
            label = str(frameworks.node_info([o])[f"label_{lang}"].iloc[0])  # its name before it
            assert f"{label} {_in_text(o, lang)}" in sentence
        # the hindering part: worst mean first
        harm = np.where(linked > 0, down / np.maximum(linked, 1), 0.0)
        worst = sorted(np.flatnonzero(harm < 0), key=lambda k: (harm[k], k))
        lead = ("Störst hämmande del per kopplat delmål bland " + sv) if lang == "sv" else \
            ("The largest hindering part per linked target among the " + en)
        harmed = next(p for p in section["paragraphs"] if p.startswith(lead))
        assert _named(harmed.split(";")[0], objectives, lang)[:3] == [objectives[k] for k in worst[:3]]


def test_the_objective_with_most_links_is_not_first_by_its_links_alone(sweden):
    """With the default priorities MKM-1 has the most linked targets and the largest sum; per linked target it
    is not the first (if it were, the sentence would still be right, but the point of the mean is lost)."""
    m = load_matrix("weitz2018_sweden")
    objectives, up, _, linked = _by_hand("miljomal", fs.default_priorities(m, [], 5))
    assert objectives[int(np.argmax(linked))] == objectives[int(np.argmax(up))] == "MKM-1"
    mean = np.where(linked > 0, up / np.maximum(linked, 1), 0.0)
    assert objectives[int(np.argmax(mean))] != "MKM-1"
    sentence = next(p for p in fs.objectives(sweden)["paragraphs"] if p.startswith("Mest stöd per kopplat"))
    assert not sentence.split(": ", 1)[1].startswith("MKM-1 ")
    numbers = next(p for p in fs.objectives(sweden)["paragraphs"] if p.startswith("Målen jämförs med genomsnittet"))
    assert "delad med antalet delmål i matrisen som är kopplade till målet" in numbers
    assert "förslag från projektet sdg_interactions" in " ".join(fs.objectives(sweden)["paragraphs"])


def test_the_table_holds_means_and_sums(sweden):
    m = load_matrix("weitz2018_sweden")
    objectives, up, _, linked = _by_hand("miljomal", fs.default_priorities(m, [], 5))
    section = fs.objectives(sweden)
    rows = {r[0].split(" ")[0]: r for r in section["table"]["rows"]}
    assert section["table"]["columns"][2:] == ["Främjande del per kopplat delmål", "Hämmande del per kopplat delmål",
                                               "Främjande del, summa", "Hämmande del, summa"]
    for k, o in enumerate(objectives):
        mean = up[k] / linked[k] if linked[k] else 0.0
        assert rows[o][1] == str(int(linked[k]))
        assert rows[o][2] == number(mean, "sv") and rows[o][4] == number(up[k], "sv")


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_chart_ranks_and_shows_the_same_mean_as_the_text(sweden, lang):
    m = load_matrix("weitz2018_sweden")
    chosen = fs.default_priorities(m, [], 5)
    projections = fs.objectives_projection(sweden)
    spec = plots.objective_effects(xr.concat(projections, dim="objective", combine_attrs="override"),
                                   lang=lang).to_dict()
    rows = rows_of(spec, spec["data"]["name"])
    values = {(r["objective"], r["part"]): r["value"] for r in rows}
    sort = spec["layer"][0]["encoding"]["y"]["sort"]
    shown = [next(r["objective"] for r in rows if r["name"] == name) for name in sort]
    section = fs.objectives(sweden, lang=lang)
    expected_order = []
    for name in FRAMEWORKS:
        objectives, up, down, linked = _by_hand(name, chosen)
        mean = np.where(linked > 0, up / np.maximum(linked, 1), 0.0)
        harm = np.where(linked > 0, down / np.maximum(linked, 1), 0.0)
        for k, o in enumerate(objectives):
            assert values[o, "effect_pos"] == pytest.approx(mean[k])
            assert values[o, "effect_neg"] == pytest.approx(harm[k])
        expected_order += [objectives[k] for k in sorted(range(len(objectives)), key=lambda k: (-mean[k], k))]
    assert shown == expected_order
    # the text's first objective of each framework is the chart's first of that framework
    leads = [p for p in section["paragraphs"] if p.startswith(
        "Mest stöd per kopplat delmål" if lang == "sv" else "Most support per linked target")]
    assert [_named(p, [shown[0], shown[16]], lang)[:1] for p in leads] == [[shown[0]], [shown[16]]]
    assert [name.startswith(_code(o, lang) + " ") for name, o in zip(sort, shown, strict=True)] == [True] * len(sort)
    title = spec["title"]["text"]
    axis = spec["layer"][0]["encoding"]["x"]["title"]
    assert ("per kopplat delmål" if lang == "sv" else "per linked target") in title
    assert ("per kopplat delmål" if lang == "sv" else "per linked target") in axis
    assert any(("förslag" if lang == "sv" else "proposal") in line for line in spec["title"]["subtitle"])


def test_the_chart_still_draws_sums_in_natural_order_when_asked():
    m = load_matrix("weitz2018_sweden")
    from sdg_interactions.analysis import project_onto

    p = project_onto(propagate(m, ["7.2", "13.2"]), "miljomal")
    spec = plots.objective_effects(p, lang="sv", per_target=False).to_dict()
    rows = rows_of(spec, spec["data"]["name"])
    assert {r["objective"]: r["value"] for r in rows if r["part"] == "effect_pos"} == pytest.approx(
        dict(zip(p["objective"].values.tolist(), p["effect_pos"].values.tolist(), strict=True)))
    sort = spec["layer"][0]["encoding"]["y"]["sort"]
    assert [s.split(" ")[0] for s in sort] == p["objective"].values.tolist()
    assert "per kopplat delmål" not in spec["title"]["text"]


def test_the_english_report_writes_english_codes_and_hindering_in_text_table_and_chart(sweden):
    """The English objectives section, its table and its chart: EQO n and PHA n (never the Swedish MKM-n and
    FH-n), introduced once, and "hindering"/"hinders", never "restricting"/"restricts"."""
    section = fs.objectives(sweden, lang="en")
    spec = plots.objective_effects(xr.concat(fs.objectives_projection(sweden), dim="objective",
                                             combine_attrs="override"), lang="en").to_dict()
    rows = rows_of(spec, spec["data"]["name"])
    words = " ".join([*section["paragraphs"], *section["table"]["columns"],
                      *(cell for row in section["table"]["rows"] for cell in row),
                      *spec["layer"][0]["encoding"]["y"]["sort"], *(r["part_label"] for r in rows),
                      *(t["title"] for t in spec["layer"][0]["encoding"]["tooltip"])])
    assert "MKM-" not in words and "FH-" not in words and "restrict" not in words.lower()
    assert "(EQO 1–16)" in section["paragraphs"][0] and "(PHA 1–8)" in section["paragraphs"][0]
    objectives = sorted(set(linkage("miljomal")["objective"]), key=lambda o: int(o.split("-")[1])) + \
        sorted(set(linkage("folkhalsomal")["objective"]), key=lambda o: int(o.split("-")[1]))
    codes = [_code(o, "en") for o in objectives]
    assert [" ".join(row[0].split(" ")[:2]) for row in section["table"]["rows"]] == codes
    assert {r["part_label"] for r in rows} == {"promotes", "hinders"}
    assert {r["code"] for r in rows} == {_code(o, "en") for o in objectives}
    assert "Hindering part per linked target" in section["table"]["columns"]
    swedish = fs.objectives(sweden, lang="sv")
    assert [row[0].split(" ")[0] for row in swedish["table"]["rows"]] == objectives  # Swedish keeps MKM-n, FH-n
