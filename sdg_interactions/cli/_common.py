"""What every subcommand of the command line shares: exit codes, the parser class, writing a table."""

from __future__ import annotations

import argparse

import pandas as pd

from sdg_interactions.errors import SdgInteractionsError

__all__ = ["EXIT_BAD_INPUT", "EXIT_OK", "EXIT_SOME_FAILED", "Parser", "UsageError", "matrix_title", "write_table"]

EXIT_OK, EXIT_SOME_FAILED, EXIT_BAD_INPUT = 0, 1, 2


class UsageError(SdgInteractionsError):
    """A command line that argparse rejected."""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one clear line (exit 2), not a usage dump."""

    def error(self, message: str):
        raise UsageError(f"{self.prog}: {message} (see --help)")


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
