"""The audit trail: one function that records who did what to which record.

Rows are append-only: the migration installs triggers that refuse UPDATE and
DELETE on ``audit_events`` in both SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Mapping

from flask import g, has_request_context
from sqlalchemy import Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app import db
from app.db import Base, UTCDateTime, utcnow

ACTOR_TYPES = ("staff", "contributor", "supporter", "system")
#: Who did something, as the trail names them: (type, id, label).
Actor = tuple[str, int | None, str]


class AuditEvent(Base):
    """One thing that happened to one record."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    actor_type: Mapped[str] = mapped_column(String(20))
    actor_id: Mapped[int | None] = mapped_column(Integer)
    actor_label: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(80), index=True)
    record_type: Mapped[str] = mapped_column(String(80), index=True)
    record_id: Mapped[str] = mapped_column(String(80))
    before: Mapped[str | None] = mapped_column(Text)
    after: Mapped[str | None] = mapped_column(Text)

    @property
    def before_data(self) -> dict[str, Any]:
        return json.loads(self.before) if self.before else {}

    @property
    def after_data(self) -> dict[str, Any]:
        return json.loads(self.after) if self.after else {}


def _current_actor() -> Actor:
    if has_request_context():
        staff = g.get("staff")
        if staff is not None:
            return "staff", staff.id, staff.email
    return "system", None, "system"


def record(
    action: str,
    record_type: str,
    record_id: object,
    *,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    actor: Actor | None = None,
) -> AuditEvent:
    """Add an audit event to the current session; the caller's service commits once.

    ``actor`` is ``(type, id, label)``; by default the signed-in staff member, else
    ``system``. ``before``/``after`` are short summaries — never bank details or
    free text a person wrote about themselves.
    """
    actor_type, actor_id, label = actor or _current_actor()
    if actor_type not in ACTOR_TYPES:
        raise ValueError(f"unknown actor type {actor_type!r}")
    event = AuditEvent(
        at=utcnow(),
        actor_type=actor_type,
        actor_id=actor_id,
        actor_label=label,
        action=action,
        record_type=record_type,
        record_id=str(record_id),
        before=json.dumps(dict(before), sort_keys=True, default=str) if before is not None else None,
        after=json.dumps(dict(after), sort_keys=True, default=str) if after is not None else None,
    )
    db.session().add(event)
    return event
