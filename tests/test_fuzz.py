"""Fuzzing every reader (issue 12): bytes and structured mutations of good long CSV, wide CSV, xlsx, NetCDF
and GraphML files. Each reader either returns a validated matrix or raises the library's own error
(:class:`~sdg_interactions.errors.SdgInteractionsError`), never anything else. Seeded and derandomized.
Issue 21: a matrix read never holds a bidi control in a comment, label or name; NetCDF fill values and the
states of Excel sheets (hidden, veryHidden) are fuzzed too."""

import atexit
import io
import itertools
import shutil
import tempfile
import zipfile
from pathlib import Path

import netCDF4
import numpy as np
import openpyxl
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from sdg_interactions.errors import BIDI_CONTROLS, InputFormatError, SdgInteractionsError
from sdg_interactions.io import read_matrix, write_graphml, write_matrix, write_netcdf, write_template
from sdg_interactions.matrix import from_array, validate

FUZZ = settings(max_examples=120, derandomize=True, deadline=None, database=None,
                suppress_health_check=list(HealthCheck))
GOOD = from_array(np.array([[np.nan, 2, -1], [0, np.nan, 3], [1, -3, np.nan]]), ["1.1", "LULEA-2", "MKM-3"])
LONG = ("respondent,source,target,score,comment,uncertain\r\nA,1.1,LULEA-2,2,\"ok, \"\"fine\"\"\",ja\r\n"
        "A,LULEA-2,1.1,0,,\r\nB,1.1,MKM-3,-1,väg,0\r\nB,MKM-3,1.1,3,,nej\r\n").encode()
WIDE = "source\\target;1.1;LULEA-2;MKM-3\n1.1;;2;-1\nLULEA-2;0;;3\nMKM-3;1,0;-3;\n".encode("cp1252")
CELLS = st.sampled_from(["", "1", "-3", "3.5", "0 1", "1,000", "٣", "two", "\x00", "LULEA-01", " 1.1", "=1+1",
                         "1e3", "nan", "inf", '"', ";", ",", "\n", "1.1", "SDG-18", "x" * 300,
                         "ok \u202eslut", "\u2068isolat", "\u200fmärke", "LULE\u0410-2", "O\u0308REBRO-1", "عربي"])


def _check(path: Path) -> None:
    try:
        ds = read_matrix(path)
    except SdgInteractionsError:
        return
    validate(ds)
    texts = [str(v) for name in ds.variables if ds[name].dtype.kind in "OUS" for v in np.ravel(ds[name].values)]
    assert not any(c in t for t in texts for c in BIDI_CONTROLS), "a bidi control was read"


#: Every file this module writes lives in one folder, removed when the test process ends (it held ~1,050
#: folders per run before); each example gets its own file name, so no reader can see an earlier example.
_FOLDER = Path(tempfile.mkdtemp(prefix="sdgi-fuzz-"))
atexit.register(shutil.rmtree, _FOLDER, ignore_errors=True)
_NAMES = itertools.count()


def _fresh(prefix: str = "m") -> Path:
    path = _FOLDER / f"{prefix}{next(_NAMES)}"
    path.mkdir()
    return path


def _write(data: bytes, suffix: str) -> Path:
    path = _fresh() / f"m{suffix}"
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
    folder = _fresh("good")
    write_netcdf(GOOD, folder / "m.nc")
    write_graphml(GOOD, folder / "m.graphml")
    write_template(["1.1", "LULEA-2", "MKM-3"], folder / "m.xlsx")
    return {suffix: (folder / f"m{suffix}").read_bytes() for suffix in (".nc", ".graphml", ".xlsx")}


# --- valid inputs are accepted: a reader that refused everything would pass every test below -------------

IDS = ["1.1", "1.2", "11.6", "7.a", "LULEA-2", "MKM-3", "FH-7", "ÖREBRO-1"]
VALID = st.integers(2, 6).flatmap(lambda n: st.tuples(
    st.permutations(IDS).map(lambda ids: ids[:n]),
    st.lists(st.sampled_from([np.nan, -3, -2, -1, 0, 1, 2, 3]), min_size=n * n, max_size=n * n)))


def test_the_good_files_are_read_as_written(good_files):
    for suffix, data in good_files.items():
        ds = read_matrix(_write(data, suffix))
        assert sorted(ds["source"].values.tolist()) == ["1.1", "LULEA-2", "MKM-3"], suffix
        if suffix != ".xlsx":  # the template is unscored
            ids = GOOD["source"].values.tolist()
            np.testing.assert_array_equal(ds["score"].sel(source=ids, target=ids).values, GOOD.values)


@FUZZ
@given(VALID, st.sampled_from([".csv", ".nc", ".graphml", ".xlsx"]))
def test_valid_generated_matrices_are_accepted_and_read_back_equal(case, suffix):
    ids, values = case
    n = len(ids)
    scores = np.array(values, dtype=float).reshape(n, n)
    np.fill_diagonal(scores, np.nan)
    scored = ~np.isnan(scores)
    # a long CSV holds scored pairs only, so a node without any scored pair has no row to come back from
    assume(suffix != ".csv" or (scored.any(axis=0) | scored.any(axis=1)).all())
    path = _fresh() / f"m{suffix}"
    write_matrix(from_array(scores, ids), path)
    ds = read_matrix(path)
    assert sorted(ds["source"].values.tolist()) == sorted(ids) == sorted(ds["target"].values.tolist())
    np.testing.assert_array_equal(ds["score"].sel(source=ids, target=ids).values, scores)


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


FILLS = st.one_of(st.sampled_from([0, -3, 3, 1, 2.5, -1e-9, 3.0000001, -9999, -99, -127, 127, float("nan")]),
                  st.floats(-10, 10, allow_nan=False), st.integers(-128, 127))


@FUZZ
@given(FILLS, st.sampled_from(["_FillValue", "missing_value"]), st.sampled_from(["f8", "f4", "i1", "i2"]))
def test_netcdf_fill_values(fill, attribute, dtype):
    """A fill value that is a score is refused; any other masks only itself: 0 and every other score survive."""
    path = _write(b"", ".nc")
    kind = np.dtype(dtype)
    if kind.kind == "i" and ((isinstance(fill, float) and (not np.isfinite(fill) or fill != int(fill)))
                             or not np.iinfo(kind).min <= fill <= np.iinfo(kind).max):
        fill = -99
    raw = np.array([[fill, 0, 3], [-3, fill, 1], [2, -1, fill]], dtype=kind)
    with netCDF4.Dataset(path, "w") as f:
        for dim in ("source", "target"):
            f.createDimension(dim, 3)
            f.createVariable(dim, str, (dim,))[:] = np.array(["1.1", "1.2", "1.3"], dtype=object)
        var = f.createVariable("score", kind, ("source", "target"),
                               fill_value=kind.type(fill) if attribute == "_FillValue" else None)
        if attribute == "missing_value":
            var.setncattr("missing_value", kind.type(fill))
        var.set_auto_mask(False)
        var[:] = raw
    stored = float(kind.type(fill))
    try:
        ds = read_matrix(path)
    except SdgInteractionsError as error:
        assert -3 <= stored <= 3 and attribute in str(error), error
        return
    assert not -3 <= stored <= 3
    assert ds["score"].values[0, 1] == 0 and ds["score"].values[1, 0] == -3  # the scores, as stored
    assert np.isnan(np.diag(ds["score"].values)).all()


@FUZZ
@given(st.lists(st.sampled_from(["visible", "visible", "hidden", "veryHidden"]), min_size=5, max_size=5))
def test_xlsx_sheet_states(good_files, states):
    """Only visible sheets are read: a hidden one (but the instructions) is refused, naming it."""
    path = _write(good_files[".xlsx"], ".xlsx")
    book = openpyxl.load_workbook(path)
    second = book.copy_worksheet(book["Svarande 1"])
    second.title, second["A1"] = "Svarande 2", "Svarande 2"
    for sheet, state in zip(book.worksheets, states, strict=True):
        sheet.sheet_state = state
    if all(s.sheet_state != "visible" for s in book.worksheets):
        book.worksheets[1].sheet_state = "visible"  # Excel needs one visible sheet
    book.save(path)
    hidden = [s.title for s in book.worksheets[1:] if s.sheet_state != "visible"]
    try:
        read_matrix(path)
    except InputFormatError as error:
        assert hidden and any(f"'{name}' is hidden" in str(error) for name in hidden), error
        return
    assert not hidden


# --- issue 21: the numeric parameters and the Kolada JSON reader -----------------------------------------

PARAM_VALUES = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-10**40, 10**40), st.booleans(),
                         st.none(), st.text(max_size=30), st.decimals(allow_nan=True).map(str))
PARAM_TEXT = st.one_of(st.text(max_size=40), st.from_regex(r"[+-]?[0-9]{0,40}(\.[0-9]{0,5})?([eE][+-]?[0-9]{1,4})?",
                                                            fullmatch=True),
                       st.sampled_from(["inf", "-inf", "nan", "NaN", "1e308", "1e999", "٣", "３", "1_000", "0x1f", "",
                                        " 7 ", "10", "0", "-0", "1,5", "2021; rm -rf"]))


def _param_kinds():
    from sdg_interactions import ranges

    return [ranges.EFFORT, ranges.COUNT, ranges.SHOWN, ranges.SAMPLES, ranges.CHUNK, ranges.SEED, ranges.ALPHA,
            ranges.MARGIN, ranges.CAP, ranges.JOBS, ranges.WINDOW, ranges.years()]


def _param_inside(number, rng, high):
    import math

    assert isinstance(number, int) if rng.integer else isinstance(number, float)
    assert math.isfinite(number) and rng.low <= number and (high is None or number <= high)
    assert not (rng.open_low and number == rng.low) and not (rng.open_high and number == high)


@FUZZ
@given(PARAM_VALUES, st.integers(0, 11), st.sampled_from(["sv", "en"]), st.sampled_from(["k", "--k"]))
def test_fuzz_param_check_returns_a_number_in_range_or_one_line(value, kind, lang, name):
    from sdg_interactions import ranges

    rng = _param_kinds()[kind]
    high = 34 if rng.high is None else None
    try:
        number = ranges.check(value, name, rng, high=high, lang=lang)
    except SdgInteractionsError as error:
        assert "\n" not in str(error) and len(str(error)) < 400 and str(error).startswith(name + " ")
        return
    _param_inside(number, rng, high if high is not None else rng.high)


@FUZZ
@given(PARAM_TEXT, st.integers(0, 11), st.sampled_from(["sv", "en"]))
def test_fuzz_param_parse_and_the_cli_type(raw, kind, lang):
    from sdg_interactions import ranges
    from sdg_interactions.cli._common import UsageError, number

    rng = _param_kinds()[kind]
    try:
        value = ranges.parse(raw, "--x", rng, lang=lang)
    except SdgInteractionsError as error:
        assert "\n" not in str(error) and len(str(error)) < 400 and str(error).startswith("--x ")
    else:
        _param_inside(value, rng, rng.high)
    try:
        number("--x", rng, lang)(raw)
    except UsageError as error:
        assert str(error).startswith("--x ")
    except ValueError:  # no number at all: argparse words it ("--x: ogiltigt värde …")
        pass


JSON_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-10**20, 10**20), st.floats(allow_nan=True),
                        st.text(max_size=12),
                        st.sampled_from(["N00945", "0180", "0001", "T", 2021, 1e308, -1e16]))
JSON_VALUES = st.recursive(
    JSON_LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=8), inner,
                                                                                        max_size=4)), max_leaves=12)
KOLADA_RECORDS = st.lists(st.one_of(
    JSON_VALUES,
    st.fixed_dictionaries({"kpi": st.sampled_from(["N00945", "n00945", "X1", 5]),
                           "municipality": st.sampled_from(["0180", "0001", "0000", "180", None]),
                           "period": st.one_of(st.integers(1800, 2200),
                                               st.sampled_from(["2021", "2021; rm -rf", 2021.0])),
                           "values": st.one_of(JSON_VALUES, st.lists(st.fixed_dictionaries(
                               {"gender": st.sampled_from(["T", "K", "M", 1]), "count": st.one_of(st.integers(-2, 9),
                                                                                                  JSON_LEAVES),
                                "status": st.one_of(st.none(), st.text(max_size=3)), "value": JSON_LEAVES}),
                               max_size=3))})), max_size=6)


@FUZZ
@given(KOLADA_RECORDS, st.sampled_from(["sv", "en"]))
def test_fuzz_kolada_records_are_kept_or_named_never_a_crash(records, lang):
    import json
    import math

    from sdg_interactions.frameworks.kolada_cache import KoladaCache, check_records, tidy_values

    good, skipped = check_records(records, lang)
    assert len(good) + len(skipped) == len(records)
    assert all("\n" not in line and len(line) < 500 for line in skipped)
    table = tidy_values(good)
    assert all(math.isnan(v) or (math.isfinite(v) and abs(v) < 1e15) for v in table["value"])
    cache = KoladaCache(_fresh("kolada"))
    cache.write("N00945", "0180", records, years=None)  # what cannot be read is never cached
    text = cache.path("N00945", "0180").read_text(encoding="utf-8")
    assert "NaN" not in text and "Infinity" not in text
    json.loads(text)
    values, missing, notes = cache.read_values(["N00945"], ["0180"])
    assert notes == [] and missing == []
    assert all(math.isnan(v) or (math.isfinite(v) and abs(v) < 1e15) for v in values["value"])


CACHE_ROWS = st.lists(st.one_of(JSON_VALUES, st.lists(st.one_of(st.integers(1800, 2200), JSON_LEAVES), min_size=5,
                                                      max_size=5)), max_size=6)


@FUZZ
@given(CACHE_ROWS, st.sampled_from(["NaN", "Infinity", "-Infinity", "1e999", "1e308", '"31,5"', "null", "4.5"]))
def test_fuzz_kolada_cache_files_are_read_or_named_never_a_crash(rows, constant):
    import json
    import math

    from sdg_interactions.analysis import follow_up
    from sdg_interactions.frameworks.kolada_cache import KoladaCache

    cache = KoladaCache(_fresh("kolada"))
    path = cache.path("N00945", "0180")
    path.parent.mkdir(parents=True)
    body = json.dumps(rows).replace("NaN", "0")[1:-1]
    path.write_text('{"format": 1, "kpi": "N00945", "municipality": "0180", "years": null, "values": [[2020, "T", '
                    f'1, "", {constant}]{", " + body if body else ""}]}}', encoding="utf-8")
    values, _, notes = cache.read_values(["N00945"], ["0180", "0001"])
    assert all(math.isnan(v) or (math.isfinite(v) and abs(v) < 1e15) for v in values["value"])
    assert all("\n" not in note for note in notes)
    table = follow_up("0180", ["5.4"], cache=cache.folder, lang="en")
    assert all(math.isnan(v) or math.isfinite(v) for v in table["value"])
