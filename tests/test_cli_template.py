"""Tests of ``sdg-interactions template`` and ``io.nodes_from``: the Excel template from the command line."""

import openpyxl
import pytest

from sdg_interactions.cli import main
from sdg_interactions.errors import UnknownDatasetError, UnknownIdError
from sdg_interactions.io import nodes_from, read_excel, write_matrix
from sdg_interactions.matrix import toy_matrix


def test_nodes_from_a_bundled_name_a_file_and_a_list(tmp_path):
    sweden = nodes_from("weitz2018_sweden")
    assert len(sweden) == 34 and sweden[:3] == ["1.3", "1.5", "2.2"] and sweden[-1] == "17.13"
    path = tmp_path / "m.csv"
    write_matrix(toy_matrix(), path)
    assert nodes_from(path) == ["1.1", "1.2", "1.3", "1.4"]
    assert nodes_from("13.2, 7.2,7.2 ,MKM-1") == ["7.2", "13.2", "MKM-1"]  # natural order, each once


@pytest.mark.parametrize(("spec", "error", "message"), [
    ("7.2,1.99", UnknownIdError, r"column 'nodes'.*'1\.99'"),
    ("7.2", UnknownDatasetError, r"need at least two targets: '7\.2'.*weitz2018_sweden"),
])
def test_nodes_from_errors(spec, error, message):
    with pytest.raises(error, match=message):
        nodes_from(spec)


def test_template_command_writes_a_sheet_per_respondent(tmp_path, capsys):
    out = tmp_path / "mall.xlsx"
    assert main(["template", "--nodes", "7.2,11.6,13.2", "--respondents", "Anna,Bo", "--out", str(out)]) == 0
    assert "3 delmål, 6 par" in capsys.readouterr().out
    book = openpyxl.load_workbook(out)
    assert book.sheetnames == ["Instruktioner", "Anna", "Bo", "Kommentarer", "Delmål"]
    assert [book["Anna"].cell(1, c).value for c in (3, 4, 5)] == ["7.2", "11.6", "13.2"]
    back = read_excel(out)  # an unfilled template reads back as two respondents with nothing scored
    assert back["respondent"].values.tolist() == ["Anna", "Bo"] and int(back["score"].notnull().sum()) == 0


def test_template_command_in_english_with_numbered_sheets(tmp_path, capsys):
    out = tmp_path / "template.xlsx"
    assert main(["template", "--nodes", "weitz2018_sweden", "--respondents", "3", "--lang", "en",
                 "--out", str(out)]) == 0
    assert "34 targets, 1122 pairs" in capsys.readouterr().out
    assert openpyxl.load_workbook(out).sheetnames[1:4] == ["Respondent 1", "Respondent 2", "Respondent 3"]


@pytest.mark.parametrize(("argv", "message"), [
    (["--nodes", "7.2,11.6", "--out", "x.csv"], "slutar inte på .xlsx"),
    (["--nodes", "7.2,11.6", "--respondents", "0", "--out", "x.xlsx"], "minst en deltagare"),
    (["--nodes", "7.2,11.6", "--out", "x.csv", "--lang", "en"], "does not end in .xlsx"),
    (["--nodes", "7.2,11.6", "--respondents", "0", "--out", "x.xlsx", "--lang", "en"], "at least one respondent"),
    (["--nodes", "no_such_matrix", "--out", "x.xlsx"], "inget giltigt id: 'no_such_matrix'"),
    (["--nodes", "no_such_matrix", "--out", "x.xlsx", "--lang", "en"], "not a valid target id: 'no_such_matrix'"),
])
def test_template_command_bad_input_exits_2_with_one_line(tmp_path, capsys, argv, message, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["template", *argv]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    assert not list(tmp_path.iterdir())  # nothing half-written


@pytest.mark.parametrize("old", ["Noder", "Nodes"])
def test_a_template_of_an_earlier_version_with_a_noder_sheet_still_reads(tmp_path, old):
    out = tmp_path / "mall.xlsx"
    assert main(["template", "--nodes", "7.2,11.6,13.2", "--respondents", "Anna", "--out", str(out)]) == 0
    book = openpyxl.load_workbook(out)
    book["Anna"]["D3"] = 2  # 7.2 → 11.6
    book["Delmål"].title = old  # the sheet's name before the glossary
    book.save(out)
    back = read_excel(out)
    assert back["score"].sel(source="7.2", target="11.6").item() == 2
    assert "respondent" not in back.dims  # the old sheet is the targets' sheet, not one more respondent
