"""sdg_interactions: how the targets of Agenda 2030 help or hinder each other, for Swedish kommuner.

The package re-exports the public functions of its modules; see the README for the data model.
Heavy libraries (altair, ipywidgets, papermill) are imported only by the modules that need them
(:mod:`sdg_interactions.plots`, :mod:`sdg_interactions.widgets`, :mod:`sdg_interactions.report`).
"""

from importlib.metadata import PackageNotFoundError, version

from sdg_interactions.errors import (
    InputFormatError,
    SdgInteractionsError,
    SdgInteractionsWarning,
    UnknownDatasetError,
    UnknownIdError,
    UnknownKommunError,
    ValidationError,
)
from sdg_interactions.frameworks import (
    bundled_matrices,
    find_kommun,
    folkhalsomal,
    goals,
    kommuner,
    lan,
    miljomal,
    node_info,
    targets,
)
from sdg_interactions.graph import from_graph, to_graph
from sdg_interactions.io import load_dataset, load_matrix, read_matrix, write_matrix
from sdg_interactions.matrix import aggregate, from_array, to_long, to_wide, validate
from sdg_interactions.metrics import sdg_synergies
from sdg_interactions.tables import from_long, from_wide
from sdg_interactions.texts import text

try:
    __version__ = version("sdg_interactions")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = [
    "InputFormatError",
    "SdgInteractionsError",
    "SdgInteractionsWarning",
    "UnknownDatasetError",
    "UnknownIdError",
    "UnknownKommunError",
    "ValidationError",
    "__version__",
    "aggregate",
    "bundled_matrices",
    "find_kommun",
    "folkhalsomal",
    "from_array",
    "from_graph",
    "from_long",
    "from_wide",
    "goals",
    "kommuner",
    "lan",
    "load_dataset",
    "load_matrix",
    "miljomal",
    "node_info",
    "read_matrix",
    "sdg_synergies",
    "targets",
    "text",
    "to_graph",
    "to_long",
    "to_wide",
    "validate",
    "write_matrix",
]
