"""Mail goes through a real SMTP server (aiosmtpd), with retries; or to the local outbox."""

from __future__ import annotations

from email import message_from_bytes
from pathlib import Path

from sqlalchemy import select

from app import create_app, db, mail
from app.mail import OutboxMessage
from tests.conftest import body_text, free_port


def test_test_email_is_delivered_over_smtp(mail_app, smtp_server) -> None:
    handler, _port = smtp_server
    result = mail_app.test_cli_runner().invoke(args=["send-test-email", "ops@example.org"])
    assert result.exit_code == 0, result.output
    assert len(handler.messages) == 1
    msg = handler.messages[0]
    assert msg["To"] == "ops@example.org"
    assert msg["Subject"] == "Take Part test message"
    assert "test message from Take Part" in body_text(msg)


def test_without_a_mail_server_messages_go_to_the_outbox(app, settings) -> None:
    result = app.test_cli_runner().invoke(args=["send-test-email", "ops@example.org"])
    assert result.exit_code == 0, result.output
    files = list(Path(settings.mail_outbox).glob("*.eml"))
    assert len(files) == 1
    assert message_from_bytes(files[0].read_bytes())["To"] == "ops@example.org"


def test_failed_sending_is_kept_and_retried_by_the_worker(settings, smtp_server) -> None:
    handler, port = smtp_server
    down = create_app(settings.replace(mail_server="127.0.0.1", mail_port=free_port()))  # nothing listens
    with down.app_context():
        message = mail.compose("sign_in", to="a@example.org", locale="en", easy_read=False, purpose="sign_in",
                               link="https://example.org/x", code="123456", minutes=60, known=True)
        db.session().commit()
        assert mail.deliver(message.id) is False
        stored = db.session().get(OutboxMessage, message.id)
        assert stored.sent_at is None and stored.attempts == 1 and "ConnectionRefusedError" in stored.last_error
        stored.next_attempt_at = stored.created_at  # due again now
        db.session().commit()
    up = create_app(settings.replace(mail_server="127.0.0.1", mail_port=port))
    result = up.test_cli_runner().invoke(args=["send-mail"])
    assert "1 sent, 0 not sent" in result.output
    assert [m["To"] for m in handler.messages] == ["a@example.org"]
    # Sent once only: a second run finds nothing to do.
    assert "0 sent, 0 not sent" in up.test_cli_runner().invoke(args=["send-mail"]).output
    with up.app_context():
        assert db.session().scalar(select(OutboxMessage.sent_at)) is not None


def test_several_workers_drain_one_outbox_and_never_send_a_message_twice(mail_app, smtp_server) -> None:
    """As with several app instances each running `flask send-mail --loop` (on PostgreSQL in CI:
    SELECT ... FOR UPDATE SKIP LOCKED; on SQLite, one writer at a time)."""
    import threading
    from collections import Counter

    handler, _port = smtp_server
    with mail_app.app_context():
        for n in range(40):
            mail.compose("sign_in", to=f"p{n}@example.org", locale="en", easy_read=False, purpose="sign_in",
                         link="https://example.org/x", code="123456", minutes=60, known=True)
        db.session().commit()
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            with mail_app.app_context():
                for _round in range(20):
                    sent, failed = mail.deliver_pending(limit=3)
                    assert failed == 0
                    if not sent:
                        break
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    counts = Counter(m["To"] for m in handler.messages)
    assert len(counts) == 40 and set(counts.values()) == {1}, counts
    with mail_app.app_context():
        assert all(m.sent_at for m in db.session().scalars(select(OutboxMessage)))
