"""Tests of sdg_interactions.matrix, tables and graph: the data model, its constructors and aggregation."""

import re

import networkx as nx
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sdg_interactions import (
    UnknownIdError,
    ValidationError,
    aggregate,
    from_array,
    from_graph,
    from_long,
    from_wide,
    to_graph,
    to_long,
    to_wide,
    validate,
)
from sdg_interactions.matrix import FALSE_WORDS, TRUE_WORDS, is_aggregated, parse_uncertain, score_problems


def long_table(**columns):
    base = {"source": ["8.1", "8.2", "8.10"], "target": ["8.2", "8.10", "8.1"], "score": ["2", "-1", ""]}
    base.update(columns)
    return pd.DataFrame(base)


def test_from_long_builds_square_float_matrix_in_natural_order():
    ds = from_long(long_table())
    assert ds["score"].dims == ("source", "target")
    assert ds["score"].dtype == np.float64
    assert list(ds["source"].values) == ["8.1", "8.2", "8.10"]
    assert ds["score"].sel(source="8.1", target="8.2").item() == 2.0
    assert np.isnan(ds["score"].sel(source="8.10", target="8.1").item())  # blank = not scored
    assert np.isnan(np.diag(ds["score"].values)).all()
    assert ds.attrs["aggregated"] == 0
    assert ds["source_group"].values.tolist() == ["8", "8", "8"]


@pytest.mark.parametrize("value", ["2", "2.0", 2, 2.0, " 2 ", "+2"])
def test_raw_scores_accept_integers_in_any_spelling(value):
    ds = from_long(long_table(score=[value, "0", "-3"]))
    assert ds["score"].sel(source="8.1", target="8.2").item() == 2.0


@pytest.mark.parametrize("value", ["2.5", "4", "-4", "abc", "inf"])
def test_raw_scores_reject(value):
    with pytest.raises(ValidationError, match=r"f\.csv, row 2, column 'score'"):
        from_long(long_table(score=[value, "0", "1"]), file="f.csv")


def test_aggregated_accepts_floats_but_not_out_of_range():
    ds = from_long(long_table(score=["2.5", "-0.25", "3"]), aggregated=True)
    assert ds["score"].sel(source="8.2", target="8.10").item() == -0.25
    assert is_aggregated(ds)
    with pytest.raises(ValidationError, match="row 4"):
        from_long(long_table(score=["2.5", "-0.25", "3.5"]), aggregated=True)


def test_zero_is_scored_nan_is_not():
    ds = from_long(long_table(score=["0", "", "1"]))
    assert ds["score"].sel(source="8.1", target="8.2").item() == 0.0
    assert np.isnan(ds["score"].sel(source="8.2", target="8.10").item())


def test_diagonal_zero_reads_nan_nonzero_is_error():
    t = pd.DataFrame({"source": ["8.1", "8.1"], "target": ["8.1", "8.2"], "score": ["0", "1"]})
    assert np.isnan(from_long(t)["score"].sel(source="8.1", target="8.1").item())
    t.loc[0, "score"] = "2"
    with pytest.raises(ValidationError, match=r"row 2.*itself"):
        from_long(t, file="d.csv")


def test_unknown_id_names_row_and_value():
    with pytest.raises(UnknownIdError, match=r"x\.csv, row 3, column 'target'.*'1\.99'"):
        from_long(long_table(target=["8.2", "1.99", "8.1"]), file="x.csv")


def test_duplicate_pair_is_an_error_naming_both_rows():
    t = long_table(source=["8.1", "8.1", "8.2"], target=["8.2", "8.2", "8.1"])
    with pytest.raises(ValidationError, match=r"row 3: the pair 8\.1 -> 8\.2 is scored twice, also in row 2"):
        from_long(t, file="dup.csv")


def test_respondents_comments_uncertain():
    t = pd.DataFrame({
        "respondent": ["anna", "anna", "bo"],
        "source": ["8.1", "8.2", "8.1"],
        "target": ["8.2", "8.1", "8.2"],
        "score": ["2", "", "-1"],
        "comment": ["ökad täthet", "", "\"citat\"\nny rad"],
        "uncertain": ["", "ja", "x"],
    })
    ds = from_long(t)
    assert ds["score"].dims == ("respondent", "source", "target")
    assert ds["respondent"].values.tolist() == ["anna", "bo"]
    assert ds["comment"].sel(respondent="bo", source="8.1", target="8.2").item() == "\"citat\"\nny rad"
    assert ds["uncertain"].sel(respondent="anna", source="8.2", target="8.1").item()
    assert not ds["uncertain"].sel(respondent="anna", source="8.1", target="8.2").item()
    # an unscored cell with an uncertain mark keeps its row in the long form
    long = to_long(ds)
    assert len(long) == 3
    assert np.isnan(long.loc[(long["respondent"] == "anna") & (long["source"] == "8.2"), "score"].item())


def test_from_wide_same_ids_in_other_order():
    t = pd.DataFrame([["0", ""], ["", "-2"]], index=["8.2", "8.1"], columns=["8.1", "8.2"])
    ds = from_wide(t)
    assert ds["score"].sel(source="8.2", target="8.1").item() == 0.0
    assert ds["score"].sel(source="8.1", target="8.2").item() == -2.0
    assert ds["score"].sel(source="8.1", target="8.1").isnull().item()
    with pytest.raises(ValidationError, match="itself"):
        from_wide(pd.DataFrame([["1", "1"], ["-2", ""]], index=["8.1", "8.2"], columns=["8.1", "8.2"]))


def test_from_wide_names_header_id_as_column():
    t = pd.DataFrame([["", "5"], ["1", ""]], index=["8.1", "8.2"], columns=["8.1", "8.2"])
    with pytest.raises(ValidationError, match=r"w\.csv, row 2, column 'C \(8\.2\)'.*'5'"):
        from_wide(t, file="w.csv")


def test_validate_checks_arrays():
    da = from_array(np.array([[np.nan, 1.0], [2.0, np.nan]]), ["8.1", "8.2"])
    assert validate(da) is da
    with pytest.raises(ValidationError, match="diagonal"):
        validate(da.fillna(0))
    with pytest.raises(ValidationError, match="whole number"):
        validate(da + 0.5)
    agg = (da + 0.5).assign_attrs(aggregated=1)
    assert validate(agg) is agg


def test_score_problems_vectorised():
    mask = score_problems(np.array([[np.nan, 3.0, -3.0], [3.5, 1.5, -0.0]]))
    assert mask.tolist() == [[False, False, False], [True, True, False]]


@pytest.mark.parametrize(
    ("method", "expected"),
    [("mean", [1.0, 0.5]), ("median", [1.0, 0.5]), ("trimmed", [1.0, 0.5])],
)
def test_aggregate_skips_nan(method, expected):
    # cell 8.1->8.2 answers 3, -1, 0, 2: mean 1, median (0+2)/2 = 1, trimmed (n=4 cuts none) 1
    # cell 8.2->8.1 answers 1, 0 and two NaN (skipped): mean 0.5, median 0.5, trimmed 0.5
    values = np.full((4, 2, 2), np.nan)
    values[:, 0, 1] = [3, -1, 0, 2]
    values[:, 1, 0] = [1, 0, np.nan, np.nan]
    m = from_array(values, ["8.1", "8.2"], respondents=["a", "b", "c", "d"])
    out = aggregate(m, method)
    assert [out.values[0, 1], out.values[1, 0]] == expected
    assert out.attrs["aggregated"] == 1 and out.attrs["aggregation"] == method
    assert np.isnan(out.values[0, 0])


def test_trimmed_cuts_ten_percent_each_side():
    values = np.full((10, 2, 2), np.nan)
    values[:, 0, 1] = [-3, 1, 1, 1, 1, 1, 1, 1, 1, 3]
    m = from_array(values, ["8.1", "8.2"], respondents=list("abcdefghij"))
    assert aggregate(m, "trimmed").values[0, 1] == 1.0
    assert aggregate(m, "mean").values[0, 1] == 0.8


def test_cell_nobody_scored_stays_nan():
    values = np.full((2, 2, 2), np.nan)
    m = from_array(values, ["8.1", "8.2"], respondents=["a", "b"])
    for method in ("mean", "median", "trimmed"):
        assert np.isnan(aggregate(m, method).values).all()


def test_unknown_aggregation():
    with pytest.raises(ValidationError, match="mean, median, trimmed"):
        aggregate(from_array(np.full((2, 2), np.nan), ["8.1", "8.2"]), "mode")


def test_to_wide_and_back():
    da = from_array(np.array([[np.nan, 1.0, 0.0], [-3, np.nan, np.nan], [2, 2, np.nan]]), ["8.a", "8.1", "8.10"])
    wide = to_wide(da)
    assert list(wide.index) == ["8.1", "8.10", "8.a"]
    back = from_wide(wide.astype(object).where(wide.notna(), ""))
    xr.testing.assert_identical(back["score"], da)


def test_graph_round_trip_keeps_zero_edges_comments_and_isolated_nodes():
    t = pd.DataFrame({"source": ["8.1", "8.2", "MKM-3"], "target": ["8.2", "8.1", "8.1"],
                      "score": ["0", "-2", ""], "comment": ["", "konflikt: =summa", "bara kommentar"]})
    ds = from_long(t, nodes=["FH-1"])
    assert sorted(to_graph(ds).edges) == [("8.2", "8.1")]  # network-ready: interactions only
    G = to_graph(ds, include_zero=True, include_unscored_notes=True)
    assert isinstance(G, nx.DiGraph)
    assert G.edges["8.1", "8.2"]["score"] == 0.0 and G.edges["8.1", "8.2"]["weight"] == 0.0
    assert G.edges["8.2", "8.1"]["sign"] == -1
    assert G.nodes["MKM-3"]["framework"] == "miljomal"
    assert "FH-1" in G and G.degree("FH-1") == 0
    back = from_graph(G)
    xr.testing.assert_identical(back, ds)


def test_from_graph_rejects_bad_score():
    with pytest.raises(ValidationError, match="outside the scale"):
        from_graph(nx.DiGraph([("8.1", "8.2", {"score": 9})]))


@pytest.mark.parametrize("dim", ["kommun", "source", "target", "respondents"])
def test_aggregate_over_a_dim_the_matrix_lacks_is_refused(dim):
    m = from_array(np.full((2, 2, 2), np.nan), ["8.1", "8.2"], respondents=["a", "b"])
    with pytest.raises(ValidationError, match=rf"no dim of that name: '{dim}'.*'respondent'"):
        aggregate(m, dim=dim)


@pytest.mark.parametrize("trim", [0.5, 0.6, -1, -0.01, 1, float("nan"), True, "0.1", None])
def test_aggregate_refuses_a_trim_outside_zero_to_a_half(trim):
    m = from_array(np.full((2, 2, 2), np.nan), ["8.1", "8.2"], respondents=["a", "b"])
    with pytest.raises(ValidationError, match=r"trim.*0 <= trim < 0\.5"):
        aggregate(m, "trimmed", trim=trim)


@pytest.mark.parametrize("method", ["mean", "median", "trimmed"])
def test_aggregate_of_a_dask_stack_stays_lazy_and_computes_the_numpy_result(method):
    import dask.array as dask_array  # in the test extra: never skipped
    rng = np.random.default_rng(11)
    values = rng.integers(-3, 4, size=(10, 5, 5)).astype(float)
    values[rng.random(values.shape) < 0.2] = np.nan
    values[:, np.arange(5), np.arange(5)] = np.nan
    values[:, 0, 1] = np.nan  # a cell no one scored
    ids = ["8.1", "8.2", "8.10", "8.a", "MKM-1"]
    ds = from_array(values, ids, respondents=[f"r{k}" for k in range(10)]).to_dataset()
    lazy = aggregate(ds.chunk({"respondent": 1}), method, trim=0.2)
    assert isinstance(lazy.data, dask_array.Array) and lazy.chunks is not None
    eager = aggregate(ds, method, trim=0.2)
    assert isinstance(eager.data, np.ndarray)
    xr.testing.assert_identical(lazy.compute(), eager)
    assert np.isnan(eager.sel(source="8.1", target="8.2")).item()


@pytest.mark.parametrize(("word", "marked"), [("sant", True), ("SANT", True), ("falskt", False), ("1.0", True),
                                              ("0.0", False), (" Ja ", True), ("nej", False), ("", False)])
def test_parse_uncertain_reads_every_word(word, marked):
    assert parse_uncertain(pd.Series([word])).tolist() == [marked]


def test_bad_uncertain_mark_lists_every_accepted_word():
    with pytest.raises(ValidationError) as caught:
        parse_uncertain(pd.Series(["ja", "kanske"]), file="svar.csv")
    message = str(caught.value)
    assert message.startswith("svar.csv, row 3, column 'uncertain'") and "'kanske'" in message
    valid = message.split("Valid: ", 1)[1]
    words = set(re.findall(r"\w+(?:\.\w+)?", valid)) - {"not", "marked", "blank"}
    assert words == {"0", "0.0", "false", "falskt", "nej", "no", "1", "1.0", "ja", "sant", "true", "x", "yes"}
    assert words == (TRUE_WORDS | FALSE_WORDS | {"1.0", "0.0"}) - {""}
    assert valid.startswith("blank,")  # the blank cell ("" in FALSE_WORDS) is named, not shown as ''


def test_from_long_reads_a_table_with_its_own_column_names():
    """from_long(df, source=…, target=…, score=…, respondent=…): a researcher's table is read as it is."""
    import pandas as pd

    from sdg_interactions.errors import InputFormatError
    from sdg_interactions.matrix import from_long

    table = pd.DataFrame({"från": ["1.1", "1.2", "1.1"], "till": ["1.2", "1.1", "1.2"], "värde": ["2", "-1", "3"],
                          "vem": ["a", "a", "b"]})
    ds = from_long(table, source="från", target="till", score="värde", respondent="vem")
    assert ds["score"].dims == ("respondent", "source", "target")
    assert ds["score"].sel(respondent="a").values.tolist() == [[pytest.approx(float("nan"), nan_ok=True), 2.0],
                                                               [-1.0, pytest.approx(float("nan"), nan_ok=True)]]
    assert ds["score"].sel(respondent="b", source="1.1", target="1.2").item() == 3.0
    same = from_long(table.rename(columns={"från": "source", "till": "target", "värde": "score",
                                           "vem": "respondent"}))
    assert ds["score"].equals(same["score"])  # the mapping changes nothing but the names
    with pytest.raises(InputFormatError, match=r"no column 'from' \(given for source\)\. Valid: från, till") as info:
        from_long(table, source="from")
    assert "tabellen har ingen kolumn 'from'" in info.value.words("sv")
    with pytest.raises(InputFormatError, match="both the column 'från', given for source, and a column source"):
        from_long(table.assign(source="1.1"), source="från")


def test_from_wide_takes_the_ids_from_the_first_column_of_a_table_pandas_read(tmp_path):
    """`from_wide(pd.read_excel(f))`: pandas' row numbers are no ids; the first column holds them (issue 26)."""
    import numpy as np
    import pandas as pd

    from sdg_interactions.io import load_dataset
    from sdg_interactions.matrix import from_wide, to_wide

    sweden = load_dataset("weitz2018_sweden")["score"]
    to_wide(sweden).to_excel(tmp_path / "bred.xlsx")
    back = from_wide(pd.read_excel(tmp_path / "bred.xlsx", dtype=str))["score"]
    assert back["source"].values.tolist() == sweden["source"].values.tolist()
    assert np.array_equal(np.nan_to_num(back.values), np.nan_to_num(sweden.values))
    # a first column that is not the ids is left alone: the row numbers are then refused as ids
    with pytest.raises(Exception, match=r"row|rad"):
        from_wide(pd.DataFrame({"1.1": ["", "1"], "1.2": ["2", ""]}))
