"""Warm kernels (issue 19's page-open time): kernels started before their pages, never counted or culled as
pages, given to pages oldest first, refilled when the server is quiet and within the kernel cap; and Voilà's
page templates compiled once per server."""

from __future__ import annotations

import asyncio
import re
import time
import urllib.error
import urllib.request
from types import SimpleNamespace as S

import psutil
import pytest

from sdg_interactions.apps import links
from sdg_interactions.apps._gate import Gate
from sdg_interactions.apps._voila_launch import Culler, cache_templates
from sdg_interactions.apps._warm_kernels import QUIET, WARM_CODE, WarmKernels, default_warm, room
from sdg_interactions.apps.server import serve, serve_commands
from sdg_interactions.apps.workshop import new_workshop
from sdg_interactions.errors import ValidationError

NODES = ["7.2", "11.6", "13.2"]


class Manager:
    """A kernel manager as far as the pool uses it: start (recorded), list, is_alive."""

    def __init__(self):
        self.started, self.dead, self.kernels, self.activity = [], set(), [], {}

    async def start_kernel(self, *args, **kwargs):
        kernel_id = kwargs.get("kernel_id") or f"page-{len(self.started)}"
        self.started.append((kernel_id, kwargs))
        self.kernels.append(kernel_id)
        return kernel_id

    def list_kernel_ids(self):
        return list(self.kernels)

    def get_kernel(self, kernel_id):
        if kernel_id not in self.kernels:
            raise KeyError(kernel_id)
        return S(is_alive=lambda: kernel_id not in self.dead, last_activity=self.activity.get(kernel_id))


def test_default_warm_is_one_per_link_at_most_ten():
    assert [default_warm(n) for n in (0, 1, 6, 10, 11, 300)] == [0, 1, 6, 10, 10, 10]


def test_a_page_gets_the_oldest_warm_kernel_and_the_pool_is_refilled_only_when_quiet():
    manager = Manager()
    pool = WarmKernels(manager, manager.start_kernel, size=lambda: 2)
    first = asyncio.run(pool(now=0.0))
    second = asyncio.run(pool(now=1.0))
    assert asyncio.run(pool(now=2.0)) is None  # full
    assert pool.ready == [first, second] and pool.ids == {first, second} and first != second
    kernel_id, options = manager.started[0]
    assert kernel_id == first and options["kernel_name"] == "python3" and options["path"] == ""
    assert options["extra_arguments"] == [f"--IPKernelApp.exec_lines={WARM_CODE}"]

    page = asyncio.run(pool.start_kernel(kernel_name="python3", path="", env={"QUERY_STRING": "k=x"}))
    assert page == first and first not in pool and pool.ready == [second]
    assert len(manager.started) == 2  # no new kernel for that page
    given = pool.last_given
    assert asyncio.run(pool(now=given + QUIET - 0.5)) is None  # pages may still be coming: no refill yet
    third = asyncio.run(pool(now=given + QUIET + 0.1))
    assert third is not None and pool.ready == [second, third]

    manager.dead.add(second)  # a warm kernel died while it waited: skipped, and it leaves the pool
    assert asyncio.run(pool.start_kernel(kernel_name="python3", path="")) == third
    assert second not in pool and pool.ready == []
    page = asyncio.run(pool.start_kernel(kernel_name="python3", path="", env={"A": "1"}))  # none left: a new one
    assert page == "page-3" and manager.started[-1][1] == {"kernel_name": "python3", "path": "", "env": {"A": "1"}}


def test_the_pool_waits_while_a_page_s_kernel_is_busy():
    """Importing takes a core: refilling while people score would slow their clicks to "Sparat"."""
    import datetime

    manager = Manager()
    pool = WarmKernels(manager, manager.start_kernel, size=lambda: 2)
    asyncio.run(pool(now=0.0))
    page = asyncio.run(pool.start_kernel(kernel_name="python3", path=""))
    assert pool.busy_since() == float("inf")  # the page's kernel has said nothing yet
    now = datetime.datetime.now(datetime.UTC)
    manager.activity[page] = now - datetime.timedelta(seconds=1)  # a click a second ago
    later = pool.last_given + 2 * QUIET
    assert 0.9 < pool.busy_since() < QUIET and asyncio.run(pool(now=later)) is None
    manager.activity[page] = now - datetime.timedelta(seconds=QUIET + 1)  # everyone quiet for a while
    assert asyncio.run(pool(now=later)) is not None and len(pool.ready) == 1


def test_a_page_of_another_kernel_spec_never_gets_a_warm_kernel_and_dead_ones_leave_the_pool():
    manager = Manager()
    pool = WarmKernels(manager, manager.start_kernel, size=lambda: 1)
    warm = asyncio.run(pool(now=0.0))
    assert asyncio.run(pool.start_kernel(kernel_name="ir", path="")) == "page-1" and pool.ready == [warm]
    manager.dead.add(warm)
    assert asyncio.run(pool(now=10.0)) is None  # a page came just now (wall clock): the dead one only leaves
    assert pool.ready == [] and warm not in pool


def test_a_warm_kernel_that_fails_to_start_is_forgotten():
    manager = Manager()

    async def failing(**kwargs):
        raise RuntimeError("no kernel spec")

    pool = WarmKernels(manager, failing, size=lambda: 1)
    assert asyncio.run(pool(now=0.0)) is None and pool.ids == set() and pool.ready == []


def test_the_gate_does_not_count_warm_kernels_and_the_pool_stays_within_the_cap(tmp_path):
    folder = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=3)
    gate = Gate(folder, max_participants=3)
    manager = S(list_kernel_ids=lambda: ["w1", "w2", "p1"])
    gate.spare = {"w1", "w2"}
    assert gate.load(S(list_kernel_ids=lambda: ["w1", "w2"])) == 0
    gate.kernel_starting()
    gate.kernel_started("p1")
    assert gate.load(manager) == 1  # the page's kernel; the warm ones are not pages
    assert room(gate, manager, 10) == 2 and room(gate, manager, 1) == 1
    gate.kernel_starting()
    gate.kernel_started("p2")
    gate.kernel_starting()
    gate.kernel_started("p3")
    pages = S(list_kernel_ids=lambda: ["w1", "p1", "p2", "p3"])
    assert gate.load(pages) == 3 and room(gate, pages, 10) == 0  # the cap is reached: no warm kernel more


def test_the_culler_never_shuts_down_a_warm_kernel_and_counts_a_given_one_from_then():
    class Kernels:
        def __init__(self):
            self.connections, self.stopped = {"warm": 0, "page": 0}, []

        def list_kernel_ids(self):
            return list(self.connections)

        def kernel_model(self, kernel_id):
            return {"connections": self.connections[kernel_id]}

        def get_kernel(self, kernel_id):
            return S(is_alive=lambda: True)

        async def shutdown_kernel(self, kernel_id, now=False):
            self.stopped.append(kernel_id)
            del self.connections[kernel_id]

    spare = {"warm"}
    kernels = Kernels()
    cull = Culler(kernels, idle_after=5, never_connected_after=60, spare=spare)
    assert asyncio.run(cull(now=0)) == []
    assert asyncio.run(cull(now=61)) == ["page"]  # no page ever connected
    assert asyncio.run(cull(now=1000)) == [] and "warm" in kernels.connections  # waits as long as it takes
    spare.discard("warm")  # given to a page at t = 1000: its minute to connect starts now
    assert asyncio.run(cull(now=1001)) == [] and asyncio.run(cull(now=1059)) == []
    assert asyncio.run(cull(now=1062)) == ["warm"]


def test_serve_passes_warm_to_the_participants_server_only_and_refuses_a_bad_number(tmp_path, capsys):
    folder = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=2)
    participants, facilitator, _ = serve_commands(folder, warm=3)
    assert "--warm=3" in participants and not any(a.startswith("--warm") for a in facilitator)
    assert not any(a.startswith("--warm") for a in serve_commands(folder)[0])
    for bad in (-1, 1.5, "2", True):
        with pytest.raises(ValidationError, match="--warm ska vara ett heltal 0 eller större"):
            serve(folder, port=_free_pair(), ip="127.0.0.1", wait=False, warm=bad)
    assert not (folder / "voila.log").exists()  # refused before anything started


def test_voila_compiles_its_page_templates_once_per_server(tmp_path, monkeypatch):
    import jinja2
    from voila.exporter import VoilaExporter

    monkeypatch.setattr(VoilaExporter, "environment", VoilaExporter.environment)  # put back afterwards
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "page.j2").write_text("{% for x in items %}<p>{{ x }}</p>{% endfor %}", encoding="utf-8")
    compiled = []
    compile_source = jinja2.Environment.compile

    def counted(self, source, *args, **kwargs):
        compiled.append(source)
        return compile_source(self, source, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)

    def render() -> str:
        env = VoilaExporter(template_paths=[str(templates)]).environment
        return "".join(env.get_template("page.j2").generate(items=[1, 2]))

    assert render() == render() == "<p>1</p><p>2</p>" and len(compiled) == 2  # without the cache: each page
    (tmp_path / "cache").mkdir()
    cache_templates(tmp_path / "cache")
    cache_templates(tmp_path / "cache")  # a second call keeps one cache, not a cache around a cache
    assert render() == render() == "<p>1</p><p>2</p>"
    assert len(compiled) == 3 and len(list((tmp_path / "cache").iterdir())) == 1  # once more, then from the cache


# -- the real server -----------------------------------------------------------------------------------------
def _free_pair() -> int:
    from browser import free_pair  # below the ephemeral range, where kernels take their ports

    return free_pair()


def _kernels(process) -> dict[str, psutil.Process]:
    """The kernels of a server process by kernel id (their connection file is named after it)."""
    found = {}
    for child in psutil.Process(process.pid).children(recursive=True):
        command = " ".join(child.cmdline())
        if "ipykernel_launcher" in command:
            found[re.search(r"kernel-([0-9a-f-]{36})\.json", command)[1]] = child
    return found


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def _wait(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.3)
    raise AssertionError(f"not within {timeout} s: {what}")


@pytest.mark.slow
def test_pages_get_warm_kernels_with_the_app_imported_and_the_cap_holds(tmp_path):
    folder = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=3)
    port, tokens = _free_pair(), [link.token for link in links.read_links(folder)]
    said = __import__("io").StringIO()
    processes = serve(folder, port=port, ip="127.0.0.1", wait=False, out=said, max_participants=2, warm=3)
    base = f"http://127.0.0.1:{port}/"
    try:
        assert "2 deltagarsidor står redo i förväg" not in said.getvalue()
        assert "3 deltagarsidor står redo i förväg, så att de öppnas snabbt (ändra med --warm)." in said.getvalue()
        warm = _wait(lambda: len(_kernels(processes[0])) == 2 and _kernels(processes[0]), 90,
                     "two warm kernels (the cap of 2 leaves room for two, not three)")
        assert all(WARM_CODE in " ".join(p.cmdline()) for p in warm.values())
        time.sleep(2 * QUIET)
        assert set(_kernels(processes[0])) == set(warm)  # never more than the cap leaves
        given = []
        for token in tokens[:2]:
            status, page = _get(f"{base}?k={token}")
            kernel = re.search(r'"kernelId": "([0-9a-f-]{36})"', page)[1]
            assert status == 200 and kernel in warm and kernel not in given
            assert "application/vnd.jupyter.widget-view+json" in page and "Traceback" not in page
            given.append(kernel)
        status, page = _get(f"{base}?k={tokens[2]}")
        assert status == 503 and "Fullt just nu" in page  # two pages on two warm kernels: the cap is reached
        time.sleep(2 * QUIET)
        assert set(_kernels(processes[0])) == set(given)  # and no warm kernel is started beyond it
        request = urllib.request.Request(f"{base}api/kernels/{given[0]}", method="DELETE")
        assert urllib.request.urlopen(request, timeout=30).status == 204  # one page's kernel ends: room for one
        now = _wait(lambda: (lambda ks: given[0] not in ks and len(ks) == 2 and ks)(set(_kernels(processes[0]))),
                    90, "the page's kernel gone and a warm kernel again")
        assert given[1] in now and all(WARM_CODE in " ".join(p.cmdline()) for p in _kernels(processes[0]).values())
        for kernel in _kernels(processes[0]).values():  # stopped while it imports, a kernel's traceback fills the log
            _wait(lambda k=kernel: k.cpu_percent(interval=0.5) < 5, 90, "the warm kernel done importing")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
    assert "Traceback" not in (folder / "voila.log").read_text(errors="replace")
