"""The chart of a projection onto objectives: :func:`objective_effects`."""

from __future__ import annotations

from collections.abc import Mapping

import altair as alt
import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.errors import ValidationError, locate, tr
from sdg_interactions.plots.base import NEGATIVE_COLOR, POSITIVE_COLOR, caption_lines, check, finish, inline, y_axis
from sdg_interactions.texts import objective_code, text

__all__ = ["objective_effects"]

_OBJECTIVE = "objective"
_AUTHORITY = {"miljomal": "Naturvårdsverket", "folkhalsomal": "Folkhälsomyndigheten"}


def _frame(projection: xr.Dataset, lang: str) -> pd.DataFrame:
    needed = ("effect_pos", "effect_neg", "effect_net", "n_linked")
    missing = [n for n in needed if n not in projection]
    if missing or _OBJECTIVE not in projection.dims:
        raise ValidationError(locate(
            tr("error.report.plots.needs_projection", objective=repr(_OBJECTIVE), needed=", ".join(needed),
               missing=", ".join(missing) or tr("error.report.plots.the_dim")),
            valid=tr("error.report.plots.valid_result_of",
                     where="sdg_interactions.analysis.projection.project_onto(result, linkage)")))
    extra = sorted(set(projection.dims) - {_OBJECTIVE})
    if extra:
        raise ValidationError(tr("error.report.plots.one_projection", extra=extra))
    ids = [str(v) for v in projection[_OBJECTIVE].to_numpy()]
    key = f"label_{lang}"
    labels = (projection[key].to_numpy().astype(str) if key in projection.coords
              else frameworks.node_info(ids)[key].to_numpy(dtype=str))
    frame = pd.DataFrame({"objective": ids, "code": [objective_code(i, lang) for i in ids], "label": labels})
    for name in needed:
        frame[name] = projection[name].to_numpy()
    frame["n_linked"] = frame["n_linked"].astype(int)
    frame["name"] = [text("linkage.chart.reached_one" if n == 1 else "linkage.chart.reached", lang,
                          name=f"{code} {lab}" if lab != i else code, n=n)
                     for i, code, lab, n in zip(frame["objective"], frame["code"], frame["label"], frame["n_linked"],
                                                strict=True)]
    return frame


def objective_effects(projection: xr.Dataset, *, lang: str = "sv", caption: str | None = None,
                      attrs: Mapping | None = None, per_target: bool = True) -> alt.LayerChart:
    """A diverging bar per objective: the promoting part to the right, the hindering part to the left.

    Takes :func:`sdg_interactions.analysis.projection.project_onto` for one matrix (no leading dims).
    With ``per_target`` (the default, as the report's text compares them) each part is the mean per linked
    target, the part divided by ``n_linked`` (0 where none is linked): a sum grows with the number of links,
    so the objective with most linked targets would have the longest bar by its links alone. The objectives
    stand in order of that mean's promoting part, highest first, within each framework (ties in natural
    order); ``per_target=False`` draws the sums in natural order (``MKM-1`` … ``MKM-16``), to compare one
    objective across kommuner. Each is labelled with its id, name in ``lang`` and how many of the result's
    targets are linked to it (its code as :func:`~sdg_interactions.texts.objective_code` writes it in ``lang``);
    the tooltip holds the sums too; the axis says in words what a bar measures (no formula). The caption cites
    the matrix first (``attrs``, default the projection's, by :func:`_source_of`: never a raw citation in
    another language; ``caption`` replaces that source line, and a report that sets its own source line under
    the figure drops it, :func:`~sdg_interactions.plots.base.without_source_line`), then says whether the
    linkage is the project's proposal or the user's own and cites the texts it rests on.

    Examples
    --------
    >>> from sdg_interactions.analysis import propagate
    >>> from sdg_interactions.analysis.projection import project_onto
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.array([[np.nan, 0.0], [3.0, np.nan]]), ["6.6", "7.2"])  # 7.2 promotes 6.6 by 3
    >>> p = project_onto(propagate(m, ["7.2"]), "miljomal")
    >>> spec = objective_effects(p, lang="en").to_dict()
    >>> from sdg_interactions.plots import rows_of
    >>> rows = rows_of(spec, spec["data"]["name"])
    >>> [(r["part"], r["value"]) for r in rows if r["objective"] == "MKM-8"]  # 3 · 3 / 3 over 2 linked targets
    [('effect_pos', 1.5), ('effect_neg', 0.0)]
    >>> next(r["name"] for r in rows if r["objective"] == "MKM-8")  # 6.6 and 7.2 (a −1 link)
    'EQO 8 Flourishing Lakes and Streams (2 targets)'
    >>> spec["title"]["subtitle"][0][:42]
    'The target → objective linkage is a propos'
    """
    lang = check(lang)
    frame = _frame(projection, lang)
    frame["sum_pos"], frame["sum_neg"] = frame["effect_pos"], frame["effect_neg"]
    if per_target:
        linked = frame["n_linked"].to_numpy(dtype=float)
        for name in ("effect_pos", "effect_neg", "effect_net"):
            values = frame[name].to_numpy(dtype=float)
            frame[name] = np.divide(values, linked, out=np.zeros_like(values), where=linked > 0)
        kinds_of = (projection["framework"].to_numpy().astype(str) if "framework" in projection.coords
                    else np.array([""] * len(frame)))
        first = {k: n for n, k in reversed(list(enumerate(kinds_of)))}  # the frameworks in their order
        frame["_kind"] = [first[k] for k in kinds_of]
        frame["_natural"] = range(len(frame))
        frame = frame.sort_values(["_kind", "effect_pos", "_natural"], ascending=[True, False, True],
                                  kind="stable").drop(columns=["_kind", "_natural"])
    order = frame["name"].tolist()
    parts = {"effect_pos": text("report_frameworks.chart.positive", lang),
             "effect_neg": text("report_frameworks.chart.negative", lang)}
    long = frame.melt(id_vars=["objective", "code", "label", "name", "effect_net", "n_linked", "sum_pos", "sum_neg"],
                      value_vars=list(parts), var_name="part", value_name="value")
    long["part_label"] = long["part"].map(parts)
    wide = frame.set_index("objective")
    long["effect_pos"] = long["objective"].map(wide["effect_pos"])
    long["effect_neg"] = long["objective"].map(wide["effect_neg"])
    part_title = text("linkage.chart.part", lang)
    for shown in ("effect_pos", "effect_neg", "effect_net", "sum_pos", "sum_neg"):  # as the tooltip writes them:
        long[shown] = np.round(long[shown].astype(float), 2) + 0.0  # two decimals, and never "−0"
    long["value"] = np.round(long["value"].astype(float), 9) + 0.0  # float noise below 0 is never read out as "−0"
    tooltip = [alt.Tooltip("code:N", title=text("linkage.tooltip.objective", lang)),
               alt.Tooltip("label:N", title=text("plots.tooltip.label", lang))]
    tooltip += [alt.Tooltip(f"{v}:Q", title=text(f"report_frameworks.chart.{v}", lang), format=".2~f")
                for v in ("effect_pos", "effect_neg")]
    tooltip.append(alt.Tooltip("effect_net:Q", title=text("linkage.tooltip.effect_net", lang), format=".2~f"))
    if per_target:
        tooltip += [alt.Tooltip(f"{v}:Q", title=text(f"report_frameworks.chart.{v}", lang), format=".2~f")
                    for v in ("sum_pos", "sum_neg")]
    tooltip.append(alt.Tooltip("n_linked:Q", title=text("linkage.tooltip.n_linked", lang)))
    base = alt.Chart(inline(long))
    x_title = text("report_frameworks.chart.x" if per_target else "report_frameworks.chart.x_sum", lang)
    bars = base.mark_bar(height={"band": 0.7}).encode(
        y=alt.Y("name:N", sort=order, axis=y_axis(text("linkage.chart.y", lang), labelLimit=0)),
        x=alt.X("value:Q", title=x_title, stack="zero"),
        color=alt.Color("part_label:N", title=part_title,
                        scale=alt.Scale(domain=list(parts.values()), range=[POSITIVE_COLOR, NEGATIVE_COLOR])),
        tooltip=tooltip)
    zero = base.mark_rule(color="#444444").encode(x=alt.datum(0))
    chart = alt.layer(bars, zero).properties(width=360, height=alt.Step(18))
    kinds = sorted({str(f) for f in (projection["framework"].to_numpy() if "framework" in projection.coords else [])})
    if len(kinds) == 1 and kinds[0] in {f.name for f in frameworks.frameworks()}:
        fw = frameworks.framework(kinds[0])
        key = "plots.objective_effects.title" if per_target else "linkage.chart.title"
        title = text(key, lang, framework=(fw.title_sv if lang == "sv" else fw.title_en).lower())
    else:
        title = text("plots.objective_effects.title_generic" if per_target else "linkage.chart.title_generic", lang)
    meta = projection.attrs
    if meta.get("linkage_status") == "proposal":
        notes = [text("linkage.chart.caption_proposal", lang)]
    else:
        notes = [text("linkage.chart.caption_user", lang, title=meta.get(f"linkage_title_{lang}") or "–")]
    authority = ", ".join(_AUTHORITY.get(k, k) for k in kinds) or "–"
    notes += [text("linkage.chart.caption_texts", lang, authority=authority),
              *_variable_note(meta.get("variable"), lang),
              text("linkage.chart.caption_reach", lang),
              *([text("plots.objective_effects.caption_mean", lang)] if per_target else [])]
    caption_of = caption_lines(_source_of(attrs or meta, lang), lang, *notes, caption=caption)
    return finish(chart, title=title, lang=lang, kind="objective_effects", caption=caption_of)


def _source_of(attrs: Mapping, lang: str) -> dict:
    """What the source line may cite: a citation in ``lang``, else the matrix's title in ``lang`` (a
    projection keeps the matrix's title but not its ``synthetic`` mark, and an invented matrix's raw
    ``citation`` is an English note with a file path), else the raw citation or the file's name.

    >>> _source_of({"citation": "SYNTHETIC EXAMPLE: …", "title_sv": "SYNTETISKT EXEMPEL"}, "sv")
    {'title_sv': 'SYNTETISKT EXEMPEL'}
    >>> _source_of({"citation": "Weitz, N. (2018)"}, "sv")
    {'citation': 'Weitz, N. (2018)'}
    """
    for key in (f"citation_{lang}", f"title_{lang}"):
        if attrs.get(key):
            return {key: attrs[key]}
    return {k: attrs[k] for k in ("citation", "title", "source_file") if attrs.get(k)}


def _variable_note(variable: object, lang: str) -> list[str]:
    """What was projected, in words; nothing for the usual promoting and hindering parts (the legend says
    them), never a code name such as ``effect_pos``."""
    names = [v.strip() for v in str(variable or "").split(",") if v.strip()]
    if not names or set(names) <= {"effect_pos", "effect_neg"}:
        return []
    from sdg_interactions.texts import catalogue

    words = [text(f"linkage.tooltip.{v}", lang) if f"linkage.tooltip.{v}" in catalogue() else v for v in names]
    return [text("linkage.chart.caption_variable", lang, variable=", ".join(words))]
