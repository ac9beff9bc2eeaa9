"""Staff processing of claims: a queue that pages in the database, one claim's page with its
receipts and history, and the actions (assign, query, approve, reject, mark paid), one by
one or in bulk after a confirm page. Every change goes through ``service.transition``.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import func, or_, select

from app import audit, db
from app.account.models import Contributor
from app.audit import AuditEvent
from app.claims import advances, pricing, service
from app.claims.forms import (
    ApproveForm, PaidForm, QueryForm, QueueFilterForm, RecoverReasonForm, RejectForm, ReleaseFeeForm,
)
from app.claims.models import Claim, ClaimLine, ClaimMessage, Receipt
from app.claims.routes import status_words, send_receipt
from app.db import utcnow
from app.htmx import partial
from app.security import current_staff, role_required

bp = Blueprint("claims_staff", __name__, url_prefix="/staff/claims")

PER_PAGE = 50
COUNT_LIMIT = 1000  # above this the queue says "more than 1,000": counting 100k rows on every load is slow
WAITING = ("submitted",)
OPEN = ("submitted", "query", "approved", "sent")


@bp.context_processor
def _names() -> dict[str, Any]:
    from app.claims.forms import EXPENSE_CHOICES, VEHICLE_CHOICES

    return {"claim_status_names": status_words(),  # staff read standard words
            "expense_names": {c.value: c.label.standard for c in EXPENSE_CHOICES},
            "vehicle_names": {c.value: c.label.standard for c in VEHICLE_CHOICES}}


def _overdue_before() -> Any:
    return utcnow() - timedelta(days=current_app.config["SETTINGS"].claim_pay_days)


def queue_queries(filters: QueueFilterForm, page: int = 1) -> tuple[Any, Any]:
    """The queries behind a page of the queue: that page's rows (claim, payee name; one more
    than a page, to tell whether there is a next) and how many claims match, counted up to
    ``COUNT_LIMIT + 1`` so a queue of 100k costs no more than one of 1k. bench/staff_queue.py
    prints their plans."""
    query = select(Claim, Contributor.name).join(Contributor, Contributor.id == Claim.contributor_id)
    status = filters.status.data or ""
    if status == "":
        query = query.where(Claim.status.in_(WAITING))
    elif status != "all":
        query = query.where(Claim.status == status)
    if filters.q.data:
        text = filters.q.data.strip()
        query = query.where(or_(Claim.reference == text.upper(), Contributor.name.ilike(f"%{text}%")))
    if (filters.role.data or "").isdigit():
        query = query.where(Claim.role_id == int(filters.role.data))
    if filters.assignee.data == "me":
        query = query.where(Claim.assignee_id == current_staff().id)
    elif filters.assignee.data == "none":
        query = query.where(Claim.assignee_id.is_(None))
    if filters.overdue.data == "yes":
        query = query.where(Claim.status.in_(OPEN), Claim.submitted_at < _overdue_before())
    elif (filters.overdue.data or "").isdigit():  # waiting longer than so many days
        query = query.where(Claim.submitted_at < utcnow() - timedelta(days=int(filters.overdue.data)))
    count = select(func.count()).select_from(query.with_only_columns(Claim.id).limit(COUNT_LIMIT + 1).subquery())
    order = {"newest": (Claim.submitted_at.desc(), Claim.id.desc()),
             "amount": (Claim.total_pence.desc(), Claim.id)}.get(filters.sort.data or "", (Claim.submitted_at,
                                                                                          Claim.id))
    return query.order_by(*order).limit(PER_PAGE + 1).offset((page - 1) * PER_PAGE), count


def _queue(filters: QueueFilterForm, page: int) -> tuple[list[Any], int, bool]:
    """One page of the queue, how many claims match (up to ``COUNT_LIMIT + 1``), and whether
    there is a next page."""
    rows_query, count_query = queue_queries(filters, page)
    total = db.session().scalar(count_query) or 0
    rows = db.session().execute(rows_query).all()
    return list(rows[:PER_PAGE]), int(total), len(rows) > PER_PAGE


@bp.get("/")
@role_required("admin", "officer", "finance")
def queue():  # type: ignore[no-untyped-def]
    filters = QueueFilterForm(formdata=request.args)
    from app.roles.models import Role

    has_claims = select(Claim.id).where(Claim.role_id == Role.id).exists()  # an index lookup per role
    filters.role.choices = filters.role.choices[:1] + [
        (str(r.id), r.title) for r in db.session().scalars(select(Role).where(has_claims).order_by(Role.title))]
    page = max(request.args.get("page", type=int) or 1, 1)
    rows, total, more = _queue(filters, page)
    holds = service.fee_holds([claim.id for claim, _name in rows])
    args = {k: v for k, v in request.args.items() if k != "page"}
    template = "claims/staff/_queue.html" if partial() and request.headers.get("HX-Target") == "claim-rows" \
        else "claims/staff/queue.html"
    return render_template(template, rows=rows, total=total, filters=filters, page=page, args=args, more=more,
                           pages=max((total + PER_PAGE - 1) // PER_PAGE, 1), overdue_before=_overdue_before(),
                           count_limit=COUNT_LIMIT, holds=holds, hold_words=_hold_words())


# --- one claim -----------------------------------------------------------------------------------

def _claim(claim_id: int) -> Claim:
    return db.get_or_404(Claim, claim_id)


def _lines(claim: Claim) -> list[ClaimLine]:
    return list(db.session().scalars(select(ClaimLine).where(ClaimLine.claim_id == claim.id)
                                     .order_by(ClaimLine.position)))


def _approve_form(claim: Claim, lines: list[ClaimLine], **kwargs: Any) -> ApproveForm:
    """The amounts to pay, in the order of the page: the fee, then each expense. A fee on hold is
    not staff's to set: it waits for what the person chooses (``service.release_fee``)."""
    hold = service.fee_hold(claim)
    fee = {"fee": claim.fee_pence} if hold is None or hold.status == "paid" else {}
    return ApproveForm.for_claim(fee | {line.id: line.allowed_pence for line in lines}, **kwargs)


def _choice_words() -> dict[str, str]:
    return {"paid": _("Wants to be paid for their time"), "waive": _("Does not want the fee this time"),
            "benefits_talk": _("Talk about benefits first"),
            "voluntary": _("A voluntary role: expenses only")}


def _rate_of(claim: Claim) -> dict[str, Any]:
    """The local rate a claim was priced with (its own version's words and amount), and the name of
    a role's local rate that was not yet on the card of the claim's date (so the tier priced it)."""
    from app.claims.forms import rate_words

    if not claim.rate_missing and (not claim.fee_code or claim.fee_code in pricing.TIERS
                                   or claim.fee_code == "voluntary"):
        return {"local_rate": None, "missing_rate": ""}
    cards = service.rate_cards()
    named = {r.code: r for card in cards for r in card.rates}  # the latest words of each code
    card = next((c for c in cards if c.version == claim.rate_card_version), None)
    rate = next((r for r in card.rates if r.code == claim.fee_code), None) if card else None
    missing = named.get(claim.rate_missing)
    return {"local_rate": (rate, rate_words(rate.kind, rate.pence)) if rate else None,
            "missing_rate": (missing.label or missing.code) if missing else claim.rate_missing}


def _hold_words() -> dict[str, str]:
    return {"on_hold": _("fee on hold"), "paid": _("the person chose to be paid"),
            "paid_later": _("the person chose to be paid later"),
            "declined": _("the person chose not to be paid")}


def _event_words() -> dict[str, str]:  # built per request, in its language
    return {"claim.submitted": _("Claim sent"), "claim.query": _("Question asked"),
            "claim.replied": _("Answer from the person"), "claim.approved": _("Approved"),
            "claim.first_approval": _("Approved for more than was claimed: waiting for a second approval"),
            "claim.rejected": _("Not approved"), "claim.sent": _("Sent for payment"), "claim.paid": _("Paid"),
            "claim.assigned": _("Assigned"),
            "claim.repriced": _("Priced again: a claim for an earlier date arrived"),
            "claim.mileage_differs": _("Mileage now comes to a different amount"),
            "receipt.viewed": _("Receipt viewed")}


def _history(events: list[AuditEvent], staff_names: dict[int, str], payee: Contributor | None
             ) -> list[dict[str, Any]]:
    """A claim's history in words: when, what happened and who did it (never the trail's codes)."""
    ids = {e.actor_id for e in events if e.actor_type in ("contributor", "supporter") and e.actor_id}
    names = {p.id: p.display_name for p in db.session().scalars(select(Contributor).where(Contributor.id.in_(ids)))}
    words = _event_words()

    def who(event: AuditEvent) -> str:
        if event.actor_type == "staff":
            return staff_names.get(event.actor_id or 0, _("A member of staff"))
        if event.actor_type == "contributor":
            return names.get(event.actor_id or 0, "")
        if event.actor_type == "supporter":
            return _("%(writer)s, on behalf of %(person)s", writer=names.get(event.actor_id or 0, ""),
                     person=payee.display_name if payee else "")
        return _("Done automatically")

    return [{"at": e.at, "what": words.get(e.action, e.action), "who": who(e)} for e in events]


def _detail(claim: Claim, code: int = 200, **forms: Any):  # type: ignore[no-untyped-def]
    session = db.session()
    people = {p.id: p for p in session.scalars(select(Contributor).where(
        Contributor.id.in_([i for i in (claim.contributor_id, claim.submitted_by_id) if i])))}
    history = session.scalars(select(AuditEvent).where(AuditEvent.record_type == "claim",
                                                       AuditEvent.record_id == str(claim.id))
                              .order_by(AuditEvent.id)).all()
    staff_names = {s.id: s.name or s.email for s in service.staff_users()}
    lines = _lines(claim)
    messages = session.scalars(select(ClaimMessage).where(ClaimMessage.claim_id == claim.id)
                               .order_by(ClaimMessage.id)).all()
    context = dict(
        claim=claim, lines=lines, payee=people.get(claim.contributor_id),
        helper=people.get(claim.submitted_by_id or 0), staff_names=staff_names,
        history=_history(list(history), staff_names, people.get(claim.contributor_id)),
        files_by_line=_files_by_line(claim, lines),
        messages=messages, writers=service.writers(list(messages)),
        query_form=forms.get("query_form") or QueryForm(), reject_form=forms.get("reject_form") or RejectForm(),
        paid_form=forms.get("paid_form") or PaidForm(),
        approve_form=forms.get("approve_form") or _approve_form(claim, lines, formdata=None),
        overdue=claim.status in OPEN and claim.submitted_at < _overdue_before(),
        own=service.own_claim(current_staff(), claim),
        conflict=service.conflict(current_staff(), claim), four_eyes_days=current_app.config["SETTINGS"].four_eyes_days,
        mileage_now=service.mileage_now(claim), **_rate_of(claim),
        choice_words=_choice_words(), hold=service.fee_hold(claim), hold_words=_hold_words(),
        fee_choices=service.fee_choices(claim, current_staff()),
        fee_form=forms.get("fee_form") or ReleaseFeeForm(), netted=advances.netted(claim),
        recover_form=forms.get("recover_form") or RecoverReasonForm(),
    )
    offered = context["fee_choices"]
    context["fee_form"].outcome.choices = [c for c in context["fee_form"].outcome.choices if c.value in offered]
    return render_template("claims/staff/claim.html", **context), code


def _files_by_line(claim: Claim, lines: list[ClaimLine]) -> dict[int | None, list[Receipt]]:
    """The claim's receipts, by the expense line they were added for (``None``: not said)."""
    positions = {line.position for line in lines}
    grouped: dict[int | None, list[Receipt]] = {}
    for file in db.session().scalars(select(Receipt).where(Receipt.claim_id == claim.id).order_by(Receipt.id)):
        grouped.setdefault(file.line_position if file.line_position in positions else None, []).append(file)
    return grouped


@bp.get("/<int:claim_id>")
@role_required("admin", "officer", "finance")
def claim(claim_id: int):  # type: ignore[no-untyped-def]
    return _detail(_claim(claim_id))


@bp.get("/<int:claim_id>/receipts/<int:receipt_id>")
@role_required("admin", "officer", "finance")
def receipt(claim_id: int, receipt_id: int):  # type: ignore[no-untyped-def]
    row = db.session().get(Receipt, receipt_id)
    if row is None or row.claim_id != claim_id:
        abort(404)
    staff = current_staff()
    audit.record("receipt.viewed", "claim", claim_id, actor=("staff", staff.id, staff.email),
                 after={"receipt": receipt_id})
    db.session().commit()
    return send_receipt(row)


@bp.post("/<int:claim_id>/assign")
@role_required("admin", "officer", "finance")
def assign(claim_id: int):  # type: ignore[no-untyped-def]
    item = _claim(claim_id)
    staff = current_staff()
    item.assignee_id = None if request.form.get("to") == "nobody" else staff.id
    audit.record("claim.assigned", "claim", item.id, actor=("staff", staff.id, staff.email),
                 after={"assignee": item.assignee_id})
    db.session().commit()
    return redirect(url_for("claims_staff.claim", claim_id=item.id))


@bp.post("/<int:claim_id>/query")
@role_required("admin", "officer")
def query(claim_id: int):  # type: ignore[no-untyped-def]
    item = _claim(claim_id)
    form = QueryForm()
    if not form.validate_on_submit():
        return _detail(item, 400, query_form=form)
    return _act(item, "query", note=form.note.data)


@bp.post("/<int:claim_id>/reject")
@role_required("admin", "officer")
def reject(claim_id: int):  # type: ignore[no-untyped-def]
    item = _claim(claim_id)
    form = RejectForm()
    if not form.validate_on_submit():
        return _detail(item, 400, reject_form=form)
    return _act(item, "rejected", note=form.reason.data)


@bp.post("/<int:claim_id>/approve")
@role_required("admin", "officer")
def approve(claim_id: int):  # type: ignore[no-untyped-def]
    item = _claim(claim_id)
    form = _approve_form(item, _lines(item))
    if not form.validate_on_submit():
        return _detail(item, 400, approve_form=form)
    changes = form.changes()
    fee = changes.pop("fee", None)
    return _act(item, "approved", line_changes=changes, fee_change=fee)


@bp.post("/<int:claim_id>/fee")
@role_required("admin", "officer")
def fee(claim_id: int):  # type: ignore[no-untyped-def]
    """Record what the person chose for their fee on hold, after talking with the team."""
    item = _claim(claim_id)
    form = ReleaseFeeForm()
    if not form.validate_on_submit():
        return _detail(item, 400, fee_form=form)
    try:
        service.release_fee(item, form.outcome.data, current_staff())
    except service.NotAllowed:
        flash(_("That change is not allowed for this claim, or not for your role."), "error")
        return redirect(url_for("claims_staff.claim", claim_id=item.id))
    db.session().commit()
    flash(_("Claim %(reference)s: the person's choice is recorded.", reference=item.reference))
    return redirect(url_for("claims_staff.claim", claim_id=item.id))


@bp.post("/<int:claim_id>/sent")
@role_required("admin", "finance")
def sent(claim_id: int):  # type: ignore[no-untyped-def]
    """Sent for payment by hand (the finance export does this for every claim in it)."""
    return _act(_claim(claim_id), "sent")


@bp.post("/<int:claim_id>/paid")
@role_required("admin", "finance")
def paid(claim_id: int):  # type: ignore[no-untyped-def]
    item = _claim(claim_id)
    form = PaidForm()
    if not form.validate_on_submit():
        return _detail(item, 400, paid_form=form)
    return _act(item, "paid", paid_on=form.paid_on.data, payment_reference=form.payment_reference.data or "")


def _act(item: Claim, to: str, **kwargs: Any):  # type: ignore[no-untyped-def]
    try:
        service.transition(item, to, current_staff(), **kwargs)
    except service.NotAllowed:
        flash(_("That change is not allowed for this claim, or not for your role."), "error")
        return redirect(url_for("claims_staff.claim", claim_id=item.id))
    if to == "approved" and item.status != "approved":
        flash(_("Claim %(reference)s pays more than was claimed, so a second member of staff must approve it too.",
                reference=item.reference))
    else:
        flash(_("Claim %(reference)s: %(status)s.", reference=item.reference, status=status_words()[item.status]))
    return redirect(url_for("claims_staff.claim", claim_id=item.id))


# --- bulk ---------------------------------------------------------------------------------------------

BULK = {"approve": ("approved", ("admin", "officer")), "paid": ("paid", ("admin", "finance"))}


@bp.post("/bulk")
@role_required("admin", "officer", "finance")
def bulk():  # type: ignore[no-untyped-def]
    """Approve or mark paid several claims: first a page listing them to confirm, then the change."""
    from datetime import date

    action = request.form.get("action", "")
    if action not in BULK or current_staff().role not in BULK[action][1]:
        abort(403)
    ids = [int(i) for i in request.form.getlist("claim") if i.isdigit()][:PER_PAGE]
    claims = list(db.session().scalars(select(Claim).where(Claim.id.in_(ids)).order_by(Claim.id))) if ids else []
    if not claims:
        flash(_("Choose at least one claim."), "error")
        return redirect(url_for("claims_staff.queue"))
    if request.form.get("confirmed") != "yes":
        return render_template("claims/staff/bulk.html", claims=claims, action=action,
                               total=sum(c.total_pence for c in claims))
    done = 0
    for item in claims:
        try:
            service.transition(item, BULK[action][0], current_staff(), paid_on=date.today())
            done += 1
        except service.NotAllowed:
            db.session().rollback()
    flash(ngettext("%(done)s of %(num)s claim changed. Any others were not allowed (for example your own claim).",
                   "%(done)s of %(num)s claims changed. Any others were not allowed (for example your own claim).",
                   len(claims), done=done))
    return redirect(url_for("claims_staff.queue"))


@bp.post("/<int:claim_id>/recover")
@role_required("admin", "officer")
def recover_reason(claim_id: int):  # type: ignore[no-untyped-def]
    """Why the money left over after netting off a claim is to be paid back (the person sees it)."""
    claim = _claim(claim_id)
    form = RecoverReasonForm()
    if not form.validate_on_submit():
        return _detail(claim, 400, recover_form=form)
    try:
        advances.recover_reason(claim, form.recover_reason.data, current_staff())
    except advances.NotAllowed:
        db.session().rollback()
        flash(_("There is nothing to recover on this claim."), "error")
        return redirect(url_for("claims_staff.claim", claim_id=claim.id))
    db.session().commit()
    flash(_("Saved. The person will see why on their claim."))
    return redirect(url_for("claims_staff.claim", claim_id=claim.id))
