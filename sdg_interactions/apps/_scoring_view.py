"""The scoring app's view (:class:`ScoringApp`) and the small pure pieces it shows: colours, key parsing, links.

:class:`ScoringApp` is a ``VBox`` with three screens — start (pseudonym, code), pair (one pair, seven
score buttons, comment, uncertain, keyboard field, moves) and overview (a grid of the respondent's
pairs) — and a footer with the download. It only wires widgets to a
:class:`~sdg_interactions.apps.scoring.ScoringModel`; every error a callback meets is shown in the
``Output`` in the model's language, never raised into the void.

**Colours.** The seven buttons use the package's score scale: Vega's colour-blind-safe ``blueorange``,
reversed, domain [−3, 3] (:data:`SCORE_COLORS`, the colours Vega draws for −3 … 3), with black or white
text, whichever contrasts more (at least 4.5:1, WCAG AA). Colour is never the only cue: each button
carries its number and the scale's words, and the chosen one a ✓, bold text and a thick border.

The keyboard field is described in :mod:`sdg_interactions.apps.scoring`.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import html
import logging
import re
import tempfile

import ipywidgets as widgets

from sdg_interactions import frameworks
from sdg_interactions.apps import _render
from sdg_interactions.errors import SdgInteractionsError, ValidationError, locate
from sdg_interactions.texts import scale_label, text

__all__ = ["SCORES", "SCORE_COLORS", "ScoringApp", "contrast", "data_link", "message", "parse_key", "scoring_error",
           "signed", "text_color"]

#: The scale's points.
SCORES = tuple(range(-3, 4))
#: The colour of each score: Vega's ``blueorange`` reversed on [−3, 3] (+ blue, − orange), as charts draw it.
SCORE_COLORS = {-3: "#994a07", -2: "#dc8524", -1: "#fbca8b", 0: "#f2f0eb", 1: "#afd3e6", 2: "#4e94c3", 3: "#134b85"}
_BLANK = "#ffffff"
#: Seconds an Enter waits for its field's value: the browser sends Enter before the value it commits.
ENTER_WAIT = 0.3
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_KEY = re.compile(r"^[+-]?[0-3]$")
_log = logging.getLogger(__name__)


def scoring_error(key: str, *, value: object = None, **fields: object) -> ValidationError:
    """A :class:`ValidationError` worded from ``scoring.error.<key>`` (English), carrying the key and fields
    so the app can word it again in Swedish (:func:`message`)."""
    exc = ValidationError(locate(text(f"scoring.error.{key}", "en", **fields), value=value))
    exc.scoring_key, exc.scoring_fields = key, fields
    return exc


def message(exc: BaseException, lang: str) -> str:
    """An error as a participant should read it, in ``lang`` (see :func:`_render.user_message` for others)."""
    key = getattr(exc, "scoring_key", None)
    if key is not None:
        return text(f"scoring.error.{key}", lang, **getattr(exc, "scoring_fields", {})) + "."
    return _render.user_message(exc, lang)


def signed(score: int | None) -> str:
    """A score as shown on buttons and cells: "+2", "−1", "0"; "" for none.

    Examples
    --------
    >>> [signed(s) for s in (-2, 0, 3, None)]
    ['−2', '0', '+3', '']
    """
    if score is None:
        return ""
    return "0" if score == 0 else f"{score:+d}".replace("-", "−")


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


def _node_html(node: str, info, heading: str, lang: str) -> str:
    label, full = str(info[f"label_{lang}"]), str(info[f"text_{lang}"])
    body = f"<p style='margin:0.2em 0'>{html.escape(full)}</p>" if full and full != label else ""
    return (f"<div style='border:1px solid #767676;border-radius:4px;padding:0.4em 0.7em;margin:0.2em 0'>"
            f"<div style='color:#444'>{html.escape(heading)}</div>"
            f"<div style='font-size:1.1em'><strong>{html.escape(node)}</strong> {html.escape(label)}</div>{body}</div>")


def _kind(node: str, lang: str) -> str:
    return text(f"scoring.kind.{'sdg_target' if frameworks.framework_of(node) == 'sdg_target' else 'other'}", lang)


class ScoringApp(widgets.VBox):
    """The scoring app's view: start, pair and overview screens over a ScoringModel (module docstring).

    Parameters
    ----------
    model : ScoringModel
        The state to show and change.
    """

    def __init__(self, model, **kwargs) -> None:
        super().__init__(**kwargs)
        self._model = model
        self._quiet = False
        self._cells: dict[tuple[str, str], widgets.Button] = {}
        self._painted: int | None = None
        self._info = None
        self._welcome: str | None = None
        self._enter: dict[widgets.Widget, bool] = {}
        self._current = "start"
        wide, full = {"description_width": "initial"}, widgets.Layout(width="min(100%, 34em)")
        button = widgets.Button
        (self._intro, self._note, self._heading, self._question, self._scale, self._status, self._keys_help,
         self._overview_title, self._overview_help, self._links) = (widgets.HTML() for _ in range(10))
        self._lang = widgets.ToggleButtons(options=[("Svenska", "sv"), ("English", "en")], value=model.lang,
                                           style=wide)
        self._errors = widgets.Output()
        self._pseudonym = widgets.Text(continuous_update=False, style=wide, layout=full)
        self._code = widgets.Text(continuous_update=False, style=wide, layout=widgets.Layout(width="min(100%, 20em)"))
        self._bar = widgets.IntProgress(min=0, layout=widgets.Layout(width="min(100%, 34em)"))
        self._source, self._target = (widgets.HTML(layout=widgets.Layout(flex="1 1 20em")) for _ in range(2))
        self._buttons = {s: button(layout=widgets.Layout(width="min(100%, 30em)", height="auto", margin="2px 0"))
                         for s in reversed(SCORES)}
        self._comment = widgets.Textarea(continuous_update=False, layout=full, style=wide)
        self._uncertain = widgets.Checkbox(indent=False)
        self._keys = widgets.Text(continuous_update=False, style=wide, layout=widgets.Layout(width="20em"))
        self._back, self._skip, self._unscored, self._clear, self._to_overview = (button() for _ in range(5))
        self._join, self._retry = button(button_style="primary"), button(button_style="warning")
        self._next, self._from_overview = button(button_style="info"), button(button_style="info")
        self._grid = widgets.GridBox(layout=widgets.Layout(grid_gap="2px", overflow="auto"))
        self._download = button(icon="download", layout=widgets.Layout(width="max-content"))
        self._start_screen = widgets.VBox([self._intro, self._pseudonym, self._code, self._join])
        moves = widgets.HBox([self._back, self._skip, self._next, self._unscored],
                             layout=widgets.Layout(flex_flow="row wrap"))
        self._pair_screen = widgets.VBox([
            self._heading, self._bar, self._question,
            widgets.HBox([self._source, self._target], layout=widgets.Layout(flex_flow="row wrap")),
            self._scale, widgets.VBox(list(self._buttons.values())), widgets.HBox([self._status, self._retry]),
            self._comment, self._uncertain, widgets.HBox([self._keys, self._keys_help]), moves,
            widgets.HBox([self._clear, self._to_overview], layout=widgets.Layout(flex_flow="row wrap"))])
        self._overview_screen = widgets.VBox([self._overview_title, self._overview_help, self._grid,
                                              self._from_overview])
        self._footer = widgets.VBox([widgets.HTML("<hr>"), self._download, self._links])
        self._wire()
        self._relabel()
        try:
            model.workshop()
        except Exception as exc:  # not a workshop folder: say so on the start screen
            self._join.disabled = True
            self._report(exc)
        else:
            self._pseudonym.value = model.suggestion()
        self._screen("pair" if model.joined else "start")

    model = property(lambda self: self._model, doc="The ScoringModel this view shows.")

    def close(self) -> None:
        """Close the respondent's journal (its lock goes, every answer is on disk already), then the widget."""
        self._model.close()
        super().close()

    @property
    def screen(self) -> str:
        """The screen shown: ``"start"``, ``"pair"`` or ``"overview"``."""
        return self._current

    @property
    def controls(self) -> dict[str, widgets.Widget]:
        """The input widgets by name (set ``.value`` or ``.click()`` as a user would)."""
        return {"lang": self._lang, "pseudonym": self._pseudonym, "code": self._code, "join": self._join,
                "comment": self._comment, "uncertain": self._uncertain, "keys": self._keys, "back": self._back,
                "skip": self._skip, "next": self._next, "next_unscored": self._unscored, "clear": self._clear,
                "retry": self._retry, "overview": self._to_overview, "overview_back": self._from_overview,
                "download": self._download}

    @property
    def score_buttons(self) -> dict[int, widgets.Button]:
        """The seven score buttons by score."""
        return dict(self._buttons)

    @property
    def overview_cells(self) -> dict[tuple[str, str], widgets.Button]:
        """The overview's cell buttons by ``(source, target)`` (made when the overview is first shown)."""
        return dict(self._cells)

    @property
    def displays(self) -> dict[str, widgets.Widget]:
        """The output widgets by name (HTML; ``progress`` an IntProgress, ``errors`` an Output)."""
        return {"status": self._status, "heading": self._heading, "question": self._question,
                "source": self._source, "target": self._target, "progress": self._bar, "note": self._note,
                "keys_help": self._keys_help, "links": self._links, "errors": self._errors}

    def _wire(self) -> None:
        model = self._model
        self._lang.observe(lambda c: self._quiet or self._act(lambda: setattr(model, "lang", c.new), focus=False),
                           "value")
        self._join.on_click(lambda _: self._on_join())
        for widget in (self._code, self._keys):  # Enter: see the module docstring
            widget.on_msg(lambda w, content, _: self._entered(w) if content.get("event") == "submit" else None)
        self._code.observe(lambda _: self._enter.pop(self._code, None) and self._on_join(), "value")
        for score, widget in self._buttons.items():
            widget.on_click(lambda _, s=score: self._act(lambda: model.answer(
                s, comment=self._comment.value, uncertain=self._uncertain.value)))
        for widget in (self._comment, self._uncertain):
            widget.observe(self._edited, "value")
        self._keys.observe(self._typed, "value")
        for widget, action in ((self._back, model.back), (self._skip, model.skip), (self._next, model.next),
                               (self._unscored, model.next_unscored), (self._clear, model.clear),
                               (self._retry, model.save)):
            widget.on_click(lambda _, a=action: self._act(a))
        self._to_overview.on_click(lambda _: self._act(lambda: (model.save(), self._screen("overview")), focus=False))
        self._from_overview.on_click(lambda _: self._screen("pair"))
        self._download.on_click(lambda _: self._offer_download())
        model.observe(self._changed, ["position", "score", "comment", "uncertain", "saved", "answered"])
        model.observe(lambda _: self._relabel(), "lang")

    def _act(self, action, *, focus: bool = True) -> bool:
        """Run a model action; show its error (the answer stays on screen), else clear the messages."""
        try:
            action()
        except Exception as exc:  # shown in the app: a callback's error would vanish in the browser
            self._report(exc)
            self._render()
            return False
        self._errors.outputs = ()
        self._note.value = self._position_note()
        if focus and self._current == "pair":
            self._keys.focus()
        return True

    def _report(self, exc: BaseException) -> None:
        lang = self._model.lang
        if not isinstance(exc, SdgInteractionsError):
            _log.warning("scoring app: error", exc_info=exc)
        shown = message(exc, lang)
        if not self._model.saved and getattr(exc, "scoring_key", None) is None:
            reason = str(exc) if isinstance(exc, SdgInteractionsError) else f"{type(exc).__name__}: {exc}"
            shown = text("scoring.error.not_saved", lang, reason=reason.rstrip(".")) + "."
        self._errors.outputs = (_render.error_output(shown),)

    def _on_join(self) -> None:
        model = self._model
        if self._act(lambda: model.join(self._pseudonym.value, self._code.value)):
            self._welcome = "welcome_back" if model.resumed else "welcome_new"
            self._screen("pair")
            self._render()
            self._note.value = self._position_note()
            self._keys.focus()

    def _edited(self, change) -> None:
        if self._quiet or not self._model.joined:
            return
        name = "comment" if change.owner is self._comment else "uncertain"
        if getattr(self._model, name) != change.new:
            self._act(lambda: self._model.answer(self._model.score, **{name: change.new}), focus=False)

    def _entered(self, widget) -> None:
        """Enter in ``widget``: act when its value arrives, or after :data:`ENTER_WAIT` if it is unchanged."""
        self._enter[widget] = True
        self._later(lambda: self._enter.pop(widget, None) and (
            self._on_join() if widget is self._code else self._act(self._model.next)))

    def _later(self, action) -> None:
        try:
            asyncio.get_running_loop().call_later(ENTER_WAIT, action)
        except RuntimeError:  # no event loop (a script): run it now
            action()

    def _typed(self, change) -> None:
        if self._quiet or not change.new or not self._model.joined:
            return
        enter = self._enter.pop(self._keys, None)
        try:
            score = parse_key(change.new)
        except ValueError:
            score = self._errors.outputs = (_render.error_output(self._say("pair.keys_bad")),)
        with self._silent():
            self._keys.value = ""
        if isinstance(score, int) and self._act(lambda: self._model.answer(
                score, comment=self._comment.value, uncertain=self._uncertain.value)) and enter:
            self._act(self._model.next)

    @contextlib.contextmanager
    def _silent(self):
        before, self._quiet = self._quiet, True
        try:
            yield
        finally:
            self._quiet = before

    def _screen(self, name: str) -> None:
        self._current = name
        if name == "overview":
            self._build_grid()
        body = {"start": self._start_screen, "pair": self._pair_screen, "overview": self._overview_screen}[name]
        footer = [self._footer] if name != "start" else []
        self.children = [self._lang, self._errors, self._note, body, *footer]

    def _say(self, name: str, /, **values) -> str:
        return text(f"scoring.{name}", self._model.lang, **values)

    def _relabel(self) -> None:
        """Every text in the model's language."""
        model, say = self._model, self._say
        with self._silent():
            self._lang.value = model.lang
        self._lang.description = say("start.language")
        self._intro.value = (f"<p>{html.escape(say('start.intro'))}</p>"
                             f"<p><small>{html.escape(say('start.pseudonym_help'))}</small></p>")
        self._pseudonym.description = say("start.pseudonym")
        self._code.description, self._code.placeholder = say("start.code"), say("start.code_help")
        self._join.description = say("start.join")
        self._scale.value = f"<strong>{html.escape(say('pair.scale'))}</strong>"
        self._comment.description, self._comment.placeholder = say("pair.comment"), say("pair.comment_placeholder")
        self._uncertain.description = say("pair.uncertain")
        self._keys.description, self._keys.placeholder = say("pair.keys"), say("pair.keys_placeholder")
        self._keys_help.value = f"<small>{html.escape(say('pair.keys_help'))}</small>"
        for widget, key in ((self._back, "pair.back"), (self._skip, "pair.skip"), (self._next, "pair.next"),
                            (self._unscored, "pair.next_unscored"), (self._clear, "pair.clear"),
                            (self._retry, "pair.retry"), (self._to_overview, "pair.overview"),
                            (self._from_overview, "overview.back"), (self._download, "download.button")):
            widget.description = say(key)
        self._overview_title.value = f"<h4 style='margin:0.3em 0'>{html.escape(say('overview.title'))}</h4>"
        self._overview_help.value = f"<p><small>{html.escape(say('overview.help'))}</small></p>"
        self._links.value = ""
        if model.joined:
            self._render()
            self._note.value = self._position_note()
            for index in range(len(model.pairs)):
                self._paint_cell(index)

    def _position_note(self) -> str:
        model, words = self._model, ""
        n = len(model.pairs)
        if self._welcome:
            words, self._welcome = self._say(f"start.{self._welcome}", name=model.respondent, n=n,
                                             answered=model.answered), None
        elif model.joined and model.answered == n:
            words = self._say("pair.all_done", n=n)
        elif model.joined and model.position == n - 1:
            words = self._say("pair.last")
        return f"<p role='status'><em>{html.escape(words)}</em></p>" if words else ""

    def _changed(self, change) -> None:
        """The model changed: redraw, and never let a drawing error escape into the model's action."""
        try:
            self._render()
        except Exception as exc:  # pragma: no cover - a bug in drawing must not stop an answer being saved
            self._report(exc)

    def _render(self) -> None:
        """Show the pair on screen, the current answer, its saved state and the progress."""
        model = self._model
        if not model.joined:
            return
        self._info = self._info if self._info is not None else frameworks.node_info(model.workshop()[1].nodes)
        lang, (source, target) = model.lang, model.pair
        n = len(model.pairs)
        heading = (f"{self._say('pair.heading', k=model.position + 1, n=n)} · "
                   f"{self._say('pair.progress', answered=model.answered, n=n)}")
        self._heading.value = f"<h4 style='margin:0.3em 0'>{html.escape(heading)}</h4>"
        self._bar.max, self._bar.value = n, model.answered
        question = self._say("pair.question", kind_source=_kind(source, lang), source=source,
                             kind_target=_kind(target, lang), target=target)
        self._question.value = f"<p style='font-size:1.15em'><strong>{html.escape(question)}</strong></p>"
        self._source.value = _node_html(source, self._info.loc[source], self._say("pair.from"), lang)
        self._target.value = _node_html(target, self._info.loc[target], self._say("pair.to"), lang)
        for score, widget in self._buttons.items():
            chosen = model.score == score
            words = scale_label(score, lang)
            mark = f"✓ {signed(score)} {words} – {self._say('pair.chosen')}" if chosen else f"{signed(score)} {words}"
            widget.description = mark
            widget.tooltip = self._say("pair.key_tooltip", words=words, digit=str(score))
            widget.style.button_color = SCORE_COLORS[score]
            widget.style.text_color = text_color(SCORE_COLORS[score])
            widget.style.font_weight = "bold" if chosen else "normal"
            widget.layout.border = "4px solid #000000" if chosen else "1px solid #767676"
        with self._silent():
            self._comment.value, self._uncertain.value = model.comment, model.uncertain
        recorded = model.recorded()
        key = ("unsaved" if not model.saved else "blank" if recorded is None
               else "skipped" if recorded.score is None else "saved")
        self._status.value = (f"<div role='status' aria-live='polite' style='padding:0.3em 0.5em'>"
                              f"{html.escape(self._say('status.' + key))}</div>")
        self._retry.layout.display = None if not model.saved else "none"
        self._back.disabled = model.position == 0
        self._next.disabled = model.position == n - 1
        if self._cells:
            for index in {self._painted, model.position} - {None}:
                self._paint_cell(index)
        self._painted = model.position

    def _build_grid(self) -> None:
        model = self._model
        if not self._cells and model.joined:
            self._make_cells()
        for index in range(len(model.pairs)):
            self._paint_cell(index)

    def _make_cells(self) -> None:
        model = self._model
        nodes = model.workshop()[1].nodes
        rows = {v: i + 2 for i, v in enumerate(v for v in nodes if any(s == v for s, _ in model.pairs))}
        columns = {v: j + 2 for j, v in enumerate(v for v in nodes if any(t == v for _, t in model.pairs))}
        cell = "3.6em"
        self._grid.layout.grid_template_columns = f"max-content repeat({len(columns)}, {cell})"
        heads = [(self._say("overview.corner"), 1, 1)] + [(t, 1, j) for t, j in columns.items()]
        children = [widgets.HTML(f"<strong>{html.escape(name)}</strong>", layout=widgets.Layout(
            grid_area=f"{i} / {j}")) for name, i, j in heads + [(s, i, 1) for s, i in rows.items()]]
        for index, (source, target) in enumerate(model.pairs):
            widget = widgets.Button(layout=widgets.Layout(width=cell, height="2.2em", padding="0",
                                                          grid_area=f"{rows[source]} / {columns[target]}"))
            widget.on_click(lambda _, i=index: self._open(i))
            self._cells[(source, target)] = widget
            children.append(widget)
        self._grid.children = children

    def _paint_cell(self, index: int) -> None:
        model = self._model
        if (widget := self._cells.get(model.pairs[index])) is None:
            return
        answer = model.recorded(index)
        score = None if answer is None else answer.score
        mark = "?" if answer is not None and answer.uncertain else ""
        colour = SCORE_COLORS[score] if score is not None else _BLANK
        source, target = model.pairs[index]
        words = (f"{signed(score)} {scale_label(score, model.lang)}" if score is not None
                 else self._say("overview.unanswered"))
        widget.description = f"{signed(score)}{mark}"
        widget.tooltip = self._say("overview.cell", source=source, target=target, answer=words)
        widget.style.button_color, widget.style.text_color = colour, text_color(colour)
        widget.layout.border = "3px solid #000000" if index == model.position else "1px solid #767676"

    def _open(self, index: int) -> None:
        if self._act(lambda: self._model.go(index), focus=False):
            self._screen("pair")
            self._keys.focus()

    def _offer_download(self) -> None:
        model, say = self._model, self._say

        def make() -> None:
            model.save()
            if not model.answers:
                self._links.value = f"<p>{html.escape(say('download.none'))}</p>"
                return
            with tempfile.TemporaryDirectory() as scratch:
                paths = model.export(scratch)
                links = [data_link(paths[kind].read_bytes(), paths[kind].name, mime, say(f"download.{label}"))
                         for kind, mime, label in (("csv", "text/csv", "csv"), ("xlsx", _XLSX, "excel"))]
            self._links.value = f"<p>{html.escape(say('download.ready', n=model.answered))} {' · '.join(links)}</p>"

        self._links.value = ""
        self._act(make, focus=False)
