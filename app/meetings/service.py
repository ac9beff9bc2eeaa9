"""Meetings, feedback and "you said, we did": the rules, apart from the pages.

- A meeting's feedback opens when it ends and stays open ``FEEDBACK_DAYS``.
- Feedback is named (the person's, or given for them by a supporter who may fill in
  their forms) or anonymous (no person and no time of day is stored; the database
  checks it). Named feedback can be added to until the window closes.
- Asking for a one-to-one debrief makes a staff task naming the role's contact.
- Comments are never deleted or hidden; staff may redact personal details, with a
  reason, and the redaction is audited (without the words removed).
- Publishing a "you said, we did" emails everyone who came, in their language.
"""

from __future__ import annotations

import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Sequence

from flask import current_app
from sqlalchemy import delete as sql_delete, func, select, update as sql_update

from app import access, audit, db, disclosure, mail, notify
from app.plugs import Plugs
from app.transitions import TEAM, Machine, NotAllowed
from app.audit import Actor
from app.i18n import WRITTEN_IN, Said
from app.account.models import Contributor
from app.db import utcnow
from app.meetings import diary
from app.meetings.models import (
    SCALES, TEXTS, Attendance, FeedbackComment, FeedbackResponse, Meeting, MeetingChange, YouSaidWeDid, random_id,
)
from app.roles.models import Role
from app.staff.models import StaffTask

REDACTED = "[…]"
#: Fields whose change is worth telling people about (the rest are wording).
NOTABLE = ("starts_at", "minutes", "format", "venue", "link")


#: A "you said, we did" response is written, then published to everyone who came (once).
YOU_SAID = Machine("you_said", {"draft": {"published": TEAM}})


# --- meetings -----------------------------------------------------------------------------------

def new_code() -> str:
    """A short code for the meeting's link and QR code: 8 letters/digits, no look-alikes."""
    alphabet = "abcdefghjkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(8))


def create(role: Role, values: dict[str, Any], by: Actor) -> Meeting:
    session = db.session()
    now = utcnow()
    meeting = Meeting(role_id=role.id, code=new_code(), created_at=now, updated_at=now, **values)
    session.add(meeting)
    session.flush()
    audit.record("meeting.created", "meeting", meeting.id, actor=by,
                 after={"role": role.id, "starts_at": meeting.starts_at.isoformat()})
    session.commit()
    return meeting


def update(meeting: Meeting, values: dict[str, Any], change_note: str, by: Actor) -> MeetingChange | None:
    """Change a meeting. A change to when, how long, how or where is recorded for everyone to
    see (``change_note`` in plain words, or a plain list of what changed)."""
    session = db.session()
    before = {name: getattr(meeting, name) for name in values}
    changed = [name for name, value in values.items() if before[name] != value]
    for name, value in values.items():
        setattr(meeting, name, value)
    meeting.updated_at = utcnow()
    change = None
    if change_note.strip() or any(name in NOTABLE for name in changed):
        change = MeetingChange(meeting_id=meeting.id, what=change_note.strip() or ", ".join(changed), at=utcnow())
        session.add(change)
    audit.record("meeting.changed", "meeting", meeting.id, actor=by,
                 before={k: str(before[k]) for k in changed}, after={k: str(values[k]) for k in changed})
    if change is not None and not meeting.cancelled and meeting.starts_at > utcnow():
        session.flush()
        diary.tell(meeting, [person for _a, person in attendees(meeting)], "changed")  # with the new .ics
    session.commit()
    return change


def cancel(meeting: Meeting, note: str, by: Actor) -> None:
    """Cancel a meeting: the change is shown on its page, and everyone coming is told (with a
    calendar file that takes it out of their diary)."""
    if meeting.cancelled:
        raise NotAllowed("already cancelled")
    session = db.session()
    meeting.cancelled = True
    meeting.updated_at = utcnow()
    session.add(MeetingChange(meeting_id=meeting.id, what=note.strip() or "cancelled", at=utcnow()))
    audit.record("meeting.cancelled", "meeting", meeting.id, actor=by, after={"note": note.strip()})
    session.flush()
    if meeting.starts_at > utcnow():
        diary.tell(meeting, [person for _a, person in attendees(meeting)], "cancelled")
    session.commit()


def changes(meeting: Meeting) -> list[MeetingChange]:
    return list(db.session().scalars(select(MeetingChange).where(MeetingChange.meeting_id == meeting.id)
                                     .order_by(MeetingChange.at.desc())))


def ends_at(meeting: Meeting) -> datetime:
    return meeting.starts_at + timedelta(minutes=meeting.minutes)


def feedback_closes(meeting: Meeting) -> datetime:
    return ends_at(meeting) + timedelta(days=current_app.config["SETTINGS"].feedback_days)


def feedback_open(meeting: Meeting, now: datetime | None = None) -> bool:
    now = now or utcnow()
    return not meeting.cancelled and ends_at(meeting) <= now < feedback_closes(meeting)


def set_attendees(meeting: Meeting, people: list[tuple[int, bool]], by: Actor) -> None:
    """Who came: (contributor id, came as a supporter) pairs, replacing the list."""
    session = db.session()
    current = {a.contributor_id: a for a in session.scalars(select(Attendance).where(
        Attendance.meeting_id == meeting.id))}
    wanted = dict(people)
    for person_id, attendance in current.items():
        if person_id not in wanted:
            session.delete(attendance)
    for person_id, as_supporter in wanted.items():
        if person_id in current:
            current[person_id].as_supporter = as_supporter
        else:
            session.add(Attendance(meeting_id=meeting.id, contributor_id=person_id, as_supporter=as_supporter))
    audit.record("meeting.attendees", "meeting", meeting.id, actor=by, after={"people": sorted(wanted)})
    added = [person_id for person_id in wanted if person_id not in current]
    if added and not meeting.cancelled and meeting.starts_at > utcnow():  # an invitation, with its .ics
        diary.tell(meeting, list(session.scalars(select(Contributor).where(Contributor.id.in_(added))
                                                 .order_by(Contributor.id))), "invited")
    session.commit()


def attendees(meeting: Meeting) -> list[tuple[Attendance, Contributor]]:
    return list(db.session().execute(
        select(Attendance, Contributor).join(Contributor, Contributor.id == Attendance.contributor_id)
        .where(Attendance.meeting_id == meeting.id).order_by(Contributor.name)).all())


def attended(meeting: Meeting, person: Contributor) -> bool:
    return db.session().scalar(select(Attendance.id).where(
        Attendance.meeting_id == meeting.id, Attendance.contributor_id == person.id)) is not None


def meetings_for(person: Contributor) -> list[Meeting]:
    """The meetings someone came to (or is coming to), newest first."""
    return list(db.session().scalars(
        select(Meeting).join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Attendance.contributor_id == person.id).order_by(Meeting.starts_at.desc())))


# --- feedback -----------------------------------------------------------------------------------

def may_give_for(giver: Contributor, person: Contributor) -> bool:
    """The giver is the person, or a supporter they let fill in forms for them, now."""
    return access.may(giver, person.id, "fill_in")


def clean_answers(answers: dict[str, Any]) -> dict[str, int]:
    """Keep only the scale questions answered with 1 to 5."""
    kept = {}
    for name in SCALES:
        value = answers.get(name)
        if isinstance(value, str) and value.isdigit():
            value = int(value)
        if isinstance(value, int) and 1 <= value <= 5:
            kept[name] = value
    return kept


def named_response(meeting: Meeting, person: Contributor) -> FeedbackResponse | None:
    """The person's own named feedback on the meeting, if they gave some."""
    return db.session().scalar(select(FeedbackResponse).where(
        FeedbackResponse.meeting_id == meeting.id, FeedbackResponse.contributor_id == person.id,
        FeedbackResponse.anonymous.is_(False)))


def give_feedback(meeting: Meeting, answers: dict[str, Any], texts: dict[str, str], debrief: bool, *,
                  person: Contributor | None, giver: Contributor | None) -> FeedbackResponse:
    """Record feedback. ``person`` ``None`` means anonymous (nothing about the giver is kept).

    Named feedback from someone who already gave some is added to their response: answers
    given now replace earlier ones, and new words are added beside the old.
    """
    if not feedback_open(meeting):
        raise NotAllowed("feedback on this meeting is not open")
    if is_empty(answers, texts, debrief and person is not None):
        raise NotAllowed("nothing was answered")
    session = db.session()
    today = utcnow().date()
    if person is None:
        response = FeedbackResponse(meeting_id=meeting.id, anonymous=True, answers=clean_answers(answers),
                                    debrief=False, received_on=None)
        session.add(response)
    else:
        if giver is None or not may_give_for(giver, person):
            raise NotAllowed("only the person, or a supporter who fills in their forms")
        if not attended(meeting, person):
            raise NotAllowed("only people who came give named feedback")
        response = named_response(meeting, person)
        now = utcnow()
        if response is None:
            response = FeedbackResponse(meeting_id=meeting.id, anonymous=False, contributor_id=person.id,
                                        answers={}, debrief=False, received_on=today, created_at=now)
            session.add(response)
        response.answers = dict(response.answers or {}) | clean_answers(answers)
        response.submitted_by_id = giver.id if giver.id != person.id else response.submitted_by_id
        response.updated_at = now
        if debrief and not response.debrief:
            response.debrief = True
            _debrief_task(meeting, person)
    session.flush()
    for question in TEXTS:
        words = (texts.get(question) or "").strip()
        if words:
            session.add(FeedbackComment(response_id=response.id, question=question, text=words[:5000],
                                        received_on=today if person is not None else None,
                                        written_by_id=giver.id if person is not None and giver else None))
    if person is not None:  # an anonymous response leaves no trace of who gave it
        # Named feedback is audited against the meeting, never the response: the audit trail
        # cannot be changed, and a response id kept there would outlive the response's name.
        audit.record("feedback.given", "meeting", meeting.id, actor=access.actor_for(giver, person),
                     after={"for": person.id, "on_behalf": giver.id != person.id})
        if giver.id != person.id:
            from app.account import service as accounts

            accounts.tell_person(person, "feedback_given", giver.display_name)
    session.commit()
    return response


def is_empty(answers: dict[str, Any], texts: dict[str, str], debrief: bool) -> bool:
    """Nothing answered, nothing written and no debrief asked for: not a response at all."""
    return not clean_answers(answers) and not any((texts.get(q) or "").strip() for q in TEXTS) and not debrief


def _debrief_task(meeting: Meeting, person: Contributor) -> None:
    role = db.session().get(Role, meeting.role_id)
    contact = role.contact_name if role is not None else ""
    db.session().add(StaffTask(kind="debrief", contributor_id=person.id, created_at=utcnow(),
                               detail=f"{meeting.title}, {meeting.starts_at:%d/%m/%Y}; {contact}".strip("; ")))


def comments(meeting_ids: list[int]) -> list[tuple[FeedbackComment, FeedbackResponse]]:
    """Every comment on these meetings (none can be left out), question by question, and within a
    question in the order of their random ids: nothing in the order says who came first."""
    found = db.session().execute(
        select(FeedbackComment, FeedbackResponse).join(FeedbackResponse,
                                                       FeedbackResponse.id == FeedbackComment.response_id)
        .where(FeedbackResponse.meeting_id.in_(meeting_ids))).all()
    return sorted(((c, r) for c, r in found), key=lambda pair: (TEXTS.index(pair[0].question), pair[0].id))


def redact(comment: FeedbackComment, words: str, reason: str, by: Actor) -> None:
    """Replace personal details in a comment (every place ``words`` appears) with a mark.
    The reason is required and audited; what was removed is not kept anywhere."""
    if not reason.strip():
        raise NotAllowed("say why")
    words = words.strip()
    if not words or words not in comment.text:
        raise NotAllowed("those words are not in the comment")
    comment.text = comment.text.replace(words, REDACTED)
    comment.redactions += 1
    audit.record("feedback.redacted", "feedback_comment", comment.id, actor=by,
                 after={"reason": reason.strip(), "characters": len(words)})
    db.session().commit()


# --- the summary --------------------------------------------------------------------------------

@dataclass
class Summary:
    """What people said about one meeting, counted; ``None`` is a hidden figure."""

    responses: int | None
    counts: dict[str, dict[int, int | None]]  # question -> answer (1..5) -> how many
    answers: dict[str, int | None]  # question -> how many answered it

    def answered(self, question: str) -> int | None:
        return self.answers[question]

    def average(self, question: str) -> float | None:
        """Only when every count of the question is shown: an average over hidden counts
        would give them away."""
        counts, total = self.counts[question], self.answers[question]
        if not total or any(v is None for v in counts.values()):
            return None
        return sum(k * (v or 0) for k, v in counts.items()) / total


def feedback_closed(meeting: Meeting, now: datetime | None = None) -> bool:
    """Feedback is counted and read once its window has closed: while it is open, the page
    would change as each person answered."""
    return not meeting.cancelled and feedback_closes(meeting) <= (now or utcnow())


def feedback_tables(rows: Sequence[FeedbackResponse]
                    ) -> tuple[dict[tuple[Any, ...], int], list[tuple[tuple[Any, ...], list[tuple[Any, ...]]]]]:
    """Every figure of one meeting's feedback and how they add up. Keys: ``("responses",)``,
    ``(question, answer)``, ``("answered", question)``.

    Only what cannot change once the window has closed is counted: how many responded and what
    they answered (not who was named, on whose behalf, or who asked for a debrief, which erasure
    and retention change later, so that two readings a year apart would differ by one person)."""
    counted: Counter[tuple[Any, ...]] = Counter()
    for row in rows:
        counted[("responses",)] += 1
        for name, value in (row.answers or {}).items():
            if name in SCALES:
                counted[(name, int(value))] += 1
                counted[("answered", name)] += 1
    keys = [("responses",), *((q, a) for q in SCALES for a in range(1, 6)), *(("answered", q) for q in SCALES)]
    sums = [(("answered", q), [(q, a) for a in range(1, 6)]) for q in SCALES]
    return {key: counted[key] for key in keys}, sums


def summary(meeting: Meeting) -> Summary | None:
    """One meeting's feedback counted and protected (``disclosure.protect``), once its window has
    closed; ``None`` before. Each meeting stands alone: meetings do not overlap, and no total
    across them is published, so no two published tables can be subtracted."""
    if not feedback_closed(meeting):
        return None
    rows = db.session().scalars(select(FeedbackResponse).where(FeedbackResponse.meeting_id == meeting.id)).all()
    shown = disclosure.protect(*feedback_tables(rows))
    return Summary(shown[("responses",)], counts={q: {a: shown[(q, a)] for a in range(1, 6)} for q in SCALES},
                   answers={q: shown[("answered", q)] for q in SCALES})


def trend(role: Role) -> list[tuple[Meeting, Summary]]:
    """Each meeting of ``role`` whose feedback has closed, oldest first, with its summary."""
    meetings = db.session().scalars(select(Meeting).where(Meeting.role_id == role.id).order_by(Meeting.starts_at))
    return [(m, s) for m in meetings if (s := summary(m)) is not None]


# --- you said, we did ---------------------------------------------------------------------------

def add_response(meeting: Meeting, values: dict[str, Any], by: Actor) -> YouSaidWeDid:
    session = db.session()
    item = YouSaidWeDid(meeting_id=meeting.id, created_by=by[2], created_at=utcnow(), translations={}, **values)
    session.add(item)
    session.flush()
    audit.record("you_said.added", "meeting", meeting.id, actor=by, after={"response": item.id})
    session.commit()
    return item


def publish(item: YouSaidWeDid, by: Actor, who: str) -> list[int]:
    """Publish a response (``who``: the staff role) and email everyone who came, in their language;
    returns the emails' ids."""
    ids = YOU_SAID.move(item, "published", who, by, after={"meeting": item.meeting_id},
                        notify=lambda: _tell_who_came(item))
    db.session().commit()
    return ids or []


def _tell_who_came(item: YouSaidWeDid) -> list[int]:
    session = db.session()
    meeting = session.get(Meeting, item.meeting_id)
    assert meeting is not None
    ids = []
    link = mail.absolute_url("account.home")  # "What happened next" is on their account page
    for _attendance, person in attendees(meeting):
        if not notify.reachable(person) or person.erased_at is not None:
            continue
        words = in_language(item, person.language)
        message = notify.notify(person, "you_said", {
            "meeting": meeting.title, "day": meeting.starts_at.date(), "you_said": words["you_said"],
            "we_did": words["we_did"], "changed": item.changed, "link": link}, purpose="you_said_we_did")
        session.flush()
        ids.append(message.id)
    return ids


def in_language(item: YouSaidWeDid, locale: str) -> dict[str, str]:
    """The response's words in ``locale`` where staff have translated them, else as written."""
    own = (item.translations or {}).get(locale) or {}
    return {name: Said(own[name], locale) if own.get(name) else Said(getattr(item, name), WRITTEN_IN)
            for name in ("you_said", "we_did")}


def translate(item: YouSaidWeDid, locale: str, you_said: str, we_did: str, by: Actor) -> None:
    translations = dict(item.translations or {})
    translations[locale] = {"you_said": you_said.strip(), "we_did": we_did.strip()}
    item.translations = translations
    audit.record("you_said.translated", "meeting", item.meeting_id, actor=by,
                 after={"response": item.id, "locale": locale})
    db.session().commit()


def published_for(meeting_ids: list[int]) -> list[YouSaidWeDid]:
    if not meeting_ids:
        return []
    return list(db.session().scalars(select(YouSaidWeDid).where(
        YouSaidWeDid.meeting_id.in_(meeting_ids), YouSaidWeDid.published_at.is_not(None))
        .order_by(YouSaidWeDid.published_at.desc())))


def published_for_role(role: Role) -> list[tuple[YouSaidWeDid, Meeting]]:
    """Every published response on a role's meetings, newest first, with its meeting."""
    return list(db.session().execute(
        select(YouSaidWeDid, Meeting).join(Meeting, Meeting.id == YouSaidWeDid.meeting_id)
        .where(Meeting.role_id == role.id, YouSaidWeDid.published_at.is_not(None))
        .order_by(YouSaidWeDid.published_at.desc())).all())


def overdue(now: datetime | None = None) -> list[Meeting]:
    """Past meetings with feedback but no published "you said, we did" after ``YOU_SAID_DAYS``."""
    now = now or utcnow()
    days = current_app.config["SETTINGS"].you_said_days
    has_feedback = select(FeedbackResponse.id).where(FeedbackResponse.meeting_id == Meeting.id).exists()
    has_response = select(YouSaidWeDid.id).where(YouSaidWeDid.meeting_id == Meeting.id,
                                                 YouSaidWeDid.published_at.is_not(None)).exists()
    return list(db.session().scalars(select(Meeting).where(
        Meeting.cancelled.is_(False), Meeting.starts_at < now - timedelta(days=days), has_feedback,
        ~has_response).order_by(Meeting.starts_at)))


def response_count(meeting: Meeting) -> int:
    return db.session().scalar(select(func.count()).select_from(FeedbackResponse).where(
        FeedbackResponse.meeting_id == meeting.id)) or 0


# --- "your data": export, erasure, retention ------------------------------------------------------

def export(person: Contributor) -> list[dict[str, Any]]:
    """Named feedback by or for ``person`` (anonymous feedback cannot be found: that is the point)."""
    session = db.session()
    rows = session.scalars(select(FeedbackResponse).where(
        (FeedbackResponse.contributor_id == person.id) | (FeedbackResponse.submitted_by_id == person.id))
        .order_by(FeedbackResponse.id)).all()
    words = {}
    for comment, response in comments(sorted({r.meeting_id for r in rows})):
        # Feedback given for someone else: only the words this person wrote themselves.
        theirs = response.contributor_id == person.id or comment.written_by_id == person.id
        if response.id in {r.id for r in rows} and theirs:
            words.setdefault(response.id, []).append({"question": comment.question, "words": comment.text})
    # Feedback given for someone else belongs to them: the person may have changed the answers or
    # asked for a debrief since (even after withdrawing the supporter), so only the words the
    # supporter wrote themselves are theirs to see.
    return [{"meeting": r.meeting_id, "given_for_someone_else": True, "received": r.received_on.isoformat(),
             "comments": words.get(r.id, [])} if r.contributor_id != person.id else
            {"meeting": r.meeting_id, "answers": r.answers, "debrief": r.debrief, "given_for_someone_else": False,
             "received": r.received_on.isoformat(), "comments": words.get(r.id, [])} for r in rows]


def export_attendance(person: Contributor) -> list[dict[str, Any]]:
    """Meetings the person came to (or is down to come to), and whether as someone's supporter."""
    rows = db.session().execute(select(Attendance, Meeting).join(Meeting, Meeting.id == Attendance.meeting_id)
                                .where(Attendance.contributor_id == person.id).order_by(Meeting.starts_at)).all()
    return [{"meeting": meeting.id, "title": meeting.title, "starts": meeting.starts_at.isoformat(),
             "as_supporter": attendance.as_supporter} for attendance, meeting in rows]


def _anonymise(condition: Any) -> int:
    """Named feedback becomes anonymous: what was said stays; who said it, who wrote it, when,
    and the ids it was known by go (new random ids, so nothing seen before can be matched)."""
    session = db.session()
    responses = list(session.scalars(select(FeedbackResponse.id).where(condition)))
    for old in responses:
        new = random_id()
        session.execute(sql_update(FeedbackResponse).where(FeedbackResponse.id == old).values(
            id=new, anonymous=True, contributor_id=None, submitted_by_id=None, created_at=None, updated_at=None,
            received_on=None, debrief=False).execution_options(synchronize_session=False))
        # ... and its comments follow (ON UPDATE CASCADE), then get new ids of their own

        for comment in list(session.scalars(select(FeedbackComment.id).where(FeedbackComment.response_id == new))):
            session.execute(sql_update(FeedbackComment).where(FeedbackComment.id == comment).values(
                id=random_id(), written_by_id=None, received_on=None).execution_options(synchronize_session=False))
    for loaded in [o for o in session.identity_map.values() if isinstance(o, (FeedbackResponse, FeedbackComment))]:
        session.expunge(loaded)  # known by ids that no longer exist
    return len(responses)


def erase(person: Contributor) -> None:
    """Erasure: their named feedback is kept as anonymous feedback; they leave the attendance lists
    (and the record of reminders sent to them goes)."""
    _anonymise((FeedbackResponse.contributor_id == person.id) | (FeedbackResponse.submitted_by_id == person.id))
    db.session().execute(sql_delete(Attendance).where(Attendance.contributor_id == person.id))
    diary.erase(person)


def anonymise_expired() -> int:
    """Named feedback older than ``RETENTION_FEEDBACK_MONTHS`` becomes anonymous."""
    months = current_app.config["SETTINGS"].retention_feedback_months
    cutoff = utcnow().date() - timedelta(days=months * 31)
    return _anonymise((FeedbackResponse.anonymous.is_(False)) & (FeedbackResponse.received_on < cutoff))


def register(p: Plugs) -> None:
    """What this room adds to "your data", erasure and retention (``app.plugs``)."""
    p.exports.update(feedback=export, meetings_you_came_to=export_attendance)
    p.erasers.append(erase)
    p.retention["feedback"] = anonymise_expired
    named = "named feedback becomes anonymous RETENTION_FEEDBACK_MONTHS after it was given (the words stay)"
    p.cover("feedback_responses", export="feedback", retention=named,
               erasure="made anonymous: what was said stays, who said it (and who gave it for them) goes")
    p.cover("feedback_comments", export="feedback", retention=named,
               erasure="the words stay (the database refuses to delete them), written by nobody named")
    p.cover("attendances", export="meetings_you_came_to", erasure="deleted",
               retention="kept while the account is: who came is what they are paid and asked for feedback for")
