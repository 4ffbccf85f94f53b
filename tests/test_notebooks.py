"""The tutorial notebooks run from top to bottom without error (the report template: test_report.py)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).parents[1] / "notebooks").glob("*.ipynb"))
#: What each tutorial must show once run: numbers from the bundled data, not just "it ran".
EXPECTED = {
    "01_kom_igang.ipynb": ["16.6", "alla 6\u00a0579 kombinationer"],  # the top lever; the portfolio's search
    "02_workshop.ipynb": ["6 delmål ger 30 par", "1499_falkoping.pdf"],  # the plan's pairs; the report's PDF
    "03_utforska.ipynb": ["13.2", "9.4"],  # what 7.2 promotes most in the Sweden matrix (links_of)
    # a synthetic kommun's most departing link (computed), the shared top levers, the four planted contested pairs
    "04_gemensamt_program.ipynb": ["Härryda: avviker mest i 9.4→13.2 (−4)", "starkaste hävstänger 16.6, 12.1, 8.4",
                                   "Omstridda samband: 2.4→6.6, 7.2→15.5, 12.1→8.5, 16.6→9.4"],
    "05_miljomal_folkhalsomal.ipynb": ["16.6, 12.1, 8.4, 12.5, 9.5", "MKM-1 Begränsad klimatpåverkan: 336.5",
                                      "FH-4 Inkomster och försörjningsmöjligheter: 209.7"],  # top 5; projected nets
}


def test_there_are_tutorials():
    assert [p.name for p in NOTEBOOKS] == sorted(EXPECTED)


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_tutorial_runs_and_shows_results(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "outputs must be stripped"
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    for expected in EXPECTED[path.name]:
        assert expected in text, (path.name, expected)
