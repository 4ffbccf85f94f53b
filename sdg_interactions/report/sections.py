"""The report's sentences, built from the numbers: one pure function per report section.

Every function takes the matrix Dataset (one matrix, or several respondents' answers on a
``respondent`` dim, aggregated here with ``aggregate``) and returns a *section*: a plain ``dict`` with

* ``"id"``: the section's name (``"levers"``, ``"conflicts"``, …);
* ``"title"``: its heading;
* ``"paragraphs"``: a list of sentences-as-paragraphs, written from the numbers, so two matrices
  give two different texts;
* ``"table"``: ``None`` or ``{"columns": [...], "rows": [[...], ...]}`` of display strings;
* ``"data"``: the numbers behind the text (ids in order, counts), for tests and scripts;
* ``"problems"`` (optional): sentences saying why (part of) the section could not be drawn, in the
  report's language; shown after the paragraphs and printed by the ``report`` command
  (:func:`~sdg_interactions.report.page.guard` makes one of any exception in an optional section).

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
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from sdg_interactions import analysis, glossary
from sdg_interactions.analysis import adjacency, rank_descending, sdg_synergies
from sdg_interactions.matrix import DIMS, RESPONDENT, as_matrix, node_ids, to_long
from sdg_interactions.report import honesty
from sdg_interactions.report.next_steps import next_steps
from sdg_interactions.report.summary_sections import (
    conflicts,
    levers,
    listed,
    scenario_summary,
    summary,
)
from sdg_interactions.report.wording import (
    count_word,
    format_number,
    join_words,
    labels_of,
    lead_count,
    long_date,
    make_section,
    named,
    one_matrix,
    place_names,
)
from sdg_interactions.texts import check_lang, genitive, text

__all__ = [
    "clusters",
    "conflicts",
    "cover",
    "data_hash",
    "format_number",
    "heatmap",
    "join_words",
    "levers",
    "link_threshold",
    "method",
    "network",
    "next_steps",
    "pseudonymise",
    "quadrants",
    "ranking",
    "respondents",
    "scenario_summary",
    "stamp",
    "summary",
    "technical",
]


# --- helpers ------------------------------------------------------------------------------------

_matrix = one_matrix
_labels = labels_of
_named = named
_listed = listed


def _section(key: str, lang: str, paragraphs: list[str], *, table: dict | None = None,
             data: dict | None = None, **values: object) -> dict:
    return make_section(key, lang, paragraphs, table=table, data=data, **values)


# --- data housekeeping --------------------------------------------------------------------------


def pseudonymise(obj: xr.Dataset | xr.DataArray, lang: str = "sv") -> xr.Dataset | xr.DataArray:
    """Replace respondent names by "Svarande 1", "Svarande 2", … ("Respondent 1" in English), in order.

    Data without a ``respondent`` dim is returned unchanged.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.full((2, 2, 2), np.nan), ["1.1", "1.2"], respondents=["Anna", "Bo"])
    >>> pseudonymise(m)["respondent"].values.tolist(), pseudonymise(m, "en")["respondent"].values.tolist()
    (['Svarande 1', 'Svarande 2'], ['Respondent 1', 'Respondent 2'])
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
          date: str, audience: str = "politiker", lang: str = "sv", aggregate: str = "mean") -> dict:
    """The cover: whose assessment it is (first, before any finding), how thin the basis is when it is thin,
    then kommun, län, date (an ISO date is written out: "30 november 2026"), the version, the matrix and who
    scored it.

    ``place`` is a row of :func:`~sdg_interactions.frameworks.kommuner` (``kommun``, ``kommunkod``, ``lan``,
    …). The kind of basis is :func:`~sdg_interactions.report.honesty.whose`: "Bedömningen är X:s egen" only
    for a matrix made for this kommun (a workshop's merged answers); the national example says it is not the
    kommun's own; invented data says it is invented; any other file says the report cannot vouch for it.
    Below half the pairs scored, or with fewer than three respondents who scored, the second paragraph says
    so and names the least-covered targets (:func:`~sdg_interactions.report.honesty.coverage`). Respondents
    are counted from the data: those who scored at least one pair.
    """
    check_lang(lang)
    attrs = dict(obj.attrs)
    kommun = str(place["kommun"])
    owner = genitive(kommun, lang)
    kind = honesty.whose(obj, national_example, kommun=place.get("kommunkod"))
    cov = honesty.coverage(obj, aggregate)
    who, total = cov["n_respondents_who_scored"], cov["n_respondents"]
    if kind == "synthetic":
        paragraphs = [text("report.cover.synthetic", lang, owner=owner)]
    elif kind == "national":
        paragraphs = [text("report_honesty.cover.national", lang, owner=owner, kommun=kommun,
                           source=honesty.short_source(obj, lang))]
    elif kind == "own":
        made = str(attrs.get("date") or "")
        key = ("own_workshop_on" if made else "own_workshop") if attrs.get("merged_from") else "own_plain"
        paragraphs = [text(f"report_honesty.cover.{key}", lang, owner=owner, date=long_date(made, lang))]
    else:
        file = honesty.matrix_title(obj, kind, lang)
        paragraphs = [text("report_honesty.cover.other" if file != "?" else "report_honesty.cover.other_plain", lang,
                           owner=owner, file=file)]
    if honesty.is_thin(cov):
        thin = []
        if cov["share"] < honesty.LOW_SHARE:
            percent = 100 * cov["share"]
            thin.append(text("report_honesty.cover.share", lang, n_scored=cov["n_scored"], n_pairs=cov["n_pairs"],
                             percent=format_number(percent, lang, decimals=0 if percent >= 1 else 1)))
        if who is not None and who < honesty.LOW_RESPONDENTS:
            thin.append(text("report_honesty.cover.one_person", lang) if who == 1 else
                        text("report_honesty.cover.few_people", lang, n=count_word(who, lang, neuter=False)))
        least = cov["least_covered"]
        thin.append(text("report_honesty.cover.least", lang, nodes=join_words(
            [_named(i, _labels(obj, lang)) for i in least], lang)) if least else
            text("report_honesty.cover.least_plain", lang))
        paragraphs.append(" ".join(thin))
    kommun_name, lan_name = place_names(place, lang)
    paragraphs += [text("report.cover.where", lang, kommun=kommun_name, lan=lan_name, date=long_date(date, lang)),
                   text(f"report.cover.audience.{audience}", lang)]
    if kind in ("national", "synthetic"):
        paragraphs.append(text("report.cover.matrix", lang, title=honesty.matrix_title(obj, kind, lang)))
    if attrs.get(f"scored_by_{lang}") and kind != "synthetic":  # invented answers: said above, in plain words
        paragraphs.append(text("report.cover.scored_by", lang, who=str(attrs[f"scored_by_{lang}"]).rstrip(".")))
    if who:
        if who >= 2:
            key = "report.cover.respondents_synthetic" if kind == "synthetic" else "report.cover.respondents"
            key += "_here" if audience == "forvaltning" else ""  # this version shows the disagreement itself
            paragraphs.append(text(key, lang, n=lead_count(who, lang, neuter=False)))
        elif not honesty.is_thin(cov):  # "Bara en person …" is said above when the basis is thin
            paragraphs.append(text("report_honesty.cover.respondents_one", lang))
        if who < total:
            paragraphs.append(text("report_honesty.cover.respondents_silent", lang,
                                   n=lead_count(who, lang, neuter=False), total=count_word(total, lang, neuter=False)))
    return _section("cover", lang, paragraphs, kommun=kommun,
                    data={"kommun": kommun, "national_example": national_example, "kind": kind,
                          "coverage": {k: v for k, v in cov.items() if k != "per_node"}})


#: The parameters the technical stamp shows, in this order; the output folder is never shown (a local path).
STAMPED = ("kommun", "matrix", "aggregate", "audience", "lang", "top_k", "priorities", "pseudonymise",
           "matrices_dir", "styrdokument", "framework")


def _shown(key: str, value: object, lang: str) -> str:
    """A parameter's value in plain words: lists joined, paths by their file name, choices by their name in
    ``lang``, no Python repr."""
    if isinstance(value, bool):
        return text("report.words.yes" if value else "report.words.no", lang)
    if isinstance(value, list | tuple):
        return join_words([str(v) for v in value], lang) or "–"
    value = str(value)
    if key == "aggregate":
        return text(f"report.method.how.{value}", lang)
    if key in ("audience", "lang"):
        return text(f"report_honesty.technical.value.{value}", lang)
    if key == "kommun":
        from sdg_interactions.frameworks import find_kommun

        return f"{value} {find_kommun(value)['kommun']}"
    if "/" in value or "\\" in value:
        value = Path(value).name
    return value or "–"


def stamp(obj: xr.Dataset | xr.DataArray, parameters: Mapping[str, object], *, version: str,
          lang: str = "sv", date: str = "", basis: str = "") -> dict:
    """The footer, one line for every version: "Skapad 7 december 2026 med sdg_interactions 0.1.0 · Underlag:
    …" (``basis``, else the data's title or file name). No hash and no parameter names: those are in the
    förvaltning version's method (:func:`technical`)."""
    import datetime

    basis = basis or str(obj.attrs.get(f"title_{lang}") or Path(str(obj.attrs.get("source_file") or "?")).name)
    line = text("report_honesty.footer.line", lang, date=long_date(date or datetime.date.today().isoformat(), lang),
                version=version, title=basis)
    return _section("stamp", lang, [line], data={"hash": data_hash(obj), "version": version})


def technical(obj: xr.Dataset | xr.DataArray, parameters: Mapping[str, object], *, version: str,
              lang: str = "sv") -> list[str]:
    """The technical stamp, for the method section of the förvaltning version: the data's sha256
    (:func:`data_hash`), the version, and the parameters that shape the report (:data:`STAMPED`) in plain
    words in ``lang`` ("kommun: 1499 Falköping; underlag: weitz2018_sweden; sammanvägning: medelvärde; …"):
    never the output folder, a folder or file only by its name, never a Python repr. The way answers are
    combined, and whether respondents are shown by number, only when there are several respondents."""
    shown = [text("report_honesty.technical.item", lang, name=text(f"report_honesty.technical.name.{key}", lang),
                  value=_shown(key, parameters[key], lang))
             for key in STAMPED if key in parameters and (key not in ("matrices_dir", "styrdokument", "framework")
                                                          or parameters[key])
             and (key not in ("aggregate", "pseudonymise") or RESPONDENT in obj.dims)]  # one matrix: no respondents
    return [text("report_honesty.technical.intro", lang, digest=data_hash(obj)),
            text("report.stamp.version", lang, version=version) + " " +
            text("report_honesty.technical.settings", lang, settings="; ".join(shown))]


# --- for managers -------------------------------------------------------------------------------


def heatmap(obj: xr.Dataset | xr.DataArray, *, aggregate: str = "mean", lang: str = "sv") -> dict:
    """The text beside the heat map: how many pairs were scored positive, negative or 0."""
    m = _matrix(obj, aggregate)
    values = m.values[~np.eye(m.sizes["source"], dtype=bool)]
    scored = values[~np.isnan(values)]
    counts = {"n_pairs": int(values.size), "n_scored": int(scored.size), "n_pos": int((scored > 0).sum()),
              "n_neg": int((scored < 0).sum()), "n_zero": int((scored == 0).sum())}
    said = {key: format_number(value, lang) for key, value in counts.items()}  # "1 122", "1,122"
    return _section("heatmap", lang, [text("report.heatmap.text", lang, **said)], data=counts)


def link_threshold(obj: xr.Dataset | xr.DataArray, *, threshold: float = 2, max_links: int | None = 60,
                   aggregate: str = "mean") -> float:
    """The smallest |score| from ``threshold`` up at which at most ``max_links`` links are drawn, so the
    network shows the strongest links only (all links of the strongest level, if even those are more).

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> link_threshold(toy_matrix(), max_links=1), link_threshold(toy_matrix(), max_links=None)
    (3.0, 2.0)
    """
    a = np.abs(adjacency(_matrix(obj, aggregate)))
    np.fill_diagonal(a, 0)
    strengths = sorted({float(v) for v in a[a >= threshold]})
    if max_links is None or not strengths:
        return float(threshold)
    for level in [float(threshold), *strengths]:
        if level >= threshold and int((a >= level).sum()) <= max_links:
            return level
    return strengths[-1]


def network(obj: xr.Dataset | xr.DataArray, *, aggregate: str = "mean", lang: str = "sv",
            max_links: int | None = 60) -> dict:
    """The text beside the network: the strong links (|score| ≥ 2), the node with most of them, and which
    of them the chart draws (:func:`link_threshold`), its threshold with two decimals as the chart's title
    shows it ("minst +2,27")."""
    m = _matrix(obj, aggregate)
    a = adjacency(m)
    np.fill_diagonal(a, 0)
    strong = np.abs(a) >= 2
    degree = strong.sum(axis=0) + strong.sum(axis=1)
    ids = node_ids(m)
    hub = ids[int(np.argmax(degree))]
    drawn = link_threshold(m, max_links=max_links)
    values = {"n_strong": int(strong.sum()), "n_pos": int((a >= 2).sum()), "n_neg": int((a <= -2).sum()),
              "hub": _named(hub, _labels(m, lang)), "hub_links": int(degree.max(initial=0))}
    paragraphs = [text("report.network.text", lang, **values)]
    if drawn > 2:
        paragraphs.append(text("report.network.drawn", lang, n=int((np.abs(a) >= drawn).sum()),
                               threshold=format_number(drawn, lang, decimals=2)))  # as the chart's title
    paragraphs.append(text("report.network.how", lang))
    return _section("network", lang, paragraphs, data={**values, "threshold": drawn})


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
    columns = [text("report.column.node", lang), text("column.label", lang), text("report.ranking.first", lang),
               text("report.ranking.systemic", lang)]
    return _section("ranking", lang, paragraphs, table={"columns": columns, "rows": rows},
                    data={"moved": moved, "first": first.tolist(), "systemic": systemic.tolist()})


def clusters(obj: xr.Dataset | xr.DataArray, *, aggregate: str = "mean", lang: str = "sv",
             kind: str | None = None) -> dict:
    """Clusters of strong mutual support (:func:`~sdg_interactions.analysis.clusters`), largest first. What a
    cluster means is said as an observation; on invented data (:func:`~sdg_interactions.report.honesty.is_synthetic`)
    a sentence says the clusters only show how the tool works; on a matrix that is not the kommun's own, whose
    assessment it rests on (:func:`~sdg_interactions.report.honesty.basis_note`, ``kind`` as
    :func:`~sdg_interactions.report.honesty.whose`, None: found from the data)."""
    m = _matrix(obj, aggregate)
    ids, labels = node_ids(m), _labels(m, lang)
    number = analysis.clusters(m)["cluster"].values
    groups = {int(c): [ids[k] for k in np.flatnonzero(number == c)]
              for c in sorted(set(number.tolist())) if c}
    basis = honesty.basis_note(obj, lang, kind=kind)  # "där kan … ge mest" rests on whose assessment
    paragraphs = [text("report.clusters.count", lang, n=count_word(len(groups), lang)) + " "
                  + text("report.clusters.synthetic" if honesty.is_synthetic(obj) else
                         "report.clusters.within" + ("_basis" if basis else ""), lang, basis=basis)]
    for c, members in groups.items():
        paragraphs.append(text("report.clusters.item", lang, number=c, n=len(members),
                               nodes=_listed(members, labels, 8, lang)))
    alone = [ids[k] for k in np.flatnonzero(number == 0)]
    if alone:
        paragraphs.append(text("report.clusters.alone", lang, n=len(alone), nodes=_listed(alone, labels, 8, lang)))
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
    (:func:`~sdg_interactions.analysis.cell_statistics`), most spread first. ``None`` for a single matrix.
    Invented respondents (:func:`~sdg_interactions.report.honesty.is_synthetic`) are said to be invented."""
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
    invented = "_synthetic" if honesty.is_synthetic(obj) else ""  # never invented people said as real ones
    paragraphs = [text("report.respondents.answers" + invented, lang, n=lead_count(obj.sizes[RESPONDENT], lang,
                                                                          neuter=False),
                       low=int(answered.min()) if answered.size else 0,
                       high=int(answered.max()) if answered.size else 0,
                       mean=format_number(answered.mean() if answered.size else 0, lang)),
                  text("report.respondents.per_person", lang, counts=join_words(
                      [text("report.respondents.person", lang, name=name, n=format_number(count, lang))
                       for name, count in per_person.items()], lang)),
                  text("report.respondents.spread", lang,
                       iqr=format_number(np.nanmean(stats["iqr"][off]) if answered.any() else 0, lang)),
                  text("report.respondents." + {0: "contested_none", 1: "contested_one"}.get(len(pairs), "contested")
                       + ("_synthetic" if pairs and honesty.is_synthetic(obj) else ""),  # invented: no advice
                       lang, n=lead_count(len(pairs), lang))]
    rows = []
    for k in order[:limit]:
        i, j = rows_i[k], cols_j[k]
        rows.append([_named(ids[i], labels), _named(ids[j], labels), str(int(stats["n"][i, j])),
                     format_number(stats["mean"][i, j], lang), format_number(stats["iqr"][i, j], lang)])
    columns = [text("report.column.source", lang), text("report.column.target", lang),
               text("metrics.column.n_respondents", lang), text("report.respondents.mean", lang),
               text("report.respondents.iqr", lang)]
    table = {"columns": columns, "rows": rows} if rows else None
    return _section("respondents", lang, paragraphs, table=table,
                    data={"contested": pairs, "per_person": per_person})


def method(obj: xr.Dataset | xr.DataArray, *, aggregate: str = "mean", lang: str = "sv",
           stamp_lines: list[str] | None = None) -> dict:
    """The method: the scale, the formulas, how answers were combined, the citations, the technical stamp
    (``stamp_lines``, :func:`technical`), and the glossary as a table (:func:`sdg_interactions.glossary.rows`);
    with several respondents its målkonflikt is a pair whose mean is −1 or worse, as the conflicts section says."""
    check_lang(lang)
    m = _matrix(obj, aggregate)
    n = m.sizes["source"]
    scored = int(np.isfinite(m.values[~np.eye(n, dtype=bool)]).sum())
    paragraphs = [text("report.method.scale", lang),
                  text("report.method.counts", lang, n=format_number(n, lang), scored=format_number(scored, lang),
                       pairs=format_number(n * (n - 1), lang)),
                  text("report.method.formulas", lang),
                  text("report.method.scenario", lang)]
    if RESPONDENT in obj.dims:
        paragraphs.append(text("report.method.aggregate", lang, how=text(f"report.method.how.{aggregate}", lang),
                               n=obj.sizes[RESPONDENT]))
    paragraphs += [text("report.method.nilsson", lang), text("report.method.weitz", lang)]
    if obj.attrs.get("synthetic") and obj.attrs.get(f"title_{lang}"):  # its title says it is invented, in lang
        paragraphs.append(text("report.method.data", lang, citation=obj.attrs[f"title_{lang}"]))
    elif obj.attrs.get("citation"):
        paragraphs.append(text("report.method.data", lang, citation=obj.attrs["citation"]))
    paragraphs += list(stamp_lines or ())
    paragraphs.append(text("report.method.glossary", lang))
    rows = [list(row) for row in glossary.rows(lang)]
    if RESPONDENT in obj.dims:  # a målkonflikt is a mean of −1 or worse (CLEAR_CONFLICT), as the sections say
        conflict = glossary.glossary()["goal_conflict"].term(lang)
        rows = [[word, text("report.method.goal_conflict_mean", lang) if word == conflict else meaning]
                for word, meaning in rows]
    table = {"columns": [text("report.method.glossary_word", lang), text("report.method.glossary_meaning", lang)],
             "rows": rows}
    return _section("method", lang, paragraphs, table=table)
