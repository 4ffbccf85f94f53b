"""``sdg-interactions kolada fetch``: fill the Kolada cache for a kommun, its län and Riket
(:mod:`sdg_interactions.frameworks.kolada`), or with ``--all`` for every kommun, region and Riket in bulk
(:mod:`sdg_interactions.frameworks.kolada_bulk`, resumable). Reports read that cache only unless told to go
online."""

from __future__ import annotations

import argparse
import functools
import re
import sys

from sdg_interactions import formats, ranges
from sdg_interactions.errors import ValidationError, shorten
from sdg_interactions.frameworks.kolada import DEFAULT_BASE_URL, fetch
from sdg_interactions.frameworks.kolada_bulk import DEFAULT_DELAY, DELAY, fetch_all
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
    which = step.add_mutually_exclusive_group(required=True)
    which.add_argument("--kommun", help=t("cli.arg.kommun"))
    which.add_argument("--all", action="store_true", help=t("kolada.bulk.arg_all"))
    step.add_argument("--kpi", action="append", metavar="ID[,ID]", help=t("kolada.fetch.arg_kpi"))
    step.add_argument("--years", metavar="YEARS", help=t("ranges.help.kolada_years"))
    step.add_argument("--cache", metavar="DIR", help=t("kolada.fetch.arg_cache"))
    step.add_argument("--base-url", default=DEFAULT_BASE_URL, help=t("kolada.fetch.arg_base_url", url=DEFAULT_BASE_URL))
    step.add_argument("--delay", metavar="S", default=str(DEFAULT_DELAY),
                      help=t("kolada.bulk.arg_delay", delay=formats.number(DEFAULT_DELAY, lang)))
    step.add_argument("--restart", action="store_true", help=t("kolada.bulk.arg_restart"))
    step.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("kolada.fetch.arg_lang"))
    step.set_defaults(run=run_kolada_fetch)
    return kolada


def run_kolada_fetch(args: argparse.Namespace) -> int:
    """``sdg-interactions kolada fetch``: 0 if everything was fetched, 1 if some requests failed;
    bad input raises the library's errors (the CLI turns them into exit code 2). A record Kolada sent
    that cannot be read is named on stderr and left out (the fetch still exits 0)."""
    kpis = [k.strip().upper() for item in (args.kpi or []) for k in item.split(",") if k.strip()] or None
    store = KoladaCache(args.cache)
    if getattr(args, "all", False):
        return _run_all(args, kpis, store)
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


class _Progress:
    """Progress of ``--all`` on stderr: a tqdm bar on a terminal, else a line per request."""

    def __init__(self, lang: str):
        self.lang, self.bar = lang, None
        self.terminal = sys.stderr.isatty()

    def __call__(self, done: int, total: int, values: int) -> None:
        if self.terminal:
            if self.bar is None:
                from tqdm import tqdm

                self.bar = tqdm(total=total, desc="Kolada", unit=text("kolada.bulk.unit", self.lang),
                                file=sys.stderr, leave=True)
            self.bar.update(done - self.bar.n)
            self.bar.set_postfix_str(text("kolada.bulk.bar_values", self.lang,
                                          values=formats.number(values, self.lang)), refresh=False)
        elif done:
            print(text("kolada.bulk.progress", self.lang, done=done, total=total,
                       values=formats.number(values, self.lang)), file=sys.stderr, flush=True)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _run_all(args: argparse.Namespace, kpis: list[str] | None, store: KoladaCache) -> int:
    """``kolada fetch --all``: every KPI of the target table (or ``--kpi``) for every kommun, region and Riket."""
    lang = args.lang
    delay = ranges.parse(str(getattr(args, "delay", DEFAULT_DELAY)), "--delay", DELAY, lang=lang)
    progress = _Progress(lang)
    try:
        result = fetch_all(kpis, years=_years(args.years, lang), cache=store, delay=delay,
                           base_url=getattr(args, "base_url", DEFAULT_BASE_URL), restart=args.restart,
                           progress=progress, lang=lang)
    finally:
        progress.close()
    for line in result.skipped_records[:SHOWN_SKIPPED]:
        print(line, file=sys.stderr)
    if len(result.skipped_records) > SHOWN_SKIPPED:
        print(text("kolada.skipped.more", lang, n=len(result.skipped_records) - SHOWN_SKIPPED), file=sys.stderr)
    for failed_kpis, areas, error in result.failed:
        print(text("kolada.fetch.failed", lang, kpis=",".join(failed_kpis), areas=",".join(areas), error=error))
    n = functools.partial(formats.number, lang=lang)
    print(text("kolada.bulk.summary", lang, requests=n(result.requests), failed=n(len(result.failed)),
               values=n(result.values), areas=n(result.areas), kpis=n(result.kpis), cache=store.folder))
    if result.skipped:
        print(text("kolada.bulk.resumed", lang, skipped=n(result.skipped)))
    print(text("kolada.bulk.complete" if result.complete else "kolada.bulk.incomplete", lang))
    print(text("kolada.source", lang))
    return 0 if result.ok else 1
