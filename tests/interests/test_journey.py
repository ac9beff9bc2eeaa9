"""Saying "I'm interested": for yourself or someone else, signed in or not, losing nothing."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from app import db
from app.account.models import Contributor, SupportLink
from app.audit import AuditEvent
from app.interests.models import Interest
from app.staff.models import StaffTask
from tests.account.test_details import signed_in
from tests.account.test_sign_in import make_contributor
from tests.account.test_supporters import person_with_helper, sign_in_as
from tests.conftest import ClientRequest, body_text, deliver_mail, text_of
from tests.interests.helpers import ANSWERS, answer, only_interest, published_role, send, walk


@pytest.fixture
def cr(mail_app):  # type: ignore[no-untyped-def]
    return ClientRequest(mail_app.test_client())


def fields_asked(cr: ClientRequest, role_id: int, pages: list[str]) -> set[str]:
    names: set[str] = set()
    for page in pages:
        doc = cr.get(f"/roles/{role_id}/interest/{page}?lang=en").doc
        names |= {el.get("name") for el in doc.iter() if el.tag in ("input", "textarea", "select")
                  and el.get("type") != "hidden" and el.get("name")}
    return names


def test_someone_not_signed_in_says_they_are_interested_and_gets_a_link_back(mail_app, cr, smtp_server) -> None:
    handler, _ = smtp_server
    role_id = published_role(mail_app)
    role_page = cr.get(f"/roles/{role_id}?lang=en")
    assert role_page.find(f".//a[@href='/roles/{role_id}/interest']") is not None

    visited = walk(cr, role_id)
    assert visited == ["who", "contact", "taking_part", "access", "about", "payment", "agree", "check"]
    # Only what the guidance allows is asked: nothing about diagnosis, treatment, story or labels.
    assert fields_asked(cr, role_id, visited) == {
        "for_whom", "name", "email", "contact_channel", "phone", "address", "best_times", "ways", "availability",
        "availability_note", "access_needs", "interpreter_language", "access_other", "hopes", "brings",
        "payment_preference", "consent"}
    agree = cr.get(f"/roles/{role_id}/interest/agree?lang=en").text()
    assert "never affects anyone's care" in agree and "12 months after the closing date" in agree
    check = cr.get(f"/roles/{role_id}/interest/check?lang=en").text()
    assert "Ana Newperson" in check and "An interpreter (Polish)" in check and "I run a book club" in check

    assert send(cr, role_id) == f"/roles/{role_id}/interest/done"
    done = cr.get(f"/roles/{role_id}/interest/done?lang=en")
    interest = only_interest(mail_app)
    assert interest.reference in done.text()
    reply_by = (date.today() + timedelta(days=10 + 14)).strftime("%-d %B %Y")
    assert f"contact you by {reply_by}" in done.text()
    assert interest.confirmed_at is None and interest.status == "new"
    assert interest.access_needs == ["documents_in_advance", "interpreter"] and interest.ways == ["online", "phone"]
    with mail_app.app_context():
        person = db.session().get(Contributor, interest.contributor_id)
        assert (person.email, person.name, person.best_times) == ("ana@example.org", "Ana Newperson", "mornings")

    deliver_mail(mail_app)
    [message] = handler.messages
    assert message["To"] == "ana@example.org" and interest.reference in message["Subject"]
    text = body_text(message)
    assert "contact you by" in text and "never affects anyone's care" in text
    link = re.search(r"https?://\S+/account/sign-in/\S+", text).group(0).split("localhost", 1)[-1]
    path = re.sub(r"^https?://[^/]+", "", link)
    cr.post_redirect(path, token_from=path)
    assert only_interest(mail_app).confirmed_at is not None  # the address is theirs
    mine = cr.get("/account/interests?lang=en")
    assert interest.reference in mine.text() and "We have it and will be in touch" in mine.text()


def test_an_existing_address_never_changes_that_persons_profile(mail_app, cr, smtp_server) -> None:
    handler, _ = smtp_server
    make_contributor(mail_app, email="ana@example.org", name="Ana Real", phone="07700 900 001", language="cy")
    role_id = published_role(mail_app)
    walk(cr, role_id)
    send(cr, role_id)
    interest = only_interest(mail_app)
    with mail_app.app_context():
        person = db.session().get(Contributor, interest.contributor_id)
        assert (person.name, person.phone) == ("Ana Real", "07700 900 001")
        assert db.session().scalar(select(func.count()).select_from(Contributor)) == 1
    assert interest.confirmed_at is None and interest.name == "Ana Newperson"
    deliver_mail(mail_app)
    [message] = handler.messages
    assert message["Content-Language"] == "cy"  # in the language the address's owner chose


def test_signed_in_people_are_not_asked_again_and_can_update_their_profile(app) -> None:
    cr, person_id = signed_in(app, phone="07700 900 982", contact_channel="phone",
                              access_needs=["breaks"], payment_preference="voluntary")
    role_id = published_role(app)
    assert answer(cr, role_id, "who", {"for_whom": "me"}) == f"/roles/{role_id}/interest/taking_part"
    access = cr.get(f"/roles/{role_id}/interest/access?lang=en")
    ticked = [el.get("value") for el in access.doc.iter("input") if el.get("checked") is not None]
    assert "breaks" in ticked  # from the profile
    payment = cr.get(f"/roles/{role_id}/interest/payment")
    assert any(el.get("value") == "voluntary" and el.get("checked") is not None for el in payment.doc.iter("input"))
    check = cr.get(f"/roles/{role_id}/interest/check?lang=en").text()
    assert "Sam Example" in check and "07700 900 982" in check
    walk_from = {"taking_part": ANSWERS["taking_part"],
                 "access": {"access_needs": ["breaks", "quiet_space"], "save_to_profile": "yes"},
                 "about": {}, "payment": {"payment_preference": "voluntary"}, "agree": {"consent": "yes"}}
    for page, values in walk_from.items():
        answer(cr, role_id, page, values)
    send(cr, role_id)
    interest = only_interest(app)
    assert interest.contributor_id == person_id and interest.submitted_by_id is None
    assert interest.confirmed_at is not None and interest.phone == "07700 900 982"
    with app.app_context():
        person = db.session().get(Contributor, person_id)
        assert person.access_needs == ["breaks", "quiet_space"]  # offered back to the profile, and accepted


def test_a_supporter_fills_it_in_for_the_person_they_help(app) -> None:
    _person, person_id, helper, helper_id = person_with_helper(app)
    role_id = published_role(app)
    who = helper.get(f"/roles/{role_id}/interest/who?lang=en")
    assert "I am filling it in for Sam Example" in who.text()
    walk(helper, role_id, {"who": {"for_whom": str(person_id)}})
    send(helper, role_id)
    interest = only_interest(app)
    assert (interest.contributor_id, interest.submitted_by_id) == (person_id, helper_id)
    assert interest.agreement == "support_link" and interest.relationship == "carer"
    with app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "interest.submitted"))
        assert event.actor_type == "supporter" and event.actor_id == helper_id


def test_someone_not_signed_in_fills_it_in_for_someone_else_with_their_agreement(mail_app, cr, smtp_server) -> None:
    handler, _ = smtp_server
    role_id = published_role(mail_app)
    assert answer(cr, role_id, "who", {"for_whom": "someone"}) == f"/roles/{role_id}/interest/helper"
    unagreed = cr.post(f"/roles/{role_id}/interest/helper", {"helper_name": "Chris Carer",
                                                             "helper_email": "chris@example.org",
                                                             "relationship": "carer"})
    assert [m for _, m in unagreed.error_summary()] == ["Tick the box to say they agree, or ask them first and come back"]
    assert unagreed.by_id("helper_name").get("value") == "Chris Carer"  # nothing typed is lost
    walk(cr, role_id, {"who": {"for_whom": "someone"},
                       "helper": {"helper_name": "Chris Carer", "helper_email": "chris@example.org",
                                  "relationship": "carer", "agreed": "yes"},
                       "contact": {"name": "Pat Person", "email": "", "contact_channel": "phone",
                                   "phone": "07700 900 123"}})
    check = cr.get(f"/roles/{role_id}/interest/check?lang=en").text()
    assert "I am helping Pat Person" in check and "Chris Carer, chris@example.org, Carer" in check
    send(cr, role_id)
    interest = only_interest(mail_app)
    with mail_app.app_context():
        person = db.session().get(Contributor, interest.contributor_id)
        helper = db.session().get(Contributor, interest.submitted_by_id)
        link = db.session().scalar(select(SupportLink))
    assert (person.name, person.email, helper.email) == ("Pat Person", None, "chris@example.org")
    assert (link.contributor_id, link.supporter_id, link.consent_how) == (person.id, helper.id, "supporter_said")
    assert interest.agreement == "supporter_said" and interest.relationship == "carer"
    deliver_mail(mail_app)
    [message] = handler.messages  # Pat has no email: only Chris hears, with a link back
    assert message["To"] == "chris@example.org"
    assert "Pat Person is interested" in body_text(message) and "/account/sign-in/" in body_text(message)


def test_sending_with_pages_unanswered_says_what_to_finish(app, client_request) -> None:
    role_id = published_role(app)
    answer(client_request, role_id, "who", {"for_whom": "me"})
    page = client_request.post(f"/roles/{role_id}/interest/check?lang=en", {})
    assert [m for _, m in page.error_summary()] == [
        "Give a name and how to contact them", "Say how and when you could take part",
        "Say whether you would like to be paid", "Agree that we can keep these details"]
    assert page.error_summary()[0][0] == f"/roles/{role_id}/interest/contact"
    with app.app_context():
        assert db.session().scalar(select(Interest)) is None


def test_bad_answers_are_explained_in_the_persons_language_and_kept(app, client_request) -> None:
    role_id = published_role(app)
    answer(client_request, role_id, "who", {"for_whom": "me"})
    page = client_request.post(f"/roles/{role_id}/interest/contact?lang=cy",
                               {"name": "Ana", "email": "not-an-email", "contact_channel": "email"})
    english = client_request.post(f"/roles/{role_id}/interest/contact?lang=en",
                                  {"name": "Ana", "email": "not-an-email", "contact_channel": "email"})
    assert page.doc.get("lang") == "cy"
    assert [h for h, _ in page.error_summary()] == ["#email"]
    assert page.error_summary()[0][1] != english.error_summary()[0][1]  # translated
    assert page.by_id("email").get("value") == "not-an-email"
    empty = client_request.post(f"/roles/{role_id}/interest/contact?lang=en", {"name": "", "contact_channel": "email"})
    assert [m for _, m in empty.error_summary()] == [
        "Enter the full name", "Enter your email address: we will send you a link to come back to this"]


def test_a_benefits_conversation_becomes_a_staff_task_without_asking_which_benefits(app, client_request) -> None:
    role_id = published_role(app)
    walk(client_request, role_id, {"payment": {"payment_preference": "benefits_talk"}})
    send(client_request, role_id)
    with app.app_context():
        task = db.session().scalar(select(StaffTask))
        assert task.kind == "benefits_talk" and task.contributor_id == only_interest(app).contributor_id


def test_closed_and_past_roles_take_no_interest(app, client_request) -> None:
    past = published_role(app, closing_date=date.today() - timedelta(days=1))
    page = client_request.get(f"/roles/{past}/interest/who?lang=en", expected_status=410)
    assert page.h1 == "This role is no longer taking interest"
    assert client_request.get(f"/roles/{past}?lang=en").find(f".//a[@href='/roles/{past}/interest']") is None


def test_drafts_are_kept_and_can_be_carried_on_after_signing_in(app) -> None:
    cr, person_id = signed_in(app)
    role_id = published_role(app)
    answer(cr, role_id, "who", {"for_whom": "me"})
    answer(cr, role_id, "taking_part", ANSWERS["taking_part"])
    forms = cr.get("/account/forms?lang=en")
    resume = next(a.get("href") for a in forms.doc.iter("a") if "/interest/resume/" in (a.get("href") or ""))
    other_device = sign_in_as(app, person_id)
    assert other_device.get_redirect(resume) == f"/roles/{role_id}/interest/taking_part"
    page = other_device.get(f"/roles/{role_id}/interest/taking_part")
    assert any(el.get("value") == "weekday_evening" and el.get("checked") is not None for el in page.doc.iter("input"))


def test_a_person_can_withdraw_their_interest(app) -> None:
    cr, _ = signed_in(app)
    role_id = published_role(app)
    walk(cr, role_id, {"contact": {}})
    send(cr, role_id)
    reference = only_interest(app).reference
    other, _ = signed_in(app, email="someone@example.org")
    other.post(f"/account/interests/{reference}/withdraw", {}, token_from="/account/interests", expected_status=404)
    cr.post_redirect(f"/account/interests/{reference}/withdraw", {}, token_from="/account/interests")
    assert only_interest(app).status == "withdrawn"
    assert "You withdrew" in cr.get("/account/interests?lang=en").text()


def test_interests_are_in_your_data_erased_with_you_and_deleted_after_retention(app) -> None:
    from datetime import date as day

    from app.account import data

    cr, person_id = signed_in(app)
    role_id = published_role(app)
    walk(cr, role_id, {"contact": {}})
    send(cr, role_id)
    reference = only_interest(app).reference
    with app.app_context():
        person = db.session().get(Contributor, person_id)
        assert [i["reference"] for i in data.export(person)["interests"]] == [reference]
        interest = db.session().scalar(select(Interest))
        assert interest.delete_after > day.today() + timedelta(days=365)  # 12 months after the closing date
        interest.delete_after = day.today() - timedelta(days=1)
        db.session().commit()
        assert data.apply_retention()["interests"] == 1
        assert db.session().scalar(select(Interest)) is None
    walk(cr, role_id, {"contact": {}})
    send(cr, role_id)
    with app.app_context():
        data.erase(db.session().get(Contributor, person_id), ("staff", None, "test"))
        db.session().commit()  # the route that erases commits once
        assert db.session().scalar(select(Interest)) is None


def test_sending_without_signing_in_is_rate_limited_like_sign_in_emails(app, client_request) -> None:
    role_id = published_role(app)
    for _ in range(5):
        walk(client_request, role_id)
        send(client_request, role_id)
    walk(client_request, role_id)
    page = client_request.post(f"/roles/{role_id}/interest/check?lang=en", {}, expected_status=429)
    assert "Wait 15 minutes" in page.error_summary()[0][1]
    with app.app_context():
        assert len(db.session().scalars(select(Interest)).all()) == 5


def test_a_signed_in_person_can_add_someone_new_they_help(app) -> None:
    cr, me = signed_in(app)
    role_id = published_role(app)
    answer(cr, role_id, "who", {"for_whom": "someone"})
    helper_page = cr.get(f"/roles/{role_id}/interest/helper?lang=en")
    assert helper_page.by_id("helper_email") is None  # we know who they are
    walk(cr, role_id, {"who": {"for_whom": "someone"}, "helper": {"relationship": "friend", "agreed": "yes"},
                       "contact": {"name": "Lee New", "email": "lee@example.org", "contact_channel": "email"}})
    send(cr, role_id)
    interest = only_interest(app)
    with app.app_context():
        link = db.session().scalar(select(SupportLink))
        lee = db.session().get(Contributor, interest.contributor_id)
    assert (lee.name, interest.submitted_by_id, link.supporter_id, link.relationship) == ("Lee New", me, me, "friend")
    assert interest.confirmed_at is None  # only Lee, by signing in, confirms an interest lodged for Lee
    # The helper's word is not Lee's agreement: nothing more for Lee until Lee says yes
    # (a new form begins at "I'm interested"; the sent one's pages say it was sent).
    cr.get_redirect(f"/roles/{role_id}/interest")
    assert "I am filling it in for Lee New" not in cr.get(f"/roles/{role_id}/interest/who?lang=en").text()
    assert link.confirmed_at is None
    from tests.account.test_supporters import sign_in_as

    lee_browser = sign_in_as(app, lee.id)
    lee_browser.post_redirect(f"/account/supporters/{link.id}/confirm", {"answer": "yes"})
    assert "I am filling it in for Lee New" in cr.get(f"/roles/{role_id}/interest/who?lang=en").text()


def test_easy_read_speaks_easy_read_on_every_page_of_the_form(app, client_request) -> None:
    role_id = published_role(app)
    walk(client_request, role_id)
    check = client_request.get(f"/roles/{role_id}/interest/check?lang=en&easy-read=on")
    assert [text_of(dt) for dt in check.findall(".//dl//dt")] == [
        "Who is filling this in", "Name", "How to contact", "How to take part", "Good times", "What helps",
        "What you would like from this", "What you are good at", "Getting paid", "Keeping your details"]
    assert "On a video call and On the phone" in check.text()  # the answers are in easy-read words too
    taking_part = client_request.post(f"/roles/{role_id}/interest/taking_part?lang=en&easy-read=on", {})
    assert [m for _, m in taking_part.error_summary()] == [
        "Choose at least 1 way to take part.", "Choose at least 1 time that is good for you."]
    assert text_of(taking_part.find(".//legend")) == "How do you want to take part?"
    standard = client_request.get(f"/roles/{role_id}/interest/taking_part?lang=en&easy-read=off")
    assert text_of(standard.find(".//legend")) == "How would you like to take part?"


def test_easy_read_payment_keeps_the_promise_about_benefits(app, client_request) -> None:
    role_id = published_role(app)
    page = client_request.get(f"/roles/{role_id}/interest/payment?lang=en&easy-read=on")
    points = [text_of(p) for p in page.findall(".//li[@class='easy-read-point']/p")]
    assert "We will not ask which benefits you get." in points


def test_a_closed_role_says_so_in_easy_read(app, client_request) -> None:
    past = published_role(app, closing_date=date.today() - timedelta(days=1))
    page = client_request.get(f"/roles/{past}/interest/who?lang=en&easy-read=on", expected_status=410)
    assert page.h1 == "This role is closed"
    assert [text_of(p) for p in page.findall(".//li[@class='easy-read-point']/p")][1] == \
        "There are other roles you can do."
