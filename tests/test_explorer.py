"""The explorer app (sdg_interactions.apps): links_of's rows, the model's checks, and the view driven
headless by setting widget values as a user would; expected values come from the bundled CSV files read
with plain pandas, not from the functions under test."""

from __future__ import annotations

import html
import math
import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from sdg_interactions.apps import Explorer, ExplorerModel, comments_of, explore, links_of
from sdg_interactions.errors import UnknownIdError, ValidationError
from sdg_interactions.frameworks import bundled_matrices
from sdg_interactions.matrix import toy_matrix

SWEDEN = "weitz2018_sweden"
#: One list item: the signed score in bold, then the other node's id.
ITEM = re.compile(r"<strong>([+−][0-9,.]+)</strong> (\S+) ")


def bundled_csv(name: str) -> pd.DataFrame:
    """A bundled matrix's long CSV as text columns and float scores, read with plain pandas."""
    path = bundled_matrices().set_index("name").loc[name, "path"]
    return pd.read_csv(path, dtype={"source": str, "target": str, "comment": str}, keep_default_na=False,
                       na_values={"score": [""]})


def numeric_key(node: str) -> tuple:
    """Natural order of purely numeric SDG target ids such as "17.11" (all of the Sweden matrix's)."""
    return tuple(int(part) for part in node.split("."))


def strongest(frame: pd.DataFrame, *, other: str, threshold: float = 1, top: int = 10, key=numeric_key) -> list:
    """``(other, score)`` of the ``top`` strongest links with |score| ≥ threshold, ties in natural order."""
    frame = frame[frame["score"].notna() & (frame["score"] != 0) & (frame["score"].abs() >= threshold - 1e-9)]
    rows = sorted(zip(frame[other], frame["score"], strict=True), key=lambda r: (-round(abs(r[1]), 9), key(r[0])))
    return rows[:top]


def items(widget_html: str) -> list[tuple[str, float]]:
    """``(id, score)`` of every item of a rendered list, in order."""
    return [(node, float(score.replace("−", "-").replace(",", "."))) for score, node in ITEM.findall(widget_html)]


def shown(app: Explorer) -> dict[str, str]:
    """What the view shows, gradient ids aside (the renderer numbers them anew on every chart)."""
    return {name: re.sub(r"gradient_\d+", "gradient", widget.value)
            for name, widget in app.displays.items() if name != "errors"}


def error_text(app: Explorer) -> str:
    return " ".join(out["data"]["text/plain"] for out in app.displays["errors"].outputs)


# --------------------------------------------------------------------------- links_of on the toy matrix
# A = [[·, 2, -2, 0], [0, ·, 3, 1], [0, 0, ·, -1], [1, 0, 0, ·]] over 1.1 … 1.4, rows influence columns.
@pytest.mark.parametrize(("node", "options", "expected", "total"), [
    ("1.1", {}, [("1.2", "1.1", "1.2", 2.0), ("1.3", "1.1", "1.3", -2.0)], 2),  # |2| tie: node order
    ("1.1", {"top": 1}, [("1.2", "1.1", "1.2", 2.0)], 2),
    ("1.3", {"direction": "in"}, [("1.2", "1.2", "1.3", 3.0), ("1.1", "1.1", "1.3", -2.0)], 2),
    ("1.3", {"direction": "in", "threshold": 2.5}, [("1.2", "1.2", "1.3", 3.0)], 1),
    ("1.4", {"direction": "in", "threshold": 0, "top": None},  # 1.1 → 1.4 is 0: no link, even at 0
     [("1.2", "1.2", "1.4", 1.0), ("1.3", "1.3", "1.4", -1.0)], 2),
    ("1.4", {}, [("1.1", "1.4", "1.1", 1.0)], 1),
    ("1.3", {"threshold": 2}, [], 0),
    ("1.2", {"threshold": 3}, [("1.3", "1.2", "1.3", 3.0)], 1),  # exactly the threshold counts
])
def test_links_of_gives_exactly_the_expected_rows_on_the_toy_matrix(node, options, expected, total):
    got = links_of(toy_matrix(), node, **options)
    want = pd.DataFrame(expected, columns=["other", "source", "target", "score"]).astype(
        {"other": object, "source": object, "target": object, "score": np.float64})
    pd.testing.assert_frame_equal(got, want)
    assert got.attrs["total"] == total


@pytest.mark.parametrize(("options", "error", "match"), [
    ({"node": "9.9"}, UnknownIdError, r"no such target in the matrix: '9.9'\. Valid: one of the matrix's targets: 1.1"),
    ({"threshold": 3.5}, ValidationError, r"outside the scale: '3.5'\. Valid: a number from 0 to 3"),
    ({"threshold": -1}, ValidationError, r"'-1'\. Valid: a number from 0 to 3"),
    ({"threshold": float("nan")}, ValidationError, r"Valid: a number from 0 to 3"),
    ({"threshold": True}, ValidationError, r"Valid: a number from 0 to 3"),
    ({"top": 0}, ValidationError, r"too small: '0'\. Valid: a whole number of 1 or more"),
    ({"top": 2.5}, ValidationError, r"Valid: a whole number of 1 or more"),
    ({"direction": "up"}, ValidationError, r"unknown direction: 'up'\. Valid: 'out'"),
])
def test_links_of_raises_the_librarys_errors_for_what_a_user_can_get_wrong(options, error, match):
    arguments = {"node": "1.1", **options}
    with pytest.raises(error, match=match):
        links_of(toy_matrix(), arguments.pop("node"), **arguments)


def test_links_of_averages_respondents_and_joins_their_comments(roundtrip_dataset):
    got = links_of(roundtrip_dataset, "1.1", threshold=0, top=None)
    answers = roundtrip_dataset["score"].sel(source="1.1").to_pandas()  # respondent × target
    means = answers.mean(axis=0).drop("1.1").dropna()
    assert dict(zip(got["other"], got["score"], strict=True)) == means[means != 0].to_dict()
    comment = dict(zip(got["other"], got["comment"], strict=True))
    assert comment["8.2"] == "anna: first line\nsecond line; bertil: emoji 🌍 and ß"
    assert comment["1.a"] == "anna: sjöar, åar och ängar; bertil: \ttab first"
    assert comments_of(toy_matrix()) is None and "comment" not in links_of(toy_matrix(), "1.1")


# --------------------------------------------------------------------------- the model
def test_model_checks_every_value_with_the_librarys_errors():
    model = ExplorerModel(SWEDEN, node="7.2")
    for name, value, error in [("node", "99.9", UnknownIdError), ("threshold", 4.0, ValidationError),
                               ("threshold", -0.5, ValidationError), ("top", 0, ValidationError),
                               ("direction", "up", ValidationError), ("lang", "de", ValidationError),
                               ("level", "kommun", ValidationError)]:
        with pytest.raises(error):
            setattr(model, name, value)
    assert (model.node, model.threshold, model.top, model.direction, model.lang, model.level) == (
        "7.2", 1.0, 10, "out", "sv", "target")


def test_model_moves_the_node_between_target_and_goal_level():
    model = ExplorerModel(SWEDEN, node="7.3")
    model.level = "goal"
    assert model.node == "SDG-7" and model.nodes[0] == "SDG-1" and len(model.nodes) == 17
    model.level = "target"
    assert model.node == "7.3"  # back to the target it came from, not the goal's first
    model.load("mongolia2017")
    assert model.node == "MN-1" and model.name == "mongolia2017" and model.comments is not None


# --------------------------------------------------------------------------- the view, headless
@pytest.fixture(scope="module")
def sweden() -> pd.DataFrame:
    return bundled_csv(SWEDEN)


def test_explorer_lists_and_chart_follow_the_node(sweden):
    app = explore(SWEDEN)
    assert app.model.node == "1.3" and app.controls["node"].value == "1.3"
    before = app.displays["chart"].value
    app.controls["node"].value = "7.2"
    assert app.model.node == "7.2"
    want = strongest(sweden[sweden["source"] == "7.2"], other="target")
    assert want[:2] == [("9.4", 3.0), ("13.2", 3.0)] and len(want) == 10
    assert items(app.displays["promotes"].value) == [(o, s) for o, s in want if s > 0]
    assert items(app.displays["hinders"].value) == [(o, s) for o, s in want if s < 0] == [
        ("6.6", -2.0), ("6.5", -1.0), ("7.3", -1.0)]
    assert "<h4" in app.displays["promotes"].value and "Främjar (7)" in app.displays["promotes"].value
    assert "Hämmar (3)" in app.displays["hinders"].value
    assert "9.4 Uppgradera all industri" in app.displays["promotes"].value  # label beside the id
    assert "odelbar (starkt främjande)" in app.displays["promotes"].value  # the scale point in words
    passing = sweden[(sweden["source"] == "7.2") & (sweden["score"].abs() >= 1)]
    assert f"de 10 starkaste av {len(passing)} samband" in app.displays["summary"].value

    chart = app.displays["chart"].value
    assert chart != before and "<svg" in chart and 'role="img"' in chart and "<title>" in chart
    assert chart.count('aria-roledescription="bar"') == 10  # one mark per listed link
    alt = html.unescape(re.search(r'aria-label="([^"]*)"', chart).group(1))
    assert alt.startswith("Stapeldiagram över hur 7.2 ") and "Främjar: 9.4 +3, 13.2 +3, 8.4 +2" in alt
    assert alt.endswith("Hämmar: 6.6 −2, 6.5 −1, 7.3 −1.")


def test_explorer_direction_in_threshold_and_top(sweden):
    app = explore(SWEDEN, node="7.2")
    app.controls["direction"].value = "in"
    want = strongest(sweden[sweden["target"] == "7.2"], other="source")
    assert items(app.displays["promotes"].value) == [(o, s) for o, s in want if s > 0]
    assert items(app.displays["hinders"].value) == [(o, s) for o, s in want if s < 0]
    assert "Främjas av" in app.displays["promotes"].value and "Hämmas av" in app.displays["hinders"].value
    app.controls["threshold"].value = 2
    app.controls["top"].value = 3
    want = strongest(sweden[sweden["target"] == "7.2"], other="source", threshold=2, top=3)
    assert want == [("12.1", 2), ("13.1", -2), ("13.2", 2)]  # four links of |2|: 17.13 is cut, in node order
    assert "de 3 starkaste av 4 samband med |poäng| ≥ 2" in app.displays["summary"].value
    assert items(app.displays["promotes"].value) == [(o, s) for o, s in want if s > 0]
    assert items(app.displays["hinders"].value) == [(o, s) for o, s in want if s < 0]
    assert app.displays["chart"].value.count('aria-roledescription="bar"') == len(want)


def test_switching_the_language_changes_headings_labels_and_controls():
    app = explore(SWEDEN, node="7.2")
    sv = shown(app)
    app.controls["lang"].value = "en"
    assert "Promotes (7)" in app.displays["promotes"].value and "Hinders (3)" in app.displays["hinders"].value
    assert "Främjar" not in app.displays["promotes"].value
    assert "indivisible (strongly promoting)" in app.displays["promotes"].value
    assert app.displays["summary"].value.startswith("<p><strong>7.2 Renewable energy: the 10 strongest")
    assert 'aria-label="Bar chart of how 7.2' in app.displays["chart"].value
    assert app.controls["node"].description == "Start from" and app.controls["node"].label.startswith("7.2 ")
    assert app.controls["direction"].options == (("what it influences", "out"), ("what influences it", "in"))
    assert app.controls["node"].value == "7.2" and app.model.direction == "out"  # relabelling kept the values
    app.controls["lang"].value = "sv"
    assert shown(app) == sv


def test_goal_level_shows_goal_means(sweden):
    app = explore(SWEDEN, node="7.2")
    app.controls["level"].value = "goal"
    assert app.model.node == "SDG-7" and app.controls["node"].value == "SDG-7"
    assert len(app.controls["node"].options) == 17
    goal = sweden.assign(g_source="SDG-" + sweden["source"].str.split(".").str[0],
                         g_target="SDG-" + sweden["target"].str.split(".").str[0])
    cells = goal[(goal["g_source"] == "SDG-7") & (goal["g_target"] != "SDG-7") & goal["score"].notna()]
    means = cells.groupby("g_target")["score"].mean().reset_index()
    want = strongest(means, other="g_target", key=lambda g: int(g.split("-")[1]))
    got = items(app.displays["promotes"].value) + items(app.displays["hinders"].value)
    assert [o for o, _ in got] == [o for o, s in want if s > 0] + [o for o, s in want if s < 0]
    assert all(math.isclose(s, round(dict(want)[o], 2)) for o, s in got)
    assert got[0] == ("SDG-9", 2.5)
    assert "Målnivå" in app.displays["summary"].value and "medelvärde" in app.displays["promotes"].value
    assert 'aria-label="Stapeldiagram över hur SDG-7 ' in app.displays["chart"].value
    assert "Hur SDG-7 påverkar andra globala mål" in app.displays["chart"].value
    app.controls["level"].value = "target"
    assert app.controls["node"].value == "7.2" and len(app.controls["node"].options) == 34


@pytest.mark.parametrize(("control", "bad", "lang", "words"), [
    ("threshold", 5.0, "sv", ["Gränsen för |poäng| ligger utanför skalan: 5", "ett tal från 0 till 3",
                              "återställt till 1"]),
    ("threshold", -1.0, "en", ["outside the scale: −1", "Valid: a number from 0 to 3", "reset to 1"]),
    ("top", 0, "sv", ["för litet: 0", "ett heltal som är 1 eller större", "återställt till 10"]),
])
def test_a_bad_value_shows_an_error_in_the_output_and_nothing_raises(control, bad, lang, words):
    app = explore(SWEDEN, node="7.2", lang=lang)
    before = shown(app)
    assert app.displays["errors"].outputs == ()
    app.controls[control].value = bad  # must not raise
    message = error_text(app)
    assert all(word in message for word in words), message
    assert "role='alert'" in app.displays["errors"].outputs[0]["data"]["text/html"]
    assert app.controls[control].value == getattr(app.model, control) == {"threshold": 1.0, "top": 10}[control]
    assert shown(app) == before
    app.controls["threshold"].value = 2.0  # the next valid change clears the message
    assert app.displays["errors"].outputs == ()


def test_matrix_chooser_switches_to_a_bundled_matrix_with_comments():
    app = explore(SWEDEN, node="7.2")
    assert [v for _, v in app.controls["matrix"].options] == bundled_matrices()["name"].tolist()
    app.controls["matrix"].value = "mongolia2017"
    assert app.model.node == "MN-1" and app.controls["node"].value == "MN-1"
    mongolia = bundled_csv("mongolia2017")
    row = mongolia[mongolia["source"] == "MN-1"]
    want = strongest(row, other="target", key=lambda n: int(n.split("-")[1]))
    assert items(app.displays["promotes"].value) == [(o, s) for o, s in want if s > 0]
    first = row.set_index("target").loc[want[0][0], "comment"]
    assert f"Kommentar: “{html.escape(first)}”" in app.displays["promotes"].value
    assert "No drinking water without water resources" in first
    app.controls["matrix"].value = SWEDEN
    assert app.model.node == "1.3" and app.model.comments is None


def test_own_dataset_with_respondents_keeps_its_comments_and_can_be_chosen_again(roundtrip_dataset):
    app = explore(roundtrip_dataset, node="1.1", lang="en")
    assert app.controls["matrix"].value == "" and app.controls["matrix"].options[0] == ("Your matrix: untitled", "")
    assert items(app.displays["promotes"].value)[0] == ("8.2", 3.0)
    assert "Comment: “anna: first line\nsecond line; bertil: emoji 🌍 and ß”" in app.displays["promotes"].value
    app.controls["matrix"].value = SWEDEN
    assert app.model.name == SWEDEN and app.controls["matrix"].options[0][1] == ""
    app.controls["matrix"].value = ""
    assert app.model.node == "1.1" and app.model.comments is not None and error_text(app) == ""
    app.controls["level"].value = "goal"  # a non-SDG group ("MKM") at goal level: lists still shown
    assert app.model.node == "SDG-1" and items(app.displays["promotes"].value)


def test_a_matrix_file_opens_under_its_file_name(tmp_path):
    path = tmp_path / "vår_kommun.csv"
    path.write_text("source,target,score,comment\n1.1,1.2,2,bra för båda\n1.2,1.1,-1,\n", encoding="utf-8")
    app = explore(path)
    assert app.controls["matrix"].options[0] == ("Egen matris: vår_kommun.csv", "")
    assert items(app.displays["promotes"].value) == [("1.2", 2.0)]
    assert "Kommentar: “bra för båda”" in app.displays["promotes"].value
    app.controls["direction"].value = "in"
    assert items(app.displays["hinders"].value) == [("1.2", -1.0)] and "Hämmas av (1)" in app.displays["hinders"].value


def test_import_sdg_interactions_does_not_import_the_apps():
    code = "import sys, sdg_interactions; print('sdg_interactions.apps' in sys.modules, 'ipywidgets' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "False"]
