"""``sdg-interactions workshop new`` and ``workshop serve``: the folder, and Voilà on loopback."""

import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from sdg_interactions.apps.server import serve
from sdg_interactions.apps.workshop import journal_path, journals, new_workshop, read_about, read_plan
from sdg_interactions.cli import main
from sdg_interactions.errors import ValidationError


def test_workshop_new_makes_the_folder(tmp_path, capsys):
    out = tmp_path / "ws"
    assert main(["workshop", "new", "--kommun", "Falköping", "--nodes", "weitz2018_sweden", "--respondents", "6",
                 "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "34 delmål ger 1 122 par" in said and f"workshop serve {out}" in said
    plan = read_plan(out)
    assert len(plan.nodes) == 34 and plan.n_pairs == 1122 and plan.answers_per_pair == 2
    about = read_about(out)
    assert about["kommun"] == "1499" and about["kommun_name"] == "Falköping" and len(about["join_code"]) == 6
    assert sorted(p.name for p in (out / "svar").iterdir()) == []
    code = "".join(json.loads((out / "delta.ipynb").read_text("utf-8"))["cells"][1]["source"])
    assert "scoring_app" in code and "dashboard" in (out / "ledning.ipynb").read_text("utf-8")
    assert (out / "mall.xlsx").read_bytes()[:2] == b"PK"


def test_workshop_new_never_overwrites_answers(tmp_path, capsys):
    out = tmp_path / "ws"
    new_workshop(out, ["7.2", "11.6"], kommun="Habo", respondents=2)
    journal_path(out, "Räv 7").write_text("{}\n", encoding="utf-8")
    assert main(["workshop", "new", "--kommun", "Habo", "--nodes", "7.2,11.6", "--out", str(out)]) == 2
    assert "answers are never overwritten" in capsys.readouterr().err
    assert [p.read_text("utf-8") for p in journals(out)] == ["{}\n"]


@pytest.mark.parametrize("name", ["", "x" * 81, "tab\there"])
def test_a_pseudonym_must_be_printable(tmp_path, name):
    with pytest.raises(ValidationError, match="1–80 printable characters"):
        journal_path(tmp_path, name)


def test_journal_files_stay_in_the_folder_and_apart(tmp_path):
    a, b, c = (journal_path(tmp_path, n) for n in ("Anna", "anna", "../../etc/passwd"))
    assert len({a, b, c}) == 3 and all(p.parent == tmp_path / "svar" for p in (a, b, c))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _status(url: str) -> int:
    request = urllib.request.Request(url)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        return opener.open(request, timeout=5).status
    except urllib.error.HTTPError as error:
        return error.code


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


@pytest.mark.slow
def test_workshop_serve_starts_voila_for_participants_and_a_token_for_the_facilitator(tmp_path, capsys):
    out = new_workshop(tmp_path / "ws", ["7.2", "11.6", "13.2"], kommun="Habo", respondents=2)
    port = _free_port()
    while port + 1 == _free_port():  # pragma: no cover - the next port is almost always free
        port = _free_port()
    processes = serve(out, port=port, ip="127.0.0.1", wait=False)
    try:
        said = capsys.readouterr().out
        assert f"http://127.0.0.1:{port}/" in said and read_about(out)["join_code"] in said
        token = said.split("?token=")[1].split()[0]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                facilitator = _status(f"http://127.0.0.1:{port + 1}/?token={token}")
                if _status(f"http://127.0.0.1:{port}/") == 200 and facilitator == 200:
                    break
            except OSError:  # not listening yet
                pass
            time.sleep(0.5)
        assert _status(f"http://127.0.0.1:{port}/") == 200  # participants need no token
        assert _status(f"http://127.0.0.1:{port + 1}/") in (302, 403)  # the facilitator's page does
        assert _status(f"http://127.0.0.1:{port + 1}/?token={token}") == 200
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=20)


def test_workshop_merge_writes_the_answers_and_names_each_problem(tmp_path, capsys):
    from sdg_interactions.io import read_matrix
    from sdg_interactions.io.journal import Journal

    out = new_workshop(tmp_path / "ws", ["7.2", "11.6", "13.2"], kommun="Habo", respondents=2)
    with Journal(journal_path(out, "Älg 3"), "Älg 3") as journal:
        journal.record("7.2", "11.6", 2, comment="Påverkar sjöar")
        journal.record("13.2", "7.2", -1, uncertain=True)
    with Journal(journal_path(out, "Räv 7"), "Räv 7") as journal:
        journal.record("7.2", "11.6", 3)
    (out / "uppladdat" / "trasig.xlsx").write_bytes(b"not a workbook")
    capsys.readouterr()
    assert main(["workshop", "merge", str(out)]) == 1  # merged, but one upload could not be read
    said = capsys.readouterr()
    assert "trasig.xlsx" in said.err
    assert "2 deltagares svar (3 bedömda par)" in said.out
    merged = read_matrix(out / "rapporter" / "svar.nc")
    assert merged["respondent"].values.tolist() == ["Älg 3", "Räv 7"]  # journals by file name: alg_3-…, rav_7-…
    assert float(merged["score"].sel(respondent="Älg 3", source="7.2", target="11.6")) == 2.0
    assert str(merged["comment"].sel(respondent="Älg 3", source="7.2", target="11.6").item()) == "Påverkar sjöar"
    assert bool(merged["uncertain"].sel(respondent="Älg 3", source="13.2", target="7.2"))
    assert float(merged["score"].sel(respondent="Räv 7", source="7.2", target="11.6")) == 3.0


def test_workshop_merge_without_answers_exits_2(tmp_path, capsys):
    out = new_workshop(tmp_path / "ws", ["7.2", "11.6"], kommun="Habo", respondents=2)
    assert main(["workshop", "merge", str(out)]) == 2
    assert "inga svar att slå ihop ännu" in capsys.readouterr().err
    assert main(["workshop", "merge", str(out), "--lang", "en"]) == 2
    assert "no answers to merge yet" in capsys.readouterr().err
