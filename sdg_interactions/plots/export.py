"""Render charts offline to SVG or PNG with vl-convert (no browser, no network), for reports."""

from __future__ import annotations

import os

import altair as alt

from sdg_interactions.textfile import write_atomic

__all__ = ["show_offline", "to_png", "to_svg"]

#: The name of the altair renderer :func:`show_offline` registers.
RENDERER = "sdg_interactions"

#: d3 number-format locales by chart language: Swedish charts get a decimal comma.
_LOCALES = {"sv": "sv-SE", "en": "en-US"}


def _spec(chart: alt.TopLevelMixin) -> tuple[dict, dict]:
    return _options(chart.to_dict())


def _options(spec: dict) -> tuple[dict, dict]:
    lang = spec.get("usermeta", {}).get("sdg_interactions", {}).get("lang")
    options: dict = {"allowed_base_urls": []}  # all data is inline: never fetch anything
    if lang in _LOCALES:
        options["format_locale"] = _LOCALES[lang]
    version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]  # "v6.4.1" -> "6.4"
    import vl_convert

    if version in vl_convert.get_vegalite_versions():
        options["vl_version"] = version
    return spec, options


def to_svg(chart: alt.TopLevelMixin, path: str | os.PathLike | None = None) -> str:
    """Render a chart to an SVG string, offline; with a ``path``, also write it there (UTF-8, whole or not at
    all: :func:`~sdg_interactions.textfile.write_atomic`).

    Numbers follow the chart's language (``usermeta``): a decimal comma in Swedish charts.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sdg_interactions.plots import heatmap
    >>> from sdg_interactions.matrix import toy_matrix
    >>> to_svg(heatmap(toy_matrix()))[:4]
    '<svg'
    >>> p = Path(tempfile.mkdtemp()) / "karta.svg"
    >>> svg = to_svg(heatmap(toy_matrix()), p)
    >>> p.read_text("utf-8") == svg
    True
    """
    import vl_convert

    spec, options = _spec(chart)
    svg = vl_convert.vegalite_to_svg(spec, **options)
    if path is not None:
        write_atomic(path, svg)
    return svg


def to_png(chart: alt.TopLevelMixin, path: str | os.PathLike | None = None, *, scale: float = 1) -> bytes:
    """Render a chart to PNG bytes, offline; ``scale=2`` doubles the resolution (for print); with a
    ``path``, also write the file.

    Examples
    --------
    >>> import tempfile
    >>> from pathlib import Path
    >>> from sdg_interactions.plots import heatmap
    >>> from sdg_interactions.matrix import toy_matrix
    >>> to_png(heatmap(toy_matrix()))[:8]
    b'\\x89PNG\\r\\n\\x1a\\n'
    >>> p = Path(tempfile.mkdtemp()) / "karta.png"
    >>> png = to_png(heatmap(toy_matrix()), p)
    >>> p.read_bytes() == png
    True
    """
    import vl_convert

    spec, options = _spec(chart)
    png = vl_convert.vegalite_to_png(spec, scale=scale, **options)
    if path is not None:
        write_atomic(path, png)
    return png


def _render(spec: dict, **_) -> dict:
    import vl_convert

    spec, options = _options(spec)
    return {"image/svg+xml": vl_convert.vegalite_to_svg(spec, **options)}


def show_offline() -> None:
    """Show altair charts in notebooks and Voilà as SVG rendered here, with no JavaScript from a CDN.

    Altair's default renderer loads Vega from the internet in the browser, so offline (a kommun's
    locked-down laptop, a workshop room without network) a chart stays empty. After this call, a chart
    that is a cell's result is rendered with :func:`to_svg` (numbers in the chart's language) and sent
    as ``image/svg+xml``. The tutorials call it first.

    Examples
    --------
    >>> show_offline()
    >>> alt.renderers.active
    'sdg_interactions'
    """
    if RENDERER not in alt.renderers.names():
        alt.renderers.register(RENDERER, _render)
    alt.renderers.enable(RENDERER)
