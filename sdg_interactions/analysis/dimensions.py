"""Rolling a matrix up to the four dimensions of the "wedding cake": biosfär, samhälle, ekonomi, partnerskap.

Every node gets the dimension of its goal (Rockström & Sukhdev, Stockholm Resilience Centre 2016; the ``layer``
column of ``datasets/sdg_goals.csv``): biosfär (goals 6, 13, 14, 15), samhälle (1, 2, 3, 4, 5, 7, 11, 16),
ekonomi (8, 9, 10, 12) and partnerskap (17, whose layer the table calls ``all``). Miljömål (``MKM-*``) belong to
biosfär, folkhälsomål (``FH-*``) to samhälle; a kommun's own goals only when their framework gives them a layer
(:func:`~sdg_interactions.frameworks.node_info`). :func:`dimension_rollup` sums the links between the
dimensions; :func:`strongest_flows` picks the two cells a politician's sentence names.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.analysis._core import PROVENANCE_ATTRS, clearly_hindering, clearly_promoting, tied
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix import node_ids, single_matrix
from sdg_interactions.texts import text

__all__ = ["DIMENSIONS", "DIMENSION_SOURCE", "DIMENSION_VARIABLES", "Flow", "StrongestFlows", "check_rollup",
           "dimension_of", "dimension_rollup", "strongest_flows"]

#: The four dimensions, bottom layer first (the order of the roll-up's axes).
DIMENSIONS = ("biosphere", "society", "economy", "partnership")
#: The variables of :func:`dimension_rollup`, in order.
DIMENSION_VARIABLES = ("pos", "neg", "n_pos", "n_neg", "pairs")
#: Where the four dimensions come from: names, kept out of the catalogue since they are no Swedish words.
DIMENSION_SOURCE = "Rockström & Sukhdev 2016, Stockholm Resilience Centre"

#: How a framework's layer may be written; goal 17's ``all`` ("alla skikt") is partnerskap.
_LAYER_WORDS = {
    "biosphere": "biosphere", "biosfär": "biosphere",
    "society": "society", "samhälle": "society",
    "economy": "economy", "ekonomi": "economy",
    "partnership": "partnership", "partnerskap": "partnership", "all": "partnership",
}
#: Frameworks whose nodes all lie in one dimension.
_FRAMEWORK_DIMENSION = {"miljomal": "biosphere", "folkhalsomal": "society"}
_UNITS = {"pos": "points", "neg": "points", "n_pos": "count", "n_neg": "count", "pairs": "count"}


def dimension_of(ids: list[str]) -> list[str]:
    """The dimension of each node (one of :data:`DIMENSIONS`), or "" for a node without one.

    A framework's group that is no node id (``MKM`` in a goal-level roll-up) takes its framework's dimension.

    Parameters
    ----------
    ids : list of str
        Node ids, or the groups of a goal-level roll-up.

    Returns
    -------
    list of str
        One dimension per id, in order.

    See Also
    --------
    dimension_rollup : the links between the dimensions.
    sdg_interactions.frameworks.node_info : the ``layer`` each dimension is read from.

    Examples
    --------
    >>> dimension_of(["13.2", "SDG-8", "17.1", "MKM-3", "FH-1", "MN-2", "ORT-1"])
    ['biosphere', 'economy', 'partnership', 'biosphere', 'society', '', '']
    """
    ids = [str(i) for i in ids]
    known = [i for i in ids if frameworks.is_node_id(i)]
    info = frameworks.node_info(known) if known else None
    out = []
    for i in ids:
        if info is None or i not in info.index:  # a group such as "MKM": its framework's dimension, if any
            name = next((f.name for f in frameworks.frameworks() if i in (f.name, f.prefix)), "")
            out.append(_FRAMEWORK_DIMENSION.get(name, ""))
            continue
        row = info.loc[i]
        layer = _LAYER_WORDS.get(str(row["layer"]).strip().casefold(), "")
        out.append(layer or _FRAMEWORK_DIMENSION.get(str(row["framework"]), ""))
    return out


def dimension_rollup(obj: xr.DataArray | xr.Dataset, *, aggregate: str = "mean") -> xr.Dataset:
    """Roll a matrix up to the four dimensions: how much each dimension's goals promote and hinder each other's.

    For dimensions L, M (:data:`DIMENSIONS`) and the scored cells ``a_ij`` (i ≠ j, NaN counts nowhere) with i
    in L and j in M:

    * ``pos``   pos_LM = Σ max(a_ij, 0);   ``neg``   neg_LM = Σ min(a_ij, 0)  (every score, however small)
    * ``n_pos`` = #{a_ij ≥ +1};   ``n_neg`` = #{a_ij ≤ −1}: the links that promote or hinder *clearly*
      (:func:`~sdg_interactions.analysis.clearly_promoting`, :func:`~sdg_interactions.analysis.clearly_hindering`);
      ``n_neg`` counts the goal conflicts. For whole-number scores (one respondent) this is #{a_ij > 0} and
      #{a_ij < 0}; a mean of several respondents between −1 and +1 counts in neither (nor does a scored 0)
    * ``pairs`` = #{scored a_ij}  (scored 0s included)

    Rows are the source dimension (``source_dimension``), columns the target dimension; the diagonal
    (L = M) holds the links within a dimension. Nodes without a dimension (:func:`dimension_of`) are left
    out: ``attrs["left_out"]`` lists their ids (", " between them; "" for none) and ``attrs["n_left_out"]``
    counts them. Several respondents' answers are first aggregated with ``aggregate``
    (:func:`~sdg_interactions.matrix.single_matrix`), so the counts are of the aggregated matrix.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix; a ``respondent`` dim is aggregated, any other leading dim refused.
    aggregate : {"mean", "median", "trimmed"}
        How several respondents' answers are combined.

    Returns
    -------
    xarray.Dataset
        :data:`DIMENSION_VARIABLES` on ``(source_dimension, target_dimension)``, each with ``long_name``,
        ``units`` and ``formula`` attrs (in Swedish); coordinates ``*_label_sv``, ``*_label_en`` and
        ``*_n_nodes`` (nodes of the matrix in the dimension); the matrix's provenance attrs and
        ``kind = "dimension_rollup"``.

    Raises
    ------
    ValidationError
        When no node of the matrix has a dimension (a matrix of Mongolia's objectives, say).

    See Also
    --------
    goal_rollup : the same sums at the level of goal pairs.
    strongest_flows : the cells a report's sentence names.

    References
    ----------
    J. Rockström and P. Sukhdev (2016), the SDG "wedding cake", Stockholm Resilience Centre. N. Weitz et al.
    (2018), *Sustainability Science* 13, 531–548 (the scores and their sums).

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, 2, 1, np.nan, 3], [-1, np.nan, 0, 3, 3], [-2, -1, np.nan, -3, 3],
    ...               [1, 2, np.nan, np.nan, 3], [3, 3, 3, 3, np.nan]])
    >>> m = from_array(v, ["1.1", "6.1", "8.1", "MKM-1", "ORT-1"])  # samhälle, biosfär, ekonomi, biosfär, none
    >>> r = dimension_rollup(m)
    >>> r["pos"].values[:3, :3].tolist()  # B→B: 3 (6.1→MKM-1) + 2 (MKM-1→6.1); B→S: 1; S→B: 2; S→E: 1
    [[5.0, 1.0, 0.0], [2.0, 0.0, 1.0], [0.0, 0.0, 0.0]]
    >>> r["neg"].values[:3, :3].tolist()  # B→S: −1 (6.1→1.1); E→B: −1 + (−3); E→S: −2
    [[0.0, -1.0, 0.0], [0.0, 0.0, 0.0], [-4.0, -2.0, 0.0]]
    >>> r["pairs"].values[:3, :3].tolist()  # B→E: 6.1→8.1 scored 0, MKM-1→8.1 not scored
    [[2, 2, 1], [1, 0, 1], [2, 1, 0]]
    >>> r["n_neg"].sel(source_dimension="economy").values.tolist(), r.attrs["left_out"]
    ([2, 1, 0, 0], 'ORT-1')
    """
    da = single_matrix(obj, aggregate, what=tr("error.dimensions.what_rollup"))
    ids = node_ids(da)
    dims = np.array(dimension_of(ids), dtype=object)
    left_out = [i for i, d in zip(ids, dims, strict=True) if not d]
    if len(left_out) == len(ids):
        raise ValidationError(locate(tr("error.dimensions.no_dimension"), value=", ".join(ids[:5]),
                                     valid=tr("error.dimensions.valid_dimension")))
    onehot = (dims[:, None] == np.array(DIMENSIONS, dtype=object)[None, :]).astype(np.float64)
    values = da.to_numpy().astype(np.float64)
    scored = ~np.isnan(values) & ~np.eye(len(ids), dtype=bool)
    a = np.where(scored, values, 0.0)

    def roll(cells: np.ndarray) -> np.ndarray:  # Σ over i in L, j in M
        return onehot.T @ cells @ onehot

    sums = {"pos": roll(np.maximum(a, 0.0)), "neg": roll(np.minimum(a, 0.0)),
            "n_pos": roll(clearly_promoting(a).astype(np.float64)),
            "n_neg": roll(clearly_hindering(a).astype(np.float64)),
            "pairs": roll(scored.astype(np.float64))}
    n_nodes = onehot.sum(axis=0).astype(int)
    coords: dict[str, object] = {}
    for role in ("source", "target"):
        dim = f"{role}_dimension"
        coords[dim] = list(DIMENSIONS)
        for lang in ("sv", "en"):
            coords[f"{role}_label_{lang}"] = (dim, [text(f"dimensions.name.{d}", lang) for d in DIMENSIONS])
        coords[f"{role}_n_nodes"] = (dim, n_nodes)
    variables = {}
    for name in DIMENSION_VARIABLES:
        value = sums[name] + 0.0 if name in ("pos", "neg") else np.rint(sums[name]).astype(np.int64)  # no −0
        attrs = {"long_name": text(f"dimensions.variable.{name}"), "units": text(f"variables.units.{_UNITS[name]}"),
                 "formula": text(f"dimensions.formula.{name}")}
        variables[name] = xr.Variable(("source_dimension", "target_dimension"), value, attrs=attrs)
    attrs = {k: v for k, v in da.attrs.items() if k in PROVENANCE_ATTRS}
    attrs.update({"kind": "dimension_rollup", "dimension_source": DIMENSION_SOURCE,
                  "left_out": ", ".join(left_out), "n_left_out": len(left_out)})
    if da.attrs.get("aggregated"):
        attrs["aggregation"] = str(da.attrs.get("aggregation", aggregate))
    return xr.Dataset(variables, coords=coords, attrs=attrs)


class Flow(NamedTuple):
    """One cell of a dimension roll-up: the links from ``source`` to ``target`` (both in :data:`DIMENSIONS`)."""

    source: str
    target: str
    pos: float
    neg: float
    n_pos: int
    n_neg: int
    pairs: int

    @property
    def total(self) -> float:
        """The sum of all the cell's scores, ``pos + neg``: promoting points less hindering ones."""
        return self.pos + self.neg


class StrongestFlows(NamedTuple):
    """What :func:`strongest_flows` finds; None where there is nothing to name."""

    #: The strongest promoting flow between two different dimensions.
    synergy: Flow | None
    #: The cell with most goal conflicts (links < 0), within one dimension or between two.
    conflict: Flow | None


def _same(x: float, y: float) -> bool:
    return bool(tied(x, y))


def _more_synergy(cell: Flow, best: Flow | None) -> bool:
    """True if ``cell`` is a flow between two dimensions whose sum (:attr:`Flow.total`) is positive and larger
    than ``best``'s."""
    if cell.source == cell.target or cell.total <= 0 or _same(cell.total, 0.0):
        return False
    if best is None:
        return True
    return cell.n_pos > best.n_pos if _same(cell.total, best.total) else cell.total > best.total


def _more_conflicts(cell: Flow, best: Flow | None) -> bool:
    """True if ``cell`` holds more goal conflicts than ``best`` (ties: the more negative sum)."""
    if cell.n_neg <= 0:
        return False
    if best is None or cell.n_neg != best.n_neg:
        return best is None or cell.n_neg > best.n_neg
    return cell.neg < best.neg and not _same(cell.neg, best.neg)


def check_rollup(rollup: object) -> xr.Dataset:
    """``rollup`` if it is a result of :func:`dimension_rollup`, else :class:`ValidationError`."""
    needed = (*DIMENSION_VARIABLES, "source_dimension", "target_dimension")
    if not isinstance(rollup, xr.Dataset) or any(n not in rollup.variables for n in needed):
        raise ValidationError(locate(tr("error.dimensions.not_a_rollup", type=type(rollup).__name__),
                                     valid=tr("error.dimensions.valid_rollup")))
    extra = sorted(str(d) for d in set(rollup.dims) - {"source_dimension", "target_dimension"})
    if extra:
        raise ValidationError(locate(tr("error.dimensions.one_rollup", extra=", ".join(extra)),
                                     valid=tr("error.dimensions.valid_rollup")))
    return rollup.transpose("source_dimension", "target_dimension")


def strongest_flows(rollup: xr.Dataset) -> StrongestFlows:
    """The strongest promoting flow between two different dimensions, and the cell with most goal conflicts.

    * ``synergy``: the largest sum of scores ``pos + neg`` (:attr:`Flow.total`, the measure the report's
      table and chart show) with L ≠ M (> 0); ties (within 1e-9) by ``n_pos``, then by the order of
      :data:`DIMENSIONS` (source first). None when no flow between two dimensions sums to more than 0.
    * ``conflict``: the largest ``n_neg`` over all 16 cells, within a dimension too (> 0); ties by the most
      negative ``neg``, then by the order. None when the roll-up holds no goal conflict.

    Parameters
    ----------
    rollup : xarray.Dataset
        A result of :func:`dimension_rollup` (one matrix).

    Returns
    -------
    StrongestFlows
        ``synergy`` and ``conflict``, each a :class:`Flow` or None.

    Raises
    ------
    ValidationError
        When ``rollup`` is no result of :func:`dimension_rollup`, or holds several.

    See Also
    --------
    dimension_rollup : the roll-up the flows are read from.
    goal_rollup : the same sums between goals.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, 2, 1, np.nan], [-1, np.nan, 0, 3], [-2, -1, np.nan, -3], [1, 2, np.nan, np.nan]])
    >>> s = strongest_flows(dimension_rollup(from_array(v, ["1.1", "6.1", "8.1", "MKM-1"])))
    >>> s.synergy[:3], s.synergy.total  # S→B: 2 beats S→E: 1 and B→S: 1 − 1 (B→B: 5 is within one dimension)
    (('society', 'biosphere', 2.0), 2.0)
    >>> s.conflict.source, s.conflict.target, s.conflict.n_neg  # E→B: 2 links < 0, the most
    ('economy', 'biosphere', 2)
    """
    r = check_rollup(rollup)
    rows = [str(v) for v in r["source_dimension"].to_numpy()]
    cols = [str(v) for v in r["target_dimension"].to_numpy()]
    data = {name: r[name].to_numpy() for name in DIMENSION_VARIABLES}
    synergy = conflict = None
    for k, source in enumerate(rows):
        for m, target in enumerate(cols):
            cell = Flow(source, target, float(data["pos"][k, m]), float(data["neg"][k, m]),
                        int(data["n_pos"][k, m]), int(data["n_neg"][k, m]), int(data["pairs"][k, m]))
            synergy = cell if _more_synergy(cell, synergy) else synergy
            conflict = cell if _more_conflicts(cell, conflict) else conflict
    return StrongestFlows(synergy, conflict)
