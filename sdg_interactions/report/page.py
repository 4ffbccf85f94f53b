"""The report inside its notebook, and the document made from it.

Each report section is shown in the notebook by :func:`show`: as HTML for whoever reads the notebook,
and, beside it in the same output, as data (:data:`SECTION_MIME`: the section's title, paragraphs,
table and chart as SVG). :func:`document_of` gathers those outputs of an executed notebook, in order,
into one :class:`~sdg_interactions.report.document.Document`, which the writers turn into HTML, PDF
(Typst) and Word (:func:`write_documents`). No writer knows a metric; no section knows a format.
"""

from __future__ import annotations

import contextlib
import html
import os
import re
from collections.abc import Mapping
from pathlib import Path

from sdg_interactions.report.document import Document, Figure, PageBreak, from_section

__all__ = ["DOCUMENT_FORMATS", "SECTION_MIME", "document_of", "guard", "problems_of", "section_html", "show",
           "write_documents"]

#: The MIME type of a section shown by :func:`show`, read back by :func:`document_of`.
SECTION_MIME = "application/vnd.sdg-interactions.section+json"
#: The formats :func:`write_documents` writes, by file suffix.
DOCUMENT_FORMATS = ("html", "pdf", "docx")


def section_html(section: Mapping | None, *, figure: str | None = None, table: bool = True,
                 source: str = "") -> str:
    """The HTML of a :mod:`~sdg_interactions.report.sections` section: every text escaped, the figure (an
    SVG string) inline with ``source`` as its caption, then the section's ``problems`` as paragraphs."""
    if not section:
        return ""
    tag = "h1" if section["id"] == "cover" else "h2"
    parts = [f'<section class="report-section" id="section-{html.escape(section["id"])}">',
             f"<{tag}>{html.escape(section['title'])}</{tag}>"]
    parts += [f"<p>{html.escape(p)}</p>" for p in [*section["paragraphs"], *section.get("problems", ())]]
    if section.get("style") == "box":
        parts[0] = parts[0].replace('class="report-section"', 'class="report-section callout"')
    if figure:
        caption = f"<figcaption>{html.escape(source)}</figcaption>" if source else ""
        parts.append(f'<figure class="chart">{figure}{caption}</figure>')
    if table and section.get("table"):
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in section["table"]["columns"])
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                       for row in section["table"]["rows"])
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts.append("</section>")
    return "\n".join(parts)


def show(section: Mapping | None, *, chart=None, table: bool = True, alt: str = "", source: str = "") -> None:
    """Display a section (and an altair ``chart``, as inline SVG) in the notebook; ``None`` shows nothing.

    The output holds the section twice: as HTML (``text/html``) and as data (:data:`SECTION_MIME`:
    ``id``, ``title``, ``paragraphs``, ``table`` when ``table`` is true, ``figure`` (SVG), ``alt`` (the
    chart's description in words), ``source`` (the line under the chart that says whose assessment it
    shows, :func:`~sdg_interactions.report.honesty.source_line`; the figure's caption) and ``problems``
    (sentences on what could not be drawn, shown after the paragraphs)), from which :func:`document_of`
    builds the document.
    """
    from IPython.display import display

    if not section:
        return
    figure = None
    if chart is not None:
        from sdg_interactions import plots
        from sdg_interactions.plots.base import without_source_line

        if source:  # the source line goes under the figure; the chart's own would say it twice
            chart = without_source_line(chart)
        figure = _strip_xml_prolog(plots.to_svg(chart))
    data = {"id": str(section["id"]), "title": str(section["title"]),
            "paragraphs": [str(p) for p in section["paragraphs"]],
            "table": section.get("table") if table else None, "figure": figure,
            "alt": alt or (str(section["paragraphs"][0]) if figure and section["paragraphs"] else ""),
            "source": str(source) if figure else "",
            "problems": [str(p) for p in section.get("problems") or ()]}
    if section.get("style"):
        data["style"] = str(section["style"])
    display({"text/html": section_html(section, figure=figure, table=table, source=data["source"]),
             SECTION_MIME: data}, raw=True)


@contextlib.contextmanager
def guard(section_id: str, lang: str = "sv"):
    """Run an optional section's cell; an exception in it never removes the section without a word: a
    section with the same id is shown instead, its ``problems`` saying what could not be drawn and why
    (which :func:`problems_of` and the ``report`` command pass on).

    Examples
    --------
    >>> with guard("heatmap", "en"):
    ...     raise ValueError("boom")  # doctest: +ELLIPSIS
    {'text/html': ...could not be included: an error in the tool (ValueError: boom)...}
    """
    from sdg_interactions.errors import SdgInteractionsError
    from sdg_interactions.texts import catalogue, text

    try:
        yield
    except Exception as error:  # the point: any failure becomes a sentence in the report
        keys = [f"report_honesty.section.{section_id}",
                *(f"{prefix}.{section_id}.title" for prefix in ("report", "report_decision", "report_frameworks"))]
        what = next((text(key, lang) for key in keys if key in catalogue() and "{" not in text(key, lang)),
                    section_id)
        reason = str(error).replace("\n", " ").strip()
        if not isinstance(error, SdgInteractionsError):
            reason = text("report_honesty.problem.internal", lang, error=f"{type(error).__name__}: {reason}")
        problem = text("report_honesty.problem.failed", lang, what=what, reason=reason)
        show({"id": section_id, "title": text("report_honesty.problem.title", lang), "paragraphs": [],
              "table": None, "problems": [problem]})


def problems_of(nb) -> list[str]:
    """Every problem sentence of an executed report notebook (the sections' ``problems``), in order.

    Examples
    --------
    >>> problems_of({"cells": [{"outputs": [{"data": {SECTION_MIME: {"problems": ["x kunde inte ritas"]}}}]}]})
    ['x kunde inte ritas']
    """
    found = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get(SECTION_MIME)
            if data:
                found += [str(p) for p in data.get("problems") or ()]
    return found


def _strip_xml_prolog(svg: str) -> str:
    return re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)


# --- the document --------------------------------------------------------------------------------


def document_of(nb, *, title: str, lang: str = "sv", audience: str = "politiker") -> Document:
    """The document of an executed report notebook: every section :func:`show` displayed, in order.

    Sections become blocks by :func:`~sdg_interactions.report.document.from_section`; in the
    ``forvaltning`` version the heat map and the method start on a new page.
    """
    blocks = []
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            data = output.get("data", {}).get(SECTION_MIME)
            if not data:
                continue
            if audience == "forvaltning" and data["id"] in ("heatmap", "method") and blocks:
                blocks.append(PageBreak())
            figure = (Figure(data["figure"], caption=data.get("source", ""), alt=data.get("alt", ""))
                      if data.get("figure") else None)
            blocks += from_section({**data, "paragraphs": [*data.get("paragraphs", ()), *data.get("problems", ())]},
                                   figure=figure)
    return Document(title, lang, blocks, meta={"audience": audience})


def write_documents(doc: Document, paths: Mapping[str, str | os.PathLike]) -> dict[str, Path]:
    """Write ``doc`` in each format of ``paths`` (``{"html": …, "pdf": …, "docx": …}``); return the paths.

    HTML is self-contained (inline CSS and SVG, nothing fetched), the PDF is compiled by Typst (no system
    library), Word through python-docx (:mod:`sdg_interactions.report.writers`).
    """
    from sdg_interactions.report import writers

    written = {}
    for kind, path in paths.items():
        if kind not in DOCUMENT_FORMATS:
            raise ValueError(f"unknown document format {kind!r}; valid: {', '.join(DOCUMENT_FORMATS)}")
        written[kind] = writers.write(doc, path)
    return written
