"""Tests of sdg_interactions.io.graphfile: GraphML round trips and GEXF files for Gephi."""

import json

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sdg_interactions import aggregate, from_array, from_long
from sdg_interactions.errors import InputFormatError, ValidationError
from sdg_interactions.io import load_dataset
from sdg_interactions.io.graphfile import read_graphml, write_gexf, write_graphml
from sdg_interactions.matrix import with_node_labels


@pytest.fixture
def own_framework():
    """A kommun's own goals next to SDG targets: labels, comments, marks, a 0 and unscored cells."""
    table = pd.DataFrame({
        "source": ["LULEA-1", "LULEA-1", "LULEA-2", "11.2", "11.2", "LULEA-2"],
        "target": ["LULEA-2", "11.2", "LULEA-1", "LULEA-1", "LULEA-2", "11.2"],
        "score": ["3", "0", "-2", "1", "", ""],
        "comment": ["sjöar, åar & <ängar>", "", '=SUM(A1) "citat"', "rad 1\nrad 2", "ej bedömt ännu", ""],
        "uncertain": ["", "x", "", "ja", "", "x"],
    })
    labels = pd.DataFrame({"id": ["LULEA-1", "LULEA-2"], "group": ["Luleå 2030", "Luleå 2030"],
                           "label_sv": ["Fossilfri stad", "Levande centrum"],
                           "label_en": ["Fossil-free city", "Lively centre"]})
    attrs = {"title": "Luleå", "years": [2018, 2019], "checked": True}
    return with_node_labels(from_long(table, attrs=attrs), labels)


def without_source_file(ds):
    ds = ds.copy()
    assert "source_file" in ds.attrs
    ds.attrs.pop("source_file")
    return ds


def test_graphml_round_trip_is_lossless(own_framework, tmp_path):
    path = tmp_path / "lulea.graphml"
    write_graphml(own_framework, path)
    back = read_graphml(path)
    xr.testing.assert_identical(without_source_file(back), own_framework)
    assert back["source_label_en"].sel(source="LULEA-2").item() == "Lively centre"
    assert back["comment"].sel(source="11.2", target="LULEA-2").item() == "ej bedömt ännu"  # unscored, kept
    assert back.attrs["years"] == [2018, 2019] and back.attrs["checked"] is True


def test_graphml_edges_are_the_scored_cells(own_framework, tmp_path):
    path = tmp_path / "lulea.graphml"
    write_graphml(own_framework, path, lang="en")
    G = nx.read_graphml(path)
    # the pair scored 0 is no interaction: not an edge, but kept (with its uncertain mark) in a graph attribute
    assert sorted(G.edges(data="score")) == [("11.2", "LULEA-1", 1.0), ("LULEA-1", "LULEA-2", 3.0),
                                             ("LULEA-2", "LULEA-1", -2.0)]
    assert json.loads(G.graph["sdg_interactions_zero"]) == [["LULEA-1", "11.2", "", True]]
    xr.testing.assert_identical(without_source_file(read_graphml(path)), own_framework)
    write_graphml(own_framework, path, lang="en", include_zero=True)
    G = nx.read_graphml(path)
    assert G.edges["LULEA-1", "11.2"]["weight"] == 0.0 and G.edges["LULEA-1", "11.2"]["uncertain"] is True
    assert "sdg_interactions_zero" not in G.graph
    assert G.edges["LULEA-2", "LULEA-1"]["sign"] == -1 and G.edges["LULEA-2", "LULEA-1"]["weight"] == 2.0
    assert G.nodes["LULEA-1"]["label"] == "Fossil-free city" and G.nodes["LULEA-1"]["group"] == "Luleå 2030"
    # networkx's reader adds node_default and edge_default
    attrs = {k: v for k, v in G.graph.items() if k not in ("node_default", "edge_default")}
    assert all(isinstance(v, (bool, int, float, str)) for v in attrs.values())
    assert attrs["years"] == "[2018, 2019]" and attrs["sdg_interactions_json"] == '["years"]'
    assert attrs["title"] == "Luleå" and attrs["aggregated"] == 0


def test_graphml_round_trip_of_the_sweden_matrix(tmp_path):
    ds = load_dataset("weitz2018_sweden")
    path = tmp_path / "sweden.graphml"
    write_graphml(ds, path)
    xr.testing.assert_identical(without_source_file(read_graphml(path)), ds)
    scores = ds["score"].values
    interactions = sum(1 for row in scores for v in row if v == v and v != 0)  # scored and not 0
    assert interactions == 1122 - 606  # SEI's matrix: 606 of the 1,122 pairs were scored 0
    G = nx.read_graphml(path)
    assert G.number_of_edges() == interactions
    assert nx.density(G) == pytest.approx(interactions / (34 * 33))


def test_graphml_of_an_aggregated_matrix(roundtrip_dataset, tmp_path):
    mean = aggregate(roundtrip_dataset)
    path = tmp_path / "mean.graphml"
    write_graphml(mean, path)
    back = read_graphml(path)
    assert back.attrs["aggregated"] == 1 and back.attrs["aggregation"] == "mean"
    np.testing.assert_array_equal(back["score"].values, mean.values)


def test_gexf_reads_back_in_networkx(own_framework, tmp_path):
    path = tmp_path / "lulea.gexf"
    write_gexf(own_framework, path, lang="en")
    G = nx.read_gexf(path)
    assert G.is_directed()
    assert sorted(G.edges(data="score")) == [("11.2", "LULEA-1", 1.0), ("LULEA-1", "LULEA-2", 3.0),
                                             ("LULEA-2", "LULEA-1", -2.0)]
    write_gexf(own_framework, path, lang="en", include_zero=True)
    G = nx.read_gexf(path)
    assert sorted(G.edges(data="weight")) == [("11.2", "LULEA-1", 1.0), ("LULEA-1", "11.2", 0.0),
                                              ("LULEA-1", "LULEA-2", 3.0), ("LULEA-2", "LULEA-1", 2.0)]
    assert G.nodes["LULEA-2"]["label"] == "Lively centre"
    assert G.nodes["11.2"]["label"] == own_framework["source_label_en"].sel(source="11.2").item()
    assert G.edges["LULEA-2", "LULEA-1"]["comment"] == '=SUM(A1) "citat"'
    assert G.edges["11.2", "LULEA-1"]["uncertain"] is True
    assert set(G.nodes) == {"LULEA-1", "LULEA-2", "11.2"}


def test_gexf_of_the_sweden_matrix_has_every_scored_cell(tmp_path):
    ds = load_dataset("weitz2018_sweden")
    path = tmp_path / "sweden.gexf"
    long = ds["score"].to_series().dropna()
    for include_zero in (False, True):
        write_gexf(ds, path, include_zero=include_zero)
        G = nx.read_gexf(path)
        scores = {(s, t): v for s, t, v in G.edges(data="score")}
        assert scores == {(s, t): v for (s, t), v in long.items() if v != 0 or include_zero}
    assert G.nodes["16.6"]["label"] == ds["source_label_sv"].sel(source="16.6").item()


@pytest.mark.parametrize("write", [write_graphml, write_gexf])
def test_respondent_dim_must_be_aggregated_first(roundtrip_dataset, tmp_path, write):
    with pytest.raises(ValidationError, match=r"one matrix.*\('respondent',\).*aggregate"):
        write(roundtrip_dataset, tmp_path / "x.graph")
    write(roundtrip_dataset.sel(respondent="anna"), tmp_path / "anna.graph")  # one respondent is fine


def test_graphml_from_another_tool(tmp_path):
    path = tmp_path / "other.graphml"
    nx.write_graphml(nx.DiGraph([("MKM-1", "MKM-2", {"score": -1}), ("MKM-2", "MKM-1", {"score": 2})]), path)
    ds = read_graphml(path)
    np.testing.assert_array_equal(ds["score"].values, [[np.nan, -1.0], [2.0, np.nan]])
    assert ds["source_label_sv"].sel(source="MKM-1").item() == "Begränsad klimatpåverkan"
    nx.write_graphml(nx.Graph([("MKM-1", "MKM-2", {"score": 1})]), path)
    with pytest.raises(InputFormatError, match="must be directed"):
        read_graphml(path)
    nx.write_graphml(nx.DiGraph([("MKM-1", "MKM-2", {"score": 4})]), path)
    with pytest.raises(ValidationError, match="outside the scale"):
        read_graphml(path)
    path.write_text("not xml", "utf-8")
    with pytest.raises(InputFormatError, match="cannot read this as GraphML"):
        read_graphml(path)


def test_write_of_a_dataarray(tmp_path):
    da = from_array(np.array([[np.nan, 0], [-3, np.nan]]), ["SDG-1", "SDG-2"])
    path = tmp_path / "m.graphml"
    write_graphml(da, path)
    xr.testing.assert_identical(without_source_file(read_graphml(path))["score"], da)
