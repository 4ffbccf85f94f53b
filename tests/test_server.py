"""``workshop serve``: the addresses it prints, a busy port, the door of every page load (personal links, the
kernel cap, the page-load limit, the browser cookie), the culling of kernels with no page, and the real
servers refusing pages without starting a kernel."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import socket
import urllib.error
import urllib.request
from types import SimpleNamespace as S

import nbformat
import psutil
import pytest
import tornado.web

from sdg_interactions.apps import links
from sdg_interactions.apps._gate import COOKIE, Gate, default_cap
from sdg_interactions.apps._voila_launch import MAX_MESSAGE, Culler, tornado_settings
from sdg_interactions.apps.server import base_urls, check_ports, serve, serve_commands, usable_addresses
from sdg_interactions.apps.workshop import new_workshop, scoring_code, set_drop_in
from sdg_interactions.cli import main
from sdg_interactions.errors import ValidationError

NODES = ["7.2", "11.6", "13.2"]
UP, DOWN = S(isup=True), S(isup=False)


def v4(address):
    return S(family=socket.AF_INET, address=address)


def v6(address):
    return S(family=socket.AF_INET6, address=address)


def mac(address="02:00:00:00:00:01"):
    return S(family=getattr(socket, "AF_PACKET", 17), address=address)


# -- addresses -------------------------------------------------------------------------------------------------
def test_addresses_list_every_network_but_never_loopback_when_another_exists():
    interfaces = {
        "lo": [v4("127.0.0.1"), v4("127.0.1.1"), v6("::1"), mac("00:00:00:00:00:00")],
        "docker0": [v4("172.17.0.1")],
        "wlan0": [v4("192.168.1.5"), v6("fe80::1%wlan0"), v6("2001:db8::5"), mac()],
        "eth1": [v4("10.1.2.3")],
        "wwan0": [v4("100.64.0.9")],
    }
    stats = {"lo": UP, "docker0": UP, "wlan0": UP, "eth1": DOWN, "wwan0": UP}
    found = usable_addresses("0.0.0.0", interfaces=interfaces, stats=stats)
    # the machine's own networks first (IPv4, then IPv6), containers last; the interface that is down left out
    assert found == ["192.168.1.5", "100.64.0.9", "2001:db8::5", "172.17.0.1"]
    assert not any(a.startswith("127.") or a == "::1" or a.startswith("fe80") for a in found)
    assert usable_addresses("", interfaces=interfaces, stats=stats) == found


def test_addresses_fall_back_to_127_0_0_1_only_when_loopback_is_all_there_is():
    lo = {"lo": [v4("127.0.1.1"), v4("127.0.0.1"), v6("::1")]}
    assert usable_addresses("0.0.0.0", interfaces=lo, stats={"lo": UP}) == ["127.0.0.1"]
    down = {**lo, "eth0": [v4("192.168.1.5")]}
    assert usable_addresses("0.0.0.0", interfaces=down, stats={"lo": UP, "eth0": DOWN}) == ["127.0.0.1"]
    # one given address: that one
    assert usable_addresses("192.168.1.5", interfaces=down, stats={}) == ["192.168.1.5"]
    assert usable_addresses("localhost") == ["127.0.0.1"]


def test_addresses_of_this_machine_never_include_127_0_1_1():
    found = usable_addresses("0.0.0.0")
    assert found and "127.0.1.1" not in found
    real = [a.address for entries in psutil.net_if_addrs().values() for a in entries
            if a.family == socket.AF_INET and not a.address.startswith("127.")]
    if real:  # a machine with a network lists it, and no loopback
        assert set(real) & set(found) and not any(a.startswith("127.") for a in found)


def test_base_urls_put_ipv6_in_brackets_and_say_https():
    assert base_urls(["192.168.1.5", "2001:db8::5"], 8866) == ["http://192.168.1.5:8866/",
                                                                "http://[2001:db8::5]:8866/"]
    assert base_urls(["10.0.0.2"], 443, https=True) == ["https://10.0.0.2:443/"]


# -- a busy port ---------------------------------------------------------------------------------------------
def _busy_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    s.listen()
    return s, s.getsockname()[1]


def test_a_busy_port_is_one_swedish_line(tmp_path):
    holder, port = _busy_port()
    with holder:
        with pytest.raises(ValidationError) as error:
            check_ports([("127.0.0.1", port)])
        assert str(error.value) == (f"porten {port} används redan (är en workshop redan igång?) – "
                                    "välj en annan med --port")
        with pytest.raises(ValidationError, match=f"port {port} is already in use"):
            check_ports([("127.0.0.1", port)], lang="en")
    check_ports([("127.0.0.1", port)])  # free again: no error


@pytest.mark.parametrize("which", ["participants", "facilitator"])
def test_serve_on_a_busy_port_exits_2_without_saying_it_runs(tmp_path, capsys, which):
    folder = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=2)
    holder, busy = _busy_port()
    port = busy if which == "participants" else busy - 1
    with holder:
        capsys.readouterr()
        assert main(["workshop", "serve", str(folder), "--port", str(port), "--ip", "127.0.0.1"]) == 2
    said = capsys.readouterr()
    assert said.err.strip().splitlines() == [
        f"fel: porten {busy} används redan (är en workshop redan igång?) – välj en annan med --port"]
    assert "igång." not in said.out and "?token=" not in said.out
    assert not (folder / "voila.log").exists()  # nothing was started
    holder2, busy2 = _busy_port()
    with holder2:
        assert main(["workshop", "serve", str(folder), "--port", str(busy2), "--ip", "127.0.0.1", "--lang", "en"]) == 2
    assert f"port {busy2} is already in use" in capsys.readouterr().err


def test_certfile_without_keyfile_is_refused(tmp_path, capsys):
    folder = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=2)
    assert main(["workshop", "serve", str(folder), "--certfile", str(tmp_path / "c.pem")]) == 2
    assert "--certfile och --keyfile hör ihop" in capsys.readouterr().err
    (tmp_path / "c.pem").write_text("not a certificate")
    assert main(["workshop", "serve", str(folder), "--certfile", str(tmp_path / "c.pem"), "--keyfile",
                 str(tmp_path / "c.pem")]) == 2
    assert "certifikatet kunde inte läsas" in capsys.readouterr().err


def test_a_public_url_must_be_an_address(tmp_path, capsys):
    folder = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=2)
    assert main(["workshop", "serve", str(folder), "--public-url", "workshop.kommun.se"]) == 2
    assert "--public-url ska vara en adress som https://workshop.kommun.se/ (inte ”workshop.kommun.se”)" in \
        capsys.readouterr().err


def test_serve_commands_use_our_launcher_with_https_and_the_cap(tmp_path):
    participants, facilitator, token = serve_commands(tmp_path, port=9000, ip="0.0.0.0", certfile="c.pem",
                                                      keyfile="k.pem", max_participants=3)
    assert participants[1:3] == ["-m", "sdg_interactions.apps._voila_launch"]
    assert "--role=participants" in participants and "--port=9000" in participants
    assert f"--certfile={(tmp_path.cwd() / 'c.pem').resolve()}" in participants
    assert "--max-participants=3" in participants
    assert "--role=facilitator" in facilitator and "--port=9001" in facilitator and "--ip=127.0.0.1" in facilitator
    assert f"--token={token}" in facilitator and len(token) >= 16 and not any("token" in a for a in participants)
    assert "--xheaders" not in participants
    assert "--xheaders" in serve_commands(tmp_path, proxied=True)[0]  # behind a proxy: the client from its headers


def test_tornado_settings_cap_websocket_messages_and_turn_xsrf_off_only_for_participants():
    assert tornado_settings("participants")["websocket_max_message_size"] == MAX_MESSAGE == 256 * 1024
    assert tornado_settings("participants")["disable_check_xsrf"] is True
    assert "disable_check_xsrf" not in tornado_settings("facilitator")


# -- the door ------------------------------------------------------------------------------------------------
class Handler:
    """The parts of a tornado request handler the door uses."""

    def __init__(self, *, k=None, cookie=None, ip="10.0.0.7", protocol="http", kernels=0):
        self.request = S(remote_ip=ip, protocol=protocol)
        self.kernel_manager = S(list_kernel_ids=lambda: [f"kernel-{i}" for i in range(kernels)])
        self.query = {} if k is None else {"k": k}
        self.cookie, self.status, self.headers, self.cookies = cookie, 200, {}, {}
        self.log = logging.getLogger("test_server")

    def get_query_argument(self, name, default=None):
        return self.query.get(name, default)

    def get_cookie(self, name):
        return self.cookie if name == COOKIE else None

    def set_cookie(self, name, value, **options):
        self.cookies[name] = (value, options)

    def set_status(self, status):
        self.status = status

    def set_header(self, name, value):
        self.headers[name] = value


@pytest.fixture
def folder(tmp_path):
    return new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=3)


def _notebook(folder):
    return nbformat.read(folder / "delta.ipynb", as_version=4)


def _refused(gate, handler, folder):
    notebook = _notebook(folder)
    with pytest.raises(tornado.web.Finish) as finished:
        gate(handler, notebook, str(folder))
    return handler.status, finished.value.args[0]


def test_a_personal_link_gets_its_own_code_cell_and_a_browser_cookie(folder):
    token = links.read_links(folder)[1].token
    handler = Handler(k=token)
    notebook = Gate(folder)(handler, _notebook(folder), str(folder))
    secret, options = handler.cookies[COOKIE]
    assert re.fullmatch(r"[A-Za-z0-9_-]{43}", secret)
    assert options == {"httponly": True, "samesite": "Lax", "secure": False, "expires_days": 30}
    code = [cell.source for cell in notebook.cells if cell.cell_type == "code"]
    assert code == [scoring_code("sv", link=token, browser=hashlib.sha256(secret.encode()).hexdigest())]
    assert notebook.metadata["sdgi"] == {"lang": "sv", "lost": "Anslutningen bröts – ladda om sidan. "
                                                              "Dina sparade svar finns kvar."}
    # the same browser again: its cookie is kept, not replaced; under HTTPS a new cookie is Secure
    again = Handler(k=token, cookie=secret)
    notebook = Gate(folder)(again, _notebook(folder), str(folder))
    assert again.cookies == {} and hashlib.sha256(secret.encode()).hexdigest() in notebook.cells[-1].source
    https = Handler(k=token, cookie="forged;value", protocol="https")
    Gate(folder)(https, _notebook(folder), str(folder))
    assert https.cookies[COOKIE][0] != "forged;value" and https.cookies[COOKIE][1]["secure"] is True


def test_unknown_revoked_or_missing_links_are_refused_with_a_page_of_their_own(folder):
    gate = Gate(folder)
    status, page = _refused(gate, Handler(k="x" * 32), folder)
    assert status == 403 and "Länken gäller inte – fråga samordnaren efter din personliga länk." in page
    assert "This link is not valid" in page and "<script" not in page and "http" not in page
    revoked = links.read_links(folder)[0]
    links.revoke_link(folder, revoked.token)
    assert _refused(gate, Handler(k=revoked.token), folder)[0] == 403
    status, page = _refused(gate, Handler(), folder)
    assert status == 403 and "Öppna din personliga länk" in page
    assert gate.load(S(list_kernel_ids=lambda: [])) == 0  # no refused page holds a place


def test_open_joining_lets_a_page_in_without_a_link(folder):
    set_drop_in(folder, True)
    handler = Handler()
    notebook = Gate(folder)(handler, _notebook(folder), str(folder))
    secret = handler.cookies[COOKIE][0]
    assert notebook.cells[-1].source == scoring_code("sv", browser=hashlib.sha256(secret.encode()).hexdigest())


def test_the_cap_counts_running_starting_and_admitted_pages(folder):
    tokens = [link.token for link in links.read_links(folder)]
    assert default_cap(3, 3) == 8 and Gate(folder).cap() == 8
    assert Gate(folder, max_participants=2).cap() == 2
    status, page = _refused(Gate(folder), Handler(k=tokens[0], kernels=8), folder)
    assert status == 503 and "Fullt just nu – fråga samordnaren." in page
    gate = Gate(folder, max_participants=2)
    gate(Handler(k=tokens[0], kernels=0), _notebook(folder), str(folder))  # admitted, its kernel not started yet
    gate(Handler(k=tokens[1], kernels=0), _notebook(folder), str(folder))
    assert _refused(gate, Handler(k=tokens[2], kernels=0), folder)[0] == 503
    gate.kernel_starting()  # one admitted page's kernel starts: still two, also once the manager lists it
    assert gate.load(S(list_kernel_ids=lambda: [])) == 2
    # a kernel the manager lists while its start still runs counts once (ten pages at once would otherwise
    # look like twenty and the last would get "Fullt")
    assert gate.load(S(list_kernel_ids=lambda: ["a"])) == 2
    gate.kernel_started("a")
    assert gate.load(S(list_kernel_ids=lambda: ["a"])) == 2
    assert gate.load(S(list_kernel_ids=lambda: [])) == 1  # its page closed: room again


def test_voila_runs_the_very_gate_that_counts_the_kernels(folder):
    """traitlets deep-copies configured values: the prelaunch hook must stay the gate the kernel manager tells
    of starting kernels, or admitted pages stay reserved for a minute and a round of reloads fills the cap."""
    from traitlets.config import Config
    from voila.configuration import VoilaConfiguration

    gate = Gate(folder, max_participants=2)
    config = Config()
    config.VoilaConfiguration.prelaunch_hook = gate
    assert VoilaConfiguration(config=config).prelaunch_hook is gate
    tokens = [link.token for link in links.read_links(folder)]
    for token in tokens[:2]:  # two pages admitted, their kernels start and their pages close
        gate(Handler(k=token, kernels=0), _notebook(folder), str(folder))
        gate.kernel_starting()
        gate.kernel_started(token)
    assert gate.load(S(list_kernel_ids=lambda: [])) == 0  # room for two again at once, not in a minute


def test_too_many_page_loads_from_one_address_get_429(folder):
    gate = Gate(folder, loads_per_minute=20)
    for _ in range(20):
        assert _refused(gate, Handler(k="y" * 32), folder)[0] == 403
    handler = Handler(k=links.read_links(folder)[0].token)
    status, page = _refused(gate, handler, folder)
    assert status == 429 and handler.headers["Retry-After"] == "60" and "vänta en minut" in page
    assert _refused(gate, Handler(k="y" * 32, ip="10.0.0.8"), folder)[0] == 403  # another address is counted apart


def test_an_english_workshop_refuses_in_english_first(tmp_path):
    folder = new_workshop(tmp_path / "en", NODES, kommun="Habo", respondents=2, lang="en")
    status, page = _refused(Gate(folder), Handler(k="z" * 32), folder)
    assert status == 403
    assert page.index("This link is not valid") < page.index("Länken gäller inte") and '<html lang="en">' in page


def test_the_facilitator_page_gets_the_banner_words_and_its_own_notebook(folder):
    notebook = nbformat.read(folder / "ledning.ipynb", as_version=4)
    before = [cell.source for cell in notebook.cells]
    Gate(folder, role="facilitator")(Handler(), notebook, str(folder))
    assert [cell.source for cell in notebook.cells] == before and notebook.metadata["sdgi"]["lang"] == "sv"


# -- culling -------------------------------------------------------------------------------------------------
class Kernels:
    def __init__(self, connections):
        self.connections, self.stopped, self.dead = dict(connections), [], set()

    def list_kernel_ids(self):
        return list(self.connections)

    def kernel_model(self, kernel_id):
        return {"connections": self.connections[kernel_id]}

    def get_kernel(self, kernel_id):
        return S(is_alive=lambda: kernel_id not in self.dead)

    async def shutdown_kernel(self, kernel_id, now=False):
        self.stopped.append((kernel_id, now))
        del self.connections[kernel_id]


def test_kernels_without_a_page_are_shut_down_after_a_while_and_never_connected_ones_later():
    import asyncio

    from sdg_interactions.apps._voila_launch import EVERY, IDLE_AFTER, NEVER_CONNECTED_AFTER

    # a crashed browser's kernel (and its journal's lock) is gone within 20 s: its link opens again in 30 s
    assert IDLE_AFTER + EVERY <= 18 and NEVER_CONNECTED_AFTER >= 45  # a page may take long to load on a busy host
    kernels = Kernels({"open": 1, "closed": 1, "never": 0})
    cull = Culler(kernels, idle_after=20, never_connected_after=60)
    assert asyncio.run(cull(now=0)) == []
    kernels.connections["closed"] = 0  # its browser crashed between t = 0 and t = 2 s
    assert asyncio.run(cull(now=2)) == []
    assert asyncio.run(cull(now=19.5)) == []
    assert asyncio.run(cull(now=20.5)) == ["closed"]  # 20.5 s after it was last seen with a page
    assert asyncio.run(cull(now=59)) == [] and kernels.stopped == [("closed", True)]  # at once: its answers are saved
    assert asyncio.run(cull(now=61)) == ["never"]
    assert asyncio.run(cull(now=600)) == [] and set(kernels.connections) == {"open"}
    kernels.dead.add("open")  # its process died, its page still open: removed at once, without asking it
    assert asyncio.run(cull(now=601)) == ["open"] and kernels.stopped[-1] == ("open", True)


def test_a_page_that_came_and_went_between_two_rounds_counts_as_a_page():
    """A page that connects and leaves within one culling round (one second) is seen through the kernel
    manager's connect/disconnect notices: its kernel goes idle_after later, not never_connected_after."""
    import asyncio

    class Noticed(Kernels):
        def __init__(self, connections):
            super().__init__(connections)
            self.noticed = []

        def notify_connect(self, kernel_id):
            self.noticed.append(("connect", kernel_id))
            self.connections[kernel_id] += 1

        def notify_disconnect(self, kernel_id):
            self.noticed.append(("disconnect", kernel_id))
            self.connections[kernel_id] -= 1

    kernels = Noticed({"quick": 0, "never": 0})
    cull = Culler(kernels, idle_after=5, never_connected_after=1e12)  # the notices read the real clock
    assert asyncio.run(cull(now=0)) == []
    kernels.notify_connect("quick")  # between two rounds: the rounds never see a connection
    kernels.notify_disconnect("quick")
    assert kernels.noticed == [("connect", "quick"), ("disconnect", "quick")]  # the manager's own still run
    assert cull.seen["quick"][1] is not None  # seen with a page, at the time of the notice
    noticed_at = cull.seen["quick"][1]
    assert asyncio.run(cull(now=noticed_at + 4)) == []
    assert asyncio.run(cull(now=noticed_at + 6)) == ["quick"]  # idle_after, not never_connected_after
    assert set(kernels.connections) == {"never"}


# -- the real servers ----------------------------------------------------------------------------------------
def _free_pair() -> int:
    from browser import free_pair  # below the ephemeral range, where kernels take their ports

    return free_pair()


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def _websocket_close_code(url: str, size: int) -> int | None:
    """Send one message of ``size`` bytes to a kernel's websocket; the code the server closes it with."""
    import asyncio

    from tornado.websocket import websocket_connect

    async def send():
        connection = await websocket_connect(url)
        await connection.write_message(b"x" * size, binary=True)
        while await asyncio.wait_for(connection.read_message(), 30) is not None:
            pass  # the kernel's own messages, until the server closes the connection
        return connection.close_code

    return asyncio.run(send())


def kernels_of(process) -> list[psutil.Process]:
    """The kernels a server process started (its ipykernel children)."""
    return [child for child in psutil.Process(process.pid).children(recursive=True)
            if "ipykernel_launcher" in " ".join(child.cmdline())]


@pytest.mark.slow
def test_the_server_refuses_unknown_links_full_and_flooding_pages_without_a_kernel(tmp_path):
    folder = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=3)
    port, said = _free_pair(), io.StringIO()
    processes = serve(folder, port=port, ip="127.0.0.1", wait=False, out=said, max_participants=1, warm=0)
    try:
        base = f"http://127.0.0.1:{port}/"
        printed = said.getvalue()
        assert "är igång" in printed and base in printed and "127.0.1.1" not in printed
        for link in links.read_links(folder):  # every personal link, with its name
            assert f"{link.respondent}: {base}?k={link.token}" in printed
        assert links.read_bases(folder) == [base] and "Högst 1 deltagarsidor" in printed
        status, page = _get(f"{base}?k={'q' * 32}")
        assert status == 403 and "Länken gäller inte" in page
        status, page = _get(base)
        assert status == 403 and "Öppna din personliga länk" in page
        assert kernels_of(processes[0]) == []
        first, second = (link.token for link in links.read_links(folder)[:2])
        status, page = _get(f"{base}?k={first}")
        assert status == 200 and "jupyter-config-data" in page and "cdn.jsdelivr" not in page
        assert len(kernels_of(processes[0])) == 1
        kernel = re.search(r'"kernelId": "([0-9a-f-]{36})"', page)[1]
        assert _websocket_close_code(f"ws://127.0.0.1:{port}/api/kernels/{kernel}/channels", 1024 * 1024) == 1009
        status, page = _get(f"{base}?k={second}")
        assert status == 503 and "Fullt just nu – fråga samordnaren." in page
        assert len(kernels_of(processes[0])) == 1
        statuses = [_get(f"{base}?k={'r' * 32}")[0] for _ in range(20)]
        assert statuses[:16] == [403] * 16 and statuses[-1] == 429  # 4 loads above, then 16 more: the 21st is 429
        assert len(kernels_of(processes[0])) == 1
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    assert "Traceback" not in (folder / "voila.log").read_text(errors="replace")


@pytest.mark.slow
def test_behind_a_reverse_proxy_the_links_use_its_address_and_the_limit_counts_each_client(tmp_path):
    folder = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=2)
    port, said = _free_pair(), io.StringIO()
    public = "https://workshop.example.se/habo"
    processes = serve(folder, port=port, ip="127.0.0.1", wait=False, out=said, public_url=public)
    try:
        printed = said.getvalue()
        assert links.read_bases(folder) == [f"{public}/"] and f"http://127.0.0.1:{port}/" not in printed
        for link in links.read_links(folder):
            assert f"{link.respondent}: {public}/?k={link.token}" in printed

        def load(client: str) -> int:
            request = urllib.request.Request(f"http://127.0.0.1:{port}/?k={'s' * 32}",
                                             headers={"X-Forwarded-For": client, "X-Forwarded-Proto": "https"})
            try:
                return urllib.request.urlopen(request, timeout=60).status
            except urllib.error.HTTPError as error:
                return error.code

        # 25 participants behind the one proxy: each is counted apart (403: the made-up link), none gets 429
        assert [load(f"10.0.0.{k}") for k in range(25)] == [403] * 25
        assert [load("10.0.1.1") for _ in range(21)][-1] == 429  # one client loading too often still does
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)


def test_a_page_is_not_dropped_at_the_first_ping():
    """jupyter_server checks the last pong before its first ping: a wait no longer than the interval would close
    every page's websocket after one interval (seen as "WebSocket ping timeout after 15001 ms" for every page)."""
    from sdg_interactions.apps._voila_launch import PING_EVERY, PING_WAIT, tornado_settings

    settings = tornado_settings("participants")
    assert settings["ws_ping_interval"] == PING_EVERY and settings["ws_ping_timeout"] == PING_WAIT
    assert PING_WAIT >= 2 * PING_EVERY and PING_EVERY + PING_WAIT <= 60_000  # a laptop gone counts within a minute
