"""Acting for someone, safely: each finding of the review, reproduced, then fixed.

1. A supporter kept access after the person withdrew, and permissions were not checked per action.
2. A stranger became someone's supporter on their own word.
3. The person was not told, and a supporter's words were credited to the person.
Plus the access policy itself: every action for every relation, with its reason.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import access, db
from app.account.models import Contributor, SupportLink
from app.audit import AuditEvent
from app.claims import service as claims
from app.claims.models import Claim
from app.mail import OutboxMessage
from app.staff.models import StaffTask
from tests.account.test_data import exported
from tests.account.test_details import signed_in
from tests.account.test_supporters import ADD, sign_in_as
from tests.claims.test_claim_journey import ACTIVITY, TIME, base
from tests.claims.test_processing import staff_client
from tests.conftest import ClientRequest
from tests.interests.helpers import published_role, walk


def _sam_and_chris(app, permissions: list[str]) -> tuple[ClientRequest, int, ClientRequest, int, int]:  # type: ignore[no-untyped-def]
    """Sam (signed in) lets Chris help with ``permissions``; Chris signs in too."""
    sam, sam_id = signed_in(app)
    sam.post_redirect("/account/supporters/new", ADD | {"permissions": permissions})
    with app.app_context():
        link = db.session().scalar(select(SupportLink))
        chris_id, link_id = link.supporter_id, link.id
    return sam, sam_id, sign_in_as(app, chris_id), chris_id, link_id


def _claim_draft_for(chris: ClientRequest, sam_id: int) -> str:
    url = base(chris.post_redirect("/account/forms/new/claim", {"for_whom": str(sam_id)}))
    chris.post_redirect(f"{url}/activity", ACTIVITY)
    chris.post_redirect(f"{url}/time", TIME)
    return url


def _claim_in_query(app, payee_id: int) -> Claim:  # type: ignore[no-untyped-def]
    from app.staff.models import StaffUser
    from tests.conftest import make_staff

    officer_id = make_staff(app, "officer", email="olu@example.org")
    with app.app_context():
        payee = db.session().get(Contributor, payee_id)
        claim, _ = claims.submit("q-claim", payee, None, {"activity": "Leaflet group",
                                                          "activity_date": date.today() - timedelta(days=2),
                                                          "hours": "2", "preparation": "some"}, ("system", None, "t"))
        db.session().commit()
        claims.transition(claim, "query", db.session().get(StaffUser, officer_id), note="Which bus?")
        return claim


# --- 1. withdrawn and narrowed agreements -----------------------------------------------------------------

def test_a_withdrawn_supporter_can_no_longer_open_or_send_a_draft_or_see_the_claim(app) -> None:
    sam, sam_id, chris, chris_id, link_id = _sam_and_chris(app, ["fill_forms", "see_claims"])
    sent = _claim_draft_for(chris, sam_id)
    chris.post_redirect(f"{sent}/check", {"declare": "yes"})
    with app.app_context():
        claim = db.session().scalar(select(Claim))
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "claim.submitted"))
        assert event.actor_label == f"supporter {chris_id} on behalf of contributor {sam_id}"
    assert chris.get(f"/account/claims/{claim.reference}").status == 200
    draft = _claim_draft_for(chris, sam_id)
    sam.post_redirect(f"/account/supporters/{link_id}/withdraw", {})
    # The half-written claim, its check page (name, masked bank details) and the sent claim: all gone.
    chris.get(f"{draft}/check", expected_status=404)
    token = chris.csrf_token("/account/supporters")
    assert chris.client.post(f"{draft}/check", data={"declare": "yes", "csrf_token": token}).status_code == 404
    chris.get(f"/account/claims/{claim.reference}", expected_status=404)
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Claim)) == 1
    assert "Sam Example" not in chris.get("/account/forms?lang=en").text()


def test_fill_in_only_does_not_show_the_persons_claims(app) -> None:
    _sam, sam_id, chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms"])
    _claim_in_query(app, sam_id)
    chris.post_redirect("/account/acting-for", {"contributor_id": str(sam_id)}, token_from="/account/supporters")
    chris.get("/account/claims", expected_status=403)


def test_seeing_claims_does_not_allow_answering_the_teams_question(app) -> None:
    _sam, sam_id, chris, _chris_id, _link = _sam_and_chris(app, ["see_claims"])
    claim = _claim_in_query(app, sam_id)
    page = chris.get(f"/account/claims/{claim.reference}?lang=en")
    assert page.find(".//textarea[@name='reply']") is None and "Only Sam Example" in page.text()
    chris.post(f"/account/claims/{claim.reference}", {"reply": "The 12"}, expected_status=403)
    with app.app_context():
        assert db.session().get(Claim, claim.id).status == "query"


def test_a_supporters_export_holds_only_what_they_wrote(app) -> None:
    from tests.meetings.test_meeting_pages import arranged

    sam, sam_id, chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms"])
    meeting, _officer = arranged(app, [sam_id])
    chris.post_redirect(f"/m/{meeting.code}/feedback", {"named": "named", "whose": str(sam_id), "overall": "4",
                                                        "anything_else": "Sam liked the group"})
    secret = "My carer controls my money. Please do not tell him."
    sam.post_redirect(f"/m/{meeting.code}/feedback", {"named": "named", "anything_else": secret})
    theirs = exported(chris)
    assert "Sam liked the group" in theirs and secret not in theirs
    own = exported(sam)
    assert "Sam liked the group" in own and secret in own


# --- 2. a stranger's word --------------------------------------------------------------------------------

def test_an_interest_for_someone_new_makes_a_link_that_grants_nothing_until_they_agree(app) -> None:
    role_id = published_role(app)
    stranger = ClientRequest(app.test_client())
    walk(stranger, role_id, {"who": {"for_whom": "someone"},
                             "helper": {"helper_name": "Stan Ger", "helper_email": "stan@example.org",
                                        "relationship": "friend", "agreed": "yes"},
                             "contact": {"name": "Lee New", "email": "lee@example.org", "contact_channel": "email",
                                         "phone": "07700 900 111", "address": "1 High Street"}})
    stranger.post_redirect(f"/roles/{role_id}/interest/check", {})
    with app.app_context():
        link = db.session().scalar(select(SupportLink))
        lee = db.session().scalar(select(Contributor).where(Contributor.email == "lee@example.org"))
        asked = db.session().scalar(select(OutboxMessage).where(OutboxMessage.purpose == "supporter_waiting"))
        assert link.confirmed_at is None and not link.active and asked.to_address == "lee@example.org"
        assert not access.may(db.session().get(Contributor, link.supporter_id), lee.id, "fill_in")
    stan = sign_in_as(app, link.supporter_id)
    stan.post("/account/acting-for", {"contributor_id": str(lee.id)}, expected_status=403,
              token_from="/account/supporters")
    assert "07700 900 111" not in stan.get("/account/?lang=en").html
    # Lee signs in and is asked first; says no: nothing changes for Stan.
    lee_browser = sign_in_as(app, lee.id)
    page = lee_browser.get(f"/account/supporters/{link.id}/confirm?lang=en")
    assert page.h1 == "Does Stan Ger help you?"
    lee_browser.post_redirect(f"/account/supporters/{link.id}/confirm", {"answer": "no"})
    with app.app_context():
        assert db.session().get(SupportLink, link.id).withdrawn_at is not None
    stan.post("/account/acting-for", {"contributor_id": str(lee.id)}, expected_status=403,
              token_from="/account/supporters")


# --- 3. the person told, the words credited -------------------------------------------------------------------

def test_the_person_is_told_and_a_supporters_reply_is_credited_to_them(app) -> None:
    sam, sam_id, chris, chris_id, _link = _sam_and_chris(app, ["fill_forms", "see_claims", "reply_queries"])
    url = _claim_draft_for(chris, sam_id)
    chris.post_redirect(f"{url}/check", {"declare": "yes"})
    with app.app_context():
        told = db.session().scalar(select(OutboxMessage).where(OutboxMessage.purpose == "acted_claim_sent"))
        assert told.to_address == "sam@example.org" and "Chris Carer sent a payment claim for you." in told.text_body
    claim = _claim_in_query(app, sam_id)
    chris.post_redirect(f"/account/claims/{claim.reference}", {"reply": "The number 12 bus"})
    officer = staff_client(app, "officer", email="olive@example.org")
    staff_page = officer.get(f"/staff/claims/{claim.id}?lang=en")
    assert "Chris Carer, on behalf of Sam Example" in staff_page.text()
    assert "Chris Carer, on behalf of you" in sam.get(f"/account/claims/{claim.reference}?lang=en").text()
    assert "You, on behalf of Sam Example" in chris.get(f"/account/claims/{claim.reference}?lang=en").text()
    with app.app_context():
        reply = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "claim.replied"))
        assert reply.actor_label == f"supporter {chris_id} on behalf of contributor {sam_id}"
        assert db.session().scalar(select(OutboxMessage).where(OutboxMessage.purpose == "acted_claim_reply"))


def test_a_private_message_reaches_only_staff(app) -> None:
    sam, sam_id, chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms", "see_claims"])
    empty = sam.post("/account/supporters/help?lang=en", {}, expected_status=200)
    assert [m for _, m in empty.error_summary()] == ["Write what you would like to tell us"]
    sam.post_redirect("/account/supporters/help", {"message": "Please call me when Chris is at work."})
    chris.post_redirect("/account/acting-for", {"contributor_id": str(sam_id)}, token_from="/account/supporters")
    chris.get("/account/supporters/help", expected_status=404)
    for page in ("/account/", "/account/supporters", "/account/claims", "/account/forms"):
        assert "Chris is at work" not in chris.get(page).html
    with app.app_context():
        task = db.session().scalar(select(StaffTask).where(StaffTask.kind == "private_help"))
        assert task.contributor_id == sam_id
    assert "Please call me when Chris is at work." in staff_client(app, "officer").get("/staff/tasks?lang=en").text()


# --- the policy, decision by decision ---------------------------------------------------------------------------

RELATIONS = ("owner", "fill_forms", "see_claims", "reply_queries", "receive_emails", "withdrawn", "waiting",
             "stranger", "nobody")
#: (relation, action) -> allowed, and why. Every action and relation has a decision a reader can check.
EXPECTED: dict[tuple[str, str], tuple[bool, str]] = {}
for action in access.ACTIONS:
    EXPECTED[("owner", action)] = (True, "it is their own record")
    EXPECTED[("nobody", action)] = (False, "nobody is signed in")
    EXPECTED[("stranger", action)] = (False, "only the person themselves may do this" if action in access.OWN_ONLY
                                      else "no agreement in force to act for this person")
    EXPECTED[("withdrawn", action)] = EXPECTED[("stranger", action)]  # withdrawn: as if never agreed
    EXPECTED[("waiting", action)] = EXPECTED[("stranger", action)]  # a helper's word is not agreement
    for relation, granted in (("fill_forms", "fill_in"), ("see_claims", "see_claims"),
                              ("reply_queries", "reply"), ("receive_emails", "receive_copies")):
        if action in access.OWN_ONLY:
            EXPECTED[(relation, action)] = (False, "only the person themselves may do this")
        elif action == granted:
            EXPECTED[(relation, action)] = (True, f"a supporter the person allowed to {action.replace('_', ' ')}")
        else:
            EXPECTED[(relation, action)] = (False, f"the agreement does not include {action.replace('_', ' ')}")


@pytest.fixture
def relations(app) -> dict[str, Contributor | None]:  # type: ignore[no-untyped-def]
    from app.account import service as accounts
    from app.db import utcnow

    with app.app_context():
        s = db.session()
        now = utcnow()

        def person(name: str) -> Contributor:
            row = Contributor(email=f"{name}@example.org", name=name, language="en", access_needs=[], created_at=now,
                              updated_at=now, session_version=1)
            s.add(row)
            s.flush()
            return row

        owner = person("owner")
        people: dict[str, Contributor | None] = {"owner": owner, "nobody": None, "stranger": person("stranger")}
        for permission in ("fill_forms", "see_claims", "reply_queries", "receive_emails", "withdrawn"):
            link, _ = accounts.add_supporter(owner, name=permission, email=f"{permission}@example.org",
                                             relationship="friend", locale="en",
                                             permissions=["fill_forms", "see_claims", "reply_queries"]
                                             if permission == "withdrawn" else [permission])
            people[permission] = s.get(Contributor, link.supporter_id)
            if permission == "withdrawn":
                accounts.withdraw_supporter(link, ("system", None, "t"))
        waiting = person("waiting")
        s.add(SupportLink(contributor_id=owner.id, supporter_id=waiting.id, relationship="friend",
                          can_fill_forms=True, can_see_claims=True, can_reply_queries=True, can_receive_emails=True,
                          consent_how="supporter_said", consent_at=now, consent_recorded_by="t", created_at=now))
        s.commit()
        people["waiting"] = waiting
        return people


def test_every_action_for_every_relation_has_the_decision_and_reason_written_here(app, relations) -> None:
    assert set(EXPECTED) == {(r, a) for r in RELATIONS for a in access.ACTIONS}
    with app.app_context():
        owner_id = relations["owner"].id  # type: ignore[union-attr]
        wrong = []
        for (relation, action), (allowed, reason) in sorted(EXPECTED.items()):
            me = relations[relation]
            got = access.decide(db.session().get(Contributor, me.id) if me else None, owner_id, action)
            if (got.allowed, got.reason) != (allowed, reason):
                wrong.append(f"{relation} / {action}: expected {allowed} ({reason}), got {got.allowed} ({got.reason})")
    assert not wrong, "\n".join(wrong)


# --- what the attacker's review of this change found ---------------------------------------------------------------

def _stranger_lodges_for(app, role_id: int, contact: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    stranger = ClientRequest(app.test_client())
    walk(stranger, role_id, {"who": {"for_whom": "someone"},
                             "helper": {"helper_name": "Stan Ger", "helper_email": "stan@example.org",
                                        "relationship": "friend", "agreed": "yes"},
                             "contact": {"contact_channel": "phone", "address": "1 High Street"} | contact})
    stranger.post_redirect(f"/roles/{role_id}/interest/check", {})


def test_a_supporters_export_never_shows_the_persons_later_answers_or_debrief(app) -> None:
    import json

    from tests.meetings.test_meeting_pages import arranged

    sam, sam_id, chris, _chris_id, link_id = _sam_and_chris(app, ["fill_forms"])
    meeting, _officer = arranged(app, [sam_id])
    chris.post_redirect(f"/m/{meeting.code}/feedback", {"named": "named", "whose": str(sam_id), "overall": "4"})
    sam.post_redirect(f"/account/supporters/{link_id}/withdraw", {})
    sam.post_redirect(f"/m/{meeting.code}/feedback", {"named": "named", "overall": "1", "debrief": "yes"})
    [given] = json.loads(exported(chris))["feedback"]
    assert given["given_for_someone_else"] and "answers" not in given and "debrief" not in given
    [own] = json.loads(exported(sam))["feedback"]
    assert own["answers"]["overall"] == 1 and own["debrief"] is True


def test_a_decision_never_goes_to_a_helper_the_person_has_not_agreed_to(app) -> None:
    from app.interests import service as interests
    from app.interests.models import Interest
    from tests.conftest import make_staff

    role_id = published_role(app)
    _stranger_lodges_for(app, role_id, {"name": "Lee New", "email": "", "phone": "07700 900 111"})
    officer_id = make_staff(app, "officer", email="olu@example.org")
    with app.test_request_context():
        interest = db.session().scalar(select(Interest))
        interests.change_status(interest, "not_this_time", "Lee told us about a recent crisis admission",
                                ("staff", officer_id, "olu"), "officer")
        decisions = db.session().scalars(select(OutboxMessage).where(OutboxMessage.purpose == "interest_decision"))
        # Lee hears it by phone, the way they can be reached (a call for the team to make); the helper nothing
        assert [(m.contributor_id, m.channel) for m in decisions] == [(interest.contributor_id, "phone")]


def test_a_helpers_sign_in_confirms_nothing_about_the_person_they_named(app) -> None:
    from app.interests import service as interests
    from app.interests.models import Interest

    _sam, sam_id, _chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms"])
    role_id = published_role(app)
    _stranger_lodges_for(app, role_id, {"name": "Sam Example", "email": "sam@example.org", "phone": "07700 900 999"})
    with app.app_context():
        stan = db.session().scalar(select(Contributor).where(Contributor.email == "stan@example.org"))
        interests.confirm_for(stan)
        db.session().commit()
        assert db.session().scalar(select(Interest)).confirmed_at is None
        interests.confirm_for(db.session().get(Contributor, sam_id))
        db.session().commit()
        assert db.session().scalar(select(Interest)).confirmed_at is not None


def test_the_person_is_told_when_a_supporter_withdraws_their_interest(app) -> None:
    from app.interests.models import Interest

    sam, sam_id, chris, _chris_id, _link = _sam_and_chris(app, ["fill_forms"])
    role_id = published_role(app)
    walk(sam, role_id)
    sam.post_redirect(f"/roles/{role_id}/interest/check", {})
    chris.post_redirect("/account/acting-for", {"contributor_id": str(sam_id)}, token_from="/account/supporters")
    with app.app_context():
        reference = db.session().scalar(select(Interest)).reference
    chris.post_redirect(f"/account/interests/{reference}/withdraw", {}, token_from="/account/interests")
    with app.app_context():
        told = db.session().scalar(select(OutboxMessage).where(OutboxMessage.purpose == "acted_interest_withdrawn"))
        assert told is not None and "Chris Carer withdrew your interest in a role for you." in told.text_body


def test_the_person_is_told_when_staff_record_their_agreement(app) -> None:
    from tests.account.test_sign_in import make_contributor
    from tests.claims.test_processing import staff_client as staff

    pat_id = make_contributor(app, "pat@example.org", name="Pat Phone")
    officer = staff(app, "officer")
    officer.post_redirect(f"/staff/contributors/{pat_id}/supporters/new", {
        "name": "Alex Advocate", "email": "alex@example.org", "relationship": "advocate", "permissions": ["fill_forms"],
        "consent_how": "verbally", "consent_date-day": "1", "consent_date-month": "12", "consent_date-year": "2026"})
    with app.app_context():
        told = db.session().scalar(select(OutboxMessage).where(OutboxMessage.purpose == "acted_supporter_recorded"))
        assert told.to_address == "pat@example.org" and "you agreed Alex Advocate can act for you" in told.text_body
