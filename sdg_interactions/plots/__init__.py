"""Charts of interaction matrices and their results (altair): functions that return charts.

Every function takes a matrix or a result and returns an :class:`altair.Chart` (layered or
concatenated); it never displays or saves it. Titles, axis titles, legends, tooltips and the caption
come from the text catalogue in ``lang`` ("sv" by default). Scores are always coloured on one fixed
scale: domain [−3, 3], midpoint 0, Vega's colour-blind-safe ``blueorange`` reversed (blue promotes,
orange hinders), so charts compare across kommuner. :func:`to_svg` and :func:`to_png` render a chart
offline with vl-convert, for reports.

Every chart reads as its language writes: numbers in Vega's format locale built from CLDR
(:func:`~sdg_interactions.plots.export.format_locale`, carried in the spec's ``config.locale``, so a
browser uses it too), axes of scores and counts ticked at whole numbers only, and long labels wrapped
or shortened at a word boundary (:func:`~sdg_interactions.plots.base.shorten`,
:func:`~sdg_interactions.plots.base.fit_label`) while tooltips keep the full label.

This package imports altair; ``import sdg_interactions`` does not import it.
"""

from sdg_interactions.plots.base import SCORE_DOMAIN, SCORE_SCHEME, rows_of, score_scale
from sdg_interactions.plots.comparison import comparison_chart
from sdg_interactions.plots.dimensions import dimension_chart
from sdg_interactions.plots.export import show_offline, to_png, to_svg
from sdg_interactions.plots.heatmaps import goal_heatmap, heatmap
from sdg_interactions.plots.links import conflicts, radial
from sdg_interactions.plots.networks import LAYOUTS, layout_positions, network
from sdg_interactions.plots.nodes import quadrants, ranking, scenario_classes
from sdg_interactions.plots.projection import objective_effects

__all__ = [
    "LAYOUTS",
    "SCORE_DOMAIN",
    "SCORE_SCHEME",
    "comparison_chart",
    "conflicts",
    "dimension_chart",
    "goal_heatmap",
    "heatmap",
    "layout_positions",
    "network",
    "objective_effects",
    "quadrants",
    "radial",
    "ranking",
    "rows_of",
    "scenario_classes",
    "score_scale",
    "show_offline",
    "to_png",
    "to_svg",
]
