"""Meeting states the registry cannot reach by loading a page: staff form errors that answer 400."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from tests.a11y.conftest import wait_for
from tests.a11y.test_axe import EVERY_WAY, run_axe


@pytest.mark.parametrize("way", EVERY_WAY)
def test_an_empty_you_said_we_did_explains_itself(officer_browser, live_server, axe_counter, way) -> None:
    driver = officer_browser
    driver.get(f"{live_server.url}/staff/meetings/1?lang={way}")
    driver.find_element(By.ID, "you_said").submit()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    assert driver.find_element(By.ID, "you_said").get_attribute("aria-invalid") == "true"
    run_axe(driver, axe_counter)


@pytest.mark.parametrize("way", EVERY_WAY)
def test_redacting_words_that_are_not_there_explains_itself(officer_browser, live_server, axe_counter,
                                                            way) -> None:
    driver = officer_browser
    driver.get(f"{live_server.url}/staff/meetings/3/feedback?lang={way}")  # closed: its words are shown
    driver.find_element(By.CSS_SELECTOR, "main details summary").click()
    words = driver.find_element(By.CSS_SELECTOR, "input[name='words']")
    words.send_keys("not in the comment")
    driver.find_element(By.CSS_SELECTOR, "input[name='reason']").send_keys("A name")
    words.submit()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    assert driver.find_element(By.ID, "words").get_attribute("value") == "not in the comment"  # kept
    run_axe(driver, axe_counter)
