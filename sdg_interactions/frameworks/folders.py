"""Bundled folders of matrices: several matrices addressed by one name (one file each).

A folder holds one long CSV per kommun (or respondent); :func:`sdg_interactions.io.collection.load_collection`
reads it, by name, into one stack. The one bundled folder, ``synthetic_kommuner``, is a SYNTHETIC
example (five kommuner sharing the Sweden matrix with a few local departures, made by
``datasets/build_synthetic.py``): never real answers, and its metadata says so.
"""

from __future__ import annotations

import pandas as pd

from sdg_interactions import errors
from sdg_interactions.errors import locate, tr
from sdg_interactions.frameworks.catalogues import datasets_dir

__all__ = ["FOLDER_SUFFIXES", "bundled_folder", "bundled_folders"]

#: The files of a folder that are matrices (anything else in it is ignored).
FOLDER_SUFFIXES = (".csv", ".xlsx", ".nc", ".graphml")

_SWEDEN = ("Weitz, N., Carlsen, H., Nilsson, M. & Skånberg, K. (2018), Sustainability Science 13:531–548, "
           "doi:10.1007/s11625-017-0470-0")

#: name -> metadata of each bundled folder (the folder lies under ``datasets/matrices/``).
_FOLDERS: dict[str, dict[str, object]] = {
    "synthetic_kommuner": {
        "folder": "synthetic_kommuner",
        "framework": "sdg_target",
        "dim": "kommun",
        "title_sv": "SYNTETISKT EXEMPEL: fem kommuner med ett gemensamt program och lokala skillnader – "
                    "inga verkliga bedömningar",
        "title_en": "SYNTHETIC EXAMPLE: five kommuner sharing one programme with local differences – "
                    "no real scores",
        "scored_by_sv": "ingen – Sverigematrisen (Weitz m.fl. 2018) med några påhittade lokala avvikelser "
                        "per kommun (datasets/build_synthetic.py)",
        "scored_by_en": "nobody – the Sweden matrix (Weitz et al. 2018) with a few invented local departures "
                        "per kommun (datasets/build_synthetic.py)",
        "citation": f"SYNTHETIC EXAMPLE, no real scores: computed by datasets/build_synthetic.py from the Sweden "
                    f"matrix of {_SWEDEN}",
        "note": "SYNTHETIC: never present these as a kommun's scores. The kommuner are real names used as "
                "labels only; each departure says why in its comment. See datasets/matrices/SYNTHETIC.md.",
        "synthetic": 1,
    },
}


def bundled_folders() -> pd.DataFrame:
    """The bundled folders of matrices, one row each.

    Returns
    -------
    pandas.DataFrame
        Columns ``name``, ``folder``, ``framework``, ``dim`` (the dim their files stack on), ``title_sv``,
        ``title_en``, ``scored_by_sv``, ``scored_by_en``, ``citation``, ``note``, ``synthetic`` (1 for made-up
        data), ``files`` (the matrix files' names, sorted) and ``path`` (a :class:`pathlib.Path`).

    See Also
    --------
    bundled_folder : One row of this table, by name.
    sdg_interactions.io.collection.load_collection : Reads a folder, by name, into one stack.
    bundled_matrices : The bundled single matrices.

    Examples
    --------
    >>> table = bundled_folders()
    >>> table["name"].tolist(), table.loc[0, "files"][:2], int(table.loc[0, "synthetic"])
    (['synthetic_kommuner'], ['0180_stockholm.csv', '1280_malmo.csv'], 1)
    """
    rows = []
    for name, info in _FOLDERS.items():
        path = datasets_dir() / "matrices" / str(info["folder"])
        files = sorted(p.name for p in path.iterdir() if p.suffix.lower() in FOLDER_SUFFIXES
                       and not p.name.startswith((".", "~$"))) if path.is_dir() else []
        rows.append({"name": name, **info, "files": files, "path": path})
    return pd.DataFrame(rows)


def bundled_folder(name: str) -> dict:
    """Metadata and path of one bundled folder, by name (the columns of :func:`bundled_folders`).

    Parameters
    ----------
    name : str
        A name in the ``name`` column of :func:`bundled_folders` (``"synthetic_kommuner"``).

    Returns
    -------
    dict
        The columns of :func:`bundled_folders` (``path`` a :class:`pathlib.Path`, ``files`` a list).

    Raises
    ------
    sdg_interactions.errors.UnknownDatasetError
        For an unknown name; the message lists the valid ones.

    See Also
    --------
    bundled_folders : Every bundled folder.
    bundled_matrix : The same for one bundled matrix.

    Examples
    --------
    >>> info = bundled_folder("synthetic_kommuner")
    >>> info["path"].name, len(info["files"]), info["title_en"][:18]
    ('synthetic_kommuner', 5, 'SYNTHETIC EXAMPLE:')
    """
    table = bundled_folders()
    hits = table[table["name"] == name] if isinstance(name, str) else table.iloc[:0]
    if hits.empty:
        raise errors.UnknownDatasetError(locate(tr("error.apps.frameworks.no_folder"), value=name,
                                                valid=", ".join(table["name"])))
    return hits.iloc[0].to_dict()
