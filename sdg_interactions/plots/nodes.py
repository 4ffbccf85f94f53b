"""Charts of per-node results: :func:`ranking`, :func:`quadrants` and :func:`scenario_classes`."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.analysis import rank_descending
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.frameworks import node_sort_key
from sdg_interactions.plots.base import (
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    caption_lines,
    check,
    finish,
    inline,
    result_labels,
    whole_axis,
    y_axis,
)
from sdg_interactions.texts import text

__all__ = ["CLASS_COLORS", "QUADRANT_COLORS", "quadrants", "ranking", "scenario_classes"]

#: Okabe–Ito colours (colour-blind safe) of the quadrants of the influence–dependence plane.
QUADRANT_COLORS = {"driver": "#0072B2", "relay": "#E69F00", "dependent": "#CC79A7", "autonomous": "#999999"}
#: Colours of the scenario classes: blues for support, grey for "not free", vermilion for "at risk".
CLASS_COLORS = {"prioritised": "#0b3c6e", "comes_along": "#2f6fa8", "partly_supported": "#8fbbdd",
                "not_free": "#aaaaaa", "at_risk": "#D55E00"}
#: The order in which the classes are shown.
CLASS_ORDER = ("prioritised", "comes_along", "partly_supported", "not_free", "at_risk")


def _need(result: xr.Dataset, names: tuple[str, ...], where: str) -> None:
    missing = [n for n in names if n not in result]
    if missing:
        raise ValidationError(locate(tr("error.report.plots.needs_variables", names=", ".join(names),
                                        missing=", ".join(missing)),
                                     valid=tr("error.report.plots.valid_result_of", where=where)))


def _sign_color(field: str):
    return alt.condition(f"datum.{field} >= 0", alt.value(POSITIVE_COLOR), alt.value(NEGATIVE_COLOR))


def ranking(metrics: xr.Dataset, *, lang: str = "sv", top: int | None = None, caption: str | None = None,
            attrs: Mapping | None = None) -> alt.HConcatChart:
    """First-order (``out_sum``) beside systemic influence (``systemic``), nodes sorted by systemic rank.

    Two bar charts on one shared order (systemic rank, ties in node order), so a node that climbs or
    falls once second-order effects count stands out. ``top`` keeps the ``top`` best ranked.
    ``attrs`` (the matrix's) or ``caption`` name the source under the title.

    Examples
    --------
    >>> from sdg_interactions.analysis import sdg_synergies
    >>> from sdg_interactions.matrix import toy_matrix
    >>> spec = ranking(sdg_synergies(toy_matrix()), lang="en").to_dict()
    >>> from sdg_interactions.plots import rows_of
    >>> [row["node"] for row in rows_of(spec, spec["data"]["name"])]
    ['1.2', '1.1', '1.4', '1.3']
    """
    lang = check(lang)
    _need(metrics, ("out_sum", "systemic", "rank"), "sdg_interactions.analysis.sdg_synergies(matrix)")
    frame = result_labels(metrics, lang)
    frame["out_sum"] = metrics["out_sum"].to_numpy()
    frame["systemic"] = metrics["systemic"].to_numpy()
    frame["rank"] = metrics["rank"].to_numpy().astype(int)
    frame["first_rank"] = rank_descending(metrics["out_sum"].to_numpy())
    frame["key"] = [node_sort_key(i) for i in frame["node"]]
    frame = frame.sort_values(["rank", "key"], kind="stable").drop(columns="key").reset_index(drop=True)
    total = len(frame)
    if top is not None:
        frame = frame.head(int(top))
    order = frame["name"].tolist()
    first, systemic = text("plots.ranking.first_order", lang), text("plots.ranking.systemic", lang)
    tooltip = [alt.Tooltip("node:N", title=text("plots.tooltip.node", lang)),
               alt.Tooltip("label:N", title=text("plots.tooltip.label", lang)),
               alt.Tooltip("rank:Q", title=text("plots.ranking.rank", lang)),
               alt.Tooltip("first_rank:Q", title=text("plots.ranking.first_rank", lang)),
               alt.Tooltip("out_sum:Q", title=first, format=".2~f"),
               alt.Tooltip("systemic:Q", title=systemic, format=".2~f")]
    base = alt.Chart(inline(frame)).encode(tooltip=tooltip).properties(width=240, height=alt.Step(16))
    y = alt.Y("name:N", sort=order, axis=y_axis(text("plots.ranking.y", lang), labelLimit=0))
    left = base.mark_bar().encode(y=y, x=alt.X("out_sum:Q", axis=whole_axis(first)), color=_sign_color("out_sum"))
    right = base.mark_bar().encode(y=alt.Y("name:N", sort=order, axis=None),
                                   x=alt.X("systemic:Q", axis=whole_axis(systemic)), color=_sign_color("systemic"))
    chart = alt.hconcat(left, right, spacing=12)
    notes = [text("plots.ranking.caption", lang)]
    if top is not None and top < total:
        notes.insert(0, text("plots.ranking.top", lang, top=int(top), total=total))
    return finish(chart, title=text("plots.ranking.title", lang), lang=lang, kind="ranking",
                  caption=caption_lines(attrs or metrics.attrs, lang, *notes, caption=caption))


def quadrants(influence_result: xr.Dataset, *, lang: str = "sv", caption: str | None = None,
              attrs: Mapping | None = None) -> alt.LayerChart:
    """The influence–dependence plane: dependence on x, influence on y, dashed lines at the means.

    Takes :func:`sdg_interactions.analysis.influence_dependence` (``influence``, ``dependence``,
    ``quadrant``). Points are coloured by quadrant (names in ``lang``) and labelled with their ids; the
    quadrant names stand in the corners: drivers top left, relays top right, dependents bottom right,
    autonomous bottom left. The mean lines are computed from the data sent (the means over the nodes).
    ``attrs`` (the matrix's) or ``caption`` name the source under the title.

    Examples
    --------
    >>> from sdg_interactions.analysis import influence_dependence
    >>> from sdg_interactions.matrix import toy_matrix
    >>> spec = quadrants(influence_dependence(toy_matrix()), lang="en").to_dict()
    >>> spec["layer"][0]["encoding"]["color"]["scale"]["domain"]
    ['driver', 'relay', 'dependent', 'autonomous']
    """
    lang = check(lang)
    _need(influence_result, ("influence", "dependence", "quadrant"),
          "sdg_interactions.analysis.influence_dependence(matrix)")
    frame = result_labels(influence_result, lang)
    frame["influence"] = influence_result["influence"].to_numpy().astype(float)
    frame["dependence"] = influence_result["dependence"].to_numpy().astype(float)
    codes = [str(q) for q in influence_result["quadrant"].to_numpy()]
    names = {code: text(f"metrics.quadrant.{code}", lang) for code in QUADRANT_COLORS}
    frame["quadrant"] = [names.get(c, c) for c in codes]
    x_title, y_title = text("plots.quadrants.x", lang), text("plots.quadrants.y", lang)
    quadrant_title = text("metrics.column.quadrant", lang)
    width, height = 480, 400
    x_max = _nice_max(frame["dependence"].max() if len(frame) else 1.0)
    y_max = _nice_max(frame["influence"].max() if len(frame) else 1.0)
    frame = _place_labels(frame, x_max / width, y_max / height)
    base = alt.Chart(inline(frame))
    # every layer shares the two scales and names the same axis titles: one axis each, titled in ``lang``
    x_scale = alt.Scale(domain=[0, x_max], nice=False)
    y_scale = alt.Scale(domain=[0, y_max], nice=False)
    x_axis, y_axis_ = whole_axis(x_title), whole_axis(y_title)
    x = alt.X("dependence:Q", title=x_title, scale=x_scale, axis=x_axis)
    y = alt.Y("influence:Q", title=y_title, scale=y_scale, axis=y_axis_)
    points = base.mark_circle(size=90, opacity=0.9, stroke="white", strokeWidth=0.5).encode(
        x=x, y=y,
        color=alt.Color("quadrant:N", title=quadrant_title,
                        scale=alt.Scale(domain=list(names.values()), range=list(QUADRANT_COLORS.values()))),
        tooltip=[alt.Tooltip("node:N", title=text("plots.tooltip.node", lang)),
                 alt.Tooltip("label:N", title=text("plots.tooltip.label", lang)),
                 alt.Tooltip("quadrant:N", title=quadrant_title),
                 alt.Tooltip("influence:Q", title=y_title, format=".2~f"),
                 alt.Tooltip("dependence:Q", title=x_title, format=".2~f")])
    lx = alt.X("lx:Q", title=x_title, scale=x_scale, axis=x_axis)
    ly = alt.Y("ly:Q", title=y_title, scale=y_scale, axis=y_axis_)
    labels = [base.transform_filter(f"datum.lalign == '{side}'").mark_text(
        align=side, baseline="middle", fontSize=9, color="#333333").encode(
            x=lx, y=ly, text=alt.Text("node:N", title=text("plots.tooltip.node", lang)))
        for side in ("left", "center", "right")]
    rule = {"strokeDash": [4, 3], "color": "#666666"}
    mean_x = base.mark_rule(**rule).encode(x=alt.X("mean(dependence):Q", title=x_title, scale=x_scale, axis=x_axis))
    mean_y = base.mark_rule(**rule).encode(y=alt.Y("mean(influence):Q", title=y_title, scale=y_scale, axis=y_axis_))
    corners = pd.DataFrame({  # inside the plot, one line in from its edges
        "quadrant": [names[c] for c in QUADRANT_COLORS],
        "dependence": [0.01 * x_max, 0.99 * x_max, 0.99 * x_max, 0.01 * x_max],
        "influence": [0.97 * y_max, 0.97 * y_max, 0.02 * y_max, 0.02 * y_max],
        "align": ["left", "right", "right", "left"],
    })
    corner_color = alt.Color("quadrant:N", legend=None, scale=alt.Scale(domain=list(names.values()),
                                                                        range=list(QUADRANT_COLORS.values())))
    corner_base = alt.Chart(inline(corners)).encode(x=x, y=y,
                                                    text="quadrant:N", color=corner_color)
    corner = [corner_base.transform_filter(f"datum.align == '{side}'").mark_text(
        align=side, baseline="middle", fontWeight="bold", fontSize=12, opacity=0.75) for side in ("left", "right")]
    chart = alt.layer(points, mean_x, mean_y, *labels, *corner).properties(width=width, height=height)
    return finish(chart, title=text("plots.quadrants.title", lang),
                  caption=caption_lines(attrs or influence_result.attrs, lang, text("plots.quadrants.caption", lang),
                                        caption=caption), lang=lang, kind="quadrants")


def _empty_note(codes: list[str], names: Mapping[str, str], lang: str) -> str | None:
    """The sentence naming the classes no node is in ("Inget delmål i klassen ’inte gratis …’."), or None."""
    from sdg_interactions.formats import word_list

    empty = [c for c in CLASS_ORDER if c not in codes]
    if not empty:
        return None
    return text("plots.scenario.empty" + ("_many" if len(empty) > 1 else ""), lang,
                classes=word_list([text("plots.scenario.quoted", lang, name=names[c]) for c in empty], lang))


def _class_counts(frame: pd.DataFrame, names: Mapping[str, str], lang: str, *, caption: list[str]):
    """The compact chart: one bar per class that holds a node, its length the number of nodes in it (a class
    with none is left out, and the caption names it: a bar of length 0 would read as a finding)."""
    shown = [c for c in CLASS_ORDER if (frame["code"] == c).any()]
    counts = pd.DataFrame({"class": [names[c] for c in shown], "n": [int((frame["code"] == c).sum()) for c in shown]})
    class_title = text("plots.scenario.class", lang)
    scale = alt.Scale(domain=[names[c] for c in shown], range=[CLASS_COLORS[c] for c in shown])
    base = alt.Chart(inline(counts))
    y = alt.Y("class:N", sort=[names[c] for c in shown], axis=alt.Axis(title=None, labelLimit=320))
    x = alt.X("n:Q", axis=whole_axis(text("plots.scenario.count", lang)))
    bars = base.mark_bar(height={"band": 0.7}).encode(y=y, x=x, color=alt.Color("class:N", scale=scale, legend=None),
                                                      tooltip=[alt.Tooltip("class:N", title=class_title),
                                                               alt.Tooltip("n:Q", title=text("plots.scenario.count",
                                                                                             lang))])
    values = base.mark_text(align="left", dx=3, fontSize=10).encode(y=y, x=x, text=alt.Text("n:Q", format=",d"))
    return alt.layer(bars, values).properties(width=240, height=alt.Step(17)), caption


def _nice_max(value: float) -> float:
    """A round upper end for an axis from 0: 37 → 40, 52 → 60, 0 → 1."""
    value = float(value) * 1.05
    if value <= 0 or not np.isfinite(value):
        return 1.0
    unit = 10 ** np.floor(np.log10(value))
    return float(np.ceil(value / (unit / 2)) * (unit / 2))


def _place_labels(frame: pd.DataFrame, x_unit: float, y_unit: float) -> pd.DataFrame:
    """Beside each point the first of eight spots (above, right, below, left, then the diagonals) where
    its id overlaps no label placed before and no other point; ``lx``, ``ly`` (data units) and ``lalign``.

    Units are data units per pixel; an id is ~5.5 px per character wide and 10 px tall at font size 9.
    """
    points = np.c_[frame["dependence"].to_numpy() / x_unit, frame["influence"].to_numpy() / y_unit]
    spots = [(0, 11, "center"), (8, 0, "left"), (0, -11, "center"), (-8, 0, "right"),
             (7, 9, "left"), (7, -9, "left"), (-7, 9, "right"), (-7, -9, "right")]
    placed, lx, ly, align = [], [], [], []
    for k, (px, py) in enumerate(points):
        w = 5.5 * len(str(frame["node"].iloc[k]))
        chosen = None
        for dx, dy, side in spots:
            left = px + dx - (w / 2 if side == "center" else (w if side == "right" else 0))
            box = (left, py + dy - 5, left + w, py + dy + 5)
            hits_label = any(box[0] < b[2] and b[0] < box[2] and box[1] < b[3] and b[1] < box[3] for b in placed)
            hits_point = any(box[0] - 4 < qx < box[2] + 4 and box[1] - 4 < qy < box[3] + 4
                             for j, (qx, qy) in enumerate(points) if j != k)
            if not hits_label and not hits_point:
                chosen = (dx, dy, side, box)
                break
        if chosen is None:
            dx, dy, side = spots[0]
            left = px + dx - w / 2
            chosen = (dx, dy, side, (left, py + dy - 5, left + w, py + dy + 5))
        dx, dy, side, box = chosen
        placed.append(box)
        lx.append((px + dx) * x_unit)
        ly.append((py + dy) * y_unit)
        align.append(side)
    return frame.assign(lx=lx, ly=ly, lalign=align)


def scenario_classes(scenario_result: xr.Dataset, *, lang: str = "sv", caption: str | None = None,
                     attrs: Mapping | None = None, compact: bool = False,
                     levers: bool = False) -> alt.FacetChart | alt.LayerChart:
    """A scenario's nodes grouped by class, with the direct support (+) and harm (−) from the priorities.

    Takes :func:`sdg_interactions.analysis.scenario`. One panel per class (prioritised, comes along,
    partly supported, not free, at risk; names in ``lang``), each node a bar of ``direct_pos`` to the
    right and ``direct_neg`` to the left, coloured by class; within a panel nodes are sorted by their
    direct net effect. With ``compact`` one small bar per class instead, its length the number of nodes
    in the class (for the two-page briefing); a class with no node is left out and the caption names it.
    ``levers``: the prioritised nodes are the strongest levers standing in for priorities the kommun has not
    given (the report's scenario section), and the chart calls them so. The indirect effects are in the
    tooltips (they grow with the size of the matrix and do not decide the class). ``attrs`` (the matrix's) or
    ``caption`` name the source.

    Examples
    --------
    >>> from sdg_interactions.analysis import scenario
    >>> from sdg_interactions.matrix import toy_matrix
    >>> spec = scenario_classes(scenario(toy_matrix(), ["1.1"]), lang="en").to_dict()
    >>> order = spec["facet"]["row"]["sort"]
    >>> len(order), order[0], order[-1]
    (5, 'prioritised', 'at risk')
    >>> from sdg_interactions.plots import rows_of
    >>> rows = rows_of(spec, spec["data"]["name"])
    >>> sorted((row["node"], row["part"], row["value"]) for row in rows)[:3]
    [('1.1', 'direct_neg', 0.0), ('1.1', 'direct_pos', 0.0), ('1.2', 'direct_neg', 0.0)]
    """
    lang = check(lang)
    variables = ("direct_pos", "direct_neg", "indirect_pos", "indirect_neg", "effect_net")
    _need(scenario_result, (*variables, "class"), "sdg_interactions.analysis.scenario(matrix, priorities)")
    frame = result_labels(scenario_result, lang)
    for name in variables:
        frame[name] = scenario_result[name].to_numpy().astype(float)
    codes = [str(c) for c in scenario_result["class"].to_numpy()]
    unknown = sorted(set(codes) - set(CLASS_ORDER))
    if unknown:
        raise ValidationError(locate(tr("error.report.plots.unknown_classes", classes=unknown),
                                     valid=", ".join(CLASS_ORDER)))
    names = {code: text(f"scenario.class.{code}", lang) for code in CLASS_ORDER}
    if levers:  # no priorities given: the levers stand in, and are not called "prioriterat"
        names["prioritised"] = text("plots.scenario.levers", lang)
    empty = _empty_note(codes, names, lang)
    frame["code"] = codes
    frame["class"] = [names[c] for c in codes]
    frame["direct_net"] = frame["direct_pos"] + frame["direct_neg"]
    frame["key"] = [node_sort_key(i) for i in frame["node"]]
    frame["order"] = [CLASS_ORDER.index(c) for c in codes]
    frame = frame.sort_values(["order", "direct_net", "key"], ascending=[True, False, True], kind="stable")
    order = frame["name"].tolist()
    if compact:
        chart, notes = _class_counts(frame, names, lang, caption=[])
        title = text("plots.scenario.title_compact", lang)
        return finish(chart, title=title, lang=lang, kind="scenario_classes",
                      caption=caption_lines({}, lang, *[n for n in (empty,) if n], caption=caption))
    long = frame.melt(id_vars=[c for c in frame.columns if c not in ("direct_pos", "direct_neg", "key")],
                      value_vars=["direct_pos", "direct_neg"], var_name="part", value_name="value")
    long = long.assign(direct_pos=np.tile(frame["direct_pos"].to_numpy(), 2),  # melt stacks the two parts
                       direct_neg=np.tile(frame["direct_neg"].to_numpy(), 2))
    long = long.drop(columns=["order"])
    class_title = text("plots.scenario.class", lang)
    tooltip = [alt.Tooltip("node:N", title=text("plots.tooltip.node", lang)),
               alt.Tooltip("label:N", title=text("plots.tooltip.label", lang)),
               alt.Tooltip("class:N", title=class_title)]
    tooltip += [alt.Tooltip(f"{v}:Q", title=text(f"scenario.column.{v}", lang), format=".2~f")
                for v in variables]
    base = alt.Chart(inline(long))
    bars = base.mark_bar(height={"band": 0.75}).encode(
        y=alt.Y("name:N", sort=order, axis=alt.Axis(title=None, labelLimit=0)),
        x=alt.X("value:Q", axis=whole_axis(text("plots.scenario.x_levers" if levers else "plots.scenario.x", lang)),
                stack="zero"),
        color=alt.Color("class:N", title=class_title, legend=alt.Legend(labelLimit=320),  # the classes shown
                        scale=alt.Scale(domain=[names[c] for c in CLASS_ORDER if c in codes],
                                        range=[CLASS_COLORS[c] for c in CLASS_ORDER if c in codes])),
        tooltip=tooltip)
    zero = base.mark_rule(color="#444444").encode(x=alt.datum(0))
    chart = alt.layer(bars, zero).properties(width=380, height=alt.Step(16)).facet(
        row=alt.Row("class:N", sort=[names[c] for c in CLASS_ORDER], title=None,
                    header=alt.Header(labelAngle=0, labelAlign="left", labelAnchor="start",
                                      labelFontWeight="bold", labelFontSize=12, labelOrient="top")),
        spacing=8,
    ).resolve_scale(y="independent")
    priorities = scenario_result.attrs.get("priorities")
    if priorities is None or isinstance(priorities, str):
        chosen = frame.loc[frame["code"] == "prioritised", "node"].tolist()
        priorities = [priorities] if priorities else chosen
    title = text("plots.scenario.title_levers" if levers else "plots.scenario.title", lang,
                 priorities=", ".join(map(str, priorities)) or "–")
    notes = [text("plots.scenario.caption", lang), *[n for n in (empty,) if n]]
    return finish(chart, title=title, lang=lang, kind="scenario_classes",
                  caption=caption_lines(attrs or scenario_result.attrs, lang, *notes, caption=caption))
