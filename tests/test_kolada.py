"""The Kolada client, its cache, the target → KPI table and the follow-up table — all offline.

A local HTTP server on 127.0.0.1 replays Kolada v3 answers built from the real rows of
``kolada_sample_values_N00945.csv`` (copied here as ``SAMPLE``) and the documented shapes; a guard
fails any request that would leave the machine, so no test can reach the real Kolada.
"""

from __future__ import annotations

import http.server
import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import numpy as np
import pandas as pd
import pytest
from kolada_standin import send_json

from sdg_interactions.analysis.kpi_trends import FOLLOW_UP_COLUMNS, follow_up, judge, trend_slope
from sdg_interactions.cli import build_parser
from sdg_interactions.cli import kolada as kolada_cli
from sdg_interactions.errors import InputFormatError, UnknownIdError, ValidationError
from sdg_interactions.frameworks import kolada
from sdg_interactions.frameworks.kolada import (
    DEFAULT_BASE_URL,
    MAX_IDS,
    KoladaClient,
    KoladaError,
    fetch,
    kpi_catalog,
    target_kpis,
)
from sdg_interactions.frameworks.kolada_cache import VALUE_COLUMNS, KoladaCache, Missing
from sdg_interactions.textfile import write_atomic

#: N00945 (men's share of VAB days), Stockholm 0180 / Göteborg 1480 / Malmö 1280: real v3 values.
SAMPLE = {("0180", 2018): 44.53, ("0180", 2019): 44.94, ("0180", 2020): 45.33,
          ("1480", 2019): 45.67, ("1480", 2020): 45.96, ("1280", 2020): 42.93}
SWEDEN_TARGETS = ["1.3", "1.5", "2.2", "2.4", "3.4", "3.8", "4.1", "4.4", "5.4", "5.5", "6.5", "6.6", "7.2", "7.3",
                  "8.4", "8.5", "9.4", "9.5", "10.1", "10.7", "11.1", "11.2", "12.1", "12.5", "13.1", "13.2", "14.1",
                  "14.4", "15.2", "15.5", "16.4", "16.6", "17.11", "17.13"]


def record(kpi, area, period, value, gender="T"):
    return {"kpi": kpi, "municipality": area, "period": period,
            "values": [{"gender": gender, "count": 1, "status": "", "value": value}]}


# --- the local server ---------------------------------------------------------------------------


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self):
        super().__init__(("127.0.0.1", 0), Handler)
        self.script: dict[str, list] = {}  # path -> replies (status, body, delay), the last one repeats
        self.seen: list[str] = []
        self.delay = 0.0
        self.url = f"http://127.0.0.1:{self.server_address[1]}/v3"

    def handle_error(self, request, client_address):  # a client that gave up (timeout): not an error
        pass

    def reply(self, path: str):
        parts = urlsplit(path)
        if parts.path in self.script:
            replies = self.script[parts.path]
            return replies.pop(0) if len(replies) > 1 else replies[0]
        segments = parts.path.split("/")  # /v3/data/kpi/{k}/municipality/{m}[/year/{y}]
        if segments[2:4] == ["data", "kpi"]:
            kpis, areas = segments[4].split(","), segments[6].split(",")
            years = segments[8].split(",") if len(segments) > 8 else None
            rows = [record(k, a, p, v) for k in kpis for (a, p), v in SAMPLE.items()
                    if k == "N00945" and a in areas and (years is None or str(p) in years)]
            return 200, {"values": rows, "count": len(rows)}, self.delay
        if segments[2] == "municipality" and len(segments) > 3:
            rows = [{"id": i, "title": f"område {i}", "type": "K"} for i in segments[3].split(",")]
            return 200, {"values": rows, "count": len(rows)}, 0
        return 404, {"error": "unknown"}, 0


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.server.seen.append(self.path)
        status, body, delay, *headers = self.server.reply(self.path)  # (…, {"Location": …}) for a redirect
        time.sleep(delay)
        send_json(self, status, body, headers[0] if headers else None)

    def log_message(self, *args):
        pass


@pytest.fixture
def server():
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """Block every request that is not for 127.0.0.1; keep proxies and the user's cache out."""
    import requests.adapters

    blocked = []
    real_send = requests.adapters.HTTPAdapter.send

    def send(self, request, *args, **kwargs):
        if urlsplit(request.url).hostname != "127.0.0.1":
            blocked.append(request.url)
            raise RuntimeError(f"a test tried to reach {request.url}")
        return real_send(self, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("SDG_INTERACTIONS_CACHE", str(tmp_path / "default-cache"))
    yield blocked
    assert blocked == [] or blocked == ["expected"], blocked


def fast(server, **kwargs) -> KoladaClient:
    return KoladaClient(server.url, **({"timeout": (1.0, 2.0), "retries": 2, "backoff": 0.01} | kwargs))


# --- the client ---------------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["next_url", "next_page"])
def test_paging_follows_next_url_and_the_older_next_page(server, key):
    page2 = f"{server.url}/kpi?title=elbil&page=2&per_page=1"
    server.script["/v3/kpi"] = [(200, {"values": [{"id": "N07938"}], "count": 2, key: page2}, 0),
                                (200, {"values": [{"id": "N07945"}], "count": 2, key: ""}, 0)]
    table = fast(server).search_kpis("elbil")
    assert table["id"].tolist() == ["N07938", "N07945"]
    assert len(server.seen) == 2 and "title=elbil" in server.seen[0] and "per_page=5000" in server.seen[0]
    assert server.seen[1] == "/v3/kpi?title=elbil&page=2&per_page=1"


def test_municipalities_by_title_and_by_long_id_lists(server):
    server.script["/v3/municipality"] = [(200, {"values": [{"id": "0180", "title": "Stockholm", "type": "K"}]}, 0)]
    client = fast(server)
    assert client.municipalities(title="Stockholm").values.tolist() == [["0180", "Stockholm", "K"]]
    assert server.seen == ["/v3/municipality?title=Stockholm&per_page=5000"]
    server.seen.clear()
    ids = [f"{i:04d}" for i in range(100, 130)]
    assert client.municipalities(ids)["id"].tolist() == ids
    assert [len(urlsplit(p).path.split("/")[3].split(",")) for p in server.seen] == [25, 5]


def test_a_next_page_on_another_server_is_refused(server):
    server.script["/v3/kpi"] = [(200, {"values": [], "next_url": "http://example.org/v3/kpi?page=2"}, 0)]
    with pytest.raises(KoladaError, match=r"example\.org/v3/kpi\?page=2: the next page is on another server"):
        fast(server).search_kpis("x")


def test_a_500_is_retried_then_the_answer_is_used(server):
    path = "/v3/data/kpi/N00945/municipality/0180"
    server.script[path] = [(500, {"error": "boom"}, 0), (502, b"bad gateway", 0),
                           (200, {"values": [record("N00945", "0180", 2020, 45.33)]}, 0)]
    table = fast(server).values(["N00945"], ["0180"])
    assert len(server.seen) == 3
    assert table.values.tolist() == [["N00945", "0180", 2020, "T", 1, "", 45.33]]
    assert list(table.columns) == VALUE_COLUMNS and "notes" not in table.attrs


def test_a_lasting_500_gives_a_clear_error_after_the_last_retry(server):
    server.script["/v3/data/kpi/N00945/municipality/0180"] = [(500, {"error": "boom"}, 0)]
    with pytest.raises(KoladaError) as info:
        fast(server, retries=2).values(["N00945"], ["0180"])
    assert len(server.seen) == 3  # the first attempt and two retries
    assert "HTTP 500" in str(info.value) and "3 attempts" in str(info.value)
    assert f"{server.url}/data/kpi/N00945/municipality/0180" in str(info.value) and "Valid:" in str(info.value)


def test_a_timeout_is_retried_then_a_clear_error(server):
    server.script["/v3/data/kpi/N00945/municipality/0180"] = [(200, {"values": []}, 1.5)]
    with pytest.raises(KoladaError) as info:
        fast(server, timeout=(1.0, 0.2), retries=1).values(["N00945"], ["0180"])
    assert len(server.seen) == 2
    message = str(info.value)
    assert "did not answer within 0.2 s" in message and "2 attempts" in message and "/data/kpi/N00945" in message


def test_a_slow_first_answer_is_retried_and_the_second_used(server):
    server.script["/v3/data/kpi/N00945/municipality/0180"] = [
        (200, {"values": []}, 1.5), (200, {"values": [record("N00945", "0180", 2019, 44.94)]}, 0)]
    table = fast(server, timeout=(1.0, 0.3), retries=1).values(["N00945"], ["0180"])
    assert table["value"].tolist() == [44.94] and len(server.seen) == 2


def test_the_session_retries_through_urllib3_on_an_http_adapter():
    from requests.adapters import HTTPAdapter

    adapter = KoladaClient("http://127.0.0.1:9/v3", retries=4, backoff=0.25).session().get_adapter("http://x")
    assert isinstance(adapter, HTTPAdapter)
    assert (adapter.max_retries.total, adapter.max_retries.backoff_factor) == (4, 0.25)
    assert 500 in adapter.max_retries.status_forcelist and 404 not in adapter.max_retries.status_forcelist


@pytest.mark.parametrize(("body", "problem"), [
    (b'{"values": [1, 2', "not valid JSON"),
    (b"<html>Service Unavailable</html>", "not valid JSON"),
    (b'{"count": 3}', "no 'values' list"),
    (b'[1, 2]', "no 'values' list"),
])
def test_malformed_answers_give_an_error_naming_the_url(server, body, problem):
    server.script["/v3/data/kpi/N00945/municipality/0180"] = [(200, body, 0)]
    with pytest.raises(KoladaError, match=problem) as info:
        fast(server).values(["N00945"], ["0180"])
    assert "/data/kpi/N00945/municipality/0180" in str(info.value)


def test_an_unknown_path_is_an_error_without_retries(server):
    with pytest.raises(KoladaError, match="HTTP 404"):
        fast(server).get_all("/nothing")
    assert len(server.seen) == 1


def test_an_empty_result_is_an_empty_table_with_a_note(server):
    table = fast(server).values(["N00401"], ["0180"], years=[2020])
    assert table.empty and list(table.columns) == VALUE_COLUMNS
    assert table.attrs["notes"] == ["Kolada gav inga värden för N00401 × 0180."]
    assert server.seen == ["/v3/data/kpi/N00401/municipality/0180/year/2020?per_page=5000"]


def test_long_id_lists_are_split_into_requests_of_at_most_25(server):
    kpis = [f"N{i:05d}" for i in range(900, 960)]  # 60 KPIs, N00945 among them
    areas = [f"{i:04d}" for i in range(170, 200)]  # 30 areas, 0180 among them
    table = fast(server).values(kpis, areas, years=[2019, 2020])
    lists = [urlsplit(path).path.split("/") for path in server.seen]
    assert len(server.seen) == 3 * 2
    assert all(len(p[4].split(",")) <= MAX_IDS and len(p[6].split(",")) <= MAX_IDS for p in lists)
    assert sorted({k for p in lists for k in p[4].split(",")}) == kpis
    assert sorted({a for p in lists for a in p[6].split(",")}) == areas
    assert table["value"].tolist() == [44.94, 45.33]
    server.seen.clear()
    fast(server).values(["N00945"], ["0180"], years=range(1990, 2021))  # 31 years: 25 + 6
    assert [len(urlsplit(p).path.split("/")[8].split(",")) for p in server.seen] == [25, 6]


def test_the_default_base_url_is_never_contacted(offline, tmp_path):
    client = KoladaClient(retries=0)
    assert client.base_url == DEFAULT_BASE_URL == "https://api.kolada.se/v3"
    with pytest.raises(RuntimeError, match=r"a test tried to reach https://api\.kolada\.se/"):
        client.values(["N00945"], ["0180"])
    assert offline == ["https://api.kolada.se/v3/data/kpi/N00945/municipality/0180?per_page=5000"]
    offline[:] = ["expected"]


def test_importing_the_module_does_not_import_requests():
    code = "import sys, sdg_interactions.frameworks.kolada; print('requests' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


# --- fetch, the cache and offline mode ----------------------------------------------------------


def test_fetch_fills_the_cache_for_kommun_lan_and_riket(server, tmp_path):
    result = fetch("Stockholm", ["N00945", "N00401"], years=range(2018, 2021), cache=tmp_path, base_url=server.url)
    assert result.ok and len(server.seen) == 1
    assert sorted(result.fetched) == sorted((k, a) for k in ["N00945", "N00401"] for a in ["0180", "0001", "0000"])
    assert result.values["value"].tolist() == [44.53, 44.94, 45.33]
    values, missing, notes = KoladaCache(tmp_path).read_values(["N00945", "N00401"], ["0180", "0001"],
                                                               years=[2019, 2020, 2021])
    assert values["value"].tolist() == [44.94, 45.33]  # N00401 and the län: fetched, no data
    assert missing == [Missing(k, a, 2021) for k in ["N00945", "N00401"] for a in ["0180", "0001"]]
    assert notes == []


def test_fetch_records_failures_and_goes_on(server, tmp_path):
    kpis = [f"N{i:05d}" for i in range(900, 929)] + ["N00945"]  # two requests: 25 + 5 KPIs
    server.script["/v3/data/kpi/" + ",".join(kpis[:25]) + "/municipality/1480,0014,0000"] = [(503, b"{}", 0)]
    result = fetch("Göteborg", kpis, cache=tmp_path, base_url=server.url,
                   client=fast(server, retries=1))
    assert len(result.failed) == 25 * 3 and len(result.fetched) == 5 * 3 and not result.ok
    assert "HTTP 503" in result.failed[0][2]
    assert result.values["value"].tolist() == [45.67, 45.96]


def test_offline_follow_up_makes_no_request_and_names_what_is_missing(server, tmp_path, offline):
    fetch("0180", ["N00945"], cache=tmp_path, base_url=server.url)
    server.seen.clear()
    table = follow_up("0180", ["5.4"], cache=tmp_path)  # online=False is the default
    assert server.seen == [] and offline == []
    assert table["kpi"].tolist() == ["N00945", "N00943"]
    assert table.attrs["missing"] == [Missing("N00943", a, None) for a in ["0180", "0001", "0000"]]
    assert table.attrs["notes"] == ["Saknas i cachen (3): N00943 × 0180 (alla år), N00943 × 0001 (alla år), "
                                    "N00943 × 0000 (alla år). Hämta med 'sdg-interactions kolada fetch' eller "
                                    "online=True."]
    assert table.loc[1, "note"] == "inga värden för kommunen i cachen"
    assert table.loc[0, "value"] == 45.33 and table.loc[0, "period"] == 2020


def test_online_follow_up_fetches_first(server, tmp_path):
    table = follow_up("Malmö", ["5.4"], cache=tmp_path, online=True, base_url=server.url, lang="en")
    assert len(server.seen) == 1 and table.loc[0, "value"] == 42.93
    assert table.loc[0, "note"] == "only one year with a value: no trend; no value for 0012 in 2020; " \
                                   "no value for 0000 in 2020"
    assert table.attrs["source"] == "Source: Kolada"


def test_a_damaged_cache_file_is_reported_and_counts_as_missing(tmp_path):
    cache = KoladaCache(tmp_path)
    cache.write("N00945", "0180", [record("N00945", "0180", 2020, 45.33)], years=None)
    path = cache.path("N00945", "0180")
    path.write_bytes(path.read_bytes()[:40])  # what a non-atomic writer could leave behind
    values, missing, notes = cache.read_values(["N00945"], ["0180"])
    assert values.empty and missing == [Missing("N00945", "0180", None)]
    assert len(notes) == 1 and str(path) in notes[0] and "JSONDecodeError" in notes[0]
    path.write_text(json.dumps({"format": 1, "kpi": "N00945", "municipality": "0180", "years": None,
                                "values": {"2020": 45}}), encoding="utf-8")
    assert "bad 'values'" in cache.read_values(["N00945"], ["0180"])[2][0]


def test_a_write_merges_years_and_keeps_the_rest(tmp_path):
    cache = KoladaCache(tmp_path)
    cache.write("N00945", "0180", [record("N00945", "0180", y, v) for y, v in [(2018, 1.0), (2019, 2.0)]],
                years=[2018, 2019])
    cache.write("N00945", "0180", [record("N00945", "0180", 2019, 2.5)], years=[2019, 2020])
    values, missing, _ = cache.read_values(["N00945"], ["0180"], years=range(2017, 2021))
    assert values[["period", "value"]].values.tolist() == [[2018, 1.0], [2019, 2.5]]
    assert missing == [Missing("N00945", "0180", 2017)]
    with pytest.raises(ValidationError, match="Kolada municipality id"):
        cache.path("N00945", "../../etc")


def test_a_failed_write_leaves_the_old_file_and_no_temp_file(tmp_path, monkeypatch):
    target = tmp_path / "a.json"
    write_atomic(target, b"old")

    def broken(fd):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", broken)
    with pytest.raises(OSError, match="disk full"):
        write_atomic(target, b"new content")
    assert target.read_bytes() == b"old" and [p.name for p in tmp_path.iterdir()] == ["a.json"]


KILLED_WRITER = """
import os, sys, time
from sdg_interactions.frameworks.kolada import fetch

def stuck(fd):  # the temp file is written but not yet moved into place
    time.sleep(120)

os.fsync = stuck
fetch("0180", ["N00945"], cache=sys.argv[1], base_url=sys.argv[2])
"""


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs SIGKILL")
def test_a_fetch_killed_mid_write_leaves_a_readable_cache(server, tmp_path):
    cache = KoladaCache(tmp_path / "cache")
    cache.write("N00945", "0180", [record("N00945", "0180", 2010, 39.5)], years=None)
    server.delay = 0.3  # a slow server
    proc = subprocess.Popen([sys.executable, "-c", KILLED_WRITER, str(cache.folder), server.url])
    folder = cache.path("N00945", "0180").parent
    deadline = time.monotonic() + 60
    while not list(folder.glob(".0180.json.*.part.json")) and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.02)
    assert list(folder.glob(".0180.json.*.part.json")), "the writer never started its temp file"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    assert proc.returncode == -signal.SIGKILL and len(server.seen) == 1
    values, missing, notes = cache.read_values(["N00945"], ["0180", "0001"])
    assert values[["municipality", "period", "value"]].values.tolist() == [["0180", 2010, 39.5]]  # the old file
    assert missing == [Missing("N00945", "0001", None)] and notes == []
    assert sorted(p.name for p in folder.iterdir() if not p.name.startswith(".")) == ["0180.json"]


# --- the target -> KPI table --------------------------------------------------------------------


def test_the_bundled_target_table_covers_the_sweden_matrix_with_catalogue_kpis():
    table = target_kpis()
    catalog = kpi_catalog().set_index("id")
    matrix = pd.read_csv(kolada.datasets_dir() / "matrices" / "weitz2018_sweden.csv", dtype=str)
    assert sorted(set(matrix["source"])) == sorted(SWEDEN_TARGETS)
    assert set(SWEDEN_TARGETS) <= set(table["sdg_target"])
    assert table.groupby("sdg_target").size().between(1, 3).all()
    assert table["kpi"].isin(catalog.index).all()
    assert (table["kpi_title"] == table["kpi"].map(catalog["title"])).all()  # exactly the catalogue's title
    assert table["kpi"].map(catalog["municipality_type"]).isin(["K", "A"]).all()
    assert table["direction"].isin(["higher", "lower"]).all()
    assert (table["reason"].str.len() > 10).all() and table["basis"].str.contains("proposal").all()
    assert list(table.columns) == kolada.TARGET_KPI_COLUMNS


@pytest.mark.parametrize(("row", "error", "words"), [
    ("1.99,N00401,lower", UnknownIdError, ["row 3", "'sdg_target'", "'1.99'", "Valid: an SDG target id"]),
    ("13.2,X12345,lower", UnknownIdError, ["row 3", "'kpi'", "'X12345'", "not in the Kolada catalogue"]),
    ("13.2,N00401,up", ValidationError, ["row 3", "'direction'", "'up'", "Valid: higher, lower."]),
    ("13.2,N00401,", ValidationError, ["row 3", "unknown direction", "Valid: higher, lower."]),
    ("13.2,N00401,lower", ValidationError, ["row 3", "listed twice"]),
])
def test_bad_rows_of_a_users_table_name_file_row_and_value(tmp_path, row, error, words):
    path = tmp_path / "mina_nyckeltal.csv"
    path.write_text(f"sdg_target;kpi;direction\n13.2;N00401;lower\n{row.replace(',', ';')}\n", encoding="utf-8")
    with pytest.raises(error) as info:
        target_kpis(path)
    assert all(word in str(info.value) for word in [str(path), *words]), str(info.value)


def test_a_region_only_kpi_and_a_missing_column_are_refused(tmp_path):
    region_only = kpi_catalog().query("municipality_type == 'L'")["id"].iloc[0]
    path = tmp_path / "t.csv"
    path.write_text(f"sdg_target,kpi,direction\n3.8,{region_only},higher\n", encoding="utf-8")
    with pytest.raises(ValidationError, match=r"no values for kommuner.*Valid: a KPI with municipality_type K or A\."):
        target_kpis(path)
    path.write_text("sdg_target,kpi\n3.8,N01481\n", encoding="utf-8")
    with pytest.raises(InputFormatError, match="missing columns: 'direction'"):
        target_kpis(path)


def test_a_users_table_replaces_the_bundled_one(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("sdg_target,kpi,direction,reason\n11.6,U07801,LOWER,Mindre avfall\n", encoding="utf-8")
    table = target_kpis(path)
    assert table.values.tolist() == [["11.6", "U07801", "Insamlat kommunalt avfall totalt, kg/invånare (justerat)",
                                      "lower", "", "Mindre avfall", ""]]
    with pytest.raises(UnknownIdError, match=r"no KPIs listed for this target: '1\.1'\. Valid: 11\.6\.$"):
        follow_up("0180", ["1.1"], table=path, cache=tmp_path)


# --- follow_up on hand-made cached values -------------------------------------------------------


def test_follow_up_computes_trend_direction_and_comparisons(tmp_path):
    cache = KoladaCache(tmp_path)
    emissions = dict(zip(range(2015, 2022), [5.0, 4.8, 4.6, 4.0, 3.9, 3.7, 3.5], strict=True))  # lower is better
    cache.write("N00401", "0180", [record("N00401", "0180", y, v) for y, v in emissions.items()], years=None)
    cache.write("N00401", "0001", [record("N00401", "0001", 2021, 3.0)], years=None)
    cache.write("N00401", "0000", [record("N00401", "0000", 2021, 4.0)], years=None)
    electric = [record("N07945", "0180", 2020, 10.0), record("N07945", "0180", 2021, 8.0),
                record("N07945", "0180", 2022, None), record("N07945", "0180", 2022, 99.0, gender="K")]
    cache.write("N07945", "0180", electric, years=None)  # higher is better; 2022 has no total
    cache.write("N07945", "0001", [record("N07945", "0001", 2021, 8.0)], years=None)
    cache.write("N07945", "0000", [], years=None)
    table = follow_up("Stockholm", ["13.2"], cache=cache, lang="en")
    assert list(table.columns) == FOLLOW_UP_COLUMNS
    first, second = table.to_dict("records")
    assert (first["kpi"], first["direction"], first["period"], first["value"]) == ("N00401", "lower", 2021, 3.5)
    assert (first["trend_from"], first["trend_points"]) == (2017, 5)
    assert first["change"] == pytest.approx(-1.1) and first["slope"] == pytest.approx(-0.25)
    assert (first["trend"], first["lan"], first["lan_value"], first["vs_lan"]) == ("better", "0001", 3.0, "worse")
    assert (first["riket_value"], first["vs_riket"], first["note"]) == (4.0, "better", "")
    assert (second["kpi"], second["period"], second["value"], second["slope"]) == ("N07945", 2021, 8.0, -2.0)
    assert (second["trend"], second["vs_lan"], second["vs_riket"]) == ("worse", "same", "")
    assert np.isnan(second["riket_value"]) and second["note"] == "no value for 0000 in 2021"
    assert table.attrs["missing"] == [] and table.attrs["notes"] == []


def test_follow_up_with_no_cache_at_all_lists_every_hole(tmp_path):
    table = follow_up("0643", ["2.4"], cache=tmp_path / "empty")
    assert table["value"].isna().all() and (table["trend"] == "").all()
    assert len(table.attrs["missing"]) == 2 * 3 and table.attrs["missing"][0] == Missing("N00403", "0643", None)
    assert table.attrs["source"] == "Källa: Kolada"


def test_the_default_cache_folder_comes_from_the_environment(tmp_path, monkeypatch):
    assert KoladaCache().folder == tmp_path / "default-cache"
    monkeypatch.delenv("SDG_INTERACTIONS_CACHE")
    assert KoladaCache().folder == Path.home() / ".cache" / "sdg_interactions" / "kolada"


# --- the command line ---------------------------------------------------------------------------


def parse(argv):
    return build_parser().parse_args(argv)


def test_kolada_fetch_command_fills_the_cache_and_reports(server, tmp_path, capsys):
    args = parse(["kolada", "fetch", "--kommun", "Göteborg", "--kpi", "N00945,N00401", "--years", "2019-2020",
                  "--cache", str(tmp_path), "--base-url", server.url, "--lang", "en"])
    assert args.run(args) == 0
    out = capsys.readouterr().out
    assert f"Fetched 6 of 6 combinations (KPI × area) into {tmp_path}; 0 failed." in out
    assert "Source: Kolada" in out
    assert server.seen == ["/v3/data/kpi/N00945,N00401/municipality/1480,0014,0000/year/2019,2020?per_page=5000"]


def test_kolada_fetch_command_exits_1_when_requests_fail(server, tmp_path, capsys, monkeypatch):
    server.script["/v3/data/kpi/N00945/municipality/1480,0014,0000"] = [(500, b"{}", 0)]
    monkeypatch.setitem(KoladaClient.__init__.__kwdefaults__, "backoff", 0.01)  # keep the test quick
    args = parse(["kolada", "fetch", "--kommun", "1480", "--kpi", "N00945", "--cache", str(tmp_path),
                  "--base-url", server.url])
    assert args.run(args) == 1
    assert len(server.seen) == 4  # the first attempt and three retries
    out = capsys.readouterr().out
    assert "Misslyckades: N00945 × 1480,0014,0000:" in out and "HTTP 500" in out and "3 misslyckades" in out


@pytest.mark.parametrize(("value", "years"), [("2020", [2020]), ("2015-2017", [2015, 2016, 2017]),
                                              ("2019, 2021", [2019, 2021]), (None, None)])
def test_years_are_read_as_years_and_spans(value, years):
    assert kolada_cli._years(value) == years


def test_a_bad_year_names_the_value():
    with pytest.raises(ValidationError, match=r"^--years: spannet '2020-2015' slutar före det börjar"):
        kolada_cli._years("2020-2015")
    with pytest.raises(ValidationError, match=r"^--years: the span '2020-2015' ends before it starts"):
        kolada_cli._years("2020-2015", "en")


# --- a hostile Kolada (issue 21): redirects, endless pages, bad records, non-finite values -------


@pytest.fixture
def other_server():
    srv = Server()
    thread = threading.Thread(target=srv.serve_forever, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("where", ["port", "host", "scheme"])
def test_a_redirect_off_the_apis_origin_is_refused(server, other_server, where, offline):
    path = "/v3/data/kpi/N00945/municipality/0180"
    target = {"port": f"{other_server.url}/data/kpi/N00945/municipality/0180",
              "host": "http://example.org/v3/data/kpi/N00945/municipality/0180",
              "scheme": server.url.replace("http://", "https://") + "/data"}[where]
    server.script[path] = [(302, b"", 0, {"Location": target})]
    with pytest.raises(KoladaError, match="redirected to another server") as info:
        fast(server).values(["N00945"], ["0180"])
    assert target in str(info.value) and f"{server.url}{path.removeprefix('/v3')}" in str(info.value)
    assert other_server.seen == [] and offline == [] and len(server.seen) == 1


def test_a_redirect_on_the_apis_origin_is_followed(server):
    server.script["/v3/data/kpi/N00945/municipality/0180"] = [
        (301, b"", 0, {"Location": "/v3/data/kpi/N00945/municipality/0180,0000"})]
    table = fast(server).values(["N00945"], ["0180"])
    assert table["value"].tolist() == [44.53, 44.94, 45.33]
    assert server.seen == ["/v3/data/kpi/N00945/municipality/0180?per_page=5000",
                           "/v3/data/kpi/N00945/municipality/0180,0000"]


def test_redirects_in_a_circle_end_with_an_error(server):
    server.script["/v3/kpi"] = [(307, b"", 0, {"Location": "/v3/kpi"})]
    with pytest.raises(KoladaError, match=r"more than 5 redirects"):
        fast(server).search_kpis("x")
    assert len(server.seen) == kolada.MAX_REDIRECTS + 1


def test_distinct_next_pages_stop_at_the_page_cap(server):
    assert kolada.MAX_PAGES == 1000 and KoladaClient().max_pages == 1000
    server.script["/v3/kpi"] = [(200, {"values": [{"id": f"N{k:05d}"}], "next_url": f"{server.url}/kpi?page={k + 1}"},
                                 0) for k in range(1, 20)]
    with pytest.raises(KoladaError, match=r"more than 5 pages.*Valid: at most 5 pages per request \(MAX_PAGES\)"):
        fast(server, max_pages=5).search_kpis("x")
    assert len(server.seen) == 5


BAD_PAGE = (b'{"values": ['
            b'{"kpi": "N00945", "municipality": "0180", "period": 2020, "values": [{"gender": "T", "count": 1, '
            b'"status": "", "value": 45.33}]},'
            b'{"kpi": "N00945", "municipality": "0180", "period": "2021; rm -rf", "values": [{"gender": "T", '
            b'"value": 1}]},'
            b'{"kpi": "N00945", "municipality": "0180", "period": 2019, "values": [{"gender": "T", '
            b'"value": "31,5"}]},'
            b'{"kpi": "N00945", "municipality": "0000", "period": 2020, "values": [{"gender": "T", "value": NaN}]},'
            b'{"kpi": "N00945", "municipality": "0000", "period": 2019, "values": [{"gender": "T", '
            b'"value": Infinity}]},'
            b'{"kpi": "N00945", "municipality": "0001", "period": 2020, "values": [{"gender": "T", "value": 1e308}]},'
            b'{"kpi": "N00945", "municipality": "0001", "period": 2019, "values": [{"gender": "T", "value": 1e999}]},'
            b'{"kpi": "N00945", "municipality": "0001", "period": 2018, "values": [{"gender": "T", "value": 44.1}]},'
            b'"not a record"]}')


def test_fetch_names_and_skips_bad_records_and_caches_the_rest(server, tmp_path):
    server.script["/v3/data/kpi/N00945/municipality/0180,0001,0000"] = [(200, BAD_PAGE, 0)]
    result = fetch("0180", ["N00945"], cache=tmp_path, base_url=server.url, lang="en")
    assert result.ok and len(result.fetched) == 3 and len(result.skipped) == 7
    assert result.skipped[0] == ("Skipped a record from Kolada: N00945 × 0180 × '2021; rm -rf': the period is no "
                                 "year: '2021; rm -rf'.")
    assert "N00945 × 0180 × 2019: the value is no finite number below 10¹⁵: '31,5'" in result.skipped[1]
    assert "N00945 × 0000 × 2020" in result.skipped[2] and "'NaN'" in result.skipped[2]
    assert "'Infinity'" in result.skipped[3] and "'1e+308'" in result.skipped[4] and "'inf'" in result.skipped[5]
    assert "the record is no JSON object: 'not a record'" in result.skipped[6]
    for file in tmp_path.rglob("*.json"):  # nothing that is no number reached the cache
        assert not any(word in file.read_text() for word in ("NaN", "Infinity", "1e+308", "rm -rf", "31,5"))
    values, _, notes = KoladaCache(tmp_path).read_values(["N00945"], ["0180", "0001"])
    assert values["value"].tolist() == [45.33, 44.1] and notes == []


def test_the_values_table_leaves_bad_records_out_with_a_note(server):
    server.script["/v3/data/kpi/N00945/municipality/0180"] = [(200, BAD_PAGE, 0)]
    table = fast(server).values(["N00945"], ["0180"], lang="en")
    assert table["value"].tolist() == [45.33, 44.1] and len(table.attrs["notes"]) == 7


def test_kolada_fetch_command_names_skipped_records_and_exits_0(server, tmp_path, capsys):
    server.script["/v3/data/kpi/N00945/municipality/1480,0014,0000"] = [(200, BAD_PAGE, 0)]
    args = parse(["kolada", "fetch", "--kommun", "1480", "--kpi", "N00945", "--cache", str(tmp_path),
                  "--base-url", server.url])
    assert args.run(args) == 0
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert len(lines) == 7 and all(line.startswith("Hoppade över en post från Kolada: ") for line in lines)
    assert "perioden är inget år: '2021; rm -rf'" in lines[0] and "Hämtade 3 av 3" in captured.out


def test_many_skipped_records_end_in_one_summary_line(server, tmp_path, capsys):
    rows = [{"kpi": "N00945", "municipality": "1480", "period": 2000 + k % 20, "values": [{"value": "x"}]}
            for k in range(45)]
    server.script["/v3/data/kpi/N00945/municipality/1480,0014,0000"] = [(200, {"values": rows}, 0)]
    args = parse(["kolada", "fetch", "--kommun", "1480", "--kpi", "N00945", "--cache", str(tmp_path),
                  "--base-url", server.url, "--lang", "en"])
    assert args.run(args) == 0
    lines = capsys.readouterr().err.splitlines()
    assert len(lines) == kolada_cli.SHOWN_SKIPPED + 1
    assert lines[-1] == "… and 25 more records that could not be read were skipped."


def _cached(tmp_path, kpi, area, rows: str) -> None:
    path = KoladaCache(tmp_path).path(kpi, area)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f'{{"format": 1, "kpi": "{kpi}", "municipality": "{area}", "years": null, "values": [{rows}]}}',
                    encoding="utf-8")


def test_non_finite_or_damaged_cached_values_count_as_missing_and_are_named(tmp_path):
    _cached(tmp_path, "N00945", "0180", '[2018, "T", 1, "", 44.5], [2019, "T", 1, "", Infinity], '
                                        '[2020, "T", 1, "", NaN], [2021, "T", 1, "", 1e308], '
                                        '[2022, "T", 1, "", "31,5"], ["2023; rm", "T", 1, "", 1], '
                                        '[2024, "T", 1, "", -Infinity]')
    values, missing, notes = KoladaCache(tmp_path).read_values(["N00945"], ["0180"])
    assert values["period"].tolist() == [2018, 2019, 2020, 2021, 2022, 2024] and missing == []
    assert values["value"].tolist()[0] == 44.5 and values["value"].iloc[1:].isna().all()
    assert len(notes) == 6 and all(str(KoladaCache(tmp_path).path("N00945", "0180")) in n for n in notes)
    assert ["Infinity" in notes[0], "NaN" in notes[1], "1e+308" in notes[2], "31,5" in notes[3],
            "2023; rm" in notes[4], "-Infinity" in notes[5]] == [True] * 6
    table = follow_up("0180", ["5.4"], cache=tmp_path, lang="en")
    first = table.iloc[0]
    assert (first["kpi"], first["period"], first["value"]) == ("N00945", 2018, 44.5)
    assert len(table.attrs["damaged"]) == 6 and table.attrs["damaged"][0] in table.attrs["notes"]


def test_the_report_section_renders_with_a_damaged_cache(tmp_path):
    from sdg_interactions.io import load_dataset
    from sdg_interactions.report import framework_sections

    kpi = target_kpis().query("sdg_target == '16.6'")["kpi"].iloc[0]
    _cached(tmp_path, kpi, "1499", '[2020, "T", 1, "", 1e308], [2021, "T", 1, "", Infinity], [2022, "T", 1, "", 3.5]')
    _cached(tmp_path, kpi, "0014", '[2022, "T", 1, "", NaN]')
    section = framework_sections.follow_up(load_dataset("weitz2018_sweden"), "1499", priorities=["16.6"],
                                           lang="sv", cache=tmp_path)
    row = next(r for r in section["table"]["rows"] if r[0] == "16.6")
    assert row[3:5] == ["2022", "3,5"] and row[6] == "–"
    assert all(len(r[k]) < 20 for r in section["table"]["rows"] for k in (4, 6, 7))  # no 309-digit number
    assert any("Tre värden från Kolada kunde inte användas" in p and "Kolada-data för Falköping" in p
               for p in section["paragraphs"])


@pytest.mark.parametrize(("value", "sv", "en"), [
    ("1980", "--years ska vara 1990 eller mer, inte 1980", "--years must be 1990 or more, not 1980"),
    ("2015-9999", "--years ska vara högst", "--years must be at most"),
    ("2021; rm -rf", "--years ska vara ett heltal, inte '2021;rm-rf'", "--years must be a whole number"),
    ("٢٠٢١", "--years ska vara ett heltal", "--years must be a whole number"),
    ("1" * 400, "--years ska vara högst", "Valid: 1990 …"),
])
def test_years_outside_their_range_are_one_line_in_the_language(value, sv, en, capsys, tmp_path):
    from sdg_interactions.cli import main

    for lang, needle, prefix in (("sv", sv, "fel: "), ("en", en, "error: ")):
        assert main(["kolada", "fetch", "--kommun", "1480", "--years", value, "--cache", str(tmp_path),
                     "--lang", lang]) == 2
        err = capsys.readouterr().err
        assert err.startswith(prefix) and needle in err and err.count("\n") == 1 and len(err) < 300, err
    assert not (tmp_path / "values").exists()


def test_fetch_checks_years_and_follow_up_its_window(tmp_path):
    with pytest.raises(ValidationError, match=r"^years must be a whole number from 1990 to \d{4}: '1800'"):
        fetch("0180", ["N00945"], years=[1800], cache=tmp_path, base_url="http://127.0.0.1:9/v3")
    with pytest.raises(ValidationError, match=r"^window must be a whole number from 2 to 50: '0'"):
        follow_up("0180", ["5.4"], cache=tmp_path, window=0)


# --- the arithmetic of the follow-up (analysis.kpi_trends), against hand-worked values -------------


def test_trend_slope_is_least_squares_by_hand():
    years, values = [2018, 2019, 2021, 2022], [10.0, 11.0, 11.0, 14.0]
    mean_x, mean_y = sum(years) / 4, sum(values) / 4  # 2020, 11.5
    by_hand = (sum((x - mean_x) * (y - mean_y) for x, y in zip(years, values, strict=True))
               / sum((x - mean_x) ** 2 for x in years))  # (3 + 0.5 + (−0.5) + 5) / (4 + 1 + 1 + 4) = 0.8
    assert by_hand == pytest.approx(0.8)
    assert trend_slope(years, values) == pytest.approx(by_hand, abs=1e-12)
    assert np.isnan(trend_slope([2022], [3.0])) and np.isnan(trend_slope([], []))


def test_judge_reads_the_direction_and_the_one_tolerance():
    assert [judge(0.5, 20.0, "higher"), judge(0.5, 20.0, "lower")] == ["better", "worse"]
    assert [judge(-0.5, 20.0, "higher"), judge(-0.5, 20.0, "lower")] == ["worse", "better"]
    assert judge(20.0 * 1e-10, 20.0, "higher") == "same"  # within 1e-9 · max(1, |x|) of the value
    assert judge(20.0 * 1e-8, 20.0, "higher") == "better"
    assert judge(float("nan"), 20.0, "higher") == ""
