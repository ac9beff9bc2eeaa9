"""Demo for ``flask demo-data``: more meetings Sam came to over the past months (so "your involvement"
has something to show) and a few impact entries on the first demo role, two of them published."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app import db
from app.account import service as accounts
from app.db import utcnow
from app.involvement import service
from app.involvement.models import ImpactEntry
from app.meetings import service as meetings
from app.meetings.models import Meeting, YouSaidWeDid
from app.roles.models import Role

SYSTEM = ("system", None, "demo data")


def load() -> int:
    """Add the demo attendance and impact entries once; returns how many entries were added."""
    if db.session().scalar(select(ImpactEntry.id).limit(1)) is not None:
        return 0
    sam = accounts.find_by_email("sam@example.org")
    role = db.session().scalar(select(Role).where(Role.status == "published").order_by(Role.id).limit(1))
    if sam is None or role is None:
        return 0
    now = utcnow().replace(minute=0, second=0, microsecond=0)
    for months, title in ((5, "Leaflet group: what is missing"), (3, "Leaflet group: reading the draft"),
                          (1, "Leaflet group: pictures and words")):
        item = meetings.create(role, {"title": title, "starts_at": now - timedelta(days=30 * months), "minutes": 120,
                                      "format": "in_person", "venue": "Room 2, Trust Headquarters, Main Street"},
                               SYSTEM)
        meetings.set_attendees(item, [(sam.id, False)], SYSTEM)
    first = db.session().scalar(select(Meeting).where(Meeting.role_id == role.id, Meeting.starts_at < now)
                                .order_by(Meeting.starts_at.desc()).limit(1))
    said = db.session().scalar(select(YouSaidWeDid).where(YouSaidWeDid.published_at.is_not(None)).limit(1))
    entries = [
        ({"what_changed": "Papers for every meeting now go out a week before, with a one-page easy read summary.",
          "changed_on": (now - timedelta(days=20)).date(),
          "evidence": "The involvement team's meeting checklist, changed in the team meeting; every group since.",
          "meeting_id": first.id if first else None, "you_said_id": said.id if said else None}, True),
        ({"what_changed": "The crisis leaflet now says who to call at night and at weekends, in the group's words.",
          "changed_on": (now - timedelta(days=40)).date(),
          "evidence": "The new leaflet (version 3), agreed by the Trust's patient information group.",
          "meeting_id": None, "you_said_id": None}, True),
        ({"what_changed": "Ward staff will be trained using the leaflet group's stories.",
          "changed_on": (now + timedelta(days=60)).date(), "evidence": "", "meeting_id": None, "you_said_id": None},
         False),
    ]
    for values, published in entries:
        entry = service.add_impact(role, values, SYSTEM)
        if published:
            service.publish_impact(entry, True, SYSTEM)
    db.session().commit()
    return len(entries)
