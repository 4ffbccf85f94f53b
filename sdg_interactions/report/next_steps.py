"""The report's "Så går ni vidare": the next step in plain words, without a command or a file name.

Without a matrix of the kommun's own, a workshop (who, how many pairs, how long, from the project's own plan and
timing rule) or the Excel template; with one, what to do with it. Estimates are said rounded
(:func:`about_count`, :func:`about_minutes`). :mod:`sdg_interactions.report.sections` re-exports
:func:`next_steps`.
"""

from __future__ import annotations

import math

import xarray as xr

from sdg_interactions.matrix import node_ids
from sdg_interactions.report.summary_sections import conflict_table
from sdg_interactions.report.wording import count_word, format_number, lead_count, make_section
from sdg_interactions.texts import check_lang, genitive, text

__all__ = ["about_count", "about_minutes", "next_steps", "workshop_estimate"]


def workshop_estimate(n_nodes: int) -> dict:
    """What a workshop on ``n_nodes`` targets takes, by the project's own plan and timing rule: the default
    ``workshop new`` plan (:func:`~sdg_interactions.apps.workshop.new_workshop`: its respondents and answers per
    pair; :func:`~sdg_interactions.io.workshop.plan_workshop`: its seconds per pair), pairs dealt evenly, and
    the kit's agenda (:func:`~sdg_interactions.apps.kit.plan_agenda`: rounds, breaks, introduction,
    discussion). Returns ``people``, ``answers``, ``seconds``, ``pairs``, ``each`` (the largest share),
    ``minutes`` (the whole agenda, breaks included) and ``days``.

    Examples
    --------
    >>> e = workshop_estimate(34)
    >>> e["people"], e["pairs"], e["each"], e["minutes"], e["days"]
    (6, 1122, 374, 235, 1)
    """
    import inspect

    from sdg_interactions.apps.kit import plan_agenda
    from sdg_interactions.apps.workshop import new_workshop
    from sdg_interactions.io.workshop import plan_workshop

    plan = inspect.signature(new_workshop).parameters
    people, answers = int(plan["respondents"].default), int(plan["overlap"].default)
    seconds = float(inspect.signature(plan_workshop).parameters["seconds_per_pair"].default)
    pairs = int(n_nodes) * (int(n_nodes) - 1)
    each = math.ceil(pairs * min(answers, people) / people)  # dealt evenly: shares differ by at most one pair
    agenda = plan_agenda(each * seconds / 60)
    return {"people": people, "answers": min(answers, people), "seconds": seconds, "pairs": pairs, "each": each,
            "minutes": agenda.total_minutes, "days": len(agenda.days)}


def about_minutes(minutes: float) -> int:
    """An estimate's minutes as a reader is told them: to the nearest half hour, under two hours to the nearest
    quarter hour, never below a quarter hour (an estimate is no more precise than that).

    Examples
    --------
    >>> about_minutes(235), about_minutes(250), about_minutes(97), about_minutes(52), about_minutes(3)
    (240, 240, 90, 45, 15)
    """
    step = 15 if minutes < 120 else 30
    return max(step, step * math.floor(float(minutes) / step + 0.5))


def about_count(n: int) -> int:
    """A count from an estimate, rounded as it is said: exact below 20, to 5 below 100, to 10 below 1 000, to
    100 above.

    Examples
    --------
    >>> about_count(17), about_count(43), about_count(374), about_count(1650)
    (17, 45, 370, 1700)
    """
    step = 1 if n < 20 else 5 if n < 100 else 10 if n < 1000 else 100
    return max(1, step * math.floor(int(n) / step + 0.5))


def _n_nodes(matrix: str, data: xr.Dataset | xr.DataArray | None) -> int:
    """The number of targets the report's matrix holds: from ``data``, else from the bundled table or the file
    ``matrix`` names (the national example's when it cannot be read)."""
    if data is not None:
        return len(node_ids(data))
    from sdg_interactions.frameworks import DEFAULT_MATRIX, bundled_matrices

    table = bundled_matrices().set_index("name")["n_nodes"]
    if matrix in table.index:
        return int(table[matrix])
    try:
        from sdg_interactions.io import load_dataset

        return len(node_ids(load_dataset(matrix)))
    except Exception:  # an unreadable file was refused before the report ran; the national example's size
        return int(table[DEFAULT_MATRIX])


def next_steps(kommun: str, *, matrix: str = "weitz2018_sweden", own: bool = False, lang: str = "sv",
               data: xr.Dataset | xr.DataArray | None = None) -> dict:
    """"Så går ni vidare", in plain words, without a command or a file name: the section is read by
    politicians. Shown as a box (``"style": "box"``).

    Without a matrix of the kommun's own: a workshop (who, how many pairs, how long: :func:`workshop_estimate`
    on the matrix's targets, with the assumption it rests on), that the administration prepares it with the
    tool, and the Excel template for those who prefer it. The pairs each and the time are estimates, said rounded
    (:func:`about_count`, :func:`about_minutes`). With the kommun's own matrix (``own``): what to do
    with it (the conflicts, if any, to the committee; follow-up with key figures; redo it when priorities
    change), and, from ``data``, the unscored pairs to fill in and too few respondents (fewer than three).

    Examples
    --------
    >>> steps = next_steps("Upplands Väsby", lang="en")
    >>> steps["style"], "sdg-interactions" in " ".join(steps["paragraphs"])
    ('box', False)
    """
    check_lang(lang)
    owner = genitive(kommun, lang)
    if own:
        steps = [text("report.next.step_follow", lang), text("report.next.step_redo", lang)]
        if data is not None and len(conflict_table(data, "mean")):
            steps.insert(0, text("report.next.step_conflicts", lang))
        paragraphs = [text("report.next.own", lang, owner=owner, steps="; ".join(steps))]
        if data is not None:
            from sdg_interactions.report.honesty import coverage  # H1's count of what is scored, and by whom

            counted = coverage(data)
            unscored = counted["n_pairs"] - counted["n_scored"]
            if unscored:
                paragraphs.append(text("report.next.gaps_one" if unscored == 1 else "report.next.gaps", lang,
                                       unscored=lead_count(unscored, lang),
                                       pairs=format_number(counted["n_pairs"], lang)))
            people = counted["n_respondents_who_scored"] or 0
            if 0 < people < 3:
                paragraphs.append(text("report.next.few_one" if people == 1 else "report.next.few", lang,
                                       n=count_word(people, lang, neuter=False)))
    else:
        e = workshop_estimate(_n_nodes(matrix, data))
        values = {"people": count_word(e["people"], lang, neuter=False), "seconds": format_number(e["seconds"], lang),
                  "answers": count_word(e["answers"], lang, neuter=False)}
        from sdg_interactions.apps.kit import duration

        # the pairs each and the time are estimates: said rounded (about_count, about_minutes), after "omkring"
        paragraphs = [text("report.next.workshop", lang, owner=owner, n=format_number(_n_nodes(matrix, data), lang),
                           pairs=format_number(e["pairs"], lang), each=format_number(about_count(e["each"]), lang),
                           duration=duration(about_minutes(e["minutes"]), lang),
                           days=text("report.next.days", lang, n=count_word(e["days"], lang, neuter=False))
                           if e["days"] > 1 else "", **values) + " " + text("report.next.template", lang)]
    section = make_section("next", lang, paragraphs)
    section["style"] = "box"
    return section
