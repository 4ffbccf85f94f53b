"""Bad inputs: each raises the library's own exception type with a message that names the file, the
row as a spreadsheet shows it, the column and the value; through the CLI each gives one line on
stderr and exit code 2."""

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import xarray as xr

from sdg_interactions.errors import (
    InputFormatError,
    SdgInteractionsError,
    UnknownDatasetError,
    UnknownIdError,
    ValidationError,
)
from sdg_interactions.io import load_dataset

HEAD = "source,target,score\n"


def netcdf(score, *, name="score", source=("1.1", "1.2")):
    def write(path):
        xr.Dataset({name: (("source", "target"), np.array(score, dtype=float))},
                   coords={"source": list(source), "target": list(source)}).to_netcdf(path, engine="netcdf4")
    return write


@dataclass
class Case:
    id: str
    content: object  # str (written as UTF-8), bytes, a function(path) that writes it, or None (no file)
    error: type
    fragments: tuple
    name: str = "bad.csv"


CASES = [
    # scores
    Case("score-4", HEAD + "1.1,1.2,2\n1.2,1.1,4\n", ValidationError, ("row 3", "'score'", "'4'", "outside")),
    Case("score-minus-4", HEAD + "1.1,1.2,-4\n", ValidationError, ("row 2", "'score'", "'-4'")),
    Case("score-2.5-raw", HEAD + "1.1,1.2,1\n1.2,1.1,2.5\n", ValidationError,
         ("row 3", "'score'", "'2.5'", "whole number")),
    Case("score-abc", HEAD + "1.1,1.2,abc\n", ValidationError, ("row 2", "'score'", "'abc'", "not a number")),
    Case("score-plusplus", HEAD + "1.1,1.2,++1\n", ValidationError, ("row 2", "'score'", "'++1'")),
    Case("score-decimal-comma-raw", "source;target;score\n1.1;1.2;1,5\n", ValidationError,
         ("row 2", "'score'", "'1,5'")),
    # ids
    Case("id-1.99", HEAD + "1.1,1.2,1\n1.99,1.1,1\n", UnknownIdError, ("row 3", "'source'", "'1.99'")),
    Case("id-18.1", HEAD + "1.1,18.1,1\n", UnknownIdError, ("row 2", "'target'", "'18.1'")),
    Case("id-SDG-18", HEAD + "SDG-1,SDG-18,1\n", UnknownIdError, ("row 2", "'target'", "'SDG-18'")),
    Case("id-MKM-17", HEAD + "MKM-1,MKM-2,0\nMKM-17,MKM-1,1\n", UnknownIdError,
         ("row 3", "'source'", "'MKM-17'")),
    Case("id-1.1.1", HEAD + "1.1.1,1.2,1\n", UnknownIdError, ("row 2", "'source'", "'1.1.1'")),
    Case("id-empty", HEAD + "1.1,1.2,1\n,1.2,1\n", UnknownIdError, ("row 3", "'source'", "''")),
    Case("id-lowercase-prefix", HEAD + "mkm-1,1.2,1\n", UnknownIdError, ("row 2", "'source'", "'mkm-1'")),
    # structure of a long file
    Case("diagonal-long", HEAD + "1.1,1.2,1\n1.2,1.2,2\n", ValidationError,
         ("row 3", "'score'", "'2'", "itself")),
    Case("duplicate-pair", HEAD + "1.1,1.2,1\n1.2,1.1,0\n1.1,1.2,2\n", ValidationError,
         ("row 4", "also in row 2", "1.1 -> 1.2")),
    Case("duplicate-pair-respondent",
         "respondent,source,target,score\na,1.1,1.2,1\nb,1.1,1.2,1\na,1.1,1.2,-1\n", ValidationError,
         ("row 4", "also in row 2", "respondent a")),
    Case("blank-respondent", "respondent,source,target,score\na,1.1,1.2,1\n  ,1.2,1.1,1\n", ValidationError,
         ("row 3", "'respondent'", "empty respondent")),
    Case("uncertain-maybe", HEAD.strip() + ",uncertain\n1.1,1.2,1,ja\n1.2,1.1,1,maybe\n", ValidationError,
         ("row 3", "'uncertain'", "'maybe'")),
    Case("missing-score-column", "source,target,comment\n1.1,1.2,hi\n", InputFormatError, ("row 1", "score")),
    Case("unknown-column", "source,target,score,weight\n1.1,1.2,1,3\n", InputFormatError,
         ("row 1", "'weight'", "unknown column", "comment")),
    Case("duplicate-column", "source,target,score,Score\n1.1,1.2,1,2\n", InputFormatError,
         ("row 1", "'Score'", "twice")),
    Case("extra-cells", HEAD.strip() + ",comment\n1.1,1.2,1,no water, no sanitation\n", InputFormatError,
         ("row 2", "' no sanitation'", "quotes")),
    Case("unterminated-quote", HEAD.strip() + ',comment\n1.1,1.2,1,"ok"\n1.2,1.1,1,"he said\n',
         InputFormatError, ("row 3", "quote")),
    Case("unknown-layout", "a,b,c\nx,y,z\n", InputFormatError, ("row 1", "'a'", "layout")),
    # empty and binary files, encodings
    Case("empty-file", "", InputFormatError, ("empty",)),
    Case("blank-lines-only", b"\r\n\r\n  \r\n", InputFormatError, ("empty",)),
    Case("header-only", "source,target,score\n", InputFormatError, ("row 2", "no rows")),
    Case("png-renamed", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", InputFormatError, ("PNG",)),
    Case("xlsx-renamed", b"PK\x03\x04\x14\x00\x06\x00", InputFormatError, ("xlsx",)),
    Case("binary-nul", b"source,target,score\n\x00\x01\x02", InputFormatError, ("binary",)),
    Case("utf16", "source,target,score\n1.1,1.2,1\n".encode("utf-16"), InputFormatError, ("UTF-16",)),
    Case("undecodable-0x81", b"source,target,score,comment\n1.1,1.2,1,ok\n1.2,1.1,1,bad \x81 byte\n",
         InputFormatError, ("0x81", "line 3", "offset 55")),
    Case("undecodable-0x9d", b"source,target,score\n1.1,1.2,1\x9d\n", InputFormatError, ("0x9d", "line 2")),
    Case("mixed-encodings", "source,target,score,comment\n1.1,1.2,1,sjö\n".encode() + b"1.2,1.1,1,\xe4\n",
         InputFormatError, ("mixed", "0xe4", "line 3")),
    # wide files
    Case("diagonal-wide", "from\\to,1.1,1.2\n1.1,3,1\n1.2,0,0\n", ValidationError,
         ("row 2", "'B (1.1)'", "'3'", "itself")),
    Case("wide-score-5", "from\\to,1.1,1.2\n1.1,0,1\n1.2,5,0\n", ValidationError,
         ("row 3", "column 'B (1.1)'", "'5'")),
    Case("wide-score-text", ";1.1;1.2\n1.1;;x\n1.2;1;\n", ValidationError, ("row 2", "column 'C (1.2)'", "'x'")),
    Case("wide-different-ids", "from\\to,1.1,1.2\n1.1,0,1\n1.3,1,0\n", ValidationError,
         ("only in the first column: ['1.3']", "only in the header: ['1.2']")),
    Case("wide-duplicate-id", "from\\to,1.1,1.2,1.1\n1.1,0,1,0\n1.2,1,0,1\n1.1,0,1,0\n", ValidationError,
         ("twice", "'1.1'")),
    Case("wide-non-square", "from\\to,1.1,1.2,1.3\n1.1,0,1,1\n1.2,1,0,1\n", ValidationError,
         ("only in the header: ['1.3']",)),
    Case("wide-unknown-header-id", "from\\to,1.1,18.1\n1.1,0,1\n1.2,1,0\n", UnknownIdError,
         ("row 1", "'18.1'")),
    Case("wide-unknown-row-id", "from\\to,1.1,1.2\n1.1,0,1\n18.1,1,0\n", UnknownIdError,
         ("row 3", "'18.1'")),
    # NetCDF
    Case("netcdf-no-score", netcdf([[np.nan, 1], [1, np.nan]], name="weight"), InputFormatError,
         ("no 'score' variable", "weight"), name="bad.nc"),
    Case("netcdf-score-7", netcdf([[np.nan, 7], [1, np.nan]]), ValidationError,
         ("source 1.1, target 1.2", "'7.0'", "outside"), name="bad.nc"),
    Case("netcdf-bad-id", netcdf([[np.nan, 1], [1, np.nan]], source=("1.1", "1.99")), UnknownIdError,
         ("'source'", "'1.99'"), name="bad.nc"),
    Case("netcdf-garbage", b"CDF\x01 this is not really netCDF", InputFormatError, ("cannot read",),
         name="bad.nc"),
    Case("netcdf-is-text", HEAD + "1.1,1.2,1\n", InputFormatError, ("not a NetCDF",), name="bad.nc"),
    # names, paths, extensions
    Case("unknown-extension", HEAD + "1.1,1.2,1\n", InputFormatError, ("'.json'", ".csv", ".nc"),
         name="bad.json"),
    Case("missing-file", None, UnknownDatasetError, ("no such file", "weitz2018_sweden"), name="missing.csv"),
    Case("unknown-bundled-name", None, UnknownDatasetError, ("did you mean weitz2018_sweden",),
         name="weitz2018_swedn"),
    Case("folder", lambda path: path.mkdir(), InputFormatError, ("folder",), name="folder.csv"),
]
assert len(CASES) >= 30
assert len({case.id for case in CASES}) == len(CASES)


def make(case: Case, folder: Path) -> str:
    """Write the case's file; return the name or path to pass on (a bare name for bundled-name cases)."""
    path = folder / case.name
    if case.content is None:
        return case.name if "." not in case.name else str(path)
    if callable(case.content):
        case.content(path)
    elif isinstance(case.content, bytes):
        path.write_bytes(case.content)
    else:
        path.write_text(case.content, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_bad_input_names_file_row_column_value(case, tmp_path):
    target = make(case, tmp_path)
    with pytest.raises(case.error) as info:
        load_dataset(target)
    message = str(info.value)
    assert type(info.value) is case.error  # the exact class, not only a subclass of it
    assert isinstance(info.value, SdgInteractionsError)
    assert case.name in message, message
    for fragment in case.fragments:
        assert fragment in message, f"{fragment!r} not in {message!r}"
    assert "\n" not in message, message


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.id)
def test_cli_one_line_exit_2(case, tmp_path, capsys):
    from sdg_interactions import cli
    target = make(case, tmp_path)
    code = cli.main(["analyse", target])
    captured = capsys.readouterr()
    lines = [line for line in captured.err.splitlines() if line.strip()]
    assert code == 2, captured
    assert len(lines) == 1, captured.err
    assert case.name in lines[0]
    assert "Traceback" not in captured.err + captured.out
