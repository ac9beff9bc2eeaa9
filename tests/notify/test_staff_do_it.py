"""No provider for text messages, letters or calls: staff do it, from a task that holds the message."""

from __future__ import annotations

from sqlalchemy import select

from app import db, mail, notify
from app.account.models import Contributor
from app.audit import AuditEvent
from app.mail import OutboxMessage
from app.staff.models import StaffTask
from tests.account.test_sign_in import make_contributor


def _queue(app, channel: str, purpose: str = "reminder", **fields) -> int:  # type: ignore[no-untyped-def]
    person_id = make_contributor(app, name="Sam Example", phone="+447700900982",
                                 address="1 High Street\nLeeds\nLS1 1AA", best_times="Mornings", **fields)
    with app.app_context():
        person = db.session().get(Contributor, person_id)
        message = notify.queue(person, channel, subject="Your meeting on Tuesday",
                               body="Hello Sam.\nThe meeting is at 2pm on Tuesday.", purpose=purpose, locale="en")
        db.session().commit()
        mail.deliver_pending()
        return message.id


def test_a_text_message_becomes_a_task_with_the_message_ready_to_send(app, as_officer) -> None:
    message_id = _queue(app, "text")
    tasks = as_officer.get("/staff/tasks")
    link = next(a for a in tasks.findall(".//main//a") if a.text == "Send this text message")
    page = as_officer.get(link.get("href"))
    assert page.h1 == "Send this text message"
    words = page.text()
    assert "Sam Example" in words and "07700 900982" in words
    assert "Hello Sam.\nThe meeting is at 2pm on Tuesday." in page.html  # as written, line by line
    with app.app_context():
        assert db.session().get(OutboxMessage, message_id).status == "sent"  # handed over, once


def test_a_letter_becomes_a_task_to_print_and_post_with_the_address(app, as_officer) -> None:
    _queue(app, "letter")
    with app.app_context():
        task_id = db.session().scalar(select(StaffTask.id).where(StaffTask.kind == "send_letter"))
    page = as_officer.get(f"/staff/tasks/{task_id}")
    assert page.h1 == "Print and post this letter"
    assert "1 High Street" in page.text() and "Your meeting on Tuesday" in page.text()


def test_a_phone_call_shows_the_words_and_done_records_who_rang_and_when(app, as_officer) -> None:
    _queue(app, "phone")
    with app.app_context():
        task_id = db.session().scalar(select(StaffTask.id).where(StaffTask.kind == "phone_call"))
    page = as_officer.get(f"/staff/tasks/{task_id}")
    assert page.h1 == "Ring them and say this" and "Mornings" in page.text()
    assert "The meeting is at 2pm on Tuesday." in page.text()
    as_officer.post_redirect(f"/staff/tasks/{task_id}/done", token_from=f"/staff/tasks/{task_id}")
    done = as_officer.get(f"/staff/tasks/{task_id}")
    assert "Done by Officer Person on" in done.text()
    assert not [b for b in done.findall(".//main//button") if "Done" in (b.text or "")]
    with app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "task.done"))
        assert event.actor_label == "officer@example.org" and "phone_call" in str(event.after)


def test_a_sign_in_code_is_never_handed_to_staff(app) -> None:
    message_id = _queue(app, "text", purpose="sign_in")
    with app.app_context():
        message = db.session().get(OutboxMessage, message_id)
        assert message.status == "failed" and "not given to staff" in message.last_error
        assert db.session().scalar(select(StaffTask.id)) is None


def test_the_channel_follows_the_persons_choice_and_what_we_can_reach(app_ctx) -> None:
    def person(**fields):  # type: ignore[no-untyped-def]
        return Contributor(**({"email": None, "phone": "", "address": "", "contact_channel": "email"} | fields))

    assert notify.channel_for(person(email="a@example.org")) == "email"
    assert notify.channel_for(person(contact_channel="text", phone="+447700900982")) == "text"
    assert notify.channel_for(person(contact_channel="text", phone="+441214960000")) == "phone"  # a landline
    assert notify.channel_for(person(contact_channel="text", phone="+48600123456")) == "phone"  # not configured
    assert notify.channel_for(person(contact_channel="post", address="1 High Street")) == "letter"
    assert notify.channel_for(person(contact_channel="phone", phone="+447700900982")) == "phone"
    assert notify.channel_for(person(contact_channel="post", email="a@example.org")) == "email"  # no address
