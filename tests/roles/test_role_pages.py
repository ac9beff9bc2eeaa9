"""Staff write a role: drafts save with only a title, the publish button names what is missing."""

from __future__ import annotations

from sqlalchemy import select

from app import db
from app.roles.models import Role
from app.roles import service
from tests.roles.test_role_service import COMPLETE, STAFF

EASY = {f"er_{k}": v for k, v in COMPLETE["easy_read"].items()}


def form_data(**overrides):  # type: ignore[no-untyped-def]
    data = {k: v for k, v in COMPLETE.items() if isinstance(v, str)} | EASY
    for name in ("start_date", "end_date", "closing_date"):
        d = COMPLETE[name]
        data |= {f"{name}-day": str(d.day), f"{name}-month": str(d.month), f"{name}-year": str(d.year)}
    data |= {"dbs_needed": "no"}
    return data | overrides


def test_draft_saves_with_a_title_and_publish_lists_whats_missing(app, as_officer) -> None:
    empty = as_officer.post("/staff/roles/new", {})
    assert empty.error_summary() == [("#title", "Enter a title for the role")]
    location = as_officer.post_redirect("/staff/roles/new", {"title": "Draft role", "action": "save"})
    page = as_officer.get(location)
    assert "Saved." in page.text() and page.by_id("title").get("value") == "Draft role"

    attempt = as_officer.post(location, {"title": "Draft role", "purpose": "To help.", "action": "publish"})
    summary = attempt.error_summary()
    assert ("#can_change", "Fill in “What can this work change, and what can it not change?” before publishing") \
        in summary
    assert ("#start_date-day", "Fill in “Start date” before publishing") in summary
    assert ("#er_support", "Fill in “Easy read: the help you get” before publishing") in summary
    assert "#purpose" not in [target for target, _ in summary]
    assert "Saved, but not published" in attempt.text()
    with app.app_context():
        role = db.session().scalar(select(Role))
        assert (role.status, role.purpose) == ("draft", "To help.")  # what was typed is kept


def test_a_complete_role_publishes_and_later_edits_make_versions(app, as_officer) -> None:
    location = as_officer.post_redirect("/staff/roles/new", form_data(action="publish"))
    page = as_officer.get(location)
    assert "is published." in page.text() and "Version 1" in page.text()
    as_officer.post_redirect(location, form_data(meetings="Four meetings.", action="save"))
    assert "Version 2" in as_officer.get(location).text()
    emptied = as_officer.post(location, form_data(tasks="", action="save"))
    assert ("#tasks", "Fill in “What will people do, and what input are you hoping for?” before publishing") \
        in emptied.error_summary()
    assert "A published role must stay complete. Nothing was saved." in emptied.text()
    close = next(f for f in as_officer.get(location).findall(".//main//form") if f.get("action", "").endswith("/status"))
    as_officer.post_redirect(close.get("action"), {"to": "closed"}, token_from=location)
    assert "The role is closed to new interest." in as_officer.get(location).text()
    as_officer.post(close.get("action"), {"to": "draft"}, token_from=location, expected_status=400)


def test_writing_help_points_out_jargon_but_never_blocks(app, as_officer) -> None:
    location = as_officer.post_redirect("/staff/roles/new", form_data(
        purpose="Join our PPI group of experts by experience.",
        er_purpose="You will help us and we will listen to everything you say about the leaflet and the website.",
        action="publish"))
    page = as_officer.get(location)
    assert "is published." in page.text()
    advice = page.by_id("advice-title")
    assert advice is not None
    words = page.text()
    assert "PPI" in words and "write out 'patient and public involvement'" in words
    assert "people with lived experience" in words
    assert "This sentence is long for easy read." in words


def test_finance_cannot_write_roles(app, client_request) -> None:
    from tests.conftest import make_staff, sign_in

    make_staff(app, "finance")
    sign_in(client_request, "finance@example.org")
    client_request.get("/staff/roles/", expected_status=403)


def test_staff_add_a_translation_and_readers_of_that_language_see_it(app, as_officer) -> None:
    from datetime import date, timedelta

    with app.app_context():
        role = service.create(COMPLETE | {"closing_date": date.today() + timedelta(days=5)}, STAFF)
        service.publish(role, STAFF)
        role_id = role.id
    listing = as_officer.get(f"/staff/roles/{role_id}/translations?lang=en")
    assert listing.text().count("Not translated yet.") == 5  # cy, pl, ur, ar, bn
    form = as_officer.get(f"/staff/roles/{role_id}/translations/cy?lang=en")
    assert "In English: Help us rewrite the crisis leaflet" in form.text()
    as_officer.post_redirect(f"/staff/roles/{role_id}/translations/cy",
                             {"title": "Helpwch ni i ailysgrifennu'r daflen", "er_purpose": "Helpwch ni."})
    welsh = as_officer.get(f"/roles/{role_id}?lang=cy")
    assert welsh.h1 == "Helpwch ni i ailysgrifennu'r daflen"
    assert "Helpwch ni." in as_officer.get(f"/roles/{role_id}?lang=cy&easy-read=on").text()
    assert as_officer.get(f"/roles/{role_id}?lang=pl").h1 == "Help us rewrite the crisis leaflet"  # falls back
    as_officer.get(f"/staff/roles/{role_id}/translations/xx", expected_status=404)
    with app.app_context():
        from app.audit import AuditEvent

        assert db.session().scalar(select(AuditEvent).where(AuditEvent.action == "role.translated")) is not None
