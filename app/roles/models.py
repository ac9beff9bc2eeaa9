"""Role descriptions, their published versions, and their translations."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime

STATUSES = ("draft", "published", "closed", "archived")
FORMATS = ("in_person", "online", "phone", "mixed")
EVENINGS_WEEKENDS = ("no", "sometimes", "yes")
EASY_READ_SECTIONS = ("purpose", "tasks", "time", "place", "payment", "support")

#: Text fields of a role that are translated per locale (with the easy-read sections).
TRANSLATABLE = (
    "title", "purpose", "can_change", "tasks", "meetings", "between_meetings", "venue", "getting_there",
    "venue_access", "recognition", "expenses_covered", "preparation", "support_offered", "dbs_why",
    "confidentiality", "adjustments",
)


class Role(Base):
    """A role description: what the work is, can change, takes, pays and offers."""

    __tablename__ = "roles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="draft", index=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    title: Mapped[str] = mapped_column(String(200), default="")
    purpose: Mapped[str] = mapped_column(Text, default="")
    can_change: Mapped[str] = mapped_column(Text, default="")
    tasks: Mapped[str] = mapped_column(Text, default="")
    meetings: Mapped[str] = mapped_column(Text, default="")
    evenings_weekends: Mapped[str] = mapped_column(String(10), default="")
    between_meetings: Mapped[str] = mapped_column(Text, default="")
    start_date: Mapped[date | None] = mapped_column(Date)
    end_date: Mapped[date | None] = mapped_column(Date)
    format: Mapped[str] = mapped_column(String(20), default="")
    venue: Mapped[str] = mapped_column(Text, default="")
    getting_there: Mapped[str] = mapped_column(Text, default="")
    venue_access: Mapped[str] = mapped_column(Text, default="")
    # A tier code, a local rate's code on the rate card, or "voluntary" (app.roles.service.missing_for_publish).
    payment_level: Mapped[str] = mapped_column(String(40), default="")
    recognition: Mapped[str] = mapped_column(Text, default="")
    expenses_covered: Mapped[str] = mapped_column(Text, default="")
    preparation: Mapped[str] = mapped_column(Text, default="")
    support_offered: Mapped[str] = mapped_column(Text, default="")
    dbs_needed: Mapped[bool | None] = mapped_column(Boolean)
    dbs_why: Mapped[str] = mapped_column(Text, default="")
    confidentiality: Mapped[str] = mapped_column(Text, default="")
    adjustments: Mapped[str] = mapped_column(Text, default="")
    contact_name: Mapped[str] = mapped_column(String(200), default="")
    contact_phone: Mapped[str] = mapped_column(String(40), default="")
    contact_email: Mapped[str] = mapped_column(String(254), default="")
    closing_date: Mapped[date | None] = mapped_column(Date)
    easy_read: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class RoleVersion(Base):
    """A snapshot of a role as published: each edit after publishing makes a new one."""

    __tablename__ = "role_versions"
    __table_args__ = (UniqueConstraint("role_id", "version", name="uq_role_versions_role_id_version"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))


class RoleTranslation(Base):
    """A role's words in another language (and their easy-read version)."""

    __tablename__ = "role_translations"
    __table_args__ = (UniqueConstraint("role_id", "locale", name="uq_role_translations_role_id_locale"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"), index=True)
    locale: Mapped[str] = mapped_column(String(10))
    fields: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
