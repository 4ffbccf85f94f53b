"""Build the SYNTHETIC demo data sets from the bundled Sweden matrix: never real answers.

    python datasets/build_synthetic.py            # writes into datasets/matrices/
    python datasets/build_synthetic.py --out DIR  # writes into DIR (the tests regenerate into a tmp dir)

Both data sets are derived from SEI's Sweden matrix (``matrices/weitz2018_sweden.csv``, 34 targets,
Weitz et al. 2018) by the rules below, with Python's :class:`random.Random` seeded with :data:`SEED`
(only ``random()`` is drawn, whose stream Python keeps stable across versions), so the same files
come out byte for byte every time. Nobody answered anything: they exist to show and test the
library's tools for several respondents and for comparing kommuner. ``matrices/SYNTHETIC.md``
describes them for readers of the data.

``synthetic_respondents.csv`` — 12 invented respondents ``R01`` … ``R12``, long format
``respondent,source,target,score,comment,uncertain``, one row per respondent and pair (12 × 1,122):

* **Noise**: each answer is the Sweden score, moved one step with probability :data:`P_MOVE` (0.25),
  up or down with equal probability, clipped to −3…3. On a pair Sweden scored 0 the direction is drawn
  once per pair, so noise alone never makes a pair "contested" by sign (someone > 0 and someone < 0).
* **Planted disagreement** on the :data:`PLANTED` pairs: the 12 answers are 6 × +2, 3 × −1 and 3 × −2,
  shuffled. 12.1 → 8.5 and 16.6 → 9.4 sit in the rows of the Sweden matrix's two strongest levers
  (systemic rank 1 and 2), where a disputed score moves the ranking most.
* **Uncertain marks**: probability :data:`P_UNCERTAIN` (0.08) per answer, :data:`P_UNCERTAIN_PLANTED`
  (0.25) on the planted pairs.
* **Missing answers**: probability :data:`P_MISSING` (0.03) per answer, written as a blank score; never
  on the planted pairs.
* **Comments**: blank, except on each planted pair for the first respondent who scored +2 and the first
  who scored it negative (their reasons, in :data:`PLANTED`).

``synthetic_kommuner/<kommunkod>_<name>.csv`` — five kommuner sharing one programme with local
differences: each file is the Sweden matrix (``source,target,score,comment``) with the departures in
:data:`KOMMUNER` (the score the kommun gives, and why, in its ``comment``). No randomness: the
departures are all there is. Three departures are shared by two kommuner each (11.2 → 8.5 Härryda and
Falköping, 11.1 → 15.5 Härryda and Stockholm, 11.1 → 10.1 Stockholm and Malmö): two of five still leave the
median, the consensus, at Sweden's score, so every kommun departs from the consensus exactly where it
departs from Sweden.
"""

from __future__ import annotations

import argparse
import csv
import random
from pathlib import Path

#: The seed of every random draw.
SEED = 20180531
#: The invented respondents.
RESPONDENTS = tuple(f"R{k:02d}" for k in range(1, 13))
P_MOVE, P_UNCERTAIN, P_UNCERTAIN_PLANTED, P_MISSING = 0.25, 0.08, 0.25, 0.03
#: The 12 answers of a planted pair, before shuffling: half promote, half hinder.
PLANTED_ANSWERS = (2, 2, 2, 2, 2, 2, -1, -1, -1, -2, -2, -2)

#: Planted disagreement: (source, target) -> (reason of a +2, reason of a negative score).
PLANTED = {
    ("12.1", "8.5"): ("Hållbar produktion ger nya jobb i återbruk och reparation",
                      "Minskad konsumtion kostar jobb i handeln"),
    ("16.6", "9.4"): ("Tydliga beslutsprocesser gör att infrastruktur byggs snabbare",
                      "Fler granskningar och överklaganden försenar byggandet"),
    ("2.4", "6.6"): ("Våtmarker och skyddszoner i jordbruket gynnar vattnen",
                     "Mer odling ger mer näringsläckage till sjöar och vattendrag"),
    ("7.2", "15.5"): ("Solceller på tak tar ingen mark",
                      "Vindkraft och vattenkraft tränger undan arter och renbete"),
}

#: The synthetic kommuner: file stem -> {(source, target): (score, reason)}.
KOMMUNER = {
    "1499_falkoping": {  # rural, farming, long distances
        ("11.2", "8.5"): (2, "landsbygd: utan kollektivtrafik når man inte jobben"),
        ("2.4", "8.5"): (2, "jordbruket är en stor arbetsgivare"),
        ("7.2", "2.4"): (-1, "solparker på åkermark konkurrerar med odlingen"),
        ("11.2", "13.2"): (1, "långa avstånd: bilen behövs, klimatmålen blir svårare"),
        ("13.1", "2.4"): (1, "anpassning kostar gårdarna mer än den ger på kort sikt"),
    },
    "1401_harryda": {  # commuter kommun with the region's airport
        ("9.4", "13.2"): (-1, "flygplatsens utbyggnad ökar utsläppen"),
        ("9.4", "15.5"): (-1, "ny infrastruktur delar upp naturområden"),
        ("11.2", "8.5"): (2, "pendling till Göteborg: transporterna är vägen till jobben"),
        ("11.1", "15.5"): (-1, "nya bostäder byggs på skogsmark"),
    },
    "0180_stockholm": {  # dense city
        ("11.1", "15.5"): (-2, "förtätning tar grönområden i staden"),
        ("11.2", "7.3"): (3, "kollektivtrafik och cykel sparar mest energi i staden"),
        ("11.2", "3.4"): (3, "gång, cykel och renare luft minskar sjukdomarna"),
        ("11.1", "10.1"): (2, "hyresrätter i alla stadsdelar minskar klyftorna"),
    },
    "2480_umea": {  # northern, forests, university
        ("15.2", "7.2"): (2, "skogen ger bioenergi"),
        ("7.2", "15.2"): (-2, "uttag av biobränsle och vindkraft i skogen pressar skogsekosystemen"),
        ("9.5", "8.4"): (3, "universitetets forskning driver resurseffektiviteten"),
        ("7.2", "15.5"): (-3, "vindkraft och vattenkraft i renbetesland"),
        ("4.4", "9.5"): (3, "yrkes- och högskoleutbildning försörjer forskningen"),
    },
    "1280_malmo": {  # coastal, dense, young and international
        ("10.7", "8.5"): (3, "väl ordnad migration är stadens arbetskraft"),
        ("14.1", "14.4"): (2, "renare Öresund ger mer fisk"),
        ("10.7", "4.1"): (-1, "snabb inflyttning pressar skolorna"),
        ("13.1", "11.1"): (-1, "skydd mot höjda havsnivåer fördyrar bostäderna"),
        ("11.1", "10.1"): (3, "blandade upplåtelseformer minskar segregationen"),
    },
}

HERE = Path(__file__).resolve().parent
SWEDEN = HERE / "matrices" / "weitz2018_sweden.csv"


def read_sweden(path: Path = SWEDEN) -> list[tuple[str, str, int]]:
    """The Sweden matrix's rows ``(source, target, score)`` in file order."""
    with open(path, encoding="utf-8", newline="") as handle:
        return [(row["source"], row["target"], int(row["score"])) for row in csv.DictReader(handle)]


def _write(path: Path, header: list[str], rows: list[list[str]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(header)
        writer.writerows(rows)


def _shuffled(values: tuple[int, ...], rng: random.Random) -> list[int]:
    """Fisher–Yates with ``rng.random()`` only (stable across Python versions)."""
    out = list(values)
    for i in range(len(out) - 1, 0, -1):
        j = int(rng.random() * (i + 1))
        out[i], out[j] = out[j], out[i]
    return out


def respondent_rows(sweden: list[tuple[str, str, int]], seed: int = SEED) -> list[list[str]]:
    """The rows of ``synthetic_respondents.csv`` (without the header), by the rules of the module docstring."""
    missing_cells = set(PLANTED) - {(s, t) for s, t, _ in sweden}
    if missing_cells:
        raise SystemExit(f"planted pairs not in the Sweden matrix: {sorted(missing_cells)}")
    rng = random.Random(seed)
    zero_direction = {(s, t): 1 if rng.random() < 0.5 else -1 for s, t, score in sweden if score == 0}
    planted = {cell: _shuffled(PLANTED_ANSWERS, rng) for cell in PLANTED}
    commented: set[tuple[str, str, str]] = set()  # (source, target, side)
    rows = []
    for k, respondent in enumerate(RESPONDENTS):
        for source, target, base in sweden:
            u_move, u_direction, u_missing, u_uncertain = (rng.random() for _ in range(4))
            cell = (source, target)
            comment = ""
            if cell in planted:
                score: int | None = planted[cell][k]
                side = "pos" if score > 0 else "neg"
                if (source, target, side) not in commented:
                    commented.add((source, target, side))
                    comment = PLANTED[cell][0 if side == "pos" else 1]
                uncertain = u_uncertain < P_UNCERTAIN_PLANTED
            else:
                score = base
                if u_move < P_MOVE:
                    step = zero_direction.get(cell) or (1 if u_direction < 0.5 else -1)
                    score = max(-3, min(3, base + step))
                if u_missing < P_MISSING:
                    score = None
                uncertain = score is not None and u_uncertain < P_UNCERTAIN
            rows.append([respondent, source, target, "" if score is None else str(score), comment,
                         "1" if uncertain else ""])
    return rows


def kommun_rows(sweden: list[tuple[str, str, int]], departures: dict) -> list[list[str]]:
    """The rows of one synthetic kommun's file: the Sweden matrix with its ``departures``."""
    unknown = set(departures) - {(s, t) for s, t, _ in sweden}
    if unknown:
        raise SystemExit(f"departures on pairs not in the Sweden matrix: {sorted(unknown)}")
    rows = []
    for source, target, score in sweden:
        if (source, target) in departures:
            new, reason = departures[(source, target)]
            rows.append([source, target, str(new), f"Syntetiskt exempel: {reason}"])
        else:
            rows.append([source, target, str(score), ""])
    return rows


def build(out: Path = HERE / "matrices") -> list[Path]:
    """Write every synthetic file into ``out``; return their paths."""
    sweden = read_sweden()
    written = [out / "synthetic_respondents.csv"]
    _write(written[0], ["respondent", "source", "target", "score", "comment", "uncertain"],
           respondent_rows(sweden))
    for stem, departures in KOMMUNER.items():
        path = out / "synthetic_kommuner" / f"{stem}.csv"
        _write(path, ["source", "target", "score", "comment"], kommun_rows(sweden, departures))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=HERE / "matrices",
                        help="folder to write into (default: datasets/matrices next to this script)")
    for path in build(parser.parse_args(argv).out):
        print(path)


if __name__ == "__main__":
    main()
