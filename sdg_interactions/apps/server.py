"""Serving a workshop folder with Voilà: the participants' scoring app and the facilitator's dashboard.

``sdg-interactions workshop serve`` calls :func:`serve`.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from sdg_interactions.apps.workshop import FACILITATOR_NOTEBOOK, SCORING_NOTEBOOK, read_about, read_plan
from sdg_interactions.texts import text

__all__ = ["serve", "serve_commands"]


def serve_commands(folder: str | os.PathLike, *, port: int = 8866, ip: str = "0.0.0.0",
                   token: str | None = None) -> tuple[list[str], list[str], str]:
    """The two Voilà commands of :func:`serve`: the participants' scoring app on ``ip:port`` (the local
    network by default) and the facilitator's dashboard on ``127.0.0.1:port+1`` behind a token (made here
    unless given). Voilà runs each notebook only: no code is ever taken from a browser.

    A participant who reloads or closes the page must get back in under the same pseudonym, so the old
    page's kernel (which holds the journal's lock) must stop: Voilà 0.5's unload request is refused by the
    XSRF check (voila-dashboards/voila#1458), so the participants' server turns that check off (it has no
    login to protect; a shutdown needs the kernel's random id), and kernels with no page for 2 minutes
    are stopped (a crashed browser, a closed laptop). The facilitator's server keeps both defaults.

    Returns ``(participants, facilitator, token)``.
    """
    import sys

    folder = Path(folder)
    token = token or secrets.token_urlsafe(16)
    base = [sys.executable, "-m", "voila", "--no-browser", "--Voila.port_retries=0"]
    participants = [*base, SCORING_NOTEBOOK, f"--port={port}", f"--Voila.ip={ip}", "--Voila.token=",
                    "--Voila.tornado_settings={'disable_check_xsrf': True}",
                    "--MappingKernelManager.cull_idle_timeout=120", "--MappingKernelManager.cull_interval=60"]
    facilitator = [*base, FACILITATOR_NOTEBOOK, f"--port={port + 1}", "--Voila.ip=127.0.0.1",
                   f"--Voila.token={token}"]
    return participants, facilitator, token


def serve(folder: str | os.PathLike, *, port: int = 8866, ip: str = "0.0.0.0", lang: str | None = None,
          wait: bool = True, out=None):
    """Serve a workshop folder with Voilà until interrupted (Ctrl-C); print the two addresses and the code.

    With ``wait=False`` the two processes are returned running (for tests); the caller stops them.
    """
    import socket
    import subprocess
    import sys

    folder = Path(folder)
    about, plan = read_about(folder), read_plan(folder)
    lang = lang or about.get("lang", "sv")
    participants, facilitator, token = serve_commands(folder, port=port, ip=ip)
    log = (folder / "voila.log").open("ab")  # Voilà's own messages, for the facilitator if something fails
    processes = [subprocess.Popen(cmd, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
                 for cmd in (participants, facilitator)]
    log.close()
    host = ip if ip not in ("0.0.0.0", "") else socket.gethostbyname(socket.gethostname())
    print(text("apps.workshop.serving", lang, kommun=about.get("kommun_name", ""), n=len(plan.nodes),
               participants=f"http://{host}:{port}/", code=about["join_code"],
               facilitator=f"http://127.0.0.1:{port + 1}/?token={token}"), file=out or sys.stdout, flush=True)
    if not wait:
        return processes
    try:
        for process in processes:
            process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
    return processes
