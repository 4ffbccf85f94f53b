"""Which strong levers and which goal conflicts a kommun's decided goals (its styrdokument) already cover.

A kommun's styrdokument table (:func:`~sdg_interactions.io.styrdokument.read_styrdokument`: one row per
document, local goal and target) is laid over an interaction matrix. :func:`coverage` says, for every
node of the matrix, whether a decided goal covers it and by which documents and local goals; which of
the strongest levers are covered and which are gaps; and how the conflicts (målkonflikter) fall
between decided and undecided targets. Numbers and tables only; the chart is
:func:`sdg_interactions.plots.styrdokument.coverage_chart`, the report section
:func:`sdg_interactions.report.styrdokument_section.styrdokument`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.analysis.goal_conflicts import conflicts as conflict_list
from sdg_interactions.analysis.synergies import sdg_synergies
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.frameworks import node_info, node_sort_key
from sdg_interactions.io.styrdokument import read_styrdokument
from sdg_interactions.matrix import RESPONDENT, node_ids, single_matrix
from sdg_interactions.ranges import COUNT, SHOWN, check

__all__ = ["CONFLICT_COVERAGE", "NODE_COLUMNS", "StyrdokumentCoverage", "coverage"]

#: The coverage classes of a conflict ``i → j``, in the order reports show them.
CONFLICT_COVERAGE = ("both", "source", "target", "none")
#: The columns of :attr:`StyrdokumentCoverage.nodes`.
NODE_COLUMNS = ("node", "label_sv", "label_en", "systemic", "rank", "lever", "covered", "n_goals", "documents",
                "local_goals")


@dataclass(frozen=True)
class StyrdokumentCoverage:
    """The result of :func:`coverage`.

    Attributes
    ----------
    nodes : pandas.DataFrame
        One row per node of the matrix, in matrix (natural) order: :data:`NODE_COLUMNS`. ``documents``
        and ``local_goals`` are the distinct names covering the node, in table order, joined with "; "
        (blank if not covered); ``n_goals`` counts the distinct (document, local goal) pairs.
    levers : pandas.DataFrame
        The rows of ``nodes`` with ``lever`` True, by rank (ties in natural order).
    conflicts : pandas.DataFrame
        :func:`~sdg_interactions.analysis.conflicts` (worst first) with ``source_covered``,
        ``target_covered``, ``coverage`` (one of :data:`CONFLICT_COVERAGE`), ``source_documents`` and
        ``target_documents``.
    not_in_matrix : pandas.DataFrame
        The table's rows whose target is no node of the matrix: ``document, local_goal, sdg_target, row``.
    table : pandas.DataFrame
        The checked styrdokument table.
    top_k : int
        The ``top_k`` asked for (``levers`` may hold more rows: ties at the edge).
    attrs : dict
        The matrix's provenance (title, citation, ...) and the table's ``table_name``, ``table_file``,
        ``table_invented``.
    """

    nodes: pd.DataFrame
    levers: pd.DataFrame
    conflicts: pd.DataFrame
    not_in_matrix: pd.DataFrame
    table: pd.DataFrame
    top_k: int
    attrs: dict = field(default_factory=dict)

    @property
    def covered(self) -> list[str]:
        """The nodes of the matrix that a decided goal covers, in matrix order."""
        return self.nodes.loc[self.nodes["covered"], "node"].tolist()

    @property
    def covered_levers(self) -> list[str]:
        """The strong levers that a decided goal covers, by rank."""
        return self.levers.loc[self.levers["covered"], "node"].tolist()

    @property
    def lever_gaps(self) -> list[str]:
        """The strong levers that no decided goal covers (the gaps), by rank."""
        return self.levers.loc[~self.levers["covered"], "node"].tolist()

    def conflicts_of(self, kind: str) -> pd.DataFrame:
        """The conflicts of one coverage class (:data:`CONFLICT_COVERAGE`), worst first."""
        if kind not in CONFLICT_COVERAGE:
            raise ValidationError(locate(tr("error.analysis.unknown_coverage"), value=kind,
                                         valid=", ".join(CONFLICT_COVERAGE)))
        return self.conflicts[self.conflicts["coverage"] == kind].reset_index(drop=True)


def _joined(values: pd.Series) -> str:
    return "; ".join(dict.fromkeys(v for v in values if v))


def coverage(obj: xr.DataArray | xr.Dataset, table: pd.DataFrame | str | os.PathLike, *, top_k: int = 5,
             aggregate: str = "mean") -> StyrdokumentCoverage:
    """Lay a kommun's styrdokument table over a matrix: covered nodes, levers and gaps, conflicts.

    Definitions (``T`` the table's targets, ``t_i`` the systemic score of
    :func:`~sdg_interactions.analysis.sdg_synergies`, ``a_ij`` the matrix):

    * ``covered_i`` = node i is in T: some decided local goal names it;
    * ``lever_i`` = ``rank_i ≤ top_k``, with ``rank`` by descending ``t`` and ties within
      1e-9 · max(1, |t|) sharing the best rank (1, 2, 2, 4), so every node tied at the edge is a
      lever and there may be more than ``top_k``; a lever that is not covered is a **gap**;
    * every conflict ``i → j`` (``a_ij < 0``, :func:`~sdg_interactions.analysis.conflicts`, worst
      first) gets a ``coverage`` class:

      - ``both``: ``covered_i`` and ``covered_j`` — a målkonflikt between decided goals: the kommun
        has decided goals that pull against each other;
      - ``source``: only ``covered_i`` — a decided goal hinders an undecided target (a risk no one
        watches);
      - ``target``: only ``covered_j`` — progress on an undecided target hinders a decided goal;
      - ``none``: neither — outside the decided goals.

    Targets of the table that are no node of the matrix are listed in ``not_in_matrix``, never an
    error.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix, or several respondents' answers (aggregated with ``aggregate`` first; their
        comments and shares come along with the conflicts).
    table : DataFrame, path or ``"exempel"``
        The styrdokument table, read and checked by
        :func:`~sdg_interactions.io.styrdokument.read_styrdokument`.
    top_k : int
        How many of the strongest levers to check: 1 … 2000 (:data:`sdg_interactions.ranges.COUNT`;
        more than the nodes makes every node a lever).
    aggregate : {"mean", "median", "trimmed"}
        How several respondents' answers are combined.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> t = pd.DataFrame({"document": ["Plan A", "Plan B", "Plan B"], "local_goal": ["mål 1", "mål 2", "mål 2"],
    ...                   "sdg_target": ["1.1", "1.3", "2.1"]})
    >>> c = coverage(toy_matrix(), t, top_k=2)  # systemic t = r + s = [0 + 5, 4 − 1, −1 − 0.5, 1 + 0]
    >>> c.levers[["node", "systemic", "rank", "covered"]]
      node  systemic  rank  covered
    0  1.1       5.0     1     True
    1  1.2       3.0     2    False
    >>> c.covered_levers, c.lever_gaps
    (['1.1'], ['1.2'])
    >>> c.conflicts[["source", "target", "score", "coverage"]]  # 1.1 and 1.3 decided; 1.4 not
      source target  score coverage
    0    1.1    1.3   -2.0     both
    1    1.3    1.4   -1.0   source
    >>> c.not_in_matrix[["document", "sdg_target", "row"]]
      document sdg_target  row
    0   Plan B        2.1    4
    """
    checked = read_styrdokument(table)
    matrix = single_matrix(obj, aggregate, what=tr("error.analysis.what_coverage"))
    ids = node_ids(matrix)
    top_k = check(top_k, "top_k", COUNT, high=SHOWN.high)  # more than the nodes: every node is a lever
    metrics = sdg_synergies(matrix)
    rank = metrics["rank"].to_numpy().astype(np.int64)
    in_matrix = checked["sdg_target"].isin(ids)
    by_node = checked[in_matrix].groupby("sdg_target", sort=False)
    documents = by_node["document"].agg(_joined)
    goals = by_node["local_goal"].agg(_joined)
    n_goals = by_node[["document", "local_goal"]].apply(lambda g: len(g.drop_duplicates()))
    labels = {}
    for lang in ("sv", "en"):
        key = f"label_{lang}"
        labels[key] = (metrics[key].to_numpy().astype(str) if key in metrics.coords
                       else node_info(ids)[key].to_numpy(dtype=str))
    nodes = pd.DataFrame({
        "node": ids, **labels,
        "systemic": metrics["systemic"].to_numpy().astype(float),
        "rank": rank,
        "lever": rank <= int(top_k),
        "covered": np.isin(ids, checked["sdg_target"].to_numpy()),
        "n_goals": [int(n_goals.get(i, 0)) for i in ids],
        "documents": [documents.get(i, "") for i in ids],
        "local_goals": [goals.get(i, "") for i in ids],
    }, columns=list(NODE_COLUMNS))
    levers = nodes[nodes["lever"]].assign(_key=lambda f: [node_sort_key(i) for i in f["node"]])
    levers = levers.sort_values(["rank", "_key"], kind="stable").drop(columns="_key").reset_index(drop=True)

    answers = obj if RESPONDENT in obj.dims else None
    found = conflict_list(matrix, respondents=answers) if answers is not None else conflict_list(
        obj if isinstance(obj, xr.Dataset) else matrix)
    covered = set(nodes.loc[nodes["covered"], "node"])
    source_covered = found["source"].isin(covered).to_numpy(dtype=bool)
    target_covered = found["target"].isin(covered).to_numpy(dtype=bool)
    kind = np.select([source_covered & target_covered, source_covered, target_covered], list(CONFLICT_COVERAGE[:3]),
                     default="none")
    found = found.assign(source_covered=source_covered, target_covered=target_covered, coverage=kind,
                         source_documents=found["source"].map(documents).fillna("").astype(str),
                         target_documents=found["target"].map(documents).fillna("").astype(str))

    outside = checked.loc[~in_matrix, ["document", "local_goal", "sdg_target", "row"]].reset_index(drop=True)
    attrs = {**matrix.attrs, "table_name": checked.attrs.get("name", ""),
             "table_file": checked.attrs.get("source_file", ""),
             "table_invented": bool(checked.attrs.get("invented", False))}
    return StyrdokumentCoverage(nodes=nodes, levers=levers, conflicts=found.reset_index(drop=True),
                                not_in_matrix=outside, table=checked, top_k=int(top_k), attrs=attrs)
