"""Staff processing: the queue (filters, search, paging), one claim's actions, bulk with a confirm page."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from app import db
from app.audit import AuditEvent
from app.claims.models import Claim, ClaimLine, Receipt
from app.db import utcnow
from tests.claims.test_claim_service import claim_for, person
from tests.claims.test_receipts import photo
from tests.conftest import ClientRequest, body_text, deliver_mail, make_staff, sign_in, text_of


def staff_client(app, role: str, email: str | None = None) -> ClientRequest:  # type: ignore[no-untyped-def]
    make_staff(app, role, email=email)
    cr = ClientRequest(app.test_client())
    sign_in(cr, email or f"{role}@example.org")
    return cr


def some_claims(app, n: int = 3) -> list[int]:  # type: ignore[no-untyped-def]
    with app.app_context():
        ids = []
        for i in range(n):
            payee = person(app, email=f"p{i}@example.org", name=f"Person {i}")
            ids.append(claim_for(payee, date(2026, 5, 1), f"k{i}", expenses=[{"kind": "parking",
                                                                              "pence": 100 * (i + 1)}]).id)
        return ids


def test_the_queue_filters_searches_and_pages_in_the_database(app) -> None:
    ids = some_claims(app, 3)
    with app.app_context():
        db.session().execute(update(Claim).where(Claim.id == ids[0]).values(
            submitted_at=utcnow() - timedelta(days=30)))
        db.session().commit()
        reference = db.session().get(Claim, ids[1]).reference
    officer = staff_client(app, "officer")
    page = officer.get("/staff/claims/?lang=en")
    assert "3 claims found." in page.text() and "Over the target time" in page.text()
    assert "1 claim found." in officer.get("/staff/claims/?overdue=yes&lang=en").text()
    assert "1 claim found." in officer.get("/staff/claims/?overdue=28&status=all&lang=en").text()
    assert "0 claims found." in officer.get("/staff/claims/?overdue=28&status=paid&lang=en").text()
    assert "Person 1" in officer.get(f"/staff/claims/?q={reference.lower()}&lang=en").text()
    assert "1 claim found." in officer.get("/staff/claims/?q=person 2&lang=en").text()
    fragment = officer.client.get("/staff/claims/?sort=amount", headers={"HX-Request": "true",
                                                                         "HX-Target": "claim-rows"})
    html = fragment.get_data(as_text=True)
    assert "<h1" not in html and html.index("Person 2") < html.index("Person 0")
    from app.claims import processing

    processing.PER_PAGE, before, limit = 2, processing.PER_PAGE, processing.COUNT_LIMIT
    try:
        first = officer.get("/staff/claims/?lang=en")
        assert "Page 1 of 2" in first.text()
        assert any("page=2" in (a.get("href") or "") for a in first.doc.iter("a"))
        # A long queue is counted only so far, so it loads as fast as a short one.
        processing.COUNT_LIMIT = 2
        first = officer.get("/staff/claims/?lang=en")
        assert "More than 2 claims found." in first.text() and "Page 1" in first.text()
        second = officer.get("/staff/claims/?page=2&lang=en")
        assert "Person 2" in second.text() and "Next page" not in second.text() and "Previous page" in second.text()
    finally:
        processing.PER_PAGE, processing.COUNT_LIMIT = before, limit


def test_query_then_reply_then_approve_and_pay_with_emails(mail_app, smtp_server) -> None:
    handler, _ = smtp_server
    [claim_id] = some_claims(mail_app, 1)
    officer = staff_client(mail_app, "officer")
    empty = officer.post(f"/staff/claims/{claim_id}/query?lang=en", {"note": ""}, expected_status=400,
                         token_from=f"/staff/claims/{claim_id}")
    assert [m for _, m in empty.error_summary()] == ["Enter the question"]
    officer.post_redirect(f"/staff/claims/{claim_id}/query", {"note": "Which car park?"},
                          token_from=f"/staff/claims/{claim_id}")
    deliver_mail(mail_app)
    assert "Which car park?" in body_text(handler.messages[-1])
    from tests.account.test_supporters import sign_in_as

    with mail_app.app_context():
        claim = db.session().get(Claim, claim_id)
        payee_id, reference = claim.contributor_id, claim.reference
    person = sign_in_as(mail_app, payee_id)
    person.client.post(f"/account/claims/{reference}", data={
        "reply": "The one by the station.", "files": [(io.BytesIO(photo()), "ticket.jpg")],
        "csrf_token": person.csrf_token(f"/account/claims/{reference}")}, content_type="multipart/form-data")
    page = officer.get(f"/staff/claims/{claim_id}?lang=en")
    assert "The one by the station." in page.text() and "ticket.jpg" in page.text()
    with mail_app.app_context():
        receipt_id = db.session().scalar(select(Receipt.id))
    assert officer.client.get(f"/staff/claims/{claim_id}/receipts/{receipt_id}").mimetype == "image/jpeg"
    bad = officer.post(f"/staff/claims/{claim_id}/approve?lang=en", {f"allowed-{1}": "2.00"}, expected_status=400,
                       token_from=f"/staff/claims/{claim_id}")
    assert [m for _, m in bad.error_summary()] == ["Say why the amount changed: the person will see it"]
    officer.post_redirect(f"/staff/claims/{claim_id}/approve", {"allowed-1": "0.50", "reason-1": "Receipt says 50p"},
                          token_from=f"/staff/claims/{claim_id}")
    with mail_app.app_context():
        claim = db.session().get(Claim, claim_id)
        assert (claim.status, claim.expenses_pence) == ("approved", 50)
        assert db.session().scalar(select(AuditEvent).where(AuditEvent.action == "receipt.viewed")) is not None
    officer.post(f"/staff/claims/{claim_id}/paid", {"paid_on-day": "1"}, expected_status=403,
                 token_from=f"/staff/claims/{claim_id}")  # officers never mark paid
    finance = staff_client(mail_app, "finance")
    finance.post(f"/staff/claims/{claim_id}/approve", {}, expected_status=403,
                 token_from=f"/staff/claims/{claim_id}")  # finance never approves
    finance.post_redirect("/staff/finance/export", {}, token_from="/staff/finance")
    deliver_mail(mail_app)
    assert "has gone to our finance team to pay £75.50" in body_text(handler.messages[-1])
    assert "Sent for payment" in person.get("/account/claims?lang=en").text()
    finance.post_redirect(f"/staff/claims/{claim_id}/paid", {"paid_on-day": "20", "paid_on-month": "5",
                                                             "paid_on-year": "2026", "payment_reference": "B1"},
                          token_from=f"/staff/claims/{claim_id}")
    deliver_mail(mail_app)
    assert "We paid £75.50" in body_text(handler.messages[-1])
    mine = person.get("/account/claims?lang=en")
    assert "Paid" in mine.text() and "2026-27: fees £75.00, expenses £0.50" in mine.text()  # only fees are income


def test_bulk_approve_asks_first_and_skips_your_own_claim(app) -> None:
    ids = some_claims(app, 2)
    officer = staff_client(app, "officer", email="p1@example.org")  # the payee of the second claim
    data = {"action": "approve", "claim": [str(i) for i in ids]}
    confirm = officer.post("/staff/claims/bulk?lang=en", data, token_from="/staff/claims/")
    assert confirm.h1 == "Approve these claims?" and "2 claims, £153.00 in all." in confirm.text()
    with app.app_context():
        assert {c.status for c in db.session().scalars(select(Claim))} == {"submitted"}  # nothing yet
    officer.post_redirect("/staff/claims/bulk", data | {"confirmed": "yes"}, token_from="/staff/claims/")
    with app.app_context():
        statuses = [db.session().get(Claim, i).status for i in ids]
    assert statuses == ["approved", "submitted"]
    finance = staff_client(app, "finance")
    finance.post("/staff/claims/bulk", data, expected_status=403, token_from="/staff/claims/")



def test_the_fee_can_be_changed_with_a_reason_the_person_sees(app) -> None:
    [claim_id] = some_claims(app, 1)
    officer = staff_client(app, "officer")
    bad = officer.post(f"/staff/claims/{claim_id}/approve?lang=en", {"allowed-fee": "25.00"}, expected_status=400,
                       token_from=f"/staff/claims/{claim_id}")
    assert bad.error_summary() == [("#allowed-fee", "Say why the amount changed: the person will see it")]
    officer.post_redirect(f"/staff/claims/{claim_id}/approve",
                          {"allowed-fee": "25.00", "reason-fee": "The meeting was cancelled after an hour."},
                          token_from=f"/staff/claims/{claim_id}")
    with app.app_context():
        claim = db.session().get(Claim, claim_id)
        assert (claim.fee_pence, claim.total_pence, claim.status) == (2500, 2600, "approved")
        payee, reference = claim.contributor_id, claim.reference
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "claim.approved"))
        assert '"total": 7600' in event.before and '"total": 2600' in event.after
    from tests.account.test_supporters import sign_in_as

    page = sign_in_as(app, payee).get(f"/account/claims/{reference}?lang=en")
    assert "Fee: £25.00. The meeting was cancelled after an hour." in page.text()


def test_the_queue_filters_by_role(app) -> None:
    from tests.interests.helpers import published_role

    role_id = published_role(app, title="Crisis leaflet group")
    with app.app_context():
        claim_for(person(app, email="r@example.org", name="Role Person"), date(2026, 5, 1), "r1", role_id=role_id)
        claim_for(person(app, email="n@example.org", name="No Role"), date(2026, 5, 1), "r2")
    officer = staff_client(app, "officer")
    page = officer.get(f"/staff/claims/?role={role_id}&lang=en")
    assert "1 claim found." in page.text() and "Role Person" in page.text()
    assert page.find(f".//select[@id='role']/option[@value='{role_id}']") is not None


def test_finance_marks_one_claim_sent_by_hand_and_the_person_is_told(mail_app, smtp_server) -> None:
    handler, _ = smtp_server
    [claim_id] = some_claims(mail_app, 1)
    officer = staff_client(mail_app, "officer")
    officer.post_redirect(f"/staff/claims/{claim_id}/approve", {}, token_from=f"/staff/claims/{claim_id}")
    officer.post(f"/staff/claims/{claim_id}/sent", {}, expected_status=403, token_from=f"/staff/claims/{claim_id}")
    finance = staff_client(mail_app, "finance")
    page = finance.get(f"/staff/claims/{claim_id}?lang=en")
    assert "Use this only for a claim paid another way." in page.text()
    finance.post_redirect(f"/staff/claims/{claim_id}/sent", {}, token_from=f"/staff/claims/{claim_id}")
    with mail_app.app_context():
        assert db.session().get(Claim, claim_id).status == "sent"
    deliver_mail(mail_app)
    assert "has gone to our finance team to pay" in body_text(handler.messages[-1])
    count = len(handler.messages)
    finance.post_redirect(f"/staff/claims/{claim_id}/sent", {}, token_from=f"/staff/claims/{claim_id}")  # again
    assert "That change is not allowed" in finance.get(f"/staff/claims/{claim_id}?lang=en").text()
    deliver_mail(mail_app)
    assert len(handler.messages) == count  # no second email


@pytest.mark.parametrize("typed", ["£1e9", "lots", "-3"])
def test_a_bad_amount_to_pay_is_explained_at_its_field_and_kept(app, typed: str) -> None:
    [claim_id] = some_claims(app, 1)
    with app.app_context():
        line_id = db.session().scalar(select(ClaimLine.id).where(ClaimLine.claim_id == claim_id))
    officer = staff_client(app, "officer")
    bad = officer.post(f"/staff/claims/{claim_id}/approve?lang=en",
                       {"allowed-fee": "80.00", f"allowed-{line_id}": typed, f"reason-{line_id}": "Receipt says 50p"},
                       expected_status=400, token_from=f"/staff/claims/{claim_id}")
    assert bad.error_summary() == [("#allowed-fee", "Say why the amount changed: the person will see it"),
                                   (f"#allowed-{line_id}", "Enter an amount in pounds and pence, like 12.50")]
    field = bad.by_id(f"allowed-{line_id}")
    assert field.get("value") == typed and field.get("aria-invalid") == "true"
    assert "Enter an amount in pounds and pence" in "".join(bad.by_id(f"allowed-{line_id}-error").itertext())
    assert bad.by_id(f"reason-{line_id}").get("value") == "Receipt says 50p"
    assert bad.by_id("allowed-fee").get("value") == "80.00"
    with app.app_context():
        claim = db.session().get(Claim, claim_id)
        assert (claim.status, claim.fee_pence, claim.expenses_pence) == ("submitted", 7500, 100)


def test_an_amount_to_pay_left_empty_stays_as_it_is(app) -> None:
    [claim_id] = some_claims(app, 1)
    with app.app_context():
        line_id = db.session().scalar(select(ClaimLine.id).where(ClaimLine.claim_id == claim_id))
    officer = staff_client(app, "officer")
    page = officer.get(f"/staff/claims/{claim_id}?lang=en")
    assert (page.by_id("allowed-fee").get("value"), page.by_id(f"allowed-{line_id}").get("value")) == ("75.00", "1.00")
    officer.post_redirect(f"/staff/claims/{claim_id}/approve", {"allowed-fee": "", f"allowed-{line_id}": " "},
                          token_from=f"/staff/claims/{claim_id}")
    with app.app_context():
        claim = db.session().get(Claim, claim_id)
        assert (claim.status, claim.fee_pence, claim.expenses_pence) == ("approved", 7500, 100)


def test_staff_see_when_an_approved_or_paid_claims_mileage_would_now_come_to_less(app) -> None:
    """A claim for an earlier date arrived after these were approved: the staff page says what
    their mileage comes to counted in the order things happened, and nothing is changed."""
    from app.claims import service
    from tests.claims.test_claim_service import driving, staff

    with app.app_context():
        sam = person(app)
        officer, finance = staff(app, "officer", "olu@example.org"), staff(app, "finance", "fin@example.org")
        paid = claim_for(sam, date(2026, 7, 1), "paid", hours="0", expenses=driving(100))
        approved = claim_for(sam, date(2026, 7, 2), "approved", hours="0", expenses=driving(100))
        waiting = claim_for(sam, date(2026, 7, 3), "waiting", hours="0", expenses=driving(100))
        for claim in (paid, approved):
            service.transition(claim, "approved", officer)
        service.transition(paid, "sent", finance)
        service.transition(paid, "paid", finance, paid_on=date(2026, 7, 20))
        ids = paid.id, approved.id, waiting.id
    admin = staff_client(app, "admin")
    assert admin.get(f"/staff/claims/{ids[0]}").by_id("mileage-now") is None  # nothing to say yet
    with app.app_context():
        claim_for(person(app, email="ann@example.org"), date(2026, 6, 1), "ann", hours="0", expenses=driving(10_000))
    assert admin.get(f"/staff/claims/{ids[0]}").by_id("mileage-now") is None  # another person's miles
    with app.app_context():
        claim_for(person_called("sam@example.org"), date(2026, 6, 1), "late", hours="0", expenses=driving(9_950))
    for claim_id, then, now in ((ids[0], "£45.00", "£35.00"), (ids[1], "£45.00", "£25.00")):
        note = text_of(admin.get(f"/staff/claims/{claim_id}?lang=en").by_id("mileage-now"))
        assert f"comes to {now}, not the {then} it was priced at" in note and "Nothing has been changed" in note
    waiting_page = admin.get(f"/staff/claims/{ids[2]}?lang=en")
    assert waiting_page.by_id("mileage-now") is None and "£25.00" in waiting_page.text()  # re-priced already
    with app.app_context():
        assert [db.session().get(Claim, i).total_pence for i in ids] == [4_500, 4_500, 2_500]
        # Corrected the way the note says: the note goes, the person sees why.
        from app.staff.models import StaffUser

        claim = db.session().get(Claim, ids[1])
        olu = db.session().scalar(select(StaffUser).where(StaffUser.email == "olu@example.org"))
        line = db.session().scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id))
        service.transition(claim, "query", olu, note="Your June drive came first, so this is paid at 25p a mile.")
        service.transition(claim, "approved", olu, line_changes={line.id: (2_500, "Counted after your June drive")})
    assert admin.get(f"/staff/claims/{ids[1]}").by_id("mileage-now") is None


def person_called(email: str):  # type: ignore[no-untyped-def]
    from app.account.models import Contributor

    return db.session().scalar(select(Contributor).where(Contributor.email == email))
