"""Save and return: each page saves, another device resumes, reminders, expiry, references."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from app import create_app, db, journeys
from app.account import drafts
from app.account.drafts import Draft
from tests.account.test_details import signed_in
from tests.account.test_supporters import person_with_helper, sign_in_as
from tests.account import wizard
from tests.conftest import body_text, deliver_mail


@pytest.fixture
def wizard_app(settings, smtp_server):  # type: ignore[no-untyped-def]
    application = create_app(settings.replace(mail_server="127.0.0.1", mail_port=smtp_server[1]))
    wizard.init_app(application)
    return application


def test_references_are_short_and_readable() -> None:
    refs = {drafts.new_reference() for _ in range(200)}
    assert len(refs) == 200
    assert all(re.fullmatch(r"TP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{2}", r) for r in refs)


def test_each_page_saves_and_another_device_carries_on(wizard_app, smtp_server) -> None:
    phone, cid = signed_in(wizard_app)
    page_url = phone.get_redirect("/account/forms/new/test_wizard")
    # A page with an error still keeps what was typed... and so does an htmx change.
    phone.post(page_url, {"topic": ""})
    fragment = phone.client.post(page_url, data={"topic": "Leaflets", "csrf_token": phone.csrf_token(page_url)},
                                 headers={"HX-Request": "true"})
    assert fragment.status_code == 200 and "Saved at" in fragment.get_data(as_text=True)

    laptop = sign_in_as(wizard_app, cid)
    forms = laptop.get("/account/forms?lang=en")
    assert "A test form" in forms.text()
    resume = forms.find(".//main//a[@class='button']").get("href")
    assert resume == page_url
    assert laptop.get(resume).by_id("topic").get("value") == "Leaflets"
    details_url = laptop.post_redirect(resume, {"topic": "Leaflets"})
    done = laptop.post_redirect(details_url, {"notes": "Large print please"})
    reference = re.search(r"done=(TP-[\w-]+)", done).group(1)
    with wizard_app.app_context():
        draft = db.session().scalar(select(Draft))
        assert draft.reference == reference and draft.submitted_at is not None
        visit = journeys.Visit(wizard.JOURNEY, draft, None)
        assert (visit.values("about"), visit.values("details")) == ({"topic": "Leaflets"},
                                                                   {"notes": "Large print please"})
    assert "You have no unfinished forms." in laptop.get("/account/forms?lang=en").text()
    deliver_mail(wizard_app)
    [message] = smtp_server[0].messages
    assert reference in message["Subject"] and reference in body_text(message)


def test_supporter_drafts_are_for_the_person_and_the_email_says_so(wizard_app, smtp_server) -> None:
    person, cid, helper, supporter_id = person_with_helper(wizard_app)
    helper.post_redirect("/account/acting-for", {"contributor_id": str(cid)}, token_from="/account/supporters")
    who = helper.get("/account/forms/new/test_wizard?lang=en")
    # Acting for Sam already: Sam is chosen; the person is named in the choice.
    assert who.find(".//input[@checked]").get("value") == str(cid)
    assert "I am filling it in for Sam Example" in who.text()
    assert helper.post("/account/forms/new/test_wizard", {}).error_summary() == [
        ("#for_whom-0", "Choose who you are filling this in for")]
    page_url = helper.post_redirect("/account/forms/new/test_wizard", {"for_whom": str(cid)})
    details = helper.post_redirect(page_url, {"topic": "Travel"})
    helper.post_redirect(details, {"notes": ""})
    with wizard_app.app_context():
        draft = db.session().scalar(select(Draft))
        assert (draft.owner_id, draft.subject_id) == (supporter_id, cid)
    deliver_mail(wizard_app)
    received = [m for m in smtp_server[0].messages if "received" in m["Subject"]]
    assert received and "on behalf of Sam Example" in body_text(received[0])
    # Someone else cannot open the helper's draft.
    assert person.get(page_url, expected_status=404)


def test_your_forms_says_who_a_form_is_for(wizard_app) -> None:
    _person, cid, helper, _supporter_id = person_with_helper(wizard_app)
    helper.post_redirect("/account/forms/new/test_wizard", {"for_whom": str(cid)})
    helper.post_redirect("/account/forms/new/test_wizard", {"for_whom": "me"})
    texts = [" ".join(li.itertext()) for li in helper.get("/account/forms?lang=en").findall(".//ul[@class='card-list']/li")]
    assert sum("You are filling this in for Sam Example." in t for t in texts) == 1
    helper.get("/account/forms/new/no-such-form", expected_status=404)


def test_reminders_go_once_before_expiry_and_expired_drafts_are_removed(wizard_app, smtp_server) -> None:
    phone, cid = signed_in(wizard_app)
    page_url = phone.get_redirect("/account/forms/new/test_wizard")
    phone.post(page_url, {"topic": ""})
    with wizard_app.app_context():
        draft = db.session().scalar(select(Draft))
        draft.expires_at = draft.updated_at + timedelta(days=5)
        db.session().commit()
    runner = wizard_app.test_cli_runner()
    assert "1 reminder(s) queued; 1 sent" in runner.invoke(args=["remind-drafts"]).output
    assert "0 reminder(s) queued" in runner.invoke(args=["remind-drafts"]).output
    [reminder] = smtp_server[0].messages
    assert "will be deleted on" in reminder["Subject"]
    assert page_url in body_text(reminder)
    with wizard_app.app_context():
        draft = db.session().scalar(select(Draft))
        draft.expires_at = draft.updated_at - timedelta(seconds=1)
        db.session().commit()
    assert "expired_drafts: 1 removed" in runner.invoke(args=["retention"]).output
    with wizard_app.app_context():
        assert db.session().scalar(select(Draft)) is None


def test_a_draft_can_be_deleted_by_its_owner_only(wizard_app) -> None:
    phone, cid = signed_in(wizard_app)
    page_url = phone.get_redirect("/account/forms/new/test_wizard")
    public_id = page_url.split("/")[3]
    other, _ = signed_in(wizard_app, email="other@example.org")
    other.post(f"/account/forms/{public_id}/delete", token_from="/account/forms", expected_status=404)
    phone.post_redirect(f"/account/forms/{public_id}/delete", token_from="/account/forms")
    assert "You have no unfinished forms." in phone.get("/account/forms?lang=en").text()


@pytest.mark.parametrize("template, context", [
    ("query", {"title": "Claim", "reference": "TP-AAAA-BB", "message": "Which date?", "link": "https://x/y"}),
    ("decision", {"title": "Claim", "reference": "TP-AAAA-BB", "message": "", "approved": True, "link": "https://x/y"}),
    ("decision", {"title": "Claim", "reference": "TP-AAAA-BB", "message": "", "approved": False, "link": "https://x"}),
    ("paid", {"title": "Claim", "reference": "TP-AAAA-BB", "amount": 7500, "date": date(2026, 11, 20)}),
    ("interest_received", {"title": "Role", "reference": "TP-AAAA-BB", "reply_by": date(2026, 12, 1),
                           "link": "https://x/y", "on_behalf_of": None, "told_by": None, "contact_name": "Olu",
                           "contact_phone": "0300 000 0000"}),
    ("interest_received", {"title": "Role", "reference": "TP-AAAA-BB", "reply_by": date(2026, 12, 1), "link": None,
                           "on_behalf_of": None, "told_by": "Chris", "contact_name": "Olu",
                           "contact_phone": "0300 000 0000"}),
    ("interest_decision", {"title": "Role", "reference": "TP-AAAA-BB", "offered": False, "reason": "Sorry.",
                           "for_name": None, "contact_name": "Olu", "contact_phone": "0300",
                           "others": [("Other role", "https://x/roles/3")], "find_roles": "https://x/roles/"}),
    ("interest_decision", {"title": "Role", "reference": "TP-AAAA-BB", "offered": True, "reason": "",
                           "for_name": "Pat", "contact_name": "Olu", "contact_phone": "0300", "others": [],
                           "find_roles": "https://x/roles/"}),
])
@pytest.mark.parametrize("locale", ["en", "cy", "ar"])
@pytest.mark.parametrize("easy", [False, True])
def test_every_email_renders_in_each_language_and_easy_read(app, template, context, locale, easy) -> None:
    from app import mail

    with app.test_request_context():
        message = mail.compose(template, to="a@example.org", locale=locale, easy_read=easy, purpose=template,
                               **context)
        english = mail.compose(template, to="a@example.org", locale="en", easy_read=easy, purpose=template,
                               **context)
    assert message.subject.strip() and message.text_body.strip()
    assert f'<html lang="{locale}"' in message.html_body
    if not easy and not template.startswith("interest"):
        assert "TP-AAAA-BB" in message.subject
    if not easy:
        assert "TP-AAAA-BB" in message.text_body
    if locale != "en":
        assert message.text_body != english.text_body  # translated, not English
    if template == "paid" and not easy:
        assert "£75.00" in english.text_body
