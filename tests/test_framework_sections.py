"""The report's sections beyond the SDGs: miljömål / folkhälsomål through the linkage, and Kolada follow-up."""

import numpy as np
import pytest

from sdg_interactions.analysis import project_onto, propagate, sdg_synergies
from sdg_interactions.frameworks import linkage
from sdg_interactions.frameworks.kolada import target_kpis
from sdg_interactions.frameworks.kolada_cache import KoladaCache
from sdg_interactions.io import load_dataset, load_matrix
from sdg_interactions.report import framework_sections as fs


@pytest.fixture(scope="module")
def sweden():
    return load_dataset("weitz2018_sweden")


def test_default_priorities_are_the_top_levers(sweden):
    m = load_matrix("weitz2018_sweden")
    ranks = sdg_synergies(m)["rank"].to_series()
    assert fs.default_priorities(m, [], 3) == ranks.sort_values(kind="stable").index[:3].tolist()
    assert fs.default_priorities(m, ["7.2"], 3) == ["7.2"]
    assert fs.default_priorities(m, ["11.6", "7.2"], 3) == ["7.2"]  # 11.6 is not in the matrix
    assert fs.default_priorities(m, ["11.6"], 3) == fs.default_priorities(m, [], 3)


def test_objectives_section_names_the_most_supported_objectives(sweden):
    section = fs.objectives(sweden, priorities=["7.2", "11.2"], lang="sv")
    m = load_matrix("weitz2018_sweden")
    effects = propagate(m, ["7.2", "11.2"])
    mkm = project_onto(effects, linkage("miljomal"))
    # by hand from the linkage rows: Σ_j effect_pos_j · link_jo / 3 over positive links (no negative effects
    # reach a positive link's part here only if effect_neg_j is 0 there; compare with the library's parts)
    links = linkage("miljomal")
    pos = effects["effect_pos"].to_series()
    neg = effects["effect_neg"].to_series()
    by_hand = {o: 0.0 for o in mkm["objective"].values}
    for row in links.itertuples(index=False):
        if row.sdg_target in pos.index:
            by_hand[row.objective] += (pos[row.sdg_target] if row.score > 0 else neg[row.sdg_target]) * row.score / 3
    assert np.allclose([by_hand[o] for o in mkm["objective"].values], mkm["effect_pos"].values)
    # compared per linked target: the sum over the matrix's targets linked to the objective, by hand
    linked = {o: len({r.sdg_target for r in links.itertuples(index=False)
                      if r.objective == o and r.score != 0 and r.sdg_target in pos.index}) for o in by_hand}
    assert [linked[o] for o in mkm["objective"].values] == mkm["n_linked"].values.tolist()
    mean = {o: by_hand[o] / linked[o] for o in by_hand if linked[o]}
    top = sorted(mean, key=lambda o: (-mean[o], int(o.split("-")[1])))[:3]
    strongest = next(p for p in section["paragraphs"]
                     if p.startswith("Mest stöd per kopplat delmål bland miljökvalitetsmålen"))
    # in running text an objective is its name and what it is, "(miljökvalitetsmål 13, …)", never the code MKM-13
    said = {o: f"(miljökvalitetsmål {o.split('-')[1]}, " for o in mean}
    named = [o for o in sorted(mean, key=lambda o: strongest.find(said[o])) if said[o] in strongest]
    assert named == top and "MKM-" not in strongest
    names = dict(zip(mkm["objective"].values, mkm["label_sv"].values, strict=True))
    for o in top:
        assert (f"{names[o]} (miljökvalitetsmål {o.split('-')[1]}, via {linked[o]} "
                f"{'kopplat' if linked[o] == 1 else 'kopplade'} delmål)") in strongest
    assert not any("MKM-" in p or "FH-" in p for p in section["paragraphs"][1:])  # the first introduces the codes
    assert section["table"]["rows"][0][0].startswith("MKM-1 ")  # the table keeps them
    assert section["data"]["miljomal"]["pos"] == pytest.approx(mkm["effect_pos"].values.tolist())
    assert "förslag från projektet sdg_interactions" in " ".join(section["paragraphs"])
    assert len(section["table"]["rows"]) == 16 + 8
    unreached = [o for o, n in zip(mkm["objective"].values, mkm["n_linked"].values, strict=True) if n == 0]
    if unreached:
        assert any(unreached[0] in p for p in section["paragraphs"] if "Inget delmål i matrisen" in p)


def _records(kpi, area, values):
    return [{"kpi": kpi, "municipality": area, "period": year,
             "values": [{"gender": "T", "count": 1, "status": "", "value": value}]} for year, value in values.items()]


def test_follow_up_reads_the_cache_and_judges_the_trend(sweden, tmp_path):
    cache = KoladaCache(tmp_path)
    table = target_kpis()
    kpis = table[table["sdg_target"] == "16.6"]
    rising = kpis.iloc[0]
    assert rising["direction"] == "higher"
    years = {2018: 80.0, 2019: 81.0, 2020: 82.0, 2021: 83.0, 2022: 84.0}
    cache.write(rising["kpi"], "1499", _records(rising["kpi"], "1499", years), years=list(years))
    cache.write(rising["kpi"], "0014", _records(rising["kpi"], "0014", {2022: 86.0}), years=list(years))
    cache.write(rising["kpi"], "0000", _records(rising["kpi"], "0000", {2022: 83.5}), years=list(years))
    section = fs.follow_up(sweden, "1499", priorities=["16.6"], lang="sv", cache=tmp_path)
    text = " ".join(section["paragraphs"])
    assert f"Åt rätt håll (1): ”{rising['kpi_title']}”" in text
    words = ["Noll", "Ett", "Två", "Tre", "Fyra", "Fem", "Sex", "Sju", "Åtta", "Nio", "Tio", "Elva", "Tolv"]
    missing = len(kpis) - 1
    said = words[missing] if missing < len(words) else f"Totalt {missing}"  # a sentence never opens with a digit
    assert f"{said} nyckeltal saknar värden i rapporten" in text and "Kolada inga värden för Falköping" in text
    assert "kolada fetch" not in text and "internetanslutning" in text  # plain words, no command
    row = next(r for r in section["table"]["rows"] if r[1] == rising["kpi_title"])
    assert row[3:] == ["2022", "84", "bättre", "86", "83,5"]
    english = fs.follow_up(sweden, "1499", priorities=["16.6"], lang="en", cache=tmp_path)
    said = " ".join(english["paragraphs"])
    # Kolada's titles are Swedish only: quoted as Kolada writes them, with English quotes, and said to be so
    assert f"Going the right way (1): “{rising['kpi_title']}”" in said
    assert "titles are given in Swedish" in said and "län" not in said
    assert english["table"]["columns"][1] == "key figure (Kolada's title, in Swedish)"
    assert english["table"]["columns"][6] == "county" and "län" not in " ".join(english["table"]["columns"])
    row = next(r for r in english["table"]["rows"] if r[1] == rising["kpi_title"])
    assert row[3:] == ["2022", "84", "better", "86", "83.5"]
    assert section["data"]["values"][section["data"]["kpis"].index(rising["kpi"])] == 84.0


def test_follow_up_with_an_empty_cache_says_how_to_fill_it(sweden, tmp_path):
    section = fs.follow_up(sweden, "1499", priorities=["7.2"], lang="en", cache=tmp_path / "none")
    said = " ".join(section["paragraphs"])
    # what is missing, who can fetch it and that it needs the internet, in plain words: no command for managers
    assert ("Ask the person who makes the report to fetch the Kolada data for Falköping and make the report "
            "again. This needs an internet connection.") in said
    assert "sdg-interactions" not in said and "--kommun" not in said
    sv = " ".join(fs.follow_up(sweden, "1499", priorities=["7.2"], lang="sv", cache=tmp_path / "none")["paragraphs"])
    assert ("Be den som tar fram rapporten att hämta Kolada-data för Falköping och göra om rapporten. Det kräver en "
            "internetanslutning.") in sv and "sdg-interactions" not in sv
    # no value in any row: no table of dashes (the sentence says what is missing)
    assert section["table"] is None and section["data"]["values"] and all(v is None for v in section["data"]["values"])


def test_follow_up_of_invented_answers_is_a_demonstration_and_no_advice(tmp_path):
    synthetic, sweden = load_dataset("synthetic_respondents"), load_dataset("weitz2018_sweden")
    assert str(synthetic.attrs["synthetic"]) == "1" and "synthetic" not in sweden.attrs
    for lang, demo, advice in (("sv", "Avsnittet är en demonstration", "inget råd"),
                               ("en", "The section is a demonstration", "no advice")):
        invented = " ".join(fs.follow_up(synthetic, "1401", lang=lang, cache=tmp_path)["paragraphs"])
        assert demo in invented and advice in invented
        assert "kan följa upp" not in invented and "can follow up" not in invented
        real = " ".join(fs.follow_up(sweden, "1401", lang=lang, cache=tmp_path)["paragraphs"])
        assert demo not in real and ("kan följa upp hävstängerna" in real or "can follow up the levers" in real)
    # given priorities are the kommun's own, not invented: followed up as such
    given = " ".join(fs.follow_up(synthetic, "1401", priorities=["7.2"], lang="sv", cache=tmp_path)["paragraphs"])
    assert "följer upp prioriteringarna 7.2" in given and "demonstration" not in given


def test_follow_up_without_values_names_the_key_figures_and_promises_no_values(sweden, tmp_path):
    """The reader: "Åtta nyckeltal i Kolada kan följa upp hävstängerna …: senaste värdet, utvecklingen …" promised
    values the next sentence said were missing, and the eight were never named."""
    levers = fs.default_priorities(sweden, (), 5)
    table = target_kpis()
    rows = [r for t in levers for r in table[table["sdg_target"] == t].itertuples(index=False)]
    ids = list(dict.fromkeys(r.kpi for r in rows))
    assert len(ids) == 8 and "N00401" in ids  # the Sweden matrix's five levers have eight key figures
    for lang, opening in (("sv", "Åtta nyckeltal i Kolada kan följa upp hävstängerna"),
                          ("en", "Eight Kolada key figures can follow up the levers")):
        section = fs.follow_up(sweden, "1499", lang=lang, cache=tmp_path / "none")
        first = section["paragraphs"][0]
        assert first.startswith(opening) and set(section["data"]["kpis"]) == set(ids)
        for r in rows:  # every key figure by its id and Kolada's (Swedish) title, once
            quoted = f"{r.kpi} ”{r.kpi_title}”" if lang == "sv" else f"{r.kpi} “{r.kpi_title}”"
            assert first.count(quoted) == 1
        assert "N00401 ”Utsläpp till luft av växthusgaser totalt, ton CO2-ekv/inv” (8.4)" in first or lang == "en"
        said = " ".join(section["paragraphs"])
        assert "senaste värdet" not in said and "the latest value" not in said
    # a key figure that follows two priorities is named once, with both, and counted once
    both = [t for t in table["sdg_target"].unique() if t != "8.4" and "N00401" in
            set(table.loc[table["sdg_target"] == t, "kpi"])]
    assert both == ["13.2"]
    two = fs.follow_up(sweden, "1499", priorities=["8.4", "13.2"], lang="sv", cache=tmp_path / "none")
    n = len(set(table.loc[table["sdg_target"].isin(["8.4", "13.2"]), "kpi"]))
    words = ["noll", "ett", "två", "tre", "fyra", "fem", "sex", "sju", "åtta"]
    assert two["paragraphs"][0].startswith(f"{words[n].capitalize()} nyckeltal i Kolada följer upp prioriteringarna "
                                           "8.4 och 13.2: ")
    assert two["paragraphs"][0].count("N00401") == 1
    assert "”Utsläpp till luft av växthusgaser totalt, ton CO2-ekv/inv” (8.4 och 13.2)" in two["paragraphs"][0]
    # invented answers: the key figures named too, and still a demonstration
    invented = fs.follow_up(load_dataset("synthetic_respondents"), "1401", lang="sv", cache=tmp_path / "none")
    assert "N00401 ”" in invented["paragraphs"][0] and "Avsnittet är en demonstration" in invented["paragraphs"][0]
