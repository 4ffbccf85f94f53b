"""Several matrices as one stack on a leading dim: a folder, a list of files, or matrices in memory.

* :func:`stack_matrices` stacks single matrices (one per kommun, say) on a new leading dim; they must
  hold the same node ids.
* :func:`load_collection` reads a folder (every ``*.csv``, ``*.xlsx``, ``*.nc`` and ``*.graphml`` in it,
  sorted by name), a list of files, or a bundled folder by name
  (:func:`~sdg_interactions.frameworks.folders.bundled_folders`), one matrix per file, into one
  Dataset: one kommun per file (``dim="kommun"``, the default) or one respondent per file
  (``dim="respondent"``, raw answers kept).

Entries are named by the file's stem (``1499_falkoping.csv`` -> ``"1499_falkoping"``). On a ``kommun``
dim a stem that starts with a kommunkod (``1499`` or ``1499_…``) gets the kommun's name as its label
(coordinate ``kommun_label``: ``"Falköping"``); other entries are labelled by their name.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import xarray as xr

from sdg_interactions import frameworks, matrix
from sdg_interactions.errors import InputFormatError, ValidationError, locate, tr
from sdg_interactions.frameworks.folders import FOLDER_SUFFIXES, bundled_folder, bundled_folders
from sdg_interactions.io import read_matrix

__all__ = ["FOLDER_SUFFIXES", "check_same_nodes", "load_collection", "stack_matrices"]

_KOMMUNKOD = re.compile(r"^(\d{4})(?:_|$)")
_FOLDER_ATTRS = ("name", "title_sv", "title_en", "scored_by_sv", "scored_by_en", "citation", "note", "synthetic")


def _preview(ids: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(ids[:limit])
    return shown + (f", … ({len(ids)} in all)" if len(ids) > limit else "")


def check_same_nodes(entries: Sequence[tuple[object, list[str]]]) -> None:
    """Check that every entry ``(where, node ids)`` holds the first entry's node ids, else raise.

    The :class:`~sdg_interactions.errors.ValidationError` names the first entry that differs (``where``:
    a file or a name), the ids it lacks and the ids it has in addition, and lists the valid ids.

    Examples
    --------
    >>> check_same_nodes([("a.csv", ["1.1", "1.2"]), ("b.csv", ["1.1", "1.3"])])
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: b.csv: other target ids than a.csv: lacks 1.2; has 1.3 in addition. Valid: the same 2 target ids in every matrix: 1.1, 1.2.
    """  # noqa: E501
    first_where, first = entries[0]
    for where, ids in entries[1:]:
        if list(ids) != list(first):
            lacks = [i for i in first if i not in set(ids)]
            extra = [i for i in ids if i not in set(first)]
            parts = ([tr("error.lacks", ids=_preview(lacks))] if lacks else []) + (
                [tr("error.has_extra", ids=_preview(extra))] if extra else [])
            joined = parts[0] + "".join("; " + part for part in parts[1:]) if parts else ""
            raise ValidationError(locate(tr("error.other_ids", first=first_where, parts=joined), file=where,
                                         valid=tr("error.valid_same_ids", n=len(first), ids=_preview(first))))


def _labels(names: list[str], dim: str) -> list[str]:
    if dim != "kommun":
        return list(names)
    table = frameworks.kommuner().set_index("kommunkod")["kommun"]
    labels = []
    for name in names:
        hit = _KOMMUNKOD.match(name)
        labels.append(str(table[hit.group(1)]) if hit and hit.group(1) in table.index else name)
    return labels


def _check_dim(dim: object) -> str:
    if not isinstance(dim, str) or not dim or dim in (*matrix.DIMS, matrix.NODE):
        raise ValidationError(locate(tr("error.data.collection.new_dim"), value=dim,
                                     valid=tr("error.data.collection.valid_new_dim")))
    return dim


def _name_of(obj: xr.DataArray | xr.Dataset, position: int) -> str:
    if obj.attrs.get("name"):
        return str(obj.attrs["name"])
    if obj.attrs.get("source_file"):
        return Path(str(obj.attrs["source_file"])).stem
    return str(position + 1)


def stack_matrices(
    matrices: Mapping[str, xr.DataArray | xr.Dataset] | Sequence[xr.DataArray | xr.Dataset], *, dim: str = "kommun",
    join: str = "exact",
) -> xr.DataArray:
    """Stack single matrices on a new leading dim ``dim``: ``(dim, source, target)``.

    Parameters
    ----------
    matrices : mapping or sequence
        ``{name: matrix}``, or a sequence of matrices named by their ``attrs["name"]``, else the stem of
        ``attrs["source_file"]``, else their position (``"1"``, ``"2"``, …). Each must be one matrix
        (dims ``source, target``).
    dim : str
        The new dim's name.
    join : {"exact", "outer"}
        ``"exact"`` (default): all must hold the same node ids, else a
        :class:`~sdg_interactions.errors.ValidationError` names the one that differs and the ids.
        ``"outer"``: the union of the ids, in their natural order (1.2 before 10.1, never string order as
        ``xr.concat(join="outer")`` gives), a matrix's cells for ids it lacks NaN (not scored);
        :func:`~sdg_interactions.analysis.compare_matrices` then leaves such a node out of that matrix's
        ranks and correlations.

    Returns
    -------
    xarray.DataArray
        ``score`` on ``(dim, source, target)``, node coordinates of the first matrix, ``<dim>_label``
        (see the module docstring), the attrs all matrices share, ``aggregated`` = 1 if any is
        aggregated, and ``n_<dim>``.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> a = from_array(np.array([[np.nan, 1], [0, np.nan]]), ["1.1", "1.2"])
    >>> s = stack_matrices({"1499_falkoping": a, "x": a + 1})
    >>> s.dims, s["kommun_label"].values.tolist(), s.sel(kommun="x").values.tolist()
    (('kommun', 'source', 'target'), ['Falköping', 'x'], [[nan, 2.0], [1.0, nan]])
    >>> b = from_array(np.array([[np.nan, 3], [-1, np.nan]]), ["1.2", "10.1"])
    >>> u = stack_matrices({"a": a, "b": b}, join="outer")
    >>> u["source"].values.tolist(), u.sel(kommun="b", source="1.2").values.tolist()
    (['1.1', '1.2', '10.1'], [nan, nan, 3.0])
    """
    dim = _check_dim(dim)
    if isinstance(matrices, (xr.DataArray, xr.Dataset, str, bytes)):
        raise ValidationError(locate(tr("error.data.collection.several"),
                                     valid=tr("error.data.collection.valid_several", kind="dict")))
    items = ([(str(k), v) for k, v in matrices.items()] if isinstance(matrices, Mapping)
             else [(_name_of(m, k), m) for k, m in enumerate(matrices)])
    if not items:
        raise ValidationError(locate(tr("error.data.collection.no_matrices"),
                                     valid=tr("error.data.collection.valid_per_dim", dim=dim)))
    names = [name for name, _ in items]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise ValidationError(locate(tr("error.data.collection.same_name", name=repr(twice[0])), value=twice[0],
                                     valid=tr("error.data.collection.valid_name_per_dim", dim=dim)))
    arrays = [matrix.require_single(m, f"stack_matrices ({name!r})") for name, m in items]
    if join not in ("exact", "outer"):
        raise ValidationError(locate(tr("error.data.collection.join"), column="join", value=join,
                                     valid=tr("error.data.collection.valid_join")))
    if join == "outer":
        arrays = _on_all_nodes(arrays)
    check_same_nodes([(repr(name), matrix.node_ids(da)) for name, da in zip(names, arrays, strict=True)])
    first = arrays[0]
    coords = {k: c for k, c in first.coords.items() if set(c.dims) <= set(matrix.DIMS)}
    coords[dim] = names
    coords[f"{dim}_label"] = (dim, np.array(_labels(names, dim), dtype=object))
    attrs = {k: v for k, v in first.attrs.items()
             if all(k in da.attrs and _same(da.attrs[k], v) for da in arrays[1:])}
    attrs.update({"aggregated": int(any(matrix.is_aggregated(da) for da in arrays)), f"n_{dim}": len(names)})
    values = np.stack([da.transpose(*matrix.DIMS).to_numpy().astype(np.float64) for da in arrays])
    out = xr.DataArray(values, dims=(dim, *matrix.DIMS), coords=coords, name="score", attrs=attrs)
    return matrix.validate(out)


def _on_all_nodes(arrays: list[xr.DataArray]) -> list[xr.DataArray]:
    """Every matrix on the union of the ids, in natural order; the node coordinates (labels, framework, group)
    from the first matrix that has the node."""
    ids = sorted({i for da in arrays for i in matrix.node_ids(da)}, key=frameworks.node_sort_key)
    wide = [da.reindex(source=ids, target=ids) for da in arrays]
    names = [k for k, c in arrays[0].coords.items() if c.dims == ("source",) and k != "source"]
    for name in names:
        values = {}
        for da in arrays:
            if name in da.coords:
                values.update({i: v for i, v in zip(matrix.node_ids(da), da[name].to_numpy(), strict=True)
                               if i not in values})
        column = np.array([values.get(i, "") for i in ids], dtype=object)
        target = "target" + name.removeprefix("source")
        wide = [da.assign_coords({name: ("source", column), target: ("target", column)}) for da in wide]
    return wide


def _same(a: object, b: object) -> bool:
    try:
        return bool(np.all(np.asarray(a) == np.asarray(b)))
    except (TypeError, ValueError):
        return False


def _files(paths_or_dir) -> tuple[list[Path], dict]:
    """The matrix files to read and the attrs of a bundled folder ({} otherwise)."""
    if isinstance(paths_or_dir, (str, os.PathLike)):
        text = os.fspath(paths_or_dir)
        if not Path(text).exists() and text in bundled_folders()["name"].tolist():
            info = bundled_folder(text)
            attrs = {k: info[k] for k in _FOLDER_ATTRS if info.get(k) not in (None, "")}
            attrs["source"] = f"bundled with sdg_interactions: datasets/matrices/{info['folder']}/"
            return [info["path"] / f for f in info["files"]], attrs
        folder = Path(text)
        if not folder.exists():
            names = ", ".join(bundled_folders()["name"])
            raise InputFormatError(locate(tr("error.no_folder_or_file"), file=text,
                                          valid=tr("error.valid_collection", names=names)))
        if folder.is_dir():
            files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES
                           and not p.name.startswith((".", "~$")))
            if not files:
                raise InputFormatError(locate(tr("error.folder_without_matrix"), file=text,
                                              valid=tr("error.valid_suffixes", suffixes=", ".join(FOLDER_SUFFIXES))))
            for name in bundled_folders()["name"]:  # a bundled folder given by its path keeps its provenance
                if Path(bundled_folder(name)["path"]).resolve() == folder.resolve():
                    return _files(name)
            return files, {"source": text}
        return [folder], {}
    files = [Path(p) for p in paths_or_dir]
    for path in files:
        if not path.is_file():
            raise InputFormatError(locate(tr("error.no_such_file"), file=os.fspath(path),
                                          valid=tr("error.valid_existing_file")))
    return files, {}


def _joined(comments: np.ndarray) -> np.ndarray:
    """Several respondents' comments per cell (respondent first) joined by `` | ``, each distinct one once."""
    out = np.full(comments.shape[1:], "", dtype=object)
    filled = np.array([[str(c) != "" for c in row] for row in comments.reshape(comments.shape[0], -1)])
    for flat in np.flatnonzero(filled.any(axis=0)):
        texts = [str(c) for c in comments.reshape(comments.shape[0], -1)[:, flat] if str(c)]
        out.flat[flat] = " | ".join(dict.fromkeys(texts))
    return out


def _one(path: Path, dim: str, combine: str) -> tuple[xr.DataArray, np.ndarray, np.ndarray]:
    """One file's score (one matrix), uncertain marks and comments."""
    ds = read_matrix(path)
    where = os.fspath(path)
    n = ds.sizes["source"]
    uncertain = ds["uncertain"].to_numpy().astype(bool) if "uncertain" in ds else np.zeros((n, n), bool)
    comment = ds["comment"].to_numpy().astype(object) if "comment" in ds else np.full((n, n), "", dtype=object)
    if dim == matrix.RESPONDENT:
        if matrix.is_aggregated(ds):
            raise ValidationError(locate(tr("error.collection.aggregated"), file=where,
                                         valid=tr("error.collection.valid_raw")))
        if matrix.RESPONDENT in ds.dims:
            if ds.sizes[matrix.RESPONDENT] != 1:
                raise ValidationError(locate(tr("error.collection.several", n=ds.sizes[matrix.RESPONDENT]), file=where,
                                             valid=tr("error.collection.valid_one")))
            ds = ds.isel({matrix.RESPONDENT: 0}, drop=True)
            uncertain, comment = uncertain[0], comment[0]
        return ds["score"], uncertain, comment
    if matrix.RESPONDENT in ds.dims:
        uncertain, comment = uncertain.any(axis=0), _joined(comment)
    score = matrix.single_matrix(ds, combine, what=f"load_collection ({where})")
    return score, uncertain, comment


def load_collection(paths_or_dir, *, dim: str = "kommun", combine: str = "mean") -> xr.Dataset:
    """Read several matrix files, one matrix each, into one stack on ``dim``.

    Parameters
    ----------
    paths_or_dir : str, path-like or sequence of them
        A folder (every ``*.csv``, ``*.xlsx``, ``*.nc`` and ``*.graphml`` in it, sorted by name; hidden
        files and Excel's ``~$`` lock files skipped), a list of files, or the name of a bundled folder
        (``"synthetic_kommuner"``). Each file is read with :func:`~sdg_interactions.io.read_matrix`.
    dim : str
        ``"kommun"`` (default) or any other name: one matrix per file; a file with several respondents
        is aggregated with ``combine`` (as :func:`~sdg_interactions.io.load_matrix` does), its uncertain
        marks joined (marked by anyone) and its distinct comments joined with `` | ``.
        ``"respondent"``: one respondent's raw answers per file; a file of several respondents or of
        aggregated scores is an error.
    combine : {"mean", "median", "trimmed"}
        How a file's several respondents are combined (not with ``dim="respondent"``).

    Returns
    -------
    xarray.Dataset
        ``score`` on ``(dim, source, target)`` (raw integers kept when every file holds raw answers), plus
        ``uncertain`` when any file marks a cell uncertain and ``comment`` when any has a comment; entries
        named by file stem, ``<dim>_label`` as in :func:`stack_matrices`. A bundled folder's attrs carry
        its ``title_sv``, ``title_en``, ``citation``, ``note`` and ``synthetic``.

    Errors name the file: a file that cannot be read, or whose node ids differ from the first file's
    (:class:`~sdg_interactions.errors.ValidationError`); an empty folder; fewer than two files.

    Examples
    --------
    >>> ds = load_collection("synthetic_kommuner")
    >>> ds["score"].dims, ds["kommun"].values.tolist()[:2], ds["kommun_label"].values.tolist()[:2]
    (('kommun', 'source', 'target'), ['0180_stockholm', '1280_malmo'], ['Stockholm', 'Malmö'])
    >>> ds.attrs["title_en"][:18], ds.attrs["synthetic"]
    ('SYNTHETIC EXAMPLE:', 1)
    """
    dim = _check_dim(dim)
    if combine not in matrix.AGGREGATIONS:
        raise ValidationError(locate(tr("error.data.collection.unknown_aggregation"), value=combine,
                                     valid=", ".join(matrix.AGGREGATIONS)))
    files, attrs = _files(paths_or_dir)
    if len(files) < 2:
        shown = ", ".join(os.fspath(p) for p in files) or tr("error.nothing")
        raise ValidationError(locate(tr("error.collection_too_small", n=len(files)), value=shown,
                                     valid=tr("error.valid_collection_size")))
    stems = [p.stem for p in files]
    for k, stem in enumerate(stems):
        if stems.index(stem) != k:
            raise ValidationError(locate(tr("error.collection.same_name", name=repr(stem)), file=os.fspath(files[k]),
                                         value=os.fspath(files[stems.index(stem)]),
                                         valid=tr("error.collection.valid_name")))
    read = [_one(path, dim, combine) for path in files]
    check_same_nodes([(os.fspath(p), matrix.node_ids(score)) for p, (score, _, _) in zip(files, read, strict=True)])
    score = stack_matrices(dict(zip(stems, (s for s, _, _ in read), strict=True)), dim=dim)
    ds = score.to_dataset(name="score")
    dims = score.dims
    uncertain = np.stack([u for _, u, _ in read])
    comment = np.stack([c for _, _, c in read])
    if uncertain.any():
        ds["uncertain"] = (dims, uncertain)
    if (comment != "").any():
        ds["comment"] = (dims, comment)
    ds.attrs = {**score.attrs, **attrs}
    ds["score"].attrs = {"aggregated": score.attrs["aggregated"], "long_name": "interaction score",
                         "valid_range": [-3, 3]}
    return ds
