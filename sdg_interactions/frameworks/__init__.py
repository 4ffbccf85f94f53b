"""Goal frameworks and what is bundled: the Framework registry, node ids, catalogues, kommuner, matrices.

* :mod:`~sdg_interactions.frameworks.registry`: the :class:`Framework` records.
* :mod:`~sdg_interactions.frameworks.node_ids`: every question about a node id (framework, natural
  order, labels, group, layer).
* :mod:`~sdg_interactions.frameworks.user_tables`: :func:`register_from_table` adds a kommun's own goals
  from a table.
* :mod:`~sdg_interactions.frameworks.catalogues`: the bundled tables (SDG goals and targets in sv and en,
  miljömål, folkhälsomål, Mongolia's objectives, kommuner, län), read from ``datasets/``, whose README
  names the source and licence of every file.
* :mod:`~sdg_interactions.frameworks.kommun_lookup`: :func:`find_kommun`.
* :mod:`~sdg_interactions.frameworks.bundled`: the catalogue of bundled interaction matrices.

Examples
--------
>>> find_kommun("falkoping")["kommunkod"]
'1499'
"""

from sdg_interactions.frameworks.bundled import DEFAULT_MATRIX, bundled_matrices, bundled_matrix
from sdg_interactions.frameworks.catalogues import (
    datasets_dir,
    folkhalsomal,
    goals,
    kommuner,
    lan,
    miljomal,
    mongolia_objectives,
    targets,
)
from sdg_interactions.frameworks.folders import FOLDER_SUFFIXES, bundled_folder, bundled_folders
from sdg_interactions.frameworks.kolada import (
    KoladaClient,
    KoladaError,
    kolada_ids,
    kpi_catalog,
    target_kpis,
)
from sdg_interactions.frameworks.kommun_lookup import find_kommun
from sdg_interactions.frameworks.linkages import BUNDLED_LINKAGES, LINKAGE_COLUMNS, check_linkage, linkage
from sdg_interactions.frameworks.node_ids import (
    NODE_ID_FORMS,
    check_node_id,
    framework_of,
    group_node,
    id_forms_words,
    is_node_id,
    node_info,
    node_sort_key,
)
from sdg_interactions.frameworks.registry import NODE_COLUMNS, Framework, framework, frameworks, register, unregister
from sdg_interactions.frameworks.user_tables import TABLE_COLUMNS, register_from_table

__all__ = [
    "BUNDLED_LINKAGES",
    "DEFAULT_MATRIX",
    "FOLDER_SUFFIXES",
    "LINKAGE_COLUMNS",
    "NODE_COLUMNS",
    "NODE_ID_FORMS",
    "TABLE_COLUMNS",
    "Framework",
    "KoladaClient",
    "KoladaError",
    "bundled_folder",
    "bundled_folders",
    "bundled_matrices",
    "bundled_matrix",
    "check_linkage",
    "check_node_id",
    "datasets_dir",
    "find_kommun",
    "folkhalsomal",
    "framework",
    "framework_of",
    "frameworks",
    "goals",
    "group_node",
    "id_forms_words",
    "is_node_id",
    "kolada_ids",
    "kommuner",
    "kpi_catalog",
    "lan",
    "linkage",
    "miljomal",
    "mongolia_objectives",
    "node_info",
    "node_sort_key",
    "register",
    "register_from_table",
    "target_kpis",
    "targets",
    "unregister",
]
