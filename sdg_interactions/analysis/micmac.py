"""MICMAC done fully: direct, indirect and total influence–dependence, and the nodes that move between them.

The direct plane (:func:`~sdg_interactions.analysis.influence_dependence`) reads only the links that were
scored. Godet's MICMAC also reads the *indirect* links: the matrix of intensities ``M = |A|`` (NaN read as
0, the diagonal excluded) raised to a power ``k`` counts the weighted paths of length ``k`` between two
nodes, so the row and column sums of ``Mᵏ`` rank the nodes by the influence and dependence they exert and
receive through chains of ``k`` links. Godet raises the power until the rankings stop changing; so does
:func:`micmac_planes` when ``power`` is not given. The *total* plane sums paths of every length with a damping
factor, as DEMATEL's total-relation matrix does (:func:`~sdg_interactions.analysis.total_influence`), here
on ``|A|``, so that a chain of two hindrances counts as influence, not as help.

For every leading index (respondent, kommun, sample) and node:

* ``influence_direct_i = Σ_j M_ij``, ``dependence_direct_j = Σ_i M_ij``;
* ``influence_indirect_i = Σ_j (Mᵏ)_ij / c``, ``dependence_indirect_j = Σ_i (Mᵏ)_ij / c``, where ``c`` is
  the largest entry of ``Mᵏ`` (a positive constant per matrix: it keeps the numbers readable and changes
  neither a rank nor a quadrant, since the means scale with it);
* ``influence_total_i = Σ_j T_ij``, ``dependence_total_j = Σ_i T_ij`` with ``T = (I − αD)⁻¹ − I``,
  ``D = M / s`` and ``s`` the largest row or column sum of ``M`` (converges for ``0 < α < 1``);
* ``quadrant_direct``, ``quadrant_indirect``, ``quadrant_total``: ``driver`` (influence ≥ mean, dependence
  < mean), ``relay`` (both ≥ mean), ``dependent``, ``autonomous``, the means taken over the nodes, "≥"
  within the project's tie tolerance (:func:`~sdg_interactions.analysis.quadrant_codes`);
* ``rank_influence_direct``, ``rank_influence_indirect``, ``rank_dependence_direct``,
  ``rank_dependence_indirect``: ranks by descending value, ties sharing the best rank.

:func:`micmac_displacement` lists the nodes whose quadrant differs between the three planes, with their rank
shifts — the classic MICMAC reading: a node that looks autonomous on its direct links but drives the system
through others is a hidden lever.

References
----------
Godet, M. (1986). Introduction to la prospective: seven key ideas and one scenario method. *Futures*
18(2):134–157. doi:10.1016/0016-3287(86)90094-7.
Godet, M. (1994). *From Anticipation to Action: A Handbook of Strategic Prospective*. Paris: UNESCO.
Gabus, A. & Fontela, E. (1973). *Perceptions of the World Problematique: Communication Procedure,
Communicating with those Bearing Collective Responsibility* (DEMATEL Report No. 1). Geneva: Battelle
Geneva Research Centre.

Examples
--------
>>> from sdg_interactions.matrix import from_array
>>> v = np.array([[np.nan, 3, 0, 0], [0, np.nan, 3, 0], [0, 0, np.nan, 1], [1, 0, 0, np.nan]])
>>> m = from_array(v, ["1.1", "1.2", "1.3", "1.4"])
>>> r = micmac_planes(m, power=2)
>>> # M² row sums: 1.1 → 1.2 → 1.3 gives 9; 1.2 → 1.3 → 1.4: 3; 1.3 → 1.4 → 1.1: 1; 1.4 → 1.1 → 1.2: 3
>>> (r["influence_indirect"] * 9).values.tolist()  # scaled by the largest entry of M², 9
[9.0, 3.0, 1.0, 3.0]
>>> # direct: influence [3, 3, 1, 1], dependence [1, 3, 3, 1], means 2 and 2
>>> # indirect: influence [9, 3, 1, 3], dependence [1, 3, 9, 3], means 4 and 4: 1.2 is no longer a relay
>>> r["quadrant_direct"].values.tolist(), r["quadrant_indirect"].values.tolist()
(['driver', 'relay', 'dependent', 'autonomous'], ['driver', 'autonomous', 'dependent', 'autonomous'])
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.analysis._core import adjacency, node_result, rank_descending
from sdg_interactions.analysis._threads import one_blas_thread
from sdg_interactions.analysis.influence import DEFAULT_ALPHA, QUADRANTS, check_alpha, quadrant_codes
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix import node_ids, require_single

__all__ = ["MAX_POWER", "micmac_displacement", "micmac_planes", "stable_power"]

#: The largest power :func:`micmac_planes` raises the matrix to (Godet's rankings settle long before this).
MAX_POWER = 30

_PLANES = ("direct", "indirect", "total")


def _check_power(power: object) -> int:
    if isinstance(power, bool) or not isinstance(power, (int, np.integer)) or not 1 <= int(power) <= MAX_POWER:
        raise ValidationError(locate(tr("error.analysis.power_whole"), value=power,
                                     valid=tr("error.analysis.valid_power", max=MAX_POWER)))
    return int(power)


def _powers(m: np.ndarray, last: int):
    """Yield ``(k, Mᵏ / max(Mᵏ))`` for k = 1 … last, each scaled by its largest entry (per matrix)."""
    p = m.copy()
    for k in range(1, last + 1):
        if k > 1:
            p = p @ m
        top = p.max(axis=(-2, -1), initial=0.0)
        p = p / np.where(top > 0, top, 1.0)[..., None, None]
        yield k, p


def _rankings(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return rank_descending(p.sum(axis=-1)), rank_descending(p.sum(axis=-2))


def stable_power(obj: xr.DataArray | xr.Dataset, *, max_power: int = MAX_POWER) -> int:
    """The smallest power at which the MICMAC rankings stop changing (Godet's stopping rule).

    The smallest ``k ≥ 2`` at which the influence and dependence rankings of ``Mᵏ`` equal those of
    ``Mᵏ⁻¹`` for every matrix of ``obj`` (Godet's stopping rule); ``max_power`` if they never settle.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix, or a stack of them on leading dims.
    max_power : int, optional
        The largest power tried, 1 … :data:`MAX_POWER` (default :data:`MAX_POWER`).

    Returns
    -------
    int
        The power ``k``.

    Raises
    ------
    ValidationError
        When ``max_power`` is no whole number in range.

    See Also
    --------
    micmac_planes : uses this power for the indirect plane unless given one.

    References
    ----------
    .. [1] Godet, M. (1986). Introduction to la prospective: seven key ideas and one scenario method. Futures
       18(2), 134–157.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, 3, 0, 0], [0, np.nan, 3, 0], [0, 0, np.nan, 1], [1, 0, 0, np.nan]])
    >>> stable_power(from_array(v, ["1.1", "1.2", "1.3", "1.4"]))  # a cycle: its rankings rotate forever
    30
    >>> stable_power(from_array(np.array([[np.nan, 2, 1], [1, np.nan, 2], [2, 1, np.nan]]), ["1.1", "1.2", "1.3"]))
    2
    """
    max_power = _check_power(max_power)
    m = np.abs(adjacency(obj))
    previous = None
    for k, p in _powers(m, max_power):
        ranks = _rankings(p)
        if previous is not None and all(np.array_equal(a, b) for a, b in zip(ranks, previous, strict=True)):
            return k
        previous = ranks
    return max_power


def micmac_planes(obj: xr.DataArray | xr.Dataset, *, power: int | None = None,
           alpha: float = DEFAULT_ALPHA) -> xr.Dataset:
    """Direct, indirect (``Mᵏ``) and total influence and dependence of every node, their ranks and quadrants.

    The module docstring gives every formula; vectorised over leading dims.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix, or a stack of them (respondents, kommuner, samples) on leading dims.
    power : int, optional
        The path length ``k`` of the indirect plane, 1 … :data:`MAX_POWER`; by default
        :func:`stable_power` (the rankings no longer change). ``attrs["micmac_power"]`` records it.
    alpha : float
        The damping factor of the total plane, ``0 < α < 1``.

    Returns
    -------
    xarray.Dataset
        On ``(..., node)``: ``influence_<plane>``, ``dependence_<plane>`` and ``quadrant_<plane>`` for the
        planes ``direct``, ``indirect`` and ``total``, and the direct and indirect ranks.

    See Also
    --------
    influence_dependence : the direct plane alone.
    total_influence : the signed all-order influence (synergies and trade-offs kept apart by sign).
    micmac_displacement : the nodes that change quadrant between the planes.

    References
    ----------
    .. [1] Godet, M. (1986). Introduction to la prospective: seven key ideas and one scenario method. Futures
       18(2), 134–157.
    .. [2] Gabus, A., & Fontela, E. (1973). Perceptions of the World Problematique: Communication Procedure,
       Communicating with those Bearing Collective Responsibility. DEMATEL Report No. 1, Battelle Geneva
       Research Centre (the total plane).

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, 3, 0, 0], [0, np.nan, 3, 0], [0, 0, np.nan, 1], [1, 0, 0, np.nan]])
    >>> r = micmac_planes(from_array(v, ["1.1", "1.2", "1.3", "1.4"]), power=2)  # the module's example
    >>> r["rank_influence_direct"].values.tolist(), r["rank_influence_indirect"].values.tolist()
    ([1, 1, 3, 3], [1, 2, 4, 2])
    >>> r["quadrant_total"].values.tolist(), r.attrs["micmac_power"]  # all paths, damped: 1.2 a relay again
    (['driver', 'relay', 'dependent', 'autonomous'], 2)
    """
    alpha = check_alpha(alpha)
    power = stable_power(obj) if power is None else _check_power(power)
    m = np.abs(adjacency(obj))
    *_, (_, p) = _powers(m, power)
    n = m.shape[-1]
    s = np.maximum(m.sum(axis=-1).max(axis=-1, initial=0.0), m.sum(axis=-2).max(axis=-1, initial=0.0))
    d = m * np.where(s > 0, alpha / np.where(s > 0, s, 1.0), 0.0)[..., None, None]
    with one_blas_thread():
        t = np.linalg.solve(np.eye(n) - d, d) if n else d
    values = {}
    for plane, matrix in zip(_PLANES, (m, p, t), strict=True):
        influence, dependence = matrix.sum(axis=-1), matrix.sum(axis=-2)
        values[f"influence_{plane}"] = influence
        values[f"dependence_{plane}"] = dependence
        values[f"quadrant_{plane}"] = quadrant_codes(influence, dependence)
        if plane != "total":
            values[f"rank_influence_{plane}"] = rank_descending(influence)
            values[f"rank_dependence_{plane}"] = rank_descending(dependence)
    result = node_result(obj, values)  # described (long_name, units, formula) by node_result
    result.attrs.update({"micmac_power": power, "alpha": alpha})
    return result


def micmac_displacement(obj: xr.DataArray | xr.Dataset, *, power: int | None = None,
                 alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """The nodes whose quadrant is not the same on the direct, indirect and total planes (one matrix).

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix (no leading dims).
    power : int, optional
        The path length of the indirect plane, as in :func:`micmac_planes` (default :func:`stable_power`).
    alpha : float, optional
        The damping factor of the total plane, ``0 < α < 1`` (default 0.9).

    Returns
    -------
    pandas.DataFrame
        One row per moved node, in matrix order: ``node``, ``quadrant_direct``, ``quadrant_indirect``,
        ``quadrant_total``, ``rank_influence_direct``, ``rank_influence_indirect`` and ``influence_shift``
        (direct rank − indirect rank: positive when the node climbs once indirect links count), likewise
        ``dependence_shift``. ``attrs["micmac_power"]`` is the power used.

    Raises
    ------
    ValidationError
        When ``obj`` holds several matrices, or ``power`` or ``alpha`` is out of range.

    See Also
    --------
    micmac_planes : the three planes the quadrants come from.
    influence_dependence : the direct plane alone.

    References
    ----------
    .. [1] Godet, M. (1986). Introduction to la prospective: seven key ideas and one scenario method. Futures
       18(2), 134–157.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, 3, 0, 0], [0, np.nan, 3, 0], [0, 0, np.nan, 1], [1, 0, 0, np.nan]])
    >>> table = micmac_displacement(from_array(v, ["1.1", "1.2", "1.3", "1.4"]), power=2)
    >>> # 1.2 ranks 1st (tied with 1.1, influence 3) directly and 2nd (tied with 1.4, 3 of 9) through two links
    >>> table[["node", "quadrant_direct", "quadrant_indirect", "influence_shift"]].values.tolist()
    [['1.2', 'relay', 'autonomous', -1]]
    """
    require_single(obj, "displacement")
    r = micmac_planes(obj, power=power, alpha=alpha)
    codes = {plane: r[f"quadrant_{plane}"].values for plane in _PLANES}
    moved = (codes["direct"] != codes["indirect"]) | (codes["direct"] != codes["total"])
    table = pd.DataFrame({
        "node": np.array(node_ids(obj), dtype=object),
        **{f"quadrant_{plane}": codes[plane] for plane in _PLANES},
        "rank_influence_direct": r["rank_influence_direct"].values,
        "rank_influence_indirect": r["rank_influence_indirect"].values,
        "influence_shift": r["rank_influence_direct"].values - r["rank_influence_indirect"].values,
        "rank_dependence_direct": r["rank_dependence_direct"].values,
        "rank_dependence_indirect": r["rank_dependence_indirect"].values,
        "dependence_shift": r["rank_dependence_direct"].values - r["rank_dependence_indirect"].values,
    })[moved].reset_index(drop=True)
    table.attrs["micmac_power"] = r.attrs["micmac_power"]
    assert set(table["quadrant_direct"]) <= set(QUADRANTS)
    return table
