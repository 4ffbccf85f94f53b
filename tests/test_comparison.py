"""Comparing kommuner: stacking, loading a collection, consensus, differences, Spearman, departing cells, chart."""

from __future__ import annotations

import importlib.util
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sdg_interactions.analysis import sdg_synergies
from sdg_interactions.analysis.comparison import (
    COMPARISON_COLUMNS,
    DEPARTING_COLUMNS,
    average_ranks,
    compare_matrices,
    comparison_table,
    departing_cells,
    spearman_matrix,
    stack_matrices,
)
from sdg_interactions.errors import InputFormatError, ValidationError
from sdg_interactions.io import load_matrix, write_matrix
from sdg_interactions.io.collection import load_collection
from sdg_interactions.matrix import from_array, toy_matrix

DATASETS = Path(__file__).parents[1] / "datasets"
IDS = ["8.2", "8.3", "8.10"]  # natural order: 8.10 last


def _build_module():
    spec = importlib.util.spec_from_file_location("build_synthetic", DATASETS / "build_synthetic.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def random_stack(seed: int, k: int = 5, n: int = 4, aggregated: bool = False) -> xr.DataArray:
    rng = np.random.default_rng(seed)
    values = rng.integers(-3, 4, size=(k, n, n)).astype(float)
    values[rng.random((k, n, n)) < 0.2] = np.nan
    values[:, np.arange(n), np.arange(n)] = np.nan
    ids = [f"2.{i + 1}" for i in range(n)]
    return stack_matrices({f"k{j}": from_array(values[j], ids) for j in range(k)})


# --- stacking and loading -----------------------------------------------------------------------


def test_stack_keeps_order_coords_and_values():
    a, b = toy_matrix(), toy_matrix().where(toy_matrix() != 3, 1)
    s = stack_matrices({"1499_falkoping": a, "0180_stockholm": b})
    assert s.dims == ("kommun", "source", "target")
    assert s["kommun"].values.tolist() == ["1499_falkoping", "0180_stockholm"]
    assert s["kommun_label"].values.tolist() == ["Falköping", "Stockholm"]
    assert s.sel(kommun="0180_stockholm", source="1.2", target="1.3").item() == 1.0
    assert s["source_label_en"].values.tolist() == a["source_label_en"].values.tolist()
    assert s.attrs["n_kommun"] == 2 and s.attrs["aggregated"] == 0
    by_position = stack_matrices([a, b], dim="sample")
    assert by_position["sample"].values.tolist() == ["1", "2"]


def test_stack_refuses_other_node_ids_naming_the_one_that_differs():
    a = from_array(np.array([[np.nan, 1], [0, np.nan]]), ["1.1", "1.2"])
    c = from_array(np.array([[np.nan, 1], [0, np.nan]]), ["1.1", "1.3"])
    with pytest.raises(ValidationError, match=r"'umea': other target ids than 'malmo': lacks 1\.2; has 1\.3 in addition"
                       r"\. Valid: the same 2 target ids in every matrix: 1\.1, 1\.2\."):
        stack_matrices({"malmo": a, "umea": c})
    with pytest.raises(ValidationError, match="share the name"):
        stack_matrices([a.assign_attrs(name="x"), a.assign_attrs(name="x")])
    with pytest.raises(ValidationError, match="several matrices"):
        stack_matrices(a)
    with pytest.raises(ValidationError, match="extra dims"):
        stack_matrices({"a": stack_matrices({"x": a, "y": a}), "b": a})


def _write_three(folder: Path) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for k, shift in enumerate((0, 1, -1)):
        values = np.array([[np.nan, 1 + shift, 0], [2, np.nan, shift], [0, -1, np.nan]])
        path = folder / f"{['1499_falkoping', '1401_harryda', 'x'][k]}.csv"
        write_matrix(from_array(values, IDS), path)
        paths.append(path)
    return paths


def test_load_collection_reads_a_folder_sorted_and_a_list(tmp_path):
    paths = _write_three(tmp_path / "m")
    (tmp_path / "m" / "notes.txt").write_text("not a matrix", "utf-8")
    (tmp_path / "m" / "~$lock.xlsx").write_bytes(b"")
    ds = load_collection(tmp_path / "m")
    assert ds["kommun"].values.tolist() == ["1401_harryda", "1499_falkoping", "x"]
    assert ds["kommun_label"].values.tolist() == ["Härryda", "Falköping", "x"]
    assert ds.sel(kommun="1401_harryda", source="8.2", target="8.3")["score"].item() == 2.0
    assert set(ds.data_vars) == {"score"} and ds.attrs["aggregated"] == 0
    assert load_collection([paths[2], paths[0]])["kommun"].values.tolist() == ["x", "1499_falkoping"]


def test_load_collection_names_the_file_with_other_ids(tmp_path):
    paths = _write_three(tmp_path / "m")
    odd = tmp_path / "m" / "y.csv"
    write_matrix(from_array(np.array([[np.nan, 1, 0], [2, np.nan, 0], [0, -1, np.nan]]), ["8.2", "8.3", "8.4"]), odd)
    with pytest.raises(ValidationError, match=r"y\.csv: other target ids than .*1401_harryda\.csv: lacks 8\.10; has "
                       r"8\.4 in addition"):
        load_collection(tmp_path / "m")
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(InputFormatError, match="empty: the folder holds no matrix file"):
        load_collection(empty)
    with pytest.raises(ValidationError, match="at least two matrix files; got 1"):
        load_collection([paths[0]])
    with pytest.raises(InputFormatError, match="no such folder or file"):
        load_collection(tmp_path / "nothing")
    with pytest.raises(ValidationError, match="two files would be named 'x'"):
        write_matrix(load_matrix(paths[2]), tmp_path / "m" / "x.nc")
        load_collection([paths[2], tmp_path / "m" / "x.nc"])


def test_load_collection_of_respondent_files_keeps_raw_answers_and_uncertain_marks(tmp_path):
    for k, (score, mark) in enumerate([("2", "ja"), ("-1", ""), ("3", "")]):
        (tmp_path / f"R{k + 1}.csv").write_text(
            f"source,target,score,comment,uncertain\n1.1,1.2,{score},,{mark}\n1.2,1.1,0,hm,\n", "utf-8")
    ds = load_collection(tmp_path, dim="respondent")
    assert ds["score"].dims == ("respondent", "source", "target") and ds.attrs["aggregated"] == 0
    assert ds["score"].sel(source="1.1", target="1.2").values.tolist() == [2.0, -1.0, 3.0]
    assert ds["uncertain"].sel(source="1.1", target="1.2").values.tolist() == [True, False, False]
    assert ds["comment"].sel(source="1.2", target="1.1").values.tolist() == ["hm", "hm", "hm"]
    (tmp_path / "R4.csv").write_text("respondent,source,target,score\na,1.1,1.2,1\nb,1.1,1.2,3\n", "utf-8")
    with pytest.raises(ValidationError, match=r"R4\.csv: the file holds 2 respondents"):
        load_collection(tmp_path, dim="respondent")
    # on a kommun dim the same file is one kommun's answers, aggregated: (1 + 3) / 2; uncertain marks by anyone
    two = load_collection([tmp_path / "R1.csv", tmp_path / "R4.csv"])
    assert two["score"].sel(source="1.1", target="1.2").values.tolist() == [2.0, 2.0]
    assert two.attrs["aggregated"] == 1
    assert load_collection([tmp_path / "R1.csv", tmp_path / "R4.csv"], combine="median")["score"].sel(
        kommun="R4", source="1.1", target="1.2").item() == 2.0


# --- the comparison -----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_consensus_difference_and_departure_match_plain_loops(seed):
    stack = random_stack(seed, k=4 + seed % 2)
    result = compare_matrices(stack)
    values = stack.values
    k, n, _ = values.shape
    for i in range(n):
        for j in range(n):
            answers = [values[m, i, j] for m in range(k) if not np.isnan(values[m, i, j])]
            expected = statistics.median(answers) if answers else np.nan
            np.testing.assert_equal(result["consensus"].values[i, j], expected)
            for m in range(k):
                np.testing.assert_equal(result["difference"].values[m, i, j], values[m, i, j] - expected)
    for m in range(k):
        total = sum(abs(values[m, i, j] - statistics.median([values[q, i, j] for q in range(k)
                                                              if not np.isnan(values[q, i, j])]))
                    for i in range(n) for j in range(n) if not np.isnan(values[m, i, j]))
        assert result["departure"].values[m] == pytest.approx(total)
        expected_systemic = sdg_synergies(stack.isel(kommun=m))["systemic"].values
        np.testing.assert_allclose(result["systemic"].values[m], expected_systemic)


def test_spearman_by_hand_and_like_scipy():
    # ranks by hand: x (1, 2, 3, 4, 5) and y (2, 1, 4, 3, 5): d² = 1 + 1 + 1 + 1 + 0 = 4; 1 − 6·4 / (5·24) = 0.8
    rho = spearman_matrix(np.array([[5.0, 4, 3, 2, 1], [4.0, 5, 2, 3, 1]]))
    np.testing.assert_allclose(rho, [[1.0, 0.8], [0.8, 1.0]], rtol=0, atol=1e-15)
    assert average_ranks(np.array([[1.0, 1.0, 3.0, 1.0 + 1e-12]])).tolist() == [[3.0, 3.0, 1.0, 3.0]]
    import scipy.stats as scipy_stats
    result = compare_matrices(load_collection("synthetic_kommuner"))
    systemic = result["systemic"].values
    for a in range(len(systemic)):
        for b in range(len(systemic)):
            expected = scipy_stats.spearmanr(systemic[a], systemic[b]).statistic
            assert result["spearman"].values[a, b] == pytest.approx(expected, abs=1e-12)
    assert np.isnan(spearman_matrix(np.array([[1.0, 1.0, 1.0], [1.0, 2.0, 3.0]]))[0, 1])


def test_identical_kommuner_agree_completely():
    a = load_matrix("weitz2018_sweden")
    result = compare_matrices(stack_matrices({"a": a, "b": a.copy(), "c": a.copy()}))
    assert result["spearman"].values.tolist() == [[1.0] * 3] * 3
    assert result["departure"].values.tolist() == [0.0, 0.0, 0.0]
    assert departing_cells(result).empty
    table = comparison_table(result)
    assert table["most_departing"].tolist() == ["", "", ""] and table["spearman_mean"].tolist() == [1.0] * 3


def test_departing_cells_order_ties_in_natural_order_and_top():
    base = np.array([[np.nan, 0, 0], [0, np.nan, 0], [0, 0, np.nan]])
    b = base.copy()
    b[2, 0] = 2.0    # 8.10 → 8.2
    b[0, 2] = -2.0   # 8.2 → 8.10
    b[1, 2] = 2.0 + 1e-12  # 8.3 → 8.10: equal within the tie tolerance
    b[0, 1] = 1.0    # 8.2 → 8.3: smaller
    stack = stack_matrices({"a": from_array(base, IDS, aggregated=True), "b": from_array(b, IDS, aggregated=True),
                            "c": from_array(base, IDS, aggregated=True)})
    table = departing_cells(compare_matrices(stack), lang="en")
    assert tuple(table.columns) == DEPARTING_COLUMNS
    assert list(zip(table["source"], table["target"], strict=True)) == [
        ("8.2", "8.10"), ("8.3", "8.10"), ("8.10", "8.2"), ("8.2", "8.3")]
    assert table["kommun"].unique().tolist() == ["b"]
    assert table["difference"].tolist()[:1] == [-2.0] and table["consensus"].tolist() == [0.0] * 4
    assert table["source_label"].iloc[0] == stack["source_label_en"].sel(source="8.2").item()
    assert departing_cells(compare_matrices(stack))["target_label"].iloc[0] == stack["target_label_sv"].sel(
        target="8.10").item()
    assert len(departing_cells(compare_matrices(stack), top=2)) == 2
    with pytest.raises(ValidationError, match="top"):
        departing_cells(compare_matrices(stack), top=0)


def test_synthetic_kommuner_depart_exactly_where_the_script_planted_it():
    build = _build_module()
    sweden = load_matrix("weitz2018_sweden")
    result = compare_matrices(load_collection("synthetic_kommuner"))
    xr.testing.assert_equal(result["consensus"].reset_coords(drop=True), sweden.reset_coords(drop=True).rename(None)
                            .drop_attrs())
    cells = departing_cells(result, top=None)
    table = comparison_table(result)
    assert tuple(table.columns) == COMPARISON_COLUMNS
    for stem, departures in build.KOMMUNER.items():
        mine = cells[cells["kommun"] == stem]
        assert set(zip(mine["source"], mine["target"], strict=True)) == set(departures)
        expected = sum(abs(score - sweden.sel(source=s, target=t).item()) for (s, t), (score, _) in departures.items())
        assert table.set_index("kommun").loc[stem, "departure"] == expected
    row = table.set_index("kommun").loc["1401_harryda"]
    assert (row["label"], row["n_nodes"], row["n_scored"], row["most_departing"]) == (
        "Härryda", 34, 1122, "9.4→13.2 (−4)")


def test_compare_refuses_what_is_no_stack():
    with pytest.raises(ValidationError, match="stack of matrices"):
        compare_matrices(toy_matrix())
    with pytest.raises(ValidationError, match="at least two"):
        compare_matrices(stack_matrices({"a": toy_matrix()}))
    with pytest.raises(ValidationError, match="compare_matrices"):
        comparison_table(xr.Dataset())


# --- the chart ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_chart_scales_rows_and_synthetic_caption(lang):
    from sdg_interactions.plots import rows_of
    from sdg_interactions.plots.comparison import comparison_chart
    from sdg_interactions.texts import text

    result = compare_matrices(load_collection("synthetic_kommuner"))
    spec = comparison_chart(result, lang=lang, top=2).to_dict()
    heat, bars = spec["vconcat"][0]["hconcat"]
    grid = spec["vconcat"][1]
    color = heat["layer"][0]["encoding"]["color"]["scale"]
    assert color == {"domain": [-1, 1], "scheme": "viridis"}  # never the score scale
    assert grid["layer"][0]["encoding"]["color"]["scale"]["domain"] == [-3, 3]
    assert spec["title"]["text"] == text("comparison.chart.title", lang, n=5)
    assert text("comparison.chart.synthetic", lang) in " ".join(spec["title"]["subtitle"])
    pairs = rows_of(spec, heat["data"]["name"])
    assert len(pairs) == 25 and {p["rho"] for p in pairs if p["kommun"] == p["other"]} == {1.0}
    departure = {r["kommun"]: r["departure"] for r in rows_of(spec, bars["data"]["name"])}
    assert departure == dict(zip(result["kommun_label"].values, result["departure"].values, strict=True))
    cells = pd.DataFrame(rows_of(spec, grid["data"]["name"]))
    links = cells["link"].unique().tolist()
    assert links[0].startswith("9.4 ") and " → 13.2 " in links[0]  # Härryda's −4, the largest departure
    assert all(len(part.split(" ", 1)) == 2 for part in links[0].split(" → "))  # labels, not bare ids
    assert len(cells) == 6 * len(links)  # the consensus and five kommuner per link
    harryda = cells[(cells["link"] == links[0]) & (cells["kommun"] == "Härryda")].iloc[0]
    assert (harryda["score"], harryda["consensus"], harryda["departs"]) == (-1.0, 3.0, True)


# --- kommuner with different node sets ----------------------------------------------------------------


def test_stacking_different_node_sets_keeps_natural_order_and_leaves_unscored_nodes_out():
    """A kommun that lacks a target: the union in natural order (2.2 before 10.1, unlike xr.concat's string
    order, which validate refuses), NaN for its cells, no systemic score or rank there, and the Spearman
    correlation over the targets both scored — recomputed here by plain loops."""
    import xarray as xr

    from sdg_interactions.errors import ValidationError
    from sdg_interactions.matrix import validate

    rng = np.random.default_rng(7)
    ids_a, ids_b = ["1.1", "2.2", "10.1", "10.2"], ["1.1", "2.2", "3.1", "10.2"]

    def random_matrix(ids):
        values = rng.integers(-3, 4, size=(len(ids), len(ids))).astype(float)
        np.fill_diagonal(values, np.nan)
        return from_array(values, ids)

    a, b = random_matrix(ids_a), random_matrix(ids_b)
    with pytest.raises(ValidationError, match="natural order"):
        validate(xr.concat([a, b], dim="kommun", join="outer"))
    with pytest.raises(ValidationError, match=r"lacks 10\.1"):
        stack_matrices({"a": a, "b": b})
    stack = stack_matrices({"a": a, "b": b}, join="outer")
    union = ["1.1", "2.2", "3.1", "10.1", "10.2"]
    assert stack["source"].values.tolist() == union
    assert stack["source_label_sv"].values.tolist()[3] == a["source_label_sv"].sel(source="10.1").item()
    assert np.isnan(stack.sel(kommun="a", source="3.1").values).all()
    result = compare_matrices(stack)

    def systemic_by_loops(m, ids):  # r_i + ½ Σ_j a_ij r_j over the kommun's own targets
        a_ = np.nan_to_num(m.sel(source=ids, target=ids).values)
        r = [sum(a_[i][j] for j in range(len(ids)) if j != i) for i in range(len(ids))]
        return {ids[i]: r[i] + 0.5 * sum(a_[i][j] * r[j] for j in range(len(ids)) if j != i) for i in range(len(ids))}

    own = {"a": systemic_by_loops(a, ids_a), "b": systemic_by_loops(b, ids_b)}
    for name, ids in (("a", ids_a), ("b", ids_b)):
        got = result["systemic"].sel(kommun=name)
        for node in union:
            if node in ids:
                assert float(got.sel(node=node)) == pytest.approx(own[name][node]), (name, node)
            else:
                assert np.isnan(float(got.sel(node=node))) and int(result["rank"].sel(kommun=name, node=node)) == 0
        ranks = result["rank"].sel(kommun=name, node=ids).values.tolist()
        assert sorted(ranks)[0] == 1 and max(ranks) <= len(ids)  # ranked among its own four
    common = ["1.1", "2.2", "10.2"]
    x, y = [own["a"][n] for n in common], [own["b"][n] for n in common]

    def average_rank(values):  # 1 = largest; ties share the mean of their places
        return [sum(1 for w in values if w > v) + (sum(1 for w in values if w == v) + 1) / 2 for v in values]

    rx, ry = average_rank(x), average_rank(y)
    mx, my = sum(rx) / 3, sum(ry) / 3
    num = sum((p - mx) * (q - my) for p, q in zip(rx, ry, strict=True))
    den = (sum((p - mx) ** 2 for p in rx) * sum((q - my) ** 2 for q in ry)) ** 0.5
    expected = num / den if den else float("nan")
    got = float(result["spearman"].sel(kommun="a", kommun_other="b"))
    assert (np.isnan(got) and np.isnan(expected)) or got == pytest.approx(expected)
