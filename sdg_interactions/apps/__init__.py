"""Interactive apps for notebooks and Voilà (ipywidgets): explore a matrix without writing code.

Each app is a model (:class:`traitlets.HasTraits`, the state, checked with the library's own errors),
a view (an :class:`ipywidgets.VBox`) and a pure function that does the work, usable on its own:

=====================  =====================================================================
name                   what
=====================  =====================================================================
:func:`explore`        open the explorer: one node's links, as a chart and as lists in words
:func:`links_of`       one node's links above a threshold, strongest first (no widgets)
:class:`ExplorerModel` the explorer's state
:class:`Explorer`      the explorer's view
=====================  =====================================================================

Charts are rendered offline to inline SVG, so the apps work without a network. This package imports
ipywidgets and altair; ``import sdg_interactions`` does not import it.
"""

from sdg_interactions.apps.explorer import Explorer, ExplorerModel, comments_of, explore, links_of

__all__ = ["Explorer", "ExplorerModel", "comments_of", "explore", "links_of"]
