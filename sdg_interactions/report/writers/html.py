"""A :class:`~sdg_interactions.report.document.Document` as one self-contained HTML page.

Nothing is loaded from anywhere: the CSS is inline, charts are inline SVG (their XML prolog
dropped), there are no scripts, fonts or links to fetch. Every text is escaped with
:func:`html.escape`, so a label such as ``<script>`` prints as itself; a bidi isolate (a user's text,
a table cell with right-to-left letters) is a ``<bdi>`` element.

Examples
--------
>>> from sdg_interactions.report.document import Document, Paragraph
>>> "<p>&lt;b&gt; &amp; å</p>" in to_html(Document("T", "sv", [Paragraph("<b> & å")]))
True
"""

from __future__ import annotations

import html
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

__all__ = ["to_html", "write_html"]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; line-height: 1.45; color: #1a1a1a;
       max-width: 52rem; margin: 2rem auto; padding: 0 1rem; hyphens: auto; }
table { border-collapse: collapse; margin: 1em 0; font-size: 0.92em; }
caption { caption-side: top; text-align: left; font-weight: 600; padding-bottom: 0.3em; }
th, td { border: 1px solid #a0a0a0; padding: 0.25em 0.5em; text-align: left; vertical-align: top; }
thead { display: table-header-group; }
tr { break-inside: avoid; }
figure { margin: 1em 0; break-inside: avoid; }
figure svg { max-width: 100%; height: auto; }
figcaption { font-size: 0.9em; color: #444; }
footer.stamp { margin-top: 2em; font-size: 0.75em; color: #595959; }
aside.callout { margin: 1.5em 0; padding: 0.6em 1em; border: 1px solid #2f6fa8; border-radius: 4px;
                background: #eef4fa; break-inside: avoid; }
aside.callout h2 { margin-top: 0.2em; font-size: 1.15em; }
code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 0.9em; background: #f4f4f4;
       padding: 0 0.2em; }
hr.page-break { break-after: page; border: none; border-top: 1px dashed #ccc; margin: 2em 0; }
"""

_PROLOG = re.compile(r"^\s*(<\?xml[^>]*\?>\s*)?(<!DOCTYPE[^>]*>\s*)?", re.IGNORECASE)


_BDI = str.maketrans({"\u2066": '<bdi dir="ltr">', "\u2067": '<bdi dir="rtl">', "\u2068": "<bdi>",
                      "\u2069": "</bdi>"})


def _attr(text: object) -> str:
    """Text for an attribute or the ``<title>``: escaped, its isolates left as characters."""
    return html.escape(clean(text), quote=True)


def _esc(text: object) -> str:
    """Text for an element's content: escaped, its isolates (balanced by :func:`clean`) as ``<bdi>`` elements."""
    return _attr(text).translate(_BDI)


def _run(run: Run) -> str:
    if isinstance(run, Emphasis):
        return f"<em>{_esc(run.text)}</em>"
    if isinstance(run, Strong):
        return f"<strong>{_esc(run.text)}</strong>"
    if isinstance(run, Code):
        return f"<code>{_esc(run.text)}</code>"
    return _esc(run)


def _runs(paragraph: Paragraph) -> str:
    return "".join(_run(r) for r in paragraph.runs)


def _table(table: Table) -> str:
    caption = f"<caption>{_esc(table.caption)}</caption>" if table.caption else ""
    head = "".join(f'<th scope="col">{_esc(isolate(c))}</th>' for c in table.columns)
    body = "\n".join("<tr>" + "".join(f"<td>{_esc(isolate(v))}</td>" for v in row) + "</tr>" for row in table.rows)
    return f"<table>{caption}<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody></table>"


def _figure(figure: Figure) -> str:
    label = f' role="img" aria-label="{_attr(figure.alt)}"' if figure.alt else ""
    caption = f"<figcaption>{_esc(figure.caption)}</figcaption>" if figure.caption else ""
    return f'<figure class="chart"{label}>{_PROLOG.sub("", figure.svg, count=1)}{caption}</figure>'


def _block(block) -> str:
    if isinstance(block, Heading):
        return f"<h{block.level}>{_esc(block.text)}</h{block.level}>"
    if isinstance(block, Paragraph):
        return f"<p>{_runs(block)}</p>"
    if isinstance(block, BulletList):
        return "<ul>" + "".join(f"<li>{_runs(item)}</li>" for item in block.items) + "</ul>"
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        return _figure(block)
    if isinstance(block, Callout):
        items = "".join(f"<p>{_runs(item)}</p>" for item in block.items)
        return f'<aside class="callout"><h2>{_esc(block.title)}</h2>{items}</aside>'
    if isinstance(block, Stamp):
        return ('<footer class="stamp" id="section-stamp">' + "<br>".join(_esc(line) for line in block.lines)
                + "</footer>")
    if isinstance(block, PageBreak):
        return '<hr class="page-break">'
    raise TypeError(f"not a document block: {type(block).__name__}")


def to_html(doc: Document) -> str:
    """``doc`` as one self-contained HTML page (a ``str``).

    Parameters
    ----------
    doc : Document

    Returns
    -------
    str
        ``<!DOCTYPE html>`` page with ``lang`` set, inline CSS and inline SVG charts.

    Examples
    --------
    >>> from sdg_interactions.report.document import Document, Heading
    >>> page = to_html(Document("Umeå <1>", "sv", [Heading("Rubrik", 2)]))
    >>> '<html lang="sv">' in page, "<title>Umeå &lt;1&gt;</title>" in page, "<h2>Rubrik</h2>" in page
    (True, True, True)
    """
    parts, open_section = [], False
    for block in doc.blocks:  # a heading with an anchor opens <section id="section-…"> up to the next one
        if isinstance(block, Heading) and block.anchor:
            parts.append("</section>" if open_section else "")
            parts.append(f'<section class="report-section" id="section-{_attr(block.anchor)}">')
            open_section = True
        elif isinstance(block, Stamp) and open_section:
            parts.append("</section>")
            open_section = False
        parts.append(_block(block))
    parts.append("</section>" if open_section else "")
    body = "\n".join(p for p in parts if p)
    return (f'<!DOCTYPE html>\n<html lang="{_attr(doc.lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f"<title>{_attr(doc.title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n{body}\n</body>\n</html>\n")


def write_html(doc: Document, path: str | os.PathLike) -> Path:
    """Write ``doc`` as HTML (:func:`to_html`, UTF-8) to ``path``, whole or not at all; returns the path."""
    return write_atomic(path, to_html(doc))
