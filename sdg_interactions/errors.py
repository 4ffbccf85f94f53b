"""The library's exception types.

Every error a user can cause (a bad file, a score of 4, an unknown kommun) raises a subclass of
:class:`SdgInteractionsError`. Messages name the file, the row as a spreadsheet shows it (header =
row 1), the column and the value, and say what would be valid. Build such messages with
:func:`locate`, so every module words them the same way.

A message exists in both languages at once: :func:`tr` takes its words from the catalogue (``error.*`` and
each section's ``error`` keys) and :func:`locate` says "rad 3, kolumn 'score' … Giltigt: …" in Swedish
and "row 3, column 'score' … Valid: …" in English. ``str(error)`` is the English (what a Python user and
the test suite read); :meth:`SdgInteractionsError.words` gives the user's language, which is what the
command line and the apps print.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "BIDI_CONTROLS",
    "MAX_ECHO",
    "UNSAFE_TEXT",
    "InputFormatError",
    "ReportError",
    "SdgInteractionsError",
    "SdgInteractionsWarning",
    "UnknownDatasetError",
    "UnknownIdError",
    "UnknownKommunError",
    "ValidationError",
    "Words",
    "check_no_bidi",
    "check_one_script",
    "describe_character",
    "locate",
    "mixed_script",
    "say",
    "shorten",
    "tr",
    "words_of",
]

#: The most characters of a value (or a column name) an error message echoes; longer ones are cut with "…".
MAX_ECHO = 80

#: The bidirectional controls: embeddings and overrides (U+202A–U+202E), isolates (U+2066–U+2069) and the
#: marks LRM, RLM and ALM. They make text show in another order than it is stored (an unbalanced U+202E
#: reverses everything after it, the report's own next sentence too), so no label, comment or name holds
#: one. The one definition: the readers, the journal and the scoring app all use it.
BIDI_CONTROLS = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: What no comment may hold (the journal, the scoring app): control characters (C0, DEL, C1) but newline
#: and tab, and :data:`BIDI_CONTROLS`.
UNSAFE_TEXT = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f{BIDI_CONTROLS}]")
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")


class Words(str):
    """An error text that can be said in either language: the ``str`` is its English; :meth:`say` gives
    it in ``lang`` from the catalogue (``error.*`` keys, :mod:`sdg_interactions.texts`).

    The library raises its errors without knowing the user's language; the command line (and every app)
    prints ``error.words(lang)``, so one message exists once, in both languages. ``Words`` joins with
    ``+`` and pickles (a report batch passes errors between processes).

    Examples
    --------
    >>> w = tr("error.no_such_file")
    >>> str(w), w.say("sv")
    ('no such file', 'filen finns inte')
    """

    def __new__(cls, spec: tuple) -> Words:
        self = super().__new__(cls, _render(spec, "en"))
        self.spec = spec
        return self

    def say(self, lang: str = "sv") -> str:
        """The message in ``lang``."""
        return _render(self.spec, lang)

    def __add__(self, other: object) -> Words:
        return Words(("join", (self, other)))

    def __radd__(self, other: object) -> Words:
        return Words(("join", (other, self)))

    def __reduce__(self):
        return Words, (self.spec,)

    def replace(self, old: str, new: str, count: int = -1) -> Words:
        """These words with ``old`` written as ``new`` in every value they hold, in both languages (e.g. an
        absolute path shown as the path inside a workshop folder)."""
        return Words(_replaced(self.spec, old, new))


def _replaced(part: object, old: str, new: str) -> object:
    if isinstance(part, Words):
        return part.replace(old, new)
    if isinstance(part, tuple):
        return tuple(_replaced(item, old, new) for item in part)
    if isinstance(part, dict):
        return {key: _replaced(value, old, new) for key, value in part.items()}
    if isinstance(part, str):
        return part.replace(old, new)
    return part


def words_of(error: BaseException) -> Words | str:
    """An error's message as :class:`Words` where it was raised with the catalogue's words (so it can be said
    again in either language), else as ``str``."""
    if len(error.args) == 1 and isinstance(error.args[0], Words):
        return error.args[0]
    return str(error)


def say(message: object, lang: str = "sv") -> str:
    """``message`` in ``lang`` if it is :class:`Words`, else as it is."""
    return message.say(lang) if isinstance(message, Words) else str(message)


def tr(key: str, /, **values: object) -> Words:
    """The catalogue text ``key`` as :class:`Words`: said in the language asked for when it is printed.
    A value that is itself :class:`Words` is said in the same language."""
    return Words(("text", key, values))


def _render(spec: tuple, lang: str) -> str:
    from sdg_interactions.texts import text  # texts imports this module

    kind = spec[0]
    if kind == "text":
        _, key, values = spec
        return text(key, lang, **{k: say(v, lang) if isinstance(v, Words) else v for k, v in values.items()})
    if kind == "join":
        return "".join(say(part, lang) for part in spec[1])
    _, problem, file, row, column, value, valid = spec  # "locate"
    where = []
    if file is not None:
        where.append(say(file, lang))
    if row is not None:
        where.append(text("error.where.row", lang, row=row))
    if column is not None:
        where.append(text("error.where.column", lang, column=repr(shorten(column))))
    words = ", ".join(where)
    words = f"{words}: {say(problem, lang)}" if words else say(problem, lang)
    if value is not None:
        words += f": {shorten(value)!r}"
    words += "."
    if valid:
        words += text("error.where.valid", lang, valid=say(valid, lang))
    return words


class SdgInteractionsError(Exception):
    """Base class of every error this library raises on purpose."""

    def words(self, lang: str = "sv") -> str:
        """The message in ``lang``: the catalogue's words where the error was raised with :class:`Words`
        (:func:`tr`, :func:`locate`), else the message as it was given."""
        if len(self.args) == 1 and isinstance(self.args[0], Words):
            return self.args[0].say(lang)
        return str(self)


class InputFormatError(SdgInteractionsError):
    """A file cannot be read: wrong encoding, unknown format, missing columns, bad layout."""


class ValidationError(SdgInteractionsError, ValueError):
    """Data was read but breaks a rule of the data model (a score of 4, a non-zero diagonal, ...)."""


class UnknownIdError(ValidationError):
    """A node id names no known goal, target or objective."""


class UnknownKommunError(SdgInteractionsError, LookupError):
    """A kommun code or name matches no kommun, or several."""


class UnknownDatasetError(SdgInteractionsError, LookupError):
    """A bundled data set name that does not exist (and is no existing file either)."""


class ReportError(SdgInteractionsError):
    """A report could not be made: the notebook failed, or its files could not be written."""


class SdgInteractionsWarning(UserWarning):
    """A warning of this library (the test suite turns these into errors)."""


def shorten(text: object, limit: int = MAX_ECHO) -> str:
    """``text`` as ``str``, cut to ``limit`` characters so an error line stays short: its start and its end
    (where a path keeps its file name) with "…" between.

    Examples
    --------
    >>> shorten("a" * 50 + "b" * 50), len(shorten("x" * 100)), shorten("short")
    ('aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', 80, 'short')
    """
    text = str(text)
    if len(text) <= limit:
        return text
    head = (limit - 1) // 2
    return text[:head] + "…" + text[len(text) - (limit - 1 - head):]


def locate(
    problem: str,
    *,
    file: object = None,
    row: int | None = None,
    column: object = None,
    value: object = None,
    valid: str | None = None,
) -> Words:
    """Word an error message the one way the library does, in English and (:meth:`Words.say`) Swedish.

    Parameters
    ----------
    problem : str or Words
        What is wrong, e.g. ``"score out of range"``; :func:`tr` of a catalogue key says it in both languages.
    file, row, column, value : optional
        Where it is: the file name, the row as a spreadsheet shows it (header = row 1), the column name
        and the offending value. Parts that are ``None`` are left out; a value or column name longer than
        :data:`MAX_ECHO` characters is cut (:func:`shorten`), so a line from a stray file never floods the
        terminal.
    valid : str or Words, optional
        What would be valid, e.g. ``"an integer from -3 to 3, or blank for not scored"``.

    Examples
    --------
    >>> locate("score out of range", file="a.csv", row=3, column="score", value="4",
    ...        valid="an integer from -3 to 3")
    "a.csv, row 3, column 'score': score out of range: '4'. Valid: an integer from -3 to 3."
    """
    return Words(("locate", problem, file, row, column, value, valid))


def describe_character(char: str) -> str:
    """A character as a message names it: itself where it is visible, its code point and Unicode name.

    Examples
    --------
    >>> describe_character("а"), describe_character("\u202e")
    ('а (U+0430 CYRILLIC SMALL LETTER A)', 'U+202E RIGHT-TO-LEFT OVERRIDE')
    """
    code = f"U+{ord(char):04X} {unicodedata.name(char, 'UNNAMED')}"
    return f"{char} ({code})" if char.isprintable() and not char.isspace() else code


#: The texts :func:`check_no_bidi` and :func:`check_one_script` name in both languages (their ``what``).
_WHATS = ("label", "group", "comment", "respondent name", "name", "pseudonym", "text")


def _what(what: object, article: str) -> Words:
    """``what`` ("comment", "respondent name") with its article (``"the"`` or ``"a"``), in both languages; a
    name not in :data:`_WHATS` is shown as it is given."""
    if what in _WHATS:
        return tr(f"error.data.text.{article}.{str(what).replace(' ', '_')}")
    return tr(f"error.data.text.{article}.other", what=what)


def check_no_bidi(values, *, what: str = "text", file: object = None, rows=None, column: object = None) -> None:
    """Refuse a bidi control (:data:`BIDI_CONTROLS`) in a text or in any of a sequence of texts.

    ``rows`` gives each text's row for the message (as a spreadsheet shows it); ``what`` names the text
    ("comment", "label": one of ``_WHATS``, which the message says in Swedish too). Non-texts are skipped.
    Raises :class:`ValidationError` naming the file, row, column, the character (``U+202E RIGHT-TO-LEFT
    OVERRIDE``) and what is valid.

    Examples
    --------
    >>> check_no_bidi(["Sjöar", "Skog"], what="label")
    >>> check_no_bidi(["ok", "a\u202eb"], what="comment", file="m.csv", rows=[2, 3], column="comment")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: m.csv, row 3, column 'comment': the comment holds a bidi control character, U+202E RIGHT-TO-LEFT OVERRIDE, at character 2: 'a\\u202eb'. Valid: text without bidi control characters (U+200E, U+200F, U+061C, U+202A–U+202E, U+2066–U+2069; they are invisible: retype the text, or delete the character).
    """  # noqa: E501
    texts = [values] if isinstance(values, str) else list(values)
    strings = [v if isinstance(v, str) else "" for v in texts]
    if not _BIDI.search("\n".join(strings)):  # the usual case: one search over all of them
        return
    for k, value in enumerate(strings):
        if found := _BIDI.search(value):
            row = None if rows is None else int(list(rows)[k])
            raise ValidationError(locate(
                tr("error.data.text.bidi", the=_what(what, "the"), character=describe_character(found.group()),
                   at=found.start() + 1),
                file=file, row=row, column=column, value=value, valid=tr("error.data.text.valid_bidi")))


def mixed_script(name: str) -> str | None:
    """The first letter of ``name`` whose script (Latin, Cyrillic, Greek) differs from its first letter's, or None.

    Digits, spaces, punctuation and letters of other scripts are neutral. ``Rav 7`` and ``Rаv 7`` (with a
    Cyrillic а) look the same on screen; a name that mixes these scripts is refused where names must differ.

    Examples
    --------
    >>> mixed_script("Räv 7"), mixed_script("Рав 7"), mixed_script("R\u0430v 7")
    (None, None, 'а')
    """
    first = None
    for char in name:
        script = unicodedata.name(char, "").split(" ")[0] if char.isalpha() else ""
        if script not in _SCRIPTS:
            continue
        if first is None:
            first = script
        elif script != first:
            return char
    return None


def check_one_script(name: str, *, what: str = "name", file: object = None, row: int | None = None,
                     column: object = None) -> None:
    """Refuse a name that mixes Latin, Cyrillic and Greek letters (:func:`mixed_script`), naming the letter.

    Examples
    --------
    >>> check_one_script("R\u0430v 7", what="pseudonym")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: the pseudonym mixes Latin letters with а (U+0430 CYRILLIC SMALL LETTER A), which can look the same on screen: 'Rаv 7'. Valid: a pseudonym in one alphabet, e.g. 'Räv 7' typed on your own keyboard.
    """  # noqa: E501
    bad = mixed_script(name)
    if bad is not None:
        first = next(unicodedata.name(c).split(" ")[0] for c in name if c.isalpha()
                     and unicodedata.name(c, "").split(" ")[0] in _SCRIPTS)
        raise ValidationError(locate(
            tr("error.data.text.mixed_script", the=_what(what, "the"), letters=tr(f"error.data.text.letters.{first}"),
               character=describe_character(bad)),
            file=file, row=row, column=column, value=name,
            valid=tr("error.data.text.valid_one_script", a=_what(what, "a"))))
