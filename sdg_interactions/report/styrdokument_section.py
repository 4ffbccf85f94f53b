"""The report section on the kommun's steering documents: which levers and conflicts its decided goals cover.

One pure function, :func:`styrdokument`, returning a section dict in the format of
:mod:`sdg_interactions.report.sections` (``id``, ``title``, ``paragraphs``, ``table``, ``data``), its
sentences written from the numbers of :func:`~sdg_interactions.analysis.styrdokument.coverage`.
Words come from the catalogue (``styrdokument.report.*``), in Swedish or English.
"""

from __future__ import annotations

import os

import pandas as pd
import xarray as xr

from sdg_interactions.analysis.styrdokument import CONFLICT_COVERAGE, coverage
from sdg_interactions.matrix import RESPONDENT
from sdg_interactions.report.scope import global_note, mark_global, outside_labels
from sdg_interactions.report.sections import format_number, join_words
from sdg_interactions.report.wording import lead_count, namer, scale_words
from sdg_interactions.texts import check_lang, text

__all__ = ["LISTED", "styrdokument"]

#: How many conflicts of a class the sentences spell out; the rest are counted ("… and 4 more").
LISTED = 5


def _named(node: str, labels: dict[str, str]) -> str:
    label = labels.get(node, node)
    return node if not label or label == node else f"{node} ({label})"


def _pairs(frame: pd.DataFrame, say, lang: str, *, mean: bool = False) -> str:
    """The pairs as the summary says them: "1.1 hämmar 1.3 med bedömningen −2, motverkande (måttligt
    hämmande)" (``report.scenario.pair``; with ``mean`` "med medelvärdet −1,5, mellan …"), "; " between pairs,
    at most :data:`LISTED` of them."""
    rows = list(zip(frame["source"], frame["target"], frame["score"], strict=True))
    key = "report.scenario.pair_mean" if mean else "report.scenario.pair"
    shown = [text(key, lang, source=say(s), target=say(t), score=format_number(v, lang), scale=scale_words(v, lang))
             for s, t, v in rows[:LISTED]]  # named as said
    if len(rows) > LISTED:
        return text("styrdokument.report.more", lang, shown="; ".join(shown), n=len(rows) - LISTED)
    return "; ".join(shown)


def styrdokument(obj: xr.Dataset | xr.DataArray, table: pd.DataFrame | str | os.PathLike, *, top_k: int = 5,
                 aggregate: str = "mean", lang: str = "sv") -> dict:
    """The section "Styrdokumenten mot Agenda 2030": covered levers and gaps, conflicts by coverage.

    Paragraphs, each from the numbers of :func:`~sdg_interactions.analysis.styrdokument.coverage`: how
    many documents, local goals and targets the table holds; which of the ``top_k`` strongest levers
    (ties at the edge included) have decided goals and which are gaps; the målkonflikter between
    decided goals (``both``), the risks where a decided goal hinders an undecided target (``source``),
    the decided goals hindered from outside (``target``), how many conflicts lie outside (``none``);
    the table's targets the matrix does not score; and a warning if the template's example rows are
    still there. At most :data:`LISTED` conflicts of a class are spelled out. The table lists the
    levers: rank, node, label, systemic score, covered or gap, documents.

    ``data`` holds ``levers``, ``covered_levers``, ``lever_gaps`` (ids by rank), ``conflicts``
    (``{class: [(source, target, score), ...]}``, worst first), ``covered`` (ids in matrix order),
    ``not_in_matrix`` (ids) and ``n_examples``.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> t = pd.DataFrame({"document": ["Plan A", "Plan B"], "local_goal": ["", ""], "sdg_target": ["1.1", "1.3"]})
    >>> section = styrdokument(toy_matrix(), t, top_k=2, lang="en")
    >>> section["data"]["covered_levers"], section["data"]["lever_gaps"], section["data"]["conflicts"]["both"]
    (['1.1'], ['1.2'], [('1.1', '1.3', -2.0)])
    >>> section["paragraphs"][1]
    'The 2 strongest levers (systemic rank 2 or better): decided goals cover 1.1 (Eradicate extreme poverty for all people everywhere…) (1 of 2); the gaps, with no decided goal, are 1.2 (Reduce at least by half the proportion of men…) (1 of 2).'
    """  # noqa: E501
    check_lang(lang)
    result = coverage(obj, table, top_k=top_k, aggregate=aggregate)
    nodes = result.nodes
    labels = mark_global(dict(zip(nodes["node"], nodes[f"label_{lang}"], strict=True)), lang)
    say = namer(labels)  # a label at a target's first mention only
    used = result.table[result.table["sdg_target"].isin(nodes["node"])]
    pairs = result.table[["document", "local_goal"]].drop_duplicates()
    invented = (isinstance(table, str) and table == "exempel") or bool(getattr(table, "attrs", {}).get("invented")) \
        or bool(result.table.attrs.get("invented"))
    paragraphs = [text("report.styrdokument.invented", lang)] if invented else []
    paragraphs += [text("styrdokument.report.intro", lang, n_documents=result.table["document"].nunique(),
                       n_goals=len(pairs), n_covered=int(nodes["covered"].sum()), n_nodes=len(nodes))]

    covered, gaps, n = result.covered_levers, result.lever_gaps, len(result.levers)
    named = {"covered": join_words([say(i) for i in covered], lang),
             "gaps": join_words([say(i) for i in gaps], lang)}
    if not gaps:
        paragraphs.append(text("styrdokument.report.levers_all", lang, n=n, k=result.top_k, covered=named["covered"]))
    elif not covered:
        paragraphs.append(text("styrdokument.report.levers_none", lang, n=n, k=result.top_k, gaps=named["gaps"]))
    else:
        paragraphs.append(text("styrdokument.report.levers_some", lang, n=n, k=result.top_k, n_covered=len(covered),
                               n_gaps=len(gaps), **named))

    by_kind = {kind: result.conflicts_of(kind) for kind in CONFLICT_COVERAGE}
    several = RESPONDENT in obj.dims and obj.sizes[RESPONDENT] > 1 and aggregate == "mean"  # a mean of answers
    if result.conflicts.empty:
        paragraphs.append(text("styrdokument.report.no_conflicts", lang))
    else:
        both = by_kind["both"]
        paragraphs.append(text("styrdokument.report.both", lang, n=len(both),
                               pairs=_pairs(both, say, lang, mean=several))
                          if len(both) else text("styrdokument.report.both_none", lang))
        for kind in ("source", "target"):
            if len(by_kind[kind]):
                paragraphs.append(text(f"styrdokument.report.{kind}", lang, n=len(by_kind[kind]),
                                       pairs=_pairs(by_kind[kind], say, lang, mean=several)))
        if len(by_kind["none"]):
            paragraphs.append(text("styrdokument.report.none", lang, n=lead_count(len(by_kind["none"]), lang),
                                   total=len(result.conflicts)))
    note = global_note([n for f in by_kind.values() for n in (*f["source"][:LISTED], *f["target"][:LISTED])], lang)
    if note:
        paragraphs.append(note)
    outside = list(dict.fromkeys(result.not_in_matrix["sdg_target"]))
    if outside:  # named with their labels, and how to include them
        away = outside_labels(outside, lang)
        paragraphs.append(text("styrdokument.report.not_in_matrix", lang,
                               ids=join_words([_named(i, away) for i in outside], lang))
                          + " " + text("report.scope.include", lang))
    n_examples = int(result.table.loc[result.table["example"], "row"].nunique())
    if n_examples:
        paragraphs.append(text("styrdokument.report.examples", lang, n=n_examples))

    rows = [[str(row.rank), row.node, labels[row.node], format_number(row.systemic, lang),
             text(f"styrdokument.report.{'covered' if row.covered else 'gap'}", lang), row.documents]
            for row in result.levers.itertuples(index=False)]
    columns = [text("column.rank", lang), text("report.column.node", lang), text("column.label", lang),
               text("column.systemic", lang), text("styrdokument.report.status", lang),
               text("styrdokument.report.documents", lang)]
    data = {
        "levers": result.levers["node"].tolist(), "covered_levers": covered, "lever_gaps": gaps,
        "conflicts": {kind: [(s, t, float(v)) for s, t, v in zip(frame["source"], frame["target"], frame["score"],
                                                                 strict=True)]
                      for kind, frame in by_kind.items()},
        "covered": result.covered, "not_in_matrix": outside, "n_examples": n_examples,
        "n_rows_used": len(used),
    }
    return {"id": "styrdokument", "title": text("styrdokument.report.title", lang), "paragraphs": paragraphs,
            "table": {"columns": columns, "rows": rows}, "data": data}
