"""Render charts offline to SVG or PNG with vl-convert (no browser, no network), for reports."""

from __future__ import annotations

import os

import altair as alt

from sdg_interactions.textfile import write_atomic

__all__ = ["format_locale", "show_offline", "to_png", "to_svg"]

#: The name of the altair renderer :func:`show_offline` registers.
RENDERER = "sdg_interactions"


def format_locale(lang: str) -> dict:
    """Vega's (d3-format's) number locale of a chart language, built from the CLDR symbols Babel holds for
    :data:`sdg_interactions.formats.LOCALES`, so a chart writes numbers as the report's text does: a
    decimal comma and a no-break space between thousands in Swedish, a point and a comma in English, and
    the true minus sign "−" (:data:`~sdg_interactions.formats.MINUS`) in both.

    :func:`~sdg_interactions.plots.base.finish` puts it in every chart's ``config.locale`` (so any
    renderer, also a browser's, uses it) and :func:`to_svg` / :func:`to_png` pass it to vl-convert.

    Examples
    --------
    >>> sv = format_locale("sv")
    >>> sv["decimal"], sv["thousands"], sv["minus"], sv["grouping"], sv["percent"]
    (',', '\\xa0', '−', [3], '\\xa0%')
    >>> en = format_locale("en")
    >>> en["decimal"], en["thousands"], en["minus"]
    ('.', ',', '−')
    """
    from babel import Locale
    from babel.numbers import get_decimal_symbol, get_group_symbol

    from sdg_interactions.formats import LOCALES, MINUS
    from sdg_interactions.texts import check_lang

    name = LOCALES[check_lang(lang)]
    locale = Locale.parse(name)
    decimal = locale.decimal_formats[None]
    percent = locale.percent_formats[None]
    grouping = [int(decimal.grouping[0])] if decimal.grouping and decimal.grouping[0] < 100 else [3]
    return {"decimal": get_decimal_symbol(name), "thousands": get_group_symbol(name), "grouping": grouping,
            "currency": ["", ""], "minus": MINUS, "percent": percent.suffix[0] or "%", "nan": "–"}


def _spec(chart: alt.TopLevelMixin) -> tuple[dict, dict]:
    return _options(chart.to_dict())


def _options(spec: dict) -> tuple[dict, dict]:
    lang = spec.get("usermeta", {}).get("sdg_interactions", {}).get("lang")
    options: dict = {"allowed_base_urls": []}  # all data is inline: never fetch anything
    if lang in ("sv", "en"):
        options["format_locale"] = format_locale(lang)
    version = alt.SCHEMA_VERSION.lstrip("v").rsplit(".", 1)[0]  # "v6.4.1" -> "6.4"
    import vl_convert

    if version in vl_convert.get_vegalite_versions():
        options["vl_version"] = version
    return spec, options


def to_svg(chart: alt.TopLevelMixin, path: str | os.PathLike | None = None) -> str:
    """Render a chart to an SVG string, offline; with a ``path``, also write it there (UTF-8, whole or not at
    all: :func:`~sdg_interactions.textfile.write_atomic`).

    Numbers follow the chart's language (``usermeta``): :func:`format_locale`, a decimal comma, a no-break
    space between thousands and "−" in Swedish charts.

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
