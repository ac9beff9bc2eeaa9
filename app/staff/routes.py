"""Staff pages: sign in and out, staff home, password, staff accounts, audit trail."""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from sqlalchemy import func, select

from app import db, security
from app.audit import AuditEvent
from app.htmx import partial
from app.plugs import plugs
from app.security import current_staff, role_required, staff_required
from app.staff import service
from app.staff.forms import ROLE_CHOICES, ChangePasswordForm, SignInForm, StaffAccountForm
from app.staff.models import StaffTask, StaffUser

bp = Blueprint("staff", __name__, url_prefix="/staff")

AUDIT_PAGE_SIZE = 50


@bp.context_processor
def _role_names() -> dict[str, object]:
    return {"role_names": {choice.value: choice.label for choice in ROLE_CHOICES},
            # tasks that carry a message (app.notify) or a number to check: what to do, as a title
            "message_titles": {"send_text": _("Send this text message"), "send_letter": _("Print and post this letter"),
                               "phone_call": _("Ring them and say this"), "check_phone": _("Check this phone number")}}


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():  # type: ignore[no-untyped-def]
    if current_staff() is not None and request.method == "GET":
        return redirect(url_for("staff.home"))
    form = SignInForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = service.authenticate(form.email.data, form.password.data, security.client_ip())
        except service.SignInLimited:
            form.email.errors.append(_("Too many attempts. Wait 15 minutes, then try again."))
            status = 429
        else:
            if user is None:
                # One message whether or not the address is known.
                form.email.errors.append(_("The email address or password is not right"))
            else:
                for kind in ("staff", "contributor"):  # earlier sign-ins in this browser end for real
                    security.end_session(kind)
                session.clear()
                session.permanent = True
                session.update(staff_id=user.id, staff_sv=user.session_version,
                               staff_at=int(db.utcnow().timestamp()))
                security.start_session("staff", user.id)
                db.session().commit()
                return redirect(security.safe_next(request.args.get("next"), url_for("staff.home")))
    return render_template("staff/sign_in.html", form=form), status


@bp.post("/sign-out")
def sign_out():  # type: ignore[no-untyped-def]
    staff = current_staff()
    if staff is not None:
        from app import audit

        audit.record("staff.signed_out", "staff_user", staff.id)
    security.end_session("staff")  # a copy of the cookie stops working too
    db.session().commit()
    session.clear()
    flash(_("You have signed out."))
    return redirect(url_for("staff.sign_in"))


@bp.get("/")
@staff_required
def home():  # type: ignore[no-untyped-def]
    return render_template("staff/home.html", panels=[panel for panel in (make() for make in plugs().home_panels) if panel])


@bp.route("/password", methods=["GET", "POST"])
@staff_required
def change_password():  # type: ignore[no-untyped-def]
    form = ChangePasswordForm()
    user = current_staff()
    if form.validate_on_submit():
        if not service.check_password(user, form.current_password.data):
            form.current_password.errors.append(_("Your current password is not right"))
        else:
            service.change_password(user, form.new_password.data)
            session["staff_sv"] = user.session_version
            flash(_("Your password has been changed. Other devices have been signed out."))
            return redirect(url_for("staff.home"))
    return render_template("staff/password.html", form=form)


@bp.get("/accounts")
@role_required("admin")
def accounts():  # type: ignore[no-untyped-def]
    users = db.session().scalars(select(StaffUser).order_by(StaffUser.active.desc(), StaffUser.name)).all()
    return render_template("staff/accounts.html", users=users)


@bp.route("/accounts/new", methods=["GET", "POST"])
@role_required("admin")
def new_account():  # type: ignore[no-untyped-def]
    form = StaffAccountForm()
    if form.validate_on_submit():
        if service.find_by_email(form.email.data) is not None:
            form.email.errors.append(_("There is already a staff account with this email address"))
        else:
            user = service.create_staff(form.name.data, form.email.data, form.role.data, form.password.data)
            flash(_("Account created for %(name)s.", name=user.name))
            return redirect(url_for("staff.accounts"))
    return render_template("staff/account_new.html", form=form)


@bp.post("/accounts/<int:user_id>/active")
@role_required("admin")
def set_active(user_id: int):  # type: ignore[no-untyped-def]
    user = db.get_or_404(StaffUser, user_id)
    want = request.form.get("active") == "yes"
    if user.id == current_staff().id and not want:
        flash(_("You cannot switch off your own account."), "error")
    else:
        service.set_active(user, want)
        flash(_("%(name)s can now sign in.", name=user.name) if want
              else _("%(name)s can no longer sign in.", name=user.name))
    return redirect(url_for("staff.accounts"))


@bp.get("/audit")
@role_required("admin")
def audit_trail():  # type: ignore[no-untyped-def]
    s = db.session()
    record_types = s.scalars(select(AuditEvent.record_type).distinct().order_by(AuditEvent.record_type)).all()
    chosen = request.args.get("record_type", "")
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    query = select(AuditEvent)
    count_query = select(func.count()).select_from(AuditEvent)
    if chosen in record_types:
        query = query.where(AuditEvent.record_type == chosen)
        count_query = count_query.where(AuditEvent.record_type == chosen)
    else:
        chosen = ""
    total = s.scalar(count_query) or 0
    events = s.scalars(
        query.order_by(AuditEvent.id.desc()).limit(AUDIT_PAGE_SIZE).offset((page - 1) * AUDIT_PAGE_SIZE)
    ).all()
    pages = max((total + AUDIT_PAGE_SIZE - 1) // AUDIT_PAGE_SIZE, 1)
    # htmx asks for just the results when the filter is used; same URL, same handler.
    template = "staff/_audit_results.html" if partial() else "staff/audit.html"
    return render_template(
        template, events=events, record_types=record_types, chosen=chosen,
        page=min(page, pages), pages=pages, total=total,
    )


@bp.get("/tasks")
@role_required("admin", "officer")
def tasks():  # type: ignore[no-untyped-def]
    from app.account.models import Contributor

    rows = db.session().execute(
        select(StaffTask, Contributor)
        .join(Contributor, Contributor.id == StaffTask.contributor_id, isouter=True)
        .where(StaffTask.done_at.is_(None))
        .order_by(StaffTask.created_at)
    ).all()
    return render_template("staff/tasks.html", rows=rows)


@bp.get("/tasks/<int:task_id>")
@role_required("admin", "officer")
def task(task_id: int):  # type: ignore[no-untyped-def]
    """One task: for a text message, letter or call, the words to send, print or say, and where."""
    from app.account.models import Contributor

    item = db.get_or_404(StaffTask, task_id)
    person = db.session().get(Contributor, item.contributor_id) if item.contributor_id else None
    done_by = db.session().get(StaffUser, item.done_by_id) if item.done_by_id else None
    return render_template("staff/task.html", task=item, person=person, done_by=done_by)


@bp.post("/tasks/<int:task_id>/done")
@role_required("admin", "officer")
def task_done(task_id: int):  # type: ignore[no-untyped-def]
    task = db.get_or_404(StaffTask, task_id)
    service.complete_task(task, current_staff())
    db.session().commit()
    flash(_("Task marked as done."))
    return redirect(url_for("staff.tasks"))


@bp.post("/tasks/<int:task_id>/erase")
@role_required("admin", "officer")
def task_erase(task_id: int):  # type: ignore[no-untyped-def]
    from app.account import data
    from app.account.models import Contributor

    task = db.session().get(StaffTask, task_id)
    if task is None or task.kind != "erasure_request" or task.contributor_id is None:
        abort(404)
    person = db.session().get(Contributor, task.contributor_id)
    staff = current_staff()
    emailed = data.erase(person, by=("staff", staff.id, staff.email))
    service.complete_task(task, staff)
    db.session().commit()  # erased and the request closed together, or neither
    flash(_("Their data has been erased."))
    if not emailed:
        flash(_("They have no email address: tell them yourself that it is done."))
    return redirect(url_for("staff.tasks"))


@bp.get("/outbox")
@role_required("admin")
def outbox():  # type: ignore[no-untyped-def]
    from app.mail import OutboxMessage

    from app.mail import LATE_MINUTES, late

    messages = db.session().scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(100)).all()
    return render_template("staff/outbox.html", messages=messages, late=late(), late_minutes=LATE_MINUTES,
                           local=not current_app.config["SETTINGS"].mail_server,
                           outbox_dir=current_app.config["SETTINGS"].mail_outbox)


# The contributor pages live in their own module on this blueprint: importing it adds them.
from app.staff import contributors  # noqa: E402

__all__ = ["bp", "contributors"]
