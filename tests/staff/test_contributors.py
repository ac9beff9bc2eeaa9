"""Staff find contributors, add people who phoned, and see one person's record."""

from __future__ import annotations

from sqlalchemy import select

from app import db
from app.account.models import Contributor
from app.audit import AuditEvent
from tests.account.test_sign_in import make_contributor
from tests.conftest import body_text, deliver_mail, make_staff, sign_in, ClientRequest


def test_officer_adds_someone_without_email_after_a_phone_call(app, as_officer) -> None:
    empty = as_officer.post("/staff/contributors/new", {"contact_channel": "email"})
    assert ("#email", "Enter their email address, or choose another way to contact them") in empty.error_summary()
    assert ("#name", "Enter the person's full name") in empty.error_summary()
    location = as_officer.post_redirect("/staff/contributors/new", {
        "name": "Pat Phone", "phone": "01632 960 001", "contact_channel": "phone", "language": "cy",
        "easy_read": "yes"})
    record = as_officer.get(location)
    assert record.h1 == "Pat Phone"
    assert "Pat Phone has been added." in record.text() and "01632 960 001" in record.text()
    with app.app_context():
        person = db.session().scalar(select(Contributor))
        assert person.email is None and person.language == "cy" and person.easy_read is True
        assert person.created_by_staff_id is not None
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "contributor.created"))
        assert event.actor_type == "staff" and event.actor_label == "officer@example.org"


def test_search_finds_people_by_name_email_or_phone(app, as_officer) -> None:
    make_contributor(app, "sam@example.org", name="Sam Example", phone="07700 900 111")
    make_contributor(app, "lee@example.org", name="Lee Other")
    assert "Sam Example" in as_officer.get("/staff/contributors?q=sam").text()
    found = as_officer.get("/staff/contributors?q=900 111")
    assert "Sam Example" in found.text() and "Lee Other" not in found.text()
    assert "1 of 1 people shown." in found.text()
    fragment = as_officer.client.get("/staff/contributors?q=lee", headers={"HX-Request": "true"}).get_data(as_text=True)
    assert "Lee Other" in fragment and "<h1" not in fragment


def test_record_shows_masked_bank_details_and_history(app, as_officer) -> None:
    from app.account import service

    cid = make_contributor(app, name="Sam Example")
    with app.app_context():
        person = db.session().get(Contributor, cid)
        service.save_bank_details(person, {"account_name": "Sam", "sort_code": "309452",
                                           "account_number": "00733445", "roll_number": ""},
                                  by=service.actor(person))
    page = as_officer.get(f"/staff/contributors/{cid}")
    assert "account ending 3445" in page.text() and "00733445" not in page.html
    assert "contributor.bank_details_changed" in page.text()
    as_officer.get("/staff/contributors/999", expected_status=404)


def test_staff_can_send_a_sign_in_email(mail_app, smtp_server) -> None:
    make_staff(mail_app, "officer")
    officer = ClientRequest(mail_app.test_client())
    sign_in(officer, "officer@example.org")
    cid = make_contributor(mail_app, "sam@example.org", language="pl")
    officer.post_redirect(f"/staff/contributors/{cid}/sign-in-email", token_from=f"/staff/contributors/{cid}")
    deliver_mail(mail_app)
    [message] = smtp_server[0].messages
    assert message["To"] == "sam@example.org" and message["Content-Language"] == "pl"
    assert "/account/sign-in/" in body_text(message)


def test_finance_cannot_browse_contributors(app, client_request) -> None:
    make_staff(app, "finance")
    sign_in(client_request, "finance@example.org")
    client_request.get("/staff/contributors", expected_status=403)
