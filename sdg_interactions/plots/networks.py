"""The network of strong links (:func:`network`), laid out with networkx."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import networkx as nx
import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.analysis import sdg_synergies, tied
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix import node_ids, to_graph
from sdg_interactions.plots.base import (
    NEGATIVE_COLOR,
    POSITIVE_COLOR,
    caption_lines,
    check,
    finish,
    inline,
    node_table,
)
from sdg_interactions.plots.heatmaps import scored_cells
from sdg_interactions.texts import text

__all__ = ["LAYOUTS", "layout_positions", "network"]

#: The layouts :func:`network` computes (or pass a mapping ``{node: (x, y)}``).
LAYOUTS = ("spring", "circular", "kamada_kawai")
#: How a layout given by hand looks, as error messages name it.
_MAPPING = "{node: (x, y)}"
_PAD = 0.06  # margin around the unit square the positions are scaled into


def layout_positions(obj: xr.DataArray | xr.Dataset, *, layout: str = "spring", seed: int = 0,
                     threshold: float = 0) -> dict[str, tuple[float, float]]:
    """Node positions in the unit square, deterministic for a given ``seed``.

    Computed on the undirected graph of :func:`~sdg_interactions.matrix.to_graph` whose edge weight is
    the non-negative ``|a_ij| + |a_ji|`` (the edges' ``weight``, never the signed score): strongly
    linked nodes, by synergy or by conflict, are drawn close together. ``"kamada_kawai"`` ignores
    weights (it reads them as distances). Both axes are scaled by the same factor, so the layout
    keeps its shape. With ``threshold`` only links with ``|score| ≥ threshold`` pull nodes together.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> pos = layout_positions(toy_matrix(), layout="circular")
    >>> sorted(pos), pos == layout_positions(toy_matrix(), layout="circular")
    (['1.1', '1.2', '1.3', '1.4'], True)
    """
    if layout not in LAYOUTS:
        raise ValidationError(locate(tr("error.report.plots.unknown_layout"), value=layout,
                                     valid=tr("error.report.plots.valid_layout", layouts=", ".join(LAYOUTS),
                                              mapping=_MAPPING)))
    directed = to_graph(obj)
    graph = nx.Graph()
    graph.add_nodes_from(node_ids(obj))
    for s, t, weight in directed.edges(data="weight", default=0.0):
        if s != t and weight and np.isfinite(weight) and weight >= threshold:
            previous = graph.edges[s, t]["weight"] if graph.has_edge(s, t) else 0.0
            graph.add_edge(s, t, weight=previous + float(weight))
    if graph.number_of_nodes() == 0:
        return {}
    if layout == "spring":
        raw = nx.spring_layout(graph, weight="weight", seed=seed)
    elif layout == "circular":
        raw = nx.circular_layout(graph)
    else:
        raw = nx.kamada_kawai_layout(graph, weight=None)
    return _unit_square({str(k): (float(v[0]), float(v[1])) for k, v in raw.items()})


def _unit_square(pos: Mapping[str, tuple[float, float]]) -> dict[str, tuple[float, float]]:
    xy = np.array(list(pos.values()), dtype=float).reshape(-1, 2)
    low = xy.min(axis=0)
    span = float((xy.max(axis=0) - low).max()) or 1.0
    xy = (xy - low) / span
    xy += (1.0 - xy.max(axis=0)) / 2  # centre the shorter side
    return {k: (round(float(x), 6), round(float(y), 6)) for k, (x, y) in zip(pos, xy, strict=True)}


def network(obj: xr.DataArray | xr.Dataset, metrics: xr.Dataset | None = None, *, threshold: float = 2,
            lang: str = "sv", layout: str | Mapping[str, tuple[float, float]] = "spring", seed: int = 0,
            caption: str | None = None) -> alt.LayerChart:
    """The network of strong links: nodes sized by systemic influence, coloured by cluster, ids beside them.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One obj.
    metrics : xarray.Dataset, optional
        :func:`~sdg_interactions.analysis.sdg_synergies` of ``obj`` (computed when not given).
    threshold : float
        Draw the links with ``|score| ≥ threshold`` (default 2), coloured by sign: blue promotes,
        orange hinders; a small triangle near the target shows the direction.
    layout : {"spring", "circular", "kamada_kawai"} or mapping
        How to place the nodes (:func:`layout_positions` on all links; deterministic for a
        ``seed``), or the positions themselves ``{node: (x, y)}``.

    Returns
    -------
    altair.LayerChart
        Links, arrowheads, nodes (area = the positive part of ``systemic``: a node with a zero or negative
        systemic score is drawn smallest; colour = its cluster, :func:`~sdg_interactions.analysis.clusters`,
        grey for none — never the score scale) and id labels beside them; tooltips with labels and metrics.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> spec = network(toy_matrix(), lang="en").to_dict()
    >>> from sdg_interactions.plots import rows_of
    >>> edges = rows_of(spec, spec["layer"][0]["data"]["name"])
    >>> sorted((e["source"], e["target"], e["score"]) for e in edges)
    [('1.1', '1.2', 2.0), ('1.1', '1.3', -2.0), ('1.2', '1.3', 3.0)]
    """
    lang = check(lang)
    if metrics is None:
        metrics = sdg_synergies(obj)
    nodes = node_table(obj, lang)
    ids = nodes["id"].tolist()
    if [str(v) for v in metrics["node"].to_numpy()] != ids:
        raise ValidationError(locate(tr("error.report.plots.other_matrix"),
                                     valid=tr("error.report.plots.valid_synergies")))
    if isinstance(layout, Mapping):
        missing = [i for i in ids if i not in layout]
        if missing:
            raise ValidationError(locate(tr("error.report.plots.no_position"), value=missing[0],
                                         valid=tr("error.report.plots.valid_positions", mapping=_MAPPING)))
        pos = _unit_square({i: tuple(layout[i]) for i in ids})
        layout_name = text("plots.network.given", lang)
    else:
        pos = layout_positions(obj, layout=layout, seed=seed)
        layout_name = text(f"plots.network.{layout}", lang)

    from sdg_interactions.analysis import clusters

    for name in ("systemic", "in_sum", "out_sum", "rank"):
        nodes[name] = metrics[name].to_numpy()
    nodes["size"] = np.clip(nodes["systemic"].to_numpy(dtype=float), 0, None)
    number = clusters(obj)["cluster"].to_numpy()
    nodes["cluster"] = [text("plots.network.cluster", lang, n=int(c)) if c else text("plots.network.no_cluster", lang)
                        for c in number]
    nodes["x"] = [pos[i][0] for i in ids]
    nodes["y"] = [pos[i][1] for i in ids]
    edges = _edges(obj, nodes, pos, threshold, lang)

    square = alt.Scale(domain=[-_PAD, 1 + _PAD], nice=False, zero=False)
    x = alt.X("x:Q", scale=square, axis=None)
    y = alt.Y("y:Q", scale=square, axis=None)
    signs = [text("plots.sign.positive", lang), text("plots.sign.negative", lang)]
    sign_scale = alt.Scale(domain=signs, range=[POSITIVE_COLOR, NEGATIVE_COLOR])
    sign_color = alt.Color("sign:N", title=text("plots.network.edge", lang), scale=sign_scale)
    edge_tip = [alt.Tooltip("link:N", title=text("plots.tooltip.link", lang)),
                alt.Tooltip("score:Q", title=text("plots.tooltip.score", lang), format="+.2~f")]
    edge_base = alt.Chart(inline(edges))
    lines = edge_base.mark_rule(opacity=0.45).encode(
        x=x, y=y, x2="x2:Q", y2="y2:Q", color=sign_color,
        strokeWidth=alt.StrokeWidth("strength:Q", scale=alt.Scale(domain=[0, 3], range=[0.5, 3.5]),
                                    legend=None),
        tooltip=edge_tip)
    heads = edge_base.mark_point(shape="triangle", filled=True, size=40, opacity=0.8).encode(
        x=alt.X("hx:Q", scale=square, axis=None), y=alt.Y("hy:Q", scale=square, axis=None),
        angle=alt.Angle("angle:Q", scale=None), color=alt.Color("sign:N", scale=sign_scale, legend=None),
        tooltip=edge_tip)

    node_base = alt.Chart(inline(nodes.drop(columns=["text"])))
    size_title, color_title = text("plots.network.size", lang), text("plots.network.cluster_title", lang)
    top = float(nodes["size"].max()) if len(nodes) else 1.0
    steps = [v for v in _nice_steps(top) if v > 0]
    order = sorted(set(nodes["cluster"]), key=lambda name: (name == text("plots.network.no_cluster", lang),
                                                            len(name), name))
    palette = [_CLUSTER_COLORS[k % len(_CLUSTER_COLORS)] for k in range(len(order))]
    palette = [("#bbbbbb" if name == text("plots.network.no_cluster", lang) else color)
               for name, color in zip(order, palette, strict=True)]
    circles = node_base.mark_circle(opacity=0.95, stroke="#333333", strokeWidth=0.6).encode(
        x=x, y=y,
        size=alt.Size("size:Q", title=size_title, scale=alt.Scale(domain=[0, top or 1.0], range=[30, 600]),
                      legend=alt.Legend(values=steps, format=",~f")),
        color=alt.Color("cluster:N", title=color_title, scale=alt.Scale(domain=order, range=palette)),
        tooltip=[alt.Tooltip("id:N", title=text("plots.tooltip.node", lang)),
                 alt.Tooltip("label:N", title=text("plots.tooltip.label", lang)),
                 alt.Tooltip("cluster:N", title=color_title),
                 alt.Tooltip("rank:Q", title=text("plots.network.rank", lang)),
                 alt.Tooltip("systemic:Q", title=size_title, format=".2~f"),
                 alt.Tooltip("out_sum:Q", title=text("plots.network.out_sum", lang), format=".2~f"),
                 alt.Tooltip("in_sum:Q", title=text("plots.network.in_sum", lang), format=".2~f")])
    labels = node_base.mark_text(align="left", baseline="middle", dx=9, fontSize=9, color="#222222").encode(
        x=x, y=y, text="id:N")
    chart = alt.layer(lines, heads, circles, labels).resolve_scale(color="independent").properties(
        width=560, height=560)
    notes = [text("plots.network.caption", lang, layout=layout_name)]
    from sdg_interactions.formats import number

    return finish(chart, title=text(f"plots.network.{_title_key(threshold)}", lang,
                                    threshold=number(threshold, lang, decimals=2)),
                  lang=lang,
                  kind="network", caption=caption_lines(obj.attrs, lang, *notes, caption=caption))


#: Okabe–Ito colours (colour-blind safe) for the clusters, in order of size.
_CLUSTER_COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000")


def _nice_steps(top: float) -> list[float]:
    """Three round values up to ``top`` for the size legend: 100, 300, 500 for a top of 567."""
    if top <= 0:
        return [0.0]
    unit = 10 ** np.floor(np.log10(top))
    for step in (unit, unit / 2, unit / 5):
        values = list(np.arange(step, top + 1e-9, step))
        if len(values) >= 3:
            return [float(v) for v in values[:: max(1, len(values) // 3)]][:3]
    return [float(top)]


def _title_key(threshold: float) -> str:
    """The title's words for the links drawn: "starka samband" is a score of ±2 or more (as the report says), so
    a higher threshold draws "de starkaste sambanden" and a lower one "samband" (weaker ones too).

    Examples
    --------
    >>> _title_key(2), _title_key(3), _title_key(1)
    ('title', 'title_strongest', 'title_all')
    """
    strong = 2.0  # the report's "starka samband": |score| ≥ 2
    if tied(float(threshold), strong):
        return "title"
    return "title_strongest" if threshold > strong else "title_all"


def _edges(matrix, nodes: pd.DataFrame, pos: Mapping[str, tuple[float, float]], threshold: float,
           lang: str) -> pd.DataFrame:
    """The links with ``|score| ≥ threshold``: endpoints, an arrowhead point near the target and its angle."""
    cells = scored_cells(matrix, comments=False)
    edges = cells[cells["score"].abs() >= threshold].reset_index(drop=True)
    x1 = np.array([pos[s][0] for s in edges["source"]], dtype=float)
    y1 = np.array([pos[s][1] for s in edges["source"]], dtype=float)
    x2 = np.array([pos[t][0] for t in edges["target"]], dtype=float)
    y2 = np.array([pos[t][1] for t in edges["target"]], dtype=float)
    length = np.hypot(x2 - x1, y2 - y1)
    back = np.clip(1.0 - 0.035 / np.where(length > 0, length, 1.0), 0.5, 1.0)  # stop short of the node
    positive, negative = text("plots.sign.positive", lang), text("plots.sign.negative", lang)
    labels = dict(zip(nodes["id"], nodes["label"], strict=True))
    return edges.assign(
        x=x1, y=y1, x2=x2, y2=y2,
        hx=np.round(x1 + back * (x2 - x1), 6), hy=np.round(y1 + back * (y2 - y1), 6),
        angle=np.round(np.degrees(np.arctan2(x2 - x1, y2 - y1)) % 360, 2),  # clockwise from "up"
        strength=edges["score"].abs(),
        sign=np.where(edges["score"] >= 0, positive, negative),
        link=[f"{s} {labels[s]} → {t} {labels[t]}"
              for s, t in zip(edges["source"], edges["target"], strict=True)],
    )
