""""Your involvement" shows what a person did with us (roles, meetings and hours, payments by tax
year, what happened next), leaves off the roles they choose, and only to who may see their payments;
the impact log's published entries show on the role's public page, in every worker."""

from __future__ import annotations

import json
from datetime import date, timedelta
from typing import Any, Iterator

import pytest
from flask import Flask
from sqlalchemy import select

from app import create_app, db
from app.account.models import Contributor, SupportLink
from app.audit import AuditEvent
from app.db import utcnow
from tests.account.test_details import signed_in
from tests.account.test_sign_in import make_contributor
from tests.conftest import ClientRequest, make_settings, make_staff, sign_in
from tests.roles.test_role_service import COMPLETE, STAFF

BY = ("system", None, "test")


def _claim(person_id: int, role_id: int, day: date, fee: int, expenses: int, status: str = "paid") -> None:
    from app.claims.models import Claim
    from app.claims.pricing import tax_year

    now = utcnow()
    n = db.session().scalar(select(Claim.id).order_by(Claim.id.desc()).limit(1)) or 0
    db.session().add(Claim(reference=f"TP-T{n + 1}", idempotency_key=f"k{n + 1}", contributor_id=person_id,
                           role_id=role_id, activity="Meeting", activity_date=day, tax_year=tax_year(day),
                           status=status, fee_pence=fee, expenses_pence=expenses, total_pence=fee + expenses,
                           submitted_at=now, updated_at=now))


def world(app: Flask) -> dict[str, Any]:
    """Sam came to two meetings of the leaflet role (and one as someone's supporter, and one is still to
    come); two claims were paid in the 2026-27 tax year and one in 2025-26; one response is published."""
    from app.meetings import service as meetings
    from app.roles import service as roles

    cr, sam = signed_in(app, name="Sam Example")
    other = make_contributor(app, email="pat@example.org", name="Pat Other")
    with app.app_context():
        role = roles.create(COMPLETE | {"title": "Crisis leaflet group"}, STAFF)
        roles.publish(role, STAFF)
        second = roles.create(COMPLETE | {"title": "Eating disorders service panel"}, STAFF)
        roles.publish(second, STAFF)
        now = utcnow().replace(microsecond=0)
        rows = {}
        for key, target, days, minutes, as_supporter in (
                ("first", role, -60, 90, False), ("second", role, -3, 120, False),
                ("supporting", role, -10, 60, True), ("coming", role, 9, 60, False),
                ("panel", second, -20, 60, False)):
            item = meetings.create(target, {"title": f"Meeting {key}", "starts_at": now + timedelta(days=days),
                                            "minutes": minutes, "format": "online"}, BY)
            meetings.set_attendees(item, [(sam, as_supporter)] + ([(other, False)] if as_supporter else []), BY)
            rows[key] = item
        said = meetings.add_response(rows["second"], {"you_said": "Papers came too late",
                                                      "we_did": "Papers now go a week before", "changed": True}, BY)
        meetings.publish(said, BY, "admin")
        meetings.add_response(rows["second"], {"you_said": "Not yet published", "we_did": "Draft", "changed": True}, BY)
        _claim(sam, role.id, date(2026, 5, 1), 7500, 1230)
        _claim(sam, role.id, date(2026, 6, 1), 2500, 0, status="approved")
        _claim(sam, second.id, date(2026, 1, 10), 5000, 800)
        _claim(sam, role.id, date(2026, 7, 1), 9900, 0, status="submitted")  # not agreed yet: not counted
        db.session().commit()
        return {"cr": cr, "sam": sam, "other": other, "role": role.id, "second": second.id,
                "meetings": {k: v.id for k, v in rows.items()}}


def record_text(page: Any) -> str:
    return " ".join(page.doc.find(".//section[@class='record']").itertext())


def test_your_involvement_shows_roles_meetings_hours_payments_and_what_happened_next(app: Flask) -> None:
    w = world(app)
    page = w["cr"].get("/account/involvement?lang=en&easy-read=off")
    assert page.h1 == "Your involvement"
    text = record_text(page)
    assert "Record of involvement" in text and "Sam Example" in text
    assert "Crisis leaflet group" in text and "Eating disorders service panel" in text
    assert "3 meetings, 4.5 hours in all." in " ".join(text.split())
    assert "Meeting first" in text and "Meeting second" in text and "Meeting panel" in text
    assert "Meeting supporting" not in text  # came as someone's supporter
    assert "Meeting coming" not in text  # not yet happened
    assert "2026-27: fees £100.00, expenses £12.30" in text
    assert "2025-26: fees £50.00, expenses £8.00" in text
    assert "£99.00" not in text  # a claim not yet agreed
    assert "Papers now go a week before" in text and "Not yet published" not in text
    home = w["cr"].get("/account/?lang=en&easy-read=off")
    assert home.doc.find(".//a[@href='/account/involvement']") is not None


def test_a_role_left_off_the_record_takes_its_meetings_with_it_and_the_choice_is_kept(app: Flask) -> None:
    w = world(app)
    cr = w["cr"]
    cr.post_redirect("/account/involvement", {"shown": [str(w["role"])]})
    text = record_text(cr.get("/account/involvement?lang=en&easy-read=off"))
    assert "Eating disorders service panel" not in text and "Meeting panel" not in text
    assert "Crisis leaflet group" in text and "2 meetings, 3.5 hours in all." in " ".join(text.split())
    with app.app_context():
        event = db.session().scalar(select(AuditEvent).where(AuditEvent.action == "involvement.roles_chosen"))
        assert event is not None and json.loads(event.after)["left_off"] == [w["second"]]
    cr.post_redirect("/account/involvement", {"shown": [str(w["role"]), str(w["second"])]})
    assert "Eating disorders service panel" in record_text(cr.get("/account/involvement?lang=en"))


def test_a_supporter_allowed_to_see_claims_sees_it_and_nobody_else_does(app: Flask) -> None:
    w = world(app)
    helper_cr, helper = signed_in(app, email="chris@example.org", name="Chris Carer")
    nosy_cr, _nosy = signed_in(app, email="nosy@example.org", name="Nosy Person")
    with app.app_context():
        now = utcnow()
        db.session().add(SupportLink(contributor_id=w["sam"], supporter_id=helper, relationship="carer",
                                     can_fill_forms=False, can_see_claims=True, consent_how="online",
                                     consent_at=now, consent_recorded_by="test", created_at=now, confirmed_at=now))
        db.session().commit()
    page = helper_cr.get(f"/account/involvement?person={w['sam']}&lang=en&easy-read=off")
    assert page.h1 == "Sam Example's involvement"
    assert "2026-27: fees £100.00" in record_text(page)
    assert page.doc.find(".//input[@name='shown']") is None  # the choice is Sam's (or a form-filler's)
    helper_cr.post(f"/account/involvement?person={w['sam']}", {"shown": []}, expected_status=403,
                   token_from="/account/")
    nosy_cr.get(f"/account/involvement?person={w['sam']}", expected_status=403)


def test_no_health_information_on_the_record(app: Flask) -> None:
    w = world(app)
    with app.app_context():
        sam = db.session().get(Contributor, w["sam"])
        sam.access_needs, sam.access_other = ["breaks"], "Anxiety: I need a quiet room"
        db.session().commit()
    page = w["cr"].get("/account/involvement?lang=en")
    assert "Anxiety" not in page.html and "quiet room" not in page.html


@pytest.fixture
def other(database_url: str, tmp_path: Any) -> Iterator[Flask]:
    """A second worker on the same database."""
    application = create_app(make_settings(database_url, tmp_path))
    yield application
    application.extensions["db_engine"].dispose()


def test_a_published_impact_entry_shows_on_the_role_page_in_every_worker(app: Flask, other: Flask,
                                                                          client_request: ClientRequest) -> None:
    w = world(app)
    make_staff(app, "officer", email="olu@example.org")
    sign_in(client_request, "olu@example.org")
    seen = ClientRequest(other.test_client())
    page = f"/roles/{w['role']}?lang=en&easy-read=off"
    assert "What changed because people took part" not in seen.get(page).text()  # kept rendered, now

    staff = client_request
    url = f"/staff/roles/{w['role']}/impact"
    errors = staff.post(url, {})
    assert "Enter what changed" in errors.text() and "Enter the date it changed" in errors.text()
    staff.post_redirect(url, {"what_changed": "The crisis leaflet was rewritten with the group",
                              "changed_on-day": "3", "changed_on-month": "4", "changed_on-year": "2026",
                              "evidence": "Trust board minutes, April", "meeting_id": str(w["meetings"]["second"]),
                              "you_said_id": ""})
    assert "The crisis leaflet was rewritten" not in seen.get(page).text()  # a draft is not shown
    with app.app_context():
        from app.involvement.models import ImpactEntry

        entry = db.session().scalar(select(ImpactEntry))
        assert entry.meeting_id == w["meetings"]["second"] and entry.changed_on == date(2026, 4, 3)
    staff.post_redirect(f"/staff/impact/{entry.id}/publish", token_from=url)
    shown = seen.get(page).text()
    assert "What changed because people took part" in shown and "The crisis leaflet was rewritten" in shown

    staff.post_redirect(f"/staff/impact/{entry.id}", {"what_changed": "The leaflet was rewritten",
                                                      "changed_on-day": "3", "changed_on-month": "4",
                                                      "changed_on-year": "2026"})
    assert "The leaflet was rewritten" in seen.get(page).text()
    staff.post_redirect(f"/staff/impact/{entry.id}/publish", {"publish": "no"}, token_from=url)
    assert "What changed because people took part" not in seen.get(page).text()
    with app.app_context():
        actions = set(db.session().scalars(select(AuditEvent.action).where(AuditEvent.action.like("impact.%"))))
    assert actions == {"impact.added", "impact.changed", "impact.published", "impact.unpublished"}


def test_demo_data_gives_sam_a_record_and_the_first_role_what_changed(app: Flask) -> None:
    from app.roles.models import Role

    runner = app.test_cli_runner()
    assert runner.invoke(args=["demo-data"]).exit_code == 0
    assert runner.invoke(args=["demo-data"]).exit_code == 0  # once only
    with app.app_context():
        sam = db.session().scalar(select(Contributor).where(Contributor.email == "sam@example.org"))
        role = db.session().scalar(select(Role).where(Role.status == "published").order_by(Role.id).limit(1))
        from app.involvement.models import ImpactEntry
        from app.involvement.service import record

        assert len(record(sam).meetings) >= 4
        assert len(db.session().scalars(select(ImpactEntry)).all()) == 3
    cr = ClientRequest(app.test_client())
    text = cr.get(f"/roles/{role.id}?lang=en&easy-read=off").text()
    assert "What changed because people took part" in text and "who to call at night" in text
    assert "Ward staff will be trained" not in text  # not published
