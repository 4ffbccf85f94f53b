"""Personal links (sdg_interactions.apps.links) and the claims behind them (sdg_interactions.apps.claims): tokens,
``lankar.json``, adding, revoking and reassigning, releasing a share, the facilitator's sheet, and the code cell
the server writes into ``delta.ipynb``."""

from __future__ import annotations

import ast
import io
import json
import os
import re
import shutil
import stat

import pytest
from pypdf import PdfReader

from sdg_interactions.apps.claims import read_claims, release_claim, released_claims
from sdg_interactions.apps.links import (
    LINKS_FILE,
    TOKEN_PATTERN,
    add_link,
    find_link,
    link_url,
    make_links,
    new_token,
    read_bases,
    read_links,
    reassign_share,
    revoke_link,
    write_bases,
    write_link_sheet,
)
from sdg_interactions.apps.scoring import ScoringModel
from sdg_interactions.apps.workshop import journal_path, new_workshop, read_about, scoring_code, set_drop_in
from sdg_interactions.errors import ValidationError

NODES = ["7.2", "11.6", "13.2"]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return new_workshop(tmp_path_factory.mktemp("links") / "ws", NODES, kommun="Habo", respondents=3)


@pytest.fixture
def folder(template, tmp_path):
    return shutil.copytree(template, tmp_path / "ws")


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_tokens_are_192_random_bits_in_32_url_safe_characters():
    tokens = [new_token() for _ in range(2000)]
    assert len(set(tokens)) == 2000 and all(TOKEN_PATTERN.match(t) and len(t) == 32 for t in tokens)
    assert set("".join(tokens)) == set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    # each position is uniform over 64 characters: no character appears far more often than 1/64 of the time
    counts = [sum(t[0] == c for t in tokens) for c in set(t[0] for t in tokens)]
    assert max(counts) < 3 * 2000 / 64


def test_a_new_workshop_has_one_link_per_planned_respondent_readable_by_its_owner_only(folder):
    links = read_links(folder)
    assert [(link.respondent, link.share, link.revoked) for link in links] == [
        ("R1", "R1", False), ("R2", "R2", False), ("R3", "R3", False)]
    assert len({link.token for link in links}) == 3
    assert mode(folder / LINKS_FILE) == 0o600
    stored = json.loads((folder / LINKS_FILE).read_text("utf-8"))["links"]
    assert [entry["token"] for entry in stored] == [link.token for link in links]
    add_link(folder)
    assert mode(folder / LINKS_FILE) == 0o600  # rewritten whole, and still the owner's only
    hidden = [p.name for p in folder.iterdir() if p.name.startswith(".")]
    assert hidden == [".lankar.json.lock"]  # no temporary file left: only the links' (empty) lock file


def test_links_of_a_plan_with_names_open_each_persons_share(tmp_path):
    ws = new_workshop(tmp_path / "ws", NODES, kommun="Habo", respondents=["Anna Å", "Bo"])
    assert [(link.respondent, link.share) for link in read_links(ws)] == [("Anna Å", "Anna Å"), ("Bo", "Bo")]
    model = ScoringModel(ws)
    model.join_link(read_links(ws)[0].token)
    assert (model.respondent, model.share, model.journal_file) == ("Anna Å", "Anna Å", journal_path(ws, "Anna Å"))


def test_find_link_knows_only_live_well_formed_tokens(folder):
    r1, r2, _ = read_links(folder)
    assert find_link(folder, r1.token) == r1 and find_link(folder, r2.token) == r2
    for bad in ("", r1.token[:-1], r1.token + "A", r1.token.upper() if r1.token.upper() != r1.token else "x",
                "../" + "A" * 29, None, 12, "Å" * 32):
        assert find_link(folder, bad) is None, bad
    revoked = revoke_link(folder, r1.token)
    assert revoked.revoked and find_link(folder, r1.token) is None and find_link(folder, r2.token) == r2
    assert [link.revoked for link in read_links(folder)] == [True, False, False]  # kept, marked
    with pytest.raises(ValidationError, match="There is no such link"):
        revoke_link(folder, "B" * 32)


def test_add_link_takes_the_next_free_name_and_refuses_a_taken_one(folder):
    extra = add_link(folder)
    assert (extra.respondent, extra.share) == ("R4", None) and find_link(folder, extra.token) == extra
    assert add_link(folder, "Cecilia").respondent == "Cecilia"
    for taken in ("cecilia", "R 4", "r1"):
        with pytest.raises(ValidationError, match="is already used by a link or a participant"):
            add_link(folder, taken)
    with pytest.raises(ValidationError, match="A name is 1–80 characters"):
        add_link(folder, "x" * 81)
    model = ScoringModel(folder)  # an extra link takes the next share not kept for another link: round 2
    model.join_link(extra.token)
    assert (model.respondent, model.share, read_claims(folder)[0].round) == ("R4", "R1", 2)


def test_reassign_revokes_the_old_link_and_the_new_respondent_never_sees_the_old_answers(folder):
    old = read_links(folder)[1]
    first = ScoringModel(folder)
    first.join_link(old.token)
    first.answer(2, "mina egna skäl")
    first.close()
    new = reassign_share(folder, "R2")
    assert find_link(folder, old.token) is None and new.token != old.token
    assert (new.respondent, new.share) == ("R2 (2)", "R2") and find_link(folder, new.token) == new
    again = ScoringModel(folder)
    with pytest.raises(ValidationError, match="The link is not valid"):
        again.join_link(old.token)
    taker = ScoringModel(folder)
    taker.join_link(new.token)
    assert (taker.share, taker.answers, taker.comment) == ("R2", {}, "")
    assert taker.journal_file == journal_path(folder, "R2 (2)") != journal_path(folder, "R2")
    assert reassign_share(folder, "R2").respondent == "R2 (3)"
    with pytest.raises(ValidationError, match="The plan has no share “R9”"):
        reassign_share(folder, "R9")


def test_release_claim_frees_an_unanswered_share_and_refuses_one_with_answers(folder):
    with pytest.raises(ValidationError, match="Nobody has taken the share “R1”"):
        release_claim(folder, "R1")
    idle = ScoringModel(folder)
    idle.join_link(read_links(folder)[0].token)
    busy = ScoringModel(folder)
    busy.join_link(read_links(folder)[1].token)
    busy.answer(None, "bara en kommentar")  # no score: not an answer that counts
    busy.go(1)
    busy.answer(-1)
    with pytest.raises(ValidationError, match="R2 has 1 scored pairs already") as refused:
        release_claim(folder, "R2")
    assert refused.value.links_key == "has_answers"
    assert [c.respondent for c in read_claims(folder)] == ["R1", "R2"]
    [released] = release_claim(folder, "R1")
    assert released.respondent == "R1" and [c.respondent for c in read_claims(folder)] == ["R2"]
    [kept] = released_claims(folder)
    assert kept.path.name.startswith(released.path.name + ".released-") and kept.share == "R1"
    assert json.loads(kept.path.read_text("utf-8"))["respondent"] == "R1"  # the record is kept


def test_bases_are_written_and_read_back(folder):
    assert read_bases(folder) == []
    write_bases(folder, ["http://192.168.1.5:8866/", "https://workshop.habo.se/", "javascript:alert(1)"])
    assert read_bases(folder) == ["http://192.168.1.5:8866/", "https://workshop.habo.se/"]
    (folder / "adresser.json").write_text("{", "utf-8")
    assert read_bases(folder) == []
    assert link_url("http://192.168.1.5:8866", "abc") == "http://192.168.1.5:8866/?k=abc"
    assert link_url("", "abc") == "/?k=abc"


def test_the_link_sheet_has_one_qr_code_per_live_link_and_says_the_links_are_personal(folder):
    revoked = revoke_link(folder, read_links(folder)[2].token)
    bases = ["http://192.168.1.5:8866/"]
    paths = write_link_sheet(folder, bases, lang="sv")
    assert paths == {"html": folder / "lankar.html", "pdf": folder / "lankar.pdf"}
    assert mode(paths["html"]) == 0o600 and mode(paths["pdf"]) == 0o600
    page = paths["html"].read_text("utf-8")
    live = [link for link in read_links(folder) if not link.revoked]
    assert page.count("<svg") == len(live) == 2
    for link in live:
        assert link_url(bases[0], link.token) in page and f"<h2>{link.respondent}</h2>" in page
    assert revoked.token not in page and ">R3<" not in page
    assert page.count("Öppna länken i din webbläsare. Den är din egen – dela den inte.") == 2
    assert "Varje länk är personlig" in page
    pdf = PdfReader(io.BytesIO(paths["pdf"].read_bytes()))
    words = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in pdf.pages))
    assert "Personliga länkar till workshopen" in words and "Varje länk är personlig" in words
    assert words.count("Den är din egen – dela den inte.") == 2 and "R1" in words and "R2" in words
    english = write_link_sheet(folder, bases, lang="en")["html"].read_text("utf-8")
    assert "Open the link in your web browser. It is your own – do not share it." in english


def test_scoring_code_writes_only_checked_values(folder):
    token, browser = read_links(folder)[0].token, "ab" * 32
    source = scoring_code("sv", link=token, browser=browser)
    call = ast.parse(source).body[-1].value
    assert call.func.id == "scoring_app" and [a.value for a in call.args] == ["."]
    assert {k.arg: k.value.value for k in call.keywords} == {"lang": "sv", "link": token, "browser": browser}
    assert scoring_code("en").endswith("scoring_app('.', lang='en')")
    notebook = json.loads((folder / "delta.ipynb").read_text("utf-8"))
    assert "".join(notebook["cells"][-1]["source"]) == scoring_code("sv")
    for bad in ("x'); import os; os.system('true') #", "A" * 31, token + "\n"):
        with pytest.raises(ValidationError, match="not a personal link's token"):
            scoring_code("sv", link=bad)
    for bad in ("AB" * 32, "ab" * 31, "'" + "a" * 63):
        with pytest.raises(ValidationError, match="not a browser hash"):
            scoring_code("sv", browser=bad)


def test_set_drop_in_turns_the_shared_code_on_and_off(folder):
    assert read_about(folder)["drop_in"] is False
    assert set_drop_in(folder, True)["drop_in"] is True and read_about(folder)["drop_in"] is True
    set_drop_in(folder, False)
    assert read_about(folder)["drop_in"] is False and len(read_about(folder)["join_code"]) == 6


def test_a_folder_made_before_personal_links_keeps_its_join_code(folder):
    about = json.loads((folder / "om.json").read_text("utf-8"))
    del about["drop_in"], about["release_after_minutes"]
    (folder / "om.json").write_text(json.dumps(about), "utf-8")
    (folder / LINKS_FILE).unlink()
    assert (read_about(folder)["drop_in"], read_about(folder)["release_after_minutes"]) == (True, 15)
    make_links(folder, ["R1"])
    assert read_about(folder)["drop_in"] is False
