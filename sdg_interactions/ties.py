"""Equality of numbers, once for the whole package: x and y are equal when |x − y| ≤ 1e-9 · max(1, |x|, |y|).

Every rank, every split at a mean, every class threshold, every "the same score" in a sentence and every
"better or worse" of a Kolada value uses :func:`at_least` or :func:`tied` from here (re-exported by
:mod:`sdg_interactions.analysis`), so float noise in aggregated matrices never breaks a tie and no module
carries its own ``1e-9``. The base layer, so that the scoring kernel may use it without the analysis.
"""

from __future__ import annotations

import numpy as np

__all__ = ["TIE_TOLERANCE", "at_least", "slack", "tied"]

#: Relative tolerance of equality: x and y are equal when |x − y| ≤ TIE_TOLERANCE · max(1, |x|, |y|).
TIE_TOLERANCE = 1e-9


def slack(values: np.ndarray) -> np.ndarray:
    """How far from ``values`` another number may lie and still be equal: 1e-9 · max(1, |x|).

    Examples
    --------
    >>> slack(np.array([0.5, -2000.0])).tolist()
    [1e-09, 2e-06]
    """
    return TIE_TOLERANCE * np.maximum(1.0, np.abs(values))


def at_least(values: np.ndarray, threshold: np.ndarray | float) -> np.ndarray:
    """``values ≥ threshold`` where "equal" means within 1e-9 · max(1, |x|) (:data:`TIE_TOLERANCE`).

    Parameters
    ----------
    values : array_like
        The numbers to compare.
    threshold : array_like or float
        What they must reach, broadcast against ``values``.

    Returns
    -------
    numpy.ndarray of bool
        True where a value is larger than the threshold or equal to it within the tolerance.

    See Also
    --------
    tied : equality, :func:`at_least` both ways.
    sdg_interactions.analysis.clearly_promoting : ``at_least`` against +1, the step report sentences count.

    Examples
    --------
    >>> at_least(np.array([10 / 3, 3.3333333333333335 - 4e-16, 3.3]), 10 / 3).tolist()
    [True, True, False]
    """
    values = np.asarray(values, dtype=np.float64)
    threshold = np.asarray(threshold, dtype=np.float64)
    return values >= threshold - np.maximum(slack(values), slack(threshold))


def tied(a: np.ndarray | float, b: np.ndarray | float) -> np.ndarray:
    """``a == b`` where "equal" means within 1e-9 · max(1, |x|) (:data:`TIE_TOLERANCE`).

    It is :func:`at_least` both ways. The one tie helper a sentence or a list uses ("Fem målkonflikter delar
    den sämsta bedömningen").

    Parameters
    ----------
    a, b : array_like or float
        The numbers to compare, broadcast against each other.

    Returns
    -------
    numpy.ndarray of bool
        True where the two are equal within the tolerance.

    See Also
    --------
    at_least : ``≥`` with the same tolerance.
    sdg_interactions.analysis.rank_descending : ranks in which tied values share the best rank.

    Examples
    --------
    >>> tied(np.array([0.1 + 0.2, 0.3001, -0.0]), np.array([0.3, 0.3, 0.0])).tolist()
    [True, False, True]
    """
    return at_least(a, b) & at_least(b, a)


