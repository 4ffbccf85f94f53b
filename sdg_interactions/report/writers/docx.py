"""A :class:`~sdg_interactions.report.document.Document` as a Word file (python-docx).

Real Word structure, so the file reads well with a screen reader and re-flows in Word:

* headings with the built-in ``Heading 1``–``Heading 6`` styles, bullets with ``List Bullet``;
* tables in ``Table Grid`` with a bold header row marked to repeat on every page (``w:tblHeader``)
  and rows that may not break across pages (``w:cantSplit``); a table caption above it (``Caption``);
* figures as PNG (``Figure.png``, else the SVG converted by ``vl_convert.svg_to_png``), at most the
  text width, with the alt text as the picture's description and the caption below;
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
#: The widest a figure may be: the text width of the default A4/Letter page.
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
    r_pr = word.styles["Normal"].element.get_or_add_rPr()
    tag = _LANG_TAGS[lang]
    r_pr.append(_element("w:lang", **{"w:val": tag, "w:eastAsia": tag, "w:bidi": tag}))
    word.core_properties.language = tag


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
    _language(word, doc.lang)
    for block in doc.blocks:
        if isinstance(block, Heading):
            word.add_heading(clean(block.text), block.level)
        elif isinstance(block, Paragraph):
            _runs(word.add_paragraph(), block)
        elif isinstance(block, BulletList):
            for item in block.items:
                _runs(word.add_paragraph(style="List Bullet"), item)
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
