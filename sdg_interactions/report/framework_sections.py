"""The report's sections beyond the SDGs: the effect on miljömål and folkhälsomål, and the Kolada follow-up.

Like :mod:`sdg_interactions.report.sections`, each function returns a section dict (``id``, ``title``,
``paragraphs``, ``table``, ``data``) written from the numbers. The linkage of SDG targets to the national
objectives is the project's **proposal** unless the user gives their own (every text says which); the
Kolada section reads the on-disk cache only unless ``online=True``. Words: ``report_frameworks.*``.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Sequence

import numpy as np
import xarray as xr

from sdg_interactions.analysis import at_least, project_onto, propagate, sdg_synergies
from sdg_interactions.formats import number
from sdg_interactions.frameworks import linkage as load_linkage
from sdg_interactions.matrix import node_ids, single_matrix
from sdg_interactions.report.honesty import is_synthetic
from sdg_interactions.report.scope import outside_note, split_priorities
from sdg_interactions.report.sections import format_number, join_words
from sdg_interactions.report.wording import count_word, labels_of, lead_count, named
from sdg_interactions.texts import catalogue, check_lang, objective_code, text

__all__ = ["default_priorities", "follow_up", "objectives", "objectives_projection", "per_linked_target"]

KEY = "report_frameworks"


def _section(key: str, lang: str, paragraphs: list[str], *, table: dict | None = None,
             data: dict | None = None, **values: object) -> dict:
    return {"id": key, "title": text(f"{KEY}.{key}.title", lang, **values), "paragraphs": paragraphs,
            "table": table, "data": data or {}}


def _kommun_name(kommun: str) -> str:
    """The kommun's name for a sentence ("Falköping" for "1499"); what was given when it is no kommun."""
    from sdg_interactions.frameworks import find_kommun

    try:
        return str(find_kommun(str(kommun))["kommun"])
    except Exception:  # a code or name the register does not know: said as given
        return str(kommun)


def default_priorities(m: xr.DataArray, priorities: Sequence[str], top_k: int) -> list[str]:
    """The report's priorities among the matrix's nodes: the given ones the matrix holds
    (:func:`~sdg_interactions.report.scope.split_priorities`), else (none given, or none of them in the matrix)
    the ``top_k`` strongest levers by systemic rank (ties at the edge by matrix order, as in the levers
    section)."""
    ids = node_ids(m)
    inside, _ = split_priorities(priorities, ids)
    if inside:
        return inside
    rank = sdg_synergies(m)["rank"].values
    return [ids[k] for k in sorted(range(len(ids)), key=lambda k: (rank[k], k))[:max(1, int(top_k))]]


def objectives_projection(obj: xr.Dataset | xr.DataArray, *, priorities: Sequence[str] = (), top_k: int = 5,
                          aggregate: str = "mean", linkages: Sequence[str] = ("miljomal", "folkhalsomal")
                          ) -> list[xr.Dataset]:
    """The scenario of the report's priorities (:func:`default_priorities`) projected onto each linkage
    (:func:`~sdg_interactions.analysis.project_onto`), one Dataset per linkage, in order."""
    m = single_matrix(obj, aggregate, what="a report")
    effects = propagate(m, default_priorities(m, priorities, top_k))
    return [project_onto(effects, load_linkage(name)) for name in linkages]


def _objective(p: xr.Dataset, k: int, lang: str) -> str:
    """The objective as the table writes it: its code (:func:`~sdg_interactions.texts.objective_code`) and
    name, "MKM-13 Ett rikt odlingslandskap"."""
    label = str(p[f"label_{lang}"].values[k])
    return f"{objective_code(str(p['objective'].values[k]), lang)} {label}"


def _kind(p: xr.Dataset, k: int, lang: str) -> str:
    """What a national objective is, in words ("miljökvalitetsmål 13", "environmental quality objective 13");
    "" for any other id (a kommun's own objectives keep their code)."""
    found = re.fullmatch(r"([A-Za-z]+)-(\d+)", str(p["objective"].values[k]))
    key = f"{KEY}.objectives.kind.{found.group(1)}" if found else ""
    return text(key, lang, n=found.group(2)) if key in catalogue() else ""


def _said(p: xr.Dataset, k: int, lang: str) -> str:
    """The objective in running text: "Ett rikt odlingslandskap (miljökvalitetsmål 13)", no code a nämnd
    does not use; an objective of the user's own table as the table writes it."""
    kind = _kind(p, k, lang)
    return (text(f"{KEY}.objectives.named", lang, objective=str(p[f"label_{lang}"].values[k]), kind=kind) if kind
            else _objective(p, k, lang))


def _reached(p: xr.Dataset, k: int, lang: str) -> str:
    """"Begränsad klimatpåverkan (miljökvalitetsmål 1, via 8 kopplade delmål)", "Reduced Climate Impact
    (environmental quality objective 1, through 8 linked targets)": an objective in words (:func:`_said`)
    with the number of the matrix's targets linked to it, which the mean per linked target rests on."""
    n = number(int(p["n_linked"].values[k]), lang, decimals=0)
    kind = _kind(p, k, lang)
    one = "_one" if int(p["n_linked"].values[k]) == 1 else ""
    if kind:
        return text(f"{KEY}.objectives.via_kind{one}", lang, objective=str(p[f"label_{lang}"].values[k]),
                    kind=kind, n=n)
    return text(f"{KEY}.objectives.via{one}", lang, objective=_objective(p, k, lang), n=n)


def per_linked_target(values: np.ndarray, linked: np.ndarray) -> np.ndarray:
    """The mean per linked target: a projected part divided by the number of the matrix's targets linked to
    the objective (0 where none is). A sum grows with the number of links, so an objective with many linked
    targets would come first by its links alone; the mean compares the objectives fairly.

    Examples
    --------
    >>> per_linked_target(np.array([8.0, 3.0, 0.0]), np.array([4, 1, 0])).tolist()
    [2.0, 3.0, 0.0]
    """
    values, linked = np.asarray(values, dtype=float), np.asarray(linked, dtype=float)
    return np.divide(values, linked, out=np.zeros_like(values), where=linked > 0)


def objectives(obj: xr.Dataset | xr.DataArray, *, priorities: Sequence[str] = (), top_k: int = 5,
               aggregate: str = "mean", lang: str = "sv", strongest: int = 3) -> dict:
    """"Påverkan på miljömålen och folkhälsomålen": what the priorities' scenario (its direct and indirect
    effects, :func:`~sdg_interactions.analysis.propagate`) means for each objective through the linkage
    tables, ``objective_effect_o = Σ_j effect_j · link_jo / 3`` (positive and negative parts apart).

    The objectives are compared by the mean per linked target (:func:`per_linked_target`: the part divided
    by ``n_linked``, the matrix's targets linked to the objective), never by the sum, which grows with the
    number of links. In words, without numbers a reader must decode: the ``strongest`` objectives with the
    most support per linked target (ties named together), every objective that also gets a negative part
    (worst per linked target first), each with how many linked targets it rests on, and the objectives no
    target of the matrix is linked to. The table holds every objective with its means and sums rounded."""
    check_lang(lang)
    m = single_matrix(obj, aggregate, what="a report")
    chosen = default_priorities(m, priorities, top_k)
    outside = split_priorities(priorities, node_ids(m))[1]
    projections = objectives_projection(obj, priorities=chosen, aggregate=aggregate)
    labels = labels_of(m, lang)
    given = bool(split_priorities(priorities, node_ids(m))[0])  # else the strongest levers stand in
    paragraphs = [text(f"{KEY}.objectives.intro" + ("" if given else "_levers"), lang,
                       k=count_word(len(chosen), lang, neuter=False),
                       priorities=join_words([named(i, labels) for i in chosen], lang))]
    if outside:
        paragraphs.insert(0, outside_note(outside, len(node_ids(m)), lang))
    rows, data = [], {}
    for p in projections:
        pos, neg, linked = p["effect_pos"].values, p["effect_neg"].values, p["n_linked"].values
        pos_mean, neg_mean = per_linked_target(pos, linked), per_linked_target(neg, linked)
        reached = np.flatnonzero(linked > 0)
        name = text(f"{KEY}.objectives.framework.{p.attrs['linkage']}", lang)
        if reached.size:
            best = sorted(reached, key=lambda k: (-pos_mean[k], k))
            cut = pos_mean[best[min(strongest, len(best)) - 1]]
            top = [k for k in best if at_least(pos_mean[k], cut) and pos_mean[k] > 0]  # ties with the last one too
            if top:
                paragraphs.append(text(f"{KEY}.objectives.strongest", lang, framework=name,
                                       objectives=join_words([_reached(p, k, lang) for k in top], lang)))
        harmed = sorted(np.flatnonzero(neg_mean < 0), key=lambda k: (neg_mean[k], k))
        if harmed:
            cut = neg_mean[harmed[min(strongest, len(harmed)) - 1]]
            worst = [k for k in harmed if at_least(cut, neg_mean[k])]
            rest = len(harmed) - len(worst)
            paragraphs.append(text(f"{KEY}.objectives.harmed", lang, framework=name,
                                   objectives=join_words([_reached(p, k, lang) for k in worst], lang)) +
                              (" " + text(f"{KEY}.objectives.harmed_rest" + ("_one" if rest == 1 else ""), lang,
                                           n=count_word(rest, lang)) if rest else ""))
        unreached = np.flatnonzero(linked == 0)
        if unreached.size:
            paragraphs.append(text(f"{KEY}.objectives.unreached", lang, framework=name, objectives=join_words(
                [_said(p, k, lang) for k in unreached], lang)))
        rows += [[_objective(p, k, lang), str(int(linked[k])), format_number(pos_mean[k], lang),
                  format_number(neg_mean[k], lang), format_number(pos[k], lang), format_number(neg[k], lang)]
                 for k in range(p.sizes["objective"])]
        data[p.attrs["linkage"]] = {"pos": pos.tolist(), "neg": neg.tolist(), "linked": linked.tolist(),
                                    "pos_per_target": pos_mean.tolist(), "neg_per_target": neg_mean.tolist(),
                                    "objectives": [str(v) for v in p["objective"].values]}
    paragraphs.append(text(f"{KEY}.objectives.numbers", lang))
    status = {p.attrs.get("linkage_status") for p in projections}
    paragraphs.append(text(f"{KEY}.objectives.proposal" if status == {"proposal"} else
                           f"{KEY}.objectives.user", lang))
    columns = [text(f"{KEY}.objectives.{c}", lang) for c in ("objective", "linked", "pos", "neg", "pos_sum", "neg_sum")]
    return _section("objectives", lang, paragraphs, table={"columns": columns, "rows": rows},
                    data={"priorities": chosen, "outside": outside, **data})


def _kpis_named(table, lang: str, order: Sequence[str]) -> str:
    """The key figures of a follow-up table in one list, each by its Kolada id and Swedish title (Kolada has no
    other) and the targets it follows: "N00401 ”Växthusgasutsläpp …” (7.2)", in the order of the targets
    (``order``, as the sentence names them)."""
    said, place = {}, {t: k for k, t in enumerate(order)}
    for r in sorted(table.itertuples(index=False), key=lambda r: place.get(str(r.sdg_target), len(place))):
        said.setdefault(str(r.kpi), (str(r.kpi_title), []))[1].append(str(r.sdg_target))
    return join_words([text(f"{KEY}.follow_up.kpi_named", lang, kpi=kpi, title=title,
                            targets=join_words(list(dict.fromkeys(targets)), lang))
                       for kpi, (title, targets) in said.items()], lang)


def follow_up(obj: xr.Dataset | xr.DataArray, kommun: str, *, priorities: Sequence[str] = (), top_k: int = 5,
              aggregate: str = "mean", lang: str = "sv", cache: str | os.PathLike | None = None,
              online: bool = False) -> dict:
    """Kolada key figures to follow the priorities up: for each priority's KPIs (the project's proposed
    target → KPI table) the latest value, the trend and whether it goes the desired way, beside the län
    and the country (:func:`~sdg_interactions.analysis.follow_up`; in English "county", and Kolada's
    KPI titles, which exist in Swedish only, are said to be Kolada's, in Swedish). Reads the cache only unless
    ``online``; what the cache lacks is said in plain words (who can fetch it, and that it needs an internet
    connection: no command, the section is read by managers), and so are cached values that could not be used
    (damaged, ``NaN``, ``Infinity``, implausibly large: shown as missing). The kommun is named by its name."""
    import pandas as pd

    from sdg_interactions.analysis.kpi_trends import FOLLOW_UP_COLUMNS
    from sdg_interactions.analysis.kpi_trends import follow_up as kolada_follow_up
    from sdg_interactions.frameworks.kolada import target_kpis
    from sdg_interactions.frameworks.kolada_cache import KoladaCache

    check_lang(lang)
    m = single_matrix(obj, aggregate, what="a report")
    # key figures need no matrix: priorities outside it are followed up too
    inside, outside = split_priorities(priorities, node_ids(m))
    chosen = list(dict.fromkeys(map(str, priorities))) if inside else default_priorities(m, priorities, top_k) + outside
    listed = set(target_kpis()["sdg_target"])  # miljömål, folkhälsomål, a kommun's own goals: no KPIs
    with_kpis = [t for t in chosen if t in listed]
    table = (kolada_follow_up(kommun, with_kpis, cache=KoladaCache(cache), online=online, lang=lang) if with_kpis
             else pd.DataFrame(columns=FOLLOW_UP_COLUMNS))
    # the levers of invented answers stand in for priorities: a demonstration of the section, no advice
    intro = "" if inside else "_synthetic" if is_synthetic(obj) else "_levers"
    has_value = table["value"].notna() if len(table) else table["value"]
    kpis = list(dict.fromkeys(table["kpi"]))  # a key figure that follows two targets is one key figure
    # no values at all: the intro names the key figures instead of promising values the report does not hold
    unfetched = bool(len(table)) and not has_value.any()
    paragraphs = [text(f"{KEY}.follow_up.intro{intro}" + ("_named" if unfetched else ""), lang,
                       n=lead_count(len(kpis), lang), targets=join_words(chosen, lang),
                       kpis=_kpis_named(table, lang, chosen) if unfetched else "")]
    name = _kommun_name(kommun)
    if unfetched:
        paragraphs.append(text(f"{KEY}.follow_up.empty", lang, kommun=name))
    else:
        for verdict in ("better", "worse"):
            kpis = table.loc[table["trend"] == verdict, "kpi_title"].tolist()
            if kpis:
                paragraphs.append(text(f"{KEY}.follow_up.trend_{verdict}", lang, n=len(kpis),
                                       kpis=join_words([text(f"{KEY}.follow_up.quoted", lang, title=k)
                                                       for k in kpis], lang)))
        missing = int((~has_value).sum())
        if missing:
            paragraphs.append(text(f"{KEY}.follow_up.some_missing", lang, n=lead_count(missing, lang), kommun=name))
    if table.attrs.get("damaged"):  # unusable cached values count as missing; say so, and how to mend it
        paragraphs.append(text(f"{KEY}.follow_up.damaged", lang, n=lead_count(len(table.attrs["damaged"]), lang),
                               kommun=name))
    not_covered = [t for t in chosen if t not in set(table["sdg_target"])]
    if not_covered:
        paragraphs.append(text(f"{KEY}.follow_up.no_kpi", lang, targets=join_words(not_covered, lang)))
    paragraphs.append(text(f"{KEY}.follow_up.basis", lang))

    def shown(value: object) -> str:
        return "–" if value is None or (isinstance(value, float) and math.isnan(value)) else \
            format_number(float(value), lang)

    def word(value: object) -> str:
        return text(f"kolada.judgement.{value}", lang) if value in ("better", "worse", "same") else "–"

    rows = [[r.sdg_target, r.kpi_title, text(f"kolada.direction.{r.direction}", lang),
             "–" if r.period is None or str(r.period) == "<NA>" else str(r.period), shown(r.value), word(r.trend),
             shown(r.lan_value), shown(r.riket_value)] for r in table.itertuples(index=False)]
    columns = [text("kolada.column.sdg_target", lang), text("kolada.column.kpi_title", lang),
               text("kolada.column.direction", lang), text("kolada.column.period", lang),
               text("kolada.column.value", lang), text("kolada.column.trend", lang),
               text("kolada.column.lan_value", lang), text("kolada.column.riket_value", lang)]
    if not has_value.any():  # a table of dashes only: the paragraphs already say what is missing
        rows = []
    return _section("follow_up", lang, paragraphs, table={"columns": columns, "rows": rows} if rows else None,
                    data={"priorities": chosen, "kpis": table["kpi"].tolist(),
                          "values": [None if v != v else float(v) for v in table["value"]],
                          "trend": table["trend"].tolist()})
