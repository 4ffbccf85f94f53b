"""The 4 × 4 chart of the dimension roll-up (:func:`dimension_chart`): how biosfär, samhälle, ekonomi and
partnerskap promote and hinder each other."""

from __future__ import annotations

import altair as alt
import pandas as pd
import xarray as xr

from sdg_interactions.analysis.dimensions import DIMENSION_SOURCE, check_rollup, dimension_rollup
from sdg_interactions.formats import number, word_list
from sdg_interactions.plots.base import SCORE_SCHEME, UNSCORED_COLOR, caption_lines, check, finish, inline, y_axis
from sdg_interactions.texts import text

__all__ = ["dimension_cells", "dimension_chart"]

#: Most left-out ids the caption names; the rest are counted.
_LISTED = 8


def dimension_cells(rollup: xr.Dataset, lang: str = "sv") -> pd.DataFrame:
    """One row per cell of a dimension roll-up, rows (source) before columns (target), in the roll-up's order.

    Columns ``source``, ``target`` (dimension codes), ``source_label``, ``target_label`` (names in ``lang``),
    ``pos``, ``neg``, ``n_pos``, ``n_neg``, ``pairs``, ``total`` (``pos + neg``, the sum of the scores: the
    chart's colour) and the labels ``label_total`` ("107 poäng"), ``label_pos`` ("63 främjande") and
    ``label_neg`` ("10 hämmande"), numbers written by :func:`sdg_interactions.formats.number`.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.array([[np.nan, 2, -1], [1, np.nan, 3], [-2, 0, np.nan]]), ["6.1", "13.1", "8.1"])
    >>> cells = dimension_cells(dimension_rollup(m), "en")
    >>> cells[["target", "pos", "total", "label_pos", "label_neg"]].to_dict("records")[0]  # biosphere →
    {'target': 'biosphere', 'pos': 3.0, 'total': 3.0, 'label_pos': '2 promoting', 'label_neg': '0 hindering'}
    >>> cells[["target_label", "total", "label_total"]].to_dict("records")[2]  # biosphere → economy: −1 + 3
    {'target_label': 'economy', 'total': 2.0, 'label_total': '2 points'}
    """
    lang = check(lang)
    r = check_rollup(rollup)
    sources = [str(v) for v in r["source_dimension"].to_numpy()]
    targets = [str(v) for v in r["target_dimension"].to_numpy()]
    labels = {d: text(f"dimensions.name.{d}", lang) for d in (*sources, *targets)}
    rows = []
    for k, source in enumerate(sources):
        for m, target in enumerate(targets):
            row = {"source": source, "target": target, "source_label": labels[source],
                   "target_label": labels[target]}
            row.update({name: r[name].to_numpy()[k, m].item() for name in ("pos", "neg", "n_pos", "n_neg", "pairs")})
            rows.append(row)
    frame = pd.DataFrame(rows)
    frame["pairs"] = frame["pairs"].astype(int)
    frame["total"] = frame["pos"] + frame["neg"] + 0.0
    frame["label_total"] = [text("dimensions.chart.points_one" if number(v, lang) == "1" else "dimensions.chart.points",
                                 lang, n=number(v, lang)) for v in frame["total"]]
    frame["label_pos"] = [text("dimensions.chart.count_pos", lang, n=number(n, lang, decimals=0))
                          for n in frame["n_pos"]]
    frame["label_neg"] = [text("dimensions.chart.count_neg", lang, n=number(n, lang, decimals=0))
                          for n in frame["n_neg"]]
    return frame


def _as_rollup(obj: xr.Dataset | xr.DataArray) -> xr.Dataset:
    """A roll-up as it is; a matrix (a DataArray, or a Dataset with ``score``) rolled up here."""
    if isinstance(obj, xr.DataArray) or (isinstance(obj, xr.Dataset) and "score" in obj):
        return dimension_rollup(obj)
    return check_rollup(obj)


def _left_out_note(attrs: dict, lang: str) -> list[str]:
    ids = [i for i in str(attrs.get("left_out", "")).split(", ") if i]
    if not ids:
        return []
    shown = ids[:_LISTED]
    if len(ids) > _LISTED:
        shown.append(text("dimensions.sentence.more", lang, n=number(len(ids) - _LISTED, lang)))
    return [text("dimensions.chart.left_out", lang, ids=word_list(shown, lang))]


def dimension_chart(rollup: xr.Dataset | xr.DataArray, *, lang: str = "sv", caption: str | None = None
                    ) -> alt.LayerChart:
    """A 4 × 4 heat map of the dimensions: rows promote or hinder columns.

    Colour: the sum of the scores from the row's dimension to the column's, ``pos + neg`` — the measure the
    report's sentence names and its table shows — on a scale symmetric around 0 up to the largest absolute
    sum of the chart (a sum grows with the number of targets, so the colours compare the cells of one
    matrix, not kommuner); a cell without scored pairs stays grey. A mean per pair would let a cell of two
    pairs look strongest. Text: the sum ("107 poäng"), then how many promoting and hindering interactions
    the cell holds ("63 främjande", "0 hämmande"), in the chart's locale. The tooltip adds the promoting
    and hindering sums and the number of scored pairs.

    Parameters
    ----------
    rollup : xarray.Dataset or xarray.DataArray
        :func:`~sdg_interactions.analysis.dimensions.dimension_rollup`, or a matrix, which is rolled up here.
    lang : {"sv", "en"}
        Language of titles, labels, tooltips and the caption.
    caption : str, optional
        The source to name under the title; default the matrix's citation carried in the roll-up's attrs.

    Returns
    -------
    altair.LayerChart
        Dimensions in the order biosfär, samhälle, ekonomi, partnerskap on both axes; the caption says what
        the colour and numbers mean, where the dimensions come from, and which ids have no dimension.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.array([[np.nan, 2, -1], [1, np.nan, 3], [-2, 0, np.nan]]), ["6.1", "13.1", "8.1"])
    >>> spec = dimension_chart(m).to_dict()
    >>> spec["layer"][0]["encoding"]["y"]["sort"], spec["config"]["locale"]["number"]["decimal"]
    (['biosfär', 'samhälle', 'ekonomi', 'partnerskap'], ',')
    >>> from sdg_interactions.plots import rows_of
    >>> [(c["source"], c["target"], c["label_total"], c["label_pos"], c["label_neg"])
    ...  for c in rows_of(spec, spec["data"]["name"])][2]  # ekonomi → biosfär: 8.1 → 6.1 (−2) and 8.1 → 13.1 (0)
    ('economy', 'biosphere', '−2 poäng', '0 främjande', '1 hämmande')
    """
    lang = check(lang)
    r = _as_rollup(rollup)
    cells = dimension_cells(r, lang)
    order = [text(f"dimensions.name.{d}", lang) for d in (str(v) for v in r["source_dimension"].to_numpy())]
    x = alt.X("target_label:N", sort=order, scale=alt.Scale(domain=order), title=text("dimensions.chart.x", lang),
              axis=alt.Axis(orient="top", labelAngle=0, ticks=False, labelPadding=4))
    y = alt.Y("source_label:N", sort=order, scale=alt.Scale(domain=order),
              axis=y_axis(text("dimensions.chart.y", lang), ticks=False, labelLimit=0, labelPadding=4))
    tooltip = [alt.Tooltip("source_label:N", title=text("dimensions.chart.y", lang)),
               alt.Tooltip("target_label:N", title=text("dimensions.chart.x", lang)),
               alt.Tooltip("total:Q", title=text("dimensions.chart.legend", lang), format=",.2~f"),
               alt.Tooltip("n_pos:Q", title=text("dimensions.chart.pos", lang), format=",d"),
               alt.Tooltip("n_neg:Q", title=text("dimensions.chart.neg", lang), format=",d"),
               alt.Tooltip("pos:Q", title=text("dimensions.chart.pos_sum", lang), format=",.2~f"),
               alt.Tooltip("neg:Q", title=text("dimensions.chart.neg_sum", lang), format=",.2~f"),
               alt.Tooltip("pairs:Q", title=text("dimensions.chart.pairs", lang), format=",d")]
    scored = cells[cells["pairs"] > 0]
    reach = max(1.0, float(scored["total"].abs().max())) if len(scored) else 1.0
    base = alt.Chart(inline(scored)).transform_calculate(
        description="datum.source_label + ' → ' + datum.target_label + ': ' + datum.label_total + ', ' + "
                    "datum.label_pos + ', ' + datum.label_neg")
    color = alt.Color("total:Q", title=text("dimensions.chart.legend", lang),
                      scale=alt.Scale(domain=[-reach, reach], domainMid=0, scheme=SCORE_SCHEME, reverse=True),
                      legend=alt.Legend(gradientLength=180))
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(x=x, y=y, color=color, tooltip=tooltip,
                                                                description="description:N")
    ink = alt.condition(f"abs(datum.total) >= {2 * reach / 3!r}", alt.value("white"), alt.value("#222222"))
    labels = [base.mark_text(fontSize=size, dy=dy, fontWeight=weight).encode(
                  x=x, y=y, text=alt.Text(f"{field}:N"), color=ink, tooltip=tooltip, description="description:N")
              for field, dy, size, weight in (("label_total", -14, 13, "bold"), ("label_pos", 2, 11, "normal"),
                                              ("label_neg", 16, 11, "normal"))]
    chart = alt.layer(rect, *labels).properties(
        width=alt.Step(104), height=alt.Step(60), view=alt.ViewBackground(fill=UNSCORED_COLOR, stroke=None))
    notes = [text("dimensions.chart.caption", lang)]
    if r.attrs.get("aggregation"):  # several respondents: the counts are of means at ±1 or beyond
        notes.append(text("dimensions.chart.means", lang))
    if (cells["pairs"] == 0).any():
        notes.append(text("dimensions.chart.empty", lang))
    notes.append(text("dimensions.chart.basis", lang, source=r.attrs.get("dimension_source", DIMENSION_SOURCE)))
    notes += _left_out_note(r.attrs, lang)
    return finish(chart, title=text("dimensions.chart.title", lang), lang=lang, kind="dimension_chart",
                  caption=caption_lines(r.attrs, lang, *notes, caption=caption))
