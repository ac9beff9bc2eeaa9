"""Who may do what, for whom, now: the one access policy for a person's records.

Every contributor-side page that shows or changes something of a person's asks here:
"may *this signed-in person*, acting for *this person*, do *this action*, now?". The answer
is worked out from the support link at the moment of the request, so a withdrawn agreement
or a narrowed permission takes effect on the next click. A link made on a helper's word
(not yet confirmed by the person or recorded by staff) grants nothing.

Rooms tell it whose record a row is (``person_id``); nothing in a room checks ownership by
hand. Staff pages are guarded by their roles (``security.role_required``), not by this.

The audit actor for anything done while acting for someone is the supporter *on behalf of*
the person (``actor_for``), and the words a supporter writes are credited to them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import g
from sqlalchemy import select

from app import db
from app.audit import Actor

#: What a supporter may be allowed to do, and the link's column that says so.
PERMISSIONS: dict[str, str] = {
    "fill_in": "can_fill_forms",       # forms (interest, claim, feedback), changes to details
    "see_claims": "can_see_claims",    # claims, their messages and receipts, "your claims"
    "reply": "can_reply_queries",      # answer the team's question about a claim
    "receive_copies": "can_receive_emails",
}
#: Actions only the person themselves may take: never a supporter, whatever the link says.
OWN_ONLY = ("own_data", "bank_details", "manage_supporters", "ask_for_help")
ACTIONS = tuple(PERMISSIONS) + OWN_ONLY


@dataclass(frozen=True)
class Decision:
    allowed: bool
    reason: str
    link: Any = None  # the SupportLink that allowed it, for a supporter


def _link(supporter_id: int, person_id: int) -> Any:
    from app.account.models import SupportLink

    return db.session().scalar(select(SupportLink).where(
        SupportLink.supporter_id == supporter_id, SupportLink.contributor_id == person_id,
        SupportLink.withdrawn_at.is_(None), SupportLink.confirmed_at.is_not(None)).order_by(SupportLink.id.desc())
        .limit(1))


def decide(me: Any, person_id: int | None, action: str) -> Decision:
    """May ``me`` (the signed-in contributor) do ``action`` on ``person_id``'s record, now?"""
    if action not in ACTIONS:
        raise ValueError(f"unknown action {action!r}")
    if me is None:
        return Decision(False, "nobody is signed in")
    if person_id is None:
        return Decision(False, "the record belongs to nobody")
    if person_id == me.id:
        return Decision(True, "it is their own record")
    if action in OWN_ONLY:
        return Decision(False, "only the person themselves may do this")
    link = _link(me.id, person_id)
    if link is None:
        return Decision(False, "no agreement in force to act for this person")
    if not getattr(link, PERMISSIONS[action]):
        return Decision(False, f"the agreement does not include {action.replace('_', ' ')}")
    return Decision(True, f"a supporter the person allowed to {action.replace('_', ' ')}", link)


def may(me: Any, person_id: int | None, action: str) -> bool:
    return decide(me, person_id, action).allowed




def acting() -> Actor:
    """Who is acting in this request, for the audit trail: the member of staff on a staff page (or
    acting for someone from the staff side), a supporter on behalf of the person, or the person."""
    staff, me = g.get("staff"), g.get("contributor")
    if staff is not None and (g.get("as_staff") or me is None):
        return ("staff", staff.id, staff.email)
    if me is None:
        return ("system", None, "system")
    return actor_for(me, g.get("acting_for"))


def form_for() -> Any:
    """The person this request's forms are for: the person being acted for, else who is signed in."""
    return g.get("acting_for") or g.get("contributor")


def actor_for(me: Any, person: Any) -> tuple[str, int, str]:
    """The audit actor: the person themselves, or a supporter on their behalf."""
    if person is None or person.id == me.id:
        return ("contributor", me.id, f"contributor {me.id}")
    return ("supporter", me.id, f"supporter {me.id} on behalf of contributor {person.id}")


def acting_name(person: Any = None) -> str | None:
    """The name a page uses when it is about someone other than who is signed in: the person a
    supporter (or staff) is acting for, or ``person`` (a form's or a claim's) when given. ``None``
    when the page is the signed-in person's own, so templates write pairs: "Your claims" /
    "Sam's claims". The name is the person's own words: templates escape it and isolate it."""
    if person is None:
        person = form_for()
    me = g.get("contributor")
    if person is None or (me is None and g.get("staff") is None):
        return None
    if me is not None and person.id == me.id:
        return None
    return person.display_name
