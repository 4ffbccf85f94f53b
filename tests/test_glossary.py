"""One word per concept: the glossary (``catalogue/glossary.toml``) and no forbidden synonym anywhere a reader
looks — the catalogue's texts, the reports, the konsekvens note and the command line (``tests/rendered.py``
renders them once per state of the sources)."""

from __future__ import annotations

import re

import pytest
from rendered import NAMES, Rendered, outputs

from sdg_interactions.glossary import CODE_WORDS, find_forbidden, forbidden, glossary, rows
from sdg_interactions.texts import LANGUAGES, catalogue, scale_label


@pytest.fixture(scope="module")
def rendered() -> dict[str, Rendered]:
    return outputs()


def test_every_concept_has_a_word_and_one_plain_sentence_in_both_languages():
    terms = glossary()
    for key in ("target", "lever", "systemic_score", "goal_conflict", "comes_along", "partial_support",
                "not_free", "at_risk", "coverage", "workshop", "respondent"):
        assert key in terms, key
    for term in terms.values():
        for lang in LANGUAGES:
            word, definition = term.term(lang), term.definition(lang)
            assert word and word == word.strip(), (term.key, lang)
            assert definition[0].isupper() and definition.endswith("."), (term.key, lang, definition)
            assert not re.search(r"[.!?] [A-ZÅÄÖ]", definition), (term.key, lang, "one sentence")


def test_the_contracts_words_are_the_canonical_ones():
    sv = {term.key: term.term("sv") for term in glossary().values()}
    assert sv["target"] == "delmål" and sv["lever"] == "hävstång" and sv["systemic_score"] == "systemisk poäng"
    assert sv["goal_conflict"] == "målkonflikt" and sv["comes_along"] == "åker med"
    assert sv["partial_support"] == "delvis stöd" and sv["not_free"] == "inte gratis" and sv["at_risk"] == "i riskzonen"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_scale_words_are_the_scales_labels(lang):
    for score in range(-3, 4):
        assert glossary()[f"scale_{score}"].term(lang) == scale_label(score, lang)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_canonical_word_or_definition_is_forbidden(lang):
    for term in glossary().values():
        assert find_forbidden(term.term(lang), lang) == [], (term.key, lang)
        assert find_forbidden(term.definition(lang), lang) == [], (term.key, lang)


def test_the_brief_s_synonyms_are_forbidden():
    sv, en = forbidden("sv"), forbidden("en")
    for word, key in [("systemisk påverkan", "systemic_score"), ("delvis stöttat", "partial_support"),
                      ("riskerar att hämmas", "at_risk"), ("nod", "target"), ("noder", "target"),
                      ("effect_pos", CODE_WORDS), ("greedy", CODE_WORDS), ("girig sökning", CODE_WORDS),
                      ("fjädermodell", CODE_WORDS), ("verktygstips", CODE_WORDS), ("modularity", CODE_WORDS)]:
        assert sv[word] == key, word
    for word, key in [("systemic influence", "systemic_score"), ("partly supported", "partial_support"),
                      ("node", "target"), ("greedy", CODE_WORDS), ("modularity", CODE_WORDS)]:
        assert en[word] == key, word


def test_find_forbidden_matches_whole_words_in_any_case_across_line_breaks():
    found = find_forbidden("NODER och systemisk\npåverkan; effect_pos. Girig sökning", "sv")
    assert [(hit.phrase, hit.key) for hit in found] == [
        ("NODER", "target"), ("systemisk\npåverkan", "systemic_score"), ("effect_pos", CODE_WORDS),
        ("Girig sökning", CODE_WORDS)]
    assert "systemisk påverkan;" in found[1].context
    # parts of other words are not the word: "nodig", "knoder", "anod", "effect_position", "MKM-nod"
    assert find_forbidden("nodig knoder anod effect_position MKM-nod noderad", "sv") == []
    assert find_forbidden("The node and the lever", "sv") == []  # English words are not Swedish synonyms
    assert [hit.key for hit in find_forbidden("The nodes", "en")] == ["target"]


def test_every_canonical_word_is_used_somewhere_in_the_catalogue():
    texts = {lang: " ".join(entry[lang] for key, entry in catalogue().items() if not key.startswith("glossary."))
             .casefold() for lang in LANGUAGES}
    unused = [(term.key, lang) for term in glossary().values() for lang in LANGUAGES
              if term.term(lang).casefold() not in texts[lang]]
    assert unused == []


def test_rows_give_the_glossary_as_a_table():
    assert len(rows("sv")) == len(glossary())
    assert ("hävstång", glossary()["lever"].definition("sv")) in rows("sv")


#: What in a catalogue string is no word a reader sees: format fields ("{nodes}") and commands in backticks.
_NOT_TEXT = re.compile(r"\{[^{}]*\}|`[^`]*`")
#: Catalogue sections checked by other rules: the glossary itself (it lists the synonyms), and the attributes
#: of the exported result variables (variables.toml: units, formulas, long names in a NetCDF file), written for
#: researchers who read the data, where a variable's own name (effect_pos) and the method's name (greedy
#: modularity, Clauset, Newman & Moore 2004) are the point.
_EXEMPT = ("glossary.", "variables.")


def _listed(problems: list[str]) -> str:
    return "\n".join(f"  {line}" for line in problems)


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_catalogue_uses_no_forbidden_synonym(lang):
    problems = [f"catalogue {key} ({lang}): “{hit.phrase}” – a synonym of {hit.key} – in “{hit.context}”"
                for key, entry in catalogue().items() if not key.startswith(_EXEMPT)
                for hit in find_forbidden(_NOT_TEXT.sub("…", entry[lang]), lang)]
    assert not problems, "use the glossary's word (catalogue/glossary.toml):\n" + _listed(problems)


def test_every_output_renders(rendered):
    failed = {name: rendered[name].failed if name in rendered else "not rendered" for name in NAMES
              if name not in rendered or rendered[name].failed}
    assert not failed, _listed([f"{name}: {why}" for name, why in failed.items()])


@pytest.mark.parametrize("name", sorted(NAMES))
def test_no_rendered_output_uses_a_forbidden_synonym(rendered, name):
    if name not in rendered or not rendered[name].text:
        pytest.skip(f"{name} was not rendered (test_every_output_renders says why)")
    item = rendered[name]
    by_phrase: dict[tuple[str, str], list[str]] = {}
    for hit in find_forbidden(item.text, item.lang):
        by_phrase.setdefault((hit.phrase.casefold(), hit.key), []).append(hit.context)
    problems = [f"{name}: “{phrase}” – a synonym of {key} – {len(contexts)}×, e.g. in "
                + "; ".join(f"“{context}”" for context in contexts[:3])
                for (phrase, key), contexts in by_phrase.items()]
    assert not problems, "use the glossary's word (catalogue/glossary.toml):\n" + _listed(problems)


@pytest.mark.parametrize("name", ["report_forvaltning_sv", "report_forvaltning_en"])
def test_the_forvaltning_report_shows_the_glossary(rendered, name):
    item = rendered[name]
    shown = " ".join(item.text.split())
    missing = [word for word, definition in rows(item.lang) if " ".join(definition.split()) not in shown]
    assert not missing, f"{name} lacks the glossary's definitions of: {', '.join(missing)}"


def test_the_readme_shows_the_glossary_as_the_catalogue_has_it():
    from pathlib import Path

    from sdg_interactions.glossary import readme_table

    readme = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    block = readme.split("<!-- glossary: begin", 1)[1].split("-->", 1)[1].split("<!-- glossary: end -->", 1)[0]
    assert block.strip() == readme_table()
    assert readme_table().count("\n") == len(rows("sv")) + 1
