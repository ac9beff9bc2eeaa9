"""Role descriptions: the publish gate names every missing field; versions; states; translations."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from app import db
from app.audit import AuditEvent
from app.roles import service
from app.roles.models import Role
from app.transitions import NotAllowed

STAFF = ("staff", 1, "officer@example.org")

COMPLETE = {
    "title": "Help us rewrite the crisis leaflet",
    "purpose": "Make the crisis leaflet clearer.", "can_change": "The words and layout; not the phone numbers.",
    "tasks": "Read the draft and tell us what is unclear.", "meetings": "Three meetings of two hours, daytime.",
    "evenings_weekends": "no", "between_meetings": "About an hour of reading.",
    "start_date": date(2027, 1, 10), "end_date": date(2027, 3, 31), "format": "in_person",
    "venue": "The Hub, 1 High Street", "getting_there": "Bus 12 stops outside.",
    "venue_access": "Step-free, accessible toilet, quiet room.", "payment_level": "nihr_75",
    "expenses_covered": "Travel, care for dependants, support worker costs.", "preparation": "Reading, about an hour.",
    "support_offered": "A pre-meeting chat, a debrief, help with claims.", "dbs_needed": False,
    "confidentiality": "Drafts are not public yet.", "adjustments": "Large print, breaks, interpreters.",
    "contact_name": "Olu Officer", "contact_phone": "0300 000 0000", "contact_email": "olu@example.org",
    "closing_date": date(2026, 12, 20),
    "easy_read": {s: "Short words." for s in ("purpose", "tasks", "time", "place", "payment", "support")},
}


def test_publish_gate_names_every_missing_field_in_form_order(app_ctx) -> None:
    role = service.create({"title": "Draft role"}, STAFF)
    with pytest.raises(service.IncompleteRole) as caught:
        service.publish(role, STAFF)
    missing = caught.value.missing
    assert missing[:3] == ["purpose", "can_change", "tasks"]
    assert "title" not in missing and "recognition" not in missing and "dbs_why" not in missing
    assert missing[-6:] == [f"easy_read.{s}" for s in ("purpose", "tasks", "time", "place", "payment", "support")]
    assert db.session().get(Role, role.id).status == "draft"


@pytest.mark.parametrize("change, needed", [
    ({"payment_level": "voluntary", "recognition": ""}, "recognition"),
    ({"dbs_needed": True, "dbs_why": ""}, "dbs_why"),
    ({"format": "mixed", "venue_access": ""}, "venue_access"),
    ({"easy_read": {"purpose": "x"}}, "easy_read.tasks"),
    ({"end_date": date(2026, 1, 1)}, "end_date"),
    ({"payment_level": "a lot"}, "payment_level"),
])
def test_conditional_fields_are_required_when_they_apply(app_ctx, change, needed) -> None:
    role = service.create(COMPLETE | change, STAFF)
    assert needed in service.missing_for_publish(role)


def test_online_roles_do_not_need_venue_accessibility(app_ctx) -> None:
    role = service.create(COMPLETE | {"format": "online", "venue_access": "",
                                      "venue": "Microsoft Teams", "getting_there": "We email a link."}, STAFF)
    assert service.missing_for_publish(role) == []


def test_published_edits_are_versioned_and_audited(app_ctx) -> None:
    role = service.create(COMPLETE, STAFF)
    service.publish(role, STAFF)
    assert (role.status, role.version) == ("published", 1)
    service.update(role, {"meetings": "Four meetings of two hours."}, STAFF)
    service.update(role, {"meetings": "Four meetings of two hours."}, STAFF)  # no change, no version
    versions = service.versions(role)
    assert [v.version for v in versions] == [1, 2]
    assert versions[0].snapshot["meetings"] == "Three meetings of two hours, daytime."
    assert versions[1].snapshot["meetings"] == "Four meetings of two hours."
    with pytest.raises(service.IncompleteRole):
        service.update(role, {"tasks": ""}, STAFF)  # a published role must stay complete
    assert db.session().get(Role, role.id).tasks == COMPLETE["tasks"]
    actions = db.session().scalars(select(AuditEvent.action).where(AuditEvent.record_type == "role")).all()
    assert actions == ["role.created", "role.published", "role.updated"]


def test_states_move_only_the_allowed_ways(app_ctx) -> None:
    role = service.create(COMPLETE, STAFF)
    with pytest.raises(NotAllowed):
        service.change_status(role, "closed", STAFF, "officer")
    service.publish(role, STAFF)
    service.change_status(role, "closed", STAFF, "officer")
    service.change_status(role, "published", STAFF, "officer")  # reopened
    service.change_status(role, "closed", STAFF, "officer")
    with pytest.raises(NotAllowed):  # finance pays; it does not publish or archive roles
        service.change_status(role, "archived", STAFF, "finance")
    service.change_status(role, "archived", STAFF, "officer")
    with pytest.raises(NotAllowed):
        service.change_status(role, "published", STAFF, "officer")
    assert role.status == "archived" and role.published_at is not None


def test_translations_fall_back_to_the_original_field_by_field(app_ctx) -> None:
    role = service.create(COMPLETE, STAFF)
    words, translated = service.in_language(role, "cy")
    assert not translated and words["title"] == COMPLETE["title"]
    service.save_translation(role, "cy", {"title": "Helpwch ni i ailysgrifennu'r daflen argyfwng",
                                          "easy_read": {"purpose": "Geiriau byr."}, "contact_email": "x"}, STAFF)
    words, translated = service.in_language(role, "cy")
    assert translated
    assert words["title"] == "Helpwch ni i ailysgrifennu'r daflen argyfwng"
    assert words["purpose"] == COMPLETE["purpose"]  # not translated yet: the original
    assert words["easy_read"]["purpose"] == "Geiriau byr." and words["easy_read"]["tasks"] == "Short words."
    assert "contact_email" not in words  # only words are translated, not contact details
    assert service.in_language(role, "pl")[1] is False
