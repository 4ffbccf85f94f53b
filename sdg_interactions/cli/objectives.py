"""``sdg-interactions objectives``: what priorities mean for the miljömål and folkhälsomål.

``sdg-interactions objectives [MATRIX] [--priorities ID,ID] [--linkage miljomal|folkhalsomal|FILE]
[--lang sv|en] [--out FILE.csv]`` runs the scenario of the priorities (default: the five strongest levers),
projects its effects onto the national objectives through a linkage table — the project's proposal
(:func:`~sdg_interactions.frameworks.linkage`), or the kommun's own CSV/Excel file — and prints, per
objective, the promoting and hindering parts (:func:`~sdg_interactions.analysis.project_onto`).
"""

from __future__ import annotations

import argparse
import functools

import pandas as pd

from sdg_interactions.cli._common import EXIT_OK, matrix_help, matrix_title, show_table, write_table
from sdg_interactions.frameworks import DEFAULT_MATRIX
from sdg_interactions.matrix import AGGREGATIONS
from sdg_interactions.texts import LANGUAGES, objective_code, text

__all__ = ["add_parser", "run_objectives"]


def add_parser(sub, lang: str = "sv") -> argparse.ArgumentParser:
    """Add ``objectives`` to the subparsers ``sub``, its help in ``lang``; it runs :func:`run_objectives`."""
    t = functools.partial(text, lang=lang)
    parser = sub.add_parser("objectives", help=t("cli.objectives.help"), description=t("cli.objectives.help"))
    parser.add_argument("matrix", nargs="?", default=DEFAULT_MATRIX, help=matrix_help(lang, DEFAULT_MATRIX))
    parser.add_argument("--priorities", default="", metavar="ID,ID", help=t("cli.objectives.arg_priorities"))
    parser.add_argument("--linkage", action="append", metavar="NAME|FILE", help=t("cli.objectives.arg_linkage"))
    parser.add_argument("--aggregate", default="mean", choices=AGGREGATIONS, help=t("cli.arg.aggregate"))
    parser.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("cli.arg.lang"))
    parser.add_argument("--out", metavar="FILE.csv", help=t("cli.objectives.arg_out"))
    parser.set_defaults(run=run_objectives)
    return parser


def run_objectives(args: argparse.Namespace) -> int:
    """``sdg-interactions objectives``: the priorities' effect on each objective of each linkage."""
    from sdg_interactions.analysis import project_onto, propagate, sdg_synergies
    from sdg_interactions.frameworks import linkage
    from sdg_interactions.io import load_matrix
    from sdg_interactions.matrix import node_ids

    lang = args.lang
    m = load_matrix(args.matrix, combine=args.aggregate)
    tables = [linkage(name) for name in (args.linkage or ["miljomal", "folkhalsomal"])]  # checked before use
    chosen = [p.strip() for p in args.priorities.split(",") if p.strip()]
    if not chosen:
        rank = sdg_synergies(m)["rank"].values
        ids = node_ids(m)
        chosen = [ids[k] for k in sorted(range(len(ids)), key=lambda k: (rank[k], k))[:5]]
    effects = propagate(m, chosen)
    rows = []
    print(text("cli.objectives.heading", lang, name=matrix_title(m, lang, args.matrix),
               priorities=", ".join(effects.attrs["priorities"])))
    for table in tables:
        p = project_onto(effects, table)
        status = text("cli.objectives.proposal" if p.attrs.get("linkage_status") == "proposal"
                      else "cli.objectives.user", lang, title=p.attrs.get(f"linkage_title_{lang}", ""))
        frame = pd.DataFrame({"objective": p["objective"].values, "label": p[f"label_{lang}"].values,
                              "n_linked": p["n_linked"].values, "effect_pos": p["effect_pos"].values.round(2),
                              "effect_neg": p["effect_neg"].values.round(2),
                              "effect_net": p["effect_net"].values.round(2)})
        print()
        print(status)
        shown = frame.assign(objective=[objective_code(o, lang) for o in frame["objective"]])  # EQO 13 in English
        show_table(shown, lang, {c: text(f"cli.column.{c}", lang) for c in frame.columns}, decimals=1)
        rows.append(frame.assign(linkage=p.attrs.get("linkage", "")))
    if args.out:
        out = pd.concat(rows, ignore_index=True)
        write_table(out[["linkage", "objective", "label", "n_linked", "effect_pos", "effect_neg", "effect_net"]],
                    args.out, sheet="mal", lang=lang)
        print(text("decision.written", lang, path=args.out, n=len(out)))
    return EXIT_OK
