"""Four eyes on money: what the money-and-sign-in review reproduced, each now refused.

An officer acting for a person then approved that person's £25 claim at £4,999; the own-claim
check matched email addresses exactly, so ``officer+tp@…`` passed.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import db
from app.audit import AuditEvent
from app.claims import service
from app.claims.models import Claim
from tests.claims.test_claim_service import claim_for, person, staff
from tests.claims.test_processing import staff_client

DAY = date.today() - timedelta(days=5)


def _claim(app, email: str = "sam@example.org") -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return claim_for(person(app, email=email), DAY, f"k-{email}").id


def test_an_officer_cannot_decide_a_claim_paid_to_the_same_mailbox(app) -> None:
    claim_id = _claim(app, email="Officer+TP@Example.org")
    with app.app_context():
        officer = staff(app, "officer")
        claim = db.session().get(Claim, claim_id)
        assert service.own_claim(officer, claim)
        with pytest.raises(service.NotAllowed):
            service.transition(claim, "approved", officer)


def test_an_officer_who_acted_for_the_person_cannot_decide_their_claims(app) -> None:
    claim_id = _claim(app)
    with app.app_context():
        person_id = db.session().get(Claim, claim_id).contributor_id
    olu = staff_client(app, "officer")
    olu.post_redirect(f"/staff/contributors/{person_id}/act", {}, token_from=f"/staff/contributors/{person_id}")
    page = olu.get(f"/staff/claims/{claim_id}?lang=en")
    assert "someone else must decide their claims" in page.text()
    assert page.find(".//input[@name='allowed-fee']") is None  # no way to approve here
    olu.post_redirect(f"/staff/claims/{claim_id}/approve", {}, token_from=f"/staff/claims/{claim_id}")
    with app.app_context():
        assert db.session().get(Claim, claim_id).status == "submitted"
    other = staff_client(app, "officer", email="ola@example.org")
    other.post_redirect(f"/staff/claims/{claim_id}/approve", {})
    with app.app_context():
        assert db.session().get(Claim, claim_id).status == "approved"


def test_paying_more_than_was_claimed_needs_a_second_approver(app) -> None:
    claim_id = _claim(app)
    olu = staff_client(app, "officer")
    raised = {"allowed-fee": "4999.00", "reason-fee": "extra work"}
    olu.post_redirect(f"/staff/claims/{claim_id}/approve", raised)
    with app.app_context():
        claim = db.session().get(Claim, claim_id)
        assert (claim.status, claim.fee_pence, claim.approved_by_id) == ("submitted", 499900, None)
    page = olu.get(f"/staff/claims/{claim_id}?lang=en")
    assert "a second member of staff must approve it" in page.text()
    olu.post_redirect(f"/staff/claims/{claim_id}/approve", {})  # the same officer again: still waiting
    with app.app_context():
        assert db.session().get(Claim, claim_id).status == "submitted"
    ola = staff_client(app, "officer", email="ola@example.org")
    ola.post_redirect(f"/staff/claims/{claim_id}/approve", {})
    with app.app_context():
        claim = db.session().get(Claim, claim_id)
        assert (claim.status, claim.fee_pence) == ("approved", 499900)
        actions = db.session().scalars(select(AuditEvent.action).where(AuditEvent.record_type == "claim",
                                                                       AuditEvent.record_id == str(claim_id)))
        assert ["claim.first_approval", "claim.approved"] == [a for a in actions if a != "claim.submitted"]


def test_paying_less_than_was_claimed_needs_one_approver(app) -> None:
    claim_id = _claim(app)
    olu = staff_client(app, "officer")
    olu.post_redirect(f"/staff/claims/{claim_id}/approve", {"allowed-fee": "10.00", "reason-fee": "one hour"})
    with app.app_context():
        assert db.session().get(Claim, claim_id).status == "approved"
