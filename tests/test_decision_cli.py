"""The decision-support commands: ``portfolio``, ``robustness``, ``compare`` (the library: test_scenario.py,
test_robustness.py, test_comparison.py); and the portfolio against brute force on random 10-node matrices."""

import numpy as np
import pandas as pd
import pytest
from test_scenario import brute_force

from sdg_interactions import load_matrix
from sdg_interactions.analysis import portfolio, sdg_synergies
from sdg_interactions.cli import main
from sdg_interactions.matrix import from_array

IDS10 = ["1.1", "1.2", "2.1", "3.3", "4.1", "6.1", "7.2", "11.2", "13.1", "16.6"]


@pytest.mark.parametrize("seed", range(50))
def test_portfolio_k3_equals_brute_force_on_random_10_node_matrices(seed):
    rng = np.random.default_rng(1000 + seed)
    values = rng.integers(-3, 4, size=(10, 10)).astype(float)
    values[rng.random((10, 10)) < 0.3] = np.nan
    values[np.arange(10), np.arange(10)] = np.nan
    da = from_array(values, IDS10)
    expected, gain = brute_force(da, 3)
    result = portfolio(da, 3)
    assert (result.chosen, result.gain) == (expected, gain)


def test_portfolio_command_sweden_k3(tmp_path, capsys):
    out = tmp_path / "portfolj.csv"
    assert main(["portfolio", "--k", "3", "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    sweden = load_matrix("weitz2018_sweden")
    expected, _ = brute_force(sweden, 3)
    ranks = sdg_synergies(sweden)["rank"].to_series()
    top3 = sorted(ranks[ranks <= 3].index)
    assert set(expected) != set(top3)  # the proposal differs from the plain top 3 ...
    added = sorted(set(expected) - set(top3))
    dropped = sorted(set(top3) - set(expected))
    assert f"{added[0]} " in printed and f"i stället för {dropped[0]}" in printed  # ... and says how
    assert "Förslaget får med" in printed  # what the proposal reaches that the top 3 do not
    table = pd.read_csv(out, dtype={"node": str, "pulls_along": str, "puts_at_risk": str}, keep_default_na=False)
    assert list(table.columns) == ["node", "label", "rank", "systemic", "in_top_k", "marginal", "pulls_along",
                                   "puts_at_risk"]
    assert tuple(table["node"]) == expected
    assert table.set_index("node")["rank"].to_dict() == {n: int(ranks[n]) for n in expected}
    assert table.set_index("node")["in_top_k"].to_dict() == {n: n in top3 for n in expected}
    library = portfolio(sweden, 3)
    assert table.set_index("node")["pulls_along"].to_dict() == {n: " ".join(v) for n, v in
                                                                  library.pulls_along.items()}
    assert "Bygg effektiva" in table.set_index("node").loc["16.6", "label"]


def test_portfolio_command_options_in_english(capsys):
    assert main(["portfolio", "--k", "3", "--per-layer", "--exclude", "16.6", "--lang", "en"]) == 0
    printed = capsys.readouterr().out
    expected = portfolio(load_matrix("weitz2018_sweden"), 3, one_per="layer", exclude=["16.6"]).chosen
    assert "16.6" not in printed.split("Excluded")[0].split("Proposal,")[1]
    assert all(node in printed for node in expected)
    assert "Excluded (the kommun cannot influence them" in printed


@pytest.mark.parametrize(("argv", "needle"), [
    (["portfolio", "--k", "40"], "1 … 34"),
    (["portfolio", "--k", "0"], "--k must be 1 or more"),
    (["portfolio", "--k", "3", "--exclude", "99.1"], "'99.1'"),
    (["portfolio", "--k", "3", "--exclude", "16.6,16.6"], "given twice"),
    (["portfolio", "--k", "33", "--exclude", "16.6,12.1"], "1 … 32"),
    (["portfolio", "--k", "3", "--per-layer", "--per-cluster"], "not allowed with"),
])
def test_portfolio_command_bad_input(argv, needle, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert needle in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
