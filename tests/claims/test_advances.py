"""Advances: money before a meeting for people who cannot pay first (004 L637). The person asks
(what for, how much, why); staff decide under the claims' four-eyes rules; finance exports
approved advances in the same file as claims, a row each marked "advance"; tax-year totals show
them apart from fees (fees are income; expenses and advances are not)."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import db
from app.account import service as accounts
from app.claims import advances, export
from app.claims.models import Advance
from app.mail import OutboxMessage
from app.transitions import NotAllowed
from tests.account.test_details import signed_in
from tests.claims.test_claim_journey import base, start
from tests.claims.test_claim_service import person, staff
from tests.claims.test_processing import staff_client

SOON = date.today() + timedelta(days=7)
ASK = {"activity": "other", "other_activity": "Crisis leaflet group", "activity_date-day": str(SOON.day),
       "activity_date-month": str(SOON.month), "activity_date-year": str(SOON.year), "kind": "public_transport",
       "amount": "£20", "reason": "I cannot pay for the train first."}


def test_the_time_page_links_to_asking_instead_of_a_checkbox(app) -> None:
    cr, _ = signed_in(app)
    url = base(start(cr))
    page = cr.get(f"{url}/time?lang=en")
    assert page.find(".//input[@name='advance']") is None
    link = page.find(".//a[@href='/account/advances/new']")
    assert link is not None and "Ask for money before you travel" in "".join(link.itertext())
    claims = cr.get("/account/claims?lang=en")
    assert claims.find(".//a[@href='/account/advances/new']") is not None


def test_asking_keeps_what_was_typed_and_says_what_to_fix(app) -> None:
    cr, _ = signed_in(app)
    page = cr.post("/account/advances/new?lang=en", ASK | {"amount": "lots", "reason": ""}, expected_status=200)
    text = page.text()
    assert "Enter an amount in pounds and pence, like 12.50" in text
    assert "Say why you need the money before you travel" in text
    assert page.by_id("other_activity").get("value") == "Crisis leaflet group"
    assert page.by_id("amount").get("value") == "lots"
    easy = cr.post("/account/advances/new?lang=en&easy-read=on", {}, expected_status=200).text()
    assert "Choose the meeting or activity." in easy and "Write why you need the money before." in easy
    welsh = cr.post("/account/advances/new?lang=cy&easy-read=off", {}, expected_status=200)
    assert welsh.status == 200
    with app.app_context():
        assert db.session().scalar(select(Advance.id)) is None


def test_the_form_never_asks_about_benefits_or_health(app) -> None:
    cr, _ = signed_in(app)
    page = cr.get("/account/advances/new?lang=en")
    labels = " ".join("".join(el.itertext()) for el in page.findall(".//label") + page.findall(".//legend"))
    assert "benefit" not in labels.lower() and "health" not in labels.lower() and "diagnos" not in labels.lower()


def test_a_person_asks_and_sees_the_request_and_its_state(app) -> None:
    cr, person_id = signed_in(app)
    where = cr.post_redirect("/account/advances/new?lang=en", ASK)
    with app.app_context():
        advance = db.session().scalar(select(Advance))
        assert (advance.contributor_id, advance.status, advance.asked_pence, advance.pence, advance.kind) == (
            person_id, "requested", 2000, 2000, "public_transport")
        assert advance.activity == "Crisis leaflet group" and advance.activity_date == SOON
    assert where.endswith(f"/account/advances/{advance.reference}")
    page = cr.get(f"/account/advances/{advance.reference}?lang=en").text()
    assert "£20.00" in page and "Asked: waiting for the team" in page and "I cannot pay for the train first." in page
    mine = cr.get("/account/claims?lang=en").text()
    assert "Crisis leaflet group" in mine and "Asked: waiting for the team" in mine


def test_someone_else_cannot_see_it(app) -> None:
    cr, _ = signed_in(app)
    cr.post_redirect("/account/advances/new", ASK)
    other, _ = signed_in(app, email="other@example.org")
    with app.app_context():
        reference = db.session().scalar(select(Advance.reference))
    assert other.client.get(f"/account/advances/{reference}").status_code == 404


def asked(app, email: str = "sam@example.org", pence: int = 2000) -> Advance:  # type: ignore[no-untyped-def]
    payee = person(app, email=email, name="Sam Example")
    accounts.save_bank_details(payee, {"account_name": "Sam Example", "sort_code": "309452",
                                       "account_number": "00733445", "roll_number": ""}, ("system", None, "test"))
    advance = advances.ask(payee, None, {"activity": "Crisis leaflet group", "activity_date": date(2026, 5, 1),
                                         "kind": "taxi", "pence": pence, "reason": "No money until Friday"},
                           ("contributor", payee.id, "test"))
    db.session().commit()
    return advance


def test_staff_approve_and_the_person_is_emailed_in_their_language(app) -> None:
    with app.app_context():
        advance = asked(app)
        payee_id = advance.contributor_id
        from app.account.models import Contributor

        db.session().get(Contributor, payee_id).language = "cy"
        db.session().commit()
    officer = staff_client(app, "officer")
    page = officer.get(f"/staff/advances/{advance.id}?lang=en")
    assert "No money until Friday" in page.text()
    officer.post_redirect(f"/staff/advances/{advance.id}/approve", {"amount": "20.00", "change_reason": ""},
                          token_from=f"/staff/advances/{advance.id}")
    with app.app_context():
        assert db.session().get(Advance, advance.id).status == "approved"
        message = db.session().scalar(select(OutboxMessage).where(OutboxMessage.purpose == "advance_approved"))
        assert message is not None and message.locale == "cy" and advance.reference in message.text_body


def test_nobody_decides_their_own_advance(app) -> None:
    with app.app_context():
        advance = asked(app, email="officer@example.org")
        officer = staff(app, "officer")  # the same mailbox as the payee
        with pytest.raises(NotAllowed):
            advances.decide(advance, "approved", officer)
        assert db.session().get(Advance, advance.id).status == "requested"


def test_approving_more_than_asked_takes_two_people(app) -> None:
    with app.app_context():
        advance = asked(app)
        first, second = staff(app, "officer"), staff(app, "admin")
        assert advances.decide(advance, "approved", first, pence=2500, change_reason="Return fare") == "waiting"
        db.session().commit()
        with pytest.raises(NotAllowed):
            advances.decide(advance, "approved", first)
        assert advances.decide(advance, "approved", second) == "approved"
        db.session().commit()
        assert (advance.status, advance.pence, advance.change_reason) == ("approved", 2500, "Return fare")


def test_a_question_goes_to_the_person_and_their_answer_comes_back(app) -> None:
    cr, person_id = signed_in(app)
    cr.post_redirect("/account/advances/new", ASK)
    with app.app_context():
        reference = db.session().scalar(select(Advance.reference))
        advance_id = db.session().scalar(select(Advance.id))
    officer = staff_client(app, "officer")
    officer.post_redirect(f"/staff/advances/{advance_id}/query", {"note": "Which station?"},
                          token_from=f"/staff/advances/{advance_id}")
    page = cr.get(f"/account/advances/{reference}?lang=en").text()
    assert "Which station?" in page
    cr.post(f"/account/advances/{reference}?lang=en", {"reply": ""}, expected_status=200)
    cr.post_redirect(f"/account/advances/{reference}", {"reply": "Leeds"})
    with app.app_context():
        advance = db.session().get(Advance, advance_id)
        assert (advance.status, advance.answer) == ("requested", "Leeds")


def test_approved_advances_go_in_the_finance_file_marked_advance_and_count_in_the_totals(app) -> None:
    with app.app_context():
        advance = asked(app)
        advance.activity = "=cmd"
        advances.decide(advance, "approved", staff(app, "officer"))
        db.session().commit()
        assert export.ready() == (1, 2000)
        batch = export.make_batch(staff(app, "finance"))
        assert batch is not None and db.session().get(Advance, advance.id).status == "sent"
        rows = list(csv.DictReader(io.StringIO("".join(export.batch_csv(batch.id)).lstrip("\ufeff"))))
        assert [(r["reference"], r["amount"], r["fee"], r["expenses"], r["payment"]) for r in rows] == [
            (advance.reference, "20.00", "0.00", "20.00", "advance")]
        assert export.totals_by_person(2026) == ([("Sam Example", 0, 0, 0, 2000)], 1)


def test_the_persons_own_totals_show_advances_apart_from_fees(app) -> None:
    cr, person_id = signed_in(app)
    with app.app_context():
        from app.account.models import Contributor

        officer, finance = staff(app, "officer"), staff(app, "finance")
        payee = db.session().get(Contributor, person_id)
        advance = advances.ask(payee, None, {"activity": "Group", "activity_date": date(2026, 5, 1), "kind": "taxi",
                                             "pence": 2000, "reason": "x"}, ("contributor", payee.id, "t"))
        advances.decide(advance, "approved", officer)
        db.session().commit()
        export.make_batch(finance)
    text = cr.get("/account/claims?lang=en").text()
    assert "and £20.00 paid before meetings (expenses, not income)" in text


# --- after the meeting ------------------------------------------------------------------------------

def _claim_after_an_advance(app, expenses: str) -> tuple:  # type: ignore[no-untyped-def]
    """Sam had £20 before the meeting (approved and sent to finance), then claims the day's costs
    (no hours: expenses only) through the pages."""
    from tests.claims.test_claim_journey import ACTIVITY, DAY

    cr, person_id = signed_in(app)
    with app.app_context():
        from app.account.models import Contributor

        officer, finance = staff(app, "officer"), staff(app, "finance")
        payee = db.session().get(Contributor, person_id)
        accounts.save_bank_details(payee, {"account_name": "Sam Example", "sort_code": "309452",
                                           "account_number": "00733445", "roll_number": ""}, ("system", None, "t"))
        advance = advances.ask(payee, None, {"activity": "Leaflet group", "activity_date": DAY, "kind": "taxi",
                                             "pence": 2000, "reason": "x"}, ("contributor", payee.id, "t"))
        advances.decide(advance, "approved", officer)
        db.session().commit()
        export.make_batch(finance)
    url = base(start(cr))
    cr.post_redirect(f"{url}/activity", ACTIVITY)
    cr.post_redirect(f"{url}/time", {"hours": "0", "preparation": "none", "payment_choice": "paid"})
    cr.post_redirect(f"{url}/expenses", {"expenses-0-kind": "public_transport", "expenses-0-amount": expenses})
    cr.post_redirect(f"{url}/check", {"declare": "yes"})
    with app.app_context():
        from app.claims.models import Claim

        claim = db.session().scalar(select(Claim))
        return cr, claim.id, claim.reference


def test_the_claim_after_the_meeting_takes_the_advance_off(app) -> None:
    cr, claim_id, reference = _claim_after_an_advance(app, "26.40")
    page = cr.get(f"/account/claims/{reference}?lang=en").text()
    assert "Advance paid £20.00 — left to pay £6.40" in page and "paid back" not in page
    easy = cr.get(f"/account/claims/{reference}?lang=en&easy-read=on").text()
    assert "We paid you £20.00 before. We will pay £6.40 now." in easy
    with app.app_context():
        from app.claims import service
        from app.claims.models import Claim

        advances_staff = staff(app, "admin")
        service.transition(db.session().get(Claim, claim_id), "approved", advances_staff)
        assert export.ready() == (1, 640)
        batch = export.make_batch(staff(app, "finance", email="finance2@example.org"))
        rows = list(csv.DictReader(io.StringIO("".join(export.batch_csv(batch.id)).lstrip("\ufeff"))))
        assert [(r["reference"], r["amount"], r["expenses"], r["advance_taken_off"], r["payment"]) for r in rows] == [
            (reference, "6.40", "26.40", "20.00", "claim")]


def test_costs_below_the_advance_are_shown_to_staff_to_recover_never_below_zero(app) -> None:
    cr, claim_id, reference = _claim_after_an_advance(app, "15.00")
    page = cr.get(f"/account/claims/{reference}?lang=en").text()
    assert "Advance paid £20.00 — left to pay £0.00" in page and "£5.00 is to be paid back" in page
    officer = staff_client(app, "officer", email="officer2@example.org")
    assert "£5.00 to recover" in officer.get(f"/staff/claims/{claim_id}?lang=en").text()
