"""The report's page: narrative sections as HTML, the self-contained HTML file, and the PDF.

The HTML loads nothing from the internet: nbconvert's ``basic`` template with the code hidden, inside
our own ``<html>`` with inline CSS, charts as inline SVG. The PDF is printed by WeasyPrint with a URL
fetcher that refuses every request. nbconvert and WeasyPrint are imported lazily.
"""

from __future__ import annotations

import html
import os
import re
import threading
from collections.abc import Mapping

__all__ = ["html_exporter", "load_weasyprint", "section_html", "show", "to_html", "write_pdf"]


def section_html(section: Mapping | None, *, figure: str | None = None, table: bool = True) -> str:
    """The HTML of a :mod:`~sdg_interactions.report.sections` section: every text escaped, the figure (an
    SVG string) inline."""
    if not section:
        return ""
    tag = "h1" if section["id"] == "cover" else "h2"
    parts = [f'<section class="report-section" id="section-{html.escape(section["id"])}">',
             f"<{tag}>{html.escape(section['title'])}</{tag}>"]
    parts += [f"<p>{html.escape(p)}</p>" for p in section["paragraphs"]]
    if figure:
        parts.append(f'<figure class="chart">{figure}</figure>')
    if table and section.get("table"):
        head = "".join(f"<th>{html.escape(str(c))}</th>" for c in section["table"]["columns"])
        body = "".join("<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
                       for row in section["table"]["rows"])
        parts.append(f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>")
    parts.append("</section>")
    return "\n".join(parts)


def show(section: Mapping | None, *, chart=None, table: bool = True) -> None:
    """Display a section (and an altair ``chart``, as inline SVG) in the notebook; ``None`` shows nothing."""
    from IPython.display import HTML, display

    if not section:
        return
    figure = None
    if chart is not None:
        from sdg_interactions import plots

        figure = _strip_xml_prolog(plots.to_svg(chart))
    display(HTML(section_html(section, figure=figure, table=table)))


def _strip_xml_prolog(svg: str) -> str:
    return re.sub(r"^\s*<\?xml[^>]*\?>\s*", "", svg)


# --- export -------------------------------------------------------------------------------------

_CSS = """
@page { size: A4; margin: 16mm 16mm 18mm 16mm; }
html { font-family: "DejaVu Sans", "Liberation Sans", Arial, sans-serif; font-size: 10pt; color: #1a1a1a; }
body { max-width: 180mm; margin: 0 auto; line-height: 1.35; }
h1 { font-size: 17pt; margin: 0 0 6pt 0; color: #0b3d5c; }
h2 { font-size: 12.5pt; margin: 12pt 0 4pt 0; color: #0b3d5c; border-bottom: 0.6pt solid #9bb; }
p { margin: 0 0 4pt 0; }
table { border-collapse: collapse; margin: 4pt 0 8pt 0; font-size: 8.5pt; width: 100%; }
th, td { border-bottom: 0.4pt solid #ccc; padding: 2pt 4pt; text-align: left; vertical-align: top; }
th { background: #eef3f6; }
figure.chart { margin: 4pt 0; break-inside: avoid; }
figure.chart svg { max-width: 100%; height: auto; }
#section-cover { border-bottom: 1.2pt solid #0b3d5c; padding-bottom: 6pt; margin-bottom: 6pt; }
#section-stamp { font-size: 7.5pt; color: #555; margin-top: 10pt; word-break: break-all; }
#section-stamp h2 { font-size: 9pt; }
.audience-forvaltning #section-heatmap, .audience-forvaltning #section-method { break-before: page; }
"""
_exporters: dict = {}
_export_lock = threading.Lock()


def html_exporter():
    """The one nbconvert HTML exporter (basic template, code hidden), built on first use."""
    if "html" not in _exporters:
        from nbconvert import HTMLExporter
        from traitlets.config import Config

        config = Config()
        config.TagRemovePreprocessor.enabled = True
        config.TagRemovePreprocessor.remove_cell_tags = ("remove",)
        _exporters["html"] = HTMLExporter(config=config, template_name="basic", exclude_input=True,
                                       exclude_input_prompt=True, exclude_output_prompt=True)
    return _exporters["html"]


def to_html(nb, *, title: str = "", lang: str = "sv", audience: str = "politiker") -> str:
    """Export an executed report notebook to one self-contained HTML page.

    nbconvert's ``basic`` template (the cell bodies only, code cells hidden, cells tagged ``remove``
    dropped) inside this module's own ``<html>`` with inline CSS: no script, style sheet, font or
    image is loaded from anywhere.
    """
    with _export_lock:  # one exporter for all threads: building one costs a second
        body, _ = html_exporter().from_notebook_node(nb)
    return (f'<!DOCTYPE html>\n<html lang="{html.escape(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f"<title>{html.escape(title)}</title>\n<style>{_CSS}</style>\n</head>\n"
            f'<body class="audience-{html.escape(audience)}">\n{body}\n</body>\n</html>\n')


_pdf_lock = threading.Lock()


class _QuietFontWarning:
    """Drops WeasyPrint's per-document note that it subsets fonts with fontTools (slower, same PDF)."""

    @staticmethod
    def filter(record) -> bool:
        return not str(record.msg).startswith("Using fontTools instead of HarfBuzz")


def write_pdf(page: str, path: str | os.PathLike) -> None:
    """Print an HTML page (from :func:`to_html`) to an A4 PDF with WeasyPrint; nothing is fetched."""
    import logging
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)  # "HarfBuzz-Subset will be required …"
        import weasyprint
    logger = logging.getLogger("weasyprint")
    if not any(isinstance(f, _QuietFontWarning) for f in logger.filters):
        logger.addFilter(_QuietFontWarning())

    def refuse(url, *args, **kwargs):
        raise ValueError(f"the report must not load {url!r}")

    with _pdf_lock:  # WeasyPrint (Pango) is not documented as thread-safe
        weasyprint.HTML(string=page, url_fetcher=refuse).write_pdf(os.fspath(path))


def load_weasyprint() -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import weasyprint  # noqa: F401
