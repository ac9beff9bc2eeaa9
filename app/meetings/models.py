"""Meetings under a role, who came, feedback after them, and "you said, we did".

Anonymous feedback is anonymous in the schema: a check constraint keeps every link to
a person, and every date, empty on an anonymous response and its words. Responses and
comments are named by random ids, so nothing about them says which came before which, and
making named feedback anonymous gives it new ones (see ``service._anonymise``). Free
text lives in ``feedback_comments``, which the database refuses to delete from: staff
can redact personal details (with a reason, audited) but never hide what was said.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime

from sqlalchemy import (
    JSON, Boolean, CheckConstraint, Date, ForeignKey, Integer, String, Text, UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime, utcnow

def random_id() -> str:
    """An id that says nothing about when a row was made."""
    return secrets.token_hex(16)


FORMATS = ("in_person", "online", "phone")
#: The scale questions, in the order asked; each answer is 1 (worst) to 5 (best), or absent.
SCALES = ("overall", "listened", "could_say", "information", "in_time", "jargon", "adjustments", "safe_to_disagree")
#: Free-text questions.
TEXTS = ("went_well", "change", "anything_else")


class Meeting(Base):
    """A meeting or activity under a role. Changes after people were told are kept and shown."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"), index=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)  # the short link /m/<code>, for a QR code
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    format: Mapped[str] = mapped_column(String(20))
    venue: Mapped[str] = mapped_column(Text, default="")
    link: Mapped[str] = mapped_column(String(500), default="")
    agenda: Mapped[str] = mapped_column(Text, default="")
    questions: Mapped[str] = mapped_column(Text, default="")  # what will be asked, shared in advance
    cancelled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class MeetingChange(Base):
    """A change to a meeting after it was arranged, in plain words, with when it was made."""

    __tablename__ = "meeting_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class Attendance(Base):
    """Someone who came (or is coming): a contributor, or a supporter coming with one."""

    __tablename__ = "attendances"
    __table_args__ = (UniqueConstraint("meeting_id", "contributor_id", name="uq_attendances_meeting_person"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"), index=True)
    as_supporter: Mapped[bool] = mapped_column(Boolean, default=False)


class FeedbackResponse(Base):
    """One person's feedback on one meeting: scale answers here, words in ``feedback_comments``.

    Named: ``contributor_id`` is whose feedback it is; ``submitted_by_id`` the supporter who
    gave it on their behalf, if one did. Anonymous: no person, and only the day it came.
    """

    __tablename__ = "feedback_responses"
    __table_args__ = (
        CheckConstraint("anonymous = false OR (contributor_id IS NULL AND submitted_by_id IS NULL "
                        "AND created_at IS NULL AND updated_at IS NULL AND received_on IS NULL)",
                        name="anonymous_has_no_person"),
        CheckConstraint("anonymous = true OR (contributor_id IS NOT NULL AND received_on IS NOT NULL)",
                        name="named_has_a_person"),
        {"sqlite_with_rowid": False},  # stored in the order of the random id, never of arrival
    )

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    anonymous: Mapped[bool] = mapped_column(Boolean)
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="SET NULL"),
                                                       index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="SET NULL"))
    answers: Mapped[dict[str, int]] = mapped_column(JSON, default=dict)  # SCALES -> 1..5
    debrief: Mapped[bool] = mapped_column(Boolean, default=False)
    received_on: Mapped[date | None] = mapped_column(Date)  # named only
    created_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # named only
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # named only


class FeedbackComment(Base):
    """Words someone wrote: never deleted (the database refuses), only redacted with a reason."""

    __tablename__ = "feedback_comments"
    __table_args__ = {"sqlite_with_rowid": False}  # stored in the order of the random id, never of arrival

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=random_id)
    response_id: Mapped[str] = mapped_column(ForeignKey("feedback_responses.id", onupdate="CASCADE"), index=True)
    question: Mapped[str] = mapped_column(String(20))  # one of TEXTS
    text: Mapped[str] = mapped_column(Text)
    # Who wrote these words, on named feedback only (the person, or a supporter for them);
    # always empty on anonymous feedback, and emptied when feedback is made anonymous.
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="SET NULL"))
    received_on: Mapped[date | None] = mapped_column(Date)  # named only
    redactions: Mapped[int] = mapped_column(Integer, default=0)


class YouSaidWeDid(Base):
    """A response to what people said about a meeting: what changed, or what did not and why."""

    __tablename__ = "you_said_we_did"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id"), index=True)
    you_said: Mapped[str] = mapped_column(Text)
    we_did: Mapped[str] = mapped_column(Text)
    changed: Mapped[bool] = mapped_column(Boolean, default=True)  # False: what did not change, and why
    done_on: Mapped[date | None] = mapped_column(Date)  # when it changed (or will)
    translations: Mapped[dict[str, dict[str, str]]] = mapped_column(JSON, default=dict)  # locale -> fields
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    @property
    def status(self) -> str:
        """"draft" until published (``service.YOU_SAID`` moves it)."""
        return "draft" if self.published_at is None else "published"

    @status.setter
    def status(self, value: str) -> None:
        self.published_at = utcnow() if value == "published" else None


class MeetingReminder(Base):
    """A reminder sent to one person before one meeting (``hours`` before it), so none goes twice:
    the unique constraint stops a second worker, or a rerun, sending it again."""

    __tablename__ = "meeting_reminders"
    __table_args__ = (UniqueConstraint("meeting_id", "contributor_id", "hours", name="uq_meeting_reminders_once"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    meeting_id: Mapped[int] = mapped_column(ForeignKey("meetings.id", ondelete="CASCADE"), index=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"), index=True)
    hours: Mapped[int] = mapped_column(Integer)
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime)


class SupportContact(Base):
    """One place to get support now (shown beside feedback boxes), in one language's list, in order.

    Staff edit each language's list (``app.meetings.support``); a language without its own list
    shows the English one with a note saying so.
    """

    __tablename__ = "support_contacts"
    __table_args__ = (UniqueConstraint("locale", "position", name="uq_support_contacts_locale_position"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    locale: Mapped[str] = mapped_column(String(10), index=True)
    position: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    how: Mapped[str] = mapped_column(String(200))  # a number to call, or words ("Text SHOUT to 85258")
    hours: Mapped[str] = mapped_column(String(200), default="", server_default="")  # when it is open
