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
    assert first.startswith("Förra bedömningen är ”bedomning_2024.csv”. Jämfört med den har")
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
    assert section["paragraphs"][0] == ("The previous assessment is “2025”. Compared with it, none of the 1,122 pairs "
                                        "both assessments scored changed by a step or more.")
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


# --- several respondents: split answers, the gone conflicts grouped, the previous assessment named ---------


def _answers(data):
    """Each pair's answers (NaN skipped) by plain loops: {(source, target): [answers]}."""
    cube = data["score"].transpose("respondent", "source", "target").values
    ids = [str(v) for v in data["source"].values]
    return {(ids[i], ids[j]): [float(v) for v in cube[:, i, j] if not np.isnan(v)]
            for i in range(len(ids)) for j in range(len(ids)) if i != j}


def _split_oracle(answers):
    """Someone > 0 and someone < 0, or an interquartile range of 2 or more."""
    if not answers:
        return False
    q75, q25 = np.percentile(answers, [75, 25])
    return (any(a > 0 for a in answers) and any(a < 0 for a in answers)) or q75 - q25 >= 2


def _depth(sentence):
    depth = deepest = 0
    for ch in sentence:
        depth += {"(": 1, ")": -1}.get(ch, 0)
        deepest = max(deepest, depth)
    return deepest


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_with_several_respondents_the_split_pairs_and_the_gone_conflicts_are_said(lang):
    from sdg_interactions.report.change_section import assessment_name
    from sdg_interactions.report.wording import count_word

    earlier, now = load_dataset("weitz2018_sweden"), load_dataset("synthetic_respondents")
    before = earlier["score"]
    ids = [str(v) for v in before["source"].values]
    answers = _answers(now)
    mean = {pair: sum(a) / len(a) for pair, a in answers.items() if a}
    where = {node: k for k, node in enumerate(ids)}
    gone = [pair for pair, m in mean.items() if before.values[where[pair[0]], where[pair[1]]] <= -1 < m]
    near = [pair for pair in gone if mean[pair] < 0]
    assert (len(gone), len(near)) == (16, 15)  # the reader's count: 15 only moved to between −1 and 0
    section = since_previous(earlier, now, previous=assessment_name(earlier, "weitz2018_sweden", lang), lang=lang)
    assert sorted(section["data"]["conflicts_gone"]) == sorted(gone)
    assert sorted(section["data"]["gone_near"]) == sorted(near)
    first = section["paragraphs"][0]
    assert "Stockholm Environment Institute (SEI)" in first and _depth(first) == 1
    paragraph = next(p for p in section["paragraphs"] if "16" in p and ("målkonflikter" in p or "goal conflicts" in p))
    if lang == "sv":
        assert paragraph.startswith(f"Totalt 16 par är inte längre målkonflikter: 15 av dem ligger nu mellan −1 och 0, "
                                    f"alltså strax över gränsen, och {count_word(1)} på 0 eller mer.")
    else:
        assert paragraph.startswith("In all, 16 pairs are no longer goal conflicts: 15 of them now lie between −1 "
                                    "and 0, just above the line, and one at 0 or more.")
    # one gone conflict moved a whole step; the 15 others moved less, to means between −11/12 and −9/12: shown
    # −0,9 and −0,8, so none of them is singled out as "largest" (the reader saw three ties named as such)
    whole = [pair for pair in gone if mean[pair] - before.values[where[pair[0]], where[pair[1]]] >= 1]
    rest = sorted(mean[pair] for pair in gone if pair not in whole)
    assert whole == [("7.2", "15.5")] and len(rest) == 15
    assert abs(rest[0] + 11 / 12) < 1e-9 and abs(rest[-1] + 0.75) < 1e-9
    if lang == "sv":
        assert "Bara ett av dem har ändrats ett helt steg eller mer: 7.2 → 15.5 från −1 till +0,3. De övriga 15 har " \
               "rört sig mindre än ett steg (nu −0,9 till −0,8)." in paragraph
        assert "Störst" not in " ".join(section["paragraphs"])
        assert section["paragraphs"][1].startswith("Det gäller 2.4 (")  # both moved pairs, none "largest"
    else:
        assert "Only one of them changed by a whole step or more: 7.2 → 15.5 from −1 to +0.3. The other 15 moved " \
               "by less than a step (now −0.9 to −0.8)." in paragraph
        assert "Largest" not in " ".join(section["paragraphs"])
    split = [pair for pair in answers if _split_oracle(answers[pair])]
    assert sorted(split) == sorted([("12.1", "8.5"), ("16.6", "9.4"), ("2.4", "6.6"), ("7.2", "15.5")])  # planted
    moved = {pair for pair, m in mean.items() if abs(m - before.values[where[pair[0]], where[pair[1]]]) >= 1}
    assert moved == {("2.4", "6.6"), ("7.2", "15.5")} and section["data"]["moved_split"] == 2
    disagree = "De svarande är oeniga om" if lang == "sv" else "The respondents disagree on"
    both = " 2.4 → 6.6 och 7.2 → 15.5:" if lang == "sv" else " 2.4 → 6.6 and 7.2 → 15.5:"
    assert disagree + both in section["paragraphs"][1]
    assert disagree + " 7.2 → 15.5:" in paragraph  # the one split pair among the three gone ones named
    yes = "ja" if lang == "sv" else "yes"
    assert section["table"]["columns"][-1] == ("Svarande oeniga" if lang == "sv" else "Respondents disagree")
    assert [row[-1] for row in section["table"]["rows"]] == [yes, yes]


def test_one_matrix_has_no_split_pairs_and_its_gone_conflicts_all_cleared(earlier):
    now, then = load_dataset("weitz2018_sweden"), load_dataset(earlier)
    section = since_previous(then, now, previous="bedomning_2024.csv")
    said = " ".join(section["paragraphs"])
    assert "oeniga" not in said and len(section["table"]["columns"]) == 4
    b, a = then["score"].values, now["score"].values
    gone = sum(1 for i in range(34) for j in range(34) if i != j and b[i, j] <= -1 < a[i, j])
    assert gone == len(section["data"]["conflicts_gone"]) and section["data"]["gone_near"] == []
    if gone > 1:
        assert "alla ligger nu på 0 eller mer" in said


def test_the_levers_that_all_keep_their_place_are_said_so_once():
    earlier, now = load_dataset("weitz2018_sweden"), load_dataset("synthetic_respondents")
    then_rank = _ranks(_systemic(earlier["score"].values.tolist()))
    now_rank = _ranks(_systemic(_mean(now["score"].transpose("respondent", "source", "target")).tolist()))
    top = sorted(range(34), key=lambda i: (now_rank[i], i))[:5]
    assert all(now_rank[i] == then_rank[i] for i in top)  # the reader's case: every one in its place
    section = since_previous(earlier, now, previous="2018")
    said = " ".join(section["paragraphs"])
    assert "Alla fem starkaste hävstängerna har samma plats som förut." in said
    assert "Av de fem starkaste" not in said


def test_changes_tied_as_shown_are_never_called_the_largest():
    ids = ["1.1", "1.2", "1.3", "1.4"]
    b = np.zeros((4, 4))
    np.fill_diagonal(b, np.nan)
    a = b.copy()
    # one pair moves 3 steps, three pairs 2 steps, one pair 1 step: the three largest would cut into a tie
    for (i, j), step in {(0, 1): 3, (0, 2): 2, (1, 3): 2, (2, 0): -2, (3, 2): 1}.items():
        a[i, j] = step
    section = since_previous(from_array(b, ids), from_array(a, ids), previous="2025")
    moves = sorted((abs(a[i, j] - b[i, j]) for i in range(4) for j in range(4) if i != j), reverse=True)
    assert moves[:5] == [3, 2, 2, 2, 1] and moves[2] == moves[3]
    assert section["paragraphs"][1].startswith("Störst ändring: 1.1 (") and \
        section["paragraphs"][1].endswith("från 0 till +3.") and section["paragraphs"][1].count(" → ") == 1
    a[0, 1] = 2  # now four pairs move two steps: none stands out
    section = since_previous(from_array(b, ids), from_array(a, ids), previous="2025", lang="en")
    assert section["paragraphs"][1] == "No change is larger than the others as shown; the table lists them all."
    assert len(section["table"]["rows"]) == 5


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_changes_to_invented_answers_are_said_to_be_how_the_example_was_made(lang):
    """The reader: the invented example was built from the national matrix, so its "changes" are how it was made."""
    earlier, now = load_dataset("weitz2018_sweden"), load_dataset("synthetic_respondents")
    named = since_previous(earlier, now, previous="2018", kommun="1401", lang=lang)["paragraphs"][0]
    plain = since_previous(earlier, now.assign_attrs(synthetic=0), previous="2018", lang=lang)["paragraphs"][0]
    if lang == "sv":
        said = ("Exemplet är påhittat utifrån den nationella bedömningen, så ändringarna nedan visar bara hur "
                "avsnittet ser ut, inte att något har ändrats i Härryda.")
    else:
        said = ("The example is invented from the national assessment, so the changes below only show what the "
                "section looks like, not that anything has changed in Härryda.")
    assert named == said + " " + plain and not plain.startswith(said[:20])
    unnamed = since_previous(earlier, now, previous="2018", lang=lang)["paragraphs"][0]
    assert unnamed.startswith(said.replace("Härryda", "kommunen" if lang == "sv" else "the municipality"))
    # real data on both sides: no such sentence
    assert not since_previous(earlier, earlier, previous="2018", kommun="Härryda",
                              lang=lang)["paragraphs"][0].startswith(said[:20])
