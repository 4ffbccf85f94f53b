"""The chart of a comparison of kommuner: :func:`comparison_chart`.

Three panels on the result of :func:`sdg_interactions.analysis.comparison.compare_matrices`: the Spearman
rank correlations between the kommuner (a heat map on its own colour scale, −1 … 1, never the score
scale), each kommun's departure from the consensus (bars), and the links where the kommuner depart most
(their scores beside the consensus, on the fixed score colour scale).
"""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.analysis import tied
from sdg_interactions.analysis.comparison import departing_cells
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.plots.base import caption_lines, check, finish, inline, name_of, score_color, y_axis
from sdg_interactions.texts import text

__all__ = ["CORRELATION_DOMAIN", "CORRELATION_SCHEME", "DEPARTURE_COLOR", "comparison_chart"]

#: The fixed domain of the correlation colour scale, so charts compare across comparisons.
CORRELATION_DOMAIN = (-1, 1)
#: A sequential, colour-blind-safe scheme: correlations are no scores and never share their colours.
CORRELATION_SCHEME = "viridis"
#: The bars of departure: a neutral grey (a sum of distances has no sign).
DEPARTURE_COLOR = "#5f6b77"


def _labels(comparison: xr.Dataset, dim: str) -> list[str]:
    key = f"{dim}_label"
    values = comparison[key] if key in comparison.coords else comparison[dim]
    return [str(v) for v in values.to_numpy()]


def comparison_chart(comparison: xr.Dataset, *, lang: str = "sv", top: int = 5, caption: str | None = None,
                     attrs: Mapping | None = None) -> alt.VConcatChart:
    """Rank correlations, departures and the most departing links of a comparison of kommuner.

    * top left: Spearman's ρ between each pair of kommuner's systemic scores, a heat map with the value
      in each cell (colour scale ``viridis`` on the fixed domain [−1, 1]: correlations are not scores);
    * top right: each kommun's ``departure`` (Σ |difference| from the consensus), grey bars;
    * below: the union of each kommun's ``top`` most departing links
      (:func:`~sdg_interactions.analysis.comparison.departing_cells`), one row each ("a → b"), with the
      consensus and every kommun's score on the fixed score colour scale [−3, 3]; a kommun's cell that
      departs from the consensus is framed.

    Kommuner are shown by ``kommun_label`` where the comparison has it. The caption cites the source
    (``attrs`` or the comparison's attrs) and says so when the data is synthetic (``attrs["synthetic"]``).

    Examples
    --------
    >>> from sdg_interactions.analysis.comparison import compare_matrices, stack_matrices
    >>> from sdg_interactions.matrix import toy_matrix
    >>> a = toy_matrix()
    >>> spec = comparison_chart(compare_matrices(stack_matrices({"a": a, "b": a.where(a != 3, 1)})), lang="en")
    >>> grid = spec.to_dict()["vconcat"][1]
    >>> grid["layer"][0]["encoding"]["color"]["scale"]["domain"]  # the score scale
    [-3, 3]
    >>> from sdg_interactions.plots import rows_of
    >>> sorted((r["kommun"], r["score"]) for r in rows_of(spec.to_dict(), grid["data"]["name"]))
    [('a', 3.0), ('b', 1.0), ('consensus', 2.0)]
    >>> rows_of(spec.to_dict(), grid["data"]["name"])[0]["link"]  # ids with short labels
    '1.2 Reduce at least by half… → 1.3 Social protection'
    """
    lang = check(lang)
    needed = ("score", "consensus", "difference", "departure", "spearman")
    if not isinstance(comparison, xr.Dataset) or any(v not in comparison for v in needed):
        raise ValidationError(locate(tr("error.report.plots.comparison_input"),
                                     valid=tr("error.report.plots.valid_comparison")))
    dim = str(comparison.attrs.get("dim", comparison["departure"].dims[0]))
    names = [str(v) for v in comparison[dim].to_numpy()]
    labels = _labels(comparison, dim)
    shown = dict(zip(names, labels, strict=True))
    say = {key: text(f"comparison.chart.{key}", lang) for key in ("kommun", "consensus", "link")}

    rho = comparison["spearman"].to_numpy().astype(float)
    pairs = pd.DataFrame([{"kommun": labels[k], "other": labels[m], "rho": None if np.isnan(rho[k, m]) else rho[k, m]}
                          for k in range(len(names)) for m in range(len(names))])
    rho_title = text("comparison.column.spearman", lang)
    heat_base = alt.Chart(inline(pairs)).encode(
        x=alt.X("other:N", sort=labels, title=None, axis=alt.Axis(labelAngle=-40)),
        y=alt.Y("kommun:N", sort=labels, title=None))
    heat = heat_base.mark_rect().encode(
        color=alt.Color("rho:Q", title=text("comparison.chart.spearman_legend", lang),
                        scale=alt.Scale(domain=list(CORRELATION_DOMAIN), scheme=CORRELATION_SCHEME)),
        tooltip=[alt.Tooltip("kommun:N", title=say["kommun"]), alt.Tooltip("other:N", title=say["kommun"]),
                 alt.Tooltip("rho:Q", title=rho_title, format=".3f")])
    values = heat_base.mark_text(fontSize=10).encode(
        text=alt.Text("rho:Q", format=".2f"),
        color=alt.condition("datum.rho > 0.3", alt.value("black"), alt.value("white")))
    heat = alt.layer(heat, values).properties(width=alt.Step(44), height=alt.Step(26),
                                              title=text("comparison.chart.spearman_title", lang))

    departures = pd.DataFrame({"kommun": labels, "departure": comparison["departure"].to_numpy().astype(float)})
    order = departures.sort_values("departure", ascending=False, kind="stable")["kommun"].tolist()
    bars = alt.Chart(inline(departures)).mark_bar(color=DEPARTURE_COLOR).encode(
        y=alt.Y("kommun:N", sort=order, title=None),
        x=alt.X("departure:Q", title=text("comparison.chart.departure_x", lang)),
        tooltip=[alt.Tooltip("kommun:N", title=say["kommun"]),
                 alt.Tooltip("departure:Q", title=text("comparison.column.departure", lang), format=".2~f")],
    ).properties(width=240, height=alt.Step(22), title=text("comparison.chart.departure_title", lang))

    cells = departing_cells(comparison, top=top, lang=lang)
    cells["size"] = cells["difference"].abs()
    chosen = (cells.groupby(["source", "target"], sort=False)["size"].max().reset_index()
              .sort_values("size", ascending=False, kind="stable"))
    source_ids = [str(v) for v in comparison["source"].to_numpy()]
    named = {**dict(zip(cells["source"], cells["source_label"], strict=True)),
             **dict(zip(cells["target"], cells["target_label"], strict=True))}

    def link_of(source: str, target: str, limit: int = 36) -> str:  # labels, not bare ids; cut at a word
        return (f"{name_of(source, str(named.get(source, source)), limit)} → "
                f"{name_of(target, str(named.get(target, target)), limit)}")

    rows = []
    for source, target in zip(chosen["source"], chosen["target"], strict=True):
        link = link_of(source, target)
        i, j = source_ids.index(source), source_ids.index(target)
        consensus = float(comparison["consensus"].to_numpy()[i, j])
        full = link_of(source, target, 400)
        rows.append({"link": link, "link_full": full, "kommun": say["consensus"], "score": consensus,
                     "consensus": consensus,
                     "difference": 0.0, "departs": False})
        for k, name in enumerate(names):
            score = float(comparison["score"].transpose(dim, ...).to_numpy()[k, i, j])
            diff = float(comparison["difference"].transpose(dim, ...).to_numpy()[k, i, j])
            rows.append({"link": link, "link_full": full, "kommun": shown[name],
                         "score": None if np.isnan(score) else score,
                         "consensus": consensus, "difference": None if np.isnan(diff) else diff,
                         "departs": bool(not np.isnan(diff) and not tied(diff, 0.0))})
    frame = pd.DataFrame(rows, columns=["link", "link_full", "kommun", "score", "consensus", "difference", "departs"])
    link_order = [link_of(s, t) for s, t in zip(chosen["source"], chosen["target"], strict=True)]
    column_order = [say["consensus"], *labels]
    cell_base = alt.Chart(inline(frame)).encode(
        x=alt.X("kommun:N", sort=column_order, title=None, axis=alt.Axis(orient="top", labelAngle=-40)),
        y=alt.Y("link:N", sort=link_order, axis=y_axis(text("comparison.chart.cells_y", lang), labelLimit=0)))
    tooltip = [alt.Tooltip("link_full:N", title=say["link"]), alt.Tooltip("kommun:N", title=say["kommun"]),
               alt.Tooltip("score:Q", title=text("comparison.column.score", lang), format="+.2~f"),
               alt.Tooltip("consensus:Q", title=text("comparison.column.consensus", lang), format="+.2~f"),
               alt.Tooltip("difference:Q", title=text("comparison.column.difference", lang), format="+.2~f")]
    squares = cell_base.mark_rect().encode(
        color=score_color("score", text("comparison.chart.cells_legend", lang), lang), tooltip=tooltip,
        stroke=alt.condition("datum.departs", alt.value("black"), alt.value(None)),
        strokeWidth=alt.condition("datum.departs", alt.value(2), alt.value(0)))
    numbers = cell_base.transform_calculate(
        shown="datum.score == null ? '' : datum.score == 0 ? '0' : format(datum.score, '+.2~f')",
    ).mark_text(fontSize=10).encode(
        text=alt.Text("shown:N"),
        color=alt.condition("abs(datum.score) >= 2", alt.value("white"), alt.value("black")))
    grid = alt.layer(squares, numbers).properties(
        width=alt.Step(52), height=alt.Step(18), title=text("comparison.chart.cells_title", lang, top=int(top)))

    chart = alt.vconcat(alt.hconcat(heat, bars, spacing=40), grid, spacing=24).resolve_scale(color="independent")
    source = dict(attrs or comparison.attrs)
    notes = [text("comparison.chart.synthetic", lang)] if int(source.get("synthetic", 0) or 0) else []
    notes.append(text("comparison.chart.caption", lang))
    return finish(chart, title=text("comparison.chart.title", lang, n=len(names)), lang=lang, kind="comparison",
                  caption=caption_lines(source, lang, *notes, caption=caption))
