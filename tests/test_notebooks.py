"""The tutorial notebooks run from top to bottom without error (the report template: test_report.py); their
outputs hold no kernel log lines, and notebook 01 shows its tables in Swedish."""

import html
import re
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
#: What each tutorial must show once run: numbers from the bundled data, not just "it ran".
EXPECTED = {
    # the worked example's systemic scores (by hand in the notebook), α's effect on Sweden's top five, references
    "00_metoden.ipynb": ["[6.0, 1.5, -6.0]", "(False, ['5.5', '8.4', '12.1', '16.6'])", "@article{godet1986,"],
    "01_kom_igang.ipynb": ["16.6", "alla 6\u00a0579 kombinationer"],  # the top lever; the portfolio's search
    # the plan's pairs; the report's two versions, the politicians' and the officials'
    "02_workshop.ipynb": ["6 delmål ger 30 par", "1499_falkoping.pdf", "1499_falkoping_forvaltning.pdf",
                          "Förvaltningens fördjupade version, pdf: "],
    "03_utforska.ipynb": ["13.2", "9.4"],  # what 7.2 promotes most in the Sweden matrix (links_of)
    # a synthetic kommun's most departing link (computed), the shared top levers, the four planted contested pairs
    "04_gemensamt_program.ipynb": ["Härryda: avviker mest i 9.4→13.2 (−4)", "starkaste hävstänger 16.6, 12.1, 8.4",
                                   "Omstridda samband: 2.4→6.6, 7.2→15.5, 12.1→8.5, 16.6→9.4"],
    "05_miljomal_folkhalsomal.ipynb": ["16.6, 12.1, 8.4, 12.5, 9.5", "MKM-1 Begränsad klimatpåverkan: 336,5",
                                      "FH-4 Inkomster och försörjningsmöjligheter: 209,7"],  # top 5; projected nets
    # the Kolada cache is filled from the local stand-in first; what it shows is checked against it below
    "06_nulage.ipynb": ["Falköping kommun (1499), Västra Götalands län", "Efter riket: "],
}


#: What a kernel logs on its stderr (ipykernel forwards a child kernel's stderr into the cell's output): the
#: report runner's kernels must not show it (sdg_interactions.report.kernels).
KERNEL_NOISE = ("[IPKernelApp]", "KeyboardInterrupt caught in kernel", "running over TCP without encryption")
#: The code names of columns, scenario groups and quadrants: none may be a header or a value notebook 01 shows.
ENGLISH_NAMES = {"rank", "node", "label", "out_sum", "second_order", "systemic", "quadrant", "source", "target",
                 "score", "comment", "class", "count", "prioritised", "comes_along", "partly_supported", "at_risk",
                 "not_free", "driver", "relay", "dependent", "autonomous"}


def shown_names(outputs) -> set[str]:
    """The headers and cells of the tables in ``outputs``: HTML tables cell by cell, plain text (a Series)
    split at runs of spaces, colons and commas."""
    names = set()
    for output in outputs:
        data = output.get("data", {})
        if "text/html" in data:
            for cell in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", str(data["text/html"]), flags=re.DOTALL):
                names.add(html.unescape(re.sub(r"<[^>]+>", "", cell)).strip())
            continue
        for line in str(data.get("text/plain", "")).splitlines():
            names.update(part.strip() for part in re.split(r"\s{2,}|[:,]", line) if part.strip())
    return names


def test_shown_names_reads_headers_and_cells():
    table = {"output_type": "execute_result", "data": {
        "text/html": "<table><thead><tr><th>rang</th><th>node</th></tr></thead><tr><td>comes_along</td></tr></table>",
        "text/plain": "   rang node\n0  1   x"}}
    assert {"rang", "node", "comes_along"} <= shown_names([table])
    series = {"output_type": "execute_result",
              "data": {"text/plain": "grupp\nåker med    28\nName: antal, dtype: int64"}}
    assert {"grupp", "åker med", "28", "antal"} <= shown_names([series])


def test_there_are_tutorials():
    assert [p.name for p in NOTEBOOKS] == sorted(EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_tutorial_runs_and_shows_results(path, tmp_path, monkeypatch):
    nb = nbformat.read(path, as_version=4)
    if path.name == "06_nulage.ipynb":  # Kolada's values for Falköping, from the stand-in, in a cache of its own
        import kolada_standin

        from sdg_interactions.frameworks import kolada

        server = kolada_standin.StandIn().start()
        try:
            assert kolada.fetch("Falköping", base_url=server.url, cache=tmp_path / "kolada").failed == []
        finally:
            server.stop()
        monkeypatch.setenv("SDG_INTERACTIONS_CACHE", str(tmp_path / "kolada"))  # the notebook's kernel reads it
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "outputs must be stripped"
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}},
                   extra_arguments=["--IPKernelApp.log_level=CRITICAL"]).execute()  # the tutorial's own kernel too
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    for expected in EXPECTED[path.name]:
        assert expected in text, (path.name, expected)
    noise = [line for line in text.splitlines() if any(word in line for word in KERNEL_NOISE)]
    assert noise == [], (path.name, noise)
    if path.name == "06_nulage.ipynb":  # the standing and the sentences of the cache's values, in Swedish
        from sdg_interactions.io import load_dataset
        from sdg_interactions.report.nulage_section import nulage

        expected = nulage(load_dataset("weitz2018_sweden"), "Falköping", cache=tmp_path / "kolada")
        shown = html.unescape(" ".join(re.sub(r"<[^>]+>", " ", str(o.get("data", {}).get("text/html", "")))
                                       for o in outputs))
        assert f"Efter riket: {', '.join(expected['data']['behind'])}" in text and expected["data"]["behind"]
        assert " ".join(expected["paragraphs"][0].split()) in " ".join(shown.split())
        assert "Biosfär, samhälle, ekonomi och partnerskap" in shown and "<svg" in "".join(
            str(o.get("data", {}).get("text/html", "")) for o in outputs)
        levers = next(c for c in nb.cells if c.cell_type == "code" and "levers_for_what_lags(" in c.source).outputs
        assert {"delmål", "släpande delmål det främjar direkt"} <= shown_names(levers)
        assert shown_names(levers) & ENGLISH_NAMES == set()
    if path.name == "01_kom_igang.ipynb":  # the tutorial a new user opens first: Swedish headers and names
        tables = [o for c in nb.cells if c.cell_type == "code" and "rename" in c.source for o in c.outputs]
        assert len(tables) == 4, "the four tables of notebook 01"
        assert shown_names(tables) & ENGLISH_NAMES == set(), shown_names(tables) & ENGLISH_NAMES
        assert {"rang", "delmål", "systemisk poäng", "kvadrant", "åker med", "grupp", "antal"} <= shown_names(tables)
