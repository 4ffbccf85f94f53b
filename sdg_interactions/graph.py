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
from sdg_interactions.matrix import as_matrix, node_ids, to_long, validate
from sdg_interactions.tables import from_long

__all__ = ["from_graph", "to_graph"]

_NODE_FIELDS = ("framework", "group", "label_sv", "label_en")


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
    da = as_matrix(obj)
    if da.ndim != 2:
        raise ValidationError(f"a graph holds one matrix; this one has the extra dims {da.dims[:-2]}. "
                              "Valid: aggregate() it or select one respondent first.")
    G = nx.DiGraph()
    G.graph.update({k: _plain(v) for k, v in (obj.attrs or {}).items()})
    for k, node in enumerate(node_ids(da)):
        G.add_node(node, **{f: str(da[f"source_{f}"].values[k]) for f in _NODE_FIELDS if f"source_{f}" in da.coords})
    for row in to_long(obj).itertuples(index=False):
        data = row._asdict()
        score = float(data["score"])
        attrs = {"score": score}
        if not np.isnan(score):
            attrs.update(weight=abs(score), sign=int(np.sign(score)))
        if "comment" in data:
            attrs["comment"] = str(data["comment"])
        if "uncertain" in data:
            attrs["uncertain"] = bool(data["uncertain"])
        G.add_edge(data["source"], data["target"], **attrs)
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
    extra = pd.DataFrame([{"id": str(n), **{f: d[f] for f in ("group", "label_sv", "label_en") if d.get(f)}}
                          for n, d in G.nodes(data=True)])
    if extra.shape[1] == 1:
        extra = None
    attrs = dict(G.graph)
    aggregated = bool(attrs.pop("aggregated", 0))
    ds = from_long(table, file="graph", aggregated=aggregated, attrs=attrs,
                   nodes=[str(n) for n in G.nodes], extra_nodes=extra)
    return validate(ds)


def _plain(value):
    """Graph attributes as plain Python values (numpy scalars and arrays made JSON/GraphML-friendly)."""
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    return value

