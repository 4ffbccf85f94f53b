"""The explorer app: choose a node and see, in a chart and in words, what it helps and hinders.

Three parts, as in the ipywidgets tutorial:

* :func:`links_of` — the logic, a plain function: which links of one node pass the threshold, and in
  which order (strongest ``|score|`` first, ties in natural node order). Usable without any widget.
* :class:`ExplorerModel` — the state (:class:`traitlets.HasTraits`): the matrix, node, direction,
  threshold, top, language and level, each checked by ``@validate`` with the library's own errors.
* :class:`Explorer` — the view, an :class:`ipywidgets.VBox` with private children, wired to the model
  with links. It only calls :func:`links_of` and the renderers of :mod:`sdg_interactions.apps._render`.

:func:`explore` builds both, for a notebook or Voilà: ``explore("weitz2018_sweden")``.

**Errors are shown, never lost.** A plain :class:`traitlets.link` lets an error raised while a widget
sets the model escape from the widget's callback, where JupyterLab drops it. The view's links
(:class:`~sdg_interactions.apps._render.ShownLink`, a :class:`traitlets.link`) catch it instead, show
it in the view's ``Output`` in the chosen language, and put the widget back to the model's value. The
same link waits while a dropdown gets new options (a new matrix or level), so a node is never pushed into
a list that lacks it.
"""

from __future__ import annotations

import contextlib
import html
import logging
import os

import ipywidgets as widgets
import numpy as np
import pandas as pd
import traitlets
import xarray as xr

from sdg_interactions import frameworks
from sdg_interactions.analysis import at_least, goal_rollup, rank_descending
from sdg_interactions.apps import _render
from sdg_interactions.apps._render import ShownLink, check_choice, check_node, check_threshold, check_top, comments_of
from sdg_interactions.errors import SdgInteractionsError, ValidationError, locate, tr
from sdg_interactions.io import load_dataset
from sdg_interactions.matrix import node_ids, single_matrix
from sdg_interactions.plots.base import name_of
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["DEFAULT_THRESHOLD", "DEFAULT_TOP", "DIRECTIONS", "LEVELS", "Explorer", "ExplorerModel", "comments_of",
           "explore", "links_of"]

#: ``"out"``: what the node helps and hinders (its row); ``"in"``: what helps and hinders it (its column).
DIRECTIONS = ("out", "in")
#: ``"target"``: the matrix as it is; ``"goal"``: rolled up to goals (:func:`~sdg_interactions.analysis.goal_rollup`,
#: ``how="mean"``).
LEVELS = ("target", "goal")
#: The explorer's starting minimum ``|score|`` and number of links.
DEFAULT_THRESHOLD = 1.0
DEFAULT_TOP = 10

_log = logging.getLogger(__name__)


def links_of(obj: xr.DataArray | xr.Dataset, node: str, *, direction: str = "out",
             threshold: float = DEFAULT_THRESHOLD, top: int | None = DEFAULT_TOP,
             comments: xr.DataArray | None = None) -> pd.DataFrame:
    """One node's links with ``|score| ≥ threshold``: strongest first, ties in natural node order.

    Parameters
    ----------
    obj : xarray.DataArray or xarray.Dataset
        One matrix; several respondents' answers are averaged first
        (:func:`~sdg_interactions.matrix.single_matrix`).
    node : str
        The node whose links are wanted.
    direction : {"out", "in"}
        ``"out"``: what ``node`` influences (its row); ``"in"``: what influences it (its column).
    threshold : float
        The minimum ``|score|``, from 0 to 3 (equal within 1e-9 counts). A 0 (no interaction) and an
        unscored cell are never links, whatever the threshold.
    top : int or None
        Keep the ``top`` strongest links (by ``|score|``, so conflicts are not cut away in favour of
        weaker synergies); None keeps all.
    comments : xarray.DataArray, optional
        Comments on ``(source, target)``; by default those of a Dataset ``obj`` (:func:`comments_of`).

    Returns
    -------
    pandas.DataFrame
        ``other`` (the other node), ``source``, ``target``, ``score`` and, with comments, ``comment``;
        ``attrs["total"]`` is the number of links that pass the threshold before ``top`` cuts.

    Raises
    ------
    UnknownIdError
        ``node`` is not in the matrix.
    ValidationError
        ``direction`` is not "out" or "in", ``threshold`` is outside 0–3, or ``top`` is below 1.

    Examples
    --------
    >>> from sdg_interactions.matrix import toy_matrix
    >>> links_of(toy_matrix(), "1.1")  # row 1.1: ·, 2, −2, 0 — a tie of |2|, in node order
      other source target  score
    0   1.2    1.1    1.2    2.0
    1   1.3    1.1    1.3   -2.0
    >>> links_of(toy_matrix(), "1.3", direction="in", top=1)[["other", "score"]].to_dict("list")
    {'other': ['1.2'], 'score': [3.0]}
    """
    da = single_matrix(obj, "mean", what="links_of")
    direction = check_choice(direction, "direction", DIRECTIONS)
    threshold = check_threshold(threshold)
    top = check_top(top)
    ids = node_ids(da)
    i = ids.index(check_node(node, ids))
    if comments is None:
        comments = comments_of(obj)
    values = da.to_numpy().astype(np.float64)
    line = values[i] if direction == "out" else values[:, i]
    scored = ~np.isnan(line) & (np.arange(len(ids)) != i)
    strength = np.abs(np.where(scored, line, 0.0))
    picked = np.flatnonzero(scored & (strength > 0) & at_least(strength, threshold))
    ranks = rank_descending(strength[picked])
    order = sorted(range(len(picked)), key=lambda k: (ranks[k], frameworks.node_sort_key(ids[picked[k]])))
    picked = picked[np.array(order, dtype=int)]
    total = len(picked)
    if top is not None:
        picked = picked[:top]
    other = [ids[k] for k in picked]
    here = [node] * len(other)
    source, target = (here, other) if direction == "out" else (other, here)
    frame = pd.DataFrame({"other": pd.Series(other, dtype=object), "source": pd.Series(source, dtype=object),
                          "target": pd.Series(target, dtype=object),
                          "score": pd.Series(line[picked], dtype=np.float64)})
    if comments is not None:
        found = comments.sel(source=xr.DataArray(source, dims="link"), target=xr.DataArray(target, dims="link"))
        frame["comment"] = pd.Series([str(c) for c in found.to_numpy()], dtype=object)
    frame.attrs["total"] = total
    return frame


def _prepare(obj: object) -> tuple[xr.DataArray, xr.DataArray | None, str]:
    """The one matrix, the comments and the name of a bundled name, a path, a Dataset or a DataArray."""
    if isinstance(obj, (str, os.PathLike)):
        obj = load_dataset(obj)
    if not isinstance(obj, (xr.Dataset, xr.DataArray)):
        raise ValidationError(locate(tr("error.apps.explorer_matrix"), value=type(obj).__name__,
                                     valid=tr("error.apps.valid_explorer_matrix")))
    matrix = single_matrix(obj, "mean", what=tr("error.apps.the_explorer"))
    return matrix, comments_of(obj), str(obj.attrs.get("name") or "")


class ExplorerModel(traitlets.HasTraits):
    """The explorer's state: which matrix, which node, which way, how strong, how many, which language.

    Setting a trait checks it (``@validate``) and raises the library's own errors for values a user can
    get wrong: :class:`~sdg_interactions.errors.UnknownIdError` for a node not in the matrix,
    :class:`~sdg_interactions.errors.ValidationError` for a threshold outside 0–3, a top below 1, an
    unknown direction, level or language. Changing ``matrix`` or ``level`` updates ``nodes`` and moves
    ``node`` to its counterpart (target 7.2 ↔ goal SDG-7) before anyone else is told.

    Parameters
    ----------
    obj : str, path-like, xarray.Dataset or xarray.DataArray
        A bundled matrix's name, a file, or a loaded (or merged) matrix; several respondents are
        averaged (:func:`~sdg_interactions.matrix.single_matrix`), and their comments kept.
    node : str, optional
        The node to start from (default: the first in natural order).
    direction, threshold, top, lang, level
        The starting values of the traits of those names.

    Attributes
    ----------
    source : object
        What the current matrix was loaded from (a name, a path or the object itself).

    Examples
    --------
    >>> model = ExplorerModel("weitz2018_sweden", node="7.2", lang="en")
    >>> model.level = "goal"
    >>> model.node, len(model.nodes)
    ('SDG-7', 17)
    """

    matrix = traitlets.Instance(xr.DataArray, help="The one matrix, on (source, target), at target level.")
    comments = traitlets.Instance(xr.DataArray, allow_none=True, help="Comments on (source, target), or None.")
    name = traitlets.Unicode("", help="The bundled data set's name; '' for a user's own matrix.")
    node = traitlets.Unicode("", help="The node whose links are shown.")
    direction = traitlets.Unicode("out", help="'out': what the node influences; 'in': what influences it.")
    threshold = traitlets.Float(DEFAULT_THRESHOLD, help="The minimum |score|, 0–3.")
    top = traitlets.Int(DEFAULT_TOP, help="How many links to show at most, ≥ 1.")
    lang = traitlets.Unicode("sv", help="'sv' or 'en'.")
    level = traitlets.Unicode("target", help="'target' or 'goal' (goal_rollup, how='mean').")
    nodes = traitlets.Tuple(help="The node ids at the current level, in order (set by the model).")

    def __init__(self, obj: object = "weitz2018_sweden", *, node: str | None = None, direction: str = "out",
                 threshold: float = DEFAULT_THRESHOLD, top: int = DEFAULT_TOP, lang: str = "sv",
                 level: str = "target") -> None:
        super().__init__()
        self._settling = False
        self._levels: dict[str, xr.DataArray] = {}
        self._goal_of: dict[str, str] = {}
        self._last_target = ""
        self.source: object = None
        self.lang, self.direction, self.threshold, self.top = lang, direction, threshold, top
        self.load(obj)
        if node is not None:
            self.node = node
        self.level = level

    @property
    def settling(self) -> bool:
        """True while the model moves ``nodes`` and ``node`` after a new matrix or level (views wait)."""
        return self._settling

    def load(self, obj: object) -> None:
        """Show another matrix: a bundled name, a path, a Dataset or a DataArray (see the class)."""
        matrix, comments, name = _prepare(obj)  # checked before anything changes
        self._settling = True
        try:
            self.comments, self.name = comments, name
        finally:
            self._settling = False
        self.source = obj
        self.matrix = matrix

    def level_matrix(self, level: str | None = None) -> xr.DataArray:
        """The matrix at ``level`` (default: the current one); the goal level is computed once per matrix."""
        level = self.level if level is None else level
        if level not in self._levels:
            self._levels[level] = self.matrix if level == "target" else goal_rollup(self.matrix, how="mean")
        return self._levels[level]

    @traitlets.validate("matrix")
    def _valid_matrix(self, proposal):
        return single_matrix(proposal.value, "mean", what=tr("error.apps.the_explorer"))

    @traitlets.validate("node")
    def _valid_node(self, proposal):
        return check_node(proposal.value, node_ids(self.level_matrix()))

    @traitlets.validate("direction", "level", "lang")
    def _valid_choice(self, proposal):
        name = proposal.trait.name
        return check_choice(proposal.value, name, {"direction": DIRECTIONS, "level": LEVELS, "lang": LANGUAGES}[name])

    @traitlets.validate("threshold", "top")
    def _valid_number(self, proposal):
        return (check_threshold if proposal.trait.name == "threshold" else check_top)(proposal.value)

    @traitlets.observe("node")
    def _remember_target(self, change):
        if self.level == "target":
            self._last_target = change.new

    @traitlets.observe("matrix", "level")
    def _settle(self, change):
        if self.matrix is None:
            return
        if change.name == "matrix":
            self._levels.clear()
            ids = node_ids(self.matrix)
            da = self.matrix
            groups = (da["source_group"].to_numpy() if "source_group" in da.coords
                      else frameworks.node_info(ids)["group"].to_numpy())
            self._goal_of = {i: frameworks.group_node(i, str(g)) for i, g in zip(ids, groups, strict=True)}
        ids = node_ids(self.level_matrix())
        wanted = self._counterpart(self.node, ids)
        self._settling = True
        try:
            self.nodes = tuple(ids)
            self.node = wanted
        finally:
            self._settling = False

    def _counterpart(self, old: str, ids: list[str]) -> str:
        """The node to show after a change of matrix or level: the same, its goal, or its last target."""
        if old in ids:
            return old
        if self.level == "goal":
            goal = self._goal_of.get(old) or self._goal_of.get(self._last_target)
            return goal if goal in ids else ids[0]
        if self._goal_of.get(self._last_target) == old and self._last_target in ids:
            return self._last_target
        return next((i for i in ids if self._goal_of.get(i) == old), ids[0])


class Explorer(widgets.VBox):
    """The explorer's view: controls, the node's links as two lists in words, a chart, and messages.

    Build it with :func:`explore`, or from a model: ``Explorer(ExplorerModel(...))``. The controls are
    linked to the model's traits; each change redraws the lists and the chart. Errors a user causes
    appear in the message area in the chosen language; the control returns to the last valid value.

    Parameters
    ----------
    model : ExplorerModel
        The state to show and change.
    """

    def __init__(self, model: ExplorerModel, **kwargs) -> None:
        super().__init__(**kwargs)
        self._model = model
        self._quiet = False
        self._links: dict[str, ShownLink] = {}
        self._bundled = frameworks.bundled_matrices()
        self._own: tuple[object, dict] | None = None  # a user's own matrix and its attrs, for the chooser
        self._remember_own()
        wide = {"description_width": "initial"}
        self._intro = widgets.HTML()
        self._matrix = widgets.Dropdown(style=wide, layout=widgets.Layout(width="min(100%, 46em)"))
        self._lang = widgets.ToggleButtons(options=[("Svenska", "sv"), ("English", "en")], style=wide)
        self._node = widgets.Dropdown(style=wide, layout=widgets.Layout(width="min(100%, 46em)"))
        self._direction = widgets.ToggleButtons(style=wide)
        self._level = widgets.ToggleButtons(style=wide)
        self._threshold = widgets.FloatText(step=0.5, style=wide, layout=widgets.Layout(width="14em"))
        self._top = widgets.IntText(step=1, style=wide, layout=widgets.Layout(width="14em"))
        self._errors = widgets.Output()
        self._summary = widgets.HTML()
        self._promotes = widgets.HTML(layout=widgets.Layout(flex="1 1 22em"))
        self._hinders = widgets.HTML(layout=widgets.Layout(flex="1 1 22em"))
        self._chart = widgets.HTML()
        self._relabel()
        for name, widget in self.controls.items():
            if name != "matrix":
                self._links[name] = ShownLink((model, name), (widget, "value"), self._report)
        self._matrix.observe(self._choose_matrix, "value")
        model.observe(self._new_nodes, "nodes")
        model.observe(self._changed, ["matrix", "comments", "node", "direction", "threshold", "top", "lang",
                                      "level"])
        box = widgets.HBox
        self.children = [
            self._intro, box([self._matrix, self._lang]), self._node, box([self._direction, self._level]),
            box([self._threshold, self._top]), self._errors, self._summary,
            box([self._promotes, self._hinders], layout=widgets.Layout(flex_flow="row wrap")), self._chart]
        self._render()

    @property
    def model(self) -> ExplorerModel:
        """The state this view shows."""
        return self._model

    @property
    def controls(self) -> dict[str, widgets.Widget]:
        """The input widgets by name: ``matrix``, ``node``, ``direction``, ``level``, ``threshold``, ``top``,
        ``lang`` (set their ``.value`` in tests and scripts as a user would)."""
        return {"matrix": self._matrix, "node": self._node, "direction": self._direction, "level": self._level,
                "threshold": self._threshold, "top": self._top, "lang": self._lang}

    @property
    def displays(self) -> dict[str, widgets.Widget]:
        """The output widgets by name: ``summary``, ``promotes``, ``hinders``, ``chart`` (HTML) and ``errors``
        (an Output)."""
        return {"summary": self._summary, "promotes": self._promotes, "hinders": self._hinders,
                "chart": self._chart, "errors": self._errors}

    @contextlib.contextmanager
    def _paused(self):
        self._quiet = True
        with contextlib.ExitStack() as stack:
            for link in self._links.values():
                stack.enter_context(link.paused())
            try:
                yield
            finally:
                self._quiet = False

    @staticmethod
    def _set_options(widget: widgets.Widget, options: list[tuple[str, object]], value: object) -> None:
        widget.options = options
        if value in _render.option_values(widget):
            widget.value = value

    def _node_options(self) -> list[tuple[str, str]]:
        labels = _render.labels_of(self._model.level_matrix(), self._model.lang)
        return [(name_of(i, labels[i], limit=_render.NAME_LIMIT), i) for i in self._model.nodes]

    def _is_bundled(self) -> bool:
        return self._model.name in self._bundled["name"].tolist()

    def _remember_own(self) -> None:
        if not self._is_bundled():
            self._own = (self._model.source, dict(self._model.matrix.attrs))

    def _chosen(self) -> str:
        """The chooser's value for the model's matrix: its bundled name, or "" for the user's own."""
        return self._model.name if self._is_bundled() else ""

    def _matrix_options(self) -> list[tuple[str, str]]:
        lang = self._model.lang
        options = [(str(row[f"title_{lang}"]), str(row["name"])) for _, row in self._bundled.iterrows()]
        if self._own is not None:
            attrs = self._own[1]
            title = (attrs.get(f"title_{lang}") or attrs.get("name") or os.path.basename(str(attrs.get(
                "source_file", ""))) or text("apps.explorer.own_untitled", lang))
            options.insert(0, (text("apps.explorer.own_matrix", lang, title=title), ""))
        return options

    def _relabel(self) -> None:
        """Every text in the model's language, and the options of every control."""
        lang, model = self._model.lang, self._model
        say = {key: text(f"apps.explorer.{key}", lang) for key in (
            "title", "intro", "matrix", "node", "direction", "level", "threshold", "top", "language")}
        self._intro.value = f"<h3 style='margin:0.2em 0'>{say['title']}</h3><p>{say['intro']}</p>"
        with self._paused():
            self._set_options(self._matrix, self._matrix_options(), self._chosen())
            self._set_options(self._direction, [(text(f"apps.explorer.direction_{d}", lang), d)
                                                for d in DIRECTIONS], model.direction)
            self._set_options(self._level, [(text(f"apps.explorer.level_{v}", lang), v) for v in LEVELS], model.level)
            self._set_options(self._node, self._node_options(), model.node)
            self._lang.value, self._threshold.value, self._top.value = model.lang, model.threshold, model.top
        for key, widget in (("matrix", self._matrix), ("node", self._node), ("direction", self._direction),
                            ("level", self._level), ("threshold", self._threshold), ("top", self._top),
                            ("language", self._lang)):
            widget.description = say[key]

    def _new_nodes(self, change) -> None:
        with self._paused():
            self._set_options(self._node, self._node_options(), self._model.node)

    def _choose_matrix(self, change) -> None:
        if self._quiet:
            return
        try:
            self._model.load(change.new or self._own[0])
        except Exception as exc:  # a file that went away, a broken matrix: shown, not lost
            self._report(exc)
            with self._paused():
                self._matrix.value = change.old

    def _changed(self, change) -> None:
        if self._model.settling:
            return
        if change.name == "lang":
            self._relabel()
        elif change.name == "matrix":
            self._remember_own()
            with self._paused():
                self._set_options(self._matrix, self._matrix_options(), self._chosen())
        self._render()

    def _render(self) -> None:
        """Redraw the summary, the two lists and the chart; an error goes to the message area."""
        model = self._model
        lang, direction = model.lang, model.direction
        try:
            matrix = model.level_matrix()
            comments = model.comments if model.level == "target" else None
            rows = links_of(matrix, model.node, direction=direction, threshold=model.threshold, top=model.top,
                            comments=comments)
            labels = _render.labels_of(matrix, lang)
            rows["label"] = [labels[o] for o in rows["other"]]
            name = name_of(model.node, labels[model.node], limit=_render.NAME_LIMIT)
            summary = _render.summary_text(name, shown=len(rows), total=rows.attrs["total"],
                                           threshold=model.threshold, lang=lang)
            if model.level == "goal":
                summary += " " + text("apps.explorer.summary.goal", lang)
            lists = _render.lists_html(rows, direction=direction, threshold=model.threshold, lang=lang)
        except Exception as exc:  # shown in the app: a callback's error would vanish in JupyterLab
            self._report(exc)
            return
        try:  # the lists stand on their own: a chart that fails leaves them, and says why
            chart, failed = _render.chart_html(matrix, rows, model.node, direction=direction, level=model.level,
                                               threshold=model.threshold, lang=lang, comments=comments), None
        except Exception as exc:
            chart, failed = _render.error_html(_render.user_message(exc, lang)), exc
        self._summary.value = f"<p><strong>{html.escape(summary)}</strong></p>"
        self._promotes.value, self._hinders.value = lists
        self._chart.value = chart
        if failed is None:
            self._errors.outputs = ()
        else:
            self._report(failed)

    def _report(self, exc: BaseException, kept: object = None) -> None:
        """Show an error in the message area, in the model's language (and log a bug's traceback)."""
        lang = self._model.lang
        if not isinstance(exc, SdgInteractionsError):
            _log.warning("explorer: unexpected error", exc_info=exc)
        message = _render.user_message(exc, lang)
        shown = kept if not isinstance(kept, float) else _render.number(kept, lang)
        note = text("apps.error.reset", lang, value=shown) if kept is not None else ""
        self._errors.outputs = (_render.error_output(message, note=note),)


def explore(obj: object = "weitz2018_sweden", *, node: str | None = None, lang: str = "sv") -> Explorer:
    """Open the explorer on a matrix: a bundled name, a file, or a loaded or merged Dataset/DataArray.

    In a notebook or Voilà, make it the cell's last line so it shows. The matrix chooser also offers
    the bundled matrices (:func:`sdg_interactions.frameworks.bundled_matrices`).

    Examples
    --------
    >>> app = explore("weitz2018_sweden", node="7.2", lang="en")
    >>> app.controls["threshold"].value = 2
    >>> "9.4" in app.displays["promotes"].value and "<svg" in app.displays["chart"].value
    True
    """
    return Explorer(ExplorerModel(obj, node=node, lang=lang))
