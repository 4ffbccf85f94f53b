"""The report's decision-support sections: the portfolio, rank robustness and the comparison with other kommuner.

Like :mod:`sdg_interactions.report.sections`, each function takes the matrix Dataset and returns a
section dict (``id``, ``title``, ``paragraphs``, ``table``, ``data``) written from the numbers, or
``None`` when the data for it does not exist (robustness needs several respondents; the comparison
needs a folder of other kommuner's matrices). A comparison that can be drawn only in part, or not at all,
says why in ``"problems"`` (one sentence per file left out). Numbers go through
:mod:`sdg_interactions.formats`; words come from the catalogue (``report_decision.*``).
"""

from __future__ import annotations

import math
import os
from collections.abc import Mapping
from pathlib import Path

import xarray as xr

from sdg_interactions.analysis import explain_portfolio, sdg_synergies
from sdg_interactions.analysis import portfolio as find_portfolio
from sdg_interactions.analysis.portfolio_words import levers, shown_number
from sdg_interactions.matrix import RESPONDENT, node_ids, single_matrix
from sdg_interactions.report.honesty import is_synthetic
from sdg_interactions.report.sections import format_number, join_words
from sdg_interactions.report.wording import count_word, lead_count
from sdg_interactions.texts import check_lang, text

__all__ = ["comparison", "percent", "portfolio", "robustness"]

KEY = "report_decision"
#: Below this many respondents the robustness section says how little a bootstrap can tell: n respondents
#: give only C(2n − 1, n) different samples (2 → 3, 3 → 10, 4 → 35).
FEW_RESPONDENTS = 5


def _section(key: str, lang: str, paragraphs: list[str], *, table: dict | None = None,
             data: dict | None = None, **values: object) -> dict:
    return {"id": key, "title": text(f"{KEY}.{key}.title", lang, **values), "paragraphs": paragraphs,
            "table": table, "data": data or {}}


def _named(node: str, labels: Mapping[str, str]) -> str:
    label = labels.get(node, node)
    return node if label in (node, "") else f"{node} ({label})"


def _differs(result, lang: str, strongest: str) -> tuple[str, str] | None:
    """How the proposal differs from the top k: the opening the analysis's sentence starts with, and the
    sentence said again with the targets as ids ("1.5 och 4.4 i stället för 8.4, 9.5 och 12.5"), whose
    labels the table and the levers' section give, never as a list of labels joined by ";"."""
    if set(result.chosen) == set(result.top_k):
        return None
    added = [n for n in result.chosen if n not in result.top_k]
    left = [n for n in result.top_k if n not in result.chosen]
    values = {"k": result.k, "top": join_words(list(result.top_k), lang), "levers": strongest,
              "top_gain": shown_number(result.top_k_gain, lang), "gain": shown_number(result.gain, lang),
              "added": join_words(added, lang), "dropped": join_words(left, lang)}
    key = f"{KEY}.portfolio.differs" if added else f"{KEY}.portfolio.differs_fewer"
    opening = text("scenario.portfolio.differs", lang, **{**values, "top": ", ".join(result.top_k)}).split("(")[0]
    return opening, text(key, lang, **values)


def _extra_prefix(result, lang: str, strongest: str) -> str:
    """The opening of the analysis's sentence on what only the proposal brings along."""
    if not result.extra_along:
        return "\0"  # matches no line
    n = len(result.extra_along)
    return text("scenario.portfolio.extra" if n > 1 else "scenario.portfolio.extra_one", lang, levers=strongest,
                n=n, names="").rstrip(".: ")


def _heading(result, lang: str, k: int, labels: Mapping[str, str]) -> str | None:
    """The proposal's members by id and label, and its coverage: the analysis's heading said in words."""
    n = len(result.chosen)
    if not n:
        return None
    how = text(f"scenario.portfolio.{'exhaustive' if result.method == 'exhaustive' else 'greedy'}", lang,
               n=shown_number(result.n_evaluated, lang), k=count_word(k, lang))
    return text(f"{KEY}.portfolio.heading" + ("_one" if n == 1 else ""), lang,
                members=text("report.words.targets", lang, n=count_word(n, lang)),
                names=join_words([_named(x, labels) for x in result.chosen], lang),
                gain=shown_number(result.gain, lang), how=how)


def portfolio(obj: xr.Dataset | xr.DataArray, *, k: int = 5, aggregate: str = "mean", lang: str = "sv") -> dict:
    """The portfolio: ``k`` priorities that together reach most others
    (:func:`~sdg_interactions.analysis.portfolio`), beside the plain top ``k`` by systemic rank (the ``k``
    strongest levers, said in words: "de fem starkaste hävstängerna"), with what each pulls along and puts
    at risk (defined in one sentence before the table) and why the two differ. Its members are named in the
    text, not only in the table. ``k`` is capped at the number of nodes − 1, and the section says so. On
    invented data (:func:`~sdg_interactions.report.honesty.is_synthetic`) it opens by saying that the
    proposal is a demonstration, not one for the kommun. A negative mean above −1 is not said to hinder
    (:func:`~sdg_interactions.analysis.portfolio_words.explain_portfolio` with the scores)."""
    check_lang(lang)
    m = single_matrix(obj, aggregate, what="a report")
    n = len(node_ids(m))
    paragraphs = []
    if k > n - 1:
        paragraphs.append(text(f"{KEY}.portfolio.capped", lang, k=k, n=n, cap=n - 1))
        k = n - 1
    result = find_portfolio(m, k)
    labels = result.labels[lang]
    systemic = sdg_synergies(m)
    ranks = dict(zip(node_ids(m), systemic["rank"].values.tolist(), strict=True))
    invented = is_synthetic(obj)  # a demonstration: no proposal to discuss, and the heading says "Exempel"
    paragraphs.insert(0, text(f"{KEY}.portfolio.intro", lang, k=count_word(k, lang),
                              cap=format_number(result.cap, lang))
                      + ("" if invented else " " + text(f"{KEY}.portfolio.decision", lang)))
    if invented:
        paragraphs.insert(0, text(f"{KEY}.portfolio.synthetic", lang))
    # the intro explains "täckning" once, in one plain sentence: the analysis's definition is not repeated. What
    # each chosen target pulls along and puts at risk stands in the table, not in lists joined by ";"
    defined = text("scenario.portfolio.coverage", lang, cap=shown_number(result.cap, lang))
    k_word = count_word(result.k, lang)
    strongest = levers(result.k, lang, k_word)
    differs = _differs(result, lang, strongest)
    heading = _heading(result, lang, result.k, labels)
    lines = explain_portfolio(result, lang=lang, k_word=k_word, scores=m).splitlines()
    # the analysis's counts in digits, said with counts up to twelve in words
    fewer = "scenario.portfolio.fewer" + ("_one" if len(result.chosen) == 1 else "")
    counted = {text(fewer, lang, n=len(result.chosen), k=result.k):
               text(fewer, lang, n=count_word(len(result.chosen), lang), k=k_word)}
    if result.k in result.best_by_size:
        best = shown_number(result.best_by_size[result.k], lang)
        counted[text("scenario.portfolio.best_k", lang, k=result.k, gain=best)] = text(
            "scenario.portfolio.best_k", lang, k=k_word, gain=best)
    for index, line in enumerate(lines):
        said = line.strip()
        if not said or said == defined or said.startswith("- "):
            continue
        if index == 0 and heading:
            said = heading
        elif differs and said.startswith(differs[0]):
            said = differs[1]
        elif said.startswith(_extra_prefix(result, lang, strongest)):
            extra = result.extra_along
            said = text(f"{KEY}.portfolio.extra" + ("_one" if len(extra) == 1 else ""), lang, levers=strongest,
                        count=text("report.words.targets" if len(extra) > 1 else "report.words.target", lang,
                                   n=count_word(len(extra), lang)),
                        names=_named(extra[0], labels) if len(extra) == 1 else join_words(list(extra), lang))
        paragraphs.append(counted.get(said, said))
    paragraphs.append(text(f"{KEY}.portfolio.table", lang))
    if any(node in result.top_k for node in result.chosen):  # their row's "Tillför" holds "–"
        paragraphs.append(text(f"{KEY}.portfolio.dash", lang, levers=strongest))
    yes, no = text(f"{KEY}.yes", lang), text(f"{KEY}.no", lang)

    def listed(nodes) -> str:
        return text(f"{KEY}.portfolio.listed", lang, n=len(nodes), names=join_words(list(nodes), lang)) \
            if nodes else text(f"{KEY}.portfolio.none", lang)

    rows = [[node, labels.get(node, node), str(ranks[node]), yes if node in result.top_k else no,
             shown_number(result.marginal[node], lang) if node in result.marginal else "–",
             listed(result.pulls_along[node]), listed(result.puts_at_risk[node])] for node in result.chosen]
    columns = [text("report.column.node", lang), text("column.label", lang), text("column.rank", lang),
               text(f"{KEY}.portfolio.in_top_k", lang, levers=strongest), text(f"{KEY}.portfolio.adds", lang),
               text(f"{KEY}.portfolio.pulls", lang), text(f"{KEY}.portfolio.risks", lang)]
    section = _section("portfolio", lang, paragraphs, table={"columns": columns, "rows": rows},
                       k=count_word(len(result.chosen), lang),
                       data={"chosen": list(result.chosen), "top_k": list(result.top_k), "gain": result.gain,
                             "top_k_gain": result.top_k_gain, "method": result.method})
    if invented:
        section["title"] = text(f"{KEY}.portfolio.title_synthetic", lang, k=count_word(len(result.chosen), lang))
    return section


def robustness(obj: xr.Dataset | xr.DataArray, *, top_k: int = 5, samples: int = 1000, seed: int = 0,
               aggregate: str = "mean", lang: str = "sv", limit: int = 10) -> dict | None:
    """With several respondents: how sure the ranking is (rank intervals and the share of bootstrap samples
    in the top ``top_k``, :func:`~sdg_interactions.analysis.robustness.rank_robustness`) and the pairs to
    discuss again (:func:`~sdg_interactions.analysis.robustness.discuss_again`). ``None`` for one matrix."""
    if RESPONDENT not in obj.dims:
        return None
    from sdg_interactions.analysis.robustness import discuss_again, rank_robustness, robustness_table

    check_lang(lang)
    n = len(node_ids(obj))
    top_k = max(1, min(int(top_k), n))
    result = rank_robustness(obj, samples=samples, top_k=top_k, seed=seed, method=aggregate)
    table = robustness_table(result, lang=lang)
    discuss = discuss_again(obj, method=aggregate, lang=lang)
    top = table[table["rank"] <= top_k]
    sure = top[top["p_top_k"] >= 0.9]["node"].tolist()
    unsure = top[top["p_top_k"] < 0.9]["node"].tolist()
    labels = dict(zip(table["node"], table["label"], strict=True))
    people = obj.sizes[RESPONDENT]
    paragraphs = [text(f"{KEY}.robustness.intro" + ("_synthetic" if is_synthetic(obj) else ""), lang,
                       n=lead_count(people, lang, neuter=False), samples=format_number(samples, lang))]
    few = people < FEW_RESPONDENTS
    if few:
        paragraphs.append(text(f"{KEY}.robustness.few", lang, n=count_word(people, lang, neuter=False),
                               distinct=count_word(math.comb(2 * people - 1, people), lang, neuter=False)))
    if sure:
        paragraphs.append(text(f"{KEY}.robustness.{'sure_few' if few else 'sure'}", lang, k=count_word(top_k, lang),
                               nodes=join_words([_named(x, labels) for x in sure], lang)))
    if unsure:
        paragraphs.append(text(f"{KEY}.robustness.unsure", lang, k=count_word(top_k, lang),
                               nodes=join_words([_named(x, labels) for x in unsure], lang)))
    if discuss.empty:
        paragraphs.append(text(f"{KEY}.robustness.no_discuss", lang))
    else:
        paragraphs.append(_discuss(discuss.head(limit), len(discuss), lang, invented=is_synthetic(obj)))
        paragraphs += [text(f"{KEY}.robustness.discuss_row", lang, source=_named(r.source, {r.source: r.source_label}),
                            target=_named(r.target, {r.target: r.target_label}), answers=r.answers)
                       for r in discuss.head(limit).itertuples(index=False)]
    rows = [[str(r.rank), r.node, r.label, f"{r.rank_lo}–{r.rank_hi}" if r.rank_lo != r.rank_hi else str(r.rank_lo),
             percent(r.p_top_k, lang)]
            for r in table.head(max(top_k * 2, 10)).itertuples(index=False)]
    columns = [text("column.rank", lang), text("report.column.node", lang), text("column.label", lang),
               text(f"{KEY}.robustness.interval", lang), text(f"{KEY}.robustness.p_top_k", lang, k=top_k)]
    return _section("robustness", lang, paragraphs, table={"columns": columns, "rows": rows},
                    data={"sure": sure, "unsure": unsure,
                          "discuss": list(zip(discuss["source"], discuss["target"], strict=True))})


def percent(share: float, lang: str = "sv") -> str:
    """A share as a whole percentage, as the language writes it (CLDR's percent sign through Babel: "5 %" with a
    no-break space in Swedish, "5%" in English); the number rounded as every number is
    (:func:`~sdg_interactions.formats.number`).

    >>> percent(0.05), percent(1.0), percent(0.785, "en")
    ('5\xa0%', '100\xa0%', '79%')
    """
    from babel import Locale

    from sdg_interactions.formats import LOCALES

    sign = Locale.parse(LOCALES[check_lang(lang)]).percent_formats[None].suffix[0] or "%"
    return format_number(100 * float(share), lang, decimals=0) + sign


def _discuss(shown, n: int, lang: str, *, invented: bool = False) -> str:
    """The sentence before the contested pairs: how many are contested, which are shown ("Alla fyra, ordnade
    …" when all are), and what "?" after an answer means when one has it. On ``invented`` answers no one is
    to discuss them: the sentence says a real assessment would."""
    key = f"{KEY}.robustness"
    marks = text(f"{key}.uncertain_mark", lang) if any("?" in str(a) for a in shown["answers"]) else ""
    end = "_synthetic" if invented else ""
    if n == 1:
        return text(f"{key}.discuss_one{end}", lang, marks=marks)
    which = (text(f"{key}.discuss_both", lang) if n == 2 else text(f"{key}.discuss_all", lang, n=count_word(n, lang))
             ) if len(shown) == n else text(f"{key}.discuss_first", lang, shown=count_word(len(shown), lang))
    return text(f"{key}.discuss{end}", lang, n=count_word(n, lang), which=which, marks=marks)


def _read_folder(folder: Path, nodes: list[str], aggregate: str, lang: str) -> tuple[xr.DataArray | None, list[str]]:
    """The folder's matrices on ``nodes``, stacked on ``kommun``, and one sentence per file left out (unreadable,
    or other targets). The whole folder at once first (a bundled folder keeps its provenance); file by file only
    when that fails."""
    from sdg_interactions.errors import SdgInteractionsError
    from sdg_interactions.frameworks import FOLDER_SUFFIXES
    from sdg_interactions.io import load_matrix
    from sdg_interactions.io.collection import load_collection, stack_matrices

    try:
        stack = load_collection(folder, dim="kommun", combine=aggregate)
        attrs = dict(stack.attrs)
        stack = stack["score"] if isinstance(stack, xr.Dataset) else stack
        if node_ids(stack) == nodes:
            return stack.assign_attrs(attrs), []
    except SdgInteractionsError:
        pass
    problems, good = [], {}
    files = sorted(f for f in folder.iterdir() if f.is_file() and f.suffix.lower() in FOLDER_SUFFIXES
                   and not f.name.startswith((".", "~$")))
    for path in files:
        try:
            one = load_matrix(path, combine=aggregate)
        except (SdgInteractionsError, OSError, ValueError) as error:
            reason = str(error).strip().replace(os.fspath(path) + ", ", "").replace(os.fspath(path), path.name)
            problems.append(text(f"{KEY}.comparison.unreadable", lang, file=path.name, reason=reason))
            continue
        if node_ids(one) != nodes:
            problems.append(text(f"{KEY}.comparison.other_nodes", lang, file=path.name,
                                 n=format_number(len(nodes), lang)))
            continue
        good[path.stem] = one
    if not good:
        return None, problems
    return stack_matrices(good, dim="kommun").assign_attrs({"source": str(folder)}), problems


def comparison(obj: xr.Dataset | xr.DataArray, kommunkod: str, matrices_dir: str | os.PathLike | None, *,
               aggregate: str = "mean", lang: str = "sv", top: int = 5) -> dict | None:
    """This kommun's matrix beside the other kommuner's in ``matrices_dir`` (files named by kommunkod or
    ``<kommunkod>_<name>``): where it departs most from their consensus (the median of each pair), and how
    closely its ranking follows theirs (Spearman correlation of systemic scores;
    :mod:`sdg_interactions.analysis.comparison`). ``None`` without a folder.

    A file that cannot be read, or scores other targets than this matrix, is left out and named in
    ``"problems"`` with why (the page renders them; they are not repeated in ``paragraphs``); the rest are
    still compared. With no other kommun's matrix left, the section holds only the problems, the last
    saying that the comparison could not be made."""
    if not matrices_dir or not Path(matrices_dir).is_dir():
        return None
    from sdg_interactions.analysis.comparison import compare_matrices, departing_cells
    from sdg_interactions.io.collection import stack_matrices

    check_lang(lang)
    own = single_matrix(obj, aggregate, what="a report")
    stack, problems = _read_folder(Path(matrices_dir), node_ids(own), aggregate, lang)
    names = [str(v) for v in stack["kommun"].values] if stack is not None else []
    mine = [name for name in names if name.split("_")[0] == str(kommunkod)]
    if len(set(names) - set(mine)) < 1:
        nothing = text(f"{KEY}.comparison.nothing", lang, folder=Path(matrices_dir).name)
        section = _section("comparison", lang, [], data={"kommun": str(kommunkod), "others": []})
        section["title"] = text(f"{KEY}.comparison.title_none", lang)
        section["problems"] = [*problems, nothing]
        return section
    attrs = dict(stack.attrs)
    if not mine:  # the kommun has no matrix of its own there: compare the one its report uses
        entries = {name: stack.sel(kommun=name, drop=True) for name in names}
        stack = stack_matrices({**entries, str(kommunkod): own}, dim="kommun").assign_attrs(attrs)
        mine = [str(kommunkod)]
    result = compare_matrices(stack)
    me = mine[0]
    others = [x for x in result["kommun"].values.tolist() if x != me]
    rho = result["spearman"].sel(kommun=me).sel(kommun_other=others)
    cells = departing_cells(result, top=top, lang=lang)
    cells = cells[cells["kommun"] == me]
    paragraphs = [text(f"{KEY}.comparison.intro", lang, n=format_number(len(others), lang),
                       mean=format_number(float(rho.mean()), lang, decimals=2),
                       low=format_number(float(rho.min()), lang, decimals=2),
                       high=format_number(float(rho.max()), lang, decimals=2))]
    if stack.attrs.get("synthetic"):
        paragraphs.insert(0, text(f"{KEY}.comparison.synthetic", lang, title=stack.attrs.get(f"title_{lang}", "")))
    if cells.empty or not (cells["difference"].abs() > 0).any():
        paragraphs.append(text(f"{KEY}.comparison.same", lang))
    else:
        paragraphs.append(text(f"{KEY}.comparison.departing", lang, n=format_number(len(cells), lang)))
    rows = [[_named(r.source, {r.source: r.source_label}), _named(r.target, {r.target: r.target_label}),
             format_number(r.score, lang), format_number(r.consensus, lang), format_number(r.difference, lang)]
            for r in cells.itertuples(index=False) if abs(r.difference) > 0]
    columns = [text("metrics.column.source", lang), text("metrics.column.target", lang),
               text(f"{KEY}.comparison.score", lang), text(f"{KEY}.comparison.consensus", lang),
               text(f"{KEY}.comparison.difference", lang)]
    section = _section("comparison", lang, paragraphs,
                       table={"columns": columns, "rows": rows} if rows else None, n=format_number(len(others), lang),
                       data={"kommun": me, "others": others, "spearman": rho.values.tolist(),
                             "cells": [(r[0], r[1]) for r in rows]})
    if problems:
        section["problems"] = problems
    return section
