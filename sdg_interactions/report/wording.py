"""How the report words numbers, scores, dates and lists of nodes: the helpers every section shares.

* :func:`format_number`: ``61,5`` / ``61.5``, "−" for minus;
* :func:`join_words`: ``"a, b och c"``;
* :func:`count_word`, :func:`lead_count`: a count in words ("fem"), and a count that may open a
  sentence ("Fem", "Totalt 27"), since a sentence never starts with a digit;
* :func:`scale_words`: the scale step of a score; an aggregated value is named by the nearest step,
  or as "mellan … och …" when it lies half-way;
* :func:`long_date`: ``2026-11-30`` → "30 november 2026" / "30 November 2026";
* :func:`namer`: names a node with its label at its first mention in a section, by its id after that;
* :func:`by_goal`: a list of SDG targets grouped by goal with the goal's short name ("Mål 4 God
  utbildning för alla (4.1, 4.4)"), other nodes with their own labels.

Every word comes from the catalogue (``report.words.*``), in Swedish or English.

Examples
--------
>>> format_number(-1.5), scale_words(-1.5, "en")
('−1,5', 'between constraining (weakly restricting) and counteracting (moderately restricting)')
>>> lead_count(5, "sv"), lead_count(27, "en"), count_word(1, "sv", neuter=False)
('Fem', 'In all, 27', 'en')
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Mapping, Sequence

import numpy as np
import xarray as xr

from sdg_interactions import formats
from sdg_interactions.analysis import tied
from sdg_interactions.matrix import as_matrix, node_ids, single_matrix
from sdg_interactions.report.document import isolate
from sdg_interactions.texts import scale_label, text

__all__ = [
    "by_goal",
    "count_word",
    "format_number",
    "join_words",
    "labels_of",
    "lead_count",
    "long_date",
    "make_section",
    "named",
    "namer",
    "one_matrix",
    "place_names",
    "scale_words",
]

_WORDS = {
    "sv": ("noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta", "nio", "tio", "elva", "tolv"),
    "en": ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven",
           "twelve"),
}
_SDG_TARGET = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-z])$")


def format_number(value: float, lang: str = "sv", *, decimals: int = 1) -> str:
    """A number for a sentence (:func:`sdg_interactions.formats.number`): whole numbers without decimals,
    a decimal comma and a space between thousands in Swedish, "−" for minus.

    Examples
    --------
    >>> format_number(61.5), format_number(-2.0, "en"), format_number(0.333, "en", decimals=2)
    ('61,5', '−2', '0.33')
    """
    return formats.number(value, lang, decimals=decimals)


def join_words(words: Sequence[str], lang: str = "sv") -> str:
    """Join words as a sentence does (:func:`sdg_interactions.formats.word_list`): ``"a, b och c"``.

    Examples
    --------
    >>> join_words(["1.1", "2.2", "3.3"]), join_words(["x", "y"], "en"), join_words(["z"])
    ('1.1, 2.2 och 3.3', 'x and y', 'z')
    """
    return formats.word_list(words, lang)


def count_word(n: int, lang: str = "sv", *, neuter: bool = True) -> str:
    """A count in words up to twelve, in digits above ("ett"/"en" in Swedish by the noun's gender).

    Examples
    --------
    >>> count_word(2), count_word(1, neuter=False), count_word(13, "en")
    ('två', 'en', '13')
    """
    n = int(n)
    if 0 <= n < len(_WORDS[lang]):
        return "en" if (lang == "sv" and n == 1 and not neuter) else _WORDS[lang][n]
    return str(n)


def lead_count(n: int, lang: str = "sv", *, neuter: bool = True) -> str:
    """A count that opens a sentence: a capitalised word up to twelve, else "Totalt 27" / "In all, 27".

    Examples
    --------
    >>> lead_count(1, neuter=False), lead_count(40)
    ('En', 'Totalt 40')
    """
    if 0 <= int(n) < len(_WORDS[lang]):
        return count_word(n, lang, neuter=neuter).capitalize()
    return text("report.words.in_all", lang, n=int(n))


def scale_words(value: float, lang: str = "sv") -> str:
    """The scale step of a score: a whole score by its name; an aggregated one by the nearest step
    ("närmast …", within 0.25 of it), else as lying between the two steps around it.

    Examples
    --------
    >>> scale_words(-2, "en"), scale_words(-2.2, "en")
    ('counteracting (moderately restricting)', 'closest to counteracting (moderately restricting)')
    """
    value = float(np.clip(value, -3, 3))
    nearest = int(np.round(value))
    if tied(value, nearest):
        return scale_label(nearest, lang)
    if abs(value - nearest) <= 0.25:
        return text("report.words.nearest", lang, scale=scale_label(nearest, lang))
    low, high = sorted((int(np.floor(value)), int(np.ceil(value))), key=abs)  # the weaker step first
    return text("report.words.between", lang, low=scale_label(low, lang), high=scale_label(high, lang))


def long_date(date: str | datetime.date, lang: str = "sv") -> str:
    """A date as a sentence writes it (:func:`sdg_interactions.formats.long_date`).

    Examples
    --------
    >>> long_date("2026-11-30"), long_date("2026-01-02", "en"), long_date("i går")
    ('30 november 2026', '2 January 2026', 'i går')
    """
    return formats.long_date(date, lang)


def place_names(place: Mapping, lang: str = "sv") -> tuple[str, str]:
    """A kommun's and its län's names as a sentence in ``lang`` gives them: in Swedish the official names
    ("Falköpings kommun", "Västra Götalands län"); in English "Falköping Municipality" and "Västra Götaland
    County" (as SCB and the counties write them in English: the län's name without its genitive *s*).

    Examples
    --------
    >>> place = {"kommun": "Falköping", "kommun_fullname": "Falköpings kommun", "lan": "Västra Götalands län"}
    >>> place_names(place), place_names(place, "en")
    (('Falköpings kommun', 'Västra Götalands län'), ('Falköping Municipality', 'Västra Götaland County'))
    >>> place_names({"kommun": "Kalmar", "lan": "Kalmar län"}, "en")
    ('Kalmar Municipality', 'Kalmar County')
    """
    kommun = str(place.get("kommun", ""))
    lan = str(place.get("lan", ""))
    if lang != "en":
        return str(place.get("kommun_fullname") or kommun), lan
    county = lan.removesuffix(" län")
    if county != lan and county.endswith("s"):  # "Stockholms län": the genitive of Stockholm
        county = county[:-1]
    return (f"{kommun} Municipality" if kommun else ""), (f"{county} County" if county else "")


# --- nodes and sections ---------------------------------------------------------------------------


def one_matrix(obj: xr.Dataset | xr.DataArray, how: str) -> xr.DataArray:
    """The one matrix the metrics read: several respondents aggregated with ``how``."""
    return single_matrix(obj, how, what="a report")


def labels_of(obj: xr.Dataset | xr.DataArray, lang: str) -> dict[str, str]:
    """Each node's short label in ``lang`` (its id where it has none)."""
    da = as_matrix(obj)
    ids = node_ids(da)
    name = f"source_label_{lang}"
    values = da[name].values if name in da.coords else ids
    return {i: (str(v) if str(v) not in ("", "nan") else i) for i, v in zip(ids, values, strict=True)}


def named(node: str, labels: Mapping[str, str]) -> str:
    """``"8.4 (label)"``, or the id alone where there is no label; the label isolated
    (:func:`~sdg_interactions.report.document.isolate`), so a right-to-left label keeps its direction inside
    the brackets."""
    label = labels.get(node, node)
    return node if label in (node, "") else f"{node} ({isolate(label)})"


def namer(labels: Mapping[str, str]):
    """A :func:`named` that gives a node's label at its first mention only, its id alone after that, so a
    section that names a target several times spells its label out once.

    Examples
    --------
    >>> say = namer({"7.2": "Förnybar energi"})
    >>> say("7.2"), say("7.2")
    ('7.2 (Förnybar energi)', '7.2')
    """
    seen: set[str] = set()

    def say(node: str) -> str:
        node = str(node)
        first = node not in seen
        seen.add(node)
        return named(node, labels) if first else node

    return say


def by_goal(nodes: Sequence[str], labels: Mapping[str, str], lang: str, *, compact: bool = False) -> str:
    """Nodes grouped by SDG goal with the goal's short name: "Mål 4 God utbildning för alla (4.1, 4.4)";
    nodes that are no SDG targets are named with their own label. Goals in order of their number. ``compact``
    (the two-page briefing): the goals' numbers only, "mål 4 (4.1, 4.4) och 7 (7.2)".

    Examples
    --------
    >>> by_goal(["4.1", "4.4", "7.2"], {}, "en")
    'Goal 4 Quality education (4.1, 4.4) and Goal 7 Affordable and clean energy (7.2)'
    >>> by_goal(["4.1", "4.4", "7.2"], {}, "sv", compact=True)
    'mål 4 (4.1, 4.4) och 7 (7.2)'
    """
    from sdg_interactions.frameworks import goals

    shorts = dict(zip(goals(lang)["goal"].astype(int), goals(lang)["short"], strict=True))
    groups: dict[int, list[str]] = {}
    others = []
    for node in nodes:
        found = _SDG_TARGET.match(str(node))
        if found and int(found.group(1)) in shorts:
            groups.setdefault(int(found.group(1)), []).append(str(node))
        else:
            others.append(named(str(node), labels))
    if compact and groups:
        parts = [text("report.words.goal_compact", lang, goal=goal, nodes=", ".join(members))
                 for goal, members in sorted(groups.items())]
        return text("report.words.goals_compact", lang, goals=join_words(parts + others, lang))
    parts = [text("report.words.goal", lang, goal=goal, name=shorts[goal], nodes=", ".join(members))
             for goal, members in sorted(groups.items())]
    return join_words(parts + others, lang)


def make_section(key: str, lang: str, paragraphs: list[str], *, table: dict | None = None,
                 data: dict | None = None, prefix: str = "report", **values: object) -> dict:
    """A section dict: ``id``, ``title`` (``{prefix}.{key}.title``), ``paragraphs``, ``table``, ``data``."""
    return {"id": key, "title": text(f"{prefix}.{key}.title", lang, **values), "paragraphs": paragraphs,
            "table": table, "data": data or {}}
