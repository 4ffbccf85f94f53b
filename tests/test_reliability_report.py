"""Faults during a report batch (issue 12): whole files only, no stale files, one batch per folder, no orphan
processes after SIGKILL or SIGTERM; the command line's last-resort handler and its text guards."""

import json
import os
import re
import signal
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import pytest

from sdg_interactions.cli import _safety
from sdg_interactions.errors import ReportError, ValidationError
from sdg_interactions.report import batch
from sdg_interactions.report.parameters import find_matrices, find_matrix
from sdg_interactions.textfile import pending_files, replacing

# --- whole files, stale files, one batch per folder -----------------------------------------------------


def test_a_failing_writer_leaves_no_file_under_the_final_name(tmp_path):
    target = tmp_path / "r.html"
    with pytest.raises(RuntimeError), replacing(target) as temporary:
        temporary.write_text("<p>half")
        raise RuntimeError("killed")
    assert list(tmp_path.iterdir()) == [] and pending_files() == []


def test_report_writers_write_whole_files(tmp_path):
    from sdg_interactions.report.document import Document, Paragraph
    from sdg_interactions.report.writers import write

    doc = Document("T", "sv", [Paragraph("hej")])
    for suffix in ("html", "docx", "md"):
        written = write(doc, tmp_path / f"r.{suffix}")
        assert written == tmp_path / f"r.{suffix}" and written.stat().st_size > 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.docx", "r.html", "r.md"]


def test_a_second_batch_into_the_same_folder_is_refused(tmp_path):
    with batch.folder_lock(tmp_path, "en"):
        with pytest.raises(ReportError, match="another report run is writing into this folder"):
            batch.run_batch([{"kommun": "Håbo", "lang": "en"}], output_dir=tmp_path, formats=("html",))
    with batch.folder_lock(tmp_path):  # released again
        pass


def test_a_failed_rerun_removes_the_last_runs_files(tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    stale = {suffix: out / f"0305_habo.{suffix}" for suffix in ("ipynb", "html", "pdf", "docx")}
    for path in stale.values():
        path.write_text("last run")
    bad = tmp_path / "bad.csv"
    bad.write_text("source,target,score\n1.1,1.2,9\n")
    result = batch.run_batch([{"kommun": "Håbo", "matrix": str(bad)}], output_dir=out, formats=("html", "pdf"),
                             fast=False)
    assert "0305" in result.failed and "9" in result.failed["0305"]
    assert [p.name for p in out.iterdir() if not p.name.startswith(".")] == []


# --- --matrices-dir -----------------------------------------------------------------------------------------


def test_matrices_dir_matches_any_case_and_names_unusable_files(tmp_path):
    good = "source,target,score\n1.1,1.2,1\n"
    (tmp_path / "0305.CSV").write_text(good)
    (tmp_path / "0180.xls").write_bytes(b"\xd0\xcf\x11\xe0")
    (tmp_path / "1499.csv").symlink_to(tmp_path / "nowhere.csv")
    (tmp_path / "2580_lulea.Xlsx").write_bytes(b"PK")
    choice = find_matrices(["0305", "0180", "1499", "2580", "0114"], matrices_dir=tmp_path, lang="en")
    assert choice.own == ["0305", "2580"]
    assert choice.paths["0305"] == str((tmp_path / "0305.CSV").resolve())
    assert choice.paths["0180"] == choice.paths["1499"] == choice.paths["0114"] == "weitz2018_sweden"
    reasons = {Path(f).name: r for f, r in choice.unusable}
    assert reasons == {"0180.xls": "unknown file type .xls (valid: .csv, .xlsx, .nc)",
                       "1499.csv": "a link to a file that does not exist"}
    lines = choice.lines("en", matrices_dir=tmp_path, matrix="weitz2018_sweden")
    assert lines[0].startswith("warning: ") and "0180.xls" in lines[0]
    assert "2 of 5 kommuner (0305, 2580)" in lines[2]
    assert lines[3].startswith("Files in the matrix folder that could not be used: 2")
    assert find_matrix("0305", matrices_dir=tmp_path) == choice.paths["0305"]


# --- the command line's guards ------------------------------------------------------------------------------


def test_printable_strips_escapes_and_control_characters():
    hostile = "bra\x1b[2J\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07 idé\u202etxt.exe\x9b31m\r\nrad två\x00"
    assert _safety.printable(hostile) == "bra idétxt.exe rad två"


def test_output_that_is_an_input_is_refused(tmp_path):
    matrix = tmp_path / "m.csv"
    matrix.write_text("source,target,score\n1.1,1.2,1\n")
    (tmp_path / "link.csv").symlink_to(matrix)
    for out in (matrix, tmp_path / "link.csv", tmp_path / "." / "m.csv"):
        with pytest.raises(ValidationError, match="overwrite an input"):
            _safety.refuse_overwriting_input(out, ["weitz2018_sweden", str(matrix)])
    _safety.refuse_overwriting_input(tmp_path / "out.csv", [str(matrix)])


# --- killed batches -----------------------------------------------------------------------------------------

RUNNER = textwrap.dedent("""
    import sys
    from sdg_interactions.cli import _safety, main
    _safety.install_signal_handlers("en")
    sys.exit(main(sys.argv[1:]))
""")


def _marked(mark: str) -> list[int]:
    """Every living process whose environment carries ``mark`` (what the run started, whoever adopted it)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                if mark.encode() in Path(f"/proc/{entry}/environ").read_bytes():
                    state = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[-1].split()[0]
                    if state != b"Z":
                        found.append(int(entry))
            except OSError:
                continue
    return found


def _complete(path: Path) -> bool:
    data = path.read_bytes()
    if path.suffix == ".html":
        return data.rstrip().endswith(b"</html>")
    if path.suffix == ".pdf":
        return data.startswith(b"%PDF") and b"%%EOF" in data[-64:]
    if path.suffix == ".ipynb":
        return bool(json.loads(data)["cells"])
    if path.suffix == ".docx":
        return zipfile.ZipFile(path).testzip() is None
    return False


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="walks /proc")
@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGTERM])
def test_a_killed_batch_leaves_whole_files_and_no_processes(tmp_path, how):
    out = tmp_path / "out"
    out.mkdir()
    mark = f"SDG_TEST_RUN={os.getpid()}_{how}_{time.time_ns()}"
    env = {**os.environ, mark.split("=")[0]: mark.split("=")[1]}
    run = subprocess.Popen([sys.executable, "-c", RUNNER, "report", "--kommun", "Håbo", "--kommun", "Luleå",
                            "--kommun", "Umeå", "--jobs", "2", "--output-dir", str(out), "--lang", "en"],
                           env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + 240
    while not [p for p in out.iterdir() if not p.name.startswith(".")] and run.poll() is None:
        assert time.monotonic() < deadline, "no report file appeared"
        time.sleep(0.01)
    assert len(_marked(mark)) >= 2, "the kernels should be running"  # the command and its kernels
    os.kill(run.pid, how)
    _, err = run.communicate(timeout=30)
    finals = [p for p in out.iterdir() if not p.name.startswith(".")]
    assert finals and all(_complete(p) for p in finals), [(p.name, p.stat().st_size) for p in finals]
    time.sleep(3)
    assert _marked(mark) == [], "processes started by the run are still alive"
    if how == signal.SIGTERM:
        assert run.returncode == 128 + signal.SIGTERM
        lines = [line for line in re.split(r"[\r\n]+", err.decode()) if "error" in line]
        assert len(lines) == 1 and "stopped (SIGTERM)" in lines[0], err
        assert [p for p in out.iterdir() if ".part" in p.name] == []


# --- the command line's own guards (sdg_interactions.cli.main) ---------------------------------------


def test_cli_refuses_to_overwrite_its_input(tmp_path, capsys):
    from sdg_interactions.cli import main

    m = tmp_path / "m.csv"
    m.write_text("source,target,score\n7.2,13.2,2\n13.2,7.2,1\n", encoding="utf-8")
    assert main(["analyse", str(m), "--out", str(m), "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert "overwrite an input" in err and len(err.strip().splitlines()) == 1
    assert m.read_text(encoding="utf-8").startswith("source,target,score")


def test_cli_last_resort_is_one_line_and_debug_shows_the_traceback(monkeypatch, capsys):
    import sdg_interactions.analysis as analysis
    from sdg_interactions.cli import main

    def broken(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(analysis, "analysis_table", broken)
    assert main(["analyse", "--lang", "en"]) == 2
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "--debug" in err and "Traceback" not in err
    assert main(["analyse", "--lang", "en", "--debug"]) == 2
    assert "Traceback" in capsys.readouterr().err


def test_cli_strips_terminal_escapes_from_comments(tmp_path, capsys):
    from sdg_interactions.cli import main

    m = tmp_path / "m.csv"
    m.write_text("source,target,score,comment\n7.2,6.6,-2,\"\x1b]0;owned\x07dammar\"\n6.6,7.2,1,\n", encoding="utf-8")
    assert main(["scenario", str(m), "--priorities", "7.2", "--lang", "en"]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out and "dammar" in out


def test_cli_report_names_unusable_files_in_the_matrices_dir(tmp_path, capsys):
    from sdg_interactions.cli import main

    folder = tmp_path / "matriser"
    folder.mkdir()
    (folder / "0180.xls").write_bytes(b"old excel")
    (folder / "1499.csv").symlink_to(folder / "borta.csv")  # dangling
    code = main(["report", "--kommun", "0180", "--matrices-dir", str(folder), "--format", "html",
                 "--output-dir", str(tmp_path / "ut"), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 0
    assert "0180.xls is not used" in err  # a warning line for each unusable file of the kommuner asked for
    assert "Files in the matrix folder that could not be used: 1" in err
