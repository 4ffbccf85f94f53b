"""A slow, straightforward reference implementation of every metric, written from the formulas.

Plain Python loops over lists (and networkx for the clusters); no numpy, no xarray. The tests compare
the vectorised library against it, and ``bench/`` times the library against it. One matrix at a time:
loop over respondents or samples yourself.

A matrix is a list of rows, ``A[i][j]`` the influence of node ``i`` on node ``j``; NaN means "not
scored" and is read as 0, the diagonal is ignored. ``ids`` are the node ids in the matrix's order.

API
---
* :func:`slow_metrics` — every per-node metric: ``{name: [value per node]}``
* :func:`slow_total_influence_matrix` — ``T = (I − αD)⁻¹ − I`` by Gauss–Jordan elimination
* :func:`slow_sign_flips`, :func:`slow_clusters`, :func:`slow_conflicts`, :func:`slow_goal_rollup`
"""

from __future__ import annotations

import math

import networkx as nx

from sdg_interactions.frameworks import node_sort_key

__all__ = [
    "PER_NODE",
    "clean",
    "slow_clusters",
    "slow_conflicts",
    "slow_goal_rollup",
    "slow_metrics",
    "slow_rank",
    "slow_sign_flips",
    "slow_total_influence_matrix",
]

#: The names :func:`slow_metrics` returns, in order.
PER_NODE = ("out_sum", "out_pos", "out_neg", "in_sum", "in_pos", "in_neg", "second_order", "systemic",
            "rank", "n_pos_out", "n_neg_out", "n_pos_in", "n_neg_in", "net_multiplier", "paths_synergy",
            "paths_double_negative", "paths_mixed", "total_out", "total_in", "influence", "dependence",
            "quadrant", "cluster")

SIGN_TOLERANCE = 1e-12


def clean(A) -> list[list[float]]:
    """``A`` with NaN read as 0 and the diagonal set to 0, as a new list of lists of floats."""
    n = len(A)
    out = []
    for i in range(n):
        row = []
        for j in range(n):
            value = float(A[i][j])
            row.append(0.0 if i == j or math.isnan(value) else value)
        out.append(row)
    return out


def slow_rank(values: list[float]) -> list[int]:
    """Rank by descending value; ties share the best rank: 1 + the number of strictly greater values."""
    ranks = []
    for v in values:
        greater = 0
        for w in values:
            if w > v:
                greater += 1
        ranks.append(1 + greater)
    return ranks


def _invert(M: list[list[float]]) -> list[list[float]]:
    """The inverse of a square matrix by Gauss–Jordan elimination with partial pivoting."""
    n = len(M)
    work = [list(M[i]) + [1.0 if i == j else 0.0 for j in range(n)] for i in range(n)]
    for col in range(n):
        pivot = col
        for r in range(col + 1, n):
            if abs(work[r][col]) > abs(work[pivot][col]):
                pivot = r
        work[col], work[pivot] = work[pivot], work[col]
        p = work[col][col]
        for c in range(2 * n):
            work[col][c] /= p
        for r in range(n):
            if r != col:
                f = work[r][col]
                if f != 0.0:
                    for c in range(2 * n):
                        work[r][c] -= f * work[col][c]
    return [row[n:] for row in work]


def slow_total_influence_matrix(A, *, alpha: float = 0.9) -> list[list[float]]:
    """``s = max(max_i Σ_j |a_ij|, max_j Σ_i |a_ij|)``; ``D = A/s``; ``T = (I − αD)⁻¹ − I``.

    ``T = 0`` if ``s = 0``. The inverse by Gauss–Jordan elimination, in plain Python.
    """
    a = clean(A)
    n = len(a)
    s = 0.0
    for i in range(n):
        row = 0.0
        for j in range(n):
            row += abs(a[i][j])
        s = max(s, row)
    for j in range(n):
        col = 0.0
        for i in range(n):
            col += abs(a[i][j])
        s = max(s, col)
    if s == 0:
        return [[0.0] * n for _ in range(n)]
    M = [[(1.0 if i == j else 0.0) - alpha * a[i][j] / s for j in range(n)] for i in range(n)]
    inv = _invert(M)
    return [[inv[i][j] - (1.0 if i == j else 0.0) for j in range(n)] for i in range(n)]


def slow_clusters(A, ids) -> list[int]:
    """Greedy-modularity clusters of the undirected graph of links ≥ 2 (0 = no such link).

    Edge i–j (i < j) if a_ij ≥ 2 or a_ji ≥ 2, weight = the sum of those of a_ij, a_ji that are ≥ 2;
    nodes labelled 0..n−1 by their position; clusters numbered by size, then by the smallest id.
    """
    a = clean(A)
    n = len(a)
    G = nx.Graph()
    for i in range(n):
        for j in range(i + 1, n):
            w = 0.0
            if a[i][j] >= 2:
                w += a[i][j]
            if a[j][i] >= 2:
                w += a[j][i]
            if w > 0:
                G.add_edge(i, j, weight=w)
    number = [0] * n
    if G.number_of_edges() == 0:
        return number
    communities = list(nx.community.greedy_modularity_communities(G, weight="weight"))
    communities.sort(key=lambda c: (-len(c), min(node_sort_key(ids[k]) for k in c)))
    for k, members in enumerate(communities):
        for node in members:
            number[node] = k + 1
    return number


def slow_metrics(A, ids, *, alpha: float = 0.9, with_clusters: bool = True) -> dict[str, list]:
    """Every per-node metric of one matrix, by loops: ``{name: [value for each node]}`` (see PER_NODE)."""
    a = clean(A)
    n = len(a)
    out: dict[str, list] = {name: [] for name in PER_NODE}
    r = [sum(a[i][j] for j in range(n)) for i in range(n)]
    c = [sum(a[i][j] for i in range(n)) for j in range(n)]
    for i in range(n):
        out["out_sum"].append(r[i])
        out["out_pos"].append(sum(max(a[i][j], 0.0) for j in range(n)))
        out["out_neg"].append(sum(min(a[i][j], 0.0) for j in range(n)))
        out["in_sum"].append(c[i])
        out["in_pos"].append(sum(max(a[k][i], 0.0) for k in range(n)))
        out["in_neg"].append(sum(min(a[k][i], 0.0) for k in range(n)))
        second = 0.0
        for j in range(n):
            second += a[i][j] * r[j]
        out["second_order"].append(0.5 * second)
        out["systemic"].append(r[i] + 0.5 * second)
        out["n_pos_out"].append(sum(1 for j in range(n) if a[i][j] > 0))
        out["n_neg_out"].append(sum(1 for j in range(n) if a[i][j] < 0))
        out["n_pos_in"].append(sum(1 for k in range(n) if a[k][i] > 0))
        out["n_neg_in"].append(sum(1 for k in range(n) if a[k][i] < 0))
        out["net_multiplier"].append(r[i] - c[i])
        syn = dneg = mixed = 0.0
        for j in range(n):
            for k in range(n):  # k over all nodes: paths back to i count, as in second_order
                p = 0.5 * a[i][j] * a[j][k]
                if a[i][j] > 0 and a[j][k] > 0:
                    syn += p
                elif a[i][j] < 0 and a[j][k] < 0:
                    dneg += p
                elif a[i][j] * a[j][k] < 0:
                    mixed += p
        out["paths_synergy"].append(syn)
        out["paths_double_negative"].append(dneg)
        out["paths_mixed"].append(mixed)
        out["influence"].append(sum(abs(a[i][j]) for j in range(n)))
        out["dependence"].append(sum(abs(a[k][i]) for k in range(n)))
    out["rank"] = slow_rank(out["systemic"])
    T = slow_total_influence_matrix(A, alpha=alpha)
    out["total_out"] = [sum(T[i][j] for j in range(n)) for i in range(n)]
    out["total_in"] = [sum(T[i][j] for i in range(n)) for j in range(n)]
    mean_inf = sum(out["influence"]) / n if n else 0.0
    mean_dep = sum(out["dependence"]) / n if n else 0.0
    for i in range(n):
        high_inf = out["influence"][i] >= mean_inf
        high_dep = out["dependence"][i] >= mean_dep
        if high_inf and not high_dep:
            out["quadrant"].append("driver")
        elif high_inf and high_dep:
            out["quadrant"].append("relay")
        elif high_dep:
            out["quadrant"].append("dependent")
        else:
            out["quadrant"].append("autonomous")
    out["cluster"] = slow_clusters(A, ids) if with_clusters else [0] * n
    return out


def slow_sign_flips(A, ids, *, alpha: float = 0.9) -> list[tuple[str, str, float, float]]:
    """Pairs with a_ij ≠ 0 whose T_ij has the opposite sign: ``(source, target, a_ij, T_ij)``, row by row."""
    a = clean(A)
    T = slow_total_influence_matrix(A, alpha=alpha)
    flips = []
    for i in range(len(a)):
        for j in range(len(a)):
            if (a[i][j] > 0 and T[i][j] < -SIGN_TOLERANCE) or (a[i][j] < 0 and T[i][j] > SIGN_TOLERANCE):
                flips.append((ids[i], ids[j], a[i][j], T[i][j]))
    return flips


def slow_conflicts(answers, ids, comments=None) -> list[dict]:
    """Negative links of the mean of ``answers`` (a list of matrices, one per respondent), worst first.

    Sorted by the mean score, then the systemic rank of the source, then row and column. Each row:
    source, target, score, comment (distinct non-empty comments joined with " | "), n_respondents,
    share_negative.
    """
    n = len(ids)
    mean = [[math.nan] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            if i == j:
                continue
            got = [float(m[i][j]) for m in answers if not math.isnan(float(m[i][j]))]
            if got:
                mean[i][j] = sum(got) / len(got)
    rank = slow_metrics(mean, ids, with_clusters=False)["rank"]
    rows = []
    for i in range(n):
        for j in range(n):
            if i != j and not math.isnan(mean[i][j]) and mean[i][j] < 0:
                got = [float(m[i][j]) for m in answers if not math.isnan(float(m[i][j]))]
                texts: list[str] = []
                for k in range(len(answers)):
                    t = "" if comments is None else str(comments[k][i][j])
                    if t.strip() and t not in texts:
                        texts.append(t)
                rows.append({"source": ids[i], "target": ids[j], "score": mean[i][j],
                             "comment": " | ".join(texts), "n_respondents": len(got),
                             "share_negative": sum(1 for g in got if g < 0) / len(got),
                             "_key": (mean[i][j], rank[i], i, j)})
    rows.sort(key=lambda row: row["_key"])
    for row in rows:
        del row["_key"]
    return rows


def slow_goal_rollup(A, ids, groups, *, how: str = "sum") -> tuple[list[str], list[list[float]]]:
    """Goal-level matrix: SDG targets to ``SDG-<goal>``, other nodes to their group; within-goal NaN.

    ``sum``: the sum of the goal pair's cells (NaN read as 0; NaN if none is scored); ``mean``: the
    mean of its scored cells.
    """
    goal = []
    for node, group in zip(ids, groups, strict=True):
        head, _, tail = node.partition(".")
        goal.append(f"SDG-{group}" if head.isdigit() and tail and "-" not in node else str(group))
    goal_ids = sorted(set(goal), key=node_sort_key)
    out = []
    for g in goal_ids:
        row = []
        for h in goal_ids:
            total, count = 0.0, 0
            if g != h:
                for i in range(len(ids)):
                    for j in range(len(ids)):
                        if i != j and goal[i] == g and goal[j] == h and not math.isnan(float(A[i][j])):
                            total += float(A[i][j])
                            count += 1
            if count == 0:
                row.append(math.nan)
            else:
                row.append(total if how == "sum" else total / count)
        out.append(row)
    return goal_ids, out


def _slow_combine(values: list[float], method: str, trim: float = 0.1) -> float:
    """One cell's answers combined: mean, median (mean of the two middle ones) or trimmed mean; NaN if none."""
    got = sorted(v for v in values if not math.isnan(v))
    if not got:
        return math.nan
    if method == "mean":
        return sum(got) / len(got)
    if method == "median":
        mid = len(got) // 2
        return got[mid] if len(got) % 2 else (got[mid - 1] + got[mid]) / 2
    cut = math.floor(trim * len(got))
    kept = got[cut:len(got) - cut]
    return sum(kept) / len(kept)


def slow_rank_tolerant(values: list[float], tolerance: float = 1e-9) -> list[int]:
    """Rank by descending value: 1 + the number of values greater by more than tolerance · max(1, |v|, |w|)."""
    ranks = []
    for v in values:
        greater = 0
        for w in values:
            if w - v > tolerance * max(1.0, abs(v), abs(w)):
                greater += 1
        ranks.append(1 + greater)
    return ranks


def slow_rank_robustness(answers, uncertain, index, words, *, method: str = "mean", top_k: int = 5) -> dict:
    """Bootstrap ranks by loops, from given draws (see ``analysis._bootstrap._draws``).

    ``answers[r]``: respondent r's matrix; ``uncertain[r][i][j]``: marked uncertain (or ``None``).
    Sample b takes the respondents ``index[b]`` (with repeats), in ascending order. In each cell (i, j)
    the copies of uncertain, scored answers take the bit pairs 0, 1, 2, … of the cell's words
    ``words[b][i][j]`` (pair p: bits 2p and 2p + 1 of word p // 16) in this order: first the copies whose
    answer v has |v| ≤ 2, then v = 3, then v = −3, then any other, each kind in the respondents' order.
    With x, y the pair's bits, the copy's answer becomes min(3, max(−3, v + x + y − 1)). The copies are
    combined per cell with ``method``; ``t_i = r_i + ½ Σ_j a_ij r_j``; ranks as :func:`slow_rank_tolerant`.
    ``rank_lo`` / ``rank_hi``: the ``floor(0.05 (B − 1))``-th / ``ceil(0.95 (B − 1))``-th sorted rank;
    ``p_top_k``: the share of samples with rank ≤ top_k. Returns those and ``ranks`` (per sample).
    """
    n = len(answers[0])

    def kind(v: float) -> int:
        if abs(v) <= 2:
            return 0
        return 1 if v == 3 else 2 if v == -3 else 3

    marked: dict[tuple[int, int], list[tuple[int, int, float]]] = {}  # cell → its uncertain answers (kind, r, v)
    for r in range(len(answers)):
        for i in range(n):
            for j in range(n):
                v = float(answers[r][i][j])
                if i != j and uncertain is not None and uncertain[r][i][j] and not math.isnan(v):
                    marked.setdefault((i, j), []).append((kind(v), r, v))
    ranks = []
    for b in range(len(index)):
        chosen = sorted(index[b])
        slots: dict[int, list[int]] = {}
        for slot, r in enumerate(chosen):
            slots.setdefault(r, []).append(slot)
        copies = [[[float(v) for v in row] for row in answers[r]] for r in chosen]
        for (i, j), entries in marked.items():
            pair = 0
            for _, r, v in sorted(entries):  # kind first, then respondent
                for slot in slots.get(r, []):
                    word = int(words[b][i][j][pair // 16])
                    x = (word >> (2 * (pair % 16))) & 1
                    y = (word >> (2 * (pair % 16) + 1)) & 1
                    copies[slot][i][j] = min(3.0, max(-3.0, v + x + y - 1))
                    pair += 1
        combined = [[_slow_combine([c[i][j] for c in copies], method) for j in range(n)] for i in range(n)]
        a = clean(combined)
        row = [sum(a[i][j] for j in range(n)) for i in range(n)]
        t = [row[i] + 0.5 * sum(a[i][j] * row[j] for j in range(n)) for i in range(n)]
        ranks.append(slow_rank_tolerant(t))
    count = len(index)
    lo, hi = math.floor(0.05 * (count - 1)), math.ceil(0.95 * (count - 1))
    out: dict[str, list] = {"ranks": ranks, "rank_lo": [], "rank_hi": [], "p_top_k": []}
    for i in range(n):
        got = sorted(ranks[b][i] for b in range(count))
        out["rank_lo"].append(got[lo])
        out["rank_hi"].append(got[hi])
        out["p_top_k"].append(sum(1 for g in got if g <= top_k) / count)
    return out


def slow_gain(a, chosen, cap: float = 3.0) -> float:
    """The portfolio's coverage by plain loops: ``Σ_{j∉S} (min(cap, Σ_{i∈S} max(a_ij, 0)) + Σ_{i∈S} min(a_ij, 0))``."""
    total = 0.0
    for j in range(len(a)):
        if j not in chosen:
            total += min(cap, sum(max(a[i][j], 0.0) for i in chosen)) + sum(min(a[i][j], 0.0) for i in chosen)
    return total
