"""Claims: pricing from the database's dated rates, sending a claim once, and every change
of state through ``transition`` (which checks the change and the staff member's role,
writes the audit event and queues the email, then commits once).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any, Protocol

from flask import current_app, g, has_request_context
from sqlalchemy import func, select

from app import audit, db, mail, notify
from app.audit import Actor
from app.audit import AuditEvent
from app.security import same_mailbox, same_person
from app.account.models import Contributor
from app.account import drafts
from app.claims import pricing
from app.claims.models import (
    Claim, ClaimLine, ClaimMessage, ExpenseSetting, FeeHold, MileageRateVersion, PaymentBatch, RateCardRate,
    RateCardVersion, Receipt,
)
from app.db import utcnow
from app.roles.models import Role
from app.transitions import FINANCE, PERSON, TEAM, Machine, NotAllowed
from app.staff.models import StaffTask, StaffUser


#: Which state may follow which, and who moves it. "submitted" after "query" is the person's reply;
#: "sent" is the finance export; "rejected" and "paid" are the end.
CLAIM = Machine("claim", {
    "submitted": {"query": TEAM, "approved": TEAM, "rejected": TEAM},
    "query": {"submitted": (PERSON,), "approved": TEAM, "rejected": TEAM},
    "approved": {"query": TEAM, "sent": FINANCE},
    "sent": {"paid": FINANCE},
})

#: A fee on hold ("talk about benefits first"): after the talk the team records what the person
#: chose. Never staff's choice, and never a silent £0: "declined" is the person's word.
FEE = Machine("claim", {
    "on_hold": {"paid": TEAM, "paid_later": TEAM, "declined": TEAM},
    "paid_later": {"paid": TEAM, "declined": TEAM},
})


# --- the rates in force ------------------------------------------------------------------------

def rate_cards() -> list[pricing.RateCard]:
    """Every rate-card version, oldest first. Read once per request (a page asks several times:
    the fee preview, the role's rate, the labels) and never kept between requests, so a new
    version shows on the next page; adding one in this request forgets the copy."""
    if has_request_context() and "rate_cards" in g:
        return g.rate_cards  # type: ignore[no-any-return]
    cards = _read_rate_cards()
    if has_request_context():
        g.rate_cards = cards
    return cards


def _read_rate_cards() -> list[pricing.RateCard]:
    session = db.session()
    versions = session.scalars(select(RateCardVersion).order_by(RateCardVersion.version)).all()
    rates: dict[int, list[pricing.Rate]] = {}
    for row in session.scalars(select(RateCardRate).order_by(RateCardRate.id)):
        rates.setdefault(row.card_id, []).append(pricing.Rate(row.code, row.kind, row.pence, row.label))
    return [pricing.RateCard(v.version, v.effective_from, tuple(rates.get(v.id, [])), Decimal(v.short_hours),
                             Decimal(v.long_hours), v.more_preparation) for v in versions]


def card_today() -> pricing.RateCard | None:
    """The rate card in force today, which every page that shows an amount reads (role pages, the
    role form, staff labels): read each time, never cached, so a new version shows at once."""
    try:
        return pricing.card_on(rate_cards(), date.today())
    except LookupError:
        return None


def mileage_versions() -> list[pricing.MileageRates]:
    return [pricing.MileageRates(v.effective_from, v.car_pence, v.car_after_pence, v.car_threshold_miles,
                                 v.passenger_pence, v.motorcycle_pence, v.bicycle_pence)
            for v in db.session().scalars(select(MileageRateVersion).order_by(MileageRateVersion.effective_from))]


def first_priced_day() -> date | None:
    """The first day a claim can be priced: both a rate card and mileage rates are in force from
    it (``None`` if either table is empty). Earlier dates are refused on the claim's first page."""
    session = db.session()
    firsts = (session.scalar(select(func.min(RateCardVersion.effective_from))),
              session.scalar(select(func.min(MileageRateVersion.effective_from))))
    return None if None in firsts else max(firsts)  # type: ignore[type-var]


def expense_rules() -> dict[str, pricing.ExpenseRule]:
    """The shipped rules with the organisation's own caps and receipt limits on top (read once
    per request: the form, the preview and the check list all ask)."""
    return db.per_request("expense_rules", _read_expense_rules)


def _read_expense_rules() -> dict[str, pricing.ExpenseRule]:
    own = {s.code: s for s in db.session().scalars(select(ExpenseSetting))}
    rules = {}
    for rule in pricing.EXPENSE_RULES:
        setting = own.get(rule.code)
        if setting is not None and not setting.active:
            continue
        rules[rule.code] = rule if setting is None else pricing.ExpenseRule(
            rule.code, setting.cap_pence, setting.receipt_over_pence, rule.needs_reason)
    return rules


def add_rate_card(effective_from: date, rates: list[pricing.Rate], note: str, by: Actor,
                  boundaries: tuple[Decimal, Decimal, str] | None = None) -> RateCardVersion:
    """A new dated version; claims already made keep the version they were priced with.
    ``boundaries`` (short hours, long hours, more preparation) default to the current version's."""
    session = db.session()
    latest = session.scalar(select(RateCardVersion).order_by(RateCardVersion.version.desc()).limit(1))
    if latest is not None and effective_from <= latest.effective_from:
        raise NotAllowed("a new rate card must start after the current one")
    if boundaries is None:
        boundaries = ((latest.short_hours, latest.long_hours, latest.more_preparation) if latest is not None else
                      (pricing.SHORT_HOURS, pricing.LONG_HOURS, pricing.MORE_PREPARATION))
    short_hours, long_hours, more_preparation = boundaries
    if not 0 < short_hours < long_hours or more_preparation not in pricing.PREPARATION:
        raise NotAllowed("the tier boundaries must be in order")
    version = RateCardVersion(version=(latest.version if latest else 0) + 1, effective_from=effective_from,
                              note=note, short_hours=short_hours, long_hours=long_hours,
                              more_preparation=more_preparation, created_by=by[2], created_at=utcnow())
    session.add(version)
    session.flush()
    if has_request_context():
        g.pop("rate_cards", None)
    for rate in rates:
        session.add(RateCardRate(card_id=version.id, code=rate.code, kind=rate.kind, pence=rate.pence,
                                 label=rate.label))
    audit.record("rate_card.added", "rate_card", version.version, actor=by,
                 after={"from": effective_from.isoformat(), "rates": {r.code: r.pence for r in rates},
                        "tiers": {"short_hours": str(short_hours), "long_hours": str(long_hours),
                                  "more_preparation": more_preparation}})
    session.commit()
    return version


class RateInUse(NotAllowed):
    """A rate cannot be retired while roles that are not archived still pay it (``roles``: their titles)."""

    def __init__(self, roles: list[str]) -> None:
        super().__init__(", ".join(roles))
        self.roles = roles


def roles_paying(code: str) -> list[str]:
    """The titles of draft, published and closed roles that pay ``code``."""
    return list(db.session().scalars(select(Role.title).where(
        Role.payment_level == code, Role.status.in_(("draft", "published", "closed"))).order_by(Role.title)))


def change_rate(code: str, pence: int, effective_from: date, note: str, by: Actor) -> RateCardVersion:
    """A new dated version with one rate's amount changed and every other line copied."""
    current = rate_cards()[-1]
    changed = current.rate(code)  # KeyError: not on the current card
    rates = [pricing.Rate(r.code, r.kind, pence, r.label) if r.code == changed.code else r for r in current.rates]
    return add_rate_card(effective_from, rates, note, by)


def retire_rate(code: str, effective_from: date, note: str, by: Actor) -> RateCardVersion:
    """A new dated version without one local rate, refused while a role still pays it. The tiers
    stay (claims without a role, and tier roles, are priced by them)."""
    current = rate_cards()[-1]
    retired = current.rate(code)
    if retired.kind == "tier":
        raise NotAllowed("the tiers cannot be retired")
    using = roles_paying(code)
    if using:
        raise RateInUse(using)
    return add_rate_card(effective_from, [r for r in current.rates if r.code != code], note, by)


def save_expense_rules(settings: dict[str, tuple[int | None, int | None, bool]], by: Actor) -> None:
    """The organisation's caps and receipt limits: code -> (cap, receipt over, in use)."""
    session = db.session()
    for code, (cap, receipt_over, active) in settings.items():
        if code not in pricing.EXPENSE_CODES:
            raise NotAllowed(f"unknown expense {code}")
        row = session.get(ExpenseSetting, code) or ExpenseSetting(code=code)
        row.cap_pence, row.receipt_over_pence, row.active = cap, receipt_over, active
        session.add(row)
    db.forget("expense_rules")
    audit.record("expense_rules.changed", "expense_rules", "all", actor=by,
                 after={code: list(values) for code, values in settings.items()})
    session.commit()


def all_expense_rules() -> list[tuple[pricing.ExpenseRule, bool]]:
    """Every kind of expense with the rule in force and whether it is offered."""
    own = {s.code: s for s in db.session().scalars(select(ExpenseSetting))}
    rows = []
    for rule in pricing.EXPENSE_RULES:
        setting = own.get(rule.code)
        if setting is None:
            rows.append((rule, True))
        else:
            rows.append((pricing.ExpenseRule(rule.code, setting.cap_pence, setting.receipt_over_pence,
                                             rule.needs_reason), setting.active))
    return rows


# --- pricing a claim -----------------------------------------------------------------------------

@dataclass
class Priced:
    """A claim worked out: the fee and why, each expense and what can be paid."""

    card_version: int
    fee_code: str
    fee_pence: int
    lines: list[dict[str, Any]] = field(default_factory=list)
    rate_missing: str = ""  # the role's local rate, not on the card of the claim's date
    quantity: Decimal | None = None  # the sessions or tasks paid for

    @property
    def expenses_pence(self) -> int:
        return sum(line["allowed_pence"] for line in self.lines)

    @property
    def total_pence(self) -> int:
        return self.fee_pence + self.expenses_pence


def car_miles_before(contributor_id: int, day: date, exclude_claim: int | None = None) -> Decimal:
    """Car miles that come before a claim for ``day`` sent now, in the order things happened: the
    person's claims from the start of ``day``'s tax year up to and including ``day`` (those for
    ``day`` itself were sent earlier). Refused claims do not count."""
    start, _end = pricing.tax_year_bounds(pricing.tax_year(day))
    query = (select(func.coalesce(func.sum(ClaimLine.miles), 0)).join(Claim, Claim.id == ClaimLine.claim_id)
             .where(Claim.contributor_id == contributor_id, Claim.status != "rejected", ClaimLine.kind == "mileage",
                    ClaimLine.vehicle == "car", Claim.activity_date >= start, Claim.activity_date <= day))
    if exclude_claim is not None:
        query = query.where(Claim.id != exclude_claim)
    return Decimal(db.session().scalar(query) or 0)


def _fee(card: pricing.RateCard, hours: Decimal, preparation: str, role_pays: str,
         quantity: Decimal | int | None) -> tuple[str, int, str, Decimal | None]:
    """(fee code, fee, the role's local rate missing from ``card``) for how the claim's role pays:
    a tier role or no role by the tier hours and preparation suggest; a local hourly rate by the
    hours (to the penny); a session or task rate by the count the person gave; voluntary: none.
    A local rate not on ``card`` (added after the claim's date) falls back to the suggested tier."""
    if role_pays == "voluntary":
        return "voluntary", 0, "", None
    missing = ""
    if role_pays and role_pays not in pricing.TIERS:
        try:
            local = card.rate(role_pays)
        except KeyError:
            missing = role_pays
        else:
            counted = None if local.kind == "hourly" else Decimal(quantity or 0)
            count = hours if counted is None else counted
            return (local.code, local.fee(count), "", counted) if count > 0 else ("", 0, "", None)
    rate = card.suggest(hours, preparation) if hours > 0 else None
    return (rate.code, rate.fee(), missing, None) if rate else ("", 0, missing, None)


def price(contributor_id: int, day: date, hours: Decimal, preparation: str, expenses: list[dict[str, Any]],
          fee_wanted: bool = True, role_pays: str = "", quantity: Decimal | int | None = None) -> Priced:
    """Work out a claim from the rates in force on ``day`` (no fee when the person waives it).
    ``role_pays``: the claim's role's ``payment_level`` ("" for no role); ``quantity``: the sessions
    or tasks the person gave, for a role paid that way."""
    card = pricing.card_on(rate_cards(), day)
    code, fee, missing, counted = _fee(card, hours, preparation, role_pays, quantity)
    priced = Priced(card.version, code, fee if fee_wanted else 0, rate_missing=missing, quantity=counted)
    rules = expense_rules()
    miles_before = car_miles_before(contributor_id, day)
    mileage_rates = pricing.mileage_rates_on(mileage_versions(), day)
    for position, item in enumerate(expenses):
        kind = item["kind"]
        if kind == "mileage":
            miles = Decimal(item.get("miles") or 0)
            vehicle = item.get("vehicle") or "car"
            claimed, _parts = pricing.mileage(mileage_rates, vehicle, miles, int(item.get("passengers") or 0),
                                              miles_before)
            if vehicle == "car":
                miles_before += miles
            allowed, problems = claimed, []
            extra = {"vehicle": vehicle, "miles": miles, "passengers": int(item.get("passengers") or 0),
                     "mileage_from": mileage_rates.effective_from}
        else:
            claimed = int(item["pence"])
            allowed, problems = pricing.check_expense(rules[kind], claimed, int(item.get("receipts") or 0),
                                                      item.get("description") or "")
            extra = {}
        priced.lines.append({"position": position, "kind": kind, "description": item.get("description") or "",
                             "claimed_pence": claimed, "allowed_pence": allowed, "problems": problems} | extra)
    return priced


# --- mileage in the order things happened ------------------------------------------------------------

#: Claims whose amounts may still change: a later re-pricing moves them; after approval it never does.
NOT_YET_APPROVED = ("submitted", "query")


def _in_order(claim: Claim) -> tuple[date, Any, int]:
    return claim.activity_date, claim.submitted_at, claim.id


def _mileage_changes(contributor_id: int, year: int) -> dict[int, tuple[Claim, list[tuple[ClaimLine, int]]]]:
    """The person's claims in tax year ``year`` whose mileage, counted in the order things happened
    (``pricing.mileage_in_order``), differs from what it was priced at: claim id -> (claim, [(line,
    what it comes to now)]). Each line keeps the mileage rates it was priced with."""
    versions = mileage_versions()
    by_start = {v.effective_from: v for v in versions}
    rows = db.session().execute(
        select(Claim, ClaimLine).join(ClaimLine, ClaimLine.claim_id == Claim.id)
        .where(Claim.contributor_id == contributor_id, Claim.tax_year == year, Claim.status != "rejected",
               ClaimLine.kind == "mileage")).all()
    journeys = [pricing.Journey(claim.activity_date, (claim.submitted_at, claim.id, line.position),
                                line.vehicle or "car", Decimal(line.miles), line.passengers,
                                by_start.get(line.mileage_from) or pricing.mileage_rates_on(versions,
                                                                                            claim.activity_date),
                                ref=(claim, line))
                for claim, line in rows]
    changes: dict[int, tuple[Claim, list[tuple[ClaimLine, int]]]] = {}
    for journey, pence, _parts in pricing.mileage_in_order(journeys):
        claim, line = journey.ref
        if pence != line.claimed_pence:
            changes.setdefault(claim.id, (claim, []))[1].append((line, pence))
    return changes


def mileage_now(claim: Claim) -> tuple[int, int] | None:
    """(mileage as priced, mileage counted in the order things happened now) when they differ and
    staff have not already set the line to the new amount: for the note staff see on a claim
    approved before a claim for an earlier date arrived."""
    if claim.status == "rejected":
        return None
    found = _mileage_changes(claim.contributor_id, claim.tax_year).get(claim.id)
    if found is None or all(line.allowed_pence == now for line, now in found[1]):
        return None
    lines = db.session().scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id,
                                                         ClaimLine.kind == "mileage")).all()
    now = {line.id: pence for line, pence in found[1]}
    return (sum(line.claimed_pence for line in lines), sum(now.get(line.id, line.claimed_pence) for line in lines))


def _reprice_later(sent: Claim, by: Actor) -> None:
    """``sent`` has just arrived: the person's claims after it in the order things happened (in
    the same tax year) are priced again. Not yet approved: their mileage lines and totals change,
    audited. Approved, sent or paid: nothing changes (a correction, never a silent change); the
    trail records what the mileage would come to, and the staff claim page shows it. The caller
    commits, with the send."""
    for claim, lines in _mileage_changes(sent.contributor_id, sent.tax_year).values():
        if _in_order(claim) <= _in_order(sent):
            continue  # only claims after this one can be moved by it
        before = sum(line.claimed_pence for line, _now in lines)
        after = sum(now for _line, now in lines)
        if claim.status not in NOT_YET_APPROVED:
            audit.record("claim.mileage_differs", "claim", claim.id, actor=by, before={"mileage": before},
                         after={"mileage": after, "because": sent.reference})
            continue
        was = {"expenses": claim.expenses_pence, "total": claim.total_pence}
        for line, now in lines:
            if line.allowed_pence == line.claimed_pence:  # an amount staff set, with a reason, stays theirs
                line.allowed_pence = now
            line.claimed_pence = now
        claim.expenses_pence = sum(db.session().scalars(select(ClaimLine.allowed_pence).where(
            ClaimLine.claim_id == claim.id)))
        claim.total_pence = claim.fee_pence + claim.expenses_pence
        claim.updated_at = utcnow()
        audit.record("claim.repriced", "claim", claim.id, actor=by, before=was,
                     after={"expenses": claim.expenses_pence, "total": claim.total_pence, "because": sent.reference})


# --- sending a claim --------------------------------------------------------------------------------

def submit(idempotency_key: str, payee: Contributor, submitted_by: Contributor | None, values: dict[str, Any],
           by: Actor) -> tuple[Claim, bool]:
    """Make the claim once per form: sending again (a double tap, a retry) returns the same claim.
    Returns (claim, made now). The caller commits (the route, with the draft marked sent)."""
    session = db.session()
    existing = session.scalar(select(Claim).where(Claim.idempotency_key == idempotency_key))
    if existing is not None:
        return existing, False
    day: date = values["activity_date"]
    role = session.get(Role, values["role_id"]) if values.get("role_id") else None
    pays = role.payment_level if role is not None else ""
    choice = "voluntary" if pays == "voluntary" else values.get("payment_choice", "paid")
    priced = price(payee.id, day, Decimal(values.get("hours") or 0), values.get("preparation", "none"),
                   values.get("expenses", []), fee_wanted=choice != "waive", role_pays=pays, quantity=values.get("quantity"))
    held = priced.fee_pence if choice == "benefits_talk" else 0  # kept, not paid until the person says
    now = utcnow()
    claim = Claim(
        reference=unique_reference(), idempotency_key=idempotency_key, contributor_id=payee.id,
        submitted_by_id=submitted_by.id if submitted_by is not None else None, role_id=values.get("role_id"),
        activity=values["activity"], activity_date=day, tax_year=pricing.tax_year(day), status="submitted",
        payment_choice=choice, advance_requested=bool(values.get("advance")), rate_card_version=priced.card_version,
        fee_code=priced.fee_code, hours=Decimal(values.get("hours") or 0), preparation=values.get("preparation", "none"),
        fee_quantity=priced.quantity,
        rate_missing=priced.rate_missing,
        fee_pence=priced.fee_pence - held, claimed_fee_pence=priced.fee_pence, expenses_pence=priced.expenses_pence,
        total_pence=priced.total_pence - held, submitted_at=now, updated_at=now,
    )
    session.add(claim)
    session.flush()
    if choice == "benefits_talk":
        _hold_fee(claim, held, by)
    for line in priced.lines:
        session.add(ClaimLine(claim_id=claim.id, position=line["position"], kind=line["kind"],
                              description=line["description"], claimed_pence=line["claimed_pence"],
                              allowed_pence=line["allowed_pence"], vehicle=line.get("vehicle", ""),
                              miles=line.get("miles", Decimal(0)), passengers=line.get("passengers", 0),
                              mileage_from=line.get("mileage_from")))
    for receipt in session.scalars(select(Receipt).where(Receipt.draft_id == idempotency_key)):
        receipt.claim_id, receipt.draft_id = claim.id, None
    if any(line["kind"] == "mileage" and line["vehicle"] == "car" for line in priced.lines):
        session.flush()
        _reprice_later(claim, by)  # car miles for an earlier date move the claims after it
    audit.record("claim.submitted", "claim", claim.id, actor=by,
                 after={"reference": claim.reference, "payee": payee.id,
                        "filled_in_by": submitted_by.id if submitted_by else None, "total": claim.total_pence,
                        "rate_card": claim.rate_card_version})
    session.flush()
    return claim, True


# --- a fee on hold until the person has talked to us ---------------------------------------------

def _hold_fee(claim: Claim, pence: int, by: Actor) -> None:
    """Keep the fee as priced, on hold, and ask the team to talk with the person: a task for every
    such claim (the caller commits, with the claim)."""
    session = db.session()
    session.add(FeeHold(claim_id=claim.id, status="on_hold", pence=pence, created_at=utcnow()))
    db.forget(("fee_hold", claim.id))
    session.add(StaffTask(kind="benefits_talk", contributor_id=claim.contributor_id, created_at=utcnow(),
                          detail=claim.reference))
    audit.record("task.created", "contributor", claim.contributor_id, actor=by,
                 after={"task": "benefits_talk", "claim": claim.reference})


def fee_hold(claim: Claim) -> FeeHold | None:
    """The claim's fee on hold (and what the person chose), or ``None`` for any other claim."""
    # read once per request: get() asks the database again each time for a claim with no hold
    return db.per_request(("fee_hold", claim.id), lambda: db.session().get(FeeHold, claim.id))


def fee_holds(claim_ids: list[int]) -> dict[int, str]:
    """Claim id -> where its fee hold is, for the claims among ``claim_ids`` that have one."""
    if not claim_ids:
        return {}
    return {claim_id: status for claim_id, status in db.session().execute(
        select(FeeHold.claim_id, FeeHold.status).where(FeeHold.claim_id.in_(claim_ids)))}


def fee_choices(claim: Claim, staff: StaffUser) -> list[str]:
    """What ``staff`` may record that the person chose for this claim's held fee (none: not theirs)."""
    hold = fee_hold(claim)
    if hold is None or claim.status == "rejected" or conflict(staff, claim):
        return []
    return FEE.next(hold.status, staff.role)


def release_fee(claim: Claim, to: str, staff: StaffUser) -> None:
    """Record what the person chose for their held fee, after talking with the team: "paid" (the
    fee is paid: with the claim, or on its own row in the next finance export if the claim has
    gone already), "paid_later" (still held, at their wish) or "declined". Audited as the staff
    member who recorded it, under the four-eyes rules of deciding a claim. The caller commits."""
    hold = fee_hold(claim)
    if hold is None:
        raise NotAllowed("this claim's fee is not on hold")
    FEE.check(hold.status, to, staff.role)
    why = conflict(staff, claim)
    if why:
        raise NotAllowed(f"this person may not decide this claim: {why}")
    if claim.status == "rejected":
        raise NotAllowed("a claim that was not approved pays no fee")
    hold.decided_by_id, hold.decided_at = staff.id, utcnow()
    before = {"fee": claim.fee_pence, "total": claim.total_pence}
    if to == "paid":
        hold.pay_separately = claim.status in ("sent", "paid")  # its claim's row has gone to finance
        claim.fee_pence = hold.pence
        claim.total_pence = claim.fee_pence + claim.expenses_pence
        claim.updated_at = utcnow()
    FEE.move(hold, to, staff.role, ("staff", staff.id, staff.email), event=f"claim.fee_{to}", before=before,
             after={"outcome": to, "fee": claim.fee_pence, "total": claim.total_pence})


# --- changes of state -----------------------------------------------------------------------------

def _accounts_of(staff: StaffUser) -> list[int]:
    """Every staff account that is the same person as ``staff``."""
    return [user.id for user in staff_users() if same_person(user, staff)]


def staff_users() -> list[StaffUser]:
    """Every staff account, read once per request (the claim page names them and checks four eyes)."""
    return db.per_request("staff_users", lambda: list(db.session().scalars(select(StaffUser))))


class ForSomeone(Protocol):
    """Money asked for in someone's name (a claim, an advance): whose, and who filled it in."""

    contributor_id: int
    submitted_by_id: int | None


def own_claim(staff: StaffUser, claim: ForSomeone) -> bool:
    """Is this staff member the payee or the person who filled it in (of a claim or an advance):
    their linked contributor record, or the same mailbox?"""
    people = [i for i in (claim.contributor_id, claim.submitted_by_id) if i]
    if staff.contributor_id is not None and staff.contributor_id in people:
        return True
    emails = db.per_request(("emails", *people), lambda: db.session().scalars(
        select(Contributor.email).where(Contributor.id.in_(people))).all())
    return same_mailbox(staff.email) in {same_mailbox(e) for e in emails if e}


def unique_reference() -> str:
    """A reference no form, claim or advance has yet: one series, so a reference names one thing."""
    from app.claims.models import Advance

    session = db.session()
    while True:
        reference = drafts.new_reference()
        if not any(session.scalar(select(model.id).where(model.reference == reference)) is not None
                   for model in (drafts.Draft, Claim, Advance)):
            return reference


def conflict(staff: StaffUser, claim: ForSomeone) -> str | None:
    """Why ``staff`` may not decide this claim (or advance), or ``None``.

    Nobody decides their own claim; and nobody who acted for the person or changed anything of
    theirs (bank details above all) in the last ``FOUR_EYES_DAYS`` days decides their claims:
    every audited change a staff member makes to a person's record counts.
    """
    if own_claim(staff, claim):
        return "their own claim"
    from app.claims.models import Advance

    since = utcnow() - timedelta(days=current_app.config["SETTINGS"].four_eyes_days)
    accounts = _accounts_of(staff)
    recent = select(AuditEvent.id).where(
        AuditEvent.actor_type == "staff", AuditEvent.actor_id.in_(accounts),
        AuditEvent.record_type == "contributor",
        AuditEvent.record_id == str(claim.contributor_id), AuditEvent.at >= since)
    # Cash handed over on the day by this person, taken off this claim: four eyes on cash too.
    gave_cash = select(Advance.id).where(
        Advance.claim_id == (claim.id if isinstance(claim, Claim) and claim.id is not None else -1),
        Advance.cash.is_(True), Advance.given_by_id.in_(accounts))
    acted, gave = db.session().execute(select(recent.exists(), gave_cash.exists())).one()  # one statement
    if gave:
        return "they gave the cash taken off this claim"
    return "they acted for the person or changed their details recently" if acted else None


def transition(claim: Claim, to: str, staff: StaffUser, note: str = "",
               line_changes: dict[int, tuple[int, str]] | None = None, paid_on: date | None = None,
               fee_change: tuple[int, str] | None = None,
               payment_reference: str = "") -> int | None:
    """Move ``claim`` to ``to`` as ``staff``; returns the queued email's id (if any)."""
    CLAIM.check(claim.status, to, staff.role)
    why = conflict(staff, claim) if to in ("approved", "rejected") else None
    if why:
        raise NotAllowed(f"this person may not decide this claim: {why}")
    if to in ("query", "rejected") and not note.strip():
        raise NotAllowed("a question or a reason is needed")
    session = db.session()
    before = {"total": claim.total_pence}
    if to == "approved":
        lines = {line.id: line for line in session.scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id))}
        changed = False
        for line_id, (allowed, reason) in (line_changes or {}).items():
            line = lines[line_id]
            if allowed != line.allowed_pence:
                if not reason.strip():
                    raise NotAllowed("say why an amount changed")
                if allowed < 0:
                    raise NotAllowed("an amount cannot be negative")
                line.allowed_pence, line.change_reason, changed = allowed, reason, True
        if fee_change is not None and fee_change[0] != claim.fee_pence:
            if not fee_change[1].strip():
                raise NotAllowed("say why the fee changed")
            if fee_change[0] < 0:
                raise NotAllowed("a fee cannot be negative")
            claim.fee_pence, claim.fee_note, changed = fee_change[0], fee_change[1], True
        claim.expenses_pence = sum(line.allowed_pence for line in lines.values())
        claim.total_pence = claim.fee_pence + claim.expenses_pence
        more = claim.fee_pence > claim.claimed_fee_pence or any(
            line.allowed_pence > line.claimed_pence for line in lines.values())
        first = session.get(StaffUser, claim.first_approved_by_id) if claim.first_approved_by_id else None
        if more and (changed or first is None or same_person(first, staff)):
            # More than was claimed: this approval waits for someone else's (who may not change it).
            if first is not None and same_person(first, staff) and not changed:
                raise NotAllowed("a second approver must be someone else")
            claim.first_approved_by_id, claim.first_approved_at, claim.updated_at = staff.id, utcnow(), utcnow()
            audit.record("claim.first_approval", "claim", claim.id, actor=("staff", staff.id, staff.email),
                         before=before | {"status": claim.status},
                         after={"total": claim.total_pence, "waiting_for": "a second approver"})
            session.commit()
            return None
        claim.approved_by_id, claim.approved_at = staff.id, utcnow()
    if to == "paid":
        claim.paid_on, claim.payment_reference = paid_on or date.today(), payment_reference
    if to in ("query", "rejected", "approved"):
        claim.decision_note = note
    if to == "query":
        session.add(ClaimMessage(claim_id=claim.id, from_staff_id=staff.id, text=note, created_at=utcnow()))
    claim.updated_at = utcnow()
    message_id = CLAIM.move(claim, to, staff.role, ("staff", staff.id, staff.email), before=before,
                            after={"total": claim.total_pence} | ({"note": note} if note else {}),
                            notify=lambda: _email(claim, to, note))
    session.commit()
    return message_id


def reply(claim: Claim, writer: Contributor, text: str, by: Actor) -> None:
    """The person (or a supporter they allowed, credited as the writer) answers a query: the
    claim goes back to the team. The caller commits."""
    CLAIM.move(claim, "submitted", PERSON, by, event="claim.replied")
    db.session().add(ClaimMessage(claim_id=claim.id, from_contributor_id=claim.contributor_id,
                                  written_by_id=writer.id, text=text, created_at=utcnow()))
    claim.updated_at = utcnow()


def writers(messages: list[ClaimMessage]) -> dict[int, str]:
    """The names of who wrote each reply, by contributor id, for "X, on behalf of Y"."""
    ids = {m.written_by_id for m in messages if m.written_by_id} | {
        m.from_contributor_id for m in messages if m.from_contributor_id}
    if not ids:
        return {}
    return {c.id: c.display_name for c in db.session().scalars(select(Contributor).where(Contributor.id.in_(ids)))}


def _email(claim: Claim, to: str, note: str, person: Contributor | None = None,
           link: str | None = None) -> int | None:
    template = {"query": "query", "approved": "decision", "rejected": "decision", "sent": "sent",
                "paid": "paid"}.get(to)
    person = person or db.session().get(Contributor, claim.contributor_id)
    if template is None or person is None:
        return None
    message = notify.notify(person, template, {
        "title": claim.activity, "reference": claim.reference, "message": note, "approved": to == "approved",
        "amount": claim.total_pence, "date": claim.paid_on, "link": link or mail.absolute_url("account.home")},
        purpose=f"claim_{to}")
    db.session().flush()
    return message.id if message is not None else None


def notify_sent(limit: int = 500) -> list[int]:
    """Queue "sent for payment" emails for exported claims, ``limit`` claims at a time.

    The export itself only freezes rows (it must stay quick and constant-memory for 100k
    claims), so the emails follow here: after the export request and in the mail worker.
    Each chunk's emails and the batch's progress are committed together, so nobody is told
    twice or skipped, however often this runs. Returns the queued messages' ids.
    """
    session = db.session()
    ids: list[int] = []
    link = mail.absolute_url("account.home")
    while len(ids) < limit:
        batch = session.scalar(select(PaymentBatch).where(PaymentBatch.notified_at.is_(None))
                               .order_by(PaymentBatch.id).limit(1).with_for_update(skip_locked=True))
        if batch is None:
            break
        wanted = limit - len(ids)
        rows = session.execute(
            select(Claim, Contributor).join(Contributor, Contributor.id == Claim.contributor_id)
            .where(Claim.batch_id == batch.id, Claim.id > (batch.notified_up_to or 0))
            .order_by(Claim.id).limit(wanted)).all()
        for claim, person in rows:
            message_id = _email(claim, "sent", "", person=person, link=link)
            if message_id is not None:
                ids.append(message_id)
        if rows:
            batch.notified_up_to = rows[-1][0].id
        if len(rows) < wanted:  # everyone in this batch has been told
            batch.notified_at = utcnow()
        session.commit()
    return ids





def add_mileage_rates(rates: pricing.MileageRates, by: Actor) -> MileageRateVersion:
    """New dated mileage rates; claim lines keep the date of the rates they were priced with."""
    session = db.session()
    latest = session.scalar(select(MileageRateVersion).order_by(MileageRateVersion.effective_from.desc()).limit(1))
    if latest is not None and rates.effective_from <= latest.effective_from:
        raise NotAllowed("new mileage rates must start after the current ones")
    row = MileageRateVersion(effective_from=rates.effective_from, car_pence=rates.car_pence,
                             car_after_pence=rates.car_after_pence, car_threshold_miles=rates.car_threshold_miles,
                             passenger_pence=rates.passenger_pence, motorcycle_pence=rates.motorcycle_pence,
                             bicycle_pence=rates.bicycle_pence, created_by=by[2], created_at=utcnow())
    session.add(row)
    audit.record("mileage_rates.added", "mileage_rates", rates.effective_from.isoformat(), actor=by,
                 after={"car": rates.car_pence, "car_after": rates.car_after_pence,
                        "threshold": rates.car_threshold_miles, "passenger": rates.passenger_pence,
                        "motorcycle": rates.motorcycle_pence, "bicycle": rates.bicycle_pence})
    session.commit()
    return row
