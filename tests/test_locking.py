"""The one lock (``sdg_interactions.locking``): exclusive across processes, gone with a killed holder, probed
without side effects."""

from __future__ import annotations

import subprocess
import sys
import threading

import pytest

from sdg_interactions.locking import Lock, held_elsewhere, lock_file

HOLDER = """
import sys
from sdg_interactions.locking import Lock
lock = Lock(sys.argv[1]).acquire()
print("held", flush=True)
sys.stdin.readline()  # hold it until told to let go (or killed)
lock.release()
print("released", flush=True)
sys.stdin.readline()
"""

TAKER = """
import sys
from sdg_interactions.locking import Lock, held_elsewhere
probe = held_elsewhere(sys.argv[1])
try:
    Lock(sys.argv[1]).acquire()
except BlockingIOError:
    print(probe, "refused")
else:
    print(probe, "taken")
"""


@pytest.fixture
def holder():
    """Start a process that takes the lock on a path; yield a function that starts it and returns it."""
    started = []

    def start(path):
        process = subprocess.Popen([sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE,
                                   stdout=subprocess.PIPE, text=True)
        started.append(process)
        assert process.stdout.readline().strip() == "held"
        return process

    yield start
    for process in started:
        process.kill()
        process.wait()


def _take_in_another_process(path) -> str:
    return subprocess.run([sys.executable, "-c", TAKER, str(path)], capture_output=True, text=True,
                          check=True).stdout.strip()


def test_a_second_process_cannot_take_the_lock_the_first_holds(tmp_path, holder):
    journal = tmp_path / "anna.jsonl"
    first = holder(journal)
    assert held_elsewhere(journal)
    with pytest.raises(BlockingIOError, match=r"held elsewhere"):
        Lock(journal).acquire()
    assert _take_in_another_process(journal) == "True refused"
    first.stdin.write("\n")
    first.stdin.flush()
    assert first.stdout.readline().strip() == "released"
    assert not held_elsewhere(journal)
    with Lock(journal) as mine:
        assert mine.held
        assert _take_in_another_process(journal) == "True refused"  # and the other way round
    assert _take_in_another_process(journal) == "False taken"


def test_a_killed_holder_leaves_the_lock_free(tmp_path, holder):
    first = holder(tmp_path)  # a folder: the lock file is <folder>/.lock
    assert held_elsewhere(tmp_path)
    first.kill()  # SIGKILL on POSIX, TerminateProcess on Windows: no clean-up runs
    first.wait()
    assert (tmp_path / ".lock").exists()  # left behind, but no lock
    assert not held_elsewhere(tmp_path)
    with Lock(tmp_path) as mine:
        assert mine.held


def test_two_locks_in_one_process_exclude_each_other_and_release_is_idempotent(tmp_path):
    path = tmp_path / "lankar.json"
    first = Lock(path).acquire()
    second = Lock(path)
    with pytest.raises(BlockingIOError):
        second.acquire()
    assert held_elsewhere(path) and not second.held
    first.release()
    first.release()  # nothing held: nothing happens
    assert not held_elsewhere(path)
    with second:
        assert second.held and held_elsewhere(path)
    assert not second.held


def test_a_waiting_lock_gets_it_once_the_holder_lets_go(tmp_path):
    path = tmp_path / "lankar.json"
    first = Lock(path).acquire()
    got = []
    waiter = threading.Thread(target=lambda: got.append(Lock(path, wait=True).acquire()))
    waiter.start()
    waiter.join(0.2)
    assert got == []  # still waiting
    first.release()
    waiter.join(30)
    assert len(got) == 1 and got[0].held
    got[0].release()


def test_a_lock_released_in_another_thread_is_released(tmp_path):
    path = tmp_path / "anna.jsonl"
    lock = Lock(path).acquire()  # a journal opened on one thread, closed on another
    releaser = threading.Thread(target=lock.release)
    releaser.start()
    releaser.join()
    assert not held_elsewhere(path)


def test_the_probe_creates_no_lock_file_and_lock_files_are_hidden(tmp_path):
    journal = tmp_path / "svar" / "anna.jsonl"
    journal.parent.mkdir()
    assert not held_elsewhere(journal)
    assert list(journal.parent.iterdir()) == []
    assert lock_file(journal) == journal.parent / ".anna.jsonl.lock"
    assert lock_file(tmp_path) == tmp_path / ".lock"
    with Lock(journal):
        pass
    assert [p.name for p in journal.parent.iterdir()] == [".anna.jsonl.lock"]
    assert sorted(journal.parent.glob("*.jsonl")) == []  # a journal glob never sees it


def test_a_lock_in_a_missing_folder_is_refused_and_makes_no_folder(tmp_path):
    with pytest.raises(FileNotFoundError, match="no such folder"):
        Lock(tmp_path / "nowhere" / "a.jsonl").acquire()
    assert not (tmp_path / "nowhere").exists()
    assert not held_elsewhere(tmp_path / "nowhere" / "a.jsonl")
