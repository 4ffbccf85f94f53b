"""sdg_interactions.cite: well-formed BibTeX, the methods a result's variables implement, its data set once."""

from __future__ import annotations

import re

import pytest

import sdg_interactions as si
from sdg_interactions.citations import METHODS, REFERENCES, cite
from sdg_interactions.errors import ValidationError


def entries(bibtex: str) -> list[str]:
    return re.findall(r"^@\w+\{([^,]+),", bibtex, flags=re.M)


@pytest.mark.parametrize("key", sorted(REFERENCES))
def test_every_reference_is_balanced_bibtex_under_its_own_key(key):
    entry = REFERENCES[key]
    assert entries(entry) == [key]
    depth = 0
    for char in entry:
        depth += {"{": 1, "}": -1}.get(char, 0)
        assert depth >= 0
    assert depth == 0 and re.search(r"year = \{\d{4}\}", entry)


def test_a_results_methods_and_its_data_set():
    m = si.load_matrix("mongolia2017")
    result = si.all_metrics(m)
    expected = []
    for name in result.data_vars:  # the methods of its variables, first met first
        for key in METHODS.get(str(name), ()):
            if key not in expected:
                expected.append(key)
    text = cite(result)
    assert entries(text) == [*expected, "mongolia2017"]
    assert m.attrs["citation"] in text
    assert entries(cite(result, result, "godet1986")) == entries(text)  # each once


def test_the_sweden_matrix_is_cited_as_its_paper_not_twice():
    text = cite(si.sdg_synergies(si.load_matrix("weitz2018_sweden")))
    assert entries(text) == ["weitz2018", "nilsson2016"]


def test_every_method_key_is_referenced_in_the_docstring_of_the_code_that_implements_it():
    from sdg_interactions.analysis import clusters, influence, micmac, null_model

    sources = " ".join(module.__doc__ or "" for module in (clusters, influence, micmac, null_model))
    for key, author in [("godet1986", "Godet"), ("gabus1973", "Gabus"), ("clauset2004", "Clauset"),
                        ("maslov2002", "Maslov")]:
        assert author in sources and key in REFERENCES


def test_unknown_key_is_refused():
    with pytest.raises(ValidationError, match="unknown reference: 'x'"):
        cite("x")
