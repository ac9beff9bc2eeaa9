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
from app.phones import display as display_phone
from sqlalchemy import select

from app import access, db, journeys, security
from app.account import drafts, service as accounts
from app.account.forms import ACCESS_CHOICES, CHANNEL_CHOICES, PAYMENT_CHOICES, RELATIONSHIP_CHOICES, PaymentForm
from app.account.models import Contributor
from app.i18n import current_language, easy_read_on, er, join_details, join_words, named, pick
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
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired

bp = Blueprint("interest", __name__)

DRAFTS = "interest_drafts"  # session: {role id: draft public id}
DONE = "interest_done"  # session: {role id: reference} after sending
EQUALITY = "equality_for"  # session: role ids whose equality questions may be answered once



def resume_url(draft: drafts.Draft) -> str:
    """Where an interest form in progress carries on ("Your forms")."""
    return url_for("interest.resume", role_id=(draft.data or {}).get("_role", 0), public_id=draft.public_id)


@bp.context_processor
def _person_status_names() -> dict[str, Any]:
    """What each status means, in words for the person (not the staff word)."""
    return {"person_status_names": {
        "new": pick(_("We have it and will be in touch"), er("We got it. We will contact you.")),
        "contacted": pick(_("We have been in touch"), er("We have contacted you")),
        "invited": pick(_("We have invited you to talk"), er("We have asked you to talk to us")),
        "offered": pick(_("We have offered you the role"), er("We have offered you the role")),
        "not_this_time": pick(_("Not this time"), er("Not this time")),
        "withdrawn": pick(_("You withdrew"), er("You said no to this role")),
    }}


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


def _answers(visit: journeys.Visit) -> dict[str, Any]:
    """What the form says so far, step by step (only the steps answered)."""
    return {step.name: visit.values(step.name) for step in JOURNEY.steps if visit.answered(step.name)}


def _supported(me: Contributor | None) -> list[Contributor]:
    """People ``me`` may fill in forms for (asked once per request: several pages' logic needs it)."""
    if me is None:
        return []
    if "interest_supported" not in g:
        g.interest_supported = [person for link, person in accounts.people_supported_by(me) if link.can_fill_forms]
    return g.interest_supported


def _for_whom(visit: journeys.Visit) -> str:
    return visit.values("who").get("for_whom") or "me"


def _subject(visit: journeys.Visit) -> Contributor | None:
    """The person whose profile fills in the form, when we know them."""
    for_whom = _for_whom(visit)
    if for_whom == "me":
        return visit.me
    return next((p for p in _supported(visit.me) if str(p.id) == for_whom), None)


def _profile_complete(person: Contributor | None) -> bool:
    return person is not None and bool(person.name) and bool(person.email or person.phone)


def _from_profile(*names: str) -> Any:
    def prefill(visit: journeys.Visit) -> dict[str, Any]:
        person = _subject(visit)
        return {k: getattr(person, k) for k in names} if person is not None else {}
    return prefill


def _prefill_who(visit: journeys.Visit) -> dict[str, Any]:
    acting = g.get("acting_for")
    return {"for_whom": str(acting.id) if acting is not None and visit.me is not None else None}


def _setup_who(form: Form, visit: journeys.Visit) -> None:
    form.for_whom.choices = [("me", pick(_("I am interested myself"), er("It is for me.")))] + [
        (str(p.id), pick(_("I am filling it in for %(name)s", name=p.display_name),
                         er("It is for %(name)s.", name=p.display_name))) for p in _supported(visit.me)] + [
        ("someone", pick(_("I am filling it in for someone else, with their agreement"),
                         er("It is for someone else. They agree.")))]


def _chose_who(visit: journeys.Visit, form: Form) -> None:
    """Who the form is for is known as soon as it is chosen (their drafts list shows it)."""
    chosen = request.form.get("for_whom") or "me"
    if visit.me is not None and visit.draft is not None:
        person = visit.me if chosen == "me" else next((p for p in _supported(visit.me) if str(p.id) == chosen), None)
        visit.draft.subject_id = person.id if person is not None else None
    return None


def _setup_helper(form: Form, visit: journeys.Visit) -> None:
    if visit.me is not None:
        del form.helper_name, form.helper_email  # we know who they are


def _for_them(visit: journeys.Visit) -> bool:
    """Filled in for someone else: its questions ask about "them", not "you"."""
    return _for_whom(visit) != "me"


def _setup_contact(form: Form, visit: journeys.Visit) -> None:
    form.email_needed = visit.me is None and _for_whom(visit) == "me"  # for the link to come back
    if _for_them(visit):
        form.about_them = True
        form.contact_channel.label.text = pick(_("How can we reach them?"), er("How can we reach them?"))
        form.contact_channel.validators = [InputRequired(pick(_("Choose how we can reach them"),
                                                              er("Choose how we can reach them.")))]
        form.phone.description = pick(_("We need this if they would like a phone call or text message."),
                                      er("We need this to call or text them."))
        form.address.description = pick(_("We need this if they would like letters by post."),
                                        er("We need this to send them letters."))
        form.best_times.label.text = pick(_("When is the best time to contact them? (optional)"),
                                          er("When is a good time to contact them? You can leave this empty."))


def _setup_taking_part(form: Form, visit: journeys.Visit) -> None:
    if _for_them(visit):
        form.ways.label.text = pick(_("How would they like to take part?"), er("How do they want to take part?"))
        form.availability.label.text = pick(_("When can they usually take part?"), er("When are they free to take part?"))
        form.ways.description = form.availability.description = pick(_("Choose all that suit them."),
                                                                     er("Choose all that are good for them."))


def _setup_access(form: Form, visit: journeys.Visit) -> None:
    if _subject(visit) is None:
        del form.save_to_profile
    if _for_them(visit):
        form.access_needs.label.text = pick(_("What would help them take part?"), er("What would help them take part?"))
        if getattr(form, "save_to_profile", None) is not None:
            form.save_to_profile.label.text = pick(_("Their profile"), er("Their profile"))
            form.save_to_profile.choices = [SelectChoice("yes", pick(_("Also save these in their profile for next time"),
                                                                     er("Save this in their profile for next time.")))]


def _setup_about(form: Form, visit: journeys.Visit) -> None:
    if _for_them(visit):
        form.hopes.label.text = pick(_("What would they like to get out of it? (optional)"),
                                     er("What would they like from this?"))
        form.brings.label.text = pick(_("What would they bring? (optional)"), er("What are they good at?"))


def _setup_payment(form: Form, visit: journeys.Visit) -> None:
    name = _helping_name(visit)
    if name:
        form.payment_preference.label.text = pick(_("Would they like to be paid for taking part?"),
                                                  er("Do they want to be paid for taking part?"))
        form.payment_preference.validators = [InputRequired(pick(_("Choose whether they would like to be paid"),
                                                                 er("Choose if they want to be paid.")))]
        form.payment_preference.choices = [SelectChoice(value, named(text, name=name)) for value, text in (
            ("paid", pick(_("%(name)s would like to be paid"), er("%(name)s wants to be paid."))),
            ("voluntary", pick(_("%(name)s chooses not to be paid"), er("%(name)s does not want to be paid."))),
            ("benefits_talk", pick(_("%(name)s would like to talk about how payment could affect their benefits first"),
                                   er("%(name)s wants to talk about benefits first."))))]


def _setup_agree(form: Form, visit: journeys.Visit) -> None:
    name = _helping_name(visit)
    if name:
        words = named(pick(_("%(name)s agrees that you can keep these details to contact them about this role"),
                           er("%(name)s agrees. You can keep their details to contact them about this role.")),
                      name=name)
        form.consent.label.text = words
        form.consent.choices = [SelectChoice("yes", words)]
        form.consent.validators = [InputRequired(pick(_("Tick the box so we can keep their details, or contact us "
                                                        "another way"),
                                                      er("Tick the box so we can keep their details. Or contact us "
                                                         "another way.")))]


def _url(visit: journeys.Visit, step: str) -> str:
    return url_for("interest.page", role_id=visit.extra["role"].id, page=step)


def _context(visit: journeys.Visit) -> dict[str, Any]:
    helping = _helping_name(visit)
    return dict(role=visit.extra["role"], words=visit.extra["words"], title_suffix=visit.extra["words"]["title"],
                # The role's title may be English on an Arabic page: it keeps its own language and direction.
                journey_title=named(_("I'm interested in: %(title)s"), title=visit.extra["words"]["title"]),
                helping=pick(_("You are filling this in for %(name)s.", name=helping),
                             er("You are filling this in for %(name)s.", name=helping)) if helping else None,
                helping_name=helping, signed_in=visit.me is not None, subject=_subject(visit),
                rows=_check_rows(visit))


def _before_send(visit: journeys.Visit) -> list[tuple[str, str]]:
    if visit.me is None and _too_many(visit):
        visit.extra["status"] = 429
        return [(pick(_("Lots of forms have been sent from here in a short time. Wait 15 minutes, then try again."),
                      er("Lots of forms came from here just now. Wait 15 minutes. Then try again.")),
                 _url(visit, "check"))]
    return []


def _send(visit: journeys.Visit):  # type: ignore[no-untyped-def]
    role, draft = visit.extra["role"], visit.draft
    if drafts.begin_sending(draft):
        try:
            reference = service.submit(draft, _answers(visit), role, visit.me, current_language(),
                                       easy_read_on()).reference
        except PermissionError:
            abort(403)
    else:  # sent by another tap or device a moment ago
        reference = draft.reference
    _remember(DRAFTS, role.id, None)
    _remember(DONE, role.id, reference)
    session[EQUALITY] = sorted(set(session.get(EQUALITY, [])) | {role.id})
    return redirect(url_for("interest.done", role_id=role.id))


def _step(name: str, form: type[Form], title: Any, **more: Any) -> journeys.Step:
    return journeys.Step(name, form, f"interests/{name}.html", title=title, **more)


JOURNEY = journeys.Journey(
    kind="interest",
    steps=[
        _step("who", WhoForm, lambda: pick(_("Say who is filling this in"), er("Say who is filling this in.")), setup=_setup_who, prefill=_prefill_who,
              hook=_chose_who),
        _step("helper", HelperForm, lambda: pick(_("Tell us about yourself and that they agree"),
                                                 er("Tell us about you. Say that they agree.")), setup=_setup_helper,
              shown=lambda visit: _for_whom(visit) == "someone"),
        _step("contact", InterestContactForm, lambda: pick(_("Give a name and how to contact them"),
                                                           er("Tell us a name and how to contact them.")),
              setup=_setup_contact, shown=lambda visit: not _profile_complete(_subject(visit))
              or visit.answered("contact"),
              prefill=_from_profile("name", "email", "phone", "address", "contact_channel", "best_times")),
        _step("taking_part", TakingPartForm, lambda: pick(_("Say how and when you could take part"),
                                                          er("Say how and when you can take part.")),
              setup=_setup_taking_part),
        _step("access", InterestAccessForm, lambda: pick(_("Check what would help you take part"),
                                                         er("Check what helps you take part.")), setup=_setup_access,
              prefill=_from_profile("access_needs", "interpreter_language", "access_other")),
        _step("about", AboutForm, lambda: pick(_("Check what you would like to tell us"),
                                               er("Check what you want to tell us.")), setup=_setup_about),
        _step("payment", PaymentForm, lambda: pick(_("Say whether you would like to be paid"),
                                                   er("Say if you want to be paid.")),
              prefill=_from_profile("payment_preference"), setup=_setup_payment),
        _step("agree", AgreeForm, lambda: pick(_("Agree that we can keep these details"),
                                               er("Agree that we can keep these details.")), setup=_setup_agree),
        _step("check", CheckForm, lambda: "", check=True),
    ],
    url=_url, submit=_send, context=_context, before_send=_before_send)


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
    JOURNEY.step(page)  # an unknown step is not found, whatever the role
    role = _role(role_id)
    words, _translated = roles.in_language(role, current_language())
    if not service.is_open(role):
        return render_template("interests/closed.html", role=role, words=words), 410
    draft = _draft(role)
    if draft is None and (sent := _sent(role)) is not None:
        if request.method == "POST" and page == "check":  # a second tap: the first one sent it
            _remember(DRAFTS, role.id, None)
            _remember(DONE, role.id, sent.reference)
            return redirect(url_for("interest.done", role_id=role.id))
        return drafts.already_sent(sent, url_for("interest.done", role_id=role.id),
                                   url_for("interest.start", role_id=role.id))
    visit = journeys.Visit(JOURNEY, draft, current_contributor(), {"role": role, "words": words})
    answer = journeys.handle(visit, page, save=lambda: _draft(role, create=True))
    return (answer, visit.extra["status"]) if "status" in visit.extra else answer


def _too_many(visit: journeys.Visit) -> bool:
    """Sending without signing in emails a link (and may add an account): limited like sign-in emails."""
    cfg = current_app.config["SETTINGS"]
    window = timedelta(minutes=cfg.sign_in_window_minutes)
    helper = visit.values("helper") if _for_whom(visit) == "someone" else {}
    email = accounts.normalise_email(helper.get("helper_email") or visit.values("contact").get("email") or "")
    keys = [(f"interest-ip:{security.client_ip()}", cfg.sign_in_ip_limit),
            (f"interest-email:{email}", cfg.contributor_sign_in_limit)]
    if any(security.limited(key, limit, window) for key, limit in keys):
        return True
    for key, _limit in keys:
        security.hit(key)  # committed with the interest it lets through
    return False


def _helping_name(visit: journeys.Visit) -> str | None:
    for_whom = _for_whom(visit)
    if for_whom == "me":
        return None
    if for_whom == "someone":
        return visit.values("contact").get("name") or _("someone else")
    person = _subject(visit)
    return person.display_name if person else None


def _check_rows(visit: journeys.Visit) -> list[dict[str, Any]]:
    def change(page: str) -> str:
        return _url(visit, page)

    def answer(step: str) -> dict[str, Any]:
        prefill = JOURNEY.step(step).prefill
        return visit.values(step) if visit.answered(step) else (prefill(visit) if prefill else {})

    def names(values: list[str] | None, choices: list[Any]) -> str:
        labels = {c.value: str(c.label) for c in choices}
        return join_words([labels[v] for v in values or [] if v in labels])

    def needs_of(answers: dict[str, Any]) -> list[str]:
        """The needs ticked; the interpreter's language goes with the interpreter ("An interpreter (Polish)")."""
        ticked, language = answers.get("access_needs") or [], answers.get("interpreter_language")
        labels = [f"{c.label} ({language})" if c.value == "interpreter" and language else str(c.label)
                  for c in ACCESS_CHOICES if c.value in ticked]
        return labels if "interpreter" in ticked or not language else labels + [language]

    contact, taking, access, about = answer("contact"), answer("taking_part"), answer("access"), answer("about")
    payment = answer("payment").get("payment_preference")
    helper = visit.values("helper")
    for_whom = _for_whom(visit)
    them = _for_them(visit)
    channels = {c.value: str(c.label) for c in CHANNEL_CHOICES}
    rows = [{"question": pick(_("Who is filling this in"), er("Who is filling this in")),
             "answer": pick(_("Me"), er("Me")) if for_whom == "me" else pick(
                 _("I am helping %(name)s", name=_helping_name(visit)), er("I am helping %(name)s", name=_helping_name(visit))),
             "change_url": change("who")}]
    if for_whom == "someone":
        relationship = {c.value: str(c.label) for c in RELATIONSHIP_CHOICES}.get(helper.get("relationship"), "")
        helper_text = join_details([helper.get("helper_name"), helper.get("helper_email"), relationship])
        rows.append({"question": pick(_("About you"), er("About you")), "answer": helper_text, "change_url": change("helper")})
    rows += [
        {"question": pick(_("Name"), er("Name")), "answer": contact.get("name"), "change_url": change("contact")},
        {"question": pick(_("How to contact"), er("How to contact")), "answer": join_details([
            channels.get(contact.get("contact_channel") or "", ""), contact.get("email"), display_phone(contact.get("phone")),
            contact.get("address"), contact.get("best_times")]), "change_url": change("contact")},
        {"question": pick(_("Ways to take part"), er("How to take part")), "answer": names(taking.get("ways"), WAY_CHOICES),
         "change_url": change("taking_part")},
        {"question": pick(_("Times"), er("Good times")), "answer": join_details([
            names(taking.get("availability"), AVAILABILITY_CHOICES), taking.get("availability_note")]),
         "change_url": change("taking_part")},
        {"question": pick(_("What would help"), er("What helps")), "answer": join_details([
            join_words(needs_of(access)), access.get("access_other")]) or pick(_("Nothing extra"), er("Nothing extra")),
         "change_url": change("access")},
        {"question": (pick(_("What they would like to get out of it"), er("What they would like from this")) if them
                      else pick(_("What you would like to get out of it"), er("What you would like from this"))),
         "answer": about.get("hopes"), "change_url": change("about")},
        {"question": (pick(_("What they would bring"), er("What they are good at")) if them
                      else pick(_("What you would bring"), er("What you are good at"))), "answer": about.get("brings"),
         "change_url": change("about")},
        {"question": pick(_("Payment"), er("Getting paid")), "answer": {c.value: str(c.label) for c in PAYMENT_CHOICES}.get(payment or "", ""),
         "change_url": change("payment")},
        {"question": (pick(_("Keeping their details"), er("Keeping their details")) if them
                      else pick(_("Keeping your details"), er("Keeping your details"))),
         "answer": (pick(_("They agreed"), er("They agreed")) if them else pick(_("You agreed"), er("You agreed"))) if visit.values("agree").get("consent") else "",
         "change_url": change("agree")},
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
    person = access.form_for()
    rows = service.for_person(person)
    titles = {r.id: w for r, w in roles.in_language_many([role for _, role in rows], current_language())}
    return render_template("interests/yours.html", rows=rows, titles=titles, person=person)


@bp.post("/account/interests/<reference>/withdraw")
@contributor_required
def withdraw(reference: str):  # type: ignore[no-untyped-def]
    person = access.form_for()
    interest = db.session().scalar(select(Interest).where(Interest.reference == reference))
    if interest is None or interest.contributor_id != person.id or not access.may(
            current_contributor(), interest.contributor_id, "fill_in"):
        abort(404)
    service.withdraw(interest, access.acting(), acted_by=current_contributor())
    flash(_("You have withdrawn your interest. Thank you for letting us know."))
    return redirect(url_for("interest.yours"))
