"""An expense row shows only the boxes its kind needs, in a real browser: app.js shows and hides
them as the kind changes (without JavaScript the server does it on the next page)."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.a11y.conftest import wait_for


def _shown(driver, name: str) -> bool:  # type: ignore[no-untyped-def]
    return driver.find_element(By.NAME, name).is_displayed()


def test_changing_an_expense_kind_shows_the_boxes_it_needs(live_server, contributor_browser) -> None:
    driver = contributor_browser
    driver.get(f"{live_server.url}/claims/a11y-claim/expenses?lang=en")
    # Row 1 is by the mile, row 2 is food: each shows only its own boxes from the start.
    assert _shown(driver, "expenses-0-miles") and not _shown(driver, "expenses-0-amount")
    assert _shown(driver, "expenses-1-amount") and not _shown(driver, "expenses-1-miles")
    kind = Select(driver.find_element(By.NAME, "expenses-1-kind"))
    try:
        kind.select_by_value("mileage")
        wait_for(driver, lambda d: _shown(d, "expenses-1-miles"))
        assert _shown(driver, "expenses-1-passengers") and not _shown(driver, "expenses-1-amount")
        kind.select_by_value("public_transport")
        wait_for(driver, lambda d: _shown(d, "expenses-1-amount"))
        assert not any(_shown(driver, f"expenses-1-{n}") for n in ("miles", "passengers"))
        assert not driver.find_element(By.NAME, "expenses-1-vehicle").is_displayed()
        assert _shown(driver, "expenses-1-description")
    finally:
        # Put it back as it was for the other browser tests, and wait for htmx to save it.
        driver.execute_script("document.getElementById('save-status').textContent = ''")
        Select(driver.find_element(By.NAME, "expenses-1-kind")).select_by_value("food")
        wait_for(driver, lambda d: d.find_element(By.ID, "save-status").text.strip())
