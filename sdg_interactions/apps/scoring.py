"""The scoring app: workshop participants score pairs in the browser, every answer on disk before it shows as saved.

The workshop's ``delta.ipynb`` calls :func:`scoring_app` under Voilà (one kernel per browser tab). Two parts:

* :class:`ScoringModel` — the state (:class:`traitlets.HasTraits`): the workshop folder, the respondent
  (their pseudonym), their share of the plan and its pairs, the position, and the **current answer**
  (``score``, ``comment``, ``uncertain``, and ``saved``: whether it is in the journal). Its methods
  (:meth:`~ScoringModel.join`, :meth:`~ScoringModel.answer`, :meth:`~ScoringModel.go`,
  :meth:`~ScoringModel.next_unscored`, …) need no widget and raise the library's errors.
* :class:`ScoringApp` (in :mod:`sdg_interactions.apps._scoring_view`) — the view, a ``VBox`` that only
  wires widgets to the model and shows its errors in an ``Output``, in the chosen language.

**Saving.** :meth:`ScoringModel.answer` first puts the answer on the screen (``saved = False``), then
calls :meth:`~sdg_interactions.io.journal.Journal.record`, which returns only after the line is
fsynced; only then is ``saved`` set. An error while saving leaves the answer on the screen, unsaved,
and is raised; moving to another pair saves an unsaved answer first and stays put if that fails, so an
answer is never dropped. A changed answer is a new journal line; "skip" on an unanswered pair records
``score = None`` (seen and skipped), "clear" records ``None`` keeping the comment and mark.

**Who scores what: links, shares and claims.** A plan (``workshop.json``) names shares ("R1", "R2", …),
each a list of pairs; a participant gets one through a *claim file* (:mod:`sdg_interactions.apps.claims`).
There are two ways in:

1. **A personal link** (:meth:`~ScoringModel.join_link`, :mod:`sdg_interactions.apps.links`): the link's
   secret token names the respondent ("R3", or the plan's real name), and they claim the share of that
   name. Reopening the link reads their answers back from their journal (``svar/<name slug-hash>.jsonl``,
   :func:`~sdg_interactions.apps.workshop.journal_path`) and resumes after the pair they answered last, at
   the next unscored one. This is the default: nobody else can open those answers.
2. **A drop-in** (:meth:`~ScoringModel.join`), only while the facilitator allows the shared code: a
   pseudonym and the code. The claim stores the hash of the browser's secret (a cookie the server sets),
   and a taken pseudonym is reopened only by that browser; any other browser — and any name that differs
   from a taken one only in capitals, spaces or accents — is told "the name is taken", never how the
   taken name is spelled. A drop-in takes the first free share not kept for someone's personal link, and
   when every share is taken, the shares are dealt again in round 2, 3, … (those pairs simply get more
   answers). A drop-in's share with no scored answer after ``release_after_minutes`` (``om.json``, 15) is
   released for the next one.

One page joins once (a second join asks for a reload); five wrong codes in a row make it wait a minute.
The journal is opened and locked (:class:`~sdg_interactions.io.journal.Journal`) *before* the claim is
looked up or made: the same respondent in two tabs gets one share, the second tab is told it is open.

**Comments** are cleaned as they are entered (:func:`clean_comment`: no control or bidi characters) and
hold at most :data:`MAX_COMMENT` characters; a longer one is refused and stays on screen, unsaved.

**Keyboard in Voilà.** ipywidgets has no page-wide key events, so the pair screen has a small text field
(*Tangentbord / Keyboard*) that gets the focus when the participant joins (a click never moves it). Type
``-3`` … ``3`` there (``+2`` and the minus sign ``−`` too) and press Enter: the score is recorded on the
pair on screen, then the next pair opens; Enter on an empty field only moves on; a score typed and left
(Tab, a click) is recorded without moving. The field commits its value on Enter or when left
(``continuous_update=False``), and the browser sends Enter (the ``submit`` message) just *before* that
value, so the app waits for the value (at most ``ENTER_WAIT`` = 0.3 s) before moving: a score never
lands on the next pair. The code field works the same way (Enter joins). Checked in headless Chromium.

Examples
--------
>>> import tempfile
>>> from sdg_interactions.apps.links import read_links
>>> from sdg_interactions.apps.workshop import new_workshop
>>> folder = new_workshop(Path(tempfile.mkdtemp()) / "ws", ["7.2", "11.6", "13.2"], kommun="Habo", respondents=2)
>>> model = ScoringModel(folder, lang="en")
>>> model.join_link(read_links(folder)[1].token)
False
>>> model.respondent, model.share, model.pair, len(model.pairs)
('R2', 'R2', ('7.2', '11.6'), 6)
>>> model.answer(2, "sjöar och åar").score, model.saved
(2, True)
>>> model.next_unscored(), model.answered
(1, 1)
>>> model.close()
"""

from __future__ import annotations

import hmac
import os
import re
import time
import unicodedata
from pathlib import Path

import traitlets

from sdg_interactions import errors
from sdg_interactions.apps import _render
from sdg_interactions.apps._scoring_view import SCORES, ScoringApp, message, scoring_error
from sdg_interactions.apps.claims import name_key, release_stale, released_claims
from sdg_interactions.apps.links import check_browser, find_link, read_links, suggest_pseudonym, taken_names
from sdg_interactions.apps.workshop import (
    CLAIM_DIR,
    RELEASE_AFTER_MINUTES,
    Claim,
    claim_share,
    find_claim,
    journal_path,
    read_about,
    read_claims,
    read_plan,
)
from sdg_interactions.errors import BIDI_CONTROLS, SdgInteractionsError, ValidationError, words_of
from sdg_interactions.io import write_excel, write_matrix
from sdg_interactions.io.journal import MAX_COMMENT, Answer, Journal, fold, journal_to_dataset, read_journal
from sdg_interactions.io.workshop import Workshop
from sdg_interactions.texts import check_lang, text

__all__ = ["CLAIM_DIR", "MAX_COMMENT", "SCORES", "Claim", "ScoringApp", "ScoringModel", "claim_share", "clean_comment",
           "find_claim", "read_claims", "scoring_app", "suggest_pseudonym"]

MAX_WRONG_CODES, WRONG_CODE_WAIT = 5, 60  # wrong codes in a row on one page before it waits, and for how long (s)
#: Control characters other than newline and tab, lone surrogates, and the bidi controls that reorder text.
_UNWANTED = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff{BIDI_CONTROLS}]")  # errors.UNSAFE_TEXT + surrogates
_clock = time.monotonic  # the clock of the wrong-code wait (a test may replace it)


def clean_comment(comment: str) -> str:
    """A comment as it is saved: line ends as ``\\n``, without control characters (newline and tab stay) and
    without the bidi controls that can make a text read differently from how it is stored.

    Examples
    --------
    >>> clean_comment("Sjöar\\r\\noch åar\\x00\\u202e!\\tja")
    'Sjöar\\noch åar!\\tja'
    """
    return _UNWANTED.sub("", str(comment).replace("\r\n", "\n").replace("\r", "\n"))


def _pseudonym(name: object) -> str:
    """A pseudonym in NFC with its whitespace collapsed, checked: 1–80 printable characters, one alphabet."""
    clean = unicodedata.normalize("NFC", " ".join(str(name).split())) if isinstance(name, str) else ""
    if not clean or len(clean) > 80 or any(unicodedata.category(c).startswith("C") for c in clean):
        raise scoring_error("pseudonym", value=name)
    if bad := errors.mixed_script(clean):  # "Rаv 7" (Cyrillic а) is not a second "Rav 7"
        raise scoring_error("script", value=name, char=errors.describe_character(bad))
    return clean


def _check_score(score: object) -> int | None:
    if score is None:
        return None
    if isinstance(score, bool) or not isinstance(score, int | float) or score != int(score) or int(score) not in SCORES:
        raise scoring_error("score", value=score)
    return int(score)


def _unscored(pairs: tuple, answers: dict, start: int) -> int | None:
    """The first index from ``start`` on (wrapping round) whose pair has no score in ``answers``."""
    n = len(pairs)
    for k in range(n):
        answer = answers.get(pairs[(start + k) % n])
        if answer is None or answer.score is None:
            return (start + k) % n
    return None


class ScoringModel(traitlets.HasTraits):
    """The scoring app's state: who answers, their pairs, where they are, and the answer on screen.

    Parameters
    ----------
    folder : str or path-like
        The workshop folder (:func:`~sdg_interactions.apps.workshop.new_workshop`).
    lang : {"sv", "en"}
        The language of texts and errors.
    browser : str, optional
        The hash (sha256, 64 hex digits) of the page's browser secret, from the server: the key to a
        drop-in's pseudonym (:meth:`join`).

    Attributes
    ----------
    folder : pathlib.Path
        The workshop folder.
    answers : dict of (str, str) to Answer
        The respondent's last journal line for each answered (or skipped) pair of their share.
    resumed : bool
        True when :meth:`join` or :meth:`join_link` found earlier answers of the same respondent.
    """

    lang = traitlets.Unicode("sv", help="'sv' or 'en'.")
    respondent = traitlets.Unicode("", help="The pseudonym; '' before join().")
    share = traitlets.Unicode("", help="The plan's share the respondent scores ('R1', …).")
    pairs = traitlets.Tuple(help="The (source, target) pairs of the share, in the plan's order.")
    position = traitlets.Int(0, help="The index of the pair on screen.")
    score = traitlets.Int(None, allow_none=True, help="The current answer's score, -3 … 3, None for none.")
    comment = traitlets.Unicode("", help="The current answer's comment.")
    uncertain = traitlets.Bool(False, help="The current answer's uncertain mark.")
    saved = traitlets.Bool(True, help="True when the current answer is in the journal (or is still blank).")
    answered = traitlets.Int(0, help="How many pairs of the share have a score.")

    def __init__(self, folder: str | os.PathLike = ".", *, lang: str = "sv", browser: str | None = None) -> None:
        super().__init__()
        self.folder = Path(folder)
        self.lang = lang
        self.browser = check_browser(browser)
        self.answers: dict[tuple[str, str], Answer] = {}
        self.resumed = False
        self._journal: Journal | None = None
        self._workshop: tuple[dict, Workshop] | None = None
        self._has_joined = False
        self._wrong, self._wait_until = 0, 0.0

    @traitlets.validate("lang")
    def _valid_lang(self, proposal):
        return check_lang(proposal.value)

    @traitlets.validate("score")
    def _valid_score(self, proposal):
        return _check_score(proposal.value)

    @traitlets.validate("position")
    def _valid_position(self, proposal):
        index = proposal.value
        if self.pairs and not 0 <= index < len(self.pairs):
            raise scoring_error("position", value=index + 1, k=index + 1, n=len(self.pairs))
        return index

    def workshop(self) -> tuple[dict, Workshop]:
        """The folder's ``om.json`` and plan, read once; a ValidationError (``workshop``) if it is none."""
        if self._workshop is None:
            try:
                self._workshop = read_about(self.folder), read_plan(self.folder)
            except SdgInteractionsError as exc:
                raise scoring_error("workshop", value=str(self.folder), reason=words_of(exc)) from exc
        return self._workshop

    def suggestion(self) -> str:
        """A free pseudonym to offer (:func:`~sdg_interactions.apps.links.suggest_pseudonym`)."""
        return suggest_pseudonym(self.folder, self.lang)

    @property
    def joined(self) -> bool:
        """True once :meth:`join` has opened the respondent's journal."""
        return self._journal is not None

    @property
    def journal_file(self) -> Path:
        """The respondent's journal file."""
        self._need_join()
        return self._journal.path

    @property
    def pair(self) -> tuple[str, str]:
        """The ``(source, target)`` on screen."""
        self._need_join()
        return self.pairs[self.position]

    def recorded(self, index: int | None = None) -> Answer | None:
        """The journal's last line for pair ``index`` (default: the one on screen), or None."""
        return self.answers.get(self.pairs[self.position if index is None else index])

    @property
    def dirty(self) -> bool:
        """True when the answer on screen differs from the journal's (it is saved on the next move)."""
        answer = self.recorded()
        kept = (None, "", False) if answer is None else (answer.score, answer.comment, answer.uncertain)
        return (self.score, self.comment, self.uncertain) != kept

    def _need_join(self) -> None:
        if self._journal is None:
            raise scoring_error("not_joined")

    def _check_page(self) -> None:
        """One join per page: a page that has joined once must be reloaded to be someone else."""
        if self._has_joined:
            raise scoring_error("joined")
        left = self._wait_until - _clock()
        if left > 0:
            raise scoring_error("wait", seconds=max(1, round(left)))

    def _wrong_code(self) -> ValidationError:
        """Count a wrong code; the fifth in a row makes the page wait :data:`WRONG_CODE_WAIT` seconds."""
        self._wrong += 1
        if self._wrong >= MAX_WRONG_CODES:
            self._wrong, self._wait_until = 0, _clock() + WRONG_CODE_WAIT
            return scoring_error("wait", seconds=WRONG_CODE_WAIT)
        return scoring_error("code", value="…")

    def join(self, pseudonym: str, code: str, *, browser: str | None = None) -> bool:
        """Join as a drop-in, with a pseudonym and the workshop's shared code (only while the facilitator allows
        it: ``om.json``'s ``drop_in``); open the journal and the share (module docstring).

        ``browser`` (default: the model's) is the hash of the browser's secret: it is stored with a new
        claim, and a pseudonym that is taken is reopened only by the browser that made it. Returns True when
        earlier answers were read back. Raises a ValidationError for: the code turned off; a second join on
        this page; a wrong code (after :data:`MAX_WRONG_CODES` in a row the page waits
        :data:`WRONG_CODE_WAIT` seconds); a bad pseudonym; a taken one — whatever its capitals, spaces or
        accents, in words that never show how the taken name is spelled; one open in another window.
        """
        _, plan = self.workshop()
        try:
            about = read_about(self.folder)  # afresh: the facilitator may have turned the code off
        except SdgInteractionsError as exc:
            raise scoring_error("workshop", value=str(self.folder), reason=words_of(exc)) from exc
        self._check_page()
        if not about.get("drop_in", False):
            raise scoring_error("drop_in_off")
        given = str(code).strip().casefold().encode("utf-8")
        if not hmac.compare_digest(given, str(about.get("join_code", "")).casefold().encode("utf-8")):
            raise self._wrong_code()
        self._wrong = 0
        name = _pseudonym(pseudonym)
        browser = self.browser if browser is None else check_browser(browser)
        if name_key(name) in taken_names(self.folder) and not self._may_reopen(name, browser):
            raise scoring_error("taken")
        release_stale(self.folder, minutes=float(about.get("release_after_minutes", RELEASE_AFTER_MINUTES)))
        return self._open(name, plan, via="code", browser=browser,
                          reserved={link.share for link in read_links(self.folder) if not link.revoked and link.share})

    def _may_reopen(self, name: str, browser: str | None) -> bool:
        """True when ``name`` is a drop-in's pseudonym (exactly) whose every claim, kept or released, was made
        by the browser of ``browser``."""
        mine = [c for c in read_claims(self.folder) + released_claims(self.folder) if c.respondent == name]
        return bool(browser and mine) and all(
            c.via == "code" and c.browser and hmac.compare_digest(c.browser.encode(), browser.encode()) for c in mine
        ) and not any(link.respondent == name for link in read_links(self.folder))

    def join_link(self, token: str) -> bool:
        """Join through a personal link (:func:`~sdg_interactions.apps.links.find_link`): open the link's
        respondent's journal and their share, and resume where they were.

        Returns True when earlier answers were read back. Raises a ValidationError for a link that is unknown,
        revoked or malformed, a second join on this page, or a link open in another window.
        """
        _, plan = self.workshop()
        self._check_page()
        link = find_link(self.folder, token)
        if link is None:
            raise scoring_error("link", value="…")
        reserved = {other.share for other in read_links(self.folder)
                    if not other.revoked and other.share and other.respondent != link.respondent}
        return self._open(link.respondent, plan, via="link", share=link.share, reserved=reserved,
                          browser=self.browser)

    def _open(self, name: str, plan: Workshop, *, via: str, share: str | None = None, reserved=(),
              browser: str | None = None) -> bool:
        """Open ``name``'s journal (locked: see the module docstring), then find or make their claim, then load
        their answers and go to where they were."""
        path = journal_path(self.folder, name)
        try:
            journal = Journal(path, name)
        except ValidationError as exc:
            raise scoring_error("in_use") from exc
        try:
            claim = find_claim(self.folder, name, plan)
            if claim is None:
                try:
                    claim = claim_share(self.folder, name, plan, share=share, reserved=reserved, via=via,
                                        browser=browser)
                except ValidationError as exc:
                    raise scoring_error("no_share") from exc
            pairs = tuple(plan.assignment[claim.share])
            answers = {(a.source, a.target): a for a in fold(read_journal(path)) if (a.source, a.target) in pairs}
        except BaseException:
            journal.close()
            raise
        self._journal, self.answers, self._has_joined = journal, answers, True
        self.resumed = bool(answers)
        start = 0
        if answers:
            last = max(answers.values(), key=lambda a: a.seq)
            index = pairs.index((last.source, last.target))
            start = _unscored(pairs, answers, index + 1)
            start = index if start is None else start
        with self.hold_trait_notifications():
            self.pairs, self.share, self.respondent = pairs, claim.share, name
            self._count()
            self._load(start)
        return self.resumed

    def _count(self) -> None:
        self.answered = sum(1 for a in self.answers.values() if a.score is not None)

    def _load(self, index: int) -> None:
        answer = self.answers.get(self.pairs[index])
        with self.hold_trait_notifications():
            self.position = index
            self.score = None if answer is None else answer.score
            self.comment = "" if answer is None else answer.comment
            self.uncertain = False if answer is None else answer.uncertain
            self.saved = True

    def answer(self, score: int | None, comment: str | None = None, uncertain: bool | None = None) -> Answer:
        """Answer the pair on screen and record it in the journal; return the recorded line.

        ``score`` -3 … 3, or None for no score; ``comment`` and ``uncertain`` keep the current values when
        None. The answer is on screen (``score`` … set, ``saved`` False) before it is recorded;
        ``saved`` becomes True only once the journal's line is fsynced. An error while saving is raised
        and leaves the answer on screen, unsaved.
        """
        self._need_join()
        score = _check_score(score)
        comment = self.comment if comment is None else clean_comment(comment)
        uncertain = self.uncertain if uncertain is None else bool(uncertain)
        with self.hold_trait_notifications():
            self.saved = False
            self.score, self.comment, self.uncertain = score, comment, uncertain
        return self._record()

    def _record(self) -> Answer:
        if len(self.comment) > MAX_COMMENT:
            raise scoring_error("comment_long", value=f"{len(self.comment)} > {MAX_COMMENT}", n=len(self.comment),
                                limit=MAX_COMMENT)
        source, target = self.pair
        answer = self._journal.record(source, target, self.score, self.comment, self.uncertain)
        self.answers[(source, target)] = answer
        self._count()
        self.saved = True
        return answer

    def save(self) -> Answer | None:
        """Record the answer on screen if it is not in the journal yet (after an error, or an edited comment)."""
        self._need_join()
        if not self.dirty and self.saved:
            return None
        self.saved = False
        return self._record()

    def go(self, index: int) -> int:
        """Save the answer on screen if needed, then show pair ``index`` (0-based); return the position.

        If saving fails the error is raised and the position stays.
        """
        self._need_join()
        if isinstance(index, bool) or not isinstance(index, int) or not 0 <= index < len(self.pairs):
            raise scoring_error("position", value=index, k=index + 1 if isinstance(index, int) else index,
                                n=len(self.pairs))
        self.save()
        self._load(index)
        return index

    def next(self) -> int:
        """Go to the next pair (the last stays the last)."""
        self._need_join()
        return self.go(min(self.position + 1, len(self.pairs) - 1))

    def back(self) -> int:
        """Go to the previous pair (the first stays the first)."""
        self._need_join()
        return self.go(max(self.position - 1, 0))

    def skip(self) -> int:
        """Leave the pair without a score and go on; an unanswered pair is recorded as skipped (None)."""
        self._need_join()
        if self.recorded() is None and not self.dirty:
            self.answer(None)
        return self.next()

    def clear(self) -> Answer:
        """Take the score back (a None line; the comment and the mark stay)."""
        return self.answer(None)

    def find_unscored(self, start: int) -> int | None:
        """The first pair from ``start`` on (wrapping round) without a score, or None when all are scored."""
        return _unscored(self.pairs, self.answers, start)

    def next_unscored(self) -> int | None:
        """Go to the next pair without a score after this one (wrapping); None (and stay) when all are scored."""
        self._need_join()
        index = self.find_unscored(self.position + 1)
        if index is None:
            self.save()
            return None
        return self.go(index)

    def export(self, folder: str | os.PathLike) -> dict[str, Path]:
        """Write the respondent's own answers as a long CSV and an Excel file in ``folder``.

        Returns ``{"csv": path, "xlsx": path}``. Read from their journal only; a ValidationError when it
        holds no answer yet.
        """
        self._need_join()
        _, plan = self.workshop()
        dataset = journal_to_dataset([self._journal.path], nodes=plan.nodes)
        stem = f"{text('scoring.download.file', self.lang)}_{self._journal.path.stem}"
        paths = {"csv": Path(folder) / f"{stem}.csv", "xlsx": Path(folder) / f"{stem}.xlsx"}
        write_matrix(dataset, paths["csv"])
        write_excel(dataset, paths["xlsx"], lang=self.lang)
        return paths

    def close(self) -> None:
        """Close the journal (every answer is on disk already; its lock goes). The page cannot join again."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None


def scoring_app(folder: str | os.PathLike = ".", *, lang: str = "sv", link: str | None = None,
                browser: str | None = None) -> ScoringApp:
    """Open the scoring app on a workshop folder, for a notebook or Voilà (the workshop's ``delta.ipynb``).

    With ``link`` (a personal link's token) the participant joins through it at once and the app opens on
    their pair; a link that is not valid is said on the start screen. ``browser`` is the hash of the page's
    browser secret (the server's cookie), the key to a drop-in's pseudonym.

    Examples
    --------
    >>> import tempfile
    >>> from sdg_interactions.apps.links import read_links
    >>> from sdg_interactions.apps.workshop import new_workshop
    >>> folder = new_workshop(Path(tempfile.mkdtemp()) / "ws", ["7.2", "11.6"], kommun="Habo", respondents=1)
    >>> app = scoring_app(folder, lang="en")
    >>> app.screen, app.controls["join"].description
    ('start', 'Start')
    >>> app = scoring_app(folder, lang="en", link=read_links(folder)[0].token)
    >>> app.screen, app.model.respondent, app.model.share
    ('pair', 'R1', 'R1')
    >>> scoring_app(folder, lang="en", link="A" * 32).screen
    'start'
    """
    model = ScoringModel(folder, lang=lang, browser=browser)
    failed = None
    if link is not None:
        try:
            model.join_link(link)
        except Exception as exc:  # shown on the start screen, in words
            failed = exc
    app = ScoringApp(model)
    if failed is not None:
        app.displays["errors"].outputs = (_render.error_output(message(failed, model.lang)),)
    return app
