"""What changed between two assessments of the same kommun: :func:`assessment_change`.

A kommun that scores its targets again (a new workshop a year later, a revised Excel template) wants to know
what moved: which pairs were scored differently, which levers rose or fell, which goal conflicts appeared or
were resolved. The report's section "Sedan förra bedömningen" (:mod:`sdg_interactions.report.change_section`)
and ``sdg-interactions compare --before A --after B`` say it in words.
"""

from __future__ import annotations

import numpy as np
import xarray as xr

from sdg_interactions.analysis._core import PROVENANCE_ATTRS, adjacency, at_least, rank_descending, signed_sums
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.frameworks import node_sort_key
from sdg_interactions.matrix import DIMS, node_ids, single_matrix

__all__ = ["CHANGE_STEP", "CONFLICT_AT", "assessment_change"]

#: A pair "moved" when its score changed by at least one step of the scale.
CHANGE_STEP = 1.0
#: A pair is a goal conflict at this score or below (a mean of several respondents too: −1 or worse).
CONFLICT_AT = -1.0


def assessment_change(before: xr.DataArray | xr.Dataset, after: xr.DataArray | xr.Dataset, *,
                      aggregate: str = "mean") -> xr.Dataset:
    """Compare two assessments of the same targets: the cells, the levers and the goal conflicts.

    Each is first one matrix (several respondents' answers aggregated with ``aggregate``,
    :func:`~sdg_interactions.matrix.single_matrix`); they are compared on the targets both have, in natural
    order (``attrs["only_before"]`` and ``attrs["only_after"]`` name the others, ", " between them). With
    ``b_ij`` and ``a_ij`` the scores before and after (NaN = not scored):

    * ``before``, ``after`` (source, target): the two matrices on the common targets
    * ``delta`` = a_ij − b_ij (NaN where either is NaN)
    * ``moved`` = |delta| ≥ :data:`CHANGE_STEP` (one step; equal within 1e-9 counts)
    * ``conflict_new`` = a_ij ≤ :data:`CONFLICT_AT` and not b_ij ≤ CONFLICT_AT (b_ij NaN: not a conflict
      before); ``conflict_gone`` = b_ij ≤ CONFLICT_AT and a_ij scored and > CONFLICT_AT (a pair no longer
      scored is not called resolved)
    * per target (``node``): ``systemic_before``, ``systemic_after`` = t_i = r_i + ½ Σ_j a_ij r_j of each
      matrix on the common targets (NaN read as 0), ``rank_before``, ``rank_after`` (descending, ties share
      the best rank) and ``rank_change`` = rank_before − rank_after (positive: the target rose)

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> ids = ["1.1", "1.2", "1.3"]
    >>> b = from_array(np.array([[np.nan, 2, -1], [1, np.nan, 0], [0, 1, np.nan]]), ids)
    >>> a = from_array(np.array([[np.nan, 2, 1], [1, np.nan, -2], [0, 1, np.nan]]), ids)
    >>> c = assessment_change(b, a)
    >>> c["delta"].sel(source="1.1").values.tolist()  # –, 2 − 2, 1 − (−1)
    [nan, 0.0, 2.0]
    >>> int(c["moved"].sum()), int(c["conflict_new"].sum()), int(c["conflict_gone"].sum())
    (2, 1, 1)
    >>> c["systemic_before"].values.tolist()  # r = (1, 1, 1): 1 + ½(2 − 1), 1 + ½·1, 1 + ½·1
    [1.5, 1.5, 1.5]
    >>> c["systemic_after"].values.tolist()  # r = (3, −1, 1): 3 + ½(2·(−1) + 1·1), −1 + ½(1·3 − 2·1), 1 + ½(−1)
    [2.5, -0.5, 0.5]
    >>> c["rank_before"].values.tolist(), c["rank_after"].values.tolist(), c["rank_change"].values.tolist()
    ([1, 1, 1], [1, 3, 2], [0, -2, -1])
    """
    old, new = single_matrix(before, aggregate), single_matrix(after, aggregate)
    ids_old, ids_new = node_ids(old), node_ids(new)
    common = sorted(set(ids_old) & set(ids_new), key=node_sort_key)
    if len(common) < 2:
        raise ValidationError(locate(tr("error.analysis.change_common"), value=len(common),
                                     valid=tr("error.analysis.valid_change_common")))
    old = old.sel(source=common, target=common)
    new = new.sel(source=common, target=common)
    b, a = old.values.astype(float), new.values.astype(float)
    delta = a - b
    moved = np.zeros_like(delta, dtype=bool)
    scored = ~np.isnan(delta)
    moved[scored] = at_least(np.abs(delta[scored]), CHANGE_STEP)
    conflict_before = ~np.isnan(b) & at_least(-np.nan_to_num(b, nan=0.0), -CONFLICT_AT)
    conflict_after = ~np.isnan(a) & at_least(-np.nan_to_num(a, nan=0.0), -CONFLICT_AT)
    sums_old, sums_new = signed_sums(adjacency(old)), signed_sums(adjacency(new))
    rank_old = rank_descending(sums_old["systemic"])
    rank_new = rank_descending(sums_new["systemic"])
    cells = {"before": b, "after": a, "delta": delta, "moved": moved,
             "conflict_new": conflict_after & ~conflict_before,
             "conflict_gone": conflict_before & ~np.isnan(a) & ~conflict_after}
    node = ("node", np.array(common, dtype=object))
    result = xr.Dataset(
        {**{name: (DIMS, values) for name, values in cells.items()},
         "systemic_before": ("node", sums_old["systemic"]), "systemic_after": ("node", sums_new["systemic"]),
         "rank_before": ("node", rank_old), "rank_after": ("node", rank_new),
         "rank_change": ("node", rank_old - rank_new)},
        coords={"source": np.array(common, dtype=object), "target": np.array(common, dtype=object), "node": node[1]})
    result.attrs = {**{k: v for k, v in new.attrs.items() if k in PROVENANCE_ATTRS},
                    "aggregate": aggregate,
                    "only_before": ", ".join(sorted(set(ids_old) - set(common), key=node_sort_key)),
                    "only_after": ", ".join(sorted(set(ids_new) - set(common), key=node_sort_key))}
    return result
