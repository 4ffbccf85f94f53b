"""The on-disk cache of Kolada values, and Kolada's value records as a tidy table.

Layout: one JSON file per KPI × area (kommun, region or Riket), ``<folder>/values/<kpi>/<area>.json``,
holding the rows Kolada returned and the years they cover (``null``: every year Kolada had when it was
fetched). A year that was asked for and came back empty is *cached as empty*, not missing.

* **Folder**: ``$SDG_INTERACTIONS_CACHE`` if set, else ``~/.cache/sdg_interactions/kolada``.
* **Atomic writes**: each file is written by the project's one atomic writer,
  :func:`~sdg_interactions.textfile.write_atomic`: to a temporary file in the same folder
  (``.<name>.<random>.part.json``), ``fsync``-ed, moved over the old one with :func:`os.replace`, the folder
  ``fsync``-ed. A reader sees the old file or the new one, never half of one; a process killed mid-write
  leaves at most such a hidden file, which readers ignore (they open files by their exact name).
* **Reading** never trusts a file: one that is not valid JSON of the expected shape is reported (a note
  naming the file and the problem) and treated as missing, never raised as an error. Within a good file, a
  value that is no finite number of plausible size (``NaN``, ``Infinity``, text, ``|x| ≥ 10¹⁵``,
  :func:`usable_value`) or a row that is no ``[year, gender, count, status, value]`` is treated as missing
  and named in a note; the rest of the file is used.
* **Kolada's records** pass :func:`check_records` before they are cached: a record whose ids, period or
  values cannot be read (``"2021; rm -rf"``, ``"31,5"``, ``NaN``) is named and skipped, the rest kept.

Examples
--------
>>> import tempfile
>>> cache = KoladaCache(tempfile.mkdtemp())
>>> record = {"kpi": "N00945", "municipality": "0180", "period": 2020,
...           "values": [{"gender": "T", "count": 1, "status": "", "value": 31.5}]}
>>> cache.write("N00945", "0180", [record], years=[2019, 2020])
>>> frame, missing, notes = cache.read_values(["N00945"], ["0180", "1480"], years=[2020])
>>> frame[["kpi", "municipality", "period", "value"]].values.tolist()
[['N00945', '0180', 2020, 31.5]]
>>> [tuple(m) for m in missing], notes
([('N00945', '1480', 2020)], [])
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from sdg_interactions.errors import ValidationError, locate, shorten, tr
from sdg_interactions.textfile import write_atomic
from sdg_interactions.texts import text

__all__ = [
    "CACHE_ENV", "MAX_VALUE", "VALUE_COLUMNS", "KoladaCache", "Missing", "check_records", "default_cache_dir",
    "describe_missing", "parse_json", "tidy_values", "usable_value",
]

#: The environment variable that names the cache folder.
CACHE_ENV = "SDG_INTERACTIONS_CACHE"
#: Columns of every value table (the shape of Kolada's v3 data, one row per gender).
VALUE_COLUMNS = ["kpi", "municipality", "period", "gender", "count", "status", "value"]
#: A Kolada value must be smaller than this in size (|x| < 10¹⁵); a larger one is treated as missing.
MAX_VALUE = 1e15
_FORMAT = 1
_KPI = re.compile(r"[A-Z][0-9]{5}")
_AREA = re.compile(r"[0-9]{4}")


class _Constant(str):
    """``NaN``, ``Infinity`` or ``-Infinity`` as JSON wrote it: kept as text, so it is never a number."""


def parse_json(data: str | bytes) -> object:
    """:func:`json.loads` that reads ``NaN`` and ``Infinity`` (not JSON, but Python writes them) as text,
    which :func:`usable_value` refuses — never as a float that would break a report."""
    return json.loads(data, parse_constant=_Constant)


def usable_value(value: object) -> bool:
    """Whether a Kolada value can be used: ``None`` (Kolada's "no value") or a finite number, |x| < 10¹⁵.

    Examples
    --------
    >>> [usable_value(v) for v in (None, 31.5, -2, float("inf"), 1e308, "31,5", True)]
    [True, True, True, False, False, False, False]
    """
    if value is None:
        return True
    return (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
            and abs(value) < MAX_VALUE)


def _year(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= dt.date.today().year + 1


def _record_problem(record: object) -> tuple[str, object] | None:
    """``(what, value)`` of the first thing in a Kolada value record that cannot be read, or ``None``."""
    if not isinstance(record, dict):
        return "record", record
    for key, pattern in (("kpi", _KPI), ("municipality", _AREA)):
        if not isinstance(record.get(key), str) or not pattern.fullmatch(record[key]):
            return key, record.get(key)
    if not _year(record.get("period")):
        return "period", record.get("period")
    items = record.get("values", [])
    if not isinstance(items, list):
        return "values", items
    for item in items:
        if not isinstance(item, dict):
            return "values", item
        count = item.get("count")
        if count is not None and (isinstance(count, bool) or not isinstance(count, int) or count < 0):
            return "count", count
        for key in ("gender", "status"):
            if item.get(key) is not None and not isinstance(item[key], str):
                return key, item[key]
        if not usable_value(item.get("value")):
            return "value", item.get("value")
    return None


def check_records(records: Iterable[object], lang: str = "sv") -> tuple[list[dict], list[str]]:
    """Kolada's value records split into those that can be read and a line naming each one skipped
    (KPI, area, period and the bad part, at most 80 characters of it).

    Examples
    --------
    >>> good, skipped = check_records([
    ...     {"kpi": "N00945", "municipality": "0180", "period": 2021, "values": [{"gender": "T", "value": 31.5}]},
    ...     {"kpi": "N00945", "municipality": "0180", "period": "2021; rm -rf", "values": []},
    ...     {"kpi": "N00945", "municipality": "0180", "period": 2020, "values": [{"gender": "T", "value": "31,5"}]}],
    ...     lang="en")
    >>> len(good), skipped
    (1, ["Skipped a record from Kolada: N00945 × 0180 × '2021; rm -rf': the period is no year: '2021; rm -rf'.", "Skipped a record from Kolada: N00945 × 0180 × 2020: the value is no finite number below 10¹⁵: '31,5'."])
    """  # noqa: E501
    good, skipped = [], []
    for record in records:
        problem = _record_problem(record)
        if problem is None:
            good.append(record)
            continue
        what, value = problem
        where = record if isinstance(record, dict) else {}
        period = where.get("period")
        skipped.append(text("kolada.skipped.line", lang, kpi=shorten(where.get("kpi", "?"), 20),
                            area=shorten(where.get("municipality", "?"), 20),
                            period=period if _year(period) else repr(shorten(period, 30)),
                            problem=text(f"kolada.skipped.{what}", lang), value=repr(shorten(value))))
    return good, skipped


class Missing(NamedTuple):
    """One hole in the cache: a KPI × area, for one ``year`` or (``None``) for every year."""

    kpi: str
    municipality: str
    year: int | None


def default_cache_dir() -> Path:
    """The cache folder: ``$SDG_INTERACTIONS_CACHE`` if set, else ``~/.cache/sdg_interactions/kolada``."""
    env = os.environ.get(CACHE_ENV, "").strip()
    return Path(env).expanduser() if env else Path.home() / ".cache" / "sdg_interactions" / "kolada"


def tidy_values(records: Iterable[dict]) -> pd.DataFrame:
    """Kolada value records (``{"kpi", "municipality", "period", "values": [{"gender", ...}]}``) as a
    tidy table with :data:`VALUE_COLUMNS`: one row per gender, ``value`` NaN where Kolada has null.

    Examples
    --------
    >>> tidy_values([{"kpi": "N00945", "municipality": "0180", "period": 2000, "values": [
    ...     {"gender": "T", "count": 1, "status": "", "value": 31.33},
    ...     {"gender": "K", "count": 1, "status": "", "value": None}]}]).values.tolist()
    [['N00945', '0180', 2000, 'T', 1, '', 31.33], ['N00945', '0180', 2000, 'K', 1, '', nan]]
    """
    rows = [(str(r["kpi"]), str(r["municipality"]), int(r["period"]), str(v.get("gender", "")),
             int(v.get("count") or 0), str(v.get("status") or ""),
             np.nan if v.get("value") is None else float(v["value"]))
            for r in records for v in r.get("values", [])]
    frame = pd.DataFrame(rows, columns=VALUE_COLUMNS)
    return frame.astype({"period": "int64", "count": "int64", "value": "float64"})


def describe_missing(missing: Iterable[Missing], lang: str = "sv", *, limit: int = 12) -> str:
    """One line naming what is missing: ``"N00401 × 0180 (alla år), N00945 × 0001 × 2019, …"``."""
    items = [f"{m.kpi} × {m.municipality} × {m.year}" if m.year is not None
             else f"{m.kpi} × {m.municipality} ({text('kolada.all_years', lang)})" for m in missing]
    shown = ", ".join(items[:limit]) + (f", … (+{len(items) - limit})" if len(items) > limit else "")
    return text("kolada.note.missing", lang, n=len(items), items=shown)


class KoladaCache:
    """The Kolada cache in ``folder`` (default :func:`default_cache_dir`); see the module docstring."""

    def __init__(self, folder: str | os.PathLike | None = None):
        self.folder = Path(folder).expanduser() if folder is not None else default_cache_dir()

    def __repr__(self) -> str:
        return f"KoladaCache({str(self.folder)!r})"

    def path(self, kpi: str, municipality: str) -> Path:
        """The file of one KPI × area; the ids are checked, so no path can leave the folder."""
        if not _KPI.fullmatch(str(kpi)):
            raise ValidationError(locate(tr("error.apps.frameworks.kpi_id"), value=kpi,
                                         valid=tr("error.apps.frameworks.valid_kpi_id")))
        if not _AREA.fullmatch(str(municipality)):
            raise ValidationError(locate(tr("error.apps.frameworks.area_id"), value=municipality,
                                         valid=tr("error.apps.frameworks.valid_area_id")))
        return self.folder / "values" / kpi / f"{municipality}.json"

    def load(self, kpi: str, municipality: str) -> tuple[dict | None, str | None]:
        """Return ``(entry, problem)``: the file's content, or ``None`` and why it cannot be used
        (``problem`` is ``None`` when the file simply does not exist).

        A row that is no ``[year, gender, count, status, value]`` is left out and a value that is not
        :func:`usable_value` set to ``None`` (missing); ``entry["damaged"]`` lists those rows as found."""
        path = self.path(kpi, municipality)
        try:
            entry = parse_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None, None
        except (OSError, UnicodeDecodeError, ValueError, RecursionError) as err:
            return None, shorten(f"{type(err).__name__}: {err}", 160)
        problem = _check_entry(entry, kpi, municipality)
        if problem:
            return None, problem
        rows, damaged = [], []
        for row in entry["values"]:
            if not (isinstance(row, list) and len(row) == 5 and _year(row[0]) and isinstance(row[1], str)
                    and isinstance(row[2], int) and not isinstance(row[2], bool) and isinstance(row[3], str)):
                damaged.append(row)
            elif not usable_value(row[4]):
                damaged.append(row)
                rows.append([*row[:4], None])
            else:
                rows.append(row)
        return {**entry, "values": rows, "damaged": damaged}, None

    def write(self, kpi: str, municipality: str, records: Iterable[dict], *, years: Iterable[int] | None,
              source: str = "") -> None:
        """Store Kolada's value ``records`` for one KPI × area, covering ``years`` (``None``: all years).

        Rows already cached for other years are kept (a readable old file is merged, an unreadable
        one replaced), so fetching 2023 does not forget 2015–2022.
        """
        path = self.path(kpi, municipality)
        records, _ = check_records(records)  # what cannot be read is never cached (fetch names it)
        new = [[int(r["period"]), str(v.get("gender") or ""), int(v.get("count") or 0), str(v.get("status") or ""),
                v.get("value")] for r in records if r.get("kpi") == kpi and str(r.get("municipality")) == municipality
               for v in r.get("values", [])]
        years = None if years is None else sorted({int(y) for y in years})
        old = self.load(kpi, municipality)[0] if years is not None else None  # all years: nothing to keep
        if old is not None:
            kept = [row for row in old["values"] if row[0] not in years]
            new = kept + new
            years = None if old["years"] is None else sorted(set(old["years"]) | set(years))
        entry = {"format": _FORMAT, "kpi": kpi, "municipality": municipality, "years": years,
                 "fetched": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "source": source,
                 "values": sorted(new, key=lambda row: (row[0], row[1]))}
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(entry, ensure_ascii=False, separators=(",", ":"), allow_nan=False))

    def read_values(self, kpis: Iterable[str], municipalities: Iterable[str], years: Iterable[int] | None = None,
                    *, lang: str = "sv") -> tuple[pd.DataFrame, list[Missing], list[str]]:
        """Read what the cache holds for ``kpis`` × ``municipalities`` (× ``years``; ``None``: all).

        Returns ``(values, missing, notes)``: a tidy table (:data:`VALUE_COLUMNS`), the holes as
        :class:`Missing` (a KPI × area never fetched, or a year its file does not cover), and notes
        naming damaged files (which count as missing). Touches no network.
        """
        wanted = None if years is None else sorted({int(y) for y in years})
        records, missing, notes = [], [], []
        for kpi in dict.fromkeys(kpis):
            for area in dict.fromkeys(municipalities):
                entry, problem = self.load(kpi, area)
                if problem:
                    notes.append(text("kolada.note.corrupt", lang, path=self.path(kpi, area), problem=problem))
                for row in (entry or {}).get("damaged", []):  # treated as missing, and named
                    notes.append(text("kolada.note.damaged", lang, path=self.path(kpi, area),
                                      row=shorten(json.dumps(row, ensure_ascii=False, default=str))))
                if entry is None:
                    missing.extend(Missing(kpi, area, y) for y in (wanted or [None]))
                    continue
                covered = entry["years"]
                if wanted is not None and covered is not None:
                    missing.extend(Missing(kpi, area, y) for y in wanted if y not in covered)
                records.extend({"kpi": kpi, "municipality": area, "period": row[0],
                                "values": [dict(zip(("gender", "count", "status", "value"), row[1:], strict=True))]}
                               for row in entry["values"] if wanted is None or row[0] in wanted)
        return tidy_values(records), missing, notes


def _check_entry(entry: object, kpi: str, municipality: str) -> str | None:
    """Why a cache file's content cannot be trusted, or ``None`` if it can."""
    if not isinstance(entry, dict) or entry.get("format") != _FORMAT:
        return "not a cache file of this library"
    if entry.get("kpi") != kpi or entry.get("municipality") != municipality:
        return f"it holds {entry.get('kpi')} × {entry.get('municipality')}"
    years = entry.get("years")
    if years is not None and not (isinstance(years, list) and all(isinstance(y, int) for y in years)):
        return "bad 'years'"
    if not isinstance(entry.get("values"), list):  # its rows are checked one by one (KoladaCache.load)
        return "bad 'values'"
    return None
