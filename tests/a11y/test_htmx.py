"""htmx enhances a page in place: the same handler, focus and announcements handled."""

from __future__ import annotations

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
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


def test_character_count_updates_as_people_type(live_server, browser) -> None:
    d = browser
    d.get(f"{live_server.url}/_test/components?lang=en&easy-read=off")
    count = d.find_element(By.ID, "story-count")
    area = d.find_element(By.ID, "story")
    area.send_keys("x" * 10)
    wait_for(d, lambda d: count.text == "You have 490 characters remaining")
    area.send_keys("y" * 495)
    wait_for(d, lambda d: count.text == "You have 5 characters too many")
    assert "over" in count.get_attribute("class")
    area.send_keys(Keys.BACKSPACE * 6)
    wait_for(d, lambda d: count.text == "You have 1 character remaining")


def test_character_count_uses_the_languages_plural_forms(live_server, browser) -> None:
    d = browser
    d.get(f"{live_server.url}/_test/components?lang=ur&easy-read=off")
    count = d.find_element(By.ID, "story-count")
    area = d.find_element(By.ID, "story")
    area.send_keys("x" * 499)
    wait_for(d, lambda d: count.text == "آپ کے پاس 1 حرف باقی ہے")
    area.send_keys("x")
    wait_for(d, lambda d: count.text == "آپ کے پاس 0 حروف باقی ہیں")


def test_a_second_press_does_not_send_the_form_twice(live_server, browser) -> None:
    d = browser
    d.get(f"{live_server.url}/_test/components?lang=en")
    form = d.find_element(By.CSS_SELECTOR, "main form[method=post]")
    # Two submit events in a row, as from a double press. A window listener runs after
    # app.js's document listener: it counts the submissions app.js let through (and
    # stops navigation so the page stays to be inspected).
    sent = d.execute_script(
        "var f = arguments[0]; var n = 0;"
        "window.addEventListener('submit', function (e) { if (!e.defaultPrevented) n++; e.preventDefault(); });"
        "f.dispatchEvent(new Event('submit', {bubbles: true, cancelable: true}));"
        "f.dispatchEvent(new Event('submit', {bubbles: true, cancelable: true}));"
        "return n;", form)
    assert sent == 1
