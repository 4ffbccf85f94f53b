"""All-order total influence and the influence–dependence plane, vectorised over leading dims.

Both read the matrix as ``A`` (NaN read as 0, the diagonal excluded; see
:func:`sdg_interactions.analysis.adjacency`).

* **Total influence** sums the influence along paths of every length with a damping factor:
  ``T = Σ_{k≥1} (αD)^k = (I − αD)⁻¹ − I`` with ``D = A / s`` scaled by the largest absolute row or
  column sum ``s``. Since every row and column of ``|αD|`` sums to at most ``α < 1``, the series
  converges for any sign pattern. :func:`total_influence_matrix` returns ``T`` on
  ``(..., source, target)``; :func:`total_influence` its row and column sums per node;
  :func:`sign_flips` lists the pairs where the direct link and the total influence disagree in sign.
* **The influence–dependence plane** (MICMAC, direct, on ``|A|``): :func:`influence_dependence`
  places each node in one of four quadrants, ``driver``, ``relay``, ``dependent`` or ``autonomous``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.analysis._core import adjacency, at_least, node_result
from sdg_interactions.analysis._threads import one_blas_thread
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix import as_matrix, node_ids, require_single
from sdg_interactions.ranges import ALPHA, check

__all__ = [
    "DEFAULT_ALPHA",
    "QUADRANTS",
    "SENSITIVITY_ALPHAS",
    "SIGN_TOLERANCE",
    "alpha_sensitivity",
    "check_alpha",
    "influence_dependence",
    "quadrant_codes",
    "sign_flips",
    "total_influence",
    "total_influence_matrix",
    "total_sums",
]

#: The default damping factor α of the total influence.
DEFAULT_ALPHA = 0.9
#: The damping factors :func:`alpha_sensitivity` tries by default.
SENSITIVITY_ALPHAS = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95)
#: The four quadrants of the influence–dependence plane, in the order of their codes.
QUADRANTS = ("driver", "relay", "dependent", "autonomous")
#: A total influence with ``|T_ij|`` at most this counts as zero in :func:`sign_flips`.
SIGN_TOLERANCE = 1e-12


def check_alpha(alpha: object) -> float:
    """Return the damping factor as a float if ``0 < alpha < 1`` (:data:`sdg_interactions.ranges.ALPHA`).

    Else raise :class:`ValidationError`. Below 1, every row and column of ``|αD|`` sums to less than 1, so
    the series ``Σ (αD)^k`` converges for any sign pattern (the module docstring).

    Parameters
    ----------
    alpha : float
        The damping factor to check.

    Returns
    -------
    float
        ``alpha`` as a float.

    Raises
    ------
    ValidationError
        When ``alpha`` is no number strictly between 0 and 1.

    See Also
    --------
    total_influence : the total influence at ``alpha``.
    alpha_sensitivity : how the ranking changes with ``alpha``.

    Examples
    --------
    >>> check_alpha(0.5)
    0.5
    >>> check_alpha(1)
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: alpha must be a number strictly between 0 and 1: '1'. Valid: 0 < alpha < 1 (the damping of the total influence; the series converges only for α < 1), e.g. 0.9.
    """  # noqa: E501
    return check(alpha, "alpha", ALPHA)


def _total(a: np.ndarray, alpha: float) -> np.ndarray:
    """``T = (I − αD)⁻¹ − I`` for a stack of matrices ``a`` (``(..., n, n)``), computed as
    ``(I − αD)⁻¹ · αD`` (the same matrix, without cancellation on the diagonal)."""
    absolute = np.abs(a)
    s = np.maximum(absolute.sum(axis=-1).max(axis=-1, initial=0.0),
                   absolute.sum(axis=-2).max(axis=-1, initial=0.0))
    scale = np.where(s > 0, alpha / np.where(s > 0, s, 1.0), 0.0)
    ad = a * scale[..., None, None]
    n = a.shape[-1]
    if n == 0:
        return ad
    with one_blas_thread():
        return np.linalg.solve(np.eye(n) - ad, ad)


def total_influence_matrix(obj: xr.DataArray | xr.Dataset, *, alpha: float = DEFAULT_ALPHA) -> xr.DataArray:
    """Return the all-order total influence matrix ``T`` on ``(..., source, target)``.

    With ``A`` the matrix (NaN read as 0, diagonal excluded):

    * ``s = max(max_i Σ_j |a_ij|, max_j Σ_i |a_ij|)`` — the largest absolute row or column sum
    * ``D = A / s`` (if ``s = 0``, ``T = 0``)
    * ``T = (I − αD)⁻¹ − I = Σ_{k≥1} (αD)^k``, with ``0 < α < 1``

    ``T_ij`` adds up the influence of i on j along every path, each step damped by ``α / s``; signs
    multiply along a path. The diagonal holds the feedback of a node on itself. Solved with
    :func:`numpy.linalg.solve`, batched over leading dims. The result is in units of ``D`` (scores
    divided by ``s``), not a score matrix: ``attrs["kind"] = "total_influence"``.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix, with any leading dims.
    alpha : float, optional
        The damping factor, ``0 < alpha < 1`` (default 0.9); the closer to 1, the more long paths count.

    Returns
    -------
    xarray.DataArray
        ``T`` on ``(..., source, target)``, named ``total_influence``; ``attrs`` ``kind``, ``alpha`` and
        ``long_name``.

    Raises
    ------
    ValidationError
        When ``alpha`` is not strictly between 0 and 1.

    See Also
    --------
    total_influence : the row and column sums of ``T`` per node.
    sign_flips : the pairs where ``T`` and the direct link disagree in sign.

    References
    ----------
    .. [1] Gabus, A., & Fontela, E. (1973). Perceptions of the World Problematique: Communication Procedure,
       Communicating with those Bearing Collective Responsibility. DEMATEL Report No. 1, Battelle Geneva
       Research Centre.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.array([[np.nan, 2], [-1, np.nan]]), ["1.1", "1.2"])
    >>> # s = 2, αD = [[0, 0.5], [-0.25, 0]], (I − αD)⁻¹ = [[1, 0.5], [-0.25, 1]] / 1.125
    >>> total_influence_matrix(m, alpha=0.5).round(6).values.tolist()
    [[-0.111111, 0.444444], [-0.222222, -0.111111]]
    """
    alpha = check_alpha(alpha)
    da = as_matrix(obj)
    t = _total(adjacency(da), alpha)
    out = xr.DataArray(t, dims=da.dims, coords=da.coords, name="total_influence")
    out.attrs.update({"kind": "total_influence", "alpha": alpha,
                      "long_name": "all-order total influence (I - alpha D)^-1 - I"})
    return out


def total_influence(obj: xr.DataArray | xr.Dataset, *, alpha: float = DEFAULT_ALPHA) -> xr.Dataset:
    """Return each node's all-order total influence given and received, on the ``"node"`` dim.

    * ``total_out_i = Σ_j T_ij``  (row sum of :func:`total_influence_matrix`, diagonal included)
    * ``total_in_j  = Σ_i T_ij``  (column sum, diagonal included)

    with ``T = (I − αD)⁻¹ − I``, ``D = A / s`` and ``s`` the largest absolute row or column sum of A.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix, with any leading dims.
    alpha : float, optional
        The damping factor, ``0 < alpha < 1`` (default 0.9).

    Returns
    -------
    xarray.Dataset
        ``total_out`` and ``total_in`` on ``(..., node)``, described; ``attrs["alpha"]``.

    See Also
    --------
    total_influence_matrix : ``T`` itself.
    alpha_sensitivity : the same sums for several damping factors, and their ranks.
    micmac_planes : the total plane on ``|A|``, where two hindrances in a row do not cancel.

    References
    ----------
    .. [1] Gabus, A., & Fontela, E. (1973). Perceptions of the World Problematique: Communication Procedure,
       Communicating with those Bearing Collective Responsibility. DEMATEL Report No. 1, Battelle Geneva
       Research Centre.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.array([[np.nan, 2], [-1, np.nan]]), ["1.1", "1.2"])
    >>> r = total_influence(m, alpha=0.5)  # T = [[-1, 4], [-2, -1]] / 9
    >>> r["total_out"].round(6).values.tolist(), r["total_in"].round(6).values.tolist()
    ([0.333333, -0.333333], [-0.333333, 0.333333])
    """
    total_out, total_in = total_sums(adjacency(obj), check_alpha(alpha))
    result = node_result(obj, {"total_out": total_out, "total_in": total_in})
    result.attrs["alpha"] = alpha
    return result


def alpha_sensitivity(obj: xr.DataArray | xr.Dataset, *, alphas=SENSITIVITY_ALPHAS, top_k: int = 5) -> xr.Dataset:
    """How the total influence and its ranking depend on the damping factor α.

    For each α of ``alphas``: ``total_out`` (:func:`total_influence`), its ``rank`` (descending, ties share
    the best rank) and ``in_top`` (rank ≤ ``top_k``). ``attrs["stable_top"]`` is True when the same nodes
    are in the top ``top_k`` for every α, and ``attrs["always_top"]`` lists the nodes that are. Vectorised
    over α and any leading dims (one linear solve per α).

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix, with any leading dims.
    alphas : sequence of float, optional
        The damping factors to try, each ``0 < α < 1`` (default :data:`SENSITIVITY_ALPHAS`).
    top_k : int, optional
        How many nodes count as the top (default 5).

    Returns
    -------
    xarray.Dataset
        On ``(alpha, ..., node)``.

    Raises
    ------
    ValidationError
        When ``alphas`` is empty or holds a value outside ``0 < α < 1``, or ``top_k`` is no count.

    See Also
    --------
    total_influence : the total influence at one α.
    rank_robustness : how sure the systemic ranks are over the respondents.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.array([[np.nan, 0, 2], [3, np.nan, -2], [-2, 2, np.nan]]), ["1.1", "1.2", "1.3"])
    >>> r = alpha_sensitivity(m, alphas=(0.2, 0.95), top_k=2)
    >>> # row sums 2, 1, 0: 1.1 leads while long paths count little; 1.2 (3 to 1.1, which passes 2 on) at 0.95
    >>> r["total_out"].round(4).values.tolist(), r["rank"].values.tolist()
    ([[0.0798, 0.0498, -0.0024], [0.3832, 0.4052, 0.0084]], [[1, 2, 3], [2, 1, 3]])
    >>> r.attrs["stable_top"], r.attrs["always_top"]  # the top two are the same nodes at both
    (True, ['1.1', '1.2'])
    """
    from sdg_interactions.analysis._core import rank_descending
    from sdg_interactions.ranges import COUNT

    values = [check_alpha(a) for a in np.atleast_1d(np.asarray(alphas, dtype=object)).tolist()]
    if not values:
        raise ValidationError(locate(tr("error.analysis.alphas_empty"), value=alphas,
                                     valid=tr("error.analysis.valid_alphas")))
    top_k = check(top_k, "top_k", COUNT)
    a = adjacency(obj)
    totals = np.stack([total_sums(a, alpha)[0] for alpha in values])
    ranks = rank_descending(totals)
    results = [node_result(obj, {"total_out": totals[k], "rank": ranks[k], "in_top": ranks[k] <= top_k})
               for k in range(len(values))]
    result = xr.concat(results, dim=xr.DataArray(values, dims="alpha", name="alpha"))
    in_top = ranks <= top_k
    always = in_top.all(axis=0)
    result.attrs.update({"top_k": top_k, "stable_top": bool((in_top == in_top[:1]).all()),
                         "always_top": [str(n) for n in np.asarray(result["node"].values)[always]]
                         if always.ndim == 1 else []})
    return result


def total_sums(a: np.ndarray, alpha: float, *, influence: np.ndarray | None = None,
               dependence: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Row and column sums of ``T`` from ``A`` (numpy, ``(..., n, n)``) without forming ``T``.

    With ``M = I − αD``: ``T = M⁻¹·αD = αD·M⁻¹`` (the two commute), so
    ``total_out = T·1 = M⁻¹ (αD·1)`` and ``total_in = Tᵀ·1 = M⁻ᵀ (αDᵀ·1)``: two linear solves with
    one right-hand side each instead of one with ``n``.

    Parameters
    ----------
    a : numpy.ndarray
        ``A``, ``(..., n, n)``, as :func:`~sdg_interactions.analysis.adjacency` returns it.
    alpha : float
        The damping factor, ``0 < alpha < 1`` (not checked here: :func:`check_alpha`).
    influence, dependence : numpy.ndarray, optional
        The absolute row and column sums of ``A``, ``(..., n)``; may be passed in when already known.

    Returns
    -------
    total_out, total_in : numpy.ndarray
        The row and column sums of ``T``, each ``(..., n)``.

    See Also
    --------
    total_influence : the same sums as a described result.
    all_metrics : passes in ``influence`` and ``dependence`` it already holds.

    References
    ----------
    .. [1] Gabus, A., & Fontela, E. (1973). Perceptions of the World Problematique: Communication Procedure,
       Communicating with those Bearing Collective Responsibility. DEMATEL Report No. 1, Battelle Geneva
       Research Centre.

    Examples
    --------
    >>> a = np.array([[0.0, 2], [-1, 0]])
    >>> total_out, total_in = total_sums(a, 0.5)  # T = [[-1, 4], [-2, -1]] / 9, as in total_influence
    >>> total_out.round(6).tolist(), total_in.round(6).tolist()
    ([0.333333, -0.333333], [-0.333333, 0.333333])
    """
    if influence is None or dependence is None:
        absolute = np.abs(a)
        influence, dependence = absolute.sum(axis=-1), absolute.sum(axis=-2)
    n = a.shape[-1]
    if n == 0:
        return np.zeros(a.shape[:-1]), np.zeros(a.shape[:-1])
    s = np.maximum(influence.max(axis=-1), dependence.max(axis=-1))
    scale = np.where(s > 0, alpha / np.where(s > 0, s, 1.0), 0.0)
    m = np.eye(n) - a * scale[..., None, None]
    with one_blas_thread():  # many small solves: threads only thrash on shared cores (analysis/_threads.py)
        total_out = np.linalg.solve(m, (a.sum(axis=-1) * scale[..., None])[..., None])[..., 0]
        total_in = np.linalg.solve(np.swapaxes(m, -1, -2), (a.sum(axis=-2) * scale[..., None])[..., None])[..., 0]
    return total_out, total_in


def quadrant_codes(influence: np.ndarray, dependence: np.ndarray) -> np.ndarray:
    """The quadrant code of each node from its influence and dependence (means over the last axis).

    "≥ mean" holds within 1e-9 · max(1, |x|) (:func:`~sdg_interactions.analysis._core.at_least`), so a node
    exactly at the mean never falls below it through float noise.

    Parameters
    ----------
    influence, dependence : numpy.ndarray
        Each node's influence and dependence, ``(..., n)``.

    Returns
    -------
    numpy.ndarray of object
        ``(..., n)``: one of :data:`QUADRANTS` per node.

    See Also
    --------
    influence_dependence : the direct plane, whose quadrants these are.
    micmac_planes : the quadrants of the direct, indirect and total planes.

    Examples
    --------
    >>> influence = np.array([2 / 3 + 8 / 3, 4 / 3 + 1, 7 / 3 + 2])  # mean exactly 10/3, as is the first
    >>> dependence = np.array([4 / 3 + 7 / 3, 2 / 3 + 2, 8 / 3 + 1])
    >>> quadrant_codes(influence, dependence).tolist()  # without the tolerance the first would be 'dependent'
    ['relay', 'autonomous', 'relay']
    """
    strong_out = at_least(influence, influence.mean(axis=-1, keepdims=True))
    strong_in = at_least(dependence, dependence.mean(axis=-1, keepdims=True))
    return np.select([strong_out & ~strong_in, strong_out & strong_in, ~strong_out & strong_in],
                     list(QUADRANTS[:3]), default=QUADRANTS[3]).astype(object)


def sign_flips(obj: xr.DataArray | xr.Dataset, *, alpha: float = DEFAULT_ALPHA) -> pd.DataFrame:
    """List the pairs whose direct link and all-order total influence have opposite signs.

    Every pair with ``a_ij ≠ 0`` and ``sign(T_ij) = −sign(a_ij)`` (``|T_ij| ≤`` :data:`SIGN_TOLERANCE`
    counts as 0, not as a flip): a direct synergy that is a net trade-off once all indirect paths are
    counted, or a direct trade-off that the system as a whole turns into a net synergy. For one matrix.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix (no leading dims).
    alpha : float, optional
        The damping factor of ``T``, ``0 < alpha < 1`` (default 0.9).

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``target``, ``score`` (``a_ij``) and ``total`` (``T_ij``), one row per
        flipped pair, in matrix order (by source, then target, in natural order).

    Raises
    ------
    ValidationError
        When ``obj`` holds several matrices, or ``alpha`` is out of range.

    See Also
    --------
    total_influence_matrix : ``T``, whose signs are compared.
    conflicts : the direct målkonflikter.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.array([[np.nan, 1, 3], [0, np.nan, 0], [0, -3, np.nan]]), ["1.1", "1.2", "1.3"])
    >>> # s = 4: T(1.1, 1.2) = 0.9/4 · 1 + (0.9/4)² · 3 · (−3) = 0.225 − 0.455625 (via 1.3)
    >>> sign_flips(m, alpha=0.9)
      source target  score     total
    0    1.1    1.2    1.0 -0.230625
    """
    alpha = check_alpha(alpha)
    da = require_single(obj, "sign_flips")
    a = adjacency(da)
    t = _total(a, alpha)
    flipped = (a != 0) & (np.sign(a) * t < -SIGN_TOLERANCE)
    rows, cols = np.nonzero(flipped)
    ids = np.array(node_ids(da), dtype=object)
    return pd.DataFrame({"source": ids[rows].astype(str), "target": ids[cols].astype(str),
                         "score": a[rows, cols], "total": t[rows, cols]})


def influence_dependence(obj: xr.DataArray | xr.Dataset) -> xr.Dataset:
    """Place each node on the influence–dependence plane (MICMAC, direct influence, on ``|A|``).

    * ``influence_i  = Σ_j |a_ij|``  (how strongly the node acts on the others, either sign)
    * ``dependence_j = Σ_i |a_ij|``  (how strongly the others act on it)
    * ``quadrant``, with the means taken over the nodes of the matrix (per leading index):

      - ``driver``:     influence ≥ mean and dependence < mean
      - ``relay``:      influence ≥ mean and dependence ≥ mean
      - ``dependent``:  influence < mean and dependence ≥ mean
      - ``autonomous``: influence < mean and dependence < mean

    ``quadrant`` holds the codes; ``text("metrics.quadrant.<code>", lang)`` gives the names in Swedish
    or English (drivande, förmedlande, beroende, autonom).

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        A matrix, with any leading dims.

    Returns
    -------
    xarray.Dataset
        ``influence``, ``dependence`` and ``quadrant`` on ``(..., node)``, described.

    See Also
    --------
    micmac_planes : the indirect and total planes beside the direct one.
    quadrant_codes : the quadrants from influence and dependence.

    References
    ----------
    .. [1] Godet, M. (1986). Introduction to la prospective: seven key ideas and one scenario method. Futures
       18(2), 134–157.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> v = np.array([[np.nan, -2, 1], [-1, np.nan, 2], [3, np.nan, np.nan]])
    >>> m = from_array(v, ["1.1", "1.2", "1.3"])
    >>> r = influence_dependence(m)  # means: influence 3, dependence 3
    >>> r["influence"].values.tolist(), r["dependence"].values.tolist()
    ([3.0, 3.0, 3.0], [4.0, 2.0, 3.0])
    >>> r["quadrant"].values.tolist()
    ['relay', 'driver', 'relay']
    """
    absolute = np.abs(adjacency(obj))
    influence, dependence = absolute.sum(axis=-1), absolute.sum(axis=-2)
    return node_result(obj, {"influence": influence, "dependence": dependence,
                             "quadrant": quadrant_codes(influence, dependence)})
