"""``sdg-interactions kolada fetch``: fill the Kolada cache for a kommun, its län and Riket
(:mod:`sdg_interactions.frameworks.kolada`). Reports read that cache only unless told to go online."""

from __future__ import annotations

import argparse
import functools
import re
import sys

from sdg_interactions import ranges
from sdg_interactions.errors import ValidationError, shorten
from sdg_interactions.frameworks.kolada import DEFAULT_BASE_URL, fetch
from sdg_interactions.frameworks.kolada_cache import KoladaCache
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["SHOWN_SKIPPED", "add_kolada_parser", "run_kolada_fetch"]

#: At most this many skipped records are named one by one; a line counts the rest.
SHOWN_SKIPPED = 20


def _years(value: str | None, lang: str = "sv") -> list[int] | None:
    """``--years``: years and spans (``2015-2024,2026``), each year in :func:`sdg_interactions.ranges.years`."""
    if not value:
        return None
    years: list[int] = []
    for part in value.replace(" ", "").split(","):
        first, dash, last = part.partition("-") if re.fullmatch(r"\d+-\d+", part) else (part, "", "")
        low = ranges.parse(first, "--years", ranges.years(), lang=lang)
        high = ranges.parse(last, "--years", ranges.years(), lang=lang) if dash else low
        if high < low:
            raise ValidationError(text("kolada.fetch.bad_span", lang, value=shorten(part)))
        years += range(low, high + 1)
    return years


def add_kolada_parser(subparsers, lang: str = "sv") -> argparse.ArgumentParser:
    """Add ``kolada fetch`` to the ``sdg-interactions`` sub-commands, help in ``lang``; returns the ``kolada``
    parser."""
    t = functools.partial(text, lang=lang)
    kolada = subparsers.add_parser("kolada", help=t("kolada.fetch.group_help"),
                                   description=t("kolada.fetch.group_help"))
    kolada.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("kolada.fetch.arg_lang"))
    steps = kolada.add_subparsers(dest="step", required=True)
    step = steps.add_parser("fetch", help=t("kolada.fetch.help"), description=t("kolada.fetch.help"))
    step.add_argument("--kommun", required=True, help=t("cli.arg.kommun"))
    step.add_argument("--kpi", action="append", metavar="ID[,ID]", help=t("kolada.fetch.arg_kpi"))
    step.add_argument("--years", metavar="YEARS", help=t("ranges.help.kolada_years"))
    step.add_argument("--cache", metavar="DIR", help=t("kolada.fetch.arg_cache"))
    step.add_argument("--base-url", default=DEFAULT_BASE_URL, help=t("kolada.fetch.arg_base_url", url=DEFAULT_BASE_URL))
    step.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("kolada.fetch.arg_lang"))
    step.set_defaults(run=run_kolada_fetch)
    return kolada


def run_kolada_fetch(args: argparse.Namespace) -> int:
    """``sdg-interactions kolada fetch``: 0 if everything was fetched, 1 if some requests failed;
    bad input raises the library's errors (the CLI turns them into exit code 2). A record Kolada sent
    that cannot be read is named on stderr and left out (the fetch still exits 0)."""
    kpis = [k.strip().upper() for item in (args.kpi or []) for k in item.split(",") if k.strip()] or None
    store = KoladaCache(args.cache)
    result = fetch(args.kommun, kpis, years=_years(args.years, args.lang), cache=store,
                   base_url=getattr(args, "base_url", DEFAULT_BASE_URL), lang=args.lang)
    for note in result.notes:
        print(note)
    for line in result.skipped[:SHOWN_SKIPPED]:  # named and left out; the rest was cached (exit 0)
        print(line, file=sys.stderr)
    if len(result.skipped) > SHOWN_SKIPPED:
        print(text("kolada.skipped.more", args.lang, n=len(result.skipped) - SHOWN_SKIPPED), file=sys.stderr)
    failures: dict[str, tuple[dict, dict]] = {}  # error -> (KPIs, areas), each in order and once
    for kpi, area, error in result.failed:
        failed_kpis, areas = failures.setdefault(error, ({}, {}))
        failed_kpis[kpi], areas[area] = None, None
    for error, (failed_kpis, areas) in failures.items():
        print(text("kolada.fetch.failed", args.lang, kpis=",".join(failed_kpis), areas=",".join(areas), error=error))
    n = len(result.fetched) + len(result.failed)
    print(text("kolada.fetch.summary", args.lang, n_ok=len(result.fetched), n=n, cache=store.folder,
               n_failed=len(result.failed)))
    print(text("kolada.source", args.lang))
    return 0 if result.ok else 1
