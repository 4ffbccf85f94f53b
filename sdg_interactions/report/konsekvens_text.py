"""The konsekvensanalys in words: a :class:`~sdg_interactions.report.konsekvens.KonsekvensNote` as a one-page
:class:`~sdg_interactions.report.document.Document`, and its files.

Every sentence is built from the note's data with the catalogue (``konsekvens.*`` keys) in Swedish or
English; scores are said in words ("hämmar måttligt", never "−2"), ties are named as ties. The document
holds real headings, lists and one small table (the levers), no images of text, fonts or links, so Word,
HTML and Markdown carry the same content and a kommun can paste it into its tjänsteskrivelse.

Examples
--------
>>> from sdg_interactions.report.konsekvens import konsekvens
>>> doc = konsekvens_document(konsekvens("weitz2018_sweden", ["7.2"]))
>>> doc.blocks[0].text
'Konsekvensanalys Agenda 2030'
>>> slug_of(konsekvens("weitz2018_sweden", ["7.2", "11.2"], title="Laddstolpar på Ängsvägen"))
'konsekvens_laddstolpar_pa_angsvagen'
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections.abc import Sequence
from pathlib import Path

from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.report.document import BulletList, Document, Heading, Paragraph, Stamp, Strong, Table
from sdg_interactions.report.konsekvens import GoalGroup, KonsekvensNote, Node, Risk
from sdg_interactions.report.sections import format_number, join_words
from sdg_interactions.texts import genitive, text

__all__ = ["LONG_LIST", "NOTE_FORMATS", "konsekvens_document", "passive", "slug_of", "verb", "write_konsekvens"]

#: The formats :func:`write_konsekvens` writes, by file extension.
NOTE_FORMATS = ("docx", "html", "md", "pdf")
K = "konsekvens"
#: Above this many targets coming along, the list shows their ids only, so the note stays on one page.
LONG_LIST = 12


def verb(score: float, lang: str = "sv") -> str:
    """A score in words: ``-2`` → "hämmar måttligt"; a mean of several answers is rounded half away from 0.

    Examples
    --------
    >>> verb(-2), verb(1.5, "en"), verb(-0.4)
    ('hämmar måttligt', 'moderately promotes', 'påverkar inte')
    """
    return text(f"{K}.verb.{_point(score)}", lang)


def passive(score: float, lang: str = "sv") -> str:
    """A score in words, passive: ``-2`` → "hämmas måttligt av" (rounded as :func:`verb`).

    Examples
    --------
    >>> passive(-2), passive(1, "en")
    ('hämmas måttligt av', 'weakly promoted by')
    """
    return text(f"{K}.passive.{_point(score)}", lang)


def _point(score: float) -> int:
    point = int(math.copysign(math.floor(abs(float(score)) + 0.5), score))
    return max(-3, min(3, point))


def _node(node: Node, lang: str) -> str:
    return node.id if node.label in ("", node.id) else text(f"{K}.node", lang, id=node.id, label=node.label)


def _group(group: GoalGroup, lang: str, *, short: bool = False, compact: bool = False) -> str:
    targets = ", ".join(n.id if short or compact else _node(n, lang) for n in group.targets)
    suffix = "partly_group" if short else "compact" if compact else "group"
    if group.goal.isdigit():
        return text(f"{K}.along.{suffix}", lang, goal=group.goal, name=group.name, targets=targets)
    return text(f"{K}.along.{suffix}_other", lang, name=group.name or group.goal, targets=targets)


def _count(groups: Sequence[GoalGroup]) -> int:
    return sum(len(g.targets) for g in groups)


def _ties(places: Sequence[tuple[int, Node]], key: str, lang: str, **values: object) -> list[Paragraph]:
    """One sentence per group of ≥ 2 nodes sharing a place."""
    shared: dict[int, list[Node]] = {}
    for place, node in places:
        shared.setdefault(place, []).append(node)
    return [Paragraph(text(key, lang, nodes=join_words([n.id for n in nodes], lang), rank=place, **values))
            for place, nodes in shared.items() if len(nodes) > 1]


def _advances(note: KonsekvensNote) -> list:
    lang = note.lang
    shown = [text(f"{K}.advances.effort", lang, node=_node(n, lang), effort=format_number(e, lang))
             if e != 1 else _node(n, lang) for n, e in zip(note.advances, note.efforts, strict=True)]
    key = "one" if len(shown) == 1 else "many"
    return [Paragraph(text(f"{K}.advances.{key}", lang, n=len(shown), nodes=join_words(shown, lang)))]


def _along(note: KonsekvensNote) -> list:
    lang, n = note.lang, _count(note.comes_along_by_goal)
    blocks: list = [Heading(text(f"{K}.along.title", lang), 2, "along")]
    if n:
        intro = text(f"{K}.along.intro" if n > 1 else f"{K}.along.intro_one", lang, n=n)
        if n > LONG_LIST:  # one paragraph of goals and ids, so the note stays on one page
            groups = "; ".join(_group(g, lang, compact=True) for g in note.comes_along_by_goal)
            blocks.append(Paragraph(f"{intro} {groups}."))
        else:
            blocks += [Paragraph(intro), BulletList([_group(g, lang) for g in note.comes_along_by_goal])]
    else:
        blocks.append(Paragraph(text(f"{K}.along.none", lang)))
    rest = []
    if note.partly:
        rest.append(text(f"{K}.along.partly", lang, n=_count(note.partly),
                         groups=join_words([_group(g, lang, short=True) for g in note.partly], lang)))
    rest.append(text(f"{K}.along.untouched", lang, n=note.n_untouched) if note.n_untouched
                else text(f"{K}.along.untouched_none", lang))
    blocks.append(Paragraph(" ".join(rest)))
    return blocks


def _by_point(links, lang: str) -> list[tuple[int, str]]:
    """Links of the same strength in words together: ``[(-1, "7.2 och 13.1")]``, strongest first."""
    points: dict[int, list[str]] = {}
    for link in links:
        points.setdefault(_point(link.score), []).append(link.source.id)
    return [(point, join_words(ids, lang)) for point, ids in points.items()]


def _risk_item(risk: Risk, lang: str, *, any_reason: bool) -> Paragraph:
    """One target at risk; without any comment in the whole list, the reasons are left out here and
    said once below the list."""
    how = [text(f"{K}.risk.link", lang, source=sources, verb=passive(score, lang))
           for score, sources in _by_point(risk.hindrances, lang)]
    how += [text(f"{K}.risk.support", lang, source=sources, verb=passive(score, lang))
            for score, sources in _by_point(risk.supports, lang)]
    reasons = [f"{h.source.id}: {h.comment}" if len(risk.hindrances) > 1 else h.comment
               for h in risk.hindrances if h.comment]
    words = ", ".join(how) + "."
    if any_reason:
        words += " " + (text(f"{K}.risk.reason", lang, comment="; ".join(reasons)) if reasons
                        else text(f"{K}.risk.no_reason", lang))
    return Paragraph([Strong(_node(risk.node, lang)), ": ", words])


def _risks(note: KonsekvensNote) -> list:
    lang, n = note.lang, len(note.at_risk)
    blocks: list = [Heading(text(f"{K}.risk.title", lang), 2, "risk")]
    any_reason = any(h.comment for r in note.at_risk for h in r.hindrances)
    if n:
        blocks += [Paragraph(text(f"{K}.risk.intro" if n > 1 else f"{K}.risk.intro_one", lang, n=n)),
                   BulletList([_risk_item(r, lang, any_reason=any_reason) for r in note.at_risk])]
    words = [p.text for p in _ties([(r.place, r.node) for r in note.at_risk], f"{K}.risk.ties", lang)]
    if n and not any_reason:
        words.append(text(f"{K}.risk.no_reasons", lang))
    if not n:
        words.append(text(f"{K}.risk.none", lang))
    if note.also_hindered:
        short = len(note.also_hindered) > 2  # ids only, so the note stays on one page
        items = [text(f"{K}.risk.also_item", lang, node=r.node.id if short else _node(r.node, lang),
                      source=sources, verb=passive(score, lang))
                 for r in note.also_hindered for score, sources in _by_point(r.hindrances, lang)[:1]]
        words.append(text(f"{K}.risk.also", lang, nodes=join_words(items, lang)))
    if len(note.advances) > 1 and not note.own_conflicts:
        words.append(text(f"{K}.own.none", lang))
    if n:
        words.append(text(f"{K}.risk.advice", lang))
    return [*blocks, Paragraph(" ".join(words))]


def _own(note: KonsekvensNote) -> list:
    lang = note.lang
    if not note.own_conflicts:  # said in the risk section
        return []
    blocks: list = [Heading(text(f"{K}.own.title", lang), 2, "own")]
    items = []
    for c in note.own_conflicts:  # their labels are in the first paragraph
        words = [text(f"{K}.own.item", lang, source=c.source.id, verb=verb(c.score, lang), target=c.target.id)]
        if not math.isnan(c.reverse) and c.reverse > 0:
            words.append(text(f"{K}.own.reverse", lang, source=c.source.id, target=c.target.id,
                              verb=verb(c.reverse, lang)))
        words.append(text(f"{K}.risk.reason", lang, comment=c.comment) if c.comment
                     else text(f"{K}.risk.no_reason", lang))
        items.append(" ".join(words))
    return [*blocks, Paragraph(" ".join([*items, text(f"{K}.own.advice", lang)]))]


def _objectives(note: KonsekvensNote) -> list:
    lang = note.lang
    if note.objectives is None:
        return []
    paragraphs = []
    for effects in note.objectives:
        name = text(f"{K}.objectives.{effects.framework}", lang)

        def named(items, lang=lang, show_via=True) -> str:
            return join_words([text(f"{K}.objectives.via" if len(via) <= 2 else f"{K}.objectives.via_most", lang,
                                    objective=node.label, targets=join_words(list(via[:2]), lang))
                               if via and show_via else node.label for node, via in items], lang)

        words = []
        if effects.helped:
            words.append(text(f"{K}.objectives.helps", lang, framework=name,
                              objectives=named(effects.helped, show_via=False)))
        if effects.hindered:
            key = "hinders" if effects.helped else "hinders_only"
            words.append(text(f"{K}.objectives.{key}", lang, framework=name, objectives=named(effects.hindered)))
        paragraphs.append(" ".join(words) or text(f"{K}.objectives.none", lang, framework=name))
    if any(e.proposal for e in note.objectives):
        paragraphs.append(text(f"{K}.objectives.proposal", lang))
    return [Heading(text(f"{K}.objectives.title", lang), 2, "objectives"), Paragraph(" ".join(paragraphs))]


def _levers(note: KonsekvensNote) -> list:
    lang = note.lang
    own = note.basis.kommun and not note.basis.national_example
    blocks: list = [Heading(text(f"{K}.levers.title" if own else f"{K}.levers.title_example", lang), 2, "levers")]
    touched, k = len(note.levers_touched), len(note.levers)
    blocks.append(Paragraph(text(f"{K}.levers.intro" if touched else f"{K}.levers.intro_none", lang, n=touched,
                                 k=k)))
    blocks.append(Table([text(f"{K}.levers.rank", lang), text(f"{K}.levers.lever", lang),
                         text(f"{K}.levers.relation", lang)],
                        [[str(lv.rank), _node(lv.node, lang), text(f"{K}.levers.{lv.relation}", lang)]
                         for lv in note.levers]))
    return blocks + _ties([(lv.rank, lv.node) for lv in note.levers], f"{K}.levers.ties", lang)


def _basis(note: KonsekvensNote) -> list:
    lang, b = note.lang, note.basis
    title = b.title
    kommun = genitive(b.kommun, lang) if b.kommun else ""  # "Umeå kommuns", "Borås stads" … never "Boråss"
    if b.national_example:
        words = [text(f"{K}.basis.national" if kommun else f"{K}.basis.national_plain", lang, title=title,
                      kommun=kommun)]
    elif kommun:
        words = [text(f"{K}.basis.own", lang, kommun=kommun, title=title)]
    else:
        words = [text(f"{K}.basis.other", lang, title=title)]
    if b.date:
        words.append(text(f"{K}.basis.date", lang, date=b.date))
    if b.respondents > 1:
        words.append(text(f"{K}.basis.respondents", lang, n=b.respondents))
    return [Paragraph(" ".join(words))]


def _how_to_read(note: KonsekvensNote) -> list:
    return [Heading(text(f"{K}.basis.title", note.lang), 2, "basis"), Paragraph(note.how_to_read)]


def konsekvens_document(note: KonsekvensNote) -> Document:
    """The note as a one-page :class:`~sdg_interactions.report.document.Document`: the title, what the decision
    advances, what comes along (grouped by goal) and what is partly supported, what is at risk (worst first,
    with the reasons), conflicts within the decision, miljömål and folkhälsomål (when the linkage tables
    exist), the strongest levers (a small table) and the basis, then a stamp."""
    from sdg_interactions import __version__

    lang = note.lang
    heading = text(f"{K}.heading", lang, title=note.title) if note.title else text(f"{K}.heading_plain", lang)
    small = [text(f"{K}.stamp", lang, version=__version__, matrix=note.basis.title or note.basis.matrix,
                  targets=", ".join(n.id for n in note.advances))]
    if note.basis.doi:
        small[0] += " " + text(f"{K}.doi", lang, doi=note.basis.doi)
    # whose assessment it rests on comes first, before any finding; how to read it comes last
    blocks = [Heading(heading, 1, "konsekvens"), *_basis(note), *_advances(note), *_along(note), *_risks(note),
              *_own(note), *_objectives(note), *_levers(note), *_how_to_read(note), Stamp(small)]
    return Document(heading, lang, blocks, meta={"kind": "konsekvens", "targets": [n.id for n in note.advances]})


def slug_of(note: KonsekvensNote) -> str:
    """A file name stem safe on every system: ``konsekvens_`` and the ASCII-folded title (at most 60
    characters), or the decision's target ids without a title (``konsekvens_7.2_11.2``)."""
    folded = unicodedata.normalize("NFKD", note.title.casefold())
    ascii_title = "".join(c for c in folded if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "_", ascii_title).strip("_")[:60].rstrip("_")
    if not stem:
        stem = "_".join(re.sub(r"[^A-Za-z0-9.-]+", "", n.id).strip(".") for n in note.advances)[:60].strip("_")
    return f"konsekvens_{stem}" if stem else "konsekvens"


def write_konsekvens(note: KonsekvensNote, output_dir: str | os.PathLike,
               formats: str | Sequence[str] = ("docx", "html", "md")) -> dict[str, Path]:
    """Write the note into ``output_dir`` (made if missing) as each of ``formats`` (:data:`NOTE_FORMATS`; a
    string is comma-separated); returns ``{format: path}``. Unknown formats raise
    :class:`~sdg_interactions.errors.ValidationError` before anything is written."""
    from sdg_interactions.report.writers import write

    wanted = [f.strip().lower().lstrip(".") for f in (formats.split(",") if isinstance(formats, str) else formats)]
    wanted = list(dict.fromkeys(f for f in wanted if f))
    valid = tr("error.report.valid_formats", formats=", ".join(NOTE_FORMATS))
    if not wanted:
        raise ValidationError(locate(tr("error.report.no_format"), column="format", value="", valid=valid))
    for fmt in wanted:
        if fmt not in NOTE_FORMATS:
            raise ValidationError(locate(tr("error.unknown_format"), column="format", value=fmt, valid=valid))
    folder = Path(output_dir)
    folder.mkdir(parents=True, exist_ok=True)
    doc, stem = konsekvens_document(note), slug_of(note)
    return {fmt: write(doc, folder / f"{stem}.{fmt}") for fmt in wanted}
