"""Serving a workshop folder with Voilà: the participants' scoring app and the facilitator's dashboard.

``sdg-interactions workshop serve`` calls :func:`serve`: two Voilà servers, each started by our own launcher
(:mod:`sdg_interactions.apps._voila_launch`) so that every page load passes the door of
:mod:`sdg_interactions.apps._gate` (personal links, a cap on kernels, a page-load limit) and kernels with no
open page are shut down. Before starting, :func:`serve` checks that both ports are free (a busy port is one
line and exit code 2); once both servers answer it prints every address of this machine where participants
can reach them (:func:`usable_addresses`, with a QR code for the first), each personal link, and where the
sheet of links is (``lankar.html``, ``lankar.pdf``).
"""

from __future__ import annotations

import ipaddress
import os
import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

from sdg_interactions.apps.workshop import FACILITATOR_NOTEBOOK, SCORING_NOTEBOOK, read_about, read_plan
from sdg_interactions.errors import SdgInteractionsError, ValidationError
from sdg_interactions.texts import text

__all__ = ["base_urls", "check_ports", "serve", "serve_commands", "usable_addresses"]

#: Interface names of containers, bridges and virtual machines: listed after the machine's own networks.
_VIRTUAL = ("docker", "br-", "veth", "virbr", "vmnet", "vboxnet", "lxc", "lxd", "cni", "flannel", "podman")
#: Seconds to wait for both servers to answer.
_START_TIMEOUT = 120


def _listens_everywhere(ip: str) -> bool:
    return ip in ("0.0.0.0", "::", "")


def usable_addresses(ip: str = "0.0.0.0", *, interfaces: dict | None = None, stats: dict | None = None) -> list[str]:
    """The addresses where participants can reach a server listening on ``ip``, best first.

    For every interface (``ip`` 0.0.0.0, :: or ""): the IPv4 and IPv6 addresses of the interfaces that are
    up (psutil), without link-local IPv6 addresses; the machine's own networks before containers and
    virtual machines; IPv4 before IPv6. Loopback only when nothing else is up, and then 127.0.0.1 (never
    127.0.1.1, which Debian gives the host name). For one given ``ip``, just that one.

    Parameters
    ----------
    ip : str
        Where the server listens.
    interfaces, stats : dict, optional
        ``psutil.net_if_addrs()`` and ``psutil.net_if_stats()`` (read here unless given).

    Returns
    -------
    list of str
        Host addresses (IPv6 ones without brackets).

    Examples
    --------
    >>> from types import SimpleNamespace as S
    >>> up = S(isup=True)
    >>> lo = [S(family=socket.AF_INET, address="127.0.0.1"), S(family=socket.AF_INET, address="127.0.1.1")]
    >>> usable_addresses(interfaces={"lo": lo}, stats={"lo": up})
    ['127.0.0.1']
    >>> wifi = [S(family=socket.AF_INET, address="192.168.1.5"), S(family=socket.AF_INET6, address="fe80::1%wlan0")]
    >>> usable_addresses(interfaces={"lo": lo, "wlan0": wifi}, stats={"lo": up, "wlan0": up})
    ['192.168.1.5']
    """
    if not _listens_everywhere(ip):
        return ["127.0.0.1" if ip == "localhost" else ip]
    if interfaces is None or stats is None:
        import psutil

        interfaces = psutil.net_if_addrs() if interfaces is None else interfaces
        stats = psutil.net_if_stats() if stats is None else stats
    found: list[tuple[tuple, str]] = []
    for position, (name, entries) in enumerate(interfaces.items()):
        if name in stats and not stats[name].isup:
            continue
        for entry in entries:
            if entry.family not in (socket.AF_INET, socket.AF_INET6):
                continue
            try:
                address = ipaddress.ip_address(entry.address.split("%")[0])
            except ValueError:
                continue
            if address.is_loopback or address.is_multicast or address.is_unspecified or (
                    address.version == 6 and address.is_link_local):
                continue
            found.append(((name.startswith(_VIRTUAL), address.version, position), str(address)))
    ordered = list(dict.fromkeys(address for _, address in sorted(found)))
    return ordered or ["127.0.0.1"]


def base_urls(hosts: list[str], port: int, *, https: bool = False) -> list[str]:
    """The participants' addresses: ``http(s)://host:port/``, IPv6 hosts in brackets.

    >>> base_urls(["192.168.1.5", "fd00::2"], 8866, https=True)
    ['https://192.168.1.5:8866/', 'https://[fd00::2]:8866/']
    """
    scheme = "https" if https else "http"
    return [f"{scheme}://[{h}]:{port}/" if ":" in h else f"{scheme}://{h}:{port}/" for h in hosts]


def check_ports(ports: list[tuple[str, int]], *, lang: str = "sv") -> None:
    """Raise :class:`ValidationError` (one line: "porten … används redan") unless every ``(ip, port)`` is free.

    The ports are bound as the servers will bind them (tornado's ``bind_sockets``: SO_REUSEADDR, IPv4 and
    IPv6 for every interface) and let go at once.
    """
    import errno

    from tornado.netutil import bind_sockets

    from sdg_interactions.apps._voila_launch import bind_address

    for ip, port in ports:
        try:
            sockets = bind_sockets(port, bind_address(ip))
        except OSError as error:
            if error.errno in (errno.EADDRINUSE, errno.EACCES):
                raise ValidationError(text("server.error.port_busy", lang, port=port)) from None
            raise
        for sock in sockets:
            sock.close()


def serve_commands(folder: str | os.PathLike, *, port: int = 8866, ip: str = "0.0.0.0", token: str | None = None,
                   certfile: str | None = None, keyfile: str | None = None, max_participants: int | None = None,
                   lang: str = "sv", proxied: bool = False, warm: int = 0) -> tuple[list[str], list[str], str]:
    """The two commands of :func:`serve`, each run in the workshop folder: the participants' scoring app on
    ``ip:port`` (every interface by default; HTTPS with ``certfile`` and ``keyfile``) and the facilitator's
    dashboard on ``127.0.0.1:port+1`` behind a token (made here unless given). ``proxied``: the participants'
    server sits behind a reverse proxy and reads the client's address and scheme from its headers. ``warm``:
    participant kernels started before their pages (:mod:`sdg_interactions.apps._warm_kernels`). Voilà
    runs each notebook
    only: no code is ever taken from a browser; the participants' one gets its code cell from the door
    (:mod:`sdg_interactions.apps._gate`).

    Returns ``(participants, facilitator, token)``.
    """
    token = token or secrets.token_urlsafe(16)
    launch = [sys.executable, "-m", "sdg_interactions.apps._voila_launch", f"--lang={lang}"]
    participants = [*launch, SCORING_NOTEBOOK, "--role=participants", f"--port={port}", f"--ip={ip}"]
    if certfile:
        participants += [f"--certfile={Path(certfile).resolve()}", f"--keyfile={Path(keyfile).resolve()}"]
    if max_participants is not None:
        participants.append(f"--max-participants={max_participants}")
    if proxied:
        participants.append("--xheaders")
    if warm:
        participants.append(f"--warm={int(warm)}")
    facilitator = [*launch, FACILITATOR_NOTEBOOK, "--role=facilitator", f"--port={port + 1}", "--ip=127.0.0.1",
                   f"--token={token}"]
    return participants, facilitator, token


def _answers(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=1):
            return True
    except OSError:
        return False


def _wait_until_listening(processes, ports: list[tuple[str, int]], log: Path, lang: str) -> None:
    deadline = time.monotonic() + _START_TIMEOUT
    waiting = list(zip(processes, ports, strict=True))
    while waiting:
        for process, (host, port) in list(waiting):
            if _answers(host, port):
                waiting.remove((process, (host, port)))
            elif process.poll() is not None or time.monotonic() > deadline:
                _stop(processes)
                raise ValidationError(text("server.error.not_started", lang, port=port, log=log))
        time.sleep(0.2)


def _stop(processes) -> None:
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:  # pragma: no cover - Voilà stops on SIGTERM
            process.kill()


def _check_tls(certfile, keyfile, lang: str) -> None:
    import ssl

    if bool(certfile) != bool(keyfile):
        raise ValidationError(text("server.error.tls_pair", lang))
    if certfile:
        try:
            ssl.create_default_context(ssl.Purpose.CLIENT_AUTH).load_cert_chain(certfile, keyfile)
        except (OSError, ssl.SSLError) as error:
            raise ValidationError(text("server.error.tls_file", lang, reason=error)) from None


def _check_public_url(public_url, lang: str) -> None:
    from urllib.parse import urlsplit

    if public_url is not None:
        parts = urlsplit(public_url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment:
            raise ValidationError(text("server.error.public_url", lang, value=public_url))


def _print_links(folder: Path, bases: list[str], about: dict, lang: str, say) -> None:
    """The personal links (name and address) and the sheet; the join code when open joining is on."""
    from sdg_interactions.apps import links

    active = [link for link in links.read_links(folder) if not link.revoked]
    links.write_bases(folder, bases)
    if active:
        say(text("server.serving.links", lang, n=len(active)))
        for link in active:
            say(text("server.serving.link", lang, name=link.respondent, url=links.link_url(bases[0], link.token)))
        try:
            sheet = links.write_link_sheet(folder, bases, lang=lang)
            say(text("server.serving.sheet", lang, html=sheet.get("html", ""), pdf=sheet.get("pdf", "")))
        except Exception as error:  # the server runs without the sheet; the links are printed above
            reason = (error.words(lang) if isinstance(error, SdgInteractionsError)
                      else f"{type(error).__name__}: {error}")
            say(text("server.serving.no_sheet", lang, reason=reason))
    if about.get("drop_in"):
        say(text("server.serving.code", lang, code=about.get("join_code", "")))


def serve(folder: str | os.PathLike, *, port: int = 8866, ip: str = "0.0.0.0", lang: str | None = None,
          wait: bool = True, out=None, certfile: str | None = None, keyfile: str | None = None,
          max_participants: int | None = None, public_url: str | None = None, warm: int | None = None):
    """Serve a workshop folder until interrupted (Ctrl-C); print the addresses, the links and the
    facilitator's page once both servers answer.

    Parameters
    ----------
    folder : path
        A folder made by :func:`~sdg_interactions.apps.workshop.new_workshop`.
    port : int
        The participants' port; the facilitator's page is on ``port + 1`` (loopback only).
    ip : str
        Where participants connect: every interface (0.0.0.0, the default) or one address.
    lang : {"sv", "en"}, optional
        The language of what is printed (the workshop's by default).
    wait : bool
        With False the two processes are returned running (for tests); the caller stops them.
    certfile, keyfile : str, optional
        A TLS certificate and its key (PEM): the participants' server speaks HTTPS.
    max_participants : int, optional
        The most participant pages open at once (default: the links plus 5, at least 8).
    public_url : str, optional
        The address participants use when a reverse proxy (nginx, Caddy, a kommun's gateway) serves HTTPS in
        front of this server: printed, and put in every personal link, instead of this machine's addresses;
        the server then reads the client's address and scheme from the proxy's headers.
    warm : int, optional
        Participant kernels started before anyone comes, with the scoring app imported, so that ten links
        opened at once on a small laptop each get a page within seconds (about 120 MB each while they wait;
        :mod:`~sdg_interactions.apps._warm_kernels`). Default: one per personal link, at most 10; 0: none.

    Raises
    ------
    ValidationError
        A busy port, a certificate that cannot be read, or a server that did not start (one line each).
    """
    from sdg_interactions.apps._gate import Gate

    folder = Path(folder)
    about, plan = read_about(folder), read_plan(folder)
    lang = lang or about.get("lang", "sv")
    _check_tls(certfile, keyfile, lang)
    _check_public_url(public_url, lang)
    check_ports([(ip, port), ("127.0.0.1", port + 1)], lang=lang)
    if warm is None:
        from sdg_interactions.apps import links
        from sdg_interactions.apps._warm_kernels import default_warm

        warm = default_warm(sum(not link.revoked for link in links.read_links(folder)))
    elif not isinstance(warm, int) or isinstance(warm, bool) or warm < 0:
        raise ValidationError(text("server.error.warm", lang, value=warm))
    participants, facilitator, token = serve_commands(folder, port=port, ip=ip, certfile=certfile, keyfile=keyfile,
                                                      max_participants=max_participants, lang=lang,
                                                      proxied=bool(public_url), warm=warm)
    log_path = folder / "voila.log"
    with log_path.open("ab") as log:  # Voilà's own messages, for the facilitator if something fails
        processes = [subprocess.Popen(cmd, cwd=folder, stdout=log, stderr=subprocess.STDOUT)
                     for cmd in (participants, facilitator)]
    local = "127.0.0.1" if _listens_everywhere(ip) else ip
    _wait_until_listening(processes, [(local, port), ("127.0.0.1", port + 1)], log_path, lang)

    stream = out or sys.stdout

    def say(line: str) -> None:
        print(line, file=stream, flush=True)

    bases = [public_url.rstrip("/") + "/"] if public_url else base_urls(usable_addresses(ip), port,
                                                                        https=bool(certfile))
    say(text("server.serving.running", lang, kommun=about.get("kommun_name", ""), n=len(plan.nodes)))
    say(text("server.serving.proxied" if public_url else "server.serving.addresses", lang))
    for base in bases:
        say(text("server.serving.address", lang, url=base))
    if not bases[0].startswith(("http://127.", "https://127.")):
        import segno

        say(text("server.serving.qr", lang, url=bases[0]))
        segno.make(bases[0], error="m").terminal(out=stream, compact=True)
    _print_links(folder, bases, about, lang, say)
    say(text("server.serving.facilitator", lang, url=f"http://127.0.0.1:{port + 1}/?token={token}"))
    cap = max_participants if max_participants is not None else Gate(folder).cap()
    say(text("server.serving.cap", lang, n=cap))
    if warm:
        say(text("server.serving.warm", lang, n=warm))
    say(text("server.serving.stop", lang))
    if not wait:
        return processes
    import signal
    import threading

    def interrupted(signum, frame):  # SIGTERM (a service manager, `timeout`): stop both servers, as Ctrl-C does
        raise KeyboardInterrupt

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, interrupted)
    try:
        for process in processes:
            process.wait()
    except KeyboardInterrupt:
        pass
    finally:
        _stop(processes)
    return processes
