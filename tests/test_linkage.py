"""Linkage tables (frameworks.linkage), the projection onto objectives (analysis.projection), its chart."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import xarray as xr

from sdg_interactions.analysis import propagate, sdg_synergies
from sdg_interactions.analysis.projection import PROJECTION_VARIABLES, project_onto
from sdg_interactions.errors import UnknownDatasetError, UnknownIdError, ValidationError
from sdg_interactions.frameworks import datasets_dir, framework_of, register_from_table, unregister
from sdg_interactions.frameworks.linkages import BUNDLED_LINKAGES, LINKAGE_COLUMNS, check_linkage, linkage
from sdg_interactions.matrix import from_array

SWEDEN = "matrices/weitz2018_sweden.csv"
REF = re.compile(r"(?P<file>[\w/]+\.csv) \(id (?P<id>[^,]+), (?P<column>\w+)\)")


def bundled_csv(name: str) -> pd.DataFrame:
    return pd.read_csv(datasets_dir() / name, dtype=str, keep_default_na=False)


def raw(name: str) -> pd.DataFrame:
    return bundled_csv(BUNDLED_LINKAGES[name])


def table(**columns) -> pd.DataFrame:
    base = {"sdg_target": ["6.6", "7.2"], "objective": ["MKM-8", "MKM-1"], "score": ["3", "2"],
            "reason": ["sjöar", "förnybart"], "source": ["", ""]}
    base.update(columns)
    return pd.DataFrame(base)


# --- the bundled proposals ----------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(BUNDLED_LINKAGES))
def test_every_bundled_row_is_valid_and_quoted_from_the_texts(name):
    rows = raw(name)
    assert list(rows.columns[:5]) == ["sdg_target", "objective", "score", "reason", "reason_en"]
    assert set(LINKAGE_COLUMNS) | {"passage", "status"} <= set(rows.columns)
    checked = linkage(name)
    assert len(checked) == len(rows)
    assert all(framework_of(t) == "sdg_target" for t in checked["sdg_target"])
    assert set(map(framework_of, checked["objective"])) == {name}
    assert checked["score"].between(-3, 3).all() and (checked["score"] != 0).all()
    for column in ("reason", "reason_en", "passage", "source"):
        assert (checked[column].str.strip() != "").all(), column
    assert (rows["status"].str.contains("förslag / proposal")).all()
    texts = {}
    for row in rows.itertuples():
        refs = REF.findall(row.source)
        assert refs and refs[0][0] == "sdg_targets_sv.csv" and refs[0][1] == row.sdg_target, row
        file, ident, column = refs[0]
        if file not in texts:
            texts[file] = bundled_csv(file).set_index("id")
        assert row.passage in texts[file].loc[ident, column], (row.sdg_target, row.objective, row.passage)
        objective_file, number, _ = refs[1]
        assert bundled_csv(objective_file)["id"].tolist().count(number) == 1
        assert row.objective.split("-")[1] == number


def test_negative_links_are_few_and_argued():
    rows = pd.concat([linkage(n) for n in BUNDLED_LINKAGES])
    negative = rows[rows["score"] < 0]
    assert 1 <= len(negative) <= 3
    assert negative["reason"].str.contains("motverkande").all()
    assert negative["reason_en"].str.contains("against").all()


@pytest.mark.parametrize(("name", "ids"), [("miljomal", [f"MKM-{k}" for k in range(1, 17)]),
                                          ("folkhalsomal", [f"FH-{k}" for k in range(1, 9)])])
def test_every_objective_is_reached_by_at_least_three_targets(name, ids):
    counts = linkage(name).groupby("objective")["sdg_target"].nunique()
    assert sorted(counts.index) == sorted(ids)  # MKM-0 and FH-0 are not linked
    assert (counts >= 3).all(), counts[counts < 3]


def test_most_targets_of_the_sweden_matrix_are_linked():
    sweden = set(bundled_csv(SWEDEN)["source"])
    linked = set(pd.concat([linkage(n) for n in BUNDLED_LINKAGES])["sdg_target"])
    assert len(sweden) == 34
    assert sweden - linked == {"9.5", "10.7", "17.11", "17.13"}


def test_bundled_tables_are_labelled_proposals():
    for name in BUNDLED_LINKAGES:
        attrs = linkage(name).attrs
        assert attrs["proposal"] is True and attrs["name"] == name
        assert attrs["title_sv"].startswith("Förslag från sdg_interactions")
        assert attrs["title_en"].startswith("Proposal by sdg_interactions")
        assert "Någon officiell tabell finns inte" in attrs["basis_sv"] and "No official table" in attrs["basis_en"]
    assert (datasets_dir() / "linkage" / "README.md").is_file()


def test_build_script_reproduces_the_files(tmp_path):
    import importlib.util

    spec = importlib.util.spec_from_file_location("build_linkage", datasets_dir() / "linkage" / "build_linkage.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name in BUNDLED_LINKAGES:
        rows = pd.DataFrame(module.build(name))
        pd.testing.assert_frame_equal(rows, raw(name)[rows.columns])


# --- the validator ------------------------------------------------------------------------------


@pytest.mark.parametrize(("change", "error", "parts"), [
    ({"score": ["3", "5"]}, ValidationError, ["egen.csv", "row 3", "'score'", "'5'", "Valid: a number from -3 to 3"]),
    ({"score": ["3", "två"]}, ValidationError, ["row 3", "'två'", "Valid:"]),
    ({"objective": ["MKM-8", "MKM-17"]}, UnknownIdError, ["row 3", "'objective'", "'MKM-17'", "Valid:"]),
    ({"objective": ["MKM-8", "6.5"]}, UnknownIdError, ["row 3", "'6.5'", "Valid:"]),
    ({"objective": ["MKM-8", "NOSUCH-1"]}, UnknownIdError, ["row 3", "'NOSUCH-1'", "Valid:"]),
    ({"sdg_target": ["6.6", "7.9"]}, UnknownIdError, ["row 3", "'sdg_target'", "'7.9'", "Valid:"]),
    ({"sdg_target": ["6.6", "MKM-2"]}, UnknownIdError, ["row 3", "'MKM-2'", "Valid: an SDG target"]),
    ({"sdg_target": ["6.6", "6.6"], "objective": ["MKM-8", "MKM-8"]}, ValidationError,
     ["row 3", "'6.6 → MKM-8'", "first in row 2", "Valid: each (sdg_target, objective) pair once"]),
    ({"reason": ["sjöar", " "]}, ValidationError, ["row 3", "'reason'", "'7.2 → MKM-1'", "Valid:"]),
])
def test_validator_names_file_row_column_and_value(change, error, parts):
    with pytest.raises(error) as info:
        check_linkage(table(**change), file="egen.csv")
    for part in parts:
        assert part in str(info.value), (part, str(info.value))


def test_validator_names_a_missing_or_unknown_column():
    with pytest.raises(ValidationError, match=r"egen.csv, column 'reason': a column is missing.*Valid: the columns"):
        check_linkage(table().drop(columns="reason"), file="egen.csv")
    with pytest.raises(ValidationError, match=r"column 'vikt': unknown column.*Valid: sdg_target"):
        check_linkage(table(vikt=["1", "2"]))


def test_validator_reads_a_swedish_minus_and_decimal_comma_and_canonicalises_ids():
    checked = check_linkage(table(score=["−1,5", " 2 "], objective=[" MKM-08", "MKM-1"]))
    assert checked["score"].tolist() == [-1.5, 2.0]
    assert checked["objective"].tolist() == ["MKM-8", "MKM-1"]
    assert checked["reason_en"].tolist() == ["", ""]


def test_objectives_of_a_registered_own_framework_are_valid():
    register_from_table(pd.DataFrame({"id": ["TESTKOM-1"], "label_sv": ["Klimat"], "label_en": [""],
                                      "group": ["Miljö"]}))
    try:
        checked = check_linkage(table(objective=["TESTKOM-1", "MKM-1"]))
        assert checked["objective"].tolist() == ["TESTKOM-1", "MKM-1"]
    finally:
        unregister("TESTKOM")


def test_unknown_name_says_what_is_valid():
    with pytest.raises(UnknownDatasetError, match=r"'miljömål'.*Valid: 'miljomal', 'folkhalsomal'"):
        linkage("miljömål")


def test_a_users_csv_replaces_the_bundled_one(tmp_path):
    path = tmp_path / "egen_koppling.csv"
    path.write_text("sdg_target;objective;score;reason;source\n6.6;MKM-8;1;vår bedömning;kommunens PM\n"
                    "3.4;FH-6;2;levnadsvanor;\n", encoding="cp1252")
    own = linkage(path)
    assert own.attrs["proposal"] is False and own.attrs["source_file"] == "egen_koppling.csv"
    assert own.attrs["title_sv"] == "Egen koppling: egen_koppling.csv"
    assert own["reason"].tolist() == ["vår bedömning", "levnadsvanor"]
    m = from_array(np.array([[np.nan, 3.0], [0.0, np.nan]]), ["3.4", "6.6"])
    projected = project_onto(propagate(m, ["3.4"]), path)
    assert projected["objective"].values.tolist() == ["MKM-8", "FH-6"]
    assert projected["effect_pos"].values.tolist() == [1.0, 0.0]  # 6.6 gets 3 from 3.4; 3 · 1 / 3
    assert projected.attrs["linkage_status"] == "user"
    bad = tmp_path / "fel.csv"
    bad.write_text("sdg_target,objective,score,reason,source\n6.6,MKM-8,1,ok,\n6.6,MKM-9,4,x,\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"fel.csv, row 3, column 'score'.*'4'"):
        linkage(bad)


# --- the projection -----------------------------------------------------------------------------


def hand_linkage() -> pd.DataFrame:
    return pd.DataFrame({"sdg_target": ["1.1", "1.2", "1.2", "1.3", "1.3"],
                         "objective": ["MKM-1", "MKM-1", "FH-2", "FH-2", "MKM-4"],
                         "score": [3, 1.5, 2, -1, 0.5], "reason": list("abcde"), "source": [""] * 5})


def test_projection_of_a_hand_made_result_gives_the_hand_computed_numbers():
    result = xr.Dataset({"systemic": ("node", [2.0, -4.0, 6.0, 9.0])},
                        coords={"node": ["1.1", "1.2", "1.3", "2.1"]})  # 2.1 has no link: contributes 0
    p = project_onto(result, hand_linkage())
    assert list(p.data_vars) == list(PROJECTION_VARIABLES)
    assert p["objective"].values.tolist() == ["MKM-1", "MKM-4", "FH-2"]
    # MKM-1: 2·3/3 = 2 (+), −4·1.5/3 = −2 (−); MKM-4: 6·0.5/3 = 1; FH-2: −4·2/3 (−), 6·(−1)/3 = −2 (−)
    np.testing.assert_allclose(p["effect_pos"], [2.0, 1.0, 0.0])
    np.testing.assert_allclose(p["effect_neg"], [-2.0, 0.0, -8 / 3 - 2])
    np.testing.assert_allclose(p["effect_net"], [0.0, 1.0, -8 / 3 - 2])
    assert p["n_linked"].values.tolist() == [2, 1, 2]
    assert p["n_links"].values.tolist() == [2, 1, 2]
    assert p["label_sv"].values.tolist()[:2] == ["Begränsad klimatpåverkan", "Giftfri miljö"]
    assert p.attrs["variable"] == "systemic" and p.attrs["linkage_status"] == "user"


def test_projection_counts_only_the_results_nodes_as_linked():
    result = xr.Dataset({"systemic": ("node", [1.0])}, coords={"node": ["1.1"]})
    p = project_onto(result, hand_linkage())
    assert p["n_linked"].values.tolist() == [1, 0, 0]
    assert p["n_links"].values.tolist() == [2, 1, 2]


def test_projection_of_propagate_keeps_positive_and_negative_apart():
    m = from_array(np.array([[np.nan, 3.0, -2.0], [1.0, np.nan, 0.0], [-1.0, 2.0, np.nan]]), ["1.1", "1.2", "1.3"])
    effects = propagate(m, ["1.1"])
    p = project_onto(effects, hand_linkage())
    assert p.attrs["variable"] == "effect_pos, effect_neg"
    pos, neg = effects["effect_pos"].values, effects["effect_neg"].values
    # by hand, with the links above: a negative link (1.3 → FH-2) swaps the parts
    mkm1 = (pos[0] * 3 + pos[1] * 1.5, neg[0] * 3 + neg[1] * 1.5)
    fh2 = (pos[1] * 2 + neg[2] * -1, neg[1] * 2 + pos[2] * -1)
    np.testing.assert_allclose(p["effect_pos"].sel(objective="MKM-1"), mkm1[0] / 3)
    np.testing.assert_allclose(p["effect_neg"].sel(objective="MKM-1"), mkm1[1] / 3)
    np.testing.assert_allclose(p["effect_pos"].sel(objective="FH-2"), fh2[0] / 3)
    np.testing.assert_allclose(p["effect_neg"].sel(objective="FH-2"), fh2[1] / 3)
    assert (p["effect_pos"] >= 0).all() and (p["effect_neg"] <= 0).all()
    assert float(p["effect_neg"].sum()) < 0  # the conflict is not netted away
    net = project_onto(effects, hand_linkage(), variable="effect_net")["effect_net"]
    np.testing.assert_allclose(net, p["effect_net"])


def test_projection_is_vectorised_over_a_leading_dim():
    values = np.array([[[np.nan, 3, -2], [1, np.nan, 0], [-1, 2, np.nan]],
                       [[np.nan, 1, 1], [-3, np.nan, 2], [0, -1, np.nan]]], dtype=float)
    m = from_array(values, ["1.1", "1.2", "1.3"], respondents=["A", "B"])
    for result in (sdg_synergies(m), propagate(m, ["1.2"])):
        both = project_onto(result, hand_linkage())
        assert both["effect_pos"].dims == ("respondent", "objective")
        for who in ("A", "B"):
            one = project_onto(result.sel(respondent=who), hand_linkage())
            for name in ("effect_pos", "effect_neg", "effect_net"):
                np.testing.assert_allclose(both[name].sel(respondent=who), one[name])


def test_projection_of_the_sweden_matrix_onto_the_proposals():
    from sdg_interactions.io import load_matrix

    m = load_matrix("weitz2018_sweden")
    p = project_onto(sdg_synergies(m), "miljomal")
    assert p.attrs["linkage_status"] == "proposal" and p.attrs["citation"].startswith("Weitz")
    assert p.sizes["objective"] == 16 and int(p["n_linked"].min()) >= 1
    assert p["n_linked"].sel(objective="MKM-1").item() == 8  # 7.2, 7.3, 8.4, 9.4, 11.2, 12.1, 13.2, 15.2


def test_projection_errors_say_what_is_valid():
    result = xr.Dataset({"a": ("node", [1.0]), "b": ("node", [2.0])}, coords={"node": ["1.1"]})
    with pytest.raises(ValidationError, match=r"say which variable.*Valid: a variable of the result on .node. \(a, b"):
        project_onto(result, hand_linkage())
    with pytest.raises(ValidationError, match=r"'c'.*Valid:"):
        project_onto(result, hand_linkage(), variable="c")
    with pytest.raises(ValidationError, match="per-node result"):
        project_onto(xr.Dataset({"a": ("x", [1.0])}), hand_linkage())


# --- the chart ----------------------------------------------------------------------------------


def test_chart_labels_objectives_and_says_the_linkage_is_a_proposal():
    from sdg_interactions.io import load_matrix
    from sdg_interactions.plots import rows_of
    from sdg_interactions.plots.projection import objective_effects

    m = load_matrix("weitz2018_sweden")
    p = project_onto(propagate(m, ["7.2", "13.2"]), "folkhalsomal")
    for lang, word in (("sv", "förslag"), ("en", "proposal")):
        spec = objective_effects(p, lang=lang).to_dict()
        subtitle = " ".join(spec["title"]["subtitle"])
        assert word in subtitle and "Weitz" in subtitle and "Folkhälsomyndigheten" in subtitle
        rows = rows_of(spec, spec["data"]["name"])
        assert len(rows) == 2 * 8
        names = {r["objective"]: r["name"] for r in rows}
        assert names["FH-3"].startswith("FH-3 Arbete" if lang == "sv" else "PHA 3 Work")
        values = {(r["objective"], r["part"]): r["value"] for r in rows}
        # the bars are the mean per linked target (as the report's text compares them); the sums with per_target=False
        fh4 = p.sel(objective="FH-4")
        assert values["FH-4", "effect_neg"] == pytest.approx(float(fh4["effect_neg"]) / int(fh4["n_linked"]))
        sums = rows_of(*(lambda s: (s, s["data"]["name"]))(objective_effects(p, lang=lang, per_target=False).to_dict()))
        assert {(r["objective"], r["part"]): r["value"] for r in sums}["FH-4", "effect_neg"] == pytest.approx(
            float(fh4["effect_neg"]))
    own = project_onto(propagate(m, ["7.2"]), table())
    subtitle = " ".join(objective_effects(own, lang="en").to_dict()["title"]["subtitle"])
    assert "proposal" not in subtitle and "Own linkage" in subtitle


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_chart_of_invented_answers_cites_its_title_in_the_language_and_a_report_can_drop_it(lang):
    from sdg_interactions.io import load_dataset
    from sdg_interactions.plots.base import without_source_line
    from sdg_interactions.plots.projection import objective_effects
    from sdg_interactions.report.framework_sections import objectives_projection

    data = load_dataset("synthetic_respondents")
    p = xr.concat(objectives_projection(data, priorities=["7.2"]), dim="objective", combine_attrs="override")
    chart = objective_effects(p, lang=lang)
    spec = chart.to_dict()
    subtitle = spec["title"]["subtitle"]
    n = spec["usermeta"]["sdg_interactions"]["source_lines"]
    title = data.attrs[f"title_{lang}"]
    # the source line: the matrix's title in the chart's language, never the English note with a path and seed
    assert n >= 1 and " ".join(subtitle[:n]) == ("Källa: " if lang == "sv" else "Source: ") + title
    said = " ".join(subtitle)
    assert "build_synthetic" not in said and "seed" not in said and ("SYNTHETIC" in said) == (lang == "en")
    # the report sets its own source line under the figure: the chart's own goes, the proposal note stays first
    kept = without_source_line(chart).to_dict()["title"]["subtitle"]
    assert kept == subtitle[n:] and kept[0].startswith("Kopplingen delmål → mål" if lang == "sv" else "The target")
    # the axis says in words what a bar measures, no formula
    axis = spec["layer"][0]["encoding"]["x"]["title"]
    assert axis == ("effekt per kopplat delmål" if lang == "sv" else "effect per linked target")
