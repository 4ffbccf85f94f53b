"""Heat maps of a matrix: every scored cell (:func:`heatmap`), or goal-level means (:func:`goal_heatmap`)."""

from __future__ import annotations

import json

import altair as alt
import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.analysis import sdg_synergies
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix import node_ids, require_single
from sdg_interactions.plots.base import (
    DIAGONAL_COLOR,
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    UNSCORED_COLOR,
    caption_lines,
    check,
    finish,
    inline,
    node_table,
    scale_table,
    score_color,
    whole_axis,
    y_axis,
)
from sdg_interactions.texts import text

__all__ = ["goal_heatmap", "heatmap", "scored_cells"]

#: Above this many nodes the axes label only the first node of each group (goal).
_LABEL_ALL_UP_TO = 60


def scored_cells(obj: xr.DataArray | xr.Dataset, *, comments: bool | xr.DataArray | None = None
                 ) -> pd.DataFrame:
    """The scored off-diagonal cells of one obj, row by row in node order.

    Columns ``source``, ``target``, ``score``; ``comment`` when asked for (``comments=True``, or a
    DataArray of comments aligned with the obj) or, by default, when ``obj`` is a Dataset whose
    ``comment`` variable holds any text; ``uncertain`` when a Dataset marks any cell uncertain.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> scored_cells(toy_matrix()).head(2).to_dict("list")
    {'source': ['1.1', '1.1'], 'target': ['1.2', '1.3'], 'score': [2.0, -2.0]}
    """
    da = require_single(obj, tr("error.analysis.what_heat_map"))
    ids = np.array(node_ids(da), dtype=object)
    values = da.to_numpy()
    keep = ~np.isnan(values) & ~np.eye(len(ids), dtype=bool)
    rows, cols = np.nonzero(keep)
    frame = pd.DataFrame({"source": ids[rows].astype(str), "target": ids[cols].astype(str),
                          "score": values[rows, cols].astype(float)})
    comment = None
    if isinstance(comments, xr.DataArray):
        comment = comments.transpose(..., "source", "target").to_numpy()
    elif comments is not False and isinstance(obj, xr.Dataset) and "comment" in obj:
        comment = obj["comment"].transpose(..., "source", "target").to_numpy()
    elif comments is True:
        raise ValidationError(locate(tr("error.report.plots.comments"), valid=tr("error.report.plots.valid_comments")))
    if comment is not None:
        texts = np.where(pd.isna(comment), "", comment).astype(str)[rows, cols]
        if comments is not None or (texts != "").any():
            frame["comment"] = texts
    if isinstance(obj, xr.Dataset) and "uncertain" in obj:
        marks = obj["uncertain"].transpose(..., "source", "target").to_numpy().astype(bool)[rows, cols]
        if marks.any():
            frame["uncertain"] = marks
    return frame


def _label_expr(mapping: dict[str, str]) -> str:
    return f"{json.dumps(mapping, ensure_ascii=False)}[datum.value] || datum.value"


def _axis_labels(nodes: pd.DataFrame, *, names: bool) -> tuple[str, str]:
    """labelExpr of the x and y axes: every id (y with its label) up to 60 nodes, else group starts."""
    ids = nodes["id"].tolist()
    if len(ids) <= _LABEL_ALL_UP_TO:
        y = _label_expr(dict(zip(ids, nodes["name"], strict=True))) if names else "datum.value"
        return "datum.value", y
    firsts = nodes.loc[~nodes["group"].duplicated(), "id"].tolist()
    shown = f"indexof({json.dumps(firsts)}, datum.value) >= 0 ? datum.value : ''"
    return shown, shown


def _matrix_layers(cells: pd.DataFrame, nodes: pd.DataFrame, *, lang: str, step: int, legend: str,
                   x_title: str, y_title: str, x_labels: str, y_labels: str, x_angle: int = -90,
                   values: bool = False):
    """The heat map proper: scored cells, the diagonal and group boundaries, on one pair of axes."""
    ids = nodes["id"].tolist()
    x = alt.X("target:N", sort=ids, scale=alt.Scale(domain=ids), title=x_title,
              axis=alt.Axis(orient="top", labelExpr=x_labels, labelAngle=x_angle, ticks=False,
                            labelPadding=3))
    y = alt.Y("source:N", sort=ids, scale=alt.Scale(domain=ids),
              axis=y_axis(y_title, labelExpr=y_labels, ticks=False, labelLimit=0, labelPadding=3))
    lookup = alt.LookupData(data=inline(nodes[["id", "label", "text"]]), key="id", fields=["label", "text"])
    tooltip = [
        alt.Tooltip("source:N", title=text("plots.tooltip.source", lang)),
        alt.Tooltip("source_label:N", title=text("plots.tooltip.source_label", lang)),
        alt.Tooltip("target:N", title=text("plots.tooltip.target", lang)),
        alt.Tooltip("target_label:N", title=text("plots.tooltip.target_label", lang)),
        alt.Tooltip("target_text:N", title=text("plots.tooltip.target_text", lang)),
        alt.Tooltip("score:Q", title=text("plots.tooltip.score", lang), format=".2~f"),
        alt.Tooltip("scale:N", title=text("plots.tooltip.scale", lang)),
    ]
    if "comment" in cells:
        tooltip.append(alt.Tooltip("comment:N", title=text("plots.tooltip.comment", lang)))
    if "uncertain" in cells:
        tooltip.append(alt.Tooltip("uncertain:N", title=text("plots.tooltip.uncertain", lang)))
    base = (alt.Chart(inline(cells))
            .transform_lookup(lookup="source", from_=lookup, as_=["source_label", "source_text"])
            .transform_lookup(lookup="target", from_=lookup, as_=["target_label", "target_text"])
            .transform_calculate(step="round(datum.score)")
            .transform_lookup(lookup="step", from_=alt.LookupData(data=inline(scale_table(lang)), key="step",
                                                                   fields=["scale"])))
    # what a screen reader says of a cell: the pair, the score as the chart's locale writes it, the scale step
    described = base.transform_calculate(
        description="datum.source + ' → ' + datum.target + ': ' + format(datum.score, '.2~f') + ' (' + "
                    "datum.scale + ')'")
    rect = described.mark_rect().encode(x=x, y=y, color=score_color("score", legend, lang), tooltip=tooltip,
                                        description="description:N")
    diagonal = alt.Chart(inline(pd.DataFrame({"source": ids, "target": ids}))).mark_rect(
        color=DIAGONAL_COLOR).encode(x=x, y=y)
    layers = [rect, diagonal]
    starts = nodes.loc[~nodes["group"].duplicated(), "id"].tolist()[1:]
    if starts:
        bounds = alt.Chart(inline(pd.DataFrame({"source": starts, "target": starts})))
        rule = {"color": "white", "strokeWidth": 1.5 if step >= 8 else 1}
        layers += [bounds.mark_rule(**rule).encode(x=alt.X("target:N", sort=ids, bandPosition=0)),
                   bounds.mark_rule(**rule).encode(y=alt.Y("source:N", sort=ids, bandPosition=0))]
    if values:
        layers.append(base.mark_text(fontSize=10).encode(
            x=x, y=y, text=alt.Text("score:Q", format=".1f"),
            color=alt.condition("abs(datum.score) >= 2", alt.value("white"), alt.value("#222222"))))
    return alt.layer(*layers).properties(
        width=alt.Step(step), height=alt.Step(step),
        view=alt.ViewBackground(fill=UNSCORED_COLOR, stroke=None))


def heatmap(obj: xr.DataArray | xr.Dataset, *, lang: str = "sv",
            comments: bool | xr.DataArray | None = None, totals: bool = True,
            caption: str | None = None) -> alt.VConcatChart | alt.LayerChart:
    """A heat map of one matrix: rows influence columns, colour = score on the fixed scale [−3, 3].

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix (no respondent dim: :func:`~sdg_interactions.matrix.aggregate` first).
    lang : {"sv", "en"}
        Language of titles, labels, tooltips and the caption.
    comments : bool or xarray.DataArray, optional
        Show comments in the tooltips: by default when ``obj`` is a Dataset whose ``comment`` holds
        any text; ``True`` always, ``False`` never; or a DataArray of comments aligned with the obj.
    totals : bool
        Add the row sums (``out_sum``) as bars on the right and the column sums (``in_sum``) on top.
    caption : str, optional
        The source to name under the title; default ``obj.attrs["citation"]`` (or its title).

    Returns
    -------
    altair.VConcatChart (with totals) or altair.LayerChart
        Nodes in the matrix's natural order on both axes (explicit sort lists); only the scored cells
        are sent, one row each; the unscored ones show as the grey background, the diagonal dark grey.
        Up to 60 nodes every id is labelled (the rows with their short labels); above that the first
        target of each goal.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> spec = heatmap(toy_matrix(), lang="en", totals=False).to_dict()
    >>> spec["layer"][0]["encoding"]["color"]["scale"]
    {'domain': [-3, 3], 'domainMid': 0, 'reverse': True, 'scheme': 'blueorange'}
    >>> from sdg_interactions.plots import rows_of
    >>> len(rows_of(spec, spec["layer"][0]["data"]["name"]))  # the 12 scored cells
    12
    """
    lang = check(lang)
    da = require_single(obj, tr("error.analysis.what_heat_map"))
    nodes = node_table(da, lang)
    cells = scored_cells(obj, comments=comments)
    n = len(nodes)
    step = int(np.clip(640 // max(n, 1), 4, 16))
    x_labels, y_labels = _axis_labels(nodes, names=True)
    heat = _matrix_layers(cells, nodes, lang=lang, step=step, legend=text("plots.heatmap.legend", lang),
                          x_title=text("plots.heatmap.x", lang), y_title=text("plots.heatmap.y", lang),
                          x_labels=x_labels, y_labels=y_labels)
    notes = [text("plots.caption.scale", lang), text("plots.caption.unscored", lang)]
    chart = heat
    if totals:
        chart = _with_totals(heat, da, nodes, lang=lang, step=step)
        notes.append(text("plots.caption.totals", lang))
    return finish(chart, title=text("plots.heatmap.title", lang), lang=lang, kind="heatmap",
                  caption=caption_lines(obj.attrs, lang, *notes, caption=caption))


def _with_totals(heat, da: xr.DataArray, nodes: pd.DataFrame, *, lang: str, step: int
                 ) -> alt.VConcatChart:
    """The heat map with its row sums on the right and column sums on top (same order, same steps)."""
    ids = nodes["id"].tolist()
    sums = sdg_synergies(da)
    frame = pd.DataFrame({"source": ids, "target": ids, "label": nodes["label"],
                          "out_sum": sums["out_sum"].to_numpy(), "in_sum": sums["in_sum"].to_numpy()})
    base = alt.Chart(inline(frame))

    def sign(field: str):
        return alt.condition(f"datum.{field} >= 0", alt.value(POSITIVE_COLOR), alt.value(NEGATIVE_COLOR))

    row_title, col_title = text("plots.heatmap.row_total", lang), text("plots.heatmap.column_total", lang)
    tip = [alt.Tooltip("source:N", title=text("plots.tooltip.node", lang)),
           alt.Tooltip("label:N", title=text("plots.tooltip.label", lang))]
    right = base.mark_bar().encode(
        y=alt.Y("source:N", sort=ids, scale=alt.Scale(domain=ids), axis=None),
        x=alt.X("out_sum:Q", axis=whole_axis(row_title, tickCount=3, grid=False)),
        color=sign("out_sum"),
        tooltip=[*tip, alt.Tooltip("out_sum:Q", title=row_title, format=".2~f")],
    ).properties(width=90, height=alt.Step(step))
    top = base.mark_bar().encode(
        x=alt.X("target:N", sort=ids, scale=alt.Scale(domain=ids), axis=None),
        y=alt.Y("in_sum:Q", axis=whole_axis(col_title, tickCount=3, grid=False)),
        color=sign("in_sum"),
        tooltip=[*tip, alt.Tooltip("in_sum:Q", title=col_title, format=".2~f")],
    ).properties(width=alt.Step(step), height=90)
    return alt.vconcat(top, alt.hconcat(heat, right, spacing=6), spacing=6)


def _goal_level(obj: xr.DataArray | xr.Dataset) -> xr.DataArray:
    da = require_single(obj, tr("error.analysis.what_heat_map"))
    kind = da.attrs.get("kind")
    if kind == "goal_sum":
        raise ValidationError(locate(tr("error.report.plots.goal_sum"), valid=tr("error.report.plots.valid_goal_mean")))
    if kind != "goal_mean" and any(frameworks.framework_of(i) == "sdg_target" for i in node_ids(da)):
        from sdg_interactions.analysis import goal_rollup

        da = goal_rollup(da, how="mean")
    return da


def goal_heatmap(goal_matrix: xr.DataArray | xr.Dataset, *, lang: str = "sv", caption: str | None = None
                 ) -> alt.LayerChart:
    """A 17 × 17 heat map of the goal-level means (:func:`~sdg_interactions.analysis.goal_rollup`).

    ``goal_matrix`` is the ``how="mean"`` roll-up, or a target-level matrix, which is rolled up here.
    The mean of the scored target pairs between two goals stays on the scale, so the colours are
    those of :func:`heatmap` (domain [−3, 3]); each cell also shows its mean. Goals are labelled with
    their number and short name (:func:`~sdg_interactions.frameworks.goals`).

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.array([[np.nan, 2, 1], [0, np.nan, -2], [3, 1, np.nan]]), ["1.1", "1.2", "2.1"])
    >>> spec = goal_heatmap(m).to_dict()
    >>> from sdg_interactions.plots import rows_of
    >>> cells = rows_of(spec, spec["layer"][0]["data"]["name"])
    >>> [(c["source"], c["target"], c["score"]) for c in cells]
    [('SDG-1', 'SDG-2', -0.5), ('SDG-2', 'SDG-1', 2.0)]
    """
    lang = check(lang)
    da = _goal_level(goal_matrix)
    nodes = node_table(da, lang)
    goal_names = {row.id: f"{row.goal} {row.short}" for row in frameworks.goals(lang).itertuples()}
    ids = nodes["id"].tolist()
    y_map = {i: goal_names.get(i, name) for i, name in zip(ids, nodes["name"], strict=True)}
    x_map = {i: i.removeprefix("SDG-") for i in ids}
    chart = _matrix_layers(scored_cells(da, comments=False), nodes, lang=lang, step=28,
                           legend=text("plots.goal_heatmap.legend", lang),
                           x_title=text("plots.goal_heatmap.x", lang),
                           y_title=text("plots.goal_heatmap.y", lang),
                           x_labels=_label_expr(x_map), y_labels=_label_expr(y_map), x_angle=0, values=True)
    notes = [text("plots.goal_heatmap.caption", lang), text("plots.caption.scale", lang)]
    return finish(chart, title=text("plots.goal_heatmap.title", lang),
                  caption=caption_lines(goal_matrix.attrs, lang, *notes, caption=caption), lang=lang,
                  kind="goal_heatmap")
