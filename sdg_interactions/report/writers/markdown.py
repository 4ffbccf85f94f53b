"""A :class:`~sdg_interactions.report.document.Document` as plain Markdown (CommonMark with GFM tables).

Markdown's special characters are backslash-escaped wherever they are (``\\ ` * _ [ ] < > # | ~ ! & { }
$``), and at the start of a line also ``-``, ``+``, ``=``, ``>`` and the ``.`` of ``1.``; so
``*bold*``, ``# heading``, ``[link](x)``, ``<tag>``, ``&amp;`` or ``- item`` print as themselves.
Newlines inside a text become spaces (a line break would start a new block). Figures are inline SVG data
URIs (``![alt](data:image/svg+xml;base64,...)``), so the file stays self-contained.

Examples
--------
>>> from sdg_interactions.report.document import Document, Paragraph, Strong
>>> to_markdown(Document("T", "sv", [Paragraph(["*a* ", Strong("b_c")])]))
'\\\\*a\\\\* **b\\\\_c**\\n'
"""

from __future__ import annotations

import base64
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
    run_text,
)
from sdg_interactions.report.writers import clean
from sdg_interactions.textfile import write_atomic

__all__ = ["escape", "to_markdown", "write_markdown"]

#: Characters escaped wherever they are: inline markup, HTML, entities, table pipes, math dollars.
_SPECIALS = re.compile(r"([\\`*_\[\]<>#|~!&{}$])")
#: What makes a block of its own at the start of a line: list, quote, heading underline, ordered list.
_LINE_START = re.compile(r"^([-+=>])|^(\d{1,9})([.)])(?=\s|$)")


def escape(text: object, *, start: bool = True) -> str:
    """``text`` with Markdown's special characters backslash-escaped and line breaks as spaces.

    ``start``: the text begins a line (a paragraph, list item or cell), so a leading ``-``, ``+``,
    ``=``, ``>`` or ``1.`` is escaped too and leading spaces (an indented code block) are dropped.

    Examples
    --------
    >>> print(escape("# 1. [a](b) <c> | d\\ne"))
    \\# 1. \\[a\\](b) \\<c\\> \\| d e
    >>> print(escape("1. x"), escape("- y"), escape("- y", start=False))
    1\\. x \\- y - y
    """
    text = re.sub(r"\s*\n\s*", " ", clean(text))
    text = _SPECIALS.sub(r"\\\1", text)
    if start:
        text = _LINE_START.sub(lambda m: f"\\{m[1]}" if m[1] else f"{m[2]}\\{m[3]}", text.lstrip())
    return text


def _run(run: Run, start: bool) -> str:
    if not run_text(run).strip():
        return escape(run_text(run), start=start)
    if isinstance(run, Emphasis):
        return _wrap(run.text, "*", start)
    if isinstance(run, Strong):
        return _wrap(run.text, "**", start)
    if isinstance(run, Code):
        fence = "``" if "`" in run.text else "`"
        return f"{fence} {clean(run.text)} {fence}" if fence == "``" else f"`{clean(run.text)}`"
    return escape(run, start=start)


def _wrap(text: str, mark: str, start: bool) -> str:
    """Emphasis around the text, with its outer spaces outside the marks (else CommonMark ignores them)."""
    stripped = text.strip()
    lead, trail = text[: len(text) - len(text.lstrip())], text[len(text.rstrip()):]
    lead = "" if start else escape(lead, start=False)
    return f"{lead}{mark}{escape(stripped, start=False)}{mark}{escape(trail, start=False)}"


def _runs(paragraph: Paragraph) -> str:
    return "".join(_run(r, k == 0) for k, r in enumerate(paragraph.runs))


def _table(table: Table) -> str:
    lines = [f"*{escape(table.caption)}*", ""] if table.caption else []
    lines.append("| " + " | ".join(escape(isolate(c)) for c in table.columns) + " |")
    lines.append("|" + "|".join(" --- " for _ in table.columns) + "|")
    lines += ["| " + " | ".join(escape(isolate(v)) for v in row) + " |" for row in table.rows]
    return "\n".join(lines)


def _figure(figure: Figure) -> str:
    data = base64.b64encode(figure.svg.encode("utf-8")).decode("ascii")
    image = f"![{escape(figure.alt)}](data:image/svg+xml;base64,{data})"
    return f"{image}\n\n*{escape(figure.caption)}*" if figure.caption else image


def _block(block) -> str:
    if isinstance(block, Heading):
        return f"{'#' * block.level} {escape(block.text)}"
    if isinstance(block, Paragraph):
        return _runs(block)
    if isinstance(block, BulletList):
        return "\n".join(f"- {_runs(item)}" for item in block.items)
    if isinstance(block, Table):
        return _table(block)
    if isinstance(block, Figure):
        return _figure(block)
    if isinstance(block, Callout):
        return "\n>\n".join([f"> **{escape(block.title, start=False)}**"] + [f"> {_runs(i)}" for i in block.items])
    if isinstance(block, Stamp):
        return "---\n\n" + "  \n".join(escape(line) for line in block.lines)
    if isinstance(block, PageBreak):
        return "---"
    raise TypeError(f"not a document block: {type(block).__name__}")


def to_markdown(doc: Document) -> str:
    """``doc`` as Markdown text; blocks separated by blank lines.

    Parameters
    ----------
    doc : Document

    Returns
    -------
    str

    Examples
    --------
    >>> from sdg_interactions.report.document import Document, Heading, Table
    >>> print(to_markdown(Document("T", "sv", [Heading("Umeå", 2), Table(["a|b"], [["1.5"]])])))
    ## Umeå
    <BLANKLINE>
    | a\\|b |
    | --- |
    | 1.5 |
    <BLANKLINE>
    """
    blocks = [_block(b) for b in doc.blocks]
    return "\n\n".join(b for b in blocks if b) + "\n"


def write_markdown(doc: Document, path: str | os.PathLike) -> Path:
    """Write ``doc`` as Markdown (:func:`to_markdown`, UTF-8) to ``path``, whole or not at all; returns the path."""
    return write_atomic(path, to_markdown(doc))
