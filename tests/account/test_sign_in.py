"""Contributor sign-in by emailed link or code: valid, expired, reused, wrong, rate limited."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import db
from app.account.models import Contributor, SignInToken
from app.audit import AuditEvent
from tests.conftest import ClientRequest, body_text, deliver_mail


def make_contributor(app, email: str = "sam@example.org", **fields) -> int:  # type: ignore[no-untyped-def]
    from app.db import utcnow

    with app.app_context():
        now = utcnow()
        values = {"name": "Sam Example", "language": "en", "access_needs": [], "created_at": now, "updated_at": now,
                  "session_version": 1} | fields
        contributor = Contributor(email=email, **values)
        db.session().add(contributor)
        db.session().commit()
        return contributor.id


def ask_for_email(cr: ClientRequest, email: str, **kwargs) -> str:  # type: ignore[no-untyped-def]
    return cr.post_redirect("/account/sign-in", {"email": email}, **kwargs)


def link_and_code(message) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    text = body_text(message)
    link = re.search(r"https?://\S+/account/sign-in/(\S+)", text)
    code = re.search(r"\b(\d{4} \d{4})\b", text)  # 8 digits, grouped for reading
    assert link and code, text
    return f"/account/sign-in/{link.group(1)}", code.group(1).replace(" ", "")


def known_person_asks(app, cr: ClientRequest, smtp_server) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """Sam, who has an account, asks for a sign-in email; returns its (link, code)."""
    make_contributor(app)
    ask_for_email(cr, "sam@example.org")
    deliver_mail(app)
    return link_and_code(smtp_server[0].messages[-1])


def other_code(code: str) -> str:
    return "00000000" if code != "00000000" else "11111111"


@pytest.fixture
def cr(mail_app):  # type: ignore[no-untyped-def]
    return ClientRequest(mail_app.test_client())


def test_new_person_signs_in_with_the_link_and_sets_up(mail_app, cr, smtp_server) -> None:
    handler, _ = smtp_server
    assert ask_for_email(cr, " New.Person@Example.org ") == "/account/check-email"
    page = cr.get("/account/check-email")
    assert "new.person@example.org" in page.text()
    deliver_mail(mail_app)
    [message] = handler.messages
    assert message["To"] == "new.person@example.org"
    assert message["Subject"] == "Sign in to Take Part"
    assert "You do not have an account yet" in body_text(message)
    assert message.get_body(preferencelist=("html",)) is not None
    link, _code = link_and_code(message)

    # Opening the link (as an email scanner might) does not use it up.
    confirm = cr.get(link)
    assert confirm.h1 == "Sign in"
    cr.get(link)
    location = cr.post_redirect(link, token_from=link)
    assert location == "/account/set-up/name"
    with mail_app.app_context():
        person = db.session().scalar(select(Contributor))
        assert person.email == "new.person@example.org"
        actions = db.session().scalars(select(AuditEvent.action)).all()
        assert {"contributor.created", "contributor.signed_in"} <= set(actions)
    assert cr.get("/account/set-up/name").h1 == "Your name"


def test_the_code_works_instead_of_the_link(mail_app, cr, smtp_server) -> None:
    _link, code = known_person_asks(mail_app, cr, smtp_server)
    wrong = cr.post("/account/check-email", {"code": other_code(code)})
    assert wrong.error_summary()[0][0] == "#code"
    assert cr.post_redirect("/account/check-email", {"code": f"{code[:3]} {code[3:]}"}) == "/account/"
    assert cr.get("/account/").h1 == "Your account"


def test_codes_stop_working_after_five_wrong_tries(mail_app, cr, smtp_server) -> None:
    _link, code = known_person_asks(mail_app, cr, smtp_server)
    for _ in range(5):
        cr.post("/account/check-email", {"code": other_code(code)})
    page = cr.post("/account/check-email", {"code": code})
    assert page.error_summary()[0][0] == "#code"


def test_used_and_expired_links_cannot_be_used(mail_app, cr, smtp_server) -> None:
    make_contributor(mail_app)
    ask_for_email(cr, "sam@example.org")
    ask_for_email(cr, "sam@example.org")
    deliver_mail(mail_app)
    first, second = (link_and_code(m)[0] for m in smtp_server[0].messages)
    cr.post_redirect(first, token_from=first)
    reused = cr.get(first, expected_status=400)
    assert reused.h1 == "This sign-in link cannot be used"
    with mail_app.app_context():
        for token in db.session().scalars(select(SignInToken)):
            token.expires_at = token.created_at - timedelta(seconds=1)
        db.session().commit()
    other = ClientRequest(mail_app.test_client())
    assert other.get(second, expected_status=400).h1 == "This sign-in link cannot be used"
    assert other.get("/account/sign-in/not-a-real-token", expected_status=400).h1 == "This sign-in link cannot be used"


def test_known_and_unknown_addresses_get_the_same_answer(mail_app, cr, smtp_server) -> None:
    make_contributor(mail_app)
    known = ClientRequest(mail_app.test_client())
    unknown = ClientRequest(mail_app.test_client())
    assert ask_for_email(known, "sam@example.org") == ask_for_email(unknown, "nobody@example.org")
    known_page = known.get("/account/check-email").text().replace("sam@example.org", "X")
    unknown_page = unknown.get("/account/check-email").text().replace("nobody@example.org", "X")
    assert known_page == unknown_page


def test_empty_and_malformed_addresses_say_what_to_do(cr) -> None:
    assert cr.post("/account/sign-in", {"email": ""}).error_summary() == [("#email", "Enter your email address")]
    bad = cr.post("/account/sign-in", {"email": "sam at example"})
    assert bad.error_summary() == [("#email", "Enter an email address in the right format, like name@example.org")]
    assert bad.by_id("email").get("value") == "sam at example"


def test_sign_in_emails_are_rate_limited_per_address(mail_app, cr) -> None:
    for _ in range(5):
        ask_for_email(cr, "sam@example.org")
    limited = cr.post("/account/sign-in", {"email": "sam@example.org"}, expected_status=429)
    assert "too many sign-in emails" in limited.error_summary()[0][1]


def test_sign_in_emails_are_rate_limited_per_network_address(settings, smtp_server) -> None:
    from app import create_app

    app = create_app(settings.replace(sign_in_ip_limit=3))
    cr = ClientRequest(app.test_client())
    for n in range(3):
        ask_for_email(cr, f"person{n}@example.org")
    cr.post("/account/sign-in", {"email": "person9@example.org"}, expected_status=429)


def test_the_session_lasts_and_sign_out_works(mail_app, cr, smtp_server) -> None:
    link, _ = known_person_asks(mail_app, cr, smtp_server)
    response = cr.client.post(link, data={"csrf_token": cr.csrf_token(link)})
    cookie = next(c for c in response.headers.getlist("Set-Cookie") if c.startswith("session="))
    assert "Expires=" in cookie  # a lasting cookie, not one that ends with the browser
    assert mail_app.permanent_session_lifetime == timedelta(days=30)
    assert cr.get("/account/").h1 == "Your account"
    header = cr.get("/account/")
    assert header.find(".//form[@action='/account/sign-out']") is not None
    after = cr.post("/account/sign-out", token_from="/account/", follow=True)
    assert "You have signed out." in after.text()
    assert cr.get_redirect("/account/").startswith("/account/sign-in?next=/account/")


def test_sign_out_everywhere_ends_other_devices(mail_app, smtp_server) -> None:
    make_contributor(mail_app)
    phone, laptop = ClientRequest(mail_app.test_client()), ClientRequest(mail_app.test_client())
    for device in (phone, laptop):
        ask_for_email(device, "sam@example.org")
    deliver_mail(mail_app)
    for device, message in zip((phone, laptop), smtp_server[0].messages):
        link, _ = link_and_code(message)
        device.post_redirect(link, token_from=link)
    phone.post_redirect("/account/sign-out-everywhere", token_from="/account/")
    assert laptop.get_redirect("/account/").startswith("/account/sign-in")


def test_signing_in_brings_people_back_where_they_were(mail_app, cr, smtp_server) -> None:
    make_contributor(mail_app)
    assert cr.get_redirect("/account/details/access") == "/account/sign-in?next=/account/details/access"
    cr.get("/account/sign-in?next=/account/details/access")
    ask_for_email(cr, "sam@example.org")
    deliver_mail(mail_app)
    link, _ = link_and_code(smtp_server[0].messages[0])
    assert cr.post_redirect(link, token_from=link) == "/account/details/access"


def test_emails_are_in_the_persons_language_and_easy_read(mail_app, cr, smtp_server) -> None:
    make_contributor(mail_app, language="cy", easy_read=True)
    ask_for_email(cr, "sam@example.org")
    deliver_mail(mail_app)
    [message] = smtp_server[0].messages
    assert message["Content-Language"] == "cy"
    assert message["Subject"] not in ("Sign in to Take Part", "Your sign-in link")
    text = body_text(message)
    assert "You asked to sign in." not in text and link_and_code(message)
    html = message.get_body(preferencelist=("html",)).get_content()
    assert '<html lang="cy"' in html


# --- codes that cannot be guessed (the money-and-sign-in review) -------------------------------------------------

def _settings_app(settings, smtp_server, **limits):  # type: ignore[no-untyped-def]
    from app import create_app

    return create_app(settings.replace(mail_server="127.0.0.1", mail_port=smtp_server[1], **limits))


def test_codes_have_eight_digits_grouped_for_reading(mail_app, cr, smtp_server) -> None:
    _link, code = known_person_asks(mail_app, cr, smtp_server)
    assert len(code) == 8 and f"{code[:4]} {code[4:]}" in body_text(smtp_server[0].messages[-1])


def test_parallel_guesses_are_each_counted_so_only_five_are_ever_checked(settings, smtp_server) -> None:
    """60 guesses at once: the attempt count is one atomic UPDATE, so no guess past the fifth is checked."""
    import threading

    from app.account import service

    app = _settings_app(settings, smtp_server, sign_in_code_daily_limit=1000, sign_in_code_ip_limit=1000)
    make_contributor(app)
    with app.test_request_context():
        _token, code = service.issue_sign_in("sam@example.org", None, timedelta(minutes=60))
        db.session().commit()
    wrong = "00000000" if code != "00000000" else "11111111"
    barrier, results = threading.Barrier(12), []

    def guess() -> None:
        with app.app_context():
            barrier.wait(timeout=10)
            for _ in range(5):
                results.append(service.token_for_code("sam@example.org", wrong, "198.51.100.7"))

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(results) == 60 and not any(results)
    with app.app_context():
        assert db.session().scalar(select(SignInToken.code_attempts)) == 5
        assert service.token_for_code("sam@example.org", code, "198.51.100.7") is None  # the right code: too late
    app.extensions["db_engine"].dispose()


def test_wrong_codes_are_capped_per_address_per_day_across_new_codes(settings, smtp_server) -> None:
    app = _settings_app(settings, smtp_server, sign_in_code_daily_limit=7, contributor_sign_in_limit=50)
    make_contributor(app)
    cr = ClientRequest(app.test_client())
    for tries in (4, 3):  # 7 wrong codes today; a fresh code each time does not reset the count
        ask_for_email(cr, "sam@example.org")
        for _ in range(tries):
            cr.post("/account/check-email", {"code": "00000001"})
    ask_for_email(cr, "sam@example.org")
    deliver_mail(app)
    _link, code = link_and_code(smtp_server[0].messages[-1])
    refused = cr.post("/account/check-email?lang=en", {"code": code}, expected_status=429)
    assert "Too many codes have been tried" in refused.error_summary()[0][1]
    app.extensions["db_engine"].dispose()


def test_code_checks_are_limited_per_network_address(settings, smtp_server) -> None:
    app = _settings_app(settings, smtp_server, sign_in_code_ip_limit=3)
    for n in range(4):
        make_contributor(app, email=f"p{n}@example.org")
    statuses = []
    for n in range(4):  # four addresses, one network address
        cr = ClientRequest(app.test_client())
        ask_for_email(cr, f"p{n}@example.org")
        token = cr.csrf_token("/account/check-email")
        statuses.append(cr.client.post("/account/check-email", data={"code": "00000001", "csrf_token": token})
                        .status_code)
    assert statuses == [200, 200, 200, 429]
    app.extensions["db_engine"].dispose()


def test_sent_sign_in_emails_keep_no_link_or_code(mail_app, cr, smtp_server) -> None:
    from app.mail import FORGOTTEN, OutboxMessage

    link, code = known_person_asks(mail_app, cr, smtp_server)
    with mail_app.app_context():
        stored = db.session().scalar(select(OutboxMessage).where(OutboxMessage.purpose == "sign_in"))
        assert stored.sent_at is not None and stored.text_body == FORGOTTEN and stored.html_body is None
    admin_page = as_admin_outbox(mail_app)
    assert code not in admin_page and link.rsplit("/", 1)[1] not in admin_page


def as_admin_outbox(app) -> str:  # type: ignore[no-untyped-def]
    from tests.conftest import make_staff, sign_in

    make_staff(app, "admin")
    admin = ClientRequest(app.test_client())
    sign_in(admin, "admin@example.org")
    return admin.get("/staff/outbox?lang=en").html
