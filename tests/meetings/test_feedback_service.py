"""Meetings and feedback, the rules: the window, anonymity in the schema, on-behalf feedback,
debrief tasks, comments kept (redacted only, audited), "you said, we did" emailed and overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select
from sqlalchemy.exc import DatabaseError, IntegrityError

from app import db
from app.account import data
from app.account.models import Contributor, SupportLink
from app.audit import AuditEvent
from app.db import utcnow
from app.mail import OutboxMessage
from app.meetings import service
from app.meetings.models import FeedbackComment, FeedbackResponse, Meeting
from app.roles.models import Role
from app.staff.models import StaffTask
from tests.claims.test_claim_service import person
from tests.conftest import body_text, deliver_mail
from tests.interests.helpers import published_role

STAFF = ("staff", None, "officer@example.org")


def meeting(app, ended_hours_ago: float = 2, people: list[Contributor] | None = None) -> Meeting:  # type: ignore[no-untyped-def]
    role = db.session().get(Role, published_role(app))
    item = service.create(role, {"title": "Service design group", "starts_at": utcnow() - timedelta(
        hours=ended_hours_ago + 1), "minutes": 60, "format": "in_person", "venue": "Room 2"}, STAFF)
    service.set_attendees(item, [(p.id, False) for p in people or []], STAFF)
    return item


def close(item: Meeting) -> None:
    """Move a meeting back in time so its feedback window has closed (feedback shows to staff then)."""
    item.starts_at -= timedelta(days=30)
    db.session().commit()


def supporter_of(app, sam: Contributor) -> Contributor:  # type: ignore[no-untyped-def]
    chris = person(app, email="chris@example.org", name="Chris")
    db.session().add(SupportLink(contributor_id=sam.id, supporter_id=chris.id, relationship="carer",
                                 can_fill_forms=True, consent_how="in_person", consent_at=utcnow(),
                                 consent_recorded_by="test", created_at=utcnow(), confirmed_at=utcnow()))
    db.session().commit()
    return chris


def test_feedback_opens_when_the_meeting_ends_and_closes_after_the_window(app) -> None:
    with app.app_context():
        sam = person(app)
        later = meeting(app, ended_hours_ago=-3, people=[sam])  # not happened yet
        with pytest.raises(service.NotAllowed):
            service.give_feedback(later, {"overall": 4}, {}, False, person=sam, giver=sam)
        done = meeting(app, ended_hours_ago=24 * 13, people=[sam])  # ended 13 days ago: still open
        first = service.give_feedback(done, {"overall": "2"}, {"change": "Send papers earlier"}, False,
                                      person=sam, giver=sam)
        again = service.give_feedback(done, {"overall": 3, "listened": 5}, {"anything_else": "Thought of more"},
                                      False, person=sam, giver=sam)  # adding later: the same response
        assert again.id == first.id and again.answers == {"overall": 3, "listened": 5}
        words = [c.text for c, _ in service.comments([done.id])]
        assert words == ["Send papers earlier", "Thought of more"]
        closed = meeting(app, ended_hours_ago=24 * 15, people=[sam])
        assert not service.feedback_open(closed)
        with pytest.raises(service.NotAllowed):
            service.give_feedback(closed, {"overall": 4}, {}, False, person=None, giver=None)


def test_anonymous_feedback_has_no_link_to_anyone_in_the_schema(app) -> None:
    with app.app_context():
        sam = person(app)
        item = meeting(app, people=[sam])
        anonymous = service.give_feedback(item, {"overall": 1}, {"change": "Nobody listened"}, False,
                                          person=None, giver=None)
        assert (anonymous.contributor_id, anonymous.submitted_by_id, anonymous.created_at) == (None, None, None)
        [words] = db.session().scalars(select(FeedbackComment)).all()
        assert anonymous.received_on is None and words.received_on is None  # not even the day it came
        assert not db.session().scalars(select(AuditEvent).where(AuditEvent.action == "feedback.given")).all()
        named = service.give_feedback(item, {"overall": 5}, {}, False, person=sam, giver=sam)
        assert named.contributor_id == sam.id and named.created_at is not None
        # The database itself refuses an anonymous response that names someone.
        db.session().add(FeedbackResponse(meeting_id=item.id, anonymous=True, contributor_id=sam.id, answers={},
                                          debrief=False))
        with pytest.raises(IntegrityError):
            db.session().commit()
        db.session().rollback()
        columns = {c["name"] for c in inspect(db.session().get_bind()).get_columns("feedback_responses")}
        assert columns == {"id", "meeting_id", "anonymous", "contributor_id", "submitted_by_id", "answers", "debrief",
                           "received_on", "created_at", "updated_at"}  # no IP, no device, no session


def test_a_supporter_gives_feedback_for_someone_and_their_own(app) -> None:
    with app.app_context():
        sam = person(app)
        chris = supporter_of(app, sam)
        stranger = person(app, email="x@example.org")
        item = meeting(app, people=[sam, chris])
        for_sam = service.give_feedback(item, {"overall": 4}, {}, False, person=sam, giver=chris)
        assert (for_sam.contributor_id, for_sam.submitted_by_id) == (sam.id, chris.id)
        own = service.give_feedback(item, {"overall": 2}, {}, False, person=chris, giver=chris)
        assert (own.contributor_id, own.submitted_by_id) == (chris.id, None)
        with pytest.raises(service.NotAllowed):
            service.give_feedback(item, {"overall": 1}, {}, False, person=sam, giver=stranger)
        with pytest.raises(service.NotAllowed):  # named feedback only from people who came
            service.give_feedback(item, {"overall": 1}, {}, False, person=stranger, giver=stranger)
        assert db.session().scalars(select(FeedbackResponse.submitted_by_id).where(
            FeedbackResponse.submitted_by_id.is_not(None))).all() == [chris.id]


def test_asking_for_a_debrief_makes_a_task_for_the_named_contact(app) -> None:
    with app.app_context():
        sam = person(app)
        item = meeting(app, people=[sam])
        service.give_feedback(item, {}, {}, True, person=sam, giver=sam)
        service.give_feedback(item, {}, {}, True, person=sam, giver=sam)  # asking twice: one task
        [task] = db.session().scalars(select(StaffTask).where(StaffTask.kind == "debrief")).all()
        role = db.session().get(Role, item.role_id)
        assert task.contributor_id == sam.id and role.contact_name in task.detail and "Service design" in task.detail


def test_the_summary_counts_each_answer_once_feedback_has_closed(app) -> None:
    with app.app_context():
        people = [person(app, email=f"p{i}@example.org") for i in range(10)]
        item = meeting(app, people=people)
        for i, p in enumerate(people):
            service.give_feedback(item, {"overall": 4 + i % 2, "jargon": 2, "listened": "9"}, {}, False,
                                  person=None if i < 5 else p, giver=None if i < 5 else p)
        assert service.summary(item) is None  # still open: nothing counted
        close(item)
        result = service.summary(item)
        assert result.responses == 10 and result.counts["overall"] == {1: 0, 2: 0, 3: 0, 4: 5, 5: 5}
        assert result.average("overall") == pytest.approx(4.5)
        assert result.answered("listened") == 0  # 9 is not on the scale
        assert [m for m, _s in service.trend(db.session().get(Role, item.role_id))] == [item]


def test_comments_cannot_be_deleted_only_redacted_with_a_reason_that_is_audited(app) -> None:
    with app.app_context():
        item = meeting(app)
        service.give_feedback(item, {}, {"change": "The chair, Pat Smith on 07700 900123, talked over us"}, False,
                              person=None, giver=None)
        comment = db.session().scalar(select(FeedbackComment))
        with pytest.raises(service.NotAllowed):
            service.redact(comment, "07700 900123", "", STAFF)
        with pytest.raises(service.NotAllowed):
            service.redact(comment, "not in it", "Phone number", STAFF)
        service.redact(comment, "07700 900123", "A phone number", STAFF)
        assert comment.text == "The chair, Pat Smith on […], talked over us" and comment.redactions == 1
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "feedback.redacted"))
        assert event.after_data["reason"] == "A phone number" and "07700" not in event.after
        db.session().delete(comment)
        with pytest.raises(DatabaseError):  # the database refuses: negative comments stay
            db.session().commit()
        db.session().rollback()
        assert db.session().scalar(select(FeedbackComment.text)).startswith("The chair")


def test_you_said_we_did_publishes_and_emails_everyone_who_came_in_their_language(mail_app, smtp_server) -> None:
    handler, _ = smtp_server
    with mail_app.app_context():
        sam, rhian = person(mail_app), person(mail_app, email="rhian@example.org", language="cy")
        item = meeting(mail_app, people=[sam, rhian])
        response = service.add_response(item, {"you_said": "Papers came too late", "we_did": "We send them a week "
                                               "before", "changed": True}, STAFF)
        service.translate(response, "cy", "Daeth y papurau'n rhy hwyr", "Rydym yn eu hanfon wythnos ynghynt", STAFF)
        assert service.published_for([item.id]) == []
        service.publish(response, STAFF, "officer")
        with pytest.raises(service.NotAllowed):
            service.publish(response, STAFF, "officer")
        assert service.published_for([item.id]) == [response]
        emails = db.session().scalars(select(OutboxMessage).where(OutboxMessage.purpose == "you_said_we_did")).all()
        assert sorted((m.to_address, m.locale) for m in emails) == [("rhian@example.org", "cy"),
                                                                      ("sam@example.org", "en")]
    deliver_mail(mail_app)
    bodies = {m["To"]: body_text(m) for m in handler.messages}
    assert "We send them a week before" in bodies["sam@example.org"]
    assert "Rydym yn eu hanfon wythnos ynghynt" in bodies["rhian@example.org"]


def test_a_meeting_with_feedback_and_no_response_is_flagged_after_the_setting(app) -> None:
    with app.app_context():
        old = meeting(app, ended_hours_ago=24 * 10)
        service.give_feedback(old, {"overall": 3}, {}, False, person=None, giver=None)
        assert service.overdue() == []
        assert service.overdue(now=utcnow() + timedelta(days=20)) == [old]
        response = service.add_response(old, {"you_said": "a", "we_did": "b", "changed": False}, STAFF)
        assert service.overdue(now=utcnow() + timedelta(days=20)) == [old]  # a draft does not count
        service.publish(response, STAFF, "officer")
        assert service.overdue(now=utcnow() + timedelta(days=20)) == []


def test_changes_to_when_or_where_are_recorded_for_people_to_see(app) -> None:
    with app.app_context():
        item = meeting(app, ended_hours_ago=-48)
        assert service.update(item, {"agenda": "1. Welcome"}, "", STAFF) is None  # wording only
        change = service.update(item, {"venue": "Room 5"}, "Now in Room 5, on the ground floor", STAFF)
        assert change is not None and service.changes(item)[0].what == "Now in Room 5, on the ground floor"


def test_your_data_has_named_feedback_and_erasure_makes_it_anonymous(app) -> None:
    with app.app_context():
        sam = person(app)
        item = meeting(app, people=[sam])
        service.give_feedback(item, {"overall": 2}, {"went_well": "Good tea"}, True, person=sam, giver=sam)
        [record] = data.export(sam)["feedback"]
        assert record["answers"] == {"overall": 2} and record["comments"] == [{"question": "went_well",
                                                                              "words": "Good tea"}]
        service.erase(sam)
        db.session().commit()
        response = db.session().scalar(select(FeedbackResponse))
        assert response.anonymous and response.contributor_id is None and response.answers == {"overall": 2}
        assert data.export(sam)["feedback"] == [] and not service.attended(item, sam)
