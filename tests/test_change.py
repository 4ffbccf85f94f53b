"""What changed between two assessments (issue 23, "Sedan förra bedömningen"): analysis.change against plain
loops, the section's sentences against those counts, ``compare --before --after`` and ``report --previous``."""

from __future__ import annotations

import html
import re

import numpy as np
import pytest

from sdg_interactions.analysis.change import assessment_change
from sdg_interactions.cli import main
from sdg_interactions.errors import ValidationError
from sdg_interactions.io import load_dataset, write_matrix
from sdg_interactions.matrix import from_array
from sdg_interactions.report.change_section import since_previous

TOL = 1e-9


def _random(rng, ids, *, respondents=None, nan=0.1):
    n = len(ids)
    shape = (n, n) if respondents is None else (len(respondents), n, n)
    values = rng.integers(-3, 4, shape).astype(float)
    values[rng.random(shape) < nan] = np.nan
    values[..., np.arange(n), np.arange(n)] = np.nan
    return from_array(values, ids, respondents=respondents)


def _mean(m):
    """The plain mean over respondents, cell by cell (NaN skipped; NaN where nobody scored)."""
    values = m.values
    if values.ndim == 2:
        return values
    out = np.full(values.shape[1:], np.nan)
    for i in range(values.shape[1]):
        for j in range(values.shape[2]):
            scored = [v for v in values[:, i, j] if not np.isnan(v)]
            if scored:
                out[i, j] = sum(scored) / len(scored)
    return out


def _systemic(a):
    """t_i = r_i + ½ Σ_j a_ij r_j with NaN read as 0, by loops."""
    n = len(a)
    a = [[0.0 if (i == j or np.isnan(a[i][j])) else a[i][j] for j in range(n)] for i in range(n)]
    r = [sum(row) for row in a]
    return [r[i] + 0.5 * sum(a[i][j] * r[j] for j in range(n)) for i in range(n)]


def _ranks(t):
    return [1 + sum(1 for other in t if other > x + TOL * max(1, abs(x))) for x in t]


@pytest.mark.parametrize("seed", range(25))
def test_the_change_is_what_plain_loops_find(seed):
    rng = np.random.default_rng(seed)
    ids_before = ["1.1", "2.2", "3.4", "7.2", "11.6", "13.2"][: 4 + seed % 3]
    ids_after = ["1.1", "3.4", "7.2", "11.6", "13.2", "15.5"][: 3 + seed % 4]
    before = _random(rng, ids_before, respondents=["a", "b", "c"] if seed % 2 else None)
    after = _random(rng, ids_after, respondents=["x", "y"] if seed % 5 == 0 else None)
    change = assessment_change(before, after)
    common = [i for i in ids_before if i in ids_after]  # both lists are in natural order already
    assert [str(v) for v in change["node"].values] == common
    assert change.attrs["only_before"] == ", ".join(i for i in ids_before if i not in common)
    assert change.attrs["only_after"] == ", ".join(i for i in ids_after if i not in common)
    pick_b = [ids_before.index(i) for i in common]
    pick_a = [ids_after.index(i) for i in common]
    b = [[_mean(before)[p][q] for q in pick_b] for p in pick_b]
    a = [[_mean(after)[p][q] for q in pick_a] for p in pick_a]
    for i in range(len(common)):
        for j in range(len(common)):
            d = a[i][j] - b[i][j]
            assert np.isnan(change["delta"].values[i, j]) == np.isnan(d)
            assert bool(change["moved"].values[i, j]) == (not np.isnan(d) and abs(d) >= 1 - TOL)
            was = not np.isnan(b[i][j]) and b[i][j] <= -1 + TOL
            now = not np.isnan(a[i][j]) and a[i][j] <= -1 + TOL
            assert bool(change["conflict_new"].values[i, j]) == (now and not was)
            assert bool(change["conflict_gone"].values[i, j]) == (was and not np.isnan(a[i][j]) and not now)
    t_b, t_a = _systemic(b), _systemic(a)
    np.testing.assert_allclose(change["systemic_before"].values, t_b, atol=1e-12)
    np.testing.assert_allclose(change["systemic_after"].values, t_a, atol=1e-12)
    assert change["rank_before"].values.tolist() == _ranks(t_b)
    assert change["rank_after"].values.tolist() == _ranks(t_a)
    assert change["rank_change"].values.tolist() == [x - y for x, y in zip(_ranks(t_b), _ranks(t_a), strict=True)]


def test_two_assessments_with_fewer_than_two_targets_in_common_are_refused():
    a = from_array(np.array([[np.nan, 1], [2, np.nan]]), ["1.1", "1.2"])
    b = from_array(np.array([[np.nan, 1], [2, np.nan]]), ["1.2", "7.2"])
    with pytest.raises(ValidationError) as error:
        assessment_change(a, b)
    assert "för få delmål gemensamt" in error.value.words("sv") and "1" in error.value.words("sv")


@pytest.fixture(scope="module")
def earlier(tmp_path_factory):
    """SEI's Sweden matrix with 40 cells moved by one or two steps (clipped to the scale): a previous year."""
    sweden = load_dataset("weitz2018_sweden")
    m = sweden["score"].copy()
    rng = np.random.default_rng(7)
    values = m.values.copy()
    cells = rng.choice(np.flatnonzero(~np.isnan(values)), 40, replace=False)
    values.flat[cells] = np.clip(values.flat[cells] + rng.choice([-2, -1, 1, 2], 40), -3, 3)
    m.values = values
    path = tmp_path_factory.mktemp("earlier") / "bedomning_2024.csv"
    write_matrix(m, path)
    return path


def test_the_section_says_the_counts_the_analysis_finds(earlier):
    now, then = load_dataset("weitz2018_sweden"), load_dataset(earlier)
    change = assessment_change(then, now)
    d = change["delta"].values
    moved = int(np.nansum(np.abs(d) >= 1))
    up, down = int(np.nansum(d >= 1)), int(np.nansum(d <= -1))
    section = since_previous(then, now, previous="bedomning_2024.csv")
    assert (section["data"]["moved"], section["data"]["up"], section["data"]["down"]) == (moved, up, down)
    first = section["paragraphs"][0]
    assert f"har {moved} av de 1\u00a0122 par" in first and f"{up} åt det främjande hållet och {down}" in first
    assert "(bedomning_2024.csv)" in first
    assert len(section["table"]["rows"]) == moved  # every moved pair, with both scores
    new = [(str(change["source"].values[i]), str(change["target"].values[j]))
           for i, j in zip(*np.nonzero(change["conflict_new"].values), strict=True)]
    assert sorted(section["data"]["conflicts_new"]) == sorted(new)
    gone = int(change["conflict_gone"].sum())
    said = " ".join(section["paragraphs"])
    assert ("inte längre målkonflikter" in said or "inte längre en målkonflikt" in said) == (gone > 0)
    top = sorted(range(34), key=lambda i: (int(change["rank_after"].values[i]), i))[:5]
    assert section["data"]["top"] == [str(change["node"].values[i]) for i in top]


def test_the_same_assessment_twice_changed_nothing():
    sweden = load_dataset("weitz2018_sweden")
    section = since_previous(sweden, sweden, previous="2025", lang="en")
    assert section["paragraphs"][0] == ("Compared with the previous assessment (2025), none of the 1,122 pairs both "
                                        "assessments scored changed by a step or more.")
    assert "No new goal conflicts, and none has gone." in section["paragraphs"] and section["table"] is None
    assert "hold the same place as before" in section["paragraphs"][1]


def test_compare_before_after_prints_the_section_and_refuses_half_of_it(earlier, capsys):
    assert main(["compare", "--before", str(earlier), "--after", "weitz2018_sweden"]) == 0
    out = capsys.readouterr().out
    expected = since_previous(load_dataset(earlier), load_dataset("weitz2018_sweden"), previous="bedomning_2024.csv")
    assert out.startswith("Sedan förra bedömningen") and f"har {expected['data']['moved']} av de" in out
    assert str(earlier.parent) not in out  # the file's name, never its folder
    assert main(["compare", "--before", str(earlier)]) == 2
    assert "--before och --after hör ihop" in capsys.readouterr().err
    assert main(["compare"]) == 2
    assert "ange två eller fler kommuners matriser" in capsys.readouterr().err


def test_a_previous_assessment_that_is_no_file_stops_the_report_at_once(tmp_path, capsys):
    code = main(["report", "--kommun", "Habo", "--previous", str(tmp_path / "saknas.csv"), "--output-dir",
                 str(tmp_path)])
    assert code == 2 and "saknas.csv" in capsys.readouterr().err and not list(tmp_path.glob("*.html"))


@pytest.mark.slow
def test_report_previous_gives_the_managers_the_section(earlier, tmp_path):
    code = main(["report", "--kommun", "Falköping", "--audience", "forvaltning", "--previous", str(earlier),
                 "--format", "html", "--output-dir", str(tmp_path)])
    assert code == 0
    page = (tmp_path / "1499_falkoping.html").read_text(encoding="utf-8")
    words = re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page)))
    expected = since_previous(load_dataset(earlier), load_dataset("weitz2018_sweden"),
                              previous="bedomning_2024.csv")
    assert "Sedan förra bedömningen" in words
    assert " ".join(expected["paragraphs"][0].split()) in words
