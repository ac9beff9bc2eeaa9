"""Making a claim on a phone: pages that save, the fee as you go, receipts, sending once, your claims."""

from __future__ import annotations

import io
from datetime import date, timedelta

from PIL import Image
from sqlalchemy import select

from app import db
from app.account import service as accounts
from app.account.models import Contributor
from app.claims.models import Claim, ClaimLine, Receipt
from tests.account.test_details import signed_in
from tests.account.test_supporters import person_with_helper
from tests.claims.test_receipts import GPS_IFD, photo
from tests.conftest import ClientRequest, text_of

DAY = date.today() - timedelta(days=3)
ACTIVITY = {"activity": "other", "other_activity": "Leaflet group",
            "activity_date-day": str(DAY.day), "activity_date-month": str(DAY.month),
            "activity_date-year": str(DAY.year)}
TIME = {"hours": "3", "preparation": "some", "payment_choice": "paid"}


def start(cr: ClientRequest) -> str:
    """Start a claim; returns the draft's first page."""
    location = cr.get_redirect("/claims/new")
    if location.startswith("/account/forms/new/"):
        location = cr.get_redirect(location)
    return location


def base(location: str) -> str:
    return location.rsplit("/", 1)[0]


def test_a_claim_from_start_to_sent_with_the_fee_explained(app) -> None:
    cr, person_id = signed_in(app)
    with app.app_context():
        accounts.save_bank_details(db.session().get(Contributor, person_id), {
            "account_name": "S Example", "sort_code": "309452", "account_number": "00733445", "roll_number": ""},
            ("system", None, "test"))
    first = start(cr)
    assert first.endswith("/activity")
    url = base(first)
    assert cr.post_redirect(f"{url}/activity", ACTIVITY) == f"{url}/time"
    cr.post_redirect(f"{url}/time", TIME)
    time_page = cr.get(f"{url}/time?lang=en")
    assert "Up to about half a day, or it needed getting ready: £75.00." in time_page.text()
    # Expenses: add a row, fill it, add another, remove it.
    cr.post_redirect(f"{url}/expenses", {"add-expenses": "1"})
    cr.post_redirect(f"{url}/expenses", {"expenses-0-kind": "mileage", "expenses-0-vehicle": "car",
                                         "expenses-0-miles": "12", "add-expenses": "1"})
    cr.post_redirect(f"{url}/expenses", {"expenses-0-kind": "mileage", "expenses-0-vehicle": "car",
                                         "expenses-0-miles": "12", "expenses-1-kind": "parking",
                                         "expenses-1-amount": "£3.50"})
    files = {"files": [(io.BytesIO(photo()), "IMG_0001.jpg"), (io.BytesIO(b"not a photo"), "virus.jpg")]}
    page = cr.post(f"{url}/receipts?lang=en", files | {"add": "1"}, content_type="multipart/form-data")
    assert [m for _, m in page.error_summary()] == [
        "“virus.jpg” is not a photo or PDF. Choose a JPG, PNG, HEIC or PDF file."]
    check = cr.get(f"{url}/check?lang=en")
    assert "Leaflet group" in check.text() and "Total: £83.90" in check.text()  # 75 + 12 x 45p + 3.50
    assert "****3445" in check.text()
    assert cr.post(f"{url}/check?lang=en", {}).error_summary()[0][1] == \
        "Tick the box to say what you have told us is true"
    assert cr.post_redirect(f"{url}/check", {"declare": "yes"}) == f"{url}/done"
    # A second tap (or a retry) does not make a second claim.
    token = cr.csrf_token(f"{url}/done")
    again = cr.client.post(f"{url}/check", data={"declare": "yes", "csrf_token": token})
    assert again.status_code == 303 and again.headers["Location"].endswith("/done")
    with app.app_context():
        [claim] = db.session().scalars(select(Claim)).all()
        assert (claim.fee_pence, claim.expenses_pence, claim.contributor_id) == (7500, 890, person_id)
        assert [line.kind for line in db.session().scalars(select(ClaimLine).order_by(ClaimLine.position))] == [
            "mileage", "parking"]
        [receipt] = db.session().scalars(select(Receipt)).all()
        assert receipt.claim_id == claim.id and receipt.draft_id is None
    done = cr.get(f"{url}/done?lang=en")
    assert claim.reference in done.text() and "within 14 days" in done.text()
    mine = cr.get("/account/claims?lang=en")
    assert "Leaflet group" in mine.text() and "Sent: waiting for the team" in mine.text()
    stored = cr.client.get(f"/account/claims/{claim.reference}/receipts/{receipt.id}")
    assert stored.mimetype == "image/jpeg" and stored.headers["X-Content-Type-Options"] == "nosniff"
    with Image.open(io.BytesIO(stored.data)) as image:
        assert not image.getexif().get_ifd(GPS_IFD)  # the stored file has no location


def test_bad_answers_keep_what_was_typed(app) -> None:
    cr, _ = signed_in(app)
    url = base(start(cr))
    future = date.today() + timedelta(days=5)
    page = cr.post(f"{url}/activity?lang=en", ACTIVITY | {"activity_date-day": str(future.day),
                                                          "activity_date-month": str(future.month),
                                                          "activity_date-year": str(future.year)})
    assert [m for _, m in page.error_summary()] == ["The date must be today or in the past"]
    assert page.by_id("other_activity").get("value") == "Leaflet group"
    hours = cr.post(f"{url}/time?lang=en", TIME | {"hours": "lots"})
    assert [m for _, m in hours.error_summary()] == ["Enter the hours as a number from 0 to 24, like 1.5"]
    assert hours.by_id("hours").get("value") == "lots"
    arabic = cr.post_redirect(f"{url}/time", TIME | {"hours": "٢٫٥"})  # Arabic-Indic digits are understood
    assert arabic.endswith("/expenses")


def test_a_supporter_claims_for_the_person_who_is_paid(app) -> None:
    _person, person_id, helper, helper_id = person_with_helper(app)
    location = helper.get_redirect("/claims/new")
    assert location == "/account/forms/new/claim"
    draft_page = helper.post_redirect(location, {"for_whom": str(person_id)})
    url = base(draft_page)
    helper.post_redirect(f"{url}/activity", ACTIVITY)
    helper.post_redirect(f"{url}/time", TIME)
    check = helper.get(f"{url}/check?lang=en")
    assert "Payment goes to them" in check.text() and "has not given bank details yet" in check.text()
    helper.post_redirect(f"{url}/check", {"declare": "yes"})
    with app.app_context():
        claim = db.session().scalar(select(Claim))
        assert (claim.contributor_id, claim.submitted_by_id) == (person_id, helper_id)


def test_nobody_sees_another_persons_claim_or_receipt(app) -> None:
    cr, _ = signed_in(app)
    url = base(start(cr))
    cr.post_redirect(f"{url}/activity", ACTIVITY)
    cr.post_redirect(f"{url}/time", TIME)
    upload = cr.client.post(f"{url}/receipts", data={"files": [(io.BytesIO(photo()), "r.jpg")], "add": "1",
                                                      "csrf_token": cr.csrf_token(f"{url}/receipts")},
                            content_type="multipart/form-data")
    assert upload.status_code == 302
    cr.post_redirect(f"{url}/check", {"declare": "yes"})
    with app.app_context():
        claim = db.session().scalar(select(Claim))
        receipt = db.session().scalar(select(Receipt))
    other, _ = signed_in(app, email="other@example.org")
    other.get(f"/account/claims/{claim.reference}", expected_status=404)
    assert other.client.get(f"/account/claims/{claim.reference}/receipts/{receipt.id}").status_code == 404
    other.get(f"{url}/activity", expected_status=404)  # nor their draft


def test_roles_the_person_is_interested_in_are_offered_first(app) -> None:
    from tests.interests.helpers import published_role, send, walk

    role_id = published_role(app, title="Crisis leaflet group")
    cr, person_id = signed_in(app)
    walk(cr, role_id, {"contact": {}})
    send(cr, role_id)
    page = cr.get(base(start(cr)) + "/activity?lang=en")
    labels = [el.get("value") for el in page.doc.iter("input") if el.get("name") == "activity"]
    assert labels == [str(role_id), "other"] and "Crisis leaflet group" in page.text()


def test_receipts_belong_to_the_expense_they_were_added_for(app) -> None:
    from tests.claims.test_processing import staff_client

    cr, person_id = signed_in(app)
    url = base(start(cr))
    cr.post_redirect(f"{url}/activity", ACTIVITY)
    cr.post_redirect(f"{url}/time", TIME)
    cr.post_redirect(f"{url}/expenses", {"expenses-0-kind": "parking", "expenses-0-amount": "3.50",
                                         "expenses-1-kind": "taxi", "expenses-1-amount": "12",
                                         "expenses-1-description": "No bus on Sunday"})
    page = cr.get(f"{url}/receipts?lang=en")
    labels = [text_of(label) for label in page.findall(".//fieldset//label")]
    assert labels == ["Parking, £3.50", "Taxi: No bus on Sunday, £12.00", "More than one, or I am not sure"]
    cr.post_redirect(f"{url}/receipts", {"files": [(io.BytesIO(photo()), "taxi.jpg")], "line": "1", "add": "1"},
                     content_type="multipart/form-data")
    assert "For: Taxi: No bus on Sunday, £12.00" in cr.get(f"{url}/receipts?lang=en").text()
    cr.post_redirect(f"{url}/check", {"declare": "yes"})
    with app.app_context():
        claim = db.session().scalar(select(Claim))
        [receipt] = db.session().scalars(select(Receipt)).all()
        assert receipt.line_position == 1 and receipt.claim_id == claim.id
    officer = staff_client(app, "officer")
    staff_page = officer.get(f"/staff/claims/{claim.id}?lang=en")
    [taxi] = [li for li in staff_page.findall(".//ul[@class='card-list']/li") if "Taxi" in text_of(li)]
    assert "Receipts: taxi.jpg" in text_of(taxi) and "Other receipts" not in staff_page.text()


def test_removing_an_expense_asks_again_what_each_receipt_is_for(app) -> None:
    cr, _ = signed_in(app)
    url = base(start(cr))
    cr.post_redirect(f"{url}/expenses", {"expenses-0-kind": "parking", "expenses-0-amount": "3.50",
                                         "expenses-1-kind": "taxi", "expenses-1-amount": "12",
                                         "expenses-1-description": "Late"})
    cr.post_redirect(f"{url}/receipts", {"files": [(io.BytesIO(photo()), "taxi.jpg")], "line": "1", "add": "1"},
                     content_type="multipart/form-data")
    cr.post_redirect(f"{url}/expenses", {"expenses-0-kind": "parking", "expenses-0-amount": "3.50",
                                         "expenses-1-kind": "taxi", "expenses-1-amount": "12",
                                         "remove-expenses": "0"})
    with app.app_context():
        assert db.session().scalar(select(Receipt.line_position)) is None
    assert "For:" not in cr.get(f"{url}/receipts?lang=en").text()


# --- a date before the first rate card (issue 20, finding 4) ------------------------------------------

EARLY = {"activity_date-day": "31", "activity_date-month": "12", "activity_date-year": "2021"}


def test_a_date_before_the_first_rate_card_is_a_clear_message_never_an_error_page(app) -> None:
    cr, _ = signed_in(app)
    url = base(start(cr))
    page = cr.post(f"{url}/activity?lang=en", ACTIVITY | EARLY)
    assert page.error_summary() == [
        ("#activity_date-day", "We cannot pay for dates before 1 January 2022. Contact the team.")]
    assert page.by_id("activity_date-year").get("value") == "2021"  # what was typed is kept
    # Going on anyway (the date is saved as typed): every later page still works, and sending
    # stops with a link back to the date instead of failing.
    cr.post_redirect(f"{url}/time", TIME)
    assert "Your fee" in cr.get(f"{url}/time?lang=en").text()
    cr.post_redirect(f"{url}/expenses", {"expenses-0-kind": "mileage", "expenses-0-vehicle": "car",
                                         "expenses-0-miles": "12"})
    assert "Check your claim" in cr.get(f"{url}/check?lang=en").h1
    refused = cr.post(f"{url}/check?lang=en", {"declare": "yes"})
    assert refused.error_summary() == [(f"{url}/activity", "Say what the claim is for and when it was")]
    with app.app_context():
        assert db.session().scalar(select(Claim)) is None
    # The first day of the first rate card is fine.
    cr.post_redirect(f"{url}/activity", ACTIVITY | {"activity_date-day": "1", "activity_date-month": "1",
                                                    "activity_date-year": "2022"})
    assert cr.post_redirect(f"{url}/check", {"declare": "yes"}) == f"{url}/done"
    # In easy read, in easy-read words.
    url = base(start(cr))
    easy = cr.post(f"{url}/activity?lang=en&easy-read=on", ACTIVITY | EARLY)
    assert [m for _, m in easy.error_summary()] == [
        "We can only pay for days from 1 January 2022. Please ask us for help."]


def test_a_late_claim_for_an_earlier_day_reprices_the_later_one_in_the_one_commit_of_sending(app) -> None:
    from app.claims import service
    from tests.claims.test_claim_service import amounts, driving
    from tests.test_commit_once import post

    cr, person_id = signed_in(app)
    with app.app_context():
        sam = db.session().get(Contributor, person_id)
        service.submit("earlier", sam, None, {"activity": "Training", "activity_date": DAY - timedelta(days=30),
                                              "expenses": driving(9_990)}, ("system", None, "test"))
        later, _ = service.submit("later", sam, None, {"activity": "Meeting", "activity_date": DAY,
                                                       "expenses": driving(100)}, ("system", None, "test"))
        db.session().commit()
        assert amounts(later) == (10 * 45 + 90 * 25,)
    url = base(start(cr))
    before = DAY - timedelta(days=1)
    cr.post_redirect(f"{url}/activity", ACTIVITY | {"activity_date-day": str(before.day),
                                                    "activity_date-month": str(before.month),
                                                    "activity_date-year": str(before.year)})
    cr.post_redirect(f"{url}/time", TIME | {"hours": "0"})
    cr.post_redirect(f"{url}/expenses", {"expenses-0-kind": "mileage", "expenses-0-vehicle": "car",
                                         "expenses-0-miles": "12"})
    assert "Total: £5.00" in cr.get(f"{url}/check?lang=en").text()  # 10 miles at 45p, then 2 at 25p
    assert post(cr, f"{url}/check", {"declare": "yes"}, f"{url}/check") == 1
    with app.app_context():
        later = db.session().scalar(select(Claim).where(Claim.idempotency_key == "later"))
        assert amounts(later) == (100 * 25,)
