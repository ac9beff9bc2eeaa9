"""Mail goes through a real SMTP server (aiosmtpd), or to the local outbox."""

from __future__ import annotations

import socket
from email import message_from_bytes
from typing import Iterator

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from app import create_app


class Collect(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:  # type: ignore[no-untyped-def]
        self.messages.append(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[Collect, int]]:
    handler = Collect()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


def test_test_email_is_delivered_over_smtp(settings, smtp_server) -> None:
    handler, port = smtp_server
    app = create_app(settings.replace(mail_server="127.0.0.1", mail_port=port))
    result = app.test_cli_runner().invoke(args=["send-test-email", "ops@example.org"])
    assert result.exit_code == 0, result.output
    assert len(handler.messages) == 1
    msg = handler.messages[0]
    assert msg["To"] == "ops@example.org"
    assert msg["Subject"] == "Take Part test message"
    assert "test message from Take Part" in msg.get_payload()


def test_without_a_mail_server_messages_go_to_the_outbox(app, settings) -> None:
    result = app.test_cli_runner().invoke(args=["send-test-email", "ops@example.org"])
    assert result.exit_code == 0, result.output
    files = list((__import__("pathlib").Path(settings.mail_outbox)).glob("*.eml"))
    assert len(files) == 1
    assert message_from_bytes(files[0].read_bytes())["To"] == "ops@example.org"
