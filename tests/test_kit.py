"""The workshop kit (sdg_interactions.apps.kit): the guide, the invitation, the agenda and the scale card, written
from the workshop's plan in Word, PDF, HTML and Markdown.

Every expected number is worked out here from the plan by the rule the guide prints (largest share × seconds a
pair, rounds of at most 45 minutes rounded up to five, the fixed parts), never read from the kit's code; each file
is read back (python-docx, pypdf, the HTML's text, the Markdown) and must hold those numbers.
"""

from __future__ import annotations

import math
import re
import shutil
from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import docx
import pytest
from babel.numbers import format_decimal
from pypdf import PdfReader

from sdg_interactions.apps.kit import KIT_DIR, kit_html, plan_agenda, refresh_kit, write_kit
from sdg_interactions.apps.links import add_link, revoke_link
from sdg_interactions.apps.workshop import new_workshop
from sdg_interactions.errors import ValidationError
from sdg_interactions.io import nodes_from
from sdg_interactions.io.workshop import read_workshop
from sdg_interactions.texts import scale_label, text

WEITZ = nodes_from("weitz2018_sweden")
MIXED = ["3.4", "7.2", "11.2", "13.2", "15.5", "MKM-1", "MKM-2", "MKM-15"]
MIXED_GROUPS = {"Samhällsbyggnad": ["3.4", "7.2", "11.2", "13.2"], "Miljöförvaltningen": ["15.5", "MKM-1", "MKM-2",
                                                                                            "MKM-15"]}
#: name -> (nodes, keyword arguments of new_workshop)
PLANS = {
    "weitz_34x8": (WEITZ, {"respondents": 8}),
    "small_12x4": (WEITZ[:12], {"respondents": 4}),
    "mixed_groups": (MIXED, {"respondents": 6, "by": "rows", "groups": MIXED_GROUPS}),
}
FILES = {"sv": {"guide": "handledning", "invitation": "inbjudan", "agenda": "dagordning", "scale_card": "skalkort"},
         "en": {"guide": "facilitator_guide", "invitation": "invitation", "agenda": "agenda",
                "scale_card": "scale_card"}}
LOCALE = {"sv": "sv_SE", "en": "en_GB"}


# --- reading the files back --------------------------------------------------------------------------------


def _flat(value: str) -> str:
    return re.sub(r"\s+", " ", value.replace("\xa0", " ").replace("\u202f", " ")).strip()


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("style", "script", "svg")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "script", "svg")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def read_back(path: Path) -> str:
    """The text of a kit file, whitespace made single spaces (a PDF's hyphenated line ends joined)."""
    if path.suffix == ".docx":
        word = docx.Document(str(path))
        parts = [p.text for p in word.paragraphs]
        parts += [cell.text for table in word.tables for row in table.rows for cell in row.cells]
        return _flat("\n".join(parts))
    if path.suffix == ".pdf":
        raw = "\n".join(page.extract_text() for page in PdfReader(str(path)).pages)
        return _flat(re.sub(r"(\w)-\n(\w)", r"\1\2", raw))
    if path.suffix == ".html":
        parser = _Text()
        parser.feed(path.read_text(encoding="utf-8"))
        return _flat(" ".join(parser.parts))
    return _flat(path.read_text(encoding="utf-8").replace("\\", ""))


def word_rows(path: Path) -> list[list[str]]:
    """The rows of the first table of a Word file, header first."""
    return [[_flat(cell.text) for cell in row.cells] for row in docx.Document(str(path)).tables[0].rows]


# --- the expected numbers, from the plan -------------------------------------------------------------------


def expected(folder: Path, lang: str = "sv") -> dict:
    """The kit's numbers worked out from the folder's plan by the documented rule."""
    plan = read_workshop(folder / "workshop.json")
    sizes = [len(pairs) for pairs in plan.assignment.values()]
    scoring = max(sizes) * plan.seconds_per_pair / 60
    rounds = max(1, math.ceil(scoring / 45))
    length = max(5, 5 * math.ceil(scoring / rounds / 5))
    total = 15 + 10 + rounds * length + (rounds - 1) * 10 + 15 + (20 if rounds == 1 else 30) + 10
    end = (datetime(2000, 1, 1, 9, 0) + timedelta(minutes=total)).strftime("%H:%M")
    n = len(plan.nodes)

    def num(x: float) -> str:
        return format_decimal(x, locale=LOCALE[lang]).replace("\xa0", " ")

    return {"pairs": num(n * (n - 1)), "nodes": n, "people": num(len(sizes)), "low": num(min(sizes)),
            "high": num(max(sizes)), "minutes": num(max(1, round(scoring))), "rounds": rounds, "length": length,
            "total": total, "end": end, "seconds": num(plan.seconds_per_pair), "answers": plan.answers_per_pair}


@pytest.fixture(scope="module", params=sorted(PLANS))
def kit(request, tmp_path_factory):
    nodes, options = PLANS[request.param]
    folder = new_workshop(tmp_path_factory.mktemp("kit") / request.param, nodes, kommun="Falköping", **options)
    return request.param, folder


def own(e: dict, lang: str = "sv") -> str:
    if e["low"] == e["high"]:
        return f"{e['high']} {'par' if lang == 'sv' else 'pairs'}"
    return f"{e['low']} till {e['high']} par" if lang == "sv" else f"{e['low']} to {e['high']} pairs"


# --- the tests ---------------------------------------------------------------------------------------------


def test_the_three_plans_give_the_numbers_worked_out_by_hand():
    """The rule, on numbers a reader can check with a pencil."""
    assert (34 * 33, math.ceil(34 * 33 * 2 / 8), round(281 * 20 / 60)) == (1122, 281, 94)
    agenda = plan_agenda(281 * 20 / 60)
    assert (agenda.rounds, agenda.round_minutes, agenda.total_minutes) == (3, 35, 205)
    agenda = plan_agenda(66 * 20 / 60)
    assert (agenda.rounds, agenda.round_minutes, agenda.total_minutes) == (1, 25, 95)


def test_every_document_exists_in_every_format_and_holds_the_plans_numbers(kit):
    name, folder = kit
    e = expected(folder)
    files = FILES["sv"]
    for key in files.values():
        for fmt in ("docx", "pdf", "html", "md"):
            assert (folder / KIT_DIR / f"{key}.{fmt}").stat().st_size > 0, (key, fmt)
    span = f"09:00–{e['end']}"
    for fmt in ("docx", "pdf", "html", "md"):
        guide = read_back(folder / KIT_DIR / f"{files['guide']}.{fmt}")
        invitation = read_back(folder / KIT_DIR / f"{files['invitation']}.{fmt}")
        agenda = read_back(folder / KIT_DIR / f"{files['agenda']}.{fmt}")
        where = f"{name} {fmt}"
        assert f"{e['pairs']} par att bedöma" in guide, where
        assert f"Bjud in {e['people']} deltagare: planen har {e['people']} andelar" in guide, where
        assert f"minst {e['answers']} svar" in guide, where
        assert (f"Varje deltagare bedömer {own(e)}; med {e['seconds']} sekunder per par tar det upp till "
                f"{e['minutes']} minuter") in guide, where
        assert f"I dagordningen blir det {e['rounds']} pass om {e['length']} minuter" in guide, where
        assert f"(kl. {span})" in guide, where
        assert f"({e['high']} par) gånger {e['seconds']} sekunder per par: {e['minutes']} minuter" in guide, where
        assert "[datum]" in invitation and f"kl. {span}" in invitation, where
        assert f"Du bedömer {own(e)} i en webbapp" in invitation, where
        assert f"omkring {e['minutes']} minuter av workshopen, fördelat på {e['rounds']} pass" in invitation, where
        assert "nämner inga namn" in invitation and "personliga länk" in invitation, where
        assert f"kl. {span}" in agenda, where
        assert f"{e['people']} deltagare bedömer tillsammans {e['pairs']} par mellan" in agenda, where
        assert f"Var och en bedömer {own(e)}, omkring {e['minutes']} minuter, fördelat på {e['rounds']} pass" in agenda
        last = f"Bedömning, pass {e['rounds']} av {e['rounds']}" if e["rounds"] > 1 else "Bedömning i appen"
        assert last in agenda, where
    if name == "mixed_groups":
        assert "5 delmål och 3 miljökvalitetsmål" in guide
        assert "Samhällsbyggnad (3 personer) och Miljöförvaltningen (3 personer)" in guide
    else:
        assert f"Planen har {e['nodes']} delmål" in guide


def test_the_agenda_adds_up_from_the_start_to_the_end(kit):
    name, folder = kit
    e = expected(folder)
    for key in ("dagordning", "handledning"):
        rows = word_rows(folder / KIT_DIR / f"{key}.docx")
        assert rows[0] == ["Tid", "Vad", "Minuter"]
        clock = datetime(2000, 1, 1, 9, 0)
        for span, what, minutes in rows[1:]:
            start, end = span.split("–")
            assert start == clock.strftime("%H:%M"), (name, what)
            clock += timedelta(minutes=int(minutes))
            assert end == clock.strftime("%H:%M"), (name, what)
        assert clock.strftime("%H:%M") == e["end"]
        assert sum(int(row[2]) for row in rows[1:]) == e["total"]
        rounds = [row for row in rows[1:] if row[1].startswith("Bedömning")]
        assert len(rounds) == e["rounds"] and {int(row[2]) for row in rounds} == {e["length"]}
        assert all(int(row[2]) <= 45 for row in rounds)
        assert [row[1] for row in rows[1:3]] == ["Inledning: syfte, skalan och hur svaren sparas",
                                                 rows[2][1]] and rows[2][1].startswith("Exempelpar tillsammans: ")


def test_the_scale_card_holds_the_question_the_seven_steps_and_their_words(kit):
    name, folder = kit
    plan = read_workshop(folder / "workshop.json")
    only_targets = all(re.fullmatch(r"\d+\.\w+", node) for node in plan.nodes)
    kind = "delmål" if only_targets else "delmål/mål"
    question = text("scoring.pair.question", "sv", kind_source=kind, source="X", kind_target=kind, target="Y")
    for fmt in ("docx", "pdf", "html", "md"):
        card = read_back(folder / KIT_DIR / f"skalkort.{fmt}")
        assert question in card, (name, fmt)
        for score in range(-3, 4):
            assert scale_label(score, "sv") in card, (name, fmt, score)
        assert "påhittade illustrationer" in card
    assert len(PdfReader(str(folder / KIT_DIR / "skalkort.pdf")).pages) == 1
    rows = word_rows(folder / KIT_DIR / "skalkort.docx")
    assert [row[0] for row in rows[1:]] == ["+3", "+2", "+1", "0", "−1", "−2", "−3"]
    assert [row[1] for row in rows[1:]] == [scale_label(s, "sv") for s in (3, 2, 1, 0, -1, -2, -3)]
    svg = (folder / KIT_DIR / "skalkort.html").read_text(encoding="utf-8")
    for colour in ("#994a07", "#dc8524", "#fbca8b", "#f2f0eb", "#afd3e6", "#4e94c3", "#134b85"):
        assert colour in svg


def test_the_english_kit_has_its_own_names_and_english_numbers(kit, tmp_path):
    name, template = kit
    folder = shutil.copytree(template, tmp_path / name)
    written = write_kit(folder, lang="en", start="13:30")
    assert {key: {fmt: path.name for fmt, path in files.items()} for key, files in written.items()} == {
        key: {fmt: f"{stem}.{fmt}" for fmt in ("docx", "pdf", "html", "md")} for key, stem in FILES["en"].items()}
    e = expected(folder, "en")
    end = (datetime(2000, 1, 1, 13, 30) + timedelta(minutes=e["total"])).strftime("%H:%M")
    for fmt in ("docx", "pdf", "html"):
        guide = read_back(written["guide"][fmt])
        assert "Facilitator's guide" in guide and f"{e['pairs']} pairs to score" in guide, fmt
        assert f"Invite {e['people']} participants" in guide and f"(13:30–{end})" in guide, fmt
        assert f"You score {own(e, 'en')} in a web app" in read_back(written["invitation"][fmt])
        card = read_back(written["scale_card"][fmt])
        assert all(scale_label(s, "en") in card for s in range(-3, 4)) and "invented illustrations" in card
    if name == "weitz_34x8":
        assert "1,122 pairs to score" in read_back(written["guide"]["md"])
    assert (folder / KIT_DIR / "handledning.pdf").exists()  # the Swedish kit stays beside it


def test_adding_or_revoking_a_link_writes_the_kit_again_in_each_language(kit, tmp_path):
    name, template = kit
    folder = shutil.copytree(template, tmp_path / name)
    write_kit(folder, lang="en")
    people = len(read_workshop(folder / "workshop.json").assignment)
    link = add_link(folder)
    agenda = read_back(folder / KIT_DIR / "dagordning.pdf")
    assert f"{people + 1} deltagare bedömer tillsammans" in agenda
    guide = read_back(folder / KIT_DIR / "handledning.docx")
    assert f"Just nu finns {people + 1} personliga länkar, fler än andelarna: 1 deltagare bedömer" in guide
    assert f"{people + 1} participants together score" in read_back(folder / KIT_DIR / "agenda.html")
    revoke_link(folder, link.token)
    assert f"{people} deltagare bedömer tillsammans" in read_back(folder / KIT_DIR / "dagordning.md")


def test_a_plan_too_long_for_a_day_is_spread_over_days_and_says_so(tmp_path):
    folder = new_workshop(tmp_path / "lang", [*WEITZ, "MKM-1", "MKM-2", "MKM-3", "MKM-4", "MKM-5", "MKM-6"],
                          kommun="Habo", respondents=3)
    plan = read_workshop(folder / "workshop.json")
    scoring = max(len(p) for p in plan.assignment.values()) * 20 / 60
    rounds = math.ceil(scoring / 45)
    days = math.ceil(rounds / 4)
    assert days > 1
    agenda = plan_agenda(scoring)
    assert (agenda.rounds, len(agenda.days)) == (rounds, days)
    for day in agenda.days:  # each day's parts back to back, at most four rounds
        assert all(a.end == b.start for a, b in zip(day.parts, day.parts[1:], strict=False))
        assert sum(p.kind == "round" for p in day.parts) <= 4
    guide = read_back(folder / KIT_DIR / "handledning.pdf")
    answers = sum(len(p) for p in plan.assignment.values())
    assert f"för många för en dag: dagordningen delar dem på {days} dagar" in guide
    assert f"Med omkring {math.ceil(answers * 20 / 60 / 180)} deltagare i stället för 3 deltagare" in guide
    assert "Dag 2: kl. 09:00–" in read_back(folder / KIT_DIR / "dagordning.docx")


def test_the_facilitator_page_names_the_kit(kit):
    from sdg_interactions.apps.facilitator import dashboard

    _, folder = kit
    line = dashboard(folder, lang="sv").displays["kit"].value
    assert "Material för workshopen" in line and str(folder.resolve() / KIT_DIR) in line
    assert all(f"{stem}.{fmt}" in line for stem in FILES["sv"].values() for fmt in ("docx", "pdf", "html", "md"))
    assert "Material for the workshop" in kit_html(folder, "en") and "skalkort.pdf" in kit_html(folder, "en")
    empty = shutil.copytree(folder, folder.parent / f"{folder.name}_utan_material")
    shutil.rmtree(empty / KIT_DIR)
    assert "Materialet är inte skrivet än" in kit_html(empty, "sv")
    add_link(empty)  # the kit follows the links
    assert "handledning.docx" in kit_html(empty, "sv")


def test_refresh_leaves_a_folder_without_a_plan_alone_and_start_times_are_checked(tmp_path):
    assert refresh_kit(tmp_path) == {} and not (tmp_path / KIT_DIR).exists()
    with pytest.raises(ValidationError, match="not a start time"):
        plan_agenda(30, start="nine")
    assert plan_agenda(30, start="13.15").clock(0, "sv") == "13:15"
