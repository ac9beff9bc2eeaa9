"""Contributor pages: sign in with an emailed link or code, sign out, your details."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable

from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, session, url_for
from flask_babel import gettext as _
from sqlalchemy import select

from app import access, db, journeys, security
from app.forms import KEPT
from app.account import data, drafts, service
from app.account.forms import (
    ACCESS_CHOICES, CHANNEL_CHOICES, PAYMENT_CHOICES, RELATIONSHIP_CHOICES, AccessForm, BankForm, CodeForm,
    ConfirmSupporterForm, ContactForm, LanguageForm, NameForm, PaymentForm, PrivateHelpForm, SignInForm,
    SupporterForm, SupporterPermissionsForm, TextCodeForm, TextSignInForm, WhoForm,
)
from app.account.models import Contributor, SupportLink
from app.plugs import plugs
from app.i18n import COOKIE_MAX_AGE, EASY_READ_COOKIE, LANG_COOKIE, available, easy_read_on, er, pick
from app.security import contributor_required, current_contributor, subject_required
from app.staff.models import StaffTask

bp = Blueprint("account", __name__, url_prefix="/account")

PENDING_EMAIL = "pending_sign_in_email"
PENDING_PHONE = "pending_sign_in_phone"
ACTING_FOR = "acting_for"


STAFF_ACTING_FOR = "staff_acting_for"


@bp.before_app_request
def _load_contributor() -> None:
    g.contributor = None
    g.acting_for = None
    if g.get("staff") is not None and session.get(STAFF_ACTING_FOR) is not None:
        # A staff member filling in forms for someone (e.g. after a phone call).
        g.acting_for = db.session().get(Contributor, session[STAFF_ACTING_FOR])
    contributor_id = session.get("contributor_id")
    if contributor_id is None:
        return
    contributor = db.session().get(Contributor, contributor_id)
    if (contributor is None or contributor.session_version != session.get("contributor_sv")
            or not security.session_alive("contributor", contributor.id)):
        for key in ("contributor_id", "contributor_sv", "contributor_sid", ACTING_FOR):
            session.pop(key, None)
        return
    g.contributor = contributor
    g.preferred_locale = contributor.language
    g.easy_read_preference = contributor.easy_read
    g.acting_for = None
    acting_for = session.get(ACTING_FOR)
    if acting_for is not None:
        # Checked on every request: a withdrawn or narrowed agreement ends it at once.
        if access.may(contributor, acting_for, "fill_in"):
            g.acting_for = db.session().get(Contributor, acting_for)
        else:
            session.pop(ACTING_FOR, None)


def acted_by_name() -> str | None:
    """When someone acts in another person's name, the name the person is told: else ``None``."""
    if g.get("acting_for") is None:
        return None
    me = current_contributor()
    return me.display_name if me is not None else _("the involvement team")


bp.add_app_template_global(access.acting_name, "acting_name")


@bp.context_processor
def _choices() -> dict[str, Any]:
    return {
        "channel_names": {c.value: c.label for c in CHANNEL_CHOICES},
        "access_names": {c.value: c.label for c in ACCESS_CHOICES},
        "payment_names": {c.value: c.label for c in PAYMENT_CHOICES},
        "language_names": {lang.code: lang.name for lang in available()},
    }


def _locale() -> str:
    from app.i18n import current_language

    return current_language()


# --- sign in ---------------------------------------------------------------------

@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():  # type: ignore[no-untyped-def]
    if current_contributor() is not None and request.method == "GET":
        return redirect(url_for("account.home"))
    form = SignInForm()
    status = 200
    if request.args.get("next"):
        session["after_sign_in"] = security.safe_next(request.args.get("next"), url_for("account.home"))
    if form.validate_on_submit():
        try:
            service.request_sign_in(form.email.data, security.client_ip(), _locale(), easy_read_on())
        except service.SignInLimited:
            form.email.errors.append(pick(_("You have asked for too many sign-in emails. Wait 15 minutes, then try again."),
                                         er("You asked for too many emails. Wait 15 minutes. Then try again.")))
            status = 429
        else:
            session[PENDING_EMAIL] = service.normalise_email(form.email.data)
            return redirect(url_for("account.check_email"))
    return render_template("account/sign_in.html", form=form, by_text=service.codes_by_text()), status


def _too_many_requests() -> str:
    return pick(_("You have asked for too many sign-in codes. Wait 15 minutes, then try again."),
                er("You asked for too many codes. Wait 15 minutes. Then try again."))


def _too_many_codes() -> str:
    return pick(_("Too many codes have been tried. Ask for a new code later, or call us and we will help you."),
                er("You tried too many codes. Ask for a new code later. Or call us. We will help you."))


def _wrong_code() -> str:
    return pick(_("That code is not right, or it has expired. Check the newest text message, or ask for a new one"),
                er("This code does not work. Look for our newest text message. Or ask for a new one."))


@bp.route("/sign-in/text", methods=["GET", "POST"])
def sign_in_text():  # type: ignore[no-untyped-def]
    """A sign-in code by text message, for people who chose texts and confirmed their mobile.
    Never a link: a text message can be read on a locked phone's screen by anyone."""
    if current_contributor() is not None and request.method == "GET":
        return redirect(url_for("account.home"))
    form = TextSignInForm()
    status = 200
    if service.codes_by_text() and form.validate_on_submit():
        try:
            service.request_text_code(form.phone.data, security.client_ip())
        except service.SignInLimited:
            form.phone.errors.append(_too_many_requests())
            status = 429
        else:
            db.session().commit()
            session[PENDING_PHONE] = form.phone.data
            return redirect(url_for("account.check_phone"))
    return render_template("account/sign_in_text.html", form=form, by_text=service.codes_by_text()), status


@bp.route("/check-phone", methods=["GET", "POST"])
def check_phone():  # type: ignore[no-untyped-def]
    phone = session.get(PENDING_PHONE)
    if not phone:
        return redirect(url_for("account.sign_in_text"))
    form = TextCodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            token = service.token_for_text_code(phone, form.code.data, security.client_ip())
        except service.CodeChecksLimited:
            status = 429
            form.code.errors.append(_too_many_codes())
        else:
            if token is not None:
                return _finish_sign_in(token)
            form.code.errors.append(_wrong_code())
    return render_template("account/check_phone.html", form=form, phone=phone), status


@bp.route("/check-email", methods=["GET", "POST"])
def check_email():  # type: ignore[no-untyped-def]
    email = session.get(PENDING_EMAIL)
    if not email:
        return redirect(url_for("account.sign_in"))
    form = CodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            token = service.token_for_code(email, form.code.data, security.client_ip())
        except service.CodeChecksLimited:
            status = 429
            form.code.errors.append(pick(_("Too many codes have been tried. Ask for a new sign-in email later, "
                                           "or call us and we will help you sign in."),
                                         er("You tried too many codes. Ask for a new email later. Or call us. We will help you sign in.")))
        else:
            if token is not None:
                return _finish_sign_in(token)
            form.code.errors.append(pick(_("That code is not right, or it has expired. Check the newest email, "
                                           "or ask for a new one"),
                                         er("This code does not work. Look for our newest email. Or ask for a new one.")))
    return render_template("account/check_email.html", form=form, email=email), status


@bp.route("/sign-in/<token>", methods=["GET", "POST"])
def use_link(token: str):  # type: ignore[no-untyped-def]
    """GET only shows a button: email scanners that open links must not use them up."""
    found = service.token_for_link(token)
    if found is None:
        return render_template("account/link_expired.html"), 400
    if request.method == "POST":
        return _finish_sign_in(found)
    return render_template("account/use_link.html", token=token)


def _finish_sign_in(token: Any):  # type: ignore[no-untyped-def]
    contributor = service.complete_sign_in(token, _locale(), easy_read_on())
    is_new = not contributor.name
    after = session.get("after_sign_in") or url_for("account.home")
    waiting = service.waiting_links(contributor)
    if waiting and not is_new:  # someone said they help them: ask first
        after = url_for("account.confirm_supporter", link_id=waiting[0][0].id)
    keep = {k: session[k] for k in ("staff_id", "staff_sv", "staff_at", "staff_sid", KEPT) if k in session}
    security.end_session("contributor")  # whoever was signed in here before is signed out for real
    session.clear()
    session.update(keep)
    session.permanent = True
    session.update(contributor_id=contributor.id, contributor_sv=contributor.session_version)
    security.start_session("contributor", contributor.id)
    if g.get("staff") is not None and g.staff.contributor_id is None:  # one browser, one person
        service.link_staff(g.staff, contributor, ("staff", g.staff.id, g.staff.email))
    db.session().commit()
    response = redirect(url_for("account.setup", step="name") if is_new else after)
    return _remember_preferences(response, contributor)


def _remember_preferences(response: Any, contributor: Contributor) -> Any:
    """Their saved language and easy-read choice now apply on this device too."""
    secure = security.cookie_secure()
    for name, value in ((LANG_COOKIE, contributor.language),
                        (EASY_READ_COOKIE, "on" if contributor.easy_read else "off")):
        response.set_cookie(name, value, max_age=COOKIE_MAX_AGE, secure=secure, httponly=True, samesite="Lax")
    return response


@bp.post("/sign-out")
def sign_out():  # type: ignore[no-untyped-def]
    security.end_session("contributor")  # a copy of the cookie stops working too
    db.session().commit()
    for key in ("contributor_id", "contributor_sv", ACTING_FOR):
        session.pop(key, None)
    flash(pick(_("You have signed out."), er("You have signed out.")))
    return redirect(url_for("account.sign_in"))


@bp.post("/sign-out-everywhere")
@contributor_required
def sign_out_everywhere():  # type: ignore[no-untyped-def]
    service.sign_out_everywhere(current_contributor())
    for key in ("contributor_id", "contributor_sv", ACTING_FOR):
        session.pop(key, None)
    flash(pick(_("You have signed out on every device."), er("You have signed out on all your phones and computers.")))
    return redirect(url_for("account.sign_in"))


# --- a confirmed mobile -------------------------------------------------------------


@bp.route("/details/mobile", methods=["GET", "POST"])
@contributor_required
def confirm_mobile():  # type: ignore[no-untyped-def]
    """Confirm your own mobile with a code we text to it (only through a text provider)."""
    from app import phones

    me = current_contributor()
    offered = service.codes_by_text() and phones.can_text(me.phone)
    status = 200
    error = None
    if offered and request.method == "POST":
        from app.forms import Form

        if Form().validate_on_submit():
            try:
                service.send_phone_code(me, security.client_ip())
            except service.SignInLimited:
                error, status = _too_many_requests(), 429
            else:
                db.session().commit()
                return redirect(url_for("account.confirm_mobile_code"))
    return render_template("account/confirm_mobile.html", me=me, offered=offered,
                           by_text=service.codes_by_text(), error=error), status


@bp.route("/details/mobile/code", methods=["GET", "POST"])
@contributor_required
def confirm_mobile_code():  # type: ignore[no-untyped-def]
    me = current_contributor()
    if not service.codes_by_text():
        return redirect(url_for("account.confirm_mobile"))
    form = TextCodeForm()
    status = 200
    if form.validate_on_submit():
        try:
            confirmed = service.confirm_phone(me, form.code.data, security.client_ip())
        except service.CodeChecksLimited:
            status = 429
            form.code.errors.append(_too_many_codes())
        else:
            if confirmed:
                db.session().commit()
                flash(pick(_("Your mobile number is confirmed. You can now get sign-in codes by text message."),
                           er("Your mobile number is checked. We can send you codes to sign in by text message.")))
                return redirect(url_for("account.home"))
            form.code.errors.append(_wrong_code())
    return render_template("account/confirm_mobile_code.html", form=form, me=me), status


# --- your details ------------------------------------------------------------------

@bp.get("/")
@subject_required
def home():  # type: ignore[no-untyped-def]
    contributor, me = access.form_for(), current_contributor()
    return render_template("account/home.html", contributor=contributor,
                           bank=service.masked_bank_details(contributor),
                           on_behalf=service.last_change_on_behalf(contributor),
                           helping=_people_helped(me) if me is not None and g.acting_for is None else [],
                           may_see_claims=access.may(me, contributor.id, "see_claims"))


def _people_helped(me: Contributor) -> list[tuple[Contributor, dict[str, bool]]]:
    """The people who let ``me`` help them now, each with what the access policy allows today
    (a withdrawn or unconfirmed agreement lists nobody)."""
    return [(person, {action: access.may(me, person.id, action) for action in ("fill_in", "see_claims")})
            for _link, person in service.people_supported_by(me)]


@dataclass(frozen=True)
class Topic:
    """One page of "your details": its form, how its answers change the profile, and what it shows first."""

    form: type
    template: str
    changes: Callable[[dict[str, Any]], dict[str, Any]]
    prefill: Callable[[Contributor], dict[str, Any]]


def _access_changes(v: dict[str, Any]) -> dict[str, Any]:
    needs = list(v.get("access_needs") or [])
    return {"access_needs": needs,
            "interpreter_language": (v.get("interpreter_language") or "") if "interpreter" in needs else "",
            "access_other": (v.get("access_other") or "") if "other" in needs else ""}


#: The topics of "your details", in the order first-time set-up asks them.
TOPICS: dict[str, Topic] = {
    "name": Topic(NameForm, "account/details_name.html",
                  lambda v: {"name": v["name"], "known_as": v.get("known_as") or "", "pronouns": v.get("pronouns") or ""},
                  lambda c: {"name": c.name, "known_as": c.known_as, "pronouns": c.pronouns}),
    "contact": Topic(ContactForm, "account/details_contact.html",
                     lambda v: {"contact_channel": v["contact_channel"], "phone": v.get("phone") or "",
                                "address": v.get("address") or "", "best_times": v.get("best_times") or ""},
                     lambda c: {"contact_channel": c.contact_channel, "phone": c.phone, "address": c.address,
                                "best_times": c.best_times}),
    "language": Topic(LanguageForm, "account/details_language.html",
                      lambda v: {"language": v["language"], "easy_read": v.get("easy_read") == "yes"},
                      lambda c: {"language": c.language, "easy_read": "yes" if c.easy_read else "no"}),
    "access": Topic(AccessForm, "account/details_access.html", _access_changes,
                    lambda c: {"access_needs": c.access_needs, "interpreter_language": c.interpreter_language,
                               "access_other": c.access_other}),
    "payment": Topic(PaymentForm, "account/details_payment.html",
                     lambda v: {"payment_preference": v["payment_preference"]},
                     lambda c: {"payment_preference": c.payment_preference}),
}


def _languages(form: Any, *_: Any) -> None:
    if hasattr(form, "language"):
        form.language.choices = [(lang.code, lang.name) for lang in available()]


def _details_page(topic: str):  # type: ignore[no-untyped-def]
    """Change one topic of your details (or, for staff or a supporter, of the person's)."""
    contributor, page = access.form_for(), TOPICS[topic]
    form = page.form(data=None if request.method == "POST" else page.prefill(contributor))
    _languages(form)
    if form.validate_on_submit():
        if service.update_profile(contributor, page.changes(form.data), by=access.acting()) and acted_by_name():
            service.tell_person(contributor, "details_changed", acted_by_name() or "")
        db.session().commit()
        flash(pick(_("Your details have been saved."), er("We saved your details.")))
        response = redirect(url_for("account.home"))
        if topic == "language" and g.acting_for is None:
            return _remember_preferences(response, contributor)
        return response
    return render_template(page.template, form=form)


@bp.route("/details/name", methods=["GET", "POST"])
@subject_required
def details_name():  # type: ignore[no-untyped-def]
    return _details_page("name")


@bp.route("/details/contact", methods=["GET", "POST"])
@subject_required
def details_contact():  # type: ignore[no-untyped-def]
    return _details_page("contact")


@bp.route("/details/language", methods=["GET", "POST"])
@subject_required
def details_language():  # type: ignore[no-untyped-def]
    return _details_page("language")


@bp.route("/details/access", methods=["GET", "POST"])
@subject_required
def details_access():  # type: ignore[no-untyped-def]
    return _details_page("access")


@bp.route("/details/payment", methods=["GET", "POST"])
@subject_required
def details_payment():  # type: ignore[no-untyped-def]
    return _details_page("payment")


# --- first-time set-up: a journey on a draft that writes the profile when it is done ----------------

def _setup_send(visit: journeys.Visit):  # type: ignore[no-untyped-def]
    """The profile from every page at once, one commit; then bank details if they want to be paid
    (never kept in a draft, so asked on their own page)."""
    me = visit.me
    changes: dict[str, Any] = {}
    for topic, page in TOPICS.items():
        changes |= page.changes(visit.values(topic))
    service.update_profile(me, changes, by=access.acting())
    drafts.mark_submitted(visit.draft)
    db.session().commit()
    wants_bank = me.payment_preference == "paid" and not me.bank_details
    return _remember_preferences(redirect(url_for("account.details_bank", setup=1) if wants_bank
                                          else url_for("account.home")), me)


SETUP = journeys.Journey(
    kind="setup",
    steps=[journeys.Step(topic, page.form, page.template, setup=_languages,
                         prefill=lambda visit, page=page: page.prefill(visit.me), check=topic == "payment")
           for topic, page in TOPICS.items()],
    url=lambda visit, step: url_for("account.setup", step=step),
    submit=_setup_send,
    context=lambda visit: {"layout": "components/journey_page.html", "journey_title": pick(_("Setting up your details"), er("Setting up your details")),
                           "title_suffix": _("Setting up your details"),
                           "button_label": pick(_("Save and continue"), er("Save and go to the next page"))})


@bp.route("/set-up/<step>", methods=["GET", "POST"])
@contributor_required
def setup(step: str):  # type: ignore[no-untyped-def]
    me = current_contributor()
    draft = next((d for d in drafts.open_drafts(me) if d.kind == "setup"), None)
    return journeys.handle(journeys.Visit(SETUP, draft, me), step, save=lambda: drafts.start("setup", me, me, ""))


@bp.route("/details/bank", methods=["GET", "POST"])
@subject_required
def details_bank():  # type: ignore[no-untyped-def]
    if g.acting_for is not None and current_contributor() is not None:
        # Payment goes to the contributor: only they (or the team) set where it goes.
        return render_template("account/bank_not_for_supporters.html", person=g.acting_for), 403
    contributor = access.form_for()
    form = BankForm()
    if form.validate_on_submit():
        details = {"account_name": form.account_name.data, "sort_code": form.sort_code.data,
                   "account_number": form.account_number.data, "roll_number": form.roll_number.data or ""}
        if current_contributor() is None:  # staff acting for the person: four eyes before it counts
            service.request_bank_change(contributor, details, g.staff)
            flash(_("Saved for approval: a second member of staff must approve these bank details before "
                    "payments use them. We have told %(name)s.", name=contributor.display_name))
        else:
            service.save_bank_details(contributor, details, by=access.acting())
            flash(pick(_("Your bank details have been saved."), er("We saved your bank details.")))
        return redirect(url_for("account.home"))
    return render_template("account/details_bank.html", form=form, bank=service.masked_bank_details(contributor),
                           setup=bool(request.args.get("setup")))


# --- supporters --------------------------------------------------------------------

@bp.get("/supporters")
@contributor_required
def supporters():  # type: ignore[no-untyped-def]
    me = current_contributor()
    return render_template("account/supporters.html", helpers=service.links_for(me),
                           waiting=service.waiting_links(me), helping=service.people_supported_by(me),
                           relationship_names={c.value: c.label for c in RELATIONSHIP_CHOICES})


@bp.route("/supporters/new", methods=["GET", "POST"])
@contributor_required
def new_supporter():  # type: ignore[no-untyped-def]
    me = current_contributor()
    form = SupporterForm()
    if form.validate_on_submit():
        if service.normalise_email(form.email.data) == me.email:
            form.email.errors.append(pick(_("Enter the email address of the person who helps you, not your own"),
                                         er("Write their email address. Do not write your own.")))
        else:
            _link, message_id = service.add_supporter(
                me, name=form.name.data, email=form.email.data, relationship=form.relationship.data,
                permissions=list(form.permissions.data), locale=_locale())
            flash(pick(_("%(name)s can now help you. We have emailed them to say so.", name=form.name.data),
                       er("%(name)s can now help you. We sent them an email to say so.", name=form.name.data)))
            return redirect(url_for("account.supporters"))
    return render_template("account/supporter_new.html", form=form)


@bp.route("/supporters/<int:link_id>/confirm", methods=["GET", "POST"])
@contributor_required
def confirm_supporter(link_id: int):  # type: ignore[no-untyped-def]
    """"X says they help you. Do you agree?": only the person answers, never the helper."""
    me = current_contributor()
    link = db.session().get(SupportLink, link_id)
    if link is None or link.contributor_id != me.id or g.get("acting_for") is not None:
        abort(404)
    helper = db.session().get(Contributor, link.supporter_id)
    if not link.waiting:
        return redirect(url_for("account.supporters"))
    form = ConfirmSupporterForm()
    if form.validate_on_submit():
        if form.answer.data == "yes":
            service.confirm_supporter(link, by=service.actor(me))
            flash(pick(_("%(name)s can now help you. You can stop this at any time.", name=helper.display_name),
                       er("%(name)s can now help you. You can stop this at any time.", name=helper.display_name)))
        else:
            service.withdraw_supporter(link, by=service.actor(me))
            flash(pick(_("%(name)s cannot act for you.", name=helper.display_name),
                       er("%(name)s cannot do things for you.", name=helper.display_name)))
        return redirect(url_for("account.supporters"))
    return render_template("account/supporter_confirm.html", form=form, link=link, helper=helper,
                           relationship_names={c.value: c.label for c in RELATIONSHIP_CHOICES})


@bp.route("/supporters/<int:link_id>/change", methods=["GET", "POST"])
@contributor_required
def change_supporter(link_id: int):  # type: ignore[no-untyped-def]
    """The person changes what someone may do for them; it holds from the supporter's next click."""
    me = current_contributor()
    link = db.session().get(SupportLink, link_id)
    if link is None or link.contributor_id != me.id or not link.active or g.get("acting_for") is not None:
        abort(404)
    helper = db.session().get(Contributor, link.supporter_id)
    form = SupporterPermissionsForm(data=None if request.method == "POST" else {"permissions": link.permissions})
    if form.validate_on_submit():
        service.change_supporter(link, list(form.permissions.data), by=service.actor(me))
        flash(pick(_("You have changed what %(name)s can do for you.", name=helper.display_name),
                   er("You changed what %(name)s can do for you.", name=helper.display_name)))
        return redirect(url_for("account.supporters"))
    return render_template("account/supporter_change.html", form=form, helper=helper)


@bp.route("/supporters/help", methods=["GET", "POST"])
@contributor_required
def ask_for_help():  # type: ignore[no-untyped-def]
    """A private message to the team: only the person (never a supporter acting for them)."""
    if g.get("acting_for") is not None:
        abort(404)
    form = PrivateHelpForm()
    if form.validate_on_submit():
        service.ask_for_help(current_contributor(), form.message.data)
        flash(pick(_("Thank you. The team will contact you. We will not tell anyone who helps you."),
                   er("Thank you. Our team will contact you. We will not tell anyone who helps you.")))
        return redirect(url_for("account.supporters"))
    return render_template("account/ask_for_help.html", form=form)


@bp.post("/supporters/<int:link_id>/withdraw")
@contributor_required
def withdraw_supporter(link_id: int):  # type: ignore[no-untyped-def]
    me = current_contributor()
    link = db.session().get(SupportLink, link_id)
    # Only the person being helped can withdraw their agreement.
    if link is None or link.contributor_id != me.id:
        abort(404)
    service.withdraw_supporter(link, by=service.actor(me))
    flash(pick(_("They can no longer act for you."), er("They cannot do things for you now.")))
    return redirect(url_for("account.supporters"))


@bp.post("/acting-for")
@contributor_required
def start_acting_for():  # type: ignore[no-untyped-def]
    me = current_contributor()
    person_id = request.form.get("contributor_id", type=int)
    if person_id is None or person_id == me.id or not access.may(me, person_id, "fill_in"):
        abort(403)
    session[ACTING_FOR] = person_id
    return redirect(url_for("account.home"))


@bp.post("/acting-for/stop")
@contributor_required
def stop_acting_for():  # type: ignore[no-untyped-def]
    session.pop(ACTING_FOR, None)
    return redirect(url_for("account.supporters"))


# --- your data -----------------------------------------------------------------------

@bp.get("/data")
@contributor_required
def your_data():  # type: ignore[no-untyped-def]
    me = current_contributor()
    asked = db.session().scalar(select(StaffTask.id).where(
        StaffTask.contributor_id == me.id, StaffTask.kind == "erasure_request", StaffTask.done_at.is_(None)))
    return render_template("account/data.html", erasure_asked=asked is not None)


@bp.get("/data.zip")
@contributor_required
def data_download():  # type: ignore[no-untyped-def]
    """Not a page: a ZIP file to keep, holding the person's data (``your-data.json``) and their receipts.
    Always the signed-in person's own (never someone they act for)."""
    response = send_file(data.export_zip(current_contributor()), mimetype="application/zip", as_attachment=True,
                         download_name="take-part-your-data.zip", etag=False)
    response.headers["Cache-Control"] = "no-store"  # personal data: never kept in a cache
    return response


@bp.get("/data/view")
@contributor_required
def data_view():  # type: ignore[no-untyped-def]
    return render_template("account/data_view.html", data=data.export(current_contributor()))


@bp.route("/data/erase", methods=["GET", "POST"])
@contributor_required
def data_erase():  # type: ignore[no-untyped-def]
    if request.method == "POST":
        data.request_erasure(current_contributor())
        flash(pick(_("We have your request. The team will erase your data and tell you when it is done."),
                   er("We got your request. Our team will delete your data. We will tell you when it is done.")))
        return redirect(url_for("account.your_data"))
    return render_template("account/data_erase.html")


# --- your forms (drafts) -------------------------------------------------------------

@bp.get("/forms")
@contributor_required
def your_forms():  # type: ignore[no-untyped-def]
    me = current_contributor()
    open_drafts = drafts.open_drafts(me)
    others = {p.id: p for p in db.session().scalars(select(Contributor).where(
        Contributor.id.in_({d.subject_id for d in open_drafts if d.subject_id != me.id})))}
    rows = [(d, plugs().forms.get(d.kind), others.get(d.subject_id)) for d in open_drafts]
    return render_template("account/forms.html", rows=rows)


@bp.route("/forms/new/<kind>", methods=["GET", "POST"])
@contributor_required
def start_form(kind: str):  # type: ignore[no-untyped-def]
    """Start a form: people who help someone first say who it is for."""
    if kind not in plugs().forms or not plugs().forms[kind].startable:
        abort(404)
    me = current_contributor()
    people = [person for link, person in service.people_supported_by(me) if link.can_fill_forms]
    if not people:
        draft = drafts.start(kind, me, me, plugs().forms[kind].label())
        db.session().commit()
        return redirect(plugs().forms[kind].resume(draft))
    form = WhoForm(data=None if request.method == "POST" else
                   {"for_whom": str(g.acting_for.id) if g.acting_for else None})
    form.for_whom.choices = [("me", pick(_("I am filling it in for myself"), er("It is for me")))] + [
        (str(p.id), pick(_("I am filling it in for %(name)s", name=p.display_name), er("It is for %(name)s", name=p.display_name)))
        for p in people]
    if form.validate_on_submit():
        subject_person = me if form.for_whom.data == "me" else next(
            p for p in people if str(p.id) == form.for_whom.data)
        draft = drafts.start(kind, me, subject_person, plugs().forms[kind].label())
        db.session().commit()
        return redirect(plugs().forms[kind].resume(draft))
    return render_template("account/start_form.html", form=form, kind_label=plugs().forms[kind].label())


@bp.post("/forms/<public_id>/delete")
@contributor_required
def delete_form(public_id: str):  # type: ignore[no-untyped-def]
    draft = drafts.find(public_id, current_contributor())
    if draft is None:
        abort(404)
    drafts.discard(draft)
    flash(pick(_("The form has been deleted."), er("We deleted the form.")))
    return redirect(url_for("account.your_forms"))
