"""Your data: a complete export, erasure confirmed by staff, and retention periods."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import timedelta

from sqlalchemy import func, select

from app import db
from app.account import service
from app.account.models import Contributor, SignInToken, SupportLink
from app.audit import AuditEvent
from app.db import utcnow
from app.mail import OutboxMessage
from app.security import RateLimitHit
from tests.account.test_details import contributor, signed_in
from tests.account.test_supporters import ADD
from tests.conftest import make_staff, sign_in, ClientRequest


def exported(cr: ClientRequest) -> str:
    """The JSON document in the person's export ZIP (``your-data.json``), as text."""
    response = cr.client.get("/account/data.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    return zipfile.ZipFile(io.BytesIO(response.data)).read("your-data.json").decode()


def test_export_holds_everything_with_bank_details_masked(app) -> None:
    cr, cid = signed_in(app, phone="07700 900 982", access_needs=["breaks"], best_times="mornings")
    cr.post_redirect("/account/details/bank", {"account_name": "Sam Example", "sort_code": "309452",
                                               "account_number": "00733445"})
    cr.post_redirect("/account/details/payment", {"payment_preference": "benefits_talk"})
    cr.post_redirect("/account/supporters/new", ADD)
    text = exported(cr)
    data = json.loads(text)
    details = data["details"]
    assert (details["name"], details["email"], details["phone"], details["best_times"]) == (
        "Sam Example", "sam@example.org", "07700 900 982", "mornings")
    assert details["access_needs"] == ["breaks"] and details["payment_preference"] == "benefits_talk"
    assert details["bank_details_masked"]["account_number"] == "****3445"
    assert "00733445" not in text
    assert data["people_who_help_you"][0]["relationship"] == "carer"
    assert data["requests_to_the_team"][0]["kind"] == "benefits_talk"
    # The email to the supporter was theirs, not Sam's; sign-in emails are never listed.
    assert data["emails_sent_to_you"] == []
    assert {h["what"] for h in data["history"]} >= {"contributor.updated", "contributor.bank_details_changed",
                                                   "supporter.linked"}
    page = cr.get("/account/data/view?lang=en")
    assert "07700 900 982" in page.text() and "****3445" in page.text() and "00733445" not in page.html


def test_erasure_is_asked_for_then_done_by_staff(app) -> None:
    cr, cid = signed_in(app, phone="07700 900 982", address="1 High Street")
    cr.post_redirect("/account/details/bank", {"account_name": "Sam", "sort_code": "309452",
                                               "account_number": "00733445"})
    cr.post_redirect("/account/supporters/new", ADD)
    with app.app_context():
        service.issue_sign_in("sam@example.org", db.session().get(Contributor, cid), timedelta(hours=1))
        db.session().commit()
    cr.post_redirect("/account/data/erase", token_from="/account/data/erase")
    assert "You have asked us to erase your data." in cr.get("/account/data").text()

    make_staff(app, "officer")
    officer = ClientRequest(app.test_client())
    sign_in(officer, "officer@example.org")
    tasks = officer.get("/staff/tasks")
    assert "Erase their data (they asked)" in tasks.text()
    erase_form = next(f for f in tasks.findall(".//main//form") if f.get("action").endswith("/erase"))
    officer.post_redirect(erase_form.get("action"), token_from="/staff/tasks")

    person = contributor(app, cid)
    assert person.erased_at is not None
    assert (person.name, person.email, person.phone, person.address, person.bank_details) == ("", None, "", "", None)
    with app.app_context():
        s = db.session()
        assert s.scalar(select(func.count()).select_from(SignInToken).where(SignInToken.contributor_id == cid)) == 0
        assert s.scalar(select(func.count()).select_from(OutboxMessage).where(OutboxMessage.contributor_id == cid)) == 0
        assert all(link.withdrawn_at for link in s.scalars(select(SupportLink)))
        assert s.scalar(select(AuditEvent).where(AuditEvent.action == "contributor.erased")).actor_type == "staff"
    # Their session has ended.
    assert cr.get_redirect("/account/").startswith("/account/sign-in")


def test_retention_removes_only_what_is_old_and_is_safe_to_repeat(app) -> None:
    cid = signed_in(app)[1]
    with app.app_context():
        s = db.session()
        person = s.get(Contributor, cid)
        now = utcnow()
        service.issue_sign_in(person.email, person, timedelta(hours=1))
        service.issue_sign_in(person.email, person, timedelta(hours=1))
        s.flush()
        old_token = s.scalars(select(SignInToken)).first()
        old_token.created_at = now - timedelta(days=8)
        for age, sent in ((100, True), (100, False), (5, True)):
            s.add(OutboxMessage(to_address="a@example.org", subject="s", text_body="t", purpose="x", locale="en",
                                created_at=now - timedelta(days=age), next_attempt_at=now, attempts=1,
                                sent_at=now if sent else None, last_error=""))
        s.add(RateLimitHit(key="k", at=now - timedelta(days=2)))
        s.add(RateLimitHit(key="k", at=now))
        s.commit()
    first = app.test_cli_runner().invoke(args=["retention"])
    assert "sign_in_tokens: 1 removed, outbox_messages: 1 removed, rate_limit_hits: 1 removed" in first.output
    second = app.test_cli_runner().invoke(args=["retention"])
    assert "sign_in_tokens: 0 removed, outbox_messages: 0 removed, rate_limit_hits: 0 removed" in second.output
    with app.app_context():
        s = db.session()
        assert s.scalar(select(func.count()).select_from(SignInToken)) == 1
        assert s.scalar(select(func.count()).select_from(OutboxMessage)) == 2  # unsent old one is kept for retry
        events = s.scalars(select(AuditEvent).where(AuditEvent.action == "retention.applied")).all()
        assert len(events) == 1 and events[0].after_data["sign_in_tokens"] == 1



def test_erasure_also_removes_waiting_bank_details_sessions_and_the_words_of_private_messages(app) -> None:
    from app import crypto
    from app.account import data
    from app.account.models import BankDetailsChange
    from app.security import AccountSession
    from app.staff.models import StaffTask

    cr, cid = signed_in(app)
    with app.app_context():
        s = db.session()
        person = s.get(Contributor, cid)
        s.add(BankDetailsChange(contributor_id=cid, requested_by_id=1, requested_at=utcnow(), details=crypto.encrypt_json(
            {"account_name": "Sam", "sort_code": "309452", "account_number": "00733445", "roll_number": ""})))
        s.commit()
        service.ask_for_help(person, "Please do not tell my carer.")
    document = json.loads(exported(cr))
    [waiting] = document["bank_details_waiting_for_approval"]
    assert waiting["details_masked"]["account_number"] == "****3445" and waiting["outcome"] == "waiting"
    assert [t["detail"] for t in document["requests_to_the_team"]] == ["Please do not tell my carer."]
    with app.app_context():
        data.erase(db.session().get(Contributor, cid), by=("system", None, "test"))
        db.session().commit()  # the route that erases commits once
        s = db.session()
        assert s.scalar(select(func.count()).select_from(BankDetailsChange)) == 0
        assert s.scalar(select(func.count()).select_from(AccountSession).where(
            AccountSession.kind == "contributor", AccountSession.account_id == cid)) == 0
        assert s.scalar(select(StaffTask.detail)) == ""


def test_meetings_someone_came_to_are_in_their_export(app) -> None:
    from tests.meetings.test_meeting_pages import arranged

    cr, cid = signed_in(app)
    meeting, _officer = arranged(app, [cid])
    [came] = json.loads(exported(cr))["meetings_you_came_to"]
    assert (came["meeting"], came["title"], came["as_supporter"]) == (meeting.id, meeting.title, False)


def test_the_person_is_emailed_in_their_language_when_erasure_is_done(mail_app, smtp_server) -> None:
    from tests.conftest import body_text, deliver_mail

    cr, cid = signed_in(mail_app, language="cy", easy_read=True)
    cr.post_redirect("/account/data/erase", token_from="/account/data/erase")
    make_staff(mail_app, "officer")
    officer = ClientRequest(mail_app.test_client())
    sign_in(officer, "officer@example.org")
    erase_form = next(f for f in officer.get("/staff/tasks").findall(".//main//form")
                      if f.get("action").endswith("/erase"))
    officer.post_redirect(erase_form.get("action"), token_from="/staff/tasks")
    deliver_mail(mail_app)
    [message] = smtp_server[0].messages
    assert message["To"] == "sam@example.org" and message["Content-Language"] == "cy"
    assert "Sam" not in body_text(message)  # nothing about them but the address it goes to
    with mail_app.app_context():
        assert contributor(mail_app, cid).email is None
        sent = db.session().scalar(select(OutboxMessage))
        assert (sent.purpose, sent.sent_at is not None) == ("erasure_done", True)


def test_someone_without_email_is_told_by_the_team_not_by_email(app) -> None:
    cr, cid = signed_in(app, email=None)
    cr.post_redirect("/account/data/erase", token_from="/account/data/erase")
    make_staff(app, "officer")
    officer = ClientRequest(app.test_client())
    sign_in(officer, "officer@example.org")
    erase_form = next(f for f in officer.get("/staff/tasks").findall(".//main//form")
                      if f.get("action").endswith("/erase"))
    officer.post_redirect(erase_form.get("action"), token_from="/staff/tasks")
    assert "They have no email address" in officer.get("/staff/tasks?lang=en").text()
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(OutboxMessage)) == 0


def test_an_erasure_that_fails_part_way_stores_nothing(app, monkeypatch) -> None:
    """Erasing and closing the request are one change: if closing fails, the person is not
    half-erased with the request still open (it can simply be tried again)."""
    from app.staff import service as staff_service
    from app.staff.models import StaffTask

    cr, cid = signed_in(app)
    cr.post_redirect("/account/data/erase", token_from="/account/data/erase")
    make_staff(app, "officer")
    officer = ClientRequest(app.test_client())
    sign_in(officer, "officer@example.org")
    erase_form = next(f for f in officer.get("/staff/tasks").findall(".//main//form")
                      if f.get("action").endswith("/erase"))
    token = officer.csrf_token("/staff/tasks")

    def closing_fails(task, staff):  # type: ignore[no-untyped-def]
        raise RuntimeError("the task could not be closed")

    monkeypatch.setattr(staff_service, "complete_task", closing_fails)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = officer.client.post(erase_form.get("action"), data={"csrf_token": token})
    assert response.status_code == 500
    with app.app_context():
        db.session().rollback()
        person = contributor(app, cid)
        assert (person.email, person.erased_at) == ("sam@example.org", None)
        assert db.session().scalar(select(StaffTask).where(StaffTask.kind == "erasure_request")).done_at is None


def test_signed_out_sessions_are_deleted_after_the_sign_in_retention_period(app) -> None:
    from datetime import timedelta

    from app.account import data
    from app.db import utcnow
    from app.security import AccountSession

    days = app.config["SETTINGS"].retention_sign_in_days
    now = utcnow()
    with app.app_context():
        s = db.session()
        s.add_all([
            AccountSession(sid_hash="a" * 64, kind="contributor", account_id=1, created_at=now - timedelta(days=90),
                           ended_at=now - timedelta(days=days + 1)),  # signed out long ago: goes
            AccountSession(sid_hash="b" * 64, kind="contributor", account_id=1, created_at=now - timedelta(days=90),
                           ended_at=now - timedelta(days=days - 1)),  # signed out recently: stays for now
            AccountSession(sid_hash="c" * 64, kind="staff", account_id=1, created_at=now - timedelta(days=90)),
        ])
        s.commit()
        assert data.apply_retention()["ended_sessions"] == 1
        assert sorted(x.sid_hash[0] for x in s.scalars(select(AccountSession))) == ["b", "c"]
