"""Shared pieces of the charts: the score colour scale, data records, node tables, titles and captions.

The chart modules build on these so every chart looks and reads the same: one colour scale for
scores (fixed domain [−3, 3], midpoint 0, Vega's colour-blind-safe ``blueorange``), one font, titles
and captions from the text catalogue, and the chart's language in ``usermeta`` for the exporters.

**Data and altair's 5,000-row limit.** Altair refuses a DataFrame of more than 5,000 rows (its
``MaxRowsError``, raised by the active data transformer when the chart is turned into a spec). The
charts send only what they draw — the scored cells, the strong links, one row per goal — but a
169-target matrix has 28,392 scored cells. So the chart functions never hand altair a DataFrame:
:func:`inline` serialises the rows to one JSON text, sent as inline values with
``format: {"type": "json"}``, which Vega-Lite parses in the browser (or in vl-convert). The data
transformer only acts on DataFrames, so the check does not apply to these rows, while the global
limit stays in force for everything else: we never call ``alt.data_transformers.disable_max_rows()``
(and a ``with``-block inside the function would not help: altair transforms data only later, when
the chart is displayed or saved). One text rather than a list of row objects also keeps altair fast:
it deep-copies a chart's data at every ``layer``/``concat``/``properties`` call and validates every
row against the schema in ``to_dict()`` — for 28,000 rows that cost half a minute; a string costs
nothing. Altair still moves the values to the spec's top-level ``datasets`` and references them by
name. Long texts (full target texts, scale names) are sent once per node and joined in the browser
with a ``lookup`` transform, so the spec stays small. :func:`rows_of` reads the rows back.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Iterable, Mapping
from pathlib import Path

import altair as alt
import numpy as np
import pandas as pd
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.errors import ValidationError, tr
from sdg_interactions.matrix import as_matrix, node_ids
from sdg_interactions.texts import check_lang, text

__all__ = [
    "DIAGONAL_COLOR",
    "FONT",
    "NEGATIVE_COLOR",
    "POSITIVE_COLOR",
    "SCORE_DOMAIN",
    "SCORE_SCHEME",
    "UNSCORED_COLOR",
    "caption_lines",
    "check",
    "finish",
    "fit_label",
    "inline",
    "label_expr",
    "name_of",
    "node_table",
    "records",
    "result_labels",
    "rows_of",
    "scale_table",
    "score_color",
    "score_legend",
    "score_scale",
    "shorten",
    "signed",
    "whole_axis",
    "without_source_line",
    "y_axis",
]

#: The fixed domain of the score colour scale, so charts compare across kommuner.
SCORE_DOMAIN = (-3, 3)
#: Vega's colour-blind-safe diverging scheme, reversed: blue promotes (+), orange hinders (−).
SCORE_SCHEME = "blueorange"
#: Colours of positive and negative links (the ends of the reversed ``blueorange`` scheme).
POSITIVE_COLOR = "#2f6fa8"
NEGATIVE_COLOR = "#d0701c"
#: Fonts of every chart (the first one installed is used).
FONT = "Helvetica Neue, Helvetica, Arial, DejaVu Sans, sans-serif"
UNSCORED_COLOR = "#cccccc"
DIAGONAL_COLOR = "#8c8c8c"


#: Short words a shortened label never ends on ("Stärk motståndskraften mot…" becomes "Stärk motståndskraften…").
_DANGLING = frozenset("och i av för mot med till på som om att en ett de det den samt eller inom vid från "
                      "hos under över genom and of the to in for by a an or on at with from into".split())
_TRAILING = " ,;:–—-/(&"


def shorten(label: str, limit: int = 48) -> str:
    """``label`` in at most ``limit`` characters, shortened at a word boundary with "…".

    A label that fits is returned whole (runs of spaces made one). A shortened one is a prefix of the
    label that ends where a word ends, without a trailing comma, dash or small word ("och", "mot", …),
    followed by "…" (a word ending in "-", the first half of "konsumtions- och produktions…", counts as
    small); a first word longer than ``limit`` is kept whole. The full label belongs in the
    tooltip and the report's table.

    Examples
    --------
    >>> shorten("13.1 Stärk motståndskraften mot och förmågan till anpassning", 30)
    '13.1 Stärk motståndskraften…'
    >>> shorten("1.5 Bygg motståndskraft mot ekonomiska, sociala och miljökatastrofer", 46)
    '1.5 Bygg motståndskraft mot ekonomiska…'
    >>> shorten("8.4 Resurseffektivitet", 48)
    '8.4 Resurseffektivitet'
    """
    label = " ".join(str(label).split())
    if len(label) <= limit:
        return label
    room = max(int(limit) - 1, 1)  # one character for "…"
    words = label[:room].split(" ")
    if label[room].isalnum():
        words = words[:-1]  # the last piece is a word cut in two: leave it out
    while len(words) > 1 and (not words[-1].strip(_TRAILING) or words[-1].lower().strip(_TRAILING) in _DANGLING
                              or words[-1].endswith("-")):  # "konsumtions- och produktion": not a whole word
        words.pop()
    shown = " ".join(words).rstrip(_TRAILING)
    if not shown:  # the first word alone is longer than the limit: keep it whole
        shown = label.split(" ")[0].rstrip(_TRAILING) or label.split(" ")[0]
    return shown + "…"


def fit_label(label: str, width: int = 40, lines: int = 2) -> list[str]:
    """``label`` wrapped at word boundaries into at most ``lines`` lines of about ``width`` characters; the
    last line shortened with :func:`shorten` when the label does not fit.

    Examples
    --------
    >>> fit_label("11.2 Tillgängliggör hållbara transportsystem för alla", 30)
    ['11.2 Tillgängliggör hållbara', 'transportsystem för alla']
    >>> fit_label("17.11 Öka utvecklingsländers export avsevärt, i synnerhet i syfte att fördubbla", 24)
    ['17.11 Öka', 'utvecklingsländers…']
    """
    parts = textwrap.wrap(" ".join(str(label).split()), width, break_long_words=False, break_on_hyphens=False)
    if len(parts) <= lines:
        return parts or [""]
    return [*parts[: lines - 1], shorten(" ".join(parts[lines - 1:]), width)]


def label_expr(lines: Mapping[str, list[str] | str]) -> str:
    """An axis ``labelExpr`` that shows each value as the given lines (a list draws one line each)."""
    return f"{json.dumps(dict(lines), ensure_ascii=False)}[datum.value] || datum.value"


def name_of(node: str, label: str, limit: int = 48) -> str:
    """A node's display name: id and short label, shortened at a word boundary (:func:`shorten`).

    Examples
    --------
    >>> name_of("17.11", "Öka utvecklingsländers export", 24)
    '17.11 Öka…'
    >>> name_of("8.4", "8.4"), name_of("8.4", "")
    ('8.4', '8.4')
    """
    if not label or label == node:
        return node
    return shorten(f"{node} {label}", limit)


def signed(value: float, lang: str, decimals: int = 2) -> str:
    """A score with its sign, as the report writes numbers (:func:`sdg_interactions.formats.number`).

    Examples
    --------
    >>> signed(2, "sv"), signed(-1.5, "sv"), signed(0, "en"), signed(-0.25, "en")
    ('+2', '−1,5', '0', '−0.25')
    """
    from sdg_interactions.formats import number

    shown = number(value, lang, decimals=decimals)
    return shown if shown.startswith("−") or shown == "0" else "+" + shown


def whole_axis(title: str | None = None, **kwargs) -> alt.Axis:
    """An axis of scores, sums of scores or counts: ticks only at whole numbers, written as integers in the
    chart's locale ("−3", "1 000"), never "2,5"."""
    if title is not None:
        kwargs["title"] = title
    return alt.Axis(tickMinStep=1, format=",d", **kwargs)


def score_scale() -> alt.Scale:
    """The colour scale of scores: domain [−3, 3], midpoint 0, ``blueorange`` reversed (+ blue, − orange)."""
    return alt.Scale(domain=list(SCORE_DOMAIN), domainMid=0, scheme=SCORE_SCHEME, reverse=True)


def score_legend(title: str, lang: str) -> alt.Legend:
    """A legend with the seven scale points, each with its name ("+3 odelbar", …)."""
    names = {str(k): f"{k:+d} {text(f'scale.{k}', lang).split(' (')[0]}".replace("+0", "0").replace("-", "−")
             for k in range(SCORE_DOMAIN[0], SCORE_DOMAIN[1] + 1)}
    return alt.Legend(title=title, values=list(range(SCORE_DOMAIN[0], SCORE_DOMAIN[1] + 1)),
                      labelExpr=f"{json.dumps(names, ensure_ascii=False)}[datum.value]",
                      gradientLength=180)


def score_color(field: str, title: str, lang: str) -> alt.Color:
    """The colour encoding of a score field on :func:`score_scale`."""
    return alt.Color(f"{field}:Q", scale=score_scale(), legend=score_legend(title, lang))


def y_axis(title: str, **kwargs) -> alt.Axis:
    """A left axis whose title stands horizontally above the labels, right-aligned to the axis line.

    Long node labels then never collide with a rotated title, whatever the renderer measures.
    """
    return alt.Axis(title=title, titleAngle=0, titleAlign="right", titleAnchor="start",
                    titleBaseline="bottom", titleX=-4, titleY=-8, **kwargs)


def records(frame: pd.DataFrame) -> list[dict]:
    """A DataFrame as JSON-ready records: numpy scalars become Python ones, NaN becomes ``None``, and a number
    within 1e-9 of 0 (float noise, or −0.0) becomes 0, so no chart or tooltip ever shows "−0".

    Examples
    --------
    >>> records(pd.DataFrame({"score": [-0.0, -1e-12, -0.5]}))
    [{'score': 0.0}, {'score': 0.0}, {'score': -0.5}]
    """
    rows = json.loads(frame.to_json(orient="records", force_ascii=False, double_precision=15))
    for row in rows:
        for key, value in row.items():
            if isinstance(value, float) and abs(value) < 1e-9:
                row[key] = 0.0
    return rows


def inline(rows: pd.DataFrame | list[dict]) -> alt.InlineData:
    """Rows as inline data: one JSON text that Vega-Lite parses (see the module docstring)."""
    values = records(rows) if isinstance(rows, pd.DataFrame) else list(rows)
    return alt.InlineData(values=json.dumps(values, ensure_ascii=False, separators=(",", ":")),
                          format=alt.DataFormat(type="json"))


def rows_of(spec: dict, name: str) -> list[dict]:
    """The rows of the dataset ``name`` of a chart's spec (``chart.to_dict()``), parsed back.

    Examples
    --------
    >>> chart = alt.Chart(inline([{"a": 1}, {"a": 2}])).mark_point()
    >>> spec = chart.to_dict()
    >>> rows_of(spec, spec["data"]["name"])
    [{'a': 1}, {'a': 2}]
    """
    values = spec["datasets"][name]
    return json.loads(values) if isinstance(values, str) else values


def scale_table(lang: str) -> list[dict]:
    """The seven scale points and their names, for a ``lookup`` on the rounded score."""
    return [{"step": k, "scale": text(f"scale.{k}", lang)}
            for k in range(SCORE_DOMAIN[0], SCORE_DOMAIN[1] + 1)]


def node_table(obj: xr.DataArray | xr.Dataset, lang: str) -> pd.DataFrame:
    """One row per node of a matrix: ``id``, ``label``, ``text``, ``group`` and ``name`` ("8.4 label").

    Labels and groups come from the matrix's coordinates (a user's own framework keeps its own), full
    texts from :func:`~sdg_interactions.frameworks.node_info` ("" where unknown).
    """
    da = as_matrix(obj)
    ids = node_ids(da)
    # a goal-level roll-up may hold groups that are no node ids (``MKM``): they label themselves
    known = [i for i in ids if frameworks.is_node_id(i)]
    info = frameworks.node_info(known).reindex(ids)
    info = info.fillna({c: "" for c in info.columns}).astype(str)
    own = info[f"label_{lang}"].where(info[f"label_{lang}"] != "", pd.Series(ids, index=info.index))
    label = _coord(da, f"source_label_{lang}", own.to_numpy())
    group = _coord(da, "source_group", info["group"].to_numpy())
    frame = pd.DataFrame({"id": ids, "label": label, "text": info[f"text_{lang}"].to_numpy(dtype=str),
                          "group": group})
    frame["name"] = [name_of(i, lab) for i, lab in zip(frame["id"], frame["label"], strict=True)]
    return frame


def _coord(da: xr.DataArray, name: str, fallback: np.ndarray) -> np.ndarray:
    values = da[name].to_numpy() if name in da.coords else fallback
    return np.asarray(values, dtype=str)


def result_labels(result: xr.Dataset, lang: str) -> pd.DataFrame:
    """The ``node``, ``label`` and ``name`` of a per-node result (labels from its coords or the catalogue)."""
    if "node" not in result.dims or set(result.dims) != {"node"}:
        extra = sorted(set(result.dims) - {"node"})
        raise ValidationError(tr("error.report.plots.one_matrix", extra=extra))
    ids = [str(v) for v in result["node"].to_numpy()]
    key = f"label_{lang}"
    if key in result.coords:
        labels = np.asarray(result[key].to_numpy(), dtype=str)
    else:
        labels = frameworks.node_info(ids)[key].to_numpy(dtype=str)
    return pd.DataFrame({"node": ids, "label": labels,
                         "name": [name_of(i, lab) for i, lab in zip(ids, labels, strict=True)]})


def caption_lines(attrs: Mapping | Iterable[Mapping], lang: str, *notes: str,
                  caption: str | None = None, width: int = 110) -> list[str]:
    """The caption under a chart's title: the source (``attrs["citation"]``, else a title) and notes.

    ``caption`` replaces the source line found in ``attrs``. Long lines are wrapped at ``width``.
    """
    sources = [attrs] if isinstance(attrs, Mapping) else list(attrs)
    citation = caption
    for item in sources:
        if citation:
            break
        if item.get("synthetic"):  # invented data: its title says so in the chart's language
            citation = item.get(f"title_{lang}") or item.get("citation")
            continue
        citation = (item.get(f"citation_{lang}") or item.get("citation") or item.get(f"title_{lang}")
                    or item.get("title"))
        if not citation and item.get("source_file"):  # a file by its name only, never a local path
            citation = Path(str(item["source_file"])).name
    source = textwrap.wrap(text("plots.caption.source", lang, citation=citation), width) if citation else []
    out = _Caption([*source, *(part for note in notes if note for part in textwrap.wrap(str(note), width))])
    out.source_lines = len(source)
    return out


class _Caption(list):
    """The caption's lines; ``source_lines`` of them (first) are the source line, wrapped."""

    source_lines = 0


def without_source_line(chart: alt.TopLevelMixin) -> alt.TopLevelMixin:
    """A copy of ``chart`` whose caption has no source line (:func:`caption_lines`' first lines, "Källa: …"),
    for a document that sets its own source line under the figure (the report's "Källa: …" caption)."""
    meta = chart.usermeta.get("sdg_interactions", {}) if isinstance(chart.usermeta, dict) else {}
    n = int(meta.get("source_lines", 0))
    subtitle = getattr(chart.title, "subtitle", alt.Undefined)
    if not n or subtitle is alt.Undefined:
        return chart
    copy = chart.copy(deep=True)
    kept = list(subtitle)[n:]
    copy.title = alt.TitleParams(**{**chart.title.to_dict(), "subtitle": kept or alt.Undefined})
    return copy


def finish(chart: alt.TopLevelMixin, *, title: str, caption: list[str], lang: str, kind: str):
    """Give a chart its title and caption, the shared look, and ``usermeta`` (chart kind and language)."""
    title_params = alt.TitleParams(text=title, subtitle=caption or alt.Undefined, anchor="start",
                                   fontSize=15, subtitleFontSize=11, subtitleColor="#555555", offset=10)
    from sdg_interactions.plots.export import format_locale

    meta = {"chart": kind, "lang": lang, "source_lines": getattr(caption, "source_lines", 0)}
    return chart.properties(title=title_params, usermeta={"sdg_interactions": meta}
                            ).configure(font=FONT, locale={"number": format_locale(lang)}
                            ).configure_axis(labelFontSize=10, titleFontSize=11
                            ).configure_legend(labelFontSize=10, titleFontSize=11
                            ).configure_view(stroke=None)


def check(lang: str) -> str:
    """Check the language (see :func:`~sdg_interactions.texts.check_lang`)."""
    return check_lang(lang)
