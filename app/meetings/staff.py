"""Staff pages for meetings: arrange one, record who came, read the feedback (charts drawn on
the server with a table of the same numbers), redact personal details, and answer with
"you said, we did" (translated per language, emailed when published)."""

from __future__ import annotations

import csv
import io
from functools import lru_cache
from typing import Any

import segno
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup
from sqlalchemy import or_, select

from app import access, db
from app.account.models import Contributor
from app.i18n import language
from app.interests.models import Interest
from app.meetings import charts, service
from app.meetings.forms import LOCAL, MeetingForm, RedactForm, TranslateForm, YouSaidForm
from app.meetings.models import SCALES, TEXTS, FeedbackComment, FeedbackResponse, Meeting, YouSaidWeDid
from app.roles.models import Role
from app.security import current_staff, role_required

bp = Blueprint("meetings_staff", __name__, url_prefix="/staff")
TEAM = ("admin", "officer")



def question_names() -> dict[str, str]:
    return {"overall": _("Overall, how it went"), "listened": _("Felt listened to"),
            "could_say": _("Could say what they wanted"), "information": _("Information clear"),
            "in_time": _("Information sent in good time"),
            "jargon": _("Words easy, without jargon"), "adjustments": _("Got the support asked for"),
            "safe_to_disagree": _("Felt safe to disagree"), "went_well": _("What went well"),
            "change": _("What should change"), "anything_else": _("Anything else")}


@bp.context_processor
def _names() -> dict[str, Any]:
    return {"format_names": {"in_person": _("In person"), "online": _("Online"), "phone": _("By phone")},
            "question_names": question_names(), "ends_at": service.ends_at, "scale_labels": charts.SCALE_LABELS}


def _role(role_id: int) -> Role:
    return db.get_or_404(Role, role_id)


def _meeting(meeting_id: int) -> Meeting:
    return db.get_or_404(Meeting, meeting_id)


# --- a role's meetings -------------------------------------------------------------------------------

@bp.get("/roles/<int:role_id>/meetings")
@role_required(*TEAM)
def role_meetings(role_id: int):  # type: ignore[no-untyped-def]
    role = _role(role_id)
    meetings = db.session().scalars(select(Meeting).where(Meeting.role_id == role.id)
                                    .order_by(Meeting.starts_at.desc())).all()
    return render_template("meetings/staff/role.html", role=role, meetings=meetings,
                           summaries={m.id: service.summary(m) for m in meetings})


@bp.route("/roles/<int:role_id>/meetings/new", methods=["GET", "POST"])
@role_required(*TEAM)
def new(role_id: int):  # type: ignore[no-untyped-def]
    role = _role(role_id)
    form = MeetingForm(data={"minutes": 90, "format": role.format or None, "venue": role.venue})
    if form.validate_on_submit():
        meeting = service.create(role, form.values(), access.acting())
        flash(_("Meeting added. Now add the people who are coming."))
        return redirect(url_for("meetings_staff.meeting", meeting_id=meeting.id))
    return render_template("meetings/staff/edit.html", role=role, form=form, meeting=None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@role_required(*TEAM)
def edit(meeting_id: int):  # type: ignore[no-untyped-def]
    meeting = _meeting(meeting_id)
    local = meeting.starts_at.astimezone(LOCAL)
    form = MeetingForm(data={"title": meeting.title, "day": local.date(), "start": local.strftime("%H:%M"),
                             "minutes": meeting.minutes, "format": meeting.format, "venue": meeting.venue,
                             "link": meeting.link, "agenda": meeting.agenda, "questions": meeting.questions})
    if form.validate_on_submit():
        service.update(meeting, form.values(), form.change_note.data or "", access.acting())
        flash(_("Meeting saved."))
        return redirect(url_for("meetings_staff.meeting", meeting_id=meeting.id))
    return render_template("meetings/staff/edit.html", role=_role(meeting.role_id), form=form, meeting=meeting)


@bp.post("/meetings/<int:meeting_id>/cancel")
@role_required(*TEAM)
def cancel(meeting_id: int):  # type: ignore[no-untyped-def]
    """Cancel a meeting: everyone coming is told by their channel, with a file that takes it out of their diary."""
    meeting = _meeting(meeting_id)
    try:
        service.cancel(meeting, request.form.get("change_note", "")[:1000], access.acting())
    except service.NotAllowed:
        flash(_("This meeting is already cancelled."), "error")
    else:
        flash(_("The meeting is cancelled. Everyone coming has been told."))
    return redirect(url_for("meetings_staff.meeting", meeting_id=meeting.id))


# --- one meeting -------------------------------------------------------------------------------------

def _candidates(meeting: Meeting) -> list[Contributor]:
    """People to choose from: those interested in the role, and anyone already on the list."""
    from app.meetings.models import Attendance

    interested = select(Interest.contributor_id).where(Interest.role_id == meeting.role_id,
                                                       Interest.status != "withdrawn")
    listed = select(Attendance.contributor_id).where(Attendance.meeting_id == meeting.id)
    return list(db.session().scalars(select(Contributor).where(
        or_(Contributor.id.in_(interested), Contributor.id.in_(listed)), Contributor.erased_at.is_(None))
        .order_by(Contributor.name)))


@lru_cache(maxsize=256)  # drawing it is a quarter of the page's time; a link's code never changes
def qr_svg(url: str) -> Markup:
    """The short link as an SVG QR code (drawn here: no outside service sees the link)."""
    return Markup(segno.make(url, error="m").svg_inline(scale=4, dark="#1b1b1b", light="#ffffff",
                                                         omitsize=False))


@bp.get("/meetings/<int:meeting_id>")
@role_required(*TEAM)
def meeting(meeting_id: int, you_said_form: YouSaidForm | None = None, code: int = 200):  # type: ignore[no-untyped-def]
    item = _meeting(meeting_id)
    short_link = current_app.config["SETTINGS"].base_url + url_for("meetings.show", code=item.code)
    responses = db.session().scalars(select(YouSaidWeDid).where(YouSaidWeDid.meeting_id == item.id)
                                     .order_by(YouSaidWeDid.id)).all()
    return render_template(
        "meetings/staff/meeting.html", meeting=item, role=_role(item.role_id), changes=service.changes(item),
        attendees=service.attendees(item), candidates=_candidates(item), short_link=short_link,
        qr=qr_svg(short_link), summary=service.summary(item), open=service.feedback_open(item),
        closes=service.feedback_closes(item), responses=responses, you_said_form=you_said_form or YouSaidForm(),
        translate_to=[language(loc) for loc in current_app.config["SETTINGS"].locales if loc != "en"]), code


@bp.post("/meetings/<int:meeting_id>/attendees")
@role_required(*TEAM)
def attendees(meeting_id: int):  # type: ignore[no-untyped-def]
    item = _meeting(meeting_id)
    allowed = {p.id for p in _candidates(item)}
    chosen = [int(i) for i in request.form.getlist("person") if i.isdigit() and int(i) in allowed]
    supporters = {int(i) for i in request.form.getlist("supporter") if i.isdigit()}
    email = request.form.get("email", "").strip()
    if email:  # someone not interested in the role: a supporter, or someone staff invited
        from app.account import service as accounts

        person = accounts.find_by_email(email)
        if person is None or person.erased_at is not None:
            flash(_("Nobody with the email address %(email)s has an account. Add them under Contributors first.",
                    email=email), "error")
            return redirect(url_for("meetings_staff.meeting", meeting_id=item.id) + "#who-came")
        chosen.append(person.id)
        if request.form.get("email_supporter") == "yes":
            supporters.add(person.id)
    service.set_attendees(item, [(i, i in supporters) for i in dict.fromkeys(chosen)], access.acting())
    flash(_("The list of who came is saved."))
    return redirect(url_for("meetings_staff.meeting", meeting_id=item.id) + "#who-came")


# --- feedback ----------------------------------------------------------------------------------------

def _charts(summary: service.Summary) -> list[dict[str, Any]]:
    names = question_names()
    return [{"name": name, "title": names[name], "counts": summary.counts[name],
             "answered": summary.answered(name), "average": summary.average(name),
             "hidden": any(v is None for v in summary.counts[name].values()),
             "svg": charts.bars(summary.counts[name], labels=charts.SCALE_LABELS[name])} for name in SCALES]


@bp.get("/meetings/<int:meeting_id>/feedback")
@role_required(*TEAM)
def feedback(meeting_id: int, redact_errors: dict[str, RedactForm] | None = None,
             code: int = 200):  # type: ignore[no-untyped-def]
    item = _meeting(meeting_id)
    role = _role(item.role_id)
    summary = service.summary(item)
    if summary is None:
        return render_template("meetings/staff/feedback.html", meeting=item, role=role, summary=None,
                               closes=service.feedback_closes(item)), code
    return render_template("meetings/staff/feedback.html", meeting=item, role=role, summary=summary,
                           charts=_charts(summary), comments=service.comments([item.id]),
                           redact_forms=redact_errors or {}, blank_redact=RedactForm(formdata=None)), code


@bp.get("/meetings/<int:meeting_id>/feedback.csv")
@role_required(*TEAM)
def feedback_csv(meeting_id: int):  # type: ignore[no-untyped-def]
    """Every answer, one row per response, once feedback has closed. No row says who gave it, when,
    or whether it was named: with names on the others, the one row without would be the anonymous one."""
    from app.claims.export import safe

    item = _meeting(meeting_id)
    if not service.feedback_closed(item):
        return redirect(url_for("meetings_staff.feedback", meeting_id=item.id))
    rows = sorted(db.session().scalars(select(FeedbackResponse).where(FeedbackResponse.meeting_id == item.id)),
                  key=lambda row: row.id)  # random ids: no order
    words: dict[str, dict[str, list[str]]] = {}
    for comment, response in service.comments([item.id]):
        words.setdefault(response.id, {}).setdefault(comment.question, []).append(comment.text)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(["response", *SCALES, *TEXTS])
    for number, response in enumerate(rows, start=1):
        writer.writerow([number, *[(response.answers or {}).get(q, "") for q in SCALES],
                         *[safe(" / ".join(words.get(response.id, {}).get(q, []))) for q in TEXTS]])
    body = "\ufeff" + out.getvalue()
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f'attachment; filename="feedback-meeting-{item.id}.csv"'})


@bp.post("/feedback/comments/<comment_id>/redact")
@role_required(*TEAM)
def redact(comment_id: str):  # type: ignore[no-untyped-def]
    comment = db.get_or_404(FeedbackComment, comment_id)
    response = db.get_or_404(FeedbackResponse, comment.response_id)
    form = RedactForm()
    if form.validate_on_submit():
        try:
            service.redact(comment, form.words.data, form.reason.data, access.acting())
        except service.NotAllowed:
            form.words.errors = [_("Those words are not in the comment. Copy them exactly.")]
        else:
            flash(_("The personal details were removed. The comment stays."))
            return redirect(url_for("meetings_staff.feedback", meeting_id=response.meeting_id) + f"#c{comment.id}")
    return feedback(response.meeting_id, redact_errors={comment.id: form}, code=400)


@bp.get("/roles/<int:role_id>/feedback")
@role_required(*TEAM)
def role_feedback(role_id: int):  # type: ignore[no-untyped-def]
    """All the role's meetings together, and how each went over time."""
    role = _role(role_id)
    averages = [(m, s.average("overall"), s.responses) for m, s in service.trend(role)]
    return render_template("meetings/staff/role_feedback.html", role=role, trend=averages,
                           trend_svg=charts.trend([a for _m, a, _n in averages]))


# --- you said, we did ----------------------------------------------------------------------------------

@bp.post("/meetings/<int:meeting_id>/you-said")
@role_required(*TEAM)
def add_you_said(meeting_id: int):  # type: ignore[no-untyped-def]
    item = _meeting(meeting_id)
    form = YouSaidForm()
    if not form.validate_on_submit():
        return meeting(item.id, you_said_form=form, code=400)
    service.add_response(item, {"you_said": form.you_said.data, "we_did": form.we_did.data,
                                "changed": form.changed.data == "yes", "done_on": form.done_on.data}, access.acting())
    flash(_("Saved. Check it, translate it if you can, then publish it: everyone who came is emailed."))
    return redirect(url_for("meetings_staff.meeting", meeting_id=item.id) + "#you-said")


def _you_said(item_id: int) -> YouSaidWeDid:
    return db.get_or_404(YouSaidWeDid, item_id)


@bp.post("/you-said/<int:item_id>/publish")
@role_required(*TEAM)
def publish(item_id: int):  # type: ignore[no-untyped-def]
    item = _you_said(item_id)
    try:
        ids = service.publish(item, access.acting(), current_staff().role)
    except service.NotAllowed:
        flash(_("This is already published."), "error")
    else:
        flash(ngettext("Published, and emailed to %(num)s person who came.",
                       "Published, and emailed to %(num)s people who came.", len(ids)))
    return redirect(url_for("meetings_staff.meeting", meeting_id=item.meeting_id) + "#you-said")


@bp.route("/you-said/<int:item_id>/translations/<locale>", methods=["GET", "POST"])
@role_required(*TEAM)
def translate(item_id: int, locale: str):  # type: ignore[no-untyped-def]
    if locale == "en" or locale not in current_app.config["SETTINGS"].locales:
        abort(404)
    item = _you_said(item_id)
    own = (item.translations or {}).get(locale, {})
    form = TranslateForm(data=own)
    if form.validate_on_submit():
        service.translate(item, locale, form.you_said.data or "", form.we_did.data or "", access.acting())
        flash(_("Translation saved."))
        return redirect(url_for("meetings_staff.meeting", meeting_id=item.meeting_id) + "#you-said")
    return render_template("meetings/staff/translate.html", item=item, form=form, locale=locale,
                           language=language(locale), meeting=_meeting(item.meeting_id))


# --- the staff home page -------------------------------------------------------------------------------

def overdue_panel() -> str:
    """The staff home's list of meetings whose feedback is overdue (admins and officers)."""
    if current_staff().role not in TEAM:
        return ""
    late = service.overdue()
    return Markup(render_template("meetings/staff/_overdue.html", late=late)) if late else ""





# --- "support now", per language --------------------------------------------------------------------

@bp.get("/support-now")
@role_required("admin")
def support_now():  # type: ignore[no-untyped-def]
    from app.i18n import available
    from app.meetings import support

    counts = {lang.code: len(support.entries(lang.code)) for lang in available()}
    return render_template("meetings/staff/support_now.html", langs=available(), counts=counts)


@bp.route("/support-now/<locale>", methods=["GET", "POST"])
@role_required("admin")
def support_now_edit(locale: str):  # type: ignore[no-untyped-def]
    from app.i18n import available
    from app.meetings import support
    from app.meetings.forms import SupportListForm

    names = {lang.code: lang.name for lang in available()}
    if locale not in names:
        abort(404)
    if request.method == "POST":
        form = SupportListForm()
    else:
        form = SupportListForm(data={f"{field}_{i}": getattr(entry, field)
                                     for i, entry in enumerate(support.entries(locale), start=1)
                                     for field in ("name", "how", "hours")})
    form.locale = locale
    if form.validate_on_submit():
        support.replace(locale, form.entries(), by=None)
        db.session().commit()
        flash(_("The list in %(language)s is saved.", language=names[locale]))
        return redirect(url_for("meetings_staff.support_now"))
    return render_template("meetings/staff/support_now_edit.html", form=form, locale=locale,
                           language=names[locale])


# --- on paper ----------------------------------------------------------------------------------------

def claim_forms_panel(person: Contributor) -> str:
    """On staff's record of a person: a paper claim form for each of their recent meetings."""
    meetings = service.meetings_for(person)[:6]
    return Markup(render_template("meetings/staff/_claim_forms.html", person=person, meetings=meetings)) if meetings else ""


@bp.get("/meetings/<int:meeting_id>/claim-form/<int:contributor_id>.pdf")
@role_required(*TEAM)
def claim_form(meeting_id: int, contributor_id: int):  # type: ignore[no-untyped-def]
    """A paper claim form filled in with what we know (the person's details and the meeting), in the
    person's language and easy read choice (``?lang=`` prints it in another), to post or hand over."""
    from app import documents
    from app.i18n import _valid

    item = _meeting(meeting_id)
    person = db.get_or_404(Contributor, contributor_id)
    if person.erased_at is not None or not service.attended(item, person):
        abort(404)
    settings = current_app.config["SETTINGS"]
    locale = _valid(request.args.get("lang")) or person.language or "en"
    from app.phones import display

    shown = dict(meeting=item, role=_role(item.role_id), person=person, phone=display(person.phone) if person.phone else "",
                 address_lines=[line.strip() for line in settings.organisation_address.split(",") if line.strip()])
    pdf = documents.render("documents/claim_form.html", shown, locale, bool(person.easy_read))
    return Response(pdf, mimetype="application/pdf", headers={
        "Content-Disposition": f'inline; filename="claim-form-{item.code}-{person.id}.pdf"'})
