"""The answer journal of one workshop respondent: every answer on disk before the app says "saved".

Nothing a participant enters may ever be lost, so a workshop app does not keep answers in memory and
write a matrix at the end: it appends each answer to the respondent's own **journal**, a JSON-lines
file (UTF-8, one object a line, ``\\n`` line ends)::

    {"t": "2026-11-30T20:15:03.412+00:00", "respondent": "anna", "source": "1.1", "target": "7.2",
     "score": 2, "comment": "sjöar och åar", "uncertain": false, "seq": 1}

* :class:`Journal` opens the file with ``O_APPEND`` and :meth:`Journal.record` validates an answer,
  appends its line, flushes and ``fsync``\\ s before it returns: once it returns, the answer survives a
  crash of the app or of the machine. Lines are never rewritten; a changed answer is a new line, and
  ``score = None`` records "skipped / cleared". Reopening an existing journal continues its ``seq``;
  while a :class:`Journal` is open it holds a lock on the file (POSIX), so no second writer can share it.
* :func:`read_journal` reads the lines back without ever writing to the file. A crash in the middle
  of a write can leave a *torn last line* (no line end, not valid JSON): it was never acknowledged, so
  it is ignored with a :class:`~sdg_interactions.errors.SdgInteractionsWarning`. Any other bad line
  is an error naming the file and the line: :class:`~sdg_interactions.errors.InputFormatError` for a
  line that is not a journal line, :class:`~sdg_interactions.errors.ValidationError` for a value that
  breaks the data model (a score of 4, an unknown id).
* :func:`fold` keeps the last answer to each pair, and :func:`journal_to_dataset` turns the journals
  of several respondents (one file each) into the matrix Dataset through
  :func:`~sdg_interactions.matrix.from_long`.

A journal belongs to one respondent: a line naming another respondent is an error, and so is the same
respondent in two journals.
"""

from __future__ import annotations

import json
import numbers
import os
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.errors import InputFormatError, SdgInteractionsWarning, ValidationError, locate
from sdg_interactions.matrix import SCORE_RANGE, check_id, from_long

try:  # POSIX: one writer a journal
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None

__all__ = ["FIELDS", "VALID_SCORE", "Answer", "Journal", "fold", "journal_to_dataset", "read_journal"]

#: The keys of every journal line, in the order they are written.
FIELDS = ("t", "respondent", "source", "target", "score", "comment", "uncertain", "seq")
#: What :meth:`Journal.record` accepts as a score, in words.
VALID_SCORE = "an integer from -3 to 3 (2 or 2.0, not 2.5), or None for skipped or cleared"
_VALID_LINE = f"one JSON object a line with the keys {', '.join(FIELDS)}, as Journal.record writes them"


@dataclass(frozen=True)
class Answer:
    """One answer as the journal holds it.

    Attributes
    ----------
    respondent, source, target : str
        Who answered, and the pair: ``source`` influences ``target`` (canonical node ids).
    score : int or None
        -3 … 3; None for "skipped" or "cleared" (the pair is not scored, its comment and mark still count).
    comment : str
        Free text, "" for none.
    uncertain : bool
        The respondent marked the answer uncertain.
    seq : int
        The answer's number in its journal: 1, 2, 3, … (continued when a journal is reopened).
    t : str
        When it was recorded: ISO 8601 in UTC, to the millisecond.
    line : int
        The line of the journal it was read from (0 for an answer just recorded).
    """

    respondent: str
    source: str
    target: str
    score: int | None
    comment: str = ""
    uncertain: bool = False
    seq: int = 0
    t: str = ""
    line: int = field(default=0, compare=False, repr=False)

    def to_json(self) -> str:
        """The answer's journal line (without the line end): keys in :data:`FIELDS` order, UTF-8 as is.

        Examples
        --------
        >>> Answer("anna", "1.1", "7.2", 2, "sjöar", seq=1, t="2026-11-30T20:15:03.412+00:00").to_json()
        '{"t": "2026-11-30T20:15:03.412+00:00", "respondent": "anna", "source": "1.1", "target": "7.2", "score": 2, "comment": "sjöar", "uncertain": false, "seq": 1}'
        """  # noqa: E501
        values = asdict(self)
        return json.dumps({key: values[key] for key in FIELDS}, ensure_ascii=False)


def _check_respondent(respondent: object, **where) -> str:
    if not isinstance(respondent, str) or not respondent.strip():
        raise ValidationError(locate("a respondent needs a name", value=respondent, valid="a non-empty text",
                                     **where))
    return respondent.strip()


def _check_answer(source: object, target: object, score: object, comment: object, uncertain: object,
                  **where) -> tuple[str, str, int | None, str, bool]:
    """Check one answer's values; return them in canonical form. ``where`` locates it for messages."""
    source = check_id(source, column="source", **where)
    target = check_id(target, column="target", **where)
    if source == target:
        raise ValidationError(locate("a node cannot influence itself", value=source, column="target",
                                     valid="two different nodes", **where))
    if score is not None:
        whole = isinstance(score, numbers.Integral) or (isinstance(score, float) and score.is_integer())
        if isinstance(score, bool) or not isinstance(score, numbers.Real) or not whole:
            raise ValidationError(locate("score is not a whole number", value=score, column="score",
                                         valid=VALID_SCORE, **where))
        if not SCORE_RANGE[0] <= score <= SCORE_RANGE[1]:
            raise ValidationError(locate("score outside the scale", value=score, column="score",
                                         valid=VALID_SCORE, **where))
        score = int(score)
    if comment is None:
        comment = ""
    if not isinstance(comment, str):
        raise ValidationError(locate("a comment must be text", value=comment, column="comment",
                                     valid='a string, "" for none', **where))
    try:
        comment.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(locate("the comment holds a character that cannot be saved (a lone surrogate)",
                                     value=comment, column="comment", valid="text that is valid Unicode",
                                     **where)) from None
    if not isinstance(uncertain, (bool, np.bool_)):
        raise ValidationError(locate("the uncertain mark must be True or False", value=uncertain,
                                     column="uncertain", valid="True or False", **where))
    return source, target, score, comment, bool(uncertain)


class Journal:
    """The append-only answer journal of one respondent.

    Parameters
    ----------
    path : str or path-like
        The journal file, created if missing. An existing journal is read first (see
        :func:`read_journal`): it must be this respondent's, and its ``seq`` is continued. A torn last
        line (left by a crash mid-write, never acknowledged) is moved to ``<path>.torn`` and cut off, so
        the next line starts on a line of its own; a complete last line without a line end gets one.
    respondent : str
        Who answers; every line names them.

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
            raise InputFormatError(locate("no such folder", file=os.fspath(self.path),
                                          valid="a path in an existing folder"))
        created = not self.path.exists()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT | getattr(os, "O_BINARY", 0), 0o644)
        self._file = os.fdopen(fd, "ab")
        try:
            self._lock()
            if created:
                _sync_folder(self.path.parent)
            answers = read_journal(self.path)
            for answer in answers:
                if answer.respondent != self.respondent:
                    raise ValidationError(locate(
                        "the journal belongs to another respondent", file=f"{self.path}, line {answer.line}",
                        column="respondent", value=answer.respondent,
                        valid=f"the journal of {self.respondent!r}, or a file of its own for {self.respondent!r}"))
            self.next_seq = max((a.seq for a in answers), default=0) + 1
            self._repair_tail()
        except BaseException:
            self._file.close()
            raise

    def _lock(self) -> None:
        """Hold an exclusive lock while open, so two writers never share a journal (and its seq)."""
        if fcntl is None:  # pragma: no cover - Windows
            return
        try:
            fcntl.flock(self._file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ValidationError(locate("the journal is open for writing elsewhere", file=os.fspath(self.path),
                                         valid="one open Journal a file: close() the other first")) from None

    def _repair_tail(self) -> None:
        """Make the file end with a line end, keeping any torn bytes in ``<path>.torn``."""
        with open(self.path, "rb") as handle:
            data = handle.read()
        if not data or data.endswith(b"\n"):
            return
        start = data.rfind(b"\n") + 1
        if _parse_line(data[start:]) is None:  # torn: keep its bytes aside, then cut them off
            with open(self.path.with_name(self.path.name + ".torn"), "ab") as keep:
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

        The line is written, flushed and ``fsync``-ed before this returns, so a caller may show
        "saved" once it has. ``score=None`` records a skipped or cleared pair. Raises
        :class:`~sdg_interactions.errors.ValidationError` (and writes nothing) for a bad id, a
        score off the scale (``VALID_SCORE``), a non-text comment or a non-bool mark.
        """
        if self._file.closed:
            raise ValidationError(locate("the journal is closed", file=self.path,
                                         valid="record before close(), or open a new Journal"))
        values = _check_answer(source, target, score, comment, uncertain)
        now = datetime.now(UTC).isoformat(timespec="milliseconds")
        answer = Answer(self.respondent, *values, seq=self.next_seq, t=now)
        self._file.write((answer.to_json() + "\n").encode("utf-8"))
        self._file.flush()
        os.fsync(self._file.fileno())
        self.next_seq += 1
        return answer

    def close(self) -> None:
        """Close the file (every recorded answer is on disk already)."""
        self._file.close()

    def __enter__(self) -> Journal:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Journal({os.fspath(self.path)!r}, {self.respondent!r}, next_seq={self.next_seq})"


def _sync_folder(folder: Path) -> None:
    """fsync a folder, so a newly created file's name is durable too (POSIX; a no-op where unsupported)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _parse_line(raw: bytes) -> dict | None:
    """The JSON object a line holds, or None if it is no JSON object."""
    try:
        value = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return None
    return value if isinstance(value, dict) else None


def _answer_of(value: dict, file: str) -> Answer:
    """An :class:`Answer` from a parsed line; ``file`` names the file and line for messages."""
    missing = [key for key in FIELDS if key not in value]
    if missing:
        raise InputFormatError(locate(f"missing key(s) {', '.join(missing)}", file=file, valid=_VALID_LINE))
    for key, kind, valid in (("t", str, "an ISO 8601 time"), ("seq", int, "a whole number"),
                             ("respondent", str, "a non-empty text")):
        if not isinstance(value[key], kind) or isinstance(value[key], bool):
            raise InputFormatError(locate(f"{key} has the wrong type", file=file, column=key, value=value[key],
                                          valid=valid))
    respondent = _check_respondent(value["respondent"], file=file, column="respondent")
    values = _check_answer(value["source"], value["target"], value["score"], value["comment"],
                           value["uncertain"], file=file)
    return Answer(respondent, *values, seq=value["seq"], t=value["t"])


def read_journal(path: str | os.PathLike) -> list[Answer]:
    """Read a journal's answers, in the order they were recorded; the file is only read, never written.

    Parameters
    ----------
    path : str or path-like
        A journal written by :class:`Journal`.

    Returns
    -------
    list of Answer
        Every answer, changed ones included (:func:`fold` keeps the last to each pair); ``line`` is the
        line each was read from. Blank lines are skipped.

    Raises
    ------
    InputFormatError
        No such file; a line (other than a torn last one) that is not a JSON object with the keys of
        :data:`FIELDS`; lines of different respondents.
    ValidationError
        A line whose values break the data model (a score of 4, an unknown node id).

    Warns
    -----
    SdgInteractionsWarning
        A torn last line, left by a crash mid-write: ignored (it was never acknowledged).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "anna.jsonl"
    >>> with Journal(path, "anna") as journal:
    ...     _ = journal.record("1.1", "7.2", 2, "sjöar och åar")
    ...     _ = journal.record("1.1", "7.2", 3)
    >>> [(a.line, a.source, a.target, a.score, a.comment) for a in read_journal(path)]
    [(1, '1.1', '7.2', 2, 'sjöar och åar'), (2, '1.1', '7.2', 3, '')]
    >>> _ = path.write_bytes(path.read_bytes() + b'{"t": "2026-11-30T20:1')  # a crash mid-write
    >>> import warnings
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     len(read_journal(path))
    2
    >>> str(caught[0].message)  # doctest: +ELLIPSIS
    '...anna.jsonl, line 3: torn last line ignored (a crash while it was written; it was never saved): ...'
    """
    path = Path(path)
    if not path.is_file():
        raise InputFormatError(locate("no such journal", file=os.fspath(path), valid="the path of a journal file"))
    with open(path, "rb") as handle:
        data = handle.read()
    lines = data.split(b"\n")
    torn = lines.pop()  # b"" when the file ends with a line end (or is empty)
    answers: list[Answer] = []
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        file = f"{path}, line {number}"
        value = _parse_line(raw)
        if value is None:
            shown = raw[:80].decode("utf-8", errors="replace")
            raise InputFormatError(locate("not a journal line (no JSON object)", file=file, value=shown,
                                          valid=_VALID_LINE))
        answers.append(_line(_answer_of(value, file), number))
    if torn.strip():
        file = f"{path}, line {len(lines) + 1}"
        value = _parse_line(torn)
        if value is None:
            shown = torn[:80].decode("utf-8", errors="replace")
            warnings.warn(locate("torn last line ignored (a crash while it was written; it was never saved)",
                                 file=file, value=shown), SdgInteractionsWarning, stacklevel=2)
        else:  # complete, only its line end is missing
            answers.append(_line(_answer_of(value, file), len(lines) + 1))
    if answers:
        first = answers[0].respondent
        other = next((a for a in answers if a.respondent != first), None)
        if other is not None:
            raise InputFormatError(locate(
                f"a journal holds one respondent's answers; line {answers[0].line} names {first!r}",
                file=f"{path}, line {other.line}", column="respondent", value=other.respondent,
                valid="one journal file per respondent"))
    return answers


def _line(answer: Answer, number: int) -> Answer:
    return replace(answer, line=number)


def fold(answers: Iterable[Answer]) -> list[Answer]:
    """Keep the last answer to each (respondent, source, target), in the order the pairs were first answered.

    Examples
    --------
    >>> fold([Answer("a", "1.1", "1.2", 1), Answer("a", "1.2", "1.1", 0), Answer("a", "1.1", "1.2", None)])
    [Answer(respondent='a', source='1.1', target='1.2', score=None, comment='', uncertain=False, seq=0, t=''), Answer(respondent='a', source='1.2', target='1.1', score=0, comment='', uncertain=False, seq=0, t='')]
    """  # noqa: E501
    last: dict[tuple[str, str, str], Answer] = {}
    for answer in answers:
        last[(answer.respondent, answer.source, answer.target)] = answer
    return list(last.values())


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
            raise ValidationError(locate(f"respondent {who!r} has a journal already: {owner[who]}", file=path,
                                         column="respondent", value=who, valid="one journal per respondent"))
        owner[who] = path
        rows.extend({"respondent": a.respondent, "source": a.source, "target": a.target,
                     "score": float("nan") if a.score is None else float(a.score), "comment": a.comment,
                     "uncertain": a.uncertain, "_row": a.line} for a in answers)
    if not rows:
        raise ValidationError(locate("the journals hold no answers", file=", ".join(map(str, paths)) or None,
                                     valid="at least one journal with a recorded answer"))
    columns = ["respondent", "source", "target", "score", "comment", "uncertain", "_row"]
    table = pd.DataFrame(rows, columns=columns)
    table["score"] = table["score"].astype(float)
    return from_long(table, file=", ".join(map(str, paths)), nodes=nodes,
                     attrs={"source_file": "; ".join(map(str, paths))})
