"""The SYNTHETIC demo data: how it was made, that it is labelled as such, and that it rebuilds byte for byte."""

from __future__ import annotations

import csv
import importlib.util
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import sdg_interactions.frameworks as fw
from sdg_interactions.analysis import cell_statistics
from sdg_interactions.errors import UnknownDatasetError
from sdg_interactions.frameworks.folders import bundled_folder, bundled_folders
from sdg_interactions.io import load_dataset
from sdg_interactions.io.collection import load_collection

DATASETS = Path(__file__).parents[1] / "datasets"
SCRIPT = DATASETS / "build_synthetic.py"


def _script():
    spec = importlib.util.spec_from_file_location("build_synthetic", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


BUILD = _script()


def read_rows(path: Path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def sweden() -> dict[tuple[str, str], int]:
    return {(r["source"], r["target"]): int(r["score"]) for r in read_rows(DATASETS / "matrices/weitz2018_sweden.csv")}


@pytest.fixture(scope="module")
def answers() -> list[dict]:
    return read_rows(DATASETS / "matrices/synthetic_respondents.csv")


def test_regenerating_gives_byte_identical_files(tmp_path):
    done = subprocess.run([sys.executable, str(SCRIPT), "--out", str(tmp_path)], capture_output=True, text=True,
                          check=True)
    written = sorted(Path(line) for line in done.stdout.split())
    assert [p.relative_to(tmp_path).as_posix() for p in written] == sorted(
        ["synthetic_respondents.csv", *(f"synthetic_kommuner/{stem}.csv" for stem in BUILD.KOMMUNER)])
    for path in written:
        assert path.read_bytes() == (DATASETS / "matrices" / path.relative_to(tmp_path)).read_bytes(), path.name


def test_respondent_file_shape_and_rates(answers, sweden):
    assert len(answers) == 12 * 1122
    assert list(answers[0]) == ["respondent", "source", "target", "score", "comment", "uncertain"]
    assert sorted({r["respondent"] for r in answers}) == [f"R{k:02d}" for k in range(1, 13)]
    assert {(r["source"], r["target"]) for r in answers} == set(sweden)
    missing = sum(r["score"] == "" for r in answers) / len(answers)
    uncertain = sum(r["uncertain"] == "1" for r in answers) / len(answers)
    assert 0.02 < missing < 0.04 and 0.06 < uncertain < 0.10
    assert {r["uncertain"] for r in answers} == {"", "1"}
    assert not any(r["uncertain"] == "1" and r["score"] == "" for r in answers)
    assert sum(r["comment"] != "" for r in answers) == 2 * len(BUILD.PLANTED)  # one pro, one con per planted pair


def test_noise_moves_at_most_one_step_and_never_flips_a_sign(answers, sweden):
    for r in answers:
        cell = (r["source"], r["target"])
        if cell in BUILD.PLANTED or r["score"] == "":
            continue
        score, base = int(r["score"]), sweden[cell]
        assert abs(score - base) <= 1 and -3 <= score <= 3
        assert score * base >= 0, (r, base)
    moved = [r for r in answers if r["score"] and (r["source"], r["target"]) not in BUILD.PLANTED
             and int(r["score"]) != sweden[(r["source"], r["target"])]]
    assert 0.18 < len(moved) / len(answers) < 0.26  # 0.25, less what clipping at ±3 keeps in place


def test_planted_pairs_split_half_and_half(answers):
    for cell in BUILD.PLANTED:
        scores = sorted(int(r["score"]) for r in answers if (r["source"], r["target"]) == cell)
        assert scores == [-2, -2, -2, -1, -1, -1, 2, 2, 2, 2, 2, 2], cell
    assert {"12.1", "16.6"} <= {source for source, _ in BUILD.PLANTED}  # the two strongest levers' rows


def test_load_dataset_is_labelled_synthetic_and_only_the_planted_pairs_are_contested():
    ds = load_dataset("synthetic_respondents")
    assert ds.sizes == {"respondent": 12, "source": 34, "target": 34}
    assert ds["uncertain"].dtype == bool and int(ds["uncertain"].sum()) > 0
    assert ds.attrs["title_sv"].startswith("SYNTETISKT EXEMPEL:")
    assert ds.attrs["title_en"].startswith("SYNTHETIC EXAMPLE:")
    assert ds.attrs["citation"].startswith("SYNTHETIC EXAMPLE")
    assert "SYNTHETIC" in ds.attrs["note"] and ds.attrs["scored_by_en"].startswith("nobody")
    assert ds.attrs["aggregated"] == 0
    values = ds["score"].to_numpy()
    assert np.array_equal(values[~np.isnan(values)], np.round(values[~np.isnan(values)]))  # raw whole numbers
    contested = cell_statistics(ds)["contested"].to_pandas()
    found = {(s, t) for s in contested.index for t in contested.columns if contested.loc[s, t]}
    assert found == set(BUILD.PLANTED)


def test_catalogue_row_matches_the_file(answers):
    info = fw.bundled_matrix("synthetic_respondents")
    assert info["path"].name == "synthetic_respondents.csv"
    assert info["n_nodes"] == len({r["source"] for r in answers} | {r["target"] for r in answers}) == 34
    assert info["n_pairs"] == len({(r["source"], r["target"]) for r in answers if r["score"]}) == 1122


def test_kommun_files_are_sweden_with_their_departures(sweden):
    folder = DATASETS / "matrices" / "synthetic_kommuner"
    assert sorted(p.stem for p in folder.glob("*.csv")) == sorted(BUILD.KOMMUNER)
    codes = set(fw.kommuner()["kommunkod"])
    for stem, departures in BUILD.KOMMUNER.items():
        assert stem[:4] in codes
        rows = read_rows(folder / f"{stem}.csv")
        assert len(rows) == 1122
        changed = {(r["source"], r["target"]): int(r["score"]) for r in rows
                   if int(r["score"]) != sweden[(r["source"], r["target"])]}
        assert changed == {cell: score for cell, (score, _) in departures.items()}
        commented = {(r["source"], r["target"]) for r in rows if r["comment"]}
        assert commented == set(departures)
        assert all(r["comment"].startswith("Syntetiskt exempel: ") for r in rows if r["comment"])


def test_no_pair_departs_in_more_than_two_kommuner():
    counts: dict[tuple[str, str], int] = {}
    for departures in BUILD.KOMMUNER.values():
        for cell in departures:
            counts[cell] = counts.get(cell, 0) + 1
    assert max(counts.values()) == 2  # so the median of five stays Sweden's


def test_bundled_folder_is_labelled_synthetic():
    assert bundled_folders()["name"].tolist() == ["synthetic_kommuner"]
    info = bundled_folder("synthetic_kommuner")
    assert info["files"] == sorted(f"{stem}.csv" for stem in BUILD.KOMMUNER)
    assert info["synthetic"] == 1 and info["title_sv"].startswith("SYNTETISKT EXEMPEL:")
    ds = load_collection("synthetic_kommuner")
    assert ds.attrs["synthetic"] == 1 and ds.attrs["title_en"].startswith("SYNTHETIC EXAMPLE:")
    assert ds.attrs["citation"].startswith("SYNTHETIC EXAMPLE")
    with pytest.raises(UnknownDatasetError, match="synthetic_kommuner"):
        bundled_folder("kommuner")


def test_provenance_page_names_the_seed_and_every_planted_pair():
    page = (DATASETS / "matrices" / "SYNTHETIC.md").read_text("utf-8")
    assert str(BUILD.SEED) in page and "never real answers" in page
    for source, target in BUILD.PLANTED:
        assert f"{source} → {target}" in page
    for stem in BUILD.KOMMUNER:
        assert f"`{stem}.csv`" in page
    for departures in BUILD.KOMMUNER.values():
        for source, target in departures:
            assert f"{source}→{target}" in page
