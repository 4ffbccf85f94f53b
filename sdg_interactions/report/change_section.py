"""The section "Sedan förra bedömningen": what changed between a kommun's previous assessment and this one.

Built from :func:`~sdg_interactions.analysis.change.assessment_change`; every number in a sentence is one of its
counts or scores. ``report --previous FILE`` shows it in the förvaltning version; ``compare --before A --after
B`` prints it on the command line.
"""

from __future__ import annotations

import re

import numpy as np
import xarray as xr

from sdg_interactions.analysis.cells import cell_statistics
from sdg_interactions.analysis.change import CHANGE_STEP, CONFLICT_AT, assessment_change
from sdg_interactions.formats import number
from sdg_interactions.matrix import RESPONDENT, as_matrix
from sdg_interactions.report.honesty import is_synthetic
from sdg_interactions.report.wording import count_word, join_words, labels_of, lead_count, namer
from sdg_interactions.texts import check_lang, text
from sdg_interactions.ties import at_least, tied

__all__ = ["LARGEST", "SPELLED_OUT", "assessment_name", "previous_sentence", "since_previous"]

#: The largest changes a sentence names (the table lists every moved pair).
LARGEST = 3
#: Abbreviations the section spells out at their first mention (``change.spelled_out``): proper names, kept
#: out of the catalogue since they are no Swedish words.
SPELLED_OUT = {"SEI": "Stockholm Environment Institute"}


def assessment_name(data: xr.Dataset | xr.DataArray, path: str, lang: str = "sv") -> str:
    """What an assessment is called in a sentence: its title in ``lang`` when it has one (a bundled matrix,
    a workshop's answers), else its file's name (never a folder the reader cannot see).

    >>> assessment_name(xr.DataArray(0, attrs={"title_sv": "Habo 2025"}), "/tmp/a/svar.nc")
    'Habo 2025'
    >>> assessment_name(xr.DataArray(0), "/home/anna/habo/bedomning_2025.xlsx")
    'bedomning_2025.xlsx'
    """
    from pathlib import Path

    return str(data.attrs.get(f"title_{lang}") or Path(str(path)).name)


def previous_sentence(previous: str, lang: str = "sv") -> str:
    """The sentence that names the previous assessment: its name in quotes, and the source a bundled title
    ends with in parentheses said after it (no parenthesis inside another), an abbreviation such as SEI
    spelled out (:data:`SPELLED_OUT`).

    >>> previous_sentence("Sverige: samspel mellan 34 delmål i Agenda 2030 (SEI, Weitz m.fl. 2018)")
    'Förra bedömningen är ”Sverige: samspel mellan 34 delmål i Agenda 2030” från Stockholm Environment Institute (SEI), Weitz m.fl. 2018.'
    >>> previous_sentence("bedomning_2025.xlsx", "en")
    'The previous assessment is “bedomning_2025.xlsx”.'
    """  # noqa: E501
    found = re.fullmatch(r"\s*(.*?\S)\s*\(([^()]+)\)\s*", str(previous))
    if not found:
        return text("change.previous", lang, name=str(previous).strip())
    name, source = found.groups()
    for abbreviation, spelled in SPELLED_OUT.items():
        said = text("change.spelled_out", lang, name=spelled, abbreviation=abbreviation)
        source = re.sub(rf"\b{abbreviation}\b", said, source, count=1)
    return text("change.previous_from", lang, name=name, source=source.strip())


def _kommun_name(kommun: str) -> str:
    """The kommun's name for a sentence ("Härryda" for "1401"); what was given when it is no kommun."""
    from sdg_interactions.errors import SdgInteractionsError
    from sdg_interactions.frameworks import find_kommun

    try:
        return str(find_kommun(str(kommun))["kommun"])
    except SdgInteractionsError:
        return str(kommun)


def _contested(after: xr.Dataset | xr.DataArray, ids: list[str]) -> np.ndarray | None:
    """Where the respondents of ``after`` disagree (:func:`~sdg_interactions.analysis.cell_statistics`: someone
    > 0 and someone < 0, or the answers spread by an IQR of 2 or more), on the targets ``ids``; None for one
    matrix."""
    answers = as_matrix(after)
    if RESPONDENT not in answers.dims or answers.sizes[RESPONDENT] < 2:
        return None
    stats = cell_statistics(answers)
    return stats["contested"].sel(source=ids, target=ids).to_numpy().astype(bool)


def _split(cells: list, contested: np.ndarray | None, ids: list[str], say, lang: str) -> str:
    """" De svarande är oeniga om 2.4 → 6.6: …" for the named ``cells`` whose answers are split; "" else."""
    if contested is None:
        return ""
    index = {node: k for k, node in enumerate(ids)}
    split = [c for c in cells if contested[index[c[0]], index[c[1]]]]
    if not split:
        return ""
    return " " + text("change.split", lang, pairs=join_words([f"{say(c[0])} → {say(c[1])}" for c in split], lang))


def _gone(cells: list, contested: np.ndarray | None, ids: list[str], say, lang: str) -> str:
    """The goal conflicts that are gone: how many now lie just above the line (between −1 and 0) and how many
    at 0 or more; then those that moved a whole step or more (named when few, else their largest moves,
    :func:`_largest`) and the range where the others, which moved less than a step, lie now."""
    if len(cells) == 1:
        return text("change.conflicts_gone_one", lang, pairs=_pair(cells[0], say, lang, "change.pair")) + \
            _split(cells, contested, ids, say, lang)
    near = sum(1 for c in cells if c[3] < 0)
    fields = {"n": lead_count(len(cells), lang, neuter=True), "near": _count(near, lang),
              "cleared": _count(len(cells) - near, lang), "line": _score(CONFLICT_AT, lang),
              "zero": _score(0.0, lang)}
    key = "change.conflicts_gone" + ("_near" if near == len(cells) else "_cleared" if not near else "")
    whole = [c for c in cells if at_least(abs(c[3] - c[2]), CHANGE_STEP)]
    small = [c for c in cells if c not in whole]
    said, shown = [text(key, lang, **fields)], []
    if whole and len(whole) <= LARGEST:
        shown = whole
        said.append(text("change.gone_whole_only" if small else "change.gone_whole_all", lang,
                         n=count_word(len(whole), lang),
                         pairs=join_words([_pair(c, say, lang, "change.pair") for c in whole], lang)))
    elif whole:
        shown = _largest(whole)
        said.append(text("change.gone_whole_many", lang, n=lead_count(len(whole), lang, neuter=True)))
        if shown:
            said.append(text("change.largest", lang,
                             pairs=join_words([_pair(c, say, lang, "change.pair") for c in shown], lang)))
    if small:
        now = sorted(c[3] for c in small)
        where = (text("change.range_one", lang, value=_score(now[0], lang)) if _score(now[0], lang) ==
                 _score(now[-1], lang) else text("change.range", lang, low=_score(now[0], lang),
                                                 high=_score(now[-1], lang)))
        key = ("change.gone_small_rest_one" if len(small) == 1 else "change.gone_small_rest") if whole else \
            "change.gone_small_all"
        said.append(text(key, lang, n=_count(len(small), lang), where=where))
    return " ".join(said) + _split(shown, contested, ids, say, lang)


def _shown(value: float) -> float:
    """A score as a sentence shows it (one decimal, halves away from zero), as a number: equal as shown is
    equal as read."""
    return float(number(float(value), "en").replace("\N{MINUS SIGN}", "-").replace(",", ""))


def _move(cell: tuple[str, str, float, float]) -> float:
    """How far a pair moved as the reader sees it: between its scores as shown (NaN when one is unscored)."""
    if np.isnan(cell[2]) or np.isnan(cell[3]):
        return float("nan")
    return abs(_shown(cell[3]) - _shown(cell[2]))


def _largest(cells: list) -> list:
    """The largest moves a sentence may call "störst": the first :data:`LARGEST` of ``cells`` (largest
    first), fewer when the last named ties with the first unnamed as shown (none then may stand out: a
    reader sees equal numbers). All of them when there are at most :data:`LARGEST`.

    >>> c = [("a", "b", -1.0, 0.3), ("c", "d", -1.0, -0.8), ("e", "f", -1.0, -0.8), ("g", "h", -1.0, -0.83),
    ...      ("i", "j", -1.0, -0.9)]
    >>> [x[0] for x in _largest(c)]
    ['a']
    >>> [x[0] for x in _largest(c[1:])]  # 0,2; 0,2; 0,2 (−0,83 is shown −0,8), then 0,1
    ['c', 'e', 'g']
    >>> _largest(c[1:4] + [("k", "l", -1.0, -0.8)])  # four moves of 0,2: none is the largest
    []
    """
    if len(cells) <= LARGEST:
        return list(cells)
    k = LARGEST
    while k > 0 and tied(_move(cells[k - 1]), _move(cells[k])):
        k -= 1
    return list(cells[:k])


def _count(n: int, lang: str) -> str:
    """A count in a sentence: in words up to twelve, else in digits as the language writes them (1 122)."""
    return count_word(n, lang) if count_word(n, lang) != str(int(n)) else number(int(n), lang, decimals=0)


def _score(value: float, lang: str) -> str:
    """A score as the scale writes it: +2, 0, −1,5."""
    shown = number(float(value), lang)
    return f"+{shown}" if float(value) > 0 and shown != "0" else shown


def _cells(change: xr.Dataset, mask: np.ndarray) -> list[tuple[str, str, float, float]]:
    """The pairs where ``mask`` holds: (source, target, before, after), the largest change first, then in
    natural order."""
    ids = [str(v) for v in change["source"].values]
    before, after = change["before"].values, change["after"].values
    found = [(ids[i], ids[j], float(before[i, j]), float(after[i, j])) for i, j in zip(*np.nonzero(mask), strict=True)]
    return sorted(found, key=lambda c: (-np.nan_to_num(_move(c), nan=-1.0), -abs(np.nan_to_num(c[3] - c[2]))))


def _pair(cell: tuple[str, str, float, float], say, lang: str, key: str) -> str:
    source, target, before, after = cell
    return text(key, lang, source=say(source), target=say(target),
                before=text("change.not_scored", lang) if np.isnan(before) else _score(before, lang),
                after=text("change.not_scored", lang) if np.isnan(after) else _score(after, lang))


def since_previous(before: xr.Dataset | xr.DataArray, after: xr.Dataset | xr.DataArray, *, previous: str,
                   top_k: int = 5, aggregate: str = "mean", lang: str = "sv", kommun: str | None = None) -> dict:
    """The section: which assessment came before (:func:`previous_sentence`), how many pairs moved (and the
    largest moves), where the ``top_k`` strongest levers stand now against before, the goal conflicts that
    appeared or are gone (those gone grouped: just above the line, between −1 and 0, or at 0 or more), the
    targets only one assessment has, and what "moved" and "målkonflikt" mean here. With several respondents
    in ``after``, every named pair whose answers are split (contested,
    :func:`~sdg_interactions.analysis.cell_statistics`) is said to be one the respondents disagree on, and
    the table gets a column for it. ``previous`` names the earlier assessment (:func:`assessment_name`).
    When ``after`` is invented (:func:`~sdg_interactions.report.honesty.is_synthetic`: made from the national
    matrix, answers moved at random and disagreement planted), the changes are how the example was made: the
    section opens by saying so, naming the ``kommun`` (its name; "kommunen" when not given).
    ``table``: every moved pair with both scores; ``data``: the counts.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> ids = ["1.1", "1.2", "1.3"]
    >>> b = from_array(np.array([[np.nan, 2, -1], [1, np.nan, 0], [0, 1, np.nan]]), ids)
    >>> a = from_array(np.array([[np.nan, 2, 1], [1, np.nan, -2], [0, 1, np.nan]]), ids)
    >>> s = since_previous(b, a, previous="2025", top_k=2, lang="en")
    >>> s["data"]["moved"], s["data"]["pairs"], s["data"]["up"], s["data"]["down"]
    (2, 6, 1, 1)
    >>> s["paragraphs"][0]
    'The previous assessment is “2025”. Compared with it, two of the six pairs both assessments scored changed by at least one step of the scale: one towards promoting and one towards hindering.'
    """  # noqa: E501
    check_lang(lang)
    change = assessment_change(before, after, aggregate=aggregate)
    labels = labels_of(after, lang)
    say = namer(labels)
    delta = change["delta"].values
    scored = ~np.isnan(delta)
    moved = change["moved"].values
    up, down = int((moved & (np.nan_to_num(delta) > 0)).sum()), int((moved & (np.nan_to_num(delta) < 0)).sum())
    pairs, n_moved = int(scored.sum()), int(moved.sum())
    ids = [str(v) for v in change["node"].values]
    contested = _contested(after, ids)
    opening = previous_sentence(previous, lang) + " "
    if is_synthetic(after):
        opening = (text("change.synthetic", lang, kommun=_kommun_name(kommun)) if kommun else
                   text("change.synthetic_unnamed", lang)) + " " + opening
    paragraphs = []
    if n_moved:
        paragraphs.append(opening + text("change.moved", lang, n=_count(n_moved, lang),
                                         pairs=_count(pairs, lang), up=_count(up, lang),
                                         down=_count(down, lang)))
        every = _cells(change, moved)
        largest = _largest(every)
        key = "change.these" if len(every) <= LARGEST else "change.largest" if largest else "change.largest_tied"
        paragraphs.append(text(key, lang,
                               pairs=join_words([_pair(c, say, lang, "change.pair") for c in largest], lang))
                          + _split(largest, contested, ids, say, lang))
    else:
        paragraphs.append(opening + text("change.moved_none", lang, pairs=_count(pairs, lang)))
    rank_now, rank_then = change["rank_after"].values, change["rank_before"].values
    k = max(1, min(int(top_k), len(ids)))
    top = sorted(range(len(ids)), key=lambda i: (rank_now[i], i))[:k]
    same = [i for i in top if rank_now[i] == rank_then[i]]
    lever_words = [text("change.levers_all_same" if len(same) == k > 1 else
                        "change.levers_same" if same else "change.levers_none_same", lang,
                        k=count_word(k, lang, neuter=False), nodes=join_words([say(ids[i]) for i in same], lang))]
    moves = [text("change.lever_rose" if rank_now[i] < rank_then[i] else "change.lever_fell", lang,
                  node=say(ids[i]), now=int(rank_now[i]), then=int(rank_then[i])) for i in top if i not in same]
    if moves:
        words = join_words(moves, lang)
        lever_words.append(words[0].upper() + words[1:] + ".")
    paragraphs.append(" ".join(lever_words))
    left = [i for i in range(len(ids)) if rank_then[i] <= k < rank_now[i]]
    if left:
        paragraphs.append(text("change.left_top", lang, k=count_word(k, lang, neuter=False), levers=join_words(
            [text("change.lever_now", lang, node=say(ids[i]), now=int(rank_now[i])) for i in left], lang)))
    new, gone = _cells(change, change["conflict_new"].values), _cells(change, change["conflict_gone"].values)
    if new:
        shown = new[:LARGEST]
        listed = join_words([_pair(c, say, lang, "change.pair") for c in shown], lang)
        key = "change.conflicts_new_one" if len(new) == 1 else \
            "change.conflicts_new" if len(shown) == len(new) else "change.conflicts_new_largest"
        paragraphs.append(text(key, lang, n=lead_count(len(new), lang, neuter=True), pairs=listed)
                          + _split(shown, contested, ids, say, lang))
    if gone:
        paragraphs.append(_gone(gone, contested, ids, say, lang))
    if not new and not gone:
        paragraphs.append(text("change.conflicts_none", lang))
    elif not new:
        paragraphs.insert(len(paragraphs) - 1, text("change.conflicts_new_none", lang))
    for side in ("only_before", "only_after"):
        if change.attrs[side]:
            paragraphs.append(text(f"change.{side}", lang, nodes=change.attrs[side]))
    paragraphs.append(text("change.basis", lang))
    index = {node: n for n, node in enumerate(ids)}
    rows = [[source, target, "" if np.isnan(b) else _score(b, lang), "" if np.isnan(a) else _score(a, lang),
             *([] if contested is None else
               [text("change.yes" if contested[index[source], index[target]] else "change.no", lang)])]
            for source, target, b, a in _cells(change, moved)]
    columns = ("source", "target", "before", "after", *(() if contested is None else ("split",)))
    table = {"columns": [text(f"change.column.{c}", lang) for c in columns], "rows": rows} if rows else None
    n_split = 0 if contested is None else int((contested & moved).sum())
    return {"id": "change", "title": text("change.title", lang), "paragraphs": paragraphs, "table": table,
            "data": {"moved": n_moved, "pairs": pairs, "up": up, "down": down,
                     "conflicts_new": [c[:2] for c in new], "conflicts_gone": [c[:2] for c in gone],
                     "gone_near": [c[:2] for c in gone if c[3] < 0], "moved_split": n_split,
                     "top": [ids[i] for i in top], "left_top": [ids[i] for i in left]}}
