"""The command line: ``sdg-interactions analyse | scenario | template | workshop | report`` here; the decision
support commands (``portfolio | robustness | compare``) in :mod:`sdg_interactions.cli.decision`, ``kolada fetch``
in :mod:`sdg_interactions.cli.kolada`, ``styrdokument`` in :mod:`sdg_interactions.cli.styrdokument`,
``konsekvens`` in :mod:`sdg_interactions.cli.konsekvens`.

Exit codes: 0 ok; 1 a batch finished but some items failed; 2 bad input or usage. Errors print one
clear line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sdg_interactions import frameworks
from sdg_interactions.cli import decision, kolada, konsekvens, styrdokument
from sdg_interactions.cli._common import EXIT_BAD_INPUT, EXIT_OK, EXIT_SOME_FAILED
from sdg_interactions.cli._common import Parser as _Parser
from sdg_interactions.cli._common import UsageError as _UsageError
from sdg_interactions.cli._common import write_table as _write_table
from sdg_interactions.errors import SdgInteractionsError, ValidationError, locate
from sdg_interactions.frameworks import DEFAULT_MATRIX
from sdg_interactions.matrix import AGGREGATIONS
from sdg_interactions.report.parameters import AUDIENCES
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_SOME_FAILED", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    """Return the argument parser of ``sdg-interactions``."""
    parser = _Parser(prog="sdg-interactions", description=text("cli.description", "en"))
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    analyse = sub.add_parser("analyse", help=text("cli.analyse.help", "en"),
                             description=text("cli.analyse.help", "en"))
    analyse.add_argument("matrix", nargs="?", default=DEFAULT_MATRIX,
                         help=f"a bundled name or a path (.csv, .nc); default {DEFAULT_MATRIX}")
    analyse.add_argument("--lang", choices=LANGUAGES, default="sv", help="language of labels (default sv)")
    analyse.add_argument("--top", type=int, default=10, metavar="N",
                         help="print the N highest-ranked nodes (default 10; 0 = all)")
    analyse.add_argument("--aggregate", default="mean", choices=AGGREGATIONS,
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
    template = sub.add_parser("template", help=text("cli.template.help", "en"),
                              description=text("cli.template.help", "en"))
    template.add_argument("--nodes", required=True, metavar="NODES",
                          help="a bundled name (weitz2018_sweden), a matrix file, or node ids such as 11.6,7.2,13.2")
    template.add_argument("--respondents", default="1", metavar="N|NAMES",
                          help="a number of sheets, or names separated by commas (default 1)")
    template.add_argument("--lang", choices=LANGUAGES, default="sv", help="language of the sheets (default sv)")
    template.add_argument("--out", required=True, metavar="FILE.xlsx", help="the Excel file to write")
    template.set_defaults(run=_run_template)

    workshop = sub.add_parser("workshop", help=text("cli.workshop.help", "en"),
                              description=text("cli.workshop.help", "en"))
    steps = workshop.add_subparsers(dest="step", required=True, parser_class=_Parser)
    new = steps.add_parser("new", help="make a workshop folder: the plan, the join code, the apps, a template")
    new.add_argument("--kommun", required=True, help="the kommun, by name or kommunkod")
    new.add_argument("--nodes", default=DEFAULT_MATRIX, metavar="NODES",
                     help="a bundled name (default weitz2018_sweden), a matrix file, or node ids such as 11.6,7.2")
    new.add_argument("--respondents", default="6", metavar="N|NAMES",
                     help="how many will score (default 6), or their names/pseudonyms separated by commas")
    new.add_argument("--by", choices=("even", "rows"), default="even",
                     help="share the pairs out evenly (default) or by whole rows")
    new.add_argument("--overlap", type=int, default=2, metavar="K", help="answers wanted per pair (default 2)")
    new.add_argument("--lang", choices=LANGUAGES, default="sv", help="language of the apps (default sv)")
    new.add_argument("--out", required=True, metavar="DIR", help="the new workshop folder")
    new.set_defaults(run=_run_workshop_new)
    serve = steps.add_parser("serve", help="serve the scoring app and the facilitator's page with Voila")
    serve.add_argument("folder", metavar="DIR", help="a folder made by 'workshop new'")
    serve.add_argument("--port", type=int, default=8866, help="the participants' port (default 8866; the "
                       "facilitator's page is on the next one)")
    serve.add_argument("--ip", default="0.0.0.0", help="where participants connect (default: the local network)")
    serve.set_defaults(run=_run_workshop_serve)
    merge = steps.add_parser("merge", help="merge the journals and uploaded files; write them as one file")
    merge.add_argument("folder", metavar="DIR", help="a folder made by 'workshop new'")
    merge.add_argument("--out", metavar="FILE", help="where to write the merged answers (.nc, .csv or .xlsx; "
                       "default DIR/rapporter/svar.nc)")
    merge.add_argument("--lang", choices=LANGUAGES, default=None, help="language of the messages (default: the "
                       "workshop's)")
    merge.set_defaults(run=_run_workshop_merge)
    report = steps.add_parser("report", help="render the kommun's report from the merged answers")
    report.add_argument("folder", metavar="DIR", help="a folder made by 'workshop new'")
    report.add_argument("--lang", choices=LANGUAGES, default=None, help="language of the report (default: the "
                        "workshop's)")
    report.set_defaults(run=_run_workshop_report)
    _add_report_parser(sub)
    decision.add_parsers(sub)
    kolada.add_kolada_parser(sub)
    styrdokument.add_parser(sub)
    konsekvens.add_parser(sub)
    return parser


def _run_analyse(args: argparse.Namespace) -> int:
    from sdg_interactions.analysis import analysis_table
    from sdg_interactions.io import load_matrix

    if args.top < 0:
        raise _UsageError(f"sdg-interactions analyse: --top must be 0 or more, not {args.top}")
    da = load_matrix(args.matrix, combine=args.aggregate)
    table = analysis_table(da, lang=args.lang)
    if args.out:
        _write_table(table, args.out, sheet="analys", lang=args.lang)
    shown = table.sort_values("rank", kind="stable")  # the table is in natural node order: ties keep it
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
    from sdg_interactions.analysis import CLASSES, EFFECT_VARIABLES, scenario, to_table, triggered_conflicts
    from sdg_interactions.io import load_dataset
    from sdg_interactions.matrix import single_matrix

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
    result = scenario(single_matrix(ds, what="a scenario"), priorities, efforts=efforts)
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


def _run_template(args: argparse.Namespace) -> int:
    from sdg_interactions.io import nodes_from, write_template

    if not str(args.out).lower().endswith(".xlsx"):
        raise ValidationError(locate("the template is an Excel file", value=args.out, valid="a name ending in .xlsx"))
    ids = nodes_from(args.nodes)
    respondents = _respondents(args.respondents)
    if respondents in (0, []):
        raise ValidationError(locate("a template needs at least one respondent", value=args.respondents,
                                     valid="a number such as 3, or names such as Anna,Bo"))
    write_template(ids, args.out, respondents=respondents, lang=args.lang)
    n = len(ids)
    print(text("cli.template.written", args.lang, path=args.out, nodes=n, pairs=n * (n - 1)))
    return EXIT_OK


def _respondents(value: str) -> int | list[str]:
    given = [name.strip() for name in str(value).split(",") if name.strip()]
    return int(given[0]) if len(given) == 1 and given[0].isdigit() else given


def _run_workshop_new(args: argparse.Namespace) -> int:
    from sdg_interactions.apps.workshop import new_workshop, read_plan
    from sdg_interactions.io import nodes_from
    from sdg_interactions.io.workshop import describe

    folder = new_workshop(args.out, nodes_from(args.nodes), kommun=args.kommun,
                          respondents=_respondents(args.respondents), by=args.by, overlap=args.overlap,
                          lang=args.lang)
    print(text("cli.workshop.made", args.lang, path=folder, plan=describe(read_plan(folder), args.lang)))
    return EXIT_OK


def _run_workshop_serve(args: argparse.Namespace) -> int:
    from sdg_interactions.apps.workshop import read_about, serve

    read_about(args.folder)  # a clear error for a folder that is no workshop
    serve(args.folder, port=args.port, ip=args.ip)
    return EXIT_OK


def _run_workshop_merge(args: argparse.Namespace) -> int:
    from sdg_interactions.apps.merge import merge_folder
    from sdg_interactions.apps.workshop import REPORT_DIR, read_about
    from sdg_interactions.io import write_matrix

    lang = args.lang or read_about(args.folder).get("lang", "sv")
    merged = merge_folder(args.folder)
    for problem in merged.problems:
        print(problem.words(lang), file=sys.stderr)
    if merged.dataset is None:
        raise ValidationError(locate("no answers to merge yet", file=args.folder,
                                     valid="journals in svar/ or answer files in uppladdat/"))
    out = Path(args.out) if args.out else Path(args.folder) / REPORT_DIR / "svar.nc"
    write_matrix(merged.dataset, out)
    ds = merged.dataset
    print(text("cli.workshop.merged", lang, path=out, respondents=ds.sizes["respondent"],
               answers=int(ds["score"].count()), problems=len(merged.problems)))
    return EXIT_SOME_FAILED if merged.problems else EXIT_OK


def _run_workshop_report(args: argparse.Namespace) -> int:
    from sdg_interactions.apps.facilitator import make_report
    from sdg_interactions.apps.workshop import read_about

    lang = args.lang or read_about(args.folder).get("lang", "sv")
    written = make_report(args.folder, lang=lang)
    for kind, path in written.items():
        print(f"{kind}: {path}")
    return EXIT_OK


def _version() -> str:
    from sdg_interactions import __version__

    return __version__


def _add_report_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``report`` subcommand; it runs :func:`_run_report`."""
    report = subparsers.add_parser("report", help=text("report.cli.help", "en"),
                                   description=text("report.cli.help", "en"))
    which = report.add_mutually_exclusive_group(required=True)
    which.add_argument("--kommun", action="append", metavar="KOMMUN",
                       help="a kommun by name or kommunkod (repeat for several)")
    which.add_argument("--all", action="store_true", help="every one of the 290 kommuner")
    report.add_argument("--matrix", default=DEFAULT_MATRIX,
                        help=f"a bundled name or a path (.csv, .xlsx, .nc); default {DEFAULT_MATRIX}")
    report.add_argument("--matrices-dir", metavar="DIR",
                        help="a folder of the kommuners' own matrices, named <kommunkod>.csv|.xlsx|.nc; "
                             "a kommun without one gets --matrix; the managers' report compares each kommun "
                             "with the others there")
    report.add_argument("--styrdokument", metavar="FILE",
                        help="the kommun's table of decided goals (document, local_goal, sdg_target; .csv or "
                             ".xlsx), or 'exempel'; the managers' report shows which levers and conflicts it covers")
    report.add_argument("--priorities", nargs="+", default=[], metavar="ID",
                        help="prioritised node ids (space or comma separated); default: the top levers")
    report.add_argument("--audience", choices=AUDIENCES, default="politiker",
                        help="politiker: two pages (default); forvaltning: full detail")
    report.add_argument("--lang", choices=LANGUAGES, default="sv", help="language of the report (default sv)")
    report.add_argument("--output-dir", default="reports", metavar="DIR", help="default ./reports")
    report.add_argument("--jobs", type=int, default=1, metavar="N",
                        help="reports run in parallel (default 1)")
    report.add_argument("--format", default="html,pdf,docx", metavar="LIST",
                        help="any of html, pdf, docx, comma-separated (default all three); the executed "
                             "notebook is always written")
    report.add_argument("--aggregate", choices=AGGREGATIONS, default="mean",
                        help="how several respondents' answers are combined (default mean)")
    report.add_argument("--top-k", type=int, default=5, metavar="K", help="levers shown (default 5)")
    report.add_argument("--no-pseudonymise", action="store_true",
                        help="show respondents' own names instead of Respondent 1, 2, …")
    report.add_argument("--plain", action="store_true",
                        help="a fresh kernel per report (plain papermill; slower, for checking)")
    report.set_defaults(run=_run_report)
    return report


def _run_report(args: argparse.Namespace) -> int:
    """Run ``sdg-interactions report``; return 0 (all made), 1 (some failed) or 2 (bad input)."""
    from sdg_interactions.analysis import check_priorities
    from sdg_interactions.io import load_dataset
    from sdg_interactions.matrix import node_ids
    from sdg_interactions.report.batch import run_batch
    from sdg_interactions.report.parameters import FORMATS, check_parameters, find_matrix

    formats = [f.strip() for f in str(args.format).split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValidationError(locate("unknown format", value=bad[0], valid="html, pdf, docx, comma-separated"))
    if args.jobs < 1:
        raise ValidationError(locate("--jobs must be at least 1", value=args.jobs))
    if args.matrices_dir is not None and not Path(args.matrices_dir).is_dir():
        raise ValidationError(locate("no such folder", value=args.matrices_dir,
                                     valid="--matrices-dir DIR"))
    queries = frameworks.kommuner()["kommunkod"].tolist() if args.all else args.kommun
    codes = list(dict.fromkeys(str(frameworks.find_kommun(q)["kommunkod"]) for q in queries))
    priorities = [p for item in args.priorities for p in re.split(r"[,\s]+", item) if p]
    common = {"aggregate": args.aggregate, "audience": args.audience, "lang": args.lang,
              "top_k": args.top_k, "priorities": priorities, "pseudonymise": not args.no_pseudonymise,
              "output_dir": str(Path(args.output_dir).resolve()),
              "matrices_dir": str(Path(args.matrices_dir).resolve()) if args.matrices_dir else "",
              "styrdokument": args.styrdokument or ""}
    first = check_parameters(kommun=codes[0], matrix=args.matrix, **common)  # a bad --matrix stops all
    if priorities:  # priorities the default matrix lacks stop everything too
        check_priorities(first["priorities"], node_ids(load_dataset(first["matrix"])))
    reports = [{"kommun": code, **common,
                "matrix": find_matrix(code, matrix=args.matrix, matrices_dir=args.matrices_dir)}
               for code in codes]
    # warming kernels pays from the second report on
    result = run_batch(reports, output_dir=args.output_dir, formats=formats, jobs=args.jobs,
                       fast=not args.plain and len(reports) > 1, progress=True)
    print(text("report.cli.done", args.lang, n=len(result.written), path=Path(args.output_dir).resolve()))
    if result.failed:
        print(text("report.cli.failed", args.lang, n=len(result.failed), total=len(codes)), file=sys.stderr)
        names = frameworks.kommuner().set_index("kommunkod")["kommun"]
        for code, message in result.failed.items():
            print(f"  {code} {names.get(code, '')}: {message}", file=sys.stderr)
        return EXIT_SOME_FAILED
    return EXIT_OK


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
