"""Portfolio search: the k priorities that together reach most other nodes."""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.analysis._core import adjacency, at_least, rank_descending
from sdg_interactions.analysis.clusters import clusters
from sdg_interactions.analysis.scenario import check_priorities, scenario
from sdg_interactions.analysis.synergies import sdg_synergies
from sdg_interactions.errors import ValidationError, locate
from sdg_interactions.matrix import NODE, node_ids, require_single
from sdg_interactions.texts import check_lang, text

__all__ = ["EXHAUSTIVE_LIMIT", "Portfolio", "explain_portfolio", "portfolio"]

#: :func:`portfolio` searches exhaustively when at most this many sets of k candidates exist.
EXHAUSTIVE_LIMIT = 200_000
CHUNK = 1 << 21  # numbers held per chunk of candidate sets (sets × nodes)


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
    top = at_least(gains, gains.max())
    return int(np.flatnonzero(top & at_least(sums, sums[top].max()))[0])


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
        raise ValidationError(locate("unknown option", column="one_per", value=one_per,
                                     valid="'cluster', 'layer' or None"))
    return out


def _exhaustive(pos, neg, systemic, candidates, groups, k, cap):
    best, evaluated = None, 0  # best = (gain, systemic sum, set); an earlier set wins ties
    combos = itertools.combinations(candidates, k)
    chunk = max(1, CHUNK // (pos.shape[-1] * k))
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
    systemic score of ``S`` (:func:`~sdg_interactions.analysis.sdg_synergies`), then by node order.

    ``method="auto"`` searches exhaustively when there are at most :data:`EXHAUSTIVE_LIMIT` sets of ``k``
    candidates (chunks of sets evaluated at once with numpy), else **greedily**: ``k`` steps, each adding
    the node that raises the gain most — fast, but it may miss the best set; ``Portfolio.method`` says
    which ran. ``"exhaustive"`` or ``"greedy"`` force one.

    ``obj`` is one matrix (aggregate several respondents first). ``exclude``: nodes that cannot be
    chosen (what the kommun cannot influence; they still count as reached). ``one_per="cluster"``: at
    most one node per cluster (:func:`sdg_interactions.analysis.clusters`; cluster 0 is unconstrained);
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
    da = require_single(obj, "portfolio")
    if method not in ("auto", "exhaustive", "greedy"):
        raise ValidationError(locate("unknown method", column="method", value=method,
                                     valid="'auto', 'exhaustive' or 'greedy'"))
    if isinstance(cap, bool) or not isinstance(cap, int | float) or not cap > 0:
        raise ValidationError(locate("cap must be a number greater than 0", column="cap", value=cap))
    ids = node_ids(da)
    banned = sorted(check_priorities(exclude, ids, "exclude")) if len(exclude) else []
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
    rank = rank_descending(systemic)  # ties (within 1e-9) by node order
    top = np.array(sorted(sorted(candidates, key=lambda c: (rank[c], c))[:k]))
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


def _sign(marginal: float) -> str:
    """The text key suffix for a marginal gain: "" when it adds, "_none" for 0, "_negative" below."""
    return "" if marginal > 0 else "_none" if marginal == 0 else "_negative"


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
        lines += [text(f"{key}.overlap{_sign(result.marginal[d])}", lang, node=d, k=result.k,
                       shared=result.overlap[d][0], total=result.overlap[d][1],
                       marginal=f"{abs(result.marginal[d]):g}") for d in dropped]
        lines += [text(f"{key}.marginal{_sign(result.marginal[n])}", lang, node=n,
                       marginal=f"{abs(result.marginal[n]):g}") for n in added]
    if result.extra_along:
        lines.append(text(f"{key}.extra", lang, k=result.k, n=len(result.extra_along),
                          names=_names(result.extra_along, names, lang)))
    return "\n".join(lines)
