"""The styrdokument mapping: the table and its template (io.styrdokument), the coverage
(analysis.styrdokument), its chart, the report section and the ``styrdokument`` command."""

from __future__ import annotations

import numpy as np
import openpyxl
import pandas as pd
import pytest

from sdg_interactions.analysis.styrdokument import CONFLICT_COVERAGE, StyrdokumentCoverage, coverage
from sdg_interactions.cli import main
from sdg_interactions.errors import InputFormatError, SdgInteractionsError, UnknownIdError, ValidationError
from sdg_interactions.io import load_matrix
from sdg_interactions.io.styrdokument import (
    BUNDLED_STYRDOKUMENT,
    example_rows,
    read_styrdokument,
    write_styrdokument_template,
)
from sdg_interactions.matrix import from_array, node_ids, toy_matrix
from sdg_interactions.plots import rows_of
from sdg_interactions.plots.styrdokument import STATUS_COLORS, coverage_chart
from sdg_interactions.report.styrdokument_section import styrdokument
from sdg_interactions.texts import scale_label, text


@pytest.fixture(scope="module")
def sweden():
    return load_matrix("weitz2018_sweden")


def systemic_by_hand(da) -> pd.Series:
    """t = r + ½ A r with A the matrix (NaN as 0, no diagonal): computed here, not by the library."""
    a = np.nan_to_num(da.to_numpy().astype(float))
    np.fill_diagonal(a, 0.0)
    r = a.sum(axis=1)
    return pd.Series(r + 0.5 * a @ r, index=node_ids(da))


def levers_by_hand(da, k: int) -> list[str]:
    """Nodes fewer than k others beat (by more than the tie tolerance): ties at the edge all count."""
    t = systemic_by_hand(da)
    rank = {i: 1 + int((t > t[i] + 1e-9 * max(1.0, abs(t[i]))).sum()) for i in t.index}
    return [i for i in t.index if rank[i] <= k]


def table(*rows) -> pd.DataFrame:
    return pd.DataFrame(list(rows), columns=["document", "local_goal", "sdg_target"])


HAND = table(("Miljöprogram 2030", "Minska utsläppen", "13.2; 13.1"),
             ("Energiplan", "Förnybar el", "7.2"),
             ("Avfallsplan", "Mindre avfall", "12.5"),
             ("Avfallsplan", "Mindre matsvinn", "12.3"),  # not a node of the Sweden matrix
             ("Näringslivsprogram", "Resurseffektiva företag", "8.4, 9.5"),
             ("Näringslivsprogram", "Fler jobb", "8.5"))


# --- coverage on the Sweden matrix ---------------------------------------------------------------


@pytest.mark.parametrize("k", [1, 3, 5, 10, 24, 25])
def test_covered_levers_and_gaps_equal_the_ranks_computed_by_hand(sweden, k):
    result = coverage(sweden, HAND, top_k=k)
    levers = levers_by_hand(sweden, k)
    decided = {"13.2", "13.1", "7.2", "12.5", "8.4", "9.5", "8.5"}
    assert sorted(result.levers["node"]) == sorted(levers)
    assert sorted(result.covered_levers) == sorted(set(levers) & decided)
    assert sorted(result.lever_gaps) == sorted(set(levers) - decided)
    t = systemic_by_hand(sweden)
    assert list(result.levers["systemic"]) == sorted(t[levers], reverse=True)  # by rank
    assert sorted(result.covered) == sorted(decided)


def test_ties_at_the_edge_are_all_levers(sweden):
    t = systemic_by_hand(sweden)
    assert t["15.5"] == t["14.1"] == 159.5  # they share rank 25 in the Sweden matrix
    result = coverage(sweden, table(("Plan", "", "15.5")), top_k=25)
    assert len(result.levers) == 26 and {"15.5", "14.1"} <= set(result.levers["node"])
    assert "15.5" in result.covered_levers and "14.1" in result.lever_gaps
    assert result.top_k == 25


def test_the_five_strongest_levers_of_sweden(sweden):
    result = coverage(sweden, HAND)
    assert result.levers["node"].tolist() == ["16.6", "12.1", "8.4", "12.5", "9.5"]
    assert result.covered_levers == ["8.4", "12.5", "9.5"] and result.lever_gaps == ["16.6", "12.1"]


def test_13_1_hinders_7_2_a_conflict_between_decided_goals(sweden):
    assert sweden.sel(source="13.1", target="7.2").item() == -2.0
    result = coverage(sweden, table(("Klimatprogram", "Klimatanpassning", "13.1"), ("Energiplan", "Förnybart", "7.2")))
    both = result.conflicts_of("both")
    assert list(zip(both["source"], both["target"], both["score"], strict=True)) == [("13.1", "7.2", -2.0)]
    assert both["source_documents"].tolist() == ["Klimatprogram"] and both["target_documents"].tolist() == [
        "Energiplan"]
    # every negative link in exactly one class, each class by the definition
    a = sweden.to_numpy()
    assert len(result.conflicts) == int((np.nan_to_num(a) < 0).sum()) == 40
    decided = {"13.1", "7.2"}
    for row in result.conflicts.itertuples(index=False):
        expected = {(True, True): "both", (True, False): "source", (False, True): "target",
                    (False, False): "none"}[row.source in decided, row.target in decided]
        assert row.coverage == expected, row
    source = result.conflicts_of("source")
    assert set(zip(source["source"], source["target"], strict=True)) == {
        ("13.1", "7.3"), ("13.1", "9.4"), ("7.2", "6.6"), ("7.2", "6.5"), ("7.2", "7.3"), ("7.2", "15.2"),
        ("7.2", "15.5"), ("7.2", "17.11")}
    assert set(result.conflicts["coverage"]) <= set(CONFLICT_COVERAGE)


def test_node_table_lists_documents_and_local_goals(sweden):
    result = coverage(sweden, pd.concat([HAND, table(("Klimatprogram", "Anpassning", "13.1"))]))
    row = result.nodes.set_index("node").loc["13.1"]
    assert (row["covered"], row["n_goals"]) == (True, 2)
    assert row["documents"] == "Miljöprogram 2030; Klimatprogram"
    assert row["local_goals"] == "Minska utsläppen; Anpassning"
    assert result.nodes.set_index("node").loc["16.6", "documents"] == ""
    assert result.nodes["node"].tolist() == node_ids(sweden)


def test_targets_outside_the_matrix_are_listed_not_refused(sweden):
    result = coverage(sweden, pd.concat([HAND, table(("Miljöprogram 2030", "Sjöar", "MKM-8"))]))
    assert result.not_in_matrix[["sdg_target", "row"]].values.tolist() == [["12.3", 5], ["MKM-8", 8]]
    assert "12.3" not in result.nodes["node"].tolist()


def test_several_respondents_are_aggregated_first():
    ids = ["1.1", "1.2", "1.3"]
    answers = from_array(np.array([[[np.nan, -2, 1], [0, np.nan, 0], [0, 0, np.nan]],
                                   [[np.nan, 0, 3], [0, np.nan, 0], [0, 0, np.nan]]]), ids, respondents=["a", "b"])
    result = coverage(answers, table(("Plan", "", "1.1; 1.2")), top_k=1)
    assert result.conflicts[["source", "target", "score", "share_negative", "coverage"]].values.tolist() == [
        ["1.1", "1.2", -1.0, 0.5, "both"]]
    assert result.levers["node"].tolist() == ["1.1"]  # mean: 1.1 → 1.2 −1, 1.1 → 1.3 +2


@pytest.mark.parametrize("top_k", [0, -1, 2.5, True])
def test_top_k_must_be_a_whole_number_of_at_least_one(top_k):
    with pytest.raises(ValidationError, match="top_k"):
        coverage(toy_matrix(), table(("Plan", "", "1.1")), top_k=top_k)


# --- reading the table ---------------------------------------------------------------------------


@pytest.mark.parametrize("cell", ["13.2, 7.2; 11.a", "13.2;7.2,11.a", " 13.2  7.2\n11.a ", "13.2; 7.2; 11.a; 7.2"])
def test_several_targets_in_one_cell_become_one_row_each(cell):
    read = read_styrdokument(table(("Plan", "Mål", cell)))
    assert read["sdg_target"].tolist() == ["13.2", "7.2", "11.a"]
    assert read["row"].tolist() == [2, 2, 2] and set(read["document"]) == {"Plan"}


def test_swedish_headers_semicolons_and_cp1252(tmp_path):
    path = tmp_path / "styr.csv"
    path.write_bytes("Dokument;Lokalt mål;Delmål\r\nÖversiktsplan;Gång- och cykelvägar;11.2, 3.6\r\n"
                     "Miljöprogram;Sjöar och åar;6.6\r\n".encode("cp1252"))
    read = read_styrdokument(path)
    assert read[["document", "local_goal", "sdg_target", "row"]].values.tolist() == [
        ["Översiktsplan", "Gång- och cykelvägar", "11.2", 2], ["Översiktsplan", "Gång- och cykelvägar", "3.6", 2],
        ["Miljöprogram", "Sjöar och åar", "6.6", 3]]
    assert read.attrs["source_file"] == "styr.csv"


@pytest.mark.parametrize("header", ["dokument,lokalt_mal,delmal", "DOKUMENT,lokalt_mål,delmål",
                                    "document,local goal,sdg-target", "styrdokument,lokalt mål,sdg_delmål"])
def test_header_aliases(tmp_path, header):
    path = tmp_path / "t.csv"
    path.write_text(f"{header}\nPlan,Mål,13.2\n", encoding="utf-8")
    assert read_styrdokument(path)["sdg_target"].tolist() == ["13.2"]


def test_an_excel_table_with_numbers_in_the_target_column(tmp_path):
    path = tmp_path / "styr.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["dokument", "lokalt mål", "delmål"])
    ws.append(["Klimatplan", "Anpassning", 13.1])  # a number, as Excel stores it
    ws.append([None, None, None])
    ws.append(["Energiplan", "=förnybart", "7.2; 7.3"])
    ws["B4"].data_type = "s"
    wb.save(path)
    read = read_styrdokument(path)
    assert read[["document", "sdg_target", "row"]].values.tolist() == [
        ["Klimatplan", "13.1", 2], ["Energiplan", "7.2", 4], ["Energiplan", "7.3", 4]]


def test_an_excel_table_below_empty_rows_keeps_the_row_numbers_excel_shows(tmp_path):
    path = tmp_path / "styr.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    for column, value in enumerate(["dokument", "lokalt mål", "delmål"], start=1):
        ws.cell(row=3, column=column, value=value)  # rows 1–2 left empty
    for column, value in enumerate(["Klimatplan", "Anpassning", "13.1"], start=1):
        ws.cell(row=5, column=column, value=value)
    wb.save(path)
    assert read_styrdokument(path)["row"].tolist() == [5]


@pytest.mark.parametrize(("cell", "value"), [("18.1", "18.1"), ("1.99", "1.99"), ("7.2; 18.1", "18.1"),
                                             ("Mål 13", "Mål")])
def test_an_unknown_target_names_file_row_column_and_value(tmp_path, cell, value):
    path = tmp_path / "styr.csv"
    pd.DataFrame({"dokument": ["Plan", "Plan 2"], "lokalt_mål": ["a", "b"], "delmål": ["13.2", cell]}).to_csv(
        path, index=False)
    with pytest.raises(UnknownIdError) as info:
        read_styrdokument(path)
    message = str(info.value)
    assert message.startswith("styr.csv, row 3, column 'delmål': ")
    assert f"'{value}'" in message and "Valid: " in message


def test_a_decimal_comma_gets_its_own_hint():
    with pytest.raises(UnknownIdError, match=r"row 2, column 'sdg_target': a target id is written with a point.*"
                                             r"'13,2'\. Valid: 13\.2\."):
        read_styrdokument(table(("Plan", "", "13,2")))


@pytest.mark.parametrize(("content", "error", "pattern"), [
    ("dokument,delmål\nPlan,13.2\n", ValidationError,
     r"^t\.csv, row 1: a column is missing from the styrdokument table: local_goal\. Valid: the header dokument"),
    ("dokument,lokalt_mål,delmål,nämnd\nPlan,a,13.2,KS\n", ValidationError,
     r"^t\.csv, row 1, column 'nämnd': unknown column"),
    ("dokument,lokalt_mål,delmål\n", ValidationError, r"^t\.csv: the styrdokument table has no rows"),
    ("dokument,lokalt_mål,delmål\nPlan,a,13.2\n ,b,7.2\n", ValidationError,
     r"^t\.csv, row 3, column 'dokument': the document is blank\. Valid: "),
    ("dokument,lokalt_mål,delmål\nPlan,a,\n", ValidationError,
     r"^t\.csv, row 2, column 'delmål': no target given\. Valid: "),
    ("", InputFormatError, r"t\.csv: the file is empty\. Valid: "),
    ("\n\n", InputFormatError, r"t\.csv: the file is empty"),
])
def test_bad_tables_raise_our_errors_naming_where(tmp_path, content, error, pattern):
    path = tmp_path / "t.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(error, match=pattern):
        read_styrdokument(path)


def test_an_unknown_source_and_an_old_workbook(tmp_path):
    with pytest.raises(SdgInteractionsError, match=r"no such file.*'exempel'"):
        read_styrdokument(tmp_path / "saknas.csv")
    (tmp_path / "gammal.xls").write_bytes(b"\xd0\xcf\x11\xe0rest")
    with pytest.raises(InputFormatError, match=r"gammal\.xls: an old \.xls workbook"):
        read_styrdokument(tmp_path / "gammal.xls")


def test_the_bundled_example_is_marked_invented():
    read = read_styrdokument("exempel")
    assert set(BUNDLED_STYRDOKUMENT) == {"exempel"}
    assert read.attrs["invented"] is True and (read["note"].str.startswith("Påhittat exempel")).all()
    assert len(read) == 17 and read["document"].nunique() == 8
    assert not read["example"].any()  # invented, but not the template's rows to delete
    assert read_styrdokument(read).equals(read)  # a checked table reads back unchanged


# --- the template --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_template_round_trip_gives_the_example_rows(tmp_path, lang, suffix):
    path = tmp_path / f"mall{suffix}"
    write_styrdokument_template(path, lang=lang)
    read = read_styrdokument(path)
    expected = [(doc, goal, target) for doc, goal, targets, _ in example_rows(lang)
                for target in targets.replace(";", " ").split()]
    assert list(read[["document", "local_goal", "sdg_target"]].itertuples(index=False, name=None)) == expected
    assert read["example"].all() and read["row"].tolist() == [2, 3, 4, 4]
    assert expected[0] == (text("styrdokument.template.doc_1", lang), text("styrdokument.template.goal_1", lang),
                           "13.2")


def test_template_headers_sheets_and_text_format(tmp_path):
    write_styrdokument_template(tmp_path / "mall.csv")
    assert (tmp_path / "mall.csv").read_bytes().startswith(b"\xef\xbb\xbfdokument,lokalt_m\xc3\xa5l,delm\xc3\xa5l")
    write_styrdokument_template(tmp_path / "mall.xlsx", lang="en", example=False)
    wb = openpyxl.load_workbook(tmp_path / "mall.xlsx")
    assert wb.sheetnames == ["Steering documents", "Instructions"]
    ws = wb["Steering documents"]
    assert [c.value for c in ws[1]] == ["document", "local_goal", "sdg_target", "note"]
    assert ws.max_row >= 2 and ws["A2"].value is None and ws["C2"].number_format == "@"
    with pytest.raises(ValidationError, match="no rows"):
        read_styrdokument(tmp_path / "mall.xlsx")
    with pytest.raises(InputFormatError, match=r"mall\.txt.*Valid: a name ending in \.csv or \.xlsx"):
        write_styrdokument_template(tmp_path / "mall.txt")


# --- chart and report section --------------------------------------------------------------------


def test_chart_colours_levers_and_marks_conflicts_between_decided_goals(sweden):
    result = coverage(sweden, table(("Klimatprogram", "", "13.1"), ("Energiplan", "", "7.2; 16.6")), top_k=3)
    spec = coverage_chart(result, lang="en").to_dict()
    rows = rows_of(spec, spec["data"]["name"])
    assert [r["node"] for r in rows[:3]] == ["16.6", "12.1", "8.4"]
    status = {r["node"]: r["status"] for r in rows}
    assert status["16.6"] == "strong lever, decided goal" and status["12.1"] == "strong lever, gap"
    assert status["13.1"] == "decided goal" and status["9.4"] == "no decided goal"
    marks = {r["node"]: r["mark"] for r in rows if r["mark"]}
    assert marks == {"13.1": "⚡ hinders 7.2 (−2)", "7.2": "⚡ hindered by 13.1 (−2)"}
    assert rows[0]["name"].startswith("16.6 Effective institutions")
    color = spec["layer"][0]["encoding"]["color"]["scale"]
    assert color["range"] == list(STATUS_COLORS.values())
    subtitle = " ".join(spec["title"]["subtitle"])
    assert "Weitz" in subtitle and "ties at the edge included: 3 targets" in subtitle
    meta = spec["usermeta"]["sdg_interactions"]
    assert (meta["chart"], meta["lang"]) == ("styrdokument_coverage", "en")


def test_chart_of_the_bundled_example_says_it_is_invented(sweden):
    spec = coverage_chart(coverage(sweden, "exempel"), top=10).to_dict()
    assert len(rows_of(spec, spec["data"]["name"])) == 10
    assert "påhittat exempel" in " ".join(spec["title"]["subtitle"])


def test_report_section_sentences_follow_the_numbers(sweden):
    section = styrdokument(sweden, table(("Klimatprogram", "", "13.1"), ("Energiplan", "", "7.2")), lang="sv")
    assert section["id"] == "styrdokument" and section["title"] == "Styrdokumenten mot Agenda 2030"
    assert section["data"]["lever_gaps"] == ["16.6", "12.1", "8.4", "12.5", "9.5"]
    assert section["data"]["conflicts"]["both"] == [("13.1", "7.2", -2.0)]
    text_ = " ".join(section["paragraphs"])
    assert "Ingen av de 5 starkaste hävstängerna" in text_
    assert "Målkonflikt mellan beslutade mål (1, med varje pars bedömning): 13.1" in text_
    score = float(sweden.sel(source="13.1", target="7.2"))  # the pair's score, read from the matrix
    assert score == -2.0 and ": −2." not in text_  # never a bare "−2": the score with its name on the scale
    assert f"med bedömningen −{abs(score):g}, {scale_label(int(score))}" in text_
    assert "hämmar 7.2 (" in text_
    assert "Risk (8, med varje pars bedömning)" in text_
    assert [row[4] for row in section["table"]["rows"]] == ["lucka"] * 5
    other = styrdokument(sweden, HAND, lang="en")
    assert other["paragraphs"] != section["paragraphs"]
    expected = "decided goals cover 8.4 (Resource efficiency), 12.5 (Waste) and 9.5 (Research/development) (3 of 5)"
    assert expected in " ".join(other["paragraphs"])
    assert other["data"]["not_in_matrix"] == ["12.3"]


def test_report_section_warns_about_template_examples(tmp_path, sweden):
    write_styrdokument_template(tmp_path / "mall.csv", lang="en")
    section = styrdokument(sweden, tmp_path / "mall.csv", lang="en")
    assert section["data"]["n_examples"] == 3
    assert section["paragraphs"][-1].startswith("Note: 3 rows of the table are the template's examples.")


def test_coverage_result_type():
    assert isinstance(coverage(toy_matrix(), table(("Plan", "", "1.1"))), StyrdokumentCoverage)
    with pytest.raises(ValidationError, match="unknown coverage class"):
        coverage(toy_matrix(), table(("Plan", "", "1.1"))).conflicts_of("all")


# --- the command (needs the line in cli/__init__.py that adds the subcommand) ---------------------


def test_command_prints_levers_and_conflicts_and_writes_the_node_table(tmp_path, capsys):
    source = tmp_path / "styr.csv"
    source.write_text("dokument;lokalt mål;delmål\nKlimatprogram;Anpassning;13.1\nEnergiplan;Förnybart;\"7.2, 11.6\"\n",
                      encoding="utf-8")
    out = tmp_path / "ut.csv"
    assert main(["styrdokument", str(source), "--top-k", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "2 dokument, 2 lokala mål, 2 av 34 delmål" in printed
    score = float(load_matrix("weitz2018_sweden").sel(source="13.1", target="7.2"))
    assert f"13.1 → 7.2: bedömningen −{abs(score):g}, {scale_label(int(score))}" in printed
    assert "(−2)" not in printed and "båda beslutade: 1" in printed
    assert "Målkonflikter efter täckning:" in printed
    assert "inte ingår i analysen: 11.6" in printed and "Weitz" in printed
    written = pd.read_csv(out, dtype={"node": str}, keep_default_na=False, encoding="utf-8-sig")
    assert written["node"].tolist()[:3] == ["16.6", "12.1", "8.4"] and len(written) == 34
    assert written.set_index("node").loc["13.1", ["covered", "documents"]].tolist() == [True, "Klimatprogram"]


def test_command_writes_excel_with_conflicts_and_templates(tmp_path, capsys):
    out = tmp_path / "ut.xlsx"
    assert main(["styrdokument", "exempel", "--lang", "en", "--out", str(out)]) == 0
    assert openpyxl.load_workbook(out).sheetnames == ["styrdokument", "malkonflikter"]
    template = tmp_path / "mall.xlsx"
    assert main(["styrdokument", "--template", str(template)]) == 0
    assert "3 exempelrader" in capsys.readouterr().out
    assert main(["styrdokument", str(template)]) == 0
    assert "3 rader i tabellen är mallens exempel" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["styrdokument", "BAD"], ["styrdokument"],
                                  ["styrdokument", "exempel", "--top-k", "0"],
                                  ["styrdokument", "exempel", "--template", "x.csv"]])
def test_command_bad_input_exits_2_with_one_line(tmp_path, capsys, argv):
    bad = tmp_path / "bad.csv"
    bad.write_text("dokument,lokalt_mål,delmål\nPlan,Mål,13.2\nPlan,Mål 2,18.1\n", encoding="utf-8")
    argv = [str(bad) if a == "BAD" else a for a in argv]
    assert main([*argv, "--lang", "en"]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and captured.err.startswith("error: ")
    assert "Traceback" not in captured.err
    if str(bad) in argv:
        assert "bad.csv, row 3, column 'delmål'" in captured.err and "'18.1'" in captured.err
