"""Voilà started from Python, for ``workshop serve``: ``python -m sdg_interactions.apps._voila_launch``.

Voilà's command line cannot take a Python function, and ours sets what it cannot:

- the prelaunch hook (:class:`~sdg_interactions.apps._gate.Gate`): personal links, the kernel cap, the
  page-load limit, the browser cookie;
- HTTPS (``--certfile``/``--keyfile``; Voilà 0.5 listens without TLS whatever its settings say), or a
  reverse proxy's headers (``--xheaders``: the client's address for the page-load limit, https for the
  cookie), and one listening attempt only: a busy port is one line on stderr and exit code 2;
- kernels with no open page are shut down (:class:`Culler`): 12 s after their last websocket closed (a
  crashed browser's journal lock is free within 20 s, so that its link opens again within 30 s even when
  the new page takes 10 s to load), 180 s after their start when no page ever connected (ten pages
  loading at once on a busy 2-core laptop can take a minute before their websockets connect);
  a kernel that died (out of memory, killed) is not restarted but removed at once, so that its page learns
  within seconds that it is gone (a restarted kernel would have none of the page's widgets);
- warm kernels (``--warm N``, participants only; :mod:`~sdg_interactions.apps._warm_kernels`): kernels started
  before their pages with the scoring app imported, so that a crowd opening its links at once waits for
  little more than the page itself;
- the page templates compiled once per server (:func:`cache_templates`), not once per page.

The page template ``sdgi`` (``voila_share/voila/templates/sdgi``, found through ``JUPYTER_PATH``) is Voilà's
"lab" without the Font Awesome CDN and with the banner of a server that is gone. Websocket messages from a
browser are at most :data:`MAX_MESSAGE` bytes; the websocket is pinged every 5 s and closed when no pong came
for 10 s, so a laptop that left the network counts as gone within 15 s.
"""

from __future__ import annotations

import argparse
import errno
import os
import ssl
import sys
import time
from pathlib import Path

__all__ = ["MAX_MESSAGE", "TEMPLATE", "TEMPLATE_ROOT", "Culler", "main", "tornado_settings"]

#: The page template of ours, and the folder JUPYTER_PATH must hold for Voilà to find it.
TEMPLATE = "sdgi"
TEMPLATE_ROOT = Path(__file__).parent / "voila_share"
#: The largest websocket message a browser may send (a comment is at most 2 000 characters).
MAX_MESSAGE = 256 * 1024
#: Seconds without an open page before a kernel is shut down; the same for a page that never connected.
IDLE_AFTER, NEVER_CONNECTED_AFTER, EVERY = 12.0, 180.0, 1.0
#: The websocket's ping interval and how long since the last pong a page counts as gone (ms, jupyter_server's
#: ``ws_ping_*``). The wait must be longer than the interval: jupyter_server checks before its first ping,
#: so a wait equal to the interval drops every page at its first check. Generous, because on a laptop serving
#: ten participants a browser may be seconds late; a crashed browser's socket closes at once anyway.
PING_EVERY, PING_WAIT = 5_000, 10_000


def tornado_settings(role: str) -> dict:
    """Tornado settings of one server. The participants' server has no XSRF check: Voilà 0.5's unload request
    (which stops the old page's kernel, so a reload gets the journal back) is refused by it
    (voila-dashboards/voila#1458); it has no login to protect, and a shutdown needs the kernel's random id."""
    settings = {"websocket_max_message_size": MAX_MESSAGE, "ws_ping_interval": PING_EVERY, "ws_ping_timeout": PING_WAIT}
    if role == "participants":
        settings["disable_check_xsrf"] = True
    return settings


class Culler:
    """Shut down the kernels with no open page (see the module docstring); call it every few seconds."""

    def __init__(self, kernel_manager, *, idle_after: float = IDLE_AFTER,
                 never_connected_after: float = NEVER_CONNECTED_AFTER, spare=(), log=None) -> None:
        self.kernel_manager, self.log = kernel_manager, log
        self.spare = spare  # warm kernels waiting for a page (_warm_kernels): no page yet, not culled
        self.idle_after, self.never_connected_after = idle_after, never_connected_after
        self.seen: dict[str, list] = {}  # kernel id -> [first seen, last seen with a page or None]
        self.stopping: set[str] = set()
        # a page that connects and leaves between two rounds was there all the same: the manager's own
        # connect/disconnect notices (jupyter_server calls them from the kernel's websocket) mark the kernel
        # as seen with a page at that moment, so it is culled idle_after later, not never_connected_after
        for name in ("notify_connect", "notify_disconnect"):
            notice = getattr(kernel_manager, name, None)
            if notice is not None:
                setattr(kernel_manager, name, self._noting(notice))

    def _noting(self, notice):
        def noted(kernel_id: str, *args, **kwargs):
            now = time.monotonic()
            self.seen.setdefault(kernel_id, [now, None])[1] = now
            return notice(kernel_id, *args, **kwargs)
        return noted

    async def __call__(self, now: float | None = None) -> list[str]:
        """One round; returns the ids of the kernels shut down."""
        from jupyter_core.utils import ensure_async

        now = time.monotonic() if now is None else now
        manager, stopped = self.kernel_manager, []
        running = set(manager.list_kernel_ids())
        for kernel_id in list(self.seen):
            if kernel_id not in running:
                del self.seen[kernel_id]
                self.stopping.discard(kernel_id)
        for kernel_id in running - self.stopping - set(self.spare):
            if kernel_id not in self.seen:
                self.seen[kernel_id] = [now, None]
            try:
                connections = manager.kernel_model(kernel_id)["connections"]
                alive = await ensure_async(manager.get_kernel(kernel_id).is_alive())
            except Exception:  # stopped meanwhile
                continue
            if not alive:
                stopped.append(kernel_id)
                await self.stop(kernel_id, "it died", now=True)
                continue
            if connections:
                self.seen[kernel_id][1] = now
            first, last = self.seen[kernel_id]
            if (now - last > self.idle_after) if last is not None else (now - first > self.never_connected_after):
                stopped.append(kernel_id)
                # without asking it first: a kernel with no page has nothing to finish (every answer is in its
                # journal when acknowledged), and a crashed browser's link opens again seconds sooner
                await self.stop(kernel_id, "no page" if last is not None else "no page ever connected", now=True)
        return stopped

    async def stop(self, kernel_id: str, why: str, *, now: bool = False) -> None:
        """Shut one kernel down (once; ``now``: without asking it first)."""
        from jupyter_core.utils import ensure_async

        if kernel_id in self.stopping:
            return
        self.stopping.add(kernel_id)
        if self.log:
            self.log.info("sdgi: shutting down kernel %s (%s)", kernel_id, why)
        try:
            await ensure_async(self.kernel_manager.shutdown_kernel(kernel_id, now=now))
        except Exception as error:  # gone already, or not yet stoppable: the next round tries again
            self.stopping.discard(kernel_id)
            if self.log:
                self.log.info("sdgi: kernel %s: %r", kernel_id, error)


def _arguments(argv):
    parser = argparse.ArgumentParser(prog="python -m sdg_interactions.apps._voila_launch")
    parser.add_argument("notebook")
    parser.add_argument("--role", choices=("participants", "facilitator"), required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ip", default="127.0.0.1")
    parser.add_argument("--token", default="")
    parser.add_argument("--certfile")
    parser.add_argument("--keyfile")
    parser.add_argument("--max-participants", type=int)
    parser.add_argument("--xheaders", action="store_true", help="behind a reverse proxy: the client's address "
                        "and scheme from X-Forwarded-For/X-Real-Ip and X-Forwarded-Proto/X-Scheme")
    parser.add_argument("--lang", default="sv")
    parser.add_argument("--warm", type=int, default=0, help="kernels started before their pages (participants)")
    return parser.parse_args(argv)


def cache_templates(directory: str | os.PathLike) -> None:
    """Compile Voilà's page templates once per server, not once per page: every page gets a new exporter and
    with it a new Jinja environment, which compiled ``index.html.j2`` and its parents again (a third of the
    server's time when ten pages load at once). Jinja's own bytecode cache in ``directory`` keeps them."""
    import jinja2
    from voila.exporter import VoilaExporter

    cache = jinja2.FileSystemBytecodeCache(str(directory))
    made = VoilaExporter.environment.fget
    if getattr(made, "cached_in", None) is not None:  # once per process
        made = made.made

    def environment(self):
        env = made(self)
        env.bytecode_cache = cache
        return env

    environment.cached_in, environment.made = cache, made
    VoilaExporter.environment = property(environment)


def _kernel_name(notebook: str) -> str:
    """The kernel spec a notebook asks for (Voilà's default: python3)."""
    import json

    try:
        return json.loads(Path(notebook).read_text(encoding="utf-8"))["metadata"]["kernelspec"]["name"]
    except (OSError, ValueError, KeyError, TypeError):
        return "python3"


def bind_address(ip: str) -> str:
    """The address to listen on: "" (every interface, IPv4 and IPv6) for 0.0.0.0, :: or ""."""
    return "" if ip in ("0.0.0.0", "::", "") else ip


def main(argv: list[str] | None = None) -> int:
    """Run one Voilà server (see the module docstring) until SIGTERM or Ctrl-C."""
    args = _arguments(argv)
    os.environ["JUPYTER_PATH"] = os.pathsep.join(
        [str(TEMPLATE_ROOT), *filter(None, os.environ.get("JUPYTER_PATH", "").split(os.pathsep))])
    import tornado.ioloop
    from traitlets.config import Config
    from voila.app import Voila

    from sdg_interactions.apps._gate import Gate
    from sdg_interactions.apps._warm_kernels import WarmKernels, room
    from sdg_interactions.texts import text

    gate = Gate(Path.cwd(), role=args.role, max_participants=args.max_participants)
    import tempfile

    templates = tempfile.TemporaryDirectory(prefix="sdgi-templates-")
    cache_templates(templates.name)
    context = None
    if args.certfile:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(args.certfile, args.keyfile)

    class Server(Voila):
        def listen(self):
            manager = self.kernel_manager
            start_kernel = manager.start_kernel
            warm = None
            if args.role == "participants" and args.warm > 0:
                warm = WarmKernels(manager, start_kernel, kernel_name=_kernel_name(args.notebook), log=self.log,
                                   size=lambda: room(gate, manager, args.warm))
                gate.spare = warm.ids
                start_kernel = warm.start_kernel

            async def counted_start(*a, **k):
                gate.kernel_starting()
                kernel_id = None
                try:
                    kernel_id = await start_kernel(*a, **k)
                    return kernel_id
                finally:
                    gate.kernel_started(kernel_id)

            manager.start_kernel = counted_start
            try:
                self.app.listen(self.port, bind_address(self.ip), ssl_options=context, xheaders=args.xheaders,
                                max_body_size=1024 * 1024, idle_connection_timeout=3600)
            except OSError as error:
                if error.errno != errno.EADDRINUSE:
                    raise
                print(text("server.error.port_busy", args.lang, port=self.port), file=sys.stderr, flush=True)
                self.exit(2)
            self.log.info("sdgi: %s server listening on port %s%s", args.role, self.port,
                          " (https)" if context else "")
            culler = Culler(manager, spare=warm.ids if warm else (), log=self.log)
            tornado.ioloop.PeriodicCallback(culler, EVERY * 1000).start()
            if warm:
                tornado.ioloop.PeriodicCallback(warm, EVERY * 1000).start()
            self.ioloop = tornado.ioloop.IOLoop.current()
            try:
                self.ioloop.start()
            except KeyboardInterrupt:
                self.log.info("Stopping...")
            finally:
                self.stop()

    config = Config()
    config.Voila.port = args.port
    config.Voila.ip = args.ip
    config.Voila.port_retries = 0
    config.Voila.open_browser = False
    config.Voila.token = args.token
    config.Voila.tornado_settings = tornado_settings(args.role)
    config.KernelManager.autorestart = False  # a dead kernel is removed (Culler), never restarted without its page
    config.VoilaConfiguration.template = TEMPLATE
    config.VoilaConfiguration.prelaunch_hook = gate
    server = Server(config=config)
    server.initialize([args.notebook])
    server.start()
    return 0


if __name__ == "__main__":
    sys.exit(main())
