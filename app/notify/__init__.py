"""Reaching people the way they asked: email, text message, letter or a phone call.

Every message is an outbox row (``app.mail.OutboxMessage``) with a ``channel``, queued in the
caller's transaction and delivered by the outbox's workers through the provider the settings
choose for that channel (``providers``). ``channel_for`` reads the person's choice;
``queue`` puts a message on a channel. ``notify(person, template, context, purpose=...)`` is the
one entry point every notification to a contributor goes through (issue 21); ``send_copy`` sends
a supporter their copy. Sign-in links and codes stay on email (``app.account.service``).
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


#: Where a notification's link is in its context, first found first (a text message carries one).
LINK_KEYS = ("link", "sign_in", "find_roles")


def reachable(person: Any) -> bool:
    """Can a message reach ``person`` at all (an email address, a number or an address)?"""
    return bool(person.email or person.phone or (person.address or "").strip())


def notify(person: Any, template: str, context: dict[str, Any], *, purpose: str) -> Any:
    """Tell ``person`` something by their channel, in their language (easy read if chosen).

    Email is ``templates/emails/<template>.*`` as ever (``app.mail.compose``). A text message, a
    letter and a phone call are shared layouts around that email's own text body
    (``templates/notify/_text.txt``, ``_letter.txt``, ``_phone.txt``), unless the template has its
    own ``templates/notify/<template>.<channel>.txt``. Every message ends with how to change the
    channel or stop messages that are not essential (``notify/_change.txt``).

    Returns the outbox message, or ``None`` when there is no way to reach them (the caller decides
    whether the team should be told). Never commits.
    """
    return _notify_one(person, template, context, purpose) if reachable(person) else None


def send_copy(supporter: Any, person: Any, template: str, context: dict[str, Any], *, purpose: str) -> Any:
    """A copy for ``supporter`` of a message to ``person``, by the supporter's own channel and in
    their language, when the person lets them get copies now (``access``: "receive_copies"); it
    says whom it is about (``for_name``). Returns the message or ``None``. Never commits."""
    from app import access

    if supporter is None or supporter.id == person.id or not reachable(supporter):
        return None
    if not access.may(supporter, person.id, "receive_copies"):
        return None
    return _notify_one(supporter, template, dict(context, for_name=person.display_name), purpose)


def _notify_one(person: Any, template: str, context: dict[str, Any], purpose: str) -> Any:
    channel = channel_for(person)
    locale, easy_read = person.language or "en", bool(person.easy_read)
    if channel == "email":
        from app import mail

        return mail.compose(template, to=person.email, locale=locale, easy_read=easy_read, purpose=purpose,
                            contributor_id=person.id, **context)
    settings = current_app.config["SETTINGS"]
    ctx = dict(context, easy_read=easy_read, locale=locale, person=person)
    request_ctx = nullcontext() if has_request_context() else current_app.test_request_context(
        base_url=settings.base_url)
    with request_ctx, force_locale(FORMAT_LOCALES.get(locale, locale)):
        from flask import url_for

        subject = " ".join(render_template(f"emails/{template}.subject.txt", **ctx).split())
        email_body = render_template(f"emails/{template}.txt", **ctx)
        ctx.update(subject=subject, body=without_footer(email_body), sentence=first_sentence(email_body),
                   link=next((context[k] for k in LINK_KEYS if context.get(k)), None),
                   preferences=settings.base_url + url_for("account.details_contact"),
                   phone=phones.display(person.phone), today=utcnow().date())
        body = render_template([f"notify/{template}.{channel}.txt", f"notify/_{channel}.txt"], **ctx).strip() + "\n"
    return queue(person, channel, subject=subject, body=body, purpose=purpose, locale=locale)


def without_footer(text: str) -> str:
    """An email's text body without its last line (the team's name and phone: each layout has its own)."""
    paragraphs = text.strip().split("\n\n")
    if len(paragraphs) > 1 and "·" in paragraphs[-1] and "\n" not in paragraphs[-1]:
        paragraphs = paragraphs[:-1]
    return "\n\n".join(paragraphs)


def first_sentence(text: str) -> str:
    """An email's first paragraph that is words, not a link: what a text message says."""
    for paragraph in without_footer(text).split("\n\n"):
        if paragraph.strip() and "://" not in paragraph:
            return " ".join(paragraph.split())
    return ""
