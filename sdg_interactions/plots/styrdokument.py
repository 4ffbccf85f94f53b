"""The chart of a styrdokument coverage: :func:`coverage_chart`."""

from __future__ import annotations

import altair as alt

from sdg_interactions.analysis.styrdokument import StyrdokumentCoverage
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.frameworks import node_sort_key
from sdg_interactions.plots.base import caption_lines, check, finish, inline, name_of, signed, whole_axis, y_axis
from sdg_interactions.texts import text

__all__ = ["STATUS_COLORS", "coverage_chart"]

#: Okabe–Ito colours (colour-blind safe): strong levers dark blue (covered) or vermilion (a gap); other
#: nodes sky blue (covered) or grey.
STATUS_COLORS = {"lever_covered": "#0072B2", "lever_gap": "#D55E00", "covered": "#56B4E9",
                 "not_covered": "#BBBBBB"}


def _marks(result: StyrdokumentCoverage, lang: str) -> dict[str, str]:
    """Per node, the text beside its bar: the conflicts between decided goals it takes part in."""
    both = result.conflicts_of("both")
    marks: dict[str, list[str]] = {}
    for node in dict.fromkeys([*both["source"], *both["target"]]):
        parts = []
        out = both[both["source"] == node]
        if len(out):
            parts.append(text("styrdokument.chart.conflict_out", lang, targets=", ".join(
                f"{t} ({signed(s, lang)})" for t, s in zip(out["target"], out["score"], strict=True))))
        into = both[both["target"] == node]
        if len(into):
            parts.append(text("styrdokument.chart.conflict_in", lang, sources=", ".join(
                f"{t} ({signed(s, lang)})" for t, s in zip(into["source"], into["score"], strict=True))))
        marks[node] = parts
    return {node: "  ".join(parts) for node, parts in marks.items()}


def coverage_chart(result: StyrdokumentCoverage, *, lang: str = "sv", top: int | None = None,
                   caption: str | None = None) -> alt.LayerChart:
    """The systemic ranking, each bar coloured by whether a decided goal covers the node.

    Nodes are sorted by systemic rank (ties in natural order) and named by id and short label. The
    colours tell strong levers (rank ≤ ``top_k``, ties at the edge included) that are covered from
    those that are gaps, and the other nodes covered or not (:data:`STATUS_COLORS`). Nodes in a
    målkonflikt between decided goals (coverage ``both``) carry a ⚡ text naming the other end and the
    score. Tooltips hold the documents and local goals. ``top`` keeps the ``top`` best ranked nodes;
    the caption cites the matrix (``caption`` replaces that line) and names the table.

    Examples
    --------
    >>> import pandas as pd
    >>> from sdg_interactions.analysis.styrdokument import coverage
    >>> from sdg_interactions.matrix import toy_matrix
    >>> t = pd.DataFrame({"document": ["Plan A", "Plan B"], "local_goal": ["", ""], "sdg_target": ["1.1", "1.3"]})
    >>> spec = coverage_chart(coverage(toy_matrix(), t, top_k=2), lang="en").to_dict()
    >>> from sdg_interactions.plots import rows_of
    >>> [(r["node"], r["status"], r["mark"]) for r in rows_of(spec, spec["data"]["name"])]
    ... # doctest: +NORMALIZE_WHITESPACE
    [('1.1', 'strong lever, decided goal', '⚡ hinders 1.3 (−2)'), ('1.2', 'strong lever, gap', ''),
     ('1.4', 'no decided goal', ''), ('1.3', 'decided goal', '⚡ hindered by 1.1 (−2)')]
    """
    lang = check(lang)
    if not isinstance(result, StyrdokumentCoverage):
        raise ValidationError(locate(tr("error.report.plots.coverage_input", type=type(result).__name__),
                                     valid=tr("error.report.plots.valid_coverage")))
    frame = result.nodes.copy()
    frame["label"] = frame[f"label_{lang}"]
    frame["name"] = [name_of(i, lab) for i, lab in zip(frame["node"], frame["label"], strict=True)]
    codes = [("lever_" if lever else "") + ("covered" if covered else ("gap" if lever else "not_covered"))
             for lever, covered in zip(frame["lever"], frame["covered"], strict=True)]
    names = {code: text(f"styrdokument.chart.{code}", lang) for code in STATUS_COLORS}
    frame["status"] = [names[c] for c in codes]
    marks = _marks(result, lang)
    frame["mark"] = [marks.get(i, "") for i in frame["node"]]
    frame["mark_x"] = frame["systemic"].clip(lower=0.0)
    frame["key"] = [node_sort_key(i) for i in frame["node"]]
    frame = frame.sort_values(["rank", "key"], kind="stable").reset_index(drop=True)
    total = len(frame)
    if top is not None:
        frame = frame.head(int(top))
    columns = ["node", "label", "name", "systemic", "rank", "status", "mark", "mark_x", "documents",
               "local_goals"]
    frame = frame[columns]
    order = frame["name"].tolist()
    x_title, status_title = text("styrdokument.chart.x", lang), text("styrdokument.chart.status", lang)
    tooltip = [alt.Tooltip("node:N", title=text("plots.tooltip.node", lang)),
               alt.Tooltip("label:N", title=text("plots.tooltip.label", lang)),
               alt.Tooltip("rank:Q", title=text("plots.ranking.rank", lang)),
               alt.Tooltip("systemic:Q", title=x_title, format=".2~f"),
               alt.Tooltip("status:N", title=status_title),
               alt.Tooltip("documents:N", title=text("styrdokument.chart.documents", lang)),
               alt.Tooltip("local_goals:N", title=text("styrdokument.chart.local_goals", lang))]
    base = alt.Chart(inline(frame))
    y = alt.Y("name:N", sort=order, axis=y_axis(text("styrdokument.chart.y", lang), labelLimit=0))
    bars = base.mark_bar(height={"band": 0.75}).encode(
        y=y, x=alt.X("systemic:Q", axis=whole_axis(x_title)),
        color=alt.Color("status:N", title=status_title, legend=alt.Legend(labelLimit=320, orient="bottom",
                                                                          columns=2),
                        scale=alt.Scale(domain=list(names.values()), range=list(STATUS_COLORS.values()))),
        tooltip=tooltip)
    flags = base.transform_filter("datum.mark != ''").mark_text(align="left", dx=4, fontSize=10,
                                                                color="#B00000").encode(
        y=alt.Y("name:N", sort=order), x="mark_x:Q", text="mark:N", tooltip=tooltip)
    zero = base.mark_rule(color="#444444").encode(x=alt.datum(0))
    chart = alt.layer(bars, flags, zero).properties(width=420, height=alt.Step(16))
    notes = [text("styrdokument.chart.caption_levers", lang, k=result.top_k, n=len(result.levers))]
    if marks:
        notes.append(text("styrdokument.chart.caption_conflicts", lang))
    if top is not None and top < total:
        notes.insert(0, text("plots.ranking.top", lang, top=int(top), total=total))
    table = result.attrs.get("table_file") or result.attrs.get("table_name") or "DataFrame"
    if result.attrs.get("table_invented"):
        table = text("styrdokument.chart.invented", lang, table=table)
    notes.append(text("styrdokument.chart.caption_table", lang, table=table))
    return finish(chart, title=text("styrdokument.chart.title", lang), lang=lang, kind="styrdokument_coverage",
                  caption=caption_lines(result.attrs, lang, *notes, caption=caption))
