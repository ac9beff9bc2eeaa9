"""Advances, the person's side and the team's: asking for money before a meeting, following it,
and the staff list and decisions. Every change goes through ``advances`` (``ADVANCE``); each
route commits once; every person's record is read through ``app.access``.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select
from wtforms.fields.choices import SelectChoice

from app import access, db
from app.account.models import Contributor
from app.claims import advances
from app.claims.forms import (
    EXPENSE_CHOICES, SOMETHING_ELSE, AdvanceApproveForm, AdvanceFilterForm, AdvanceForm, AdvanceReplyForm,
    CashAnswerForm, CashForm, PaidForm, QueryForm, RejectForm, SortOutForm,
)
from app.claims.models import Advance
from app.db import utcnow
from app.i18n import easy_read_on, er, pick
from app.security import contributor_required, current_contributor, current_staff, role_required

bp = Blueprint("advances", __name__)
staff_bp = Blueprint("advances_staff", __name__, url_prefix="/staff/advances")


def status_words() -> dict[str, str]:  # built per request, in its language
    return {"requested": pick(_("Asked: waiting for the team"), er("You asked. We will check it.")),
            "query": pick(_("We have a question for you"), er("We have a question for you")),
            "approved": pick(_("Approved: we will send the money"), er("We said yes. We will send the money.")),
            "rejected": pick(_("Not approved"), er("We said no")),
            "sent": pick(_("Sent for payment"), er("Sent to be paid")), "paid": pick(_("Paid"), er("Paid")),
            "cash_given": pick(_("Cash given on the day: please tell us you got it"),
                               er("We gave you cash. Please tell us you got it.")),
            "cash_confirmed": pick(_("Cash given on the day: you told us you got it"),
                                   er("We gave you cash. You told us you got it.")),
            "cash_disputed": pick(_("Cash: you told us you did not get it"),
                                  er("You told us you did not get this cash.")),
            "to_recover": pick(_("To be paid back"), er("Please pay this back")),
            "converted": pick(_("Made into a claim"), er("Now part of a claim"))}


def staff_status_words() -> dict[str, str]:
    """The states as staff read them: cash names whether the person has confirmed it."""
    return status_words() | {"cash_given": _("Cash given: waiting for them to confirm"),
                             "cash_confirmed": _("Cash given: they confirmed they got it"),
                             "cash_disputed": _("Cash: they said they did not get it")}


@bp.context_processor
def _names() -> dict[str, Any]:
    return {"advance_status_names": status_words(), "expense_names": {c.value: c.label for c in EXPENSE_CHOICES}}


@staff_bp.context_processor
def _staff_names() -> dict[str, Any]:
    return {"advance_status_names": staff_status_words(),  # staff read standard words
            "expense_names": {c.value: c.label.standard for c in EXPENSE_CHOICES}}


# --- the person's side -------------------------------------------------------------------------------

def _choices(payee: Contributor) -> tuple[list[tuple[str, str]], dict[str, Any]]:
    """Meetings coming up that the person is down for ("m<id>"), the roles they take part in
    ("r<id>"), then "something else"; and what each value stands for."""
    from app.claims.routes import _activity_choices
    from app.meetings.models import Attendance, Meeting

    today = utcnow().replace(hour=0, minute=0, second=0, microsecond=0)
    meetings = db.session().scalars(
        select(Meeting).join(Attendance, Attendance.meeting_id == Meeting.id)
        .where(Attendance.contributor_id == payee.id, Meeting.cancelled.is_(False), Meeting.starts_at >= today)
        .order_by(Meeting.starts_at).limit(20)).all()
    choices: list[tuple[str, str]] = []
    found: dict[str, Any] = {}
    from app.i18n import long_date

    for meeting in meetings:
        choices.append((f"m{meeting.id}", f"{meeting.title}, {long_date(meeting.starts_at.date())}"))
        found[f"m{meeting.id}"] = meeting
    for value, title in _activity_choices(payee)[:-1]:
        choices.append((f"r{value}", title))
        found[f"r{value}"] = title
    return choices + [("other", str(SOMETHING_ELSE))], found


@bp.route("/account/advances/new", methods=["GET", "POST"])
@contributor_required
def new():  # type: ignore[no-untyped-def]
    """Ask for expenses before a meeting, for yourself or for the person you fill in forms for."""
    me, payee = current_contributor(), access.form_for()
    if payee is None or not access.may(me, payee.id, "fill_in"):
        abort(403)
    form = AdvanceForm()
    form.activity.choices, found = _choices(payee)
    if form.validate_on_submit():
        chosen = form.activity.data
        meeting = found.get(chosen) if chosen.startswith("m") else None
        values = {"activity": form.other_activity.data if chosen == "other" else
                  (meeting.title if meeting is not None else found.get(chosen, "")),
                  "activity_date": form.activity_date.data, "kind": form.kind.data, "pence": form.amount.data,
                  "reason": form.reason.data, "meeting_id": meeting.id if meeting is not None else None,
                  "role_id": meeting.role_id if meeting is not None else
                  (int(chosen[1:]) if chosen.startswith("r") else None)}
        advance = advances.ask(payee, me if me.id != payee.id else None, values, access.actor_for(me, payee))
        if payee.id != me.id:  # the person hears what was asked in their name, and by whom
            from app.account import service as accounts

            accounts.tell_person(payee, "advance_asked", me.display_name)
        db.session().commit()
        flash(pick(_("Thank you. We have your request %(reference)s and will look at it soon.",
                     reference=advance.reference),
                   er("Thank you. We got your request. We will look at it soon.")))
        return redirect(url_for("advances.advance", reference=advance.reference))
    return render_template("claims/advance_new.html", form=form, payee=payee)


def _advance_for_person(reference: str) -> Advance:
    advance = db.session().scalar(select(Advance).where(Advance.reference == reference))
    if advance is None or not access.may(current_contributor(), advance.contributor_id, "see_claims"):
        abort(404)
    return advance


@bp.route("/account/advances/<reference>", methods=["GET", "POST"])
@contributor_required
def advance(reference: str):  # type: ignore[no-untyped-def]
    """One advance: what was asked, where it is, and the team's question to answer."""
    item = _advance_for_person(reference)
    me = current_contributor()
    may_reply = access.may(me, item.contributor_id, "reply")
    form = AdvanceReplyForm()
    if request.method == "POST" and not may_reply:
        abort(403)
    if request.method == "POST" and item.status == "query":
        if form.validate_on_submit():
            payee = db.session().get(Contributor, item.contributor_id)
            advances.reply(item, form.reply.data, access.actor_for(me, payee))
            db.session().commit()
            flash(pick(_("Thank you. We have your answer and will look at your request again."),
                       er("Thank you. We got your answer. We will look at it again.")))
            return redirect(url_for("advances.advance", reference=reference))
    return render_template("claims/advance.html", advance=item, form=form, may_reply=may_reply,
                           cash_form=CashAnswerForm(formdata=None),
                           outcome=advances.outcome_words(item.outcome, item, easy_read_on())
                           if item.outcome in ("carry_forward", "convert") or item.status == "to_recover" else "",
                           payee=db.session().get(Contributor, item.contributor_id))


@bp.post("/account/advances/<reference>/cash")
@contributor_required
def cash_answer(reference: str):  # type: ignore[no-untyped-def]
    """The person (or a supporter with the claims permission) says they got the cash, or not."""
    item = _advance_for_person(reference)
    me = current_contributor()
    if not access.may(me, item.contributor_id, "reply"):
        abort(403)
    form = CashAnswerForm()
    if not form.validate_on_submit():
        abort(400)  # (two buttons: nothing to type, so nothing to correct)
    payee = db.session().get(Contributor, item.contributor_id)
    try:
        advances.answer_cash(item, form.answer.data == "yes", me, access.actor_for(me, payee))
    except advances.NotAllowed:
        db.session().rollback()
        flash(pick(_("We already have your answer about this cash."), er("We already have your answer.")))
        return redirect(url_for("advances.advance", reference=reference))
    db.session().commit()
    flash(pick(_("Thank you. We have written down your answer."), er("Thank you. We wrote down your answer.")))
    return redirect(url_for("advances.advance", reference=reference))


# --- the team's side ----------------------------------------------------------------------------------

PER_PAGE = 50


@staff_bp.get("/")
@role_required("admin", "officer", "finance")
def queue():  # type: ignore[no-untyped-def]
    filters = AdvanceFilterForm(formdata=request.args)
    status = filters.status.data or ""
    query = select(Advance, Contributor.name).join(Contributor, Contributor.id == Advance.contributor_id)
    if status == "":
        query = query.where(Advance.status == "requested")
    elif status != "all":
        query = query.where(Advance.status == status)
    rows = db.session().execute(query.order_by(Advance.submitted_at, Advance.id).limit(PER_PAGE)).all()
    return render_template("claims/staff/advances.html", rows=rows, filters=filters)


def _detail(item: Advance, code: int = 200, **forms: Any):  # type: ignore[no-untyped-def]
    from app.claims import service

    session = db.session()
    staff = current_staff()
    first = session.get(type(staff), item.first_approved_by_id) if item.first_approved_by_id else None
    return render_template(
        "claims/staff/advance.html", advance=item, payee=session.get(Contributor, item.contributor_id),
        helper=session.get(Contributor, item.submitted_by_id) if item.submitted_by_id else None,
        conflict=service.conflict(staff, item), first=first,
        four_eyes_days=current_app.config["SETTINGS"].four_eyes_days,
        next=advances.ADVANCE.next(item.status, staff.role),
        approve_form=forms.get("approve_form") or AdvanceApproveForm(formdata=None, data={"amount": item.pence}),
        query_form=forms.get("query_form") or QueryForm(), reject_form=forms.get("reject_form") or RejectForm(),
        paid_form=forms.get("paid_form") or PaidForm(),
        giver=session.get(type(staff), item.given_by_id) if item.given_by_id else None,
        answerer=session.get(Contributor, item.answered_by_id) if item.answered_by_id else None,
        outcome_names=outcome_names(), sort_out=staff.role in ("admin", "officer") and any(
            row[0].id == item.id for row in advances.to_sort_out(advance_id=item.id))), code


def outcome_names() -> dict[str, str]:
    return {"recover": _("Asked for it back"), "carry_forward": _("Carried forward to their next meeting"),
            "convert": _("Made into a claim for costs they already had")}


def _item(advance_id: int) -> Advance:
    return db.get_or_404(Advance, advance_id)


@staff_bp.get("/<int:advance_id>")
@role_required("admin", "officer", "finance")
def show(advance_id: int):  # type: ignore[no-untyped-def]
    return _detail(_item(advance_id))


def _act(item: Advance, to: str, **kwargs: Any):  # type: ignore[no-untyped-def]
    try:
        done = advances.decide(item, to, current_staff(), **kwargs)
    except advances.NotAllowed:
        db.session().rollback()
        flash(_("That change is not allowed for this advance, or not for your role."), "error")
        return redirect(url_for("advances_staff.show", advance_id=item.id))
    db.session().commit()
    if done == "waiting":
        flash(_("Advance %(reference)s pays more than was asked, so a second member of staff must approve it too.",
                reference=item.reference))
    else:
        flash(_("Advance %(reference)s: %(status)s.", reference=item.reference, status=staff_status_words()[item.status]))
    return redirect(url_for("advances_staff.show", advance_id=item.id))


@staff_bp.post("/<int:advance_id>/approve")
@role_required("admin", "officer")
def approve(advance_id: int):  # type: ignore[no-untyped-def]
    item = _item(advance_id)
    form = AdvanceApproveForm()
    if not form.validate_on_submit():
        return _detail(item, 400, approve_form=form)
    amount = form.amount.data if form.amount.data is not None else item.pence
    if amount != item.pence and not form.change_reason.data:
        form.change_reason.errors = [_("Say why the amount changed: the person will see it")]
        return _detail(item, 400, approve_form=form)
    return _act(item, "approved", pence=amount, change_reason=form.change_reason.data or "")


@staff_bp.post("/<int:advance_id>/query")
@role_required("admin", "officer")
def query(advance_id: int):  # type: ignore[no-untyped-def]
    item = _item(advance_id)
    form = QueryForm()
    if not form.validate_on_submit():
        return _detail(item, 400, query_form=form)
    return _act(item, "query", note=form.note.data)


@staff_bp.post("/<int:advance_id>/reject")
@role_required("admin", "officer")
def reject(advance_id: int):  # type: ignore[no-untyped-def]
    item = _item(advance_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _detail(item, 400, reject_form=form)
    return _act(item, "rejected", note=form.reason.data)


@staff_bp.post("/<int:advance_id>/paid")
@role_required("admin", "finance")
def paid(advance_id: int):  # type: ignore[no-untyped-def]
    item = _item(advance_id)
    form = PaidForm()
    if not form.validate_on_submit():
        return _detail(item, 400, paid_form=form)
    return _act(item, "paid", paid_on=form.paid_on.data)


# --- cash on the day ---------------------------------------------------------------------------------

@staff_bp.route("/cash/<int:person_id>", methods=["GET", "POST"])
@role_required("admin", "officer")
def cash(person_id: int):  # type: ignore[no-untyped-def]
    """Record cash handed to a person on the day: it waits for them to confirm they got it."""
    person = db.get_or_404(Contributor, person_id)
    form = CashForm()
    if form.validate_on_submit():
        try:
            item = advances.give_cash(person, {"pence": form.amount.data, "kind": form.kind.data,
                                               "activity_date": form.given_on.data, "note": form.note.data},
                                      current_staff())
        except advances.NotAllowed:
            db.session().rollback()
            flash(_("You cannot record cash given to yourself: ask someone else to."), "error")
            return redirect(url_for("advances_staff.cash", person_id=person.id))
        db.session().commit()
        flash(_("Cash %(reference)s recorded: waiting for %(name)s to confirm they got it.",
                reference=item.reference, name=person.name or person.email))
        return redirect(url_for("advances_staff.show", advance_id=item.id))
    return render_template("claims/staff/cash.html", form=form, person=person)  # (what to fix: 200, as staff forms)


# --- advances for meetings that did not happen ---------------------------------------------------------

@staff_bp.get("/to-sort-out")
@role_required("admin", "officer", "finance")
def to_sort_out():  # type: ignore[no-untyped-def]
    """Money for meetings that were cancelled, or that the person did not come to."""
    return render_template("claims/staff/to_sort_out.html", rows=advances.to_sort_out())


def _sort_out_page(item: Advance, form: SortOutForm, code: int = 200):  # type: ignore[no-untyped-def]
    from app.i18n import long_date

    form.meeting.choices = [SelectChoice("", _("Choose one"))] + [
        SelectChoice(str(m.id), f"{m.title}, {long_date(m.starts_at.date())}") for m in advances.next_meetings(item)]
    return render_template("claims/staff/sort_out.html", advance=item, form=form,
                           payee=db.session().get(Contributor, item.contributor_id)), code


@staff_bp.route("/<int:advance_id>/sort-out", methods=["GET", "POST"])
@role_required("admin", "officer")
def sort_out(advance_id: int):  # type: ignore[no-untyped-def]
    """Recover, carry forward or convert, with a reason the person sees and is emailed."""
    item = _item(advance_id)
    form = SortOutForm()
    if request.method == "GET" or not form.validate_on_submit():
        return _sort_out_page(item, form)
    try:
        made = advances.sort_out(item, form.outcome.data, form.reason.data, current_staff(),
                                 meeting_id=int(form.meeting.data) if (form.meeting.data or "").isdigit() else None)
    except advances.NotAllowed:
        db.session().rollback()
        flash(_("That choice is not possible for this advance, or not for you."), "error")
        return redirect(url_for("advances_staff.sort_out", advance_id=item.id))
    db.session().commit()
    if made is not None:
        flash(_("Advance %(reference)s is now claim %(claim)s.", reference=item.reference, claim=made.reference))
        return redirect(url_for("claims_staff.claim", claim_id=made.id))
    flash(_("Advance %(reference)s sorted out. We have told the person why.", reference=item.reference))
    return redirect(url_for("advances_staff.show", advance_id=item.id))


def sort_out_panel() -> str:
    """The staff home's note of advances for meetings that did not happen (admins and officers)."""
    from markupsafe import Markup

    if current_staff().role not in ("admin", "officer"):
        return ""
    rows = advances.to_sort_out(limit=100)
    return Markup(render_template("claims/staff/_sort_out_panel.html", count=len(rows))) if rows else ""
