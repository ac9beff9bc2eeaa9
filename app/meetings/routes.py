"""Meetings for the people who come: a meeting's page (short link, easy read), feedback on one
short page (named, for someone, or anonymous), "Your meetings" and "What happened next"."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app import access, db, journeys
from app.account import drafts
from app.account import service as accounts
from app.account.models import Contributor
from app.db import utcnow
from app.i18n import current_language, easy_read_on, er, pick
from app.meetings import diary, service
from app.plugs import plugs
from app.meetings.forms import FeedbackForm
from app.meetings.models import SCALES, TEXTS, Meeting
from app.roles import service as roles
from app.roles.models import Role
from app.security import contributor_required, current_contributor

bp = Blueprint("meetings", __name__)


@bp.context_processor
def _names() -> dict[str, Any]:
    return {"format_names": {"in_person": pick(_("In person"), er("Meet in person")), "online": pick(_("Online"), er("Online")),
                             "phone": pick(_("By phone"), er("On the phone"))},
            "feedback_closes": service.feedback_closes, "ends_at": service.ends_at}


def _meeting(code: str) -> Meeting:
    meeting = db.session().scalar(select(Meeting).where(Meeting.code == code))
    if meeting is None:
        abort(404)
    return meeting


def _role_words(meeting: Meeting) -> dict[str, Any]:
    role = db.session().get(Role, meeting.role_id)
    assert role is not None
    return roles.in_language(role, current_language())[0]


@bp.get("/m/<code>")
def show(code: str):  # type: ignore[no-untyped-def]
    """What will happen, for anyone with the link: plain words, easy read, changes first."""
    meeting = _meeting(code)
    return render_template("meetings/show.html", meeting=meeting, role=_role_words(meeting),
                           contact=db.session().get(Role, meeting.role_id),
                           changes=service.changes(meeting), open=service.feedback_open(meeting),
                           upcoming=service.ends_at(meeting) > utcnow(),
                           published=service.published_for([meeting.id]), language=current_language(),
                           in_language=service.in_language, coming=_coming(meeting))


def _coming(meeting: Meeting) -> bool:
    """The signed-in person is coming to this meeting (it has not happened and is not cancelled)."""
    me = current_contributor()
    return (me is not None and not meeting.cancelled and meeting.starts_at > utcnow()
            and service.attended(meeting, me))


@bp.get("/m/<code>/calendar.ics")
@contributor_required
def calendar(code: str):  # type: ignore[no-untyped-def]
    """"Add to your calendar": the meeting as a calendar file, for people coming to it."""
    meeting = _meeting(code)
    me = current_contributor()
    if not service.attended(meeting, me):
        abort(404)
    return Response(diary.calendar(meeting, current_language(), me), mimetype="text/calendar", headers={
        "Content-Disposition": f'attachment; filename="meeting-{meeting.code}.ics"'})


@bp.get("/m/<code>/pack.pdf")
def pack(code: str):  # type: ignore[no-untyped-def]
    """The meeting pack to print, for anyone with the link (as the meeting's page): the agenda, the
    questions in advance, how to get there and who to ask for help, in the reader's language and
    easy read choice."""
    from app import documents

    meeting = _meeting(code)
    contact = db.session().get(Role, meeting.role_id)
    settings = current_app.config["SETTINGS"]
    shown = dict(meeting=meeting, role=_role_words(meeting), contact=contact, changes=service.changes(meeting),
                 short_link=settings.base_url + url_for("meetings.show", code=meeting.code),
                 written_in="en")  # the team writes a meeting's agenda and questions in English (for now)
    pdf = documents.render("documents/meeting_pack.html", shown, current_language(), easy_read_on())
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="meeting-{meeting.code}-pack.pdf"'})


# --- feedback -------------------------------------------------------------------------------------

def _who_may_answer(meeting: Meeting) -> list[Contributor]:
    """People the signed-in person may give named feedback for: themselves if they came, and
    people they help (who let them fill in forms) who came."""
    me = current_contributor()
    if me is None:
        return []
    people = [me] + [p for link, p in accounts.people_supported_by(me) if link.can_fill_forms]
    return [p for p in people if service.attended(meeting, p)]


def _feedback_form(meeting: Meeting, people: list[Contributor]) -> FeedbackForm:
    form = FeedbackForm()
    me = current_contributor()
    if len(people) > 1 or (people and people[0].id != me.id):
        form.whose.choices = [(str(p.id), pick(_("My own feedback"), er("This is my own feedback.")) if p.id == me.id
                               else pick(_("Feedback from %(name)s, given by me", name=p.display_name),
                                         er("This is feedback from %(name)s. I am writing it for them.",
                                            name=p.display_name))) for p in people]
    else:
        form.whose.choices = []
    if not people:
        form.named.choices = []
    return form


@bp.route("/m/<code>/feedback", methods=["GET", "POST"])
def feedback(code: str):  # type: ignore[no-untyped-def]
    meeting = _meeting(code)
    if not service.feedback_open(meeting):
        return render_template("meetings/feedback_closed.html", meeting=meeting, role=_role_words(meeting),
                               upcoming=service.ends_at(meeting) > utcnow())
    people = _who_may_answer(meeting)
    form = _feedback_form(meeting, people)
    if form.validate_on_submit():
        person = None
        if people and form.named.data == "named":
            chosen = form.whose.data if form.whose.choices else str(people[0].id)
            person = next((p for p in people if str(p.id) == chosen), None)
            if person is None:
                form.whose.errors = [pick(_("Choose whose feedback this is"), er("Choose whose feedback this is."))]
        if not form.whose.errors:
            answers = {name: form[name].data for name in SCALES}
            texts = {name: form[name].data or "" for name in TEXTS}
            service.give_feedback(meeting, answers, texts, form.debrief.data == "yes" and person is not None,
                                  person=person, giver=current_contributor() if person else None)
            if person is None:
                return redirect(url_for("meetings.thanks", code=code))
            return redirect(url_for("meetings.thanks", code=code, named="yes"))
    return render_template("meetings/feedback.html", meeting=meeting, role=_role_words(meeting), form=form,
                           people=people, support_now=_support_now(), signed_in=current_contributor() is not None,
                           contact=db.session().get(Role, meeting.role_id),
                           closes=service.feedback_closes(meeting))


def _support_now() -> tuple[list[Any], bool]:
    """The "support now" list in the page's language, and whether it is the English one instead."""
    from app.i18n import current_language
    from app.meetings import support

    return support.list_for(current_language())


@bp.get("/m/<code>/feedback/thanks")
def thanks(code: str):  # type: ignore[no-untyped-def]
    meeting = _meeting(code)
    return render_template("meetings/thanks.html", meeting=meeting, role=_role_words(meeting),
                           named=request.args.get("named") == "yes",
                           open=service.feedback_open(meeting), closes=service.feedback_closes(meeting))


# --- your meetings ----------------------------------------------------------------------------------

@bp.get("/account/meetings")
@contributor_required
def yours():  # type: ignore[no-untyped-def]
    person = access.form_for()
    meetings = service.meetings_for(person)
    now = utcnow()
    upcoming = [m for m in reversed(meetings) if service.ends_at(m) > now]
    past = [m for m in meetings if service.ends_at(m) <= now]
    role_titles = {r.id: w["title"] for r, w in roles.in_language_many(
        list(db.session().scalars(select(Role).where(Role.id.in_({m.role_id for m in meetings})))),
        current_language())} if meetings else {}
    answered = {m.id for m in past if service.named_response(m, person) is not None}
    return render_template("meetings/yours.html", person=person, upcoming=upcoming, past=past,
                           role_titles=role_titles, answered=answered, open=service.feedback_open,
                           happened=service.published_for([m.id for m in past]),
                           titles={m.id: m.title for m in meetings}, language=current_language(),
                           in_language=service.in_language)


@bp.post("/account/meetings/<int:meeting_id>/claim")
@contributor_required
def claim(meeting_id: int):  # type: ignore[no-untyped-def]
    """Start a claim for a meeting the person came to, with what it was for and when filled in."""
    me = current_contributor()
    person = g.get("acting_for") or me
    meeting = db.session().get(Meeting, meeting_id)
    if meeting is None or not service.attended(meeting, person) or service.ends_at(meeting) > utcnow():
        abort(404)
    draft = drafts.start("claim", me, person, plugs().forms["claim"].label())
    local_day = meeting.starts_at.astimezone(_local()).date()
    from app.claims.forms import ActivityForm

    journeys.keep(draft, "activity", journeys.prefill_pairs(ActivityForm, {
        "activity": str(meeting.role_id), "other_activity": "", "activity_date": local_day}))
    db.session().commit()
    flash(_("We have filled in what the claim is for and the date."))
    return redirect(url_for("claims.page", public_id=draft.public_id, page="time"))


def _local() -> Any:
    from app.meetings.forms import LOCAL

    return LOCAL
