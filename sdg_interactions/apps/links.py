"""Personal links: each participant's own address into the workshop, with a secret token as their identity.

A participant's address is ``<base>/?k=<token>`` (:func:`link_url`): the token is
``secrets.token_urlsafe(24)`` (192 bits, 32 characters of ``A–Z a–z 0–9 _ -``), the only key to their
answers, as a Jupyter server's token is the key to it — compared in constant time, never echoed. The
links live in ``lankar.json`` in the workshop folder, readable by its owner only (mode 0600, written
whole with :func:`~sdg_interactions.textfile.replacing`)::

    {"links": [{"token": "…", "respondent": "R1", "share": "R1", "created": "2026-12-07T14:00:00+00:00",
                "revoked": false}, …]}

``workshop new`` makes one link per planned respondent (:func:`make_links`); the facilitator can add one
(:func:`add_link`), revoke one (:func:`revoke_link`) or give a share a new link (:func:`reassign_share`:
the old link stops working, the new one is a new respondent on the same share, so nobody sees another
person's answers); each of the three writes the workshop kit again for the new set of links
(:func:`~sdg_interactions.apps.kit.refresh_kit`). ``workshop serve`` writes the participants' base addresses to
``adresser.json`` (:func:`write_bases`) and the facilitator's sheet ``lankar.html`` / ``lankar.pdf`` with a QR code per
link (:func:`write_link_sheet`).

Examples
--------
>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> [r1] = make_links(folder, ["R1"])
>>> bool(TOKEN_PATTERN.fullmatch(r1.token)), r1.respondent, oct(os.stat(folder / LINKS_FILE).st_mode & 0o777)
(True, 'R1', '0o600')
>>> find_link(folder, r1.token) == r1, find_link(folder, "x" * 32), find_link(folder, "../etc")
(True, None, None)
>>> link_url("http://192.168.1.5:8866", "abc")
'http://192.168.1.5:8866/?k=abc'
>>> _ = revoke_link(folder, r1.token)
>>> find_link(folder, r1.token) is None
True
"""

from __future__ import annotations

import contextlib
import hmac
import io
import json
import logging
import os
import random
import re
import secrets
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from sdg_interactions.apps.claims import (
    journal_path,
    link_error,
    name_key,
    read_claims,
    read_plan,
    released_claims,
)
from sdg_interactions.errors import SdgInteractionsError, ValidationError, locate, tr
from sdg_interactions.locking import Lock
from sdg_interactions.textfile import replacing, write_atomic
from sdg_interactions.texts import check_lang, text

__all__ = [
    "BASES_FILE",
    "BROWSER_PATTERN",
    "LINKS_FILE",
    "LINK_PARAMETER",
    "SHEET_FILE",
    "TOKEN_PATTERN",
    "Link",
    "add_link",
    "check_browser",
    "find_link",
    "link_url",
    "make_links",
    "new_token",
    "qr_svg",
    "read_bases",
    "read_links",
    "reassign_share",
    "revoke_link",
    "suggest_pseudonym",
    "taken_names",
    "write_bases",
    "write_link_sheet",
]

LINKS_FILE = "lankar.json"
#: The participants' base addresses, written by ``workshop serve``.
BASES_FILE = "adresser.json"
#: The facilitator's sheet of links: ``lankar.html`` and ``lankar.pdf``.
SHEET_FILE = "lankar"
LINK_PARAMETER = "k"
TOKEN_PATTERN = re.compile(r"^[A-Za-z0-9_-]{32}$")
#: The hash of a browser's secret as the server passes it: sha256, 64 lower-case hex digits.
BROWSER_PATTERN = re.compile(r"^[0-9a-f]{64}$")
_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Link:
    """One personal link: its ``token``, the ``respondent`` it opens (their journal's name), the plan's
    ``share`` it claims first (None: the next free one), when it was ``created`` (UTC, ISO 8601) and whether
    it is ``revoked``."""

    token: str
    respondent: str
    share: str | None
    created: str
    revoked: bool = False


def new_token() -> str:
    """A new token: 192 random bits, URL-safe (:data:`TOKEN_PATTERN`)."""
    return secrets.token_urlsafe(24)


def check_browser(browser: object) -> str | None:
    """``browser`` if it is the hash of a browser's secret as the server passes it (:data:`BROWSER_PATTERN`), None
    for None; a ValidationError otherwise (without echoing the value)."""
    if browser is not None and (not isinstance(browser, str) or not BROWSER_PATTERN.fullmatch(browser)):
        raise ValidationError(locate(tr("error.apps.browser"), value="…", valid=tr("error.apps.valid_browser")))
    return browser


def read_links(folder: str | os.PathLike) -> list[Link]:
    """Every link of the workshop folder, revoked ones too ([] before the first); a ValidationError names a
    damaged ``lankar.json``."""
    path = Path(folder) / LINKS_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, ValueError) as error:
        raise ValidationError(locate(tr("error.apps.links_unreadable", reason=error.__class__.__name__),
                                     file=str(path), valid=tr("error.apps.valid_links"))) from error
    try:
        links = [Link(str(d["token"]), str(d["respondent"]), None if d.get("share") is None else str(d["share"]),
                      str(d.get("created", "")), bool(d.get("revoked", False))) for d in data["links"]]
    except (KeyError, TypeError, AttributeError) as error:
        raise ValidationError(locate(tr("error.apps.links_damaged"), file=str(path),
                                     valid=tr("error.apps.valid_links"))) from error
    return links


def _write_private(path: Path, data: str | bytes) -> Path:
    """Write ``data`` whole or not at all, readable by the owner only (mode 0600 from the first byte)."""
    with replacing(path) as temporary:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data.encode("utf-8") if isinstance(data, str) else data)
        os.chmod(temporary, 0o600)  # whatever the umask
    return path


def _write_links(folder: str | os.PathLike, links: list[Link]) -> None:
    body = {"links": [asdict(link) for link in links]}
    _write_private(Path(folder) / LINKS_FILE, json.dumps(body, ensure_ascii=False, indent=1) + "\n")


def _locked(folder: str | os.PathLike) -> Lock:
    """The lock held while a workshop's links are read, changed and written (two facilitator pages): on
    ``lankar.json`` (the lock file ``.lankar.json.lock``), waiting for the other page to finish."""
    return Lock(Path(folder) / LINKS_FILE, wait=True)


def find_link(folder: str | os.PathLike, token: object) -> Link | None:
    """The live link whose token is ``token``, or None (unknown, malformed or revoked).

    Every link's token is compared in constant time (:func:`hmac.compare_digest`), so the time taken says
    nothing about how much of a token was right.
    """
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        return None
    given, found = token.encode("ascii"), None
    for link in read_links(folder):
        if hmac.compare_digest(given, link.token.encode("utf-8")) and not link.revoked:
            found = link
    return found


def taken_names(folder: str | os.PathLike) -> dict[str, str]:
    """Every name in use in the folder, by :func:`~sdg_interactions.apps.claims.name_key`: the respondents of
    links (revoked too), of claims (released too) and the plan's shares."""
    names = [link.respondent for link in read_links(folder)]
    names += [c.respondent for c in read_claims(folder) + released_claims(folder) if c.respondent]
    with contextlib.suppress(SdgInteractionsError):
        names += list(read_plan(folder).respondents)
    return {name_key(n): n for n in names}


def suggest_pseudonym(folder: str | os.PathLike, lang: str = "sv", *, rng: random.Random | None = None) -> str:
    """A pseudonym such as "Räv 417k" (or "Fox 417k") that no link, claim or plan of the folder uses yet.

    An animal, three digits and a letter: about 20 × 900 × 23 names, so a taken one is hard to guess (and a
    guessed one still opens nothing without its browser's secret, see
    :meth:`~sdg_interactions.apps.scoring.ScoringModel.join`).
    """
    rng = rng or random.Random(secrets.randbits(64))
    animals = text("scoring.start.animals", lang).split(",")
    taken = taken_names(folder)
    name = ""
    for _ in range(500):
        name = f"{rng.choice(animals)} {rng.randint(100, 999)}{rng.choice('abcdefghjkmnpqrstuvwxyz')}"
        if name_key(name) not in taken and not journal_path(folder, name).exists():
            return name
    return name


def _add(folder: Path, links: list[Link], respondent: str, share: str | None) -> Link:
    """A new link for ``respondent`` after checking the name is free (appended to ``links``)."""
    try:
        journal_path(folder, respondent)
    except ValidationError as exc:
        raise link_error("name", value=respondent) from exc
    if any(name_key(link.respondent) == name_key(respondent) for link in links):
        raise link_error("taken", value=respondent, name=respondent)
    link = Link(new_token(), respondent, share, datetime.now(UTC).isoformat(timespec="seconds"))
    links.append(link)
    return link


def _rewrite_kit(folder: Path) -> None:
    """Write the workshop kit again for the links as they are now; a kit that cannot be written never stops a link."""
    from sdg_interactions.apps.kit import refresh_kit

    try:
        refresh_kit(folder)
    except Exception:  # the link is made; the kit is only paper
        _log.warning("links: the workshop kit could not be written again", exc_info=True)


def _shares(folder: Path) -> set[str]:
    try:
        return set(read_plan(folder).assignment)
    except SdgInteractionsError:
        return set()


def make_links(folder: str | os.PathLike, names) -> list[Link]:
    """One new link per name (a respondent of the plan claims the share of that name); return them."""
    folder = Path(folder)
    shares = _shares(folder)
    with _locked(folder):
        links = read_links(folder)
        made = [_add(folder, links, str(name), str(name) if str(name) in shares else None) for name in names]
        _write_links(folder, links)
    return made


def add_link(folder: str | os.PathLike, respondent: str | None = None) -> Link:
    """One more link: for ``respondent`` (a share of that name first), or for the next free "R<k>".

    A name already used by a link, a claim or the plan (whatever its capitals or spaces) is refused.
    """
    folder = Path(folder)
    shares = _shares(folder)
    with _locked(folder):
        links = read_links(folder)
        taken = taken_names(folder)
        if respondent is None:
            k = len(shares) + 1
            while name_key(f"R{k}") in taken:
                k += 1
            respondent = f"R{k}"
        else:
            respondent = " ".join(str(respondent).split())
            if name_key(respondent) in taken and respondent not in shares:
                raise link_error("taken", value=respondent, name=respondent)
        link = _add(folder, links, respondent, respondent if respondent in shares else None)
        _write_links(folder, links)
        _rewrite_kit(folder)  # under the lock, so the last kit written follows the last links
    return link


def revoke_link(folder: str | os.PathLike, token: str) -> Link:
    """Revoke the link of ``token`` (it stays in the file, marked); return it as it is now."""
    folder = Path(folder)
    with _locked(folder):
        links = read_links(folder)
        index = next((i for i, link in enumerate(links) if hmac.compare_digest(
            str(token).encode("utf-8"), link.token.encode("utf-8"))), None)
        if index is None:
            raise link_error("unknown")
        links[index] = Link(**{**asdict(links[index]), "revoked": True})
        _write_links(folder, links)
        _rewrite_kit(folder)  # under the lock, so the last kit written follows the last links
    return links[index]


def reassign_share(folder: str | os.PathLike, share: str) -> Link:
    """Give ``share`` a new link: its live links are revoked and a new respondent ("R3 (2)", …) gets the share.

    The new respondent has a journal of their own, so they never see the answers made under the old link
    (those stay in the merge). They claim the share in the next free round.
    """
    folder = Path(folder)
    if share not in _shares(folder):
        raise link_error("no_share", value=share, share=share)
    with _locked(folder):
        links = read_links(folder)
        links = [Link(**{**asdict(link), "revoked": True}) if link.share == share else link for link in links]
        taken = taken_names(folder)
        k = 2
        while name_key(f"{share} ({k})") in taken or any(
                name_key(link.respondent) == name_key(f"{share} ({k})") for link in links):
            k += 1
        link = _add(folder, links, f"{share} ({k})", share)
        _write_links(folder, links)
        _rewrite_kit(folder)  # under the lock, so the last kit written follows the last links
    return link


def link_url(base: str, token: str) -> str:
    """The participant's address: ``base`` (ending in "/") with ``?k=<token>``; a path alone when ``base`` is ""."""
    base = str(base) or "/"
    return f"{base if base.endswith('/') else base + '/'}?{LINK_PARAMETER}={token}"


def write_bases(folder: str | os.PathLike, bases: list[str]) -> Path:
    """Write the participants' base addresses (``adresser.json``) for the facilitator's page."""
    clean = [str(b) for b in bases if urlsplit(str(b)).scheme in ("http", "https")]
    return write_atomic(Path(folder) / BASES_FILE, json.dumps({"bases": clean}, indent=1) + "\n")


def read_bases(folder: str | os.PathLike) -> list[str]:
    """The base addresses ``workshop serve`` wrote, [] when there are none (or the file is damaged)."""
    try:
        data = json.loads((Path(folder) / BASES_FILE).read_text(encoding="utf-8"))
        bases = data["bases"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    return [b for b in bases if isinstance(b, str) and urlsplit(b).scheme in ("http", "https")]


def qr_svg(data: str, *, scale: int = 3, title: str = "") -> str:
    """A QR code of ``data`` as an SVG string (with its namespace, so a PDF writer reads it too)."""
    import segno

    out = io.BytesIO()
    segno.make(data, error="m").save(out, kind="svg", xmldecl=False, svgns=True, scale=scale, border=2,
                                     title=title or None)
    return out.getvalue().decode("utf-8")


def _sheet(folder: Path, bases: list[str], lang: str):
    from sdg_interactions.report.document import Code, Document, Figure, Heading, Paragraph

    say = lambda key, **f: text(f"links.sheet.{key}", lang, **f)  # noqa: E731
    blocks = [Heading(say("title")), Paragraph(say("personal")),
              Paragraph(say("bases", bases=", ".join(bases)) if bases else say("no_bases"))]
    for link in (link for link in read_links(folder) if not link.revoked):
        urls = [link_url(base, link.token) for base in bases] or [link_url("", link.token)]
        label = say("qr", name=link.respondent)
        blocks += [Heading(link.respondent, 2), *(Paragraph([Code(url)]) for url in urls),
                   Figure(qr_svg(urls[0], scale=4, title=label), alt=label), Paragraph(say("instruction"))]
    return Document(say("title"), lang, blocks)


def write_link_sheet(folder: str | os.PathLike, bases: list[str], *, lang: str = "sv") -> dict[str, Path]:
    """Write the facilitator's sheet of the live links: ``lankar.html`` and ``lankar.pdf`` in ``folder``.

    One block per link: the respondent's name, the full address on each base (``http://…:8866/?k=…``), a
    QR code of the first and one line for the participant; the sheet says the links are personal. Both
    files hold the tokens, so they are readable by the owner only (mode 0600). Returns
    ``{"html": path, "pdf": path}``.
    """
    from sdg_interactions.report.writers.html import to_html
    from sdg_interactions.report.writers.typst import to_pdf

    check_lang(lang)
    folder = Path(folder)
    doc = _sheet(folder, [str(b) for b in bases], lang)
    return {"html": _write_private(folder / f"{SHEET_FILE}.html", to_html(doc)),
            "pdf": _write_private(folder / f"{SHEET_FILE}.pdf", to_pdf(doc))}
