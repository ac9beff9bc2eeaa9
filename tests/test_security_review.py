"""Security review (issue #7): session fixation, open redirects after sign-in, sign-in rate
limits with translated pages, and the response headers on every kind of response.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Iterator
from urllib.parse import urljoin, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.datastructures import Headers
from sqlalchemy import func, select

from app import create_app, db
from app.account import service as accounts
from app.account.models import Contributor
from app.mail import OutboxMessage
from app.settings import Settings
from tests.account.test_sign_in import ask_for_email, link_and_code, make_contributor
from tests.conftest import STAFF_PASSWORD, ClientRequest, deliver_mail, make_staff, signed_in_session

# --- session fixation -------------------------------------------------------------------------


def session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie"
    return cookie.value


def attacker_with(app: Flask, cookie: str) -> FlaskClient:
    """Someone who got hold of (or planted) a session cookie from before sign-in."""
    attacker = app.test_client()
    attacker.set_cookie("session", cookie)
    return attacker


def test_staff_sign_in_starts_a_new_session(app: Flask, client_request: ClientRequest) -> None:
    make_staff(app, "admin")
    browser = client_request.client
    token = client_request.csrf_token("/staff/sign-in")
    before = session_cookie(browser)
    response = browser.post("/staff/sign-in", data={"email": "admin@example.org", "password": STAFF_PASSWORD,
                                                    "csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/staff/"
    assert session_cookie(browser) != before
    assert browser.get("/staff/").status_code == 200
    refused = attacker_with(app, before).get("/staff/")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/staff/sign-in?next=")
    # A form token from before sign-in is not good for the signed-in session either.
    assert browser.post("/staff/sign-out", data={"csrf_token": token}).status_code == 400
    assert browser.get("/staff/").status_code == 200  # still signed in: the old token did nothing


@pytest.mark.parametrize("how", ["link", "code"])
def test_contributor_sign_in_starts_a_new_session(mail_app: Flask, smtp_server, how: str) -> None:  # type: ignore[no-untyped-def]
    make_contributor(mail_app)
    cr = ClientRequest(mail_app.test_client())
    ask_for_email(cr, "sam@example.org")
    deliver_mail(mail_app)
    link, code = link_and_code(smtp_server[0].messages[-1])
    page, data = (link, {}) if how == "link" else ("/account/check-email", {"code": code})
    token = cr.csrf_token(page)
    before = session_cookie(cr.client)
    response = cr.client.post(page, data=data | {"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"] == "/account/"
    assert session_cookie(cr.client) != before
    assert cr.get("/account/").h1 == "Your account"
    refused = attacker_with(mail_app, before).get("/account/")
    assert refused.status_code == 302 and refused.headers["Location"].startswith("/account/sign-in?next=")
    assert cr.client.post("/account/sign-out", data={"csrf_token": token}).status_code == 400
    assert cr.get("/account/").h1 == "Your account"


# --- open redirects ------------------------------------------------------------------------------

SITE = "https://takepart.example/staff/sign-in"

# As typed in the address bar's query string (some already percent-encoded).
EVIL_NEXT = [
    "//evil.example",
    "https://evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "%2F%2Fevil.example",
    "%252F%252Fevil.example",
    "/%09/evil.example",  # browsers drop tabs and newlines from addresses
    "/%0D%0A/evil.example",
    "https:evil.example",
    "///evil.example",
    "%5C%5Cevil.example",
]


def lands_on_site(location: str) -> bool:
    """Where a browser would go: it drops tabs and newlines, reads "\\" as "/" and resolves
    the address against the page it is on."""
    cleaned = re.sub(r"[\t\r\n]", "", location).replace("\\", "/").strip()
    target = urlsplit(urljoin(SITE, cleaned))
    return target.scheme == "https" and target.netloc == "takepart.example"


def test_the_browser_model_used_here_catches_a_redirect_off_site() -> None:
    assert lands_on_site("/staff/") and lands_on_site("%2F%2Fevil.example")  # a path on this site
    assert lands_on_site("https:evil.example")  # same scheme, no "//": a relative path
    assert not any(lands_on_site(v) for v in ("//evil.example", "/\\evil.example", "/\t/evil.example",
                                             "javascript:alert(1)", "http:evil.example"))


def test_staff_sign_in_never_sends_people_off_site(app: Flask) -> None:
    make_staff(app, "admin")
    wrong = []
    for evil in EVIL_NEXT:
        cr = ClientRequest(app.test_client())
        location = cr.post_redirect(f"/staff/sign-in?next={evil}",
                                    {"email": "admin@example.org", "password": STAFF_PASSWORD},
                                    token_from="/staff/sign-in")
        if not lands_on_site(location) or location != "/staff/":
            wrong.append(f"next={evil} → {location}")
    assert not wrong, wrong


def test_contributor_sign_in_never_sends_people_off_site(app: Flask) -> None:
    person_id = make_contributor(app)
    wrong = []
    for evil in EVIL_NEXT:
        with app.app_context():  # the link a sign-in email carries
            token, _code = accounts.issue_sign_in("sam@example.org", db.session().get(Contributor, person_id),
                                                  timedelta(minutes=30))
            db.session().commit()
        cr = ClientRequest(app.test_client())
        cr.get(f"/account/sign-in?next={evil}")
        location = cr.post_redirect(f"/account/sign-in/{token}")
        if not lands_on_site(location) or location != "/account/":
            wrong.append(f"next={evil} → {location}")
    assert not wrong, wrong


# --- rate limits ----------------------------------------------------------------------------------


def test_sign_in_emails_stop_after_the_limit_with_a_translated_page(app: Flask) -> None:
    cr = ClientRequest(app.test_client())
    for _ in range(5):  # CONTRIBUTOR_SIGN_IN_LIMIT
        ask_for_email(cr, "sam@example.org")
    english = cr.post("/account/sign-in?lang=en", {"email": "sam@example.org"}, expected_status=429)
    assert english.error_summary() == [
        ("#email", "You have asked for too many sign-in emails. Wait 15 minutes, then try again.")]
    welsh = cr.post("/account/sign-in?lang=cy", {"email": "sam@example.org"}, expected_status=429)
    assert welsh.doc.get("lang") == "cy"
    [(target, message)] = welsh.error_summary()
    assert target == "#email" and message and message != english.error_summary()[0][1]
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(OutboxMessage)) == 5  # no sixth email


def test_staff_password_guessing_stops_after_the_limit_with_a_translated_page(app: Flask) -> None:
    make_staff(app, "admin")
    cr = ClientRequest(app.test_client())
    for _ in range(5):  # SIGN_IN_LIMIT
        cr.post("/staff/sign-in", {"email": "admin@example.org", "password": "guess"})
    english = cr.post("/staff/sign-in?lang=en", {"email": "admin@example.org", "password": STAFF_PASSWORD},
                      expected_status=429)
    assert english.error_summary() == [("#email", "Too many attempts. Wait 15 minutes, then try again.")]
    welsh = cr.post("/staff/sign-in?lang=cy", {"email": "admin@example.org", "password": STAFF_PASSWORD},
                    expected_status=429)
    assert welsh.doc.get("lang") == "cy"
    [(target, message)] = welsh.error_summary()
    assert target == "#email" and message and message != english.error_summary()[0][1]
    assert cr.client.get("/staff/").status_code == 302  # even the right password did not sign them in


# --- headers -------------------------------------------------------------------------------------------

HTTPS = "https://takepart.example"


@pytest.fixture
def production_app(settings: Settings) -> Iterator[Flask]:
    application = create_app(settings.replace(env="production", base_url=HTTPS, testing=False))

    @application.get("/boom")
    def boom() -> str:
        raise RuntimeError("kaboom")

    yield application
    application.extensions["db_engine"].dispose()


def signed_in_client(app: Flask, values: dict[str, object]) -> FlaskClient:
    client = app.test_client()
    with client.session_transaction(base_url=HTTPS) as session:
        session.update(values)
    return client


def csp(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def test_every_kind_of_response_carries_the_security_headers(production_app: Flask) -> None:
    """One of each kind of response, over HTTPS with production settings."""
    def staff(role: str) -> FlaskClient:
        return signed_in_client(production_app, signed_in_session(production_app, "staff",
                                                                  make_staff(production_app, role)))

    anonymous = production_app.test_client()
    person = signed_in_client(production_app, signed_in_session(production_app, "contributor",
                                                                make_contributor(production_app)))
    responses = {
        "page": (anonymous.get("/", base_url=HTTPS), 200),
        "staff page": (staff("admin").get("/staff/", base_url=HTTPS), 200),
        "not found page": (anonymous.get("/no-such-page", base_url=HTTPS), 404),
        "refused page": (staff("finance").get("/staff/accounts", base_url=HTTPS), 403),
        "server error page": (anonymous.get("/boom", base_url=HTTPS), 500),
        "download": (person.get("/account/data.zip", base_url=HTTPS), 200),
    }
    assert responses["download"][0].mimetype == "application/zip"
    problems = [f"{kind}: {problem}" for kind, (response, status) in responses.items()
                for problem in header_problems(response.headers, response.status_code, status)]
    assert not problems, "\n".join(problems)


def header_problems(headers: Headers, status: int, expected_status: int) -> Iterator[str]:
    if status != expected_status:
        yield f"status {status}, expected {expected_status}"
    policy = csp(headers.get("Content-Security-Policy", ""))
    scripts = policy.get("script-src", policy.get("default-src"))
    if not scripts or "'unsafe-inline'" in scripts or "'unsafe-eval'" in scripts:
        yield f"scripts not locked down: {policy}"
    for directive in ("frame-ancestors", "object-src", "base-uri"):
        if policy.get(directive) != ["'none'"]:
            yield f"CSP {directive} is {policy.get(directive)}, expected 'none'"
    hsts = re.search(r"max-age=(\d+);\s*includeSubDomains", headers.get("Strict-Transport-Security", ""))
    if not hsts or int(hsts.group(1)) < 365 * 24 * 3600:
        yield f"HSTS {headers.get('Strict-Transport-Security')!r}, expected a year or more with subdomains"
    if headers.get("Referrer-Policy") not in ("no-referrer", "same-origin", "strict-origin",
                                              "strict-origin-when-cross-origin"):
        yield f"Referrer-Policy {headers.get('Referrer-Policy')!r}"
    permissions = headers.get("Permissions-Policy", "")
    if not all(f"{feature}=()" in permissions for feature in ("camera", "microphone", "geolocation")):
        yield f"Permissions-Policy {permissions!r}"
    for name, value in (("X-Content-Type-Options", "nosniff"), ("X-Frame-Options", "DENY"),
                        ("Cache-Control", "no-store")):
        if headers.get(name) != value:
            yield f"{name} {headers.get(name)!r}, expected {value!r}"


def test_the_session_cookie_is_locked_to_this_site_over_https(production_app: Flask) -> None:
    response = production_app.test_client().get("/", base_url=HTTPS)
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if "session=" in c)
    assert cookie.startswith("__Host-session=")  # no Domain, Path=/, Secure: not settable by a subdomain
    flags = {part.strip().split("=")[0].lower() for part in cookie.split(";")}
    assert {"secure", "httponly", "path"} <= flags and "domain" not in flags
    assert "SameSite=Lax" in cookie


def _officer_and_a_copy_of_their_cookie(app):  # type: ignore[no-untyped-def]
    """An officer signed in, and another browser holding a copy of their session cookie."""
    make_staff(app, "officer")
    staff = ClientRequest(app.test_client())
    staff.post_redirect("/staff/sign-in", {"email": "officer@example.org", "password": STAFF_PASSWORD})
    copied = app.test_client()
    for cookie in staff.client._cookies.values():
        copied.set_cookie(cookie.key, cookie.value)
    return staff, copied


def test_signing_out_ends_the_session_for_a_copied_cookie_too(app) -> None:
    """Found by the money-and-sign-in review: a cookie copied before sign-out still worked."""
    from tests.account.test_sign_in import make_contributor

    staff, copied = _officer_and_a_copy_of_their_cookie(app)
    assert copied.get("/staff/").status_code == 200
    staff.post_redirect("/staff/sign-out", {}, token_from="/staff/")
    assert copied.get("/staff/").status_code == 302  # sent to sign in

    person_id = make_contributor(app)
    values = signed_in_session(app, "contributor", person_id)
    person, copy = app.test_client(), app.test_client()
    for client in (person, copy):
        with client.session_transaction() as sess:
            sess.update(values)
    assert copy.get("/account/").status_code == 200
    ClientRequest(person).post_redirect("/account/sign-out", {}, token_from="/account/")
    assert copy.get("/account/").status_code == 302


def test_a_copied_staff_cookie_dies_with_the_idle_timeout_and_with_a_new_sign_in(app) -> None:
    """Found by the review: the idle timeout, and signing in as someone else, left sessions open."""
    from datetime import timedelta

    from tests.account.test_sign_in import make_contributor

    staff, copied = _officer_and_a_copy_of_their_cookie(app)
    with staff.client.session_transaction() as sess:  # the owner's browser sat idle too long
        sess["staff_at"] -= int(timedelta(hours=13).total_seconds())
    assert staff.client.get("/staff/").status_code == 302
    assert copied.get("/staff/").status_code == 302

    first, second = make_contributor(app, "ann@example.org"), make_contributor(app, "bob@example.org")
    shared_pc, copy = app.test_client(), app.test_client()
    values = signed_in_session(app, "contributor", first)
    for client in (shared_pc, copy):
        with client.session_transaction() as sess:
            sess.update(values)
    from app.account import service as accounts
    from app.account.models import Contributor

    with app.app_context():
        token, _code = accounts.issue_sign_in("bob@example.org", db.session().get(Contributor, second),
                                              timedelta(minutes=5))
        db.session().commit()
    ClientRequest(shared_pc).post_redirect(f"/account/sign-in/{token}", {}, token_from=f"/account/sign-in/{token}")
    assert copy.get("/account/").status_code == 302  # Ann's copied cookie ended when Bob signed in
