"""The scoring app (sdg_interactions.apps.scoring): driven headless as a participant would — setting widget
values and clicking buttons — and checked against the journal on disk, read back with read_journal."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import re
import shutil
import threading

import altair as alt
import pandas as pd
import pytest

from sdg_interactions.apps import claims, scoring
from sdg_interactions.apps._scoring_view import SCORE_COLORS, contrast, parse_key, text_color
from sdg_interactions.apps.claims import released_claims
from sdg_interactions.apps.links import read_links, revoke_link
from sdg_interactions.apps.scoring import MAX_COMMENT, ScoringApp, ScoringModel, claim_share, read_claims, scoring_app
from sdg_interactions.apps.workshop import journal_path, new_workshop, read_about, read_plan, set_drop_in
from sdg_interactions.errors import ValidationError
from sdg_interactions.frameworks import node_info
from sdg_interactions.io.excel import read_excel
from sdg_interactions.io.journal import read_journal
from sdg_interactions.plots import to_svg
from sdg_interactions.plots.base import score_scale
from sdg_interactions.texts import scale_label

NODES = ["7.2", "11.6", "13.2", "9.4"]
#: The share of every respondent of the two-respondent plan: all 12 pairs, row by row in natural order.
PAIRS = [("7.2", "9.4"), ("7.2", "11.6"), ("7.2", "13.2"), ("9.4", "7.2"), ("9.4", "11.6"), ("9.4", "13.2"),
         ("11.6", "7.2"), ("11.6", "9.4"), ("11.6", "13.2"), ("13.2", "7.2"), ("13.2", "9.4"), ("13.2", "11.6")]


#: Two browsers' secrets as the server hashes them (sha256 of each browser's cookie).
BROWSER_A, BROWSER_B = hashlib.sha256(b"cookie of browser A").hexdigest(), hashlib.sha256(b"cookie B").hexdigest()


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """One workshop folder made once, its shared code for drop-ins on; each test copies it (new_workshop takes
    seconds)."""
    return new_workshop(tmp_path_factory.mktemp("template") / "ws", NODES, kommun="Habo", respondents=2,
                        drop_in=True)


@pytest.fixture
def folder(template, tmp_path):
    return shutil.copytree(template, tmp_path / "ws")


def code_of(folder) -> str:
    return read_about(folder)["join_code"]


def errors(app) -> str:
    return " ".join(out["data"]["text/plain"] for out in app.displays["errors"].outputs)


def status(app) -> str:
    return re.sub(r"<[^>]+>", "", app.displays["status"].value)


def token_of(folder, respondent="R1") -> str:
    return next(link.token for link in read_links(folder) if link.respondent == respondent and not link.revoked)


def join(folder, name="Räv 7", *, lang="sv", browser=BROWSER_A):
    """A drop-in joins with a pseudonym and the shared code, in a browser with the secret ``browser``."""
    app = scoring_app(folder, lang=lang, browser=browser)
    app.controls["pseudonym"].value = name
    app.controls["code"].value = code_of(folder)
    app.controls["join"].click()
    assert app.screen == "pair", errors(app)
    return app


def open_link(folder, respondent="R1", *, lang="sv"):
    """A participant opens their personal link (the server puts its token into the notebook)."""
    app = scoring_app(folder, lang=lang, link=token_of(folder, respondent))
    assert app.screen == "pair", errors(app)
    return app


def lines(app) -> list[tuple]:
    return [(a.source, a.target, a.score, a.comment, a.uncertain) for a in read_journal(app.model.journal_file)]


def press_enter(app, name: str, value: str | None = None) -> None:
    """Enter in a text field, as the browser sends it: the ``submit`` message first, then the value it commits
    (if changed); the app's wait for that value (ENTER_WAIT) is run at the end."""
    waiting = []
    app._later = waiting.append
    app.controls[name]._handle_custom_msg({"event": "submit"}, [])
    if value is not None:
        app.controls[name].value = value
    for action in waiting:
        action()


def test_a_wrong_code_is_refused_in_words_and_opens_nothing(folder):
    app = scoring_app(folder, browser=BROWSER_A)
    assert app.screen == "start" and re.fullmatch(r"\S+ \d{3}[a-z]", app.controls["pseudonym"].value)
    app.controls["pseudonym"].value = "Räv 7"
    app.controls["code"].value = "fel123"
    app.controls["join"].click()
    assert app.screen == "start" and not app.model.joined
    assert errors(app) == "Fel kod. Kontrollera koden som workshopledaren visar och försök igen."
    assert not journal_path(folder, "Räv 7").exists() and read_claims(folder) == []
    app.model.lang = "en"
    app.controls["join"].click()
    assert errors(app) == "Wrong code. Check the code the facilitator shows and try again."
    press_enter(app, "code", "  " + code_of(folder).upper() + " ")  # spaces and capitals do not matter
    assert app.screen == "pair" and app.model.respondent == "Räv 7" and app.model.share == "R1"


def test_a_personal_link_opens_its_respondents_journal_and_share(folder):
    app = open_link(folder, "R2")
    model = app.model
    assert (model.respondent, model.share, list(model.pairs), model.position) == ("R2", "R2", PAIRS, 0)
    assert model.journal_file == journal_path(folder, "R2") and model.journal_file.exists()
    [claim] = read_claims(folder)
    assert (claim.share, claim.respondent, claim.round, claim.via) == ("R2", "R2", 1, "link")
    data = json.loads(claim.path.read_text("utf-8"))
    assert data["journal"] == journal_path(folder, "R2").name and claim.path.parent.name == "andelar"
    question = app.displays["question"].value
    assert "Om framsteg görs för delmål 7.2, hur påverkar det framstegen för delmål 9.4?" in question
    assert "Öka andelen förnybar energi i världen" in app.displays["source"].value
    assert "Till 2030 väsentligen öka andelen förnybar energi" in app.displays["source"].value
    assert "9.4" in app.displays["target"].value and status(app) == "Inte besvarat än"
    assert "0 av 12 besvarade" in app.displays["heading"].value


def test_a_drop_in_joins_with_a_pseudonym_and_takes_no_share_kept_for_a_link(folder):
    app = join(folder, "  Räv   7 ")
    model = app.model
    assert (model.respondent, model.share, list(model.pairs)) == ("Räv 7", "R1", PAIRS)
    [claim] = read_claims(folder)  # both shares are kept for their personal links: round 2
    assert (claim.share, claim.respondent, claim.round, claim.via, claim.browser) == ("R1", "Räv 7", 2, "code",
                                                                                     BROWSER_A)
    assert "Välkommen, Räv 7! Du har 12 par att bedöma." in app.displays["note"].value
    revoke_link(folder, token_of(folder, "R2"))  # a share whose link is revoked is free for a drop-in
    assert join(folder, "Lo 3", browser=BROWSER_B).model.share == "R2"
    assert [(c.share, c.round) for c in read_claims(folder)] == [("R2", 1), ("R1", 2)]


def test_score_buttons_write_the_journal_with_comment_and_mark(folder):
    app = open_link(folder)
    buttons = app.score_buttons
    assert [b.description for b in buttons.values()] == [
        f"{s:+d} {scale_label(s, 'sv')}".replace("+0", "0").replace("-", "−") for s in range(3, -4, -1)]
    app.controls["comment"].value = "sjöar, åar och ängar"
    app.controls["uncertain"].value = True
    buttons[2].click()
    assert lines(app)[-1] == ("7.2", "9.4", 2, "sjöar, åar och ängar", True)
    assert status(app) == "✓ Sparat" and app.model.saved
    assert buttons[2].description == "✓ +2 förstärkande (måttligt främjande) – valt"
    assert buttons[2].layout.border.startswith("4px") and buttons[2].style.font_weight == "bold"
    assert buttons[1].layout.border.startswith("1px")
    app.controls["comment"].value = "ändrat: även öar"  # saved when the box is left
    app.controls["uncertain"].value = False
    assert lines(app)[-2:] == [("7.2", "9.4", 2, "ändrat: även öar", True),
                               ("7.2", "9.4", 2, "ändrat: även öar", False)]
    buttons[-3].click()
    assert lines(app)[-1] == ("7.2", "9.4", -3, "ändrat: även öar", False)
    assert "1 av 12 besvarade" in app.displays["heading"].value and app.displays["progress"].value == 1


def test_keyboard_field_scores_and_enter_moves_on(folder):
    app = open_link(folder)
    keys = app.controls["keys"]
    keys.value = "-"
    assert lines(app) == [] and keys.value == ""  # a lone minus is no score
    keys.value = "-2"  # committed without Enter (the field was left): scored, no move
    assert lines(app) == [("7.2", "9.4", -2, "", False)] and keys.value == "" and status(app) == "✓ Sparat"
    assert app.model.position == 0
    press_enter(app, "keys")  # Enter alone: next pair
    assert app.model.position == 1 and len(lines(app)) == 1
    press_enter(app, "keys", "x")
    assert errors(app) == "Skriv ett heltal från −3 till 3, t.ex. -2 eller 2." and keys.value == ""
    assert app.model.position == 1 and len(lines(app)) == 1
    press_enter(app, "keys", "−1")  # the score reaches the pair on screen first, then Enter moves on
    assert lines(app)[1:] == [("7.2", "11.6", -1, "", False)] and app.model.position == 2 and errors(app) == ""
    press_enter(app, "keys", "+0")
    press_enter(app, "keys", "3")
    assert [line[:3] for line in lines(app)[2:]] == [("7.2", "13.2", 0), ("9.4", "7.2", 3)]
    assert app.model.position == 4 and "4 av 12 besvarade" in app.displays["heading"].value
    assert [parse_key(v) for v in ("2", " -3 ", "+", "")] == [2, -3, None, None]
    with pytest.raises(ValueError):
        parse_key("4")


def test_saved_shows_only_after_the_line_is_fsynced(folder, monkeypatch):
    app = open_link(folder)
    seen = []
    real = os.fsync

    def watching(fd):
        seen.append((status(app), app.model.saved, app.model.score))
        real(fd)

    monkeypatch.setattr(os, "fsync", watching)
    app.score_buttons[1].click()
    assert seen == [("✗ Inte sparat", False, 1)]  # on screen, not yet "saved", while fsync runs
    assert status(app) == "✓ Sparat" and lines(app) == [("7.2", "9.4", 1, "", False)]


def test_an_error_while_saving_is_shown_and_the_answer_stays(folder, monkeypatch):
    app = open_link(folder)

    def broken(fd, data):  # a full disk: the write fails (the journal cuts the file back to where it was)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "write", broken)
    app.controls["comment"].value = "viktigt för älvarna"
    assert "Svaret kunde inte sparas (OSError: [Errno 28] No space left on device)" in errors(app)
    app.score_buttons[3].click()
    assert status(app) == "✗ Inte sparat" and "Sparat" not in status(app) and not app.model.saved
    assert "Det står kvar på skärmen" in errors(app) and app.controls["retry"].layout.display is None
    assert app.score_buttons[3].description.startswith("✓ +3")
    assert app.controls["comment"].value == "viktigt för älvarna"
    app.controls["next"].click()  # cannot save: stays on the pair
    assert app.model.position == 0 and app.model.score == 3 and "kunde inte sparas" in errors(app)
    monkeypatch.undo()
    app.controls["retry"].click()
    assert status(app) == "✓ Sparat" and errors(app) == "" and app.controls["retry"].layout.display == "none"
    assert lines(app)[-1] == ("7.2", "9.4", 3, "viktigt för älvarna", False)


def test_back_skip_next_and_next_unscored_move_correctly(folder):
    app = open_link(folder)
    model, c = app.model, app.controls
    assert c["back"].disabled
    c["back"].click()
    assert model.position == 0
    c["next"].click()
    c["next"].click()
    assert model.position == 2 and lines(app) == []  # moving past blank pairs writes nothing
    c["skip"].click()
    assert model.position == 3 and lines(app) == [("7.2", "13.2", None, "", False)]
    c["back"].click()
    assert model.position == 2 and status(app) == "✓ Överhoppat (sparat utan poäng)"
    for index in (0, 1, 3, 5):
        model.go(index)
        model.answer(1)
    model.go(3)
    c["next_unscored"].click()
    assert model.position == 4
    c["next_unscored"].click()
    assert model.position == 6
    model.go(10)
    c["next"].click()
    assert model.position == 11 and c["next"].disabled
    assert "Det här är sista paret. Välj Nästa obesvarade eller Översikt." in app.displays["note"].value
    c["next"].click()
    assert model.position == 11
    c["next_unscored"].click()  # wraps round to the first unscored: the skipped pair 2
    assert model.position == 2
    c["skip"].click()  # already recorded as skipped: no new line
    assert model.position == 3 and [line[2] for line in lines(app)].count(None) == 1
    model.go(0)
    c["clear"].click()
    assert lines(app)[-1] == ("7.2", "9.4", None, "", False) and model.answered == 3


def test_overview_shows_own_answers_and_a_click_opens_the_pair(folder):
    app = open_link(folder)
    app.model.answer(-2, uncertain=True)
    app.controls["overview"].click()
    assert app.screen == "overview"
    cells = app.overview_cells
    assert set(cells) == set(PAIRS)
    # rows are sources, columns targets, in natural order after a header row and column (1-based CSS grid)
    assert cells[("7.2", "9.4")].layout.grid_area == "2 / 3" and cells[("13.2", "11.6")].layout.grid_area == "5 / 4"
    assert cells[("7.2", "9.4")].description == "−2?" and cells[("7.2", "9.4")].style.button_color == "#dc8524"
    assert cells[("7.2", "11.6")].description == "" and "inte besvarat" in cells[("7.2", "11.6")].tooltip
    labels = node_info(NODES)["label_sv"]
    assert cells[("7.2", "9.4")].tooltip == (f"7.2 {labels['7.2']} → 9.4 {labels['9.4']}: "
                                             "−2 motverkande (måttligt hämmande)")
    cells[("13.2", "11.6")].click()
    assert app.screen == "pair" and app.model.pair == ("13.2", "11.6") and app.model.position == 11
    assert "Par 12 av 12" in app.displays["heading"].value
    press_enter(app, "keys", "2")  # the last pair: Enter stays
    assert app.model.position == 11
    app.controls["overview"].click()
    assert cells[("13.2", "11.6")].description == "+2" and cells[("13.2", "11.6")].layout.border.startswith("3px")


def test_a_returning_respondent_resumes_with_earlier_answers(folder):
    app = open_link(folder)
    app.controls["comment"].value = "först"
    app.score_buttons[2].click()
    app.controls["next"].click()
    app.score_buttons[-1].click()
    app.controls["next"].click()
    app.controls["next"].click()
    app.score_buttons[0].click()  # pair 3 answered last; pair 2 left blank
    app.close()  # the page is closed: the journal's lock goes with it
    assert not app.model.joined
    again = open_link(folder)  # the same link reopened
    model = again.model
    assert model.resumed and model.share == "R1" and model.answered == 3 and len(read_claims(folder)) == 1
    assert model.position == 4  # the pair after the one answered last
    model.go(0)
    assert again.score_buttons[2].description.startswith("✓") and again.controls["comment"].value == "först"
    assert status(again) == "✓ Sparat"
    again.score_buttons[3].click()
    assert [a.seq for a in read_journal(model.journal_file)] == [1, 2, 3, 4, 5]


def test_two_respondents_get_their_own_share_and_file_and_never_each_others(folder, monkeypatch):
    opened, written = [], []
    real, journal = scoring.read_journal, scoring.Journal
    monkeypatch.setattr(scoring, "read_journal", lambda path: opened.append(path) or real(path))
    monkeypatch.setattr(scoring, "Journal", lambda path, who: written.append(path) or journal(path, who))
    first = open_link(folder, "R1")
    first.score_buttons[3].click()
    second = open_link(folder, "R2")
    assert (first.model.share, second.model.share) == ("R1", "R2")
    assert first.model.journal_file != second.model.journal_file
    assert second.model.answers == {} and second.model.score is None and status(second) == "Inte besvarat än"
    assert opened == written == [journal_path(folder, "R1"), journal_path(folder, "R2")]
    assert len(read_journal(second.model.journal_file)) == 0 and len(lines(first)) == 1
    busy = scoring_app(folder, link=token_of(folder, "R1"))  # the same link in a second window
    assert busy.screen == "start" and errors(busy) == (
        "Din länk (eller ditt namn) är öppen i ett annat fönster. Stäng det, eller vänta en halv minut och "
        "ladda om sidan.")
    third = join(folder, "Älg 12")  # a drop-in: every share is kept for a link, round 2
    assert third.model.share == "R1" and [c.round for c in read_claims(folder)] == [1, 1, 2]


def test_shares_differ_when_the_plan_splits_the_pairs(tmp_path):
    folder = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=["Anna", "Bo", "Cecilia"], overlap=1)
    plan = read_plan(folder)
    apps = [open_link(folder, name) for name in ("Bo", "Anna", "Cecilia")]
    assert [a.model.share for a in apps] == ["Bo", "Anna", "Cecilia"]  # each link opens the share of its name
    assert [list(a.model.pairs) for a in apps] == [plan.assignment[s] for s in ("Bo", "Anna", "Cecilia")]
    assert len({a.model.pairs for a in apps}) == 3


def test_claims_are_safe_when_many_browsers_claim_at_once(folder):
    plan = read_plan(folder)
    barrier, got = threading.Barrier(8), []

    def claim(name):
        barrier.wait()
        got.append(claim_share(folder, name, plan))

    threads = [threading.Thread(target=claim, args=(f"P{k}",)) for k in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted((c.round, c.share) for c in got) == [(r, s) for r in (1, 2, 3, 4) for s in ("R1", "R2")]
    assert sorted(c.respondent for c in read_claims(folder)) == [f"P{k}" for k in range(8)]


def test_a_claim_torn_by_a_crash_still_counts_as_taken(folder):
    torn = folder / "svar" / "andelar" / f"{journal_path(folder, 'R1').stem}.1.json"
    torn.parent.mkdir()
    torn.write_bytes(b"")  # created, never written
    app = open_link(folder, "R1")
    assert (app.model.share, read_claims(folder)[-1].round) == ("R1", 2)  # R2 is kept for its link
    assert [(c.share, c.respondent, c.round) for c in read_claims(folder)] == [("", "", 0), ("R1", "R1", 2)]


def test_download_holds_exactly_the_respondents_answers(folder):
    other = join(folder, "Lo 3")
    other.score_buttons[-3].click()
    app = join(folder)
    app.controls["download"].click()
    assert app.displays["links"].value == "<p>Du har inga svar att ladda ner än.</p>"
    app.controls["comment"].value = "=risk för översvämning"
    app.score_buttons[2].click()
    app.model.go(4)
    app.model.answer(-1, uncertain=True)
    app.controls["download"].click()
    links = dict(re.findall(r'download="([^"]+)" href="data:[^;]+;base64,([^"]+)"', app.displays["links"].value))
    assert sorted(links) == ["mina_svar_rav_7-" + journal_path(folder, "Räv 7").stem.split("-")[1] + ext
                             for ext in (".csv", ".xlsx")]
    assert "Dina svar (2 par):" in app.displays["links"].value
    csv = pd.read_csv(io.BytesIO(base64.b64decode(links[next(k for k in links if k.endswith(".csv"))])),
                      encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert csv.to_dict("records") == [
        {"respondent": "Räv 7", "source": "7.2", "target": "9.4", "score": "2", "comment": "'=risk för översvämning",
         "uncertain": ""},
        {"respondent": "Räv 7", "source": "9.4", "target": "11.6", "score": "-1", "comment": "", "uncertain": "1"}]
    xlsx = app.model.folder / "back.xlsx"
    xlsx.write_bytes(base64.b64decode(links[next(k for k in links if k.endswith(".xlsx"))]))
    scores = read_excel(xlsx)["score"]
    assert int(scores.count()) == 2
    assert float(scores.sel(source="7.2", target="9.4")) == 2 and float(scores.sel(source="9.4", target="11.6")) == -1


def test_english_texts_and_switching_language(folder):
    app = join(folder, "Fox 7", lang="en")
    assert "If progress is made on target 7.2, how does it influence progress on target 9.4?" in \
        app.displays["question"].value
    assert "Renewable energy" in app.displays["source"].value and "0 of 12 answered" in app.displays["heading"].value
    assert app.score_buttons[-3].description == "−3 cancelling (strongly restricting)"
    assert app.controls["next_unscored"].description == "Next unscored ⇥"
    app.score_buttons[0].click()
    assert status(app) == "✓ Saved" and app.controls["download"].description == "Download my answers"
    app.controls["lang"].value = "sv"
    assert status(app) == "✓ Sparat" and app.controls["download"].description == "Ladda ner mina svar"
    assert app.score_buttons[0].description == "✓ 0 förenlig (ingen påverkan) – valt"
    assert "Om framsteg görs för delmål 7.2" in app.displays["question"].value


def test_score_colours_are_the_charts_and_readable():
    chart = alt.Chart(pd.DataFrame({"s": list(range(-3, 4))})).mark_rect().encode(
        x="s:O", color=alt.Color("s:Q", scale=score_scale()))
    fills = re.findall(r'fill="rgb\((\d+), (\d+), (\d+)\)"', to_svg(chart))
    assert ["#" + "".join(f"{int(c):02x}" for c in f) for f in fills[:7]] == [SCORE_COLORS[s] for s in range(-3, 4)]
    for colour in SCORE_COLORS.values():
        assert contrast(text_color(colour), colour) >= 4.5
    assert text_color(SCORE_COLORS[3]) == "#ffffff" and text_color(SCORE_COLORS[0]) == "#000000"


def test_the_model_works_without_widgets_and_checks_its_input(folder):
    model = ScoringModel(folder, lang="en")
    with pytest.raises(ValidationError, match="Open your personal link, or enter a pseudonym and the code first"):
        model.answer(1)
    with pytest.raises(ValidationError, match="A pseudonym is 1–80 characters"):
        model.join("\t", code_of(folder))
    assert model.join("Anna", code_of(folder)) is False
    with pytest.raises(ValidationError, match="whole number from −3 to 3"):
        model.answer(4)
    with pytest.raises(ValidationError, match="no pair number 13"):
        model.go(12)
    assert model.score is None and model.saved and read_journal(model.journal_file) == []
    assert model.answer(2.0, "ok").score == 2 and model.find_unscored(0) == 1
    assert model.next_unscored() == 1 and model.position == 1
    for index in range(12):
        model.go(index)
        model.answer(0)
    assert model.next_unscored() is None and model.answered == 12
    view = ScoringApp(model)  # a view on a model that has joined already shows its pair
    assert view.screen == "pair" and "Pair 12 of 12 · 12 of 12 answered" in view.displays["heading"].value
    model.close()
    assert not model.joined


def test_the_shared_code_works_only_while_the_facilitator_allows_it(tmp_path):
    folder = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=2)
    assert read_about(folder)["drop_in"] is False
    app = scoring_app(folder, browser=BROWSER_A)
    app.controls["pseudonym"].value, app.controls["code"].value = "Räv 7", code_of(folder)
    app.controls["join"].click()
    assert app.screen == "start" and errors(app) == (
        "Den gemensamma koden är avstängd – använd din personliga länk.")
    assert read_claims(folder) == [] and not journal_path(folder, "Räv 7").exists()
    set_drop_in(folder, True)
    assert join(folder, "Räv 7").model.share == "R1"


def test_a_taken_name_is_never_opened_from_another_browser_and_never_spelled_out(folder):
    anna = join(folder, "Anna Å")
    anna.controls["comment"].value = "mitt privata skäl"
    anna.score_buttons[2].click()
    anna.close()
    taken = "Namnet används redan. Välj ett annat namn."
    for name, browser in [("Anna Å", BROWSER_B), ("anna å", BROWSER_B), ("ANNA  A", BROWSER_B), ("Anna Å", None),
                          ("anna å", BROWSER_A), ("R1", BROWSER_A), ("r 1", BROWSER_B)]:
        other = scoring_app(folder, browser=browser)
        other.controls["pseudonym"].value, other.controls["code"].value = name, code_of(folder)
        other.controls["join"].click()
        assert other.screen == "start" and not other.model.joined and errors(other) == taken, (name, browser)
        assert "Anna" not in errors(other) and "Å" not in errors(other)
        other.model.lang = "en"
        with pytest.raises(ValidationError, match=r"The name is taken\. Choose another name\.") as refused:
            other.model.join(name, code_of(folder))
        assert "Anna" not in str(refused.value)
    assert [c.respondent for c in read_claims(folder)] == ["Anna Å"]
    again = join(folder, "Anna Å", browser=BROWSER_A)  # her own browser reopens it
    assert again.model.resumed and again.model.answers[PAIRS[0]].comment == "mitt privata skäl"


def test_one_join_per_page_and_two_thousand_joins_claim_one_share(folder):
    model = ScoringModel(folder, browser=BROWSER_A)
    assert model.join("Räv 7", code_of(folder)) is False
    for k in range(2000):
        with pytest.raises(ValidationError, match="Reload the page to change your name"):
            model.join(f"Räv {k}", code_of(folder))
    assert [c.respondent for c in read_claims(folder)] == ["Räv 7"]
    model.close()
    with pytest.raises(ValidationError, match="Reload the page"):
        model.join_link(token_of(folder))
    model.lang = "sv"
    app = ScoringApp(ScoringModel(folder, browser=BROWSER_B))
    app.model.join("Lo 3", code_of(folder))
    assert app.model.share == "R2"  # round 2 of the next share: the page's first and only join


def test_five_wrong_codes_make_the_page_wait_a_minute(folder, monkeypatch):
    now = [1000.0]
    monkeypatch.setattr(scoring, "_clock", lambda: now[0])
    app = scoring_app(folder, browser=BROWSER_A)
    app.controls["pseudonym"].value = "Räv 7"
    for _ in range(4):
        app.controls["code"].value = ""
        app.controls["code"].value = "fel123"
        app.controls["join"].click()
        assert errors(app).startswith("Fel kod.")
    app.controls["join"].click()
    assert errors(app) == "För många felaktiga koder. Vänta 60 sekunder och försök sedan igen."
    app.controls["code"].value = code_of(folder)  # the right code, too soon
    app.controls["join"].click()
    assert errors(app) == "För många felaktiga koder. Vänta 60 sekunder och försök sedan igen."
    now[0] += 45
    app.controls["join"].click()
    assert "Vänta 15 sekunder" in errors(app) and not app.model.joined and read_claims(folder) == []
    now[0] += 16
    app.controls["join"].click()
    assert app.screen == "pair" and app.model.respondent == "Räv 7"


def test_a_revoked_unknown_or_malformed_link_opens_nothing_and_says_so(folder):
    token = token_of(folder, "R2")
    revoke_link(folder, token)
    for bad in (token, "A" * 32, "../../etc/passwd", token[:-1]):
        app = scoring_app(folder, link=bad)
        assert app.screen == "start" and not app.model.joined
        assert errors(app) == ("Länken gäller inte: den är okänd eller återkallad. Fråga workshopledaren om din "
                               "personliga länk.")
    assert read_claims(folder) == [] and not journal_path(folder, "R2").exists()


def test_a_drop_in_share_without_answers_is_released_after_the_set_time(folder):
    idle = join(folder, "Räv 7")
    idle.close()
    [claim] = read_claims(folder)
    record = json.loads(claim.path.read_text("utf-8"))
    assert read_about(folder)["release_after_minutes"] == 15
    join(folder, "Lo 3", browser=BROWSER_B).close()  # 0 minutes old: Räv's share is kept
    assert [(c.respondent, c.share, c.round) for c in read_claims(folder)] == [("Räv 7", "R1", 2), ("Lo 3", "R2", 2)]
    record["t"] = "2026-01-01T08:00:00.000+00:00"  # long ago, and still no scored answer
    claim.path.write_text(json.dumps(record), "utf-8")
    late = join(folder, "Älg 12", browser=BROWSER_B)
    assert late.model.share == "R1" and read_claims(folder)[0].path == claim.path  # the released share reused
    [released] = released_claims(folder)
    assert released.path.name.startswith(claim.path.name + ".released-") and released.respondent == "Räv 7"
    late.score_buttons[1].click()
    late.close()
    old = json.loads(read_claims(folder)[0].path.read_text("utf-8"))
    old["t"] = "2026-01-01T08:00:00.000+00:00"
    read_claims(folder)[0].path.write_text(json.dumps(old), "utf-8")
    assert join(folder, "Säl 4", browser=BROWSER_B).model.share == "R1"  # Älg has an answer: kept, round 3
    assert [(c.respondent, c.round) for c in read_claims(folder)] == [("Älg 12", 2), ("Lo 3", 2), ("Säl 4", 3)]


def test_a_share_is_not_released_while_its_page_is_open(folder):
    open_page = join(folder, "Räv 7")
    [claim] = read_claims(folder)
    record = json.loads(claim.path.read_text("utf-8"))
    record["t"] = "2026-01-01T08:00:00.000+00:00"
    claim.path.write_text(json.dumps(record), "utf-8")
    assert join(folder, "Lo 3", browser=BROWSER_B).model.share == "R2" and released_claims(folder) == []
    assert open_page.model.joined


def test_comments_lose_control_and_bidi_characters_and_keep_swedish_letters(folder):
    app = open_link(folder)
    app.controls["comment"].value = "Sjöar\x00 och åar\u202e\u2066 ÅÄÖ\r\nrad två\tflik\x1b"
    app.score_buttons[1].click()
    assert lines(app)[-1][3] == "Sjöar och åar ÅÄÖ\nrad två\tflik"
    assert scoring.clean_comment("a\u200fb\u061cc\x7f\x85d") == "abcd"


def test_a_comment_over_the_limit_is_refused_in_words_and_stays_on_screen(folder):
    app = open_link(folder)
    app.score_buttons[2].click()
    before = lines(app)
    long = "å" * (MAX_COMMENT + 1)
    app.controls["comment"].value = long
    assert errors(app) == ("Kommentaren är 2001 tecken lång; högst 2000 tecken får plats. Korta den, så sparas "
                           "svaret.")
    assert lines(app) == before and status(app) == "✗ Inte sparat" and app.controls["comment"].value == long
    app.controls["next"].click()  # cannot be saved: stays on the pair
    assert app.model.position == 0 and lines(app) == before
    app.controls["comment"].value = long[:MAX_COMMENT]
    assert lines(app)[-1] == ("7.2", "9.4", 2, long[:MAX_COMMENT], False) and status(app) == "✓ Sparat"


def test_no_share_left_is_said_in_words(folder, monkeypatch):
    monkeypatch.setattr(claims, "MAX_ROUNDS", 1)
    app = scoring_app(folder, browser=BROWSER_A)
    app.controls["pseudonym"].value, app.controls["code"].value = "Räv 7", code_of(folder)
    app.controls["join"].click()  # both shares are kept for their links, and there is only round 1
    assert app.screen == "start" and errors(app) == "Det finns ingen andel kvar att ta. Säg till workshopledaren."


def test_a_folder_that_is_no_workshop_is_said_so(tmp_path):
    app = scoring_app(tmp_path)
    assert app.controls["join"].disabled and "Det här är ingen workshopmapp" in errors(app)


@pytest.mark.slow
def test_the_app_works_in_a_browser_under_voila(folder):
    """Voilà in headless Chromium: Enter in the code field joins, the keyboard field has the focus, "-2" and
    Enter score the pair on screen (the browser sends Enter before the value it commits) and move on, the
    overview's cells sit in their rows and columns."""
    import browser as browser_helpers  # tests/browser.py: skips outside CI without Chromium, fails under CI
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    browser = browser_helpers.new_browser()
    body = lambda: browser.find_element(By.TAG_NAME, "body").text  # noqa: E731
    try:
        with browser_helpers.voila(folder / "delta.ipynb") as url:
            browser.get(url)
            fields = browser_helpers.wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "input[type=text]"))
            fields[0].clear()
            fields[0].send_keys("Räv 7")
            fields[1].send_keys(code_of(folder) + Keys.ENTER)
            browser_helpers.wait_for(lambda: "Par 1 av 12" in body(), timeout=120, what="the first pair")  # a busy host
            browser_helpers.wait_for(lambda: browser.switch_to.active_element.get_attribute("placeholder")
                                     == "−3 … 3, Enter = nästa", what="the focus in the keyboard field")
            browser.switch_to.active_element.send_keys("-2" + Keys.ENTER)
            browser_helpers.wait_for(lambda: "Par 2 av 12" in body(), what="the second pair")
            browser.switch_to.active_element.send_keys("3" + Keys.ENTER)
            browser_helpers.wait_for(lambda: "Par 3 av 12" in body(), what="the third pair")
            answers = read_journal(journal_path(folder, "Räv 7"))
            assert [(a.source, a.target, a.score) for a in answers] == [("7.2", "9.4", -2), ("7.2", "11.6", 3)]
            next(e for e in browser.find_elements(By.TAG_NAME, "button") if e.text == "Översikt").click()
            cell = browser_helpers.wait_for(lambda: next(
                e for e in browser.find_elements(By.TAG_NAME, "button") if e.text == "−2"), what="the overview")
            assert "grid-area: 2 / 3" in cell.get_attribute("style")
    finally:
        browser.quit()
