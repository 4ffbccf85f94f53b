"""Per-node metrics of an interaction matrix, vectorised over leading dims.

All metrics read the matrix as ``A``: NaN (not scored) read as 0 and the diagonal excluded. Rows
influence columns: ``a_ij`` is the influence of node ``i`` on node ``j``. Results are
:class:`xarray.Dataset` objects on a ``"node"`` dim (plus any leading dims of the input, such as
``respondent`` or ``kommun``), with the node metadata as coordinates. No Python loop runs over nodes or
samples.

The SDG Synergies set (Weitz, Carlsen, Nilsson & Skånberg 2018) — :func:`sdg_synergies` — reproduces
SEI's published figures for Sweden exactly.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr
from scipy.stats import rankdata

from sdg_interactions.errors import ValidationError
from sdg_interactions.matrix import NODE, as_matrix
from sdg_interactions.texts import check_lang

__all__ = [
    "SDG_SYNERGIES_COLUMNS",
    "adjacency",
    "analysis_table",
    "node_result",
    "rank_descending",
    "sdg_synergies",
    "to_table",
]

#: The columns of :func:`sdg_synergies`, in order (the first columns of ``analyse --out``).
SDG_SYNERGIES_COLUMNS = ("out_sum", "out_pos", "out_neg", "in_sum", "in_pos", "in_neg",
                         "second_order", "systemic", "rank")


def adjacency(obj: xr.DataArray | xr.Dataset) -> np.ndarray:
    """Return ``A`` as a numpy array ``(..., n, n)``: NaN read as 0, the diagonal set to 0.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> adjacency(from_array(np.array([[np.nan, 2], [np.nan, np.nan]]), ["1.1", "1.2"])).tolist()
    [[0.0, 2.0], [0.0, 0.0]]
    """
    da = as_matrix(obj)
    a = np.nan_to_num(da.values.astype(np.float64, copy=True), nan=0.0)
    n = a.shape[-1]
    a[..., np.arange(n), np.arange(n)] = 0.0
    return a


def rank_descending(values: np.ndarray) -> np.ndarray:
    """Rank along the last axis by descending value; ties share the best rank (1, 2, 2, 4).

    Examples
    --------
    >>> rank_descending(np.array([5.0, 7.0, 5.0, 1.0])).tolist()
    [2, 1, 2, 4]
    """
    return rankdata(-np.asarray(values), method="min", axis=-1).astype(np.int64)


def node_result(obj: xr.DataArray | xr.Dataset, variables: dict[str, np.ndarray]) -> xr.Dataset:
    """Wrap per-node arrays ``(..., n)`` as a Dataset on the ``"node"`` dim with the node metadata.

    Leading dims and their coordinates are taken from the matrix; node coordinates ``label_sv``,
    ``label_en``, ``group`` and ``framework`` from its ``source_*`` coordinates.
    """
    da = as_matrix(obj)
    lead = da.dims[:-2]
    coords: dict[str, object] = {NODE: [str(v) for v in da["source"].values]}
    for name, coord in da.coords.items():
        if name.startswith("source_") and coord.dims == ("source",):
            coords[name.removeprefix("source_")] = (NODE, coord.values)
        elif set(coord.dims) <= set(lead):
            coords[name] = coord
    return xr.Dataset({name: ((*lead, NODE), np.asarray(v)) for name, v in variables.items()}, coords=coords)


def sdg_synergies(obj: xr.DataArray | xr.Dataset) -> xr.Dataset:
    """Compute the SDG Synergies per-node metrics (Weitz et al. 2018).

    With ``A`` the matrix (NaN read as 0, diagonal excluded):

    * ``out_sum``  r_i = Σ_j a_ij;  ``out_pos`` = Σ_j max(a_ij, 0);  ``out_neg`` = Σ_j min(a_ij, 0)
    * ``in_sum``   c_j = Σ_i a_ij;  ``in_pos``, ``in_neg`` likewise over columns
    * ``second_order`` s_i = ½ · Σ_j a_ij · r_j  (= ½ · row sum of A²; signs multiply, paths back to i
      included)
    * ``systemic`` t_i = r_i + s_i
    * ``rank``: position by descending ``systemic``; ties share the best rank (1, 2, 2, 4)

    Vectorised over leading dims: a ``(respondent, source, target)`` matrix gives per-respondent
    results on ``(respondent, node)``.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.array([[np.nan, 2, -1], [1, np.nan, 0], [0, 3, np.nan]]), ["1.1", "1.2", "1.3"])
    >>> r = sdg_synergies(m)
    >>> r["out_sum"].values.tolist(), r["in_sum"].values.tolist()
    ([1.0, 1.0, 3.0], [1.0, 5.0, -1.0])
    >>> r["second_order"].values.tolist()  # ½(2·1 − 1·3), ½(1·1 + 0), ½(0 + 3·1)
    [-0.5, 0.5, 1.5]
    >>> r["systemic"].values.tolist(), r["rank"].values.tolist()
    ([0.5, 1.5, 4.5], [3, 2, 1])
    """
    a = adjacency(obj)
    pos, neg = np.maximum(a, 0.0), np.minimum(a, 0.0)
    out_sum = a.sum(axis=-1)
    second = 0.5 * np.einsum("...ij,...j->...i", a, out_sum)
    systemic = out_sum + second
    return node_result(obj, {
        "out_sum": out_sum,
        "out_pos": pos.sum(axis=-1),
        "out_neg": neg.sum(axis=-1),
        "in_sum": a.sum(axis=-2),
        "in_pos": pos.sum(axis=-2),
        "in_neg": neg.sum(axis=-2),
        "second_order": second,
        "systemic": systemic,
        "rank": rank_descending(systemic),
    })


def to_table(result: xr.Dataset, *, lang: str = "sv", columns: tuple[str, ...] | None = None) -> pd.DataFrame:
    """Return a per-node result (one matrix) as a DataFrame: ``node, label``, then the variables.

    ``label`` is the node's short label in ``lang``. Column names stay the variable names (stable for
    files); :func:`~sdg_interactions.texts.text` with ``"column.<name>"`` gives display names.
    """
    check_lang(lang)
    if set(result.dims) != {NODE}:
        extra = sorted(set(result.dims) - {NODE})
        raise ValidationError(f"to_table takes a result for one matrix; select along {extra} first.")
    names = list(columns) if columns is not None else [v for v in result.data_vars]
    frame = pd.DataFrame({"node": [str(v) for v in result[NODE].values]})
    label = f"label_{lang}"
    frame["label"] = result[label].values.astype(str) if label in result.coords else frame["node"]
    for name in names:
        frame[name] = result[name].values
    return frame




def analysis_table(obj: xr.DataArray | xr.Dataset, *, lang: str = "sv") -> pd.DataFrame:
    """Return the table of ``sdg-interactions analyse --out``: one row per node, in node order.

    Columns ``node, label`` and then :data:`SDG_SYNERGIES_COLUMNS`. Later columns are appended, never
    renamed, so scripts that read the file keep working.
    """
    return to_table(sdg_synergies(obj), lang=lang, columns=SDG_SYNERGIES_COLUMNS)
