"""MICMAC (analysis/micmac.py) against plain loops in exact Fraction arithmetic: matrix powers, row and
column sums, ranks, quadrants, Godet's stopping rule, the damped total series, and the displacement table."""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import pytest

from sdg_interactions.analysis import micmac as mm
from sdg_interactions.errors import ValidationError
from sdg_interactions.io import load_matrix
from sdg_interactions.matrix import from_array

IDS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b"]


def random_matrix(rng: random.Random, n: int) -> list[list[int | None]]:
    return [[None if i == j else rng.choice([None, -3, -2, -1, 0, 0, 1, 2, 3]) for j in range(n)]
            for i in range(n)]


def as_array(rows) -> np.ndarray:
    return np.array([[np.nan if v is None else v for v in row] for row in rows], dtype=float)


def power_sums(rows, k):
    """Row and column sums of |A|^k by plain loops over Fractions."""
    n = len(rows)
    m = [[Fraction(abs(v or 0)) if i != j else Fraction(0) for j, v in enumerate(row)] for i, row in enumerate(rows)]
    p = [row[:] for row in m]
    for _ in range(k - 1):
        p = [[sum(p[i][t] * m[t][j] for t in range(n)) for j in range(n)] for i in range(n)]
    return [sum(p[i]) for i in range(n)], [sum(p[i][j] for i in range(n)) for j in range(n)]


def ranks(values):
    return [1 + sum(1 for w in values if w > v) for v in values]


def quadrants(influence, dependence):
    n = len(influence)
    mean_in, mean_de = sum(influence) / n, sum(dependence) / n
    out = []
    for a, b in zip(influence, dependence, strict=True):
        strong_out, strong_in = a >= mean_in, b >= mean_de
        out.append("driver" if strong_out and not strong_in else "relay" if strong_out else
                   "dependent" if strong_in else "autonomous")
    return out


@pytest.mark.parametrize("seed", range(25))
def test_indirect_plane_equals_exact_matrix_powers(seed):
    rng = random.Random(seed)
    n = rng.randint(3, 7)
    rows = random_matrix(rng, n)
    m = from_array(as_array(rows), IDS[:n])
    for k in (1, 2, 3, 5):
        influence, dependence = power_sums(rows, k)
        r = mm.micmac_planes(m, power=k)
        top = max(max(influence), max(dependence))  # only ratios matter: compare after scaling both
        if top:
            got = r["influence_indirect"].values / r["influence_indirect"].values.max(initial=0)
            want = [float(v / max(influence)) if max(influence) else 0.0 for v in influence]
            np.testing.assert_allclose(got if max(influence) else 0 * got, want, rtol=1e-12, atol=1e-12)
        assert r["rank_influence_indirect"].values.tolist() == ranks(influence), (seed, k)
        assert r["rank_dependence_indirect"].values.tolist() == ranks(dependence), (seed, k)
        assert r["quadrant_indirect"].values.tolist() == quadrants(influence, dependence), (seed, k)
        assert r.attrs["micmac_power"] == k
    direct_in, direct_de = power_sums(rows, 1)
    assert r["influence_direct"].values.tolist() == [float(v) for v in direct_in]
    assert r["quadrant_direct"].values.tolist() == quadrants(direct_in, direct_de)


@pytest.mark.parametrize("seed", range(15))
def test_stable_power_is_godets_rule_by_loops(seed):
    rng = random.Random(100 + seed)
    n = rng.randint(3, 6)
    rows = random_matrix(rng, n)
    previous, expected = None, mm.MAX_POWER
    for k in range(1, mm.MAX_POWER + 1):
        now = tuple(map(tuple, map(ranks, power_sums(rows, k))))
        if previous is not None and now == previous:
            expected = k
            break
        previous = now
    m = from_array(as_array(rows), IDS[:n])
    assert mm.stable_power(m) == expected
    assert mm.micmac_planes(m).attrs["micmac_power"] == expected


def test_total_plane_is_the_damped_series_on_absolute_scores():
    rng = random.Random(7)
    rows = random_matrix(rng, 6)
    a = np.nan_to_num(np.abs(as_array(rows)))
    s = max(a.sum(axis=1).max(), a.sum(axis=0).max())
    d = 0.8 * a / s
    series, term = np.zeros_like(d), np.eye(6)
    for _ in range(400):  # Σ_{k≥1} (αD)^k, summed term by term
        term = term @ d
        series += term
    r = mm.micmac_planes(from_array(as_array(rows), IDS[:6]), power=2, alpha=0.8)
    np.testing.assert_allclose(r["influence_total"].values, series.sum(axis=1), rtol=1e-10)
    np.testing.assert_allclose(r["dependence_total"].values, series.sum(axis=0), rtol=1e-10)
    assert r["quadrant_total"].values.tolist() == quadrants(list(series.sum(axis=1)), list(series.sum(axis=0)))


def test_vectorised_over_respondents_equals_one_matrix_at_a_time():
    rng = random.Random(11)
    stack = np.stack([as_array(random_matrix(rng, 5)) for _ in range(4)])
    many = from_array(stack, IDS[:5], respondents=["a", "b", "c", "d"])
    together = mm.micmac_planes(many, power=3)
    for k, name in enumerate(["a", "b", "c", "d"]):
        alone = mm.micmac_planes(from_array(stack[k], IDS[:5]), power=3)
        for var in alone.data_vars:
            got = together[var].sel(respondent=name).values
            if got.dtype.kind == "f":
                np.testing.assert_allclose(got, alone[var].values, rtol=1e-12, atol=1e-15)
            else:
                assert got.tolist() == alone[var].values.tolist(), var


def test_displacement_lists_exactly_the_nodes_that_change_quadrant_on_sweden():
    m = load_matrix("weitz2018_sweden")
    r = mm.micmac_planes(m)
    assert 2 <= r.attrs["micmac_power"] < mm.MAX_POWER
    table = mm.micmac_displacement(m)
    moved = [node for node, a, b, c in zip(r["node"].values, r["quadrant_direct"].values,
                                            r["quadrant_indirect"].values, r["quadrant_total"].values, strict=True)
             if not a == b == c]
    assert table["node"].tolist() == moved and moved
    row = table.iloc[0]
    assert row["influence_shift"] == row["rank_influence_direct"] - row["rank_influence_indirect"]
    assert table.attrs["micmac_power"] == r.attrs["micmac_power"]


@pytest.mark.parametrize("power", [0, 31, 2.5, True, "3", None])
def test_a_bad_power_is_refused_naming_the_value(power):
    m = from_array(as_array(random_matrix(random.Random(1), 3)), IDS[:3])
    if power is None:
        assert mm.micmac_planes(m, power=None).attrs["micmac_power"] >= 2
        return
    with pytest.raises(ValidationError, match=r"power .*Valid: 1 … 30"):
        mm.micmac_planes(m, power=power)
