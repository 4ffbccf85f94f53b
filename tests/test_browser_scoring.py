"""The scoring app in headless Chromium, served by Voilà: nothing typed is lost, and a phone can use it.

* The comment race (issue 19): fifty pairs in a row, each scored with a click and then, at once, a click
  into *Kommentar* and a sentence with Swedish letters, then "Nästa →" — on a busy machine (two processes
  burning CPU), so every save takes its time. Every comment is in the journal exactly, on its own pair,
  and the keyboard field never got a letter. Every fifth pair the comment is committed twice (a click on
  "Osäker" between), so its second value may reach the kernel only after the move.
* A phone, 390 px wide: nothing is wider than the screen, no button's text is cut, and the overview grid
  scrolls inside its own box while the page does not; its cells and headers name the nodes.

Screenshots go to the test's ``tmp_path``.
"""

from __future__ import annotations

import inspect
import json
import re
import subprocess
import sys
import time
from contextlib import contextmanager

import nbformat
import pytest

from sdg_interactions import frameworks
from sdg_interactions.apps._scoring_view import SCORES, signed
from sdg_interactions.apps.workshop import new_workshop, read_about, read_plan
from sdg_interactions.io.journal import fold, read_journal

KEYS_FIELD = "input[placeholder='−3 … 3, Enter = nästa']"
#: 8 nodes, one respondent: one share of 56 pairs.
RACE_NODES = ["7.2", "11.6", "13.2", "9.4", "6.3", "12.5", "15.1", "3.9"]
#: The first letters of each comment are typed one by one, 20 ms apart (the rest at once).
HUMAN = 10
#: 10 nodes: an overview of 10 × 10 cells, wider than a phone.
PHONE_NODES = [*RACE_NODES, "1.5", "2.4"]


def _workshop(tmp_path, nodes):
    """A one-share workshop whose join code works, and a notebook that opens its scoring app."""
    extra = {"drop_in": True} if "drop_in" in inspect.signature(new_workshop).parameters else {}
    folder = new_workshop(tmp_path / "ws", nodes, kommun="Habo", respondents=1, **extra)
    about = json.loads((folder / "om.json").read_text("utf-8"))
    if about.get("drop_in") is False:
        about["drop_in"] = True
        (folder / "om.json").write_text(json.dumps(about, ensure_ascii=False, indent=2) + "\n", "utf-8")
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(
        f"from sdg_interactions.apps.scoring import scoring_app\n\nscoring_app({str(folder)!r}, lang='sv')")])
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    (tmp_path / "scoring.ipynb").write_text(nbformat.writes(notebook), "utf-8")
    return folder, tmp_path / "scoring.ipynb"


@contextmanager
def _page(tmp_path, nodes, *, width: int = 1200, height: int = 1600):
    """The app served on loopback and a fresh Chromium on it, joined as "Räv 7"; yields (folder, browser)."""
    import browser as helpers  # tests/browser.py: skips outside CI without Chromium, fails under CI
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    helpers.need_chromium()
    folder, notebook = _workshop(tmp_path, nodes)
    with helpers.voila(notebook) as url:
        chromium = helpers.new_browser(width, height)
        try:
            chromium.set_window_size(width, height)  # Chromium opens no narrower than 500 px
            chromium.get(url)
            fields = helpers.wait_for(lambda: chromium.find_elements(By.CSS_SELECTOR, "input[type=text]"),
                                      timeout=90, what="the start screen")
            # the suggested name replaced by typing over it (one value when the field is left: clear() would
            # send "" first, and the browser holds "Räv 7" back until the kernel has answered that)
            fields[0].send_keys(Keys.CONTROL, "a")
            fields[0].send_keys("Räv 7")
            fields[1].send_keys(read_about(folder)["join_code"] + Keys.ENTER)
            helpers.wait_for(lambda: "Välkommen, Räv 7!" in _body(chromium), timeout=60, what="joined")
            yield folder, chromium
        except BaseException:
            chromium.save_screenshot(str(tmp_path / "failed.png"))
            log = next(tmp_path.glob("voila-*.log"), None)
            print(log.read_text(errors="replace")[-4000:] if log else "no voila log")
            raise
        finally:
            chromium.quit()


def _body(chromium) -> str:
    from selenium.webdriver.common.by import By

    return chromium.find_element(By.TAG_NAME, "body").text


def _button(chromium, *, text: str | None = None, starts: str | None = None):
    """The button whose text is ``text``, or starts with ``starts`` (one look-up in the page)."""
    from selenium.webdriver.common.by import By

    test = f"normalize-space(.)='{text}'" if text is not None else f"starts-with(normalize-space(.), '{starts}')"
    return chromium.find_element(By.XPATH, f"//button[{test}]")


def _heading(chromium, k: int, n: int) -> bool:
    """True when pair ``k`` of ``n`` is on screen."""
    from selenium.webdriver.common.by import By

    return bool(chromium.find_elements(By.XPATH, f"//h4[starts-with(normalize-space(.), 'Par {k} av {n} · ')]"))


@contextmanager
def _busy(n: int = 2):
    """``n`` processes burning CPU while the block runs."""
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]
    try:
        yield
    finally:
        for burner in burners:
            burner.kill()
        for burner in burners:
            burner.wait(timeout=10)


@pytest.mark.slow
def test_a_comment_typed_right_after_each_score_click_is_saved_whole_on_its_pair_under_load(tmp_path):
    from browser import wait_for
    from selenium.webdriver.common.by import By

    with _page(tmp_path, RACE_NODES) as (folder, chromium), _busy(2):
        pairs = list(read_plan(folder).assignment["R1"])
        assert len(pairs) >= 51
        expected: dict[tuple[str, str], tuple[int, str, bool]] = {}
        started = time.monotonic()
        for k in range(50):
            wait_for(lambda k=k: _heading(chromium, k + 1, len(pairs)), timeout=30, every=0.05,
                     what=f"pair {k + 1} on screen")
            score = SCORES[k % len(SCORES)]
            comment, twice = f"Motivering åäö nr {k + 1}", k % 5 == 4
            _button(chromium, starts=f"{signed(score)} ").click()
            box = chromium.find_element(By.TAG_NAME, "textarea")
            box.click()  # at once: the save of the score is still under way
            for letter in comment[:HUMAN]:  # as a person types: a focus moved meanwhile would take the rest
                box.send_keys(letter)
                time.sleep(0.02)
            box.send_keys(comment[HUMAN:])
            if twice:  # committed once by leaving the box, then again after more typing
                chromium.find_element(By.CSS_SELECTOR, "input[type=checkbox]").click()
                box.click()
                box.send_keys(" – och mer")
                comment += " – och mer"
            _button(chromium, text="Nästa →").click()
            expected[pairs[k]] = (score, comment, twice)
        wait_for(lambda: _heading(chromium, 51, len(pairs)), timeout=30, what="pair 51 on screen")
        elapsed = time.monotonic() - started

        def journal():
            answers = {(a.source, a.target): (a.score, a.comment, a.uncertain)
                       for a in fold(read_journal(next((folder / "svar").glob("*.jsonl"))))}
            return answers if answers == expected else None

        try:
            wait_for(journal, timeout=30, what="all 50 answers in the journal")
        except AssertionError:
            lines = read_journal(next((folder / "svar").glob("*.jsonl")))
            got = {(a.source, a.target): (a.score, a.comment, a.uncertain) for a in fold(lines)}
            wrong = {p: (expected.get(p), got.get(p)) for p in {*expected, *got} if expected.get(p) != got.get(p)}
            raise AssertionError(f"journal differs on {len(wrong)} pairs: {sorted(wrong.items())[:5]}") from None
        assert chromium.find_element(By.CSS_SELECTOR, KEYS_FIELD).get_attribute("value") == ""
        chromium.save_screenshot(str(tmp_path / "race-after-50.png"))
    # every line ever written holds a comment typed on its own pair (never a first letter, never another's)
    for line in read_journal(next((folder / "svar").glob("*.jsonl"))):
        full = expected[(line.source, line.target)][1]
        assert line.comment in ("", full, full.removesuffix(" – och mer")), (line.source, line.target, line.comment)
    print(f"50 pairs under load in {elapsed:.1f} s")


@pytest.mark.slow
def test_a_phone_390_px_wide_sees_everything_and_the_overview_scrolls_in_its_own_box(tmp_path):
    from browser import wait_for
    from selenium.webdriver.common.by import By

    def page_width() -> tuple[int, int, int]:
        return tuple(chromium.execute_script(
            "return [document.documentElement.scrollWidth, document.body.scrollWidth, window.innerWidth]"))

    def cut_off() -> list[str]:
        """Elements of the app past the screen's right edge (outside a scrolling box) or with text cut."""
        return chromium.execute_script("""
            const grid = document.querySelector('.sdgi-grid');
            return [...document.querySelectorAll('.sdgi-scoring *')].filter(e => {
                if (grid && grid.contains(e) && e !== grid) return false;
                const r = e.getBoundingClientRect();
                if (r.width === 0) return false;
                const text = e.matches('button, .widget-label, .widget-html-content');
                return r.right > window.innerWidth + 1 || r.left < -1 || (text && e.scrollWidth > e.clientWidth + 1);
            }).map(e => e.tagName + '.' + e.className + ': ' + (e.textContent || '').slice(0, 40));""")

    with _page(tmp_path, PHONE_NODES, width=390, height=844) as (folder, chromium):
        wait_for(lambda: "Par 1 av" in _body(chromium), timeout=30, what="the first pair")
        time.sleep(0.5)  # the last styles applied
        assert page_width()[2] == 390, page_width()
        assert page_width()[0] <= 391 and page_width()[1] <= 391, page_width()
        assert cut_off() == []
        for score in SCORES:  # all seven score buttons are there and show their whole text
            _button(chromium, starts=f"{signed(score)} ")
        chromium.save_screenshot(str(tmp_path / "phone-pair.png"))
        chromium.set_window_size(390, 2400)  # the whole pair screen in one picture, as wide
        chromium.save_screenshot(str(tmp_path / "phone-pair-whole.png"))
        chromium.set_window_size(390, 844)
        _button(chromium, starts="+2 ").click()
        wait_for(lambda: "✓ Sparat" in _body(chromium), timeout=30, what="✓ Sparat")
        status = chromium.find_element(By.CSS_SELECTOR, ".sdgi-status")
        assert status.text == "✓ Sparat"
        assert page_width()[0] <= 391 and cut_off() == []  # the chosen button's longer text wraps too

        _button(chromium, text="Översikt").click()
        grid = wait_for(lambda: chromium.find_element(By.CSS_SELECTOR, ".sdgi-grid"), timeout=30, what="the grid")
        wait_for(lambda: len(chromium.find_elements(By.CSS_SELECTOR, ".sdgi-cell")) == 90, timeout=30,
                 what="the overview's 90 cells")
        time.sleep(0.5)
        chromium.save_screenshot(str(tmp_path / "phone-overview.png"))
        inner, outer = chromium.execute_script("return [arguments[0].scrollWidth, arguments[0].clientWidth]", grid)
        assert inner > outer and outer <= 390, (inner, outer)  # wider than the phone: it scrolls in its box
        assert page_width()[0] <= 391 and cut_off() == []  # the page itself never scrolls sideways
        chromium.execute_script("arguments[0].scrollLeft = 200; window.scrollTo(200, 0)", grid)
        assert chromium.execute_script("return [arguments[0].scrollLeft > 0, window.scrollX]", grid) == [True, 0]

        # a cell names both nodes (tooltip and accessible name); a header its node on hover
        info = frameworks.node_info(PHONE_NODES)
        plan = list(read_plan(folder).assignment["R1"])
        cells = chromium.find_elements(By.CSS_SELECTOR, ".sdgi-cell")
        for cell in cells[:5]:
            title = cell.get_attribute("title")
            source, target = re.match(r"(\S+) .* → (\S+) ", title).groups()
            assert (source, target) in plan
            for node in (source, target):
                assert str(info.loc[node, "label_sv"]).rstrip("…")[:20] in title
            assert title in cell.accessible_name, (cell.accessible_name, title)
        heads = chromium.find_elements(By.CSS_SELECTOR, ".sdgi-grid .sdgi-colhead strong, .sdgi-rowhead strong")
        named = {h.text: h.get_attribute("title") for h in heads if h.get_attribute("title")}
        assert set(named) == set(PHONE_NODES)
        assert all(title.startswith(f"{node} ") and len(node) <= 5 for node, title in named.items())
        chromium.execute_script("arguments[0].focus({focusVisible: true})", cells[0])
        time.sleep(0.2)
        shown = chromium.execute_script("return getComputedStyle(arguments[0], '::after').clipPath", cells[0])
        chromium.save_screenshot(str(tmp_path / "phone-overview-focus.png"))
        assert shown == "none", shown  # the focused cell shows its names in a box
