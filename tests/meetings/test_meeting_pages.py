"""Meetings on the page: staff arrange one and record who came; people see their meetings, give
feedback (named, for someone, or anonymous, signed in or not), claim for a meeting; staff read
charts whose tables hold the same numbers, redact, download, and publish "you said, we did"."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import select, update

from app import db
from app.account.models import Contributor
from app.audit import AuditEvent
from app.db import utcnow
from app.meetings.forms import LOCAL
from app.meetings.models import FeedbackComment, FeedbackResponse, Meeting
from app.staff.models import StaffTask
from tests.account.test_details import signed_in
from tests.account.test_supporters import person_with_helper
from tests.claims.test_processing import staff_client
from tests.conftest import ClientRequest, text_of
from tests.interests.helpers import published_role

FORM = {"title": "Service design group", "day-day": "3", "day-month": "3", "day-year": "2030", "start": "14.30",
        "minutes": "90", "format": "in_person", "venue": "Room 2, Main Street", "agenda": "1. Welcome",
        "questions": "What should the leaflet say?"}


def email_of(app, person_id: int) -> str:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session().get(Contributor, person_id).email


def arranged(app, people: list[int], hours_ago: float = 3) -> tuple[Meeting, ClientRequest]:  # type: ignore[no-untyped-def]
    """A meeting made through the staff pages with ``people`` recorded as coming; then moved
    to ``hours_ago`` hours after it ended (only time could move it)."""
    role_id = published_role(app)
    officer = staff_client(app, "officer")
    location = officer.post_redirect(f"/staff/roles/{role_id}/meetings/new", FORM)
    meeting_id = int(location.rsplit("/", 1)[1])
    for person_id in people:
        officer.post_redirect(f"/staff/meetings/{meeting_id}/attendees",
                              {"person": [str(p) for p in people], "email": email_of(app, person_id)},
                              token_from=f"/staff/meetings/{meeting_id}")
    with app.app_context():
        db.session().execute(update(Meeting).where(Meeting.id == meeting_id).values(
            starts_at=utcnow() - timedelta(hours=hours_ago + 1.5)))
        db.session().commit()
        return db.session().get(Meeting, meeting_id), officer


def test_staff_arrange_a_meeting_and_changes_are_shown_to_people(app) -> None:
    role_id = published_role(app)
    officer = staff_client(app, "officer")
    empty = officer.post(f"/staff/roles/{role_id}/meetings/new?lang=en", {})
    assert [m for _, m in empty.error_summary()] == [
        "Enter what the meeting is called", "Enter the date of the meeting", "Enter the start time",
        "Enter how long it lasts, in minutes", "Choose how people take part"]
    bad_time = officer.post(f"/staff/roles/{role_id}/meetings/new?lang=en", FORM | {"start": "half two"})
    assert [m for _, m in bad_time.error_summary()] == ["Enter the time like 14:30"]
    assert bad_time.find(".//input[@name='title']").get("value") == "Service design group"  # nothing lost
    location = officer.post_redirect(f"/staff/roles/{role_id}/meetings/new", FORM)
    page = officer.get(location + "?lang=en")
    assert "3 Mar 2030, 14:30" in page.text() and "Room 2, Main Street" in page.text()
    with app.app_context():
        code = db.session().scalar(select(Meeting.code))
    qr = page.find(".//figure[@class='qr']")
    assert any(el.tag.endswith("svg") for el in qr.iter()) and f"/m/{code}" in text_of(qr.find("figcaption"))
    public = ClientRequest(app.test_client()).get(f"/m/{code}?lang=en")
    assert "What should the leaflet say?" in public.text() and "What has changed" not in public.text()
    assert "Feedback is not open" in ClientRequest(app.test_client()).get(f"/m/{code}/feedback?lang=en").text()
    officer.post_redirect(location + "/edit", FORM | {"venue": "Room 5", "change_note": "Now in Room 5"})
    public = ClientRequest(app.test_client()).get(f"/m/{code}?lang=en")
    assert "What has changed" in public.text() and "Now in Room 5" in public.text()


def test_people_see_their_meetings_and_give_named_feedback_they_can_add_to(app) -> None:
    sam, sam_id = signed_in(app)
    meeting, officer = arranged(app, [sam_id])
    mine = sam.get("/account/meetings?lang=en")
    assert "Service design group" in mine.text() and "Tell us how it went" in mine.text()
    form = sam.get(f"/m/{meeting.code}/feedback?lang=en")
    labels = [text_of(label) for label in form.findall(".//fieldset[legend='Overall, how did the meeting go?']//label")]
    assert labels == ["Very bad", "Bad", "OK", "Good", "Very good"]  # words beside every picture
    assert all(img.get("alt") == "" for img in form.findall(".//fieldset//img"))
    assert "Samaritans" in form.text() and "never affects your care" in form.text()
    unnamed = sam.post(f"/m/{meeting.code}/feedback?lang=en", {"overall": "4"})
    assert [m for _, m in unnamed.error_summary()] == ["Choose whether to put your name on it"]
    assert unnamed.find(".//input[@name='overall'][@value='4']").get("checked") is not None  # kept
    done = sam.post_redirect(f"/m/{meeting.code}/feedback", {"named": "named", "overall": "4", "debrief": "yes",
                                                             "change": "Send the papers earlier"})
    thanks = sam.get(done + "&lang=en" if "?" in done else done + "?lang=en")
    assert "Add more to your feedback" in thanks.text()
    sam.post_redirect(f"/m/{meeting.code}/feedback", {"named": "named", "anything_else": "One more thing"})
    with app.app_context():
        [response] = db.session().scalars(select(FeedbackResponse)).all()
        assert response.contributor_id == sam_id and response.answers == {"overall": 4} and response.debrief
        assert sorted(c.text for c in db.session().scalars(select(FeedbackComment))) == [
            "One more thing", "Send the papers earlier"]
        assert db.session().scalar(select(StaffTask.kind)) == "debrief"
    assert "Add more to your feedback" in sam.get("/account/meetings?lang=en").text()
    tasks = officer.get("/staff/tasks?lang=en").text()
    assert "A one-to-one talk after a meeting (a debrief)" in tasks and "Service design group" in tasks


def test_anyone_with_the_link_gives_anonymous_feedback(app) -> None:
    meeting, _officer = arranged(app, [])
    visitor = ClientRequest(app.test_client())
    form = visitor.get(f"/m/{meeting.code}/feedback?lang=en")
    assert "Your feedback will be anonymous" in form.text() and form.find(".//input[@name='named']") is None
    easy = visitor.get(f"/m/{meeting.code}/feedback?lang=en&easy-read=on")
    assert "How was the meeting?" in [legend.text for legend in easy.findall(".//legend")]
    visitor.post_redirect(f"/m/{meeting.code}/feedback", {"overall": "1", "change": "Too rushed",
                                                          "debrief": "yes"})
    with app.app_context():
        [response] = db.session().scalars(select(FeedbackResponse)).all()
        assert response.anonymous and response.contributor_id is None and not response.debrief
        assert db.session().scalar(select(StaffTask)) is None  # nobody to call back


def test_a_supporter_gives_feedback_for_the_person_they_help(app) -> None:
    _sam, sam_id, chris, chris_id = person_with_helper(app)
    meeting, _officer = arranged(app, [sam_id, chris_id])
    form = chris.get(f"/m/{meeting.code}/feedback?lang=en")
    assert [text_of(label) for label in form.findall(".//fieldset[legend='Whose feedback is this?']//label")] == [
        "My own feedback", "Feedback from Sam Example, given by me"]
    chris.post_redirect(f"/m/{meeting.code}/feedback", {"named": "named", "whose": str(sam_id), "overall": "5"})
    with app.app_context():
        response = db.session().scalar(select(FeedbackResponse))
        assert (response.contributor_id, response.submitted_by_id) == (sam_id, chris_id)


def test_claim_for_a_meeting_starts_with_what_and_when_filled_in(app) -> None:
    sam, sam_id = signed_in(app)
    meeting, _officer = arranged(app, [sam_id])
    location = sam.post_redirect(f"/account/meetings/{meeting.id}/claim", {}, token_from="/account/meetings")
    assert location.endswith("/time")
    activity = sam.get(location.rsplit("/", 1)[0] + "/activity?lang=en")
    chosen = activity.find(".//input[@name='activity'][@checked]")
    assert chosen is not None and chosen.get("value") == str(meeting.role_id)
    day = meeting.starts_at.astimezone(LOCAL).date()
    assert activity.find(".//input[@name='activity_date-day']").get("value") == str(day.day)


def close_feedback(app, meeting: Meeting) -> None:  # type: ignore[no-untyped-def]
    """Move the meeting back a month: its feedback window has closed, so staff can read it."""
    with app.app_context():
        db.session().execute(update(Meeting).where(Meeting.id == meeting.id).values(
            starts_at=meeting.starts_at - timedelta(days=30)))
        db.session().commit()


def test_staff_read_charts_matching_their_tables_redact_and_download(app) -> None:
    people = [signed_in(app, email=f"p{i}@example.org")[1] for i in range(3)]
    meeting, officer = arranged(app, people)
    for person_id in people:
        from tests.account.test_supporters import sign_in_as

        sign_in_as(app, person_id).post_redirect(f"/m/{meeting.code}/feedback", {"named": "named", "overall": "5"})
    anyone = ClientRequest(app.test_client())
    for overall in ("5", "5", "4", "4", "4", "4", "4"):
        anyone.post_redirect(f"/m/{meeting.code}/feedback", {"overall": overall})
    anyone.post_redirect(f"/m/{meeting.code}/feedback", {
        "jargon": "1", "change": "Ask Pat Smith on 07700 900123 to stop talking over us"})
    waiting = officer.get(f"/staff/meetings/{meeting.id}/feedback?lang=en")
    assert "shows here once it closes" in waiting.text() and "Pat Smith" not in waiting.text()
    assert officer.client.get(f"/staff/meetings/{meeting.id}/feedback.csv").status_code == 302
    close_feedback(app, meeting)
    page = officer.get(f"/staff/meetings/{meeting.id}/feedback?lang=en")
    section = page.find(".//section[@aria-labelledby='m-overall']")
    rows = {text_of(tr.find("th")): text_of(tr.find("td")) for tr in section.findall(".//tbody/tr")}
    assert rows == {"Very good": "5", "Good": "5", "OK": "0", "Bad": "0", "Very bad": "0"}
    drawn = [t for t in section.itertext()]
    bars = re.findall(r'<rect x="130" y="\d+" width="(\d+)"', page.html)[:5]
    assert [int(b) for b in bars] == [150, 150, 1, 1, 1]  # 5, 5, 0, 0, 0 of room 150: the drawing agrees
    assert "Average: 4.5 out of 5." in page.text() and drawn
    jargon = page.find(".//section[@aria-labelledby='m-jargon']")
    assert "hidden" in [text_of(td) for td in jargon.findall(".//tbody/tr/td")]  # one person: not shown
    assert "Average" not in text_of(jargon)
    with app.app_context():
        comment_id = db.session().scalar(select(FeedbackComment.id))
    bad = officer.post(f"/staff/feedback/comments/{comment_id}/redact?lang=en", {"words": "Jo Bloggs",
                                                                                 "reason": "A name"},
                       expected_status=400, token_from=f"/staff/meetings/{meeting.id}/feedback")
    assert [m for _, m in bad.error_summary()] == ["Those words are not in the comment. Copy them exactly."]
    officer.post_redirect(f"/staff/feedback/comments/{comment_id}/redact", {"words": "07700 900123",
                                                                            "reason": "A phone number"},
                          token_from=f"/staff/meetings/{meeting.id}/feedback")
    page = officer.get(f"/staff/meetings/{meeting.id}/feedback?lang=en")
    assert "Ask Pat Smith on […] to stop talking over us" in page.text()
    with app.app_context():
        assert db.session().scalar(select(AuditEvent).where(AuditEvent.action == "feedback.redacted"))
    # There is no way to delete or hide a comment.
    assert not [r for r in app.url_map.iter_rules() if "comments" in r.rule and ("delete" in r.rule or
                                                                                  "hide" in r.rule)]
    response = officer.client.get(f"/staff/meetings/{meeting.id}/feedback.csv")
    rows = list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert rows[0][:2] == ["response", "overall"] and len(rows) == 12
    assert "Sam Example" not in response.get_data(as_text=True)  # no row says who: the unnamed one would stand out
    trend = officer.get(f"/staff/roles/{meeting.role_id}/feedback?lang=en")
    assert "4.5" in trend.text()


def test_you_said_we_did_is_published_shown_and_emailed(mail_app, smtp_server) -> None:
    handler, _ = smtp_server
    sam, sam_id = signed_in(mail_app, language="cy")
    meeting, officer = arranged(mail_app, [sam_id], hours_ago=24 * 30)
    ClientRequest(mail_app.test_client())  # nobody else
    with mail_app.app_context():
        db.session().add(FeedbackResponse(meeting_id=meeting.id, anonymous=True, answers={"overall": 2},
                                          debrief=False))
        db.session().commit()
    home = officer.get("/staff/?lang=en")
    assert "Meetings waiting for “you said, we did”" in home.text() and "Service design group" in home.text()
    empty = officer.post(f"/staff/meetings/{meeting.id}/you-said?lang=en", {}, expected_status=400,
                         token_from=f"/staff/meetings/{meeting.id}")
    assert [m for _, m in empty.error_summary()] == ["Enter what people told us", "Choose whether something changed",
                                                     "Enter what we did, or why nothing changed"]
    officer.post_redirect(f"/staff/meetings/{meeting.id}/you-said", {
        "you_said": "Papers came late", "changed": "yes", "we_did": "We send them a week before"},
        token_from=f"/staff/meetings/{meeting.id}")
    with mail_app.app_context():
        from app.meetings.models import YouSaidWeDid

        item_id = db.session().scalar(select(YouSaidWeDid.id))
    officer.post_redirect(f"/staff/you-said/{item_id}/translations/cy", {
        "you_said": "Daeth y papurau'n hwyr", "we_did": "Rydym yn eu hanfon wythnos ynghynt"})
    officer.post_redirect(f"/staff/you-said/{item_id}/publish", {}, token_from=f"/staff/meetings/{meeting.id}")
    assert "Meetings waiting" not in officer.get("/staff/?lang=en").text()
    from tests.conftest import body_text, deliver_mail

    deliver_mail(mail_app)
    assert "Rydym yn eu hanfon wythnos ynghynt" in body_text(handler.messages[-1])
    mine = sam.get("/account/meetings?lang=cy")
    assert "Rydym yn eu hanfon wythnos ynghynt" in mine.text()
    public = ClientRequest(mail_app.test_client()).get(f"/m/{meeting.code}?lang=en")
    assert "We send them a week before" in public.text()
    role_page = ClientRequest(mail_app.test_client()).get(f"/roles/{meeting.role_id}?lang=en")
    assert "We send them a week before" in role_page.text()


def test_feedback_closes_after_the_window(app) -> None:
    sam, sam_id = signed_in(app)
    meeting, _officer = arranged(app, [sam_id], hours_ago=24 * 15)
    page = sam.get(f"/m/{meeting.code}/feedback?lang=en")
    assert "Feedback is not open" in page.text() and "has closed" in page.text()
    sam.post(f"/m/{meeting.code}/feedback?lang=en", {"overall": "3", "named": "named"})
    with app.app_context():
        assert db.session().scalar(select(FeedbackResponse)) is None


def test_only_the_involvement_team_sees_meetings_and_feedback(app) -> None:
    meeting, _officer = arranged(app, [])
    finance = staff_client(app, "finance", email="fin@example.org")
    for path in (f"/staff/meetings/{meeting.id}", f"/staff/meetings/{meeting.id}/feedback",
                 f"/staff/meetings/{meeting.id}/feedback.csv", f"/staff/roles/{meeting.role_id}/meetings"):
        assert finance.client.get(path).status_code == 403
    sam, _ = signed_in(app, email="other@example.org")
    assert sam.client.get(f"/staff/meetings/{meeting.id}").status_code in (302, 303, 403)
    assert sam.client.post(f"/account/meetings/{meeting.id}/claim", data={
        "csrf_token": sam.csrf_token("/account/meetings")}).status_code == 404  # not theirs


def test_easy_read_feedback_asks_one_thing_at_a_time_in_its_own_words(app) -> None:
    meeting, _officer = arranged(app, [])
    visitor = ClientRequest(app.test_client())
    easy = visitor.get(f"/m/{meeting.code}/feedback?lang=en&easy-read=on")
    legends = [text_of(legend) for legend in easy.findall(".//legend")]
    assert "Were the papers clear?" in legends and "Did the papers come in time?" in legends
    assert not [legend for legend in legends if legend.count("?") > 1]
    assert "A bit" in [text_of(label) for label in easy.findall(".//label")]  # the answers too
    assert "Send my feedback" in [text_of(button) for button in easy.findall(".//main//button")]
    refused = visitor.post(f"/m/{meeting.code}/feedback?lang=en&easy-read=on", {})
    assert [m for _, m in refused.error_summary()] == ["Answer 1 question, or write something. Then send it."]
    standard = visitor.get(f"/m/{meeting.code}/feedback?lang=en&easy-read=off")
    assert {"Was the information clear?", "Was the information sent to you in good time?"} <= {
        text_of(legend) for legend in standard.findall(".//legend")}
    visitor.post_redirect(f"/m/{meeting.code}/feedback", {"information": "4", "in_time": "2"})
    with app.app_context():
        assert db.session().scalar(select(FeedbackResponse)).answers == {"information": 4, "in_time": 2}


def test_closed_feedback_has_easy_read_points(app) -> None:
    sam, sam_id = signed_in(app)
    meeting, _officer = arranged(app, [sam_id], hours_ago=24 * 15)
    page = sam.get(f"/m/{meeting.code}/feedback?lang=en&easy-read=on")
    assert page.find(".//h1").text == "You cannot give feedback now"
    points = [text_of(p) for p in page.findall(".//li[@class='easy-read-point']/p")]
    assert points[0] == "It is too late to give feedback here." and "Call" in points[1]


def _luminance(colour: str) -> float:
    r, g, b = (int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5))
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in (r, g, b)]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_five_faces_differ_in_colour_face_and_words(app) -> None:
    """At phone size "Good" and "Very good" are told apart by more than a mouth's curve: each
    answer has its own face (colour and features), a rim (a band) of its own colour, and its words."""
    from pathlib import Path

    meeting, _officer = arranged(app, [])
    page = ClientRequest(app.test_client()).get(f"/m/{meeting.code}/feedback?lang=cy")
    overall = next(f for f in page.findall(".//fieldset") if f.find(".//div[@class='choice']//img") is not None)
    rows = [(c.find(".//input").get("value"), c.find(".//img").get("src").split("?")[0].rsplit("/", 1)[1],
             text_of(c.find(".//label"))) for c in overall.findall(".//div[@class='choice']")]
    assert [(value, face) for value, face, _ in rows] == [(str(n), f"rating-{n}.svg") for n in range(1, 6)]
    words = [w for _, _, w in rows]
    assert all(words) and len(set(words)) == 5 and "Very good" not in words  # translated words, all different
    pictures = Path(__file__).resolve().parents[2] / "static" / "pictures"
    faces = {n: (pictures / f"rating-{n}.svg").read_text() for n in range(1, 6)}
    face = {n: re.search(r'<circle cx="32" cy="32" r="27" stroke="(#[0-9a-f]{6})" stroke-width="6" fill="(#[0-9a-f]{6})"',
                         svg) for n, svg in faces.items()}
    bands, fills = {n: m[1] for n, m in face.items()}, {n: m[2] for n, m in face.items()}
    assert len(set(fills.values())) == 5 and len(set(bands.values())) == 5
    assert all(_contrast(fill, "#0b0c0c") >= 4.5 for fill in fills.values())  # the features stand out
    assert all(_contrast(band, "#ffffff") >= 3 for band in bands.values())  # each rim, a band of colour, on the page
    features = {n: re.sub(r'(fill|stroke)="#[0-9a-f]{6}"', "", svg) for n, svg in faces.items()}
    assert len(set(features.values())) == 5 and _contrast(fills[4], fills[5]) >= 1.5
