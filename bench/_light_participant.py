"""A workshop participant without a browser, for ``bench_workshop.py``: the server's part of what a participant
waits for, with the browser's own drawing left out (in a workshop it runs on the participant's own device).

It does what Voilà's page does over the network, no more: requests the personal link's page (the door, a
kernel started, the notebook run, the app built), connects to the kernel's websocket, opens the widget control
channel and asks for every widget's state (``request_states``, as ipywidgets' manager does when a page loads),
then clicks buttons by sending the message a browser sends (``{"method": "custom", "content": {"event":
"click"}}``) and waits for the kernel's answer. Messages are JSON over the websocket (Jupyter's messaging
protocol 5.3, as ``jupyter_server`` relays it without a sub-protocol).
"""

from __future__ import annotations

import http.cookiejar
import json
import re
import time
import urllib.request
import uuid

import websocket  # websocket-client, installed with Jupyter

#: ipywidgets' control protocol version (``ipywidgets.widgets.widget.__control_protocol_version__``).
CONTROL_VERSION = "1.0.0"


def _message(session: str, msg_type: str, content: dict, metadata: dict | None = None) -> tuple[str, str]:
    """A shell message as JSON, and its id."""
    msg_id = uuid.uuid4().hex
    return json.dumps({"header": {"msg_id": msg_id, "msg_type": msg_type, "session": session, "username": "",
                                  "date": "", "version": "5.3"},
                       "parent_header": {}, "metadata": metadata or {}, "content": content, "channel": "shell",
                       "buffers": []}), msg_id


class LightParticipant:
    """One participant's personal link, opened without a browser.

    ``models`` holds every widget's state as the kernel last said it (``comm_open``, ``update``,
    ``update_states``); ``order`` the ids in the order they appeared, so the newest button of a kind is found.
    """

    def __init__(self, base: str, token: str) -> None:
        self.base, self.token = base, token
        self.session = uuid.uuid4().hex
        self.models: dict[str, dict] = {}
        self.order: list[str] = []
        self.ws = None

    def open(self, timeout: float = 300) -> None:
        """Request the page and load every widget's state: what a browser has before it can draw the pair."""
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with opener.open(f"{self.base}?k={self.token}", timeout=timeout) as response:
            page = response.read().decode("utf-8")
        kernel = re.search(r'"kernelId": "([0-9a-f-]+)"', page)
        if kernel is None:
            raise RuntimeError(f"no kernel in the page: {page[:200]!r}")
        cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
        url = self.base.replace("http", "ws", 1) + f"api/kernels/{kernel.group(1)}/channels?session_id={self.session}"
        self.ws = websocket.create_connection(url, cookie=cookie, timeout=timeout)
        control = uuid.uuid4().hex
        version = {"version": CONTROL_VERSION}
        self.ws.send(_message(self.session, "comm_open", {"comm_id": control, "target_name": "jupyter.widget.control",
                                                          "data": {}}, version)[0])
        self.ws.send(_message(self.session, "comm_msg", {"comm_id": control, "data": {"method": "request_states"}},
                              version)[0])
        self._until(lambda m: m["msg_type"] == "comm_msg"
                    and m["content"].get("data", {}).get("method") == "update_states", timeout)

    def button(self, starts: str) -> str:
        """The id of the newest button whose text starts with ``starts``."""
        for model_id in reversed(self.order):
            state = self.models.get(model_id)
            if state and state.get("_model_name") == "ButtonModel" and str(state.get("description")).startswith(starts):
                return model_id
        raise LookupError(f"no button {starts!r} on the page")

    def click(self, model_id: str, *, until: str | None = None, timeout: float = 60) -> None:
        """Click a button; return when a widget update says ``until`` (e.g. "Sparat"), else when the kernel has
        handled the click (its "idle" status names the click as its parent)."""
        raw, sent = _message(self.session, "comm_msg", {"comm_id": model_id, "data": {
            "method": "custom", "content": {"event": "click"}}})
        self.ws.send(raw)
        if until is not None:
            self._until(lambda m: m["msg_type"] == "comm_msg" and until in json.dumps(
                m["content"].get("data", {}).get("state", {}), ensure_ascii=False), timeout)
        else:
            self._until(lambda m: m["msg_type"] == "status" and m["parent_header"].get("msg_id") == sent
                        and m["content"].get("execution_state") == "idle", timeout)

    def stay(self) -> None:
        """Keep the page open as a browser does until :meth:`close`: read (and so answer the server's pings)
        in a thread of its own."""
        import threading

        def read() -> None:
            try:
                while True:
                    self.ws.settimeout(None)
                    self.ws.recv()
            except Exception:  # closed
                return

        threading.Thread(target=read, daemon=True).start()

    def close(self) -> None:
        if self.ws is not None:
            self.ws.close()

    def _until(self, done, timeout: float) -> dict:
        end = time.monotonic() + timeout
        while (left := end - time.monotonic()) > 0:
            self.ws.settimeout(left)
            raw = self.ws.recv()
            if isinstance(raw, bytes):  # a message with binary buffers: no widget this app draws sends one
                continue
            message = json.loads(raw)
            self._keep(message)
            if done(message):
                return message
        raise TimeoutError("the kernel did not answer in time")

    def _keep(self, message: dict) -> None:
        kind = message["msg_type"] = message["header"]["msg_type"]
        content = message.get("content", {})
        data = content.get("data", {})
        if kind == "comm_open" and content.get("target_name") == "jupyter.widget":
            self._add(content["comm_id"], data.get("state", {}))
        elif kind == "comm_msg" and data.get("method") == "update" and content["comm_id"] in self.models:
            self.models[content["comm_id"]].update(data.get("state", {}))
        elif kind == "comm_msg" and data.get("method") == "update_states":
            for model_id, entry in data["states"].items():
                self._add(model_id, entry["state"])
        elif kind == "comm_close":
            self.models.pop(content["comm_id"], None)

    def _add(self, model_id: str, state: dict) -> None:
        if model_id not in self.models:
            self.order.append(model_id)
        self.models[model_id] = dict(state)
