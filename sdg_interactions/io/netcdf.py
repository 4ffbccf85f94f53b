"""NetCDF: the lossless native format for a whole matrix Dataset.

A NetCDF file (netCDF-4, written with the ``netcdf4`` engine) keeps everything a Dataset holds: the
``score``, ``comment`` and ``uncertain`` variables, the respondent (or any other leading) dim, the node
metadata coordinates and the attrs. Text is stored as variable-length UTF-8 strings, so comments keep
their å, ä, ö, quotes and line breaks. NetCDF attributes hold only text, numbers and lists of them:
booleans are written as 0/1, ``None`` is left out and anything else is written as its text.

Reading checks the file with the same rules as every other way in
(:func:`~sdg_interactions.matrix.validate`); a file without a ``score`` variable, or no NetCDF file at
all, raises :class:`~sdg_interactions.errors.InputFormatError`. ``comment``, ``uncertain`` and node
metadata that a file written elsewhere lacks are filled in (no comments, no marks). Scores are read as
stored: a fill value (``_FillValue``, ``missing_value``) that is itself a score from -3 to 3 (``0`` would
turn every "no interaction" into "not scored") is refused, naming the attribute; another fill value marks
only its own cells as not scored. Comments and labels with a bidi control character are refused.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import matrix
from sdg_interactions.errors import (
    InputFormatError,
    SdgInteractionsError,
    ValidationError,
    check_no_bidi,
    locate,
    shorten,
    tr,
)
from sdg_interactions.matrix import parse_uncertain, plain_value
from sdg_interactions.textfile import check_input_file, replacing

__all__ = ["MAX_NETCDF_BYTES", "NETCDF_SIGNATURES", "is_netcdf", "read_netcdf", "write_netcdf"]

#: The largest NetCDF file read (500 MB).
MAX_NETCDF_BYTES = 500 * 1024 * 1024

#: The first bytes of a NetCDF file: classic / 64-bit offset, and netCDF-4 (HDF5).
NETCDF_SIGNATURES = (b"CDF\x01", b"CDF\x02", b"CDF\x05", b"\x89HDF\r\n\x1a\n")
_VALID = tr("error.netcdf.valid")
#: The variables read as stored: their fill values and packing are applied here (:func:`_unpacked`), so a
#: fill value that is a valid score (``missing_value = 0``) is refused instead of turning every 0 into NaN.
_RAW = {"score": False, "uncertain": False}
_FILLS = ("_FillValue", "missing_value")


def is_netcdf(head: bytes) -> bool:
    """True if ``head`` (a file's first bytes) is the start of a NetCDF file.

    Examples
    --------
    >>> is_netcdf(b"\\x89HDF\\r\\n\\x1a\\n..."), is_netcdf(b"source,target,score")
    (True, False)
    """
    return head.startswith(NETCDF_SIGNATURES)


def _safe_value(value: object) -> object:
    """One attribute value as NetCDF can hold it, or None to leave it out."""
    if value is None:
        return None
    if isinstance(value, (bool, np.bool_)):
        return int(value)
    if isinstance(value, (str, int, float, np.integer, np.floating)):
        return value
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        items = [_safe_value(v) for v in value]
        if items and all(isinstance(v, (int, float, np.integer, np.floating)) for v in items):
            return list(items)
        return [str(v) for v in items] if items else ""
    return str(value)


def _safe_attrs(attrs: Mapping) -> dict:
    safe = {str(k): _safe_value(v) for k, v in attrs.items()}
    return {k: v for k, v in safe.items() if v is not None}


def _plain_attrs(attrs: Mapping) -> dict:
    """Attributes as read back, made plain Python: arrays -> lists, numpy scalars -> numbers."""
    return {key: plain_value(value) for key, value in attrs.items()}


def _as_text(values: np.ndarray) -> np.ndarray:
    flat = ["" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v) for v in values.ravel()]
    return np.array(flat, dtype=object).reshape(values.shape)


def write_netcdf(obj: xr.Dataset | xr.DataArray, path: str | os.PathLike) -> None:
    """Write a matrix (Dataset or score DataArray) to a NetCDF file, losslessly.

    The matrix is checked first (:func:`~sdg_interactions.matrix.validate`); an existing file is
    replaced whole or not at all (:func:`~sdg_interactions.textfile.replacing`: a killed run leaves the
    old file).

    Parameters
    ----------
    obj : xarray.Dataset or xarray.DataArray
        The matrix: a Dataset (scores, comments, uncertain marks, attrs) or its ``score`` DataArray, with
        or without a ``respondent`` dim.
    path : str or path-like
        The ``.nc`` file to write.

    See Also
    --------
    read_netcdf : Reads the file back to the same Dataset.
    sdg_interactions.io.write_matrix : Writes any supported format, ``.nc`` included.

    Examples
    --------
    >>> import tempfile
    >>> import pandas as pd
    >>> from sdg_interactions.matrix import from_long
    >>> ds = from_long(pd.DataFrame({"source": ["1.1"], "target": ["1.2"], "score": ["2"],
    ...                              "comment": ["så \\"här\\"\\nrad två"]}))
    >>> p = Path(tempfile.mkdtemp()) / "m.nc"
    >>> write_netcdf(ds, p)
    >>> read_netcdf(p)["comment"].sel(source="1.1", target="1.2").item()
    'så "här"\\nrad två'
    """
    matrix.validate(obj)
    ds = obj.to_dataset(name="score") if isinstance(obj, xr.DataArray) else obj.copy()
    if "comment" in ds and any("\x00" in t for t in _as_text(np.asarray(ds["comment"].values)).ravel()):
        raise ValidationError(locate(tr("error.data.netcdf.nul_dropped"), file=path, column="comment",
                                     valid=tr("error.netcdf.valid_nul")))
    for name in list(ds.variables):
        variable = ds[name].variable if name in ds.data_vars else ds.variables[name]
        if variable.dtype == object or variable.dtype.kind == "U":
            data = _as_text(np.asarray(variable.values))
            if name in ds.data_vars:
                ds[name] = (variable.dims, data, variable.attrs)
            else:
                ds = ds.assign_coords({name: (variable.dims, data, variable.attrs)})
    ds.attrs = _safe_attrs(ds.attrs)
    for name in ds.variables:
        ds[name].attrs = _safe_attrs(ds[name].attrs)
    encoding = {name: {"zlib": True, "complevel": 4} for name in ("score", "uncertain") if name in ds}
    with replacing(path) as temporary:
        ds.to_netcdf(temporary, engine="netcdf4", encoding=encoding)


def _open(path: str | os.PathLike) -> xr.Dataset:
    name = os.fspath(path)
    file = Path(path)
    check_input_file(file, limit=MAX_NETCDF_BYTES, valid=tr("error.valid_netcdf_file"))
    with open(file, "rb") as handle:
        head = handle.read(8)
    if not is_netcdf(head):
        raise InputFormatError(locate(tr("error.netcdf.not_netcdf"), file=name, valid=_VALID))
    try:
        with xr.open_dataset(file, engine="netcdf4", mask_and_scale=_RAW) as opened:  # scores as stored
            return opened.load()
    except Exception as err:  # the HDF5 and netCDF libraries raise many kinds of error on a damaged file
        raise InputFormatError(locate(tr("error.netcdf.unreadable", reason=f"{type(err).__name__}: {shorten(err)}"),
                                      file=name, valid=_VALID)) from None


def read_netcdf(path: str | os.PathLike, *, aggregated: bool | None = None) -> xr.Dataset:
    """Read a matrix Dataset from a NetCDF file and check it.

    Parameters
    ----------
    path : str or path-like
        The file.
    aggregated : bool, optional
        By default the file's own ``aggregated`` attribute says whether it holds raw answers or
        aggregated floats; True or False overrides it.

    Returns
    -------
    xarray.Dataset
        As written, with ``attrs["source_file"]`` set to the path.

    See Also
    --------
    write_netcdf : Writes a matrix to NetCDF, losslessly.
    sdg_interactions.io.read_matrix : Reads any supported format, ``.nc`` included.

    Notes
    -----
    The file ends in the one validator (:func:`~sdg_interactions.matrix.validate`) and nothing is coerced
    that a long CSV file would refuse: target ids must be text in canonical form, each once; scores numbers
    (text scores are refused); ``uncertain`` booleans, 0/1 or the words of the CSV reader (``"maybe"`` is
    refused, ``"0"`` and ``"no"`` are not marked); comments without NUL characters.

    Examples
    --------
    See also :func:`write_netcdf`.

    >>> import tempfile
    >>> from sdg_interactions.matrix import from_array
    >>> p = Path(tempfile.mkdtemp()) / "m.nc"
    >>> write_netcdf(from_array(np.array([[np.nan, 2.5], [-1, np.nan]]), ["1.1", "1.2"], aggregated=True), p)
    >>> read_netcdf(p)["score"].values.tolist()
    [[nan, 2.5], [-1.0, nan]]
    """
    name = os.fspath(path)
    ds = _open(path)
    try:
        return _checked(ds, name, aggregated)
    except SdgInteractionsError:
        raise
    except Exception as err:  # a shape or type no check foresaw: still the library's error, never a traceback
        reason = f"{type(err).__name__}: {shorten(err)}"
        raise InputFormatError(locate(tr("error.data.netcdf.not_matrix", reason=reason), file=name,
                                      valid=_VALID)) from None


def _checked(ds: xr.Dataset, name: str, aggregated: bool | None) -> xr.Dataset:
    if "score" not in ds.data_vars:
        have = ", ".join(map(str, ds.data_vars)) or tr("error.none")
        raise InputFormatError(locate(tr("error.netcdf.no_score", have=have), file=name, valid=_VALID))
    for dim in matrix.DIMS:
        if dim not in ds["score"].dims:
            raise InputFormatError(locate(tr("error.netcdf.lacks_dim", dim=repr(dim), dims=tuple(ds["score"].dims)),
                                          file=name, valid=_VALID))
        if not ds.sizes[dim]:
            raise InputFormatError(locate(tr("error.netcdf.empty_dim", dim=repr(dim)), file=name, valid=_VALID))
        if dim not in ds.coords:
            raise InputFormatError(locate(tr("error.netcdf.no_ids", dim=repr(dim)), file=name, valid=_VALID))
        if ds[dim].dtype.kind not in "OUS":
            raise InputFormatError(locate(tr("error.netcdf.numeric_ids", dim=repr(dim)), file=name,
                                          value=ds[dim].values[0], valid=tr("error.netcdf.valid_text_ids")))
    matrix.check_size(ds.sizes["source"], file=name)
    if ds["score"].dtype.kind not in "iuf":
        raise InputFormatError(locate(tr("error.netcdf.not_numbers", dtype=ds["score"].dtype), file=name,
                                      valid=_VALID))
    for dim in ds["score"].dims[:-2]:
        if dim in ds.coords:
            labels = [str(v) for v in ds[dim].values]
            if len(set(labels)) != len(labels) or any(not v.strip() for v in labels):
                raise ValidationError(locate(tr("error.netcdf.names", dim=repr(dim)), file=name,
                                             value=next((v for v in labels if labels.count(v) > 1 or not v.strip()),
                                                        None), valid=tr("error.netcdf.valid_names", dim=dim)))
    ds.attrs = _plain_attrs(ds.attrs)
    for var in ds.variables:
        ds[var].attrs = _plain_attrs(ds[var].attrs)
    if aggregated is not None:
        ds.attrs["aggregated"] = int(bool(aggregated))
        ds["score"].attrs["aggregated"] = int(bool(aggregated))
    ds["score"] = _unpacked(ds["score"], name)
    ds = ds.assign_coords({dim: [v.decode("utf-8", "replace") if isinstance(v, bytes) else str(v)
                                 for v in ds[dim].values] for dim in matrix.DIMS})
    matrix.validate(ds, file=name)
    ds = _complete(ds, name)
    ds.attrs["source_file"] = name
    return ds


def _unpacked(var: xr.DataArray, name: str) -> xr.DataArray:
    """The score variable as float64 scores: its fill values made NaN, its packing (``scale_factor``,
    ``add_offset``) applied; a fill value that is itself a score from -3 to 3 is refused, naming it."""
    attrs = dict(var.attrs)
    raw = np.asarray(var.values)
    scale, offset = (attrs.pop(key, default) for key, default in (("scale_factor", 1), ("add_offset", 0)))
    try:
        scale, offset = float(np.asarray(scale).ravel()[0]), float(np.asarray(offset).ravel()[0])
    except (TypeError, ValueError, IndexError):
        raise InputFormatError(locate(tr("error.netcdf.packing"), file=name,
                                      column="score", value=f"{scale!r}, {offset!r}", valid=_VALID)) from None
    values = raw.astype(np.float64) * scale + offset
    for key in _FILLS:
        if key not in attrs:
            continue
        for fill in np.atleast_1d(np.asarray(attrs.pop(key))).ravel():
            try:
                packed = float(fill)
            except (TypeError, ValueError):
                raise InputFormatError(locate(tr("error.data.netcdf.fill_not_number", attribute=key),
                                              file=tr("error.data.at_attribute", file=name, attribute=repr(key)),
                                              value=fill, valid=_VALID)) from None
            if np.isnan(packed):
                continue  # NaN cells are NaN already: write_netcdf's own files
            if -3 <= packed * scale + offset <= 3:
                raise ValidationError(locate(
                    tr("error.netcdf.fill_is_score", score=f"{packed * scale + offset:g}"),
                    file=tr("error.data.at_attribute", file=name, attribute=repr(key)), value=fill,
                    valid=tr("error.netcdf.valid_fill")))
            values[raw == fill] = np.nan
    out = var.copy(data=values)
    out.attrs = attrs
    return out


def _complete(ds: xr.Dataset, name: str) -> xr.Dataset:
    """Fill in what a file written elsewhere may lack: comment, uncertain, node metadata; check both."""
    shape, dims = ds["score"].shape, ds["score"].dims
    for var in ("comment", "uncertain"):
        if var in ds and ds[var].dims != dims:
            raise InputFormatError(locate(tr("error.netcdf.other_dims", var=repr(var), dims=ds[var].dims,
                                             score_dims=dims), file=name, valid=_VALID))
    if "comment" not in ds:
        ds["comment"] = (dims, np.full(shape, "", dtype=object))
    else:
        text = _as_text(np.asarray(ds["comment"].values))
        if any("\x00" in t for t in text.ravel()):
            raise ValidationError(locate(tr("error.netcdf.nul"), file=name, column="comment",
                                         valid=tr("error.netcdf.valid_nul")))
        check_no_bidi(text.ravel(), what="comment", file=name, column="comment")
        ds["comment"] = (ds["comment"].dims, text, ds["comment"].attrs)
    if "uncertain" not in ds:
        ds["uncertain"] = (dims, np.zeros(shape, dtype=bool))
    else:
        values = np.asarray(ds["uncertain"].values)
        for key in _FILLS:  # read as stored; a fill value other than a mark (0, 1) is "not marked"
            for fill in np.atleast_1d(np.asarray(ds["uncertain"].attrs.pop(key, []))).ravel():
                if values.dtype.kind in "iuf" and isinstance(fill, (int, float, np.number)) and fill not in (0, 1):
                    values = np.where(values == fill, 0, values)
        if values.dtype.kind == "b":
            marks = values
        else:
            flat = pd.Series(list(values.ravel()), dtype=object)
            marks = parse_uncertain(flat, file=name, rows=[None] * len(flat)).reshape(values.shape)
        ds["uncertain"] = (dims, marks.astype(bool), ds["uncertain"].attrs)
    for coord in [c for c in ds.coords if ds[c].dtype.kind in "OUS" and c not in matrix.DIMS]:
        what = "label" if "label" in str(coord) else "group" if str(coord).endswith("group") else "name"
        check_no_bidi([str(v) for v in np.asarray(ds[coord].values).ravel()], what=what, file=name, column=coord)
    missing = {k: v for k, v in matrix.node_coords(matrix.node_ids(ds)).items() if k not in ds.coords}
    return ds.assign_coords(missing) if missing else ds
