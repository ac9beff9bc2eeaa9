"""Headers, CSP, CSRF, error pages and the vendored htmx's integrity hash."""

from __future__ import annotations

import base64
import hashlib

from werkzeug.exceptions import InternalServerError

from app import create_app
from app.security import HTMX_FILE, HTMX_SRI
from app.settings import ROOT


def test_strict_csp_and_safe_headers(client) -> None:
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in response.headers  # plain HTTP locally


def test_htmx_integrity_hash_matches_the_vendored_file(client) -> None:
    digest = hashlib.sha384((ROOT / "static" / HTMX_FILE).read_bytes()).digest()
    assert HTMX_SRI == "sha384-" + base64.b64encode(digest).decode()
    html = client.get("/roles/").get_data(as_text=True)  # a page that uses htmx
    assert f'integrity="{HTMX_SRI}"' in html
    assert HTMX_FILE not in client.get("/").get_data(as_text=True)  # pages that do not, do not load it


def test_htmx_requests_carry_the_csrf_token_header(client_request) -> None:
    body = client_request.get("/").find(".//body")
    assert '"X-CSRFToken"' in body.get("hx-headers")


def test_post_without_csrf_token_is_refused_with_a_clear_page(client_request) -> None:
    response = client_request.client.post("/staff/sign-in?lang=cy", data={"email": "a@example.org", "password": "x"})
    assert response.status_code == 400
    page = client_request._page(response, 400)
    assert page.doc.get("lang") == "cy"
    assert page.h1 and page.h1 != "Your form could not be sent"  # translated


def test_not_found_page_is_translated(client_request) -> None:
    english = client_request.get("/no-such-page", expected_status=404)
    assert english.h1 == "Page not found"
    welsh = client_request.get("/no-such-page?lang=cy", expected_status=404)
    assert welsh.h1 and welsh.h1 != "Page not found"


def test_unexpected_errors_get_a_calm_page_not_a_traceback(settings) -> None:
    app = create_app(settings.replace(testing=False))

    @app.get("/boom")
    def boom():  # type: ignore[no-untyped-def]
        raise RuntimeError("kaboom")

    @app.get("/http-500")
    def http_500():  # type: ignore[no-untyped-def]
        raise InternalServerError()

    client = app.test_client()
    for url in ("/boom", "/http-500"):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 500
        assert "Sorry, something went wrong on our side" in html and "kaboom" not in html


def test_when_the_database_cannot_be_reached_people_are_asked_to_try_again(settings) -> None:
    from tests.conftest import free_port

    # A real PostgreSQL address with nothing listening: what a restart or failover looks like.
    app = create_app(settings.replace(database_url=f"postgresql+psycopg://takepart@127.0.0.1:{free_port()}/x",
                                      testing=False))
    response = app.test_client().get("/roles/?lang=cy")
    html = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "30"
    assert '<html lang="cy"' in html and "psycopg" not in html and 'class="skip-link"' in html


def test_too_large_uploads_get_a_clear_page(settings) -> None:
    app = create_app(settings.replace(max_upload_mb=1))
    response = app.test_client().post("/staff/sign-in", data={"f": "x" * (7 * 1024 * 1024)})
    assert response.status_code == 413
    assert "That file is too big" in response.get_data(as_text=True)


def test_health_check_answers(client) -> None:
    assert client.get("/healthz").get_json() == {"status": "ok"}


def test_an_error_page_in_easy_read_says_what_to_do_beside_a_picture(client) -> None:  # type: ignore[no-untyped-def]
    page = client.get("/no-such-page?lang=en&easy-read=on")
    assert page.status_code == 404
    text = page.get_data(as_text=True)
    assert "<h1>We cannot find this page</h1>" in text
    assert "Check the web address. If you pressed a link, the link may be old." in text
    assert 'class="easy-read-point"' in text and "/static/pictures/question.svg" in text
    plain = client.get("/no-such-page?lang=en&easy-read=off").get_data(as_text=True)
    assert "<h1>Page not found</h1>" in plain and "easy-read-point" not in plain
