"""Tests of sdg_interactions.io.excel: the scoring template, reading it back, results export, and the
Swedish Excel user's CSV files (read by sdg_interactions.io.read_matrix)."""

import zipfile

import numpy as np
import openpyxl
import pandas as pd
import pytest
import xarray as xr
from openpyxl.utils import get_column_letter

from sdg_interactions import aggregate, from_array, from_long, node_info
from sdg_interactions.analysis import analysis_table, conflicts
from sdg_interactions.errors import InputFormatError, UnknownIdError, ValidationError
from sdg_interactions.io import read_matrix
from sdg_interactions.io.excel import read_excel, sheet_name, write_excel, write_results_excel, write_template
from sdg_interactions.matrix import with_node_labels

IDS = ["1.1", "1.2", "1.a", "8.10", "MKM-1"]  # natural order; 8.10 must stay text
#: A name Excel refuses as a sheet name, and one that looks like a formula.
RESPONDENTS = ["Anna", "Bo: skola/vård", "=Cecilia, Ö."]


def where(ws, source, target):
    """The cell of a pair on a template sheet (ids in row 1 from C, in column A from row 3)."""
    row = next(c.row for c in ws["A"] if c.value == source)
    col = next(c.column for c in ws[1] if c.value == target)
    return ws.cell(row, col)


def put(ws, source, target, value):
    where(ws, source, target).value = value


def fill_like_a_user(path):
    """Fill a template as a workshop would: numbers, text numbers, comments and marks."""
    wb = openpyxl.load_workbook(path)
    anna, bo, cecilia = (wb[n] for n in wb.sheetnames[1:4])
    for source, target, value in [("1.1", "1.2", 3), ("1.1", "8.10", 0), ("1.2", "1.1", -2),
                                  ("1.a", "MKM-1", "2"), ("MKM-1", "1.a", "-1")]:
        put(anna, source, target, value)
    for source, target, value in [("1.1", "1.2", "2,0"), ("8.10", "1.a", "−3"), ("1.1", "1.1", 0),
                                  ("1.2", "8.10", " 1 ")]:
        put(bo, source, target, value)
    for source, target, value in [("1.1", "1.2", 1.0), ("1.a", "1.1", -3)]:
        put(cecilia, source, target, value)
    comments = wb["Kommentarer"]
    rows = [("Anna", "1.1", "1.2", "sjöar, åar och ängar", "x"),
            ("Anna", "1.2", "1.1", 'the "polluter pays" rule\nsecond line', None),
            ("Bo_ skola_vård", "8.10", "1.a", "=SUM(A1)", "ja"),  # the sheet name names the respondent too
            ("Bo: skola/vård", "1.2", "1.a", None, "x"),  # unscored, only marked uncertain
            ("=Cecilia, Ö.", "1.1", "1.2", "'=already guarded", None),
            ("=Cecilia, Ö.", "MKM-1", "1.1", "inte bedömt: 'vet ej'", None)]
    for r, row in enumerate(rows, start=2):
        for c, value in enumerate(row, start=1):
            comments.cell(r, c).value = value
            comments.cell(r, c).data_type = "s" if isinstance(value, str) else comments.cell(r, c).data_type
    wb.save(path)


def intended():
    rows = [("Anna", "1.1", "1.2", "3", "sjöar, åar och ängar", "x"), ("Anna", "1.1", "8.10", "0", "", ""),
            ("Anna", "1.2", "1.1", "-2", 'the "polluter pays" rule\nsecond line', ""),
            ("Anna", "1.a", "MKM-1", "2", "", ""), ("Anna", "MKM-1", "1.a", "-1", "", ""),
            ("Bo: skola/vård", "1.1", "1.2", "2", "", ""),
            ("Bo: skola/vård", "8.10", "1.a", "-3", "=SUM(A1)", "x"),
            ("Bo: skola/vård", "1.2", "8.10", "1", "", ""), ("Bo: skola/vård", "1.2", "1.a", "", "", "x"),
            ("=Cecilia, Ö.", "1.1", "1.2", "1", "=already guarded", ""),
            ("=Cecilia, Ö.", "1.a", "1.1", "-3", "", ""),
            ("=Cecilia, Ö.", "MKM-1", "1.1", "", "inte bedömt: 'vet ej'", "")]
    table = pd.DataFrame(rows, columns=["respondent", "source", "target", "score", "comment", "uncertain"])
    return from_long(table, nodes=IDS)


@pytest.fixture
def filled(tmp_path):
    path = tmp_path / "workshop.xlsx"
    write_template(IDS, path, respondents=RESPONDENTS)
    fill_like_a_user(path)
    return path


# --- the template ------------------------------------------------------------------------------


def test_template_round_trip_with_three_respondents(filled):
    ds = read_excel(filled)
    want = intended()
    assert ds["respondent"].to_numpy().tolist() == RESPONDENTS
    for name in ("score", "comment", "uncertain"):
        xr.testing.assert_identical(ds[name], want[name])
    assert ds.attrs["source_file"] == str(filled) and ds.attrs["aggregated"] == 0


def test_template_sheets_validation_and_styles(tmp_path):
    path = tmp_path / "mall.xlsx"
    write_template(IDS, path, respondents=RESPONDENTS)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Instruktioner", "Anna", "Bo_ skola_vård", "=Cecilia, Ö.", "Kommentarer",
                             "Delmål"]
    for title, name in zip(wb.sheetnames[1:4], RESPONDENTS, strict=True):
        ws = wb[title]
        assert ws["A1"].value == ("'" + name if name.startswith("=") else name) and ws["A1"].data_type == "s"
        assert [c.value for c in ws[1]][2:] == IDS and [ws.cell(r, 1).value for r in range(3, 8)] == IDS
        labels = node_info(IDS)["label_sv"].tolist()  # short labels under the ids and beside them
        assert [c.value for c in ws[2]][2:] == labels and [ws.cell(r, 2).value for r in range(3, 8)] == labels
        assert ws.freeze_panes == "C3"
        (dv,) = [d for d in ws.data_validations.dataValidation if d.type == "whole"]
        assert (dv.operator, dv.formula1, dv.formula2, dv.allow_blank) == ("between", "-3", "3", True)
        for i in range(5):
            for j in range(5):
                cell = f"{get_column_letter(3 + j)}{3 + i}"
                assert (cell in dv) == (i != j), cell
                fill = ws[cell].fill.fgColor.rgb
                assert (fill == "00BFBFBF") == (i == j), cell
    instructions = "\n".join(str(c.value) for row in wb["Instruktioner"].iter_rows() for c in row if c.value)
    assert "If progress is made on target X, how does it influence progress on target Y?" in instructions
    assert "Om framsteg görs för delmål X, hur påverkar det framstegen för delmål Y?" in instructions
    for label in ("odelbar (starkt främjande)", "cancelling (strongly restricting)", "inte bedömd",
                  "not scored"):
        assert label in instructions
    comments = wb["Kommentarer"]
    assert [c.value for c in comments[1]] == ["svarande", "från (påverkar)", "till (påverkas)", "kommentar",
                                             "osäker (x)"]
    marks = [d for d in comments.data_validations.dataValidation if "E2" in d]
    assert len(marks) == 1 and marks[0].type == "list" and marks[0].formula1 == '"x"'
    assert [c.value for c in wb["Delmål"]["A"]] == ["id", *IDS]


def test_template_in_english_with_numbered_respondents_reads_back(tmp_path):
    path = tmp_path / "template.xlsx"
    write_template(["SDG-1", "SDG-2", "SDG-13"], path, respondents=2, lang="en")
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Instructions", "Respondent 1", "Respondent 2", "Comments", "Targets"]
    put(wb["Respondent 2"], "SDG-13", "SDG-2", -1)
    wb.save(path)
    ds = read_excel(path)
    assert ds["score"].sel(respondent="Respondent 2", source="SDG-13", target="SDG-2").item() == -1
    assert int(ds["score"].count()) == 1


def test_comment_is_stored_as_a_string_never_a_formula(tmp_path):
    ds = from_long(pd.DataFrame({"source": ["1.1", "1.2"], "target": ["1.2", "1.1"], "score": ["2", "-1"],
                                 "comment": ["=SUM(A1)", "@kommun\r\nny rad"]}))
    path = tmp_path / "m.xlsx"
    write_excel(ds, path)
    ws = openpyxl.load_workbook(path)["Kommentarer"]
    cell = ws["D2"]
    assert cell.data_type == "s" and cell.value == "'=SUM(A1)"
    with zipfile.ZipFile(path) as archive:
        parts = [archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")]
    assert not any("<f>" in part for part in parts)  # no formula anywhere
    back = read_excel(path)
    assert back["comment"].sel(source="1.1", target="1.2").item() == "=SUM(A1)"
    assert back["comment"].sel(source="1.2", target="1.1").item() == "@kommun\r\nny rad"


def test_write_excel_round_trip_is_lossless(roundtrip_dataset, tmp_path):
    path = tmp_path / "review.xlsx"
    write_excel(roundtrip_dataset, path)
    back = read_excel(path)
    assert back.attrs.pop("source_file") == str(path)
    xr.testing.assert_identical(back, roundtrip_dataset)


def test_one_matrix_of_a_custom_framework_keeps_its_labels(tmp_path):
    table = pd.DataFrame({"source": ["LULEA-1", "LULEA-2"], "target": ["LULEA-2", "1.1"], "score": ["3", "0"],
                          "comment": ["", "- inget samband"], "uncertain": ["", "x"]})
    labels = pd.DataFrame({"id": ["LULEA-1", "LULEA-2"], "label_sv": ["Fossilfri stad", "Levande centrum"],
                           "label_en": ["Fossil-free city", ""]})
    ds = with_node_labels(from_long(table), labels)
    path = tmp_path / "lulea.xlsx"
    write_excel(ds, path, lang="en")
    ws = openpyxl.load_workbook(path)["Answers"]
    assert [ws["D2"].value, ws["E2"].value] == ["Fossil-free city", "Levande centrum"]
    assert ws["A1"].value == "Answers"
    back = read_excel(path)
    back.attrs.pop("source_file")
    xr.testing.assert_identical(back, ds)
    assert back["source_label_sv"].sel(source="LULEA-1").item() == "Fossilfri stad"
    keep = read_excel(path, respondent_dim=True)
    assert keep["respondent"].to_numpy().tolist() == ["Answers"]


def test_aggregated_matrix_round_trip(roundtrip_dataset, tmp_path):
    mean = aggregate(roundtrip_dataset) / 3
    path = tmp_path / "mean.xlsx"
    write_excel(mean, path)
    ws = openpyxl.load_workbook(path)["Svar"]
    assert [d.type for d in ws.data_validations.dataValidation] == ["decimal"]
    back = read_excel(path)
    assert back.attrs["aggregated"] == 1
    np.testing.assert_array_equal(back["score"].values, mean.values)
    with pytest.raises(ValidationError, match="whole number"):
        read_excel(path, aggregated=False)


def test_prefilled_template_puts_one_matrix_on_every_sheet(tmp_path):
    da = from_array(np.array([[np.nan, 2], [-1, np.nan]]), ["1.1", "1.2"])
    path = tmp_path / "m.xlsx"
    write_template(["1.2", "1.1", "1.3"], path, respondents=["a", "b"], matrix=da)
    ds = read_excel(path)
    assert ds.sizes == {"respondent": 2, "source": 3, "target": 3}
    assert ds["score"].sel(source="1.1", target="1.2").to_numpy().tolist() == [2.0, 2.0]
    assert int(ds["score"].count()) == 4


@pytest.mark.parametrize(("name", "expected"), [
    ("Grupp 1: skola/vård", "Grupp 1_ skola_vård"), ("[x]*?", "_x___"), ("'citat'", "citat"), ("   ", "_"),
    ("History", "History (2)"), ("x" * 40, "x" * 31)])
def test_sheet_names_follow_excels_rules(name, expected):
    assert sheet_name(name, set()) == expected


def test_sheet_names_are_unique_ignoring_case():
    taken = set()
    assert [sheet_name(n, taken) for n in ["Anna", "anna", "ANNA", "Kommentarer"]] == [
        "Anna", "anna (2)", "ANNA (3)", "Kommentarer"]


# --- errors ------------------------------------------------------------------------------------


def edit(path, change):
    wb = openpyxl.load_workbook(path)
    change(wb)
    wb.save(path)
    return path


@pytest.mark.parametrize(("change", "error", "message"), [
    (lambda wb: put(wb["Anna"], "1.1", "1.a", 5), ValidationError,
     r"workshop\.xlsx, sheet 'Anna', row 3, column 'E \(1\.a\)': score outside the scale: '5'"),
    (lambda wb: put(wb["Bo_ skola_vård"], "1.2", "1.1", "2.5"), ValidationError,
     r"sheet 'Bo_ skola_vård', row 4, column 'C \(1\.1\)': score is not a whole number: '2.5'"),
    (lambda wb: put(wb["Anna"], "1.2", "1.1", "två"), ValidationError,
     r"row 4, column 'C \(1\.1\)'.*not a number"),
    (lambda wb: put(wb["Anna"], "8.10", "8.10", 1), ValidationError, r"row 6, column 'F \(8\.10\)'.*itself"),
    (lambda wb: wb["Anna"].cell(1, 4, "1.3"), ValidationError,
     r"sheet 'Anna'.*only in row 1: \['1\.3'\]; only in column A: \['1\.2'\]"),
    (lambda wb: wb["Anna"].cell(6, 1, "1.20"), UnknownIdError, r"sheet 'Anna', row 6, column 'A'.*'1\.20'"),
    (lambda wb: wb["Anna"].cell(1, 4, 1.2), UnknownIdError, r"row 1, column 'D'.*must be text"),
    (lambda wb: wb["Kommentarer"].append(["Doris", "1.1", "1.2", "hej", None]), ValidationError,
     r"sheet 'Kommentarer', row 8, column 'A \(respondent\)': the comment names no respondent sheet: "
     r"'Doris'"),
    (lambda wb: wb["Kommentarer"].append(["Anna", "1.1", "2.1", "hej", None]), ValidationError,
     r"sheet 'Kommentarer', row 8: the comment names a pair the matrix does not hold: '1\.1 -> 2\.1'"),
    (lambda wb: wb["Kommentarer"].append(["Anna", "1.1", "1.2", "igen", None]), ValidationError,
     r"sheet 'Kommentarer', row 8: the pair 1\.1 -> 1\.2 \(respondent Anna\) is scored twice, also in row 2"),
    (lambda wb: wb["Kommentarer"].append(["Anna", "1.1", "1.a", None, "kanske"]), ValidationError,
     r"sheet 'Kommentarer', row 8, column 'uncertain': cannot read the uncertain mark: 'kanske'"),
    (lambda wb: wb["Kommentarer"].cell(1, 6, "betyg"), InputFormatError,
     r"row 1, column 'F': unknown column"),
    (lambda wb: setattr(wb["=Cecilia, Ö."]["A1"], "value", "Anna"), ValidationError,
     r"sheets 'Anna' and '=Cecilia, Ö\.' name the same respondent in cell A1"),
    (lambda wb: setattr(wb["Instruktioner"], "title", "Info"), InputFormatError, r"no sheet 'Instruktioner'"),
    (lambda wb: [wb.remove(wb[t]) for t in wb.sheetnames[1:4]], InputFormatError, r"no respondent sheet"),
])
def test_errors_name_file_sheet_row_column_and_value(filled, change, error, message):
    with pytest.raises(error, match=message):
        read_excel(edit(filled, change))


@pytest.mark.parametrize(("content", "message"), [
    (b"source,target,score\n1.1,1.2,2\n", "not an Excel .xlsx workbook"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), r"old Excel \.xls workbook.*save"),
    (b"PK\x03\x04 broken", "not an Excel .xlsx workbook"),
])
def test_not_an_xlsx_file(tmp_path, content, message):
    path = tmp_path / "bad.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputFormatError, match=message):
        read_excel(path)
    with pytest.raises(InputFormatError, match=r"no such file"):
        read_excel(tmp_path / "missing.xlsx")


def test_template_refuses_bad_arguments(tmp_path, roundtrip_dataset):
    with pytest.raises(ValidationError, match="at least two targets"):
        write_template(["1.1", "1.1"], tmp_path / "x.xlsx")
    with pytest.raises(UnknownIdError):
        write_template(["1.1", "1.99"], tmp_path / "x.xlsx")
    with pytest.raises(ValidationError, match="respondent names"):
        write_template(["1.1", "1.2"], tmp_path / "x.xlsx", respondents=["a", "a"])
    with pytest.raises(ValidationError, match="respondent names"):
        write_template(roundtrip_dataset, tmp_path / "x.xlsx", respondents=["x", "y", "z"])
    with pytest.raises(ValidationError, match="targets missing"):
        write_template(["1.1", "1.a"], tmp_path / "x.xlsx", matrix=roundtrip_dataset)
    path = tmp_path / "many.xlsx"
    write_excel(roundtrip_dataset, path)
    with pytest.raises(ValidationError, match="respondent_dim=False"):
        read_excel(path, respondent_dim=False)


# --- results -----------------------------------------------------------------------------------


def test_results_export_translates_headers_and_keeps_text(tmp_path):
    ds = from_long(pd.DataFrame({"source": ["1.1", "1.2", "1.a"], "target": ["1.2", "1.a", "1.1"],
                                 "score": ["-2", "3", "1"], "comment": ["=kostnad", "", ""]}))
    path = tmp_path / "results.xlsx"
    write_results_excel({"analysis": analysis_table(ds), "conflicts": conflicts(ds)}, path)
    wb = openpyxl.load_workbook(path)
    assert wb.sheetnames == ["Analys", "Målkonflikter"]
    analysis = wb["Analys"]
    headers = [c.value for c in analysis[1]]
    assert headers[:3] == ["delmål", "benämning", "påverkar (summa)"] and "kvadrant" in headers
    assert [c.value for c in analysis["A"]][1:] == ["1.1", "1.2", "1.a"]
    assert analysis["C2"].value == -2 and analysis["C2"].data_type == "n"
    conflict = wb["Målkonflikter"]
    header = [c.value for c in conflict[1]]
    comment = conflict.cell(2, header.index("kommentar") + 1)
    assert comment.data_type == "s" and comment.value == "'=kostnad"
    english = tmp_path / "results_en.xlsx"
    own = pd.DataFrame({"x": [np.nan]})
    write_results_excel({"analysis": analysis_table(ds, lang="en"), "own table": own}, english, lang="en")
    wb = openpyxl.load_workbook(english)
    assert wb.sheetnames == ["Analysis", "own table"] and wb["own table"]["A2"].value is None
    assert wb["Analysis"]["C1"].value == "influence (sum)"


# --- a Swedish Excel user's CSV file -----------------------------------------------------------


def test_swedish_excel_csv(tmp_path):
    """Swedish Excel saves CSV with ';', a decimal comma, CRLF and Windows-1252 (å, ä, ö)."""
    wide = ("från\\till;1.1;1.2;1.a\r\n"
            "1.1;;2,0;–1\r\n"  # an en dash (Windows-1252 0x96) as Word and Excel autocorrect write a minus
            "1.2;-1;;0\r\n"
            "1.a;3;;\r\n")
    path = tmp_path / "bredd.csv"
    path.write_bytes(wide.encode("cp1252"))
    ds = read_matrix(path)
    np.testing.assert_array_equal(ds["score"].values, [[np.nan, 2, -1], [-1, np.nan, 0], [3, np.nan, np.nan]])
    long = ("respondent;source;target;score;comment;uncertain\r\n"
            "Åsa;1.1;1.2;2,0;\"Åtgärder; både väg och sjö\";ja\r\n"
            "Åsa;1.2;1.1;-1;Öland påverkas;\r\n"
            "Örjan;1.1;1.2;0;\"säger \"\"nej\"\"\r\nockså\";x\r\n")
    path = tmp_path / "lång.csv"
    path.write_bytes(long.encode("cp1252"))
    ds = read_matrix(path)
    assert ds["respondent"].to_numpy().tolist() == ["Åsa", "Örjan"]
    assert ds["score"].sel(source="1.1", target="1.2").to_numpy().tolist() == [2.0, 0.0]
    assert ds["score"].sel(respondent="Åsa", source="1.2", target="1.1").item() == -1
    åsa = ds["comment"].sel(respondent="Åsa", source="1.1", target="1.2").item()
    assert åsa == "Åtgärder; både väg och sjö"
    assert ds["comment"].sel(respondent="Örjan", source="1.1", target="1.2").item() == 'säger "nej"\r\nockså'
    assert ds["uncertain"].sel(source="1.1", target="1.2").to_numpy().tolist() == [True, True]
    aggregated = tmp_path / "medel.csv"
    aggregated.write_bytes("source;target;score\r\n1.1;1.2;1,5\r\n1.2;1.1;−0,25\r\n".encode())
    mean = read_matrix(aggregated, aggregated=True)
    np.testing.assert_array_equal(mean["score"].to_numpy(), [[np.nan, 1.5], [-0.25, np.nan]])


# --- a plain wide sheet (issue 26): ids in row 1 and column A, no template ------------------------------------


def test_a_plain_wide_sheet_from_pandas_reads_as_the_matrix(tmp_path):
    from sdg_interactions.io import load_dataset, read_matrix
    from sdg_interactions.matrix import to_wide

    sweden = load_dataset("weitz2018_sweden")["score"]
    to_wide(sweden).to_excel(tmp_path / "bred.xlsx")  # what a researcher's pandas writes
    back = read_matrix(tmp_path / "bred.xlsx")
    back = back["score"] if "score" in back else back
    assert back.dims == ("source", "target") and back["source"].values.tolist() == sweden["source"].values.tolist()
    assert np.array_equal(np.isnan(back.values), np.isnan(sweden.values))
    assert np.array_equal(np.nan_to_num(back.values), np.nan_to_num(sweden.values))
    # the rows in another order than the columns, a title in A1: the same matrix by id
    frame = to_wide(sweden).iloc[::-1]
    frame.index.name = "från \\ till"
    frame.to_excel(tmp_path / "omvand.xlsx")
    again = read_matrix(tmp_path / "omvand.xlsx")
    again = again["score"] if "score" in again else again
    assert np.array_equal(np.nan_to_num(again.values), np.nan_to_num(sweden.values))
    # a score off the scale is named by its cell
    bad = to_wide(sweden)
    bad.iloc[0, 1] = 5
    bad.to_excel(tmp_path / "fel.xlsx")
    with pytest.raises(ValidationError, match=r"row 2, column 'C \(1\.5\)'.*'5"):
        read_matrix(tmp_path / "fel.xlsx")


def test_a_sheet_that_is_neither_a_template_nor_a_plain_matrix_is_refused_naming_b1(tmp_path):
    from sdg_interactions.io import read_matrix

    pd.DataFrame({"kostnad": [1, 2]}).to_excel(tmp_path / "annat.xlsx")
    with pytest.raises(InputFormatError) as caught:
        read_matrix(tmp_path / "annat.xlsx")
    said = caught.value.words("sv")
    assert "rad 1, kolumn 'B'" in said and "'kostnad'" in said and "vanlig bred matris" in said
    assert "neither a scoring template" in caught.value.words("en")
