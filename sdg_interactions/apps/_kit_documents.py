"""The four documents of the workshop kit (:mod:`sdg_interactions.apps.kit`), built from :class:`~.kit.KitFacts`.

:func:`documents` returns ``{"guide", "invitation", "agenda", "scale_card"}`` as
:class:`~sdg_interactions.report.document.Document` objects, every word from the catalogue (``kit.*``) and every
number from the facts: the guide (before, during with the timed agenda, after, and the timing rule), the
invitation (an e-mail with ``[datum]`` to fill in), the agenda alone, and the one-page scale card. The scale
card asks the question exactly as the scoring app does (``scoring.pair.question``), names the steps with the
scale's words (:func:`~sdg_interactions.texts.scale_label`) and draws them in the app's colours
(:data:`~sdg_interactions.apps._scoring_view.SCORE_COLORS`).
"""

from __future__ import annotations

import html

from sdg_interactions import formats, frameworks
from sdg_interactions.apps.kit import (
    BREAK_MINUTES,
    CLOSING_MINUTES,
    DISCUSSION_MINUTES,
    DOCUMENTS,
    EXAMPLE_MINUTES,
    INTRO_MINUTES,
    MAX_ROUND_MINUTES,
    PREPARE_MINUTES,
    RESTART_MINUTES,
    ROUNDS_PER_DAY,
    KitFacts,
    count,
    duration,
    number,
)
from sdg_interactions.io.workshop import describe
from sdg_interactions.report.document import (
    BulletList,
    Document,
    Emphasis,
    Figure,
    Heading,
    Paragraph,
    Strong,
    Table,
    code_runs,
)
from sdg_interactions.texts import genitive, scale_label, text

__all__ = ["agenda_table", "documents", "scale_svg"]

#: The steps as the scale card lists them, strongest support first.
_STEPS = (3, 2, 1, 0, -1, -2, -3)
_FRAMEWORK_WORDS = ("sdg_target", "sdg_goal", "miljomal", "folkhalsomal")


def _say(key: str, facts: KitFacts, **fields: object) -> str:
    return text(f"kit.{key}", facts.lang, **fields)


def _nodes(facts: KitFacts) -> str:
    """The plan's goals counted by kind: "34 delmål", "8 delmål, 4 miljökvalitetsmål och 4 egna mål"."""
    kinds: dict[str, int] = {}
    for node in facts.plan.nodes:
        kind = frameworks.framework_of(node)
        kind = kind if kind in _FRAMEWORK_WORDS else "other"
        kinds[kind] = kinds.get(kind, 0) + 1
    return formats.word_list([count(kind, n, facts.lang) for kind, n in kinds.items()], facts.lang)


def _kind(node: str, lang: str) -> str:
    return text(f"scoring.kind.{'sdg_target' if frameworks.framework_of(node) == 'sdg_target' else 'other'}", lang)


def _pair(facts: KitFacts) -> str:
    source, target = facts.example
    labels = frameworks.node_info([source, target])[f"label_{facts.lang}"].to_dict()
    return f"{source} {labels[source]} → {target} {labels[target]}"


def _question(facts: KitFacts) -> str:
    """The app's question for the worked example pair."""
    source, target = facts.example
    return text("scoring.pair.question", facts.lang, kind_source=_kind(source, facts.lang), source=source,
                kind_target=_kind(target, facts.lang), target=target)


def _own(facts: KitFacts) -> str:
    """The pairs each participant scores: "281 par", or "198 till 210 par" when the shares differ."""
    if facts.pairs_low == facts.pairs_high:
        return count("pairs", facts.pairs_high, facts.lang)
    return _say("guide.own", facts, low=number(facts.pairs_low, facts.lang), high=number(facts.pairs_high, facts.lang))


def _part(kind: str, number: int, facts: KitFacts) -> str:
    if kind == "round":
        return _say("part.round", facts, k=number, n=facts.agenda.rounds) if facts.agenda.rounds > 1 \
            else _say("part.round_one", facts)
    if kind == "example":
        return _say("part.example", facts, pair=_pair(facts))
    return _say(f"part.{kind}", facts)


def agenda_table(facts: KitFacts, day: int = 0) -> Table:
    """The agenda of day ``day`` (0 = the first) as a table: time span, what, minutes."""
    agenda, lang = facts.agenda, facts.lang
    rows = [(f"{agenda.clock(p.start, lang)}–{agenda.clock(p.end, lang)}", _part(p.kind, p.round, facts),
             number(p.minutes, lang)) for p in agenda.days[day].parts]
    return Table([_say(f"column.{key}", facts) for key in ("time", "what", "minutes")], rows)


def _agenda_blocks(facts: KitFacts, level: int) -> list:
    """The agenda, one table a day (with a heading a day when there are several)."""
    agenda, lang = facts.agenda, facts.lang
    if len(agenda.days) == 1:
        return [agenda_table(facts)]
    blocks = []
    for k, day in enumerate(agenda.days):
        blocks += [Heading(_say("agenda.day", facts, k=day.number, start=agenda.clock(0, lang),
                                end=agenda.clock(day.minutes, lang)), level), agenda_table(facts, k)]
    return blocks


def _times(facts: KitFacts) -> dict[str, str]:
    """The plan's numbers in words, for the texts' placeholders."""
    agenda, lang = facts.agenda, facts.lang
    return {"own": _own(facts), "minutes": count("minutes", facts.minutes_shown, lang),
            "rounds": count("rounds", agenda.rounds, lang), "round": count("minutes", agenda.round_minutes, lang),
            "seconds": count("seconds", facts.seconds_per_pair, lang), "total": duration(agenda.total_minutes, lang),
            "days": count("days", len(agenda.days), lang), "start": agenda.clock(0, lang),
            "end": agenda.clock(agenda.days[-1].minutes, lang), "people": count("people", facts.participants, lang)}


def _rule(facts: KitFacts) -> Paragraph:
    lang = facts.lang
    return Paragraph(_say("rule.text", facts, pairs=count("pairs", facts.pairs_high, lang),
                          seconds=count("seconds", facts.seconds_per_pair, lang),
                          minutes=count("minutes", facts.minutes_shown, lang), max_round=MAX_ROUND_MINUTES,
                          rounds=count("rounds", facts.agenda.rounds, lang),
                          round=count("minutes", facts.agenda.round_minutes, lang), short_break=BREAK_MINUTES,
                          long_break=PREPARE_MINUTES, intro=INTRO_MINUTES, example=EXAMPLE_MINUTES,
                          discussion_one=DISCUSSION_MINUTES[0], discussion_more=DISCUSSION_MINUTES[1],
                          closing=CLOSING_MINUTES, per_day=ROUNDS_PER_DAY, restart=RESTART_MINUTES))


def _heading(key: str, facts: KitFacts) -> Heading:
    return Heading(_say("title.heading", facts, title=_say(f"title.{key}", facts), kommun=facts.kommun))


def _guide(facts: KitFacts) -> list:
    lang, t = facts.lang, _times(facts)
    kit = f"{facts.folder}/kit"
    blocks = [_heading("guide", facts),
              Paragraph(_say("guide.intro", facts, kommun=facts.kommun, plan=describe(facts.plan, lang))),
              Heading(_say("guide.kit_heading", facts), 2),
              BulletList([code_runs(_say(f"guide.kit_{key}", facts, title=_say(f"title.{key}", facts)))
                          for key in DOCUMENTS] + [code_runs(_say("guide.kit_links", facts))]),
              Paragraph(_say("guide.kit_files", facts, folder=kit)),
              Heading(_say("guide.before", facts), 2),
              Paragraph(code_runs(_say("guide.targets", facts, nodes=_nodes(facts),
                                       pairs=count("pairs", facts.plan.n_pairs, lang))))]
    people = [_say("guide.people", facts, people=count("people", facts.shares, lang),
                   shares=count("shares", facts.shares, lang),
                   answers=count("answers", facts.answers_per_pair, lang))]
    if facts.plan.groups:
        groups = [count("group_people", len(members), lang, group=name)
                  for name, members in facts.plan.members.items()]
        people.append(_say("guide.groups", facts, groups=formats.word_list(groups, lang)))
    if facts.links > facts.shares:
        people.append(_say("guide.links_more", facts, links=count("links", facts.links, lang),
                           extra=count("people", facts.links - facts.shares, lang)))
    elif 0 < facts.links < facts.shares:
        people.append(_say("guide.links_fewer", facts, links=count("links", facts.links, lang),
                           shares=count("shares", facts.shares, lang)))
    blocks.append(Paragraph(" ".join(people)))
    if len(facts.agenda.days) == 1:
        split = _say(f"guide.split_{'one' if facts.agenda.rounds == 1 else 'many'}", facts, **t)
        blocks.append(Paragraph(_say("guide.time", facts, **t, split=split)))
    else:
        blocks.append(Paragraph(_say("guide.time_days", facts, **{
            **t, "needed": count("people", facts.people_for_one_day, lang)})))
    blocks += [Paragraph(code_runs(_say("guide.practical", facts, folder=facts.folder))),
               Paragraph(_say("guide.send", facts)),
               Heading(_say("guide.during", facts), 2),
               Paragraph(_say("guide.during_intro", facts, title=_say("title.agenda", facts))),
               *_agenda_blocks(facts, 3)]
    minutes = lambda n: count("minutes", n, lang)  # noqa: E731
    one = facts.agenda.rounds == 1
    rounds = minutes(facts.agenda.round_minutes) if one else (
        count("rounds", facts.agenda.rounds, lang) + " × " + minutes(facts.agenda.round_minutes))
    blocks.append(BulletList([
        _say("guide.note_intro", facts, minutes=minutes(INTRO_MINUTES)),
        _say("guide.note_example", facts, minutes=minutes(EXAMPLE_MINUTES), pair=_pair(facts),
             question=_question(facts)),
        _say(f"guide.note_{'round_one' if one else 'rounds'}", facts, rounds=rounds),
        _say("guide.note_prepare", facts, minutes=minutes(PREPARE_MINUTES),
             refresh=text("facilitator.dashboard.refresh", lang),
             contested=text("facilitator.dashboard.heading_contested", lang)),
        _say("guide.note_discussion", facts, minutes=minutes(DISCUSSION_MINUTES[facts.agenda.rounds > 1])),
        _say("guide.note_closing", facts, minutes=minutes(CLOSING_MINUTES))]))
    targets = facts.plan.nodes[:2]
    blocks += [Heading(_say("guide.after", facts), 2), BulletList([
        code_runs(_say("guide.merge", facts, folder=facts.folder, report=text("facilitator.dashboard.report", lang))),
        code_runs(_say("guide.report", facts, folder=facts.folder)),
        code_runs(_say("guide.konsekvens", facts, matrix=f"{facts.folder}/rapporter/svar.nc",
                       kommun=facts.kommun_code or facts.kommun, targets=",".join(targets),
                       example=formats.word_list(targets, lang))),
        code_runs(_say("guide.repeat", facts, folder=facts.folder))]),
        Heading(_say("rule.heading", facts), 2), _rule(facts)]
    return blocks


def _invitation(facts: KitFacts) -> list:
    t = _times(facts)
    when = (_say("invitation.when", facts, **t) if len(facts.agenda.days) == 1
            else _say("invitation.when_days", facts, **t))
    return [_heading("invitation", facts),
            Paragraph(Strong(_say("invitation.subject", facts, kommun=genitive(facts.kommun, facts.lang)))),
            *(Paragraph(_say(f"invitation.{key}", facts)) for key in ("greeting", "what")),
            Paragraph(Strong(when)),
            Paragraph(_say("invitation.task", facts, **t)),
            *(Paragraph(_say(f"invitation.{key}", facts))
              for key in ("bring", "link", "data", "agenda", "welcome", "signature"))]


def _agenda(facts: KitFacts) -> list:
    t, lang = _times(facts), facts.lang
    when = (_say("agenda.when", facts, **t) if len(facts.agenda.days) == 1
            else _say("agenda.when_days", facts, **t))
    who = _say("agenda.who", facts, **{**t, "pairs": number(facts.plan.n_pairs, lang),
                                        "nodes": _nodes(facts)})
    return [_heading("agenda", facts), Paragraph(Strong(when)), Paragraph(who), *_agenda_blocks(facts, 2),
            Paragraph(_say("agenda.total", facts, total=t["total"]))]


def scale_svg(lang: str) -> str:
    """The scale in the scoring app's colours: seven boxes −3 … +3 with their number and first word."""
    from sdg_interactions.apps._render import text_color
    from sdg_interactions.apps._scoring_view import SCORE_COLORS, signed

    box, gap, height = 88, 4, 46
    width = 7 * box + 6 * gap
    cells = []
    for k, score in enumerate(range(-3, 4)):
        x, colour = k * (box + gap), SCORE_COLORS[score]
        word = html.escape(scale_label(score, lang).split(" (")[0])
        cells.append(f'<rect x="{x}" y="0" width="{box}" height="{height}" rx="4" fill="{colour}" '
                     f'stroke="#8a8a8a" stroke-width="0.8"/>'
                     f'<text x="{x + box / 2}" y="31" text-anchor="middle" font-size="22" font-weight="bold" '
                     f'font-family="DejaVu Sans, Arial, sans-serif" fill="{text_color(colour)}">{signed(score)}</text>'
                     f'<text x="{x + box / 2}" y="{height + 16}" text-anchor="middle" font-size="10.5" '
                     f'font-family="DejaVu Sans, Arial, sans-serif" fill="#222222">{word}</text>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height + 22}" '
            f'viewBox="0 0 {width} {height + 22}">{"".join(cells)}</svg>')


def _scale_card(facts: KitFacts) -> list:
    from sdg_interactions.apps._scoring_view import signed

    lang = facts.lang
    kinds = {frameworks.framework_of(node) == "sdg_target" for node in facts.plan.nodes}
    one, other = text("scoring.kind.sdg_target", lang), text("scoring.kind.other", lang)
    kind = one if kinds == {True} else other if kinds == {False} else _say("card.either", facts, one=one,
                                                                            other=other)
    question = text("scoring.pair.question", lang, kind_source=kind, source="X", kind_target=kind, target="Y")
    steps = formats.word_list([f"{signed(s)} {scale_label(s, lang)}" for s in range(-3, 4)], lang)
    rows = [(signed(s), scale_label(s, lang), _say(f"card.colour.{s}", facts), _say(f"card.example.{s}", facts))
            for s in _STEPS]
    return [_heading("scale_card", facts), Paragraph(_say("card.question", facts)), Paragraph(Strong(question)),
            Figure(scale_svg(lang), alt=_say("card.alt", facts, steps=steps)),
            Table([_say(f"column.{key}", facts) for key in ("step", "meaning", "colour", "example")], rows),
            Paragraph(Emphasis(_say("card.note", facts, kommun=facts.kommun,
                                    uncertain=text("scoring.pair.uncertain", lang),
                                    comment=text("scoring.pair.comment", lang),
                                    skip=text("scoring.pair.skip", lang)))),
            Paragraph(text("scoring.pair.keys_help", lang))]


def documents(facts: KitFacts) -> dict[str, Document]:
    """The kit's four documents for ``facts``: ``{"guide", "invitation", "agenda", "scale_card": Document}``."""
    build = {"guide": _guide, "invitation": _invitation, "agenda": _agenda, "scale_card": _scale_card}
    return {key: Document(f"{text(f'kit.title.{key}', facts.lang)} – {facts.kommun}", facts.lang,
                          build[key](facts)) for key in DOCUMENTS}
