"""The 4 × 4 chart of the dimension roll-up (:func:`dimension_chart`): how biosfär, samhälle, ekonomi and
partnerskap promote and hinder each other."""

from __future__ import annotations

import altair as alt
import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions.analysis.dimensions import DIMENSION_SOURCE, check_rollup, dimension_rollup
from sdg_interactions.formats import number, word_list
from sdg_interactions.plots.base import UNSCORED_COLOR, caption_lines, check, finish, inline, score_color, y_axis
from sdg_interactions.texts import text

__all__ = ["dimension_cells", "dimension_chart"]

#: Most left-out ids the caption names; the rest are counted.
_LISTED = 8


def dimension_cells(rollup: xr.Dataset, lang: str = "sv") -> pd.DataFrame:
    """One row per cell of a dimension roll-up, rows (source) before columns (target), in the roll-up's order.

    Columns ``source``, ``target`` (dimension codes), ``source_label``, ``target_label`` (names in ``lang``),
    ``pos``, ``neg``, ``n_pos``, ``n_neg``, ``pairs``, ``mean`` (``(pos + neg) / pairs``, NaN without a
    scored pair) and the count labels ``label_pos`` ("+63") and ``label_neg`` ("−10"), written by
    :func:`sdg_interactions.formats.number`.

    Examples
    --------
    >>> from sdg_interactions.matrix import from_array
    >>> m = from_array(np.array([[np.nan, 2, -1], [1, np.nan, 3], [-2, 0, np.nan]]), ["6.1", "13.1", "8.1"])
    >>> cells = dimension_cells(dimension_rollup(m), "en")
    >>> cells[["target", "pos", "pairs", "mean", "label_pos", "label_neg"]].to_dict("records")[0]  # biosphere →
    {'target': 'biosphere', 'pos': 3.0, 'pairs': 2, 'mean': 1.5, 'label_pos': '+2', 'label_neg': '0'}
    >>> cells[["target_label", "mean", "label_neg"]].to_dict("records")[2]  # biosphere → economy: (−1 + 3) / 2
    {'target_label': 'economy', 'mean': 1.0, 'label_neg': '−1'}
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
    with np.errstate(invalid="ignore", divide="ignore"):
        frame["mean"] = np.where(frame["pairs"] > 0, (frame["pos"] + frame["neg"]) / frame["pairs"], np.nan)
    # a count with the sign of its kind ("+63", "−10"); none is "0", never "+0" or "−0"
    frame["label_pos"] = [("+" if n else "") + number(n, lang, decimals=0) for n in frame["n_pos"]]
    frame["label_neg"] = [("−" if n else "") + number(n, lang, decimals=0) for n in frame["n_neg"]]
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

    Colour: the mean score of the scored pairs from the row's dimension to the column's, ``(pos + neg) /
    pairs``, on the fixed score scale [−3, 3] of every heat map (a sum would grow with the number of targets
    and never compare across kommuner); a cell without scored pairs stays grey. Text: how many promoting
    (``+n_pos``) and hindering (``−n_neg``) interactions the cell holds, in the chart's locale. The
    tooltip adds the sums and the number of scored pairs.

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
    >>> [(c["source"], c["target"], c["label_pos"], c["label_neg"])
    ...  for c in rows_of(spec, spec["data"]["name"])][2]  # ekonomi → biosfär: 8.1 → 6.1 (−2) and 8.1 → 13.1 (0)
    ('economy', 'biosphere', '0', '−1')
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
               alt.Tooltip("mean:Q", title=text("dimensions.chart.legend", lang), format=".2~f"),
               alt.Tooltip("n_pos:Q", title=text("dimensions.chart.pos", lang), format=",d"),
               alt.Tooltip("n_neg:Q", title=text("dimensions.chart.neg", lang), format=",d"),
               alt.Tooltip("pos:Q", title=text("dimensions.chart.pos_sum", lang), format=",.2~f"),
               alt.Tooltip("neg:Q", title=text("dimensions.chart.neg_sum", lang), format=",.2~f"),
               alt.Tooltip("pairs:Q", title=text("dimensions.chart.pairs", lang), format=",d")]
    scored = cells[cells["pairs"] > 0]
    base = alt.Chart(inline(scored)).transform_calculate(
        description="datum.source_label + ' → ' + datum.target_label + ': ' + datum.label_pos + ', ' + "
                    "datum.label_neg")
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        x=x, y=y, color=score_color("mean", text("dimensions.chart.legend", lang), lang), tooltip=tooltip,
        description="description:N")
    ink = alt.condition("abs(datum.mean) >= 2", alt.value("white"), alt.value("#222222"))
    counts = [base.mark_text(fontSize=12, dy=dy).encode(x=x, y=y, text=alt.Text(f"{field}:N"), color=ink,
                                                         tooltip=tooltip, description="description:N")
              for field, dy in (("label_pos", -8), ("label_neg", 8))]
    chart = alt.layer(rect, *counts).properties(
        width=alt.Step(76), height=alt.Step(48), view=alt.ViewBackground(fill=UNSCORED_COLOR, stroke=None))
    notes = [text("dimensions.chart.caption", lang)]
    if (cells["pairs"] == 0).any():
        notes.append(text("dimensions.chart.empty", lang))
    notes.append(text("dimensions.chart.basis", lang, source=r.attrs.get("dimension_source", DIMENSION_SOURCE)))
    notes += _left_out_note(r.attrs, lang)
    return finish(chart, title=text("dimensions.chart.title", lang), lang=lang, kind="dimension_chart",
                  caption=caption_lines(r.attrs, lang, *notes, caption=caption))
