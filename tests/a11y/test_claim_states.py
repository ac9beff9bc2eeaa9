"""Claim states the registry cannot reach by loading a page: staff errors and the bulk confirm page."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.a11y.conftest import wait_for
from tests.a11y.test_axe import EVERY_WAY, run_axe


@pytest.mark.parametrize("way", EVERY_WAY)
def test_an_empty_question_explains_itself(officer_browser, live_server, axe_counter, way) -> None:
    driver = officer_browser
    driver.get(f"{live_server.url}/staff/claims/1?lang={way}")
    driver.find_element(By.ID, "note").submit()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    assert driver.switch_to.active_element.get_attribute("data-error-summary") is not None
    run_axe(driver, axe_counter)


@pytest.mark.parametrize("way", EVERY_WAY)
def test_a_changed_amount_without_a_reason_explains_itself(officer_browser, live_server, axe_counter,
                                                           way) -> None:
    driver = officer_browser
    driver.get(f"{live_server.url}/staff/claims/1?lang={way}")
    amount = driver.find_element(By.CSS_SELECTOR, "input[id^='allowed-']")
    amount.clear()
    amount.send_keys("1.00")
    amount.submit()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    run_axe(driver, axe_counter)


@pytest.mark.parametrize("way", EVERY_WAY)
def test_the_bulk_confirm_page(officer_browser, live_server, axe_counter, way) -> None:
    driver = officer_browser
    driver.get(f"{live_server.url}/staff/claims/?status=all&lang={way}")
    driver.find_element(By.CSS_SELECTOR, "input[name='claim']").click()
    driver.find_element(By.CSS_SELECTOR, "button[name='action'][value='approve']").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "input[name='confirmed']"))
    run_axe(driver, axe_counter)


@pytest.mark.parametrize("way", EVERY_WAY)
def test_a_bad_expense_cap_explains_itself(admin_browser, live_server, axe_counter, way) -> None:
    driver = admin_browser
    driver.get(f"{live_server.url}/staff/rates?lang={way}")
    cap = driver.find_element(By.ID, "cap-food")
    cap.clear()
    cap.send_keys("lots")
    cap.submit()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    assert driver.find_element(By.ID, "cap-food").get_attribute("aria-invalid") == "true"
    run_axe(driver, axe_counter)


@pytest.mark.parametrize("way", EVERY_WAY)
def test_bad_mileage_rates_explain_themselves(admin_browser, live_server, axe_counter, way) -> None:
    driver = admin_browser
    driver.get(f"{live_server.url}/staff/rates?lang={way}")
    pence = driver.find_element(By.ID, "bicycle_pence")
    pence.clear()
    pence.send_keys("lots")
    pence.submit()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    assert driver.find_element(By.ID, "bicycle_pence").get_attribute("value") == "lots"  # kept as typed
    run_axe(driver, axe_counter)


def test_a_bad_amount_in_an_expense_row_reaches_the_error_summary(contributor_browser, live_server,
                                                                   axe_counter) -> None:
    """"£1e9" on the expenses page used to reload at the top with no summary and no "Error:" in the
    title, the only message far down by its row: on a phone, Continue seemed to do nothing."""
    from selenium.webdriver.support.ui import Select

    driver = contributor_browser
    driver.get(f"{live_server.url}/claims/a11y-empty/expenses?lang=en&easy-read=off")
    driver.find_element(By.CSS_SELECTOR, "button[name='add-expenses']").click()
    wait_for(driver, lambda d: d.find_elements(By.ID, "expenses-0-kind"))
    Select(driver.find_element(By.ID, "expenses-0-kind")).select_by_value("food")
    driver.find_element(By.ID, "expenses-0-amount").send_keys("£1e9")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]:not([name])").click()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    assert driver.title.startswith("Error:")
    wait_for(driver, lambda d: d.switch_to.active_element.get_attribute("data-error-summary") is not None)
    link = driver.find_element(By.CSS_SELECTOR, "[data-error-summary] a")
    assert link.get_attribute("href").endswith("#expenses-0-amount")
    assert link.text == "Enter an amount in pounds and pence, like 12.50"
    assert driver.find_element(By.ID, "expenses-0-amount").get_attribute("value") == "£1e9"  # kept as typed
    run_axe(driver, axe_counter)
