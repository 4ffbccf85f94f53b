"""GraphML and GEXF files: matrices for Gephi, Cytoscape, yEd and other network tools.

Both build on :func:`~sdg_interactions.matrix.to_graph`: an edge ``source -> target`` for every
interaction (a pair scored other than 0), with the signed ``score``, ``weight = |score|``, ``sign``,
``comment`` and ``uncertain``, so that Gephi's or networkx's degrees, density and paths count
interactions only. A pair scored 0 ("scored, no interaction") is an edge only with ``include_zero=True``
(weight 0); unscored cells are never edges. Nodes carry ``framework``,
``group``, ``label_sv``, ``label_en`` and ``label`` (the short label in ``lang``, which Gephi shows).
A file holds one matrix: a Dataset with a ``respondent`` dim must be aggregated (or one respondent
selected) first.

**GraphML** round trips losslessly through :func:`write_graphml` and :func:`read_graphml`. GraphML
stores only booleans, numbers and strings, so the matrix's attrs that are neither (lists, None, ...)
are written as JSON text and named in the graph attribute ``sdg_interactions_json``; comments and
uncertain marks on unscored cells (which are not edges) go to the graph attribute
``sdg_interactions_unscored``, and the pairs scored 0 (unless written as edges) to
``sdg_interactions_zero``, with their comments and marks. **GEXF** (:func:`write_gexf`) is written for Gephi; networkx's
:func:`networkx.read_gexf` reads it back with the same edges, scores and labels.
"""

from __future__ import annotations

import json
import os
from typing import TYPE_CHECKING

import numpy as np
import xarray as xr

from sdg_interactions.errors import InputFormatError, SdgInteractionsError, locate, shorten, tr
from sdg_interactions.matrix import from_graph, plain_value, require_single, to_graph, validate
from sdg_interactions.textfile import check_input_file, replacing
from sdg_interactions.texts import check_lang

if TYPE_CHECKING:  # networkx is loaded when a graph file is written or read, not with sdg_interactions.io
    import networkx as nx

__all__ = ["MAX_GRAPHML_BYTES", "read_graphml", "write_gexf", "write_graphml"]

#: The largest GraphML file read (200 MB).
MAX_GRAPHML_BYTES = 200 * 1024 * 1024

_JSON = "sdg_interactions_json"
_UNSCORED = "sdg_interactions_unscored"
_ZERO = "sdg_interactions_zero"


def _graph(obj: xr.DataArray | xr.Dataset, kind: str, lang: str,
           include_zero: bool) -> tuple[nx.DiGraph, list[list], list[list]]:
    """The matrix as a graph of its interactions (and its 0-scored pairs if ``include_zero``); returns it,
    the notes on unscored cells and the 0-scored pairs left out, each ``[source, target, comment,
    uncertain]``."""
    check_lang(lang)
    require_single(obj, tr("error.data.what_graph_file", kind=kind))
    validate(obj)
    G = to_graph(obj, include_zero=True, include_unscored_notes=True)
    notes, zeros = [], []
    for source, target, data in list(G.edges(data=True)):
        note = [source, target, data.get("comment", ""), bool(data.get("uncertain", False))]
        if np.isnan(data["score"]):
            notes.append(note)
            G.remove_edge(source, target)
        elif data["score"] == 0 and not include_zero:
            zeros.append(note)
            G.remove_edge(source, target)
    for node, data in G.nodes(data=True):
        data["label"] = data.get(f"label_{lang}", node)
    return G, notes, zeros


def write_graphml(obj: xr.DataArray | xr.Dataset, path: str | os.PathLike, *, lang: str = "sv",
                  include_zero: bool = False) -> None:
    """Write one matrix as a GraphML file (see the module docstring); :func:`read_graphml` reads it back.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix (no ``respondent`` dim); a Dataset's comments and uncertain marks are kept.
    path : str or path-like
        The ``.graphml`` file to write.
    lang : {"sv", "en"}
        Language of the nodes' ``label`` attribute.
    include_zero : bool
        Write the pairs scored 0 as edges of weight 0 too; by default they are not edges (no interaction)
        and are kept in the graph attribute ``sdg_interactions_zero``, so :func:`read_graphml` gives the
        matrix back either way.

    See Also
    --------
    read_graphml : Reads the file back to the same matrix.
    write_gexf : Writes the graph for Gephi.
    sdg_interactions.matrix.to_graph : The networkx graph, without a file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sdg_interactions.matrix import from_array
    >>> p = Path(tempfile.mkdtemp()) / "m.graphml"
    >>> write_graphml(from_array(np.array([[np.nan, 0], [-2, np.nan]]), ["13.1", "13.2"]), p)
    >>> import networkx as nx
    >>> G = nx.read_graphml(p)
    >>> sorted(G.edges(data="score")), G.nodes["13.2"]["group"], G.graph["aggregated"]
    ([('13.2', '13.1', -2.0)], '13', 0)
    >>> read_graphml(p)["score"].values.tolist()  # the 0 comes back from the graph attribute
    [[nan, 0.0], [-2.0, nan]]
    """
    G, notes, zeros = _graph(obj, "GraphML", lang, include_zero)
    encoded = []
    for key, value in list(G.graph.items()):
        value = plain_value(value)
        if isinstance(value, (bool, int, float, str)):
            G.graph[key] = value
        else:
            G.graph[key] = json.dumps(value, ensure_ascii=False, default=str)
            encoded.append(key)
    if encoded:
        G.graph[_JSON] = json.dumps(encoded, ensure_ascii=False)
    if notes:
        G.graph[_UNSCORED] = json.dumps(notes, ensure_ascii=False)
    if zeros:
        G.graph[_ZERO] = json.dumps(zeros, ensure_ascii=False)
    with replacing(path) as temporary:
        import networkx as nx

        nx.write_graphml(G, temporary)


def read_graphml(path: str | os.PathLike, *, aggregated: bool | None = None) -> xr.Dataset:
    """Read a GraphML file into a matrix Dataset: edges with a signed ``score`` attribute are the cells.

    Files by :func:`write_graphml` read back to the Dataset that was written (plus
    ``attrs["source_file"]``). Files from other tools need a directed graph whose edges carry
    ``score`` (-3…3); node attributes ``group``, ``label_sv`` and ``label_en`` are kept as node labels.

    Parameters
    ----------
    path : str or path-like
        The ``.graphml`` file.
    aggregated : bool, optional
        True reads aggregated floats; by default the file's graph attribute ``aggregated`` says.

    Returns
    -------
    xarray.Dataset
        ``score``, ``comment`` and ``uncertain`` on ``(source, target)``; ``attrs["source_file"]`` is
        the path.

    See Also
    --------
    write_graphml : Writes a matrix as GraphML.
    sdg_interactions.matrix.from_graph : A matrix from a networkx graph in memory.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> p = Path(tempfile.mkdtemp()) / "m.graphml"
    >>> import networkx as nx
    >>> nx.write_graphml(nx.DiGraph([("LULEA-1", "LULEA-2", {"score": 3})]), p)
    >>> read_graphml(p)["score"].values.tolist()
    [[nan, 3.0], [nan, nan]]
    """
    name = os.fspath(path)
    check_input_file(path, limit=MAX_GRAPHML_BYTES, valid=tr("error.valid_graphml_file"))
    import networkx as nx

    try:
        G = nx.read_graphml(path, node_type=str)
    except Exception as err:  # expat, networkx and the type conversions of its keys raise many kinds
        raise InputFormatError(locate(tr("error.graphml.unreadable", reason=f"{type(err).__name__}: {shorten(err)}"),
                                      file=name, valid=tr("error.graphml.valid"))) from None
    try:
        return _matrix(G, name, aggregated)
    except SdgInteractionsError:
        raise
    except Exception as err:  # e.g. bad JSON in the graph attributes this module writes
        raise InputFormatError(locate(tr("error.graphml.not_matrix", reason=f"{type(err).__name__}: {shorten(err)}"),
                                      file=name, valid=tr("error.graphml.valid"))) from None


def _matrix(G: nx.Graph, name: str, aggregated: bool | None) -> xr.Dataset:
    if not G.is_directed() or G.is_multigraph():
        raise InputFormatError(locate(tr("error.data.graphml.undirected"), file=name,
                                      valid=tr("error.data.graphml.valid_directed")))
    import networkx as nx

    G = nx.DiGraph(G)
    for key in ("node_default", "edge_default"):
        G.graph.pop(key, None)
    for key in json.loads(G.graph.pop(_JSON, "[]")):
        G.graph[key] = json.loads(G.graph[key])
    for source, target, comment, uncertain in json.loads(G.graph.pop(_UNSCORED, "[]")):
        G.add_edge(source, target, score=np.nan, comment=comment, uncertain=uncertain)
    for source, target, comment, uncertain in json.loads(G.graph.pop(_ZERO, "[]")):
        G.add_edge(source, target, score=0.0, comment=comment, uncertain=uncertain)
    if aggregated is not None:
        G.graph["aggregated"] = int(aggregated)
    G.graph["source_file"] = name
    ds = from_graph(G)
    ds.attrs["source_file"] = name
    return ds


def write_gexf(obj: xr.DataArray | xr.Dataset, path: str | os.PathLike, *, lang: str = "sv",
               include_zero: bool = False) -> None:
    """Write one matrix as a GEXF file for Gephi.

    Edges carry ``weight = |score|`` (Gephi's edge weight), ``score``, ``sign``, ``comment`` and
    ``uncertain``; nodes the ``label`` in ``lang`` and their framework, group and labels. An edge is an
    interaction: a pair scored 0 is an edge (weight 0) only with ``include_zero=True``; unscored cells never
    are. :func:`networkx.read_gexf` reads it.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix (no ``respondent`` dim); a Dataset's comments and uncertain marks are kept.
    path : str or path-like
        The ``.gexf`` file to write.
    lang : {"sv", "en"}
        Language of the nodes' ``label`` attribute.
    include_zero : bool
        Write the pairs scored 0 as edges of weight 0 too; by default they are not edges.

    See Also
    --------
    write_graphml : Writes GraphML, which :func:`read_graphml` reads back.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sdg_interactions.matrix import from_array
    >>> p = Path(tempfile.mkdtemp()) / "m.gexf"
    >>> write_gexf(from_array(np.array([[np.nan, 0], [-2, np.nan]]), ["13.1", "13.2"]), p, lang="en")
    >>> import networkx as nx
    >>> G = nx.read_gexf(p)
    >>> sorted(G.edges(data="weight")), G.nodes["13.2"]["label"]
    ([('13.2', '13.1', 2.0)], 'Climate change policy/planning')
    """
    G, _, _ = _graph(obj, "GEXF", lang, include_zero)
    G.graph.clear()  # GEXF keeps no graph attributes
    with replacing(path) as temporary:
        import networkx as nx

        nx.write_gexf(G, temporary)
