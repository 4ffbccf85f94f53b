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

**Who scores what: shares and claims.** A plan (``workshop.json``) names shares ("R1", "R2", …), each
a list of pairs. A participant picks a pseudonym and gets a share through a *claim file* in
``svar/andelar/`` (``<share slug-hash>.<round>.json``, holding share, pseudonym, journal and time):

1. Same pseudonym as a claim (exact spelling, whitespace collapsed): the same share again, and the
   answers are read back from their journal (``svar/<pseudonym slug-hash>.jsonl``, see
   :func:`~sdg_interactions.apps.workshop.journal_path`). They resume after the pair they answered
   last, at the next unscored one. A pseudonym that differs from a claimed one only in capitals is
   refused, so nobody opens another's answers by a slip of the Shift key.
2. Otherwise the first share, in plan order, whose claim file for round 1 does not exist yet — a share
   named exactly like the pseudonym first (a plan with real names gives Anna her own rows). The claim
   file is made with an exclusive create (``open(path, "x")``), so when two browsers claim at once,
   one wins and the other takes the next share. When every share is taken, the shares are dealt
   again in round 2, 3, … (those pairs simply get more answers).

The journal is opened (and locked, see :class:`~sdg_interactions.io.journal.Journal`) *before* the
claim is looked up or made, so the same pseudonym in two tabs cannot claim two shares: the second tab
is told the pseudonym is in use. The model only ever opens its own respondent's journal.

**Keyboard in Voilà.** ipywidgets has no page-wide key events, so the pair screen has a small text field
(*Tangentbord / Keyboard*) that gets the focus after each move (``Widget.focus()``, ipywidgets 8). Type
``-3`` … ``3`` there (``+2`` and the minus sign ``−`` too) and press Enter: the score is recorded on the
pair on screen, then the next pair opens; Enter on an empty field only moves on; a score typed and left
(Tab, a click) is recorded without moving. The field commits its value on Enter or when left
(``continuous_update=False``), and the browser sends Enter (the ``submit`` message) just *before* that
value, so the app waits for the value (at most ``ENTER_WAIT`` = 0.3 s) before moving: a score never
lands on the next pair. The code field works the same way (Enter joins). Checked in headless Chromium.

Examples
--------
>>> import tempfile
>>> from sdg_interactions.apps.workshop import new_workshop, read_about
>>> folder = new_workshop(Path(tempfile.mkdtemp()) / "ws", ["7.2", "11.6", "13.2"], kommun="Habo", respondents=2)
>>> model = ScoringModel(folder, lang="en")
>>> model.join("Räv 7", read_about(folder)["join_code"])
False
>>> model.share, model.pair, len(model.pairs)
('R1', ('7.2', '11.6'), 6)
>>> model.answer(2, "sjöar och åar").score, model.saved
(2, True)
>>> model.next_unscored(), model.answered
(1, 1)
>>> model.close()
"""

from __future__ import annotations

import os
import random
import secrets
import unicodedata
from pathlib import Path

import traitlets

from sdg_interactions.apps._scoring_view import SCORES, ScoringApp, scoring_error
from sdg_interactions.apps.workshop import (
    CLAIM_DIR,
    Claim,
    claim_share,
    find_claim,
    journal_path,
    read_about,
    read_claims,
    read_plan,
)
from sdg_interactions.errors import SdgInteractionsError, ValidationError
from sdg_interactions.io import write_excel, write_matrix
from sdg_interactions.io.journal import Answer, Journal, fold, journal_to_dataset, read_journal
from sdg_interactions.io.workshop import Workshop
from sdg_interactions.texts import check_lang, text

__all__ = ["CLAIM_DIR", "SCORES", "Claim", "ScoringApp", "ScoringModel", "claim_share", "find_claim", "read_claims",
           "scoring_app", "suggest_pseudonym"]

def suggest_pseudonym(folder: str | os.PathLike, lang: str = "sv", *, rng: random.Random | None = None) -> str:
    """A pseudonym such as "Räv 7" (or "Fox 7") that no claim and no journal of the folder uses yet."""
    rng = rng or random.Random(secrets.randbits(32))
    animals = text("scoring.start.animals", lang).split(",")
    taken = {c.respondent.casefold() for c in read_claims(folder)}
    name = ""
    for _ in range(500):
        name = f"{rng.choice(animals)} {rng.randint(1, 99)}"
        if name.casefold() not in taken and not journal_path(folder, name).exists():
            return name
    return name


def _pseudonym(name: object) -> str:
    """A pseudonym with its whitespace collapsed, checked: 1–80 printable characters."""
    clean = " ".join(str(name).split()) if isinstance(name, str) else ""
    if not clean or len(clean) > 80 or any(unicodedata.category(c).startswith("C") for c in clean):
        raise scoring_error("pseudonym", value=name)
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

    Attributes
    ----------
    folder : pathlib.Path
        The workshop folder.
    answers : dict of (str, str) to Answer
        The respondent's last journal line for each answered (or skipped) pair of their share.
    resumed : bool
        True when :meth:`join` found earlier answers of the same pseudonym.
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

    def __init__(self, folder: str | os.PathLike = ".", *, lang: str = "sv") -> None:
        super().__init__()
        self.folder = Path(folder)
        self.lang = lang
        self.answers: dict[tuple[str, str], Answer] = {}
        self.resumed = False
        self._journal: Journal | None = None
        self._workshop: tuple[dict, Workshop] | None = None

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
                raise scoring_error("workshop", value=str(self.folder), reason=str(exc)) from exc
        return self._workshop

    def suggestion(self) -> str:
        """A free pseudonym to offer (:func:`suggest_pseudonym`)."""
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

    def join(self, pseudonym: str, code: str) -> bool:
        """Join with a pseudonym and the workshop's code; open the journal and the share (module docstring).

        Returns True when earlier answers of this pseudonym were read back (a returning respondent).
        Raises a ValidationError for a wrong code, a bad or look-alike pseudonym, or a pseudonym whose
        journal is open in another window.
        """
        about, plan = self.workshop()
        given = str(code).strip().casefold().encode("utf-8")
        if not secrets.compare_digest(given, str(about.get("join_code", "")).casefold().encode("utf-8")):
            raise scoring_error("code", value="…")
        name = _pseudonym(pseudonym)
        similar = next((c.respondent for c in read_claims(self.folder)
                        if c.respondent != name and c.respondent.casefold() == name.casefold()), None)
        if similar is not None:
            raise scoring_error("similar", value=name, name=similar)
        if self._journal is not None:
            self.close()
        path = journal_path(self.folder, name)
        try:
            journal = Journal(path, name)
        except ValidationError as exc:
            raise scoring_error("in_use", value=name, name=name) from exc
        try:
            claim = find_claim(self.folder, name, plan) or claim_share(self.folder, name, plan)
            pairs = tuple(plan.assignment[claim.share])
            answers = {(a.source, a.target): a for a in fold(read_journal(path)) if (a.source, a.target) in pairs}
        except BaseException:
            journal.close()
            raise
        self._journal, self.answers = journal, answers
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
        comment = self.comment if comment is None else comment
        uncertain = self.uncertain if uncertain is None else bool(uncertain)
        with self.hold_trait_notifications():
            self.saved = False
            self.score, self.comment, self.uncertain = score, comment, uncertain
        return self._record()

    def _record(self) -> Answer:
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
        """Close the journal (every answer is on disk already); the model can join again."""
        if self._journal is not None:
            self._journal.close()
            self._journal = None


def scoring_app(folder: str | os.PathLike = ".", *, lang: str = "sv") -> ScoringApp:
    """Open the scoring app on a workshop folder, for a notebook or Voilà (the workshop's ``delta.ipynb``).

    Examples
    --------
    >>> import tempfile
    >>> from sdg_interactions.apps.workshop import new_workshop
    >>> folder = new_workshop(Path(tempfile.mkdtemp()) / "ws", ["7.2", "11.6"], kommun="Habo", respondents=1)
    >>> app = scoring_app(folder, lang="en")
    >>> app.screen, app.controls["join"].description
    ('start', 'Start')
    """
    return ScoringApp(ScoringModel(folder, lang=lang))
