"""Shared steps for interest tests: a published role and walking the form."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from app import db
from app.interests.models import Interest
from app.roles import service as roles
from tests.conftest import ClientRequest
from tests.roles.test_role_service import COMPLETE, STAFF

ANSWERS: dict[str, dict[str, Any]] = {
    "who": {"for_whom": "me"},
    "contact": {"name": "Ana Newperson", "email": "ana@example.org", "contact_channel": "email", "phone": "",
                "address": "", "best_times": "mornings"},
    "taking_part": {"ways": ["online", "phone"], "availability": ["weekday_evening"], "availability_note": ""},
    "access": {"access_needs": ["documents_in_advance", "interpreter"], "interpreter_language": "Polish",
               "access_other": ""},
    "about": {"hopes": "To help others", "brings": "I run a book club"},
    "payment": {"payment_preference": "paid"},
    "agree": {"consent": "yes"},
}


def published_role(app, **changes: Any) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        role = roles.create(COMPLETE | {"closing_date": date.today() + timedelta(days=10)} | changes, STAFF)
        roles.publish(role, STAFF)
        return role.id


def answer(cr: ClientRequest, role_id: int, page: str, values: dict[str, Any]) -> str:
    """Submit one page; returns where it sends the person next."""
    return cr.post_redirect(f"/roles/{role_id}/interest/{page}", values)


def walk(cr: ClientRequest, role_id: int, answers: dict[str, dict[str, Any]] | None = None) -> list[str]:
    """Answer page after page, following the form's own order; returns the pages visited."""
    answers = ANSWERS | (answers or {})
    assert cr.get_redirect(f"/roles/{role_id}/interest").endswith("/interest/who")  # "I'm interested"
    page, visited = "who", []
    while page != "check":
        visited.append(page)
        location = answer(cr, role_id, page, answers[page])
        page = location.rstrip("/").rsplit("/", 1)[-1]
    visited.append("check")
    return visited


def send(cr: ClientRequest, role_id: int) -> str:
    return cr.post_redirect(f"/roles/{role_id}/interest/check", {})


def only_interest(app) -> Interest:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session().scalars(db_select()).one()


def db_select():  # type: ignore[no-untyped-def]
    from sqlalchemy import select

    return select(Interest)
