"""The nulägesbild (analysis.nulage): a kommun's standing against riket or the kommuner per KPI and node,
and the levers for what lags, against hand-computed tables and a plain-loop oracle."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from sdg_interactions.analysis.nulage import (
    KPI_STANDING_COLUMNS,
    LEVER_COLUMNS,
    NODE_VARIABLES,
    Standing,
    levers_for_what_lags,
    standing,
)
from sdg_interactions.errors import ValidationError
from sdg_interactions.frameworks import kommuner, node_sort_key
from sdg_interactions.matrix import from_array, toy_matrix

KOMMUN = "1499"  # Falköping
RIKET = "0000"
COLUMNS = ["kpi", "municipality", "period", "gender", "value"]


def values(*rows) -> pd.DataFrame:
    """Tidy values from ``(kpi, area, year, value)`` or ``(kpi, area, year, value, gender)`` tuples."""
    return pd.DataFrame([(k, a, y, (rest or ("T",))[0], v) for k, a, y, v, *rest in rows], columns=COLUMNS)


def kpi_table(*rows) -> pd.DataFrame:
    """The node → KPI table from ``(sdg_target, kpi, direction)`` tuples."""
    return pd.DataFrame(rows, columns=["sdg_target", "kpi", "direction"])


def one(direction: str, own: float, riket: float, **options) -> pd.Series:
    """The one KPI row of a kommun at ``own`` against riket at ``riket`` in 2022."""
    result = standing(values(("N00401", KOMMUN, 2022, own), ("N00401", RIKET, 2022, riket)),
                      kpi_table(("13.2", "N00401", direction)), KOMMUN, **options)
    return result.kpis.iloc[0]


@pytest.mark.parametrize(("direction", "own", "riket", "expected", "difference"), [
    ("higher", 110.0, 100.0, "ahead", 10.0),    # d = 110 − 100 = 10 > 5
    ("higher", 90.0, 100.0, "behind", -10.0),   # d = −10 < −5
    ("higher", 102.0, 100.0, "level", 2.0),     # |d| = 2 ≤ 5
    ("lower", 110.0, 100.0, "behind", -10.0),   # d = 100 − 110 = −10: more emissions is worse
    ("lower", 90.0, 100.0, "ahead", 10.0),
    ("lower", 97.0, 100.0, "level", 3.0),
    ("higher", -12.0, -10.0, "behind", -2.0),   # allowance 0.05 · |−10| = 0.5
])
def test_behind_level_ahead_in_the_kpis_direction(direction, own, riket, expected, difference):
    row = one(direction, own, riket)
    assert row["standing"] == expected
    assert row["difference"] == pytest.approx(difference)
    assert row["allowance"] == pytest.approx(0.05 * abs(riket))
    assert (row["period"], row["value"], row["reference"]) == (2022, own, riket)


@pytest.mark.parametrize(("direction", "own", "riket", "margin", "expected"), [
    ("higher", 95.0, 100.0, 0.05, "level"),           # exactly 5 % worse: not "more than"
    ("higher", 105.0, 100.0, 0.05, "level"),
    ("lower", 105.0, 100.0, 0.05, "level"),
    ("higher", 94.999, 100.0, 0.05, "behind"),
    ("higher", 105.001, 100.0, 0.05, "ahead"),
    ("higher", 0.285, 0.3, 0.05, "level"),            # 0.285 − 0.3 = −0.015000000000000013: float noise
    ("lower", 0.315, 0.3, 0.05, "level"),
    ("higher", 100.0, 100.0, 0.0, "level"),
    ("higher", 100.001, 100.0, 0.0, "ahead"),         # margin 0: any difference counts
    ("higher", 100.0 + 1e-12, 100.0, 0.0, "level"),   # but not float noise
    ("higher", 0.5, 0.0, 0.05, "ahead"),              # riket 0: allowance 0
    ("higher", 30.0, 10.0, 2.0, "level"),             # d = 20 = 2 · 10
])
def test_the_margin_boundary(direction, own, riket, margin, expected):
    assert one(direction, own, riket, margin=margin)["standing"] == expected


def test_an_earlier_common_year_when_riket_lacks_the_latest():
    v = values(("N00401", KOMMUN, 2020, 10.0), ("N00401", KOMMUN, 2021, 12.0), ("N00401", KOMMUN, 2022, 7.0),
               ("N00401", RIKET, 2020, 8.0), ("N00401", RIKET, 2021, 10.0), ("N00401", RIKET, 2022, np.nan))
    row = standing(v, kpi_table(("13.2", "N00401", "lower")), "Falköping").kpis.iloc[0]
    # 2022: riket NaN; 2021: 12 against 10, d = 10 − 12 = −2 < −0.5
    assert (row["period"], row["value"], row["reference"], row["standing"]) == (2021, 12.0, 10.0, "behind")


def test_the_kommun_missing_in_a_year_riket_has():
    v = values(("N00401", KOMMUN, 2019, 10.0), ("N00401", RIKET, 2019, 10.2), ("N00401", RIKET, 2022, 8.0))
    row = standing(v, kpi_table(("13.2", "N00401", "higher")), KOMMUN).kpis.iloc[0]
    assert (row["period"], row["standing"]) == (2019, "level")  # 2022 has no kommun value


@pytest.mark.parametrize(("window", "period"), [(1, None), (3, None), (4, 2019), (5, 2019), (50, 2019)])
def test_the_window_counts_from_the_newest_year_of_the_kpi(window, period):
    # N00401's newest year is 2022 (another kommun's value); the common years are 2017 and 2019; in 2020 riket
    # lacks a value, in 2021 the kommun
    v = values(("N00401", KOMMUN, 2017, 1.0), ("N00401", RIKET, 2017, 9.0),
               ("N00401", KOMMUN, 2019, 9.0), ("N00401", RIKET, 2019, 1.0),
               ("N00401", KOMMUN, 2020, 9.0), ("N00401", RIKET, 2021, 1.0), ("N00401", "0180", 2022, 5.0),
               ("N00945", KOMMUN, 2025, 1.0), ("N00945", RIKET, 2025, 1.0))  # another KPI's years do not count
    row = standing(v, kpi_table(("13.2", "N00401", "higher")), KOMMUN, window=window).kpis.iloc[0]
    if period is None:  # 2022 − window < year ≤ 2022 holds no common year
        assert row["standing"] == "unknown" and row["period"] is pd.NA
    else:  # the latest common year, 2019 (not 2017): 9 against 1
        assert (row["period"], row["value"], row["reference"], row["standing"]) == (period, 9.0, 1.0, "ahead")


def test_an_older_common_year_inside_the_window():
    v = values(("N00401", KOMMUN, 2017, 1.0), ("N00401", RIKET, 2017, 9.0), ("N00401", KOMMUN, 2021, 9.0),
               ("N00401", RIKET, 2022, 1.0))
    row = standing(v, kpi_table(("13.2", "N00401", "higher")), KOMMUN, window=6).kpis.iloc[0]
    assert (row["period"], row["standing"]) == (2017, "behind")  # 2017 … 2022; window=5 would leave it out
    assert standing(v, kpi_table(("13.2", "N00401", "higher")), KOMMUN).kpis["standing"].tolist() == ["unknown"]


def test_only_the_total_gender_counts():
    v = values(("N00401", KOMMUN, 2022, 10.0), ("N00401", RIKET, 2022, 10.0),
               ("N00401", KOMMUN, 2022, 50.0, "K"), ("N00401", RIKET, 2022, 1.0, "M"),
               ("N00401", KOMMUN, 2023, 50.0, "K"), ("N00401", RIKET, 2023, 1.0, "K"),  # no T in 2023
               ("N07945", KOMMUN, 2022, 50.0, "K"), ("N07945", RIKET, 2022, 1.0, "K"))
    kpis = kpi_table(("13.2", "N00401", "higher"), ("13.2", "N07945", "higher"))
    result = standing(v, kpis, KOMMUN)
    assert result.kpis["period"].tolist() == [2022, pd.NA]
    assert result.kpis["value"].tolist()[0] == 10.0 and math.isnan(result.kpis["value"].tolist()[1])
    assert result.kpis["standing"].tolist() == ["level", "unknown"]


def test_a_kpi_without_data_is_unknown_never_guessed():
    kpis = kpi_table(("13.2", "N00401", "lower"), ("3.4", "N01451", "lower"))
    result = standing(values(("N00401", KOMMUN, 2022, 6.0), ("N00401", RIKET, 2022, 5.0)), kpis, KOMMUN)
    row = result.kpis.set_index("kpi").loc["N01451"]
    assert row["standing"] == "unknown" and row["period"] is pd.NA
    assert all(math.isnan(row[c]) for c in ("value", "reference", "difference", "allowance", "percentile"))
    node = result.nodes.sel(node="3.4")
    assert str(node["standing"].item()) == "unknown" and math.isnan(node["need"].item())
    assert (int(node["kpis"]), int(node["kpis_with_data"])) == (1, 0)
    empty = standing(values(), kpis, KOMMUN)  # nothing cached at all
    assert empty.nodes["standing"].values.tolist() == ["unknown", "unknown"]
    assert empty.behind == []


# node 1.1: 2 behind, 1 ahead → behind; 1.2: 1 behind, 1 ahead, 1 level → level; 1.3: 1 ahead, 2 level → ahead;
# 1.4: 1 behind, 1 unknown → behind; 1.5: only unknown → unknown
NODE_CASES = {"1.1": ["behind", "behind", "ahead"], "1.2": ["behind", "ahead", "level"],
              "1.3": ["ahead", "level", "level"], "1.4": ["behind", "unknown"], "1.5": ["unknown"]}
OWN = {"behind": 80.0, "level": 100.0, "ahead": 120.0}


def test_the_per_node_rule():
    rows, kpi_rows = [], []
    for node, verdicts in NODE_CASES.items():
        for k, verdict in enumerate(verdicts):
            kpi = f"N{int(node[-1]):02d}{k:03d}"
            kpi_rows.append((node, kpi, "higher"))
            if verdict != "unknown":
                rows += [(kpi, KOMMUN, 2022, OWN[verdict]), (kpi, RIKET, 2022, 100.0)]
    result = standing(values(*rows), kpi_table(*kpi_rows), KOMMUN)
    assert result.kpis["standing"].tolist() == [v for vs in NODE_CASES.values() for v in vs]
    nodes = result.nodes
    assert nodes["node"].values.tolist() == list(NODE_CASES)
    assert nodes["standing"].values.tolist() == ["behind", "level", "ahead", "behind", "unknown"]
    np.testing.assert_allclose(nodes["need"].values, [2 / 3, 1 / 3, 0.0, 1.0, np.nan])
    assert nodes["kpis"].values.tolist() == [3, 3, 3, 2, 1]
    assert nodes["kpis_with_data"].values.tolist() == [3, 3, 3, 1, 0]
    assert nodes["kpis_behind"].values.tolist() == [2, 1, 0, 1, 0]
    assert nodes["kpis_level"].values.tolist() == [0, 1, 2, 0, 0]
    assert nodes["kpis_ahead"].values.tolist() == [1, 1, 1, 0, 0]
    assert result.behind == ["1.1", "1.4"]


def test_one_kpi_for_two_targets_and_natural_order():
    kpis = kpi_table(("13.2", "N00401", "lower"), ("3.4", "N00401", "lower"), ("11.6", "N00401", "lower"))
    result = standing(values(("N00401", KOMMUN, 2022, 6.0), ("N00401", RIKET, 2022, 5.0)), kpis, KOMMUN)
    assert result.nodes["node"].values.tolist() == ["3.4", "11.6", "13.2"]
    assert result.kpis["sdg_target"].tolist() == ["13.2", "3.4", "11.6"]  # the table's order
    assert result.behind == ["3.4", "11.6", "13.2"]


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_result_describes_itself(lang):
    result = standing(values(("N00401", KOMMUN, 2022, 6.0), ("N00401", RIKET, 2022, 5.0)),
                      kpi_table(("13.2", "N00401", "lower")), "Falköping", lang=lang)
    assert isinstance(result, Standing)
    assert list(result.kpis.columns) == list(KPI_STANDING_COLUMNS)
    assert list(result.nodes.data_vars) == list(NODE_VARIABLES)
    need = result.nodes["need"].attrs
    assert need["long_name"] == {"sv": "andel nyckeltal som ligger efter", "en": "share of KPIs behind"}[lang]
    assert need["units"] == {"sv": "andel (0–1)", "en": "share (0–1)"}[lang]
    assert all({"long_name", "units"} <= set(v.attrs) for v in result.nodes.data_vars.values())
    assert result.attrs == {"kommun": KOMMUN, "compare_to": "riket", "margin": 0.05, "window": 5,
                            "source": {"sv": "Källa: Kolada", "en": "Source: Kolada"}[lang]}
    assert result.kpis.attrs == result.nodes.attrs == result.attrs
    assert result.nodes["label_sv"].values.tolist()[0].startswith("Integrera")  # 13.2's short label


def test_codes_read_from_a_csv_without_leading_zeros():
    v = values(("N00401", 1499, 2022, 6.0), ("N00401", 0, 2022, 5.0))
    assert one_row(v)["standing"] == "behind"


def one_row(v: pd.DataFrame) -> pd.Series:
    return standing(v, kpi_table(("13.2", "N00401", "lower")), KOMMUN).kpis.iloc[0]


def test_equal_duplicates_are_one_row_different_ones_an_error():
    v = values(("N00401", KOMMUN, 2022, 6.0), ("N00401", KOMMUN, 2022, 6.0), ("N00401", RIKET, 2022, 5.0))
    assert one_row(v)["standing"] == "behind"
    clash = values(("N00401", KOMMUN, 2022, 6.0), ("N00401", KOMMUN, 2022, 4.0), ("N00401", RIKET, 2022, 5.0))
    with pytest.raises(ValidationError, match="two different values") as info:
        one_row(clash)
    assert "N00401 × 1499 × 2022 × T" in str(info.value)
    assert "två olika värden" in info.value.words("sv")


# --- compare_to="kommuner" ---------------------------------------------------------------------------------


def all_kommuner(kpi: str, year: int, own: float, *, skip: tuple[str, ...] = ()) -> list[tuple]:
    """Every kommun but Falköping at 1, 2, …, 289 (by kommunkod), Falköping at ``own``."""
    codes = [c for c in sorted(kommuner()["kommunkod"]) if c != KOMMUN]
    rows = [(kpi, code, year, float(k + 1)) for k, code in enumerate(codes) if code not in skip]
    return [*rows, (kpi, KOMMUN, year, own)]


def test_compare_to_kommuner_reads_the_median_kommun():
    rows = all_kommuner("N00401", 2022, 100.0) + all_kommuner("N07945", 2021, 145.0)
    rows += [("N00401", RIKET, 2022, 1000.0), ("N07945", KOMMUN, 2022, 1.0)]  # riket ignored; 2022 has no other
    kpis = kpi_table(("13.2", "N00401", "lower"), ("13.2", "N07945", "higher"))
    result = standing(values(*rows), kpis, KOMMUN, compare_to="kommuner")
    low, high = result.kpis.iloc[0], result.kpis.iloc[1]
    # N00401: the 290 values are 1 … 99, 100, 100, 101 … 289: median = (144 + 145) / 2 = 144.5; lower is
    # better: d = 144.5 − 100 = 44.5 > 0.05 · 144.5; 189 others worse (101 … 289), 1 equal, 99 better
    assert (low["period"], low["reference"], low["difference"], low["standing"]) == (2022, 144.5, 44.5, "ahead")
    assert low["percentile"] == pytest.approx((189 + 0.5) / 289)
    assert low["n_kommuner"] == 290
    # N07945 in 2021 (2022 has Falköping alone): the values are 1 … 144, 145, 145, 146 … 289, median 145:
    # d = 0 → level; 144 others below, 1 equal, 144 above
    assert (high["period"], high["reference"], high["standing"]) == (2021, 145.0, "level")
    assert high["percentile"] == pytest.approx((144 + 0.5) / 289)
    assert result.nodes["standing"].values.tolist() == ["ahead"] and result.attrs["compare_to"] == "kommuner"


def test_compare_to_kommuner_with_some_kommuner_lacking_a_value():
    rows = all_kommuner("N00401", 2022, 400.0, skip=("0114", "0115"))  # two lack a value, but are cached
    rows += [("N00945", "0114", 2022, 1.0), ("N00945", "0115", 2022, 1.0)]
    row = standing(values(*rows), kpi_table(("13.2", "N00401", "lower")), KOMMUN, compare_to="kommuner").kpis.iloc[0]
    assert (row["n_kommuner"], row["standing"], row["percentile"]) == (288, "behind", 0.0)


def test_compare_to_kommuner_needs_every_kommun():
    rows = all_kommuner("N00401", 2022, 100.0, skip=("0114", "0115", "0117"))
    with pytest.raises(ValidationError, match="needs values for all 290 kommuner, but 3 are missing") as info:
        standing(values(*rows), kpi_table(("13.2", "N00401", "lower")), KOMMUN, compare_to="kommuner")
    assert "'0114, 0115, 0117'" in str(info.value)
    assert "behöver värden för alla 290 kommuner, men 3 saknas" in info.value.words("sv")
    assert "jämför med riket" in info.value.words("sv")


# --- levers for what lags -----------------------------------------------------------------------------------

IDS = ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b", "2.1", "2.2", "2.3", "2.4", "2.5", "8.1", "8.10"]


def oracle(answers, ids, statuses):
    """Plain loops: the mean of each cell's answers (NaN left out; none → 0), pulls, counts, systemic, order."""
    n = len(ids)
    a = [[0.0] * n for _ in range(n)]
    for i in range(n):
        for j in range(n):
            scored = [m[i][j] for m in answers if not math.isnan(m[i][j])]
            a[i][j] = sum(scored) / len(scored) if scored and i != j else 0.0
    behind = [statuses.get(ids[j]) == "behind" for j in range(n)]
    pulls, counts, r, t = [], [], [], []
    for i in range(n):
        total, count = 0.0, 0
        for j in range(n):
            if behind[j] and j != i:
                total += max(a[i][j], 0.0)
                if a[i][j] >= 1.0 - 1e-9:
                    count += 1
        pulls.append(total)
        counts.append(count)
        r.append(sum(a[i]))
    for i in range(n):
        second = 0.0
        for j in range(n):
            second += a[i][j] * r[j]
        t.append(r[i] + 0.5 * second)

    def ranks(values):
        out = []
        for v in values:
            greater = 0
            for w in values:
                if w - v > 1e-9 * max(1.0, abs(v), abs(w)):
                    greater += 1
            out.append(1 + greater)
        return out

    rank_p, rank_t = ranks(pulls), ranks(t)
    order = sorted(range(n), key=lambda i: (rank_p[i], rank_t[i], node_sort_key(ids[i])))
    return [(ids[i], pulls[i], counts[i], t[i], rank_p[i]) for i in order]


def test_levers_against_a_plain_loop_oracle():
    rng = np.random.default_rng(20240601)
    for trial in range(200):
        n = int(rng.integers(2, len(IDS) + 1))
        ids = sorted(rng.choice(IDS, size=n, replace=False).tolist(), key=node_sort_key)
        m = int(rng.choice([1, 1, 2, 3]))
        answers = rng.integers(-3, 4, size=(m, n, n)).astype(float)
        answers[rng.random((m, n, n)) < 0.3] = np.nan
        for k in range(m):
            np.fill_diagonal(answers[k], np.nan)
        matrix = (from_array(answers[0], ids) if m == 1
                  else from_array(answers, ids, respondents=[f"r{k}" for k in range(m)]))
        states = ["behind", "level", "ahead", "unknown"]
        statuses = {i: str(rng.choice(states)) for i in ids if rng.random() < 0.8}
        statuses |= {"17.1": "behind"} if trial % 3 == 0 else {}  # a node of no matrix
        result = levers_for_what_lags(matrix, statuses)
        expected = oracle(answers.tolist(), ids, statuses)
        assert result["node"].tolist() == [e[0] for e in expected], trial
        np.testing.assert_allclose(result["pulls_behind"], [e[1] for e in expected], atol=1e-12)
        assert result["n_behind"].tolist() == [e[2] for e in expected], trial
        np.testing.assert_allclose(result["systemic"], [e[3] for e in expected], atol=1e-9)
        assert result["rank"].tolist() == [e[4] for e in expected], trial
        assert result["standing"].tolist() == [statuses.get(e[0], "unknown") for e in expected]
        assert result.attrs["behind"] == [i for i in ids if statuses.get(i) == "behind"]
        assert result.attrs["behind_outside"] == (["17.1"] if trial % 3 == 0 else [])


def test_levers_take_a_standing_result_and_its_nodes():
    v = values(("N00401", KOMMUN, 2022, 6.0), ("N00401", RIKET, 2022, 5.0))  # 1.3 behind
    kpis = kpi_table(("1.3", "N00401", "lower"), ("1.2", "N07945", "higher"))  # 1.2 unknown
    result = standing(v, kpis, KOMMUN)
    for given in (result, result.nodes, pd.Series({"1.3": "behind", "1.2": "unknown"})):
        table = levers_for_what_lags(toy_matrix(), given)
        assert list(table.columns) == list(LEVER_COLUMNS)
        # toy: 1.2 → 1.3 is 3, 1.1 → 1.3 is −2 (counts 0), 1.4 → 1.3 is 0; ties at 0 by t = 5, 1, −1.5
        assert table[["node", "pulls_behind", "n_behind", "rank"]].values.tolist() == [
            ["1.2", 3.0, 1, 1], ["1.1", 0.0, 0, 2], ["1.4", 0.0, 0, 2], ["1.3", 0.0, 0, 2]]
        assert table["label_sv"].iloc[0] == str(toy_matrix()["source_label_sv"].sel(source="1.2").item())


def test_levers_aggregate_several_respondents():
    answers = np.array([[[np.nan, 1, 0], [0, np.nan, 0], [3, 0, np.nan]],
                        [[np.nan, 2, 0], [0, np.nan, 0], [-1, 0, np.nan]]])
    m = from_array(answers, ["1.1", "1.2", "1.3"], respondents=["a", "b"])
    table = levers_for_what_lags(m, {"1.1": "behind", "1.2": "behind"})
    # mean: 1.1 → 1.2 = 1.5; 1.3 → 1.1 = 1.0 (≥ 1 counts), 1.3 → 1.2 = 0
    assert table[["node", "pulls_behind", "n_behind"]].values.tolist() == [
        ["1.1", 1.5, 1], ["1.3", 1.0, 1], ["1.2", 0.0, 0]]
    assert levers_for_what_lags(m, {}, aggregate="median")["pulls_behind"].tolist() == [0.0, 0.0, 0.0]


# --- errors ------------------------------------------------------------------------------------------------

GOOD = (values(("N00401", KOMMUN, 2022, 6.0)), kpi_table(("13.2", "N00401", "lower")), KOMMUN)


@pytest.mark.parametrize(("options", "english", "swedish"), [
    ({"compare_to": "län"}, "unknown comparison (compare_to): 'län'", "okänd jämförelse"),
    ({"compare_to": None}, "unknown comparison", "'riket' (rikets värde) eller 'kommuner'"),
    ({"margin": -0.1}, "margin must be a finite number, 0 or more: '-0.1'", "`margin` ska vara ett ändligt tal"),
    ({"margin": float("nan")}, "margin must be a finite number", "0 eller mer"),
    ({"margin": True}, "margin must be", "ska vara ett ändligt tal"),
    ({"margin": "5%"}, "margin must be", "en andel av jämförelsevärdet"),
    ({"window": 0}, "window must be a whole number from 1 to 50: '0'", "`window` ska vara ett heltal från 1 till 50"),
    ({"window": -3}, "window must be", "heltal"),
    ({"window": 2.5}, "window must be", "heltal"),
    ({"window": 51}, "from 1 to 50", "antal år bakåt"),
])
def test_bad_options_are_refused_in_both_languages(options, english, swedish):
    with pytest.raises(ValidationError) as info:
        standing(*GOOD, **options)
    assert english in str(info.value)
    assert swedish in info.value.words("sv")


def test_whole_floats_pass():
    assert standing(*GOOD, window=3.0, margin=0).attrs["window"] == 3


@pytest.mark.parametrize(("table", "which", "english", "swedish"), [
    (values().drop(columns="gender"), "values", "lacks columns: 'gender'", "saknar kolumner"),
    ("values.csv", "values", "must be a pandas.DataFrame, not str", "ska vara en `pandas.DataFrame`"),
    (kpi_table().drop(columns="direction"), "kpis", "the table of KPIs per target (kpis) lacks columns",
     "tabellen med nyckeltal per delmål"),
    (kpi_table(("13.2", "N00401", "up")), "kpis", "unknown direction: 'up'", "okänd riktning"),
    (values(("N00401", KOMMUN, 2022, "6,5")), "values", "column 'value'", "värdet är inget ändligt tal"),
    (values(("N00401", KOMMUN, 2022, float("inf"))), "values", "no finite number", "inget ändligt tal"),
    (values(("N00401", KOMMUN, "år 2022", 6.0)), "values", "the year is no whole number", "året är inget heltal"),
    (values(("N00401", KOMMUN, 2022.5, 6.0)), "values", "'2022.5'", "ett år som heltal"),
])
def test_bad_tables_are_refused_in_both_languages(table, which, english, swedish):
    v, kpis, kommun = GOOD
    with pytest.raises(ValidationError) as info:
        standing(table if which == "values" else v, table if which == "kpis" else kpis, kommun)
    assert english in str(info.value)
    assert swedish in info.value.words("sv")


def test_blank_values_and_junk_in_k_rows_are_no_value():
    v = values(("N00401", KOMMUN, 2022, ""), ("N00401", RIKET, 2022, 5.0), ("N00401", KOMMUN, 2022, "x", "K"))
    assert one_row(v)["standing"] == "unknown"


@pytest.mark.parametrize(("given", "english", "swedish"), [
    (["1.1"], "expected a standing (what standing() gives", "en nulägesbild väntades"),
    ({"1.1": "behind", "1.2": "bad"}, "unknown standing of a target: '1.2: bad'", "okänt läge för ett delmål"),
])
def test_bad_standings_are_refused_in_both_languages(given, english, swedish):
    with pytest.raises(ValidationError) as info:
        levers_for_what_lags(toy_matrix(), given)
    assert english in str(info.value)
    assert swedish in info.value.words("sv")


def test_values_as_the_cache_returns_them(tmp_path):
    from sdg_interactions.frameworks.kolada_cache import KoladaCache

    cache = KoladaCache(tmp_path)
    for area, value in ((KOMMUN, 6.0), (RIKET, 5.0)):
        record = {"kpi": "N00401", "municipality": area, "period": 2022,
                  "values": [{"gender": "T", "count": 1, "status": "", "value": value},
                             {"gender": "K", "count": 1, "status": "", "value": None}]}
        cache.write("N00401", area, [record], years=[2022])
    cached, missing, notes = cache.read_values(["N00401", "N07945"], [KOMMUN, RIKET])
    result = standing(cached, kpi_table(("13.2", "N00401", "lower"), ("13.2", "N07945", "higher")), "Falköping")
    assert result.kpis["standing"].tolist() == ["behind", "unknown"]  # N07945 never fetched
    assert len(missing) == 2 and notes == []
