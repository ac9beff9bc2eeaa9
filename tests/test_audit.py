"""The audit trail: recorded by every change, viewable by admins, never edited."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from app import audit, db
from app.audit import AuditEvent
from tests.conftest import make_staff


def test_changes_are_recorded_with_who_what_and_when(app, as_admin) -> None:
    as_admin.post_redirect("/staff/accounts/new", {"name": "New Officer", "email": "new@example.org",
                                                   "role": "officer", "password": "a long first password"})
    with app.app_context():
        events = db.session().scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    actions = [(e.action, e.actor_type, e.actor_label) for e in events]
    assert ("staff.created", "system", "system") in actions  # the admin made by the fixture
    assert ("staff.signed_in", "staff", "admin@example.org") in actions
    created = [e for e in events if e.action == "staff.created" and e.after_data.get("email") == "new@example.org"]
    assert created and created[0].actor_label == "admin@example.org"
    assert created[0].after_data == {"email": "new@example.org", "role": "officer"}
    assert "password" not in (created[0].after or "")
    assert created[0].at is not None and created[0].at.tzinfo is not None

    page = as_admin.get("/staff/audit")
    assert "staff.created" in page.text() and "new@example.org" in page.text()
    filtered = as_admin.get("/staff/audit?record_type=staff_user")
    assert filtered.find(".//option[@selected]").get("value") == "staff_user"


def test_audit_trail_pages_through_many_events(app, as_admin) -> None:
    with app.app_context():
        for n in range(120):
            audit.record("test.event", "thing", n)
        db.session().commit()
    first = as_admin.get("/staff/audit")
    assert "Showing page 1 of 3" in first.text()
    third = as_admin.get("/staff/audit?page=3")
    assert "Showing page 3 of 3" in third.text()
    assert as_admin.get("/staff/audit?page=abc").status == 200


@pytest.mark.parametrize("statement", ["UPDATE audit_events SET action = 'x'", "DELETE FROM audit_events"])
def test_audit_events_cannot_be_changed_or_removed(app, statement: str) -> None:
    make_staff(app, "admin")
    with app.app_context():
        session = db.session()
        with pytest.raises(DBAPIError, match="append-only"):
            session.execute(text(statement))
            session.flush()
        session.rollback()
        assert session.scalar(select(AuditEvent.action).limit(1)) == "staff.created"


def test_unknown_actor_types_are_refused(app_ctx) -> None:
    with pytest.raises(ValueError):
        audit.record("x", "y", 1, actor=("robot", None, "r2"))


def test_filter_answers_htmx_with_just_the_results(app, as_admin) -> None:
    response = as_admin.client.get("/staff/audit?record_type=staff_user", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<h1" not in html and "<html" not in html
    assert "staff.created" in html and 'data-announce="Showing page 1 of 1' in html
    full = as_admin.get("/staff/audit?record_type=staff_user")
    assert full.by_id("audit-results") is not None
