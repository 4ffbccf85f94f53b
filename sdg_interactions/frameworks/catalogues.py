"""The bundled catalogues: SDG goals and targets, miljömål, folkhälsomål, Mongolia's objectives, kommuner, län."""

from __future__ import annotations

import functools
import re
from importlib import resources
from pathlib import Path

import pandas as pd

from sdg_interactions.texts import check_lang, text

__all__ = [
    "bundled_table", "datasets_dir", "folkhalsomal", "goals", "kommuner", "lan", "miljomal", "mongolia_objectives",
    "targets",
]


# --- bundled files ------------------------------------------------------------------------------


@functools.cache
def datasets_dir() -> Path:
    """The bundled ``datasets/`` folder: inside the installed package, else the source checkout's."""
    installed = resources.files("sdg_interactions") / "datasets"
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parents[2] / "datasets"


@functools.cache
def bundled_table(name: str) -> pd.DataFrame:
    # Every column as text: codes keep their leading zeros (0114, 01); blanks read as "".
    return pd.read_csv(datasets_dir() / name, dtype=str, keep_default_na=False, encoding="utf-8")


# --- the tables ---------------------------------------------------------------------------------


def goals(lang: str = "sv") -> pd.DataFrame:
    """The 17 Sustainable Development Goals.

    Parameters
    ----------
    lang : {"sv", "en"}
        Language of ``short``, ``title``, ``layer_label`` and ``five_p_label``.

    Returns
    -------
    pandas.DataFrame
        Columns ``id`` (``"SDG-1"`` …), ``goal`` (int), ``short``, ``title``, ``layer`` (the wedding-cake
        layer: ``biosphere``, ``society``, ``economy``, or ``all`` for goal 17), ``five_p`` (``people``,
        ``planet``, ``prosperity``, ``peace``, ``partnership``), and ``layer_label`` and ``five_p_label``;
        texts and labels in ``lang``.

    See Also
    --------
    targets : The 169 targets of these goals.
    sdg_interactions.frameworks.node_info : Labels, group and layer of any node id.

    Examples
    --------
    >>> g = goals("en").set_index("id")
    >>> g.loc["SDG-13", ["short", "layer", "five_p"]].tolist()
    ['Climate action', 'biosphere', 'planet']
    >>> goals().loc[15, "five_p_label"]
    'fred'
    """
    check_lang(lang)
    raw = bundled_table("sdg_goals.csv")
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

    See Also
    --------
    goals : The 17 goals the targets belong to.
    sdg_interactions.frameworks.node_info : Labels, group and layer of any node id.

    Examples
    --------
    >>> targets().set_index("id").loc["5.5", "short"]
    'Säkerställ fullt deltagande för kvinnor i ledarskap och beslutsfattande'
    >>> en = targets("en").set_index("id")
    >>> en.loc["1.1", "short"], en.loc["8.4", "short"]
    ('Eradicate extreme poverty for all people everywhere…', 'Resource efficiency')
    """
    check_lang(lang)
    en = bundled_table("sdg_targets.csv")
    frame = pd.DataFrame({"id": en["target_id"], "goal": en["goal"].astype(int),
                          "target_type": en["target_type"]})
    if lang == "sv":
        sv = bundled_table("sdg_targets_sv.csv").set_index("id")
        frame["short"] = frame["id"].map(sv["title_sv"])
        frame["title"] = frame["id"].map(sv["text_sv"])
    else:
        frame["short"] = [s or _short_title(t) for s, t in zip(en["short_en"], en["title_en"], strict=True)]
        frame["title"] = en["title_en"]
    return frame  # the file lists the targets in natural order (a test checks it)


def miljomal(lang: str = "sv") -> pd.DataFrame:
    """The generationsmål (``MKM-0``) and the 16 miljökvalitetsmål (``MKM-1`` … ``MKM-16``).

    Parameters
    ----------
    lang : {"sv", "en"}
        Language of ``short`` and ``title``.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``kind`` (``generationsmal`` or ``miljokvalitetsmal``), ``short`` (the name),
        ``title`` (the definition where the source gives one, else the name) and
        ``responsible_authority``.

    See Also
    --------
    folkhalsomal : The other national Swedish goal framework bundled.
    sdg_interactions.frameworks.linkage : The proposed links from SDG targets to these goals.

    Examples
    --------
    >>> miljomal().set_index("id").loc["MKM-1", ["short", "responsible_authority"]].tolist()
    ['Begränsad klimatpåverkan', 'Naturvårdsverket']
    >>> miljomal("en")["short"].iloc[0]
    'The generational goal'
    """
    check_lang(lang)
    raw = bundled_table("miljokvalitetsmal.csv")
    definition = raw[f"definition_{lang}"]
    return pd.DataFrame({
        "id": "MKM-" + raw["id"], "kind": raw["kind"], "short": raw[f"name_{lang}"],
        "title": definition.where(definition != "", raw[f"name_{lang}"]),
        "responsible_authority": raw["responsible_authority"],
    })


def folkhalsomal(lang: str = "sv") -> pd.DataFrame:
    """The overarching public-health goal (``FH-0``) and the eight target areas (``FH-1`` … ``FH-8``).

    Parameters
    ----------
    lang : {"sv", "en"}
        Language of ``short`` and ``title``.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``kind`` (``overgripande_mal`` or ``malomrade``), ``short`` and ``title``; the
        overarching goal's ``short`` is a catalogue label, its ``title`` the goal's wording.

    See Also
    --------
    miljomal : The other national Swedish goal framework bundled.
    sdg_interactions.frameworks.linkage : The proposed links from SDG targets to these areas.

    Examples
    --------
    >>> folkhalsomal("en").set_index("id").loc["FH-6", "short"]
    'Living habits'
    >>> folkhalsomal().loc[0, "short"]
    'Det övergripande folkhälsomålet'
    """
    check_lang(lang)
    raw = bundled_table("folkhalsopolitiska_malomraden.csv")
    name = raw[f"name_{lang}"]
    short = name.where(raw["id"] != "0", text("frameworks.fh0_short", lang))
    return pd.DataFrame({"id": "FH-" + raw["id"], "kind": raw["kind"], "short": short, "title": name})


def mongolia_objectives(lang: str = "sv") -> pd.DataFrame:
    """The 17 national objectives of the bundled Mongolia matrix (``MN-1`` … ``MN-17``).

    Parameters
    ----------
    lang : {"sv", "en"}
        Language of ``short`` and ``title``; no Swedish names exist, so ``"sv"`` falls back to English.

    Returns
    -------
    pandas.DataFrame
        Columns ``id``, ``short`` and ``title`` (both the English name).

    See Also
    --------
    sdg_interactions.frameworks.bundled_matrix : The bundled ``mongolia2017`` matrix of these nodes.
    goals : The SDGs the objectives were scored alongside.

    Examples
    --------
    >>> mongolia_objectives().loc[0, ["id", "short"]].tolist()
    ['MN-1', 'Protection of water']
    """
    check_lang(lang)
    raw = bundled_table("frameworks/mongolia2017_objectives.csv")
    name = raw[f"name_{lang}"].where(raw[f"name_{lang}"] != "", raw["name_en"])
    return pd.DataFrame({"id": raw["id"], "short": name, "title": name})


def kommuner() -> pd.DataFrame:
    """The 290 kommuner.

    Returns
    -------
    pandas.DataFrame
        Columns ``kommunkod``, ``kommun``, ``kommun_fullname``, ``lanskod``, ``lan``,
        ``kolada_region_id`` (all text; codes keep their leading zeros).

    See Also
    --------
    sdg_interactions.frameworks.find_kommun : One kommun by code or name.
    lan : The 21 län the kommuner lie in.

    Examples
    --------
    >>> kommuner().iloc[0].tolist()
    ['0114', 'Upplands Väsby', 'Upplands Väsby kommun', '01', 'Stockholms län', '0001']
    """
    return bundled_table("kommuner.csv").copy()


def lan() -> pd.DataFrame:
    """The 21 län.

    Returns
    -------
    pandas.DataFrame
        Columns ``lanskod``, ``lan``, ``lan_short``, ``kolada_region_id``, ``kolada_region_title``.

    See Also
    --------
    kommuner : The 290 kommuner, with their län.

    Examples
    --------
    >>> lan().set_index("lanskod").loc["06", "lan"]
    'Jönköpings län'
    """
    return bundled_table("lan.csv").copy()


