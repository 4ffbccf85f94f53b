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
from sdg_interactions.report.honesty import is_synthetic
from sdg_interactions.report.scope import (
    CONTENDER,
    SAMPLES,
    capped_note,
    compared_with_median,
    conflict_rows,
    global_note,
    global_targets,
    lever_reach,
    listed,
    mark_global,
    near_tie,
    outside_note,
    perspective,
    said_pairs,
    slight_between,
    split_priorities,
    sureness,
)
from sdg_interactions.report.wording import (
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
    "CHARTED",
    "CLEAR_CONFLICT",
    "CONTENDER",
    "SAMPLES",
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
#: score whose nearest scale step is −2 (motverkande) or worse, the scenario's risk threshold; a weaker one that
#: still hinders (−1 or worse) is said as a weak hindrance, with no advice; a mean above −1 does not hinder.
STRONG_CONFLICT = -1.5

#: With several respondents, a pair whose mean is at or below this is a målkonflikt in its own right (the step −1,
#: begränsande, or worse); a negative mean above it is said as a pair with a negative mean "närmare 0" or
#: "mellan −1 och 0", not counted as a målkonflikt. The conflicts section and the scenario both use it.
CLEAR_CONFLICT = -analysis.CLEAR_STEP

#: The briefing's figure shows the ``max(CHARTED, tied)`` worst conflicts (the template's "Summary: the strongest
#: levers" cell); the conflicts section counts how many of the pairs it does not name are in it.
CHARTED = 5

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


def _tied_worst(scores, lang: str) -> int:
    """How many of ``scores`` (worst first) share the first: equal, or equal as the text shows them (two means
    that both read "−2,1" are not said as one worse than the other)."""
    worst, alike = float(scores.iloc[0]), _shown_alike(lang)
    return int(sum(alike(s, worst) for s in scores))


def _shown_alike(lang: str):
    """Whether two scores are tied or read the same in the text ("−0,5" for −0,545 and −0,5)."""
    return lambda a, b: _same(a, b) or format_number(a, lang) == format_number(b, lang)


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
    one does directly. When the first target left out is within one point of the last lever shown
    (:data:`~sdg_interactions.report.scope.NEAR_TIE`, :func:`~sdg_interactions.report.scope.near_tie`), one
    sentence names it: the place at the cut is nearly shared.

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
    several = RESPONDENT in obj.dims  # means of several answers: "främjar"/"hämmar" only at ±1 or beyond
    sure = sureness(obj, order, top_k, aggregate, lang) if several else ""
    paragraphs[-1] += f" {sure}" if sure else ""
    close = near_tie(ids, systemic, order, len(top), say, lang) if not reason else ""
    paragraphs[-1] += f" {close}" if close else ""
    for place in sorted({rank[k] for k in order}):
        tied = [k for k in order if rank[k] == place]
        if len(tied) > 1:
            paragraphs.append(text("report.levers.tie", lang, nodes=join_words([ids[k] for k in tied], lang),
                                   rank=int(place), systemic=format_number(systemic[tied[0]], lang)))
    pos, neg = analysis.clearly_promoting(a), analysis.clearly_hindering(a)  # for one matrix: > 0 and < 0
    first = order[0]
    n_neg = int(neg[first].sum())
    paragraphs.append(text("report.levers.first_mean" if several else "report.levers.first", lang,
                           node=say(ids[first]), n_pos=int(pos[first].sum()), n_other=len(ids) - 1,
                           n_neg=n_neg if n_neg else text("report.words.none", lang),
                           systemic=format_number(systemic[first], lang)) + " " + perspective(systemic, first, lang))
    if len(ids) - len(top) > 0 and len(top) > 1:  # one paragraph with the first lever's: the page is short
        paragraphs[-1] += " " + lever_reach(ids, order, pos, neg, lang)
    rows = [[str(rank[k]), ids[k], labels[ids[k]], format_number(systemic[k], lang),
             str(int(pos[k].sum())), str(int(neg[k].sum()))] for k in order]
    mean = "_mean" if several else ""
    columns = [text("column.rank", lang), text("report.column.node", lang), text("column.label", lang),
               text("column.systemic", lang), text(f"report.levers.n_pos{mean}", lang),
               text(f"report.levers.n_neg{mean}", lang)]
    return make_section("levers", lang, paragraphs, table={"columns": columns, "rows": rows},
                        data={"ids": top, "systemic": [float(systemic[k]) for k in order]})


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


def _item(row, say, lang: str, share: bool, mean: str = "") -> str:
    item = text("report.conflicts.item" + mean, lang, source=say(row["source"]), target=say(row["target"]),
                score=format_number(row["score"], lang))
    extras = _extras(row, lang, share)
    return f"{item} {extras}" if extras else item


def _all_negative(answers, people: int, lang: str) -> str:
    """"Alla tolv svarande gav …" when every respondent scored every pair named; else "Alla som bedömde paren
    gav … (elva eller tolv svar per par)", from ``answers``, the pairs' numbers of answers."""
    low, high = int(min(answers)), int(max(answers))
    if low == high == people:
        return text("report.conflicts.all_negative_two" if people == 2 else "report.conflicts.all_negative", lang,
                    n=count_word(people, lang, neuter=False))
    words = {"low": count_word(low, lang), "high": count_word(high, lang)}
    said = words["low"] if low == high else text("report.conflicts.answers_" + ("or" if high == low + 1 else
                                                                                  "range"), lang, **words)
    return text("report.conflicts.all_negative_answered", lang, answers=said)


def conflicts(obj: xr.Dataset | xr.DataArray, *, limit: int | None = 5, aggregate: str = "mean",
              lang: str = "sv", listed: bool = False, charted: int | None = None) -> dict:
    """The goal conflicts (negative links), worst first, with their comments
    (:func:`~sdg_interactions.analysis.conflicts`).

    The worst score is named with its scale step; when several conflicts share it, the text says how
    many and names them all ("Fem målkonflikter har poäng −2 …"), whatever ``limit``. Then up to
    ``limit`` conflicts in all are spelled out (None: all). With ``listed`` the text points to the table for
    the rest, else to the in-depth version. The table holds every målkonflikt up to
    :data:`~sdg_interactions.report.scope.CONFLICT_ROWS` (60) on one matrix, else the 60 worst; with several
    respondents every målkonflikt and at most :data:`~sdg_interactions.report.scope.SLIGHT_ROWS` (20) of the
    other negative means (:func:`~sdg_interactions.report.scope.conflict_rows`), and a sentence says how many
    are left out. With several respondents a score is said as "medelvärdet".

    ``charted``: how many of the worst pairs the briefing's figure above shows (None: ``max(CHARTED, tied)``
    when not ``listed``, as the template's figure; 0 for none); the count of the rest says how many of them
    are in the figure. On invented data (:func:`~sdg_interactions.report.honesty.is_synthetic`) the title
    gives no advice ("Målkonflikter i exemplet").
    """
    check_lang(lang)
    several = RESPONDENT in obj.dims
    table = conflict_table(obj, aggregate)
    labels = mark_global(labels_of(obj, lang), lang)
    n = len(table)
    if n == 0:
        return _titled(make_section("conflicts", lang, [text("report.conflicts.none", lang)],
                                    data={"pairs": [], "n": 0}), obj, lang)
    worst = float(table["score"].iloc[0])
    tied = _tied_worst(table["score"], lang)
    limit = n if limit is None else int(limit)
    shown = table.head(max(limit, tied))
    kept = conflict_rows(table["score"], several, _shown_alike(lang))  # never hundreds of slight pairs, no split tie
    if several and n > 1:  # means of several answers: only −1 or worse are målkonflikter; the rest are slight
        clear = int(clear_conflicts(table["score"]).sum())
        key = ("report.conflicts.count_mean" + ("_none" if clear == 0 else "_one" if clear == 1 else "")
               + ("_all" if clear == n and clear > 1 else ""))
        paragraphs = [text(key, lang, clear=lead_count(clear, lang, neuter=True), slight=format_number(n - clear, lang)
                           if clear else lead_count(n - clear, lang, neuter=True))]  # never a digit first
    else:
        paragraphs = [text("report.conflicts.count" if n > 1 else "report.conflicts.count_one", lang, n=n)]
    values = {"score": format_number(worst, lang), "scale": scale_words(worst, lang)}
    mean = "_mean" if several else ""  # a mean of several answers is said as "medelvärdet", never "bedömningen"
    say = namer(labels)  # a label at a node's first mention only
    # with several respondents, the share who scored a conflict negative: said once when it is all of them
    unanimous = several and bool((shown["share_negative"] >= 1).all())
    each = several and not unanimous
    if tied == 1:
        first = shown.iloc[0]
        extras = _extras(first, lang, each)
        paragraphs.append(text(("report.conflicts.worst" if n > 1 else "report.conflicts.worst_only") + mean, lang,
                               source=say(first["source"]), target=say(first["target"]), **values)
                          + (f" {extras}" if extras else ""))
        rest = shown.iloc[1:]
    elif each or any(str(c).strip() for c in shown["comment"].head(tied)):
        paragraphs.append(text("report.conflicts.tie" + mean, lang, n=lead_count(tied, lang, neuter=False), **values))
        rest = shown
    else:  # the tied ones share their score and have nothing more to say: one paragraph names them all
        pairs = "; ".join(text("report.conflicts.tie_pair", lang, source=say(r.source), target=say(r.target))
                          for r in shown.head(tied).itertuples())
        paragraphs.append(text("report.conflicts.tie" + mean, lang, n=lead_count(tied, lang, neuter=False), **values)
                          + " " + pairs + ".")
        rest = shown.iloc[tied:]
    paragraphs += [_item(row, say, lang, each, mean) for _, row in rest.iterrows()]
    if unanimous:  # said once, after the last conflict named, with how many answered each pair
        paragraphs[-1] += " " + _all_negative(shown["n_respondents"], obj.sizes[RESPONDENT], lang)
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
        drawn = 0 if listed else min(max(CHARTED, tied) if charted is None else int(charted), n) - len(shown)
        if not (listed and kept < n):  # a capped table is said below
            paragraphs.append(text(more + ("_charted" if drawn > 0 else ""), lang, n=format_number(len(left), lang),
                                   total=n, clear=format_number(int(clear_conflicts(every).sum()), lang),
                                   drawn=count_word(drawn, lang, neuter=several)))
    if listed and kept < n:
        paragraphs.append(capped_note(table["score"], kept, several, lang))
    comments = [str(c).strip() for c in table["comment"].head(kept)]
    rows = [[named(r.source, labels), named(r.target, labels), format_number(r.score, lang), c]
            for r, c in zip(table.head(kept).itertuples(), comments, strict=True)]
    columns = [text("report.column.source", lang), text("report.column.target", lang),
               text("report.column.score" + mean, lang), text("metrics.column.comment", lang)]
    return _titled(make_section("conflicts", lang, paragraphs, table={"columns": columns, "rows": rows},
                                data={"pairs": list(zip(table["source"], table["target"], strict=True)), "n": n,
                                      "tied": tied, "worst": worst}), obj, lang)


def _titled(section: dict, obj, lang: str) -> dict:
    """The conflicts section, titled without advice on invented data ("Målkonflikter i exemplet")."""
    if is_synthetic(obj):
        section["title"] = text("report.conflicts.title_example", lang)
    return section


def _triggered(others: pd.DataFrame, say, lang: str, *, several: bool, more: bool, v: str,
               many: bool = True) -> tuple[str, list]:
    """The conflicts from the priorities to other targets, worst first, and the nodes named.

    One matrix: every negative link is a målkonflikt. Means of several answers: only those at
    :data:`CLEAR_CONFLICT` or worse (:func:`clear_conflicts`, as in the conflicts section); the rest are counted
    as pairs with a negative mean between −1 and 0, not named. ``more`` adds "dessutom" (conflicts between the
    priorities are said above); ``v`` is "_levers" when the levers stand in for priorities. One pair from one of
    ``many`` priorities is said plainly: "En av hävstängerna, 12.1, hämmar 17.11 i en målkonflikt: …"."""
    clear = others[clear_conflicts(others["score"])] if several else others
    slight = len(others) - len(clear)
    if not len(clear):  # means only: no pair at −1 or worse
        return text("report.scenario.slight_only" + ("_one" if slight == 1 else "") + v, lang,
                    n=count_word(slight, lang)), []
    worst = float(clear["score"].iloc[0])
    tied = clear.head(_tied_worst(clear["score"], lang))
    mean = "_mean" if several else ""
    key = "report.scenario.triggered" + mean + ("_one" if len(clear) == 1 else "") + ("_more" if more else "") + v
    values = {"score": format_number(worst, lang), "scale": scale_words(worst, lang)}
    if len(clear) == 1 and many:  # one priority, one target: named plainly
        key = "report.scenario.single" + mean + ("_more" if more else "") + v
        row = clear.iloc[0]
        values.update(source=say(row["source"]), target=say(row["target"]))
    # the worst said as a tie when it is one: "Alla har bedömningen −1" or "Tre av dem delar den sämsta …"
    how = "worst_all" if len(tied) == len(clear) else "worst_tie" if len(tied) > 1 else "worst"
    said = text(key, lang, n=count_word(len(clear), lang, neuter=False), **values, pairs=said_pairs(tied, say, lang,
                scored=False), worst=text(f"report.scenario.{how}{mean}", lang, m=lead_count(len(tied), lang,
                                                                                          neuter=False), **values))
    if slight:
        said += " " + text("report.scenario.slight" + ("_one" if slight == 1 else "") + v, lang,
                           n=count_word(slight, lang))
    return said, [*tied["source"], *tied["target"]]


def scenario_summary(obj: xr.Dataset | xr.DataArray, *, priorities: Sequence[str] = (), top_k: int = 5,
                     aggregate: str = "mean", lang: str = "sv", limit: int = 12,
                     audience: str = "forvaltning") -> dict:
    """What comes along and what is not free when ``priorities`` advance
    (:func:`~sdg_interactions.analysis.scenario`); with no priorities, the levers (:func:`lever_order`)
    stand in. Long lists of SDG targets are grouped by goal; other nodes are named, at most ``limit`` per
    class.

    Priorities the matrix does not hold (11.6 on the Sweden matrix) are left out of the scenario and named
    with their labels, why and how to include them (:func:`~sdg_interactions.report.scope.outside_note`);
    when none is left, the levers stand in and the text says so. ``data["priorities"]`` holds the ones the
    scenario ran on, ``data["outside"]`` the others.

    Priorities that hinder each other are said first: with "kräver att konflikten hanteras" when the score
    is :data:`STRONG_CONFLICT` (−1,5, nearest step −2) or worse, else as a weak hindrance (no advice: the data
    may be an invented example); means above −1 are counted, never "hämmar"
    (:func:`~sdg_interactions.report.scope.slight_between`). When all the conflicts to other targets share the
    worst score, it is said as a tie ("Alla har bedömningen −1"), never as "Allvarligast". Global
    targets (:func:`~sdg_interactions.report.scope.is_global`) are marked where named, with one sentence on
    what that means. With several respondents a score is said as "medelvärdet", and only a mean at
    :data:`CLEAR_CONFLICT` or worse is called a målkonflikt (:func:`_triggered`). When the levers stand in, every
    sentence says "hävstängerna" (the catalogue's ``*_levers`` variants), never "prioriteringarna". The pairs
    between the priorities with a mean between −1 and 0 are said after the risk sentence, and only for
    ``audience="forvaltning"``: a politician's briefing leaves them out (no målkonflikt, nothing to do)."""
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
    several = RESPONDENT in obj.dims  # the scores are means of several answers: said as "medelvärdet"
    # means above −1 are no målkonflikt and do not "hämma": said apart (slight_between); one matrix has none
    slight = between[~clear_conflicts(between["score"])] if several else between.iloc[:0]
    weak = between.drop(strong.index).drop(slight.index)
    # with the levers standing in, "hävstängerna" where the kommun's own priorities would be "prioriteringarna"
    v = "_levers" if not inside else ""
    # "båda" and "konflikten" for one pair of priorities; "dem alla", "konflikterna" for more
    if len(strong):
        paragraphs.append(text("report.scenario.between" + ("_many" if len(strong) > 1 else "") + v, lang,
                               pairs=said_pairs(strong, say, lang, mean=several)))
    if len(weak):
        paragraphs.append(text("report.scenario.between_weak" + v, lang,
                               pairs=said_pairs(weak, say, lang, mean=several)))
    named_nodes = list(chosen)
    for key in ("comes_along", "partly_supported", "not_free", "at_risk"):
        nodes = groups[key]
        if not nodes:
            mean = "_mean" if several and key == "comes_along" else ""
            paragraphs.append(text(f"report.scenario.{key}_none{mean}" + (v if key != "partly_supported" else ""),
                                   lang))
            continue
        # the class's rule names its scores: "medelvärden"/"medelvärdet" with several respondents
        paragraphs.append(text(f"report.scenario.{key}" + (("_mean" if several else "") + v if key in
                                                           ("comes_along", "at_risk") else ""), lang,
                               count=text("report.words.targets" if len(nodes) > 1 else "report.words.target",
                                          lang, n=count_word(len(nodes), lang)),
                               nodes=listed(nodes, labels, limit, lang, say,
                                            compact=audience == "politiker" and key == "comes_along")))
        if key == "at_risk":
            named_nodes += nodes
    if len(slight) and audience != "politiker":  # after the risk sentence; the briefing leaves them out
        paragraphs.append(slight_between(slight, say, lang, v))
    others = triggered.drop(between.index)
    if len(others):
        paragraph, in_it = _triggered(others, say, lang, several=several, more=bool(len(strong) + len(weak)), v=v,
                                      many=len(chosen) > 1)
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
