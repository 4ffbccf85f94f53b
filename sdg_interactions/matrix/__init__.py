"""The matrix data model and its one validator; building from tables, arrays and graphs; aggregation.

* :mod:`~sdg_interactions.matrix.model`: the dims and constants (:data:`DIMS`, :data:`MAX_NODES`, ...),
  :func:`as_matrix`, :func:`require_single`, :func:`build_dataset`.
* :mod:`~sdg_interactions.matrix.validation`: the rules (:func:`validate`, :func:`score_problems`,
  :func:`check_id`, :func:`check_size`).
* :mod:`~sdg_interactions.matrix.conversions`: :func:`from_array`, :func:`to_long`, :func:`to_wide`,
  :func:`node_table`, :func:`toy_matrix`.
* :mod:`~sdg_interactions.matrix.tables`: :func:`from_long`, :func:`from_wide` (errors name file, row,
  column); :mod:`~sdg_interactions.matrix.parsing`: :func:`parse_scores`, :func:`parse_uncertain` (cells).
* :mod:`~sdg_interactions.matrix.graph`: :func:`to_graph`, :func:`from_graph` (networkx, lossless).
* :mod:`~sdg_interactions.matrix.aggregation`: :func:`aggregate` several respondents into one matrix.

See the README's "Data model" section.
"""

from sdg_interactions.matrix.aggregation import AGGREGATIONS, aggregate, combine_answers, single_matrix
from sdg_interactions.matrix.conversions import (
    from_array,
    node_table,
    to_long,
    to_wide,
    toy_matrix,
    with_node_labels,
)
from sdg_interactions.matrix.graph import from_graph, plain_value, to_graph
from sdg_interactions.matrix.model import (
    DIMS,
    FALSE_WORDS,
    MAX_CELLS,
    MAX_ID_LENGTH,
    MAX_NODES,
    NODE,
    NODE_FIELDS,
    RESPONDENT,
    SCORE_RANGE,
    TRUE_WORDS,
    VALID_AGGREGATED,
    VALID_RAW,
    as_matrix,
    build_dataset,
    node_coords,
    node_ids,
    require_single,
)
from sdg_interactions.matrix.parsing import parse_scores, parse_uncertain
from sdg_interactions.matrix.tables import column_letter, from_long, from_wide
from sdg_interactions.matrix.validation import check_id, check_size, is_aggregated, score_problems, validate

__all__ = [
    "AGGREGATIONS",
    "DIMS",
    "FALSE_WORDS",
    "MAX_CELLS",
    "MAX_ID_LENGTH",
    "MAX_NODES",
    "NODE",
    "NODE_FIELDS",
    "RESPONDENT",
    "SCORE_RANGE",
    "TRUE_WORDS",
    "VALID_AGGREGATED",
    "VALID_RAW",
    "aggregate",
    "as_matrix",
    "build_dataset",
    "check_id",
    "check_size",
    "column_letter",
    "combine_answers",
    "from_array",
    "from_graph",
    "from_long",
    "from_wide",
    "is_aggregated",
    "node_coords",
    "node_ids",
    "node_table",
    "parse_scores",
    "parse_uncertain",
    "plain_value",
    "require_single",
    "score_problems",
    "single_matrix",
    "to_graph",
    "to_long",
    "to_wide",
    "toy_matrix",
    "validate",
    "with_node_labels",
]
