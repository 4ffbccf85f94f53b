"""The sv/en text catalogue: both languages of every entry take the same placeholders."""

from __future__ import annotations

import string

import pytest

from sdg_interactions.errors import ValidationError
from sdg_interactions.texts import LANGUAGES, catalogue, genitive, text


def placeholders(template: str) -> set[str]:
    """The field names of a :meth:`str.format` template, e.g. ``{"n", "path"}`` (``{{`` is no field)."""
    return {field for _, field, _, _ in string.Formatter().parse(template) if field is not None}


def test_placeholders_reads_fields_not_escaped_braces():
    assert placeholders("{n} noder i {name!r:>10}, {{inte}}") == {"n", "name"}
    assert placeholders("inga") == set()


def test_every_entry_has_the_same_placeholders_in_sv_and_en():
    entries = catalogue()
    assert len(entries) > 100
    differ = {key: {lang: sorted(placeholders(entry[lang])) for lang in LANGUAGES}
              for key, entry in entries.items()
              if placeholders(entry["sv"]) != placeholders(entry["en"])}
    assert differ == {}


def test_every_entry_is_text_in_both_languages():
    for key, entry in catalogue().items():
        assert set(entry) >= set(LANGUAGES), key
        assert all(isinstance(entry[lang], str) and entry[lang].strip() for lang in LANGUAGES), key


def test_text_fills_placeholders_and_checks_the_language():
    values = {"path": "x.csv", "n": 3, "nodes": "targets"}
    assert text("cli.analyse.written", "en", **values) != text("cli.analyse.written", "sv", **values)
    assert "x.csv" in text("cli.analyse.written", "en", **values)
    with pytest.raises(ValidationError, match="'de'"):
        text("scale.3", "de")


def _kommun_names() -> list[str]:
    import csv
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "datasets" / "kommuner.csv"
    with path.open(encoding="utf-8") as handle:
        return [row["kommun"] for row in csv.DictReader(handle)]


@pytest.mark.parametrize(("name", "sv", "en"), [
    ("Falköping", "Falköpings", "Falköping's"),
    ("Hjo", "Hjos", "Hjo's"),
    ("Borås", "Borås", "Borås's"),
    ("Kalix", "Kalix", "Kalix's"),
    ("Överkalix", "Överkalix", "Överkalix's"),
    ("Upplands Väsby", "Upplands Väsbys", "Upplands Väsby's"),
    ("Ortiz", "Ortiz", "Ortiz's"),
])
def test_genitive_follows_the_swedish_and_english_rules(name, sv, en):
    assert genitive(name) == sv
    assert genitive(name, "sv") == sv
    assert genitive(name, lang="en") == en


def test_genitive_over_all_290_kommuner():
    names = _kommun_names()
    assert len(names) == 290
    # The kommuner whose Swedish genitive is the name itself (it ends in s or x), listed by hand from SCB's
    # list of the 290: an expectation independent of the rule in texts.genitive ("Västerås stad", "Kalix
    # kommun"). Every other kommun takes an s ("Falköpings", "Åres", "Upplands Väsbys").
    unchanged = {"Alingsås", "Bengtsfors", "Bollnäs", "Borås", "Degerfors", "Grums", "Hagfors", "Hofors",
                 "Hällefors", "Höganäs", "Kalix", "Kramfors", "Munkfors", "Mönsterås", "Robertsfors", "Sotenäs",
                 "Storfors", "Strängnäs", "Torsås", "Tranås", "Vännäs", "Västerås", "Överkalix"}
    assert unchanged <= set(names)
    for name in names:
        assert genitive(name) == (name if name in unchanged else f"{name}s"), name
        assert genitive(name, "en") == f"{name}'s", name
    assert [genitive(n) for n in ("Falköping", "Åre", "Upplands Väsby")] == ["Falköpings", "Åres", "Upplands Väsbys"]


def test_genitive_rejects_empty_names_and_unknown_languages():
    with pytest.raises(ValidationError):
        genitive("  ")
    with pytest.raises(ValidationError, match="'de'"):
        genitive("Hjo", "de")
