"""Swedish numbers everywhere: every number a reader meets in a rendered Swedish text (the reports, the
konsekvens note, the command line; ``tests/rendered.py``), read back with the Swedish locale and written
again by :func:`sdg_interactions.formats.number`, is the number as it was written — "80,8", "−2" (a true
minus), "331 211" (a no-break space between thousands); never "80.803", "-2" or "331211". The English
texts are held to English numbers the same way.

What looks like a number but is no quantity is left out, each kind by a rule below: SDG target ids,
years, dates, clock times, kommunkoder, version strings, addresses and paths.
"""

from __future__ import annotations

import csv
import re
from functools import cache

import pytest
from babel.numbers import NumberFormatError, parse_decimal
from rendered import NAMES, ROOT, Rendered, outputs

from sdg_interactions.formats import LOCALES, number

DATASETS = ROOT / "datasets"

#: Text that holds digits but no quantity, removed before numbers are read:
_NOT_QUANTITIES = re.compile(
    r"https?://\S+|doi:\s*\S+|\b10\.\d{4,}/\S+"  # addresses and DOIs (doi:10.1007/s11625-017-0470-0)
    r"|\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2})?)?"  # ISO dates and times (2026-12-07)
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"  # clock times (14:05)
    r"|\b(?:sdg_interactions|sdg-interactions|version)\s+v?\d[\w.+-]*"  # the package's version ("0.1.0")
    r"|\bv?\d+\.\d+\.\d+[\w.+-]*"  # any other version string (1.2.3, 0.1.0.dev4)
    r"|(?<!\S)[~.]?/\S+|\S+\.(?:csv|xlsx|nc|graphml|html|pdf|docx|md|ipynb|toml|json|txt)\b"  # paths, files
    r"|\b[0-9a-f]{12,}\b"  # hashes
    r"|\b(?:frö|seed)\s+\d+",  # a random seed (frö 20180531) names a draw, it counts nothing
    re.IGNORECASE)

#: A number as written: an optional sign (a hyphen-minus, an en dash or a plus where a minus sign could
#: stand), digits grouped by no-break spaces, then any decimal part or wrongly used separators.
_NUMBER = re.compile(r"(?<![\w.,−+\-–])([−+\-–](?=\d))?(\d+(?:[\u00a0\u202f]\d{3})*(?:[.,]\d+)*)(?!\w)")


@cache
def target_ids() -> frozenset[str]:
    """The ids of the SDG targets (16.6, 12.a) and of every bundled matrix's nodes: ids, not decimals."""
    ids = set()
    with (DATASETS / "sdg_targets_sv.csv").open(encoding="utf-8", newline="") as handle:
        ids |= {row[next(iter(row))] for row in csv.DictReader(handle)}
    for path in (DATASETS / "matrices").rglob("*.csv"):
        if path.name == "catalogue.csv":
            continue
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                ids |= {row.get("source", ""), row.get("target", "")}
    return frozenset(ids - {""})


@cache
def kommunkoder() -> frozenset[str]:
    """The 290 kommunkoder (0180, 1499): codes, not numbers."""
    with (DATASETS / "kommuner.csv").open(encoding="utf-8", newline="") as handle:
        return frozenset(row["kommunkod"] for row in csv.DictReader(handle))


def written_again(sign: str, body: str, lang: str) -> str | None:
    """The number ``sign + body`` read with ``lang``'s locale and written by :func:`number` with as many
    decimals as it shows; None when it cannot be read at all."""
    try:
        value = parse_decimal(body, locale=LOCALES[lang])
    except NumberFormatError:
        return None
    decimals = len(re.split(r"[.,]", body)[-1]) if re.search(r"[.,]", body) else 0
    if sign == "+":
        return "+" + number(value, lang, decimals=decimals)
    return number(-value if sign else value, lang, decimals=decimals)


def wrong_numbers(text: str, lang: str = "sv") -> list[tuple[str, str, str]]:
    """``[(as written, as it should be, context), ...]`` for every number in ``text`` that
    :func:`number` would not write so."""
    text = _NOT_QUANTITIES.sub(" ", text)
    ids, codes = target_ids(), kommunkoder()
    wrong = []
    for match in _NUMBER.finditer(text):
        sign, body = match.group(1) or "", match.group(2)
        if not sign and all(part in ids for part in body.split(",")):
            # an SDG target id or a node id (16.6, 12.a, 8.10), or a list of them as an option takes it
            # ("7.2,11.2"), not a decimal
            continue
        if body in codes:  # a kommunkod (0180), not a number
            continue
        if re.fullmatch(r"\d{4}", body) and not sign:
            # a year (2018, 2030), or a four-digit number, which Swedish may write without the space
            # (Språkrådet, Svenska skrivregler); from 10 000 on the space is required
            continue
        should = written_again(sign, body, lang)
        if should != sign + body:
            around = text[max(0, match.start() - 30): match.end() + 30]
            wrong.append((sign + body, should or "?", " ".join(around.split())))
    return wrong


@pytest.mark.parametrize(("written", "lang"), [
    ("80,8 och 80,803 delmål", "sv"), ("−2 och +3, −0,5", "sv"), ("331\u00a0211 kombinationer", "sv"),
    ("12\u00a0345,5", "sv"), ("1234 och 2030", "sv"), ("delmål 16.6, 12.a och 8.10 (17.11→6.6)", "sv"),
    ("Skapad 2026-12-07 kl. 14:05 med sdg_interactions 0.1.0", "sv"), ("kommun 0180 och 1499", "sv"),
    ("doi:10.1007/s11625-017-0470-0, https://x.se/a-1.5 och /tmp/pytest-3/a.csv", "sv"),
    ("5–95 %, MKM-1, topp-5, 1 … 2000, (+2), 90 %-intervall", "sv"),
    ("80.8 and 331,211 sets, −2", "en"),
])
def test_right_numbers_pass(written, lang):
    assert wrong_numbers(written, lang) == []


@pytest.mark.parametrize(("written", "lang", "found"), [
    ("täckning 80.803", "sv", ("80.803", "80,803")),
    ("|poäng| ≥ 2.27273", "sv", ("2.27273", "2,27273")),
    ("netto -2 och", "sv", ("-2", "−2")),
    ("netto –2 och", "sv", ("–2", "−2")),
    ("totalt 331211 kombinationer", "sv", ("331211", "331\u00a0211")),
    ("medel 0.0", "sv", ("0.0", "0")),
    ("poäng 566.625", "sv", ("566.625", "566,625")),
    ("gain 80,8", "en", ("80,8", "808")),
    ("-5.5", "en", ("-5.5", "−5.5")),
])
def test_wrong_numbers_are_found(written, lang, found):
    assert found in [(got, should) for got, should, _ in wrong_numbers(written, lang)]


@pytest.fixture(scope="module")
def rendered() -> dict[str, Rendered]:
    return outputs()


@pytest.mark.parametrize("name", sorted(NAMES))
def test_every_number_is_written_as_its_language_writes_it(rendered, name):
    if name not in rendered or not rendered[name].text:
        pytest.skip(f"{name} was not rendered (tests/test_glossary.py::test_every_output_renders says why)")
    item = rendered[name]
    wrong = wrong_numbers(item.text, item.lang)
    listed = "\n".join(f"  “{got}” should be “{should}”: …{context}…" for got, should, context in wrong[:40])
    more = f"\n  … and {len(wrong) - 40} more" if len(wrong) > 40 else ""
    assert not wrong, (f"{name} ({item.lang}): {len(wrong)} numbers not written by formats.number:\n"
                       f"{listed}{more}")
