"""Every per-node metric in one Dataset, and the table of ``sdg-interactions analyse --out``."""

from __future__ import annotations

import pandas as pd
import xarray as xr

from sdg_interactions.analysis._core import (
    ANALYSIS_COLUMNS,
    PATHS_COLUMNS,
    SDG_SYNERGIES_COLUMNS,
    adjacency,
    counts,
    node_result,
    signed_sums,
    to_table,
)
from sdg_interactions.analysis.clustering import cluster_numbers
from sdg_interactions.analysis.influence import check_alpha, quadrant_codes, total_sums
from sdg_interactions.matrix import node_ids
from sdg_interactions.texts import check_lang

__all__ = ['all_metrics', 'analysis_table']


def all_metrics(obj: xr.DataArray | xr.Dataset, *, alpha: float = 0.9,
                include_clusters: bool = True) -> xr.Dataset:
    """Return every per-node metric in one Dataset on the ``"node"`` dim (plus any leading dims).

    The variables of :func:`sdg_synergies`, :func:`link_counts`, :func:`net_multiplier`,
    :func:`two_step_paths`, :func:`~sdg_interactions.analysis.total_influence` (``total_out``,
    ``total_in`` at ``alpha``), :func:`~sdg_interactions.analysis.influence_dependence` (``influence``,
    ``dependence``, ``quadrant``) and, unless ``include_clusters=False``,
    :func:`~sdg_interactions.analysis.clusters` (``cluster``). All are vectorised over leading dims
    except the clusters, which loop over them (leave them out for many samples).

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix, with any leading dims.
    alpha : float, optional
        The damping factor of the total influence, ``0 < alpha < 1`` (default 0.9).
    include_clusters : bool, optional
        Whether to compute ``cluster`` (default True).

    Returns
    -------
    xarray.Dataset
        Every variable above on ``(..., node)``, described; ``attrs["alpha"]``.

    Raises
    ------
    ValidationError
        When ``alpha`` is not strictly between 0 and 1.

    See Also
    --------
    analysis_table : the same metrics as the table of ``analyse --out``.
    sdg_synergies : the SDG Synergies metrics alone.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, -2, 1], [-1, np.nan, 2], [3, np.nan, np.nan]])
    >>> m = from_array(v, ["1.1", "1.2", "1.3"])
    >>> r = all_metrics(m)
    >>> r["quadrant"].values.tolist(), r["cluster"].values.tolist()
    (['relay', 'driver', 'relay'], [1, 1, 1])
    """
    alpha = check_alpha(alpha)
    a = adjacency(obj)  # once: every part below reads the same numpy array
    parts = signed_sums(a)
    influence = parts["out_pos"] - parts["out_neg"]  # Σ_j |a_ij|
    dependence = parts["in_pos"] - parts["in_neg"]  # Σ_i |a_ij|
    total_out, total_in = total_sums(a, alpha, influence=influence, dependence=dependence)
    variables = {name: parts[name] for name in SDG_SYNERGIES_COLUMNS}
    variables.update(counts(a))
    variables["net_multiplier"] = parts["out_sum"] - parts["in_sum"]
    variables.update({name: parts[name] for name in PATHS_COLUMNS})
    variables.update(total_out=total_out, total_in=total_in, influence=influence, dependence=dependence,
                     quadrant=quadrant_codes(influence, dependence))
    if include_clusters:
        variables["cluster"] = cluster_numbers(a, node_ids(obj))
    result = node_result(obj, variables)
    result.attrs["alpha"] = alpha
    return result


def analysis_table(obj: xr.DataArray | xr.Dataset, *, lang: str = "sv", alpha: float = 0.9) -> pd.DataFrame:
    """Return the table of ``sdg-interactions analyse --out``: one row per goal, in node order.

    Columns ``node, label``, then :data:`SDG_SYNERGIES_COLUMNS`, then :data:`BEYOND_COLUMNS`:
    ``total_out``, ``total_in`` (all-order total influence at ``alpha``), ``net_multiplier`` (r − c),
    ``quadrant`` (the code ``driver``, ``relay``, ``dependent`` or ``autonomous``; display names are
    ``text("metrics.quadrant.<code>", lang)``) and ``cluster`` (0 = in no cluster). Later columns are
    appended, never renamed or reordered, so scripts that read the file keep working.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix (no leading dims).
    lang : {"sv", "en"}, optional
        The language of ``label`` (default Swedish).
    alpha : float, optional
        The damping factor of the total influence, ``0 < alpha < 1`` (default 0.9).

    Returns
    -------
    pandas.DataFrame
        Columns ``node, label`` and :data:`ANALYSIS_COLUMNS`, one row per node.

    See Also
    --------
    all_metrics : the metrics as a Dataset, for any leading dims.
    to_table : any per-node result as a table.

    Examples
    --------
    >>> t = analysis_table(toy_matrix(), lang="en")
    >>> list(t.columns[2:6]), t["systemic"].tolist(), t["rank"].tolist()  # r = [0, 4, -1, 1]
    (['out_sum', 'out_pos', 'out_neg', 'in_sum'], [5.0, 3.0, -1.5, 1.0], [1, 2, 4, 3])
    """
    check_lang(lang)
    return to_table(all_metrics(obj, alpha=alpha), lang=lang, columns=ANALYSIS_COLUMNS)
