"""The sv/en text catalogue: every user-facing word goes through :func:`text`.

The catalogue lives in TOML files under ``sdg_interactions/catalogue/``, one file a section (``core``,
``cli``, ``plots``, ...); the error messages of a part of the library live in
``catalogue/error/<part>.toml`` (keys ``error.<part>.*``, e.g. ``error.analysis.unknown_method``). Each key
maps to a table with an ``sv`` and an ``en`` string; placeholders use :meth:`str.format` syntax (any name but
``lang``). ``lang="sv"`` is the default everywhere.

Examples
--------
>>> text("scale.3", lang="en")
'indivisible (strongly promoting)'
>>> text("scale.-2")
'motverkande (måttligt hämmande)'
"""

from __future__ import annotations

import functools
import re
import tomllib
from importlib import resources

from sdg_interactions.errors import ValidationError, tr

__all__ = ["LANGUAGES", "catalogue", "check_lang", "genitive", "name_of", "objective_code", "scale_label", "text"]

#: The languages every user-facing text exists in.
LANGUAGES = ("sv", "en")


@functools.cache
def catalogue() -> dict[str, dict[str, str]]:
    """Return the whole catalogue, ``{key: {"sv": ..., "en": ...}}``, read once from the TOML files."""
    entries: dict[str, dict[str, str]] = {}
    folder = resources.files("sdg_interactions") / "catalogue"
    files = [(item.name.removesuffix(".toml"), item) for item in folder.iterdir()]
    if (folder / "error").is_dir():
        files += [(f"error.{item.name.removesuffix('.toml')}", item) for item in (folder / "error").iterdir()]
    for section, item in sorted(files):
        if not item.name.endswith(".toml"):
            continue
        data = tomllib.loads(item.read_text(encoding="utf-8"))
        for key, value in _flatten(data):
            full = f"{section}.{key}" if section != "core" else key
            if full in entries:  # two files define one key: a bug in the package
                raise RuntimeError(f"catalogue key {full!r} is defined twice ({item.name})")
            entries[full] = value
    return entries


def _flatten(data: dict, prefix: str = ""):
    for key, value in data.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict) and set(value) >= set(LANGUAGES) and all(
            isinstance(value[lang], str) for lang in LANGUAGES
        ):
            yield name, value
        elif isinstance(value, dict):
            yield from _flatten(value, prefix=f"{name}.")
        else:  # a malformed entry is a bug in the package, not user input
            raise RuntimeError(f"catalogue entry {name!r} must hold 'sv' and 'en' strings")


def check_lang(lang: str) -> str:
    """Return ``lang`` if it is a supported language, else raise :class:`ValidationError`."""
    if lang not in LANGUAGES:
        raise ValidationError(tr("error.analysis.unknown_language", language=repr(lang), valid=", ".join(LANGUAGES)))
    return lang


def text(key: str, /, lang: str = "sv", **values: object) -> str:
    """Return the catalogue text ``key`` in ``lang``, with ``values`` filled in.

    Parameters
    ----------
    key : str
        A dotted key of the TOML catalogue (``sdg_interactions/catalogue/*.toml``), e.g. ``"scale.-3"``.
    lang : {"sv", "en"}
        The language.
    **values
        Fields filled into the text's ``{placeholders}`` (:meth:`str.format`).

    Returns
    -------
    str
        The text.

    Raises
    ------
    KeyError
        For a key the catalogue lacks (a bug, not user input).
    sdg_interactions.errors.ValidationError
        For an unsupported language.

    See Also
    --------
    scale_label : The label of a point on the seven-point scale.
    genitive : The genitive of a place name, for running text.

    Examples
    --------
    >>> text("scale.-3", "en")
    'cancelling (strongly restricting)'
    >>> text("error.span", "sv", first="1.1", last="17.19")
    '1.1 till 17.19'
    """
    check_lang(lang)
    template = catalogue()[key][lang]
    return template.format(**values) if values else template


def scale_label(score: int, lang: str = "sv") -> str:
    """Return the label of a point on the seven-point scale, e.g. ``scale_label(-3, "en")``."""
    return text(f"scale.{int(score)}", lang)


def genitive(name: str, lang: str = "sv") -> str:
    """Return the genitive of a place name, e.g. a kommun's: ``"Falköping"`` → ``"Falköpings"``.

    Swedish adds ``s`` without an apostrophe, except after a name that already ends in *s*, *x* or
    *z*, which stays as it is (Språkrådet, *Svenska skrivregler*): "Borås egen", "Kalix kommun" — never
    "Boråss", "Kalixs" or "Borås'". English adds ``'s`` to every name, also after *s* ("Borås's"), as
    the Chicago and Oxford style guides do for names.

    The genitive only builds running text ("Bedömningen är Falköpings egen"); a kommun's official name
    (``"Falu kommun"``, ``"Göteborgs stad"``) is data, read from ``datasets/kommuner.csv``.

    Examples
    --------
    >>> genitive("Falköping"), genitive("Hjo"), genitive("Borås"), genitive("Kalix")
    ('Falköpings', 'Hjos', 'Borås', 'Kalix')
    >>> genitive("Falköping", "en"), genitive("Borås", "en")
    ("Falköping's", "Borås's")
    """
    check_lang(lang)
    name = name.strip()
    if not name:
        raise ValidationError(tr("error.analysis.genitive_empty"))
    if lang == "en":
        return f"{name}'s"
    return name if name[-1].lower() in "sxz" else f"{name}s"


def name_of(node: str, label: str, limit: int = 48) -> str:
    """A node's display name: id and short label, cut to ``limit`` characters ("8.4 Resurseffektivitet")."""
    if not label or label == node:
        return node
    name = f"{node} {label}"
    return name if len(name) <= limit else name[: limit - 1].rstrip() + "…"


def objective_code(node: str, lang: str = "sv") -> str:
    """An objective's code as a text in ``lang`` writes it (``report_frameworks.code.*``): the Swedish
    abbreviations in Swedish, English codes in English; any other id as it is.

    Examples
    --------
    >>> objective_code("MKM-13"), objective_code("MKM-13", "en"), objective_code("FH-4", "en")
    ('MKM-13', 'EQO 13', 'PHA 4')
    >>> objective_code("7.2", "en"), objective_code("EXB-1", "en")
    ('7.2', 'EXB-1')
    """
    found = re.fullmatch(r"([A-Za-z]+)-(\d+)", str(node))
    key = f"report_frameworks.code.{found.group(1)}" if found else ""
    return text(key, lang, n=found.group(2)) if key in catalogue() else str(node)
