"""Contributor accounts: sign-in by email link or code, profile changes, bank details.

Every change goes through a function here that checks it, writes the audit event
and commits once.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from flask import current_app, url_for
from sqlalchemy import func, select, update

from app import access, audit, crypto, db, mail, notify, security
from app.account.models import BankDetailsChange, Contributor, SignInToken, SupportLink
from app.audit import Actor
from app.db import utcnow
from app.plugs import plugs
from app.transitions import NotAllowed  # what the four-eyes rules raise
from app.staff.models import StaffTask

MAX_CODE_ATTEMPTS = 5
CODE_DIGITS = 8  # 10^8 codes: with the limits below, guessing one is out of reach


class SignInLimited(Exception):
    """Too many sign-in requests for this address or from this network address."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def actor(contributor: Contributor) -> tuple[str, int, str]:
    return ("contributor", contributor.id, f"contributor {contributor.id}")


def find_by_email(email: str) -> Contributor | None:
    return db.session().scalar(select(Contributor).where(func.lower(Contributor.email) == normalise_email(email)))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _code_hash(token_hash: str, code: str) -> str:
    # Bound to its token so a code is only ever good for one request.
    return hmac.new(token_hash.encode(), code.encode(), hashlib.sha256).hexdigest()


def request_sign_in(email: str, ip: str, locale: str, easy_read: bool) -> int | None:
    """Email a one-time link and code to ``email``; returns the queued message id.

    The same happens whether or not the address is known (an unknown address gets a
    link that creates an account), so the response reveals nothing.
    """
    cfg = current_app.config["SETTINGS"]
    window = timedelta(minutes=cfg.sign_in_window_minutes)
    email = normalise_email(email)
    email_key, ip_key = f"contributor-sign-in:{email}", f"contributor-sign-in-ip:{ip}"
    if security.limited(email_key, cfg.contributor_sign_in_limit, window) or security.limited(
        ip_key, cfg.sign_in_ip_limit, window
    ):
        raise SignInLimited()
    security.hit(email_key)
    security.hit(ip_key)
    contributor = find_by_email(email)
    token, code = issue_sign_in(email, contributor, timedelta(minutes=cfg.sign_in_link_minutes))
    message = mail.compose(
        "sign_in", to=email,
        locale=contributor.language if contributor else locale,
        easy_read=contributor.easy_read if contributor else easy_read,
        purpose="sign_in", contributor_id=contributor.id if contributor else None,
        link=cfg.base_url + url_for("account.use_link", token=token), code=group_code(code),
        minutes=cfg.sign_in_link_minutes, known=contributor is not None,
    )
    db.session().commit()
    return message.id


def issue_sign_in(email: str, contributor: Contributor | None, lifetime: timedelta,
                  token: str | None = None, *, phone: str | None = None,
                  purpose: str = "sign_in") -> tuple[str, str]:
    """Store a new one-time sign-in (hashes only) and return its (link token, code); caller commits.

    A code sent by text has ``phone`` and no email address (its link token is never sent)."""
    token = token or secrets.token_urlsafe(32)
    code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
    token_hash = _sha(token)
    now = utcnow()
    db.session().add(SignInToken(
        email=normalise_email(email), contributor_id=contributor.id if contributor else None, token_hash=token_hash,
        code_hash=_code_hash(token_hash, code), code_attempts=0, created_at=now, expires_at=now + lifetime,
        phone=phone, purpose=purpose,
    ))
    return token, code


def _usable(token: SignInToken | None) -> SignInToken | None:
    if token is None or token.used_at is not None or token.expires_at <= utcnow():
        return None
    return token


def token_for_link(token: str) -> SignInToken | None:
    """The unused, unexpired sign-in this link belongs to, or ``None``."""
    return _usable(db.session().scalar(select(SignInToken).where(SignInToken.token_hash == _sha(token))))


def group_code(code: str) -> str:
    """``12345678`` as people read it: ``1234 5678``."""
    return f"{code[:4]} {code[4:]}"


class CodeChecksLimited(Exception):
    """Too many wrong codes for this address today, or too many code checks from this network address."""


def token_for_code(email: str, code: str, ip: str) -> SignInToken | None:
    """Check a typed code against the newest sign-in for ``email``.

    Guessing is bounded three ways: 5 tries per code, counted with one atomic UPDATE (so
    parallel guesses cannot all be checked against a count read earlier);
    ``SIGN_IN_CODE_DAILY_LIMIT`` wrong codes per address a day, across every code sent; and
    ``SIGN_IN_CODE_IP_LIMIT`` code checks per network address per window. Commits the count.
    """
    email = normalise_email(email)
    return _check_code(f"sign-in-code-fail:{email}", code, ip, SignInToken.email == email,
                       SignInToken.purpose == "sign_in")


def _check_code(fails_key: str, code: str, ip: str, *which: Any) -> SignInToken | None:
    """The one code check every code goes through (email, text, confirming a mobile): the newest
    token matching ``which``, with the limits ``token_for_code`` describes. Commits the count."""
    cfg = current_app.config["SETTINGS"]
    session = db.session()
    code = re.sub(r"\D", "", code)
    ip_key = f"sign-in-code-ip:{ip}"
    if security.limited(fails_key, cfg.sign_in_code_daily_limit, timedelta(days=1)) or security.limited(
            ip_key, cfg.sign_in_code_ip_limit, timedelta(minutes=cfg.sign_in_window_minutes)):
        raise CodeChecksLimited()
    security.hit(ip_key)
    latest = session.scalar(select(SignInToken).where(*which).order_by(SignInToken.id.desc()).limit(1))
    token = _usable(latest)
    counted = token is not None and session.execute(
        update(SignInToken).where(SignInToken.id == token.id, SignInToken.code_attempts < MAX_CODE_ATTEMPTS)
        .values(code_attempts=SignInToken.code_attempts + 1)).rowcount == 1  # type: ignore[attr-defined]
    if token is not None and counted and hmac.compare_digest(token.code_hash, _code_hash(token.token_hash, code)):
        session.commit()
        return token
    security.hit(fails_key)
    session.commit()
    return None


# --- codes by text message (a confirmed mobile) ----------------------------------------


def codes_by_text() -> bool:
    """Can a code go by text message at all? Only through a text provider: a way into someone's
    account is never handed to staff to send (``notify.providers.hand_to_staff`` refuses it too)."""
    from app.notify import providers

    return providers.provider_for("text") != "staff"


def find_by_confirmed_mobile(phone: str) -> Contributor | None:
    """The one person who chose text messages and confirmed this mobile (E.164), or ``None``;
    a number two people confirmed signs neither in by text (a code must open one account)."""
    found = list(db.session().scalars(select(Contributor).where(
        Contributor.phone == phone, Contributor.phone_confirmed_at.is_not(None),
        Contributor.contact_channel == "text", Contributor.erased_at.is_(None)).limit(2)))
    return found[0] if len(found) == 1 else None


def _count_code_request(key: str, ip: str) -> None:
    """The sign-in request limits, per address or number and per network address (raises ``SignInLimited``)."""
    cfg = current_app.config["SETTINGS"]
    window = timedelta(minutes=cfg.sign_in_window_minutes)
    address_key, ip_key = f"contributor-sign-in:{key}", f"contributor-sign-in-ip:{ip}"
    if security.limited(address_key, cfg.contributor_sign_in_limit, window) or security.limited(
            ip_key, cfg.sign_in_ip_limit, window):
        raise SignInLimited()
    security.hit(address_key)
    security.hit(ip_key)


def _text_code(person: Contributor, code: str, purpose: str) -> Any:
    """Queue the text message that carries ``code`` (never a link), in the person's language."""
    from flask import render_template
    from flask_babel import force_locale

    from app.i18n import FORMAT_LOCALES

    locale = person.language or "en"
    with force_locale(FORMAT_LOCALES.get(locale, locale)):
        body = render_template("notify/code.text.txt", code=group_code(code), purpose=purpose,
                               easy_read=bool(person.easy_read),
                               minutes=current_app.config["SETTINGS"].sign_in_link_minutes).strip()
    # purpose "sign_in": the outbox forgets the words once sent and never hands them to staff
    return notify.queue(person, "text", subject="", body=body + "\n", purpose="sign_in", locale=locale)


def request_text_code(phone: str, ip: str) -> None:
    """Text a sign-in code to ``phone`` (E.164) when it is one person's confirmed mobile.

    Counted and limited like sign-in emails whether or not the number is known, and the page that
    follows is the same, so asking reveals nothing. Never commits: the route does.
    """
    _count_code_request(phone, ip)
    person = find_by_confirmed_mobile(phone)
    if person is None or not codes_by_text():
        return
    cfg = current_app.config["SETTINGS"]
    _token, code = issue_sign_in("", person, timedelta(minutes=cfg.sign_in_link_minutes), phone=phone)
    _text_code(person, code, "sign_in")


def token_for_text_code(phone: str, code: str, ip: str) -> SignInToken | None:
    """Check a code typed back from a text message, with the same limits as email codes."""
    return _check_code(f"sign-in-code-fail:{phone}", code, ip, SignInToken.phone == phone,
                       SignInToken.email == "", SignInToken.purpose == "sign_in")


def send_phone_code(person: Contributor, ip: str) -> None:
    """Text ``person`` a code that confirms their mobile. Never commits."""
    _count_code_request(person.phone, ip)
    cfg = current_app.config["SETTINGS"]
    _token, code = issue_sign_in("", person, timedelta(minutes=cfg.sign_in_link_minutes), phone=person.phone,
                                 purpose="confirm_phone")
    _text_code(person, code, "confirm_phone")


def confirm_phone(person: Contributor, code: str, ip: str) -> bool:
    """Is ``code`` the one we texted to ``person``'s mobile as it is now? Then it is confirmed.
    Never commits (the code check commits its own count, as for email codes)."""
    token = _check_code(f"sign-in-code-fail:{person.phone}", code, ip, SignInToken.contributor_id == person.id,
                        SignInToken.phone == person.phone, SignInToken.purpose == "confirm_phone")
    if token is None:
        return False
    token.used_at = person.phone_confirmed_at = utcnow()
    audit.record("contributor.phone_confirmed", "contributor", person.id, actor=actor(person))
    return True


def link_staff(staff: Any, contributor: Contributor, by: Actor) -> None:
    """Record that a staff account and a contributor record are the same person (the caller commits):
    from now on they never decide that record's claims or bank details."""
    if staff.contributor_id == contributor.id:
        return
    staff.contributor_id = contributor.id
    audit.record("staff.linked_to_contributor", "staff_user", staff.id, actor=by, after={"contributor": contributor.id})


def complete_sign_in(token: SignInToken, locale: str, easy_read: bool) -> Contributor:
    """Use up ``token`` and return its contributor, creating the account on first sign-in."""
    session = db.session()
    token.used_at = utcnow()
    contributor = session.get(Contributor, token.contributor_id) if token.contributor_id else find_by_email(token.email)
    if contributor is None:
        now = utcnow()
        contributor = Contributor(email=token.email, language=locale, easy_read=easy_read, access_needs=[],
                                  created_at=now, updated_at=now, session_version=1)
        session.add(contributor)
        session.flush()
        audit.record("contributor.created", "contributor", contributor.id, actor=actor(contributor),
                     after={"by": "self sign-up"})
    audit.record("contributor.signed_in", "contributor", contributor.id, actor=actor(contributor))
    for hook in plugs().after_sign_in:  # e.g. an interest sent before signing in is confirmed
        hook(contributor)
    session.commit()
    return contributor


def create_by_staff(values: dict[str, Any], by: Actor, staff_id: int | None) -> Contributor:
    """Add a contributor after a phone call or a meeting (they may have no email address)."""
    now = utcnow()
    contributor = Contributor(
        name=values["name"], email=normalise_email(values["email"]) if values.get("email") else None,
        phone=values.get("phone", ""), contact_channel=values["contact_channel"], language=values["language"],
        easy_read=values["easy_read"], access_needs=[], created_at=now, updated_at=now, session_version=1,
        created_by_staff_id=staff_id,
    )
    session = db.session()
    session.add(contributor)
    session.flush()
    audit.record("contributor.created", "contributor", contributor.id, actor=by, after={"by": "staff"})
    session.commit()
    return contributor


def sign_out_everywhere(contributor: Contributor) -> None:
    contributor.session_version += 1
    audit.record("contributor.signed_out_everywhere", "contributor", contributor.id, actor=actor(contributor))
    db.session().commit()


# --- profile -------------------------------------------------------------------

PROFILE_FIELDS = (
    "name", "known_as", "pronouns", "phone", "address", "contact_channel", "best_times", "language",
    "easy_read", "access_needs", "interpreter_language", "access_other", "payment_preference",
)


def update_profile(contributor: Contributor, changes: dict[str, Any], by: Actor, benefits_task: bool = True) -> list[str]:
    """Apply profile ``changes``; audits which fields changed (not their values). Returns them.
    Choosing to talk about benefits makes a task for the team, unless the caller made one already
    (``benefits_task=False``: a claim's fee on hold makes its own).

    The caller commits: sending an interest changes the profile and makes the interest in one commit."""
    changed = [k for k, v in changes.items() if k in PROFILE_FIELDS and getattr(contributor, k) != v]
    if not changed:
        return []
    for key in changed:
        setattr(contributor, key, changes[key])
    if "phone" in changed:  # a new number is not confirmed until a code we text to it comes back
        contributor.phone_confirmed_at = None
    contributor.updated_at = utcnow()
    if benefits_task and "payment_preference" in changed and contributor.payment_preference == "benefits_talk":
        db.session().add(StaffTask(kind="benefits_talk", contributor_id=contributor.id, created_at=utcnow()))
        audit.record("task.created", "contributor", contributor.id, actor=by, after={"task": "benefits_talk"})
    audit.record("contributor.updated", "contributor", contributor.id, actor=by, after={"fields": sorted(changed)})
    return changed


# --- bank details ---------------------------------------------------------------

def save_bank_details(contributor: Contributor, details: dict[str, str], by: Actor) -> None:
    """Encrypt and store bank details; the audit trail records that they changed, never what to."""
    _apply_bank_details(contributor, crypto.encrypt_json(details), by)
    db.session().commit()


def _apply_bank_details(contributor: Contributor, token: str, by: Actor) -> None:
    if contributor.bank_details is not None:
        contributor.bank_details_changed_at = utcnow()
    contributor.bank_details = token
    contributor.updated_at = utcnow()
    audit.record("contributor.bank_details_changed", "contributor", contributor.id, actor=by)


def request_bank_change(contributor: Contributor, details: dict[str, str], staff: Any) -> BankDetailsChange:
    """A member of staff enters bank details for someone: stored apart, waiting for a second member
    of staff; the person is told at once. Payments keep using the details in force before."""
    session = db.session()
    for waiting in session.scalars(select(BankDetailsChange).where(
            BankDetailsChange.contributor_id == contributor.id, BankDetailsChange.outcome == "")):
        waiting.outcome, waiting.decided_at, waiting.decided_by_id = "replaced", utcnow(), staff.id
    change = BankDetailsChange(contributor_id=contributor.id, details=crypto.encrypt_json(details),
                               requested_by_id=staff.id, requested_at=utcnow(), outcome="")
    session.add(change)
    session.flush()
    audit.record("contributor.bank_change_requested", "contributor", contributor.id,
                 actor=("staff", staff.id, staff.email), after={"change": change.id})
    tell_person(contributor, "bank_change_requested", staff.name or staff.email)
    session.commit()
    return change


def pending_bank_change(contributor: Contributor) -> BankDetailsChange | None:
    return db.session().scalar(select(BankDetailsChange).where(
        BankDetailsChange.contributor_id == contributor.id, BankDetailsChange.outcome == "")
        .order_by(BankDetailsChange.id.desc()).limit(1))


def masked(token: str) -> dict[str, str]:
    """Stored bank details as they may be shown: the name, and only the last digits of the numbers."""
    return masked_details(crypto.decrypt_json(token))


def masked_details(details: dict[str, str]) -> dict[str, str]:
    """Bank details (decrypted) as they may be shown: the name, and only the last digits of the numbers."""
    return {
        "account_name": details["account_name"],
        "sort_code": "**-**-" + details["sort_code"][-2:],
        "account_number": "****" + details["account_number"][-4:],
        "roll_number": ("****" + details["roll_number"][-2:]) if details.get("roll_number") else "",
    }


def decide_bank_change(change: BankDetailsChange, staff: Any, approve: bool) -> None:
    """The second member of staff approves (the details take effect) or refuses; never the one who
    entered them, nor someone deciding for their own mailbox."""
    session = db.session()
    person = session.get(Contributor, change.contributor_id)
    if change.outcome or person is None:
        raise NotAllowed("this change has been decided already")
    from app.staff.models import StaffUser

    if security.same_person(session.get(StaffUser, change.requested_by_id), staff):
        raise NotAllowed("a second member of staff must approve a change they did not enter")
    if staff.contributor_id == person.id or (
            person.email and security.same_mailbox(person.email) == security.same_mailbox(staff.email)):
        raise NotAllowed("nobody approves a change to their own bank details")
    change.outcome, change.decided_by_id, change.decided_at = ("approved" if approve else "refused"), staff.id, utcnow()
    actor_ = ("staff", staff.id, staff.email)
    if approve:
        _apply_bank_details(person, change.details, actor_)
    else:
        audit.record("contributor.bank_change_refused", "contributor", person.id, actor=actor_,
                     after={"change": change.id})
    session.commit()


def bank_details(contributor: Contributor) -> dict[str, str] | None:
    return crypto.decrypt_json(contributor.bank_details) if contributor.bank_details else None


def masked_bank_details(contributor: Contributor) -> dict[str, str] | None:
    """What may be shown back: the name, and only the last digits of the numbers."""
    return masked(contributor.bank_details) if contributor.bank_details else None


def rotate_encryption() -> int:
    """Re-encrypt every stored encrypted value (every column marked ``crypto.ENCRYPTED``: bank
    details, bank details waiting for approval, frozen finance rows) with the newest key."""
    session = db.session()
    counts = crypto.rotate_all(session, db.Base.metadata)
    total = sum(counts.values())
    if total:
        audit.record("encryption.rotated", "contributor", "*", after=counts)
    session.commit()
    return total


# --- supporters ------------------------------------------------------------------

def supporter_actor(supporter: Contributor, person: Contributor | None = None) -> tuple[str, int, str]:
    """A supporter as audit actor: on behalf of ``person`` when they act for them."""
    if person is not None:
        return access.actor_for(supporter, person)
    return ("supporter", supporter.id, f"supporter {supporter.id}")


def add_supporter(contributor: Contributor, *, name: str, email: str, relationship: str,
                  permissions: list[str], locale: str, consent_how: str = "online",
                  consent_at: datetime | None = None,
                  by: Actor | None = None) -> tuple[SupportLink, int]:
    """Record that the contributor agreed someone may help them; returns (link, email id).

    Online, the contributor agrees themselves (now). Staff record an agreement given
    on the phone or in writing, with the date it was given (``consent_how``, ``consent_at``).
    """
    session = db.session()
    by = by or actor(contributor)
    supporter = find_by_email(email)
    now = utcnow()
    if supporter is None:
        supporter = Contributor(name=name, email=normalise_email(email), language=locale, access_needs=[],
                                created_at=now, updated_at=now, session_version=1)
        session.add(supporter)
        session.flush()
        audit.record("contributor.created", "contributor", supporter.id, actor=by,
                     after={"by": "added as a supporter"})
    if supporter.id == contributor.id:
        raise ValueError("a person cannot support themselves")
    # A link a helper made on their own word, waiting for the person, becomes this agreement.
    link = session.scalar(select(SupportLink).where(
        SupportLink.contributor_id == contributor.id, SupportLink.supporter_id == supporter.id,
        SupportLink.withdrawn_at.is_(None), SupportLink.confirmed_at.is_(None)))
    if link is None:
        link = SupportLink(contributor_id=contributor.id, supporter_id=supporter.id, created_at=now)
        session.add(link)
    link.relationship, link.permissions = relationship, permissions
    # The person agreed online themselves, or staff recorded how and when they agreed.
    link.consent_how, link.consent_at, link.consent_recorded_by = consent_how, consent_at or now, by[2]
    link.confirmed_at = now
    session.flush()
    audit.record("supporter.linked", "contributor", contributor.id, actor=by,
                 after={"supporter": supporter.id, "relationship": relationship, "permissions": sorted(permissions),
                        "consent": consent_how, "agreed": (consent_at or now).date().isoformat()})
    message = notify.notify(supporter, "supporter_added", {
        "person": contributor.display_name, "sign_in": mail.absolute_url("account.sign_in")},
        purpose="supporter_added")
    if by[0] == "staff":  # agreement given on the phone or in writing: the person hears it was recorded
        tell_person(contributor, "supporter_recorded", supporter.display_name)
    session.commit()
    return link, message.id if message is not None else None


def withdraw_supporter(link: SupportLink, by: Actor) -> None:
    """End a support link (the contributor withdraws their agreement, or says no to one waiting)."""
    if link.withdrawn_at is not None:
        return
    link.withdrawn_at = utcnow()
    audit.record("supporter.withdrawn", "contributor", link.contributor_id, actor=by,
                 after={"supporter": link.supporter_id})
    db.session().commit()


def change_supporter(link: SupportLink, permissions: list[str], by: Actor) -> None:
    """The person changes what a supporter may do (audited: which permissions, not why)."""
    before = link.permissions
    link.permissions = permissions
    audit.record("supporter.changed", "contributor", link.contributor_id, actor=by,
                 before={"supporter": link.supporter_id, "permissions": before},
                 after={"supporter": link.supporter_id, "permissions": sorted(permissions)})
    db.session().commit()


def confirm_supporter(link: SupportLink, by: Actor) -> None:
    """The person says yes to a helper who said they help them: from now on the link counts."""
    if link.confirmed_at is not None or link.withdrawn_at is not None:
        return
    link.confirmed_at = link.consent_at = utcnow()
    link.consent_how, link.consent_recorded_by = "confirmed_online", by[2]
    audit.record("supporter.confirmed", "contributor", link.contributor_id, actor=by,
                 after={"supporter": link.supporter_id})
    db.session().commit()


def waiting_links(person: Contributor) -> list[Any]:
    """Helpers who said they help ``person`` and wait for a yes or no, as (link, supporter) rows."""
    return list(db.session().execute(
        select(SupportLink, Contributor).join(Contributor, Contributor.id == SupportLink.supporter_id)
        .where(SupportLink.contributor_id == person.id, SupportLink.withdrawn_at.is_(None),
               SupportLink.confirmed_at.is_(None)).order_by(SupportLink.id)).all())


#: What a supporter (or staff member) did in someone's name, for the email telling the person.
ACTED = ("claim_sent", "advance_asked", "claim_reply", "interest_sent", "interest_withdrawn", "feedback_given", "details_changed",
         "bank_change_requested", "supporter_recorded")


def tell_person(person: Contributor, what: str, actor_name: str) -> None:
    """Tell ``person`` that someone did something in their name, and who; the caller commits.

    By their channel (``app.notify``); when there is no way to reach them, a task for the team.
    """
    assert what in ACTED, what
    if notify.notify(person, "acted_for_you", {"what": what, "actor": actor_name,
                                                "link": mail.absolute_url("account.home")},
                     purpose=f"acted_{what}") is None:
        db.session().add(StaffTask(kind="tell_person", contributor_id=person.id, created_at=utcnow(),
                                   detail=f"{what}: {actor_name}"))


def ask_for_help(person: Contributor, words: str) -> None:
    """A private message to the team (e.g. about someone who helps them). Only staff ever see it:
    it is never shown or sent to a supporter, and nothing in a supporter's view changes."""
    db.session().add(StaffTask(kind="private_help", contributor_id=person.id, created_at=utcnow(),
                               detail=words[:5000]))
    audit.record("task.created", "contributor", person.id, actor=actor(person), after={"task": "private_help"})
    db.session().commit()


def links_for(contributor: Contributor) -> list[Any]:
    """People who may act for ``contributor`` (links in force), as (link, supporter) rows."""
    return list(db.session().execute(
        select(SupportLink, Contributor).join(Contributor, Contributor.id == SupportLink.supporter_id)
        .where(SupportLink.contributor_id == contributor.id, SupportLink.withdrawn_at.is_(None),
               SupportLink.confirmed_at.is_not(None))
        .order_by(SupportLink.id)
    ).all())


def people_supported_by(supporter: Contributor) -> list[Any]:
    """People ``supporter`` may help (links in force: confirmed, not withdrawn), as (link, contributor) rows."""
    return list(db.session().execute(
        select(SupportLink, Contributor).join(Contributor, Contributor.id == SupportLink.contributor_id)
        .where(SupportLink.supporter_id == supporter.id, SupportLink.withdrawn_at.is_(None),
               SupportLink.confirmed_at.is_not(None))
        .order_by(SupportLink.id)
    ).all())


def last_change_on_behalf(contributor: Contributor) -> tuple[Contributor | None, Any] | None:
    """Who last changed this person's details for them, and when: a supporter, or
    ``None`` for the involvement team. ``None`` overall if they changed it themselves."""
    from app.audit import AuditEvent

    event = db.session().scalar(
        select(AuditEvent).where(AuditEvent.record_type == "contributor", AuditEvent.record_id == str(contributor.id),
                                 AuditEvent.action == "contributor.updated")
        .order_by(AuditEvent.id.desc()).limit(1)
    )
    if event is None or event.actor_type not in ("supporter", "staff"):
        return None
    if event.actor_type == "staff":
        return (None, event.at)
    supporter = db.session().get(Contributor, event.actor_id) if event.actor_id else None
    return (supporter, event.at) if supporter else None
