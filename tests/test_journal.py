"""The answer journal: nothing a workshop participant enters may be lost, not even in a crash."""

from __future__ import annotations

import json
import os
import queue
import random
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
from sdg_interactions.io.journal import FIELDS, Answer, Journal, fold, journal_to_dataset, read_journal

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
        (("1.1", "1.1", 1), ValidationError, r"cannot influence itself: '1\.1'\. Valid: two different nodes"),
        (("1.20", "1.1", 1), UnknownIdError, r"column 'source': .*'1\.20'\. Valid: an SDG target"),
        (("1.1", 1.2, 1), UnknownIdError, r"column 'target': node ids must be text"),
        (("1.1", "1.2", 1, 5), ValidationError, r"comment must be text: '5'"),
        (("1.1", "1.2", 1, "", "ja"), ValidationError, r"uncertain mark must be True or False: 'ja'\. Valid: True"),
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
    path.write_bytes(before + (other.to_json() + "\n").encode())
    mixed = path.read_bytes()
    with pytest.raises(InputFormatError, match=r"line 2, column 'respondent': .*line 1 names 'anna'.*'bertil'"):
        read_journal(path)
    with pytest.raises(InputFormatError, match="line 2"):
        Journal(path, "anna")
    assert path.read_bytes() == mixed


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
    with pytest.warns(SdgInteractionsWarning, match="torn last line"):
        journal = Journal(path, "anna")
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
    ("line", "error", "pattern"),
    [
        (b'{"t": "2026-11-30T20:15', InputFormatError, r"line 2: not a journal line \(no JSON object\)"),
        (b"[1, 2, 3]", InputFormatError, r"line 2: not a journal line"),
        (b"\xff\xfe garbage", InputFormatError, r"line 2: not a journal line"),
        (b'{"t": "x", "respondent": "anna"}', InputFormatError, r"line 2: missing key\(s\) source, target, score"),
        (b'{"t": "x", "respondent": "anna", "source": "1.1", "target": "1.2", "score": 4, "comment": "",'
         b' "uncertain": false, "seq": 9}', ValidationError, r"line 2, column 'score': .*'4'\. Valid: an integer"),
        (b'{"t": "x", "respondent": "anna", "source": "1.99", "target": "1.2", "score": 1, "comment": "",'
         b' "uncertain": false, "seq": 9}', UnknownIdError, r"line 2, column 'source': .*'1\.99'"),
        (b'{"t": "x", "respondent": "anna", "source": "1.1", "target": "1.2", "score": 1, "comment": "",'
         b' "uncertain": false, "seq": "9"}', InputFormatError, r"line 2, column 'seq': seq has the wrong type"),
    ],
)
def test_a_corrupt_middle_line_raises_naming_it_and_leaves_the_file_alone(tmp_path, line, error, pattern):
    path = two_answers(tmp_path)
    lines = path.read_bytes().split(b"\n")
    path.write_bytes(b"\n".join([lines[0], line, *lines[1:]]))
    corrupt = path.read_bytes()
    with pytest.raises(error, match=pattern) as info:
        read_journal(path)
    assert "anna.jsonl" in str(info.value) and "Valid:" in str(info.value)
    with pytest.raises(error, match=pattern):
        Journal(path, "anna")  # no appending after a line one cannot read
    assert path.read_bytes() == corrupt
    assert not (tmp_path / "anna.jsonl.torn").exists()


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
    assert time.perf_counter() - started < 60
