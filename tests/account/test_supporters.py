"""Supporters: added with the contributor's recorded agreement, act for them, can be stopped."""

from __future__ import annotations

from sqlalchemy import select

from app import db
from app.account.models import Contributor, SupportLink
from app.audit import AuditEvent
from tests.account.test_details import contributor, signed_in
from tests.conftest import ClientRequest, body_text, deliver_mail, signed_in_session

ADD = {"name": "Chris Carer", "email": "chris@example.org", "relationship": "carer",
       "permissions": ["fill_forms", "see_claims"], "agree": ["yes"]}


def sign_in_as(app, contributor_id: int) -> ClientRequest:  # type: ignore[no-untyped-def]
    client = app.test_client()
    values = signed_in_session(app, "contributor", contributor_id)
    with client.session_transaction() as sess:
        sess.update(values)
    return ClientRequest(client)


def person_with_helper(app) -> tuple[ClientRequest, int, ClientRequest, int]:  # type: ignore[no-untyped-def]
    """Sam (signed in) adds Chris as a carer who may fill in forms; Chris signs in too."""
    person, cid = signed_in(app)
    person.post_redirect("/account/supporters/new", ADD)
    with app.app_context():
        supporter_id = db.session().scalar(select(SupportLink.supporter_id))
    return person, cid, sign_in_as(app, supporter_id), supporter_id


def test_adding_a_supporter_needs_agreement_and_says_what_to_do(app) -> None:
    cr, _ = signed_in(app)
    page = cr.post("/account/supporters/new", {})
    assert [m for _, m in page.error_summary()] == [
        "Enter their full name", "Enter their email address", "Choose how they help you",
        "Choose what they can do for you", "Tick the box to say you agree"]
    own = cr.post("/account/supporters/new", ADD | {"email": "sam@example.org"})
    assert own.error_summary() == [("#email", "Enter the email address of the person who helps you, not your own")]
    assert own.by_id("name").get("value") == "Chris Carer"


def test_supporter_is_linked_with_consent_recorded_and_emailed(mail_app, smtp_server) -> None:
    cr, cid = signed_in(mail_app)
    cr.post_redirect("/account/supporters/new", ADD)
    page = cr.get("/account/supporters")
    assert "Chris Carer" in page.text() and "See my payment claims" in page.text()
    with mail_app.app_context():
        link = db.session().scalar(select(SupportLink))
        assert (link.contributor_id, link.relationship, link.can_fill_forms, link.can_see_claims,
                link.can_receive_emails, link.consent_how) == (cid, "carer", True, True, False, "online")
        assert link.consent_at is not None
        supporter = db.session().get(Contributor, link.supporter_id)
        assert supporter.email == "chris@example.org" and supporter.name == "Chris Carer"
        assert db.session().scalar(select(AuditEvent).where(AuditEvent.action == "supporter.linked")) is not None
    deliver_mail(mail_app)
    [message] = smtp_server[0].messages
    assert message["To"] == "chris@example.org"
    assert "Sam Example has asked you to help them" in message["Subject"]
    assert "/account/sign-in" in body_text(message)


def test_supporter_fills_in_forms_for_the_person_and_it_is_recorded(app) -> None:
    person, cid = signed_in(app)
    person.post_redirect("/account/supporters/new", ADD)
    with app.app_context():
        supporter_id = db.session().scalar(select(SupportLink.supporter_id))
    helper = sign_in_as(app, supporter_id)
    helping = helper.get("/account/supporters")
    assert "Fill in forms for Sam Example" in helping.text()
    helper.post_redirect("/account/acting-for", {"contributor_id": str(cid)}, token_from="/account/supporters")
    home = helper.get("/account/")
    assert home.h1 == "Details for Sam Example"
    assert "You are filling in forms for Sam Example." in home.html
    helper.post_redirect("/account/details/contact", {"contact_channel": "phone", "phone": "07700 900 123"})
    assert contributor(app, cid).phone == "+447700900123"
    assert contributor(app, supporter_id).phone == ""
    with app.app_context():
        event = db.session().scalars(select(AuditEvent).where(AuditEvent.action == "contributor.updated")).all()[-1]
        assert (event.actor_type, event.actor_id, event.record_id) == ("supporter", supporter_id, str(cid))
    note = person.get("/account/?lang=en").by_id("on-behalf-note")
    assert "Last changed by Chris Carer on behalf of Sam Example" in "".join(note.itertext())
    # Bank details stay with the person.
    assert helper.get("/account/details/bank", expected_status=403).h1 == "Only they can change their bank details"


def test_withdrawing_agreement_stops_the_supporter_at_once(app) -> None:
    person, cid = signed_in(app)
    person.post_redirect("/account/supporters/new", ADD)
    with app.app_context():
        link = db.session().scalar(select(SupportLink))
        supporter_id, link_id = link.supporter_id, link.id
    helper = sign_in_as(app, supporter_id)
    helper.post_redirect("/account/acting-for", {"contributor_id": str(cid)}, token_from="/account/supporters")
    # Someone else cannot withdraw it; the person can.
    helper.post(f"/account/supporters/{link_id}/withdraw", token_from="/account/supporters", expected_status=404)
    person.post_redirect(f"/account/supporters/{link_id}/withdraw", token_from="/account/supporters")
    assert "Nobody can act for you at the moment." in person.get("/account/supporters").text()
    home = helper.get("/account/")
    assert home.h1 == "Your account" and "You are filling in forms for" not in home.html
    helper.post("/account/acting-for", {"contributor_id": str(cid)}, token_from="/account/supporters",
                expected_status=403)
    with app.app_context():
        assert db.session().get(SupportLink, link_id).withdrawn_at is not None
        assert db.session().scalar(select(AuditEvent).where(AuditEvent.action == "supporter.withdrawn")) is not None
