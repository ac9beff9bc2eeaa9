"""Who may open what: an explicit access decision for every route, checked against the running app.

``DECISIONS`` names every endpoint in the URL map (``static`` aside). A new route without a
decision fails the suite, and so does a decision for a route that no longer exists. Each
route is then requested as everyone who might try it: nobody signed in, contributor A (who
owns the records in the URL), contributor B, A's supporter who may fill in forms and see
claims, one who may only fill in forms, one who may see claims and answer questions about them, A's supporter who
may do neither, a supporter whose agreement A withdrew, one who only said they help A (not
yet confirmed by A), and each staff role. GET routes are fetched; routes
that take a POST are posted with a valid CSRF token. A refused request must leave every
table exactly as it was, and must never show A's details. Nothing anywhere may be a 5xx.

One database is built for the module; each route is one test so a failure names its route,
and each failing cell is listed in the message (who, method, URL, what came back).
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any, Callable, Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image
from sqlalchemy import select

from app import create_app, db
from app.security import STAFF_ROLES
from tests.conftest import fresh_database, make_settings, make_staff, signed_in_session

# --- the decisions --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """Who may use a route.

    ``kind`` is "public" (anyone), "contributor" (anyone signed in as a contributor),
    "owner" (only the contributors named in ``allowed``, for a record of A's in the URL or
    form) or "staff" (only staff whose role is in ``allowed``).
    """

    kind: str
    allowed: frozenset[str] = frozenset()
    why: str = ""  # one line a reader can check, for every decision about one person's records

    def __str__(self) -> str:
        return self.kind + (f" ({', '.join(sorted(self.allowed))})" if self.allowed else "") + (
            f": {self.why}" if self.why else "")


PUBLIC = Decision("public")
CONTRIBUTOR = Decision("contributor")


def owner(*who: str, why: str) -> Decision:
    assert why, "say why these people, and nobody else, may use it"
    return Decision("owner", frozenset(who), why)


def staff(*roles: str) -> Decision:
    assert set(roles) <= set(STAFF_ROLES), roles
    return Decision("staff", frozenset(roles))


ALL_STAFF = staff("admin", "officer", "finance")
CASEWORK = staff("admin", "officer")
MONEY = staff("admin", "finance")
ADMIN = staff("admin")

DECISIONS: dict[str, Decision | dict[str, Decision]] = {
    # Anyone: the public site, finding roles, saying you are interested, signing in and out.
    "site.home": PUBLIC,
    "site.accessibility": PUBLIC,
    "site.healthz": PUBLIC,
    "find_roles.index": PUBLIC,
    "find_roles.show": PUBLIC,
    "find_roles.document": PUBLIC,
    "interest.start": PUBLIC,
    "interest.page": PUBLIC,  # the draft is the browser's own (or the signed-in person's)
    "interest.done": PUBLIC,
    "interest.equality": PUBLIC,
    "account.sign_in": PUBLIC,
    "account.check_email": PUBLIC,
    "account.sign_in_text": PUBLIC,
    "account.check_phone": PUBLIC,
    "account.use_link": PUBLIC,
    "account.sign_out": PUBLIC,
    "staff.sign_in": PUBLIC,
    "staff.sign_out": PUBLIC,
    # Anyone signed in as a contributor, about themselves (or someone they act for).
    "account.home": CONTRIBUTOR,
    "account.details_name": CONTRIBUTOR,
    "account.setup": CONTRIBUTOR,
    "account.details_contact": CONTRIBUTOR,
    "account.confirm_mobile": CONTRIBUTOR,
    "account.confirm_mobile_code": CONTRIBUTOR,
    "account.details_language": CONTRIBUTOR,
    "account.details_access": CONTRIBUTOR,
    "account.details_payment": CONTRIBUTOR,
    "account.details_bank": CONTRIBUTOR,
    "account.supporters": CONTRIBUTOR,
    "account.new_supporter": CONTRIBUTOR,
    "account.ask_for_help": CONTRIBUTOR,  # a private message about themselves, never while acting for someone
    "account.stop_acting_for": CONTRIBUTOR,
    "account.sign_out_everywhere": CONTRIBUTOR,
    "account.your_data": CONTRIBUTOR,
    "account.data_download": CONTRIBUTOR,
    "account.data_view": CONTRIBUTOR,
    "account.data_erase": CONTRIBUTOR,
    "account.your_forms": CONTRIBUTOR,
    "account.start_form": CONTRIBUTOR,
    "claims.new": CONTRIBUTOR,
    "claims.yours": CONTRIBUTOR,
    "advances.new": CONTRIBUTOR,  # for themselves, or the person they fill in forms for now
    "interest.yours": CONTRIBUTOR,
    # One of A's records: A, and a supporter only where A allowed it.
    "account.start_acting_for": owner("helper", "filler", why="only a supporter A lets fill in forms, now"),
    "account.withdraw_supporter": owner("a", why="only the person ends an agreement to act for them"),
    "account.confirm_supporter": owner("a", why="only the person answers \"does X help you?\""),
    "account.change_supporter": owner("a", why="only the person changes what a supporter may do"),
    "account.delete_form": owner("a", why="a form in progress is its filler's (A filled these in)"),
    "claims.page": owner("a", why="A's claim in progress: A filled it in"),
    "claims.delete_receipt": owner("a", why="a receipt on A's claim in progress"),
    "claims.done": owner("a", "helper", "replier", why="'claim sent' shows the claim: see-claims supporters"),
    "claims.claim": {"GET": owner("a", "helper", "replier", why="A's claim: A, and supporters allowed to see claims"),
                     "POST": owner("a", "replier", why="answering the team's question needs 'answer questions'")},
    "claims.receipt": owner("a", "helper", "replier", why="a receipt is part of the claim: see-claims supporters"),
    "advances.advance": {"GET": owner("a", "helper", "replier", why="A's advance: A, and see-claims supporters"),
                         "POST": owner("a", "replier", why="answering the team's question needs 'answer questions'")},
    "advances.cash_answer": owner("a", "replier", why="saying whether cash came is answering: 'answer questions'"),
    "interest.resume": owner("a", why="A's interest form in progress: A filled it in"),
    "interest.withdraw": owner("a", why="withdrawing A's interest: A (or a supporter acting for A, not tried)"),
    # Staff, by role.
    "staff.home": ALL_STAFF,
    "staff.change_password": ALL_STAFF,
    "staff.accounts": ADMIN,
    "staff.new_account": ADMIN,
    "staff.set_active": ADMIN,
    "staff.audit_trail": ADMIN,
    "staff.outbox": ADMIN,
    "staff.tasks": CASEWORK,
    "staff.task": CASEWORK,
    "staff.task_done": CASEWORK,
    "staff.task_erase": CASEWORK,
    "staff.contributors": CASEWORK,
    "staff.new_contributor": CASEWORK,
    "staff.contributor": CASEWORK,
    "staff.send_sign_in_email": CASEWORK,
    "staff.act_for": CASEWORK,
    "staff.decide_bank_change": CASEWORK,
    "staff.link_staff_account": ADMIN,  # which staff account is this person's own  # the second pair of eyes on bank details (never the one who entered them)
    "staff.stop_acting_for": CASEWORK,
    "staff.new_supporter": CASEWORK,
    "staff.withdraw_supporter": CASEWORK,
    "roles.index": CASEWORK,
    "roles.new": CASEWORK,
    "roles.edit": CASEWORK,
    "roles.status": CASEWORK,
    "roles.translations": CASEWORK,
    "roles.translation": CASEWORK,
    "triage.role_interests": CASEWORK,
    "triage.interest": CASEWORK,
    "triage.change_status": CASEWORK,
    "triage.add_note": CASEWORK,
    "triage.equality": CASEWORK,
    "claims_staff.queue": ALL_STAFF,
    "claims_staff.claim": ALL_STAFF,
    "claims_staff.receipt": ALL_STAFF,
    "claims_staff.assign": ALL_STAFF,
    "claims_staff.query": CASEWORK,
    "claims_staff.reject": CASEWORK,
    "claims_staff.approve": CASEWORK,
    "claims_staff.paid": MONEY,
    "claims_staff.fee": CASEWORK,  # recording what the person chose for a fee on hold
    # The queue's bulk form is open to all staff, but approving in bulk (what is posted here)
    # is for those who approve: finance may only mark claims paid.
    "claims_staff.bulk": CASEWORK,
    "finance.rates": {"GET": ALL_STAFF, "POST": ADMIN},  # everyone reads the rates; admins add a version
    "finance.rate": ADMIN,  # changing or retiring one rate
    "finance.expense_rules": ADMIN,
    "finance.finance": MONEY,
    "finance.make_export": MONEY,
    "finance.download": MONEY,
    "finance.totals": MONEY,
    "finance.mileage_rates": ADMIN,
    "claims_staff.sent": MONEY,
    "advances_staff.queue": ALL_STAFF,
    "advances_staff.show": ALL_STAFF,
    "advances_staff.approve": CASEWORK,
    "advances_staff.query": CASEWORK,
    "advances_staff.reject": CASEWORK,
    "advances_staff.paid": MONEY,
    "advances_staff.cash": CASEWORK,  # whoever hands over cash on the day records it
    "advances_staff.to_sort_out": ALL_STAFF,
    "advances_staff.sort_out": CASEWORK,  # recover, carry forward or convert: the team decides
    "claims_staff.recover_reason": CASEWORK,
    # Meetings: the meeting's page and its feedback are for anyone with the link; claiming for one
    # is for someone who came (A); everything about arranging and reading feedback is casework.
    "meetings.show": PUBLIC,
    "meetings.pack": PUBLIC,  # the meeting's page on paper: what anyone with its short link reads
    "meetings.feedback": PUBLIC,
    "meetings.thanks": PUBLIC,
    "meetings.yours": CONTRIBUTOR,
    "meetings.claim": owner("a", why="a claim for a meeting A came to: A"),
    "meetings.calendar": owner("a", why="the calendar file of a meeting A is down to come to: A"),
    "meetings_staff.role_meetings": CASEWORK,
    "meetings_staff.new": CASEWORK,
    "meetings_staff.edit": CASEWORK,
    "meetings_staff.meeting": CASEWORK,
    "meetings_staff.attendees": CASEWORK,
    "meetings_staff.cancel": CASEWORK,
    "meetings_staff.feedback": CASEWORK,
    "meetings_staff.feedback_csv": CASEWORK,
    "meetings_staff.claim_form": CASEWORK,  # a paper claim form with A's details: the team only
    "meetings_staff.redact": CASEWORK,
    "meetings_staff.role_feedback": CASEWORK,
    "meetings_staff.add_you_said": CASEWORK,
    "meetings_staff.publish": CASEWORK,
    "meetings_staff.translate": CASEWORK,
    # Your involvement: one's own record, or (?person=) the record of someone who lets you see their payments.
    "involvement.yours": CONTRIBUTOR,
    "impact.role_impact": CASEWORK,
    "impact.edit_impact": CASEWORK,
    "impact.publish_impact": CASEWORK,
    "meetings_staff.support_now": ADMIN,
    "meetings_staff.support_now_edit": ADMIN,
}



def decision_for(endpoint: str, method: str) -> Decision:
    """The decision for one method of a route (most routes have one for all methods)."""
    decision = DECISIONS[endpoint]
    return decision[method] if isinstance(decision, dict) else decision


CONTRIBUTORS = ("a", "b", "helper", "filler", "replier", "nosupport", "withdrawn", "waiting")
PEOPLE = ("anonymous",) + CONTRIBUTORS + STAFF_ROLES

# --- one world for the module -----------------------------------------------------------------------

A_NAME, A_EMAIL, A_ACTIVITY = "Alexandra Ownerly", "alexandra@example.org", "Alexandra's leaflet round"


@dataclass
class World:
    app: Flask
    ids: dict[str, int]  # contributor and staff ids by identity
    refs: dict[str, Any]  # record ids and keys used in URLs
    receipt_bytes: bytes


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 200, 30)).save(out, format="JPEG")
    return out.getvalue()


def _seed(app: Flask) -> World:
    from app.account import drafts
    from app.account import service as accounts
    from app.account.models import Contributor
    from app.claims import export, service as claims
    from app.claims.models import Receipt
    from app.db import utcnow
    from app.interests import service as interests
    from app.interests.models import Interest
    from app.roles import service as roles
    from app.staff.models import StaffTask, StaffUser
    from app.storage import storage
    from tests.roles.test_role_service import COMPLETE

    ids = {role: make_staff(app, role) for role in STAFF_ROLES}
    spare_staff = make_staff(app, "officer", email="spare.officer@example.org", name="Spare Officer")
    by = ("system", None, "access matrix")
    receipt_bytes = _jpeg()
    with app.test_request_context():  # emails are composed with links
        s = db.session()
        now = utcnow()

        def person(email: str, name: str) -> Contributor:
            row = Contributor(email=email, name=name, language="en", access_needs=[], created_at=now,
                              updated_at=now, session_version=1)
            s.add(row)
            s.flush()
            return row

        a, b, victim = person(A_EMAIL, A_NAME), person("bea@example.org", "Bea Other"), person(
            "vic@example.org", "Vic Erased")
        links = {}
        for key, email, permissions in (("helper", "hal@example.org", ["fill_forms", "see_claims"]),
                                        ("filler", "fay@example.org", ["fill_forms"]),
                                        ("replier", "ray@example.org", ["see_claims", "reply_queries"]),
                                        ("withdrawn", "will@example.org", ["fill_forms", "see_claims",
                                                                           "reply_queries"]),
                                        ("nosupport", "nell@example.org", ["receive_emails"]),
                                        ("spare", "sid@example.org", ["receive_emails"]),
                                        ("spare2", "sue@example.org", ["receive_emails"])):
            link, _ = accounts.add_supporter(a, name=key.title(), email=email, relationship="friend",
                                             permissions=permissions, locale="en")
            links[key] = link
        accounts.withdraw_supporter(links["withdrawn"], by)
        waiting = person("walt@example.org", "Walt Waiting")  # said he helps A; A has not confirmed
        from app.account.models import SupportLink

        waiting_link = SupportLink(contributor_id=a.id, supporter_id=waiting.id, relationship="friend",
                                   can_fill_forms=True, can_see_claims=True, can_reply_queries=True,
                                   can_receive_emails=True, consent_how="supporter_said", consent_at=now,
                                   consent_recorded_by="supporter 0", created_at=now, confirmed_at=None)
        s.add(waiting_link)
        from app import crypto
        from app.account.models import BankDetailsChange

        bank_change = BankDetailsChange(contributor_id=a.id, details=crypto.encrypt_json(
            {"account_name": "A Ownerly", "sort_code": "309452", "account_number": "00733445", "roll_number": ""}),
            requested_by_id=spare_staff, requested_at=now, outcome="")
        s.add(bank_change)
        s.flush()
        ids.update(a=a.id, b=b.id, helper=links["helper"].supporter_id, nosupport=links["nosupport"].supporter_id,
                   replier=links["replier"].supporter_id, filler=links["filler"].supporter_id, withdrawn=links["withdrawn"].supporter_id,
                   waiting=waiting.id)

        public_role = roles.create(COMPLETE | {"closing_date": date.today() + timedelta(days=10)}, by)
        roles.publish(public_role, by)
        staff_role = roles.create(COMPLETE | {"title": "A role staff are editing"}, by)

        # A's records: a sent claim with a receipt, a claim in progress with a receipt, another form,
        # an interest and an interest in progress.
        day = date.today() - timedelta(days=3)
        values = {"activity": A_ACTIVITY, "activity_date": day, "hours": "2", "preparation": "some",
                  "expenses": [{"kind": "parking", "pence": 400, "receipts": 1}]}
        a_claim, _ = claims.submit("a-sent-claim", a, None, values, by)
        sent_receipt = Receipt(claim_id=a_claim.id, owner_id=a.id, storage_key=storage().save(receipt_bytes, ".jpg"),
                               content_type="image/jpeg", size=len(receipt_bytes), name="parking.jpg", created_at=now)
        claim_draft = drafts.start("claim", a, a, "Claim")
        drafts.save_page(claim_draft, "activity", {"activity": "other", "other_activity": A_ACTIVITY,
                                                   "activity_date": day.isoformat()})
        draft_receipt = Receipt(draft_id=claim_draft.public_id, owner_id=a.id,
                                storage_key=storage().save(receipt_bytes, ".jpg"), content_type="image/jpeg",
                                size=len(receipt_bytes), name="bus.jpg", created_at=now)
        s.add_all([sent_receipt, draft_receipt])
        from app.claims import advances

        a_advance = advances.ask(a, None, {"activity": A_ACTIVITY, "activity_date": date.today() + timedelta(days=3),
                                           "kind": "taxi", "pence": 2000, "reason": "Cannot pay first"}, by)
        other_draft = drafts.start("claim", a, a, "Another claim")
        interest_draft = drafts.start("interest", a, a, "Interest")
        interest_draft.data = {"_role": public_role.id}
        interest = Interest(
            reference="TP-MATRIX-A", role_id=public_role.id, role_version=1, contributor_id=a.id,
            submitted_by_id=None, relationship=None, agreement=None, name=A_NAME, email=A_EMAIL,
            phone="07700 900 123", address="", contact_channel="email", best_times="", language="en",
            easy_read=False, ways=["online"], availability=["weekend"], availability_note="", access_needs=[],
            interpreter_language="", access_other="", hopes="", brings="", payment_preference="paid",
            consent_at=now, confirmed_at=now, status="new", reason="", status_changed_at=now, created_at=now,
            delete_after=interests.delete_after(public_role))
        s.add(interest)
        done_task = StaffTask(kind="benefits_talk", contributor_id=a.id, created_at=now)
        erase_task = StaffTask(kind="erasure_request", contributor_id=victim.id, created_at=now)
        s.add_all([done_task, erase_task])
        s.commit()

        # A payment file, from someone else's approved claim.
        b_claim, _ = claims.submit("b-claim", b, None, values | {"activity": "Bea's meeting"}, by)
        officer = s.get(StaffUser, ids["officer"])
        claims.transition(b_claim, "approved", officer)
        batch = export.make_batch(s.get(StaffUser, ids["finance"]))
        assert batch is not None
        # A meeting A came to, just over, with an anonymous comment and an unpublished response.
        from app.meetings import service as meetings
        from app.meetings.models import FeedbackComment

        meeting = meetings.create(public_role, {"title": "Leaflet group", "starts_at": now - timedelta(hours=3),
                                                "minutes": 60, "format": "online"}, by)
        meetings.set_attendees(meeting, [(a.id, False)], by)
        meetings.give_feedback(meeting, {"overall": 3}, {"change": "Shorter, please"}, False, person=None,
                               giver=None)
        you_said = meetings.add_response(meeting, {"you_said": "Too long", "we_did": "Shorter now",
                                                   "changed": True}, by)
        comment = s.scalar(select(FeedbackComment.id))
        from app.involvement import service as involvement

        impact = involvement.add_impact(public_role, {"what_changed": "Shorter meetings", "changed_on": now.date(),
                                                      "meeting_id": meeting.id}, by)
        s.commit()
        refs = dict(
            meeting=meeting.id, meeting_code=meeting.code, comment=comment, you_said=you_said.id,
            role=public_role.id, staff_role=staff_role.id, claim=a_claim.id, claim_ref=a_claim.reference,
            claim_key="a-sent-claim", receipt=sent_receipt.id, draft=claim_draft.public_id,
            draft_receipt=draft_receipt.id, other_draft=other_draft.public_id, interest=interest.id,
            interest_ref=interest.reference, interest_draft=interest_draft.public_id, done_task=done_task.id,
            erase_task=erase_task.id, spare_link=links["spare"].id, spare2_link=links["spare2"].id,
            waiting_link=waiting_link.id, bank_change=bank_change.id,
            spare_staff=spare_staff, batch=batch.id, advance=a_advance.id, advance_ref=a_advance.reference,
            impact=impact.id,
        )
    return World(app, ids, refs, receipt_bytes)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    tmp: Path = tmp_path_factory.mktemp("access")
    app = create_app(make_settings(fresh_database("access_matrix", tmp), tmp))
    yield _seed(app)
    app.extensions["db_engine"].dispose()


# Where each route points: A's records (and harmless targets for staff actions that change things).
URL_ARGS: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "find_roles.show": lambda r: {"role_id": r["role"]},
    "find_roles.document": lambda r: {"role_id": r["role"]},
    "interest.start": lambda r: {"role_id": r["role"]},
    "interest.page": lambda r: {"role_id": r["role"], "page": "who"},
    "account.setup": lambda r: {"step": "name"},
    "interest.done": lambda r: {"role_id": r["role"]},
    "interest.equality": lambda r: {"role_id": r["role"]},
    "interest.resume": lambda r: {"role_id": r["role"], "public_id": r["interest_draft"]},
    "interest.withdraw": lambda r: {"reference": r["interest_ref"]},
    "account.use_link": lambda r: {"token": "not-a-real-token"},
    "account.start_form": lambda r: {"kind": "claim"},
    "account.withdraw_supporter": lambda r: {"link_id": r["spare_link"]},
    "account.confirm_supporter": lambda r: {"link_id": r["waiting_link"]},
    "meetings_staff.support_now_edit": lambda r: {"locale": "cy"},
    "account.change_supporter": lambda r: {"link_id": r["spare2_link"]},
    "account.delete_form": lambda r: {"public_id": r["other_draft"]},
    "claims.page": lambda r: {"public_id": r["draft"], "page": "activity"},
    "claims.delete_receipt": lambda r: {"public_id": r["draft"], "receipt_id": r["draft_receipt"]},
    "claims.done": lambda r: {"public_id": r["claim_key"]},
    "claims.claim": lambda r: {"reference": r["claim_ref"]},
    "claims.receipt": lambda r: {"reference": r["claim_ref"], "receipt_id": r["receipt"]},
    "finance.rate": lambda r: {"code": "nihr_25"},
    "advances.advance": lambda r: {"reference": r["advance_ref"]},
    "advances_staff.show": lambda r: {"advance_id": r["advance"]},
    "advances_staff.approve": lambda r: {"advance_id": r["advance"]},
    "advances_staff.query": lambda r: {"advance_id": r["advance"]},
    "advances_staff.reject": lambda r: {"advance_id": r["advance"]},
    "advances_staff.paid": lambda r: {"advance_id": r["advance"]},
    "advances_staff.sort_out": lambda r: {"advance_id": r["advance"]},
    "advances_staff.cash": lambda r: {"person_id": r["a"]},
    "advances.cash_answer": lambda r: {"reference": r["advance_ref"]},
    "claims_staff.recover_reason": lambda r: {"claim_id": r["claim"]},
    "staff.set_active": lambda r: {"user_id": r["spare_staff"]},
    "staff.task": lambda r: {"task_id": r["done_task"]},
    "staff.task_done": lambda r: {"task_id": r["done_task"]},
    "staff.task_erase": lambda r: {"task_id": r["erase_task"]},
    "staff.contributor": lambda r: {"contributor_id": r["a"]},
    "staff.send_sign_in_email": lambda r: {"contributor_id": r["a"]},
    "staff.act_for": lambda r: {"contributor_id": r["a"]},
    "staff.decide_bank_change": lambda r: {"contributor_id": r["a"], "change_id": r["bank_change"]},
    "staff.link_staff_account": lambda r: {"contributor_id": r["a"]},
    "staff.new_supporter": lambda r: {"contributor_id": r["a"]},
    "staff.withdraw_supporter": lambda r: {"contributor_id": r["a"], "link_id": r["spare2_link"]},
    "roles.edit": lambda r: {"role_id": r["staff_role"]},
    "roles.status": lambda r: {"role_id": r["staff_role"]},
    "roles.translations": lambda r: {"role_id": r["staff_role"]},
    "roles.translation": lambda r: {"role_id": r["staff_role"], "locale": "cy"},
    "triage.role_interests": lambda r: {"role_id": r["role"]},
    "triage.interest": lambda r: {"interest_id": r["interest"]},
    "triage.change_status": lambda r: {"interest_id": r["interest"]},
    "triage.add_note": lambda r: {"interest_id": r["interest"]},
    "claims_staff.claim": lambda r: {"claim_id": r["claim"]},
    "claims_staff.receipt": lambda r: {"claim_id": r["claim"], "receipt_id": r["receipt"]},
    "claims_staff.assign": lambda r: {"claim_id": r["claim"]},
    "claims_staff.query": lambda r: {"claim_id": r["claim"]},
    "claims_staff.reject": lambda r: {"claim_id": r["claim"]},
    "claims_staff.approve": lambda r: {"claim_id": r["claim"]},
    "claims_staff.paid": lambda r: {"claim_id": r["claim"]},
    "claims_staff.fee": lambda r: {"claim_id": r["claim"]},
    "finance.download": lambda r: {"batch_id": r["batch"]},
    "claims_staff.sent": lambda r: {"claim_id": r["claim"]},
    "meetings.show": lambda r: {"code": r["meeting_code"]},
    "meetings.pack": lambda r: {"code": r["meeting_code"]},
    "meetings.feedback": lambda r: {"code": r["meeting_code"]},
    "meetings.thanks": lambda r: {"code": r["meeting_code"]},
    "meetings.claim": lambda r: {"meeting_id": r["meeting"]},
    "meetings.calendar": lambda r: {"code": r["meeting_code"]},
    "meetings_staff.role_meetings": lambda r: {"role_id": r["role"]},
    "meetings_staff.new": lambda r: {"role_id": r["role"]},
    "meetings_staff.edit": lambda r: {"meeting_id": r["meeting"]},
    "meetings_staff.meeting": lambda r: {"meeting_id": r["meeting"]},
    "meetings_staff.attendees": lambda r: {"meeting_id": r["meeting"]},
    "meetings_staff.cancel": lambda r: {"meeting_id": r["meeting"]},
    "meetings_staff.feedback": lambda r: {"meeting_id": r["meeting"]},
    "meetings_staff.feedback_csv": lambda r: {"meeting_id": r["meeting"]},
    "meetings_staff.claim_form": lambda r: {"meeting_id": r["meeting"], "contributor_id": r["a"]},
    "meetings_staff.redact": lambda r: {"comment_id": r["comment"]},
    "meetings_staff.role_feedback": lambda r: {"role_id": r["role"]},
    "meetings_staff.add_you_said": lambda r: {"meeting_id": r["meeting"]},
    "meetings_staff.publish": lambda r: {"item_id": r["you_said"]},
    "meetings_staff.translate": lambda r: {"item_id": r["you_said"], "locale": "cy"},
    "impact.role_impact": lambda r: {"role_id": r["role"]},
    "impact.edit_impact": lambda r: {"entry_id": r["impact"]},
    "impact.publish_impact": lambda r: {"entry_id": r["impact"]},
}

# What is posted besides the CSRF token (nothing else means "an empty form").
FORM: dict[str, Callable[[dict[str, Any]], dict[str, Any]]] = {
    "account.start_acting_for": lambda r: {"contributor_id": str(r["a"])},
    "staff.set_active": lambda r: {"active": "yes"},
    # A stays on the list of who came (the paper claim form, tried after, is for someone who came).
    "meetings_staff.attendees": lambda r: {"person": str(r["a"])},
    "claims_staff.bulk": lambda r: {"action": "approve", "claim": str(r["claim"])},
    "claims_staff.fee": lambda r: {"outcome": "paid"},
}

# --- requests as each person ------------------------------------------------------------------------------


def client_as(world: World, who: str) -> FlaskClient:
    """A fresh browser signed in as ``who`` (as the sign-in pages leave the session)."""
    from app.account.models import Contributor
    from app.staff.models import StaffUser

    client = world.app.test_client()
    if who == "anonymous":
        return client
    with world.app.app_context():
        kind, model = ("contributor", Contributor) if who in CONTRIBUTORS else ("staff", StaffUser)
        version = db.session().get(model, world.ids[who]).session_version
    values = signed_in_session(world.app, kind, world.ids[who], version)
    with client.session_transaction() as session:
        session.update(values)
    return client


def csrf_token(client: FlaskClient) -> str:
    """The token every page carries for htmx (``hx-headers`` on <body>)."""
    html = client.get("/").get_data(as_text=True)
    match = re.search(r'hx-headers=\'([^\']+)\'', html) or re.search(r'hx-headers="([^"]+)"', html)
    assert match, "no hx-headers on the home page"
    return json.loads(match.group(1).replace("&#34;", '"').replace("&quot;", '"'))["X-CSRFToken"]


def snapshot(app: Flask) -> str:
    """A digest of every row of every table: a refused request must not change any of them."""
    from app import mail

    mail.sender(app).wait()  # email an earlier request queued is being sent: not this request's doing
    digest = hashlib.sha256()
    with app.app_context():
        for table in db.Base.metadata.sorted_tables:
            rows = db.session().execute(select(table).order_by(*table.primary_key.columns)).all()
            digest.update(f"{table.name}:{rows!r}".encode())
    return digest.hexdigest()


def _sent_to_sign_in(location: str) -> str | None:
    """The sign-in page a refusal sends someone to (with ``next=`` to come back), else ``None``."""
    parts = urlsplit(location)
    if parts.path in ("/account/sign-in", "/staff/sign-in") and "next" in parse_qs(parts.query):
        return parts.path
    return None


def _refused(decision: Decision, who: str) -> str | None:
    """How ``who`` must be turned away, or ``None`` when they may use the route."""
    if decision.kind == "public":
        return None
    if decision.kind == "staff":
        if who in STAFF_ROLES:
            return None if who in decision.allowed else "403"
        return "/staff/sign-in"
    if who == "anonymous" or who in STAFF_ROLES:  # staff are not contributors
        return "/account/sign-in"
    if decision.kind == "contributor" or who in decision.allowed:
        return None
    return "403/404"


def check_cell(world: World, endpoint: str, method: str, url: str, who: str) -> str | None:
    """Request ``url`` as ``who``; returns what went wrong, or ``None``."""
    decision = decision_for(endpoint, method)
    client = client_as(world, who)
    data = {"csrf_token": csrf_token(client)} | FORM.get(endpoint, lambda r: {})(world.refs | world.ids) \
        if method == "POST" else None
    expected = _refused(decision, who)
    before = snapshot(world.app) if expected else None
    response = client.open(url, method=method, data=data)
    status, location = response.status_code, response.headers.get("Location", "")
    cell = f"{method} {url} as {who}: got {status}{' → ' + location if location else ''}"
    if status >= 500:
        return f"{cell} (a server error)"
    if expected is None:
        if status in (401, 403, 404) or _sent_to_sign_in(location):
            return f"{cell}, expected to be let in"
        return None
    problems = []
    if expected == "403" and status != 403:
        problems.append("expected 403")
    elif expected == "403/404" and status not in (403, 404):
        problems.append("expected 403 or 404")
    elif expected.startswith("/") and not (status in (302, 303) and _sent_to_sign_in(location) == expected):
        problems.append(f"expected a redirect to {expected}")
    body = response.get_data()
    if any(marker.encode() in body for marker in (A_NAME, A_EMAIL, A_ACTIVITY)) or world.receipt_bytes in body:
        problems.append("A's details were shown")
    if snapshot(world.app) != before:
        problems.append("the data changed")
    return f"{cell}, {' and '.join(problems)}" if problems else None


def cells_of(endpoint: str, world: World) -> Iterator[tuple[str, str, str]]:
    """(method, URL, who) to try, everyone who must be refused first, then those let in."""
    from flask import url_for

    rule = next(r for r in world.app.url_map.iter_rules() if r.endpoint == endpoint)
    with world.app.test_request_context():
        url = url_for(endpoint, **URL_ARGS.get(endpoint, lambda r: {})(world.refs | world.ids))
    for method in ("GET", "POST"):
        if method in (rule.methods or ()):
            decision = decision_for(endpoint, method)
            for who in sorted(PEOPLE, key=lambda who: _refused(decision, who) is None):
                yield method, url, who


# --- the tests ----------------------------------------------------------------------------------------------


def _endpoints(app: Flask) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}


def test_every_route_has_an_access_decision(world: World) -> None:
    missing = sorted(_endpoints(world.app) - DECISIONS.keys())
    assert not missing, f"routes without an access decision in DECISIONS: {missing}"


def test_every_decision_is_for_a_route_that_exists(world: World) -> None:
    gone = sorted(DECISIONS.keys() - _endpoints(world.app))
    assert not gone, f"DECISIONS names routes that no longer exist: {gone}"


@pytest.mark.parametrize("endpoint", sorted(DECISIONS))
def test_access(world: World, endpoint: str) -> None:
    if endpoint not in _endpoints(world.app):
        pytest.fail(f"{endpoint} is not a route any more: remove it from DECISIONS")
    failures = [problem for method, url, who in cells_of(endpoint, world)
                if (problem := check_cell(world, endpoint, method, url, who))]
    assert not failures, f"{endpoint}, decided {DECISIONS[endpoint]}:\n  " + "\n  ".join(failures)


def test_a_post_without_a_token_is_refused_before_its_view(world: World) -> None:
    """CSRFProtect checks every POST before its view runs (no view checks the token itself): a POST
    without the token, from someone the route lets in, is refused with the "could not be sent" page,
    and nothing changes."""
    from flask import url_for

    failures = []
    for endpoint in sorted(DECISIONS):
        rule = next(r for r in world.app.url_map.iter_rules() if r.endpoint == endpoint)
        if "POST" not in (rule.methods or ()):
            continue
        who = next(w for w in PEOPLE if _refused(decision_for(endpoint, "POST"), w) is None)
        with world.app.test_request_context():
            url = url_for(endpoint, **URL_ARGS.get(endpoint, lambda r: {})(world.refs | world.ids))
        client = client_as(world, who)
        before = snapshot(world.app)
        response = client.post(url + "?lang=en", data=FORM.get(endpoint, lambda r: {})(world.refs | world.ids))
        if response.status_code != 400 or b"Your form could not be sent" not in response.get_data():
            failures.append(f"POST {url} as {who}: got {response.status_code}")
        if snapshot(world.app) != before:
            failures.append(f"POST {url} as {who}: the data changed")
    assert not failures, "\n  ".join(["posted without a CSRF token:"] + failures)
