"""Your details: entered once in a short setup, changed any time; bank details encrypted."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select, text

from app import create_app, db
from app.account import service
from app.account.models import Contributor
from app.audit import AuditEvent
from app.staff.models import StaffTask
from tests.account.test_sign_in import make_contributor
from tests.conftest import ClientRequest, signed_in_session


def signed_in(app, **fields) -> tuple[ClientRequest, int]:  # type: ignore[no-untyped-def]
    """A client signed in as a new contributor (session set as sign-in would)."""
    contributor_id = make_contributor(app, **fields)
    client = app.test_client()
    values = signed_in_session(app, "contributor", contributor_id)
    with client.session_transaction() as sess:
        sess.update(values)
    return ClientRequest(client), contributor_id


def contributor(app, contributor_id: int) -> Contributor:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session().get(Contributor, contributor_id)


def test_first_time_setup_asks_one_thing_per_page_in_order(app) -> None:
    cr, cid = signed_in(app, name="")
    steps = [
        ("/account/set-up/name", {"name": "Sam Example", "known_as": "Sam", "pronouns": "they/them"}),
        ("/account/set-up/contact", {"contact_channel": "text", "phone": "07700 900 982"}),
        ("/account/set-up/language", {"language": "pl", "easy_read": "yes"}),
        ("/account/set-up/access", {"access_needs": ["interpreter", "breaks"],
                                    "interpreter_language": "British Sign Language"}),
        ("/account/set-up/payment", {"payment_preference": "paid"}),
        ("/account/details/bank?setup=1", {"account_name": "S Example", "sort_code": "30-94-52",
                                           "account_number": "0073 3445"}),
    ]
    for (url, data), (next_url, _) in zip(steps, steps[1:] + [("/account/", {})]):
        assert cr.post_redirect(url, data) == next_url
    person = contributor(app, cid)
    assert (person.name, person.known_as, person.pronouns) == ("Sam Example", "Sam", "they/them")
    assert (person.contact_channel, person.phone, person.language, person.easy_read) == ("text", "+447700900982",
                                                                                       "pl", True)
    assert person.access_needs == ["interpreter", "breaks"]
    assert person.interpreter_language == "British Sign Language"
    # Their language and easy read now apply to the site.
    home = cr.get("/account/")
    assert home.doc.get("lang") == "pl"
    assert "easy-read" in home.find(".//body").get("class")


def test_details_page_shows_everything_with_change_links(app) -> None:
    cr, _ = signed_in(app, known_as="Sam", contact_channel="post", address="1 High Street", access_needs=["breaks"])
    page = cr.get("/account/?lang=en&easy-read=off")
    words = page.text()
    assert "Sam Example" in words and "1 High Street" in words and "Regular breaks" in words
    changes = {a.get("href") for a in page.findall(".//dd[@class='actions']/a")}
    assert {"/account/details/name", "/account/details/contact", "/account/details/language",
            "/account/details/access", "/account/details/payment", "/account/details/bank"} <= changes


@pytest.mark.parametrize(
    "data, target, message",
    [
        ({"contact_channel": "phone"}, "#phone", "Enter a phone number so we can call or text you"),
        ({"contact_channel": "post"}, "#address", "Enter your postal address so we can write to you"),
        ({"contact_channel": "email", "phone": "12ab"}, "#phone",
         "Enter a phone number, like 07700 900 982 or +44 7700 900 982"),
        ({}, "#contact_channel-0", "Choose how you would like us to contact you"),
    ],
)
def test_contact_errors_say_what_to_do(app, data, target: str, message: str) -> None:
    cr, _ = signed_in(app)
    page = cr.post("/account/details/contact", data)
    assert (target, message) in page.error_summary()


def test_access_needs_ask_for_the_detail_they_need(app) -> None:
    cr, _ = signed_in(app)
    page = cr.post("/account/details/access", {"access_needs": ["interpreter", "other"]})
    assert [m for _, m in page.error_summary()] == ["Enter the language you need an interpreter for",
                                                    "Tell us what else would help"]
    # What was ticked is still ticked.
    assert {i.get("value") for i in page.findall(".//input[@name='access_needs']") if i.get("checked") is not None} \
        == {"interpreter", "other"}


def test_talking_about_benefits_creates_a_task_and_asks_nothing_about_them(app) -> None:
    cr, cid = signed_in(app)
    page = cr.get("/account/details/payment")
    assert "which benefits" in page.text()  # says we will not ask
    assert not [i for i in page.findall(".//input") if "benefit" in (i.get("name") or "")]
    cr.post_redirect("/account/details/payment", {"payment_preference": "benefits_talk"})
    with app.app_context():
        tasks = db.session().scalars(select(StaffTask)).all()
        assert [(t.kind, t.contributor_id, t.done_at) for t in tasks] == [("benefits_talk", cid, None)]


def test_bank_details_are_encrypted_masked_and_audited_without_values(app) -> None:
    cr, cid = signed_in(app)
    bad = cr.post("/account/details/bank", {"account_name": "", "sort_code": "1234", "account_number": "12",
                                            "roll_number": "<script>"})
    assert [m for _, m in bad.error_summary()] == [
        "Enter the name on the account", "Enter a valid sort code, like 30 94 52",
        "Enter a valid account number, like 00733445",
        "Enter a roll number with letters, numbers, spaces, dots, dashes or slashes, 18 characters or fewer"]
    cr.post_redirect("/account/details/bank", {"account_name": "Sam Example", "sort_code": "30 94 52",
                                               "account_number": "00733445", "roll_number": "AB/1234-5"})
    with app.app_context():
        raw = db.session().execute(text("SELECT bank_details FROM contributors WHERE id = :i"), {"i": cid}).scalar()
        assert raw and "00733445" not in raw and "309452" not in raw and "Sam Example" not in raw
        person = db.session().get(Contributor, cid)
        assert service.bank_details(person) == {"account_name": "Sam Example", "sort_code": "309452",
                                                "account_number": "00733445", "roll_number": "AB/1234-5"}
        events = db.session().scalars(select(AuditEvent).where(AuditEvent.action == "contributor.bank_details_changed")).all()
        assert len(events) == 1 and events[0].after is None and events[0].before is None
    home = cr.get("/account/?lang=en")
    assert "account ending 3445" in home.text()
    assert "00733445" not in home.html and "309452" not in home.html
    form = cr.get("/account/details/bank")
    assert "00733445" not in form.html  # never put back into the form


def test_key_rotation_re_encrypts_with_the_new_key(settings, database_url) -> None:
    old, new = settings.data_encryption_key, Fernet.generate_key().decode()
    app_old = create_app(settings)
    cid = make_contributor(app_old)
    with app_old.app_context():
        person = db.session().get(Contributor, cid)
        service.save_bank_details(person, {"account_name": "A", "sort_code": "309452", "account_number": "00733445",
                                           "roll_number": ""}, by=("system", None, "system"))
    both = create_app(settings.replace(data_encryption_key=f"{new},{old}"))
    result = both.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 0 and "1" in result.output
    only_new = create_app(settings.replace(data_encryption_key=new))
    with only_new.app_context():
        person = db.session().get(Contributor, cid)
        assert service.bank_details(person)["account_number"] == "00733445"
    with app_old.app_context():  # the old key alone can no longer read it
        person = db.session().get(Contributor, cid)
        with pytest.raises(RuntimeError):
            service.bank_details(person)


def test_account_pages_need_sign_in(app, client) -> None:
    from werkzeug.routing import IntegerConverter

    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "contributor_only", False) and "GET" in rule.methods:
            args = {name: 1 if isinstance(rule._converters.get(name), IntegerConverter) else "x"
                    for name in rule.arguments}
            response = client.get(rule.build(args)[1])
            assert response.status_code == 302 and response.headers["Location"].startswith("/account/sign-in")


@pytest.mark.parametrize(
    "data, target, message",
    [
        ({"contact_channel": "phone"}, "#phone", "Write a phone number. Then we can call or text you."),
        ({"contact_channel": "post"}, "#address", "Write your address. Then we can send you letters."),
        ({}, "#contact_channel-0", "Choose how we should contact you."),
    ],
)
def test_with_easy_read_on_errors_say_what_to_do_in_easy_read(app, data, target: str, message: str) -> None:
    cr, _ = signed_in(app)
    page = cr.post("/account/details/contact?lang=en&easy-read=on", data)
    assert (target, message) in page.error_summary()
    assert page.find(".//legend").text.strip() == "How should we contact you?"


def test_with_easy_read_on_a_box_says_how_much_you_can_write_in_easy_read(app) -> None:
    cr, _ = signed_in(app)
    page = cr.get("/account/details/access?lang=en&easy-read=on")
    count = page.by_id("access_other-count")
    assert count is not None and count.text.strip() == "You can write up to 1000 letters."
    # app.js fills in the count as people type: the words keep their placeholder.
    assert "You can write %(num)s more letters." in count.get("data-remaining")
    plain = cr.get("/account/details/access?lang=en&easy-read=off").by_id("access_other-count")
    assert plain is not None and plain.text.strip() == "You can enter up to 1000 characters"
