"""Where a kommun stands (the nulägesbild) and which nodes pull the targets that lag.

:func:`standing` compares a kommun's Kolada values with riket (or with all kommuner) for every KPI mapped
to a node and sums the verdicts up per node; :func:`levers_for_what_lags` ranks the nodes of a matrix by how
much they promote the nodes that lag. Numbers only: a report section words them. Kolada's values are facts
with their source and year; the node → KPI table (:func:`~sdg_interactions.frameworks.kolada.target_kpis`)
is the project's proposal. Equal means equal within 1e-9 · max(1, |x|), as in every rank.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.analysis._core import PROVENANCE_ATTRS, adjacency, at_least, rank_descending
from sdg_interactions.analysis.synergies import sdg_synergies
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.frameworks import kommuner, node_info, node_sort_key
from sdg_interactions.frameworks.kolada import RIKET, kolada_ids
from sdg_interactions.matrix import NODE, node_ids, single_matrix
from sdg_interactions.ranges import WINDOW
from sdg_interactions.texts import catalogue, check_lang, text

__all__ = ["COMPARE_TO", "KPI_STANDING_COLUMNS", "LEVER_COLUMNS", "NODE_VARIABLES", "STANDINGS", "Standing",
           "levers_for_what_lags", "standing"]

#: The verdicts, per KPI and per node.
STANDINGS = ("behind", "level", "ahead", "unknown")
#: What :func:`standing` compares the kommun with.
COMPARE_TO = ("riket", "kommuner")
#: The columns of :attr:`Standing.kpis`.
KPI_STANDING_COLUMNS = ("sdg_target", "kpi", "kpi_title", "direction", "kommun", "compare_to", "period", "value",
                        "reference", "difference", "allowance", "percentile", "n_kommuner", "standing")
#: The variables of :attr:`Standing.nodes`.
NODE_VARIABLES = ("standing", "need", "kpis", "kpis_with_data", "kpis_behind", "kpis_level", "kpis_ahead")
#: The columns of :func:`levers_for_what_lags`.
LEVER_COLUMNS = ("node", "label_sv", "label_en", "standing", "pulls_behind", "n_behind", "systemic", "rank")
_UNITS = {"standing": "category", "need": "share", **dict.fromkeys(NODE_VARIABLES[2:], "count")}
_VALUES, _KPIS = "error.nulage.what_values", "error.nulage.what_kpis"
_DIRECTIONS = ("higher", "lower")


@dataclass(frozen=True)
class Standing:
    """The result of :func:`standing`.

    Attributes
    ----------
    nodes : xarray.Dataset
        Per node on the ``"node"`` dim (natural order), as every per-node result: :data:`NODE_VARIABLES`
        with ``long_name`` and ``units`` attrs, coordinates ``label_sv`` and ``label_en``.
    kpis : pandas.DataFrame
        One row per row of the KPI table: :data:`KPI_STANDING_COLUMNS`.
    attrs : dict
        ``kommun`` (Kolada id), ``compare_to``, ``margin``, ``window``, ``source``; also on nodes and kpis.
    """

    nodes: xr.Dataset
    kpis: pd.DataFrame
    attrs: dict = field(default_factory=dict)

    @property
    def behind(self) -> list[str]:
        """The nodes that lag, in natural order."""
        return self.nodes[NODE].values[self.nodes["standing"].values == "behind"].astype(str).tolist()


def _finite(value: object) -> float | None:
    """``value`` as a finite float, or None if it is no such number (a bool, text, inf, nan, 10**400)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        return None
    try:
        return float(value) if math.isfinite(value) else None
    except OverflowError:  # an int beyond float
        return None


def _check_options(margin: object, window: object, compare_to: object) -> tuple[float, int]:
    if not isinstance(compare_to, str) or compare_to not in COMPARE_TO:
        raise ValidationError(locate(tr("error.nulage.unknown_compare_to"), value=compare_to,
                                     valid=tr("error.nulage.valid_compare_to")))
    number = _finite(margin)
    if number is None or number < 0:
        raise ValidationError(locate(tr("error.nulage.margin"), value=margin, valid=tr("error.nulage.valid_margin")))
    years = _finite(window)
    if years is None or not years.is_integer() or not 1 <= years <= WINDOW.high:
        raise ValidationError(locate(tr("error.nulage.window", high=int(WINDOW.high)), value=window,
                                     valid=tr("error.nulage.valid_window")))
    return number, int(years)


def _table(frame: object, what: str, columns: tuple[str, ...]) -> pd.DataFrame:
    if not isinstance(frame, pd.DataFrame):
        raise ValidationError(tr("error.nulage.not_a_table", what=tr(what), type=type(frame).__name__))
    if lacking := [c for c in columns if c not in frame.columns]:
        raise ValidationError(locate(tr("error.nulage.missing_columns", what=tr(what)), value=", ".join(lacking),
                                     valid=tr("error.nulage.valid_columns", columns=", ".join(columns))))
    return frame


def _totals(values: object) -> pd.DataFrame:
    """The gender ``T`` rows with a value: ``kpi, municipality, period, value``, checked, no duplicates."""
    frame = _table(values, _VALUES, ("kpi", "municipality", "period", "gender", "value"))
    rows = frame.loc[frame["gender"].astype(str).str.strip() == "T"]
    raw = rows["value"]
    blank = raw.map(lambda v: isinstance(v, str) and not v.strip()).astype(bool)
    value = pd.to_numeric(raw.where(~blank), errors="coerce").astype(float)
    if (bad := (value.isna() & raw.notna() & ~blank) | np.isinf(value)).any():
        raise ValidationError(locate(tr("error.nulage.not_number", what=tr(_VALUES)), column="value",
                                     value=raw[bad].iloc[0], valid=tr("error.nulage.valid_number")))
    period = pd.to_numeric(rows["period"], errors="coerce").astype(float)
    if (bad := ~np.isfinite(period) | (period != np.round(period))).any():
        raise ValidationError(locate(tr("error.nulage.not_year", what=tr(_VALUES)), column="period",
                                     value=rows["period"][bad].iloc[0], valid=tr("error.nulage.valid_year")))
    area = rows["municipality"].astype(str).str.strip()
    area = area.where(~area.str.fullmatch(r"[0-9]{1,3}"), area.str.zfill(4))  # 180 read from a CSV is 0180
    totals = pd.DataFrame({"kpi": rows["kpi"].astype(str).str.strip(), "municipality": area,
                           "period": period.fillna(0).astype(np.int64), "value": value})
    totals = totals[totals["value"].notna()].drop_duplicates()
    if (clash := totals.duplicated(["kpi", "municipality", "period"], keep=False)).any():
        kpi, area, year, _ = totals[clash].iloc[0]
        raise ValidationError(locate(tr("error.nulage.conflicting", what=tr(_VALUES)), value=f"{kpi} × {area} × {year}"
                                     " × T", valid=tr("error.nulage.valid_conflicting")))
    return totals


def _kpi_table(kpis: object) -> pd.DataFrame:
    frame = _table(kpis, _KPIS, ("sdg_target", "kpi", "direction"))
    direction = frame["direction"].astype(str).str.strip().str.lower()
    if (bad := ~direction.isin(_DIRECTIONS)).any():
        raise ValidationError(locate(tr("error.nulage.unknown_direction", what=tr(_KPIS)), column="direction",
                                     value=frame["direction"][bad].iloc[0], valid=tr("error.nulage.valid_direction")))
    title = frame["kpi_title"].fillna("").astype(str) if "kpi_title" in frame.columns else ""
    ids = {column: frame[column].astype(str).str.strip() for column in ("sdg_target", "kpi")}
    return pd.DataFrame({**ids, "kpi_title": title, "direction": direction}).reset_index(drop=True)


def _latest(sub: pd.DataFrame, kommun: str, compare_to: str, window: int, members: set[str]):
    """``(period, value, reference, others, n_kommuner)`` of one KPI's totals, or None if no year fits."""
    recent = sub[sub["period"] > sub["period"].max() - window]  # the last `window` years of the KPI's data
    own = recent[recent["municipality"] == kommun].set_index("period")["value"]
    if compare_to == "riket":
        riket = recent[recent["municipality"] == RIKET].set_index("period")["value"]
        common = own.index.intersection(riket.index)
        if common.empty:
            return None
        year = int(common.max())
        return year, float(own[year]), float(riket[year]), None, None
    peers = recent[recent["municipality"].isin(members)]
    counts = peers.groupby("period").size()
    years = [int(y) for y in own.index if counts.get(y, 0) >= 2]  # the kommun and at least one other
    if not years:
        return None
    year = max(years)
    that_year = peers[peers["period"] == year]
    others = that_year.loc[that_year["municipality"] != kommun, "value"].to_numpy(dtype=float)
    return year, float(own[year]), float(np.median(that_year["value"])), others, len(that_year)


def _verdict(difference: float, allowance: float) -> str:
    """behind / ahead when the (direction-signed) difference passes the allowance, else level."""
    if not at_least(difference, -allowance):
        return "behind"
    return "ahead" if not at_least(allowance, difference) else "level"


def _describe(result: xr.Dataset, lang: str) -> xr.Dataset:
    entries = catalogue()
    for name in result.data_vars:
        key = next(k for k in (f"variables.long_name.{name}", f"error.nulage.long_name.{name}") if k in entries)
        result[name].attrs.update(long_name=text(key, lang), units=text(f"variables.units.{_UNITS[name]}", lang))
    return result


def standing(values: pd.DataFrame, kpis: pd.DataFrame, kommun: str, *, margin: float = 0.05, window: int = 5,
             compare_to: str = "riket", lang: str = "sv") -> Standing:
    """Say per KPI and per node whether a kommun lies behind, level with or ahead of riket (or the kommuner).

    For every row (node j, KPI k) of ``kpis``, with only the total rows (gender ``T``) of ``values``:

    * **year**: the latest year in the last ``window`` years of k's data (``newest − window < year ≤
      newest``, newest = the newest year with a value for k of any area in ``values``) in which the kommun
      and the reference have a value; none → ``unknown``, never guessed;
    * **reference** ``R``: riket's value (Kolada id ``0000``) that year, or with ``compare_to="kommuner"``
      the median of the values of all kommuner with a value that year (the kommun included; it needs
      the kommun and at least one other);
    * ``difference`` d = v − R if higher is better, R − v if lower is (d > 0: better than the reference);
      ``allowance`` = ``margin`` · |R|;
    * ``behind`` when d < −allowance, ``ahead`` when d > allowance, else ``level`` (equal within 1e-9 ·
      max(1, |x|): a kommun exactly ``margin`` away is level).

    So ``compare_to="kommuner"`` reads the kommun against the median kommun (the 50th percentile) with the
    same margin; ``percentile`` = (#others worse + ½ · #others equal) / #others (the other kommuner with a
    value that year, in the KPI's direction; 1 = best), ``n_kommuner`` = the kommuner compared. It needs
    all 290 kommuner in ``values`` (a total of some KPI for every kommunkod), else a ValidationError.

    Per node j, over its KPIs with a verdict: ``behind`` when more are behind than ahead, ``ahead`` when
    more are ahead than behind, else ``level``; ``need_j`` = #behind / #with a verdict; no KPI with a
    verdict → ``unknown`` and ``need`` NaN.

    Parameters
    ----------
    values : pandas.DataFrame
        Kolada's tidy values (``kpi, municipality, period, gender, value``), as
        :meth:`~sdg_interactions.frameworks.kolada_cache.KoladaCache.read_values` returns them. Rows of
        gender K and M are ignored; a value left blank or NaN is no value.
    kpis : pandas.DataFrame
        The node → KPI table (``sdg_target, kpi, direction``; ``kpi_title`` if present), as
        :func:`~sdg_interactions.frameworks.kolada.target_kpis` returns it.
    kommun : str
        The kommun's name or kommunkod (:func:`~sdg_interactions.frameworks.kolada.kolada_ids`).
    margin : float
        A share of the reference value, ≥ 0 (default 5 %).
    window : int
        Years, 1 … 50 (default 5).
    compare_to : {"riket", "kommuner"}
    lang : {"sv", "en"}
        The language of the ``long_name``, ``units`` and ``source`` attrs.

    Returns
    -------
    Standing
        ``nodes``, an :class:`xarray.Dataset` on ``"node"`` as other per-node results, and ``kpis``, a
        :class:`pandas.DataFrame` of one row per KPI row, as other row lists (conflicts, styrdokument).

    See Also
    --------
    levers_for_what_lags, sdg_interactions.analysis.follow_up

    References
    ----------
    Kolada, the open database of Sweden's kommuner and regioner (RKA), https://www.kolada.se.

    Examples
    --------
    >>> kpis = pd.DataFrame({"sdg_target": ["13.2", "13.2", "3.4"], "kpi": ["N00401", "N07945", "N01451"],
    ...                      "direction": ["lower", "higher", "lower"]})
    >>> v = pd.DataFrame([("N00401", "1499", 2022, "T", 6.0), ("N00401", "0000", 2022, "T", 5.0),
    ...                   ("N07945", "1499", 2021, "T", 30.5), ("N07945", "0000", 2021, "T", 29.0),
    ...                   ("N07945", "1499", 2022, "T", 30.0), ("N01451", "1499", 2022, "K", 200.0)],
    ...                  columns=["kpi", "municipality", "period", "gender", "value"])
    >>> s = standing(v, kpis, "Falköping")  # N00401 lower: d = 5 − 6; N07945 (no riket 2022): d = 30.5 − 29
    >>> s.kpis[["kpi", "period", "value", "reference", "difference", "allowance", "standing"]]  # 0.05·5, 0.05·29
          kpi  period  value  reference  difference  allowance standing
    0  N00401    2022    6.0        5.0        -1.0       0.25   behind
    1  N07945    2021   30.5       29.0         1.5       1.45    ahead
    2  N01451    <NA>    NaN        NaN         NaN        NaN  unknown
    >>> s.nodes["standing"].values.tolist(), s.nodes["need"].values.tolist()  # 13.2: 1 behind, 1 ahead: ½
    (['unknown', 'level'], [nan, 0.5])
    """
    check_lang(lang)
    margin, window = _check_options(margin, window, compare_to)
    table, totals = _kpi_table(kpis), _totals(values)
    code = kolada_ids(kommun)["kommun"]
    members = set(kommuner()["kommunkod"].astype(str))
    if compare_to == "kommuner" and (absent := sorted(members - set(totals["municipality"]))):
        raise ValidationError(locate(tr("error.nulage.not_all_kommuner", total=len(members), n=len(absent)),
                                     value=", ".join(absent[:5]) + (", …" if len(absent) > 5 else ""),
                                     valid=tr("error.nulage.valid_all_kommuner")))
    by_kpi = dict(tuple(totals.groupby("kpi", sort=False)))
    found = {kpi: _latest(by_kpi[kpi], code, compare_to, window, members) if kpi in by_kpi else None
             for kpi in dict.fromkeys(table["kpi"])}
    rows = []
    for item in table.itertuples(index=False):
        row = dict.fromkeys(KPI_STANDING_COLUMNS, np.nan) | {
            "sdg_target": item.sdg_target, "kpi": item.kpi, "kpi_title": item.kpi_title, "direction": item.direction,
            "kommun": code, "compare_to": compare_to, "period": pd.NA, "n_kommuner": pd.NA, "standing": "unknown"}
        if (hit := found[item.kpi]) is not None:
            year, value, reference, others, n = hit
            sign = 1.0 if item.direction == "higher" else -1.0
            difference, allowance = sign * (value - reference), margin * abs(reference)
            row |= {"period": year, "value": value, "reference": reference, "difference": difference,
                    "allowance": allowance, "standing": _verdict(difference, allowance)}
            if others is not None:
                worse = ~at_least(sign * others, sign * value)  # the others below the kommun, beyond float noise
                better = ~at_least(sign * value, sign * others)
                equal = len(others) - worse.sum() - better.sum()
                row |= {"percentile": (worse.sum() + 0.5 * equal) / len(others), "n_kommuner": n}
        rows.append(row)
    frame = pd.DataFrame(rows, columns=list(KPI_STANDING_COLUMNS)).astype({"period": "Int64", "n_kommuner": "Int64"})
    frame = frame.astype(dict.fromkeys(("value", "reference", "difference", "allowance", "percentile"), float))

    info = node_info(list(dict.fromkeys(table["sdg_target"])))  # checks the ids
    ids = sorted(info.index, key=node_sort_key)
    tally = pd.crosstab(frame["sdg_target"], frame["standing"]).reindex(index=ids, columns=list(STANDINGS),
                                                                         fill_value=0).to_numpy(dtype=np.int64)
    behind, level, ahead, unknown = tally.T
    judged = behind + level + ahead
    counts = {"standing": np.select([judged == 0, behind > ahead, ahead > behind], ["unknown", "behind", "ahead"],
                                    default="level").astype(object),
              "need": np.where(judged > 0, behind / np.maximum(judged, 1), np.nan),
              "kpis": judged + unknown, "kpis_with_data": judged, "kpis_behind": behind, "kpis_level": level,
              "kpis_ahead": ahead}
    attrs = {"kommun": code, "compare_to": compare_to, "margin": margin, "window": window,
             "source": text("kolada.source", lang)}
    nodes = xr.Dataset({name: (NODE, v) for name, v in counts.items()},
                       coords={NODE: np.array(ids, dtype=str), **{c: (NODE, info.loc[ids, c].to_numpy(dtype=object))
                                             for c in ("label_sv", "label_en")}}, attrs=dict(attrs))
    frame.attrs = dict(attrs)
    return Standing(nodes=_describe(nodes, lang), kpis=frame, attrs=attrs)


def _statuses(result: object) -> dict[str, str]:
    """``{node: standing}`` from a :class:`Standing`, its ``nodes`` or a mapping (dict, Series)."""
    if isinstance(result, Standing):
        result = result.nodes
    if isinstance(result, xr.Dataset) and "standing" in result and result["standing"].dims == (NODE,):
        pairs = zip(result[NODE].values, result["standing"].values, strict=True)
    elif isinstance(result, Mapping | pd.Series):
        pairs = result.items()
    else:
        raise ValidationError(tr("error.nulage.not_standing", type=type(result).__name__))
    statuses = {str(node): status for node, status in pairs}
    if bad := [f"{node}: {status}" for node, status in statuses.items() if status not in STANDINGS]:
        raise ValidationError(locate(tr("error.nulage.unknown_standing"), value=bad[0], valid=", ".join(STANDINGS)))
    return {node: str(status) for node, status in statuses.items()}


def levers_for_what_lags(obj: xr.DataArray | xr.Dataset, standing_result: Standing | xr.Dataset | Mapping, *,
                         aggregate: str = "mean") -> pd.DataFrame:
    """Rank the nodes of a matrix by how much they promote the nodes where the kommun lags.

    With ``a_ij`` the matrix (NaN read as 0, diagonal excluded) and B the nodes whose standing is
    ``behind`` (nodes of the matrix without a standing count as not behind):

    * ``pulls_behind_i`` = Σ_{j∈B, j≠i} max(a_ij, 0)
    * ``n_behind_i`` = #{j ∈ B, j≠i : a_ij ≥ 1} (≥ within 1e-9)
    * ``systemic``: t_i of :func:`~sdg_interactions.analysis.sdg_synergies`
    * ``rank``: position by descending ``pulls_behind``; ties within 1e-9 · max(1, |x|) share the best
      rank (1, 2, 2, 4). Rows are sorted by ``rank``, ties by ``systemic`` (higher first, with the same
      tolerance), then in natural node order.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix, or several respondents' answers, aggregated with ``aggregate`` first
        (:func:`~sdg_interactions.matrix.single_matrix`).
    standing_result : Standing, xarray.Dataset or mapping
        :func:`standing`'s result, its ``nodes``, or ``{node: standing}`` (one of :data:`STANDINGS`).
    aggregate : {"mean", "median", "trimmed"}

    Returns
    -------
    pandas.DataFrame
        One row per node of the matrix, ranked: :data:`LEVER_COLUMNS` (``standing`` is the node's own,
        ``unknown`` if it has none). ``attrs``: the matrix's provenance, ``behind`` (the nodes of B in the
        matrix, natural order) and ``behind_outside`` (those of B that are no node of the matrix).

    See Also
    --------
    standing, sdg_interactions.analysis.sdg_synergies

    References
    ----------
    Weitz, N., Carlsen, H., Nilsson, M. & Skånberg, K. (2018). Towards systemic and contextual priority
    setting for implementing the 2030 Agenda. Sustainability Science 13, 531–548 (SEI's SDG Synergies).

    Examples
    --------
    >>> r = levers_for_what_lags(toy_matrix(), {"1.2": "behind", "1.3": "behind", "1.4": "level"})
    >>> r[["node", "standing", "pulls_behind", "n_behind", "systemic", "rank"]]  # 1.2→1.3: 3; 1.1→1.2: 2 + 0 (−2)
      node standing  pulls_behind  n_behind  systemic  rank
    0  1.2   behind           3.0         1       3.0     1
    1  1.1  unknown           2.0         1       5.0     2
    2  1.4    level           0.0         0       1.0     3
    3  1.3   behind           0.0         0      -1.5     3
    >>> r["node"].tolist()[2:]  # tied at 0 (1.3 → 1.2 and 1.4 → 1.2, 1.3 are 0): t = 1 before t = −1.5
    ['1.4', '1.3']
    """
    statuses = _statuses(standing_result)
    matrix = single_matrix(obj, aggregate, what=tr("error.nulage.what_levers"))
    ids = node_ids(matrix)
    behind = np.array([statuses.get(i) == "behind" for i in ids], dtype=bool)
    a = adjacency(matrix)  # the diagonal is 0: j ≠ i
    pulls = np.maximum(a[:, behind], 0.0).sum(axis=1)
    n_behind = at_least(a[:, behind], 1.0).sum(axis=1).astype(np.int64)
    systemic = sdg_synergies(matrix)["systemic"].to_numpy().astype(float)
    position = {node: k for k, node in enumerate(sorted(ids, key=node_sort_key))}
    natural = np.array([position[i] for i in ids], dtype=np.int64)
    rank = rank_descending(pulls)
    order = np.lexsort((natural, rank_descending(systemic), rank))  # ties within 1e-9 by t, then natural order

    label = {lang: matrix[f"source_label_{lang}"].to_numpy().astype(str) if f"source_label_{lang}" in matrix.coords
             else np.array(ids, dtype=str) for lang in ("sv", "en")}  # the matrix's own labels
    frame = pd.DataFrame({"node": np.array(ids, dtype=str), "label_sv": label["sv"], "label_en": label["en"],
                          "standing": [statuses.get(i, "unknown") for i in ids], "pulls_behind": pulls,
                          "n_behind": n_behind, "systemic": systemic, "rank": rank},
                         columns=list(LEVER_COLUMNS)).iloc[order].reset_index(drop=True)
    lagging = sorted((i for i, s in statuses.items() if s == "behind"), key=node_sort_key)
    frame.attrs = {**{k: v for k, v in matrix.attrs.items() if k in PROVENANCE_ATTRS},
                   "behind": [i for i in lagging if i in position],
                   "behind_outside": [i for i in lagging if i not in position]}
    return frame
