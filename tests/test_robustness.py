"""Tests of sdg_interactions.analysis.robustness: "diskutera igen" and bootstrap rank intervals."""

from __future__ import annotations

import math

import numpy as np
import pytest
import xarray as xr
from slow_reference import clean, slow_rank_robustness

from sdg_interactions.analysis import _bootstrap, sdg_synergies
from sdg_interactions.analysis._bootstrap import (
    SAMPLE_BLOCK,
    _block_draws,
    _chunk_histogram,
    _compiled_systemic,
    _draws,
    _kernel,
    _mean_systemic,
    _pack,
)
from sdg_interactions.analysis.robustness import (
    DISCUSS_COLUMNS,
    ROBUSTNESS_COLUMNS,
    _leverage,
    discuss_again,
    rank_robustness,
    robustness_table,
)
from sdg_interactions.errors import ValidationError
from sdg_interactions.io import load_dataset
from sdg_interactions.matrix import aggregate, build_dataset, from_array

IDS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b", "2.1"]


def answers(rng: np.random.Generator, n_resp: int, n: int, *, nan: float = 0.15) -> np.ndarray:
    """Raw answers: integers −3…3, some NaN, NaN on the diagonal."""
    v = rng.integers(-3, 4, size=(n_resp, n, n)).astype(np.float64)
    v[rng.random(v.shape) < nan] = np.nan
    v[:, np.arange(n), np.arange(n)] = np.nan
    return v


def dataset(values: np.ndarray, uncertain: np.ndarray | None = None, ids: list[str] | None = None) -> xr.Dataset:
    ids = ids or IDS[: values.shape[-1]]
    unc = np.zeros(values.shape, bool) if uncertain is None else uncertain
    return build_dataset(values, np.full(values.shape, "", dtype=object), unc, ids,
                         [f"r{k}" for k in range(values.shape[0])], aggregated=False)


def plain_systemic(a: list[list[float]]) -> list[float]:
    n = len(a)
    r = [sum(a[i][j] for j in range(n)) for i in range(n)]
    return [r[i] + 0.5 * sum(a[i][j] * r[j] for j in range(n)) for i in range(n)]


def plain_leverage(a: list[list[float]], i: int, j: int) -> float:
    """|1 + ½ r_j| + ½ Σ_m |a_mi|, by loops."""
    n = len(a)
    r_j = sum(a[j][k] for k in range(n))
    return abs(1 + 0.5 * r_j) + 0.5 * sum(abs(a[m][i]) for m in range(n))


def plain_mean(values: np.ndarray) -> list[list[float]]:
    n = values.shape[-1]
    out = [[math.nan] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            got = [float(v) for v in values[:, i, j] if not math.isnan(v)]
            if got:
                out[i][j] = sum(got) / len(got)
    return out


# ------------------------------------------------------------------------------------ agreement
def test_identical_respondents_give_zero_width_intervals_and_nothing_to_discuss():
    one = answers(np.random.default_rng(1), 1, 8)[0]
    ds = dataset(np.stack([one, one, one]))
    result = rank_robustness(ds, samples=50, top_k=3, seed=4)
    single = sdg_synergies(from_array(one, IDS))
    assert result["rank"].values.tolist() == single["rank"].values.tolist()
    np.testing.assert_allclose(result["systemic"], single["systemic"], rtol=1e-12)
    assert result["rank_lo"].values.tolist() == single["rank"].values.tolist()
    assert result["rank_hi"].values.tolist() == single["rank"].values.tolist()
    assert result["p_top_k"].values.tolist() == [float(k <= 3) for k in single["rank"].values]
    assert result.attrs == {"samples": 50, "top_k": 3, "seed": 4, "method": "mean", "dim": "respondent",
                            "n_respondents": 3}
    table = discuss_again(ds)
    assert list(table.columns) == list(DISCUSS_COLUMNS) and len(table) == 0


# ---------------------------------------------------------------------------------- discuss again
def test_planted_disagreement_on_the_highest_leverage_cell_tops_the_list():
    rng = np.random.default_rng(7)
    base = answers(rng, 1, 8)[0]
    low = (5, 6)  # a second planted disagreement, on some other cell
    base[low] = 0.0
    cell = None
    for _ in range(5):  # the highest-leverage cell once it holds the planted mean 0 (its own value counts not)
        a = clean(base.tolist())
        best = max(((plain_leverage(a, i, j), (i, j)) for i in range(8) for j in range(8) if i != j),
                   key=lambda t: t[0])[1]
        if best == cell:
            break
        cell = best
        base[cell] = 0.0
    assert cell != low
    v = np.stack([base] * 4)
    v[:, cell[0], cell[1]] = [-2, -2, 2, 2]  # mean 0, IQR 4 (q25 = −2, q75 = 2)
    v[:, low[0], low[1]] = [2, 2, -2, -2]
    a = clean(plain_mean(v))
    table = discuss_again(dataset(v), lang="en")
    assert len(table) == 2
    top = table.iloc[0]
    assert (top["source"], top["target"]) == (IDS[cell[0]], IDS[cell[1]])
    assert top["iqr"] == 4.0 and top["n"] == 4 and top["mean"] == 0.0 and top["median"] == 0.0
    assert top["share_pos"] == 0.5 and top["share_neg"] == 0.5
    assert top["answers"] == "−2; −2; 2; 2"  # a true minus; "; " so a decimal comma is never ambiguous
    assert top["leverage"] == pytest.approx(plain_leverage(a, *cell), rel=1e-12)
    assert top["priority"] == pytest.approx(4 * plain_leverage(a, *cell), rel=1e-12)
    assert table.iloc[1]["leverage"] == pytest.approx(plain_leverage(a, *low), rel=1e-12)
    assert plain_leverage(a, *cell) > plain_leverage(a, *low)
    assert top["source_label"] != top["source"]  # the English label of target 1.x


def test_leverage_is_the_summed_change_of_every_systemic_score():
    rng = np.random.default_rng(3)
    n = 6
    a = rng.uniform(-3, 3, size=(n, n))
    a[rng.random((n, n)) < 0.2] = 0.0
    np.fill_diagonal(a, 0.0)
    base = plain_systemic(a.tolist())
    lev = _leverage(a)
    for h in (1.0, 1e-3):
        for i in range(n):
            for j in range(n):
                if i == j:
                    continue
                moved = a.tolist()
                moved[i][j] += h
                diff = sum(abs(t - s) for t, s in zip(plain_systemic(moved), base, strict=True)) / h
                assert lev[i, j] == pytest.approx(diff, rel=1e-6, abs=1e-9), (i, j, h)


def test_discuss_again_sorts_ties_in_matrix_order_and_flags_uncertain_answers():
    v = np.full((3, 4, 4), np.nan)
    for cell in [(2, 1), (0, 1), (1, 0)]:  # no other links: leverage |1 + 0| + 0 = 1 each, IQR 2 each
        v[:, cell[0], cell[1]] = [-1, 1, 3]
    unc = np.zeros(v.shape, bool)
    unc[2, 0, 1] = unc[0, 2, 1] = True
    table = discuss_again(dataset(v, unc))
    # after aggregation (mean 1) the links count: r_0 = r_1 = r_2 = 1
    a = clean(plain_mean(v))
    expected = sorted([(0, 1), (1, 0), (2, 1)], key=lambda c: (-2 * plain_leverage(a, *c), c))
    assert [(IDS.index(s), IDS.index(t)) for s, t in zip(table["source"], table["target"], strict=True)] == expected
    by_cell = dict(zip(zip(table["source"], table["target"], strict=True), table["answers"], strict=True))
    assert by_cell[("1.1", "1.2")] == "−1; 1; 3?" and by_cell[("1.3", "1.2")] == "−1?; 1; 3"
    assert by_cell[("1.2", "1.1")] == "−1; 1; 3"
    bare = from_array(v, IDS[:4], respondents=["a", "b", "c"]).drop_vars(["source_label_sv", "target_label_sv"])
    assert discuss_again(bare)["source_label"].tolist() == discuss_again(bare)["source"].tolist()


# ------------------------------------------------------------------------------------ bootstrap
def reference_histogram(v: np.ndarray, unc: np.ndarray, samples: int, seed: int, method: str, top_k: int = 2):
    """The plain-loop reference on the library's draws, and its rank histogram."""
    index, words = _draws(seed, 0, samples, _pack(v, unc))
    slow = slow_rank_robustness(v.tolist(), unc.tolist(), index.tolist(), words.tolist(), method=method, top_k=top_k)
    n = v.shape[-1]
    hist = np.zeros((n, n), int)
    for ranks in slow["ranks"]:
        for i, k in enumerate(ranks):
            hist[i, k - 1] += 1
    return slow, hist


@pytest.mark.parametrize("method", ["mean", "median", "trimmed"])
def test_bootstrap_equals_the_plain_loop_reference_with_the_same_draws(method):
    rng = np.random.default_rng(11)
    n_resp, n, samples, seed = 4, 5, 37, 5
    v = answers(rng, n_resp, n, nan=0.2)
    v[0, 0, 1], v[1, 0, 1], v[2, 1, 0] = 3.0, -3.0, 3.0  # clipping at both ends
    unc = rng.random(v.shape) < 0.3
    unc[0, 0, 1] = unc[1, 0, 1] = unc[2, 1, 0] = True
    ds = dataset(v, unc)
    packed = _pack(v, unc)
    assert packed.groups[0] > 0 and packed.groups[1] > 0  # both kinds of uncertain cells
    slow, hist = reference_histogram(v, unc, samples, seed, method)
    for compiled in (True, False):  # numba's compiled step and the numpy path
        np.testing.assert_array_equal(_chunk_histogram(packed, 0, samples, seed, method, compiled=compiled), hist)
    result = rank_robustness(ds, samples=samples, top_k=2, seed=seed, method=method)
    assert result["rank_lo"].values.tolist() == slow["rank_lo"]
    assert result["rank_hi"].values.tolist() == slow["rank_hi"]
    assert result["p_top_k"].values.tolist() == slow["p_top_k"]
    for i in range(n):  # numpy's percentile methods "lower" and "higher"
        sampled = [ranks[i] for ranks in slow["ranks"]]
        assert slow["rank_lo"][i] == np.percentile(sampled, 5, method="lower")
        assert slow["rank_hi"][i] == np.percentile(sampled, 95, method="higher")
    full = sdg_synergies(aggregate(ds, method))
    assert result["rank"].values.tolist() == full["rank"].values.tolist()
    assert len({tuple(r) for r in slow["ranks"]}) > 1  # the draws do move the ranks


@pytest.mark.parametrize("method", ["mean", "median"])
def test_many_respondents_use_several_words_per_cell(method):
    rng = np.random.default_rng(21)
    n_resp, n, samples = 37, 4, 40  # ⌈37/16⌉ = 3 words; mostly ±3 answers: long runs of clipped copies
    v = rng.choice([-3.0, -3.0, 3.0, 3.0, 1.0], size=(n_resp, n, n))
    v[:, np.arange(n), np.arange(n)] = np.nan
    unc = rng.random(v.shape) < 0.7
    assert _draws(3, 0, 2, _pack(v, unc))[1].shape == (2, n, n, 3)
    _, hist = reference_histogram(v, unc, samples, 3, method)
    for compiled in (True, False):
        np.testing.assert_array_equal(_chunk_histogram(_pack(v, unc), 0, samples, 3, method, compiled=compiled), hist)


def test_uncertain_answers_between_2_and_3_are_moved_exactly_too():
    rng = np.random.default_rng(6)
    v = rng.uniform(-3, 3, size=(3, 5, 5)).round(1)
    v[0, 0, 1], v[1, 0, 1], v[2, 0, 1] = 2.5, -2.7, 3.0
    v[:, np.arange(5), np.arange(5)] = np.nan
    unc = rng.random(v.shape) < 0.5
    unc[:, 0, 1] = True
    assert not _pack(v, unc).fast  # 2.5 + 1 clips to 3: a move of ½, outside the bit-pair sums
    _, hist = reference_histogram(v, unc, 30, 1, "mean")
    np.testing.assert_array_equal(_chunk_histogram(_pack(v, unc), 0, 30, 1, "mean"), hist)


def test_draws_are_uniform_resamples_and_quarter_half_quarter_moves():
    v = np.zeros((6, 8, 8))
    unc = np.ones(v.shape, bool)
    index, words = _draws(0, 0, 4000, _pack(v, unc))
    assert index.shape == (4000, 6) and words.shape == (4000, 8, 8, 1) and words.dtype == np.uint32
    assert np.bincount(index.ravel(), minlength=6).tolist() == pytest.approx([4000] * 6, rel=0.05)
    cells = words[:, ~np.eye(8, dtype=bool), 0].ravel()  # the diagonal has no words
    assert (words[:, np.arange(8), np.arange(8)] == 0).all()
    pairs = (cells[:, None] >> (2 * np.arange(16, dtype=np.uint32))) & 3
    moves = (pairs & 1) + (pairs >> 1) - 1  # x + y − 1
    shares = np.bincount((moves + 1).ravel(), minlength=3) / moves.size
    assert shares.tolist() == pytest.approx([0.25, 0.5, 0.25], abs=0.002)
    part_index, part_words = _draws(0, 13, 61, _pack(v, unc))  # any range cuts the same fixed blocks
    np.testing.assert_array_equal(part_index, index[13:61])
    np.testing.assert_array_equal(part_words, words[13:61])


@pytest.mark.parametrize(("value", "outcomes"), [(3.0, {3.0: 0.75, 2.0: 0.25}), (-3.0, {-3.0: 0.75, -2.0: 0.25}),
                                                 (2.0, {3.0: 0.25, 2.0: 0.5, 1.0: 0.25})])
def test_one_uncertain_answer_moves_by_quarter_half_quarter_clipped_at_3(value, outcomes):
    """One respondent, one uncertain answer a_01 and no other link: t_0 = a_01, the cell's mean itself."""
    v = np.full((1, 3, 3), np.nan)
    v[0, 0, 1] = value
    unc = np.zeros(v.shape, bool)
    unc[0, 0, 1] = True
    packed = _pack(v, unc)
    t = np.concatenate([_mean_systemic(packed, *_block_draws(2, k, 1, 1), {}) for k in range(4000 // SAMPLE_BLOCK)])
    compiled = [_compiled_systemic(packed, *_block_draws(2, k, 1, 1), {}, _kernel()).copy()
                for k in range(4000 // SAMPLE_BLOCK)]
    np.testing.assert_array_equal(np.concatenate(compiled), t)
    assert (t[:, 1:] == 0).all()
    got = {float(k): float(np.mean(t[:, 0] == k)) for k in np.unique(t[:, 0])}
    assert got.keys() == outcomes.keys()
    assert got == pytest.approx(outcomes, abs=0.025)


def test_the_numpy_path_gives_the_compiled_numbers_where_numba_is_missing(monkeypatch):
    """Where numba cannot be imported the numpy path runs; the result is the same, bit for bit."""
    rng = np.random.default_rng(8)
    v = answers(rng, 19, 8, nan=0.15)  # 19 respondents: two words per uncertain cell
    v[rng.random(v.shape) < 0.2] = 3.0
    ds = dataset(v, rng.random(v.shape) < 0.2)
    assert _kernel() is not None  # numba is in the test extra: the compiled step runs by default
    compiled = rank_robustness(ds, samples=300, seed=4, top_k=3)
    monkeypatch.setattr(_bootstrap, "_kernel", lambda: None)
    xr.testing.assert_identical(rank_robustness(ds, samples=300, seed=4, top_k=3), compiled)
    assert (compiled["rank_hi"] > compiled["rank_lo"]).any()


def test_chunk_size_changes_nothing():
    rng = np.random.default_rng(2)
    v = answers(rng, 5, 8)
    ds = dataset(v, rng.random(v.shape) < 0.1)
    first = rank_robustness(ds, samples=100, seed=9)
    for chunk_size in (1, 7, 16, 64, 100, 1000):
        xr.testing.assert_identical(rank_robustness(ds, samples=100, seed=9, chunk_size=chunk_size), first)
    assert not first["rank_lo"].equals(first["rank_hi"])  # a real spread, not a trivial case


def test_dask_on_a_local_cluster_equals_the_in_memory_run():
    distributed = pytest.importorskip("distributed")
    rng = np.random.default_rng(5)
    v = answers(rng, 6, 8)
    ds = dataset(v, rng.random(v.shape) < 0.15)
    expected = rank_robustness(ds, samples=120, seed=3, chunk_size=40)
    lazy = ds.chunk({"source": 3})
    assert hasattr(lazy["score"].data, "dask") and hasattr(lazy["uncertain"].data, "dask")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                                  dashboard_address=None) as cluster, distributed.Client(cluster) as client:
        with distributed.get_task_stream(client) as stream:
            got = rank_robustness(lazy, samples=120, seed=3, chunk_size=40)
        ran = [task["key"] for task in stream.data]
        assert sum("_chunk_histogram" in str(key) for key in ran) == 3  # three chunks of 40, on the workers
    xr.testing.assert_identical(got, expected)
    xr.testing.assert_identical(rank_robustness(lazy, samples=120, seed=3, chunk_size=17), expected)


def test_ties_exact_and_within_float_noise_share_a_rank():
    v = np.full((4, 4), np.nan)
    v[0, 2], v[0, 3] = 0.1, 0.2  # r = 0.1 + 0.2 = 0.30000000000000004
    v[1, 2] = 0.3  # r = 0.3; rows 1.3 and 1.4 empty: t = 0 exactly
    m = from_array(v, IDS[:4], aggregated=True).expand_dims(respondent=["a"])
    result = rank_robustness(m, samples=20, top_k=1)
    assert result["rank"].values.tolist() == [1, 1, 3, 3]
    assert result["rank_lo"].values.tolist() == [1, 1, 3, 3] and result["rank_hi"].values.tolist() == [1, 1, 3, 3]
    assert result["p_top_k"].values.tolist() == [1.0, 1.0, 0.0, 0.0]
    table = robustness_table(result, lang="en")
    assert list(table.columns) == list(ROBUSTNESS_COLUMNS)
    assert table["node"].tolist() == ["1.1", "1.2", "1.3", "1.4"]


def test_robustness_table_lists_nodes_in_rank_order():
    one = answers(np.random.default_rng(8), 1, 8)[0]
    result = rank_robustness(dataset(one[None]), samples=5)
    table = robustness_table(result)
    t = plain_systemic(clean(one.tolist()))
    assert table["node"].tolist() == [IDS[k] for k in sorted(range(8), key=lambda k: (-t[k], k))]
    assert table["rank"].tolist() == sorted(table["rank"].tolist())


def test_uncertain_marks_widen_the_intervals():
    one = answers(np.random.default_rng(4), 1, 8, nan=0.0)
    plain = rank_robustness(dataset(one), samples=200, seed=1)
    assert (plain["rank_lo"] == plain["rank_hi"]).all()
    doubtful = rank_robustness(dataset(one, np.ones(one.shape, bool)), samples=200, seed=1)
    assert (doubtful["rank_lo"] < doubtful["rank_hi"]).any()
    assert (doubtful["rank_lo"] <= doubtful["rank"]).all() and (doubtful["rank"] <= doubtful["rank_hi"]).all()
    assert rank_robustness(dataset(one).score, samples=200, seed=1)["rank_hi"].equals(plain["rank_hi"])


# ------------------------------------------------------------------------------------ bad input
@pytest.mark.parametrize(("kwargs", "words"), [
    ({"samples": 0}, ["'0'", "samples must be a whole number from 1 to 100,000", "e.g. 1000"]),
    ({"samples": 2.5}, ["'2.5'", "whole number from 1 to 100,000"]),
    ({"samples": True}, ["'True'"]),
    ({"top_k": 9}, ["'9'", "from 1 to 8"]),
    ({"top_k": 0}, ["'0'", "from 1 to 8"]),
    ({"method": "mode"}, ["'mode'", "mean, median, trimmed"]),
    ({"dim": "kommun"}, ["'kommun'", "('respondent',)"]),
    ({"seed": -1}, ["'-1'", "from 0 to 4,294,967,295"]),
    ({"chunk_size": 0}, ["'0'", "chunk_size"]),
])
def test_rank_robustness_refuses_bad_input_naming_the_value(kwargs, words):
    ds = dataset(answers(np.random.default_rng(0), 2, 8))
    with pytest.raises(ValidationError) as error:
        rank_robustness(ds, **kwargs)
    for word in words:
        assert word in str(error.value)


def test_discuss_again_refuses_bad_input_naming_the_value():
    ds = dataset(answers(np.random.default_rng(0), 2, 8))
    with pytest.raises(ValidationError, match=r"'kommun'.*Valid: one of \('respondent',\)"):
        discuss_again(ds, dim="kommun")
    with pytest.raises(ValidationError, match="'mode'"):
        discuss_again(ds, method="mode")
    with pytest.raises(ValidationError, match="'de'"):
        discuss_again(ds, lang="de")
    with pytest.raises(ValidationError, match=r"'respondent'.*Valid: a matrix with dims"):
        discuss_again(ds.isel(respondent=0))
    with pytest.raises(ValidationError, match="rank_robustness"):
        robustness_table(sdg_synergies(ds.isel(respondent=0)))


def test_return_samples_gives_every_samples_ranks_and_the_intervals_come_from_them():
    """The distribution behind rank_lo, rank_hi and p_top_k: each sample's ranks, recounted here with numpy's own
    percentile methods ("lower", "higher"), the same for any chunking."""
    data = load_dataset("synthetic_respondents")
    result = rank_robustness(data, samples=64, top_k=5, seed=3, return_samples=True)
    ranks = result["sample_rank"].transpose("sample", "node").to_numpy()
    assert ranks.shape == (64, data.sizes["source"]) and ranks.min() >= 1 and ranks.max() <= data.sizes["source"]
    assert np.array_equal(np.percentile(ranks, 5, axis=0, method="lower"), result["rank_lo"].to_numpy())
    assert np.array_equal(np.percentile(ranks, 95, axis=0, method="higher"), result["rank_hi"].to_numpy())
    assert np.allclose((ranks <= 5).mean(axis=0), result["p_top_k"].to_numpy())
    chunked = rank_robustness(data, samples=64, top_k=5, seed=3, return_samples=True, chunk_size=16)
    assert np.array_equal(chunked["sample_rank"].to_numpy(), result["sample_rank"].to_numpy())
    plain = rank_robustness(data, samples=64, top_k=5, seed=3)
    assert "sample_rank" not in plain and plain["rank_lo"].equals(result["rank_lo"])


# --- the report's section (sdg_interactions.report.decision_sections.robustness), session 9 ---------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_report_section_says_invented_respondents_explains_the_mark_and_counts_in_words(lang):
    """The reader: "Tolv deltagare bedömde paren" of invented people, "−1?; 2?" never explained, and "Här är
    de 4 som påverkar rangordningen mest" when only four exist."""
    from sdg_interactions.io import load_dataset
    from sdg_interactions.report.decision_sections import robustness

    data = load_dataset("synthetic_respondents")
    section = robustness(data, samples=100, lang=lang)
    said = section["paragraphs"]
    people = data.sizes["respondent"]
    assert people == 12 and said[0].startswith(
        "Tolv påhittade svarande bedömde paren." if lang == "sv" else "Twelve invented respondents scored the pairs.")
    assert not any("deltagare bedömde" in p or ("respondents scored" in p and "invented" not in p) for p in said)
    # the four contested pairs, recomputed: someone scored plus and someone minus
    def answers(s, t):
        return data["score"].sel(source=s, target=t)

    contested = [(s, t) for s in data["source"].values for t in data["target"].values
                 if (answers(s, t) > 0).any() and (answers(s, t) < 0).any()]
    assert len(contested) == 4 and set(section["data"]["discuss"]) == set(contested)
    lead = next(p for p in said if p.startswith(("I en verklig bedömning", "In a real assessment")))
    if lang == "sv":
        assert lead == ("I en verklig bedömning skulle de här paren diskuteras igen: fyra par är omstridda (någon såg "
                        "främjande och någon hämmande, eller svaren spretar). Alla fyra, ordnade efter hur mycket de "
                        "påverkar rangordningen (? = svaret markerat som osäkert):")
    else:
        assert lead.startswith("In a real assessment these pairs would be discussed again: four pairs") and \
            "All four, ordered by" in lead and "(? = the answer" in lead
    assert not any(p.startswith(("Diskutera igen", "Discuss again")) for p in said)
    rows = said[said.index(lead) + 1:]
    assert len(rows) == 4 and all("?" in r for r in rows)
    marked = sum(r.split(": ", 1)[1].count("?") for r in rows)
    expected = sum(int(data["uncertain"].sel(source=s, target=t).sum()) for s, t in contested)
    assert marked == expected > 0 and " ".join(said).count("(? =") == 1
    assert ("fem främsta" in " ".join(said)) if lang == "sv" else ("top five" in " ".join(said))
    # fewer shown than contested: "Här är de två …"; real respondents: "Tolv deltagare"; no "?" shown: no note
    two = robustness(data.assign_attrs(synthetic=0), samples=100, lang=lang, limit=2)["paragraphs"]
    assert two[0].startswith("Tolv deltagare bedömde paren." if lang == "sv" else "Twelve respondents scored")
    assert ("Här är de två som påverkar rangordningen mest" if lang == "sv" else "These two move the ranking most") \
        in " ".join(two)
    sure = data.assign(uncertain=data["uncertain"] & False)
    plain = robustness(sure, samples=100, lang=lang)["paragraphs"]
    assert "(? =" not in " ".join(plain) and not any("?" in p.split(": ", 1)[-1] for p in plain[-4:])


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_report_table_writes_every_share_as_one_percentage(lang):
    """The reader saw "100 %" beside "5%": every share as CLDR writes a percentage, rounded half up."""
    from decimal import ROUND_HALF_UP, Decimal

    from sdg_interactions.io import load_dataset
    from sdg_interactions.report.decision_sections import robustness

    data = load_dataset("synthetic_respondents")
    section = robustness(data, samples=200, lang=lang)
    result = rank_robustness(data, samples=200, top_k=5, seed=0)
    share = dict(zip(result["node"].values.tolist(), result["p_top_k"].values.tolist(), strict=True))
    sign = "\N{NO-BREAK SPACE}%" if lang == "sv" else "%"
    shown = [row[-1] for row in section["table"]["rows"]]
    for row in section["table"]["rows"]:
        whole = int(Decimal(repr(100 * share[row[1]])).quantize(Decimal(1), rounding=ROUND_HALF_UP))
        assert row[-1] == f"{whole}{sign}"
    assert "100" + sign in shown and any(len(s) == 1 + len(sign) for s in shown)  # both 100 % and one digit
