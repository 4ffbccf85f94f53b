"""``fetch_all`` and ``sdg-interactions kolada fetch --all``: every mapped KPI for every kommun, region and Riket,
in requests of at most 25 × 25 ids, resumable after a kill — against the local stand-in of Kolada's v3 API
(``tests/kolada_standin.py``: values generated for any id, paging, gender rows, missing years, HTTP 503 on
demand, SIGKILL of the fetching process on demand). No request leaves 127.0.0.1.

``os.fsync`` is a no-op in the tests run in this process (thousands of cache files a test); that every file
is still written whole after a kill is tested with the real ``fsync`` in the subprocess of
``test_a_fetch_killed_half_way_resumes_with_only_the_remaining_requests`` and in ``tests/test_kolada.py``.
"""

from __future__ import annotations

import json
import math
import os
import signal
import subprocess
import sys
from urllib.parse import urlsplit

import kolada_standin as standin
import numpy as np
import pandas as pd
import pytest

from sdg_interactions import formats
from sdg_interactions.cli import main
from sdg_interactions.errors import ValidationError
from sdg_interactions.frameworks import kolada_bulk
from sdg_interactions.frameworks.catalogues import bundled_table
from sdg_interactions.frameworks.kolada import MAX_IDS, KoladaClient, target_kpis
from sdg_interactions.frameworks.kolada_bulk import LEDGER, all_areas, fetch_all, plan_requests
from sdg_interactions.frameworks.kolada_cache import VALUE_COLUMNS, KoladaCache

KPIS = list(dict.fromkeys(target_kpis()["kpi"]))  # the mapped KPIs, in the table's order


@pytest.fixture(autouse=True)
def offline(monkeypatch, tmp_path):
    """Block every request that is not for 127.0.0.1; keep proxies and the user's cache out; no fsync."""
    import requests.adapters

    real_send = requests.adapters.HTTPAdapter.send

    def send(self, request, *args, **kwargs):
        if urlsplit(request.url).hostname != "127.0.0.1":
            raise RuntimeError(f"a test tried to reach {request.url}")
        return real_send(self, request, *args, **kwargs)

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", send)
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "https_proxy", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("SDG_INTERACTIONS_CACHE", str(tmp_path / "default-cache"))
    monkeypatch.setattr(os, "fsync", lambda fd: None)


@pytest.fixture
def server():
    srv = standin.StandIn().start()
    yield srv
    srv.stop()


def quick(srv, **kwargs) -> KoladaClient:
    return KoladaClient(srv.url, **({"timeout": (2.0, 30.0), "retries": 2, "backoff": 0.01} | kwargs))


def expected(kpis, areas) -> pd.DataFrame:
    """What the stand-in holds for ``kpis`` × ``areas``, as the cache reads it back."""
    rows = [(k, a, r["period"], v["gender"], v["count"], v["status"], np.nan if v["value"] is None else v["value"])
            for k in kpis for a in areas for r in standin.records(k, a) for v in r["values"]]
    return pd.DataFrame(rows, columns=VALUE_COLUMNS)


def same_rows(left: pd.DataFrame, right: pd.DataFrame) -> bool:
    order = ["kpi", "municipality", "period", "gender"]
    a = left.sort_values(order).reset_index(drop=True)
    b = right.sort_values(order).reset_index(drop=True).astype(a.dtypes.to_dict())
    pd.testing.assert_frame_equal(a, b)
    return True


def id_lists(path: str) -> tuple[list[str], list[str]]:
    segments = urlsplit(path).path.split("/")
    return segments[4].split(","), segments[6].split(",")


# --- the areas and the plan ---------------------------------------------------------------------


def test_the_areas_are_every_kommun_every_region_and_riket():
    kommuner = bundled_table("kommuner.csv")
    areas = all_areas()
    assert len(kommuner) == 290 and kommuner["kolada_region_id"].nunique() == 21
    assert sorted(areas) == sorted({"0000", *kommuner["kommunkod"], *kommuner["kolada_region_id"]})
    assert len(areas) == 290 + 21 + 1 == len(set(areas))


def test_a_plan_asks_only_for_the_pairs_not_done():
    kpis, areas = KPIS[:30], all_areas()[:60]
    fresh = plan_requests(kpis, areas)
    assert len(fresh) == math.ceil(30 / MAX_IDS) * math.ceil(60 / MAX_IDS)
    assert all(len(k) <= MAX_IDS and len(a) <= MAX_IDS for k, a in fresh)
    assert sorted((k, a) for ks, as_ in fresh for k in ks for a in as_) == sorted((k, a) for k in kpis for a in areas)
    done = {(k, a) for ks, as_ in fresh[:4] for k in ks for a in as_}  # a run killed after 4 requests
    rest = plan_requests(kpis, areas, done)
    assert sorted(map(repr, rest)) == sorted(map(repr, fresh[4:]))
    assert plan_requests(kpis, areas, {(k, a) for k in kpis for a in areas}) == []


# --- fetch_all against the stand-in -------------------------------------------------------------


def test_fetch_all_puts_every_areas_values_in_the_cache_in_requests_of_25_by_25(tmp_path):
    srv = standin.StandIn(page_size=2000, next_key="next_page").start()  # the older paging key, small pages
    try:
        kpis, areas = KPIS[:26], all_areas()  # two KPI lists (25 + 1) × 13 area lists (12 · 25 + 12)
        client = quick(srv)
        flaky = client.value_requests(*plan_requests(kpis, areas)[1])[0][3]
        srv.fail["/v3" + flaky] = 1  # one 503, retried by the client
        calls = []
        result = fetch_all(kpis, cache=tmp_path, client=client, delay=0,
                           progress=lambda *args: calls.append(args))
    finally:
        srv.stop()
    n_requests = math.ceil(len(kpis) / MAX_IDS) * math.ceil(len(areas) / MAX_IDS)
    assert (result.requests, result.planned) == (n_requests, n_requests) == (26, 26)
    assert len(srv.requests) == n_requests + 1 and len(set(srv.requests)) == n_requests
    assert srv.requests.count("/v3" + flaky) == 2
    asked = [id_lists(path) for path in dict.fromkeys(srv.requests)]
    assert all(len(k) <= MAX_IDS and len(a) <= MAX_IDS for k, a in asked)
    assert sorted((k, a) for ks, as_ in asked for k in ks for a in as_) == sorted((k, a) for k in kpis for a in areas)
    pages = sum(standin.pages(k, a, srv.page_size) for k, a in asked)
    assert len(srv.seen) == pages + 1 and pages > n_requests  # every next page was followed
    assert (result.fetched, result.skipped, result.failed, result.skipped_records) == (26 * 312, 0, [], [])
    assert result.values == sum(standin.numbers(k, a) for k in kpis for a in areas)
    assert (result.areas, result.kpis, result.complete, result.ok) == (312, 26, True, True)
    assert calls[0] == (0, 26, 0) and [c[0] for c in calls] == list(range(27)) and calls[-1][2] == result.values
    values, missing, notes = KoladaCache(tmp_path).read_values(kpis, areas)
    assert missing == [] and notes == []
    assert same_rows(values, expected(kpis, areas))
    assert set(values["municipality"]) == set(areas) and set(values["gender"]) == {"T", "K", "M"}
    kpi, area, year = next((k, a, y) for k in kpis for a in areas for y in standin.YEARS
                           if standin.missing_year(k, a, y))
    assert values[(values["kpi"] == kpi) & (values["municipality"] == area) & (values["period"] == year)].empty
    assert len(values[(values["kpi"] == kpi) & (values["municipality"] == area)]) > 0  # only that year is missing
    assert values["value"].isna().sum() == expected(kpis, areas)["value"].isna().sum() > 0
    ledger = json.loads((tmp_path / LEDGER).read_text(encoding="utf-8"))
    assert len(ledger["requests"]) == n_requests and ledger["finished"] and ledger["base_url"] == srv.url


def test_a_failed_request_is_fetched_by_the_next_call_and_only_it(server, tmp_path, monkeypatch):
    kpis, areas = KPIS[:3], all_areas()[100:160]  # 1 × 3 requests
    plan = plan_requests(kpis, areas)
    broken = quick(server).value_requests(*plan[1])[0][3]
    server.fail["/v3" + broken] = 99
    sleeps = []
    monkeypatch.setattr(kolada_bulk.time, "sleep", sleeps.append)
    first = fetch_all(kpis, areas, cache=tmp_path, client=quick(server, retries=1), delay=0.25)
    assert (first.requests, first.complete, first.fetched) == (3, False, 3 * (60 - len(plan[1][1])))
    assert [(k, a) for k, a, _ in first.failed] == [plan[1]] and "HTTP 503" in first.failed[0][2]
    assert sleeps == [0.25, 0.25]  # between two requests, not before the first
    cache = KoladaCache(tmp_path)
    _, missing, _ = cache.read_values(kpis, areas)
    assert sorted((m.kpi, m.municipality) for m in missing) == sorted((k, a) for k in plan[1][0] for a in plan[1][1])
    server.fail.clear()
    server.requests.clear()
    second = fetch_all(kpis, areas, cache=tmp_path, client=quick(server), delay=0)
    assert (second.requests, second.planned, second.complete) == (1, 1, True)
    assert second.skipped == 3 * 60 - len(plan[1][0]) * len(plan[1][1])
    assert server.requests == ["/v3" + broken]
    values, missing, notes = cache.read_values(kpis, areas)
    assert missing == [] and notes == [] and same_rows(values, expected(kpis, areas))
    server.requests.clear()
    third = fetch_all(kpis, areas, cache=tmp_path, client=quick(server), delay=0)  # a complete run: anew
    assert (third.requests, third.skipped, len(server.requests)) == (3, 0, 3)


def test_restart_ignores_an_interrupted_run_and_other_years_are_another_run(server, tmp_path):
    kpis, areas = KPIS[:2], all_areas()[:30]  # 1 × 2 requests
    server.fail["/v3" + quick(server).value_requests(*plan_requests(kpis, areas)[0])[0][3]] = 99
    assert not fetch_all(kpis, areas, cache=tmp_path, client=quick(server, retries=0), delay=0).complete
    assert fetch_all(kpis, areas, cache=tmp_path, client=quick(server), delay=0, restart=True).requests == 2
    server.requests.clear()
    again = fetch_all(kpis, areas, years=range(2015, 2021), cache=tmp_path, client=quick(server), delay=0)
    assert again.requests == 2 and all(p.endswith("/year/2015,2016,2017,2018,2019,2020") for p in server.requests)
    values, missing, _ = KoladaCache(tmp_path).read_values(kpis, areas, years=range(2015, 2021))
    assert missing == [] and same_rows(values, expected(kpis, areas).query("2015 <= period <= 2020"))


def test_bad_arguments_are_refused_before_any_request(server, tmp_path):
    with pytest.raises(ValidationError, match=r"^delay must be a number from 0 to 60"):
        fetch_all(KPIS[:1], cache=tmp_path, base_url=server.url, delay=-1)
    with pytest.raises(ValidationError, match=r"^there are no KPIs to fetch\. Valid: at least one KPI id"):
        fetch_all([], cache=tmp_path, base_url=server.url)
    with pytest.raises(ValidationError, match=r"^there are no areas to fetch"):
        fetch_all(KPIS[:1], [], cache=tmp_path, base_url=server.url)
    with pytest.raises(ValidationError, match="Kolada municipality id"):
        fetch_all(KPIS[:1], ["0180", "../x"], cache=tmp_path, base_url=server.url)
    assert server.seen == []


# --- killed half-way, then resumed --------------------------------------------------------------


KILLED = "import sys; from sdg_interactions.cli import main; sys.exit(main(sys.argv[1:]))"


def test_a_fetch_killed_half_way_resumes_with_only_the_remaining_requests(server, tmp_path, capsys):
    kpis, areas = KPIS[:2], all_areas()
    argv = ["kolada", "fetch", "--all", "--kpi", ",".join(kpis), "--cache", str(tmp_path), "--base-url", server.url,
            "--delay", "0"]
    env = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()} | {"NO_PROXY": "127.0.0.1"}
    proc = subprocess.Popen([sys.executable, "-c", KILLED, *argv], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    server.kill = (5, proc.pid)  # killed when it asks for the 6th request (the process starts slowly)
    proc.communicate(timeout=120)
    assert proc.returncode == -signal.SIGKILL
    total = math.ceil(len(kpis) / MAX_IDS) * math.ceil(len(areas) / MAX_IDS)
    assert len(server.requests) == 6 and total == 13
    ledger = json.loads((tmp_path / LEDGER).read_text(encoding="utf-8"))
    assert len(ledger["requests"]) == 5 and ledger["finished"] is None
    done = {(k, a) for entry in ledger["requests"] for k in entry["kpis"] for a in entry["areas"]}
    values, missing, notes = KoladaCache(tmp_path).read_values(kpis, areas)
    assert notes == [] and {(m.kpi, m.municipality) for m in missing} == {(k, a) for k in kpis for a in areas} - done
    assert not list(tmp_path.rglob(".*.part.json"))  # no half-written file under any name
    server.requests.clear()
    assert main([*argv, "--lang", "en"]) == 0
    assert len(server.requests) == total - 5
    again = {(k[0], a[0]) for k, a in map(id_lists, server.requests)}
    assert not again & {(e["kpis"][0], e["areas"][0]) for e in ledger["requests"]}  # none of the 5 asked again
    out = capsys.readouterr().out
    assert f"{formats.number(len(done), 'en')} combinations (KPI × area) were already there" in out
    values, missing, notes = KoladaCache(tmp_path).read_values(kpis, areas)
    assert missing == [] and notes == [] and same_rows(values, expected(kpis, areas))


# --- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_command_prints_progress_and_the_summary_in_the_language(server, tmp_path, capsys, lang):
    kpis, areas = KPIS[:2], all_areas()
    assert main(["kolada", "fetch", "--all", "--kpi", ",".join(kpis), "--cache", str(tmp_path), "--base-url",
                 server.url, "--delay", "0", "--lang", lang]) == 0
    captured = capsys.readouterr()
    n = 13
    values = formats.number(sum(standin.numbers(k, a) for k in kpis for a in areas), lang)
    summary, done, source = {
        "sv": (f"Hämtade {values} värden för 312 områden och 2 nyckeltal med 13 frågor (0 misslyckades) till "
               f"{tmp_path}.", "Allt är hämtat; nästa hämtning med --all börjar om från början.", "Källa: Kolada"),
        "en": (f"Fetched {values} values for 312 areas and 2 KPIs in 13 requests (0 failed) into {tmp_path}.",
               "Everything is fetched; the next fetch with --all starts anew.", "Source: Kolada")}[lang]
    assert captured.out.splitlines() == [summary, done, source]
    progress = captured.err.splitlines()
    assert len(progress) == n and len(server.requests) == n
    assert progress[-1] == {"sv": f"Kolada: 13 av 13 frågor klara, {values} värden",
                            "en": f"Kolada: 13 of 13 requests done, {values} values"}[lang]


def test_the_command_names_a_failed_request_and_exits_1(server, tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(KoladaClient.__init__.__kwdefaults__, "backoff", 0.01)
    first = plan_requests(KPIS[:1], all_areas())[0]
    server.fail["/v3" + KoladaClient(server.url).value_requests(*first)[0][3]] = 99
    assert main(["kolada", "fetch", "--all", "--kpi", KPIS[0], "--cache", str(tmp_path), "--base-url", server.url,
                 "--delay", "0"]) == 1
    out = capsys.readouterr().out
    assert f"Misslyckades: {KPIS[0]} × {','.join(first[1])}: " in out and "HTTP 503" in out
    assert "med 13 frågor (1 misslyckades)" in out
    assert "Något saknas ännu: kör samma kommando igen för att hämta bara det som saknas." in out


@pytest.mark.parametrize(("argv", "sv", "en"), [
    (["--all", "--kommun", "0180"], "--kommun går inte att kombinera med --all",
     "argument --kommun: not allowed with argument --all"),
    ([], "ett av argumenten --kommun --all behövs", "one of the arguments --kommun --all is required"),
    (["--all", "--delay", "-1"], "--delay ska vara", "--delay must be"),
])
def test_kommun_or_all_and_a_delay_in_range(argv, sv, en, tmp_path, capsys):
    for lang, needle in (("sv", sv), ("en", en)):
        code = main(["kolada", "fetch", *argv, "--cache", str(tmp_path), "--base-url", "http://127.0.0.1:9/v3",
                     "--lang", lang])
        err = capsys.readouterr().err
        assert code == 2 and needle in err, err
    assert not (tmp_path / "values").exists()


def test_on_a_terminal_the_progress_is_a_bar(server, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    assert main(["kolada", "fetch", "--all", "--kpi", KPIS[0], "--cache", str(tmp_path), "--base-url", server.url,
                 "--delay", "0"]) == 0
    bar = capsys.readouterr().err
    values = formats.number(sum(standin.numbers(KPIS[0], a) for a in all_areas()))
    assert "Kolada: 100%" in bar and "13/13" in bar and " frågor/s" in bar and f"{values} värden" in bar, bar
