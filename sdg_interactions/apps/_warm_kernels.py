"""Kernels started before their pages, on the participants' server of ``workshop serve``.

A participant's page needs a kernel with the scoring app in it; starting one and importing the app (ipykernel,
ipywidgets, pandas, the library) costs about 1.5 s of CPU. When ten participants open their links at once on
a 2-core laptop those seconds queue up, so the server starts up to ``size`` kernels **before** anyone comes,
each with the scoring app already imported (:data:`WARM_CODE`, run by ipykernel as it starts), and gives a
page one of them: the page's own code then only builds the app. Nothing of a request ever reaches a warm kernel
before it is given to a page (the page's code, with its link, is sent to it then, as to any kernel), and a warm
kernel serves one page only: it is shut down with that page (:class:`~sdg_interactions.apps._voila_launch.Culler`).

The pool is filled again only while the participants are quiet: no page given a kernel and no page's kernel
busy for :data:`QUIET` seconds (a kernel's import takes a core for a second or more, which would slow every
click to "Sparat" while people score), one kernel at a time, never above what the kernel cap leaves: warm
kernels plus the pages' kernels stay within :meth:`~sdg_interactions.apps._gate.Gate.cap`. Warm kernels are
not pages: the gate does not count them and the culler does not shut them down, except a warm kernel that died,
which leaves the pool. Each costs its memory while it waits (about 120 MB); ``workshop serve --warm 0`` turns
the pool off.
"""

from __future__ import annotations

import datetime
import math
import time
import uuid
from collections.abc import Callable

__all__ = ["QUIET", "WARM_CODE", "WarmKernels", "default_warm", "room"]

#: What a warm kernel runs as it starts (ipykernel's ``exec_lines``): the scoring app's import.
WARM_CODE = "import sdg_interactions.apps.scoring"
#: Seconds without a page given a kernel and without a page's kernel busy before the pool is refilled: a
#: participant who has just opened the page starts clicking within seconds, and people scoring rarely pause
#: longer (their clicks keep the pool from taking a core away from them).
QUIET = 10.0
#: The most warm kernels by default.
MOST = 10


def default_warm(links: int) -> int:
    """Warm kernels by default: one per personal link, at most :data:`MOST`.

    >>> default_warm(3), default_warm(40), default_warm(0)
    (3, 10, 0)
    """
    return max(0, min(int(links), MOST))


def room(gate, manager, most: int) -> int:
    """How many warm kernels there may be now: ``most``, but never more than the kernel cap leaves beside the
    pages' kernels (:meth:`~sdg_interactions.apps._gate.Gate.load`, which does not count warm ones)."""
    return max(0, min(most, gate.cap() - gate.load(manager)))


class WarmKernels:
    """The pool of warm kernels of one server (see the module docstring).

    Parameters
    ----------
    manager
        The server's kernel manager (jupyter_server's ``MappingKernelManager``).
    start_kernel
        The manager's own ``start_kernel`` (a coroutine function), used for the warm kernels and for a page
        when no warm kernel is left.
    size : callable
        How many warm kernels there should be now (it may change: the facilitator adds links, pages come).
    kernel_name : str
        The kernel spec of the pages' notebook; a page asking for another one gets a new kernel.
    """

    def __init__(self, manager, start_kernel, *, size: Callable[[], int], kernel_name: str = "python3",
                 log=None) -> None:
        self.manager, self._start, self.size, self.kernel_name, self.log = manager, start_kernel, size, kernel_name, log
        self.ready: list[str] = []  # warm kernels, oldest first (the most likely to have finished importing)
        self.ids: set[str] = set()  # warm kernels, starting or ready: no page's, never culled
        self.last_given = -math.inf
        self._filling = False

    def __contains__(self, kernel_id: str) -> bool:
        return kernel_id in self.ids

    async def _alive(self, kernel_id: str) -> bool:
        from jupyter_core.utils import ensure_async

        try:
            return bool(await ensure_async(self.manager.get_kernel(kernel_id).is_alive()))
        except Exception:  # gone already
            return False

    async def start_kernel(self, *args, **kwargs) -> str:
        """A page's kernel (the manager's ``start_kernel`` for Voilà): a warm one while one is alive, else new."""
        self.last_given = time.monotonic()
        if kwargs.get("kernel_name", self.kernel_name) == self.kernel_name:
            while self.ready:
                kernel_id = self.ready.pop(0)
                self.ids.discard(kernel_id)  # a page's from now on: counted by the gate, culled with its page
                if await self._alive(kernel_id):
                    if self.log:
                        self.log.info("sdgi: a page gets warm kernel %s", kernel_id)
                    return kernel_id
        return await self._start(*args, **kwargs)

    def busy_since(self) -> float:
        """Seconds since a page's kernel was last busy (its last message, jupyter_server's ``last_activity``);
        infinity when no page has a kernel."""
        latest = None
        for kernel_id in set(self.manager.list_kernel_ids()) - self.ids:
            try:
                seen = getattr(self.manager.get_kernel(kernel_id), "last_activity", None)
            except KeyError:  # gone meanwhile
                continue
            if isinstance(seen, datetime.datetime) and (latest is None or seen > latest):
                latest = seen
        if latest is None:
            return math.inf
        return (datetime.datetime.now(datetime.UTC) - latest.astimezone(datetime.UTC)).total_seconds()

    async def __call__(self, now: float | None = None) -> str | None:
        """One round: a dead warm kernel leaves the pool (the culler removes it); then, when the participants
        are quiet (see the module docstring) and the pool is short, one more warm kernel is started. Returns
        its id."""
        now = time.monotonic() if now is None else now
        for kernel_id in list(self.ready):
            if not await self._alive(kernel_id):
                self.ready.remove(kernel_id)
                self.ids.discard(kernel_id)
        if (self._filling or now - self.last_given < QUIET or self.busy_since() < QUIET
                or len(self.ids) >= self.size()):
            return None
        kernel_id = str(uuid.uuid4())
        self.ids.add(kernel_id)
        self._filling = True
        try:
            await self._start(kernel_id=kernel_id, kernel_name=self.kernel_name, path="",
                              extra_arguments=[f"--IPKernelApp.exec_lines={WARM_CODE}"])
        except Exception as error:  # the pages still get new kernels; the next round tries again
            self.ids.discard(kernel_id)
            if self.log:
                self.log.warning("sdgi: a warm kernel did not start: %r", error)
            return None
        finally:
            self._filling = False
        self.ready.append(kernel_id)
        return kernel_id
