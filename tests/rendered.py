"""What a reader sees, rendered once for the tests that read it (the glossary and the Swedish numbers).

:func:`outputs` renders, and returns as plain text, ``{name: Rendered}``:

* six reports (HTML, tags stripped) by the fast batch: the politician and the förvaltning versions in
  Swedish on the bundled national example, both versions in Swedish on the synthetic respondents, the
  förvaltning version in English, and the politician version on a kommun's own matrix (Malmö's, from the
  synthetic kommuner);
* the konsekvens note (Markdown and HTML) in Swedish and in English;
* the command line under ``--lang sv`` (and one ``--lang en``): ``analyse``, ``scenario``, ``portfolio``,
  ``robustness``, ``objectives``, ``compare``, and the ``--help`` of every command.

Rendering takes about a minute, so it happens once per state of the sources: the texts are cached in a
folder under the system's temporary folder named by a hash of the package's sources, the bundled data and
this file, and a second test process (pytest-xdist) waits for the first one's lock and then reads them.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import io
import json
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sdg_interactions"
MATRICES = ROOT / "datasets" / "matrices"

#: The reports: (name, kommun, lang, audience, matrix, styrdokument). One batch, so one kommun a report.
REPORTS = [
    ("report_politiker_sv", "Falköping", "sv", "politiker", "weitz2018_sweden", ""),
    ("report_forvaltning_sv", "Ockelbo", "sv", "forvaltning", "weitz2018_sweden", "exempel"),
    ("report_synthetic_politiker_sv", "Härryda", "sv", "politiker", "synthetic_respondents", ""),
    ("report_synthetic_forvaltning_sv", "Umeå", "sv", "forvaltning", "synthetic_respondents", ""),
    ("report_forvaltning_en", "Hjo", "en", "forvaltning", "weitz2018_sweden", ""),
    ("report_own_politiker_sv", "Malmö", "sv", "politiker", str(MATRICES / "synthetic_kommuner" / "1280_malmo.csv"),
     ""),
]

#: The command lines: (name, lang, argv). Paths are filled in by :func:`_cli_runs`.
COMMANDS = ["analyse", "scenario", "template", "workshop", "report", "portfolio", "robustness", "compare",
            "kolada", "styrdokument", "konsekvens", "objectives"]


_RESPONDENTS = str(MATRICES / "synthetic_respondents.csv")
#: The command lines whose output is read: ``{name: (lang, argv)}``.
CLI_RUNS = {
    "cli_analyse_sv": ("sv", ["analyse", "--lang", "sv", "--top", "10"]),
    "cli_analyse_respondents_sv": ("sv", ["analyse", "--lang", "sv", "--top", "5", _RESPONDENTS]),
    "cli_scenario_sv": ("sv", ["scenario", "--lang", "sv", "--priorities", "7.2,13.2"]),
    "cli_portfolio_sv": ("sv", ["portfolio", "--lang", "sv", "--k", "5"]),
    "cli_robustness_sv": ("sv", ["robustness", "--lang", "sv", "--samples", "100", _RESPONDENTS]),
    "cli_objectives_sv": ("sv", ["objectives", "--lang", "sv", "--priorities", "7.2,11.2"]),
    "cli_compare_sv": ("sv", ["compare", "--lang", "sv", str(MATRICES / "synthetic_kommuner")]),
    "cli_scenario_en": ("en", ["scenario", "--lang", "en", "--priorities", "7.2,13.2"]),
    "cli_portfolio_en": ("en", ["portfolio", "--lang", "en", "--k", "5"]),
}

#: Every output's name and language, known before anything is rendered (for test ids).
NAMES = {
    **{name: lang for name, _, lang, *_ in REPORTS},
    **{name: lang for name, (lang, _) in CLI_RUNS.items()},
    "cli_help_sv": "sv",
    **{f"cli_help_{command}_sv": "sv" for command in COMMANDS},
    **{f"{kind}_{lang}{suffix}": lang for lang in ("sv", "en")
       for kind, suffix in (("cli_konsekvens", ""), ("konsekvens", "_html"), ("konsekvens", "_md"))},
}


@dataclass(frozen=True)
class Rendered:
    """One rendered output: what it is, its language and its text as a reader sees it; ``failed`` says why
    there is no text (the run failed: the tests that read outputs report it)."""

    name: str
    lang: str
    text: str
    failed: str = ""


def html_text(page: str) -> str:
    """The text of an HTML page as a reader sees it: scripts, styles and tags gone, entities read; the
    texts a screen reader or a tooltip gives (``alt``, ``title``, ``aria-label``) follow, one a line."""
    spoken = re.findall(r"\s(?:alt|title|aria-label)=\"([^\"]*)\"", page, flags=re.I)
    page = re.sub(r"<(script|style)\b.*?</\1\s*>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<!--.*?-->", " ", page, flags=re.S)
    page = re.sub(r"<br\s*/?>|</(p|div|li|tr|td|th|h\d|section|text|tspan|title|caption|figcaption)\s*>",
                  "\n", page, flags=re.I)
    return html.unescape(re.sub(r"<[^<>]*>", " ", page) + "\n" + "\n".join(spoken))


def _sources_key() -> str:
    digest = hashlib.sha256()
    files = [Path(__file__)]
    for pattern in ("*.py", "*.toml", "*.ipynb", "*.json"):
        files += PACKAGE.rglob(pattern)
    files += MATRICES.rglob("*.csv")
    for path in sorted(set(files)):
        if "__pycache__" in path.parts:
            continue
        digest.update(str(path.relative_to(ROOT)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _cli(name: str, lang: str, argv: list[str]) -> Rendered:
    """Run the command line in this process; return what it printed (stdout, then stderr)."""
    from sdg_interactions.cli import main

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    printed = out.getvalue() + err.getvalue()
    failed = f"sdg-interactions {' '.join(argv)} exited {code}: {err.getvalue().strip()}" if code else ""
    return Rendered(name, lang, printed, failed)


def _cli_runs(folder: Path) -> dict[str, Rendered]:
    rendered = {name: _cli(name, lang, argv) for name, (lang, argv) in CLI_RUNS.items()}
    rendered["cli_help_sv"] = _cli("cli_help_sv", "sv", ["--lang", "sv", "--help"])
    for command in COMMANDS:
        name = f"cli_help_{command}_sv"
        rendered[name] = _cli(name, "sv", [command, "--lang", "sv", "--help"])
    for lang in ("sv", "en"):  # the konsekvens note, as the tjänsteskrivelse gets it
        out = folder / f"konsekvens_{lang}"
        name = f"cli_konsekvens_{lang}"
        rendered[name] = _cli(name, lang, ["konsekvens", "--lang", lang, "--targets", "7.2,11.2", "--kommun",
                                           "Falköping", "--format", "html,md", "--output-dir", str(out)])
        for path in sorted(out.iterdir()) if out.is_dir() else []:
            page = path.read_text(encoding="utf-8")
            name = f"konsekvens_{lang}{path.suffix.replace('.', '_')}"
            rendered[name] = Rendered(name, lang, html_text(page) if path.suffix == ".html" else page)
    return rendered


def _reports(folder: Path) -> dict[str, Rendered]:
    from sdg_interactions import frameworks
    from sdg_interactions.report import batch

    out = folder / "reports"
    params = [{"kommun": kommun, "lang": lang, "audience": audience, "matrix": matrix,
               "styrdokument": styrdokument, "output_dir": str(out)}
              for _, kommun, lang, audience, matrix, styrdokument in REPORTS]
    result = batch.run_batch(params, output_dir=out, formats=("html",), jobs=1, fast=True)
    rendered = {}
    for name, kommun, lang, *_ in REPORTS:
        code = frameworks.find_kommun(kommun)["kommunkod"]
        if code in result.written:
            page = result.written[code]["html"].read_text(encoding="utf-8")
            rendered[name] = Rendered(name, lang, html_text(page))
        else:
            rendered[name] = Rendered(name, lang, "", f"the report failed: {result.failed.get(code)}")
    return rendered


def _render(folder: Path) -> dict[str, Rendered]:
    return {**_reports(folder), **_cli_runs(folder)}


def outputs() -> dict[str, Rendered]:
    """Every rendered output, ``{name: Rendered}``: from the cache when the sources have not changed."""
    from sdg_interactions.locking import Lock

    base = Path(tempfile.gettempdir()) / "sdg_interactions_rendered"
    base.mkdir(exist_ok=True)
    folder = base / _sources_key()
    folder.mkdir(exist_ok=True)  # before the lock: every process then locks the same file, <folder>/.lock
    manifest = folder / "manifest.json"
    with Lock(folder, wait=True):
        if not manifest.is_file():
            rendered = _render(folder)
            for item in rendered.values():
                (folder / f"{item.name}.txt").write_text(item.text, encoding="utf-8")
            listed = {item.name: [item.lang, item.failed] for item in rendered.values()}
            manifest.write_text(json.dumps(listed, ensure_ascii=False), encoding="utf-8")
    listed = json.loads(manifest.read_text(encoding="utf-8"))
    return {name: Rendered(name, lang, (folder / f"{name}.txt").read_text(encoding="utf-8"), failed)
            for name, (lang, failed) in listed.items()}
