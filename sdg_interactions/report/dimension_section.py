"""The report's words on the four dimensions (biosfär, samhälle, ekonomi, partnerskap): the sentence a politician
reads (:func:`dimension_sentence`) and the section around it (:func:`dimensions`).

Numbers come from :func:`~sdg_interactions.analysis.dimensions.dimension_rollup` and
:func:`~sdg_interactions.analysis.dimensions.strongest_flows`; words from the catalogue (``dimensions.*``),
numbers from :mod:`sdg_interactions.formats`, in Swedish or English.
"""

from __future__ import annotations

import xarray as xr

from sdg_interactions.analysis.dimensions import (
    DIMENSION_SOURCE,
    DIMENSIONS,
    check_rollup,
    dimension_of,
    dimension_rollup,
    strongest_flows,
)
from sdg_interactions.formats import number, word_list
from sdg_interactions.report.honesty import is_synthetic
from sdg_interactions.report.wording import lead_count, one_matrix
from sdg_interactions.texts import check_lang, text

__all__ = ["LISTED", "cell_text", "dimension_sentence", "dimensions", "members", "one_per_dimension", "points"]

#: How many ids without a dimension a sentence names; the rest are counted ("… och 3 till").
LISTED = 8


def _count(key: str, n: int, lang: str) -> str:
    """"63 främjande samband", "en målkonflikt": the count with its noun, the singular spelled out."""
    if n == 1:
        return text(f"dimensions.sentence.{key}_one", lang)
    return text(f"dimensions.sentence.{key}", lang, n=number(n, lang, decimals=0))


def _hindering(n: int, lang: str) -> str:
    """"inga hämmande", "ett hämmande", "4 hämmande": the hindering links of the flow a sentence names."""
    key = "hindering_none" if n == 0 else "hindering_one" if n == 1 else "hindering"
    return text(f"dimensions.sentence.{key}", lang, n=number(n, lang, decimals=0))


def _pairs(n: int, lang: str) -> str:
    """"48 par", "ett par", "inget par": pairs counted in a sentence on means."""
    key = "pairs_none" if n == 0 else "pairs_one" if n == 1 else "pairs"
    return text(f"dimensions.sentence.{key}", lang, n=number(n, lang, decimals=0))


def members(lang: str = "sv") -> str:
    """Which SDG goals make up each dimension, in one short line for the briefing ("biosfär: mål 6, 13, 14 och
    15; …"), read from the goals' table like the managers' basis.

    Examples
    --------
    >>> members("en")
    'The dimensions: biosphere (goals 6, 13, 14 and 15); society (goals 1, 2, 3, 4, 5, 7, 11 and 16); economy (goals 8, 9, 10 and 12); partnership (goal 17).'
    """  # noqa: E501
    goal_ids = [f"SDG-{g}" for g in range(1, 18)]
    kinds = dimension_of(goal_ids)
    said = []
    for d in DIMENSIONS:
        goals = [g.removeprefix("SDG-") for g, of in zip(goal_ids, kinds, strict=True) if of == d]
        said.append(text("dimensions.section.dimension_one" if len(goals) == 1 else "dimensions.section.dimension",
                         lang, name=text(f"dimensions.name.{d}", lang), goals=word_list(goals, lang)))
    return text("dimensions.section.members", lang, dimensions="; ".join(said))


def points(value: float, lang: str = "sv") -> str:
    """"107 poäng", "1 point": a sum of scores with its unit."""
    shown = number(value, lang)
    return text("dimensions.chart.points_one" if shown == "1" else "dimensions.chart.points", lang, n=shown)


def cell_text(pos: float, neg: float, n_pos: int, n_neg: int, pairs: int, lang: str = "sv") -> str:
    """A cell of the table: "107 poäng (63 främjande, 0 hämmande)" — the sum of its scores (``pos + neg``, the
    measure the chart colours and the sentence names) and how many of its links promote and hinder.

    Examples
    --------
    >>> cell_text(43.0, -12.0, 26, 10, 128), cell_text(0.0, 0.0, 0, 0, 0, "en")
    ('31 poäng (26 främjande, 10 hämmande)', 'no scored pairs')
    """
    if not pairs:
        return text("dimensions.section.no_pairs", lang)
    return text("dimensions.section.cell", lang, points=points(pos + neg, lang),
                n_pos=number(n_pos, lang, decimals=0), n_neg=number(n_neg, lang, decimals=0))


def _goals(dimension: str, lang: str) -> str:
    return text(f"dimensions.goals.{dimension}", lang)


def _left_out(ids: list[str], lang: str) -> str:
    shown = ids[:LISTED]
    if len(ids) > LISTED:
        shown.append(text("dimensions.sentence.more", lang, n=number(len(ids) - LISTED, lang, decimals=0)))
    listed = word_list(shown, lang)
    if len(ids) == 1:
        return text("dimensions.sentence.left_out_one", lang, ids=listed)
    count = text("dimensions.sentence.left_out_count", lang, n=lead_count(len(ids), lang))
    return text("dimensions.sentence.left_out", lang, count=count, ids=listed)


def dimension_sentence(rollup: xr.Dataset, lang: str = "sv") -> str:
    """The sentences a politician reads: the strongest promoting flow between two dimensions, where most goal
    conflicts lie, and which targets have no dimension.

    The flow and the cell of conflicts are :func:`~sdg_interactions.analysis.dimensions.strongest_flows`'s;
    the flow is said with the sum of its scores (``pos + neg`` points, the measure of the table and the
    chart: the flow is the largest sum, which a reverse flow with more but weaker links may not be) and
    its counts (``n_pos`` promoting, ``n_neg`` hindering), the conflicts with their count (``n_neg``): each
    number stands in the section's table. Without a flow between dimensions that sums to more than 0, or
    without any goal conflict, the sentence says so.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, 2, 1, np.nan], [-1, np.nan, 0, 3], [-2, -1, np.nan, -3], [1, 2, np.nan, np.nan]])
    >>> r = dimension_rollup(from_array(v, ["1.1", "6.1", "8.1", "MKM-1"]))
    >>> dimension_sentence(r)
    'Mellan två olika dimensioner drar samhällsmålen starkast med sig biosfärmålen: sammanlagt 2 poäng (ett främjande samband, inga hämmande). Flest målkonflikter finns där framsteg för ekonomimålen hämmar biosfärmålen (2 målkonflikter).'
    >>> dimension_sentence(dimension_rollup(from_array(np.array([[np.nan, 0], [2, np.nan]]), ["6.1", "6.2"])), "en")
    'Between different dimensions, no interactions have scores that sum to more than 0. There are no goal conflicts, neither within the dimensions nor between them.'
    """  # noqa: E501
    check_lang(lang)
    r = check_rollup(rollup)
    flows = strongest_flows(r)
    parts = []
    if flows.synergy is None:
        parts.append(text("dimensions.sentence.no_synergy", lang))
    elif r.attrs.get("aggregation"):  # means of several answers: a sum of means, pairs counted at ±1
        s = flows.synergy
        parts.append(text("dimensions.sentence.synergy_mean", lang, source=_goals(s.source, lang),
                          target=_goals(s.target, lang), total=number(s.total, lang),
                          pos=_pairs(s.n_pos, lang), neg=_pairs(s.n_neg, lang)))
    else:
        s = flows.synergy
        parts.append(text("dimensions.sentence.synergy", lang, source=_goals(s.source, lang),
                          target=_goals(s.target, lang), links=_count("links", s.n_pos, lang),
                          hindering=_hindering(s.n_neg, lang), points=points(s.total, lang)))
    if flows.conflict is None:
        parts.append(text("dimensions.sentence.no_conflict", lang))
    else:
        c = flows.conflict
        key = "conflict_within" if c.source == c.target else "conflict"
        parts.append(text(f"dimensions.sentence.{key}", lang, source=_goals(c.source, lang),
                          target=_goals(c.target, lang), conflicts=_count("conflicts", c.n_neg, lang)))
    ids = [i for i in str(r.attrs.get("left_out", "")).split(", ") if i]
    if ids:
        parts.append(_left_out(ids, lang))
    return " ".join(parts)


def _basis(lang: str, source: str) -> str:
    """Which SDG goals make up each dimension, read from the goals' table (``datasets/sdg_goals.csv``)."""
    goal_ids = [f"SDG-{g}" for g in range(1, 18)]
    members = {d: [g.removeprefix("SDG-") for g, of in zip(goal_ids, dimension_of(goal_ids), strict=True) if of == d]
               for d in DIMENSIONS}
    said = [text("dimensions.section.dimension_one" if len(members[d]) == 1 else "dimensions.section.dimension",
                 lang, name=text(f"dimensions.name.{d}", lang), goals=word_list(members[d], lang))
            for d in DIMENSIONS]
    return text("dimensions.section.basis", lang, source=source, dimensions=word_list(said, lang))


def one_per_dimension(obj: xr.Dataset | xr.DataArray, *, aggregate: str = "mean", lang: str = "sv") -> str:
    """The portfolio with at most one target per dimension, in the section's words: which targets, from which
    dimension, and their coverage (:func:`~sdg_interactions.analysis.portfolio` with ``one_per="layer"``, k = 4:
    one per layer of the wedding cake, goal 17 the partnership; fewer when another does not raise the coverage,
    and then the dimensions left out are named). On invented data it says that it only shows how the tool works.

    Examples
    --------
    >>> from sdg_interactions.io import load_matrix
    >>> one_per_dimension(load_matrix("weitz2018_sweden"))  # doctest: +NORMALIZE_WHITESPACE
    'Med högst ett delmål per dimension blir verktygets förslag 8.4 (ekonomi), 16.6 (samhälle) och 17.13
    (partnerskap), med täckning 81 (se avsnittet om förslaget). Inget delmål från biosfären höjer täckningen
    ytterligare.'
    """
    from sdg_interactions.analysis import portfolio

    check_lang(lang)
    m = one_matrix(obj, aggregate)
    result = portfolio(m, len(DIMENSIONS), one_per="layer")
    chosen = list(result.chosen)
    if not chosen:
        return text("dimensions.portfolio.none", lang)
    kinds = dimension_of(chosen)
    named = [text("dimensions.portfolio.member", lang, node=node,
                  dimension=text(f"dimensions.name.{kind}" if kind else "dimensions.portfolio.no_dimension", lang))
             for node, kind in zip(chosen, kinds, strict=True)]
    words = [text("dimensions.portfolio.demo" if is_synthetic(obj) else "dimensions.portfolio.proposal", lang,
                  members=word_list(named, lang), gain=number(result.gain, lang))]
    missing = [d for d in DIMENSIONS if d not in kinds]
    if missing:
        words.append(text("dimensions.portfolio.missing", lang,
                          dimensions=word_list([text(f"dimensions.portfolio.from.{d}", lang) for d in missing],
                                               lang)))
    return " ".join(words)


def dimensions(obj: xr.Dataset | xr.DataArray, *, aggregate: str = "mean", lang: str = "sv",
               short: bool = False) -> dict:
    """The section "Biosfär, samhälle, ekonomi och partnerskap": the sentence, what the dimensions are, a table.

    Returns a section dict as :mod:`sdg_interactions.report.sections` describes it: ``paragraphs`` holds
    :func:`dimension_sentence`, what the table shows and the basis (which goals make up each dimension, and
    its source); ``table`` one row per influencing dimension with :func:`cell_text` per influenced dimension
    (the sum of the scores in points, and how many links promote and hinder: with several respondents only
    means at ±1 or beyond, a paragraph says so); ``data`` the numbers
    (``total``, ``n_pos``, ``n_neg``, ``pairs`` as nested lists in :data:`DIMENSIONS` order, ``synergy`` and
    ``conflict`` as ``(source, target)`` or None, ``left_out`` ids). The managers' version also names the portfolio
    with one target per dimension (:func:`one_per_dimension`). With ``short`` (the politician briefing) only
    :func:`dimension_sentence`, no table.

    Examples
    --------
    >>> from sdg_interactions.io import load_matrix
    >>> section = dimensions(load_matrix("weitz2018_sweden"))
    >>> section["data"]["synergy"], section["data"]["conflict"]
    (('society', 'economy'), ('biosphere', 'society'))
    >>> section["table"]["rows"][0][:3]
    ['biosfär', '68 poäng (37 främjande, 2 hämmande)', '31 poäng (26 främjande, 10 hämmande)']
"""
    check_lang(lang)
    r = dimension_rollup(obj, aggregate=aggregate)
    flows = strongest_flows(r)
    names = [text(f"dimensions.name.{d}", lang) for d in DIMENSIONS]
    pos, neg, pairs = r["pos"].to_numpy(), r["neg"].to_numpy(), r["pairs"].to_numpy()
    n_pos, n_neg = r["n_pos"].to_numpy(), r["n_neg"].to_numpy()
    rows = [[names[k], *(cell_text(pos[k, m], neg[k, m], n_pos[k, m], n_neg[k, m], pairs[k, m], lang)
                         for m in range(len(DIMENSIONS)))] for k in range(len(DIMENSIONS))]
    data = {"total": (pos + neg + 0.0).tolist(), "n_pos": n_pos.tolist(), "n_neg": n_neg.tolist(),
            "pairs": pairs.tolist(),
            "synergy": None if flows.synergy is None else (flows.synergy.source, flows.synergy.target),
            "conflict": None if flows.conflict is None else (flows.conflict.source, flows.conflict.target),
            "left_out": [i for i in str(r.attrs.get("left_out", "")).split(", ") if i]}
    if short:
        return {"id": "dimensions", "title": text("dimensions.section.title", lang),
                "paragraphs": [dimension_sentence(r, lang) + " " + members(lang)], "data": data}
    means = [text("dimensions.section.means", lang)] if r.attrs.get("aggregation") else []
    return {"id": "dimensions", "title": text("dimensions.section.title", lang),
            "paragraphs": [dimension_sentence(r, lang), one_per_dimension(obj, aggregate=aggregate, lang=lang),
                           text("dimensions.section.table", lang), *means,
                           _basis(lang, str(r.attrs.get("dimension_source", DIMENSION_SOURCE)))],
            "table": {"columns": [text("dimensions.chart.y", lang), *names], "rows": rows}, "data": data}
