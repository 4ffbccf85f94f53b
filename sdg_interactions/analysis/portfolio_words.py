"""The words of a :func:`~sdg_interactions.analysis.portfolio`: :func:`explain_portfolio`.

Every step a sentence states ("Utan 9.5 vore de andras täckning 3,1 högre (78,8 i stället för 75,7): dess stöd
… tillför 0,9; … drar ned täckningen med 1,4; … ger 2,6 …") adds up as shown: the two coverages are rounded
as the heading rounds them, the step is their shown difference, and its parts are the differences of the
rounded running totals (:func:`shown_steps`), so a reader who adds the shown numbers gets the shown ones.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

from sdg_interactions.analysis._core import TIE_TOLERANCE, adjacency, at_least, clearly_hindering
from sdg_interactions.formats import number as format_number
from sdg_interactions.matrix import node_ids
from sdg_interactions.texts import check_lang, text

__all__ = ["explain_portfolio", "shown_number", "shown_steps"]

#: The most decimals a step is shown with (a step that is not 0 is never shown as 0).
MAX_DECIMALS = 9


def _rounded(value: float, decimals: int) -> Decimal:
    """``value`` rounded as :func:`sdg_interactions.formats.number` rounds it (halves away from zero), after
    float noise below 1e-9 is dropped."""
    return Decimal(repr(round(float(value), 9))).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)


def _zero(value: float) -> bool:  # 0 within the tie tolerance
    return bool(at_least(TIE_TOLERANCE, abs(value)))


def _text(value: Decimal, decimals: int, lang: str) -> str:
    return format_number(float(value), lang, decimals=decimals)


def shown_number(value: float, lang: str) -> str:
    """A coverage as a sentence shows it: one decimal ("80,8", "5 984", "−3"), more only when one decimal
    would show a number that is not 0 as 0.

    >>> shown_number(80.8333, "sv"), shown_number(0.0004, "en"), shown_number(-3, "sv")
    ('80,8', '0.0004', '−3')
    """
    value = 0.0 if _zero(value) else float(value)
    for decimals in range(1, MAX_DECIMALS + 1):
        if _rounded(value, decimals) or not value:
            return _text(_rounded(value, decimals), decimals, lang)
    return _text(_rounded(value, MAX_DECIMALS), MAX_DECIMALS, lang)


def shown_steps(start: float, parts: Sequence[float]) -> tuple[list[Decimal], int]:
    """The running totals ``start``, ``start + parts[0]``, … rounded as shown, and the decimals used.

    The shown parts are the differences of the shown running totals, so they add up to the difference of
    the first and last shown totals, each within one unit of the last decimal of its true value. One
    decimal, more only when a part (or the whole step) that is not 0 would show as 0.

    >>> totals, decimals = shown_steps(84.5, [3.0, -1.0417, -2.8333])
    >>> [str(t) for t in totals], decimals
    (['84.5', '87.5', '86.5', '83.6'], 1)
    >>> [str(b - a) for a, b in zip(totals, totals[1:])], str(totals[-1] - totals[0])  # 3 − 1 − 2,9 = −0,9
    (['3.0', '-1.0', '-2.9'], '-0.9')
    """
    points = [float(start)]
    for part in parts:
        points.append(points[-1] + float(part))
    for decimals in range(1, MAX_DECIMALS + 1):
        shown = [_rounded(p, decimals) for p in points]
        steps = [b - a for a, b in itertools.pairwise(shown)]
        if all(step or _zero(part) for step, part in zip(steps, parts, strict=True)) and (
                shown[-1] != shown[0] or _zero(sum(parts))):
            return shown, decimals
    return shown, MAX_DECIMALS


def _names(nodes: Sequence[str], labels: dict[str, str], lang: str, limit: int = 8) -> str:
    more = [text("scenario.portfolio.more", lang, n=len(nodes) - limit)] if len(nodes) > limit else []
    return "; ".join([f"{n} {labels.get(n, n)}" for n in nodes[:limit]] + more)


def _sign(marginal: float) -> str:  # the text key's suffix: "" when it adds, "_none" for 0, "_negative" below
    return "_none" if _zero(marginal) else "" if marginal > 0 else "_negative"


class _Claim:
    """One stated step from the coverage ``before`` to ``before + total``, with the parts of a member's
    :class:`~sdg_interactions.analysis.portfolios.Contribution` (``part``) or none: the shown numbers."""

    def __init__(self, before: float, total: float, part, lang: str):
        parts = [part.support, part.harm, -part.own] if part is not None else [total]
        shown, self.decimals = shown_steps(before, parts)
        shown[-1] = _rounded(before + total, self.decimals)  # the end as the heading rounds it
        self.lang, self.shown, self.steps = lang, shown, [b - a for a, b in itertools.pairwise(shown)]

    def say(self, value: Decimal) -> str:
        return _text(abs(value), self.decimals, self.lang)

    @property
    def before(self) -> str:
        return _text(self.shown[0], self.decimals, self.lang)

    @property
    def after(self) -> str:
        return _text(self.shown[-1], self.decimals, self.lang)

    @property
    def change(self) -> str:
        return self.say(self.shown[-1] - self.shown[0])


class _Scores:
    """The scores a result was found on, to tell a hindering score (−1 or worse,
    :func:`~sdg_interactions.analysis.clearly_hindering`) from a negative mean between −1 and 0; ``None``
    says every negative score as hindering (the words of :attr:`Portfolio.explanation`)."""

    def __init__(self, scores):
        self.values = None if scores is None else adjacency(scores)
        self.index = {} if scores is None else {node: i for i, node in enumerate(node_ids(scores))}

    def hinders(self, source: str, target: str) -> bool:
        if self.values is None:
            return True
        return bool(clearly_hindering(self.values[self.index[source], self.index[target]]))


def _harm(node: str, part, harm: str, labels: dict[str, str], lang: str, scores: _Scores) -> str:
    """The harm clause: "det hämmar delmål (…)" for the scores of −1 or worse, "det har negativa medelvärden
    mellan −1 och 0 mot delmål (…)" for the others; one shown number for both, as the coverage counts both."""
    key = "scenario.portfolio.why"
    clear = [j for j in part.hindered if scores.hinders(node, j)]
    slight = [j for j in part.hindered if j not in clear]
    if not slight:
        return text(f"{key}.harm", lang, names=_names(clear, labels, lang), harm=harm)
    form = "harm_slight_one" if len(slight) == 1 else "harm_slight"
    if clear:
        form = "harm_mixed_one" if len(slight) == 1 else "harm_mixed"
    return text(f"{key}.{form}", lang, names=_names(clear, labels, lang), slight=_names(slight, labels, lang),
                harm=harm)


def _why(node: str, part, claim: _Claim, labels: dict[str, str], lang: str, cap: float,
         scores: _Scores | None = None, despite: bool = False) -> str:
    """A member's contribution in words, each part with its shown number (``claim.steps``); ``despite``: the
    sentence before said that others already promote all it promotes, so a support that still adds says why."""
    key = "scenario.portfolio.why"
    support, harm, own = claim.steps
    scores = scores or _Scores(None)
    clauses = [text(f"{key}.support" + ("_despite" if despite else ""), lang, support=claim.say(support),
                    cap=shown_number(cap, lang)) if not _zero(part.support)
               else text(f"{key}.support_capped", lang, cap=shown_number(cap, lang)) if part.promotes
               else text(f"{key}.support_none", lang)]
    if part.hindered and not _zero(part.harm):
        clauses.append(_harm(node, part, claim.say(harm), labels, lang, scores))
    if not _zero(part.own):
        clauses.append(text(f"{key}.own" if part.own > 0 else f"{key}.own_hindered", lang, node=node,
                            own=claim.say(own)))
    return "; ".join(clauses)


def _overlap(shared: int, total: int) -> str:
    """The text key for how a left-out top-k node overlaps the others: it promotes nothing outside the top k
    (``overlap_alone``), or of the ``total`` it promotes, the others promote all, none or some."""
    return ("overlap_alone" if not total else "overlap_shared_all" if shared == total
            else "overlap_shared_none" if not shared else "overlap_shared")


def _fewer(result, lang: str, scores: _Scores) -> list[str]:
    """Why the proposal holds fewer than ``k``: the best gain of ``k``, drops, and the best further node."""
    key, names = "scenario.portfolio", result.labels[lang]
    lines = [text(f"{key}.fewer" + ("_one" if len(result.chosen) == 1 else ""), lang, n=len(result.chosen), k=result.k)]
    if result.k in result.best_by_size:
        lines.append(text(f"{key}.best_k", lang, k=result.k, gain=shown_number(result.best_by_size[result.k], lang)))
    # the sets the members were dropped from, last first: each one's gain is the next one's minus the rise
    after, befores = result.gain, {}
    for node, rise in reversed(list(result.dropped_members.items())):
        befores[node], after = after, after - rise
    for node, rise in result.dropped_members.items():
        part = result.dropped_contributions[node]
        claim = _Claim(befores[node], -rise, part, lang)
        lines.append(text(f"{key}.dropped", lang, node=node, rise=claim.change, with_it=claim.after,
                          without=claim.before, why=_why(node, part, claim, names, lang, result.cap, scores)))
    if result.addition is not None:
        node, change, part = result.addition
        claim = _Claim(result.gain, change, part, lang)
        lines.append(text(f"{key}.added_same" if _zero(change) else f"{key}.added", lang, node=node,
                          fall=claim.change, new=claim.after, old=claim.before,
                          why=_why(node, part, claim, names, lang, result.cap, scores)))
    elif result.one_per is not None:
        lines.append(text(f"{key}.full", lang, per=text(f"{key}.per_{result.one_per}", lang)))
    return lines


def levers(k: int, lang: str, k_word: str | None = None) -> str:
    """"de 5 starkaste hävstängerna" (``k_word`` for the count: "fem"), "den starkaste hävstången" for one.

    >>> levers(5, "sv", "fem"), levers(1, "en"), levers(3, "en")
    ('de fem starkaste hävstängerna', 'the strongest lever', 'the 3 strongest levers')
    """
    return text("scenario.portfolio.levers_one" if k == 1 else "scenario.portfolio.levers", lang,
                k=k_word or k)


def explain_portfolio(result, *, lang: str = "sv", k_word: str | None = None, scores=None) -> str:
    """Explain a :func:`~sdg_interactions.analysis.portfolio` result in words.

    The words say what the coverage (the gain) is, why the proposal holds fewer than ``k`` when it does,
    what each chosen node pulls along and puts at risk, and how the proposal differs from the plain top ``k``
    by systemic rank (the ``k`` strongest levers). Every number is one the result holds, and every step adds
    up as shown (:func:`shown_steps`).

    Parameters
    ----------
    result : Portfolio
        What :func:`~sdg_interactions.analysis.portfolio` returned.
    lang : {"sv", "en"}, default "sv"
        The language of the words.
    k_word : str, optional
        ``k`` as a word, "fem"; default the number.
    scores : xarray.DataArray or xarray.Dataset, optional
        ``scores``: the matrix ``result`` was found on (the report passes it). With it, a negative score
        above −1 (a mean of several answers) is said as a negative mean, not as hindering (which is −1 or
        worse, :func:`~sdg_interactions.analysis.clearly_hindering`); its part of the coverage is unchanged.
        And a left-out lever whose every promoted target another lever promotes too, but whose support still
        adds, is said to add it "ändå", as a target counts up to the cap and the others give some of them
        less. Without it every negative score is said as hindering (the words of ``result.explanation``).

    Returns
    -------
    str
        The explanation, each of its points on a line of its own.

    See Also
    --------
    sdg_interactions.analysis.portfolio : The search whose result is explained; its ``explanation`` holds
        these words in sv and en.
    sdg_interactions.analysis.clearly_hindering : What is said as hindering (−1 or worse) with ``scores``.

    Examples
    --------
    >>> from sdg_interactions.analysis import portfolio
    >>> print(explain_portfolio(portfolio(toy_matrix(), 3), lang="en"))  # doctest: +ELLIPSIS
    Proposal, 2 to prioritise: coverage 4 (exhaustive search over all 14 sets of at most 3).
    Coverage: the support the other targets get directly from the proposal (at most 3 per target), summed ...
    The proposal has 2 targets instead of 3, because more did not raise the coverage.
    The best set of 3 gives a coverage of 2.
    With 1.1 added the coverage would be 3 lower (1 instead of 4): it promotes no target beyond those chosen; ...
    - 1.2 ...: pulls along 1.3 Social protection. It puts nothing at risk.
    - 1.4 ...: pulls nothing along that comes along. It puts nothing at risk.
    The proposal differs from the 3 highest ranked by systemic score (1.1, 1.2, 1.4), which have a coverage of 1 ...
    1.1 promotes no targets outside the 3 strongest levers. Without 1.1 the others' coverage would be 3 higher ...
    The proposal brings along 1 target that does not come along when the 3 strongest levers are prioritised: ...
    >>> print(explain_portfolio(portfolio(toy_matrix(), 3)).splitlines()[0])
    Förslag, 2 att prioritera: täckning 4 (alla 14 kombinationer av högst 3 delmål prövade).
    """
    check_lang(lang)
    names, key, said = result.labels[lang], "scenario.portfolio", _Scores(scores)
    how = "exhaustive" if result.method == "exhaustive" else "greedy"
    lines = [text(f"{key}.heading", lang, k=len(result.chosen), gain=shown_number(result.gain, lang),
                  how=text(f"{key}.{how}", lang, n=shown_number(result.n_evaluated, lang), k=k_word or result.k)),
             text(f"{key}.coverage", lang, cap=shown_number(result.cap, lang))]
    if len(result.chosen) < result.k:
        lines += _fewer(result, lang, said)
    for node in result.chosen:
        pulls, risks = result.pulls_along[node], result.puts_at_risk[node]
        lines.append(text(f"{key}.node", lang, node=f"{node} {names.get(node, node)}",
                          pulls=text(f"{key}.pulls", lang, names=_names(pulls, names, lang)) if pulls
                          else text(f"{key}.pulls_none", lang),
                          risks=text(f"{key}.risks", lang, names=_names(risks, names, lang)) if risks
                          else text(f"{key}.risks_none", lang)))
    if set(result.chosen) == set(result.top_k):
        return "\n".join([*lines, text(f"{key}.same", lang, k=result.k)])
    added = [n for n in result.chosen if n not in result.top_k]
    left = [n for n in result.top_k if n not in result.chosen]
    lines.append(text(f"{key}.differs" if added else f"{key}.differs_fewer", lang, k=result.k,
                      top=", ".join(result.top_k), top_gain=shown_number(result.top_k_gain, lang),
                      gain=shown_number(result.gain, lang), added=_names(added, names, lang),
                      dropped=_names(left, names, lang)))
    strongest = levers(result.k, lang, k_word)
    if result.k > 1:
        for d in left:  # the others' coverage without d, then with d (the top k's)
            change, part = result.marginal[d], result.contributions[d]
            claim = _Claim(result.top_k_gain - change, change, part if change < 0 else None, lang)
            lines.append(text(f"{key}.overlap{_sign(change)}", lang, marginal=claim.change, new=claim.before,
                              old=claim.after, intro=text(f"{key}.{_overlap(*result.overlap[d])}", lang, node=d,
                                                          levers=strongest, shared=result.overlap[d][0],
                                                          total=result.overlap[d][1]),
                              why=_why(d, part, claim, names, lang, result.cap, said, despite=scores is not None and
                                       _overlap(*result.overlap[d]) == "overlap_shared_all")
                              if change < 0 else ""))
        for n in added:  # the proposal's coverage without n, then with it
            change, part = result.marginal[n], result.contributions[n]
            claim = _Claim(result.gain - change, change, part if change < 0 else None, lang)
            lines.append(text(f"{key}.marginal{_sign(change)}", lang, node=n, marginal=claim.change,
                              without=claim.before, gain=claim.after, new=claim.before, old=claim.after,
                              why=_why(n, part, claim, names, lang, result.cap, said) if change < 0 else ""))
    if result.extra_along:
        n = len(result.extra_along)
        lines.append(text(f"{key}.extra" if n > 1 else f"{key}.extra_one", lang, levers=strongest, n=n,
                          names=_names(result.extra_along, names, lang)))
    return "\n".join(lines)
