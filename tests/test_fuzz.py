"""Fuzzing every reader (issue 12): bytes and structured mutations of good long CSV, wide CSV, xlsx, NetCDF
and GraphML files. Each reader either returns a validated matrix or raises the library's own error
(:class:`~sdg_interactions.errors.SdgInteractionsError`), never anything else. Seeded and derandomized."""

import io
import tempfile
import zipfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdg_interactions.errors import SdgInteractionsError
from sdg_interactions.io import read_matrix, write_graphml, write_netcdf, write_template
from sdg_interactions.matrix import from_array, validate

FUZZ = settings(max_examples=120, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
GOOD = from_array(np.array([[np.nan, 2, -1], [0, np.nan, 3], [1, -3, np.nan]]), ["1.1", "LULEA-2", "MKM-3"])
LONG = ("respondent,source,target,score,comment,uncertain\r\nA,1.1,LULEA-2,2,\"ok, \"\"fine\"\"\",ja\r\n"
        "A,LULEA-2,1.1,0,,\r\nB,1.1,MKM-3,-1,väg,0\r\nB,MKM-3,1.1,3,,nej\r\n").encode()
WIDE = "source\\target;1.1;LULEA-2;MKM-3\n1.1;;2;-1\nLULEA-2;0;;3\nMKM-3;1,0;-3;\n".encode("cp1252")
CELLS = st.sampled_from(["", "1", "-3", "3.5", "0 1", "1,000", "٣", "two", "\x00", "LULEA-01", " 1.1", "=1+1",
                         "1e3", "nan", "inf", '"', ";", ",", "\n", "1.1", "SDG-18", "x" * 300])


def _check(path: Path) -> None:
    try:
        ds = read_matrix(path)
    except SdgInteractionsError:
        return
    validate(ds)


def _write(data: bytes, suffix: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix="fuzz-"))
    path = folder / f"m{suffix}"
    path.write_bytes(data)
    return path


def _mutate(data: bytes, edits) -> bytes:
    buffer = bytearray(data)
    for position, value, kind in edits:
        k = position % (len(buffer) + 1)
        if kind == 0 and k < len(buffer):
            buffer[k] = value
        elif kind == 1:
            buffer.insert(k, value)
        elif k < len(buffer):
            del buffer[k]
    return bytes(buffer)


EDITS = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 255), st.integers(0, 2)), min_size=1, max_size=8)


@pytest.fixture(scope="module")
def good_files():
    folder = Path(tempfile.mkdtemp(prefix="fuzz-good-"))
    write_netcdf(GOOD, folder / "m.nc")
    write_graphml(GOOD, folder / "m.graphml")
    write_template(["1.1", "LULEA-2", "MKM-3"], folder / "m.xlsx")
    return {suffix: (folder / f"m{suffix}").read_bytes() for suffix in (".nc", ".graphml", ".xlsx")}


@FUZZ
@given(st.binary(max_size=400))
def test_any_bytes_as_csv(data):
    _check(_write(data, ".csv"))


@FUZZ
@given(st.sampled_from([LONG, WIDE]), EDITS)
def test_mutated_csv_bytes(base, edits):
    _check(_write(_mutate(base, edits), ".csv"))


@FUZZ
@given(st.lists(st.tuples(st.integers(1, 4), st.integers(0, 5), CELLS), min_size=1, max_size=6),
       st.sampled_from([",", ";"]))
def test_mutated_csv_cells(edits, separator):
    for base in (LONG.decode(), WIDE.decode("cp1252").replace(";", ",")):
        rows = [line.split(",") for line in base.replace("\r", "").strip().split("\n")]
        for row, column, cell in edits:
            if row < len(rows):
                rows[row][column % len(rows[row])] = f'"{cell}"' if separator in cell else cell
        _check(_write("\n".join(separator.join(r) for r in rows).encode("utf-8"), ".csv"))


@FUZZ
@given(EDITS)
def test_mutated_netcdf(good_files, edits):
    _check(_write(_mutate(good_files[".nc"], edits), ".nc"))


@FUZZ
@given(EDITS)
def test_mutated_graphml(good_files, edits):
    _check(_write(_mutate(good_files[".graphml"], edits), ".graphml"))


@FUZZ
@given(st.sampled_from(["score", "uncertain", "aggregated", "id"]), CELLS)
def test_graphml_values(good_files, where, cell):
    text = good_files[".graphml"].decode()
    target = {"score": '">2.0<', "uncertain": '">false<', "aggregated": '">0<', "id": '"LULEA-2"'}[where]
    replacement = ('">' + cell.replace("<", "").replace("&", "") + "<") if where != "id" else f'"{cell}"'
    _check(_write(text.replace(target, replacement, 1).encode(), ".graphml"))


@FUZZ
@given(EDITS)
def test_mutated_xlsx_bytes(good_files, edits):
    _check(_write(_mutate(good_files[".xlsx"], edits), ".xlsx"))


@FUZZ
@given(st.sampled_from(["xl/worksheets/sheet2.xml", "xl/workbook.xml", "xl/sharedStrings.xml", "[Content_Types].xml"]),
       EDITS)
def test_mutated_xlsx_parts(good_files, part, edits):
    source = zipfile.ZipFile(io.BytesIO(good_files[".xlsx"]))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as new:
        for info in source.infolist():
            data = source.read(info.filename)
            new.writestr(info.filename, _mutate(data, edits) if info.filename == part else data)
    _check(_write(buffer.getvalue(), ".xlsx"))
