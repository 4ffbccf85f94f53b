"""Interaction matrices: building, validating and aggregating them; xarray <-> pandas.

The data model (see the README's "Data model" section):

* An interaction matrix is an :class:`xarray.DataArray` named ``score`` with dims
  ``("source", "target")``: rows influence columns. "target" here is the graph role; an SDG target is a
  *node*. Values are float64; **NaN means "not scored", 0 means "scored: no interaction"**; the
  diagonal is NaN.
* Raw answers are integers -3…+3; aggregated matrices (a mean of respondents) hold floats in [-3, 3]
  and say so with ``attrs["aggregated"] = 1``.
* Several respondents (kommuner, samples) add leading dims, e.g. ``("respondent", "source", "target")``.
  Comments and uncertainty marks are aligned arrays in one :class:`xarray.Dataset` (``score``,
  ``comment``, ``uncertain``).
* Node metadata are coordinates on both axes: ``source_framework``, ``source_group``,
  ``source_label_sv``, ``source_label_en`` (and ``target_*`` likewise).

Every constructor goes through one set of rules (:func:`score_problems` for values,
:func:`~sdg_interactions.frameworks.check_node_id` for ids) and ends in :func:`build_dataset`:
:func:`~sdg_interactions.matrix.from_long` and :func:`~sdg_interactions.matrix.from_wide` for tables
(errors name the file, row and column), :func:`from_array` and :func:`validate` for arrays (errors name
the cell).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.errors import UnknownIdError, ValidationError, check_no_bidi, locate, tr

__all__ = [
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
    "as_matrix",
    "build_dataset",
    "check_canonical_ids",
    "check_id",
    "check_size",
    "from_array",
    "is_aggregated",
    "node_coords",
    "node_ids",
    "node_table",
    "require_single",
    "score_problems",
    "to_long",
    "to_wide",
    "toy_matrix",
    "validate",
    "with_node_labels",
]

#: The two matrix dims: rows (``source``) influence columns (``target``).
DIMS = ("source", "target")
#: The leading dim of several respondents' answers.
RESPONDENT = "respondent"
#: The dim of per-node results.
NODE = "node"
#: The seven-point scale's bounds.
SCORE_RANGE = (-3, 3)
#: Words read as "marked uncertain" / "not marked" (case-insensitive); blank is "not marked".
TRUE_WORDS = frozenset({"1", "true", "yes", "ja", "x", "sant"})
FALSE_WORDS = frozenset({"", "0", "false", "no", "nej", "falskt"})

#: The most nodes a matrix may have (the largest sensible one; every reader refuses more, before allocating).
MAX_NODES = 2000
#: The most cells (respondents × nodes × nodes) a matrix may have: about 340 MB for its three arrays.
MAX_CELLS = 20_000_000
#: The longest node id (an SDG target id has at most 5 characters, a ``PREFIX-N`` id rarely 20).
MAX_ID_LENGTH = 64

#: The scale, as noted in every matrix's attrs.
SCALE_NOTE = "Nilsson, Griggs & Visbeck (2016) seven-point scale, -3 (cancelling) to +3 (indivisible)"
VALID_RAW = "an integer from -3 to 3 (2 or 2.0, not 2.5), or blank for not scored"
VALID_AGGREGATED = "a number from -3 to 3, or blank for not scored"


def score_problems(values: np.ndarray, *, aggregated: bool = False) -> np.ndarray:
    """Return a boolean mask of the scores that break the scale's rules.

    The one rule set for every constructor: NaN (not scored) is fine; any other value must lie in
    [-3, 3] and, unless ``aggregated``, be a whole number.

    Examples
    --------
    >>> score_problems(np.array([np.nan, 0.0, 3.0, 2.5, -4.0])).tolist()
    [False, False, False, True, True]
    >>> score_problems(np.array([2.5]), aggregated=True).tolist()
    [False]
    """
    values = np.asarray(values, dtype=float)
    with np.errstate(invalid="ignore"):
        bad = (values < SCORE_RANGE[0]) | (values > SCORE_RANGE[1]) | np.isinf(values)
        if not aggregated:
            bad |= np.isfinite(values) & (values != np.round(values))
    return bad


def check_id(node_id: object, *, file: object = None, row: int | None = None, column: object = None) -> str:
    """Check one node id and return it in canonical form: :func:`~sdg_interactions.frameworks.check_node_id`
    behind two guards every reader needs.

    An id longer than :data:`MAX_ID_LENGTH` characters, or one with digits that are not ASCII
    (``LULEA-٣`` would otherwise read as ``LULEA-3``), raises
    :class:`~sdg_interactions.errors.UnknownIdError` naming where it was read.

    Examples
    --------
    >>> check_id(" LULEA-03 ")
    'LULEA-3'
    >>> check_id("LULEA-\u0663", file="m.csv", row=2, column="source")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.UnknownIdError: m.csv, row 2, column 'source': a target id with digits that are not ASCII 0-9: 'LULEA-٣'. Valid: ...
    """  # noqa: E501
    if isinstance(node_id, str):
        where = {"file": file, "row": row, "column": column}
        if len(node_id.strip()) > MAX_ID_LENGTH:
            raise UnknownIdError(locate(tr("error.id_too_long", n=len(node_id.strip()), limit=MAX_ID_LENGTH),
                                        value=node_id.strip(), valid=frameworks.id_forms_words(), **where))
        if any(c.isdigit() and not c.isascii() for c in node_id):
            raise UnknownIdError(locate(tr("error.id_digits"), value=node_id.strip(),
                                        valid=frameworks.id_forms_words(), **where))
    return frameworks.check_node_id(node_id, file=file, row=row, column=column)


def check_size(nodes: int, respondents: int = 1, *, file: object = None) -> None:
    """Refuse a matrix larger than :data:`MAX_NODES` nodes or :data:`MAX_CELLS` cells, before it is built.

    Examples
    --------
    >>> check_size(2001, file="m.csv")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: m.csv: the matrix would have 2001 targets; the limit is 2000. Valid: at most 2000 targets (and 20000000 cells in all).
    """  # noqa: E501
    cells = respondents * nodes * nodes
    if nodes > MAX_NODES or cells > MAX_CELLS:
        problem = (tr("error.matrix.too_many_nodes", n=nodes, limit=MAX_NODES) if nodes > MAX_NODES else
                   tr("error.matrix.too_many_cells", cells=cells, respondents=respondents, n=nodes, limit=MAX_CELLS))
        raise ValidationError(locate(problem, file=file, valid=tr("error.matrix.valid_size", nodes=MAX_NODES,
                                                                   cells=MAX_CELLS)))


def node_coords(ids: list[str]) -> dict[str, tuple]:
    """Coordinates with node metadata for both axes, from the framework registry: ``source_group``,
    ``target_label_sv``, ..."""
    info = frameworks.node_info(ids)
    coords: dict[str, tuple] = {}
    for role in DIMS:
        for field in NODE_FIELDS:
            coords[f"{role}_{field}"] = (role, info[field].astype(str).to_numpy(dtype=object))
    return coords


def build_dataset(
    score: np.ndarray,
    comment: np.ndarray,
    uncertain: np.ndarray,
    order: list[str],
    respondents: list[str] | None,
    *,
    aggregated: bool,
    attrs: Mapping[str, object] | None = None,
) -> xr.Dataset:
    """Assemble the matrix Dataset from checked arrays (``[r ×] n × n``) and node ids in natural order.

    The last step of every constructor; it adds node metadata coordinates and the ``aggregated`` and
    ``scale`` attrs. It does not check values: callers validate first.
    """
    unc = uncertain
    dims = ((RESPONDENT,) if respondents is not None else ()) + DIMS
    coords: dict[str, object] = {"source": list(order), "target": list(order)}
    if respondents is not None:
        coords[RESPONDENT] = list(respondents)
    coords.update(node_coords(list(order)))
    ds = xr.Dataset(
        {
            "score": (dims, np.asarray(score, dtype=np.float64)),
            "comment": (dims, np.asarray(comment, dtype=object)),
            "uncertain": (dims, np.asarray(unc, dtype=bool)),
        },
        coords=coords,
    )
    ds.attrs.update(dict(attrs or {}))
    ds.attrs["aggregated"] = int(bool(aggregated))
    ds.attrs.setdefault("scale", SCALE_NOTE)
    ds["score"].attrs.update({"aggregated": int(bool(aggregated)), "long_name": "interaction score",
                              "valid_range": [-3, 3]})
    return ds


def from_array(
    values: np.ndarray,
    ids: list[str],
    *,
    respondents: list[str] | None = None,
    aggregated: bool = False,
    attrs: Mapping[str, object] | None = None,
) -> xr.DataArray:
    """Build a score DataArray from a square array (``n × n``, or ``r × n × n`` with ``respondents``).

    Examples
    --------
    >>> from_array(np.array([[np.nan, 1], [0, np.nan]]), ["1.1", "1.2"]).sel(source="1.1").values.tolist()
    [nan, 1.0]
    """
    values = np.asarray(values, dtype=np.float64)
    ids = [check_id(i) for i in ids]
    n = len(ids)
    m = None if respondents is None else len(respondents)
    expected = (n, n) if m is None else (m, n, n)
    if values.shape != expected:
        raise ValidationError(tr("error.analysis.array_shape", shape=values.shape, n=n, expected=expected,
                                 respondents="" if m is None else tr("error.analysis.array_respondents", m=m)))
    order = sorted(range(n), key=lambda k: frameworks.node_sort_key(ids[k]))
    values = values[..., order, :][..., :, order]
    ids = [ids[k] for k in order]
    ds = build_dataset(values, np.full(values.shape, "", dtype=object), np.zeros(values.shape, bool), ids,
                  respondents, aggregated=aggregated, attrs=attrs)
    return validate(ds)["score"].assign_attrs(dict(attrs or {}))


def check_canonical_ids(ids, *, file: object = None, column: str = "node id") -> None:
    """Every id checked (:func:`check_id`), written in its canonical form and given once; else our error."""
    seen: set[str] = set()
    for i in ids:
        canonical = check_id(i if isinstance(i, str) else str(i), file=file, column=column)
        if canonical != i:
            raise ValidationError(locate(tr("error.matrix.not_canonical"), file=file, column=column, value=i,
                                         valid=tr("error.matrix.valid_canonical", canonical=repr(canonical))))
        if canonical in seen:
            raise ValidationError(locate(tr("error.matrix.id_twice"), file=file, column=column, value=i,
                                         valid=tr("error.matrix.valid_once")))
        seen.add(canonical)


def validate(obj: xr.DataArray | xr.Dataset, *, file: object = None) -> xr.DataArray | xr.Dataset:
    """Check a matrix held in memory against the data model; return it unchanged, or raise.

    Checks: dims end with ``("source", "target")``; the same ids in the same order on both, in their natural
    order (1.2 before 10.1: every reader sorts so; string order, as ``xr.concat(join="outer")`` leaves it, is
    refused); every id valid, in its canonical form (``LULEA-1``, not ``LULEA-01`` or ``" LULEA-1"``) and there once; at most
    :data:`MAX_NODES` nodes; values on the scale (whole numbers unless ``attrs["aggregated"]``); NaN on the
    diagonal. ``file`` names where the matrix came from in error messages.

    Examples
    --------
    >>> da = from_array(np.array([[np.nan, 1], [0, np.nan]]), ["1.1", "1.2"])
    >>> validate(da + 4)
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: cell source 1.1, target 1.2: score outside the scale: '5.0'. Valid: an integer from -3 to 3 (2 or 2.0, not 2.5), or blank for not scored.
    """  # noqa: E501
    da = obj["score"] if isinstance(obj, xr.Dataset) else obj
    if tuple(da.dims[-2:]) != DIMS:
        raise ValidationError(locate(tr("error.analysis.last_dims", dims=DIMS), file=file,
                                     value=tuple(da.dims), valid=tr("error.analysis.valid_transpose")))
    src = [str(v) for v in da["source"].values]
    tgt = [str(v) for v in da["target"].values]
    if src != tgt:
        raise ValidationError(locate(tr("error.analysis.axes_order"), file=file,
                                     valid=tr("error.analysis.valid_reindex")))
    check_size(len(src), file=file)
    check_canonical_ids(da["source"].values, file=file, column="source")
    keys = [frameworks.node_sort_key(i) for i in src]
    if wrong := next((k for k in range(1, len(keys)) if keys[k] < keys[k - 1]), None):
        raise ValidationError(locate(tr("error.analysis.natural_order", before=src[wrong - 1], after=src[wrong]),
                                     file=file, value=src[wrong], valid=tr("error.analysis.valid_natural_order")))
    aggregated = is_aggregated(obj)
    values = da.values
    bad = score_problems(values, aggregated=aggregated)
    n = len(src)
    diag = np.zeros((n, n), dtype=bool)
    np.fill_diagonal(diag, True)
    bad |= np.broadcast_to(diag, values.shape) & ~np.isnan(values)
    if bad.any():
        index = np.unravel_index(int(np.flatnonzero(bad)[0]), values.shape)
        lead = ", ".join(f"{d} {da[d].values[k]}" for d, k in zip(da.dims[:-2], index[:-2], strict=True)
                         if d in da.coords)
        cell = tr("error.analysis.cell", lead=lead + ", " if lead else "", source=src[index[-2]], target=src[index[-1]])
        if file is not None:
            cell = f"{file}, {cell}"
        on_diag = index[-2] == index[-1]
        problem = tr("error.analysis.diagonal_nan") if on_diag else (
            tr("error.score_outside") if abs(values[index]) > 3 or np.isinf(values[index])
            else tr("error.score_not_whole"))
        raise ValidationError(locate(problem, file=cell, value=values[index],
                                     valid="NaN" if on_diag
                                     else tr("error.valid_aggregated" if aggregated else "error.valid_raw")))
    return obj


def is_aggregated(obj: xr.DataArray | xr.Dataset) -> bool:
    """True if the matrix says it holds aggregated floats (``attrs["aggregated"]``)."""
    attrs = dict(obj.attrs)
    if isinstance(obj, xr.Dataset) and "score" in obj:
        attrs = {**obj["score"].attrs, **attrs}
    value = attrs.get("aggregated", 0)
    if isinstance(value, str):
        return value.strip().lower() in TRUE_WORDS
    return bool(value)


def as_matrix(obj: xr.DataArray | xr.Dataset) -> xr.DataArray:
    """Return the score DataArray of a matrix Dataset or DataArray, dims transposed to end in (source, target).

    A matrix whose target axis holds the source ids in another order (built by hand, never validated) is
    aligned: its targets are put in the sources' order, so row ``k`` and column ``k`` are one node and the
    diagonal is the diagonal. Axes with different ids raise :class:`~sdg_interactions.errors.ValidationError`.

    Examples
    --------
    >>> da = xr.DataArray([[1.0, np.nan], [np.nan, 2.0]], dims=DIMS,
    ...                   coords={"source": ["1.1", "1.2"], "target": ["1.2", "1.1"]})
    >>> as_matrix(da)["target"].values.tolist(), as_matrix(da).values.tolist()
    (['1.1', '1.2'], [[nan, 1.0], [2.0, nan]])
    """
    if isinstance(obj, xr.Dataset):
        if "score" not in obj:
            raise ValidationError(tr("error.analysis.no_score_variable"))
        obj = obj["score"]
    if not isinstance(obj, xr.DataArray):
        raise ValidationError(tr("error.analysis.not_a_matrix", type=type(obj).__name__))
    if not set(DIMS) <= set(obj.dims):
        raise ValidationError(tr("error.analysis.matrix_dims", dims=DIMS, has=tuple(obj.dims)))
    obj = obj.transpose(..., *DIMS)
    return _aligned(obj)


def _aligned(da: xr.DataArray) -> xr.DataArray:
    """``da`` with its target axis in its source axis's order (see :func:`as_matrix`)."""
    if "source" not in da.coords or "target" not in da.coords:
        return da
    src = [str(v) for v in da["source"].values]
    tgt = [str(v) for v in da["target"].values]
    if src == tgt:
        return da
    position = {node: k for k, node in enumerate(tgt)}
    if len(src) != len(tgt) or set(src) != set(tgt) or len(position) != len(tgt) or len(set(src)) != len(src):
        raise ValidationError(locate(tr("error.analysis.axes_once"), valid=tr("error.valid_square")))
    return da.isel(target=[position[node] for node in src])


def node_ids(obj: xr.DataArray | xr.Dataset) -> list[str]:
    """The matrix's node ids, in order."""
    return [str(v) for v in as_matrix(obj)["source"].values]


def to_long(obj: xr.DataArray | xr.Dataset, *, include_unscored: bool = False) -> pd.DataFrame:
    """Return the long table ``[respondent,]source,target,score[,comment,uncertain]``, one row per cell.

    Unscored cells (NaN) are left out unless ``include_unscored``; they keep a row when they carry a
    comment or an uncertain mark, so nothing is lost. The diagonal is always left out.

    Examples
    --------
    >>> da = from_array(np.array([[np.nan, 1], [0, np.nan]]), ["1.1", "1.2"])
    >>> to_long(da).to_dict("list")
    {'source': ['1.1', '1.2'], 'target': ['1.2', '1.1'], 'score': [1.0, 0.0]}
    """
    ds = obj.to_dataset(name="score") if isinstance(obj, xr.DataArray) else obj
    keep = [v for v in ("score", "comment", "uncertain") if v in ds.data_vars]
    ds = ds[keep].reset_coords(drop=True)
    lead = [d for d in ds["score"].dims if d not in DIMS]
    frame = ds.transpose(*lead, *DIMS).to_dataframe().reset_index()
    frame = frame[frame["source"].astype(str) != frame["target"].astype(str)]
    mask = frame["score"].notna()
    if "comment" in frame:
        mask |= frame["comment"].astype(str) != ""
    if "uncertain" in frame:
        mask |= frame["uncertain"].astype(bool)
    if not include_unscored:
        frame = frame[mask]
    frame = frame[[*lead, "source", "target", *keep]].reset_index(drop=True)
    for col in ("source", "target", *lead):
        frame[col] = frame[col].astype(str)
    return frame


def to_wide(obj: xr.DataArray | xr.Dataset) -> pd.DataFrame:
    """Return the scores as a square DataFrame: index = sources, columns = targets (one matrix only)."""
    da = require_single(obj, tr("error.analysis.what_wide_table"))
    frame = da.reset_coords(drop=True).to_pandas()
    frame.index.name, frame.columns.name = None, None
    return frame




def require_single(obj: xr.DataArray | xr.Dataset, what: str) -> xr.DataArray:
    """Return the score DataArray of ``obj`` if it is one matrix (dims exactly ``source, target``).

    ``what`` names the function or output that needs one matrix, for the message: a function's name, or
    :func:`~sdg_interactions.errors.tr` words (``tr("error.analysis.what_graph")``), which the message says in
    the user's language. The one check behind
    every "one matrix only" function (wide tables, graphs, heat maps, portfolio, sign flips, ...).

    Examples
    --------
    >>> m = from_array(np.full((2, 2, 2), np.nan), ["1.1", "1.2"], respondents=["a", "b"])
    >>> require_single(m, "a heat map")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: a heat map takes one matrix; this one has the extra dims ('respondent',). Valid: aggregate() it, or select one with .sel(respondent=...).
    """  # noqa: E501
    da = as_matrix(obj)
    if da.ndim != 2:
        lead = tuple(da.dims[:-2])
        raise ValidationError(tr("error.analysis.one_matrix", what=what, lead=lead, dim=lead[0]))
    return da


#: The node fields a matrix carries as coordinates on both axes (``source_<field>``, ``target_<field>``).
NODE_FIELDS = ("framework", "group", "label_sv", "label_en")


def node_table(obj: xr.DataArray | xr.Dataset) -> pd.DataFrame:
    """The matrix's own node metadata: a DataFrame indexed by ``id`` with the :data:`NODE_FIELDS` it has.

    Examples
    --------
    >>> node_table(toy_matrix()).loc["1.2", ["framework", "group", "label_sv"]].tolist()
    ['sdg_target', '1', 'Minska fattigdomen med minst 50 %']
    """
    da = as_matrix(obj)
    frame = pd.DataFrame({f: da[f"source_{f}"].to_numpy().astype(str) for f in NODE_FIELDS
                          if f"source_{f}" in da.coords}, index=pd.Index(node_ids(da), name="id"))
    return frame


def with_node_labels(obj: xr.DataArray | xr.Dataset, table: pd.DataFrame | None, *,
                     file: object = None) -> xr.DataArray | xr.Dataset:
    """Return ``obj`` with its node coordinates overridden by ``table`` where the table has a non-blank value.

    ``table`` has an ``id`` column (or index) and any of ``group``, ``label_sv``, ``label_en``: the labels a
    file carried with its nodes (a GraphML file's node attributes, an Excel template's node sheet), which
    win over the framework registry's. Ids the matrix does not hold are ignored. A label with a bidi control
    character is refused (:func:`~sdg_interactions.errors.check_no_bidi`), named by ``file`` and the table's
    ``_row`` column where it has one.

    Examples
    --------
    >>> m = with_node_labels(toy_matrix(), pd.DataFrame({"id": ["1.1"], "label_sv": ["Fattigdom"]}))
    >>> m["source_label_sv"].values.tolist()[:2], m["target_label_sv"].values.tolist()[0]
    (['Fattigdom', 'Minska fattigdomen med minst 50 %'], 'Fattigdom')
    """
    if table is None or len(table) == 0:
        return obj
    rows = table["_row"].tolist() if "_row" in table.columns else None
    for field in [f for f in NODE_FIELDS[1:] if f in table.columns]:
        check_no_bidi(table[field].tolist(), what="group" if field == "group" else "label", file=file, rows=rows,
                      column=field)
    frame = table.set_index("id") if "id" in table.columns else table
    frame.index = frame.index.astype(str).str.strip()
    ids = node_ids(obj)
    values = {}
    for field in NODE_FIELDS[1:]:
        current = obj[f"source_{field}"].to_numpy().astype(str) if f"source_{field}" in obj.coords else np.array(ids)
        given = frame[field].reindex(ids) if field in frame.columns else pd.Series([""] * len(ids))
        given = given.where(given.notna(), "").astype(str).str.strip().to_numpy()
        values[field] = (np.where(given != "", given, current), given != "")
    # a label given in one language only stands for both (as the registry does), unless the other is given
    for lang, other in (("sv", "en"), ("en", "sv")):
        label, given = values[f"label_{lang}"]
        other_label, other_given = values[f"label_{other}"]
        values[f"label_{lang}"] = (np.where(~given & other_given, other_label, label), given)
    return obj.assign_coords({f"{role}_{field}": (role, values[field][0].astype(object))
                              for field in NODE_FIELDS[1:] for role in DIMS})


def toy_matrix() -> xr.DataArray:
    """A 4-node matrix for examples, nodes 1.1 … 1.4, rows influence columns::

        A = [[·, 2, -2,  0],
             [0, ·,  3,  1],
             [0, 0,  ·, -1],
             [1, 0,  0,  ·]]
    """
    nan = np.nan
    values = np.array([[nan, 2, -2, 0], [0, nan, 3, 1], [0, 0, nan, -1], [1, 0, 0, nan]])
    return from_array(values, ["1.1", "1.2", "1.3", "1.4"])
