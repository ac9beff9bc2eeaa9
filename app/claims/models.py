"""Claims and what prices them: dated rate cards and mileage rates, expense settings,
claims with their lines, receipts, messages, and finance payment batches.

Money is integer pence everywhere. A claim line keeps the rate-card (or mileage-rate)
version it was priced with, so a later uplift never changes an old claim.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from app.crypto import ENCRYPTED
from app.db import Base, UTCDateTime

#: Where a claim is. "query" waits for the person; "sent" means exported to finance.
STATUSES = ("submitted", "query", "approved", "rejected", "sent", "paid")
PAYMENT_CHOICES = ("paid", "waive", "benefits_talk")
#: A fee on hold ("talk about benefits first") and what the person chose after talking to the team.
FEE_HOLD_STATES = ("on_hold", "paid", "paid_later", "declined")


class RateCardVersion(Base):
    __tablename__ = "rate_card_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    version: Mapped[int] = mapped_column(Integer, unique=True)
    effective_from: Mapped[date] = mapped_column(Date, unique=True)
    note: Mapped[str] = mapped_column(Text, default="")
    # Where one tier ends and the next begins (app.claims.pricing.suggest_tier), per version.
    short_hours: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("1.5"), server_default="1.5")
    long_hours: Mapped[Decimal] = mapped_column(Numeric(4, 2), default=Decimal("4.5"), server_default="4.5")
    more_preparation: Mapped[str] = mapped_column(String(20), default="substantial", server_default="substantial")
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class RateCardRate(Base):
    __tablename__ = "rate_card_rates"
    __table_args__ = (UniqueConstraint("card_id", "code", name="uq_rate_card_rates_card_id_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    card_id: Mapped[int] = mapped_column(ForeignKey("rate_card_versions.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    kind: Mapped[str] = mapped_column(String(10))  # tier | hourly | session | task
    pence: Mapped[int] = mapped_column(Integer)
    label: Mapped[str] = mapped_column(String(200), default="")


class MileageRateVersion(Base):
    __tablename__ = "mileage_rate_versions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    effective_from: Mapped[date] = mapped_column(Date, unique=True)
    car_pence: Mapped[int] = mapped_column(Integer)
    car_after_pence: Mapped[int] = mapped_column(Integer)
    car_threshold_miles: Mapped[int] = mapped_column(Integer)
    passenger_pence: Mapped[int] = mapped_column(Integer)
    motorcycle_pence: Mapped[int] = mapped_column(Integer)
    bicycle_pence: Mapped[int] = mapped_column(Integer)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ExpenseSetting(Base):
    """An organisation's own cap and receipt rule for one kind of expense (defaults in pricing)."""

    __tablename__ = "expense_settings"

    code: Mapped[str] = mapped_column(String(30), primary_key=True)
    cap_pence: Mapped[int | None] = mapped_column(Integer)
    receipt_over_pence: Mapped[int | None] = mapped_column(Integer)
    active: Mapped[bool] = mapped_column(Boolean, default=True)


class PaymentBatch(Base):
    """One finance export: the claims in it are "sent", and downloading it again gives the same file."""

    __tablename__ = "payment_batches"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by: Mapped[str] = mapped_column(String(200))
    claims: Mapped[int] = mapped_column(Integer)
    total_pence: Mapped[int] = mapped_column(Integer)
    # "Sent for payment" emails go out in chunks after the export (``service.notify_sent``):
    notified_up_to: Mapped[int] = mapped_column(Integer, default=0, server_default="0")  # the last claim id told
    notified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # when everyone had been told


class Claim(Base):
    """A claim for payment for time and/or expenses, for one activity on one date."""

    __tablename__ = "claims"
    __table_args__ = (
        Index("ix_claims_status_submitted_at", "status", "submitted_at"),
        Index("ix_claims_contributor_id_tax_year", "contributor_id", "tax_year"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    idempotency_key: Mapped[str] = mapped_column(String(40), unique=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributors.id"), index=True)  # the payee
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id"))  # a supporter, if one
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id", ondelete="SET NULL"), index=True)
    activity: Mapped[str] = mapped_column(String(200))
    activity_date: Mapped[date] = mapped_column(Date)
    tax_year: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="submitted")
    payment_choice: Mapped[str] = mapped_column(String(20), default="paid")
    advance_requested: Mapped[bool] = mapped_column(Boolean, default=False)
    rate_card_version: Mapped[int | None] = mapped_column(Integer)
    fee_code: Mapped[str] = mapped_column(String(40), default="")  # a tier, a local rate's code, or "voluntary"
    fee_quantity: Mapped[Decimal | None] = mapped_column(Numeric(6, 2))  # sessions or tasks paid for
    # The role's local rate, when it was not on the card in force on the claim's date (priced by the tier).
    rate_missing: Mapped[str] = mapped_column(String(40), default="", server_default="")
    hours: Mapped[Decimal] = mapped_column(Numeric(6, 2), default=Decimal(0))
    preparation: Mapped[str] = mapped_column(String(20), default="none")
    fee_pence: Mapped[int] = mapped_column(Integer, default=0)
    claimed_fee_pence: Mapped[int] = mapped_column(Integer, default=0)  # the fee as priced when sent
    fee_note: Mapped[str] = mapped_column(Text, default="")  # staff's reason for a different fee
    expenses_pence: Mapped[int] = mapped_column(Integer, default=0)
    total_pence: Mapped[int] = mapped_column(Integer, default=0)
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"), index=True)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Approving more than was claimed takes two people: the first approval waits here.
    first_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    first_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str] = mapped_column(Text, default="")
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    export_row: Mapped[str | None] = mapped_column(Text, info=ENCRYPTED)  # the finance row as exported
    paid_on: Mapped[date | None] = mapped_column(Date)
    payment_reference: Mapped[str] = mapped_column(String(100), default="")
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class FeeHold(Base):
    """A claim's fee kept on hold until the person has talked to the team about payment and
    benefits, then released as they chose: paid, paid later, or declined. The claim's
    ``fee_pence`` is what is paid for time now (nothing while on hold); ``pence`` is the fee as
    priced. A fee released as paid after its claim went to finance goes in the next export on
    its own row (``batch_id``, ``export_row``)."""

    __tablename__ = "fee_holds"

    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="on_hold")
    pence: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Released as paid after its claim went to finance: the fee goes on its own row in the next export.
    pay_separately: Mapped[bool] = mapped_column(Boolean, default=False)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    export_row: Mapped[str | None] = mapped_column(Text, info=ENCRYPTED)  # the fee's own finance row

    @property
    def id(self) -> int:  # a machine audits the move against the claim
        return self.claim_id


class ClaimLine(Base):
    """One expense on a claim, with what was claimed and what was approved."""

    __tablename__ = "claim_lines"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))  # an expense code (app.claims.pricing.EXPENSE_CODES)
    description: Mapped[str] = mapped_column(Text, default="")
    claimed_pence: Mapped[int] = mapped_column(Integer)
    allowed_pence: Mapped[int] = mapped_column(Integer)
    vehicle: Mapped[str] = mapped_column(String(20), default="")
    miles: Mapped[Decimal] = mapped_column(Numeric(8, 1), default=Decimal(0))
    passengers: Mapped[int] = mapped_column(Integer, default=0)
    mileage_from: Mapped[date | None] = mapped_column(Date)  # the mileage-rate version used
    change_reason: Mapped[str] = mapped_column(Text, default="")


class Receipt(Base):
    """A cleaned receipt file in storage, for a claim (and one of its lines)."""

    __tablename__ = "receipts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    draft_id: Mapped[str | None] = mapped_column(String(24), index=True)  # before the claim is sent
    owner_id: Mapped[int] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"), index=True)
    line_position: Mapped[int | None] = mapped_column(Integer)
    storage_key: Mapped[str] = mapped_column(String(80))
    content_type: Mapped[str] = mapped_column(String(40))
    size: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClaimMessage(Base):
    """A staff question on a claim, or the person's reply."""

    __tablename__ = "claim_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    claim_id: Mapped[int] = mapped_column(ForeignKey("claims.id", ondelete="CASCADE"), index=True)
    from_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    from_contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="SET NULL"))
    # Who wrote a reply: the person, or a supporter on their behalf.
    written_by_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="SET NULL"))
    text: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


#: Where an advance is: asked for, a question back, approved (or not), sent to finance, paid.
ADVANCE_STATUSES = ("requested", "query", "approved", "rejected", "sent", "paid")


class Advance(Base):
    """Expenses paid before a meeting, for someone who cannot pay first (004 L637): what for,
    how much, and why, in the person's own words. Decided like a claim (four eyes), exported to
    finance like a claim (a row marked "advance")."""

    __tablename__ = "advances"
    __table_args__ = (Index("ix_advances_status_submitted_at", "status", "submitted_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributors.id"), index=True)  # the payee
    submitted_by_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id"))  # a supporter, if one
    role_id: Mapped[int | None] = mapped_column(ForeignKey("roles.id", ondelete="SET NULL"))
    meeting_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    activity: Mapped[str] = mapped_column(String(200))
    activity_date: Mapped[date] = mapped_column(Date)
    tax_year: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(30))  # an expense code (app.claims.pricing.EXPENSE_CODES)
    asked_pence: Mapped[int] = mapped_column(Integer)
    pence: Mapped[int] = mapped_column(Integer)  # what is paid: the amount asked, unless staff changed it
    reason: Mapped[str] = mapped_column(Text, default="")  # why, in the person's words
    status: Mapped[str] = mapped_column(String(20), default="requested")
    change_reason: Mapped[str] = mapped_column(Text, default="")  # staff's reason for a different amount
    decision_note: Mapped[str] = mapped_column(Text, default="")  # the team's question, or reason
    answer: Mapped[str] = mapped_column(Text, default="")  # the person's answer to the last question
    first_approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    first_approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    approved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    batch_id: Mapped[int | None] = mapped_column(ForeignKey("payment_batches.id"), index=True)
    export_row: Mapped[str | None] = mapped_column(Text, info=ENCRYPTED)  # the finance row as exported
    paid_on: Mapped[date | None] = mapped_column(Date)
    # The claim for the same day it is taken off (``advances.net_off``): never paid twice.
    claim_id: Mapped[int | None] = mapped_column(ForeignKey("claims.id", ondelete="SET NULL"), index=True)
    # Cash on the day: handed over by a member of staff (who then may not decide the claim it is
    # taken off), then confirmed, or denied, by the person or a supporter with the claims permission.
    cash: Mapped[bool] = mapped_column(Boolean, default=False)
    given_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="SET NULL"))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # A meeting that did not happen, or was missed: what staff chose ("recover", "carry_forward",
    # "convert"), and why, in words the person sees. Also the reason for "to recover" after netting.
    outcome: Mapped[str] = mapped_column(String(20), default="")
    outcome_reason: Mapped[str] = mapped_column(Text, default="")
    outcome_by_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
    outcome_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
