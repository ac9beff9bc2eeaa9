"""Plain fixtures: databases, app, client, a checking ``client_request``, sign-in helpers.

Databases are real and made by the Alembic migrations. SQLite by default; set
``TEST_DATABASE_URL=postgresql+psycopg://...`` to run everything on PostgreSQL
(``.ci/run`` does). Each test gets an empty database: SQLite copies a migrated
template file, PostgreSQL truncates the tables of a migrated schema.
"""

from __future__ import annotations

import os
import re
import shutil
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator
from xml.etree.ElementTree import Element

import socket
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy

import html5lib
import pytest
from aiosmtpd.controller import Controller
from flask import Flask
from flask.testing import FlaskClient
import sqlalchemy as sa
from sqlalchemy import create_engine, text

from app import create_app, db
from app.claims.defaults import seed_defaults
from app.settings import Settings

TEST_SECRET = "test-secret-key-that-is-long-enough-1234567890"
TEST_FERNET = "dGVzdC1vbmx5LWVuY3J5cHRpb24ta2V5LTMyLWJ5dGU="


# --- databases -----------------------------------------------------------------

def _pg_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


def fresh_database(name: str, tmp_dir: Path) -> str:
    """A newly migrated, empty database called ``name``; returns its URL.

    On PostgreSQL each name is a schema in the test database (search_path set in the URL).
    """
    base = _pg_url()
    if base is None:
        path = tmp_dir / f"{name}.sqlite3"
        path.unlink(missing_ok=True)
        url = f"sqlite:///{path}"
    else:
        engine = create_engine(base)
        with engine.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{name}" CASCADE'))
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
        engine.dispose()
        sep = "&" if "?" in base else "?"
        url = f"{base}{sep}options=-csearch_path%3D{name}"
    db.upgrade(url)
    return url


def empty_tables(url: str) -> None:
    """Remove every row (PostgreSQL TRUNCATE does not fire the audit row triggers)."""
    engine = create_engine(url)
    with engine.begin() as conn:
        names = conn.execute(
            text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() AND tablename <> 'alembic_version'")
        ).scalars().all()
        if names:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{n}"' for n in names) + " RESTART IDENTITY CASCADE"))
        seed_defaults(conn)  # what the migrations ship (as a fresh SQLite copy has it)
        from app.meetings.support import default_rows

        support = sa.table("support_contacts", *(sa.column(name) for name in ("locale", "position", "name", "how",
                                                                               "hours")))
        conn.execute(support.insert(), default_rows())
    engine.dispose()


@pytest.fixture(scope="session")
def template_database(tmp_path_factory: pytest.TempPathFactory) -> str:
    return fresh_database("unit", tmp_path_factory.mktemp("db"))


@pytest.fixture
def database_url(template_database: str, tmp_path: Path) -> str:
    if template_database.startswith("sqlite:///"):
        copy = tmp_path / "test.sqlite3"
        shutil.copyfile(template_database.removeprefix("sqlite:///"), copy)
        return f"sqlite:///{copy}"
    empty_tables(template_database)
    return template_database


def make_settings(database_url: str, tmp_path: Path, **overrides: Any) -> Settings:
    settings = Settings().replace(
        database_url=database_url,
        secret_key=TEST_SECRET,
        data_encryption_key=TEST_FERNET,
        mail_outbox=str(tmp_path / "outbox"),
        upload_dir=str(tmp_path / "uploads"),
        testing=True,
        log_level="WARNING",
    )
    return settings.replace(**overrides)


# --- app and clients -------------------------------------------------------------

@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return make_settings(database_url, tmp_path)


@pytest.fixture
def app(settings: Settings) -> Iterator[Flask]:
    application = create_app(settings)
    yield application
    application.extensions["db_engine"].dispose()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def app_ctx(app: Flask) -> Iterator[Flask]:
    with app.app_context():
        yield app


# --- page checks -----------------------------------------------------------------

def parse(html: str) -> Element:
    return html5lib.parse(html, namespaceHTMLElements=False)


def text_of(el: Element | None) -> str:
    return " ".join("".join(el.itertext()).split()) if el is not None else ""


def check_page(html: str) -> Element:
    """What every rendered page must be: see notifications-admin's client_request."""
    problems: list[str] = []
    parser = html5lib.HTMLParser(strict=False, namespaceHTMLElements=False)
    doc = parser.parse(html)
    root = doc
    if not root.get("lang"):
        problems.append("<html> has no lang")
    if root.get("dir") not in ("ltr", "rtl"):
        problems.append("<html> has no dir")
    title = root.find("./head/title")
    if title is None or not text_of(title):
        problems.append("no <title>")
    elif "<" in text_of(title):
        problems.append("markup inside <title> (a block left open in a template?)")
    h1s = root.findall(".//h1")
    if len(h1s) != 1:
        problems.append(f"{len(h1s)} <h1> elements")
    if len(root.findall(".//main")) != 1:
        problems.append("not exactly one <main>")
    ids = Counter(el.get("id") for el in root.iter() if el.get("id"))
    dupes = [i for i, n in ids.items() if n > 1]
    if dupes:
        problems.append(f"duplicate ids {dupes}")
    for form in root.iter("form"):
        if (form.get("method") or "get").lower() == "post":
            if not any(i.get("name") == "csrf_token" for i in form.iter("input")):
                problems.append(f"POST form without CSRF token: {form.get('action')}")
    for el in root.iter():
        for ref_attr in ("aria-describedby", "aria-labelledby"):
            for ref in (el.get(ref_attr) or "").split():
                if ref not in ids:
                    problems.append(f"{ref_attr} points at missing id {ref}")
        if el.tag == "label" and el.get("for") and el.get("for") not in ids:
            problems.append(f"label for missing id {el.get('for')}")
        if el.get("style") is not None:
            problems.append(f"inline style attribute on <{el.tag}>")
        if any(a.startswith("on") for a in el.attrib):
            problems.append(f"inline event handler on <{el.tag}>")
        if el.tag == "script" and not el.get("src"):
            problems.append("inline <script>")
        if el.tag == "style":
            problems.append("inline <style>")
        if el.tag == "img" and el.get("alt") is None:
            problems.append(f"img without alt: {el.get('src')}")
    if problems:
        raise AssertionError("page checks failed:\n  " + "\n  ".join(problems))
    return root


@dataclass
class Page:
    """A response whose HTML passed ``check_page``."""

    status: int
    html: str
    doc: Element
    headers: Any

    def find(self, path: str) -> Element | None:
        return self.doc.find(path)

    def findall(self, path: str) -> list[Element]:
        return self.doc.findall(path)

    def by_id(self, element_id: str) -> Element | None:
        return next((el for el in self.doc.iter() if el.get("id") == element_id), None)

    @property
    def h1(self) -> str:
        return text_of(self.doc.find(".//h1"))

    @property
    def title(self) -> str:
        return text_of(self.doc.find("./head/title"))

    def text(self) -> str:
        return text_of(self.doc.find(".//main"))

    def error_summary(self) -> list[tuple[str, str]]:
        summary = next((el for el in self.doc.iter() if el.get("data-error-summary") is not None), None)
        if summary is None:
            return []
        return [(a.get("href", ""), text_of(a)) for a in summary.iter("a")]


class ClientRequest:
    """Requests pages and checks each one; posts forms with their CSRF token."""

    def __init__(self, client: FlaskClient) -> None:
        self.client = client

    def _page(self, response: Any, expected_status: int) -> Page:
        assert response.status_code == expected_status, (
            f"expected {expected_status}, got {response.status_code}: {response.get_data(as_text=True)[:500]}"
        )
        html = response.get_data(as_text=True)
        doc = check_page(html) if response.mimetype == "text/html" else parse(html)
        return Page(response.status_code, html, doc, response.headers)

    def get(self, url: str, expected_status: int = 200, **kwargs: Any) -> Page:
        return self._page(self.client.get(url, **kwargs), expected_status)

    def get_redirect(self, url: str, **kwargs: Any) -> str:
        response = self.client.get(url, **kwargs)
        assert response.status_code in (301, 302, 303), response.status_code
        return response.headers["Location"]

    def csrf_token(self, url: str) -> str:
        html = self.client.get(url).get_data(as_text=True)
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
            r'value="([^"]+)"[^>]*name="csrf_token"', html
        )
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def post(self, url: str, data: dict[str, Any] | None = None, expected_status: int = 200,
             token_from: str | None = None, follow: bool = False, **kwargs: Any) -> Page:
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf_token(token_from or url))
        response = self.client.post(url, data=payload, follow_redirects=follow, **kwargs)
        return self._page(response, expected_status)

    def post_redirect(self, url: str, data: dict[str, Any] | None = None,
                      token_from: str | None = None, **kwargs: Any) -> str:
        payload = dict(data or {})
        payload.setdefault("csrf_token", self.csrf_token(token_from or url))
        response = self.client.post(url, data=payload, **kwargs)
        assert response.status_code in (302, 303), (
            f"expected a redirect, got {response.status_code}: {response.get_data(as_text=True)[:800]}"
        )
        return response.headers["Location"]


@pytest.fixture
def client_request(client: FlaskClient) -> ClientRequest:
    return ClientRequest(client)


# --- mail ------------------------------------------------------------------------

class SMTPCollector:
    """An aiosmtpd handler keeping every message it receives."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd API
        self.messages.append(message_from_bytes(envelope.content, policy=default_policy))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server() -> Iterator[tuple[SMTPCollector, int]]:
    """A real SMTP server on loopback."""
    handler = SMTPCollector()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    yield handler, port
    controller.stop()


@pytest.fixture
def mail_app(settings: Settings, smtp_server: tuple[SMTPCollector, int]) -> Iterator[Flask]:
    """The app sending through the loopback SMTP server."""
    application = create_app(settings.replace(mail_server="127.0.0.1", mail_port=smtp_server[1]))
    yield application
    application.extensions["db_engine"].dispose()


def deliver_mail(app: Flask) -> None:
    """Let the app's mail thread finish what requests handed it, then do what the
    ``flask send-mail`` worker does: send everything due."""
    from app import mail

    mail.sender(app).wait()
    with app.app_context():
        mail.deliver_pending()


def signed_in_session(app: Flask, kind: str, account_id: int, version: int = 1) -> dict[str, Any]:
    """What signing in leaves in a session cookie ("staff" or "contributor"), with its sign-in
    recorded on the server as the sign-in pages do (``security.start_session``)."""
    import secrets

    from app.db import utcnow
    from app.security import AccountSession, _sid_hash

    sid = secrets.token_urlsafe(24)
    with app.app_context():
        db.session().add(AccountSession(sid_hash=_sid_hash(sid), kind=kind, account_id=account_id,
                                        created_at=utcnow()))
        db.session().commit()
    values = {f"{kind}_id": account_id, f"{kind}_sv": version, f"{kind}_sid": sid}
    if kind == "staff":
        values["staff_at"] = int(utcnow().timestamp())
    return values


def eventually(check: Any, seconds: float = 10.0) -> Any:
    """Wait (polling, at most ``seconds``) until ``check()`` is truthy; returns its last value."""
    import time

    deadline = time.monotonic() + seconds
    while not (result := check()) and time.monotonic() < deadline:
        time.sleep(0.05)
    return result


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


# --- staff -----------------------------------------------------------------------

STAFF_PASSWORD = "correct horse battery staple"


def make_staff(app: Flask, role: str = "admin", email: str | None = None, name: str | None = None) -> int:
    from app.staff import service

    with app.app_context():
        user = service.create_staff(name or f"{role.title()} Person", email or f"{role}@example.org",
                                    role, STAFF_PASSWORD)
        return user.id


def sign_in(client_request: ClientRequest, email: str, password: str = STAFF_PASSWORD) -> str:
    return client_request.post_redirect("/staff/sign-in", {"email": email, "password": password})


@pytest.fixture
def as_admin(app: Flask, client_request: ClientRequest) -> ClientRequest:
    make_staff(app, "admin")
    sign_in(client_request, "admin@example.org")
    return client_request


@pytest.fixture
def as_officer(app: Flask, client_request: ClientRequest) -> ClientRequest:
    make_staff(app, "officer")
    sign_in(client_request, "officer@example.org")
    return client_request
