"""Save and return: drafts of multi-page forms, for contributors and supporters.

A room's form pages call ``save_page`` when a page is submitted (and when htmx
reports a field change), so nothing typed is lost. Signed-in people find their
drafts on "Your forms". A draft expires ``DRAFT_DAYS`` after it was last saved;
``send_reminders`` emails the owner ``DRAFT_REMINDER_DAYS`` before that.
Submitting gives the form a short reference like ``TP-7K3F-9Q``.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, url_for
from sqlalchemy import JSON, ForeignKey, Integer, String, delete, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app import access, db, notify
from app.account.models import Contributor
from app.db import Base, UTCDateTime, utcnow
from app.plugs import plugs

# Crockford's base32 without look-alikes (no I, L, O, U): easy to read out on the phone.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference() -> str:
    """A short reference such as ``TP-7K3F-9Q``."""
    chars = "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
    return f"TP-{chars[:4]}-{chars[4:]}"


class Draft(Base):
    """A form in progress: who is filling it in, who it is for, and what they have typed."""

    __tablename__ = "drafts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    public_id: Mapped[str] = mapped_column(String(24), unique=True)
    # Both empty while someone who has not signed in fills in a form (it is kept for their browser session).
    owner_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    page: Mapped[str] = mapped_column(String(40), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reminder_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reference: Mapped[str | None] = mapped_column(String(20), unique=True)


def _lifetime() -> timedelta:
    return timedelta(days=current_app.config["SETTINGS"].draft_days)


def start(kind: str, owner: Contributor | None, subject: Contributor | None, title: str) -> Draft:
    """Begin a draft (``subject`` differs from ``owner`` when a supporter fills it in).

    With no owner the draft belongs to whoever holds its ``public_id`` in their
    browser session (someone who has not signed in); see ``find_anonymous``.
    """
    now = utcnow()
    draft = Draft(public_id=secrets.token_urlsafe(12), owner_id=owner.id if owner else None,
                  subject_id=subject.id if subject else None, kind=kind,
                  title=title, data={}, page="", created_at=now, updated_at=now, expires_at=now + _lifetime())
    db.session().add(draft)  # the route that started the form commits
    return draft


def _still_allowed(draft: Draft, owner: Contributor | None) -> bool:
    """A draft for someone else opens only while its owner may still fill in forms for them."""
    return draft.subject_id is None or owner is None or access.may(owner, draft.subject_id, "fill_in")


def find(public_id: str, owner: Contributor) -> Draft | None:
    """The owner's unsubmitted draft with this id (anyone else, or an owner whose agreement to
    act for the person has ended or narrowed, gets ``None``)."""
    draft = db.session().scalar(select(Draft).where(Draft.public_id == public_id))
    if draft is None or draft.owner_id != owner.id or draft.submitted_at is not None:
        return None
    return draft if _still_allowed(draft, owner) else None


def find_sent(public_id: str | None = None, reference: str | None = None,
              owner: Contributor | None = None) -> Draft | None:
    """A draft already sent, by its id or reference: its owner's, or one sent before sign-in
    (the caller has the id or reference from this browser's session or the URL it owns)."""
    if not public_id and not reference:
        return None
    column, value = (Draft.public_id, public_id) if public_id else (Draft.reference, reference)
    draft = db.session().scalar(select(Draft).where(column == value, Draft.submitted_at.is_not(None)))
    if draft is None or (draft.owner_id is not None and (owner is None or draft.owner_id != owner.id)):
        return None
    return draft if _still_allowed(draft, owner) else None


def already_sent(draft: Draft, view_url: str, again_url: str | None = None) -> str:
    """The page any step of a sent form shows (Back after sending, an old tab, a second device):
    when it was sent, its reference and where to see it, never an empty form."""
    from flask import render_template

    return render_template("components/already_sent.html", draft=draft, view_url=view_url, again_url=again_url)


def find_anonymous(public_id: str) -> Draft | None:
    """An unsubmitted draft with no owner (the caller checks the browser session holds ``public_id``)."""
    draft = db.session().scalar(select(Draft).where(Draft.public_id == public_id))
    if draft is None or draft.owner_id is not None or draft.submitted_at is not None:
        return None
    return draft


def save_page(draft: Draft, page: str, values: dict[str, Any]) -> None:
    """Keep what was typed on ``page``; each save pushes the expiry date back."""
    data = dict(draft.data or {})
    data[page] = values
    draft.data = data
    draft.page = page
    draft.updated_at = utcnow()
    draft.expires_at = draft.updated_at + _lifetime()
    draft.reminder_sent_at = None  # the route that saved the page commits


def open_drafts(owner: Contributor) -> list[Draft]:
    """The owner's forms in progress that they may still carry on with."""
    return [draft for draft in db.session().scalars(
        select(Draft).where(Draft.owner_id == owner.id, Draft.submitted_at.is_(None)).order_by(Draft.updated_at.desc())
    ) if _still_allowed(draft, owner)]


def delete_where(*conditions: Any) -> int:
    """Delete the drafts matching ``conditions``, and what rooms keep beside them; the caller commits."""
    session = db.session()
    for forget in plugs().on_draft_delete:  # what rooms keep beside a draft (a claim's receipts)
        forget(select(Draft.public_id).where(*conditions))
    return int(session.execute(delete(Draft).where(*conditions)).rowcount or 0)  # type: ignore[attr-defined]


def discard(draft: Draft) -> None:
    """The owner deletes a form in progress (its receipts too)."""
    delete_where(Draft.id == draft.id)
    db.session().commit()


def unique_reference() -> str:
    """A reference no submitted form has yet."""
    reference = new_reference()
    while db.session().scalar(select(Draft.id).where(Draft.reference == reference)) is not None:
        reference = new_reference()
    return reference


def begin_sending(draft: Draft) -> bool:
    """Take ``draft`` for sending, once. True for the request that may send it.

    Several sends of one form can arrive together (a double tap, two devices, a retry on a
    bad connection). The conditional UPDATE lets one through; the others wait on its row
    lock (PostgreSQL) or the write lock (SQLite) and then find it sent, with ``reference``
    set if that request has committed. A failure in the sending request rolls the mark back.
    """
    session = db.session()
    taken = session.execute(update(Draft).where(Draft.id == draft.id, Draft.submitted_at.is_(None))
                            .values(submitted_at=utcnow())).rowcount == 1  # type: ignore[attr-defined]
    if not taken:
        session.rollback()
        session.refresh(draft)
    return taken


def mark_submitted(draft: Draft) -> str:
    """Give the draft its reference and mark it sent (the caller records what it became, and commits)."""
    draft.reference = unique_reference()
    draft.submitted_at = utcnow()
    return draft.reference


def send_reminders() -> int:
    """Email owners whose drafts expire within ``DRAFT_REMINDER_DAYS``; once per draft."""
    cfg = current_app.config["SETTINGS"]
    session = db.session()
    soon = utcnow() + timedelta(days=cfg.draft_reminder_days)
    due = session.scalars(select(Draft).where(
        Draft.submitted_at.is_(None), Draft.reminder_sent_at.is_(None), Draft.expires_at <= soon,
        Draft.expires_at > utcnow())).all()
    for draft in due:
        owner = session.get(Contributor, draft.owner_id)
        if owner is None or not notify.reachable(owner):
            continue
        kind = plugs().forms.get(draft.kind)
        with current_app.test_request_context(base_url=cfg.base_url):  # url_for from a CLI job
            link = cfg.base_url + (kind.resume(draft) if kind else url_for("account.your_forms"))
        notify.notify(owner, "draft_reminder", {"title": draft.title, "link": link, "expires": draft.expires_at},
                      purpose="draft_reminder")
        draft.reminder_sent_at = utcnow()
    session.commit()
    return len(due)


def delete_expired() -> int:
    """Remove drafts past their expiry date, with their receipts (used by ``flask retention``, which commits)."""
    return delete_where(Draft.submitted_at.is_(None), Draft.expires_at <= utcnow())
