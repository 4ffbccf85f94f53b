"""``sdg-interactions styrdokument``: which strong levers and conflicts the kommun's decided goals cover.

``sdg-interactions styrdokument FILE [--matrix M] [--top-k K] [--lang sv|en] [--out FILE.csv]`` reads a
styrdokument table (:func:`~sdg_interactions.io.styrdokument.read_styrdokument`; ``exempel`` is the
bundled, invented example) and prints the strongest levers, covered or gaps, and the conflicts by
coverage (:func:`~sdg_interactions.analysis.styrdokument.coverage`).
``sdg-interactions styrdokument --template FILE.csv|FILE.xlsx`` writes a template to fill in.
"""

from __future__ import annotations

import argparse
import functools

import pandas as pd

from sdg_interactions import ranges
from sdg_interactions.cli._common import EXIT_OK, UsageError, matrix_help, matrix_title, number
from sdg_interactions.frameworks import DEFAULT_MATRIX
from sdg_interactions.matrix import AGGREGATIONS
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["add_parser", "coverage_tables", "run_styrdokument"]

_PROG = "sdg-interactions styrdokument"


def add_parser(sub, lang: str = "sv") -> argparse.ArgumentParser:
    """Add ``styrdokument`` to the subparsers ``sub``, its help in ``lang``; it runs :func:`run_styrdokument`."""
    t = functools.partial(text, lang=lang)
    parser = sub.add_parser("styrdokument", help=t("styrdokument.cli.help"), description=t("styrdokument.cli.help"))
    parser.add_argument("file", nargs="?", metavar="FILE", help=t("styrdokument.cli.arg_file"))
    parser.add_argument("--matrix", default=DEFAULT_MATRIX, metavar="M", help=matrix_help(lang, DEFAULT_MATRIX))
    parser.add_argument("--top-k", type=number("--top-k", ranges.COUNT, lang, high=ranges.SHOWN.high), default=5,
                        metavar="K", help=t("ranges.help.styrdokument_top_k"))
    parser.add_argument("--aggregate", default="mean", choices=AGGREGATIONS, help=t("cli.arg.aggregate"))
    parser.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("cli.arg.lang"))
    parser.add_argument("--out", metavar="FILE.csv", help=t("styrdokument.cli.arg_out"))
    parser.add_argument("--template", metavar="FILE", help=t("styrdokument.cli.arg_template"))
    parser.add_argument("--no-example", action="store_true", help=t("styrdokument.cli.arg_no_example"))
    parser.set_defaults(run=run_styrdokument)
    return parser


def coverage_tables(result, lang: str) -> dict[str, pd.DataFrame]:
    """The tables ``--out`` writes: ``styrdokument`` (one row per goal, by rank) and ``malkonflikter``."""
    nodes = result.nodes.rename(columns={f"label_{lang}": "label"}).drop(
        columns=[c for c in result.nodes.columns if c.startswith("label_") and c != f"label_{lang}"])
    nodes = nodes.sort_values("rank", kind="stable").reset_index(drop=True)
    columns = ["source", "target", "score", "coverage", "source_documents", "target_documents", "comment"]
    return {"styrdokument": nodes, "malkonflikter": result.conflicts[columns]}


def _write(tables: dict[str, pd.DataFrame], path: str, lang: str) -> None:
    from sdg_interactions.io import write_results_excel, write_table_csv

    if str(path).lower().endswith(".xlsx"):
        write_results_excel(tables, path, lang=lang)
    else:
        write_table_csv(tables["styrdokument"], path)


def _template(args: argparse.Namespace) -> int:
    from sdg_interactions.io.styrdokument import example_rows, write_styrdokument_template

    if args.file:
        raise UsageError(text("styrdokument.cli.both", args.lang, prog=_PROG))
    write_styrdokument_template(args.template, lang=args.lang, example=not args.no_example)
    n = 0 if args.no_example else len(example_rows(args.lang))
    print(text("styrdokument.cli.template_written", args.lang, path=args.template, n=n))
    return EXIT_OK


def run_styrdokument(args: argparse.Namespace) -> int:
    """``sdg-interactions styrdokument``: the levers covered and the gaps, the conflicts by coverage."""
    from sdg_interactions import formats
    from sdg_interactions.analysis.styrdokument import CONFLICT_COVERAGE, coverage
    from sdg_interactions.io import load_dataset
    from sdg_interactions.report.wording import scale_words

    if args.template:
        return _template(args)
    if not args.file:
        raise UsageError(text("styrdokument.cli.neither", args.lang, prog=_PROG))
    lang = args.lang
    ds = load_dataset(args.matrix)
    result = coverage(ds, args.file, top_k=args.top_k, aggregate=args.aggregate)
    tables = coverage_tables(result, lang)
    if args.out:
        _write(tables, args.out, lang)
    nodes = result.nodes
    print(text("styrdokument.cli.heading", lang, name=matrix_title(ds, lang, args.matrix),
               n_documents=result.table["document"].nunique(),
               n_goals=len(result.table[["document", "local_goal"]].drop_duplicates()),
               n_covered=int(nodes["covered"].sum()), n_nodes=len(nodes)))
    print()
    print(text("styrdokument.cli.levers", lang, k=result.top_k))
    yes, no = text("styrdokument.cli.yes", lang), text("styrdokument.cli.no", lang)
    shown = pd.DataFrame({
        text("column.rank", lang): result.levers["rank"],
        text("column.node", lang): result.levers["node"],
        text("column.label", lang): result.levers[f"label_{lang}"],
        text("styrdokument.report.status", lang): [yes if c else no for c in result.levers["covered"]],
        text("styrdokument.report.documents", lang): result.levers["documents"],
    })
    with pd.option_context("display.max_colwidth", 48, "display.width", 200):
        print(shown.to_string(index=False))
    print()
    print(text("styrdokument.cli.conflicts", lang))
    for kind in CONFLICT_COVERAGE:
        rows = result.conflicts_of(kind)
        print(f"  {text(f'styrdokument.coverage.{kind}', lang)}: {len(rows)}")
        if kind == "none":
            continue
        for row in rows.itertuples(index=False):
            print("    " + text("styrdokument.cli.pair", lang, source=row.source, target=row.target,
                                 score=formats.number(row.score, lang), scale=scale_words(row.score, lang),
                                 source_label=getattr(row, f"source_label_{lang}"),
                                 target_label=getattr(row, f"target_label_{lang}")))
    outside = list(dict.fromkeys(result.not_in_matrix["sdg_target"]))
    if outside:
        print()
        print(text("styrdokument.report.not_in_matrix", lang, ids=", ".join(outside)))
    n_examples = int(result.table.loc[result.table["example"], "row"].nunique())
    if n_examples:
        print(text("styrdokument.report.examples", lang, n=n_examples))
    if ds.attrs.get("citation"):
        print(text("cli.source", lang, citation=ds.attrs["citation"]))
    if args.out:
        print(text("styrdokument.cli.written", lang, path=args.out, n=len(tables["styrdokument"])))
    return EXIT_OK
