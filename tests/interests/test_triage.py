"""Staff triage: per-role lists with filters, status changes (plain and htmx), notes, emails, audit."""

from __future__ import annotations

from sqlalchemy import select

from app import db
from app.audit import AuditEvent
from app.interests.models import Interest
from app.roles import service as roles
from app.roles.models import Role
from tests.account.test_details import signed_in
from tests.account.test_supporters import sign_in_as
from tests.conftest import ClientRequest, body_text, deliver_mail, make_staff, sign_in
from tests.interests.helpers import only_interest, published_role, send, walk
from tests.roles.test_role_service import STAFF


def interest_in(app, role_id: int, **answers):  # type: ignore[no-untyped-def]
    cr = ClientRequest(app.test_client())
    walk(cr, role_id, answers)
    send(cr, role_id)
    with app.app_context():
        return db.session().scalars(select(Interest).order_by(Interest.id.desc())).first().id


def officer(app) -> ClientRequest:  # type: ignore[no-untyped-def]
    make_staff(app, "officer")
    cr = ClientRequest(app.test_client())
    sign_in(cr, "officer@example.org")
    return cr


def test_the_list_shows_needs_at_a_glance_and_filters(app) -> None:
    role_id = published_role(app)
    interest_in(app, role_id)
    interest_in(app, role_id, contact={"name": "Bo Nomatter", "email": "bo@example.org", "contact_channel": "email"},
                access={"access_needs": []})
    cr = officer(app)
    page = cr.get(f"/staff/roles/{role_id}/interests?lang=en")
    assert "2 people shown." in page.text()
    assert "Papers sent to me before the meeting, An interpreter (Polish)" in page.text()
    assert "Email not confirmed yet" in page.text()
    assert "1 person shown." in cr.get(f"/staff/roles/{role_id}/interests?needs=yes&lang=en").text()
    fragment = cr.client.get(f"/staff/roles/{role_id}/interests?needs=yes",
                             headers={"HX-Request": "true", "HX-Target": "interest-rows"}).get_data(as_text=True)
    assert "Ana Newperson" in fragment and "Bo Nomatter" not in fragment and "<h1" not in fragment


def test_not_this_time_needs_a_reason_and_emails_it_in_their_language_with_other_roles(mail_app, smtp_server) -> None:
    handler, _ = smtp_server
    role_id = published_role(mail_app)
    other_id = published_role(mail_app, title="Join the carers' panel")
    with mail_app.app_context():
        roles.save_translation(db.session().get(Role, other_id), "cy", {"title": "Ymunwch â phanel y gofalwyr"}, STAFF)
    cr = ClientRequest(mail_app.test_client())
    cr.get("/?lang=cy")  # the person fills it in in Welsh
    walk(cr, role_id)
    send(cr, role_id)
    interest_id = only_interest(mail_app).id
    deliver_mail(mail_app)
    handler.messages.clear()

    staff = officer(mail_app)
    url = f"/staff/interests/{interest_id}/status"
    page = staff.post(url + "?lang=en", {"status": "not_this_time", "reason": ""}, expected_status=400,
                      token_from=f"/staff/interests/{interest_id}")
    assert [m for _, m in page.error_summary()] == ["Say why, in plain words: the person will read it"]
    assert only_interest(mail_app).status == "new"
    staff.post_redirect(url, {"status": "not_this_time", "reason": "We needed people who can come in person.",
                              "from": "list"}, token_from=f"/staff/interests/{interest_id}")
    interest = only_interest(mail_app)
    assert interest.status == "not_this_time" and interest.reason == "We needed people who can come in person."
    deliver_mail(mail_app)
    [message] = handler.messages
    text = body_text(message)
    assert message["To"] == "ana@example.org" and message["Content-Language"] == "cy"
    assert "We needed people who can come in person." in text
    assert "Ymunwch â phanel y gofalwyr" in text and f"/roles/{other_id}" in text  # other open roles, in Welsh
    with mail_app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "interest.status_changed"))
        assert event.actor_type == "staff" and '"not_this_time"' in event.after and '"new"' in event.before


def test_status_changes_in_place_with_htmx_and_offers_are_emailed(mail_app, smtp_server) -> None:
    handler, _ = smtp_server
    role_id = published_role(mail_app)
    interest_id = interest_in(mail_app, role_id)
    deliver_mail(mail_app)
    handler.messages.clear()
    staff = officer(mail_app)
    token = staff.csrf_token(f"/staff/roles/{role_id}/interests")
    response = staff.client.post(f"/staff/interests/{interest_id}/status",
                                 data={"status": "contacted", "reason": "", "csrf_token": token, "from": "list"},
                                 headers={"HX-Request": "true", "X-CSRFToken": token})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and html.lstrip().startswith(f'<li id="interest-{interest_id}">')
    assert 'data-announce="Saved"' in html
    deliver_mail(mail_app)
    assert handler.messages == []  # "contacted" is the team's own step: no email
    staff.post_redirect(f"/staff/interests/{interest_id}/status", {"status": "offered"},
                        token_from=f"/staff/interests/{interest_id}")
    deliver_mail(mail_app)
    [message] = handler.messages
    assert "We would like to offer you" in message["Subject"]


def test_notes_are_staff_only_and_audited(app) -> None:
    role_id = published_role(app)
    interest_id = interest_in(app, role_id)
    staff = officer(app)
    empty = staff.post(f"/staff/interests/{interest_id}/notes?lang=en", {"text": ""}, expected_status=400,
                       token_from=f"/staff/interests/{interest_id}")
    assert [m for _, m in empty.error_summary()] == ["Enter the note"]
    staff.post_redirect(f"/staff/interests/{interest_id}/notes", {"text": "Prefers calls after 10am"},
                        token_from=f"/staff/interests/{interest_id}")
    page = staff.get(f"/staff/interests/{interest_id}?lang=en")
    assert "Prefers calls after 10am" in page.text() and "interest.note_added" in page.text()
    person = sign_in_as(app, only_interest(app).contributor_id)
    assert "Prefers calls" not in person.get("/account/interests").text()


def test_triage_is_for_involvement_staff_only(app) -> None:
    role_id = published_role(app)
    interest_id = interest_in(app, role_id)
    make_staff(app, "finance")
    finance = ClientRequest(app.test_client())
    sign_in(finance, "finance@example.org")
    for url in (f"/staff/roles/{role_id}/interests", f"/staff/interests/{interest_id}", "/staff/equality"):
        finance.get(url, expected_status=403)
    contributor, _ = signed_in(app)
    assert contributor.client.get(f"/staff/interests/{interest_id}").status_code == 302  # to staff sign-in


def test_only_the_person_withdraws_and_the_team_never_moves_a_withdrawn_interest(app) -> None:
    """The team's moves follow a table (service.TEAM_MOVES): "withdrawn" is the person's own choice."""
    from app.interests import service

    role_id = published_role(app)
    interest_id = interest_in(app, role_id)
    staff = officer(app)
    page = staff.get(f"/staff/interests/{interest_id}?lang=en")
    assert page.find(".//select[@name='status']/option[@value='withdrawn']") is None  # not offered
    refused = staff.post(f"/staff/interests/{interest_id}/status?lang=en", {"status": "withdrawn"},
                         expected_status=400, token_from=f"/staff/interests/{interest_id}")
    assert [m for _, m in refused.error_summary()] == [
        "Only the person can withdraw. If they told you, choose “Not this time” and say so."]
    with app.app_context():
        interest = db.session().get(Interest, interest_id)
        assert interest.status == "new"
        service.withdraw(interest, ("contributor", interest.contributor_id, "them"))
    page = staff.get(f"/staff/interests/{interest_id}?lang=en")
    assert page.find(".//select[@name='status']") is None and "only they can change that" in page.text()
    for status in ("not_this_time", "contacted"):
        refused = staff.post(f"/staff/interests/{interest_id}/status?lang=en",
                             {"status": status, "reason": "We filled it"}, expected_status=400,
                             token_from=f"/staff/roles/{role_id}/interests")
        assert "They withdrew their interest" in refused.error_summary()[0][1]
    with app.app_context():
        interest = db.session().get(Interest, interest_id)
        assert interest.status == "withdrawn"
        import pytest

        with pytest.raises(service.NotAllowed):  # the service refuses too, whoever calls it
            service.change_status(interest, "new", "", STAFF, "officer")


def test_who_may_move_an_interest_where() -> None:
    """The team moves interests between open statuses and "not this time"; only the person withdraws;
    finance moves nothing; a withdrawn interest stays withdrawn."""
    from app.interests.service import INTEREST, OPEN

    for status in OPEN:
        assert INTEREST.next(status, "officer") == [*OPEN, "not_this_time"]
        assert INTEREST.next(status, "person") == ["withdrawn"]
        assert INTEREST.next(status, "finance") == []
    assert "withdrawn" not in INTEREST.next("not_this_time", "admin")
    assert INTEREST.next("withdrawn", "admin") == INTEREST.next("withdrawn", "person") == []
