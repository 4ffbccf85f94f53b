"""The command line speaks the language of ``--lang``: help, argparse's errors, the CLI's own messages."""

from __future__ import annotations

import argparse
import re
from pathlib import Path

import pytest

from sdg_interactions.cli import build_parser, main
from sdg_interactions.cli._common import MATRIX_FORMATS, lang_from_argv, node_word, translate_argparse
from sdg_interactions.texts import catalogue

COMMANDS = [["analyse"], ["scenario"], ["template"], ["workshop"], ["workshop", "new"], ["workshop", "serve"],
            ["workshop", "merge"], ["workshop", "report"], ["report"], ["portfolio"], ["robustness"], ["compare"],
            ["kolada"], ["kolada", "fetch"], ["styrdokument"], ["konsekvens"]]

#: argparse's English words that must not show in Swedish help.
ENGLISH = ["usage:", "positional arguments", "options:", "show this help", "default", "a bundled name",
           "language of", "comma-separated", "write ", "the kommun", "the municipality", " nodes", " noder"]


@pytest.mark.parametrize(("argv", "lang"), [
    ([], "sv"), (["analyse"], "sv"), (["analyse", "--lang", "en"], "en"), (["--lang=en", "analyse"], "en"),
    (["analyse", "--lang", "de"], "sv"), (["analyse", "--lang"], "sv"), (["--", "--lang", "en"], "sv"),
    (["report", "--kommun", "Habo", "--lang", "sv", "--help"], "sv"),
])
def test_lang_is_read_from_the_arguments_before_parsing(argv, lang):
    assert lang_from_argv(argv) == lang


def _help(capsys, argv: list[str]) -> str:
    assert main([*argv, "--help"]) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_is_swedish_by_default(command, capsys):
    out = _help(capsys, command)
    assert out.startswith("användning: sdg-interactions")
    assert "flaggor:" in out and "visa den här hjälpen och avsluta" in out
    words = re.sub(r"--?[\w-]+|\b[A-Z_.|]{2,}\b", "", out)  # the options and their metavars are no words
    found = [word for word in ENGLISH if word in words]
    assert found == [], out


@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_help_is_english_with_lang_en(command, capsys):
    out = _help(capsys, [*command, "--lang", "en"])
    assert out.startswith("usage: sdg-interactions")
    assert "options:" in out and "show this help message and exit" in out
    assert not re.search(r"\b(och|inte|standard|flaggor)\b", out), out


def test_the_top_level_help_lists_every_command_in_the_language(capsys):
    sv, en = _help(capsys, []), _help(capsys, ["--lang", "en"])
    assert "Pröva prioriteringar" in sv and "Try priorities" in en
    assert "Skriv en konsekvensanalys på en sida" in sv and "one-page konsekvensanalys" in en


def test_every_matrix_argument_names_every_format(capsys):
    assert MATRIX_FORMATS == ".csv, .xlsx, .nc, .graphml"
    for command in (["analyse"], ["scenario"], ["portfolio"], ["report"], ["styrdokument"], ["konsekvens"]):
        for lang in ("sv", "en"):
            assert MATRIX_FORMATS in re.sub(r"\s+", " ", _help(capsys, [*command, "--lang", lang])), command


def test_every_help_text_comes_from_the_catalogue():
    texts = {entry[lang] for entry in catalogue().values() for lang in ("sv", "en")}

    def actions(parser: argparse.ArgumentParser):
        for action in parser._actions:
            yield action
            if isinstance(action, argparse._SubParsersAction):
                yield from action._choices_actions
                for sub in action.choices.values():
                    yield from actions(sub)

    for lang in ("sv", "en"):
        helps = [action.help for action in actions(build_parser(lang)) if action.help]
        assert helps
        unknown = [h for h in helps if h not in texts and not any(h.startswith(t.split("{")[0]) for t in texts
                                                                    if "{" in t and t.split("{")[0])]
        assert unknown == [], lang


@pytest.mark.parametrize(("argv", "sv", "en"), [
    (["analyse", "--top", "x"], "--top: ogiltigt värde 'x'", "argument --top: invalid int value: 'x'"),
    (["analyse", "--top", "-1"], "--top ska vara 0 eller mer, inte -1", "--top must be 0 or more, not -1"),
    (["analyse", "--out"], "--out behöver ett värde", "expected one argument"),
    (["analyse", "--frob"], "okända argument: --frob", "unrecognized arguments: --frob"),
    (["template"], "följande argument saknas: --nodes, --out", "the following arguments are required: --nodes"),
    (["report"], "ett av argumenten --kommun --all behövs", "one of the arguments --kommun --all is required"),
    (["portfolio", "--per-layer", "--per-cluster"], "går inte att kombinera med", "not allowed with argument"),
    (["portfolio", "--k", "0"], "--k ska vara 1 eller mer", "--k must be 1 or more"),
    (["compare", "a.csv", "--top", "-2"], "--top ska vara 0 eller mer", "--top must be 0 or more"),
    (["styrdokument"], "ange FIL", "give FILE"),
    (["styrdokument", "exempel", "--template", "x.csv"], "inte båda", "not both"),
    (["konsekvens", "--targets", ""], "behöver minst ett delmål", "needs at least one target"),
    (["konsekvens", "--targets", "7.2", "--matrix", "m", "--matrices-dir", "."], "inte båda", "not both"),
    (["konsekvens", "--targets", "7.2", "--matrices-dir", "."], "behöver --kommun", "needs --kommun"),
    (["report", "--kommun", "Habo", "--format", "odt"], "okänt format 'odt'", "unknown format 'odt'"),
    (["report", "--kommun", "Habo", "--jobs", "0"], "--jobs ska vara 1 eller mer", "--jobs must be 1 or more"),
    (["report", "--kommun", "Habo", "--matrices-dir", "no/such"], "mappen no/such finns inte", "no such folder"),
    (["robustness", "synthetic_respondents", "--samples", "0"], "--samples ska vara", "--samples must be"),
])
def test_errors_are_one_line_in_the_language(argv, sv, en, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    for lang, needle, prefix in (("sv", sv, "fel: "), ("en", en, "error: ")):
        assert main([*argv, "--lang", lang] if lang == "en" else argv) == 2
        err = capsys.readouterr().err
        assert err.startswith(prefix) and needle in err, err
        assert err.count("\n") == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []


def test_translate_argparse_keeps_an_unknown_message():
    assert translate_argparse("something new", "sv") == "something new"
    assert translate_argparse("argument --by: invalid choice: 'x' (choose from 'even', 'rows')", "sv") == (
        "--by: ogiltigt val 'x' (välj bland 'even', 'rows')")


def test_the_node_word_is_delmal_for_targets_and_neutral_otherwise():
    assert node_word(["7.2", "13.2"], "sv") == "delmål" and node_word(["7.2"], "en") == "targets"
    assert node_word(["MN-1", "MN-2"], "sv") == "mål" and node_word(["7.2", "MKM-1"], "en") == "goals"
    assert node_word(["not an id"], "sv") == "mål"


def test_analyse_says_delmal_for_targets_and_mal_for_other_frameworks(capsys):
    assert main(["analyse", "--top", "1"]) == 0
    assert ": 34 delmål, rangordnade" in capsys.readouterr().out
    assert main(["analyse", "mongolia2017", "--top", "1"]) == 0
    assert ": 17 mål, rangordnade" in capsys.readouterr().out
    assert main(["--lang", "en", "analyse", "--top", "1"]) == 0  # --lang before the command works too
    assert ": 34 targets, ranked" in capsys.readouterr().out


def test_report_lists_the_files_it_wrote(monkeypatch, tmp_path, capsys):
    from sdg_interactions.report import batch

    def fake_run_batch(reports, *, output_dir, formats, **_):
        written = {}
        for report in reports:
            code = report["kommun"]
            written[code] = {kind: Path(output_dir) / f"{code}.{kind}" for kind in ("ipynb", *formats)}
        return type("Result", (), {"written": written, "failed": {}})()

    monkeypatch.setattr(batch, "run_batch", fake_run_batch)
    out_dir = tmp_path / "rapporter"
    assert main(["report", "--kommun", "Habo", "--kommun", "Kalix", "--format", "html,pdf",
                 "--output-dir", str(out_dir)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-3] == f"2 rapporter skrivna till {out_dir.resolve()}:"
    assert lines[-2:] == ["  0643 Habo: 0643.ipynb, 0643.html, 0643.pdf",
                          "  2514 Kalix: 2514.ipynb, 2514.html, 2514.pdf"]
    assert main(["report", "--kommun", "Habo", "--format", "pdf", "--output-dir", str(out_dir), "--lang", "en"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2:] == [f"One report written to {out_dir.resolve()}:", "  0643 Habo: 0643.ipynb, 0643.pdf"]
