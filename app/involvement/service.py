"""A person's involvement, drawn from what the rooms already hold, and the impact log.

``record(person)`` gathers, in a few statements, the roles someone took part in (meetings they
came to as themselves, and approved claims for a role), the meetings with dates and hours,
payments by tax year (fees apart from expenses and advances: only fees are income), and the
published "you said, we did" from their meetings. Roles the person chose to leave off their
record are left off everything on it, with their meetings and responses. Nothing about health
is read here: access needs and equality answers are never touched.

Services here never commit: the route (or demo loader) commits once.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from app import audit, db
from app.audit import Actor
from app.db import utcnow
from app.involvement.models import ImpactEntry, RoleOnRecord

#: Claims whose money is agreed: what "your claims" counts as approved so far.
AGREED = ("approved", "sent", "paid")


@dataclass
class Year:
    """Money agreed in one UK tax year, in pence."""

    start: int
    fees: int = 0
    expenses: int = 0
    advances: int = 0


@dataclass
class Record:
    roles: list[tuple[Any, bool]] = field(default_factory=list)  # (Role, shown), every role they took part in
    meetings: list[Any] = field(default_factory=list)  # meetings of shown roles they came to, newest first
    minutes: int = 0
    years: list[Year] = field(default_factory=list)  # newest first
    you_said: list[Any] = field(default_factory=list)  # published, on meetings of shown roles

    @property
    def shown(self) -> list[Any]:
        return [role for role, shown in self.roles if shown]

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.1"))


def hidden_roles(person_id: int) -> set[int]:
    return set(db.session().scalars(select(RoleOnRecord.role_id).where(
        RoleOnRecord.contributor_id == person_id, RoleOnRecord.shown.is_(False))))


def record(person: Any, now: datetime | None = None) -> Record:
    """What ``person`` has done with us, as their record of involvement shows it."""
    from app.claims import advances
    from app.claims.models import Claim
    from app.meetings.models import Attendance, Meeting, YouSaidWeDid
    from app.roles.models import Role

    now = now or utcnow()
    session = db.session()
    came = list(session.scalars(
        select(Meeting).join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Attendance.contributor_id == person.id, Attendance.as_supporter.is_(False),
               Meeting.cancelled.is_(False), Meeting.starts_at <= now)
        .order_by(Meeting.starts_at.desc())))
    claims = list(session.execute(select(Claim.role_id, Claim.tax_year, Claim.fee_pence, Claim.expenses_pence)
                                  .where(Claim.contributor_id == person.id, Claim.status.in_(AGREED))))
    role_ids = {m.role_id for m in came} | {row.role_id for row in claims if row.role_id is not None}
    # each role with the person's choice for it, in one statement (no choice made: shown)
    chosen = list(session.execute(
        select(Role, RoleOnRecord.shown).outerjoin(RoleOnRecord, (RoleOnRecord.role_id == Role.id)
                                                   & (RoleOnRecord.contributor_id == person.id))
        .where(Role.id.in_(role_ids)).order_by(Role.title))) if role_ids else []
    out = Record(roles=[(role, shown is not False) for role, shown in chosen])
    hidden = {role.id for role, shown in out.roles if not shown}
    out.meetings = [m for m in came if m.role_id not in hidden]
    out.minutes = sum(m.minutes for m in out.meetings)
    years: dict[int, Year] = {}
    for row in claims:
        year = years.setdefault(row.tax_year, Year(row.tax_year))
        year.fees += row.fee_pence
        year.expenses += row.expenses_pence
    for start, pence in advances.paid_out_by_year(person.id).items():
        years.setdefault(start, Year(start)).advances += pence
    out.years = sorted(years.values(), key=lambda y: y.start, reverse=True)
    ids = [m.id for m in out.meetings]
    if ids:
        out.you_said = list(session.scalars(select(YouSaidWeDid).where(
            YouSaidWeDid.meeting_id.in_(ids), YouSaidWeDid.published_at.is_not(None))
            .order_by(YouSaidWeDid.published_at.desc())))
    return out


def choose_roles(person: Any, role_ids: list[int], shown: set[int], by: Actor) -> None:
    """Keep the person's choice of which of ``role_ids`` appear on their record (never commits)."""
    session = db.session()
    rows = {row.role_id: row for row in session.scalars(select(RoleOnRecord).where(
        RoleOnRecord.contributor_id == person.id, RoleOnRecord.role_id.in_(role_ids)))} if role_ids else {}
    now = utcnow()
    for role_id in role_ids:
        row = rows.get(role_id)
        if row is None:
            row = RoleOnRecord(contributor_id=person.id, role_id=role_id, shown=True, updated_at=now)
            session.add(row)
        if row.shown != (role_id in shown):
            row.shown, row.updated_at = role_id in shown, now
    audit.record("involvement.roles_chosen", "contributor", person.id, actor=by,
                 after={"shown": sorted(shown & set(role_ids)), "left_off": sorted(set(role_ids) - shown)})


def export(person: Any) -> list[dict[str, Any]]:
    """"Your data": the roles the person chose to leave on or off their record."""
    return [{"role_id": row.role_id, "on_record": row.shown, "updated_at": row.updated_at.isoformat()}
            for row in db.session().scalars(select(RoleOnRecord).where(RoleOnRecord.contributor_id == person.id))]


def erase(person: Any) -> None:
    db.session().query(RoleOnRecord).filter(RoleOnRecord.contributor_id == person.id).delete()


# --- the impact log ---------------------------------------------------------------------------------

FIELDS = ("what_changed", "changed_on", "evidence", "meeting_id", "you_said_id")


def _summary(entry: ImpactEntry) -> dict[str, Any]:
    return {"role": entry.role_id, "changed_on": entry.changed_on.isoformat() if entry.changed_on else None,
            "meeting": entry.meeting_id, "you_said": entry.you_said_id, "published": entry.published_at is not None}


def add_impact(role: Any, values: dict[str, Any], by: Actor) -> ImpactEntry:
    """Record what changed because of involvement in ``role`` (a draft until published; never commits)."""
    now = utcnow()
    entry = ImpactEntry(role_id=role.id, created_by=by[2], created_at=now, updated_at=now,
                        **{name: values.get(name) for name in FIELDS})
    entry.evidence = entry.evidence or ""
    db.session().add(entry)
    db.session().flush()
    audit.record("impact.added", "role", role.id, actor=by, after=_summary(entry) | {"entry": entry.id})
    return entry


def update_impact(entry: ImpactEntry, values: dict[str, Any], by: Actor) -> None:
    before = _summary(entry)
    for name in FIELDS:
        setattr(entry, name, values.get(name))
    entry.evidence = entry.evidence or ""
    entry.updated_at = utcnow()  # the role page's edition changes when a published entry does
    audit.record("impact.changed", "role", entry.role_id, actor=by, before=before,
                 after=_summary(entry) | {"entry": entry.id})


def publish_impact(entry: ImpactEntry, published: bool, by: Actor) -> None:
    """Show (or stop showing) the entry on the role's public page (never commits)."""
    entry.published_at = utcnow() if published else None
    entry.updated_at = utcnow()
    audit.record("impact.published" if published else "impact.unpublished", "role", entry.role_id, actor=by,
                 after={"entry": entry.id})


def impact_for_role(role_id: int, published_only: bool = False) -> list[ImpactEntry]:
    query = select(ImpactEntry).where(ImpactEntry.role_id == role_id)
    if published_only:
        query = query.where(ImpactEntry.published_at.is_not(None))
    return list(db.session().scalars(query.order_by(ImpactEntry.changed_on.desc(), ImpactEntry.id.desc())))


def links_for_role(role_id: int) -> tuple[list[Any], list[Any]]:
    """The role's meetings and their "you said, we did", for an entry to link to."""
    from app.meetings.models import Meeting, YouSaidWeDid

    meetings = list(db.session().scalars(select(Meeting).where(Meeting.role_id == role_id)
                                         .order_by(Meeting.starts_at.desc())))
    said = list(db.session().scalars(select(YouSaidWeDid).where(
        YouSaidWeDid.meeting_id.in_([m.id for m in meetings])).order_by(YouSaidWeDid.id.desc()))) if meetings else []
    return meetings, said


def today() -> date:
    return date.today()
