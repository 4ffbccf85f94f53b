"""How robust the results are to disagreement and doubt: "diskutera igen" and bootstrap rank intervals.

* :func:`discuss_again` — the contested cells worth discussing again, those whose answers spread most
  where a change would move the systemic scores most.
* :func:`rank_robustness` — how sure each node's systemic rank is: bootstrap intervals over the
  respondents and the answers marked uncertain; :func:`robustness_table` shows them as a table.

Several respondents' answers lie along a leading dim (``respondent`` by default). The bootstrap runs in
chunks of samples so memory stays bounded; dask-backed inputs are computed chunk by chunk as dask tasks
(on a distributed cluster if a client is active). dask is imported only then.
"""

from __future__ import annotations

import math
import numbers
import os
from collections.abc import Hashable
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.analysis._core import adjacency, node_result, rank_descending, signed_sums, to_table
from sdg_interactions.analysis.cells import cell_statistics
from sdg_interactions.errors import ValidationError, locate
from sdg_interactions.matrix import AGGREGATIONS, DIMS, NODE, RESPONDENT, aggregate, as_matrix, combine_answers
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
#: A chunk of samples holds at most this many floats (64 MB) unless ``chunk_size`` says otherwise.
CHUNK_FLOATS = 64 * 2**20 // 8
_SCALE = (-3.0, 3.0)
#: Four moves per random byte: each move is the sum of two random bits minus 1 (−1, 0, +1 with ¼, ½, ¼).
_MOVES = np.array([[((v >> 2 * k) & 1) + ((v >> 2 * k + 1) & 1) - 1 for k in range(4)] for v in range(256)],
                  dtype=np.int8).view(np.int32).ravel()


def _check_dim(da: xr.DataArray, dim: Hashable, what: str) -> None:
    lead = tuple(da.dims[:-2])
    if dim not in lead:
        raise ValidationError(locate(f"{what} needs several answers per cell along a dim the matrix lacks",
                                     value=dim, valid=f"one of {lead}" if lead else
                                     "a matrix with dims ('respondent', 'source', 'target')"))
    if len(lead) > 1:
        raise ValidationError(locate(f"{what} takes the answers of one matrix; select along the other dims first",
                                     value=tuple(d for d in lead if d != dim),
                                     valid=f"dims ({dim!r}, 'source', 'target')"))


def _whole(value: object, what: str, low: int, high: int | None, example: str) -> int:
    ok = (not isinstance(value, bool) and isinstance(value, numbers.Real) and math.isfinite(float(value))
          and float(value).is_integer() and low <= value and (high is None or value <= high))
    if not ok:
        valid = f"a whole number from {low} to {high}" if high is not None else f"a whole number ≥ {low}"
        raise ValidationError(locate(what, value=value, valid=f"{valid}, e.g. {example}"))
    return int(value)


def _leverage(a: np.ndarray) -> np.ndarray:
    """``leverage_ij = |1 + ½ r_j| + ½ Σ_m |a_mi|`` for ``A`` as an ``n × n`` array (diagonal 0)."""
    r = a.sum(axis=-1)
    return np.abs(1.0 + 0.5 * r)[None, :] + 0.5 * np.abs(a).sum(axis=0)[:, None]


def _answer_text(values: np.ndarray, marks: np.ndarray) -> str:
    got = sorted((float(v), bool(u)) for v, u in zip(values, marks, strict=True) if not math.isnan(v))
    return ", ".join(f"{v:g}{'?' if u else ''}" for v, u in got)


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
    [['1.2', '1.3', 2.0, 2.0, 4.0, '-2, 2'], ['1.1', '1.2', 2.0, 1.5, 3.0, '-1, 3?']]
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
        "answers": [_answer_text(values[:, i, j], marks[:, i, j]) for i, j in zip(rows, cols, strict=True)],
    })
    return frame.loc[:, list(DISCUSS_COLUMNS)]


def _draws(seed: int, start: int, stop: int, n_respondents: int, n_moves: int) -> tuple[np.ndarray, np.ndarray]:
    """The random draws of samples ``start … stop − 1``: ``(index, moves)``.

    ``index[b, k]``: the respondent in slot ``k`` of sample ``b`` (drawn with replacement);
    ``moves[b, k, q]`` ∈ {−1, 0, +1} (¼, ½, ¼): the move of the ``q``-th uncertain, scored answer (in
    row-major order: source, then target) of that respondent. Samples come in fixed blocks of
    :data:`SAMPLE_BLOCK`, block ``k`` from ``np.random.default_rng([seed, k])``, so the draws never
    depend on the chunking.
    """
    index, moves = [], []
    for block in range(start // SAMPLE_BLOCK, (stop - 1) // SAMPLE_BLOCK + 1):
        rng = np.random.default_rng([seed, block])
        index.append(rng.integers(0, n_respondents, size=(SAMPLE_BLOCK, n_respondents)))
        size = SAMPLE_BLOCK * n_respondents * n_moves
        raw = np.frombuffer(rng.bytes((size + 3) // 4), dtype=np.uint8)
        moves.append(_MOVES[raw].view(np.int8)[:size].reshape(SAMPLE_BLOCK, n_respondents, n_moves))
    cut = slice(start % SAMPLE_BLOCK, start % SAMPLE_BLOCK + stop - start)
    return np.concatenate(index)[cut], np.concatenate(moves)[cut]


def _pack(score: np.ndarray, uncertain: np.ndarray | None) -> tuple[np.ndarray, ...]:
    """The answers ``(R, n, n)`` as flat arrays for :func:`_chunk_histogram`: values ``(R, n²)`` (NaN off the
    scored cells); values (NaN as 0) over the scored mask as ``(2 n², R)``; per respondent its uncertain,
    scored answers in row-major order: values and flat cells ``(R, width)``, padded with 0 and cell ``n²``."""
    x = np.array(score, dtype=np.float64).reshape(score.shape[0], -1)
    n = score.shape[-1]
    x[:, np.arange(n) * (n + 1)] = np.nan
    scored = ~np.isnan(x)
    marked = scored & (np.zeros(x.shape, bool) if uncertain is None else np.asarray(uncertain, bool).reshape(x.shape))
    width = int(marked.sum(axis=1).max()) if marked.size else 0
    cells = np.full((x.shape[0], width), n * n, dtype=np.int64)
    values = np.zeros((x.shape[0], width))
    for r in range(x.shape[0]):
        where = np.flatnonzero(marked[r])
        cells[r, :where.size], values[r, :where.size] = where, x[r, where]
    return x, np.concatenate([np.nan_to_num(x), scored], axis=1).T.copy(), values, cells


def _chunk_histogram(packed: tuple[np.ndarray, ...], start: int, stop: int, seed: int, method: str) -> np.ndarray:
    """Rank samples ``start … stop − 1`` and count them: ``hist[i, k − 1]`` = #samples where node i has rank k.

    Each sample: resampled answers (:func:`_draws`), uncertain ones moved and clipped to [−3, 3], combined
    per cell with ``method``; ``t = r + ½ A·r`` and its ranks, vectorised over the samples.
    """
    x, both_t, values, cells = packed
    n_resp, size = x.shape
    n = math.isqrt(size)
    index, moves = _draws(seed, start, stop, n_resp, values.shape[1])
    b = stop - start
    moved = values[index]
    change = np.minimum(np.maximum(moved + moves, _SCALE[0]), _SCALE[1]) - moved  # 0 where clipped away
    if method == "mean":  # cells × samples: Σ over the copies = answers · counts, plus the moves; ÷ answers per cell
        weight = np.bincount((index + n_resp * np.arange(b)[:, None]).ravel(), minlength=b * n_resp)
        both = both_t @ weight.reshape(b, n_resp).T.astype(np.float64)  # (2 n², b)
        total, count = both[:size], both[size:]
        if values.shape[1]:
            where = (cells[index] * b + np.arange(b)[:, None, None]).ravel()  # padding: row n²
            total += np.bincount(where, weights=change.ravel(), minlength=(size + 1) * b)[:size * b].reshape(size, b)
        a = np.divide(total, np.maximum(count, 1.0, out=count), out=total).reshape(n, n, b)  # no answer: A = 0
        r = a.sum(axis=1)
        t = (r + 0.5 * np.einsum("ijb,jb->ib", a, r)).T
    else:
        answers = np.concatenate([x[index], np.zeros((b, n_resp, 1))], axis=-1)  # (b, R, n² + 1)
        np.add.at(answers.reshape(b * n_resp, size + 1),
                  (np.repeat(np.arange(b * n_resp), values.shape[1]), cells[index].ravel()), change.ravel())
        a = np.nan_to_num(combine_answers(np.moveaxis(answers[..., :size], 1, -1), method), nan=0.0)
        a = a.reshape(b, n, n)
        r = a.sum(axis=-1)
        t = r + 0.5 * np.matmul(a, r[..., None])[..., 0]
    ranks = rank_descending(t)
    return np.bincount((ranks - 1 + n * np.arange(n)).ravel(), minlength=n * n).reshape(n, n)


def _chunk_size(chunk_size: int | None, n_resp: int, size: int, n_moves: int, method: str) -> int:
    """``chunk_size``, or as many samples as hold ≤ :data:`CHUNK_FLOATS` floats (whole blocks when ≥ one)."""
    if chunk_size is not None:
        return chunk_size
    per_sample = 4 * size + 4 * n_resp * n_moves if method == "mean" else (2 * n_resp + 3) * size
    step = max(1, CHUNK_FLOATS // max(per_sample, 1))
    return step - step % SAMPLE_BLOCK if step >= SAMPLE_BLOCK else step


def _histogram(score: xr.DataArray, uncertain: xr.DataArray | None, samples: int, seed: int, method: str,
               chunk_size: int | None) -> np.ndarray:
    """Sum the chunks' histograms; through dask tasks when the answers are dask-backed."""
    lazy = any(hasattr(v.data, "__dask_graph__") for v in (score, uncertain) if v is not None)
    n_resp, size = score.shape[0], score.shape[1] * score.shape[2]
    if not lazy:
        packed = _pack(score.to_numpy(), None if uncertain is None else uncertain.to_numpy())
        step = _chunk_size(chunk_size, n_resp, size, packed[2].shape[1], method)
        starts = range(0, samples, step)
        with ThreadPoolExecutor(max_workers=min(len(starts), os.cpu_count() or 1)) as pool:  # numpy frees the GIL
            return sum(pool.map(lambda s: _chunk_histogram(packed, s, min(s + step, samples), seed, method), starts))
    import dask

    n_moves = size if uncertain is None else int(uncertain.sum(score.dims[0]).max().compute())
    step = _chunk_size(chunk_size, n_resp, size, n_moves, method)
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

    One respondent without uncertain marks gives zero-width intervals. Samples are processed
    ``chunk_size`` at a time (default: a chunk holds at most ~64 MB of floats); the random draws come in
    fixed blocks of :data:`SAMPLE_BLOCK` samples from ``np.random.default_rng([seed, block])``, so the same
    ``seed`` gives the same result for any ``chunk_size`` and with dask-backed answers, whose chunks run as
    dask tasks (on a distributed cluster when a client is active). attrs: samples, top_k, seed, method,
    dim, n_respondents.

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
        raise ValidationError(locate("unknown aggregation", value=method, valid=", ".join(AGGREGATIONS)))
    da = da.transpose(dim, *DIMS)
    n = da.sizes["source"]
    samples = _whole(samples, "the number of bootstrap samples must be a whole number ≥ 1", 1, None, "1000")
    top_k = _whole(top_k, f"top_k must be a whole number from 1 to the {n} nodes", 1, n, str(min(5, n)))
    seed = _whole(seed, "the seed must be a whole number ≥ 0", 0, None, "0")
    if chunk_size is not None:
        chunk_size = _whole(chunk_size, "chunk_size must be None or a whole number ≥ 1", 1, None, "500")
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
        raise ValidationError(locate("robustness_table takes the result of rank_robustness",
                                     value=tuple(result.data_vars), valid="rank_robustness(matrix)"))
    frame = to_table(result, lang=lang, columns=ROBUSTNESS_COLUMNS[2:])
    return frame.iloc[np.argsort(frame["rank"].to_numpy(), kind="stable")].reset_index(drop=True)
