"""The target selection: searching the 169 targets, choosing nodes, the plan's size, creating the folder."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from sdg_interactions import frameworks
from sdg_interactions.apps.selection import SelectionModel, fold, search_nodes, search_targets, select_targets
from sdg_interactions.apps.workshop import read_about, read_plan
from sdg_interactions.errors import UnknownIdError, ValidationError
from sdg_interactions.io import nodes_from

SWEDEN = nodes_from("weitz2018_sweden")
CLIMATE = ["1.5", "2.4", "11.b", "13.1", "13.2", "13.3", "13.a", "13.b"]


def test_search_finds_klimat_in_swedish_and_climate_in_english():
    sv = search_targets("klimat", lang="sv")
    assert sv["id"].tolist() == CLIMATE
    assert sv.columns.tolist() == ["id", "goal", "label", "text"]
    label = sv.set_index("id").loc["13.2", "label"]
    assert label == "Integrera åtgärder mot klimatförändringar i politik och planering"
    en = search_targets("climate", lang="en")
    assert en["id"].tolist() == CLIMATE
    assert en.set_index("id").loc["13.2", "label"] == "Climate change policy/planning"
    assert search_targets("KLIMAT", lang="en")["id"].tolist() == CLIMATE  # both languages are searched


@pytest.mark.parametrize("query", ["havsförsurning", "havsforsurning", "HAVSFÖRSURNING", "Havsförsurningen"])
def test_search_ignores_case_and_diacritics(query):
    assert search_targets(query)["id"].tolist() == ["14.3"]


def test_havsniva_and_havsniva_with_a_ring_search_alike():
    assert fold("havsnivå") == fold("HAVSNIVA") == "havsniva"
    assert search_targets("havsnivå").equals(search_targets("havsniva"))
    assert search_targets("förnybar")["id"].tolist() == search_targets("fornybar")["id"].tolist() == ["7.2", "7.a"]


def test_search_by_id_and_within_goals():
    assert search_targets("7.2", lang="en")[["id", "label"]].to_dict("records") == [
        {"id": "7.2", "label": "Renewable energy"}]  # not 17.2
    assert search_targets("", goals=13)["id"].tolist() == ["13.1", "13.2", "13.3", "13.a", "13.b"]
    assert search_targets("", goals=["SDG-7", "14"])["goal"].tolist() == [7] * 5 + [14] * 10
    assert search_targets("klimat", goals=[1, 2])["id"].tolist() == ["1.5", "2.4"]
    assert len(search_targets("")) == 169
    assert search_targets("inget sådant ord").empty
    with pytest.raises(ValidationError, match="not a goal: '18'"):
        search_targets("", goals=18)
    for bad in (13.0, "SDG-x", True, [7, None]):
        with pytest.raises(ValidationError, match="not a goal"):
            search_targets("", goals=bad)
    with pytest.raises(ValidationError):
        search_targets("klimat", lang="de")


def test_the_sweden_set_gives_34_nodes_and_1122_pairs_and_mkm_1_makes_35_and_1190():
    app = select_targets(lang="sv")
    assert list(app.model.nodes) == SWEDEN and len(SWEDEN) == 34
    assert app.model.n_pairs == 1122
    assert app.displays["summary"].value == ("<p><strong>34 delmål ger 1 122 par; med 6 deltagare och minst 2 svar "
                                             "per par tar det omkring 125 minuter per person.</strong></p>")
    app.controls["framework"].value = "miljomal"
    assert app.controls["framework_nodes"].options[1] == ("MKM-1 Begränsad klimatpåverkan", "MKM-1")
    app.controls["framework_nodes"].value = ("MKM-1",)
    app.controls["add_framework"].click()
    assert len(app.model.nodes) == 35 and app.model.nodes[-1] == "MKM-1" and app.model.n_pairs == 1190
    assert "35 delmål ger 1 190 par" in app.displays["summary"].value
    app.controls["chosen"].value = ("MKM-1", "1.3")
    app.controls["remove"].click()
    assert len(app.model.nodes) == 33 and "MKM-1" not in app.model.nodes
    assert app.displays["errors"].outputs == ()


def test_search_add_and_other_frameworks_in_the_view():
    app = select_targets(lang="en")
    app.controls["search"].value = "havsforsurning"
    label = "Minimize and address the impacts of ocean acidification…"
    assert app.controls["results"].options == ((f"14.3 {label}", "14.3"),)
    assert app.displays["hits"].value == "<p>1 matches.</p>"
    app.controls["results"].value = ("14.3",)
    app.controls["add"].click()
    assert "14.3" in app.model.nodes and len(app.model.nodes) == 35
    app.controls["search"].value = ""
    app.controls["goal"].value = 13
    assert [v for _, v in app.controls["results"].options] == ["13.1", "13.2", "13.3", "13.a", "13.b"]
    app.controls["framework"].value = "folkhalsomal"
    app.controls["framework_nodes"].value = ("FH-6", "FH-0")
    app.controls["add_framework"].click()
    assert app.model.nodes[-2:] == ("FH-0", "FH-6") and app.model.n_pairs == 37 * 36


def test_a_registered_user_framework_is_offered(tmp_path):
    table = pd.DataFrame({"id": ["HABO-1", "HABO-2"], "label_sv": ["Levande centrum", "Trygg skola"],
                          "label_en": ["Lively centre", "Safe school"], "group": ["HABO", "HABO"]})
    frameworks.register_from_table(table, title_sv="Habos mål", title_en="Habo's goals")
    try:
        app = select_targets(lang="sv", nodes=["7.2", "13.2"])
        assert ("Habos mål", "HABO") in app.controls["framework"].options
        app.controls["framework"].value = "HABO"
        assert app.controls["framework_nodes"].options == (("HABO-1 Levande centrum", "HABO-1"),
                                                           ("HABO-2 Trygg skola", "HABO-2"))
        app.controls["framework_nodes"].value = ("HABO-2",)
        app.controls["add_framework"].click()
        assert app.model.nodes == ("7.2", "13.2", "HABO-2") and app.model.n_pairs == 6
    finally:
        frameworks.unregister("HABO")


def test_start_sets_plan_options_and_errors_shown_not_raised():
    app = select_targets(lang="sv")
    app.controls["start"].value = ""
    app.controls["use_start"].click()
    assert app.model.nodes == () and app.model.n_pairs == 0
    assert "Välj minst två mål." in app.displays["summary"].value
    app.controls["start"].value = "mongolia2017"
    app.controls["use_start"].click()
    assert app.model.nodes[:2] == ("MN-1", "MN-2") and app.model.n_pairs == 17 * 16
    app.controls["respondents"].value = 4
    app.controls["by"].value = "rows"
    app.controls["overlap"].value = 1
    assert (app.model.respondents, app.model.by, app.model.overlap) == (4, "rows", 1)
    assert "272 par; med 4 deltagare som bedömer hela rader och minst 1 svar per par" in \
        app.displays["summary"].value
    app.controls["respondents"].value = 0
    (shown,) = app.displays["errors"].outputs
    assert "antalet deltagare måste vara ett heltal som är minst 1: '0'" in shown["data"]["text/plain"]
    assert "Värdet är återställt till 4." in shown["data"]["text/plain"]
    assert app.model.respondents == 4 and app.controls["respondents"].value == 4


def test_model_checks_ids_and_keeps_natural_order():
    model = SelectionModel(["13.2", "8.10", "7.2", "7.2", " 8.2 "], respondents=2, by="rows")
    assert model.nodes == ("7.2", "8.2", "8.10", "13.2") and model.n_pairs == 12
    with pytest.raises(UnknownIdError, match=r"'1\.20'"):
        model.add(["1.20"])
    with pytest.raises(ValidationError, match="unknown way to share out the pairs"):
        model.by = "columns"
    model.remove(["8.2", "5.5"])  # an id not chosen is ignored
    model.overlap = 1
    assert model.plan().assignment == {"R1": [("7.2", "8.10"), ("7.2", "13.2"), ("8.10", "7.2"), ("8.10", "13.2")],
                                       "R2": [("13.2", "7.2"), ("13.2", "8.10")]}


def test_create_writes_the_workshop_folder_with_the_chosen_nodes(tmp_path):
    app = select_targets(lang="sv")
    app.controls["framework"].value = "miljomal"
    app.controls["framework_nodes"].value = ("MKM-1",)
    app.controls["add_framework"].click()
    app.controls["respondents"].value = 5
    app.controls["kommun"].value = "Habo"
    app.controls["folder"].value = str(tmp_path / "workshop_habo")
    app.controls["create"].click()
    assert app.displays["errors"].outputs == ()
    folder = tmp_path / "workshop_habo"
    plan = read_plan(folder)
    assert plan.nodes == [*SWEDEN, "MKM-1"] and plan.n_pairs == 1190
    assert plan.respondents == ["R1", "R2", "R3", "R4", "R5"] and plan.by == "even" and plan.overlap == 2
    assert json.loads((folder / "workshop.json").read_text("utf-8"))["nodes"][-1] == "MKM-1"
    assert read_about(folder)["kommun"] == "0643" and read_about(folder)["lang"] == "sv"
    assert app.displays["created"].value == f"<p><strong>Workshopmappen är skapad: {folder}</strong></p>"
    app.controls["create"].click()  # the folder exists now: answers are never overwritten
    (shown,) = app.displays["errors"].outputs
    assert "workshopmappen finns redan och är inte tom" in shown["data"]["text/plain"]
    app.controls["folder"].value = "  "
    app.controls["create"].click()
    assert "workshopmappen behöver ett namn" in app.displays["errors"].outputs[0]["data"]["text/plain"]
    app.controls["folder"].value = str(tmp_path / "annan")
    app.controls["kommun"].value = "Atlantis"
    app.controls["create"].click()
    assert "Atlantis" in app.displays["errors"].outputs[0]["data"]["text/plain"]
    assert not (tmp_path / "annan").exists()


def test_search_nodes_covers_every_registered_framework():
    found = search_nodes("klimat")
    assert {"13.2", "MKM-1"} <= set(found["id"]) and found.columns.tolist() == [
        "id", "framework", "group", "label", "text"]
    assert found["id"].tolist() == sorted(found["id"], key=frameworks.node_sort_key)
    assert search_nodes("levnadsvanor", frameworks_="folkhalsomal")[["id", "group"]].values.tolist() == [["FH-6", "FH"]]
    assert search_nodes("fossilfri", lang="en", frameworks_=["EXB"])["label"].tolist() == [
        "Fossil-free municipality by 2035"]
    assert search_nodes("HAVSFORSURNING", frameworks_="sdg_target")["id"].tolist() == ["14.3"]
    assert search_nodes("inget sådant ord").empty
    table = pd.DataFrame({"id": ["HABO-1"], "label_sv": ["Levande centrum"], "label_en": [""], "group": ["Stad"]})
    frameworks.register_from_table(table)
    try:
        assert search_nodes("centrum")["id"].tolist() == ["HABO-1"]
    finally:
        frameworks.unregister("HABO")
    with pytest.raises(ValidationError):
        search_nodes("x", lang="de")
    with pytest.raises(UnknownIdError):
        search_nodes("x", frameworks_="NOPE")
