"""Finding a kommun by code or name."""

from __future__ import annotations

import difflib
import unicodedata

import numpy as np
import pandas as pd

from sdg_interactions.errors import UnknownKommunError, locate, tr
from sdg_interactions.frameworks.catalogues import bundled_table

__all__ = ['find_kommun']


# --- kommun lookup ------------------------------------------------------------------------------


def _fold(name: str) -> str:
    """Case, diacritics, hyphens and runs of whitespace folded away: 'Upplands-Väsby' -> 'upplands vasby'."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("-", " ").split())


def _stems(folded: str) -> set[str]:
    """The kommun names a folded official form may stand for: 'malmo stad' -> {'malmo'}, 'goteborgs stad'
    -> {'goteborgs', 'goteborg'}, 'region gotland' -> {'gotland'}; empty for a query of no such form."""
    stem = folded.removeprefix("region ") if folded.startswith("region ") else None
    for suffix in (" kommun", " stad"):
        if folded.endswith(suffix):
            stem = folded.removesuffix(suffix)
    if not stem:
        return set()
    return {stem, stem.removesuffix("s")}


def find_kommun(query: str | int) -> pd.Series:
    """Find one kommun by code or name.

    Tried in this order, the first step with a match wins: the kommunkod (``"0643"``, ``643`` or
    ``"643"``); the name or full name, ignoring case (``"habo"`` is Habo, ``"HÅBO"`` Håbo,
    ``"Falköpings kommun"``, ``"Falu kommun"``); the name with case, diacritics, hyphens and spacing
    folded (``"upplands vasby"``); the name the kommun uses for itself, "… stad" or "Region …"
    (``"Malmö stad"``, ``"Göteborgs stad"``, ``"Region Gotland"``); the start of a folded name, at
    least three letters (``"Malung"``). The query is only compared with the table, never evaluated.

    Parameters
    ----------
    query : str or int
        A kommunkod or a name, as above.

    Returns
    -------
    pandas.Series
        One row of :func:`~sdg_interactions.frameworks.kommuner` (a Series named by the kommunkod).

    Raises
    ------
    sdg_interactions.errors.UnknownKommunError
        If no kommun matches, or several do; the message lists close matches as "Name (code)".

    See Also
    --------
    sdg_interactions.frameworks.kommuner : The table searched.
    sdg_interactions.frameworks.kolada_ids : The kommun's ids in Kolada.

    Examples
    --------
    >>> find_kommun("habo")[["kommunkod", "kommun"]].tolist()
    ['0643', 'Habo']
    >>> find_kommun(643)["kommun"], find_kommun("håbo")["kommunkod"]
    ('Habo', '0305')
    >>> find_kommun("Malmö stad")["kommun"], find_kommun("Region Gotland")["kommun_fullname"]
    ('Malmö', 'Gotlands kommun')
    >>> find_kommun("Upplands")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.UnknownKommunError: 'Upplands' matches several kommuner: Upplands Väsby (0114), Upplands-Bro (0139).
    """  # noqa: E501
    table = bundled_table("kommuner.csv")
    valid = tr("error.valid_kommun")
    if isinstance(query, (bool, np.bool_)) or not isinstance(query, (str, int, np.integer)):
        raise UnknownKommunError(locate(tr("error.kommun_type", type=type(query).__name__),
                                        value=query, valid=valid))
    wanted = str(int(query)) if isinstance(query, (int, np.integer)) else query.strip()

    def pick(mask: np.ndarray | pd.Series) -> pd.Series | None:
        hits = table[np.asarray(mask)]
        if len(hits) == 1:
            row = hits.iloc[0].copy()
            row.name = row["kommunkod"]
            return row
        if len(hits) > 1:
            found = ", ".join(f"{k} ({c})" for k, c in zip(hits["kommun"], hits["kommunkod"], strict=True))
            raise UnknownKommunError(tr("error.kommun_several", value=repr(wanted), found=found))
        return None

    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 4:
        found = pick(table["kommunkod"] == wanted.zfill(4))
        if found is not None:
            return found
    else:
        lower = wanted.casefold()
        folded = _fold(wanted)
        names, fullnames = table["kommun"], table["kommun_fullname"]
        folded_names = names.map(_fold)
        steps = [
            (names.str.casefold() == lower) | (fullnames.str.casefold() == lower),
            (folded_names == folded) | (fullnames.map(_fold) == folded),
            folded_names.isin(_stems(folded)),
            folded_names.str.startswith(folded) if len(folded) >= 3 else np.zeros(len(table), bool),
        ]
        for mask in steps:
            found = pick(mask)
            if found is not None:
                return found
    choices = {_fold(k): f"{k} ({c})" for k, c in zip(table["kommun"], table["kommunkod"], strict=True)}
    close = [choices[m] for m in difflib.get_close_matches(_fold(wanted), list(choices), n=5, cutoff=0.6)]
    hint = tr("error.kommun_hint", names=", ".join(close)) if close else ""
    raise UnknownKommunError(locate(tr("error.no_kommun"), value=wanted, valid=valid) + hint)


