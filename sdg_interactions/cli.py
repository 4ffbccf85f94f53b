"""The command line: ``sdg-interactions analyse|...``.

Exit codes: 0 ok; 1 a batch finished but some items failed; 2 bad input or usage. Errors print one
clear line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

import pandas as pd

from sdg_interactions.errors import SdgInteractionsError
from sdg_interactions.report import add_report_parser
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_SOME_FAILED", "build_parser", "main"]

EXIT_OK, EXIT_SOME_FAILED, EXIT_BAD_INPUT = 0, 1, 2
DEFAULT_MATRIX = "weitz2018_sweden"


class _UsageError(SdgInteractionsError):
    """A command line that argparse rejected."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # one clear line, no usage dump
        raise _UsageError(f"{self.prog}: {message} (see --help)")


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``sdg-interactions``."""
    parser = _Parser(prog="sdg-interactions", description=text("cli.description", "en"))
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    analyse = sub.add_parser("analyse", help=text("cli.analyse.help", "en"),
                             description=text("cli.analyse.help", "en"))
    analyse.add_argument("matrix", nargs="?", default=DEFAULT_MATRIX,
                         help=f"a bundled name or a path (.csv, .nc); default {DEFAULT_MATRIX}")
    analyse.add_argument("--lang", choices=LANGUAGES, default="sv", help="language of labels (default sv)")
    analyse.add_argument("--top", type=int, default=10, metavar="N",
                         help="print the N highest-ranked nodes (default 10; 0 = all)")
    analyse.add_argument("--aggregate", default="mean", choices=("mean", "median", "trimmed"),
                         help="how several respondents' answers are combined (default mean)")
    analyse.add_argument("--out", metavar="FILE.csv",
                         help="write every node's metrics to a file (.csv, or .xlsx for Excel)")
    analyse.set_defaults(run=_run_analyse)

    scenario = sub.add_parser("scenario", help=text("scenario.cli.help", "en"),
                              description=text("scenario.cli.help", "en"))
    scenario.add_argument("matrix", nargs="?", default=DEFAULT_MATRIX,
                          help=f"a bundled name or a path (.csv, .nc); default {DEFAULT_MATRIX}")
    scenario.add_argument("--priorities", required=True, metavar="ID,ID",
                          help="the prioritised node ids, comma-separated, e.g. 16.6,12.1")
    scenario.add_argument("--efforts", metavar="E,E", help="one effort > 0 per priority (default 1 each)")
    scenario.add_argument("--lang", choices=LANGUAGES, default="sv", help="language of labels (default sv)")
    scenario.add_argument("--out", metavar="FILE.csv",
                          help="write every node's effects and class to a CSV file")
    scenario.set_defaults(run=_run_scenario)
    add_report_parser(sub)
    return parser


def _run_analyse(args: argparse.Namespace) -> int:
    from sdg_interactions.io import load_matrix
    from sdg_interactions.metrics import analysis_table

    if args.top < 0:
        raise _UsageError(f"sdg-interactions analyse: --top must be 0 or more, not {args.top}")
    da = load_matrix(args.matrix, aggregate=args.aggregate)
    table = analysis_table(da, lang=args.lang)
    if args.out:
        _write_table(table, args.out, sheet="analys", lang=args.lang)
    shown = table.sort_values(["rank", "node"], kind="stable")
    if args.top:  # ties at the edge are all shown
        shown = shown[shown["rank"] <= args.top]
    name = da.attrs.get(f"title_{args.lang}") or da.attrs.get("name") or args.matrix
    print(text("cli.analyse.heading", args.lang, name=name, n=len(table)))
    columns = ["rank", "node", "label", "out_sum", "second_order", "systemic"]
    display = shown[columns].rename(columns={c: text(f"column.{c}", args.lang) for c in columns})
    with pd.option_context("display.max_colwidth", 48, "display.width", 200):
        print(display.to_string(index=False))
    if da.attrs.get("citation"):
        print(text("cli.source", args.lang, citation=da.attrs["citation"]))
    if args.out:
        print(text("cli.analyse.written", args.lang, path=args.out, n=len(table)))
    return EXIT_OK


def _run_scenario(args: argparse.Namespace) -> int:
    from sdg_interactions.io import load_dataset
    from sdg_interactions.matrix import RESPONDENT, aggregate
    from sdg_interactions.metrics import to_table
    from sdg_interactions.scenario import CLASSES, EFFECT_VARIABLES, scenario, triggered_conflicts

    lang = args.lang
    priorities = [p.strip() for p in args.priorities.split(",") if p.strip()]
    efforts = None
    if args.efforts is not None:
        efforts = []
        for raw in args.efforts.split(","):
            try:
                number = float(raw)
                efforts.append(int(number) if number.is_integer() else number)
            except ValueError:
                efforts.append(raw.strip())  # scenario() names it in the error
    ds = load_dataset(args.matrix)
    da = aggregate(ds) if RESPONDENT in ds["score"].dims else ds["score"]
    result = scenario(da, priorities, efforts=efforts)
    conflicts = triggered_conflicts(ds, priorities)
    table = to_table(result, lang=lang, columns=(*EFFECT_VARIABLES, "class"))
    if args.out:
        _write_table(table, args.out, sheet="scenario", lang=lang)
    name = ds.attrs.get(f"title_{lang}") or ds.attrs.get("name") or args.matrix
    print(text("scenario.cli.heading", lang, name=name, priorities=", ".join(result.attrs["priorities"]),
               efforts=", ".join(f"{e:g}" for e in result.attrs["efforts"])))
    columns = ["node", "label", "direct_pos", "direct_neg", "indirect_pos", "indirect_neg", "effect_net"]
    headers = {c: text(f"column.{c}" if c in ("node", "label") else f"scenario.column.{c}", lang)
               for c in columns}
    with pd.option_context("display.max_colwidth", 48, "display.width", 200):
        for code in CLASSES:
            rows = table[table["class"] == code].sort_values(["direct_pos", "effect_net"], ascending=False,
                                                             kind="stable")
            if rows.empty:
                continue
            print()
            print(text("scenario.cli.class_heading", lang, name=text(f"scenario.class.{code}", lang),
                       n=len(rows), help=text(f"scenario.class_help.{code}", lang)))
            print(rows[columns].rename(columns=headers).to_string(index=False))
        print()
        if conflicts.empty:
            print(text("scenario.cli.no_conflicts", lang))
        else:
            print(text("scenario.cli.conflicts", lang, n=len(conflicts)))
            for row in conflicts.itertuples(index=False):
                labels = f"{getattr(row, f'source_label_{lang}')} → {getattr(row, f'target_label_{lang}')}"
                comment = f" – {row.comment}" if row.comment else ""
                print(f"  {row.source} → {row.target} ({row.score:+g}): {labels}{comment}")
    if ds.attrs.get("citation"):
        print(text("cli.source", lang, citation=ds.attrs["citation"]))
    if args.out:
        print(text("scenario.cli.written", lang, path=args.out, n=len(table)))
    return EXIT_OK


def _write_table(table: pd.DataFrame, path: str, *, sheet: str, lang: str) -> None:
    """Write a result table: Excel (headers in ``lang``, text as text) for ``.xlsx``, else CSV (UTF-8)."""
    if str(path).lower().endswith(".xlsx"):
        from sdg_interactions.io import write_results_excel

        write_results_excel(path, {sheet: table}, lang=lang)
    else:
        table.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 some items failed, 2 bad input or usage)."""
    try:
        args = build_parser().parse_args(argv)
        return args.run(args)
    except SdgInteractionsError as error:
        print(f"error: {error}".replace("\n", " "), file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        print(f"error: {error.strerror or error}: {error.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_BAD_INPUT
    except SystemExit as exit_:  # --help and --version
        return int(exit_.code or 0)


def _entry() -> None:  # pragma: no cover - the console script
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    _entry()
