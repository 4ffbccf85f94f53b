"""The report's nulägesbild: where the kommun stands against riket in Kolada's key figures, and which targets
promote those where it lags (:func:`nulage`).

Numbers come from :func:`~sdg_interactions.analysis.nulage.standing` and
:func:`~sdg_interactions.analysis.nulage.levers_for_what_lags`, over the Kolada values in the on-disk cache
(read only, never fetched); words from the catalogue (``nulage.*``), numbers from
:mod:`sdg_interactions.formats`, in Swedish or English. Kolada's values are facts with their source and year;
the target → KPI table is the project's proposal, and the section says so.
"""

from __future__ import annotations

import os

import pandas as pd
import xarray as xr

from sdg_interactions.analysis.nulage import levers_for_what_lags, standing
from sdg_interactions.formats import number, word_list
from sdg_interactions.frameworks import find_kommun
from sdg_interactions.frameworks.kolada import RIKET, kolada_ids, target_kpis
from sdg_interactions.frameworks.kolada_cache import KoladaCache
from sdg_interactions.matrix import node_ids, single_matrix
from sdg_interactions.report.wording import by_goal, labels_of
from sdg_interactions.texts import check_lang, text

__all__ = ["LEVERS", "lever_rows", "nulage"]

#: How many levers for what lags a section names.
LEVERS = 3


def lever_rows(levers: pd.DataFrame, k: int = LEVERS) -> pd.DataFrame:
    """The levers a section names: the first ``k`` rows of
    :func:`~sdg_interactions.analysis.nulage.levers_for_what_lags` (ranked by ``pulls_behind``) that promote
    at least one lagging target directly (``n_behind`` ≥ 1, a score of at least +1).

    Examples
    --------
    >>> frame = pd.DataFrame({"node": ["1.1", "1.2", "1.3"], "n_behind": [0, 2, 1]})
    >>> lever_rows(frame, 1)["node"].tolist()
    ['1.2']
    """
    return levers[levers["n_behind"] >= 1].head(k)


def _years(periods: pd.Series) -> str:
    """"2023" or "2021–2023": the years of the values compared."""
    years = sorted({int(p) for p in periods.dropna()})
    if not years:
        return ""
    return str(years[0]) if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _section(kommun: str, lang: str, paragraphs: list[str], *, table: dict | None = None,
             data: dict | None = None) -> dict:
    return {"id": "nulage", "title": text("nulage.title", lang, kommun=kommun), "paragraphs": paragraphs,
            "table": table, "data": data or {}}


def _said_levers(chosen: pd.DataFrame, lang: str) -> str:
    """"16.6 direkt 5, 12.1 direkt 4 och 8.4 direkt 3": each lever with how many lagging targets it promotes."""
    return word_list([text("nulage.levers.lever", lang, target=r.node, k=number(r.n_behind, lang, decimals=0))
                      for r in chosen.itertuples(index=False)], lang)


def _full_sentences(chosen: pd.DataFrame, behind: list[str], judged: int, name: str, lang: str) -> list[str]:
    """The standing and the levers as DESIGN words them: "Av de 9 delmål där Falköping ligger efter riket
    främjar 16.6 direkt 5, …"."""
    n, k = number(judged, lang, decimals=0), number(len(behind), lang, decimals=0)
    if not behind:
        return [text("nulage.standing.none_behind", lang, kommun=name, n=n)]
    if len(behind) == 1:
        said = [text("nulage.standing.behind_one", lang, kommun=name, n=n)]
    else:
        said = [text("nulage.standing.behind", lang, kommun=name, n=n, behind=k)]
    if chosen.empty:
        return [*said, text("nulage.levers.none", lang, kommun=name)]
    if len(behind) == 1:
        return [*said, text("nulage.levers.one", lang, kommun=name, behind=behind[0],
                            levers=word_list(chosen["node"].tolist(), lang))]
    return [*said, text("nulage.levers.some", lang, n=k, kommun=name, levers=_said_levers(chosen, lang))]


def _short_sentence(chosen: pd.DataFrame, behind: list[str], judged: int, name: str, lang: str) -> str:
    """The briefing's one sentence: the count that lags, of the targets with data, and the levers."""
    n = number(judged, lang, decimals=0)
    if not behind:
        return text("nulage.short.none_behind", lang, kommun=name, n=n)
    if len(behind) == 1:
        key = "one_none" if chosen.empty else "one"
        return text(f"nulage.short.{key}", lang, kommun=name, n=n, target=behind[0],
                    levers=word_list(chosen["node"].tolist(), lang))
    key = "some_none" if chosen.empty else "some"
    return text(f"nulage.short.{key}", lang, kommun=name, n=n, behind=number(len(behind), lang, decimals=0),
                levers=_said_levers(chosen, lang))


def _table(kpis: pd.DataFrame, behind: list[str], name: str, lang: str) -> dict | None:
    """One row per KPI with a verdict of each lagging target: target, KPI, better, year, kommun, riket, verdict."""
    rows = [[r.sdg_target, r.kpi_title or r.kpi, text(f"nulage.direction.{r.direction}", lang), str(int(r.period)),
             number(r.value, lang), number(r.reference, lang), text(f"nulage.verdict.{r.standing}", lang)]
            for r in kpis.itertuples(index=False) if r.sdg_target in behind and r.standing != "unknown"]
    if not rows:
        return None
    columns = [text(f"nulage.column.{c}", lang) for c in ("target", "kpi", "direction", "year")]
    columns[4:4] = [name, text("nulage.column.riket", lang), text("nulage.column.standing", lang)]
    return {"columns": columns, "rows": rows}


def nulage(data: xr.Dataset | xr.DataArray, kommun: str, *, cache: str | os.PathLike | None = None,
           aggregate: str = "mean", short: bool = False, margin: float = 0.05, window: int = 5,
           lang: str = "sv") -> dict:
    """The section "Var står {kommun}?": the targets of the matrix where the kommun lags behind riket in
    Kolada's key figures, and the targets that promote them most.

    Reads the Kolada cache only (``cache``: its folder, default
    :func:`~sdg_interactions.frameworks.kolada_cache.default_cache_dir`): the kommun's and riket's values of
    the KPIs the project proposes for the matrix's targets (:func:`~sdg_interactions.frameworks.kolada.target_kpis`).
    With values to compare, the paragraphs say in how many of the targets with data the kommun lags
    (:func:`~sdg_interactions.analysis.nulage.standing`, with ``margin`` and ``window``), the
    :data:`LEVERS` first levers of :func:`~sdg_interactions.analysis.nulage.levers_for_what_lags` that
    promote a lagging target directly (:func:`lever_rows`: "Av de 9 delmål där Falköping ligger efter riket
    främjar 16.6 direkt 5, …"), the source with its years and that the KPI mapping is the project's proposal.
    ``short=False`` (the förvaltning version) adds the lagging targets by goal, the counts level and ahead,
    what "behind" means, and a table (one row per KPI with a verdict of each lagging target: year, the
    kommun's value, riket's, the verdict). Without values: one plain sentence, nothing invented.

    ``data`` holds the numbers: ``behind`` (ids), ``judged`` (targets with a verdict), ``levers``
    (``(node, n_behind)``), ``years``.
    """
    check_lang(lang)
    m = single_matrix(data, aggregate, what="a report")
    name = str(find_kommun(str(kommun))["kommun"])
    ids = set(node_ids(m))
    table = target_kpis()
    table = table[table["sdg_target"].isin(ids)].reset_index(drop=True)
    if table.empty:
        return _section(name, lang, [text("nulage.no_kpi", lang, kommun=name)], data={"behind": []})
    code = kolada_ids(kommun)["kommun"]
    values, _, notes = KoladaCache(cache).read_values(table["kpi"].unique(), [code, RIKET], lang=lang)
    totals = values[(values["gender"] == "T") & values["value"].notna()]
    if not (totals["municipality"] == code).any():
        return _section(name, lang, [text("nulage.empty", lang, kommun=name)], data={"behind": []})
    result = standing(values, table, code, margin=margin, window=window, lang=lang)
    nodes = result.nodes
    judged = int((nodes["standing"] != "unknown").sum())
    if judged == 0:
        return _section(name, lang, [text("nulage.no_common_year", lang, kommun=name)], data={"behind": []})
    behind = result.behind
    chosen = lever_rows(levers_for_what_lags(m, result))
    compared = result.kpis[result.kpis["standing"] != "unknown"]
    years = _years(compared["period"])
    if short:  # the briefing: one paragraph, the page is full
        paragraphs = [" ".join([_short_sentence(chosen, behind, judged, name, lang),
                                text("nulage.basis.short", lang, years=years)])]
    else:
        said = _full_sentences(chosen, behind, judged, name, lang)
        counts = {s: number(int((nodes["standing"] == s).sum()), lang, decimals=0) for s in ("level", "ahead")}
        paragraphs = [said[0], text("nulage.standing.others", lang, **counts)]
        if behind:
            paragraphs += [text("nulage.standing.which", lang, targets=by_goal(behind, labels_of(m, lang), lang)),
                           said[1], text("nulage.levers.meaning", lang)]
        paragraphs.append(text("nulage.basis.margin", lang, window=number(window, lang, decimals=0),
                               margin=number(margin * 100, lang)))
        if notes:
            paragraphs.append(text("nulage.basis.damaged", lang, n=number(len(notes), lang, decimals=0)))
        paragraphs.append(" ".join([text("nulage.basis.source", lang, years=years),
                                    text("nulage.basis.proposal", lang)]))
    return _section(name, lang, paragraphs, table=None if short else _table(result.kpis, behind, name, lang),
                    data={"behind": behind, "judged": judged, "years": years,
                          "levers": list(zip(chosen["node"], chosen["n_behind"].astype(int), strict=True))})
