"""The facilitator's section "Personliga länkar": every personal link with its state, address and QR code, and the
buttons to add a link, give a share a new link, release a share, and allow the shared code for drop-ins.

:class:`LinksPanel` is a ``VBox`` over a workshop folder, part of the dashboard
(:mod:`sdg_interactions.apps.facilitator`); :func:`links_html` is the table alone. The addresses are whole
when ``workshop serve`` has written the participants' base addresses (``adresser.json``,
:func:`~sdg_interactions.apps.links.read_bases`), else paths (``/?k=…``). Every error a button meets is
shown in words in the panel's ``Output``.
"""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path

import ipywidgets as widgets

from sdg_interactions.apps import _render
from sdg_interactions.apps.claims import read_claims, read_plan, release_claim, scored
from sdg_interactions.apps.links import add_link, link_url, qr_svg, read_bases, read_links, reassign_share
from sdg_interactions.apps.workshop import read_about, set_drop_in
from sdg_interactions.errors import SdgInteractionsError
from sdg_interactions.texts import text

__all__ = ["LinksPanel", "link_message", "links_html"]

_log = logging.getLogger(__name__)


def _say(key: str, lang: str, **fields: object) -> str:
    return text(f"links.dashboard.{key}", lang, **fields)


def link_message(exc: BaseException, lang: str) -> str:
    """An error of the links or claims in ``lang`` (worded again from its ``links_key``), or any other error as
    :func:`~sdg_interactions.apps._render.user_message` words it."""
    key = getattr(exc, "links_key", None)
    if key is not None:
        return text(f"links.error.{key}", lang, **getattr(exc, "links_fields", {})) + "."
    return _render.user_message(exc, lang)


def links_html(folder: str | os.PathLike, lang: str) -> str:
    """The table of the folder's personal links: participant, share, state, full address and a QR code on demand.

    Examples
    --------
    >>> import tempfile
    >>> from sdg_interactions.apps.workshop import new_workshop
    >>> ws = new_workshop(Path(tempfile.mkdtemp()) / "ws", ["7.2", "13.2"], kommun="Habo", respondents=2)
    >>> page = links_html(ws, "en")
    >>> page.count("<tr>"), page.count("/?k="), "not started" in page
    (3, 2, True)
    """
    links, bases = read_links(folder), read_bases(folder)
    if not links:
        return f"<p>{html.escape(_say('no_links', lang))}</p>"
    claimed = {c.respondent: c for c in read_claims(folder) if c.respondent}
    head = "".join(f"<th style='text-align:left;padding:0.2em 0.6em'>{html.escape(_say(k, lang))}</th>"
                   for k in ("respondent", "share", "state", "address"))
    rows = []
    for link in links:
        claim = claimed.get(link.respondent)
        if link.revoked:
            state, address = _say("revoked", lang), ""
        else:
            n = scored(folder, link.respondent) if claim is not None else 0
            state = (_say("answered", lang, n=n) if n else _say("opened", lang) if claim is not None
                     else _say("not_started", lang))
            url = link_url(bases[0] if bases else "", link.token)
            address = (f"<code style='word-break:break-all'>{html.escape(url)}</code><details><summary>"
                       f"{html.escape(_say('qr', lang))}</summary>{qr_svg(url, scale=3)}</details>")
        share = claim.share if claim is not None else link.share or _say("any_share", lang)
        cells = [html.escape(link.respondent), html.escape(share), html.escape(state), address]
        rows.append("<tr>" + "".join(f"<td style='padding:0.2em 0.6em;vertical-align:top'>{c}</td>" for c in cells)
                    + "</tr>")
    note = "" if bases else f"<p><small>{html.escape(_say('no_bases', lang))}</small></p>"
    return f"{note}<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


class LinksPanel(widgets.VBox):
    """The dashboard's section of personal links (module docstring) on the workshop ``folder``, in ``lang``."""

    def __init__(self, folder: str | os.PathLike, lang: str = "sv", **kwargs) -> None:
        super().__init__(**kwargs)
        self._folder, self._lang = Path(folder), lang
        say = lambda key, **f: _say(key, lang, **f)  # noqa: E731
        self._table, self._code, self._done = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self._errors = widgets.Output()
        try:
            shares = list(read_plan(folder).respondents)
        except SdgInteractionsError:
            shares = []
        self._share = widgets.Dropdown(options=shares, description=say("choose_share"))
        auto = widgets.Layout(width="auto")
        self._add = widgets.Button(description=say("add"), layout=auto)
        self._reassign = widgets.Button(description=say("reassign"), layout=auto)
        self._release = widgets.Button(description=say("release"), layout=auto)
        self._drop_in = widgets.Checkbox(value=bool(read_about(folder).get("drop_in", False)), indent=False,
                                         description=say("drop_in"), layout=auto)
        self._add.on_click(lambda _: self._act(self.add))
        self._reassign.on_click(lambda _: self._act(self.reassign))
        self._release.on_click(lambda _: self._act(self.release))
        self._quiet = False
        self._drop_in.observe(lambda change: self._quiet or self._act(lambda: self.set_drop_in(change.new)), "value")
        heading = f"<h4 style='margin:0.6em 0 0.2em'>{html.escape(say('heading'))}</h4>"
        intro = f"<p>{html.escape(say('intro'))}</p>"
        help_ = f"<p><small>{html.escape(say('release_help'))}</small></p>"
        self.children = [widgets.HTML(heading + intro), self._table, self._add,
                         widgets.HBox([self._share, self._reassign, self._release],
                                      layout=widgets.Layout(flex_flow="row wrap")),
                         widgets.HTML(help_), self._drop_in, self._code, self._done, self._errors]
        self.refresh()

    @property
    def controls(self) -> dict[str, widgets.Widget]:
        """The controls by name: ``add``, ``share`` (a Dropdown), ``reassign``, ``release``, ``drop_in``."""
        return {"add": self._add, "share": self._share, "reassign": self._reassign, "release": self._release,
                "drop_in": self._drop_in}

    @property
    def displays(self) -> dict[str, widgets.Widget]:
        """The outputs by name: ``table``, ``code``, ``done`` (HTML) and ``errors`` (an Output)."""
        return {"table": self._table, "code": self._code, "done": self._done, "errors": self._errors}

    def refresh(self) -> None:
        """Show the links and the drop-in code as they are on disk now."""
        self._table.value = links_html(self._folder, self._lang)
        about = read_about(self._folder)
        on = bool(about.get("drop_in", False))
        self._quiet, self._drop_in.value, self._quiet = True, on, False  # as on disk, also after an error
        words = (_say("code", self._lang, code=about.get("join_code", "")) if on else _say("code_off", self._lang))
        self._code.value = f"<p>{html.escape(words)}</p>"

    def add(self) -> None:
        """Add a link for the next free respondent name ("R7") and say its address."""
        link = add_link(self._folder)
        self._say_done("added", name=link.respondent, url=self._url(link.token))

    def reassign(self) -> None:
        """Give the chosen share a new link (the old stops working) and say its address."""
        link = reassign_share(self._folder, self._share.value)
        self._say_done("reassigned", share=self._share.value, name=link.respondent, url=self._url(link.token))

    def release(self) -> None:
        """Release the chosen share's claims that have no scored answer (else say why not)."""
        release_claim(self._folder, self._share.value)
        self._say_done("released", share=self._share.value)

    def set_drop_in(self, on: bool) -> None:
        """Allow (or stop) the shared code for drop-ins."""
        set_drop_in(self._folder, on)

    def _url(self, token: str) -> str:
        bases = read_bases(self._folder)
        return link_url(bases[0] if bases else "", token)

    def _say_done(self, key: str, **fields: object) -> None:
        self._done.value = f"<p role='status'>{html.escape(_say(key, self._lang, **fields))}</p>"

    def _act(self, action) -> None:
        """Run a button's action, then redraw; an error is shown in words (the table is redrawn anyway)."""
        self._done.value = ""
        try:
            action()
        except Exception as exc:  # shown in the panel: a callback's error would vanish in the browser
            if not isinstance(exc, SdgInteractionsError):
                _log.warning("facilitator links: unexpected error", exc_info=exc)
            self._errors.outputs = (_render.error_output(link_message(exc, self._lang)),)
        else:
            self._errors.outputs = ()
        try:
            self.refresh()
        except Exception as exc:  # pragma: no cover - a folder gone while the page is open
            self._errors.outputs = (_render.error_output(link_message(exc, self._lang)),)
