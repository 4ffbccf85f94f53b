"""A :class:`~sdg_interactions.report.document.Document` as Typst source, and as PDF compiled by the
``typst`` package (the compiler ships in its wheel: no Pango, no browser, no network).

The page is A4 with "Sida 1 av 2" / "Page 1 of 2" centred in the footer; the :class:`Stamp` (version,
data hash, parameters) is set in small print in the footer of the last page. ``text(lang: ...)``
follows ``doc.lang`` so words hyphenate as Swedish or English. Tables repeat their header row on
every page and a row is never split across pages (``table.cell(breakable: false)``); a row taller than
a page overflows instead. Figures and callout boxes never break; a chart is set at its own size (CSS
px, 0.75 pt each) unless wider than the text, and embedded as SVG bytes, so the source is one
self-contained string.

Escaping: no user text is ever written as Typst markup. Every text goes in as a Typst *string
literal* (``"..."``, only ``\\`` and ``"`` escaped, newlines as ``\\n``), and strings are shown as
plain text: ``#import``, ``$x$``, ``*bold*``, ``= heading``, ``@ref``, ``<label>`` and ``]`` print as
themselves.

Examples
--------
>>> from sdg_interactions.report.document import Document, Paragraph
>>> print(to_typst(Document("T", "en", [Paragraph('say "#hi" \\\\')])).splitlines()[-1])
#{"say \\"#hi\\" \\\\"}
"""

from __future__ import annotations

import os
import re
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
    Run,
    Stamp,
    Strong,
    Table,
    isolate,
)
from sdg_interactions.report.writers import clean
from sdg_interactions.textfile import write_atomic

__all__ = ["TEXT_WIDTH_PT", "literal", "svg_width_pt", "to_pdf", "to_typst", "write_pdf", "write_typst"]

#: The footer's words around the page numbers, by language.
_PAGE_WORDS = {"sv": ("Sida ", " av "), "en": ("Page ", " of ")}

#: The width of the text column in pt (A4, 18 mm margins).
TEXT_WIDTH_PT = 493.2

_PREAMBLE = """\
#set document(title: {title})
#set page(paper: "a4", margin: (x: 18mm, top: 18mm, bottom: {bottom}),
  footer: context {{
    if counter(page).get().first() == counter(page).final().first() {{ {stamp} }}
    align(center, text(size: 8pt, {page_word} + counter(page).display()
      + {of_word} + str(counter(page).final().first())))
  }})
#set text(lang: {lang}, size: 10pt)
#set par(justify: true)
#set table(stroke: 0.5pt + luma(160), inset: 4pt)
#set table.cell(breakable: false)
#show table.cell.where(y: 0): set text(weight: "bold")
#show table.cell: set par(justify: false)
#show figure: set block(breakable: false)
#show figure.where(kind: table): set block(breakable: true)
#show figure.where(kind: table): set figure.caption(position: top)
"""


def literal(text: object) -> str:
    """``text`` as a Typst string literal that shows exactly ``text``.

    Examples
    --------
    >>> print(literal('a "b" \\\\ #c\\nd'))
    "a \\"b\\" \\\\ #c\\nd"
    """
    text = clean(text)
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _run(run: Run) -> str:
    if isinstance(run, Emphasis):
        return f"emph({literal(run.text)})"
    if isinstance(run, Strong):
        return f"strong({literal(run.text)})"
    if isinstance(run, Code):
        return f"raw({literal(run.text)})"
    return literal(run)


def _content(paragraph: Paragraph) -> str:
    """A code block joining the runs: ``{"a"; emph("b")}``."""
    return "{" + "; ".join(_run(r) for r in paragraph.runs) + "}" if paragraph.runs else "[]"


#: A table of at most this many rows is never split across pages: it moves whole to the next page (a levers table
#: broken after its first row at the foot of a page reads as a table of one).
SHORT_TABLE = 12


def _table(table: Table) -> str:
    header = ", ".join(literal(isolate(c)) for c in table.columns)
    cells = ",\n  ".join(", ".join(literal(isolate(v)) for v in row) for row in table.rows)
    body = f"table(columns: {len(table.columns)},\n  table.header(repeat: true, {header}),\n  {cells})"
    out = f"figure(kind: table, {body},\n  caption: {literal(table.caption)})" if table.caption else body
    return f"#block(breakable: false, {out})" if len(table.rows) <= SHORT_TABLE else f"#{out}"


def svg_width_pt(svg: str) -> float | None:
    """The width of an SVG in pt (its ``width`` in px × 0.75), or None when it has none.

    Examples
    --------
    >>> svg_width_pt('<svg width="400" height="10">')
    300.0
    """
    found = re.search(r"<svg\b[^>]*?\swidth=\"([\d.]+)(?:px)?\"", svg)
    return float(found.group(1)) * 0.75 if found else None


def _figure(figure: Figure) -> str:
    natural = svg_width_pt(figure.svg)
    width = f"{natural:.1f}pt" if natural and natural < TEXT_WIDTH_PT else "100%"
    image = f"image(bytes({literal(figure.svg)}), format: \"svg\", width: {width}"
    image += f", alt: {literal(figure.alt)})" if figure.alt else ")"
    if figure.caption:
        return f"#figure({image}, caption: {literal(figure.caption)})"
    return f"#figure({image})"


def _block(block) -> str:
    if isinstance(block, Heading):
        return f"#heading(level: {block.level}, {literal(block.text)})"
    if isinstance(block, Paragraph):
        return f"#{_content(block)}" if block.runs else ""
    if isinstance(block, BulletList):
        return f"#list({', '.join(_content(item) for item in block.items)})" if block.items else ""
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        return _figure(block)
    if isinstance(block, Callout):
        items = "".join(f"; parbreak(); {_content(item)}" for item in block.items)
        return (f"#block(breakable: false, width: 100%, inset: 8pt, radius: 3pt, above: 1.2em, "
                f"fill: rgb(\"#eef4fa\"), stroke: 0.6pt + rgb(\"#2f6fa8\"), "
                f"{{set par(justify: false); strong({literal(block.title)}){items}}})")
    if isinstance(block, Stamp):
        return ""  # set in the footer of the last page
    if isinstance(block, PageBreak):
        return "#pagebreak(weak: true)"
    raise TypeError(f"not a document block: {type(block).__name__}")


def to_typst(doc: Document) -> str:
    """The Typst source of ``doc``: one self-contained string (charts inline as SVG bytes).

    Parameters
    ----------
    doc : Document

    Returns
    -------
    str
        Typst markup; every text inside a string literal.

    Examples
    --------
    >>> from sdg_interactions.report.document import Document, Heading
    >>> source = to_typst(Document("Rapport", "sv", [Heading("= inte en rubrik *", 2)]))
    >>> source.splitlines()[-1]
    '#heading(level: 2, "= inte en rubrik *")'
    >>> '#set text(lang: "sv"' in source
    True
    """
    page_word, of_word = _PAGE_WORDS[doc.lang]
    lines = [line for block in doc.blocks if isinstance(block, Stamp) for line in block.lines]
    stamp = (f"block(width: 100%, below: 4pt, text(size: 6pt, fill: luma(90), par(justify: false, "
             f"({', '.join(literal(line) for line in lines)},).join(linebreak()))))") if lines else ""
    preamble = _PREAMBLE.format(title=literal(doc.title), lang=literal(doc.lang), page_word=literal(page_word),
                                of_word=literal(of_word), stamp=stamp,
                                bottom=f"{22 + 3 * len(lines)}mm" if lines else "22mm")
    blocks = [_block(b) for b in doc.blocks]
    return preamble + "\n" + "\n\n".join(b for b in blocks if b) + "\n"


def write_typst(doc: Document, path: str | os.PathLike) -> Path:
    """Write the Typst source of ``doc`` (:func:`to_typst`) to ``path`` (UTF-8, whole or not at all); returns the
    path."""
    return write_atomic(path, to_typst(doc))


def to_pdf(doc: Document) -> bytes:
    """``doc`` as PDF bytes, compiled by the ``typst`` package from :func:`to_typst`.

    Raises
    ------
    ImportError
        Without the ``typst`` package (``pip install 'sdg_interactions[report]'``).
    """
    try:
        import typst
    except ImportError as err:  # pragma: no cover - depends on the environment
        raise ImportError("PDF output needs the 'typst' package: pip install 'sdg_interactions[report]'") from err
    return typst.compile(to_typst(doc).encode("utf-8"), format="pdf")


def write_pdf(doc: Document, path: str | os.PathLike) -> Path:
    """Write ``doc`` as PDF (:func:`to_pdf`) to ``path``, whole or not at all; returns the path.

    Examples
    --------
    >>> import tempfile
    >>> from sdg_interactions.report.document import Document, Paragraph
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     out = write_pdf(Document("T", "sv", [Paragraph("Hej")]), Path(tmp) / "t.pdf")
    ...     out.read_bytes()[:5]
    b'%PDF-'
    """
    return write_atomic(path, to_pdf(doc))
