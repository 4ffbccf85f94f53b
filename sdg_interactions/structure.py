"""The structure of a matrix: clusters of strong synergies, the list of conflicts, goal-level roll-up.

* :func:`clusters` groups nodes joined by strong positive links (score ≥ 2) with networkx's greedy
  modularity communities; it loops over leading dims (one graph per matrix).
* :func:`conflicts` lists every negative link (a målkonflikt), worst first, with the respondents'
  comments and how many of them saw it as negative.
* :func:`goal_rollup` rolls a target-level matrix up to goal pairs (``SDG-1`` … ``SDG-17``, or a
  framework's own groups): summed for metrics, averaged for charts. Vectorised over leading dims.
"""

from __future__ import annotations

import networkx as nx
import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.errors import SdgInteractionsError, ValidationError
from sdg_interactions.matrix import DIMS, RESPONDENT, aggregate, as_matrix, node_ids, validate
from sdg_interactions.metrics import adjacency, node_result, sdg_synergies

__all__ = ["CLUSTER_THRESHOLD", "ROLLUPS", "clusters", "conflicts", "goal_of", "goal_rollup"]

#: The smallest score of a link that joins two nodes in :func:`clusters`.
CLUSTER_THRESHOLD = 2
#: The ways :func:`goal_rollup` combines the cells of a goal pair.
ROLLUPS = ("sum", "mean")


def _cluster_numbers(a: np.ndarray, sort_keys: list[tuple]) -> np.ndarray:
    """Cluster numbers of one matrix ``a`` (``n × n``, NaN read as 0, diagonal 0); 0 = no strong link."""
    n = a.shape[-1]
    strong = np.where(a >= CLUSTER_THRESHOLD, a, 0.0)
    weight = strong + strong.T
    G = nx.Graph()
    rows, cols = np.nonzero(np.triu(weight > 0, k=1))
    # nodes are labelled by their position in natural order, so ties break the same way every run
    G.add_weighted_edges_from((int(i), int(j), float(weight[i, j])) for i, j in zip(rows, cols, strict=True))
    number = np.zeros(n, dtype=np.int64)
    if G.number_of_edges() == 0:
        return number
    communities = nx.community.greedy_modularity_communities(G, weight="weight")
    ordered = sorted(communities, key=lambda c: (-len(c), min(sort_keys[k] for k in c)))
    for k, members in enumerate(ordered, start=1):
        number[sorted(members)] = k
    return number


def clusters(obj: xr.DataArray | xr.Dataset) -> xr.Dataset:
    """Group nodes into clusters of strong mutual support; ``cluster`` per node on the ``"node"`` dim.

    * An undirected graph: an edge i–j if ``a_ij ≥ 2`` or ``a_ji ≥ 2``, with
      ``weight_ij = a_ij·[a_ij ≥ 2] + a_ji·[a_ji ≥ 2]`` (the sum of both directions' scores that are ≥ 2).
    * Communities by :func:`networkx.community.greedy_modularity_communities` (Clauset–Newman–Moore),
      weighted; the nodes are labelled by their position in natural order, so results are deterministic.
    * Numbered 1, 2, … by size (largest first), then by the smallest id in natural order
      (:func:`~sdg_interactions.frameworks.node_sort_key`); a node with no link ≥ 2 gets cluster 0.

    Loops over leading dims (one graph per matrix).

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, 3, 0, 0], [2, np.nan, 1, 0], [0, 0, np.nan, 2], [-3, 0, 1, np.nan]])
    >>> clusters(from_array(v, ["1.1", "1.2", "1.3", "1.4"]))["cluster"].values.tolist()
    [1, 1, 2, 2]
    """
    a = adjacency(obj)
    ids = node_ids(obj)
    keys = [frameworks.node_sort_key(i) for i in ids]
    flat = a.reshape(-1, *a.shape[-2:])
    numbers = np.stack([_cluster_numbers(m, keys) for m in flat]) if len(flat) else np.zeros((0, len(ids)))
    return node_result(obj, {"cluster": numbers.reshape(a.shape[:-1]).astype(np.int64)})


def _join_comments(comments: np.ndarray) -> str:
    """The distinct non-empty comments, in respondent order and unchanged, joined with " | "."""
    seen = dict.fromkeys(str(c) for c in comments.ravel() if isinstance(c, str) and c.strip())
    return " | ".join(seen)


def conflicts(obj: xr.DataArray | xr.Dataset, *, respondents: xr.DataArray | xr.Dataset | None = None
              ) -> pd.DataFrame:
    """List every negative link (a målkonflikt) of the aggregated matrix, worst first.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix, or several respondents' answers on a ``respondent`` dim, which are aggregated by
        the mean (:func:`~sdg_interactions.matrix.aggregate`) first. A Dataset's ``comment`` variable
        supplies the comments.
    respondents : xarray.DataArray or xarray.Dataset, optional
        The answers (with a ``respondent`` dim) behind ``obj`` when ``obj`` is already aggregated (say,
        by the median): they supply ``comment``, ``n_respondents`` and ``share_negative``.

    Returns
    -------
    pandas.DataFrame
        One row per link with ``a_ij < 0`` on the aggregated matrix, sorted by ``score`` ascending,
        then by the source's systemic ``rank`` (:func:`~sdg_interactions.metrics.sdg_synergies` on the
        aggregated matrix) ascending, then in matrix order. Columns:

        * ``source``, ``target``, ``score`` (the aggregated score)
        * ``comment``: the distinct non-empty comments of the respondents (as written, in respondent
          order), joined with " | "
        * ``n_respondents``: how many answered (scored the pair); 1 for a single matrix
        * ``share_negative``: the share of those who scored it below 0; 1.0 for a single matrix
        * ``source_label_sv``, ``source_label_en``, ``target_label_sv``, ``target_label_en``

    Examples
    --------
    >>> from sdg_interactions.tables import from_long
    >>> t = pd.DataFrame({"respondent": ["a", "b", "a", "b"], "source": ["1.1", "1.1", "1.2", "1.2"],
    ...                   "target": ["1.2", "1.2", "1.1", "1.1"], "score": [-3, 1, -1, -1],
    ...                   "comment": ["costs", "", "land use", "land use"]})
    >>> conflicts(from_long(t))[["source", "target", "score", "comment", "n_respondents", "share_negative"]]
      source target  score   comment  n_respondents  share_negative
    0    1.1    1.2   -1.0     costs              2             0.5
    1    1.2    1.1   -1.0  land use              2             1.0
    """
    answers = respondents if respondents is not None else obj
    for name, item in (("obj", obj), ("respondents", respondents)):
        if item is not None:
            extra = [d for d in as_matrix(item).dims[:-2] if d != RESPONDENT]
            if extra:
                raise ValidationError(f"conflicts takes one matrix or one set of respondents; {name} has the "
                                      f"extra dims {tuple(extra)}. Valid: select one {extra[0]} first.")
    if respondents is not None and RESPONDENT not in as_matrix(respondents).dims:
        raise ValidationError(f"respondents needs a {RESPONDENT!r} dim. Valid: the Dataset of answers that "
                              "obj was aggregated from, or None.")
    if respondents is not None and RESPONDENT in as_matrix(obj).dims:
        raise ValidationError("obj already holds respondents' answers; pass respondents only with an "
                              "aggregated matrix. Valid: conflicts(answers) or conflicts(aggregated, "
                              "respondents=answers).")
    matrix = aggregate(obj) if RESPONDENT in as_matrix(obj).dims else as_matrix(obj)
    if node_ids(answers) != node_ids(matrix):
        raise ValidationError("respondents must hold the same nodes in the same order as obj.")

    answer_matrix = as_matrix(answers)
    if RESPONDENT in answer_matrix.dims:
        score = answer_matrix.transpose(RESPONDENT, *DIMS).to_numpy()
    else:
        score = answer_matrix.to_numpy()[None]
    comment = None
    if isinstance(answers, xr.Dataset) and "comment" in answers:
        comment = answers["comment"].transpose(..., *DIMS).to_numpy()
        comment = comment if comment.ndim == 3 else comment[None]

    a = matrix.to_numpy()
    n = a.shape[-1]
    with np.errstate(invalid="ignore"):
        negative = (a < 0) & ~np.eye(n, dtype=bool)
        answered = (~np.isnan(score)).sum(axis=0)
        share = (score < 0).sum(axis=0) / np.where(answered > 0, answered, 1)
    rank = sdg_synergies(matrix)["rank"].to_numpy()
    rows, cols = np.nonzero(negative)
    order = np.lexsort((np.arange(len(rows)), rank[rows], a[rows, cols]))
    rows, cols = rows[order], cols[order]
    ids = np.array(node_ids(matrix), dtype=object)

    def label(role: str, lang: str, index: np.ndarray) -> np.ndarray:
        name = f"{role}_label_{lang}"
        return matrix[name].to_numpy()[index].astype(str) if name in matrix.coords else ids[index].astype(str)

    return pd.DataFrame({
        "source": ids[rows].astype(str),
        "target": ids[cols].astype(str),
        "score": a[rows, cols].astype(float),
        "comment": [_join_comments(comment[:, i, j]) if comment is not None else ""
                    for i, j in zip(rows, cols, strict=True)],
        "n_respondents": answered[rows, cols].astype(np.int64),
        "share_negative": share[rows, cols].astype(float),
        "source_label_sv": label("source", "sv", rows),
        "source_label_en": label("source", "en", rows),
        "target_label_sv": label("target", "sv", cols),
        "target_label_en": label("target", "en", cols),
    })


def goal_of(node_id: str, group: str) -> str:
    """The goal-level id of a node: ``SDG-<g>`` for an SDG target of goal ``g``, else its group as is.

    Examples
    --------
    >>> goal_of("13.2", "13"), goal_of("MKM-3", "MKM")
    ('SDG-13', 'MKM')
    """
    group = str(group)
    if frameworks.framework_of(node_id) == "sdg_target":
        return f"SDG-{group}"
    return group


def _goal_coords(goal_ids: list[str]) -> dict[str, tuple]:
    """Node metadata coordinates of the goal-level matrix; groups that are no node ids label themselves."""
    fields = ("framework", "group", "label_sv", "label_en")
    values: dict[str, list[str]] = {f: [] for f in fields}
    for gid in goal_ids:
        try:
            info = frameworks.node_info([gid]).iloc[0]
            row = {f: str(info[f]) for f in fields}
        except SdgInteractionsError:  # a framework's own group, e.g. "MKM": not a node id
            row = {"framework": gid, "group": gid, "label_sv": gid, "label_en": gid}
        for f in fields:
            values[f].append(row[f])
    return {f"{role}_{f}": (role, np.array(values[f], dtype=object)) for role in DIMS for f in fields}


def goal_rollup(obj: xr.DataArray | xr.Dataset, *, how: str = "sum") -> xr.DataArray:
    """Roll a target-level matrix up to goal pairs; within-goal pairs are dropped.

    Each node belongs to the goal of its ``source_group`` coordinate (:func:`goal_of`): SDG targets to
    ``SDG-1`` … ``SDG-17``, nodes of other frameworks to their group as is. For goals g ≠ h, over the
    cells ``a_ij`` with i in g and j in h:

    * ``how="sum"`` (for metrics): ``b_gh = Σ a_ij`` with NaN read as 0; a goal pair with no scored cell
      stays NaN. Sums may exceed 3: the result is **not a score matrix** (``attrs["kind"] =
      "goal_sum"``) and :func:`~sdg_interactions.matrix.validate` would refuse it; the metrics accept it.
    * ``how="mean"`` (for charts): ``b_gh`` = the mean of the scored cells (NaN skipped), so the colour
      scale stays [−3, 3]; a valid aggregated matrix (``attrs["aggregated"] = 1``, ``kind =
      "goal_mean"``), checked with :func:`~sdg_interactions.matrix.validate` when its ids are node ids.

    The diagonal (g = h) is NaN. Goal ids are in natural order; vectorised over leading dims.

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
        raise ValidationError(f"unknown roll-up {how!r}. Valid: {', '.join(ROLLUPS)}.")
    da = as_matrix(obj)
    ids = node_ids(da)
    groups = da["source_group"].to_numpy() if "source_group" in da.coords else [
        str(frameworks.node_info([i])["group"].iloc[0]) for i in ids]
    member = [goal_of(i, g) for i, g in zip(ids, groups, strict=True)]
    goal_ids = sorted(set(member), key=frameworks.node_sort_key)
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
    coords.update({"source": goal_ids, "target": goal_ids, **_goal_coords(goal_ids)})
    result = xr.DataArray(out, dims=da.dims, coords=coords, name="score")
    attrs = {k: v for k, v in da.attrs.items() if k not in ("aggregated", "valid_range", "long_name")}
    result.attrs.update(attrs)
    if how == "sum":
        result.attrs.update({"kind": "goal_sum", "long_name": "sum of the scores between two goals' nodes"})
        return result
    result.attrs.update({"kind": "goal_mean", "aggregated": 1, "aggregation": "goal_mean",
                         "valid_range": [-3, 3], "long_name": "mean score between two goals' nodes"})
    if all(_is_node_id(g) for g in goal_ids):
        validate(result)
    return result


def _is_node_id(name: str) -> bool:
    try:
        frameworks.check_node_id(name)
    except SdgInteractionsError:
        return False
    return True
