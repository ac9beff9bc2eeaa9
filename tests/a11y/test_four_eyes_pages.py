"""Four eyes on money in a real browser, with axe on every page, in English and Arabic: an officer
enters bank details for Casey (they wait), cannot then decide Casey's claim, an administrator raises
a fee (it waits for a second approver) and approves the bank details. Its own app and database.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from app import db
from app.account import service as accounts
from app.account.models import Contributor
from app.claims.models import Claim
from tests.a11y.conftest import LiveServer, chrome, seeded_app, sign_in_browser, wait_for
from tests.a11y.test_axe import run_axe


def _flash(driver) -> None:  # type: ignore[no-untyped-def]
    wait_for(driver, lambda d: d.find_elements(By.CSS_SELECTOR, ".flash"))


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_four_eyes_pages(tmp_path, axe_counter, locale: str) -> None:  # type: ignore[no-untyped-def]
    app = seeded_app(tmp_path, f"four_eyes_{locale}")
    with app.app_context():
        casey = db.session().scalar(select(Contributor).where(Contributor.email == "casey@example.org"))
        claim_id = db.session().scalar(select(Claim.id).where(Claim.contributor_id == casey.id,
                                                              Claim.status == "submitted"))
        casey_id = casey.id
    officer, admin = chrome(), chrome()
    try:
        with LiveServer(app) as server:
            base = server.url
            sign_in_browser(officer, base, "officer@example.org")
            sign_in_browser(admin, base, "admin@example.org")
            # An officer, on the phone with Casey, enters new bank details: they wait.
            officer.get(f"{base}/staff/contributors/{casey_id}?lang={locale}")
            officer.find_element(By.CSS_SELECTOR, f"form[action$='/staff/contributors/{casey_id}/act'] button").click()
            wait_for(officer, lambda d: d.current_url.split("?")[0].endswith("/account/"))
            officer.get(f"{base}/account/details/bank?lang={locale}")
            for field, value in (("account_name", "C Person"), ("sort_code", "309452"),
                                 ("account_number", "12345678")):
                officer.find_element(By.ID, field).send_keys(value)
            officer.find_element(By.CSS_SELECTOR, "main form[method=post] button[type=submit]").click()
            _flash(officer)
            run_axe(officer, axe_counter)
            officer.get(f"{base}/staff/contributors/{casey_id}?lang={locale}")
            assert officer.find_elements(By.ID, "bank-change")
            run_axe(officer, axe_counter)
            # Having acted for Casey, the officer may not decide Casey's claim.
            officer.get(f"{base}/staff/claims/{claim_id}?lang={locale}")
            assert officer.find_elements(By.CSS_SELECTOR, "input[name='allowed-fee']") == []
            run_axe(officer, axe_counter)
            # An administrator raises the fee: it waits for a second approver.
            admin.get(f"{base}/staff/claims/{claim_id}?lang={locale}")
            fee = admin.find_element(By.ID, "allowed-fee")
            fee.clear()
            fee.send_keys("999.00")
            admin.find_element(By.ID, "reason-fee").send_keys("extra work")
            fee.submit()
            wait_for(admin, lambda d: d.find_elements(By.ID, "second-approval"))
            run_axe(admin, axe_counter)
            # ... and approves the bank details the officer entered.
            admin.get(f"{base}/staff/contributors/{casey_id}?lang={locale}")
            admin.find_element(By.CSS_SELECTOR, "#bank-change form button").click()
            _flash(admin)
            run_axe(admin, axe_counter)
            with app.app_context():
                assert accounts.bank_details(db.session().get(Contributor, casey_id))["account_number"] == "12345678"
                assert db.session().get(Claim, claim_id).status == "submitted"
    finally:
        officer.quit()
        admin.quit()
        app.extensions["db_engine"].dispose()
