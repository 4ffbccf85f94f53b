"""What a report may say about its own basis: how much was scored, by how many, and whose assessment it is.

Three questions, each answered from the data, never from the size of an array or the name of a file:

* :func:`coverage`: of the ``n(n − 1)`` off-diagonal pairs of the *combined* matrix (several respondents'
  answers aggregated; a pair no one scored stays NaN), how many are scored; how many respondents scored at
  least one pair (not how many sheets or rows the respondent dim has); and which targets are least covered
  (fewest scored cells in their row plus their column).
* :func:`whose`: ``"own"`` (the kommun made it: a workshop folder's merged answers, or a template that names
  the kommun: ``attrs["kommun"]`` is its kommunkod), ``"national"`` (a bundled matrix such as SEI's Sweden
  case), ``"synthetic"`` (invented data, ``attrs["synthetic"]``) or ``"other"`` (a file whose origin the
  report cannot vouch for).
* :func:`source_line`: the line under every chart that says it ("Källa: SEI, Weitz m.fl. 2018 – nationell
  bedömning").

:func:`refuse_unscored` stops a report on a matrix where nothing is scored, before anything runs.
All words come from the catalogue (``report_honesty.*``).

Examples
--------
>>> import numpy as np
>>> from sdg_interactions.matrix import from_array
>>> m = from_array(np.array([[np.nan, 2, np.nan], [np.nan, np.nan, np.nan], [-1, np.nan, np.nan]]),
...                ["7.2", "11.6", "13.2"])
>>> c = coverage(m)
>>> c["n_pairs"], c["n_scored"], c["share"], c["least_covered"]
(6, 2, 0.3333333333333333, ['11.6', '13.2'])
>>> whose(m, national_example=False), source_line(m, "other", "en")
('other', 'Source: an assessment of unknown origin – the file does not say who scored it')
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import xarray as xr

from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix import DIMS, RESPONDENT, as_matrix, node_ids, single_matrix
from sdg_interactions.texts import check_lang, genitive, text

__all__ = ["KINDS", "LOW_RESPONDENTS", "LOW_SHARE", "basis_note", "coverage", "is_synthetic", "is_thin",
           "matrix_title",
           "own_details", "refuse_unscored", "short_source", "source_line", "whose"]

#: The kinds of basis :func:`whose` tells apart.
KINDS = ("own", "national", "synthetic", "other")
#: Below this share of scored pairs, page 1 says the basis is thin.
LOW_SHARE = 0.5
#: Fewer respondents who scored than this, and page 1 says so.
LOW_RESPONDENTS = 3

K = "report_honesty"


def _scored_off_diagonal(values: np.ndarray) -> np.ndarray:
    """True where a cell of a square ``values`` (or a stack of them) is scored and off the diagonal."""
    n = values.shape[-1]
    return np.isfinite(values) & ~np.eye(n, dtype=bool)


def coverage(obj: xr.Dataset | xr.DataArray, aggregate: str = "mean", *, limit: int = 5) -> dict:
    """How much of the matrix is scored, and by how many.

    Returns a dict:

    * ``n_nodes`` = n; ``n_pairs`` = n(n − 1); ``n_scored`` = the scored off-diagonal cells of the combined
      matrix (``aggregate`` over respondents; a pair is scored when at least one respondent scored it);
      ``share`` = n_scored / n_pairs (0 for a matrix of one node);
    * ``n_respondents``: the size of the respondent dim (``None`` without one: one matrix, e.g. a
      published assessment, whose number of scorers the data does not hold);
      ``n_respondents_who_scored``: the respondents with at least one scored pair (``None`` likewise);
    * ``per_node``: ``{id: scored cells in the node's row plus its column}`` (at most 2(n − 1));
      ``least_covered``: up to ``limit`` ids with the fewest, fewest first (ties in the matrix's order): those
      with the fewest of all, and those below the mean, never a node fully covered.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> answers = np.full((3, 2, 2), np.nan)
    >>> answers[1, 0, 1] = 3  # only the second of three respondents scored, one pair
    >>> c = coverage(from_array(answers, ["1.1", "1.2"], respondents=["A", "B", "C"]))
    >>> c["n_scored"], c["n_respondents"], c["n_respondents_who_scored"], c["per_node"]
    (1, 3, 1, {'1.1': 1, '1.2': 1})
    """
    da = as_matrix(obj)
    ids = node_ids(da)
    n = len(ids)
    combined = single_matrix(obj, aggregate, what=tr("error.analysis.what_report")) if RESPONDENT in da.dims else da
    scored = _scored_off_diagonal(np.asarray(combined.transpose(*DIMS).values, dtype=float))
    per_node = scored.sum(axis=1) + scored.sum(axis=0)
    n_pairs = n * (n - 1)
    low = per_node.min(initial=0)
    order = sorted((k for k in range(n) if per_node[k] < 2 * (n - 1) and (per_node[k] == low
                                                                          or per_node[k] < per_node.mean())),
                   key=lambda k: (per_node[k], k))
    result = {"n_nodes": n, "n_pairs": n_pairs, "n_scored": int(scored.sum()),
              "share": float(scored.sum() / n_pairs) if n_pairs else 0.0,
              "n_respondents": None, "n_respondents_who_scored": None,
              "per_node": {ids[k]: int(per_node[k]) for k in range(n)},
              "least_covered": [ids[k] for k in order[:max(int(limit), 0)]]}
    if RESPONDENT in da.dims:
        each = np.asarray(da.transpose(RESPONDENT, *DIMS).values, dtype=float)
        result["n_respondents"] = int(da.sizes[RESPONDENT])
        result["n_respondents_who_scored"] = int(_scored_off_diagonal(each).any(axis=(1, 2)).sum())
    return result


def is_thin(cov: Mapping) -> bool:
    """True when page 1 must say the basis is thin: under :data:`LOW_SHARE` of the pairs scored, or fewer
    than :data:`LOW_RESPONDENTS` respondents who scored (when the data has respondents).

    Examples
    --------
    >>> is_thin({"share": 0.4, "n_respondents_who_scored": None})
    True
    >>> is_thin({"share": 1.0, "n_respondents_who_scored": 2}), is_thin({"share": 0.5, "n_respondents_who_scored": 3})
    (True, False)
    """
    who = cov.get("n_respondents_who_scored")
    return cov["share"] < LOW_SHARE or (who is not None and who < LOW_RESPONDENTS)


def _file_name(obj: xr.Dataset | xr.DataArray, fallback: str = "") -> str:
    source = str(obj.attrs.get("source_file") or fallback or "")
    return Path(source.split(";")[0].strip()).name if source else ""


def refuse_unscored(obj: xr.Dataset | xr.DataArray, *, file: str | os.PathLike = "", lang: str = "sv") -> None:
    """Raise :class:`~sdg_interactions.errors.ValidationError` (in ``lang``) when no off-diagonal pair is scored:
    a report on such a matrix could only state what no one said.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> refuse_unscored(from_array(np.full((2, 2), np.nan), ["1.1", "1.2"]), file="mall.xlsx", lang="en")
    ... # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: mall.xlsx: no pair is scored, so there is nothing to report. ...
    """
    check_lang(lang)
    if coverage(obj)["n_scored"]:
        return
    name = Path(os.fspath(file)).name if file else _file_name(obj) or "?"
    raise ValidationError(text(f"{K}.refused", lang, file=name))


def is_synthetic(obj: xr.Dataset | xr.DataArray) -> bool:
    """Whether the data are invented (``attrs["synthetic"]`` set): a section then shows what the tool does and
    gives no advice, and says the respondents are invented.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> is_synthetic(toy_matrix()), is_synthetic(toy_matrix().assign_attrs(synthetic=1))
    (False, True)
    """
    return str(obj.attrs.get("synthetic", "")).strip() not in ("", "0", "False", "None")


def whose(obj: xr.Dataset | xr.DataArray, national_example: bool, *, kommun: str | None = None) -> str:
    """Whose assessment the matrix is: one of :data:`KINDS`.

    ``"synthetic"`` when ``attrs["synthetic"]`` is set (invented data, bundled or taken from a bundled
    folder); else ``"national"`` for a bundled matrix (``national_example``); else ``"own"`` when the data
    names the kommun it was made for (``attrs["kommun"]``, which a workshop folder's merge writes) and that is
    ``kommun`` (a kommunkod; any kommun when ``None``); else ``"other"``: a plain file, or another kommun's,
    whose origin the report cannot vouch for.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> m = toy_matrix()
    >>> whose(m, True), whose(m.assign_attrs(kommun="1499"), False, kommun="1499")
    ('national', 'own')
    >>> whose(m.assign_attrs(kommun="0305"), False, kommun="1499"), whose(m.assign_attrs(synthetic=1), True)
    ('other', 'synthetic')
    """
    attrs = obj.attrs
    if is_synthetic(obj):
        return "synthetic"
    if national_example:
        return "national"
    made_for = str(attrs.get("kommun") or "").strip()
    if made_for and (kommun is None or made_for == str(kommun).strip()):
        return "own"
    return "other"


def basis_note(obj: xr.Dataset | xr.DataArray, lang: str, *, kind: str | None = None) -> str:
    """Whose assessment a claim rests on, for a matrix that is not the kommun's own: "enligt underlaget (SEI,
    Weitz m.fl. 2018: en nationell bedömning, inte kommunens egen)"; "" for the kommun's own and for invented
    data (said apart). ``kind`` as :func:`whose`; None: a bundled matrix (by its ``name``) is ``"national"``.

    Examples
    --------
    >>> from sdg_interactions.io import load_dataset
    >>> basis_note(load_dataset("weitz2018_sweden"), "sv")
    'enligt underlaget (SEI, Weitz m.fl. 2018: en nationell bedömning, inte kommunens egen)'
    >>> from sdg_interactions.matrix import toy_matrix
    >>> basis_note(toy_matrix().assign_attrs(kommun="1499"), "en")
    ''
    """
    if kind is None:
        from sdg_interactions.frameworks import bundled_matrices

        bundled = str(obj.attrs.get("name") or "") in set(bundled_matrices()["name"])
        kind = whose(obj, bundled)
    if kind == "national":
        return text(f"{K}.basis.national", lang, source=short_source(obj, lang))
    return text(f"{K}.basis.other", lang) if kind == "other" else ""


def short_source(obj: xr.Dataset | xr.DataArray, lang: str) -> str:
    """A bundled matrix's source in a few words: the parenthesis that ends its title ("SEI, Weitz m.fl.
    2018"), else the whole title."""
    title = str(obj.attrs.get(f"title_{lang}") or obj.attrs.get("name") or "")
    found = re.search(r"\(([^()]+)\)\s*$", title)
    return found.group(1) if found else title


def own_details(obj: xr.Dataset | xr.DataArray, lang: str) -> str:
    """"workshop 7 december 2026, 5 svarande": how the kommun's own assessment was made, from its attrs and
    the respondents who scored; "" when nothing is known."""
    from sdg_interactions import formats

    parts = []
    date = str(obj.attrs.get("date") or "")
    if obj.attrs.get("merged_from"):
        parts.append(text(f"{K}.details.workshop_on" if date else f"{K}.details.workshop", lang,
                          date=formats.long_date(date, lang)))
    elif date:
        parts.append(formats.long_date(date, lang))
    who = coverage(obj)["n_respondents_who_scored"]
    if who:
        parts.append(text(f"{K}.details.respondents", lang, n=who))
    return ", ".join(parts)


def matrix_title(obj: xr.Dataset | xr.DataArray, kind: str, lang: str = "sv", *, kommun: str = "") -> str:
    """The basis named for a reader: a bundled matrix by its title; the kommun's own as "Falköpings egen
    bedömning (workshop, 5 svarande)"; another file by its name.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> matrix_title(toy_matrix().assign_attrs(kommun="1499", merged_from="svar/a.jsonl"), "own", kommun="Falköping")
    'Falköpings egen bedömning (workshop)'
    """
    attrs = obj.attrs
    if kind == "own":
        details = own_details(obj, lang)
        owner = genitive(kommun, lang) if kommun else ""
        key = "own_title" if owner else "own_title_plain"
        title = text(f"{K}.{key}", lang, owner=owner)
        return f"{title} ({details})" if details else title
    if kind in ("national", "synthetic"):
        return str(attrs.get(f"title_{lang}") or attrs.get("name") or _file_name(obj))
    return _file_name(obj) or str(attrs.get("title") or attrs.get("name") or "?")


def source_line(obj: xr.Dataset | xr.DataArray, kind: str, lang: str = "sv", *, kommun: str = "") -> str:
    """The source line under every chart: whose assessment the chart shows.

    Examples
    --------
    >>> from sdg_interactions.io import load_dataset
    >>> source_line(load_dataset("weitz2018_sweden"), "national")
    'Källa: SEI, Weitz m.fl. 2018 – nationell bedömning'
    >>> source_line(load_dataset("synthetic_respondents"), "synthetic", "en")
    'Source: an invented example – no real assessment'
    """
    check_lang(lang)
    if kind not in KINDS:
        raise ValidationError(locate(tr("error.report.unknown_kind"), value=kind, valid=", ".join(KINDS)))
    if kind == "national":
        return text(f"{K}.source.national", lang, source=short_source(obj, lang))
    if kind == "synthetic":
        return text(f"{K}.source.synthetic", lang)
    if kind == "own":
        return text(f"{K}.source.own", lang, title=matrix_title(obj, kind, lang, kommun=kommun))
    return text(f"{K}.source.other", lang)
