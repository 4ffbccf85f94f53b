"""Node ids: check one, sort them, and ask the framework registry what they are.

Every question "which framework, goal, layer or label is this node" (:func:`framework_of`,
:func:`node_info`, :func:`node_sort_key`, :func:`check_node_id`, :func:`group_node`) asks the registry of
:mod:`~sdg_interactions.frameworks.registry`, whose docstring lists the forms of an id. All are
re-exported by :mod:`sdg_interactions.frameworks`.

Examples
--------
>>> check_node_id(" 1.a ")
'1.a'
>>> sorted(["1.a", "SDG-2", "1.10", "MKM-0", "1.2"], key=node_sort_key)
['1.2', '1.10', '1.a', 'SDG-2', 'MKM-0']
>>> framework_of("FH-3")
'folkhalsomal'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

import numpy as np
import pandas as pd

from sdg_interactions.errors import UnknownIdError, describe_character, locate, tr
from sdg_interactions.frameworks.registry import _REGISTRY, _USER_ORDER, NODE_COLUMNS, _by_prefix, frameworks

__all__ = [  # noqa: RUF022 (grouped by topic)
    "NODE_ID_FORMS", "id_forms_words", "check_node_id", "node_sort_key", "framework_of", "node_info",
    "group_node", "is_node_id",
]

_TARGET_RE = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-z])$")
_PREFIXED_RE = re.compile(r"^([A-ZÅÄÖ][A-ZÅÄÖ0-9_]*)-(\d+)$")
_CORE_PREFIXES = ("SDG", "MKM", "FH", "MN")  # named in every message; other frameworks are listed by name


def id_forms_words():
    """The valid forms of a node id, registered frameworks included, in both languages.

    Returns
    -------
    sdg_interactions.errors.Words
        The text of an error's "Valid:" part: its ``str`` is English, ``.say("sv")`` Swedish. A
        framework registered beside the bundled ones is named with its prefix and title.

    See Also
    --------
    check_node_id : Names these forms when it refuses an id.
    sdg_interactions.frameworks.register_from_table : Registers a framework, whose ids then count among the forms.

    Examples
    --------
    >>> words = id_forms_words()
    >>> str(words)[:40], words.say("sv")[:40]
    ("an SDG target such as '1.1', '1.a' or '1", "ett delmål i Agenda 2030 som '1.1', '1.a")
    """
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

    Parameters
    ----------
    node_id : str
        A node id (not checked; surrounding whitespace is ignored).

    Returns
    -------
    tuple
        A key for :func:`sorted` or ``list.sort``.

    See Also
    --------
    check_node_id : Checks an id before it is sorted.
    sdg_interactions.frameworks.frameworks : The frameworks in the order their ids sort.

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
    ``1.1``.

    Parameters
    ----------
    node_id : object
        The id as read; anything but a string is refused.
    file : object, optional
        The file the id was read from, for the message.
    row : int, optional
        The row the id was read from, as a spreadsheet shows it (header = row 1), for the message.
    column : object, optional
        The column the id was read from, for the message.

    Returns
    -------
    str
        The id in canonical form.

    Raises
    ------
    sdg_interactions.errors.UnknownIdError
        For an id of no valid form, or not a node of its registered framework.

    See Also
    --------
    is_node_id : The same check as True or False.
    framework_of : The framework of a checked id.
    node_sort_key : The natural order of ids.

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
    """True if :func:`check_node_id` accepts ``name``.

    Parameters
    ----------
    name : object
        A candidate node id.

    Returns
    -------
    bool
        Whether ``name`` is a valid node id.

    See Also
    --------
    check_node_id : Returns the canonical id, or raises an error saying what is wrong.

    Examples
    --------
    >>> is_node_id("MKM-3"), is_node_id(" 1.a "), is_node_id("1.20"), is_node_id(1.1)
    (True, True, False, False)
    """
    try:
        check_node_id(name)
    except UnknownIdError:
        return False
    return True


def framework_of(node_id: str) -> str:
    """The framework of a node id.

    Parameters
    ----------
    node_id : str
        A node id, checked with :func:`check_node_id`.

    Returns
    -------
    str
        ``"sdg_target"``, ``"sdg_goal"``, ``"miljomal"``, ``"folkhalsomal"``, ``"mongolia2017"`` or the
        prefix of a user's own framework.

    Raises
    ------
    sdg_interactions.errors.UnknownIdError
        For an invalid id.

    See Also
    --------
    sdg_interactions.frameworks.framework : The registered record of a framework name.
    node_info : Framework, group, layer and labels together.

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

    Parameters
    ----------
    ids : str or iterable of str
        One node id or several, each checked with :func:`check_node_id`.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``id`` (checked, in the given order) with the columns :data:`NODE_COLUMNS`: ``group``
        is the SDG goal number ("1" … "17") for targets, the goal id for goals, the målområde or group of
        other frameworks ("MKM", "FH", "MN", a user table's ``group``); ``layer`` the wedding-cake layer of
        an SDG target's or goal's goal (``biosphere``, ``society``, ``economy``, ``all``), else "". A
        missing label falls back to the other language, then to the id; nodes of an unregistered prefix
        get their prefix as framework and group.

    See Also
    --------
    framework_of : The framework alone.
    group_node : The goal-level node of a node's group.

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

    Parameters
    ----------
    node_id : str
        A node id.
    group : str, optional
        The node's group; defaults to the registry's (a matrix's ``source_group`` coordinate may be
        passed instead).

    Returns
    -------
    str
        The id of the node the group rolls up to.

    See Also
    --------
    node_info : The ``group`` of each node.

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
