"""Anonymous feedback cannot be placed or tied to anyone, by anything staff can see.

The reviewer's test: three people give feedback in turn (named, anonymous, named). An officer
and an administrator then read everything they can: the feedback page, the CSV, the role's
feedback, the audit trail. Nothing there may say which came when (no counters, no dates on
anonymous words, no order by arrival) or carry an id that outlives a name.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

from sqlalchemy import select, update

from app import db
from app.account import data
from app.audit import AuditEvent
from app.meetings import service
from app.meetings.models import FeedbackComment, FeedbackResponse, Meeting
from tests.account.test_supporters import sign_in_as
from tests.claims.test_processing import staff_client
from tests.conftest import ClientRequest
from tests.meetings.test_meeting_pages import arranged, close_feedback, signed_in

RANDOM = re.compile(r"^[0-9a-f]{32}$")


def everything_staff_see(app, meeting: Meeting) -> list[str]:  # type: ignore[no-untyped-def]
    pages = []
    for role in ("officer", "admin"):
        staff = staff_client(app, role, email=f"{role}2@example.org")
        pages += [staff.get(f"/staff/meetings/{meeting.id}/feedback?lang=en").html,
                  staff.client.get(f"/staff/meetings/{meeting.id}/feedback.csv").get_data(as_text=True),
                  staff.get(f"/staff/roles/{meeting.role_id}/feedback?lang=en").html]
    pages.append(staff_client(app, "admin", email="admin3@example.org").get("/staff/audit?lang=en").html)
    return pages


def test_named_anonymous_named_nothing_staff_see_places_or_identifies_the_anonymous_one(app) -> None:
    ann, cal = signed_in(app, email="ann@example.org")[1], signed_in(app, email="cal@example.org")[1]
    meeting, _officer = arranged(app, [ann, cal])
    sign_in_as(app, ann).post_redirect(f"/m/{meeting.code}/feedback", {"named": "named", "overall": "4",
                                                                       "change": "Words from Ann"})
    ClientRequest(app.test_client()).post_redirect(f"/m/{meeting.code}/feedback", {"overall": "1",
                                                                                   "change": "Anonymous words"})
    sign_in_as(app, cal).post_redirect(f"/m/{meeting.code}/feedback", {"named": "named", "overall": "5",
                                                                       "change": "Words from Cal"})
    close_feedback(app, meeting)
    with app.app_context():
        responses = db.session().scalars(select(FeedbackResponse)).all()
        comments = db.session().scalars(select(FeedbackComment)).all()
        [anonymous] = [r for r in responses if r.anonymous]
        [hidden_words] = [c for c in comments if c.response_id == anonymous.id]
        # Random ids, in the schema itself: nothing counts up.
        assert all(RANDOM.match(r.id) for r in responses) and all(RANDOM.match(c.id) for c in comments)
        assert anonymous.received_on is None and hidden_words.received_on is None  # not even the day
        events = db.session().scalars(select(AuditEvent).where(AuditEvent.action == "feedback.given")).all()
        assert len(events) == 2 and all(set(e.after_data) == {"for", "on_behalf"} for e in events)
        by_id = sorted(comments, key=lambda c: c.id)
    seen = everything_staff_see(app, meeting)
    feedback_page = seen[0]
    # The words appear in the order of their random ids, not in the order they came.
    order = [feedback_page.index(c.text) for c in by_id]
    assert order == sorted(order)
    for page in seen:
        assert f">{anonymous.id}<" not in page and "response&#34;: " not in page and '"response": ' not in page
    # The CSV: numbered rows in random-id order, none saying who gave it, when, or whether named.
    header, *rows = list(csv.reader(io.StringIO(seen[1].lstrip("\ufeff"))))
    assert [r[0] for r in rows] == ["1", "2", "3"] and not {"name", "received_on", "debrief"} & set(header)
    assert any("Anonymous words" in r for r in rows)
    # The comments all look alike: no "anonymous" mark, no dates (only named words had them).
    marks = [m.group(1) for m in re.finditer(r'<p class="muted">(.*?)</p>', feedback_page)]
    assert len(marks) == 3 and len(set(marks)) == 1


def test_making_feedback_anonymous_gives_it_new_ids_and_leaves_no_link(app) -> None:
    (_a, ann) = signed_in(app, email="ann@example.org")
    meeting, _officer = arranged(app, [ann])
    sign_in_as(app, ann).post_redirect(f"/m/{meeting.code}/feedback", {"named": "named", "overall": "4",
                                                                       "went_well": "Good tea"})
    with app.app_context():
        before = db.session().scalar(select(FeedbackResponse))
        old_response, [old_comment] = before.id, [c.id for c in db.session().scalars(select(FeedbackComment))]
        from app.account.models import Contributor

        data.erase(db.session().get(Contributor, ann), ("system", None, "test"))
        db.session().commit()  # the route that erases commits once
        after = db.session().scalar(select(FeedbackResponse))
        [comment] = db.session().scalars(select(FeedbackComment)).all()
        assert after.anonymous and after.id != old_response and comment.id != old_comment
        assert comment.response_id == after.id and comment.text == "Good tea"
        assert (after.received_on, comment.received_on, comment.written_by_id) == (None, None, None)
        for event in db.session().scalars(select(AuditEvent)):
            assert old_response not in (event.after or "") + event.record_id
            assert old_comment not in (event.after or "") + event.record_id


def test_retention_makes_old_named_feedback_anonymous_with_new_ids(app) -> None:
    (_a, ann) = signed_in(app, email="ann@example.org")
    meeting, _officer = arranged(app, [ann])
    sign_in_as(app, ann).post_redirect(f"/m/{meeting.code}/feedback", {"named": "named", "overall": "4"})
    with app.app_context():
        old = db.session().scalar(select(FeedbackResponse.id))
        db.session().execute(update(FeedbackResponse).values(
            received_on=FeedbackResponse.received_on - timedelta(days=3 * 366)))
        assert service.anonymise_expired() == 1
        db.session().commit()
        [response] = db.session().scalars(select(FeedbackResponse)).all()
        assert response.anonymous and response.id != old and response.received_on is None


def test_an_empty_feedback_form_is_not_counted_and_says_so_gently(app) -> None:
    meeting, _officer = arranged(app, [])
    anyone = ClientRequest(app.test_client())
    page = anyone.post(f"/m/{meeting.code}/feedback?lang=en", {"change": "   "})
    assert [m for _, m in page.error_summary()] == [
        "You have not answered anything yet. Answer any question, or write something, then send it."]
    with app.app_context():
        assert db.session().scalar(select(FeedbackResponse)) is None
        assert service.response_count(db.session().get(Meeting, meeting.id)) == 0


def test_the_stored_order_of_rows_says_nothing_either(app, database_url) -> None:
    """On SQLite the tables of anonymous things have no rowid (which counted up in arrival order):
    rows are kept in the order of their random ids. (PostgreSQL has no rowid to ask for.)"""
    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    if not database_url.startswith("sqlite"):
        assert "rowid" not in {c["name"] for c in __import__("sqlalchemy").inspect(
            create_engine(database_url)).get_columns("feedback_responses")}
        return
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            for table in ("feedback_responses", "feedback_comments", "equality_responses"):
                try:
                    conn.execute(text(f"SELECT rowid FROM {table}"))
                except OperationalError:
                    continue
                raise AssertionError(f"{table} still has a rowid")
    finally:
        engine.dispose()
