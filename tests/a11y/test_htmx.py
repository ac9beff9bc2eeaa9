"""htmx enhances a page in place: the same handler, focus and announcements handled."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.a11y.conftest import wait_for


def test_audit_filter_updates_in_place_and_announces(live_server, admin_browser) -> None:
    d = admin_browser
    d.get(f"{live_server.url}/staff/audit?lang=en")
    d.execute_script("window.__stillHere = true")  # survives only if there is no full page load
    Select(d.find_element(By.ID, "record_type")).select_by_value("staff_user")
    d.find_element(By.CSS_SELECTOR, "form.filter button[type=submit]").click()
    wait_for(d, lambda d: "record_type=staff_user" in d.current_url)
    assert d.execute_script("return window.__stillHere === true")
    live = wait_for(d, lambda d: d.find_element(By.ID, "live-region").text)
    assert live.startswith("Showing page 1 of 1")
    assert "staff_user" in d.find_element(By.ID, "audit-results").text
