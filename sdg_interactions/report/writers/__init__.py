"""Writers: a :class:`~sdg_interactions.report.document.Document` as HTML, PDF (Typst), Word or Markdown.

* :mod:`~sdg_interactions.report.writers.html`: ``to_html`` / ``write_html``, one self-contained page;
* :mod:`~sdg_interactions.report.writers.typst`: ``to_typst`` / ``write_typst`` (the source) and
  ``to_pdf`` / ``write_pdf``, compiled by the ``typst`` package (no system libraries);
* :mod:`~sdg_interactions.report.writers.docx`: ``to_docx`` / ``write_docx`` with python-docx;
* :mod:`~sdg_interactions.report.writers.markdown`: ``to_markdown`` / ``write_markdown``.

Each writer imports its library only when called; :func:`write` picks the writer from the file's
extension. Every writer makes its whole file in memory and writes it whole or not at all
(:func:`~sdg_interactions.textfile.write_atomic`: a temporary name in the same folder, renamed over the final
name when complete), so a killed run never leaves a 0-byte HTML or a truncated PDF under a report's name.
Every writer prints every text as itself: user labels are escaped for the format, and characters no format
can hold (C0 control characters other than tab and newline) are dropped (:func:`clean`).

**Bidirectional text**: no text can reorder what follows it. :func:`clean` drops the embeddings and
overrides (U+202A–U+202E: an unbalanced U+202E in a label would print the report's next sentence backwards)
and keeps only whole isolates (U+2066–U+2069) within each text, so no isolate reaches past its text; every
table cell (labels, comments, names) is isolated where it holds right-to-left letters
(:func:`~sdg_interactions.report.document.isolate`), and so is every user text a section marks with it.
Typst, Word and Markdown keep the isolates as characters (FSI … PDI); HTML writes them as ``<bdi>``.
"""

from __future__ import annotations

import os
import re
from importlib import import_module
from pathlib import Path

__all__ = ["FORMATS", "clean", "write"]

#: Extension → (module, function) of the writer :func:`write` uses.
FORMATS = {
    ".html": ("html", "write_html"),
    ".htm": ("html", "write_html"),
    ".pdf": ("typst", "write_pdf"),
    ".typ": ("typst", "write_typst"),
    ".docx": ("docx", "write_docx"),
    ".md": ("markdown", "write_markdown"),
}

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff\u202a-\u202e]")
#: The isolate initiators (LRI, RLI, FSI) and their end (PDI).
_OPENS, _PDI = "\u2066\u2067\u2068", "\u2069"


def clean(text: object) -> str:
    """``text`` as ``str`` without the characters XML (and so Word) cannot hold and without bidi embeddings and
    overrides (U+202A–U+202E); of its isolates only the pairs are kept (an initiator without its PDI, or a PDI
    without one, is dropped); ``\\r\\n`` and ``\\r`` become ``\\n``.

    Examples
    --------
    >>> clean("a\\x00b\\x1bc\\r\\nd\\te")
    'abc\\nd\\te'
    >>> clean("x \\u202eFattigdom\\u2069, \\u2068ok \\u2068ja\\u2069") == "x Fattigdom, ok \\u2068ja\\u2069"
    True
    """
    text = _UNSAFE.sub("", str(text).replace("\r\n", "\n").replace("\r", "\n"))
    if _PDI not in text and not any(c in text for c in _OPENS):
        return text
    opened, unmatched = [], set()
    for k, char in enumerate(text):
        if char in _OPENS:
            opened.append(k)
        elif char == _PDI:
            if opened:
                opened.pop()
            else:
                unmatched.add(k)
    unmatched.update(opened)
    return "".join(c for k, c in enumerate(text) if k not in unmatched)


def write(doc, path: str | os.PathLike) -> Path:
    """Write ``doc`` to ``path`` with the writer its extension names (``.html``, ``.pdf``, ``.typ``,
    ``.docx``, ``.md``).

    Examples
    --------
    >>> write(None, "report.odt")
    Traceback (most recent call last):
    ...
    ValueError: no writer for '.odt'; known: .html, .htm, .pdf, .typ, .docx, .md
    """
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"no writer for {suffix!r}; known: {', '.join(FORMATS)}")
    module, name = FORMATS[suffix]
    return getattr(import_module(f"{__name__}.{module}"), name)(doc, path)
