"""A workshop folder on the facilitator's laptop: the plan, the personal links, one journal per respondent.

``sdg-interactions workshop new`` makes the folder (:func:`new_workshop`); ``workshop serve`` serves its
two Voilà notebooks. Everything the participants enter stays in this folder::

    ws/
      workshop.json      the plan: nodes, groups, who scores which pairs (io.workshop)
      om.json            kommun, language, the join code for drop-ins and whether it works (drop_in)
      lankar.json        the personal links, one per planned respondent (apps.links; owner only)
      lankar.html, .pdf  the facilitator's sheet of the links, a QR code each (written by workshop serve)
      adresser.json      the participants' base addresses (written by workshop serve)
      svar/              one append-only journal per respondent (io.journal), <pseudonym>-<hash>.jsonl
        andelar/         the claims: which pseudonym scores which share of the plan (apps.claims)
      uppladdat/         answer files the facilitator adds (long CSV or the Excel template)
      rapporter/         reports rendered from the merged answers
      delta.ipynb        the scoring app (participants, through Voilà)
      ledning.ipynb      the facilitator's dashboard (through Voilà, with its own token)
      scenario.ipynb     the scenario app on the merged answers: priorities, and the konsekvensanalys
      mall.xlsx          the Excel template for those who score offline
      kit/               the workshop kit from the plan: guide, invitation, agenda, scale card (apps.kit)

Hidden, empty ``.<name>.lock`` files beside ``lankar.json`` and each journal are their locks
(:mod:`sdg_interactions.locking`); nothing reads them.

Examples
--------
>>> import tempfile
>>> folder = new_workshop(Path(tempfile.mkdtemp()) / "ws", ["7.2", "11.6", "13.2"], kommun="Habo", respondents=2)
>>> sorted(p.name for p in folder.iterdir() if not p.name.startswith("."))
['delta.ipynb', 'kit', 'lankar.json', 'ledning.ipynb', 'mall.xlsx', 'om.json', 'rapporter', 'scenario.ipynb', 'svar', 'uploads_readme.txt', 'uppladdat', 'workshop.json']
>>> about = read_about(folder)
>>> about["kommun"], len(about["join_code"]), about["drop_in"], about["release_after_minutes"]
('0643', 6, False, 15)
>>> from sdg_interactions.apps.links import read_links
>>> [(link.respondent, link.share) for link in read_links(folder)]
[('R1', 'R1'), ('R2', 'R2')]
>>> journal_path(folder, "Räv 7").name.startswith("rav_7-")
True
"""  # noqa: E501

from __future__ import annotations

import json
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

from sdg_interactions import frameworks
from sdg_interactions.apps.claims import (
    CLAIM_DIR,
    JOURNAL_DIR,
    MAX_ROUNDS,
    WORKSHOP_FILE,
    Claim,
    claim_share,
    claims_by_respondent,
    find_claim,
    journal_path,
    journals,
    read_claims,
    read_plan,
    release_claim,
    release_stale,
)
from sdg_interactions.apps.links import LINKS_FILE, TOKEN_PATTERN, check_browser, make_links
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.io import write_template
from sdg_interactions.io.workshop import plan_workshop, write_workshop
from sdg_interactions.textfile import write_atomic
from sdg_interactions.texts import check_lang, text

__all__ = [
    "ABOUT_FILE",
    "CLAIM_DIR",
    "FACILITATOR_NOTEBOOK",
    "JOURNAL_DIR",
    "MAX_ROUNDS",
    "RELEASE_AFTER_MINUTES",
    "REPORT_DIR",
    "SCENARIO_NOTEBOOK",
    "SCORING_NOTEBOOK",
    "TEMPLATE_FILE",
    "UPLOAD_DIR",
    "WORKSHOP_FILE",
    "Claim",
    "claim_share",
    "claims_by_respondent",
    "find_claim",
    "journal_path",
    "journals",
    "new_workshop",
    "read_about",
    "read_claims",
    "read_plan",
    "release_claim",
    "release_stale",
    "scoring_code",
    "set_drop_in",
]

ABOUT_FILE = "om.json"
UPLOAD_DIR = "uppladdat"
REPORT_DIR = "rapporter"
SCORING_NOTEBOOK = "delta.ipynb"
FACILITATOR_NOTEBOOK = "ledning.ipynb"
SCENARIO_NOTEBOOK = "scenario.ipynb"
TEMPLATE_FILE = "mall.xlsx"
#: Minutes after which a drop-in's claim without a scored answer is released (``om.json``).
RELEASE_AFTER_MINUTES = 15
#: Letters of the join code: no 0/O or 1/l/I to misread.
_CODE_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"


def _notebook(code: str, title: str | None) -> str:
    """A small notebook that only calls the app (after a heading, for an app without its own title)."""
    import nbformat

    nb = nbformat.v4.new_notebook()
    nb.cells = ([nbformat.v4.new_markdown_cell(f"# {title}")] if title else []) + [nbformat.v4.new_code_cell(code)]
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nbformat.writes(nb)


def new_workshop(folder: str | os.PathLike, nodes: Iterable[str], *, kommun: str | int,
                 respondents: int | list[str] | Mapping[str, list[str]] = 6, by: str = "even",
                 groups: Mapping[str, list[str]] | None = None, overlap: int = 2, lang: str = "sv",
                 drop_in: bool = False) -> Path:
    """Make a workshop folder (see the module docstring) and return its path.

    ``nodes`` are the node ids to score; ``kommun`` a name or kommunkod
    (:func:`~sdg_interactions.frameworks.find_kommun`); ``respondents``, ``by``, ``groups`` and
    ``overlap`` plan who scores which pairs (:func:`~sdg_interactions.io.workshop.plan_workshop`). One
    personal link is made per planned respondent (:func:`~sdg_interactions.apps.links.make_links`); with
    ``drop_in`` the shared join code works too (:func:`set_drop_in` turns it on or off later). Last, the
    workshop kit is written from the plan into ``kit/`` in ``lang`` (:func:`~sdg_interactions.apps.kit.write_kit`).
    The folder must not exist or be empty: answers are never overwritten.
    """
    check_lang(lang)
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ValidationError(locate(tr("error.apps.folder_not_empty"), value=str(folder),
                                     valid=tr("error.apps.valid_new_folder")))
    place = frameworks.find_kommun(kommun)
    plan = plan_workshop(list(nodes), respondents=respondents, by=by, groups=groups, overlap=overlap)
    folder.mkdir(parents=True, exist_ok=True)
    for name in (JOURNAL_DIR, UPLOAD_DIR, REPORT_DIR):
        (folder / name).mkdir(mode=0o700 if name == JOURNAL_DIR else 0o777)  # the answers: their owner's only
    write_workshop(plan, folder / WORKSHOP_FILE)
    code = "".join(secrets.choice(_CODE_LETTERS) for _ in range(6))
    about = {"kommun": str(place["kommunkod"]), "kommun_name": str(place["kommun"]), "lang": lang,
             "join_code": code, "drop_in": bool(drop_in), "release_after_minutes": RELEASE_AFTER_MINUTES}
    write_atomic(folder / ABOUT_FILE, json.dumps(about, ensure_ascii=False, indent=2) + "\n", mode=0o600)
    make_links(folder, plan.respondents)
    write_atomic(folder / SCORING_NOTEBOOK, _notebook(
        scoring_code(lang), text("apps.workshop.scoring_title", lang, kommun=place["kommun"])))
    write_atomic(folder / FACILITATOR_NOTEBOOK, _notebook(
        f'from sdg_interactions.apps.facilitator import dashboard\n\ndashboard(".", lang="{lang}")',
        None))  # the dashboard has its own heading
    write_atomic(folder / SCENARIO_NOTEBOOK, _notebook(
        "from sdg_interactions.apps.merge import merge_folder\n"
        "from sdg_interactions.apps.scenario import scenario_app\n\n"
        'merged = merge_folder(".")\nif merged.dataset is None:\n'
        f'    print({text("apps.workshop.no_answers", lang)!r})\n'
        f'else:\n    display(scenario_app(merged.dataset, lang="{lang}", folder="{REPORT_DIR}"))',
        text("apps.workshop.scenario_title", lang, kommun=place["kommun"])))
    write_atomic(folder / "uploads_readme.txt", text("apps.workshop.uploads_readme", lang, folder=UPLOAD_DIR) + "\n")
    write_template(plan.nodes, folder / TEMPLATE_FILE, respondents=1, lang=lang)
    from sdg_interactions.apps.kit import write_kit

    write_kit(folder, lang=lang)
    return folder


def read_about(folder: str | os.PathLike) -> dict:
    """The workshop's ``om.json``: ``kommun`` (kommunkod), ``kommun_name``, ``lang``, ``join_code``, ``drop_in``
    (whether the join code works) and ``release_after_minutes``.

    A folder made before there were personal links has neither: its join code keeps working (``drop_in`` is
    True when the folder has no ``lankar.json``) and ``release_after_minutes`` is
    :data:`RELEASE_AFTER_MINUTES`.
    """
    path = Path(folder) / ABOUT_FILE
    try:
        about = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValidationError(locate(tr("error.elsewhere.not_workshop", reason=error.__class__.__name__),
                                     file=str(path), valid=tr("error.elsewhere.valid_workshop"))) from error
    if not isinstance(about, dict):
        raise ValidationError(locate(tr("error.elsewhere.not_workshop", reason=tr("error.elsewhere.no_object")),
                                     file=str(path), valid=tr("error.elsewhere.valid_workshop")))
    about.setdefault("drop_in", not (Path(folder) / LINKS_FILE).exists())
    about.setdefault("release_after_minutes", RELEASE_AFTER_MINUTES)
    return about


def set_drop_in(folder: str | os.PathLike, on: bool) -> dict:
    """Turn the shared join code for drop-ins on or off (``om.json``'s ``drop_in``); return the new ``om.json``."""
    folder = Path(folder)
    about = read_about(folder)
    about["drop_in"] = bool(on)
    write_atomic(folder / ABOUT_FILE, json.dumps(about, ensure_ascii=False, indent=2) + "\n", mode=0o600)
    return about


def scoring_code(lang: str, *, link: str | None = None, browser: str | None = None) -> str:
    """The code cell of ``delta.ipynb``: the scoring app in ``lang``, with a personal link's token and the hash of
    the browser's secret when given (the server puts them in before a page's kernel starts).

    Every value is checked (a token of :data:`~sdg_interactions.apps.links.TOKEN_PATTERN`, 64 hex digits)
    and written with :func:`repr`, so nothing from a browser becomes code.

    Examples
    --------
    >>> print(scoring_code("en", link="A" * 32).splitlines()[-1])
    scoring_app('.', lang='en', link='AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')
    """
    check_lang(lang)
    call = f"scoring_app('.', lang={lang!r}"
    if link is not None:
        if not isinstance(link, str) or not TOKEN_PATTERN.fullmatch(link):
            raise ValidationError(locate(tr("error.apps.token"), value="…", valid=tr("error.apps.valid_token")))
        call += f", link={link!r}"
    if browser is not None:
        call += f", browser={check_browser(browser)!r}"
    return f"from sdg_interactions.apps.scoring import scoring_app\n\n{call})"
