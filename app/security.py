"""Security headers and CSP, staff sign-in checks, and a database-backed rate limiter.

The rate limiter is hand-written rather than Flask-Limiter because Flask-Limiter's
stores are per-process memory, Redis or Memcached; Take Part runs several gunicorn
workers with only PostgreSQL beside them, so attempts are counted in the database.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from functools import wraps
from typing import Any, Callable, TypeVar

from flask import Flask, Response, abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext
from sqlalchemy import Integer, String, delete, func, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app import db
from app.db import Base, UTCDateTime, utcnow

F = TypeVar("F", bound=Callable[..., Any])

#: The vendored htmx and its Subresource Integrity hash (a test recomputes it).
HTMX_FILE = "vendor/htmx-2.0.11.min.js"
HTMX_SRI = "sha384-2OatzQy1H+Zd/IIrjr1TcuDGqLXeHhbooAyJY1KdQMKnr4LZ22k31GBLdYKHmVjg"

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def _headers(response: Response) -> Response:
    h = response.headers
    h.setdefault("Content-Security-Policy", CSP)
    h.setdefault("X-Content-Type-Options", "nosniff")
    h.setdefault("Referrer-Policy", "same-origin")
    h.setdefault("X-Frame-Options", "DENY")
    h.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
    h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    if request.is_secure or current_app.config["PREFERRED_URL_SCHEME"] == "https":
        h.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if request.endpoint != "static" and "Cache-Control" not in h:
        # Pages can hold personal data: never keep them in shared caches.
        h["Cache-Control"] = "no-store"
    return response


# --- staff sign-in checks ------------------------------------------------------

STAFF_ROLES = ("admin", "officer", "finance")


def current_staff() -> Any:
    """The signed-in staff user, or ``None``."""
    return g.get("staff")


def _load_staff() -> None:
    from app.staff.models import StaffUser  # staff room owns the model

    g.staff = None
    staff_id = session.get("staff_id")
    if staff_id is None:
        return
    started = session.get("staff_at", 0)
    hours = current_app.config["STAFF_SESSION_HOURS"]
    if utcnow().timestamp() - started > hours * 3600:
        end_session("staff")  # a copy of this cookie must not outlive the timeout either
        db.session().commit()
        session.clear()
        flash(gettext("You were signed out because your session ended. Sign in again to carry on."))
        return
    user = db.session().get(StaffUser, staff_id)
    if (user is None or not user.active or user.session_version != session.get("staff_sv")
            or not session_alive("staff", user.id)):
        session.clear()
        return
    g.staff = user
    # The limit counts idle time, so nobody is signed out in the middle of their work.
    session["staff_at"] = int(utcnow().timestamp())


def staff_required(view: F) -> F:
    """Any signed-in staff member; otherwise send them to sign in and back."""
    return role_required(*STAFF_ROLES)(view)


def role_required(*roles: str) -> Callable[[F], F]:
    """Only staff with one of ``roles``; anonymous people are sent to sign in, others get 403."""
    for role in roles:
        if role not in STAFF_ROLES:
            raise ValueError(f"unknown staff role {role!r}")

    def decorator(view: F) -> F:
        @wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            staff = current_staff()
            if staff is None:
                return redirect(url_for("staff.sign_in", next=request.full_path.rstrip("?")))
            if staff.role not in roles:
                abort(403)
            g.as_staff = True  # on a staff page the member of staff is the one acting (access.acting)
            return view(*args, **kwargs)

        wrapped.allowed_roles = roles  # type: ignore[attr-defined]
        return wrapped  # type: ignore[return-value]

    return decorator


# --- contributors ------------------------------------------------------------------


def current_contributor() -> Any:
    """The signed-in contributor (loaded by the account room), or ``None``."""
    return g.get("contributor")


def contributor_required(view: F) -> F:
    """Only a signed-in contributor; others are sent to sign in and brought back."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_contributor() is None:
            return redirect(url_for("account.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    wrapped.contributor_only = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def safe_next(target: str | None, default: str) -> str:
    """Only follow same-site paths after sign-in, never another site."""
    from urllib.parse import urlsplit

    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target \
            and not urlsplit(target).netloc:
        return target
    return default


def subject_required(view: F) -> F:
    """Pages about one person: that person, a supporter or staff member acting for them."""

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if current_contributor() is None and g.get("acting_for") is None:
            return redirect(url_for("account.sign_in", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)

    wrapped.contributor_only = True  # type: ignore[attr-defined]
    return wrapped  # type: ignore[return-value]


def cookie_secure() -> bool:
    return bool(current_app.config["SESSION_COOKIE_SECURE"])


# --- one person, however many addresses or accounts -------------------------------


def same_mailbox(email: str) -> str:
    """An address as its mailbox: case and ``+tags`` do not make another person."""
    local, _, domain = email.strip().lower().partition("@")
    return f"{local.split('+', 1)[0]}@{domain}"


def same_person(a: Any, b: Any) -> bool:
    """Two staff accounts that are one person as far as we can tell: the same account, mailbox or
    linked contributor record. Four eyes means two of these, not two logins."""
    if a is None or b is None:
        return False
    return a.id == b.id or same_mailbox(a.email) == same_mailbox(b.email) or (
        a.contributor_id is not None and a.contributor_id == b.contributor_id)


# --- sessions that end on the server ---------------------------------------------


class AccountSession(Base):
    """One sign-in (staff or contributor). The signed cookie names it; signing out ends it here,
    so a copy of the cookie taken before signing out no longer works."""

    __tablename__ = "account_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    sid_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(20))  # "staff" or "contributor"
    account_id: Mapped[int] = mapped_column(Integer, index=True)
    created_at: Mapped[Any] = mapped_column(UTCDateTime)
    ended_at: Mapped[Any] = mapped_column(UTCDateTime, nullable=True)


def _sid_hash(sid: str) -> str:
    return hashlib.sha256(sid.encode()).hexdigest()


def start_session(kind: str, account_id: int) -> None:
    """Record a new sign-in and put its id in the session cookie (the caller commits)."""
    sid = secrets.token_urlsafe(24)
    db.session().add(AccountSession(sid_hash=_sid_hash(sid), kind=kind, account_id=account_id, created_at=utcnow()))
    session[f"{kind}_sid"] = sid


def session_alive(kind: str, account_id: int) -> bool:
    """Is this cookie's sign-in one we made for this account, and not yet ended?"""
    sid = session.get(f"{kind}_sid")
    if not sid:
        return False
    return db.session().scalar(select(AccountSession.id).where(
        AccountSession.sid_hash == _sid_hash(sid), AccountSession.kind == kind,
        AccountSession.account_id == account_id, AccountSession.ended_at.is_(None))) is not None


def end_session(kind: str) -> None:
    """Signing out: this sign-in ends on the server too (the caller commits)."""
    sid = session.pop(f"{kind}_sid", None)
    if sid:
        db.session().execute(update(AccountSession).where(AccountSession.sid_hash == _sid_hash(sid))
                             .values(ended_at=utcnow()))


# --- rate limiting -------------------------------------------------------------


class RateLimitHit(Base):
    """One counted attempt (e.g. a failed sign-in) against a key."""

    __tablename__ = "rate_limit_hits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    at: Mapped[Any] = mapped_column(UTCDateTime, index=True)


def limited(key: str, limit: int, window: timedelta) -> bool:
    """True when ``key`` has ``limit`` or more hits within ``window``."""
    since = utcnow() - window
    count = db.session().scalar(
        select(func.count()).select_from(RateLimitHit).where(RateLimitHit.key == key, RateLimitHit.at > since)
    )
    return (count or 0) >= limit


def hit(key: str) -> None:
    """Count one attempt against ``key`` (caller commits)."""
    db.session().add(RateLimitHit(key=key, at=utcnow()))


def clear(key: str) -> None:
    """Forget attempts against ``key`` (caller commits)."""
    db.session().execute(delete(RateLimitHit).where(RateLimitHit.key == key))


def client_ip() -> str:
    return request.remote_addr or "unknown"


def init_app(app: Flask) -> None:
    app.before_request(_load_staff)
    app.after_request(_headers)
    app.jinja_env.globals.update(htmx_file=HTMX_FILE, htmx_sri=HTMX_SRI)
