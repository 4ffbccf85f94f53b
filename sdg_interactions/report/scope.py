"""What a report's targets are about: global targets (about other countries) and priorities outside the matrix.

**Global targets** are the project's own classification, not the UN's. The rule (:func:`is_global`): an SDG
target is global when the first clause of its official English text (``datasets/sdg_targets.csv``, after a
leading "By 2030," and up to the first comma or semicolon) names developing countries, least developed
countries, small island developing States, developed countries, international cooperation or support,
development assistance or the Global Partnership. So 17.11 "Significantly increase the exports of developing
countries" is global, while 8.4 "Improve progressively … global resource efficiency …, with developed countries
taking the lead" is not: other countries are its qualifier, not its subject. A kommun affects a global target
only indirectly; the report says so where it names one (:func:`mark_global`, :func:`global_note`).

**Priorities outside the matrix** (:func:`split_priorities`): real SDG targets a kommun prioritises that the
matrix does not score (11.6, 4.a on the Sweden matrix). The analysis cannot say anything about them; the report
names them with their labels and says how to include them (:func:`outside_note`).

Examples
--------
>>> is_global("17.11"), is_global("8.4"), is_global("MKM-1")
(True, False, False)
>>> split_priorities(["11.6", "7.2", "4.a"], ["7.2", "13.2"])
(['7.2'], ['11.6', '4.a'])
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping, Sequence

from sdg_interactions.texts import text

__all__ = ["global_note", "global_targets", "is_global", "mark_global", "outside_labels", "outside_note",
           "split_priorities"]

#: The words of the rule (module docstring), matched in the first clause of the English target text.
OTHER_COUNTRIES = re.compile(
    r"developing countr|least developed countr|small island developing states|developed countries|"
    r"developed-country|international cooperation|international support|development assistance|"
    r"global partnership", re.IGNORECASE)
_TARGET = re.compile(r"^\d{1,2}\.(\d{1,2}|[a-z])$")


def _first_clause(official: str) -> str:
    return re.split(r"[,;]", re.sub(r"^By 20\d\d,\s*", "", official.strip()))[0]


@functools.cache
def _global_ids() -> frozenset[str]:
    from sdg_interactions.frameworks.catalogues import bundled_table

    table = bundled_table("sdg_targets.csv")
    return frozenset(str(i) for i, official in zip(table["target_id"], table["title_en"], strict=True)
                     if OTHER_COUNTRIES.search(_first_clause(str(official))))


def is_global(node: str) -> bool:
    """Whether ``node`` is an SDG target about other countries, by the rule of the module docstring."""
    return str(node) in _global_ids()


def global_targets(nodes: Iterable[str]) -> list[str]:
    """The global targets among ``nodes``, in their order."""
    return [str(n) for n in nodes if is_global(n)]


def mark_global(labels: Mapping[str, str], lang: str) -> dict[str, str]:
    """``labels`` with each global target's label marked: "Öka utvecklingsländers export – globalt delmål"."""
    return {node: text("report.scope.marked", lang, label=label) if is_global(node) else label
            for node, label in labels.items()}


def global_note(nodes: Iterable[str], lang: str, *, short: bool = False) -> str | None:
    """One sentence on the global targets among ``nodes`` (what the mark means and on what basis; ``short``:
    only that it is the project's classification), or None."""
    from sdg_interactions.report.wording import join_words

    found = list(dict.fromkeys(global_targets(nodes)))
    if not found:
        return None
    key = "report.scope.global_one" if len(found) == 1 else "report.scope.global"
    return text(key + ("_short" if short else ""), lang, nodes=join_words(found, lang))


def split_priorities(priorities: Sequence[str], nodes: Sequence[str]) -> tuple[list[str], list[str]]:
    """``priorities`` split into those among ``nodes`` and those outside, each in the given order, without
    repeats."""
    known = set(nodes)
    unique = list(dict.fromkeys(str(p) for p in priorities))
    return [p for p in unique if p in known], [p for p in unique if p not in known]


def outside_labels(nodes: Sequence[str], lang: str) -> dict[str, str]:
    """The short labels of nodes that are not in the matrix, from the framework registry (the id where none)."""
    from sdg_interactions.frameworks import node_info

    labels = {}
    for node in nodes:
        try:
            label = str(node_info([node])[f"label_{lang}"].iloc[0])
        except Exception:  # an id the registry does not know: named by its id alone
            label = node
        labels[node] = label if label not in ("", "nan") else node
    return labels


def outside_note(outside: Sequence[str], n_nodes: int, lang: str) -> str | None:
    """The sentence on prioritised targets the matrix does not hold: which (with labels), why the analysis
    leaves them out, and how to include them. None when there are none."""
    if not outside:
        return None
    from sdg_interactions.report.wording import join_words, named

    labels = outside_labels(outside, lang)
    key = "report.scope.outside_one" if len(outside) == 1 else "report.scope.outside"
    return text(key, lang, nodes=join_words([named(n, labels) for n in outside], lang), n=n_nodes,
                how=text("report.scope.include" if all(_TARGET.match(n) for n in outside) else
                         "report.scope.include_other", lang))
