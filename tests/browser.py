"""Headless Chromium for the end-to-end tests: Debian's ``chromium`` and ``chromium-driver``, driven by
Selenium, with every request that does not go to this machine refused by the browser's resolver.

Outside CI a machine without Chromium skips these tests; with ``CI=true`` they fail instead (``.ci/run``
installs the browser).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

#: Every host name but the loopback address resolves to nothing: no request leaves the machine.
LOOPBACK_ONLY = "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1"


def _find(*names: str) -> str | None:
    return next((path for name in names if (path := shutil.which(name))), None)


def need_chromium() -> tuple[str, str]:
    """The paths of chromium and chromedriver; skip (or, under CI, fail) when they are missing."""
    browser, driver = _find("chromium", "chromium-browser"), _find("chromedriver")
    if browser and driver:
        return browser, driver
    message = "needs Debian's chromium and chromium-driver (.ci/run installs them)"
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def new_browser(width: int = 1200, height: int = 1600):
    """A fresh headless Chromium (its own profile: a separate "context", as a second participant's laptop)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    browser, driver = need_chromium()
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                     f"--window-size={width},{height}", LOOPBACK_ONLY):
        options.add_argument(argument)
    options.binary_location = browser
    return webdriver.Chrome(service=Service(driver), options=options)


def free_port() -> int:
    """A free port on 127.0.0.1 below Linux's ephemeral range (32768–60999): a port the system hands out (bind to
    0) may be taken a moment later by one of the many kernels (each binds five ephemeral ports) started by the
    other test worker before our server binds it."""
    import random

    chooser = random.SystemRandom()
    for _ in range(200):
        port = chooser.randrange(20000, 32700)
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port on 127.0.0.1 between 20000 and 32700")  # pragma: no cover


def free_pair() -> int:
    """A free port whose next port is free too (``workshop serve`` puts the facilitator on port + 1)."""
    from sdg_interactions.apps.server import check_ports
    from sdg_interactions.errors import ValidationError

    for _ in range(50):
        port = free_port()
        try:
            check_ports([("127.0.0.1", port), ("127.0.0.1", port + 1)])
            return port
        except ValidationError:  # pragma: no cover - the next port is almost always free
            continue
    raise AssertionError("no two free ports")  # pragma: no cover


@contextmanager
def voila(notebook: Path, *, port: int | None = None, token: str = ""):
    """Serve one notebook with Voilà on 127.0.0.1; yield its address once it answers; stop it after."""
    port = port or free_port()
    command = [sys.executable, "-m", "voila", notebook.name, "--no-browser", f"--port={port}",
               "--Voila.ip=127.0.0.1", "--Voila.port_retries=0", f"--Voila.token={token}"]
    log = open(notebook.parent / f"voila-{port}.log", "wb")
    process = subprocess.Popen(command, cwd=notebook.parent, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url + (f"?token={token}" if token else ""), timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    raise RuntimeError((notebook.parent / f"voila-{port}.log").read_text(errors="replace")) from None
                time.sleep(0.5)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)
        log.close()


def wait_for(condition, *, timeout: float = 60, every: float = 0.25, what: str = "the page"):
    """Poll ``condition()`` until it returns something true; return that, or fail naming ``what``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            found = condition()
        except Exception:  # the page is still being built
            found = None
        if found:
            return found
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what}")
