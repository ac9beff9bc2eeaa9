"""Nothing lost: every email a request queues is sent without anyone running the worker by hand.

Found on ``make run``: messages sat unsent with ``attempts = 0`` when the browser had already
closed its connection. Werkzeug's server then skips the response's ``close()``, and sending
hung on that. These tests play that browser, on a real server and through the test client
(which never closes a response either), against a real SMTP server.
"""

from __future__ import annotations

import re
import socket
import struct
import threading
from urllib.parse import urlencode

from sqlalchemy import select
from werkzeug.serving import make_server

from app import db, mail
from app.mail import OutboxMessage
from tests.claims.test_claim_journey import ACTIVITY, TIME, base
from tests.claims.test_export import approved_claims
from tests.claims.test_processing import staff_client
from tests.account.test_supporters import person_with_helper
from tests.conftest import ClientRequest, eventually


def _post_then_drop(port: int, path: str, cookie: str, form: dict[str, str]) -> bytes:
    """POST, read the response's head, then reset the connection, as a phone browser moving on does."""
    body = urlencode(form).encode()
    with socket.create_connection(("127.0.0.1", port)) as conn:
        conn.sendall(f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: {cookie}\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\n"
                     f"Content-Length: {len(body)}\r\n\r\n".encode() + body)
        head = b""
        while b"\r\n\r\n" not in head:
            head += conn.recv(65536)
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    return head


def test_sign_in_email_is_sent_although_the_browser_dropped_the_connection(mail_app, smtp_server) -> None:
    handler, _ = smtp_server
    server = make_server("127.0.0.1", 0, mail_app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        client = mail_app.test_client()
        for n in range(5):
            page = client.get("/account/sign-in").get_data(as_text=True)
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
            cookie = "; ".join(f"{c.key}={c.value}" for c in client._cookies.values())
            head = _post_then_drop(server.server_port, "/account/sign-in", cookie,
                                   {"csrf_token": token, "email": f"person{n}@example.org"})
            assert head.startswith(b"HTTP/1.1 302")
        assert eventually(lambda: len(handler.messages) == 5), f"{len(handler.messages)} of 5 sign-in emails sent"
    finally:
        server.shutdown()
        thread.join(timeout=5)
    with mail_app.app_context():
        assert db.session().scalars(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None))).all() == []


def _unsent(app, purpose: str) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    """(queued, not yet sent) messages of this purpose."""
    with app.app_context():
        rows = db.session().scalars(select(OutboxMessage.sent_at).where(OutboxMessage.purpose == purpose)).all()
        return len(rows), sum(sent is None for sent in rows)


def test_a_claim_sent_for_someone_and_a_finance_export_email_without_the_worker(mail_app, smtp_server) -> None:
    """The test client never closes a response either: what today's code left unsent."""
    handler, _ = smtp_server
    _person, person_id, helper, _helper_id = person_with_helper(mail_app)
    url = base(helper.post_redirect("/account/forms/new/claim", {"for_whom": str(person_id)}))
    helper.post_redirect(f"{url}/activity", ACTIVITY)
    helper.post_redirect(f"{url}/time", TIME)
    helper.post_redirect(f"{url}/check", {"declare": "yes"})
    assert eventually(lambda: _unsent(mail_app, "form_received") == (1, 0)), _unsent(mail_app, "form_received")
    with mail_app.app_context():
        approved_claims(mail_app, ["Ann Example", "Bob Example"])
    finance: ClientRequest = staff_client(mail_app, "finance")
    finance.post_redirect("/staff/finance/export", {}, token_from="/staff/finance")
    assert eventually(lambda: _unsent(mail_app, "claim_sent") == (2, 0)), _unsent(mail_app, "claim_sent")
    subjects = [m["Subject"] for m in handler.messages]
    assert sum(s.startswith("Your claim has gone for payment") for s in subjects) == 2, subjects


def test_late_mail_is_shown_to_staff_and_fails_the_status_check(app) -> None:
    from datetime import timedelta

    with app.app_context():
        message = mail.compose("sign_in", to="late@example.org", locale="en", easy_read=False, purpose="sign_in",
                               link="https://example.org/x", code="123456", minutes=60, known=True)
        db.session().commit()
    runner = app.test_cli_runner()
    assert runner.invoke(args=["mail-status"]).exit_code == 0  # queued just now: not late yet
    with app.app_context():
        stored = db.session().get(OutboxMessage, message.id)
        stored.created_at -= timedelta(minutes=6)
        db.session().commit()
    result = runner.invoke(args=["mail-status"])
    assert result.exit_code == 1 and "1 message(s) waiting more than 5 minutes" in result.output
    admin = staff_client(app, "admin")
    page = admin.get("/staff/outbox?lang=en")
    assert "1 message has waited more than 5 minutes without being sent." in page.text()
    assert app.test_client().get("/healthz").status_code == 200  # liveness does not depend on mail
    assert runner.invoke(args=["send-mail"]).exit_code == 0
    assert runner.invoke(args=["mail-status"]).exit_code == 0


def test_a_form_sent_just_before_the_app_died_is_mailed_by_the_worker(mail_app, smtp_server, monkeypatch) -> None:
    """The POST returns once its one commit is done, and the email is a committed outbox row:
    if the process dies between that commit and the send (here: the sender thread never gets
    the message), nothing is lost, as the worker (``flask send-mail``) sends it, once."""
    handler, _ = smtp_server
    monkeypatch.setattr(mail.Sender, "push", lambda self, ids: None)  # the process died after the commit
    _person, person_id, helper, _helper_id = person_with_helper(mail_app)
    url = base(helper.post_redirect("/account/forms/new/claim", {"for_whom": str(person_id)}))
    helper.post_redirect(f"{url}/activity", ACTIVITY)
    helper.post_redirect(f"{url}/time", TIME)
    assert "/done" in helper.post_redirect(f"{url}/check", {"declare": "yes"})  # the person sees "sent"
    assert _unsent(mail_app, "form_received") == (1, 1) and handler.messages == []
    result = mail_app.test_cli_runner().invoke(args=["send-mail"])  # everything the dead process left
    assert " sent, 0 not sent" in result.output, result.output
    assert _unsent(mail_app, "form_received") == (1, 0)
    assert len(handler.messages) == int(result.output.split()[0])
    assert "0 sent, 0 not sent" in mail_app.test_cli_runner().invoke(args=["send-mail"]).output
