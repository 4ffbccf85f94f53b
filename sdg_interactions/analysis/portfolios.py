"""Portfolio search: the at most k priorities that together reach most other nodes.

``gain(S) = Σ_{j∉S} (min(cap, direct_pos_j(S)) + direct_neg_j(S))``, searched exhaustively (numpy chunks) or
by greedy steps and a local search (``"greedy+swap"``). No proposed member's removal raises the gain, so a
proposal may hold fewer than ``k``. What a member ``i`` adds to the gain of its set ``S``, ``gain(S) −
gain(S∖i) = support + harm − own`` (:class:`Contribution`), gives the explanation its reasons and numbers.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.analysis._core import adjacency, at_least, clearly_hindering, clearly_promoting, rank_descending
from sdg_interactions.analysis.clustering import clusters
from sdg_interactions.analysis.portfolio_words import explain_portfolio
from sdg_interactions.analysis.scenarios import check_priorities, scenario
from sdg_interactions.analysis.synergies import sdg_synergies
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix import NODE, node_ids, require_single
from sdg_interactions.ranges import CAP, COUNT, check

__all__ = ["EXHAUSTIVE_LIMIT", "Contribution", "Portfolio", "explain_portfolio", "portfolio"]

#: :func:`portfolio` searches exhaustively when at most this many sets of k candidates exist.
EXHAUSTIVE_LIMIT = 5_000_000
CHUNK = 1 << 22  # numbers held per chunk of candidate sets (sets × nodes)


@dataclass(frozen=True)
class Contribution:
    """What member ``i`` of a set ``S`` adds to its gain: ``total = support + harm − own = gain(S) − gain(S∖i)``.

    ``support``: ``Σ_{j∉S} min(cap, pos_j(S)) − min(cap, pos_j(S∖i))`` ≥ 0; ``promotes``: whether ``i``
    promotes any ``j∉S`` (with ``support`` 0, each already gets ``cap`` from the others). ``harm``: the sum
    of its negative links to ``j∉S`` (≤ 0), to the nodes ``hindered``. ``own``: ``min(cap, pos_i(S∖i)) +
    neg_i(S∖i)``, what ``i`` would count as reached by the others; a chosen node is not counted as reached.
    """

    support: float
    harm: float
    own: float
    hindered: tuple[str, ...]
    promotes: bool

    @property
    def total(self) -> float:
        return self.support + self.harm - self.own


@dataclass
class Portfolio:
    """The result of :func:`portfolio`; ``explanation`` holds :func:`explain_portfolio` in sv and en.

    ``found``: the best set of at most ``k`` the search found; ``chosen`` is ``found`` without
    ``dropped_members`` (node → how much its removal raised the gain; ``dropped_contributions[node]`` its
    :class:`Contribution` to the set it was dropped from). ``best_by_size[r]``: the best gain of a set of
    ``r`` (exhaustive search only). ``addition`` when ``chosen`` has fewer than ``k``: the node whose
    addition gives the best set, ``gain(chosen ∪ x) − gain(chosen)`` (≤ 0) and its :class:`Contribution`
    there (or ``None``).
    ``pulls_along[i]`` / ``puts_at_risk[i]``: the nodes that come along / are at risk in the proposal's
    scenario and that ``i`` promotes (a score of +1 or more, :func:`~sdg_interactions.analysis.clearly_promoting`)
    / hinders (−1 or worse) directly. ``marginal[i]`` for a chosen node not in the top
    ``k`` and a top-``k`` node left out: what it adds to the gain of its own set, ``gain(S) − gain(S∖i)``,
    and ``contributions[i]`` the parts of it. ``overlap[d]`` for a top-``k`` node left out: (of the nodes it
    promotes, how many another top-``k`` node promotes too; how many it promotes). ``extra_along``: the
    nodes that come along with the proposal but neither come along with nor belong to the top ``k``.
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
    found: tuple[str, ...] = ()
    best_by_size: dict[int, float] = field(default_factory=dict)
    addition: tuple[str, float, Contribution] | None = None
    dropped_members: dict[str, float] = field(default_factory=dict)
    dropped_contributions: dict[str, Contribution] = field(default_factory=dict, repr=False)
    contributions: dict[str, Contribution] = field(default_factory=dict, repr=False)
    explanation: dict[str, str] = field(default_factory=dict, repr=False)


# --- scoring ------------------------------------------------------------------------------------


def _gains(pos: np.ndarray, neg: np.ndarray, sets: np.ndarray, cap: float, prefix: Sequence[int] = ()
           ) -> np.ndarray:
    """gain(prefix ∪ row) for every row of ``sets`` ``(c, r)`` of node positions; returns ``(c,)``.

    The harm is linear: ``Σ_{j∉S} neg_j(S) = Σ_{i∈S} Σ_j neg_ij − Σ_{i,j∈S} neg_ij``, so only the capped
    support needs a ``(c, n)`` array."""
    members = np.hstack([np.broadcast_to(np.asarray(prefix, dtype=np.int64), (len(sets), len(prefix))), sets])
    reach = np.repeat(pos[list(prefix)].sum(axis=0)[None, :], len(sets), axis=0)
    for t in range(sets.shape[1]):
        reach += pos[sets[:, t]]
    np.minimum(reach, cap, out=reach)
    support = reach.sum(axis=1) - np.take_along_axis(reach, members, axis=1).sum(axis=1)
    harm = neg.sum(axis=1)[members].sum(axis=1) - neg[members[:, :, None], members[:, None, :]].sum(axis=(1, 2))
    return support + harm


def _gain(pos: np.ndarray, neg: np.ndarray, members: Sequence[int], cap: float) -> float:
    """gain(S) of one set (0 for the empty set)."""
    return float(_gains(pos, neg, np.array([list(members)], dtype=np.int64).reshape(1, -1), cap)[0])


def _contribution(a: np.ndarray, cap: float, members: Sequence[int], i: int, ids: list[str]) -> Contribution:
    """The parts of what ``i`` adds to the gain of ``members`` (see :class:`Contribution`)."""
    rest = [m for m in members if m != i]
    outside = np.ones(len(ids), dtype=bool)
    outside[list(members)] = False
    before = np.maximum(a[rest], 0.0).sum(axis=0)
    support = (np.minimum(cap, before + np.maximum(a[i], 0.0)) - np.minimum(cap, before))[outside].sum()
    hindered = outside & (a[i] < 0)
    own = min(cap, before[i]) + np.minimum(a[rest, i], 0.0).sum()
    return Contribution(support=float(support), harm=float(a[i][hindered].sum()), own=float(own),
                        hindered=tuple(ids[j] for j in np.flatnonzero(hindered)),
                        promotes=bool((outside & (a[i] > 0)).any()))


def _pick(gains: np.ndarray, sums: np.ndarray) -> int:
    """The best row: the highest gain, then the highest systemic sum, then the first."""
    top = at_least(gains, gains.max())
    return int(np.flatnonzero(top & at_least(sums, sums[top].max()))[0])


def _better(gain: float, total: float, best_gain: float, best_total: float) -> bool:
    """Whether (gain, systemic sum) beats the best so far: a higher gain, or a tied gain and a higher sum."""
    return bool(not at_least(best_gain, gain) or (at_least(gain, best_gain) and not at_least(best_total, total)))


def _groups(obj: xr.DataArray, ids: list[str], one_per: str | None) -> np.ndarray:
    """A group number per node for ``one_per`` (0 = unconstrained)."""
    out = np.zeros(len(ids), dtype=np.int64)
    if one_per == "cluster":
        out[:] = clusters(obj)["cluster"].transpose(..., NODE).to_numpy()
    elif one_per == "layer":
        layers = frameworks.node_info(ids)["layer"].to_numpy()  # "" for nodes without a layer
        codes = {name: k for k, name in enumerate(sorted(set(layers) - {""}), start=1)}
        out[:] = [codes.get(layer, 0) for layer in layers]
    elif one_per is not None:
        raise ValidationError(locate(tr("error.analysis.unknown_option"), column="one_per", value=one_per,
                                     valid=tr("error.analysis.valid_one_per")))
    return out


def _admissible(sets: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Rows with at most one node per non-zero group."""
    ordered = np.sort(groups[sets], axis=1)
    return ~((ordered[:, 1:] == ordered[:, :-1]) & (ordered[:, 1:] != 0)).any(axis=1)


# --- search -------------------------------------------------------------------------------------


def _combinations(m: int, r: int) -> np.ndarray:
    """Every ``r``-subset of ``range(m)`` as rows of increasing numbers, in lexicographic order.

    >>> _combinations(4, 2).tolist()
    [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]
    """
    combos = np.arange(m - r + 1, dtype=np.int64)[:, None]
    for step in range(1, r):
        last = combos[:, -1]
        counts = m - r + step - last  # the next number runs from last + 1 to m − r + step
        starts = np.cumsum(counts) - counts
        following = np.repeat(last + 1 - starts, counts) + np.arange(counts.sum())
        combos = np.hstack([np.repeat(combos, counts, axis=0), following[:, None]])
    return combos


def _chunks(m: int, k: int, groups: np.ndarray, limit: int) -> Iterator[tuple[tuple[int, ...], np.ndarray]]:
    """``(prefix, rest)``: every ``k``-subset of ``range(m)`` as ``prefix ∪ row``, lexicographic, ≤ ``limit``
    rows unless one is left to choose; a prefix with two of one non-zero group is skipped with its subtree."""
    def split(prefix: tuple[int, ...], start: int, r: int):
        if r == 1 or math.comb(m - start, r) <= limit:
            yield prefix, start + _combinations(m - start, r)
            return
        used = {int(groups[p]) for p in prefix} - {0}
        for i in range(start, m - r + 1):
            if int(groups[i]) not in used:
                yield from split((*prefix, i), i + 1, r - 1)
    yield from split((), 0, k)


def _exhaustive(pos, neg, systemic, candidates, groups, k, cap):
    """The best set of at most ``k`` (gain, then systemic sum, then the first: the empty set, then smaller
    sizes first, each in lexicographic order), the number of sets scored and the best gain per size."""
    cand, evaluated, by_size = np.asarray(candidates, dtype=np.int64), 0, {}
    best = (0.0, 0.0, cand[:0])  # the empty set: no priority, gain 0
    constrained = bool(groups[cand].any())
    for size in range(1, k + 1):
        for prefix, rest in _chunks(len(cand), size, groups[cand], max(1, CHUNK // pos.shape[-1])):
            head, sets = cand[list(prefix)], cand[rest]
            if constrained:
                sets = sets[_admissible(np.hstack([np.broadcast_to(head, (len(sets), len(head))), sets]), groups)]
            if not len(sets):
                continue
            evaluated += len(sets)
            gains, sums = _gains(pos, neg, sets, cap, head), systemic[sets].sum(axis=1) + systemic[head].sum()
            row = _pick(gains, sums)
            by_size[size] = max(by_size.get(size, -np.inf), float(gains[row]))
            if _better(gains[row], sums[row], best[0], best[1]):
                best = (gains[row], sums[row], np.sort(np.r_[head, sets[row]]))
    return best[2], evaluated, by_size


def _additions(members: list[int], candidates: list[int], groups: np.ndarray) -> list[list[int]]:
    """``members`` plus one more candidate, for each candidate that may be added."""
    used = {int(groups[m]) for m in members} - {0}
    return [[*members, c] for c in candidates if c not in members and int(groups[c]) not in used]


def _best_of(pos, neg, systemic, rows: list[list[int]], cap):
    """The best of ``rows`` (gain, then systemic sum, then the first): (gain, sum, row, len(rows)) or None."""
    if not rows:
        return None
    sets = np.array(rows, dtype=np.int64)
    gains, sums = _gains(pos, neg, sets, cap), systemic[sets].sum(axis=1)
    row = _pick(gains, sums)
    return gains[row], sums[row], rows[row], len(rows)


def _greedy_swap(pos, neg, systemic, candidates, groups, k, cap):
    """Local search: the best set one swap, addition or removal away while it beats the set (gain, systemic
    sum), from three starts: greedy (``k`` steps, each adding the node that raises the gain most), the empty
    set and the best set of at most 2; the best of the three ends."""
    best_of, additions = lambda rows: _best_of(pos, neg, systemic, rows, cap), lambda rest: _additions(
        rest, candidates, groups)

    def climb(chosen: list[int], current: tuple, evaluated: int):
        seen = {frozenset(chosen)}
        while True:
            smaller = [[m for m in chosen if m != out] for out in chosen]
            moves = [best_of([row for rest in smaller for row in additions(rest) if row[-1] not in chosen]),
                     best_of(additions(chosen) if len(chosen) < k else []), best_of(smaller)]
            evaluated += sum(move[3] for move in moves if move)
            step = None
            for move in filter(None, moves):
                if step is None or _better(move[0], move[1], step[0], step[1]):
                    step = move
            if step is None or not _better(step[0], step[1], *current) or frozenset(step[2]) in seen:
                return chosen, current, evaluated
            current, chosen = step[:2], step[2]
            seen.add(frozenset(chosen))

    chosen, evaluated = [], 0
    while len(chosen) < k and (step := best_of(additions(chosen))):
        evaluated, chosen = evaluated + step[3], step[2]
    pair, scored, _ = _exhaustive(pos, neg, systemic, candidates, groups, min(k, 2), cap)  # the best of ≤ 2
    evaluated, best = evaluated + scored, ([], (0.0, 0.0))  # no priority: gain 0
    for start in (chosen, [], pair.tolist()):
        chosen, current, evaluated = climb(start, (_gain(pos, neg, start, cap), systemic[start].sum()), evaluated)
        best = (chosen, current) if _better(*current, *best[1]) else best
    return np.array(sorted(best[0]), dtype=np.int64), evaluated, {}


def _prune(pos, neg, systemic, members, cap) -> tuple[list[int], list[tuple[int, float, list[int]]]]:
    """Drop, while there is one, the member whose removal raises the gain most (beyond the tie tolerance;
    ties by the lower systemic score); returns the members left and ``(member, rise, set)`` per drop. A
    guard: neither search ends at a set that a removal improves."""
    members, dropped = [int(m) for m in members], []
    while members:
        now = _gain(pos, neg, members, cap)
        rise = np.array([_gain(pos, neg, [m for m in members if m != i], cap) for i in members]) - now
        raising = ~at_least(now, now + rise)
        if not raising.any():
            break
        low = -systemic[members]
        top = raising & at_least(rise, rise[raising].max())
        t = int(np.flatnonzero(top & at_least(low, low[top].max()))[0])
        dropped.append((members[t], float(rise[t]), list(members)))
        del members[t]
    return members, dropped


def portfolio(obj: xr.DataArray | xr.Dataset, k: int, *, cap: float = 3, exclude: Sequence[str] = (),
              one_per: str | None = None, method: str = "auto") -> Portfolio:
    """Choose up to ``k`` priorities that together reach most other nodes, with diminishing returns.

    Maximises ``gain(S) = Σ_{j∉S} (min(cap, direct_pos_j(S)) + direct_neg_j(S))`` with efforts 1:
    support beyond ``cap`` is not counted twice; harm always counts; a chosen node is not counted as
    reached. Ties: the summed systemic score of ``S`` (:func:`~sdg_interactions.analysis.sdg_synergies`), node order.
    The direct effects and the systemic score are those of SEI's SDG Synergies [1]_; the capped search over
    sets of priorities is this library's own.

    The search runs over the sets of at most ``k``, so no proposed member's removal raises the gain: the
    proposal may hold fewer than ``k``, and the explanation says why. ``method="auto"`` searches
    exhaustively when there are at most :data:`EXHAUSTIVE_LIMIT` sets of ``k`` candidates (chunks of sets
    scored at once with numpy), else ``"greedy+swap"``: from the greedy set (``k`` steps, each adding the
    node that raises the gain most), the empty set and the best set of at most 2, the best swap, addition or
    removal of one member while it gives a better set — fast, but the proposal may not be the best, and the
    explanation says so (``"exhaustive"`` or ``"greedy+swap"`` forces one). The empty set (gain 0) counts
    too: no set with a gain below 0 is proposed.

    Ranges (:mod:`sdg_interactions.ranges`): ``k`` 1 … the nodes not excluded; ``cap`` 0 < cap ≤ 30.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        ``obj`` is one matrix (aggregate several respondents first).
    k : int
        The most priorities to propose, 1 … the nodes not excluded.
    cap : float, default 3
        The most support a node outside the set counts, 0 < cap ≤ 30.
    exclude : sequence of str, optional
        ``exclude``: nodes that cannot be chosen (what the kommun cannot influence; they still count as
        reached).
    one_per : {None, "cluster", "layer"}, optional
        ``one_per="cluster"``: at most one node per cluster (:func:`sdg_interactions.analysis.clusters`;
        cluster 0 is unconstrained); ``"layer"``: at most one per wedding-cake layer of the node's SDG goal
        (goal 17, "all layers", is a layer of its own; non-SDG nodes are unconstrained).
    method : {"auto", "exhaustive", "greedy+swap"}, default "auto"
        How to search, as above.

    Returns
    -------
    Portfolio
        The :class:`Portfolio` holds the chosen ids, their gain, the method, the plain top ``k`` by systemic
        rank among the nodes not excluded (ties by node order) and its gain for comparison, and the
        explanation.

    Raises
    ------
    ValidationError
        If ``obj`` holds more than one matrix, ``method`` or ``one_per`` is unknown, ``k`` or ``cap`` is out
        of range, or ``one_per`` leaves fewer than ``k`` nodes to choose from.
    UnknownIdError
        If a node of ``exclude`` is not in the matrix.

    See Also
    --------
    sdg_interactions.analysis.explain_portfolio : The proposal in words, every number as the result holds it.
    sdg_interactions.analysis.scenario : What comes along with, and what is at risk from, a set of priorities.
    sdg_interactions.analysis.sdg_synergies : The systemic score whose top ``k`` the proposal is compared with.

    References
    ----------
    .. [1] Weitz, N., Carlsen, H., Nilsson, M., & Skånberg, K. (2018). Towards systemic and contextual
       priority setting for implementing the 2030 Agenda. Sustainability Science 13, 531–548.

    Examples
    --------
    >>> p = portfolio(toy_matrix(), 1)
    >>> p.chosen, p.gain, p.method, p.top_k, p.top_k_gain
    (('1.2',), 4.0, 'exhaustive', ('1.1',), 0.0)

    With ``k = 3`` no third node raises the gain: the best set of 3 gains 2, and adding 1.1 to the
    proposal would lower its gain by 3 (1.1 hinders 1.3 by 2; 1.4 promotes 1.1 by 1, which counts only
    while 1.1 is not chosen):

    >>> p = portfolio(toy_matrix(), 3)
    >>> p.chosen, p.gain, p.best_by_size, p.addition[:2], p.addition[2].total
    (('1.2', '1.4'), 4.0, {1: 4.0, 2: 4.0, 3: 2.0}, ('1.1', -3.0), -3.0)
    """
    da = require_single(obj, "portfolio")
    if method not in ("auto", "exhaustive", "greedy+swap"):
        raise ValidationError(locate(tr("error.analysis.unknown_method"), column="method", value=method,
                                     valid=tr("error.analysis.valid_portfolio_method")))
    cap = check(cap, "cap", CAP)
    ids = node_ids(da)
    banned = sorted(check_priorities(exclude, ids, "exclude")) if len(exclude) else []
    candidates = [c for c in range(len(ids)) if c not in banned]
    k = check(k, "k", COUNT, high=len(candidates))  # 1 … the nodes not excluded
    groups, a = _groups(da, ids, one_per), adjacency(da)
    pos, neg = np.maximum(a, 0.0), np.minimum(a, 0.0)
    systemic = sdg_synergies(da)["systemic"].to_numpy()
    if method == "auto":
        method = "exhaustive" if math.comb(len(candidates), k) <= EXHAUSTIVE_LIMIT else "greedy+swap"
    free = groups[candidates]
    if int((free == 0).sum()) + len(set(free.tolist()) - {0}) < k:
        raise ValidationError(locate(tr("error.analysis.one_per_impossible", k=k, one_per=one_per),
                                     column="one_per", value=one_per, valid=tr("error.analysis.valid_smaller_k")))
    found, evaluated, by_size = (_exhaustive if method == "exhaustive" else _greedy_swap)(
        pos, neg, systemic, candidates, groups, k, cap)
    best, dropped = _prune(pos, neg, systemic, found, cap)
    best = np.array(best, dtype=np.int64)
    extra = (_best_of(pos, neg, systemic, _additions(list(best), candidates, groups), cap) or [None] * 3)[2]
    rank = rank_descending(systemic)  # ties (within 1e-9) by node order
    top = np.array(sorted(sorted(candidates, key=lambda c: (rank[c], c))[:k]))
    classes = scenario(da, [ids[i] for i in best])["class"].to_numpy() if len(best) else np.array([""] * len(ids))
    along, risk = classes == "comes_along", classes == "at_risk"
    top_along = scenario(da, [ids[i] for i in top])["class"].to_numpy() == "comes_along"
    promoted = clearly_promoting(a)  # "främjar": a score (or a mean) of +1 or more

    def gain(group) -> float:
        return _gain(pos, neg, group, cap)

    def reach(i: int, group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Nodes outside ``group`` promoted by ``i``, and by another node of ``group``."""
        outside = ~np.isin(np.arange(len(ids)), group)
        return promoted[i] & outside, promoted[[m for m in group if m != i]].any(axis=0) & outside

    def named(mask: np.ndarray) -> tuple[str, ...]:
        return tuple(ids[j] for j in np.flatnonzero(mask))

    own_sets = [(group, i) for group, other in ((best, top), (top, best)) for i in group if i not in other]
    result = Portfolio(
        chosen=tuple(ids[i] for i in best), gain=gain(best), method=method, top_k=tuple(ids[i] for i in top),
        top_k_gain=gain(top), systemic=float(systemic[best].sum()),
        k=k, cap=cap, one_per=one_per, excluded=tuple(ids[c] for c in banned), n_evaluated=evaluated,
        pulls_along={ids[i]: named(along & promoted[i]) for i in best},
        puts_at_risk={ids[i]: named(risk & clearly_hindering(a[i])) for i in best},
        overlap={ids[d]: (int((mine & others).sum()), int(mine.sum()))
                 for d in top if d not in best for mine, others in [reach(d, top)]},
        marginal={ids[i]: gain(group) - gain([m for m in group if m != i]) for group, i in own_sets},
        extra_along=named(along & ~top_along & ~np.isin(np.arange(len(ids)), top)),
        labels={lang: dict(zip(ids, map(str, da[f"source_label_{lang}"].to_numpy()), strict=True))
                if f"source_label_{lang}" in da.coords else {i: i for i in ids} for lang in ("sv", "en")},
        found=tuple(ids[i] for i in found), best_by_size=by_size,
        addition=None if extra is None or len(best) == k else (
            ids[extra[-1]], gain(extra) - gain(best), _contribution(a, cap, extra, extra[-1], ids)),
        dropped_members={ids[i]: rise for i, rise, _ in dropped},
        dropped_contributions={ids[i]: _contribution(a, cap, group, i, ids) for i, _, group in dropped},
        contributions={ids[i]: _contribution(a, cap, group, i, ids) for group, i in own_sets})
    result.explanation = {lang: explain_portfolio(result, lang=lang) for lang in ("sv", "en")}
    return result
