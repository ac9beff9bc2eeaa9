"""Claims service: priced from the dated rates in force, sent once, moved only by the right people."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import func, select

from app import db
from app.account.models import Contributor
from app.audit import AuditEvent
from app.claims import pricing, service
from app.claims.models import Claim, ClaimLine
from app.mail import OutboxMessage
from app.staff.models import StaffUser
from tests.account.test_sign_in import make_contributor
from tests.conftest import make_staff

BY = ("system", None, "test")


def person(app, email: str = "sam@example.org", **fields) -> Contributor:  # type: ignore[no-untyped-def]
    return db.session().get(Contributor, make_contributor(app, email=email, **fields))


def claim_for(payee: Contributor, day: date, key: str, **values) -> Claim:  # type: ignore[no-untyped-def]
    claim, _ = service.submit(key, payee, None, {"activity": "Leaflet group", "activity_date": day,
                                                 "hours": "2", "preparation": "some"} | values, BY)
    db.session().commit()
    return claim


def staff(app, role: str, email: str | None = None) -> StaffUser:  # type: ignore[no-untyped-def]
    return db.session().get(StaffUser, make_staff(app, role, email=email))


def test_sending_twice_makes_one_claim(app) -> None:
    with app.app_context():
        sam = person(app)
        first = claim_for(sam, date(2026, 5, 1), "form-1")
        again, made = service.submit("form-1", sam, None, {"activity": "x", "activity_date": date(2026, 5, 2)}, BY)
        assert (again.id, made) == (first.id, False)
        assert db.session().scalar(select(func.count()).select_from(Claim)) == 1


def test_claims_keep_the_rate_card_version_they_were_priced_with(app) -> None:
    with app.app_context():
        sam = person(app)
        before = claim_for(sam, date(2025, 12, 15), "a")
        uplift = pricing.DEFAULT_CARD.uplifted(Decimal(10), date(2025, 12, 16), 2)
        service.add_rate_card(uplift.effective_from, list(uplift.rates), "NIHR uplift", BY)
        after = claim_for(sam, date(2025, 12, 16), "b")
        assert (before.rate_card_version, before.fee_pence) == (1, 7500)
        assert (after.rate_card_version, after.fee_pence) == (2, 8250)
        assert db.session().get(Claim, before.id).fee_pence == 7500  # untouched
        with pytest.raises(service.NotAllowed):
            service.add_rate_card(date(2025, 12, 1), list(uplift.rates), "backdated", BY)


def test_waiving_the_fee_still_pays_expenses(app) -> None:
    with app.app_context():
        claim = claim_for(person(app), date(2026, 5, 1), "w", payment_choice="waive",
                          expenses=[{"kind": "parking", "pence": 400}])
        assert (claim.fee_pence, claim.expenses_pence, claim.total_pence) == (0, 400, 400)


def test_mileage_bands_run_across_the_persons_claims_in_the_tax_year(app) -> None:
    with app.app_context():
        sam = person(app)
        ann = person(app, email="ann@example.org")
        claim_for(sam, date(2026, 6, 1), "m1", hours="0",
                  expenses=[{"kind": "mileage", "vehicle": "car", "miles": "9950"}])
        claim_for(ann, date(2026, 6, 1), "other-person", hours="0",
                  expenses=[{"kind": "mileage", "vehicle": "car", "miles": "9990"}])
        crossing = claim_for(sam, date(2026, 7, 1), "m2", hours="0",
                             expenses=[{"kind": "mileage", "vehicle": "car", "miles": "100", "passengers": "1"}])
        assert crossing.expenses_pence == 50 * 45 + 50 * 25 + 100 * 5
        next_year = claim_for(sam, date(2027, 4, 6), "m3", hours="0",
                              expenses=[{"kind": "mileage", "vehicle": "car", "miles": "100"}])
        assert next_year.expenses_pence == 100 * 45  # a new tax year starts at the full rate
        line = db.session().scalar(select(ClaimLine).where(ClaimLine.claim_id == crossing.id))
        assert line.mileage_from == date(2011, 4, 6) and line.miles == 100


def test_caps_apply_when_pricing(app) -> None:
    with app.app_context():
        claim = claim_for(person(app), date(2026, 5, 1), "f", hours="0",
                          expenses=[{"kind": "food", "pence": 2500, "receipts": 1}])
        assert claim.expenses_pence == 1500


def test_query_reply_approve_send_pay_with_emails_in_the_persons_language(app) -> None:
    with app.app_context():
        sam = person(app, language="cy")
        officer, finance = staff(app, "officer"), staff(app, "finance")
        claim = claim_for(sam, date(2026, 5, 1), "q")
        with pytest.raises(service.NotAllowed):
            service.transition(claim, "query", officer, note="")
        service.transition(claim, "query", officer, note="Which bus did you take?")
        service.reply(claim, sam, "The number 7.", BY)
        assert claim.status == "submitted"
        service.transition(claim, "approved", officer)
        service.transition(claim, "sent", finance)
        service.transition(claim, "paid", finance, paid_on=date(2026, 5, 20), payment_reference="BACS-1")
        assert (claim.status, claim.paid_on, claim.payment_reference) == ("paid", date(2026, 5, 20), "BACS-1")
        emails = db.session().scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [m.purpose for m in emails] == ["claim_query", "claim_approved", "claim_sent", "claim_paid"]
        assert {m.locale for m in emails} == {"cy"}
        actions = db.session().scalars(select(AuditEvent.action).where(AuditEvent.record_type == "claim")).all()
        assert actions == ["claim.submitted", "claim.query", "claim.replied", "claim.approved", "claim.sent",
                           "claim.paid"]


def test_each_role_does_only_its_part_and_nobody_approves_their_own_claim(app) -> None:
    with app.app_context():
        sam = person(app)
        officer, finance = staff(app, "officer"), staff(app, "finance")
        claim = claim_for(sam, date(2026, 5, 1), "r")
        with pytest.raises(service.NotAllowed):
            service.transition(claim, "approved", finance)  # finance pays, it does not approve
        with pytest.raises(service.NotAllowed):
            service.transition(claim, "paid", officer)  # not from "submitted", and not an officer's job
        service.transition(claim, "approved", officer)
        with pytest.raises(service.NotAllowed):
            service.transition(claim, "paid", officer)
        own = claim_for(person(app, email="olu@example.org"), date(2026, 5, 1), "own")
        olu = staff(app, "officer", email="Olu@Example.org")
        with pytest.raises(service.NotAllowed):
            service.transition(own, "approved", olu)
        with pytest.raises(service.NotAllowed):
            service.transition(claim, "rejected", officer, note="too late")  # approved cannot be rejected


def test_changing_a_line_when_approving_needs_a_reason(app) -> None:
    with app.app_context():
        officer = staff(app, "officer")
        claim = claim_for(person(app), date(2026, 5, 1), "l", expenses=[{"kind": "taxi", "pence": 3000,
                                                                          "description": "No bus", "receipts": 1}])
        line = db.session().scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id))
        with pytest.raises(service.NotAllowed):
            service.transition(claim, "approved", officer, line_changes={line.id: (2000, "")})
        service.transition(claim, "approved", officer, line_changes={line.id: (2000, "Receipt shows £20")})
        assert (claim.expenses_pence, claim.total_pence, line.change_reason) == (2000, 9500, "Receipt shows £20")
