"""A local stand-in of the Kolada v3 data API (``/v3/data/kpi/{kpis}/municipality/{areas}[/year/{years}]``)
for tests and the bench: a threaded HTTP server on 127.0.0.1 that answers in the shapes of
``kolada_api.md`` with values generated deterministically for any KPI and area id.

* :func:`records`: what the stand-in holds for one KPI × area: one record per year of :data:`YEARS` but the
  missing ones (:func:`missing_year`), with a total (``T``) and, for a KPI :func:`by_gender`, ``K`` and ``M``
  rows too; some gender values are ``null``.
* Paging: at most ``page_size`` records a page; the next page's absolute URL under ``next_key``
  (``next_url`` as v3, or ``next_page`` as older answers), ``""`` on the last page.
* ``fail[path] = n``: the first ``n`` requests for ``path`` (the first page) get HTTP 503.
* ``kill = (n, pid)``: when the first page of data request ``n + 1`` arrives, the process ``pid`` is killed
  with SIGKILL (a fetch killed half-way); later requests are answered again.
* ``requests``: the path of each first page asked for (retries too), ``seen``: every request.
"""

from __future__ import annotations

import http.server
import json
import math
import os
import signal
import threading
from urllib.parse import parse_qs, urlsplit

#: The years the stand-in has values for.
YEARS = range(2010, 2024)


def by_gender(kpi: str) -> bool:
    """Whether a KPI has K and M rows besides the total: those whose number is even."""
    return int(kpi[1:]) % 2 == 0


def missing_year(kpi: str, area: str, year: int) -> bool:
    """Whether the stand-in has no record for this KPI, area and year (about one in seven)."""
    return (int(kpi[1:]) * 7 + int(area) * 3 + year) % 7 == 0


def value(kpi: str, area: str, year: int, gender: str = "T") -> float | None:
    """The value of one KPI, area, year and gender; ``None`` (Kolada's ``null``) for some K and M rows."""
    if gender != "T" and (int(area) + year) % 11 == 0:
        return None
    shift = {"T": 0.0, "K": 0.25, "M": -0.25}[gender]
    return round((int(kpi[1:]) % 97) + int(area) / 1000 + (year - 2000) * 0.5 + shift, 4)


def records(kpi: str, area: str, years=None) -> list[dict]:
    """The stand-in's records of one KPI × area (``years``: only those), in Kolada v3's shape."""
    genders = ("T", "K", "M") if by_gender(kpi) else ("T",)
    return [{"kpi": kpi, "municipality": area, "period": year,
             "values": [{"gender": g, "count": 1, "status": "", "value": value(kpi, area, year, g)} for g in genders]}
            for year in YEARS if (years is None or year in years) and not missing_year(kpi, area, year)]


def numbers(kpi: str, area: str, years=None) -> int:
    """How many values (not ``null``) the stand-in has for one KPI × area."""
    return sum(v["value"] is not None for r in records(kpi, area, years) for v in r["values"])


def pages(kpis, areas, page_size: int, years=None) -> int:
    """How many pages one request for ``kpis`` × ``areas`` takes (at least one, an empty one)."""
    total = sum(len(records(k, a, years)) for k in kpis for a in areas)
    return max(1, math.ceil(total / page_size))


def send_json(handler: http.server.BaseHTTPRequestHandler, status: int, body, headers: dict | None = None) -> None:
    """Answer a request with ``body`` as JSON (bytes as they are) and ``headers``; a client gone meanwhile is no
    error."""
    data = body if isinstance(body, bytes) else json.dumps(body).encode()
    try:
        handler.send_response(status)
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
    except OSError:
        pass


class StandIn(http.server.ThreadingHTTPServer):
    """The stand-in server; ``url`` is its base URL (``http://127.0.0.1:<port>/v3``)."""

    daemon_threads = True

    def __init__(self, *, page_size: int = 5000, next_key: str = "next_url"):
        super().__init__(("127.0.0.1", 0), _Handler)
        self.page_size, self.next_key = page_size, next_key
        self.fail: dict[str, int] = {}
        self.kill: tuple[int, int] | None = None
        self.requests: list[str] = []
        self.seen: list[str] = []
        self.lock = threading.Lock()
        self.url = f"http://127.0.0.1:{self.server_address[1]}/v3"
        self._thread: threading.Thread | None = None

    def start(self) -> StandIn:
        self._thread = threading.Thread(target=self.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.shutdown()
        self.server_close()

    def handle_error(self, request, client_address):  # a client that was killed: not an error
        pass

    def answer(self, target: str) -> tuple[int, dict]:
        parts = urlsplit(target)
        segments = parts.path.split("/")  # ['', 'v3', 'data', 'kpi', k, 'municipality', m, ('year', y)]
        if segments[2:4] != ["data", "kpi"] or len(segments) not in (7, 9) or segments[5] != "municipality":
            return 404, {"error": "unknown"}
        query = parse_qs(parts.query)
        page = int(query.get("page", ["1"])[0])
        with self.lock:
            self.seen.append(target)
            if page == 1:
                self.requests.append(parts.path)
                if self.kill and len(self.requests) > self.kill[0]:
                    _, pid = self.kill
                    self.kill = None
                    os.kill(pid, signal.SIGKILL)
                    return 503, {"error": "killed"}
                if self.fail.get(parts.path, 0) > 0:
                    self.fail[parts.path] -= 1
                    return 503, {"error": "Service Unavailable"}
        kpis, areas = segments[4].split(","), segments[6].split(",")
        years = {int(y) for y in segments[8].split(",")} if len(segments) == 9 else None
        size = min(int(query.get("per_page", ["5000"])[0]), self.page_size)
        rows = [r for k in kpis for a in areas for r in records(k, a, years)]
        chunk = rows[(page - 1) * size:page * size]
        more = page * size < len(rows)
        next_page = f"{self.url}{parts.path.removeprefix('/v3')}?page={page + 1}&per_page={size}" if more else ""
        return 200, {"values": chunk, "count": len(rows), self.next_key: next_page}


class _Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        send_json(self, *self.server.answer(self.path))

    def log_message(self, *args):
        pass
