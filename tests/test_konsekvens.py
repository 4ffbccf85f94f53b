"""The konsekvensanalys: one decision's note (``report.konsekvens``), its words, its files and its command.

The note is checked as data (which targets, which links, which ties), as words (no score a reader must
decode, ties named as ties, the comment as the reason) and as files a kommun pastes: Word read back with
python-docx, HTML with :class:`html.parser.HTMLParser`, the PDF with pypdf (one page). The command-line
tests run through :func:`sdg_interactions.cli.main` and need ``konsekvens.add_parser(sub)`` in
``build_parser``.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import numpy as np
import pytest

from sdg_interactions.cli import main
from sdg_interactions.errors import UnknownIdError, ValidationError
from sdg_interactions.io import load_dataset, write_matrix
from sdg_interactions.report.document import BulletList, Heading, Paragraph, Stamp, Table
from sdg_interactions.report.konsekvens import KonsekvensNote, konsekvens
from sdg_interactions.report.konsekvens_text import konsekvens_document, slug_of, verb, write_konsekvens
from sdg_interactions.report.writers.markdown import to_markdown

SWEDEN = "weitz2018_sweden"
LABEL_66 = "Skydda och återställ vattenrelaterade ekosystem"
TITLE = "Laddinfrastruktur i kommunens fastigheter"
#: A score written as a number, which the note must never show (ids such as 7.2 are fine).
SCORE = re.compile(r"(?<![\d.])[−+-][0-3](?![\d.])")


def blocks_text(doc) -> str:
    parts = []
    for block in doc.blocks:
        if isinstance(block, Heading | Paragraph):
            parts.append(block.text)
        elif isinstance(block, BulletList):
            parts += [item.text for item in block.items]
        elif isinstance(block, Table):
            parts += [" ".join(row) for row in block.rows]
    return "\n".join(parts)


def section(doc, anchor: str) -> list:
    """The blocks from the heading ``anchor`` to the next heading."""
    start = next(k for k, b in enumerate(doc.blocks) if isinstance(b, Heading) and b.anchor == anchor)
    end = next((k for k in range(start + 1, len(doc.blocks)) if isinstance(doc.blocks[k], Heading)),
               len(doc.blocks))
    return list(doc.blocks[start + 1:end])


# --- the note as data ---------------------------------------------------------------------------


def test_one_target_names_6_6_first_at_risk_with_its_label():
    note = konsekvens(SWEDEN, ["7.2"])
    assert isinstance(note, KonsekvensNote)
    first = note.at_risk[0]
    assert (first.node.id, first.node.label, first.place) == ("6.6", LABEL_66, 1)
    assert [(h.source.id, h.score) for h in first.hindrances] == [("7.2", -2.0)]
    # 7.2 hinders six targets; the five at −1 tie (same worst link, same net effect), in natural order
    assert [r.node.id for r in note.at_risk] == ["6.6", "6.5", "7.3", "15.2", "15.5", "17.11"]
    assert [r.place for r in note.at_risk] == [1, 2, 2, 2, 2, 2]
    assert [n.id for n in note.advances] == ["7.2"] and note.own_conflicts == ()


def test_the_at_risk_section_says_it_in_words_and_names_the_ties():
    doc = konsekvens_document(konsekvens(SWEDEN, ["7.2"]))
    risk = section(doc, "risk")
    items = next(b for b in risk if isinstance(b, BulletList)).items
    assert items[0].text == f"6.6 {LABEL_66}: hämmas måttligt av 7.2."
    assert "6.5, 7.3, 15.2, 15.5 och 17.11 hämmas lika mycket" in blocks_text(doc)
    assert "Bedömningen anger inga skäl" in blocks_text(doc)  # the Sweden matrix has no comments
    assert not SCORE.search(blocks_text(doc)), SCORE.search(blocks_text(doc))


def test_a_comment_in_the_matrix_is_the_reason():
    ds = load_dataset(SWEDEN)
    ds["comment"].loc[{"source": "7.2", "target": "6.6"}] = "Vattenkraft och vindkraft tar mark vid vattendrag"
    note = konsekvens(ds, "7.2")
    assert note.at_risk[0].hindrances[0].comment == "Vattenkraft och vindkraft tar mark vid vattendrag"
    items = next(b for b in section(konsekvens_document(note), "risk") if isinstance(b, BulletList)).items
    assert items[0].text.endswith("Skäl enligt bedömningen: Vattenkraft och vindkraft tar mark vid vattendrag")
    assert items[1].text.endswith("Bedömningen anger inget skäl.")


def test_two_targets_name_the_conflict_between_them():
    note = konsekvens(SWEDEN, "13.1,7.2")
    assert [(c.source.id, c.target.id, c.score, c.reverse) for c in note.own_conflicts] == [("13.1", "7.2", -2.0, 1.0)]
    doc = konsekvens_document(note)
    own = " ".join(b.text for b in section(doc, "own"))
    assert own.startswith("13.1 hämmar måttligt 7.2. Åt andra hållet gäller att 7.2 främjar svagt 13.1.")
    assert "13.1 Stärk motståndskraften" in blocks_text(doc)  # the labels are in the first paragraph
    # 6.6 is hindered by 7.2 (−2) and promoted by 13.1 (+3): at risk, and the support is said too
    risk = next(r for r in note.at_risk if r.node.id == "6.6")
    assert [(s.source.id, s.score) for s in risk.supports] == [("13.1", 3.0)]
    # 7.3 is weakly hindered by both: one phrase, both sources
    assert "7.3 Fördubbla ökningen av energieffektivitet: hämmas svagt av 7.2 och 13.1." in blocks_text(doc)


def test_two_targets_without_a_conflict_say_so():
    doc = konsekvens_document(konsekvens(SWEDEN, ["7.2", "11.2"]))
    assert "Beslutets egna delmål motverkar inte varandra." in blocks_text(doc)
    assert not any(isinstance(b, Heading) and b.anchor == "own" for b in doc.blocks)


def test_16_6_says_what_comes_along_grouped_by_goal():
    note = konsekvens(SWEDEN, ["16.6"])
    groups = {g.goal: [t.id for t in g.targets] for g in note.comes_along_by_goal}
    assert groups["13"] == ["13.1", "13.2"] and groups["1"] == ["1.3", "1.5"]
    assert list(groups) == sorted(groups, key=int)
    assert sum(len(v) for v in groups.values()) == 19 and note.at_risk == ()
    assert [(g.goal, [t.id for t in g.targets]) for g in note.partly][:2] == [("3", ["3.4"]), ("4", ["4.1", "4.4"])]
    thirteen = next(g for g in note.comes_along_by_goal if g.goal == "13")
    assert thirteen.name == "Bekämpa klimatförändringarna"
    doc = konsekvens_document(note)
    along = " ".join(b.text for b in section(doc, "along"))  # 19 targets: one paragraph of ids, to fit a page
    assert "Mål 1 Ingen fattigdom (1.3, 1.5); Mål 2 Ingen hunger (2.2, 2.4); " in along
    assert "; Mål 13 Bekämpa klimatförändringarna (13.1, 13.2); " in along
    assert "mål 4 (4.1, 4.4)" in blocks_text(doc)
    few = konsekvens_document(konsekvens(SWEDEN, ["7.2"]))
    assert "Mål 9 Hållbar industri, innovationer och infrastruktur: 9.4 Uppgradera all industri och " \
           "infrastruktur för ökad hållbarhet, 9.5 Öka forskningsinsatser och teknisk kapacitet inom " \
           "industrisektorn" in blocks_text(few)


def test_levers_the_decision_touches():
    note = konsekvens(SWEDEN, ["16.6"])
    assert [(lv.node.id, lv.rank, lv.relation) for lv in note.levers] == [
        ("16.6", 1, "prioritised"), ("12.1", 2, "comes_along"), ("8.4", 3, "not_free"),
        ("12.5", 4, "partly_supported"), ("9.5", 5, "comes_along")]
    assert [lv.node.id for lv in note.levers_touched] == ["16.6", "12.1", "12.5", "9.5"]
    table = next(b for b in section(konsekvens_document(note), "levers") if isinstance(b, Table))
    assert table.rows[0] == ("1", "16.6 Bygg effektiva, tillförlitliga och transparenta institutioner",
                             "bidrar direkt")


def test_efforts_are_said_in_words():
    note = konsekvens(SWEDEN, ["7.2", "11.2"], efforts=[2, 1])
    assert note.efforts == (2.0, 1.0)
    assert "7.2 Öka andelen förnybar energi i världen (med 2 gånger så stor insats)" in blocks_text(
        konsekvens_document(note))


@pytest.mark.parametrize("targets, error", [
    ([], ValidationError), ("", ValidationError), (" , ", ValidationError),
    (["7.9"], UnknownIdError),  # no SDG target
    (["7.1"], UnknownIdError),  # a target, but not in the matrix
    (["7.2", "7.2"], ValidationError),
])
def test_bad_targets_raise_our_errors(targets, error):
    with pytest.raises(error, match="Valid:"):
        konsekvens(SWEDEN, targets)


def test_the_basis_says_whose_assessment(tmp_path):
    national = konsekvens(SWEDEN, ["7.2"], kommun="Umeå")
    assert national.basis.national_example and national.basis.kommun == "Umeå kommun"
    words = blocks_text(konsekvens_document(national))
    assert "nationellt exempel" in words and "Weitz m.fl. 2018" in words and "inte Umeå kommuns egen" in words
    ds = load_dataset(SWEDEN)
    ds.attrs = {"date": "2025-03-12"}
    own = konsekvens(ds, ["7.2"], kommun="Umeå")
    assert not own.basis.national_example
    assert "är Umeå kommuns egen" in blocks_text(konsekvens_document(own))
    assert "Den gjordes 2025-03-12." in blocks_text(konsekvens_document(own))


def test_english():
    doc = konsekvens_document(konsekvens(SWEDEN, ["7.2"], lang="en"))
    assert doc.lang == "en"
    assert "6.6 Water-related ecosystems: moderately hindered by 7.2." in blocks_text(doc)
    assert verb(-2, "en") == "moderately hinders"


def test_objectives_from_the_linkage_tables():
    note = konsekvens(SWEDEN, ["7.2"])
    assert [o.framework for o in note.objectives] == ["miljomal", "folkhalsomal"]
    miljo = note.objectives[0]
    assert "MKM-1" in [n.id for n, _ in miljo.helped]  # Begränsad klimatpåverkan
    hindered = dict((n.id, via) for n, via in miljo.hindered)
    # Levande sjöar och vattendrag: through 6.6 (hindered by 7.2) and 7.2 itself (its link to MKM-8 is −1:
    # hydropower), the terms of the projection's negative part, largest first
    assert hindered["MKM-8"][:2] == ("6.6", "7.2")
    words = " ".join(b.text for b in section(konsekvens_document(note), "objectives"))
    assert "Levande sjöar och vattendrag (främst genom 6.6 och 7.2)" in words and "förslag" in words


# --- files --------------------------------------------------------------------------------------


class _Html(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags: dict[str, list[str]] = {}
        self._open: list[str] = []
        self.links = 0

    def handle_starttag(self, tag, attrs):
        self._open.append(tag)
        self.tags.setdefault(tag, []).append("")
        self.links += tag in ("a", "link", "script", "img")

    def handle_endtag(self, tag):
        if self._open and self._open[-1] == tag:
            self._open.pop()

    def handle_data(self, data):
        for tag in self._open:
            self.tags[tag][-1] += data


def test_word_html_and_markdown_hold_the_same_headings_and_risks(tmp_path):
    import docx

    note = konsekvens(SWEDEN, ["7.2", "11.2"], title=TITLE)
    written = write_konsekvens(note, tmp_path, "docx,html,md")
    assert {f: p.name for f, p in written.items()} == {
        f: f"konsekvens_laddinfrastruktur_i_kommunens_fastigheter.{f}" for f in ("docx", "html", "md")}
    headings = ["Konsekvensanalys Agenda 2030: " + TITLE, "Delmål som åker med",
                "Delmål i riskzonen", "De starkaste hävstängerna", "Underlag och läsanvisning"]
    risk = f"6.6 {LABEL_66}: hämmas måttligt av 7.2."

    word = docx.Document(str(written["docx"]))
    styled = [(p.style.name, p.text) for p in word.paragraphs]
    word_headings = [t for s, t in styled if s.startswith("Heading") or s == "Title"]
    for heading in headings:
        assert heading in word_headings
    bullets = [t for s, t in styled if s == "List Bullet"]
    assert risk in bullets
    assert len(word.tables) == 1 and word.tables[0].rows[1].cells[0].text == "1"
    assert not word.inline_shapes  # text, not pictures of text

    page = _Html()
    page.feed(written["html"].read_text(encoding="utf-8"))
    html_headings = [t.strip() for tag in ("h1", "h2") for t in page.tags.get(tag, [])]
    for heading in headings:
        assert heading in html_headings
    assert risk in [t.strip() for t in page.tags["li"]]
    assert page.links == 0 and "http" not in written["html"].read_text(encoding="utf-8").split("<body>")[1]

    markdown = written["md"].read_text(encoding="utf-8")
    assert markdown == to_markdown(konsekvens_document(note)) or markdown.strip()
    for heading in headings:
        assert re.search(rf"^#+ {re.escape(heading)}$", markdown, re.M)
    assert f"- **6.6 {LABEL_66}**: hämmas måttligt av 7.2." in markdown


@pytest.mark.parametrize("targets", [["7.2", "11.2"], ["13.1", "7.2"], ["16.6"]])
def test_the_pdf_is_one_page(tmp_path, targets):
    pypdf = pytest.importorskip("pypdf")
    pytest.importorskip("typst")
    path = write_konsekvens(konsekvens(SWEDEN, targets, title=TITLE, kommun="Umeå"), tmp_path, ["pdf"])["pdf"]
    reader = pypdf.PdfReader(str(path))
    assert len(reader.pages) == 1
    assert "Delmål i riskzonen" in reader.pages[0].extract_text()


def test_file_names_and_formats(tmp_path):
    note = konsekvens(SWEDEN, ["7.2", "11.2"])
    assert slug_of(note) == "konsekvens_7.2_11.2"
    assert slug_of(konsekvens(SWEDEN, ["7.2"], title="../../etc/passwd")) == "konsekvens_etc_passwd"
    with pytest.raises(ValidationError, match=r"unknown format.*Valid: docx, html, md, pdf"):
        write_konsekvens(note, tmp_path, "docx,odt")
    assert list(tmp_path.iterdir()) == []


# --- the command line (needs konsekvens.add_parser(sub) in sdg_interactions.cli.build_parser) -----


def test_cli_writes_the_note(tmp_path, capsys):
    code = main(["konsekvens", "--targets", "7.2,11.2", "--title", TITLE, "--output-dir", str(tmp_path)])
    out = capsys.readouterr().out
    assert code == 0
    stem = tmp_path / "konsekvens_laddinfrastruktur_i_kommunens_fastigheter"
    assert all(stem.with_suffix(f".{f}").is_file() for f in ("docx", "html", "md"))
    assert "Klart: 8 delmål åker med, 5 är i riskzonen." in out


def test_cli_takes_the_kommuns_own_matrix(tmp_path):
    folder = tmp_path / "matriser"
    folder.mkdir()
    write_matrix(load_dataset(SWEDEN), folder / "2480.csv")
    assert main(["konsekvens", "--targets", "7.2", "--kommun", "Umeå", "--matrices-dir", str(folder),
                 "--format", "md", "--output-dir", str(tmp_path)]) == 0
    text = (tmp_path / "konsekvens_7.2.md").read_text(encoding="utf-8")
    assert "är Umeå kommuns egen" in text
    assert main(["konsekvens", "--targets", "7.2", "--kommun", "Habo", "--matrices-dir", str(folder),
                 "--format", "md", "--output-dir", str(tmp_path / "habo")]) == 0
    assert "inte Habo kommuns egen" in (tmp_path / "habo" / "konsekvens_7.2.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("argv, message", [
    (["--targets", "7.9"], "7.9"),
    (["--targets", ""], "at least one target"),
    (["--targets", "7.1"], "not a target of this matrix"),
    (["--targets", "7.2", "--format", "odt"], "unknown format"),
    (["--targets", "7.2", "--efforts", "0"], "effort"),
    (["--targets", "7.2", "--kommun", "Atlantis"], "Atlantis"),
])
def test_cli_bad_input_is_one_line_and_exit_2(tmp_path, capsys, argv, message):
    code = main(["konsekvens", *argv, "--output-dir", str(tmp_path), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith("error: ") and err.count("\n") == 1 and message in err and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_whose_assessment_comes_first_and_the_stamp_names_the_basis_not_a_code():
    doc = konsekvens_document(konsekvens(SWEDEN, ["7.2", "11.2"], kommun="Umeå"))
    first = next(b for b in doc.blocks if isinstance(b, Paragraph))
    assert first.text.startswith("Bedömningen av hur delmålen påverkar varandra är ett nationellt exempel")
    assert "inte Umeå kommuns egen" in first.text
    stamp = next(b for b in doc.blocks if isinstance(b, Stamp))
    assert "weitz2018_sweden" not in " ".join(stamp.lines) and "Underlag: ”Sverige: " in stamp.lines[0]


def test_the_decisions_projection_is_computed_in_the_analysis_and_adds_up():
    """The note's miljömål/folkhälsomål come from analysis.projection: the decided targets at full progress
    (3 per unit of effort) plus the direct effects, and the carrying targets' terms sum to the projection."""
    from sdg_interactions.analysis import scenario
    from sdg_interactions.analysis.projection import contributions, decision_effects, project_onto
    from sdg_interactions.frameworks import linkage

    m = load_dataset("weitz2018_sweden")["score"]
    effects = scenario(m, ["7.2", "11.2"], efforts=[1, 2.5])
    result = decision_effects(effects)
    a = np.nan_to_num(m.transpose("source", "target").to_numpy())
    ids = [str(n) for n in m["source"].to_numpy()]
    i72, i112 = ids.index("7.2"), ids.index("11.2")
    for j, node in enumerate(ids):  # by hand: each decided target's positive links times its effort
        by_hand = sum(max(a[i, j], 0) * e for i, e in ((i72, 1.0), (i112, 2.5)) if i != j)
        by_hand += {i72: 3.0, i112: 7.5}.get(j, 0.0)
        assert float(result["direct_pos"].sel(node=node)) == pytest.approx(by_hand, abs=1e-12), node
    table = linkage("miljomal")
    projected = project_onto(result, table, variable="direct")
    terms = contributions(result, table, variable="direct")
    for objective in projected["objective"].to_numpy():
        pos = terms[(terms["objective"] == objective) & (terms["part"] == "pos")]["term"].sum()
        neg = terms[(terms["objective"] == objective) & (terms["part"] == "neg")]["term"].sum()
        assert float(projected["effect_pos"].sel(objective=objective)) == pytest.approx(pos / 3, abs=1e-9)
        assert float(projected["effect_neg"].sel(objective=objective)) == pytest.approx(neg / 3, abs=1e-9)
