"""The tutorial notebooks run from top to bottom without error (the report template: test_report.py)."""

from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted(p for p in (Path(__file__).parents[1] / "notebooks").glob("*.ipynb")
                   if p.name != "report_template.ipynb")


def test_there_are_tutorials():
    assert [p.name for p in NOTEBOOKS] == ["01_kom_igang.ipynb"]


@pytest.mark.slow
@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_tutorial_runs_and_shows_results(path, tmp_path):
    nb = nbformat.read(path, as_version=4)
    assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), "outputs must be stripped"
    NotebookClient(nb, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    outputs = [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "\n".join(o.get("text", "") + str(o.get("data", {}).get("text/plain", "")) for o in outputs)
    # the Sweden matrix's top lever and the portfolio explanation appear
    assert "16.6" in text and "alla 5984 kombinationer" in text
