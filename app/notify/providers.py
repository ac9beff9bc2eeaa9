"""Who delivers a message on each channel, chosen by settings (README: Reaching people).

``smtp``: email by SMTP, or an ``.eml`` file with no ``MAIL_SERVER`` (``app.mail``, unchanged).
``notify``: GOV.UK Notify, through ``notifications-python-client``, one generic template per
channel with ``subject`` and ``body`` personalisation. ``staff``: no provider; a text message or
letter becomes a staff task with the message ready to send or print, and a phone call (always) a
task with the words to say.

A provider raises ``Permanent`` when the message can never go as it is (the outbox gives up at
once) and ``Temporary`` when it may go later (the outbox tries again, backing off).
"""

from __future__ import annotations

from typing import IO, Any

from flask import current_app

from app import db
from app.db import utcnow

#: The staff task each channel becomes when staff deliver it.
STAFF_TASKS = {"text": "send_text", "letter": "send_letter", "phone": "phone_call"}
#: Notify allows at most 7 address lines: the name, then the address (its last line a postcode).
NOTIFY_ADDRESS_LINES = 7
NOTIFY_TIMEOUT = 15


class Permanent(Exception):
    """The provider refused the message; sending it again would be refused again."""


class Temporary(Exception):
    """The provider could not take the message now (busy, away): try again later."""


def provider_for(channel: str) -> str:
    """The provider the settings choose for ``channel`` (phone calls are always staff)."""
    if channel == "phone":
        return "staff"
    settings = current_app.config["SETTINGS"]
    return str(getattr(settings, f"takepart_{channel}_provider"))


def deliver(message: Any) -> None:
    """Deliver one outbox message by its channel's provider, or raise ``Permanent``/``Temporary``.

    Never commits: the outbox records the outcome (and any staff task) in one commit.
    """
    provider = provider_for(message.channel)
    if provider == "smtp":
        from app import mail

        mail.smtp_transport(message)
    elif provider == "notify":
        send_by_notify(message)
    else:
        hand_to_staff(message)


def hand_to_staff(message: Any) -> None:
    """A task for the team: the message itself is on the task's page, ready to send, print or say."""
    from app.staff.models import StaffTask

    if message.purpose == "sign_in":  # a way into someone's account is never handed to a person
        raise Permanent("sign-in codes are not given to staff to pass on")
    kind = STAFF_TASKS.get(message.channel)
    if kind is None:
        raise Permanent(f"staff cannot deliver a message by {message.channel}")
    words = message.text_body if message.channel != "letter" else letter_page(message)
    db.session().add(StaffTask(kind=kind, contributor_id=message.contributor_id, created_at=utcnow(),
                               detail=words))


def letter_page(message: Any) -> str:
    """A letter ready to print: the name and address at the top, the date, the subject, the words
    (GOV.UK Notify lays out the first three itself), in the message's language."""
    from contextlib import nullcontext

    from flask import has_request_context, render_template
    from flask_babel import force_locale

    from app.i18n import FORMAT_LOCALES

    request_ctx = nullcontext() if has_request_context() else current_app.test_request_context(
        base_url=current_app.config["SETTINGS"].base_url)
    with request_ctx, force_locale(FORMAT_LOCALES.get(message.locale, message.locale)):
        return render_template("notify/_letter_page.txt", name=message.to_address, address=message.postal_address or "",
                               day=message.created_at, subject=message.subject, words=message.text_body).strip()


def _client() -> Any:
    from notifications_python_client.notifications import NotificationsAPIClient

    settings = current_app.config["SETTINGS"]
    return NotificationsAPIClient(settings.takepart_notify_api_key, base_url=settings.takepart_notify_base_url,
                                  timeout=NOTIFY_TIMEOUT)


def _reference(message: Any) -> str:
    return f"takepart-outbox-{message.id}"  # the same on a retry: a message sent twice can be found


def send_by_notify(message: Any) -> dict[str, Any]:
    """Send one outbox message through GOV.UK Notify; returns Notify's answer."""
    settings = current_app.config["SETTINGS"]
    client = _client()
    try:
        if message.channel == "email":
            return client.send_email_notification(  # type: ignore[no-any-return]
                message.to_address, settings.takepart_notify_email_template,
                personalisation={"subject": message.subject, "body": message.text_body},
                reference=_reference(message))
        if message.channel == "text":
            return client.send_sms_notification(  # type: ignore[no-any-return]
                message.to_address, settings.takepart_notify_sms_template,
                personalisation={"body": message.text_body}, reference=_reference(message))
        if message.channel == "letter":
            return client.send_letter_notification(  # type: ignore[no-any-return]
                settings.takepart_notify_letter_template,
                personalisation={**address_lines(message.to_address, message.postal_address or ""),
                                 "subject": message.subject, "body": message.text_body},
                reference=_reference(message))
    except Exception as exc:  # noqa: BLE001 - every client error is mapped onto the outbox's rules
        raise mapped(exc) from exc
    raise Permanent(f"Notify cannot deliver a message by {message.channel}")


def send_precompiled_letter(reference: str, pdf: IO[bytes], postage: str | None = None) -> dict[str, Any]:
    """A letter we made as a PDF ourselves (for a later session: printed packs, easy-read papers)."""
    try:
        return _client().send_precompiled_letter_notification(reference, pdf, postage)  # type: ignore[no-any-return]
    except Exception as exc:  # noqa: BLE001
        raise mapped(exc) from exc


def address_lines(name: str, address: str) -> dict[str, str]:
    """Notify's ``address_line_1`` ... ``address_line_7``: the name, then the address's lines."""
    lines = [name.strip()] + [line.strip(" ,") for line in address.replace(",", "\n").splitlines() if line.strip(" ,")]
    if len(lines) > NOTIFY_ADDRESS_LINES:  # keep the postcode last; join what does not fit
        lines = lines[:NOTIFY_ADDRESS_LINES - 2] + [", ".join(lines[NOTIFY_ADDRESS_LINES - 2:-1]), lines[-1]]
    return {f"address_line_{i}": line for i, line in enumerate(lines, start=1)}


def mapped(exc: Exception) -> Exception:
    """A client error as the outbox sees it: refused (400, 403 and other 4xx) or try later (429, 5xx,
    no connection, an answer that was not JSON)."""
    from notifications_python_client.errors import APIError, InvalidResponse

    if not isinstance(exc, APIError):
        return Temporary(f"{type(exc).__name__}: {exc}")
    message = exc.message
    if isinstance(message, list):
        message = "; ".join(f"{e.get('error', '')}: {e.get('message', '')}" for e in message if isinstance(e, dict))
    text = f"Notify {exc.status_code}: {message}"
    if isinstance(exc, InvalidResponse) or exc.status_code == 429 or exc.status_code >= 500:
        return Temporary(text)
    return Permanent(text)
