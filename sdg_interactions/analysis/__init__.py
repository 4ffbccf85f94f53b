"""Numbers from matrices: per-node metrics, influence, clusters, conflicts, roll-up, cells, scenarios.

Every function takes a matrix (a bundled or loaded :class:`xarray.DataArray` / :class:`xarray.Dataset`),
checks it at its entry and hands plain arrays to the helpers below it. Per-node results are Datasets on
a ``"node"`` dim (plus leading dims such as ``respondent``), with the node metadata and the matrix's
provenance. No module here draws, prints or writes.

=====================  =====================================================================
module                 what
=====================  =====================================================================
``_core``              ``A`` as an array, :func:`node_result`, ranks and the tie tolerance
``descriptions``       ``long_name``, ``units`` and ``formula`` attrs on every result variable (sv/en)
``synergies``          the SDG Synergies set (:func:`sdg_synergies`), link counts, two-step paths
``influence``          all-order total influence, sign flips, the influence–dependence plane
``micmac``             MICMAC: direct, indirect (Godet's matrix powers) and total planes, displacement
``clustering``         clusters of strong mutual support, with threshold, resolution and modularity
``null_model``         degree-preserving signed rewiring: do clusters and ranks stand out from chance?
``goal_conflicts``     the list of målkonflikter with comments
``rollup``             target-level matrices rolled up to goal pairs
``dimensions``         the four dimensions (biosfär, samhälle, ekonomi, partnerskap) rolled up, strongest flows
``nulage``             where a kommun stands (Kolada against riket or all kommuner) and the levers for what lags
``kpi_trends``         the Kolada follow-up table: latest value, least-squares trend, against län and Riket
``cells``              per-cell statistics of several respondents' answers
``scenarios``          priorities: direct and indirect effects, classes, triggered conflicts
``portfolios``         the k priorities that reach most
``robustness``         "diskutera igen", bootstrap rank intervals over respondents
``comparison``         several kommuner's matrices against their consensus
``projection``         per-target results projected onto miljömål / folkhälsomål (linkage table)
``styrdokument``       which levers and conflicts a kommun's decided goals cover
``summary``            :func:`all_metrics` and the table of ``sdg-interactions analyse --out``
=====================  =====================================================================
"""

from sdg_interactions.analysis._core import (
    ANALYSIS_COLUMNS,
    BEYOND_COLUMNS,
    CLEAR_STEP,
    PATHS_COLUMNS,
    PROVENANCE_ATTRS,
    SDG_SYNERGIES_COLUMNS,
    TIE_TOLERANCE,
    adjacency,
    at_least,
    clearly_hindering,
    clearly_promoting,
    node_result,
    rank_ascending,
    rank_descending,
    signed_sums,
    tied,
    to_table,
)
from sdg_interactions.analysis.cells import CELL_VARIABLES, CONTESTED_IQR, cell_statistics
from sdg_interactions.analysis.clustering import CLUSTER_THRESHOLD, clusters
from sdg_interactions.analysis.comparison import (
    COMPARISON_COLUMNS,
    DEPARTING_COLUMNS,
    compare_matrices,
    comparison_table,
    departing_cells,
)
from sdg_interactions.analysis.descriptions import describe
from sdg_interactions.analysis.dimensions import (
    DIMENSION_VARIABLES,
    DIMENSIONS,
    dimension_of,
    dimension_rollup,
    strongest_flows,
)
from sdg_interactions.analysis.goal_conflicts import conflicts
from sdg_interactions.analysis.influence import (
    DEFAULT_ALPHA,
    QUADRANTS,
    SENSITIVITY_ALPHAS,
    SIGN_TOLERANCE,
    alpha_sensitivity,
    check_alpha,
    influence_dependence,
    quadrant_codes,
    sign_flips,
    total_influence,
    total_influence_matrix,
    total_sums,
)
from sdg_interactions.analysis.kpi_trends import FOLLOW_UP_COLUMNS, follow_up
from sdg_interactions.analysis.micmac import micmac_displacement, micmac_planes, stable_power
from sdg_interactions.analysis.nulage import (
    COMPARE_TO,
    KPI_STANDING_COLUMNS,
    LEVER_COLUMNS,
    NODE_VARIABLES,
    STANDINGS,
    Standing,
    levers_for_what_lags,
    standing,
)
from sdg_interactions.analysis.null_model import cluster_significance, rewire
from sdg_interactions.analysis.portfolios import EXHAUSTIVE_LIMIT, Portfolio, explain_portfolio, portfolio
from sdg_interactions.analysis.projection import OBJECTIVE, PROJECTION_VARIABLES, project_onto
from sdg_interactions.analysis.robustness import (
    DISCUSS_COLUMNS,
    PERCENTILES,
    ROBUSTNESS_COLUMNS,
    discuss_again,
    rank_robustness,
    robustness_table,
)
from sdg_interactions.analysis.rollup import ROLLUPS, goal_rollup
from sdg_interactions.analysis.scenarios import (
    CLASSES,
    EFFECT_VARIABLES,
    check_priorities,
    classify,
    propagate,
    scenario,
    triggered_conflicts,
)
from sdg_interactions.analysis.summary import all_metrics, analysis_table
from sdg_interactions.analysis.synergies import link_counts, net_multiplier, sdg_synergies, two_step_paths

__all__ = [
    "ANALYSIS_COLUMNS",
    "BEYOND_COLUMNS",
    "CELL_VARIABLES",
    "CLASSES",
    "CLEAR_STEP",
    "CLUSTER_THRESHOLD",
    "COMPARE_TO",
    "COMPARISON_COLUMNS",
    "CONTESTED_IQR",
    "DEFAULT_ALPHA",
    "DEPARTING_COLUMNS",
    "DIMENSIONS",
    "DIMENSION_VARIABLES",
    "DISCUSS_COLUMNS",
    "EFFECT_VARIABLES",
    "EXHAUSTIVE_LIMIT",
    "FOLLOW_UP_COLUMNS",
    "KPI_STANDING_COLUMNS",
    "LEVER_COLUMNS",
    "NODE_VARIABLES",
    "OBJECTIVE",
    "PATHS_COLUMNS",
    "PERCENTILES",
    "PROJECTION_VARIABLES",
    "PROVENANCE_ATTRS",
    "QUADRANTS",
    "ROBUSTNESS_COLUMNS",
    "ROLLUPS",
    "SDG_SYNERGIES_COLUMNS",
    "SENSITIVITY_ALPHAS",
    "SIGN_TOLERANCE",
    "STANDINGS",
    "TIE_TOLERANCE",
    "Portfolio",
    "Standing",
    "adjacency",
    "all_metrics",
    "alpha_sensitivity",
    "analysis_table",
    "at_least",
    "cell_statistics",
    "check_alpha",
    "check_priorities",
    "classify",
    "clearly_hindering",
    "clearly_promoting",
    "cluster_significance",
    "clusters",
    "compare_matrices",
    "comparison_table",
    "conflicts",
    "departing_cells",
    "describe",
    "dimension_of",
    "dimension_rollup",
    "discuss_again",
    "explain_portfolio",
    "follow_up",
    "goal_rollup",
    "influence_dependence",
    "levers_for_what_lags",
    "link_counts",
    "micmac_displacement",
    "micmac_planes",
    "net_multiplier",
    "node_result",
    "portfolio",
    "project_onto",
    "propagate",
    "quadrant_codes",
    "rank_ascending",
    "rank_descending",
    "rank_robustness",
    "rewire",
    "robustness_table",
    "scenario",
    "sdg_synergies",
    "sign_flips",
    "signed_sums",
    "stable_power",
    "standing",
    "strongest_flows",
    "tied",
    "to_table",
    "total_influence",
    "total_influence_matrix",
    "total_sums",
    "triggered_conflicts",
    "two_step_paths",
]
