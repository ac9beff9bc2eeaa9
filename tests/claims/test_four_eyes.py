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


def test_bank_details_entered_by_staff_wait_for_a_second_member_of_staff(app) -> None:
    import csv
    import io

    from sqlalchemy import update

    from app.account import service as accounts
    from app.account.models import BankDetailsChange, Contributor
    from app.mail import OutboxMessage

    old = {"account_name": "S Example", "sort_code": "309452", "account_number": "00733445", "roll_number": ""}
    with app.app_context():
        sam = person(app)
        accounts.save_bank_details(sam, old, ("system", None, "t"))
        paid = claim_for(sam, DAY - timedelta(days=30), "paid-before")
        db.session().execute(update(Claim).where(Claim.id == paid.id).values(status="paid", paid_on=DAY - timedelta(days=20)))
        db.session().commit()
        sam_id = sam.id
    olu = staff_client(app, "officer")
    olu.post_redirect(f"/staff/contributors/{sam_id}/act", {}, token_from=f"/staff/contributors/{sam_id}")
    olu.post_redirect("/account/details/bank", {"account_name": "O Officer", "sort_code": "40-11-62",
                                                "account_number": "99999999", "roll_number": ""})
    with app.app_context():
        sam = db.session().get(Contributor, sam_id)
        assert accounts.bank_details(sam) == old  # payments still go where they went before
        told = db.session().scalar(select(OutboxMessage).where(OutboxMessage.purpose == "acted_bank_change_requested"))
        assert told.to_address == "sam@example.org" and "second member of the team approves" in told.text_body
    page = olu.get(f"/staff/contributors/{sam_id}?lang=en")
    assert "You entered them, so someone else on the team must approve them." in page.text()
    with app.app_context():
        change_id = db.session().scalar(select(BankDetailsChange.id))
    olu.post_redirect(f"/staff/contributors/{sam_id}/bank-change/{change_id}", {"decision": "approve"},
                      token_from=f"/staff/contributors/{sam_id}")
    with app.app_context():
        assert db.session().get(BankDetailsChange, change_id).outcome == ""
    ola = staff_client(app, "officer", email="ola@example.org")
    ola.post_redirect(f"/staff/contributors/{sam_id}/bank-change/{change_id}", {"decision": "approve"},
                      token_from=f"/staff/contributors/{sam_id}")
    with app.app_context():
        sam = db.session().get(Contributor, sam_id)
        assert accounts.bank_details(sam)["account_number"] == "99999999"
    # A claim approved after the change (by someone who did not touch Sam's record) is marked for finance.
    with app.app_context():
        claim_id = claim_for(db.session().get(Contributor, sam_id), DAY, "after-the-change").id
    staff_client(app, "admin").post_redirect(f"/staff/claims/{claim_id}/approve", {})
    finance = staff_client(app, "finance")
    assert "check it with the person before paying" in finance.get("/staff/finance?lang=en").text()
    finance.post_redirect("/staff/finance/export", {}, token_from="/staff/finance")
    rows = list(csv.DictReader(io.StringIO(finance.client.get("/staff/finance/batches/1.csv")
                                           .get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["account_number"], r["bank_details_changed"]) for r in rows] == [("99999999", "yes")]


def test_a_staff_account_linked_to_the_payee_never_decides_their_claim(app) -> None:
    claim_id = _claim(app, email="olu.at.home@example.net")  # another address altogether
    with app.app_context():
        payee_id = db.session().get(Claim, claim_id).contributor_id
    admin = staff_client(app, "admin")
    other_admin = staff_client(app, "admin", email="bea@example.org")  # nobody links their own account
    other_admin.post_redirect(f"/staff/contributors/{payee_id}/staff-account", {"staff_id": "1"},
                              token_from=f"/staff/contributors/{payee_id}")  # the first admin's account, id 1
    admin.post_redirect(f"/staff/claims/{claim_id}/approve", {})
    with app.app_context():
        assert db.session().get(Claim, claim_id).status == "submitted"
        from app.staff.models import StaffUser

        assert db.session().get(StaffUser, 1).contributor_id == payee_id
    # Signing in as a contributor in a browser signed in as staff links the two as well.
    olu = staff_client(app, "officer")
    other_id = _claim(app, email="someone@example.org")
    with app.app_context():
        other_payee = db.session().get(Claim, other_id).contributor_id
        from app.account import service as accounts
        from app.account.models import Contributor

        token, _code = accounts.issue_sign_in("someone@example.org", db.session().get(Contributor, other_payee),
                                              timedelta(minutes=5))
        db.session().commit()
    olu.post_redirect(f"/account/sign-in/{token}", {}, token_from=f"/account/sign-in/{token}")
    olu.post_redirect(f"/staff/claims/{other_id}/approve", {}, token_from=f"/staff/claims/{other_id}")
    with app.app_context():
        assert db.session().get(Claim, other_id).status == "submitted"


# --- what the attacker's review of the four-eyes work found --------------------------------------------------------

def test_one_mailbox_holds_one_staff_account_and_two_logins_are_not_four_eyes(app) -> None:
    from tests.conftest import make_staff

    admin = staff_client(app, "admin", email="alex@example.org")
    second = admin.post("/staff/accounts/new?lang=en", {"name": "Alex Two", "email": "Alex+2@example.org",
                                                        "role": "officer", "password": "a long first password"})
    assert second.error_summary() == [("#email", "There is already a staff account with this email address")]
    # Accounts made before this rule (or straight in the database) are still one person.
    make_staff(app, "officer", email="alex+old@example.org")
    claim_id = _claim(app)
    admin.post_redirect(f"/staff/claims/{claim_id}/approve", {"allowed-fee": "4999.00", "reason-fee": "extra"})
    old = ClientRequestFor(app, "alex+old@example.org")
    old.post_redirect(f"/staff/claims/{claim_id}/approve", {}, token_from=f"/staff/claims/{claim_id}")
    with app.app_context():
        assert db.session().get(Claim, claim_id).status == "submitted"


def ClientRequestFor(app, email: str):  # type: ignore[no-untyped-def]  # noqa: N802 - reads as a constructor
    from tests.conftest import ClientRequest, sign_in

    client = ClientRequest(app.test_client())
    sign_in(client, email)
    return client


def test_nobody_unlinks_or_links_their_own_record(app) -> None:
    from app.staff.models import StaffUser

    claim_id = _claim(app, email="ada.home@example.net")
    with app.app_context():
        payee_id = db.session().get(Claim, claim_id).contributor_id
    ada = staff_client(app, "admin", email="ada@example.org")
    bea = staff_client(app, "admin", email="bea@example.org")
    with app.app_context():
        ada_id = db.session().scalar(select(StaffUser.id).where(StaffUser.email == "ada@example.org"))
    bea.post_redirect(f"/staff/contributors/{payee_id}/staff-account", {"staff_id": str(ada_id)},
                      token_from=f"/staff/contributors/{payee_id}")
    ada.post_redirect(f"/staff/contributors/{payee_id}/staff-account", {"staff_id": ""},
                      token_from=f"/staff/contributors/{payee_id}")
    with app.app_context():
        assert db.session().get(StaffUser, ada_id).contributor_id == payee_id
        events = list(db.session().scalars(select(AuditEvent.action).where(
            AuditEvent.record_type == "contributor", AuditEvent.record_id == str(payee_id))))
        assert "contributor.staff_account_set" in events
    ada.post_redirect(f"/staff/claims/{claim_id}/approve", {})
    with app.app_context():
        assert db.session().get(Claim, claim_id).status == "submitted"


def test_a_paid_date_cannot_be_in_the_future(app) -> None:
    from tests.claims.test_export import approved_claims

    with app.app_context():
        [claim_id] = approved_claims(app, ["Ann Example"])
    finance = staff_client(app, "finance")
    finance.post_redirect("/staff/finance/export", {}, token_from="/staff/finance")
    future = date.today() + timedelta(days=400)
    page = finance.post(f"/staff/claims/{claim_id}/paid?lang=en", {"paid_on-day": str(future.day),
                                                                    "paid_on-month": str(future.month),
                                                                    "paid_on-year": str(future.year)},
                        expected_status=400, token_from=f"/staff/claims/{claim_id}")
    assert "The date must be today or in the past" in [m for _, m in page.error_summary()]


def test_a_change_after_an_export_not_yet_marked_paid_is_flagged(app) -> None:
    import csv
    import io

    from app.account import service as accounts
    from app.account.models import Contributor
    from tests.claims.test_export import approved_claims

    with app.app_context():
        approved_claims(app, ["Ann Example"])
    finance = staff_client(app, "finance")
    finance.post_redirect("/staff/finance/export", {}, token_from="/staff/finance")  # sent, not yet paid
    with app.app_context():
        ann = db.session().scalar(select(Contributor).where(Contributor.name == "Ann Example"))
        accounts.save_bank_details(ann, {"account_name": "Ann New", "sort_code": "401162",
                                         "account_number": "11112222", "roll_number": ""}, ("system", None, "t"))
        from app.staff.models import StaffUser

        later = claim_for(ann, DAY, "after")
        service.transition(later, "approved", db.session().scalar(select(StaffUser).where(StaffUser.role == "officer")))
    finance.post_redirect("/staff/finance/export", {}, token_from="/staff/finance")
    rows = list(csv.DictReader(io.StringIO(finance.client.get("/staff/finance/batches/2.csv")
                                           .get_data(as_text=True).lstrip("\ufeff"))))
    assert [(r["account_number"], r["bank_details_changed"]) for r in rows] == [("11112222", "yes")]
