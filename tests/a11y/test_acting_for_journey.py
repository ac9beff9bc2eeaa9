"""A supporter's journey in a real browser, with axe on every page, in English and Arabic (right to left):
added by the person, acting for them, permission narrowed, withdrawn in the middle of a form, and
the person telling the team privately. Its own app and database: the journey changes the links.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from app import db
from app.account import service as accounts
from app.account.models import SupportLink
from app.staff.models import StaffTask
from tests.a11y.conftest import LiveServer, _use_link, chrome, seeded_app, wait_for
from tests.a11y.test_axe import run_axe


def _submit(driver) -> None:  # type: ignore[no-untyped-def]
    driver.find_element(By.CSS_SELECTOR, "main form[method=post] button[type=submit]:not([name])").click()


def _tick(driver, name: str, *values: str) -> None:  # type: ignore[no-untyped-def]
    for value in values:
        driver.find_element(By.CSS_SELECTOR, f"input[name='{name}'][value='{value}']").click()


def _start_claim_for_them(driver, base: str, locale: str) -> None:  # type: ignore[no-untyped-def]
    """"Fill in forms for …" on the supporters page, then a new claim for that person."""
    driver.get(f"{base}/account/supporters?lang={locale}")
    driver.find_element(By.CSS_SELECTOR, "form[action$='/account/acting-for'] button").click()
    wait_for(driver, lambda d: d.current_url.split("?")[0].endswith("/account/"))
    driver.get(f"{base}/claims/new?lang={locale}")
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, "input[name='for_whom']"))
    _submit(driver)
    wait_for(driver, lambda d: d.current_url.split("?")[0].endswith("/activity"))


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_a_supporters_journey(tmp_path, axe_counter, locale: str) -> None:  # type: ignore[no-untyped-def]
    app = seeded_app(tmp_path, f"journey_{locale}")
    person, helper = chrome(), chrome()
    try:
        with LiveServer(app) as server:
            base = server.url
            _use_link(person, base, "a11y-contributor")  # Casey
            # Added: Casey lets Dana fill in forms and see claims.
            person.get(f"{base}/account/supporters/new?lang={locale}")
            person.find_element(By.ID, "name").send_keys("Dana Friend")
            person.find_element(By.ID, "email").send_keys("dana@example.org")
            _tick(person, "relationship", "friend")
            _tick(person, "permissions", "fill_forms", "see_claims")
            _tick(person, "agree", "yes")
            _submit(person)
            wait_for(person, lambda d: "/account/supporters" in d.current_url and "/new" not in d.current_url)
            run_axe(person, axe_counter)
            with app.app_context():
                dana = accounts.find_by_email("dana@example.org")
                link_id = db.session().scalar(select(SupportLink.id).where(SupportLink.supporter_id == dana.id))
                accounts.issue_sign_in(dana.email, dana, timedelta(days=1), token=f"journey-dana-{locale}")
                db.session().commit()
            # Acting: Dana fills in forms for Casey and starts a claim.
            _use_link(helper, base, f"journey-dana-{locale}")
            _start_claim_for_them(helper, base, locale)
            draft = helper.current_url.split("?")[0]
            run_axe(helper, axe_counter)
            # Narrowed: Casey lets Dana only see claims (an empty choice explains itself first).
            person.get(f"{base}/account/supporters/{link_id}/change?lang={locale}")
            for box in person.find_elements(By.CSS_SELECTOR, "input[name='permissions']:checked"):
                box.click()
            _submit(person)
            wait_for(person, lambda d: d.find_elements(By.CSS_SELECTOR, "[data-error-summary]"))
            run_axe(person, axe_counter)
            _tick(person, "permissions", "see_claims")
            _submit(person)
            wait_for(person, lambda d: "/change" not in d.current_url)
            helper.get(f"{draft}?lang={locale}")  # her next click: the draft is closed to her
            assert helper.find_element(By.TAG_NAME, "html").get_attribute("dir") == ("rtl" if locale == "ar" else "ltr")
            assert helper.find_elements(By.CSS_SELECTOR, "input[name='other_activity']") == []
            run_axe(helper, axe_counter)
            # Withdrawn mid-draft: allowed again, Dana starts afresh; Casey stops her before she sends.
            with app.app_context():
                accounts.change_supporter(db.session().get(SupportLink, link_id), ["fill_forms", "see_claims"],
                                          ("system", None, "journey"))
            _start_claim_for_them(helper, base, locale)
            second = helper.current_url.split("?")[0]
            person.get(f"{base}/account/supporters?lang={locale}")
            person.find_element(By.CSS_SELECTOR, f"form[action$='/account/supporters/{link_id}/withdraw'] button").click()
            wait_for(person, lambda d: d.find_elements(By.CSS_SELECTOR, ".flash"))
            helper.get(f"{second.rsplit('/', 1)[0]}/check?lang={locale}")
            assert helper.find_elements(By.CSS_SELECTOR, "input[name='declare']") == []
            run_axe(helper, axe_counter)
            # Privately reported: Casey tells the team; Dana's pages show no sign of it.
            person.get(f"{base}/account/supporters/help?lang={locale}")
            run_axe(person, axe_counter)
            person.find_element(By.ID, "message").send_keys("Please phone me, not Dana.")
            _submit(person)
            wait_for(person, lambda d: d.find_elements(By.CSS_SELECTOR, ".flash"))
            run_axe(person, axe_counter)
            helper.get(f"{base}/account/?lang={locale}")
            assert "Please phone me" not in helper.page_source
            with app.app_context():
                assert "Please phone me, not Dana." in db.session().scalars(
                    select(StaffTask.detail).where(StaffTask.kind == "private_help")).all()
    finally:
        person.quit()
        helper.quit()
        app.extensions["db_engine"].dispose()
