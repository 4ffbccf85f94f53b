"""Matrices as :class:`networkx.DiGraph` and back, losslessly.

Edges carry the signed ``score``, a non-negative ``weight = |score|`` (for algorithms that assume
non-negative weights) and ``sign`` (-1, 0, +1); with a Dataset also ``comment`` and ``uncertain``.
Every scored cell is an edge, 0 included ("scored: no interaction"); unscored cells (NaN) are not.
Nodes carry the metadata (``framework``, ``group``, ``label_sv``, ``label_en``); the graph carries the
matrix's ``attrs``.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.errors import ValidationError
from sdg_interactions.matrix.model import node_table, require_single, to_long, validate, with_node_labels
from sdg_interactions.matrix.tables import from_long

__all__ = ["from_graph", "plain_value", "to_graph"]


def to_graph(obj: xr.DataArray | xr.Dataset) -> nx.DiGraph:
    """Return the matrix as a directed graph: an edge ``i -> j`` for every scored cell.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> G = to_graph(from_array(np.array([[np.nan, -2], [0, np.nan]]), ["1.1", "1.2"]))
    >>> sorted(G.edges(data="score"))
    [('1.1', '1.2', -2.0), ('1.2', '1.1', 0.0)]
    >>> G.edges["1.1", "1.2"]["weight"], G.edges["1.1", "1.2"]["sign"]
    (2.0, -1)
    """
    da = require_single(obj, "a graph")
    G = nx.DiGraph()
    G.graph.update({k: plain_value(v) for k, v in (obj.attrs or {}).items()})
    G.add_nodes_from((node, dict(row)) for node, row in node_table(da).iterrows())
    edges = to_long(obj)
    scored = edges["score"].notna()
    edges["weight"] = edges["score"].abs()
    edges["sign"] = np.sign(edges["score"].fillna(0)).astype(int)
    if "uncertain" in edges:
        edges["uncertain"] = edges["uncertain"].astype(bool)
    G.add_edges_from(nx.from_pandas_edgelist(edges[scored], "source", "target", edge_attr=True,
                                             create_using=nx.DiGraph).edges(data=True))
    # a comment or uncertain mark on an unscored cell: an edge without weight and sign, so nothing is lost
    rest = edges.loc[~scored].drop(columns=["weight", "sign"])
    G.add_edges_from(nx.from_pandas_edgelist(rest, "source", "target", edge_attr=True,
                                             create_using=nx.DiGraph).edges(data=True))
    return G


def from_graph(G: nx.DiGraph, *, score: str = "score") -> xr.Dataset:
    """Build a matrix Dataset from a directed graph whose edges carry a signed ``score``.

    Nodes without edges stay in the matrix. Graph attributes become ``attrs``; node labels of a user's
    own framework are kept. Goes through the same checks as every constructor.

    Examples
    --------
    >>> G = nx.DiGraph([("1.1", "1.2", {"score": 2})])
    >>> from_graph(G)["score"].values.tolist()
    [[nan, 2.0], [nan, nan]]
    """
    if not isinstance(G, nx.DiGraph):
        raise ValidationError(f"expected a networkx.DiGraph, got {type(G).__name__}.")
    rows = []
    for s, t, data in G.edges(data=True):
        if score not in data:
            raise ValidationError(f"edge {s} -> {t} has no {score!r} attribute. Valid: every edge carries "
                                  f"a signed score from -3 to 3.")
        rows.append({"source": str(s), "target": str(t), "score": data[score],
                     "comment": data.get("comment", ""), "uncertain": bool(data.get("uncertain", False))})
    table = pd.DataFrame(rows, columns=["source", "target", "score", "comment", "uncertain"])
    table["score"] = pd.to_numeric(table["score"], errors="coerce").astype(float)
    labels = pd.DataFrame([{"id": str(n), **{f: d[f] for f in ("group", "label_sv", "label_en") if d.get(f)}}
                           for n, d in G.nodes(data=True)], columns=["id", "group", "label_sv", "label_en"])
    attrs = dict(G.graph)
    aggregated = bool(attrs.pop("aggregated", 0))
    ds = from_long(table, file="graph", aggregated=aggregated, attrs=attrs, nodes=[str(n) for n in G.nodes])
    return validate(with_node_labels(ds, labels))


def plain_value(value):
    """A numpy scalar or array as a plain Python value (for graph attributes, JSON and GraphML).

    Examples
    --------
    >>> plain_value(np.int64(3)), plain_value(np.array([1.5, 2.0])), plain_value("x")
    (3, [1.5, 2.0], 'x')
    """
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value
