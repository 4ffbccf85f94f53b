"""sdg_interactions: how the targets of Agenda 2030 help or hinder each other, for Swedish kommuner.

The package re-exports what a notebook user reaches for; the layers below hold the rest (see the
README's "Where things live"): base (``errors``, ``texts``, ``textfile``) < ``frameworks`` < ``matrix`` <
``io`` < ``analysis`` < ``plots`` < ``report`` < ``cli``, each importing only from those below it.
Heavy libraries (altair, papermill, nbconvert) are imported only by :mod:`sdg_interactions.plots` and
:mod:`sdg_interactions.report`, never by ``import sdg_interactions``.
"""

from importlib.metadata import PackageNotFoundError, version

from sdg_interactions.analysis import (
    all_metrics,
    conflicts,
    explain_portfolio,
    portfolio,
    scenario,
    sdg_synergies,
    triggered_conflicts,
)
from sdg_interactions.citations import cite
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
    register_from_table,
    targets,
)
from sdg_interactions.io import load_dataset, load_matrix, read_matrix, write_matrix, write_template
from sdg_interactions.matrix import (
    aggregate,
    from_array,
    from_graph,
    from_long,
    from_wide,
    to_graph,
    to_long,
    to_wide,
    toy_matrix,
    validate,
)
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
    "all_metrics",
    "bundled_matrices",
    "cite",
    "conflicts",
    "explain_portfolio",
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
    "portfolio",
    "read_matrix",
    "register_from_table",
    "scenario",
    "sdg_synergies",
    "targets",
    "text",
    "to_graph",
    "to_long",
    "to_wide",
    "toy_matrix",
    "triggered_conflicts",
    "validate",
    "write_matrix",
    "write_template",
]
