"""Equal means equal: exact ties in aggregated matrices survive float noise in ranks, quadrants, scenario
classes and the order the command line prints tied rows in."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import xarray as xr
from slow_reference import slow_rank

from sdg_interactions.analysis import influence_dependence, scenario, sdg_synergies
from sdg_interactions.cli import main
from sdg_interactions.io import write_matrix
from sdg_interactions.matrix import from_array

nan = np.nan


def test_systemic_tie_at_minus_two_ninths_shares_the_rank():
    v = np.array([[nan, -2, 4 / 3], [-2 / 3, nan, -4 / 3], [-1, -4 / 3, nan]])
    # r = (−2/3, −2, −7/3); s = (4/9, 16/9, 5/3); t = r + s = (−2/9, −2/9, −2/3)
    result = sdg_synergies(from_array(v, ["1.1", "1.2", "1.3"], aggregated=True))
    np.testing.assert_allclose(result["systemic"].to_numpy(), [-2 / 9, -2 / 9, -2 / 3], rtol=1e-14)
    expected = xr.DataArray([1, 1, 3], dims="node", coords={"node": ["1.1", "1.2", "1.3"]}, name="rank")
    xr.testing.assert_equal(result["rank"].reset_coords(drop=True), expected)


def _exact_systemic(k: np.ndarray) -> list[Fraction]:
    """t_i = r_i + ½ Σ_j a_ij r_j with a_ij = k_ij / 3, in exact arithmetic (diagonal ignored)."""
    n = len(k)
    a = [[Fraction(0) if i == j else Fraction(int(k[i][j]), 3) for j in range(n)] for i in range(n)]
    r = [sum(row, Fraction(0)) for row in a]
    return [r[i] + Fraction(1, 2) * sum((a[i][j] * r[j] for j in range(n)), Fraction(0)) for i in range(n)]


def test_ranks_of_many_thirds_matrices_equal_the_exact_ranks():
    rng = np.random.default_rng(2026)
    count, n = 3000, 4
    k = rng.integers(-9, 10, size=(count, n, n))  # multiples of 1/3 in [−3, 3] ...
    whole = rng.random(k.shape) < 0.5  # ... half of them whole numbers, which makes exact ties common
    k = np.where(whole, rng.integers(-3, 4, size=k.shape) * 3, k)
    values = k / 3.0
    values[:, np.arange(n), np.arange(n)] = nan
    m = from_array(values, ["1.1", "1.2", "1.3", "1.4"], respondents=[f"r{i}" for i in range(count)],
                   aggregated=True)
    result = sdg_synergies(m)
    ranks, systemic = result["rank"].to_numpy(), result["systemic"].to_numpy()
    noisy_ties = 0
    for case in range(count):
        exact = _exact_systemic(k[case])
        assert ranks[case].tolist() == slow_rank(exact), (k[case].tolist(), exact)
        noisy_ties += any(exact[i] == exact[j] and systemic[case, i] != systemic[case, j]
                          for i in range(n) for j in range(i))
    assert noisy_ties >= 20  # the floats really do split these ties; the ranks must not


def test_node_exactly_at_both_means_is_relay():
    v = np.array([[nan, 2 / 3, 8 / 3], [-4 / 3, nan, 1], [7 / 3, -2, nan]])
    # influence (10/3, 7/3, 13/3), mean 10/3; dependence (11/3, 8/3, 11/3), mean 10/3
    result = influence_dependence(from_array(v, ["1.1", "1.2", "1.3"], aggregated=True))
    expected = xr.DataArray(np.array(["relay", "autonomous", "relay"], dtype=object), dims="node",
                            coords={"node": ["1.1", "1.2", "1.3"]}, name="quadrant")
    xr.testing.assert_equal(result["quadrant"].reset_coords(drop=True), expected)


def test_direct_pos_of_two_through_float_efforts_comes_along():
    v = np.full((4, 4), nan)
    v[:3, 3] = 1  # 1.1, 1.2, 1.3 each promote 1.4 by 1
    m = from_array(v, ["1.1", "1.2", "1.3", "1.4"])
    result = scenario(m, ["1.1", "1.2", "1.3"], efforts=[0.6, 0.7, 0.7])  # 0.6 + 0.7 + 0.7 = 2
    direct = float(result["direct_pos"].sel(node="1.4"))
    assert direct != 2 and abs(direct - 2) < 1e-15
    assert result["class"].sel(node="1.4").item() == "comes_along"


def test_direct_pos_of_two_through_aggregated_values_comes_along():
    v = np.full((4, 4), nan)
    v[:3, 3] = [0.6, 0.7, 0.7]  # means of several answers, e.g. (0 + 1 + 1 + 0 + 1) / 5 = 0.6
    result = scenario(from_array(v, ["1.1", "1.2", "1.3", "1.4"], aggregated=True), ["1.1", "1.2", "1.3"])
    direct = float(result["direct_pos"].sel(node="1.4"))
    assert direct != 2 and abs(direct - 2) < 1e-15
    assert result["class"].sel(node="1.4").item() == "comes_along"


def test_analyse_prints_tied_rows_in_natural_id_order(tmp_path, capsys):
    ids = ["17.10", "2.1", "17.9", "10.1"]  # as text: 10.1 < 17.10 < 17.9 < 2.1
    v = np.ones((4, 4))
    np.fill_diagonal(v, nan)
    path = tmp_path / "tied.csv"
    write_matrix(from_array(v, ids), path)
    assert main(["analyse", str(path)]) == 0
    lines = capsys.readouterr().out.splitlines()
    rows = [line.split() for line in lines[2:6]]
    assert [row[0] for row in rows] == ["1", "1", "1", "1"]
    assert [row[1] for row in rows] == ["2.1", "10.1", "17.9", "17.10"]
