"""Goal frameworks, node ids, kommun lookup and the bundled data sets.

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

:func:`check_node_id` checks and canonicalises one id, :func:`node_sort_key` gives the natural order
(1.2 < 1.10 < 1.a), :func:`node_info` the labels and texts in Swedish and English. The tables
(:func:`goals`, :func:`targets`, :func:`miljomal`, :func:`folkhalsomal`, :func:`kommuner`, ...) are read
from the bundled ``datasets/`` folder, whose README names the source and licence of every file.

Examples
--------
>>> check_node_id(" 1.a ")
'1.a'
>>> sorted(["1.a", "SDG-2", "1.10", "MKM-0", "1.2"], key=node_sort_key)
['1.2', '1.10', '1.a', 'SDG-2', 'MKM-0']
>>> find_kommun("falkoping")["kommunkod"]
'1499'
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd

from sdg_interactions import errors
from sdg_interactions.errors import UnknownIdError, UnknownKommunError, locate
from sdg_interactions.texts import check_lang, text

__all__ = [  # noqa: RUF022 (grouped by topic)
    "goals", "targets", "miljomal", "folkhalsomal", "mongolia_objectives", "kommuner", "lan",
    "find_kommun", "NODE_ID_FORMS", "check_node_id", "node_sort_key", "framework_of", "node_info",
    "bundled_matrices", "bundled_matrix",
]

#: The valid forms of a node id, in words (used in error messages).
NODE_ID_FORMS = (
    "an SDG target such as '1.1', '1.a' or '17.19'; a goal 'SDG-1' … 'SDG-17'; a miljökvalitetsmål "
    "'MKM-0' … 'MKM-16'; a folkhälsomål area 'FH-0' … 'FH-8'; a Mongolia objective 'MN-1' … 'MN-17'; "
    "or an id of your own framework 'PREFIX-N' (upper-case prefix, whole number, e.g. 'LULEA-3')"
)

_TARGET_RE = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-z])$")
_PREFIXED_RE = re.compile(r"^([A-ZÅÄÖ][A-ZÅÄÖ0-9_]*)-(\d+)$")
# Reserved prefixes: (framework, smallest number, largest number, sort category).
_KNOWN = {"SDG": ("sdg_goal", 1, 17, 1), "MKM": ("miljomal", 0, 16, 2), "FH": ("folkhalsomal", 0, 8, 3),
          "MN": ("mongolia2017", 1, 17, 4)}
_TEXT_COLUMNS = ("label_sv", "label_en", "text_sv", "text_en")


# --- bundled files ------------------------------------------------------------------------------


@functools.cache
def _datasets_dir() -> Path:
    """The bundled ``datasets/`` folder: inside the installed package, else the source checkout's."""
    installed = resources.files("sdg_interactions") / "datasets"
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parents[1] / "datasets"


@functools.cache
def _table(name: str) -> pd.DataFrame:
    # Every column as text: codes keep their leading zeros (0114, 01); blanks read as "".
    return pd.read_csv(_datasets_dir() / name, dtype=str, keep_default_na=False, encoding="utf-8")


# --- the tables ---------------------------------------------------------------------------------


def goals(lang: str = "sv") -> pd.DataFrame:
    """The 17 Sustainable Development Goals.

    Columns ``id`` (``"SDG-1"`` …), ``goal`` (int), ``short``, ``title``, ``layer`` (the wedding-cake
    layer: ``biosphere``, ``society``, ``economy``, or ``all`` for goal 17), ``five_p`` (``people``,
    ``planet``, ``prosperity``, ``peace``, ``partnership``), and ``layer_label`` and ``five_p_label``;
    texts and labels in ``lang`` ("sv" or "en").

    Examples
    --------
    >>> g = goals("en").set_index("id")
    >>> g.loc["SDG-13", ["short", "layer", "five_p"]].tolist()
    ['Climate action', 'biosphere', 'planet']
    >>> goals().loc[15, "five_p_label"]
    'fred'
    """
    check_lang(lang)
    raw = _table("sdg_goals.csv")
    return pd.DataFrame({
        "id": "SDG-" + raw["goal"], "goal": raw["goal"].astype(int), "short": raw[f"short_{lang}"],
        "title": raw[f"title_{lang}"], "layer": raw["layer"], "five_p": raw["five_p"],
        "layer_label": [text(f"frameworks.layer.{v}", lang) for v in raw["layer"]],
        "five_p_label": [text(f"frameworks.five_p.{v}", lang) for v in raw["five_p"]],
    })


_DANGLING = {"a", "an", "and", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}


def _short_title(title: str, limit: int = 60) -> str:
    # The rule documented in `targets`.
    rest = re.sub(r"^By \d{4}, ", "", title).strip()
    stop = re.search(r"[,;]", rest[30:])
    clause = rest[: 30 + stop.start()] if stop else rest
    cut = clause != rest
    if len(clause) > limit - cut:  # room for the "…"
        words = clause[: limit - 1].rsplit(" ", 1)[0].split()
        while len(words) > 1 and words[-1].lower() in _DANGLING:
            words.pop()
        clause, cut = " ".join(words).rstrip(",;:"), True
    clause = clause[:1].upper() + clause[1:]
    return clause + "…" if cut else clause


def targets(lang: str = "sv") -> pd.DataFrame:
    """The 169 SDG targets in natural order (1.1, 1.2, …, 1.a, 1.b, 2.1, …, 17.19).

    Parameters
    ----------
    lang : {"sv", "en"}
        ``"sv"``: ``short`` is the official Swedish short title, ``title`` the official Swedish text
        (globalamalen.se / SCB). ``"en"``: ``title`` is the UN wording; ``short`` is the short name of
        Weitz et al. (2018) for the 34 targets of the Sweden matrix, for the others a shortened title:
        a leading "By 2030, " dropped, the first clause kept (up to the first comma or semicolon
        after the 30th character), cut at a word boundary (without a dangling "and", "of", ...),
        ending with "…" whenever anything was cut; at most 60 characters in all.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``goal`` (int), ``target_type`` (``outcome`` or ``means_of_implementation``),
        ``short`` and ``title``.

    Examples
    --------
    >>> targets().set_index("id").loc["5.5", "short"]
    'Säkerställ fullt deltagande för kvinnor i ledarskap och beslutsfattande'
    >>> en = targets("en").set_index("id")
    >>> en.loc["1.1", "short"], en.loc["8.4", "short"]
    ('Eradicate extreme poverty for all people everywhere…', 'Resource efficiency')
    """
    check_lang(lang)
    en = _table("sdg_targets.csv")
    frame = pd.DataFrame({"id": en["target_id"], "goal": en["goal"].astype(int),
                          "target_type": en["target_type"]})
    if lang == "sv":
        sv = _table("sdg_targets_sv.csv").set_index("id")
        frame["short"] = frame["id"].map(sv["title_sv"])
        frame["title"] = frame["id"].map(sv["text_sv"])
    else:
        frame["short"] = [s or _short_title(t) for s, t in zip(en["short_en"], en["title_en"], strict=True)]
        frame["title"] = en["title_en"]
    order = sorted(range(len(frame)), key=lambda i: node_sort_key(frame["id"].iloc[i]))
    return frame.iloc[order].reset_index(drop=True)


def miljomal(lang: str = "sv") -> pd.DataFrame:
    """The generationsmål (``MKM-0``) and the 16 miljökvalitetsmål (``MKM-1`` … ``MKM-16``).

    Columns ``id``, ``kind`` (``generationsmal`` or ``miljokvalitetsmal``), ``short`` (the name),
    ``title`` (the definition where the source gives one, else the name) and
    ``responsible_authority``.

    Examples
    --------
    >>> miljomal().set_index("id").loc["MKM-1", ["short", "responsible_authority"]].tolist()
    ['Begränsad klimatpåverkan', 'Naturvårdsverket']
    >>> miljomal("en")["short"].iloc[0]
    'The generational goal'
    """
    check_lang(lang)
    raw = _table("miljokvalitetsmal.csv")
    definition = raw[f"definition_{lang}"]
    return pd.DataFrame({
        "id": "MKM-" + raw["id"], "kind": raw["kind"], "short": raw[f"name_{lang}"],
        "title": definition.where(definition != "", raw[f"name_{lang}"]),
        "responsible_authority": raw["responsible_authority"],
    })


def folkhalsomal(lang: str = "sv") -> pd.DataFrame:
    """The overarching public-health goal (``FH-0``) and the eight target areas (``FH-1`` … ``FH-8``).

    Columns ``id``, ``kind`` (``overgripande_mal`` or ``malomrade``), ``short`` and ``title``; the
    overarching goal's ``short`` is a catalogue label, its ``title`` the goal's wording.

    Examples
    --------
    >>> folkhalsomal("en").set_index("id").loc["FH-6", "short"]
    'Living habits'
    >>> folkhalsomal().loc[0, "short"]
    'Det övergripande folkhälsomålet'
    """
    check_lang(lang)
    raw = _table("folkhalsopolitiska_malomraden.csv")
    name = raw[f"name_{lang}"]
    short = name.where(raw["id"] != "0", text("frameworks.fh0_short", lang))
    return pd.DataFrame({"id": "FH-" + raw["id"], "kind": raw["kind"], "short": short, "title": name})


def mongolia_objectives(lang: str = "sv") -> pd.DataFrame:
    """The 17 national objectives of the bundled Mongolia matrix (``MN-1`` … ``MN-17``).

    Columns ``id``, ``short`` and ``title`` (both the English name: no Swedish names exist, so
    ``lang="sv"`` falls back to English).

    Examples
    --------
    >>> mongolia_objectives().loc[0, ["id", "short"]].tolist()
    ['MN-1', 'Protection of water']
    """
    check_lang(lang)
    raw = _table("frameworks/mongolia2017_objectives.csv")
    name = raw[f"name_{lang}"].where(raw[f"name_{lang}"] != "", raw["name_en"])
    return pd.DataFrame({"id": raw["id"], "short": name, "title": name})


def kommuner() -> pd.DataFrame:
    """The 290 kommuner: ``kommunkod``, ``kommun``, ``kommun_fullname``, ``lanskod``, ``lan``,
    ``kolada_region_id`` (all text; codes keep their leading zeros).

    Examples
    --------
    >>> kommuner().iloc[0].tolist()
    ['0114', 'Upplands Väsby', 'Upplands Väsby kommun', '01', 'Stockholms län', '0001']
    """
    return _table("kommuner.csv").copy()


def lan() -> pd.DataFrame:
    """The 21 län: ``lanskod``, ``lan``, ``lan_short``, ``kolada_region_id``, ``kolada_region_title``.

    Examples
    --------
    >>> lan().set_index("lanskod").loc["06", "lan"]
    'Jönköpings län'
    """
    return _table("lan.csv").copy()


# --- kommun lookup ------------------------------------------------------------------------------


def _fold(name: str) -> str:
    """Case, diacritics, hyphens and runs of whitespace folded away: 'Upplands-Väsby' -> 'upplands vasby'."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.replace("-", " ").split())


def find_kommun(query: str | int) -> pd.Series:
    """Find one kommun by code or name.

    Tried in this order, the first step with a match wins: the kommunkod (``"0643"``, ``643`` or
    ``"643"``); the name or full name, ignoring case (``"habo"`` is Habo, ``"HÅBO"`` Håbo,
    ``"Falköpings kommun"``); the name with case, diacritics, hyphens and spacing folded
    (``"upplands vasby"``); the start of a folded name, at least three letters (``"Malung"``). The
    query is only compared with the table, never evaluated.

    Returns one row of :func:`kommuner` (a Series named by the kommunkod). Raises
    :class:`~sdg_interactions.errors.UnknownKommunError` if no kommun matches, or several do; the
    message lists close matches as "Name (code)".

    Examples
    --------
    >>> find_kommun("habo")[["kommunkod", "kommun"]].tolist()
    ['0643', 'Habo']
    >>> find_kommun(643)["kommun"], find_kommun("håbo")["kommunkod"]
    ('Habo', '0305')
    >>> find_kommun("Upplands")
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.UnknownKommunError: 'Upplands' matches several kommuner: Upplands Väsby (0114), Upplands-Bro (0139).
    """  # noqa: E501
    table = _table("kommuner.csv")
    valid = "a kommunkod such as '0643' or a kommun name such as 'Habo'"
    if isinstance(query, (bool, np.bool_)) or not isinstance(query, (str, int, np.integer)):
        raise UnknownKommunError(locate(f"a kommun is given as text or a code, not a {type(query).__name__}",
                                        value=query, valid=valid))
    wanted = str(int(query)) if isinstance(query, (int, np.integer)) else query.strip()

    def pick(mask: np.ndarray | pd.Series) -> pd.Series | None:
        hits = table[np.asarray(mask)]
        if len(hits) == 1:
            row = hits.iloc[0].copy()
            row.name = row["kommunkod"]
            return row
        if len(hits) > 1:
            found = ", ".join(f"{k} ({c})" for k, c in zip(hits["kommun"], hits["kommunkod"], strict=True))
            raise UnknownKommunError(f"{wanted!r} matches several kommuner: {found}.")
        return None

    if wanted.isascii() and wanted.isdigit() and len(wanted) <= 4:
        found = pick(table["kommunkod"] == wanted.zfill(4))
        if found is not None:
            return found
    else:
        lower = wanted.casefold()
        folded = _fold(wanted)
        names, fullnames = table["kommun"], table["kommun_fullname"]
        folded_names = names.map(_fold)
        steps = [
            (names.str.casefold() == lower) | (fullnames.str.casefold() == lower),
            (folded_names == folded) | (fullnames.map(_fold) == folded),
            folded_names.str.startswith(folded) if len(folded) >= 3 else np.zeros(len(table), bool),
        ]
        for mask in steps:
            found = pick(mask)
            if found is not None:
                return found
    choices = {_fold(k): f"{k} ({c})" for k, c in zip(table["kommun"], table["kommunkod"], strict=True)}
    close = [choices[m] for m in difflib.get_close_matches(_fold(wanted), list(choices), n=5, cutoff=0.6)]
    hint = f" Did you mean: {', '.join(close)}?" if close else ""
    raise UnknownKommunError(locate("no kommun matches", value=wanted, valid=valid) + hint)


# --- node ids -----------------------------------------------------------------------------------


@functools.cache
def _target_ids() -> frozenset[str]:
    return frozenset(_table("sdg_targets.csv")["target_id"])


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
        known = _KNOWN.get(match[1])
        return (known[3], "", int(match[2]), 0, 0, "") if known else (5, match[1], int(match[2]), 0, 0, "")
    return (6, name, 0, 0, 0, "")


def check_node_id(
    node_id: object, *, file: object = None, row: int | None = None, column: object = None
) -> str:
    """Check one node id and return it in canonical form.

    Whitespace around the id is stripped and leading zeros of a ``PREFIX-N`` number dropped
    (``"LULEA-03"`` -> ``"LULEA-3"``); SDG target ids must be written exactly as the UN does.

    Numbers are refused: read id columns as text (``dtype=str``), since ``1.10`` read as a float is
    ``1.1``. ``file``, ``row`` (as a spreadsheet shows it, header = row 1) and ``column`` say where the
    id was read, for the message. Raises :class:`~sdg_interactions.errors.UnknownIdError` for an id in
    none of the forms of :data:`NODE_ID_FORMS`, or one that names no goal, target or objective.

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
        problem = ("node id missing" if missing else
                   f"node ids must be text, not a {type(node_id).__name__} (read the id columns as text, "
                   "e.g. pandas.read_csv(..., dtype=str): as a number 1.10 becomes 1.1)")
        value = None if missing else node_id
        raise UnknownIdError(locate(problem, value=value, valid=NODE_ID_FORMS, **where))
    name = node_id.strip()
    if _TARGET_RE.match(name):
        if name in _target_ids():
            return name
        raise UnknownIdError(locate("looks like an SDG target id but names no target", value=name,
                                    valid=NODE_ID_FORMS, **where))
    if match := _PREFIXED_RE.match(name):
        prefix, number = match[1], int(match[2])
        if prefix in _KNOWN:
            low, high = _KNOWN[prefix][1:3]
            if not low <= number <= high:
                raise UnknownIdError(locate(f"{prefix} ids run from {prefix}-{low} to {prefix}-{high}",
                                            value=name, valid=NODE_ID_FORMS, **where))
        return f"{prefix}-{number}"
    raise UnknownIdError(locate("not a valid node id", value=name, valid=NODE_ID_FORMS, **where))


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
    return _KNOWN[prefix][0] if prefix in _KNOWN else prefix


@functools.cache
def _known_nodes() -> pd.DataFrame:
    """All bundled nodes: framework, group and labels/texts in both languages, indexed by id."""
    parts = []
    tables = [("sdg_target", targets), ("sdg_goal", goals), ("miljomal", miljomal),
              ("folkhalsomal", folkhalsomal), ("mongolia2017", mongolia_objectives)]
    for framework, read in tables:
        sv, en = read("sv"), read("en")
        if framework == "sdg_target":
            group = sv["goal"].astype(str)
        elif framework == "sdg_goal":
            group = sv["id"]
        else:
            group = sv["id"].str.rsplit("-", n=1).str[0]
        parts.append(pd.DataFrame({
            "framework": framework, "group": group.to_numpy(),
            "label_sv": sv["short"].to_numpy(), "label_en": en["short"].to_numpy(),
            "text_sv": sv["title"].to_numpy(), "text_en": en["title"].to_numpy(),
        }, index=pd.Index(sv["id"], name="id")))
    return pd.concat(parts)


def node_info(ids, *, extra: pd.DataFrame | None = None) -> pd.DataFrame:
    """Framework, group, labels and texts of nodes, in both languages.

    Parameters
    ----------
    ids : iterable of str
        Node ids, checked with :func:`check_node_id`; the result keeps their order.
    extra : pandas.DataFrame, optional
        A user's own framework (or better labels for bundled nodes): a column ``id`` and any of
        ``group``, ``label_sv``, ``label_en``, ``text_sv``, ``text_en``. Non-blank values override
        the bundled ones.

    Returns
    -------
    pandas.DataFrame
        Indexed by ``id``; columns ``framework``, ``group`` (the SDG goal number "1" … "17" for
        targets, the goal id for goals, else the prefix: "MKM", "FH", "MN", "LULEA"), ``label_sv``,
        ``label_en`` (short labels), ``text_sv``, ``text_en`` (full texts, "" where unknown). A missing
        label falls back to the other language, then to the id.

    Examples
    --------
    >>> info = node_info(["13.1", "SDG-13", "MKM-1", "LULEA-1"],
    ...                  extra=pd.DataFrame({"id": ["LULEA-1"], "label_sv": ["Fossilfri stad"]}))
    >>> info[["framework", "group", "label_en"]]
            framework   group                   label_en
    id
    13.1   sdg_target      13  Climate change adaptation
    SDG-13   sdg_goal  SDG-13             Climate action
    MKM-1    miljomal     MKM     Reduced Climate Impact
    LULEA-1     LULEA   LULEA             Fossilfri stad
    """
    checked = [check_node_id(i) for i in ([ids] if isinstance(ids, str) else ids)]
    known = _known_nodes()
    info = known.reindex(checked)
    info.index.name = "id"
    fresh = info["framework"].isna().to_numpy()
    prefixes = [name.rsplit("-", 1)[0] for name in checked]
    info.loc[fresh, ["framework", "group"]] = np.array([prefixes, prefixes], dtype=object).T[fresh]
    info = info.fillna("")
    if extra is not None:
        info = _apply_extra(info, extra)
    for lang, other in (("sv", "en"), ("en", "sv")):
        label = info[f"label_{lang}"]
        label = label.where(label != "", info[f"label_{other}"])
        info[f"label_{lang}"] = label.where(label != "", info.index.to_series())
    return info


def _apply_extra(info: pd.DataFrame, extra: pd.DataFrame) -> pd.DataFrame:
    allowed = ["id", "group", *_TEXT_COLUMNS]
    if not isinstance(extra, pd.DataFrame) or "id" not in extra.columns:
        raise errors.ValidationError("extra must be a pandas.DataFrame with an 'id' column.")
    for column in extra.columns:
        if column not in allowed:
            raise errors.ValidationError(locate("unknown column in the node table", column=column,
                                                valid=", ".join(allowed)))
    table = extra.copy()
    table["id"] = [check_node_id(v, row=i + 2, column="id") for i, v in enumerate(table["id"])]
    twice = table["id"].duplicated()
    if twice.any():
        first = int(np.argmax(twice.to_numpy()))
        raise errors.ValidationError(locate("node id given twice", row=first + 2, column="id",
                                            value=table["id"].iloc[first], valid="each id once"))
    table = table.set_index("id")
    for column in table.columns:
        values = table[column].reindex(info.index)
        values = values.where(values.notna(), "").astype(str).str.strip()
        info[column] = info[column].where(values == "", values)
    return info


# --- bundled matrices ---------------------------------------------------------------------------


def bundled_matrices() -> pd.DataFrame:
    """The catalogue of bundled interaction matrices, one row each.

    Columns ``name``, ``file``, ``framework``, ``n_nodes``, ``n_pairs``, ``title_sv``, ``title_en``,
    ``scored_by_sv``, ``scored_by_en``, ``citation``, ``doi``, ``licence``, ``note`` and ``path`` (a
    :class:`pathlib.Path` to the long CSV: ``source,target,score,comment``).

    Examples
    --------
    >>> bundled_matrices()["name"].tolist()
    ['weitz2018_sweden', 'mongolia2017']
    """
    table = _table("matrices/catalogue.csv").copy()
    table["n_nodes"] = table["n_nodes"].astype(int)
    table["n_pairs"] = table["n_pairs"].astype(int)
    table["path"] = [_datasets_dir() / "matrices" / f for f in table["file"]]
    return table


def bundled_matrix(name: str) -> dict:
    """Metadata and file path of one bundled matrix, by name.

    Returns a dict with the columns of :func:`bundled_matrices` (``path`` a :class:`pathlib.Path`).
    An unknown name raises :class:`~sdg_interactions.errors.UnknownDatasetError` listing the valid ones.

    Examples
    --------
    >>> info = bundled_matrix("weitz2018_sweden")
    >>> info["path"].name, info["n_pairs"], info["doi"]
    ('weitz2018_sweden.csv', 1122, '10.1007/s11625-017-0470-0')
    """
    table = bundled_matrices()
    hits = table[table["name"] == name] if isinstance(name, str) else table.iloc[:0]
    if hits.empty:
        raise errors.UnknownDatasetError(locate("no bundled matrix of that name", value=name,
                                         valid=", ".join(table["name"])))
    return hits.iloc[0].to_dict()
