"""The Framework registry: the frameworks node ids belong to, their natural order, labels, groups, layers.

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
label is this node" (:mod:`~sdg_interactions.frameworks.node_ids`: ``framework_of``, ``node_info``,
``node_sort_key``, ``check_node_id``) asks it. The bundled frameworks are registered when this module is
imported; a kommun's own goals are registered from a table with
:func:`~sdg_interactions.frameworks.user_tables.register_from_table`. An id ``PREFIX-N`` of
a prefix no one registered is still valid (an open framework: its label is its id).

Examples
--------
>>> framework("miljomal").prefix, framework("FH").name
('MKM', 'folkhalsomal')
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sdg_interactions.errors import UnknownIdError, ValidationError, locate, tr
from sdg_interactions.frameworks import catalogues

__all__ = ["NODE_COLUMNS", "Framework", "framework", "frameworks", "register", "register_on_demand", "unregister"]

#: The columns of a framework's node table (:attr:`Framework.nodes`) and of
#: :func:`~sdg_interactions.frameworks.node_ids.node_info`.
NODE_COLUMNS = ("framework", "group", "label_sv", "label_en", "text_sv", "text_en", "layer")

_USER_ORDER = 10  # user frameworks sort after the bundled ones, by prefix


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

    Parameters
    ----------
    fw : Framework
        The framework to add; user frameworks have ``order`` 10.
    replace : bool
        Replace a user framework registered before with the same name or prefix; by default that is an
        error.

    Returns
    -------
    Framework
        ``fw``, now registered.

    Raises
    ------
    sdg_interactions.errors.ValidationError
        When the name or prefix is taken by a bundled framework, or by a user framework and ``replace``
        is False.

    See Also
    --------
    sdg_interactions.frameworks.register_from_table : Registers a kommun's own framework from a table.
    unregister : Removes a user framework again.

    Examples
    --------
    >>> import pandas as pd
    >>> nodes = pd.DataFrame({"label_sv": ["Klimat"], "group": ["Miljö"]}, index=pd.Index(["ORT-1"], name="id"))
    >>> from sdg_interactions.frameworks import framework_of, node_info
    >>> fw = register(Framework("ORT", "ORT", 10, "Orts mål", "Ort's goals", lambda: nodes))
    >>> framework_of("ORT-1"), node_info(["ORT-1"])[["label_en", "group"]].iloc[0].tolist()
    ('ORT', ['Klimat', 'Miljö'])
    >>> unregister("ORT")
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
    """Remove a user framework from the registry (the bundled ones stay).

    Parameters
    ----------
    name : str
        The framework's name or prefix.

    Raises
    ------
    sdg_interactions.errors.ValidationError
        For a bundled framework.
    sdg_interactions.errors.UnknownIdError
        For a name no framework has.

    See Also
    --------
    register : Adds a framework.
    sdg_interactions.frameworks.register_from_table : Adds a kommun's own framework from a table.

    Examples
    --------
    >>> import pandas as pd
    >>> from sdg_interactions.frameworks import register_from_table
    >>> fw = register_from_table(pd.DataFrame({"id": ["ORT-1"], "label_sv": ["Klimat"], "label_en": [""],
    ...                                        "group": ["Miljö"]}))
    >>> unregister("ORT")
    >>> "ORT" in [f.name for f in frameworks()]
    False
    """
    fw = framework(name)
    if fw.order < _USER_ORDER:
        raise ValidationError(locate(tr("error.apps.frameworks.bundled_kept"), value=name,
                                     valid=tr("error.apps.frameworks.valid_user_framework")))
    del _REGISTRY[fw.name]


def framework(name: str) -> Framework:
    """The registered framework called ``name`` (or with that prefix).

    Parameters
    ----------
    name : str
        A framework's name (``"miljomal"``) or prefix (``"MKM"``).

    Returns
    -------
    Framework
        The registered record.

    Raises
    ------
    sdg_interactions.errors.UnknownIdError
        For a name no framework has; the message lists the registered ones.

    See Also
    --------
    frameworks : Every registered framework.
    sdg_interactions.frameworks.framework_of : The name of the framework of a node id.

    Examples
    --------
    >>> framework("MKM").name, framework("sdg_goal").title_en
    ('miljomal', 'SDG goals')
    """
    for fw in _REGISTRY.values():
        if name in (fw.name, fw.prefix):
            return fw
    if made := _on_demand(name):
        return made
    raise UnknownIdError(locate(tr("error.no_framework"), value=name,
                                valid=", ".join(f.name for f in _REGISTRY.values())))


def frameworks() -> list[Framework]:
    """Every registered framework, in the order their ids sort.

    Returns
    -------
    list of Framework
        The bundled frameworks first (SDG targets, SDG goals, miljömål, folkhälsomål, Mongolia's
        objectives, the demo kommun's goals), then users' frameworks by prefix.

    See Also
    --------
    framework : One framework by name or prefix.
    sdg_interactions.frameworks.node_sort_key : The natural order of node ids, which follows this one.

    Examples
    --------
    >>> [f.name for f in frameworks()][:5]
    ['sdg_target', 'sdg_goal', 'miljomal', 'folkhalsomal', 'mongolia2017']
    """
    return sorted(_REGISTRY.values(), key=lambda f: (f.order, f.prefix or ""))


#: Frameworks registered only when asked for (the bundled demo kommun's goals): by an id with their prefix, or by
#: their name or prefix in :func:`framework`. Until then no error's "Valid: …" names them.
_ON_DEMAND: dict[tuple[str, str], Callable[[], Framework]] = {}


def register_on_demand(name: str, prefix: str, make: Callable[[], Framework]) -> None:
    """Register the framework ``make()`` returns when it is first asked for: an id with ``prefix`` is checked, or
    :func:`framework` is called with ``name`` or ``prefix``.

    Parameters
    ----------
    name, prefix : str
        The framework's name and id prefix, as ``make()`` will register them.
    make : callable
        Returns the :class:`Framework` to register.

    See Also
    --------
    register : Registers a framework at once.

    Examples
    --------
    >>> register_on_demand("ortsmal", "ORTD", lambda: Framework("ortsmal", "ORTD", 20, "Ortens mål", "Local goals",
    ...                                                          lambda: pd.DataFrame()))
    >>> "ortsmal" in [f.name for f in frameworks()], framework("ORTD").name
    (False, 'ortsmal')
    >>> unregister("ortsmal")
    """
    _ON_DEMAND[(name, prefix)] = make


def _on_demand(key: str) -> Framework | None:
    """Register and return the on-demand framework with this name or prefix, if there is one."""
    found = next((k for k in _ON_DEMAND if key in k), None)
    return register(_ON_DEMAND.pop(found)()) if found is not None else None


def _by_prefix(prefix: str) -> Framework | None:
    return next((f for f in _REGISTRY.values() if f.prefix == prefix), None) or _on_demand(prefix)


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
