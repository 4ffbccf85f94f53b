"""The package's one lock: an exclusive, cross-process lock on a file or a folder, on every OS.

A :class:`Lock` on ``path`` locks a small lock file beside it (:func:`lock_file`): ``.<name>.lock`` in the
same folder for a file (``svar/anna.jsonl`` -> ``svar/.anna.jsonl.lock``), ``<folder>/.lock`` for a folder.
The lock file is hidden and empty, and a journal's glob (``*.jsonl``) or a merge never reads it. The locking
itself is :mod:`filelock`'s (``flock`` on POSIX, ``msvcrt.locking`` on Windows), so:

* a second holder is refused at once (:class:`BlockingIOError`), or waits with ``wait=True``; a second
  :class:`Lock` on the same path in the same process is a second holder too;
* the OS releases the lock with the process, also when it is killed (SIGKILL, a crash): a lock file left
  behind is no lock;
* :func:`held_elsewhere` asks, without waiting and without creating a lock file, whether someone holds it.

Users: one open :class:`~sdg_interactions.io.journal.Journal` a file, one report batch an output folder
(:func:`~sdg_interactions.report.batch.folder_lock`), one change of a workshop's links at a time
(:mod:`sdg_interactions.apps.links`), and the probe whether a participant's page is open
(:func:`~sdg_interactions.apps.claims.journal_open`).
"""

from __future__ import annotations

import errno
import os
from pathlib import Path

from filelock import FileLock, Timeout

__all__ = ["Lock", "held_elsewhere", "lock_file"]


def lock_file(path: str | os.PathLike) -> Path:
    """The lock file of ``path``: ``<folder>/.lock`` for an existing folder, else ``.<name>.lock`` beside it.

    Examples
    --------
    >>> lock_file("svar/anna.jsonl").as_posix()
    'svar/.anna.jsonl.lock'
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> lock_file(folder) == folder / ".lock"
    True
    """
    path = Path(path)
    return path / ".lock" if path.is_dir() else path.with_name(f".{path.name}.lock")


class Lock:
    """An exclusive lock on ``path`` (a file or a folder), held from :meth:`acquire` until :meth:`release`.

    Parameters
    ----------
    path : str or path-like
        What is locked; the lock file is :func:`lock_file` of it, created on the first :meth:`acquire`.
    wait : bool, default False
        Wait until the lock is free instead of refusing at once.

    Examples
    --------
    >>> import tempfile
    >>> journal = Path(tempfile.mkdtemp()) / "anna.jsonl"
    >>> first = Lock(journal).acquire()
    >>> held_elsewhere(journal)
    True
    >>> Lock(journal).acquire()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    BlockingIOError: [Errno ...] held elsewhere: '...anna.jsonl.lock'
    >>> first.release()
    >>> with Lock(journal) as second:  # free again
    ...     second.held
    True
    """

    def __init__(self, path: str | os.PathLike, *, wait: bool = False) -> None:
        self.path = Path(path)
        self.file = lock_file(self.path)
        # not thread-local: a journal opened in one thread may be closed in another
        self._lock = FileLock(self.file, timeout=-1 if wait else 0, thread_local=False)

    @property
    def held(self) -> bool:
        """Whether this :class:`Lock` holds the lock now."""
        return self._lock.is_locked

    def acquire(self) -> Lock:
        """Take the lock (waiting only if made with ``wait=True``); return self.

        Raises
        ------
        BlockingIOError
            Someone else (another process, or another :class:`Lock` here) holds it.
        OSError
            The lock file could not be made: no such folder (:class:`FileNotFoundError`; a missing folder is
            never created), no permission.
        """
        if not self.file.parent.is_dir():  # filelock would make it: a mistyped path must not become a folder
            raise FileNotFoundError(errno.ENOENT, "no such folder", os.fspath(self.file.parent))
        try:
            self._lock.acquire()
        except Timeout:
            raise BlockingIOError(errno.EAGAIN, "held elsewhere", os.fspath(self.file)) from None
        return self

    def release(self) -> None:
        """Let the lock go (nothing happens if it is not held); the lock file stays, unlocked."""
        if self._lock.is_locked:
            self._lock.release(force=True)

    def __enter__(self) -> Lock:
        return self.acquire()

    def __exit__(self, *exc: object) -> None:
        self.release()

    def __repr__(self) -> str:
        return f"Lock({os.fspath(self.path)!r}, held={self.held})"


def held_elsewhere(path: str | os.PathLike) -> bool:
    """True while someone holds the lock on ``path`` (another process, or another :class:`Lock` here).

    Never waits and never creates a lock file: with no lock file, nobody has ever locked ``path``.
    """
    if not lock_file(path).exists():
        return False
    probe = Lock(path)
    try:
        probe.acquire()
    except BlockingIOError:
        return True
    probe.release()
    return False
