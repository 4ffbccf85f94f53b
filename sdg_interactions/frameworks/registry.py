"""The Framework registry: which framework a node id belongs to, its natural order, labels, group, layer.

Every node of an interaction matrix has a string id (never a float) in one of these forms:

========================  ==========================  ============================================
framework                 ids                         ``framework_of``
========================  ==========================  ============================================
SDG targets               ``1.1`` … ``1.a`` … ``17.19``  ``"sdg_target"``
SDG goals                 ``SDG-1`` … ``SDG-17``       ``"sdg_goal"``
miljökvalitetsmål         ``MKM-0`` … ``MKM-16``       ``"miljomal"`` (``MKM-0`` = generationsmålet)
folkhälsomål              ``FH-0`` … ``FH-8``          ``"folkhalsomal"`` (``FH-0`` = the overarching goal)
Mongolia objectives       ``MN-1`` … ``MN-17``         ``"mongolia2017"``
a user's own framework    ``PREFIX-N`` (``LULEA-3``)    the prefix, e.g. ``"LULEA"``
========================  ==========================  ============================================

Each is a :class:`Framework` record in one registry; every question "which framework, goal, layer or
label is this node" (:func:`framework_of`, :func:`node_info`, :func:`node_sort_key`,
:func:`check_node_id`) asks it. The bundled frameworks are registered when this module is imported; a
kommun's own goals are registered from a table with :func:`register_from_table`. An id ``PREFIX-N`` of
a prefix no one registered is still valid (an open framework: its label is its id).

Examples
--------
>>> check_node_id(" 1.a ")
'1.a'
>>> sorted(["1.a", "SDG-2", "1.10", "MKM-0", "1.2"], key=node_sort_key)
['1.2', '1.10', '1.a', 'SDG-2', 'MKM-0']
>>> framework("miljomal").prefix, framework_of("FH-3")
('MKM', 'folkhalsomal')
"""

from __future__ import annotations

import functools
import os
import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from sdg_interactions.errors import (
    InputFormatError,
    UnknownIdError,
    ValidationError,
    check_no_bidi,
    describe_character,
    locate,
    tr,
)
from sdg_interactions.frameworks import catalogues
from sdg_interactions.textfile import read_table

__all__ = [  # noqa: RUF022 (grouped by topic)
    "Framework", "NODE_COLUMNS", "TABLE_COLUMNS", "framework", "frameworks", "register", "register_from_table",
    "unregister", "nodes_from_table", "NODE_ID_FORMS", "id_forms_words", "check_node_id", "node_sort_key",
    "framework_of", "node_info",
    "group_node", "is_node_id",
]

#: The columns of a framework's node table (:attr:`Framework.nodes`) and of :func:`node_info`.
NODE_COLUMNS = ("framework", "group", "label_sv", "label_en", "text_sv", "text_en", "layer")
#: The columns of a user framework's table (:func:`register_from_table`): the first four are required.
TABLE_COLUMNS = ("id", "label_sv", "label_en", "group", "text_sv", "text_en")

_TARGET_RE = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-z])$")
_PREFIXED_RE = re.compile(r"^([A-ZÅÄÖ][A-ZÅÄÖ0-9_]*)-(\d+)$")
_USER_ORDER = 10  # user frameworks sort after the bundled ones, by prefix
_CORE_PREFIXES = ("SDG", "MKM", "FH", "MN")  # named in every message; other frameworks are listed by name


@dataclass(frozen=True)
class Framework:
    """One framework of nodes: how its ids look, their order, labels, groups and layers.

    Attributes
    ----------
    name : str
        ``"sdg_target"``, ``"sdg_goal"``, ``"miljomal"``, ``"folkhalsomal"``, ``"mongolia2017"``, or a
        user framework's prefix (``"LULEA"``).
    prefix : str or None
        The id prefix (``"MKM"`` for ``MKM-3``); None for SDG targets, whose ids are ``1.1`` … ``17.19``.
    order : int
        Where the framework's ids sort among the others (SDG targets 0, goals 1, MKM 2, FH 3, MN 4,
        user frameworks 10, by prefix).
    title_sv, title_en : str
        The framework's name.
    group_node : str
        How a group becomes a goal-level node id in a roll-up: ``"SDG-{group}"`` for SDG targets (group
        ``"13"`` is ``SDG-13``), ``"{group}"`` for the others.
    source : str
        Where the node table comes from (shown with the data).
    loader : callable
        Returns the node table: indexed by ``id`` in natural order, columns :data:`NODE_COLUMNS` but
        ``framework``. Read once, when first needed.
    """

    name: str
    prefix: str | None
    order: int
    title_sv: str
    title_en: str
    loader: Callable[[], pd.DataFrame] = field(repr=False, compare=False)
    group_node: str = "{group}"
    source: str = ""

    @functools.cached_property
    def nodes(self) -> pd.DataFrame:
        """The node table (read once): index ``id``; columns :data:`NODE_COLUMNS`."""
        table = self.loader().copy()
        table.insert(0, "framework", self.name)
        for column in NODE_COLUMNS:
            if column not in table:
                table[column] = ""
        return table[list(NODE_COLUMNS)].fillna("").astype(str)

    @property
    def ids(self) -> list[str]:
        """The framework's node ids in natural order."""
        return self.nodes.index.tolist()


# --- the registry -------------------------------------------------------------------------------

_REGISTRY: dict[str, Framework] = {}


def register(fw: Framework, *, replace: bool = False) -> Framework:
    """Add a framework to the registry; with ``replace``, a user framework of the same name is replaced.

    The five bundled frameworks can never be replaced, and two frameworks never share a prefix.
    """
    bundled = {f.name for f in _REGISTRY.values() if f.order < _USER_ORDER}
    clash = [f for f in _REGISTRY.values() if f.name == fw.name or (fw.prefix and f.prefix == fw.prefix)]
    for other in clash:
        if other.name in bundled or not replace:
            valid = tr("error.apps.frameworks.valid_prefix" if other.name in bundled
                       else "error.apps.frameworks.valid_replace")
            raise ValidationError(locate(tr("error.apps.frameworks.registered"), value=fw.prefix or fw.name,
                                         valid=valid))
        del _REGISTRY[other.name]
    _REGISTRY[fw.name] = fw
    return fw


def unregister(name: str) -> None:
    """Remove a user framework from the registry (the bundled ones stay)."""
    fw = framework(name)
    if fw.order < _USER_ORDER:
        raise ValidationError(locate(tr("error.apps.frameworks.bundled_kept"), value=name,
                                     valid=tr("error.apps.frameworks.valid_user_framework")))
    del _REGISTRY[fw.name]


def framework(name: str) -> Framework:
    """The registered framework called ``name`` (or with that prefix).

    Examples
    --------
    >>> framework("MKM").name, framework("sdg_goal").title_en
    ('miljomal', 'SDG goals')
    """
    for fw in _REGISTRY.values():
        if name in (fw.name, fw.prefix):
            return fw
    raise UnknownIdError(locate(tr("error.no_framework"), value=name,
                                valid=", ".join(f.name for f in _REGISTRY.values())))


def frameworks() -> list[Framework]:
    """Every registered framework, in the order their ids sort."""
    return sorted(_REGISTRY.values(), key=lambda f: (f.order, f.prefix or ""))


def _by_prefix(prefix: str) -> Framework | None:
    return next((f for f in _REGISTRY.values() if f.prefix == prefix), None)


# --- node ids -----------------------------------------------------------------------------------


def id_forms_words():
    """The valid forms of a node id, registered frameworks included, in both languages (errors.Words)."""
    user = [f"'{f.prefix}-…' ({f.title_sv})" for f in frameworks() if f.prefix not in (None, *_CORE_PREFIXES)]
    return tr("error.valid_id_forms", registered=tr("error.registered_ids", ids=", ".join(user)) if user else "")


#: The valid forms of a node id in English words (error messages say :func:`id_forms_words`, in the user's language).
NODE_ID_FORMS = ("an SDG target such as '1.1', '1.a' or '17.19'; a goal 'SDG-1' … 'SDG-17'; a miljökvalitetsmål "
                 "'MKM-0' … 'MKM-16'; a folkhälsomål area 'FH-0' … 'FH-8'; a Mongolia objective 'MN-1' … 'MN-17'; "
                 "or an id of your own framework 'PREFIX-N' (upper-case prefix, whole number, e.g. 'LULEA-3')")


def node_sort_key(node_id: str) -> tuple:
    """Sort key giving the natural order of node ids.

    SDG targets first, by goal, then by target number, numbers before letters (1.1 < 1.2 < 1.10 < 1.a
    < 2.1); then ``SDG-1`` … ``SDG-17``, ``MKM-0`` … ``MKM-16``, ``FH-0`` … ``FH-8``, ``MN-1`` …; then
    other ``PREFIX-N`` by prefix, then number. Anything else sorts last, as text.

    Examples
    --------
    >>> sorted(["17.19", "LULEA-10", "FH-1", "1.b", "LULEA-9", "MN-2", "2.1"], key=node_sort_key)
    ['1.b', '2.1', '17.19', 'FH-1', 'MN-2', 'LULEA-9', 'LULEA-10']
    """
    name = str(node_id).strip()
    if match := _TARGET_RE.match(name):
        part = match[2]
        goal = int(match[1])
        return (0, "", goal, 0, int(part), "") if part.isdigit() else (0, "", goal, 1, 0, part)
    if match := _PREFIXED_RE.match(name):
        fw = _by_prefix(match[1])
        order = fw.order if fw is not None else _USER_ORDER
        return (order, "" if order < _USER_ORDER else match[1], int(match[2]), 0, 0, "")
    return (_USER_ORDER + 1, name, 0, 0, 0, "")


def check_node_id(
    node_id: object, *, file: object = None, row: int | None = None, column: object = None
) -> str:
    """Check one node id and return it in canonical form.

    Whitespace around the id is stripped, the id put in Unicode NFC (an ``Ö`` typed as O + ◌̈ is ``Ö``) and
    leading zeros of a ``PREFIX-N`` number dropped (``"LULEA-03"`` -> ``"LULEA-3"``); SDG target ids must be
    written exactly as the UN does. A letter that only looks Latin (a Cyrillic ``А``) is named in the error. An id of a
    registered framework must be one of its nodes; ``PREFIX-N`` of an unregistered prefix is valid.

    Numbers are refused: read id columns as text (``dtype=str``), since ``1.10`` read as a float is
    ``1.1``. ``file``, ``row`` (as a spreadsheet shows it, header = row 1) and ``column`` say where the
    id was read, for the message. Raises :class:`~sdg_interactions.errors.UnknownIdError`.

    Examples
    --------
    >>> check_node_id("MKM-0"), check_node_id("LULEA-03")
    ('MKM-0', 'LULEA-3')
    >>> check_node_id("1.20", file="m.csv", row=4, column="source")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.UnknownIdError: m.csv, row 4, column 'source': looks like an SDG target id but names no target: '1.20'. Valid: an SDG target such as '1.1', ...
    """  # noqa: E501
    where = {"file": file, "row": row, "column": column}
    if not isinstance(node_id, str):
        missing = node_id is None or (isinstance(node_id, float) and np.isnan(node_id))
        problem = tr("error.id_missing") if missing else tr("error.id_not_text", type=type(node_id).__name__)
        value = None if missing else node_id
        raise UnknownIdError(locate(problem, value=value, valid=id_forms_words(), **where))
    name = unicodedata.normalize("NFC", node_id.strip())
    if _TARGET_RE.match(name):
        if name in _REGISTRY["sdg_target"].nodes.index:
            return name
        raise UnknownIdError(locate(tr("error.id_no_target"), value=name, valid=id_forms_words(), **where))
    if match := _PREFIXED_RE.match(name):
        prefix, number = match[1], int(match[2])
        canonical = f"{prefix}-{number}"
        fw = _by_prefix(prefix)
        if fw is not None and canonical not in fw.nodes.index:
            ids = fw.ids
            span = tr("error.span", first=ids[0], last=ids[-1]) if len(ids) > 3 else ", ".join(ids)
            raise UnknownIdError(locate(tr("error.id_not_in_framework", name=repr(fw.name)), value=name,
                                        valid=tr("error.valid_framework_ids", n=len(ids), span=span), **where))
        return canonical
    foreign = _foreign_letter(name)
    problem = tr("error.id_foreign", character=describe_character(foreign)) if foreign else tr("error.id_invalid")
    raise UnknownIdError(locate(problem, value=name, valid=id_forms_words(), **where))


def _foreign_letter(name: str) -> str | None:
    """The first letter of ``name`` that is not Latin (a Cyrillic ``А`` that looks like ``A``), or None."""
    return next((c for c in name if c.isalpha() and not unicodedata.name(c, "").startswith("LATIN")), None)


def is_node_id(name: object) -> bool:
    """True if :func:`check_node_id` accepts ``name``."""
    try:
        check_node_id(name)
    except UnknownIdError:
        return False
    return True


def framework_of(node_id: str) -> str:
    """The framework of a node id: ``"sdg_target"``, ``"sdg_goal"``, ``"miljomal"``,
    ``"folkhalsomal"``, ``"mongolia2017"`` or the prefix of a user's own framework.

    Raises :class:`~sdg_interactions.errors.UnknownIdError` for an invalid id.

    Examples
    --------
    >>> [framework_of(i) for i in ["14.a", "SDG-14", "MKM-3", "FH-0", "MN-5", "LULEA-3"]]
    ['sdg_target', 'sdg_goal', 'miljomal', 'folkhalsomal', 'mongolia2017', 'LULEA']
    """
    name = check_node_id(node_id)
    if _TARGET_RE.match(name):
        return "sdg_target"
    prefix = name.rsplit("-", 1)[0]
    fw = _by_prefix(prefix)
    return fw.name if fw is not None else prefix


def node_info(ids: str | Iterable[str]) -> pd.DataFrame:
    """Framework, group, layer, labels and texts of nodes, in both languages, from the registry.

    Returns a DataFrame indexed by ``id`` (checked with :func:`check_node_id`, in the given order) with
    the columns :data:`NODE_COLUMNS`: ``group`` is the SDG goal number ("1" … "17") for targets, the
    goal id for goals, the målområde or group of other frameworks ("MKM", "FH", "MN", a user table's
    ``group``); ``layer`` the wedding-cake layer of an SDG target's or goal's goal (``biosphere``,
    ``society``, ``economy``, ``all``), else "". A missing label falls back to the other language, then
    to the id; nodes of an unregistered prefix get their prefix as framework and group.

    Examples
    --------
    >>> node_info(["13.1", "SDG-13", "MKM-1", "LULEA-1"])[["framework", "group", "layer", "label_en"]]
            framework   group      layer                   label_en
    id
    13.1   sdg_target      13  biosphere  Climate change adaptation
    SDG-13   sdg_goal  SDG-13  biosphere             Climate action
    MKM-1    miljomal     MKM               Reduced Climate Impact
    LULEA-1     LULEA   LULEA                               LULEA-1
    """
    checked = [check_node_id(i) for i in ([ids] if isinstance(ids, str) else ids)]
    parts = []
    for name in checked:
        fw = _REGISTRY["sdg_target"] if _TARGET_RE.match(name) else _by_prefix(name.rsplit("-", 1)[0])
        if fw is not None:
            parts.append(fw.nodes.loc[[name]])
        else:
            prefix = name.rsplit("-", 1)[0]
            parts.append(pd.DataFrame([[prefix, prefix, name, name, "", "", ""]], columns=list(NODE_COLUMNS),
                                      index=[name]))
    info = pd.concat(parts) if parts else pd.DataFrame(columns=list(NODE_COLUMNS))
    info.index.name = "id"
    for lang, other in (("sv", "en"), ("en", "sv")):
        label = info[f"label_{lang}"]
        label = label.where(label != "", info[f"label_{other}"])
        info[f"label_{lang}"] = label.where(label != "", info.index.to_series())
    return info


def group_node(node_id: str, group: str | None = None) -> str:
    """The goal-level node of a node's group: ``SDG-<g>`` for an SDG target of goal ``g``, else the group.

    ``group`` defaults to the registry's (a matrix's ``source_group`` coordinate may be passed instead).

    Examples
    --------
    >>> group_node("13.2"), group_node("MKM-3"), group_node("LULEA-2", "Miljö")
    ('SDG-13', 'MKM', 'Miljö')
    """
    if group is None:
        group = str(node_info([node_id])["group"].iloc[0])
    name = framework_of(node_id)
    fw = _REGISTRY.get(name)
    return (fw.group_node if fw is not None else "{group}").format(group=group)


# --- user frameworks ----------------------------------------------------------------------------


def _read_table(path: str | os.PathLike) -> pd.DataFrame:
    """A user framework's table from a CSV (UTF-8 or Windows-1252, ``,`` or ``;``) or Excel file."""
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        try:
            return pd.read_excel(path, dtype=str, keep_default_na=False)
        except (OSError, ValueError) as err:
            raise InputFormatError(locate(tr("frameworks.error.workbook", reason=err), file=Path(path).name,
                                          valid=tr("frameworks.error.valid_workbook"))) from err
    header, rows = read_table(path)
    table = pd.DataFrame([cells + [""] * (len(header) - len(cells)) for _, cells in rows], columns=header)
    table["_row"] = [number for number, _ in rows]
    return table


def nodes_from_table(table: pd.DataFrame | str | os.PathLike) -> tuple[str, pd.DataFrame]:
    """Check a framework's table (see :func:`register_from_table`) and return ``(prefix, node table)``.

    The node table is indexed by ``id`` in natural order with the columns ``label_sv``, ``label_en``,
    ``group``, ``text_sv`` and ``text_en``. Nothing is registered; a prefix taken by a registered
    framework is not checked here. Errors (a missing column, an id that is not ``PREFIX-N``, two
    prefixes, an id given twice, a node without a label) name the file, row and column.

    Examples
    --------
    >>> prefix, nodes = nodes_from_table(pd.DataFrame({"id": ["ORT-2", "ORT-1"], "label_sv": ["B", "A"],
    ...                                                "label_en": ["", ""], "group": ["g", "g"]}))
    >>> prefix, nodes.index.tolist()
    ('ORT', ['ORT-1', 'ORT-2'])
    """
    file = Path(table).name if isinstance(table, (str, os.PathLike)) else None
    frame = _read_table(table) if file is not None else table.copy() if isinstance(table, pd.DataFrame) else None
    if frame is None:
        raise ValidationError(locate(tr("frameworks.error.not_a_table"),
                                     value=type(table).__name__, valid=", ".join(TABLE_COLUMNS[:4])))
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in TABLE_COLUMNS[:4]:
        if column not in frame.columns:
            raise ValidationError(locate(tr("frameworks.error.missing_column"), file=file,
                                         column=column, valid=", ".join(TABLE_COLUMNS)))
    unknown = [c for c in frame.columns if c not in (*TABLE_COLUMNS, "_row")]
    if unknown:
        raise ValidationError(locate(tr("frameworks.error.unknown_column"), file=file, column=unknown[0],
                                     valid=", ".join(TABLE_COLUMNS)))
    rows = frame["_row"].tolist() if "_row" in frame else list(range(2, len(frame) + 2))
    if frame.empty:
        raise ValidationError(locate(tr("frameworks.error.no_rows"), file=file,
                                     valid=tr("frameworks.error.valid_rows")))
    ids, prefixes, first_row = [], set(), {}
    for value, row in zip(frame["id"], rows, strict=True):
        name = unicodedata.normalize("NFC", str(value).strip()) if isinstance(value, str) else value
        match = _PREFIXED_RE.match(name) if isinstance(name, str) else None
        if match is None:
            if isinstance(name, str) and _foreign_letter(name):
                check_node_id(name, file=file, row=row, column="id")  # names the letter that only looks Latin
            raise UnknownIdError(locate(tr("frameworks.error.id_form"), file=file, row=row, column="id",
                                        value=value, valid=tr("frameworks.error.valid_id_form")))
        prefixes.add(match[1])
        if len(prefixes) > 1:
            raise ValidationError(locate(tr("frameworks.error.one_prefix"), file=file, row=row, column="id",
                                         value=name,
                                         valid=tr("frameworks.error.valid_prefix", prefix=sorted(prefixes)[0])))
        canonical = f"{match[1]}-{int(match[2])}"
        if canonical in first_row:
            raise ValidationError(locate(tr("frameworks.error.id_twice"), file=file, row=row, column="id", value=name,
                                         valid=tr("frameworks.error.valid_id_once", row=first_row[canonical])))
        first_row[canonical] = row
        ids.append(canonical)
    nodes = pd.DataFrame({"id": ids}).set_index("id")
    for column in TABLE_COLUMNS[1:]:
        values = frame[column] if column in frame else pd.Series([""] * len(frame))
        check_no_bidi(values.tolist(), what="group" if column == "group" else "label" if "label" in column else "text",
                      file=file, rows=rows, column=column)
        nodes[column] = [("" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v).strip())
                         for v in values]
    for k, row in enumerate(rows):
        if not (nodes["label_sv"].iloc[k] or nodes["label_en"].iloc[k]):
            raise ValidationError(locate(tr("frameworks.error.no_label"), file=file, row=row, column="label_sv",
                                         value=ids[k], valid=tr("frameworks.error.valid_label")))
    nodes = nodes.iloc[sorted(range(len(ids)), key=lambda k: int(ids[k].rsplit("-", 1)[1]))]
    nodes.attrs["first"] = (rows[0], ids[0])
    return prefixes.pop(), nodes


def register_from_table(table: pd.DataFrame | str | os.PathLike, *, title_sv: str | None = None,
                        title_en: str | None = None, replace: bool = False) -> Framework:
    """Register a kommun's own framework from a table and return it.

    The table (a DataFrame, or a CSV / Excel file) has one row per goal with the columns ``id``
    (``PREFIX-N``, one prefix for all rows, not a prefix of the bundled frameworks SDG, MKM, FH, MN,
    EXB), ``label_sv``, ``label_en`` (at least one of the two per row), ``group`` (the kommun's grouping,
    e.g. a nämnd or a målområde) and optionally ``text_sv``, ``text_en``. Every node function (labels,
    order, roll-up by group) then knows the nodes; a matrix of these ids gets the labels as coordinates.

    Errors name the file, row and column (:func:`nodes_from_table`). ``replace=True`` replaces a
    framework registered before with the same prefix.

    Examples
    --------
    >>> fw = register_from_table(pd.DataFrame({"id": ["HABO-2", "HABO-1"], "label_sv": ["Trygghet", "Klimat"],
    ...                                        "label_en": ["", "Climate"], "group": ["Social", "Miljö"]}))
    >>> fw.name, fw.ids, node_info(["HABO-2"])[["group", "label_en"]].iloc[0].tolist()
    ('HABO', ['HABO-1', 'HABO-2'], ['Social', 'Trygghet'])
    >>> unregister("HABO")
    """
    file = Path(table).name if isinstance(table, (str, os.PathLike)) else None
    prefix, nodes = nodes_from_table(table)
    owner = _by_prefix(prefix)
    if owner is not None and (owner.order < _USER_ORDER or not replace):
        taken = ", ".join(f.prefix for f in frameworks() if f.prefix and f.order < _USER_ORDER)
        valid = (tr("frameworks.error.valid_own_prefix", taken=taken) if owner.order < _USER_ORDER
                 else tr("frameworks.error.valid_replace"))
        row, first = nodes.attrs["first"]
        raise ValidationError(locate(tr("frameworks.error.prefix_taken", prefix=repr(prefix)), file=file, row=row,
                                     column="id", value=first, valid=valid))
    fw = Framework(name=prefix, prefix=prefix, order=_USER_ORDER, title_sv=title_sv or prefix,
                   title_en=title_en or title_sv or prefix, loader=lambda: nodes, source=file or "")
    return register(fw, replace=replace)


# --- the bundled frameworks ---------------------------------------------------------------------


def _from_catalogue(read: Callable[[str], pd.DataFrame], group: Callable[[pd.DataFrame], object],
                    layer: Callable[[pd.DataFrame], object] | None = None) -> Callable[[], pd.DataFrame]:
    def load() -> pd.DataFrame:
        sv, en = read("sv"), read("en")
        return pd.DataFrame({
            "group": np.asarray(group(sv), dtype=object), "label_sv": sv["short"].to_numpy(),
            "label_en": en["short"].to_numpy(), "text_sv": sv["title"].to_numpy(),
            "text_en": en["title"].to_numpy(), "layer": "" if layer is None else np.asarray(layer(sv), dtype=object),
        }, index=pd.Index(sv["id"], name="id"))
    return load


def _goal_layer(goal_numbers: pd.Series) -> np.ndarray:
    layers = catalogues.goals("sv").set_index("goal")["layer"]
    return goal_numbers.astype(int).map(layers).to_numpy()


def _prefix_of(table: pd.DataFrame) -> pd.Series:
    return table["id"].str.rsplit("-", n=1).str[0]


for _fw in (
    Framework("sdg_target", None, 0, "SDG-delmål", "SDG targets",
              _from_catalogue(catalogues.targets, lambda t: t["goal"].astype(str),
                              lambda t: _goal_layer(t["goal"])), "SDG-{group}", "UN; Regeringskansliet/SCB"),
    Framework("sdg_goal", "SDG", 1, "Globala mål", "SDG goals",
              _from_catalogue(catalogues.goals, lambda t: t["id"], lambda t: t["layer"]), "{group}", "UN"),
    Framework("miljomal", "MKM", 2, "Miljökvalitetsmål", "Environmental quality objectives",
              _from_catalogue(catalogues.miljomal, _prefix_of), "{group}", "Naturvårdsverket"),
    Framework("folkhalsomal", "FH", 3, "Folkhälsopolitiska målområden", "Public health target areas",
              _from_catalogue(catalogues.folkhalsomal, _prefix_of), "{group}", "Folkhälsomyndigheten"),
    Framework("mongolia2017", "MN", 4, "Mongoliets nationella mål (2017)", "Mongolia's national objectives (2017)",
              _from_catalogue(catalogues.mongolia_objectives, _prefix_of), "{group}", "SEI 2017"),
):
    register(_fw)
del _fw
