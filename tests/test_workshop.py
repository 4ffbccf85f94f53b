"""Planning a workshop: who scores which pairs, on SEI's 34 Swedish targets and on small cases."""

from __future__ import annotations

import json
from collections import Counter
from itertools import permutations

import pytest

from sdg_interactions.errors import InputFormatError, UnknownIdError, ValidationError
from sdg_interactions.frameworks import node_sort_key
from sdg_interactions.io import nodes_from
from sdg_interactions.io.workshop import (
    FORMAT_VERSION,
    Workshop,
    describe,
    plan_workshop,
    read_workshop,
    write_workshop,
)

SWEDEN = nodes_from("weitz2018_sweden")


def all_pairs(nodes):
    return set(permutations(nodes, 2))


def test_34_targets_even_over_6_people_give_every_pair_2_answers_balanced():
    ws = plan_workshop(list(reversed(SWEDEN)), respondents=6, by="even", overlap=2)
    assert ws.nodes == SWEDEN  # natural order whatever the input order
    assert ws.n_pairs == 1122 == len(all_pairs(SWEDEN))
    assert ws.respondents == ["R1", "R2", "R3", "R4", "R5", "R6"]
    counts = ws.answers()
    assert set(counts) == all_pairs(SWEDEN)
    assert set(counts.values()) == {2} and ws.answers_per_pair == 2
    sizes = [len(pairs) for pairs in ws.assignment.values()]
    assert sizes == [374] * 6  # 1122 · 2 / 6
    for pairs in ws.assignment.values():
        assert len(set(pairs)) == len(pairs)  # nobody scores a pair twice
        assert pairs == sorted(pairs, key=lambda p: (node_sort_key(p[0]), node_sort_key(p[1])))
    assert ws.minutes_per_respondent == pytest.approx(374 * 20 / 60)
    assert plan_workshop(SWEDEN, respondents=6, by="even") == ws  # deterministic


@pytest.mark.parametrize(("n_nodes", "people", "overlap"), [(34, 7, 2), (34, 5, 3), (5, 4, 2), (3, 8, 2), (4, 1, 2),
                                                             (6, 2, 2), (2, 3, 1)])
def test_even_is_balanced_and_reaches_the_overlap_whenever_there_are_enough_people(n_nodes, people, overlap):
    nodes = SWEDEN[:n_nodes]
    ws = plan_workshop(nodes, respondents=people, by="even", overlap=overlap)
    sizes = [len(pairs) for pairs in ws.assignment.values()]
    assert max(sizes) - min(sizes) <= 1
    assert min(sizes) >= 1  # nobody idles
    counts = ws.answers()
    assert set(counts) == all_pairs(nodes)
    assert min(counts.values()) >= min(overlap, people)
    assert all(len(set(pairs)) == len(pairs) for pairs in ws.assignment.values())


def test_by_rows_with_two_forvaltningar_gives_each_respondent_only_their_groups_rows():
    miljo, social = SWEDEN[::2], SWEDEN[1::2]
    groups = {"Miljöförvaltningen": miljo, "Socialförvaltningen": social}
    ws = plan_workshop(SWEDEN, respondents=6, by="rows", groups=groups, overlap=2)
    assert ws.members == {"Miljöförvaltningen": ["Miljöförvaltningen 1", "Miljöförvaltningen 2",
                                                 "Miljöförvaltningen 3"],
                          "Socialförvaltningen": ["Socialförvaltningen 1", "Socialförvaltningen 2",
                                                  "Socialförvaltningen 3"]}
    for group, people in ws.members.items():
        rows_of_group = Counter()
        for who in people:
            sources = {s for s, _ in ws.assignment[who]}
            assert sources <= set(groups[group]), who
            for source in sources:  # whole rows: every other node as target
                assert [t for s, t in ws.assignment[who] if s == source] == [t for t in SWEDEN if t != source]
            rows_of_group.update(sources)
        assert set(rows_of_group) == set(groups[group]) and set(rows_of_group.values()) == {2}
        row_counts = [len({s for s, _ in ws.assignment[who]}) for who in people]
        assert max(row_counts) - min(row_counts) <= 1  # 17 rows · 2 over 3 people: 12, 11, 11
    assert ws.answers_per_pair == 2 and set(ws.answers()) == all_pairs(SWEDEN)
    assert ws.minutes_per_respondent == pytest.approx(12 * 33 * 20 / 60)


def test_by_rows_takes_named_people_per_group_and_shares_people_by_rows():
    groups = {"A": SWEDEN[:30], "B": SWEDEN[30:]}
    ws = plan_workshop(SWEDEN, respondents=["anna", "bo", "cecilia", "david", "åsa"], groups=groups)
    assert ws.members == {"A": ["anna", "bo", "cecilia", "david"], "B": ["åsa"]}  # 30 rows against 4
    assert {s for s, _ in ws.assignment["åsa"]} == set(SWEDEN[30:])
    assert ws.answers_per_pair == 1  # B has one person only
    explicit = plan_workshop(SWEDEN, respondents={"B": ["bo", "åsa"], "A": ["anna"]}, groups=groups, overlap=2)
    assert explicit.members == {"A": ["anna"], "B": ["bo", "åsa"]}
    assert len(explicit.assignment["anna"]) == 30 * 33
    assert {s for s, _ in explicit.assignment["bo"]} == {s for s, _ in explicit.assignment["åsa"]} == set(SWEDEN[30:])


def test_by_rows_without_groups_deals_whole_rows():
    ws = plan_workshop(SWEDEN, respondents=5)
    rows = {who: {s for s, _ in pairs} for who, pairs in ws.assignment.items()}
    assert [len(r) for r in rows.values()] == [14, 14, 14, 13, 13]  # 34 rows · 2 over 5
    assert all(len(pairs) == 33 * len(rows[who]) for who, pairs in ws.assignment.items())
    assert ws.answers_per_pair == 2 and ws.groups == {} and ws.members == {}
    assert list(plan_workshop(SWEDEN[:3], respondents=12).assignment)[:2] == ["R01", "R02"]


def test_describe_in_swedish_and_english():
    ws = plan_workshop(SWEDEN, respondents=6, by="even", overlap=2, seconds_per_pair=10)
    assert describe(ws) == ("34 delmål ger 1 122 par; med 6 deltagare och minst 2 svar per par tar det omkring "
                            "62 minuter per person.")
    assert describe(ws, "en") == ("34 targets give 1,122 pairs; with 6 participants and at least 2 answers per "
                                  "pair it takes about 62 minutes per person.")
    grouped = plan_workshop(SWEDEN, respondents=6, groups={"A": SWEDEN[:17], "B": SWEDEN[17:]})
    assert describe(grouped) == ("34 delmål ger 1 122 par; 2 grupper bedömer var och en sina egna rader, med 6 "
                                 "deltagare och minst 2 svar per par, vilket tar upp till 132 minuter per person.")
    assert "2 groups each score their own rows" in describe(grouped, "en")
    assert describe(plan_workshop(["1.1", "MKM-1", "FH-2"], respondents=2), "en").startswith("3 targets give 6 pairs")
    with pytest.raises(ValidationError, match="'de'"):
        describe(ws, "de")


@pytest.mark.parametrize(
    ("nodes", "options", "error", "pattern"),
    [
        (["1.1", "1.20"], {}, UnknownIdError, r"column 'nodes': .*'1\.20'\. Valid: an SDG target"),
        (["1.1", 1.2], {}, UnknownIdError, r"target ids must be text"),
        (["1.1", " 1.1"], {}, ValidationError, r"listed twice: '1\.1'\. Valid: each target once"),
        (["1.1"], {}, ValidationError, r"at least two targets: '1'\. Valid: two or more"),
        ("1.1,1.2", {}, ValidationError, r"must be a list of target ids: '1\.1,1\.2'"),
        (SWEDEN, {"respondents": 0}, ValidationError, r"at least one respondent: '0'\. Valid: 1 or more"),
        (SWEDEN, {"respondents": "anna"}, ValidationError, r"a number or a list of names: 'anna'"),
        (SWEDEN, {"respondents": ["anna", "anna"]}, ValidationError, r"listed twice: 'anna'"),
        (SWEDEN, {"respondents": ["anna", " "]}, ValidationError, r"needs a name: ' '\. Valid: a non-empty"),
        (SWEDEN, {"by": "columns"}, ValidationError, r"'columns'\. Valid: rows, even"),
        (SWEDEN, {"overlap": 0}, ValidationError, r"overlap .*: '0'\. Valid: 1, 2, 3"),
        (SWEDEN, {"overlap": 1.5}, ValidationError, r"overlap .*: '1\.5'"),
        (SWEDEN, {"seconds_per_pair": -5}, ValidationError, r"positive number: '-5'\. Valid: seconds"),
        (SWEDEN, {"by": "even", "groups": {"A": SWEDEN}}, ValidationError, r"groups share out rows: 'even'"),
        (SWEDEN, {"groups": {"A": SWEDEN[:30]}}, ValidationError,
         r"belong to no group: '16\.4, 16\.6, 17\.11, 17\.13'\. Valid: every target in one group"),
        (SWEDEN, {"groups": {"A": SWEDEN, "B": ["1.3"]}}, ValidationError,
         r"target 1\.3 is in two groups, 'A' and 'B'"),
        (SWEDEN, {"groups": {"A": [*SWEDEN, "7.1"]}}, ValidationError, r"not in the workshop: '7\.1'\. Valid: one of"),
        (SWEDEN, {"groups": {"A": SWEDEN, "B": []}}, ValidationError, r"group 'B' has no targets"),
        (SWEDEN, {"respondents": 1, "groups": {"A": SWEDEN[:3], "B": SWEDEN[3:]}}, ValidationError,
         r"2 groups need at least one respondent each: '1'\. Valid: 2 or more"),
        (SWEDEN, {"respondents": {"A": ["anna"]}}, ValidationError, r"respondents by group need groups"),
        (SWEDEN, {"respondents": {"A": ["anna"], "C": ["bo"]}, "groups": {"A": SWEDEN[:3], "B": SWEDEN[3:]}},
         ValidationError, r"same groups as groups: 'A, C'\. Valid: the groups A, B"),
    ],
)
def test_bad_plans_name_the_value_and_what_is_valid(nodes, options, error, pattern):
    options = {"respondents": 4, **options}
    with pytest.raises(error, match=pattern) as info:
        plan_workshop(nodes, **options)
    assert "Valid:" in str(info.value)


def test_json_round_trip_keeps_everything(tmp_path):
    ws = plan_workshop(SWEDEN, respondents={"Miljö": ["Åsa", "Örjan"], "Social": ["Ängla"]},
                       groups={"Miljö": SWEDEN[:20], "Social": SWEDEN[20:]}, seconds_per_pair=25)
    path = tmp_path / "plan.json"
    write_workshop(ws, path)
    back = read_workshop(path)
    assert back == ws and isinstance(back, Workshop)
    raw = path.read_text(encoding="utf-8")
    assert "Örjan" in raw  # UTF-8 as is
    data = json.loads(raw)
    assert data["format_version"] == FORMAT_VERSION == 1
    assert (data["n_pairs"], data["minutes_per_respondent"]) == (1122, ws.minutes_per_respondent)
    even = plan_workshop(SWEDEN[:5], respondents=3, by="even", overlap=1)
    write_workshop(even, path)  # replaces the file
    assert read_workshop(path) == even
    assert not list(tmp_path.glob(".*tmp"))
    with pytest.raises(InputFormatError, match=r"nowhere.*plan\.json: no such folder\. Valid: a path in an"):
        write_workshop(even, tmp_path / "nowhere" / "plan.json")


def rewrite(path, **changes):
    data = json.loads(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


@pytest.mark.parametrize(
    ("change", "error", "pattern"),
    [
        ({"format_version": 2}, InputFormatError, r"unknown format_version: '2'\. Valid: 1 to 1"),
        ({"format": "something"}, InputFormatError, r"not a workshop plan: 'something'"),
        ({"overlap": "2"}, InputFormatError, r"key 'overlap' has the wrong type: '2'\. Valid: a JSON int"),
        ({"nodes": ["1.1", "1.99", "1.3"]}, UnknownIdError, r"column 'nodes': .*'1\.99'"),
        ({"nodes": ["1.3", "1.1", "1.2"]}, ValidationError, r"not in natural order: '1\.3, 1\.1, 1\.2'"),
        ({"by": "diagonal"}, ValidationError, r"column 'by': unknown way .*'diagonal'"),
        ({"assignment": {"R1": [["1.1", "1.1"]]}}, ValidationError, r"not one of the workshop's: '1\.1 -> 1\.1'"),
        ({"assignment": {"R1": [["1.1", "7.2"]]}}, ValidationError, r"not one of the workshop's: '1\.1 -> 7\.2'"),
        ({"assignment": {"R1": [["1.1", "1.2"], ["1.1", "1.2"]]}}, ValidationError, r"'R1' has a pair twice"),
        ({"assignment": {"R1": [["1.1"]]}}, InputFormatError, r"not \[source, target\]: \"\['1\.1'\]\""),
        ({"members": {"A": ["R1"]}}, ValidationError, r"members must name the same groups as groups: 'A'"),
    ],
)
def test_reading_a_bad_plan_names_the_file_the_value_and_what_is_valid(tmp_path, change, error, pattern):
    path = tmp_path / "plan.json"
    write_workshop(plan_workshop(["1.1", "1.2", "1.3"], respondents=2), path)
    rewrite(path, **change)
    with pytest.raises(error, match=pattern) as info:
        read_workshop(path)
    assert "plan.json" in str(info.value) and "Valid:" in str(info.value)


def test_reading_what_is_no_plan(tmp_path):
    path = tmp_path / "plan.json"
    with pytest.raises(InputFormatError, match=r"plan\.json: no such file"):
        read_workshop(path)
    path.write_text('{"format": "sdg_interactions workshop",\n "nodes": [1.1,', encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"plan\.json, line 2: not JSON"):
        read_workshop(path)
    path.write_bytes(b'{"format": "\xe5"}')
    with pytest.raises(InputFormatError, match=r"not UTF-8"):
        read_workshop(path)
    path.write_text('{"format": "sdg_interactions workshop", "format_version": 1}', encoding="utf-8")
    with pytest.raises(InputFormatError, match=r"missing key 'by'\. Valid: the keys by, overlap"):
        read_workshop(path)
