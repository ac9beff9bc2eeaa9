"""Advances: expenses paid before a meeting, for people who cannot pay first (004 L637).

The person (or a supporter with their permission, through ``app.access``) asks: for which
meeting or activity and date, what for, how much and why. Staff decide under the same rules as
claims (``service.conflict``: never their own, nor a person they acted for lately; approving
more than was asked takes a second person), and approved advances go to finance in the same
batch as claims (``export``), a row each marked "advance". Every move goes through ``ADVANCE``;
nothing here commits: the route commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select

from app import audit, db, mail, notify
from app.account import drafts
from app.account.models import Contributor
from app.audit import Actor
from app.claims import pricing
from app.claims.models import Advance, Claim
from app.claims.service import conflict
from app.db import utcnow
from app.security import same_person
from app.staff.models import StaffUser
from app.transitions import FINANCE, PERSON, TEAM, Machine, NotAllowed

#: As ``service.CLAIM``: "requested" after "query" is the person's answer; "sent" is the finance
#: export; "rejected" and "paid" are the end.
ADVANCE = Machine("advance", {
    "requested": {"query": TEAM, "approved": TEAM, "rejected": TEAM},
    "query": {"requested": (PERSON,), "approved": TEAM, "rejected": TEAM},
    "approved": {"sent": FINANCE},
    "sent": {"paid": FINANCE},
})
#: Advances that count as money paid to the person in a tax year (once finance has them).
PAID_OUT = ("sent", "paid")


def _reference() -> str:
    reference = drafts.unique_reference()
    while db.session().scalar(select(Advance.id).where(Advance.reference == reference)) is not None:
        reference = drafts.unique_reference()
    return reference


def ask(payee: Contributor, submitted_by: Contributor | None, values: dict[str, Any], by: Actor) -> Advance:
    """Record an advance asked for ``payee`` (``submitted_by``: a supporter filling it in). The
    caller commits."""
    if values["kind"] not in pricing.EXPENSE_CODES:
        raise NotAllowed(f"unknown expense {values['kind']}")
    if values["pence"] <= 0:
        raise NotAllowed("an advance must be for some money")
    day: date = values["activity_date"]
    now = utcnow()
    advance = Advance(
        reference=_reference(), contributor_id=payee.id,
        submitted_by_id=submitted_by.id if submitted_by is not None else None, role_id=values.get("role_id"),
        meeting_id=values.get("meeting_id"), activity=values["activity"], activity_date=day,
        tax_year=pricing.tax_year(day), kind=values["kind"], asked_pence=values["pence"], pence=values["pence"],
        reason=values.get("reason") or "", status="requested", change_reason="", decision_note="", answer="",
        submitted_at=now, updated_at=now)
    db.session().add(advance)
    db.session().flush()
    audit.record("advance.requested", "advance", advance.id, actor=by,
                 after={"reference": advance.reference, "payee": payee.id, "pence": advance.pence,
                        "filled_in_by": submitted_by.id if submitted_by else None})
    return advance


def reply(advance: Advance, text: str, by: Actor) -> None:
    """The person (or a supporter they allowed) answers the team's question: back to the team.
    The caller commits."""
    ADVANCE.move(advance, "requested", PERSON, by, event="advance.replied")
    advance.answer, advance.updated_at = text, utcnow()


def decide(advance: Advance, to: str, staff: StaffUser, note: str = "", pence: int | None = None,
           change_reason: str = "", paid_on: date | None = None) -> str:
    """Move ``advance`` to ``to`` as ``staff`` under the rules of deciding a claim. Approving more
    than was asked waits for a second member of staff: returns "waiting" then, else the new
    status. The caller commits."""
    ADVANCE.check(advance.status, to, staff.role)
    why = conflict(staff, advance) if to in ("approved", "rejected", "query") else None
    if why:
        raise NotAllowed(f"this person may not decide this advance: {why}")
    if to in ("query", "rejected") and not note.strip():
        raise NotAllowed("a question or a reason is needed")
    session = db.session()
    before = {"pence": advance.pence}
    actor = ("staff", staff.id, staff.email)
    if to == "approved":
        if pence is not None and pence != advance.pence:
            if pence <= 0:
                raise NotAllowed("an advance must be for some money")
            if not change_reason.strip():
                raise NotAllowed("say why the amount changed")
            advance.pence, advance.change_reason = pence, change_reason
            advance.first_approved_by_id = None  # a new amount needs its own approvals
        first = session.get(StaffUser, advance.first_approved_by_id) if advance.first_approved_by_id else None
        if advance.pence > advance.asked_pence and (first is None or same_person(first, staff)):
            if first is not None:
                raise NotAllowed("a second approver must be someone else")
            advance.first_approved_by_id, advance.first_approved_at = staff.id, utcnow()
            advance.updated_at = utcnow()
            audit.record("advance.first_approval", "advance", advance.id, actor=actor,
                         before=before | {"status": advance.status},
                         after={"pence": advance.pence, "waiting_for": "a second approver"})
            return "waiting"
        advance.approved_by_id, advance.approved_at = staff.id, utcnow()
    if to in ("query", "rejected", "approved"):
        advance.decision_note = note
    if to == "paid":
        advance.paid_on = paid_on or date.today()
    advance.updated_at = utcnow()
    ADVANCE.move(advance, to, staff.role, actor, before=before,
                 after={"pence": advance.pence} | ({"note": note} if note else {}), notify=lambda: _email(advance, to))
    return to


def _email(advance: Advance, to: str) -> None:
    """The person hears of a decision or a question in their language (the claims' emails)."""
    from flask import has_request_context
    from flask_babel import force_locale, gettext as _

    from app.i18n import FORMAT_LOCALES

    template = {"query": "query", "approved": "decision", "rejected": "decision"}.get(to)
    person = db.session().get(Contributor, advance.contributor_id)
    if template is None or person is None:
        return
    title = advance.activity
    if has_request_context():  # (demo data is made outside one: the activity's own words then)
        with force_locale(FORMAT_LOCALES.get(person.language, person.language)):
            title = _("Money before you travel: %(what)s", what=advance.activity)
    notify.notify(person, template, {
        "title": title, "reference": advance.reference, "approved": to == "approved", "amount": advance.pence,
        "message": advance.decision_note if to != "approved" else advance.change_reason,
        "link": mail.absolute_url("advances.advance", reference=advance.reference)}, purpose=f"advance_{to}")


def for_person(person_id: int) -> list[Advance]:
    return list(db.session().scalars(select(Advance).where(Advance.contributor_id == person_id)
                                     .order_by(Advance.submitted_at.desc(), Advance.id.desc())))


def paid_out_by_year(person_id: int) -> dict[int, int]:
    """Tax year -> advances paid out (sent to finance or paid): expenses, never income."""
    years: dict[int, int] = {}
    for advance in db.session().scalars(select(Advance).where(Advance.contributor_id == person_id,
                                                              Advance.status.in_(PAID_OUT))):
        years[advance.tax_year] = years.get(advance.tax_year, 0) + advance.pence
    return years


# --- after the meeting: the claim takes the advance off ----------------------------------------------

#: Advances that will have been paid by the time their claim is paid: taken off that claim.
TAKEN_OFF = ("approved", "sent", "paid")


def net_off(claim: Claim, by: Actor) -> list[Advance]:
    """Link the person's advances for the claim's day (not yet taken off another claim) to it, so
    the claim pays only what is left. Audited; the caller commits (with the claim)."""
    found = list(db.session().scalars(select(Advance).where(
        Advance.contributor_id == claim.contributor_id, Advance.activity_date == claim.activity_date,
        Advance.status.in_(TAKEN_OFF), Advance.claim_id.is_(None)).order_by(Advance.id)))
    for advance in found:
        advance.claim_id, advance.updated_at = claim.id, utcnow()
        audit.record("advance.taken_off", "advance", advance.id, actor=by,
                     after={"claim": claim.reference, "pence": advance.pence})
    return found


@dataclass(frozen=True)
class Netted:
    """A claim with its advances taken off: the advances cover expenses only (the fee is paid in
    full); what is left to pay, and what is to be paid back when the costs came to less."""

    advance: int
    left_to_pay: int
    to_recover: int


def netted(claim: Claim) -> Netted | None:
    """The claim's advances taken off, or ``None`` when it has none."""
    pence = sum(db.session().scalars(select(Advance.pence).where(Advance.claim_id == claim.id)))
    if not pence:
        return None
    return Netted(pence, claim.fee_pence + max(claim.expenses_pence - pence, 0),
                  max(pence - claim.expenses_pence, 0))
