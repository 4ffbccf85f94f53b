"""analysis.alpha_sensitivity against the damped series summed term by term, ranks and the top-k by loops."""

from __future__ import annotations

import random

import numpy as np
import pytest

from sdg_interactions.analysis import alpha_sensitivity
from sdg_interactions.errors import ValidationError
from sdg_interactions.io import load_matrix
from sdg_interactions.matrix import from_array

IDS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a"]


def series_out(a: np.ndarray, alpha: float) -> np.ndarray:
    s = max(np.abs(a).sum(axis=1).max(), np.abs(a).sum(axis=0).max())
    d = alpha * a / s if s else 0 * a
    total, term = np.zeros_like(a), np.eye(len(a))
    for _ in range(2000):
        term = term @ d
        total += term
    return total.sum(axis=1)


@pytest.mark.parametrize("seed", range(6))
def test_totals_ranks_and_top_k_follow_the_series(seed):
    rng = random.Random(seed)
    a = np.array([[0.0 if i == j else rng.choice([-3, -2, -1, 0, 1, 2, 3]) for j in range(6)] for i in range(6)])
    alphas = (0.3, 0.6, 0.9)
    r = alpha_sensitivity(from_array(np.where(np.eye(6, dtype=bool), np.nan, a), IDS), alphas=alphas, top_k=2)
    tops = []
    for k, alpha in enumerate(alphas):
        want = series_out(a, alpha)
        np.testing.assert_allclose(r["total_out"].values[k], want, rtol=1e-9, atol=1e-12)
        ranks = [1 + sum(1 for w in want if w > v + 1e-9) for v in want]
        assert r["rank"].values[k].tolist() == ranks
        tops.append({IDS[i] for i in range(6) if ranks[i] <= 2})
    assert r.attrs["stable_top"] == all(t == tops[0] for t in tops)
    assert r.attrs["always_top"] == [n for n in IDS if all(n in t for t in tops)]
    assert r["alpha"].values.tolist() == list(alphas)


def test_swedens_top_five_by_total_influence_depends_on_alpha():
    r = alpha_sensitivity(load_matrix("weitz2018_sweden"), alphas=(0.5, 0.9), top_k=5)
    low, high = (set(r["node"].values[r["in_top"].values[k]]) for k in range(2))
    assert r.attrs["stable_top"] == (low == high)
    assert sorted(r.attrs["always_top"]) == sorted(low & high)


@pytest.mark.parametrize("alphas", [(), (0.5, 1.0), (0,), ("x",)])
def test_bad_alphas_are_refused(alphas):
    with pytest.raises(ValidationError, match="Valid"):
        alpha_sensitivity(load_matrix("weitz2018_sweden"), alphas=alphas)
