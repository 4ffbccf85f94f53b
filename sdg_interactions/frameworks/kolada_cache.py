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
  naming the file and the problem) and treated as missing, never raised as an error.

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
import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple

import numpy as np
import pandas as pd

from sdg_interactions.errors import ValidationError, locate
from sdg_interactions.textfile import write_atomic
from sdg_interactions.texts import text

__all__ = [
    "CACHE_ENV", "VALUE_COLUMNS", "KoladaCache", "Missing", "default_cache_dir", "describe_missing", "tidy_values",
]

#: The environment variable that names the cache folder.
CACHE_ENV = "SDG_INTERACTIONS_CACHE"
#: Columns of every value table (the shape of Kolada's v3 data, one row per gender).
VALUE_COLUMNS = ["kpi", "municipality", "period", "gender", "count", "status", "value"]
_FORMAT = 1
_KPI = re.compile(r"[A-Z]\d{5}")
_AREA = re.compile(r"\d{4}")


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
            raise ValidationError(locate("not a Kolada KPI id", value=kpi, valid="a letter and five digits, e.g. "
                                         "N00401"))
        if not _AREA.fullmatch(str(municipality)):
            raise ValidationError(locate("not a Kolada municipality id", value=municipality,
                                         valid="four digits: a kommunkod (0180), a region (0001) or 0000 for Riket"))
        return self.folder / "values" / kpi / f"{municipality}.json"

    def load(self, kpi: str, municipality: str) -> tuple[dict | None, str | None]:
        """Return ``(entry, problem)``: the file's content, or ``None`` and why it cannot be used
        (``problem`` is ``None`` when the file simply does not exist)."""
        path = self.path(kpi, municipality)
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return None, None
        except (OSError, UnicodeDecodeError, ValueError) as err:
            return None, f"{type(err).__name__}: {err}"
        problem = _check_entry(entry, kpi, municipality)
        return (None, problem) if problem else (entry, None)

    def write(self, kpi: str, municipality: str, records: Iterable[dict], *, years: Iterable[int] | None,
              source: str = "") -> None:
        """Store Kolada's value ``records`` for one KPI × area, covering ``years`` (``None``: all years).

        Rows already cached for other years are kept (a readable old file is merged, an unreadable
        one replaced), so fetching 2023 does not forget 2015–2022.
        """
        path = self.path(kpi, municipality)
        new = [[int(r["period"]), str(v.get("gender", "")), int(v.get("count") or 0), str(v.get("status") or ""),
                v.get("value")] for r in records if r.get("kpi") == kpi and str(r.get("municipality")) == municipality
               for v in r.get("values", [])]
        years = None if years is None else sorted({int(y) for y in years})
        old, _ = self.load(kpi, municipality)
        if old is not None and years is not None:
            kept = [row for row in old["values"] if row[0] not in years]
            new = kept + new
            years = None if old["years"] is None else sorted(set(old["years"]) | set(years))
        entry = {"format": _FORMAT, "kpi": kpi, "municipality": municipality, "years": years,
                 "fetched": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"), "source": source,
                 "values": sorted(new, key=lambda row: (row[0], row[1]))}
        path.parent.mkdir(parents=True, exist_ok=True)
        write_atomic(path, json.dumps(entry, ensure_ascii=False, indent=0))

    def read_values(self, kpis: Iterable[str], municipalities: Iterable[str], years: Iterable[int] | None = None,
                    *, lang: str = "sv") -> tuple[pd.DataFrame, list[Missing], list[str]]:
        """Read what the cache holds for ``kpis`` × ``municipalities`` (× ``years``; ``None``: all).

        Returns ``(values, missing, notes)``: a tidy table (:data:`VALUE_COLUMNS`), the holes as
        :class:`Missing` (a KPI × area never fetched, or a year its file does not cover), and notes
        naming damaged files (which count as missing). Touches no network.
        """
        wanted = None if years is None else sorted({int(y) for y in years})
        frames, missing, notes = [], [], []
        for kpi in dict.fromkeys(kpis):
            for area in dict.fromkeys(municipalities):
                entry, problem = self.load(kpi, area)
                if problem:
                    notes.append(text("kolada.note.corrupt", lang, path=self.path(kpi, area), problem=problem))
                if entry is None:
                    missing.extend(Missing(kpi, area, y) for y in (wanted or [None]))
                    continue
                covered = entry["years"]
                if wanted is not None and covered is not None:
                    missing.extend(Missing(kpi, area, y) for y in wanted if y not in covered)
                rows = [row for row in entry["values"] if wanted is None or row[0] in wanted]
                frames.append(tidy_values([{"kpi": kpi, "municipality": area, "period": row[0],
                                            "values": [dict(zip(("gender", "count", "status", "value"), row[1:],
                                                                strict=True))]} for row in rows]))
        values = pd.concat(frames, ignore_index=True) if frames else tidy_values([])
        return values, missing, notes


def _check_entry(entry: object, kpi: str, municipality: str) -> str | None:
    """Why a cache file's content cannot be trusted, or ``None`` if it can."""
    if not isinstance(entry, dict) or entry.get("format") != _FORMAT:
        return "not a cache file of this library"
    if entry.get("kpi") != kpi or entry.get("municipality") != municipality:
        return f"it holds {entry.get('kpi')} × {entry.get('municipality')}"
    years = entry.get("years")
    if years is not None and not (isinstance(years, list) and all(isinstance(y, int) for y in years)):
        return "bad 'years'"
    rows = entry.get("values")
    if not isinstance(rows, list) or not all(
            isinstance(r, list) and len(r) == 5 and isinstance(r[0], int)
            and (r[4] is None or isinstance(r[4], (int, float))) for r in rows):
        return "bad 'values'"
    return None
