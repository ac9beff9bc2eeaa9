"""Advance pages the registry cannot reach by loading a page: asking without JavaScript, and a
member of staff's empty question or changed amount without a reason."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from selenium.webdriver.common.by import By

from tests.a11y.conftest import _use_link, chrome, wait_for
from tests.a11y.test_axe import EVERY_WAY, run_axe


def _own_link(live_server, token: str) -> str:  # type: ignore[no-untyped-def]
    """A sign-in link of its own for Casey: links work once, and the session's contributor browser
    signs in with "a11y-contributor" whenever it is first needed."""
    from datetime import timedelta

    from app import db
    from app.account import service
    from app.account.models import Contributor

    with live_server.app.app_context():
        person = db.session().get(Contributor, 1)
        service.issue_sign_in(person.email, person, timedelta(days=1), token=token)
        db.session().commit()
    return token


def test_asking_for_money_before_you_travel_works_without_javascript(live_server) -> None:
    """(Axe needs scripts: the registry checks the same pages and error state with them on.)"""
    d = chrome(javascript=False)
    try:
        _use_link(d, live_server.url, _own_link(live_server, "a11y-advance-nojs"))
        d.get(f"{live_server.url}/account/claims?lang=en")
        d.find_element(By.CSS_SELECTOR, "main a[href='/account/advances/new']").click()
        d.find_element(By.CSS_SELECTOR, "input[name='activity'][value='other']").click()
        d.find_element(By.ID, "other_activity").send_keys("Leaflet group")
        d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        summary = wait_for(d, lambda d: d.find_element(By.CSS_SELECTOR, "[data-error-summary]"))
        assert "Enter the date of the meeting or activity" in summary.text
        assert d.find_element(By.ID, "other_activity").get_attribute("value") == "Leaflet group"
        soon = date.today() + timedelta(days=3)
        for part, value in (("day", soon.day), ("month", soon.month), ("year", soon.year)):
            d.find_element(By.ID, f"activity_date-{part}").send_keys(str(value))
        d.find_element(By.CSS_SELECTOR, "#kind option[value='parking']").click()
        d.find_element(By.ID, "amount").send_keys("6.50")
        d.find_element(By.ID, "reason").send_keys("Payday is after the meeting.")
        d.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        wait_for(d, lambda d: "/account/advances/TP-" in d.current_url)
        assert "Asked: waiting for the team" in d.find_element(By.TAG_NAME, "main").text
    finally:
        d.quit()


@pytest.mark.parametrize("way", EVERY_WAY)
def test_an_empty_question_on_an_advance_explains_itself(officer_browser, live_server, axe_counter, way) -> None:
    driver = officer_browser
    driver.get(f"{live_server.url}/staff/advances/1?lang={way}")
    driver.find_element(By.ID, "note").submit()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    run_axe(driver, axe_counter)


@pytest.mark.parametrize("way", EVERY_WAY)
def test_a_changed_advance_without_a_reason_explains_itself(officer_browser, live_server, axe_counter,
                                                            way) -> None:
    driver = officer_browser
    driver.get(f"{live_server.url}/staff/advances/1?lang={way}")
    amount = driver.find_element(By.ID, "amount")
    amount.clear()
    amount.send_keys("25.00")
    amount.submit()
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
    run_axe(driver, axe_counter)


def test_cash_on_the_day_is_recorded_and_confirmed_without_javascript(live_server) -> None:
    """Staff record cash (an empty form first: what to fix), then the person says they got it."""
    from app import db
    from app.claims.models import Advance
    from tests.a11y.conftest import sign_in_browser

    staff_driver, person_driver = chrome(javascript=False), chrome(javascript=False)
    try:
        sign_in_browser(staff_driver, live_server.url, "officer@example.org")
        staff_driver.get(f"{live_server.url}/staff/advances/cash/1?lang=en")
        staff_driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        summary = wait_for(staff_driver, lambda d: d.find_element(By.CSS_SELECTOR, "[data-error-summary]"))
        assert "Enter the amount given, like 20.00" in summary.text
        today = date.today()
        staff_driver.find_element(By.ID, "amount").send_keys("7.50")
        staff_driver.find_element(By.CSS_SELECTOR, "#kind option[value='parking']").click()
        for part, value in (("day", today.day), ("month", today.month), ("year", today.year)):
            staff_driver.find_element(By.ID, f"given_on-{part}").send_keys(str(value))
        staff_driver.find_element(By.ID, "note").send_keys("Car park at the hospital")
        staff_driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
        wait_for(staff_driver, lambda d: "Cash given: waiting for them to confirm" in d.find_element(
            By.TAG_NAME, "main").text and "/cash/" not in d.current_url)
        advance_id = int(staff_driver.current_url.rstrip("/").split("/")[-1].split("?")[0])
        with live_server.app.app_context():
            from datetime import timedelta as days

            from app.account import service
            from app.account.models import Contributor

            advance = db.session().get(Advance, advance_id)
            reference, person = advance.reference, db.session().get(Contributor, advance.contributor_id)
            service.issue_sign_in(person.email, person, days(days=1), token="a11y-cash-nojs")  # links work once
            db.session().commit()
        _use_link(person_driver, live_server.url, "a11y-cash-nojs")
        person_driver.get(f"{live_server.url}/account/advances/{reference}?lang=en")
        person_driver.find_element(By.CSS_SELECTOR, "main form button[name=answer][value=yes]").click()
        wait_for(person_driver, lambda d: "you told us you got it" in d.find_element(By.TAG_NAME, "main").text)
    finally:
        staff_driver.quit()
        person_driver.quit()
