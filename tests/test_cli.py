"""Tests of the command line's `analyse` subcommand and its exit codes (scenario: test_scenario.py;
report: test_report.py; bad files: test_bad_inputs.py)."""

import subprocess
import sys

import pandas as pd
import pytest

from sdg_interactions import load_matrix
from sdg_interactions.analysis import SDG_SYNERGIES_COLUMNS, sdg_synergies
from sdg_interactions.cli import main

FIRST_COLUMNS = ["node", "label", *SDG_SYNERGIES_COLUMNS]
APPENDED = ["total_out", "total_in", "net_multiplier", "quadrant", "cluster"]


def test_analyse_default_prints_ranked_table_in_swedish(capsys):
    assert main(["analyse", "--top", "3"]) == 0
    out = capsys.readouterr().out
    lines = out.splitlines()
    assert "34 delmål" in lines[0] and "noder" not in out
    body = [line.split() for line in lines[2:5]]
    assert [row[0] for row in body] == ["1", "2", "3"]
    assert [row[1] for row in body] == ["16.6", "12.1", "8.4"]
    assert "Bygg effektiva" in out  # the Swedish label of 16.6
    assert "Källa: Weitz" in out


def test_analyse_english_labels(capsys):
    assert main(["analyse", "weitz2018_sweden", "--lang", "en", "--top", "1"]) == 0
    out = capsys.readouterr().out
    assert "ranked by systemic score" in out and "Source: Weitz" in out
    assert "16.6" in out and "12.1" not in out


def test_analyse_out_writes_every_node_with_stable_columns(tmp_path, capsys):
    path = tmp_path / "resultat.csv"
    assert main(["analyse", "--top", "2", "--out", str(path)]) == 0
    table = pd.read_csv(path, dtype={"node": str})
    assert list(table.columns) == FIRST_COLUMNS + APPENDED
    assert len(table) == 34
    expected = sdg_synergies(load_matrix("weitz2018_sweden")).to_dataframe()
    assert table.set_index("node")["systemic"].to_dict() == expected["systemic"].to_dict()
    assert set(table["quadrant"]) <= {"driver", "relay", "dependent", "autonomous"}
    assert "34" in capsys.readouterr().out


def test_analyse_mongolia_and_a_file(tmp_path, capsys):
    assert main(["analyse", "mongolia2017", "--top", "1", "--lang", "en"]) == 0
    assert "MN-16" in capsys.readouterr().out
    path = tmp_path / "m.csv"
    path.write_text("source;target;score\n11.2;3.9;2\n3.9;11.2;-1\n", encoding="cp1252")
    assert main(["analyse", str(path)]) == 0
    assert "11.2" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["analyse", "no_such_matrix"], "weitz2018_sweden"),
        (["analyse", "--top", "-1"], "--top"),
        (["analyse", "--lang", "de"], "ogiltigt val 'de'"),
        (["frobnicate"], "ogiltigt val 'frobnicate'"),
        ([], "följande argument saknas"),
        (["frobnicate", "--lang", "en"], "invalid choice"),
        (["--lang", "en"], "required"),
    ],
)
def test_bad_usage_is_one_line_and_exit_2(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and needle in err and "Traceback" not in err
    assert err.startswith("error: " if "en" in argv else "fel: ")


def test_console_script_runs_as_a_process():
    done = subprocess.run([sys.executable, "-m", "sdg_interactions.cli", "analyse", "--top", "1"],
                          capture_output=True, text=True)
    assert done.returncode == 0 and "16.6" in done.stdout
    done = subprocess.run([sys.executable, "-m", "sdg_interactions.cli", "analyse", "x.csv"],
                          capture_output=True, text=True)
    assert done.returncode == 2 and done.stderr.count("\n") == 1 and "x.csv" in done.stderr


def test_analyse_out_excel_has_translated_headers_and_all_nodes(tmp_path, capsys):
    import openpyxl

    path = tmp_path / "resultat.xlsx"
    assert main(["analyse", "--out", str(path)]) == 0
    sheet = openpyxl.load_workbook(path).worksheets[0]
    rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == 35
    assert "systemisk poäng" in rows[0]
    assert {row[0] for row in rows[1:]} >= {"16.6", "17.11"}


def test_version_prints_the_package_version(capsys):
    from importlib.metadata import version

    import sdg_interactions

    assert main(["--version"]) == 0
    out = capsys.readouterr().out
    assert out.strip() == f"sdg-interactions {sdg_interactions.__version__}"
    assert sdg_interactions.__version__ == version("sdg_interactions")


FORMULA = '=HYPERLINK("http://x","klick")'


def _graphml_with_formula_label(tmp_path, how):
    """A user's own framework node (LULEA-1) whose Swedish label is a spreadsheet formula."""
    import networkx as nx
    import numpy as np

    from sdg_interactions.io import write_graphml
    from sdg_interactions.matrix import from_array, to_graph, with_node_labels

    m = from_array(np.array([[np.nan, 2, -1], [1, np.nan, 3], [0, -2, np.nan]]), ["LULEA-1", "LULEA-2", "7.2"])
    path = tmp_path / "lulea.graphml"
    if how == "networkx":
        G = to_graph(m)
        G.nodes["LULEA-1"]["label_sv"] = FORMULA
        G.graph.pop("valid_range")  # a list: GraphML has no type for it (write_graphml encodes it)
        nx.write_graphml(G, path)
    else:
        write_graphml(with_node_labels(m, pd.DataFrame({"id": ["LULEA-1"], "label_sv": [FORMULA]})), path)
    return path


def _csv_rows(path):
    import csv

    with open(path, encoding="utf-8-sig", newline="") as f:
        return {row["node"]: row for row in csv.DictReader(f)}


@pytest.mark.parametrize("how", ["networkx", "with_node_labels"])
@pytest.mark.parametrize("command", [["analyse"], ["scenario", "--priorities", "7.2"]])
def test_out_csv_writes_a_formula_label_as_text(tmp_path, capsys, how, command):
    source = _graphml_with_formula_label(tmp_path, how)
    out = tmp_path / "out.csv"
    assert main([command[0], str(source), *command[1:], "--out", str(out)]) == 0
    assert FORMULA in capsys.readouterr().out  # the terminal shows the label as it is
    rows = _csv_rows(out)
    assert rows["LULEA-1"]["label"] == "'" + FORMULA
    assert rows["LULEA-2"]["label"] == "LULEA-2"
    assert rows["7.2"]["label"] == "Öka andelen förnybar energi i världen"
