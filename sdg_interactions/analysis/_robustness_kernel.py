"""The bootstrap's ``method="mean"`` step compiled with numba: the cells' quotients, row sums and ``t`` in one pass.

:func:`systemic_from_sums` finishes what :func:`sdg_interactions.analysis._bootstrap._compiled_systemic`
starts with BLAS products (the weighted sums of the answers and of the scored marks): the drawn copies of
each kind of uncertain answer, the uncertain moves ``P`` from the words' bit pairs, ``a = (N + P) /
max(D, 1)``, the row sums ``r`` and ``t = A·(1 + ½ r)``, cell by cell for all of a block's samples, so of
the ``n² × samples`` intermediate arrays of the numpy path only ``a`` is written. The formulas are those
of :func:`~sdg_interactions.analysis.robustness.rank_robustness`; a test checks this path against the
numpy path and both against the plain-loop reference.

Imported only when a bootstrap runs (numba is a heavy import); compiled once per machine and cached
beside this file (numba's ``cache=True``).
"""

from __future__ import annotations

import numba
import numpy as np
from numba import types
from numba.extending import intrinsic

__all__ = ["systemic_from_sums"]

_EVEN = np.uint64(0x5555555555555555)
_ONE = np.uint64(1)
_PAIRS = 16  # bit pairs per uint32 word, as robustness.PAIRS


@intrinsic
def _popcount(typingctx, v):  # pragma: no cover - runs compiled
    """The number of set bits of a uint64: LLVM's ``ctpop``."""

    def codegen(context, builder, signature, args):
        return builder.ctpop(args[0])

    return types.uint64(types.uint64), codegen


@numba.njit(cache=True, nogil=True, inline="always")
def _below(j):  # pragma: no cover - runs compiled
    """The mask of the bits of the first ``clip(j, 0, 16)`` bit pairs of a word."""
    j = min(max(j, 0), _PAIRS)
    return (_ONE << np.uint64(2 * j)) - _ONE


@numba.njit(cache=True, nogil=True, inline="always")
def _moves(word, j0, j1, jk):  # pragma: no cover - runs compiled
    """``#_{<j0}(E) + #_{<jk}(E) + #_{<j1}(O)`` of one word: E = x ∧ y, O = x ⊕ y of its bit pairs (x, y)."""
    v = np.uint64(word)
    h = v >> _ONE
    both = (v & h) & _EVEN
    one = (v ^ h) & _EVEN
    return _popcount(both & _below(j0)) + _popcount(both & _below(jk)) + _popcount(one & _below(j1))


@numba.njit(cache=True, nogil=True, error_model="numpy")
def systemic_from_sums(num, den, w, ucell, ptr, resp, kind, words, a, r, t):  # pragma: no cover - runs compiled
    """Fill ``t (n, S)``, the systemic scores of ``S`` samples, from the weighted sums of one block.

    Cells in natural (row-major) order: ``num (n², S)`` = ``Σ_q w_q X_q`` (the answers, NaN as 0, minus 1
    for uncertain answers with |v| ≤ 2 or v = +3), ``den (n², S)`` = ``Σ_q w_q M_q`` (M = 1 where scored),
    ``w (R, S)`` int64 how often each respondent was drawn, ``ucell (n²,)`` the cell's column in ``words``
    or −1 where no answer is uncertain; the uncertain answers of column ``u`` are ``resp[e]``, ``kind[e]``
    for ``ptr[u] ≤ e < ptr[u + 1]`` (kind 0: |v| ≤ 2, 1: v = +3, 2: v = −3); ``words (W, m, S)`` uint32
    the random words. ``a (n², S)`` and ``r (n, S)`` are work space.

    With ``k₀, k₊, k₋`` the drawn copies of each kind (``k`` their sum): ``a = (N + P) / max(D, 1)``,
    ``P = #_{<k₀}(E) + #_{<k}(E) + #_{<k₀+k₊}(O)`` summed over the words (word ``i`` holds the pairs
    ``16 i … 16 i + 15``), ``r_i = Σ_j a_ij``, ``t_i = Σ_j a_ij (1 + ½ r_j)``.
    """
    n2, s_count = num.shape
    n = r.shape[0]
    n_words = words.shape[0]
    moves = np.zeros(s_count, np.uint64)
    counts = np.zeros((3, s_count), np.int64)
    r[:, :] = 0.0
    for c in range(n2):
        i = c // n
        u = ucell[c]
        if u < 0:
            for s in range(s_count):
                value = float(num[c, s]) / max(float(den[c, s]), 1.0)
                a[c, s] = value
                r[i, s] += value
            continue
        counts[:, :] = 0
        for e in range(ptr[u], ptr[u + 1]):
            q, code = resp[e], kind[e]
            for s in range(s_count):
                counts[code, s] += w[q, s]
        if n_words == 1:  # up to 16 respondents: one word, a loop the compiler vectorises
            for s in range(s_count):
                j0 = counts[0, s]
                j1 = j0 + counts[1, s]
                p = _moves(words[0, u, s], j0, j1, j1 + counts[2, s])
                value = (float(num[c, s]) + float(np.int64(p))) / max(float(den[c, s]), 1.0)
                a[c, s] = value
                r[i, s] += value
            continue
        moves[:] = 0
        for k in range(n_words):
            base = _PAIRS * k
            for s in range(s_count):
                j0 = counts[0, s] - base
                j1 = j0 + counts[1, s]
                moves[s] += _moves(words[k, u, s], j0, j1, j1 + counts[2, s])
        for s in range(s_count):
            value = (float(num[c, s]) + float(np.int64(moves[s]))) / max(float(den[c, s]), 1.0)
            a[c, s] = value
            r[i, s] += value
    for i in range(n):
        for s in range(s_count):
            t[i, s] = 0.0
        for j in range(n):
            c = i * n + j
            for s in range(s_count):
                t[i, s] += a[c, s] * (1.0 + 0.5 * r[j, s])
