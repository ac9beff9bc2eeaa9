"""Email: composed in the recipient's language, queued in an outbox table, delivered with retries.

Sending never blocks or breaks a submission, and no message depends on one chance.
A service queues the message in the same transaction as the change it reports
(``compose``). When a web request's transaction commits, the session hands every
message it inserted to this process's sender thread (``Sender``), which sends it a
moment later: nothing is left to the web server calling the response's ``close()``,
which Werkzeug's server skips when the browser has already gone (the cause of
messages found unsent with ``attempts = 0``). ``flask send-mail --loop`` (run beside
the web server by ``make run``, and in production) delivers whatever is still waiting,
backing off after failures; ``flask mail-status`` fails when something has waited too
long. Delivery is SMTP when ``MAIL_SERVER`` is set, otherwise an ``.eml`` file in
``MAIL_OUTBOX`` (local use).
"""

from __future__ import annotations

import os
import queue
import re
import smtplib
import ssl
import threading
import time
from contextlib import nullcontext
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

from flask import Flask, current_app, has_request_context, render_template
from flask_babel import force_locale
from sqlalchemy import Integer, String, Text, event, func, or_, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Mapped, Session, mapped_column

from app import db
from app.db import Base, UTCDateTime, utcnow
from app.i18n import FORMAT_LOCALES
from app.plugs import plugs

MAX_ATTEMPTS = 8
#: A message taken for sending and not marked sent or failed within this time is taken again: its
#: sender died, or the database went away between taking it and recording the outcome. Sending
#: itself is bounded well below this (SMTP_TIMEOUT per step).
CLAIM_MINUTES = 1
SMTP_TIMEOUT = 15
#: A message still unsent this long after it was queued is late: shown on the staff outbox page
#: and reported by ``flask mail-status``.
LATE_MINUTES = 5
#: Messages waiting for this process's sender thread; past this the worker sends the rest.
SENDER_QUEUE = 1000


class OutboxMessage(Base):
    """One message (an email, text message, letter or call) waiting to be sent, sent, or given up on."""

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
    #: "email", "text", "letter" or "phone" (app/notify): who delivers it is a setting.
    channel: Mapped[str] = mapped_column(String(10), default="email", server_default="email")
    #: A letter's address, one line per line (``to_address`` holds the person's name).
    postal_address: Mapped[str | None] = mapped_column(Text)
    #: A calendar file (.ics) sent with an email: a meeting's invitation, change or cancellation.
    calendar: Mapped[str | None] = mapped_column(Text)

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

    The caller commits (with the change the email is about); in a web request the commit
    hands the message to the sender thread, and the worker sends whatever is left.
    """
    ctx = dict(context, easy_read=easy_read, locale=locale)
    # Flask-Babel can only switch language inside a request: CLI jobs (reminders) get one.
    request_ctx = nullcontext() if has_request_context() else current_app.test_request_context(
        base_url=current_app.config["SETTINGS"].base_url)
    with request_ctx, force_locale(FORMAT_LOCALES.get(locale, locale)):
        subject = " ".join(render_template(f"emails/{template}.subject.txt", **ctx).split())
        if ctx.get("change_how", True):  # how to change the channel or stop messages (app.notify)
            ctx["change_line"] = render_template("notify/_change.txt", preferences=absolute_url(
                "account.details_contact"), **ctx).strip()
        text = render_template(f"emails/{template}.txt", **ctx)
        if ctx.get("change_line"):
            text = f"{text.rstrip()}\n\n{ctx['change_line']}\n"
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
    """Hand a message to the provider its channel uses (``app.notify.providers``)."""
    from app.notify import providers

    providers.deliver(message)


def smtp_transport(message: OutboxMessage) -> None:
    """Email by SMTP when ``MAIL_SERVER`` is set, otherwise an ``.eml`` file in ``MAIL_OUTBOX``."""
    cfg = current_app.config["SETTINGS"]
    msg = EmailMessage()
    msg["From"] = cfg.mail_from
    msg["To"] = message.to_address
    msg["Subject"] = message.subject
    msg["Message-ID"] = make_msgid(domain="takepart.local")
    msg["X-Takepart-Outbox-Id"] = str(message.id)  # the same on a retry: a message sent twice can be found
    msg.set_content(message.text_body)
    if message.html_body:
        msg.add_alternative(message.html_body, subtype="html")
    if message.calendar:  # a meeting for the person's diary (app/meetings/diary.py)
        method = "CANCEL" if "METHOD:CANCEL" in message.calendar else "REQUEST"
        msg.add_attachment(message.calendar.encode(), maintype="text", subtype="calendar", filename="meeting.ics",
                           params={"method": method})
    msg["Content-Language"] = message.locale  # after set_content, which clears Content-* headers
    if cfg.mail_server:
        with smtplib.SMTP(cfg.mail_server, cfg.mail_port, timeout=SMTP_TIMEOUT) as smtp:
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
    from app.notify.providers import Permanent, Temporary

    session = db.session()
    try:
        _transport(message)
    except Permanent as exc:  # refused (a wrong number, a wrong key): trying again would be refused again
        message.attempts = MAX_ATTEMPTS
        message.claimed_at = None
        message.last_error = f"{type(exc).__name__}: {exc}"[:500]
        session.commit()
        current_app.logger.warning("message %s refused, not tried again: %s", message.id, message.last_error)
        return False
    except (OSError, smtplib.SMTPException, Temporary) as exc:
        message.attempts += 1
        message.claimed_at = None
        message.last_error = f"{type(exc).__name__}: {exc}"[:500]
        message.next_attempt_at = utcnow() + timedelta(minutes=2 ** message.attempts)
        session.commit()
        current_app.logger.warning("mail %s not sent (attempt %s): %s", message.id, message.attempts,
                                   message.last_error)
        return False
    text, html = _without_secrets(message)
    _record_sent(message.id, text, html)
    return True


def _record_sent(message_id: int, text: str, html: str | None) -> None:
    """Record a send that has happened. If the database is away at that moment (restarting),
    try again for a while: giving up would let a worker send the message a second time."""
    values = {"attempts": OutboxMessage.attempts + 1, "sent_at": utcnow(), "last_error": "", "text_body": text,
              "html_body": html}
    for wait in (0, 0.5, 1, 2, 4, 8, 15):
        time.sleep(wait)
        session = db.session()
        try:
            session.execute(update(OutboxMessage).where(OutboxMessage.id == message_id).values(**values))
            session.commit()
            return
        except DBAPIError as exc:
            current_app.logger.warning("mail %s sent, not yet recorded: %s", message_id, str(exc).splitlines()[0])
            try:
                session.rollback()
            except DBAPIError:
                pass
    raise RuntimeError(f"mail {message_id} was sent but could not be recorded")


#: Sign-in links in any message (an interest's "received" email carries one too).
_SIGN_IN_LINK = re.compile(r"(/account/sign-in/)[A-Za-z0-9_\-]{16,}")
FORGOTTEN = "[removed after sending]"


def _without_secrets(message: OutboxMessage) -> tuple[str, str | None]:
    """What a sent message keeps: no live way to sign in (the outbox table is no second key store).

    A sign-in email loses its whole body (link and code); any other loses its sign-in links.
    """
    if message.purpose == "sign_in":
        return FORGOTTEN, None
    html = _SIGN_IN_LINK.sub(rf"\1{FORGOTTEN}", message.html_body) if message.html_body else message.html_body
    return _SIGN_IN_LINK.sub(rf"\1{FORGOTTEN}", message.text_body), html


def deliver_pending(limit: int = 100) -> tuple[int, int]:
    """Queue what bulk jobs have waiting, then send messages that are due; returns (sent, not sent)."""
    for job in plugs().mail_jobs:  # rooms' bulk jobs (e.g. "sent for payment" after an export)
        job()
    ids = _claim_due(limit)
    sent = 0
    for message_id in ids:
        message = db.session().get(OutboxMessage, message_id)
        sent += bool(message is not None and _send(message))
    return sent, len(ids) - sent


class Sender:
    """This process's mail thread: sends each message handed to it as soon as it can.

    Started on first use in each process (so after gunicorn forks), fed through a bounded
    queue: a message that finds the queue full waits for the worker instead. Several
    senders and workers may try the same message; ``_claim`` lets only one send it.
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._lock = threading.Lock()
        self._pid = 0
        self._queue: queue.Queue[int] = queue.Queue(maxsize=SENDER_QUEUE)
        self._thread: threading.Thread | None = None

    def push(self, message_ids: list[int]) -> None:
        with self._lock:
            if self._pid != os.getpid():  # a forked child does not inherit the parent's thread
                self._pid, self._queue, self._thread = os.getpid(), queue.Queue(maxsize=SENDER_QUEUE), None
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="takepart-mail", daemon=True)
                self._thread.start()
        for message_id in message_ids:
            try:
                self._queue.put_nowait(message_id)
            except queue.Full:
                self.app.logger.warning("mail %s left for the worker: the sender is busy", message_id)

    def _run(self) -> None:
        while True:
            message_id = self._queue.get()
            try:
                with self.app.app_context():
                    deliver(message_id)
            except Exception:  # noqa: BLE001 - the worker retries; the thread must go on
                self.app.logger.exception("mail %s: sending failed", message_id)
            finally:
                self._queue.task_done()

    def wait(self) -> None:
        """Until everything handed over so far has been tried (tests, and ``flask`` commands)."""
        self._queue.join()


def sender(app: Flask | None = None) -> Sender:
    return (app or current_app).extensions["mail_sender"]  # type: ignore[union-attr]


def _collect(session: Session, _context: object) -> None:
    """After a flush: remember the messages this transaction inserted."""
    new = [obj.id for obj in session.new if isinstance(obj, OutboxMessage)]
    if new:
        session.info.setdefault("outbox_new", []).extend(new)


def _forget(session: Session, _previous: object = None) -> None:
    session.info.pop("outbox_new", None)


def init_app(app: Flask) -> None:
    """Hand every message a web request commits to the sender thread.

    Only in a request: a command (``demo-data``, reminders) ends before a thread could
    finish, so its messages go to the worker, which ``make run`` starts beside the server.
    """
    app.extensions["mail_sender"] = Sender(app)
    maker = app.extensions["db_sessionmaker"]

    def _hand_over(session: Session) -> None:
        ids = session.info.pop("outbox_new", None)
        if ids and has_request_context():
            sender(app).push(ids)

    event.listen(maker, "after_flush", _collect)
    event.listen(maker, "after_commit", _hand_over)
    event.listen(maker, "after_rollback", _forget)


def late(now: datetime | None = None) -> int:
    """How many messages have waited more than ``LATE_MINUTES`` without being sent (failed ones included)."""
    cutoff = (now or utcnow()) - timedelta(minutes=LATE_MINUTES)
    return db.session().scalar(select(func.count()).select_from(OutboxMessage).where(
        OutboxMessage.sent_at.is_(None), OutboxMessage.created_at < cutoff)) or 0


def send_now(to: str, subject: str, text: str) -> OutboxMessage:
    """Queue a plain message and deliver it at once (operator tools such as send-test-email)."""
    now = utcnow()
    message = OutboxMessage(to_address=to, subject=subject, text_body=text, html_body=None, purpose="test",
                            locale="en", created_at=now, next_attempt_at=now, attempts=0, last_error="")
    session = db.session()
    session.add(message)
    session.commit()
    deliver(message.id)
    session.refresh(message)  # the outcome was recorded with an UPDATE
    return message
