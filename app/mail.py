"""Sending email: SMTP when MAIL_SERVER is set, otherwise .eml files in a local outbox."""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app

from app.db import utcnow


def send(to: str, subject: str, text: str, html: str | None = None) -> EmailMessage:
    """Send one message and return it (for logging the Message-ID, never the body)."""
    cfg = current_app.config["SETTINGS"]
    msg = EmailMessage()
    msg["From"] = cfg.mail_from
    msg["To"] = to
    msg["Subject"] = subject
    msg["Message-ID"] = make_msgid(domain="takepart.local")
    msg.set_content(text)
    if html:
        msg.add_alternative(html, subtype="html")
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
        name = f"{utcnow():%Y%m%dT%H%M%S%f}.eml"
        (outbox / name).write_bytes(bytes(msg))
    return msg
