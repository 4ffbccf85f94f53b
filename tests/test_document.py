"""The document model and its writers: real report sections as PDF (Typst), Word, HTML and Markdown.

The PDF is read back page by page with pypdf (no system library), the Word file with python-docx, the HTML
with :class:`html.parser.HTMLParser` and the Markdown rendered by mistune: every check is on what a
reader would see, with labels from a user's file that look like markup in each format.
"""

from __future__ import annotations

import io
import pickle
import re
import subprocess
import sys
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import pytest

from sdg_interactions import plots
from sdg_interactions.analysis import sdg_synergies
from sdg_interactions.io import load_dataset
from sdg_interactions.report import sections
from sdg_interactions.report.document import (
    BulletList,
    Document,
    Emphasis,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Stamp,
    Strong,
    Table,
    from_section,
)
from sdg_interactions.report.writers import clean, write
from sdg_interactions.report.writers.docx import to_docx, write_docx
from sdg_interactions.report.writers.html import to_html, write_html
from sdg_interactions.report.writers.markdown import to_markdown
from sdg_interactions.report.writers.typst import to_typst, write_pdf
from sdg_interactions.texts import text as text_of

#: Labels from users' files that are markup in Typst, Markdown, HTML or Word's XML.
HOSTILE = ['#import "x"', "$x$", "*bold*", "= heading", "@ref", "<label>", "]", "[link](x)", "åäö ÅÄÖ",
           "- minus first", "+ plus first", "\\ backslash", "// comment", "/* block */", "~tilde~",
           "_under_", "`raw`", '"quoted"', "<script>alert(1)</script>", "#set page(width: 1cm)", "a | b",
           "&amp; &", "{curly}", "1. not a list"]

#: The label the top lever gets in the hostile matrix.
HOSTILE_LABEL = '#import "x" $x$ *bold* @ref <label> ] = heading'

KOMMUN = {"kommun": "Umeå", "kommun_fullname": "Umeå kommun", "lan": "Västerbottens län"}
LONG_HEADER = ["Radnyckel", "Beskrivning", "Slutnyckel"]
N_LONG = 60


def squash(text: str) -> str:
    """Text without whitespace and hyphens: line breaks, justification and hyphenation do not count."""
    return re.sub(r"[\s\-\u00ad\u2010]", "", text)


def long_row(k: int) -> list[str]:
    return [f"R{k:02d}A", f"Rad {k:02d} " + "lång beskrivning av ett samband " * 14 + f"slut{k:02d}", f"R{k:02d}Z"]


@pytest.fixture(scope="module")
def dataset():
    """The bundled Swedish matrix, with the top lever (16.6) labelled like Typst/Markdown markup."""
    ds = load_dataset("weitz2018_sweden")
    labels = ds["source_label_sv"].values.copy()
    labels[list(ds["source"].values).index("16.6")] = HOSTILE_LABEL
    return ds.assign_coords(source_label_sv=("source", labels), target_label_sv=("target", labels))


@pytest.fixture(scope="module")
def parts(dataset):
    svg = plots.to_svg(plots.ranking(sdg_synergies(dataset), lang="sv", top=10))
    return {"cover": sections.cover(dataset, KOMMUN, national_example=True, date="2026-11-30"),
            "levers": sections.levers(dataset, top_k=5, lang="sv"),
            "conflicts": sections.conflicts(dataset, lang="sv"),
            "stamp": sections.stamp(dataset, {"top_k": 5}, version="0.1.0"),
            "svg": svg}


@pytest.fixture(scope="module")
def doc(parts):
    figure = Figure(parts["svg"], caption="Rangordningen", alt="Stapeldiagram över rangordningen")
    blocks = [*from_section(parts["cover"]),
              *from_section(parts["levers"], figure=figure),
              *from_section(parts["conflicts"]),
              Heading("Etiketter från användare", 2),
              Paragraph(["Fet: ", Strong("*stark*"), ", kursiv: ", Emphasis("_svag_"), "."]),
              BulletList(HOSTILE),
              Table(["Etikett", "Kopia"], [[h, h] for h in HOSTILE], caption="Fientliga etiketter"),
              PageBreak(),
              Heading("Lång tabell", 2),
              Table(LONG_HEADER, [long_row(k) for k in range(N_LONG)]),
              *from_section(parts["stamp"])]
    return Document("Umeå: samspel mellan målen", "sv", blocks, meta={"kommun": "Umeå"})


def pdf_text(path) -> list[str]:
    """The text of each page of a PDF, read with pypdf."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


@pytest.fixture(scope="module")
def pdf_pages(doc, tmp_path_factory) -> list[str]:
    """The PDF's text, one string per page (pypdf)."""
    path = write_pdf(doc, tmp_path_factory.mktemp("pdf") / "report.pdf")
    assert path.read_bytes()[:5] == b"%PDF-"
    return pdf_text(path)


@pytest.fixture(scope="module")
def word(doc, tmp_path_factory):
    import docx

    path = write_docx(doc, tmp_path_factory.mktemp("docx") / "report.docx")
    return docx.Document(str(path))


# --- the model ------------------------------------------------------------------------------------


def test_from_section_maps_real_sections(parts):
    levers = from_section(parts["levers"])
    assert levers[0] == Heading("De starkaste hävstängerna", 2, "levers")
    assert [b.text for b in levers[1:-1]] == parts["levers"]["paragraphs"]
    table = levers[-1]
    assert isinstance(table, Table)
    assert table.columns == tuple(parts["levers"]["table"]["columns"])
    assert [row[1] for row in table.rows] == ["16.6", "12.1", "8.4", "12.5", "9.5"]
    assert table.rows[0][2] == HOSTILE_LABEL
    assert from_section(parts["cover"])[0] == Heading("Samspel mellan målen i Agenda 2030: Umeå", 1, "cover")
    stamp = from_section(parts["stamp"])
    assert stamp == [Stamp(tuple(parts["stamp"]["paragraphs"]))]
    assert stamp[0].lines and all(line in parts["stamp"]["paragraphs"] for line in stamp[0].lines)
    with_figure = from_section(parts["levers"], figure=parts["svg"])
    assert isinstance(with_figure[-2], Figure) and with_figure[-2].svg == parts["svg"]
    assert from_section(None) == []


def test_model_is_frozen_and_checked():
    paragraph = Paragraph(["a", Strong("b")])
    with pytest.raises(AttributeError):
        paragraph.runs = ()
    with pytest.raises(TypeError, match="run"):
        Paragraph([1])
    with pytest.raises(ValueError, match="row 1 has 3 cells"):
        Table(["a", "b"], [["1", "2"], ["1", "2", "3"]])
    with pytest.raises(ValueError, match="level"):
        Heading("x", 7)
    with pytest.raises(ValueError, match="SVG"):
        Figure("not a chart")
    with pytest.raises(TypeError, match="block"):
        Document("x", "sv", ["just a string"])
    assert Document("x", "en", [PageBreak()]).blocks == (PageBreak(),)


def test_clean_drops_only_what_xml_cannot_hold():
    assert clean("a\x00b\x07c\x1bd\r\ne\tf åäö 🌍") == "abcd\ne\tf åäö 🌍"


# --- PDF through Typst ----------------------------------------------------------------------------


def test_pdf_holds_the_report(pdf_pages, parts):
    footer = [squash(line) for line in parts["stamp"]["paragraphs"]]
    bodies = []
    for page in pdf_pages:  # without the footer, so a paragraph that runs onto the next page reads whole
        body = re.sub(r"Sida\s*\d+\s*av\s*\d+", "", squash(page))
        for line in footer:
            body = body.replace(line, "")
        bodies.append(body)
    text = "".join(bodies)
    assert squash("Umeå kommun, Västerbottens län") in text
    # the levers, in rank order, in the sentence and in the table (rank, id, label per row)
    rows = parts["levers"]["table"]["rows"]
    positions = [text.index(squash(" ".join(row[:3]))) for row in rows]
    assert positions == sorted(positions)
    assert [r[1] for r in rows] == ["16.6", "12.1", "8.4", "12.5", "9.5"]
    assert squash(parts["levers"]["paragraphs"][0]) in text
    # every conflict of the table, as a whole row, and the sentences about the worst
    assert len(parts["conflicts"]["table"]["rows"]) == 40
    for row in parts["conflicts"]["table"]["rows"]:
        assert squash(" ".join(row)) in text
    for paragraph in parts["conflicts"]["paragraphs"]:
        assert squash(paragraph) in text
    # the chart's text made it in as vector text, and its caption
    assert squash(text_of("plots.ranking.systemic", "sv")) in text
    assert squash("Figur 1: Rangordningen") in text
    assert all(any(line in squash(page) for page in pdf_pages) for line in footer)


def test_pdf_page_numbers(pdf_pages):
    n = len(pdf_pages)
    assert n >= 4
    for k, page in enumerate(pdf_pages, start=1):
        assert f"Sida{k}av{n}" in squash(page)
    assert "Sida 1 av" in pdf_pages[0]


def test_pdf_long_table_repeats_header_and_keeps_rows_whole(pdf_pages):
    pages = [squash(p) for p in pdf_pages]
    first = next(k for k, p in enumerate(pages) if "R00A" in p)
    on_page = []
    for k in range(N_LONG):
        where = [i for i, p in enumerate(pages) if f"R{k:02d}A" in p]
        assert len(where) == 1, f"row {k} starts on pages {where}"
        page = pages[where[0]]
        assert squash(" ".join(long_row(k))) in page, f"row {k} is split"
        on_page.append(where[0])
    assert on_page == sorted(on_page)
    spanned = sorted(set(on_page))
    assert len(spanned) >= 2 and spanned[0] == first
    for i in spanned:  # the header on every page of the table, before its first row there
        assert pages[i].index(squash(" ".join(LONG_HEADER))) < pages[i].index(f"R{on_page.index(i):02d}A")


def test_pdf_prints_hostile_text_literally(pdf_pages):
    raw = "".join(pdf_pages)
    text = squash(raw)
    for label in HOSTILE:
        assert text.count(squash(label)) >= 3, label  # bullet, table cell, its copy
    assert squash(HOSTILE_LABEL) in text
    assert "*stark*" in raw and "_svag_" in raw
    assert '#import "x"' in raw and "<script>alert(1)</script>" in raw
    assert "Fientliga etiketter" in raw


def test_typst_source_keeps_every_text_in_string_literals():
    source = to_typst(Document("T", "sv", [Paragraph('#import "x" ] \\'), Heading("= h", 1)]))
    assert '#{"#import \\"x\\" ] \\\\"}' in source
    assert '#heading(level: 1, "= h")' in source
    assert '#set text(lang: "sv"' in source and '"Sida "' in source and "counter(page).final()" in source
    assert "#set table.cell(breakable: false)" in source
    english = to_typst(Document("T", "en", []))
    assert '#set text(lang: "en"' in english and '"Page "' in english and '" of "' in english


def test_pdf_in_english_numbers_pages(tmp_path):
    doc = Document("T", "en", [Paragraph("one"), PageBreak(), Paragraph("two")])
    pages = pdf_text(write(doc, tmp_path / "en.pdf"))
    assert len(pages) == 2 and "Page 1 of 2" in pages[0] and "Page 2 of 2" in pages[1]


def test_pdf_needs_no_weasyprint(doc, tmp_path):
    (tmp_path / "doc.pickle").write_bytes(pickle.dumps(doc))
    script = (
        "import pickle, sys\n"
        "from pathlib import Path\n"
        "from sdg_interactions.report.writers import write\n"
        f"doc = pickle.loads(Path({str(tmp_path / 'doc.pickle')!r}).read_bytes())\n"
        f"for name in ('r.pdf', 'r.docx', 'r.html', 'r.md'): write(doc, Path({str(tmp_path)!r}) / name)\n"
        "assert 'weasyprint' not in sys.modules, 'weasyprint was imported'\n"
        "print('ok', 'typst' in sys.modules, 'docx' in sys.modules)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["ok", "True", "True"]
    assert (tmp_path / "r.pdf").read_bytes()[:5] == b"%PDF-"


# --- Word -----------------------------------------------------------------------------------------


def _word_text(word) -> str:
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


def test_docx_structure(word, parts):
    from docx.oxml.ns import qn

    styles = [(p.style.name, p.text) for p in word.paragraphs if p.style.name.startswith("Heading")]
    assert styles[0] == ("Heading 1", "Samspel mellan målen i Agenda 2030: Umeå")
    assert ("Heading 2", "De starkaste hävstängerna") in styles
    assert ("Heading 2", "Målkonflikter att hålla ögonen på") in styles
    levers = word.tables[0]
    assert [c.text for c in levers.rows[0].cells] == parts["levers"]["table"]["columns"]
    assert [[c.text for c in row.cells] for row in levers.rows[1:]] == parts["levers"]["table"]["rows"]
    header = levers.rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None
    assert all(run.bold for run in levers.rows[0].cells[0].paragraphs[0].runs)
    assert len(word.tables[1].rows) == 1 + 40
    assert len(word.tables[-1].rows) == 1 + N_LONG
    bullets = [p.text for p in word.paragraphs if p.style.name == "List Bullet"]
    assert bullets == HOSTILE
    assert [p.text for p in word.paragraphs if p.style.name == "Caption"] == ["Rangordningen", "Fientliga etiketter"]
    assert len(word.inline_shapes) == 1
    assert word.inline_shapes[0]._inline.docPr.get("descr") == "Stapeldiagram över rangordningen"
    assert word.core_properties.title == "Umeå: samspel mellan målen"


def test_docx_footer_has_stamp_and_page_fields(word, parts):
    from docx.oxml.ns import qn

    footer = word.sections[0].footer
    text = "\n".join(p.text for p in footer.paragraphs)
    assert parts["stamp"]["paragraphs"][0] in text
    assert "Sida" in text and " av " in text
    instructions = [el.get(qn("w:instr")) for el in footer._element.iter()
                    if el.tag.endswith("}fldSimple")]
    assert instructions == ["PAGE", "NUMPAGES"]
    assert parts["stamp"]["paragraphs"][0] not in "\n".join(p.text for p in word.paragraphs)


def test_docx_prints_hostile_text_literally(word):
    text = _word_text(word)
    for label in HOSTILE:
        assert text.count(label) >= 3, label
    assert HOSTILE_LABEL in text
    strong = [r for p in word.paragraphs for r in p.runs if r.text == "*stark*"]
    emphasis = [r for p in word.paragraphs for r in p.runs if r.text == "_svag_"]
    assert strong[0].bold and emphasis[0].italic


def test_docx_strips_control_characters_and_uses_png(tmp_path):
    import docx

    png = plots.to_png(plots.ranking(sdg_synergies(load_dataset("weitz2018_sweden")), lang="en", top=3))
    doc = Document("T\x00", "en", [Paragraph("a\x00b\x0bc"), Figure("<svg/>", caption="cap", png=png)])
    path = write_docx(doc, tmp_path / "t.docx")
    word = docx.Document(str(path))
    assert word.paragraphs[0].text == "abc"
    with zipfile.ZipFile(path) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 1 and z.read(media[0]) == png
    assert "Page" in word.sections[0].footer.paragraphs[0].text


# --- HTML and Markdown ----------------------------------------------------------------------------


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.parts, self.tags, self._skip = [], [], 0

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._skip += tag in ("style", "svg")

    def handle_endtag(self, tag):
        self._skip -= tag in ("style", "svg")

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def test_html_is_self_contained_and_escaped(doc, parts, tmp_path):
    page = write_html(doc, tmp_path / "r.html").read_text(encoding="utf-8")
    assert page == to_html(doc)
    parser = _Text()
    parser.feed(page)
    text = "".join(parser.parts)
    for label in HOSTILE:
        assert text.count(label) >= 3, label
    assert HOSTILE_LABEL in text
    tags = [t for t, _ in parser.tags]
    assert "script" not in tags and "link" not in tags and "img" not in tags
    assert not any(k in ("src", "href") for _, attrs in parser.tags for k in attrs)
    assert "<?xml" not in page and page.count("<svg") == 1
    # the conflicts' comment column is empty in every row: dropped
    assert ("h1" in tags) and tags.count("h2") >= 3 and tags.count("th") == 6 + 3 + 2 + 3
    assert parts["stamp"]["paragraphs"][0] in text
    assert '<html lang="sv">' in page


def test_markdown_renders_hostile_text_literally(doc):
    import mistune

    markdown = to_markdown(doc)
    assert markdown.startswith("# Samspel mellan målen i Agenda 2030: Umeå\n")
    rendered = mistune.create_markdown(plugins=["table"])(markdown)
    parser = _Text()
    parser.feed(rendered)
    text = "".join(parser.parts)
    for label in HOSTILE:
        assert label in text, label
    tags = [t for t, _ in parser.tags]
    assert "script" not in tags and "a" not in tags
    assert tags.count("table") == 4 and tags.count("li") == len(HOSTILE)
    assert "<strong>*stark*</strong>" in rendered and "<em>_svag_</em>" in rendered


def test_write_picks_writer_by_extension(tmp_path):
    doc = Document("T", "sv", [Heading("Rubrik", 1), Paragraph("x")])
    assert write(doc, tmp_path / "a.md").read_text(encoding="utf-8") == "# Rubrik\n\nx\n"
    assert write(doc, tmp_path / "a.typ").read_text(encoding="utf-8") == to_typst(doc)
    assert write(doc, tmp_path / "a.docx").read_bytes()[:2] == b"PK"
    with pytest.raises(ValueError, match="no writer"):
        write(doc, Path(tmp_path / "a.odt"))
    assert io.BytesIO(write(doc, tmp_path / "a.html").read_bytes()).read(15) == b"<!DOCTYPE html>"



def _xml_of(path_or_bytes, member: str) -> str:
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read(member).decode("utf-8")


def test_docx_is_a4_with_margins(word):
    from docx.shared import Mm

    twip = 635  # EMU: Word stores page sizes in twips, so A4 is 11906 × 16838 (210 × 297 mm to within a twip)
    for section in word.sections:
        assert abs(section.page_width - Mm(210)) < twip and abs(section.page_height - Mm(297)) < twip
        for margin in (section.left_margin, section.right_margin, section.top_margin, section.bottom_margin):
            assert abs(margin - Mm(25)) < twip
    assert section.page_width - section.left_margin - section.right_margin >= Mm(159)  # figures fit (16 cm)


def test_docx_bullets_are_real_numbered_list_items(word):
    from docx.oxml.ns import qn

    numbering = word.part.numbering_part.element
    formats = {}
    for num in numbering.findall(qn("w:num")):
        abstract_id = num.find(qn("w:abstractNumId")).get(qn("w:val"))
        abstract = next(a for a in numbering.findall(qn("w:abstractNum"))
                        if a.get(qn("w:abstractNumId")) == abstract_id)
        level0 = next(lvl for lvl in abstract.findall(qn("w:lvl")) if lvl.get(qn("w:ilvl")) == "0")
        formats[num.get(qn("w:numId"))] = (level0.find(qn("w:numFmt")).get(qn("w:val")),
                                            level0.find(qn("w:lvlText")).get(qn("w:val")))
    bullets = [p for p in word.paragraphs if p.style.name == "List Bullet"]
    assert len(bullets) == len(HOSTILE)
    for paragraph in bullets:
        num_pr = paragraph._p.pPr.find(qn("w:numPr"))
        assert num_pr is not None, paragraph.text
        assert num_pr.find(qn("w:ilvl")).get(qn("w:val")) == "0"
        assert formats[num_pr.find(qn("w:numId")).get(qn("w:val"))] == ("bullet", "•")
        children = [child.tag for child in paragraph._p.pPr]
        assert children.index(qn("w:pStyle")) < children.index(qn("w:numPr"))  # the schema's order
    style_num = word.styles["List Bullet"].element.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
    assert formats[style_num] == ("bullet", "•")
    number_num = word.styles["List Number"].element.pPr.find(qn("w:numPr")).find(qn("w:numId")).get(qn("w:val"))
    assert formats[number_num] == ("decimal", "%1.")
    tags = [child.tag for child in numbering]  # every abstract definition before the first w:num
    assert max(i for i, t in enumerate(tags) if t == qn("w:abstractNum")) < tags.index(qn("w:num"))


def test_docx_numbered_lists_restart_at_one():
    import docx
    from docx.oxml.ns import qn

    from sdg_interactions.report.writers.docx import _Lists

    word = docx.Document()
    lists = _Lists(word)
    first, second = lists.numbered(), lists.numbered()
    assert first != second != lists.bullet
    for num_id in (first, second):
        num = next(n for n in word.part.numbering_part.element.findall(qn("w:num"))
                   if n.get(qn("w:numId")) == str(num_id))
        assert num.find(qn("w:lvlOverride")).find(qn("w:startOverride")).get(qn("w:val")) == "1"


@pytest.mark.parametrize(("lang", "tag"), [("sv", "sv-SE"), ("en", "en-GB")])
def test_docx_language_and_caption_style(lang, tag):
    import docx

    data = to_docx(Document("T", lang, [Paragraph("x"), Figure("<svg/>", caption="Källa: SEI", png=_tiny_png())]))
    styles = _xml_of(data, "word/styles.xml")
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group(0)
    assert f'w:val="{tag}"' in defaults
    word = docx.Document(io.BytesIO(data))
    assert word.core_properties.language == tag
    caption = word.styles["Caption"].font
    assert caption.italic and not caption.bold and caption.size.pt == 9
    assert [p.text for p in word.paragraphs if p.style.name == "Caption"] == ["Källa: SEI"]


def _tiny_png() -> bytes:
    import vl_convert

    return vl_convert.svg_to_png('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4">'
                                 '<rect width="4" height="4"/></svg>')
