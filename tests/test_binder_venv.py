"""Binder as a user gets it: a clean venv, ``pip install -r binder/requirements.txt``, then the tutorials run.

``tests/test_binder.py`` checks what repo2docker *would* do; this test does the install itself, into a
fresh venv without the system's site-packages (``python -m venv``), from the repository root as
repo2docker does after copying the repository in, and executes the notebooks Binder opens with that
venv's own ``jupyter nbconvert`` and kernel. It needs the network (or a warm pip cache) and takes
minutes: marked slow.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The notebooks Binder opens, and what each must show once run (as in tests/test_notebooks.py).
NOTEBOOKS = {"01_kom_igang.ipynb": ["16.6"], "03_utforska.ipynb": ["13.2", "9.4"]}


def _run(args, *, timeout: int, **kwargs) -> subprocess.CompletedProcess:
    done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, **kwargs)
    assert done.returncode == 0, f"{args} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


@pytest.mark.slow
def test_binder_requirements_install_and_run_the_tutorials(tmp_path):
    venv = tmp_path / "venv"
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "VIRTUAL_ENV", "JUPYTER_PATH")}
    env["PATH"] = str(bin_dir) + os.pathsep + env.get("PATH", "")
    env["JUPYTER_PREFER_ENV_PATH"] = "1"  # the venv's kernelspec before a user's own

    started = time.perf_counter()
    _run([sys.executable, "-m", "venv", str(venv)], timeout=300)
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    _run([str(python), "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"], timeout=1800,
         cwd=ROOT, env=env)
    installed = time.perf_counter() - started
    # the venv's own copy of the package, not this checkout's editable one or the running interpreter's
    where = _run([str(python), "-c", "import sdg_interactions, sys; print(sdg_interactions.__file__); "
                  "print(sys.prefix)"], timeout=120, cwd=tmp_path, env=env).stdout.split()
    assert Path(where[1]).resolve() == venv.resolve()
    assert Path(where[0]).resolve().is_relative_to(venv.resolve())

    specs = json.loads(_run([str(bin_dir / "jupyter"), "kernelspec", "list", "--json"], timeout=120, cwd=tmp_path,
                            env=env).stdout)["kernelspecs"]
    assert Path(specs["python3"]["resource_dir"]).resolve().is_relative_to(venv.resolve()), specs["python3"]

    for name, expected in NOTEBOOKS.items():
        out = tmp_path / f"run_{name}"
        _run([str(bin_dir / "jupyter"), "nbconvert", "--to", "notebook", "--execute",
              "--ExecutePreprocessor.timeout=600", "--ExecutePreprocessor.kernel_name=python3",
              f"--output={out}", str(ROOT / "notebooks" / name)], timeout=900, cwd=tmp_path, env=env)
        nb = json.loads(out.read_text(encoding="utf-8"))
        outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
        errors = [o for o in outputs if o["output_type"] == "error"]
        assert not errors, (name, [f"{e['ename']}: {e['evalue']}" for e in errors])
        shown = "\n".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", ""))
                          for o in outputs)
        for word in expected:
            assert word in shown, (name, word)
    total = time.perf_counter() - started
    print(f"binder venv: install {installed:.0f} s, install and both notebooks {total:.0f} s")
