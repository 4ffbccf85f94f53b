"""Results that describe themselves: every result variable gets ``long_name``, ``units`` and ``formula``
attrs (CF-style, so a NetCDF export says what it holds), in Swedish or English.

Long names are the column labels the tables use (``column.*``, ``metrics.column.*`` in the catalogue) or,
for variables without one, ``variables.long_name.*``; units and formulas are ``variables.units.*`` and
``variables.formula.*``. Every per-node result is described in Swedish when it is made
(:func:`~sdg_interactions.analysis.node_result`); :func:`describe` re-describes it in another language.

Examples
--------
>>> from sdg_interactions.io import load_matrix
>>> from sdg_interactions.analysis import sdg_synergies
>>> r = describe(sdg_synergies(load_matrix("weitz2018_sweden")), lang="en")
>>> r["systemic"].attrs["long_name"], r["systemic"].attrs["units"], r["second_order"].attrs["formula"]
('systemic score', 'score points', 's_i = ½ · Σ_j a_ij · r_j (Weitz et al. 2018)')
"""

from __future__ import annotations

import xarray as xr

from sdg_interactions.texts import catalogue, check_lang, text

__all__ = ["UNITS", "describe"]

_POINTS = ("out_sum", "out_pos", "out_neg", "in_sum", "in_pos", "in_neg", "systemic", "net_multiplier",
           "influence", "dependence", "influence_direct", "dependence_direct", "mean", "median", "iqr")
_COUNTS = ("n_pos_out", "n_neg_out", "n_pos_in", "n_neg_in", "n")
#: The unit (a ``variables.units.*`` key) of each result variable.
UNITS = {
    **dict.fromkeys(_POINTS, "points"),
    **dict.fromkeys(("second_order", "paths_synergy", "paths_double_negative", "paths_mixed"), "points_squared"),
    **dict.fromkeys(_COUNTS, "count"),
    **dict.fromkeys(("rank", "rank_influence_direct", "rank_influence_indirect", "rank_dependence_direct",
                     "rank_dependence_indirect"), "rank"),
    **dict.fromkeys(("share_pos", "share_neg", "rank_chance", "modularity_percentile"), "share"),
    **dict.fromkeys(("total_out", "total_in", "influence_total", "dependence_total"), "scaled"),
    **dict.fromkeys(("influence_indirect", "dependence_indirect"), "relative"),
    **dict.fromkeys(("quadrant", "cluster", "class", "contested", "quadrant_direct", "quadrant_indirect",
                     "quadrant_total"), "category"),
    **dict.fromkeys(("direct_pos", "direct_neg", "indirect_pos", "indirect_neg", "effect_pos", "effect_neg",
                     "effect_net"), "effort_points"),
    **dict.fromkeys(("modularity", "null_modularity"), "modularity"),
}


def _long_name(name: str, lang: str) -> str | None:
    entries = catalogue()
    for key in (f"variables.long_name.{name}", f"column.{name}", f"metrics.column.{name}"):
        if key in entries:
            return text(key, lang)
    return None


def describe(result: xr.Dataset, *, lang: str = "sv") -> xr.Dataset:
    """Set ``long_name``, ``units`` and ``formula`` (where known) on every data variable of ``result``.

    In ``lang``; returns the same Dataset (changed in place). Variables the catalogue does not know are left
    as they are.

    Parameters
    ----------
    result : xarray.Dataset
        A result of the analysis; changed in place.
    lang : {"sv", "en"}, optional
        The language of the attrs (default Swedish, as every result is described when it is made).

    Returns
    -------
    xarray.Dataset
        ``result`` itself, described.

    See Also
    --------
    node_result : makes every per-node result, described in Swedish.
    sdg_interactions.cite : the BibTeX of the methods behind a result's variables.

    Examples
    --------
    >>> from sdg_interactions.analysis import link_counts
    >>> r = describe(link_counts(toy_matrix()), lang="en")
    >>> r["n_pos_out"].attrs
    {'long_name': 'positive links out', 'units': 'count', 'formula': '#{j: a_ij > 0}'}
    """
    check_lang(lang)
    entries = catalogue()
    for name, variable in result.data_vars.items():
        name = str(name)
        long_name = _long_name(name, lang)
        if long_name:
            variable.attrs["long_name"] = long_name
        if name in UNITS:
            variable.attrs["units"] = text(f"variables.units.{UNITS[name]}", lang)
        if f"variables.formula.{name}" in entries:
            variable.attrs["formula"] = text(f"variables.formula.{name}", lang)
    return result
