"""The answer journal: nothing a workshop participant enters may be lost, not even in a crash."""

from __future__ import annotations

import errno
import json
import os
import queue
import random
import re
import signal
import subprocess
import sys
import textwrap
import threading
import time
import warnings
from pathlib import Path

import numpy as np
import pytest

from sdg_interactions.errors import (
    InputFormatError,
    SdgInteractionsWarning,
    UnknownIdError,
    ValidationError,
)
from sdg_interactions.io.journal import (
    FIELDS,
    MAX_COMMENT,
    Answer,
    Journal,
    SetAside,
    fold,
    journal_to_dataset,
    read_journal,
)

ROOT = Path(__file__).resolve().parents[1]


def answers_of(path) -> list[tuple]:
    return [(a.respondent, a.source, a.target, a.score, a.comment, a.uncertain, a.seq) for a in read_journal(path)]


# --- writing and reading back ----------------------------------------------------------------------


def test_round_trip_keeps_swedish_comments_marks_and_skips(tmp_path):
    path = tmp_path / "anna.jsonl"
    with Journal(path, "  Anna Öberg ") as journal:
        written = [
            journal.record("1.1", "7.2", 2, "sjöar, åar och ängar"),
            journal.record(" 7.2 ", "1.1", -3, 'the "polluter pays" rule\nsecond line', uncertain=True),
            journal.record("MKM-01", "1.a", None, "hoppar över – vet ej", uncertain=True),
            journal.record("1.a", "MKM-1", 0),
            journal.record("17.10", "17.1", 1.0, "emoji 🌍 och ß"),
        ]
    back = read_journal(path)
    assert back == written  # line numbers do not count in ==
    assert [a.line for a in back] == [1, 2, 3, 4, 5]
    assert [a.seq for a in back] == [1, 2, 3, 4, 5]
    assert back[0].respondent == "Anna Öberg"
    assert (back[1].source, back[2].source, back[4].score) == ("7.2", "MKM-1", 1)
    assert [a.uncertain for a in back] == [False, True, True, False, False]
    raw = path.read_bytes()
    assert "sjöar, åar och ängar".encode() in raw  # UTF-8 as is, not \u00e5
    assert raw.endswith(b"\n") and raw.count(b"\n") == 5  # the comment's line break is escaped
    first = json.loads(raw.split(b"\n")[0])
    assert list(first) == list(FIELDS)
    assert first["t"].endswith("+00:00") and first["score"] == 2 and first["uncertain"] is False


def test_record_opens_with_append_and_fsyncs_before_returning(tmp_path, monkeypatch):
    fcntl = pytest.importorskip("fcntl")
    journal = Journal(tmp_path / "a.jsonl", "a")
    assert fcntl.fcntl(journal._file.fileno(), fcntl.F_GETFL) & os.O_APPEND
    synced = []
    real_fsync = os.fsync

    def spy(fd):
        synced.append((fd, (tmp_path / "a.jsonl").read_bytes().count(b"\n")))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", spy)
    journal.record("1.1", "1.2", 1)
    journal.record("1.2", "1.1", 2)
    assert synced == [(journal._file.fileno(), 1), (journal._file.fileno(), 2)]  # each line written, then synced
    journal.close()
    with pytest.raises(ValidationError, match="closed"):
        journal.record("1.1", "1.2", 1)


def test_reopening_continues_seq_and_appends(tmp_path):
    path = tmp_path / "a.jsonl"
    with Journal(path, "a") as journal:
        journal.record("1.1", "1.2", 1)
        journal.record("1.2", "1.1", 2)
    before = path.read_bytes()
    with Journal(path, "a") as journal:
        assert journal.next_seq == 3
        assert journal.record("1.1", "1.3", -1).seq == 3
    assert path.read_bytes().startswith(before)
    assert [a.seq for a in read_journal(path)] == [1, 2, 3]


def test_last_answer_wins_when_folded(tmp_path):
    path = tmp_path / "a.jsonl"
    with Journal(path, "a") as journal:
        journal.record("1.1", "1.2", 2, "först")
        journal.record("1.2", "1.1", -1)
        journal.record("1.1", "1.2", 3, "ändrat", uncertain=True)
        journal.record("1.2", "1.1", None, "rensat")  # cleared: not scored, the comment stays
    folded = fold(read_journal(path))
    assert [(a.source, a.score, a.comment, a.uncertain, a.seq) for a in folded] == [
        ("1.1", 3, "ändrat", True, 3), ("1.2", None, "rensat", False, 4)]
    ds = journal_to_dataset(path)
    cell = ds.sel(respondent="a", source="1.1", target="1.2")
    assert (cell["score"].item(), cell["comment"].item(), bool(cell["uncertain"])) == (3.0, "ändrat", True)
    cleared = ds.sel(respondent="a", source="1.2", target="1.1")
    assert np.isnan(cleared["score"].item()) and cleared["comment"].item() == "rensat"


def test_journals_of_several_respondents_make_one_dataset(tmp_path):
    with Journal(tmp_path / "b.jsonl", "bertil") as b, Journal(tmp_path / "a.jsonl", "anna") as a:
        a.record("1.1", "8.10", 2, "åtta-tio")
        b.record("8.10", "1.1", -2, uncertain=True)
        b.record("1.1", "8.2", 0)
    ds = journal_to_dataset([tmp_path / "b.jsonl", tmp_path / "a.jsonl"], nodes=["MKM-1"])
    assert ds["score"].dims == ("respondent", "source", "target")
    assert ds["respondent"].values.tolist() == ["bertil", "anna"]
    assert ds["source"].values.tolist() == ["1.1", "8.2", "8.10", "MKM-1"]
    assert ds["score"].sel(respondent="anna", source="1.1", target="8.10").item() == 2.0
    assert ds["score"].sel(respondent="bertil", source="1.1", target="8.2").item() == 0.0
    assert np.isnan(ds["score"].sel(respondent="anna", source="1.1", target="8.2").item())
    assert int(ds["score"].notnull().sum()) == 3
    assert ds["comment"].sel(respondent="anna", source="1.1", target="8.10").item() == "åtta-tio"
    assert bool(ds["uncertain"].sel(respondent="bertil", source="8.10", target="1.1"))
    assert ds["source_label_sv"].sel(source="MKM-1").item()  # node metadata from the package's constructor


def test_two_journals_of_one_respondent_and_empty_journals_are_errors(tmp_path):
    for name in ("one", "two"):
        with Journal(tmp_path / f"{name}.jsonl", "anna") as journal:
            journal.record("1.1", "1.2", 1)
    with pytest.raises(ValidationError, match=r"two\.jsonl.*'anna'.*Valid: one journal per respondent"):
        journal_to_dataset([tmp_path / "one.jsonl", tmp_path / "two.jsonl"])
    Journal(tmp_path / "empty.jsonl", "bo").close()
    assert read_journal(tmp_path / "empty.jsonl") == []
    with pytest.raises(ValidationError, match="no answers"):
        journal_to_dataset(tmp_path / "empty.jsonl")
    with pytest.raises(InputFormatError, match=r"missing\.jsonl: no such journal"):
        read_journal(tmp_path / "missing.jsonl")


# --- bad input, with nothing written ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "error", "pattern"),
    [
        (("1.1", "1.2", 4), ValidationError, r"column 'score': score outside the scale: '4'\. Valid: an integer"),
        (("1.1", "1.2", -4), ValidationError, r"outside the scale: '-4'"),
        (("1.1", "1.2", 2.5), ValidationError, r"not a whole number: '2\.5'\. Valid: .*None for skipped"),
        (("1.1", "1.2", True), ValidationError, r"not a whole number: 'True'"),
        (("1.1", "1.2", "2"), ValidationError, r"not a whole number: '2'"),
        (("1.1", "1.1", 1), ValidationError, r"cannot influence itself: '1\.1'\. Valid: two different targets"),
        (("1.20", "1.1", 1), UnknownIdError, r"column 'source': .*'1\.20'\. Valid: an SDG target"),
        (("1.1", 1.2, 1), UnknownIdError, r"column 'target': target ids must be text"),
        (("1.1", "1.2", 1, 5), ValidationError, r"comment must be text: '5'"),
        (("1.1", "1.2", 1, "", "ja"), ValidationError, r"uncertain mark must be True or False: 'ja'\. Valid: True"),
        # the comment: the app cleans it at entry; the journal refuses what slipped through (a second guard)
        (("1.1", "1.2", 1, "sjöar\x00och åar"), ValidationError,
         r"column 'comment': the comment holds a NUL character \(U\+0000\) at character 6: 'sjöar\\x00och åar'\. "
         r"Valid: text of at most 2000 characters without control characters \(newline and tab are fine\)"),
        (("1.1", "1.2", 1, "ok\x1b[31m"), ValidationError, r"control character \(U\+001B\) at character 3: 'ok\\x1b"),
        (("1.1", "1.2", 1, "ok\r\n"), ValidationError, r"control character \(U\+000D\) at character 3"),
        (("1.1", "1.2", 1, "\x85next line"), ValidationError, r"control character \(U\+0085\) at character 1"),
        (("1.1", "1.2", 1, "abc\u202edcba"), ValidationError, r"bidi control \(U\+202E\) at character 4: 'abc\\u202ed"),
        (("1.1", "1.2", 1, "\u2067x"), ValidationError, r"bidi control \(U\+2067\) at character 1"),
        (("1.1", "1.2", 1, "a\u200fb"), ValidationError, r"bidi control \(U\+200F\)"),
        (("1.1", "1.2", 1, "a\u061cb"), ValidationError, r"bidi control \(U\+061C\)"),
        (("1.1", "1.2", 1, "å" * 2001), ValidationError, r"column 'comment': the comment is too long \(2001 char"),
    ],
)
def test_record_refuses_bad_answers_and_writes_nothing(tmp_path, args, error, pattern):
    path = tmp_path / "a.jsonl"
    with Journal(path, "a") as journal:
        journal.record("1.1", "1.2", 1)
        before = path.read_bytes()
        with pytest.raises(error, match=pattern):
            journal.record(*args)
        assert path.read_bytes() == before
        assert journal.record("1.2", "1.1", 1).seq == 2  # a refused answer takes no seq


def test_a_comment_of_the_longest_length_with_newlines_and_tabs_is_taken(tmp_path):
    longest = ("rad ett\n\tindrag – ÅÄÖ 🌍 " * 200)[:MAX_COMMENT]
    assert len(longest) == 2000
    with Journal(tmp_path / "a.jsonl", "a") as journal:
        journal.record("1.1", "1.2", 1, longest)
    assert read_journal(tmp_path / "a.jsonl")[0].comment == longest


def test_odd_but_valid_values_are_stored_plainly(tmp_path):
    with Journal(tmp_path / "a.jsonl", "a") as journal:
        answer = journal.record("1.1", "1.2", np.int64(-2), None, uncertain=np.bool_(True))
    assert (answer.score, answer.comment, answer.uncertain) == (-2, "", True)
    assert type(answer.score) is int and type(answer.uncertain) is bool
    assert read_journal(tmp_path / "a.jsonl") == [answer]


def test_a_comment_that_cannot_be_saved_is_refused_before_writing(tmp_path):
    with Journal(tmp_path / "a.jsonl", "a") as journal:
        with pytest.raises(ValidationError, match=r"column 'comment': .*cannot be saved.*Valid: text that is valid"):
            journal.record("1.1", "1.2", 1, "half an emoji \ud83c")
    assert (tmp_path / "a.jsonl").read_bytes() == b""


def test_one_open_journal_a_file(tmp_path):
    pytest.importorskip("fcntl")
    path = tmp_path / "a.jsonl"
    first = Journal(path, "a")
    first.record("1.1", "1.2", 1)
    with pytest.raises(ValidationError, match=r"a\.jsonl: the journal is open for writing elsewhere"):
        Journal(path, "a")
    first.close()
    with Journal(path, "a") as second:
        assert second.record("1.2", "1.1", 1).seq == 2


def test_a_journal_needs_an_existing_folder(tmp_path):
    with pytest.raises(InputFormatError, match=r"nowhere.*a\.jsonl: no such folder\. Valid: a path in an existing"):
        Journal(tmp_path / "nowhere" / "a.jsonl", "a")


def test_a_respondent_needs_a_name(tmp_path):
    with pytest.raises(ValidationError, match=r"needs a name: ' '\. Valid: a non-empty text"):
        Journal(tmp_path / "a.jsonl", " ")
    assert not (tmp_path / "a.jsonl").exists()


def test_a_journal_is_one_respondents(tmp_path):
    path = tmp_path / "anna.jsonl"
    with Journal(path, "anna") as journal:
        journal.record("1.1", "1.2", 1)
    before = path.read_bytes()
    with pytest.raises(ValidationError, match=r"anna\.jsonl, line 1, column 'respondent': .*'anna'.*'bertil'"):
        Journal(path, "bertil")
    other = Answer("bertil", "1.2", "1.1", 2, seq=2, t="2026-11-30T20:00:00.000+00:00")
    own = Answer("anna", "1.3", "1.1", -1, seq=3, t="2026-11-30T20:01:00.000+00:00")
    path.write_bytes(before + (other.to_json() + "\n" + own.to_json() + "\n").encode())
    mixed = path.read_bytes()
    aside: list[SetAside] = []
    assert [(a.line, a.respondent, a.seq) for a in read_journal(path, set_aside=aside)] == [(1, "anna", 1),
                                                                                          (3, "anna", 3)]
    assert [(s.line, s.kind, s.respondent, s.seq) for s in aside] == [(2, "respondent", "bertil", 2)]
    assert aside[0].message == (f"{path}, line 2, column 'respondent': the line names another respondent than the "
                                "journal's, 'anna': 'bertil'. Valid: one journal per respondent.")
    with pytest.raises(ValidationError, match=r"line 1, column 'respondent': .*another respondent: 'anna'"):
        Journal(path, "bertil")  # anna's journal, whatever one line says
    journal = Journal(path, "anna")  # anna can go on
    assert journal.set_aside == aside
    with journal:
        assert journal.record("1.1", "1.4", 0).seq == 4
    assert path.read_bytes().startswith(mixed)  # the foreign line stays where it was, untouched
    # a journal whose lines mostly name someone else is theirs: a stray first line does not make it anna's
    path.write_bytes(b"".join((Answer(who, "1.1", target, 1, seq=k, t="x").to_json() + "\n").encode()
                              for k, (who, target) in enumerate([("anna", "1.2"), ("bo", "1.3"), ("bo", "1.4")], 1)))
    with pytest.warns(SdgInteractionsWarning, match="line 1"):
        assert [a.respondent for a in read_journal(path)] == ["bo", "bo"]
    with pytest.raises(ValidationError, match="belongs to another respondent: 'bo'"):
        Journal(path, "anna")


# --- crashes and corruption -------------------------------------------------------------------------


def two_answers(tmp_path) -> Path:
    path = tmp_path / "anna.jsonl"
    with Journal(path, "anna") as journal:
        journal.record("1.1", "1.2", 2, "första – å")
        journal.record("1.2", "1.1", -1, uncertain=True)
    return path


@pytest.mark.parametrize("tail", [b'{"t": "2026-11-30T20:15:03.4', b'{"t": "x", "comment": "\xc3', b"\x00" * 40])
def test_torn_last_line_warns_and_is_ignored(tmp_path, tail):
    path = two_answers(tmp_path)
    expected = answers_of(path)
    path.write_bytes(path.read_bytes() + tail)
    torn = path.read_bytes()
    with pytest.warns(SdgInteractionsWarning, match=r"anna\.jsonl, line 3: torn last line ignored"):
        assert answers_of(path) == expected
    assert path.read_bytes() == torn  # reading never writes


def test_resuming_after_a_torn_line_keeps_its_bytes_aside_and_continues(tmp_path):
    path = two_answers(tmp_path)
    tail = b'{"t": "2026-11-30T20:15:03.412+00:00", "respondent": "anna", "sou'
    path.write_bytes(path.read_bytes() + tail)
    journal = Journal(path, "anna")
    assert [(s.line, s.kind) for s in journal.set_aside] == [(3, "torn")]
    with journal:
        assert journal.record("2.1", "1.1", 3, "efter kraschen").seq == 3
    assert (tmp_path / "anna.jsonl.torn").read_bytes() == tail + b"\n"  # nothing is thrown away
    assert [a[-1] for a in answers_of(path)] == [1, 2, 3]  # no warning now: the file is whole


def test_a_complete_last_line_without_line_end_counts_and_gets_one(tmp_path):
    path = two_answers(tmp_path)
    path.write_bytes(path.read_bytes()[:-1])
    assert len(read_journal(path)) == 2
    with Journal(path, "anna") as journal:
        journal.record("1.1", "1.3", 0)
    assert [a[-1] for a in answers_of(path)] == [1, 2, 3]


@pytest.mark.parametrize(
    ("line", "kind", "pattern"),
    [
        (b'{"t": "2026-11-30T20:15', "not_json", r"line 2: not a journal line \(no JSON object; 23 bytes, not shown"),
        (b"[1, 2, 3]", "not_json", r"line 2: not a journal line \(no JSON object; 9 bytes"),
        (b"\xff\xfe garbage", "not_json", r"line 2: not a journal line \(no JSON object"),
        (b'{"t": "x", "comment": "\x00\x00"}', "not_json", r"line 2: not a journal line \(it holds NUL bytes; 27 b"),
        (b'{"t": "x", "respondent": "anna"}', "format", r"line 2: missing key\(s\) source, target, score"),
        (b'{"t": "x", "respondent": "anna", "source": "1.1", "target": "1.2", "score": 4, "comment": "",'
         b' "uncertain": false, "seq": 9}', "value", r"line 2, column 'score': .*'4'\. Valid: an integer"),
        (b'{"t": "x", "respondent": "anna", "source": "1.99", "target": "1.2", "score": 1, "comment": "",'
         b' "uncertain": false, "seq": 9}', "value", r"line 2, column 'source': .*'1\.99'"),
        (b'{"t": "x", "respondent": "anna", "source": "1.1", "target": "1.2", "score": 1, "comment": "a\\u0000b",'
         b' "uncertain": false, "seq": 9}', "value", r"line 2, column 'comment': .*NUL character .*'a\\x00b'"),
        (b'{"t": "x", "respondent": "anna", "source": "1.1", "target": "1.2", "score": 1, "comment": "",'
         b' "uncertain": false, "seq": "9"}', "format", r"line 2, column 'seq': seq has the wrong type"),
    ],
)
def test_a_corrupt_middle_line_is_set_aside_by_name_and_the_rest_is_read(tmp_path, line, kind, pattern):
    path = two_answers(tmp_path)
    expected = answers_of(path)
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([lines[0], line, *lines[1:]]))
    corrupt = path.read_bytes()
    aside: list[SetAside] = []
    back = read_journal(path, set_aside=aside)
    assert [(a.respondent, a.source, a.target, a.score, a.comment, a.uncertain, a.seq) for a in back] == expected
    assert [a.line for a in back] == [1, 3]
    ((bad,),) = [aside]
    assert (bad.line, bad.kind) == (2, kind)
    assert re.search(pattern, bad.message) and bad.message.startswith(f"{path}, line 2")
    assert "Valid:" in bad.message
    assert "första" not in bad.message and "2026-11-30T20:15" not in bad.message  # nothing else of the file
    with pytest.warns(SdgInteractionsWarning, match=pattern):  # without a list: one warning a line
        assert len(read_journal(path)) == 2
    journal = Journal(path, "anna")  # the participant can go on
    assert journal.set_aside == aside
    with journal:
        new = journal.record("2.1", "1.1", 3, "efter")
    assert new.seq == (10 if b'"seq": 9' in line else 3)  # after every seq in the file, the bad line's too
    assert path.read_bytes() == corrupt + (new.to_json() + "\n").encode()  # the bad line stays, untouched
    assert not (tmp_path / "anna.jsonl.torn").exists()


def test_a_journal_that_is_no_file_is_refused_before_it_is_read(tmp_path):
    os.mkfifo(tmp_path / "fifo.jsonl")
    with pytest.raises(InputFormatError, match=r"fifo\.jsonl: this is a FIFO \(named pipe\), not a regular file"):
        read_journal(tmp_path / "fifo.jsonl")  # refused before opening: reading a FIFO would never end
    with pytest.raises(InputFormatError, match=r"^svar/x\.jsonl: this is a folder"):
        (tmp_path / "x.jsonl").mkdir()
        read_journal(tmp_path / "x.jsonl", name="svar/x.jsonl")


# --- a write that fails is undone ------------------------------------------------------------------


def test_a_failed_write_leaves_no_part_of_its_line_and_the_next_line_takes_its_seq(tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    journal = Journal(path, "a")
    journal.record("1.1", "1.2", 1, "före")
    fd, real_write, calls = journal._file.fileno(), os.write, []

    def disk_full_half_way(target, data):  # the first write of a line gets half of it out, then ENOSPC
        if target != fd:
            return real_write(target, data)
        calls.append(len(data))
        if len(calls) == 1:
            return real_write(target, bytes(data[: len(data) // 2]))
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "write", disk_full_half_way)
    with pytest.raises(OSError, match="No space left"):
        journal.record("1.2", "1.1", -2, "OSPARAT svar")
    assert len(calls) == 2 and calls[1] == calls[0] - calls[0] // 2  # half written, the rest refused
    monkeypatch.setattr(os, "write", real_write)
    assert b"OSPARAT" not in path.read_bytes() and path.read_bytes().endswith(b"\n")  # cut back at once
    assert journal.next_seq == 2
    journal.record("1.3", "1.1", 3, "efter")
    journal.close()
    assert b"OSPARAT" not in path.read_bytes()
    assert [(a.seq, a.comment) for a in read_journal(path)] == [(1, "före"), (2, "efter")]
    assert all(json.loads(line) for line in path.read_bytes().splitlines())  # whole lines only


def test_a_failed_fsync_takes_the_whole_line_back(tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    with Journal(path, "a") as journal:
        journal.record("1.1", "1.2", 1)
        real_fsync, failed = os.fsync, []

        def fsync_fails_once(fd):
            if not failed:
                failed.append(path.read_bytes().count(b"\n"))  # the line was written in full
                raise OSError(errno.EIO, "Input/output error")
            real_fsync(fd)

        monkeypatch.setattr(os, "fsync", fsync_fails_once)
        with pytest.raises(OSError, match="Input/output"):
            journal.record("1.2", "1.1", 2, "OSPARAT")
        assert failed == [2]
        assert journal.record("1.3", "1.1", 3).seq == 2
    assert [(a.seq, a.source) for a in read_journal(path)] == [(1, "1.1"), (2, "1.3")]
    assert b"OSPARAT" not in path.read_bytes()


def test_a_write_that_cannot_even_be_undone_closes_the_journal(tmp_path, monkeypatch):
    path = tmp_path / "a.jsonl"
    journal = Journal(path, "a")
    journal.record("1.1", "1.2", 1)
    fd, real_write, writes = journal._file.fileno(), os.write, []

    def ten_bytes_then_full(target, data):
        if target != fd:
            return real_write(target, data)
        writes.append(bytes(data[:10]))
        if len(writes) == 1:
            return real_write(target, writes[0])
        raise OSError(errno.ENOSPC, "No space left on device")

    def cannot_truncate(*args):
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(os, "write", ten_bytes_then_full)
    monkeypatch.setattr(os, "ftruncate", cannot_truncate)
    with pytest.raises(OSError, match="No space left"):
        journal.record("1.2", "1.1", 2, "OSPARAT")
    monkeypatch.undo()
    with pytest.raises(ValidationError, match="a failed write could not be undone, so the journal closed itself"):
        journal.record("1.3", "1.1", 3)  # nothing is appended after the 10 stray bytes
    reopened = Journal(path, "a")  # reopening sets the stray bytes aside
    assert [s.message for s in reopened.set_aside] == [f"{path}, line 2: torn last line ignored (10 bytes; a crash "
                                                       "while it was written, it was never saved)."]
    with reopened:
        assert reopened.record("1.3", "1.1", 3).seq == 2
    assert (tmp_path / "a.jsonl.torn").read_bytes() == writes[0] + b"\n"
    assert [a.seq for a in read_journal(path)] == [1, 2]


#: Writes past RLIMIT_FSIZE fail for real: the kernel writes up to the limit (a partial write), then EFBIG.
FSIZE_CHILD = textwrap.dedent("""
    import os, resource, signal, sys
    from sdg_interactions.io.journal import Journal

    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
    path = sys.argv[1]
    with Journal(path, "a") as journal:
        journal.record("1.1", "1.2", 1, "före")
        size = os.path.getsize(path)
        soft, hard = resource.getrlimit(resource.RLIMIT_FSIZE)
        resource.setrlimit(resource.RLIMIT_FSIZE, (size + 100, hard))  # room for 100 bytes of the next line
        try:
            journal.record("1.2", "1.1", -2, "OSPARAT " * 40)
        except OSError as error:
            print("failed", error.errno, os.path.getsize(path) == size)
        resource.setrlimit(resource.RLIMIT_FSIZE, (soft, hard))
        print("seq", journal.record("1.3", "1.1", 3, "efter").seq)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="needs RLIMIT_FSIZE (POSIX)")
def test_a_real_partial_write_past_the_file_size_limit_is_undone(tmp_path):
    path = tmp_path / "a.jsonl"
    done = subprocess.run([sys.executable, "-c", FSIZE_CHILD, str(path)], capture_output=True, text=True,
                          env=child_env(), timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split("\n")[:2] == [f"failed {errno.EFBIG} True", "seq 2"]
    assert b"OSPARAT" not in path.read_bytes()
    assert [(a.seq, a.comment) for a in read_journal(path)] == [(1, "före"), (2, "efter")]


# --- the crash test -----------------------------------------------------------------------------------

#: Records answers until killed; writes "ack <run> <seq>" to stdout once ``record`` has returned. The
#: answer of seq k is a function of k, so the parent knows what each acknowledged answer must hold.
CHILD = textwrap.dedent("""
    import os, sys
    from sdg_interactions.io.journal import Journal

    NODES = ["1.1", "1.2", "1.3", "1.4", "1.5", "7.2", "11.6", "MKM-1"]

    def answer(seq):
        source, target = NODES[seq % 8], NODES[(seq + 1 + seq // 8) % 8]
        if source == target:
            target = NODES[(seq + 2) % 8]
        return source, target, seq % 7 - 3 if seq % 11 else None, f"svar {seq}: åäö ÅÄÖ", seq % 3 == 0

    def say(line):  # print to stdout, unbuffered, in one system call: never split or mixed with another's
        os.write(1, (line + "\\n").encode())

    def record_until_killed(run, path):
        journal = Journal(path, "deltagare " + path.rsplit("-", 1)[-1])
        while True:
            seq = journal.record(*answer(journal.next_seq)).seq
            say(f"ack {run} {seq}")
""")
#: One fork per run from a process that imported the package once: a fresh interpreter takes ~1 s to
#: import it, too slow for 200 runs. Each fork is a real process with its own file descriptors, killed
#: with SIGKILL by the test.
SERVER = CHILD + textwrap.dedent("""
    from sdg_interactions.frameworks import check_node_id
    [check_node_id(node) for node in NODES]  # read the node tables once, before forking
    say("ready")
    for command in sys.stdin:
        run, path = command.rstrip("\\n").split("\\t")
        pid = os.fork()
        if pid == 0:
            try:
                record_until_killed(run, path)
            except BaseException:
                import traceback
                traceback.print_exc()
            finally:
                os._exit(3)  # only an exception gets here
        say(f"pid {run} {pid}")
        _, status = os.waitpid(pid, 0)
        say(f"done {run} {status}")
""")
STANDALONE = CHILD + "record_until_killed(sys.argv[1], sys.argv[2])\n"


_CHILD_NAMES: dict = {}
exec(CHILD, _CHILD_NAMES)  # the child's own answer(seq): what each seq must hold


def expected_answer(seq: int) -> tuple:
    return _CHILD_NAMES["answer"](seq)


def child_env() -> dict:
    env = dict(os.environ, OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    return env


def lines_of(stream, into: queue.Queue) -> None:
    for line in stream:
        into.put(line.rstrip("\n"))
    into.put(None)


def check_journal(path: Path, acked: set[int]) -> tuple[int, int]:
    """Assert that every acknowledged answer of ``path`` reads back as sent; return (answers, torn lines)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", SdgInteractionsWarning)
        answers = read_journal(path) if path.exists() else []
    torn = [w for w in caught if "torn last line" in str(w.message)]
    assert len(caught) == len(torn) <= 1
    seqs = [a.seq for a in answers]
    assert seqs == list(range(1, len(seqs) + 1)), path  # no gaps, no repeats, also across restarts
    assert acked <= set(seqs), f"{path}: acknowledged but lost: {sorted(acked - set(seqs))}"
    who = "deltagare " + path.name.rsplit("-", 1)[-1]
    for a in answers:
        assert (a.respondent, a.source, a.target, a.score, a.comment, a.uncertain) == (who, *expected_answer(a.seq))
    return len(answers), len(torn)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork and SIGKILL (POSIX)")
def test_every_acknowledged_answer_survives_sigkill(tmp_path):
    rng = random.Random(20261130)
    runs, standalone_runs = 200, 3
    started = time.perf_counter()
    acked: dict[Path, set[int]] = {}
    errors = open(tmp_path / "stderr.txt", "w+", encoding="utf-8")
    server = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                              stderr=errors, text=True, encoding="utf-8", env=child_env(), cwd=tmp_path)
    lines: queue.Queue = queue.Queue()
    reader = threading.Thread(target=lines_of, args=(server.stdout, lines), daemon=True)
    reader.start()

    def next_line() -> str:
        try:
            line = lines.get(timeout=20)
        except queue.Empty:
            line = None
        if line is None:
            errors.seek(0)
            pytest.fail(f"the recording process stopped answering: {errors.read()[-3000:]}")
        return line

    def take(line: str) -> None:
        kind, run, value = line.split(" ")
        if kind == "ack":
            acked[paths[int(run)]].add(int(value))

    try:
        assert next_line() == "ready"
        killed_statuses = []
        # runs 2k and 2k+1 share a journal: the second resumes after the first was killed
        paths = [tmp_path / f"journal-{k // 2}" for k in range(runs)]
        for run, path in enumerate(paths):
            acked.setdefault(path, set())
            server.stdin.write(f"{run}\t{path}\n")
            server.stdin.flush()
            while not (line := next_line()).startswith("pid "):
                take(line)
            pid = int(line.split(" ")[2])
            time.sleep(rng.uniform(0.0, 0.06))
            os.kill(pid, signal.SIGKILL)
            while not (line := next_line()).startswith("done "):
                take(line)
            killed_statuses.append(int(line.split(" ")[2]))
        server.stdin.close()
        assert server.wait(timeout=20) == 0
        errors.seek(0)
        assert all(os.WIFSIGNALED(s) and os.WTERMSIG(s) == signal.SIGKILL for s in killed_statuses), errors.read()
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        server.stdin.close()
        reader.join(timeout=20)  # it has read to the end
        server.stdout.close()
        errors.close()

    # and a few fresh interpreters, started and killed just as an app process would be
    for run in range(standalone_runs):
        path = tmp_path / f"journal-fresh{run}"
        child = subprocess.Popen([sys.executable, "-c", STANDALONE, str(run), str(path)], stdout=subprocess.PIPE,
                                 stderr=subprocess.DEVNULL, text=True, env=child_env(), cwd=tmp_path)
        acks = [child.stdout.readline() for _ in range(rng.randint(1, 5))]  # wait until it records
        time.sleep(rng.uniform(0.0, 0.05))
        child.send_signal(signal.SIGKILL)
        acks += child.stdout.readlines()
        child.stdout.close()
        assert child.wait(timeout=20) == -signal.SIGKILL
        acked[path] = {int(line.split()[2]) for line in acks if line.startswith("ack ")}

    totals = [check_journal(path, seqs) for path, seqs in acked.items()]
    n_acked = sum(len(seqs) for seqs in acked.values())
    print(f"{runs + standalone_runs} kills, {n_acked} acknowledged answers, {sum(t for _, t in totals)} torn lines, "
          f"{time.perf_counter() - started:.1f} s")
    assert n_acked >= runs  # the runs did record, not only die
    assert sum(n for n, _ in totals) >= n_acked
