"""The door of a workshop's Voilà server: Voilà's ``prelaunch_hook``, run for every page load before a kernel
starts.

On the participants' server a page load gets a kernel only through a personal link (``?k=<token>``, checked
with :func:`~sdg_interactions.apps.links.find_link`) or, when the facilitator has turned open joining on
(``"drop_in"`` in ``om.json``), without one; never more than :meth:`Gate.cap` kernels at once; never more
than :data:`LOADS_PER_MINUTE` page loads a minute from one address. A refused load gets a small page of its
own (:func:`refusal_page`) and no kernel. An admitted one gets the browser cookie ``sdgi_browser`` (a random
secret, HttpOnly, SameSite=Lax, Secure under HTTPS) and its notebook's code cell becomes
:func:`~sdg_interactions.apps.workshop.scoring_code` with the link and the sha256 of the cookie, so that the
kernel never reads anything from the request itself.

Every page (the facilitator's too) gets ``notebook.metadata["sdgi"]``: the workshop's language and the
words of the banner the template shows when the server is gone.
"""

from __future__ import annotations

import hashlib
import html
import re
import secrets
import time
from collections import deque
from pathlib import Path

from sdg_interactions.apps.workshop import read_about
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["COOKIE", "LOADS_PER_MINUTE", "Gate", "default_cap", "refusal_page"]

#: The browser cookie: a random secret whose sha256 is the page's ``browser`` (resume secret of drop-ins).
COOKIE = "sdgi_browser"
_COOKIE_PATTERN = re.compile(r"^[A-Za-z0-9_-]{43}$")  # secrets.token_urlsafe(32)
#: Page loads one address may make in a minute; the next ones get the "too many" page (status 429).
LOADS_PER_MINUTE = 20
#: Seconds an admitted page may take from the gate to its kernel's start before it no longer counts.
_RESERVATION = 60.0
#: Refusals: the reason's catalogue key -> HTTP status.
STATUS = {"unknown_link": 403, "no_link": 403, "full": 503, "too_many": 429}


def default_cap(links: int, planned: int) -> int:
    """How many participant pages may be open at once: the links (or the planned respondents, whichever is
    more) plus 5 for reloads and a spare device, at least 8.

    >>> default_cap(3, 2), default_cap(12, 6)
    (8, 17)
    """
    return max(8, max(links, planned) + 5)


def refusal_page(reason: str, lang: str) -> str:
    """The small self-contained page of a refused load: the reason in the workshop's language, then in the
    other one; no script, no request to anywhere.

    >>> page = refusal_page("full", "sv")
    >>> "Fullt just nu – fråga samordnaren." in page and "Full right now" in page and "http" not in page
    True
    """
    other = next(code for code in LANGUAGES if code != lang)
    words = {code: html.escape(text(f"server.refused.{reason}", code)) for code in (lang, other)}
    title = html.escape(text("server.refused.title", lang))
    return (
        f'<!DOCTYPE html>\n<html lang="{lang}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}</title><style>body{{font-family:system-ui,sans-serif;max-width:36em;margin:3em auto;"
        "padding:0 1em;line-height:1.5;color:#1b1b1b}p.other{color:#555;font-size:.9em}</style></head>"
        f'<body><h1>{title}</h1><p class="sdgi-refused">{words[lang]}</p>'
        f'<p class="other" lang="{other}">{words[other]}</p></body></html>\n'
    )


class Gate:
    """Voilà's ``prelaunch_hook`` for one workshop folder (see the module docstring).

    Parameters
    ----------
    folder : path
        The workshop folder (``om.json``, ``lankar.json``).
    role : {"participants", "facilitator"}
        The facilitator's server (loopback, behind its token) is only given the language and the banner.
    max_participants : int, optional
        A fixed cap; by default :func:`default_cap` of the links and the plan, read at each page load (the
        facilitator may add links while the workshop runs).
    loads_per_minute : int
        Page loads a minute from one address before the "too many" page.
    """

    def __init__(self, folder, *, role: str = "participants", max_participants: int | None = None,
                 loads_per_minute: int = LOADS_PER_MINUTE) -> None:
        self.folder = Path(folder)
        self.role = role
        self.max_participants = max_participants
        self.loads_per_minute = loads_per_minute
        self._loads: dict[str, deque[float]] = {}
        self._reserved: deque[float] = deque()  # admitted pages whose kernel has not begun to start
        self.starting = 0  # kernels being started
        self._started: set[str] = set()  # kernels whose start returned (and that ran at the last count)
        self.spare: set[str] = set()  # warm kernels with no page yet (apps._warm_kernels): not counted

    def __deepcopy__(self, memo) -> Gate:
        """The gate itself: traitlets deep-copies a configured value, and Voilà's prelaunch hook must be the
        very gate the kernel manager tells of starting kernels (else admitted pages would stay reserved for a
        minute and ten reloads fill the cap)."""
        return self

    # -- the count of kernels -------------------------------------------------------------------------------
    def cap(self) -> int:
        """The most participant pages (kernels) open at once."""
        if self.max_participants is not None:
            return self.max_participants
        from sdg_interactions.apps import links
        from sdg_interactions.apps.workshop import read_plan

        active = sum(not link.revoked for link in links.read_links(self.folder))
        return default_cap(active, len(read_plan(self.folder).respondents))

    def load(self, kernel_manager) -> int:
        """Kernels running or starting, and pages admitted whose kernel has not begun to start. A kernel the
        manager lists while its start still runs is counted once (ten pages at once are ten, not twenty); warm
        kernels waiting for a page (:attr:`spare`) are not counted."""
        now = time.monotonic()
        while self._reserved and now - self._reserved[0] > _RESERVATION:
            self._reserved.popleft()
        listed = set(kernel_manager.list_kernel_ids()) - self.spare
        self._started &= listed
        # listed ⊆ started ∪ starting, so the max never counts a kernel twice and never misses one
        return max(len(listed), len(self._started) + self.starting + len(self._reserved))

    def kernel_starting(self) -> None:
        """Called as a kernel begins to start: its page's reservation becomes a starting kernel."""
        if self._reserved:
            self._reserved.popleft()
        self.starting += 1

    def kernel_started(self, kernel_id: str | None = None) -> None:
        """Called once a kernel's start returned (with its id) or failed (None)."""
        self.starting = max(0, self.starting - 1)
        if kernel_id is not None:
            self._started.add(kernel_id)

    # -- page loads by address ------------------------------------------------------------------------------
    def allow(self, address: str, now: float | None = None) -> bool:
        """Count one page load from ``address``; False once it made more than ``loads_per_minute`` in the last
        minute (refused loads count too: a flood stays refused until it stops for a minute).

        >>> gate = Gate(".", loads_per_minute=2)
        >>> [gate.allow("10.0.0.7", now=t) for t in (0, 1, 2, 59, 62)]
        [True, True, False, False, True]
        """
        now = time.monotonic() if now is None else now
        if len(self._loads) > 10_000:  # forget addresses quiet for a minute
            self._loads = {a: q for a, q in self._loads.items() if q and now - q[-1] < 60}
        seen = self._loads.setdefault(address, deque())
        while seen and now - seen[0] >= 60:
            seen.popleft()
        seen.append(now)
        return len(seen) <= self.loads_per_minute

    # -- the hook -------------------------------------------------------------------------------------------
    def __call__(self, handler, notebook, cwd=None):
        """Voilà's prelaunch hook: return the notebook to run, or end the request with a refusal page."""
        about = read_about(self.folder)
        lang = about.get("lang", "sv") if about.get("lang") in LANGUAGES else "sv"
        notebook.metadata["sdgi"] = {"lang": lang, "lost": text("server.banner.lost", lang)}
        if self.role != "participants":
            return notebook
        from sdg_interactions.apps import links
        from sdg_interactions.apps.workshop import scoring_code

        if not self.allow(handler.request.remote_ip or ""):
            self.refuse(handler, "too_many", lang)
        token = handler.get_query_argument(links.LINK_PARAMETER, "") or None
        if token is not None and links.find_link(self.folder, token) is None:
            self.refuse(handler, "unknown_link", lang)
        if token is None and not about.get("drop_in", False):
            self.refuse(handler, "no_link", lang)
        if self.load(handler.kernel_manager) >= self.cap():
            self.refuse(handler, "full", lang)
        browser = hashlib.sha256(self.browser_secret(handler).encode("ascii")).hexdigest()
        cell = next(cell for cell in notebook.cells if cell.cell_type == "code")
        cell.source = scoring_code(lang, link=token, browser=browser)
        self._reserved.append(time.monotonic())
        return notebook

    @staticmethod
    def browser_secret(handler) -> str:
        """The page's browser cookie, set now when it is missing or malformed."""
        secret = handler.get_cookie(COOKIE) or ""
        if not _COOKIE_PATTERN.match(secret):
            secret = secrets.token_urlsafe(32)
            # Lax, not Strict: a personal link clicked in a meeting chat is a navigation from another site,
            # and a Strict cookie would not be sent with it (the browser would look new and lose its secret)
            handler.set_cookie(COOKIE, secret, httponly=True, samesite="Lax",
                               secure=handler.request.protocol == "https", expires_days=30)
        return secret

    @staticmethod
    def refuse(handler, reason: str, lang: str):
        """End the request with the refusal page of ``reason``: no kernel is started."""
        import tornado.web

        handler.set_status(STATUS[reason])
        handler.set_header("Content-Type", "text/html; charset=utf-8")
        handler.set_header("Cache-Control", "no-store")
        if reason == "too_many":
            handler.set_header("Retry-After", "60")
        handler.log.info("sdgi: page refused (%s) for %s", reason, handler.request.remote_ip)
        raise tornado.web.Finish(refusal_page(reason, lang))
