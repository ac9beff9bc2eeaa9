""""Your involvement" (or, for a supporter allowed to see claims, the person they help's) and
the impact log staff keep for each role."""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app import access, db
from app.account.models import Contributor
from app.i18n import current_language, er, pick
from app.involvement import service
from app.involvement.forms import ImpactForm, RecordRolesForm
from app.involvement.models import ImpactEntry
from app.security import contributor_required, current_contributor, role_required

bp = Blueprint("involvement", __name__)
staff_bp = Blueprint("impact", __name__, url_prefix="/staff")
TEAM = ("admin", "officer")


# --- your involvement ---------------------------------------------------------------------------------

def _person() -> Contributor:
    """Whose record: the person named (``?person=``, from a supporter's home) or the one acted for, or
    who is signed in; only when the access policy lets the signed-in person see their payments."""
    me = current_contributor()
    chosen = request.values.get("person", type=int)
    person = db.session().get(Contributor, chosen) if chosen is not None else access.form_for()
    if person is None or not access.may(me, person.id, "see_claims"):
        abort(403)
    return person


@bp.route("/account/involvement", methods=["GET", "POST"])
@contributor_required
def yours():  # type: ignore[no-untyped-def]
    """The record of involvement: roles, meetings and hours, payments by tax year, what happened next."""
    person = _person()
    may_choose = access.may(current_contributor(), person.id, "fill_in")
    record = service.record(person)
    from app.claims import pricing
    from app.meetings import service as meetings
    from app.roles import service as roles

    titles = {role.id: words["title"] for role, words in roles.in_language_many(
        [role for role, _shown in record.roles], current_language())} if record.roles else {}
    form = RecordRolesForm(data={"shown": [role.id for role in record.shown]})
    form.shown.choices = [(role.id, titles[role.id]) for role, _shown in record.roles]
    if request.method == "POST":
        if not may_choose:
            abort(403)
        if form.validate_on_submit():
            every = [role.id for role, _shown in record.roles]
            service.choose_roles(person, every, set(form.shown.data or []), access.acting())
            db.session().commit()
            flash(pick(_("Saved. Your record shows the roles you chose."), er("Saved. Your record shows the roles you chose.")))
            return redirect(url_for("involvement.yours", **({"person": person.id} if request.values.get("person") else {})))
    return render_template("involvement/yours.html", person=person, record=record, titles=titles, form=form,
                           may_choose=may_choose, tax_year=pricing.tax_year_label, today=date.today(),
                           in_language=meetings.in_language, language=current_language(),
                           meeting_titles={m.id: m.title for m in record.meetings},
                           organisation=current_app.config["ORGANISATION_NAME"],
                           person_arg=request.values.get("person", type=int))


# --- the impact log (staff) -------------------------------------------------------------------------

def _links(form: ImpactForm, role_id: int) -> None:
    meetings, said = service.links_for_role(role_id)
    form.meeting_id.choices = [("", _("None"))] + [(m.id, f"{m.title} ({m.starts_at:%d/%m/%Y})") for m in meetings]
    form.you_said_id.choices = [("", _("None"))] + [(s.id, s.you_said[:80]) for s in said]


def _values(form: ImpactForm) -> dict[str, Any]:
    return {name: getattr(form, name).data for name in service.FIELDS}


@staff_bp.route("/roles/<int:role_id>/impact", methods=["GET", "POST"])
@role_required(*TEAM)
def role_impact(role_id: int):  # type: ignore[no-untyped-def]
    """A role's impact log: what changed because people took part, and a form to add to it."""
    from app.roles.models import Role

    role = db.get_or_404(Role, role_id)
    form = ImpactForm()
    _links(form, role.id)
    if form.validate_on_submit():  # errors: the same page again, with its error summary
        service.add_impact(role, _values(form), access.acting())
        db.session().commit()
        flash(_("Saved. Publish it to show it on the role's page."))
        return redirect(url_for("impact.role_impact", role_id=role.id))
    return render_template("involvement/staff_role.html", role=role, form=form,
                           entries=service.impact_for_role(role.id))


@staff_bp.route("/impact/<int:entry_id>", methods=["GET", "POST"])
@role_required(*TEAM)
def edit_impact(entry_id: int):  # type: ignore[no-untyped-def]
    entry = db.get_or_404(ImpactEntry, entry_id)
    form = ImpactForm(obj=entry)
    _links(form, entry.role_id)
    if form.validate_on_submit():
        service.update_impact(entry, _values(form), access.acting())
        db.session().commit()
        flash(_("Saved."))
        return redirect(url_for("impact.role_impact", role_id=entry.role_id))
    return render_template("involvement/staff_edit.html", entry=entry, form=form)


@staff_bp.post("/impact/<int:entry_id>/publish")
@role_required(*TEAM)
def publish_impact(entry_id: int):  # type: ignore[no-untyped-def]
    entry = db.get_or_404(ImpactEntry, entry_id)
    show = request.form.get("publish") != "no"
    service.publish_impact(entry, show, access.acting())
    db.session().commit()
    flash(_("Published: it shows on the role's page.") if show else _("No longer shown on the role's page."))
    return redirect(url_for("impact.role_impact", role_id=entry.role_id))
