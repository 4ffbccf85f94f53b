"""The report's sentences, built from the numbers: one pure function per report section.

Every function takes the matrix Dataset (one matrix, or several respondents' answers on a
``respondent`` dim, aggregated here with ``aggregate``) and returns a *section*: a plain ``dict`` with

* ``"id"``: the section's name (``"levers"``, ``"conflicts"``, …);
* ``"title"``: its heading;
* ``"paragraphs"``: a list of sentences-as-paragraphs, written from the numbers, so two matrices
  give two different texts;
* ``"table"``: ``None`` or ``{"columns": [...], "rows": [[...], ...]}`` of display strings;
* ``"data"``: the numbers behind the text (ids in order, counts), for tests and scripts.

Nothing here draws, prints or writes files; :func:`sdg_interactions.report.show` renders a section as
HTML. All words come from the catalogue (``report.*`` keys, :func:`~sdg_interactions.texts.text`), in
Swedish or English. :func:`summary` gathers the three summary sections (levers, conflicts, scenario)
in one dict.

Examples
--------
>>> from sdg_interactions.matrix import toy_matrix
>>> levers(toy_matrix(), top_k=2, lang="en")["data"]["ids"]
['1.2', '1.1']
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from sdg_interactions import analysis
from sdg_interactions.analysis import adjacency, rank_descending, sdg_synergies
from sdg_interactions.matrix import DIMS, RESPONDENT, as_matrix, node_ids, single_matrix, to_long
from sdg_interactions.texts import check_lang, scale_label, text

__all__ = [
    "clusters",
    "conflicts",
    "cover",
    "data_hash",
    "format_number",
    "heatmap",
    "join_words",
    "levers",
    "method",
    "network",
    "pseudonymise",
    "quadrants",
    "ranking",
    "respondents",
    "scenario_summary",
    "stamp",
    "summary",
]


# --- helpers ------------------------------------------------------------------------------------


def format_number(value: float, lang: str = "sv", *, decimals: int = 1) -> str:
    """A number for a sentence: whole numbers without decimals, a decimal comma in Swedish, "−" for minus.

    Examples
    --------
    >>> format_number(61.5), format_number(-2.0, "en"), format_number(0.333, "en", decimals=2)
    ('61,5', '−2', '0.33')
    """
    value = float(value)
    shown = f"{value:.{decimals}f}"
    if float(shown) == round(value) and abs(value - round(value)) < 10 ** -decimals / 2:
        shown = str(round(value))
    shown = shown.replace("-", "−")
    return shown.replace(".", ",") if lang == "sv" else shown


def join_words(words: Sequence[str], lang: str = "sv") -> str:
    """Join words as a sentence does: ``"a, b och c"`` / ``"a, b and c"``.

    Examples
    --------
    >>> join_words(["1.1", "2.2", "3.3"]), join_words(["x", "y"], "en"), join_words(["z"])
    ('1.1, 2.2 och 3.3', 'x and y', 'z')
    """
    words = [str(w) for w in words]
    if len(words) <= 1:
        return "".join(words)
    return f"{', '.join(words[:-1])} {text('report.and', lang)} {words[-1]}"


def _matrix(obj: xr.Dataset | xr.DataArray, how: str) -> xr.DataArray:
    """The one matrix the metrics read: several respondents aggregated with ``how``."""
    return single_matrix(obj, how, what="a report")


def _labels(obj: xr.Dataset | xr.DataArray, lang: str) -> dict[str, str]:
    da = as_matrix(obj)
    ids = node_ids(da)
    name = f"source_label_{lang}"
    values = da[name].values if name in da.coords else ids
    return {i: (str(v) if str(v) not in ("", "nan") else i) for i, v in zip(ids, values, strict=True)}


def _named(node: str, labels: Mapping[str, str]) -> str:
    label = labels.get(node, node)
    return node if label == node else f"{node} ({label})"


def _section(key: str, lang: str, paragraphs: list[str], *, table: dict | None = None,
             data: dict | None = None, **values: object) -> dict:
    return {"id": key, "title": text(f"report.{key}.title", lang, **values), "paragraphs": paragraphs,
            "table": table, "data": data or {}}


# --- data housekeeping --------------------------------------------------------------------------


def pseudonymise(obj: xr.Dataset | xr.DataArray, lang: str = "sv") -> xr.Dataset | xr.DataArray:
    """Replace respondent names by "Respondent 1", "Respondent 2", … in their order in the obj.

    Data without a ``respondent`` dim is returned unchanged.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.full((2, 2, 2), np.nan), ["1.1", "1.2"], respondents=["Anna", "Bo"])
    >>> pseudonymise(m)["respondent"].values.tolist()
    ['Respondent 1', 'Respondent 2']
    """
    if RESPONDENT not in obj.dims:
        return obj
    names = [text("report.respondent", lang, n=k) for k in range(1, obj.sizes[RESPONDENT] + 1)]
    return obj.assign_coords({RESPONDENT: names})


def data_hash(obj: xr.Dataset | xr.DataArray) -> str:
    """The sha256 (hex) of the matrix obj: its long table (``[respondent,]source,target,score[,comment,
    uncertain]``, only scored or annotated cells) written as UTF-8 CSV with ``\\n`` line ends.

    The same answers give the same hash whichever file format they came from.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> len(data_hash(toy_matrix())), data_hash(toy_matrix()) == data_hash(toy_matrix().copy())
    (64, True)
    """
    table = to_long(obj)
    csv = table.to_csv(index=False, lineterminator="\n", float_format="%.12g")
    return hashlib.sha256(csv.encode("utf-8")).hexdigest()


# --- the cover and the stamp --------------------------------------------------------------------


def cover(obj: xr.Dataset | xr.DataArray, place: Mapping[str, str], *, national_example: bool,
          date: str, audience: str = "politiker", lang: str = "sv") -> dict:
    """The cover: kommun, län, date, the matrix and who scored it.

    ``place`` is a row of :func:`~sdg_interactions.frameworks.kommuner` (``kommun``, ``lan``, …). With
    ``national_example`` (the matrix is a bundled one, not the kommun's own) the text says plainly that
    the national example is shown.
    """
    check_lang(lang)
    attrs = dict(obj.attrs)
    kommun = str(place["kommun"])
    title = attrs.get(f"title_{lang}") or attrs.get("name") or Path(str(attrs.get("source_file", "?"))).name
    paragraphs = [text("report.cover.where", lang, kommun=place.get("kommun_fullname", kommun),
                       lan=place.get("lan", ""), date=date),
                  text(f"report.cover.audience.{audience}", lang),
                  text("report.cover.matrix", lang, title=title)]
    if attrs.get(f"scored_by_{lang}"):
        paragraphs.append(text("report.cover.scored_by", lang, who=attrs[f"scored_by_{lang}"]))
    if RESPONDENT in obj.dims:
        paragraphs.append(text("report.cover.respondents_synthetic" if attrs.get("synthetic") else
                               "report.cover.respondents", lang, n=obj.sizes[RESPONDENT]))
    if attrs.get("synthetic"):
        paragraphs.append(text("report.cover.synthetic", lang, kommun=kommun))
    elif national_example:
        paragraphs.append(text("report.cover.national", lang, kommun=kommun))
    else:
        paragraphs.append(text("report.cover.own", lang, kommun=kommun))
    return _section("cover", lang, paragraphs, kommun=kommun,
                    data={"kommun": kommun, "national_example": national_example})


def stamp(obj: xr.Dataset | xr.DataArray, parameters: Mapping[str, object], *, version: str,
          lang: str = "sv") -> dict:
    """The stamp: package version, data hash (:func:`data_hash`) and the report's parameters."""
    digest = data_hash(obj)
    shown = ", ".join(f"{key}={value!r}" for key, value in parameters.items())
    paragraphs = [text("report.stamp.version", lang, version=version),
                  text("report.stamp.hash", lang, digest=digest),
                  text("report.stamp.parameters", lang, parameters=shown)]
    return _section("stamp", lang, paragraphs, data={"hash": digest, "version": version})


# --- the summary --------------------------------------------------------------------------------


def levers(obj: xr.Dataset | xr.DataArray, *, top_k: int = 5, aggregate: str = "mean",
           lang: str = "sv") -> dict:
    """The strongest levers: the ``top_k`` nodes by systemic rank, in rank order, with what the first
    one does directly (SDG Synergies metrics, :func:`~sdg_interactions.analysis.sdg_synergies`).

    ``obj["ids"]`` holds the ids in rank order (ties by matrix order).
    """
    check_lang(lang)
    m = _matrix(obj, aggregate)
    ids, labels = node_ids(m), _labels(m, lang)
    result = sdg_synergies(m)
    rank = result["rank"].values
    order = sorted(range(len(ids)), key=lambda k: (rank[k], k))[:max(int(top_k), 0)]
    top = [ids[k] for k in order]
    a = adjacency(m)
    np.fill_diagonal(a, 0)
    paragraphs = [text("report.levers.intro", lang, k=len(top),
                       nodes=join_words([_named(i, labels) for i in top], lang))]
    if top:
        first = order[0]
        paragraphs.append(text("report.levers.first", lang, node=_named(ids[first], labels),
                               n_pos=int((a[first] > 0).sum()), n_neg=int((a[first] < 0).sum()),
                               n_other=len(ids) - 1,
                               systemic=format_number(result["systemic"].values[first], lang)))
        reach = set(np.flatnonzero((a[order] > 0).any(axis=0))) - set(order)
        paragraphs.append(text("report.levers.reach", lang, k=len(top), reach=len(reach),
                               n_other=len(ids) - len(top)))
    rows = [[str(rank[k]), ids[k], labels[ids[k]], format_number(result["systemic"].values[k], lang),
             str(int((a[k] > 0).sum())), str(int((a[k] < 0).sum()))] for k in order]
    columns = [text("column.rank", lang), text("column.node", lang), text("column.label", lang),
               text("column.systemic", lang), text("report.levers.n_pos", lang),
               text("report.levers.n_neg", lang)]
    return _section("levers", lang, paragraphs, table={"columns": columns, "rows": rows},
                    data={"ids": top, "systemic": [float(result["systemic"].values[k]) for k in order]})


def conflicts(obj: xr.Dataset | xr.DataArray, *, limit: int | None = 5, aggregate: str = "mean",
              lang: str = "sv", listed: bool = False) -> dict:
    """The goal conflicts (negative links), worst first, with their comments
    (:func:`~sdg_interactions.analysis.conflicts`).

    ``limit`` of them are spelled out as sentences (None: all); the table holds all of them. With
    ``listed`` the text points to that table for the rest, else to the in-depth version.
    """
    check_lang(lang)
    answers = obj if RESPONDENT in obj.dims else None
    if answers is not None:
        table = analysis.conflicts(_matrix(obj, aggregate), respondents=answers)
    else:  # one matrix: a Dataset's comments come along
        table = analysis.conflicts(obj)
    labels = _labels(obj, lang)
    n = len(table)
    if n == 0:
        return _section("conflicts", lang, [text("report.conflicts.none", lang)],
                        data={"pairs": [], "n": 0})
    shown = table if limit is None else table.head(int(limit))
    worst = table.iloc[0]
    paragraphs = [text("report.conflicts.count" if n > 1 else "report.conflicts.count_one", lang, n=n),
                  text("report.conflicts.worst", lang, source=_named(worst["source"], labels),
                       target=_named(worst["target"], labels), score=format_number(worst["score"], lang),
                       scale=scale_label(int(np.clip(np.round(worst["score"]), -3, 3)), lang))]
    for _, row in shown.iterrows():
        comment = str(row["comment"]).strip()
        item = text("report.conflicts.item", lang, source=_named(row["source"], labels),
                    target=_named(row["target"], labels), score=format_number(row["score"], lang))
        if comment:
            item += " " + text("report.conflicts.comment", lang, comment=comment)
        if answers is not None:
            item += " " + text("report.conflicts.share", lang,
                               negative=round(row["share_negative"] * row["n_respondents"]),
                               n=int(row["n_respondents"]))
        paragraphs.append(item)
    if len(shown) < n:
        paragraphs.append(text("report.conflicts.listed" if listed else "report.conflicts.more", lang,
                               n=n - len(shown), total=n))
    rows = [[_named(r.source, labels), _named(r.target, labels), format_number(r.score, lang),
             str(r.comment).strip()] for r in table.itertuples()]
    columns = [text("metrics.column.source", lang), text("metrics.column.target", lang),
               text("metrics.column.score", lang), text("metrics.column.comment", lang)]
    return _section("conflicts", lang, paragraphs, table={"columns": columns, "rows": rows},
                    data={"pairs": list(zip(table["source"], table["target"], strict=True)), "n": n})


def _listed(nodes: list[str], labels: Mapping[str, str], limit: int, lang: str, *, named: bool = True) -> str:
    shown = [_named(i, labels) if named else i for i in nodes[:limit]]
    if len(nodes) > limit:
        shown.append(text("report.scenario.others", lang, n=len(nodes) - limit))
    return join_words(shown, lang)


def scenario_summary(obj: xr.Dataset | xr.DataArray, *, priorities: Sequence[str] = (), top_k: int = 5,
                     aggregate: str = "mean", lang: str = "sv", limit: int = 12) -> dict:
    """What comes along and what is not free when ``priorities`` advance
    (:func:`~sdg_interactions.analysis.scenario`); with no priorities, the ``top_k`` levers by systemic
    rank stand in. At most ``limit`` nodes are named per class."""
    check_lang(lang)
    m = _matrix(obj, aggregate)
    labels = _labels(m, lang)
    chosen = list(priorities) or levers(m, top_k=top_k, lang=lang)["data"]["ids"]
    result = analysis.scenario(m, chosen)
    classes = dict(zip(node_ids(m), result["class"].values.tolist(), strict=True))
    groups = {c: [i for i, k in classes.items() if k == c] for c in analysis.CLASSES}
    named = join_words([_named(i, labels) for i in chosen], lang)
    paragraphs = [text("report.scenario.given" if priorities else "report.scenario.default", lang,
                       k=len(chosen), priorities=named)]
    for key in ("comes_along", "partly_supported", "not_free", "at_risk"):
        nodes = groups[key]
        suffix = {0: "_none", 1: "_one"}.get(len(nodes), "")
        paragraphs.append(text(f"report.scenario.{key}{suffix}", lang, n=len(nodes),
                               nodes=_listed(nodes, labels, limit, lang, named=key != "comes_along")))
    triggered = analysis.triggered_conflicts(m, chosen)
    if len(triggered):
        worst = triggered.iloc[0]
        key = "report.scenario.triggered" if len(triggered) > 1 else "report.scenario.triggered_one"
        paragraphs.append(text(key, lang, n=len(triggered),
                               source=_named(worst["source"], labels), target=_named(worst["target"], labels),
                               score=format_number(worst["score"], lang)))
    return _section("scenario", lang, paragraphs,
                    data={"priorities": chosen, **{c: groups[c] for c in analysis.CLASSES},
                          "triggered": len(triggered)})


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


# --- for managers -------------------------------------------------------------------------------


def heatmap(obj: xr.Dataset | xr.DataArray, *, aggregate: str = "mean", lang: str = "sv") -> dict:
    """The text beside the heat map: how many pairs were scored positive, negative or 0."""
    m = _matrix(obj, aggregate)
    values = m.values[~np.eye(m.sizes["source"], dtype=bool)]
    scored = values[~np.isnan(values)]
    counts = {"n_pairs": int(values.size), "n_scored": int(scored.size), "n_pos": int((scored > 0).sum()),
              "n_neg": int((scored < 0).sum()), "n_zero": int((scored == 0).sum())}
    return _section("heatmap", lang, [text("report.heatmap.text", lang, **counts)], data=counts)


def network(obj: xr.Dataset | xr.DataArray, *, aggregate: str = "mean", lang: str = "sv") -> dict:
    """The text beside the network: the strong links (|score| ≥ 2) and the node with most of them."""
    m = _matrix(obj, aggregate)
    a = adjacency(m)
    np.fill_diagonal(a, 0)
    strong = np.abs(a) >= 2
    degree = strong.sum(axis=0) + strong.sum(axis=1)
    ids = node_ids(m)
    hub = ids[int(np.argmax(degree))]
    values = {"n_strong": int(strong.sum()), "n_pos": int((a >= 2).sum()), "n_neg": int((a <= -2).sum()),
              "hub": _named(hub, _labels(m, lang)), "hub_links": int(degree.max(initial=0))}
    return _section("network", lang, [text("report.network.text", lang, **values)], data=values)


def ranking(obj: xr.Dataset | xr.DataArray, *, top_k: int = 5, aggregate: str = "mean",
            lang: str = "sv") -> dict:
    """First-order (direct row sum) against systemic rank: how many nodes move, and the biggest climb."""
    check_lang(lang)
    m = _matrix(obj, aggregate)
    ids, labels = node_ids(m), _labels(m, lang)
    result = sdg_synergies(m)
    first = rank_descending(result["out_sum"].values)
    systemic = result["rank"].values
    moved = int((first != systemic).sum())
    climb = first - systemic
    k = int(np.argmax(climb))
    paragraphs = [text("report.ranking.text", lang, moved=moved, n=len(ids))]
    if climb[k] > 0:
        paragraphs.append(text("report.ranking.climb", lang, node=_named(ids[k], labels),
                               before=int(first[k]),
                               after=int(systemic[k])))
    order = sorted(range(len(ids)), key=lambda i: (systemic[i], i))[:max(int(top_k), 0) * 2]
    rows = [[ids[i], labels[ids[i]], str(first[i]), str(systemic[i])] for i in order]
    columns = [text("column.node", lang), text("column.label", lang), text("report.ranking.first", lang),
               text("report.ranking.systemic", lang)]
    return _section("ranking", lang, paragraphs, table={"columns": columns, "rows": rows},
                    data={"moved": moved, "first": first.tolist(), "systemic": systemic.tolist()})


def clusters(obj: xr.Dataset | xr.DataArray, *, aggregate: str = "mean", lang: str = "sv") -> dict:
    """Clusters of strong mutual support (:func:`~sdg_interactions.analysis.clusters`), largest first."""
    m = _matrix(obj, aggregate)
    ids, labels = node_ids(m), _labels(m, lang)
    number = analysis.clusters(m)["cluster"].values
    groups = {int(c): [ids[k] for k in np.flatnonzero(number == c)]
              for c in sorted(set(number.tolist())) if c}
    paragraphs = [text("report.clusters.count", lang, n=len(groups))]
    for c, members in groups.items():
        paragraphs.append(text("report.clusters.item", lang, number=c, n=len(members),
                               nodes=_listed(members, labels, 8, lang)))
    alone = [ids[k] for k in np.flatnonzero(number == 0)]
    if alone:
        paragraphs.append(text("report.clusters.alone", lang, n=len(alone), nodes=join_words(alone, lang)))
    return _section("clusters", lang, paragraphs, data={"clusters": groups, "alone": alone})


def quadrants(obj: xr.Dataset | xr.DataArray, *, aggregate: str = "mean", lang: str = "sv") -> dict:
    """The influence–dependence plane (:func:`~sdg_interactions.analysis.influence_dependence`): which
    nodes drive, relay, depend or stand apart."""
    m = _matrix(obj, aggregate)
    ids, labels = node_ids(m), _labels(m, lang)
    quadrant = analysis.influence_dependence(m)["quadrant"].values
    paragraphs, groups = [], {}
    for code in analysis.QUADRANTS:
        members = [ids[k] for k in np.flatnonzero(quadrant == code)]
        groups[code] = members
        paragraphs.append(text("report.quadrants.item", lang, name=text(f"metrics.quadrant.{code}", lang),
                               description=text(f"metrics.quadrant_description.{code}", lang), n=len(members),
                               nodes=_listed(members, labels, 8, lang) if members else "–"))
    return _section("quadrants", lang, paragraphs, data=groups)


def respondents(obj: xr.Dataset | xr.DataArray, *, limit: int = 15, lang: str = "sv") -> dict | None:
    """With several respondents: answers per pair, the spread, and the contested cells
    (:func:`~sdg_interactions.analysis.cell_statistics`), most spread first. ``None`` for a single matrix."""
    if RESPONDENT not in obj.dims:
        return None
    check_lang(lang)
    ids, labels = node_ids(obj), _labels(obj, lang)
    stats = {k: v.to_numpy() for k, v in analysis.cell_statistics(obj).data_vars.items()}
    off = ~np.eye(len(ids), dtype=bool)
    answered = stats["n"][off]
    scored = (~np.isnan(as_matrix(obj).transpose(RESPONDENT, *DIMS).values)).sum(axis=(1, 2))
    per_person = dict(zip(obj[RESPONDENT].values.tolist(), scored.tolist(), strict=True))
    rows_i, cols_j = np.nonzero(stats["contested"] & off)
    order = sorted(range(len(rows_i)),
                   key=lambda k: (-stats["iqr"][rows_i[k], cols_j[k]], rows_i[k], cols_j[k]))
    pairs = [(ids[rows_i[k]], ids[cols_j[k]]) for k in order]
    paragraphs = [text("report.respondents.answers", lang, n=obj.sizes[RESPONDENT],
                       low=int(answered.min(initial=0)), high=int(answered.max(initial=0)),
                       mean=format_number(answered.mean() if answered.size else 0, lang)),
                  text("report.respondents.per_person", lang, counts=join_words(
                      [f"{name} {count}" for name, count in per_person.items()], lang)),
                  text("report.respondents.spread", lang,
                       iqr=format_number(np.nanmean(stats["iqr"][off]) if answered.any() else 0, lang)),
                  text("report.respondents." + {0: "contested_none", 1: "contested_one"}.get(len(pairs), "contested"),
                       lang, n=len(pairs))]
    rows = []
    for k in order[:limit]:
        i, j = rows_i[k], cols_j[k]
        rows.append([_named(ids[i], labels), _named(ids[j], labels), str(int(stats["n"][i, j])),
                     format_number(stats["mean"][i, j], lang), format_number(stats["iqr"][i, j], lang)])
    columns = [text("metrics.column.source", lang), text("metrics.column.target", lang),
               text("metrics.column.n_respondents", lang), text("report.respondents.mean", lang),
               text("report.respondents.iqr", lang)]
    table = {"columns": columns, "rows": rows} if rows else None
    return _section("respondents", lang, paragraphs, table=table,
                    data={"contested": pairs, "per_person": per_person})


def method(obj: xr.Dataset | xr.DataArray, *, aggregate: str = "mean", lang: str = "sv") -> dict:
    """The method: the scale, the formulas, how answers were combined, and the citations."""
    check_lang(lang)
    m = _matrix(obj, aggregate)
    n = m.sizes["source"]
    scored = int(np.isfinite(m.values[~np.eye(n, dtype=bool)]).sum())
    paragraphs = [text("report.method.scale", lang),
                  text("report.method.counts", lang, n=n, scored=scored, pairs=n * (n - 1)),
                  text("report.method.formulas", lang),
                  text("report.method.scenario", lang)]
    if RESPONDENT in obj.dims:
        paragraphs.append(text("report.method.aggregate", lang, how=text(f"report.method.how.{aggregate}", lang),
                               n=obj.sizes[RESPONDENT]))
    paragraphs += [text("report.method.nilsson", lang), text("report.method.weitz", lang)]
    if obj.attrs.get("citation"):
        paragraphs.append(text("report.method.data", lang, citation=obj.attrs["citation"]))
    return _section("method", lang, paragraphs)
