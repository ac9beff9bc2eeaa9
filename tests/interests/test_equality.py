"""Equality monitoring: optional, unjoinable to people, and reported only in totals of 5 or more."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect, select

from app import db
from app.interests import service
from app.interests.equality import QUESTIONS
from app.interests.models import EqualityResponse
from tests.conftest import ClientRequest, make_staff, sign_in
from tests.interests.helpers import published_role, send, walk


def test_equality_answers_cannot_be_joined_to_a_person_or_an_interest(app, database_url) -> None:
    engine = create_engine(database_url)
    try:
        schema = inspect(engine)
        columns = {c["name"] for c in schema.get_columns("equality_responses")}
        links = {fk["referred_table"] for fk in schema.get_foreign_keys("equality_responses")}
    finally:
        engine.dispose()
    assert columns == {"id", "role_id", "month", "answers"}  # no person, no interest, no time of day
    assert links == {"roles"}


def test_the_questions_come_after_sending_and_are_all_optional(app) -> None:
    role_id = published_role(app)
    cr = ClientRequest(app.test_client())
    assert cr.get_redirect(f"/roles/{role_id}/equality") == f"/roles/{role_id}"  # nothing sent yet
    walk(cr, role_id)
    send(cr, role_id)
    done = cr.get(f"/roles/{role_id}/interest/done?lang=en")
    assert done.find(f".//a[@href='/roles/{role_id}/equality']") is not None
    page = cr.get(f"/roles/{role_id}/equality?lang=en")
    legends = [el for el in page.doc.iter("legend")]
    assert len(legends) == 9
    for name in QUESTIONS:  # every question offers "prefer not to say"
        assert page.find(f".//input[@name='{name}'][@value='prefer_not']") is not None
    cr.post_redirect(f"/roles/{role_id}/equality", {"age": "35_44", "sex": "prefer_not"})
    with app.app_context():
        [row] = db.session().scalars(select(EqualityResponse)).all()
        assert row.answers == {"age": "35_44", "sex": "prefer_not"} and row.role_id == role_id
        assert len(row.id) == 32  # random, not a counter that lines up with interests
    assert cr.get_redirect(f"/roles/{role_id}/equality") == f"/roles/{role_id}"  # once only


def test_skipping_every_question_stores_nothing(app) -> None:
    role_id = published_role(app)
    cr = ClientRequest(app.test_client())
    walk(cr, role_id)
    send(cr, role_id)
    cr.post_redirect(f"/roles/{role_id}/equality", {})
    with app.app_context():
        assert db.session().scalar(select(EqualityResponse)) is None


def test_counts_under_five_are_never_shown(app) -> None:
    role_id = published_role(app)
    other_id = published_role(app, title="Another role")
    with app.app_context():
        for _ in range(4):
            service.record_equality(role_id, {"age": "25_34", "sex": "female"})
        assert service.equality_report(QUESTIONS, role_id) == {"total": None, "questions": {}}
        service.record_equality(role_id, {"age": "25_34", "sex": "male"})
        for _ in range(2):
            service.record_equality(other_id, {"age": "65_74"})
        report = service.equality_report(QUESTIONS, role_id)
        assert report["total"] == 5
        assert dict(report["questions"]["age"])["25_34"] == 5
        assert dict(report["questions"]["sex"])["female"] is None  # 4: hidden
        assert dict(report["questions"]["sex"])["male"] is None  # 1: hidden
        everyone = service.equality_report(QUESTIONS)
        assert everyone["total"] == 7 and dict(everyone["questions"]["age"])["65_74"] is None
    make_staff(app, "officer")
    staff = ClientRequest(app.test_client())
    sign_in(staff, "officer@example.org")
    page = staff.get(f"/staff/equality?role={role_id}&lang=en")
    assert "5 people answered." in page.text() and "fewer than 5" in page.text()
    assert "Fewer than 5 people have answered" in staff.get(f"/staff/equality?role={other_id}&lang=en").text()
