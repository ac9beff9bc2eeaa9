"""Issue 20, finding 8: the small things a careful person notices about money, each as they see it."""

from __future__ import annotations

from datetime import date

from sqlalchemy import update

from app import db
from app.account.models import Contributor
from app.claims.models import Claim
from tests.account.test_details import signed_in
from tests.claims.test_claim_journey import ACTIVITY, base, start
from tests.claims.test_claim_service import claim_for, person
from tests.claims.test_processing import staff_client
from tests.conftest import ClientRequest


def _claim_started(app, **fields) -> tuple[ClientRequest, str, int]:  # type: ignore[no-untyped-def]
    cr, person_id = signed_in(app, **fields)
    url = base(start(cr))
    cr.post_redirect(f"{url}/activity", ACTIVITY)
    return cr, url, person_id


def _field_shown(page, name: str) -> bool:  # type: ignore[no-untyped-def]
    """Whether the box called ``name`` is on the page and not inside anything hidden."""
    parents = {child: parent for parent in page.doc.iter() for child in parent}
    found = next((el for el in page.doc.iter() if el.get("name") == name), None)
    while found is not None and found.get("hidden") is None:
        found = parents.get(found)
    return found is None and any(el.get("name") == name for el in page.doc.iter())


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


def test_an_expense_shows_only_the_boxes_its_kind_needs_without_javascript(app) -> None:
    cr, url, _ = _claim_started(app)
    page = cr.post(f"{url}/expenses?lang=en", {"expenses-0-kind": "public_transport", "expenses-0-amount": ""})
    assert [m for _, m in page.error_summary()] == ["Enter the amount, like 4.50"]
    assert _field_shown(page, "expenses-0-amount") and _field_shown(page, "expenses-0-description")
    for name in ("vehicle", "miles", "passengers"):
        assert not _field_shown(page, f"expenses-0-{name}"), name
    page = cr.post(f"{url}/expenses?lang=en", {"expenses-0-kind": "mileage", "expenses-0-vehicle": "car"})
    assert [m for _, m in page.error_summary()] == ["Enter the miles as a number, like 12"]
    assert not _field_shown(page, "expenses-0-amount")
    for name in ("vehicle", "miles", "passengers", "description"):
        assert _field_shown(page, f"expenses-0-{name}"), name
    # A row not yet given a kind shows every box, so one press of Continue is enough.
    page = cr.post(f"{url}/expenses?lang=en", {"expenses-0-kind": "", "expenses-0-amount": "3"})
    assert all(_field_shown(page, f"expenses-0-{n}") for n in ("amount", "vehicle", "miles", "passengers"))


def test_a_hidden_box_left_over_from_another_kind_is_not_counted(app) -> None:
    cr, url, _ = _claim_started(app)
    cr.post_redirect(f"{url}/time", {"hours": "0", "preparation": "none", "payment_choice": "paid"})
    cr.post_redirect(f"{url}/expenses", {"expenses-0-kind": "public_transport", "expenses-0-amount": "4.50",
                                         "expenses-0-vehicle": "car", "expenses-0-miles": "lots",
                                         "expenses-0-passengers": "many"})
    assert "£4.50" in cr.get(f"{url}/check?lang=en").text()


def test_without_javascript_the_time_page_shows_the_fee_once_hours_are_given(app) -> None:
    cr, url, _ = _claim_started(app)
    assert "Fill in the hours to see it." in cr.get(f"{url}/time?lang=en").text()
    page = cr.post(f"{url}/time?lang=en", {"hours": "3", "preparation": "some"})
    assert [m for _, m in page.error_summary()] == ["Choose whether you would like to be paid"]
    assert "Up to about half a day, or it needed getting ready: £75.00." in page.text()
    page = cr.post(f"{url}/time?lang=en", {"hours": "0", "preparation": "none"})  # expenses only
    assert "Fill in the hours to see it." not in page.text()
    assert "No fee: 0 hours, so this claim is for expenses only." in page.text()
    assert "No fee: 0 hours" in cr.get(f"{url}/time?lang=en").text()


def test_the_staff_claim_page_says_passengers_history_and_times_in_words(app) -> None:
    with app.app_context():
        sam = person(app)
        claim_id = claim_for(sam, date(2026, 5, 1), "k", expenses=[
            {"kind": "mileage", "vehicle": "car", "miles": 10, "passengers": 2, "pence": 0}]).id
    officer = staff_client(app, "officer")
    text = officer.get(f"/staff/claims/{claim_id}?lang=en").text()
    assert "(Car or van · Miles: 10 · 2 passengers)" in text
    history = text.split("History")[-1]
    assert "claim.submitted" not in history and "Claim sent" in history
    assert "(test)" not in history
    import re

    assert re.search(r"\d{1,2}:\d{2}:\d{2}", text) is None  # no seconds on any time
