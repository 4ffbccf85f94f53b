"""Rolling a target-level matrix up to goal pairs."""

from __future__ import annotations

import numpy as np
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.errors import ValidationError, tr
from sdg_interactions.matrix import DIMS, as_matrix, node_ids, validate

__all__ = ["ROLLUPS", "goal_rollup"]

#: The ways :func:`goal_rollup` combines the cells of a goal pair.
ROLLUPS = ("sum", "mean")


def _goal_coords(goal_ids: list[str], owners: dict[str, str]) -> dict[str, tuple]:
    """Node metadata coordinates of the goal-level matrix.

    A goal that is a node id (``SDG-13``) takes the registry's; a framework's own group that is no node id
    takes the framework of its members (``owners``) and, as label, the framework's title when the group
    is the framework's prefix (``MKM`` → "Miljökvalitetsmål"), else the group itself ("Samhällsbyggnad").
    """
    fields = ("framework", "group", "label_sv", "label_en")
    values: dict[str, list[str]] = {f: [] for f in fields}
    for gid in goal_ids:
        if frameworks.is_node_id(gid):
            info = frameworks.node_info([gid]).iloc[0]
            row = {f: str(info[f]) for f in fields}
        else:  # a framework's own group, e.g. "MKM" or a kommun's "Miljö": not a node id
            row = {"framework": owners.get(gid, gid), "group": gid, "label_sv": gid, "label_en": gid}
            fw = next((f for f in frameworks.frameworks() if f.name == owners.get(gid)), None)
            if fw is not None and gid == fw.prefix:
                row.update(label_sv=fw.title_sv, label_en=fw.title_en)
        for f in fields:
            values[f].append(row[f])
    return {f"{role}_{f}": (role, np.array(values[f], dtype=object)) for role in DIMS for f in fields}


def goal_rollup(obj: xr.DataArray | xr.Dataset, *, how: str = "sum") -> xr.DataArray:
    """Roll a target-level matrix up to goal pairs; within-goal pairs are dropped.

    Each node belongs to the goal of its ``source_group`` coordinate
    (:func:`~sdg_interactions.frameworks.group_node`, from the framework registry): SDG targets to
    ``SDG-1`` … ``SDG-17``, nodes of other frameworks to their group as is (``MKM-3`` to ``MKM``, labelled
    with the framework's title; a kommun's goal to its table's ``group``). For goals g ≠ h, over the
    cells ``a_ij`` with i in g and j in h:

    * ``how="sum"`` (for metrics): ``b_gh = Σ a_ij`` with NaN read as 0; a goal pair with no scored cell
      stays NaN. Sums may exceed 3: the result is **not a score matrix** (``attrs["kind"] =
      "goal_sum"``) and :func:`~sdg_interactions.matrix.validate` would refuse it; the metrics accept it.
    * ``how="mean"`` (for charts): ``b_gh`` = the mean of the scored cells (NaN skipped), so the colour
      scale stays [−3, 3]; a valid aggregated matrix (``attrs["aggregated"] = 1``, ``kind =
      "goal_mean"``), checked with :func:`~sdg_interactions.matrix.validate` when its ids are node ids.

    The diagonal (g = h) is NaN. Goals are in the natural order of their first nodes; vectorised over leading dims.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A target-level matrix, with any leading dims.
    how : {"sum", "mean"}, optional
        How the cells of a goal pair are combined (default ``"sum"``).

    Returns
    -------
    xarray.DataArray
        The goal-level matrix on ``(..., source, target)``, named ``score``, with the goals' node coordinates.

    Raises
    ------
    ValidationError
        When ``how`` is unknown, or a ``"mean"`` roll-up of node ids fails
        :func:`~sdg_interactions.matrix.validate`.

    See Also
    --------
    dimension_rollup : the same sums between the four dimensions.
    sdg_synergies : the metrics, which accept a ``"sum"`` roll-up.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, 3, 2, np.nan], [1, np.nan, -1, 0], [0, 2, np.nan, 1], [3, 3, 3, np.nan]])
    >>> m = from_array(v, ["1.1", "1.2", "2.1", "2.2"])
    >>> goal_rollup(m).values.tolist()  # SDG-1 → SDG-2: 2 + (−1) + 0; SDG-2 → SDG-1: 0 + 2 + 3 + 3
    [[nan, 1.0], [8.0, nan]]
    >>> goal_rollup(m, how="mean").values.tolist()  # 1 / 3 scored cells; 8 / 4
    [[nan, 0.3333333333333333], [2.0, nan]]
    """
    if how not in ROLLUPS:
        raise ValidationError(tr("error.analysis.unknown_rollup", how=repr(how), valid=", ".join(ROLLUPS)))
    da = as_matrix(obj)
    ids = node_ids(da)
    groups = da["source_group"].to_numpy() if "source_group" in da.coords else [
        str(frameworks.node_info([i])["group"].iloc[0]) for i in ids]
    member = [frameworks.group_node(i, g) for i, g in zip(ids, groups, strict=True)]
    owners = {goal: frameworks.framework_of(i) for i, goal in zip(ids, member, strict=True)}
    first = {}  # a goal sorts where its first node does: SDG-1 … SDG-17, MKM, FH, then a kommun's groups
    for i, goal in sorted(zip(ids, member, strict=True), key=lambda pair: frameworks.node_sort_key(pair[0])):
        first.setdefault(goal, frameworks.node_sort_key(i))
    goal_ids = sorted(first, key=lambda goal: (first[goal], frameworks.node_sort_key(goal)))
    member_of = np.array(member, dtype=object)[:, None] == np.array(goal_ids, dtype=object)[None, :]
    onehot = member_of.astype(float)
    values = da.to_numpy().astype(np.float64)
    scored = (~np.isnan(values) & ~np.eye(len(ids), dtype=bool)).astype(float)
    total = np.einsum("ig,...ij,jh->...gh", onehot, np.where(scored > 0, values, 0.0), onehot)
    count = np.einsum("ig,...ij,jh->...gh", onehot, scored, onehot)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = total if how == "sum" else total / count
    out = np.where((count > 0) & ~np.eye(len(goal_ids), dtype=bool), out, np.nan)

    lead = da.dims[:-2]
    coords: dict[str, object] = {name: c for name, c in da.coords.items() if set(c.dims) <= set(lead)}
    coords.update({"source": goal_ids, "target": goal_ids, **_goal_coords(goal_ids, owners)})
    result = xr.DataArray(out, dims=da.dims, coords=coords, name="score")
    attrs = {k: v for k, v in da.attrs.items() if k not in ("aggregated", "valid_range", "long_name")}
    result.attrs.update(attrs)
    if how == "sum":
        result.attrs.update({"kind": "goal_sum", "long_name": "sum of the scores between two goals' nodes"})
        return result
    result.attrs.update({"kind": "goal_mean", "aggregated": 1, "aggregation": "goal_mean",
                         "valid_range": [-3, 3], "long_name": "mean score between two goals' nodes"})
    if all(frameworks.is_node_id(g) for g in goal_ids):
        validate(result)
    return result
