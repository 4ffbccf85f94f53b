"""Charts of single links: one node's links (:func:`radial`), the goal conflicts (:func:`conflicts`), and the
briefing's picture of the strongest levers beside the worst conflicts (:func:`levers_conflicts`)."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.errors import UnknownIdError, ValidationError, locate, tr
from sdg_interactions.frameworks import node_sort_key
from sdg_interactions.plots.base import (
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    SCORE_DOMAIN,
    caption_lines,
    check,
    finish,
    fit_label,
    inline,
    label_expr,
    name_of,
    node_table,
    scale_table,
    score_color,
    shorten,
    whole_axis,
    y_axis,
)
from sdg_interactions.plots.heatmaps import scored_cells
from sdg_interactions.texts import text

__all__ = ["conflicts", "levers_conflicts", "radial"]

DIRECTIONS = ("out", "in")
#: Vega expressions of a signed number in the chart's locale: "+2", "0", "−1,5".
SIGNED_VALUE = "(datum.score > 0 ? '+' : '') + format(datum.score, '.2~f')"
SIGNED_LABEL = "(datum.value > 0 ? '+' : '') + datum.label"


def _pair_lines(source: str, target: str, width: int = 48) -> list[str]:
    """A link's axis label in two lines: "13.1 Stärk motståndskraften…" and "→ 7.2 Öka andelen förnybar…"."""
    return [shorten(source, width), "→ " + shorten(target, width - 2)]


def _score_bars(base: alt.Chart, *, y_field: str, order: list[str], y_title: str, x_title: str,
                lang: str, tooltip: list, domain=SCORE_DOMAIN, lines: dict | None = None) -> alt.LayerChart:
    """Horizontal bars of scores in a fixed order, coloured on the score scale, with the value at the end.

    The x axis is the scale itself (``domain``), ticked at its whole numbers ("−3", "−2", …, "+3"); with
    ``lines`` ({value: [line, …]}) the y labels are drawn in those lines.
    """
    extra = {"labelExpr": label_expr(lines)} if lines else {}
    y = alt.Y(f"{y_field}:N", sort=order, axis=y_axis(y_title, labelLimit=0, **extra))
    x = alt.X("score:Q", scale=alt.Scale(domain=list(domain), nice=False, padding=26), title=x_title,
              axis=whole_axis(values=list(range(domain[0], domain[1] + 1)), labelExpr=SIGNED_LABEL))
    bars = base.mark_bar(height={"band": 0.8}).encode(
        y=y, x=x, color=score_color("score", text("plots.tooltip.score", lang), lang), tooltip=tooltip)
    labelled = base.transform_calculate(value=SIGNED_VALUE)
    right = labelled.transform_filter("datum.score >= 0").mark_text(align="left", dx=4, fontSize=10).encode(
        y=y, x=x, text="value:N")
    left = labelled.transform_filter("datum.score < 0").mark_text(align="right", dx=-4, fontSize=10).encode(
        y=y, x=x, text="value:N")
    zero = base.mark_rule(color="#444444").encode(x=alt.datum(0))
    return alt.layer(bars, right, left, zero).properties(height=alt.Step(28 if lines else 18), width=360)


def radial(obj: xr.DataArray | xr.Dataset, node: str, *, direction: str = "out", top: int | None = None,
           lang: str = "sv", caption: str | None = None) -> alt.LayerChart:
    """One node's scored links: what it influences (``direction="out"``) or what influences it (``"in"``).

    A sorted bar chart: one bar per other node, strongest promoting link on top, strongest
    hindering at the bottom (ties in node order); x on the fixed scale [−3, 3], coloured like the
    heat map. ``top`` keeps the ``top`` links of largest ``|score|`` (so conflicts are not cut away
    in favour of weaker synergies). Tooltips show the other node's full text and any comment.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> spec = radial(toy_matrix(), "1.2", lang="en").to_dict()
    >>> from sdg_interactions.plots import rows_of
    >>> [row["other"] for row in rows_of(spec, spec["data"]["name"])]  # 3, 1, 0
    ['1.3', '1.4', '1.1']
    >>> spec["title"]["text"]
    'How 1.2 influences other targets'
    """
    lang = check(lang)
    if direction not in DIRECTIONS:
        raise ValidationError(locate(tr("error.kolada.unknown_direction"), value=direction,
                                     valid=tr("error.report.plots.valid_direction")))
    nodes = node_table(obj, lang).set_index("id")
    if node not in nodes.index:
        raise UnknownIdError(locate(tr("error.report.plots.no_node"), value=node,
                                    valid=", ".join(nodes.index[:8]) + (" …" if len(nodes) > 8 else "")))
    cells = scored_cells(obj)
    mine, other = ("source", "target") if direction == "out" else ("target", "source")
    links = cells[cells[mine] == node].rename(columns={other: "other"}).drop(columns=[mine])
    total = len(links)
    links = links.assign(key=[node_sort_key(i) for i in links["other"]])
    if top is not None:
        links = links.assign(strength=links["score"].abs()).sort_values(
            ["strength", "key"], ascending=[False, True], kind="stable").head(int(top))
    links = links.sort_values(["score", "key"], ascending=[False, True], kind="stable").drop(
        columns=["key", "strength"], errors="ignore")
    info = nodes.loc[links["other"]]
    links["label"] = info["label"].to_numpy()
    links["text"] = info["text"].to_numpy()
    links["name"] = [name_of(i, lab) for i, lab in zip(links["other"], links["label"], strict=True)]
    steps = {row["step"]: row["scale"] for row in scale_table(lang)}
    links["scale"] = [steps[int(np.round(s))] for s in links["score"]]
    role = "target" if direction == "out" else "source"
    tooltip = [alt.Tooltip("other:N", title=text(f"plots.tooltip.{role}", lang)),
               alt.Tooltip("label:N", title=text("plots.tooltip.label", lang)),
               alt.Tooltip("text:N", title=text("plots.tooltip.text", lang)),
               alt.Tooltip("score:Q", title=text("plots.tooltip.score", lang), format="+.2~f"),
               alt.Tooltip("scale:N", title=text("plots.tooltip.scale", lang))]
    if "comment" in links:
        tooltip.append(alt.Tooltip("comment:N", title=text("plots.tooltip.comment", lang)))
    chart = _score_bars(alt.Chart(inline(links)), y_field="name", order=links["name"].tolist(),
                        y_title=text(f"plots.radial.y_{direction}", lang),
                        x_title=text("plots.radial.x", lang), lang=lang, tooltip=tooltip)
    name = name_of(node, str(nodes.loc[node, "label"]), limit=80)
    notes = [name, text("plots.caption.scale", lang)]
    if top is not None and top < total:
        notes.insert(1, text("plots.radial.top", lang, top=int(top), total=total))
    return finish(chart, title=text(f"plots.radial.title_{direction}", lang, node=node), lang=lang,
                  kind="radial", caption=caption_lines(obj.attrs, lang, *notes, caption=caption))


def conflicts(conflicts_table: pd.DataFrame, *, lang: str = "sv", top: int | None = 20,
              caption: str | None = None, attrs: Mapping | None = None) -> alt.LayerChart:
    """The goal conflicts (negative links) as a sorted bar chart, worst on top.

    Parameters
    ----------
    conflicts_table : pandas.DataFrame
        The table of :func:`sdg_interactions.analysis.conflicts` (``source``, ``target``, ``score``,
        and optionally ``comment``, ``n_respondents``, ``share_negative`` and the labels), in its
        order: worst first.
    top : int, optional
        Show the first ``top`` rows (default 20); ``None`` shows all.
    attrs : dict, optional
        The matrix's ``attrs``, for the source caption (a table has none of its own).

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> from sdg_interactions.analysis import conflicts as conflict_table
    >>> spec = conflicts(conflict_table(toy_matrix()), lang="en").to_dict()
    >>> from sdg_interactions.plots import rows_of
    >>> [row["pair"] for row in rows_of(spec, spec["data"]["name"])]
    ['1.1 → 1.3', '1.3 → 1.4']
    """
    lang = check(lang)
    missing = {"source", "target", "score"} - set(conflicts_table.columns)
    if missing:
        raise ValidationError(locate(tr("error.report.plots.conflict_columns", missing=", ".join(sorted(missing))),
                                     valid=tr("error.report.plots.valid_conflicts")))
    total = len(conflicts_table)
    rows = conflicts_table if top is None else conflicts_table.head(int(top))
    rows = rows.reset_index(drop=True).copy()
    rows["source"] = rows["source"].astype(str)
    rows["target"] = rows["target"].astype(str)
    rows["pair"] = rows["source"] + " → " + rows["target"]
    for role in ("source", "target"):
        column = f"{role}_label_{lang}"
        rows[f"{role}_label"] = rows[column].astype(str) if column in rows else rows[role]
    full_source = [name_of(i, lab, limit=400) for i, lab in zip(rows["source"], rows["source_label"], strict=True)]
    full_target = [name_of(i, lab, limit=400) for i, lab in zip(rows["target"], rows["target_label"], strict=True)]
    rows["name"] = [f"{shorten(s, 34)} → {shorten(t, 34)}" for s, t in zip(full_source, full_target, strict=True)]
    lines = {name: _pair_lines(s, t) for name, s, t in zip(rows["name"], full_source, full_target, strict=True)}
    steps = {row["step"]: row["scale"] for row in scale_table(lang)}
    rows["scale"] = [steps[int(np.round(s))] for s in rows["score"]]
    keep = ["pair", "name", "source", "target", "source_label", "target_label", "score", "scale"]
    tooltip = [alt.Tooltip("source:N", title=text("plots.tooltip.source", lang)),
               alt.Tooltip("source_label:N", title=text("plots.tooltip.source_label", lang)),
               alt.Tooltip("target:N", title=text("plots.tooltip.target", lang)),
               alt.Tooltip("target_label:N", title=text("plots.tooltip.target_label", lang)),
               alt.Tooltip("score:Q", title=text("plots.tooltip.score", lang), format="+.2~f"),
               alt.Tooltip("scale:N", title=text("plots.tooltip.scale", lang))]
    if "comment" in rows:
        keep.append("comment")
        tooltip.append(alt.Tooltip("comment:N", title=text("plots.tooltip.comment", lang)))
    if "n_respondents" in rows and len(rows) and rows["n_respondents"].max() > 1:
        keep += ["n_respondents", "share_negative"]
        tooltip += [alt.Tooltip("n_respondents:Q", title=text("plots.conflicts.n_respondents", lang)),
                    alt.Tooltip("share_negative:Q", title=text("plots.conflicts.share_negative", lang),
                                format=".0%")]
    notes = []
    if total == 0:
        notes.append(text("plots.conflicts.none", lang))
    elif len(rows) < total:
        notes.append(text("plots.conflicts.shown", lang, shown=len(rows), total=total))
    notes.append(text("plots.caption.scale", lang))
    chart = _score_bars(alt.Chart(inline(rows[keep])), y_field="name", order=rows["name"].tolist(),
                        y_title=text("plots.conflicts.y", lang), x_title=text("plots.conflicts.x", lang),
                        lang=lang, tooltip=tooltip, domain=(SCORE_DOMAIN[0], 0), lines=lines)
    return finish(chart, title=text("plots.conflicts.title", lang),
                  caption=caption_lines(attrs or conflicts_table.attrs, lang, *notes, caption=caption),
                  lang=lang, kind="conflicts")


def levers_conflicts(obj: xr.DataArray | xr.Dataset, levers: list[str], conflict_pairs: list[tuple[str, str]], *,
                     lang: str = "sv", caption: str | None = None, mean: bool | None = None) -> alt.VConcatChart:
    """The briefing's picture: the ``levers`` as bars of their systemic score (ranked, labelled), above
    the ``conflict_pairs`` as bars of their (negative) score, worst first; equal bars are ties.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix (aggregate several respondents first).
    levers : list of str
        Node ids, in the order to show (the report's levers).
    conflict_pairs : list of (source, target)
        The conflicts to show, worst first.
    mean : bool, optional
        Whether a pair's value is a mean of several answers (the axis and the caption say "medelvärde");
        None: when ``obj`` was combined from several respondents (``attrs["n_respondent"]`` above 1).

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> spec = levers_conflicts(toy_matrix(), ["1.2", "1.1"], [("1.1", "1.3")], lang="en").to_dict()
    >>> from sdg_interactions.plots import rows_of
    >>> [(r["node"], r["value"]) for r in rows_of(spec, spec["vconcat"][0]["data"]["name"])]
    [('1.2', 3.0), ('1.1', 5.0)]
    """
    from sdg_interactions.analysis import sdg_synergies

    lang = check(lang)
    if mean is None:
        mean = int(obj.attrs.get("n_respondent", 1) or 1) > 1
    means = "_mean" if mean else ""
    nodes = node_table(obj, lang)
    labels = dict(zip(nodes["id"], nodes["label"], strict=True))
    metrics = sdg_synergies(obj)
    systemic = dict(zip([str(v) for v in metrics["node"].to_numpy()], metrics["systemic"].to_numpy(), strict=True))
    unknown = [i for i in [*levers, *(n for pair in conflict_pairs for n in pair)] if i not in labels]
    if unknown:
        raise UnknownIdError(locate(tr("error.report.plots.no_node"), value=unknown[0], valid=", ".join(labels)))
    full = {i: name_of(i, labels[i], 400) for i in labels}
    lever_rows = pd.DataFrame({"node": list(levers), "name": [shorten(full[i], 44) for i in levers],
                               "full": [full[i] for i in levers],
                               "value": [float(systemic[i]) for i in levers]})
    lever_lines = {name: fit_label(full[i], 44) for name, i in zip(lever_rows["name"], levers, strict=True)}
    cells = scored_cells(obj, comments=False).set_index(["source", "target"])["score"]
    conflict_rows = pd.DataFrame({
        "node": [f"{s} → {t}" for s, t in conflict_pairs],
        "name": [f"{shorten(full[s], 24)} → {shorten(full[t], 24)}" for s, t in conflict_pairs],
        "full": [f"{full[s]} → {full[t]}" for s, t in conflict_pairs],
        "value": [float(cells.get((s, t), np.nan)) for s, t in conflict_pairs]})
    conflict_lines = {name: _pair_lines(full[s], full[t], 48)
                      for name, (s, t) in zip(conflict_rows["name"], conflict_pairs, strict=True)}
    value_text = "format(datum.value, ',.1~f')"  # as the report's tables write it: "364,5", "567", "−2"
    panels = []
    for rows, color, key, lines in ((lever_rows, POSITIVE_COLOR, "levers", lever_lines),
                                    (conflict_rows, NEGATIVE_COLOR, "conflicts", conflict_lines)):
        if rows.empty:
            continue
        base = alt.Chart(inline(rows)).transform_calculate(shown=value_text)
        y = alt.Y("name:N", sort=rows["name"].tolist(),
                  axis=alt.Axis(title=None, labelLimit=0, labelFontSize=10, labelExpr=label_expr(lines)))
        if key == "levers":  # systemic scores: from 0, ticks at round whole numbers
            scale = alt.Scale(nice=True, zero=True, padding=8)
            axis = whole_axis(tickCount=4)
        else:  # the scale's negative half, −3 … 0, ticked at its whole numbers
            scale = alt.Scale(domain=[SCORE_DOMAIN[0], 0], nice=False, padding=8)
            axis = whole_axis(values=list(range(SCORE_DOMAIN[0], 1)))
        title = text(f"plots.briefing.{key}_x" + (means if key == "conflicts" else ""), lang)
        x = alt.X("value:Q", title=title, scale=scale, axis=axis)
        bars = base.mark_bar(color=color, height={"band": 0.7}).encode(
            y=y, x=x, tooltip=[alt.Tooltip("full:N", title=text(f"plots.briefing.{key}_tooltip", lang)),
                               alt.Tooltip("value:Q", title=title, format=",.1~f")])
        align, dx = ("left", 3) if key == "levers" else ("right", -3)
        values = base.mark_text(align=align, dx=dx, fontSize=9).encode(
            y=y, x=x, text=alt.Text("shown:N"))
        panels.append(alt.layer(bars, values).properties(
            width=200, height=alt.Step(30),
            title=alt.TitleParams(text(f"plots.briefing.{key}", lang), anchor="start", fontSize=12)))
    chart = alt.vconcat(*panels, spacing=10)
    return finish(chart, title=text("plots.briefing.title", lang), lang=lang, kind="levers_conflicts",
                  caption=caption_lines({}, lang, text("plots.briefing.caption" + means, lang), caption=caption))
