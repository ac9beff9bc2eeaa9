"""Cash on the day, and money for meetings that did not happen (issue 20, item 6).

Staff record cash handed over on the day; the person confirms they got it (or says they did not);
it is shown to finance as a "cash" row, never paid again, taken off that day's claim, counted in
the tax year, and whoever gave it cannot approve the claim it is taken off. Money for a meeting
that was cancelled or missed is listed for staff to recover, carry forward or convert, each with
a reason the person sees and is emailed; never written off in silence.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from sqlalchemy import select

from app import db
from app.account import drafts
from app.account import service as accounts
from app.account.models import Contributor
from app.claims import advances, export, service
from app.claims.models import Advance, Claim, ClaimLine
from app.mail import OutboxMessage
from app.transitions import NotAllowed
from tests.account.test_details import signed_in
from tests.claims.test_advances import ASK, asked
from tests.claims.test_claim_service import claim_for, person, staff
from tests.claims.test_processing import staff_client
from tests.meetings.test_feedback_service import meeting, supporter_of

TODAY = date.today()
CASH = {"amount": "20.00", "kind": "public_transport", "given_on-day": str(TODAY.day),
        "given_on-month": str(TODAY.month), "given_on-year": str(TODAY.year), "note": "Train home from the group"}


def _bank(payee: Contributor) -> None:
    accounts.save_bank_details(payee, {"account_name": "Sam Example", "sort_code": "309452",
                                       "account_number": "00733445", "roll_number": ""}, ("system", None, "t"))


def test_staff_record_cash_and_the_person_confirms_it(app) -> None:
    cr, person_id = signed_in(app)
    officer = staff_client(app, "officer")
    form = officer.get(f"/staff/advances/cash/{person_id}?lang=en")
    assert form.by_id("amount") is not None
    empty = officer.post(f"/staff/advances/cash/{person_id}?lang=en", {}).text()
    assert "Enter the amount given, like 20.00" in empty and "Choose what the cash was for" in empty
    where = officer.post_redirect(f"/staff/advances/cash/{person_id}", CASH)
    with app.app_context():
        item = db.session().scalar(select(Advance))
        assert (item.status, item.cash, item.pence, item.contributor_id) == ("cash_given", True, 2000, person_id)
    assert where.endswith(f"/staff/advances/{item.id}")
    assert "Cash given: waiting for them to confirm" in officer.get(f"/staff/advances/{item.id}?lang=en").text()
    page = cr.get(f"/account/advances/{item.reference}?lang=en")
    words = f"I received £20.00 in cash on {TODAY.day}"
    assert words in page.text() and "I did not get this money" in page.text()
    cr.post_redirect(f"/account/advances/{item.reference}/cash", {"answer": "yes"},
                     token_from=f"/account/advances/{item.reference}")
    with app.app_context():
        item = db.session().get(Advance, item.id)
        assert (item.status, item.answered_by_id) == ("cash_confirmed", person_id) and item.answered_at is not None
    shown = officer.get(f"/staff/advances/{item.id}?lang=en").text()
    assert "Cash given: they confirmed they got it" in shown and "Sam" in shown


def test_the_person_can_say_they_did_not_get_it_and_staff_see_that(app) -> None:
    cr, person_id = signed_in(app)
    with app.app_context():
        item = advances.give_cash(db.session().get(Contributor, person_id),
                                  {"pence": 1500, "kind": "taxi", "activity_date": TODAY, "note": "Taxi"},
                                  staff(app, "officer", email="giver@example.org"))
        db.session().commit()
    cr.post_redirect(f"/account/advances/{item.reference}/cash", {"answer": "no"},
                     token_from=f"/account/advances/{item.reference}")
    officer = staff_client(app, "admin")
    assert "Cash: they said they did not get it" in officer.get(f"/staff/advances/{item.id}?lang=en").text()
    with app.app_context():
        assert advances.paid_out_by_year(person_id) == {}  # not counted while they say they did not get it


def test_a_supporter_with_the_claims_permission_confirms_for_the_person(app) -> None:
    with app.app_context():
        sam = person(app, email="sam@example.org", name="Sam")
        chris = supporter_of(app, sam)
        item = advances.give_cash(sam, {"pence": 500, "kind": "parking", "activity_date": TODAY, "note": "P"},
                                  staff(app, "officer"))
        db.session().commit()
        advances.answer_cash(item, True, chris, ("supporter", chris.id, "t"))
        db.session().commit()
        assert (item.status, item.answered_by_id) == ("cash_confirmed", chris.id)


def test_nobody_records_cash_given_to_themselves(app) -> None:
    with app.app_context():
        me = person(app, email="officer@example.org")
        with pytest.raises(NotAllowed):
            advances.give_cash(me, {"pence": 500, "kind": "parking", "activity_date": TODAY, "note": "x"},
                               staff(app, "officer"))


def test_cash_is_a_cash_row_for_finance_never_paid_again_and_counts_in_the_year(app) -> None:
    with app.app_context():
        sam = person(app, name="Sam Example")
        _bank(sam)
        cash = advances.give_cash(sam, {"pence": 2000, "kind": "taxi", "activity_date": date(2026, 5, 1),
                                        "note": "Taxi"}, staff(app, "officer", email="giver@example.org"))
        db.session().commit()
        other = asked(app, email="other@example.org", pence=1000)
        advances.decide(other, "approved", staff(app, "officer"))
        db.session().commit()
        assert export.ready() == (1, 1000)  # cash is not a payment waiting
        batch = export.make_batch(staff(app, "finance"))
        rows = list(csv.DictReader(io.StringIO("".join(export.batch_csv(batch.id)).lstrip("\ufeff"))))
        assert sorted((r["reference"], r["amount"], r["payment"], r["sort_code"]) for r in rows) == sorted([
            (other.reference, "10.00", "advance", "309452"), (cash.reference, "20.00", "cash", "")])
        assert db.session().get(Advance, cash.id).status == "cash_given"  # never "sent": it is not paid
        assert export.make_batch(staff(app, "finance", email="f2@example.org")) is None  # and not shown twice
        assert advances.paid_out_by_year(sam.id) == {2026: 2000}
        assert ("Sam Example", 0, 0, 0, 2000) in export.totals_by_person(2026)[0]


def test_cash_is_taken_off_the_claim_and_the_giver_cannot_approve_it(app) -> None:
    from app.staff.models import StaffUser

    giver_browser = staff_client(app, "officer", email="giver@example.org")
    with app.app_context():
        sam = person(app)
        giver = db.session().scalar(select(StaffUser).where(StaffUser.email == "giver@example.org"))
        advances.give_cash(sam, {"pence": 2000, "kind": "taxi", "activity_date": date(2026, 5, 1), "note": "T"}, giver)
        db.session().commit()
        claim = claim_for(sam, date(2026, 5, 1), "k1", hours="0", expenses=[{"kind": "parking", "pence": 2600}])
        advances.net_off(claim, ("contributor", sam.id, "t"))
        db.session().commit()
        claim_id = claim.id
        found = advances.netted(claim)
        assert found is not None and (found.advance, found.left_to_pay) == (2000, 600)
        assert service.conflict(giver, claim) == "they gave the cash taken off this claim"
        with pytest.raises(NotAllowed):
            service.transition(claim, "approved", giver)
        db.session().rollback()
    assert "You gave the cash on the day" in giver_browser.get(f"/staff/claims/{claim_id}?lang=en").text()
    with app.app_context():
        claim = db.session().get(Claim, claim_id)
        service.transition(claim, "approved", staff(app, "admin", email="admin2@example.org"))
        assert claim.status == "approved"


# --- meetings that did not happen -------------------------------------------------------------------

def _staff(app, role: str, email: str):  # type: ignore[no-untyped-def]
    """A member of staff, made once per test."""
    from app.staff.models import StaffUser

    db.session().commit()  # (made on another connection: nothing of this one may be waiting)
    found = db.session().scalar(select(StaffUser).where(StaffUser.email == email))
    return found if found is not None else staff(app, role, email=email)


def _advance_for(app, sam: Contributor, item, sent: bool = True) -> Advance:  # type: ignore[no-untyped-def]
    db.session().commit()
    advance = advances.ask(sam, None, {"activity": item.title, "activity_date": item.starts_at.date(),
                                       "meeting_id": item.id, "kind": "taxi", "pence": 2000, "reason": "x"},
                           ("contributor", sam.id, "t"))
    decider = _staff(app, "officer", "decider@example.org")
    advances.decide(advance, "approved", decider)
    db.session().commit()
    if sent:
        export.make_batch(_staff(app, "finance", "finance@example.org"))
    return advance


def test_advances_for_cancelled_or_missed_meetings_are_listed_to_sort_out(app) -> None:
    with app.app_context():
        sam, kim = person(app, name="Sam Example"), person(app, email="kim@example.org", name="Kim")
        _bank(sam)
        cancelled = meeting(app, ended_hours_ago=-48, people=[sam])
        cancelled.cancelled = True
        missed = meeting(app, ended_hours_ago=48, people=[kim])  # Sam was not there
        came = meeting(app, ended_hours_ago=48, people=[sam])
        a, b, c = (_advance_for(app, sam, m, sent=False) for m in (cancelled, missed, came))
        listed = {(row[0].id, row[2]) for row in advances.to_sort_out()}
        assert listed == {(a.id, "cancelled"), (b.id, "missed")}
    officer = staff_client(app, "officer")
    page = officer.get("/staff/advances/to-sort-out?lang=en").text()
    assert "Meeting cancelled" in page and "They did not come" in page
    assert officer.get("/staff/advances/?lang=en").find(".//a[@href='/staff/advances/to-sort-out']") is not None
    assert "Advances to sort out" in officer.get("/staff/?lang=en").text()


def test_recover_with_a_reason_the_person_sees_and_is_emailed(app) -> None:
    cr, person_id = signed_in(app)
    with app.app_context():
        sam = db.session().get(Contributor, person_id)
        _bank(sam)
        item = meeting(app, ended_hours_ago=-48, people=[sam])
        item.cancelled = True
        advance = _advance_for(app, sam, item)
    officer = staff_client(app, "officer")
    url = f"/staff/advances/{advance.id}/sort-out"
    empty = officer.post(f"{url}?lang=en", {}).text()
    assert "Choose what happens to the money" in empty and "Enter the reason: the person will see it" in empty
    officer.post_redirect(url, {"outcome": "recover", "reason": "The group was cancelled and not moved."})
    with app.app_context():
        assert db.session().get(Advance, advance.id).status == "to_recover"
        assert advances.to_sort_out() == []
        mail = db.session().scalar(select(OutboxMessage).where(OutboxMessage.purpose == "advance_recover"))
        assert mail is not None and "The group was cancelled and not moved." in mail.text_body
        assert advances.paid_out_by_year(person_id) == {pricing_year(advance): 2000}  # the money did leave
    page = cr.get(f"/account/advances/{advance.reference}?lang=en").text()
    assert "we need to ask for the £20.00 back" in page and "The group was cancelled and not moved." in page


def pricing_year(advance: Advance) -> int:
    from app.claims import pricing

    return pricing.tax_year(advance.activity_date)


def test_carry_forward_to_the_persons_next_meeting(app) -> None:
    cr, person_id = signed_in(app)
    with app.app_context():
        sam = db.session().get(Contributor, person_id)
        _bank(sam)
        old = meeting(app, ended_hours_ago=48, people=[])
        later = meeting(app, ended_hours_ago=-24 * 10, people=[sam])
        advance = _advance_for(app, sam, old)
        later_id, later_day = later.id, later.starts_at.date()
    officer = staff_client(app, "officer")
    url = f"/staff/advances/{advance.id}/sort-out"
    form = officer.get(f"{url}?lang=en")
    assert form.find(f".//option[@value='{later_id}']") is not None
    assert "Choose the meeting to carry it forward to" in officer.post(
        f"{url}?lang=en", {"outcome": "carry_forward", "reason": "Use it next time."}).text()
    officer.post_redirect(url, {"outcome": "carry_forward", "meeting": str(later_id), "reason": "Use it next time."})
    with app.app_context():
        moved = db.session().get(Advance, advance.id)
        assert (moved.status, moved.meeting_id, moved.activity_date, moved.outcome) == (
            "sent", later_id, later_day, "carry_forward")
    assert "You keep the £20.00 for your next meeting" in cr.get(f"/account/advances/{advance.reference}?lang=en").text()


def test_convert_into_a_claim_for_costs_already_spent(app) -> None:
    cr, person_id = signed_in(app)
    with app.app_context():
        sam = db.session().get(Contributor, person_id)
        _bank(sam)
        item = meeting(app, ended_hours_ago=-48, people=[sam])
        item.cancelled = True
        advance = _advance_for(app, sam, item)
    officer = staff_client(app, "officer")
    where = officer.post_redirect(f"/staff/advances/{advance.id}/sort-out",
                                  {"outcome": "convert", "reason": "You had bought the ticket already."})
    with app.app_context():
        claim = db.session().scalar(select(Claim))
        lines = db.session().scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)).all()
        assert where.endswith(f"/staff/claims/{claim.id}")
        assert (claim.status, claim.expenses_pence, claim.fee_pence) == ("submitted", 2000, 0)
        assert [(line.kind, line.allowed_pence) for line in lines] == [("taxi", 2000)]
        assert db.session().get(Advance, advance.id).status == "converted"
        found = advances.netted(claim)
        assert found is not None and found.left_to_pay == 0
    page = cr.get(f"/account/claims/{claim.reference}?lang=en").text()
    assert "Advance paid £20.00 — left to pay £0.00" in page


def test_the_reason_for_money_to_recover_after_netting_is_shown_to_the_person(app) -> None:
    from tests.claims.test_advances import _claim_after_an_advance

    cr, claim_id, reference = _claim_after_an_advance(app, "15.00")
    officer = staff_client(app, "officer", email="officer2@example.org")
    page = officer.get(f"/staff/claims/{claim_id}?lang=en")
    assert page.by_id("recover_reason") is not None
    officer.post(f"/staff/claims/{claim_id}/recover?lang=en", {"recover_reason": ""}, expected_status=400,
                 token_from=f"/staff/claims/{claim_id}")
    officer.post_redirect(f"/staff/claims/{claim_id}/recover",
                          {"recover_reason": "Please pay back £5 by bank transfer, or at the next meeting."},
                          token_from=f"/staff/claims/{claim_id}")
    assert "Please pay back £5 by bank transfer" in cr.get(f"/account/claims/{reference}?lang=en").text()


# --- small fixes ----------------------------------------------------------------------------------------

def test_an_advance_never_takes_a_claims_reference(app, monkeypatch) -> None:
    with app.app_context():
        sam = person(app)
        claim = claim_for(sam, date(2026, 5, 1), "k1")
        made = iter([claim.reference, "TP-FRSH-01"])
        monkeypatch.setattr(drafts, "new_reference", lambda: next(made))
        advance = advances.ask(sam, None, {"activity": "G", "activity_date": date(2026, 5, 1), "kind": "taxi",
                                           "pence": 100, "reason": "x"}, ("contributor", sam.id, "t"))
        assert advance.reference == "TP-FRSH-01"


def test_the_person_is_told_when_a_supporter_asks_for_an_advance(app) -> None:
    from tests.account.test_acting_for import _sam_and_chris

    _sam, sam_id, chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms", "see_claims"])
    chris.post_redirect("/account/acting-for", {"contributor_id": str(sam_id)}, token_from="/account/supporters")
    chris.post_redirect("/account/advances/new", ASK)
    with app.app_context():
        assert db.session().scalar(select(Advance.contributor_id)) == sam_id
        told = db.session().scalar(select(OutboxMessage).where(OutboxMessage.purpose == "acted_advance_asked"))
        assert told is not None and told.to_address == "sam@example.org"
        assert "Chris Carer asked for money before a meeting (an advance) for you." in told.text_body
