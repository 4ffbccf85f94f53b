"""The summary sections of the report: the strongest levers, the goal conflicts and what comes along
(what to do next is in :mod:`sdg_interactions.report.next_steps`).

Each function takes the matrix Dataset (one matrix, or several respondents' answers, aggregated here)
and returns a section dict (``id``, ``title``, ``paragraphs``, ``table``, ``data``) written from the
numbers; :mod:`sdg_interactions.report.sections` re-exports them. Ties are said as ties, only nodes
with a positive systemic score count as levers, long lists of SDG targets are grouped by goal with the
goal's name, and no sentence opens with a digit.

Examples
--------
>>> from sdg_interactions.matrix import toy_matrix
>>> levers(toy_matrix(), top_k=2, lang="en")["data"]["ids"]
['1.2', '1.1']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import analysis
from sdg_interactions.analysis import adjacency, at_least, sdg_synergies, tied
from sdg_interactions.matrix import RESPONDENT, node_ids
from sdg_interactions.report.scope import global_note, global_targets, mark_global, outside_note, split_priorities
from sdg_interactions.report.wording import (
    by_goal,
    count_word,
    format_number,
    join_words,
    labels_of,
    lead_count,
    make_section,
    named,
    namer,
    one_matrix,
    scale_words,
)
from sdg_interactions.texts import check_lang, text

__all__ = [
    "CLEAR_CONFLICT",
    "STRONG_CONFLICT",
    "clear_conflicts",
    "compared_with_median",
    "conflict_table",
    "conflicts",
    "lever_order",
    "levers",
    "listed",
    "scenario_summary",
    "summary",
]

#: A link between two priorities at or below this score is named with "kräver att konflikten hanteras": the
#: score whose nearest scale step is −2 (motverkande) or worse, the scenario's risk threshold; a weaker one
#: (−0,5: between "ingen påverkan" and "begränsande") is named as a weak hindrance to keep an eye on.
STRONG_CONFLICT = -1.5

#: With several respondents, a pair whose mean is at or below this is a målkonflikt in its own right (the step −1,
#: begränsande, or worse); a negative mean above it is said as a pair with a negative mean "närmare 0" or
#: "mellan −1 och 0", not counted as a målkonflikt. The conflicts section and the scenario both use it.
CLEAR_CONFLICT = -analysis.CLEAR_STEP


def clear_conflicts(scores) -> np.ndarray:
    """Which scores are at :data:`CLEAR_CONFLICT` or worse (float noise counts as equal).

    Examples
    --------
    >>> clear_conflicts([-1.0, -0.92, -2.5]).tolist()
    [True, False, True]
    """
    return analysis.clearly_hindering(scores)


def _same(a: float, b: float) -> bool:
    return bool(tied(float(a), float(b)))


def lever_order(m: xr.DataArray, top_k: int) -> tuple[list[int], str | None]:
    """The positions of the levers of one matrix, in rank order, and why fewer than ``top_k`` are shown.

    Only nodes with a positive systemic score are levers; at most ``top_k``, and never more than n − 1.
    A tie at the cut is kept whole. The reason is ``None``, ``"small"`` (the matrix has too few nodes)
    or ``"positive"`` (too few nodes have a positive systemic score).
    """
    result = sdg_synergies(m)
    rank, systemic = result["rank"].values, result["systemic"].values
    n = len(rank)
    order = sorted(range(n), key=lambda k: (rank[k], k))
    positive = [k for k in order if systemic[k] > 0]
    cap = max(min(int(top_k), n - 1), 0)
    top = positive[:cap]
    if top and len(positive) > cap:  # keep a tie at the cut whole
        top += [k for k in positive[cap:] if rank[k] == rank[top[-1]]]
    reason = None
    if len(top) < int(top_k):
        reason = "small" if cap < int(top_k) and cap <= len(positive) else "positive"
    return top, reason


def levers(obj: xr.Dataset | xr.DataArray, *, top_k: int = 5, aggregate: str = "mean",
           lang: str = "sv") -> dict:
    """The strongest levers: up to ``top_k`` nodes with a positive systemic score, in rank order
    (:func:`lever_order`), with what "systemic score" means, ties named as ties, and what the first
    one does directly.

    ``data["ids"]`` holds the ids in rank order (ties by matrix order).
    """
    check_lang(lang)
    m = one_matrix(obj, aggregate)
    ids, labels = node_ids(m), labels_of(m, lang)
    result = sdg_synergies(m)
    rank, systemic = result["rank"].values, result["systemic"].values
    order, reason = lever_order(m, top_k)
    top = [ids[k] for k in order]
    a = adjacency(m)
    np.fill_diagonal(a, 0)
    paragraphs = [text("report.levers.explain", lang)]
    if reason and top:  # with none, "levers.none" says it: never "bara noll av …"
        paragraphs.append(text(f"report.levers.capped_{reason}", lang, k=int(top_k), n=len(ids),
                               shown=count_word(len(top), lang, neuter=False)))
    if not top:
        paragraphs.append(text("report.levers.none", lang))
        return make_section("levers", lang, paragraphs, data={"ids": [], "systemic": []})
    say = namer(labels)
    paragraphs.append(text("report.levers.intro" if len(top) > 1 else "report.levers.intro_one", lang,
                           k=count_word(len(top), lang, neuter=False),
                           nodes=join_words([say(i) for i in top], lang)))
    for place in sorted({rank[k] for k in order}):
        tied = [k for k in order if rank[k] == place]
        if len(tied) > 1:
            paragraphs.append(text("report.levers.tie", lang, nodes=join_words([ids[k] for k in tied], lang),
                                   rank=int(place), systemic=format_number(systemic[tied[0]], lang)))
    first = order[0]
    n_neg = int((a[first] < 0).sum())
    paragraphs.append(text("report.levers.first", lang, node=say(ids[first]),
                           n_pos=int((a[first] > 0).sum()), n_other=len(ids) - 1,
                           n_neg=n_neg if n_neg else text("report.words.none", lang),
                           systemic=format_number(systemic[first], lang)) + " " + _perspective(systemic, first, lang))
    if len(ids) - len(top) > 0 and len(top) > 1:  # one paragraph with the first lever's: the page is short
        reach = set(np.flatnonzero((a[order] > 0).any(axis=0))) - set(order)
        key = "report.levers.reach_all" if len(reach) == len(ids) - len(top) else "report.levers.reach"
        paragraphs[-1] += " " + text(key, lang, k=count_word(len(top), lang, neuter=False),
                                     reach=len(reach), n_other=len(ids) - len(top))
    rows = [[str(rank[k]), ids[k], labels[ids[k]], format_number(systemic[k], lang),
             str(int((a[k] > 0).sum())), str(int((a[k] < 0).sum()))] for k in order]
    columns = [text("column.rank", lang), text("report.column.node", lang), text("column.label", lang),
               text("column.systemic", lang), text("report.levers.n_pos", lang),
               text("report.levers.n_neg", lang)]
    return make_section("levers", lang, paragraphs, table={"columns": columns, "rows": rows},
                        data={"ids": top, "systemic": [float(systemic[k]) for k in order]})


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


def _perspective(systemic: np.ndarray, first: int, lang: str) -> str:
    """The first lever's systemic score beside the matrix's own distribution: the median and the lowest."""
    values = np.asarray(systemic, dtype=float)
    median, low = float(np.median(values)), float(values.min())
    words = compared_with_median(values[first], median, lang)
    numbers = {"n": len(values), "median": format_number(median, lang), "low": format_number(low, lang)}
    if words is None:
        return text("report.levers.perspective_plain", lang, **numbers)
    return text("report.levers.perspective", lang, systemic=format_number(values[first], lang), compared=words,
                **numbers)


def conflict_table(obj: xr.Dataset | xr.DataArray, aggregate: str) -> pd.DataFrame:
    if RESPONDENT in obj.dims:
        return analysis.conflicts(one_matrix(obj, aggregate), respondents=obj)
    return analysis.conflicts(obj)  # one matrix: a Dataset's comments come along


def _share(row, lang: str) -> str:
    """"Negativ poäng från två av tolv svarande": both counts in words, or both in digits."""
    n = int(row["n_respondents"])
    negative = round(row["share_negative"] * n)
    words = n < 13  # never "två av 13" beside "två av 2"
    return text("report.conflicts.share", lang, negative=count_word(negative, lang, neuter=False) if words else
                str(negative), n=count_word(n, lang, neuter=False) if words else str(n))


def _extras(row, lang: str, share: bool) -> str:
    """The comment of a conflict and, with ``share``, how many respondents scored it negative."""
    comment = str(row["comment"]).strip().rstrip(".")  # the sentence's own full stop follows the quote
    parts = [text("report.conflicts.comment", lang, comment=comment)] if comment else []
    return " ".join(parts + ([_share(row, lang)] if share else []))


def _item(row, say, lang: str, share: bool) -> str:
    item = text("report.conflicts.item", lang, source=say(row["source"]), target=say(row["target"]),
                score=format_number(row["score"], lang))
    extras = _extras(row, lang, share)
    return f"{item} {extras}" if extras else item


def conflicts(obj: xr.Dataset | xr.DataArray, *, limit: int | None = 5, aggregate: str = "mean",
              lang: str = "sv", listed: bool = False) -> dict:
    """The goal conflicts (negative links), worst first, with their comments
    (:func:`~sdg_interactions.analysis.conflicts`).

    The worst score is named with its scale step; when several conflicts share it, the text says how
    many and names them all ("Fem målkonflikter har poäng −2 …"), whatever ``limit``. Then up to
    ``limit`` conflicts in all are spelled out (None: all); the table holds every one. With ``listed``
    the text points to that table for the rest, else to the in-depth version.
    """
    check_lang(lang)
    several = RESPONDENT in obj.dims
    table = conflict_table(obj, aggregate)
    labels = mark_global(labels_of(obj, lang), lang)
    n = len(table)
    if n == 0:
        return make_section("conflicts", lang, [text("report.conflicts.none", lang)], data={"pairs": [], "n": 0})
    worst = float(table["score"].iloc[0])
    tied = int(sum(_same(s, worst) for s in table["score"]))
    limit = n if limit is None else int(limit)
    shown = table.head(max(limit, tied))
    if several and n > 1:  # means of several answers: only −1 or worse are målkonflikter; the rest are slight
        clear = int(clear_conflicts(table["score"]).sum())
        key = ("report.conflicts.count_mean" + ("_none" if clear == 0 else "_one" if clear == 1 else "")
               + ("_all" if clear == n and clear > 1 else ""))
        paragraphs = [text(key, lang, clear=lead_count(clear, lang, neuter=True), slight=format_number(n - clear, lang)
                           if clear else lead_count(n - clear, lang, neuter=True))]  # never a digit first
    else:
        paragraphs = [text("report.conflicts.count" if n > 1 else "report.conflicts.count_one", lang, n=n)]
    values = {"score": format_number(worst, lang), "scale": scale_words(worst, lang)}
    say = namer(labels)  # a label at a node's first mention only
    # with several respondents, the share who scored a conflict negative: said once when it is all of them
    unanimous = several and bool((shown["share_negative"] >= 1).all())
    each = several and not unanimous
    if tied == 1:
        first = shown.iloc[0]
        extras = _extras(first, lang, each)
        paragraphs.append(text("report.conflicts.worst" if n > 1 else "report.conflicts.worst_only", lang,
                               source=say(first["source"]), target=say(first["target"]), **values)
                          + (f" {extras}" if extras else ""))
        rest = shown.iloc[1:]
    elif each or any(str(c).strip() for c in shown["comment"].head(tied)):
        paragraphs.append(text("report.conflicts.tie", lang, n=lead_count(tied, lang, neuter=False), **values))
        rest = shown
    else:  # the tied ones share their score and have nothing more to say: one paragraph names them all
        pairs = "; ".join(text("report.conflicts.tie_pair", lang, source=say(r.source), target=say(r.target))
                          for r in shown.head(tied).itertuples())
        paragraphs.append(text("report.conflicts.tie", lang, n=lead_count(tied, lang, neuter=False), **values)
                          + " " + pairs + ".")
        rest = shown.iloc[tied:]
    paragraphs += [_item(row, say, lang, each) for _, row in rest.iterrows()]
    if unanimous:  # said once, after the last conflict named
        people = int(shown["n_respondents"].iloc[0])
        paragraphs[-1] += " " + text("report.conflicts.all_negative_two" if people == 2 else
                                     "report.conflicts.all_negative", lang, n=count_word(people, lang, neuter=False))
    note = global_note([*shown["source"], *shown["target"]], lang)
    if note:
        paragraphs.append(note)
    if len(shown) < n:
        left = table["score"].iloc[len(shown):]
        if several and not listed:  # means of several answers: say how many of the rest are −1 or worse
            more = "report.conflicts.more_mean_one" if len(left) == 1 else "report.conflicts.more_mean"
        else:
            more = "report.conflicts.more_one" if len(left) == 1 else "report.conflicts.more"
        if listed:
            more = "report.conflicts.listed_mean" if several else "report.conflicts.listed"
        every = table["score"] if listed else left  # the table holds them all; the briefing names the rest
        paragraphs.append(text(more, lang, n=format_number(len(left), lang), total=n,
                               clear=format_number(int(clear_conflicts(every).sum()), lang)))
    comments = [str(c).strip() for c in table["comment"]]
    rows = [[named(r.source, labels), named(r.target, labels), format_number(r.score, lang), c]
            for r, c in zip(table.itertuples(), comments, strict=True)]
    columns = [text("report.column.source", lang), text("report.column.target", lang),
               text("report.column.score", lang), text("metrics.column.comment", lang)]
    return make_section("conflicts", lang, paragraphs, table={"columns": columns, "rows": rows},
                        data={"pairs": list(zip(table["source"], table["target"], strict=True)), "n": n,
                              "tied": tied, "worst": worst})


def listed(nodes: list[str], labels, limit: int, lang: str, say=None) -> str:
    """A list of nodes: grouped by goal when they are SDG targets, else named (by ``say``, default
    :func:`named`), at most ``limit`` named."""
    say = say or (lambda node: named(node, labels))
    if len(nodes) > limit and not all(n[:1].isdigit() for n in nodes):
        shown = [say(i) for i in nodes[:limit]]
        shown.append(text("report.scenario.others", lang, n=len(nodes) - limit))
        return join_words(shown, lang)
    if len(nodes) >= 3 and all(n[:1].isdigit() for n in nodes):
        return by_goal(nodes, labels, lang)
    return join_words([say(i) for i in nodes], lang)


def _pairs(frame, say, lang: str, *, scored: bool = True, mean: bool = False) -> str:
    """Links as words, those with the same target and score in one phrase ("12.1, 8.4 och 12.5 hämmar var
    för sig 17.11 med bedömningen −1, …"), in the frame's order, "; " between phrases (a label may hold a comma).
    Without ``scored`` the score is left out: the caller says it once for all of them. With ``mean`` the score
    is said as a mean of several answers ("med medelvärdet −0,4")."""
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


def _triggered(others: pd.DataFrame, say, lang: str, *, several: bool, more: bool, v: str) -> tuple[str, list]:
    """The conflicts from the priorities to other targets, worst first, and the nodes named.

    One matrix: every negative link is a målkonflikt. Means of several answers: only those at
    :data:`CLEAR_CONFLICT` or worse (:func:`clear_conflicts`, as in the conflicts section); the rest are counted
    as pairs with a negative mean between −1 and 0, not named. ``more`` adds "dessutom" (conflicts between the
    priorities are said above); ``v`` is "_levers" when the levers stand in for priorities."""
    clear = others[clear_conflicts(others["score"])] if several else others
    slight = len(others) - len(clear)
    if not len(clear):  # means only: no pair at −1 or worse
        return text("report.scenario.slight_only" + ("_one" if slight == 1 else "") + v, lang,
                    n=count_word(slight, lang)), []
    worst = float(clear["score"].iloc[0])
    tied = clear[[_same(s, worst) for s in clear["score"]]]
    key = "report.scenario.triggered" + ("_mean" if several else "") + ("_one" if len(clear) == 1 else "")
    key += ("_more" if more else "") + v
    said = text(key, lang, n=count_word(len(clear), lang, neuter=False), score=format_number(worst, lang),
                scale=scale_words(worst, lang), pairs=_pairs(tied, say, lang, scored=False))
    if slight:
        said += " " + text("report.scenario.slight" + ("_one" if slight == 1 else "") + v, lang,
                           n=count_word(slight, lang))
    return said, [*tied["source"], *tied["target"]]


def scenario_summary(obj: xr.Dataset | xr.DataArray, *, priorities: Sequence[str] = (), top_k: int = 5,
                     aggregate: str = "mean", lang: str = "sv", limit: int = 12) -> dict:
    """What comes along and what is not free when ``priorities`` advance
    (:func:`~sdg_interactions.analysis.scenario`); with no priorities, the levers (:func:`lever_order`)
    stand in. Long lists of SDG targets are grouped by goal; other nodes are named, at most ``limit`` per
    class.

    Priorities the matrix does not hold (11.6 on the Sweden matrix) are left out of the scenario and named
    with their labels, why and how to include them (:func:`~sdg_interactions.report.scope.outside_note`);
    when none is left, the levers stand in and the text says so. ``data["priorities"]`` holds the ones the
    scenario ran on, ``data["outside"]`` the others.

    Priorities that hinder each other are said first: with "kräver att konflikten hanteras" when the score
    is :data:`STRONG_CONFLICT` (−1,5, nearest step −2) or worse, else as a weak hindrance to watch. Global
    targets (:func:`~sdg_interactions.report.scope.is_global`) are marked where named, with one sentence on
    what that means. With several respondents a score is said as "medelvärdet", and only a mean at
    :data:`CLEAR_CONFLICT` or worse is called a målkonflikt (:func:`_triggered`). When the levers stand in, every
    sentence says "hävstängerna" (the catalogue's ``*_levers`` variants), never "prioriteringarna"."""
    check_lang(lang)
    m = one_matrix(obj, aggregate)
    labels = mark_global(labels_of(m, lang), lang)
    ids = node_ids(m)
    inside, outside = split_priorities(priorities, ids)
    chosen = inside or [ids[k] for k in lever_order(m, top_k)[0]]
    away = outside_note(outside, len(ids), lang)
    empty = {"priorities": [], "outside": outside, **{c: [] for c in analysis.CLASSES}, "triggered": 0,
             "between": [], "global": []}
    if not chosen:
        return make_section("scenario", lang, [p for p in (away, text("report.scenario.no_levers", lang)) if p],
                            data=empty)
    result = analysis.scenario(m, chosen)
    classes = dict(zip(ids, result["class"].values.tolist(), strict=True))
    groups = {c: [i for i, k in classes.items() if k == c] for c in analysis.CLASSES}
    lead = "report.scenario.given" if inside else ("report.scenario.outside_only" if outside else
                                                   "report.scenario.default")
    say = namer(labels)  # a label at a node's first mention only
    if lead == "report.scenario.default":  # the levers section above has just named them with their labels
        for node in chosen:
            say(node)
    paragraphs = [text(lead, lang, k=count_word(len(chosen), lang, neuter=False),
                       priorities=join_words([say(i) for i in chosen], lang))]
    if away:
        paragraphs.insert(0, away)
    triggered = analysis.triggered_conflicts(m, chosen)
    between = triggered[triggered["target"].isin(chosen) & triggered["source"].isin(chosen)]
    strong = between[at_least(STRONG_CONFLICT, between["score"].to_numpy(float))]
    weak = between.drop(strong.index)
    several = RESPONDENT in obj.dims  # the scores are means of several answers: said as "medelvärdet"
    # with the levers standing in, "hävstängerna" where the kommun's own priorities would be "prioriteringarna"
    v = "_levers" if not inside else ""
    # "båda" and "konflikten" for one pair of priorities; "dem alla", "konflikterna" for more
    if len(strong):
        paragraphs.append(text("report.scenario.between" + ("_many" if len(strong) > 1 else "") + v, lang,
                               pairs=_pairs(strong, say, lang, mean=several)))
    if len(weak):
        paragraphs.append(text("report.scenario.between_weak" + ("_many" if len(weak) > 1 else "") + v, lang,
                               pairs=_pairs(weak, say, lang, mean=several)))
    named_nodes = list(chosen)
    for key in ("comes_along", "partly_supported", "not_free", "at_risk"):
        nodes = groups[key]
        if not nodes:
            paragraphs.append(text(f"report.scenario.{key}_none" + (v if key != "partly_supported" else ""), lang))
            continue
        paragraphs.append(text(f"report.scenario.{key}" + (v if key in ("comes_along", "at_risk") else ""), lang,
                               count=text("report.words.targets" if len(nodes) > 1 else "report.words.target",
                                          lang, n=count_word(len(nodes), lang)),
                               nodes=listed(nodes, labels, limit, lang, say)))
        if key == "at_risk":
            named_nodes += nodes
    others = triggered.drop(between.index)
    if len(others):
        paragraph, in_it = _triggered(others, say, lang, several=several, more=bool(len(between)), v=v)
        paragraphs.append(paragraph)
        named_nodes += in_it
    note = global_note(named_nodes, lang, short=True)  # the conflicts section says it in full
    if note:
        paragraphs[-1] += " " + note
    return make_section("scenario", lang, paragraphs,
                        data={**empty, "priorities": chosen, **{c: groups[c] for c in analysis.CLASSES},
                              "triggered": len(triggered),
                              "between": list(zip(between["source"], between["target"], strict=True)),
                              "global": list(dict.fromkeys(global_targets(named_nodes)))})


def summary(obj: xr.Dataset | xr.DataArray, *, priorities: Sequence[str] = (), top_k: int = 5,
            aggregate: str = "mean", lang: str = "sv") -> dict:
    """The summary in one dict: ``levers``, ``conflicts`` and ``scenario`` sections, and ``text``, all
    their paragraphs joined by blank lines.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> s = summary(toy_matrix(), top_k=1, lang="en")
    >>> s["levers"]["data"]["ids"], s["scenario"]["data"]["priorities"]
    (['1.2'], ['1.2'])
    """
    parts = {"levers": levers(obj, top_k=top_k, aggregate=aggregate, lang=lang),
             "conflicts": conflicts(obj, aggregate=aggregate, lang=lang),
             "scenario": scenario_summary(obj, priorities=priorities, top_k=top_k, aggregate=aggregate,
                                          lang=lang)}
    parts["text"] = "\n\n".join(p for s in parts.values() for p in s["paragraphs"])
    return parts
