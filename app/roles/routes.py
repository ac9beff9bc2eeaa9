"""Staff pages for role descriptions: list, write, publish (the gate), close, archive."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app import access, db
from app.roles import jargon, service
from app.i18n import available
from app.roles.forms import PAYMENT_CHOICES, RoleForm, TranslationForm
from app.roles.models import EASY_READ_SECTIONS, TRANSLATABLE, Role, RoleTranslation
from app.security import current_staff, role_required
from app.transitions import NotAllowed

bp = Blueprint("roles", __name__, url_prefix="/staff/roles")


@bp.context_processor
def _status_names() -> dict[str, Any]:
    return {"status_names": {"draft": _("Draft"), "published": _("Published"), "closed": _("Closed"),
                             "archived": _("Archived")}}

TEXT_FIELDS = ("title", "purpose", "can_change", "tasks", "meetings", "between_meetings", "venue", "getting_there",
               "venue_access", "recognition", "expenses_covered", "preparation", "support_offered", "dbs_why",
               "confidentiality", "adjustments", "contact_name", "contact_phone", "contact_email")



def values_from(form: RoleForm) -> dict[str, Any]:
    values: dict[str, Any] = {name: form[name].data or "" for name in TEXT_FIELDS}
    values.update(
        evenings_weekends=form.evenings_weekends.data or "", format=form.format.data or "",
        payment_level=form.payment_level.data or "",
        dbs_needed={"yes": True, "no": False}.get(form.dbs_needed.data or ""),
        start_date=form.start_date.data, end_date=form.end_date.data, closing_date=form.closing_date.data,
        easy_read={s: form[f"er_{s}"].data or "" for s in EASY_READ_SECTIONS},
    )
    return values


def data_of(role: Role) -> dict[str, Any]:
    data: dict[str, Any] = {name: getattr(role, name) for name in TEXT_FIELDS}
    data.update(
        evenings_weekends=role.evenings_weekends or None, format=role.format or None,
        payment_level=role.payment_level or None,
        dbs_needed=None if role.dbs_needed is None else ("yes" if role.dbs_needed else "no"),
        start_date=role.start_date, end_date=role.end_date, closing_date=role.closing_date,
    )
    data.update({f"er_{s}": (role.easy_read or {}).get(s, "") for s in EASY_READ_SECTIONS})
    return data


def _field_name(missing: str) -> str:
    return "er_" + missing.split(".", 1)[1] if missing.startswith("easy_read.") else missing


def _mark_missing(form: RoleForm, missing: list[str]) -> None:
    for name in missing:
        field = form[_field_name(name)]
        if not field.errors:
            field.errors = list(field.errors) + [_("Fill in “%(field)s” before publishing", field=field.label.text)]


def writing_help(form: RoleForm) -> list[tuple[str, str, str]]:
    """Advice for the writer: (box, words, suggestion). Never blocks anything."""
    advice: list[tuple[str, str, str]] = []
    terms = jargon.DEFAULT_TERMS | jargon.parse_terms(current_app.config["SETTINGS"].jargon_terms)
    for name in TEXT_FIELDS + tuple(f"er_{s}" for s in EASY_READ_SECTIONS):
        text = form[name].data or ""
        for finding in jargon.find_jargon(text, terms):
            advice.append((str(form[name].label.text), finding.term, str(finding.suggestion)))
        if name.startswith("er_"):
            for sentence in jargon.long_sentences(text):
                advice.append((str(form[name].label.text), sentence,
                               _("This sentence is long for easy read. Try two short sentences.")))
    return advice


@bp.get("/")
@role_required("admin", "officer")
def index():  # type: ignore[no-untyped-def]
    roles = db.session().scalars(select(Role).order_by(Role.status, Role.updated_at.desc())).all()
    return render_template("roles/index.html", roles=roles)


@bp.route("/new", methods=["GET", "POST"])
@role_required("admin", "officer")
def new():  # type: ignore[no-untyped-def]
    form = _with_amounts(RoleForm())
    if form.validate_on_submit():
        role = service.create(values_from(form), access.acting())
        return _after_save(role, form)
    return render_template("roles/edit.html", form=form, role=None, advice=writing_help(form) if form.errors else [])


@bp.route("/<int:role_id>", methods=["GET", "POST"])
@role_required("admin", "officer")
def edit(role_id: int):  # type: ignore[no-untyped-def]
    role = db.get_or_404(Role, role_id)
    form = _with_amounts(RoleForm(data=None if request.method == "POST" else data_of(role)))
    if form.validate_on_submit():
        try:
            service.update(role, values_from(form), access.acting())
        except service.IncompleteRole as incomplete:
            _mark_missing(form, incomplete.missing)
            flash(_("A published role must stay complete. Nothing was saved."), "error")
        else:
            return _after_save(role, form)
    return render_template("roles/edit.html", form=form, role=role, advice=writing_help(form),
                           versions=service.versions(role))


def _with_amounts(form: RoleForm) -> RoleForm:
    """The payment choices, built per request from the rate card in force today: the tiers with
    their amounts, each local rate with its label, kind and amount, and "Voluntary" where the
    ``voluntary_roles`` setting allows it."""
    from app.claims.forms import rate_words, tier_labels
    from app.claims.service import card_today

    card = card_today()
    labels = tier_labels(card.tier_amounts() if card is not None else {})
    tiers = [(c.value, labels.get(c.value, c.label)) for c in PAYMENT_CHOICES if c.value != "voluntary"]
    local = [(r.code, f"{r.label}: {rate_words(r.kind, r.pence)}") for r in (card.rates if card else ())
             if r.kind != "tier"]
    voluntary = [(c.value, c.label) for c in PAYMENT_CHOICES
                 if c.value == "voluntary" and current_app.config["SETTINGS"].voluntary_roles]
    form.payment_level.choices = tiers + local + voluntary
    return form


def _after_save(role: Role, form: RoleForm):  # type: ignore[no-untyped-def]
    if request.form.get("action") == "publish" and role.status != "published":
        try:
            service.publish(role, access.acting())
        except service.IncompleteRole as incomplete:
            _mark_missing(form, incomplete.missing)
            return render_template("roles/edit.html", form=form, role=role, advice=writing_help(form),
                                   versions=service.versions(role), not_published=True)
        flash(_("“%(title)s” is published.", title=role.title))
    else:
        flash(_("Saved."))
    return redirect(url_for("roles.edit", role_id=role.id))


@bp.post("/<int:role_id>/status")
@role_required("admin", "officer")
def status(role_id: int):  # type: ignore[no-untyped-def]
    role = db.get_or_404(Role, role_id)
    to = request.form.get("to", "")
    try:
        service.change_status(role, to, access.acting(), current_staff().role)
    except NotAllowed:
        abort(400)
    except service.IncompleteRole:
        flash(_("This role is not complete, so it cannot be published. Open it to see what is missing."), "error")
    else:
        flash({"closed": _("The role is closed to new interest."), "archived": _("The role is archived."),
               "published": _("“%(title)s” is published.", title=role.title)}[to])
    return redirect(url_for("roles.edit", role_id=role.id))


# --- translations of a role ------------------------------------------------------------

def _translatable_locales() -> list[Any]:
    return [lang for lang in available() if lang.code != "en"]


@bp.get("/<int:role_id>/translations")
@role_required("admin", "officer")
def translations(role_id: int):  # type: ignore[no-untyped-def]
    role = db.get_or_404(Role, role_id)
    done = {row.locale: row for row in db.session().scalars(
        select(RoleTranslation).where(RoleTranslation.role_id == role.id))}
    return render_template("roles/translations.html", role=role, locales=_translatable_locales(), done=done)


@bp.route("/<int:role_id>/translations/<locale>", methods=["GET", "POST"])
@role_required("admin", "officer")
def translation(role_id: int, locale: str):  # type: ignore[no-untyped-def]
    role = db.session().get(Role, role_id)
    language = next((lang for lang in _translatable_locales() if lang.code == locale), None)
    if role is None or language is None:
        abort(404)
    row = db.session().scalar(select(RoleTranslation).where(RoleTranslation.role_id == role.id,
                                                            RoleTranslation.locale == locale))
    saved = dict(row.fields) if row else {}
    data = {name: saved.get(name, "") for name in TRANSLATABLE}
    data.update({f"er_{s}": (saved.get("easy_read") or {}).get(s, "") for s in EASY_READ_SECTIONS})
    form = TranslationForm(data=None if request.method == "POST" else data)
    if form.validate_on_submit():
        fields: dict[str, Any] = {name: form[name].data or "" for name in TRANSLATABLE}
        fields["easy_read"] = {s: form[f"er_{s}"].data or "" for s in EASY_READ_SECTIONS}
        service.save_translation(role, locale, fields, access.acting())
        flash(_("The %(language)s words for this role are saved.", language=language.name))
        return redirect(url_for("roles.translations", role_id=role.id))
    original = {name: getattr(role, name) for name in TRANSLATABLE}
    original.update({f"er_{s}": (role.easy_read or {}).get(s, "") for s in EASY_READ_SECTIONS})
    return render_template("roles/translation.html", role=role, form=form, language=language, original=original)
