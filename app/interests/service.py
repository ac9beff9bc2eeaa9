"""Expressions of interest: turning a finished form into an interest, triage, equality counts.

Who the interest is for, and who filled it in, is settled when the form is sent:

* signed in, for themselves: their profile is the source (and is kept up to date);
* signed in, for someone they help: the support link is the agreement;
* signed in or not, for someone new: the person is added, with the helper linked to
  them on the helper's word that the person agrees (recorded as such);
* not signed in: an account is made for a new email address and a sign-in link sent.

Answers from someone not signed in never change an existing person's profile and the
interest stays "not confirmed" until the address's owner signs in.
"""

from __future__ import annotations

import calendar
import secrets
from collections import Counter
from datetime import date, timedelta
from typing import Any

from flask import current_app, url_for
from sqlalchemy import delete, or_, select, update

from app import access as policy, audit, db, disclosure, notify
from app.audit import Actor
from app.account import drafts, service as accounts
from app.account.models import Contributor, SupportLink
from app.db import utcnow
from app.phones import display as display_phone
from app.interests.models import STATUSES, EqualityResponse, Interest, InterestNote
from app.plugs import Plugs
from app.roles import service as roles
from app.roles.models import Role
from app.staff.models import StaffTask
from app.transitions import PERSON, TEAM, Machine, NotAllowed

#: How long the sign-in link in the "we have your interest" email works.
LINK_LIFETIME = timedelta(hours=24)


#: Where an interest may go, and who moves it. The team moves it between the open statuses and
#: "not this time" (kept, with its reason changed, or back to open); "not this time" comes only from
#: an open status. "Withdrawn" is the person's own choice (or their supporter's, with the person
#: told): the team never sets it, and nobody moves an interest the person withdrew.
OPEN = ("new", "contacted", "invited", "offered")
INTEREST = Machine("interest", {
    status: {to: TEAM for to in (*OPEN, "not_this_time")} | {"withdrawn": (PERSON,)}
    for status in (*OPEN, "not_this_time")
})
__all__ = ["NotAllowed"]  # what the machine raises, for the routes


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _from(role: Role) -> date:
    today = date.today()
    return max(role.closing_date or today, today)


def reply_by(role: Role) -> date:
    """When the person will hear from us at the latest."""
    return _from(role) + timedelta(days=current_app.config["SETTINGS"].interest_reply_days)


def delete_after(role: Role) -> date:
    return add_months(_from(role), current_app.config["SETTINGS"].retention_interest_months)


def is_open(role: Role) -> bool:
    return role.status == "published" and (role.closing_date is None or role.closing_date >= date.today())


# --- sending the form ---------------------------------------------------------------

def _new_person(values: dict[str, Any], locale: str, easy_read: bool, by: Actor | None, how: str) -> Contributor:
    """Add someone from the form (``by`` is None when they add themselves)."""
    now = utcnow()
    person = Contributor(
        name=values.get("name", ""), email=accounts.normalise_email(values["email"]) if values.get("email") else None,
        phone=values.get("phone", ""), address=values.get("address", ""),
        contact_channel=values.get("contact_channel") or "email", best_times=values.get("best_times", ""),
        language=locale, easy_read=easy_read, access_needs=[], created_at=now, updated_at=now, session_version=1,
    )
    db.session().add(person)
    db.session().flush()
    audit.record("contributor.created", "contributor", person.id, actor=by or accounts.actor(person),
                 after={"by": how})
    return person


def _find_or_add(values: dict[str, Any], locale: str, easy_read: bool, by: Actor | None, how: str) -> tuple[Contributor, bool]:
    """The person with this email address, or a new one; and whether they were new."""
    existing = accounts.find_by_email(values["email"]) if values.get("email") else None
    if existing is not None:
        return existing, False
    return _new_person(values, locale, easy_read, by, how), True


def submit(draft: drafts.Draft, data: dict[str, dict[str, Any]], role: Role, me: Contributor | None, locale: str,
           easy_read: bool) -> Interest:
    """Turn a finished draft (``data``: what each step answered says) into an interest, email the
    people it concerns, and commit: the one commit of sending it."""
    session = db.session()
    who = data.get("who", {}).get("for_whom") or "me"
    helper = data.get("helper", {})
    contact = data.get("contact", {})
    access = data.get("access", {})
    payment = data.get("payment", {}).get("payment_preference") or ""
    sign_in_link_for: Contributor | None = None
    confirmed = utcnow() if me is not None else None
    submitter: Contributor | None = None
    relationship = agreement = ""
    new_people: set[int] = set()

    if who == "me":
        if me is not None:
            subject = me
            accounts.update_profile(me, {k: contact[k] for k in ("name", "phone", "address", "contact_channel",
                                                                 "best_times") if k in contact},
                                    by=accounts.actor(me))
        else:
            subject, new = _find_or_add(contact, locale, easy_read, None,
                                        "expressed interest")
            sign_in_link_for = subject
            new_people |= {subject.id} if new else set()
    elif who == "someone":
        if me is not None:
            submitter = me
        else:
            submitter, new = _find_or_add(
                {"name": helper.get("helper_name", ""), "email": helper.get("helper_email")},
                locale, easy_read, None, "helped someone with an interest")
            sign_in_link_for = submitter
            new_people |= {submitter.id} if new else set()
        by = accounts.supporter_actor(submitter)
        relationship, agreement = helper.get("relationship", "other"), "supporter_said"
        subject, new = _find_or_add(contact, locale, easy_read, by, "added by a supporter")
        new_people |= {subject.id} if new else set()
        if new and subject.id != submitter.id:
            # On the helper's word only: the link grants nothing until the person says yes after
            # signing in (or staff record how they agreed). The person is asked straight away.
            now = utcnow()
            session.add(SupportLink(
                contributor_id=subject.id, supporter_id=submitter.id, relationship=relationship,
                can_fill_forms=True, can_see_claims=False, can_reply_queries=False, can_receive_emails=True,
                consent_how="supporter_said", consent_at=now, consent_recorded_by=by[2], created_at=now,
                confirmed_at=None))
            audit.record("supporter.linked", "contributor", subject.id, actor=by,
                         after={"supporter": submitter.id, "relationship": relationship,
                                "permissions": ["fill_forms", "receive_emails"], "consent": "supporter_said",
                                "waiting_for_the_person": True})
            if subject.email:  # they answer by signing in with that address (no address: staff ask them)
                notify.notify(subject, "supporter_waiting", {
                    "helper": submitter.display_name,
                    "sign_in": current_app.config["SETTINGS"].base_url + url_for("account.sign_in")},
                    purpose="supporter_waiting")
        # Only the person can confirm an interest a helper lodged for them: by signing in.
        confirmed = None
    else:  # someone the signed-in helper already supports
        assert me is not None
        decision = policy.decide(me, int(who), "fill_in")
        if not decision.allowed or decision.link is None:
            raise PermissionError("no agreement in force to fill in forms for this person")
        link = decision.link
        subject, submitter = session.get(Contributor, link.contributor_id), me
        relationship, agreement = link.relationship, "support_link"
    assert subject is not None

    known = me is not None and (subject.id == me.id or agreement == "support_link")
    if known and "contact" not in data:  # not asked again: the profile is the answer
        contact = {k: getattr(subject, k) or "" for k in ("name", "email", "phone", "address", "contact_channel",
                                                          "best_times")}
    by = accounts.actor(me) if me is not None and submitter is None else (
        accounts.supporter_actor(submitter, subject) if submitter is not None else accounts.actor(subject))
    changed: list[str] = []
    if known and "yes" in (access.get("save_to_profile") or []):
        changed += accounts.update_profile(subject, {"access_needs": access.get("access_needs") or [],
                                                     "interpreter_language": access.get("interpreter_language") or "",
                                                     "access_other": access.get("access_other") or ""}, by=by)
    if known and payment and not subject.payment_preference:
        changed += accounts.update_profile(subject, {"payment_preference": payment}, by=by)  # the benefits task
    if changed and submitter is not None and submitter.id != subject.id:
        accounts.tell_person(subject, "details_changed", submitter.display_name)
    elif payment == "benefits_talk":
        session.add(StaffTask(kind="benefits_talk", contributor_id=subject.id, created_at=utcnow()))
        audit.record("task.created", "contributor", subject.id, actor=by, after={"task": "benefits_talk"})

    now = utcnow()
    taking_part = data.get("taking_part", {})
    about = data.get("about", {})
    interest = Interest(
        reference=drafts.mark_submitted(draft), role_id=role.id, role_version=role.version,
        contributor_id=subject.id, submitted_by_id=submitter.id if submitter else None,
        relationship=relationship, agreement=agreement,
        name=contact.get("name") or subject.name, email=contact.get("email") or subject.email or "",
        phone=contact.get("phone") or "", address=contact.get("address") or "",
        contact_channel=contact.get("contact_channel") or "email", best_times=contact.get("best_times") or "",
        language=subject.language if known else locale, easy_read=subject.easy_read if known else easy_read,
        ways=taking_part.get("ways") or [], availability=taking_part.get("availability") or [],
        availability_note=taking_part.get("availability_note") or "",
        access_needs=access.get("access_needs") or [], interpreter_language=access.get("interpreter_language") or "",
        access_other=access.get("access_other") or "", hopes=about.get("hopes") or "",
        brings=about.get("brings") or "", payment_preference=payment, consent_at=now, confirmed_at=confirmed,
        status="new", reason="", status_changed_at=now, created_at=now, delete_after=delete_after(role),
    )
    session.add(interest)
    session.flush()
    audit.record("interest.submitted", "interest", interest.id, actor=by,
                 after={"role": role.id, "reference": interest.reference, "contributor": subject.id,
                        "filled_in_by": submitter.id if submitter else None})
    _received_emails(interest, role, subject, submitter, sign_in_link_for, new_people, locale, easy_read)
    if submitter is not None and submitter.id != subject.id and not subject.email:
        accounts.tell_person(subject, "interest_sent", submitter.display_name)  # the team tells them
    session.commit()
    return interest


def _received_emails(interest: Interest, role: Role, subject: Contributor, submitter: Contributor | None,
                     sign_in_for: Contributor | None, new_people: set[int], locale: str,
                     easy_read: bool) -> list[int]:
    cfg = current_app.config["SETTINGS"]
    ids = []
    for person in ([submitter] if submitter else []) + [subject]:
        if not notify.reachable(person) or (person is subject and submitter is not None
                                            and person.id == submitter.id):
            continue
        link = None
        # A way into their account goes only to their own inbox, never by text, post or a call.
        if sign_in_for is not None and person.id == sign_in_for.id and notify.channel_for(person) == "email":
            token, _ = accounts.issue_sign_in(person.email, person, LINK_LIFETIME)
            link = cfg.base_url + url_for("account.use_link", token=token)
        # Someone who has just been added hears in the language they used on the form (their record's).
        words, _translated = roles.in_language(role, person.language)
        message = notify.notify(person, "interest_received", {
            "title": words["title"], "reference": interest.reference, "reply_by": reply_by(role), "link": link,
            "on_behalf_of": subject.display_name if person is submitter else None,
            "told_by": submitter.display_name if submitter and person is subject else None,
            "contact_phone": display_phone(role.contact_phone), "contact_name": role.contact_name,
        }, purpose="interest_received")
        db.session().flush()
        ids.append(message.id)
    return ids


def confirm_for(person: Contributor) -> int:
    """The owner of an email address has signed in: interests lodged for *them* are now confirmed
    (a helper signing in confirms nothing about the person they named)."""
    result = db.session().execute(update(Interest).where(
        Interest.confirmed_at.is_(None), Interest.contributor_id == person.id,
    ).values(confirmed_at=utcnow()))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


# --- your data, erasure and retention ----------------------------------------------------

def export(person: Contributor) -> list[dict[str, Any]]:
    """Interests made by or for ``person``, for "your data"; the person's own include what the team
    wrote about them (a note about someone is theirs to see)."""
    rows = db.session().scalars(select(Interest).where(
        or_(Interest.contributor_id == person.id, Interest.submitted_by_id == person.id)).order_by(Interest.id))
    def row(i: Interest) -> dict[str, Any]:
        answers = {"reference": i.reference, "role": i.role_id, "sent": i.created_at.isoformat(),
                   "for_someone_else": i.contributor_id != person.id, "name": i.name, "email": i.email,
                   "phone": i.phone, "ways": i.ways, "availability": i.availability,
                   "availability_note": i.availability_note, "access_needs": i.access_needs,
                   "interpreter_language": i.interpreter_language, "access_other": i.access_other,
                   "hopes": i.hopes, "brings": i.brings, "payment_preference": i.payment_preference,
                   "deleted_on": i.delete_after.isoformat()}
        if i.contributor_id == person.id:  # what happened next is the person's, not their helper's
            answers |= {"status": i.status, "reason": i.reason,
                        "team_notes": [{"written": n.created_at.isoformat(), "note": n.text} for n in notes(i)]}
        return answers

    return [row(i) for i in rows]


def erase(person: Contributor) -> None:
    """Erasure removes the person's interests (and the notes on them); the caller commits."""
    theirs = select(Interest.id).where(Interest.contributor_id == person.id)
    db.session().execute(delete(InterestNote).where(InterestNote.interest_id.in_(theirs)))
    db.session().execute(delete(Interest).where(Interest.contributor_id == person.id))
    db.session().execute(update(Interest).where(Interest.submitted_by_id == person.id).values(submitted_by_id=None))


def delete_expired() -> int:
    """Interests past their retention date (``RETENTION_INTEREST_MONTHS`` after the role closed)."""
    expired = select(Interest.id).where(Interest.delete_after < date.today())
    db.session().execute(delete(InterestNote).where(InterestNote.interest_id.in_(expired)))
    return int(db.session().execute(delete(Interest).where(Interest.delete_after < date.today())).rowcount or 0)


# --- what people see -------------------------------------------------------------------

def for_person(person: Contributor) -> list[tuple[Interest, Role]]:
    """Interests someone made, or that were made for them, newest first."""
    return list(db.session().execute(
        select(Interest, Role).join(Role, Role.id == Interest.role_id)
        .where(Interest.contributor_id == person.id).order_by(Interest.created_at.desc())
    ).all())


def withdraw(interest: Interest, by: Actor, acted_by: Contributor | None = None) -> None:
    """The person (or a supporter acting for them: ``acted_by``, and the person is told) withdraws."""
    if interest.status == "withdrawn":
        return
    person = db.session().get(Contributor, interest.contributor_id)
    if acted_by is not None and person is not None and acted_by.id != person.id:
        accounts.tell_person(person, "interest_withdrawn", acted_by.display_name)
    interest.status_changed_at = utcnow()
    INTEREST.move(interest, "withdrawn", PERSON, by, event="interest.status_changed")
    db.session().commit()


# --- triage ------------------------------------------------------------------------------

def for_role(role: Role, status: str = "", needs: bool = False, helped: bool = False) -> list[Interest]:
    query = select(Interest).where(Interest.role_id == role.id)
    if status in STATUSES:
        query = query.where(Interest.status == status)
    if helped:
        query = query.where(Interest.submitted_by_id.is_not(None))
    rows = list(db.session().scalars(query.order_by(Interest.created_at)))
    return [i for i in rows if i.access_needs] if needs else rows


def counts_by_role() -> dict[int, Counter[str]]:
    counts: dict[int, Counter[str]] = {}
    for role_id, status in db.session().execute(select(Interest.role_id, Interest.status)):
        counts.setdefault(role_id, Counter())[status] += 1
    return counts


def helper_for_copies(interest: Interest) -> Contributor | None:
    """The supporter who sent the interest in, who gets a copy of the decision by their own channel
    if the person lets them get copies, now (a helper's own word is not enough: ``notify.send_copy``)."""
    if not interest.submitted_by_id or interest.submitted_by_id == interest.contributor_id:
        return None
    return db.session().get(Contributor, interest.submitted_by_id)


def other_open_roles(role: Role, locale: str, limit: int = 5) -> list[tuple[Role, dict[str, Any]]]:
    query = select(Role).where(Role.status == "published", Role.id != role.id,
                               or_(Role.closing_date.is_(None), Role.closing_date >= date.today()))
    others = list(db.session().scalars(query.order_by(Role.closing_date, Role.id).limit(limit)))
    return roles.in_language_many(others, locale)


def change_status(interest: Interest, to: str, reason: str, by: Actor, who: str) -> list[int]:
    """The team (``who``: a staff role) moves an interest on; "offered" and "not this time" email the
    person. Returns the queued emails' ids."""
    if to == interest.status and reason == interest.reason:
        INTEREST.check(interest.status, to, who)
        return []
    interest.status_changed_at = utcnow()
    interest.reason = reason if to == "not_this_time" else ""
    return INTEREST.move(interest, to, who, by, event="interest.status_changed",
                         after={"reason": reason} if to == "not_this_time" else {},
                         notify=lambda: _tell(interest, to)) or []


def _tell(interest: Interest, to: str) -> list[int]:
    """Tell the person of an offer or a "not this time" by their channel (a copy to a supporter the
    person lets get copies); when nobody can be reached, a task for the team."""
    ids: list[int] = []
    if to in ("offered", "not_this_time"):
        session = db.session()
        role = session.get(Role, interest.role_id)
        assert role is not None
        cfg = current_app.config["SETTINGS"]

        def words(person: Contributor) -> dict[str, Any]:  # in each reader's own language
            title = roles.in_language(role, person.language)[0]["title"]
            others = other_open_roles(role, person.language) if to == "not_this_time" else []
            return {"title": title, "reference": interest.reference, "offered": to == "offered",
                    "reason": interest.reason, "contact_name": role.contact_name,
                    "contact_phone": display_phone(role.contact_phone),
                    "others": [(w["title"], cfg.base_url + url_for("find_roles.show", role_id=r.id)) for r, w in others],
                    "find_roles": cfg.base_url + url_for("find_roles.index")}

        person = session.get(Contributor, interest.contributor_id)
        helper = helper_for_copies(interest)
        told = [notify.notify(person, "interest_decision", words(person), purpose="interest_decision")
                if person is not None else None,
                notify.send_copy(helper, person, "interest_decision", words(helper), purpose="interest_decision")
                if person is not None and helper is not None else None]
        session.flush()
        ids = [message.id for message in told if message is not None]
        if told[0] is None:  # no way to reach the person themselves: the team tells them
            session.add(StaffTask(kind="tell_person", contributor_id=interest.contributor_id, created_at=utcnow(),
                                  detail=f"{interest.reference}: {to}"))
    return ids


def add_note(interest: Interest, text: str, staff_id: int, by: Actor) -> None:
    note = InterestNote(interest_id=interest.id, staff_id=staff_id, text=text, created_at=utcnow())
    db.session().add(note)
    db.session().flush()
    audit.record("interest.note_added", "interest", interest.id, actor=by, after={"note": note.id})
    db.session().commit()


def notes(interest: Interest) -> list[InterestNote]:
    return list(db.session().scalars(select(InterestNote).where(InterestNote.interest_id == interest.id)
                                     .order_by(InterestNote.created_at)))



# --- equality monitoring -----------------------------------------------------------------

def record_equality(role_id: int, answers: dict[str, str]) -> bool:
    """Store answers with the role and the month only; nothing stored when every answer is blank."""
    answers = {k: v for k, v in answers.items() if v}
    if not answers:
        return False
    db.session().add(EqualityResponse(id=secrets.token_hex(16), role_id=role_id,
                                      month=utcnow().strftime("%Y-%m"), answers=answers))
    db.session().commit()
    return True


def equality_months() -> list[str]:
    """Closed calendar months with answers, newest first: this month is never reported (it would
    change as each person answers, and the change would be their answer)."""
    this_month = utcnow().strftime("%Y-%m")
    return list(db.session().scalars(select(EqualityResponse.month).where(EqualityResponse.month < this_month)
                                     .distinct().order_by(EqualityResponse.month.desc())))


def equality_tables(rows: list[tuple[int, dict[str, str]]], questions: dict[str, list[str]]
                    ) -> tuple[dict[tuple[Any, ...], int], list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]]:
    """Every figure of one month's equality pages (each role's and all roles') and how they add up.

    ``rows`` are (role id, answers). Keys: ``("n", role)`` people who answered, ``(question, role,
    option)`` how many chose the option (``""``: not answered); ``role`` ``None`` is all roles.
    """
    roles = sorted({role for role, _answers in rows})
    counts: dict[tuple[Any, ...], int] = {}
    for role in [None, *roles]:
        mine = [answers for r, answers in rows if role is None or r == role]
        counts[("n", role)] = len(mine)
        for question, options in questions.items():
            counted = Counter(answers.get(question, "") for answers in mine)
            for option in [*options, ""]:
                counts[(question, role, option)] = counted[option]
    sums = [(("n", None), [("n", role) for role in roles])]
    for question, options in questions.items():
        for role in [None, *roles]:
            sums.append((("n", role), [(question, role, option) for option in [*options, ""]]))
        for option in [*options, ""]:
            sums.append(((question, None, option), [(question, role, option) for role in roles]))
    return counts, sums


def equality_report(questions: dict[str, list[str]], month: str, role_id: int | None = None) -> dict[str, Any]:
    """One closed month's counts per answer, for one role or all, protected by ``disclosure.protect``
    over every role's table and the all-roles table together (so none can be taken from another)."""
    rows = [(role, answers) for role, answers in db.session().execute(
        select(EqualityResponse.role_id, EqualityResponse.answers).where(EqualityResponse.month == month))]
    counts, sums = equality_tables(rows, questions)
    shown = disclosure.protect(counts, sums)
    total = shown.get(("n", role_id), 0)
    if total == 0:
        return {"total": 0, "questions": {}}
    return {"total": total, "questions": {
        question: [(option, shown[(question, role_id, option)]) for option in [*options, ""]]
        for question, options in questions.items()}}


def register(p: Plugs) -> None:
    """What this room adds to signing in, "your data", erasure and retention (``app.plugs``)."""
    p.after_sign_in.append(confirm_for)
    p.exports["interests"] = export
    p.erasers.append(erase)
    p.retention["interests"] = delete_expired
    p.cover("interests", export="interests",
            erasure="the person's interests are deleted with the team's notes on them; one they sent for someone "
                    "else stays that person's, without the link to who sent it",
            retention="deleted RETENTION_INTEREST_MONTHS after the role closed (or after it was sent, if later)")
    p.cover("interest_notes", export="interests",
            erasure="deleted with the interest they are about",
            retention="deleted with the interest they are about (RETENTION_INTEREST_MONTHS)")
    p.exempt_table("equality_responses", "equality answers are anonymous by design: a random id, the role and the "
                                         "month, no link to a person or an interest, so nothing can be found for anyone")
