"""The section "Sedan förra bedömningen": what changed between a kommun's previous assessment and this one.

Built from :func:`~sdg_interactions.analysis.change.assessment_change`; every number in a sentence is one of its
counts or scores. ``report --previous FILE`` shows it in the förvaltning version; ``compare --before A --after
B`` prints it on the command line.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sdg_interactions.analysis.change import assessment_change
from sdg_interactions.formats import number
from sdg_interactions.report.wording import count_word, join_words, labels_of, lead_count, namer
from sdg_interactions.texts import check_lang, text

__all__ = ["LARGEST", "assessment_name", "since_previous"]

#: The largest changes a sentence names (the table lists every moved pair).
LARGEST = 3


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
    return sorted(found, key=lambda c: -abs(np.nan_to_num(c[3] - c[2])))


def _pair(cell: tuple[str, str, float, float], say, lang: str, key: str) -> str:
    source, target, before, after = cell
    return text(key, lang, source=say(source), target=say(target),
                before=text("change.not_scored", lang) if np.isnan(before) else _score(before, lang),
                after=text("change.not_scored", lang) if np.isnan(after) else _score(after, lang))


def since_previous(before: xr.Dataset | xr.DataArray, after: xr.Dataset | xr.DataArray, *, previous: str,
                   top_k: int = 5, aggregate: str = "mean", lang: str = "sv") -> dict:
    """The section: how many pairs moved (and the largest moves), where the ``top_k`` strongest levers stand
    now against before, the goal conflicts that appeared or are gone, the targets only one assessment has,
    and what "moved" and "målkonflikt" mean here. ``previous`` names the earlier assessment (its title or
    file). ``table``: every moved pair with both scores; ``data``: the counts.

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
    'Compared with the previous assessment (2025), 2 of the 6 pairs both assessments scored changed by at least one step of the scale: 1 towards promoting and 1 towards restricting.'
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
    paragraphs = []
    if n_moved:
        paragraphs.append(text("change.moved", lang, previous=previous, n=number(n_moved, lang, decimals=0),
                               pairs=number(pairs, lang, decimals=0), up=number(up, lang, decimals=0),
                               down=number(down, lang, decimals=0)))
        largest = _cells(change, moved)[:LARGEST]
        paragraphs.append(text("change.largest", lang,
                               pairs=join_words([_pair(c, say, lang, "change.pair") for c in largest], lang)))
    else:
        paragraphs.append(text("change.moved_none", lang, previous=previous, pairs=number(pairs, lang, decimals=0)))
    ids = [str(v) for v in change["node"].values]
    rank_now, rank_then = change["rank_after"].values, change["rank_before"].values
    k = max(1, min(int(top_k), len(ids)))
    top = sorted(range(len(ids)), key=lambda i: (rank_now[i], i))[:k]
    same = [i for i in top if rank_now[i] == rank_then[i]]
    lever_words = [text("change.levers_same" if same else "change.levers_none_same", lang,
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
    for cells, key in ((new, "change.conflicts_new"), (gone, "change.conflicts_gone")):
        if cells:
            paragraphs.append(text(key + ("_one" if len(cells) == 1 else ""), lang,
                                   n=lead_count(len(cells), lang, neuter=True),
                                   pairs=join_words([_pair(c, say, lang, "change.pair") for c in cells], lang)))
    if not new and not gone:
        paragraphs.append(text("change.conflicts_none", lang))
    elif not new:
        paragraphs.insert(len(paragraphs) - 1, text("change.conflicts_new_none", lang))
    for side in ("only_before", "only_after"):
        if change.attrs[side]:
            paragraphs.append(text(f"change.{side}", lang, nodes=change.attrs[side]))
    paragraphs.append(text("change.basis", lang))
    rows = [[source, target, "" if np.isnan(b) else _score(b, lang), "" if np.isnan(a) else _score(a, lang)]
            for source, target, b, a in _cells(change, moved)]
    table = {"columns": [text(f"change.column.{c}", lang) for c in ("source", "target", "before", "after")],
             "rows": rows} if rows else None
    return {"id": "change", "title": text("change.title", lang), "paragraphs": paragraphs, "table": table,
            "data": {"moved": n_moved, "pairs": pairs, "up": up, "down": down,
                     "conflicts_new": [c[:2] for c in new], "conflicts_gone": [c[:2] for c in gone],
                     "top": [ids[i] for i in top], "left_top": [ids[i] for i in left]}}
