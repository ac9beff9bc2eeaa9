"""The real notifications-python-client against a local server that checks what Notify's API asks for.

Every channel goes through the outbox (queued, taken by a worker, delivered by the provider the
settings choose); Notify's refusals fail a message at once, its "busy" or "away" answers are tried
again later.
"""

from __future__ import annotations

import io
from typing import Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from app import create_app, db, mail, notify
from app.account.models import Contributor
from app.mail import MAX_ATTEMPTS, OutboxMessage
from app.notify import providers
from app.settings import Settings, SettingsError
from tests.account.test_sign_in import make_contributor
from tests.notify import notify_server
from tests.notify.notify_server import API_KEY, SERVICE_ID, TEMPLATES


@pytest.fixture
def server() -> Iterator[notify_server.NotifyServer]:
    state, http = notify_server.start()
    yield state
    http.shutdown()
    http.server_close()


@pytest.fixture
def notify_app(settings: Settings, server: notify_server.NotifyServer) -> Iterator[Flask]:
    application = create_app(settings.replace(
        takepart_email_provider="notify", takepart_text_provider="notify", takepart_letter_provider="notify",
        takepart_notify_api_key=API_KEY, takepart_notify_base_url=server.base_url,
        takepart_notify_email_template=TEMPLATES["email"], takepart_notify_sms_template=TEMPLATES["sms"],
        takepart_notify_letter_template=TEMPLATES["letter"]))
    yield application
    application.extensions["db_engine"].dispose()


def _send(app: Flask, channel: str, **fields: object) -> OutboxMessage:
    """Queue a message for Sam on ``channel``, commit, and let the worker deliver it."""
    person_id = make_contributor(app, name="Sam Example", phone="+447700900982",
                                 address="1 High Street\nLeeds\nLS1 1AA", **fields)
    with app.app_context():
        person = db.session().get(Contributor, person_id)
        message = notify.queue(person, channel, subject="Your meeting on Tuesday", body="The meeting is at 2pm.",
                               purpose="test", locale="en")
        db.session().commit()
        message_id = message.id
        mail.deliver_pending()
        db.session().expire_all()
        return db.session().get(OutboxMessage, message_id)


@pytest.mark.parametrize("channel, path, sent", [
    ("email", "/v2/notifications/email", {"email_address": "sam@example.org", "template_id": TEMPLATES["email"],
                                          "personalisation": {"subject": "Your meeting on Tuesday",
                                                              "body": "The meeting is at 2pm."}}),
    ("text", "/v2/notifications/sms", {"phone_number": "+447700900982", "template_id": TEMPLATES["sms"],
                                       "personalisation": {"body": "The meeting is at 2pm."}}),
    ("letter", "/v2/notifications/letter", {"template_id": TEMPLATES["letter"], "personalisation": {
        "address_line_1": "Sam Example", "address_line_2": "1 High Street", "address_line_3": "Leeds",
        "address_line_4": "LS1 1AA", "subject": "Your meeting on Tuesday", "body": "The meeting is at 2pm."}}),
])
def test_each_channel_goes_to_notify_signed_and_shaped_as_its_reference_says(notify_app, server, channel, path,
                                                                               sent) -> None:
    message = _send(notify_app, channel)
    assert message.status == "sent" and message.channel == channel, message.last_error
    assert server.refused == []
    [received] = server.requests
    assert received.path == path
    assert received.body == sent | {"reference": f"takepart-outbox-{message.id}"}
    assert received.claims["iss"] == SERVICE_ID


def test_a_precompiled_letter_goes_as_a_base64_pdf(notify_app, server) -> None:
    with notify_app.app_context():
        answer = providers.send_precompiled_letter("pack-12", io.BytesIO(b"%PDF-1.7 a letter"), postage="first")
    assert answer["reference"] == "pack-12" and answer["postage"] == "first"
    [received] = server.requests
    assert received.path == "/v2/notifications/letter" and received.body["content"] == "JVBERi0xLjcgYSBsZXR0ZXI="
    assert server.refused == []


def test_a_refused_message_fails_at_once_and_says_why(notify_app, server) -> None:
    server.failures.append((400, "Can't send to this recipient using a team-only API key"))
    message = _send(notify_app, "text")
    assert message.status == "failed" and message.attempts == MAX_ATTEMPTS and message.sent_at is None
    assert "Notify 400" in message.last_error and "team-only API key" in message.last_error


@pytest.mark.parametrize("status, words", [(429, "Exceeded rate limit for key type LIVE of 3000 requests per 60 seconds"),
                                           (500, "Internal server error")])
def test_a_busy_or_unwell_notify_is_tried_again_later(notify_app, server, status, words) -> None:
    server.failures.append((status, words))
    message = _send(notify_app, "email")
    assert message.status == "waiting" and message.attempts == 1 and message.claimed_at is None
    assert f"Notify {status}" in message.last_error and message.next_attempt_at > message.created_at
    with notify_app.app_context():  # when it is due again, it goes
        db.session().get(OutboxMessage, message.id).next_attempt_at = message.created_at
        db.session().commit()
        mail.deliver_pending()
        assert db.session().get(OutboxMessage, message.id).status == "sent"
    assert len(server.requests) == 2


def test_a_wrong_key_is_refused_by_notify_and_not_tried_again(settings, server) -> None:
    wrong = API_KEY[:-36] + "00000000-0000-0000-0000-000000000000"
    app = create_app(settings.replace(takepart_text_provider="notify", takepart_notify_api_key=wrong,
                                      takepart_notify_base_url=server.base_url,
                                      takepart_notify_sms_template=TEMPLATES["sms"]))
    message = _send(app, "text")
    app.extensions["db_engine"].dispose()
    assert message.status == "failed" and "Notify 403" in message.last_error
    assert server.refused and server.refused[0][1].startswith("Invalid token")


def test_notify_cannot_be_chosen_without_its_key_and_template(settings) -> None:
    with pytest.raises(SettingsError, match="TAKEPART_TEXT_PROVIDER=notify needs"):
        settings.replace(takepart_text_provider="notify").check()
    with pytest.raises(SettingsError, match="TAKEPART_LETTER_PROVIDER must be one of staff, notify"):
        settings.replace(takepart_letter_provider="post office").check()


def test_email_stays_smtp_by_default(app) -> None:
    message = _send(app, "email")
    assert message.status == "sent"
    with app.app_context():
        assert db.session().scalar(select(OutboxMessage.channel)) == "email"
