"""Your data: everything held about a person, erasure, and retention periods.

Bank details appear in the export only masked: the only export that carries them
in full is the finance export. Erasure anonymises rather than deletes where a
record must be kept (payment claims for the finance retention period).

Complete by construction: every table that holds a person's id is registered here
(``Plugs.cover``: where it is in the export, what erasure does, how long it is kept) by the
room that owns it in its ``init_app``, beside its exports, erasers and retention jobs (``app.plugs``),
or listed as exempt with the reason (``exempt_table``). ``tests/account/test_data_coverage.py`` walks
every model's table and fails on one with a foreign key to ``contributors`` that is
neither.
"""

from __future__ import annotations

import json
import tempfile
import zipfile
from datetime import timedelta
from typing import IO, Any

from flask import current_app
from sqlalchemy import delete, or_, select, update

from app import audit, db, mail
from app.account import drafts
from app.account.models import BankDetailsChange, Contributor, SignInToken, SupportLink
from app.account.service import actor, masked, masked_bank_details
from app.audit import Actor, AuditEvent
from app.db import utcnow
from app.mail import OutboxMessage
from app.plugs import Plugs, plugs
from app.security import AccountSession, RateLimitHit
from app.staff.models import StaffTask
from app.storage import storage


def export(contributor: Contributor) -> dict[str, Any]:
    """Everything held about ``contributor``, as plain data (JSON-ready)."""
    session = db.session()
    links = session.scalars(select(SupportLink).where(
        or_(SupportLink.contributor_id == contributor.id, SupportLink.supporter_id == contributor.id))).all()
    messages = session.scalars(select(OutboxMessage).where(OutboxMessage.contributor_id == contributor.id)
                               .order_by(OutboxMessage.id)).all()
    tasks = session.scalars(select(StaffTask).where(StaffTask.contributor_id == contributor.id)).all()
    # Their record's history, and their own tasks' (a task's events carry the task's id, not theirs).
    events = session.scalars(select(AuditEvent).where(or_(
        (AuditEvent.record_type == "contributor") & (AuditEvent.record_id == str(contributor.id)),
        (AuditEvent.record_type == "staff_task") & AuditEvent.record_id.in_([str(t.id) for t in tasks]),
    )).order_by(AuditEvent.id)).all()
    return {
        "exported_at": utcnow().isoformat(),
        "details": {
            "name": contributor.name, "known_as": contributor.known_as, "pronouns": contributor.pronouns,
            "email": contributor.email, "phone": contributor.phone, "address": contributor.address,
            "phone_confirmed_at": contributor.phone_confirmed_at.isoformat() if contributor.phone_confirmed_at else None,
            "contact_channel": contributor.contact_channel, "best_times": contributor.best_times,
            "language": contributor.language, "easy_read": contributor.easy_read,
            "access_needs": list(contributor.access_needs or []),
            "interpreter_language": contributor.interpreter_language, "access_other": contributor.access_other,
            "payment_preference": contributor.payment_preference,
            "bank_details_masked": masked_bank_details(contributor),
            "created_at": contributor.created_at.isoformat(), "updated_at": contributor.updated_at.isoformat(),
        },
        "people_who_help_you": [
            {"supporter": ln.supporter_id, "relationship": ln.relationship, "fill_forms": ln.can_fill_forms,
             "see_claims": ln.can_see_claims, "receive_emails": ln.can_receive_emails,
             "agreed": ln.consent_at.isoformat(), "how": ln.consent_how,
             "withdrawn": ln.withdrawn_at.isoformat() if ln.withdrawn_at else None}
            for ln in links if ln.contributor_id == contributor.id
        ],
        "people_you_help": [
            {"person": ln.contributor_id, "relationship": ln.relationship,
             "withdrawn": ln.withdrawn_at.isoformat() if ln.withdrawn_at else None}
            for ln in links if ln.supporter_id == contributor.id
        ],
        "bank_details_waiting_for_approval": [
            {"entered": c.requested_at.isoformat(), "details_masked": masked(c.details),
             "outcome": c.outcome or "waiting", "decided": c.decided_at.isoformat() if c.decided_at else None}
            for c in session.scalars(select(BankDetailsChange).where(
                BankDetailsChange.contributor_id == contributor.id).order_by(BankDetailsChange.id))
        ],
        "requests_to_the_team": [
            {"kind": t.kind, "asked": t.created_at.isoformat(), "done": t.done_at.isoformat() if t.done_at else None,
             "detail": t.detail}
            for t in tasks
        ],
        "emails_sent_to_you": [
            {"subject": m.subject, "to": m.to_address, "created": m.created_at.isoformat(),
             "sent": m.sent_at.isoformat() if m.sent_at else None}
            for m in messages if m.purpose != "sign_in"
        ],
        "forms_in_progress": [
            {"title": d.title, "kind": d.kind, "last_saved": d.updated_at.isoformat(),
             "deleted_on": d.expires_at.isoformat(), "answers": d.data}
            for d in session.scalars(select(drafts.Draft).where(
                or_(drafts.Draft.owner_id == contributor.id, drafts.Draft.subject_id == contributor.id),
                drafts.Draft.submitted_at.is_(None)))
        ],
        "history": [
            {"when": e.at.isoformat(), "what": e.action, "by": e.actor_type} for e in events
        ],
    } | {name: records(contributor) for name, records in plugs().exports.items()}


#: The JSON document's name inside the export's ZIP; files rooms add sit beside it (receipts in ``receipts/``).
DOCUMENT = "your-data.json"


def export_zip(contributor: Contributor) -> IO[bytes]:
    """The export as a ZIP: ``your-data.json`` and the person's files (their receipts), which the
    document names by their path in the ZIP. Stored, not compressed: photos and PDFs are compressed
    already, and the document stays readable to checks on what a download holds."""
    document = export(contributor)
    files = storage()
    spool = tempfile.SpooledTemporaryFile(max_size=16 * 1024 * 1024)  # in memory up to 16 MB, then on disk
    missing = []
    with zipfile.ZipFile(spool, "w", compression=zipfile.ZIP_STORED) as archive:
        for find in plugs().files:
            for path, key in find(contributor):
                try:
                    archive.writestr(path, files.read(key))
                except FileNotFoundError:
                    missing.append(path)
        document["files_missing"] = missing
        archive.writestr(DOCUMENT, json.dumps(document, indent=2, ensure_ascii=False))
    spool.seek(0)
    return spool


def request_erasure(contributor: Contributor) -> StaffTask:
    """The person asks for their data to be erased; staff confirm it (a task)."""
    existing = db.session().scalar(select(StaffTask).where(
        StaffTask.contributor_id == contributor.id, StaffTask.kind == "erasure_request", StaffTask.done_at.is_(None)))
    if existing is not None:
        return existing
    task = StaffTask(kind="erasure_request", contributor_id=contributor.id, created_at=utcnow())
    db.session().add(task)
    audit.record("contributor.erasure_requested", "contributor", contributor.id, actor=actor(contributor))
    db.session().commit()
    return task


def erase(contributor: Contributor, by: Actor) -> bool:
    """Erase a person: personal details blanked; sign-ins, sessions, emails, forms and their receipts,
    bank details waiting for approval and agreements removed; then each room's eraser. One commit.

    The row stays (anonymised) so records that must be kept for finance can still
    point at it without naming anyone. Stored files go only once the commit has
    succeeded (``storage.delete_after_commit``). The person is emailed that it is done,
    at the address they had and in their language: queued in the same transaction, after
    their other emails are removed, and linked to no account. Returns False when they
    had no email address (the staff member tells them). Never commits: the caller (the staff
    route that also closes the request) commits once.
    """
    session = db.session()
    address, locale, easy_read = contributor.email, contributor.language, contributor.easy_read
    for field, empty in (("name", ""), ("known_as", ""), ("pronouns", ""), ("email", None), ("phone", ""),
                         ("phone_confirmed_at", None),
                         ("address", ""), ("best_times", ""), ("access_needs", []), ("interpreter_language", ""),
                         ("access_other", ""), ("bank_details", None), ("payment_preference", None)):
        setattr(contributor, field, empty)
    contributor.easy_read = False
    contributor.session_version += 1  # signs them out everywhere
    contributor.erased_at = contributor.updated_at = utcnow()
    session.execute(delete(SignInToken).where(SignInToken.contributor_id == contributor.id))
    session.execute(delete(AccountSession).where(AccountSession.kind == "contributor",
                                                 AccountSession.account_id == contributor.id))
    session.execute(delete(OutboxMessage).where(OutboxMessage.contributor_id == contributor.id))
    session.execute(delete(BankDetailsChange).where(BankDetailsChange.contributor_id == contributor.id))
    session.execute(update(StaffTask).where(StaffTask.contributor_id == contributor.id).values(detail=""))
    for eraser in plugs().erasers:
        eraser(contributor)
    # Every form they filled in or that was for them, sent ones too (the answers as typed), with
    # what rooms keep beside a form (a claim's receipts).
    drafts.delete_where(or_(drafts.Draft.owner_id == contributor.id, drafts.Draft.subject_id == contributor.id))
    now = utcnow()
    for link in session.scalars(select(SupportLink).where(
            or_(SupportLink.contributor_id == contributor.id, SupportLink.supporter_id == contributor.id),
            SupportLink.withdrawn_at.is_(None))):
        link.withdrawn_at = now
    audit.record("contributor.erased", "contributor", contributor.id, actor=by)
    if address:
        # Linked to nobody: only the address it goes to (kept like any sent email, then deleted).
        # Email only, not app.notify: the record's phone and address are blanked by now, and the
        # address they asked from is where they expect the answer; nor does it say how to change
        # the channel, for there is no account left to change.
        mail.compose("erasure_done", to=address, locale=locale, easy_read=easy_read, purpose="erasure_done",
                     years=current_app.config["SETTINGS"].retention_claim_years, change_how=False)
    return bool(address)


def apply_retention() -> dict[str, int]:
    """Delete what has passed its retention period; safe to run again (and audited: counts only).

    Every job runs in this one transaction and commits once; files of deleted rows go after it.
    """
    cfg = current_app.config["SETTINGS"]
    now = utcnow()
    session = db.session()
    counts = {
        "sign_in_tokens": session.execute(delete(SignInToken).where(
            SignInToken.created_at < now - timedelta(days=cfg.retention_sign_in_days))).rowcount,
        "outbox_messages": session.execute(delete(OutboxMessage).where(
            OutboxMessage.created_at < now - timedelta(days=cfg.retention_outbox_days),
            or_(OutboxMessage.sent_at.is_not(None), OutboxMessage.attempts >= 8))).rowcount,
        "rate_limit_hits": session.execute(delete(RateLimitHit).where(
            RateLimitHit.at < now - timedelta(days=1))).rowcount,
        # A sign-in that has ended can never be used again: its hash goes with old sign-in links.
        "ended_sessions": session.execute(delete(AccountSession).where(
            AccountSession.ended_at < now - timedelta(days=cfg.retention_sign_in_days))).rowcount,
        "expired_drafts": drafts.delete_expired(),
    } | {name: job() for name, job in plugs().retention.items()}
    if any(counts.values()):
        audit.record("retention.applied", "retention", now.date().isoformat(), after=counts)
    session.commit()
    return counts


# --- what this room holds, and how "your data" covers it ----------------------------------------

def cover_own_tables(p: Plugs) -> None:
    """Every table of the account room that holds a person's id, covered or exempt (``tests/account/test_data_coverage.py``)."""
    p.cover("contributors", export="details",
            erasure="details blanked (name, contact, address, bank details, needs); the row is kept, anonymised, so "
                    "payment records that must be kept point at nobody named",
            retention="kept while the account is in use; people ask for erasure (there is no automatic deletion)")
    p.cover("sign_in_tokens", export="", not_exported="only hashes of one-time links and codes: nothing a person can read",
            erasure="deleted", retention="deleted RETENTION_SIGN_IN_DAYS after they were made")
    p.cover("support_links", export="people_who_help_you",
            erasure="every agreement, both ways, is withdrawn (the record of it stays, naming an anonymised account)",
            retention="kept while the accounts are: the record of the person's agreement")
    p.cover("bank_details_changes", export="bank_details_waiting_for_approval",
            erasure="deleted", retention="kept with the account: who entered and approved bank details (four eyes)")
    p.cover("drafts", export="forms_in_progress",
            erasure="every form they filled in or that was for them is deleted, sent ones too, with its receipts",
            retention="an unsent form is deleted DRAFT_DAYS after it was last saved, with its receipts; a sent form's "
                      "answers stay until erasure")
    p.cover("staff_tasks", export="requests_to_the_team",
            erasure="the words in them are removed; the task stays as the team's record of work",
            retention="kept as the team's record of work")
    p.cover("outbox_messages", export="emails_sent_to_you",
            erasure="deleted; the email saying erasure is done is linked to nobody (only the address it goes to)",
            retention="deleted RETENTION_OUTBOX_DAYS after they were made, once sent or given up on")
    p.cover("account_sessions", export="", not_exported="only a hash of each sign-in's id and its times",
            erasure="deleted (they are signed out everywhere)",
            retention="a signed-out sign-in is deleted RETENTION_SIGN_IN_DAYS after it ended; one still in use is kept")
    p.exempt_table("staff_users", "a staff account's link to its owner's own contributor record, so they never decide "
                                  "their own claims (four eyes): staff data, kept while the staff account is")
    p.exempt_table("audit_events", "the append-only trail (database triggers refuse changes): record ids, actions and "
                                   "counts, never bank details or words a person wrote about themselves")
    p.exempt_table("rate_limit_hits", "an email or network address and a time, counted against sign-in limits: deleted "
                                      "after a day by retention, linked to no account")
