"""Where to get support now, beside feedback boxes: each language's own list, which staff edit;
a language without one shows the English list and says so."""

from __future__ import annotations

from sqlalchemy import delete

from app import db
from app.meetings import support
from app.meetings.models import SupportContact
from tests.claims.test_processing import staff_client
from tests.conftest import ClientRequest, text_of
from tests.meetings.test_meeting_pages import arranged


def fresh_lists(app) -> None:  # type: ignore[no-untyped-def]
    """Today's defaults in every language, as a new database has them."""
    with app.app_context():
        db.session().execute(delete(SupportContact))
        support.seed()
        db.session().commit()


def support_box(app, code: str, lang: str) -> tuple[list[str], bool, str]:  # type: ignore[no-untyped-def]
    page = ClientRequest(app.test_client()).get(f"/m/{code}/feedback?lang={lang}")
    box = page.by_id("support-now")
    return [text_of(li) for li in box.findall(".//li")], page.by_id("support-now-in-english") is not None, page.html


def test_each_language_has_its_own_list_and_one_without_shows_english_with_a_note(app) -> None:
    meeting, _officer = arranged(app, [])
    fresh_lists(app)
    entries, in_english, _html = support_box(app, meeting.code, "pl")
    assert "Samaritans: 116 123. O każdej porze, w dzień i w nocy" in entries and not in_english
    entries, _, html = support_box(app, meeting.code, "ar")
    assert any("85258" in e and "SHOUT" in e for e in entries) and 'href="tel:116123"' in html
    with app.app_context():
        db.session().execute(delete(SupportContact).where(SupportContact.locale == "pl"))
        db.session().commit()
    entries, in_english, html = support_box(app, meeting.code, "pl")
    assert "Samaritans: 116 123. Any time, day or night" in entries and in_english
    assert '<li lang="en" dir="ltr">Samaritans' in html


def test_staff_edit_a_language_s_list_and_the_english_one_cannot_be_emptied(app) -> None:
    meeting, _officer = arranged(app, [])
    fresh_lists(app)
    admin = staff_client(app, "admin")
    overview = admin.get("/staff/support-now?lang=en")
    assert "Polski" in overview.text() or "Polish" in overview.text()
    page = admin.post("/staff/support-now/pl?lang=en", {"name_1": "Telefon zaufania", "how_1": "116 123",
                                                        "how_2": "111"})
    assert "Enter who to contact, or clear this row" in page.text()
    admin.post_redirect("/staff/support-now/pl", {"name_1": "Telefon zaufania", "how_1": "116 123",
                                                  "hours_1": "Całą dobę"})
    entries, in_english, _html = support_box(app, meeting.code, "pl")
    assert entries[1:] == ["Telefon zaufania: 116 123. Całą dobę"] and not in_english
    emptied = admin.post("/staff/support-now/en?lang=en", {})
    assert "Enter at least one place to get support" in emptied.text()
    admin.post_redirect("/staff/support-now/cy", {})  # Welsh: no list of its own, so the English one
    entries, in_english, _html = support_box(app, meeting.code, "cy")
    assert in_english and "Samaritans: 116 123. Any time, day or night" in entries


def test_only_admins_edit_the_support_lists(app) -> None:
    officer = staff_client(app, "officer")
    officer.get("/staff/support-now/en", expected_status=403)
