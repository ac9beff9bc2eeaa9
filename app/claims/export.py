"""The finance export: approved claims as CSV, in one stable, documented column layout.

Exporting is one transaction: a ``PaymentBatch`` is made, each claim's row is frozen
(encrypted, since it carries bank details) and the claims become "sent". The file is
always built from the frozen rows, so downloading a batch again gives the same bytes.
Rows are read and written in chunks: memory stays flat however many claims there are.
"""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from decimal import Decimal
from typing import Any, Iterator

from flask import current_app
from sqlalchemy import case, func, select, update

from app import audit, crypto, db
from app.account.models import Contributor
from app.claims import pricing
from app.claims.advances import ADVANCE, CASH_GIVEN, paid_out
from app.claims.models import Advance, Claim, FeeHold, PaymentBatch
from app.claims.service import CLAIM
from app.db import utcnow
from app.staff.models import StaffUser

#: The columns, in order. Change only by adding at the end: finance systems import by position.
COLUMNS = ("reference", "payee_name", "sort_code", "account_number", "roll_number", "amount", "fee", "expenses",
           "cost_code", "tax_year", "approved_by", "approved_at", "bank_details_changed", "payment",
           "advance_taken_off")
#: What each row pays (the "payment" column): a claim, a fee paid on its own after its claim, or
#: an advance (expenses paid before a meeting); a "cash" row pays nothing: it shows cash handed
#: over on the day (no bank details), so the books balance. A claim's "amount" is what is left to pay after
#: its advances ("advance_taken_off"), which cover expenses only, never below the fee.
CHUNK = 1000
DANGEROUS = ("=", "+", "-", "@", "\t", "\r")


def safe(value: str) -> str:
    """A cell a spreadsheet will not run as a formula: risky first characters get a leading apostrophe."""
    return "'" + value if value.startswith(DANGEROUS) else value


def pounds(pence: int) -> str:
    return str((Decimal(pence) / 100).quantize(Decimal("0.01")))


def _fees_waiting() -> Any:
    """Fees on hold the person chose to be paid after their claim had gone to finance: each goes
    on its own row ("<reference>-FEE") in the next export. A fee still on hold is never exported."""
    return FeeHold.status == "paid", FeeHold.pay_separately.is_(True), FeeHold.batch_id.is_(None)


def ready() -> tuple[int, int]:
    """How many payments are waiting for export (approved claims, and fees released after their
    claim was sent), and their total in pence."""
    ahead = (select(Advance.claim_id.label("claim"), func.sum(Advance.pence).label("pence"))
             .where(Advance.claim_id.is_not(None)).group_by(Advance.claim_id).subquery())
    taken_off = case((ahead.c.pence.is_(None), 0), (ahead.c.pence < Claim.expenses_pence, ahead.c.pence),
                     else_=Claim.expenses_pence)  # advances cover expenses, never the fee
    count, total = db.session().execute(
        select(func.count(), func.coalesce(func.sum(Claim.total_pence - taken_off), 0))
        .outerjoin(ahead, ahead.c.claim == Claim.id).where(Claim.status == "approved")).one()
    fees, fee_total = db.session().execute(select(func.count(), func.coalesce(func.sum(FeeHold.pence), 0))
                                           .where(*_fees_waiting())).one()
    ahead, ahead_total = db.session().execute(select(func.count(), func.coalesce(func.sum(Advance.pence), 0))
                                              .where(Advance.status == "approved")).one()
    return int(count) + int(fees) + int(ahead), int(total) + int(fee_total) + int(ahead_total)


def _last_paid() -> Any:
    """Each person's most recent payment: the day a claim was marked paid, or for one sent to
    finance and not yet marked paid, the day it was sent (a subquery)."""
    day = func.coalesce(Claim.paid_on, func.date(Claim.updated_at))
    return (select(Claim.contributor_id.label("person"), func.max(day).label("paid_on"))
            .where(Claim.status.in_(("sent", "paid"))).group_by(Claim.contributor_id).subquery())


def _changed_since_paid(last: Any) -> Any:
    """Bank details replaced after the person was last paid: finance checks before paying them."""
    return Contributor.bank_details_changed_at.is_not(None) & last.c.paid_on.is_not(None) & (
        func.date(Contributor.bank_details_changed_at) >= last.c.paid_on)


def changed_bank_details() -> int:
    """How many approved claims, ready to export, go to bank details changed since that person was last paid."""
    last = _last_paid()
    return int(db.session().scalar(
        select(func.count()).select_from(Claim).join(Contributor, Contributor.id == Claim.contributor_id)
        .join(last, last.c.person == Claim.contributor_id).where(Claim.status == "approved",
                                                                 _changed_since_paid(last))) or 0)


def make_batch(staff: StaffUser) -> PaymentBatch | None:
    """Freeze every approved claim into a new batch and mark them sent; ``None`` if there are none."""
    CLAIM.check("approved", "sent", staff.role)  # only finance exports (each claim's event: the batch's)
    session = db.session()
    count, total = ready()
    if not count:
        return None
    batch = PaymentBatch(created_at=utcnow(), created_by=staff.email, claims=count, total_pence=total)
    session.add(batch)
    session.flush()
    approvers = {s.id: s.email for s in session.scalars(select(StaffUser))}
    cost_code = current_app.config["SETTINGS"].finance_cost_code
    bank_of = lru_cache(maxsize=4096)(crypto.decrypt_json)  # one decryption per payee, not per claim
    last = _last_paid()
    ahead = (select(Advance.claim_id.label("claim"), func.sum(Advance.pence).label("pence"))
             .where(Advance.claim_id.is_not(None)).group_by(Advance.claim_id).subquery())
    last_id = 0
    while True:
        rows = session.execute(
            select(Claim.id, Claim.reference, Claim.total_pence, Claim.fee_pence, Claim.expenses_pence,
                   Claim.tax_year, Claim.approved_by_id, Claim.approved_at, Contributor.name,
                   Contributor.bank_details, _changed_since_paid(last).label("changed"),
                   func.coalesce(ahead.c.pence, 0).label("ahead"))
            .join(Contributor, Contributor.id == Claim.contributor_id)
            .outerjoin(last, last.c.person == Claim.contributor_id)
            .outerjoin(ahead, ahead.c.claim == Claim.id)
            .where(Claim.status == "approved", Claim.id > last_id).order_by(Claim.id).limit(CHUNK)).all()
        if not rows:
            break
        changes = []
        for row in rows:
            bank = bank_of(row.bank_details) if row.bank_details else {}
            taken_off = min(int(row.ahead), row.expenses_pence)  # advances cover expenses, never the fee
            frozen = {
                "reference": row.reference, "payee_name": bank.get("account_name") or row.name,
                "sort_code": bank.get("sort_code", ""), "account_number": bank.get("account_number", ""),
                "roll_number": bank.get("roll_number", ""), "amount": pounds(row.total_pence - taken_off),
                "fee": pounds(row.fee_pence), "expenses": pounds(row.expenses_pence), "cost_code": cost_code,
                "tax_year": pricing.tax_year_label(row.tax_year), "approved_by": approvers.get(row.approved_by_id, ""),
                "approved_at": row.approved_at.isoformat(timespec="seconds") if row.approved_at else "",
                "bank_details_changed": "yes" if row.changed else "", "payment": "claim",
                "advance_taken_off": pounds(taken_off) if taken_off else "",
            }
            changes.append({"id": row.id, "export_row": crypto.encrypt_json(frozen), "batch_id": batch.id,
                            "status": "sent", "updated_at": utcnow()})
        session.execute(update(Claim), changes)
        last_id = rows[-1].id
    _freeze_fees(batch, approvers, cost_code, bank_of, last)
    _freeze_advances(batch, approvers, cost_code, bank_of, last)
    _freeze_cash(batch, approvers, cost_code)
    audit.record("payment_batch.exported", "payment_batch", batch.id, actor=("staff", staff.id, staff.email),
                 after={"claims": count, "total": total})
    session.commit()
    return batch


def _freeze_fees(batch: PaymentBatch, approvers: dict[int, str], cost_code: str, bank_of: Any, last: Any) -> None:
    """Fees released as paid after their claim went to finance: a row each, fee only, recorded by
    whoever recorded the person's choice."""
    session = db.session()
    while True:
        rows = session.execute(
            select(FeeHold.claim_id, FeeHold.pence, FeeHold.decided_by_id, FeeHold.decided_at, Claim.reference,
                   Claim.tax_year, Contributor.name, Contributor.bank_details,
                   _changed_since_paid(last).label("changed"))
            .join(Claim, Claim.id == FeeHold.claim_id).join(Contributor, Contributor.id == Claim.contributor_id)
            .outerjoin(last, last.c.person == Claim.contributor_id)
            .where(*_fees_waiting()).order_by(FeeHold.claim_id).limit(CHUNK)).all()
        if not rows:
            break
        for row in rows:
            bank = bank_of(row.bank_details) if row.bank_details else {}
            frozen = {
                "reference": f"{row.reference}-FEE", "payee_name": bank.get("account_name") or row.name,
                "sort_code": bank.get("sort_code", ""), "account_number": bank.get("account_number", ""),
                "roll_number": bank.get("roll_number", ""), "amount": pounds(row.pence), "fee": pounds(row.pence),
                "expenses": pounds(0), "cost_code": cost_code, "tax_year": pricing.tax_year_label(row.tax_year),
                "approved_by": approvers.get(row.decided_by_id, ""),
                "approved_at": row.decided_at.isoformat(timespec="seconds") if row.decided_at else "",
                "bank_details_changed": "yes" if row.changed else "", "payment": "fee",
            }
            session.execute(update(FeeHold).where(FeeHold.claim_id == row.claim_id).values(
                batch_id=batch.id, export_row=crypto.encrypt_json(frozen)))


def _freeze_advances(batch: PaymentBatch, approvers: dict[int, str], cost_code: str, bank_of: Any,
                     last: Any) -> None:
    """Approved advances: a row each, all expenses (never income), marked "advance"; they become
    "sent" like the claims (the batch's event audits them)."""
    ADVANCE.check("approved", "sent", "finance")
    session = db.session()
    while True:
        rows = session.execute(
            select(Advance.id, Advance.reference, Advance.pence, Advance.tax_year, Advance.approved_by_id,
                   Advance.approved_at, Contributor.name, Contributor.bank_details,
                   _changed_since_paid(last).label("changed"))
            .join(Contributor, Contributor.id == Advance.contributor_id)
            .outerjoin(last, last.c.person == Advance.contributor_id)
            .where(Advance.status == "approved").order_by(Advance.id).limit(CHUNK)).all()
        if not rows:
            break
        changes = []
        for row in rows:
            bank = bank_of(row.bank_details) if row.bank_details else {}
            frozen = {
                "reference": row.reference, "payee_name": bank.get("account_name") or row.name,
                "sort_code": bank.get("sort_code", ""), "account_number": bank.get("account_number", ""),
                "roll_number": bank.get("roll_number", ""), "amount": pounds(row.pence), "fee": pounds(0),
                "expenses": pounds(row.pence), "cost_code": cost_code,
                "tax_year": pricing.tax_year_label(row.tax_year), "approved_by": approvers.get(row.approved_by_id, ""),
                "approved_at": row.approved_at.isoformat(timespec="seconds") if row.approved_at else "",
                "bank_details_changed": "yes" if row.changed else "", "payment": "advance",
            }
            changes.append({"id": row.id, "export_row": crypto.encrypt_json(frozen), "batch_id": batch.id,
                            "status": "sent", "updated_at": utcnow()})
        session.execute(update(Advance), changes)


def _freeze_cash(batch: PaymentBatch, approvers: dict[int, str], cost_code: str) -> None:
    """Cash handed over on the day, not yet in a file: a row each marked "cash", with the amount
    and no bank details, so the books balance. Not a payment (the money has left already): its
    state stays as it is, and the batch's totals leave it out."""
    session = db.session()
    while True:
        rows = session.execute(
            select(Advance.id, Advance.reference, Advance.pence, Advance.tax_year, Advance.given_by_id,
                   Advance.approved_at, Contributor.name)
            .join(Contributor, Contributor.id == Advance.contributor_id)
            .where(Advance.cash.is_(True), Advance.batch_id.is_(None), Advance.status.in_(CASH_GIVEN))
            .order_by(Advance.id).limit(CHUNK)).all()
        if not rows:
            break
        changes = []
        for row in rows:
            frozen = {
                "reference": row.reference, "payee_name": row.name, "sort_code": "", "account_number": "",
                "roll_number": "", "amount": pounds(row.pence), "fee": pounds(0), "expenses": pounds(row.pence),
                "cost_code": cost_code, "tax_year": pricing.tax_year_label(row.tax_year),
                "approved_by": approvers.get(row.given_by_id, ""),
                "approved_at": row.approved_at.isoformat(timespec="seconds") if row.approved_at else "",
                "bank_details_changed": "", "payment": "cash",
            }
            changes.append({"id": row.id, "export_row": crypto.encrypt_json(frozen), "batch_id": batch.id})
        session.execute(update(Advance), changes)


def batch_csv(batch_id: int) -> Iterator[str]:
    """The batch's file, a piece at a time: UTF-8 with a byte-order mark, for spreadsheets."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield "\ufeff" + flush()
    session = db.session()

    def frozen_rows(model: Any, key: Any) -> Iterator[str]:
        """The batch's frozen rows of ``model``, a chunk at a time, in ``key`` order."""
        last = 0
        while True:
            rows = session.execute(select(key, model.export_row).where(
                model.batch_id == batch_id, key > last).order_by(key).limit(CHUNK)).all()
            if not rows:
                return
            for row in rows:
                frozen = crypto.decrypt_json(row.export_row)
                writer.writerow([safe(str(frozen.get(column, ""))) for column in COLUMNS])
            last = rows[-1][0]
            yield flush()

    yield from frozen_rows(Claim, Claim.id)
    yield from frozen_rows(FeeHold, FeeHold.claim_id)  # fees paid on their own, after their claim
    yield from frozen_rows(Advance, Advance.id)  # expenses paid before a meeting, and cash on the day

def totals_by_person(tax_year: int, page: int = 1, per_page: int = 50
                     ) -> tuple[list[tuple[str, int, int, int, int]], int]:
    """What went to each person in a tax year (sent for payment or paid): (name, claims, fees,
    expenses, advances) rows, and how many people. Fees are income; expenses and advances are not."""
    paid = ("sent", "paid")
    claims = (select(Claim.contributor_id.label("person"), func.count(Claim.id).label("n"),
                     func.sum(Claim.fee_pence).label("fees"), func.sum(Claim.expenses_pence).label("expenses"))
              .where(Claim.tax_year == tax_year, Claim.status.in_(paid)).group_by(Claim.contributor_id).subquery())
    ahead = (select(Advance.contributor_id.label("person"), func.sum(Advance.pence).label("pence"))
             .where(Advance.tax_year == tax_year, paid_out())
             .group_by(Advance.contributor_id).subquery())
    base = (select(Contributor.name, func.coalesce(claims.c.n, 0), func.coalesce(claims.c.fees, 0),
                   func.coalesce(claims.c.expenses, 0), func.coalesce(ahead.c.pence, 0))
            .outerjoin(claims, claims.c.person == Contributor.id).outerjoin(ahead, ahead.c.person == Contributor.id)
            .where((claims.c.person.is_not(None)) | (ahead.c.person.is_not(None))))
    people = db.session().scalar(select(func.count()).select_from(base.subquery())) or 0
    rows = db.session().execute(base.order_by(Contributor.name, Contributor.id).limit(per_page)
                                .offset((page - 1) * per_page)).all()
    return [(name, int(n), int(fees), int(expenses), int(before)) for name, n, fees, expenses, before in rows], int(people)
