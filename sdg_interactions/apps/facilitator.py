"""The facilitator's dashboard: progress, the merge and its problems, contested pairs, and the report.

The workshop folder's ``ledning.ipynb`` calls :func:`dashboard` (Voilà serves it on the facilitator's
computer only, behind a token). Three parts, as in the explorer:

* the logic, plain functions: :func:`~sdg_interactions.apps.merge.merge_folder`,
  :func:`~sdg_interactions.apps.merge.progress` and :func:`~sdg_interactions.apps.merge.contested`
  (no widgets), and :func:`make_report` here, which writes the merged answers to ``rapporter/svar.nc``
  and renders the kommun's report next to it with :func:`~sdg_interactions.report.batch.run_batch`;
* :class:`DashboardModel`, the state (:class:`traitlets.HasTraits`): the folder, the language and the last
  merge, each checked with the library's own errors;
* :class:`Dashboard`, the view: a :class:`ipywidgets.VBox` with private children. "Uppdatera" /
  "Refresh" merges again (and, while its box is ticked, a timer every :data:`AUTO_REFRESH_SECONDS`);
  "Skapa rapporten" / "Make the report" makes the report. Its section "Personliga länkar"
  (:class:`~sdg_interactions.apps._links_view.LinksPanel`) lists each participant's link with its state,
  address and QR code, adds a link, gives a share a new link, releases a share, and turns the shared code
  for drop-ins on or off. Its line "Material för workshopen" names the kit's files
  (:func:`~sdg_interactions.apps.kit.kit_html`).

**Errors are shown, never lost**: whatever fails in a button's callback (a folder that went away, a report
that cannot be made) appears in the view's ``Output`` in the chosen language; a bug is also logged.
"""

from __future__ import annotations

import html
import logging
import os
from datetime import UTC, datetime
from pathlib import Path

import ipywidgets as widgets
import pandas as pd
import traitlets

from sdg_interactions import frameworks
from sdg_interactions.apps import _render
from sdg_interactions.apps._links_view import LinksPanel
from sdg_interactions.apps.kit import kit_html
from sdg_interactions.apps.merge import Merged, contested, merge_folder, progress
from sdg_interactions.apps.workshop import REPORT_DIR, read_about
from sdg_interactions.errors import ReportError, SdgInteractionsError, ValidationError, locate, tr
from sdg_interactions.textfile import move_into
from sdg_interactions.texts import LANGUAGES, text

__all__ = ["AUDIENCES", "AUTO_REFRESH_SECONDS", "CONTESTED_SHOWN", "MERGED_FILE", "UNSCORED_SHOWN", "Dashboard",
           "DashboardModel", "contested_html", "dashboard", "make_report", "pairs_html", "problems_html",
           "report_files", "respondents_html"]

#: The merged answers, in the report folder: the report is rendered from this file.
MERGED_FILE = "svar.nc"
#: The versions of the workshop's report, the politicians' first (its files keep the plain name).
AUDIENCES = ("politiker", "forvaltning")
#: How many unscored pairs the dashboard lists by name (the rest are counted).
UNSCORED_SHOWN = 30
#: How many contested pairs the dashboard lists, widest spread first (the rest are counted).
CONTESTED_SHOWN = 50
#: Seconds between two merges while "refresh automatically" is ticked.
AUTO_REFRESH_SECONDS = 30

_log = logging.getLogger(__name__)


def make_report(folder: str | os.PathLike, *, lang: str = "sv", formats: tuple[str, ...] = ("html", "pdf", "docx"),
                merged: Merged | None = None) -> dict[str, Path]:
    """Write the merged answers to ``rapporter/svar.nc`` and render the kommun's report there, in both
    versions: the politicians' (``1499_falkoping.pdf``) and the officials' full version
    (``1499_falkoping_forvaltning.pdf``), which the politicians' version refers to for the disagreements.

    Parameters
    ----------
    folder : str or path-like
        The workshop folder; the kommun comes from its ``om.json``.
    lang : {"sv", "en"}
        The report's language.
    formats : tuple of str
        Any of ``"html"``, ``"pdf"``, ``"docx"`` (the executed notebook is always written).
    merged : Merged, optional
        A merge of this folder already made (:func:`~sdg_interactions.apps.merge.merge_folder`); by
        default the folder is merged afresh.

    Returns
    -------
    dict of str to pathlib.Path
        ``"matrix"`` (the merged answers); the politicians' version: ``"ipynb"`` and one path per format;
        the officials' version: ``"forvaltning_ipynb"`` and ``"forvaltning_<format>"`` (:func:`report_files`
        lists them with their words).

    Raises
    ------
    ValidationError
        No answers to merge yet.
    ReportError
        The report could not be made (the reason from the report runner).
    """
    import shutil

    from sdg_interactions.io import write_matrix
    from sdg_interactions.report import batch

    folder = Path(folder)
    merged = merge_folder(folder) if merged is None else merged
    if merged.dataset is None:
        raise ValidationError(locate(tr("facilitator.error.no_answers"), file=os.fspath(folder),
                                     valid=tr("facilitator.error.valid_answers")))
    out = folder / REPORT_DIR
    out.mkdir(exist_ok=True)
    matrix = out / MERGED_FILE
    write_matrix(merged.dataset, matrix)
    kommun = str(read_about(folder)["kommun"])
    written: dict[str, Path] = {"matrix": matrix}
    for audience in AUDIENCES:  # one report file name per kommun: the officials' version is made apart, renamed
        where = out if audience == AUDIENCES[0] else out / f".{audience}"
        where.mkdir(exist_ok=True)
        result = batch.run_batch([{"kommun": kommun, "matrix": str(matrix), "lang": lang, "audience": audience}],
                                 output_dir=where, formats=formats, fast=False)
        if not result.ok:
            raise ReportError(locate(tr("facilitator.error.runner_failed", reason=next(iter(result.failed.values()))),
                                     file=os.fspath(matrix)))
        for kind, path in result.written[next(iter(result.written))].items():
            if where == out:
                written[kind] = Path(path)
                continue
            final = out / f"{Path(path).stem}_{audience}{Path(path).suffix}"
            move_into(path, final)  # a whole file, renamed in one step
            written[f"{audience}_{kind}"] = final
        if where != out:
            shutil.rmtree(where, ignore_errors=True)
    return written


def report_files(written: dict[str, Path], lang: str) -> list[str]:
    """One line per file :func:`make_report` wrote, saying which version it belongs to: "Förvaltningens
    fördjupade version, pdf: rapporter/1499_falkoping_forvaltning.pdf"."""
    lines = []
    for kind, path in written.items():
        if kind == "matrix":
            lines.append(f"{text('facilitator.version.matrix', lang)}: {path}")
            continue
        audience, _, fmt = kind.rpartition("_")
        version = text(f"facilitator.version.{audience or AUDIENCES[0]}", lang)
        lines.append(text("facilitator.version.file", lang, version=version, kind=fmt, path=path))
    return lines


class DashboardModel(traitlets.HasTraits):
    """The dashboard's state: which workshop folder, which language, and the last merge of its answers.

    Setting ``folder`` checks it is a workshop folder (its ``om.json`` reads);
    ``lang`` must be "sv" or "en". :meth:`refresh` merges the folder again.

    Parameters
    ----------
    folder : str or path-like
        A folder made by :func:`~sdg_interactions.apps.workshop.new_workshop`.
    lang : {"sv", "en"}
        The language of every text.

    Examples
    --------
    >>> DashboardModel("no/such/folder")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sdg_interactions.errors.ValidationError: no/such/folder/om.json: not a workshop folder (FileNotFoundError). ...
    """

    folder = traitlets.Unicode(help="The workshop folder.")
    lang = traitlets.Unicode("sv", help="'sv' or 'en'.")
    merged = traitlets.Instance(Merged, allow_none=True, help="The last merge (None before the first).")
    updated = traitlets.Unicode("", help="When the last merge was made, UTC, 'YYYY-MM-DD HH:MM:SS'.")

    def __init__(self, folder: str | os.PathLike = ".", *, lang: str = "sv") -> None:
        super().__init__()
        self.lang = lang
        self.folder = os.fspath(folder)

    @property
    def about(self) -> dict:
        """The workshop's ``om.json``: ``kommun``, ``kommun_name``, ``lang``, ``join_code``."""
        return read_about(self.folder)

    @traitlets.validate("folder")
    def _valid_folder(self, proposal):
        read_about(proposal.value)  # raises ValidationError naming the file for anything else
        return proposal.value

    @traitlets.validate("lang")
    def _valid_lang(self, proposal):
        return _render.check_choice(proposal.value, "lang", LANGUAGES)

    def refresh(self) -> Merged:
        """Merge the folder's answers again (:func:`~sdg_interactions.apps.merge.merge_folder`); return the merge."""
        merged = merge_folder(self.folder)
        self.updated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S")
        self.merged = merged
        return merged


def _table(headers: list[str], rows: list[list[str]]) -> str:
    """An HTML table of text cells (escaped here)."""
    head = "".join(f"<th style='text-align:left;padding:0.2em 0.6em'>{html.escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td style='padding:0.2em 0.6em'>{html.escape(c)}</td>" for c in row) + "</tr>"
                   for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _heading(key: str, lang: str) -> str:
    return f"<h4 style='margin:0.6em 0 0.2em'>{html.escape(text(f'facilitator.dashboard.{key}', lang))}</h4>"


def respondents_html(table: pd.DataFrame, lang: str) -> str:
    """The progress per respondent (:func:`~sdg_interactions.apps.merge.progress`) as an HTML table."""
    say = {key: text(f"facilitator.dashboard.column.{key}", lang) for key in (
        "respondent", "file", "answered", "assigned", "share", "last")}
    rows = []
    for row in table.itertuples(index=False):
        assigned = text("facilitator.dashboard.not_in_plan", lang) if pd.isna(row.assigned) else str(row.assigned)
        done = "–" if pd.isna(row.done) else f"{_render.number(100 * row.done, lang)} %"
        last = "–" if pd.isna(row.last_answer) else row.last_answer.strftime("%Y-%m-%d %H:%M")
        who = row.respondent if row.share in ("", row.respondent) else f"{row.respondent} ({row.share})"
        rows.append([who, row.file or text("facilitator.dashboard.not_started", lang),
                     str(row.answered), assigned, done, last])
    return _heading("heading_respondents", lang) + _table(list(say.values()), rows)


def pairs_html(table: pd.DataFrame, lang: str, labels: dict[str, str]) -> str:
    """The progress per pair: how many have every planned answer, and the pairs no one has scored, by name."""
    complete = int((table["missing"] == 0).sum())
    unscored = table[table["unscored"]]
    out = _heading("heading_pairs", lang) + "<p>" + html.escape(text(
        "facilitator.dashboard.pairs_summary", lang, complete=complete, pairs=len(table),
        unscored=len(unscored))) + "</p>"
    if len(unscored):
        items = "".join(f"<li>{html.escape(_pair_name(s, t, labels))}</li>" for s, t in
                        zip(unscored["source"][:UNSCORED_SHOWN], unscored["target"][:UNSCORED_SHOWN], strict=True))
        more = len(unscored) - UNSCORED_SHOWN
        tail = f"<p>{html.escape(text('facilitator.dashboard.more', lang, n=more))}</p>" if more > 0 else ""
        out += (f"<details><summary>{html.escape(text('facilitator.dashboard.unscored', lang))} ({len(unscored)})"
                f"</summary><ul>{items}</ul>{tail}</details>")
    return out


def _pair_name(source: str, target: str, labels: dict[str, str]) -> str:
    return f"{source} {labels.get(source, '')}".strip() + " → " + f"{target} {labels.get(target, '')}".strip()


def problems_html(merged: Merged, lang: str) -> str:
    """The merge's problems in words (``Problem.words``), or that there are none."""
    head = _heading("heading_problems", lang)
    if not merged.problems:
        return head + f"<p>{html.escape(text('facilitator.dashboard.no_problems', lang))}</p>"
    items = "".join(f"<li style='margin-bottom:0.3em'>{html.escape(p.words(lang))}</li>" for p in merged.problems)
    return head + f"<ul role='list'>{items}</ul>"


def contested_html(table: pd.DataFrame, lang: str) -> str:
    """The contested cells (:func:`~sdg_interactions.apps.merge.contested`) as an HTML table with the spread: the
    first :data:`CONTESTED_SHOWN`, widest spread first, and how many more there are."""
    head = _heading("heading_contested", lang)
    if table.empty:
        return head + f"<p>{html.escape(text('facilitator.dashboard.no_contested', lang))}</p>"
    say = [text(f"facilitator.dashboard.column.{key}", lang) for key in ("pair", "n", "spread", "iqr")]
    rows = [[f"{r.source} {r.source_label} → {r.target} {r.target_label}", str(r.n),
             f"{_render.signed(r.low, lang)} … {_render.signed(r.high, lang)}", _render.number(r.iqr, lang)]
            for r in table.head(CONTESTED_SHOWN).itertuples(index=False)]
    note = f"<p><small>{html.escape(text('facilitator.dashboard.contested_note', lang))}</small></p>"
    more = len(table) - CONTESTED_SHOWN
    tail = f"<p>{html.escape(text('facilitator.dashboard.more', lang, n=more))}</p>" if more > 0 else ""
    return head + note + _table(say, rows) + tail


class Dashboard(widgets.VBox):
    """The facilitator's view: refresh and report buttons, progress, problems, contested pairs, messages.

    Build it with :func:`dashboard`, or from a model: ``Dashboard(DashboardModel(folder))``. It merges
    once when built; "Uppdatera" / "Refresh" merges again, and so does a timer every
    :data:`AUTO_REFRESH_SECONDS` while "refresh automatically" is ticked.

    Parameters
    ----------
    model : DashboardModel
        The state to show.
    schedule : callable, optional
        ``schedule(seconds, callback)`` runs ``callback`` once after ``seconds`` and returns a handle
        with ``cancel()``. By default the kernel's asyncio loop (``loop.call_later``), which a notebook
        or Voilà kernel runs; without one, ticking the box shows an error.
    """

    def __init__(self, model: DashboardModel, *, schedule=None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._model = model
        self._schedule = schedule or _call_later
        self._timer = None
        lang = model.lang
        self._auto = widgets.Checkbox(value=False, indent=False, description=text(
            "facilitator.dashboard.auto", lang, seconds=AUTO_REFRESH_SECONDS), layout=widgets.Layout(width="auto"))
        self._auto.observe(self._auto_changed, "value")
        self._intro = widgets.HTML()
        self._refresh = widgets.Button(description=text("facilitator.dashboard.refresh", lang), icon="refresh")
        self._report_button = widgets.Button(description=text("facilitator.dashboard.report", lang),
                                             button_style="primary", layout=widgets.Layout(width="auto"))
        self._status = widgets.HTML()
        self._errors = widgets.Output()
        self._respondents = widgets.HTML()
        self._pairs = widgets.HTML()
        self._problems = widgets.HTML()
        self._contested = widgets.HTML()
        self._report = widgets.HTML()
        self._kit = widgets.HTML()
        self._links = LinksPanel(model.folder, lang)
        kommun = model.about.get("kommun_name", "")
        title = text("facilitator.dashboard.title", lang, kommun=kommun)
        self._intro.value = (f"<h3 style='margin:0.2em 0'>{html.escape(title)}</h3>"
                             f"<p>{html.escape(text('facilitator.dashboard.intro', lang))}</p>")
        self._refresh.on_click(lambda _: self.refresh())
        self._report_button.on_click(lambda _: self.make_report())
        model.observe(self._render, "merged")
        self.children = [self._intro, widgets.HBox([self._refresh, self._auto, self._report_button]),
                         self._errors,
                         self._report, self._status, self._kit, self._links, self._respondents, self._pairs,
                         self._problems, self._contested]
        self.refresh()

    @property
    def model(self) -> DashboardModel:
        """The state this view shows."""
        return self._model

    @property
    def links(self) -> LinksPanel:
        """The section of personal links (its own ``controls`` and ``displays``)."""
        return self._links

    @property
    def controls(self) -> dict[str, widgets.Widget]:
        """The controls by name: the buttons ``refresh`` and ``report`` (``.click()`` them in tests and scripts)
        and the checkbox ``auto`` (refresh automatically)."""
        return {"refresh": self._refresh, "auto": self._auto, "report": self._report_button}

    @property
    def displays(self) -> dict[str, widgets.Widget]:
        """The output widgets by name: ``status``, ``respondents``, ``pairs``, ``problems``, ``contested``,
        ``report``, ``kit`` (HTML) and ``errors`` (an Output)."""
        return {"status": self._status, "respondents": self._respondents, "pairs": self._pairs,
                "problems": self._problems, "contested": self._contested, "report": self._report,
                "kit": self._kit, "errors": self._errors}

    def refresh(self) -> None:
        """Merge the answers again and redraw; an error goes to the message area."""
        try:
            self._model.refresh()
            self._kit.value = kit_html(self._model.folder, self._model.lang)
            self._links.refresh()
        except Exception as exc:  # shown in the app: a callback's error would vanish in JupyterLab
            self._show(exc)

    def _auto_changed(self, change) -> None:
        if change.new:
            self._later()
        elif self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _later(self) -> None:
        """Schedule the next automatic refresh; if that cannot be done, say so and untick the box."""
        try:
            self._timer = self._schedule(AUTO_REFRESH_SECONDS, self._tick)
        except Exception as exc:
            self._timer = None
            self._show(exc)
            self._auto.value = False

    def close(self) -> None:
        """Stop the automatic refresh and close the widgets (a re-run cell leaves no timer behind)."""
        self._auto.value = False  # cancels a scheduled refresh (_auto_changed)
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        super().close()

    def _tick(self) -> None:
        self._timer = None
        if self._auto.value and self.comm is not None:
            self.refresh()
            self._later()

    def make_report(self) -> dict[str, Path] | None:
        """Merge again, write ``rapporter/svar.nc`` and render the report; show the paths or the error."""
        lang = self._model.lang
        self._report_button.disabled = True
        self._report.value = f"<p><em>{html.escape(text('facilitator.dashboard.working', lang))}</em></p>"
        try:
            merged = self._model.refresh()
            paths = make_report(self._model.folder, lang=lang, merged=merged)
        except Exception as exc:
            self._report.value = ""
            self._show(exc, key="facilitator.dashboard.failed")
            return None
        finally:
            self._report_button.disabled = False
        items = "".join(f"<li>{html.escape(line)}</li>" for line in report_files(paths, lang))
        done = html.escape(text("facilitator.dashboard.written", lang))
        self._report.value = f"<p><strong>{done}</strong></p><ul>{items}</ul>"
        self._errors.outputs = ()
        return paths

    def _render(self, change=None) -> None:
        lang, merged = self._model.lang, self._model.merged
        if merged is None:
            return
        try:
            ds = merged.dataset
            pairs = progress(merged, by="pair")
            scored = int((pairs["answers"] > 0).sum())
            summary = text("facilitator.dashboard.summary", lang, merged=len(merged.respondents),
                           files=len(merged.files), scored=scored, pairs=len(pairs))
            if ds is None:
                summary += " " + text("facilitator.dashboard.no_answers", lang)
            updated = text("facilitator.dashboard.updated", lang, time=self._model.updated)
            self._status.value = f"<p>{html.escape(summary)} <small>{html.escape(updated)}</small></p>"
            labels = frameworks.node_info(merged.plan.nodes)[f"label_{lang}"].to_dict()
            self._respondents.value = respondents_html(progress(merged), lang)
            self._pairs.value = pairs_html(pairs, lang, labels)
            self._problems.value = problems_html(merged, lang)
            self._contested.value = contested_html(contested(ds, lang=lang) if ds is not None else
                                                   pd.DataFrame(), lang)
        except Exception as exc:
            self._show(exc)
            return
        self._errors.outputs = ()

    def _show(self, exc: BaseException, *, key: str | None = None) -> None:
        """Show an error in the message area, in the model's language (and log a bug's traceback)."""
        lang = self._model.lang
        if not isinstance(exc, SdgInteractionsError):
            _log.warning("facilitator: unexpected error", exc_info=exc)
        message = exc.words(lang) if isinstance(exc, SdgInteractionsError) and not hasattr(exc, "text_key") \
            else _render.user_message(exc, lang)
        if key is not None:
            message = text(key, lang, message=message)
        self._errors.outputs = (_render.error_output(message),)


def _call_later(seconds: float, callback):
    """Run ``callback`` after ``seconds`` on the kernel's running asyncio loop; return the handle."""
    import asyncio

    try:
        loop = asyncio.get_running_loop()
    except RuntimeError:
        raise ValidationError(locate(tr("error.apps.auto_refresh"), valid=tr("error.apps.valid_auto_refresh"))) \
            from None
    return loop.call_later(seconds, callback)


def dashboard(folder: str | os.PathLike = ".", *, lang: str = "sv") -> Dashboard:
    """Open the facilitator's dashboard on a workshop folder (``ledning.ipynb`` calls ``dashboard(".")``).

    Examples
    --------
    >>> import tempfile
    >>> from sdg_interactions.apps.workshop import new_workshop
    >>> ws = new_workshop(Path(tempfile.mkdtemp()) / "ws", ["7.2", "13.2"], kommun="Habo", respondents=2)
    >>> app = dashboard(ws, lang="en")
    >>> "R1" in app.displays["respondents"].value, "No answers yet." in app.displays["status"].value
    (True, True)
    """
    return Dashboard(DashboardModel(folder, lang=lang))
