"""sdg_interactions: how the targets of Agenda 2030 help or hinder each other, for Swedish kommuner.

The package re-exports what a notebook user reaches for; the layers below hold the rest (see the
README's "Where things live"): base (``errors``, ``texts``, ``textfile``) < ``frameworks`` < ``matrix`` <
``io`` < ``analysis`` < ``plots`` < ``report`` < ``cli``, each importing only from those below it.
Heavy libraries (altair, papermill, nbconvert) are imported only by :mod:`sdg_interactions.plots` and
:mod:`sdg_interactions.report`, never by ``import sdg_interactions``.

Names are loaded when first used (:pep:`562`): ``import sdg_interactions`` itself loads only the errors and
the text catalogue, so a workshop participant's kernel, which needs the scoring app and not the analysis,
starts sooner; ``sdg_interactions.load_matrix`` (or ``from sdg_interactions import load_matrix``) loads
:mod:`sdg_interactions.io` then.
"""

import importlib
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
from sdg_interactions.texts import text

#: Where each re-exported name lives; loaded on first use.
_LAZY = {
    **dict.fromkeys(("all_metrics", "conflicts", "explain_portfolio", "portfolio", "scenario", "sdg_synergies",
                     "triggered_conflicts"), "sdg_interactions.analysis"),
    "cite": "sdg_interactions.citations",
    **dict.fromkeys(("bundled_matrices", "find_kommun", "folkhalsomal", "goals", "kommuner", "lan", "miljomal",
                     "node_info", "register_from_table", "targets"), "sdg_interactions.frameworks"),
    **dict.fromkeys(("load_dataset", "load_matrix", "read_matrix", "write_matrix", "write_template"),
                    "sdg_interactions.io"),
    **dict.fromkeys(("aggregate", "from_array", "from_graph", "from_long", "from_wide", "to_graph", "to_long",
                     "to_wide", "toy_matrix", "validate"), "sdg_interactions.matrix"),
}
#: The layers, reachable as attributes (``sdg_interactions.analysis``) as after an eager import.
_SUBPACKAGES = ("analysis", "apps", "citations", "cli", "errors", "formats", "frameworks", "glossary", "io", "matrix",
                "plots", "ranges", "report", "textfile", "texts")

try:
    __version__ = version("sdg_interactions")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"


def __getattr__(name: str):
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
    elif name in _SUBPACKAGES:
        value = importlib.import_module(f"{__name__}.{name}")
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__, *_SUBPACKAGES})


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
