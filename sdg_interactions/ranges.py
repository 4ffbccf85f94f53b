"""The documented range of every numeric parameter, and the one check of each kind.

Every numeric parameter of the command line and of the public functions behind it is checked here, in
one place per kind, before it is used: finite numbers only (no ``inf``, no ``nan``), whole numbers where
a count is meant, inside the range below. The command line reads its options with :func:`parse` (strict
ASCII numbers: ``1e308`` and ``3`` yes, ``٣``, ``inf`` or ``1,5`` no); the library functions call
:func:`check`. An error is one line naming the parameter, the value (at most
:data:`~sdg_interactions.errors.MAX_ECHO` characters of it) and the range, in the language asked for.

======================  ======================================  ============================================
kind                    parameters                              range
======================  ======================================  ============================================
:data:`EFFORT`          ``efforts`` (scenario, konsekvens)      0 < e ≤ 10: relative weights of the
                                                                priorities; the scale is −3…3, so 10
                                                                already lets one priority outweigh ten
:data:`COUNT`           ``k`` (portfolio), ``top_k`` (report,   1 … n, the nodes the choice is made from
                        styrdokument: 1 … 2000)                 (n = 2000 where more shows every node)
:data:`TOP_K`           ``top_k`` (robustness)                  1 … n, the K of ``p_top_k``
:data:`SHOWN`           ``--top`` (analyse, compare)            0 … 2000 lines (the most nodes a matrix has)
:data:`SAMPLES`         ``samples`` (robustness)                1 … 100 000 bootstrap samples
:data:`CHUNK`           ``chunk_size`` (robustness)             1 … 100 000 samples at a time
:data:`SEED`            ``seed`` (robustness)                   0 … 4 294 967 295 (2³² − 1)
:data:`ALPHA`           ``alpha`` (total influence)             0 < α < 1: the series Σ (αD)^k converges
:data:`MARGIN`          ``risk_threshold``, ``comes_along``,    −30 … 30: the scale −3…3 times the largest
                        ``partly`` (scenario classes)           effort
:data:`CAP`             ``cap`` (portfolio)                     0 < cap ≤ 30, as the margins
:data:`JOBS`            ``--jobs`` (report)                     1 … 64 processes
:func:`years`           ``--years`` (kolada fetch)              1990 … the current year + 1
:data:`WINDOW`          ``window`` (Kolada follow-up)           2 … 50 years of trend
======================  ======================================  ============================================

Examples
--------
>>> check(2, "efforts", EFFORT), check(3.0, "top_k", COUNT, high=5)
(2.0, 3)
>>> check(1e308, "efforts", EFFORT, lang="en")
Traceback (most recent call last):
...
sdg_interactions.errors.ValidationError: efforts must be a number at most 10 and greater than 0: '1e+308'. Valid: 0 < efforts ≤ 10 (relative weights of the priorities on the scale −3…3), e.g. 1.
>>> parse("0", "--k", COUNT, high=34, lang="sv")
Traceback (most recent call last):
...
sdg_interactions.errors.ValidationError: --k ska vara 1 eller mer, inte 0. Giltigt: 1 … 34.
"""  # noqa: E501

from __future__ import annotations

import datetime as dt
import math
import numbers
import re
from dataclasses import dataclass

from sdg_interactions.errors import ValidationError, shorten
from sdg_interactions.texts import text

__all__ = [
    "ALPHA", "CAP", "CHUNK", "COUNT", "EFFORT", "FIRST_YEAR", "JOBS", "MARGIN", "SAMPLES", "SEED", "SHOWN", "TOP_K",
    "WINDOW", "Range",
    "check", "check_number", "describe", "parse", "years",
]


@dataclass(frozen=True)
class Range:
    """An interval of numbers: ``low`` … ``high`` (``None``: given by the data at the call, e.g. the nodes),
    whole numbers only if ``integer``, the ends excluded if ``open_low`` / ``open_high``; ``example`` is a
    good value, ``note`` the catalogue key (``ranges.note.*``) of why the range is what it is."""

    low: float
    high: float | None
    integer: bool = False
    open_low: bool = False
    open_high: bool = False
    example: str = ""
    note: str = ""


EFFORT = Range(0, 10, open_low=True, example="1", note="effort")
COUNT = Range(1, None, integer=True, example="5")
TOP_K = Range(1, None, integer=True, example="5", note="top_k")
SHOWN = Range(0, 2000, integer=True, example="10")
SAMPLES = Range(1, 100_000, integer=True, example="1000")
CHUNK = Range(1, 100_000, integer=True, example="500")
SEED = Range(0, 2**32 - 1, integer=True, example="0")
ALPHA = Range(0, 1, open_low=True, open_high=True, example="0.9", note="alpha")
MARGIN = Range(-30, 30, example="2", note="margin")
CAP = Range(0, 30, open_low=True, example="3", note="margin")
JOBS = Range(1, 64, integer=True, example="4")
WINDOW = Range(2, 50, integer=True, example="5")
#: The first year a Kolada request may ask for.
FIRST_YEAR = 1990
_NUMBER = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


def years() -> Range:
    """The years a Kolada request may ask for: :data:`FIRST_YEAR` … the current year + 1."""
    return Range(FIRST_YEAR, dt.date.today().year + 1, integer=True, example="2020")


def _bound(x: float, lang: str) -> str:
    """A range's end as the language writes it: ``100 000`` / ``100,000`` (but ``2027``, ``2000``: four
    digits stay together), a true minus, no ``.0``."""
    if float(x).is_integer():
        body = f"{abs(int(x)):,}".replace(",", " " if lang == "sv" else ",") if abs(x) >= 10_000 else str(abs(int(x)))
    else:
        body = repr(abs(float(x))).replace(".", "," if lang == "sv" else ".")
    return ("−" if x < 0 else "") + body


def _ends(rng: Range, high: float | None, lang: str) -> dict[str, str]:
    return {"low": _bound(rng.low, lang), "high": "" if high is None else _bound(high, lang)}


def describe(rng: Range, lang: str = "en", *, high: float | None = None) -> str:
    """The range in words, e.g. ``"a whole number from 1 to 34"``; ``high`` replaces a data-given end.

    Examples
    --------
    >>> describe(SAMPLES, "sv"), describe(EFFORT), describe(ALPHA), describe(COUNT, high=34)
    ('ett heltal från 1 till 100 000', 'a number at most 10 and greater than 0', 'a number strictly between 0 and 1', 'a whole number from 1 to 34')
    """  # noqa: E501
    high = rng.high if high is None else high
    shape = ("unbounded" if high is None else "open_both" if rng.open_low and rng.open_high
             else "open_low" if rng.open_low else "closed")
    kind = "whole" if rng.integer else "number"
    return text(f"ranges.describe.{shape}_{kind}", lang, **_ends(rng, high, lang))


def _compact(rng: Range, name: str, high: float | None, lang: str) -> str:
    ends = _ends(rng, high, lang)
    if high is None:
        return text("ranges.compact.unbounded", lang, name=name, **ends)
    if rng.open_low:
        return f"{ends['low']} < {name} {'<' if rng.open_high else '≤'} {ends['high']}"
    return f"{ends['low']} … {ends['high']}"


class _AsTyped(str):
    """A number as the user typed it (``1e9``), shown without quotes."""


def _shown(value: object) -> str:
    """A number as it is (``-1``, ``1e9`` as typed), text quoted (``'x'``), cut to 80 characters."""
    if isinstance(value, _AsTyped):
        return shorten(value)
    if isinstance(value, str):
        return repr(shorten(value))
    if isinstance(value, float):
        return repr(value)
    return shorten(value)


def _refuse(value: object, name: str, rng: Range, high: float | None, side: str, lang: str) -> ValidationError:
    """The error: ``--x ska vara 1 eller mer, inte 0. Giltigt: …`` for an option, locate's wording else."""
    ends = _ends(rng, high, lang)
    note = f" ({text(f'ranges.note.{rng.note}', lang)})" if rng.note else ""
    compact = _compact(rng, name, high, lang)
    if name.startswith("-"):  # a command-line option: the command line's own wording
        return ValidationError(text("ranges.option", lang, name=name, value=_shown(value), valid=compact + note,
                                    side=text(f"ranges.side.{side}", lang, **ends)))
    fits = rng.example and (high is None or float(rng.example) <= high)
    example = text("ranges.example", lang, example=rng.example) if fits else ""
    return ValidationError(text("ranges.parameter", lang, name=name, what=describe(rng, lang, high=high),
                                value=repr(shorten(value)), valid=compact + note + example))


def check(value: object, name: str, rng: Range, *, high: float | None = None, lang: str = "en") -> int | float:
    """Return ``value`` as ``int`` (``rng.integer``) or ``float`` if it lies in ``rng``, else raise
    :class:`~sdg_interactions.errors.ValidationError` naming ``name``, the value and the range.

    ``high`` gives the upper end of a range whose end comes from the data (:data:`COUNT`: the nodes). A
    ``bool``, a string, ``None``, ``inf`` or ``nan`` is no number; ``2.0`` is a whole number. ``name``
    starting with ``-`` (a command-line option) words the error as the command line does.
    """
    high = rng.high if high is None else high
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise _refuse(value, name, rng, high, "whole" if rng.integer else "number", lang)
    try:
        number = float(value)
    except OverflowError:  # an int beyond float: a whole number, too large for any range here
        number = math.inf if value > 0 else -math.inf
    if math.isnan(number) or (math.isinf(number) and not isinstance(value, numbers.Integral)):
        raise _refuse(value, name, rng, high, "finite", lang)
    if rng.integer and not (isinstance(value, numbers.Integral) or number.is_integer()):
        raise _refuse(value, name, rng, high, "whole", lang)
    if number < rng.low or (rng.open_low and number == rng.low):
        raise _refuse(value, name, rng, high, "above" if rng.open_low else "at_least", lang)
    if high is not None and (number > high or (rng.open_high and number == high)):
        raise _refuse(value, name, rng, high, "below" if rng.open_high else "at_most", lang)
    return int(value) if rng.integer else number


def check_number(value: object, name: str, low: float, high: float | None, *, integer: bool = False,
                 open_low: bool = False, open_high: bool = False, lang: str = "en") -> int | float:
    """:func:`check` with the range given by its ends, for a one-off parameter.

    Examples
    --------
    >>> check_number(7, "n", 1, 10, integer=True)
    7
    """
    return check(value, name, Range(low, high, integer, open_low, open_high), lang=lang)


def parse(raw: str, name: str, rng: Range, *, high: float | None = None, lang: str = "sv",
          item: bool = False) -> int | float:
    """Read a command-line value: a plain ASCII number (``12``, ``0.5``, ``1e3``), then :func:`check` it.

    The error shows a number as a number (``inte -1``) and text quoted (``inte 'x'``); an ``item`` of a
    list (``--efforts 1,0``) is quoted as typed, so it stands out from the list.

    Examples
    --------
    >>> parse("1e3", "--samples", SAMPLES), parse(" 0.5 ", "--efforts", EFFORT)
    (1000, 0.5)
    >>> parse("inf", "--efforts", EFFORT, lang="en")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: --efforts must be a number, not 'inf'. Valid: 0 < --efforts ≤ 10 (relative weights of the priorities on the scale −3…3).
    """  # noqa: E501
    stripped = str(raw).strip()
    if not _NUMBER.fullmatch(stripped):
        raise _refuse(raw, name, rng, rng.high if high is None else high, "whole" if rng.integer else "number", lang)
    top = rng.high if high is None else high
    if rng.integer and re.fullmatch(r"[+-]?[0-9]+", stripped):
        if len(stripped.lstrip("+-")) > 30 and (top is not None or stripped.startswith("-")):
            # far outside every range: no need to read all its digits
            raise _refuse(raw, name, rng, top, "at_least" if stripped.startswith("-") else "at_most", lang)
        try:
            value: int | float = int(stripped)
        except ValueError:  # beyond Python's limit on the digits of an int
            raise _refuse(raw, name, rng, top, "whole", lang) from None
    else:
        value = float(stripped)
        if math.isinf(value):  # 1e999: a number too large for any range, not "inf"
            raise _refuse(raw, name, rng, top, "at_least" if value < 0 else "at_most", lang)
    try:
        return check(value, name, rng, high=high, lang=lang)
    except ValidationError:
        shown = raw if item else _AsTyped(stripped)
        raise _refuse(shown, name, rng, top, _side(value, rng, top), lang) from None


def _side(value: float, rng: Range, high: float | None) -> str:
    """Which rule a finite number breaks (for an error that shows the value as typed)."""
    if rng.integer and not (isinstance(value, int) or float(value).is_integer()):
        return "whole"
    if value < rng.low or (rng.open_low and value == rng.low):
        return "above" if rng.open_low else "at_least"
    return "below" if rng.open_high else "at_most"
