"""Who scores what in a workshop folder: the plan's shares, the journals, and the claims that tie them.

A plan (``workshop.json``) names shares ("R1", "R2", … or real names), each a list of pairs. A
participant — through a personal link (:mod:`sdg_interactions.apps.links`) or, when the facilitator
allows it, a pseudonym and the join code — gets a share through a *claim file* in ``svar/andelar/``
(``<share slug-hash>.<round>.json``, holding share, pseudonym, journal, time, how they came in and, for a
pseudonym, the hash of their browser's secret). Their answers go to their own journal,
``svar/<pseudonym slug-hash>.jsonl`` (:func:`journal_path`).

:func:`claim_share` takes the first share, in plan order, whose claim file for round 1 does not exist
yet — the share named like the respondent (or given) first, shares kept for someone else's personal
link skipped. The file is made with an exclusive create (``O_EXCL``; mode 0600, like ``svar/``'s 0700:
the owner's only), so when two browsers claim at once one wins and the other takes the next share. When
every share is taken, the shares are dealt again in round 2, 3, … (those pairs simply get more answers).

**Releasing a share.** A claim is released by renaming its file to ``<name>.released-<UTC time>``: the
record is kept, and the share's round is free again. :func:`release_stale` releases the drop-in claims
(pseudonym and code) that have no scored answer after a set time and whose page is closed;
:func:`release_claim` is the facilitator's, and refuses a claim with scored answers.

Examples
--------
>>> import tempfile
>>> from sdg_interactions.io.workshop import plan_workshop, write_workshop
>>> folder = Path(tempfile.mkdtemp())
>>> _ = write_workshop(plan_workshop(["7.2", "11.6", "13.2"], respondents=2), folder / WORKSHOP_FILE)
>>> plan = read_plan(folder)
>>> claim_share(folder, "Räv 7", plan, reserved={"R1"}).share  # R1 is kept for R1's personal link
'R2'
>>> claim_share(folder, "R1", plan, via="link").share
'R1'
>>> claim_share(folder, "Lo 3", plan).round  # every share taken: round 2
2
>>> [(c.respondent, c.share, c.round, c.via) for c in read_claims(folder)]
[('R1', 'R1', 1, 'link'), ('Räv 7', 'R2', 1, 'code'), ('Lo 3', 'R1', 2, 'code')]
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sdg_interactions.errors import SdgInteractionsError, ValidationError, check_one_script, locate, tr
from sdg_interactions.io.journal import fold, read_journal
from sdg_interactions.io.workshop import Workshop, read_workshop
from sdg_interactions.locking import held_elsewhere
from sdg_interactions.textfile import sync_folder

__all__ = [
    "CLAIM_DIR",
    "JOURNAL_DIR",
    "MAX_ROUNDS",
    "WORKSHOP_FILE",
    "Claim",
    "claim_share",
    "claims_by_respondent",
    "find_claim",
    "journal_open",
    "journal_path",
    "journals",
    "link_error",
    "name_key",
    "read_claims",
    "read_plan",
    "release_claim",
    "release_stale",
    "released_claims",
    "scored",
]

WORKSHOP_FILE = "workshop.json"
JOURNAL_DIR = "svar"
#: The folder of claim files, inside the journal folder ``svar/``.
CLAIM_DIR = "andelar"
#: How many times the shares are dealt out at most (round 2 and on only when more people come than planned).
MAX_ROUNDS = 1000
_RELEASED = ".released-"


def read_plan(folder: str | os.PathLike) -> Workshop:
    """The workshop's plan (``workshop.json``)."""
    return read_workshop(Path(folder) / WORKSHOP_FILE)


def _slug(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name.casefold())
    plain = "".join(c for c in folded if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")[:40] or "svarande"


def name_key(name: str) -> str:
    """A name as two people could mean the same one: without capitals, accents and spaces.

    Examples
    --------
    >>> name_key("Anna Å") == name_key(" anna  å") == name_key("ANNAA")
    True
    """
    folded = unicodedata.normalize("NFKD", str(name).casefold())
    return "".join(c for c in folded if not unicodedata.combining(c) and not c.isspace())


def journal_path(folder: str | os.PathLike, respondent: str) -> Path:
    """The journal file of one respondent: ``svar/<slug>-<hash>.jsonl``, inside the folder whatever the name.

    The hash of the exact name (in NFC: an ``é`` typed as e + ◌́ is the same ``é``) keeps "Anna" and "anna"
    apart; the slug keeps the file readable. A name that mixes Latin, Cyrillic and Greek letters is refused
    (``Rаv 7`` with a Cyrillic а would be a second journal for what looks like ``Rav 7``).
    """
    name = unicodedata.normalize("NFC", str(respondent).strip())
    if not name or len(name) > 80 or any(unicodedata.category(c).startswith("C") for c in name):
        raise ValidationError(locate(tr("error.apps.pseudonym"), value=respondent,
                                     valid=tr("error.apps.valid_pseudonym")))
    check_one_script(name, what="pseudonym")
    digest = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    return Path(folder) / JOURNAL_DIR / f"{_slug(name)}-{digest}.jsonl"


def journals(folder: str | os.PathLike) -> list[Path]:
    """Every respondent's journal in the folder, by file name."""
    return sorted((Path(folder) / JOURNAL_DIR).glob("*.jsonl"))


@dataclass(frozen=True)
class Claim:
    """One claim file: ``respondent`` (a pseudonym) scores the pairs of the plan's ``share``.

    ``round`` is 1 for the first participant of a share, 2 for the next when all are taken, and so on; a
    claim file that cannot be read (a crash between its creation and its write) has ``share`` and
    ``respondent`` "" and ``round`` 0, and its file still counts as taken. ``via`` is ``"link"`` (a personal
    link) or ``"code"`` (a pseudonym and the join code); ``browser`` the hash of the claiming browser's
    secret (or None); ``time`` when it was made (UTC, ISO 8601).
    """

    share: str
    respondent: str
    round: int
    path: Path
    via: str = "code"
    browser: str | None = None
    time: str = ""


def _claim_dir(folder: str | os.PathLike) -> Path:
    return Path(folder) / JOURNAL_DIR / CLAIM_DIR


def _claim_path(folder: str | os.PathLike, share: str, round_: int) -> Path:
    return _claim_dir(folder) / f"{journal_path(folder, share).stem}.{round_}.json"


def _read_claim(path: Path) -> Claim:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        browser = data.get("browser")
        return Claim(str(data["share"]), str(data["respondent"]), int(data["round"]), path,
                     via="link" if data.get("via") == "link" else "code",
                     browser=browser if isinstance(browser, str) else None, time=str(data.get("t", "")))
    except (OSError, ValueError, KeyError, TypeError, AttributeError):  # being written, or torn: still taken
        return Claim("", "", 0, path)


def read_claims(folder: str | os.PathLike) -> list[Claim]:
    """Every claim of a workshop folder (released ones left out), by round, then by file name (only reads)."""
    found = [_read_claim(path) for path in sorted(_claim_dir(folder).glob("*.json"))]
    return sorted(found, key=lambda c: (c.round, c.path.name))


def released_claims(folder: str | os.PathLike) -> list[Claim]:
    """The released claims (kept for the record as ``<name>.released-<time>``), by file name."""
    return [_read_claim(path) for path in sorted(_claim_dir(folder).glob(f"*.json{_RELEASED}*"))]


def find_claim(folder: str | os.PathLike, respondent: str, plan: Workshop) -> Claim | None:
    """The claim of ``respondent`` (exact spelling) on a share of ``plan``, or None."""
    return next((c for c in read_claims(folder) if c.respondent == respondent and c.share in plan.assignment), None)


def claim_share(folder: str | os.PathLike, respondent: str, plan: Workshop, *, share: str | None = None,
                reserved: Iterable[str] = (), via: str = "code", browser: str | None = None) -> Claim:
    """Claim the next free share of ``plan`` for ``respondent`` (see the module docstring) and return it.

    ``share`` (or else the share named like ``respondent``) comes first; the ``reserved`` shares (kept for
    other people's personal links) are skipped in round 1. ``via`` and ``browser`` are stored in the claim.
    Each claim file is created with ``O_EXCL`` (mode 0600): of two browsers claiming at once, one gets the
    file and the other moves on to the next share. The file's content is flushed and fsynced.
    """
    for private in (Path(folder) / JOURNAL_DIR, _claim_dir(folder)):  # answers and claims: the owner's only
        private.mkdir(mode=0o700, parents=True, exist_ok=True)
    names, kept = plan.respondents, set(reserved)
    first = share if share in plan.assignment else respondent if respondent in plan.assignment else None
    for round_ in range(1, MAX_ROUNDS + 1):
        order = [first] + [n for n in names if n != first] if first is not None else list(names)
        for candidate in order:
            if round_ == 1 and candidate in kept and candidate != first:
                continue
            path = _claim_path(folder, candidate, round_)
            if path.exists():
                continue
            record = {"share": candidate, "respondent": respondent, "round": round_,
                      "journal": journal_path(folder, respondent).name, "via": via,
                      "t": datetime.now(UTC).isoformat(timespec="milliseconds")}
            if browser is not None:
                record["browser"] = browser
            try:
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(json.dumps(record, ensure_ascii=False) + "\n")
                    handle.flush()
                    os.fsync(handle.fileno())
            except FileExistsError:  # another browser was quicker
                continue
            sync_folder(path.parent)
            return Claim(candidate, respondent, round_, path, via=via, browser=browser, time=record["t"])
    raise ValidationError(locate(tr("workshop.claim.none_left", rounds=MAX_ROUNDS), value=respondent))


def claims_by_respondent(folder: str | os.PathLike) -> dict[str, str]:
    """Pseudonym -> the share of the plan they score (their first claim; unreadable claims left out)."""
    found: dict[str, str] = {}
    for claim in read_claims(folder):
        if claim.respondent:
            found.setdefault(claim.respondent, claim.share)
    return found


def scored(folder: str | os.PathLike, respondent: str) -> int:
    """How many pairs ``respondent`` has a score for in their journal (0 without a journal).

    A journal that cannot be read counts as 1, so a share is never released on a guess.
    """
    path = journal_path(folder, respondent)
    if not path.exists():
        return 0
    try:
        return sum(1 for a in fold(read_journal(path)) if a.score is not None)
    except (SdgInteractionsError, OSError):
        return 1


def journal_open(folder: str | os.PathLike, respondent: str) -> bool:
    """True while ``respondent``'s journal is open for writing (its page is open: the journal's lock is held)."""
    return held_elsewhere(journal_path(folder, respondent))


def _release(claim: Claim, now: datetime) -> bool:
    """Rename the claim file to ``<name>.released-<UTC time>``; False when another process did it first."""
    stamp = now.astimezone(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    try:
        claim.path.rename(claim.path.with_name(f"{claim.path.name}{_RELEASED}{stamp}"))
    except FileNotFoundError:
        return False
    sync_folder(claim.path.parent)
    return True


def release_stale(folder: str | os.PathLike, *, minutes: float, now: datetime | None = None) -> list[Claim]:
    """Release every drop-in claim (``via == "code"``) made more than ``minutes`` ago whose respondent has no
    scored answer and whose page is closed; return the released claims.

    The scoring app calls this before a drop-in participant claims a share, so the share is reused.
    """
    now = now or datetime.now(UTC)
    released = []
    for claim in read_claims(folder):
        if claim.via != "code" or not claim.respondent or not claim.time:
            continue
        try:
            made = datetime.fromisoformat(claim.time)
        except ValueError:
            continue
        if made.tzinfo is None:
            made = made.replace(tzinfo=UTC)
        if now - made < timedelta(minutes=minutes):
            continue
        if scored(folder, claim.respondent) or journal_open(folder, claim.respondent):
            continue
        if _release(claim, now):
            released.append(claim)
    return released


def release_claim(folder: str | os.PathLike, share: str, *, now: datetime | None = None) -> list[Claim]:
    """Release the claims on ``share`` whose respondent has no scored answer (the facilitator's "release").

    Returns the released claims. Raises a ValidationError (``links_key`` ``"not_claimed"`` or
    ``"has_answers"``) when the share has no claim, or when every claim on it has scored answers: those
    answers are the respondent's and stay theirs.
    """
    now = now or datetime.now(UTC)
    claims = [c for c in read_claims(folder) if c.share == share and c.respondent]
    if not claims:
        raise link_error("not_claimed", value=share, share=share)
    free = [c for c in claims if not scored(folder, c.respondent)]
    if not free:
        keep = claims[0]
        raise link_error("has_answers", value=share, share=share, name=keep.respondent,
                            n=scored(folder, keep.respondent))
    return [c for c in free if _release(c, now)]


def link_error(key: str, *, value: object = None, **fields: object) -> ValidationError:
    """A ValidationError worded from ``links.error.<key>`` (English), carrying ``links_key`` and the fields so
    the facilitator's page can word it again in Swedish."""
    exc = ValidationError(locate(tr(f"links.error.{key}", **fields), value=value))
    exc.links_key, exc.links_fields = key, fields
    return exc
