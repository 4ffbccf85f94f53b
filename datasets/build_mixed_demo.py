"""Build the mixed DEMO matrix (invented scores, not an assessment): SDG targets, miljömål, folkhälsomål
and the goals of the invented kommun Exempelby side by side.

    python datasets/build_mixed_demo.py            # writes datasets/matrices/mixed_demo.csv
    python datasets/build_mixed_demo.py --out DIR  # writes DIR/mixed_demo.csv (the tests rebuild it in a tmp dir)

The demo exists to show and test that a mixed matrix runs through every function, chart, command, the
workshop's target selection and the report. **Nobody scored it**; never present it as an assessment.
``matrices/MIXED_DEMO.md`` describes it for readers of the data. 19 nodes, all 19 × 18 = 342 pairs:

* 8 SDG targets of SEI's Sweden matrix (:data:`SDG`); their 56 pairs are copied from
  ``matrices/weitz2018_sweden.csv`` (Weitz et al. 2018), with the Sweden file's (blank) comments;
* 4 miljökvalitetsmål, 3 folkhälsopolitiska målområden and the 4 goals of Exempelby
  (``frameworks/exempelby_mal.csv``, bundled as the framework ``exempelby``) (:data:`OTHERS`).

Every other pair (286) is **invented** by these rules, in order:

1. **Themes**: each node has a few themes with a weight 1 or 2 (:data:`THEMES`). The base score of
   i → j is ``min(3, ⌊(Σ shared themes w_i · w_j) / 2⌋)``: 0 when they share nothing, +3 when they
   share a lot (e.g. a fossil-free kommun → reduced climate impact).
2. **Tensions**: the pairs in :data:`TENSIONS` get the negative score given there instead, each with its
   one-line reason (land for homes or wind power against biodiversity, and so on).
3. **Noise**: on every other invented pair with a base score > 0, with probability :data:`P_MOVE` the
   score moves one step up or down (equal odds, kept within 0…3), so the invented part is not
   symmetric. Python's :class:`random.Random` seeded with :data:`SEED`, only ``random()`` drawn in the
   order of the rows, so the file comes out byte for byte the same every time.

The ``comment`` of each invented cell says it is a demo and why it got its score (the shared themes or
the tension's reason).
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

#: The seed of every random draw.
SEED = 20240610
#: The probability that an invented positive score moves one step.
P_MOVE = 0.2
HERE = Path(__file__).resolve().parent

#: The SDG targets taken from the Sweden matrix (their pairs keep Sweden's scores).
SDG = ("3.4", "4.1", "6.6", "7.2", "11.2", "12.5", "13.2", "15.5")
#: The other nodes: 4 miljömål, 3 folkhälsomål, Exempelby's 4 goals.
OTHERS = ("MKM-1", "MKM-2", "MKM-15", "MKM-16", "FH-2", "FH-5", "FH-6", "EXB-1", "EXB-2", "EXB-3", "EXB-4")

#: Each node's themes (weight 1 or 2); the Swedish theme names appear in the comments.
THEMES = {
    "3.4": {"hälsa": 2, "levnadsvanor": 1},
    "4.1": {"utbildning": 2, "jämlikhet": 1},
    "6.6": {"vatten": 2, "natur": 1},
    "7.2": {"energi": 2, "klimat": 1},
    "11.2": {"stad": 2, "klimat": 1, "luft": 1},
    "12.5": {"resurser": 2, "klimat": 1},
    "13.2": {"klimat": 2},
    "15.5": {"natur": 2},
    "MKM-1": {"klimat": 2, "energi": 1},
    "MKM-2": {"luft": 2, "hälsa": 1},
    "MKM-15": {"stad": 2, "hälsa": 1, "resurser": 1},
    "MKM-16": {"natur": 2, "vatten": 1},
    "FH-2": {"utbildning": 2, "hälsa": 1, "arbete": 1},
    "FH-5": {"stad": 2, "hälsa": 1, "jämlikhet": 1},
    "FH-6": {"levnadsvanor": 2, "hälsa": 1},
    "EXB-1": {"klimat": 2, "energi": 2, "stad": 1},
    "EXB-2": {"stad": 2, "luft": 1, "klimat": 1, "levnadsvanor": 1},
    "EXB-3": {"arbete": 2, "jämlikhet": 1, "utbildning": 1},
    "EXB-4": {"stad": 2, "jämlikhet": 1, "hälsa": 1},
}

#: Invented tensions: (source, target) -> (score, reason). They replace the theme rule.
TENSIONS = {
    ("7.2", "MKM-16"): (-1, "vind- och vattenkraft tar mark och vattendrag från arter"),
    ("EXB-1", "MKM-16"): (-1, "vindkraft och mer biobränsle tar mark och skog i anspråk"),
    ("EXB-1", "EXB-3"): (-1, "omställningen kan kosta jobb i fossilberoende branscher på kort sikt"),
    ("EXB-4", "MKM-16"): (-1, "nya bostäder byggs delvis på naturmark och grönområden"),
    ("EXB-4", "15.5"): (-1, "nya bostäder byggs delvis på naturmark och grönområden"),
    ("EXB-4", "MKM-1"): (-1, "byggandet släpper ut mycket koldioxid (betong, stål, transporter)"),
    ("11.2", "MKM-16"): (-1, "nya vägar och spår splittrar livsmiljöer"),
    ("MKM-16", "EXB-4"): (-2, "skydd av värdefull natur begränsar var det går att bygga"),
    ("15.5", "EXB-4"): (-1, "skydd av arter och livsmiljöer begränsar var det går att bygga"),
    ("EXB-3", "MKM-1"): (-1, "fler i arbete ger mer pendling och konsumtion"),
}

NODES = SDG + OTHERS


def _sweden() -> dict[tuple[str, str], tuple[str, str]]:
    with open(HERE / "matrices" / "weitz2018_sweden.csv", encoding="utf-8", newline="") as handle:
        return {(r["source"], r["target"]): (r["score"], r["comment"]) for r in csv.DictReader(handle)}


def _invented(source: str, target: str, rng: random.Random) -> tuple[int, str]:
    if (source, target) in TENSIONS:
        score, reason = TENSIONS[(source, target)]
        return score, f"DEMO, påhittad poäng: målkonflikt – {reason}"
    shared = sorted(set(THEMES[source]) & set(THEMES[target]))
    base = min(3, sum(THEMES[source][t] * THEMES[target][t] for t in shared) // 2)
    if base == 0:
        return 0, "DEMO, påhittad poäng: inga gemensamma teman"
    if rng.random() < P_MOVE:
        base = min(3, max(0, base + (1 if rng.random() < 0.5 else -1)))
    return base, f"DEMO, påhittad poäng: gemensamma teman ({', '.join(shared)})"


def build(out: Path) -> Path:
    """Write ``mixed_demo.csv`` into ``out`` and return its path."""
    sweden, rng = _sweden(), random.Random(SEED)
    rows = []
    for source in NODES:
        for target in NODES:
            if source == target:
                continue
            if source in SDG and target in SDG:
                score, comment = sweden[(source, target)]
            else:
                value, comment = _invented(source, target, rng)
                score = str(value)
            rows.append((source, target, score, comment))
    out.mkdir(parents=True, exist_ok=True)
    path = out / "mixed_demo.csv"
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(("source", "target", "score", "comment"))
        writer.writerows(rows)
    return path


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=HERE / "matrices", help="folder to write into")
    print(build(parser.parse_args(argv).out))


if __name__ == "__main__":
    main()
