"""Rebuild the bundled tables in this folder from the project's reference data.

Run by hand, never at import time::

    python datasets/build_datasets.py /path/to/shared/reference

Plain copies stay byte-for-byte identical to the reference files; the conversions (new columns, the
long-format matrices, the Mongolia ids and the injection guard) and the corrections of errors in the
reference files (``CORRECTIONS``) are done here so anyone can check them.
See README.md in this folder for what each file is and where it came from.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent

COPIED = [
    "lan.csv",
    "miljokvalitetsmal.csv",
    "folkhalsopolitiska_malomraden.csv",
    "weitz2018_sweden_published_metrics.csv",
]

LAYER = {**dict.fromkeys([6, 13, 14, 15], "biosphere"),
         **dict.fromkeys([1, 2, 3, 4, 5, 7, 11, 16], "society"),
         **dict.fromkeys([8, 9, 10, 12], "economy"), 17: "all"}
FIVE_P = {**dict.fromkeys(range(1, 6), "people"), **dict.fromkeys([6, 12, 13, 14, 15], "planet"),
          **dict.fromkeys(range(7, 12), "prosperity"), 16: "peace", 17: "partnership"}

# Two spelling errors of the transcription, corrected in name_en (the original stays beside it).
MONGOLIA_SPELLING = {"Toursim sector": "Tourism sector", "Perserve biodiversity": "Preserve biodiversity"}


# Errors in the reference files, corrected as text so the rest of each file stays byte-for-byte as it was:
# {file: [(wrong, right), ...]}; each wrong text must occur exactly once. Found by the Swedish spell check
# (tests/test_spelling_sv.py) and the genitive check (tests/test_texts.py).
CORRECTIONS = {
    "sdg_targets_sv.csv": [
        ('"Anta skatte och socialskyddspolitik', '"Anta skatte- och socialskyddspolitik'),  # 10.4 title
        ("mot mer hållbarar konsumtions-", "mot mer hållbara konsumtions-"),  # 12.a text
        ("Skydda den bioligiska mångfalden", "Skydda den biologiska mångfalden"),  # 15.5 title
    ],
    "kommuner.csv": [  # kommun_fullname: Falun's kommun is "Falu kommun"; s/x-final names take no extra s
        ("2080,Falun,Faluns kommun,", "2080,Falun,Falu kommun,"),
        ("2513,Överkalix,Överkalixs kommun,", "2513,Överkalix,Överkalix kommun,"),
        ("2514,Kalix,Kalixs kommun,", "2514,Kalix,Kalix kommun,"),
    ],
}


def correct(reference: Path, name: str) -> None:
    """Copy ``name`` from ``reference`` with the ``CORRECTIONS`` applied; fail if one does not fit."""
    text = (reference / name).read_bytes().decode("utf-8")
    for wrong, right in CORRECTIONS[name]:
        if text.count(wrong) != 1:
            raise SystemExit(f"{name}: expected {wrong!r} exactly once, found it {text.count(wrong)} times")
        text = text.replace(wrong, right)
    (HERE / name).write_bytes(text.encode("utf-8"))


def guard(text: str) -> str:
    """The CSV injection guard of DESIGN.md: one leading ' before = + - @, tab or CR."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def write(frame: pd.DataFrame, name: str) -> None:
    frame.to_csv(HERE / name, index=False, lineterminator="\n")


def main(reference: Path) -> None:
    def read(name: str) -> pd.DataFrame:
        return pd.read_csv(reference / name, dtype=str, keep_default_na=False)

    for name in COPIED:
        shutil.copyfile(reference / name, HERE / name)
    for name in CORRECTIONS:
        correct(reference, name)

    goals = read("sdg_goals.csv")
    goals["layer"] = [LAYER[int(g)] for g in goals["goal"]]
    goals["five_p"] = [FIVE_P[int(g)] for g in goals["goal"]]
    write(goals, "sdg_goals.csv")

    targets = read("sdg_targets.csv")
    weitz = read("sdg_interactions_weitz2018_sweden_targets.csv").set_index("target_id")
    targets["short_en"] = targets["target_id"].map(weitz["short_name_en"]).fillna("")
    write(targets, "sdg_targets.csv")

    sweden = read("sdg_interactions_weitz2018_sweden.csv")
    write(pd.DataFrame({"source": sweden["from_target"], "target": sweden["to_target"],
                        "score": sweden["score"], "comment": ""}), "matrices/weitz2018_sweden.csv")

    mongolia = read("mongolia_sdv2030_interactions.csv")
    write(pd.DataFrame({"source": "MN-" + mongolia["source"], "target": "MN-" + mongolia["target"],
                        "score": mongolia["score"], "comment": mongolia["reason"].map(guard)}),
          "matrices/mongolia2017.csv")
    names = (mongolia[["source", "source_name"]].drop_duplicates()
             .sort_values("source", key=lambda s: s.astype(int)))
    write(pd.DataFrame({"id": "MN-" + names["source"],
                        "name_en": names["source_name"].replace(MONGOLIA_SPELLING),
                        "name_sv": "",
                        "name_en_as_transcribed": names["source_name"]}),
          "frameworks/mongolia2017_objectives.csv")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
