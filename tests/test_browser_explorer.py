"""The explorer as a Voilà app in a real (headless) browser: the chart draws offline, the controls work."""

import shutil
from pathlib import Path

import pytest
from browser import new_browser, voila, wait_for

NOTEBOOK = Path(__file__).parents[1] / "notebooks" / "03_utforska.ipynb"


@pytest.mark.slow
def test_explorer_draws_its_radial_chart_and_lists_in_the_browser(tmp_path):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    notebook = tmp_path / NOTEBOOK.name
    shutil.copy(NOTEBOOK, notebook)
    browser = new_browser()
    try:
        with voila(notebook) as url:
            browser.get(url)
            wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, "svg g.mark-rect.role-mark path")) >= 10,
                     what="the radial chart's SVG marks")
            first = browser.find_elements(By.CSS_SELECTOR, "svg.marks")[0]
            bars = first.find_elements(By.CSS_SELECTOR, "g.mark-rect.role-mark path")
            assert len(bars) == 10  # the ten strongest links of 7.2, one bar each
            text = browser.find_element(By.TAG_NAME, "body").text
            assert "Främjar (7)" in text and "Hämmar (3)" in text  # 7.2 in the Sweden matrix
            assert "9.4 Uppgradera all industri" in text
            # change the target: the lists follow
            select = Select(browser.find_elements(By.CSS_SELECTOR, "select")[1])
            select.select_by_visible_text(next(o.text for o in select.options if o.text.startswith("13.2 ")))
            wait_for(lambda: any(s.text.startswith("13.2 ") for s in browser.find_elements(By.TAG_NAME, "strong")),
                     what="the summary of 13.2")
            assert "Hur 13.2 påverkar andra mål" in browser.find_element(By.TAG_NAME, "body").text
            browser.save_screenshot(str(tmp_path / "explorer.png"))
    finally:
        browser.quit()
