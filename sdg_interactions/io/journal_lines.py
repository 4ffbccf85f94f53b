"""The journal's lines: one answer a line (:class:`Answer`), the checks every line passes, and reading them back.

The writer, :class:`~sdg_interactions.io.journal.Journal`, and this reader share one definition of a
good line, so a line the writer would refuse is one the reader sets aside:

* :class:`Answer` is one line; :func:`check_comment` is the comment's rule (at most :data:`MAX_COMMENT`
  characters, no control characters but newline and tab, no bidi controls).
* :func:`read_journal` reads a journal back. **One bad line never hides the others**: a line that is
  no JSON object, lacks a key, holds a value that breaks the data model (a score of 4, an unknown id, a
  comment with a NUL character) or names another respondent is *set aside* as a :class:`SetAside`
  (naming the line and the wrong value only, nothing else of it) and the rest is read. A crash in the
  middle of a write can leave a *torn last line*: never acknowledged, it is set aside the same way.
* :func:`fold` keeps the last answer to each pair.

Everything here is re-exported by :mod:`sdg_interactions.io.journal`.
"""

from __future__ import annotations

import json
import numbers
import os
import warnings
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import numpy as np

from sdg_interactions.errors import (
    BIDI_CONTROLS,
    UNSAFE_TEXT,
    InputFormatError,
    SdgInteractionsError,
    SdgInteractionsWarning,
    ValidationError,
    Words,
    locate,
    tr,
)
from sdg_interactions.matrix import SCORE_RANGE, check_id
from sdg_interactions.textfile import check_input_file

__all__ = ["FIELDS", "MAX_COMMENT", "MAX_JOURNAL_BYTES", "VALID_COMMENT", "VALID_SCORE", "Answer", "SetAside",
           "check_comment", "fold", "read_journal"]

#: The keys of every journal line, in the order they are written.
FIELDS = ("t", "respondent", "source", "target", "score", "comment", "uncertain", "seq")
#: What :meth:`~sdg_interactions.io.journal.Journal.record` accepts as a score, in words.
VALID_SCORE = tr("error.journal.valid_score")
#: The longest comment a journal takes, in characters (the scoring app refuses longer ones at entry).
MAX_COMMENT = 2000
#: What a comment may hold, in words.
VALID_COMMENT = tr("error.journal.valid_comment", limit=MAX_COMMENT)
#: The largest journal :func:`read_journal` reads (a larger file is refused, not read).
MAX_JOURNAL_BYTES = 64 * 1024 * 1024
_VALID_LINE = tr("error.data.journal.valid_line", keys=", ".join(FIELDS))
#: Control characters (C0, DEL, C1) but newline and tab, and the bidi controls (embeddings, overrides,
#: isolates, marks): never in a comment (the one definition, :data:`~sdg_interactions.errors.UNSAFE_TEXT`).
_FORBIDDEN = UNSAFE_TEXT


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
        raise ValidationError(locate(tr("error.journal.no_name"), value=respondent,
                                     valid=tr("error.journal.valid_name"), **where))
    return respondent.strip()


def check_comment(comment: object, **where) -> str:
    """Check a comment: text, at most :data:`MAX_COMMENT` characters, no control or bidi characters.

    Returns the comment ("" for None). ``where`` (``file=``, ``row=``) locates it for the message, which
    names the value (cut to 80 characters, control characters shown escaped) and :data:`VALID_COMMENT`.

    Examples
    --------
    >>> check_comment("sjöar\\toch\\nåar"), check_comment(None)
    ('sjöar\\toch\\nåar', '')
    >>> check_comment("ok\\x00")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: column 'comment': the comment holds a NUL character (U+0000) at character 3: 'ok\\x00'. Valid: text of at most 2000 characters without control characters...
    """  # noqa: E501
    if comment is None:
        return ""
    if not isinstance(comment, str):
        raise ValidationError(locate(tr("error.journal.comment_text"), value=comment, column="comment",
                                     valid=tr("error.journal.valid_comment_text"), **where))
    if len(comment) > MAX_COMMENT:
        raise ValidationError(locate(tr("error.journal.too_long", n=len(comment)), value=comment,
                                     column="comment", valid=VALID_COMMENT, **where))
    try:
        comment.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError(locate(tr("error.journal.surrogate"), value=comment, column="comment",
                                     valid=tr("error.journal.valid_unicode"), **where)) from None
    bad = _FORBIDDEN.search(comment)
    if bad is not None:
        char = bad.group()
        kind = "nul" if char == "\0" else "bidi" if char in BIDI_CONTROLS else "control"
        raise ValidationError(locate(tr(f"error.journal.holds_{kind}", code=f"U+{ord(char):04X}", at=bad.start() + 1),
                                     value=comment, column="comment", valid=VALID_COMMENT, **where))
    return comment


def _check_answer(source: object, target: object, score: object, comment: object, uncertain: object,
                  **where) -> tuple[str, str, int | None, str, bool]:
    """Check one answer's values; return them in canonical form. ``where`` locates it for messages."""
    source = check_id(source, column="source", **where)
    target = check_id(target, column="target", **where)
    if source == target:
        raise ValidationError(locate(tr("error.journal.self"), value=source, column="target",
                                     valid=tr("error.journal.valid_two"), **where))
    if score is not None:
        whole = isinstance(score, numbers.Integral) or (isinstance(score, float) and score.is_integer())
        if isinstance(score, bool) or not isinstance(score, numbers.Real) or not whole:
            raise ValidationError(locate(tr("error.journal.not_whole"), value=score, column="score",
                                         valid=VALID_SCORE, **where))
        if not SCORE_RANGE[0] <= score <= SCORE_RANGE[1]:
            raise ValidationError(locate(tr("error.journal.outside"), value=score, column="score",
                                         valid=VALID_SCORE, **where))
        score = int(score)
    comment = check_comment(comment, **where)
    if not isinstance(uncertain, (bool, np.bool_)):
        raise ValidationError(locate(tr("error.journal.uncertain"), value=uncertain,
                                     column="uncertain", valid=tr("error.journal.valid_uncertain"), **where))
    return source, target, score, comment, bool(uncertain)


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
        raise InputFormatError(locate(tr("error.data.journal.missing_keys", keys=", ".join(missing)), file=file,
                                      valid=_VALID_LINE))
    for key, kind, valid in (("t", str, "error.data.journal.valid_time"),
                             ("seq", int, "error.data.journal.valid_whole"),
                             ("respondent", str, "error.journal.valid_name")):
        if not isinstance(value[key], kind) or isinstance(value[key], bool):
            raise InputFormatError(locate(tr("error.data.journal.wrong_type", field=key), file=file, column=key,
                                          value=value[key], valid=tr(valid)))
    respondent = _check_respondent(value["respondent"], file=file, column="respondent")
    values = _check_answer(value["source"], value["target"], value["score"], value["comment"],
                           value["uncertain"], file=file)
    return Answer(respondent, *values, seq=value["seq"], t=value["t"])


@dataclass(frozen=True)
class SetAside:
    """A journal line :func:`read_journal` set aside, and why.

    Attributes
    ----------
    line : int
        The line, counted from 1.
    kind : str
        ``"torn"`` (the last line, cut short by a crash while it was written: never acknowledged),
        ``"not_json"`` (no JSON object), ``"format"`` (a key missing, a value of the wrong type),
        ``"value"`` (a value that breaks the data model: a score of 4, an unknown id, a comment with a
        NUL character) or ``"respondent"`` (the line names another respondent than the journal's).
    message : str
        The problem (:func:`~sdg_interactions.errors.locate`): the file and line, what is wrong, the wrong
        value only (cut to 80 characters, control characters shown escaped) and what would be valid.
        Nothing else of the line is shown. The ``str`` is English; where it is
        :class:`~sdg_interactions.errors.Words`, ``say(message, lang)`` gives it in the user's language.
    respondent : str
        The respondent the line names ("" if it names none that can be read).
    seq : int or None
        The line's ``seq``, if it can be read (so a reopened journal goes on after it).
    """

    line: int
    kind: str
    message: str
    respondent: str = ""
    seq: int | None = None


def read_journal(path: str | os.PathLike, *, set_aside: list[SetAside] | None = None,
                 respondent: str | None = None, name: str | None = None) -> list[Answer]:
    """Read a journal's good answers, in the order they were recorded; the file is only read, never written.

    Parameters
    ----------
    path : str or path-like
        A journal written by :class:`Journal` (a regular file of at most :data:`MAX_JOURNAL_BYTES`).
    set_aside : list, optional
        Where each line that cannot be taken goes, as a :class:`SetAside`, in line order. Without it,
        each is issued as a :class:`~sdg_interactions.errors.SdgInteractionsWarning`. Either way the
        other lines are read.
    respondent : str, optional
        The journal's owner: lines naming anyone else are set aside. By default the respondent most
        lines name (on a tie, the first line's).
    name : str, optional
        How messages name the file (say ``"svar/anna-1a2b.jsonl"``); the path by default.

    Returns
    -------
    list of Answer
        Every good answer, changed ones included (:func:`fold` keeps the last to each pair); ``line`` is
        the line each was read from. Blank lines are skipped.

    Raises
    ------
    InputFormatError
        No such file; a folder, FIFO or device; a file larger than :data:`MAX_JOURNAL_BYTES`.

    Examples
    --------
    >>> import tempfile
    >>> from sdg_interactions.io.journal import Journal
    >>> path = Path(tempfile.mkdtemp()) / "anna.jsonl"
    >>> with Journal(path, "anna") as journal:
    ...     _ = journal.record("1.1", "7.2", 2, "sjöar och åar")
    ...     _ = journal.record("1.1", "7.2", 3)
    >>> [(a.line, a.source, a.target, a.score, a.comment) for a in read_journal(path)]
    [(1, '1.1', '7.2', 2, 'sjöar och åar'), (2, '1.1', '7.2', 3, '')]
    >>> good = path.read_bytes()
    >>> bad = good.replace(b'"comment": ""', b'"comment": "a\\\\u0000b"')  # line 2 gets a NUL character
    >>> _ = path.write_bytes(bad + b'{"t": "2026-11-30T20:1')  # and a crash mid-write
    >>> aside = []
    >>> [a.line for a in read_journal(path, set_aside=aside, name="svar/anna.jsonl")]
    [1]
    >>> for line in aside:
    ...     print(line.kind, line.message)  # doctest: +ELLIPSIS
    value svar/anna.jsonl, line 2, column 'comment': the comment holds a NUL character (U+0000) at character 2: 'a\\x00b'. Valid: ...
    torn svar/anna.jsonl, line 3: torn last line ignored (22 bytes; a crash while it was written, it was never saved).
    """  # noqa: E501
    path = Path(path)
    shown = os.fspath(path) if name is None else name
    if not os.path.lexists(path):
        raise InputFormatError(locate(tr("error.data.journal.no_journal"), file=shown,
                                      valid=tr("error.data.journal.valid_journal_path")))
    check_input_file(path, limit=MAX_JOURNAL_BYTES, valid=tr("error.valid_journal_file"), name=shown)
    with open(path, "rb") as handle:
        data = handle.read(MAX_JOURNAL_BYTES + 1)
    if len(data) > MAX_JOURNAL_BYTES:  # it grew since the check
        raise InputFormatError(locate(tr("error.data.journal.too_large"), file=shown,
                                      valid=tr("error.data.journal.valid_size", n=MAX_JOURNAL_BYTES)))
    lines = data.split(b"\n")
    tail = lines.pop()  # b"" when the file ends with a line end (or is empty)
    parsed = [(number, raw, _parse_line(raw)) for number, raw in enumerate(lines, start=1) if raw.strip()]
    if tail.strip():
        parsed.append((len(lines) + 1, tail, _parse_line(tail)))
    named = [_named(value) for _, _, value in parsed if value is not None]
    owner = respondent.strip() if respondent else next(iter(Counter(n for n in named if n).most_common(1)), ("",))[0]
    answers: list[Answer] = []
    aside: list[SetAside] = []
    for number, raw, value in parsed:
        where = tr("error.data.at_line", file=shown, line=number)
        if value is None:
            if number > len(lines):
                aside.append(SetAside(number, "torn", locate(tr("error.data.journal.torn", n=len(raw)), file=where)))
            else:
                what = tr("error.data.journal.nul_bytes" if b"\0" in raw else "error.data.journal.no_object")
                aside.append(SetAside(number, "not_json", locate(
                    tr("error.data.journal.not_line", what=what, n=len(raw)), file=where, valid=_VALID_LINE)))
            continue
        who, seq = _named(value), value.get("seq") if type(value.get("seq")) is int else None
        if who and who != owner:
            aside.append(SetAside(number, "respondent", locate(
                tr("error.data.journal.other_respondent", owner=repr(owner)), file=where, column="respondent",
                value=value["respondent"], valid=tr("error.journal.valid_one")), who, seq))
            continue
        try:
            answers.append(_line(_answer_of(value, where), number))
        except SdgInteractionsError as error:
            kind = "value" if isinstance(error, ValidationError) else "format"
            said = error.args[0] if len(error.args) == 1 and isinstance(error.args[0], Words) else str(error)
            aside.append(SetAside(number, kind, said, who, seq))
    if set_aside is None:
        for bad in aside:
            warnings.warn(bad.message, SdgInteractionsWarning, stacklevel=2)
    else:
        set_aside.extend(aside)
    return answers


def _named(value: dict) -> str:
    """The respondent a parsed line names, stripped; "" if none."""
    who = value.get("respondent")
    return who.strip() if isinstance(who, str) else ""


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
