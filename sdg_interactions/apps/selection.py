"""The target selection: SEI's first step, choosing the nodes a kommun's workshop scores.

Three parts, as in the explorer:

* :func:`search_targets` — the logic, a plain function: the 169 SDG targets whose id, short label or
  full text (Swedish or English) contain every word of a query, case and diacritics ignored
  ("havsforsurning" finds "havsförsurning"), optionally within some goals. Usable without any widget.
* :func:`search_nodes` — the same search over the nodes of every registered framework (miljömål,
  folkhälsomål, Mongolia's objectives, the demo kommun Exempelby's goals, a kommun's own goals registered
  with :func:`~sdg_interactions.frameworks.register_from_table`), optionally within some frameworks.
* :class:`SelectionModel` — the state (:class:`traitlets.HasTraits`): the chosen nodes (checked, each
  once, in natural order), the number of participants, how the pairs are shared out, the answers wanted
  per pair and the language; :meth:`SelectionModel.plan` makes the plan
  (:func:`~sdg_interactions.io.workshop.plan_workshop`), :meth:`SelectionModel.create` the workshop
  folder (:func:`~sdg_interactions.apps.workshop.new_workshop`).
* :class:`Selection` — the view, an :class:`ipywidgets.VBox` with private children: start from a bundled
  set (the 34 targets of SEI's Sweden matrix by default), search and add targets, add miljömål,
  folkhälsomål or a registered framework's nodes (the search filters them too), remove nodes; it shows
  the number of pairs n·(n−1) and the time estimate (:func:`~sdg_interactions.io.workshop.describe`), and
  creates the folder.

Errors a user causes (a bad number, fewer than two nodes, a folder that exists) are shown in the view's
``Output`` in the chosen language, never lost.
"""

from __future__ import annotations

import functools
import html
import logging
import numbers
import os
import re
import unicodedata
from collections.abc import Iterable
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
import traitlets

from sdg_interactions import frameworks
from sdg_interactions.apps import _render
from sdg_interactions.apps._render import ShownLink
from sdg_interactions.apps.workshop import new_workshop
from sdg_interactions.errors import SdgInteractionsError, ValidationError, Words, locate, tr
from sdg_interactions.io import nodes_from
from sdg_interactions.io.workshop import BY, Workshop, describe, plan_workshop
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["DEFAULT_START", "Selection", "SelectionModel", "fold", "search_nodes", "search_targets", "select_targets"]

#: The bundled set the selection starts from: the 34 targets of SEI's Sweden matrix.
DEFAULT_START = frameworks.DEFAULT_MATRIX

_log = logging.getLogger(__name__)


def fold(words: str) -> str:
    """Text as the search compares it: lower case, without diacritics (å → a, é → e), spaces squeezed.

    Examples
    --------
    >>> fold("  Havsnivå  HÖJNING ")
    'havsniva hojning'
    """
    decomposed = unicodedata.normalize("NFKD", str(words).casefold())
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"\s+", " ", plain).strip()


@functools.cache
def _index() -> pd.DataFrame:
    """The 169 targets with their texts in both languages and one folded haystack to search."""
    sv, en = frameworks.targets("sv"), frameworks.targets("en")
    table = pd.DataFrame({"id": sv["id"], "goal": sv["goal"], "label_sv": sv["short"], "text_sv": sv["title"],
                          "label_en": en["short"].to_numpy(), "text_en": en["title"].to_numpy()})
    table["haystack"] = [fold(" ".join(parts)) for parts in zip(
        table["id"], table["label_sv"], table["text_sv"], table["label_en"], table["text_en"], strict=True)]
    return table


def _matches(haystack: pd.Series, query: str) -> pd.Series:
    """Which folded texts contain every word of the query (an id or its start only at a word's start)."""
    keep = pd.Series(True, index=haystack.index)
    for word in fold(query).split():
        if re.fullmatch(r"[\w-]*\d+(\.\w*)?", word):  # an id or its start ("7.2", "13", "mkm-1"): not "17.2"
            keep &= haystack.str.contains(r"(?<![\w.])" + re.escape(word), regex=True)
        else:
            keep &= haystack.str.contains(word, regex=False)
    return keep


def _goal_numbers(goals: Iterable[int | str] | int | str | None) -> set[int] | None:
    """Goals as numbers 1–17, from numbers, "13" or "SDG-13"; None for every goal."""
    if goals is None:
        return None
    if isinstance(goals, str) or not isinstance(goals, Iterable):
        goals = [goals]
    found = set()
    for goal in goals:
        value = goal.removeprefix("SDG-").strip() if isinstance(goal, str) else goal
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = 0
        if isinstance(goal, (bool, float)) or not 1 <= number <= 17:
            raise ValidationError(locate(tr("error.apps.not_goal"), value=goal, column="goals",
                                         valid=tr("error.apps.valid_goal")))
        found.add(number)
    return found


def search_targets(query: str = "", *, lang: str = "sv", goals: Iterable[int | str] | int | str | None = None
                   ) -> pd.DataFrame:
    """The SDG targets that match a query, in natural order.

    Parameters
    ----------
    query : str
        Words to look for; a target matches when each word is in its id, short label or full text, in
        Swedish or English (a number such as ``7.2`` or ``13`` only at the start of a word, so ``7.2``
        does not find 17.2). Case and diacritics are ignored ("havsforsurning" finds "havsförsurning"). An empty
        query matches every target.
    lang : {"sv", "en"}
        The language of the ``label`` and ``text`` columns.
    goals : int, str or iterable of them, optional
        Only targets of these goals (``13``, ``"13"`` or ``"SDG-13"``).

    Returns
    -------
    pandas.DataFrame
        ``id``, ``goal`` (int), ``label`` (short label) and ``text`` (the target's wording) in ``lang``.

    Examples
    --------
    >>> search_targets("klimat", goals=13)["id"].tolist()
    ['13.1', '13.2', '13.3', '13.a', '13.b']
    >>> search_targets("HAVSFORSURNING")[["id", "label"]].to_dict("records")
    [{'id': '14.3', 'label': 'Minska havsförsurningen'}]
    >>> search_targets("ocean acidification", lang="en")["label"].tolist()
    ['Minimize and address the impacts of ocean acidification…']
    """
    if lang not in LANGUAGES:
        raise _render.user_error(ValidationError, "lang", lang)
    if not isinstance(query, str):
        raise ValidationError(locate(tr("error.apps.search_text"), value=query, valid=tr("error.apps.valid_search")))
    table = _index()
    keep = _matches(table["haystack"], query)
    wanted = _goal_numbers(goals)
    if wanted is not None:
        keep &= table["goal"].isin(wanted)
    found = table[keep]
    return pd.DataFrame({"id": found["id"].to_numpy(), "goal": found["goal"].to_numpy(dtype=int),
                         "label": found[f"label_{lang}"].to_numpy(), "text": found[f"text_{lang}"].to_numpy()})


def search_nodes(query: str = "", *, lang: str = "sv", frameworks_: Iterable[str] | str | None = None
                 ) -> pd.DataFrame:
    """The nodes of the registered frameworks that match a query, in natural order.

    Like :func:`search_targets` (each word in the id, label or text, in Swedish or English; case and
    diacritics ignored), over every registered framework: the SDG targets and goals, miljömål, folkhälsomål,
    Mongolia's objectives, the demo kommun Exempelby's goals and a kommun's own goals registered with
    :func:`~sdg_interactions.frameworks.register_from_table`.

    Parameters
    ----------
    query : str
        Words to look for; empty matches every node.
    lang : {"sv", "en"}
        The language of the ``label`` and ``text`` columns.
    frameworks_ : str or iterable of str, optional
        Only nodes of these frameworks, by name or prefix (``"miljomal"``, ``"MKM"``, ``"exempelby"``).

    Returns
    -------
    pandas.DataFrame
        ``id``, ``framework``, ``group``, ``label`` and ``text`` in ``lang``.

    Examples
    --------
    >>> search_nodes("luft")["id"].tolist()  # the targets' texts speak of "luftföroreningar"
    ['3.9', '11.6', '12.4', 'MKM-2']
    >>> search_nodes("cykel", frameworks_="exempelby")["label"].tolist()
    ['Gång, cykel och kollektivtrafik']
    >>> search_nodes("mkm-1", lang="en", frameworks_=["MKM", "FH"])["id"].tolist()[:3]
    ['MKM-1', 'MKM-10', 'MKM-11']
    """
    if lang not in LANGUAGES:
        raise _render.user_error(ValidationError, "lang", lang)
    if not isinstance(query, str):
        raise ValidationError(locate(tr("error.apps.search_text"), value=query, valid=tr("error.apps.valid_search")))
    names = [frameworks_] if isinstance(frameworks_, str) else frameworks_
    chosen = frameworks.frameworks() if names is None else [frameworks.framework(name) for name in names]
    table = pd.concat([fw.nodes for fw in chosen]) if chosen else pd.DataFrame(columns=list(frameworks.NODE_COLUMNS))
    haystack = pd.Series([fold(" ".join((i, *parts))) for i, *parts in zip(
        table.index, table["label_sv"], table["text_sv"], table["label_en"], table["text_en"], strict=True)],
        index=table.index, dtype=object)
    found = table[_matches(haystack, query).to_numpy(dtype=bool)]
    ids = sorted(dict.fromkeys(found.index), key=frameworks.node_sort_key)
    found = frameworks.node_info(ids) if ids else found.iloc[:0]
    return pd.DataFrame({"id": list(found.index), "framework": found["framework"].to_numpy(),
                         "group": found["group"].to_numpy(), "label": found[f"label_{lang}"].to_numpy(),
                         "text": found[f"text_{lang}"].to_numpy()})


def _positive(value: object, name: Words) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < 1:
        raise ValidationError(locate(tr("error.apps.at_least_one", name=name), value=value,
                                     valid=tr("error.apps.valid_at_least_one")))
    return int(value)


class SelectionModel(traitlets.HasTraits):
    """The selection's state: the chosen nodes and how the workshop shares out their pairs.

    Setting ``nodes`` checks every id (:func:`~sdg_interactions.frameworks.check_node_id`) and keeps each
    once, in natural order; ``respondents`` and ``overlap`` must be whole numbers ≥ 1, ``by`` one of
    ``"even"``, ``"rows"``, ``lang`` "sv" or "en".

    Parameters
    ----------
    nodes : iterable of str or str, optional
        The nodes to start from, or a bundled matrix's name (its nodes); default the 34 targets of SEI's
        Sweden matrix.
    respondents, by, overlap, lang
        The starting values of the traits of those names.

    Examples
    --------
    >>> model = SelectionModel()
    >>> len(model.nodes), model.n_pairs
    (34, 1122)
    >>> model.add(["MKM-1"])
    >>> len(model.nodes), model.n_pairs
    (35, 1190)
    """

    nodes = traitlets.Tuple(help="The chosen node ids, in natural order.")
    respondents = traitlets.Int(6, help="The number of participants, ≥ 1.")
    by = traitlets.Unicode("even", help="'even': pairs spread evenly; 'rows': whole rows a participant.")
    overlap = traitlets.Int(2, help="The answers wanted per pair, ≥ 1.")
    lang = traitlets.Unicode("sv", help="'sv' or 'en'.")

    def __init__(self, nodes: Iterable[str] | str = DEFAULT_START, *, respondents: int = 6, by: str = "even",
                 overlap: int = 2, lang: str = "sv") -> None:
        super().__init__()
        self.lang, self.respondents, self.by, self.overlap = lang, respondents, by, overlap
        self.nodes = tuple(nodes_from(nodes) if isinstance(nodes, str) else nodes)

    @traitlets.validate("nodes")
    def _valid_nodes(self, proposal):
        ids = [frameworks.check_node_id(node, column="nodes") for node in proposal.value]
        return tuple(sorted(dict.fromkeys(ids), key=frameworks.node_sort_key))

    @traitlets.validate("respondents", "overlap")
    def _valid_count(self, proposal):
        name = tr("error.apps.participants" if proposal.trait.name == "respondents" else "error.apps.per_pair")
        return _positive(proposal.value, name)

    @traitlets.validate("by")
    def _valid_by(self, proposal):
        if proposal.value not in BY:
            raise ValidationError(locate(tr("error.apps.share_by"), value=proposal.value,
                                         valid=", ".join(BY)))
        return proposal.value

    @traitlets.validate("lang")
    def _valid_lang(self, proposal):
        return _render.check_choice(proposal.value, "lang", LANGUAGES)

    @property
    def n_pairs(self) -> int:
        """The ordered pairs of different nodes: n·(n−1)."""
        return len(self.nodes) * (len(self.nodes) - 1)

    def add(self, ids: Iterable[str]) -> None:
        """Add nodes (each checked; those chosen already stay once)."""
        self.nodes = (*self.nodes, *ids)

    def remove(self, ids: Iterable[str]) -> None:
        """Remove nodes (ids not chosen are ignored)."""
        gone = set(ids)
        self.nodes = tuple(node for node in self.nodes if node not in gone)

    def plan(self) -> Workshop:
        """The workshop plan of the chosen nodes (:func:`~sdg_interactions.io.workshop.plan_workshop`)."""
        return plan_workshop(list(self.nodes), respondents=self.respondents, by=self.by, overlap=self.overlap)

    def create(self, folder: str | os.PathLike, *, kommun: str | int) -> Path:
        """Create the workshop folder (:func:`~sdg_interactions.apps.workshop.new_workshop`); return its path."""
        return new_workshop(folder, list(self.nodes), kommun=kommun, respondents=self.respondents, by=self.by,
                            overlap=self.overlap, lang=self.lang)


def _framework_choices(lang: str) -> list[tuple[str, str]]:
    """Every registered framework but the SDG targets (searched apart), as ``(name, title)``: the national
    objectives and the user frameworks first, then the demo kommun's goals, SDG goals and Mongolia's."""
    later = ("exempelby", "sdg_goal", "mongolia2017")  # the demo kommun after the user's own frameworks
    found = [fw for fw in frameworks.frameworks() if fw.name != "sdg_target"]
    found.sort(key=lambda fw: fw.name in later)
    return [(fw.name, getattr(fw, f"title_{lang}")) for fw in found]


class Selection(widgets.VBox):
    """The selection's view: start set, search, other frameworks, the chosen nodes, the plan, the folder.

    Build it with :func:`select_targets`, or from a model: ``Selection(SelectionModel(...))``. The
    frameworks offered are those registered when the view is built (register a kommun's own goals with
    :func:`~sdg_interactions.frameworks.register_from_table` first).

    Parameters
    ----------
    model : SelectionModel
        The state to show and change.
    """

    def __init__(self, model: SelectionModel, **kwargs) -> None:
        super().__init__(**kwargs)
        self._model = model
        lang = model.lang
        say = functools.partial(self._say, lang=lang)
        wide = {"description_width": "initial"}
        full = widgets.Layout(width="min(100%, 46em)")
        bundled = frameworks.bundled_matrices()
        self._intro = widgets.HTML(f"<h3 style='margin:0.2em 0'>{html.escape(say('title'))}</h3>"
                                   f"<p>{html.escape(say('intro'))}</p>")
        self._start = widgets.Dropdown(
            options=[(str(r[f"title_{lang}"]), str(r["name"])) for _, r in bundled.iterrows()]
            + [(say("start_empty"), "")], value=DEFAULT_START, description=say("start"), style=wide, layout=full)
        self._use_start = widgets.Button(description=say("use_start"))
        self._search = widgets.Text(description=say("search"), placeholder=say("search_hint"), style=wide)
        self._goal = widgets.Dropdown(options=[(say("all_goals"), 0)] + [
            (f"{g.goal} {g.short}", int(g.goal)) for g in frameworks.goals(lang).itertuples()],
            description=say("goal"), style=wide)
        self._hits = widgets.HTML()
        self._results = widgets.SelectMultiple(description=say("results"), rows=8, style=wide, layout=full)
        self._add = widgets.Button(description=say("add"), icon="plus")
        choices = _framework_choices(lang)
        self._framework = widgets.Dropdown(options=[(title, name) for name, title in choices],
                                           value=choices[0][0] if choices else None, description=say("framework"),
                                           style=wide, layout=full)
        self._framework_nodes = widgets.SelectMultiple(description=say("framework_nodes"), rows=6, style=wide,
                                                       layout=full)
        self._add_framework = widgets.Button(description=say("add"), icon="plus")
        self._chosen = widgets.SelectMultiple(description=say("chosen"), rows=10, style=wide, layout=full)
        self._remove = widgets.Button(description=say("remove"), icon="minus")
        self._summary = widgets.HTML()
        self._respondents = widgets.IntText(description=say("respondents"), style=wide,
                                            layout=widgets.Layout(width="14em"))
        self._by = widgets.ToggleButtons(options=[(say(f"by_{b}"), b) for b in ("even", "rows")],
                                         description=say("by"), style=wide)
        self._overlap = widgets.IntText(description=say("overlap"), style=wide, layout=widgets.Layout(width="14em"))
        self._kommun = widgets.Text(description=say("kommun"), style=wide)
        self._folder = widgets.Text(description=say("folder"), style=wide, layout=full)
        self._create = widgets.Button(description=say("create"), button_style="primary",
                                      layout=widgets.Layout(width="auto"))
        self._created = widgets.HTML()
        self._errors = widgets.Output()
        self._links = [ShownLink((model, name), (widget, "value"), self._report)
                       for name, widget in (("respondents", self._respondents), ("by", self._by),
                                            ("overlap", self._overlap))]
        self._use_start.on_click(lambda _: self._guard(self.use_start))
        self._add.on_click(lambda _: self._guard(lambda: self._model.add(self._results.value)))
        self._add_framework.on_click(lambda _: self._guard(lambda: self._model.add(self._framework_nodes.value)))
        self._remove.on_click(lambda _: self._guard(lambda: self._model.remove(self._chosen.value)))
        self._create.on_click(lambda _: self._guard(self.create))
        self._search.observe(lambda _: self._guard(self._find), "value")
        self._search.observe(lambda _: self._guard(self._framework_options), "value")
        self._goal.observe(lambda _: self._guard(self._find), "value")
        self._framework.observe(lambda _: self._guard(self._framework_options), "value")
        model.observe(lambda _: self._guard(self._render), ["nodes", "respondents", "by", "overlap"])
        box = widgets.HBox
        self.children = [
            self._intro, box([self._start, self._use_start]), box([self._search, self._goal]), self._hits,
            box([self._results, self._add]), box([self._framework]), box([self._framework_nodes, self._add_framework]),
            box([self._chosen, self._remove]), box([self._respondents, self._by, self._overlap]), self._summary,
            box([self._kommun, self._folder]), self._create, self._errors, self._created]
        self._find()
        self._framework_options()
        self._render()

    @staticmethod
    def _say(key: str, lang: str, **values) -> str:
        return text(f"facilitator.selection.{key}", lang, **values)

    @property
    def model(self) -> SelectionModel:
        """The state this view shows."""
        return self._model

    @property
    def controls(self) -> dict[str, widgets.Widget]:
        """The input widgets by name: ``start``, ``use_start``, ``search``, ``goal``, ``results``, ``add``,
        ``framework``, ``framework_nodes``, ``add_framework``, ``chosen``, ``remove``, ``respondents``,
        ``by``, ``overlap``, ``kommun``, ``folder``, ``create`` (set ``.value`` or ``.click()`` as a user
        would)."""
        names = ("start", "use_start", "search", "goal", "results", "add", "framework", "framework_nodes",
                 "add_framework", "chosen", "remove", "respondents", "by", "overlap", "kommun", "folder", "create")
        return {name: getattr(self, f"_{name}") for name in names}

    @property
    def displays(self) -> dict[str, widgets.Widget]:
        """The output widgets by name: ``hits``, ``summary``, ``created`` (HTML) and ``errors`` (an Output)."""
        return {"hits": self._hits, "summary": self._summary, "created": self._created, "errors": self._errors}

    def use_start(self) -> None:
        """Replace the chosen nodes by the start set's (none for "start from scratch")."""
        name = self._start.value
        self._model.nodes = tuple(nodes_from(name)) if name else ()

    def create(self) -> Path:
        """Create the workshop folder from the view's kommun and folder; show where."""
        folder = self._folder.value.strip()
        if not folder:
            raise ValidationError(locate(tr("error.apps.folder_name"), value=folder,
                                         valid=tr("error.apps.valid_folder_name")))
        path = self._model.create(folder, kommun=self._kommun.value.strip())
        shown = html.escape(self._say("created", self._model.lang, path=str(path.resolve())))
        self._created.value = f"<p><strong>{shown}</strong></p>"
        return path

    def _guard(self, action) -> None:
        """Run a callback's work; an error goes to the message area (it would vanish in JupyterLab)."""
        try:
            action()
        except Exception as exc:
            self._report(exc)
        else:
            self._errors.outputs = ()

    def _find(self) -> None:
        lang = self._model.lang
        found = search_targets(self._search.value, lang=lang, goals=self._goal.value or None)
        self._results.options = [(f"{i} {label}", i) for i, label in zip(found["id"], found["label"], strict=True)]
        self._hits.value = f"<p>{html.escape(self._say('hits', lang, n=len(found)))}</p>"

    def _framework_options(self) -> None:
        if self._framework.value is None:
            return
        found = search_nodes(self._search.value, lang=self._model.lang, frameworks_=self._framework.value)
        self._framework_nodes.options = [(f"{i} {label}", i) for i, label in zip(found["id"], found["label"],
                                                                                   strict=True)]

    def _render(self) -> None:
        model, lang = self._model, self._model.lang
        info = frameworks.node_info(list(model.nodes))[f"label_{lang}"] if model.nodes else {}
        self._chosen.options = [(f"{i} {info[i]}", i) for i in model.nodes]
        if len(model.nodes) < 2:  # no plan yet: the count, and what to do
            count = self._say("count", lang, n=len(model.nodes), pairs=_spaced(model.n_pairs, lang))
            sentence = f"{count} {self._say('too_few', lang)}"
        else:  # the nodes, the pairs n·(n−1), participants, answers per pair and minutes each
            sentence = describe(model.plan(), lang)
        self._summary.value = f"<p><strong>{html.escape(sentence)}</strong></p>"

    def _report(self, exc: BaseException, kept: object = None) -> None:
        """Show an error in the message area, in the model's language (and log a bug's traceback)."""
        lang = self._model.lang
        if not isinstance(exc, SdgInteractionsError):
            _log.warning("selection: unexpected error", exc_info=exc)
        note = text("apps.error.reset", lang, value=kept) if kept is not None else ""
        self._errors.outputs = (_render.error_output(_render.user_message(exc, lang), note=note),)


def _spaced(n: int, lang: str) -> str:
    """A whole number with thousands spaced as people write it: "1 190" (sv), "1,190" (en)."""
    return f"{n:,}".replace(",", " " if lang == "sv" else ",")


def select_targets(*, lang: str = "sv", nodes: Iterable[str] | str = DEFAULT_START) -> Selection:
    """Open the target selection (a notebook or Voilà): choose the nodes, plan, create the workshop folder.

    Examples
    --------
    >>> app = select_targets(lang="en")
    >>> app.controls["framework"].value = "miljomal"
    >>> app.controls["framework_nodes"].value = ("MKM-1",)
    >>> app.controls["add_framework"].click()
    >>> len(app.model.nodes), app.model.n_pairs
    (35, 1190)
    """
    return Selection(SelectionModel(nodes, lang=lang))
