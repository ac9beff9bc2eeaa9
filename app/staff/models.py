"""Staff accounts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class StaffUser(Base):
    """A member of the involvement team, finance, or an administrator."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Bumped when the password changes or the account is switched off: ends old sessions.
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Their own contributor record, if they also take part (and are paid): they never decide its
    # claims or bank details. Set by an administrator, or when they sign in as both in one browser.
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="SET NULL", use_alter=True))


TASK_KINDS = ("benefits_talk", "erasure_request", "debrief", "private_help", "tell_person",
              # reaching people (app.notify): no provider, so staff send, print or say the message
              "send_text", "send_letter", "phone_call",
              # a phone number migration 0021 could not read (the task names the record, not the number)
              "check_phone")
#: Tasks whose page shows a message to send, print or say.
MESSAGE_TASKS = ("send_text", "send_letter", "phone_call")


class StaffTask(Base):
    """Something a person asked the involvement team to do, e.g. talk about payment and benefits."""

    __tablename__ = "staff_tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(40), index=True)
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    done_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    detail: Mapped[str] = mapped_column(Text, default="", server_default="")  # e.g. which meeting, whose contact
