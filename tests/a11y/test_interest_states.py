"""States the registry cannot reach by loading a page: staff triage errors (plain and htmx)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from tests.a11y.conftest import wait_for
from tests.a11y.test_axe import EVERY_WAY, run_axe


@pytest.mark.parametrize("way", EVERY_WAY)
def test_not_this_time_without_a_reason_explains_itself(officer_browser, live_server, axe_counter, way) -> None:
    driver = officer_browser
    driver.get(f"{live_server.url}/staff/interests/1?lang={way}")
    Select(driver.find_element(By.ID, "status")).select_by_value("not_this_time")
    reason = driver.find_element(By.ID, "reason")
    reason.clear()
    reason.submit()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    assert driver.switch_to.active_element.get_attribute("data-error-summary") is not None
    run_axe(driver, axe_counter)


@pytest.mark.parametrize("way", EVERY_WAY)
def test_the_row_shows_its_error_in_place_with_htmx(officer_browser, live_server, axe_counter, way) -> None:
    driver = officer_browser
    driver.get(f"{live_server.url}/staff/roles/2/interests?lang={way}")
    Select(driver.find_element(By.ID, "status-1")).select_by_value("not_this_time")
    driver.find_element(By.ID, "reason-1").clear()
    driver.find_element(By.CSS_SELECTOR, "#interest-1 button[type=submit]").click()
    wait_for(driver, lambda d: d.find_elements(By.ID, "reason-1-error"))
    assert driver.find_element(By.ID, "reason-1").get_attribute("aria-invalid") == "true"
    assert "/staff/roles/2/interests" in driver.current_url  # swapped in place, no page load
    run_axe(driver, axe_counter)


@pytest.fixture(scope="module")
def for_someone_else(live_server):  # type: ignore[no-untyped-def]
    """A visitor filling in an interest in role 2 for someone else (not signed in), on the contact page."""
    from tests.a11y.conftest import _browser

    for driver in _browser():
        base = live_server.url
        driver.get(f"{base}/roles/2/interest?lang=en")
        driver.find_element(By.CSS_SELECTOR, "input[name='for_whom'][value='someone']").click()
        driver.find_element(By.CSS_SELECTOR, "main form[method=post] button[type=submit]:not([name])").click()
        wait_for(driver, lambda d: d.current_url.split("?")[0].endswith("/interest/helper"))
        driver.find_element(By.ID, "helper_name").send_keys("Chris Carer")
        driver.find_element(By.ID, "helper_email").send_keys("chris.visitor@example.org")
        driver.find_element(By.CSS_SELECTOR, "input[name='relationship'][value='carer']").click()
        driver.find_element(By.CSS_SELECTOR, "input[name='agreed'][value='yes']").click()
        driver.find_element(By.CSS_SELECTOR, "main form[method=post] button[type=submit]:not([name])").click()
        wait_for(driver, lambda d: d.current_url.split("?")[0].endswith("/interest/contact"))
        yield driver


@pytest.mark.parametrize("way", EVERY_WAY)
def test_the_contact_page_for_someone_else_asks_about_them(for_someone_else, live_server, axe_counter,
                                                           way) -> None:
    driver = for_someone_else
    driver.get(f"{live_server.url}/roles/2/interest/contact?lang={way}")
    run_axe(driver, axe_counter)
    if way == "en&easy-read=off":
        assert "How can we reach them?" in driver.find_element(By.TAG_NAME, "main").text
    driver.find_element(By.CSS_SELECTOR, "main form[method=post] button[type=submit]:not([name])").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    run_axe(driver, axe_counter)
