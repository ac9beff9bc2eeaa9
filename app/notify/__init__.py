"""Reaching people the way they asked: email, text message, letter or a phone call.

Every message is an outbox row (``app.mail.OutboxMessage``) with a ``channel``, queued in the
caller's transaction and delivered by the outbox's workers through the provider the settings
choose for that channel (``providers``). ``channel_for`` reads the person's choice;
``queue`` puts a message on a channel. ``notify(person, template, context)`` is the one entry
point every notification will go through (issue 21): today it renders
``templates/notify/<template>.<channel>.txt`` for text messages, letters and calls and hands
email to ``app.mail.compose`` as before.
"""

from __future__ import annotations

from contextlib import nullcontext
from typing import Any

from flask import current_app, has_request_context, render_template
from flask_babel import force_locale

from app import db, phones
from app.db import utcnow
from app.i18n import FORMAT_LOCALES

CHANNELS = ("email", "text", "letter", "phone")
#: The person's ``contact_channel`` -> the channel a message goes by.
_CHOSEN = {"email": "email", "text": "text", "post": "letter", "phone": "phone"}


def channel_for(person: Any) -> str:
    """How to reach ``person`` now: their choice, or the nearest way we can.

    A text message needs a mobile in ``TAKEPART_SMS_REGIONS`` (otherwise we ring); a call
    needs a number, a letter an address, an email an address (otherwise the next that works).
    """
    chosen = _CHOSEN.get(person.contact_channel or "email", "email")
    if chosen == "text" and not phones.can_text(person.phone):
        chosen = "phone"
    possible = {"email": bool(person.email), "text": phones.can_text(person.phone), "phone": bool(person.phone),
                "letter": bool((person.address or "").strip())}
    if possible[chosen]:
        return chosen
    return next((c for c in ("email", "phone", "letter") if possible[c]), chosen)


def queue(person: Any, channel: str, *, subject: str, body: str, purpose: str, locale: str) -> Any:
    """Put a message for ``person`` on ``channel`` in the outbox. Never commits."""
    from app.mail import OutboxMessage

    if channel not in CHANNELS:
        raise ValueError(f"no channel {channel!r}")
    to = {"email": person.email or "", "text": person.phone or "", "phone": person.phone or "",
          "letter": person.name or person.display_name}[channel]
    now = utcnow()
    message = OutboxMessage(
        to_address=to, subject=subject[:300], text_body=body, html_body=None, purpose=purpose, locale=locale,
        contributor_id=person.id, created_at=now, next_attempt_at=now, attempts=0, last_error="", channel=channel,
        postal_address=person.address if channel == "letter" else None)
    db.session().add(message)
    return message


def notify(person: Any, template: str, context: dict[str, Any], *, purpose: str) -> Any:
    """Tell ``person`` something by their channel, in their language (easy read if chosen).

    A sketch of issue 21 item 1: no existing notification goes through it yet.
    """
    channel = channel_for(person)
    locale, easy_read = person.language or "en", bool(person.easy_read)
    if channel == "email":
        from app import mail

        return mail.compose(template, to=person.email, locale=locale, easy_read=easy_read, purpose=purpose,
                            contributor_id=person.id, **context)
    ctx = dict(context, easy_read=easy_read, locale=locale, person=person)
    request_ctx = nullcontext() if has_request_context() else current_app.test_request_context(
        base_url=current_app.config["SETTINGS"].base_url)
    with request_ctx, force_locale(FORMAT_LOCALES.get(locale, locale)):
        subject = " ".join(render_template(f"emails/{template}.subject.txt", **ctx).split())
        body = render_template(f"notify/{template}.{channel}.txt", **ctx)
    return queue(person, channel, subject=subject, body=body, purpose=purpose, locale=locale)
