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

**Lists of targets and pairs in words**: how far the levers reach (:func:`lever_reach`), a list of targets
grouped by goal (:func:`listed`), pairs that hinder (:func:`said_pairs`) and pairs whose mean is negative but
above −1, which do not hinder by the report's rule (:func:`slight_between`).

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

import numpy as np
import xarray as xr

from sdg_interactions.analysis import at_least, tied
from sdg_interactions.texts import text

__all__ = ["CONFLICT_ROWS", "CONTENDER", "NEAR_TIE", "SAMPLES", "SLIGHT_ROWS", "capped_note", "compared_with_median",
           "conflict_rows", "global_note",
           "global_targets", "is_global", "lever_reach", "listed", "mark_global", "near_tie", "outside_labels",
           "outside_note", "perspective", "said_pairs", "slight_between", "split_priorities", "sureness"]

#: Two systemic scores this close (or closer) make a near-tie at the cut of the levers: one point is one step
#: of one pair's score in the direct sum, so a single score changed by one step could swap the two.
NEAR_TIE = 1.0
#: The managers' conflicts table on one matrix (integer scores, every negative pair a målkonflikt) lists every
#: målkonflikt up to this many, else the worst this many (the network's 60 links, the same reading load).
CONFLICT_ROWS = 60
#: With several respondents the table lists every målkonflikt (mean −1 or worse) and at most this many of the
#: pairs with a negative mean between −1 and 0, the worst first.
SLIGHT_ROWS = 20
#: Bootstrap samples behind the levers' sentence on how sure their places are: the managers' section's number
#: and seed (:func:`~sdg_interactions.report.decision_sections.robustness`), so both say the same.
SAMPLES = 1000

#: A target outside the levers that lands among the ``top_k`` in at least this share of the bootstrap samples
#: is named after the uncertain levers ("9.4 (37 %) … hamnar också ofta bland de fem").
CONTENDER = 0.25

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


def lever_reach(ids: list[str], order: list[int], pos: np.ndarray, neg: np.ndarray, lang: str) -> str:
    """How many of the other targets the levers together promote directly (±1, as ``pos``), and which of them
    the levers hinder ("Tre av dem hämmar 17.11"), never a sentence opening with a digit."""
    from sdg_interactions.report.wording import count_word, join_words, lead_count

    others = [j for j in range(len(ids)) if j not in order]
    reach = [j for j in others if pos[order, j].any()]
    key = "report.levers.reach_all" if len(reach) == len(others) else "report.levers.reach"
    said = text(key, lang, k=count_word(len(order), lang, neuter=False), reach=len(reach), n_other=len(others))
    hindered = [j for j in others if neg[order, j].any()]
    if len(hindered) == 1:
        by = int(neg[order, hindered[0]].sum())
        said += " " + text("report.levers.hindered_by_one" if by == 1 else "report.levers.hindered_one", lang,
                           nodes=ids[hindered[0]], k=lead_count(by, lang, neuter=False))
    elif hindered:
        said += " " + text("report.levers.hindered", lang, nodes=join_words([ids[j] for j in hindered], lang))
    return said


def listed(nodes: list[str], labels, limit: int, lang: str, say=None, *, compact: bool = False) -> str:
    """A list of nodes: grouped by goal when they are SDG targets (``compact``: by the goals' numbers only),
    else named (by ``say``, default :func:`named`), at most ``limit`` named."""
    from sdg_interactions.report.wording import by_goal, join_words, named

    say = say or (lambda node: named(node, labels))
    if len(nodes) > limit and not all(n[:1].isdigit() for n in nodes):
        shown = [say(i) for i in nodes[:limit]]
        shown.append(text("report.scenario.others", lang, n=len(nodes) - limit))
        return join_words(shown, lang)
    if len(nodes) >= 3 and all(n[:1].isdigit() for n in nodes):
        return by_goal(nodes, labels, lang, compact=compact)
    return join_words([say(i) for i in nodes], lang)


def said_pairs(frame, say, lang: str, *, scored: bool = True, mean: bool = False) -> str:
    """Links as words, those with the same target and score in one phrase ("12.1, 8.4 och 12.5 hämmar var
    för sig 17.11 med bedömningen −1, …"), in the frame's order, "; " between phrases (a label may hold a comma).
    Without ``scored`` the score is left out: the caller says it once for all of them. With ``mean`` the score
    is said as a mean of several answers ("med medelvärdet −0,4")."""
    from sdg_interactions.report.wording import format_number, join_words, scale_words

    groups: dict[tuple[str, float], list[str]] = {}
    for r in frame.itertuples():
        groups.setdefault((str(r.target), float(r.score)), []).append(str(r.source))
    phrases = []
    for (target, score), sources in groups.items():
        named_sources = join_words([say(x) for x in sources], lang)
        key = "report.scenario.pair" + ("" if len(sources) == 1 else "_many") + (
            "_plain" if not scored else "_mean" if mean else "")
        phrases.append(text(key, lang, source=named_sources, target=say(target), score=format_number(score, lang),
                            scale=scale_words(score, lang)))
    return "; ".join(phrases)


def slight_between(slight, say, lang: str, v: str) -> str:
    """The pairs between the priorities whose mean is negative but above −1: how many, never "hämmar"; those at
    −0,5 or lower named with their means, the rest (closer to 0, "ingen påverkan", than to −1) counted."""
    from sdg_interactions.analysis import at_least
    from sdg_interactions.report.wording import format_number, join_words, lead_count

    n = len(slight)
    said = text("report.scenario.between_slight" + ("_one" if n == 1 else "") + v, lang, n=lead_count(n, lang))
    far = slight[at_least(-0.5, slight["score"].to_numpy(float))]
    if not len(far):
        return said + " " + text("report.scenario." + ("near_one" if n == 1 else "near_both" if n == 2 else
                                                       "near_all"), lang)
    pairs = join_words([text("report.scenario.slight_pair", lang, source=say(r.source), target=say(r.target),
                             score=format_number(r.score, lang)) for r in far.itertuples()], lang)
    return said + " " + text("report.scenario.far" + ("_near" if len(far) < n else ""), lang, pairs=pairs)


def compared_with_median(value: float, median: float, lang: str) -> str | None:
    """How ``value`` compares with a positive ``median`` in words, from their ratio r: "ungefär lika hög som"
    (r < 1,1), "… % högre än" (below 1,9), "ungefär dubbelt så hög som" (1,9 to 2,1), "mer än dubbelt så hög
    som" (2,1 to 2,9), "ungefär N gånger så hög som" (2,9 and more, N = r rounded), "lägre än" (r < 1 by more
    than a tenth). None when the median is not positive (a ratio says nothing then).

    Examples
    --------
    >>> compared_with_median(567, 233, "sv"), compared_with_median(150, 100, "en")
    ('mer än dubbelt så hög som', '50 % higher than')
    """
    from sdg_interactions.report.wording import format_number

    if not median > 0:
        return None
    r = float(value) / float(median)
    if r < 0.9:
        return text("report.words.lower_than", lang)
    if r < 1.1:
        return text("report.words.same_as", lang)
    if r < 1.9:
        return text("report.words.higher_than", lang, pct=format_number(round((r - 1) * 100), lang))
    if r < 2.1:
        return text("report.words.about_twice", lang)
    if r < 2.9:
        return text("report.words.over_twice", lang)
    return text("report.words.times", lang, x=format_number(round(r), lang))


def perspective(systemic: np.ndarray, first: int, lang: str) -> str:
    """The first lever's systemic score beside the matrix's own distribution: the median and the lowest."""
    from sdg_interactions.report.wording import format_number

    values = np.asarray(systemic, dtype=float)
    median, low = float(np.median(values)), float(values.min())
    words = compared_with_median(values[first], median, lang)
    numbers = {"n": len(values), "median": format_number(median, lang), "low": format_number(low, lang)}
    if words is None:
        return text("report.levers.perspective_plain", lang, **numbers)
    return text("report.levers.perspective", lang, systemic=format_number(values[first], lang), compared=words,
                **numbers)


def near_tie(ids: Sequence[str], systemic: np.ndarray, order: list[int], k: int, say, lang: str) -> str:
    """One sentence when the first target left out of the levers (by systemic score, among the positive ones)
    is within :data:`NEAR_TIE` (one point) of the last lever shown, but not tied with it (a tie is kept whole):
    "Platsen bland de fem starkaste är nästan delad: närmast efter 9.5 (364,5) kommer 4.4 (…) med 364, bara 0,5
    lägre." "" when there is none. ``order`` holds the levers' positions in rank order, ``k`` how
    many were asked for.

    Examples
    --------
    >>> near_tie(["a", "b", "c"], np.array([9.0, 5.0, 4.5]), [0, 1], 2, str, "sv")
    'Platsen bland de två starkaste är nästan delad: närmast efter b (5) kommer c med 4,5, bara 0,5 lägre.'
    >>> near_tie(["a", "b", "c"], np.array([9.0, 5.0, 3.9]), [0, 1], 2, str, "sv")
    ''
    """
    from sdg_interactions.report.wording import count_word, format_number

    values = np.asarray(systemic, dtype=float)
    if not order:
        return ""
    last = order[-1]
    shown = set(order)
    left = sorted((j for j in range(len(values)) if j not in shown and values[j] > 0), key=lambda j: (-values[j], j))
    if not left:
        return ""
    nxt = left[0]
    if tied(values[nxt], values[last]) or not at_least(values[nxt], values[last] - NEAR_TIE):
        return ""
    return text("report.levers.near_tie", lang, last=ids[last], next=say(ids[nxt]),
                diff=format_number(values[last] - values[nxt], lang, decimals=2),
                a=format_number(values[last], lang), b=format_number(values[nxt], lang),
                k=count_word(int(k), lang, neuter=False))


def conflict_rows(scores, several: bool, same=None) -> int:
    """How many of the conflicts (``scores``, worst first) the managers' table lists: on one matrix all up to
    :data:`CONFLICT_ROWS`, else that many; with several respondents every målkonflikt (mean −1 or worse) and
    at most :data:`SLIGHT_ROWS` of the pairs with a negative mean between −1 and 0. A tie is never split: the
    cut moves before the pairs tied with the first one left out (``same(a, b)``, else
    :func:`~sdg_interactions.analysis.tied`; the report passes "equal as shown"), or, when that would leave
    none of the capped part, after them.

    Examples
    --------
    >>> conflict_rows([-3, -2, -1], False), conflict_rows([-1.5] * 3 + [-0.5] * 30, True)
    (3, 33)
    >>> conflict_rows([-1.5] * 3 + [-0.9] * 18 + [-0.5] * 30, True)
    21
    """
    from sdg_interactions.analysis import clearly_hindering, tied

    values = [float(v) for v in np.asarray(scores, dtype=float)]
    n = len(values)
    floor = int(np.asarray(clearly_hindering(np.asarray(values))).sum()) if several else 0
    kept = min(n, floor + SLIGHT_ROWS) if several else min(n, CONFLICT_ROWS)
    if kept >= n:
        return kept
    alike = same or (lambda a, b: bool(tied(a, b)))
    cut = kept
    while cut > floor and alike(values[cut - 1], values[kept]):
        cut -= 1
    if cut > floor:
        return cut
    while kept < n and alike(values[kept - 1], values[kept]):  # the whole capped part is one tie: keep it
        kept += 1
    return kept


def capped_note(scores, kept: int, several: bool, lang: str) -> str:
    """What a capped table holds (:func:`~sdg_interactions.report.scope.conflict_rows`): with several
    respondents every målkonflikt and the worst of the other negative means, else the worst målkonflikter;
    how many are left out, and where the whole list can be had."""
    from sdg_interactions.analysis import clearly_hindering
    from sdg_interactions.report.wording import format_number

    n = len(scores)
    low, high = (format_number(float(scores.iloc[j]), lang) for j in (kept, n - 1))  # the rest, as shown
    values = {"total": format_number(n, lang), "k": format_number(kept, lang), "left": format_number(n - kept, lang),
              "low": low}
    if not several:
        return text("report.conflicts.capped", lang, **values)
    clear = int(np.asarray(clearly_hindering(scores)).sum())
    key = "report.conflicts.capped_mean" + ("_none" if clear == 0 else "_one" if clear == 1 else "")
    rest = text("report.conflicts.rest_" + ("same" if low == high else "range"), lang, low=low, high=high)
    return text(key, lang, **values, clear=format_number(clear, lang), shown=format_number(kept - clear, lang),
                slight=format_number(n - clear, lang), rest=rest)


def sureness(obj: xr.Dataset | xr.DataArray, order: list[int], top_k: int, aggregate: str, lang: str) -> str:
    """One sentence on which levers are uncertain to be among the ``top_k`` strongest: those in the top ``top_k``
    in under 90 % of :data:`SAMPLES` bootstrap samples of the respondents (seed 0, as the managers' section,
    :func:`~sdg_interactions.analysis.robustness.rank_robustness`), with their shares; "" when all are sure but
    the respondents are too few (under five) for a bootstrap to tell."""
    from sdg_interactions.analysis.robustness import rank_robustness
    from sdg_interactions.matrix import RESPONDENT, node_ids
    from sdg_interactions.report.wording import count_word, format_number, join_words

    k = max(1, min(int(top_k), len(order)))
    share = rank_robustness(obj, samples=SAMPLES, top_k=k, seed=0, method=aggregate)["p_top_k"].values
    unsure = [j for j in order if share[j] < 0.9]
    people, ids = obj.sizes[RESPONDENT], node_ids(obj)
    values = {"n": count_word(people, lang, neuter=False), "k": count_word(k, lang, neuter=False),
              "samples": format_number(SAMPLES, lang)}
    if not unsure:
        return text("report.levers.sure", lang, **values) if people >= 5 else ""
    pcts = [f"{format_number(round(100 * share[j]), lang)} %" for j in unsure]
    pcts_said = pcts[0] if len(pcts) == 1 else text("report.levers.respectively", lang, items=", ".join(pcts[:-1]),
                                                      last=pcts[-1])
    said = text("report.levers.unsure" + ("_one" if len(unsure) == 1 else ""), lang, **values, pcts=pcts_said,
                nodes=join_words([ids[j] for j in unsure], lang))
    others = sorted((j for j in range(len(ids)) if j not in order and bool(at_least(share[j], CONTENDER))),
                    key=lambda j: (-share[j], j))
    if others:  # who could take their place
        items = [f"{ids[j]} ({format_number(round(100 * share[j]), lang)} %)" for j in others]
        said += " " + text("report.levers.contenders" + ("_one" if len(others) == 1 else ""), lang,
                           nodes=join_words(items, lang), k=values["k"])
    return said
