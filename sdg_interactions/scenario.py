"""Scenarios ("vad åker med?"): priorities, propagation, classes and portfolio search.

A scenario is a set ``S`` of prioritised nodes with efforts ``e_i`` (default 1). With ``A`` the matrix
(NaN read as 0, the diagonal 0; :func:`~sdg_interactions.metrics.adjacency`), its effect on each node keeps
direct and indirect, positive and negative contributions apart, so a conflict is never hidden behind a
synergy (:func:`propagate`). Classes rest on the direct links, what was scored (:func:`classify`).
:func:`portfolio` searches the ``k`` priorities that reach most other nodes.

Examples
--------
>>> s = scenario(toy_matrix(), ["1.1"])
>>> s["direct_pos"].to_numpy().tolist(), s["direct_neg"].to_numpy().tolist()
([0.0, 2.0, 0.0, 0.0], [0.0, 0.0, -2.0, 0.0])
>>> s["class"].to_numpy().tolist()
['prioritised', 'comes_along', 'at_risk', 'not_free']
"""

from __future__ import annotations

import difflib
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.errors import UnknownIdError, ValidationError, locate
from sdg_interactions.matrix import DIMS, NODE, as_matrix, from_array, node_ids
from sdg_interactions.metrics import adjacency, node_result, rank_descending, sdg_synergies
from sdg_interactions.texts import check_lang, text

__all__ = [
    "CLASSES", "EFFECT_VARIABLES", "EXHAUSTIVE_LIMIT", "Portfolio", "classify", "explain_portfolio",
    "portfolio", "propagate", "scenario", "toy_matrix", "triggered_conflicts",
]

#: The classes of :func:`classify`, in order of precedence.
CLASSES = ("prioritised", "at_risk", "comes_along", "partly_supported", "not_free")
#: The variables of :func:`propagate`, in order.
EFFECT_VARIABLES = ("direct_pos", "direct_neg", "indirect_pos", "indirect_neg",
                    "effect_pos", "effect_neg", "effect_net")
#: :func:`portfolio` searches exhaustively when at most this many sets of k candidates exist.
EXHAUSTIVE_LIMIT = 200_000
_TOL = 1e-9  # gains and systemic sums closer than this count as tied
_CHUNK = 1 << 21  # numbers held per chunk of candidate sets (sets × nodes)


def toy_matrix() -> xr.DataArray:
    """A 4-node matrix for examples, nodes 1.1 … 1.4, rows influence columns::

        A = [[·, 2, -2,  0],
             [0, ·,  3,  1],
             [0, 0,  ·, -1],
             [1, 0,  0,  ·]]
    """
    nan = np.nan
    values = np.array([[nan, 2, -2, 0], [0, nan, 3, 1], [0, 0, nan, -1], [1, 0, 0, nan]])
    return from_array(values, ["1.1", "1.2", "1.3", "1.4"])


def _check_priorities(priorities: str | Sequence[str], ids: list[str], column: str = "priorities"
                      ) -> list[int]:
    """The positions of ``priorities`` in ``ids`` (a string is a comma-separated list); raise for
    unknown, repeated or no ids, naming the id and close ids of the matrix."""
    if isinstance(priorities, str):
        priorities = [p for p in priorities.split(",") if p.strip()]
    if not len(priorities):
        raise ValidationError("a scenario needs at least one priority. Valid: node ids of the matrix, "
                              "e.g. ['16.6', '12.1'].")
    position = {node: k for k, node in enumerate(ids)}
    found: list[int] = []
    for raw in priorities:
        if not isinstance(raw, str):
            frameworks.check_node_id(raw, column=column)  # raises: ids are text
        try:
            node = frameworks.check_node_id(raw, column=column)
        except UnknownIdError:
            node = raw.strip()
        if node not in position:
            close = list(dict.fromkeys([*difflib.get_close_matches(node, ids, n=5, cutoff=0.5), *ids]))[:5]
            raise UnknownIdError(locate("not a node of this matrix", column=column, value=raw,
                                        valid=f"one of its {len(ids)} node ids, e.g. {', '.join(close)}"))
        if position[node] in found:
            raise ValidationError(locate("node given twice", column=column, value=node,
                                         valid="each node once"))
        found.append(position[node])
    return found


def _check_efforts(efforts: Sequence[float] | None, count: int) -> np.ndarray:
    if efforts is None:
        return np.ones(count)
    efforts = list(efforts) if isinstance(efforts, Sequence | np.ndarray) and not isinstance(efforts, str) \
        else [efforts]
    valid = f"numbers greater than 0, one per priority ({count}); default 1 each"
    if len(efforts) != count:
        raise ValidationError(locate(f"{len(efforts)} efforts for {count} priorities", column="efforts",
                                     value=", ".join(map(str, efforts)), valid=valid))
    for value in efforts:
        if isinstance(value, bool) or not isinstance(value, int | float | np.number) \
                or not (math.isfinite(value) and value > 0):
            raise ValidationError(locate("an effort must be a number greater than 0", column="efforts",
                                         value=value, valid=valid))
    return np.array(efforts, dtype=float)


def propagate(obj: xr.DataArray | xr.Dataset, priorities: str | Sequence[str], *,
              efforts: Sequence[float] | None = None) -> xr.Dataset:
    """Compute a scenario's direct and indirect, positive and negative effects on every node.

    With ``A`` the matrix (NaN read as 0, the diagonal 0), ``S`` the priorities, ``e_i`` their efforts:

    * ``direct_pos_j = Σ_{i∈S} e_i · max(a_ij, 0)``, ``direct_neg_j = Σ_{i∈S} e_i · min(a_ij, 0)``
    * ``indirect_pos_j = ½ Σ_{i∈S} e_i Σ_k max(a_ik · a_kj, 0)``, ``indirect_neg_j`` likewise with min
      (two-step paths i → k → j; "minus times minus" counts as plus, as in SDG Synergies' second order)
    * ``effect_pos = direct_pos + indirect_pos``, ``effect_neg = direct_neg + indirect_neg``,
      ``effect_net = effect_pos + effect_neg``

    ``k`` runs over all nodes, other priorities and ``j`` included; as the diagonal of ``A`` is 0, the
    terms ``k = i`` and ``k = j`` vanish. Priorities get effects too (from the other priorities, and
    paths back to themselves). With ``P = max(A, 0)``, ``N = min(A, 0)`` and ``d⁺``, ``d⁻`` the direct
    parts: ``indirect_pos = ½ (d⁺·P + d⁻·N)``, ``indirect_neg = ½ (d⁺·N + d⁻·P)``, vectorised over
    leading dims (respondents, kommuner, samples give results per entry).

    ``priorities`` are node ids of the matrix (a string is read as a comma-separated list), ``efforts``
    one number > 0 per priority. Returns :data:`EFFECT_VARIABLES` on ``(..., "node")`` with the node
    metadata, and ``attrs["priorities"]``, ``attrs["efforts"]``.

    Examples
    --------
    >>> e = propagate(toy_matrix(), ["1.1", "1.2"], efforts=[1, 2])
    >>> e["direct_pos"].to_numpy().tolist(), e["direct_neg"].to_numpy().tolist()
    ([0.0, 2.0, 6.0, 2.0], [0.0, 0.0, -2.0, 0.0])
    """
    ids = node_ids(obj)
    where = _check_priorities(priorities, ids)
    weights = np.zeros(len(ids))
    weights[where] = _check_efforts(efforts, len(where))
    a = adjacency(obj)
    pos, neg = np.maximum(a, 0.0), np.minimum(a, 0.0)
    direct_pos = np.einsum("i,...ij->...j", weights, pos)
    direct_neg = np.einsum("i,...ij->...j", weights, neg)

    def step(d: np.ndarray, m: np.ndarray) -> np.ndarray:
        return np.einsum("...k,...kj->...j", d, m)

    indirect_pos = 0.5 * (step(direct_pos, pos) + step(direct_neg, neg))
    indirect_neg = 0.5 * (step(direct_pos, neg) + step(direct_neg, pos))
    effect_pos, effect_neg = direct_pos + indirect_pos, direct_neg + indirect_neg
    result = node_result(obj, {
        "direct_pos": direct_pos, "direct_neg": direct_neg, "indirect_pos": indirect_pos,
        "indirect_neg": indirect_neg, "effect_pos": effect_pos, "effect_neg": effect_neg,
        "effect_net": effect_pos + effect_neg,
    })
    result.attrs.update({"priorities": [ids[k] for k in where], "efforts": weights[where].tolist()})
    return result


def classify(effects: xr.Dataset, priorities: str | Sequence[str],
             matrix: xr.DataArray | xr.Dataset | np.ndarray, *, risk_threshold: float = -2,
             comes_along: float = 2, partly: float = 1) -> xr.DataArray:
    """Sort every node of a scenario into one of :data:`CLASSES`, on the direct links only.

    In this order of precedence: ``prioritised`` (``j ∈ S``); ``at_risk`` (some ``i ∈ S`` has
    ``a_ij ≤ risk_threshold`` as scored, not times the effort, or ``direct_pos_j + direct_neg_j < 0``);
    ``comes_along`` (``direct_pos_j ≥ comes_along``); ``partly_supported`` (``partly ≤ direct_pos_j <
    comes_along``); ``not_free`` (``direct_pos_j < partly``: needs its own effort). Indirect sums grow
    with the size of the matrix, so they are shown beside the classes, not used for them.

    ``effects`` is the result of :func:`propagate`; ``matrix`` the matrix, or ``A`` as an array
    ``(..., n, n)`` in the node and leading-dim order of ``effects``. Returns ``class`` on the dims of
    ``effects``.

    Examples
    --------
    >>> m = toy_matrix()
    >>> classify(propagate(m, ["1.2"]), ["1.2"], m, comes_along=3).to_numpy().tolist()
    ['not_free', 'prioritised', 'comes_along', 'partly_supported']
    """
    for name, value in dict(risk_threshold=risk_threshold, comes_along=comes_along, partly=partly).items():
        if isinstance(value, bool) or not isinstance(value, int | float | np.number) \
                or not math.isfinite(value):
            raise ValidationError(locate("a threshold must be a number", column=name, value=value))
    if partly > comes_along:
        raise ValidationError(f"partly ({partly}) must not exceed comes_along ({comes_along}). "
                              "Valid: e.g. partly=1, comes_along=2.")
    ids = [str(v) for v in effects[NODE].to_numpy()]
    where = _check_priorities(priorities, ids)
    direct = effects[["direct_pos", "direct_neg"]].transpose(..., NODE)
    lead = list(direct["direct_pos"].dims[:-1])
    if isinstance(matrix, np.ndarray):
        a = np.nan_to_num(np.asarray(matrix, dtype=float))
    elif node_ids(matrix) != ids:
        raise ValidationError("the matrix and the effects hold different nodes. "
                              "Valid: the matrix the effects were computed from.")
    else:
        a = adjacency(as_matrix(matrix).transpose(*lead, *DIMS))
    pos, neg = direct["direct_pos"].to_numpy(), direct["direct_neg"].to_numpy()
    if a.shape != (*pos.shape, len(ids)):
        raise ValidationError(f"A has the shape {a.shape}; the effects need {(*pos.shape, len(ids))}.")
    chosen = np.zeros(len(ids), dtype=bool)
    chosen[where] = True
    risk = (a[..., where, :].min(axis=-2) <= risk_threshold) | (pos + neg < 0)
    codes = np.select([np.broadcast_to(chosen, pos.shape), risk, pos >= comes_along, pos >= partly],
                      CLASSES[:4], default=CLASSES[4])
    return xr.DataArray(codes, dims=(*lead, NODE), coords=direct.coords, name="class")


def scenario(obj: xr.DataArray | xr.Dataset, priorities: str | Sequence[str], *,
             efforts: Sequence[float] | None = None, risk_threshold: float = -2, comes_along: float = 2,
             partly: float = 1) -> xr.Dataset:
    """:func:`propagate` and :func:`classify` in one: the effects plus a ``class`` variable.

    Examples
    --------
    >>> scenario(toy_matrix(), "1.1,1.4")["class"].to_numpy().tolist()
    ['prioritised', 'comes_along', 'at_risk', 'prioritised']
    """
    effects = propagate(obj, priorities, efforts=efforts)
    effects["class"] = classify(effects, priorities, obj, risk_threshold=risk_threshold,
                                comes_along=comes_along, partly=partly)
    effects.attrs.update({"risk_threshold": risk_threshold, "comes_along": comes_along, "partly": partly})
    return effects


def triggered_conflicts(obj: xr.DataArray | xr.Dataset, priorities: str | Sequence[str]) -> pd.DataFrame:
    """List the conflicts a scenario triggers: every link from a priority with ``a_ij < 0``, worst first.

    Several answers (leading dims such as respondents) are aggregated by the mean, skipping NaN; the
    comments of a Dataset's ``comment`` variable are joined, distinct and non-empty, with ``" | "``.
    Columns ``source, target, score, source_label_sv, source_label_en, target_label_sv,
    target_label_en, comment``; sorted by score, the systemic rank of the source, then node order.

    Examples
    --------
    >>> found = triggered_conflicts(toy_matrix(), ["1.1", "1.3"])
    >>> found[["source", "target", "score"]].to_numpy().tolist()
    [['1.1', '1.3', -2.0], ['1.3', '1.4', -1.0]]
    """
    da = as_matrix(obj)
    ids = node_ids(da)
    where, n = _check_priorities(priorities, ids), len(ids)
    values = da.to_numpy().reshape(-1, n, n)
    count = np.sum(~np.isnan(values), axis=0)
    mean = np.where(count > 0, np.nansum(values, axis=0) / np.maximum(count, 1), np.nan)
    np.fill_diagonal(mean, np.nan)
    comments = None
    if isinstance(obj, xr.Dataset) and "comment" in obj:
        comments = obj["comment"].transpose(..., *DIMS).to_numpy().reshape(-1, n, n)
    a = np.nan_to_num(mean)
    rank = rank_descending(a.sum(axis=1) + 0.5 * a @ a.sum(axis=1))  # systemic, as in sdg_synergies
    label = {lang: da[f"source_label_{lang}"].to_numpy() if f"source_label_{lang}" in da.coords
             else np.array(ids, dtype=object) for lang in ("sv", "en")}
    rows = []
    for i in where:
        for j in np.flatnonzero(mean[i] < 0):
            said = [] if comments is None else [str(c).strip() for c in comments[:, i, j]]
            joined = " | ".join(dict.fromkeys(c for c in said if c and c != "nan"))
            rows.append((mean[i, j], rank[i], i, j, ids[i], ids[j], float(mean[i, j]), label["sv"][i],
                         label["en"][i], label["sv"][j], label["en"][j], joined))
    columns = ["source", "target", "score", "source_label_sv", "source_label_en", "target_label_sv",
               "target_label_en", "comment"]
    frame = pd.DataFrame([row[4:] for row in sorted(rows, key=lambda row: row[:4])], columns=columns)
    return frame.astype({c: object for c in columns if c != "score"} | {"score": float})


# --- portfolio ----------------------------------------------------------------------------------


@dataclass
class Portfolio:
    """The result of :func:`portfolio`; ``explanation`` holds :func:`explain_portfolio` in sv and en.

    ``pulls_along[i]`` / ``puts_at_risk[i]``: the nodes that come along / are at risk in the proposal's
    scenario and that ``i`` promotes / hinders directly. ``marginal[i]`` for a chosen node not in the top
    ``k`` and a top-``k`` node left out: what it adds to the gain of its own set, ``gain(S) − gain(S∖i)``.
    ``overlap[d]`` for a top-``k`` node left out: (of the nodes it promotes, how many another top-``k``
    node promotes too; how many it promotes). ``extra_along``: the nodes that come along with the
    proposal but neither come along with nor belong to the top ``k``.
    """

    chosen: tuple[str, ...]
    gain: float
    method: str
    top_k: tuple[str, ...]
    top_k_gain: float
    systemic: float
    k: int
    cap: float
    one_per: str | None
    excluded: tuple[str, ...]
    n_evaluated: int
    pulls_along: dict[str, tuple[str, ...]]
    puts_at_risk: dict[str, tuple[str, ...]]
    marginal: dict[str, float]
    overlap: dict[str, tuple[int, int]]
    extra_along: tuple[str, ...]
    labels: dict[str, dict[str, str]] = field(repr=False)
    explanation: dict[str, str] = field(default_factory=dict, repr=False)


def _gains(pos: np.ndarray, neg: np.ndarray, sets: np.ndarray, cap: float) -> np.ndarray:
    """gain(S) for many sets at once: ``sets`` is ``(c, k)`` node positions; returns ``(c,)``."""
    inside = np.zeros((len(sets), pos.shape[-1]), dtype=bool)
    inside[np.arange(len(sets))[:, None], sets] = True
    contribution = np.minimum(cap, pos[sets].sum(axis=1)) + neg[sets].sum(axis=1)
    return np.where(inside, 0.0, contribution).sum(axis=1)


def _pick(gains: np.ndarray, sums: np.ndarray) -> int:
    """The best row: the highest gain, then the highest systemic sum, then the first."""
    top = gains >= gains.max() - _TOL
    return int(np.flatnonzero(top & (sums >= sums[top].max() - _TOL))[0])


def _groups(obj: xr.DataArray, ids: list[str], one_per: str | None) -> np.ndarray:
    """A group number per node for ``one_per`` (0 = unconstrained)."""
    out = np.zeros(len(ids), dtype=np.int64)
    if one_per == "cluster":
        from sdg_interactions.structure import clusters

        out[:] = clusters(obj)["cluster"].transpose(..., NODE).to_numpy()
    elif one_per == "layer":
        table = frameworks.goals("en")
        codes = {name: k for k, name in enumerate(sorted(set(table["layer"])), start=1)}
        layer = dict(zip(table["goal"], table["layer"], strict=True))
        for k, node in enumerate(ids):
            if frameworks.framework_of(node) in ("sdg_target", "sdg_goal"):
                out[k] = codes[layer[int(node.removeprefix("SDG-").split(".")[0])]]
    elif one_per is not None:
        raise ValidationError(locate("unknown option", column="one_per", value=one_per,
                                     valid="'cluster', 'layer' or None"))
    return out


def _exhaustive(pos, neg, systemic, candidates, groups, k, cap):
    best, evaluated = None, 0  # best = (gain, systemic sum, set); an earlier set wins ties
    combos = itertools.combinations(candidates, k)
    chunk = max(1, _CHUNK // (pos.shape[-1] * k))
    while (flat := np.fromiter(itertools.chain.from_iterable(itertools.islice(combos, chunk)),
                               dtype=np.int64)).size:
        sets = flat.reshape(-1, k)
        evaluated += len(sets)
        ordered = np.sort(groups[sets], axis=1)  # at most one node per non-zero group
        sets = sets[~((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] != 0)).any(axis=1)]
        if len(sets):
            gains, sums = _gains(pos, neg, sets, cap), systemic[sets].sum(axis=1)
            if best is not None:
                sets, gains, sums = np.vstack([best[2], sets]), np.r_[best[0], gains], np.r_[best[1], sums]
            row = _pick(gains, sums)
            best = (gains[row], sums[row], sets[row])
    return (None if best is None else best[2]), evaluated


def _greedy(pos, neg, systemic, candidates, groups, k, cap):
    chosen: list[int] = []
    evaluated = 0
    for _ in range(k):
        used = {int(groups[c]) for c in chosen} - {0}
        free = [c for c in candidates if c not in chosen and int(groups[c]) not in used]
        if not free:
            return None, evaluated
        sets = np.array([[*chosen, c] for c in free], dtype=np.int64)
        evaluated += len(sets)
        chosen.append(free[_pick(_gains(pos, neg, sets, cap), systemic[sets].sum(axis=1))])
    return np.array(sorted(chosen)), evaluated


def portfolio(obj: xr.DataArray | xr.Dataset, k: int, *, cap: float = 3, exclude: Sequence[str] = (),
              one_per: str | None = None, method: str = "auto") -> Portfolio:
    """Choose ``k`` priorities that together reach most other nodes, with diminishing returns.

    Maximises ``gain(S) = Σ_{j∉S} (min(cap, direct_pos_j(S)) + direct_neg_j(S))`` with efforts 1:
    support beyond ``cap`` is not counted twice; harm always counts. Ties are broken by the summed
    systemic score of ``S`` (:func:`~sdg_interactions.metrics.sdg_synergies`), then by node order.

    ``method="auto"`` searches exhaustively when there are at most :data:`EXHAUSTIVE_LIMIT` sets of ``k``
    candidates (chunks of sets evaluated at once with numpy), else **greedily**: ``k`` steps, each adding
    the node that raises the gain most — fast, but it may miss the best set; ``Portfolio.method`` says
    which ran. ``"exhaustive"`` or ``"greedy"`` force one.

    ``obj`` is one matrix (aggregate several respondents first). ``exclude``: nodes that cannot be
    chosen (what the kommun cannot influence; they still count as reached). ``one_per="cluster"``: at
    most one node per cluster (:func:`sdg_interactions.structure.clusters`; cluster 0 is unconstrained);
    ``"layer"``: at most one per wedding-cake layer of the node's SDG goal (goal 17, "all layers", is a
    layer of its own; non-SDG nodes are unconstrained).

    The :class:`Portfolio` holds the chosen ids, their gain and the method; for comparison the plain top
    ``k`` by systemic rank among the nodes not excluded (ties by node order) and its gain; and the
    explanation.

    Examples
    --------
    >>> p = portfolio(toy_matrix(), 1)
    >>> p.chosen, p.gain, p.method, p.top_k, p.top_k_gain
    (('1.2',), 4.0, 'exhaustive', ('1.1',), 0.0)
    """
    da = as_matrix(obj)
    if da.ndim != 2:
        raise ValidationError(f"portfolio takes one matrix; this one has the extra dims {da.dims[:-2]}. "
                              "Valid: aggregate() it or select one first.")
    if method not in ("auto", "exhaustive", "greedy"):
        raise ValidationError(locate("unknown method", column="method", value=method,
                                     valid="'auto', 'exhaustive' or 'greedy'"))
    if isinstance(cap, bool) or not isinstance(cap, int | float) or not cap > 0:
        raise ValidationError(locate("cap must be a number greater than 0", column="cap", value=cap))
    ids = node_ids(da)
    banned = sorted(_check_priorities(exclude, ids, "exclude")) if len(exclude) else []
    candidates = [c for c in range(len(ids)) if c not in banned]
    if isinstance(k, bool) or not isinstance(k, int | np.integer) or not 1 <= k <= len(candidates):
        raise ValidationError(locate("k must be a whole number of priorities", column="k", value=k,
                                     valid=f"1 … {len(candidates)} (the nodes not excluded)"))
    k, groups, a = int(k), _groups(da, ids, one_per), adjacency(da)
    pos, neg = np.maximum(a, 0.0), np.minimum(a, 0.0)
    systemic = sdg_synergies(da)["systemic"].to_numpy()
    if method == "auto":
        method = "exhaustive" if math.comb(len(candidates), k) <= EXHAUSTIVE_LIMIT else "greedy"
    best, evaluated = (_exhaustive if method == "exhaustive" else _greedy)(
        pos, neg, systemic, candidates, groups, k, cap)
    if best is None:
        raise ValidationError(locate(f"no set of {k} nodes has at most one node per {one_per}",
                                     column="one_per", value=one_per, valid="a smaller k, or one_per=None"))
    top = np.array(sorted(sorted(candidates, key=lambda c: (-systemic[c], c))[:k]))
    classes = scenario(da, [ids[i] for i in best])["class"].to_numpy()
    along, risk = classes == "comes_along", classes == "at_risk"
    top_along = scenario(da, [ids[i] for i in top])["class"].to_numpy() == "comes_along"
    promoted = a > 0

    def gain(group: np.ndarray) -> float:
        return float(_gains(pos, neg, np.asarray(group, dtype=np.int64)[None, :], cap)[0])

    def reach(i: int, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nodes outside ``group`` promoted by ``i``, and by another node of ``group``."""
        outside = ~np.isin(np.arange(len(ids)), group)
        return promoted[i] & outside, promoted[[m for m in group if m != i]].any(axis=0) & outside

    def named(mask: np.ndarray) -> tuple[str, ...]:
        return tuple(ids[j] for j in np.flatnonzero(mask))

    result = Portfolio(
        chosen=tuple(ids[i] for i in best), gain=gain(best), method=method, top_k=tuple(ids[i] for i in top),
        top_k_gain=gain(top), systemic=float(systemic[best].sum()),
        k=k, cap=cap, one_per=one_per, excluded=tuple(ids[c] for c in banned), n_evaluated=evaluated,
        pulls_along={ids[i]: named(along & promoted[i]) for i in best},
        puts_at_risk={ids[i]: named(risk & (a[i] < 0)) for i in best},
        overlap={ids[d]: (int((mine & others).sum()), int(mine.sum()))
                 for d in top if d not in best for mine, others in [reach(d, top)]},
        marginal={ids[i]: gain(group) - gain([m for m in group if m != i])
                  for group, other in ((best, top), (top, best)) for i in group if i not in other},
        extra_along=named(along & ~top_along & ~np.isin(np.arange(len(ids)), top)),
        labels={lang: dict(zip(ids, map(str, da[f"source_label_{lang}"].to_numpy()), strict=True))
                if f"source_label_{lang}" in da.coords else {i: i for i in ids} for lang in ("sv", "en")})
    result.explanation = {lang: explain_portfolio(result, lang=lang) for lang in ("sv", "en")}
    return result


def _names(nodes: Sequence[str], labels: dict[str, str], lang: str, limit: int = 8) -> str:
    named = [f"{n} {labels.get(n, n)}" for n in nodes[:limit]]
    if len(nodes) > limit:
        named.append(text("scenario.portfolio.more", lang, n=len(nodes) - limit))
    return "; ".join(named)


def explain_portfolio(result: Portfolio, lang: str = "sv") -> str:
    """Explain a :func:`portfolio` result in words: what each chosen node pulls along and puts at risk,
    and how the proposal differs from the plain top ``k`` by systemic rank.

    Examples
    --------
    >>> print(explain_portfolio(portfolio(toy_matrix(), 1), lang="en"))  # doctest: +ELLIPSIS
    Proposal, 1 to prioritise: gain 4 (exhaustive search over 4 sets).
    - 1.2 ...: pulls along 1.3 Social protection; puts nothing at risk.
    Differs from the 1 highest ranked by systemic influence (1.1, gain 0 against 4): 1.2 ... instead of ...
    The proposal brings along 1 that the top 1 do not: 1.3 Social protection.
    """
    check_lang(lang)
    names, key = result.labels[lang], "scenario.portfolio"
    lines = [text(f"{key}.heading", lang, k=result.k, gain=f"{result.gain:g}",
                  how=text(f"{key}.{result.method}", lang, n=result.n_evaluated))]
    for node in result.chosen:
        pulls, risks = result.pulls_along[node], result.puts_at_risk[node]
        lines.append(text(f"{key}.node", lang, node=f"{node} {names.get(node, node)}",
                          pulls=text(f"{key}.pulls", lang, names=_names(pulls, names, lang)) if pulls
                          else text(f"{key}.pulls_none", lang),
                          risks=text(f"{key}.risks", lang, names=_names(risks, names, lang)) if risks
                          else text(f"{key}.risks_none", lang)))
    if set(result.chosen) == set(result.top_k):
        return "\n".join([*lines, text(f"{key}.same", lang, k=result.k)])
    added = [n for n in result.chosen if n not in result.top_k]
    dropped = [n for n in result.top_k if n not in result.chosen]
    lines.append(text(f"{key}.differs", lang, k=result.k, top=", ".join(result.top_k),
                      top_gain=f"{result.top_k_gain:g}", gain=f"{result.gain:g}",
                      added=_names(added, names, lang), dropped=_names(dropped, names, lang)))
    if result.k > 1:
        lines += [text(f"{key}.overlap", lang, node=d, k=result.k, shared=result.overlap[d][0],
                       total=result.overlap[d][1], marginal=f"{result.marginal[d]:g}") for d in dropped]
        lines += [text(f"{key}.marginal", lang, node=n, marginal=f"{result.marginal[n]:g}") for n in added]
    if result.extra_along:
        lines.append(text(f"{key}.extra", lang, k=result.k, n=len(result.extra_along),
                          names=_names(result.extra_along, names, lang)))
    return "\n".join(lines)
