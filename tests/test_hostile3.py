"""Hostile input, round 3 (issue 21, items 1, 2, 4, 5, 7 and 8): hidden sheets, NetCDF fill values, long id
lists, bidirectional text, identical-looking names and the file modes of a workshop's answers. Each case is a
clear one-line error or a faithful reading, never a silent change."""

from __future__ import annotations

import io
import os
import re
import shutil
import stat
import subprocess
import unicodedata
from pathlib import Path

import docx
import netCDF4
import networkx as nx
import numpy as np
import openpyxl
import pandas as pd
import pytest

from sdg_interactions.apps.claims import claim_share, journal_path, read_plan
from sdg_interactions.apps.scoring import _UNWANTED, _pseudonym, clean_comment
from sdg_interactions.cli import main
from sdg_interactions.errors import (
    BIDI_CONTROLS,
    UNSAFE_TEXT,
    InputFormatError,
    UnknownIdError,
    ValidationError,
    check_no_bidi,
    mixed_script,
)
from sdg_interactions.frameworks import check_node_id, register_from_table, unregister
from sdg_interactions.io import load_dataset, read_matrix, write_netcdf
from sdg_interactions.io.excel import read_excel, write_template
from sdg_interactions.io.journal import PRIVATE_MODE, Journal, read_journal
from sdg_interactions.io.journal_lines import _FORBIDDEN
from sdg_interactions.io.netcdf import read_netcdf
from sdg_interactions.io.workshop import plan_workshop, write_workshop
from sdg_interactions.matrix import from_long
from sdg_interactions.report import sections
from sdg_interactions.report.document import Document, Heading, Paragraph, Table, from_section, isolate
from sdg_interactions.report.writers import clean
from sdg_interactions.report.writers.docx import to_docx
from sdg_interactions.report.writers.html import to_html
from sdg_interactions.report.writers.markdown import to_markdown
from sdg_interactions.report.writers.typst import to_typst, write_pdf

RLO = "\u202e"
NFD_RAV = unicodedata.normalize("NFD", "Räv 7")
CYRILLIC_A = "\u0430"


def squash(text: str) -> str:
    return re.sub(r"[\s\-\u00ad\u2010]", "", text)


# --- 1. hidden sheets ------------------------------------------------------------------------------


def _answers(path: Path, hidden: str | None) -> Path:
    """Two respondents who put 7.2 first; with ``hidden``, a third sheet in that state who puts 11.6 first."""
    write_template(["7.2", "11.6", "13.2"], path, respondents=["Anna", "Bo"])
    book = openpyxl.load_workbook(path)
    for name in ("Anna", "Bo"):
        book[name]["D3"], book[name]["E3"], book[name]["C4"] = 3, 2, 1  # 7.2 -> 11.6, 13.2; 11.6 -> 7.2
    if hidden:
        sneak = book.copy_worksheet(book["Bo"])
        sneak.title, sneak["A1"] = "Smyg", "Smyg"
        sneak["D3"], sneak["E3"], sneak["C4"], sneak["E4"] = 0, 0, 3, 3
        sneak.sheet_state = hidden
    book.save(path)
    return path


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_sheet_is_refused_by_name(tmp_path, state):
    path = _answers(tmp_path / "svar.xlsx", state)
    with pytest.raises(InputFormatError) as info:
        read_excel(path)
    message = str(info.value)
    assert "svar.xlsx" in message and "'Smyg'" in message and f"({state})" in message
    assert "unhide" in message and "delete" in message and "\n" not in message
    if state == "veryHidden":
        assert "LibreOffice" in message and "VBA" in message


@pytest.mark.parametrize("state", ["hidden", "veryHidden"])
def test_hidden_sheet_through_the_cli_is_one_line_exit_2(tmp_path, capsys, state):
    path = _answers(tmp_path / "svar.xlsx", state)
    assert main(["analyse", str(path)]) == 2
    err = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    assert len(err) == 1 and "'Smyg'" in err[0] and "Traceback" not in err[0]


def test_visible_sheets_read_and_a_hidden_instructions_sheet_is_harmless(tmp_path):
    path = _answers(tmp_path / "svar.xlsx", None)
    assert read_excel(path)["respondent"].values.tolist() == ["Anna", "Bo"]
    book = openpyxl.load_workbook(path)
    book["Instruktioner"].sheet_state = "hidden"  # tidied away: it holds no answers
    book.save(path)
    assert read_excel(path)["respondent"].values.tolist() == ["Anna", "Bo"]


def test_a_hidden_comment_sheet_is_refused_too(tmp_path):
    path = _answers(tmp_path / "svar.xlsx", None)
    book = openpyxl.load_workbook(path)
    book["Kommentarer"].sheet_state = "hidden"
    book.save(path)
    with pytest.raises(InputFormatError, match="'Kommentarer' is hidden"):
        read_excel(path)


# --- 2. NetCDF fill values ---------------------------------------------------------------------------


def _netcdf(path: Path, scores, *, dtype="f8", fill=None, missing=None, uncertain_fill=None) -> Path:
    """A NetCDF file as another tool writes it: raw ``scores`` stored as they are, fill attributes as given."""
    with netCDF4.Dataset(path, "w") as f:
        for dim in ("source", "target"):
            f.createDimension(dim, 2)
            var = f.createVariable(dim, str, (dim,))
            var[:] = np.array(["1.1", "1.2"], dtype=object)
        score = f.createVariable("score", dtype, ("source", "target"), fill_value=fill)
        if missing is not None:
            score.setncattr("missing_value", missing)
        score.set_auto_mask(False)
        score[:] = np.array(scores)
        if uncertain_fill is not None:
            mark = f.createVariable("uncertain", "i1", ("source", "target"), fill_value=uncertain_fill)
            mark.set_auto_mask(False)
            mark[:] = np.array([[uncertain_fill, 1], [0, uncertain_fill]])
    return path


@pytest.mark.parametrize(("fill", "missing", "attribute"), [(None, 0, "missing_value"), (0, None, "_FillValue"),
                                                            (None, -3, "missing_value"), (2, None, "_FillValue")])
def test_netcdf_fill_value_that_is_a_score_is_refused(tmp_path, fill, missing, attribute):
    value = fill if fill is not None else missing
    path = _netcdf(tmp_path / "svar.nc", [[np.nan, 0], [2, np.nan]], fill=fill, missing=missing)
    with pytest.raises(ValidationError) as info:
        read_netcdf(path)
    message = str(info.value)
    for fragment in ("svar.nc", "variable 'score'", f"attribute {attribute!r}", f"every answer {value}",
                     "Valid: a fill value that is no score"):
        assert fragment in message, message
    assert "\n" not in message


def test_netcdf_fill_value_outside_the_scale_masks_only_itself(tmp_path):
    path = _netcdf(tmp_path / "svar.nc", [[-99, 0], [2, -99]], dtype="i1", fill=-99)
    ds = read_netcdf(path)
    assert ds["score"].values.tolist() == [[pytest.approx(np.nan, nan_ok=True), 0.0], [2.0, pytest.approx(
        np.nan, nan_ok=True)]]
    assert ds["score"].sel(source="1.1", target="1.2").item() == 0.0  # 0 stays "scored: no interaction"
    assert "_FillValue" not in ds["score"].attrs and "missing_value" not in ds["score"].attrs
    with_mark = read_netcdf(_netcdf(tmp_path / "m.nc", [[-99, 0], [2, -99]], dtype="i1", fill=-99,
                                    uncertain_fill=-1))
    assert with_mark["uncertain"].values.tolist() == [[False, True], [False, False]]


def test_netcdf_of_our_own_writer_round_trips_with_zeros(tmp_path):
    ds = load_dataset("weitz2018_sweden")
    write_netcdf(ds, tmp_path / "w.nc")
    back = read_netcdf(tmp_path / "w.nc")
    assert np.array_equal(back["score"].values, ds["score"].values, equal_nan=True)
    assert int((back["score"] == 0).sum()) == int((ds["score"] == 0).sum()) > 0
    assert back["score"].attrs == {"aggregated": 0, "long_name": "interaction score", "valid_range": [-3, 3]}
    write_netcdf(back, tmp_path / "again.nc")  # no fill attribute left over that would stop a second write
    assert np.array_equal(read_netcdf(tmp_path / "again.nc")["score"].values, ds["score"].values, equal_nan=True)


# --- 4. long id lists ----------------------------------------------------------------------------------

MANY = ",".join(f"LULEA-{k}" for k in range(1, 801))  # 7,891 characters: no file name, a list


@pytest.mark.parametrize("command", [["template", "--out", "mall.xlsx"],
                                     ["workshop", "new", "--kommun", "0180", "--out", "ws"]])
def test_long_id_list_names_the_first_unknown_id(tmp_path, capsys, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    ids = MANY.replace("LULEA-400,", "LULEA-400,1.99,", 1) + ",18.1"
    assert main([*command[:-2], "--nodes", ids, *command[-2:]]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "'1.99'" in err and "18.1" not in err
    assert "File name too long" not in err and "LULEA-399" not in err and len(err) < 800


@pytest.mark.parametrize("command", [["template", "--out", "mall.xlsx"],
                                     ["workshop", "new", "--kommun", "0180", "--out", "ws"]])
def test_long_id_of_300_characters_is_echoed_in_80(tmp_path, capsys, monkeypatch, command):
    monkeypatch.chdir(tmp_path)
    assert main([*command[:-2], "--nodes", "7.2," + "X" * 300, *command[-2:]]) == 2
    err = capsys.readouterr().err
    quoted = re.findall(r"'(X[^']*)'", err)
    assert quoted and max(len(q) for q in quoted) == 80 and "File name too long" not in err


def test_template_with_800_valid_ids(tmp_path, capsys):
    out = tmp_path / "mall.xlsx"
    assert main(["template", "--nodes", MANY, "--out", str(out)]) == 0
    assert "800" in capsys.readouterr().out
    assert openpyxl.load_workbook(out, read_only=True)["Delmål"].max_row == 801


def test_workshop_new_with_a_long_valid_list(tmp_path, capsys):
    ids = ",".join(f"LULEA-{k}" for k in range(1, 61))  # 478 characters, longer than any file name
    assert main(["workshop", "new", "--nodes", ids, "--kommun", "0180", "--out", str(tmp_path / "ws")]) == 0
    assert len(read_plan(tmp_path / "ws").nodes) == 60


# --- 5. bidirectional text ------------------------------------------------------------------------------


def test_one_definition_of_forbidden_characters():
    assert _FORBIDDEN is UNSAFE_TEXT
    for char in BIDI_CONTROLS:
        assert UNSAFE_TEXT.search(char) and _UNWANTED.search(char) and clean_comment(f"a{char}b") == "ab"


@pytest.mark.parametrize("char", ["\u202e", "\u202a", "\u2066", "\u2069", "\u200f"])
def test_csv_comment_with_a_bidi_control_is_refused(tmp_path, char):
    path = tmp_path / "svar.csv"
    path.write_text(f"source,target,score,comment\n1.1,1.2,2,ok\n1.2,1.1,1,Sj{char}öar\n", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        read_matrix(path)
    message = str(info.value)
    name = unicodedata.name(char)
    assert "svar.csv, row 3, column 'comment'" in message and f"U+{ord(char):04X} {name}" in message
    assert "Valid: text without bidi control characters" in message and char not in message


def test_csv_respondent_with_rlo_is_refused(tmp_path):
    path = tmp_path / "svar.csv"
    path.write_text(f"respondent,source,target,score\nAnna{RLO},1.1,1.2,2\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"row 2, column 'respondent'.*U\+202E RIGHT-TO-LEFT OVERRIDE"):
        read_matrix(path)


def test_excel_label_comment_and_name_with_rlo_are_refused(tmp_path):
    path = _answers(tmp_path / "svar.xlsx", None)
    for sheet, cell, where in (("Delmål", "C3", r"sheet 'Delmål', row 3, column 'label_sv'"),
                               ("Anna", "A1", r"sheet 'Anna', row 1, column 'A'")):
        book = openpyxl.load_workbook(path)
        book[sheet][cell] = f"Etikett {RLO}gnäv"
        book.save(tmp_path / "bad.xlsx")
        with pytest.raises(ValidationError, match=where + r".*U\+202E"):
            read_excel(tmp_path / "bad.xlsx")
    book = openpyxl.load_workbook(path)
    book["Kommentarer"].append(["Anna", "7.2", "11.6", f"bra {RLO}tsket", None])
    book.save(tmp_path / "bad.xlsx")
    with pytest.raises(ValidationError, match=r"sheet 'Kommentarer', row 2, column 'comment'.*U\+202E"):
        read_excel(tmp_path / "bad.xlsx")


def test_graphml_label_and_comment_with_rlo_are_refused(tmp_path):
    graph = nx.DiGraph()
    graph.add_node("LULEA-1", label_sv=f"Klimat {RLO}slut")
    graph.add_edge("LULEA-1", "LULEA-2", score=2)
    nx.write_graphml(graph, tmp_path / "m.graphml")
    with pytest.raises(ValidationError, match=r"m\.graphml, column 'label_sv'.*U\+202E"):
        read_matrix(tmp_path / "m.graphml")
    graph.nodes["LULEA-1"]["label_sv"] = "Klimat"
    graph.edges["LULEA-1", "LULEA-2"]["comment"] = f"ja {RLO}nej"
    nx.write_graphml(graph, tmp_path / "m.graphml")
    with pytest.raises(ValidationError, match=r"row 1, column 'comment'.*U\+202E"):
        read_matrix(tmp_path / "m.graphml")


def test_netcdf_label_and_comment_with_rlo_are_refused(tmp_path):
    ds = from_long(pd.DataFrame({"source": ["1.1"], "target": ["1.2"], "score": ["2"], "comment": ["ok"]}))
    bad = ds.copy()
    bad["comment"] = bad["comment"].copy(data=np.array([["", f"ok {RLO}x"], ["", ""]], dtype=object))
    write_netcdf(bad, tmp_path / "c.nc")
    with pytest.raises(ValidationError, match=r"c\.nc, column 'comment'.*U\+202E"):
        read_netcdf(tmp_path / "c.nc")
    labels = ds.assign_coords(source_label_sv=("source", ["Fattigdom", f"Fattig {RLO}dom"]))
    write_netcdf(labels, tmp_path / "l.nc")
    with pytest.raises(ValidationError, match=r"l\.nc, column 'source_label_sv'.*U\+202E"):
        read_netcdf(tmp_path / "l.nc")


def test_framework_table_with_rlo_is_refused(tmp_path):
    path = tmp_path / "mal.csv"
    path.write_text(f"id,label_sv,label_en,group\nORTX-1,Klimat,Climate,Miljö\nORTX-2,Skola {RLO}x,,Social\n",
                    encoding="utf-8")
    with pytest.raises(ValidationError, match=r"mal\.csv, row 3, column 'label_sv'.*U\+202E"):
        register_from_table(path)


def test_check_no_bidi_accepts_arabic_and_hebrew_text():
    check_no_bidi(["عربي", "עברית", "Sjöar"], what="label")


def test_writers_drop_overrides_and_balance_isolates():
    assert clean(f"a {RLO}b. Nästa.") == "a b. Nästa."
    assert clean("\u2069x\u2068y") == "xy" and clean("a\u2068b\u2069c") == "a\u2068b\u2069c"
    assert isolate("Fattigdom") == "Fattigdom" and isolate(f"x{RLO}y") == "xy"
    assert isolate("عربي") == "\u2068عربي\u2069"


def _hostile_doc() -> Document:
    return Document("T", "sv", [
        Heading(f"Rubrik {RLO}ned", 2),
        Paragraph(f"Målet {RLO}Fattigdom ska minska. Nästa mening står rätt."),
        Paragraph("Arabiska: \u2068عربي\u2069 3 är en etikett."),
        Table(["etikett", "kommentar"], [[f"x {RLO}abc", "عربي"], ["ok", f"\u2068öppen {RLO}"]]),
    ])


def test_word_markdown_html_hold_no_override_and_isolate_rtl_cells():
    doc = _hostile_doc()
    markdown = to_markdown(doc)
    page = to_html(doc)
    typst = to_typst(doc)

    word = docx.Document(io.BytesIO(to_docx(doc)))
    word_text = "\n".join([p.text for p in word.paragraphs]
                          + [c.text for t in word.tables for r in t.rows for c in r.cells])
    for output in (markdown, page, typst, word_text):
        assert RLO not in output and "\u202a" not in output
        assert "Nästa mening står rätt." in output
    assert "| \u2068عربي\u2069 |" in markdown and "\u2068عربي\u2069" in word_text
    assert "<td><bdi>عربي</bdi></td>" in page and "<td>öppen </td>" in page  # a user's own FSI goes too
    assert "<p>Arabiska: <bdi>عربي</bdi> 3 är en etikett.</p>" in page
    assert "\u2068" not in page.split("<body>")[1] and "\u2069" not in page.split("<body>")[1]
    assert page.count("<bdi") == page.count("</bdi>")


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="needs pdftotext (poppler-utils)")
def test_pdf_keeps_the_next_sentence_in_order(tmp_path):
    ds = load_dataset("weitz2018_sweden")
    labels = ds["source_label_sv"].values.copy()
    labels[list(ds["source"].values).index("16.6")] = f"Korruption {RLO}slut"
    ds = ds.assign_coords(source_label_sv=("source", labels), target_label_sv=("target", labels))
    levers = sections.levers(ds, top_k=3, lang="sv")
    doc = Document("T", "sv", [*_hostile_doc().blocks, *from_section(levers)])
    path = write_pdf(doc, tmp_path / "r.pdf")
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    shown = squash(text)
    assert squash("Målet Fattigdom ska minska. Nästa mening står rätt.") in shown
    assert squash("De tre starkaste, i rangordning: 16.6 (Korruption slut), 12.1") in shown  # the label, isolated
    assert squash("Starkast är 16.6. Det främjar 27 av de 33 andra delmålen direkt") in shown  # the next sentence
    assert squash("Rubrik ned") in shown and "ratnemmok" not in shown and "tträråts" not in shown
    assert RLO not in text


# --- 7. identical-looking names -----------------------------------------------------------------------


def test_mixed_script_finds_the_letter():
    assert mixed_script("Räv 7") is None and mixed_script("Рав 7") is None and mixed_script("Ωμέγα 3") is None
    assert mixed_script(f"R{CYRILLIC_A}v 7") == CYRILLIC_A and mixed_script("Rav \u039f") == "\u039f"


def test_pseudonym_is_nfc_and_one_alphabet():
    assert _pseudonym(NFD_RAV) == "Räv 7" == unicodedata.normalize("NFC", NFD_RAV)
    with pytest.raises(ValidationError) as info:
        _pseudonym(f"R{CYRILLIC_A}v 7")
    assert "а (U+0430 CYRILLIC SMALL LETTER A)" in str(info.value) and "\n" not in str(info.value)
    with pytest.raises(ValidationError, match="U\\+039F GREEK CAPITAL LETTER OMICRON"):
        _pseudonym("Rav \u039f")
    assert _pseudonym("Ира 2") == "Ира 2"


def test_journal_path_nfc_and_mixed_scripts(tmp_path):
    assert journal_path(tmp_path, NFD_RAV) == journal_path(tmp_path, "Räv 7")
    assert journal_path(tmp_path, "Rav 7") != journal_path(tmp_path, "Räv 7")
    with pytest.raises(ValidationError, match="U\\+0430 CYRILLIC SMALL LETTER A"):
        journal_path(tmp_path, f"R{CYRILLIC_A}v 7")


def test_node_ids_are_nfc_and_latin():
    assert check_node_id(unicodedata.normalize("NFD", "ÖREBRO-1")) == "ÖREBRO-1"
    with pytest.raises(UnknownIdError) as info:
        check_node_id(f"LULE{chr(0x410)}-3", file="m.csv", row=4, column="source")
    message = str(info.value)
    assert "m.csv, row 4, column 'source'" in message and "А (U+0410 CYRILLIC CAPITAL LETTER A)" in message


def test_framework_ids_nfc_and_mixed_scripts(tmp_path):
    table = pd.DataFrame({"id": [unicodedata.normalize("NFD", "ÅRE-1"), "ÅRE-2"], "label_sv": ["a", "b"],
                          "label_en": ["", ""], "group": ["g", "g"]})
    try:
        assert register_from_table(table).ids == ["ÅRE-1", "ÅRE-2"]
    finally:
        unregister("ÅRE")
    path = tmp_path / "mal.csv"
    path.write_text(f"id,label_sv,label_en,group\nORTY-1,a,,g\nORTY-2,b,,g\nORT{chr(0x423)}-3,c,,g\n", encoding="utf-8")
    with pytest.raises(UnknownIdError, match=r"mal\.csv, row 4, column 'id'.*U\+0423 CYRILLIC CAPITAL LETTER U"):
        register_from_table(path)


# --- 8. file modes -----------------------------------------------------------------------------------------


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def _mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_new_journal_is_private(tmp_path, umask_022):
    with Journal(tmp_path / "anna.jsonl", "anna") as journal:
        journal.record("1.1", "1.2", 2, "hemligt")
    assert _mode(tmp_path / "anna.jsonl") == PRIVATE_MODE == 0o600


def test_existing_wide_journal_is_narrowed_and_a_narrow_one_kept(tmp_path, umask_022):
    path = tmp_path / "anna.jsonl"
    with Journal(path, "anna") as journal:
        journal.record("1.1", "1.2", 2)
    os.chmod(path, 0o644)
    with Journal(path, "anna"):
        pass
    assert _mode(path) == 0o600
    os.chmod(path, 0o640)
    with Journal(path, "anna"):
        pass
    assert _mode(path) == 0o600


def test_torn_bytes_are_kept_privately(tmp_path, umask_022):
    path = tmp_path / "anna.jsonl"
    with Journal(path, "anna") as journal:
        journal.record("1.1", "1.2", 2)
    with open(path, "ab") as handle:
        handle.write(b'{"t": "2026-11-30T20:1')
    with Journal(path, "anna"):
        pass
    assert _mode(path.with_name("anna.jsonl.torn")) == 0o600
    assert len(read_journal(path)) == 1


def test_claims_and_the_answer_folder_are_private(tmp_path, umask_022):
    folder = tmp_path / "ws"
    folder.mkdir()
    write_workshop(plan_workshop(["7.2", "11.6", "13.2"], respondents=2), folder / "workshop.json")
    claim = claim_share(folder, "Räv 7", read_plan(folder))
    assert _mode(claim.path) == 0o600
    assert _mode(folder / "svar" / "andelar") == 0o700 and _mode(folder / "svar") == 0o700


def test_om_json_and_svar_of_a_new_workshop_are_private(tmp_path, umask_022):
    """Passes once apps/workshop.py writes om.json with mode=0o600 and makes svar/ with mode=0o700."""
    from sdg_interactions.apps.workshop import new_workshop, set_drop_in

    folder = new_workshop(tmp_path / "ws", ["7.2", "11.6", "13.2"], kommun="0180", respondents=2)
    assert _mode(folder / "om.json") == 0o600
    assert _mode(folder / "svar") == 0o700
    set_drop_in(folder, True)
    assert _mode(folder / "om.json") == 0o600
