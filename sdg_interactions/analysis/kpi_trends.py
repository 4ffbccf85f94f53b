"""The Kolada follow-up table: per SDG target and KPI the kommun's latest value, its trend over the last years,
and whether it is better or worse than the län and Riket, read with the KPI's direction.

The data come from :mod:`sdg_interactions.frameworks.kolada` (the cache, the target → KPI table, fetching);
the arithmetic is here: the least-squares slope (:func:`trend_slope`) and the verdict (:func:`judge`), equal
meaning equal within 1e-9 · max(1, |x|) as in every rank (:func:`~sdg_interactions.analysis.tied`).

Examples
--------
>>> trend_slope([2019, 2020, 2021], [10.0, 12.0, 14.0])
2.0
>>> judge(-0.4, 12.0, "lower"), judge(0.0, 12.0, "higher"), judge(float("nan"), 1.0, "higher")
('better', 'same', '')
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd

from sdg_interactions.analysis._core import tied
from sdg_interactions.frameworks.kolada import (
    DEFAULT_BASE_URL,
    fetch,
    kolada_ids,
    select_kpis,
    target_kpis,
)
from sdg_interactions.frameworks.kolada_cache import KoladaCache, describe_missing
from sdg_interactions.ranges import WINDOW, check
from sdg_interactions.texts import check_lang, text

__all__ = ["FOLLOW_UP_COLUMNS", "follow_up", "judge", "trend_slope"]

FOLLOW_UP_COLUMNS = ["sdg_target", "kpi", "kpi_title", "direction", "kommun", "period", "value", "trend_from",
                     "trend_points", "change", "slope", "trend", "lan", "lan_value", "vs_lan", "riket_value",
                     "vs_riket", "note"]


def trend_slope(years: Sequence[float], values: Sequence[float]) -> float:
    """The least-squares slope per year of ``values`` over ``years``; NaN with fewer than two points.

    .. math:: b = \\frac{\\sum_t (x_t - \\bar x)(y_t - \\bar y)}{\\sum_t (x_t - \\bar x)^2}

    on centred years, so 2021² never enters the sum (no float noise from large squares).

    Examples
    --------
    >>> trend_slope([2020, 2021, 2022, 2023], [5.0, 4.0, 4.0, 3.0])  # Σ(x−x̄)(y−ȳ) = −3, Σ(x−x̄)² = 5
    -0.6
    >>> bool(np.isnan(trend_slope([2023], [1.0])))
    True
    """
    x, y = np.asarray(years, dtype=float), np.asarray(values, dtype=float)
    if len(x) < 2:
        return float("nan")
    x, y = x - x.mean(), y - y.mean()
    return float((x * y).sum() / (x * x).sum())


def judge(difference: float, scale: float, direction: str) -> str:
    """``"better"``, ``"worse"`` or ``"same"`` for a change (or a gap) read with the KPI's direction
    (``"higher"`` or ``"lower"`` is better); ``""`` when the difference is unknown (NaN).

    ``"same"`` when ``|difference|`` is within 1e-9 · max(1, |scale|) of 0, the one tolerance of the package
    (:func:`~sdg_interactions.analysis.tied` on the value and the value plus the difference).

    Examples
    --------
    >>> judge(2.0, 40.0, "higher"), judge(2.0, 40.0, "lower"), judge(1e-12, 40.0, "lower")
    ('better', 'worse', 'same')
    """
    difference, scale = float(difference), float(scale)
    if not np.isfinite(difference):
        return ""
    if bool(tied(abs(scale) + difference, abs(scale))):
        return "same"
    return "better" if (difference > 0) == (direction == "higher") else "worse"


def follow_up(kommun: str | int, targets: Iterable[str] | None = None, *,
              cache: str | os.PathLike | KoladaCache | None = None, online: bool = False,
              base_url: str = DEFAULT_BASE_URL, table: str | os.PathLike | None = None, window: int = 5,
              lang: str = "sv") -> pd.DataFrame:
    """Follow up the SDG targets of a kommun with Kolada KPIs: one row per target × KPI.

    Reads only the cache (no network) unless ``online=True``, which first runs
    :func:`~sdg_interactions.frameworks.kolada.fetch`. Only the total (gender ``T``) values count.

    Parameters
    ----------
    kommun : str or int
        The kommun's name or kommunkod.
    targets : iterable of str, optional
        SDG target ids (default: every target of the table).
    cache : path or KoladaCache, optional
        The local Kolada cache (default: the user's cache folder).
    online : bool
        Fetch first (default False: the cache only).
    base_url : str
        The Kolada API (a loopback stand-in in the tests).
    table : path, optional
        A target → KPI table of one's own (:func:`~sdg_interactions.frameworks.kolada.target_kpis`).
    window : int
        The trend's years: the last ``window`` (2 … 50) years with a value.
    lang : {"sv", "en"}, optional
        The language of ``kpi_title`` and ``note`` (default Swedish).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`FOLLOW_UP_COLUMNS`: ``sdg_target, kpi, kpi_title, direction``, ``kommun``
        (kommunkod); ``period, value``: the latest year with a value and that value; ``trend_from,
        trend_points``: the first year and the number of years of the trend; ``change``: the latest value
        minus the value at ``trend_from``; ``slope``: :func:`trend_slope` over those years (NaN with fewer
        than two); ``trend``: :func:`judge` of the slope (``lower`` is better: a falling slope is
        ``better``); ``lan`` (the län's Kolada id), ``lan_value``, ``riket_value``: their values in
        ``period``; ``vs_lan``, ``vs_riket``: the kommun ``better``/``worse``/``same`` than they; ``note``:
        what is lacking, in ``lang``. Unknown values are NaN or "". ``attrs``: ``missing`` (KPI × area
        never fetched), ``damaged`` (a note per damaged cache file or unusable value, each treated as
        missing), ``notes`` (what is missing, the damaged, why a fetch failed), ``source`` ("Källa: Kolada").

    See Also
    --------
    sdg_interactions.analysis.standing : the kommun against Riket or the median kommun, per KPI and target.

    Examples
    --------
    >>> import tempfile
    >>> from sdg_interactions.frameworks.kolada_cache import KoladaCache
    >>> folder = tempfile.TemporaryDirectory()
    >>> cache = KoladaCache(folder.name)  # Härryda (1401), its län (0014) and Riket (0000), 2020–2022
    >>> for area, values in (("1401", [300.0, 290.0, 270.0]), ("0014", [280.0] * 3), ("0000", [260.0] * 3)):
    ...     cache.write("N01451", area, [{"kpi": "N01451", "municipality": area, "period": year, "values": [
    ...         {"gender": "T", "count": 1, "status": "", "value": v}]} for year, v in zip((2020, 2021, 2022),
    ...         values, strict=True)], years=None)
    >>> t = follow_up("Härryda", ["3.4"], cache=cache)  # N01451, förtida dödsfall: lower is better
    >>> t.loc[t["kpi"] == "N01451", ["period", "value", "slope", "trend", "vs_lan", "vs_riket"]].values.tolist()
    ... # slope: Σ(x−x̄)(y−ȳ) / Σ(x−x̄)² = (−1·13⅓ + 1·(−16⅔)) / 2; 270 is below the län's 280, above Riket's 260
    [[2022, 270.0, -15.0, 'better', 'better', 'worse']]
    >>> t.loc[t["kpi"] == "N60920", "note"].tolist()  # the other KPI of 3.4, never fetched
    ['inga värden för kommunen i cachen']
    >>> folder.cleanup()
    """
    check_lang(lang)
    window = check(window, "window", WINDOW)
    ids = kolada_ids(kommun)
    chosen = select_kpis(target_kpis(table), targets)
    kpis = list(dict.fromkeys(chosen["kpi"]))
    store = cache if isinstance(cache, KoladaCache) else KoladaCache(cache)
    failed = fetch(ids["kommun"], kpis, cache=store, base_url=base_url, lang=lang).failed if online else []
    values, missing, damaged = store.read_values(kpis, list(ids.values()), lang=lang)
    notes = damaged + list(dict.fromkeys(error for *_, error in failed))  # why the fetch left holes
    totals = values[(values["gender"] == "T") & values["value"].notna()].sort_values("period")
    series = {key: group.set_index("period")["value"] for key, group in totals.groupby(["kpi", "municipality"])}
    empty = pd.Series(dtype=float)
    rows = []
    for item in chosen.itertuples(index=False):
        own = series.get((item.kpi, ids["kommun"]), empty)
        row = dict.fromkeys(FOLLOW_UP_COLUMNS, np.nan) | {
            "sdg_target": item.sdg_target, "kpi": item.kpi, "kpi_title": item.kpi_title,
            "direction": item.direction, "kommun": ids["kommun"], "lan": ids["lan"], "trend": "", "vs_lan": "",
            "vs_riket": "", "note": "", "trend_points": len(own.tail(window))}
        if own.empty:
            rows.append(row | {"note": text("kolada.note.no_values", lang)})
            continue
        recent, period = own.tail(window), int(own.index[-1])
        row |= {"period": period, "value": own.iloc[-1], "trend_from": int(recent.index[0]),
                "change": recent.iloc[-1] - recent.iloc[0]}
        lacking = []
        if len(recent) >= 2:
            row["slope"] = trend_slope(recent.index.to_numpy(float), recent.to_numpy(float))
            row["trend"] = judge(row["slope"], row["value"], item.direction)
        else:
            lacking.append(text("kolada.note.one_point", lang))
        for area, column, versus in (("lan", "lan_value", "vs_lan"), ("riket", "riket_value", "vs_riket")):
            other = series.get((item.kpi, ids[area]), empty).get(period, np.nan)
            row[column], row[versus] = other, judge(row["value"] - other, row["value"], item.direction)
            if not np.isfinite(other):
                lacking.append(text("kolada.note.no_period", lang, area=ids[area], period=period))
        rows.append(row | {"note": "; ".join(lacking)})
    frame = pd.DataFrame(rows, columns=FOLLOW_UP_COLUMNS)
    frame = frame.astype({"period": "Int64", "trend_from": "Int64", "trend_points": "int64"})
    whole = [m for m in missing if m.year is None]
    frame.attrs = {"missing": whole, "source": text("kolada.source", lang), "damaged": damaged,
                   "notes": ([describe_missing(whole, lang)] if whole else []) + notes}
    return frame
