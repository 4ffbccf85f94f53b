"""Reading and writing interaction matrices: one reader, one writer, bundled data sets by name.

:func:`read_matrix` picks the format from the file's extension (``.csv`` long or wide, told apart by
the header; ``.nc`` NetCDF) or, for a file without a known extension, from its first bytes.
:func:`write_matrix` picks it from the extension or ``format=``. :func:`load_dataset` and
:func:`load_matrix` take a bundled data set's name (see
:func:`~sdg_interactions.frameworks.bundled_matrices`) or a path.

Formats live in two registries that other modules extend: :data:`READERS` and :data:`WRITERS` map a
format name to a function ``reader(path, *, aggregated=None) -> Dataset`` or ``writer(obj, path)``, and
:data:`EXTENSIONS` maps a file extension to a format name (see :func:`register_format`).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from pathlib import Path

import xarray as xr

from sdg_interactions import frameworks, matrix
from sdg_interactions.errors import InputFormatError, UnknownDatasetError, Words, locate, tr
from sdg_interactions.io.csvfile import (
    read_csv,
    read_long_csv,
    read_wide_csv,
    write_long_csv,
    write_table_csv,
    write_wide_csv,
)
from sdg_interactions.io.graphfile import read_graphml, write_gexf, write_graphml
from sdg_interactions.io.netcdf import NETCDF_SIGNATURES, read_netcdf, write_netcdf
from sdg_interactions.io.workbooks import read_excel, write_excel, write_results_excel, write_template
from sdg_interactions.textfile import check_input_file

__all__ = [
    "EXTENSIONS",
    "READERS",
    "SIGNATURES",
    "WRITERS",
    "load_dataset",
    "load_matrix",
    "nodes_from",
    "read_csv",
    "read_excel",
    "read_graphml",
    "read_long_csv",
    "read_matrix",
    "read_netcdf",
    "read_wide_csv",
    "register_format",
    "write_excel",
    "write_gexf",
    "write_graphml",
    "write_long_csv",
    "write_matrix",
    "write_netcdf",
    "write_results_excel",
    "write_table_csv",
    "write_template",
    "write_wide_csv",
]

#: Format name -> reader ``f(path, *, aggregated=None) -> xarray.Dataset``.
READERS: dict[str, Callable[..., xr.Dataset]] = {
    "csv": read_csv,
    "long_csv": read_long_csv,
    "wide_csv": read_wide_csv,
    "netcdf": read_netcdf,
}
#: Format name -> writer ``f(obj, path) -> None``. ``"csv"`` writes the long layout.
WRITERS: dict[str, Callable[..., None]] = {
    "csv": write_long_csv,
    "long_csv": write_long_csv,
    "wide_csv": write_wide_csv,
    "netcdf": write_netcdf,
}
#: File extension (lower case, with the dot) -> format name.
EXTENSIONS: dict[str, str] = {".csv": "csv", ".txt": "csv", ".nc": "netcdf", ".nc4": "netcdf"}
#: First bytes of a file -> format name, for files without an extension (anything else is read as CSV).
SIGNATURES: dict[bytes, str] = {magic: "netcdf" for magic in NETCDF_SIGNATURES}


def register_format(
    name: str,
    *,
    extensions: tuple[str, ...] = (),
    reader: Callable[..., xr.Dataset] | None = None,
    writer: Callable[..., None] | None = None,
    signatures: tuple[bytes, ...] = (),
) -> None:
    """Add a file format to :data:`READERS`, :data:`WRITERS`, :data:`EXTENSIONS` and :data:`SIGNATURES`.

    A reader is called as ``reader(path, aggregated=None)`` and returns a matrix Dataset; a writer as
    ``writer(obj, path)``. ``signatures`` are first bytes that identify the format in a file without an
    extension.

    Parameters
    ----------
    name : str
        The format's name, the key of :data:`READERS` and :data:`WRITERS` (``"excel"``, ``"graphml"``).
    extensions : tuple of str, optional
        File extensions with the dot (``(".xlsx",)``) that mean this format; stored in lower case.
    reader : callable, optional
        ``reader(path, *, aggregated=None) -> xarray.Dataset``; None leaves the format unreadable.
    writer : callable, optional
        ``writer(obj, path) -> None``; None leaves the format unwritable.
    signatures : tuple of bytes, optional
        First bytes of a file of this format (``b"PK\\x03\\x04"`` for ``.xlsx``), for a file without an
        extension.

    See Also
    --------
    read_matrix : Reads a file with the reader its extension or first bytes name.
    write_matrix : Writes a file with the writer its extension or ``format=`` names.

    Examples
    --------
    >>> register_format("csv", extensions=(".csv",), reader=read_csv, writer=write_long_csv)
    >>> EXTENSIONS[".csv"], READERS["csv"] is read_csv
    ('csv', True)
    """
    if reader is not None:
        READERS[name] = reader
    if writer is not None:
        WRITERS[name] = writer
    for extension in extensions:
        EXTENSIONS[extension.lower()] = name
    for magic in signatures:
        SIGNATURES[magic] = name


register_format("excel", extensions=(".xlsx",), reader=read_excel, writer=write_excel, signatures=(b"PK\x03\x04",))
register_format("graphml", extensions=(".graphml",), reader=read_graphml, writer=write_graphml)
register_format("gexf", extensions=(".gexf",), writer=write_gexf)


def _supported(registry: dict) -> Words:
    extensions = sorted(ext for ext, fmt in EXTENSIONS.items() if fmt in registry)
    return tr("error.data.supported", extensions=", ".join(extensions), formats=", ".join(sorted(registry)))


def _format_of(path: Path, format: str | None, registry: dict, *, sniff: bool) -> str:
    name = os.fspath(path)
    if format is not None:
        key = EXTENSIONS.get(format.lower(), format) if format.startswith(".") else format
        if key not in registry:
            raise InputFormatError(locate(tr("error.unknown_format"), file=name, value=format,
                                          valid=_supported(registry)))
        return key
    suffix = path.suffix.lower()
    if suffix in EXTENSIONS and EXTENSIONS[suffix] in registry:
        return EXTENSIONS[suffix]
    if suffix:
        raise InputFormatError(locate(tr("error.unknown_file_type", suffix=repr(suffix)), file=name,
                                      valid=_supported(registry)))
    if not sniff:  # a writer without an extension to go by
        raise InputFormatError(locate(tr("error.no_extension"),
                                      file=name, valid=_supported(registry)))
    # a FIFO or device is refused before it is opened
    check_input_file(path, limit=2**63, valid=tr("error.valid_matrix_file"))
    with open(path, "rb") as handle:
        head = handle.read(16)
    known = (fmt for magic, fmt in SIGNATURES.items() if head.startswith(magic) and fmt in registry)
    return next(known, "csv")


def read_matrix(
    path: str | os.PathLike, *, format: str | None = None, aggregated: bool | None = None
) -> xr.Dataset:
    """Read a matrix Dataset from a file of any supported format.

    Parameters
    ----------
    path : str or path-like
        The file. Its format comes from ``format``, else its extension (``.csv``: long or wide, told
        apart by the header; ``.nc``: NetCDF), else, for a name without an extension, its content.
    format : str, optional
        A key of :data:`READERS` (``"csv"``, ``"long_csv"``, ``"wide_csv"``, ``"netcdf"``) or an
        extension such as ``".nc"``.
    aggregated : bool, optional
        CSV: True reads aggregated floats; by default scores must be whole numbers -3…3. NetCDF: the
        file says which it holds; True or False overrides it.

    Returns
    -------
    xarray.Dataset
        ``score``, ``comment`` and ``uncertain`` on ``([respondent,] source, target)``;
        ``attrs["source_file"]`` is the path.

    See Also
    --------
    write_matrix : Writes a matrix in any supported format.
    load_dataset : Also takes a bundled data set's name.
    register_format : Adds a format to the ones read here.

    Examples
    --------
    >>> import tempfile
    >>> p = Path(tempfile.mkdtemp()) / "m.csv"
    >>> _ = p.write_text("source,target,score\\n1.1,1.2,2\\n1.2,1.1,0\\n", "utf-8")
    >>> read_matrix(p)["score"].values.tolist()
    [[nan, 2.0], [0.0, nan]]
    """
    path = Path(path)
    if not path.exists():
        raise InputFormatError(locate(tr("error.no_such_file"), file=os.fspath(path),
                                      valid=tr("error.valid_existing_file")))
    key = _format_of(path, format, READERS, sniff=True)
    return READERS[key](path, aggregated=aggregated)


def write_matrix(
    obj: xr.Dataset | xr.DataArray, path: str | os.PathLike, *, format: str | None = None
) -> None:
    """Write a matrix to a file; the format comes from ``format`` or the extension.

    ``.csv`` writes the long layout (``format="wide_csv"`` the wide one, scores only); ``.nc`` NetCDF,
    the lossless native format.

    Parameters
    ----------
    obj : xarray.Dataset or xarray.DataArray
        The matrix: a Dataset (scores, comments, uncertain marks) or its ``score`` DataArray.
    path : str or path-like
        The file to write; its extension names the format unless ``format`` does.
    format : str, optional
        A key of :data:`WRITERS` (``"csv"``, ``"long_csv"``, ``"wide_csv"``, ``"netcdf"``, ``"excel"``,
        ``"graphml"``, ``"gexf"``) or an extension such as ``".nc"``.

    See Also
    --------
    read_matrix : Reads the file back.
    register_format : Adds a format to the ones written here.

    Examples
    --------
    >>> import tempfile
    >>> from sdg_interactions.matrix import from_array
    >>> import numpy as np
    >>> p = Path(tempfile.mkdtemp()) / "m.nc"
    >>> write_matrix(from_array(np.array([[np.nan, 2], [0, np.nan]]), ["1.1", "1.2"]), p)
    >>> read_matrix(p)["score"].values.tolist()
    [[nan, 2.0], [0.0, nan]]
    """
    key = _format_of(Path(path), format, WRITERS, sniff=False)
    WRITERS[key](obj, path)


def load_dataset(name_or_path: str | os.PathLike, *, aggregated: bool | None = None) -> xr.Dataset:
    """Load a matrix Dataset: a bundled data set by name, or a file by path.

    A bundled data set's attrs carry its ``name``, ``title_sv``, ``title_en``, ``scored_by_sv``,
    ``scored_by_en``, ``citation``, ``doi``, ``licence``, ``note`` and ``source``; a file's carry
    ``source_file``.

    Parameters
    ----------
    name_or_path : str or path-like
        A name of :func:`~sdg_interactions.frameworks.bundled_matrices` (``"weitz2018_sweden"``), else
        the path of a file in any format :func:`read_matrix` reads. A file of a bundled folder (the
        synthetic kommuner) keeps the folder's title and synthetic mark.
    aggregated : bool, optional
        Passed on to :func:`read_matrix`: True reads a CSV file of aggregated floats.

    Returns
    -------
    xarray.Dataset
        ``score``, ``comment`` and ``uncertain`` on ``([respondent,] source, target)`` with the
        provenance attrs above.

    Raises
    ------
    sdg_interactions.errors.UnknownDatasetError
        For a string that is neither a bundled name nor an existing file; the message lists the
        bundled names (and the closest ones).

    See Also
    --------
    load_matrix : The scores alone, several respondents aggregated.
    read_matrix : Reads a file by path only.
    sdg_interactions.frameworks.bundled_matrices : The bundled data sets and their provenance.

    Examples
    --------
    >>> ds = load_dataset("weitz2018_sweden")
    >>> ds.sizes["source"], int(ds["score"].notnull().sum()), ds.attrs["name"]
    (34, 1122, 'weitz2018_sweden')
    """
    if isinstance(name_or_path, str):
        names = frameworks.bundled_matrices()["name"].tolist()
        if name_or_path in names:
            return _bundled(name_or_path)
        if not Path(name_or_path).exists():
            close = difflib.get_close_matches(name_or_path, names, n=3)
            hint = tr("error.no_dataset_hint", names=tr("error.or").join(close)) if close else ""
            raise UnknownDatasetError(locate(tr("error.no_dataset") + hint, value=name_or_path,
                                             valid=tr("error.valid_dataset", names=", ".join(names))))
    ds = read_matrix(name_or_path, aggregated=aggregated)
    ds.attrs.update(_bundled_folder_attrs(Path(name_or_path)))
    return ds


def _bundled_folder_attrs(path: Path) -> dict:
    """The provenance of a bundled folder (e.g. the synthetic kommuner) for one of its files; {} otherwise,
    so a file taken from such a folder never loses its title or its synthetic mark."""
    folders = frameworks.bundled_folders()
    for info in folders.to_dict("records"):
        if path.resolve().parent == Path(info["path"]).resolve():
            attrs = {k: info[k] for k in ("title_sv", "title_en", "scored_by_sv", "scored_by_en", "citation",
                                          "note") if isinstance(info.get(k), str) and info[k]}
            if str(info.get("synthetic", "")).strip() in ("1", "1.0", "True"):
                attrs["synthetic"] = 1
            return attrs
    return {}


def nodes_from(spec: str | os.PathLike) -> list[str]:
    """The node ids a workshop or template is about, from one command-line style value.

    The ids come back checked and in natural order, each once.

    Parameters
    ----------
    spec : str or path-like
        A bundled matrix name (its nodes: ``"weitz2018_sweden"`` gives the 34 targets of SEI's Sweden
        case), the path of a matrix file in any readable format (its nodes), or node ids separated by
        commas (``"11.6,7.2,MKM-1"``).

    Returns
    -------
    list of str
        The node ids, canonical (:func:`~sdg_interactions.frameworks.check_node_id`) and sorted by
        :func:`~sdg_interactions.frameworks.node_sort_key`.

    Raises
    ------
    sdg_interactions.errors.UnknownDatasetError
        For a list of fewer than two ids.

    See Also
    --------
    write_template : Writes the scoring template for these nodes.
    load_dataset : Loads the matrix a name or path stands for.

    Examples
    --------
    >>> nodes_from("weitz2018_sweden")[:4], len(nodes_from("weitz2018_sweden"))
    (['1.3', '1.5', '2.2', '2.4'], 34)
    >>> nodes_from(" 7.2, 11.6 ,MKM-1")
    ['7.2', '11.6', 'MKM-1']
    """
    text = os.fspath(spec)
    names = frameworks.bundled_matrices()["name"].tolist()
    try:  # a long list of ids is no file name: too long for one, the check raises
        is_file = Path(text).is_file()
    except (OSError, ValueError):
        is_file = False
    if text in names or is_file:
        return matrix.node_ids(load_dataset(text))
    ids = [matrix.check_id(part, column="nodes") for part in text.split(",") if part.strip()]
    if len(ids) < 2:
        raise UnknownDatasetError(locate(tr("error.two_nodes"), value=text,
                                         valid=tr("error.valid_nodes", names=", ".join(names))))
    return sorted(dict.fromkeys(ids), key=frameworks.node_sort_key)


_BUNDLED_ATTRS = ("name", "title_sv", "title_en", "scored_by_sv", "scored_by_en", "citation", "doi",
                  "licence", "note")


def _bundled(name: str) -> xr.Dataset:
    info = frameworks.bundled_matrix(name)
    ds = read_long_csv(info["path"])
    ds.attrs.pop("source_file", None)
    for key in _BUNDLED_ATTRS:
        value = info.get(key)
        if isinstance(value, str) and value:
            ds.attrs[key] = value
    if str(info.get("synthetic", "")).strip() in ("1", "1.0"):
        ds.attrs["synthetic"] = 1  # computed demo data: every chart and report says so
    ds.attrs["source"] = f"bundled with sdg_interactions: datasets/matrices/{info['file']}"
    return ds


def load_matrix(
    name_or_path: str | os.PathLike, *, combine: str = "mean", aggregated: bool | None = None
) -> xr.DataArray:
    """Load a matrix's scores: a bundled name or a path; several respondents are aggregated.

    Parameters
    ----------
    name_or_path : str or path-like
        As for :func:`load_dataset`.
    combine : {"mean", "median", "trimmed"}
        How several respondents' answers are combined (see :func:`~sdg_interactions.matrix.aggregate`).
    aggregated : bool, optional
        Passed on to :func:`read_matrix`: True reads a CSV file of aggregated floats.

    Returns
    -------
    xarray.DataArray
        ``score`` on ``(source, target)`` with the Dataset's attrs (provenance) and node coordinates.

    See Also
    --------
    load_dataset : The whole Dataset, respondents, comments and uncertain marks kept.
    sdg_interactions.matrix.aggregate : How several respondents' answers become one matrix.

    Examples
    --------
    >>> da = load_matrix("mongolia2017")
    >>> da.dims, float(da.sel(source="MN-16").sum())
    (('source', 'target'), 31.0)
    """
    ds = load_dataset(name_or_path, aggregated=aggregated)
    return matrix.single_matrix(ds, combine, what="load_matrix").copy()
