"""``sdg-interactions konsekvens``: a one-page konsekvensanalys of one decision for a tjänsteskrivelse.

The decision advances ``--targets`` directly; the note (:func:`~sdg_interactions.report.konsekvens.konsekvens`)
says what comes along, what is only partly supported, what is at risk and why, the conflicts within the
decision, the effect on miljömål and folkhälsomål and the strongest levers it touches, written as Word,
HTML, Markdown and/or PDF into ``--output-dir``. The matrix is ``--matrix`` (a bundled name or a file),
or with ``--kommun K --matrices-dir DIR`` the kommun's own matrix there (else the national example).
"""

from __future__ import annotations

import argparse
import functools

from sdg_interactions import ranges
from sdg_interactions.cli._common import EXIT_OK, UsageError, matrix_help, number_list
from sdg_interactions.errors import ValidationError
from sdg_interactions.frameworks import DEFAULT_MATRIX
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["add_parser", "run_konsekvens"]

_PROG = "sdg-interactions konsekvens"


def add_parser(sub, lang: str = "sv") -> argparse.ArgumentParser:
    """Add ``konsekvens`` to the subparsers ``sub``, its help in ``lang``; it runs :func:`run_konsekvens`."""
    t = functools.partial(text, lang=lang)
    parser = sub.add_parser("konsekvens", help=t("konsekvens.cli.help"), description=t("konsekvens.cli.help"))
    parser.add_argument("--targets", required=True, metavar="ID,ID", help=t("konsekvens.cli.arg_targets"))
    parser.add_argument("--efforts", type=number_list("--efforts", ranges.EFFORT, lang), metavar="E,E",
                        help=t("ranges.help.konsekvens_efforts"))
    parser.add_argument("--title", default="", help=t("konsekvens.cli.arg_title"))
    parser.add_argument("--matrix", default=None, help=matrix_help(lang, DEFAULT_MATRIX))
    parser.add_argument("--kommun", metavar="KOMMUN", help=t("konsekvens.cli.arg_kommun"))
    parser.add_argument("--matrices-dir", metavar="DIR", help=t("konsekvens.cli.arg_matrices_dir"))
    parser.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("konsekvens.cli.arg_lang"))
    parser.add_argument("--format", default="docx,html,md", metavar="LIST", help=t("konsekvens.cli.arg_format"))
    parser.add_argument("--output-dir", default=".", metavar="DIR", help=t("konsekvens.cli.arg_output_dir"))
    parser.set_defaults(run=run_konsekvens)
    return parser


def run_konsekvens(args: argparse.Namespace) -> int:
    """Run ``sdg-interactions konsekvens``: write the note, print where; bad input raises (exit 2 in ``main``)."""
    from pathlib import Path

    from sdg_interactions import frameworks
    from sdg_interactions.report.konsekvens import konsekvens
    from sdg_interactions.report.konsekvens_text import write_konsekvens
    from sdg_interactions.report.parameters import find_matrix

    if args.matrices_dir and args.matrix:
        raise UsageError(text("konsekvens.cli.matrix_and_dir", args.lang, prog=_PROG))
    if args.matrices_dir and not args.kommun:
        raise UsageError(text("konsekvens.cli.dir_needs_kommun", args.lang, prog=_PROG))
    if args.matrices_dir and not Path(args.matrices_dir).is_dir():
        raise ValidationError(text("konsekvens.cli.no_folder", args.lang, path=args.matrices_dir))
    targets = [t.strip() for t in str(args.targets).split(",") if t.strip()]
    if not targets:
        raise ValidationError(text("konsekvens.cli.no_targets", args.lang, value=args.targets))
    matrix = args.matrix or DEFAULT_MATRIX
    if args.kommun:
        code = str(frameworks.find_kommun(args.kommun)["kommunkod"])
        if args.matrices_dir:
            matrix = find_matrix(code, matrix=DEFAULT_MATRIX, matrices_dir=args.matrices_dir)
    note = konsekvens(matrix, targets, efforts=args.efforts, title=args.title or None, lang=args.lang,
                      kommun=args.kommun)
    written = write_konsekvens(note, args.output_dir, args.format)
    for fmt, path in written.items():
        print(f"{fmt}: {path}")
    print(text("konsekvens.cli.done", args.lang, n=len(note.at_risk), along=sum(len(g.targets) for g in
                                                                                 note.comes_along_by_goal)))
    return EXIT_OK
