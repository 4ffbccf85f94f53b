"""Tests of sdg_interactions.frameworks: the bundled tables, node ids, kommun lookup, bundled matrices."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from sdg_interactions import frameworks as fw
from sdg_interactions.errors import UnknownDatasetError, UnknownIdError, UnknownKommunError, ValidationError

# --- tables -------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_counts_and_ids(lang):
    assert fw.goals(lang)["id"].tolist() == [f"SDG-{n}" for n in range(1, 18)]
    assert len(fw.targets(lang)) == 169
    assert fw.miljomal(lang)["id"].tolist() == [f"MKM-{n}" for n in range(17)]
    assert fw.folkhalsomal(lang)["id"].tolist() == [f"FH-{n}" for n in range(9)]
    assert fw.mongolia_objectives(lang)["id"].tolist() == [f"MN-{n}" for n in range(1, 18)]
    for table in (fw.goals(lang), fw.targets(lang), fw.miljomal(lang), fw.folkhalsomal(lang)):
        assert (table["short"] != "").all()
        assert (table["title"] != "").all()


def test_targets_same_ids_in_both_languages_and_natural_order():
    sv, en = fw.targets("sv"), fw.targets("en")
    assert sv["id"].tolist() == en["id"].tolist()
    ids = sv["id"].tolist()
    assert ids[:12] == ["1.1", "1.2", "1.3", "1.4", "1.5", "1.a", "1.b", "2.1", "2.2", "2.3", "2.4", "2.5"]
    assert ids[-1] == "17.19"
    assert ids.index("17.9") < ids.index("17.10")
    assert sv.groupby("goal").size().to_dict()[17] == 19
    assert set(sv["target_type"]) == {"outcome", "means_of_implementation"}
    assert sv.set_index("id").loc["14.a", "target_type"] == "means_of_implementation"


def test_target_texts():
    sv = fw.targets("sv").set_index("id")
    en = fw.targets("en").set_index("id")
    assert sv.loc["5.5", "short"] == "Säkerställ fullt deltagande för kvinnor i ledarskap och beslutsfattande"
    assert sv.loc["1.1", "title"].startswith("Senast 2030 avskaffa den extrema fattigdomen")
    assert en.loc["16.6", "short"] == "Effective institutions"  # Weitz et al. short name
    assert en.loc["13.3", "title"].startswith("Improve education, awareness-raising")
    # shortened titles: first clause, "By 2030, " dropped, at most 60 characters plus the ellipsis
    assert en.loc["1.1", "short"] == "Eradicate extreme poverty for all people everywhere…"
    assert en["short"].str.len().max() <= 60
    assert en["short"].str.endswith("…").sum() > 100


@pytest.mark.parametrize(
    ("goal", "layer", "five_p"),
    [(1, "society", "people"), (6, "biosphere", "planet"), (8, "economy", "prosperity"),
     (12, "economy", "planet"), (13, "biosphere", "planet"), (16, "society", "peace"),
     (17, "all", "partnership")],
)
def test_goal_layer_and_five_p(goal, layer, five_p):
    row = fw.goals("en").set_index("goal").loc[goal]
    assert (row["layer"], row["five_p"]) == (layer, five_p)
    assert row["id"] == f"SDG-{goal}"


def test_goal_labels_by_language():
    sv, en = fw.goals("sv").set_index("goal"), fw.goals("en").set_index("goal")
    assert sv.loc[13, "short"] == "Bekämpa klimatförändringarna"
    assert en.loc[13, "layer_label"] == "biosphere"
    assert sv.loc[13, "layer_label"] == "biosfär"
    assert sv.loc[16, "five_p_label"] == "fred"
    assert en.loc[16, "five_p_label"] == "peace"
    layers = fw.goals("en")["layer"].value_counts().to_dict()
    assert layers == {"society": 8, "biosphere": 4, "economy": 4, "all": 1}


def test_objectives():
    mkm = fw.miljomal("sv").set_index("id")
    assert mkm.loc["MKM-0", "kind"] == "generationsmal"
    assert mkm.loc["MKM-0", "title"].startswith("Det övergripande målet för miljöpolitiken")
    assert mkm.loc["MKM-16", "short"] == "Ett rikt växt- och djurliv"
    assert mkm.loc["MKM-16", "title"] == "Ett rikt växt- och djurliv"  # no definition: the name
    assert fw.miljomal("en").set_index("id").loc["MKM-7", "short"] == "Zero Eutrophication"
    fh = fw.folkhalsomal("sv").set_index("id")
    assert fh.loc["FH-1", "short"] == "Det tidiga livets villkor"
    assert fh.loc["FH-0", "title"].startswith("Att skapa samhälleliga förutsättningar")
    mn = fw.mongolia_objectives("en").set_index("id")
    assert mn.loc["MN-5", "short"] == "Tourism sector"
    assert mn.loc["MN-17", "short"] == "Leadership of civil service"


def test_kommuner_and_lan():
    k = fw.kommuner()
    assert len(k) == 290
    assert k["kommunkod"].is_unique
    assert k["kommunkod"].str.fullmatch(r"\d{4}").all()
    assert k.set_index("kommunkod").loc["0114", "lanskod"] == "01"
    assert k.groupby("lanskod").size().loc["14"] == 49
    lan = fw.lan()
    assert len(lan) == 21
    assert set(k["lanskod"]) == set(lan["lanskod"])


def test_tables_are_copies():
    for table, column in ((fw.kommuner(), "kommun"), (fw.goals(), "short"), (fw.targets("en"), "short"),
                          (fw.bundled_matrices(), "name")):
        table.loc[0, column] = "X"
    assert fw.kommuner().loc[0, "kommun"] == "Upplands Väsby"
    assert fw.goals().loc[0, "short"] == "Ingen fattigdom"


def test_unknown_language():
    with pytest.raises(ValidationError, match="de"):
        fw.goals("de")


# --- kommun lookup ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "code"),
    [("0643", "0643"), (643, "0643"), ("643", "0643"), (np.int64(114), "0114"), ("habo", "0643"),
     ("Habo", "0643"), ("håbo", "0305"), ("HÅBO", "0305"), ("falkoping", "1499"), ("Falköping", "1499"),
     ("Falköpings kommun", "1499"), ("falkopings kommun", "1499"), ("Upplands Väsby", "0114"),
     ("upplands vasby", "0114"), ("Upplands-Väsby", "0114"), ("upplands  bro", "0139"),
     ("  Göteborg ", "1480"), ("goteborg", "1480"), ("Malung", "2023"),
     # the names kommuner use for themselves, and the corrected full names
     ("Malmö stad", "1280"), ("malmo stad", "1280"), ("Göteborgs stad", "1480"), ("Göteborgs Stad", "1480"),
     ("Stockholms stad", "0180"), ("Borås stad", "1490"), ("Västerås stad", "1980"), ("Lidingö stad", "0186"),
     ("Region Gotland", "0980"), ("region gotland", "0980"), ("Gotlands kommun", "0980"),
     ("Falu kommun", "2080"), ("Kalix kommun", "2514"), ("Överkalix kommun", "2513"), ("Borås kommun", "1490")],
)
def test_find_kommun(query, code):
    row = fw.find_kommun(query)
    assert row["kommunkod"] == code
    assert row.name == code
    assert list(row.index) == list(fw.kommuner().columns)


@pytest.mark.parametrize(
    ("query", "listed"),
    [("Hàbo", ["Habo (0643)", "Håbo (0305)"]),
     ("Upplands", ["Upplands Väsby (0114)", "Upplands-Bro (0139)"])],
)
def test_find_kommun_ambiguous(query, listed):
    with pytest.raises(UnknownKommunError, match="several") as info:
        fw.find_kommun(query)
    message = str(info.value)
    assert repr(query) in message
    for name in listed:
        assert name in message


@pytest.mark.parametrize(
    ("query", "close"),
    [("Falkopping", "Falköping (1499)"), ("Götebrg", "Göteborg (1480)"), ("Upsala", "Uppsala (0380)")],
)
def test_find_kommun_no_match_lists_close_matches(query, close):
    with pytest.raises(UnknownKommunError, match="no kommun matches") as info:
        fw.find_kommun(query)
    assert query in str(info.value)
    assert close in str(info.value)


@pytest.mark.parametrize(
    "query", ["9999", 9999, "", "Atlantis", "0643; rm -rf /", "../kommuner.csv", 1.5, None, True, ["Habo"],
              "Region Skåne", "Atlantis stad", "stad", "Region"]
)
def test_find_kommun_errors(query):
    with pytest.raises(UnknownKommunError):
        fw.find_kommun(query)


def test_kommun_fullnames_follow_the_genitive_rule():
    from sdg_interactions.texts import genitive

    table = fw.kommuner().set_index("kommunkod")
    assert table.loc["2080", "kommun_fullname"] == "Falu kommun"
    assert table.loc[["2513", "2514", "1490"], "kommun_fullname"].tolist() == [
        "Överkalix kommun", "Kalix kommun", "Borås kommun"]
    irregular = {"Falun": "Falu kommun"}
    for name, full in zip(table["kommun"], table["kommun_fullname"], strict=True):
        # a name ending in a vowel takes no s ("Habo kommun"); others the genitive ("Kalix", "Falköpings")
        expected = f"{name if name[-1] in 'aeiouyåäöé' else genitive(name)} kommun"
        assert full == irregular.get(name, expected), name
        assert not full.removesuffix(" kommun").endswith(("ss", "xs", "zs")), name


# --- node ids -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("node_id", "canonical", "framework"),
    [("1.1", "1.1", "sdg_target"), ("1.a", "1.a", "sdg_target"), ("17.19", "17.19", "sdg_target"),
     (" 14.a ", "14.a", "sdg_target"), ("SDG-1", "SDG-1", "sdg_goal"), ("SDG-17", "SDG-17", "sdg_goal"),
     ("MKM-0", "MKM-0", "miljomal"), ("MKM-16", "MKM-16", "miljomal"), ("FH-0", "FH-0", "folkhalsomal"),
     ("FH-8", "FH-8", "folkhalsomal"), ("MN-1", "MN-1", "mongolia2017"), ("MN-17", "MN-17", "mongolia2017"),
     ("LULEA-3", "LULEA-3", "LULEA"), ("LULEA-03", "LULEA-3", "LULEA"), ("KÖPING_2030-0", "KÖPING_2030-0",
                                                                         "KÖPING_2030"),
     (np.str_("2.4"), "2.4", "sdg_target")],
)
def test_check_node_id_valid(node_id, canonical, framework):
    assert fw.check_node_id(node_id) == canonical
    assert fw.framework_of(node_id) == framework


@pytest.mark.parametrize(
    ("node_id", "problem"),
    [("1.20", "names no target"), ("18.1", "names no target"), ("1.z", "names no target"),
     ("17.20", "names no target"), ("0.1", "names no target"), ("1.1.1", "not a valid target id"),
     ("abc", "not a valid target id"), ("1,1", "not a valid target id"), ("1.A", "not a valid target id"),
     ("SDG-0", "SDG-1 to SDG-17"), ("SDG-18", "SDG-1 to SDG-17"), ("MKM-17", "MKM-0 to MKM-16"),
     ("FH-9", "FH-0 to FH-8"), ("MN-0", "MN-1 to MN-17"), ("lulea-3", "not a valid target id"),
     ("LULEA-", "not a valid target id"), ("LULEA-1.5", "not a valid target id"),
     ("-LULEA-1", "not a valid target id"), ("SDG 1", "not a valid target id"), ("=1+1", "not a valid target id")],
)
def test_check_node_id_invalid(node_id, problem):
    with pytest.raises(UnknownIdError, match=problem) as info:
        fw.check_node_id(node_id, file="workshop.csv", row=7, column="source")
    message = str(info.value)
    assert repr(node_id.strip()) in message
    assert message.startswith("workshop.csv, row 7, column 'source': ")
    # the valid forms are named: the ids of the framework the prefix belongs to (SDG-, MKM-, FH-, MN-), else all
    if " to " in problem:
        assert "Valid: one of its " in message and message.endswith(f" ids, {problem}.")
        assert "PREFIX-N" not in message
    else:
        assert "PREFIX-N" in message and "one of its" not in message


@pytest.mark.parametrize(("node_id", "problem"), [("", "not a valid target id"), ("   ", "not a valid target id"),
                                                  (None, "target id missing"), (np.nan, "target id missing")])
def test_check_node_id_blank(node_id, problem):
    with pytest.raises(UnknownIdError, match=problem):
        fw.check_node_id(node_id, row=3)


@pytest.mark.parametrize("node_id", [1.1, 1.10, 3, np.float64(2.4), True])
def test_check_node_id_numbers_are_refused(node_id):
    with pytest.raises(UnknownIdError, match="must be text") as info:
        fw.check_node_id(node_id, file="m.csv", row=2)
    assert "dtype=str" in str(info.value)
    assert str(node_id) in str(info.value)
    assert str(info.value).startswith("m.csv, row 2")


def test_node_sort_key_natural_order():
    ids = ["LULEA-10", "B-1", "MN-2", "FH-8", "MKM-16", "MKM-0", "SDG-10", "SDG-2", "17.19", "2.1", "1.b",
           "1.a", "1.10", "1.2", "1.1", "LULEA-9", "FH-0", "MN-17", "A-5"]
    assert sorted(ids, key=fw.node_sort_key) == [
        "1.1", "1.2", "1.10", "1.a", "1.b", "2.1", "17.19", "SDG-2", "SDG-10", "MKM-0", "MKM-16", "FH-0",
        "FH-8", "MN-2", "MN-17", "A-5", "B-1", "LULEA-9", "LULEA-10"]
    assert fw.node_sort_key("1.2") < fw.node_sort_key("1.10") < fw.node_sort_key("1.a")


def test_node_sort_key_orders_targets_like_the_table():
    ids = fw.targets()["id"].tolist()
    shuffled = list(np.random.default_rng(0).permutation(ids))
    assert sorted(shuffled, key=fw.node_sort_key) == ids


# --- node_info ----------------------------------------------------------------------------------


def test_node_info_mixed():
    ids = ["5.5", "SDG-5", "MKM-2", "FH-6", "MN-1", "LULEA-1", "1.a"]
    info = fw.node_info(ids)
    assert info.index.tolist() == ids
    assert info.index.name == "id"
    assert info["framework"].tolist() == [
        "sdg_target", "sdg_goal", "miljomal", "folkhalsomal", "mongolia2017", "LULEA", "sdg_target"]
    assert info["group"].tolist() == ["5", "SDG-5", "MKM", "FH", "MN", "LULEA", "1"]
    assert info.loc["5.5", "label_sv"] == (
        "Säkerställ fullt deltagande för kvinnor i ledarskap och beslutsfattande")
    assert info.loc["5.5", "label_en"] == "Women’s participation"
    assert info.loc["SDG-5", "label_sv"] == "Jämställdhet"
    assert info.loc["MKM-2", "label_en"] == "Clean Air"
    assert info.loc["FH-6", "label_sv"] == "Levnadsvanor"
    assert info.loc["MN-1", "label_sv"] == "Protection of water"  # no Swedish name: English
    own = info.loc["LULEA-1", ["label_sv", "label_en", "text_sv", "text_en"]].tolist()
    assert own == ["LULEA-1", "LULEA-1", "", ""]
    assert info.loc["1.a", "text_en"].startswith("Ensure significant mobilization of resources")


@pytest.fixture
def lulea():
    table = pd.DataFrame({"id": [" LULEA-2", "LULEA-10", "LULEA-1"],
                          "label_sv": ["Levande centrum", "", "Fossilfri stad"],
                          "label_en": ["", "Water", "Fossil-free city"], "group": ["Stad", "Natur", "Klimat"],
                          "text_en": ["", None, "A fossil-free city"]})
    framework = fw.register_from_table(table, title_sv="Luleås mål")
    yield framework
    fw.unregister("LULEA")


def test_a_registered_framework_gives_labels_groups_and_order(lulea):
    assert lulea.ids == ["LULEA-1", "LULEA-2", "LULEA-10"]
    info = fw.node_info(["LULEA-2", "LULEA-1", "MKM-2"])
    assert info.loc["LULEA-1"].tolist() == ["LULEA", "Klimat", "Fossilfri stad", "Fossil-free city", "",
                                            "A fossil-free city", ""]
    assert info.loc["LULEA-2", ["group", "label_sv", "label_en"]].tolist() == ["Stad", "Levande centrum",
                                                                               "Levande centrum"]
    assert info.loc["MKM-2", ["group", "label_sv", "label_en"]].tolist() == ["MKM", "Frisk luft", "Clean Air"]
    assert fw.framework_of("LULEA-10") == "LULEA" and fw.group_node("LULEA-10") == "Natur"
    with pytest.raises(UnknownIdError, match=r"'LULEA-3'.*LULEA-1, LULEA-2, LULEA-10"):
        fw.check_node_id("LULEA-3")


def test_register_from_a_csv_file_with_swedish_excel_habits(tmp_path):
    path = tmp_path / "mål.csv"
    path.write_bytes("id;label_sv;label_en;group\r\nHABO-1;Trygg kommun;;Social\r\nHABO-2;Ren sjö;Clean lake;Miljö\r\n"
                     .encode("cp1252"))
    framework = fw.register_from_table(path)
    try:
        assert fw.node_info(["HABO-1"])[["group", "label_sv", "label_en"]].iloc[0].tolist() == [
            "Social", "Trygg kommun", "Trygg kommun"]
        assert framework.source == "mål.csv"
    finally:
        fw.unregister("HABO")


@pytest.mark.parametrize(("table", "message"), [
    ({"id": ["A-1"], "label_sv": ["x"], "label_en": ["x"]}, r"column 'group': a column is missing"),
    ({"id": ["A-1"], "label_sv": ["x"], "label_en": ["x"], "group": ["g"], "colour": ["red"]},
     r"column 'colour': unknown column"),
    ({"id": ["A-1", "a-2"], "label_sv": ["x", "y"], "label_en": ["", ""], "group": ["g", "g"]}, r"row 3, column 'id'"),
    ({"id": ["A-1", "A-2", "A-01"], "label_sv": ["x", "y", "z"], "label_en": ["", "", ""], "group": ["g"] * 3},
     r"row 4, column 'id': goal id given twice: 'A-01'"),
    ({"id": ["A-1", "B-2"], "label_sv": ["x", "y"], "label_en": ["", ""], "group": ["g", "g"]},
     r"row 3, column 'id': one framework has one prefix"),
    ({"id": ["MKM-1"], "label_sv": ["x"], "label_en": [""], "group": ["g"]}, r"prefix 'MKM' is registered already"),
    ({"id": ["A-1"], "label_sv": [""], "label_en": [""], "group": ["g"]},
     r"row 2, column 'label_sv': a goal needs a label"),
])
def test_register_from_table_errors_name_row_and_column(table, message):
    with pytest.raises((UnknownIdError, ValidationError), match=message):
        fw.register_from_table(pd.DataFrame(table))
    assert "A" not in [f.name for f in fw.frameworks()]


def test_node_info_errors():
    with pytest.raises(UnknownIdError, match=r"'1\.20'"):
        fw.node_info(["1.1", "1.20"])


# --- bundled matrices ---------------------------------------------------------------------------


def test_bundled_matrices_catalogue():
    table = fw.bundled_matrices()
    assert table["name"].tolist() == ["weitz2018_sweden", "mongolia2017", "synthetic_respondents", "mixed_demo"]
    for row in table.itertuples():
        assert row.path.is_file()
        assert row.title_sv and row.title_en and row.scored_by_sv and row.scored_by_en and row.citation


@pytest.mark.parametrize(
    ("name", "n_nodes", "n_pairs"), [("weitz2018_sweden", 34, 1122), ("mongolia2017", 17, 272)]
)
def test_bundled_matrix_files(name, n_nodes, n_pairs):
    info = fw.bundled_matrix(name)
    assert (info["n_nodes"], info["n_pairs"]) == (n_nodes, n_pairs)
    long = pd.read_csv(info["path"], dtype=str, keep_default_na=False)
    assert long.columns.tolist() == ["source", "target", "score", "comment"]
    assert len(long) == n_pairs
    nodes = set(long["source"]) | set(long["target"])
    assert len(nodes) == n_nodes
    assert all(fw.check_node_id(n) == n for n in nodes)
    assert set(long["score"].astype(int)) <= set(range(-3, 4))
    assert not long["comment"].str.match(r"[=+\-@\t\r]").any()


def test_bundled_matrix_values():
    sweden = pd.read_csv(fw.bundled_matrix("weitz2018_sweden")["path"], dtype=str, keep_default_na=False)
    assert "17.11" in set(sweden["source"])
    assert sweden.set_index(["source", "target"]).loc[("1.3", "1.5"), "score"] == "1"
    assert (sweden["comment"] == "").all()
    assert "Weitz" in fw.bundled_matrix("weitz2018_sweden")["citation"]
    mongolia = pd.read_csv(fw.bundled_matrix("mongolia2017")["path"], dtype=str, keep_default_na=False)
    first = mongolia.set_index(["source", "target"]).loc[("MN-1", "MN-2")]
    assert first["score"] == "3"
    assert first["comment"] == "No drinking water without water resources, no water no sanitation."
    assert (mongolia["comment"] != "").sum() == 138


@pytest.mark.parametrize("name", ["sweden", "../kommuner", "", None, 3])
def test_bundled_matrix_unknown(name):
    with pytest.raises(UnknownDatasetError, match="weitz2018_sweden, mongolia2017"):
        fw.bundled_matrix(name)


def test_published_metrics_file():
    path = fw.datasets_dir() / "weitz2018_sweden_published_metrics.csv"
    metrics = pd.read_csv(path, dtype={"target": str})
    assert len(metrics) == 34
    assert metrics.set_index("target").loc["16.6", "sum_plus_second"] == 567


# --- a registered framework in matrices ---------------------------------------------------------

LULEA_TABLE = pd.DataFrame({"id": ["LULEA-1", "LULEA-2", "LULEA-3"],
                            "label_sv": ["Fossilfri stad", "Hållbara resor", "Levande centrum"],
                            "label_en": ["Fossil-free city", "", "Lively centre"],
                            "group": ["Klimat", "Klimat", "Stad"]})

#: A mixed matrix: SDG 7 targets and LULEA nodes; the SDG-7 pair and the Klimat pair are within-goal.
MIXED = pd.DataFrame([("LULEA-1", "7.2", "2"), ("LULEA-2", "7.3", "1"), ("LULEA-2", "7.2", "-1"),
                      ("7.2", "LULEA-3", "3"), ("LULEA-1", "LULEA-2", "3"), ("LULEA-3", "LULEA-1", "-2"),
                      ("7.2", "7.3", "2")], columns=["source", "target", "score"])


@pytest.fixture
def lulea_goals():
    framework = fw.register_from_table(LULEA_TABLE)
    yield framework
    fw.unregister("LULEA")


def _coord(ds, name):
    return ds[f"source_{name}"].to_series().to_dict()


def test_a_matrix_of_registered_nodes_gets_their_labels_as_coordinates():
    from sdg_interactions.matrix import from_long

    before = from_long(MIXED)  # LULEA is not registered yet: the ids label themselves
    assert _coord(before, "label_sv")["LULEA-1"] == "LULEA-1"
    fw.register_from_table(LULEA_TABLE)
    try:
        ds = from_long(MIXED)
    finally:
        fw.unregister("LULEA")
    assert ds.indexes["source"].tolist() == ["7.2", "7.3", "LULEA-1", "LULEA-2", "LULEA-3"]
    assert _coord(ds, "label_sv") == {"7.2": "Öka andelen förnybar energi i världen",
                                      "7.3": "Fördubbla ökningen av energieffektivitet",
                                      "LULEA-1": "Fossilfri stad", "LULEA-2": "Hållbara resor",
                                      "LULEA-3": "Levande centrum"}
    # a label given in one language only stands for both
    assert [_coord(ds, "label_en")[k] for k in ("LULEA-1", "LULEA-2")] == ["Fossil-free city", "Hållbara resor"]
    assert _coord(ds, "group") == {"7.2": "7", "7.3": "7", "LULEA-1": "Klimat", "LULEA-2": "Klimat",
                                   "LULEA-3": "Stad"}
    assert set(_coord(ds, "framework").values()) == {"sdg_target", "LULEA"}
    assert ds["target_label_sv"].sel(target="LULEA-3").item() == "Levande centrum"


@pytest.mark.parametrize(("how", "klimat_to_sdg7"), [("sum", 2.0), ("mean", 2 / 3)])
def test_goal_rollup_groups_registered_nodes_by_their_group(lulea_goals, how, klimat_to_sdg7):
    import xarray as xr

    from sdg_interactions.analysis import goal_rollup
    from sdg_interactions.matrix import from_long

    rolled = goal_rollup(from_long(MIXED), how=how)
    goals = ["SDG-7", "Klimat", "Stad"]
    # Klimat -> SDG-7: LULEA-1 -> 7.2 (2), LULEA-2 -> 7.3 (1), LULEA-2 -> 7.2 (-1); within-goal pairs dropped
    expected = xr.DataArray([[np.nan, np.nan, 3.0], [klimat_to_sdg7, np.nan, np.nan], [np.nan, -2.0, np.nan]],
                            dims=("source", "target"), coords={"source": goals, "target": goals}, name="score")
    xr.testing.assert_allclose(rolled.reset_coords(drop=True).rename("score"), expected)
    assert _coord(rolled, "label_sv") == {"SDG-7": "Hållbar energi för alla", "Klimat": "Klimat", "Stad": "Stad"}
