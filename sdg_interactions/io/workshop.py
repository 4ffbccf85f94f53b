"""Planning a scoring workshop: which participant scores which pairs, and how long it takes.

SEI's approach starts by choosing the nodes and deciding who scores what. With *n* nodes there are
*n*·(*n*−1) ordered pairs (34 targets give 1 122), too many for one person, so the pairs are shared out:

* ``by="rows"``: a participant scores whole rows (one node's influence on every other). With
  ``groups`` (e.g. the förvaltningar, each owning some nodes) each group's rows go to that group's
  participants: "each förvaltning scores its own targets' rows".
* ``by="even"``: the pairs are spread evenly over everyone; the counts per participant differ by at most
  one pair.

Either way each pair (or row) gets at least ``overlap`` answers when there are that many participants
(in its group), and everyone gets a share. The plan is deterministic: the same input gives the same
plan. :func:`plan_workshop` makes a :class:`Workshop`; :func:`write_workshop` and :func:`read_workshop`
keep it as JSON; :func:`describe` says what it means in a sentence (sv/en).
"""

from __future__ import annotations

import json
import math
import numbers
import os
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from sdg_interactions import frameworks
from sdg_interactions.errors import InputFormatError, ValidationError, Words, locate, tr
from sdg_interactions.matrix import check_id
from sdg_interactions.textfile import write_atomic
from sdg_interactions.texts import check_lang, text

__all__ = ["BY", "FORMAT_VERSION", "Workshop", "describe", "plan_workshop", "read_workshop", "write_workshop"]

#: The ways to share out the pairs.
BY = ("rows", "even")
#: The version of the JSON layout :func:`write_workshop` writes; :func:`read_workshop` reads it and older.
FORMAT_VERSION = 1
_FORMAT = "sdg_interactions workshop"


@dataclass
class Workshop:
    """A workshop plan: who scores which pairs.

    Attributes
    ----------
    nodes : list of str
        The node ids, in natural order.
    assignment : dict of str to list of (str, str)
        Respondent -> the ``(source, target)`` pairs they score, row by row in natural order.
    groups : dict of str to list of str
        Group (e.g. förvaltning) -> the nodes whose rows it scores; empty unless planned with groups.
    members : dict of str to list of str
        Group -> its respondents; empty unless planned with groups.
    by : {"rows", "even"}
        How the pairs were shared out.
    overlap : int
        The answers asked for per pair.
    seconds_per_pair : float
        The time one answer takes, for the estimates.
    """

    nodes: list[str]
    assignment: dict[str, list[tuple[str, str]]]
    groups: dict[str, list[str]] = field(default_factory=dict)
    members: dict[str, list[str]] = field(default_factory=dict)
    by: str = "even"
    overlap: int = 2
    seconds_per_pair: float = 20.0

    @property
    def respondents(self) -> list[str]:
        """The respondents, in order."""
        return list(self.assignment)

    @property
    def n_pairs(self) -> int:
        """The number of ordered pairs of different nodes: n·(n−1)."""
        return len(self.nodes) * (len(self.nodes) - 1)

    def answers(self) -> Counter:
        """How many respondents score each ``(source, target)`` pair."""
        return Counter(pair for pairs in self.assignment.values() for pair in pairs)

    @property
    def answers_per_pair(self) -> int:
        """The fewest answers any pair gets (0 if a pair is left out)."""
        counts = self.answers()
        if len(counts) < self.n_pairs:
            return 0
        return min(counts.values(), default=0)

    def minutes(self) -> dict[str, float]:
        """Respondent -> the estimated minutes their share takes."""
        return {who: len(pairs) * self.seconds_per_pair / 60 for who, pairs in self.assignment.items()}

    @property
    def minutes_per_respondent(self) -> float:
        """The estimated time of the largest share, in minutes: how long the scoring session must allow."""
        return max(self.minutes().values(), default=0.0)


def _bad(problem: Words, value: object = None, valid: Words | str | None = None, **where) -> ValidationError:
    return ValidationError(locate(problem, value=value, valid=valid, **where))


def _check_nodes(nodes: Iterable[str], **where) -> list[str]:
    if isinstance(nodes, str) or not isinstance(nodes, Iterable):
        raise _bad(tr("error.data.workshop.nodes_type"), nodes, tr("error.data.workshop.valid_nodes_type"), **where)
    ids = [check_id(node, **where) for node in nodes]
    twice = [node for node, count in Counter(ids).items() if count > 1]
    if twice:
        raise _bad(tr("error.workshop.node_twice"), twice[0], tr("error.workshop.valid_node_once"), **where)
    if len(ids) < 2:
        raise _bad(tr("error.workshop.two_nodes"), len(ids), tr("error.workshop.valid_two_nodes"), **where)
    return sorted(ids, key=frameworks.node_sort_key)


def _check_groups(groups: Mapping[str, Iterable[str]], nodes: list[str], **where) -> dict[str, list[str]]:
    if not isinstance(groups, Mapping) or not groups:
        raise _bad(tr("error.data.workshop.groups_type"), groups,
                   tr("error.data.workshop.valid_groups_type", kind="dict"), **where)
    owner: dict[str, str] = {}
    checked: dict[str, list[str]] = {}
    for name, members in groups.items():
        if not isinstance(name, str) or not name.strip():
            raise _bad(tr("error.data.workshop.group_no_name"), name, tr("error.workshop.valid_name"), **where)
        if isinstance(members, str) or not isinstance(members, Iterable):
            raise _bad(tr("error.data.workshop.group_list", name=repr(name)), members,
                       tr("error.data.workshop.valid_group_list"), **where)
        ids = [check_id(node, **where) for node in members]
        for node in ids:
            if node not in nodes:
                raise _bad(tr("error.data.workshop.group_outside", name=repr(name)), node,
                           tr("error.data.workshop.valid_one_of", nodes=", ".join(nodes)), **where)
            if node in owner:
                raise _bad(tr("error.data.workshop.two_groups", node=node, first=repr(owner[node]), second=repr(name)),
                           node, tr("error.data.workshop.valid_one_group"), **where)
            owner[node] = name
        if not ids:
            raise _bad(tr("error.data.workshop.group_empty", name=repr(name)), name,
                       tr("error.data.workshop.valid_group_nodes"), **where)
        checked[name] = sorted(ids, key=frameworks.node_sort_key)
    orphans = [node for node in nodes if node not in owner]
    if orphans:
        raise _bad(tr("error.data.workshop.orphans"), ", ".join(orphans), tr("error.data.workshop.valid_orphans"),
                   **where)
    return checked


def _check_names(names: Iterable[str], **where) -> list[str]:
    checked = []
    for name in names:
        if not isinstance(name, str) or not name.strip():
            raise _bad(tr("error.workshop.no_name"), name, tr("error.workshop.valid_name"), **where)
        checked.append(name.strip())
    twice = [name for name, count in Counter(checked).items() if count > 1]
    if twice:
        raise _bad(tr("error.workshop.respondent_twice"), twice[0], tr("error.workshop.valid_respondent_once"), **where)
    if not checked:
        raise _bad(tr("error.workshop.no_respondent"), 0, tr("error.workshop.valid_one_or_more"), **where)
    return checked


def _share(n_people: int, weights: list[int]) -> list[int]:
    """Split ``n_people`` over groups: one each, the rest in proportion to ``weights`` (largest remainder)."""
    rest = n_people - len(weights)
    quotas = [rest * w / sum(weights) for w in weights]
    counts = [math.floor(q) for q in quotas]
    by_remainder = sorted(range(len(weights)), key=lambda g: (counts[g] - quotas[g], g))
    for g in by_remainder[: rest - sum(counts)]:
        counts[g] += 1
    return [1 + c for c in counts]


def _members(respondents, groups: dict[str, list[str]]) -> dict[str, list[str]]:
    """Group -> respondents, from ``respondents`` as an int, a list of names or a dict by group."""
    if isinstance(respondents, Mapping):
        if set(respondents) != set(groups):
            raise _bad(tr("error.data.workshop.respondent_groups"), ", ".join(map(str, respondents)),
                       tr("error.data.workshop.valid_groups", groups=", ".join(groups)))
        members = {name: _check_names(respondents[name]) for name in groups}
        _check_names(name for names in members.values() for name in names)
        return members
    if isinstance(respondents, numbers.Integral) and not isinstance(respondents, bool):
        names = [None] * int(respondents)
    else:
        names = _check_names(respondents)
    if len(names) < len(groups):
        raise _bad(tr("error.data.workshop.too_few", n=len(groups)), len(names),
                   tr("error.data.workshop.valid_too_few", n=len(groups)))
    members, start = {}, 0
    for name, count in zip(groups, _share(len(names), [len(rows) for rows in groups.values()]), strict=True):
        members[name] = [names[start + k] or f"{name} {k + 1}" for k in range(count)]
        start += count
    return members


def _deal(units: list, people: list[str], overlap: int) -> dict[str, list]:
    """Deal ``units`` to ``people``: the units repeated k times, cut into one stretch a person.

    k = ``overlap`` (at most one a person; more if there are more people than units, so nobody idles).
    Stretches differ in length by at most one and are never longer than ``units``, so each unit goes to k
    different people.
    """
    n, m = len(units), len(people)
    k = min(m, max(overlap, -(-m // n)))
    size, extra = divmod(k * n, m)
    shares, start = {}, 0
    for j, person in enumerate(people):
        length = size + (j < extra)
        shares[person] = [units[(start + i) % n] for i in range(length)]
        start += length
    return shares


def _pair_key(pair: tuple[str, str]) -> tuple:
    return frameworks.node_sort_key(pair[0]), frameworks.node_sort_key(pair[1])


def plan_workshop(
    nodes: Iterable[str],
    *,
    respondents: int | list[str] | Mapping[str, list[str]],
    by: str = "rows",
    groups: Mapping[str, list[str]] | None = None,
    overlap: int = 2,
    seconds_per_pair: float = 20,
) -> Workshop:
    """Share out the pairs of ``nodes`` among the respondents.

    Parameters
    ----------
    nodes : iterable of str
        The node ids (checked; put in natural order).
    respondents : int, list of str, or dict of str to list of str
        How many respondents (named ``R1`` …, or ``<group> 1`` … with groups), their names, or (with
        groups) each group's respondents. Without such a dict, respondents are shared among the groups
        in proportion to their rows, at least one each.
    by : {"rows", "even"}
        ``"rows"``: whole rows (a node's influence on every other) a respondent, within their group;
        rows per respondent differ by at most one in a group. ``"even"``: pairs spread evenly over
        everyone, counts per respondent differ by at most one pair.
    groups : dict of str to list of str, optional
        With ``by="rows"``: group (e.g. förvaltning) -> the nodes whose rows it scores. Every node in
        exactly one group.
    overlap : int
        The answers wanted per pair: each pair gets at least ``overlap`` answers when there are that
        many respondents (in its group), else one from each.
    seconds_per_pair : float
        The time one answer takes, for the estimate.

    Returns
    -------
    Workshop

    Examples
    --------
    >>> ws = plan_workshop(["1.1", "1.2", "1.3", "7.2"], respondents=3, by="even")
    >>> ws.n_pairs, ws.answers_per_pair, {who: len(pairs) for who, pairs in ws.assignment.items()}
    (12, 2, {'R1': 8, 'R2': 8, 'R3': 8})
    >>> ws.assignment["R1"][:4]
    [('1.1', '1.2'), ('1.1', '1.3'), ('1.1', '7.2'), ('1.2', '1.1')]
    >>> ws = plan_workshop(["1.1", "1.2", "7.2"], respondents=["anna", "bo"], groups={"A": ["1.1", "1.2"],
    ...                    "B": ["7.2"]}, overlap=1)
    >>> ws.members, ws.assignment["bo"]
    ({'A': ['anna'], 'B': ['bo']}, [('7.2', '1.1'), ('7.2', '1.2')])
    >>> plan_workshop(["1.1", "1.2"], respondents=2, by="columns")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: unknown way to share out the pairs: 'columns'. Valid: rows, even.
    """
    if by not in BY:
        raise _bad(tr("error.data.workshop.unknown_by"), by, ", ".join(BY))
    order = _check_nodes(nodes, column="nodes")
    if isinstance(overlap, bool) or not isinstance(overlap, numbers.Integral) or overlap < 1:
        raise _bad(tr("error.workshop.overlap"), overlap, "1, 2, 3, …")
    if (isinstance(seconds_per_pair, bool) or not isinstance(seconds_per_pair, numbers.Real)
            or not math.isfinite(seconds_per_pair) or seconds_per_pair <= 0):
        raise _bad(tr("error.data.workshop.seconds"), seconds_per_pair, tr("error.data.workshop.valid_seconds"))
    if isinstance(respondents, numbers.Integral) and not isinstance(respondents, bool) and respondents < 1:
        raise _bad(tr("error.workshop.no_respondent"), respondents, tr("error.workshop.valid_count_or_names"))
    if isinstance(respondents, bool) or not isinstance(respondents, numbers.Integral | Iterable | Mapping) or (
            isinstance(respondents, str)):
        raise _bad(tr("error.workshop.respondents_type"), respondents, tr("error.workshop.valid_respondents_type"))
    if groups is not None and by != "rows":
        raise _bad(tr("error.data.workshop.groups_rows"), by, tr("error.data.workshop.valid_groups_rows"))
    if isinstance(respondents, Mapping) and groups is None:
        raise _bad(tr("error.data.workshop.respondents_need_groups"), ", ".join(map(str, respondents)),
                   tr("error.data.workshop.valid_respondents_groups", groups="groups"))
    checked_groups = _check_groups(groups, order) if groups is not None else {}
    if checked_groups:
        members = _members(respondents, checked_groups)
        teams = [(people, checked_groups[name]) for name, people in members.items()]
    else:
        members = {}
        if isinstance(respondents, numbers.Integral):
            names = [f"R{k + 1:0{len(str(int(respondents)))}d}" for k in range(int(respondents))]
        else:
            names = _check_names(respondents)
        teams = [(names, order)]
    assignment: dict[str, list[tuple[str, str]]] = {}
    for people, rows in teams:
        if by == "rows":
            shares = _deal(rows, people, int(overlap))
            for person, share in shares.items():
                assignment[person] = [(s, t) for s in share for t in order if t != s]
        else:
            shares = _deal([(s, t) for s in rows for t in order if t != s], people, int(overlap))
            assignment.update(shares)
    assignment = {who: sorted(pairs, key=_pair_key) for who, pairs in assignment.items()}
    return Workshop(order, assignment, checked_groups, members, by, int(overlap), float(seconds_per_pair))


def write_workshop(ws: Workshop, path: str | os.PathLike) -> None:
    """Write a plan as JSON (UTF-8, with ``format_version``); the file is replaced whole or not at all
    (:func:`~sdg_interactions.textfile.write_atomic`).

    The pair and minute totals are written for people reading the file; :func:`read_workshop` computes
    them again.

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "workshop.json"
    >>> write_workshop(plan_workshop(["1.1", "1.2"], respondents=["Åsa"], by="even"), path)
    >>> print(path.read_text("utf-8"))  # doctest: +ELLIPSIS
    {
     "format": "sdg_interactions workshop",
     "format_version": 1,
     "by": "even",
     ...
     "assignment": {
      "Åsa": [["1.1", "1.2"], ["1.2", "1.1"]]
     },
     "n_pairs": 2,
     "minutes_per_respondent": 0.6666666666666666
    }
    """
    head = {"format": _FORMAT, "format_version": FORMAT_VERSION, "by": ws.by, "overlap": ws.overlap,
            "seconds_per_pair": ws.seconds_per_pair, "nodes": ws.nodes, "groups": ws.groups, "members": ws.members}
    lines = ["{"] + [f" {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}," for k, v in head.items()]
    rows = [f"  {json.dumps(who, ensure_ascii=False)}: {json.dumps([list(p) for p in pairs])}"
            for who, pairs in ws.assignment.items()]
    lines += [' "assignment": {', ",\n".join(rows), " },", f' "n_pairs": {ws.n_pairs},',
              f' "minutes_per_respondent": {json.dumps(ws.minutes_per_respondent)}', "}"]
    path = Path(path)
    if not path.parent.is_dir():
        raise InputFormatError(locate(tr("error.journal.no_folder"), file=os.fspath(path),
                                      valid=tr("error.journal.valid_folder")))
    write_atomic(path, "\n".join(line for line in lines if line) + "\n")


def read_workshop(path: str | os.PathLike) -> Workshop:
    """Read a plan written by :func:`write_workshop`, checking it.

    Raises :class:`~sdg_interactions.errors.InputFormatError` for a file that is not such a plan (not
    JSON, a key missing or of the wrong type, a newer ``format_version``) and
    :class:`~sdg_interactions.errors.ValidationError` for one whose content breaks the rules (unknown
    ids, a pair of a node with itself, a pair twice for one respondent, groups that do not fit).

    Examples
    --------
    >>> import tempfile
    >>> path = Path(tempfile.mkdtemp()) / "workshop.json"
    >>> ws = plan_workshop(["1.1", "1.2", "7.2"], respondents=2)
    >>> write_workshop(ws, path)
    >>> read_workshop(path) == ws
    True
    """
    path = Path(path)
    name = os.fspath(path)
    if not path.is_file():
        raise InputFormatError(locate(tr("error.no_such_file"), file=name,
                                      valid=tr("error.data.workshop.valid_plan_path")))
    try:
        data = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError as error:
        raise InputFormatError(locate(tr("error.data.workshop.not_utf8", n=error.start), file=name,
                                      valid=tr("error.data.workshop.valid_plan"))) from None
    except json.JSONDecodeError as error:
        raise InputFormatError(locate(tr("error.data.workshop.not_json", reason=error.msg),
                                      file=tr("error.data.at_line", file=name, line=error.lineno),
                                      valid=tr("error.data.workshop.valid_plan"))) from None
    if not isinstance(data, dict) or data.get("format") != _FORMAT:
        shown = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise InputFormatError(locate(tr("error.data.workshop.not_plan"), file=name, value=shown,
                                      valid=tr("error.data.workshop.valid_format", format=_FORMAT)))
    version = data.get("format_version")
    if isinstance(version, bool) or not isinstance(version, int) or not 1 <= version <= FORMAT_VERSION:
        raise InputFormatError(locate(tr("error.data.workshop.unknown_version"), file=name, value=version,
                                      valid=tr("error.data.workshop.valid_version", n=FORMAT_VERSION)))
    kinds = {"by": str, "overlap": int, "seconds_per_pair": (int, float), "nodes": list, "groups": dict,
             "members": dict, "assignment": dict}
    for key, kind in kinds.items():
        if key not in data:
            raise InputFormatError(locate(tr("error.data.workshop.missing_key", field=repr(key)), file=name,
                                          valid=tr("error.data.workshop.valid_keys", keys=", ".join(kinds))))
        if not isinstance(data[key], kind) or isinstance(data[key], bool):
            raise InputFormatError(locate(tr("error.data.workshop.key_type", field=repr(key)), file=name,
                                          value=data[key], valid=tr("error.data.workshop.valid_key_type",
                                                   kind=getattr(kind, "__name__", "number"))))
    where = {"file": name}
    order = _check_nodes(data["nodes"], column="nodes", **where)
    if order != [check_id(n) for n in data["nodes"]]:
        raise _bad(tr("error.data.workshop.not_natural"), ", ".join(data["nodes"]), ", ".join(order),
                   column="nodes", **where)
    if data["by"] not in BY:
        raise _bad(tr("error.data.workshop.unknown_by"), data["by"], ", ".join(BY), column="by", **where)
    groups = _check_groups(data["groups"], order, column="groups", **where) if data["groups"] else {}
    assignment: dict[str, list[tuple[str, str]]] = {}
    known: dict[str, str] = {}  # each id is checked once, not once per pair (a 169-node plan has 114 000)
    planned = set(order)

    def checked_id(node: object) -> str:
        if isinstance(node, str) and node in known:
            return known[node]
        value = check_id(node, column="assignment", **where)
        if isinstance(node, str):
            known[node] = value
        return value

    for who, pairs in data["assignment"].items():
        _check_names([who], column="assignment", **where)
        checked = []
        for pair in pairs if isinstance(pairs, list) else [pairs]:
            if not (isinstance(pair, list) and len(pair) == 2):
                raise InputFormatError(locate(tr("error.data.workshop.pair_type", who=repr(who)), value=pair,
                                              valid=tr("error.data.workshop.valid_pair_type"), column="assignment",
                                              **where))
            source, target = checked_id(pair[0]), checked_id(pair[1])
            if source not in planned or target not in planned or source == target:
                raise _bad(tr("error.data.workshop.pair_outside", who=repr(who)), f"{source} -> {target}",
                           tr("error.data.workshop.valid_pair_outside"), column="assignment", **where)
            checked.append((source, target))
        twice = [pair for pair, count in Counter(checked).items() if count > 1]
        if twice:
            raise _bad(tr("error.data.workshop.pair_twice", who=repr(who)), f"{twice[0][0]} -> {twice[0][1]}",
                       tr("error.data.workshop.valid_pair_once"), column="assignment", **where)
        assignment[who] = checked
    members = {}
    if data["members"]:
        if set(data["members"]) != set(groups):
            raise _bad(tr("error.data.workshop.members_groups"), ", ".join(data["members"]),
                       ", ".join(groups) or tr("error.data.workshop.no_members"), column="members", **where)
        members = {group: _check_names(data["members"][group], column="members", **where) for group in groups}
        listed = [who for people in members.values() for who in people]
        if sorted(listed) != sorted(assignment):
            raise _bad(tr("error.data.workshop.members_assignment"), ", ".join(listed),
                       ", ".join(assignment), column="members", **where)
    overlap, seconds = data["overlap"], data["seconds_per_pair"]
    if overlap < 1 or not math.isfinite(seconds) or seconds <= 0:
        raise _bad(tr("error.data.workshop.overlap_seconds"), f"{overlap}, {seconds}",
                   tr("error.data.workshop.valid_overlap_seconds"), **where)
    return Workshop(order, assignment, groups, members, data["by"], overlap, float(seconds))


def _count(key: str, n: int, lang: str) -> str:
    shown = f"{n:,}".replace(",", " " if lang == "sv" else ",")
    return text(f"workshop.count.{key}.{'one' if n == 1 else 'many'}", lang, n=shown)


def describe(ws: Workshop, lang: str = "sv") -> str:
    """A sentence on what the plan asks of people: pairs, participants, answers per pair, minutes each.

    Examples
    --------
    >>> from sdg_interactions.io import nodes_from
    >>> ws = plan_workshop(nodes_from("weitz2018_sweden"), respondents=6, by="even", overlap=2)
    >>> describe(ws)
    '34 delmål ger 1 122 par; med 6 deltagare och minst 2 svar per par tar det omkring 125 minuter per person.'
    >>> describe(plan_workshop(["MKM-1", "MKM-2"], respondents=1), "en")
    '2 goals give 2 pairs; with 1 participant scoring whole rows and at least 1 answer per pair it takes about 1 minute per person.'
    """  # noqa: E501
    check_lang(lang)
    kinds = {frameworks.framework_of(node) for node in ws.nodes}
    word = {"sdg_target": "targets", "sdg_goal": "goals", "miljomal": "goals", "folkhalsomal": "goals",
            "mongolia2017": "goals"}.get(kinds.pop(), "nodes") if len(kinds) == 1 else "nodes"
    key = "groups" if ws.groups else ws.by
    return text(f"workshop.describe.{key}", lang, nodes=_count(word, len(ws.nodes), lang),
                pairs=_count("pairs", ws.n_pairs, lang), people=_count("people", len(ws.assignment), lang),
                answers=_count("answers", ws.answers_per_pair, lang), groups=_count("groups", len(ws.groups), lang),
                minutes=_count("minutes", max(1, round(ws.minutes_per_respondent)), lang))
