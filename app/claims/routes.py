"""Making a claim (for yourself or someone you help) and following it: "Your claims".

The claim is a draft until it is sent: each page saves what was typed (valid or not);
receipts are cleaned and stored as they are added. Sending uses the draft's id as the
claim's idempotency key, so a double tap or a retry makes exactly one claim.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from app.forms import Form
from sqlalchemy import func, select, update
from wtforms.fields.choices import SelectChoice
from werkzeug.datastructures import MultiDict

from app import access, db, mail, storage as files
from app.account import drafts, service as accounts
from app.account.models import Contributor
from app.claims import pricing, privacy, receipts, service
from app.claims.forms import (
    CHOICE_CHOICES, EXPENSE_CHOICES, PREPARATION_CHOICES, VEHICLE_CHOICES, ActivityForm, DeclareForm, ExpensesForm,
    ReceiptsForm, ReplyForm, TimeForm, hours_value,
)
from app.claims.models import Claim, ClaimLine, ClaimMessage, Receipt
from app.db import utcnow
from app.htmx import partial
from app.interests.models import Interest
from app.roles import service as roles
from app.roles.models import Role
from app.security import contributor_required, current_contributor
from app.storage import storage

bp = Blueprint("claims", __name__)

PAGES = ("activity", "time", "expenses", "receipts", "check")
FORMS: dict[str, type[Form]] = {"activity": ActivityForm, "time": TimeForm, "expenses": ExpensesForm,
                                     "receipts": ReceiptsForm, "check": DeclareForm}
MAX_FILES = 5

assert privacy  # importing it registers claims with "your data" (export, erasure, retention)
drafts.register_kind("claim", lambda: _("A payment and expenses claim"),
                     lambda d: url_for("claims.page", public_id=d.public_id, page=d.page or "activity"))


@bp.context_processor
def _names() -> dict[str, Any]:
    def names(choices: list[Any]) -> dict[str, str]:
        return {c.value: c.label for c in choices}

    return {"expense_names": names(EXPENSE_CHOICES), "vehicle_names": names(VEHICLE_CHOICES),
            "claim_choice_names": names(CHOICE_CHOICES), "preparation_names": names(PREPARATION_CHOICES),
            "claim_status_names": status_words(), "accept": receipts.ACCEPT}


def status_words() -> dict[str, str]:  # built per request, in its language
    return {"submitted": _("Sent: waiting for the team"), "query": _("We have a question for you"),
            "approved": _("Approved"), "rejected": _("Not approved"), "sent": _("Sent for payment"),
            "paid": _("Paid")}


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
    person = db.session().get(Contributor, draft.subject_id or draft.owner_id)
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
    """Roles the person is interested in or came to a meeting of, then "something else"."""
    from app.meetings.models import Attendance, Meeting

    theirs = select(Interest.role_id).where(Interest.contributor_id == payee.id, Interest.status != "withdrawn")
    came = select(Meeting.role_id).join(Attendance, Attendance.meeting_id == Meeting.id).where(
        Attendance.contributor_id == payee.id)
    rows = db.session().scalars(select(Role).where(Role.id.in_(theirs) | Role.id.in_(came))
                                .order_by(Role.id)).all()
    return [(str(role.id), words["title"]) for role, words in roles.in_language_many(list(rows), _locale())] + [
        ("other", _("Something else"))]


def _locale() -> str:
    from app.i18n import current_language

    return current_language()


def _form(page: str, draft: drafts.Draft, formdata: Any = None) -> Form:
    saved = (draft.data or {}).get(page)
    if formdata is not None:
        form = FORMS[page](formdata=formdata, meta={"csrf": False})
    elif request.method == "POST":
        form = FORMS[page]()
    else:
        form = FORMS[page](data=_restore(page, saved) if saved else None)
    if page == "activity":
        form.activity.choices = _activity_choices(_payee(draft))
    if page == "receipts":
        form.line.choices = [SelectChoice(*choice) for choice in _line_choices(draft)] + list(form.line.choices)
    if page == "expenses":
        offered = service.expense_rules()
        for entry in form.expenses:
            entry.form.kind.choices = [c for c in entry.form.kind.choices if c.value == "" or c.value in offered]
    return form


def _restore(page: str, saved: dict[str, Any]) -> dict[str, Any]:
    values = dict(saved)
    if page == "activity" and values.get("activity_date"):
        values["activity_date"] = date.fromisoformat(values["activity_date"])
    return values


def _typed(form: Form) -> dict[str, Any]:
    """What was typed, as JSON for the draft."""
    values: dict[str, Any] = {}
    for name, field in form._fields.items():
        if name in ("csrf_token", "files"):
            continue
        data = field.data
        if isinstance(data, date):
            data = data.isoformat()
        values[name] = data
    return values


# --- working out the money ------------------------------------------------------------------------

def _expense_items(draft: drafts.Draft) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    counts = _receipt_counts(draft.public_id)
    for position, row in enumerate(_expense_rows(draft)):
        items.append({"kind": row["kind"], "pence": row.get("amount") or 0, "vehicle": row.get("vehicle") or "car",
                      "miles": hours_value(row.get("miles")) or 0, "passengers": int(hours_value(row.get("passengers"))
                                                                                      or 0),
                      "description": row.get("description") or "", "receipts": counts.get(position, 0)
                      + counts.get(None, 0)})
    return items


def _expense_rows(draft: drafts.Draft) -> list[dict[str, Any]]:
    """The expenses typed so far; a row's index here is its line's position on the claim."""
    return [row for row in (draft.data or {}).get("expenses", {}).get("expenses") or [] if row.get("kind")]


def _line_choices(draft: drafts.Draft) -> list[tuple[str, str]]:
    """Which expense a receipt is for, in the person's words."""
    from app.claims.forms import EXPENSE_CHOICES
    from app.i18n import money

    names = {c.value: str(c.label) for c in EXPENSE_CHOICES}
    choices = []
    for position, row in enumerate(_expense_rows(draft)):
        words = names.get(row["kind"], "")
        if row.get("description"):
            words += f": {row['description']}"
        if isinstance(row.get("amount"), int):
            words += f", {money(row['amount'])}"
        choices.append((str(position), words))
    return choices


def _priced(draft: drafts.Draft) -> service.Priced | None:
    data = draft.data or {}
    activity = data.get("activity", {})
    time = data.get("time", {})
    try:
        day = date.fromisoformat(activity["activity_date"])
    except (KeyError, TypeError, ValueError):
        day = date.today()
    hours = hours_value(time.get("hours")) or Decimal(0)
    try:
        return service.price(_payee(draft).id, day, hours, time.get("preparation") or "none", _expense_items(draft),
                             fee_wanted=(time.get("payment_choice") or "paid") == "paid")
    except (LookupError, ValueError, KeyError):
        return None


def _why(priced: service.Priced | None) -> str:
    """Why this fee, in plain words."""
    if priced is None or not priced.fee_code:
        return ""
    from app.i18n import money

    amount = priced.fee_pence

    words = {
        "nihr_25": _("About an hour or less, with little or no getting ready: %(amount)s.", amount=money(amount)),
        "nihr_75": _("Up to about half a day, or it needed getting ready: %(amount)s.", amount=money(amount)),
        "nihr_150": _("Longer than half a day: %(amount)s.", amount=money(amount)),
        "nihr_300": _("Longer than half a day, with a lot of getting ready: %(amount)s.", amount=money(amount)),
    }
    return words.get(priced.fee_code, money(amount))


def _receipt_counts(public_id: str) -> dict[int | None, int]:
    rows = db.session().execute(select(Receipt.line_position, func.count()).where(Receipt.draft_id == public_id)
                                .group_by(Receipt.line_position)).all()
    return {position: int(n) for position, n in rows}


def _unlink_receipts(public_id: str) -> None:
    db.session().execute(update(Receipt).where(Receipt.draft_id == public_id).values(line_position=None))


def _receipts(public_id: str) -> list[Receipt]:
    return list(db.session().scalars(select(Receipt).where(Receipt.draft_id == public_id).order_by(Receipt.id)))


def store_receipts(files: list[Any], owner: Contributor, draft_id: str | None = None,
                   claim_id: int | None = None, line_position: int | None = None) -> list[str]:
    """Clean and keep uploaded receipts; returns a message for each file refused."""
    problems = []
    limit = current_app.config["SETTINGS"].max_upload_mb * 1024 * 1024
    messages = {
        "type": lambda name: _("“%(name)s” is not a photo or PDF. Choose a JPG, PNG, HEIC or PDF file.", name=name),
        "size": lambda name: _("“%(name)s” is bigger than 10 MB. Take a new photo, or choose a smaller file.",
                               name=name),
        "empty": lambda name: _("“%(name)s” is empty. Choose the file again.", name=name),
        "damaged": lambda name: _("“%(name)s” could not be opened. Take a new photo, or choose the file again.",
                                  name=name),
        "active": lambda name: _("“%(name)s” has scripts in it, so we cannot take it. Take a photo of the "
                                 "receipt instead, or choose another file.", name=name),
    }
    chosen = [f for f in files if f and f.filename]
    if len(chosen) > MAX_FILES:
        return [_("Add up to 5 files at a time.")]
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
    db.session().commit()
    return problems


# --- the pages --------------------------------------------------------------------------------------

@bp.get("/claims/new")
@contributor_required
def new():  # type: ignore[no-untyped-def]
    return redirect(url_for("account.start_form", kind="claim"))


@bp.route("/claims/<public_id>/<page>", methods=["GET", "POST"])
@contributor_required
def page(public_id: str, page: str):  # type: ignore[no-untyped-def]
    if page not in FORMS:
        abort(404)
    draft = _draft(public_id)
    form = _form(page, draft)
    errors: list[str] = []
    unfinished: list[tuple[str, str]] = []
    if request.method == "POST":
        if page == "receipts":
            from flask_wtf.csrf import validate_csrf

            validate_csrf(request.form.get("csrf_token"))
            line = request.form.get("line", "")
            errors = store_receipts(request.files.getlist("files"), current_contributor(), draft_id=public_id,
                                    line_position=int(line) if line in {c.value for c in form.line.choices} and line.isdigit()
                                    else None)
            drafts.save_page(draft, page, {})
            if errors:
                pass  # shown on the page, with the receipts already kept
            elif request.form.get("add"):
                flash(_("Receipts added."))
                return redirect(url_for("claims.page", public_id=public_id, page="receipts"))
            else:
                return redirect(url_for("claims.page", public_id=public_id, page="check"))
        elif page == "expenses" and ("add-expenses" in request.form or "remove-expenses" in request.form):
            rows = list(_typed(form).get("expenses") or [])
            if "add-expenses" in request.form:
                rows.append({})
            else:
                index = request.form.get("remove-expenses", -1, type=int)
                rows = [r for i, r in enumerate(rows) if i != index]
                _unlink_receipts(public_id)  # the lines move up: the person says again what each is for
            drafts.save_page(draft, page, {"expenses": rows})
            return redirect(url_for("claims.page", public_id=public_id, page="expenses") + "#expenses")
        elif page != "check":
            drafts.save_page(draft, page, _typed(form))  # never lose what was typed, valid or not
            if partial():
                return render_template("claims/_saved.html", time=utcnow().strftime("%H:%M"),
                                       why=_why(_priced(draft)) if page == "time" else None)
            if form.validate():
                return redirect(url_for("claims.page", public_id=public_id, page=PAGES[PAGES.index(page) + 1]))
        elif form.validate():
            unfinished = _unfinished(draft)
            if not unfinished:
                return _send(draft)
        else:
            unfinished = _unfinished(draft)
    priced = _priced(draft)
    context = dict(form=form, draft=draft, page=page, payee=_payee(draft), priced=priced, why=_why(priced),
                   errors=errors, receipts=_receipts(public_id),
                   line_names=dict(_line_choices(draft)) if page == "receipts" else {}, step=(PAGES.index(page) + 1, len(PAGES)),
                   back=PAGES[PAGES.index(page) - 1] if page != PAGES[0] else None,
                   helping=_payee(draft).display_name if draft.subject_id and draft.subject_id != draft.owner_id
                   else None)
    if page == "check":
        context.update(rows=_check_rows(draft, priced), unfinished=unfinished,
                       bank=accounts.masked_bank_details(_payee(draft)))
    return render_template(f"claims/{page}.html", **context)


def _unfinished(draft: drafts.Draft) -> list[tuple[str, str]]:
    missing = []
    labels = {"activity": _("Say what the claim is for and when it was"),
              "time": _("Say how long it took and whether you would like to be paid"),
              "expenses": _("Check your expenses")}
    for page in ("activity", "time", "expenses"):
        saved = (draft.data or {}).get(page)
        if page == "expenses" and not saved:
            continue
        form = _form(page, draft, formdata=MultiDict(_formdata(page, saved or {})))
        if not form.validate():
            missing.append((labels[page], url_for("claims.page", public_id=draft.public_id, page=page)))
    return missing


def _formdata(page: str, saved: dict[str, Any]) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for key, value in saved.items():
        if page == "activity" and key == "activity_date" and value:
            day = date.fromisoformat(value)
            pairs += [("activity_date-day", str(day.day)), ("activity_date-month", str(day.month)),
                      ("activity_date-year", str(day.year))]
        elif page == "expenses" and key == "expenses":
            for i, row in enumerate(value or []):
                for k, v in (row or {}).items():
                    if v not in (None, ""):
                        pairs.append((f"expenses-{i}-{k}", f"{v / 100:.2f}" if k == "amount" else str(v)))
        elif isinstance(value, list):
            pairs += [(key, str(v)) for v in value]
        elif value is not None:
            pairs.append((key, str(value)))
    return pairs


def _check_rows(draft: drafts.Draft, priced: service.Priced | None) -> list[dict[str, Any]]:
    from app.i18n import long_date, money

    data = draft.data or {}
    activity, time = data.get("activity", {}), data.get("time", {})
    choices = dict(_activity_choices(_payee(draft)))
    what = activity.get("other_activity") if activity.get("activity") == "other" else choices.get(
        activity.get("activity") or "", "")
    day = activity.get("activity_date")

    def change(page: str) -> str:
        return url_for("claims.page", public_id=draft.public_id, page=page)

    names = {c.value: str(c.label) for c in CHOICE_CHOICES}
    return [
        {"question": _("What it was for"), "answer": what, "change_url": change("activity")},
        {"question": _("Date"), "answer": long_date(date.fromisoformat(day)) if day else "",
         "change_url": change("activity")},
        {"question": _("Hours, including getting ready"), "answer": time.get("hours"), "change_url": change("time")},
        {"question": _("Payment for your time"), "answer": names.get(time.get("payment_choice") or "", ""),
         "change_url": change("time")},
        {"question": _("Fee"), "answer": money(priced.fee_pence) if priced else "", "change_url": change("time")},
        {"question": _("Expenses"), "answer": money(priced.expenses_pence) if priced else "",
         "change_url": change("expenses")},
        {"question": _("Receipts"), "answer": str(len(_receipts(draft.public_id))), "change_url": change("receipts")},
    ]


def _send(draft: drafts.Draft):  # type: ignore[no-untyped-def]
    if not drafts.begin_sending(draft):  # sent by another tap or device a moment ago
        return redirect(url_for("claims.done", public_id=draft.public_id))
    data = draft.data or {}
    activity, time = data["activity"], data["time"]
    role_id = int(activity["activity"]) if activity.get("activity", "").isdigit() else None
    title = activity.get("other_activity") if role_id is None else dict(_activity_choices(_payee(draft))).get(
        activity["activity"], "")
    owner = current_contributor()
    payee = _payee(draft)
    by = access.actor_for(owner, payee)  # a supporter on behalf of the person, however they got here
    claim, made = service.submit(draft.public_id, payee, owner if owner.id != payee.id else None, {
        "activity": title, "activity_date": date.fromisoformat(activity["activity_date"]), "role_id": role_id,
        "hours": hours_value(time.get("hours")) or 0, "preparation": time.get("preparation") or "none",
        "payment_choice": time.get("payment_choice") or "paid", "advance": bool(time.get("advance")),
        "expenses": _expense_items(draft)}, by)
    if made:
        draft.reference = claim.reference
        if claim.payment_choice == "benefits_talk":
            accounts.update_profile(payee, {"payment_preference": "benefits_talk"}, by=by)
        if payee.id != owner.id:  # the person hears what was sent in their name, and by whom
            accounts.tell_person(payee, "claim_sent", owner.display_name)
        if owner.email:
            mail.compose("form_received", to=owner.email, locale=owner.language,
                         easy_read=owner.easy_read, purpose="form_received", contributor_id=owner.id,
                         title=claim.activity, reference=claim.reference,
                         on_behalf_of=payee.display_name if payee.id != owner.id else None)
    db.session().commit()  # the claim, the draft marked sent, the profile and the email: all or nothing
    return redirect(url_for("claims.done", public_id=draft.public_id))


@bp.get("/claims/<public_id>/done")
@contributor_required
def done(public_id: str):  # type: ignore[no-untyped-def]
    claim = db.session().scalar(select(Claim).where(Claim.idempotency_key == public_id))
    if claim is None or not _may_see_sent(claim):
        abort(404)
    return render_template("claims/done.html", claim=claim,
                           pay_days=current_app.config["SETTINGS"].claim_pay_days)


@bp.post("/claims/<public_id>/receipts/<int:receipt_id>/delete")
@contributor_required
def delete_receipt(public_id: str, receipt_id: int):  # type: ignore[no-untyped-def]
    from flask_wtf.csrf import validate_csrf

    validate_csrf(request.form.get("csrf_token"))
    _draft(public_id)
    receipt = db.session().get(Receipt, receipt_id)
    if receipt is None or receipt.draft_id != public_id:
        abort(404)
    files.delete_after_commit([receipt.storage_key])  # the file goes once the row's deletion is committed
    db.session().delete(receipt)
    db.session().commit()
    flash(_("Receipt removed."))
    return redirect(url_for("claims.page", public_id=public_id, page="receipts"))


# --- your claims --------------------------------------------------------------------------------------

@bp.get("/account/claims")
@contributor_required
def yours():  # type: ignore[no-untyped-def]
    person = g.get("acting_for") or current_contributor()
    if not access.may(current_contributor(), person.id, "see_claims"):
        abort(403)  # filling in forms for someone does not show their claims
    claims = db.session().scalars(select(Claim).where(Claim.contributor_id == person.id)
                                  .order_by(Claim.submitted_at.desc())).all()
    years: dict[int, int] = {}
    for claim in claims:
        if claim.status in ("approved", "sent", "paid"):
            years[claim.tax_year] = years.get(claim.tax_year, 0) + claim.total_pence
    return render_template("claims/yours.html", claims=claims, person=person,
                           years=sorted(years.items(), reverse=True), label=pricing.tax_year_label)


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
        if not problems:
            payee = db.session().get(Contributor, item.contributor_id)
            service.reply(item, me, form.reply.data, access.actor_for(me, payee))
            if payee is not None and payee.id != me.id:
                accounts.tell_person(payee, "claim_reply", me.display_name)
            db.session().commit()
            flash(_("Thank you. We have your answer and will look at your claim again."))
            return redirect(url_for("claims.claim", reference=reference))
    session = db.session()
    lines = session.scalars(select(ClaimLine).where(ClaimLine.claim_id == item.id).order_by(ClaimLine.position)).all()
    messages = session.scalars(select(ClaimMessage).where(ClaimMessage.claim_id == item.id)
                               .order_by(ClaimMessage.id)).all()
    files = session.scalars(select(Receipt).where(Receipt.claim_id == item.id).order_by(Receipt.id)).all()
    return render_template("claims/claim.html", claim=item, lines=lines, messages=messages, files=files, form=form,
                           problems=problems, may_reply=may_reply, me_id=me.id,
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

