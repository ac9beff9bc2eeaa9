"""Staff pages about contributors: find, add after a phone call, see one person's record."""

from __future__ import annotations

import re
from datetime import datetime, time, timezone

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app import access, db, security
from app.account import service as accounts
from app.account.forms import ACCESS_CHOICES, CHANNEL_CHOICES, PAYMENT_CHOICES, RELATIONSHIP_CHOICES
from app.account.models import BankDetailsChange, Contributor, SupportLink
from app.account.routes import STAFF_ACTING_FOR
from app.audit import AuditEvent
from app.htmx import partial
from app.i18n import available, normalise_digits
from app.phones import to_e164
from app.plugs import plugs
from app.security import current_staff, role_required
from app.staff.forms import StaffContributorForm, StaffSupporterForm
from app.staff.models import StaffTask, StaffUser
from app.staff.routes import bp

PAGE_SIZE = 50



@bp.get("/contributors")
@role_required("admin", "officer")
def contributors():  # type: ignore[no-untyped-def]
    q = request.args.get("q", "").strip()[:100]
    query = select(Contributor).order_by(Contributor.name, Contributor.id)
    if q:
        like = f"%{q}%"
        found = [Contributor.name.ilike(like), Contributor.known_as.ilike(like), Contributor.email.ilike(like),
                 Contributor.phone.ilike(like)]
        # Numbers are stored in E.164 (+447700900982): "07700 900 982" or "900 982" still finds them.
        digits = re.sub(r"\D", "", normalise_digits(q))
        if number := to_e164(q):
            found.append(Contributor.phone == number)
        elif len(digits) >= 4 and not re.search(r"[^\d\s()+\-]", normalise_digits(q)):
            found.append(Contributor.phone.like(f"%{digits.lstrip('0')}%"))
        query = query.where(or_(*found))
    total = db.session().scalar(select(func.count()).select_from(query.subquery())) or 0
    people = db.session().scalars(query.limit(PAGE_SIZE)).all()
    template = "staff/_contributor_results.html" if partial() else "staff/contributors.html"
    return render_template(template, people=people, q=q, total=total, shown=len(people))


@bp.route("/contributors/new", methods=["GET", "POST"])
@role_required("admin", "officer")
def new_contributor():  # type: ignore[no-untyped-def]
    form = StaffContributorForm()
    form.language.choices = [(lang.code, lang.name) for lang in available()]
    if form.validate_on_submit():
        if form.email.data and accounts.find_by_email(form.email.data):
            form.email.errors.append(_("Someone already has this email address. Search for them instead"))
        else:
            person = accounts.create_by_staff({
                "name": form.name.data, "email": form.email.data or None, "phone": form.phone.data or "",
                "contact_channel": form.contact_channel.data, "language": form.language.data,
                "easy_read": form.easy_read.data == "yes",
            }, access.acting(), current_staff().id)
            flash(_("%(name)s has been added.", name=person.name))
            return redirect(url_for("staff.contributor", contributor_id=person.id))
    return render_template("staff/contributor_new.html", form=form)


@bp.get("/contributors/<int:contributor_id>")
@role_required("admin", "officer")
def contributor(contributor_id: int):  # type: ignore[no-untyped-def]
    person = db.get_or_404(Contributor, contributor_id)
    events = db.session().scalars(
        select(AuditEvent).where(AuditEvent.record_type == "contributor", AuditEvent.record_id == str(person.id))
        .order_by(AuditEvent.id.desc()).limit(50)
    ).all()
    tasks = db.session().scalars(
        select(StaffTask).where(StaffTask.contributor_id == person.id, StaffTask.done_at.is_(None))
    ).all()
    waiting = accounts.pending_bank_change(person)
    return render_template(
        "staff/contributor.html", person=person, events=events, tasks=tasks,
        bank=accounts.masked_bank_details(person), helpers=accounts.links_for(person),
        bank_change=waiting, bank_change_shown=accounts.masked(waiting.details) if waiting else None,
        staff_users=(staff_users := list(db.session().scalars(select(StaffUser).order_by(StaffUser.name)))),
        staff_names={s.id: s.name or s.email for s in staff_users},
        relationship_names={c.value: c.label for c in RELATIONSHIP_CHOICES},
        channel_names={c.value: c.label for c in CHANNEL_CHOICES},
        access_names={c.value: c.label for c in ACCESS_CHOICES},
        payment_names={c.value: c.label for c in PAYMENT_CHOICES},
        language_names={lang.code: lang.name for lang in available()},
        panels=[panel for panel in (make(person) for make in plugs().record_panels) if panel],
    )


@bp.post("/contributors/<int:contributor_id>/staff-account")
@role_required("admin")
def link_staff_account(contributor_id: int):  # type: ignore[no-untyped-def]
    """An administrator records that this person also has a staff account (or that none does)."""
    person = db.get_or_404(Contributor, contributor_id)
    chosen = request.form.get("staff_id", type=int)
    me = current_staff()
    linked = list(db.session().scalars(select(StaffUser).where(StaffUser.contributor_id == person.id)))
    if chosen == me.id or any(user.id == me.id for user in linked):
        flash(_("Another administrator must change which record is yours."), "error")
        return redirect(url_for("staff.contributor", contributor_id=person.id))
    for user in linked:
        if user.id != chosen:
            user.contributor_id = None
    if chosen is not None:
        accounts.link_staff(db.get_or_404(StaffUser, chosen), person, access.acting())
    from app import audit

    audit.record("contributor.staff_account_set", "contributor", person.id, actor=access.acting(),
                 before={"staff": [user.id for user in linked]}, after={"staff": chosen})
    db.session().commit()
    flash(_("Saved. Staff linked to this record never decide its claims or bank details."))
    return redirect(url_for("staff.contributor", contributor_id=person.id))


@bp.post("/contributors/<int:contributor_id>/bank-change/<int:change_id>")
@role_required("admin", "officer")
def decide_bank_change(contributor_id: int, change_id: int):  # type: ignore[no-untyped-def]
    """The second pair of eyes on bank details someone else on the team entered."""
    change = db.get_or_404(BankDetailsChange, change_id)
    if change.contributor_id != contributor_id:
        abort(404)
    try:
        accounts.decide_bank_change(change, current_staff(), approve=request.form.get("decision") == "approve")
    except accounts.NotAllowed:
        flash(_("Someone else on the team must decide this: not the person who entered the details."), "error")
    else:
        flash(_("The new bank details are in use.") if change.outcome == "approved"
              else _("The new bank details were refused. The details before stay in use."))
    return redirect(url_for("staff.contributor", contributor_id=contributor_id))


@bp.post("/contributors/<int:contributor_id>/sign-in-email")
@role_required("admin", "officer")
def send_sign_in_email(contributor_id: int):  # type: ignore[no-untyped-def]
    person = db.get_or_404(Contributor, contributor_id)
    if not person.email:
        flash(_("%(name)s has no email address.", name=person.display_name), "error")
    else:
        try:
            accounts.request_sign_in(person.email, security.client_ip(), person.language, person.easy_read)
        except accounts.SignInLimited:
            flash(_("Too many sign-in emails have been sent to this address. Wait 15 minutes, then try again."),
                  "error")
        else:
            flash(_("A sign-in email has been sent to %(email)s.", email=person.email))
    return redirect(url_for("staff.contributor", contributor_id=person.id))


@bp.post("/contributors/<int:contributor_id>/act")
@role_required("admin", "officer")
def act_for(contributor_id: int):  # type: ignore[no-untyped-def]
    """Fill in forms for someone (for example on the phone): recorded as staff on their behalf."""
    person = db.session().get(Contributor, contributor_id)
    if person is None or person.erased_at is not None:
        abort(404)
    session[STAFF_ACTING_FOR] = person.id
    from app import audit

    # Recorded: for FOUR_EYES_DAYS they may not decide this person's claims (claims.service.conflict).
    audit.record("staff.acted_for", "contributor", person.id, actor=access.acting())
    db.session().commit()
    return redirect(url_for("account.home"))


@bp.post("/contributors/act/stop")
@role_required("admin", "officer")
def stop_acting_for():  # type: ignore[no-untyped-def]
    person_id = session.pop(STAFF_ACTING_FOR, None)
    if person_id is None:
        return redirect(url_for("staff.contributors"))
    return redirect(url_for("staff.contributor", contributor_id=person_id))


@bp.route("/contributors/<int:contributor_id>/supporters/new", methods=["GET", "POST"])
@role_required("admin", "officer")
def new_supporter(contributor_id: int):  # type: ignore[no-untyped-def]
    person = db.get_or_404(Contributor, contributor_id)
    form = StaffSupporterForm()
    if form.validate_on_submit():
        if person.email and accounts.normalise_email(form.email.data) == person.email:
            form.email.errors.append(_("Enter the email address of the person who helps them, not theirs"))
        else:
            agreed = datetime.combine(form.consent_date.data, time(12, 0), tzinfo=timezone.utc)
            _link, message_id = accounts.add_supporter(
                person, name=form.name.data, email=form.email.data, relationship=form.relationship.data,
                permissions=list(form.permissions.data), locale=person.language,
                consent_how=form.consent_how.data, consent_at=agreed, by=access.acting())
            flash(_("%(name)s can now help %(person)s.", name=form.name.data, person=person.display_name))
            return redirect(url_for("staff.contributor", contributor_id=person.id))
    return render_template("staff/supporter_new.html", form=form, person=person)


@bp.post("/contributors/<int:contributor_id>/supporters/<int:link_id>/withdraw")
@role_required("admin", "officer")
def withdraw_supporter(contributor_id: int, link_id: int):  # type: ignore[no-untyped-def]
    link = db.session().get(SupportLink, link_id)
    if link is None or link.contributor_id != contributor_id:
        abort(404)
    accounts.withdraw_supporter(link, by=access.acting())
    flash(_("They can no longer act for this person."))
    return redirect(url_for("staff.contributor", contributor_id=contributor_id))
