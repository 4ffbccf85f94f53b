"""Numbers, dates, times and lists as people read them, in Swedish or English: the one place that formats
them, through Babel (the Unicode CLDR data), so that text, tables, Word, PDF and the command line agree.

* :func:`number`: ``61,5`` and ``331 211`` (a no-break space between thousands) in Swedish, ``61.5`` and
  ``331,211`` in English; a true minus sign "−" (U+2212) in both; at most ``decimals`` decimals, none
  for a whole number;
* :func:`long_date`: "7 december 2026" / "7 December 2026";
* :func:`short_time`: "14:05";
* :func:`word_list`: "a, b och c" / "a, b and c".

Charts use Vega's own format locale (:mod:`sdg_interactions.plots.export`), built from the same CLDR
symbols.

Examples
--------
>>> number(-1234.5), number(2.0, "en"), number(0.333, "en", decimals=2), number(331211)
('−1\\xa0234,5', '2', '0.33', '331\\xa0211')
>>> long_date("2026-12-07"), long_date("2026-12-07", "en"), word_list(["1.1", "2.2", "3.3"])
('7 december 2026', '7 December 2026', '1.1, 2.2 och 3.3')
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Sequence

__all__ = ["LOCALES", "MINUS", "long_date", "number", "short_time", "word_list"]

#: The CLDR locale of each language the project speaks.
LOCALES = {"sv": "sv_SE", "en": "en_GB"}
#: The minus sign every number shows.
MINUS = "\N{MINUS SIGN}"


def _locale(lang: str) -> str:
    from sdg_interactions.texts import check_lang

    return LOCALES[check_lang(lang)]


def number(value: float, lang: str = "sv", *, decimals: int = 1) -> str:
    """``value`` with at most ``decimals`` decimals (trailing zeros dropped), grouped by thousands as the
    language does, with a true minus sign; a value that rounds to 0 is "0", never "−0".

    Halves are rounded away from zero, as a reader rounds by hand (0,25 → "0,3", −2,45 → "−2,5"), on the
    number as it is written (its shortest decimal form, so 0.35 is a half although the float lies just below
    it), not half to even as Python's ``round`` and CLDR's default do.

    Examples
    --------
    >>> number(80.803), number(80.803, decimals=3), number(-0.04), number(-3, "en")
    ('80,8', '80,803', '0', '−3')
    >>> number(0.25), number(-2.45), number(0.35), number(2.5, decimals=0)
    ('0,3', '−2,5', '0,4', '3')
    """
    from decimal import ROUND_HALF_UP, Decimal

    from babel.numbers import format_decimal

    value = float(value)
    if math.isfinite(value):
        value = Decimal(repr(value)).quantize(Decimal(1).scaleb(-int(decimals)), rounding=ROUND_HALF_UP)
    if value == 0:
        value = Decimal(0)
    pattern = "#,##0" + ("." + "#" * int(decimals) if decimals > 0 else "")
    shown = format_decimal(value, format=pattern, locale=_locale(lang))
    return shown.replace("-", MINUS).replace("\N{MINUS SIGN}", MINUS)


def long_date(date: str | datetime.date, lang: str = "sv") -> str:
    """A date as a sentence writes it; text that is not an ISO date is returned unchanged.

    Examples
    --------
    >>> long_date("2026-11-30"), long_date("2026-01-02", "en"), long_date("i går")
    ('30 november 2026', '2 January 2026', 'i går')
    """
    from babel.dates import format_date

    if not isinstance(date, datetime.date):
        try:
            date = datetime.date.fromisoformat(str(date))
        except ValueError:
            return str(date)
    return format_date(date, format="long", locale=_locale(lang))


def short_time(moment: datetime.time | datetime.datetime, lang: str = "sv") -> str:
    """A clock time, hours and minutes: "14:05" in both languages.

    Examples
    --------
    >>> short_time(datetime.time(14, 5)), short_time(datetime.time(9, 0), "en")
    ('14:05', '09:00')
    """
    from babel.dates import format_time

    if isinstance(moment, datetime.datetime):
        moment = moment.time()
    return format_time(moment, format="short", locale=_locale(lang))


def word_list(words: Sequence[object], lang: str = "sv") -> str:
    """Words joined as a sentence joins them.

    Examples
    --------
    >>> word_list(["x", "y"], "en"), word_list(["z"]), word_list([])
    ('x and y', 'z', '')
    """
    from babel.lists import format_list

    words = [str(w) for w in words]
    return format_list(words, locale=_locale(lang)) if words else ""
