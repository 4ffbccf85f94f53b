"""Every numeric parameter has a documented range, checked in one place (:mod:`sdg_interactions.ranges`):
outside it, the command line exits 2 with one line naming the option, the value and the range, in
Swedish or English, and no numpy warning; the library functions raise the same kind of error (issue 21)."""

from __future__ import annotations

import datetime as dt
import re

import numpy as np
import pytest

from sdg_interactions import ranges
from sdg_interactions.analysis import classify, portfolio, propagate, rank_robustness, scenario, total_influence
from sdg_interactions.analysis.comparison import compare_matrices, departing_cells
from sdg_interactions.cli import build_parser, main
from sdg_interactions.cli._common import UsageError
from sdg_interactions.errors import ValidationError
from sdg_interactions.io.collection import stack_matrices
from sdg_interactions.matrix import from_array, toy_matrix
from sdg_interactions.report.konsekvens import konsekvens
from sdg_interactions.report.parameters import check_parameters

pytestmark = pytest.mark.filterwarnings("error::RuntimeWarning")  # inf/NaN arithmetic would warn
NEXT_YEAR = dt.date.today().year + 1
RESPONDENTS = "synthetic_respondents"

# --- the command line --------------------------------------------------------------------------------------

#: (argv, option, value as shown, the range as shown in Swedish, in English)
OUT_OF_RANGE = [
    (["scenario", "--priorities", "7.2,11.2", "--efforts", "1e308,1"], "--efforts", "'1e308'",
     "0 < --efforts ≤ 10", "0 < --efforts ≤ 10"),
    (["scenario", "--priorities", "7.2", "--efforts", "0"], "--efforts", "'0'", "0 < --efforts ≤ 10", None),
    (["scenario", "--priorities", "7.2", "--efforts", "nan"], "--efforts", "'nan'", "0 < --efforts ≤ 10", None),
    (["scenario", "--priorities", "7.2", "--efforts", "inf"], "--efforts", "'inf'", "0 < --efforts ≤ 10", None),
    (["scenario", "--priorities", "7.2", "--efforts", "-1"], "--efforts", "'-1'", "0 < --efforts ≤ 10", None),
    (["konsekvens", "--targets", "7.2,11.2", "--efforts", "1e308,1"], "--efforts", "'1e308'", "0 < --efforts ≤ 10",
     "0 < --efforts ≤ 10"),
    (["analyse", "--top", "2001"], "--top", "2001", "0 … 2000", "0 … 2000"),
    (["analyse", "--top", "1e308"], "--top", " 1e308. ", "0 … 2000", None),
    (["portfolio", "--k", "0"], "--k", "0", "1 eller mer", "1 or more"),
    (["portfolio", "--k", "35"], "--k", "35", "1 … 34", "1 … 34"),
    (["portfolio", "--k", "9" * 400], "--k", "…", "1 … 34", None),
    (["portfolio", "--k", "3", "--exclude", "16.6", "--k", "34"], "--k", "34", "1 … 33", None),
    (["robustness", RESPONDENTS, "--samples", "100001"], "--samples", "100001", "1 … 100 000", "1 … 100,000"),
    (["robustness", RESPONDENTS, "--samples", "0"], "--samples", "0", "1 … 100 000", None),
    (["robustness", RESPONDENTS, "--top-k", "35"], "--top-k", "35", "1 … 34", "1 … 34"),
    (["robustness", RESPONDENTS, "--seed", "-1"], "--seed", "-1", "0 … 4 294 967 295", "0 … 4,294,967,295"),
    (["robustness", RESPONDENTS, "--seed", str(2**32)], "--seed", str(2**32), "0 … 4 294 967 295", None),
    (["compare", "synthetic_kommuner", "--top", "-1"], "--top", "-1", "0 … 2000", "0 … 2000"),
    (["styrdokument", "exempel", "--top-k", "0"], "--top-k", "0", "1 … 2000", "1 … 2000"),
    (["report", "--kommun", "Habo", "--jobs", "65"], "--jobs", "65", "1 … 64", "1 … 64"),
    (["report", "--kommun", "Habo", "--top-k", "2001"], "--top-k", "2001", "1 … 2000", "1 … 2000"),
    (["kolada", "fetch", "--kommun", "Habo", "--years", "1989"], "--years", "1989", f"1990 … {NEXT_YEAR}",
     f"1990 … {NEXT_YEAR}"),
    (["kolada", "fetch", "--kommun", "Habo", "--years", f"2020-{NEXT_YEAR + 1}"], "--years", str(NEXT_YEAR + 1),
     f"1990 … {NEXT_YEAR}", None),
]


@pytest.mark.parametrize(("argv", "option", "value", "sv", "en"), OUT_OF_RANGE,
                         ids=[" ".join(case[0][:1] + case[0][-2:])[:40] for case in OUT_OF_RANGE])
def test_an_option_out_of_range_is_one_line_naming_option_value_and_range(argv, option, value, sv, en, capsys,
                                                                          tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("SDG_INTERACTIONS_CACHE", str(tmp_path / "cache"))
    for lang, prefix, valid, needle in (("sv", "fel: ", sv, f"{option} ska vara"),
                                        ("en", "error: ", en, f"{option} must be")):
        assert main([*argv, "--lang", lang] if lang == "en" else argv) == 2
        captured = capsys.readouterr()
        assert captured.out == "" and captured.err.startswith(prefix) and captured.err.count("\n") == 1
        line = captured.err
        assert needle in line and (valid is None or valid in line) and "Traceback" not in line, line
        assert value in line and len(line) < 320, line
    assert list(tmp_path.iterdir()) == []  # nothing written, the cache not even made


def test_the_issue_cases_are_refused_before_any_arithmetic(capsys, tmp_path):
    assert main(["scenario", "--priorities", "7.2,11.2", "--efforts", "1e308,1"]) == 2
    assert capsys.readouterr().err == ("fel: --efforts ska vara högst 10, inte '1e308'. Giltigt: 0 < --efforts ≤ 10 "
                                       "(relativa vikter för prioriteringarna på skalan −3…3).\n")
    assert main(["konsekvens", "--targets", "7.2,11.2", "--efforts", "1e308,1", "--output-dir", str(tmp_path),
                 "--lang", "en"]) == 2
    assert capsys.readouterr().err.startswith("error: --efforts must be at most 10, not '1e308'. Valid: 0 < --efforts")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("argv", "needle"), [
    (["scenario", "--priorities", "7.2,11.2", "--efforts", "10,0.001"], "10 och 0,001"),
    (["analyse", "--top", "2000"], "34 delmål"),
    (["analyse", "--top", "0"], "34 delmål"),
    (["portfolio", "mongolia2017", "--k", "17"], "Förslag"),
])
def test_the_ends_of_a_range_are_accepted(argv, needle, capsys):
    assert main(argv) == 0
    assert needle in capsys.readouterr().out


def test_text_that_is_no_number_keeps_argparses_line():
    with pytest.raises(UsageError, match=r"--top: ogiltigt värde 'x' \(förväntade typen int\)"):
        build_parser("sv").parse_args(["analyse", "--top", "x"])


def test_every_numeric_option_says_its_range_in_its_help(capsys):
    expected = {("analyse",): ["--top", "0 … 2000"], ("compare", "x"): ["--top", "0 … 2000"],
                ("portfolio",): ["--k", "1 … antalet mål som inte är undantagna"],
                ("robustness", "x"): ["--samples", "1 … 100 000", "--seed", "0 … 4 294 967 295", "--top-k",
                                      "1 … antalet mål"],
                ("scenario", "--priorities", "1"): ["--efforts", "större än 0 och högst 10"],
                ("konsekvens", "--targets", "1"): ["--efforts", "större än 0 och högst 10"],
                ("styrdokument",): ["--top-k", "1 … 2000"], ("report", "--all"): ["--jobs", "1 … 64", "1 … 2000"],
                ("kolada", "fetch", "--kommun", "x"): ["--years", "från 1990 till nästa år"]}
    for command, words in expected.items():
        assert main([*command, "--help"]) == 0
        shown = re.sub(r"\s+", " ", capsys.readouterr().out)
        assert all(word in shown for word in words), (command, shown)


# --- the library -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("call", "words"), [
    (lambda m: propagate(m, ["1.1"], efforts=[10.5]), ["efforts", "'10.5'", "0 < efforts ≤ 10"]),
    (lambda m: propagate(m, ["1.1"], efforts=[1e308]), ["efforts", "'1e+308'"]),
    (lambda m: scenario(m, ["1.1"], risk_threshold=-31), ["risk_threshold", "'-31'", "−30 … 30"]),
    (lambda m: scenario(m, ["1.1"], comes_along=float("inf")), ["comes_along", "'inf'"]),
    (lambda m: classify(propagate(m, ["1.1"]), ["1.1"], m, partly=float("nan")), ["partly", "'nan'"]),
    (lambda m: portfolio(m, 5), ["k", "'5'", "1 … 4"]),
    (lambda m: portfolio(m, 2, cap=0), ["cap", "'0'", "0 < cap ≤ 30"]),
    (lambda m: portfolio(m, 2, cap=float("inf")), ["cap", "'inf'"]),
    (lambda m: total_influence(m, alpha=float("inf")), ["alpha", "'inf'", "0 < alpha < 1"]),
    (lambda m: rank_robustness(m.expand_dims(respondent=["a"]), samples=100_001, top_k=2), ["samples", "1 … 100,000"]),
    (lambda m: rank_robustness(m.expand_dims(respondent=["a"]), seed=2**32, top_k=2),
     ["seed", "4,294,967,295"]),
    (lambda m: rank_robustness(m.expand_dims(respondent=["a"]), top_k=5), ["top_k", "'5'", "1 … 4"]),
    (lambda m: rank_robustness(m.expand_dims(respondent=["a"]), chunk_size=10**9, top_k=2),
     ["chunk_size", "1 … 100,000"]),
    (lambda m: departing_cells(compare_matrices(stack_matrices({"a": m, "b": m})), top=2001), ["top", "1 … 2000"]),
    (lambda m: konsekvens(m, ["1.1"], efforts=[11]), ["efforts", "'11'"]),
    (lambda m: check_parameters(kommun="Håbo", top_k=10**400), ["top_k", "…", "1 … 2000"]),
])
def test_library_functions_refuse_a_value_out_of_range(call, words):
    with pytest.raises(ValidationError) as error:
        call(toy_matrix())
    message = str(error.value)
    assert all(word in message for word in words), message
    assert "\n" not in message and len(message) < 300, message


def test_a_huge_effort_no_longer_reaches_the_arithmetic():
    m = from_array(np.array([[np.nan, 3, 3], [3, np.nan, 3], [3, 3, np.nan]]), ["1.1", "1.2", "1.3"])
    effects = propagate(m, ["1.1", "1.2"], efforts=[10, 10])  # the largest allowed: finite everywhere
    assert all(np.isfinite(effects[v]).all() for v in effects.data_vars)


# --- the validators themselves -----------------------------------------------------------------------------


@pytest.mark.parametrize(("value", "ok"), [
    (0, False), (1e-300, True), (10, True), (10.000001, False), (True, False), ("1", False), (None, False),
    (float("nan"), False), (float("inf"), False), (np.float64(2.5), True), (np.int64(3), True), (10**400, False),
])
def test_check_of_efforts(value, ok):
    if ok:
        assert ranges.check(value, "efforts", ranges.EFFORT) == float(value)
    else:
        with pytest.raises(ValidationError, match=r"^efforts must be a number at most 10 and greater than 0: "):
            ranges.check(value, "efforts", ranges.EFFORT)


@pytest.mark.parametrize(("raw", "expected"), [("12", 12), ("+12", 12), (" 12 ", 12), ("1.2e1", 12), ("12.0", 12)])
def test_parse_reads_plain_ascii_numbers(raw, expected):
    assert ranges.parse(raw, "--samples", ranges.SAMPLES) == expected


@pytest.mark.parametrize(("raw", "side"), [
    ("٣", "ett heltal"), ("３", "ett heltal"), ("1_000", "ett heltal"), ("0x10", "ett heltal"), ("", "ett heltal"),
    ("inf", "ett heltal"), ("2.5", "ett heltal"), ("1e999", "högst 100 000"), ("-" + "9" * 50, "1 eller mer"),
    ("9" * 5000, "högst 100 000"),
])
def test_parse_refuses_everything_else_in_one_line(raw, side):
    with pytest.raises(ValidationError) as error:
        ranges.parse(raw, "--samples", ranges.SAMPLES)
    message = str(error.value)
    assert message.startswith(f"--samples ska vara {side}, inte ") and message.endswith("Giltigt: 1 … 100 000.")
    assert len(message) < 200


def test_check_number_builds_a_one_off_range():
    assert ranges.check_number(3, "n", 1, 5, integer=True) == 3
    with pytest.raises(ValidationError, match=r"^n must be a number strictly between 0 and 1: '1'\. Valid: 0 < n < 1"):
        ranges.check_number(1, "n", 0, 1, open_low=True, open_high=True)


def test_the_years_end_next_year():
    assert (ranges.years().low, ranges.years().high) == (1990, NEXT_YEAR)
    assert ranges.describe(ranges.years(), "sv") == f"ett heltal från 1990 till {NEXT_YEAR}"


def test_a_note_is_never_written_from_effects_that_are_not_finite(monkeypatch):
    """Were an effect ever inf or NaN, the note would say "Beslutet berör inte miljökvalitetsmålen": refused."""
    from sdg_interactions.report import konsekvens as module

    real = module.scenario

    def broken(*args, **kwargs):
        effects = real(*args, **kwargs)
        effects["direct_pos"][0] = np.inf
        return effects

    monkeypatch.setattr(module, "scenario", broken)
    with pytest.raises(ValidationError, match=r"effects are not finite numbers: '1'\. Valid: efforts 0 < e ≤ 10"):
        konsekvens("weitz2018_sweden", ["7.2"])
