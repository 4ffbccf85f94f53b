"""Shared fixtures: a Dataset that exercises every corner of the file formats."""

from pathlib import Path

import pandas as pd
import pytest

from sdg_interactions.matrix import from_long

DATA = Path(__file__).parent / "data"

#: Node ids that break naive handling: 8.10 is not 8.1, 8.a sorts after 8.10, a non-SDG node.
ROUNDTRIP_IDS = ["1.1", "1.a", "8.1", "8.2", "8.10", "8.a", "17.1", "17.10", "MKM-1"]

#: Comments that a CSV writer, a spreadsheet or an encoding can get wrong.
TRICKY_COMMENTS = [
    "sjöar, åar och ängar",  # å ä ö and a comma
    'the "polluter pays" rule',  # double quotes
    "first line\nsecond line",  # a line break
    "=SUM(A1:A3)",  # looks like a formula
    "-1 would be too harsh",  # leading minus
    "+ more jobs",  # leading plus
    "@kommun",  # leading at
    "semi; colon",  # the other separator
    "'quoted already",  # a user's own apostrophe: must stay
    "'=both",  # apostrophe before a formula-like start
    "\ttab first",  # leading tab
    "windows\r\nline break",  # CRLF inside a cell
    "emoji 🌍 and ß",
]


def roundtrip_table() -> pd.DataFrame:
    """Three respondents' long answers as text, as a file would hold them."""
    rows = []

    def add(respondent, source, target, score, comment="", uncertain=""):
        rows.append({"respondent": respondent, "source": source, "target": target, "score": score,
                     "comment": comment, "uncertain": uncertain})

    # anna: scores a row with 0 and blanks next to each other, most comments
    for k, (target, score) in enumerate([("1.a", "0"), ("8.1", ""), ("8.2", "3"), ("8.10", "-3"),
                                         ("8.a", "0"), ("17.1", "2"), ("17.10", "-1"), ("MKM-1", "1")]):
        add("anna", "1.1", target, score, TRICKY_COMMENTS[k], "ja" if k % 3 == 0 else "")
    add("anna", "8.10", "8.1", "2", TRICKY_COMMENTS[8])
    add("anna", "8.1", "8.10", "-2", TRICKY_COMMENTS[9], "x")
    # bertil: an unscored cell that carries only a comment, another only an uncertain mark
    add("bertil", "1.1", "1.a", "1", TRICKY_COMMENTS[10])
    add("bertil", "17.10", "17.1", "", "cannot judge this one")
    add("bertil", "17.1", "17.10", "", "", "1")
    add("bertil", "8.a", "MKM-1", "-2", TRICKY_COMMENTS[11], "1")
    add("bertil", "1.1", "8.2", "3", TRICKY_COMMENTS[12])
    # a respondent name that looks like a formula, with a comma and a letter beyond ASCII
    for source, target, score in [("1.1", "1.a", "2"), ("8.2", "8.1", "0"), ("MKM-1", "1.1", "-1"),
                                  ("1.a", "1.1", "1")]:
        add("=Cecilia, Ö.", source, target, score)
    return pd.DataFrame(rows)


@pytest.fixture
def roundtrip_dataset():
    """Three respondents (one named like a formula) on nine nodes: 1.1, 1.a, 8.1, 8.2, 8.10, 8.a,
    17.1, 17.10, MKM-1; NaN and 0 in one row; tricky comments; uncertain marks; unscored cells that
    carry only a comment or only a mark."""
    return from_long(roundtrip_table(), file="roundtrip")


@pytest.fixture
def data_dir():
    return DATA
