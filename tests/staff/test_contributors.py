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
    assert "Pat Phone has been added." in record.text() and "01632 960001" in record.text()
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
    assert "1 of 1 person shown." in found.text()
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


def test_staff_fill_in_details_for_someone_and_it_is_recorded(app, as_officer) -> None:
    from app.account.models import Contributor as C

    cid = make_contributor(app, "pat@example.org", name="Pat Phone")
    as_officer.post_redirect(f"/staff/contributors/{cid}/act", token_from=f"/staff/contributors/{cid}")
    home = as_officer.get("/account/?lang=en")
    assert home.h1 == "Details for Pat Phone" and "You are filling in forms for Pat Phone." in home.html
    as_officer.post_redirect("/account/details/access", {"access_needs": ["large_print"]})
    # Staff may enter bank details for someone (supporters may not): they wait for a second
    # member of staff before payments use them (tests/claims/test_four_eyes.py).
    as_officer.post_redirect("/account/details/bank", {"account_name": "Pat Phone", "sort_code": "309452",
                                                       "account_number": "00733445"})
    with app.app_context():
        from app.account import service as accounts

        person = db.session().get(C, cid)
        assert person.access_needs == ["large_print"] and person.bank_details is None
        assert accounts.pending_bank_change(person) is not None
        event = db.session().scalars(select(AuditEvent).where(AuditEvent.action == "contributor.updated")).all()[-1]
        assert (event.actor_type, event.actor_label, event.record_id) == ("staff", "officer@example.org", str(cid))
    note = as_officer.get("/account/?lang=en").by_id("on-behalf-note")
    assert "Last changed by the involvement team on behalf of Pat Phone" in "".join(note.itertext())
    back = as_officer.post_redirect("/staff/contributors/act/stop", token_from="/account/")
    assert back == f"/staff/contributors/{cid}"
    assert as_officer.get_redirect("/account/").startswith("/account/sign-in")


def test_staff_record_a_supporter_with_how_and_when_the_person_agreed(app, as_officer) -> None:
    from app.account.models import SupportLink

    cid = make_contributor(app, "pat@example.org", name="Pat Phone")
    url = f"/staff/contributors/{cid}/supporters/new"
    empty = as_officer.post(url, {})
    assert ("#consent_how-0", "Choose how the person agreed") in empty.error_summary()
    assert ("#consent_date-day", "Enter the date they agreed") in empty.error_summary()
    future = as_officer.post(url, {"name": "Alex Advocate", "email": "alex@example.org", "relationship": "advocate",
                                   "permissions": ["fill_forms"], "consent_how": "verbally",
                                   "consent_date-day": "1", "consent_date-month": "1", "consent_date-year": "2099"})
    assert future.error_summary() == [("#consent_date-day", "The date they agreed must be today or in the past")]
    assert future.by_id("consent_date-year").get("value") == "2099"
    as_officer.post_redirect(url, {"name": "Alex Advocate", "email": "alex@example.org", "relationship": "advocate",
                                   "permissions": ["fill_forms"], "consent_how": "verbally",
                                   "consent_date-day": "3", "consent_date-month": "11", "consent_date-year": "2026"})
    record = as_officer.get(f"/staff/contributors/{cid}?lang=en")
    assert "Alex Advocate" in record.text() and "Agreed by telling us on 3 November 2026." in record.text()
    with app.app_context():
        link = db.session().scalar(select(SupportLink))
        assert (link.consent_how, link.consent_at.date().isoformat(), link.consent_recorded_by) == (
            "verbally", "2026-11-03", "officer@example.org")
    withdraw = next(f for f in record.findall(".//main//form") if "/withdraw" in f.get("action"))
    as_officer.post_redirect(withdraw.get("action"), token_from=f"/staff/contributors/{cid}")
    assert "Nobody can act for them at the moment." in as_officer.get(f"/staff/contributors/{cid}?lang=en").text()
