"""A workshop folder on the facilitator's laptop: the plan, the join code, one journal per respondent.

``sdg-interactions workshop new`` makes the folder (:func:`new_workshop`); ``workshop serve`` serves its
two Voilà notebooks. Everything the participants enter stays in this folder::

    ws/
      workshop.json      the plan: nodes, groups, who scores which pairs (io.workshop)
      om.json            kommun, language and the join code participants type
      svar/              one append-only journal per respondent (io.journal), <pseudonym>-<hash>.jsonl
        andelar/         the claims: which pseudonym scores which share of the plan (claim_share)
      uppladdat/         answer files the facilitator adds (long CSV or the Excel template)
      rapporter/         reports rendered from the merged answers
      delta.ipynb        the scoring app (participants, through Voilà)
      ledning.ipynb      the facilitator's dashboard (through Voilà, with its own token)
      scenario.ipynb     the scenario app on the merged answers: priorities, and the konsekvensanalys
      mall.xlsx          the Excel template for those who score offline

Examples
--------
>>> import tempfile
>>> folder = new_workshop(Path(tempfile.mkdtemp()) / "ws", ["7.2", "11.6", "13.2"], kommun="Habo", respondents=2)
>>> sorted(p.name for p in folder.iterdir())
['delta.ipynb', 'ledning.ipynb', 'mall.xlsx', 'om.json', 'rapporter', 'scenario.ipynb', 'svar', 'uploads_readme.txt', 'uppladdat', 'workshop.json']
>>> read_about(folder)["kommun"], len(read_about(folder)["join_code"])
('0643', 6)
>>> journal_path(folder, "Räv 7").name.startswith("rav_7-")
True
"""  # noqa: E501

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sdg_interactions import frameworks
from sdg_interactions.errors import ValidationError, locate
from sdg_interactions.io import write_template
from sdg_interactions.io.workshop import Workshop, plan_workshop, read_workshop, write_workshop
from sdg_interactions.texts import check_lang, text

__all__ = [
    "ABOUT_FILE",
    "CLAIM_DIR",
    "FACILITATOR_NOTEBOOK",
    "JOURNAL_DIR",
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
]

WORKSHOP_FILE = "workshop.json"
ABOUT_FILE = "om.json"
JOURNAL_DIR = "svar"
UPLOAD_DIR = "uppladdat"
REPORT_DIR = "rapporter"
SCORING_NOTEBOOK = "delta.ipynb"
FACILITATOR_NOTEBOOK = "ledning.ipynb"
SCENARIO_NOTEBOOK = "scenario.ipynb"
TEMPLATE_FILE = "mall.xlsx"
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
                 groups: Mapping[str, list[str]] | None = None, overlap: int = 2, lang: str = "sv") -> Path:
    """Make a workshop folder (see the module docstring) and return its path.

    ``nodes`` are the node ids to score; ``kommun`` a name or kommunkod
    (:func:`~sdg_interactions.frameworks.find_kommun`); ``respondents``, ``by``, ``groups`` and
    ``overlap`` plan who scores which pairs (:func:`~sdg_interactions.io.workshop.plan_workshop`). The
    folder must not exist or be empty: answers are never overwritten.
    """
    check_lang(lang)
    folder = Path(folder)
    if folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ValidationError(locate("the workshop folder exists and is not empty: answers are never overwritten",
                                     value=str(folder), valid="a new folder name"))
    place = frameworks.find_kommun(kommun)
    plan = plan_workshop(list(nodes), respondents=respondents, by=by, groups=groups, overlap=overlap)
    folder.mkdir(parents=True, exist_ok=True)
    for name in (JOURNAL_DIR, UPLOAD_DIR, REPORT_DIR):
        (folder / name).mkdir()
    write_workshop(plan, folder / WORKSHOP_FILE)
    code = "".join(secrets.choice(_CODE_LETTERS) for _ in range(6))
    about = {"kommun": str(place["kommunkod"]), "kommun_name": str(place["kommun"]), "lang": lang,
             "join_code": code}
    (folder / ABOUT_FILE).write_text(json.dumps(about, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    (folder / SCORING_NOTEBOOK).write_text(_notebook(
        f'from sdg_interactions.apps.scoring import scoring_app\n\nscoring_app(".", lang="{lang}")',
        text("apps.workshop.scoring_title", lang, kommun=place["kommun"])), encoding="utf-8")
    (folder / FACILITATOR_NOTEBOOK).write_text(_notebook(
        f'from sdg_interactions.apps.facilitator import dashboard\n\ndashboard(".", lang="{lang}")',
        None), encoding="utf-8")  # the dashboard has its own heading
    (folder / SCENARIO_NOTEBOOK).write_text(_notebook(
        "from sdg_interactions.apps.merge import merge_folder\n"
        "from sdg_interactions.apps.scenario import scenario_app\n\n"
        'merged = merge_folder(".")\nif merged.dataset is None:\n'
        f'    print({text("apps.workshop.no_answers", lang)!r})\n'
        f'else:\n    display(scenario_app(merged.dataset, lang="{lang}", folder="{REPORT_DIR}"))',
        text("apps.workshop.scenario_title", lang, kommun=place["kommun"])), encoding="utf-8")
    (folder / "uploads_readme.txt").write_text(text("apps.workshop.uploads_readme", lang, folder=UPLOAD_DIR) + "\n",
                                               encoding="utf-8")
    write_template(plan.nodes, folder / TEMPLATE_FILE, respondents=1, lang=lang)
    return folder


def read_about(folder: str | os.PathLike) -> dict:
    """The workshop's ``om.json``: ``kommun`` (kommunkod), ``kommun_name``, ``lang``, ``join_code``."""
    path = Path(folder) / ABOUT_FILE
    try:
        about = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ValidationError(locate(f"not a workshop folder ({error.__class__.__name__})", file=str(path),
                                     valid="a folder made by 'sdg-interactions workshop new'")) from error
    return about


def read_plan(folder: str | os.PathLike) -> Workshop:
    """The workshop's plan (``workshop.json``)."""
    return read_workshop(Path(folder) / WORKSHOP_FILE)


def _slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:40] or "svarande"


def journal_path(folder: str | os.PathLike, respondent: str) -> Path:
    """The journal file of one respondent: ``svar/<slug>-<hash>.jsonl``, inside the folder whatever the name.

    The hash of the exact name keeps "Anna" and "anna" apart; the slug keeps the file readable.
    """
    name = str(respondent).strip()
    if not name or len(name) > 80 or any(unicodedata.category(c).startswith("C") for c in name):
        raise ValidationError(locate("a pseudonym is 1–80 printable characters", value=respondent,
                                     valid="e.g. 'Räv 7' or your name"))
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return Path(folder) / JOURNAL_DIR / f"{_slug(name)}-{digest}.jsonl"


#: The folder of claim files, inside the journal folder ``svar/``.
CLAIM_DIR = "andelar"
#: How many times the shares are dealt out at most (round 2 and on only when more people come than planned).
MAX_ROUNDS = 1000


@dataclass(frozen=True)
class Claim:
    """One claim file: ``respondent`` (a pseudonym) scores the pairs of the plan's ``share``.

    ``round`` is 1 for the first participant of a share, 2 for the next when all are taken, and so on; a
    claim file that cannot be read (a crash between its creation and its write) has ``share`` and
    ``respondent`` "" and ``round`` 0, and its file still counts as taken.
    """

    share: str
    respondent: str
    round: int
    path: Path


def _claim_dir(folder: str | os.PathLike) -> Path:
    return Path(folder) / JOURNAL_DIR / CLAIM_DIR


def _claim_path(folder: str | os.PathLike, share: str, round_: int) -> Path:
    return _claim_dir(folder) / f"{journal_path(folder, share).stem}.{round_}.json"


def read_claims(folder: str | os.PathLike) -> list[Claim]:
    """Every claim of a workshop folder, by round, then by file name (only reads)."""
    found = []
    for path in sorted(_claim_dir(folder).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            claim = Claim(str(data["share"]), str(data["respondent"]), int(data["round"]), path)
        except (OSError, ValueError, KeyError, TypeError):  # being written, or torn by a crash: still taken
            claim = Claim("", "", 0, path)
        found.append(claim)
    return sorted(found, key=lambda c: (c.round, c.path.name))


def find_claim(folder: str | os.PathLike, respondent: str, plan: Workshop) -> Claim | None:
    """The claim of ``respondent`` (exact spelling) on a share of ``plan``, or None."""
    return next((c for c in read_claims(folder) if c.respondent == respondent and c.share in plan.assignment), None)


def claim_share(folder: str | os.PathLike, respondent: str, plan: Workshop) -> Claim:
    """Claim the next free share of ``plan`` for ``respondent`` (see the module docstring) and return it.

    Each claim file is created with ``open(..., "x")``: of two browsers claiming at once, one gets the
    file and the other moves on to the next share. The file's content is flushed and fsynced.
    """
    _claim_dir(folder).mkdir(parents=True, exist_ok=True)
    names = plan.respondents
    for round_ in range(1, MAX_ROUNDS + 1):
        order = ([respondent] + [n for n in names if n != respondent]) if round_ == 1 and respondent in names \
            else names
        for share in order:
            path = _claim_path(folder, share, round_)
            if path.exists():
                continue
            record = {"share": share, "respondent": respondent, "round": round_,
                      "journal": journal_path(folder, respondent).name,
                      "t": datetime.now(UTC).isoformat(timespec="milliseconds")}
            try:
                with open(path, "x", encoding="utf-8") as handle:
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                    handle.flush()
                    os.fsync(handle.fileno())
            except FileExistsError:  # another browser was quicker
                continue
            return Claim(share, respondent, round_, path)
    raise ValidationError(f"no share left to claim after {MAX_ROUNDS} rounds")  # pragma: no cover


def claims_by_respondent(folder: str | os.PathLike) -> dict[str, str]:
    """Pseudonym -> the share of the plan they score (their first claim; unreadable claims left out)."""
    found: dict[str, str] = {}
    for claim in read_claims(folder):
        if claim.respondent:
            found.setdefault(claim.respondent, claim.share)
    return found


def journals(folder: str | os.PathLike) -> list[Path]:
    """Every respondent's journal in the folder, by file name."""
    return sorted((Path(folder) / JOURNAL_DIR).glob("*.jsonl"))
