"""Email: composed in the recipient's language, queued in an outbox table, delivered with retries.

Sending never blocks or breaks a submission. A service queues the message in the
same transaction as the change it reports (``compose``); after the response has
gone, ``deliver_after_response`` tries it once; ``flask send-mail`` (or its
``--loop`` worker) delivers whatever is still waiting, backing off after failures.
Delivery is SMTP when ``MAIL_SERVER`` is set, otherwise an ``.eml`` file in
``MAIL_OUTBOX`` (local use).
"""

from __future__ import annotations

import smtplib
from contextlib import nullcontext
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any, Callable

from flask import Flask, after_this_request, current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import Integer, String, Text, or_, select, update
from sqlalchemy.orm import Mapped, mapped_column

from app import db
from app.db import Base, UTCDateTime, utcnow
from app.i18n import FORMAT_LOCALES

MAX_ATTEMPTS = 8
CLAIM_MINUTES = 5


class OutboxMessage(Base):
    """One email waiting to be sent, sent, or given up on."""

    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    text_body: Mapped[str] = mapped_column(Text)
    html_body: Mapped[str | None] = mapped_column(Text)
    purpose: Mapped[str] = mapped_column(String(40), index=True)
    locale: Mapped[str] = mapped_column(String(10))
    contributor_id: Mapped[int | None] = mapped_column(Integer, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(String(500), default="")

    @property
    def status(self) -> str:
        if self.sent_at:
            return "sent"
        if self.attempts >= MAX_ATTEMPTS:
            return "failed"
        return "waiting"


def absolute_url(endpoint: str, **values: Any) -> str:
    """A full link for an email, from a request or from a job without one."""
    from flask import url_for

    cfg = current_app.config["SETTINGS"]
    with nullcontext() if has_request_context() else current_app.test_request_context(base_url=cfg.base_url):
        return cfg.base_url + url_for(endpoint, **values)


def compose(
    template: str,
    *,
    to: str,
    locale: str,
    easy_read: bool,
    purpose: str,
    contributor_id: int | None = None,
    **context: Any,
) -> OutboxMessage:
    """Render ``templates/emails/<template>.{subject.txt,txt,html}`` in ``locale`` and queue it.

    The caller commits (with the change the email is about) and may then call
    ``deliver_after_response(message.id)``.
    """
    ctx = dict(context, easy_read=easy_read, locale=locale)
    # Flask-Babel can only switch language inside a request: CLI jobs (reminders) get one.
    request_ctx = nullcontext() if has_request_context() else current_app.test_request_context(
        base_url=current_app.config["SETTINGS"].base_url)
    with request_ctx, force_locale(FORMAT_LOCALES.get(locale, locale)):
        subject = " ".join(render_template(f"emails/{template}.subject.txt", **ctx).split())
        text = render_template(f"emails/{template}.txt", **ctx)
        html = render_template(f"emails/{template}.html", subject=subject, **ctx)
    now = utcnow()
    message = OutboxMessage(
        to_address=to, subject=subject, text_body=text, html_body=html, purpose=purpose, locale=locale,
        contributor_id=contributor_id, created_at=now, next_attempt_at=now, attempts=0, last_error="",
    )
    db.session().add(message)
    return message


def _takeable(now: datetime) -> Any:
    """Not sent, not given up on, and not taken by a worker in the last few minutes."""
    return (OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS,
            or_(OutboxMessage.claimed_at.is_(None), OutboxMessage.claimed_at < now - timedelta(minutes=CLAIM_MINUTES)))


def _claim(message_id: int) -> OutboxMessage | None:
    """Atomically take one message for sending, so two workers never send it twice."""
    session = db.session()
    now = utcnow()
    result = session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id, *_takeable(now))
                             .values(claimed_at=now))
    session.commit()
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return None
    return session.get(OutboxMessage, message_id)


def _claim_due(limit: int) -> list[int]:
    """Take up to ``limit`` messages that are due, for this worker alone.

    ``SELECT ... FOR UPDATE SKIP LOCKED`` (PostgreSQL) passes over rows another worker is
    taking at this moment, and the rows are marked taken before the lock is let go, so
    several workers (or app instances) can drain one outbox without sending anything twice.
    SQLite has one writer at a time, which gives the same guarantee.
    """
    session = db.session()
    now = utcnow()
    candidates = list(session.scalars(
        select(OutboxMessage.id).where(*_takeable(now), OutboxMessage.next_attempt_at <= now)
        .order_by(OutboxMessage.id).limit(limit).with_for_update(skip_locked=True)))
    taken: list[int] = []
    if candidates:  # the condition again, so a row another worker took between the two is not taken twice
        taken = sorted(session.scalars(update(OutboxMessage).where(OutboxMessage.id.in_(candidates), *_takeable(now))
                                       .values(claimed_at=now).returning(OutboxMessage.id)))
    session.commit()
    return taken


def _transport(message: OutboxMessage) -> None:
    cfg = current_app.config["SETTINGS"]
    msg = EmailMessage()
    msg["From"] = cfg.mail_from
    msg["To"] = message.to_address
    msg["Subject"] = message.subject
    msg["Message-ID"] = make_msgid(domain="takepart.local")
    msg.set_content(message.text_body)
    if message.html_body:
        msg.add_alternative(message.html_body, subtype="html")
    msg["Content-Language"] = message.locale  # after set_content, which clears Content-* headers
    if cfg.mail_server:
        with smtplib.SMTP(cfg.mail_server, cfg.mail_port, timeout=30) as smtp:
            if cfg.mail_use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if cfg.mail_username:
                smtp.login(cfg.mail_username, cfg.mail_password)
            smtp.send_message(msg)
    else:
        outbox = Path(cfg.mail_outbox)
        outbox.mkdir(parents=True, exist_ok=True)
        (outbox / f"{utcnow():%Y%m%dT%H%M%S%f}-{message.id}.eml").write_bytes(bytes(msg))


def deliver(message_id: int) -> bool:
    """Try to send one message now; record success or the error for a later retry."""
    message = _claim(message_id)
    return message is not None and _send(message)


def _send(message: OutboxMessage) -> bool:
    """Send a message this worker has taken; record success, or the error for a later retry."""
    session = db.session()
    try:
        _transport(message)
    except (OSError, smtplib.SMTPException) as exc:
        message.attempts += 1
        message.claimed_at = None
        message.last_error = f"{type(exc).__name__}: {exc}"[:500]
        message.next_attempt_at = utcnow() + timedelta(minutes=2 ** message.attempts)
        session.commit()
        current_app.logger.warning("mail %s not sent (attempt %s): %s", message.id, message.attempts,
                                   message.last_error)
        return False
    message.attempts += 1
    message.sent_at = utcnow()
    message.last_error = ""
    session.commit()
    return True


#: Jobs that queue email in bulk (e.g. "sent for payment" after an export); the worker runs them first.
QUEUE_JOBS: list[Callable[[], object]] = []


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Queue what bulk jobs have waiting, then send messages that are due; returns (sent, not sent)."""
    for job in QUEUE_JOBS:
        job()
    ids = _claim_due(limit)
    sent = 0
    for message_id in ids:
        message = db.session().get(OutboxMessage, message_id)
        sent += bool(message is not None and _send(message))
    return sent, len(ids) - sent


def deliver_after_response(*message_ids: int) -> None:
    """Try to send once the response has gone, so the person never waits for SMTP."""
    app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]

    @after_this_request
    def _later(response):  # type: ignore[no-untyped-def]
        def send() -> None:
            with app.app_context():
                for message_id in message_ids:
                    try:
                        deliver(message_id)
                    except Exception:  # noqa: BLE001 - the worker will retry; never break the request
                        app.logger.exception("mail %s: delivery after response failed", message_id)

        response.call_on_close(send)
        return response


def send_now(to: str, subject: str, text: str) -> OutboxMessage:
    """Queue a plain message and deliver it at once (operator tools such as send-test-email)."""
    now = utcnow()
    message = OutboxMessage(to_address=to, subject=subject, text_body=text, html_body=None, purpose="test",
                            locale="en", created_at=now, next_attempt_at=now, attempts=0, last_error="")
    session = db.session()
    session.add(message)
    session.commit()
    deliver(message.id)
    return message
