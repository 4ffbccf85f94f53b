"""Interactive apps for notebooks and Voilà (ipywidgets): explore a matrix, run a workshop, no code.

Each app is a model (:class:`traitlets.HasTraits`, the state, checked with the library's own errors),
a view (an :class:`ipywidgets.VBox`) and pure functions that do the work, usable on their own:

==========================  ===================================================================
name                        what
==========================  ===================================================================
:func:`explore`             the explorer: one node's links, as a chart and as lists in words
:func:`links_of`            one node's links above a threshold, strongest first (no widgets)
:func:`select_targets`      choose the targets of a workshop; pairs and time; make the folder
:func:`search_targets`      search the 169 targets' texts in sv and en (no widgets)
:func:`scoring_app`         the participants' scoring app (every answer fsynced to a journal)
:func:`dashboard`           the facilitator's page: progress, merge, contested cells, the report
:func:`merge_folder`        merge a workshop's journals and uploads, naming every problem
:func:`new_workshop`        make a workshop folder; :func:`serve` serves it with Voilà
:func:`scenario_app`        try priorities: what comes along, what is at risk; save / open scenarios
==========================  ===================================================================

Charts are rendered offline to inline SVG, so the apps work without a network. ``import
sdg_interactions`` does not import this package; and this package imports each app's module only when its
name is first used (:pep:`562`), so a participant's kernel that runs only the scoring app never imports the
charts (altair) — about 2 s less per page on a busy machine.
"""

import importlib

#: Where each public name lives.
_HOME = {
    **dict.fromkeys(["Explorer", "ExplorerModel", "comments_of", "explore", "links_of"], "explorer"),
    **dict.fromkeys(["Dashboard", "DashboardModel", "dashboard", "make_report"], "facilitator"),
    **dict.fromkeys(["Merged", "Problem", "contested", "merge_answers", "merge_folder", "progress"], "merge"),
    **dict.fromkeys(["ScenarioApp", "ScenarioModel", "load_scenario", "save_scenario", "scenario_app"], "scenario"),
    **dict.fromkeys(["ScoringApp", "ScoringModel", "scoring_app"], "scoring"),
    **dict.fromkeys(["Selection", "SelectionModel", "search_targets", "select_targets"], "selection"),
    "serve": "server",
    **dict.fromkeys(["journal_path", "new_workshop", "read_about", "read_plan"], "workshop"),
}


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOME])


__all__ = [
    "Dashboard",
    "DashboardModel",
    "Explorer",
    "ExplorerModel",
    "Merged",
    "Problem",
    "ScenarioApp",
    "ScenarioModel",
    "ScoringApp",
    "ScoringModel",
    "Selection",
    "SelectionModel",
    "comments_of",
    "contested",
    "dashboard",
    "explore",
    "journal_path",
    "links_of",
    "load_scenario",
    "make_report",
    "merge_answers",
    "merge_folder",
    "new_workshop",
    "progress",
    "read_about",
    "read_plan",
    "save_scenario",
    "scenario_app",
    "scoring_app",
    "search_targets",
    "select_targets",
    "serve",
]
