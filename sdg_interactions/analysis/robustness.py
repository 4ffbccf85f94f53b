"""How robust the results are to disagreement and doubt: "diskutera igen" and bootstrap rank intervals.

* :func:`discuss_again` — the contested cells worth discussing again, those whose answers spread most
  where a change would move the systemic scores most.
* :func:`rank_robustness` — how sure each node's systemic rank is: bootstrap intervals over the
  respondents and the answers marked uncertain; :func:`robustness_table` shows them as a table.

Several respondents' answers lie along a leading dim (``respondent`` by default). The bootstrap runs in
chunks of samples so memory stays bounded; dask-backed inputs are computed chunk by chunk as dask tasks
(on a distributed cluster if a client is active). dask is imported only then. The engine (the draws, the
batched systemic scores, the rank histogram) is :mod:`._bootstrap`; the mean's step after the BLAS products
runs as one compiled loop (``_robustness_kernel``, numba, imported on the first bootstrap); where numba is
missing the numpy path gives the same numbers.
"""

from __future__ import annotations

import math
from collections.abc import Hashable

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import formats
from sdg_interactions.analysis._bootstrap import SAMPLE_BLOCK, histogram, percentile_from_histogram
from sdg_interactions.analysis._core import adjacency, node_result, rank_descending, signed_sums, to_table
from sdg_interactions.analysis.cells import cell_statistics
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix import AGGREGATIONS, DIMS, NODE, RESPONDENT, aggregate, as_matrix
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

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        Several respondents' answers to one matrix along ``dim``; a Dataset may mark answers ``uncertain``.
    dim : hashable, optional
        The dim of the answers (default ``"respondent"``).
    method : {"mean", "median", "trimmed"}, optional
        How the answers are combined into ``A`` (default ``"mean"``).
    lang : {"sv", "en"}, optional
        The language of the labels and numbers (default Swedish).

    Returns
    -------
    pandas.DataFrame
        One row per contested cell, columns :data:`DISCUSS_COLUMNS`, most worth discussing first.

    Raises
    ------
    ValidationError
        When ``dim`` is not the one leading dim of the matrix.

    See Also
    --------
    cell_statistics : the spread of every cell, contested or not.
    rank_robustness : how sure the systemic ranks are, given the spread.

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


def rank_robustness(obj: xr.DataArray | xr.Dataset, *, samples: int = 1000, top_k: int = 5, seed: int = 0,
                    dim: Hashable = RESPONDENT, method: str = "mean", chunk_size: int | None = None,
                    return_samples: bool = False) -> xr.Dataset:
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

    With ``return_samples=True`` the result also holds ``sample_rank`` on ``(sample, node)``: every sample's
    ranks, in sample order (the same for any ``chunk_size``), from which ``rank_lo``, ``rank_hi`` and
    ``p_top_k`` are the percentiles and shares above; ``samples × nodes`` int32 values in memory.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        Several respondents' answers to one matrix along ``dim``; a Dataset may mark answers ``uncertain``.
    samples : int, optional
        The bootstrap samples ``B``, 1 … 100 000 (default 1000). The ranges are
        :mod:`sdg_interactions.ranges`'.
    top_k : int, optional
        The top of ``p_top_k``, 1 … the nodes (default 5).
    seed : int, optional
        The seed of the draws, 0 … 2³² − 1 (default 0).
    dim : hashable, optional
        The dim of the answers (default ``"respondent"``).
    method : {"mean", "median", "trimmed"}, optional
        How each sample's answers are combined per cell (default ``"mean"``).
    chunk_size : int, optional
        Samples per chunk, ``None`` (the default above) or 1 … 100 000; it never changes the result.
    return_samples : bool, optional
        Also return ``sample_rank``, every sample's ranks (default False).

    Returns
    -------
    xarray.Dataset
        ``rank``, ``systemic``, ``rank_lo``, ``rank_hi`` and ``p_top_k`` on ``node`` (and ``sample_rank``
        on ``(sample, node)`` with ``return_samples``); the attrs above.

    Raises
    ------
    ValidationError
        When ``dim`` is not the one leading dim, ``method`` is unknown, or a number is out of range.

    See Also
    --------
    robustness_table : the result as a table in rank order.
    discuss_again : the contested cells worth discussing again.
    sdg_synergies : the systemic scores and ranks on one matrix.

    References
    ----------
    .. [1] Efron, B. (1979). Bootstrap methods: another look at the jackknife. The Annals of Statistics 7(1),
       1–26.
    .. [2] Weitz, N., Carlsen, H., Nilsson, M., & Skånberg, K. (2018). Towards systemic and contextual priority
       setting for implementing the 2030 Agenda. Sustainability Science 13, 531–548.

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
    hist = histogram(da, _uncertain(obj, dim), samples, seed, method, chunk_size, keep=bool(return_samples))
    if return_samples:
        hist, sampled = hist
    lo = percentile_from_histogram(hist, math.floor(PERCENTILES[0] / 100 * (samples - 1)))
    hi = percentile_from_histogram(hist, math.ceil(PERCENTILES[1] / 100 * (samples - 1)))
    result = node_result(agg, {"rank": full["rank"], "systemic": full["systemic"], "rank_lo": lo.astype(np.int64),
                               "rank_hi": hi.astype(np.int64), "p_top_k": hist[:, :top_k].sum(axis=-1) / samples})
    result.attrs.update({"samples": samples, "top_k": top_k, "seed": seed, "method": method, "dim": str(dim),
                         "n_respondents": int(da.sizes[dim])})
    if return_samples:
        result["sample_rank"] = (("sample", NODE), sampled)
        result = result.assign_coords(sample=np.arange(samples))
    return result


def robustness_table(result: xr.Dataset, *, lang: str = "sv") -> pd.DataFrame:
    """Return :func:`rank_robustness`'s result as a table: ``node, label, rank, rank_lo, rank_hi, p_top_k``.

    Rows in rank order; tied nodes in the natural order of their ids. ``label`` in ``lang``.

    Parameters
    ----------
    result : xarray.Dataset
        A result of :func:`rank_robustness` (one matrix's answers).
    lang : {"sv", "en"}, optional
        The language of ``label`` (default Swedish).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ROBUSTNESS_COLUMNS`, one row per node.

    Raises
    ------
    ValidationError
        When ``result`` is no result of :func:`rank_robustness`.

    See Also
    --------
    rank_robustness : the bootstrap the table shows.
    to_table : any per-node result as a table.

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
