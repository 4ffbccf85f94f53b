"""A merge that never lets one bad line or one odd file block the rest (issue 19, item 5).

Each journal here is written by :class:`~sdg_interactions.io.journal.Journal` and then spoilt the way a
crash, an old version of the app, a hand edit or a hostile participant would: a NUL character in a comment,
a torn middle line, a line naming another respondent, a pair outside the plan. The merge sets that line
aside, names it (file, line, the wrong value only) and merges everything else; the participant can go on
writing to the same journal; ``workshop merge`` and ``workshop report`` succeed for everyone.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from sdg_interactions.apps import facilitator
from sdg_interactions.apps.merge import PROBLEM_KINDS, Problem, merge_folder
from sdg_interactions.apps.merge_files import UPLOAD_DEPTH, upload_files
from sdg_interactions.apps.workshop import journal_path, new_workshop
from sdg_interactions.cli import main
from sdg_interactions.io import read_matrix
from sdg_interactions.io.journal import Answer, Journal, read_journal
from sdg_interactions.report import batch

NODES = ["7.2", "11.6", "13.2", "9.4"]
#: Five answers of Anna; line 3 is the one each test spoils.
ANNA = [("7.2", "11.6", 2, "sjöar"), ("7.2", "13.2", -1, "dyrt"), ("11.6", "13.2", 3, "tredje raden"),
        ("13.2", "9.4", 0, ""), ("9.4", "7.2", 1, "sista")]


def anna_with_line_3(folder: Path, line: bytes) -> Path:
    """Anna's journal of :data:`ANNA`, its third line replaced by ``line``."""
    path = journal_path(folder, "Anna")
    with Journal(path, "Anna") as journal:
        for answer in ANNA:
            journal.record(*answer)
    lines = path.read_bytes().split(b"\n")
    lines[2] = line
    path.write_bytes(b"\n".join(lines))
    return path


def line_of(respondent: str, source: str, target: str, score, comment: str, seq: int) -> bytes:
    """A journal line as ``Journal.record`` writes it, whatever its values (json escapes a NUL as \\u0000)."""
    return Answer(respondent, source, target, score, comment, seq=seq, t="2026-12-07T10:00:00.000+00:00").to_json(
        ).encode("utf-8")


@pytest.fixture
def ws(tmp_path) -> Path:
    """Habo's workshop on 4 targets; Bo has a good journal of one answer."""
    folder = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=3)
    with Journal(journal_path(folder, "Bo"), "Bo") as bo:
        bo.record("11.6", "9.4", -2, "Bo:s svar")
    return folder


def words_of(merged) -> str:
    """Everything the merge says, in both languages and in the library's own words."""
    return "\n".join([p.message for p in merged.problems] + [p.words(lang) for p in merged.problems
                                                              for lang in ("sv", "en")])


def assert_anna_merged_without_line_3(merged) -> None:
    ds = merged.dataset
    for k, (source, target, score, comment) in enumerate(ANNA):
        cell = ds.sel(respondent="Anna", source=source, target=target)
        if k == 2:
            assert np.isnan(cell["score"].item()) and cell["comment"].item() == ""
        else:
            assert (cell["score"].item(), cell["comment"].item()) == (score, comment)
    assert int(ds["score"].sel(respondent="Anna").count()) == 4
    assert ds["score"].sel(respondent="Bo", source="11.6", target="9.4").item() == -2  # the other journal merges


@pytest.mark.parametrize(
    ("line", "reason", "detail"),
    [
        (line_of("Anna", "11.6", "13.2", 3, "tredje\x00raden", 3), "value",
         "line 3, column 'comment': the comment holds a NUL character (U+0000) at character 7: 'tredje\\x00raden'"),
        (line_of("Anna", "11.6", "13.2", 3, "\u202eeller inte", 3), "value",
         "line 3, column 'comment': the comment holds a bidi control (U+202E) at character 1: '\\u202eeller inte'"),
        (line_of("Anna", "11.6", "13.2", 3, "x" * 5000, 3), "value",
         "line 3, column 'comment': the comment is too long (5000 characters)"),
        (b'{"t": "2026-12-07T10:00:00.000+00:00", "respondent": "Anna", "source": "11.6", "tar', "not_json",
         "line 3: not a journal line (no JSON object; 83 bytes, not shown)"),
        (line_of("Bertil", "11.6", "13.2", 3, "tredje raden", 3), "respondent",
         "line 3, column 'respondent': the line names another respondent than the journal's, 'Anna': 'Bertil'"),
        (line_of("Anna", "11.6", "99.9", 3, "tredje raden", 3), "value",
         "line 3, column 'target': looks like an SDG target id but names no target: '99.9'"),
        (line_of("Anna", "11.6", "1.1", 3, "tredje raden", 3), "plan",
         "line 3: the pair 11.6 → 1.1 is not in the workshop's plan: '1.1'. Valid: a pair of the workshop's 4 targets"),
    ],
    ids=["nul", "bidi", "long", "torn", "foreign", "unknown_id", "out_of_plan"],
)
def test_a_bad_line_is_set_aside_and_named_and_the_rest_merges(ws, line, reason, detail):
    path = anna_with_line_3(ws, line)
    name = f"svar/{path.name}"
    merged = merge_folder(ws)
    (problem,) = merged.problems
    assert (problem.kind, problem.file, problem.line, problem.reason, problem.merged) == ("line", name, 3, reason,
                                                                                          True)
    assert problem.message.startswith(f"{name}, {detail}")
    assert problem.words("sv").startswith(f"{name}, rad 3: raden har lagts åt sidan (")
    assert problem.words("en").startswith(f"{name}, line 3: the line is set aside (")
    assert merged.respondents == ["Anna", "Bo"] and merged.sources["Anna"] == name
    assert_anna_merged_without_line_3(merged)
    said = words_of(merged)
    assert str(ws) not in said  # names inside the workshop folder only
    assert "sjöar" not in said and "sista" not in said and "x" * 81 not in said  # nothing else of the file


def test_the_participant_rejoins_after_a_bad_line_and_seq_goes_on(ws):
    path = anna_with_line_3(ws, line_of("Anna", "11.6", "13.2", 3, "tredje\x00raden", 3))
    spoilt = path.read_bytes()
    journal = Journal(path, "Anna")  # the scoring app opens the journal again: it works
    assert [(s.line, s.kind) for s in journal.set_aside] == [(3, "value")]
    with journal:
        assert journal.next_seq == 6
        again = journal.record("11.6", "13.2", 3, "tredje raden, nu sparad")
    assert again.seq == 6
    assert path.read_bytes() == spoilt + (again.to_json() + "\n").encode()  # the bad line stays, untouched
    seqs = [a.seq for a in read_journal(path, set_aside=[])]
    assert seqs == sorted(set(seqs)) == [1, 2, 4, 5, 6]  # strictly growing
    merged = merge_folder(ws)
    assert [(p.kind, p.line) for p in merged.problems] == [("line", 3)]
    assert merged.dataset["comment"].sel(respondent="Anna", source="11.6", target="13.2").item() == (
        "tredje raden, nu sparad")


def test_a_journal_that_is_a_link_is_named_and_never_read(ws):
    assert b"root:" in Path("/etc/passwd").read_bytes()
    link = ws / "svar" / "zz-link.jsonl"
    link.symlink_to("/etc/passwd")
    copy = ws / "svar" / "zz-copy.jsonl"  # and a journal whose bytes are not a journal at all
    copy.write_bytes(Path("/etc/passwd").read_bytes())
    merged = merge_folder(ws)
    kinds = [(p.kind, p.file, p.reason, p.merged) for p in merged.problems]
    assert ("skipped", "svar/zz-link.jsonl", "link", False) in kinds
    assert merged.problems[-1].message == ("svar/zz-link.jsonl: not read: a symbolic link (links are never "
                                           "followed). Valid: a journal file written by the scoring app.")
    assert merged.problems[-1].words("sv").startswith("svar/zz-link.jsonl lästes inte: det är en symbolisk länk")
    assert {(p.kind, p.file, p.reason) for p in merged.problems[:-1]} == {("line", "svar/zz-copy.jsonl", "not_json")}
    said = words_of(merged)
    assert "root" not in said and "/bin/" not in said and "/etc/passwd" not in said
    assert merged.respondents == ["Bo"]


def test_every_entry_of_the_uploads_folder_is_read_or_named(ws, monkeypatch):
    up = ws / "uppladdat"
    (up / "grupp" / "extra").mkdir(parents=True)
    (up / "grupp" / "cecilia.csv").write_text("respondent,source,target,score\nCecilia,7.2,13.2,1\n", "utf-8")
    (up / "grupp" / "extra" / "david.csv").write_text("respondent,source,target,score\nDavid,13.2,7.2,-3\n", "utf-8")
    deep = up / "a" / "b" / "c" / "d"
    deep.mkdir(parents=True)
    (deep / "erik.csv").write_text("respondent,source,target,score\nErik,9.4,7.2,2\n", "utf-8")
    os.mkfifo(up / "ror.csv")  # a FIFO: reading it would wait for ever
    (up / "passwd.csv").symlink_to("/etc/passwd")
    (up / "lasmig.pdf").write_bytes(b"%PDF-1.4 root:x:0:0")
    (up / "lasbar").mkdir()
    (up / "lasbar" / "frida.csv").write_text("respondent,source,target,score\nFrida,7.2,9.4,3\n", "utf-8")
    (up / ".DS_Store").write_bytes(b"\0\0\0\1Bud1")  # hidden: passed over without a word
    real_scandir = os.scandir

    def locked(place):
        if Path(place).name == "lasbar":
            raise PermissionError(13, "Permission denied")
        return real_scandir(place)

    monkeypatch.setattr(os, "scandir", locked)
    found, skipped = upload_files(ws)
    assert [p.relative_to(ws).as_posix() for p in found] == ["uppladdat/grupp/cecilia.csv",
                                                             "uppladdat/grupp/extra/david.csv"]
    assert [(s.file, s.reason) for s in skipped] == [
        ("uppladdat/a/b/c/d", "deep"), ("uppladdat/lasbar", "folder"), ("uppladdat/lasmig.pdf", "type"),
        ("uppladdat/passwd.csv", "link"), ("uppladdat/ror.csv", "special")]
    assert UPLOAD_DEPTH == 3
    merged = merge_folder(ws)
    assert merged.respondents == ["Bo", "Cecilia", "David"]
    assert merged.dataset["score"].sel(respondent="David", source="13.2", target="7.2").item() == -3
    assert merged.sources["Cecilia"] == "uppladdat/grupp/cecilia.csv"
    messages = {p.file: p.message for p in merged.problems}
    assert messages == {
        "uppladdat/a/b/c/d": "uppladdat/a/b/c/d: not read: a folder more than 3 levels down. Valid: answer files at "
                             "most 3 folders down in uppladdat/.",
        "uppladdat/lasbar": "uppladdat/lasbar: not read: the folder cannot be read (Permission denied). Valid: a "
                            "folder the merge may read.",
        "uppladdat/lasmig.pdf": "uppladdat/lasmig.pdf: not read: unknown file type '.pdf'. Valid: a long CSV "
                                "(respondent, source, target, score), a wide CSV, the Excel template (.xlsx) or "
                                "NetCDF (.nc).",
        "uppladdat/passwd.csv": "uppladdat/passwd.csv: not read: a symbolic link (links are never followed). Valid: "
                                "a long CSV (respondent, source, target, score), a wide CSV, the Excel template "
                                "(.xlsx) or NetCDF (.nc).",
        "uppladdat/ror.csv": "uppladdat/ror.csv: not read: a FIFO (named pipe), not a regular file. Valid: a long "
                             "CSV (respondent, source, target, score), a wide CSV, the Excel template (.xlsx) or "
                             "NetCDF (.nc)."}
    assert all(p.kind == "skipped" and not p.merged for p in merged.problems)
    assert {p.words("sv").split(": ", 1)[1].split(".")[0] for p in merged.problems} == {
        "mappen ligger för djupt i uppladdat/", "mappen kunde inte läsas", "okänd filtyp",
        "det är en symbolisk länk, och sådana följs aldrig", "det är ingen vanlig fil"}
    assert "root" not in words_of(merged)


def test_an_upload_that_cannot_be_read_is_named_by_its_place_in_the_folder(ws):
    (ws / "uppladdat" / "trasig.xlsx").write_bytes(b"PK\x03\x04 root:x:0:0 not a workbook")
    (problem,) = merge_folder(ws).problems
    assert (problem.kind, problem.file) == ("unreadable", "uppladdat/trasig.xlsx")
    assert problem.message.startswith("uppladdat/trasig.xlsx: ") and str(ws) not in problem.message
    assert "root" not in problem.message


def test_workshop_merge_exits_0_and_names_the_line_set_aside(ws, capsys):
    path = anna_with_line_3(ws, line_of("Anna", "11.6", "13.2", 3, "tredje\x00raden", 3))
    out = ws / "rapporter" / "svar.nc"
    assert main(["workshop", "merge", str(ws)]) == 0  # everyone's answers merged; one line named
    said = capsys.readouterr()
    assert f"svar/{path.name}, rad 3: raden har lagts åt sidan (ett värde är ogiltigt)" in said.err
    assert "`NUL`-tecken (U+0000)" in said.err and "sjöar" not in said.err
    assert "2 deltagares svar (5 bedömda par)" in said.out and "problem: 1" in said.out
    ds = read_matrix(out)
    assert ds["respondent"].values.tolist() == ["Anna", "Bo"]
    assert int(ds["score"].count()) == 5 and ds["comment"].sel(respondent="Anna", source="7.2",
                                                                target="11.6").item() == "sjöar"
    (ws / "uppladdat" / "ror.csv").unlink(missing_ok=True)
    os.mkfifo(ws / "uppladdat" / "ror.csv")
    assert main(["workshop", "merge", str(ws), "--lang", "en"]) == 1  # a file left out: named, exit 1
    assert "uppladdat/ror.csv was not read: it is not a regular file." in capsys.readouterr().err


def test_workshop_merge_with_only_bad_lines_exits_2(tmp_path, capsys):
    folder = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=2)
    path = journal_path(folder, "Anna")
    path.write_bytes(line_of("Anna", "7.2", "13.2", 1, "a\x00b", 1) + b"\n")
    assert main(["workshop", "merge", str(folder)]) == 2
    said = capsys.readouterr().err
    assert "rad 1: raden har lagts åt sidan" in said and "inga svar att slå ihop" in said


def test_workshop_report_merges_past_a_bad_line(ws, capsys, monkeypatch):
    anna_with_line_3(ws, line_of("Anna", "11.6", "13.2", 3, "tredje\x00raden", 3))
    rendered = []

    def render(reports, *, output_dir, formats, fast):  # the notebook run itself is tested elsewhere
        (report,) = reports
        rendered.append(read_matrix(report["matrix"]))
        html = Path(output_dir) / "rapport.html"
        html.write_text("<html></html>", encoding="utf-8")
        return batch.BatchResult(written={report["kommun"]: {"html": html}})

    monkeypatch.setattr(batch, "run_batch", render)
    assert main(["workshop", "report", str(ws)]) == 0
    said = capsys.readouterr()
    assert "rad 3: raden har lagts åt sidan" in said.err and "html: " in said.out
    assert len(rendered) == 2  # the politician and the förvaltning version
    ds = rendered[0]
    assert ds["respondent"].values.tolist() == ["Anna", "Bo"] and int(ds["score"].count()) == 5
    assert (ws / "rapporter" / facilitator.MERGED_FILE).exists()


def test_every_problem_kind_has_its_words_naming_the_file():
    reasons = {"line": "value", "skipped": "link"}
    for kind in PROBLEM_KINDS:
        for lang in ("sv", "en"):
            said = Problem(kind, "uppladdat/x.csv", "detail.", True, line=7, reason=reasons.get(kind, "")).words(lang)
            head, tail = said.split(" detail.")
            assert "uppladdat/x.csv" in head and tail == "" and "{" not in head
