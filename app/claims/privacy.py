"""Claims in "your data": the export (with the receipt files), erasure, and the finance retention.

**How long a claim is kept.** ``RETENTION_CLAIM_YEARS`` counted from the end of the UK tax year
(5 April) in which the claim was decided: the day it was marked paid (``paid_on``); for a claim
sent for payment and never marked paid, or one not approved, the day (UK time) of that last
change of state (``updated_at``: nothing changes a claim after it). A claim paid on 15 June 2019
is in tax year 2019-20, which ends on 5 April 2020; with 6 years it is kept to 5 April 2026 and
removed by the retention job from 6 April 2026. Claims still open (sent to the team, with a
question, approved and waiting for the finance export) are kept however old they are.

**What erasure keeps.** Within that period finance must be able to show what was paid, when,
for what and on whose approval, so an erased person's claim keeps its reference, dates, status,
amounts (fee, each expense line's kind, claimed and allowed amounts, miles), rate card, tax year,
approvals, payment reference and the team's reasons for a changed amount. It loses everything
that identifies or was written by the person: the name and contact details (on their blanked
account), the activity when they typed it themselves (a role's title stays), what they wrote
on each expense line, the messages, and every receipt (rows and files). The frozen finance row
(``Claim.export_row``) keeps its amounts, tax year, cost code and approver and loses the payee
name and bank details: the payment itself is in the bank's and finance's own records, and a
batch downloaded again shows those columns empty. Claims already past the period are deleted
whole, as the retention job would.

Services here never commit: ``flask retention`` and the erasure route do, and stored files go
only after that commit (``storage.delete_after_commit``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import and_, delete, or_, select, update

from app import crypto, db, storage
from app.account import drafts
from app.account.models import Contributor
from app.account.service import masked_details
from app.claims import pricing
from app.claims.export import pounds
from app.claims.models import Advance, Claim, ClaimLine, ClaimMessage, FeeHold, Receipt
from app.plugs import Plugs

UK = ZoneInfo("Europe/London")
#: States after which nothing more happens to a claim: its retention period runs from then.
DECIDED = ("paid", "sent", "rejected")
#: What an erased person's frozen finance row loses (the rest stays for finance).
PAYEE_COLUMNS = ("payee_name", "sort_code", "account_number", "roll_number")
SUFFIXES = {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}


# --- the finance retention ----------------------------------------------------------------------------

def kept_until(decided_on: date, years: int) -> date:
    """The last day a claim decided on ``decided_on`` is kept: 5 April ending its tax year, plus ``years``."""
    return date(pricing.tax_year(decided_on) + 1 + years, 4, 5)


def last_decided_day_to_remove(today: date, years: int) -> date:
    """Claims decided on or before this day are past their retention on ``today``.

    ``kept_until(d) < today`` holds exactly when ``d`` is in a tax year that ended ``years``
    years before the last 5 April before ``today``, i.e. ``d`` is on or before that 5 April.
    """
    last_end = date(today.year if (today.month, today.day) > (4, 5) else today.year - 1, 4, 5)
    return date(last_end.year - years, 4, 5)


def _decided_by(day: date, record: Any = Claim) -> Any:
    """Decided (paid, sent, not approved) on or before the UK ``day``: portable SQL, no date functions.
    ``record`` is ``Claim`` or ``Advance`` (an advance is kept exactly as a claim is)."""
    next_midnight = datetime.combine(day + timedelta(days=1), time(), tzinfo=UK).astimezone(timezone.utc)
    return and_(record.status.in_(DECIDED), or_(
        record.paid_on <= day, and_(record.paid_on.is_(None), record.updated_at < next_midnight)))


def _expired(today: date | None = None, record: Any = Claim) -> Any:
    years = current_app.config["SETTINGS"].retention_claim_years
    return _decided_by(last_decided_day_to_remove(today or datetime.now(UK).date(), years), record)


def _delete_claims(claims: Any) -> int:
    """Delete the claims selected by ``claims`` (a SELECT of ids) with their lines, messages and receipts."""
    session = db.session()
    storage.delete_after_commit(session.scalars(select(Receipt.storage_key).where(Receipt.claim_id.in_(claims))))
    session.execute(delete(Receipt).where(Receipt.claim_id.in_(claims)))
    session.execute(delete(ClaimMessage).where(ClaimMessage.claim_id.in_(claims)))
    session.execute(delete(ClaimLine).where(ClaimLine.claim_id.in_(claims)))
    session.execute(delete(FeeHold).where(FeeHold.claim_id.in_(claims)))
    session.execute(update(Advance).where(Advance.claim_id.in_(claims)).values(claim_id=None))
    return int(session.execute(delete(Claim).where(Claim.id.in_(claims))).rowcount or 0)  # type: ignore[attr-defined]


def delete_expired(today: date | None = None) -> int:
    """The ``claims`` retention job: claims past the finance retention, with everything on them."""
    return _delete_claims(select(Claim.id).where(_expired(today)))


def delete_expired_advances(today: date | None = None) -> int:
    """The ``advances`` retention job: advances past the finance retention (counted as claims are)."""
    return int(db.session().execute(delete(Advance).where(_expired(today, Advance))).rowcount or 0)  # type: ignore[attr-defined]


# --- erasure ------------------------------------------------------------------------------------------

def erase(person: Contributor) -> None:
    """Their claims past the retention go; the rest keep what finance needs and nothing of the person.

    Claims they filled in for someone else stay that person's (with their receipts, now owned by the
    payee); only the link to who filled them in goes. Words they wrote on someone else's claim stay
    with that claim, written by nobody named.
    """
    session = db.session()
    theirs = select(Claim.id).where(Claim.contributor_id == person.id)
    _delete_claims(select(Claim.id).where(Claim.contributor_id == person.id, _expired()))
    storage.delete_after_commit(session.scalars(select(Receipt.storage_key).where(
        or_(Receipt.claim_id.in_(theirs), and_(Receipt.owner_id == person.id, Receipt.claim_id.is_(None))))))
    session.execute(delete(Receipt).where(
        or_(Receipt.claim_id.in_(theirs), and_(Receipt.owner_id == person.id, Receipt.claim_id.is_(None)))))
    session.execute(delete(ClaimMessage).where(ClaimMessage.claim_id.in_(theirs)))
    session.execute(update(ClaimLine).where(ClaimLine.claim_id.in_(theirs)).values(description=""))
    session.execute(update(Claim).where(Claim.contributor_id == person.id, Claim.role_id.is_(None))
                    .values(activity=""))
    for claim_id, row in session.execute(select(Claim.id, Claim.export_row).where(
            Claim.contributor_id == person.id, Claim.export_row.is_not(None))).all():
        frozen = crypto.decrypt_json(row) | {column: "" for column in PAYEE_COLUMNS}
        session.execute(update(Claim).where(Claim.id == claim_id).values(export_row=crypto.encrypt_json(frozen)))
    for claim_id, row in session.execute(select(FeeHold.claim_id, FeeHold.export_row).where(
            FeeHold.claim_id.in_(select(Claim.id).where(Claim.contributor_id == person.id)),
            FeeHold.export_row.is_not(None))).all():  # a fee paid on its own row: the same
        frozen = crypto.decrypt_json(row) | {column: "" for column in PAYEE_COLUMNS}
        session.execute(update(FeeHold).where(FeeHold.claim_id == claim_id).values(
            export_row=crypto.encrypt_json(frozen)))
    # Their advances as their claims: past the retention deleted; within it amounts kept, their words gone.
    session.execute(delete(Advance).where(Advance.contributor_id == person.id, _expired(record=Advance)))
    session.execute(update(Advance).where(Advance.contributor_id == person.id).values(reason="", answer=""))
    session.execute(update(Advance).where(Advance.contributor_id == person.id, Advance.role_id.is_(None),
                                          Advance.meeting_id.is_(None)).values(activity=""))
    for advance_id, row in session.execute(select(Advance.id, Advance.export_row).where(
            Advance.contributor_id == person.id, Advance.export_row.is_not(None))).all():
        frozen = crypto.decrypt_json(row) | {column: "" for column in PAYEE_COLUMNS}
        session.execute(update(Advance).where(Advance.id == advance_id).values(export_row=crypto.encrypt_json(frozen)))
    session.execute(update(Advance).where(Advance.submitted_by_id == person.id).values(submitted_by_id=None))
    # What they did for other people.
    session.execute(update(Receipt).where(Receipt.owner_id == person.id).values(owner_id=select(
        Claim.contributor_id).where(Claim.id == Receipt.claim_id).scalar_subquery()))
    session.execute(update(Claim).where(Claim.submitted_by_id == person.id).values(submitted_by_id=None))
    session.execute(update(ClaimMessage).where(ClaimMessage.written_by_id == person.id).values(written_by_id=None))


def forget_draft_receipts(public_ids: Any) -> None:
    """Drafts are being deleted (expired, discarded, erased): their receipts go too (``Plugs.on_draft_delete``)."""
    session = db.session()
    storage.delete_after_commit(session.scalars(select(Receipt.storage_key).where(Receipt.draft_id.in_(public_ids))))
    session.execute(delete(Receipt).where(Receipt.draft_id.in_(public_ids)))


# --- the export ---------------------------------------------------------------------------------------

def _file(receipt: Receipt, folder: str) -> str:
    """Where a receipt sits in the export's ZIP (the name the person gave it is in the document)."""
    return f"receipts/{folder}/{receipt.id}{SUFFIXES.get(receipt.content_type, '')}"


def _receipts_for(person: Contributor) -> list[tuple[str, Receipt]]:
    """The person's receipts, by their folder in the ZIP: on their own claims, and in their unsent
    claim forms (their own, or one someone fills in for them). Read once per request: the export
    lists them with the claims and again as "not yet sent"."""
    return db.per_request(("export_receipts", person.id), lambda: _read_receipts_for(person))


def _read_receipts_for(person: Contributor) -> list[tuple[str, Receipt]]:
    session = db.session()
    on_claims = session.execute(select(Claim.reference, Receipt).join(Receipt, Receipt.claim_id == Claim.id)
                                .where(Claim.contributor_id == person.id).order_by(Receipt.id)).all()
    forms = select(drafts.Draft.public_id).where(
        or_(drafts.Draft.owner_id == person.id, drafts.Draft.subject_id == person.id),
        drafts.Draft.submitted_at.is_(None))
    in_forms = session.scalars(select(Receipt).where(Receipt.draft_id.in_(forms)).order_by(Receipt.id)).all()
    return [(reference, receipt) for reference, receipt in on_claims] + [("not-yet-sent", r) for r in in_forms]


def files(person: Contributor) -> list[tuple[str, str]]:
    """(path in the ZIP, storage key) of every receipt in the person's export."""
    return [(_file(receipt, folder), receipt.storage_key) for folder, receipt in _receipts_for(person)]


def _receipt(receipt: Receipt, folder: str) -> dict[str, Any]:
    return {"name": receipt.name, "file": _file(receipt, folder), "added": receipt.created_at.isoformat(),
            "for_expense": receipt.line_position + 1 if receipt.line_position is not None else None}


def export(person: Contributor) -> list[dict[str, Any]]:
    """The person's claims (those paid to them, whoever filled them in): lines, messages, receipts.

    Bank details appear only masked (the frozen finance row's, when the claim went to finance).
    """
    session = db.session()
    claims = session.scalars(select(Claim).where(Claim.contributor_id == person.id).order_by(Claim.id)).all()
    ids = [claim.id for claim in claims]
    holds = {hold.claim_id: hold.status for hold in session.scalars(select(FeeHold).where(FeeHold.claim_id.in_(ids)))}
    lines: dict[int, list[ClaimLine]] = {}
    for line in session.scalars(select(ClaimLine).where(ClaimLine.claim_id.in_(ids)).order_by(ClaimLine.position)):
        lines.setdefault(line.claim_id, []).append(line)
    messages: dict[int, list[ClaimMessage]] = {}
    for message in session.scalars(select(ClaimMessage).where(ClaimMessage.claim_id.in_(ids))
                                   .order_by(ClaimMessage.id)):
        messages.setdefault(message.claim_id, []).append(message)
    receipts: dict[str, list[dict[str, Any]]] = {}
    for folder, receipt in _receipts_for(person):
        receipts.setdefault(folder, []).append(_receipt(receipt, folder))

    def writer(message: ClaimMessage) -> str:
        if message.from_staff_id is not None or message.from_contributor_id is None:
            return "the team"
        return "you" if message.written_by_id == person.id else "someone who helps you"

    def frozen_bank(claim: Claim) -> dict[str, str] | None:
        if not claim.export_row:
            return None
        row = crypto.decrypt_json(claim.export_row)
        if not row.get("account_number"):
            return None
        return masked_details({"account_name": row.get("payee_name", ""), "sort_code": row.get("sort_code", ""),
                               "account_number": row["account_number"], "roll_number": row.get("roll_number", "")})

    return [{
        "reference": c.reference, "for": c.activity, "role": c.role_id, "activity_date": c.activity_date.isoformat(),
        "tax_year": pricing.tax_year_label(c.tax_year), "status": c.status, "sent": c.submitted_at.isoformat(),
        "filled_in_by_someone_who_helps_you": c.submitted_by_id not in (None, person.id),
        "payment_choice": c.payment_choice, "fee_after_talking_with_us": holds.get(c.id),
        "advance_requested": c.advance_requested, "hours": str(c.hours),
        "preparation": c.preparation, "fee_claimed": pounds(c.claimed_fee_pence), "fee": pounds(c.fee_pence),
        "fee_changed_because": c.fee_note, "expenses": pounds(c.expenses_pence), "total": pounds(c.total_pence),
        "decision": c.decision_note, "approved": c.approved_at.isoformat() if c.approved_at else None,
        "paid_on": c.paid_on.isoformat() if c.paid_on else None, "payment_reference": c.payment_reference,
        "paid_to": frozen_bank(c),
        "kept_until": None if c.status not in DECIDED else kept_until(
            c.paid_on or c.updated_at.astimezone(UK).date(),
            current_app.config["SETTINGS"].retention_claim_years).isoformat(),
        "lines": [{"kind": line.kind, "description": line.description, "claimed": pounds(line.claimed_pence),
                   "allowed": pounds(line.allowed_pence), "changed_because": line.change_reason,
                   "vehicle": line.vehicle, "miles": str(line.miles), "passengers": line.passengers}
                  for line in lines.get(c.id, [])],
        "messages": [{"from": writer(m), "when": m.created_at.isoformat(), "text": m.text}
                     for m in messages.get(c.id, [])],
        "receipts": receipts.get(c.reference, []),
    } for c in claims]


def export_advances(person: Contributor) -> list[dict[str, Any]]:
    """Money the person asked for before a meeting (whoever filled it in), and what became of it."""
    rows = db.session().execute(select(Advance, Claim.reference).outerjoin(Claim, Claim.id == Advance.claim_id)
                                .where(Advance.contributor_id == person.id).order_by(Advance.id)).all()
    return [{
        "reference": a.reference, "for": a.activity, "role": a.role_id, "meeting": a.meeting_id,
        "activity_date": a.activity_date.isoformat(), "tax_year": pricing.tax_year_label(a.tax_year),
        "what_for": a.kind, "asked_for": pounds(a.asked_pence), "amount": pounds(a.pence), "why": a.reason,
        "status": a.status, "asked": a.submitted_at.isoformat(),
        "filled_in_by_someone_who_helps_you": a.submitted_by_id not in (None, person.id),
        "amount_changed_because": a.change_reason, "team_said": a.decision_note, "your_answer": a.answer,
        "paid_on": a.paid_on.isoformat() if a.paid_on else None, "taken_off_claim": claim_reference,
    } for a, claim_reference in rows]


def export_sent_for_others(person: Contributor) -> list[dict[str, Any]]:
    """Claims the person filled in for someone else: the reference, when, and the replies they wrote.

    The claim itself is the payee's (amounts changed since, their bank details, their receipts):
    it is in the payee's export, not the helper's.
    """
    session = db.session()
    claims = session.scalars(select(Claim).where(Claim.submitted_by_id == person.id,
                                                 Claim.contributor_id != person.id).order_by(Claim.id)).all()
    replies: dict[int, list[dict[str, str]]] = {}
    for message in session.scalars(select(ClaimMessage).where(
            ClaimMessage.written_by_id == person.id, ClaimMessage.from_contributor_id != person.id)
            .order_by(ClaimMessage.id)):
        replies.setdefault(message.claim_id, []).append({"when": message.created_at.isoformat(),
                                                         "text": message.text})
    return [{"reference": c.reference, "sent": c.submitted_at.isoformat(), "your_replies": replies.get(c.id, [])}
            for c in claims]


def receipts_not_yet_sent(person: Contributor) -> list[dict[str, Any]]:
    """Receipts added to claim forms not sent yet (the forms themselves are in ``forms_in_progress``)."""
    return [_receipt(receipt, folder) for folder, receipt in _receipts_for(person) if folder == "not-yet-sent"]


# --- registration -------------------------------------------------------------------------------------

def register(p: Plugs) -> None:
    """What this room adds to "your data", erasure, retention and deleting drafts (``app.plugs``)."""
    p.exports.update(claims=export, money_before_meetings=export_advances,
                     claims_you_sent_for_someone_else=export_sent_for_others,
                     receipts_not_yet_sent=receipts_not_yet_sent)
    p.files.append(files)
    p.erasers.append(erase)
    p.retention["claims"] = delete_expired
    p.retention["advances"] = delete_expired_advances
    p.on_draft_delete.append(forget_draft_receipts)
    kept = ("RETENTION_CLAIM_YEARS after the end of the tax year (5 April) in which the claim was paid or "
            "decided, then deleted with its lines, messages and receipts")
    p.cover("claims", export="claims", retention=kept,
               erasure="past the retention: deleted; within it: kept for finance with amounts and dates, without "
                       "the person's words, the payee name or bank details in the frozen finance row; a helper's "
                       "link to a claim they filled in is removed")
    p.cover("advances", export="money_before_meetings", retention="RETENTION_CLAIM_YEARS after the end of the tax year (5 April) in which the "
                                                              "advance was paid or decided, then deleted",
            erasure="past the retention: deleted; within it: kept for finance with amounts and dates, without "
                    "the person's words or the payee name and bank details in the frozen finance row; a helper's "
                    "link to an advance they asked for is removed")
    p.cover("claim_lines", export="claims", retention=kept + " (with their claim)",
               erasure="kind and amounts kept for finance; what the person wrote is removed")
    p.cover("fee_holds", export="claims", retention=kept + " (with their claim)",
               erasure="what the person chose is kept for finance; a fee's own frozen finance row loses the payee "
                       "name and bank details, as the claim's does")
    p.cover("claim_messages", export="claims", retention=kept + " (with their claim)",
               erasure="deleted on the person's claims; on someone else's claim their words stay, written by "
                       "nobody named")
    p.cover("receipts", export="claims", retention=kept + " (with their claim); a receipt in an unsent form "
                                                      "goes when the form expires (DRAFT_DAYS) or is deleted",
               erasure="deleted, rows and files (after the commit); one they added to someone else's claim "
                       "stays with that claim, owned by its payee")
