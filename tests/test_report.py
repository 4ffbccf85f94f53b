"""The per-kommun report: the template through papermill, HTML and PDF, the fast batch, the CLI.

The slow tests share two module-scoped runs: plain papermill (a fresh kernel per report) and the fast
batch (reused kernels) over the same parameters, written one after the other into the same folder.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import nbformat
import pytest

from sdg_interactions import frameworks
from sdg_interactions.analysis import conflicts, sdg_synergies
from sdg_interactions.cli import main
from sdg_interactions.errors import UnknownKommunError, ValidationError
from sdg_interactions.io import load_dataset
from sdg_interactions.matrix import single_matrix
from sdg_interactions.report import batch, parameters
from sdg_interactions.report import page as report_page

HOSTILE = ['\'; import os; os.system("x") #', "\n", "../../etc/passwd", 'Håbo"\nimport os', "0305/../../x"]

#: A workshop's answers: three respondents, one named like a person, comments with HTML in them.
WORKSHOP = """respondent,source,target,score,comment
Cecilia Svensson,7.2,13.2,3,more wind power
Cecilia Svensson,13.2,7.2,2,
Cecilia Svensson,7.2,15.5,-2,<script>alert(1)</script> land use
Cecilia Svensson,15.5,11.1,-1,
Cecilia Svensson,11.1,7.2,1,
Cecilia Svensson,8.4,12.5,3,
Cecilia Svensson,12.5,8.4,2,
Bo,7.2,13.2,2,
Bo,13.2,7.2,2,
Bo,7.2,15.5,1,shared land
Bo,15.5,11.1,-2,
Bo,11.1,7.2,0,
Bo,8.4,12.5,2,
Bo,12.5,15.5,-3,landfill on wetlands
Alva,7.2,13.2,3,
Alva,7.2,15.5,-3,
Alva,15.5,11.1,-1,
Alva,11.1,7.2,1,
Alva,8.4,12.5,3,
Alva,12.5,8.4,1,
Alva,12.5,15.5,-1,
"""


def _section(page: str, name: str) -> str:
    found = re.search(rf'<section class="report-section" id="section-{name}">(.*?)</section>', page, re.S)
    assert found, f"no {name} section"
    return found.group(1)


def pdf_pages(path) -> list[str]:
    """The text of each page of a PDF (pypdf)."""
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(path).pages]


def docx_text(path) -> str:
    """The paragraphs and table cells of a Word file, in order, one per line (python-docx)."""
    import docx

    document = docx.Document(str(path))
    lines = [p.text for p in document.paragraphs]
    lines += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def _levers_and_conflict_in_order(text: str, m) -> None:
    """The top 5 levers appear in rank order, and the worst conflict's source before its target (read from the
    levers' heading on: the cover may name the least-covered targets first)."""
    starts = [text.find(title) for title in ("De starkaste hävstängerna", "The strongest levers") if title in text]
    text = text[min(starts):] if starts else text
    metrics = sdg_synergies(m).to_dataframe()
    metrics["order"] = range(len(metrics))
    top = metrics.sort_values(["rank", "order"]).index[:5].tolist()
    positions = [_first(text, node) for node in top]
    assert min(positions) >= 0 and positions == sorted(positions), (top, text[:600])
    worst = conflicts(m).iloc[0]
    start = _first(text, worst["source"])
    assert 0 <= start and _first(text[start:], worst["target"]) > 0


def _levers_intro(page: str) -> str:
    """The levers' list: the paragraph after the one that explains the systemic score."""
    paragraphs = re.findall(r"<p>(.*?)</p>", _section(page, "levers"), re.S)
    assert "systemi" in paragraphs[0]  # "systemiska poängen" / "systemic score", explained first
    return paragraphs[1]


def _first(text: str, node: str) -> int:
    found = re.search(rf"(?<![\d.]){re.escape(node)}(?![\d])", text)
    return found.start() if found else -1


def _requests(page: str) -> list[str]:
    """Every src/href (and CSS url()/@import) that does not stay inside the page."""
    found = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]+)""", page, re.I)
    found += re.findall(r"url\(\s*['\"]?([^'\")]+)", page, re.I)
    found += re.findall(r"@import\s+([^;]+)", page, re.I)
    return [u for u in found if not u.startswith("#") and not u.startswith("data:")]


# --- quick checks, no kernel --------------------------------------------------------------------


def test_slug_is_safe_and_unique_for_every_kommun(tmp_path):
    table = frameworks.kommuner()
    slugs = [parameters.slug(row) for _, row in table.iterrows()]
    assert len(set(slugs)) == len(table) == 290
    assert all(re.fullmatch(r"\d{4}_[a-z0-9_]+", s) for s in slugs)
    names = dict(zip(table["kommun"], slugs, strict=True))
    assert names["Håbo"] == "0305_habo"
    assert names["Upplands Väsby"] == "0114_upplands_vasby"
    assert names["Malung-Sälen"] == "2023_malung_salen"
    for _, row in table.iterrows():
        for path in parameters.report_paths(tmp_path, row).values():
            assert path.parent == tmp_path.resolve()


def test_unknown_kommun_names_close_matches():
    with pytest.raises(UnknownKommunError, match="Falköping"):
        parameters.check_parameters(kommun="Falköpng")


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_kommun_is_refused_before_anything_runs(hostile, tmp_path, capsys):
    with pytest.raises(UnknownKommunError):
        parameters.check_parameters(kommun=hostile)
    out = tmp_path / "out"
    assert main(["report", "--kommun", hostile, "--output-dir", str(out)]) == 2
    assert re.match(r"(error|fel): ", capsys.readouterr().err)  # one line, in the CLI's language
    assert not out.exists()
    assert list(tmp_path.iterdir()) == []


def test_unknown_kommun_on_the_cli_exits_2_with_close_matches(tmp_path, capsys):
    assert main(["report", "--kommun", "Uplands Väsby", "--output-dir", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err
    assert "Upplands Väsby" in err and "Traceback" not in err


@pytest.mark.parametrize("argv", [["--format", "odt"], ["--jobs", "0"], ["--priorities", "99.9"],
                                  ["--matrix", "no_such_matrix"],
                                  ["--matrices-dir", "/no/such/dir"]])
def test_bad_options_exit_2(argv, tmp_path):
    # 1.1 is a valid target id, but no node of the Sweden matrix
    assert main(["report", "--kommun", "Håbo", "--output-dir", str(tmp_path / "o"), *argv]) == 2
    assert not (tmp_path / "o").exists()


def test_parameters_are_injected_as_literals(tmp_path):
    from papermill.iorw import load_notebook_node
    from papermill.parameterize import parameterize_notebook

    (tmp_path / "sub").mkdir()
    odd = tmp_path / "sub" / "we'ird \"name\"\n'); import os #.csv"
    odd.write_text("source,target,score\n7.2,13.2,2\n", encoding="utf-8")
    given = f"{tmp_path}/sub/../sub/{odd.name}"
    params = parameters.check_parameters(kommun="Håbo", matrix=given, priorities=["7.2"])
    nb = parameterize_notebook(load_notebook_node(str(parameters.template_path())), params)
    injected = next(c for c in nb.cells if "injected-parameters" in c.metadata.get("tags", []))
    tree = ast.parse(injected.source)
    values = {}
    for node in tree.body:  # only assignments of literals: nothing that could run
        assert isinstance(node, ast.Assign)
        values[node.targets[0].id] = ast.literal_eval(node.value)
    assert values["matrix"] == str(odd.resolve())
    assert values["kommun"] == "0305" and values["priorities"] == ["7.2"]


def test_template_parameters_cell_holds_typed_literals():
    nb = nbformat.read(parameters.template_path(), as_version=4)
    cell = next(c for c in nb.cells if "parameters" in c.metadata.get("tags", []))
    tree = ast.parse(cell.source)
    names = []
    for node in tree.body:
        assert isinstance(node, ast.AnnAssign)
        ast.literal_eval(node.value)
        names.append(node.target.id)
    assert names == ["kommun", "matrix", "aggregate", "audience", "lang", "top_k", "priorities",
                     "pseudonymise", "output_dir", "matrices_dir", "styrdokument", "framework", "previous"]
    assert all(line.count("#") == 1 for line in cell.source.splitlines()[1:])  # every one commented
    assert all(not c.get("outputs") and c.get("execution_count") is None
               for c in nb.cells if c.cell_type == "code")  # outputs stripped


def test_normalise_notebook_only_touches_noise():
    nb = {"metadata": {"papermill": {"start_time": "2026-01-01T10:00:00", "duration": 3.2, "parameters": {}}},
          "cells": [{"cell_type": "code", "execution_count": 7, "metadata": {"papermill": {"duration": 1.0}},
                     "source": "x", "outputs": [{"output_type": "execute_result", "execution_count": 7,
                                                 "data": {"text/plain": "view_12 on 2026-05-09"}}]}]}
    out = batch.normalise_notebook(nb)
    assert out["metadata"]["papermill"] == {"parameters": {}}
    assert out["cells"][0]["execution_count"] is None
    assert out["cells"][0]["outputs"][0]["data"]["text/plain"] == "view_N on <date>"
    assert out["cells"][0]["source"] == "x"


def test_bad_parameters_are_refused():
    with pytest.raises(ValidationError):
        parameters.check_parameters(kommun="Håbo", audience="everyone")
    with pytest.raises(ValidationError):
        parameters.check_parameters(kommun="Håbo", top_k=0)
    with pytest.raises(ValidationError):
        parameters.check_parameters(kommun="Håbo", lang="de")


# --- through papermill ---------------------------------------------------------------------------

#: The three kommuner of the batch runs: both languages, both audiences, a national example, a
#: bundled non-SDG matrix with comments, and a workshop file with several respondents.
RUNS = [
    {"kommun": "Håbo", "lang": "en", "audience": "forvaltning", "matrix": "weitz2018_sweden"},
    {"kommun": "Upplands Väsby", "lang": "sv", "audience": "forvaltning", "matrix": "WORKSHOP"},
    {"kommun": "Malung-Sälen", "lang": "en", "audience": "politiker", "matrix": "mongolia2017"},
]


@pytest.fixture(scope="module")
def workshop(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("data") / "upplands_vasby_workshop.csv"
    path.write_text(WORKSHOP, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def runs(tmp_path_factory, workshop):
    """Plain papermill, then the fast batch, over the same parameters into the same folder."""
    import papermill

    out = tmp_path_factory.mktemp("reports")
    params = [{**r, "matrix": str(workshop) if r["matrix"] == "WORKSHOP" else r["matrix"],
               "output_dir": str(out)} for r in RUNS]
    # the template as it is: no parameters at all (Falköping, Swedish, for politicians)
    default_nb = papermill.execute_notebook(str(parameters.template_path()), str(out / "default.ipynb"),
                                            progress_bar=False, kernel_name="python3")
    plain = batch.run_batch(params, output_dir=out, formats=("html", "pdf", "docx"), jobs=2, fast=False)
    assert plain.ok, plain.failed
    contents = {}
    for code, paths in plain.written.items():
        contents[code] = {"nb": nbformat.read(paths["ipynb"], as_version=4),
                          "html": paths["html"].read_text(encoding="utf-8"),
                          "pdf": paths["pdf"].read_bytes()[:8], "pages": pdf_pages(paths["pdf"]),
                          "docx": docx_text(paths["docx"])}
    fast = batch.run_batch(params, output_dir=out, formats=("html",), jobs=1, fast=True)
    assert fast.ok, fast.failed
    fast_nbs = {code: nbformat.read(paths["ipynb"], as_version=4) for code, paths in fast.written.items()}
    return {"params": params, "plain": contents, "fast": fast_nbs, "default": default_nb, "out": out}


def _matrix_of(params: dict):
    return single_matrix(load_dataset(params["matrix"]))


@pytest.mark.slow
def test_template_runs_as_it_is(runs):
    from sdg_interactions.report.writers.html import to_html

    page = to_html(report_page.document_of(runs["default"], title="Falköping"))
    assert "Falköping" in _section(page, "cover")
    assert "nationella exemplet" in _section(page, "cover")
    m = single_matrix(load_dataset("weitz2018_sweden"))
    top = sdg_synergies(m).to_dataframe().sort_values(["rank"], kind="stable").index[:5].tolist()
    intro = _levers_intro(page)
    assert [_first(intro, i) for i in top] == sorted(_first(intro, i) for i in top)


@pytest.mark.slow
@pytest.mark.parametrize("index", range(len(RUNS)))
def test_report_shows_kommun_levers_and_conflicts(runs, index):
    params = runs["params"][index]
    place = frameworks.find_kommun(params["kommun"])
    got = runs["plain"][place["kommunkod"]]
    page = got["html"]
    assert place["kommun"] in _section(page, "cover")
    m = _matrix_of(params)
    metrics = sdg_synergies(m).to_dataframe()
    metrics["order"] = range(len(metrics))
    top = metrics.sort_values(["rank", "order"]).index[:5].tolist()
    intro = _levers_intro(page)
    positions = [_first(intro, node) for node in top]
    assert min(positions) >= 0 and positions == sorted(positions), (top, intro)
    worst = conflicts(m).iloc[0]
    conflict_text = _section(page, "conflicts")
    assert 0 <= _first(conflict_text, worst["source"]) < _first(conflict_text, worst["target"])
    # nothing broke, nothing is fetched, the PDF is a PDF
    assert "Traceback" not in page
    for cell in got["nb"].cells:
        for output in cell.get("outputs", []):
            assert output["output_type"] != "error"
            assert not (output["output_type"] == "stream" and output["name"] == "stderr"), output["text"]
    assert _requests(page) == []
    assert "<script" not in page.lower()
    assert got["pdf"].startswith(b"%PDF")
    # the same report in the PDF and in Word: the kommun, the levers in order, the worst conflict
    pdf_text = "\n".join(got["pages"])
    for text in (pdf_text, got["docx"]):
        assert place["kommun"] in text
        _levers_and_conflict_in_order(text, m)
    word = {"sv": "Sida", "en": "Page"}[params["lang"]]
    assert all(f"{word} {k} {'av' if params['lang'] == 'sv' else 'of'} {len(got['pages'])}" in page_text
               for k, page_text in enumerate(got["pages"], start=1))
    national = "national example" in page or "nationella exemplet" in page
    assert national == (params["matrix"] in ("weitz2018_sweden", "mongolia2017"))
    lang_word = {"sv": "Målkonflikter", "en": "Goal conflicts"}[params["lang"]]
    assert lang_word in page
    assert ('id="section-method"' in page) == (params["audience"] == "forvaltning")
    assert "<svg" in page  # both versions have charts; the briefing's on page 1


@pytest.mark.slow
def test_politician_report_fits_two_pages(runs):
    for params in runs["params"]:
        if params["audience"] == "politiker":
            pages = runs["plain"][frameworks.find_kommun(params["kommun"])["kommunkod"]]["pages"]
            assert 1 <= len(pages) <= 2, params["kommun"]


@pytest.mark.slow
def test_workshop_report_pseudonymises_and_shows_agreement(runs):
    page = runs["plain"]["0114"]["html"]
    assert "Cecilia" not in page and "Svensson" not in page
    assert "Svarande 1: 7 par, Svarande 2: 7 par och Svarande 3: 7 par" in _section(page, "respondents")
    assert "Tre personer" in _section(page, "cover")
    agreement = _section(page, "respondents")
    # 7.2 → 15.5 got +1 from one and −2, −3 from others: contested
    assert "7.2" in agreement and "15.5" in agreement
    assert "&lt;script&gt;" in page  # the comment is shown, as text
    # a plain file names no kommun: the report cannot vouch that it is the kommun's own, and says so
    assert "kan inte intyga att det är Upplands Väsbys egen bedömning" in _section(page, "cover")
    assert "Bedömningen är Upplands Väsbys egen" not in page


@pytest.mark.slow
def test_fast_batch_equals_plain_papermill(runs):
    assert set(runs["fast"]) == set(runs["plain"]) == {"0305", "0114", "2023"}
    for code, nb in runs["fast"].items():
        plain = batch.normalise_notebook(runs["plain"][code]["nb"])
        fast = batch.normalise_notebook(nb)
        assert json.dumps(fast, sort_keys=True) == json.dumps(plain, sort_keys=True), code


@pytest.mark.slow
def test_batch_with_a_corrupt_matrix_finishes_the_rest(tmp_path, capsys):
    own = tmp_path / "own"
    own.mkdir()
    (own / "0305.csv").write_text("source,target,score\n7.2,13.2,2\n13.2,7.2,-1\n", encoding="utf-8")
    (own / "0114.csv").write_bytes(b"\x00\x01 this is no matrix \xff\xfe")
    out = tmp_path / "reports"
    code = main(["report", "--kommun", "Håbo", "--kommun", "0114", "--kommun", "Falköping",
                 "--matrices-dir", str(own), "--output-dir", str(out), "--jobs", "1"])
    assert code == 1
    err = capsys.readouterr().err
    assert "1 av 3" in err and "0114 Upplands Väsby" in err and "Traceback" not in err
    made = sorted(p.name for p in out.iterdir() if not p.name.startswith("."))  # not the batch's lock file
    assert made == ["0305_habo.docx", "0305_habo.html", "0305_habo.ipynb", "0305_habo.pdf",
                    "1499_falkoping.docx", "1499_falkoping.html", "1499_falkoping.ipynb", "1499_falkoping.pdf"]
    habo = (out / "0305_habo.html").read_text(encoding="utf-8")
    assert "kan inte intyga att det är Håbos egen bedömning" in habo and "nationella" not in habo
    assert (out / "0305_habo.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(tmp_path.iterdir()) == sorted([own, out])  # nothing written beside the output folder


# --- every language and audience for each of three kommuner ------------------------------------

GRID = [(kommun, lang, audience) for kommun in ("Falköping", "0305", "Upplands Väsby")
        for lang in ("sv", "en") for audience in ("politiker", "forvaltning")]


@pytest.fixture(scope="module")
def grid(tmp_path_factory):
    """The 12 reports (3 kommuner × sv/en × politiker/förvaltning), by the fast batch: HTML, PDF, Word."""
    out = tmp_path_factory.mktemp("grid")
    pages = {}
    for lang in ("sv", "en"):
        for audience in ("politiker", "forvaltning"):  # a folder each: file names are per kommun
            folder = out / f"{lang}_{audience}"
            kommuner = [k for k, la, au in GRID if (la, au) == (lang, audience)]
            result = batch.run_batch([{"kommun": k, "lang": lang, "audience": audience, "output_dir": str(folder)}
                                       for k in kommuner], output_dir=folder, fast=True)
            assert result.ok, result.failed
            for kommun in kommuner:
                paths = result.written[frameworks.find_kommun(kommun)["kommunkod"]]
                pages[kommun, lang, audience] = (paths["html"].read_text(encoding="utf-8"),
                                                 nbformat.read(paths["ipynb"], as_version=4),
                                                 pdf_pages(paths["pdf"]), docx_text(paths["docx"]))
                pages["pdf", kommun, lang, audience] = paths["pdf"]
    pages["out"] = out
    return pages


#: A bare list: three or more target ids in a row, not inside the parentheses after a goal's name.
BARE_IDS = re.compile(r"(?<![(\w.])\d{1,2}\.\d{1,2}(?:, \d{1,2}\.\d{1,2}){2,}")


def _squeeze(text: str) -> str:
    """Text without blanks and hyphens, so a word or cell broken over lines still matches."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]", "", text)


@pytest.mark.slow
@pytest.mark.parametrize(("kommun", "lang"), [(k, la) for k, la, au in GRID if au == "politiker"])
def test_briefing_has_a_picture_on_page_one_labels_and_ties(grid, kommun, lang):
    from pypdf import PdfReader

    pdf = grid[kommun, lang, "politiker"][2]
    assert 1 <= len(pdf) <= 2
    first = PdfReader(grid["pdf", kommun, lang, "politiker"]).pages[0].extract_text()
    chart = {"sv": ("Hävstänger och målkonflikter", "systemisk poäng"), "en": ("Levers and goal conflicts",
                                                                             "systemic score")}[lang]
    assert all(words in first for words in chart), "no chart on page 1"  # its title and axis, drawn as text
    text = re.sub(r"\s+", " ", "\n".join(pdf))
    assert not BARE_IDS.search(text), BARE_IDS.search(text)
    tie = {"sv": "Fem målkonflikter delar den sämsta bedömningen, −2",
           "en": "Five goal conflicts share the worst score, −2"}
    assert tie[lang] in text  # the Sweden matrix: five conflicts tied at −2, said as a tie
    assert {"sv": "Så går ni vidare", "en": "Next steps"}[lang] in text
    assert "sdg-interactions" not in text.replace("‑", "-")  # no commands for a politician
    assert "sha256" not in text and "aggregate" not in text  # the footer: date, version and basis only
    assert {"sv": "Skapad ", "en": "Created "}[lang] in text


@pytest.mark.slow
@pytest.mark.parametrize(("kommun", "lang", "audience"), GRID)
def test_no_local_path_and_no_repr_in_any_text(grid, kommun, lang, audience):
    page, _, pdf, word = grid[kommun, lang, audience]
    folder = str(grid["out"])
    for document in (page, "\n".join(pdf), word):
        assert folder not in document and "output_dir" not in document and "matrices_dir=" not in document
        assert "[]" not in document and "='" not in document


@pytest.mark.slow
@pytest.mark.parametrize(("kommun", "lang"), [(k, la) for k, la, au in GRID if au == "forvaltning"])
def test_no_table_row_is_split_across_pages(grid, kommun, lang):
    """Every row of every table stands whole on one page: all its cells' texts are on one page's text."""
    from sdg_interactions.report.document import Table

    _, nb, pdf, _ = grid[kommun, lang, "forvaltning"]
    doc = report_page.document_of(nb, title=kommun, lang=lang, audience="forvaltning")
    squeezed = [_squeeze(p) for p in pdf]
    rows = [row for block in doc.blocks if isinstance(block, Table) for row in block.rows]
    assert len(rows) > 40
    for row in rows:
        cells = [_squeeze(c) for c in row if _squeeze(c)]
        assert any(all(c in p for c in cells) for p in squeezed), row


@pytest.mark.slow
@pytest.mark.parametrize(("kommun", "lang", "audience"), GRID)
def test_every_language_and_audience(grid, kommun, lang, audience):
    page, nb, pdf, word = grid[kommun, lang, audience]
    assert frameworks.find_kommun(kommun)["kommun"] in _section(page, "cover")
    m = _matrix_of({"matrix": "weitz2018_sweden"})
    top = sdg_synergies(m).to_dataframe().sort_values("rank", kind="stable").index[:5].tolist()
    intro = _levers_intro(page)
    positions = [_first(intro, node) for node in top]
    assert min(positions) >= 0 and positions == sorted(positions)
    worst = conflicts(m).iloc[0]
    text = _section(page, "conflicts")
    assert 0 <= _first(text, worst["source"]) < _first(text, worst["target"])
    assert {"sv": "Målkonflikter", "en": "Goal conflicts"}[lang] in page
    assert ('id="section-method"' in page) == (audience == "forvaltning")
    assert "Traceback" not in page and _requests(page) == []
    assert not [o for c in nb.cells for o in c.get("outputs", []) if o["output_type"] == "error"]
    name = frameworks.find_kommun(kommun)["kommun"]
    for document in ("\n".join(pdf), word):
        assert name in document
        _levers_and_conflict_in_order(document, m)
    assert len(pdf) <= 2 if audience == "politiker" else len(pdf) >= 3  # two pages, or the full detail
    source = {"sv": "Källa: SEI, Weitz m.fl. 2018 – nationell bedömning",
              "en": "Source: SEI, Weitz et al. 2018 – national assessment"}[lang]
    figures = re.findall(r"<figure.*?</figure>", page, re.S)
    assert figures and all(f"<figcaption>{source}</figcaption>" in f for f in figures)
    national = {"sv": "nationella exemplet", "en": "national example"}[lang]
    assert national in re.findall(r"<p>(.*?)</p>", _section(page, "cover"), re.S)[0]  # said first
    assert ("sha256" in page) == (audience == "forvaltning")  # the technical stamp: in the method only
    footer = "Sida {k} av {n}" if lang == "sv" else "Page {k} of {n}"
    assert all(footer.format(k=k, n=len(pdf)) in text for k, text in enumerate(pdf, start=1))


def test_report_never_loads_weasyprint_gtk_or_pango(tmp_path):
    """The PDF needs no system library: one report in a fresh interpreter loads neither WeasyPrint nor
    any GTK, GObject or Pango library (read from the process's memory map)."""
    import subprocess
    import sys

    script = (
        "import sys, pathlib\n"
        "from sdg_interactions.report import batch\n"
        f"r = batch.run_batch([{{'kommun': 'Habo', 'output_dir': {str(tmp_path)!r}}}], output_dir={str(tmp_path)!r},"
        " formats=('pdf', 'docx'), fast=False)\n"
        "assert r.ok, r.failed\n"
        "maps = pathlib.Path('/proc/self/maps').read_text()\n"
        "print('weasyprint' in sys.modules, any(n in maps for n in ('libpango', 'libgobject', 'libgtk')))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300,
                          env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "LD_LIBRARY_PATH": ""})
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.split() == ["False", "False"]
    assert pdf_pages(tmp_path / "0643_habo.pdf")[0].count("Habo") >= 1
