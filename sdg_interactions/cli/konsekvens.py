"""``sdg-interactions konsekvens``: a one-page konsekvensanalys of one decision for a tjänsteskrivelse.

The decision advances ``--targets`` directly; the note (:func:`~sdg_interactions.report.konsekvens.konsekvens`)
says what comes along, what is only partly supported, what is at risk and why, the conflicts within the
decision, the effect on miljömål and folkhälsomål and the strongest levers it touches, written as Word,
HTML, Markdown and/or PDF into ``--output-dir``. The matrix is ``--matrix`` (a bundled name or a file),
or with ``--kommun K --matrices-dir DIR`` the kommun's own matrix there (else the national example).
"""

from __future__ import annotations

import argparse

from sdg_interactions.cli._common import EXIT_OK, UsageError
from sdg_interactions.errors import ValidationError, locate
from sdg_interactions.frameworks import DEFAULT_MATRIX
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["add_parser", "run_konsekvens"]

_HELP = ("Write a one-page konsekvensanalys (impact assessment for a tjänsteskrivelse) of a decision that "
         "advances the given targets.")


def add_parser(sub) -> argparse.ArgumentParser:
    """Add ``konsekvens`` to the subparsers ``sub``; it runs :func:`run_konsekvens`."""
    parser = sub.add_parser("konsekvens", help=_HELP, description=_HELP)
    parser.add_argument("--targets", required=True, metavar="ID,ID",
                        help="the node ids the decision advances directly, comma-separated, e.g. 7.2,11.2")
    parser.add_argument("--efforts", metavar="E,E", help="one effort > 0 per target (default 1 each)")
    parser.add_argument("--title", default="", help="the decision's title, e.g. \"Laddinfrastruktur i kommunens "
                        "fastigheter\"; it names the files too")
    parser.add_argument("--matrix", default=None,
                        help=f"a bundled name or a path (.csv, .xlsx, .nc); default {DEFAULT_MATRIX}")
    parser.add_argument("--kommun", metavar="KOMMUN", help="the kommun (name or kommunkod) whose note it is")
    parser.add_argument("--matrices-dir", metavar="DIR",
                        help="a folder of kommuner's own matrices named <kommunkod>.csv|.xlsx|.nc (with --kommun); "
                             "a kommun without one gets the national example")
    parser.add_argument("--lang", choices=LANGUAGES, default="sv", help="language of the note (default sv)")
    parser.add_argument("--format", default="docx,html,md", metavar="LIST",
                        help="any of docx, html, md, pdf, comma-separated (default docx,html,md)")
    parser.add_argument("--output-dir", default=".", metavar="DIR", help="where to write (default: here)")
    parser.set_defaults(run=run_konsekvens)
    return parser


def _efforts(value: str | None) -> list | None:
    if value is None:
        return None
    efforts: list = []
    for raw in value.split(","):
        try:
            number = float(raw)
            efforts.append(int(number) if number.is_integer() else number)
        except ValueError:
            efforts.append(raw.strip())  # konsekvens() names it in the error
    return efforts


def run_konsekvens(args: argparse.Namespace) -> int:
    """Run ``sdg-interactions konsekvens``: write the note, print where; bad input raises (exit 2 in ``main``)."""
    from pathlib import Path

    from sdg_interactions import frameworks
    from sdg_interactions.report.konsekvens import konsekvens, write_konsekvens
    from sdg_interactions.report.parameters import find_matrix

    if args.matrices_dir and args.matrix:
        raise UsageError("sdg-interactions konsekvens: give --matrix or --kommun with --matrices-dir, not both")
    if args.matrices_dir and not args.kommun:
        raise UsageError("sdg-interactions konsekvens: --matrices-dir needs --kommun (whose matrix to take)")
    if args.matrices_dir and not Path(args.matrices_dir).is_dir():
        raise ValidationError(locate("no such folder", column="--matrices-dir", value=args.matrices_dir,
                                     valid="an existing folder of kommuner's matrices"))
    targets = [t.strip() for t in str(args.targets).split(",") if t.strip()]
    if not targets:
        raise ValidationError(locate("a konsekvensanalys needs at least one target", column="--targets",
                                     value=args.targets, valid="the node ids the decision advances, e.g. 7.2,11.2"))
    matrix = args.matrix or DEFAULT_MATRIX
    if args.kommun:
        code = str(frameworks.find_kommun(args.kommun)["kommunkod"])
        if args.matrices_dir:
            matrix = find_matrix(code, matrix=DEFAULT_MATRIX, matrices_dir=args.matrices_dir)
    note = konsekvens(matrix, targets, efforts=_efforts(args.efforts), title=args.title or None, lang=args.lang,
                      kommun=args.kommun)
    written = write_konsekvens(note, args.output_dir, args.format)
    for fmt, path in written.items():
        print(f"{fmt}: {path}")
    print(text("konsekvens.cli.done", args.lang, n=len(note.at_risk), along=sum(len(g.targets) for g in
                                                                                 note.comes_along_by_goal)))
    return EXIT_OK
