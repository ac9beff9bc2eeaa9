"""Contributors and their one-time sign-in tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.crypto import ENCRYPTED
from app.db import Base, UTCDateTime

CONTACT_CHANNELS = ("email", "phone", "text", "post")
PAYMENT_PREFERENCES = ("paid", "voluntary", "benefits_talk")
ACCESS_NEEDS = (
    "documents_in_advance",
    "debrief",
    "carer_attending",
    "interpreter",
    "hearing_loop",
    "quiet_space",
    "camera_off",
    "breaks",
    "large_print",
    "other",
)


class Contributor(Base):
    """A person with lived experience (or a carer in their own right) who takes part.

    Bank details are one Fernet token (``app.account.crypto``); nothing else about
    them is stored in plain text, not even the last digits.
    """

    __tablename__ = "contributors"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    known_as: Mapped[str] = mapped_column(String(100), default="")
    pronouns: Mapped[str] = mapped_column(String(50), default="")
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str] = mapped_column(String(40), default="")
    address: Mapped[str] = mapped_column(Text, default="")
    contact_channel: Mapped[str] = mapped_column(String(10), default="email")
    best_times: Mapped[str] = mapped_column(String(200), default="")
    language: Mapped[str] = mapped_column(String(10), default="en")
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False)
    access_needs: Mapped[list[str]] = mapped_column(JSON, default=list)
    interpreter_language: Mapped[str] = mapped_column(String(100), default="")
    access_other: Mapped[str] = mapped_column(Text, default="")
    payment_preference: Mapped[str | None] = mapped_column(String(20))
    bank_details: Mapped[str | None] = mapped_column(Text, info=ENCRYPTED)  # Fernet token, never plaintext
    # When details already given were replaced: the finance export marks the person's next payment.
    bank_details_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When they typed back a code we texted to ``phone``: only then may sign-in codes go by text.
    phone_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    created_by_staff_id: Mapped[int | None] = mapped_column(ForeignKey("staff_users.id"))
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def display_name(self) -> str:
        return self.known_as or self.name or (self.email or "")


class SignInToken(Base):
    """A one-time sign-in: a link token and an 8-digit code, both stored only as hashes.

    A code sent by text message has ``phone`` (E.164) and no email address, and its link token is
    never sent anywhere. ``purpose`` "confirm_phone" is a code that only confirms a mobile number.
    """

    __tablename__ = "sign_in_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), index=True)
    phone: Mapped[str | None] = mapped_column(String(20), index=True)
    purpose: Mapped[str] = mapped_column(String(20), default="sign_in", server_default="sign_in")
    contributor_id: Mapped[int | None] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    code_attempts: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


RELATIONSHIPS = ("carer", "family", "friend", "advocate", "support_worker", "other")
CONSENT_HOW = ("online", "verbally", "in_writing")


class SupportLink(Base):
    """A supporter (carer, family, friend, advocate, support worker) who may act for a contributor.

    The supporter has their own account. What they may do is explicit, and the
    contributor's agreement is recorded (how and when) and can be withdrawn.
    """

    __tablename__ = "support_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"), index=True)
    supporter_id: Mapped[int] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"), index=True)
    relationship: Mapped[str] = mapped_column(String(20))
    can_fill_forms: Mapped[bool] = mapped_column(Boolean, default=False)
    can_see_claims: Mapped[bool] = mapped_column(Boolean, default=False)
    can_receive_emails: Mapped[bool] = mapped_column(Boolean, default=False)
    can_reply_queries: Mapped[bool] = mapped_column(Boolean, default=False)
    consent_how: Mapped[str] = mapped_column(String(20))
    consent_at: Mapped[datetime] = mapped_column(UTCDateTime)
    consent_recorded_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # When the person's agreement became something we can check: they made the link, confirmed
    # it after signing in, or staff recorded how they agreed. Until then the link grants nothing.
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None and self.confirmed_at is not None

    #: The permission names people choose (forms) and the column each sets.
    PERMISSIONS = (("fill_forms", "can_fill_forms"), ("see_claims", "can_see_claims"),
                   ("reply_queries", "can_reply_queries"), ("receive_emails", "can_receive_emails"))

    @property
    def permissions(self) -> list[str]:
        return [name for name, column in self.PERMISSIONS if getattr(self, column)]

    @permissions.setter
    def permissions(self, chosen: list[str]) -> None:
        for name, column in self.PERMISSIONS:
            setattr(self, column, name in chosen)

    @property
    def waiting(self) -> bool:
        """Made on a helper's word: waiting for the person to say yes or no."""
        return self.withdrawn_at is None and self.confirmed_at is None


class BankDetailsChange(Base):
    """Bank details a member of staff entered for someone: they take effect only when a second
    member of staff approves them; until then payments use the details in force before."""

    __tablename__ = "bank_details_changes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    contributor_id: Mapped[int] = mapped_column(ForeignKey("contributors.id", ondelete="CASCADE"), index=True)
    details: Mapped[str] = mapped_column(Text, info=ENCRYPTED)  # Fernet token
    requested_by_id: Mapped[int] = mapped_column(Integer)  # a staff user
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(Integer)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[str] = mapped_column(String(20), default="")  # "", "approved" or "refused"
