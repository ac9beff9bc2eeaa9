"""A confirmed mobile and sign-in codes by text message, through GOV.UK Notify's contract server.

A code goes by text only through a text provider (never handed to staff), only to a mobile the
person confirmed with a code we texted to it, and with the limits email codes have.
"""

from __future__ import annotations

import re
from typing import Iterator

import pytest
from flask import Flask

from app import create_app, db
from app.account.models import Contributor
from app.db import utcnow
from app.settings import Settings
from tests.account.test_sign_in import make_contributor
from tests.conftest import ClientRequest, deliver_mail, signed_in_session
from tests.notify import notify_server
from tests.notify.notify_server import API_KEY, TEMPLATES

SAM = "+447700900982"


@pytest.fixture
def server() -> Iterator[notify_server.NotifyServer]:
    state, http = notify_server.start()
    yield state
    http.shutdown()
    http.server_close()


@pytest.fixture
def text_app(settings: Settings, server: notify_server.NotifyServer) -> Iterator[Flask]:
    application = create_app(settings.replace(
        takepart_text_provider="notify", takepart_notify_api_key=API_KEY, takepart_notify_base_url=server.base_url,
        takepart_notify_sms_template=TEMPLATES["sms"]))
    yield application
    application.extensions["db_engine"].dispose()


@pytest.fixture
def cr(text_app: Flask) -> ClientRequest:
    return ClientRequest(text_app.test_client())


def sam(app: Flask, confirmed: bool = True, **fields: object) -> int:
    values = {"contact_channel": "text", "phone": SAM, "phone_confirmed_at": utcnow() if confirmed else None} | fields
    return make_contributor(app, **values)


def texts(app: Flask, server: notify_server.NotifyServer) -> list[str]:
    deliver_mail(app)
    return [r.body["personalisation"]["body"] for r in server.requests if r.path == "/v2/notifications/sms"]


def code_in(text: str) -> str:
    found = re.search(r"\b(\d{4} \d{4})\b", text)
    assert found, text
    return found.group(1).replace(" ", "")


def ask_by_text(cr: ClientRequest, typed: str) -> str:
    return cr.post_redirect("/account/sign-in/text", {"phone": typed})


def test_the_sign_in_page_offers_a_code_by_text_only_with_a_text_provider(settings, text_app, cr) -> None:
    assert "Send me a code by text message" in cr.get("/account/sign-in?lang=en").text()
    staff_only = create_app(settings)  # no text provider: a code is never given to staff to send
    page = ClientRequest(staff_only.test_client())
    assert "Send me a code by text message" not in page.get("/account/sign-in?lang=en").text()
    assert "cannot send sign-in codes by text message" in page.get("/account/sign-in/text?lang=en").text()
    staff_only.extensions["db_engine"].dispose()


def test_the_text_carries_a_code_not_a_link_and_the_code_signs_in_once(text_app, cr, server) -> None:
    person = sam(text_app)
    assert ask_by_text(cr, "07700 900982").endswith("/account/check-phone")
    [text] = texts(text_app, server)
    assert [r.body["phone_number"] for r in server.requests] == [SAM]
    assert "://" not in text and "sign-in code" in text
    code = code_in(text)
    cr.get("/account/check-phone?lang=en")
    assert cr.post_redirect("/account/check-phone", {"code": code}) == "/account/"
    with text_app.app_context():
        assert db.session().get(Contributor, person).name == "Sam Example"
    again = ClientRequest(text_app.test_client())
    with again.client.session_transaction() as s:
        s["pending_sign_in_phone"] = SAM
    page = again.post("/account/check-phone?lang=en", {"code": code})
    assert "That code is not right" in page.text()


def test_an_unknown_or_unconfirmed_number_gets_the_same_page_and_no_text(text_app, cr, server) -> None:
    sam(text_app, confirmed=False)
    pages = []
    for typed in ("07700 900982", "07700 900123"):
        client = ClientRequest(text_app.test_client())
        assert ask_by_text(client, typed).endswith("/account/check-phone")
        pages.append(client.get("/account/check-phone?lang=en").text().replace("07700 900123", "07700 900982"))
    assert pages[0] == pages[1] and "If 07700 900982 can be used to sign in" in pages[0]
    assert texts(text_app, server) == []


def test_wrong_codes_are_limited_like_email_codes(text_app, cr, server) -> None:
    sam(text_app)
    ask_by_text(cr, "07700 900982")
    code = code_in(texts(text_app, server)[0])
    wrong = "00000000" if code != "00000000" else "11111111"
    for _ in range(5):
        assert "That code is not right" in cr.post("/account/check-phone?lang=en", {"code": wrong}).text()
    assert "That code is not right" in cr.post("/account/check-phone?lang=en", {"code": code}).text()


def test_asking_for_codes_by_text_is_rate_limited_per_number(text_app, server) -> None:
    sam(text_app)
    statuses = []
    for _ in range(6):
        client = ClientRequest(text_app.test_client())
        statuses.append(client.client.post("/account/sign-in/text", data={
            "phone": "07700 900982", "csrf_token": client.csrf_token("/account/sign-in/text")}).status_code)
    assert statuses == [302] * 5 + [429]


def test_a_person_confirms_their_mobile_and_a_new_number_needs_confirming_again(text_app, cr, server) -> None:
    person = sam(text_app, confirmed=False)
    with cr.client.session_transaction() as s:
        s.update(signed_in_session(text_app, "contributor", person))
    assert "Confirm your mobile number" in cr.get("/account/?lang=en").text()
    assert cr.post_redirect("/account/details/mobile", {}) == "/account/details/mobile/code"
    [text] = texts(text_app, server)
    assert "confirm your mobile number" in text and "://" not in text
    assert "That code is not right" in cr.post("/account/details/mobile/code?lang=en", {"code": "00000000"}).text()
    assert cr.post_redirect("/account/details/mobile/code", {"code": code_in(text)}) == "/account/"
    with text_app.app_context():
        assert db.session().get(Contributor, person).phone_confirmed_at is not None
    cr.post_redirect("/account/details/contact", {"contact_channel": "text", "phone": "07700 900123"})
    with text_app.app_context():
        assert db.session().get(Contributor, person).phone_confirmed_at is None


def test_a_confirming_code_does_not_sign_anyone_in(text_app, cr, server) -> None:
    person = sam(text_app, confirmed=False)
    with cr.client.session_transaction() as s:
        s.update(signed_in_session(text_app, "contributor", person))
    cr.post_redirect("/account/details/mobile", {})
    code = code_in(texts(text_app, server)[0])
    stranger = ClientRequest(text_app.test_client())
    with stranger.client.session_transaction() as s:
        s["pending_sign_in_phone"] = SAM
    assert "That code is not right" in stranger.post("/account/check-phone?lang=en", {"code": code}).text()


def test_without_a_text_provider_confirming_is_not_offered(app, client_request) -> None:
    person = sam(app, confirmed=False)
    with client_request.client.session_transaction() as s:
        s.update(signed_in_session(app, "contributor", person))
    page = client_request.get("/account/details/mobile?lang=en")
    assert "cannot confirm your mobile number yet" in page.text() and "Text me a code" not in page.text()
