"""``sdg-interactions workshop new`` and ``workshop serve``: the folder, and Voilà on loopback."""

import json
import socket
import time
import urllib.error
import urllib.request

import pytest

from sdg_interactions.apps.links import link_url, read_bases, read_links
from sdg_interactions.apps.server import serve
from sdg_interactions.apps.workshop import journal_path, journals, new_workshop, read_about, read_plan, scoring_code
from sdg_interactions.cli import main
from sdg_interactions.errors import ValidationError


def test_workshop_new_makes_the_folder(tmp_path, capsys):
    out = tmp_path / "ws"
    assert main(["workshop", "new", "--kommun", "Falköping", "--nodes", "weitz2018_sweden", "--respondents", "6",
                 "--out", str(out)]) == 0
    said = capsys.readouterr().out
    assert "34 delmål ger 1 122 par" in said and f"workshop serve {out}" in said
    assert "6 personliga länkar är skapade (en per deltagare); workshop serve skriver ut dem" in said
    plan = read_plan(out)
    assert len(plan.nodes) == 34 and plan.n_pairs == 1122 and plan.answers_per_pair == 2
    about = read_about(out)
    assert about["kommun"] == "1499" and about["kommun_name"] == "Falköping" and len(about["join_code"]) == 6
    assert about["drop_in"] is False and about["release_after_minutes"] == 15
    assert about["join_code"] not in said  # the shared code is off: only the personal links work
    assert [(link.respondent, link.share) for link in read_links(out)] == [(f"R{k}", f"R{k}") for k in range(1, 7)]
    assert sorted(p.name for p in (out / "svar").iterdir()) == []
    code = "".join(json.loads((out / "delta.ipynb").read_text("utf-8"))["cells"][1]["source"])
    assert code == scoring_code("sv") and "dashboard" in (out / "ledning.ipynb").read_text("utf-8")
    assert (out / "mall.xlsx").read_bytes()[:2] == b"PK"


def test_workshop_new_with_drop_in_turns_the_shared_code_on(tmp_path, capsys):
    out = tmp_path / "ws"
    assert main(["workshop", "new", "--kommun", "Habo", "--nodes", "7.2,11.6,13.2", "--respondents", "Anna,Bo",
                 "--drop-in", "--lang", "en", "--out", str(out)]) == 0
    said = capsys.readouterr().out
    about = read_about(out)
    assert about["drop_in"] is True and f"The shared code for drop-ins is on: {about['join_code']}" in said
    assert "2 personal links are made" in said and [link.respondent for link in read_links(out)] == ["Anna", "Bo"]


def test_workshop_new_never_overwrites_answers(tmp_path, capsys):
    out = tmp_path / "ws"
    new_workshop(out, ["7.2", "11.6"], kommun="Habo", respondents=2)
    journal_path(out, "Räv 7").write_text("{}\n", encoding="utf-8")
    assert main(["workshop", "new", "--kommun", "Habo", "--nodes", "7.2,11.6", "--out", str(out)]) == 2
    assert "svar skrivs aldrig över" in capsys.readouterr().err
    assert [p.read_text("utf-8") for p in journals(out)] == ["{}\n"]


@pytest.mark.parametrize("name", ["", "x" * 81, "tab\there"])
def test_a_pseudonym_must_be_printable(tmp_path, name):
    with pytest.raises(ValidationError, match="1–80 printable characters"):
        journal_path(tmp_path, name)


def test_journal_files_stay_in_the_folder_and_apart(tmp_path):
    a, b, c = (journal_path(tmp_path, n) for n in ("Anna", "anna", "../../etc/passwd"))
    assert len({a, b, c}) == 3 and all(p.parent == tmp_path / "svar" for p in (a, b, c))


def _free_port() -> int:
    from browser import free_port  # below the ephemeral range, where kernels take their ports

    return free_port()


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
def test_workshop_serve_lets_in_personal_links_and_the_facilitator_with_a_token(tmp_path, capsys):
    out = new_workshop(tmp_path / "ws", ["7.2", "11.6", "13.2"], kommun="Habo", respondents=2)
    port = _free_port()
    while port + 1 == _free_port():  # pragma: no cover - the next port is almost always free
        port = _free_port()
    processes = serve(out, port=port, ip="127.0.0.1", wait=False)
    try:
        said = capsys.readouterr().out
        links = read_links(out)
        assert all(link_url(f"http://127.0.0.1:{port}/", link.token) in said for link in links)
        assert read_about(out)["join_code"] not in said  # the shared code is off: only the personal links work
        assert read_bases(out) == [f"http://127.0.0.1:{port}/"] and (out / "lankar.pdf").exists()
        token = said.split("?token=")[1].split()[0]
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:  # the participants' server counts page loads: knock, do not load
            try:
                socket.create_connection(("127.0.0.1", port), timeout=2).close()
                if _status(f"http://127.0.0.1:{port + 1}/?token={token}") == 200:
                    break
            except OSError:  # not listening yet
                pass
            time.sleep(0.5)
        assert _status(link_url(f"http://127.0.0.1:{port}/", links[0].token)) == 200  # a personal link opens
        assert _status(f"http://127.0.0.1:{port}/") == 403  # no link, and the shared code is off
        assert _status(f"http://127.0.0.1:{port}/?k={'A' * 32}") == 403  # an unknown link
        assert _status(f"http://127.0.0.1:{port + 1}/") in (302, 403)  # the facilitator's page needs its token
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
