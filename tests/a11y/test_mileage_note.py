"""The staff claim page's mileage note (a claim for an earlier date arrived after this one was
approved), in a real browser with axe, in English and Arabic. Its own app and database."""

from __future__ import annotations

from datetime import date

from selenium.webdriver.common.by import By
from sqlalchemy import select

from app import db
from app.account.models import Contributor
from app.claims import service
from app.staff.models import StaffUser
from tests.a11y.conftest import LiveServer, chrome, seeded_app, sign_in_browser
from tests.a11y.test_axe import run_axe


def test_the_mileage_note_on_an_approved_claim(tmp_path, axe_counter) -> None:  # type: ignore[no-untyped-def]
    app = seeded_app(tmp_path, "mileage_note")
    by = ("system", None, "a11y")
    with app.app_context():
        casey = db.session().scalar(select(Contributor).where(Contributor.email == "casey@example.org"))
        admin = db.session().scalar(select(StaffUser).where(StaffUser.role == "admin"))
        driving = [{"kind": "mileage", "vehicle": "car", "miles": "100", "passengers": "1"}]
        approved, _ = service.submit("a11y-mileage", casey, None, {"activity": "Leaflet group", "hours": "0",
                                                                   "activity_date": date(2026, 7, 1),
                                                                   "expenses": driving}, by)
        db.session().commit()
        service.transition(approved, "approved", admin)
        service.submit("a11y-late", casey, None, {"activity": "Training", "activity_date": date(2026, 6, 1),
                                                  "hours": "0", "expenses": driving * 100}, by)
        db.session().commit()
        claim_id = approved.id
    driver = chrome()
    try:
        with LiveServer(app) as server:
            sign_in_browser(driver, server.url, "admin@example.org")
            for locale in ("en", "ar"):
                driver.get(f"{server.url}/staff/claims/{claim_id}?lang={locale}")
                assert driver.find_element(By.ID, "mileage-now").is_displayed()
                run_axe(driver, axe_counter)
    finally:
        driver.quit()
