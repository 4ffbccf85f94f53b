"""The sv/en text catalogue: both languages of every entry take the same placeholders."""

from __future__ import annotations

import string

import pytest

from sdg_interactions.errors import ValidationError
from sdg_interactions.texts import LANGUAGES, catalogue, text


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
    assert text("cli.analyse.written", "en", path="x.csv", n=3) != text("cli.analyse.written", "sv", path="x.csv", n=3)
    assert "x.csv" in text("cli.analyse.written", "en", path="x.csv", n=3)
    with pytest.raises(ValidationError, match="'de'"):
        text("scale.3", "de")
