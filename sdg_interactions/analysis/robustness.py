"""How robust the results are to disagreement and doubt: "diskutera igen" and bootstrap rank intervals.

* :func:`discuss_again` — the contested cells worth discussing again, those whose answers spread most
  where a change would move the systemic scores most.
* :func:`rank_robustness` — how sure each node's systemic rank is: bootstrap intervals over the
  respondents and the answers marked uncertain; :func:`robustness_table` shows them as a table.

Several respondents' answers lie along a leading dim (``respondent`` by default). The bootstrap runs in
chunks of samples so memory stays bounded; dask-backed inputs are computed chunk by chunk as dask tasks
(on a distributed cluster if a client is active). dask is imported only then. The mean's step after the
BLAS products runs as one compiled loop (``_robustness_kernel``, numba, imported on the first bootstrap);
where numba is missing the numpy path gives the same numbers.
"""

from __future__ import annotations

import math
import os
from collections.abc import Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import formats
from sdg_interactions.analysis._core import adjacency, node_result, rank_descending, signed_sums, to_table
from sdg_interactions.analysis.cells import cell_statistics
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix import AGGREGATIONS, DIMS, NODE, RESPONDENT, aggregate, as_matrix, combine_answers
from sdg_interactions.ranges import CHUNK, SAMPLES, SEED, TOP_K, check
from sdg_interactions.texts import check_lang

__all__ = [
    "DISCUSS_COLUMNS",
    "PERCENTILES",
    "ROBUSTNESS_COLUMNS",
    "SAMPLE_BLOCK",
    "discuss_again",
    "rank_robustness",
    "robustness_table",
]

#: The columns of :func:`discuss_again`, in order.
DISCUSS_COLUMNS = ("source", "source_label", "target", "target_label", "n", "mean", "median", "iqr",
                   "share_pos", "share_neg", "leverage", "priority", "answers")
#: The columns of :func:`robustness_table`, in order.
ROBUSTNESS_COLUMNS = ("node", "label", "rank", "rank_lo", "rank_hi", "p_top_k")
#: The percentiles of the sampled ranks behind ``rank_lo`` (numpy method "lower") and ``rank_hi`` ("higher").
PERCENTILES = (5, 95)
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


def _check_dim(da: xr.DataArray, dim: Hashable, what: str) -> None:
    lead = tuple(da.dims[:-2])
    if dim not in lead:
        raise ValidationError(locate(tr("error.analysis.needs_answers", what=what), value=dim,
                                     valid=tr("error.analysis.valid_one_of_dims", dims=lead) if lead else
                                     tr("error.analysis.valid_respondent_dims")))
    if len(lead) > 1:
        raise ValidationError(locate(tr("error.analysis.one_matrix_answers", what=what),
                                     value=tuple(d for d in lead if d != dim),
                                     valid=tr("error.analysis.valid_answer_dims", dim=repr(dim))))


def _leverage(a: np.ndarray) -> np.ndarray:
    """``leverage_ij = |1 + ½ r_j| + ½ Σ_m |a_mi|`` for ``A`` as an ``n × n`` array (diagonal 0)."""
    r = a.sum(axis=-1)
    return np.abs(1.0 + 0.5 * r)[None, :] + 0.5 * np.abs(a).sum(axis=0)[:, None]


def _answer_text(values: np.ndarray, marks: np.ndarray, lang: str) -> str:
    """The answers, lowest first, as the language writes numbers ("−2; 0; 1,5?"; "?" marks uncertain)."""
    got = sorted((float(v), bool(u)) for v, u in zip(values, marks, strict=True) if not math.isnan(v))
    return "; ".join(f"{formats.number(v, lang, decimals=2)}{'?' if u else ''}" for v, u in got)


def _uncertain(obj: xr.DataArray | xr.Dataset, dim: Hashable) -> xr.DataArray | None:
    if isinstance(obj, xr.Dataset) and "uncertain" in obj.data_vars:
        return obj["uncertain"].transpose(dim, *DIMS)
    return None


def discuss_again(obj: xr.DataArray | xr.Dataset, *, dim: Hashable = RESPONDENT, method: str = "mean",
                  lang: str = "sv") -> pd.DataFrame:
    """List the contested cells worth discussing again ("diskutera igen"), most worth it first.

    With ``A`` the answers aggregated over ``dim`` with ``method`` (NaN read as 0, diagonal excluded)
    and ``r_j = Σ_k a_jk``:

    * ``leverage_ij = |1 + ½ r_j| + ½ Σ_m |a_mi|``  (= Σ_m |∂t_m/∂a_ij|: how much all systemic scores
      ``t_m = r_m + ½ Σ_k a_mk r_k`` move when the cell moves by one)
    * ``priority_ij = IQR_ij · leverage_ij``

    Only contested cells (:func:`~sdg_interactions.analysis.cell_statistics`: someone > 0 and someone
    < 0, or IQR ≥ 2), sorted by priority descending; ties (within 1e-9 · max(1, |x|)) in the matrix's
    order, source then target. Columns :data:`DISCUSS_COLUMNS`: the labels in ``lang`` (the id where
    there is none), the cell statistics, and ``answers``: the answers sorted, those marked uncertain
    (the Dataset's ``uncertain``) flagged with "?".

    Examples
    --------
    >>> from sdg_interactions.matrix import build_dataset
    >>> v = np.full((2, 3, 3), np.nan)
    >>> v[:, 0, 1] = [-1, 3]  # 1.1 → 1.2: contested, IQR = 2 (q75 = 2, q25 = 0)
    >>> v[:, 1, 2] = [2, -2]  # 1.2 → 1.3: contested, IQR = 2 (q75 = 1, q25 = -1)
    >>> v[:, 2, 0] = [1, 1]   # A = [[·, 1, 0], [0, ·, 0], [1, 0, ·]]: r = [1, 0, 1]
    >>> unc = np.zeros(v.shape, bool); unc[1, 0, 1] = True
    >>> ds = build_dataset(v, np.full(v.shape, ""), unc, ["1.1", "1.2", "1.3"], ["a", "b"], aggregated=False)
    >>> t = discuss_again(ds)
    >>> t[["source", "target", "iqr", "leverage", "priority", "answers"]].values.tolist()
    ... # 1.1 → 1.2: |1 + ½·0| + ½(|a_11| + |a_21| + |a_31|) = 1 + ½·1;  1.2 → 1.3: |1 + ½·1| + ½·|a_12|
    [['1.2', '1.3', 2.0, 2.0, 4.0, '−2; 2'], ['1.1', '1.2', 2.0, 1.5, 3.0, '−1; 3?']]
    """
    check_lang(lang)
    da = as_matrix(obj)
    _check_dim(da, dim, "discuss_again")
    da = da.transpose(dim, *DIMS)
    stats = cell_statistics(da, dim=dim)
    a = adjacency(aggregate(da, method, dim=dim))
    leverage = _leverage(a)
    contested = stats["contested"].to_numpy()
    iqr = stats["iqr"].to_numpy()
    rows, cols = np.nonzero(contested)  # row-major: source order, then target order
    priority = iqr[rows, cols] * leverage[rows, cols]
    order = np.argsort(rank_descending(priority), kind="stable")
    rows, cols = rows[order], cols[order]
    ids = [str(v) for v in da["source"].to_numpy()]
    label = f"source_label_{lang}"
    labels = [str(v) for v in da[label].to_numpy()] if label in da.coords else ids
    labels = [lab if lab and lab != "nan" else i for lab, i in zip(labels, ids, strict=True)]
    values = da.to_numpy()
    unc = _uncertain(obj, dim)
    marks = np.zeros(values.shape, bool) if unc is None else unc.to_numpy().astype(bool)
    frame = pd.DataFrame({
        "source": [ids[i] for i in rows], "source_label": [labels[i] for i in rows],
        "target": [ids[j] for j in cols], "target_label": [labels[j] for j in cols],
        "n": stats["n"].to_numpy()[rows, cols].astype(np.int64),
        **{name: stats[name].to_numpy()[rows, cols].astype(np.float64)
           for name in ("mean", "median", "iqr", "share_pos", "share_neg")},
        "leverage": leverage[rows, cols], "priority": priority[order],
        "answers": [_answer_text(values[:, i, j], marks[:, i, j], lang) for i, j in zip(rows, cols, strict=True)],
    })
    return frame.loc[:, list(DISCUSS_COLUMNS)]


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
                     compiled: bool = True) -> np.ndarray:
    """Rank samples ``start … stop − 1`` and count them: ``hist[i, k − 1]`` = #samples where node i has rank k.

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
            t = np.concatenate(parts)
            hist += np.bincount((rank_descending(t) - 1 + n * np.arange(n)).ravel(), minlength=n * n)
            parts, held = [], 0
    return hist.reshape(n, n)


def _chunk_size(chunk_size: int | None, samples: int) -> int:
    """``chunk_size``, or whole blocks, two chunks per core, ≤ 1024 samples (memory is bounded within a chunk)."""
    if chunk_size is not None:
        return chunk_size
    blocks = -(-samples // SAMPLE_BLOCK)
    return SAMPLE_BLOCK * min(64, max(1, -(-blocks // (2 * (os.cpu_count() or 1)))))


def _histogram(score: xr.DataArray, uncertain: xr.DataArray | None, samples: int, seed: int, method: str,
               chunk_size: int | None) -> np.ndarray:
    """Sum the chunks' histograms; through dask tasks when the answers are dask-backed."""
    lazy = any(hasattr(v.data, "__dask_graph__") for v in (score, uncertain) if v is not None)
    step = _chunk_size(chunk_size, samples)
    if not lazy:
        packed = _pack(score.to_numpy(), None if uncertain is None else uncertain.to_numpy())
        starts = range(0, samples, step)
        with ThreadPoolExecutor(max_workers=min(len(starts), os.cpu_count() or 1)) as pool:  # numpy frees the GIL
            return sum(pool.map(lambda s: _chunk_histogram(packed, s, min(s + step, samples), seed, method), starts))
    import dask

    packed = dask.delayed(_pack, pure=True)(score.data, None if uncertain is None else uncertain.data)
    parts = [dask.delayed(_chunk_histogram, pure=True)(packed, s, min(s + step, samples), seed, method)
             for s in range(0, samples, step)]
    while len(parts) > 1:  # a tree of sums: no task waits for every chunk
        parts = [dask.delayed(sum, pure=True)(parts[k:k + 8]) for k in range(0, len(parts), 8)]
    return np.asarray(parts[0].compute())


def _percentile_from_histogram(hist: np.ndarray, position: int) -> np.ndarray:
    """The ``position``-th smallest sampled rank (0-based) of each node, from its rank histogram."""
    return np.argmax(np.cumsum(hist, axis=-1) > position, axis=-1) + 1


def rank_robustness(obj: xr.DataArray | xr.Dataset, *, samples: int = 1000, top_k: int = 5, seed: int = 0,
                    dim: Hashable = RESPONDENT, method: str = "mean", chunk_size: int | None = None) -> xr.Dataset:
    """Bootstrap the systemic ranks: how sure is each node's place?

    Each of the ``B = samples`` samples draws the ``R`` respondents along ``dim`` with replacement and
    moves every copy of an answer marked uncertain (the Dataset's ``uncertain``; a DataArray has none) by
    −1, 0 or +1 with probabilities ¼, ½, ¼, clipped to [−3, 3]; NaN answers stay NaN. The sample's
    answers are combined per cell with ``method`` (``mean``, ``median``, ``trimmed``, as
    :func:`~sdg_interactions.matrix.aggregate`), read as ``A`` and ranked by ``t_i = r_i + ½ Σ_j a_ij r_j``
    (ties within 1e-9 · max(1, |t|) share the best rank). Per node:

    * ``rank``, ``systemic``: on the full data (the answers aggregated with ``method``)
    * ``rank_lo`` = the ``⌊0.05 (B − 1)⌋``-th and ``rank_hi`` = the ``⌈0.95 (B − 1)⌉``-th of the sorted
      sampled ranks (counted from 0): the 5th and 95th percentiles with numpy's methods "lower" and
      "higher", so both are whole ranks and the interval errs on the wide side
    * ``p_top_k`` = #{samples with rank ≤ top_k} / B

    **The draws.** Sample ``b`` picks respondents ``index[b] ∈ {0 … R−1}^R``; ``w_br`` = how often ``r``
    was picked. Each cell ``j`` with an uncertain answer gets ``⌈R/16⌉`` random uint32 words; its ``k ≤ R``
    uncertain copies take the bit pairs ``p = 0, 1, …`` (pair ``p`` = bits ``2p``, ``2p + 1`` of word
    ``p // 16``: x, y) in the order: copies of answers with |v| ≤ 2, then v = +3, then v = −3 (then any
    other), each kind in ascending respondent order. A copy moves to ``clip(v + x + y − 1, −3, 3)``: the
    pair's x + y − 1 is −1, 0, +1 with ¼, ½, ¼, independent between copies and samples.

    **The mean, without a loop over copies.** With ``X_r`` the answers (NaN as 0), ``M_r`` = 1 where
    scored, and ``k₀, k₊, k₋`` = the numbers of copies of each kind in the cell (each ``= Σ_r w_br U_rj``):

    * ``a_bj = (Σ_r w_br X_rj + P_bj) / max(Σ_r w_br M_rj, 1)`` — products ``W·X``, ``W·M`` (BLAS)
    * ``P = Σ_{p<k₀} (x_p + y_p − 1) − #{k₀ ≤ p < k₀+k₊: x_p = y_p = 0} + #{k₀+k₊ ≤ p < k: x_p = y_p = 1}``,
      which with ``E = x ∧ y``, ``O = x ⊕ y`` (per pair, on the even bits) and ``#_{<j}`` = the popcount
      of the pairs below ``j`` is ``P = #_{<k₀}(E) + #_{<k}(E) + #_{<k₀+k₊}(O) − k₀ − k₊``; ``#_{<j}(v)``
      = ``popcount(v << (32 − 2j))``, the shifts from one more product. Copies clipped at ±3 move by
      −[x = y = 0] (at +3) or +[x = y = 1] (at −3); ``−k₀ − k₊`` is folded into ``X``.

    ``median`` and ``trimmed`` (and answers with 2 < |v| < 3 marked uncertain) move each copy as above
    and combine the copies per cell. One respondent without uncertain marks gives zero-width intervals.
    Samples are processed ``chunk_size`` at a time (default: two chunks per core, at most 1024 samples;
    one thread per core), the random draws in fixed blocks of :data:`SAMPLE_BLOCK` samples from
    ``np.random.default_rng([seed, block])``, so the same ``seed`` gives the same result for any
    ``chunk_size`` and with dask-backed answers, whose chunks run as dask tasks (on a distributed
    cluster when a client is active). attrs: samples, top_k, seed, method, dim, n_respondents.

    Ranges (:mod:`sdg_interactions.ranges`): ``samples`` 1 … 100 000, ``top_k`` 1 … the nodes, ``seed``
    0 … 2³² − 1, ``chunk_size`` ``None`` or 1 … 100 000.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> one = toy_matrix().values  # r = [0, 4, -1, 1]; t = r + ½·A·r = [0 + 5, 4 - 1, -1 - ½, 1 + 0]
    >>> m = from_array(np.stack([one, one]), ["1.1", "1.2", "1.3", "1.4"], respondents=["a", "b"])
    >>> r = rank_robustness(m, samples=20, top_k=2)
    >>> r["systemic"].values.tolist(), r["rank"].values.tolist()
    ([5.0, 3.0, -1.5, 1.0], [1, 2, 4, 3])
    >>> r["rank_lo"].values.tolist(), r["rank_hi"].values.tolist()  # the same answers twice: no spread
    ([1, 2, 4, 3], [1, 2, 4, 3])
    >>> r["p_top_k"].values.tolist()
    [1.0, 1.0, 0.0, 0.0]
    """
    da = as_matrix(obj)
    _check_dim(da, dim, "rank_robustness")
    if method not in AGGREGATIONS:
        raise ValidationError(locate(tr("error.analysis.unknown_aggregation"), value=method,
                                     valid=", ".join(AGGREGATIONS)))
    da = da.transpose(dim, *DIMS)
    n = da.sizes["source"]
    samples, seed = check(samples, "samples", SAMPLES), check(seed, "seed", SEED)
    top_k = check(top_k, "top_k", TOP_K, high=n)
    if chunk_size is not None:
        chunk_size = check(chunk_size, "chunk_size", CHUNK)
    agg = aggregate(da, method, dim=dim)
    agg.attrs = {**obj.attrs, **agg.attrs}
    full = signed_sums(adjacency(agg))
    hist = _histogram(da, _uncertain(obj, dim), samples, seed, method, chunk_size)
    lo = _percentile_from_histogram(hist, math.floor(PERCENTILES[0] / 100 * (samples - 1)))
    hi = _percentile_from_histogram(hist, math.ceil(PERCENTILES[1] / 100 * (samples - 1)))
    result = node_result(agg, {"rank": full["rank"], "systemic": full["systemic"], "rank_lo": lo.astype(np.int64),
                               "rank_hi": hi.astype(np.int64), "p_top_k": hist[:, :top_k].sum(axis=-1) / samples})
    result.attrs.update({"samples": samples, "top_k": top_k, "seed": seed, "method": method, "dim": str(dim),
                         "n_respondents": int(da.sizes[dim])})
    return result


def robustness_table(result: xr.Dataset, *, lang: str = "sv") -> pd.DataFrame:
    """Return :func:`rank_robustness`'s result as a table: ``node, label, rank, rank_lo, rank_hi, p_top_k``.

    Rows in rank order; tied nodes in the natural order of their ids. ``label`` in ``lang``.

    Examples
    --------
    >>> r = rank_robustness(toy_matrix().expand_dims(respondent=["a"]), samples=10, top_k=2)
    >>> robustness_table(r, lang="en").drop(columns="label").values.tolist()  # t = [5, 3, -1.5, 1]
    [['1.1', 1, 1, 1, 1.0], ['1.2', 2, 2, 2, 1.0], ['1.4', 3, 3, 3, 0.0], ['1.3', 4, 4, 4, 0.0]]
    """
    if NODE not in result.dims or "rank_lo" not in result:
        raise ValidationError(locate(tr("error.analysis.not_robustness"),
                                     value=tuple(result.data_vars), valid=tr("error.analysis.valid_robustness")))
    frame = to_table(result, lang=lang, columns=ROBUSTNESS_COLUMNS[2:])
    return frame.iloc[np.argsort(frame["rank"].to_numpy(), kind="stable")].reset_index(drop=True)
