"""The "support now" edit page's error state: an empty English list and a row without a name, in a
left-to-right and a right-to-left language (the registry page is never empty, so an empty submit
would save it)."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.wait import WebDriverWait

from tests.a11y.test_axe import run_axe


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_the_support_list_s_errors_are_accessible(admin_browser, live_server, axe_counter, locale: str) -> None:
    driver = admin_browser
    driver.get(f"{live_server.url}/staff/support-now/en?lang={locale}&easy-read=off")
    for box in driver.find_elements(By.CSS_SELECTOR, "main form input[type=text]"):
        box.clear()
    driver.find_element(By.ID, "how_2").send_keys("111")
    driver.find_element(By.CSS_SELECTOR, "main form[method=post] button[type=submit]").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    assert driver.switch_to.active_element.get_attribute("data-error-summary") is not None
    assert len(driver.find_elements(By.CSS_SELECTOR, "[data-error-summary] a")) == 2
    run_axe(driver, axe_counter)
