"""Fetching every mapped Kolada KPI for every kommun, region and Riket in bulk: :func:`fetch_all`.

* **Areas**: the 290 kommuner, the 21 regions (Kolada's ``00`` + länskod) and Riket (``0000``),
  :func:`all_areas`; **KPIs**: every KPI of the SDG target → KPI table (:func:`~sdg_interactions.frameworks.
  kolada.target_kpis`), or those given.
* **Requests**: Kolada v3 takes id lists, at most :data:`~sdg_interactions.frameworks.kolada.MAX_IDS` (25) a
  list, so one request asks for up to 25 KPIs × 25 areas (× 25 years); a fresh run makes
  ``ceil(kpis / 25) · ceil(areas / 25)`` of them (times the year chunks), :func:`plan_requests`. Each goes
  through :class:`~sdg_interactions.frameworks.kolada.KoladaClient` (paging, retries with back-off,
  timeouts); ``delay`` seconds pass between two requests, to be polite to the API.
* **Resumable**: every answered request is recorded in a ledger in the cache (``<cache>/bulk/fetch_all.json``,
  written atomically after that request's KPI × area files). A run that was killed, or had requests that
  failed, is continued by the next call with the same base URL and years: it asks only for the KPI × area
  pairs the ledger lacks (``skipped`` counts those already there). A run that ended with every request
  answered is complete; the next call starts a new one (fetches everything again), as does ``restart=True``.

Examples
--------
>>> len(all_areas()), all_areas()[:3], all_areas()[-1]
(312, ['0000', '0001', '0003'], '2584')
>>> [(len(k), len(a)) for k, a in plan_requests([f"N{i:05d}" for i in range(30)], all_areas()[:30])]
[(25, 25), (25, 5), (5, 25), (5, 5)]
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.frameworks.catalogues import bundled_table
from sdg_interactions.frameworks.kolada import (
    DEFAULT_BASE_URL,
    MAX_IDS,
    RIKET,
    KoladaClient,
    KoladaError,
    target_kpis,
)
from sdg_interactions.frameworks.kolada_cache import KoladaCache, check_records, parse_json
from sdg_interactions.ranges import Range, check
from sdg_interactions.ranges import years as year_range
from sdg_interactions.textfile import write_atomic
from sdg_interactions.texts import check_lang

__all__ = ["DEFAULT_DELAY", "DELAY", "LEDGER", "BulkResult", "all_areas", "fetch_all", "plan_requests"]

#: Seconds to wait between two requests unless told otherwise.
DEFAULT_DELAY = 0.5
#: The delays one may ask for, in seconds.
DELAY = Range(0, 60, example="0.5")
#: The ledger of a bulk run, inside the cache folder.
LEDGER = "bulk/fetch_all.json"
_FORMAT = 1


def all_areas() -> list[str]:
    """Kolada's ids of every kommun (290), every region (21) and Riket (``0000``), in order."""
    table = bundled_table("kommuner.csv")
    return sorted({RIKET, *table["kolada_region_id"], *table["kommunkod"]})


def _chunks(ids: Sequence[str], size: int = MAX_IDS) -> list[list[str]]:
    return [list(ids[i:i + size]) for i in range(0, len(ids), size)]


def plan_requests(kpis: Sequence[str], areas: Sequence[str],
                  done: Iterable[tuple[str, str]] = ()) -> list[tuple[list[str], list[str]]]:
    """The ``(kpis, areas)`` of each request that fetches the KPI × area pairs not ``done``, each list at
    most :data:`MAX_IDS` long. KPIs that lack the same areas share requests: a fresh plan is
    ``ceil(kpis / 25) · ceil(areas / 25)`` requests, a resumed one only the requests still to make."""
    done = set(done)
    groups: dict[tuple[str, ...], list[str]] = {}
    for kpi in dict.fromkeys(kpis):
        lacking = tuple(a for a in dict.fromkeys(areas) if (kpi, a) not in done)
        if lacking:
            groups.setdefault(lacking, []).append(kpi)
    return [(k, a) for lacking, group in groups.items() for k in _chunks(group) for a in _chunks(lacking)]


@dataclass
class BulkResult:
    """What :func:`fetch_all` did in this call.

    ``requests``: requests made (answered or failed; each with all its pages, retries not counted) of the
    ``planned`` ones; ``values``: numbers cached (one a KPI, area, year and gender; Kolada's ``null`` not
    counted); ``areas`` and ``kpis``: how many of them got at least one number; ``fetched``: KPI × area
    pairs written to the cache (an empty answer counts: it is cached as "no data"); ``skipped``: pairs an
    earlier, interrupted run had fetched already; ``failed``: ``(kpis, areas, error)`` of each request that
    failed after its retries; ``skipped_records``: a line naming each record that could not be read;
    ``complete``: every pair of the run is fetched (the next call starts a new run)."""

    requests: int = 0
    planned: int = 0
    values: int = 0
    areas: int = 0
    kpis: int = 0
    fetched: int = 0
    skipped: int = 0
    failed: list[tuple[list[str], list[str], str]] = field(default_factory=list)
    skipped_records: list[str] = field(default_factory=list)
    complete: bool = False

    @property
    def ok(self) -> bool:
        return not self.failed


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _ledger(store: KoladaCache, base_url: str, years: list[int] | None, restart: bool) -> dict:
    """The ledger of the run to continue, or a new one: another base URL or years, a finished run, a
    file that cannot be read, or ``restart`` start a new run."""
    fresh = {"format": _FORMAT, "base_url": base_url, "years": years, "started": _now(), "finished": None,
             "requests": []}
    if restart:
        return fresh
    try:
        old = parse_json((store.folder / LEDGER).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        return fresh
    usable = (isinstance(old, dict) and old.get("format") == _FORMAT and old.get("base_url") == base_url
              and old.get("years") == years and old.get("finished") is None and isinstance(old.get("requests"), list)
              and all(isinstance(r, dict) and isinstance(r.get("kpis"), list) and isinstance(r.get("areas"), list)
                      for r in old["requests"]))
    return old if usable else fresh


def _save(store: KoladaCache, ledger: dict) -> None:
    path = store.folder / LEDGER
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, json.dumps(ledger, ensure_ascii=False, separators=(",", ":")))


def fetch_all(kpis: Sequence[str] | None = None, areas: Sequence[str] | None = None, *,
              years: Iterable[int] | None = None, cache: str | os.PathLike | KoladaCache | None = None,
              base_url: str = DEFAULT_BASE_URL, client: KoladaClient | None = None,
              table: str | os.PathLike | None = None, delay: float = DEFAULT_DELAY, restart: bool = False,
              progress: Callable[[int, int, int], None] | None = None, lang: str = "sv") -> BulkResult:
    """Fetch ``kpis`` (default: every KPI of :func:`~sdg_interactions.frameworks.kolada.target_kpis`, or of
    ``table``) for ``areas`` (default :func:`all_areas`) from Kolada into the cache, in bulk and resumably
    (see the module docstring); ``years=None`` fetches every year Kolada has.

    ``delay`` (0 … 60 s) is waited between two requests. ``progress(done, total, values)`` is called once
    before the first request and after each one. A request that fails after its retries is recorded in
    ``failed`` and the others go on; the next call asks for its pairs again. A record that cannot be read
    is named in ``skipped_records`` and left out.
    """
    check_lang(lang)
    delay = check(delay, "delay", DELAY)
    store = cache if isinstance(cache, KoladaCache) else KoladaCache(cache)
    client = client or KoladaClient(base_url)
    kpis = list(dict.fromkeys(k.upper() for k in (kpis if kpis is not None else target_kpis(table)["kpi"])))
    areas = list(dict.fromkeys(str(a) for a in (areas if areas is not None else all_areas())))
    if not kpis:
        raise ValidationError(locate(tr("error.kolada.no_kpis"), valid=tr("error.kolada.valid_kpis")))
    if not areas:
        raise ValidationError(locate(tr("error.kolada.no_areas"), valid=tr("error.kolada.valid_areas")))
    for kpi in kpis:  # every id is checked before anything goes online
        store.path(kpi, RIKET)
    for area in areas:
        store.path("N00000", area)
    years = None if years is None else sorted({int(check(y, "years", year_range())) for y in years})
    ledger = _ledger(store, client.base_url, years, restart)
    done = {(k, a) for entry in ledger["requests"] for k in entry["kpis"] for a in entry["areas"]}
    result = BulkResult(skipped=sum((k, a) in done for k in kpis for a in areas))
    plan = [(ks, as_, [path for *_, path in client.value_requests(ks, as_, years)])
            for ks, as_ in plan_requests(kpis, areas, done)]
    result.planned = sum(len(paths) for *_, paths in plan)
    with_values: tuple[set[str], set[str]] = (set(), set())
    if progress:
        progress(0, result.planned, 0)
    for chunk_kpis, chunk_areas, paths in plan:
        records: list[dict] = []
        try:
            for path in paths:
                if result.requests and delay:
                    time.sleep(delay)
                result.requests += 1
                good, skipped = check_records(client.get_all(path), lang)
                records += good
                result.skipped_records += skipped
        except KoladaError as err:
            result.failed.append((chunk_kpis, chunk_areas, err.words(lang)))
            if progress:
                progress(result.requests, result.planned, result.values)
            continue
        by_pair: dict[tuple[str, str], list[dict]] = {}
        for record in records:
            by_pair.setdefault((record["kpi"], record["municipality"]), []).append(record)
        source = client.base_url + paths[0] if len(paths) == 1 else client.base_url
        for kpi in chunk_kpis:
            for area in chunk_areas:
                mine = by_pair.get((kpi, area), [])
                store.write(kpi, area, mine, years=years, source=source)
                numbers = sum(v.get("value") is not None for r in mine for v in r.get("values", []))
                if numbers:
                    with_values[0].add(kpi)
                    with_values[1].add(area)
                result.values += numbers
        result.fetched += len(chunk_kpis) * len(chunk_areas)
        ledger["requests"].append({"kpis": chunk_kpis, "areas": chunk_areas, "at": _now()})
        _save(store, ledger)  # after the files: a kill before this line only repeats this request
        if progress:
            progress(result.requests, result.planned, result.values)
    result.kpis, result.areas = len(with_values[0]), len(with_values[1])
    result.complete = not result.failed
    if result.complete:
        ledger["finished"] = _now()
        _save(store, ledger)
    return result
