"""What a person's record of involvement shows, and what changed because people took part.

``RoleOnRecord`` holds a person's choice to leave a role off their record (a role's title can
reveal a health condition); no row means the role is shown. ``ImpactEntry`` is staff's account
of what changed because of involvement, linked to a role and optionally to a meeting and a
"you said, we did"; published entries show on the role's public page.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.db import Base, UTCDateTime


class RoleOnRecord(Base):
    """Whether one role appears on one person's record of involvement (default: it does)."""

    __tablename__ = "roles_on_record"
    __table_args__ = (UniqueConstraint("contributor_id", "role_id", name="uq_roles_on_record_person_role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"), index=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id", ondelete="CASCADE"))
    shown: Mapped[bool] = mapped_column(Boolean, default=True)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ImpactEntry(Base):
    """What changed because people took part: the change, when, and the evidence, in words."""

    __tablename__ = "impact_entries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    role_id: Mapped[int] = mapped_column(ForeignKey("roles.id"), index=True)
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    you_said_id: Mapped[int | None] = mapped_column(ForeignKey("you_said_we_did.id", ondelete="SET NULL"))
    what_changed: Mapped[str] = mapped_column(Text)
    changed_on: Mapped[date] = mapped_column(Date)
    evidence: Mapped[str] = mapped_column(Text, default="")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
