"""Equality monitoring: optional, unjoinable to people, and reported only in totals of 5 or more."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import create_engine, inspect, select, update

from app import db
from app.db import utcnow
from app.interests import service
from app.interests.equality import QUESTIONS
from app.interests.models import EqualityResponse
from tests.conftest import ClientRequest, make_staff, sign_in, text_of
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


def given_last_month() -> str:
    """Move every answer so far to last month (reports show only months that have ended)."""
    last_month = (utcnow().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    db.session().execute(update(EqualityResponse).values(month=last_month))
    db.session().commit()
    return last_month


def test_counts_are_shown_for_ended_months_with_small_ones_hidden_so_none_can_be_worked_out(app) -> None:
    role_id = published_role(app)
    other_id = published_role(app, title="Another role")
    with app.app_context():
        for _ in range(5):
            service.record_equality(role_id, {"age": "25_34", "disability": "yes"})
        service.record_equality(role_id, {"age": "25_34", "disability": "no"})
        for _ in range(5):
            service.record_equality(other_id, {"age": "65_74"})
        third_id = published_role(app, title="A third role")
        service.record_equality(third_id, {"age": "65_74"})
        assert service.equality_months() == []  # this month is still going: nothing reported
        month = given_last_month()
        report = service.equality_report(QUESTIONS, month, role_id)
        assert report["total"] in (6, None) and dict(report["questions"]["age"])["25_34"] in (6, None)
        # 1 "No" is hidden, and so is the 5 "Yes": 6 - 5 would give the 1 away.
        assert dict(report["questions"]["disability"])["no"] is None
        assert dict(report["questions"]["disability"])["yes"] is None
        one = service.equality_report(QUESTIONS, month, third_id)  # 1 person: nothing, zeros included
        assert one["total"] is None and {v for rows in one["questions"].values() for _o, v in rows} == {None}
        everyone = service.equality_report(QUESTIONS, month)
        # All roles against this role: all roles' "Yes" would be this role's 5 plus nobody else's.
        assert dict(everyone["questions"]["disability"])["yes"] is None
        # The third role's one person cannot be taken from all roles' 65-74 (6) less the other role's (5).
        other = service.equality_report(QUESTIONS, month, other_id)
        assert None in (dict(everyone["questions"]["age"])["65_74"], dict(other["questions"].get("age", [("65_74", None)]))["65_74"])
    make_staff(app, "officer")
    staff = ClientRequest(app.test_client())
    sign_in(staff, "officer@example.org")
    page = staff.get(f"/staff/equality?role={role_id}&lang=en")
    assert ("6 people answered." in page.text() or "how many people answered is hidden" in page.text())
    assert "hidden" in page.text()
    assert page.find(f".//select[@name='month']/option[@value='{month}'][@selected]") is not None
    one = staff.get(f"/staff/equality?role={third_id}&lang=en")
    assert "how many people answered is hidden" in one.text()
    assert {text_of(td) for td in one.findall(".//tbody/tr/td[2]")} == {"hidden"}  # one person: nothing at all


def test_the_page_does_not_change_when_someone_answers_now(app) -> None:
    """Comparing the page before and after one person's interest used to show their answer."""
    role_id = published_role(app)
    with app.app_context():
        for _ in range(7):
            service.record_equality(role_id, {"sex": "female"})
        given_last_month()
    make_staff(app, "officer")
    staff = ClientRequest(app.test_client())
    sign_in(staff, "officer@example.org")
    before = staff.get(f"/staff/equality?role={role_id}&lang=en").text()
    with app.app_context():
        service.record_equality(role_id, {"sex": "male"})
    assert staff.get(f"/staff/equality?role={role_id}&lang=en").text() == before
