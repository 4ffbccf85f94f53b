"""What the apps show and how they talk back: text and HTML, charts, comments, errors a user caused.

Mostly plain functions from data to strings, so the views stay thin and each piece can be tested on its
own: numbers, node names, link lists, summaries, alt texts, charts (:func:`chart_html`), respondents'
comments (:func:`comments_of`), errors worded for users (:func:`user_error`, :func:`user_message`), the
scoring app's small pieces (:func:`scoring_error`, :func:`parse_key`, colours, :data:`SCORING_CSS`); and
two widget helpers, :class:`ShownLink`, a link that shows errors instead of raising them, and
:func:`stylesheet`, an app's own CSS in the page (no file, no network).

Every word comes from the text catalogue (``apps.*``) in ``lang``. Charts are rendered offline to
inline SVG (:func:`sdg_interactions.plots.to_svg`), never fetched from a CDN, and carry a text
alternative (``role="img"``, ``aria-label`` and ``<title>``) that says in words what the bars show; the
lists beside them give sign and strength as words and numbers, not by colour alone.
"""

from __future__ import annotations

import base64
import contextlib
import html
import itertools
import numbers
import re

import ipywidgets as widgets
import numpy as np
import pandas as pd
import traitlets
import xarray as xr

from sdg_interactions import formats, frameworks
from sdg_interactions.errors import SdgInteractionsError, UnknownIdError, ValidationError, Words, locate, tr
from sdg_interactions.matrix import node_ids
from sdg_interactions.texts import name_of, text
from sdg_interactions.ties import tied

__all__ = [
    "NAME_LIMIT",
    "SCORING_CSS",
    "ShownLink",
    "alt_text",
    "chart_html",
    "check_choice",
    "check_node",
    "check_threshold",
    "check_top",
    "comments_of",
    "contrast",
    "data_link",
    "error_html",
    "error_output",
    "labels_of",
    "links_html",
    "lists_html",
    "message",
    "node_box_html",
    "number",
    "option_values",
    "parse_key",
    "scoring_error",
    "signed",
    "stylesheet",
    "summary_text",
    "text_color",
    "user_message",
    "with_alt",
]

#: Longest node name in lists, dropdowns and alt texts before it is cut with "…".
NAME_LIMIT = 72
_KEY = re.compile(r"^[+-]?[0-3]$")
#: The scoring app's own CSS (scoped to ``.sdgi-scoring``): wrapping at 390 px; the overview scrolls in its
#: box, and a cell's ``title`` is in its accessible name (a clipped ``::after``), shown on keyboard focus.
SCORING_CSS = """
.sdgi-scoring, .sdgi-scoring .widget-box { max-width: 100%; min-width: 0; box-sizing: border-box; }
.sdgi-scoring .widget-inline-hbox { flex-wrap: wrap; max-width: 100%; min-width: 0; height: auto; }
.sdgi-scoring .widget-inline-hbox > .widget-label { white-space: normal; max-width: 100%; }
.sdgi-scoring .widget-inline-hbox > input, .sdgi-scoring .widget-inline-hbox > textarea { min-width: 8em; }
.sdgi-scoring .widget-html, .sdgi-scoring .widget-html-content { min-width: 0; max-width: 100%; height: auto;
  white-space: normal; overflow-wrap: anywhere; }
.sdgi-scoring .widget-html-content { line-height: 1.4; }
.sdgi-scoring .jupyter-button.sdgi-wrap { white-space: normal; height: auto; min-height: 2.2em;
  line-height: 1.3; padding-top: 0.3em; padding-bottom: 0.3em; max-width: 100%; }
.sdgi-scoring .widget-toggle-buttons .widget-toggle-button { width: auto; min-width: 6em; }
.sdgi-grid { max-width: 100%; overflow: auto; }
.sdgi-grid .sdgi-rowhead { position: sticky; left: 0; z-index: 2; background: #ffffff; padding-right: 0.3em; }
.sdgi-grid .widget-html { align-self: center; }
.sdgi-cell { position: relative; overflow: visible; }
.sdgi-cell::after { content: " " attr(title); position: absolute; left: 0; top: 0; width: 1px; height: 1px;
  overflow: hidden; clip-path: inset(50%); white-space: nowrap; }
.sdgi-cell:focus-visible::after { top: 100%; width: max-content; max-width: 16em; height: auto; clip-path: none;
  z-index: 10; white-space: normal; text-align: left; background: #ffffff; color: #000000; border: 1px solid #000000;
  padding: 0.2em 0.4em; font-weight: normal; line-height: 1.3; }
"""


#: The alert's colour: the charts' ``plots.base.NEGATIVE_COLOR``, written here so that an app showing an error
#: does not import altair (tests/test_scoring_view.py checks the two agree).
ALERT_COLOR = "#d0701c"

def number(value: float, lang: str) -> str:
    """A number as people write it (:func:`sdg_interactions.formats.number`): at most two decimals, a decimal
    comma in Swedish, "−" as minus, never "−0".

    Examples
    --------
    >>> number(1.5, "sv"), number(1.0, "en"), number(-0.3333, "sv"), number(-0.001, "sv")
    ('1,5', '1', '−0,33', '0')
    """
    return formats.number(value, lang, decimals=2)


def signed(value: float, lang: str) -> str:
    """A score with its sign: "+3", "−2", "+0,5" (Swedish) or "+0.5" (English).

    Examples
    --------
    >>> signed(3, "sv"), signed(-2.0, "sv"), signed(0.5, "en"), signed(0, "sv")
    ('+3', '−2', '+0.5', '0')
    """
    out = number(value, lang)
    return "+" + out if round(float(value), 2) > 0 else out


def comments_of(obj: xr.DataArray | xr.Dataset) -> xr.DataArray | None:
    """A matrix Dataset's comments as one ``(source, target)`` array of text, or None if it has none.

    Several respondents' comments on a cell are joined as ``"anna: …; bertil: …"``.

    Examples
    --------
    >>> ds = xr.Dataset({"comment": (("respondent", "source", "target"),
    ...                  [[["", "ja"], ["", ""]], [["", "nej"], ["x", ""]]])},
    ...                 coords={"respondent": ["a", "b"], "source": ["1.1", "1.2"], "target": ["1.1", "1.2"]})
    >>> comments_of(ds).values.tolist()
    [['', 'a: ja; b: nej'], ['b: x', '']]
    """
    if not isinstance(obj, xr.Dataset) or "comment" not in obj:
        return None
    comment = obj["comment"]
    lead = [d for d in comment.dims if d not in ("source", "target")]
    comment = comment.transpose(*lead, "source", "target")
    values = comment.to_numpy().astype(object)
    values = np.where(pd.isna(values), "", values).astype(str)
    if lead:
        names = [" / ".join(map(str, who)) for who in itertools.product(*(comment[d].to_numpy() for d in lead))]
        values = values.reshape(len(names), *values.shape[-2:])
        joined = np.full(values.shape[-2:], "", dtype=object)
        for name, answer in zip(names, values, strict=True):
            joined = np.where(answer == "", joined,
                              np.where(joined == "", "", joined + "; ") + name + ": " + answer.astype(object))
        values = joined.astype(str)
    if not (values != "").any():
        return None
    return xr.DataArray(values, dims=("source", "target"),
                        coords={"source": comment["source"].to_numpy(), "target": comment["target"].to_numpy()})


def labels_of(da: xr.DataArray, lang: str) -> dict[str, str]:
    """Each node's short label in ``lang``: the matrix's own coordinate, else the framework registry's.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> labels_of(toy_matrix(), "en")["1.3"]
    'Social protection'
    """
    ids = node_ids(da)
    key = f"source_label_{lang}"
    if key in da.coords:
        labels = [str(v) for v in da[key].to_numpy()]
    else:
        labels = [str(v) for v in frameworks.node_info(ids)[f"label_{lang}"]]
    return dict(zip(ids, labels, strict=True))


def _scale_words(score: float, lang: str) -> str:
    """The scale point of a score in words; for a mean (not a whole number), the nearest point."""
    nearest = int(np.clip(np.round(score), -3, 3))
    words = text(f"scale.{nearest}", lang)
    if tied(score, nearest):
        return words
    return text("apps.explorer.list.mean", lang, scale=words)


def links_html(rows: pd.DataFrame, *, heading: str, threshold: float, lang: str, positive: bool) -> str:
    """One list of links as HTML: a heading with the count, then one item per link, strongest first.

    Each item gives the signed score, the scale point in words, the other node's id and label and, when
    ``rows`` has a ``comment`` column, the respondents' comment. ``rows`` holds the columns of
    :func:`~sdg_interactions.apps.explorer.links_of` plus ``label``. A small colour mark repeats the sign
    for those who see colour; it is hidden from screen readers, which read the words.
    """
    from sdg_interactions.plots.base import NEGATIVE_COLOR, POSITIVE_COLOR  # altair: explorer only

    colour = POSITIVE_COLOR if positive else NEGATIVE_COLOR
    head = f"<h4 style='margin:0.4em 0'>{html.escape(heading)} ({len(rows)})</h4>"
    if rows.empty:
        none = text("apps.explorer.list.none", lang, threshold=number(threshold, lang))
        return f"<div>{head}<p><em>{html.escape(none)}</em></p></div>"
    items = []
    for row in rows.itertuples(index=False):
        mark = (f"<span aria-hidden='true' style='display:inline-block;width:0.8em;height:0.8em;"
                f"background:{colour};margin-right:0.3em'></span>")
        name = html.escape(name_of(row.other, row.label, limit=NAME_LIMIT))
        line = (f"{mark}<strong>{html.escape(signed(row.score, lang))}</strong> {name} "
                f"<span style='color:#555'>– {html.escape(_scale_words(row.score, lang))}</span>")
        comment = getattr(row, "comment", "")
        if isinstance(comment, str) and comment.strip():
            label = html.escape(text("apps.explorer.list.comment", lang))
            line += f"<br><small>{label}: “{html.escape(comment.strip())}”</small>"
        items.append(f"<li style='margin-bottom:0.3em'>{line}</li>")
    return f"<div>{head}<ol style='margin-top:0'>{''.join(items)}</ol></div>"


def lists_html(rows: pd.DataFrame, *, direction: str, threshold: float, lang: str) -> tuple[str, str]:
    """The two lists of :func:`links_html`: the promoting links and the hindering ones, headed for ``direction``."""
    return tuple(links_html(rows[rows["score"] > 0] if positive else rows[rows["score"] < 0],
                            heading=text(f"apps.explorer.heading.{kind}_{direction}", lang),
                            threshold=threshold, lang=lang, positive=positive)
                 for positive, kind in ((True, "promotes"), (False, "hinders")))


def summary_text(name: str, *, shown: int, total: int, threshold: float, lang: str) -> str:
    """One sentence on how many links are listed of how many pass the threshold.

    Examples
    --------
    >>> summary_text("7.2 Förnybar energi", shown=10, total=14, threshold=1, lang="sv")
    '7.2 Förnybar energi: de 10 starkaste av 14 samband med |poäng| ≥ 1, starkast först.'
    """
    values = {"node": name, "n": shown, "total": total, "threshold": number(threshold, lang)}
    key = "none" if total == 0 else "all" if shown == total else "shown"
    return text(f"apps.explorer.summary.{key}", lang, **values)


def alt_text(name: str, rows: pd.DataFrame, *, direction: str, threshold: float, lang: str) -> str:
    """The chart in words: what it shows, then each bar ("13.2 +3"), promoting first, then hindering.

    Examples
    --------
    >>> rows = pd.DataFrame({"other": ["1.3", "1.1"], "score": [3.0, -2.0]})
    >>> alt_text("1.2", rows, direction="out", threshold=1, lang="en")  # doctest: +ELLIPSIS
    'Bar chart of how 1.2 influences other targets: 2 links ... Promotes: 1.3 +3. Hinders: 1.1 −2.'
    """
    parts = [text(f"apps.explorer.chart.alt_{direction}", lang, node=name, n=len(rows),
                  threshold=number(threshold, lang))]
    for positive, kind in ((True, "promotes"), (False, "hinders")):
        part = rows[rows["score"] > 0] if positive else rows[rows["score"] < 0]
        if len(part):
            items = ", ".join(f"{o} {signed(s, lang)}" for o, s in zip(part["other"], part["score"], strict=True))
            parts.append(text("apps.explorer.chart.alt_part", lang,
                              heading=text(f"apps.explorer.heading.{kind}_{direction}", lang), items=items))
    return " ".join(parts)


def with_alt(svg: str, alt: str) -> str:
    """An SVG document with a text alternative: ``role="img"``, ``aria-label`` and a first ``<title>``.

    Examples
    --------
    >>> with_alt('<svg width="1"><rect/></svg>', 'A & B')
    '<svg role="img" aria-label="A &amp; B" width="1"><title>A &amp; B</title><rect/></svg>'
    """
    start = svg.index("<svg")
    end = svg.index(">", start)
    label = html.escape(alt, quote=True)
    opening = svg[start:end].replace("<svg", f'<svg role="img" aria-label="{label}"', 1)
    return f"{svg[:start]}{opening}><title>{label}</title>{svg[end + 1:]}"


def chart_html(matrix: xr.DataArray, rows: pd.DataFrame, node: str, *, direction: str, level: str,
               threshold: float, lang: str, comments: xr.DataArray | None = None) -> str:
    """The node's links as a bar chart in inline SVG with alt text; exactly the links of ``rows``.

    The chart is :func:`sdg_interactions.plots.radial` on ``matrix`` with every cell outside ``rows``
    blanked, so the bars and the lists always agree. Rendered offline with
    :func:`~sdg_interactions.plots.to_svg`; no network, no JavaScript.
    """
    from sdg_interactions.plots import radial, to_svg  # altair: imported when a chart is drawn, not by every app

    labels = labels_of(matrix, lang)
    name = name_of(node, labels.get(node, node), limit=NAME_LIMIT)
    if rows.empty:
        return f"<p><em>{html.escape(text('apps.explorer.chart.empty', lang))}</em></p>"
    keep = xr.zeros_like(matrix, dtype=bool)
    keep.loc[{"source": xr.DataArray(rows["source"].to_numpy()),
              "target": xr.DataArray(rows["target"].to_numpy())}] = True
    data: xr.DataArray | xr.Dataset = matrix.where(keep)
    if comments is not None:
        data = xr.Dataset({"score": data, "comment": comments.transpose("source", "target")}, attrs=matrix.attrs)
    chart = radial(data, node, direction=direction, lang=lang)
    if level == "goal":
        title = chart.title.to_dict() if hasattr(chart.title, "to_dict") else dict(chart.title)
        title["text"] = text(f"apps.explorer.chart.title_goal_{direction}", lang, node=node)
        chart = chart.properties(title=title)
    alt = alt_text(name, rows, direction=direction, threshold=threshold, lang=lang)
    return f"<div style='overflow-x:auto'>{with_alt(to_svg(chart), alt)}</div>"


def user_error(kind: type[SdgInteractionsError], key: str, value: object, **fields: object) -> SdgInteractionsError:
    """An error a user caused: worded with :func:`~sdg_interactions.errors.locate` from the catalogue's
    ``apps.error.<key>`` and ``apps.valid.<key>`` (``str`` is the English, ``words(lang)`` the user's
    language), and carrying ``text_key``, ``text_value`` and ``text_fields`` so an app can word it again
    in its own form (:func:`user_message`).

    Examples
    --------
    >>> str(user_error(ValidationError, "top", 0))
    "the number of links to show is too small: '0'. Valid: a whole number of 1 or more, e.g. 10."
    """
    exc = kind(locate(tr(f"apps.error.{key}"), value=value, valid=tr(f"apps.valid.{key}", **fields)))
    exc.text_key, exc.text_value, exc.text_fields = key, value, fields
    return exc


def check_threshold(threshold: object) -> float:
    """The minimum ``|score|`` as a float, if it is a number from 0 to 3; else :class:`ValidationError`."""
    if isinstance(threshold, bool) or not isinstance(threshold, numbers.Real) or not 0 <= float(threshold) <= 3:
        raise user_error(ValidationError, "threshold", threshold)
    return float(threshold)


def check_top(top: object) -> int | None:
    """The number of links to keep, if it is a whole number ≥ 1 (or None: all); else :class:`ValidationError`."""
    if top is None:
        return None
    if isinstance(top, bool) or not isinstance(top, numbers.Integral) or top < 1:
        raise user_error(ValidationError, "top", top)
    return int(top)


def check_choice(value: object, key: str, valid: tuple[str, ...]) -> str:
    """``value`` if it is one of ``valid``; else :class:`ValidationError` worded from ``apps.error.<key>``."""
    if value not in valid:
        raise user_error(ValidationError, key, value)
    return str(value)


def check_node(node: object, ids: list[str]) -> str:
    """``node`` if it is one of ``ids``; else :class:`UnknownIdError` naming the first few."""
    if node not in ids:
        raise user_error(UnknownIdError, "node", node, ids=", ".join(ids[:8]) + (" …" if len(ids) > 8 else ""))
    return str(node)


def user_message(exc: BaseException, lang: str) -> str:
    """An error as the user should read it, in ``lang``.

    Errors of :func:`user_error` carry their catalogue key, value and
    fields and are worded anew in ``lang``; the library's other errors are said in ``lang`` where they were
    raised with the catalogue's words (:meth:`~sdg_interactions.errors.SdgInteractionsError.words`);
    anything else (a bug) names its type, so it is reported rather than lost.

    Examples
    --------
    >>> user_message(KeyError("x"), "sv")
    "Något gick fel (KeyError): 'x'"
    """
    key = getattr(exc, "text_key", None)
    if key is not None:
        fields = getattr(exc, "text_fields", {})
        value = getattr(exc, "text_value", None)
        shown = number(value, lang) if isinstance(value, numbers.Real) and not isinstance(value, bool) else repr(value)
        return text("apps.error.template", lang, problem=text(f"apps.error.{key}", lang).capitalize(),
                    value=shown, valid=text(f"apps.valid.{key}", lang, **fields))
    if isinstance(exc, SdgInteractionsError):
        return exc.words(lang)  # in lang where it was raised with the catalogue's words (errors.tr)
    return text("apps.error.unexpected", lang, kind=type(exc).__name__, message=str(exc))


def scoring_error(key: str, *, value: object = None, **fields: object) -> ValidationError:
    """A :class:`ValidationError` worded from ``scoring.error.<key>`` (in both languages), carrying the key
    and fields so the app can word it again without the value (:func:`message`). A field may be
    :class:`~sdg_interactions.errors.Words` (:func:`~sdg_interactions.errors.words_of` another error): it is
    said in the same language."""
    exc = ValidationError(locate(tr(f"scoring.error.{key}", **fields), value=value))
    exc.scoring_key, exc.scoring_fields = key, fields
    return exc


def message(exc: BaseException, lang: str) -> str:
    """An error as a participant should read it, in ``lang`` (see :func:`user_message` for others)."""
    key = getattr(exc, "scoring_key", None)
    if key is not None:
        fields = {name: value.say(lang) if isinstance(value, Words) else value
                  for name, value in getattr(exc, "scoring_fields", {}).items()}
        return text(f"scoring.error.{key}", lang, **fields) + "."
    return user_message(exc, lang)


def parse_key(value: str) -> int | None:
    """The score typed in the keyboard field: an int, None while incomplete ("", "-"), ValueError otherwise.

    Examples
    --------
    >>> parse_key("-2"), parse_key("−3"), parse_key("+1"), parse_key("-"), parse_key(" 0 ")
    (-2, -3, 1, None, 0)
    """
    typed = value.strip().replace("−", "-").replace("–", "-")
    if typed in ("", "-", "+"):
        return None
    if not _KEY.match(typed):
        raise ValueError(value)
    return int(typed)


def error_html(message: str, *, note: str = "") -> str:
    """An error message as an HTML alert (``role="alert"``, so screen readers announce it)."""
    extra = f"<br>{html.escape(note)}" if note else ""
    return (f"<div role='alert' style='border-left:4px solid {ALERT_COLOR};padding:0.3em 0.6em;"
            f"background:#fff4ea'>⚠ {html.escape(message)}{extra}</div>")


def error_output(message: str, *, note: str = "") -> dict:
    """An error as one output of an :class:`ipywidgets.Output` (HTML alert and plain text)."""
    return {"output_type": "display_data", "metadata": {},
            "data": {"text/plain": f"{message} {note}".strip(), "text/html": error_html(message, note=note)}}


def stylesheet(css: str) -> widgets.HTML:
    """An invisible HTML widget holding ``css`` in a ``<style>`` element: the page applies it while the
    widget is shown. Scope the rules to the app's own classes (``widget.add_class``) so other apps on the
    page keep their look.

    Examples
    --------
    >>> stylesheet(".x { color: red; }").value
    '<style>.x { color: red; }</style>'
    """
    if "</" in css:
        raise ValueError("CSS must not close its <style> element")
    return widgets.HTML(f"<style>{css}</style>", layout=widgets.Layout(display="none"))


def _luminance(colour: str) -> float:
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
           for c in (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """The WCAG contrast ratio of two ``#rrggbb`` colours, 1 … 21 (black on white is 21)."""
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def text_color(background: str) -> str:
    """Black or white, whichever contrasts more with ``background``."""
    return max(("#000000", "#ffffff"), key=lambda c: contrast(c, background))


def data_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An HTML download link holding ``data`` in a ``data:`` URI (works on Binder and offline).

    Examples
    --------
    >>> data_link(b"a,b", "x.csv", "text/csv", "CSV")
    '<a download="x.csv" href="data:text/csv;base64,YSxi" target="_blank">CSV</a>'
    """
    encoded = base64.b64encode(data).decode("ascii")
    return (f'<a download="{html.escape(filename)}" href="data:{mime};base64,{encoded}" '
            f'target="_blank">{html.escape(label)}</a>')


def node_box_html(node: str, info, heading: str, lang: str) -> str:
    """A node in a box: ``heading`` (e.g. "Från"), its id and short label, and its full text if it differs."""
    label, full = str(info[f"label_{lang}"]), str(info[f"text_{lang}"])
    body = f"<p style='margin:0.2em 0'>{html.escape(full)}</p>" if full and full != label else ""
    return (f"<div style='border:1px solid #767676;border-radius:4px;padding:0.4em 0.7em;margin:0.2em 0'>"
            f"<div style='color:#444'>{html.escape(heading)}</div>"
            f"<div style='font-size:1.1em'><strong>{html.escape(node)}</strong> {html.escape(label)}</div>{body}</div>")


def option_values(widget: widgets.Widget) -> list:
    """The values of a selection widget's options (given as ``(label, value)`` pairs or plain values)."""
    return [option[1] if isinstance(option, tuple) else option for option in widget.options]


class ShownLink(traitlets.link):
    """A :class:`traitlets.link` from a model trait to a widget's ``value`` that shows errors, not raises them.

    Widget → model: an error is handed to ``report`` and the widget gets the model's value back.
    Model → widget: a value the widget's options lack yet waits (the view sets new options first).
    """

    def __init__(self, model_trait: tuple, widget_trait: tuple, report) -> None:
        self._report = report
        super().__init__(model_trait, widget_trait)

    @contextlib.contextmanager
    def paused(self):
        """Stop updates both ways inside the block."""
        before, self.updating = self.updating, True
        try:
            yield
        finally:
            self.updating = before

    def _update_target(self, change) -> None:
        widget = self.target[0]
        if hasattr(widget, "options") and change.new not in option_values(widget):
            return
        super()._update_target(change)

    def _update_source(self, change) -> None:
        if self.updating:
            return
        try:
            super()._update_source(change)
        except Exception as exc:  # shown in the app's Output: a callback's error would vanish in JupyterLab
            kept = getattr(*self.source)
            self._report(exc, kept=None if kept == change.new else kept)
            with self._busy_updating():
                setattr(*self.target, kept)
