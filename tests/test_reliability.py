"""Hostile and careless input (issue 12): every case refused with the library's own error, and through the
command line with one line on stderr and exit code 2. The files are built here."""

import io
import os
import subprocess
import sys
import textwrap
import zipfile

import networkx as nx
import numpy as np
import openpyxl
import pandas as pd
import pytest
import xarray as xr

from sdg_interactions import textfile
from sdg_interactions.errors import (
    InputFormatError,
    SdgInteractionsError,
    UnknownIdError,
    ValidationError,
    locate,
)
from sdg_interactions.io import read_matrix, write_template
from sdg_interactions.matrix import as_matrix, from_array, validate

HEAD = "source,target,score\n"


def cli_one_line(path, capsys):
    """Run ``analyse path`` through the command line; return the one error line (asserting exit 2)."""
    from sdg_interactions import cli

    code = cli.main(["analyse", str(path)])
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert code == 2, captured
    assert len(lines) == 1, captured.err
    assert "Traceback" not in captured.err + captured.out
    return lines[0]


# --- 1. bounded readers ----------------------------------------------------------------------------------


def template_with(path, cells: dict, sheet=1):
    write_template(["1.1", "1.2"], path)
    wb = openpyxl.load_workbook(path)
    ws = wb[wb.sheetnames[sheet]]
    for ref, value in cells.items():
        ws[ref] = value
    wb.save(path)
    return path


def test_xlsx_with_far_cells_ends_in_our_error_under_a_2_gb_cap(tmp_path):
    path = template_with(tmp_path / "bomb.xlsx", {"D3": 2, "XFD1": "x", "A1048576": 1})
    assert path.stat().st_size < 20_000
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024 ** 3, 2 * 1024 ** 3))
        from sdg_interactions.errors import InputFormatError
        from sdg_interactions.io import read_matrix
        try:
            read_matrix({str(path)!r})
        except InputFormatError as error:
            print(error)
            sys.exit(0)
        sys.exit(1)
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "wider than a matrix of 2000 targets" in done.stdout and "XFD1" in done.stdout


@pytest.mark.parametrize(("cells", "fragment"), [({"A1048576": 1}, "longer than a matrix of 2000 targets"),
                                                  ({"CZZ3": 1}, "wider than")])
def test_xlsx_longer_or_wider_than_any_matrix_is_refused(tmp_path, cells, fragment):
    with pytest.raises(InputFormatError, match=fragment):
        read_matrix(template_with(tmp_path / "far.xlsx", cells))


def test_csv_fifo_device_and_dangling_link_are_refused_at_once(tmp_path, capsys):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    zero = tmp_path / "zero.csv"
    zero.symlink_to("/dev/zero")
    gone = tmp_path / "gone.csv"
    gone.symlink_to(tmp_path / "nothing.csv")
    for path, fragment in ((fifo, "FIFO"), (zero, "device"), (gone, "does not exist")):
        with pytest.raises(InputFormatError, match=fragment):
            textfile.read_text(path)  # returns at once: nothing is opened
    assert "FIFO" in cli_one_line(fifo, capsys)
    assert "device" in cli_one_line(zero, capsys)


def test_csv_larger_than_the_limit_says_so(tmp_path, monkeypatch):
    path = tmp_path / "big.csv"
    path.write_text(HEAD + "1.1,1.2,1\n" * 200)
    monkeypatch.setattr(textfile, "MAX_CSV_BYTES", 1000)
    with pytest.raises(InputFormatError, match=r"too large .*limit is 1000 bytes"):
        read_matrix(path)


def test_too_many_nodes_are_refused_before_allocating(tmp_path):
    rows = "".join(f"LULEA-{k},LULEA-{k + 1},1\n" for k in range(1, 2100))
    path = tmp_path / "many.csv"
    path.write_text(HEAD + rows)
    with pytest.raises(ValidationError, match="limit is 2000"):
        read_matrix(path)


# --- 4. NetCDF and GraphML end in the one validator ------------------------------------------------------


def write_nc(path, ids, score=None, **variables):
    n = len(ids)
    score = np.full((n, n), np.nan) if score is None else score
    ds = xr.Dataset({"score": (("source", "target"), score)}, coords={"source": list(ids), "target": list(ids)})
    for name, values in variables.items():
        ds[name] = (("source", "target"), values)
    ds.to_netcdf(path, engine="netcdf4")
    return path


NETCDF_CASES = {
    "duplicate": (dict(ids=["1.1", "1.1"]), ValidationError, "appears twice"),
    "leading-zero": (dict(ids=["LULEA-01", "LULEA-1"]), ValidationError, "canonical form: 'LULEA-01'"),
    "space": (dict(ids=[" LULEA-2", "LULEA-3"]), ValidationError, "canonical form: ' LULEA-2'"),
    "uncertain-maybe": (dict(ids=["1.1", "1.2"], uncertain=np.array([["", "no"], ["0", "maybe"]], dtype=object)),
                        ValidationError, "uncertain mark: 'maybe'"),
    "string-scores": (dict(ids=["1.1", "1.2"], score=np.array([["", "2"], ["two", ""]], dtype=object)),
                      InputFormatError, "not numbers"),
    "no-nodes": (dict(ids=[]), InputFormatError, "no targets"),
}


@pytest.mark.parametrize("case", NETCDF_CASES)
def test_netcdf_is_checked_like_a_long_csv(tmp_path, case, capsys):
    kwargs, error, fragment = NETCDF_CASES[case]
    path = write_nc(tmp_path / "m.nc", **kwargs)
    with pytest.raises(error, match=fragment):
        read_matrix(path)
    assert "m.nc" in cli_one_line(path, capsys)


def test_a_nul_in_a_comment_is_refused_not_dropped(tmp_path):
    from sdg_interactions.io import write_netcdf
    from sdg_interactions.matrix import from_long

    with pytest.raises(ValidationError, match="NUL"):
        from_long(pd.DataFrame({"source": ["1.1"], "target": ["1.2"], "score": ["1"], "comment": ["a\x00b"]}))
    ds = from_long(pd.DataFrame({"source": ["1.1"], "target": ["1.2"], "score": ["1"], "comment": ["ab"]}))
    ds["comment"].values[0, 1] = "a\x00b"
    with pytest.raises(ValidationError, match="NUL"):
        write_netcdf(ds, tmp_path / "m.nc")
    assert not (tmp_path / "m.nc").exists()


def test_netcdf_uncertain_words_read_as_the_csv_reader_reads_them(tmp_path):
    marks = np.array([["", "no"], ["0", "ja"]], dtype=object)
    ds = read_matrix(write_nc(tmp_path / "m.nc", ["1.1", "1.2"], uncertain=marks))
    assert ds["uncertain"].values.tolist() == [[False, False], [False, True]]


def write_graph(path, edges, nodes=(), **graph):
    G = nx.DiGraph()
    G.graph.update(graph)
    G.add_nodes_from(nodes)
    for source, target, data in edges:
        G.add_edge(source, target, **data)
    nx.write_graphml(G, path)
    return path


GRAPHML_CASES = {
    "score-two": (dict(edges=[("1.1", "1.2", {"score": "two"})]), ValidationError, "not a number: 'two'"),
    "uncertain-maybe": (dict(edges=[("1.1", "1.2", {"score": 1, "uncertain": "maybe"})]), ValidationError,
                        "uncertain mark: 'maybe'"),
    "aggregated-2": (dict(edges=[("1.1", "1.2", {"score": 1})], aggregated=2), ValidationError, "aggregated"),
    "leading-zero": (dict(edges=[("LULEA-01", "LULEA-2", {"score": 1}), ("LULEA-1", "LULEA-2", {"score": 2})]),
                     ValidationError, "canonical form: 'LULEA-01'"),
    "space": (dict(edges=[(" LULEA-2", "LULEA-3", {"score": 1})]), ValidationError, "canonical form"),
    "bad-json": (dict(edges=[("1.1", "1.2", {"score": 1})], sdg_interactions_json="[oops"), InputFormatError,
                 "JSONDecodeError"),
    "bad-unscored": (dict(edges=[("1.1", "1.2", {"score": 1})], sdg_interactions_unscored='[["1.1"]]'),
                     InputFormatError, "cannot read this GraphML file as a matrix"),
}


@pytest.mark.parametrize("case", GRAPHML_CASES)
def test_graphml_is_checked_like_a_long_csv(tmp_path, case, capsys):
    kwargs, error, fragment = GRAPHML_CASES[case]
    path = write_graph(tmp_path / "m.graphml", **kwargs)
    with pytest.raises(error, match=fragment):
        read_matrix(path)
    assert "m.graphml" in cli_one_line(path, capsys)


def test_graphml_aggregated_nej_is_not_aggregated(tmp_path):
    ds = read_matrix(write_graph(tmp_path / "m.graphml", [("1.1", "1.2", {"score": 1})], aggregated="nej"))
    assert ds.attrs["aggregated"] == 0


def test_graphml_with_an_unknown_encoding_is_refused(tmp_path, capsys):
    path = tmp_path / "m.graphml"
    path.write_bytes(b'<?xml version="1.0" encoding="klingon"?><graphml/>')
    with pytest.raises(InputFormatError, match="unknown encoding"):
        read_matrix(path)
    assert "m.graphml" in cli_one_line(path, capsys)


# --- 5. no silent wrong numbers in CSV ---------------------------------------------------------------------

CSV_CASES = {
    "space-inside": (HEAD + "1.1,1.2,0 1\n", ValidationError, "not a number: '0 1'"),
    "space-inside-3": (HEAD + "1.1,1.2,0 3\n", ValidationError, "not a number: '0 3'"),
    "quoted-thousands": (HEAD + '1.1,1.2,"1,000"\n', ValidationError, "thousands separator"),
    "dot-thousands-semicolon": ("source;target;score\n1.1;1.2;1.000\n", ValidationError, "thousands separator"),
    "arabic-digit-id": (HEAD + "LULEA-1,LULEA-\u0663,1\n", UnknownIdError, "not ASCII"),
    "arabic-digit-score": (HEAD + "1.1,1.2,\u0663\n", ValidationError, "not a number"),
    "id-5000-digits": (HEAD + "LULEA-" + "1" * 5000 + ",LULEA-2,1\n", UnknownIdError, "characters"),
    "nul-in-comment": ("source,target,score,comment\n1.1,1.2,1," + "x" * 70_000 + "\n1.3,1.1,1,a\x00b\n",
                       ValidationError, "NUL"),  # after the first 64 KB, where no binary file is looked for
}


@pytest.mark.parametrize("case", CSV_CASES)
def test_csv_numbers_and_ids_are_never_silently_wrong(tmp_path, case, capsys):
    content, error, fragment = CSV_CASES[case]
    path = tmp_path / "m.csv"
    path.write_text(content, "utf-8")
    with pytest.raises(error, match=fragment):
        read_matrix(path)
    line = cli_one_line(path, capsys)
    assert "m.csv" in line and len(line) < 700


@pytest.mark.parametrize(("content", "value"), [
    ("source;target;score\n1.1;1.2;1,000\n", 1.0),  # a Swedish decimal comma with three decimals
    ('source,target,score\n1.1,1.2," -2 "\n', -2.0),
    ("source,target,score\n1.1,1.2,\u22123\n", -3.0),
    ("source,target,score\n1.1,1.2,- 1\n", -1.0),
])
def test_plain_numbers_still_read(tmp_path, content, value):
    path = tmp_path / "m.csv"
    path.write_text(content, "utf-8")
    assert read_matrix(path)["score"].sel(source="1.1", target="1.2").item() == value


# --- 6. damaged workbooks --------------------------------------------------------------------------------


def rewrite_zip(source, target, change):
    """Copy the zip ``source`` to ``target`` with ``change(name, data) -> data`` applied to every member."""
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info.filename)))
    return target


def test_xlsx_with_corrupt_deflate_data_is_our_error(tmp_path, capsys):
    good = template_with(tmp_path / "good.xlsx", {"D3": 2})
    data = bytearray(good.read_bytes())
    with zipfile.ZipFile(good) as archive:
        info = archive.getinfo("xl/worksheets/sheet2.xml")
    start = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra)
    for k in range(start + 10, start + min(info.compress_size, 60)):
        data[k] ^= 0x5A
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(bytes(data))
    with pytest.raises(InputFormatError, match="damaged"):
        read_matrix(bad)
    assert "bad.xlsx" in cli_one_line(bad, capsys)


def test_xlsx_with_malformed_sheet_xml_is_our_error(tmp_path, capsys):
    good = template_with(tmp_path / "good.xlsx", {"D3": 2})
    bad = rewrite_zip(good, tmp_path / "bad.xlsx",
                      lambda name, data: data[: len(data) // 2] if name == "xl/worksheets/sheet2.xml" else data)
    with pytest.raises(InputFormatError, match=r"bad\.xlsx"):
        read_matrix(bad)
    assert "bad.xlsx" in cli_one_line(bad, capsys)


@pytest.mark.parametrize("with_chart", [True, False])
def test_xlsx_with_a_chart_sheet_reads_its_data_sheets(tmp_path, with_chart):
    from openpyxl.chart import BarChart, Reference

    path = template_with(tmp_path / "chart.xlsx", {"D3": 2})
    wb = openpyxl.load_workbook(path)
    sheet = wb.create_chartsheet("Diagram")
    if with_chart:
        chart = BarChart()
        chart.add_data(Reference(wb[wb.sheetnames[1]], min_col=3, min_row=3, max_col=4, max_row=4))
        sheet.add_chart(chart)
    wb.save(path)
    assert read_matrix(path)["score"].sel(source="1.1", target="1.2").item() == 2.0


def test_zip_bomb_is_refused_unread(tmp_path):
    good = template_with(tmp_path / "good.xlsx", {"D3": 2})
    buffer = io.BytesIO()
    with zipfile.ZipFile(good) as old, zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, old.read(info.filename))
        with new.open("xl/padding.bin", "w", force_zip64=True) as handle:
            block = bytes(1024 * 1024)
            for _ in range(1100):
                handle.write(block)
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(buffer.getvalue())
    assert bomb.stat().st_size < 5_000_000
    with pytest.raises(InputFormatError, match="unpacks to"):
        read_matrix(bomb)


# --- 8. smaller ------------------------------------------------------------------------------------------


def test_error_lines_echo_at_most_80_characters_of_a_value(tmp_path, capsys):
    path = tmp_path / "passwd.csv"
    path.write_text("root:x:0:0:root:/root:/bin/bash" * 2000 + "\n1,2\n")
    line = cli_one_line(path, capsys)
    assert len(line) < 600
    message = locate("bad", value="v" * 70_000, column="c" * 500)
    assert len(message) < 200 and "…" in message


def test_metrics_align_a_matrix_whose_targets_are_in_another_order():
    values = np.array([[np.nan, 2.0, 0.0], [1.0, np.nan, -1.0], [0.0, 3.0, np.nan]])
    ids = ["1.1", "1.2", "1.3"]
    good = from_array(values, ids)
    shuffled = good.isel(target=[2, 0, 1])
    assert shuffled["target"].values.tolist() == ["1.3", "1.1", "1.2"]
    aligned = as_matrix(shuffled)
    assert aligned["target"].values.tolist() == ids
    np.testing.assert_array_equal(aligned.values, good.values)
    from sdg_interactions.analysis import analysis_table

    pd.testing.assert_frame_equal(analysis_table(shuffled), analysis_table(good))


def test_validate_refuses_ids_out_of_canonical_form_or_twice():
    da = from_array(np.array([[np.nan, 1.0], [0.0, np.nan]]), ["LULEA-1", "LULEA-2"])
    with pytest.raises(ValidationError, match="canonical"):
        validate(da.assign_coords(source=["LULEA-01", "LULEA-2"], target=["LULEA-01", "LULEA-2"]))
    with pytest.raises(ValidationError, match="twice"):
        validate(da.assign_coords(source=["LULEA-1", "LULEA-1"], target=["LULEA-1", "LULEA-1"]))


def test_every_error_is_the_librarys_own():
    for error in (InputFormatError, ValidationError, UnknownIdError):
        assert issubclass(error, SdgInteractionsError)
