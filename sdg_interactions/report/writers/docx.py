"""A :class:`~sdg_interactions.report.document.Document` as a Word file (python-docx).

Real Word structure, so the file reads well with a screen reader and re-flows in Word:

* an A4 page (210 × 297 mm) with 25 mm margins; the document language (``w:lang``: sv-SE or en-GB) in the
  default run properties, so Word's spelling and hyphenation speak the report's language;
* headings with the built-in ``Heading 1``–``Heading 6`` styles; bullets with ``List Bullet``, every item
  carrying its numbering properties (``w:numPr``) that point to a bullet definition of our own ("•", not
  a Symbol-font glyph a viewer may lack); a list with ``ordered=True`` is numbered ``List Number``
  ("1.", "2.", …, restarting at 1 for each list);
* tables in ``Table Grid`` with a bold header row marked to repeat on every page (``w:tblHeader``)
  and rows that may not break across pages (``w:cantSplit``); a table caption above it (``Caption``);
* figures as PNG (``Figure.png``, else the SVG converted by ``vl_convert.svg_to_png``), at most the
  text width, with the alt text as the picture's description and the caption below, in the ``Caption``
  style set to 9 pt italic dark grey (the template's is bold blue);
* the :class:`~sdg_interactions.report.document.Stamp` lines and "Sida 1 av 2" / "Page 1 of 2"
  (Word fields) in the page footer.

Characters XML cannot hold (control characters) are dropped; everything else prints as itself.

Examples
--------
>>> import io, docx
>>> from sdg_interactions.report.document import Document, Heading
>>> word = docx.Document(io.BytesIO(to_docx(Document("T", "sv", [Heading("Umeå", 1)]))))
>>> [(p.style.name, p.text) for p in word.paragraphs]
[('Heading 1', 'Umeå')]
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from sdg_interactions.report.document import (
    BulletList,
    Callout,
    Code,
    Document,
    Emphasis,
    Figure,
    Heading,
    PageBreak,
    Paragraph,
    Stamp,
    Strong,
    Table,
    isolate,
)
from sdg_interactions.report.writers import clean
from sdg_interactions.textfile import write_atomic

__all__ = ["figure_png", "to_docx", "write_docx"]

#: The footer's words around the page numbers, by language.
_PAGE_WORDS = {"sv": ("Sida ", " av "), "en": ("Page ", " of ")}
_LANG_TAGS = {"sv": "sv-SE", "en": "en-GB"}
#: The page: A4, 25 mm margins on every side.
_PAGE_MM = (210, 297)
_MARGIN_MM = 25
#: The widest a figure may be: the text width of the page (210 − 2 · 25 mm).
_MAX_WIDTH_CM = 16.0


def figure_png(figure: Figure, *, scale: float = 2) -> bytes:
    """The PNG of a figure: ``figure.png`` if given, else its SVG rendered by ``vl_convert.svg_to_png``.

    Examples
    --------
    >>> svg = '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="10"><rect width="20" height="10"/></svg>'
    >>> figure_png(Figure(svg))[:4]
    b'\\x89PNG'
    """
    if figure.png is not None:
        return bytes(figure.png)
    try:
        import vl_convert
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("a Figure without png needs vl-convert-python to render its SVG for Word") from err
    return vl_convert.svg_to_png(figure.svg, scale=scale)


def _element(tag: str, **attrs: str):
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(key), value)
    return el


def _runs(paragraph, item: Paragraph) -> None:
    for run in item.runs:
        added = paragraph.add_run(clean(run if isinstance(run, str) else run.text))
        if isinstance(run, Emphasis):
            added.italic = True
        elif isinstance(run, Strong):
            added.bold = True
        elif isinstance(run, Code):
            added.font.name = "Consolas"


def _callout(word, callout: Callout) -> None:
    """A one-cell shaded table that is never split: the title in bold, then the paragraphs."""
    box = word.add_table(rows=1, cols=1)
    box.style = "Table Grid"
    row = box.rows[0]
    row._tr.get_or_add_trPr().append(_element("w:cantSplit"))
    cell = row.cells[0]
    cell._tc.get_or_add_tcPr().append(_element("w:shd", **{"w:val": "clear", "w:color": "auto",
                                                           "w:fill": "EEF4FA"}))
    title = cell.paragraphs[0].add_run(clean(callout.title))
    title.bold = True
    for item in callout.items:
        _runs(cell.add_paragraph(), item)


def _table(word, table: Table) -> None:
    if table.caption:
        word.add_paragraph(clean(table.caption), style="Caption").paragraph_format.keep_with_next = True
    grid = word.add_table(rows=1 + len(table.rows), cols=len(table.columns))
    grid.style = "Table Grid"
    for k, row in enumerate(grid.rows):
        tr_pr = row._tr.get_or_add_trPr()
        tr_pr.append(_element("w:cantSplit"))
        values = table.columns if k == 0 else table.rows[k - 1]
        if k == 0:
            tr_pr.append(_element("w:tblHeader"))
        for cell, value in zip(row.cells, values, strict=True):
            run = cell.paragraphs[0].add_run(clean(isolate(value)))
            run.bold = k == 0 or None


def _figure(word, figure: Figure) -> None:
    from docx.shared import Cm

    picture = word.add_picture(io.BytesIO(figure_png(figure)))
    if picture.width > Cm(_MAX_WIDTH_CM):
        picture.height = int(picture.height * Cm(_MAX_WIDTH_CM) / picture.width)
        picture.width = Cm(_MAX_WIDTH_CM)
    if figure.alt:
        picture._inline.docPr.set("descr", clean(figure.alt))
    paragraph = word.paragraphs[-1]
    if figure.caption:
        paragraph.paragraph_format.keep_with_next = True
        word.add_paragraph(clean(figure.caption), style="Caption")


def _footer(word, doc: Document) -> None:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    footer = word.sections[0].footer
    lines = [line for block in doc.blocks if isinstance(block, Stamp) for line in block.lines]
    first = footer.paragraphs[0]
    for k, line in enumerate(lines):
        paragraph = first if k == 0 else footer.add_paragraph()
        paragraph.add_run(clean(line)).font.size = Pt(7)
    numbers = footer.add_paragraph() if lines else first
    numbers.alignment = WD_ALIGN_PARAGRAPH.CENTER
    page_word, of_word = _PAGE_WORDS[doc.lang]
    numbers.add_run(page_word)
    numbers._p.append(_field("PAGE"))
    numbers.add_run(of_word)
    numbers._p.append(_field("NUMPAGES"))


def _field(instruction: str):
    field = _element("w:fldSimple", **{"w:instr": instruction})
    run = _element("w:r")
    shown = _element("w:t")
    shown.text = "1"
    run.append(shown)
    field.append(run)
    return field


def _language(word, lang: str) -> None:
    """The document's language in the default run properties (every style inherits it), in ``Normal``
    and in the core properties."""
    from docx.oxml.ns import qn

    tag = _LANG_TAGS[lang]
    defaults = word.styles.element.find(qn("w:docDefaults"))
    if defaults is None:
        defaults = _element("w:docDefaults")
        word.styles.element.insert(0, defaults)
    r_pr_default = defaults.find(qn("w:rPrDefault"))
    if r_pr_default is None:
        r_pr_default = _element("w:rPrDefault")
        defaults.insert(0, r_pr_default)
    r_prs = [r_pr_default.find(qn("w:rPr")), word.styles["Normal"].element.get_or_add_rPr()]
    if r_prs[0] is None:
        r_prs[0] = _element("w:rPr")
        r_pr_default.append(r_prs[0])
    for r_pr in r_prs:
        for old in r_pr.findall(qn("w:lang")):
            r_pr.remove(old)
        r_pr.append(_element("w:lang", **{"w:val": tag, "w:eastAsia": tag, "w:bidi": tag}))
    word.core_properties.language = tag


def _page(word) -> None:
    """Every section on A4 paper, portrait, with :data:`_MARGIN_MM` margins."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm, Twips

    def twips(mm: float) -> Twips:  # Word stores page sizes in twentieths of a point: A4 is 11906 × 16838
        return Twips(round(mm / 25.4 * 1440))

    for section in word.sections:
        section.orientation = WD_ORIENT.PORTRAIT
        section.page_width, section.page_height = twips(_PAGE_MM[0]), twips(_PAGE_MM[1])
        section.left_margin = section.right_margin = twips(_MARGIN_MM)
        section.top_margin = section.bottom_margin = twips(_MARGIN_MM)
        section.header_distance = section.footer_distance = Mm(12)


def _caption_style(word) -> None:
    """Captions in 9 pt italic dark grey, kept with what they describe."""
    from docx.shared import Pt, RGBColor

    style = word.styles["Caption"]
    style.font.bold = False
    style.font.italic = True
    style.font.size = Pt(9)
    style.font.color.rgb = RGBColor(0x40, 0x40, 0x40)
    style.paragraph_format.space_before = Pt(2)
    style.paragraph_format.space_after = Pt(10)


class _Lists:
    """Numbering definitions of our own: a bullet ("•") and a decimal ("1.") list, nine levels each.

    ``List Bullet`` and ``List Number`` point to them, and every list paragraph carries its own
    ``w:numPr`` too, so a reader that ignores style numbering still draws bullets. Each numbered list
    gets a fresh ``w:num`` that restarts at 1.
    """

    def __init__(self, word) -> None:
        from docx.oxml.ns import qn

        self._numbering = word.part.numbering_part.element
        taken = [int(n.get(qn("w:abstractNumId"))) for n in self._numbering.findall(qn("w:abstractNum"))]
        self._next_abstract = max(taken, default=-1) + 1
        self.bullet = self._num(self._abstract("bullet"))
        self._decimal = self._abstract("decimal")
        for name, num in (("List Bullet", self.bullet), ("List Number", self._num(self._decimal))):
            self._set(word.styles[name].element.get_or_add_pPr(), num)

    def numbered(self) -> int:
        """A new numbered list, starting at 1."""
        return self._num(self._decimal, restart=True)

    def mark(self, paragraph, num: int) -> None:
        """Give ``paragraph`` the numbering properties of list ``num`` (level 0)."""
        self._set(paragraph._p.get_or_add_pPr(), num)

    @staticmethod
    def _set(p_pr, num: int) -> None:
        """``w:numPr`` (level 0 of list ``num``) in its schema place in a paragraph's or style's ``w:pPr``."""
        p_pr._remove_numPr()
        num_pr = p_pr.get_or_add_numPr()
        num_pr.get_or_add_ilvl().val = 0
        num_pr.get_or_add_numId().val = num

    def _abstract(self, kind: str) -> int:
        from docx.oxml.ns import qn

        ident = self._next_abstract
        self._next_abstract += 1
        abstract = _element("w:abstractNum", **{"w:abstractNumId": str(ident)})
        abstract.append(_element("w:multiLevelType", **{"w:val": "hybridMultilevel"}))
        for level in range(9):
            lvl = _element("w:lvl", **{"w:ilvl": str(level)})
            lvl.append(_element("w:start", **{"w:val": "1"}))
            lvl.append(_element("w:numFmt", **{"w:val": kind}))
            shown = ("•" if level % 2 == 0 else "–") if kind == "bullet" else f"%{level + 1}."
            lvl.append(_element("w:lvlText", **{"w:val": shown}))
            lvl.append(_element("w:lvlJc", **{"w:val": "left"}))
            p_pr = _element("w:pPr")
            p_pr.append(_element("w:ind", **{"w:left": str(360 * (level + 1)), "w:hanging": "360"}))
            lvl.append(p_pr)
            if kind == "bullet":
                r_pr = _element("w:rPr")
                r_pr.append(_element("w:rFonts", **{"w:ascii": "Calibri", "w:hAnsi": "Calibri", "w:hint": "default"}))
                lvl.append(r_pr)
            abstract.append(lvl)
        first_num = self._numbering.find(qn("w:num"))  # abstract definitions come before every w:num
        if first_num is None:
            self._numbering.append(abstract)
        else:
            first_num.addprevious(abstract)
        return ident

    def _num(self, abstract: int, *, restart: bool = False) -> int:
        from docx.oxml.ns import qn

        taken = [int(n.get(qn("w:numId"))) for n in self._numbering.findall(qn("w:num"))]
        ident = max(taken, default=0) + 1
        num = _element("w:num", **{"w:numId": str(ident)})
        num.append(_element("w:abstractNumId", **{"w:val": str(abstract)}))
        if restart:
            override = _element("w:lvlOverride", **{"w:ilvl": "0"})
            override.append(_element("w:startOverride", **{"w:val": "1"}))
            num.append(override)
        cleanup = self._numbering.find(qn("w:numIdMacAtCleanup"))  # must stay last
        if cleanup is None:
            self._numbering.append(num)
        else:
            cleanup.addprevious(num)
        return ident


def to_docx(doc: Document) -> bytes:
    """``doc`` as the bytes of a ``.docx`` file.

    Parameters
    ----------
    doc : Document

    Returns
    -------
    bytes
        A Word document (a zip file, ``PK`` …).

    Examples
    --------
    >>> from sdg_interactions.report.document import Document, Paragraph
    >>> to_docx(Document("T", "en", [Paragraph("x\\x00y")]))[:2]
    b'PK'
    """
    import docx

    word = docx.Document()
    word.core_properties.title = clean(doc.title)
    _page(word)
    _language(word, doc.lang)
    _caption_style(word)
    lists = _Lists(word)
    for block in doc.blocks:
        if isinstance(block, Heading):
            word.add_heading(clean(block.text), block.level)
        elif isinstance(block, Paragraph):
            _runs(word.add_paragraph(), block)
        elif isinstance(block, BulletList):
            ordered = bool(getattr(block, "ordered", False))
            num = lists.numbered() if ordered else lists.bullet
            for item in block.items:
                paragraph = word.add_paragraph(style="List Number" if ordered else "List Bullet")
                lists.mark(paragraph, num)
                _runs(paragraph, item)
        elif isinstance(block, Table):
            _table(word, block)
        elif isinstance(block, Figure):
            _figure(word, block)
        elif isinstance(block, Callout):
            _callout(word, block)
        elif isinstance(block, PageBreak):
            word.add_page_break()
        elif not isinstance(block, Stamp):  # the stamp goes to the footer
            raise TypeError(f"not a document block: {type(block).__name__}")
    _footer(word, doc)
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def write_docx(doc: Document, path: str | os.PathLike) -> Path:
    """Write ``doc`` as Word (:func:`to_docx`) to ``path``, whole or not at all; returns the path."""
    return write_atomic(path, to_docx(doc))
