"""Binder: repo2docker (run without Docker, ``--no-build``) installs the package after copying the repository."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]


def test_binder_requirements_install_the_package_with_its_apps():
    lines = [line.strip() for line in (ROOT / "binder" / "requirements.txt").read_text("utf-8").splitlines()
             if line.strip() and not line.startswith("#")]
    assert lines == [".[lab]"]  # the package itself, with charts, reports, widgets, Voilà, Kolada and JupyterLab
    assert (ROOT / "binder" / "runtime.txt").read_text("utf-8").strip() == "python-3.11"


@pytest.mark.slow
def test_repo2docker_dockerfile_copies_the_repository_before_installing_it():
    done = subprocess.run([str(Path(sys.executable).parent / "jupyter-repo2docker"), "--no-build", "--debug",
                           str(ROOT)], capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert done.returncode == 0, done.stderr[-2000:]
    dockerfile = done.stdout + done.stderr
    copy = re.search(r"^COPY .*src/ \$\{REPO_DIR\}/$", dockerfile, re.M)
    install = re.search(r'^RUN .*pip install .*-r "binder/requirements.txt"', dockerfile, re.M)
    assert copy and install and copy.start() < install.start()
