"""The library's exception types.

Every error a user can cause (a bad file, a score of 4, an unknown kommun) raises a subclass of
:class:`SdgInteractionsError`. Messages name the file, the row as a spreadsheet shows it (header =
row 1), the column and the value, and say what would be valid. Build such messages with
:func:`locate`, so every module words them the same way.
"""

from __future__ import annotations

__all__ = [
    "MAX_ECHO",
    "InputFormatError",
    "ReportError",
    "SdgInteractionsError",
    "SdgInteractionsWarning",
    "UnknownDatasetError",
    "UnknownIdError",
    "UnknownKommunError",
    "ValidationError",
    "locate",
    "shorten",
]

#: The most characters of a value (or a column name) an error message echoes; longer ones are cut with "…".
MAX_ECHO = 80


class SdgInteractionsError(Exception):
    """Base class of every error this library raises on purpose."""


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
) -> str:
    """Word an error message the one way the library does.

    Parameters
    ----------
    problem : str
        What is wrong, e.g. ``"score out of range"``.
    file, row, column, value : optional
        Where it is: the file name, the row as a spreadsheet shows it (header = row 1), the column name
        and the offending value. Parts that are ``None`` are left out; a value or column name longer than
        :data:`MAX_ECHO` characters is cut (:func:`shorten`), so a line from a stray file never floods the
        terminal.
    valid : str, optional
        What would be valid, e.g. ``"an integer from -3 to 3, or blank for not scored"``.

    Examples
    --------
    >>> locate("score out of range", file="a.csv", row=3, column="score", value="4",
    ...        valid="an integer from -3 to 3")
    "a.csv, row 3, column 'score': score out of range: '4'. Valid: an integer from -3 to 3."
    """
    where = []
    if file is not None:
        where.append(str(file))
    if row is not None:
        where.append(f"row {row}")
    if column is not None:
        where.append(f"column {shorten(column)!r}")
    text = ", ".join(where)
    text = f"{text}: {problem}" if text else problem
    if value is not None:
        text += f": {shorten(value)!r}"
    text += "."
    if valid:
        text += f" Valid: {valid}."
    return text
