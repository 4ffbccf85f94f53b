"""The facilitator's side of a workshop: merging journals and uploads, progress, contested pairs, the dashboard."""

from __future__ import annotations

import json
import os
import warnings
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from sdg_interactions.apps.facilitator import (
    AUTO_REFRESH_SECONDS,
    CONTESTED_SHOWN,
    MERGED_FILE,
    UNSCORED_SHOWN,
    Dashboard,
    DashboardModel,
    contested_html,
    dashboard,
    make_report,
    report_files,
)
from sdg_interactions.apps.links import find_link, read_links, write_bases
from sdg_interactions.apps.merge import contested, merge_answers, merge_folder, progress
from sdg_interactions.apps.scoring import ScoringModel
from sdg_interactions.apps.workshop import claims_by_respondent, journal_path, new_workshop, read_about, read_claims
from sdg_interactions.errors import SdgInteractionsWarning, ValidationError
from sdg_interactions.frameworks import node_info
from sdg_interactions.io import nodes_from, read_matrix, write_matrix, write_template
from sdg_interactions.io.journal import Journal, read_journal
from sdg_interactions.matrix import from_long

NODES = ["7.2", "11.6", "13.2", "9.4"]
ORDER = ["7.2", "9.4", "11.6", "13.2"]  # natural order
UPLOAD_TIME = 1_796_000_000  # 2026-11-29 22:13:20 UTC, set as the uploads' modification time


def put(ws, source, target, value):
    """Write a score into a template sheet at the cell of (source, target)."""
    row = next(r for r in range(3, ws.max_row + 1) if ws.cell(r, 1).value == source)
    column = next(c for c in range(3, ws.max_column + 1) if ws.cell(1, c).value == target)
    ws.cell(row, column).value = value


def claim(folder, share, respondent):
    """A claim file as the scoring app writes it: ``respondent`` scores the plan's ``share``."""
    place = folder / "svar" / "andelar"
    place.mkdir(exist_ok=True)
    record = {"share": share, "respondent": respondent, "round": 1, "journal": journal_path(folder, respondent).name}
    (place / f"{share.lower()}.1.json").write_text(json.dumps(record), encoding="utf-8")


@pytest.fixture
def workshop(tmp_path):
    """Habo's workshop on 4 targets, 3 shares of 8 pairs: Anna (share R1) and R2 in the browser, a long
    CSV of Cecilia and David and Erik's Excel template uploaded."""
    ws = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=3)
    claim(ws, "R1", "Anna")
    with Journal(journal_path(ws, "Anna"), "Anna") as anna:
        anna.record("7.2", "13.2", 2, "bra för klimatet")
        anna.record("7.2", "9.4", 1)
        anna.record("13.2", "7.2", 3)  # outside her share
        anna.record("9.4", "7.2", 1)
        anna.record("9.4", "7.2", None)  # cleared: not scored
    with Journal(journal_path(ws, "R2"), "R2") as r2:
        r2.record("7.2", "13.2", -2, "dyrt", uncertain=True)
        r2.record("11.6", "13.2", 0)
    long = ws / "uppladdat" / "grupp.csv"
    long.write_text("respondent,source,target,score,comment\nCecilia,7.2,13.2,1,\nDavid,13.2,7.2,3,ja\n"
                    "David,9.4,11.6,-1,\n", encoding="utf-8")
    excel = ws / "uppladdat" / "erik.xlsx"
    write_template(ORDER, excel, respondents=1)
    book = openpyxl.load_workbook(excel)
    put(book.worksheets[1], "7.2", "11.6", 2)
    book.save(excel)
    for path in (long, excel):
        os.utime(path, (UPLOAD_TIME, UPLOAD_TIME))
    return ws


def test_merge_of_two_journals_a_long_csv_and_an_excel_template(workshop):
    merged = merge_folder(workshop)
    ds = merged.dataset
    assert merged.problems == []
    assert merged.respondents == ["Anna", "R2", "erik", "Cecilia", "David"]
    assert ds["score"].dims == ("respondent", "source", "target")
    assert ds["source"].to_numpy().tolist() == ORDER
    cell = ds["score"].sel(source="7.2", target="13.2")
    assert cell.sel(respondent="Anna").item() == 2 and cell.sel(respondent="R2").item() == -2
    assert cell.sel(respondent="Cecilia").item() == 1 and np.isnan(cell.sel(respondent="David").item())
    assert ds["score"].sel(respondent="erik", source="7.2", target="11.6").item() == 2
    assert ds["score"].sel(respondent="David", source="9.4", target="11.6").item() == -1
    assert np.isnan(ds["score"].sel(respondent="Anna", source="9.4", target="7.2").item())  # cleared
    assert ds["comment"].sel(respondent="Anna", source="7.2", target="13.2").item() == "bra för klimatet"
    assert bool(ds["uncertain"].sel(respondent="R2", source="7.2", target="13.2"))
    assert int(ds["score"].count()) == 9  # Anna 3, R2 2, erik 1, Cecilia 1, David 2
    assert merged.sources == {"Anna": "svar/" + journal_path(workshop, "Anna").name,
                              "R2": "svar/" + journal_path(workshop, "R2").name, "erik": "uppladdat/erik.xlsx",
                              "Cecilia": "uppladdat/grupp.csv", "David": "uppladdat/grupp.csv"}
    assert ds.attrs["kommun"] == "0643" and ds.attrs["title"] == "Workshop Habo"
    assert ds.attrs["merged_from"] == "; ".join([merged.sources["Anna"], merged.sources["R2"], "uppladdat/erik.xlsx",
                                                 "uppladdat/grupp.csv"])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        again = merge_answers(workshop)
    assert again.identical(ds)


def test_progress_per_respondent_counts_each_share_exactly(workshop):
    assert claims_by_respondent(workshop) == {"Anna": "R1"}
    table = progress(workshop)
    assert table["respondent"].tolist() == ["Anna", "R2", "R3", "erik", "Cecilia", "David"]
    assert table["share"].tolist() == ["R1", "R2", "R3", "", "", ""]
    assert table["assigned"].tolist() == [8, 8, 8, pd.NA, pd.NA, pd.NA]
    assert table["answered"].tolist() == [3, 2, 0, 1, 1, 2]
    assert table["answered_assigned"].tolist() == [2, 2, 0, pd.NA, pd.NA, pd.NA]  # 13.2 → 7.2 is not in R1
    assert table["done"].tolist()[:3] == [0.25, 0.25, 0.0]
    assert table["file"].tolist()[2:4] == ["", "uppladdat/erik.xlsx"]
    assert table.loc[0, "last_answer"] == pd.Timestamp(read_journal(journal_path(workshop, "Anna"))[-1].t)
    assert pd.isna(table.loc[2, "last_answer"])
    assert table.loc[3, "last_answer"] == pd.Timestamp(UPLOAD_TIME, unit="s", tz="UTC")


def test_progress_per_pair_against_the_plan(workshop):
    pairs = progress(merge_folder(workshop), by="pair")
    assert len(pairs) == 12 and set(pairs["planned"]) == {2}
    answers = {(s, t): n for s, t, n in zip(pairs["source"], pairs["target"], pairs["answers"], strict=True)}
    assert answers == {("7.2", "9.4"): 1, ("7.2", "11.6"): 1, ("7.2", "13.2"): 3, ("9.4", "7.2"): 0,
                       ("9.4", "11.6"): 1, ("9.4", "13.2"): 0, ("11.6", "7.2"): 0, ("11.6", "9.4"): 0,
                       ("11.6", "13.2"): 1, ("13.2", "7.2"): 2, ("13.2", "9.4"): 0, ("13.2", "11.6"): 0}
    unscored = pairs[pairs["unscored"]]
    assert list(zip(unscored["source"], unscored["target"], strict=True)) == [
        ("9.4", "7.2"), ("9.4", "13.2"), ("11.6", "7.2"), ("11.6", "9.4"), ("13.2", "9.4"), ("13.2", "11.6")]
    assert pairs["missing"].tolist() == [1, 1, 0, 2, 1, 2, 2, 2, 1, 0, 2, 2]


def test_contested_lists_the_pair_scored_plus_two_and_minus_two(workshop):
    ds = merge_answers(workshop)
    table = contested(ds, lang="sv")
    labels = node_info(["7.2", "13.2"])["label_sv"]
    assert table[["source", "target", "n", "low", "high"]].to_dict("records") == [
        {"source": "7.2", "target": "13.2", "n": 3, "low": -2.0, "high": 2.0}]
    assert table.loc[0, "source_label"] == labels["7.2"] and table.loc[0, "target_label"] == labels["13.2"]
    assert table.loc[0, "iqr"] == pytest.approx(2.0) and table.loc[0, "median"] == 1.0
    assert contested(ds, lang="en").loc[0, "target_label"] == "Climate change policy/planning"


def test_each_bad_file_is_reported_by_name_and_the_rest_merges(tmp_path):
    ws = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=3)
    with Journal(journal_path(ws, "Anna"), "Anna") as anna:
        anna.record("7.2", "13.2", 2)
    up = ws / "uppladdat"
    (up / "dubbel.csv").write_text("respondent,source,target,score\nAnna,7.2,13.2,-3\nFrida,9.4,7.2,2\n", "utf-8")
    (up / "okand.csv").write_text("source,target,score\n7.20,13.2,1\n", "utf-8")
    (up / "liten.csv").write_text(",7.2,13.2,1.1\n7.2,,1,0\n13.2,2,,\n1.1,,,\n", "utf-8")
    (up / "trasig.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (up / "~$lock.xlsx").write_bytes(b"Excel's lock file")  # skipped, like hidden files
    mean = from_long(pd.DataFrame({"source": ["7.2"], "target": ["9.4"], "score": ["1.5"]}), aggregated=True)
    write_matrix(mean, up / "medel.nc")
    merged = merge_folder(ws)
    kinds = [(p.kind, p.file, p.merged) for p in merged.problems]
    assert kinds == [("duplicate", "uppladdat/dubbel.csv", False), ("nodes", "uppladdat/liten.csv", True),
                     ("not_answers", "uppladdat/medel.nc", False), ("unknown_id", "uppladdat/okand.csv", False),
                     ("unreadable", "uppladdat/trasig.xlsx", False)]
    duplicate, nodes, mean_problem, unknown, unreadable = merged.problems
    assert duplicate.respondent == "Anna" and "svar/anna-" in duplicate.message and "'Anna'" in duplicate.message
    assert (nodes.extra, nodes.missing) == (("1.1",), ("9.4", "11.6"))
    assert "extra 1.1; missing 9.4, 11.6" in nodes.message
    assert "aggregated scores" in mean_problem.message
    assert "row 2, column 'source'" in unknown.message and "'7.20'" in unknown.message
    assert "not an Excel .xlsx workbook" in unreadable.message
    assert "liten.csv har andra mål än workshopen (extra: 1.1; saknas: 9.4, 11.6)" in nodes.words("sv")
    assert merged.respondents == ["Anna", "Frida", "liten"]
    ds = merged.dataset
    assert ds["source"].to_numpy().tolist() == ["1.1", "7.2", "9.4", "11.6", "13.2"]  # the union of the nodes
    assert ds["score"].sel(respondent="Anna", source="7.2", target="13.2").item() == 2  # the first source wins
    assert ds["score"].sel(respondent="Frida", source="9.4", target="7.2").item() == 2
    assert ds["score"].sel(respondent="liten", source="13.2", target="7.2").item() == 2
    with pytest.warns(SdgInteractionsWarning) as caught:
        merge_answers(ws)
    assert [str(w.message) for w in caught] == [p.message for p in merged.problems]


def test_a_torn_journal_line_is_reported_and_the_answers_before_it_merge(tmp_path):
    ws = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=3)
    path = journal_path(ws, "Bo")
    with Journal(path, "Bo") as bo:
        bo.record("11.6", "9.4", -1)
    path.write_bytes(path.read_bytes() + b'{"t": "2026-11-30T20:1')
    merged = merge_folder(ws)
    assert [(p.kind, p.merged) for p in merged.problems] == [("torn", True)]
    assert "torn last line ignored" in merged.problems[0].message
    assert merged.dataset["score"].sel(respondent="Bo", source="11.6", target="9.4").item() == -1


def test_a_journal_line_outside_the_plan_is_set_aside_and_named(tmp_path):
    ws = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=3)
    with Journal(journal_path(ws, "Bo"), "Bo") as bo:
        bo.record("7.2", "1.1", 1)
        bo.record("7.2", "9.4", 2)
    merged = merge_folder(ws)
    (problem,) = merged.problems
    words = problem.words("sv")
    assert problem.kind == "line" and f"svar/{journal_path(ws, 'Bo').name}, rad 1" in words and "'1.1'" in words
    assert merged.dataset["score"].sel(respondent="Bo", source="7.2", target="9.4").item() == 2


def test_no_answers_yet(tmp_path):
    ws = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=3)
    merged = merge_folder(ws)
    assert merged.dataset is None and merged.problems == []
    assert progress(merged)["answered"].tolist() == [0, 0, 0]
    assert progress(merged, by="pair")["unscored"].all()
    with pytest.raises(ValidationError, match="no answers to merge yet"):
        merge_answers(ws)
    with pytest.raises(ValidationError, match="unknown way to show progress"):
        progress(merged, by="kommun")
    with pytest.raises(ValidationError, match="not a workshop folder"):
        merge_folder(tmp_path / "nowhere")


def test_dashboard_shows_progress_problems_and_contested_pairs(workshop):
    app = dashboard(workshop, lang="sv")
    shown = app.displays
    assert app.displays["errors"].outputs == ()
    assert "5 svarande med svar, 4 filer lästa; 6 av 12 par har minst ett svar." in shown["status"].value
    respondents = shown["respondents"].value
    assert "Anna (R1)" in respondents and "25 %" in respondents and "inte börjat" in respondents
    assert "inte i planen" in respondents and "uppladdat/erik.xlsx" in respondents
    assert "2 av 12 par har alla planerade svar; 6 par har inget svar." in shown["pairs"].value
    assert "9.4 Uppgradera all industri" in shown["pairs"].value
    assert "Inga problem: alla filer är med." in shown["problems"].value
    contested_shown = shown["contested"].value
    assert "7.2 Öka andelen förnybar energi i världen → 13.2 Integrera åtgärder mot klimatförändringar" in \
        contested_shown
    assert "−2 … +2" in contested_shown
    (workshop / "uppladdat" / "trasig.csv").write_text("source;target\n", encoding="utf-8")
    with Journal(journal_path(workshop, "R3"), "R3") as r3:
        r3.record("13.2", "9.4", -1)
    app.controls["refresh"].click()
    assert "6 svarande med svar, 6 filer lästa; 7 av 12 par har minst ett svar." in shown["status"].value
    assert "trasig.csv kunde inte läsas och är inte med i sammanslagningen." in shown["problems"].value
    assert "12,5 %" in shown["respondents"].value  # R3: 1 of 8


def test_dashboard_in_english_and_a_report_without_answers_shows_the_error(tmp_path):
    ws = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=3)
    app = dashboard(ws, lang="en")
    assert "No answers yet." in app.displays["status"].value
    assert "No contested pairs yet." in app.displays["contested"].value
    assert "Facilitator – Habo" in app.children[0].value
    app.controls["report"].click()
    (shown,) = app.displays["errors"].outputs
    assert shown["data"]["text/plain"].startswith("The report could not be made:")
    assert "no answers to make a report from yet" in shown["data"]["text/plain"]
    assert not app.controls["report"].disabled
    assert not (ws / "rapporter" / MERGED_FILE).exists()


def panel_errors(panel) -> str:
    return " ".join(out["data"]["text/plain"] for out in panel.displays["errors"].outputs)


def test_dashboard_lists_the_personal_links_and_adds_reassigns_and_releases(tmp_path):
    ws = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=3)
    r1, r2, r3 = read_links(ws)
    app = dashboard(ws, lang="sv")
    panel = app.links
    table = panel.displays["table"].value
    assert "Personliga länkar" in app.links.children[0].value
    assert table.count("<tr>") == 4 and table.count("inte börjat") == 3
    assert all(f"/?k={link.token}" in table for link in (r1, r2, r3)) and table.count("<svg") == 3
    assert "Adresserna visas som sökvägar" in table
    write_bases(ws, ["http://192.168.1.5:8866/"])
    first = ScoringModel(ws)
    first.join_link(r1.token)
    first.answer(2)
    ScoringModel(ws).join_link(r2.token)
    app.controls["refresh"].click()
    table = panel.displays["table"].value
    assert f"http://192.168.1.5:8866/?k={r1.token}" in table and "Adresserna visas som sökvägar" not in table
    assert "1 par besvarade" in table and "öppnad, inget svar än" in table and table.count("inte börjat") == 1
    panel.controls["add"].click()
    [extra] = read_links(ws)[3:]
    assert (extra.respondent, extra.share) == ("R4", None)
    assert panel.displays["done"].value == (f"<p role='status'>Ny länk för R4: "
                                            f"http://192.168.1.5:8866/?k={extra.token}</p>")
    assert f"?k={extra.token}" in panel.displays["table"].value and "nästa lediga" in panel.displays["table"].value
    panel.controls["share"].value = "R1"
    panel.controls["release"].click()  # R1 has an answer: refused, in words
    assert panel_errors(panel) == ("Andelen ”R1” frigörs inte: R1 har redan 1 besvarade par, och de svaren är deras. "
                                   "Ge andelen en ny länk i stället, om någon annan ska ta över.")
    assert [c.respondent for c in read_claims(ws)] == ["R1", "R2"]
    panel.controls["share"].value = "R2"
    panel.controls["release"].click()  # R2 opened the link and answered nothing: released
    assert panel_errors(panel) == "" and [c.respondent for c in read_claims(ws)] == ["R1"]
    assert "Andelen R2 är frigjord" in panel.displays["done"].value
    panel.controls["reassign"].click()
    new = read_links(ws)[-1]
    assert find_link(ws, r2.token) is None and (new.respondent, new.share) == ("R2 (2)", "R2")
    assert f"?k={new.token}" in panel.displays["done"].value and "återkallad" in panel.displays["table"].value
    assert f"?k={r2.token}" not in panel.displays["table"].value


def test_dashboard_turns_the_shared_code_for_drop_ins_on_and_off(tmp_path):
    ws = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=2)
    panel = dashboard(ws, lang="en").links
    code = read_about(ws)["join_code"]
    assert not panel.controls["drop_in"].value and code not in panel.displays["code"].value
    assert "The shared code is off: only personal links work." in panel.displays["code"].value
    panel.controls["drop_in"].value = True
    assert read_about(ws)["drop_in"] is True and f"The code for drop-ins: {code}." in panel.displays["code"].value
    assert ScoringModel(ws).join("Fox 123a", code) is False
    panel.controls["drop_in"].value = False
    assert read_about(ws)["drop_in"] is False and code not in panel.displays["code"].value
    with pytest.raises(ValidationError, match="The shared code is turned off"):
        ScoringModel(ws).join("Fox 456b", code)


def test_dashboard_of_a_folder_that_is_no_workshop_raises_a_clear_error(tmp_path):
    with pytest.raises(ValidationError, match="not a workshop folder"):
        dashboard(tmp_path)
    with pytest.raises(ValidationError, match="'de'"):
        dashboard(tmp_path, lang="de")


def test_make_report_makes_both_versions_with_distinct_names(workshop, monkeypatch):
    from sdg_interactions.report import batch

    calls = []

    def render(reports, *, output_dir, formats, fast):  # the notebook run itself is tested below (slow)
        (report,) = reports
        calls.append((report["audience"], Path(output_dir)))
        paths = {}
        for kind in ("ipynb", *formats):
            paths[kind] = Path(output_dir) / f"0643_habo.{kind}"
            paths[kind].write_text(report["audience"], encoding="utf-8")
        return batch.BatchResult(written={report["kommun"]: paths})

    monkeypatch.setattr(batch, "run_batch", render)
    written = make_report(workshop, formats=("html", "pdf"))
    reports = workshop / "rapporter"
    assert [audience for audience, _ in calls] == ["politiker", "forvaltning"]
    assert written == {"matrix": reports / MERGED_FILE, "ipynb": reports / "0643_habo.ipynb",
                       "html": reports / "0643_habo.html", "pdf": reports / "0643_habo.pdf",
                       "forvaltning_ipynb": reports / "0643_habo_forvaltning.ipynb",
                       "forvaltning_html": reports / "0643_habo_forvaltning.html",
                       "forvaltning_pdf": reports / "0643_habo_forvaltning.pdf"}
    for kind, path in written.items():  # each file holds the version it is named for
        if kind != "matrix":
            expected = "forvaltning" if kind.startswith("forvaltning") else "politiker"
            assert path.read_text(encoding="utf-8") == expected
    assert sorted(p.name for p in reports.iterdir() if p.is_dir()) == []  # the officials' run folder is gone
    lines = report_files(written, "sv")
    assert lines[0] == f"De sammanslagna svaren: {reports / MERGED_FILE}"
    assert f"Politikerversionen (två sidor), pdf: {reports / '0643_habo.pdf'}" in lines
    assert f"Förvaltningens fördjupade version, pdf: {reports / '0643_habo_forvaltning.pdf'}" in lines
    assert "The officials' full version, html: " in "\n".join(report_files(written, "en"))


@pytest.mark.slow
def test_the_report_button_writes_the_merged_answers_and_the_report(workshop):
    app = dashboard(workshop, lang="sv")
    app.controls["report"].click()
    assert app.displays["errors"].outputs == ()
    reports = workshop / "rapporter"
    made = sorted(p.name for p in reports.iterdir() if not p.name.startswith("."))  # not the batch's lock file
    assert made == ["0643_habo.docx", "0643_habo.html", "0643_habo.ipynb", "0643_habo.pdf",
                    "0643_habo_forvaltning.docx", "0643_habo_forvaltning.html", "0643_habo_forvaltning.ipynb",
                    "0643_habo_forvaltning.pdf", MERGED_FILE]
    assert not (reports / ".forvaltning").exists()
    pdf, full = reports / "0643_habo.pdf", reports / "0643_habo_forvaltning.pdf"
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 10_000
    assert full.read_bytes().startswith(b"%PDF") and full.stat().st_size > pdf.stat().st_size  # the full version
    assert "Habo" in (reports / "0643_habo.html").read_text(encoding="utf-8")
    shown = app.displays["report"].value
    assert "Rapporten är klar, i två versioner:" in shown and str(pdf) in shown and str(full) in shown
    assert "Förvaltningens fördjupade version" in shown
    merged = read_matrix(reports / MERGED_FILE)
    assert merged["respondent"].to_numpy().tolist() == ["Anna", "R2", "erik", "Cecilia", "David"]
    assert merged["score"].sel(respondent="R2", source="7.2", target="13.2").item() == -2


class FakeTimer:
    """A scheduler for tests: keeps the callbacks, runs them when told."""

    def __init__(self):
        self.calls, self.cancelled = [], 0

    def __call__(self, seconds, callback):
        self.calls.append((seconds, callback))
        return self

    def cancel(self):
        self.cancelled += 1


def test_automatic_refresh_merges_on_each_tick_until_unticked(workshop):
    timer = FakeTimer()
    app = Dashboard(DashboardModel(workshop, lang="en"), schedule=timer)
    assert app.controls["auto"].description == "Refresh automatically every 30 seconds"
    app.controls["auto"].value = True
    assert [seconds for seconds, _ in timer.calls] == [AUTO_REFRESH_SECONDS]
    with Journal(journal_path(workshop, "R3"), "R3") as r3:
        r3.record("13.2", "9.4", -1)
    timer.calls.pop()[1]()  # the timer fires: merged again, and the next tick scheduled
    assert "6 respondents with answers" in app.displays["status"].value and len(timer.calls) == 1
    app.controls["auto"].value = False
    assert timer.cancelled == 1
    timer.calls.pop()[1]()  # a tick that fires after all does nothing
    assert timer.calls == []


def test_automatic_refresh_without_a_running_kernel_says_so(workshop):
    app = dashboard(workshop, lang="en")
    app.controls["auto"].value = True
    assert app.controls["auto"].value is False
    (shown,) = app.displays["errors"].outputs
    assert "automatic refresh needs a running notebook or Voilà kernel" in shown["data"]["text/plain"]


def test_long_lists_are_cut_and_the_rest_counted(tmp_path):
    ws = new_workshop(tmp_path / "ws", nodes_from("weitz2018_sweden"), kommun="Habo", respondents=6)
    pairs = dashboard(ws, lang="en").displays["pairs"].value
    assert "0 of 1122 pairs have every planned answer; 1122 pairs have no answer." in pairs
    assert pairs.count("<li>") == UNSCORED_SHOWN and "… and 1092 more." in pairs
    assert "<li>1.3 Social protection → 1.5 Economic and social resilience</li>" in pairs
    rows = pd.DataFrame({"source": ["7.2"] * 52, "target": ["13.2"] * 52, "source_label": "a", "target_label": "b",
                         "n": 2, "low": -1.0, "high": 1.0, "iqr": 1.0, "mean": 0.0, "median": 0.0})
    shown = contested_html(rows, "en")
    assert shown.count("<tr>") == CONTESTED_SHOWN + 1 and shown.endswith("<p>… and 2 more.</p>")


def test_a_failing_report_is_shown_with_the_runners_reason(workshop, monkeypatch):
    from sdg_interactions.report import batch

    monkeypatch.setattr(batch, "run_batch", lambda *a, **k: batch.BatchResult(failed={"0643": "the kernel died"}))
    app = dashboard(workshop, lang="sv")
    assert app.make_report() is None
    (shown,) = app.displays["errors"].outputs
    assert shown["data"]["text/plain"] == (f"Rapporten kunde inte skapas: {workshop / 'rapporter' / MERGED_FILE}: "
                                           "körningen av rapporten misslyckades: the kernel died.")
    assert app.displays["report"].value == "" and not app.controls["report"].disabled
    assert (workshop / "rapporter" / MERGED_FILE).is_file()  # the merged answers are kept all the same


def test_closing_the_dashboard_stops_its_automatic_refresh(workshop):
    timer = FakeTimer()
    app = Dashboard(DashboardModel(workshop, lang="en"), schedule=timer)
    app.controls["auto"].value = True
    tick = timer.calls.pop()[1]
    app.close()
    assert timer.cancelled == 1
    tick()  # a tick already on its way when the cell was re-run: no merge, nothing scheduled again
    assert timer.calls == []
