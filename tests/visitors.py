"""The registry's visitors, in-process: the seeded app and a signed-in Flask test client per session.

Every page in tests/a11y/registry.py is visited by a session (``Entry.who``). The browser suite
signs in real browsers; the in-process checks and measurements sign in Flask test clients the
same way, on the same seeded data (tests/a11y/conftest.py ``seeded_app``), each on a database of
its own. Used by tests/test_page_weight.py, tests/test_query_budget.py, tests/test_fuzz.py and
bench/pages.py.
"""

from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from flask import Flask
from flask.testing import FlaskClient

#: Every session a registry entry can name.
SESSIONS = ("anon", "pending", "texted", "contributor", "supporter", "helper", "interested", "officer", "admin")


def sign_in_client(client: Any, who: str) -> None:
    """Put a Flask test client in the state a registry session (``who``) needs, as the pages would."""
    from tests.conftest import STAFF_PASSWORD, ClientRequest
    from tests.interests.helpers import send, walk

    cr = ClientRequest(client)
    if who == "pending":
        cr.post_redirect("/account/sign-in", {"email": "waiting@example.org"})
    elif who == "texted":
        cr.post_redirect("/account/sign-in/text", {"phone": "07700 900 555"})
    elif who in ("contributor", "helper", "supporter"):
        cr.post_redirect(f"/account/sign-in/a11y-{who}")
        if who == "supporter":
            cr.post_redirect("/account/acting-for", {"contributor_id": 1}, token_from="/account/supporters")
    elif who == "interested":
        walk(cr, 2)
        send(cr, 2)
    elif who in ("officer", "admin"):
        cr.post_redirect("/staff/sign-in", {"email": f"{who}@example.org", "password": STAFF_PASSWORD})


def signed_in_clients(app: Flask, sessions: tuple[str, ...]) -> dict[str, Any]:
    """A Flask test client for each registry session named, each signed in as ``sign_in_client`` does."""
    clients = {who: app.test_client() for who in sessions}
    for who, client in clients.items():
        sign_in_client(client, who)
    return clients


@contextmanager
def registry_site(tmp: Path, name: str,
                  sessions: tuple[str, ...] = SESSIONS) -> Iterator[tuple[Flask, dict[str, FlaskClient]]]:
    """The seeded app on a new database ``name`` and a signed-in client for each of ``sessions``;
    the database's connections are closed afterwards. On PostgreSQL when TEST_DATABASE_URL is set."""
    from tests.a11y.conftest import seeded_app

    app = seeded_app(tmp, name)
    try:
        yield app, signed_in_clients(app, sessions)
    finally:
        app.extensions["db_engine"].dispose()


@contextmanager
def statements(app: Flask) -> Iterator[list[str]]:
    """Every SQL statement the app's engine sends while inside, in order (``before_cursor_execute``)."""
    from sqlalchemy import event

    engine = app.extensions["db_engine"]
    sent: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        event.remove(engine, "before_cursor_execute", record)
