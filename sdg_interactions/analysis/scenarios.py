"""Scenarios ("vad åker med?"): priorities, propagation, classes and portfolio search.

A scenario is a set ``S`` of prioritised nodes with efforts ``e_i`` (default 1). With ``A`` the matrix
(NaN read as 0, the diagonal 0; :func:`~sdg_interactions.analysis.adjacency`), its effect on each node keeps
direct and indirect, positive and negative contributions apart, so a conflict is never hidden behind a
synergy (:func:`propagate`). Classes rest on the direct links, what was scored (:func:`classify`).
:func:`portfolio` searches the ``k`` priorities that reach most other nodes.

Examples
--------
>>> s = scenario(toy_matrix(), ["1.1"])
>>> s["direct_pos"].to_numpy().tolist(), s["direct_neg"].to_numpy().tolist()
([0.0, 2.0, 0.0, 0.0], [0.0, 0.0, -2.0, 0.0])
>>> s["class"].to_numpy().tolist()
['prioritised', 'comes_along', 'at_risk', 'not_free']
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.analysis._core import adjacency, at_least, node_result
from sdg_interactions.analysis.goal_conflicts import conflicts
from sdg_interactions.errors import UnknownIdError, ValidationError, locate, tr
from sdg_interactions.matrix import DIMS, NODE, as_matrix, node_ids
from sdg_interactions.ranges import EFFORT, MARGIN, check

__all__ = [
    "CLASSES", "EFFECT_VARIABLES", "check_priorities", "classify", "propagate", "scenario", "triggered_conflicts",
]

#: The classes of :func:`classify`, in order of precedence.
CLASSES = ("prioritised", "at_risk", "comes_along", "partly_supported", "not_free")
#: The variables of :func:`propagate`, in order.
EFFECT_VARIABLES = ("direct_pos", "direct_neg", "indirect_pos", "indirect_neg",
                    "effect_pos", "effect_neg", "effect_net")


def check_priorities(priorities: str | Sequence[str], ids: list[str], column: str = "priorities"
                      ) -> list[int]:
    """The positions of ``priorities`` in ``ids``, checked.

    Raise for unknown, repeated or no ids, naming the id and close ids of the matrix.

    Parameters
    ----------
    priorities : str or sequence of str
        Node ids (a string is a comma-separated list).
    ids : list of str
        The node ids of the matrix, in its order.
    column : str, default "priorities"
        The argument a message names.

    Returns
    -------
    list of int
        The position of each priority in ``ids``, in the order given.

    Raises
    ------
    UnknownIdError
        If an id is not one of ``ids``; the message names up to five close ids.
    ValidationError
        If no id is given, an id is given twice, or an id is not text.

    See Also
    --------
    propagate : A scenario's effects from the priorities checked here.
    sdg_interactions.matrix.node_ids : The ids of a matrix, in its order.

    Examples
    --------
    >>> check_priorities("1.2, 1.4", ["1.1", "1.2", "1.3", "1.4"])
    [1, 3]
    >>> check_priorities(["1.5"], ["1.1", "1.2"])
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.UnknownIdError: column 'priorities': not a target of this matrix: '1.5'. Valid: one of its 2 target ids, e.g. 1.2, 1.1.
    """  # noqa: E501
    if isinstance(priorities, str):
        priorities = [p for p in priorities.split(",") if p.strip()]
    if not len(priorities):
        raise ValidationError(tr("error.analysis.no_priority"))
    position = {node: k for k, node in enumerate(ids)}
    found: list[int] = []
    for raw in priorities:
        if not isinstance(raw, str):
            frameworks.check_node_id(raw, column=column)  # raises: ids are text
        try:
            node = frameworks.check_node_id(raw, column=column)
        except UnknownIdError:
            node = raw.strip()
        if node not in position:
            close = list(dict.fromkeys([*difflib.get_close_matches(node, ids, n=5, cutoff=0.5), *ids]))[:5]
            raise UnknownIdError(locate(tr("error.elsewhere.not_in_matrix"), column=column, value=raw,
                                        valid=tr("error.elsewhere.valid_matrix_ids", n=len(ids),
                                                 examples=", ".join(close))))
        if position[node] in found:
            raise ValidationError(locate(tr("error.elsewhere.given_twice"), column=column, value=node,
                                         valid=tr("error.matrix.valid_once")))
        found.append(position[node])
    return found


def _check_efforts(efforts: Sequence[float] | None, count: int) -> np.ndarray:
    if efforts is None:
        return np.ones(count)
    efforts = list(efforts) if isinstance(efforts, Sequence | np.ndarray) and not isinstance(efforts, str) \
        else [efforts]
    if len(efforts) != count:
        raise ValidationError(locate(tr("error.analysis.efforts_count", n=len(efforts), count=count),
                                     column="efforts", value=", ".join(map(str, efforts)),
                                     valid=tr("error.analysis.valid_efforts", count=count)))
    return np.array([check(value, "efforts", EFFORT) for value in efforts], dtype=float)


def propagate(obj: xr.DataArray | xr.Dataset, priorities: str | Sequence[str], *,
              efforts: Sequence[float] | None = None) -> xr.Dataset:
    """Compute a scenario's direct and indirect, positive and negative effects on every node.

    With ``A`` the matrix (NaN read as 0, the diagonal 0), ``S`` the priorities, ``e_i`` their efforts:

    * ``direct_pos_j = Σ_{i∈S} e_i · max(a_ij, 0)``, ``direct_neg_j = Σ_{i∈S} e_i · min(a_ij, 0)``
    * ``indirect_pos_j = ½ Σ_{i∈S} e_i Σ_k max(a_ik · a_kj, 0)``, ``indirect_neg_j`` likewise with min
      (two-step paths i → k → j; "minus times minus" counts as plus, as in SDG Synergies' second order
      [1]_)
    * ``effect_pos = direct_pos + indirect_pos``, ``effect_neg = direct_neg + indirect_neg``,
      ``effect_net = effect_pos + effect_neg``

    ``k`` runs over all nodes, other priorities and ``j`` included; as the diagonal of ``A`` is 0, the
    terms ``k = i`` and ``k = j`` vanish. Priorities get effects too (from the other priorities, and
    paths back to themselves). With ``P = max(A, 0)``, ``N = min(A, 0)`` and ``d⁺``, ``d⁻`` the direct
    parts: ``indirect_pos = ½ (d⁺·P + d⁻·N)``, ``indirect_neg = ½ (d⁺·N + d⁻·P)``, vectorised over
    leading dims (respondents, kommuner, samples give results per entry).

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        The matrix; leading dims (respondents, kommuner, samples) give results per entry.
    priorities : str or sequence of str
        Node ids of the matrix (a string is read as a comma-separated list).
    efforts : sequence of float, optional
        One number per priority, ``0 < e ≤ 10`` (:data:`sdg_interactions.ranges.EFFORT`: relative
        weights; the scale is −3…3 [2]_, so every effect stays finite). Default 1 each.

    Returns
    -------
    xarray.Dataset
        :data:`EFFECT_VARIABLES` on ``(..., "node")`` with the node metadata, and
        ``attrs["priorities"]``, ``attrs["efforts"]``.

    Raises
    ------
    UnknownIdError
        If a priority is not a node of the matrix.
    ValidationError
        If no priority is given or one twice, or the efforts are not one per priority in their range.

    See Also
    --------
    scenario : These effects and each node's class in one.
    classify : The class of each node, on the direct links.
    triggered_conflicts : The målkonflikter the priorities trigger.

    References
    ----------
    .. [1] Weitz, N., Carlsen, H., Nilsson, M., & Skånberg, K. (2018). Towards systemic and contextual
       priority setting for implementing the 2030 Agenda. Sustainability Science 13, 531–548.
    .. [2] Nilsson, M., Griggs, D., & Visbeck, M. (2016). Policy: Map the interactions between Sustainable
       Development Goals. Nature 534, 320–322.

    Examples
    --------
    >>> e = propagate(toy_matrix(), ["1.1", "1.2"], efforts=[1, 2])
    >>> e["direct_pos"].to_numpy().tolist(), e["direct_neg"].to_numpy().tolist()
    ([0.0, 2.0, 6.0, 2.0], [0.0, 0.0, -2.0, 0.0])
    """
    ids = node_ids(obj)
    where = check_priorities(priorities, ids)
    weights = np.zeros(len(ids))
    weights[where] = _check_efforts(efforts, len(where))
    a = adjacency(obj)
    pos, neg = np.maximum(a, 0.0), np.minimum(a, 0.0)
    direct_pos = np.einsum("i,...ij->...j", weights, pos)
    direct_neg = np.einsum("i,...ij->...j", weights, neg)

    def step(d: np.ndarray, m: np.ndarray) -> np.ndarray:
        return np.einsum("...k,...kj->...j", d, m)

    indirect_pos = 0.5 * (step(direct_pos, pos) + step(direct_neg, neg))
    indirect_neg = 0.5 * (step(direct_pos, neg) + step(direct_neg, pos))
    effect_pos, effect_neg = direct_pos + indirect_pos, direct_neg + indirect_neg
    result = node_result(obj, {
        "direct_pos": direct_pos, "direct_neg": direct_neg, "indirect_pos": indirect_pos,
        "indirect_neg": indirect_neg, "effect_pos": effect_pos, "effect_neg": effect_neg,
        "effect_net": effect_pos + effect_neg,
    })
    result.attrs.update({"priorities": [ids[k] for k in where], "efforts": weights[where].tolist()})
    return result


def classify(effects: xr.Dataset, priorities: str | Sequence[str],
             matrix: xr.DataArray | xr.Dataset | np.ndarray, *, risk_threshold: float = -2,
             comes_along: float = 2, partly: float = 1) -> xr.DataArray:
    """Sort every node of a scenario into one of :data:`CLASSES`, on the direct links only.

    In this order of precedence: ``prioritised`` (``j ∈ S``); ``at_risk`` (some ``i ∈ S`` has
    ``a_ij ≤ risk_threshold`` as scored, not times the effort, or ``direct_pos_j + direct_neg_j < 0``);
    ``comes_along`` (``direct_pos_j ≥ comes_along``); ``partly_supported`` (``partly ≤ direct_pos_j <
    comes_along``); ``not_free`` (``direct_pos_j < partly``: needs its own effort). Indirect sums grow
    with the size of the matrix, so they are shown beside the classes, not used for them. The three margins
    lie in −30 … 30 (:data:`sdg_interactions.ranges.MARGIN`: the scale times the largest effort), with
    ``partly ≤ comes_along``.

    Parameters
    ----------
    effects : xarray.Dataset
        The result of :func:`propagate`.
    priorities : str or sequence of str
        The priorities ``S`` of ``effects`` (a string is a comma-separated list).
    matrix : xarray.DataArray, xarray.Dataset or numpy.ndarray
        The matrix, or ``A`` as an array ``(..., n, n)`` in the node and leading-dim order of
        ``effects``.
    risk_threshold : float, default -2
        A direct link from a priority this low or lower puts its target at risk.
    comes_along : float, default 2
        The direct support from which a node comes along.
    partly : float, default 1
        The direct support from which a node is partly supported.

    Returns
    -------
    xarray.DataArray
        ``class`` on the dims of ``effects``.

    Raises
    ------
    ValidationError
        If a margin is out of its range, ``partly`` is above ``comes_along``, or ``matrix`` does not fit
        ``effects`` (other nodes, or another shape).

    See Also
    --------
    propagate : The effects classified here.
    scenario : :func:`propagate` and :func:`classify` in one.

    Examples
    --------
    >>> m = toy_matrix()
    >>> classify(propagate(m, ["1.2"]), ["1.2"], m, comes_along=3).to_numpy().tolist()
    ['not_free', 'prioritised', 'comes_along', 'partly_supported']
    """
    for name, value in dict(risk_threshold=risk_threshold, comes_along=comes_along, partly=partly).items():
        check(value, name, MARGIN)
    if partly > comes_along:
        raise ValidationError(tr("error.analysis.partly_above", partly=partly, comes_along=comes_along))
    ids = [str(v) for v in effects[NODE].to_numpy()]
    where = check_priorities(priorities, ids)
    direct = effects[["direct_pos", "direct_neg"]].transpose(..., NODE)
    lead = list(direct["direct_pos"].dims[:-1])
    if isinstance(matrix, np.ndarray):
        a = np.nan_to_num(np.asarray(matrix, dtype=float))
    elif node_ids(matrix) != ids:
        raise ValidationError(tr("error.analysis.effects_nodes"))
    else:
        a = adjacency(as_matrix(matrix).transpose(*lead, *DIMS))
    pos, neg = direct["direct_pos"].to_numpy(), direct["direct_neg"].to_numpy()
    if a.shape != (*pos.shape, len(ids)):
        raise ValidationError(tr("error.analysis.effects_shape", shape=a.shape, needed=(*pos.shape, len(ids))))
    chosen = np.zeros(len(ids), dtype=bool)
    chosen[where] = True
    risk = at_least(risk_threshold, a[..., where, :].min(axis=-2)) | ~at_least(pos + neg, 0.0)
    codes = np.select([np.broadcast_to(chosen, pos.shape), risk, at_least(pos, comes_along), at_least(pos, partly)],
                      CLASSES[:4], default=CLASSES[4])
    return xr.DataArray(codes, dims=(*lead, NODE), coords=direct.coords, name="class")


def scenario(obj: xr.DataArray | xr.Dataset, priorities: str | Sequence[str], *,
             efforts: Sequence[float] | None = None, risk_threshold: float = -2, comes_along: float = 2,
             partly: float = 1) -> xr.Dataset:
    """:func:`propagate` and :func:`classify` in one: the effects plus a ``class`` variable.

    The scenario analysis of SEI's SDG Synergies [1]_: what comes along with a set of priorities, and what
    is at risk.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        The matrix, as for :func:`propagate`.
    priorities : str or sequence of str
        Node ids of the matrix (a string is read as a comma-separated list).
    efforts : sequence of float, optional
        One number per priority, ``0 < e ≤ 10``; default 1 each.
    risk_threshold : float, default -2
        As for :func:`classify`.
    comes_along : float, default 2
        As for :func:`classify`.
    partly : float, default 1
        As for :func:`classify`.

    Returns
    -------
    xarray.Dataset
        :data:`EFFECT_VARIABLES` and ``class`` on ``(..., "node")``; attrs ``priorities``, ``efforts``,
        ``risk_threshold``, ``comes_along`` and ``partly``.

    See Also
    --------
    propagate : The effects alone, with their formulas.
    classify : The classes alone, with their rules.
    sdg_interactions.analysis.portfolio : The ``k`` priorities that together reach most other nodes.

    References
    ----------
    .. [1] Weitz, N., Carlsen, H., Nilsson, M., & Skånberg, K. (2018). Towards systemic and contextual
       priority setting for implementing the 2030 Agenda. Sustainability Science 13, 531–548.

    Examples
    --------
    >>> scenario(toy_matrix(), "1.1,1.4")["class"].to_numpy().tolist()
    ['prioritised', 'comes_along', 'at_risk', 'prioritised']
    """
    effects = propagate(obj, priorities, efforts=efforts)
    effects["class"] = classify(effects, priorities, obj, risk_threshold=risk_threshold,
                                comes_along=comes_along, partly=partly)
    effects.attrs.update({"risk_threshold": risk_threshold, "comes_along": comes_along, "partly": partly})
    return effects


def triggered_conflicts(obj: xr.DataArray | xr.Dataset, priorities: str | Sequence[str]) -> pd.DataFrame:
    """List the conflicts a scenario triggers: :func:`~sdg_interactions.analysis.conflicts` from a priority.

    The rows of ``conflicts(obj)`` whose source is one of ``priorities`` (every link ``a_ij < 0`` with
    ``i ∈ S`` on the aggregated matrix), in the same order and with the same columns: worst first, with
    the respondents' comments, how many answered and the share who scored it negative.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix, or several respondents' answers (aggregated by the mean, as in
        :func:`~sdg_interactions.analysis.conflicts`).
    priorities : str or sequence of str
        Node ids of the matrix (a string is read as a comma-separated list).

    Returns
    -------
    pandas.DataFrame
        The rows of ``conflicts(obj)`` whose source is a priority, renumbered from 0.

    See Also
    --------
    sdg_interactions.analysis.conflicts : Every målkonflikt of the matrix, with the same columns.
    scenario : What else the priorities do: what comes along, what is at risk.

    Examples
    --------
    >>> found = triggered_conflicts(toy_matrix(), ["1.1", "1.3"])
    >>> found[["source", "target", "score"]].to_numpy().tolist()
    [['1.1', '1.3', -2.0], ['1.3', '1.4', -1.0]]
    """
    ids = node_ids(obj)
    chosen = [ids[k] for k in check_priorities(priorities, ids)]
    found = conflicts(obj)
    return found[found["source"].isin(chosen)].reset_index(drop=True)
