"""Demo interests for ``flask demo-data``: something for staff triage and the equality report."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from app import db
from app.account import service as accounts
from app.db import utcnow
from app.interests import service
from app.interests.models import EqualityResponse, Interest
from app.roles.models import Role

EQUALITY = [
    {"age": "25_34", "sex": "female", "ethnicity": "white", "disability": "yes"},
    {"age": "25_34", "sex": "male", "ethnicity": "asian", "disability": "no"},
    {"age": "35_44", "sex": "female", "ethnicity": "black", "disability": "yes"},
    {"age": "25_34", "sex": "female", "ethnicity": "white", "disability": "prefer_not"},
    {"age": "45_54", "sex": "prefer_not", "ethnicity": "mixed", "disability": "yes"},
    {"age": "25_34", "sex": "female", "ethnicity": "white", "disability": "yes"},
]


def load() -> int:
    """Add Sam's interest in the first demo role, and some equality answers; once only."""
    if db.session().scalar(select(Interest.id).limit(1)) is not None:
        return 0
    sam = accounts.find_by_email("sam@example.org")
    role = db.session().scalar(select(Role).where(Role.status == "published").order_by(Role.id))
    if sam is None or role is None:
        return 0
    now = utcnow()
    db.session().add(Interest(
        reference="TP-DEMO-01", role_id=role.id, role_version=role.version, contributor_id=sam.id,
        submitted_by_id=None, relationship="", agreement="", name=sam.name, email=sam.email or "", phone=sam.phone,
        address="", contact_channel=sam.contact_channel, best_times="Weekday mornings", language=sam.language,
        easy_read=sam.easy_read, ways=["in_person", "online"], availability=["weekday_daytime"],
        availability_note="Not before 10am", access_needs=list(sam.access_needs or []), interpreter_language="",
        access_other="", hopes="To make the leaflet clearer for people like me",
        brings="I have read a lot of leaflets, and I run a peer group", payment_preference="paid", consent_at=now,
        confirmed_at=now, status="new", reason="", status_changed_at=now, created_at=now,
        delete_after=service.delete_after(role)))
    db.session().commit()
    for answers in EQUALITY:
        service.record_equality(role.id, answers)
    # Given last month, so the report (which shows only months that have ended) has them.
    last_month = (now.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    db.session().execute(update(EqualityResponse).values(month=last_month))
    db.session().commit()
    return 1
