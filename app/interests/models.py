"""Interests in roles, staff notes on them, and equality answers kept apart from both."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, Date, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime

#: Where an interest is, in order. "withdrawn" is the person's own choice.
STATUSES = ("new", "contacted", "invited", "offered", "not_this_time", "withdrawn")
WAYS = ("in_person", "online", "phone")
AVAILABILITY = ("weekday_daytime", "weekday_evening", "weekend")


class Interest(Base):
    """Someone saying they are interested in a role.

    It keeps its own copy of the contact details given with it: answers from
    someone who has not signed in never change an existing person's profile.
    ``submitted_by_id`` is the supporter who filled it in (``None`` when the
    person did it themselves); their agreement is recorded with it.
    """

    __tablename__ = "interests"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    role_version: Mapped[int] = mapped_column(Integer)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"), index=True)
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="SET NULL"))
    relationship: Mapped[str] = mapped_column(String(20), default="")
    agreement: Mapped[str] = mapped_column(String(20), default="")  # "support_link" or "supporter_said"
    name: Mapped[str] = mapped_column(String(200), default="")
    email: Mapped[str] = mapped_column(String(254), default="")
    phone: Mapped[str] = mapped_column(String(40), default="")
    contact_channel: Mapped[str] = mapped_column(String(10), default="email")
    best_times: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(10), default="en")
    easy_read: Mapped[bool] = mapped_column(default=False)
    ways: Mapped[list[str]] = mapped_column(JSON, default=list)
    availability: Mapped[list[str]] = mapped_column(JSON, default=list)
    availability_note: Mapped[str] = mapped_column(Text, default="")
    access_needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    interpreter_language: Mapped[str] = mapped_column(String(100), default="")
    access_other: Mapped[str] = mapped_column(Text, default="")
    hopes: Mapped[str] = mapped_column(Text, default="")
    brings: Mapped[str] = mapped_column(Text, default="")
    payment_preference: Mapped[str] = mapped_column(String(20), default="")
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # email address shown to be theirs
    status: Mapped[str] = mapped_column(String(20), default="new", index=True)
    reason: Mapped[str] = mapped_column(Text, default="")
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delete_after: Mapped[date] = mapped_column(Date, index=True)


class InterestNote(Base):
    """A staff note on an interest (seen by staff only)."""

    __tablename__ = "interest_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    interest_id: Mapped[int] = mapped_column(ForeignKey("interests.id", ondelete="CASCADE"), index=True)
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class EqualityResponse(Base):
    """Optional equality answers for a role.

    Deliberately unjoinable: no link to a person or an interest, a random id
    rather than a counter, and only the month it was given (no time).
    """

    __tablename__ = "equality_responses"
    # Stored in the order of the random id, not of arrival (SQLite would otherwise keep a rowid
    # that lines the n-th answer up with the n-th interest).
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    month: Mapped[str] = mapped_column(String(7))  # "2026-11"
    answers: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
