"""Konsekvensanalys: what one decision does to the 2030 Agenda, as the parts of a one-page note.

A decision advances some targets directly (``targets``, with optional ``efforts``). On the direct links of
the matrix (:func:`~sdg_interactions.analysis.scenario`, the classes of DESIGN's "Scenarios") the note
says what *comes along* (direct support ≥ 2, grouped by goal), what is only *partly* supported (≥ 1),
what is *at risk* (a link ≤ −2 from one of the decision's targets, or more hindrance than support),
worst first (the worst link as scored, then the net direct effect, then natural order; equal keys are
ties and named as such), with the matrix's comments as the reason; the conflicts between the decision's
own targets; which of the strongest levers (systemic rank ≤ 5, ties included) it touches; the effect on
miljömål and folkhälsomål when the linkage tables exist (:mod:`sdg_interactions.analysis.projection`);
and the basis: which matrix, whose assessment.

:func:`konsekvens` returns a :class:`KonsekvensNote` of plain data (no format);
:mod:`~sdg_interactions.report.konsekvens_text` words it as a
:class:`~sdg_interactions.report.document.Document` (its ``konsekvens_document``) and writes it (its
``write_konsekvens``); that module imports this one, never the other way round.

Examples
--------
>>> note = konsekvens("weitz2018_sweden", ["7.2"])
>>> [r.node.id for r in note.at_risk][:2], note.at_risk[0].hindrances[0].score
(['6.6', '6.5'], -2.0)
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.analysis import (
    adjacency,
    check_priorities,
    scenario,
    sdg_synergies,
    tied,
    triggered_conflicts,
)
from sdg_interactions.analysis.projection import contributions, decision_effects, project_onto
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.matrix import RESPONDENT, node_ids, single_matrix
from sdg_interactions.texts import check_lang

__all__ = [
    "LEVERS",
    "Basis",
    "GoalGroup",
    "Hindrance",
    "KonsekvensNote",
    "Lever",
    "Node",
    "ObjectiveEffects",
    "OwnConflict",
    "Risk",
    "konsekvens",
]

#: How many of the strongest levers (by systemic rank, ties included) the note looks at.
LEVERS = 5


@dataclass(frozen=True)
class Node:
    """A node with its label (in the note's language) and its group (the SDG goal number for targets)."""

    id: str
    label: str
    group: str = ""


@dataclass(frozen=True)
class GoalGroup:
    """Targets of one goal: ``goal`` the group ("7"), ``name`` the goal's short name in the note's language."""

    goal: str
    name: str
    targets: tuple[Node, ...]


@dataclass(frozen=True)
class Hindrance:
    """One scored link from a decision's target: ``score`` as scored (or the mean of several answers)."""

    source: Node
    score: float
    comment: str = ""


@dataclass(frozen=True)
class Risk:
    """A target at risk: the links that hinder it (worst first) and those that support it; ``worst`` the
    worst link as scored, ``net`` the direct support plus hindrance (efforts included); ``place`` its
    place worst first, shared by ties (1, 2, 2, 4)."""

    node: Node
    hindrances: tuple[Hindrance, ...]
    supports: tuple[Hindrance, ...]
    worst: float
    net: float
    place: int


@dataclass(frozen=True)
class OwnConflict:
    """A conflict between two of the decision's own targets: ``source`` hinders ``target`` (``score`` < 0);
    ``reverse`` is the score the other way (NaN if not scored)."""

    source: Node
    target: Node
    score: float
    reverse: float
    comment: str = ""


@dataclass(frozen=True)
class Lever:
    """One of the strongest levers and how the decision touches it: ``relation`` is ``"prioritised"``,
    ``"comes_along"``, ``"partly_supported"``, ``"at_risk"`` or ``"not_free"`` (not reached directly)."""

    node: Node
    rank: int
    relation: str


@dataclass(frozen=True)
class ObjectiveEffects:
    """The decision's effect on one framework's objectives (``"miljomal"`` or ``"folkhalsomal"``): the
    objectives it helps most and those it may work against, each with the targets it goes through."""

    framework: str
    helped: tuple[tuple[Node, tuple[str, ...]], ...]
    hindered: tuple[tuple[Node, tuple[str, ...]], ...]
    proposal: bool


@dataclass(frozen=True)
class Basis:
    """Which matrix, whose assessment: ``national_example`` for a bundled matrix (not the kommun's own)."""

    matrix: str
    title: str
    scored_by: str
    citation: str
    national_example: bool
    kommun: str = ""
    date: str = ""
    respondents: int = 0
    doi: str = ""


@dataclass(frozen=True)
class KonsekvensNote:
    """The parts of a konsekvensanalys as data; :func:`konsekvens_document` words them."""

    title: str
    lang: str
    advances: tuple[Node, ...]
    efforts: tuple[float, ...]
    comes_along_by_goal: tuple[GoalGroup, ...]
    partly: tuple[GoalGroup, ...]
    n_untouched: int
    at_risk: tuple[Risk, ...]
    also_hindered: tuple[Risk, ...]
    own_conflicts: tuple[OwnConflict, ...]
    levers: tuple[Lever, ...]
    objectives: tuple[ObjectiveEffects, ...]
    basis: Basis

    @property
    def levers_touched(self) -> tuple[Lever, ...]:
        """The strongest levers the decision reaches directly (all but ``not_free``)."""
        return tuple(lever for lever in self.levers if lever.relation != "not_free")

    @property
    def how_to_read(self) -> str:
        """One sentence on how to read the note, in its language."""
        from sdg_interactions.texts import text

        return text("konsekvens.basis.how_to_read", self.lang)


def _nodes(m: xr.DataArray, lang: str) -> dict[str, Node]:
    ids = node_ids(m)
    name = f"source_label_{lang}"
    labels = m[name].to_numpy() if name in m.coords else ids
    groups = m["source_group"].to_numpy() if "source_group" in m.coords else [""] * len(ids)
    return {i: Node(i, str(v) if str(v) not in ("", "nan") else i, str(g) if str(g) != "nan" else "")
            for i, v, g in zip(ids, labels, groups, strict=True)}


def _by_goal(nodes: list[Node], lang: str) -> tuple[GoalGroup, ...]:
    names = dict(zip(frameworks.goals(lang)["goal"].astype(str), frameworks.goals(lang)["short"], strict=True))
    groups: dict[str, list[Node]] = {}
    for node in sorted(nodes, key=lambda n: frameworks.node_sort_key(n.id)):
        groups.setdefault(node.group, []).append(node)
    return tuple(GoalGroup(goal, names.get(goal, goal), tuple(members)) for goal, members in groups.items())


def _same(a: float, b: float) -> bool:
    return bool(tied(a, b))


def _places(keys: list[tuple[float, float]]) -> list[int]:
    """Places 1, 2, 2, 4 for keys already sorted; equal (within the tolerance) keys share a place."""
    places: list[int] = []
    for k, key in enumerate(keys):
        tied = k and _same(key[0], keys[k - 1][0]) and _same(key[1], keys[k - 1][1])
        places.append(places[-1] if tied else k + 1)
    return places


def _basis(ds: xr.Dataset | xr.DataArray, matrix: str, lang: str, kommun: str | None) -> Basis:
    attrs = dict(ds.attrs)
    bundled = frameworks.bundled_matrices()["name"].tolist()
    name = str(attrs.get("name") or "")
    source = attrs.get("source_file") or matrix
    title = str(attrs.get(f"title_{lang}") or attrs.get("title") or Path(str(source)).name)
    place = frameworks.find_kommun(kommun) if kommun not in (None, "") else None
    date = next((str(attrs[k]) for k in ("date", "scored_date", "scored_on", "created") if attrs.get(k)), "")
    return Basis(matrix=name or str(source), title=title, scored_by=str(attrs.get(f"scored_by_{lang}") or ""),
                 citation=str(attrs.get("citation") or ""), national_example=name in bundled,
                 kommun=str(place["kommun_fullname"]) if place is not None else "", date=date,
                 respondents=int(ds.sizes[RESPONDENT]) if RESPONDENT in ds.dims else 0,
                 doi=str(attrs.get("doi") or ""))


def _objectives(effects: xr.Dataset, lang: str) -> tuple[ObjectiveEffects, ...]:
    """The decision projected onto the bundled linkage tables (:func:`~sdg_interactions.analysis.projection.
    decision_effects`: its own targets at full progress, 3 per unit of effort, plus the direct effects on the
    others), with the targets that carry each objective's effect (:func:`~sdg_interactions.analysis.projection.
    contributions`)."""
    result = decision_effects(effects)
    found = []
    for name in ("miljomal", "folkhalsomal"):
        table = frameworks.linkage(name)
        projected = project_onto(result, table, variable="direct")
        terms = contributions(result, table, variable="direct")

        def via(objective: str, part: int, terms=terms) -> tuple[str, ...]:
            rows = terms[(terms["objective"] == objective) & (terms["part"] == ("pos", "neg")[part])]
            return tuple(rows["sdg_target"])

        def pick(variable: str, part: int, most: int, projected=projected, via=via) -> tuple:
            values = projected[variable].to_numpy()
            net = projected["effect_net"].to_numpy()
            shown = [k for k in range(len(values))  # not 0, and for the net effect positive (beyond float noise)
                     if not _same(values[k], 0.0) and (part or (net[k] > 0 and not _same(net[k], 0.0)))]
            order = sorted(shown, key=lambda k: (-abs(values[k]), k))[:most]
            objectives = projected["objective"].to_numpy()
            return tuple((Node(str(objectives[k]), str(projected[f"label_{lang}"].to_numpy()[k])),
                          via(str(objectives[k]), part)) for k in order)

        found.append(ObjectiveEffects(name, pick("effect_pos", 0, 2), pick("effect_neg", 1, 3),
                                      projected.attrs.get("linkage_status") == "proposal"))
    return tuple(found)


def konsekvens(obj: str | os.PathLike | xr.DataArray | xr.Dataset, targets: str | Sequence[str], *,
               efforts: Sequence[float] | None = None, title: str | None = None, lang: str = "sv",
               kommun: str | None = None) -> KonsekvensNote:
    """The parts of a konsekvensanalys of one decision that advances ``targets`` directly.

    Parameters
    ----------
    obj : str, path, xarray.DataArray or xarray.Dataset
        The matrix: a bundled name (``"weitz2018_sweden"``), a file, or a loaded matrix; several
        respondents are combined by the mean. A Dataset's ``comment`` variable gives the reasons.
    targets : str or sequence of str
        The node ids the decision advances directly (a string is read as a comma-separated list).
    efforts : sequence of float, optional
        One effort per target, ``0 < e ≤ 10`` (default 1 each; :data:`sdg_interactions.ranges.EFFORT`:
        relative weights on the scale −3…3).
    title : str, optional
        The decision's title, e.g. ``"Laddinfrastruktur i kommunens fastigheter"``.
    lang : {"sv", "en"}
    kommun : str, optional
        The kommun (name or kommunkod) whose note it is: the basis names it, and says whether the matrix
        is its own assessment or the national example.

    Returns
    -------
    KonsekvensNote

    Raises
    ------
    ValidationError
        For no targets, a target given twice, or bad efforts; :class:`~sdg_interactions.errors.UnknownIdError`
        for a target that is not a node of the matrix.

    Examples
    --------
    >>> note = konsekvens("weitz2018_sweden", "13.1,7.2")
    >>> [(c.source.id, c.target.id, c.score) for c in note.own_conflicts]
    [('13.1', '7.2', -2.0)]
    >>> [g.goal for g in konsekvens("weitz2018_sweden", ["16.6"]).comes_along_by_goal][:3]
    ['1', '2', '3']
    """
    check_lang(lang)
    if targets is None or (not isinstance(targets, str) and not len(targets)) or (
            isinstance(targets, str) and not targets.strip(" ,")):
        raise ValidationError(locate(tr("error.report.no_targets"), column="targets",
                                     value="" if targets is None else ",".join(targets),
                                     valid=tr("error.report.valid_targets")))
    if isinstance(obj, str | os.PathLike):
        from sdg_interactions.io import load_dataset

        matrix_name, ds = str(obj), load_dataset(obj)
    else:
        matrix_name, ds = str(obj.attrs.get("name") or obj.attrs.get("source_file") or ""), obj
    m = single_matrix(ds, what=tr("error.analysis.what_konsekvens"))
    ids = node_ids(m)
    chosen = check_priorities(targets, ids, column="targets")
    effects = scenario(m, [ids[k] for k in chosen], efforts=efforts)
    weights = np.asarray(effects.attrs["efforts"], dtype=float)
    classes = effects["class"].to_numpy()
    pos, neg = effects["direct_pos"].to_numpy(), effects["direct_neg"].to_numpy()
    if not (np.isfinite(pos).all() and np.isfinite(neg).all()):  # never "berör inte" from inf or NaN
        raise ValidationError(locate(tr("error.report.not_finite"), column="efforts",
                                     value=", ".join(f"{w:g}" for w in weights),
                                     valid=tr("error.report.valid_efforts")))
    a = adjacency(m)
    nodes = _nodes(m, lang)
    listed = [nodes[i] for i in ids]
    decided = [ids[k] for k in chosen]
    found = triggered_conflicts(ds if RESPONDENT in ds.dims or isinstance(ds, xr.Dataset) else m, decided)
    comments = {(r.source, r.target): str(r.comment) for r in found.itertuples(index=False)}

    def links(j: int, sign: int) -> tuple[Hindrance, ...]:
        rows = [(a[i, j], ids[i]) for i in chosen if sign * a[i, j] > 0]
        rows.sort(key=lambda r: (-sign * r[0], frameworks.node_sort_key(r[1])))  # strongest first
        return tuple(Hindrance(nodes[i], float(s), comments.get((i, ids[j]), "")) for s, i in rows)

    def risks(where: list[int]) -> tuple[Risk, ...]:
        keyed = sorted(((float(min(a[i, j] for i in chosen)), float(pos[j] + neg[j]), j) for j in where),
                       key=lambda r: (r[0], r[1], r[2]))
        places = _places([(w, n) for w, n, _ in keyed])
        return tuple(Risk(listed[j], links(j, -1), links(j, 1), w, n, p)
                     for (w, n, j), p in zip(keyed, places, strict=True))

    at_risk = [j for j in range(len(ids)) if classes[j] == "at_risk"]
    mixed = [j for j in range(len(ids)) if classes[j] in ("comes_along", "partly_supported", "not_free")
             and neg[j] < 0]
    own = []
    for i in chosen:
        for j in chosen:
            if i != j and a[i, j] < 0:
                back = m.transpose("source", "target").to_numpy()[j, i]
                own.append(OwnConflict(nodes[ids[i]], nodes[ids[j]], float(a[i, j]), float(back),
                                       comments.get((ids[i], ids[j]), "")))
    own.sort(key=lambda c: (c.score, frameworks.node_sort_key(c.source.id), frameworks.node_sort_key(c.target.id)))
    rank = sdg_synergies(m)["rank"].to_numpy()
    levers = sorted((k for k in range(len(ids)) if rank[k] <= LEVERS), key=lambda k: (rank[k], k))
    return KonsekvensNote(
        title=str(title).strip() if title and str(title).strip() else "",
        lang=lang,
        advances=tuple(nodes[i] for i in decided),
        efforts=tuple(float(w) for w in weights),
        comes_along_by_goal=_by_goal([listed[j] for j in np.flatnonzero(classes == "comes_along")], lang),
        partly=_by_goal([listed[j] for j in np.flatnonzero(classes == "partly_supported")], lang),
        n_untouched=int((classes == "not_free").sum()),
        at_risk=risks(at_risk),
        also_hindered=risks(mixed),
        own_conflicts=tuple(own),
        levers=tuple(Lever(listed[k], int(rank[k]), str(classes[k])) for k in levers),
        objectives=_objectives(effects, lang),
        basis=_basis(ds, matrix_name, lang, kommun),
    )
