"""The bootstrap behind :func:`~sdg_interactions.analysis.robustness.rank_robustness`: the random draws, the
systemic scores of many samples at once, and the histogram of their ranks.

The formulas (the draws, the mean without a loop over copies, the exact path for the median and the trimmed
mean) are written in :func:`~sdg_interactions.analysis.robustness.rank_robustness`'s docstring; this module
holds the engine so that module stays readable. Three paths give the same numbers, tested equal against
plain loops (``tests/slow_reference.py``): the compiled step (:mod:`._robustness_kernel`, numba, where
installed), numpy's BLAS products (:func:`_mean_systemic`), and per-copy combination (:func:`_exact_systemic`,
for ``median`` and ``trimmed``).
"""

from __future__ import annotations

import math
import os
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import xarray as xr

from sdg_interactions.analysis._core import rank_descending
from sdg_interactions.matrix import combine_answers

__all__ = ["CHUNK_FLOATS", "PAIRS", "SAMPLE_BLOCK", "histogram", "percentile_from_histogram"]

#: Samples per random-number block: block ``k`` draws from ``default_rng([seed, k])`` whatever the chunking.
SAMPLE_BLOCK = 16
#: Bit pairs per random word (``uint32``): pair ``p`` is bits ``2p`` (x) and ``2p + 1`` (y).
PAIRS = 16
#: A chunk of samples holds at most this many floats (64 MB) in the exact (median, trimmed) path.
CHUNK_FLOATS = 64 * 2**20 // 8
_EVEN = np.uint32(0x55555555)
#: OpenBLAS runs a product with m·n·k ≤ 2¹⁸ on the calling thread: its own threads would compete with ours.
_BLAS_SERIAL = 2**18
#: Kinds of an uncertain answer, in the order its copies take bit pairs: |v| ≤ 2, v = 3, v = −3, other.
_KINDS = 4


class _Packed(NamedTuple):
    """The answers prepared for :func:`_chunk_histogram` by :func:`_pack`; cells in "packed" order."""

    n: int
    x: np.ndarray  # (R, n²) the answers, NaN where not scored (and on the diagonal)
    order: np.ndarray  # (n²,) the flat cells: uncertain cells of group 0, of group 1, then the others
    groups: tuple[int, int]  # group 0: every uncertain answer has |v| ≤ 2; group 1: the other uncertain cells
    kind: np.ndarray  # (R, uncertain cells) int8: −1 not uncertain, else the answer's kind (see _KINDS)
    inv: np.ndarray  # the inverse of order: natural cell c sits at packed position inv[c]
    xt: np.ndarray  # (n², R) the values (NaN as 0), minus 1 for uncertain kinds 0 and 1 (the −k0 − k₊ of P)
    mt: np.ndarray  # (n², R) 1 where scored; both float32 when every answer is whole (exact), else float64
    ut: np.ndarray  # (n0 + 3 n1, R + 1) float32 [−2 · counted kinds, 32]: (w, 1) · ut = 32 − 2k, a shift
    fast: bool  # no uncertain answer with 2 < |v| < 3: the bit-pair mean applies


def _pack(score: np.ndarray, uncertain: np.ndarray | None) -> _Packed:
    """The answers ``(R, n, n)`` and their uncertain marks (or None) as a :class:`_Packed`."""
    x = np.array(score, dtype=np.float64).reshape(score.shape[0], -1)
    n = score.shape[-1]
    x[:, np.arange(n) * (n + 1)] = np.nan
    scored = ~np.isnan(x)
    marked = scored & (np.zeros(x.shape, bool) if uncertain is None else np.asarray(uncertain, bool).reshape(x.shape))
    v = np.nan_to_num(x)
    kind = np.select([~marked, np.abs(v) <= 2, v == 3, v == -3], [-1, 0, 1, 2], 3).astype(np.int8)
    unsure = marked.any(axis=0)
    simple = unsure & ~(kind > 0).any(axis=0)
    order = np.concatenate([np.flatnonzero(simple), np.flatnonzero(unsure & ~simple), np.flatnonzero(~unsure)])
    n0, n1 = int(simple.sum()), int((unsure & ~simple).sum())
    xt = (v - ((kind == 0) | (kind == 1))).T[order]
    kind = kind[:, order[:n0 + n1]]
    k = kind[:, n0:]
    ut = -2.0 * np.concatenate([kind[:, :n0] == 0, k == 0, (k == 0) | (k == 1), k >= 0], axis=1).T
    ut = np.concatenate([ut, np.full((ut.shape[0], 1), 32.0)], axis=1).astype(np.float32)
    exact = np.float32 if (v == np.round(v)).all() and x.shape[0] < 2**18 else np.float64  # sums < 2²⁴: exact
    return _Packed(n, x, order, (n0, n1), kind, np.argsort(order), np.ascontiguousarray(xt, dtype=exact),
                   np.ascontiguousarray(scored.T[order], dtype=exact), ut, not (kind == 3).any())


def _block_draws(seed: int, block: int, n_resp: int, n_cells: int) -> tuple[np.ndarray, np.ndarray]:
    """Block ``block``'s draws from ``default_rng([seed, block])``: ``index (SAMPLE_BLOCK, R)``, the respondent
    in each slot; then ``words (⌈R/PAIRS⌉, n_cells, SAMPLE_BLOCK)`` uint32, one per (word, cell, sample)."""
    rng = np.random.default_rng([seed, block])
    index = rng.integers(0, n_resp, size=(SAMPLE_BLOCK, n_resp))
    shape = (-(-n_resp // PAIRS), n_cells, SAMPLE_BLOCK)
    size = math.prod(shape)
    return index, rng.bit_generator.random_raw(-(-size // 2)).view(np.uint32)[:size].reshape(shape)


def _draws(seed: int, start: int, stop: int, packed: _Packed) -> tuple[np.ndarray, np.ndarray]:
    """The draws of samples ``start … stop − 1`` (for tests): ``index (b, R)`` and ``words (b, n, n, ⌈R/PAIRS⌉)``,
    the words of each cell with an uncertain answer (0 elsewhere)."""
    n_resp, n = packed.x.shape[0], packed.n
    n_cells = sum(packed.groups)
    blocks = [_block_draws(seed, k, n_resp, n_cells) for k in range(start // SAMPLE_BLOCK,
                                                                      (stop - 1) // SAMPLE_BLOCK + 1)]
    cut = slice(start % SAMPLE_BLOCK, start % SAMPLE_BLOCK + stop - start)
    index = np.concatenate([b[0] for b in blocks])[cut]
    words = np.concatenate([b[1] for b in blocks], axis=-1)[..., cut]
    full = np.zeros((stop - start, n * n, words.shape[0]), dtype=np.uint32)
    full[:, packed.order[:n_cells]] = words.transpose(2, 1, 0)
    return index, full.reshape(stop - start, n, n, -1)


def _weights(index: np.ndarray) -> np.ndarray:
    """``w (S, R)`` int64: how often each respondent was drawn in each sample of ``index (S, R)``."""
    s, n_resp = index.shape
    return np.bincount((index + n_resp * np.arange(s)[:, None]).ravel(), minlength=s * n_resp).reshape(s, n_resp)


def _mean_systemic(pk: _Packed, index: np.ndarray, words: np.ndarray, ws: dict) -> np.ndarray:
    """``t (SAMPLE_BLOCK, n)`` of a block's samples with ``method="mean"``: cells × samples, in packed order,
    ``N = X'·Wᵀ + P``, ``D = max(M·Wᵀ, 1)``, ``A = N / D``; ``P`` from the words' bit pairs (see rank_robustness)."""
    s, n_resp = index.shape
    n0, n1 = pk.groups
    m = n0 + n1
    rows = max(1, _BLAS_SERIAL // (s * (n_resp + 1)))  # cells per product
    if not ws:  # buffers, reused block after block
        size, t_rows = pk.n * pk.n, len(pk.ut)
        ws.update(num=np.empty((size, s), pk.xt.dtype), den=np.empty((min(rows, size), s), pk.xt.dtype),
                  q=np.empty((size, s)), a=np.empty((size, s)),
                  w32=np.ones((s, n_resp + 1), np.float32), t32=np.empty((t_rows, s), np.float32),
                  f32=np.empty((t_rows, s), np.float32), shift=np.empty((t_rows, s), np.uint32),
                  **{k: np.empty((n1, s), np.uint32) for k in ("h", "both", "one")}, tmp=np.empty((m, s), np.uint32),
                  c=np.empty((m, s), np.uint8), p=np.empty((m, s), np.uint8 if 3 * n_resp < 256 else np.uint16))
    w = _weights(index).astype(pk.xt.dtype)
    if m:
        ws["w32"][:, :n_resp] = w
        for lo in range(0, len(pk.ut), rows):
            np.matmul(pk.ut[lo:lo + rows], ws["w32"].T, out=ws["t32"][lo:lo + rows])
        shift, tmp, c, p = ws["shift"], ws["tmp"], ws["c"], ws["p"]
        p[:] = 0
        for k, word in enumerate(words):  # word k holds pairs 16k … 16k + 15: shift by clip(32 − 2j + 32k, 0, ·)
            if len(words) > 1:
                np.maximum(np.add(ws["t32"], 32.0 * k, out=ws["f32"]), 0.0, out=ws["f32"])
            np.copyto(shift, ws["f32"] if len(words) > 1 else ws["t32"], casting="unsafe")
            np.left_shift(word[:n0], shift[:n0], out=tmp[:n0])  # group 0: Σ (x + y) over pairs < k0
            if n1:
                h, both, one = ws["h"], ws["both"], ws["one"]
                np.right_shift(word[n0:], 1, out=h)
                np.bitwise_and(np.bitwise_and(word[n0:], h, out=both), _EVEN, out=both)  # x = y = 1
                np.bitwise_and(np.bitwise_xor(word[n0:], h, out=one), _EVEN, out=one)  # x ≠ y
                for sel in (slice(n0, n0 + n1), slice(n0 + 2 * n1, None)):  # pairs < k0 and < k
                    np.left_shift(both, shift[sel], out=tmp[n0:])
                    np.add(p[n0:], np.bitwise_count(tmp[n0:], out=c[n0:]), out=p[n0:])
                np.left_shift(one, shift[n0 + n1:n0 + 2 * n1], out=tmp[n0:])
            np.add(p, np.bitwise_count(tmp, out=c), out=p)
    num, q = ws["num"], ws["q"]
    for lo in range(0, len(num), rows):  # N = X'·Wᵀ (+ P), D = M·Wᵀ, A = N / max(D, 1), a piece at a time
        part, den = num[lo:lo + rows], ws["den"][:min(rows, len(num) - lo)]
        np.matmul(pk.xt[lo:lo + rows], w.T, out=part)
        np.matmul(pk.mt[lo:lo + rows], w.T, out=den)
        if lo < m:
            np.add(part[:m - lo], p[lo:lo + rows], out=part[:m - lo])
        np.divide(part, np.maximum(den, 1.0, out=den), out=q[lo:lo + rows], dtype=np.float64)
    a = np.take(q, pk.inv, axis=0, out=ws["a"]).reshape(pk.n, pk.n, s)  # natural order: (source, target, sample)
    r = np.matmul(np.ones(pk.n), a)  # (n, s): r[i] = Σ_j a_ij
    r = np.einsum("ijb,jb->ib", a, np.add(1.0, 0.5 * r, out=r))  # t = A·(1 + ½ r) = r + ½ A·r
    return r.T


def _kernel():
    """numba's compiled step (:mod:`._robustness_kernel`), or None where numba is not installed or can
    keep no cache (numba's RuntimeError "no locator available"): the numpy path gives the same numbers."""
    try:
        from sdg_interactions.analysis._robustness_kernel import systemic_from_sums
    except (ImportError, RuntimeError):
        return None
    return systemic_from_sums


def _compiled_systemic(pk: _Packed, index: np.ndarray, words: np.ndarray, ws: dict, kernel) -> np.ndarray:
    """``t (SAMPLE_BLOCK, n)`` as :func:`_mean_systemic`, the cells in natural order: the products
    ``N = X'·Wᵀ`` and ``D = M·Wᵀ`` by BLAS, the rest by ``kernel`` (:mod:`._robustness_kernel`)."""
    s, n_resp = index.shape
    m = sum(pk.groups)
    rows = max(1, _BLAS_SERIAL // (s * n_resp))  # cells per product, on this thread
    if not ws:  # the answers in natural order, the uncertain answers cell by cell, buffers reused block to block
        size = pk.n * pk.n
        cell, resp = np.nonzero(pk.kind.T >= 0)  # (m, R) in packed order: by cell, then respondent
        ws.update(xt=np.ascontiguousarray(pk.xt[pk.inv]), mt=np.ascontiguousarray(pk.mt[pk.inv]),
                  ucell=np.where(pk.inv < m, pk.inv, -1).astype(np.int64),
                  ptr=np.searchsorted(cell, np.arange(m + 1)).astype(np.int64), resp=resp.astype(np.int64),
                  kind=pk.kind.T[cell, resp].astype(np.int64),
                  num=np.empty((size, s), pk.xt.dtype), den=np.empty((size, s), pk.xt.dtype),
                  a=np.empty((size, s)), r=np.empty((pk.n, s)), t=np.empty((pk.n, s)))
    w = np.ascontiguousarray(_weights(index).T)  # (R, S)
    wt = w.astype(pk.xt.dtype)
    for lo in range(0, len(ws["num"]), rows):
        np.matmul(ws["xt"][lo:lo + rows], wt, out=ws["num"][lo:lo + rows])
        np.matmul(ws["mt"][lo:lo + rows], wt, out=ws["den"][lo:lo + rows])
    kernel(ws["num"], ws["den"], w, ws["ucell"], ws["ptr"], ws["resp"], ws["kind"], words,
           ws["a"], ws["r"], ws["t"])
    return ws["t"].T


def _exact_systemic(pk: _Packed, index: np.ndarray, words: np.ndarray, method: str) -> np.ndarray:
    """``t (b, n)`` with any ``method``, each copy moved on its own: the copies of a cell take the bit pairs
    0, 1, … in the order kind, then respondent; copy move = x + y − 1, clipped to [−3, 3]."""
    b = index.shape[0]
    slots = np.sort(index, axis=1)
    answers = pk.x[slots]  # (b, R, n²)
    m = sum(pk.groups)
    if m:
        kind = pk.kind[slots]  # (b, R, m)
        pos = np.zeros(kind.shape, np.int64)
        offset = np.zeros((b, 1, m), np.int64)
        for code in range(_KINDS):
            this = kind == code
            pos += np.where(this, offset + np.cumsum(this, axis=1) - this, 0)
            offset += this.sum(axis=1, keepdims=True)
        word = words[pos // PAIRS, np.arange(m), np.arange(b)[:, None, None]]
        pair = (word >> (2 * (pos % PAIRS)).astype(np.uint32)) & 3
        cells = pk.order[:m]
        old = answers[:, :, cells]
        moved = np.clip(old + (pair & 1) + (pair >> 1) - 1.0, -3.0, 3.0)
        answers[:, :, cells] = np.where(kind >= 0, moved, old)
    a = np.nan_to_num(combine_answers(np.moveaxis(answers, 1, -1), method), nan=0.0).reshape(b, pk.n, pk.n)
    r = a.sum(axis=-1)
    return r + 0.5 * np.einsum("bij,bj->bi", a, r)


def _chunk_histogram(pk: _Packed, start: int, stop: int, seed: int, method: str,
                     compiled: bool = True, keep: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Rank samples ``start … stop − 1`` and count them: ``hist[i, k − 1]`` = #samples where node i has rank k;
    with ``keep``, also the ranks themselves, ``(stop − start, n)`` in sample order.

    Block by block (:func:`_block_draws`); ``method="mean"`` by :func:`_compiled_systemic` (where numba
    is installed and ``compiled``) or :func:`_mean_systemic`, else (or with answers strictly between 2
    and 3 in size marked uncertain) by :func:`_exact_systemic`.
    """
    n, n_resp = pk.n, pk.x.shape[0]
    kernel = _kernel() if compiled and method == "mean" and pk.fast else None
    hist = np.zeros(n * n, dtype=np.int64)
    ws: dict = {}
    per_sample = (3 * n_resp + 3) * n * n + 8 * n_resp * sum(pk.groups)
    step = max(1, CHUNK_FLOATS // per_sample)
    parts: list[np.ndarray] = []
    kept: list[np.ndarray] = []
    held = 0
    for block in range(start // SAMPLE_BLOCK, (stop - 1) // SAMPLE_BLOCK + 1):
        index, words = _block_draws(seed, block, n_resp, sum(pk.groups))
        lo, hi = max(start - block * SAMPLE_BLOCK, 0), min(stop - block * SAMPLE_BLOCK, SAMPLE_BLOCK)
        if kernel is not None:
            parts.append(_compiled_systemic(pk, index, words, ws, kernel)[lo:hi].copy())
        elif method == "mean" and pk.fast:
            parts.append(_mean_systemic(pk, index, words, ws)[lo:hi].copy())  # ws: buffers reused block to block
        else:
            parts += [_exact_systemic(pk, index[s:min(s + step, hi)], words[..., s:min(s + step, hi)], method)
                      for s in range(lo, hi, step)]
        held += hi - lo
        if held >= 4096 or block == (stop - 1) // SAMPLE_BLOCK:  # rank many samples at once
            ranks = rank_descending(np.concatenate(parts))
            hist += np.bincount((ranks - 1 + n * np.arange(n)).ravel(), minlength=n * n)
            if keep:
                kept.append(ranks.astype(np.int32))
            parts, held = [], 0
    if keep:
        return hist.reshape(n, n), np.concatenate(kept) if kept else np.zeros((0, n), dtype=np.int32)
    return hist.reshape(n, n)


def _chunk_size(chunk_size: int | None, samples: int) -> int:
    """``chunk_size``, or whole blocks, two chunks per core, ≤ 1024 samples (memory is bounded within a chunk)."""
    if chunk_size is not None:
        return chunk_size
    blocks = -(-samples // SAMPLE_BLOCK)
    return SAMPLE_BLOCK * min(64, max(1, -(-blocks // (2 * (os.cpu_count() or 1)))))


def histogram(score: xr.DataArray, uncertain: xr.DataArray | None, samples: int, seed: int, method: str,
               chunk_size: int | None, keep: bool = False) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
    """Sum the chunks' histograms; through dask tasks when the answers are dask-backed. With ``keep``, also
    every sample's ranks, ``(samples, n)`` in sample order (:func:`_chunk_histogram`)."""
    lazy = any(hasattr(v.data, "__dask_graph__") for v in (score, uncertain) if v is not None)
    step = _chunk_size(chunk_size, samples)
    starts = range(0, samples, step)
    if not lazy:
        packed = _pack(score.to_numpy(), None if uncertain is None else uncertain.to_numpy())
        with ThreadPoolExecutor(max_workers=min(len(starts), os.cpu_count() or 1)) as pool:  # numpy frees the GIL
            found = list(pool.map(lambda s: _chunk_histogram(packed, s, min(s + step, samples), seed, method,
                                                             keep=keep), starts))
    else:
        import dask

        packed = dask.delayed(_pack, pure=True)(score.data, None if uncertain is None else uncertain.data)
        parts = [dask.delayed(_chunk_histogram, pure=True)(packed, s, min(s + step, samples), seed, method, keep=keep)
                 for s in starts]
        if keep:
            found = list(dask.compute(*parts))
        else:
            while len(parts) > 1:  # a tree of sums: no task waits for every chunk
                parts = [dask.delayed(sum, pure=True)(parts[k:k + 8]) for k in range(0, len(parts), 8)]
            return np.asarray(parts[0].compute())
    if keep:
        return sum(h for h, _ in found), np.concatenate([r for _, r in found])
    return sum(found)


def percentile_from_histogram(hist: np.ndarray, position: int) -> np.ndarray:
    """The ``position``-th smallest sampled rank (0-based) of each node, from its rank histogram."""
    return np.argmax(np.cumsum(hist, axis=-1) > position, axis=-1) + 1
