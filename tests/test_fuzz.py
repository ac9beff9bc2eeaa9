"""Fuzzing every form: whatever is typed or sent, no server error, and every refusal is a page.

Each form in the axe registry that has an error state (every form a person fills in, staff
ones included) is read from its page, then posted with hypothesis-made values for its own
fields: any unicode (right-to-left marks, emoji, combining characters), very long strings,
NUL bytes, lists where one value is expected and numbers where words are. Also: no CSRF
token, a token from another session, and a body far over the upload limit. A response must
never be 5xx, and a 4xx must be an HTML page in the site's layout and language.

``make test`` runs ``FUZZ_EXAMPLES`` (default 4) examples a form; ``make fuzz`` runs 200.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.a11y.conftest import seeded_app
from tests.a11y.registry import PAGES, Entry
from tests.conftest import ClientRequest, parse
from tests.visitors import signed_in_clients

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "4"))
FORMS = [entry for entry in PAGES if entry.error_state]
WHO = ("anon", "pending", "texted", "contributor", "helper", "supporter", "officer", "admin")

# Text people (or attackers) might send: any unicode, with the awkward bits made likely.
AWKWARD = st.sampled_from(["\u200f", "\u202e", "\u0000", "\ufeff", "😀", "ﷺ", "e\u0301", "\r\n", "'", '"', "<",
                           "=cmd|' /C calc'!A0", "../../etc/passwd", "%(name)s", "{{7*7}}", "٣٫٥٠", "১২"])
TEXT = st.one_of(
    st.text(max_size=40),
    st.lists(st.one_of(AWKWARD, st.text(max_size=5)), max_size=8).map("".join),
    st.integers(min_value=-10**12, max_value=10**12).map(str),
    st.just("x" * 20_000),
)
VALUE = st.one_of(TEXT, st.lists(TEXT, min_size=2, max_size=3))


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    application = seeded_app(tmp_path_factory.mktemp("fuzz"), "fuzz")
    yield application
    application.extensions["db_engine"].dispose()


@pytest.fixture(scope="module")
def clients(app: Flask) -> dict[str, FlaskClient]:
    return signed_in_clients(app, WHO)


def _form(client: FlaskClient, path: str) -> tuple[str, list[str], str]:
    """The page's main form: where it posts, its field names and the CSRF token."""
    html = client.get(path).get_data(as_text=True)
    doc = parse(html)
    forms = [f for f in doc.iter("form") if (f.get("method") or "").lower() == "post"]
    main = max(forms, key=lambda f: len(list(f.iter())))  # the form with the most in it
    names = sorted({el.get("name") for el in main.iter() if el.get("name") and el.get("name") != "csrf_token"})
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html)
    return main.get("action") or path, names, token.group(1) if token else ""


def assert_a_page(response, where: str) -> None:  # type: ignore[no-untyped-def]
    assert response.status_code < 500, f"{where}: {response.status_code}\n{response.get_data(as_text=True)[:600]}"
    if 400 <= response.status_code < 500:
        html = response.get_data(as_text=True)
        assert response.mimetype == "text/html", f"{where}: a {response.status_code} that is not a page"
        assert re.search(r'<html lang="[a-z]{2}"', html) and 'class="skip-link"' in html and "<main" in html, (
            f"{where}: a {response.status_code} outside the site's layout")


@pytest.mark.parametrize("entry", FORMS, ids=lambda entry: entry.name)
def test_any_input_to_any_form_is_answered_with_a_page(clients: dict[str, FlaskClient], entry: Entry) -> None:
    client = clients[entry.who]
    action, names, token = _form(client, entry.path)

    @settings(max_examples=EXAMPLES, deadline=None, database=None,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
    @given(values=st.fixed_dictionaries({name: VALUE for name in names}))
    def post(values: dict[str, object]) -> None:
        response = client.post(action, data=values | {"csrf_token": token})
        assert_a_page(response, f"{entry.name}: POST {action} {sorted(values)}")

    post()


@pytest.mark.parametrize("locale", ["en", "cy", "ar"])
def test_missing_or_replayed_csrf_and_huge_bodies_get_a_page_in_the_persons_language(
        app: Flask, clients: dict[str, FlaskClient], locale: str) -> None:
    stranger = app.test_client()
    stranger_token = ClientRequest(stranger).csrf_token("/account/sign-in")
    for entry in FORMS:
        client = clients[entry.who]
        action, names, _token = _form(client, entry.path)
        action = action + ("&" if "?" in action else "?") + f"lang={locale}"
        for data in ({name: "x" for name in names}, {name: "x" for name in names} | {"csrf_token": stranger_token}):
            response = client.post(action, data=data)
            assert response.status_code == 400, f"{entry.name}: {response.status_code} without a good token"
            assert_a_page(response, f"{entry.name}: bad token")
            assert f'<html lang="{locale}"' in response.get_data(as_text=True)
    huge = {"files": [(Path(__file__).open("rb"), "x.jpg")], "csrf_token": "x", "padding": "x" * (60 * 1024 * 1024)}
    response = clients["contributor"].post(f"/claims/a11y-claim/receipts?lang={locale}", data=huge,
                                           content_type="multipart/form-data")
    assert response.status_code == 413
    assert_a_page(response, "a huge upload")
