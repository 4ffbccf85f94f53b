"""The built wheel carries the bundled data: install it into a fresh venv and load everything from there.

The venv is created with ``--system-site-packages`` and gets the running interpreter's package
directories as plain path entries after its own site-packages (a ``.pth`` file listing them), so numpy,
pandas, ... are found without a download. Those directories' own ``.pth`` files are *not* processed,
so an editable install of this project there (``pip install -e .``) cannot shadow the wheel's copy;
the test checks that it does not.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]

PROBE = """
import json, sys
import pandas as pd
import sdg_interactions
from sdg_interactions import frameworks as fw
result = {
    "package": sdg_interactions.__file__,
    "datasets": str(fw.datasets_dir()),
    "counts": {
        "goals": len(fw.goals()), "targets_sv": len(fw.targets("sv")), "targets_en": len(fw.targets("en")),
        "miljomal": len(fw.miljomal()), "folkhalsomal": len(fw.folkhalsomal()),
        "mongolia": len(fw.mongolia_objectives()), "kommuner": len(fw.kommuner()), "lan": len(fw.lan()),
    },
    "kommun": fw.find_kommun("upplands vasby")["kommunkod"],
    "layer_13": fw.goals().set_index("goal").loc[13, "layer_label"],
    "matrices": {},
}
for name in fw.bundled_matrices()["name"]:
    info = fw.bundled_matrix(name)
    long = pd.read_csv(info["path"], dtype=str, keep_default_na=False)
    result["matrices"][name] = {"path": str(info["path"]), "rows": len(long), "n_pairs": int(info["n_pairs"])}
published = pd.read_csv(fw.datasets_dir() / "weitz2018_sweden_published_metrics.csv")
result["published_rows"] = len(published)
print(json.dumps(result))
"""


def run(args, **kwargs):
    done = subprocess.run(args, capture_output=True, text=True, timeout=600, **kwargs)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


def build_wheel(out: Path) -> Path:
    # Without network: build with the hatchling installed here. Otherwise pip fetches it (isolated build).
    isolation = [] if importlib.util.find_spec("hatchling") is None else ["--no-build-isolation"]
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "--wheel-dir", str(out), str(REPO)])
    (wheel,) = out.glob("sdg_interactions-*.whl")
    return wheel


def dependency_paths() -> list[str]:
    """Where this interpreter finds its packages: every sys.path directory except the project's own
    source (the repo root, tests/, an editable install's path), site-packages inside the repo (.venv) kept."""
    paths = []
    for entry in sys.path:
        path = Path(entry or ".").resolve()
        in_repo = path.is_relative_to(REPO) and not {"site-packages", "dist-packages"} & set(path.parts)
        if entry and path.is_dir() and not in_repo:
            paths.append(str(path))
    return paths


@pytest.mark.slow
def test_wheel_installs_bundled_data(tmp_path):
    wheel = build_wheel(tmp_path / "dist")
    names = set(zipfile.ZipFile(wheel).namelist())
    for member in ["sdg_interactions/frameworks/registry.py", "sdg_interactions/catalogue/frameworks.toml",
                   "sdg_interactions/report/template.ipynb",
                   "sdg_interactions/datasets/README.md", "sdg_interactions/datasets/kommuner.csv",
                   "sdg_interactions/datasets/matrices/catalogue.csv",
                   "sdg_interactions/datasets/matrices/weitz2018_sweden.csv",
                   "sdg_interactions/datasets/matrices/mongolia2017.csv",
                   "sdg_interactions/datasets/frameworks/mongolia2017_objectives.csv"]:
        assert member in names

    venv = tmp_path / "venv"
    run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)])
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    where = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    purelib = Path(run([str(python), "-c", where]).strip())
    (purelib / "_test_deps.pth").write_text("\n".join(dependency_paths()) + "\n", encoding="utf-8")
    run([str(python), "-m", "pip", "install", "--no-deps", "--no-index", "--quiet", str(wheel)])

    cwd = tmp_path / "elsewhere"
    cwd.mkdir()
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP")}
    result = json.loads(run([str(python), "-c", PROBE], cwd=cwd, env=env))

    inside = venv.resolve()
    for path in [result["package"], result["datasets"], *(m["path"] for m in result["matrices"].values())]:
        assert Path(path).resolve().is_relative_to(inside), path
        assert not Path(path).resolve().is_relative_to(REPO), path
    assert result["counts"] == {"goals": 17, "targets_sv": 169, "targets_en": 169, "miljomal": 17,
                                "folkhalsomal": 9, "mongolia": 17, "kommuner": 290, "lan": 21}
    assert result["kommun"] == "0114"
    assert result["layer_13"] == "biosfär"
    assert {n: (m["rows"], m["n_pairs"]) for n, m in result["matrices"].items()} == {
        "weitz2018_sweden": (1122, 1122), "mongolia2017": (272, 272), "synthetic_respondents": (13464, 1122),
        "mixed_demo": (342, 342)}
    assert result["published_rows"] == 34
