"""Projection of a per-target result onto the objectives of another framework, through a linkage table.

With ``x_j`` a per-node result (a target's systemic score, a scenario's effect on it) and ``l_jo`` the
score of the link from SDG target ``j`` to objective ``o`` (:func:`~sdg_interactions.frameworks.linkages.linkage`;
0 where no link), the effect on the objective is ``objective_effect_o = Σ_j x_j · l_jo / 3``: a link of 3
passes the whole effect on, a link of 1 a third of it. Positive and negative parts are kept apart, so
a conflict is never hidden behind a synergy (:func:`project_onto`).

Examples
--------
>>> table = pd.DataFrame({"sdg_target": ["7.2", "13.2"], "objective": ["MKM-1", "MKM-1"],
...                       "score": [2, 3], "reason": ["förnybart", "klimat"], "source": ["", ""]})
>>> result = xr.Dataset({"systemic": ("node", [3.0, -1.5])}, coords={"node": ["7.2", "13.2"]})
>>> project_onto(result, table)["effect_net"].values.tolist()  # (3·2 − 1.5·3) / 3
[0.5]
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.analysis._core import PROVENANCE_ATTRS
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.frameworks.linkages import linkage as read_linkage
from sdg_interactions.matrix import NODE

__all__ = ["FULL_PROGRESS", "OBJECTIVE", "PROJECTION_VARIABLES", "contributions", "decision_effects", "project_onto"]

#: The dim of a projection's result.
OBJECTIVE = "objective"
#: A decided target at full progress counts as this much direct support per unit of effort (the top of the
#: scale, as if it promoted itself by +3) in :func:`decision_effects`.
FULL_PROGRESS = 3.0
#: The variables of :func:`project_onto`, in order.
PROJECTION_VARIABLES = ("effect_pos", "effect_neg", "effect_net", "n_linked", "n_links")


def _parts(result: xr.Dataset, variable: str | None) -> tuple[xr.DataArray, xr.DataArray, str]:
    """The positive and negative parts to project, and a name for them."""
    names = [str(v) for v in result.data_vars if NODE in result[v].dims]
    valid = tr("error.analysis.valid_variable", dim=repr(NODE), names=", ".join(names) or tr("error.none"))
    if variable is None:
        if "effect_pos" in result and "effect_neg" in result:
            variable = "effect"
        elif "systemic" in result:
            variable = "systemic"
        elif len(names) == 1:
            variable = names[0]
        else:
            raise ValidationError(locate(tr("error.analysis.which_variable"), column="variable",
                                         valid=valid))
    if f"{variable}_pos" in result and f"{variable}_neg" in result:
        pos, neg = result[f"{variable}_pos"], result[f"{variable}_neg"]
        if bool((pos < 0).any()) or bool((neg > 0).any()):
            raise ValidationError(locate(tr("error.analysis.parts_signs", variable=variable), column="variable",
                                         value=variable, valid=tr("error.analysis.valid_parts")))
        return pos, neg, f"{variable}_pos, {variable}_neg"
    if variable not in names:
        raise ValidationError(locate(tr("error.analysis.no_such_variable"), column="variable",
                                     value=variable, valid=valid))
    x = result[variable]
    return x.clip(min=0), x.clip(max=0), variable


def project_onto(result: xr.Dataset, linkage: str | os.PathLike | pd.DataFrame, *,
                 variable: str | None = None) -> xr.Dataset:
    """Project a per-target result onto objectives (miljömål, folkhälsomål, a kommun's own goals).

    With ``l_jo`` the link from node ``j`` to objective ``o`` (0 where the linkage has none) and
    ``L⁺ = max(L, 0)``, ``L⁻ = min(L, 0)``, the parts ``p_j ≥ 0`` and ``n_j ≤ 0`` of the result give

    * ``effect_pos_o = (Σ_j p_j · l⁺_jo + Σ_j n_j · l⁻_jo) / 3``  (everything that pushes ``o`` up)
    * ``effect_neg_o = (Σ_j p_j · l⁻_jo + Σ_j n_j · l⁺_jo) / 3``  (everything that pulls it down)
    * ``effect_net_o = effect_pos_o + effect_neg_o = Σ_j x_j · l_jo / 3``

    With only positive links (the bundled tables but two links) this is ``Σ_j p_j · l_jo / 3`` and
    ``Σ_j n_j · l_jo / 3``; a negative link moves a target's positive effect to the negative part (and,
    as "minus times minus" in :func:`~sdg_interactions.analysis.propagate`, a negative effect through
    a negative link to the positive part). ``n_linked_o`` counts the result's nodes linked to ``o``
    (a non-zero link): few mean the objective is reached by few targets of the matrix. ``n_links_o``
    counts the links of ``o`` in the whole table.

    Parameters
    ----------
    result : xarray.Dataset
        A per-node result on ``"node"``, e.g. ``sdg_synergies(m)`` or ``propagate(m, …)``, with any
        leading dims (respondent, kommun, sample): the projection is computed per entry.
    linkage : {"miljomal", "folkhalsomal"}, path or DataFrame
        The linkage table (:func:`~sdg_interactions.frameworks.linkages.linkage`); a user's own file or
        DataFrame replaces the bundled proposal.
    variable : str, optional
        What to project. Default: the pair ``effect_pos``/``effect_neg`` if the result has it, else
        ``systemic``, else its only variable. A stem (``"direct"``) takes the pair ``direct_pos`` /
        ``direct_neg``; any other variable is split into ``max(x, 0)`` and ``min(x, 0)``.

    Returns
    -------
    xarray.Dataset
        :data:`PROJECTION_VARIABLES` on ``(..., "objective")``, objectives in natural order with the
        coords ``label_sv``, ``label_en``, ``framework``; attrs: ``variable``, ``linkage``,
        ``linkage_title_sv``/``_en``, ``linkage_status`` (``"proposal"`` or ``"user"``),
        ``linkage_source``, ``linkage_basis_sv``/``_en``, and the result's provenance.

    Raises
    ------
    ValidationError
        If ``result`` is not a Dataset on ``"node"``, ``variable`` names nothing it holds (or is needed and
        not given), its parts have the wrong signs, or the linkage table is not valid.

    See Also
    --------
    decision_effects : A decision's direct effects on every target, ready to project.
    contributions : The terms of these sums, target by target.
    sdg_interactions.frameworks.linkage : Read and check a linkage table.

    Examples
    --------
    >>> table = pd.DataFrame({"sdg_target": ["1.1", "1.2", "1.2", "1.3"],
    ...                       "objective": ["MKM-1", "MKM-1", "FH-4", "FH-4"], "score": [3, 1, 2, -3],
    ...                       "reason": ["a", "b", "c", "d"], "source": ["", "", "", ""]})
    >>> result = xr.Dataset({"effect_pos": ("node", [6.0, 3.0, 0.0]), "effect_neg": ("node", [0.0, -3.0, -1.5])},
    ...                     coords={"node": ["1.1", "1.2", "1.3"]})
    >>> p = project_onto(result, table)
    >>> p["objective"].values.tolist()
    ['MKM-1', 'FH-4']
    >>> p["effect_pos"].values.tolist()  # MKM-1: (6·3 + 3·1)/3; FH-4: (3·2 + (−1.5)·(−3))/3
    [7.0, 3.5]
    >>> p["effect_neg"].values.tolist()  # MKM-1: (−3)·1/3; FH-4: (−3)·2/3
    [-1.0, -2.0]
    >>> p["n_linked"].values.tolist(), p.attrs["linkage_status"]
    ([2, 2], 'user')
    """
    if not isinstance(result, xr.Dataset) or NODE not in result.dims:
        raise ValidationError(locate(tr("error.analysis.project_per_node"), value=type(result).__name__,
                                     valid=tr("error.analysis.valid_per_node", dim=repr(NODE))))
    table = read_linkage(linkage)
    pos, neg, projected = _parts(result, variable)
    pos, neg = pos.transpose(..., NODE), neg.transpose(..., NODE)
    nodes = [str(v) for v in result[NODE].to_numpy()]
    objectives = sorted(table["objective"].unique(), key=frameworks.node_sort_key)
    links = table.pivot_table(index="sdg_target", columns="objective", values="score", aggfunc="sum")
    links = links.reindex(index=nodes, columns=objectives).fillna(0.0).to_numpy(dtype=np.float64)
    plus, minus = np.maximum(links, 0.0), np.minimum(links, 0.0)
    linked = (links != 0).any(axis=1)  # unlinked nodes contribute 0, also where their value is NaN
    p = np.where(linked, pos.to_numpy().astype(np.float64), 0.0)
    n = np.where(linked, neg.to_numpy().astype(np.float64), 0.0)
    effect_pos = (p @ plus + n @ minus) / 3.0
    effect_neg = (p @ minus + n @ plus) / 3.0
    lead = pos.dims[:-1]
    info = frameworks.node_info(objectives)
    coords: dict[str, object] = {OBJECTIVE: objectives, "label_sv": (OBJECTIVE, info["label_sv"].to_numpy()),
                                 "label_en": (OBJECTIVE, info["label_en"].to_numpy()),
                                 "framework": (OBJECTIVE, info["framework"].to_numpy())}
    coords.update({name: c for name, c in pos.coords.items() if set(c.dims) <= set(lead) and name not in coords})
    count = table.groupby("objective")["score"].apply(lambda s: int((s != 0).sum()))
    attrs = {k: v for k, v in result.attrs.items() if k in (*PROVENANCE_ATTRS, "priorities", "efforts")}
    meta = table.attrs
    attrs.update({
        "variable": projected, "linkage": str(meta.get("name", "")),
        "linkage_title_sv": str(meta.get("title_sv", "")), "linkage_title_en": str(meta.get("title_en", "")),
        "linkage_status": "proposal" if meta.get("proposal") else "user",
        "linkage_source": str(meta.get("source_file", "")), "linkage_basis_sv": str(meta.get("basis_sv", "")),
        "linkage_basis_en": str(meta.get("basis_en", "")),
    })
    return xr.Dataset({
        "effect_pos": ((*lead, OBJECTIVE), effect_pos), "effect_neg": ((*lead, OBJECTIVE), effect_neg),
        "effect_net": ((*lead, OBJECTIVE), effect_pos + effect_neg),
        "n_linked": (OBJECTIVE, (links != 0).sum(axis=0).astype(np.int64)),
        "n_links": (OBJECTIVE, count.reindex(objectives).to_numpy(dtype=np.int64)),
    }, coords=coords, attrs=attrs)


def decision_effects(effects: xr.Dataset) -> xr.Dataset:
    """What a decision does to every target, directly, ready for :func:`project_onto` (``variable="direct"``):
    its own targets at full progress plus the direct effects on the others.

    With ``e_j`` the effort on decided target ``j`` (``effects.attrs["efforts"]``, in the order of
    ``effects.attrs["priorities"]``) and :data:`FULL_PROGRESS` = 3:

    * ``direct_pos_j`` = the scenario's ``direct_pos_j`` + 3 · e_j for a decided ``j`` (unchanged otherwise);
    * ``direct_neg_j`` = the scenario's ``direct_neg_j``.

    Parameters
    ----------
    effects : xarray.Dataset
        A :func:`~sdg_interactions.analysis.scenario` result.

    Returns
    -------
    xarray.Dataset
        ``direct_pos``, ``direct_neg`` on ``node``.

    Examples
    --------
    >>> from sdg_interactions.analysis import scenario
    >>> from sdg_interactions.matrix import toy_matrix
    >>> effects = scenario(toy_matrix(), ["1.1"], efforts=[2])
    >>> decision_effects(effects)["direct_pos"].values.tolist()  # 1.1 itself: 0 + 3 · 2; 1.2: its +2 · 2
    [6.0, 4.0, 0.0, 0.0]
    """
    pos = effects["direct_pos"].to_numpy().astype(float).copy()
    ids = [str(n) for n in effects[NODE].to_numpy()]
    where = {node: k for k, node in enumerate(ids)}
    for node, effort in zip(effects.attrs["priorities"], effects.attrs["efforts"], strict=True):
        pos[where[str(node)]] += FULL_PROGRESS * float(effort)
    neg = effects["direct_neg"].to_numpy().astype(float)
    return xr.Dataset({"direct_pos": (NODE, pos), "direct_neg": (NODE, neg)}, coords={NODE: ids})


def contributions(result: xr.Dataset, table: pd.DataFrame, *, variable: str = "direct") -> pd.DataFrame:
    """Which targets carry each objective's positive and negative effect, and how much: the terms of
    :func:`project_onto`'s sums, one row per non-zero term.

    For objective ``o`` and linked target ``j`` with link score ``l_jo``, each part ``x_j`` of ``variable``
    (its positive part ``p_j`` and its negative part ``n_j``) gives ``term = x_j · l_jo``; a positive term is
    in ``effect_pos_o`` (``part = "pos"``), a negative one in ``effect_neg_o`` (``"neg"``), so the terms of a
    part sum to 3 · that effect. ``weight = |term|``. Rows sorted by objective, part, descending weight, then
    the targets' natural order.

    Examples
    --------
    >>> table = pd.DataFrame({"sdg_target": ["7.2", "13.2"], "objective": ["MKM-1", "MKM-1"], "score": [2, 3]})
    >>> result = xr.Dataset({"direct_pos": ("node", [1.0, 3.0]), "direct_neg": ("node", [-1.0, 0.0])},
    ...                     coords={"node": ["7.2", "13.2"]})
    >>> contributions(result, table)[["objective", "part", "sdg_target", "term"]].values.tolist()
    [['MKM-1', 'neg', '7.2', -2.0], ['MKM-1', 'pos', '13.2', 9.0], ['MKM-1', 'pos', '7.2', 2.0]]
    """
    pos, neg, _ = _parts(result, variable)
    ids = [str(n) for n in result[NODE].to_numpy()]
    where = {node: k for k, node in enumerate(ids)}
    values = (pos.to_numpy().astype(np.float64), neg.to_numpy().astype(np.float64))
    rows = []
    for link in table[table["sdg_target"].isin(ids)].itertuples(index=False):
        for part in values:
            term = float(part[where[link.sdg_target]]) * float(link.score)
            if term:
                rows.append((str(link.objective), "pos" if term > 0 else "neg", str(link.sdg_target), term,
                             abs(term)))
    rows.sort(key=lambda r: (r[0], r[1], -r[4], frameworks.node_sort_key(r[2])))
    return pd.DataFrame(rows, columns=["objective", "part", "sdg_target", "term", "weight"])
