"""Spell-check of every Swedish text the package ships: the catalogue's ``sv`` strings and the Swedish
columns of the bundled tables, against Debian's Swedish hunspell dictionary (``hunspell``,
``hunspell-sv``). Proper words, ids, abbreviations and the project's own terms are listed in
``tests/data/spell_allow_sv.txt``.

Outside CI a machine without hunspell or the dictionary skips these tests; with ``CI=true`` they fail
instead (``.ci/run`` installs the packages).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
from collections import defaultdict
from pathlib import Path

import pytest

from sdg_interactions.texts import catalogue

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT / "datasets"
ALLOW = Path(__file__).parent / "data" / "spell_allow_sv.txt"
DICTIONARY = "sv_SE"
#: The glossary's forbidden synonyms ("girig sökning", "effect_pos") are listed to be refused, not written.
FORBIDDEN = "glossary.forbidden."

#: The bundled tables and their Swedish columns. Kolada's own KPI catalogue (``kolada/kpi_catalog.csv``)
#: and its titles are Kolada's text, quoted as published, so they are not checked.
SWEDISH_COLUMNS = {
    "sdg_targets_sv.csv": ["title_sv", "text_sv"],
    "sdg_goals.csv": ["short_sv", "title_sv"],
    "kommuner.csv": ["kommun_fullname", "lan"],
    "lan.csv": ["lan"],
    "miljokvalitetsmal.csv": ["name_sv", "definition_sv"],
    "folkhalsopolitiska_malomraden.csv": ["name_sv"],
    "matrices/catalogue.csv": ["title_sv", "scored_by_sv"],
    "linkage/sdg_miljomal.csv": ["reason"],
    "linkage/sdg_folkhalsomal.csv": ["reason"],
    "styrdokument/exempel_styrdokument.csv": ["dokument", "lokalt_mål", "anmärkning"],
    "frameworks/exempelby_mal.csv": ["label_sv", "text_sv", "group"],
}

_NOT_WORDS = re.compile(
    r"\{[^{}]*\}"  # placeholders
    r"|https?://\S+|`[^`]*`|'sdg-interactions[^']*'|sdg-interactions[a-z -]*"  # addresses, code, commands
    r"|\S+\.(?:csv|xlsx|nc|graphml|html|pdf|docx|md|ipynb|py)\b|\w+=\w+|\w*_\w*"  # files, code, identifiers
    r"|(?<![\w-])--?[A-Za-z][\w-]*|(?<!\w)\.[a-z]+\b|<[^<>]*>|\$\w+|\S*/\S*"  # options, extensions, paths
    r"|[^\W\d_]+-(?=[\s,])"  # the first part of a shared compound: "hälso- och sjukvård"
)
_WORD = re.compile(r"[^\W\d_]+")
#: A word is written in Latin letters; a token with Greek or modifier letters ("αD", "Mᵏ") is a formula's symbol.
_LATIN = re.compile(r"[A-Za-zÀ-ÖØ-öø-ÿ]+")


def words(text: str) -> list[str]:
    """The words of a text to spell-check: placeholders, addresses, file names, code and the first part
    of a shared compound ("skatte- och") left out; a word of one letter (``SEI:s`` → ``SEI``, ``s``) is
    no word, nor is a formula's symbol in Greek or modifier letters (``αD``, ``Mᵏ``)."""
    return [word for word in _WORD.findall(_NOT_WORDS.sub(" ", text)) if len(word) > 1 and _LATIN.fullmatch(word)]


def test_words_leaves_out_placeholders_addresses_and_files():
    assert words("Källa: {citation} på https://x.se/a-b, se `sdg-interactions report` och svar.nc") == [
        "Källa", "på", "se", "och"]
    assert words("SEI:s fallstudie, miljö- och 2030-talet") == ["SEI", "fallstudie", "och", "talet"]
    assert words("Kör 'sdg-interactions kolada fetch' eller online=True med build_synthetic.py") == [
        "Kör", "eller", "med"]
    assert words("ange --matrices-dir DIR/svar.nc, <kommunkod>.csv|.xlsx eller $HOME med -k och ~/x") == [
        "ange", "eller", "med", "och"]
    assert words("total påverkan αD + Mᵏ (Godet)") == ["total", "påverkan", "Godet"]


def swedish_texts() -> dict[str, list[str]]:
    """``{where: [text, ...]}``: every catalogue key's ``sv`` string and every Swedish cell of the tables."""
    texts: dict[str, list[str]] = {f"catalogue {key}": [entry["sv"]] for key, entry in catalogue().items()
                                   if not key.startswith(FORBIDDEN)}
    for name, columns in SWEDISH_COLUMNS.items():
        with (DATASETS / name).open(encoding="utf-8", newline="") as handle:
            for number, row in enumerate(csv.DictReader(handle), start=2):
                for column in columns:
                    texts[f"datasets/{name} row {number} {column}"] = [row[column]]
    return texts


def allowed() -> set[str]:
    """The allow-list: one word a line, ``#`` starts a comment."""
    lines = ALLOW.read_text(encoding="utf-8").splitlines()
    return {line.split("#", 1)[0].strip() for line in lines} - {""}


def hunspell() -> str:
    """The hunspell program with the Swedish dictionary; skip (or, under CI, fail) when either is missing."""
    program = shutil.which("hunspell")
    if program:
        listed = subprocess.run([program, "-D"], input="", capture_output=True, text=True)
        if any(Path(line.strip()).name == DICTIONARY for line in listed.stderr.splitlines()):
            return program
    message = "needs Debian's hunspell and hunspell-sv (.ci/run installs them)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def misspelled(candidates: set[str]) -> set[str]:
    """The words of ``candidates`` the Swedish dictionary does not know."""
    done = subprocess.run([hunspell(), "-d", DICTIONARY, "-i", "utf-8", "-l"], input="\n".join(sorted(candidates)),
                          capture_output=True, text=True, encoding="utf-8", check=True)
    return set(done.stdout.split())


def test_the_dictionary_knows_swedish_and_catches_typos():
    assert misspelled({"biologiska", "mångfalden", "kommun", "bioligiska", "Boråss"}) == {"bioligiska", "Boråss"}


def test_the_allow_list_holds_only_words_the_dictionary_lacks():
    allow = allowed()
    assert allow, ALLOW
    known = allow - misspelled(allow)
    assert known == set(), "remove these from spell_allow_sv.txt: the dictionary knows them"


def test_every_swedish_text_is_spelled_right():
    where: dict[str, list[str]] = defaultdict(list)
    for place, texts in swedish_texts().items():
        for text in texts:
            for word in words(text):
                where[word].append(place)
    allow = allowed()
    wrong = {word: sorted(set(where[word]))[:3] for word in misspelled(set(where) - allow)
             if word not in allow and word.lower() not in allow}
    listed = "\n".join(f"  {word}: {', '.join(places)}" for word, places in sorted(wrong.items()))
    assert not wrong, f"fix the typo, or add a proper word to tests/data/spell_allow_sv.txt:\n{listed}"


def test_a_missing_dictionary_fails_under_ci_and_skips_elsewhere(monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="hunspell-sv"):
        hunspell()
    monkeypatch.setenv("CI", "false")
    with pytest.raises(pytest.skip.Exception, match="hunspell-sv"):
        hunspell()
