"""Saying "I'm interested" in a role: one question (or small group) per page.

Any page can be opened at any time; each one saves what was typed (valid or not),
so going back, coming back later, or signing in half way loses nothing. The draft
lives in the drafts table: owned by the signed-in person, or, for someone not
signed in, held by their browser session. "Check your answers" sends it.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from app.forms import Form
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from app import access, db, security
from app.account import data, drafts, service as accounts
from app.account.forms import ACCESS_CHOICES, CHANNEL_CHOICES, PAYMENT_CHOICES, RELATIONSHIP_CHOICES, PaymentForm
from app.account.models import Contributor
from app.account.routes import who as actor_now
from app.db import utcnow
from app.htmx import partial
from app.i18n import current_language, easy_read_on
from app.interests import service
from app.interests.equality import QUESTIONS, EqualityForm
from app.interests.forms import (
    AVAILABILITY_CHOICES, WAY_CHOICES, AboutForm, AgreeForm, CheckForm, HelperForm, InterestAccessForm,
    InterestContactForm, TakingPartForm, WhoForm,
)
from app.interests.models import Interest
from app.roles import service as roles
from app.roles.models import Role
from app.security import contributor_required, current_contributor

bp = Blueprint("interest", __name__)

PAGES = ("who", "helper", "contact", "taking_part", "access", "about", "payment", "agree", "check")
FORMS: dict[str, type[Form]] = {
    "who": WhoForm, "helper": HelperForm, "contact": InterestContactForm, "taking_part": TakingPartForm,
    "access": InterestAccessForm, "about": AboutForm, "payment": PaymentForm, "agree": AgreeForm,
    "check": CheckForm,
}
DRAFTS = "interest_drafts"  # session: {role id: draft public id}
DONE = "interest_done"  # session: {role id: reference} after sending
EQUALITY = "equality_for"  # session: role ids whose equality questions may be answered once

accounts.AFTER_SIGN_IN.append(service.confirm_for)
data.EXPORTS["interests"] = service.export
data.ERASERS.append(service.erase)
data.RETENTION["interests"] = service.delete_expired
data.cover("interests", export="interests",
           erasure="the person's interests are deleted with the team's notes on them; one they sent for someone "
                   "else stays that person's, without the link to who sent it",
           retention="deleted RETENTION_INTEREST_MONTHS after the role closed (or after it was sent, if later)")
data.exempt("equality_responses", "equality answers are anonymous by design: a random id, the role and the month, "
                                  "no link to a person or an interest, so nothing can be found for anyone")


def _resume(draft: drafts.Draft) -> str:
    return url_for("interest.resume", role_id=(draft.data or {}).get("_role", 0), public_id=draft.public_id)


@bp.context_processor
def _person_status_names() -> dict[str, Any]:
    """What each status means, in words for the person (not the staff word)."""
    return {"person_status_names": {
        "new": _("We have it and will be in touch"), "contacted": _("We have been in touch"),
        "invited": _("We have invited you to talk"), "offered": _("We have offered you the role"),
        "not_this_time": _("Not this time"), "withdrawn": _("You withdrew"),
    }}


drafts.register_kind("interest", lambda: _("I'm interested in a role"), _resume)


# --- finding the draft --------------------------------------------------------------------

def _role(role_id: int) -> Role:
    role = db.session().get(Role, role_id)
    if role is None or role.status not in ("published", "closed"):
        abort(404)
    return role


def _draft(role: Role, create: bool = False) -> drafts.Draft | None:
    """This browser's draft for ``role`` (adopted by the person if they have since signed in)."""
    me = current_contributor()
    public_id = session.get(DRAFTS, {}).get(str(role.id))
    draft = None
    if public_id:
        draft = drafts.find(public_id, me) if me is not None else None
        if draft is None:
            draft = drafts.find_anonymous(public_id)
            if draft is not None and me is not None:
                draft.owner_id = draft.subject_id = me.id
                db.session().commit()
    if draft is None and create:
        draft = drafts.start("interest", me, me, roles.in_language(role, "en")[0]["title"])
        draft.data = {"_role": role.id}
        db.session().commit()
        session[DRAFTS] = session.get(DRAFTS, {}) | {str(role.id): draft.public_id}
    return draft


def _remember(key: str, role_id: int, value: Any) -> None:
    """Set this browser's entry for ``role_id`` in ``session[key]``, or drop it (``None``)."""
    entries = {k: v for k, v in session.get(key, {}).items() if k != str(role_id)}
    session[key] = entries | ({str(role_id): value} if value is not None else {})


def _sent(role: Role) -> drafts.Draft | None:
    """The form this browser sent for ``role``, if its draft is gone from the session (sent here) or
    was sent by another tap or device holding the same session."""
    public_id = session.get(DRAFTS, {}).get(str(role.id))
    reference = session.get(DONE, {}).get(str(role.id))
    me = current_contributor()
    return drafts.find_sent(public_id, owner=me) if public_id else drafts.find_sent(reference=reference, owner=me)


def _answers(draft: drafts.Draft | None) -> dict[str, Any]:
    return dict(draft.data or {}) if draft is not None else {}


def _supported(me: Contributor | None) -> list[Contributor]:
    """People ``me`` may fill in forms for (asked once per request: several pages' logic needs it)."""
    if me is None:
        return []
    if "interest_supported" not in g:
        g.interest_supported = [person for link, person in accounts.people_supported_by(me) if link.can_fill_forms]
    return g.interest_supported


def _subject(answers: dict[str, Any], me: Contributor | None) -> Contributor | None:
    """The person whose profile fills in the form, when we know them."""
    for_whom = answers.get("who", {}).get("for_whom") or "me"
    if for_whom == "me":
        return me
    return next((p for p in _supported(me) if str(p.id) == for_whom), None)


def _profile_complete(person: Contributor | None) -> bool:
    return person is not None and bool(person.name) and bool(person.email or person.phone)


def _shown(page: str, answers: dict[str, Any], me: Contributor | None) -> bool:
    for_whom = answers.get("who", {}).get("for_whom") or "me"
    if page == "helper":
        return for_whom == "someone"
    if page == "contact":
        return not _profile_complete(_subject(answers, me)) or "contact" in answers
    return True


def _next(page: str, answers: dict[str, Any], me: Contributor | None) -> str:
    later = PAGES[PAGES.index(page) + 1:]
    return next(p for p in later if _shown(p, answers, me))


def _back(page: str, answers: dict[str, Any], me: Contributor | None) -> str | None:
    earlier = [p for p in PAGES[:PAGES.index(page)] if _shown(p, answers, me)]
    return earlier[-1] if earlier else None


def _prefill(page: str, answers: dict[str, Any], me: Contributor | None) -> dict[str, Any]:
    if page in answers:
        return answers[page]
    person = _subject(answers, me)
    if page == "who":
        acting = g.get("acting_for")
        return {"for_whom": str(acting.id) if acting is not None and me is not None else None}
    if person is None:
        return {}
    if page == "contact":
        return {k: getattr(person, k) for k in ("name", "email", "phone", "address", "contact_channel", "best_times")}
    if page == "access":
        return {k: getattr(person, k) for k in ("access_needs", "interpreter_language", "access_other")}
    if page == "payment":
        return {"payment_preference": person.payment_preference}
    return {}


def _form(page: str, answers: dict[str, Any], me: Contributor | None, formdata: Any = None) -> Form:
    """The form for ``page``, set up for who is filling it in (``formdata`` checks saved answers)."""
    if formdata is not None:
        form = FORMS[page](formdata=formdata, meta={"csrf": False})
    else:
        form = FORMS[page](data=None if request.method == "POST" else _prefill(page, answers, me))
    for_whom = answers.get("who", {}).get("for_whom") or "me"
    if page == "who":
        form.for_whom.choices = [("me", _("I am interested myself"))] + [
            (str(p.id), _("I am filling it in for %(name)s", name=p.display_name)) for p in _supported(me)] + [
            ("someone", _("I am filling it in for someone else, with their agreement"))]
    if page == "helper" and me is not None:
        del form.helper_name, form.helper_email  # we know who they are
    if page == "contact":
        form.email_needed = me is None and for_whom == "me"  # for the link to come back
    if page == "access" and _subject(answers, me) is None:
        del form.save_to_profile
    return form


# --- the pages ----------------------------------------------------------------------------

@bp.get("/roles/<int:role_id>/interest")
def start(role_id: int):  # type: ignore[no-untyped-def]
    """"I'm interested": carry on with this browser's form for the role, or begin a new one (a form
    already sent stays sent; its old pages say so)."""
    _remember(DONE, role_id, None)
    if _sent(_role(role_id)) is not None:
        _remember(DRAFTS, role_id, None)
    return redirect(url_for("interest.page", role_id=role_id, page="who"))


@bp.get("/roles/<int:role_id>/interest/resume/<public_id>")
@contributor_required
def resume(role_id: int, public_id: str):  # type: ignore[no-untyped-def]
    draft = drafts.find(public_id, current_contributor())
    if draft is None or (draft.data or {}).get("_role") != role_id:
        abort(404)
    session[DRAFTS] = session.get(DRAFTS, {}) | {str(role_id): draft.public_id}
    return redirect(url_for("interest.page", role_id=role_id, page=draft.page or "who"))


@bp.route("/roles/<int:role_id>/interest/<page>", methods=["GET", "POST"])
def page(role_id: int, page: str):  # type: ignore[no-untyped-def]
    if page not in FORMS:
        abort(404)
    role = _role(role_id)
    words, _translated = roles.in_language(role, current_language())
    if not service.is_open(role):
        return render_template("interests/closed.html", role=role, words=words), 410
    me = current_contributor()
    draft = _draft(role)
    if draft is None and (sent := _sent(role)) is not None:
        if request.method == "POST" and page == "check":  # a second tap: the first one sent it
            _remember(DRAFTS, role.id, None)
            _remember(DONE, role.id, sent.reference)
            return redirect(url_for("interest.done", role_id=role.id))
        return drafts.already_sent(sent, url_for("interest.done", role_id=role.id),
                                   url_for("interest.start", role_id=role.id))
    if draft is None and request.method == "POST":
        draft = _draft(role, create=True)
    answers = _answers(draft)
    form = _form(page, answers, me)
    errors: list[tuple[str, str]] = []
    status = 200
    if request.method == "POST":
        if page != "check":
            typed = {name: field.data for name, field in form._fields.items() if name != "csrf_token"}
            assert draft is not None
            drafts.save_page(draft, page, typed)  # never lose what was typed, valid or not
            answers = _answers(draft)
            if page == "who" and me is not None:
                chosen = _subject(answers, me)
                draft.subject_id = chosen.id if chosen is not None else None
                db.session().commit()
            if partial():
                return render_template("components/save_status.html", time=utcnow().strftime("%H:%M"))
            if form.validate():
                return redirect(url_for("interest.page", role_id=role.id, page=_next(page, answers, me)))
        elif form.validate():
            errors = _unfinished(answers, me)
            if not errors and me is None and _too_many(answers):
                errors = [(_("Lots of forms have been sent from here in a short time. Wait 15 minutes, then "
                             "try again."), url_for("interest.page", role_id=role.id, page="check"))]
                status = 429
            if not errors:
                assert draft is not None
                if drafts.begin_sending(draft):
                    try:
                        reference = service.submit(draft, role, me, current_language(), easy_read_on()).reference
                    except PermissionError:
                        abort(403)
                else:  # sent by another tap or device a moment ago
                    reference = draft.reference
                _remember(DRAFTS, role.id, None)
                _remember(DONE, role.id, reference)
                session[EQUALITY] = sorted(set(session.get(EQUALITY, [])) | {role.id})
                return redirect(url_for("interest.done", role_id=role.id))
    helping = _helping_name(answers, me)
    context = dict(role=role, words=words, form=form, page=page, helping=helping,
                   back=_back(page, answers, me), signed_in=me is not None, errors=errors,
                   subject=_subject(answers, me), step=_step(page, answers, me))
    if page == "check":
        context["rows"] = _check_rows(role, answers, me)
    return render_template(f"interests/{page}.html", **context), status


def _too_many(answers: dict[str, Any]) -> bool:
    """Sending without signing in emails a link (and may add an account): limited like sign-in emails."""
    cfg = current_app.config["SETTINGS"]
    window = timedelta(minutes=cfg.sign_in_window_minutes)
    helper = answers.get("helper", {}) if answers.get("who", {}).get("for_whom") == "someone" else {}
    email = accounts.normalise_email(helper.get("helper_email") or answers.get("contact", {}).get("email") or "")
    keys = [(f"interest-ip:{security.client_ip()}", cfg.sign_in_ip_limit),
            (f"interest-email:{email}", cfg.contributor_sign_in_limit)]
    if any(security.limited(key, limit, window) for key, limit in keys):
        return True
    for key, _limit in keys:
        security.hit(key)
    db.session().commit()
    return False


def _helping_name(answers: dict[str, Any], me: Contributor | None) -> str | None:
    for_whom = answers.get("who", {}).get("for_whom") or "me"
    if for_whom == "me":
        return None
    if for_whom == "someone":
        return answers.get("contact", {}).get("name") or _("someone else")
    person = _subject(answers, me)
    return person.display_name if person else None


def _step(page: str, answers: dict[str, Any], me: Contributor | None) -> tuple[int, int]:
    shown = [p for p in PAGES if _shown(p, answers, me) or p == page]
    return shown.index(page) + 1, len(shown)


def _unfinished(answers: dict[str, Any], me: Contributor | None) -> list[tuple[str, str]]:
    """Pages still to answer (each checked with its own form), as (message, link)."""
    missing = []
    for page in PAGES[:-1]:
        if page == "helper" and not _shown(page, answers, me):
            continue
        values = answers[page] if page in answers else _prefill(page, answers, me)
        if not _form(page, answers, me, formdata=MultiDict(_as_formdata(values))).validate():
            missing.append((_MISSING[page](), url_for("interest.page", role_id=answers.get("_role", 0), page=page)))
    return missing


def _as_formdata(values: dict[str, Any]) -> list[tuple[str, str]]:
    pairs = []
    for key, value in (values or {}).items():
        for item in value if isinstance(value, list) else [value]:
            if item is not None:
                pairs.append((key, str(item)))
    return pairs


_MISSING = {
    "who": lambda: _("Say who is filling this in"),
    "helper": lambda: _("Tell us about yourself and that they agree"),
    "contact": lambda: _("Give a name and how to contact them"),
    "taking_part": lambda: _("Say how and when you could take part"),
    "access": lambda: _("Check what would help you take part"),
    "about": lambda: _("Check what you would like to tell us"),
    "payment": lambda: _("Say whether you would like to be paid"),
    "agree": lambda: _("Agree that we can keep these details"),
}


def _check_rows(role: Role, answers: dict[str, Any], me: Contributor | None) -> list[dict[str, Any]]:
    def change(page: str) -> str:
        return url_for("interest.page", role_id=role.id, page=page)

    def names(values: list[str] | None, choices: list[Any]) -> str:
        labels = {c.value: str(c.label) for c in choices}
        return ", ".join(labels[v] for v in values or [] if v in labels)

    contact = answers.get("contact") or _prefill("contact", answers, me)
    taking = answers.get("taking_part", {})
    access = answers.get("access") or _prefill("access", answers, me)
    about = answers.get("about", {})
    payment = (answers.get("payment") or _prefill("payment", answers, me)).get("payment_preference")
    helper = answers.get("helper", {})
    for_whom = answers.get("who", {}).get("for_whom") or "me"
    channels = {c.value: str(c.label) for c in CHANNEL_CHOICES}
    rows = [{"question": _("Who is filling this in"),
             "answer": _("Me") if for_whom == "me" else _("I am helping %(name)s", name=_helping_name(answers, me)),
             "change_url": change("who")}]
    if for_whom == "someone":
        relationship = {c.value: str(c.label) for c in RELATIONSHIP_CHOICES}.get(helper.get("relationship"), "")
        helper_text = ", ".join(x for x in (helper.get("helper_name"), helper.get("helper_email"), relationship) if x)
        rows.append({"question": _("About you"), "answer": helper_text, "change_url": change("helper")})
    rows += [
        {"question": _("Name"), "answer": contact.get("name"), "change_url": change("contact")},
        {"question": _("How to contact"), "answer": ", ".join(x for x in (
            channels.get(contact.get("contact_channel") or "", ""), contact.get("email"), contact.get("phone"),
            contact.get("address"), contact.get("best_times")) if x), "change_url": change("contact")},
        {"question": _("Ways to take part"), "answer": names(taking.get("ways"), WAY_CHOICES),
         "change_url": change("taking_part")},
        {"question": _("Times"), "answer": ", ".join(x for x in (
            names(taking.get("availability"), AVAILABILITY_CHOICES), taking.get("availability_note")) if x),
         "change_url": change("taking_part")},
        {"question": _("What would help"), "answer": ", ".join(x for x in (
            names(access.get("access_needs"), ACCESS_CHOICES), access.get("interpreter_language"),
            access.get("access_other")) if x) or _("Nothing extra"), "change_url": change("access")},
        {"question": _("What you would like to get out of it"), "answer": about.get("hopes"),
         "change_url": change("about")},
        {"question": _("What you would bring"), "answer": about.get("brings"), "change_url": change("about")},
        {"question": _("Payment"), "answer": {c.value: str(c.label) for c in PAYMENT_CHOICES}.get(payment or "", ""),
         "change_url": change("payment")},
        {"question": _("Keeping your details"),
         "answer": _("You agreed") if answers.get("agree", {}).get("consent") else "", "change_url": change("agree")},
    ]
    return rows


@bp.get("/roles/<int:role_id>/interest/done")
def done(role_id: int):  # type: ignore[no-untyped-def]
    role = _role(role_id)
    reference = session.get(DONE, {}).get(str(role.id))
    interest = None
    if reference:
        interest = db.session().scalar(select(Interest).where(Interest.reference == reference))
    if interest is None:
        return redirect(url_for("find_roles.show", role_id=role.id))
    words, _translated = roles.in_language(role, current_language())
    return render_template("interests/done.html", role=role, words=words, interest=interest,
                           reply_by=service.reply_by(role), equality=role.id in session.get(EQUALITY, []),
                           signed_in=current_contributor() is not None)


@bp.route("/roles/<int:role_id>/equality", methods=["GET", "POST"])
def equality(role_id: int):  # type: ignore[no-untyped-def]
    role = _role(role_id)
    if role.id not in session.get(EQUALITY, []):
        return redirect(url_for("find_roles.show", role_id=role.id))
    form = EqualityForm()
    if form.validate_on_submit():
        service.record_equality(role.id, {name: form[name].data or "" for name in QUESTIONS})
        session[EQUALITY] = [r for r in session.get(EQUALITY, []) if r != role.id]
        flash(_("Thank you. Your answers are kept apart from your name and your interest."))
        return redirect(url_for("find_roles.show", role_id=role.id))
    words, _translated = roles.in_language(role, current_language())
    return render_template("interests/equality.html", role=role, words=words, form=form)


# --- your interests -----------------------------------------------------------------------

@bp.get("/account/interests")
@contributor_required
def yours():  # type: ignore[no-untyped-def]
    person = g.get("acting_for") or current_contributor()
    rows = service.for_person(person)
    titles = {r.id: w for r, w in roles.in_language_many([role for _, role in rows], current_language())}
    return render_template("interests/yours.html", rows=rows, titles=titles, person=person)


@bp.post("/account/interests/<reference>/withdraw")
@contributor_required
def withdraw(reference: str):  # type: ignore[no-untyped-def]
    from flask_wtf.csrf import validate_csrf

    validate_csrf(request.form.get("csrf_token"))
    person = g.get("acting_for") or current_contributor()
    interest = db.session().scalar(select(Interest).where(Interest.reference == reference))
    if interest is None or interest.contributor_id != person.id or not access.may(
            current_contributor(), interest.contributor_id, "fill_in"):
        abort(404)
    service.withdraw(interest, actor_now(), acted_by=current_contributor())
    flash(_("You have withdrawn your interest. Thank you for letting us know."))
    return redirect(url_for("interest.yours"))
