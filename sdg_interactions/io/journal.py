"""The answer journal of one workshop respondent: every answer on disk before the app says "saved".

Nothing a participant enters may ever be lost, so a workshop app does not keep answers in memory and
write a matrix at the end: it appends each answer to the respondent's own **journal**, a JSON-lines
file (UTF-8, one object a line, ``\\n`` line ends)::

    {"t": "2026-11-30T20:15:03.412+00:00", "respondent": "anna", "source": "1.1", "target": "7.2",
     "score": 2, "comment": "sjöar och åar", "uncertain": false, "seq": 1}

* :class:`Journal` opens the file with ``O_APPEND`` and :meth:`Journal.record` validates an answer,
  appends its line and ``fsync``\\ s before it returns: once it returns, the answer survives a crash of
  the app or of the machine. A write that fails (a full disk, a partial write) is undone before the
  error is raised: the file is cut back to its length before the line, so no part of an answer the app
  called unsaved can turn up later, and ``seq`` strictly grows over the file. Lines are never
  rewritten; a changed answer is a new line, and ``score = None`` records "skipped / cleared". Reopening
  an existing journal continues its ``seq``; while a :class:`Journal` is open it holds the lock on the file
  (:class:`~sdg_interactions.locking.Lock`: ``.<name>.lock`` beside it, on every OS), so no second writer
  can share it.
* :func:`read_journal` (from :mod:`~sdg_interactions.io.journal_lines`, with :class:`Answer`,
  :class:`SetAside`, :func:`check_comment` and :func:`fold`) reads the lines back without ever writing
  to the file. **One bad line never hides the others**: a line that is no JSON object, lacks a key,
  holds a value that breaks the data model (a score of 4, an unknown id, a comment with a NUL character)
  or names another respondent is *set aside* (named with its line and the wrong value only) and the rest
  is read; so is a *torn last line* a crash left mid-write (it was never acknowledged). A journal with
  bad lines can be reopened: they stay in the file untouched.
* :func:`fold` keeps the last answer to each pair, and :func:`journal_to_dataset` turns the journals
  of several respondents (one file each) into the matrix Dataset through
  :func:`~sdg_interactions.matrix.from_long`.

A journal belongs to one respondent (the one most of its lines name, the first of them on a tie): a line
naming another respondent is set aside; the same respondent in two journals is an error.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import xarray as xr

from sdg_interactions.errors import InputFormatError, ValidationError, locate, tr
from sdg_interactions.io.journal_lines import (
    FIELDS,
    MAX_COMMENT,
    MAX_JOURNAL_BYTES,
    VALID_COMMENT,
    VALID_SCORE,
    Answer,
    SetAside,
    _check_answer,
    _check_respondent,
    _parse_line,
    check_comment,
    fold,
    read_journal,
)
from sdg_interactions.locking import Lock
from sdg_interactions.matrix import from_long
from sdg_interactions.textfile import sync_folder

#: A journal's file mode: its owner reads and writes it, no one else reads it (answers and comments are personal).
PRIVATE_MODE = 0o600

__all__ = ["FIELDS", "MAX_COMMENT", "MAX_JOURNAL_BYTES", "PRIVATE_MODE", "VALID_COMMENT", "VALID_SCORE", "Answer",
           "Journal", "SetAside", "check_comment", "fold", "journal_to_dataset", "read_journal"]


class Journal:
    """The append-only answer journal of one respondent.

    Parameters
    ----------
    path : str or path-like
        The journal file, created if missing, with mode 0600 (:data:`PRIVATE_MODE`: its owner's only; an
        existing journal with a wider mode is narrowed to it). An existing journal is read first (see
        :func:`read_journal`): it must be this respondent's, and its ``seq`` is continued after the
        highest ``seq`` in the file (a set-aside line's too, where it can be read). Bad lines stay in the
        file untouched and are listed in :attr:`set_aside` (not issued as warnings: the app's participant
        has nothing to do about them; the facilitator's merge names each), so a participant whose journal
        holds one can go on. A torn last line (left by a crash mid-write, never acknowledged) is moved to
        ``<path>.torn`` and cut off, so the next line starts on a line of its own; a complete last line
        without a line end gets one.
    respondent : str
        Who answers; every line names them.

    Attributes
    ----------
    next_seq : int
        The ``seq`` the next recorded line gets.
    set_aside : list of SetAside
        The lines of the file :func:`read_journal` set aside when it was opened.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "anna.jsonl"
    >>> with Journal(path, "anna") as journal:
    ...     journal.record("1.1", "7.2", 2, "sjöar och åar").seq
    ...     journal.record("7.2", "1.1", None, uncertain=True).seq
    1
    2
    >>> with Journal(path, "anna") as again:  # reopened: seq goes on
    ...     again.next_seq
    3
    >>> Journal(path, "bertil")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: ...anna.jsonl, line 1, column 'respondent': the journal belongs to another respondent: 'anna'. Valid: the journal of 'bertil', or a file of its own for 'bertil'.
    """  # noqa: E501

    def __init__(self, path: str | os.PathLike, respondent: str) -> None:
        self.path = Path(path)
        self.respondent = _check_respondent(respondent)
        if not self.path.parent.is_dir():
            raise InputFormatError(locate(tr("error.journal.no_folder"), file=os.fspath(self.path),
                                          valid=tr("error.journal.valid_folder")))
        self._lock = _lock(self.path)
        try:
            created = not self.path.exists()
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0),
                         PRIVATE_MODE)
        except BaseException:
            self._lock.release()
            raise
        self._file = os.fdopen(fd, "ab", buffering=0)  # unbuffered: nothing of a failed line lingers in a buffer
        _make_private(fd)
        self._broken = False
        try:
            if created:
                sync_folder(self.path.parent)
            aside: list[SetAside] = []
            answers = read_journal(self.path, set_aside=aside)
            named = [(a.respondent, a.line) for a in answers] or [(s.respondent, s.line) for s in aside if s.respondent]
            if named and named[0][0] != self.respondent:
                raise ValidationError(locate(
                    tr("error.data.journal.other_owner"), file=tr("error.data.at_line", file=str(self.path),
                                                                  line=named[0][1]),
                    column="respondent", value=named[0][0],
                    valid=tr("error.data.journal.valid_owner", who=repr(self.respondent))))
            self.set_aside = aside
            seqs = [a.seq for a in answers] + [s.seq for s in aside if s.seq is not None]
            self.next_seq = max(seqs, default=0) + 1
            self._repair_tail()
        except BaseException:
            self.close()
            raise

    def _repair_tail(self) -> None:
        """Make the file end with a line end, keeping any torn bytes in ``<path>.torn``."""
        with open(self.path, "rb") as handle:
            data = handle.read()
        if not data or data.endswith(b"\n"):
            return
        start = data.rfind(b"\n") + 1
        if _parse_line(data[start:]) is None:  # torn: keep its bytes aside (the owner's only), then cut them off
            torn = os.open(self.path.with_name(self.path.name + ".torn"), os.O_WRONLY | os.O_APPEND | os.O_CREAT,
                           PRIVATE_MODE)
            with os.fdopen(torn, "ab") as keep:
                keep.write(data[start:] + b"\n")
                keep.flush()
                os.fsync(keep.fileno())
            os.ftruncate(self._file.fileno(), start)
        else:  # complete, only the line end is missing
            self._file.write(b"\n")
            self._file.flush()
        os.fsync(self._file.fileno())

    def record(self, source: str, target: str, score: int | None, comment: str = "",
               uncertain: bool = False) -> Answer:
        """Validate an answer, append it to the journal and make it durable; return it.

        The line is written and ``fsync``-ed before this returns, so a caller may show "saved" once it
        has. ``score=None`` records a skipped or cleared pair.

        Raises
        ------
        ValidationError
            Nothing is written: a bad id, a score off the scale (:data:`VALID_SCORE`), a comment that is
            no text, longer than :data:`MAX_COMMENT` characters or holding a control or bidi character
            (:func:`check_comment`: the app cleans comments before this, the journal checks again), a
            non-bool mark; a closed journal.
        OSError
            The line could not be written or synced (a full disk, an I/O error): the file has been cut
            back to its length before the line, so no part of it is in the journal, now or later; the
            answer is unsaved and the next recorded line takes its ``seq``. Should even that cut fail, the
            journal closes itself (open it again: the torn end is set aside to ``<path>.torn``).
        """
        if self._file.closed:
            problem = tr("error.data.journal.closed_itself" if self._broken else "error.data.journal.closed")
            raise ValidationError(locate(problem, file=self.path, valid=tr("error.data.journal.valid_record")))
        values = _check_answer(source, target, score, comment, uncertain)
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        answer = Answer(self.respondent, *values, seq=self.next_seq, t=now)
        self._append((answer.to_json() + "\n").encode("utf-8"))
        self.next_seq += 1
        return answer

    def _append(self, data: bytes) -> None:
        """Append ``data`` whole and fsync it, or leave the file as it was before and raise."""
        fd = self._file.fileno()
        start = os.fstat(fd).st_size  # the end: only this (locked) writer appends
        try:
            view = memoryview(data)
            while view:
                written = os.write(fd, view)
                if written <= 0:
                    raise OSError(errno.EIO, "the line could not be written")
                view = view[written:]
            os.fsync(fd)
        except BaseException:
            self._undo(start)
            raise

    def _undo(self, start: int) -> None:
        """Cut the file back to ``start`` bytes after a failed write; close the journal if that fails too."""
        try:
            os.ftruncate(self._file.fileno(), start)
            os.fsync(self._file.fileno())
        except OSError:
            self._broken = True
            self.close()

    def close(self) -> None:
        """Close the file and let its lock go (every recorded answer is on disk already)."""
        try:
            self._file.close()
        finally:
            self._lock.release()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Journal({os.fspath(self.path)!r}, {self.respondent!r}, next_seq={self.next_seq})"


def _lock(path: Path) -> Lock:
    """Take the journal's lock (held while it is open), so two writers never share a journal (and its seq)."""
    try:
        return Lock(path).acquire()
    except BlockingIOError:
        raise ValidationError(locate(tr("error.journal.open_elsewhere"), file=os.fspath(path),
                                     valid=tr("error.journal.valid_open"))) from None


def _make_private(fd: int) -> None:
    """Narrow an open journal's mode to :data:`PRIVATE_MODE` if it is wider (a journal made before, 0644);
    a file of another owner, or a file system without modes, is left as it is."""
    try:
        if os.fstat(fd).st_mode & 0o7777 & ~PRIVATE_MODE:
            os.fchmod(fd, PRIVATE_MODE)
    except (OSError, AttributeError):  # pragma: no cover - Windows has no fchmod
        pass


def journal_to_dataset(
    paths: str | os.PathLike | Sequence[str | os.PathLike], *, nodes: Iterable[str] | None = None
) -> xr.Dataset:
    """Fold the journals of one or more respondents (one file each) into the matrix Dataset.

    Each journal's last answer to a pair wins; a skipped or cleared pair (score None) is not scored
    but keeps its comment and mark. The table goes through :func:`~sdg_interactions.matrix.from_long`,
    so the result is the package's usual Dataset: ``score``, ``comment``, ``uncertain`` on
    ``(respondent, source, target)``, respondents in the order of ``paths``. Journals without any
    answer add nobody.

    Parameters
    ----------
    paths : path or sequence of paths
        The journals.
    nodes : iterable of str, optional
        Nodes to include even if no answer names them (the workshop's nodes).

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> with Journal(folder / "anna.jsonl", "anna") as anna, Journal(folder / "bo.jsonl", "bo") as bo:
    ...     _ = anna.record("1.1", "1.2", 2, "först")
    ...     _ = bo.record("1.2", "1.1", -1, uncertain=True)
    ...     _ = anna.record("1.1", "1.2", 3, "ändrat")
    >>> ds = journal_to_dataset([folder / "anna.jsonl", folder / "bo.jsonl"])
    >>> ds["score"].dims, ds["score"].sel(respondent="anna", source="1.1", target="1.2").item()
    (('respondent', 'source', 'target'), 3.0)
    >>> ds["comment"].sel(respondent="anna", source="1.1", target="1.2").item()
    'ändrat'
    >>> bool(ds["uncertain"].sel(respondent="bo", source="1.2", target="1.1"))
    True
    """
    if isinstance(paths, (str, os.PathLike)):
        paths = [paths]
    paths = [Path(p) for p in paths]
    rows = []
    owner: dict[str, Path] = {}
    for path in paths:
        answers = fold(read_journal(path))
        if not answers:
            continue
        who = answers[0].respondent
        if who in owner:
            raise ValidationError(locate(tr("error.journal.has_journal", who=repr(who), other=owner[who]), file=path,
                                         column="respondent", value=who, valid=tr("error.journal.valid_one")))
        owner[who] = path
        rows.extend({"respondent": a.respondent, "source": a.source, "target": a.target,
                     "score": float("nan") if a.score is None else float(a.score), "comment": a.comment,
                     "uncertain": a.uncertain, "_row": a.line} for a in answers)
    if not rows:
        raise ValidationError(locate(tr("error.journal.no_answers"), file=", ".join(map(str, paths)) or None,
                                     valid=tr("error.journal.valid_answers")))
    columns = ["respondent", "source", "target", "score", "comment", "uncertain", "_row"]
    table = pd.DataFrame(rows, columns=columns)
    table["score"] = table["score"].astype(float)
    return from_long(table, file=", ".join(map(str, paths)), nodes=nodes,
                     attrs={"source_file": "; ".join(map(str, paths))})
