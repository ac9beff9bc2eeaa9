"""Phone numbers: read as people type them, stored in E.164, shown as people read them."""

from __future__ import annotations

from sqlalchemy import select

from app import db, phones
from app.account.models import Contributor
from tests.account.test_details import contributor, signed_in


def test_numbers_are_read_as_typed_and_shown_as_people_read_them() -> None:
    assert phones.to_e164("07700 900 982") == "+447700900982"
    assert phones.to_e164("+44 (0)7700 900982") == "+447700900982"
    assert phones.to_e164("٠٧٧٠٠ ٩٠٠ ٩٨٢") == "+447700900982"  # Arabic-Indic digits
    assert phones.to_e164("0121 496 0000") == "+441214960000"
    assert phones.to_e164("+48 600 123 456") == "+48600123456"
    assert phones.to_e164("12ab") is None and phones.to_e164("0770") is None
    assert phones.display("+447700900982") == "07700 900982"
    assert phones.display("+441214960000") == "0121 496 0000"
    assert phones.display("+48600123456") == "+48 600 123 456"
    assert phones.display("not a number") == "not a number"  # kept as typed, shown as typed


def test_only_uk_mobiles_get_text_messages_unless_configured(app_ctx) -> None:
    assert phones.can_text("+447700900982")
    assert not phones.can_text("+441214960000")  # a landline: we ring instead
    assert not phones.can_text("+48600123456")  # a Polish mobile, not configured
    assert phones.can_text("+48600123456", regions=("GB", "PL"))
    assert not phones.can_text("") and not phones.can_text("12ab")


def test_your_phone_number_is_stored_in_e164_and_shown_back_nationally(app) -> None:
    cr, cid = signed_in(app)
    cr.post_redirect("/account/details/contact", {"contact_channel": "text", "phone": "07700 900 982"})
    assert contributor(app, cid).phone == "+447700900982"
    page = cr.get("/account/details/contact?lang=en")
    box = page.by_id("phone")
    assert box.get("value") == "07700 900982" and box.get("type") == "tel"


def test_a_number_we_cannot_read_is_refused_and_kept_as_typed(app) -> None:
    cr, cid = signed_in(app)
    page = cr.post("/account/details/contact?lang=en", {"contact_channel": "phone", "phone": "0770 090"})
    assert ("#phone", "Enter a phone number, like 07700 900 982 or +44 7700 900 982") in page.error_summary()
    assert page.by_id("phone").get("value") == "0770 090"
    assert contributor(app, cid).phone == ""


def test_staff_type_numbers_for_people_and_roles_the_same_way(app, as_officer) -> None:
    wrong = as_officer.post("/staff/contributors/new", {"name": "Pat Phone", "phone": "123", "contact_channel": "phone",
                                                        "language": "en", "easy_read": "no"})
    assert ("#phone", "Enter a phone number, like 07700 900 982 or +44 7700 900 982") in wrong.error_summary()
    assert wrong.by_id("phone").get("value") == "123"
    location = as_officer.post_redirect("/staff/contributors/new", {
        "name": "Pat Phone", "phone": "+48 600 123 456", "contact_channel": "phone", "language": "en", "easy_read": "no"})
    assert "+48 600 123 456" in as_officer.get(location).text()
    with app.app_context():
        assert db.session().scalar(select(Contributor.phone)) == "+48600123456"
    role = as_officer.post("/staff/roles/new", {"title": "A role", "contact_phone": "0300 000"})
    assert ("#contact_phone", "Enter a phone number, like 07700 900 982 or +44 7700 900 982") in role.error_summary()


def test_staff_find_people_by_the_number_as_they_would_say_it(app, as_officer) -> None:
    from tests.account.test_sign_in import make_contributor

    make_contributor(app, "sam@example.org", name="Sam Example", phone="+447700900111")
    make_contributor(app, "lee@example.org", name="Lee Other", phone="+447700900222")
    for typed in ("07700 900 111", "+44 7700 900111", "900 111"):
        found = as_officer.get(f"/staff/contributors?q={typed}").text()
        assert "Sam Example" in found and "Lee Other" not in found, typed
