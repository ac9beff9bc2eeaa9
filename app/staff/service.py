"""Staff account logic: every change goes through here, is audited and commits once."""

from __future__ import annotations

from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import current_app
from sqlalchemy import func, select

from app import audit, db, security
from app.db import utcnow
from app.staff.models import StaffTask, StaffUser

_hasher = PasswordHasher()
# Verified against when the email is unknown, so timing does not reveal accounts.
_DUMMY_HASH = _hasher.hash("not-a-real-password")

MIN_PASSWORD_LENGTH = 12


class SignInLimited(Exception):
    """Too many failed attempts for this address or from this network address."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def find_by_email(email: str) -> StaffUser | None:
    """The staff account for this mailbox: case and ``+tags`` make no second person, so nobody can
    hold two accounts at one address (and be their own second pair of eyes)."""
    wanted = security.same_mailbox(email)
    local, _, domain = wanted.partition("@")
    candidates = db.session().scalars(select(StaffUser).where(
        func.lower(StaffUser.email).like(f"%@{domain}"), func.lower(StaffUser.email).like(f"{local}%")))
    return next((user for user in candidates if security.same_mailbox(user.email) == wanted), None)


def create_staff(name: str, email: str, role: str, password: str) -> StaffUser:
    """Create a staff account (the email must not be in use)."""
    if role not in security.STAFF_ROLES:
        raise ValueError(f"unknown role {role!r}")
    user = StaffUser(
        name=name.strip(),
        email=normalise_email(email),
        role=role,
        password_hash=_hasher.hash(password),
        active=True,
        session_version=1,
        created_at=utcnow(),
    )
    session = db.session()
    session.add(user)
    session.flush()
    audit.record("staff.created", "staff_user", user.id, after={"email": user.email, "role": role})
    session.commit()
    return user


def authenticate(email: str, password: str, ip: str) -> StaffUser | None:
    """Check a sign-in attempt; raises ``SignInLimited`` when rate limited."""
    cfg = current_app.config["SETTINGS"]
    window = timedelta(minutes=cfg.sign_in_window_minutes)
    email_key, ip_key = f"staff-sign-in:{normalise_email(email)}", f"staff-sign-in-ip:{ip}"
    if security.limited(email_key, cfg.sign_in_limit, window) or security.limited(
        ip_key, cfg.sign_in_ip_limit, window
    ):
        raise SignInLimited()
    user = find_by_email(email)
    try:
        ok = _hasher.verify(user.password_hash if user else _DUMMY_HASH, password)
    except (VerificationError, InvalidHashError):
        ok = False
    session = db.session()
    if not (ok and user and user.active):
        security.hit(email_key)
        security.hit(ip_key)
        session.commit()
        return None
    security.clear(email_key)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    user.last_sign_in_at = utcnow()
    audit.record("staff.signed_in", "staff_user", user.id, actor=("staff", user.id, user.email))
    session.commit()
    return user


def check_password(user: StaffUser, password: str) -> bool:
    try:
        return _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def change_password(user: StaffUser, new_password: str) -> None:
    """Set a new password and end every other session of this account."""
    user.password_hash = _hasher.hash(new_password)
    user.session_version += 1
    audit.record("staff.password_changed", "staff_user", user.id)
    db.session().commit()


def set_active(user: StaffUser, active: bool) -> None:
    """Switch an account on or off; switching off ends its sessions."""
    if user.active == active:
        return
    before = {"active": user.active}
    user.active = active
    user.session_version += 1
    audit.record("staff.activated" if active else "staff.deactivated", "staff_user", user.id,
                 before=before, after={"active": active})
    db.session().commit()


def complete_task(task: StaffTask, staff: StaffUser) -> None:
    """Mark a task done (once) and audit it. The route commits."""
    if task.done_at is not None:
        return
    task.done_at = utcnow()
    task.done_by_id = staff.id
    audit.record("task.done", "staff_task", task.id, after={"kind": task.kind, "contributor": task.contributor_id})
