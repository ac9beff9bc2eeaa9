"""Issue 20, finding 8: the small things a careful person notices about money, each as they see it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from app import db
from app.account.models import Contributor
from app.claims.models import Claim
from tests.account.test_details import signed_in
from tests.claims.test_claim_journey import ACTIVITY, base, start
from tests.claims.test_claim_service import claim_for
from tests.conftest import ClientRequest


def _claim_started(app, **fields) -> tuple[ClientRequest, str, int]:  # type: ignore[no-untyped-def]
    cr, person_id = signed_in(app, **fields)
    url = base(start(cr))
    cr.post_redirect(f"{url}/activity", ACTIVITY)
    return cr, url, person_id


def test_the_tax_year_total_shows_fees_apart_from_expenses(app) -> None:
    cr, person_id = signed_in(app)
    with app.app_context():
        sam = db.session().get(Contributor, person_id)
        claim = claim_for(sam, date(2026, 5, 1), "k1", expenses=[{"kind": "parking", "pence": 350}])
        db.session().execute(update(Claim).where(Claim.id == claim.id).values(status="approved"))
        db.session().commit()
    text = cr.get("/account/claims?lang=en").text()
    assert "2026-27: fees £75.00, expenses £3.50" in text
    assert "£78.50" not in text.split("Approved so far")[1]


def test_the_payment_choice_starts_from_the_profile(app) -> None:
    cr, url, _ = _claim_started(app, payment_preference="voluntary")
    page = cr.get(f"{url}/time?lang=en")
    checked = [el.get("value") for el in page.doc.iter("input")
               if el.get("name") == "payment_choice" and el.get("checked") is not None]
    assert checked == ["waive"]


def test_a_sort_code_with_a_mistake_comes_back_exactly_as_typed(app) -> None:
    cr, _ = signed_in(app)
    page = cr.post("/account/details/bank?lang=en", {"account_name": "Sam Example", "sort_code": "30-94-5",
                                                      "account_number": "00733445", "roll_number": ""})
    assert [m for _, m in page.error_summary()] == ["Enter a valid sort code, like 30 94 52"]
    [box] = [el for el in page.doc.iter("input") if el.get("name") == "sort_code"]
    assert box.get("value") == "30-94-5"


def test_too_many_miles_in_one_row_says_the_limit(app) -> None:
    cr, url, _ = _claim_started(app)
    page = cr.post(f"{url}/expenses?lang=en", {"expenses-0-kind": "mileage", "expenses-0-vehicle": "car",
                                                "expenses-0-miles": "2500"})
    assert [m for _, m in page.error_summary()] == [
        "Enter 2,000 miles or fewer for one journey. For a longer one, add another expense."]
    page = cr.post(f"{url}/expenses?lang=en", {"expenses-0-kind": "mileage", "expenses-0-vehicle": "car",
                                                "expenses-0-miles": "far"})
    assert [m for _, m in page.error_summary()] == ["Enter the miles as a number, like 12"]
