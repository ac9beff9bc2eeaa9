"""The switchers work with Tab and Enter alone; pages and forms work without JavaScript."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.a11y.conftest import sign_in_browser, wait_for


def tab_to(driver, predicate, limit: int = 40):  # type: ignore[no-untyped-def]
    body = driver.find_element(By.TAG_NAME, "body")
    body.click()
    for _ in range(limit):
        driver.switch_to.active_element.send_keys(Keys.TAB)
        el = driver.switch_to.active_element
        if predicate(el):
            return el
    raise AssertionError("could not reach the element with the Tab key")


def test_language_and_easy_read_switchers_work_with_keyboard_only(live_server, browser) -> None:
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"

    skip = tab_to(browser, lambda el: el.get_attribute("class") == "skip-link")
    assert skip.is_displayed()  # the skip link becomes visible on focus

    # The language menu opens with Enter and lists every language in its own name.
    menu = tab_to(browser, lambda el: el.tag_name == "summary")
    assert "English" in menu.text
    menu.send_keys(Keys.ENTER)
    welsh = tab_to(browser, lambda el: el.get_attribute("lang") == "cy" and el.tag_name == "a")
    welsh.send_keys(Keys.ENTER)
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "cy"

    switch = tab_to(browser, lambda el: el.get_attribute("id") == "easy-read-switch")
    switch.send_keys(Keys.ENTER)
    assert "easy-read" in browser.find_element(By.TAG_NAME, "body").get_attribute("class")
    assert browser.find_elements(By.CSS_SELECTOR, ".easy-read-point")

    # Both choices are remembered on the next page.
    browser.get(f"{live_server.url}/accessibility")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "cy"
    assert "easy-read" in browser.find_element(By.TAG_NAME, "body").get_attribute("class")

    tab_to(browser, lambda el: el.tag_name == "summary").send_keys(Keys.ENTER)
    arabic = tab_to(browser, lambda el: el.get_attribute("lang") == "ar" and el.tag_name == "a")
    arabic.send_keys(Keys.ENTER)
    html = browser.find_element(By.TAG_NAME, "html")
    assert (html.get_attribute("lang"), html.get_attribute("dir")) == ("ar", "rtl")
    # Right to left for real: the brand sits on the right of the header.
    brand = browser.find_element(By.CSS_SELECTOR, ".brand")
    assert brand.location["x"] > browser.get_window_size()["width"] / 3
    browser.delete_all_cookies()


def test_focus_is_visible_on_links(live_server, browser) -> None:
    browser.delete_all_cookies()
    browser.get(f"{live_server.url}/")
    tab_to(browser, lambda el: el.tag_name == "summary").send_keys(Keys.ENTER)
    link = tab_to(browser, lambda el: el.get_attribute("lang") == "pl" and el.tag_name == "a")
    outline = browser.execute_script("return getComputedStyle(arguments[0]).outlineStyle", link)
    assert outline == "solid"


def test_staff_can_sign_in_and_see_errors_without_javascript(live_server, nojs_browser) -> None:
    d = nojs_browser
    d.get(f"{live_server.url}/staff/sign-in?lang=en")
    d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    summary = wait_for(d, lambda d: d.find_element(By.CSS_SELECTOR, "[data-error-summary]"))
    assert "Enter your email address" in summary.text
    # With scripts off, nothing moved focus to the summary: proof app.js did not run.
    assert d.switch_to.active_element.get_attribute("data-error-summary") is None
    sign_in_browser(d, live_server.url, "admin@example.org")
    d.get(f"{live_server.url}/staff/accounts/new")
    d.find_element(By.ID, "name").send_keys("Kept Name")
    d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    summary = wait_for(d, lambda d: d.find_element(By.CSS_SELECTOR, "[data-error-summary]"))
    assert "Choose what they will do" in summary.text
    assert d.find_element(By.ID, "name").get_attribute("value") == "Kept Name"
    # The language menu opens without JavaScript, and each language is a plain link.
    d.find_element(By.CSS_SELECTOR, "details.lang-menu summary").click()
    d.find_element(By.CSS_SELECTOR, "a[lang=bn]").click()
    wait_for(d, lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "bn")


def test_the_open_language_menu_fits_a_phone_and_passes_axe(live_server, browser, axe_counter) -> None:
    from tests.a11y.test_axe import run_axe

    for query in ("lang=ar&easy-read=on", "lang=bn&easy-read=off"):
        browser.get(f"{live_server.url}/accessibility?{query}")
        browser.find_element(By.CSS_SELECTOR, "details.lang-menu summary").click()
        links = browser.find_elements(By.CSS_SELECTOR, "details.lang-menu[open] nav a")
        assert len(links) == 6 and all(link.is_displayed() for link in links)
        width = browser.execute_script("return document.documentElement.clientWidth")
        assert all(0 <= link.rect["x"] and link.rect["x"] + link.rect["width"] <= width for link in links)
        run_axe(browser, axe_counter)
    browser.delete_all_cookies()
