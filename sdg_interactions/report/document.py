"""One document model for every report format: blocks of text, tables and figures, nothing else.

A report is a :class:`Document`: a title, a language (``"sv"`` or ``"en"``), a tuple of *blocks* and
free ``meta`` data. The blocks are small frozen dataclasses:

* :class:`Heading` (``level`` 1–6);
* :class:`Paragraph`, a tuple of *runs*: plain ``str``, :class:`Emphasis`, :class:`Strong` or :class:`Code`;
* :class:`BulletList` of paragraphs;
* :class:`Table` of display strings, with a header row (``columns``) and an optional caption;
* :class:`Figure`, a chart as an SVG string (and optionally the same chart as PNG bytes, for Word);
* :class:`Callout`, a framed box with a title and paragraphs ("Så går ni vidare");
* :class:`Stamp`, the small print (version, data hash, parameters), set as a footer;
* :class:`PageBreak`.

No block knows a metric and no section knows a format: :func:`from_section` turns a section dict of
:mod:`~sdg_interactions.report.sections` into blocks, and the writers in
:mod:`sdg_interactions.report.writers` turn a document into HTML, PDF (Typst), Word or Markdown. All
text is stored as it should be printed; escaping is each writer's job.

**User text** (a label, a comment, a kommun's own goal, a respondent's or a file's name) enters the model
inside the report's own sentences and in table cells. :func:`isolate` marks one such text as a bidi
*isolate* (U+2068 FSI … U+2069 PDI) where it holds right-to-left letters, so it cannot reorder the sentence
around it; the writers isolate every table cell with it and keep the marks (HTML as ``<bdi>``).

Examples
--------
>>> section = {"id": "levers", "title": "De starkaste hävstängerna", "paragraphs": ["16.6 först."],
...            "table": {"columns": ["rang", "nod"], "rows": [["1", "16.6"]]}, "data": {}}
>>> [type(b).__name__ for b in from_section(section)]
['Heading', 'Paragraph', 'Table']
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from sdg_interactions.errors import BIDI_CONTROLS

__all__ = [
    "LANGS",
    "Block",
    "BulletList",
    "Callout",
    "Code",
    "Document",
    "Emphasis",
    "Figure",
    "Heading",
    "PageBreak",
    "Paragraph",
    "Run",
    "Stamp",
    "Strong",
    "Table",
    "code_runs",
    "drop_empty_columns",
    "from_section",
    "isolate",
    "run_text",
]

#: The languages a document can be written in.
LANGS = ("sv", "en")
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")


def isolate(text: object) -> str:
    """A user's text made safe to set inside a sentence or a table row: without bidi controls, and between
    U+2068 (FSI) and U+2069 (PDI) when it holds right-to-left letters (Arabic, Hebrew), so its direction
    stays inside it. Text without such letters comes back as it is (without bidi controls).

    Examples
    --------
    >>> isolate("Fattigdom"), isolate("a\u202eb"), isolate("عربي 3") == "\u2068عربي 3\u2069"
    ('Fattigdom', 'ab', True)
    """
    text = _BIDI.sub("", str(text))
    if any(unicodedata.bidirectional(c) in ("R", "AL") for c in text):
        return f"\u2068{text}\u2069"
    return text


@dataclass(frozen=True)
class Emphasis:
    """A run of emphasised (italic) text inside a :class:`Paragraph`."""

    text: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", str(self.text))


@dataclass(frozen=True)
class Strong:
    """A run of strong (bold) text inside a :class:`Paragraph`."""

    text: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", str(self.text))


@dataclass(frozen=True)
class Code:
    """A run of code (a command to type) inside a :class:`Paragraph`, set in a monospaced font."""

    text: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", str(self.text))


Run: TypeAlias = str | Emphasis | Strong | Code
_RUNS = (str, Emphasis, Strong, Code)


def run_text(run: Run) -> str:
    """The plain text of a run.

    Examples
    --------
    >>> run_text("a"), run_text(Emphasis("b")), run_text(Strong("c")), run_text(Code("d"))
    ('a', 'b', 'c', 'd')
    """
    return run if isinstance(run, str) else run.text


def _runs(runs: str | Run | Iterable[Run]) -> tuple[Run, ...]:
    if isinstance(runs, _RUNS):
        return (runs,)
    out = tuple(runs)
    for run in out:
        if not isinstance(run, _RUNS):
            raise TypeError(f"a paragraph run must be str, Emphasis, Strong or Code, not {type(run).__name__}")
    return out


@dataclass(frozen=True)
class Heading:
    """A heading; ``level`` 1 is the report's top level, 2 a section. ``anchor`` names the section it
    opens (``"levers"``), so an HTML page can link to it; "" for none.

    Examples
    --------
    >>> Heading("Sammanfattning", 2).level
    2
    """

    text: str
    level: int = 1
    anchor: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", str(self.text))
        object.__setattr__(self, "anchor", str(self.anchor))
        if not 1 <= int(self.level) <= 6:
            raise ValueError(f"heading level {self.level!r} is outside 1–6")
        object.__setattr__(self, "level", int(self.level))


@dataclass(frozen=True)
class Paragraph:
    """A paragraph: a tuple of runs (``str``, :class:`Emphasis`, :class:`Strong`); one ``str`` is one run.

    Examples
    --------
    >>> Paragraph("Hej").runs, Paragraph(["a ", Strong("b")]).text
    (('Hej',), 'a b')
    """

    runs: tuple[Run, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "runs", _runs(self.runs))

    @property
    def text(self) -> str:
        """The paragraph's plain text."""
        return "".join(run_text(r) for r in self.runs)


@dataclass(frozen=True)
class BulletList:
    """A bullet list; each item a :class:`Paragraph` (a ``str`` or a list of runs is made one).

    Examples
    --------
    >>> BulletList(["a", [Emphasis("b")]]).items[1].text
    'b'
    """

    items: tuple[Paragraph, ...]

    def __post_init__(self) -> None:
        items = (self.items,) if isinstance(self.items, str | Paragraph) else tuple(self.items)
        object.__setattr__(self, "items", tuple(i if isinstance(i, Paragraph) else Paragraph(i) for i in items))


@dataclass(frozen=True)
class Table:
    """A table of display strings: ``columns`` is the header row, every row has as many cells.

    Examples
    --------
    >>> Table(["nod", "poäng"], [["1.1", -2]]).rows
    (('1.1', '-2'),)
    >>> Table(["a", "b"], [["1"]])
    Traceback (most recent call last):
    ...
    ValueError: table row 0 has 1 cells, the header 2
    """

    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    caption: str = ""

    def __post_init__(self) -> None:
        columns = tuple(str(c) for c in self.columns)
        if not columns:
            raise ValueError("a table needs at least one column")
        rows = tuple(tuple(str(v) for v in row) for row in self.rows)
        for k, row in enumerate(rows):
            if len(row) != len(columns):
                raise ValueError(f"table row {k} has {len(row)} cells, the header {len(columns)}")
        object.__setattr__(self, "columns", columns)
        object.__setattr__(self, "rows", rows)
        object.__setattr__(self, "caption", str(self.caption))


@dataclass(frozen=True)
class Figure:
    """A chart: an SVG string, a caption, an alt text for screen readers, and optionally PNG bytes of the
    same chart (Word cannot show SVG reliably; without ``png`` the Word writer converts the SVG)."""

    svg: str
    caption: str = ""
    alt: str = ""
    png: bytes | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.svg, str) or "<svg" not in self.svg:
            raise ValueError("Figure.svg must be an SVG string")
        object.__setattr__(self, "caption", str(self.caption))
        object.__setattr__(self, "alt", str(self.alt))


@dataclass(frozen=True)
class Stamp:
    """The small print at the end (or foot) of a report: version, data hash, parameters; one line each.

    Examples
    --------
    >>> Stamp(["v0.1", "sha256 …"]).lines
    ('v0.1', 'sha256 …')
    """

    lines: tuple[str, ...]

    def __post_init__(self) -> None:
        lines = (self.lines,) if isinstance(self.lines, str) else self.lines
        object.__setattr__(self, "lines", tuple(str(line) for line in lines))


@dataclass(frozen=True)
class Callout:
    """A framed box that stands out from the text: a ``title`` and paragraphs; never split across pages.

    Examples
    --------
    >>> Callout("Så går ni vidare", ["Kör ", [Code("sdg-interactions report")]]).items[1].text
    'sdg-interactions report'
    """

    title: str
    items: tuple[Paragraph, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", str(self.title))
        items = (self.items,) if isinstance(self.items, str | Paragraph) else tuple(self.items)
        object.__setattr__(self, "items", tuple(i if isinstance(i, Paragraph) else Paragraph(i) for i in items))


@dataclass(frozen=True)
class PageBreak:
    """Start a new page (writers without pages ignore it or draw a rule)."""


Block: TypeAlias = Heading | Paragraph | BulletList | Table | Figure | Callout | Stamp | PageBreak
_BLOCKS = (Heading, Paragraph, BulletList, Table, Figure, Callout, Stamp, PageBreak)


@dataclass(frozen=True)
class Document:
    """A whole report: ``title`` (document metadata, not printed by itself), ``lang`` (``"sv"`` or
    ``"en"``: hyphenation, page-number words), the ``blocks`` in order and free ``meta`` data.

    Examples
    --------
    >>> doc = Document("Rapport", "sv", [Heading("Umeå"), Paragraph("Text.")])
    >>> len(doc.blocks), doc.lang
    (2, 'sv')
    >>> Document("x", "de", [])
    Traceback (most recent call last):
    ...
    ValueError: lang 'de' is not one of ('sv', 'en')
    """

    title: str
    lang: str = "sv"
    blocks: tuple[Block, ...] = ()
    meta: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.lang not in LANGS:
            raise ValueError(f"lang {self.lang!r} is not one of {LANGS}")
        blocks = tuple(self.blocks)
        for block in blocks:
            if not isinstance(block, _BLOCKS):
                raise TypeError(f"not a document block: {type(block).__name__}")
        object.__setattr__(self, "title", str(self.title))
        object.__setattr__(self, "blocks", blocks)
        object.__setattr__(self, "meta", dict(self.meta))


def code_runs(paragraph: str) -> tuple[Run, ...]:
    """A sentence with commands between backticks as runs: the commands :class:`Code`, the rest ``str``.

    Examples
    --------
    >>> code_runs("Kör `make` nu.")
    ('Kör ', Code(text='make'), ' nu.')
    """
    parts = str(paragraph).split("`")
    if len(parts) % 2 == 0:  # an odd number of backticks: no code, the text as it is
        return (str(paragraph),)
    return tuple(Code(p) if k % 2 else p for k, p in enumerate(parts) if p)


def drop_empty_columns(columns, rows) -> tuple[list[str], list[list[str]]]:
    """The columns of a table without those that are empty ("" or blanks) in every row; a table without
    rows, or whose every column is empty, keeps its columns.

    Examples
    --------
    >>> drop_empty_columns(["a", "kommentar"], [["1", ""], ["2", " "]])
    (['a'], [['1'], ['2']])
    """
    columns, rows = list(columns), [list(r) for r in rows]
    keep = [k for k in range(len(columns)) if any(str(r[k]).strip() for r in rows)]
    if not rows or not keep:
        return columns, rows
    return [columns[k] for k in keep], [[r[k] for k in keep] for r in rows]


def from_section(section: Mapping[str, Any] | None, *, figure: Figure | str | None = None) -> list[Block]:
    """The blocks of a :mod:`~sdg_interactions.report.sections` section dict.

    The title becomes a level-2 :class:`Heading` (level 1 for the ``"cover"``), each paragraph a
    :class:`Paragraph`, then the ``figure`` (a :class:`Figure` or an SVG string), then the table as a
    :class:`Table` without its empty columns (:func:`drop_empty_columns`). The ``"stamp"`` section
    becomes one :class:`Stamp` of its paragraphs; a section with ``"style": "box"`` one :class:`Callout`,
    its commands between backticks as :class:`Code` runs. ``None`` or an empty dict gives no blocks.

    Parameters
    ----------
    section : mapping or None
        ``{"id", "title", "paragraphs", "table", "data"}`` as the section functions return it.
    figure : Figure or str, optional
        A chart for the section; an SVG string is wrapped in a :class:`Figure` without a caption.

    Returns
    -------
    list of Block

    Examples
    --------
    >>> blocks = from_section({"id": "stamp", "title": "Stämpel", "paragraphs": ["v1", "abc"],
    ...                        "table": None, "data": {}})
    >>> blocks
    [Stamp(lines=('v1', 'abc'))]
    >>> from_section({"id": "cover", "title": "Umeå", "paragraphs": [], "table": None})
    [Heading(text='Umeå', level=1, anchor='cover')]
    >>> [type(b).__name__ for b in from_section({"id": "next", "title": "Nästa steg", "style": "box",
    ...                                          "paragraphs": ["Kör `x`."]})]
    ['Callout']
    """
    if not section:
        return []
    if section.get("id") == "stamp":
        return [Stamp(tuple(section.get("paragraphs") or ()))]
    if section.get("style") == "box":
        return [Callout(section.get("title", ""), [Paragraph(code_runs(p)) for p in section.get("paragraphs") or ()])]
    blocks: list[Block] = []
    if section.get("title"):
        level = 1 if section.get("id") == "cover" else 2
        blocks.append(Heading(section["title"], level, str(section.get("id", ""))))
    blocks += [Paragraph(str(p)) for p in section.get("paragraphs") or ()]
    if figure is not None:
        blocks.append(figure if isinstance(figure, Figure) else Figure(figure))
    table = section.get("table")
    if table:
        blocks.append(Table(*drop_empty_columns(table["columns"], table["rows"])))
    return blocks
