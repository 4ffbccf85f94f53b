"""The list of conflicts (målkonflikter): every negative link, worst first, with comments."""

from __future__ import annotations

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.analysis._core import rank_ascending
from sdg_interactions.analysis.synergies import sdg_synergies
from sdg_interactions.errors import ValidationError, tr
from sdg_interactions.matrix import DIMS, RESPONDENT, as_matrix, node_ids, single_matrix

__all__ = ['conflicts']


def _join_comments(comments: np.ndarray) -> str:
    """The distinct non-empty comments, in respondent order and unchanged, joined with " | "."""
    seen = dict.fromkeys(str(c) for c in comments.ravel() if isinstance(c, str) and c.strip())
    return " | ".join(seen)


def conflicts(obj: xr.DataArray | xr.Dataset, *, respondents: xr.DataArray | xr.Dataset | None = None
              ) -> pd.DataFrame:
    """List every negative link (a målkonflikt) of the aggregated matrix, worst first.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix, or several respondents' answers on a ``respondent`` dim, which are aggregated by
        the mean (:func:`~sdg_interactions.matrix.aggregate`) first. A Dataset's ``comment`` variable
        supplies the comments.
    respondents : xarray.DataArray or xarray.Dataset, optional
        The answers (with a ``respondent`` dim) behind ``obj`` when ``obj`` is already aggregated (say,
        by the median): they supply ``comment``, ``n_respondents`` and ``share_negative``.

    Returns
    -------
    pandas.DataFrame
        One row per link with ``a_ij < 0`` on the aggregated matrix, sorted by ``score`` ascending,
        then by the source's systemic ``rank`` (:func:`~sdg_interactions.analysis.sdg_synergies` on the
        aggregated matrix) ascending, then in matrix order. Columns:

        * ``source``, ``target``, ``score`` (the aggregated score)
        * ``comment``: the distinct non-empty comments of the respondents (as written, in respondent
          order), joined with " | "
        * ``n_respondents``: how many answered (scored the pair); 1 for a single matrix
        * ``share_negative``: the share of those who scored it below 0; 1.0 for a single matrix
        * ``source_label_sv``, ``source_label_en``, ``target_label_sv``, ``target_label_en``

    Raises
    ------
    ValidationError
        If ``obj`` or ``respondents`` has a leading dim other than ``respondent``, ``respondents`` has no
        ``respondent`` dim or ``obj`` has one too, or the two are on different nodes.

    See Also
    --------
    sdg_interactions.analysis.triggered_conflicts : The conflicts whose source is one of a scenario's priorities.
    sdg_interactions.matrix.aggregate : How several respondents' answers become one matrix.
    sdg_interactions.analysis.sdg_synergies : The systemic rank that orders equal scores.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_long
    >>> t = pd.DataFrame({"respondent": ["a", "b", "a", "b"], "source": ["1.1", "1.1", "1.2", "1.2"],
    ...                   "target": ["1.2", "1.2", "1.1", "1.1"], "score": [-3, 1, -1, -1],
    ...                   "comment": ["costs", "", "land use", "land use"]})
    >>> conflicts(from_long(t))[["source", "target", "score", "comment", "n_respondents", "share_negative"]]
      source target  score   comment  n_respondents  share_negative
    0    1.1    1.2   -1.0     costs              2             0.5
    1    1.2    1.1   -1.0  land use              2             1.0
    """
    answers = respondents if respondents is not None else obj
    for name, item in (("obj", obj), ("respondents", respondents)):
        if item is not None:
            extra = [d for d in as_matrix(item).dims[:-2] if d != RESPONDENT]
            if extra:
                raise ValidationError(tr("error.analysis.conflicts_extra_dims", name=name, dims=tuple(extra),
                                         dim=extra[0]))
    if respondents is not None and RESPONDENT not in as_matrix(respondents).dims:
        raise ValidationError(tr("error.analysis.respondents_dim", dim=repr(RESPONDENT)))
    if respondents is not None and RESPONDENT in as_matrix(obj).dims:
        raise ValidationError(tr("error.analysis.respondents_twice"))
    matrix = single_matrix(obj, what="conflicts")
    if node_ids(answers) != node_ids(matrix):
        raise ValidationError(tr("error.analysis.respondents_nodes"))

    answer_matrix = as_matrix(answers)
    if RESPONDENT in answer_matrix.dims:
        score = answer_matrix.transpose(RESPONDENT, *DIMS).to_numpy()
    else:
        score = answer_matrix.to_numpy()[None]
    comment = None
    if isinstance(answers, xr.Dataset) and "comment" in answers:
        comment = answers["comment"].transpose(..., *DIMS).to_numpy()
        comment = comment if comment.ndim == 3 else comment[None]

    a = matrix.to_numpy()
    n = a.shape[-1]
    with np.errstate(invalid="ignore"):
        negative = (a < 0) & ~np.eye(n, dtype=bool)
        answered = (~np.isnan(score)).sum(axis=0)
        share = (score < 0).sum(axis=0) / np.where(answered > 0, answered, 1)
    rank = sdg_synergies(matrix)["rank"].to_numpy()
    rows, cols = np.nonzero(negative)
    # ties within 1e-9 · max(1, |x|) share a place, then the source's systemic rank, then matrix (natural) order
    order = np.lexsort((np.arange(len(rows)), rank[rows], rank_ascending(a[rows, cols])))
    rows, cols = rows[order], cols[order]
    ids = np.array(node_ids(matrix), dtype=object)

    def label(role: str, lang: str, index: np.ndarray) -> np.ndarray:
        name = f"{role}_label_{lang}"
        return matrix[name].to_numpy()[index].astype(str) if name in matrix.coords else ids[index].astype(str)

    return pd.DataFrame({
        "source": ids[rows].astype(str),
        "target": ids[cols].astype(str),
        "score": a[rows, cols].astype(float),
        "comment": [_join_comments(comment[:, i, j]) if comment is not None else ""
                    for i, j in zip(rows, cols, strict=True)],
        "n_respondents": answered[rows, cols].astype(np.int64),
        "share_negative": share[rows, cols].astype(float),
        "source_label_sv": label("source", "sv", rows),
        "source_label_en": label("source", "en", rows),
        "target_label_sv": label("target", "sv", cols),
        "target_label_en": label("target", "en", cols),
    })


