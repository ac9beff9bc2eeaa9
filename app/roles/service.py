"""Role descriptions: drafting, the publish gate, versions after publishing, translations.

Every state change goes through ``change_status`` (or ``publish``), which checks the
transition, writes the audit event and commits once.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from app import audit, db
from app.claims.pricing import TIERS
from app.audit import Actor
from app.db import utcnow
from app.i18n import WRITTEN_IN, Said
from app.roles.models import EASY_READ_SECTIONS, FORMATS, TRANSLATABLE, Role, RoleTranslation, RoleVersion
from app.transitions import TEAM, Machine

#: Every field a published role must have, in the order the form asks for them.
REQUIRED = (
    "title", "purpose", "can_change", "tasks", "meetings", "evenings_weekends", "between_meetings", "start_date",
    "end_date", "format", "venue", "getting_there", "payment_level", "expenses_covered", "preparation",
    "support_offered", "dbs_needed", "confidentiality", "adjustments", "contact_name", "contact_phone",
    "contact_email", "closing_date",
)

#: A role is written as a draft, published (then people can find it), closed, published again or archived.
ROLE = Machine("role", {
    "draft": {"published": TEAM, "archived": TEAM},
    "published": {"closed": TEAM},
    "closed": {"published": TEAM, "archived": TEAM},
})


class IncompleteRole(Exception):
    """A role cannot be published while something it must say is missing."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(", ".join(missing))
        self.missing = missing


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


# The form's order, with the fields that only some roles need in their place.
FORM_ORDER = (
    "title", "purpose", "can_change", "tasks", "meetings", "evenings_weekends", "between_meetings", "start_date",
    "end_date", "format", "venue", "getting_there", "venue_access", "payment_level", "recognition",
    "expenses_covered", "preparation", "support_offered", "dbs_needed", "dbs_why", "confidentiality",
    "adjustments", "contact_name", "contact_phone", "contact_email", "closing_date",
)


def missing_for_publish(role: Role) -> list[str]:
    """What a role still lacks before it can be published, in form order.

    Conditional fields: how a voluntary role recognises contributions; why a DBS
    check is needed; the venue's accessibility for in-person or mixed roles; and
    every easy-read section (``easy_read.<section>``).
    """
    missing = {name for name in REQUIRED if _empty(getattr(role, name))}
    if role.payment_level and not pays_known(role.payment_level):
        missing.add("payment_level")
    if role.payment_level == "voluntary" and _empty(role.recognition):
        missing.add("recognition")
    if role.dbs_needed and _empty(role.dbs_why):
        missing.add("dbs_why")
    if role.format in ("in_person", "mixed") and _empty(role.venue_access):
        missing.add("venue_access")
    if role.format and role.format not in FORMATS:
        missing.add("format")
    if role.start_date and role.end_date and role.end_date < role.start_date:
        missing.add("end_date")
    easy = role.easy_read or {}
    return [name for name in FORM_ORDER if name in missing] + [
        f"easy_read.{s}" for s in EASY_READ_SECTIONS if _empty(easy.get(s))]


def pays_known(level: str) -> bool:
    """Can a role be published paying ``level``: a tier; a local rate on the rate card in force
    today; or voluntary, where the ``voluntary_roles`` setting allows it."""
    from flask import current_app

    from app.claims.service import card_today

    if level in TIERS:
        return True
    if level == "voluntary":
        return bool(current_app.config["SETTINGS"].voluntary_roles)
    card = card_today()
    return card is not None and any(r.code == level and r.kind != "tier" for r in card.rates)


def snapshot(role: Role) -> dict[str, Any]:
    data = {name: getattr(role, name) for name in REQUIRED + ("recognition", "dbs_why", "venue_access")}
    data["easy_read"] = dict(role.easy_read or {})
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in data.items()}


def create(values: dict[str, Any], by: Actor) -> Role:
    """A new draft role (nothing is required to save a draft but a title)."""
    now = utcnow()
    role = Role(status="draft", version=0, easy_read={}, created_at=now, updated_at=now)
    _apply(role, values)
    db.session().add(role)
    db.session().flush()
    audit.record("role.created", "role", role.id, actor=by, after={"title": role.title})
    db.session().commit()
    return role


def _apply(role: Role, values: dict[str, Any]) -> list[str]:
    changed = []
    for key, value in values.items():
        if key == "easy_read":
            value = {s: (value or {}).get(s, "") for s in EASY_READ_SECTIONS}
        if getattr(role, key) != value:
            setattr(role, key, value)
            changed.append(key)
    return changed


def _new_version(role: Role, by: Actor) -> None:
    role.version += 1
    db.session().add(RoleVersion(role_id=role.id, version=role.version, snapshot=snapshot(role),
                                 created_at=utcnow(), created_by=by[2]))


def update(role: Role, values: dict[str, Any], by: Actor) -> list[str]:
    """Save changes. A published role must stay complete, and each edit is a new version."""
    changed = _apply(role, values)
    if not changed:
        return []
    if role.status == "published":
        missing = missing_for_publish(role)
        if missing:
            db.session().rollback()
            raise IncompleteRole(missing)
        _new_version(role, by)
    role.updated_at = utcnow()
    audit.record("role.updated", "role", role.id, actor=by, after={"fields": sorted(changed), "version": role.version})
    db.session().commit()
    return changed


def change_status(role: Role, to: str, by: Actor, who: str) -> None:
    """Move a role between draft, published, closed and archived (``who``: the staff role moving it)."""
    ROLE.check(role.status, to, who)
    if to == "published":
        missing = missing_for_publish(role)
        if missing:
            raise IncompleteRole(missing)
        if role.published_at is None:
            role.published_at = utcnow()
        _new_version(role, by)
    role.updated_at = utcnow()
    ROLE.move(role, to, who, by, after={"version": role.version})
    db.session().commit()


def publish(role: Role, by: Actor, who: str = "admin") -> None:
    """Publish a role (the demo data and tests; staff use ``change_status``)."""
    change_status(role, "published", by, who)


def versions(role: Role) -> list[RoleVersion]:
    return list(db.session().scalars(select(RoleVersion).where(RoleVersion.role_id == role.id)
                                     .order_by(RoleVersion.version)))


def save_translation(role: Role, locale: str, fields: dict[str, Any], by: Actor) -> None:
    """Add or replace a role's words in ``locale`` (only translatable fields and easy read)."""
    allowed = {k: v for k, v in fields.items() if k in TRANSLATABLE}
    allowed["easy_read"] = {s: (fields.get("easy_read") or {}).get(s, "") for s in EASY_READ_SECTIONS}
    row = db.session().scalar(select(RoleTranslation).where(RoleTranslation.role_id == role.id,
                                                            RoleTranslation.locale == locale))
    if row is None:
        row = RoleTranslation(role_id=role.id, locale=locale, fields={}, updated_at=utcnow())
        db.session().add(row)
    row.fields = allowed
    row.updated_at = utcnow()
    audit.record("role.translated", "role", role.id, actor=by, after={"locale": locale})
    db.session().commit()


def _said(value: Any, lang: str) -> Any:
    return Said(value, lang) if isinstance(value, str) else value


def in_language(role: Role, locale: str, row: RoleTranslation | None | bool = False) -> tuple[dict[str, Any], bool]:
    """The role's words for ``locale``: (fields, translated?). Falls back to the original,
    field by field, so a partial translation never leaves a section empty. Each text is an
    ``i18n.Said`` that knows the language it is in, so a page can mark English shown on an
    Arabic page (``lang``/``dir``). Pass ``row`` (a translation already loaded, or ``None``)
    to skip the query."""
    original = {name: _said(getattr(role, name), WRITTEN_IN) for name in TRANSLATABLE}
    original["easy_read"] = {s: _said(v, WRITTEN_IN) for s, v in (role.easy_read or {}).items()}
    if row is False:
        row = db.session().scalar(select(RoleTranslation).where(RoleTranslation.role_id == role.id,
                                                                RoleTranslation.locale == locale))
    if not isinstance(row, RoleTranslation):
        return original, False
    own = row.fields.get("easy_read") or {}
    merged = {k: (_said(row.fields.get(k), locale) if row.fields.get(k) else v)
              for k, v in original.items() if k != "easy_read"}
    merged["easy_read"] = {s: _said(own.get(s), locale) if own.get(s) else original["easy_read"].get(s, "")
                           for s in EASY_READ_SECTIONS}
    return merged, True


def in_language_many(roles: list[Role], locale: str) -> list[tuple[Role, dict[str, Any]]]:
    """``in_language`` for a list of roles with one query for all their translations."""
    rows = {r.role_id: r for r in db.session().scalars(select(RoleTranslation).where(
        RoleTranslation.role_id.in_([role.id for role in roles]), RoleTranslation.locale == locale))}
    return [(role, in_language(role, locale, rows.get(role.id))[0]) for role in roles]
