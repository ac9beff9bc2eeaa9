"""Meetings in people's diaries: calendar files (.ics) and reminders before a meeting.

- Every invitation, change and cancellation carries a calendar file: one event per meeting
  with a stable UID, a SEQUENCE that rises with each recorded change (``MeetingChange``), in
  Europe/London time (with its VTIMEZONE), METHOD:REQUEST, or METHOD:CANCEL once cancelled.
  It goes with the email (``OutboxMessage.calendar``) and is on the meeting's page for the
  people coming.
- Reminders go ``MEETING_REMINDER_HOURS`` before a meeting (default 48 and 2), by the person's
  channel (``notify``), each once (``MeetingReminder``'s unique constraint). By letter there is
  one reminder, posted ``LETTER_REMINDER_WORKING_DAYS`` working days (Monday to Friday; bank
  holidays are not counted out) before, so it arrives in time.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import current_app, has_request_context
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event, vCalAddress
from sqlalchemy import delete as sql_delete, func, select
from sqlalchemy.exc import IntegrityError

from app import db, mail
from app.account.models import Contributor
from app.db import utcnow
from app.i18n import FORMAT_LOCALES
from app.meetings.models import Attendance, Meeting, MeetingChange, MeetingReminder

LOCAL = ZoneInfo("Europe/London")  # where the meetings happen (times are stored in UTC)
KINDS = ("invited", "changed", "cancelled")


# --- calendar files --------------------------------------------------------------------------------

def uid(meeting: Meeting) -> str:
    """The same for every file about one meeting, so a diary updates the event it already has."""
    host = urlsplit(current_app.config["SETTINGS"].base_url).hostname or "takepart.local"
    return f"meeting-{meeting.id}-{meeting.code}@{host}"


def sequence(meeting: Meeting) -> int:
    """How many times the meeting has changed since it was arranged (a cancellation is a change)."""
    return db.session().scalar(select(func.count()).select_from(MeetingChange).where(
        MeetingChange.meeting_id == meeting.id)) or 0


def short_link(meeting: Meeting) -> str:
    return mail.absolute_url("meetings.show", code=meeting.code)


def calendar(meeting: Meeting, locale: str = "en", person: Contributor | None = None) -> bytes:
    """The meeting as a calendar file, its description in ``locale``."""
    cfg = current_app.config["SETTINGS"]
    link = short_link(meeting)
    request_ctx = nullcontext() if has_request_context() else current_app.test_request_context(base_url=cfg.base_url)
    with request_ctx, force_locale(FORMAT_LOCALES.get(locale, locale)):
        where = meeting.venue.strip() or meeting.link.strip()
        lines = [_("How to join: %(details)s", details=where)] if where else []
        lines += [_("The meeting's page: %(link)s", link=link),
                  _("Questions, or cannot come? Call %(phone)s.", phone=cfg.organisation_phone)]
    cal = Calendar()
    cal.add("prodid", "-//Take Part//Meetings//EN")
    cal.add("version", "2.0")
    cal.add("method", "CANCEL" if meeting.cancelled else "REQUEST")
    event = Event()
    event.add("uid", uid(meeting))
    event.add("sequence", sequence(meeting))
    event.add("dtstamp", utcnow())
    event.add("dtstart", meeting.starts_at.astimezone(LOCAL))
    event.add("dtend", (meeting.starts_at + timedelta(minutes=meeting.minutes)).astimezone(LOCAL))
    event.add("summary", meeting.title)
    if where:
        event.add("location", where)
    event.add("url", link)
    event.add("description", "\n".join(lines))
    event.add("status", "CANCELLED" if meeting.cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{parseaddr(cfg.mail_from)[1]}")
    organizer.params["cn"] = cfg.organisation_name
    event.add("organizer", organizer)
    if person is not None and person.email:
        attendee = vCalAddress(f"mailto:{person.email}")
        attendee.params["cn"] = person.display_name
        event.add("attendee", attendee)
    cal.add_component(event)
    cal.add_missing_timezones()
    return cal.to_ical()


# --- telling people ---------------------------------------------------------------------------------

def _context(meeting: Meeting, kind: str) -> dict[str, Any]:
    from app.meetings import service

    changes = list(db.session().scalars(select(MeetingChange.what).where(MeetingChange.meeting_id == meeting.id)
                                        .order_by(MeetingChange.at.desc(), MeetingChange.id.desc())))
    return {"meeting": meeting, "kind": kind, "link": short_link(meeting), "ends_at": service.ends_at,
            "changes": changes}


def tell(meeting: Meeting, people: list[Contributor], kind: str) -> list[Any]:
    """Tell ``people`` they are invited to a meeting, that it changed, or that it is cancelled,
    each by their channel; an email carries the calendar file. Never commits."""
    from app.notify import notify

    if kind not in KINDS:
        raise ValueError(kind)
    messages = []
    for person in people:
        if person.erased_at is not None:
            continue
        message = notify(person, "meeting_news", _context(meeting, kind), purpose=f"meeting_{kind}")
        if message is not None and (message.channel or "email") == "email":
            message.calendar = calendar(meeting, person.language or "en", person).decode()
        messages.append(message)
    return messages


# --- reminders --------------------------------------------------------------------------------------

def reminder_hours() -> list[int]:
    """``MEETING_REMINDER_HOURS`` as whole hours, largest first ("48,2" -> [48, 2])."""
    raw = current_app.config["SETTINGS"].meeting_reminder_hours
    return sorted({int(h) for h in raw.replace(" ", "").split(",") if h.isdigit() and int(h) > 0}, reverse=True)


def working_days_before(moment: datetime, days: int) -> datetime:
    """``days`` working days (Monday to Friday, in London) before ``moment``, at the same time of day."""
    local = moment.astimezone(LOCAL)
    day = local.date()
    left = days
    while left > 0:
        day -= timedelta(days=1)
        if day.weekday() < 5:
            left -= 1
    return datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=LOCAL).astimezone(moment.tzinfo)


def due(meeting: Meeting, channel: str) -> list[tuple[int, datetime]]:
    """(hours before, when to send) for each reminder a person reached by ``channel`` gets."""
    hours = reminder_hours()
    if not hours:
        return []
    if channel == "letter":  # one letter, posted early enough to arrive
        days = current_app.config["SETTINGS"].letter_reminder_working_days
        return [(hours[0], min(meeting.starts_at - timedelta(hours=hours[0]),
                               working_days_before(meeting.starts_at, days)))]
    return [(h, meeting.starts_at - timedelta(hours=h)) for h in hours]


def horizon() -> timedelta:
    """How far ahead a reminder can be due: the longest time before, or the letter's working days."""
    days = current_app.config["SETTINGS"].letter_reminder_working_days
    return max(timedelta(hours=max(reminder_hours(), default=0)), timedelta(days=days + 2 * (days // 5 + 1)))


def send_reminders(now: datetime | None = None) -> int:
    """Queue the reminders due at ``now`` and commit; returns how many were queued.

    Only for meetings not cancelled and not yet started, to people still coming. When several
    are due at once (someone added late), only the nearest goes and the earlier ones count as
    sent. Each is recorded before it is queued, in the same transaction; a second worker doing
    the same breaks the unique constraint and sends nothing.
    """
    from app.notify import channel_for, notify

    now = now or utcnow()
    session = db.session()
    rows = session.execute(
        select(Meeting, Contributor).join(Attendance, Attendance.meeting_id == Meeting.id)
        .join(Contributor, Contributor.id == Attendance.contributor_id)
        .where(Meeting.cancelled.is_(False), Meeting.starts_at > now, Meeting.starts_at <= now + horizon(),
               Contributor.erased_at.is_(None))
        .order_by(Meeting.starts_at, Contributor.id)).all()
    if not rows:
        return 0
    sent = {tuple(row) for row in session.execute(select(
        MeetingReminder.meeting_id, MeetingReminder.contributor_id, MeetingReminder.hours).where(
        MeetingReminder.meeting_id.in_({m.id for m, _p in rows})))}
    queued = 0
    for meeting, person in rows:
        ready = [h for h, at in due(meeting, channel_for(person)) if at <= now and (meeting.id, person.id, h) not in sent]
        if not ready:
            continue
        try:
            with session.begin_nested():
                for h in ready:
                    session.add(MeetingReminder(meeting_id=meeting.id, contributor_id=person.id, hours=h, sent_at=now))
                session.flush()
        except IntegrityError:  # another worker is sending it
            continue
        notify(person, "meeting_reminder", _context(meeting, "reminder") | {"hours": min(ready)},
               purpose="meeting_reminder")
        queued += 1
    session.commit()
    return queued


def erase(person: Contributor) -> None:
    """Erasure: the record of reminders sent to them goes."""
    db.session().execute(sql_delete(MeetingReminder).where(MeetingReminder.contributor_id == person.id))


def forget_old() -> int:
    """Retention: reminders are only needed until the meeting has happened; a day later they go."""
    old = select(Meeting.id).where(Meeting.starts_at < utcnow() - timedelta(days=1))
    result = db.session().execute(sql_delete(MeetingReminder).where(MeetingReminder.meeting_id.in_(old)))
    return result.rowcount or 0  # type: ignore[attr-defined]


def register(p: Any) -> None:
    """Reminders run in the mail worker; what they record about people is covered (erasure:
    ``service.erase`` calls ``erase``)."""
    p.mail_jobs.append(send_reminders)
    p.retention["meeting_reminders"] = forget_old
    p.cover("meeting_reminders", export="", erasure="deleted",
            retention="deleted a day after the meeting: only needed so no reminder goes twice",
            not_exported="a record that a reminder was sent; the reminder itself is in the messages sent")
