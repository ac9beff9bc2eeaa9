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
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from sqlalchemy import select

from app import audit, db, mail, notify
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
#: Cash on the day starts at "cash_given" (recorded by staff, ``give_cash``); the person says
#: they got it ("cash_confirmed") or not ("cash_disputed", and may then say they did). Money that
#: left for a meeting that did not happen (``SORT_OUT``) is asked back ("to_recover") or becomes a
#: claim for costs already spent ("converted"); carrying it forward changes its meeting, not its state.
ADVANCE = Machine("advance", {
    "requested": {"query": TEAM, "approved": TEAM, "rejected": TEAM},
    "query": {"requested": (PERSON,), "approved": TEAM, "rejected": TEAM},
    "approved": {"sent": FINANCE, "to_recover": TEAM},
    "sent": {"paid": FINANCE, "to_recover": TEAM, "converted": TEAM},
    "paid": {"to_recover": TEAM, "converted": TEAM},
    "cash_given": {"cash_confirmed": (PERSON,), "cash_disputed": (PERSON,), "to_recover": TEAM, "converted": TEAM},
    "cash_confirmed": {"to_recover": TEAM, "converted": TEAM},
    "cash_disputed": {"cash_confirmed": (PERSON,)},
})
#: Advances that count as money paid to the person in a tax year: sent to finance or paid, cash
#: handed over (until the person says they did not get it), and money that left and was then
#: asked back or made into a claim (``paid_out``).
PAID_OUT = ("sent", "paid", "cash_given", "cash_confirmed", "to_recover", "converted")
#: Cash handed over that the person has not said they did not get.
CASH_GIVEN = ("cash_given", "cash_confirmed")


def paid_out() -> Any:
    """The SQL condition for an advance whose money left: a state in ``PAID_OUT``, and for the
    ones asked back or converted, sent to finance or given in cash (an approved advance stopped
    before it was sent never left)."""
    return Advance.status.in_(PAID_OUT) & (Advance.batch_id.is_not(None) | Advance.cash.is_(True))


def _reference() -> str:
    from app.claims.service import unique_reference

    return unique_reference()


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
    if to in OUTCOMES:
        template = "decision"
    person = db.session().get(Contributor, advance.contributor_id)
    if template is None or person is None:
        return
    title, outcome = advance.activity, ""
    if has_request_context():  # (demo data is made outside one: the activity's own words then)
        with force_locale(FORMAT_LOCALES.get(person.language, person.language)):
            title = _("Money before you travel: %(what)s", what=advance.activity)
            if to in OUTCOMES:
                outcome = outcome_words(to, advance, easy_read=person.easy_read)
    notify.notify(person, template, {
        "title": title, "reference": advance.reference, "approved": to == "approved", "amount": advance.pence,
        "message": advance.outcome_reason if to in OUTCOMES else
        advance.decision_note if to != "approved" else advance.change_reason, "outcome": outcome,
        "link": mail.absolute_url("advances.advance", reference=advance.reference)}, purpose=f"advance_{to}")


def outcome_words(outcome: str, advance: Advance, easy_read: bool = False) -> str:
    """What staff chose for money for a meeting that did not happen, in the person's words."""
    from flask_babel import gettext as _

    from app.i18n import er, money

    amount = money(advance.pence)
    if outcome == "recover":
        return er("The meeting did not happen. Please pay back %(amount)s. We will talk to you about how.",
                  amount=amount) if easy_read else _(
            "The meeting did not happen, so we need to ask for the %(amount)s back. We will talk to you about "
            "how: nothing is taken without talking to you first.", amount=amount)
    if outcome == "carry_forward":
        return er("You can keep the %(amount)s for your next meeting.", amount=amount) if easy_read else _(
            "You keep the %(amount)s for your next meeting: %(what)s.", amount=amount, what=advance.activity)
    return er("We made the %(amount)s into a claim for money you spent.", amount=amount) if easy_read else _(
        "We have made the %(amount)s into a claim for the costs you already had. You do not need to pay it back.",
        amount=amount)


def for_person(person_id: int) -> list[Advance]:
    return list(db.session().scalars(select(Advance).where(Advance.contributor_id == person_id)
                                     .order_by(Advance.submitted_at.desc(), Advance.id.desc())))


def paid_out_by_year(person_id: int) -> dict[int, int]:
    """Tax year -> advances paid out (sent to finance, paid, or cash given): expenses, never income."""
    years: dict[int, int] = {}
    for advance in db.session().scalars(select(Advance).where(Advance.contributor_id == person_id, paid_out())):
        years[advance.tax_year] = years.get(advance.tax_year, 0) + advance.pence
    return years


# --- after the meeting: the claim takes the advance off ----------------------------------------------

#: Advances that will have been paid by the time their claim is paid (cash as soon as it is
#: handed over, until the person says they did not get it): taken off that claim.
TAKEN_OFF = ("approved", "sent", "paid", "cash_given", "cash_confirmed")


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
    reason: str = ""  # staff's words to the person about the money to recover


def netted(claim: Claim) -> Netted | None:
    """The claim's advances taken off, or ``None`` when it has none."""
    found = db.session().scalars(select(Advance).where(Advance.claim_id == claim.id).order_by(Advance.id)).all()
    pence = sum(advance.pence for advance in found)
    if not pence:
        return None
    reason = next((a.outcome_reason for a in found if a.outcome == "recover" and a.outcome_reason), "")
    return Netted(pence, claim.fee_pence + max(claim.expenses_pence - pence, 0),
                  max(pence - claim.expenses_pence, 0), reason)


def recover_reason(claim: Claim, reason: str, staff: StaffUser) -> None:
    """Staff say why the money left over after netting off is to be paid back, in words the
    person sees on their claim. Audited; the caller commits."""
    if staff.role not in TEAM:
        raise NotAllowed("only the team asks for money back")
    found = netted(claim)
    if found is None or not found.to_recover or not reason.strip():
        raise NotAllowed("nothing to recover, or no reason")
    for advance in db.session().scalars(select(Advance).where(Advance.claim_id == claim.id)):
        advance.outcome, advance.outcome_reason = "recover", reason
        advance.outcome_by_id, advance.outcome_at = staff.id, utcnow()
        advance.updated_at = utcnow()
        audit.record("advance.recover_reason", "advance", advance.id, actor=("staff", staff.id, staff.email),
                     after={"claim": claim.reference, "to_recover": found.to_recover, "reason": reason})


# --- cash on the day --------------------------------------------------------------------------------

def give_cash(payee: Contributor, values: dict[str, Any], staff: StaffUser) -> Advance:
    """Record cash ``staff`` handed ``payee`` on the day (for the person's meeting that day, if
    they were down for one). It is money that has left: never exported as a payment (a "cash" row
    in the next finance file), taken off that day's claim like an advance, counted in the tax
    year's totals. The giver may not decide the claim it is taken off (``service.conflict``).
    The caller commits."""
    from app.claims.service import own_claim
    from app.meetings.models import Attendance, Meeting

    if staff.role not in TEAM:
        raise NotAllowed("only the team gives cash")
    if values["kind"] not in pricing.EXPENSE_CODES or values["pence"] <= 0:
        raise NotAllowed("cash must be for an expense, and some money")
    probe = Advance(contributor_id=payee.id, submitted_by_id=None)
    if own_claim(staff, probe):
        raise NotAllowed("nobody records cash given to themselves")
    day: date = values["activity_date"]
    meeting = db.session().scalar(
        select(Meeting).join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Attendance.contributor_id == payee.id, Meeting.cancelled.is_(False),
               Meeting.starts_at >= datetime.combine(day, time.min, timezone.utc),
               Meeting.starts_at < datetime.combine(day + timedelta(days=1), time.min, timezone.utc)).order_by(Meeting.starts_at).limit(1))
    now = utcnow()
    advance = Advance(
        reference=_reference(), contributor_id=payee.id, submitted_by_id=None,
        role_id=meeting.role_id if meeting is not None else None, meeting_id=meeting.id if meeting else None,
        activity=(meeting.title if meeting is not None else values.get("note", ""))[:200] or "-",
        activity_date=day, tax_year=pricing.tax_year(day), kind=values["kind"], asked_pence=values["pence"],
        pence=values["pence"], reason=values.get("note") or "", status="cash_given", change_reason="",
        decision_note="", answer="", cash=True, given_by_id=staff.id, approved_by_id=staff.id, approved_at=now,
        submitted_at=now, updated_at=now)
    db.session().add(advance)
    db.session().flush()
    audit.record("advance.cash_given", "advance", advance.id, actor=("staff", staff.id, staff.email),
                 after={"reference": advance.reference, "payee": payee.id, "pence": advance.pence,
                        "on": day.isoformat()})
    return advance


def answer_cash(advance: Advance, received: bool, by_person: Contributor, by: Actor) -> None:
    """The person (or a supporter with the claims permission) says they got the cash, or did
    not; who answered and when is kept. Cash they did not get is taken off no claim. The caller
    commits."""
    ADVANCE.move(advance, "cash_confirmed" if received else "cash_disputed", PERSON, by,
                 after={"answered_by": by_person.id})
    advance.answered_by_id, advance.answered_at, advance.updated_at = by_person.id, utcnow(), utcnow()
    if not received and advance.claim_id is not None:
        claim = db.session().get(Claim, advance.claim_id)
        if claim is not None and claim.status not in ("sent", "paid"):
            advance.claim_id = None  # not taken off a claim still to be paid: staff sort it out



# --- advances for meetings that did not happen ---------------------------------------------------

#: Money that went (or will go) to the person for a meeting: sorted out if the meeting did not happen.
SORT_OUT = ("approved", "sent", "paid", "cash_given", "cash_confirmed")
#: What staff may choose, each with a reason the person sees (there is no silent write-off).
OUTCOMES = ("recover", "carry_forward", "convert")


def to_sort_out(limit: int = 50, advance_id: int | None = None) -> list[tuple[Advance, str, str]]:
    """Advances (and cash) for a meeting that was cancelled, or that the person did not come to
    (the meeting's day has passed and they are not on its list of who came), not yet taken off a
    claim: (advance, the person's name, "cancelled" or "missed"), oldest meeting first."""
    from app.meetings.models import Attendance, Meeting

    came = select(Attendance.id).where(Attendance.meeting_id == Meeting.id,
                                       Attendance.contributor_id == Advance.contributor_id).exists()
    today = datetime.combine(date.today(), time.min, timezone.utc)
    rows = db.session().execute(
        select(Advance, Contributor.name, Meeting.cancelled)
        .join(Meeting, Meeting.id == Advance.meeting_id).join(Contributor, Contributor.id == Advance.contributor_id)
        .where(Advance.status.in_(SORT_OUT), Advance.claim_id.is_(None),
               Meeting.cancelled.is_(True) | ((Meeting.starts_at < today) & ~came),
               *([Advance.id == advance_id] if advance_id is not None else []))
        .order_by(Meeting.starts_at, Advance.id).limit(limit)).all()
    return [(advance, name or "", "cancelled" if cancelled else "missed") for advance, name, cancelled in rows]


def next_meetings(advance: Advance) -> list[Any]:
    """The person's meetings still to come (not cancelled) that an advance may be carried to."""
    from app.meetings.models import Attendance, Meeting

    return list(db.session().scalars(
        select(Meeting).join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Attendance.contributor_id == advance.contributor_id, Meeting.cancelled.is_(False),
               Meeting.starts_at >= datetime.combine(date.today(), time.min, timezone.utc),
               Meeting.id != (advance.meeting_id or 0)).order_by(Meeting.starts_at).limit(20)))


def sort_out(advance: Advance, outcome: str, reason: str, staff: StaffUser, meeting_id: int | None = None) -> Claim | None:
    """Staff choose what happens to money for a meeting that did not happen, with a reason the
    person sees and is emailed: ``recover`` (ask for it back: "to_recover"), ``carry_forward`` (to
    the person's next meeting: the advance now belongs to that meeting and is taken off its claim),
    or ``convert`` (into a claim for costs already spent, priced and decided as usual, with the
    advance taken off it: the claim returned). Never written off. The caller commits."""
    from app.claims import service

    if outcome not in OUTCOMES or not reason.strip():
        raise NotAllowed("choose what happens, and say why")
    if advance.status not in SORT_OUT or advance.claim_id is not None:
        raise NotAllowed("this advance is not one to sort out")
    why = conflict(staff, advance)
    if why:
        raise NotAllowed(f"this person may not sort out this advance: {why}")
    actor = ("staff", staff.id, staff.email)
    made: Claim | None = None
    before = {"meeting": advance.meeting_id, "activity_date": advance.activity_date.isoformat()}
    if outcome == "carry_forward":
        if staff.role not in TEAM:
            raise NotAllowed("only the team carries an advance forward")
        meeting = next((m for m in next_meetings(advance) if m.id == meeting_id), None)
        if meeting is None:
            raise NotAllowed("choose one of the person's next meetings")
        day = meeting.starts_at.date()
        advance.meeting_id, advance.role_id, advance.activity = meeting.id, meeting.role_id, meeting.title
        advance.activity_date, advance.tax_year = day, pricing.tax_year(day)
        audit.record("advance.carried_forward", "advance", advance.id, actor=actor, before=before,
                     after={"meeting": meeting.id, "activity_date": day.isoformat(), "reason": reason})
    elif outcome == "recover":
        ADVANCE.move(advance, "to_recover", staff.role, actor, before=before, after={"reason": reason})
    else:
        if advance.batch_id is None and not advance.cash:
            raise NotAllowed("money not yet sent cannot become a claim")
        ADVANCE.move(advance, "converted", staff.role, actor, before=before, after={"reason": reason})
        payee = db.session().get(Contributor, advance.contributor_id)
        made, _ = service.submit(f"advance-{advance.reference}", payee, None, {
            "activity": advance.activity, "activity_date": advance.activity_date, "role_id": None, "hours": 0,
            "preparation": "none", "payment_choice": "paid",
            "expenses": [{"kind": "other" if advance.kind == "mileage" else advance.kind, "pence": advance.pence,
                          "description": reason[:200], "receipts": 0}]}, actor)
        advance.claim_id = made.id  # the money already paid covers it: the claim pays what is left
        audit.record("advance.taken_off", "advance", advance.id, actor=actor,
                     after={"claim": made.reference, "pence": advance.pence})
    advance.outcome, advance.outcome_reason = outcome, reason
    advance.outcome_by_id, advance.outcome_at, advance.updated_at = staff.id, utcnow(), utcnow()
    _email(advance, outcome)
    return made
