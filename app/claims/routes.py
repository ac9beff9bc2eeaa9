"""Making a claim (for yourself or someone you help) and following it: "Your claims".

The claim is a draft until it is sent: each page saves what was typed (valid or not);
receipts are cleaned and stored as they are added. Sending uses the draft's id as the
claim's idempotency key, so a double tap or a retry makes exactly one claim.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, select, update
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from app import access, db, journeys, notify, storage as files
from app.account import drafts, service as accounts
from app.account.models import Contributor
from app.claims import pricing, privacy, receipts, service
from app.claims.forms import (
    CHOICE_CHOICES, COUNT_LABELS, EXPENSE_CHOICES, PREPARATION_CHOICES, SOMETHING_ELSE, VEHICLE_CHOICES, ActivityForm, DeclareForm,
    ExpensesForm, ReceiptsForm, ReplyForm, TimeForm, hours_value, rate_words,
)
from app.claims.models import Claim, ClaimLine, ClaimMessage, Receipt
from app.db import utcnow
from app.i18n import er, named, pick
from app.interests.models import Interest
from app.roles import service as roles
from app.roles.models import Role
from app.security import contributor_required, current_contributor
from app.storage import storage

bp = Blueprint("claims", __name__)

MAX_FILES = 5

assert privacy  # importing it registers claims with "your data" (export, erasure, retention)


@bp.context_processor
def _names() -> dict[str, Any]:
    def names(choices: list[Any]) -> dict[str, str]:
        return {c.value: c.label for c in choices}

    return {"expense_names": names(EXPENSE_CHOICES), "vehicle_names": names(VEHICLE_CHOICES),
            "claim_choice_names": names(CHOICE_CHOICES), "preparation_names": names(PREPARATION_CHOICES),
            "claim_status_names": status_words(), "accept": receipts.ACCEPT}


def status_words() -> dict[str, str]:  # built per request, in its language
    return {"submitted": pick(_("Sent: waiting for the team"), er("Sent. We will check it.")),
            "query": pick(_("We have a question for you"), er("We have a question for you")),
            "approved": pick(_("Approved"), er("We said yes")), "rejected": pick(_("Not approved"), er("We said no")),
            "sent": pick(_("Sent for payment"), er("Sent to be paid")), "paid": pick(_("Paid"), er("Paid"))}


# --- the draft ---------------------------------------------------------------------------------

def _draft(public_id: str) -> drafts.Draft:
    """The signed-in person's claim in progress. Once sent, every page of it says so: a page
    shows when it was sent and its reference, and sending again goes to "claim sent"."""
    draft = drafts.find(public_id, current_contributor())
    if draft is None or draft.kind != "claim":
        sent = drafts.find_sent(public_id, owner=current_contributor())
        done = db.session().scalar(select(Claim).where(Claim.idempotency_key == public_id))
        if sent is not None and done is not None and _may_see_sent(done):
            if request.method == "GET":
                abort(Response(drafts.already_sent(sent, url_for("claims.claim", reference=done.reference),
                                                   url_for("claims.new"))))
            abort(Response(status=303, headers={"Location": url_for("claims.done", public_id=public_id)}))
        abort(404)
    return draft


def _payee(draft: drafts.Draft) -> Contributor:
    # Held for the request: the session keeps rows only while something refers to them, and a
    # claim page asks for the payee from its form, its preview and its words.
    person_id = draft.subject_id or draft.owner_id
    person = db.per_request(("payee", person_id), lambda: db.session().get(Contributor, person_id))
    assert person is not None
    return person


def _may_see(claim: Claim) -> bool:
    """The payee, or a supporter they let see their claims, now (``access``)."""
    return access.may(current_contributor(), claim.contributor_id, "see_claims")


def _may_see_sent(claim: Claim) -> bool:
    """"Claim sent" and its reference: also for whoever filled it in while they may still fill in
    forms for the person (they need not see the person's claims)."""
    me = current_contributor()
    return _may_see(claim) or (me is not None and me.id == claim.submitted_by_id
                               and access.may(me, claim.contributor_id, "fill_in"))


def _activity_choices(payee: Contributor) -> list[tuple[str, str]]:
    """Roles the person is interested in or came to a meeting of, then "something else" (read
    once per request: the form, the fee preview and the check list all ask)."""
    return db.per_request(("activity_choices", payee.id, _locale()), lambda: _read_activity_choices(payee))


def _read_activity_choices(payee: Contributor) -> list[tuple[str, str]]:
    from app.meetings.models import Attendance, Meeting

    theirs = select(Interest.role_id).where(Interest.contributor_id == payee.id, Interest.status != "withdrawn")
    came = select(Meeting.role_id).join(Attendance, Attendance.meeting_id == Meeting.id).where(
        Attendance.contributor_id == payee.id)
    rows = db.session().scalars(select(Role).where(Role.id.in_(theirs) | Role.id.in_(came))
                                .order_by(Role.id)).all()
    return [(str(role.id), words["title"]) for role, words in roles.in_language_many(list(rows), _locale())] + [
        ("other", str(SOMETHING_ELSE))]


def _locale() -> str:
    from app.i18n import current_language

    return current_language()


# --- working out the money ------------------------------------------------------------------------

def _expense_items(visit: journeys.Visit) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    counts = _receipt_counts(visit.draft.public_id)
    for position, row in enumerate(_expense_rows(visit)):
        if row["kind"] != "mileage":  # boxes another kind needs may still hold what was typed there
            row = row | {"vehicle": None, "miles": None, "passengers": None}
        items.append({"kind": row["kind"], "pence": row.get("amount") or 0, "vehicle": row.get("vehicle") or "car",
                      "miles": hours_value(row.get("miles")) or 0, "passengers": int(hours_value(row.get("passengers"))
                                                                                      or 0),
                      "description": row.get("description") or "", "receipts": counts.get(position, 0)
                      + counts.get(None, 0)})
    return items


def _expense_rows(visit: journeys.Visit) -> list[dict[str, Any]]:
    """The expenses typed so far; a row's index here is its line's position on the claim."""
    return [row for row in visit.values("expenses").get("expenses") or [] if row.get("kind")]


def _line_choices(visit: journeys.Visit) -> list[tuple[str, str]]:
    """Which expense a receipt is for, in the person's words."""
    from app.i18n import easy_read_on, money

    names = {c.value: str(c.label) for c in EXPENSE_CHOICES}
    choices = []
    for position, row in enumerate(_expense_rows(visit)):
        what, details = names.get(row["kind"], ""), row.get("description") or ""
        amount = money(row["amount"]) if isinstance(row.get("amount"), int) else None
        if easy_read_on() and details and amount:  # one phrase each, in the order the language puts it
            words = er("%(what)s (%(details)s) that cost %(amount)s", what=what, details=details, amount=amount)
        elif easy_read_on() and amount:
            words = er("%(what)s that cost %(amount)s", what=what, amount=amount)
        elif easy_read_on() and details:
            words = er("%(what)s (%(details)s)", what=what, details=details)
        else:
            words = what + (f": {details}" if details else "") + (f", {amount}" if amount else "")
        choices.append((str(position), words))
    return choices


def _day(visit: journeys.Visit) -> date:
    try:
        return date.fromisoformat(visit.values("activity")["activity_date"])
    except (KeyError, TypeError, ValueError):
        return date.today()


def _role_pays(visit: journeys.Visit) -> str:
    """How the claim's role pays (its ``payment_level``): "" for no role ("something else")."""
    # As typed, not through the activity form: its choices need the request's language, and the
    # time page's answers are read outside a request too (a job, a test reading a saved draft).
    chosen = dict(visit.pairs("activity") or []).get("activity") or ""
    if not chosen.isdigit():
        return ""

    def read() -> str:  # once per request: nothing holds the Role, so get() would ask again each time
        role = db.session().get(Role, int(chosen))
        return role.payment_level if role is not None else ""
    return db.per_request(("role_pays", chosen), read)


def _local_rate(visit: journeys.Visit) -> pricing.Rate | None:
    """The role's local rate on the card in force on the claim's date (``None``: a tier role, no
    role, voluntary, or a rate not yet on that card, so the tier is suggested)."""
    pays = _role_pays(visit)
    if not pays or pays == "voluntary" or pays in pricing.TIERS:
        return None
    try:
        return pricing.card_on(service.rate_cards(), _day(visit)).rate(pays)
    except (LookupError, KeyError):
        return None


def _quantity(visit: journeys.Visit) -> int | None:
    value = hours_value(visit.values("time").get("quantity"))
    return int(value) if value is not None and value == int(value) and 1 <= value <= 50 else None


def _priced(visit: journeys.Visit) -> service.Priced | None:
    time = visit.values("time")
    hours = hours_value(time.get("hours")) or Decimal(0)
    try:
        return service.price(_payee(visit.draft).id, _day(visit), hours, time.get("preparation") or "none",
                             _expense_items(visit), fee_wanted=(time.get("payment_choice") or "paid") != "waive",
                             role_pays=_role_pays(visit), quantity=_quantity(visit))
    except (LookupError, ValueError, KeyError):
        return None


def _why(priced: service.Priced | None, hours: Decimal | None = None) -> str:
    """Why this fee, in plain words."""
    if priced is None or not priced.fee_code:
        return ""
    from app.i18n import money, number

    amount = priced.fee_pence
    if priced.fee_code == "voluntary":
        return VOLUNTARY_WORDS()
    if priced.fee_code not in pricing.TIERS:  # a local rate: how many, at how much
        try:
            rate = next(c for c in service.rate_cards() if c.version == priced.card_version).rate(priced.fee_code)
        except (LookupError, KeyError, StopIteration):
            return money(amount)
        each = rate_words(rate.kind, rate.pence)
        each_er = money(rate.pence)
        if rate.kind == "hourly":
            return pick(_("Hours: %(hours)s, at %(rate)s: %(amount)s.", hours=number(hours or 0), rate=each,
                          amount=money(amount)),
                        er("We pay %(rate)s for each hour. That is %(amount)s.", rate=each_er, amount=money(amount)))
        count = int(priced.quantity or 0)
        if rate.kind == "session":
            return pick(ngettext("%(num)s session at %(rate)s: %(amount)s.", "%(num)s sessions at %(rate)s: %(amount)s.",
                                 count, rate=each, amount=money(amount)),
                        er("We pay %(rate)s for each session. That is %(amount)s.", rate=each_er,
                           amount=money(amount)))
        return pick(ngettext("%(num)s task at %(rate)s: %(amount)s.", "%(num)s tasks at %(rate)s: %(amount)s.",
                             count, rate=each, amount=money(amount)),
                    er("We pay %(rate)s for each task. That is %(amount)s.", rate=each_er, amount=money(amount)))

    words = {
        "nihr_25": pick(_("About an hour or less, with little or no getting ready: %(amount)s.", amount=money(amount)),
                        er("Up to 1 hour, with little or no getting ready. We pay %(amount)s.", amount=money(amount))),
        "nihr_75": pick(_("Up to about half a day, or it needed getting ready: %(amount)s.", amount=money(amount)),
                        er("Up to half a day, or it needed getting ready. We pay %(amount)s.",
                           amount=money(amount))),
        "nihr_150": pick(_("Longer than half a day: %(amount)s.", amount=money(amount)),
                         er("More than half a day. We pay %(amount)s.", amount=money(amount))),
        "nihr_300": pick(_("Longer than half a day, with a lot of getting ready: %(amount)s.", amount=money(amount)),
                         er("More than half a day, with a lot of getting ready. We pay %(amount)s.",
                            amount=money(amount))),
    }
    return words.get(priced.fee_code, money(amount))


def VOLUNTARY_WORDS() -> str:  # noqa: N802 (words, built per request in its language)
    return pick(_("This role is voluntary, so this claim is for expenses only."),
                er("This role is not paid. We pay your costs."))


def _held(visit: journeys.Visit) -> bool:
    """Has the person chosen to talk about benefits first? Then the fee is kept on hold, never £0."""
    return visit.values("time").get("payment_choice") == "benefits_talk"


def held_words(name: str | None = None) -> str:
    """The fee waits until the person has talked with the team (``name``: someone filling it in for them)."""
    if name:
        return pick(_("On hold until %(name)s has talked to us.", name=name),
                    er("We will keep this money for %(name)s until we have talked.", name=name))
    return pick(_("On hold until you have talked to us."), er("We will keep this money for you until we have talked."))


def released_words(status: str) -> str:
    """What the person chose for a held fee, after talking with the team, in their own words."""
    return {
        "on_hold": held_words(),
        "paid": pick(_("After talking with us, you chose to be paid for your time."),
                     er("You told us to pay you for your time.")),
        "paid_later": pick(_("After talking with us, you chose to be paid for your time later."),
                           er("You told us to pay you for your time later.")),
        "declined": pick(_("After talking with us, you chose not to be paid for your time this time."),
                         er("You told us you do not want money for your time this time.")),
    }.get(status, "")


def _fee_words(visit: journeys.Visit, priced: service.Priced | None) -> str:
    """The fee preview, with or without JavaScript: why this fee (and that it is on hold when the
    person wants to talk about benefits first); no fee for 0 hours; or what to fill in."""
    why = _why(priced, hours_value(visit.values("time").get("hours")))
    if why:
        return f"{why} {held_words(access.acting_name(_payee(visit.draft)))}" if _held(visit) else why
    if priced is not None and hours_value(visit.values("time").get("hours") or "x") == 0:
        return pick(_("No fee: 0 hours, so this claim is for expenses only."),
                    er("No money for time. You wrote 0 hours. We pay your costs."))
    return pick(_("Fill in the hours to see it."), er("Write the hours to see it."))


def _receipt_counts(public_id: str) -> dict[int | None, int]:
    rows = db.session().execute(select(Receipt.line_position, func.count()).where(Receipt.draft_id == public_id)
                                .group_by(Receipt.line_position)).all()
    return {position: int(n) for position, n in rows}


def _receipts(public_id: str) -> list[Receipt]:
    """The claim's receipts so far (read once per request: the page lists them, the check list counts them)."""
    return db.per_request(("receipts", public_id), lambda: list(db.session().scalars(
        select(Receipt).where(Receipt.draft_id == public_id).order_by(Receipt.id))))


def store_receipts(files: list[Any], owner: Contributor, draft_id: str | None = None,
                   claim_id: int | None = None, line_position: int | None = None) -> list[str]:
    """Clean and keep uploaded receipts; returns a message for each file refused."""
    problems = []
    limit = current_app.config["SETTINGS"].max_upload_mb * 1024 * 1024
    messages = {
        "type": lambda name: pick(
            _("“%(name)s” is not a photo or PDF. Choose a JPG, PNG, HEIC or PDF file.", name=name),
            er("We cannot use “%(name)s”. Choose a photo or a PDF file.", name=name)),
        "size": lambda name: pick(
            _("“%(name)s” is bigger than 10 MB. Take a new photo, or choose a smaller file.", name=name),
            er("“%(name)s” is too big. Take a new photo, or choose a smaller file.", name=name)),
        "empty": lambda name: pick(_("“%(name)s” is empty. Choose the file again.", name=name),
                                   er("“%(name)s” is empty. Choose the file again.", name=name)),
        "damaged": lambda name: pick(
            _("“%(name)s” could not be opened. Take a new photo, or choose the file again.", name=name),
            er("We could not open “%(name)s”. Take a new photo, or choose the file again.", name=name)),
        "pixels": lambda name: pick(
            _("“%(name)s” is too big a picture (over 50 megapixels). Take a new photo, "
              "or choose a smaller file.", name=name),
            er("“%(name)s” is too big. Take a new photo, or choose a smaller file.", name=name)),
        "locked": lambda name: pick(
            _("“%(name)s” needs a password to open, so we cannot read it. Take a photo of "
              "the receipt instead, or choose a copy without a password.", name=name),
            er("“%(name)s” needs a password, so we cannot open it. Take a photo of the receipt instead.",
               name=name)),
    }
    chosen = [f for f in files if f and f.filename]
    if len(chosen) > MAX_FILES:
        return [pick(_("Add up to 5 files at a time."), er("You can add up to 5 at a time."))]
    for upload in chosen:
        name = upload.filename.rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:100]
        try:
            clean = receipts.clean(upload.read(limit + 1), limit)
        except receipts.BadReceipt as bad:
            problems.append(messages[bad.reason](name))
            continue
        key = storage().save(clean.data, clean.suffix)
        db.session().add(Receipt(claim_id=claim_id, draft_id=draft_id, owner_id=owner.id, line_position=line_position,
                                 storage_key=key,
                                 content_type=clean.content_type, size=len(clean.data), name=name,
                                 created_at=utcnow()))
    db.forget("receipts")
    return problems  # the route that took the files commits


# --- the pages --------------------------------------------------------------------------------------

@bp.get("/claims/new")
@contributor_required
def new():  # type: ignore[no-untyped-def]
    return redirect(url_for("account.start_form", kind="claim"))


@bp.route("/claims/<public_id>/<page>", methods=["GET", "POST"])
@contributor_required
def page(public_id: str, page: str):  # type: ignore[no-untyped-def]
    return journeys.handle(journeys.Visit(JOURNEY, _draft(public_id), current_contributor()), page)


def _url(visit: journeys.Visit, step: str) -> str:
    return url_for("claims.page", public_id=visit.draft.public_id, page=step)


def _context(visit: journeys.Visit) -> dict[str, Any]:
    draft, payee = visit.draft, _payee(visit.draft)
    priced = _priced(visit)
    helping = access.acting_name(payee)
    return dict(journey_title=pick(_("Claim for payment and expenses"), er("Claim money for time and costs")),
                title_suffix=_("Claim"), payee=payee,
                priced=priced, why=_fee_words(visit, priced), receipts=_receipts(draft.public_id), helping_name=helping,
                helping=pick(_("You are filling this in for %(name)s. Payment goes to them.", name=helping),
                             er("You are filling this in for %(name)s. We pay them, not you.", name=helping))
                if helping else None,
                line_names=dict(_line_choices(visit)), rows=_check_rows(visit, priced),
                pay_now=(priced.total_pence - (priced.fee_pence if _held(visit) else 0)) if priced else 0,
                bank=accounts.masked_bank_details(payee))


def _setup_activity(form: Any, visit: journeys.Visit) -> None:
    form.activity.choices = _activity_choices(_payee(visit.draft))
    form.activity_date.validators = [*form.activity_date.validators, _priced_day]


def _priced_day(form: Any, field: Any) -> None:
    """A date before the first rates cannot be priced: say so on the date (and so, on the check
    page, as a step to finish), never with an error page."""
    from app.i18n import long_date

    first = service.first_priced_day()
    if isinstance(field.data, date) and first is not None and field.data < first:
        raise ValidationError(pick(
            _("We cannot pay for dates before %(date)s. Contact the team.", date=long_date(first)),
            er("We can only pay for days from %(date)s. Please ask us for help.", date=long_date(first))))


def _their_choices(name: str, isolate: bool = True) -> list[SelectChoice]:
    """The payment choices in the words of someone filling in the claim for ``name``."""
    words = [("paid", pick(_("Pay %(name)s for their time"), er("Yes, pay %(name)s for their time"))),
             ("waive", pick(_("%(name)s does not want to be paid for their time this time (expenses are still paid)"),
                            er("No, not this time. %(name)s still gets their costs back."))),
             ("benefits_talk", pick(
                 _("%(name)s would like to talk about how payment could affect their benefits first"),
                 er("%(name)s wants to talk first. Payment could change their benefits.")))]
    return [SelectChoice(value, named(text, name=name) if isolate else text % {"name": name})
            for value, text in words]


def _setup_time(form: Any, visit: journeys.Visit) -> None:
    """The page knows the claim's role: a voluntary role asks no payment choice; a session or task
    role asks how many (other roles do not)."""
    rate = _local_rate(visit)
    if rate is not None and rate.kind in COUNT_LABELS:
        form.quantity.label.text = COUNT_LABELS[rate.kind]
    else:
        del form.quantity
    if _role_pays(visit) == "voluntary":
        del form.payment_choice
        return
    name = access.acting_name(_payee(visit.draft))
    if name:
        form.payment_choice.label.text = pick(_("Payment for their time"),
                                              named(er("Does %(name)s want to be paid for their time?"), name=name))
        form.payment_choice.choices = _their_choices(name)


def _setup_expenses(form: Any, visit: journeys.Visit) -> None:
    offered = service.expense_rules()
    for entry in form.expenses:
        entry.form.kind.choices = [c for c in entry.form.kind.choices if c.value == "" or c.value in offered]


def _setup_receipts(form: Any, visit: journeys.Visit) -> None:
    form.line.choices = [SelectChoice(*choice) for choice in _line_choices(visit)] + list(form.line.choices)


def _add_receipts(visit: journeys.Visit, form: Any):  # type: ignore[no-untyped-def]
    """Receipts are kept as they are added (a file refused is listed, the others stay)."""
    public_id = visit.draft.public_id
    line = request.form.get("line", "")
    problems = store_receipts(request.files.getlist("files"), current_contributor(), draft_id=public_id,
                              line_position=int(line) if line.isdigit() and line in {c.value for c in form.line.choices}
                              else None)
    journeys.keep(visit.draft, "receipts", [])
    db.session().commit()
    if problems:
        form.files.errors = problems
        return journeys.render(visit, JOURNEY.step("receipts"), form)
    if request.form.get("add"):
        flash(pick(_("Receipts added."), er("We added your receipts.")))
        return redirect(_url(visit, "receipts"))
    return redirect(_url(visit, "check"))


def _expenses_moved(visit: journeys.Visit, form: Any, removed: int) -> None:
    """A row was removed: the lines below move up, so the person says again what each receipt is for."""
    db.session().execute(update(Receipt).where(Receipt.draft_id == visit.draft.public_id).values(line_position=None))


def _fee_now(visit: journeys.Visit) -> dict[str, Any]:
    return {"oob": [("fee-preview", _fee_words(visit, _priced(visit)))]}


#: The payment choice a claim starts from, from the person's profile preference.
FROM_PROFILE = {"paid": "paid", "voluntary": "waive", "benefits_talk": "benefits_talk"}


def _time_from_profile(visit: journeys.Visit) -> dict[str, Any]:
    choice = FROM_PROFILE.get(_payee(visit.draft).payment_preference or "")
    return {"payment_choice": choice} if choice else {}


JOURNEY = journeys.Journey(
    kind="claim",
    steps=[
        journeys.Step("activity", ActivityForm, "claims/activity.html", setup=_setup_activity,
                      title=lambda: pick(_("Say what the claim is for and when it was"),
                                         er("Say what the claim is for, and when it was."))),
        journeys.Step("time", TimeForm, "claims/time.html", saved=_fee_now, setup=_setup_time,
                      prefill=_time_from_profile,
                      title=lambda: pick(_("Say how long it took and whether you would like to be paid"),
                                         er("Say how long it took. Say if you want to be paid."))),
        journeys.Step("expenses", ExpensesForm, "claims/expenses.html", setup=_setup_expenses,
                      hook=journeys.add_another("expenses", on_remove=_expenses_moved),
                      title=lambda: pick(_("Check your expenses"), er("Check your costs."))),
        journeys.Step("receipts", ReceiptsForm, "claims/receipts.html", setup=_setup_receipts, hook=_add_receipts,
                      upload=True, required=False),
        journeys.Step("check", DeclareForm, "claims/check.html", check=True),
    ],
    url=_url, submit=lambda visit: _send(visit), context=_context)


def _check_rows(visit: journeys.Visit, priced: service.Priced | None) -> list[dict[str, Any]]:
    from app.i18n import long_date, money

    activity, time = visit.values("activity"), visit.values("time")
    choices = dict(_activity_choices(_payee(visit.draft)))
    what = activity.get("other_activity") if activity.get("activity") == "other" else choices.get(
        activity.get("activity") or "", "")
    day = activity.get("activity_date")

    def change(step: str) -> str:
        return _url(visit, step)

    name = access.acting_name(_payee(visit.draft))
    names = {c.value: str(c.label) for c in (_their_choices(name, isolate=False) if name else CHOICE_CHOICES)}
    paid = (pick(_("Payment for their time"), named(er("Does %(name)s want to be paid?"), name=name)) if name
            else pick(_("Payment for your time"), er("Do you want to be paid?")))
    return [
        {"question": pick(_("What it was for"), er("What it was for")), "answer": what,
         "change_url": change("activity")},
        {"question": pick(_("Date"), er("When it was")), "answer": long_date(date.fromisoformat(day)) if day else "",
         "change_url": change("activity")},
        {"question": pick(_("Hours, including getting ready"), er("Hours")), "answer": time.get("hours"),
         "change_url": change("time")},
        {"question": paid, "answer": names.get(time.get("payment_choice") or "", ""), "change_url": change("time")},
        {"question": pick(_("Fee"), er("Money for the time")),
         "answer": (f"{money(priced.fee_pence)}. {held_words(name)}" if _held(visit) else money(priced.fee_pence))
         if priced else "",
         "change_url": change("time")},
        {"question": pick(_("Expenses"), er("Money for costs")), "answer": money(priced.expenses_pence) if priced
         else "", "change_url": change("expenses")},
        {"question": pick(_("Receipts"), er("Receipts")), "answer": str(len(_receipts(visit.draft.public_id))),
         "change_url": change("receipts")},
    ]


def _send(visit: journeys.Visit):  # type: ignore[no-untyped-def]
    draft = visit.draft
    if not drafts.begin_sending(draft):  # sent by another tap or device a moment ago
        return redirect(url_for("claims.done", public_id=draft.public_id))
    activity, time = visit.values("activity"), visit.values("time")
    role_id = int(activity["activity"]) if activity.get("activity", "").isdigit() else None
    title = activity.get("other_activity") if role_id is None else dict(_activity_choices(_payee(draft))).get(
        activity["activity"], "")
    owner = current_contributor()
    payee = _payee(draft)
    by = access.actor_for(owner, payee)  # a supporter on behalf of the person, however they got here
    claim, made = service.submit(draft.public_id, payee, owner if owner.id != payee.id else None, {
        "activity": title, "activity_date": date.fromisoformat(activity["activity_date"]), "role_id": role_id,
        "hours": hours_value(time.get("hours")) or 0, "preparation": time.get("preparation") or "none",
        "quantity": _quantity(visit),
        "payment_choice": time.get("payment_choice") or "paid", "advance": bool(time.get("advance")),
        "expenses": _expense_items(visit)}, by)
    if made:
        draft.reference = claim.reference
        from app.claims import advances

        advances.net_off(claim, by)  # money paid before the meeting is taken off what this pays
        if claim.payment_choice == "benefits_talk":
            accounts.update_profile(payee, {"payment_preference": "benefits_talk"}, by=by,
                                    benefits_task=False)  # the claim's fee on hold made the task
        if payee.id != owner.id:  # the person hears what was sent in their name, and by whom
            accounts.tell_person(payee, "claim_sent", owner.display_name)
        notify.notify(owner, "form_received", {
            "title": claim.activity, "reference": claim.reference,
            "on_behalf_of": payee.display_name if payee.id != owner.id else None}, purpose="form_received")
    db.session().commit()  # the claim, the draft marked sent, the profile and the email: all or nothing
    return redirect(url_for("claims.done", public_id=draft.public_id))


@bp.get("/claims/<public_id>/done")
@contributor_required
def done(public_id: str):  # type: ignore[no-untyped-def]
    claim = db.session().scalar(select(Claim).where(Claim.idempotency_key == public_id))
    if claim is None or not _may_see_sent(claim):
        abort(404)
    return render_template("claims/done.html", claim=claim, payee=db.session().get(Contributor, claim.contributor_id),
                           may_see=_may_see(claim), pay_days=current_app.config["SETTINGS"].claim_pay_days)


@bp.post("/claims/<public_id>/receipts/<int:receipt_id>/delete")
@contributor_required
def delete_receipt(public_id: str, receipt_id: int):  # type: ignore[no-untyped-def]
    _draft(public_id)
    receipt = db.session().get(Receipt, receipt_id)
    if receipt is None or receipt.draft_id != public_id:
        abort(404)
    files.delete_after_commit([receipt.storage_key])  # the file goes once the row's deletion is committed
    db.session().delete(receipt)
    db.session().commit()
    flash(pick(_("Receipt removed."), er("We took away the receipt.")))
    return redirect(url_for("claims.page", public_id=public_id, page="receipts"))


# --- your claims --------------------------------------------------------------------------------------

@bp.get("/account/claims")
@contributor_required
def yours():  # type: ignore[no-untyped-def]
    """Your claims; or, for a supporter, the claims of the person acting for, or of the person
    named (``?person=``: the link on a supporter's home), when that person lets them see them."""
    me = current_contributor()
    chosen = request.args.get("person", type=int)
    person = db.session().get(Contributor, chosen) if chosen is not None else access.form_for()
    if person is None or not access.may(me, person.id, "see_claims"):
        abort(403)  # filling in forms for someone does not show their claims
    claims = db.session().scalars(select(Claim).where(Claim.contributor_id == person.id)
                                  .order_by(Claim.submitted_at.desc())).all()
    from app.claims import advance_routes, advances

    # tax year -> (fees, expenses, advances): only fees are income; advances are expenses paid before
    years: dict[int, tuple[int, int, int]] = {}
    for claim in claims:
        if claim.status in ("approved", "sent", "paid"):
            fees, expenses, before = years.get(claim.tax_year, (0, 0, 0))
            years[claim.tax_year] = (fees + claim.fee_pence, expenses + claim.expenses_pence, before)
    for year, pence in advances.paid_out_by_year(person.id).items():
        fees, expenses, before = years.get(year, (0, 0, 0))
        years[year] = (fees, expenses, before + pence)
    return render_template("claims/yours.html", claims=claims, person=person, advances=advances.for_person(person.id),
                           advance_status_names=advance_routes.status_words(),
                           years=sorted(years.items(), reverse=True), label=pricing.tax_year_label,
                           may_fill_in=access.may(me, person.id, "fill_in"))


def _payee_name(claim: Claim) -> str:
    person = db.session().get(Contributor, claim.contributor_id)
    return person.display_name if person else ""


def _claim_for_person(reference: str) -> Claim:
    claim = db.session().scalar(select(Claim).where(Claim.reference == reference))
    if claim is None or not _may_see(claim):
        abort(404)
    return claim


@bp.route("/account/claims/<reference>", methods=["GET", "POST"])
@contributor_required
def claim(reference: str):  # type: ignore[no-untyped-def]
    item = _claim_for_person(reference)
    me = current_contributor()
    may_reply = access.may(me, item.contributor_id, "reply")
    form = ReplyForm()
    problems: list[str] = []
    if request.method == "POST" and not may_reply:
        abort(403)
    if request.method == "POST" and item.status == "query" and form.validate_on_submit():
        problems = store_receipts(request.files.getlist("files"), me, claim_id=item.id)
        db.session().commit()  # the files that were fine are kept either way
        if not problems:
            payee = db.session().get(Contributor, item.contributor_id)
            service.reply(item, me, form.reply.data, access.actor_for(me, payee))
            if payee is not None and payee.id != me.id:
                accounts.tell_person(payee, "claim_reply", me.display_name)
            db.session().commit()
            flash(pick(_("Thank you. We have your answer and will look at your claim again."),
                       er("Thank you. We got your answer. We will look at your claim again.")))
            return redirect(url_for("claims.claim", reference=reference))
    session = db.session()
    lines = session.scalars(select(ClaimLine).where(ClaimLine.claim_id == item.id).order_by(ClaimLine.position)).all()
    messages = session.scalars(select(ClaimMessage).where(ClaimMessage.claim_id == item.id)
                               .order_by(ClaimMessage.id)).all()
    files = session.scalars(select(Receipt).where(Receipt.claim_id == item.id).order_by(Receipt.id)).all()
    hold = service.fee_hold(item)
    from app.claims import advances

    return render_template("claims/claim.html", claim=item, netted=advances.netted(item),
                           fee=hold.pence if hold and hold.status != "declined" else item.fee_pence,
                           fee_words=released_words(hold.status) if hold else "", lines=lines, messages=messages, files=files, form=form,
                           problems=problems, may_reply=may_reply, me_id=me.id,
                           payee=db.session().get(Contributor, item.contributor_id),
                           writers=service.writers(messages) | {item.contributor_id: _payee_name(item)})


@bp.get("/account/claims/<reference>/receipts/<int:receipt_id>")
@contributor_required
def receipt(reference: str, receipt_id: int):  # type: ignore[no-untyped-def]
    item = _claim_for_person(reference)
    row = db.session().get(Receipt, receipt_id)
    if row is None or row.claim_id != item.id:
        abort(404)
    return send_receipt(row)


#: Nothing in a receipt may run or load anything, even if a browser were fooled into rendering it.
RECEIPT_CSP = "default-src 'none'; img-src 'self'; sandbox; frame-ancestors 'none'"


def send_receipt(row: Receipt) -> Response:
    """A receipt, never cached, never sniffed, sandboxed: photos shown in the browser, PDFs downloaded
    (browsers will not show a PDF in a sandbox, and a download keeps any hidden script off this site)."""
    response = Response(storage().read(row.storage_key), mimetype=row.content_type)
    disposition = "attachment" if row.content_type == "application/pdf" else "inline"
    response.headers["Content-Disposition"] = f'{disposition}; filename="receipt-{row.id}{_suffix(row)}"'
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = RECEIPT_CSP
    return response


def _suffix(row: Receipt) -> str:
    return {"image/jpeg": ".jpg", "image/png": ".png", "application/pdf": ".pdf"}.get(row.content_type, "")

