"""Staff triage: the interests in each role, their status, notes, and the equality report.

A status change works as a plain form post (back to the list) and, with htmx, swaps
just that row. Every change is audited; decisions are emailed through the outbox.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app import access, db, disclosure
from app.account.forms import ACCESS_CHOICES, CHANNEL_CHOICES, PAYMENT_CHOICES, RELATIONSHIP_CHOICES
from app.account.models import Contributor
from app.htmx import partial
from app.phones import display as display_phone
from app.interests import service
from app.interests.equality import QUESTION_TEXT, QUESTIONS
from app.interests.forms import AVAILABILITY_CHOICES, STATUS_CHOICES, WAY_CHOICES, NoteForm, StatusForm, TriageFilterForm
from app.interests.models import STATUSES, Interest
from app.roles.models import Role
from app.security import current_staff, role_required
from app.staff.models import StaffUser

bp = Blueprint("triage", __name__, url_prefix="/staff")


@bp.context_processor
def _names() -> dict[str, Any]:
    def names(choices: list[Any]) -> dict[str, str]:
        return {c.value: c.label for c in choices}

    staff = current_staff()
    moves = {status: service.INTEREST.next(status, staff.role if staff else "") for status in STATUSES}
    return {"interest_status_names": names(STATUS_CHOICES), "team_moves": moves,
            "access_names": names(ACCESS_CHOICES),
            "way_names": names(WAY_CHOICES), "availability_names": names(AVAILABILITY_CHOICES),
            "channel_names": names(CHANNEL_CHOICES), "payment_names": names(PAYMENT_CHOICES),
            "relationship_names": names(RELATIONSHIP_CHOICES)}



def _role(role_id: int) -> Role:
    return db.get_or_404(Role, role_id)


def _interest(interest_id: int) -> Interest:
    return db.get_or_404(Interest, interest_id)


def _helpers(interests: list[Interest]) -> dict[int, Contributor]:
    ids = {i.submitted_by_id for i in interests if i.submitted_by_id}
    if not ids:
        return {}
    return {p.id: p for p in db.session().scalars(select(Contributor).where(Contributor.id.in_(ids)))}


@bp.get("/roles/<int:role_id>/interests")
@role_required("admin", "officer")
def role_interests(role_id: int):  # type: ignore[no-untyped-def]
    role = _role(role_id)
    filters = TriageFilterForm(formdata=request.args)
    interests = service.for_role(role, status=filters.status.data or "", needs=filters.needs.data == "yes",
                                 helped=filters.helped.data == "yes")
    template = "interests/staff/_rows.html" if partial() and request.headers.get("HX-Target") == "interest-rows" \
        else "interests/staff/list.html"
    return render_template(template, role=role, interests=interests, filters=filters, helpers=_helpers(interests),
                           status_form=StatusForm(), counts=service.counts_by_role().get(role.id, {}))


@bp.route("/interests/<int:interest_id>", methods=["GET"])
@role_required("admin", "officer")
def interest(interest_id: int):  # type: ignore[no-untyped-def]
    item = _interest(interest_id)
    return _detail(item, StatusForm(data={"status": item.status, "reason": item.reason}), NoteForm())


def _detail(item: Interest, status_form: StatusForm, note_form: NoteForm, code: int = 200):  # type: ignore[no-untyped-def]
    from app.audit import AuditEvent

    role = _role(item.role_id)
    history = db.session().scalars(select(AuditEvent).where(
        AuditEvent.record_type == "interest", AuditEvent.record_id == str(item.id)).order_by(AuditEvent.id)).all()
    staff_names = {s.id: s.name or s.email for s in db.session().scalars(select(StaffUser))}
    return render_template("interests/staff/detail.html", interest=item, role=role, status_form=status_form,
                           note_form=note_form, notes=service.notes(item), history=history, staff_names=staff_names,
                           rows=_answers(item)), code


def _answers(item: Interest) -> list[dict[str, Any]]:
    """What the person told us, for "check answers"-style display."""
    def names(values: list[str], choices: list[Any]) -> list[str]:
        labels = {c.value: str(c.label) for c in choices}
        return [labels[v] for v in values if v in labels]

    def join(*parts: Any) -> str:
        return ", ".join(str(p) for p in parts if p)

    helper = _helpers([item]).get(item.submitted_by_id or 0)
    relationship = dict((c.value, c.label) for c in RELATIONSHIP_CHOICES).get(item.relationship, "")
    if helper is None:
        filled_in_by = _("The person themselves")
    elif item.agreement == "supporter_said":
        filled_in_by = _("%(name)s (%(relationship)s), who says the person agrees", name=helper.display_name,
                         relationship=relationship)
    else:
        filled_in_by = _("%(name)s (%(relationship)s), with a recorded agreement", name=helper.display_name,
                         relationship=relationship)
    channel = dict((c.value, c.label) for c in CHANNEL_CHOICES).get(item.contact_channel, "")
    return [
        {"question": _("Filled in by"), "answer": filled_in_by},
        {"question": _("Contact"), "answer": join(channel, item.email, display_phone(item.phone), item.address, item.best_times)},
        {"question": _("Ways to take part"), "answer": join(*names(item.ways, WAY_CHOICES))},
        {"question": _("Times"), "answer": join(*names(item.availability, AVAILABILITY_CHOICES),
                                                 item.availability_note)},
        {"question": _("What would help"), "answer": join(*names(item.access_needs, ACCESS_CHOICES),
                                                           item.interpreter_language, item.access_other)},
        {"question": _("What they would like to get out of it"), "answer": item.hopes},
        {"question": _("What they would bring"), "answer": item.brings},
        {"question": _("Payment"), "answer": dict((c.value, c.label) for c in PAYMENT_CHOICES).get(
            item.payment_preference, "")},
        {"question": _("Language for emails"), "answer": item.language},
    ]


@bp.post("/interests/<int:interest_id>/status")
@role_required("admin", "officer")
def change_status(interest_id: int):  # type: ignore[no-untyped-def]
    item = _interest(interest_id)
    form = StatusForm()
    form.current = item.status  # the form says why a move the team may not make is refused
    back = request.form.get("from") == "list"
    if form.validate_on_submit():
        service.change_status(item, form.status.data, form.reason.data or "", access.acting(), current_staff().role)
        db.session().commit()
        if partial():
            return render_template("interests/staff/_row.html", item=item, role=_role(item.role_id),
                                   helpers=_helpers([item]), status_form=StatusForm(), saved=True)
        flash(_("Status changed to “%(status)s” for %(name)s.",
                status=dict((c.value, c.label) for c in STATUS_CHOICES)[item.status], name=item.name))
        return redirect(url_for("triage.role_interests", role_id=item.role_id) if back
                        else url_for("triage.interest", interest_id=item.id))
    if partial():
        return render_template("interests/staff/_row.html", item=item, role=_role(item.role_id),
                               helpers=_helpers([item]), status_form=form)
    return _detail(item, form, NoteForm(), 400)


@bp.post("/interests/<int:interest_id>/notes")
@role_required("admin", "officer")
def add_note(interest_id: int):  # type: ignore[no-untyped-def]
    item = _interest(interest_id)
    form = NoteForm()
    if form.validate_on_submit():
        service.add_note(item, form.text.data, current_staff().id, access.acting())
        flash(_("Note added."))
        return redirect(url_for("triage.interest", interest_id=item.id))
    return _detail(item, StatusForm(data={"status": item.status, "reason": item.reason}), form, 400)


@bp.get("/equality")
@role_required("admin", "officer")
def equality():  # type: ignore[no-untyped-def]
    """One closed month at a time, for one role or all (see ``app.disclosure``)."""
    months = service.equality_months()
    month = request.args.get("month", "")
    month = month if month in months else (months[0] if months else "")
    role_id = request.args.get("role", type=int)
    role = db.session().get(Role, role_id) if role_id else None
    report = service.equality_report(QUESTIONS, month, role.id if role else None) if month else None
    roles_with_answers = db.session().scalars(select(Role).where(Role.status != "draft").order_by(Role.title)).all()
    return render_template("interests/staff/equality.html", report=report, role=role, roles=roles_with_answers,
                           months=months, month=month, questions=QUESTION_TEXT, smallest=disclosure.SMALLEST)
