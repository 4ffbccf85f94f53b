"""What every subcommand of the command line shares: exit codes, the parser class, the language of
``--help`` and of argparse's errors, writing a table.

The language is read from the argument list before the parser is built (:func:`lang_from_argv`), so
``sdg-interactions analyse --help --lang en`` and a usage error come out in the language asked for;
the default is Swedish. argparse's own words ("usage:", "options", its error messages) are replaced by
the catalogue's (``cli.argparse.*``). Numeric options are read with :func:`number` and :func:`number_list`,
which check each value against its documented range (:mod:`sdg_interactions.ranges`) as it is parsed.
"""

from __future__ import annotations

import argparse
import functools
import re
from collections.abc import Iterable, Sequence

import pandas as pd

from sdg_interactions import ranges
from sdg_interactions.errors import SdgInteractionsError, ValidationError
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_SOME_FAILED", "MATRIX_FORMATS", "Parser", "UsageError",
           "lang_from_argv", "matrix_help", "matrix_title", "node_word", "number", "number_list", "show_table",
           "translate_argparse", "write_table"]

EXIT_OK, EXIT_SOME_FAILED, EXIT_BAD_INPUT = 0, 1, 2

#: The file formats a matrix is read from, as the help texts name them.
MATRIX_FORMATS = ".csv, .xlsx, .nc, .graphml"


def lang_from_argv(argv: Sequence[str]) -> str:
    """The language ``argv`` asks for with ``--lang X`` or ``--lang=X``; ``"sv"`` if none (or no valid one).

    Examples
    --------
    >>> lang_from_argv(["analyse", "--lang", "en", "--help"]), lang_from_argv(["analyse", "--lang=de"])
    ('en', 'sv')
    """
    items = list(argv)
    for i, item in enumerate(items):
        if item == "--":
            break
        if item == "--lang" and i + 1 < len(items):
            value = items[i + 1]
        elif item.startswith("--lang="):
            value = item.partition("=")[2]
        else:
            continue
        if value in LANGUAGES:
            return value
    return "sv"


class UsageError(SdgInteractionsError):
    """A command line that argparse rejected."""


# argparse's English error messages (Python 3.11-3.13) -> the catalogue key of their translation
_ARGPARSE_ERRORS = [
    (r"argument (?P<arg>\S+): invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)", "invalid_choice"),
    (r"invalid choice: (?P<value>.+?) \(choose from (?P<choices>.+)\)", "invalid_choice_bare"),
    (r"argument (?P<arg>\S+): invalid (?P<type>\w+) value: (?P<value>.+)", "invalid_value"),
    (r"argument (?P<arg>\S+): expected one argument", "expected_one"),
    (r"argument (?P<arg>\S+): expected at least one argument", "expected_some"),
    (r"argument (?P<arg>\S+): not allowed with argument (?P<other>\S+)", "not_allowed_with"),
    (r"the following arguments are required: (?P<args>.+)", "required"),
    (r"one of the arguments (?P<args>.+) is required", "one_required"),
    (r"unrecognized arguments: (?P<args>.+)", "unrecognized"),
    (r"ambiguous option: (?P<option>\S+) could match (?P<matches>.+)", "ambiguous"),
]


def translate_argparse(message: str, lang: str) -> str:
    """argparse's error ``message`` in ``lang``; a message it does not know stays as it is.

    Examples
    --------
    >>> translate_argparse("the following arguments are required: --out", "sv")
    'följande argument saknas: --out'
    """
    for pattern, key in _ARGPARSE_ERRORS:
        match = re.fullmatch(pattern, message.strip(), flags=re.DOTALL)
        if match:
            return text(f"cli.argparse.{key}", lang, **match.groupdict())
    return message


class _Formatter(argparse.HelpFormatter):
    """argparse's help layout with "usage:" in the parser's language."""

    def __init__(self, prog: str, *, lang: str = "sv", **kwargs) -> None:
        super().__init__(prog, **kwargs)
        self._lang = lang

    def add_usage(self, usage, actions, groups, prefix=None) -> None:
        super().add_usage(usage, actions, groups, text("cli.argparse.usage", self._lang) if prefix is None else prefix)


class Parser(argparse.ArgumentParser):
    """An argument parser in ``lang`` (its help, its section titles, its errors) whose errors are one
    clear line (exit 2), not a usage dump; its sub-commands' parsers are made in the same language."""

    def __init__(self, *args, lang: str = "sv", add_help: bool = True, **kwargs) -> None:
        self.lang = lang
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = text("cli.argparse.positionals", lang)
        self._optionals.title = text("cli.argparse.options", lang)
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS,
                              help=text("cli.argparse.help", lang))

    def add_subparsers(self, **kwargs):
        kwargs.setdefault("parser_class", functools.partial(Parser, lang=self.lang))
        return super().add_subparsers(**kwargs)

    def _get_formatter(self) -> argparse.HelpFormatter:
        return _Formatter(prog=self.prog, lang=self.lang)

    def error(self, message: str):
        raise UsageError(text("cli.argparse.error", self.lang, prog=self.prog,
                              message=translate_argparse(message, self.lang)))


def number(option: str, rng: ranges.Range, lang: str, *, high: float | None = None):
    """An argparse ``type`` that reads ``option`` as a number in ``rng`` (:func:`sdg_interactions.ranges.parse`).

    Text that is no number at all (``x``) gets argparse's own "invalid int value" line; a number outside
    the range, ``inf`` or ``nan`` raises :class:`UsageError` at once — one line naming the option, the
    value and the range, in ``lang`` (argparse would swallow a ``ValueError`` into its generic message).

    Examples
    --------
    >>> number("--samples", ranges.SAMPLES, "en")("200")
    200
    >>> number("--samples", ranges.SAMPLES, "en")("0")
    Traceback (most recent call last):
    ...
    sdg_interactions.cli._common.UsageError: --samples must be 1 or more, not 0. Valid: 1 … 100,000.
    """

    def read(raw: str) -> int | float:
        try:
            float(raw)  # Python's own reading: inf, nan and ٣ are numbers of a kind, "x" is not
        except ValueError:
            raise ValueError(raw) from None  # argparse: "--top: ogiltigt värde 'x'"
        try:
            return ranges.parse(raw, option, rng, high=high, lang=lang)
        except ValidationError as error:
            raise UsageError(str(error)) from None

    read.__name__ = "int" if rng.integer else "float"
    return read


def number_list(option: str, rng: ranges.Range, lang: str):
    """An argparse ``type`` for a comma-separated list of numbers in ``rng`` (``--efforts 1,2.5``), each
    checked as :func:`number` does; an empty part is refused too.

    Examples
    --------
    >>> number_list("--efforts", ranges.EFFORT, "sv")("1, 2.5")
    [1, 2.5]
    >>> number_list("--efforts", ranges.EFFORT, "sv")("1e308,1")
    Traceback (most recent call last):
    ...
    sdg_interactions.cli._common.UsageError: --efforts ska vara högst 10, inte '1e308'. Giltigt: 0 < --efforts ≤ 10 (relativa vikter för prioriteringarna på skalan −3…3).
    """  # noqa: E501

    def read(raw: str) -> list[int | float]:
        values = []
        for part in str(raw).split(","):
            try:
                value = ranges.parse(part, option, rng, lang=lang, item=True)
            except ValidationError as error:
                raise UsageError(str(error)) from None
            values.append(int(value) if float(value).is_integer() else value)
        return values

    read.__name__ = "list"
    return read


def matrix_help(lang: str, default: str | None) -> str:
    """The help of a matrix argument: a bundled name or a file of any format read, and the default."""
    if default is None:
        return text("cli.arg.matrix_nodefault", lang, formats=MATRIX_FORMATS)
    return text("cli.arg.matrix", lang, formats=MATRIX_FORMATS, default=default)


def node_word(ids: Iterable[str], lang: str) -> str:
    """What to call a matrix's nodes: "delmål" (targets) when all are SDG targets, else the neutral "mål"."""
    from sdg_interactions.frameworks import framework_of

    try:
        targets = all(framework_of(str(node)) == "sdg_target" for node in ids)
    except SdgInteractionsError:
        targets = False
    return text("cli.nodes.targets" if targets else "cli.nodes.any", lang)


def write_table(table: pd.DataFrame, path: str, *, sheet: str, lang: str) -> None:
    """Write a result table: Excel (headers in ``lang``, text as text) for ``.xlsx``, else guarded CSV."""
    from sdg_interactions.io import write_results_excel, write_table_csv

    if str(path).lower().endswith(".xlsx"):
        write_results_excel({sheet: table}, path, lang=lang)
    else:
        write_table_csv(table, path)


def matrix_title(obj, lang: str, fallback: str) -> str:
    """The title a matrix's provenance gives it in ``lang``, else its name, else ``fallback``."""
    return obj.attrs.get(f"title_{lang}") or obj.attrs.get("name") or str(fallback)


def show_table(frame: pd.DataFrame, lang: str, headers: dict[str, str], *, decimals: int = 1,
               width: int = 48) -> None:
    """Print ``frame``'s columns ``headers`` (column -> header in ``lang``), numbers as the language writes
    them (:func:`sdg_interactions.formats.number`: "566,6", "−26,3", "1 122"), text as it is."""
    from sdg_interactions.formats import number as say_number

    shown = pd.DataFrame(index=frame.index)
    for column, header in headers.items():
        values = frame[column]
        if pd.api.types.is_bool_dtype(values):
            shown[header] = [text("cli.yes" if v else "cli.no", lang) for v in values]
        elif pd.api.types.is_numeric_dtype(values):
            places = 0 if pd.api.types.is_integer_dtype(values) else decimals
            shown[header] = ["" if pd.isna(v) else say_number(v, lang, decimals=places) for v in values]
        else:
            shown[header] = values.fillna("").astype(str)
    with pd.option_context("display.max_colwidth", width, "display.width", 250):
        print(shown.to_string(index=False))
