"""Decision support on the command line: ``sdg-interactions portfolio | robustness | compare``.

* ``portfolio`` — the k priorities that together reach most others, beside the plain top k by systemic
  rank, with the reasons in words (:func:`~sdg_interactions.analysis.portfolio`);
* ``robustness`` — how sure the ranking is when several respondents disagree, and the cells to discuss
  again (:mod:`sdg_interactions.analysis.robustness`);
* ``compare`` — several kommuner's matrices against their consensus
  (:mod:`sdg_interactions.analysis.comparison`).
"""

from __future__ import annotations

import argparse
import functools
from pathlib import Path

import pandas as pd

from sdg_interactions import ranges
from sdg_interactions.cli._common import EXIT_OK, matrix_help, matrix_title, number, show_table, write_table
from sdg_interactions.formats import number as say_number
from sdg_interactions.frameworks import DEFAULT_MATRIX
from sdg_interactions.matrix import AGGREGATIONS
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["add_parsers", "run_compare", "run_portfolio", "run_robustness"]

def add_parsers(sub, lang: str = "sv") -> None:
    """Add ``portfolio``, ``robustness`` and ``compare`` to the subparsers ``sub``, their help in ``lang``."""
    t = functools.partial(text, lang=lang)
    portfolio = sub.add_parser("portfolio", help=t("decision.portfolio.help"), description=t("decision.portfolio.help"))
    portfolio.add_argument("matrix", nargs="?", default=DEFAULT_MATRIX, help=matrix_help(lang, DEFAULT_MATRIX))
    portfolio.add_argument("--k", type=number("--k", ranges.COUNT, lang), default=5, metavar="K",
                           help=t("ranges.help.portfolio_k"))
    one_per = portfolio.add_mutually_exclusive_group()
    one_per.add_argument("--per-cluster", action="store_const", const="cluster", dest="one_per",
                         help=t("decision.portfolio.arg_per_cluster"))
    one_per.add_argument("--per-layer", action="store_const", const="layer", dest="one_per",
                         help=t("decision.portfolio.arg_per_layer"))
    portfolio.add_argument("--exclude", default="", metavar="ID,ID", help=t("decision.portfolio.arg_exclude"))
    portfolio.add_argument("--aggregate", default="mean", choices=AGGREGATIONS, help=t("cli.arg.aggregate"))
    portfolio.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("cli.arg.lang"))
    portfolio.add_argument("--out", metavar="FILE.csv", help=t("decision.portfolio.arg_out"))
    portfolio.set_defaults(run=run_portfolio)

    robustness = sub.add_parser("robustness", help=t("decision.robustness.help"),
                                description=t("decision.robustness.help"))
    robustness.add_argument("files", nargs="+", metavar="FILE", help=t("decision.robustness.arg_files"))
    robustness.add_argument("--samples", type=number("--samples", ranges.SAMPLES, lang), default=1000, metavar="N",
                            help=t("ranges.help.robustness_samples"))
    robustness.add_argument("--top-k", type=number("--top-k", ranges.TOP_K, lang), default=None, metavar="K",
                            help=t("ranges.help.robustness_top_k"))
    robustness.add_argument("--seed", type=number("--seed", ranges.SEED, lang), default=0, metavar="S",
                            help=t("ranges.help.robustness_seed"))
    robustness.add_argument("--aggregate", default="mean", choices=AGGREGATIONS,
                            help=t("decision.robustness.arg_aggregate"))
    robustness.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("cli.arg.lang"))
    robustness.add_argument("--out", metavar="FILE.csv", help=t("decision.robustness.arg_out"))
    robustness.add_argument("--discuss", metavar="FILE.csv", help=t("decision.robustness.arg_discuss"))
    robustness.set_defaults(run=run_robustness)

    compare = sub.add_parser("compare", help=t("decision.compare.help"), description=t("decision.compare.help"))
    compare.add_argument("paths", nargs="*", metavar="DIR_OR_FILE", help=t("decision.compare.arg_paths"))
    compare.add_argument("--before", metavar="FILE", help=t("change.cli.help_before"))
    compare.add_argument("--after", metavar="FILE", help=t("change.cli.help_after"))
    compare.add_argument("--top", type=number("--top", ranges.SHOWN, lang), default=5, metavar="N",
                         help=t("ranges.help.compare_top"))
    compare.add_argument("--lang", choices=LANGUAGES, default=lang, help=t("cli.arg.lang"))
    compare.add_argument("--out", metavar="FILE.csv", help=t("decision.compare.arg_out"))
    compare.set_defaults(run=run_compare)


def _ids(value: str) -> list[str]:
    return [part.strip() for part in str(value).split(",") if part.strip()]


def _show(frame: pd.DataFrame) -> None:
    with pd.option_context("display.max_colwidth", 60, "display.width", 200):
        print(frame.to_string(index=False))


# --- portfolio ----------------------------------------------------------------------------------


def portfolio_table(result, systemic: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per chosen node of a :class:`~sdg_interactions.analysis.Portfolio`: ``node, label, rank,
    systemic, in_top_k, marginal, pulls_along, puts_at_risk`` (ids separated by spaces; ``marginal`` is
    what the node adds to the proposal's gain when it is not in the plain top k, else blank)."""
    by_node = systemic.set_index("node")
    rows = [{"node": node, "label": result.labels[lang].get(node, node),
             "rank": int(by_node.loc[node, "rank"]), "systemic": float(by_node.loc[node, "systemic"]),
             "in_top_k": node in result.top_k, "marginal": result.marginal.get(node),
             "pulls_along": " ".join(result.pulls_along[node]),
             "puts_at_risk": " ".join(result.puts_at_risk[node])} for node in result.chosen]
    return pd.DataFrame(rows, columns=["node", "label", "rank", "systemic", "in_top_k", "marginal",
                                       "pulls_along", "puts_at_risk"])


def run_portfolio(args: argparse.Namespace) -> int:
    """``sdg-interactions portfolio``: the proposal beside the plain top k, and why they differ."""
    from sdg_interactions.analysis import check_priorities, portfolio, sdg_synergies, to_table
    from sdg_interactions.io import load_matrix
    from sdg_interactions.matrix import node_ids

    lang = args.lang
    da = load_matrix(args.matrix, combine=args.aggregate)
    ids, exclude = node_ids(da), _ids(args.exclude)
    excluded = check_priorities(exclude, ids, "exclude") if exclude else []
    ranges.check(args.k, "--k", ranges.COUNT, high=len(ids) - len(excluded), lang=lang)  # 1 … the nodes not excluded
    result = portfolio(da, args.k, exclude=exclude, one_per=args.one_per)
    systemic = to_table(sdg_synergies(da), lang=lang, columns=("systemic", "rank"))
    table = portfolio_table(result, systemic, lang)
    if args.out:
        write_table(table, args.out, sheet="portefolj", lang=lang)
    labels = result.labels[lang]
    ranks = systemic.set_index("node")["rank"]
    side = pd.DataFrame({  # the proposal may have fewer than k members (the explanation says why)
        text("decision.portfolio.proposal", lang): pd.Series([f"{n} {labels.get(n, n)}" for n in result.chosen],
                                                             dtype=object),
        text("decision.portfolio.top_k", lang, k=result.k): pd.Series(
            [f"{n} {labels.get(n, n)} (#{ranks[n]})" for n in result.top_k], dtype=object)}).fillna("")
    n = len(result.chosen)  # fewer than k when more would not raise the coverage (the explanation gives the numbers)
    print(text("cli.portfolio.heading" if n == result.k else "cli.portfolio.heading_fewer", lang,
               name=matrix_title(da, lang, args.matrix), n=n, k=result.k))
    _show(side)
    print()
    print(result.explanation[lang])
    if result.excluded:
        print(text("decision.portfolio.excluded", lang, ids=", ".join(result.excluded)))
    if da.attrs.get("citation"):
        print(text("cli.source", lang, citation=da.attrs["citation"]))
    if args.out:
        print(text("decision.written", lang, path=args.out, n=len(table)))
    return EXIT_OK


# --- robustness ---------------------------------------------------------------------------------


def _respondents(paths: list[str]):
    """One Dataset with a ``respondent`` dim: several files stacked, or one file's respondents."""
    from sdg_interactions.io import load_dataset
    from sdg_interactions.io.collection import load_collection
    from sdg_interactions.matrix import RESPONDENT

    if len(paths) > 1:
        return load_collection(paths, dim=RESPONDENT)
    ds = load_dataset(paths[0])
    if RESPONDENT not in ds.dims:  # one respondent: intervals come from the uncertain marks only
        ds = ds.expand_dims({RESPONDENT: [Path(paths[0]).stem]})
    return ds


def run_robustness(args: argparse.Namespace) -> int:
    """``sdg-interactions robustness``: rank intervals, p_top_k and the cells to discuss again."""
    from sdg_interactions.analysis.robustness import discuss_again, rank_robustness, robustness_table

    lang = args.lang
    ds = _respondents(args.files)
    if args.top_k is None:
        args.top_k = min(5, ds.sizes["source"])
    ranges.check(args.top_k, "--top-k", ranges.TOP_K, high=ds.sizes["source"], lang=lang)  # 1 … the nodes
    result = rank_robustness(ds, samples=args.samples, top_k=args.top_k, seed=args.seed, method=args.aggregate)
    table = robustness_table(result, lang=lang)
    discuss = discuss_again(ds, method=args.aggregate, lang=lang)
    if args.out:
        write_table(table, args.out, sheet="robusthet", lang=lang)
    if args.discuss:
        write_table(discuss, args.discuss, sheet="diskutera_igen", lang=lang)
    n = int(result.attrs.get("n_respondents", ds.sizes.get("respondent", 1)))
    print(text("decision.robustness.heading", lang, name=matrix_title(ds, lang, args.files[0]), n=n,
               samples=args.samples, k=args.top_k, seed=args.seed))
    shown = table.assign(interval=[f"{lo}–{hi}" if lo != hi else f"{lo}"
                                   for lo, hi in zip(table["rank_lo"], table["rank_hi"], strict=True)],
                         p_top_k=[f"{say_number(100 * p, lang, decimals=0)} %" for p in table["p_top_k"]])
    columns = {"rank": text("column.rank", lang), "node": text("column.node", lang),
               "label": text("column.label", lang), "interval": text("decision.robustness.interval", lang),
               "p_top_k": text("decision.robustness.p_top_k", lang, k=args.top_k)}
    _show(shown[list(columns)].rename(columns=columns))
    print()
    if discuss.empty:
        print(text("decision.robustness.no_discuss", lang))
    else:
        print(text("decision.robustness.discuss", lang, n=len(discuss)))
        for row in discuss.head(10).itertuples(index=False):
            print(text("decision.robustness.discuss_row", lang, source=row.source, target=row.target,
                       source_label=row.source_label, target_label=row.target_label, answers=row.answers))
    for path in (args.out, args.discuss):
        if path:
            print(text("decision.written", lang, path=path, n=len(discuss if path == args.discuss else table)))
    return EXIT_OK


# --- compare ------------------------------------------------------------------------------------


def _bundled_path(value: str) -> str:
    """A bundled matrix's file for its name (``weitz2018_sweden``), so it compares as any file; else ``value``."""
    from sdg_interactions.frameworks import bundled_matrices, bundled_matrix

    if not Path(value).exists() and value in bundled_matrices()["name"].tolist():
        return str(bundled_matrix(value)["path"])
    return value


def _run_change(args: argparse.Namespace) -> int:
    """``compare --before A --after B``: what changed between two assessments of one kommun."""
    import textwrap

    from sdg_interactions.errors import ValidationError
    from sdg_interactions.io import load_dataset
    from sdg_interactions.report.change_section import assessment_name, since_previous

    lang = args.lang
    if not (args.before and args.after) or args.paths:
        raise ValidationError(text("change.cli.both", lang))
    earlier = load_dataset(args.before)
    section = since_previous(earlier, load_dataset(args.after), previous=assessment_name(earlier, args.before, lang),
                             lang=lang)
    print(section["title"])
    for paragraph in section["paragraphs"]:
        print()
        print(textwrap.fill(paragraph, width=100))
    if section["table"]:
        print()
        print(pd.DataFrame(section["table"]["rows"], columns=section["table"]["columns"]).to_string(index=False))
    return EXIT_OK


def run_compare(args: argparse.Namespace) -> int:
    """``sdg-interactions compare``: each kommun's matrix against the consensus of all; with ``--before`` and
    ``--after``, what changed between two assessments of one kommun."""
    from sdg_interactions.analysis.comparison import compare_matrices, comparison_table, departing_cells
    from sdg_interactions.io.collection import load_collection

    if args.before or args.after:
        return _run_change(args)
    lang = args.lang
    if not args.paths:
        from sdg_interactions.errors import ValidationError

        raise ValidationError(text("change.cli.paths", lang))
    paths = args.paths[0] if len(args.paths) == 1 else [_bundled_path(p) for p in args.paths]
    stack = load_collection(paths, dim="kommun")
    comparison = compare_matrices(stack)
    comparison.attrs = {**stack.attrs, **comparison.attrs}
    table = comparison_table(comparison, lang=lang)
    if args.out:
        write_table(table, args.out, sheet="jamforelse", lang=lang)
    print(text("decision.compare.heading", lang, n=len(table)))
    if comparison.attrs.get(f"title_{lang}"):
        print(comparison.attrs[f"title_{lang}"])
    columns = ["kommun", "label", "n_nodes", "n_scored", "departure", "spearman_mean", "most_departing"]
    headers = {c: text("cli.column.kommun_label" if c == "label" else f"cli.column.{c}", lang) for c in columns}
    show_table(table, lang, headers, decimals=2, width=60)
    if args.top:
        cells = departing_cells(comparison, top=args.top, lang=lang)
        print()
        print(text("decision.compare.departing", lang, n=args.top))
        columns = ["kommun", "source", "source_label", "target", "target_label", "score", "consensus", "difference"]
        show_table(cells, lang, {c: text(f"cli.column.{c}", lang) for c in columns if c in cells}, width=60)
    if args.out:
        print(text("decision.written", lang, path=args.out, n=len(table)))
    return EXIT_OK
