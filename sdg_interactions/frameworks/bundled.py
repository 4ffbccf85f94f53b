"""The catalogue of bundled interaction matrices, and the bundled demo kommun's framework they use.

The mixed demo matrix (``mixed_demo``: SDG targets, miljömål, folkhälsomål and the goals of the invented
kommun *Exempelby*) needs Exempelby's goals (``EXB-1`` … ``EXB-4``, from
``datasets/frameworks/exempelby_mal.csv``) in the framework registry: they are registered as a bundled
framework ``"exempelby"`` when first asked for — an ``EXB-`` id is read, or ``framework("exempelby")`` is called
(:func:`~sdg_interactions.frameworks.registry.register_on_demand`) — so the demo has labels and groups however it
is loaded (by name or by path), and no error names the invented kommun's goals before anyone uses them.
"""

from __future__ import annotations

import pandas as pd

from sdg_interactions import errors
from sdg_interactions.errors import locate, tr
from sdg_interactions.frameworks import registry, user_tables
from sdg_interactions.frameworks.catalogues import bundled_table, datasets_dir

__all__ = ["DEFAULT_MATRIX", "DEMO_FRAMEWORK", "bundled_matrices", "bundled_matrix"]

#: The matrix every command and report uses unless told otherwise: SEI's national example for Sweden.
DEFAULT_MATRIX = "weitz2018_sweden"
#: The bundled table of the invented demo kommun Exempelby's goals (``EXB-1`` … ``EXB-4``).
DEMO_FRAMEWORK = "frameworks/exempelby_mal.csv"


def _demo_nodes() -> pd.DataFrame:
    return user_tables.nodes_from_table(datasets_dir() / DEMO_FRAMEWORK)[1]


registry.register_on_demand("exempelby", "EXB", lambda: registry.Framework(
    "exempelby", "EXB", 5, "Exempelbys mål (DEMO, påhittad kommun)", "Exempelby's goals (DEMO, invented kommun)",
    _demo_nodes, "{group}", f"DEMO, invented: datasets/{DEMO_FRAMEWORK}"))


# --- bundled matrices ---------------------------------------------------------------------------


def bundled_matrices() -> pd.DataFrame:
    """The catalogue of bundled interaction matrices, one row each.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``file``, ``framework``, ``n_nodes``, ``n_pairs``, ``title_sv``, ``title_en``,
        ``scored_by_sv``, ``scored_by_en``, ``citation``, ``doi``, ``licence``, ``note`` and ``path`` (a
        :class:`pathlib.Path` to the long CSV: ``source,target,score,comment``).

    See Also
    --------
    bundled_matrix : One row of this table, by name.
    sdg_interactions.io.load_dataset : Loads a bundled matrix by its name.
    bundled_folders : The bundled folders of several matrices.

    Examples
    --------
    >>> bundled_matrices()["name"].tolist()[:3]
    ['weitz2018_sweden', 'mongolia2017', 'synthetic_respondents']
    """
    table = bundled_table("matrices/catalogue.csv").copy()
    table["n_nodes"] = table["n_nodes"].astype(int)
    table["n_pairs"] = table["n_pairs"].astype(int)
    table["path"] = [datasets_dir() / "matrices" / f for f in table["file"]]
    return table


def bundled_matrix(name: str) -> dict:
    """Metadata and file path of one bundled matrix, by name.

    Parameters
    ----------
    name : str
        A name in the ``name`` column of :func:`bundled_matrices` (``"weitz2018_sweden"``).

    Returns
    -------
    dict
        The columns of :func:`bundled_matrices` (``path`` a :class:`pathlib.Path`).

    Raises
    ------
    sdg_interactions.errors.UnknownDatasetError
        For an unknown name; the message lists the valid ones.

    See Also
    --------
    bundled_matrices : Every bundled matrix.
    sdg_interactions.io.load_dataset : The matrix itself, with this metadata as attrs.

    Examples
    --------
    >>> info = bundled_matrix("weitz2018_sweden")
    >>> info["path"].name, info["n_pairs"], info["doi"]
    ('weitz2018_sweden.csv', 1122, '10.1007/s11625-017-0470-0')
    """
    table = bundled_matrices()
    hits = table[table["name"] == name] if isinstance(name, str) else table.iloc[:0]
    if hits.empty:
        raise errors.UnknownDatasetError(locate(tr("error.apps.frameworks.no_matrix"), value=name,
                                         valid=", ".join(table["name"])))
    return hits.iloc[0].to_dict()
