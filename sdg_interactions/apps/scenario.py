"""The scenario app ("vad åker med?"): tick priorities and see what comes along, what is at risk.

A thin shell over :func:`~sdg_interactions.analysis.scenario`,
:func:`~sdg_interactions.analysis.triggered_conflicts` and :func:`~sdg_interactions.analysis.portfolio`.
What the tables hold, which priorities conflict and the scenario files are plain functions in
``sdg_interactions.apps._scenario_logic``; :func:`save_scenario` and :func:`load_scenario` are re-exported
here. Here:

* :class:`ScenarioModel` — the state (:class:`traitlets.HasTraits`): the matrix, the priorities and
  their efforts (set together by :meth:`ScenarioModel.choose`, checked before anything changes), the
  language, and the :class:`~sdg_interactions.apps._scenario_logic.Evaluation` shown.
* :class:`ScenarioApp` — the view, an :class:`ipywidgets.VBox`: a searchable list of checkboxes (34 to 169
  nodes), an effort per priority, "Ta förslaget" (the :func:`~sdg_interactions.analysis.portfolio`
  proposal, explained in words), a box of conflicts between the priorities, one table per class, and
  save / open of scenario files in the app's folder (which works alike in JupyterLab and Voilà).

**Speed.** A tick redraws the tables, a cheap HTML bar per node (direct harm | support) and the
conflicts: well under 100 ms for 169 nodes (``bench/bench_apps.py``). The altair chart
(:func:`~sdg_interactions.plots.scenario_classes`) rendered offline to SVG takes 0.6–2 s, and altair 6's
front-end renderer needs Vega from a CDN (and Vega-Lite 6, which JupyterLab 4 and Voilà do not bundle), so
the chart is drawn only while "Visa diagram" is on.

**Errors are shown, never lost**: a bad effort, a corrupt file or an impossible ``k`` is shown in the
message area in the chosen language, and the app keeps the scenario it had.
"""

from __future__ import annotations

import html
import logging
import os
from pathlib import Path

import ipywidgets as widgets
import traitlets
import xarray as xr

from sdg_interactions.analysis import explain_portfolio, portfolio, triggered_conflicts
from sdg_interactions.apps import _render
from sdg_interactions.apps._scenario_logic import (
    SHOWN,
    Evaluation,
    SavedScenario,
    app_error,
    check_scenario,
    conflicts_html,
    evaluate,
    load_scenario,
    message_of,
    parse_effort,
    save_scenario,
    summary_text,
)
from sdg_interactions.errors import SdgInteractionsError, ValidationError, tr
from sdg_interactions.frameworks import DEFAULT_MATRIX
from sdg_interactions.io import load_dataset
from sdg_interactions.matrix import node_ids, single_matrix
from sdg_interactions.plots import scenario_classes, to_svg
from sdg_interactions.plots.base import NEGATIVE_COLOR, POSITIVE_COLOR, name_of
from sdg_interactions.plots.nodes import CLASS_COLORS
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["SavedScenario", "ScenarioApp", "ScenarioModel", "load_scenario", "save_scenario", "scenario_app"]

_log = logging.getLogger(__name__)
_T = "scenario_app"


def _say(key: str, lang: str, **values: object) -> str:
    return text(f"{_T}.{key}", lang, **values)


class ScenarioModel(traitlets.HasTraits):
    """The scenario app's state: a matrix, the priorities with their efforts, the language, what is shown.

    Parameters
    ----------
    obj : str, path-like, xarray.Dataset or xarray.DataArray, optional
        A bundled name, a file or a loaded matrix (default :data:`~sdg_interactions.frameworks.DEFAULT_MATRIX`);
        several respondents are averaged (:func:`~sdg_interactions.matrix.single_matrix`), their comments kept
        for the conflicts.
    lang, priorities, efforts
        The starting language, priorities and efforts (default 1 each).

    Attributes
    ----------
    data, matrix : the matrix as given (for the comments) and as one matrix; ``name`` its bundled name or file.
    ids : the node ids, in order; ``conflicts``: ``triggered_conflicts(data, ids)``, listed once.

    Examples
    --------
    >>> model = ScenarioModel(priorities=["7.2"])
    >>> model.evaluation.tables["at_risk"]["node"].tolist()[:1]
    ['6.6']
    """

    priorities = traitlets.Tuple(help="The prioritised node ids (set with choose()).")
    efforts = traitlets.Tuple(help="One effort > 0 per priority (set with choose()).")
    lang = traitlets.Unicode("sv", help="'sv' or 'en'.")
    evaluation = traitlets.Instance(Evaluation, allow_none=True, help="What the app shows for the current scenario.")

    def __init__(self, obj: object = None, *, lang: str = "sv", priorities=(), efforts=None) -> None:
        super().__init__()
        data = load_dataset(obj) if isinstance(obj, str | os.PathLike) else obj
        data = load_dataset(DEFAULT_MATRIX) if data is None else data
        if not isinstance(data, xr.Dataset | xr.DataArray):
            raise ValidationError(tr("error.apps.scenario_matrix", type=type(data).__name__, name=DEFAULT_MATRIX))
        self.data = data
        self.matrix = single_matrix(data, "mean", what=tr("error.apps.the_scenario_app"))
        self.name = str(data.attrs.get("name") or data.attrs.get("source_file") or "")
        self.ids = node_ids(self.matrix)
        self.conflicts = triggered_conflicts(data, self.ids)  # every conflict, once; a tick filters them
        self.lang = lang
        self.choose(priorities, efforts)

    @traitlets.validate("lang")
    def _valid_lang(self, proposal):
        if proposal.value not in LANGUAGES:
            raise app_error(ValidationError, "lang", column="lang", value=proposal.value)
        return proposal.value

    @traitlets.observe("lang")
    def _relabel(self, change) -> None:
        if self.evaluation is not None:
            self.evaluation = self._evaluate(self.priorities, self.efforts)

    def _evaluate(self, priorities, efforts) -> Evaluation:
        return evaluate(self.matrix, priorities, efforts, conflicts=self.conflicts, lang=self.lang)

    def choose(self, priorities, efforts=None) -> None:
        """Show another scenario: everything is checked first, so an error leaves the state as it was."""
        priorities = tuple(priorities)
        if priorities:
            priorities, efforts = check_scenario(list(priorities), None if efforts is None else list(efforts),
                                                 self.ids)
        else:
            efforts = ()
        evaluation = self._evaluate(priorities, efforts)
        with self.hold_trait_notifications():
            self.priorities, self.efforts, self.evaluation = priorities, tuple(efforts), evaluation

    def set_effort(self, node: str, value: object) -> None:
        """Change one priority's effort (a number or text such as "1,5"; it must be > 0)."""
        efforts = list(self.efforts)
        efforts[self.priorities.index(node)] = parse_effort(value, node)
        self.choose(self.priorities, efforts)


def _bar(pos: float, neg: float, scale: float) -> str:
    """A two-sided bar: the direct harm to the left of a centre line, the support to the right."""
    def part(value: float, fill: str, side: str) -> str:
        width = 0 if scale <= 0 else round(56 * abs(value) / scale)
        return (f"<span style='display:inline-block;width:56px;text-align:{side}'><span style='display:"
                f"inline-block;width:{width}px;height:0.8em;background:{fill}'></span></span>")
    return (f"<span aria-hidden='true' style='white-space:nowrap'>{part(neg, NEGATIVE_COLOR, 'right')}"
            f"<span style='border-left:1px solid #444'></span>{part(pos, POSITIVE_COLOR, 'left')}</span>")


def _table_html(table, cls: str, lang: str, *, scale: float) -> str:
    """One class as a heading, a help sentence and an HTML table (numbers in ``lang``, bars beside)."""
    head = (f"<h4 style='margin:0.6em 0 0.2em;color:{CLASS_COLORS[cls]}'>{html.escape(_say(f'class.{cls}', lang))}"
            f" ({len(table)})</h4><p style='margin:0 0 0.3em'><small>{html.escape(_say(f'help.{cls}', lang))}"
            f"</small></p>")
    if table.empty:
        return f"<div>{head}<p><em>{html.escape(_say('help.none', lang))}</em></p></div>"
    extra = {"prioritised": ["effort", "support"], "not_free": ["indirect_pos", "support"],
             "at_risk": ["direct_neg", "harm"]}.get(cls, ["support"])
    columns = ["node", "bar", "direct_pos", *extra]
    cells = "".join(f"<th style='text-align:left;padding:0 0.5em'>{html.escape(_say(f'column.{c}', lang))}</th>"
                    for c in columns)
    rows = []
    for row in (dict(zip(table.columns, values, strict=True)) for values in table.itertuples(index=False)):
        shown = []
        for c in columns:
            if c == "node":
                value = html.escape(name_of(row["node"], row["label"], limit=_render.NAME_LIMIT))
            elif c == "bar":
                value = _bar(row["direct_pos"], row["direct_neg"], scale)
            elif c == "support":
                value = ", ".join(f"{s} ({_render.signed(v, lang)})" for s, v in row["support"]) or "–"
            elif c == "harm":
                value = "<br>".join(
                    f"{html.escape(h['source'])} ({_render.signed(h['score'], lang)})"
                    + (f": “{html.escape(h['comment'])}”" if h["comment"].strip() else "") for h in row["harm"])
            else:
                value = _render.number(row[c], lang)
            shown.append(f"<td style='padding:0 0.5em;vertical-align:top'>{value}</td>")
        rows.append(f"<tr>{''.join(shown)}</tr>")
    return (f"<div>{head}<table style='border-collapse:collapse'><thead><tr>{cells}</tr></thead><tbody>"
            f"{''.join(rows)}</tbody></table></div>")


class ScenarioApp(widgets.VBox):
    """The scenario app's view. ``ScenarioApp()`` opens the bundled Sweden matrix in Swedish.

    Parameters
    ----------
    obj : str, path-like, xarray.Dataset, xarray.DataArray or ScenarioModel, optional
        The matrix (see :class:`ScenarioModel`), or a model to show.
    lang, priorities, efforts
        The starting language, priorities and efforts.
    folder : path-like, optional
        Where "Spara" and "Öppna" put and find files (default: the working folder).

    Examples
    --------
    >>> app = ScenarioApp(priorities=["13.1", "7.2"], lang="en")
    >>> "13.1 hinders 7.2 (−2)" in app.displays["conflicts"].value
    True
    >>> app.checkboxes["7.2"].value = False
    >>> app.model.priorities
    ('13.1',)
    """

    def __init__(self, obj: object = None, *, lang: str = "sv", priorities=(), efforts=None,
                 folder: str | os.PathLike | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._model = obj if isinstance(obj, ScenarioModel) else ScenarioModel(
            obj, lang=lang, priorities=priorities, efforts=efforts)
        self._folder = Path(folder) if folder is not None else None
        self._quiet = False
        self._proposal = None
        self._confirm: Path | None = None
        labels = {lg: _render.labels_of(self._model.matrix, lg) for lg in LANGUAGES}
        self._names = {lg: {i: name_of(i, labels[lg][i], limit=_render.NAME_LIMIT) for i in self._model.ids}
                       for lg in LANGUAGES}
        wide = {"description_width": "initial"}
        self._intro, self._count, self._summary = widgets.HTML(), widgets.HTML(), widgets.HTML()
        self._lang = widgets.ToggleButtons(options=[("Svenska", "sv"), ("English", "en")], value=self._model.lang,
                                           style=wide)
        self._search = widgets.Text(continuous_update=True, style=wide, layout=widgets.Layout(width="min(100%, 30em)"))
        self._boxes = {i: widgets.Checkbox(value=False, indent=False, layout=widgets.Layout(width="100%"))
                       for i in self._model.ids}
        self._list = widgets.VBox(list(self._boxes.values()), layout=widgets.Layout(
            max_height="18em", overflow="auto", border="1px solid #ccc", padding="0.2em 0.5em"))
        self._clear = widgets.Button()
        self._effort_inputs: dict[str, widgets.Text] = {}
        self._effort_rows: dict[str, widgets.HBox] = {}
        self._effort_heading, self._efforts = widgets.HTML(), widgets.VBox()
        self._k = widgets.IntText(value=3, style=wide, layout=widgets.Layout(width="9em"))
        self._take, self._proposal_text = widgets.Button(button_style="primary"), widgets.HTML()
        self._filename = widgets.Text(value="scenario.json", style=wide)
        self._note = widgets.Textarea(style=wide, layout=widgets.Layout(width="min(100%, 40em)", height="4em"))
        self._save, self._open = widgets.Button(icon="save"), widgets.Button(icon="folder-open")
        self._decision, self._write_note = widgets.Text(style=wide), widgets.Button(icon="file-text")
        self._errors, self._notice = widgets.Output(), widgets.HTML()
        self._conflicts, self._chart = widgets.HTML(), widgets.HTML()
        self._show_chart = widgets.ToggleButton(value=False)
        self._tables = {cls: widgets.HTML() for cls in SHOWN}
        for node, box in self._boxes.items():
            box.observe(lambda change, node=node: self._tick(node, change.new), "value")
        self._lang.observe(self._choose_lang, "value")
        self._search.observe(lambda change: self._filter(), "value")
        self._clear.on_click(lambda _: self._act(lambda: self._model.choose(())))
        self._take.on_click(lambda _: self._act(self._take_proposal))
        self._save.on_click(lambda _: self._act(self._save_file))
        self._open.on_click(lambda _: self._act(self._open_file))
        self._write_note.on_click(lambda _: self._act(self._konsekvens))
        self._show_chart.observe(lambda change: self._draw_chart(), "value")
        self._filename.observe(lambda change: setattr(self, "_confirm", None), "value")
        self._model.observe(self._changed, ["evaluation"])
        box = widgets.HBox
        self.children = [
            self._intro, self._lang, box([self._search, self._count, self._clear]), self._list,
            self._effort_heading, self._efforts, box([self._k, self._take]), self._proposal_text,
            box([self._filename, self._save, self._open]), self._note, box([self._decision, self._write_note]),
            self._errors, self._notice,
            self._summary, self._conflicts, self._show_chart, self._chart, *self._tables.values()]
        self._relabel()
        self._changed(None)

    @property
    def model(self) -> ScenarioModel:
        """The state this view shows."""
        return self._model

    @property
    def controls(self) -> dict[str, widgets.Widget]:
        """The input widgets by name (set ``.value`` or ``.click()`` them as a user would): ``lang``, ``search``,
        ``clear``, ``k``, ``take``, ``chart``, ``filename``, ``note``, ``save``, ``open``, ``decision`` (the
        decision's title) and ``konsekvens`` (writes the konsekvensanalys for the ticked priorities)."""
        return {"lang": self._lang, "search": self._search, "clear": self._clear, "k": self._k, "take": self._take,
                "chart": self._show_chart, "filename": self._filename, "note": self._note, "save": self._save,
                "open": self._open, "decision": self._decision, "konsekvens": self._write_note}

    @property
    def checkboxes(self) -> dict[str, widgets.Checkbox]:
        """One checkbox per node, by id."""
        return dict(self._boxes)

    @property
    def effort_inputs(self) -> dict[str, widgets.Text]:
        """One text box per priority, by id (type "1,5" or "2"; applied when the box is left or Enter pressed)."""
        return dict(self._effort_inputs)

    @property
    def displays(self) -> dict[str, widgets.Widget]:
        """The outputs by name: ``summary``, ``conflicts``, ``proposal``, ``chart``, ``notice`` (HTML),
        ``errors`` (an Output) and one HTML table per class (``prioritised``, ``comes_along``, …)."""
        return {"summary": self._summary, "conflicts": self._conflicts, "proposal": self._proposal_text,
                "chart": self._chart, "notice": self._notice, "errors": self._errors, **self._tables}

    # --- events ------------------------------------------------------------------------------------

    def _act(self, action) -> None:
        """Run a user's action; an error goes to the message area and the scenario stays as it was."""
        self._notice.value = ""
        try:
            action()
        except Exception as exc:  # shown in the app: a callback's error would vanish in JupyterLab
            self._report(exc)
            self._sync()
        else:
            self._errors.outputs = ()

    def _tick(self, node: str, ticked: bool) -> None:
        if self._quiet:
            return
        chosen, efforts = list(self._model.priorities), list(self._model.efforts)
        if ticked and node not in chosen:
            chosen.append(node)
            efforts.append(1.0)
        elif not ticked and node in chosen:
            del efforts[chosen.index(node)]
            chosen.remove(node)
        self._act(lambda: self._model.choose(chosen, efforts))

    def _effort(self, node: str, value: str) -> None:
        if not self._quiet:
            self._act(lambda: self._model.set_effort(node, value))

    def _choose_lang(self, change) -> None:
        self._act(lambda: setattr(self._model, "lang", change.new))  # the model re-evaluates: _changed redraws
        self._relabel()

    def _take_proposal(self) -> None:
        k = self._k.value
        if not 1 <= k <= len(self._model.ids):
            raise app_error(ValidationError, "k", column="k", value=k, n=len(self._model.ids))
        proposal = portfolio(self._model.matrix, k)
        self._model.choose(proposal.chosen)
        self._proposal = proposal
        self._show_proposal()
        self._notice.value = html.escape(_say("taken", self._model.lang, nodes=", ".join(proposal.chosen)))

    def _path(self) -> Path:
        name = self._filename.value.strip()
        if not name:
            raise app_error(ValidationError, "filename", value=self._filename.value)
        path = Path(name) if Path(name).suffix else Path(f"{name}.json")
        return path if self._folder is None or path.is_absolute() else self._folder / path

    def _save_file(self) -> None:
        model, path = self._model, self._path()
        if path.exists() and self._confirm != path:
            self._confirm = path
            self._notice.value = html.escape(_say("file.overwrite", model.lang, path=path))
            return
        save_scenario(path, list(model.priorities), list(model.efforts), model.name, model.lang, self._note.value,
                      matrix=model.matrix)
        self._confirm = None
        self._notice.value = html.escape(_say("file.saved", model.lang, path=path.resolve()))

    def _open_file(self) -> None:
        model, path = self._model, self._path()
        saved = load_scenario(path, model.matrix)
        model.choose(saved.priorities, saved.efforts)
        self._note.value, self._proposal = saved.note, None
        self._show_proposal()
        note = _say("file.opened", model.lang, path=path, n=len(saved.priorities))
        if saved.matrix_name and model.name and saved.matrix_name != model.name:
            note += " " + _say("file.other_matrix", model.lang, saved=saved.matrix_name, current=model.name)
        self._notice.value = html.escape(note)

    def _konsekvens(self) -> None:
        """Write the konsekvensanalys (Word, HTML, Markdown) of the ticked priorities into the app's folder."""
        from sdg_interactions.report.konsekvens import konsekvens
        from sdg_interactions.report.konsekvens_text import write_konsekvens

        model = self._model
        if not model.priorities:
            raise ValidationError(tr("scenario_app.konsekvens.none"))
        note = konsekvens(model.matrix, list(model.priorities), efforts=list(model.efforts),
                          title=self._decision.value.strip() or None, lang=model.lang)
        written = write_konsekvens(note, self._folder or Path.cwd(), "docx,html,md")
        self._notice.value = html.escape(_say("konsekvens.written", model.lang, paths=", ".join(
            str(p.resolve()) for p in written.values())))

    def _filter(self) -> None:
        words = self._search.value.strip().lower().split()
        names = self._names[self._model.lang]
        for node, box in self._boxes.items():
            shown = all(w in names[node].lower() for w in words)
            box.layout.display = None if shown else "none"

    # --- drawing -----------------------------------------------------------------------------------

    def _sync(self) -> None:
        """Checkboxes and effort boxes as the model has them (after any change, or an error)."""
        model = self._model
        self._quiet = True
        try:
            for node, box in self._boxes.items():
                box.value = node in model.priorities
            names = self._names[model.lang]
            for node, effort in zip(model.priorities, model.efforts, strict=True):
                if node not in self._effort_inputs:
                    entry = widgets.Text(continuous_update=False, layout=widgets.Layout(width="6em"))
                    entry.observe(lambda change, node=node: self._effort(node, change.new), "value")
                    self._effort_inputs[node] = entry
                    self._effort_rows[node] = widgets.HBox([entry, widgets.HTML()])
                self._effort_inputs[node].value = _render.number(effort, model.lang)
                self._effort_rows[node].children[1].value = html.escape(names[node])
            for node in [n for n in self._effort_inputs if n not in model.priorities]:
                self._effort_inputs.pop(node)
                row = self._effort_rows.pop(node)
                for widget in (*row.children, row):
                    widget.close()
        finally:
            self._quiet = False
        self._efforts.children = [self._effort_rows[n] for n in model.priorities]
        self._count.value = html.escape(_say("chosen", model.lang, n=len(model.priorities), total=len(model.ids)))

    def _relabel(self) -> None:
        lang = self._model.lang
        self._intro.value = (f"<h3 style='margin:0.2em 0'>{html.escape(_say('title', lang))}</h3>"
                             f"<p>{html.escape(_say('intro', lang))}</p>")
        for widget, key in ((self._lang, "language"), (self._search, "search"), (self._k, "k"),
                            (self._filename, "file.name"), (self._note, "file.note"),
                            (self._decision, "konsekvens.title")):
            widget.description = _say(key, lang)
        self._search.placeholder = _say("search_placeholder", lang)
        self._note.placeholder = _say("file.note_placeholder", lang)
        for button, key in ((self._clear, "clear"), (self._take, "take"), (self._save, "file.save"),
                            (self._open, "file.open"), (self._show_chart, "chart.show"),
                            (self._write_note, "konsekvens.write")):
            button.description = _say(key, lang)
        self._show_chart.tooltip = _say("chart.show_help", lang)
        self._effort_heading.value = f"<strong>{html.escape(_say('efforts', lang))}</strong>"
        for node, box in self._boxes.items():
            box.description = self._names[lang][node]
        self._filter()
        self._show_proposal()

    def _show_proposal(self) -> None:
        if self._proposal is None:
            self._proposal_text.value = f"<small>{html.escape(_say('proposal', self._model.lang))}</small>"
            return
        words = explain_portfolio(self._proposal, lang=self._model.lang)
        self._proposal_text.value = f"<div style='white-space:pre-wrap;margin:0.3em 0'>{html.escape(words)}</div>"

    def _changed(self, change) -> None:
        """Redraw after a new evaluation: controls, summary, conflicts, tables, the chart if shown."""
        evaluation, lang = self._model.evaluation, self._model.lang
        self._sync()
        self._summary.value = f"<p><strong>{html.escape(summary_text(evaluation, lang))}</strong></p>"
        self._conflicts.value = conflicts_html(evaluation, lang)
        result = evaluation.result
        scale = 0.0 if result is None else float(max(result["direct_pos"].max(), -result["direct_neg"].min()))
        for cls, widget in self._tables.items():
            widget.value = "" if result is None else _table_html(evaluation.tables[cls], cls, lang, scale=scale)
        self._draw_chart()

    def _draw_chart(self) -> None:
        evaluation, lang = self._model.evaluation, self._model.lang
        if not self._show_chart.value or evaluation.result is None:
            self._chart.value = ""
            return
        try:
            chart = scenario_classes(evaluation.result, lang=lang, attrs=self._model.matrix.attrs)
            alt = _say("chart.alt", lang, summary=summary_text(evaluation, lang))
            self._chart.value = f"<div style='overflow-x:auto'>{_render.with_alt(to_svg(chart), alt)}</div>"
        except Exception as exc:  # the tables stand on their own: a chart that fails says why
            self._chart.value = ""
            self._report(exc)

    def _report(self, exc: BaseException) -> None:
        """Show an error in the message area, in the model's language (and log a bug's traceback)."""
        lang = self._model.lang
        if not isinstance(exc, SdgInteractionsError):
            _log.warning("scenario app: unexpected error", exc_info=exc)
        self._errors.outputs = (_render.error_output(message_of(exc, lang), note=_say("file.kept", lang)),)


def scenario_app(obj: object = None, *, lang: str = "sv", priorities=(), efforts=None,
                 folder: str | os.PathLike | None = None) -> ScenarioApp:
    """Open the scenario app (see :class:`ScenarioApp`); make it a notebook cell's last line so it shows.

    Examples
    --------
    >>> app = scenario_app("weitz2018_sweden", priorities=["7.2"])
    >>> "6.6" in app.displays["at_risk"].value
    True
    """
    return ScenarioApp(obj, lang=lang, priorities=priorities, efforts=efforts, folder=folder)
