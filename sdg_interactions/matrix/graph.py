"""Matrices as :class:`networkx.DiGraph` and back.

Edges carry the signed ``score``, a non-negative ``weight = |score|`` (for algorithms that assume
non-negative weights) and ``sign`` (-1, +1); with a Dataset also ``comment`` and ``uncertain``.
By default a graph is **network-ready**: an edge is an interaction, so a pair scored 0 ("no
interaction") is not an edge, nor is an unscored one — density, degrees and paths then mean what they
say. ``include_zero=True`` adds the 0-scored pairs (``sign`` 0, ``weight`` 0) and
``include_unscored_notes=True`` a comment or uncertain mark on an unscored pair (an edge with a NaN
score); with both, :func:`from_graph` gives the matrix back exactly. Nodes carry the metadata
(``framework``, ``group``, ``label_sv``, ``label_en``); the graph carries the matrix's ``attrs``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
import xarray as xr

if TYPE_CHECKING:  # networkx is loaded when a graph is made or read: a scoring kernel never needs it
    import networkx as nx

from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix.conversions import node_table, to_long, with_node_labels
from sdg_interactions.matrix.model import FALSE_WORDS, TRUE_WORDS, require_single
from sdg_interactions.matrix.tables import from_long
from sdg_interactions.matrix.validation import check_canonical_ids, validate

__all__ = ["from_graph", "plain_value", "to_graph"]


def to_graph(obj: xr.DataArray | xr.Dataset, *, threshold: float | None = None, include_zero: bool = False,
             include_unscored_notes: bool = False) -> nx.DiGraph:
    """Return the matrix as a directed graph: an edge ``i -> j`` for every interaction.

    By default a pair scored 0 ("no interaction") is left out, as is an unscored pair: an edge is an
    interaction, so density, degrees and paths mean what they say. ``include_zero=True`` adds the pairs
    scored 0; with it and ``include_unscored_notes=True``, :func:`from_graph` gives the matrix back exactly.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix (no ``respondent`` dim).
    threshold : float, optional
        Keep only the edges with ``|score| ≥ threshold`` (e.g. 2 for the strong links), 0 … 3. A pair scored 0
        stays out unless ``include_zero`` (and ``threshold`` is 0 or ``None``).
    include_zero : bool, default False
        Also make an edge of every pair scored 0 ("scored: no interaction"), with ``weight`` 0.
    include_unscored_notes : bool, default False
        Also make an edge (score NaN, no weight or sign) of an unscored pair that has a comment or an
        uncertain mark, so that nothing written is lost.

    Returns
    -------
    networkx.DiGraph
        Every node of the matrix, with its metadata (``framework``, ``group``, ``label_sv``,
        ``label_en``); ``G.graph`` holds the matrix's ``attrs`` as plain values (:func:`plain_value`). Each
        edge carries:

        * ``score``: the signed score, −3 … 3
        * ``weight``: ``|score|``, non-negative, for algorithms that assume non-negative weights
        * ``sign``: −1 or +1 (0 for a pair scored 0)
        * with a Dataset also ``comment`` and ``uncertain``

    Raises
    ------
    ValidationError
        If ``obj`` holds more than one matrix, or ``threshold`` is not a number from 0 to 3.

    See Also
    --------
    from_graph : The matrix back from a graph.
    sdg_interactions.io.write_graphml : The graph written as a GraphML file.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.array([[np.nan, -2, 1], [0, np.nan, 3], [np.nan, np.nan, np.nan]]), ["1.1", "1.2", "1.3"])
    >>> sorted(to_graph(m).edges(data="score"))  # the pair scored 0 is no interaction: no edge
    [('1.1', '1.2', -2.0), ('1.1', '1.3', 1.0), ('1.2', '1.3', 3.0)]
    >>> G = to_graph(m, threshold=2)
    >>> sorted(G.edges), G.edges["1.1", "1.2"]["weight"], G.edges["1.1", "1.2"]["sign"]
    ([('1.1', '1.2'), ('1.2', '1.3')], 2.0, -1)
    >>> sorted(to_graph(m, include_zero=True).edges(data="score"))[1]
    ('1.1', '1.3', 1.0)
    >>> to_graph(m, include_zero=True).number_of_edges()
    4
    """
    da = require_single(obj, tr("error.analysis.what_graph"))
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, (int, float))
                                  or not 0 <= threshold <= 3):
        raise ValidationError(locate(tr("error.analysis.threshold_score"), value=threshold,
                                     valid=tr("error.analysis.valid_graph_threshold")))
    import networkx as nx

    G = nx.DiGraph()
    G.graph.update({k: plain_value(v) for k, v in (obj.attrs or {}).items()})
    G.add_nodes_from((node, dict(row)) for node, row in node_table(da).iterrows())
    edges = to_long(obj)
    scored = edges["score"].notna()
    keep = scored & ((edges["score"] != 0) | include_zero)
    if threshold is not None:
        keep &= edges["score"].abs() >= threshold
    edges["weight"] = edges["score"].abs()
    edges["sign"] = np.sign(edges["score"].fillna(0)).astype(int)
    if "uncertain" in edges:
        edges["uncertain"] = edges["uncertain"].astype(bool)
    G.add_edges_from(nx.from_pandas_edgelist(edges[keep], "source", "target", edge_attr=True,
                                             create_using=nx.DiGraph).edges(data=True))
    if include_unscored_notes:
        # a comment or uncertain mark on an unscored cell: an edge without weight and sign
        rest = edges.loc[~scored].drop(columns=["weight", "sign"])
        G.add_edges_from(nx.from_pandas_edgelist(rest, "source", "target", edge_attr=True,
                                                 create_using=nx.DiGraph).edges(data=True))
    return G


def from_graph(G: nx.DiGraph, *, score: str = "score") -> xr.Dataset:
    """Build a matrix Dataset from a directed graph whose edges carry a signed ``score``.

    Nodes without edges stay in the matrix. Graph attributes become ``attrs``; node labels of a user's
    own framework are kept. Goes through the same checks as every constructor, and nothing is coerced that
    a long CSV file would refuse: node ids must be written in their canonical form, each once (``LULEA-01``
    beside ``LULEA-1`` is refused); a score ``"two"``, an ``uncertain`` of ``"maybe"`` or an ``aggregated``
    of ``"nej"`` or 2 raise :class:`~sdg_interactions.errors.ValidationError`.

    Parameters
    ----------
    G : networkx.DiGraph
        The graph; each edge carries ``score`` (and may carry ``comment`` and ``uncertain``), its nodes may
        carry ``group``, ``label_sv`` and ``label_en``.
    score : str, default "score"
        The edge attribute that holds the signed score.

    Returns
    -------
    xarray.Dataset
        The matrix, validated: ``score``, ``comment`` and ``uncertain`` on ``source``, ``target``, with the
        node metadata; the graph attributes as ``attrs``.

    Raises
    ------
    ValidationError
        If ``G`` is not a :class:`networkx.DiGraph`, an edge has no ``score``, or a node id, score or
        attribute is refused as above.

    See Also
    --------
    to_graph : The graph of a matrix.
    sdg_interactions.io.read_graphml : A graph read from a GraphML file.
    sdg_interactions.matrix.from_long : The constructor whose checks are applied.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.DiGraph([("1.1", "1.2", {"score": 2})])
    >>> from_graph(G)["score"].values.tolist()
    [[nan, 2.0], [nan, nan]]
    """
    import networkx as nx

    if not isinstance(G, nx.DiGraph):
        raise ValidationError(tr("error.analysis.not_a_digraph", type=type(G).__name__))
    file = G.graph.get("source_file", "graph")
    check_canonical_ids(G.nodes, file=file, column="node id")
    rows = []
    for s, t, data in G.edges(data=True):
        if score not in data:
            raise ValidationError(tr("error.analysis.edge_no_score", source=s, target=t, score=repr(score)))
        rows.append({"source": str(s), "target": str(t), "score": data[score],
                     "comment": data.get("comment", ""), "uncertain": data.get("uncertain", False)})
    table = pd.DataFrame(rows, columns=["source", "target", "score", "comment", "uncertain"])
    for column in ("score", "comment", "uncertain"):
        table[column] = table[column].astype(object)
    table["_row"] = np.arange(1, len(table) + 1)  # messages say "row k": the k-th edge
    table["_column"] = [f"score (edge {r['source']} -> {r['target']})" for r in rows]
    labels = pd.DataFrame([{"id": str(n), **{f: d[f] for f in ("group", "label_sv", "label_en") if d.get(f)}}
                           for n, d in G.nodes(data=True)], columns=["id", "group", "label_sv", "label_en"])
    attrs = {k: v for k, v in G.graph.items() if k != "source_file"}
    aggregated = _flag(attrs.pop("aggregated", 0), file=file)
    ds = from_long(table, file=file, aggregated=aggregated, attrs=attrs, nodes=[str(n) for n in G.nodes])
    return validate(with_node_labels(ds, labels, file=file))


def _flag(value: object, *, file: object) -> bool:
    """The graph's ``aggregated`` mark: a bool, 0 or 1, or a word of the uncertain column's sets."""
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if isinstance(value, (int, float, np.integer, np.floating)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in TRUE_WORDS | FALSE_WORDS | {"1.0", "0.0"}:
        return value.strip().lower() in TRUE_WORDS | {"1.0"}
    raise ValidationError(locate(tr("error.analysis.graph_attribute"), file=file, column="aggregated", value=value,
                                 valid=tr("error.analysis.valid_graph_attribute")))


def plain_value(value):
    """A numpy scalar or array as a plain Python value (for graph attributes, JSON and GraphML).

    Parameters
    ----------
    value : object
        Any value.

    Returns
    -------
    object
        A numpy scalar's Python value, a numpy array as a (nested) list, anything else unchanged.

    See Also
    --------
    to_graph : Turns the matrix's attrs into graph attributes with it.
    sdg_interactions.io.write_graphml : Makes the graph's attributes plain with it before writing them.

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
