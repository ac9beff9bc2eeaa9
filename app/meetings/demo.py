"""Demo meetings for ``flask demo-data``: a past one with feedback and a published "you said, we
did", and one coming up, both under the first demo role; Sam came, with Chris as supporter."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import db
from app.account import service as accounts
from app.db import utcnow
from app.meetings import service
from app.meetings.models import Meeting
from app.roles.models import Role

SYSTEM = ("system", None, "demo data")


def load() -> int:
    """Add the demo meetings once; returns how many were added."""
    if db.session().scalar(select(Meeting.id).limit(1)) is not None:
        return 0
    sam, chris = accounts.find_by_email("sam@example.org"), accounts.find_by_email("chris@example.org")
    role = db.session().scalar(select(Role).where(Role.status == "published").order_by(Role.id).limit(1))
    if sam is None or chris is None or role is None:
        return 0
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    past = service.create(role, {
        "title": "Leaflet group: first meeting", "starts_at": now - timedelta(days=2, hours=3), "minutes": 120,
        "format": "in_person", "venue": "Room 2, Trust Headquarters, Main Street",
        "agenda": "1. Welcome and introductions\n2. What the current leaflet says\n3. What it should say\n4. Break",
        "questions": "What did you need to know in a crisis? Which words helped, and which did not?"}, SYSTEM)
    service.set_attendees(past, [(sam.id, False), (chris.id, True)], SYSTEM)
    soon = service.create(role, {
        "title": "Leaflet group: second meeting", "starts_at": now + timedelta(days=12), "minutes": 120,
        "format": "online", "link": "https://meet.example.org/leaflet-group",
        "agenda": "1. The new draft\n2. Pictures\n3. Next steps"}, SYSTEM)
    service.set_attendees(soon, [(sam.id, False), (chris.id, True)], SYSTEM)
    service.update(soon, {"minutes": 90}, "Now 90 minutes, not two hours, with a break half way.", SYSTEM)
    service.give_feedback(past, {"overall": 4, "listened": 5, "could_say": 4, "information": 2, "jargon": 3,
                                 "adjustments": 5, "safe_to_disagree": 4},
                          {"went_well": "People really listened.", "change": "Send the papers a week before."},
                          True, person=sam, giver=sam)
    service.give_feedback(past, {"overall": 3, "information": 2}, {"change": "Too much to read on the day."},
                          False, person=None, giver=None)
    service.give_feedback(past, {"overall": 5, "safe_to_disagree": 5}, {}, False, person=chris, giver=chris)
    answer = service.add_response(past, {
        "you_said": "The papers came too late, and there was too much to read on the day.",
        "we_did": "Papers now go out a week before each meeting, with a one-page easy read summary.",
        "changed": True, "done_on": (now + timedelta(days=5)).date()}, SYSTEM)
    service.translate(answer, "cy", "Daeth y papurau'n rhy hwyr, ac roedd gormod i'w ddarllen ar y diwrnod.",
                      "Mae papurau bellach yn mynd allan wythnos cyn pob cyfarfod, gyda chrynodeb hawdd ei ddarllen "
                      "ar un dudalen.", SYSTEM)
    service.publish(answer, SYSTEM, "admin")
    return 2
