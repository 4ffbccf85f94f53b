"""The scenario app (sdg_interactions.apps.scenario): its pure functions and the view driven headless by
setting widget values and clicking buttons as a user would. The Sweden matrix's links that the tests rely
on are read from the bundled CSV file with plain pandas first, not from the functions under test."""

from __future__ import annotations

import html
import json

import numpy as np
import pandas as pd
import pytest

from sdg_interactions.analysis import explain_portfolio, portfolio, scenario, triggered_conflicts
from sdg_interactions.apps._scenario_logic import (
    FORMAT,
    SHOWN,
    VERSION,
    check_scenario,
    conflict_line,
    evaluate,
    load_scenario,
    message_of,
    parse_effort,
    priority_conflicts,
    save_scenario,
)
from sdg_interactions.apps.scenario import ScenarioApp, ScenarioModel, scenario_app
from sdg_interactions.errors import InputFormatError, UnknownIdError, ValidationError
from sdg_interactions.frameworks import bundled_matrices
from sdg_interactions.io import load_dataset, load_matrix
from sdg_interactions.matrix import toy_matrix

SWEDEN = "weitz2018_sweden"
NOTE = "Vi prioriterar sjöar, åar och ängar – öppet för ändring"


@pytest.fixture(scope="module")
def sweden():
    return load_matrix(SWEDEN)


@pytest.fixture(scope="module")
def sweden_csv() -> pd.DataFrame:
    path = bundled_matrices().set_index("name").loc[SWEDEN, "path"]
    frame = pd.read_csv(path, dtype={"source": str, "target": str}, keep_default_na=False, na_values={"score": [""]})
    return frame.set_index(["source", "target"])["score"]


def error_text(app: ScenarioApp) -> str:
    return " ".join(out["data"]["text/plain"] for out in app.displays["errors"].outputs)


def tick(app: ScenarioApp, *nodes: str) -> None:
    for node in nodes:
        app.checkboxes[node].value = True


# --------------------------------------------------------------------------- the data the tests rely on
def test_the_sweden_links_the_tests_use_are_as_scored(sweden_csv):
    assert sweden_csv[("7.2", "6.6")] == -2  # renewable energy hinders water ecosystems
    assert sweden_csv[("13.1", "7.2")] == -2  # climate resilience hinders renewable energy
    assert sweden_csv[("7.2", "13.1")] == 1


# --------------------------------------------------------------------------- the pure functions
@pytest.mark.parametrize(("priorities", "efforts"), [
    (["7.2"], None), (["13.1", "7.2"], None), (["7.2", "13.1", "16.6"], [2.0, 0.5, 1.0]), (["12.1"], [3.0]),
])
def test_class_tables_hold_exactly_the_classes_and_effects_of_scenario(sweden, priorities, efforts):
    found = evaluate(sweden, priorities, efforts)
    want = scenario(sweden, priorities, efforts=efforts)
    classes = want["class"].to_series()
    for cls in SHOWN:
        table = found.tables[cls]
        assert sorted(table["node"]) == sorted(classes[classes == cls].index), cls
        for name in ("direct_pos", "direct_neg", "indirect_pos", "indirect_neg", "effect_net"):
            np.testing.assert_allclose(table[name], want[name].sel(node=table["node"].tolist()).to_numpy())
    assert sum(len(t) for t in found.tables.values()) == len(sweden["source"])
    pd.testing.assert_frame_equal(found.triggered, triggered_conflicts(sweden, priorities))


def test_at_risk_lists_the_links_that_put_a_node_at_risk(sweden):
    found = evaluate(sweden, ["7.2"])
    at_risk = found.tables["at_risk"].set_index("node")
    assert at_risk.loc["6.6", "harm"] == [{"source": "7.2", "score": -2.0, "comment": ""}]
    assert at_risk.loc["6.6", "direct_neg"] == -2
    assert found.tables["prioritised"]["node"].tolist() == ["7.2"]
    assert found.tables["prioritised"]["effort"].tolist() == [1.0]
    assert ("7.2", 3.0) in found.tables["comes_along"].set_index("node").loc["9.4", "support"]


def test_the_conflicts_between_priorities_are_those_whose_target_is_a_priority(sweden):
    found = evaluate(sweden, ["13.1", "7.2"])
    assert found.among[["source", "target", "score"]].to_numpy().tolist() == [["13.1", "7.2", -2.0]]
    assert [conflict_line(r, "sv") for r in found.among.to_dict("records")] == ["13.1 hämmar 7.2 (−2)"]
    assert [conflict_line(r, "en") for r in found.among.to_dict("records")] == ["13.1 hinders 7.2 (−2)"]
    assert evaluate(sweden, ["7.2"]).among.empty  # 7.2 alone: its conflicts hit no other priority
    toy = priority_conflicts(triggered_conflicts(toy_matrix(), ["1.1", "1.3"]), ["1.1", "1.3"])
    assert toy[["source", "target", "score"]].to_numpy().tolist() == [["1.1", "1.3", -2.0]]


def test_no_priorities_give_empty_tables_not_an_error(sweden):
    found = evaluate(sweden, [])
    assert found.result is None and found.among.empty and all(t.empty for t in found.tables.values())
    full = evaluate(sweden, ["7.2", "13.1"]).tables
    assert all(list(found.tables[cls].columns) == list(full[cls].columns) for cls in SHOWN)
    assert list(full["prioritised"].columns)[-2:] == ["support", "effort"] and "harm" in full["at_risk"]


@pytest.mark.parametrize(("value", "expected"), [("1,5", 1.5), (" 2 ", 2.0), ("0.5", 0.5), (3, 3.0)])
def test_parse_effort_reads_numbers_as_people_type_them(value, expected):
    assert parse_effort(value, "7.2") == expected


@pytest.mark.parametrize("value", ["0", 0, "-1", "abc", "", float("nan"), True, None, "inf"])
def test_parse_effort_refuses_what_is_not_a_positive_number(value):
    with pytest.raises(ValidationError, match=r"effort for 7\.2 must be a number greater than 0.*Valid: a number"):
        parse_effort(value, "7.2")


def test_check_scenario_names_the_bad_value_and_close_ids():
    ids = ["7.1", "7.2", "13.1"]
    assert check_scenario([" 7.2", "13.1"], None, ids) == (("7.2", "13.1"), (1.0, 1.0))
    with pytest.raises(UnknownIdError, match=r"not a target of this matrix: '7\.9'\. Valid: .*7\.1"):
        check_scenario(["7.9"], None, ids)
    with pytest.raises(ValidationError, match=r"target given twice: '7\.2'"):
        check_scenario(["7.2", "7.2"], None, ids)
    with pytest.raises(ValidationError, match=r"number of efforts does not match"):
        check_scenario(["7.2"], [1, 2], ids)


# --------------------------------------------------------------------------- scenario files
def test_save_and_load_round_trip_keeps_priorities_efforts_and_the_note(tmp_path, sweden):
    path = save_scenario(tmp_path / "plan.json", ["13.1", "7.2"], [2, 1.5], SWEDEN, "sv", NOTE, matrix=sweden)
    raw = path.read_text(encoding="utf-8")
    assert NOTE in raw  # å, ä, ö written as they are, UTF-8
    content = json.loads(raw)
    assert (content["format"], content["version"], content["matrix"]) == (FORMAT, VERSION, SWEDEN)
    saved = load_scenario(path, sweden)
    assert (saved.priorities, saved.efforts, saved.note, saved.lang, saved.matrix_name) == (
        ("13.1", "7.2"), (2.0, 1.5), NOTE, "sv", SWEDEN)
    assert load_scenario(path).priorities == ("13.1", "7.2")  # the matrix the file names
    assert [p.name for p in tmp_path.iterdir()] == ["plan.json"]  # no temporary file left behind


def test_save_refuses_a_folder_that_does_not_exist(tmp_path):
    with pytest.raises(ValidationError, match=r"could not be saved.*Valid: a folder that exists"):
        save_scenario(tmp_path / "nowhere" / "plan.json", ["7.2"])


def write(path, content) -> None:
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")


GOOD = {"format": FORMAT, "version": 1, "matrix": SWEDEN, "lang": "sv", "priorities": ["7.2"], "efforts": [1],
        "note": ""}


@pytest.mark.parametrize(("content", "error", "match"), [
    ({**GOOD, "priorities": ["7.2", "99.9"]}, UnknownIdError, r"'priorities': not a target of this matrix: '99\.9'\. "
                                                              r"Valid: one of the matrix's 34 targets"),
    ('{"format": "sdg_interactions.scenario", "priorities": ["7.2"', InputFormatError,
     r"not valid JSON \(line 1, column \d+\): '\{\"format\".*Valid: a file saved with"),
    ({**GOOD, "format": "something.else"}, InputFormatError,
     r"'format': this is not a scenario file: 'something\.else'\. Valid: .*sdg_interactions\.scenario"),
    ([1, 2], InputFormatError, r"not a scenario file: 'list'"),
    ({**GOOD, "version": 99}, InputFormatError, r"'version': .*newer version: '99'\. Valid: version 1 or lower"),
    ({**GOOD, "efforts": [0]}, ValidationError, r"'efforts': the effort for 7\.2 must be .*: '0'\. Valid"),
    ({**GOOD, "priorities": []}, ValidationError, r"no priorities: '\[\]'\. Valid: at least one"),
    ({**GOOD, "priorities": "7.2"}, ValidationError, r"must be a list of targets: '7\.2'"),
    ({**GOOD, "note": 3}, ValidationError, r"'note': the field must be text: '3'"),
])
def test_load_names_the_file_and_the_bad_value(tmp_path, sweden, content, error, match):
    path = tmp_path / "trasig.json"
    write(path, content)
    with pytest.raises(error, match=match) as caught:
        load_scenario(path, sweden)
    assert str(caught.value).startswith(str(path)) and "Valid: " in str(caught.value)
    assert message_of(caught.value, "sv").startswith(str(path)) and "Giltigt: " in message_of(caught.value, "sv")


def test_load_of_a_missing_or_binary_file_is_our_error(tmp_path, sweden):
    with pytest.raises(InputFormatError, match=r"saknas\.json: no such file"):
        load_scenario(tmp_path / "saknas.json", sweden)
    (tmp_path / "bild.json").write_bytes(b"\x89PNG\r\n\x1a\n\xff\xfe")
    with pytest.raises(InputFormatError, match=r"bild\.json: the file cannot be read"):
        load_scenario(tmp_path / "bild.json", sweden)


# --------------------------------------------------------------------------- the app, headless
def test_an_empty_selection_shows_a_friendly_hint():
    app = ScenarioApp()
    assert app.model.name == SWEDEN and len(app.checkboxes) == 34
    assert "Kryssa i minst" not in app.displays["summary"].value
    assert "Inget delmål är valt än" in app.displays["summary"].value
    assert not app.displays["errors"].outputs and app.displays["conflicts"].value == ""
    assert all(app.displays[cls].value == "" for cls in SHOWN)


def test_ticking_7_2_shows_6_6_at_risk_with_its_score(sweden):
    app = ScenarioApp(sweden)
    tick(app, "7.2")
    assert app.model.priorities == ("7.2",)
    assert "6.6" in app.model.evaluation.tables["at_risk"]["node"].tolist()
    shown = app.displays["at_risk"].value
    assert "I riskzonen" in shown and "6.6 Skydda och återställ vattenrelaterade ekosystem" in shown
    assert "7.2 (−2)" in shown
    assert "1 prioriterade" in app.displays["summary"].value
    assert "Inga av era prioriteringar hämmar varandra" in app.displays["conflicts"].value
    assert set(app.effort_inputs) == {"7.2"} and app.effort_inputs["7.2"].value == "1"


def test_ticking_13_1_and_7_2_shows_their_conflict_in_its_own_box():
    app = ScenarioApp(SWEDEN)
    tick(app, "13.1", "7.2")
    box = app.displays["conflicts"].value
    assert "Målkonflikter mellan era prioriteringar (1)" in box and "13.1 hämmar 7.2 (−2)" in box
    app.checkboxes["13.1"].value = False
    assert app.model.priorities == ("7.2",) and "(0)" in app.displays["conflicts"].value


def test_the_app_tables_are_the_classes_of_scenario(sweden):
    app = ScenarioApp(SWEDEN, priorities=["16.6", "12.1"], efforts=[2, 1])
    want = scenario(sweden, ["16.6", "12.1"], efforts=[2, 1])["class"].to_series()
    for cls in SHOWN:
        assert sorted(app.model.evaluation.tables[cls]["node"]) == sorted(want[want == cls].index)
        assert f"({(want == cls).sum()})</h4>" in app.displays[cls].value


def test_taking_the_proposal_ticks_exactly_its_nodes(sweden):
    app = ScenarioApp(SWEDEN, priorities=["7.2"])
    app.controls["k"].value = 3
    app.controls["take"].click()
    chosen = portfolio(sweden, 3).chosen
    assert app.model.priorities == chosen == ("4.4", "8.4", "16.6")
    assert sorted(n for n, box in app.checkboxes.items() if box.value) == sorted(chosen)
    assert html.escape(explain_portfolio(portfolio(sweden, 3), lang="sv")) in app.displays["proposal"].value
    app.controls["lang"].value = "en"
    assert html.escape(explain_portfolio(portfolio(sweden, 3), lang="en")) in app.displays["proposal"].value


def test_an_impossible_k_is_shown_and_the_scenario_kept():
    app = ScenarioApp(SWEDEN, priorities=["7.2"])
    app.controls["k"].value = 40
    app.controls["take"].click()
    assert "40" in error_text(app) and "1 till 34" in error_text(app) and app.model.priorities == ("7.2",)


def test_changing_the_language_switches_every_text():
    app = ScenarioApp(SWEDEN, priorities=["13.1", "7.2"])
    assert app.checkboxes["7.2"].description.startswith("7.2 Öka andelen förnybar energi")
    app.controls["lang"].value = "en"
    assert app.model.lang == "en"
    assert app.checkboxes["7.2"].description.startswith("7.2 Renewable energy")
    assert "13.1 hinders 7.2 (−2)" in app.displays["conflicts"].value
    assert "At risk" in app.displays["at_risk"].value and "I riskzonen" not in app.displays["at_risk"].value
    assert app.controls["take"].description == "Use the proposal" and app.controls["save"].description == "Save"
    assert "2 prioritised" in app.displays["summary"].value
    app.controls["lang"].value = "sv"
    assert app.controls["take"].description == "Ta förslaget" and "hämmar" in app.displays["conflicts"].value


@pytest.mark.parametrize("value", ["0", "abc", "-2"])
def test_a_bad_effort_is_shown_and_the_state_kept(value):
    app = ScenarioApp(SWEDEN, priorities=["7.2", "13.1"], efforts=[2, 1])
    app.effort_inputs["7.2"].value = value
    assert "insatsen för 7.2 ska vara ett tal större än 0" in error_text(app)
    assert repr(value) in error_text(app) and "Giltigt: " in error_text(app)
    assert app.model.efforts == (2.0, 1.0) and app.effort_inputs["7.2"].value == "2"
    app.effort_inputs["7.2"].value = "1,5"  # a decimal comma works
    assert app.model.efforts == (1.5, 1.0) and not app.displays["errors"].outputs
    assert app.model.evaluation.result["direct_pos"].sel(node="9.4").item() == pytest.approx(1.5 * 3)


def test_search_hides_the_nodes_that_do_not_match():
    app = ScenarioApp(SWEDEN)
    app.controls["search"].value = "energi"
    shown = [n for n, box in app.checkboxes.items() if box.layout.display != "none"]
    assert shown == ["7.2", "7.3"]
    app.controls["search"].value = ""
    assert all(box.layout.display != "none" for box in app.checkboxes.values())


def test_save_and_open_in_the_app_round_trip(tmp_path):
    app = ScenarioApp(SWEDEN, priorities=["13.1", "7.2"], efforts=[2, 1], folder=tmp_path)
    app.controls["filename"].value = "vår plan"
    app.controls["note"].value = NOTE
    app.controls["save"].click()
    path = tmp_path / "vår plan.json"
    assert path.exists() and "sparat" in app.displays["notice"].value
    app.controls["clear"].click()
    app.controls["note"].value = ""
    assert app.model.priorities == ()
    app.controls["open"].click()
    assert (app.model.priorities, app.model.efforts) == (("13.1", "7.2"), (2.0, 1.0))
    assert app.controls["note"].value == NOTE and app.checkboxes["13.1"].value and app.checkboxes["7.2"].value
    assert "öppnat: 2 prioriteringar" in app.displays["notice"].value and not app.displays["errors"].outputs


def test_saving_over_a_file_asks_first(tmp_path):
    app = ScenarioApp(SWEDEN, priorities=["7.2"], folder=tmp_path)
    write(tmp_path / "scenario.json", "gammalt")
    app.controls["save"].click()
    assert "finns redan" in app.displays["notice"].value
    assert (tmp_path / "scenario.json").read_text(encoding="utf-8") == "gammalt"
    app.controls["save"].click()
    assert json.loads((tmp_path / "scenario.json").read_text(encoding="utf-8"))["priorities"] == ["7.2"]


@pytest.mark.parametrize(("content", "shown"), [
    ({**GOOD, "priorities": ["7.2", "99.9"]}, "delmålet finns inte i matrisen: '99.9'"),
    ("{inte json", "filen är inte giltig JSON (rad 1, kolumn 2)"),
    ({**GOOD, "format": "annat"}, "det här är ingen scenariofil: 'annat'"),
])
def test_opening_a_bad_file_is_shown_and_the_scenario_kept(tmp_path, content, shown):
    app = ScenarioApp(SWEDEN, priorities=["13.1"], efforts=[2], folder=tmp_path)
    app.controls["note"].value = "min anteckning"
    write(tmp_path / "trasig.json", content)
    app.controls["filename"].value = "trasig.json"
    app.controls["open"].click()
    assert str(tmp_path / "trasig.json") in error_text(app) and shown in error_text(app)
    assert "Inget är ändrat" in error_text(app)
    assert (app.model.priorities, app.model.efforts) == (("13.1",), (2.0,))
    assert app.controls["note"].value == "min anteckning" and app.checkboxes["13.1"].value


def test_several_respondents_are_averaged_and_their_comments_shown(roundtrip_dataset):
    app = scenario_app(roundtrip_dataset, priorities=["1.1"], lang="en")
    harm = app.model.evaluation.tables["at_risk"].set_index("node").loc["8.10", "harm"]
    assert harm == [{"source": "1.1", "score": -3.0, "comment": "=SUM(A1:A3)"}]  # anna's −3, her comment
    assert "1.1 (−3): “=SUM(A1:A3)”" in app.displays["at_risk"].value


def test_the_chart_is_drawn_when_asked_for():
    app = ScenarioApp(SWEDEN, priorities=["7.2"])
    assert app.displays["chart"].value == ""
    app.controls["chart"].value = True
    chart = app.displays["chart"].value
    assert "<svg" in chart and 'role="img"' in chart and "I riskzonen" not in error_text(app)
    app.controls["chart"].value = False
    assert app.displays["chart"].value == ""


def test_the_model_refuses_a_bad_start_with_our_errors():
    with pytest.raises(UnknownIdError, match=r"99\.9"):
        ScenarioModel(SWEDEN, priorities=["99.9"])
    with pytest.raises(ValidationError, match="'de'"):
        ScenarioModel(SWEDEN, lang="de")
    with pytest.raises(ValidationError, match="needs a matrix"):
        ScenarioModel(42)
    assert ScenarioModel(load_dataset(SWEDEN), priorities=["7.2"]).priorities == ("7.2",)


# --- the konsekvensanalys button, and the workshop folder's scenario notebook ---------------------


def test_the_konsekvens_button_writes_the_note_for_the_ticked_priorities(tmp_path, sweden):
    from docx import Document as Word

    app = ScenarioApp(sweden, folder=tmp_path)
    app.controls["konsekvens"].click()  # nothing ticked: a clear error, no file
    assert "Kryssa först i de delmål som beslutet gäller" in error_text(app)
    assert list(tmp_path.iterdir()) == []
    tick(app, "7.2")
    app.controls["decision"].value = "Solceller på kommunens tak"
    app.controls["konsekvens"].click()
    assert error_text(app) == ""
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == [f"konsekvens_solceller_pa_kommunens_tak.{f}" for f in ("docx", "html", "md")]
    words = "\n".join(p.text for p in Word(tmp_path / names[0]).paragraphs)
    assert "Solceller på kommunens tak" in words and "6.6" in words  # 7.2 hinders 6.6 at −2
    assert "konsekvens_solceller_pa_kommunens_tak.docx" in app.displays["notice"].value


@pytest.mark.slow
def test_the_workshop_folder_opens_the_scenario_app_on_its_merged_answers(tmp_path):
    import nbformat
    from nbclient import NotebookClient

    from sdg_interactions.apps.workshop import SCENARIO_NOTEBOOK, new_workshop

    folder = new_workshop(tmp_path / "ws", ["7.2", "6.6", "13.1"], kommun="Falköping", respondents=2)
    nb = nbformat.read(folder / SCENARIO_NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    shown = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.outputs)
    assert "Inga svar ännu" in shown
    (folder / "uppladdat" / "grupp.csv").write_text(
        "respondent,source,target,score\nA,7.2,6.6,-2\nA,13.1,7.2,-2\nB,7.2,6.6,-1\n", encoding="utf-8")
    nb = nbformat.read(folder / SCENARIO_NOTEBOOK, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(folder)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
