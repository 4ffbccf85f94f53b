"""A core-only install (``pip install sdg_interactions``, no extra) imports and computes.

The core is what ``pyproject.toml`` lists under ``dependencies``. A fresh interpreter is started with an
import hook that makes every optional library look absent (as in an environment without the extras), and
loads a bundled matrix, computes the SDG Synergies metrics and everything beyond them, a scenario and a
portfolio, writes and reads the Excel template and runs ``sdg-interactions analyse``. The metrics are
checked against SEI's published figures, so a core install that computed something else would fail too.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: Every library an extra brings (and what those pull in that the code could reach for).
OPTIONAL = ("altair", "vl_convert", "papermill", "nbclient", "nbformat", "nbconvert", "ipykernel", "IPython",
            "typst", "docx", "tqdm", "ipywidgets", "voila", "segno", "requests", "jupyterlab", "jupyter_server",
            "numba", "scipy", "dask", "distributed", "selenium", "hypothesis", "pytest")

PROBE = r"""
import json, sys

OPTIONAL = set(sys.argv[1].split(","))
# None in sys.modules: `import x` raises ImportError and importlib.util.find_spec("x") says absent, as
# libraries that probe for optional packages (xarray probes for dask) expect.
for name in OPTIONAL:
    sys.modules[name] = None

import tempfile
from pathlib import Path

import pandas as pd

import sdg_interactions as si
from sdg_interactions import frameworks
from sdg_interactions.cli import main

m = si.load_matrix("weitz2018_sweden")
result = si.sdg_synergies(m).to_dataframe()
published = pd.read_csv(frameworks.datasets_dir() / "weitz2018_sweden_published_metrics.csv", dtype={"target": str})
everything = si.all_metrics(m)
s = si.scenario(m, ["16.6", "12.1"])
p = si.portfolio(m, 3)
folder = Path(tempfile.mkdtemp())
si.write_template(["11.2", "3.9", "13.2"], folder / "mall.xlsx", respondents=["Anna", "Bo"])
template = si.load_dataset(folder / "mall.xlsx")
code = main(["analyse", "weitz2018_sweden"])
print(json.dumps({
    "systemic": result["systemic"].to_dict(),
    "published": published.set_index("target").to_dict(),
    "metrics": sorted(everything.data_vars),
    "scenario_vars": sorted(s.data_vars),
    "portfolio": [list(p.chosen), p.method],
    "template_respondents": int(template.sizes.get("respondent", 0)),
    "analyse_exit": code,
    "loaded": sorted({name.split(".")[0] for name, module in sys.modules.items() if module} & OPTIONAL),
}), file=sys.__stderr__)
"""


def test_pyproject_core_is_the_agreed_set():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    names = {dep.split(">")[0].split("=")[0].split("[")[0].strip().lower() for dep in project["dependencies"]}
    assert names == {"numpy", "pandas", "xarray", "networkx", "netcdf4", "openpyxl", "babel", "filelock", "psutil",
                     "threadpoolctl"}
    extras = project["optional-dependencies"]
    assert set(extras) == {"report", "workshop", "kolada", "lab", "fast", "test"}
    # no optional library sneaks into the core
    assert not names & {o.lower() for o in OPTIONAL}


def test_a_core_only_interpreter_imports_and_computes_the_metrics():
    done = subprocess.run([sys.executable, "-c", PROBE, ",".join(OPTIONAL)], capture_output=True, text=True,
                          timeout=600, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["loaded"] == []
    assert report["analyse_exit"] == 0
    assert "16.6" in done.stdout  # the analyse table was printed
    published = report["published"]
    assert len(published["sum_plus_second"]) == 34
    for node, value in published["sum_plus_second"].items():  # SEI's systemic score: sum plus second order
        assert abs(report["systemic"][node] - value) < 1e-9, node
    assert {"systemic", "total_out", "quadrant", "cluster"} <= set(report["metrics"])
    assert {"effect_pos", "effect_neg", "effect_net"} <= set(report["scenario_vars"])
    assert report["template_respondents"] == 2
    assert 1 <= len(report["portfolio"][0]) <= 3 and report["portfolio"][1] == "exhaustive"
