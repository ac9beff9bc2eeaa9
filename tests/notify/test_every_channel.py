"""Every notification, by every channel, in English and Arabic (right to left): what the person reads.

Email (an ``.eml`` file), a text message and a letter through the GOV.UK Notify contract server,
a letter as a staff print task, and a phone call as a staff task. Each says, in the person's
language, what the email says (shortly for a text message), carries its link, and ends with how
to change the channel or stop messages (the contact-preferences page and the team's phone).
"""

from __future__ import annotations

import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from app import db, mail, notify
from app.account.models import Contributor, SupportLink
from app.db import utcnow
from app.mail import OutboxMessage
from app.meetings.models import Meeting
from app.meetings.service import ends_at
from app.staff.models import StaffTask
from tests.account.test_sign_in import make_contributor
from tests.notify.test_notify_contract import notify_app, server  # noqa: F401 - fixtures

LINK = "http://localhost/account/see-it"
PREFERENCES = "/account/details/contact"
TEAM_PHONE = "0300 000 0000"
ARABIC = re.compile("[\u0600-\u06ff]")
#: A meeting as the diary's notices carry it (not stored: the words need only these).
MEETING = Meeting(title="Tuesday group", code="abc123", starts_at=datetime(2030, 5, 1, 9, tzinfo=timezone.utc),
                  minutes=90, format="in_person", venue="Room 4, 1 Park Row", link="")

#: Every notification a contributor gets (sign-in links and codes, and "erased", stay on email),
#: with what its callers pass.
CONTEXTS = {
    "acted_for_you": {"what": "claim_sent", "actor": "Chris Carer", "link": LINK},
    "decision": {"title": "Tuesday group", "reference": "CL-1", "message": "Well done", "approved": True,
                 "amount": 2500, "date": None, "link": LINK},
    "draft_reminder": {"title": "A claim", "link": LINK, "expires": datetime(2030, 5, 1, tzinfo=timezone.utc)},
    "form_received": {"title": "Tuesday group", "reference": "CL-1", "on_behalf_of": None},
    "interest_decision": {"title": "Panel member", "reference": "IN-1", "offered": False, "reason": "",
                          "contact_name": "Olu", "contact_phone": "0113 496 0000", "others": [],
                          "find_roles": LINK},
    "interest_received": {"title": "Panel member", "reference": "IN-1", "reply_by": date(2030, 5, 1), "link": None,
                          "on_behalf_of": None, "told_by": None, "contact_phone": "0113 496 0000",
                          "contact_name": "Olu"},
    "paid": {"title": "Tuesday group", "reference": "CL-1", "message": "", "approved": False, "amount": 2500,
             "date": date(2030, 5, 1), "link": LINK},
    "query": {"title": "Tuesday group", "reference": "CL-1", "message": "Which bus?", "approved": False,
              "amount": 2500, "date": None, "link": LINK},
    "sent": {"title": "Tuesday group", "reference": "CL-1", "message": "", "approved": False, "amount": 2500,
             "date": None, "link": LINK},
    "supporter_added": {"person": "Pat Person", "sign_in": LINK},
    "supporter_waiting": {"helper": "Chris Carer", "sign_in": LINK},
    "you_said": {"meeting": "Tuesday group", "day": date(2030, 5, 1), "you_said": "More buses",
                 "we_did": "We asked", "changed": True, "link": LINK},
    "meeting_news": {"meeting": MEETING, "kind": "changed", "link": LINK, "ends_at": ends_at,
                     "changes": ["The room is now B2"]},
    "meeting_reminder": {"meeting": MEETING, "kind": "reminder", "link": LINK, "ends_at": ends_at, "changes": [],
                         "hours": 48},
}
#: Email templates that never go by another channel: a way into an account (sign-in) goes by email
#: only, and "erased" goes to the address they had (there is no account left to reach).
EMAIL_ONLY = {"sign_in", "erasure_done"}
#: Emails that carry no link (a text message still does, when the caller gives one).
NO_LINK_IN_EMAIL = {"paid"}
#: How each way of delivering is set up: the person's choice, and where what they read ends up.
CHANNELS = ("email", "text by Notify", "letter by Notify", "letter printed by staff", "phone call by staff")
CHOICE = {"email": "email", "text by Notify": "text", "letter by Notify": "post", "letter printed by staff": "post",
          "phone call by staff": "phone"}


def _person(app, channel: str, language: str) -> int:  # type: ignore[no-untyped-def]
    return make_contributor(app, email="sam@example.org" if channel == "email" else None, name="Sam Example",
                            phone="+447700900982", address="1 High Street\nLeeds\nLS1 1AA",
                            contact_channel=CHOICE[channel], language=language)


def what_they_read(app, server, channel: str, person_id: int, template: str) -> str:  # type: ignore[no-untyped-def]
    """Queue the notification, let the worker deliver it, and return the words that reached them."""
    with app.app_context():
        message = notify.notify(db.session().get(Contributor, person_id), template, CONTEXTS[template],
                                purpose=template)
        db.session().commit()
        message_id = message.id
        mail.deliver_pending()
        db.session().expire_all()
        sent = db.session().get(OutboxMessage, message_id)
        assert sent.status == "sent", sent.last_error
        if channel == "email":
            assert sent.channel == "email" and sent.to_address == "sam@example.org"
            return f"{sent.subject}\n{sent.text_body}"
        if channel.endswith("by Notify"):
            [received] = server.requests
            assert server.refused == []
            fields = received.body["personalisation"]
            if channel.startswith("text"):
                assert received.body["phone_number"] == "+447700900982"
                return str(fields["body"])
            assert (fields["address_line_1"], fields["address_line_4"]) == ("Sam Example", "LS1 1AA")
            return f"{fields['subject']}\n{fields['body']}"
        task = db.session().scalar(select(StaffTask).where(StaffTask.contributor_id == person_id))
        assert task.kind == ("send_letter" if channel.startswith("letter") else "phone_call")
        return str(task.detail)


@pytest.mark.parametrize("language", ["en", "ar"])
@pytest.mark.parametrize("channel", CHANNELS)
@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_every_notification_reaches_them_by_their_channel_in_their_language(
        request, settings, template, channel, language) -> None:  # type: ignore[no-untyped-def]
    notify_server = request.getfixturevalue("server") if channel.endswith("by Notify") else None
    app = request.getfixturevalue("notify_app" if notify_server else "app")
    words = what_they_read(app, notify_server, channel, _person(app, channel, language), template)
    assert PREFERENCES in words and TEAM_PHONE in words  # how to change the channel or stop messages
    if language == "ar":
        assert ARABIC.search(words), words
    else:
        assert "To change how we contact you, or to stop messages that are not essential" in words
    link = next((CONTEXTS[template][k] for k in notify.LINK_KEYS if CONTEXTS[template].get(k)), None)
    if link and (template not in NO_LINK_IN_EMAIL or channel.startswith("text")):
        assert link in words
    if channel.startswith("text"):
        assert len(words) < 612, words  # four text messages at most
    if channel == "letter printed by staff":
        assert words.startswith("Sam Example\n1 High Street\nLeeds\nLS1 1AA\n\n")
        assert "1 Example Street" in words  # the team's address at the foot
    if channel.startswith("phone"):
        first = words.splitlines()[0]  # for the member of staff who rings
        assert "Sam Example" in first and "07700 900982" in first
        assert first == "Ring Sam Example on 07700 900982." or language != "en"


def test_every_message_we_write_is_in_this_test() -> None:
    """A new notification joins the channels test in the same change (or says why it is email only)."""
    from app.settings import ROOT

    written = {path.name.split(".")[0] for path in (ROOT / "templates" / "emails").glob("*.txt")
               if not path.name.startswith("_")}
    assert written - EMAIL_ONLY == set(CONTEXTS), written - EMAIL_ONLY ^ set(CONTEXTS)


def test_a_text_message_is_the_subject_one_sentence_the_link_and_how_to_change(app) -> None:
    person_id = _person(app, "text by Notify", "en")
    with app.app_context():
        person = db.session().get(Contributor, person_id)
        message = notify.notify(person, "query", CONTEXTS["query"], purpose="claim_query")
        lines = message.text_body.strip().split("\n")
    assert message.channel == "text"
    assert lines == ["A question about your form CL-1",
                     'We have a question about "Tuesday group" (CL-1):', LINK,
                     f"To change how we contact you, or to stop messages that are not essential, go to "
                     f"http://127.0.0.1:5000{PREFERENCES} or call us on {TEAM_PHONE}."]


def test_easy_read_is_kept_on_every_channel(app) -> None:
    person_id = make_contributor(app, email=None, phone="+447700900982", contact_channel="phone", easy_read=True)
    with app.app_context():
        message = notify.notify(db.session().get(Contributor, person_id), "paid", CONTEXTS["paid"], purpose="paid")
    assert message.channel == "phone" and "It can take 3 days to arrive." in message.text_body
    assert "Want us to contact you another way?" in message.text_body


def test_every_email_says_how_to_change_the_channel_except_the_last_one(app) -> None:
    person_id = make_contributor(app)
    with app.app_context():
        person = db.session().get(Contributor, person_id)
        message = notify.notify(person, "paid", CONTEXTS["paid"], purpose="paid")
        erased = mail.compose("erasure_done", to="sam@example.org", locale="en", easy_read=False,
                              purpose="erasure_done", years=7, change_how=False)
    assert "To change how we contact you" in message.text_body and PREFERENCES in message.html_body
    assert "To change how we contact you" not in erased.text_body


def test_nobody_to_reach_means_no_message(app) -> None:
    person_id = make_contributor(app, email=None, phone="", address="")
    with app.app_context():
        assert notify.notify(db.session().get(Contributor, person_id), "paid", CONTEXTS["paid"], purpose="p") is None


@pytest.mark.parametrize("allowed", [True, False])
def test_a_supporter_allowed_copies_gets_one_by_their_own_channel_and_language(app, allowed) -> None:
    pat = make_contributor(app, email=None, name="Pat Person", phone="+447700900111", contact_channel="phone")
    chris = make_contributor(app, email=None, name="Chris Carer", phone="+447700900982", contact_channel="text",
                             language="ar")
    with app.app_context():
        now = utcnow()
        db.session().add(SupportLink(contributor_id=pat, supporter_id=chris, relationship="carer",
                                     can_fill_forms=True, can_see_claims=False, can_reply_queries=False,
                                     can_receive_emails=allowed, consent_how="online", consent_at=now, consent_recorded_by="test",
                                     created_at=now, confirmed_at=now))
        db.session().commit()
        person, supporter = db.session().get(Contributor, pat), db.session().get(Contributor, chris)
        copy = notify.send_copy(supporter, person, "interest_decision", CONTEXTS["interest_decision"],
                                purpose="interest_decision")
        if not allowed:
            assert copy is None
            return
        assert copy.channel == "text" and copy.to_address == "+447700900982" and copy.locale == "ar"
        assert ARABIC.search(copy.text_body) and "Pat Person" in copy.text_body


def test_a_decision_reaches_someone_with_no_email_by_phone_and_a_claim_by_letter(app) -> None:
    from app.claims.service import _email
    from app.claims.models import Claim

    person_id = make_contributor(app, email=None, phone="+447700900982", contact_channel="post",
                                 address="1 High Street\nLeeds\nLS1 1AA")
    with app.app_context():
        claim = Claim(contributor_id=person_id, activity="Tuesday group", reference="CL-9", total_pence=2500)
        message_id = _email(claim, "approved", "")
        message = db.session().get(OutboxMessage, message_id)
        assert message.channel == "letter" and "CL-9" in message.text_body
