"""Staff money pages: the rate card (admins add versions), the finance export and totals."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from app import db
from app.audit import AuditEvent
from app.claims import service
from app.claims.models import Claim
from tests.claims.test_export import approved_claims
from tests.claims.test_processing import staff_client


def test_an_admin_adds_an_uplift_and_a_local_rate_from_a_date(app) -> None:
    admin = staff_client(app, "admin")
    page = admin.get("/staff/rates?lang=en")
    assert "£75.00: about half a day, preparation required" in page.text() and "£75.00" in page.text()
    assert "45p a mile for the first 10,000 miles" in page.text()
    assert ("Up to 1.5 hours with little or no preparation is the first tier. Up to 1.5 hours with a lot of "
            "preparation, or up to 4.5 hours, is the second.") in page.text()
    empty = admin.post("/staff/rates?lang=en", {})
    assert [m for _, m in empty.error_summary()] == ["Enter the date the new rates start"]
    backdated = admin.post("/staff/rates?lang=en", {"effective_from-day": "1", "effective_from-month": "1",
                                                   "effective_from-year": "2021"})
    assert "must start after" in backdated.error_summary()[0][1]
    admin.post_redirect("/staff/rates", {"effective_from-day": "16", "effective_from-month": "12",
                                         "effective_from-year": "2025", "uplift": "10",
                                         "local_label": "Peer support hours", "local_kind": "hourly",
                                         "local_amount": "£15.50", "note": "NIHR uplift"})
    with app.app_context():
        card = service.rate_cards()[-1]
        assert card.effective_from == date(2025, 12, 16)
        assert card.rate("nihr_75").pence == 8250 and card.rate("local_peer_support_hours").pence == 1550
    assert "Peer support hours (Per hour)" in admin.get("/staff/rates?lang=en").text()


def test_only_admins_change_rates(app) -> None:
    officer = staff_client(app, "officer")
    assert officer.get("/staff/rates").find(".//form[@method='post']//input[@name='uplift']") is None
    officer.post("/staff/rates", {"effective_from-day": "16", "effective_from-month": "12",
                                  "effective_from-year": "2030"}, expected_status=403, token_from="/staff/")


def test_finance_exports_downloads_and_sees_totals(app) -> None:
    with app.app_context():
        approved_claims(app, ["Ann Example"])
    finance = staff_client(app, "finance")
    page = finance.get("/staff/finance?lang=en")
    assert "1 approved claim is ready to send, £78.50 in all." in page.text()
    finance.post_redirect("/staff/finance/export", {}, token_from="/staff/finance")
    page = finance.get("/staff/finance?lang=en")
    link = page.find(".//a[@href='/staff/finance/batches/1.csv']")
    assert link is not None and "0 approved claims are ready" in page.text()
    response = finance.client.get("/staff/finance/batches/1.csv")
    assert response.mimetype == "text/csv" and "attachment" in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[1][1] == "Ann Example" and rows[1][5] == "78.50"
    totals = finance.get("/staff/finance/totals?year=2026&lang=en")
    assert "Ann Example" in totals.text() and "£78.50" in totals.text()
    with app.app_context():
        assert db.session().scalar(select(Claim.status)) == "sent"
        assert db.session().scalar(select(AuditEvent).where(AuditEvent.action == "payment_batch.downloaded"))


def test_officers_cannot_export(app) -> None:
    officer = staff_client(app, "officer")
    officer.get("/staff/finance", expected_status=403)
    assert officer.client.get("/staff/finance/batches/1.csv").status_code == 403


def test_an_admin_sets_caps_receipt_limits_and_which_expenses_are_offered(app) -> None:
    admin = staff_client(app, "admin")
    form = {f"active-{code}": "yes" for code in ("public_transport", "taxi", "parking", "mileage", "food",
                                                 "accommodation", "dependant_care", "support_worker", "other")}
    bad = admin.post("/staff/rates/expenses?lang=en", form | {"cap-food": "lots"}, expected_status=400,
                     token_from="/staff/rates")
    assert bad.error_summary() == [("#cap-food", "Enter an amount in pounds and pence, like 12.50")]
    assert bad.by_id("cap-food").get("value") == "lots"
    admin.post_redirect("/staff/rates/expenses", form | {"cap-food": "£20", "receipt-parking": "5"},
                        token_from="/staff/rates")
    with app.app_context():
        rules = service.expense_rules()
        assert rules["food"].cap_pence == 2000 and rules["parking"].receipt_over_pence == 500
        assert "equipment" not in rules  # not offered any more
    from tests.account.test_details import signed_in
    from tests.claims.test_claim_journey import base, start

    person, _ = signed_in(app)
    url = base(start(person))
    person.post_redirect(f"{url}/expenses", {"add-expenses": "1"})
    options = [o.get("value") for o in person.get(f"{url}/expenses").doc.iter("option")]
    assert "equipment" not in options and "food" in options
    officer = staff_client(app, "officer")
    officer.post("/staff/rates/expenses", form, expected_status=403, token_from="/staff/rates")


def test_an_admin_adds_dated_mileage_rates_and_claims_use_them_from_that_day(app) -> None:
    from app.claims.models import ClaimLine
    from tests.claims.test_claim_service import claim_for, person

    admin = staff_client(app, "admin")
    page = admin.get("/staff/rates?lang=en")
    assert page.find(".//input[@name='car_pence']").get("value") == "45"  # offered as they are now
    form = {"mileage_from-day": "6", "mileage_from-month": "4", "mileage_from-year": "2027", "car_pence": "55",
            "car_threshold_miles": "10,000", "car_after_pence": "٢٥", "passenger_pence": "5",
            "motorcycle_pence": "24", "bicycle_pence": "abc"}
    bad = admin.post("/staff/rates/mileage?lang=en", form, expected_status=400, token_from="/staff/rates")
    assert [m for _, m in bad.error_summary()] == ["Enter a whole number, like 10"]
    assert bad.find(".//input[@name='car_pence']").get("value") == "55"  # nothing typed is lost
    early = admin.post("/staff/rates/mileage?lang=en", form | {"bicycle_pence": "20", "mileage_from-year": "2000"},
                       expected_status=400, token_from="/staff/rates")
    assert "must start after 06/04/2011" in early.error_summary()[0][1]
    admin.post_redirect("/staff/rates/mileage", form | {"bicycle_pence": "20"}, token_from="/staff/rates")
    assert "From 6 April 2027: cars and vans 55p a mile" in admin.get("/staff/rates?lang=en").text()
    officer = staff_client(app, "officer", email="o@example.org")
    officer.post("/staff/rates/mileage", form, expected_status=403, token_from="/staff/rates")
    with app.app_context():
        payee = person(app)
        before = claim_for(payee, date(2027, 4, 5), "a", expenses=[{"kind": "mileage", "miles": "10"}])
        after = claim_for(payee, date(2027, 4, 6), "b", expenses=[{"kind": "mileage", "miles": "10"}])
        pence = {line.claim_id: line.allowed_pence for line in db.session().scalars(select(ClaimLine))}
        assert (pence[before.id], pence[after.id]) == (450, 550)


@pytest.mark.parametrize("typed", ["£1e9", "lots", "-3"])
def test_a_bad_expense_rule_amount_is_explained_at_its_field_and_kept(app, typed: str) -> None:
    admin = staff_client(app, "admin")
    form = {"active-food": "yes", "cap-food": "£20", "receipt-parking": typed, "cap-taxi": "oops"}
    bad = admin.post("/staff/rates/expenses?lang=en", form, expected_status=400, token_from="/staff/rates")
    message = "Enter an amount in pounds and pence, like 12.50"
    assert bad.error_summary() == [("#cap-taxi", message), ("#receipt-parking", message)]  # page order
    field = bad.by_id("receipt-parking")
    assert field.get("value") == typed and field.get("aria-invalid") == "true"
    assert message in "".join(bad.by_id("receipt-parking-error").itertext())
    assert bad.by_id("cap-food").get("value") == "£20" and bad.by_id("cap-taxi").get("value") == "oops"
    assert bad.by_id("active-food").get("checked") is not None  # the boxes as they were sent
    assert bad.by_id("active-parking").get("checked") is None
    with app.app_context():
        rules = service.expense_rules()
        assert "parking" in rules and rules["food"].cap_pence != 2000  # nothing saved
