"""The workshop kit: the facilitator's guide, the invitation, the scale card and the agenda, from the folder's plan.

A small kommun has to invite colleagues, run a morning with them and explain the scale; :func:`write_kit` writes
what that takes into ``kit/`` in the workshop folder, in the workshop's language (``om.json``'s ``lang``) or the
one asked for, each document as Word (``.docx``, to edit), PDF (to print), HTML and Markdown::

    kit/
      handledning.*   Handledning för samordnaren: before, during (the timed agenda), after   (en: facilitator_guide.*)
      inbjudan.*      Inbjudan: an e-mail with [datum] and [plats] to fill in                 (en: invitation.*)
      skalkort.*      Skalkort: the question, the seven steps, their colours, an example each  (en: scale_card.*)
      dagordning.*    Dagordning: the agenda alone                                            (en: agenda.*)

Every number in the kit comes from the plan (``workshop.json``) and the live personal links (``lankar.json``):
the goals and pairs, the participants (the live links; the plan's shares when there are none), the pairs each
scores, the minutes and the rounds. The documents are built in :mod:`~sdg_interactions.apps._kit_documents`
from :class:`KitFacts` and written through the report writers (:func:`sdg_interactions.report.writers.write`).

**The timing rule** (:func:`plan_agenda`; the guide prints it too, with the plan's numbers):

* scoring time *S* = the largest share's pairs × the plan's seconds per pair (``Workshop.minutes_per_respondent``);
* rounds *n* = ⌈*S* / 45⌉ (at least one), each ⌈*S* / *n* / 5⌉ × 5 minutes (so at most 45);
* a 10-minute break between two rounds and a 15-minute break before the discussion (the facilitator picks the
  contested pairs on the dashboard);
* fixed parts: introduction 15, worked example pair 10, discussion of the contested pairs 20 minutes after one
  round and 30 after more, closing 10;
* at most 4 rounds a day: more are spread over days as evenly as they go (the first days get the extra one),
  each new day begins with a 10-minute welcome back, each day but the last ends with a 10-minute close;
* clock times count from ``start`` (default 09:00), formatted by Babel (``sv_SE`` / ``en_GB``).

For 34 targets, 8 participants and two answers a pair (281 pairs each at 20 s, 94 minutes): three rounds of
35 minutes and 09:00–12:25 in all.

**When it is written.** ``workshop new`` writes it (:func:`~sdg_interactions.apps.workshop.new_workshop`); a
link added, revoked or given to a share anew rewrites it (:func:`refresh_kit`, from
:mod:`~sdg_interactions.apps.links`), in every language the folder's kit holds. ``workshop serve`` could call
:func:`refresh_kit` as it starts, so the kit follows a plan edited by hand too. The facilitator's page names the
files (:func:`kit_html`).

Examples
--------
>>> agenda = plan_agenda(94)
>>> agenda.rounds, agenda.round_minutes, [p.kind for p in agenda.days[0].parts][:4]
(3, 35, ['intro', 'example', 'round', 'break'])
>>> agenda.clock(0, "sv"), agenda.clock(agenda.days[0].minutes, "sv")
('09:00', '12:25')
"""

from __future__ import annotations

import html
import logging
import math
import os
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

from sdg_interactions import formats, frameworks
from sdg_interactions.apps.claims import WORKSHOP_FILE, read_plan
from sdg_interactions.apps.links import read_links
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.io.workshop import Workshop
from sdg_interactions.texts import LANGUAGES, check_lang, text

__all__ = [
    "BREAK_MINUTES",
    "CLOSING_MINUTES",
    "DISCUSSION_MINUTES",
    "DOCUMENTS",
    "EXAMPLE_MINUTES",
    "FORMATS",
    "INTRO_MINUTES",
    "KIT_DIR",
    "LOCALES",
    "MAX_ROUND_MINUTES",
    "PREPARE_MINUTES",
    "RESTART_MINUTES",
    "ROUNDS_PER_DAY",
    "ROUND_STEP",
    "Agenda",
    "Day",
    "KitFacts",
    "Part",
    "count",
    "duration",
    "kit_facts",
    "kit_files",
    "kit_html",
    "number",
    "plan_agenda",
    "refresh_kit",
    "write_kit",
]

KIT_DIR = "kit"
#: The documents, in the order the facilitator uses them (their file names are in the catalogue, ``kit.file.*``).
DOCUMENTS = ("guide", "invitation", "agenda", "scale_card")
FORMATS = ("docx", "pdf", "html", "md")
#: The Babel locale of each language.
LOCALES = formats.LOCALES

#: The timing rule (module docstring), in minutes.
MAX_ROUND_MINUTES = 45
ROUND_STEP = 5
BREAK_MINUTES = 10
PREPARE_MINUTES = 15
INTRO_MINUTES = 15
EXAMPLE_MINUTES = 10
#: The discussion after one round, and after more.
DISCUSSION_MINUTES = (20, 30)
CLOSING_MINUTES = 10
RESTART_MINUTES = 10
ROUNDS_PER_DAY = 4

_log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Part:
    """One part of a day: its ``kind`` (``intro``, ``example``, ``round``, ``break``, ``prepare``, ``discussion``,
    ``closing``, ``restart``, ``day_end``), ``start`` in minutes after the day's start, its ``minutes`` and, for a
    round, its number (``round``, from 1)."""

    kind: str
    start: int
    minutes: int
    round: int = 0

    @property
    def end(self) -> int:
        """Minutes after the day's start when the part ends."""
        return self.start + self.minutes


@dataclass(frozen=True)
class Day:
    """A day of the workshop: its ``number`` (from 1) and its ``parts`` in order, back to back."""

    number: int
    parts: tuple[Part, ...]

    @property
    def minutes(self) -> int:
        """The day's length in minutes, breaks included."""
        return self.parts[-1].end if self.parts else 0


@dataclass(frozen=True)
class Agenda:
    """The timed agenda of a plan (:func:`plan_agenda`): the scoring minutes it rests on, the ``rounds`` of
    ``round_minutes`` each, the ``days`` and the ``start`` time of each day."""

    scoring_minutes: float
    rounds: int
    round_minutes: int
    days: tuple[Day, ...]
    start: time

    @property
    def total_minutes(self) -> int:
        """All days' minutes, breaks included."""
        return sum(day.minutes for day in self.days)

    def clock(self, minutes: int, lang: str = "sv") -> str:
        """The clock time ``minutes`` after the start, as Babel writes it in ``lang`` ("09:35")."""
        moment = datetime.combine(datetime(2000, 1, 1), self.start) + timedelta(minutes=int(minutes))
        return formats.short_time(moment.time(), lang)


def _start(start: str | time) -> time:
    if isinstance(start, time):
        return start.replace(second=0, microsecond=0, tzinfo=None)
    try:
        hours, minutes = (int(part) for part in str(start).replace(".", ":").split(":"))
        return time(hours, minutes)
    except ValueError:
        raise ValidationError(locate(tr("error.apps.start_time"), value=start,
                                     valid=tr("error.apps.valid_start_time"))) from None


def plan_agenda(scoring_minutes: float, *, start: str | time = "09:00") -> Agenda:
    """The agenda for ``scoring_minutes`` of scoring a participant, by the timing rule of the module docstring.

    Parameters
    ----------
    scoring_minutes : float
        The minutes the largest share takes (:attr:`~sdg_interactions.io.workshop.Workshop.minutes_per_respondent`).
    start : str or datetime.time
        When each day begins, "09:00" by default.

    Returns
    -------
    Agenda

    Examples
    --------
    >>> agenda = plan_agenda(22, start="13:00")
    >>> [(p.kind, p.minutes) for p in agenda.days[0].parts]
    [('intro', 15), ('example', 10), ('round', 25), ('prepare', 15), ('discussion', 20), ('closing', 10)]
    >>> agenda.clock(agenda.days[0].minutes, "en")
    '14:35'
    >>> len(plan_agenda(400).days), plan_agenda(400).rounds
    (3, 9)
    """
    if not isinstance(scoring_minutes, int | float) or not math.isfinite(scoring_minutes) or scoring_minutes < 0:
        raise ValidationError(locate(tr("error.apps.scoring_minutes"), value=scoring_minutes,
                                     valid=tr("error.apps.valid_minutes")))
    rounds = max(1, math.ceil(scoring_minutes / MAX_ROUND_MINUTES - 1e-9))
    length = max(ROUND_STEP, ROUND_STEP * math.ceil(scoring_minutes / rounds / ROUND_STEP - 1e-9))
    n_days = math.ceil(rounds / ROUNDS_PER_DAY)
    per_day = [rounds // n_days + (k < rounds % n_days) for k in range(n_days)]
    days, done = [], 0
    for k, count_today in enumerate(per_day):
        plan: list[tuple[str, int, int]] = [("intro", INTRO_MINUTES, 0), ("example", EXAMPLE_MINUTES, 0)] if k == 0 \
            else [("restart", RESTART_MINUTES, 0)]
        for j in range(count_today):
            if j:
                plan.append(("break", BREAK_MINUTES, 0))
            done += 1
            plan.append(("round", length, done))
        if k == n_days - 1:
            plan += [("prepare", PREPARE_MINUTES, 0), ("discussion", DISCUSSION_MINUTES[rounds > 1], 0),
                     ("closing", CLOSING_MINUTES, 0)]
        else:
            plan.append(("day_end", CLOSING_MINUTES, 0))
        parts, at = [], 0
        for kind, minutes, number in plan:
            parts.append(Part(kind, at, minutes, number))
            at += minutes
        days.append(Day(k + 1, tuple(parts)))
    return Agenda(float(scoring_minutes), rounds, length, tuple(days), _start(start))


def number(value: float, lang: str) -> str:
    """A number as Babel writes it in ``lang`` (:func:`sdg_interactions.formats.number`): "1 122", "20", "0,5"."""
    return formats.number(value, lang, decimals=3)


def count(key: str, n: float, lang: str, **fields: object) -> str:
    """``n`` with its word (``kit.count.<key>``, singular or plural): "3 pass", "1 122 par", "281 pairs"."""
    return text(f"kit.count.{key}.{'one' if n == 1 else 'many'}", lang, n=number(n, lang), **fields)


def duration(minutes: int, lang: str) -> str:
    """Minutes as hours and minutes in words: "3 timmar och 25 minuter", "45 minutes"."""
    hours, rest = divmod(int(minutes), 60)
    parts = ([count("hours", hours, lang)] if hours else []) + ([count("minutes", rest, lang)] if rest or not hours
                                                                  else [])
    return formats.word_list(parts, lang)


@dataclass(frozen=True)
class KitFacts:
    """What the kit says, all from the workshop folder: the place, the plan, the people and the agenda.

    ``participants`` are the live personal links (the plan's shares when the folder has none), ``pairs_low`` and
    ``pairs_high`` the smallest and largest share, ``scoring_minutes`` the largest share's minutes, ``example``
    the worked example pair (the first pair of the plan between two goals of different groups) and ``folder``
    the folder's name as the commands use it.
    """

    lang: str
    kommun: str
    kommun_code: str
    folder: str
    plan: Workshop
    participants: int
    links: int
    shares: int
    pairs_low: int
    pairs_high: int
    answers_per_pair: int
    seconds_per_pair: float
    scoring_minutes: float
    example: tuple[str, str]
    agenda: Agenda

    @property
    def minutes_shown(self) -> int:
        """The scoring minutes as the plan's description rounds them (at least 1)."""
        return max(1, round(self.scoring_minutes))

    @property
    def people_for_one_day(self) -> int:
        """About how many participants it takes for the scoring to fit into one day with the same answers a pair."""
        answers = sum(len(pairs) for pairs in self.plan.assignment.values())
        return math.ceil(answers * self.seconds_per_pair / 60 / (ROUNDS_PER_DAY * MAX_ROUND_MINUTES))


def _example(plan: Workshop) -> tuple[str, str]:
    groups = frameworks.node_info(plan.nodes)["group"].to_dict()
    pairs = [(s, t) for s in plan.nodes for t in plan.nodes if s != t]
    return next(((s, t) for s, t in pairs if str(groups.get(s)) != str(groups.get(t))), pairs[0])


def kit_facts(folder: str | os.PathLike, *, lang: str | None = None, start: str | time = "09:00") -> KitFacts:
    """The facts of the workshop ``folder`` the kit is written from (:class:`KitFacts`), in ``lang`` (default:
    ``om.json``'s), with days starting at ``start``."""
    from sdg_interactions.apps.workshop import read_about

    folder = Path(folder)
    about = read_about(folder)
    lang = check_lang(lang or about.get("lang", "sv"))
    plan = read_plan(folder)
    sizes = [len(pairs) for pairs in plan.assignment.values()]
    live = [link for link in read_links(folder) if not link.revoked]
    return KitFacts(lang, str(about.get("kommun_name", "")), str(about.get("kommun", "")), folder.resolve().name,
                    plan, len(live) or len(sizes), len(live), len(sizes), min(sizes), max(sizes),
                    plan.answers_per_pair, plan.seconds_per_pair, plan.minutes_per_respondent, _example(plan),
                    plan_agenda(plan.minutes_per_respondent, start=start))


def kit_files(folder: str | os.PathLike, lang: str) -> dict[str, dict[str, Path]]:
    """Where the kit's files in ``lang`` are (whether or not they exist yet): ``{document: {format: path}}``."""
    out = Path(folder) / KIT_DIR
    return {key: {fmt: out / f"{text(f'kit.file.{key}', lang)}.{fmt}" for fmt in FORMATS} for key in DOCUMENTS}


def write_kit(folder: str | os.PathLike, *, lang: str | None = None,
              start: str | time = "09:00") -> dict[str, dict[str, Path]]:
    """Write the kit into ``kit/`` of the workshop ``folder`` and return ``{document: {format: path}}``.

    Parameters
    ----------
    folder : path
        A workshop folder (``workshop new``).
    lang : {"sv", "en"}, optional
        The kit's language; by default the workshop's (``om.json``). The other language's files have other names,
        so both can lie side by side.
    start : str or datetime.time
        When the workshop begins, "09:00" by default.

    Returns
    -------
    dict
        ``{"guide" | "invitation" | "agenda" | "scale_card": {"docx" | "pdf" | "html" | "md": path}}``.

    Examples
    --------
    >>> import tempfile
    >>> from sdg_interactions.apps.workshop import new_workshop
    >>> ws = new_workshop(Path(tempfile.mkdtemp()) / "ws", ["7.2", "11.6", "13.2"], kommun="Habo", respondents=2)
    >>> sorted(p.name for p in (ws / "kit").glob("*.pdf"))
    ['dagordning.pdf', 'handledning.pdf', 'inbjudan.pdf', 'skalkort.pdf']
    >>> written = write_kit(ws, lang="en", start="13:30")
    >>> written["agenda"]["pdf"].name, "13:30" in written["agenda"]["md"].read_text(encoding="utf-8")
    ('agenda.pdf', True)
    """
    from sdg_interactions.apps._kit_documents import documents
    from sdg_interactions.report.writers import write

    facts = kit_facts(folder, lang=lang, start=start)
    files = kit_files(folder, facts.lang)
    (Path(folder) / KIT_DIR).mkdir(exist_ok=True)
    built = documents(facts)
    return {key: {fmt: write(built[key], path) for fmt, path in files[key].items()} for key in DOCUMENTS}


def refresh_kit(folder: str | os.PathLike) -> dict[str, dict[str, dict[str, Path]]]:
    """Write the kit again in the workshop's language and in every other language the folder's kit already holds;
    return ``{lang: written}``. A folder without a plan (not a workshop folder) gets nothing: ``{}``."""
    folder = Path(folder)
    if not (folder / WORKSHOP_FILE).is_file() or not (folder / "om.json").is_file():
        return {}
    from sdg_interactions.apps.workshop import read_about

    own = read_about(folder).get("lang", "sv")
    langs = [own] + [lang for lang in LANGUAGES if lang != own and kit_files(folder, lang)["guide"]["pdf"].exists()]
    return {lang: write_kit(folder, lang=lang) for lang in langs}


def kit_html(folder: str | os.PathLike, lang: str) -> str:
    """The facilitator page's line "Material för workshopen": each document of the kit with its files (in ``lang``
    first, then in any other language the kit holds), or that the kit is not written yet.

    Examples
    --------
    >>> import tempfile
    >>> from sdg_interactions.apps.workshop import new_workshop
    >>> ws = new_workshop(Path(tempfile.mkdtemp()) / "ws", ["7.2", "13.2"], kommun="Habo", respondents=2)
    >>> line = kit_html(ws, "en")
    >>> "Material for the workshop" in line, "skalkort.pdf" in line
    (True, True)
    """
    where = html.escape(str(Path(folder).resolve() / KIT_DIR))
    head = f"<h4 style='margin:0.6em 0 0.2em'>{html.escape(text('kit.dashboard.heading', lang))}</h4>"
    present = [kit_files(folder, k) for k in (lang, *(k for k in LANGUAGES if k != lang))]
    present = [files for files in present if files["guide"]["pdf"].exists()]
    if not present:
        return head + f"<p>{html.escape(text('kit.dashboard.none', lang, folder=where))}</p>"
    items = "".join(
        f"<li>{html.escape(text(f'kit.title.{key}', lang))}: "
        + " · ".join(f"<code>{html.escape(path.name)}</code>" for files in present for path in files[key].values()
                     if path.exists()) + "</li>" for key in DOCUMENTS)
    intro = html.escape(text("kit.dashboard.files", lang, folder="\x00")).replace("\x00", f"<code>{where}</code>")
    return head + f"<p>{intro}</p><ul role='list'>{items}</ul>"
