"""Staff tasks (talk about benefits) and the email outbox."""

from __future__ import annotations

from sqlalchemy import select

from app import db
from app.audit import AuditEvent
from app.staff.models import StaffTask
from tests.account.test_details import signed_in


def test_officer_sees_the_benefits_task_and_marks_it_done(app, as_officer) -> None:
    person, _cid = signed_in(app, phone="07700 900 982", best_times="mornings", known_as="Sam")
    person.post_redirect("/account/details/payment", {"payment_preference": "benefits_talk"})
    page = as_officer.get("/staff/tasks")
    assert "Talk about payment and benefits" in page.text()
    assert "07700 900 982" in page.text() and "mornings" in page.text()
    form = page.find(".//main//form")
    as_officer.post_redirect(form.get("action"), token_from="/staff/tasks")
    assert "There are no open tasks." in as_officer.get("/staff/tasks").text()
    with app.app_context():
        task = db.session().scalar(select(StaffTask))
        assert task.done_at is not None and task.done_by_id is not None
        assert db.session().scalar(select(AuditEvent).where(AuditEvent.action == "task.done")) is not None


def test_outbox_lists_messages_for_admins(app, as_admin) -> None:
    app.test_cli_runner().invoke(args=["send-test-email", "ops@example.org"])
    page = as_admin.get("/staff/outbox")
    assert "ops@example.org" in page.text() and "Sent" in page.text()
    assert "saved as files" in page.text()
