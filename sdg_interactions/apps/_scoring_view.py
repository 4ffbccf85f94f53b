"""The scoring app's view (:class:`ScoringApp`); its small pure pieces are in :mod:`._render` (re-exported).

:class:`ScoringApp` is a ``VBox`` with three screens — start (pseudonym, code), pair (one pair, seven score
buttons, comment, uncertain, keyboard field, moves) and overview (a grid of the respondent's pairs) — and a
footer with the download. It only wires widgets to a :class:`~sdg_interactions.apps.scoring.ScoringModel`;
every error a callback meets is shown in the ``Output`` in the model's language, never raised into the void.

**Nothing typed is lost.** No click (a score, a move, an overview cell) moves the focus: who clicks a score and
at once into *Kommentar* types into *Kommentar*. Only joining puts the focus in the keyboard field. The
comment and the "uncertain" mark go with a score and are saved on their own when the field is left. Each
pair has its own comment field and mark, so a value that reaches the kernel late (the browser holds a
widget's next value back while its last is unanswered, but sends a click at once) lands on its own pair.

**Phones.** The app's CSS (:data:`~sdg_interactions.apps._render.SCORING_CSS`) wraps labels, buttons and texts
at 390 px; the overview grid scrolls inside its box, a header names its node on hover, and a cell carries
both nodes' labels as tooltip and (CSS generated content) in its accessible name.

**Colours.** The seven buttons use the package's score scale: Vega's colour-blind-safe ``blueorange``,
reversed, domain [−3, 3] (:data:`SCORE_COLORS`, the colours Vega draws for −3 … 3), with black or white
text, whichever contrasts more (at least 4.5:1, WCAG AA). Colour is never the only cue: each button
carries its number and the scale's words, and the chosen one a ✓, bold text and a thick border.

The keyboard field is described in :mod:`sdg_interactions.apps.scoring`."""

from __future__ import annotations

import asyncio
import contextlib
import html
import logging
import tempfile

import ipywidgets as widgets

from sdg_interactions import frameworks
from sdg_interactions.apps import _render
from sdg_interactions.apps._render import (
    contrast,
    data_link,
    message,
    node_box_html,
    parse_key,
    scoring_error,
    text_color,
)
from sdg_interactions.errors import SdgInteractionsError
from sdg_interactions.texts import name_of, scale_label, text

__all__ = ["SCORES", "SCORE_COLORS", "ScoringApp", "contrast", "data_link", "message", "parse_key", "scoring_error",
           "signed", "text_color"]

#: The scale's points.
SCORES = tuple(range(-3, 4))
#: The colour of each score: Vega's ``blueorange`` reversed on [−3, 3] (+ blue, − orange), as charts draw it.
SCORE_COLORS = {-3: "#994a07", -2: "#dc8524", -1: "#fbca8b", 0: "#f2f0eb", 1: "#afd3e6", 2: "#4e94c3", 3: "#134b85"}
_BLANK = "#ffffff"
_EMPTY = {"comment": "", "uncertain": False}
#: Seconds an Enter waits for its field's value: the browser sends Enter before the value it commits.
ENTER_WAIT = 0.3
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: CSS class of the status line ("✓ Sparat"): the page's script hides it when the server is gone.
STATUS_CLASS = "sdgi-status"
_log = logging.getLogger(__name__)


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


def _fit(em: int) -> widgets.Layout:
    """At most ``em`` wide, and never wider than the screen (a widget's 2 px margins included)."""
    return widgets.Layout(width=f"min(calc(100% - 4px), {em}em)")


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
        self._away = False
        self._answer_fields: dict[int, tuple[widgets.Textarea, widgets.Checkbox]] = {}
        wide, full = {"description_width": "initial"}, _fit(34)
        button = widgets.Button
        (self._intro, self._note, self._heading, self._question, self._scale, self._status, self._keys_help,
         self._overview_title, self._overview_help, self._links) = (widgets.HTML() for _ in range(10))
        self._lang = widgets.ToggleButtons(options=[("Svenska", "sv"), ("English", "en")], value=model.lang,
                                           style=wide)
        self._errors = widgets.Output()
        self._pseudonym = widgets.Text(continuous_update=False, style=wide, layout=full)
        self._code = widgets.Text(continuous_update=False, style=wide, layout=_fit(20))
        self._bar = widgets.IntProgress(min=0, layout=_fit(34))
        self._source, self._target = (widgets.HTML(layout=widgets.Layout(flex="1 1 16em", min_width="0"))
                                      for _ in range(2))
        self._buttons = {s: button(layout=widgets.Layout(width="min(100%, 30em)", height="auto", margin="2px 0"))
                         for s in reversed(SCORES)}
        self._fields = widgets.VBox()  # the comment and mark of the pair on screen (_fields_for)
        self._keys = widgets.Text(continuous_update=False, style=wide, layout=_fit(20))
        self._back, self._skip, self._unscored, self._clear, self._to_overview = (button() for _ in range(5))
        self._join, self._retry = button(button_style="primary"), button(button_style="warning")
        self._next, self._from_overview = button(button_style="info"), button(button_style="info")
        self._grid = widgets.GridBox(layout=widgets.Layout(grid_gap="2px", overflow="auto", max_width="100%"))
        self._grid.add_class("sdgi-grid")
        self._download = button(layout=widgets.Layout(width="auto"))
        for widget in (*self._buttons.values(), self._back, self._skip, self._unscored, self._clear, self._next,
                       self._to_overview, self._from_overview, self._download, self._join, self._retry):
            widget.add_class("sdgi-wrap")
        self._status.add_class(STATUS_CLASS)
        self._start_screen = widgets.VBox([self._intro, self._pseudonym, self._code, self._join])

        def row(*children: widgets.Widget) -> widgets.HBox:
            return widgets.HBox(list(children), layout=widgets.Layout(flex_flow="row wrap"))

        self._pair_screen = widgets.VBox([
            self._heading, self._bar, self._question, row(self._source, self._target), self._scale,
            widgets.VBox(list(self._buttons.values())), row(self._status, self._retry), self._fields,
            row(self._keys, self._keys_help), row(self._back, self._skip, self._next, self._unscored),
            row(self._clear, self._to_overview)])
        self._overview_screen = widgets.VBox([self._overview_title, self._overview_help, self._grid,
                                              self._from_overview])
        self._footer = widgets.VBox([widgets.HTML("<hr>"), self._download, self._links])
        self._style = _render.stylesheet(_render.SCORING_CSS)
        self.add_class("sdgi-scoring")
        self._wire()
        self._relabel()
        try:
            model.workshop()
        except Exception as exc:  # not a workshop folder: say so on the start screen
            self._join.disabled = True
            self._report(exc)
        else:
            self._pseudonym.value = model.suggestion()
        if model.joined:  # opened through a personal link: greet as after a join
            self._welcome = "welcome_back" if model.resumed else "welcome_new"
            self._render()
            self._note.value = self._position_note()
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

    _comment = property(lambda self: self._fields_for(self._model.position)[0], doc="The comment on screen.")
    _uncertain = property(lambda self: self._fields_for(self._model.position)[1], doc="The mark on screen.")

    def _fields_for(self, index: int) -> tuple[widgets.Textarea, widgets.Checkbox]:
        """Pair ``index``'s own comment field and mark: a late value is recorded on that pair (module docstring)."""
        if index not in self._answer_fields:
            comment = widgets.Textarea(continuous_update=False, style={"description_width": "initial"},
                                       layout=_fit(34))
            uncertain = widgets.Checkbox(indent=False, layout=widgets.Layout(width="auto"))
            for widget, name in ((comment, "comment"), (uncertain, "uncertain")):
                widget.observe(lambda change, i=index, n=name: self._edited(change, i, n), "value")
            self._answer_fields[index] = comment, uncertain
            self._label_fields(comment, uncertain)
        return self._answer_fields[index]

    def _label_fields(self, comment: widgets.Textarea, uncertain: widgets.Checkbox) -> None:
        comment.description, comment.placeholder = self._say("pair.comment"), self._say("pair.comment_placeholder")
        uncertain.description = self._say("pair.uncertain")

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
        self._lang.observe(lambda c: self._quiet or self._act(lambda: setattr(model, "lang", c.new)),
                           "value")
        self._join.on_click(lambda _: self._on_join())
        for widget in (self._code, self._keys):  # Enter: see the module docstring
            widget.on_msg(lambda w, content, _: self._entered(w) if content.get("event") == "submit" else None)
        self._code.observe(lambda _: self._enter.pop(self._code, None) and self._on_join(), "value")
        for score, widget in self._buttons.items():
            widget.on_click(lambda _, s=score: self._act(lambda: model.answer(
                s, comment=self._comment.value, uncertain=self._uncertain.value)))
        self._keys.observe(self._typed, "value")
        for widget, action in ((self._back, model.back), (self._skip, model.skip), (self._next, model.next),
                               (self._unscored, model.next_unscored), (self._clear, model.clear),
                               (self._retry, model.save)):
            widget.on_click(lambda _, a=action: self._act(a))
        self._to_overview.on_click(lambda _: self._act(lambda: (model.save(), self._screen("overview"))))
        self._from_overview.on_click(lambda _: self._screen("pair"))
        self._download.on_click(lambda _: self._offer_download())
        model.observe(self._changed, ["position", "score", "comment", "uncertain", "saved", "answered"])
        model.observe(lambda _: self._relabel(), "lang")

    def _act(self, action) -> bool:
        """Run a model action; show its error (the answer stays on screen), else clear the messages. It never
        moves the focus: the participant may already be typing elsewhere (module docstring)."""
        try:
            action()
        except Exception as exc:  # shown in the app: a callback's error would vanish in the browser
            self._report(exc)
            self._render()
            return False
        self._errors.outputs = ()
        self._note.value = self._position_note()
        return True

    def _report(self, exc: BaseException) -> None:
        lang = self._model.lang
        if not isinstance(exc, SdgInteractionsError):
            _log.warning("scoring app: error", exc_info=exc)
        shown = message(exc, lang)
        if not self._model.saved and getattr(exc, "scoring_key", None) is None:
            reason = shown if isinstance(exc, SdgInteractionsError) else f"{type(exc).__name__}: {exc}"
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

    def _edited(self, change, index: int, name: str) -> None:
        """Pair ``index``'s comment or mark changed in the browser: record it on that pair."""
        model = self._model
        if self._quiet or not model.joined:
            return
        if index == model.position and getattr(model, name) != change.new:
            self._act(lambda: model.answer(model.score, **{name: change.new}))
        elif index != model.position and getattr(model.recorded(index), name, _EMPTY[name]) != change.new:
            self._act(lambda: self._answer_away(index, name, change.new))

    def _answer_away(self, index: int, name: str, value: object) -> None:
        """Record a late comment or mark on pair ``index``, not the one on screen, and come back, unseen (an
        error while saving leaves pair ``index`` on screen with the answer unsaved, as any failed save)."""
        model, here = self._model, self._model.position
        self._away = True
        try:
            model.go(index)
            model.answer(model.score, **{name: value})
            model.go(here)
        finally:
            self._away = False
            self._render()
            self._paint_cell(index)

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
            self._act(self._model.next)  # the focus stays in the keyboard field, where the participant is

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
        self.children = [self._style, self._lang, self._errors, self._note, body, *footer]

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
        for fields in self._answer_fields.values():
            self._label_fields(*fields)
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
            self._paint_heads()
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
        if self._away:  # recording a late value on another pair: drawn once it is back
            return
        try:
            self._render()
        except Exception as exc:  # pragma: no cover - a bug in drawing must not stop an answer being saved
            self._report(exc)

    def _render(self) -> None:
        """Show the pair on screen, the current answer, its saved state and the progress."""
        model = self._model
        if not model.joined:
            return
        self._name(model.pair[0])  # reads the nodes' labels once
        lang, (source, target) = model.lang, model.pair
        n = len(model.pairs)
        comment, uncertain = self._fields_for(model.position)
        with self._silent():  # first, so the pair's own fields are there before the participant sees the pair
            comment.value, uncertain.value = model.comment, model.uncertain
            self._fields.children = [comment, uncertain]
        heading = (f"{self._say('pair.heading', k=model.position + 1, n=n)} · "
                   f"{self._say('pair.progress', answered=model.answered, n=n)}")
        self._heading.value = f"<h4 style='margin:0.3em 0'>{html.escape(heading)}</h4>"
        self._bar.max, self._bar.value = n, model.answered
        question = self._say("pair.question", kind_source=_kind(source, lang), source=source,
                             kind_target=_kind(target, lang), target=target)
        self._question.value = f"<p style='font-size:1.15em'><strong>{html.escape(question)}</strong></p>"
        self._source.value = node_box_html(source, self._info.loc[source], self._say("pair.from"), lang)
        self._target.value = node_box_html(target, self._info.loc[target], self._say("pair.to"), lang)
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
        heads = [(None, 1, 1)] + [(t, 1, j) for t, j in columns.items()] + [(s, i, 1) for s, i in rows.items()]
        self._heads = [(widgets.HTML(layout=widgets.Layout(grid_area=f"{i} / {j}"),
                                     _dom_classes=["sdgi-rowhead" if j == 1 else "sdgi-colhead"]), node)
                       for node, i, j in heads]
        self._paint_heads()
        children = [widget for widget, _ in self._heads]
        for index, (source, target) in enumerate(model.pairs):
            widget = widgets.Button(layout=widgets.Layout(width=cell, height="2.2em", padding="0",
                                                          grid_area=f"{rows[source]} / {columns[target]}"))
            widget.add_class("sdgi-cell")
            widget.on_click(lambda _, i=index: self._open(i))
            self._cells[(source, target)] = widget
            children.append(widget)
        self._grid.children = children

    def _name(self, node: str) -> str:
        """A node's id and short label in the model's language ("7.2 Öka andelen förnybar energi …")."""
        if self._info is None:
            self._info = frameworks.node_info(self._model.workshop()[1].nodes)
        return name_of(node, str(self._info.loc[node, f"label_{self._model.lang}"]), limit=_render.NAME_LIMIT)

    def _paint_heads(self) -> None:
        """The overview's headers: compact ids, the label on hover (``title``)."""
        for widget, node in getattr(self, "_heads", ()):
            title = "" if node is None else f" title='{html.escape(self._name(node), quote=True)}'"
            widget.value = f"<strong{title}>{html.escape(node or self._say('overview.corner'))}</strong>"

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
        widget.tooltip = self._say("overview.cell", source=self._name(source), target=self._name(target),
                                   answer=words)
        widget.style.button_color, widget.style.text_color = colour, text_color(colour)
        widget.layout.border = "3px solid #000000" if index == model.position else "1px solid #767676"

    def _open(self, index: int) -> None:
        if self._act(lambda: self._model.go(index)):
            self._screen("pair")

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
        self._act(make)
