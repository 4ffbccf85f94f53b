"""The report's decision-support sections and the honesty of synthetic data: portfolio, robustness,
comparison with other kommuner, styrdokument; a synthetic matrix is always said to be one."""

import pytest
from test_scenario import brute_force

from sdg_interactions.analysis import portfolio
from sdg_interactions.frameworks import find_kommun
from sdg_interactions.io import load_dataset, load_matrix
from sdg_interactions.report import decision_sections as ds
from sdg_interactions.report import parameters
from sdg_interactions.report.sections import cover

FOLDER = "datasets/matrices/synthetic_kommuner"


def test_a_file_from_the_synthetic_folder_keeps_its_mark_and_the_cover_says_so():
    data = load_dataset(f"{FOLDER}/1499_falkoping.csv")
    assert data.attrs["synthetic"] == 1 and data.attrs["title_sv"].startswith("SYNTETISKT EXEMPEL")
    text = " ".join(cover(data, find_kommun("1499"), national_example=False, date="30 november 2026")["paragraphs"])
    assert "påhittat exempel" in text and "egen" not in text.split("påhittat")[0]
    assert "Bedömningen är Falköpings egen" not in text
    answers = load_dataset("synthetic_respondents")
    text = " ".join(cover(answers, find_kommun("1499"), national_example=True, date="x", lang="en")["paragraphs"])
    assert "12 invented respondents" in text and "national example" not in text
    assert "12 people answered" not in text


def test_find_matrix_takes_a_file_named_by_kommunkod_and_name():
    assert parameters.find_matrix("1499", matrices_dir=FOLDER).endswith("1499_falkoping.csv")
    assert parameters.find_matrix("0114", matrices_dir=FOLDER) == "weitz2018_sweden"


def test_portfolio_section_sweden_k3():
    section = ds.portfolio(load_dataset("weitz2018_sweden"), k=3)
    expected, gain = brute_force(load_matrix("weitz2018_sweden"), 3)
    assert tuple(section["data"]["chosen"]) == expected and section["data"]["gain"] == gain
    words = " ".join(section["paragraphs"])
    assert "i stället för 12.1" in words and "Förslaget får med" in words
    assert [row[0] for row in section["table"]["rows"]] == list(expected)


def test_portfolio_section_caps_k_on_a_small_matrix():
    section = ds.portfolio(load_dataset("mongolia2017"), k=40, lang="en")
    assert "only 17 targets, so the proposal holds 16 instead of 40" in " ".join(section["paragraphs"])
    # at most 16: a set with fewer members may cover more (Mongolia: 2 members), and the section shows that set
    chosen = section["data"]["chosen"]
    assert len(chosen) <= 16 and tuple(chosen) == portfolio(load_dataset("mongolia2017"), 16).chosen


def test_comparison_section_for_a_kommun_with_and_without_its_own_matrix():
    sweden = load_dataset("weitz2018_sweden")
    own = ds.comparison(load_dataset(f"{FOLDER}/1499_falkoping.csv"), "1499", FOLDER)
    assert own["data"]["kommun"] == "1499_falkoping" and len(own["data"]["others"]) == 4
    assert "SYNTETISKT EXEMPEL" in own["paragraphs"][0]
    # the synthetic Falköping departs from the consensus (the Sweden matrix) where its script says it does
    falk, national = load_matrix(f"{FOLDER}/1499_falkoping.csv"), load_matrix("weitz2018_sweden")
    differs = {(s, t) for s in falk["source"].values for t in falk["target"].values
               if s != t and float(falk.sel(source=s, target=t)) != float(national.sel(source=s, target=t))}
    shown = {(row[0].split(" ")[0], row[1].split(" ")[0]) for row in own["table"]["rows"]}
    assert shown <= differs and shown
    none = ds.comparison(sweden, "0114", FOLDER, lang="en")
    assert none["data"]["kommun"] == "0114" and len(none["data"]["others"]) == 5
    assert "does not depart from the consensus" in " ".join(none["paragraphs"])
    assert ds.comparison(sweden, "0114", None) is None


def test_robustness_section_only_with_several_respondents():
    assert ds.robustness(load_dataset("weitz2018_sweden")) is None
    section = ds.robustness(load_dataset("synthetic_respondents"), samples=200, top_k=3)
    planted = {("12.1", "8.5"), ("16.6", "9.4"), ("2.4", "6.6"), ("7.2", "15.5")}
    assert set(section["data"]["discuss"]) == planted  # exactly the planted cells are contested
    # invented answers: no one is to discuss them again, a real assessment would (the content is kept)
    said = " ".join(section["paragraphs"])
    assert "I en verklig bedömning skulle de här paren diskuteras igen: fyra par är omstridda" in said
    assert "Diskutera igen" not in said
    real = ds.robustness(load_dataset("synthetic_respondents").assign_attrs(synthetic=0), samples=200, top_k=3)
    assert "Diskutera igen: fyra par är omstridda" in " ".join(real["paragraphs"])
    assert real["paragraphs"][-4:] == section["paragraphs"][-4:]
    assert section["data"]["sure"] or section["data"]["unsure"]


@pytest.mark.parametrize("bad", ["no/such/folder"])
def test_report_parameters_refuse_a_missing_matrices_dir(bad):
    from sdg_interactions.errors import ValidationError

    with pytest.raises(ValidationError, match="no such folder"):
        parameters.check_parameters(kommun="1499", matrices_dir=bad)
