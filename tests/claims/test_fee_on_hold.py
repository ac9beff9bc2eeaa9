""""Talk to someone about benefits first" puts the fee on hold, never to £0: the person sees the
fee and that it waits for a talk; every such claim makes a task for the team; staff see the
choice and record what the person chose (paid, paid later, or declined); the finance export pays
the fee only once it is released as paid. Nothing asks which benefits anyone gets."""

from __future__ import annotations

import csv
import json
import io
from datetime import date

import pytest
from sqlalchemy import select

from app import db
from app.account import service as accounts
from app.audit import AuditEvent
from app.claims import export, service
from app.claims.models import Claim
from app.staff.models import StaffTask
from app.transitions import NotAllowed
from tests.account.test_details import signed_in
from tests.claims.test_claim_journey import ACTIVITY, TIME, base, start
from tests.claims.test_claim_service import claim_for, person, staff
from tests.claims.test_processing import staff_client
from tests.conftest import ClientRequest

HELD = "On hold until you have talked to us."


def a_claim_to_talk_about(cr: ClientRequest) -> str:
    """A claim up to its check page with "talk about benefits first" chosen; returns its address."""
    url = base(start(cr))
    cr.post_redirect(f"{url}/activity", ACTIVITY)
    cr.post_redirect(f"{url}/time", TIME | {"payment_choice": "benefits_talk"})
    cr.post_redirect(f"{url}/expenses", {"expenses-0-kind": "parking", "expenses-0-amount": "£3.50"})
    return url


def test_the_time_and_check_pages_show_the_fee_on_hold_not_nothing(app) -> None:
    cr, _ = signed_in(app)
    url = a_claim_to_talk_about(cr)
    time_page = cr.get(f"{url}/time?lang=en").text()
    assert "£75.00" in time_page and HELD in time_page and "£0.00" not in time_page
    easy = cr.get(f"{url}/time?lang=en&easy-read=on").text()
    assert "We pay £75.00." in easy and "We will keep this money for you until we have talked." in easy
    # With JavaScript, the fee preview changes as the choice changes: the same words.
    fragment = cr.client.post(f"{url}/time?lang=en&easy-read=off", data={
        "csrf_token": cr.csrf_token(f"{url}/time"), **TIME, "payment_choice": "benefits_talk"},
        headers={"HX-Request": "true"}).get_data(as_text=True)
    assert HELD in fragment
    check = cr.get(f"{url}/check?lang=en").text()
    assert "£75.00. " + HELD in check and "£0.00" not in check
    assert "Total: £3.50" in check  # what we pay now: the expenses


def test_sending_makes_a_task_for_every_such_claim_in_the_one_commit(app) -> None:
    cr, person_id = signed_in(app)
    for _ in range(2):  # the second time the profile already says "benefits": a task all the same
        url = a_claim_to_talk_about(cr)
        cr.post_redirect(f"{url}/check", {"declare": "yes"})
    with app.app_context():
        claims = db.session().scalars(select(Claim).order_by(Claim.id)).all()
        tasks = db.session().scalars(select(StaffTask).order_by(StaffTask.id)).all()
        assert [(t.kind, t.contributor_id, t.detail) for t in tasks] == [
            ("benefits_talk", person_id, c.reference) for c in claims]
        assert [(c.claimed_fee_pence, c.fee_pence, c.expenses_pence, c.total_pence) for c in claims] == [
            (7500, 0, 350, 350)] * 2
        assert [service.fee_hold(c).status for c in claims] == ["on_hold"] * 2
    mine = cr.get(f"/account/claims/{claims[0].reference}?lang=en").text()
    assert "Fee: £75.00. " + HELD in mine


def on_hold(app, key: str = "h") -> Claim:  # type: ignore[no-untyped-def]
    payee = person(app, email=f"{key}@example.org", name="Sam Example")
    accounts.save_bank_details(payee, {"account_name": "Sam Example", "sort_code": "309452",
                                       "account_number": "00733445", "roll_number": ""}, ("system", None, "test"))
    return claim_for(payee, date(2026, 5, 1), key, payment_choice="benefits_talk",
                     expenses=[{"kind": "parking", "pence": 350}])


def test_staff_see_the_choice_on_the_claim_and_in_the_queue(app) -> None:
    with app.app_context():
        claim_id = on_hold(app).id
    officer = staff_client(app, "officer")
    page = officer.get(f"/staff/claims/{claim_id}?lang=en")
    assert "Talk about benefits first" in page.text()
    assert "£75.00 on hold until the person has talked to us" in page.text()
    assert [label for label in page.doc.iter("label") if "Pay the fee later" in "".join(label.itertext())]
    assert "Talk about benefits first: fee on hold" in officer.get("/staff/claims/?lang=en").text()


def rows(batch_id: int) -> list[list[str]]:
    return list(csv.reader(io.StringIO("".join(export.batch_csv(batch_id)).lstrip("\ufeff"))))[1:]


def test_releasing_as_paid_records_who_and_the_export_then_pays_the_fee(app) -> None:
    with app.app_context():
        claim_id = on_hold(app).id
    officer = staff_client(app, "officer")
    empty = officer.post(f"/staff/claims/{claim_id}/fee?lang=en", {}, expected_status=400,
                         token_from=f"/staff/claims/{claim_id}")
    assert [m for _, m in empty.error_summary()] == ["Choose what the person decided"]
    officer.post_redirect(f"/staff/claims/{claim_id}/fee", {"outcome": "paid"})
    # The fee is now the claim's to approve like any other.
    officer.post_redirect(f"/staff/claims/{claim_id}/approve", {"allowed-fee": "75.00"})
    with app.app_context():
        claim = db.session().get(Claim, claim_id)
        hold = service.fee_hold(claim)
        assert (hold.status, hold.decided_by_id is not None, claim.fee_pence, claim.total_pence, claim.status) == (
            "paid", True, 7500, 7850, "approved")
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "claim.fee_paid"))
        assert (event.actor_type, json.loads(event.after)["outcome"]) == ("staff", "paid")  # who recorded it
        [row] = rows(export.make_batch(staff(app, "finance")).id)
        assert row[5:8] == ["78.50", "75.00", "3.50"]
    page = officer.get(f"/staff/claims/{claim_id}?lang=en").text()
    assert "the person chose to be paid" in page and "Recorded by" in page


def test_an_on_hold_fee_is_not_exported_the_expenses_are_and_the_fee_follows_once_released(app) -> None:
    with app.app_context():
        claim = on_hold(app)
        service.transition(claim, "approved", staff(app, "officer"))
        finance = staff(app, "finance")
        [row] = rows(export.make_batch(finance).id)
        assert row[5:8] == ["3.50", "0.00", "3.50"]  # expenses go; the fee waits
        assert export.make_batch(finance) is None
        service.release_fee(claim, "paid", staff(app, "admin", email="boss@example.org"))
        db.session().commit()
        [fee_only] = rows(export.make_batch(finance).id)  # the fee alone, on the next export
        assert fee_only[0] == f"{claim.reference}-FEE" and fee_only[5:8] == ["75.00", "75.00", "0.00"]
        assert export.make_batch(finance) is None  # once


@pytest.mark.parametrize("outcome, words, total", [
    ("paid_later", "After talking with us, you chose to be paid for your time later.", "3.50"),
    ("declined", "After talking with us, you chose not to be paid for your time this time.", "3.50"),
])
def test_the_person_sees_what_they_chose_and_the_fee_is_not_paid_now(app, outcome, words, total) -> None:
    cr, person_id = signed_in(app)
    url = a_claim_to_talk_about(cr)
    cr.post_redirect(f"{url}/check", {"declare": "yes"})
    with app.app_context():
        claim = db.session().scalar(select(Claim))
        service.release_fee(claim, outcome, staff(app, "officer"))
        db.session().commit()
        service.transition(claim, "approved", staff(app, "officer", email="o2@example.org"))
        [row] = rows(export.make_batch(staff(app, "finance")).id)
        assert row[5:7] == [total, "0.00"]
        reference = claim.reference
    page = cr.get(f"/account/claims/{reference}?lang=en").text()
    assert words in page and HELD not in page


def test_only_the_team_records_the_choice_once_and_never_on_their_own_claim(app) -> None:
    with app.app_context():
        claim = on_hold(app)
        with pytest.raises(NotAllowed):
            service.release_fee(claim, "paid", staff(app, "finance"))
        own = staff(app, "officer", email="h@example.org")  # the payee's own mailbox
        with pytest.raises(NotAllowed):
            service.release_fee(claim, "paid", own)
        service.release_fee(claim, "declined", staff(app, "officer", email="o@example.org"))
        db.session().commit()
        admin = staff(app, "admin")
        with pytest.raises(NotAllowed):  # recorded once: "declined" is where it ends
            service.release_fee(claim, "paid", admin)
        paid = claim_for(person(app, email="p@example.org"), date(2026, 5, 1), "p")
        with pytest.raises(NotAllowed):  # nothing to release: the fee was never on hold
            service.release_fee(paid, "paid", admin)
