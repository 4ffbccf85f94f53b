"""The glossary: one word per concept, in Swedish and English (``catalogue/glossary.toml``).

Every rendered text uses the canonical word of a concept (:func:`glossary`) and none of its synonyms
(:func:`forbidden`): a reader who meets "systemisk poäng" on page 1 must not meet "systemisk påverkan" on
page 3 and wonder whether it is something else. :func:`find_forbidden` finds the synonyms in a text; the
tests run it over every rendered report, note and command line output. :func:`rows` gives the glossary
as a table for a report's method section or the README.

Examples
--------
>>> glossary()["systemic_score"].term("sv"), glossary()["at_risk"].term("en")
('systemisk poäng', 'at risk')
>>> [(hit.phrase, hit.key) for hit in find_forbidden("Noder med hög systemisk påverkan", "sv")]
[('Noder', 'target'), ('systemisk påverkan', 'systemic_score')]
>>> find_forbidden("Hävstänger: 16.6 har högst systemisk poäng.", "sv")
[]
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from sdg_interactions.texts import catalogue, check_lang

__all__ = ["CODE_WORDS", "Hit", "Term", "find_forbidden", "forbidden", "glossary", "readme_table", "rows"]

#: The key of the forbidden words that belong to no concept: identifiers and algorithm names.
CODE_WORDS = "code_words"
_PREFIX = "glossary."


@dataclass(frozen=True)
class Term:
    """One concept: its key, canonical words, one-sentence definitions and forbidden synonyms."""

    key: str
    words: dict[str, str]
    definitions: dict[str, str]
    synonyms: dict[str, tuple[str, ...]]

    def term(self, lang: str = "sv") -> str:
        """The canonical word in ``lang``."""
        return self.words[check_lang(lang)]

    def definition(self, lang: str = "sv") -> str:
        """The one-sentence definition in ``lang``."""
        return self.definitions[check_lang(lang)]


@dataclass(frozen=True)
class Hit:
    """A forbidden synonym found in a text: the phrase as written, the concept's key, the text around it."""

    phrase: str
    key: str
    context: str


def _split(value: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in value.split("|") if word.strip())


@functools.cache
def glossary() -> dict[str, Term]:
    """``{key: Term}`` for every concept, in the catalogue's order."""
    entries = catalogue()
    keys = [key.removeprefix(f"{_PREFIX}term.") for key in entries if key.startswith(f"{_PREFIX}term.")]
    return {key: Term(key=key,
                      words={lang: entries[f"{_PREFIX}term.{key}"][lang] for lang in ("sv", "en")},
                      definitions={lang: entries[f"{_PREFIX}definition.{key}"][lang] for lang in ("sv", "en")},
                      synonyms={lang: _split(entries.get(f"{_PREFIX}forbidden.{key}", {}).get(lang, ""))
                                for lang in ("sv", "en")})
            for key in keys}


@functools.cache
def forbidden(lang: str = "sv") -> dict[str, str]:
    """``{synonym: concept key}``: every word a rendered text in ``lang`` must not use (code words under
    :data:`CODE_WORDS`)."""
    check_lang(lang)
    entries = catalogue()
    found: dict[str, str] = {}
    for key, entry in entries.items():
        if key.startswith(f"{_PREFIX}forbidden."):
            for word in _split(entry[lang]):
                found[word] = key.removeprefix(f"{_PREFIX}forbidden.")
    return found


@functools.cache
def _pattern(lang: str) -> re.Pattern:
    words = sorted(forbidden(lang), key=len, reverse=True)  # the longest first: "girig sökning" before "girig"
    alternatives = "|".join(r"\s+".join(re.escape(part) for part in word.split()) for word in words)
    return re.compile(rf"(?<![\w-])(?:{alternatives})(?![\w])", re.IGNORECASE)


def find_forbidden(text: str, lang: str = "sv", *, context: int = 40) -> list[Hit]:
    """Every forbidden synonym in ``text`` (a whole word or phrase, any case, any white space between the
    words of a phrase), in order, with ``context`` characters either side."""
    lookup = {word.casefold(): key for word, key in forbidden(lang).items()}
    hits = []
    for match in _pattern(lang).finditer(text):
        phrase = match.group(0)
        key = lookup[" ".join(phrase.split()).casefold()]
        around = text[max(0, match.start() - context): match.end() + context]
        hits.append(Hit(phrase, key, " ".join(around.split())))
    return hits


def rows(lang: str = "sv") -> list[tuple[str, str]]:
    """The glossary as a table: ``[(word, definition), ...]`` in the catalogue's order.

    Examples
    --------
    >>> rows("en")[1]
    ('lever', 'A target whose progress pulls many other targets along, that is, a target with a high systemic score.')
    """
    return [(term.term(lang), term.definition(lang)) for term in glossary().values()]


def readme_table() -> str:
    """The glossary as the README's Markdown table: the Swedish word, its meaning, the English word.

    Examples
    --------
    >>> readme_table().splitlines()[:2]
    ['| Ord | Betydelse | *Word* |', '|---|---|---|']
    """
    lines = ["| Ord | Betydelse | *Word* |", "|---|---|---|"]
    lines += [f"| **{sv}** | {meaning} | *{en}* |" for (sv, meaning), (en, _) in zip(rows("sv"), rows("en"),
                                                                                    strict=True)]
    return "\n".join(lines)
