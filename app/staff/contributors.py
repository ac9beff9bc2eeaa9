"""Staff pages about contributors: find, add after a phone call, see one person's record."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from app import db, mail, security
from app.account import service as accounts
from app.account.forms import ACCESS_CHOICES, CHANNEL_CHOICES, PAYMENT_CHOICES
from app.account.models import Contributor
from app.audit import AuditEvent
from app.htmx import partial
from app.i18n import available
from app.security import current_staff, role_required
from app.staff.forms import StaffContributorForm
from app.staff.models import StaffTask
from app.staff.routes import bp

PAGE_SIZE = 50


def _staff_actor() -> tuple[str, int | None, str]:
    staff = current_staff()
    return ("staff", staff.id, staff.email)


@bp.get("/contributors")
@role_required("admin", "officer")
def contributors():  # type: ignore[no-untyped-def]
    q = request.args.get("q", "").strip()[:100]
    query = select(Contributor).order_by(Contributor.name, Contributor.id)
    if q:
        like = f"%{q}%"
        query = query.where(or_(Contributor.name.ilike(like), Contributor.known_as.ilike(like),
                                Contributor.email.ilike(like), Contributor.phone.ilike(like)))
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
            }, _staff_actor(), current_staff().id)
            flash(_("%(name)s has been added.", name=person.name))
            return redirect(url_for("staff.contributor", contributor_id=person.id))
    return render_template("staff/contributor_new.html", form=form)


@bp.get("/contributors/<int:contributor_id>")
@role_required("admin", "officer")
def contributor(contributor_id: int):  # type: ignore[no-untyped-def]
    person = db.session().get(Contributor, contributor_id)
    if person is None:
        abort(404)
    events = db.session().scalars(
        select(AuditEvent).where(AuditEvent.record_type == "contributor", AuditEvent.record_id == str(person.id))
        .order_by(AuditEvent.id.desc()).limit(50)
    ).all()
    tasks = db.session().scalars(
        select(StaffTask).where(StaffTask.contributor_id == person.id, StaffTask.done_at.is_(None))
    ).all()
    return render_template(
        "staff/contributor.html", person=person, events=events, tasks=tasks,
        bank=accounts.masked_bank_details(person),
        channel_names={c.value: c.label for c in CHANNEL_CHOICES},
        access_names={c.value: c.label for c in ACCESS_CHOICES},
        payment_names={c.value: c.label for c in PAYMENT_CHOICES},
        language_names={lang.code: lang.name for lang in available()},
    )


@bp.post("/contributors/<int:contributor_id>/sign-in-email")
@role_required("admin", "officer")
def send_sign_in_email(contributor_id: int):  # type: ignore[no-untyped-def]
    person = db.session().get(Contributor, contributor_id)
    if person is None:
        abort(404)
    if not person.email:
        flash(_("%(name)s has no email address.", name=person.display_name), "error")
    else:
        try:
            message_id = accounts.request_sign_in(person.email, security.client_ip(), person.language,
                                                  person.easy_read)
        except accounts.SignInLimited:
            flash(_("Too many sign-in emails have been sent to this address. Wait 15 minutes, then try again."),
                  "error")
        else:
            if message_id is not None:
                mail.deliver_after_response(message_id)
            flash(_("A sign-in email has been sent to %(email)s.", email=person.email))
    return redirect(url_for("staff.contributor", contributor_id=person.id))
