"""The scoring app's view without a browser: no click moves the focus, comments and marks land on the pair
they were typed for (also when their value arrives after a move), the status line carries the class the
page's script hides, no icon font, and the overview names both nodes of each cell.

The browser side (the real message order, a phone's width) is in ``test_browser_scoring.py``."""

from __future__ import annotations

import html
import re
import shutil

import ipywidgets as widgets
import pytest

from sdg_interactions import frameworks
from sdg_interactions.apps import _render
from sdg_interactions.apps._scoring_view import STATUS_CLASS, ScoringApp
from sdg_interactions.apps.scoring import scoring_app
from sdg_interactions.apps.workshop import new_workshop, read_about, read_plan
from sdg_interactions.io.journal import read_journal
from sdg_interactions.plots.base import name_of

NODES = ["7.2", "11.6", "13.2", "9.4"]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return new_workshop(tmp_path_factory.mktemp("template") / "ws", NODES, kommun="Habo", respondents=1)


@pytest.fixture
def folder(template, tmp_path):
    folder = shutil.copytree(template, tmp_path / "ws")
    about = folder / "om.json"  # the join code works (drop-ins on), whatever the default
    about.write_text(about.read_text("utf-8").replace('"drop_in": false', '"drop_in": true'), "utf-8")
    return folder


def join(folder, lang: str = "sv") -> ScoringApp:
    app = scoring_app(folder, lang=lang)
    app.controls["pseudonym"].value = "Räv 7"
    app.controls["code"].value = read_about(folder)["join_code"]
    app.controls["join"].click()
    shown = " ".join(out["data"]["text/plain"] for out in app.displays["errors"].outputs)
    assert app.screen == "pair", shown
    return app


def lines(app) -> list[tuple]:
    return [(a.source, a.target, a.score, a.comment, a.uncertain) for a in read_journal(app.model.journal_file)]


def all_widgets(root: widgets.Widget) -> list[widgets.Widget]:
    found, todo = [], [root]
    while todo:
        widget = todo.pop()
        found.append(widget)
        todo.extend(getattr(widget, "children", ()))
    return found


@pytest.fixture
def focused(monkeypatch):
    """Every widget ``.focus()`` is called on, in order."""
    calls = []
    monkeypatch.setattr(widgets.DOMWidget, "focus", lambda self: calls.append(self))
    return calls


def test_no_click_moves_the_focus_only_joining_does(folder, focused):
    app = join(folder)
    assert focused == [app.controls["keys"]]  # after joining: the keyboard field, the first field of the screen
    focused.clear()
    c = app.controls
    app.score_buttons[2].click()
    c["comment"].value = "Motivering åäö nr 1"
    c["uncertain"].value = True
    for name in ("next", "back", "skip", "next_unscored", "clear", "retry"):
        c[name].click()
    app.score_buttons[-3].click()
    c["overview"].click()
    app.overview_cells[app.model.pairs[3]].click()
    assert app.screen == "pair" and app.model.position == 3
    c["keys"].value = "1"  # typed and left: scored, no move
    assert app.model.score == 1 and app.model.position == 3
    assert focused == [], [type(w).__name__ for w in focused]


def test_the_comment_and_mark_go_with_the_score_click(folder):
    app = join(folder)
    app.controls["comment"].value = "Motivering åäö nr 17"
    app.controls["uncertain"].value = True
    app.score_buttons[-1].click()
    first = app.model.pairs[0]
    assert lines(app)[-1] == (*first, -1, "Motivering åäö nr 17", True)


def test_a_comment_that_arrives_after_a_move_is_recorded_on_its_own_pair_unseen(folder):
    app = join(folder)
    model = app.model
    first, second = model.pairs[0], model.pairs[1]
    comment, uncertain = app.controls["comment"], app.controls["uncertain"]  # pair 1's own fields
    app.score_buttons[2].click()
    app.controls["next"].click()
    assert model.position == 1 and app.controls["comment"] is not comment
    headings = []
    app.displays["heading"].observe(lambda change: headings.append(change.new), "value")
    comment.value = "Motivering åäö nr 1"  # the browser held it back: it comes after the click on Nästa
    uncertain.value = True
    assert lines(app) == [(*first, 2, "", False), (*first, 2, "Motivering åäö nr 1", False),
                          (*first, 2, "Motivering åäö nr 1", True)]
    assert model.position == 1 and model.pair == second and model.score is None and model.comment == ""
    assert app.controls["comment"].value == "" and not app.controls["uncertain"].value
    assert all("Par 2 av" in h for h in headings), headings  # pair 1 was never drawn again
    app.controls["comment"].value = "tvåan"  # pair 2's own field: on pair 2
    assert lines(app)[-1] == (*second, None, "tvåan", False)
    app.controls["back"].click()
    assert app.controls["comment"] is comment and comment.value == "Motivering åäö nr 1" and uncertain.value
    assert re.sub(r"<[^>]+>", "", app.displays["status"].value) == "✓ Sparat"


def test_a_late_value_equal_to_what_is_saved_writes_nothing(folder):
    app = join(folder)
    comment = app.controls["comment"]
    comment.value = "samma"
    app.controls["next"].click()
    before = lines(app)
    comment.value = "samma"  # unchanged: no traitlets event, no line
    app.controls["back"].click()
    assert lines(app) == before == [(*app.model.pairs[0], None, "samma", False)]


def test_the_status_line_has_the_class_the_page_hides_and_no_button_has_an_icon(folder):
    app = join(folder)
    assert STATUS_CLASS == "sdgi-status" and STATUS_CLASS in app.displays["status"]._dom_classes
    app.controls["overview"].click()
    buttons = [w for w in all_widgets(app) if isinstance(w, widgets.Button)]
    assert len(buttons) > 12 and all(b.icon == "" for b in buttons)
    assert "sdgi-scoring" in app._dom_classes
    style = next(w for w in app.children if isinstance(w, widgets.HTML) and w.value.startswith("<style>"))
    assert style.layout.display == "none" and ".sdgi-grid" in style.value and "http" not in style.value


def test_overview_cells_and_headers_name_both_nodes(folder):
    app = join(folder)
    app.model.answer(-2, uncertain=True)
    app.controls["overview"].click()
    info = frameworks.node_info(read_plan(folder).nodes)

    def name(node, lang):
        return name_of(node, str(info.loc[node, f"label_{lang}"]), limit=_render.NAME_LIMIT)

    source, target = app.model.pairs[0]
    cell = app.overview_cells[(source, target)]
    assert "sdgi-cell" in cell._dom_classes and cell.description == "−2?"
    assert cell.tooltip.startswith(f"{name(source, 'sv')} → {name(target, 'sv')}: −2 ")
    assert str(info.loc[source, "label_sv"]) in cell.tooltip and str(info.loc[target, "label_sv"]) in cell.tooltip
    grid = next(w for w in all_widgets(app) if isinstance(w, widgets.GridBox))
    assert "sdgi-grid" in grid._dom_classes
    heads = {re.sub(r"<[^>]+>", "", w.value): w.value for w in grid.children if isinstance(w, widgets.HTML)}
    assert set(heads) == {"påverkar →", *NODES}  # compact: ids only, the corner's word
    assert f"title='{html.escape(name(source, 'sv'), quote=True)}'" in heads[source]
    app.model.lang = "en"
    heads = {re.sub(r"<[^>]+>", "", w.value): w.value for w in grid.children if isinstance(w, widgets.HTML)}
    assert f"title='{html.escape(name(source, 'en'), quote=True)}'" in heads[source]
    assert cell.tooltip.startswith(f"{name(source, 'en')} → {name(target, 'en')}: −2 ")
    assert app.controls["comment"].description == "Comment"


def test_the_stylesheet_helper_keeps_its_css_in_its_element():
    sheet = _render.stylesheet(".sdgi-x { color: #000; }")
    assert sheet.value == "<style>.sdgi-x { color: #000; }</style>" and sheet.layout.display == "none"
    with pytest.raises(ValueError):
        _render.stylesheet("</style><script>alert(1)</script>")


def test_the_scoring_app_does_not_import_altair_and_its_alert_colour_is_the_charts():
    """A participant's kernel starts without altair (about 2 s of CPU each on a busy 2-core machine)."""
    import subprocess
    import sys

    code = ("import sys; from sdg_interactions.apps.scoring import scoring_app; "
            "from sdg_interactions.apps import _render; _render.error_html('x'); print('altair' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
    from sdg_interactions.apps._render import ALERT_COLOR
    from sdg_interactions.plots.base import NEGATIVE_COLOR

    assert ALERT_COLOR == NEGATIVE_COLOR
