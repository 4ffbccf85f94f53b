"""The command line: ``sdg-interactions analyse | scenario | template | workshop | report`` here; the decision
support commands (``portfolio | robustness | compare``) in :mod:`sdg_interactions.cli.decision`, ``kolada fetch``
in :mod:`sdg_interactions.cli.kolada`, ``styrdokument`` in :mod:`sdg_interactions.cli.styrdokument`,
``konsekvens`` in :mod:`sdg_interactions.cli.konsekvens`.

Exit codes: 0 ok; 1 a batch finished but some items failed; 2 bad input or usage. Errors print one
clear line on stderr, never a traceback.
"""

from __future__ import annotations

import argparse
import functools
import re
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from sdg_interactions import formats, frameworks, ranges
from sdg_interactions.cli import _safety, decision, kolada, konsekvens, objectives, styrdokument
from sdg_interactions.cli._common import EXIT_BAD_INPUT, EXIT_OK, EXIT_SOME_FAILED
from sdg_interactions.cli._common import Parser as _Parser
from sdg_interactions.cli._common import lang_from_argv as _lang_from_argv
from sdg_interactions.cli._common import matrix_help as _matrix_help
from sdg_interactions.cli._common import node_word as _node_word
from sdg_interactions.cli._common import number as _number
from sdg_interactions.cli._common import number_list as _number_list
from sdg_interactions.cli._common import show_table as _show_table
from sdg_interactions.cli._common import write_table as _write_table
from sdg_interactions.errors import SdgInteractionsError, ValidationError, tr
from sdg_interactions.formats import number as _say_number
from sdg_interactions.frameworks import DEFAULT_MATRIX
from sdg_interactions.matrix import AGGREGATIONS, MAX_NODES
from sdg_interactions.report.parameters import AUDIENCES
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_SOME_FAILED", "build_parser", "main"]


def build_parser(lang: str = "sv") -> argparse.ArgumentParser:
    """Return the argument parser of ``sdg-interactions``, its help and errors in ``lang``."""
    t = functools.partial(text, lang=lang)
    parser = _Parser(prog="sdg-interactions", description=t("cli.description"), lang=lang)
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}",
                        help=t("cli.argparse.version"))
    # read before the parser is built (main); here so that "sdg-interactions --lang en analyse" is valid
    parser.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("cli.arg.lang"))
    parser.add_argument("--framework", action="append", default=[], metavar="FILE", help=t("cli.arg.framework"))
    sub = parser.add_subparsers(dest="command", required=True)

    analyse = sub.add_parser("analyse", help=t("cli.analyse.help"), description=t("cli.analyse.help"))
    analyse.add_argument("matrix", nargs="?", default=DEFAULT_MATRIX, help=_matrix_help(lang, DEFAULT_MATRIX))
    analyse.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("cli.arg.lang"))
    analyse.add_argument("--top", type=_number("--top", ranges.SHOWN, lang), default=10, metavar="N",
                         help=t("ranges.help.analyse_top"))
    analyse.add_argument("--aggregate", default="mean", choices=AGGREGATIONS, help=t("cli.arg.aggregate"))
    analyse.add_argument("--out", metavar="FILE.csv", help=t("cli.analyse.arg_out"))
    analyse.set_defaults(run=_run_analyse)

    scenario = sub.add_parser("scenario", help=t("scenario.cli.help"), description=t("scenario.cli.help"))
    scenario.add_argument("matrix", nargs="?", default=DEFAULT_MATRIX, help=_matrix_help(lang, DEFAULT_MATRIX))
    scenario.add_argument("--priorities", required=True, metavar="ID,ID", help=t("scenario.cli.arg_priorities"))
    scenario.add_argument("--efforts", type=_number_list("--efforts", ranges.EFFORT, lang), metavar="E,E",
                          help=t("ranges.help.scenario_efforts"))
    scenario.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("cli.arg.lang"))
    scenario.add_argument("--out", metavar="FILE.csv", help=t("scenario.cli.arg_out"))
    scenario.set_defaults(run=_run_scenario)
    template = sub.add_parser("template", help=t("cli.template.help"), description=t("cli.template.help"))
    template.add_argument("--nodes", required=True, metavar="NODES", help=t("cli.template.arg_nodes"))
    template.add_argument("--respondents", default="1", metavar="N|NAMES", help=t("cli.template.arg_respondents"))
    template.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("cli.template.arg_lang"))
    template.add_argument("--out", required=True, metavar="FILE.xlsx", help=t("cli.template.arg_out"))
    template.set_defaults(run=_run_template)

    workshop = sub.add_parser("workshop", help=t("cli.workshop.help"), description=t("cli.workshop.help"))
    workshop.add_argument("--lang", choices=LANGUAGES, default=argparse.SUPPRESS, help=t("cli.arg.lang"))
    steps = workshop.add_subparsers(dest="step", required=True)
    new = steps.add_parser("new", help=t("cli.workshop.new_help"), description=t("cli.workshop.new_help"))
    new.add_argument("--kommun", required=True, help=t("cli.arg.kommun"))
    new.add_argument("--nodes", default=DEFAULT_MATRIX, metavar="NODES", help=t("cli.workshop.arg_nodes"))
    new.add_argument("--respondents", default="6", metavar="N|NAMES", help=t("cli.workshop.arg_respondents"))
    new.add_argument("--by", choices=("even", "rows"), default="even", help=t("cli.workshop.arg_by"))
    new.add_argument("--overlap", type=int, default=2, metavar="K", help=t("cli.workshop.arg_overlap"))
    new.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("cli.workshop.arg_lang"))
    new.add_argument("--out", required=True, metavar="DIR", help=t("cli.workshop.arg_out"))
    new.add_argument("--drop-in", action="store_true", help=t("links.cli.arg_drop_in"))
    new.set_defaults(run=_run_workshop_new)
    serve = steps.add_parser("serve", help=t("cli.workshop.serve_help"), description=t("cli.workshop.serve_help"))
    serve.add_argument("folder", metavar="DIR", help=t("cli.workshop.arg_folder"))
    serve.add_argument("--port", type=int, default=8866, help=t("cli.workshop.arg_port"))
    serve.add_argument("--ip", default="0.0.0.0", help=t("cli.workshop.arg_ip"))
    serve.add_argument("--certfile", metavar="CERT.pem", help=t("server.arg.certfile"))
    serve.add_argument("--keyfile", metavar="KEY.pem", help=t("server.arg.keyfile"))
    serve.add_argument("--max-participants", type=int, metavar="N", help=t("server.arg.max_participants"))
    serve.add_argument("--public-url", metavar="URL", help=t("server.arg.public_url"))
    serve.add_argument("--warm", type=int, metavar="N", help=t("server.arg.warm"))
    serve.add_argument("--lang", choices=LANGUAGES, default=None, help=t("server.arg.lang"))
    serve.set_defaults(run=_run_workshop_serve)
    merge = steps.add_parser("merge", help=t("cli.workshop.merge_help"), description=t("cli.workshop.merge_help"))
    merge.add_argument("folder", metavar="DIR", help=t("cli.workshop.arg_folder"))
    merge.add_argument("--out", metavar="FILE", help=t("cli.workshop.arg_merge_out"))
    merge.add_argument("--lang", choices=LANGUAGES, default=None, help=t("cli.workshop.arg_lang_messages"))
    merge.set_defaults(run=_run_workshop_merge)
    report = steps.add_parser("report", help=t("cli.workshop.report_help"),
                              description=t("cli.workshop.report_help"))
    report.add_argument("folder", metavar="DIR", help=t("cli.workshop.arg_folder"))
    report.add_argument("--lang", choices=LANGUAGES, default=None, help=t("cli.workshop.arg_lang_report"))
    report.set_defaults(run=_run_workshop_report)
    _add_report_parser(sub, lang)
    decision.add_parsers(sub, lang)
    kolada.add_kolada_parser(sub, lang)
    styrdokument.add_parser(sub, lang)
    konsekvens.add_parser(sub, lang)
    objectives.add_parser(sub, lang)
    return parser


def _run_analyse(args: argparse.Namespace) -> int:
    from sdg_interactions.analysis import analysis_table
    from sdg_interactions.io import load_matrix

    _safety.refuse_overwriting_input(args.out, [args.matrix])
    da = load_matrix(args.matrix, combine=args.aggregate)
    table = analysis_table(da, lang=args.lang)
    if args.out:
        _write_table(table, args.out, sheet="analys", lang=args.lang)
    shown = table.sort_values("rank", kind="stable")  # the table is in natural node order: ties keep it
    if args.top:  # ties at the edge are all shown
        shown = shown[shown["rank"] <= args.top]
    name = da.attrs.get(f"title_{args.lang}") or da.attrs.get("name") or args.matrix
    nodes = _node_word(table["node"], args.lang)
    print(text("cli.analyse.heading", args.lang, name=name, n=len(table), nodes=nodes))
    columns = ["rank", "node", "label", "out_sum", "second_order", "systemic"]
    _show_table(shown, args.lang, {c: text(f"column.{c}", args.lang) for c in columns})
    if da.attrs.get("citation"):
        print(text("cli.source", args.lang, citation=da.attrs["citation"]))
    if args.out:
        print(text("cli.analyse.written", args.lang, path=args.out, n=len(table), nodes=nodes))
    return EXIT_OK


def _run_scenario(args: argparse.Namespace) -> int:
    from sdg_interactions.analysis import CLASSES, EFFECT_VARIABLES, scenario, to_table, triggered_conflicts
    from sdg_interactions.io import load_dataset
    from sdg_interactions.matrix import single_matrix

    lang = args.lang
    priorities = [p.strip() for p in args.priorities.split(",") if p.strip()]
    _safety.refuse_overwriting_input(args.out, [args.matrix])
    ds = load_dataset(args.matrix)
    one = single_matrix(ds, what=tr("error.analysis.what_scenario"))
    result = scenario(one, priorities, efforts=args.efforts)  # each in range
    conflicts = triggered_conflicts(ds, priorities)
    table = to_table(result, lang=lang, columns=(*EFFECT_VARIABLES, "class"))
    if args.out:
        _write_table(table, args.out, sheet="scenario", lang=lang)
    name = ds.attrs.get(f"title_{lang}") or ds.attrs.get("name") or args.matrix
    print(text("scenario.cli.heading", lang, name=name, priorities=", ".join(result.attrs["priorities"]),
               efforts=formats.word_list([_say_number(e, lang, decimals=3) for e in result.attrs["efforts"]], lang)))
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
            _show_table(rows, lang, headers)
        print()
        if conflicts.empty:
            print(text("scenario.cli.no_conflicts", lang))
        else:
            print(text("scenario.cli.conflicts", lang, n=len(conflicts)))
            for row in conflicts.itertuples(index=False):
                labels = _safety.printable(f"{getattr(row, f'source_label_{lang}')} → "
                                           f"{getattr(row, f'target_label_{lang}')}")
                comment = f" – {_safety.printable(row.comment)}" if row.comment else ""
                score = ("+" if row.score > 0 else "") + _say_number(row.score, lang)
                print(f"  {row.source} → {row.target} ({score}): {labels}{comment}")
    if ds.attrs.get("citation"):
        print(text("cli.source", lang, citation=ds.attrs["citation"]))
    if args.out:
        print(text("scenario.cli.written", lang, path=args.out, n=len(table), nodes=_node_word(table["node"], lang)))
    return EXIT_OK


def _run_template(args: argparse.Namespace) -> int:
    from sdg_interactions.io import nodes_from, write_template

    if not str(args.out).lower().endswith(".xlsx"):
        raise ValidationError(text("cli.template.not_xlsx", args.lang, path=args.out))
    ids = nodes_from(args.nodes)
    respondents = _respondents(args.respondents)
    if respondents in (0, []):
        raise ValidationError(text("cli.template.no_respondents", args.lang, value=args.respondents))
    write_template(ids, args.out, respondents=respondents, lang=args.lang)
    n = len(ids)
    print(text("cli.template.written", args.lang, path=args.out, nodes=n, pairs=n * (n - 1),
               what=_node_word(ids, args.lang)))
    return EXIT_OK


def _respondents(value: str) -> int | list[str]:
    given = [name.strip() for name in str(value).split(",") if name.strip()]
    return int(given[0]) if len(given) == 1 and given[0].isdigit() else given


def _run_workshop_new(args: argparse.Namespace) -> int:
    from sdg_interactions.apps.links import read_links
    from sdg_interactions.apps.workshop import new_workshop, read_about, read_plan
    from sdg_interactions.io import nodes_from
    from sdg_interactions.io.workshop import describe

    folder = new_workshop(args.out, nodes_from(args.nodes), kommun=args.kommun,
                          respondents=_respondents(args.respondents), by=args.by, overlap=args.overlap,
                          lang=args.lang, drop_in=args.drop_in)
    print(text("cli.workshop.made", args.lang, path=folder, plan=describe(read_plan(folder), args.lang)))
    print(text("links.cli.made", args.lang, n=len(read_links(folder))))
    print(text("kit.cli.made", args.lang, path=folder / "kit"))
    if args.drop_in:
        print(text("links.cli.drop_in", args.lang, code=read_about(folder)["join_code"]))
    return EXIT_OK


def _run_workshop_serve(args: argparse.Namespace) -> int:
    from sdg_interactions.apps.server import serve
    from sdg_interactions.apps.workshop import read_about

    read_about(args.folder)  # a clear error for a folder that is no workshop
    serve(args.folder, port=args.port, ip=args.ip, lang=args.lang, certfile=args.certfile, keyfile=args.keyfile,
          max_participants=args.max_participants, public_url=args.public_url, warm=args.warm)
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
        raise ValidationError(text("cli.workshop.no_answers", lang, path=args.folder))
    out = Path(args.out) if args.out else Path(args.folder) / REPORT_DIR / "svar.nc"
    write_matrix(merged.dataset, out)
    ds = merged.dataset
    print(text("cli.workshop.merged", lang, path=out, respondents=ds.sizes["respondent"],
               answers=int(ds["score"].count()), problems=len(merged.problems)))
    # 0 while every file merged (a line set aside, a differing node set: named above); 1 if a file was left out
    return EXIT_SOME_FAILED if any(not problem.merged for problem in merged.problems) else EXIT_OK


def _run_workshop_report(args: argparse.Namespace) -> int:
    from sdg_interactions.apps.facilitator import make_report, report_files
    from sdg_interactions.apps.merge import merge_folder
    from sdg_interactions.apps.workshop import read_about

    lang = args.lang or read_about(args.folder).get("lang", "sv")
    merged = merge_folder(args.folder)
    for problem in merged.problems:
        print(problem.words(lang), file=sys.stderr)
    written = make_report(args.folder, lang=lang, merged=merged)  # both versions: politiker and förvaltning
    for line in report_files(written, lang):
        print(line)
    return EXIT_SOME_FAILED if any(not problem.merged for problem in merged.problems) else EXIT_OK


def _version() -> str:
    from sdg_interactions import __version__

    return __version__


def _add_report_parser(subparsers, lang: str = "sv") -> argparse.ArgumentParser:
    """Add the ``report`` subcommand, its help in ``lang``; it runs :func:`_run_report`."""
    t = functools.partial(text, lang=lang)
    report = subparsers.add_parser("report", help=t("report.cli.help"), description=t("report.cli.help"))
    which = report.add_mutually_exclusive_group(required=True)
    which.add_argument("--kommun", action="append", metavar="KOMMUN", help=t("cli.report.arg_kommun"))
    which.add_argument("--all", action="store_true", help=t("cli.report.arg_all"))
    report.add_argument("--matrix", default=DEFAULT_MATRIX, help=_matrix_help(lang, DEFAULT_MATRIX))
    report.add_argument("--matrices-dir", metavar="DIR", help=t("cli.report.arg_matrices_dir"))
    report.add_argument("--styrdokument", metavar="FILE", help=t("cli.report.arg_styrdokument"))
    report.add_argument("--previous", metavar="FILE", help=t("change.cli.help_previous"))
    report.add_argument("--priorities", nargs="+", default=[], metavar="ID", help=t("cli.report.arg_priorities"))
    report.add_argument("--audience", choices=AUDIENCES, default="politiker", help=t("cli.report.arg_audience"))
    report.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("cli.report.arg_lang"))
    report.add_argument("--output-dir", default="reports", metavar="DIR", help=t("cli.report.arg_output_dir"))
    report.add_argument("--jobs", type=_number("--jobs", ranges.JOBS, lang), default=1, metavar="N",
                        help=t("ranges.help.report_jobs"))
    report.add_argument("--format", default="html,pdf,docx", metavar="LIST", help=t("cli.report.arg_format"))
    report.add_argument("--aggregate", choices=AGGREGATIONS, default="mean", help=t("cli.arg.aggregate"))
    report.add_argument("--top-k", type=_number("--top-k", ranges.COUNT, lang, high=MAX_NODES), default=5,
                        metavar="K", help=t("ranges.help.report_top_k"))
    report.add_argument("--no-pseudonymise", action="store_true", help=t("cli.report.arg_no_pseudonymise"))
    report.add_argument("--plain", action="store_true", help=t("cli.report.arg_plain"))
    report.set_defaults(run=_run_report)
    return report


def _run_report(args: argparse.Namespace) -> int:
    """Run ``sdg-interactions report``; return 0 (all made), 1 (some failed) or 2 (bad input)."""
    from sdg_interactions.report.batch import run_batch
    from sdg_interactions.report.parameters import FORMATS, check_parameters, find_matrices

    formats = [f.strip() for f in str(args.format).split(",") if f.strip()]
    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise ValidationError(text("cli.report.unknown_format", args.lang, value=bad[0]))
    if args.matrices_dir is not None and not Path(args.matrices_dir).is_dir():
        raise ValidationError(text("cli.report.no_folder", args.lang, path=args.matrices_dir))
    if len(args.framework) > 1:  # the report's kernel registers one table of the kommun's own goals
        raise ValidationError(text("cli.report.one_framework", args.lang, n=len(args.framework)))
    queries = frameworks.kommuner()["kommunkod"].tolist() if args.all else args.kommun
    codes = list(dict.fromkeys(str(frameworks.find_kommun(q)["kommunkod"]) for q in queries))
    priorities = [p for item in args.priorities for p in re.split(r"[,\s]+", item) if p]
    common = {"aggregate": args.aggregate, "audience": args.audience, "lang": args.lang,
              "top_k": args.top_k, "priorities": priorities, "pseudonymise": not args.no_pseudonymise,
              "output_dir": str(Path(args.output_dir).resolve()),
              "matrices_dir": str(Path(args.matrices_dir).resolve()) if args.matrices_dir else "",
              "styrdokument": args.styrdokument or "", "previous": args.previous or ""}
    if args.framework:  # its labels reach the report (registered in the report's kernel too)
        common["framework"] = str(Path(args.framework[0]).resolve())
    # a bad --matrix or a priority that is no target at all stops all; a real target outside the matrix is
    # named in the report, with how to include it (check_parameters keeps it)
    check_parameters(kommun=codes[0], matrix=args.matrix, **common)
    choice = find_matrices(codes, matrix=args.matrix, matrices_dir=args.matrices_dir, lang=args.lang)
    if args.matrices_dir:  # a warning per unusable file, and who got their own matrix
        for line in choice.lines(args.lang, matrices_dir=Path(args.matrices_dir).resolve(), matrix=args.matrix):
            print(line, file=sys.stderr)
    reports = [{"kommun": code, **common, "matrix": choice.paths[code]} for code in codes]
    # warming kernels pays from the second report on
    result = run_batch(reports, output_dir=args.output_dir, formats=formats, jobs=args.jobs,
                       fast=not args.plain and len(reports) > 1, progress=True)
    _print_written(result.written, Path(args.output_dir).resolve(), args.lang)
    for line in getattr(result, "problem_lines", list)():  # a section that could not be drawn, and why
        print(_safety.printable(line), file=sys.stderr)
    if choice.unusable:  # the batch summary counts them too
        print(text("reliability.matrices.unusable_count", args.lang, n=len(choice.unusable)), file=sys.stderr)
    if result.failed:
        print(text("report.cli.failed", args.lang, n=len(result.failed), total=len(codes)), file=sys.stderr)
        names = frameworks.kommuner().set_index("kommunkod")["kommun"]
        for code, message in result.failed.items():
            print(f"  {code} {names.get(code, '')}: {message}", file=sys.stderr)
        return EXIT_SOME_FAILED
    return EXIT_OK


def _print_written(written: dict[str, dict[str, Path]], folder: Path, lang: str) -> None:
    """Say how many reports were written where, and list each kommun's files (relative to ``folder``)."""
    key = "cli.report.done_one" if len(written) == 1 else "cli.report.done"
    print(text(key, lang, n=len(written), path=folder))
    names = frameworks.kommuner().set_index("kommunkod")["kommun"]
    for code, paths in written.items():
        files = []
        for path in paths.values():
            try:
                files.append(str(Path(path).resolve().relative_to(folder)))
            except ValueError:
                files.append(str(path))
        print(text("cli.report.files", lang, kommun=f"{code} {names.get(code, '')}".strip(), files=", ".join(files)))


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (0 ok, 1 some items failed, 2 bad input or usage)."""
    argv, debug = _safety.take_debug(argv)  # --debug anywhere: the traceback of an unexpected error
    lang = _lang_from_argv(argv)  # before the parser: --help and usage errors come out in this language
    try:
        args = build_parser(lang).parse_args(argv)
        for table in args.framework:  # a kommun's own goals: ids, labels and groups for every command
            frameworks.register_from_table(table)
        if getattr(args, "step", None) == "serve":  # 'workshop serve' stops its own servers on Ctrl-C
            return args.run(args)
        with _safety.signal_guard(lang):  # SIGTERM/SIGINT: stop what we started, one line, exit 128 + n
            return args.run(args)
    except SdgInteractionsError as error:
        print(text("cli.error", lang, message=_safety.printable(error.words(lang))), file=sys.stderr)
        return EXIT_BAD_INPUT
    except OSError as error:
        message = f"{_os_words(error, lang)}: {error.filename or ''}".rstrip(": ")
        print(text("cli.error", lang, message=_safety.printable(message)), file=sys.stderr)
        return EXIT_BAD_INPUT
    except SystemExit as exit_:  # --help and --version
        return int(exit_.code or 0) if not isinstance(exit_.code, str) else EXIT_BAD_INPUT
    except Exception as error:  # the last resort: one line, never a bare traceback
        if debug:
            traceback.print_exc()
        print(text("cli.error", lang, message=_safety.unexpected_message(error, lang)), file=sys.stderr)
        return EXIT_BAD_INPUT


def _os_words(error: OSError, lang: str) -> str:
    """What went wrong with a file, in ``lang`` for the usual causes (the system's own words otherwise)."""
    import errno

    names = {errno.ENOENT: "not_found", errno.EACCES: "denied", errno.EPERM: "denied", errno.EISDIR: "is_dir",
             errno.ENOTDIR: "not_dir", errno.ENOSPC: "no_space", errno.EROFS: "read_only"}
    key = names.get(error.errno)
    return text(f"cli.oserror.{key}", lang) if key else str(error.strerror or error)


def _entry() -> None:  # pragma: no cover - the console script
    sys.exit(main())


if __name__ == "__main__":  # pragma: no cover
    _entry()
