"""Meetings in people's diaries: a calendar file with every invitation, change and cancellation
(and on the meeting's page), and reminders two days and two hours before, each sent once."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from email import message_from_bytes
from email.policy import default
from pathlib import Path

from icalendar import Calendar
from sqlalchemy import select

from app import db
from app.account.models import Contributor
from app.mail import OutboxMessage
from app.meetings import diary, service
from app.meetings.models import Meeting
from app.roles.models import Role
from tests.claims.test_claim_service import person
from tests.conftest import ClientRequest, signed_in_session
from tests.interests.helpers import published_role

STAFF = ("staff", None, "officer@example.org")
#: Thursday 7 March 2030, 14:30 in London (GMT, so the same in UTC).
STARTS = datetime(2030, 3, 7, 14, 30, tzinfo=timezone.utc)


def arrange(app, people: list[Contributor], starts: datetime = STARTS) -> Meeting:  # type: ignore[no-untyped-def]
    role = db.session().get(Role, published_role(app))
    item = service.create(role, {"title": "Service design group", "starts_at": starts, "minutes": 90,
                                 "format": "in_person", "venue": "Room 2, Main Street"}, STAFF)
    service.set_attendees(item, [(p.id, False) for p in people], STAFF)
    return item


def messages(purpose: str) -> list[OutboxMessage]:
    return list(db.session().scalars(select(OutboxMessage).where(OutboxMessage.purpose == purpose)
                                     .order_by(OutboxMessage.id)))


def parsed(text: str) -> tuple[Calendar, object]:
    cal = Calendar.from_ical(text)
    (event,) = cal.walk("VEVENT")
    return cal, event


def test_invitation_change_and_cancellation_carry_one_event_with_a_rising_sequence(app) -> None:
    with app.app_context():
        sam = person(app)
        item = arrange(app, [sam])
        (invite,) = messages("meeting_invited")
        cal, event = parsed(invite.calendar)
        assert cal["METHOD"] == "REQUEST" and event["SEQUENCE"] == 0
        uid = str(event["UID"])
        assert event["SUMMARY"] == "Service design group" and event["LOCATION"] == "Room 2, Main Street"
        start = event.decoded("DTSTART")
        assert str(start.tzinfo) == "Europe/London" and start.hour == 14 and start.minute == 30
        assert event.decoded("DTEND") - start == timedelta(minutes=90)
        assert [str(tz["TZID"]) for tz in cal.walk("VTIMEZONE")] == ["Europe/London"]
        assert f"/m/{item.code}" in event["DESCRIPTION"] and "0300 000 0000" in event["DESCRIPTION"]
        assert "You are coming to \"Service design group\"" in invite.text_body

        service.update(item, {"venue": "Room 5"}, "Now in Room 5", STAFF)
        (change,) = messages("meeting_changed")
        cal, event = parsed(change.calendar)
        assert (cal["METHOD"], str(event["UID"]), event["SEQUENCE"]) == ("REQUEST", uid, 1)
        assert "Now in Room 5" in change.text_body

        service.cancel(item, "The room is not free", STAFF)
        (cancelled,) = messages("meeting_cancelled")
        cal, event = parsed(cancelled.calendar)
        assert (cal["METHOD"], str(event["UID"]), event["SEQUENCE"]) == ("CANCEL", uid, 2)
        assert event["STATUS"] == "CANCELLED"


def test_the_email_has_the_calendar_file_attached(app) -> None:
    from app import mail

    with app.app_context():
        arrange(app, [person(app)])
        mail.deliver_pending()
    (eml,) = Path(app.config["SETTINGS"].mail_outbox).glob("*.eml")
    msg = message_from_bytes(eml.read_bytes(), policy=default)
    (attachment,) = [part for part in msg.iter_attachments()]
    assert attachment.get_content_type() == "text/calendar" and attachment.get_param("method") == "REQUEST"
    assert Calendar.from_ical(attachment.get_content())["METHOD"] == "REQUEST"


def test_people_coming_download_the_calendar_file_from_the_meetings_page(app) -> None:
    with app.app_context():
        sam = person(app)
        other = person(app, email="other@example.org", name="Other")
        item = arrange(app, [sam])
        code, sam_id, other_id = item.code, sam.id, other.id
    anon = app.test_client()
    assert anon.get(f"/m/{code}/calendar.ics").status_code == 302  # sign in first
    coming = ClientRequest(app.test_client())
    with coming.client.session_transaction() as s:
        s.update(signed_in_session(app, "contributor", sam_id))
    page = coming.get(f"/m/{code}?lang=en")
    link = page.find(".//a[@download]")
    assert link is not None and link.text.strip() == "Add to your calendar"
    response = coming.client.get(link.get("href"))
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    assert Calendar.from_ical(response.data)["METHOD"] == "REQUEST"
    stranger = ClientRequest(app.test_client())
    with stranger.client.session_transaction() as s:
        s.update(signed_in_session(app, "contributor", other_id))
    assert stranger.get(f"/m/{code}?lang=en").find(".//a[@download]") is None
    assert stranger.client.get(f"/m/{code}/calendar.ics").status_code == 404


# --- reminders ---------------------------------------------------------------------------------------

def test_reminders_go_two_days_and_two_hours_before_once_each(app) -> None:
    with app.app_context():
        sam = person(app)
        item = arrange(app, [sam])
        assert diary.send_reminders(now=STARTS - timedelta(hours=49)) == 0
        assert diary.send_reminders(now=STARTS - timedelta(hours=48)) == 1
        assert diary.send_reminders(now=STARTS - timedelta(hours=47)) == 0  # not twice
        assert diary.send_reminders(now=STARTS - timedelta(hours=3)) == 0
        assert diary.send_reminders(now=STARTS - timedelta(hours=2)) == 1
        assert diary.send_reminders(now=STARTS - timedelta(hours=1)) == 0
        assert diary.send_reminders(now=STARTS + timedelta(minutes=5)) == 0  # it has started
        first, second = messages("meeting_reminder")
        assert first.subject == "Reminder: Service design group"
        assert f"/m/{item.code}" in first.text_body and "0300 000 0000" in first.text_body
        assert "What changed" not in first.text_body


def test_a_reminder_after_a_change_says_what_changed(app) -> None:
    with app.app_context():
        item = arrange(app, [person(app)])
        service.update(item, {"venue": "Room 5"}, "Now in Room 5", STAFF)
        diary.send_reminders(now=STARTS - timedelta(hours=2))
        (reminder,) = messages("meeting_reminder")
        assert "What changed:" in reminder.text_body and "Now in Room 5" in reminder.text_body


def test_someone_added_late_gets_only_the_nearest_reminder(app) -> None:
    with app.app_context():
        arrange(app, [person(app)])
        assert diary.send_reminders(now=STARTS - timedelta(hours=1)) == 1
        assert diary.send_reminders(now=STARTS - timedelta(minutes=30)) == 0
        assert len(messages("meeting_reminder")) == 1


def test_no_reminders_for_cancelled_meetings_or_people_no_longer_coming(app) -> None:
    with app.app_context():
        sam, kim = person(app), person(app, email="kim@example.org", name="Kim")
        cancelled = arrange(app, [sam])
        service.cancel(cancelled, "", STAFF)
        other = arrange(app, [sam, kim], starts=STARTS + timedelta(days=7))
        service.set_attendees(other, [(kim.id, False)], STAFF)  # Sam is no longer coming
        assert diary.send_reminders(now=STARTS - timedelta(hours=2)) == 0
        assert diary.send_reminders(now=STARTS + timedelta(days=7, hours=-2)) == 1
        assert [m.contributor_id for m in messages("meeting_reminder")] == [kim.id]


def test_a_second_worker_sends_nothing_already_sent(app) -> None:
    from app.meetings.models import MeetingReminder

    with app.app_context():
        sam = person(app)
        item = arrange(app, [sam])
        db.session().add(MeetingReminder(meeting_id=item.id, contributor_id=sam.id, hours=48,
                                         sent_at=STARTS - timedelta(hours=48)))
        db.session().commit()
        assert diary.send_reminders(now=STARTS - timedelta(hours=48)) == 0
        assert messages("meeting_reminder") == []


def test_a_letter_reminder_is_posted_five_working_days_before_across_a_weekend(app) -> None:
    with app.app_context():
        sam = person(app, contact_channel="post", address="1 High Street\nCardiff\nCF10 1AA")
        arrange(app, [sam])  # Thursday 7 March: five working days before is Thursday 28 February
        posted = datetime(2030, 2, 28, 14, 30, tzinfo=timezone.utc)
        assert diary.working_days_before(STARTS, 5) == posted
        assert diary.working_days_before(datetime(2030, 3, 4, 9, 0, tzinfo=timezone.utc), 1) == datetime(
            2030, 3, 1, 9, 0, tzinfo=timezone.utc)  # Monday -> Friday
        assert diary.send_reminders(now=posted - timedelta(minutes=1)) == 0
        assert diary.send_reminders(now=posted) == 1
        assert diary.send_reminders(now=STARTS - timedelta(hours=2)) == 0  # one letter, not one a day
        (letter,) = messages("meeting_reminder")
        assert letter.channel == "letter" and "Service design group" in letter.text_body
        assert "0300 000 0000" in letter.text_body
