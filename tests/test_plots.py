"""Tests of sdg_interactions.plots: the specs the chart functions return, checked through to_dict().

``to_dict()`` validates every spec against the Vega-Lite schema; the tests then assert on the spec:
the fixed score colour scale, the encodings and their sort orders, the data rows sent, tooltips,
titles and captions in both languages, and offline rendering.
"""

import re
import subprocess
import sys

import altair as alt
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sdg_interactions import frameworks, from_array, load_dataset, load_matrix, plots, sdg_synergies
from sdg_interactions.analysis import conflicts as conflict_table
from sdg_interactions.analysis import goal_rollup, influence_dependence, scenario
from sdg_interactions.errors import UnknownIdError, ValidationError
from sdg_interactions.matrix import from_long, toy_matrix
from sdg_interactions.texts import text

SCORE_SCALE = {"domain": [-3, 3], "domainMid": 0, "scheme": "blueorange", "reverse": True}
SWEDISH_LETTERS = set("åäöÅÄÖ")


# --- helpers: walk a spec ----------------------------------------------------------------------------


def views(spec, data=None):
    """Every unit view of a spec (dicts with a ``mark``), each with the name of the data it draws."""
    data = spec.get("data", {}).get("name", data) if isinstance(spec.get("data"), dict) else data
    if "mark" in spec:
        yield spec, data
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for child in spec.get(key, []):
            yield from views(child, data)
    if "spec" in spec:
        yield from views(spec["spec"], data)


def mark_type(view):
    return view["mark"]["type"] if isinstance(view["mark"], dict) else view["mark"]


def rows(spec, view_data):
    return plots.rows_of(spec, view_data)


def first_view(spec, mark, field=None):
    """The first view with this mark (and an x, y or colour field named ``field``), and its rows."""
    for view, data in views(spec):
        encoding = view.get("encoding", {})
        fields = {enc.get("field") for enc in encoding.values() if isinstance(enc, dict)}
        if mark_type(view) == mark and (field is None or field in fields):
            return view, rows(spec, data)
    raise AssertionError(f"no {mark} view with field {field}")


def titles(spec):
    title = spec["title"]
    subtitle = title.get("subtitle", [])
    return title["text"], [subtitle] if isinstance(subtitle, str) else subtitle


def tooltip_fields(view):
    return [t["field"] for t in view["encoding"]["tooltip"]]


# --- fixtures ----------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def sweden():
    return load_dataset("weitz2018_sweden")


@pytest.fixture(scope="module")
def mongolia():
    return load_dataset("mongolia2017")


@pytest.fixture(scope="module")
def awkward():
    """Ids whose natural order is not the string order (8.2 < 8.10 < 8.a), NaN cells, comments."""
    table = pd.DataFrame({
        "source": ["8.10", "8.2", "8.a", "8.1", "8.2", "8.1"],
        "target": ["8.2", "8.10", "8.1", "8.a", "8.a", "8.10"],
        "score": ["-2", "3", "0", "1", "-1", "2"],
        "comment": ["kostnader för ängar", "", "", "", "sjöar", ""],
        "uncertain": ["", "", "ja", "", "", ""],
    })
    return from_long(table, attrs={"citation": "Workshop i Åre 2024"})


@pytest.fixture(scope="module")
def all_targets():
    """A random raw matrix over all 169 SDG targets, ~10 % unscored."""
    ids = frameworks.targets()["id"].tolist()
    rng = np.random.default_rng(7)
    values = rng.integers(-3, 4, size=(169, 169)).astype(float)
    values[rng.random((169, 169)) < 0.1] = np.nan
    np.fill_diagonal(values, np.nan)
    return from_array(values, ids)


def build(name, sweden, lang):
    """Every chart of the module on the Sweden matrix."""
    builders = {
        "heatmap": lambda: plots.heatmap(sweden, lang=lang),
        "goal_heatmap": lambda: plots.goal_heatmap(sweden, lang=lang),
        "network": lambda: plots.network(sweden, sdg_synergies(sweden), lang=lang),
        "radial": lambda: plots.radial(sweden, "8.4", lang=lang),
        "ranking": lambda: plots.ranking(sdg_synergies(sweden), lang=lang, attrs=sweden.attrs),
        "quadrants": lambda: plots.quadrants(influence_dependence(sweden), lang=lang, attrs=sweden.attrs),
        "conflicts": lambda: plots.conflicts(conflict_table(sweden), lang=lang, attrs=sweden.attrs),
        "scenario_classes": lambda: plots.scenario_classes(scenario(sweden, ["8.4", "13.2"]), lang=lang,
                                                           attrs=sweden.attrs),
    }
    return builders[name]()


CHARTS = ["heatmap", "goal_heatmap", "network", "radial", "ranking", "quadrants", "conflicts",
          "scenario_classes"]
SCORE_CHARTS = ["heatmap", "goal_heatmap", "radial", "conflicts"]


# --- every chart -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_validates_and_speaks_both_languages(name, sweden):
    sv = build(name, sweden, "sv").to_dict()  # to_dict validates against the Vega-Lite schema
    en = build(name, sweden, "en").to_dict()
    meta = sv["usermeta"]["sdg_interactions"]
    assert (meta["chart"], meta["lang"]) == (name, "sv")
    subtitle = sv["title"].get("subtitle", [])  # the first source_lines lines of the caption are its source
    assert all(line.startswith("Källa") for line in subtitle[:1]) if meta["source_lines"] else True
    assert en["usermeta"]["sdg_interactions"]["lang"] == "en"
    (sv_title, sv_caption), (en_title, en_caption) = titles(sv), titles(en)
    assert sv_title != en_title
    assert SWEDISH_LETTERS & set(sv_title), sv_title
    assert not SWEDISH_LETTERS & set(en_title), en_title
    assert sv_caption and en_caption  # every chart carries a caption
    assert sv["config"]["font"] == en["config"]["font"] == plots.base.FONT


@pytest.mark.parametrize("name", SCORE_CHARTS)
def test_scores_share_one_fixed_diverging_scale(name, sweden):
    spec = build(name, sweden, "sv").to_dict()
    colours = [view["encoding"]["color"] for view, _ in views(spec)
               if view.get("encoding", {}).get("color", {}).get("field") == "score"]
    assert colours
    for colour in colours:
        assert colour["scale"] == SCORE_SCALE
        assert colour["legend"]["values"] == [-3, -2, -1, 0, 1, 2, 3]


@pytest.mark.parametrize("name", CHARTS)
def test_the_source_caption_names_the_citation(name, sweden):
    for lang, word in (("sv", "Källa: "), ("en", "Source: ")):
        caption = " ".join(titles(build(name, sweden, lang).to_dict())[1])
        assert caption.startswith(word + "Weitz, N., Carlsen, H.")


def test_chart_functions_only_build_charts(sweden):
    chart = plots.heatmap(sweden)
    assert isinstance(chart, alt.TopLevelMixin)
    assert alt.data_transformers.options.get("max_rows", 5000) == 5000  # global limit untouched


# --- heat map ----------------------------------------------------------------------------------------


def test_heatmap_axes_follow_the_natural_order(awkward):
    spec = plots.heatmap(awkward, lang="en").to_dict()
    view, _ = first_view(spec, "rect", "score")
    order = ["8.1", "8.2", "8.10", "8.a"]
    assert view["encoding"]["x"]["field"] == "target" and view["encoding"]["y"]["field"] == "source"
    assert view["encoding"]["x"]["sort"] == order == view["encoding"]["y"]["sort"]
    assert view["encoding"]["x"]["scale"]["domain"] == order


def test_heatmap_sends_exactly_the_scored_cells(awkward, sweden):
    spec = plots.heatmap(awkward).to_dict()
    _, cells = first_view(spec, "rect", "score")
    assert len(cells) == int(awkward["score"].count()) == 6
    sent = {(c["source"], c["target"], c["score"]) for c in cells}
    assert sent >= {("8.10", "8.2", -2.0), ("8.a", "8.1", 0.0)}
    _, cells = first_view(plots.heatmap(sweden, totals=False).to_dict(), "rect", "score")
    assert len(cells) == 34 * 33 == 1122


def test_heatmap_tooltips_carry_comments_texts_and_scale_names(awkward):
    spec = plots.heatmap(awkward, lang="sv").to_dict()
    view, cells = first_view(spec, "rect", "score")
    fields = tooltip_fields(view)
    assert fields[:7] == ["source", "source_label", "target", "target_label", "target_text", "score", "scale"]
    assert "comment" in fields and "uncertain" in fields
    assert {c["comment"] for c in cells} == {"kostnader för ängar", "sjöar", ""}
    # full texts and scale names are joined in the browser from small tables sent once
    lookups = [t for t in view.get("transform", []) + spec.get("transform", []) if "lookup" in t]
    node_rows = rows(spec, lookups[1]["from"]["data"]["name"])
    assert [r["id"] for r in node_rows] == ["8.1", "8.2", "8.10", "8.a"]
    assert node_rows[0]["text"].startswith("Upprätthålla ekonomisk tillväxt per capita")
    scale_rows = rows(spec, lookups[2]["from"]["data"]["name"])
    assert {r["step"]: r["scale"] for r in scale_rows}[-3] == "omöjliggörande (starkt hämmande)"


def test_heatmap_comments_can_be_switched(awkward):
    as_array = plots.heatmap(awkward["score"]).to_dict()
    assert "comment" not in tooltip_fields(first_view(as_array, "rect", "score")[0])
    off = plots.heatmap(awkward, comments=False).to_dict()
    assert "comment" not in tooltip_fields(first_view(off, "rect", "score")[0])
    given = plots.heatmap(awkward["score"], comments=awkward["comment"]).to_dict()
    assert "comment" in tooltip_fields(first_view(given, "rect", "score")[0])
    with pytest.raises(ValidationError, match="comment"):
        plots.heatmap(awkward["score"], comments=True)


def test_heatmap_totals_are_the_row_and_column_sums(sweden):
    spec = plots.heatmap(sweden).to_dict()
    assert "vconcat" in spec
    view, frame = first_view(spec, "bar", "out_sum")
    metrics = sdg_synergies(sweden)
    assert [r["out_sum"] for r in frame] == metrics["out_sum"].to_numpy().tolist()
    assert [r["in_sum"] for r in frame] == metrics["in_sum"].to_numpy().tolist()
    assert view["encoding"]["y"]["sort"] == [str(v) for v in sweden["source"].to_numpy()]
    assert "vconcat" not in plots.heatmap(sweden, totals=False).to_dict()


def test_heatmap_refuses_several_respondents():
    table = pd.DataFrame({"respondent": ["a", "b"], "source": ["1.1", "1.1"], "target": ["1.2", "1.2"],
                          "score": ["1", "2"]})
    with pytest.raises(ValidationError, match="aggregate"):
        plots.heatmap(from_long(table))


def test_the_169_target_heatmap_stays_under_the_row_limit_without_disabling_it(all_targets):
    scored = int(all_targets.count())
    assert scored > 5000
    chart = plots.heatmap(all_targets, lang="en")
    spec = chart.to_dict()
    _, cells = first_view(spec, "rect", "score")
    assert len(cells) == scored
    view, _ = first_view(spec, "rect", "score")
    assert view["encoding"]["x"]["sort"] == frameworks.targets()["id"].tolist()
    # the global limit is still in force for everything else
    assert alt.data_transformers.options.get("max_rows", 5000) == 5000
    with pytest.raises(alt.MaxRowsError):
        alt.Chart(pd.DataFrame({"a": range(5001)})).mark_point().to_dict()
    svg = plots.to_svg(chart)
    assert svg.startswith("<svg")
    assert ">17.1<" in svg and ">1.1<" in svg  # the first target of each goal labels the axes


def test_png_export(awkward):
    png = plots.to_png(plots.heatmap(awkward), scale=2)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_exports_follow_the_chart_language(sweden):
    sv = plots.to_svg(plots.goal_heatmap(sweden, lang="sv"))
    en = plots.to_svg(plots.goal_heatmap(sweden, lang="en"))
    assert ">0,5<" in sv and ">0.5<" in en  # decimal comma in Swedish charts
    assert "Ingen fattigdom" in sv and "No poverty" in en


# --- goal heat map -----------------------------------------------------------------------------------


def test_goal_heatmap_shows_the_mean_roll_up(sweden):
    spec = plots.goal_heatmap(sweden).to_dict()
    view, cells = first_view(spec, "rect", "score")
    goals = goal_rollup(sweden, how="mean")
    assert len(cells) == int(goals.count()) == 17 * 16
    cell = next(c for c in cells if c["source"] == "SDG-5" and c["target"] == "SDG-1")
    assert cell["score"] == pytest.approx(float(goals.sel(source="SDG-5", target="SDG-1")))
    assert view["encoding"]["x"]["sort"] == [f"SDG-{g}" for g in range(1, 18)]
    assert view["encoding"]["color"]["scale"] == SCORE_SCALE
    assert "1 Ingen fattigdom" in view["encoding"]["y"]["axis"]["labelExpr"]
    assert plots.goal_heatmap(goals).to_dict()["datasets"] == spec["datasets"]  # rolled up or not
    with pytest.raises(ValidationError, match="mean"):
        plots.goal_heatmap(goal_rollup(sweden, how="sum"))


# --- network -----------------------------------------------------------------------------------------


def test_network_draws_the_strong_links_by_sign(sweden):
    spec = plots.network(sweden, sdg_synergies(sweden), threshold=2, lang="en").to_dict()
    view, edges = first_view(spec, "rule", "sign")
    a = sweden["score"].to_numpy()
    assert len(edges) == int(np.sum(np.abs(np.nan_to_num(a)) >= 2))
    assert all(abs(e["score"]) >= 2 for e in edges)
    assert {e["sign"] for e in edges} == {"promotes", "hinders"}
    assert view["encoding"]["color"]["scale"]["domain"] == ["promotes", "hinders"]
    nodes_view, nodes = first_view(spec, "circle")
    # size: the positive part of the systemic score, a legend of positive values only
    assert nodes_view["encoding"]["size"]["field"] == "size"
    assert all(v > 0 for v in nodes_view["encoding"]["size"]["legend"]["values"])
    assert all(n["size"] == max(n["systemic"], 0) for n in nodes)
    # colour: the cluster, never the −3…+3 score scale
    assert nodes_view["encoding"]["color"]["field"] == "cluster"
    assert "domainMid" not in nodes_view["encoding"]["color"]["scale"]
    labels_view, _ = first_view(spec, "text")
    assert labels_view["mark"]["align"] == "left" and labels_view["mark"]["dx"] > 0  # beside the node
    assert len(nodes) == 34
    assert [n["systemic"] for n in nodes] == sdg_synergies(sweden)["systemic"].to_numpy().tolist()


def test_network_layout_is_deterministic_and_uses_unsigned_weights():
    m = from_array(np.array([[np.nan, -3, -3], [-3, np.nan, 0], [1, np.nan, np.nan]]), ["1.1", "1.2", "1.3"])
    first = plots.layout_positions(m, seed=3)
    assert first == plots.layout_positions(m, seed=3)
    assert all(0 <= x <= 1 and 0 <= y <= 1 for x, y in first.values())
    # the strongly negative pair 1.1-1.2 is pulled together like a strong synergy would be
    d = {k: np.hypot(first[a][0] - first[b][0], first[a][1] - first[b][1])
         for k, (a, b) in {"12": ("1.1", "1.2"), "23": ("1.2", "1.3")}.items()}
    assert d["12"] < d["23"]
    spec = plots.network(m, layout={"1.1": (0, 0), "1.2": (2, 0), "1.3": (1, 1)}).to_dict()
    _, nodes = first_view(spec, "circle")  # scaled into the unit square, keeping its shape, centred
    assert [(n["x"], n["y"]) for n in nodes] == [(0.0, 0.25), (1.0, 0.25), (0.5, 0.75)]
    with pytest.raises(ValidationError, match="layout"):
        plots.network(m, layout="hairball")


# --- one node's links, conflicts ---------------------------------------------------------------------


def test_radial_sorts_one_nodes_links(sweden):
    spec = plots.radial(sweden, "8.4", lang="en").to_dict()
    view, links = first_view(spec, "bar", "score")
    row = sweden["score"].sel(source="8.4").dropna("target")
    assert len(links) == len(row) == 33
    scores = [link["score"] for link in links]
    assert scores == sorted(scores, reverse=True)
    assert view["encoding"]["y"]["sort"] == [link["name"] for link in links]
    assert view["encoding"]["x"]["scale"]["domain"] == [-3, 3]
    assert spec["title"]["text"] == "How 8.4 influences other targets"


def test_radial_top_keeps_the_strongest_either_sign(mongolia):
    spec = plots.radial(mongolia, "MN-7", direction="in", top=4).to_dict()
    view, links = first_view(spec, "bar", "score")
    column = mongolia["score"].sel(target="MN-7").dropna("source")
    strongest = sorted(np.abs(column.to_numpy()), reverse=True)[:4]
    assert sorted(abs(link["score"]) for link in links) == sorted(strongest)
    assert any(link["score"] < 0 for link in links)
    assert "comment" in tooltip_fields(view)
    assert spec["title"]["text"] == "Hur andra mål påverkar MN-7"
    with pytest.raises(UnknownIdError):
        plots.radial(mongolia, "MN-99")
    with pytest.raises(ValidationError):
        plots.radial(mongolia, "MN-1", direction="sideways")


def test_conflicts_chart_keeps_the_tables_order_and_comments(mongolia):
    table = conflict_table(mongolia)
    spec = plots.conflicts(table, top=5, attrs=mongolia.attrs).to_dict()
    view, bars = first_view(spec, "bar", "score")
    pairs = table["source"][:5] + " → " + table["target"][:5]
    assert [b["pair"] for b in bars] == pairs.tolist()
    assert view["encoding"]["y"]["sort"] == [b["name"] for b in bars]
    assert view["encoding"]["color"]["scale"] == SCORE_SCALE
    assert "comment" in tooltip_fields(view)
    assert f"Visar 5 av {len(table)}." in titles(spec)[1]


def test_conflicts_chart_without_conflicts():
    spec = plots.conflicts(conflict_table(from_array(np.array([[np.nan, 1], [2, np.nan]]), ["1.1", "1.2"])),
                           lang="en").to_dict()
    assert "No negative links scored." in titles(spec)[1]


# --- per-node results --------------------------------------------------------------------------------


def test_ranking_sorts_by_systemic_rank(sweden):
    metrics = sdg_synergies(sweden)
    spec = plots.ranking(metrics, top=5).to_dict()
    assert len(spec["hconcat"]) == 2
    left, right = spec["hconcat"]
    assert left["encoding"]["x"]["field"] == "out_sum" and right["encoding"]["x"]["field"] == "systemic"
    frame = rows(spec, spec["data"]["name"])
    assert [r["rank"] for r in frame] == [1, 2, 3, 4, 5]
    assert frame[0]["node"] == "16.6"
    assert left["encoding"]["y"]["sort"] == right["encoding"]["y"]["sort"] == [r["name"] for r in frame]
    with pytest.raises(ValidationError, match="select"):
        plots.ranking(sdg_synergies(xr.concat([sweden["score"]] * 2, dim="respondent")))


def test_quadrants_translate_and_draw_the_means(sweden):
    result = influence_dependence(sweden)
    spec = plots.quadrants(result, lang="sv").to_dict()
    view, points = first_view(spec, "circle")
    assert view["encoding"]["x"]["field"] == "dependence" and view["encoding"]["y"]["field"] == "influence"
    names = ["drivande", "förmedlande (relä)", "beroende", "autonom"]
    assert view["encoding"]["color"]["scale"]["domain"] == names
    assert {p["node"]: p["quadrant"] for p in points}["16.6"] == "drivande"
    means = [v["encoding"] for v, _ in views(spec) if mark_type(v) == "rule"]
    assert {(e.get("x") or e.get("y"))["aggregate"] for e in means} == {"mean"}
    corners = {(r["quadrant"], r["align"]) for v, data in views(spec) if mark_type(v) == "text"
               for r in rows(spec, data) if "align" in r}
    assert corners == {("drivande", "left"), ("förmedlande (relä)", "right"), ("beroende", "right"),
                       ("autonom", "left")}


def test_scenario_classes_group_nodes_by_class():
    result = scenario(toy_matrix(), ["1.1"])
    spec = plots.scenario_classes(result, lang="sv").to_dict()
    assert spec["facet"]["row"]["field"] == "class"
    assert spec["facet"]["row"]["sort"][:3] == [text(f"scenario.class.{c}", "sv")
                                                for c in ("prioritised", "comes_along", "partly_supported")]
    data = rows(spec, spec["data"]["name"])
    assert len(data) == 2 * 4
    by_node = {(r["node"], r["part"]): r for r in data}
    at_risk, along = by_node[("1.3", "direct_neg")], by_node[("1.2", "direct_pos")]
    assert (at_risk["value"], at_risk["class"]) == (-2.0, "i riskzonen")
    assert (along["value"], along["class"]) == (2.0, "åker med")
    assert spec["title"]["text"] == "Vad åker med? Prioriteringar: 1.1"


# --- imports -----------------------------------------------------------------------------------------


def test_import_sdg_interactions_does_not_import_altair():
    code = ("import sdg_interactions, sys; "
            "assert 'altair' not in sys.modules and 'vl_convert' not in sys.modules, 'heavy import'")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_load_matrix_charts_too():
    da = load_matrix("mongolia2017")  # a DataArray: no comments, same chart
    assert plots.heatmap(da, totals=False).to_dict()["usermeta"]["sdg_interactions"]["chart"] == "heatmap"


def test_radial_of_a_goal_level_mixed_matrix_labels_groups_that_are_no_node_ids():
    ds = from_long(pd.DataFrame({"source": ["7.2", "MKM-1", "13.2"], "target": ["MKM-1", "7.2", "MKM-1"],
                                 "score": ["2", "1", "3"]}))
    goals = goal_rollup(ds, how="mean")
    assert goals["source"].values.tolist() == ["SDG-7", "SDG-13", "MKM"]
    svg = plots.to_svg(plots.radial(goals, "MKM", lang="en"))
    assert "SDG-7 Affordable and clean energy" in svg and "How MKM influences" in svg  # MKM → SDG-7, labelled


def test_show_offline_renders_charts_as_svg_with_no_script():
    before = alt.renderers.active
    try:
        plots.show_offline()
        bundle = plots.heatmap(toy_matrix(), lang="sv")._repr_mimebundle_()
        bundle = bundle[0] if isinstance(bundle, tuple) else bundle
        assert set(bundle) == {"image/svg+xml"}
        svg = bundle["image/svg+xml"]
        assert svg.lstrip().startswith("<svg") and "<script" not in svg and "cdn" not in svg.lower()
    finally:
        alt.renderers.enable(before)


def test_quadrant_labels_do_not_overlap_and_the_corner_names_stay_inside(sweden):
    from sdg_interactions.analysis import influence_dependence

    spec = plots.quadrants(influence_dependence(sweden), lang="sv").to_dict()
    _, points = first_view(spec, "circle")
    boxes = {}
    for p in points:  # the label boxes in pixels, as the chart places them (~5.5 px a character, 10 px tall)
        x_unit = spec["layer"][0]["encoding"]["x"]["scale"]["domain"][1] / 480
        y_unit = spec["layer"][0]["encoding"]["y"]["scale"]["domain"][1] / 400
        w = 5.5 * len(p["node"])
        left = p["lx"] / x_unit - {"left": 0, "center": w / 2, "right": w}[p["lalign"]]
        boxes[p["node"]] = (left, p["ly"] / y_unit - 5, left + w, p["ly"] / y_unit + 5)
    for a, b in (("17.11", "16.4"), ("10.7", "11.1")):
        ba, bb = boxes[a], boxes[b]
        assert not (ba[0] < bb[2] and bb[0] < ba[2] and ba[1] < bb[3] and bb[1] < ba[3]), (a, b)
    corners = [(v, d) for v, d in views(spec) if isinstance(v["mark"], dict) and v["mark"].get("fontWeight") == "bold"]
    x_max = spec["layer"][0]["encoding"]["x"]["scale"]["domain"][1]
    y_max = spec["layer"][0]["encoding"]["y"]["scale"]["domain"][1]
    names = set()
    for _, data in corners:
        for row in rows(spec, data):
            assert 0 <= row["dependence"] <= x_max and 0 <= row["influence"] <= y_max
            names.add(row["quadrant"])
    assert {"förmedlande (relä)", "beroende"} <= names


def test_levers_conflicts_says_means_with_several_respondents(sweden):
    from sdg_interactions.matrix import single_matrix
    from sdg_interactions.plots.links import levers_conflicts

    answers = load_dataset("synthetic_respondents")
    combined = single_matrix(answers, "mean")
    values = answers["score"].sel(source="13.1", target="7.2").values
    mean = float(np.nanmean(values))
    spec = levers_conflicts(combined, ["16.6"], [("13.1", "7.2")], lang="sv").to_dict()
    assert [r["value"] for r in rows(spec, next(views(spec["vconcat"][1]))[1])] == pytest.approx([mean])
    said = str(spec)
    assert "medelvärde (−3 till 0)" in said and "nederst medelvärdet av bedömningarna för ett par" in said
    assert "bedömning (−3 till 0)" not in said
    one = str(levers_conflicts(sweden, ["16.6"], [("13.1", "7.2")], lang="sv").to_dict())
    assert "bedömning (−3 till 0)" in one and "medelvärde" not in one
    forced = str(levers_conflicts(sweden, ["16.6"], [("13.1", "7.2")], lang="en", mean=True).to_dict())
    assert "mean (−3 to 0)" in forced


def test_levers_conflicts_and_the_compact_scenario_chart(sweden):
    from sdg_interactions.analysis import scenario
    from sdg_interactions.plots.links import levers_conflicts

    spec = levers_conflicts(sweden, ["16.6", "12.1"], [("13.1", "7.2"), ("13.2", "2.2")], lang="sv").to_dict()
    top, bottom = spec["vconcat"]
    levers_rows = rows(spec, next(views(top))[1])
    conflict_rows = rows(spec, next(views(bottom))[1])
    assert [r["value"] for r in levers_rows] == [567.0, 513.0]
    assert [r["value"] for r in conflict_rows] == [-2.0, -2.0]
    assert all("→" in r["name"] and "13." in r["name"] for r in conflict_rows)
    compact = plots.scenario_classes(scenario(sweden, ["16.6"]), lang="sv", compact=True).to_dict()
    counts = {r["class"]: r["n"] for r in first_view(compact, "bar")[1]}
    assert sum(counts.values()) == 34 and counts["prioriterat"] == 1


# --- Swedish on the chart: number locale, whole-number ticks, labels cut at words, plain titles -------


def svg_groups(svg: str, role: str) -> list[list]:
    """The texts of every SVG group of a Vega role (``role-axis-label``, ``role-axis-title``, …): one list per
    group, a multi-line text as the list of its lines."""
    import xml.etree.ElementTree as ET

    found = []
    for group in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}g"):
        if role in (group.get("class") or "").split():
            found.append([["".join(s.itertext()) for s in t] if len(t) else "".join(t.itertext())
                          for t in group if t.tag.endswith("}text")])
    return found


def svg_texts(svg: str) -> list[str]:
    """Every line of text an SVG draws."""
    import xml.etree.ElementTree as ET

    lines = []
    for t in ET.fromstring(svg).iter("{http://www.w3.org/2000/svg}text"):
        lines += ["".join(s.itertext()) for s in t] if len(t) else ["".join(t.itertext())]
    return lines


MINUS = "\N{MINUS SIGN}"


def integer_label(value: int, lang: str) -> str:
    """An integer as the locale writes it, built here from the rules: U+2212, grouping by three digits with a
    no-break space (sv) or a comma (en)."""
    digits = f"{abs(value):d}"
    groups = [digits[max(0, k - 3):k] for k in range(len(digits), 0, -3)][::-1]
    return (MINUS if value < 0 else "") + ("\N{NO-BREAK SPACE}" if lang == "sv" else ",").join(groups)


def briefing_chart(sweden, lang="sv"):
    from sdg_interactions.plots.links import levers_conflicts

    return levers_conflicts(sweden, ["16.6", "12.1", "8.4", "12.5", "9.5"],
                            [("13.1", "7.2"), ("13.2", "2.2"), ("7.2", "6.6"), ("17.11", "12.5")], lang=lang)


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("name", CHARTS)
def test_every_chart_carries_the_cldr_number_locale(name, lang, sweden):
    locale = build(name, sweden, lang).to_dict()["config"]["locale"]["number"]
    expected = {"sv": (",", "\N{NO-BREAK SPACE}"), "en": (".", ",")}[lang]
    assert (locale["decimal"], locale["thousands"], locale["minus"]) == (*expected, MINUS)
    assert locale["grouping"] == [3]
    options = plots.export._options(build(name, sweden, lang).to_dict())[1]
    assert options["format_locale"] == locale  # vl-convert gets the same locale as the spec


def test_swedish_numbers_in_a_rendered_chart_use_the_comma_and_the_true_minus(sweden):
    svg = plots.to_svg(plots.goal_heatmap(sweden, lang="sv"))
    numbers = [t for t in svg_texts(svg) if re.fullmatch(r"[−+\-]?\d+([.,]\d+)?", t)]
    assert numbers and "-" not in "".join(numbers) and "." not in "".join(numbers)
    assert any(t.startswith(MINUS) for t in numbers) and any("," in t for t in numbers)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_conflict_axis_is_the_scale_ticked_at_its_whole_numbers(lang, sweden):
    expected = [integer_label(k, lang) for k in range(-3, 1)]  # −3, −2, −1, 0: the scale's negative half
    briefing = svg_groups(plots.to_svg(briefing_chart(sweden, lang)), "role-axis-label")
    assert expected in briefing
    spec = briefing_chart(sweden, lang).to_dict()
    x = spec["vconcat"][1]["layer"][0]["encoding"]["x"]
    assert x["scale"]["domain"] == [-3, 0]
    table = conflict_table(sweden)
    conflicts_labels = svg_groups(plots.to_svg(plots.conflicts(table, lang=lang)), "role-axis-label")
    assert expected in conflicts_labels
    radial_labels = svg_groups(plots.to_svg(plots.radial(sweden, "8.4", lang=lang)), "role-axis-label")
    assert [integer_label(k, lang) if k <= 0 else "+" + integer_label(k, lang) for k in range(-3, 4)] in radial_labels


@pytest.mark.parametrize("name", ["ranking", "quadrants", "scenario_classes", "heatmap", "briefing", "compact"])
def test_axes_of_scores_and_counts_show_only_whole_numbers(name, sweden):
    charts = {"briefing": lambda: briefing_chart(sweden),
              "compact": lambda: plots.scenario_classes(scenario(sweden, ["16.6", "8.4"]), compact=True)}
    chart = charts[name]() if name in charts else build(name, sweden, "sv")
    numeric = [label for group in svg_groups(plots.to_svg(chart), "role-axis-label") for label in group
               if isinstance(label, str) and re.fullmatch(r"[−+\-]?[\d\s\N{NO-BREAK SPACE},.]+", label)
               and not re.fullmatch(r"\d+\.\d+", label)]  # target ids such as 8.4 are names, not numbers
    assert numeric, name
    for label in numeric:
        value = int(label.replace(MINUS, "-").replace("\N{NO-BREAK SPACE}", ""))
        assert label == integer_label(value, "sv"), (name, label)


def full_names(lang: str) -> list[str]:
    """Every target's id and short label, and its full text: what a chart label may shorten."""
    info = frameworks.node_info(frameworks.targets()["id"].tolist())
    return [f"{i} {lab}" for i, lab in zip(info.index, info[f"label_{lang}"], strict=True)] + list(info[f"text_{lang}"])


def is_cut_at_a_word(shown: str, fulls: list[str]) -> bool:
    """``shown`` ends in "…" and is a piece of a full label that starts and ends at word boundaries."""
    core = shown.removesuffix("…").removeprefix("→ ")
    for full in fulls:
        start = full.find(core)
        while start >= 0:
            end = start + len(core)
            if (start == 0 or not full[start - 1].isalnum()) and end < len(full) and not full[end].isalnum():
                return True
            start = full.find(core, start + 1)
    return False


@pytest.mark.parametrize("limit", [12, 20, 28, 36, 48])
@pytest.mark.parametrize("lang", ["sv", "en"])
def test_shortened_labels_end_at_a_word(limit, lang):
    from sdg_interactions.plots.base import fit_label, shorten

    for full in full_names(lang):
        full = " ".join(full.split())
        short = shorten(full, limit)
        if len(full) <= limit:
            assert short == full
            continue
        assert short.endswith("…") and short != full
        prefix = short[:-1]
        assert full.startswith(prefix) and not full[len(prefix)].isalnum(), (full, short)
        assert len(short) <= limit or " " not in prefix, (full, short)  # only a first word may be longer
        lines = fit_label(full, limit)
        assert 1 <= len(lines) <= 2
        joined = " ".join(lines)
        assert joined == full or (joined.endswith("…") and full.startswith(joined[:-1])
                                  and not full[len(joined) - 1].isalnum()), (full, lines)


@pytest.mark.parametrize("name", [*CHARTS, "briefing"])
def test_no_label_in_a_chart_is_cut_mid_word(name, sweden):
    chart = briefing_chart(sweden) if name == "briefing" else build(name, sweden, "sv")
    fulls = full_names("sv")
    cut = [t for t in svg_texts(plots.to_svg(chart)) if t.endswith("…")]
    for shown in cut:
        assert is_cut_at_a_word(shown, fulls), (name, shown)
    if name in ("conflicts", "ranking", "briefing"):
        assert cut  # these charts do shorten long labels (so the check above checked something)


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_quadrant_chart_names_both_axes(lang, sweden):
    svg = plots.to_svg(plots.quadrants(influence_dependence(sweden), lang=lang, attrs=sweden.attrs))
    titles_drawn = [t for group in svg_groups(svg, "role-axis-title") for t in group]
    assert sorted(titles_drawn) == sorted([text("plots.quadrants.x", lang), text("plots.quadrants.y", lang)])
    ticks = svg_groups(svg, "role-axis-label")
    assert len(ticks) == 2 and all(ticks)


CODE_WORDS = r"\b(nod|noder|effect_pos|effect_neg|greedy|girig|fjädermodell|verktygstips\w*|modularity|tooltip\w*)\b"


@pytest.mark.parametrize("name", [*CHARTS, "briefing"])
def test_swedish_charts_speak_plain_swedish(name, sweden):
    chart = briefing_chart(sweden) if name == "briefing" else build(name, sweden, "sv")
    shown = "\n".join(svg_texts(plots.to_svg(chart)))
    assert not re.search(CODE_WORDS, shown, flags=re.IGNORECASE), re.search(CODE_WORDS, shown, flags=re.IGNORECASE)
    assert "systemisk påverkan" not in shown  # the canonical word is "systemisk poäng"
    assert "hovra" not in shown and "håll muspekaren" not in shown


def test_the_projection_caption_names_no_variable_codes():
    from sdg_interactions.analysis import propagate
    from sdg_interactions.analysis.projection import project_onto

    m = from_array(np.array([[np.nan, 0.0], [3.0, np.nan]]), ["6.6", "7.2"])
    spec = plots.objective_effects(project_onto(propagate(m, ["7.2"]), "miljomal"), lang="sv").to_dict()
    caption = " ".join(titles(spec)[1])
    assert "effect_" not in caption and "Projicerat" not in caption


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_scenario_classes_names_standing_in_levers_and_leaves_out_an_empty_class(lang):
    """The reader's chart: with no priorities given the five strongest levers stand in, and their bar was called
    "prioriterat"; a class with no target showed a bar of length 0 with "0" beside it. Counts are recomputed
    from analysis.scenario's classes by a plain loop."""
    from sdg_interactions.analysis import scenario
    from sdg_interactions.io import load_matrix
    from sdg_interactions.plots import rows_of, scenario_classes
    from sdg_interactions.texts import text

    m = load_matrix("weitz2018_sweden")
    chosen = ["16.6", "12.1", "8.4", "9.5", "12.5"]
    result = scenario(m, chosen)
    counts = {}
    for code in result["class"].values.tolist():
        counts[code] = counts.get(code, 0) + 1
    assert "not_free" not in counts and counts["prioritised"] == 5  # the case the reader saw
    spec = scenario_classes(result, lang=lang, compact=True, levers=True).to_dict()
    rows = rows_of(spec, spec["data"]["name"])
    lever = "hävstång (i prioriteringarnas ställe)" if lang == "sv" else "lever (standing in for priorities)"
    names = {"prioritised": lever, **{c: text(f"scenario.class.{c}", lang)
                                      for c in ("comes_along", "partly_supported", "not_free", "at_risk")}}
    assert rows == [{"class": names[c], "n": counts[c]}
                    for c in ("prioritised", "comes_along", "partly_supported", "not_free", "at_risk") if c in counts]
    assert all(row["n"] > 0 for row in rows)
    empty = ("Inget delmål i klassen ”inte gratis – behöver egna insatser”." if lang == "sv"
             else "No target in the class “not free – needs its own effort”.")
    assert spec["title"]["subtitle"] == [empty]
    text_layer = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "text")
    assert text_layer["encoding"]["text"]["format"] == ",d"
    bar_layer = next(layer for layer in spec["layer"] if layer["mark"]["type"] == "bar")
    axis = bar_layer["encoding"]["x"]["axis"]
    assert axis["tickMinStep"] == 1 and axis["format"] == ",d"
    assert spec["config"]["locale"]["number"]["decimal"] == ("," if lang == "sv" else ".")
    # given priorities keep "prioriterat"; the full chart names the levers in its title and header
    given = rows_of(*(lambda s: (s, s["data"]["name"]))(scenario_classes(result, lang=lang, compact=True).to_dict()))
    assert given[0]["class"] == text("scenario.class.prioritised", lang)
    full = scenario_classes(result, lang=lang, levers=True).to_dict()
    rows = full["facet"]["row"]["sort"]
    assert lever in rows and text("scenario.class.prioritised", lang) not in rows
    assert full["title"]["text"].startswith("Vad åker med? Hävstänger i prioriteringarnas ställe: 16.6, 12.1"
                                            if lang == "sv" else "What comes along? Levers standing in for priorities")
    assert empty in full["title"]["subtitle"]
    labels = {row["class"] for row in rows_of(full, full["data"]["name"])}
    assert lever in labels and text("scenario.class.prioritised", lang) not in labels
