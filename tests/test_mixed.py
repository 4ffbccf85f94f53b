"""A mixed matrix (SDG targets, miljömål, folkhälsomål, a kommun's own goals) through every function, chart,
command, the workshop's target selection and the report: the bundled DEMO ``mixed_demo`` (invented scores)."""

from __future__ import annotations

import importlib.util
import re

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sdg_interactions import analysis, frameworks, io, plots
from sdg_interactions.apps.selection import SelectionModel, search_nodes, select_targets
from sdg_interactions.cli import main
from sdg_interactions.errors import ValidationError
from sdg_interactions.frameworks import datasets_dir
from sdg_interactions.matrix import from_array, node_ids

DEMO = datasets_dir() / "matrices" / "mixed_demo.csv"
SDG = ["3.4", "4.1", "6.6", "7.2", "11.2", "12.5", "13.2", "15.5"]
MKM, FH, EXB = ["MKM-1", "MKM-2", "MKM-15", "MKM-16"], ["FH-2", "FH-5", "FH-6"], ["EXB-1", "EXB-2", "EXB-3", "EXB-4"]
#: Short labels of non-SDG nodes, as every chart and the report should show them.
LABELS = {"MKM-2": "Frisk luft", "FH-6": "Levnadsvanor", "EXB-1": "Fossilfri kommun 2035",
          "EXB-2": "Gång, cykel och kollektivtrafik"}


@pytest.fixture(scope="module")
def demo() -> xr.DataArray:
    return io.load_matrix(DEMO)


def _texts(svg: str) -> str:
    return " ".join(re.findall(r"<(?:text|tspan)[^>]*>([^<]*)</(?:text|tspan)>", svg)).replace("&amp;", "&")


# --- the demo and its framework -----------------------------------------------------------------


def test_the_build_script_rebuilds_the_demo_byte_for_byte(tmp_path):
    spec = importlib.util.spec_from_file_location("build_mixed_demo", datasets_dir() / "build_mixed_demo.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.build(tmp_path).read_bytes() == DEMO.read_bytes()


def test_the_demo_mixes_four_frameworks_keeps_sweden_and_says_it_is_invented(demo):
    assert node_ids(demo) == SDG + MKM + FH + EXB
    assert demo["source_framework"].values.tolist() == (["sdg_target"] * 8 + ["miljomal"] * 4 + ["folkhalsomal"] * 3
                                                        + ["exempelby"] * 4)
    assert demo.sel(source="EXB-2")["source_label_sv"].item() == LABELS["EXB-2"]
    off = ~np.eye(19, dtype=bool)
    assert not np.isnan(demo.values[off]).any() and set(np.unique(demo.values[off])) <= set(range(-3, 4))
    sweden = io.load_matrix("weitz2018_sweden").sel(source=SDG, target=SDG)
    assert np.array_equal(demo.sel(source=SDG, target=SDG).values, sweden.values, equal_nan=True)
    long = pd.read_csv(DEMO, dtype=str, keep_default_na=False)
    invented = ~(long["source"].isin(SDG) & long["target"].isin(SDG))
    assert invented.sum() == 286 and long.loc[invented, "comment"].str.startswith("DEMO, påhittad poäng").all()
    assert demo.sel(source="MKM-16", target="EXB-4").item() == -2


def test_the_demo_by_name_once_catalogued_is_labelled_as_a_demo():
    assert "mixed_demo" in frameworks.bundled_matrices()["name"].tolist()
    ds = io.load_dataset("mixed_demo")
    assert ds.attrs["title_sv"].startswith("DEMO:") and ds.attrs["title_en"].startswith("DEMO:")
    assert ds.attrs.get("synthetic") == 1
    assert io.nodes_from("mixed_demo") == SDG + MKM + FH + EXB
    info = frameworks.bundled_matrix("mixed_demo")
    assert (info["n_nodes"], info["n_pairs"]) == (19, 342)


def test_exempelby_is_a_bundled_framework_with_labels_groups_and_order():
    fw = frameworks.framework("EXB")
    assert fw.name == "exempelby" and fw.ids == EXB and "DEMO" in fw.title_sv and "DEMO" in fw.title_en
    info = frameworks.node_info(["EXB-3", "MKM-15", "FH-5"])
    assert info["label_en"].tolist() == ["More people supporting themselves", "A Good Built Environment",
                                         "Accommodation and neighbourhood"]
    assert info["group"].tolist() == ["Social hållbarhet", "MKM", "FH"]
    assert [frameworks.group_node(i) for i in ("EXB-1", "MKM-16", "FH-6", "7.2")] == [
        "Miljö och klimat", "MKM", "FH", "SDG-7"]
    assert sorted(["LULEA-1", "EXB-2", "FH-1", "MN-3", "1.1"], key=frameworks.node_sort_key) == [
        "1.1", "FH-1", "MN-3", "EXB-2", "LULEA-1"]
    with pytest.raises(ValidationError, match="cannot be removed"):
        frameworks.unregister("exempelby")
    table = pd.DataFrame({"id": ["EXB-9"], "label_sv": ["x"], "label_en": [""], "group": ["g"]})
    with pytest.raises(ValidationError, match=r"prefix 'EXB' is registered already.*EXB are taken"):
        frameworks.register_from_table(table)
    with pytest.raises(Exception, match="EXB-1 to EXB-4"):
        frameworks.check_node_id("EXB-5")


def test_a_framework_table_with_duplicate_ids_is_a_clear_error(tmp_path):
    path = tmp_path / "ort_mal.csv"
    path.write_text("id;label_sv;label_en;group\nORT-1;Klimat;;Miljö\nORT-2;Skola;;Social\nORT-01;Igen;;Miljö\n",
                    encoding="utf-8")
    with pytest.raises(ValidationError, match=r"ort_mal.csv, row 4, column 'id': goal id given twice: 'ORT-01'. "
                                              r"Valid: each id once \(it is in row 2 already\)"):
        frameworks.register_from_table(path)
    assert "ORT" not in [f.name for f in frameworks.frameworks()]


# --- every metric -------------------------------------------------------------------------------


def test_every_metric_runs_on_the_mixed_matrix_with_labels(demo):
    metrics = analysis.all_metrics(demo)
    assert metrics.sizes == {"node": 19}
    a = np.nan_to_num(demo.values) * ~np.eye(19, dtype=bool)
    assert np.allclose(metrics["out_sum"].values, a.sum(axis=1)) and np.allclose(metrics["in_sum"].values, a.sum(0))
    assert metrics["label_sv"].sel(node="EXB-1").item() == LABELS["EXB-1"]
    assert set(metrics["framework"].values) == {"sdg_target", "miljomal", "folkhalsomal", "exempelby"}
    table = analysis.analysis_table(demo, lang="en")
    assert table.set_index("node").loc["FH-6", "label"] == "Living habits"
    syn = analysis.sdg_synergies(demo)
    assert syn["rank"].min() == 1 and analysis.to_table(syn).set_index("node").loc["MKM-2", "label"] == "Frisk luft"
    influence = analysis.influence_dependence(demo)
    assert set(influence["quadrant"].values) <= set(analysis.QUADRANTS)
    clusters = analysis.clusters(demo)
    assert clusters.sizes == {"node": 19}
    conflicts = analysis.conflicts(io.load_dataset(DEMO))  # the Dataset carries the comments
    pair = conflicts[(conflicts["source"] == "MKM-16") & (conflicts["target"] == "EXB-4")]
    assert len(pair) == 1 and pair["score"].iloc[0] == -2 and "begränsar" in pair["comment"].iloc[0]
    assert pair["target_label_en"].iloc[0] == "Safe and green neighbourhoods"


def test_goal_rollup_sends_miljomal_folkhalsomal_and_kommun_goals_to_their_groups(demo):
    total = analysis.goal_rollup(demo)
    groups = ["SDG-3", "SDG-4", "SDG-6", "SDG-7", "SDG-11", "SDG-12", "SDG-13", "SDG-15", "MKM", "FH",
              "Miljö och klimat", "Samhällsbyggnad", "Social hållbarhet"]
    assert total["source"].values.tolist() == groups
    assert total.sel(source="MKM", target="FH").item() == float(demo.sel(source=MKM, target=FH).sum())
    samhall = ["EXB-2", "EXB-4"]
    assert total.sel(source="Samhällsbyggnad", target="MKM").item() == float(demo.sel(source=samhall, target=MKM).sum())
    labels = dict(zip(total["source"].values, total["source_label_sv"].values, strict=True))
    assert labels["MKM"] == "Miljökvalitetsmål" and labels["FH"] == "Folkhälsopolitiska målområden"
    assert labels["Samhällsbyggnad"] == "Samhällsbyggnad" and labels["SDG-13"] == "Bekämpa klimatförändringarna"
    frameworks_of = dict(zip(total["source"].values, total["source_framework"].values, strict=True))
    assert frameworks_of["MKM"] == "miljomal" and frameworks_of["Social hållbarhet"] == "exempelby"
    mean = analysis.goal_rollup(demo, how="mean")
    assert mean.sel(source="MKM", target="FH").item() == pytest.approx(float(demo.sel(source=MKM, target=FH).mean()))


def test_scenario_and_portfolio_treat_non_sdg_nodes_like_any_other(demo):
    result = analysis.scenario(demo, ["MKM-1", "EXB-2"])
    assert result["class"].sel(node="EXB-1").item() == "comes_along"
    assert result["direct_pos"].sel(node="EXB-1").item() == 4.0  # MKM-1 → EXB-1 (2) + EXB-2 → EXB-1 (2)
    per_layer = analysis.portfolio(demo, 5, one_per="layer")
    layers = frameworks.node_info(list(per_layer.chosen))["layer"]
    sdg_layers = [layer for layer in layers if layer]
    assert len(sdg_layers) == len(set(sdg_layers))  # one per layer among the SDG targets
    assert len(sdg_layers) < 5  # the rest are miljömål, folkhälsomål or Exempelby's goals: unconstrained
    projected = analysis.project_onto(analysis.propagate(demo, ["MKM-1", "EXB-2", "7.2"]), "miljomal")
    assert projected["objective"].values.tolist() == [f"MKM-{k}" for k in range(1, 17)]
    assert float(projected["effect_pos"].sel(objective="MKM-1")) > 0


# --- a kommun's own goals from an Excel table ---------------------------------------------------


def test_a_kommun_framework_from_excel_runs_through_metrics_rollup_and_a_chart(tmp_path):
    path = tmp_path / "ort.xlsx"
    pd.DataFrame({"id": ["ORT-1", "ORT-2"], "label_sv": ["Levande landsbygd", "Trygg skolväg"],
                  "label_en": ["Living countryside", "Safe way to school"], "group": ["Landsbygd", "Barn"],
                  "text_sv": ["", ""], "text_en": ["", ""]}).to_excel(path, index=False)
    frameworks.register_from_table(path, title_sv="Orts mål")
    try:
        ids = ["7.2", "MKM-1", "FH-5", "ORT-1", "ORT-2"]
        m = from_array(np.array([[np.nan, 2, 0, 1, 0], [1, np.nan, 0, 0, 0], [0, 0, np.nan, 1, 2],
                                 [0, -1, 1, np.nan, 1], [0, 0, 2, 0, np.nan]], dtype=float), ids)
        assert m["source_label_sv"].values.tolist()[3:] == ["Levande landsbygd", "Trygg skolväg"]
        assert analysis.all_metrics(m)["out_sum"].sel(node="ORT-1").item() == 1.0
        assert analysis.goal_rollup(m)["source"].values.tolist() == ["SDG-7", "MKM", "FH", "Landsbygd", "Barn"]
        assert "Trygg skolväg" in _texts(plots.to_svg(plots.heatmap(m)))
    finally:
        frameworks.unregister("ORT")


# --- every chart --------------------------------------------------------------------------------


def _charts(demo: xr.DataArray) -> dict:
    from sdg_interactions.analysis.styrdokument import coverage
    from sdg_interactions.plots.styrdokument import coverage_chart

    metrics = analysis.all_metrics(demo)
    table = pd.DataFrame({"document": ["Miljöprogram", "Folkhälsoplan"], "local_goal": ["Fossilfritt", "Rörelse"],
                          "sdg_target": ["13.2", "FH-6"]})
    return {
        "heatmap": plots.heatmap(demo), "radial": plots.radial(demo, "EXB-2"),
        "conflicts": plots.conflicts(analysis.conflicts(demo)), "network": plots.network(demo, metrics, threshold=1),
        "ranking": plots.ranking(metrics), "quadrants": plots.quadrants(analysis.influence_dependence(demo)),
        "scenario_classes": plots.scenario_classes(analysis.scenario(demo, ["MKM-1", "EXB-2"])),
        "coverage": coverage_chart(coverage(demo, table)),
    }


#: Charts that draw each node by its id (as for SDG targets) and name it in the tooltip.
BY_ID = ("network", "quadrants")


@pytest.mark.parametrize("name", ["heatmap", "radial", "conflicts", "network", "ranking", "quadrants",
                                  "scenario_classes", "coverage"])
def test_every_node_chart_renders_offline_with_labels_not_bare_ids(demo, name):
    chart = _charts(demo)[name]
    svg = plots.to_svg(chart)
    assert svg.lstrip().startswith("<svg")
    shown = str(chart.to_dict()) if name in BY_ID else _texts(svg)
    wanted = {"conflicts": ["Fossilfri kommun 2035", "Ett rikt växt- och djurliv"],
              "radial": ["Fossilfri kommun 2035", "Frisk luft", "Levnadsvanor"]}.get(name, list(LABELS.values()))
    for label in wanted:
        assert label[:30] in shown, f"{name}: {label!r} not shown"
    if name in BY_ID:
        assert all(node in _texts(svg) for node in ("MKM-2", "FH-6", "EXB-1"))


def test_goal_heatmap_shows_the_frameworks_titles_and_kommun_groups(demo):
    shown = _texts(plots.to_svg(plots.goal_heatmap(analysis.goal_rollup(demo, how="mean"))))
    for label in ("Miljökvalitetsmål", "Folkhälsopolitiska målområden", "Samhällsbyggnad",
                  "Bekämpa klimatförändringarna"):
        assert label in shown


def test_objective_effects_renders_for_a_mixed_scenario(demo):
    projected = analysis.project_onto(analysis.propagate(demo, ["MKM-1", "EXB-2", "7.2"]), "folkhalsomal")
    assert "Levnadsvanor" in _texts(plots.to_svg(plots.objective_effects(projected)))


def _stack(demo: xr.DataArray) -> xr.Dataset:
    other = demo.copy()
    other.loc[{"source": "EXB-4", "target": "MKM-16"}] = -3
    return analysis.compare_matrices(xr.concat([demo, other], dim=pd.Index(["A", "B"], name="kommun")))


def test_comparison_chart_renders_for_mixed_matrices(demo):
    shown = _texts(plots.to_svg(plots.comparison_chart(_stack(demo))))
    assert "EXB-4 Trygga och gröna… → MKM-16" in shown  # ids with their labels, cut at a word


def test_comparison_chart_names_departing_links_by_their_labels(demo):
    spec = plots.comparison_chart(_stack(demo)).to_dict()
    assert "Trygga och gröna bostadsområden" in str(spec)


# --- the command line ---------------------------------------------------------------------------


def test_scenario_cli_on_the_mixed_demo(capsys):
    assert main(["scenario", str(DEMO), "--priorities", "MKM-1,EXB-2"]) == 0
    out = capsys.readouterr().out
    assert "MKM-1, EXB-2" in out and LABELS["EXB-2"] in out and LABELS["EXB-1"] in out and "Boende och närmiljö" in out


def test_analyse_cli_on_the_mixed_demo(capsys, tmp_path):
    assert main(["analyse", str(DEMO), "--top", "19", "--lang", "en", "--out", str(tmp_path / "a.csv")]) == 0
    out = capsys.readouterr().out
    assert "19" in out and "Walking, cycling and public transport" in out and "Living habits" in out
    table = pd.read_csv(tmp_path / "a.csv", dtype={"node": str})
    assert table["node"].tolist() == analysis.analysis_table(io.load_matrix(DEMO))["node"].tolist()


def test_portfolio_cli_per_layer_on_the_mixed_demo(capsys):
    assert main(["portfolio", str(DEMO), "--k", "4", "--per-layer"]) == 0
    out = capsys.readouterr().out
    chosen = analysis.portfolio(io.load_matrix(DEMO), 4, one_per="layer").chosen
    assert all(node in out for node in chosen) and any(node in out for node in MKM + FH + EXB)


# --- the workshop's target selection and the template -------------------------------------------


def test_selection_searches_chooses_and_plans_miljomal_folkhalsomal_and_kommun_goals(tmp_path):
    assert "EXB-2" in search_nodes("cykel")["id"].tolist()  # beside targets that speak of "livscykel"
    assert search_nodes("cykel", frameworks_="EXB")["id"].tolist() == ["EXB-2"]
    assert search_nodes("levnadsvanor", lang="en")[["id", "label"]].values.tolist() == [["FH-6", "Living habits"]]
    assert search_nodes("", frameworks_=["MKM"])["id"].tolist()[:3] == ["MKM-0", "MKM-1", "MKM-2"]
    app = select_targets(lang="sv", nodes=["7.2", "13.2"])
    assert ("Exempelbys mål (DEMO, påhittad kommun)", "exempelby") in app.controls["framework"].options
    app.controls["framework"].value = "exempelby"
    app.controls["search"].value = "bostäder"
    assert app.controls["framework_nodes"].options == (("EXB-4 Trygga och gröna bostadsområden", "EXB-4"),)
    app.controls["framework_nodes"].value = ("EXB-4",)
    app.controls["add_framework"].click()
    app.controls["search"].value = "luft"
    app.controls["framework"].value = "miljomal"
    app.controls["framework_nodes"].value = ("MKM-2",)
    app.controls["add_framework"].click()
    assert app.model.nodes == ("7.2", "13.2", "MKM-2", "EXB-4") and app.displays["errors"].outputs == ()
    assert "EXB-4 Trygga och gröna bostadsområden" in [label for label, _ in app.controls["chosen"].options]
    model = SelectionModel(SDG + MKM + FH + EXB, respondents=4)
    plan = model.plan()
    assert model.n_pairs == 342 and plan is not None
    folder = model.create(tmp_path / "ws", kommun="Falköping")
    assert folder.is_dir()


def test_the_excel_template_for_mixed_nodes_reads_back(demo, tmp_path):
    path = tmp_path / "mall.xlsx"
    io.write_template(demo, path, lang="sv")
    back = io.load_matrix(path)
    assert node_ids(back) == node_ids(demo)
    assert np.array_equal(back.values, demo.values, equal_nan=True)
    assert back["source_label_sv"].sel(source="EXB-3").item() == "Fler i egen försörjning"


# --- the report ---------------------------------------------------------------------------------


def _report(tmp_path, *priorities: str) -> str:
    out = tmp_path / "reports"
    argv = ["report", "--kommun", "Falköping", "--matrix", str(DEMO), "--audience", "forvaltning", "--format", "html",
            "--output-dir", str(out)]
    assert main(argv + (["--priorities", *priorities] if priorities else [])) == 0
    return next(out.glob("*.html")).read_text(encoding="utf-8")


@pytest.mark.slow
def test_the_report_on_the_mixed_demo_shows_the_labels(tmp_path):
    page = _report(tmp_path, "11.2", "7.2", "13.2")
    for label in (*LABELS.values(), "Trygga och gröna bostadsområden", "Begränsad klimatpåverkan"):
        assert label in page


@pytest.mark.slow
def test_the_report_with_non_sdg_priorities(tmp_path):
    page = _report(tmp_path, "MKM-1", "EXB-2")
    assert LABELS["EXB-2"] in page


def test_the_demo_framework_is_registered_only_when_asked_for():
    """In a fresh process no error names the invented kommun's goals; reading an EXB id registers them (issue 26)."""
    import subprocess
    import sys

    code = (
        "import pandas as pd\n"
        "from sdg_interactions import frameworks\n"
        "from sdg_interactions.matrix import from_long\n"
        "try:\n"
        "    from_long(pd.DataFrame({'source': ['Energy'], 'target': ['Health'], 'score': [1]}))\n"
        "except Exception as err:\n"
        "    print('EXB' in str(err), 'exempelby' in [f.name for f in frameworks.frameworks()])\n"
        "from sdg_interactions.io import load_dataset\n"
        "demo = load_dataset('mixed_demo')\n"
        "print('exempelby' in [f.name for f in frameworks.frameworks()], 'EXB-1' in demo['source'].values)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.split()
    assert out == ["False", "False", "True", "True"]
