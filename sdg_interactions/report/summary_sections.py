"""The summary sections of the report: the strongest levers, the goal conflicts, what comes along, and
what to do next.

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
from sdg_interactions.analysis import adjacency, sdg_synergies
from sdg_interactions.matrix import RESPONDENT, node_ids
from sdg_interactions.report.wording import (
    by_goal,
    count_word,
    format_number,
    join_words,
    labels_of,
    lead_count,
    make_section,
    named,
    one_matrix,
    scale_words,
)
from sdg_interactions.texts import check_lang, text

__all__ = ["conflicts", "lever_order", "levers", "listed", "next_steps", "scenario_summary", "summary"]

_TOL = 1e-9


def _same(a: float, b: float) -> bool:
    return abs(float(a) - float(b)) <= _TOL * max(1.0, abs(float(a)))


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
    if reason:
        paragraphs.append(text(f"report.levers.capped_{reason}", lang, k=int(top_k), n=len(ids),
                               shown=count_word(len(top), lang, neuter=False)))
    if not top:
        paragraphs.append(text("report.levers.none", lang))
        return make_section("levers", lang, paragraphs, data={"ids": [], "systemic": []})
    paragraphs.append(text("report.levers.intro" if len(top) > 1 else "report.levers.intro_one", lang,
                           k=count_word(len(top), lang, neuter=False),
                           nodes=join_words([named(i, labels) for i in top], lang)))
    for place in sorted({rank[k] for k in order}):
        tied = [k for k in order if rank[k] == place]
        if len(tied) > 1:
            paragraphs.append(text("report.levers.tie", lang, nodes=join_words([ids[k] for k in tied], lang),
                                   rank=int(place), systemic=format_number(systemic[tied[0]], lang)))
    first = order[0]
    n_neg = int((a[first] < 0).sum())
    paragraphs.append(text("report.levers.first", lang, node=named(ids[first], labels),
                           n_pos=int((a[first] > 0).sum()), n_other=len(ids) - 1,
                           n_neg=n_neg if n_neg else text("report.words.none", lang),
                           systemic=format_number(systemic[first], lang)))
    if len(ids) - len(top) > 0 and len(top) > 1:
        reach = set(np.flatnonzero((a[order] > 0).any(axis=0))) - set(order)
        paragraphs.append(text("report.levers.reach", lang, k=count_word(len(top), lang, neuter=False),
                               reach=len(reach), n_other=len(ids) - len(top)))
    rows = [[str(rank[k]), ids[k], labels[ids[k]], format_number(systemic[k], lang),
             str(int((a[k] > 0).sum())), str(int((a[k] < 0).sum()))] for k in order]
    columns = [text("column.rank", lang), text("report.column.node", lang), text("column.label", lang),
               text("column.systemic", lang), text("report.levers.n_pos", lang),
               text("report.levers.n_neg", lang)]
    return make_section("levers", lang, paragraphs, table={"columns": columns, "rows": rows},
                        data={"ids": top, "systemic": [float(systemic[k]) for k in order]})


def _conflict_table(obj: xr.Dataset | xr.DataArray, aggregate: str) -> pd.DataFrame:
    if RESPONDENT in obj.dims:
        return analysis.conflicts(one_matrix(obj, aggregate), respondents=obj)
    return analysis.conflicts(obj)  # one matrix: a Dataset's comments come along


def _item(row, labels, lang: str, several: bool) -> str:
    item = text("report.conflicts.item", lang, source=named(row["source"], labels),
                target=named(row["target"], labels), score=format_number(row["score"], lang))
    comment = str(row["comment"]).strip()
    if comment:
        item += " " + text("report.conflicts.comment", lang, comment=comment)
    if several:
        item += " " + text("report.conflicts.share", lang,
                           negative=count_word(round(row["share_negative"] * row["n_respondents"]), lang),
                           n=int(row["n_respondents"]))
    return item


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
    table = _conflict_table(obj, aggregate)
    labels = labels_of(obj, lang)
    n = len(table)
    if n == 0:
        return make_section("conflicts", lang, [text("report.conflicts.none", lang)], data={"pairs": [], "n": 0})
    worst = float(table["score"].iloc[0])
    tied = int(sum(_same(s, worst) for s in table["score"]))
    limit = n if limit is None else int(limit)
    shown = table.head(max(limit, tied))
    paragraphs = [text("report.conflicts.count" if n > 1 else "report.conflicts.count_one", lang, n=n)]
    values = {"score": format_number(worst, lang), "scale": scale_words(worst, lang)}
    if tied == 1:
        first = shown.iloc[0]
        paragraphs.append(text("report.conflicts.worst", lang, source=named(first["source"], labels),
                               target=named(first["target"], labels), **values))
        rest = shown.iloc[1:]
        if str(first["comment"]).strip() or several:
            rest = shown
    else:
        paragraphs.append(text("report.conflicts.tie", lang, n=lead_count(tied, lang, neuter=False), **values))
        rest = shown
    paragraphs += [_item(row, labels, lang, several) for _, row in rest.iterrows()]
    if len(shown) < n:
        paragraphs.append(text("report.conflicts.listed" if listed else "report.conflicts.more", lang,
                               n=n - len(shown), total=n))
    comments = [str(c).strip() for c in table["comment"]]
    rows = [[named(r.source, labels), named(r.target, labels), format_number(r.score, lang), c]
            for r, c in zip(table.itertuples(), comments, strict=True)]
    columns = [text("report.column.source", lang), text("report.column.target", lang),
               text("metrics.column.score", lang), text("metrics.column.comment", lang)]
    return make_section("conflicts", lang, paragraphs, table={"columns": columns, "rows": rows},
                        data={"pairs": list(zip(table["source"], table["target"], strict=True)), "n": n,
                              "tied": tied, "worst": worst})


def listed(nodes: list[str], labels, limit: int, lang: str) -> str:
    """A list of nodes: grouped by goal when they are SDG targets, else named, at most ``limit`` named."""
    if len(nodes) > limit and not all(n[:1].isdigit() for n in nodes):
        shown = [named(i, labels) for i in nodes[:limit]]
        shown.append(text("report.scenario.others", lang, n=len(nodes) - limit))
        return join_words(shown, lang)
    if len(nodes) >= 3 and all(n[:1].isdigit() for n in nodes):
        return by_goal(nodes, labels, lang)
    return join_words([named(i, labels) for i in nodes], lang)


def scenario_summary(obj: xr.Dataset | xr.DataArray, *, priorities: Sequence[str] = (), top_k: int = 5,
                     aggregate: str = "mean", lang: str = "sv", limit: int = 12) -> dict:
    """What comes along and what is not free when ``priorities`` advance
    (:func:`~sdg_interactions.analysis.scenario`); with no priorities, the levers (:func:`lever_order`)
    stand in. Priorities that hinder each other are said first. Long lists of SDG targets are grouped by
    goal; other nodes are named, at most ``limit`` per class."""
    check_lang(lang)
    m = one_matrix(obj, aggregate)
    labels = labels_of(m, lang)
    ids = node_ids(m)
    chosen = list(priorities) or [ids[k] for k in lever_order(m, top_k)[0]]
    if not chosen:
        return make_section("scenario", lang, [text("report.scenario.no_levers", lang)],
                            data={"priorities": [], **{c: [] for c in analysis.CLASSES}, "triggered": 0,
                                  "between": []})
    result = analysis.scenario(m, chosen)
    classes = dict(zip(ids, result["class"].values.tolist(), strict=True))
    groups = {c: [i for i, k in classes.items() if k == c] for c in analysis.CLASSES}
    paragraphs = [text("report.scenario.given" if priorities else "report.scenario.default", lang,
                       k=count_word(len(chosen), lang, neuter=False),
                       priorities=join_words([named(i, labels) for i in chosen], lang))]
    triggered = analysis.triggered_conflicts(m, chosen)
    between = triggered[triggered["target"].isin(chosen) & triggered["source"].isin(chosen)]
    if len(between):
        pairs = [text("report.scenario.pair", lang, source=named(r.source, labels), target=named(r.target, labels),
                      score=format_number(r.score, lang), scale=scale_words(r.score, lang))
                 for r in between.itertuples()]
        paragraphs.append(text("report.scenario.between", lang, pairs=join_words(pairs, lang)))
    for key in ("comes_along", "partly_supported", "not_free", "at_risk"):
        nodes = groups[key]
        if not nodes:
            paragraphs.append(text(f"report.scenario.{key}_none", lang))
            continue
        paragraphs.append(text(f"report.scenario.{key}", lang,
                               count=text("report.words.targets" if len(nodes) > 1 else "report.words.target",
                                          lang, n=count_word(len(nodes), lang)),
                               nodes=listed(nodes, labels, limit, lang)))
    others = triggered.drop(between.index)
    if len(others):
        worst = float(others["score"].iloc[0])
        tied = others[[_same(s, worst) for s in others["score"]]]
        pairs = [text("report.scenario.pair", lang, source=named(r.source, labels), target=named(r.target, labels),
                      score=format_number(r.score, lang), scale=scale_words(r.score, lang))
                 for r in tied.itertuples()]
        key = "report.scenario.triggered" if len(others) > 1 else "report.scenario.triggered_one"
        paragraphs.append(text(key, lang, n=count_word(len(others), lang, neuter=False),
                               pairs=join_words(pairs, lang)))
    return make_section("scenario", lang, paragraphs,
                        data={"priorities": chosen, **{c: groups[c] for c in analysis.CLASSES},
                              "triggered": len(triggered),
                              "between": list(zip(between["source"], between["target"], strict=True))})


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


def next_steps(kommun: str, *, matrix: str = "weitz2018_sweden", own: bool = False, lang: str = "sv") -> dict:
    """"Så går ni vidare": how to get the kommun's own matrix (a workshop, or the Excel template) and how
    to re-run the report with it. Commands stand between backticks; the section is shown as a box
    (``"style": "box"``).

    Examples
    --------
    >>> steps = next_steps("Upplands Väsby", lang="en")
    >>> steps["style"], '--kommun "Upplands Väsby"' in " ".join(steps["paragraphs"])
    ('box', True)
    """
    check_lang(lang)
    quoted = f'"{kommun}"' if any(c.isspace() for c in kommun) else kommun
    nodes = matrix if "/" not in matrix and "\\" not in matrix else "weitz2018_sweden"
    paragraphs = [] if own else [text("report.next.workshop", lang, kommun=quoted, nodes=nodes),
                                 text("report.next.template", lang, nodes=nodes)]
    paragraphs.append(text("report.next.rerun", lang, kommun=quoted))
    section = make_section("next", lang, paragraphs)
    section["style"] = "box"
    return section
