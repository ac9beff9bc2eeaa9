"""Staff pages for money: the rate card (admins change it), and the finance export and totals."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from typing import Any

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import select

from app import access, audit, db
from app.claims import export, pricing, service
from app.claims.forms import (
    KIND_CHOICES, ExpenseRulesForm, MileageRatesForm, OneRateForm, RateCardForm, rate_words, tier_labels,
)
from app.claims.models import PaymentBatch
from app.security import current_staff, role_required

bp = Blueprint("finance", __name__, url_prefix="/staff")



@bp.context_processor
def _names() -> dict[str, Any]:
    from app.claims.forms import EXPENSE_CHOICES

    # Each card's tiers are named with that card's amounts (``tier_labels(card.tier_amounts())``).
    return {"tier_labels": tier_labels, "kind_names": {c.value: c.label for c in KIND_CHOICES},
            "expense_names": {c.value: c.label.standard for c in EXPENSE_CHOICES}}  # staff read standard words


@bp.route("/rates", methods=["GET", "POST"])
@role_required("admin", "officer", "finance")
def rates():  # type: ignore[no-untyped-def]
    """Everyone on staff can read the rates; only an administrator adds a version."""
    cards = service.rate_cards()
    form = RateCardForm()
    if request.method == "GET":  # the tier boundaries start as the current card's
        form.short_hours.data = cards[-1].short_hours.normalize()
        form.long_hours.data = cards[-1].long_hours.normalize()
        form.more_preparation.data = cards[-1].more_preparation
    if request.method == "POST":
        if current_staff().role != "admin":
            abort(403)
        if form.validate_on_submit():
            current = cards[-1]
            new = current.uplifted(form.uplift.data or Decimal(0), form.effective_from.data, current.version + 1)
            rates_list = list(new.rates)
            if form.local_label.data:
                code = "local_" + (re.sub(r"[^a-z0-9]+", "_", form.local_label.data.lower()).strip("_")[:30] or "rate")
                rates_list.append(pricing.Rate(code, form.local_kind.data, form.local_amount.data,
                                               form.local_label.data))
            try:
                service.add_rate_card(form.effective_from.data, rates_list, form.note.data or "", access.acting(),
                                      boundaries=(form.short_hours.data or current.short_hours,
                                                  form.long_hours.data or current.long_hours,
                                                  form.more_preparation.data or current.more_preparation))
            except service.NotAllowed:
                form.effective_from.errors = [_("The new rates must start after %(date)s, when the current ones "
                                                "started", date=current.effective_from.strftime("%d/%m/%Y"))]
            else:
                flash(_("New rates saved. Claims already made keep the rates they were priced with."))
                return redirect(url_for("finance.rates"))
    return _rates_page(form, cards)


def _rates_page(form: RateCardForm, cards: list[Any], code: int = 200, mileage_form: MileageRatesForm | None = None,
                rules_form: ExpenseRulesForm | None = None):  # type: ignore[no-untyped-def]
    mileage = list(reversed(service.mileage_versions()))
    if mileage_form is None:  # offered with the amounts in force, to change what needs changing
        current = mileage[0] if mileage else pricing.HMRC_2011
        mileage_form = MileageRatesForm(formdata=None, data={
            name: getattr(current, name) for name in ("car_pence", "car_after_pence", "car_threshold_miles",
                                                      "passenger_pence", "motorcycle_pence", "bicycle_pence")})
    rules = service.all_expense_rules()
    if rules_form is None:
        rules_form = ExpenseRulesForm.for_rules(rules, formdata=None)
    return render_template("claims/rates.html", cards=list(reversed(cards)), form=form, mileage=mileage,
                           mileage_form=mileage_form, rules=rules, rules_form=rules_form), code


@bp.route("/rates/<code>", methods=["GET", "POST"])
@role_required("admin")
def rate(code: str):  # type: ignore[no-untyped-def]
    """Change one rate of the current card, or retire a local one, from a date: a new dated
    version that copies the rest (audited). A rate a role still pays cannot be retired."""
    current = service.rate_cards()[-1]
    try:
        chosen = current.rate(code)
    except KeyError:
        abort(404)
    form = OneRateForm()
    if chosen.kind == "tier":  # claims without a role are priced by the tiers: change, never retire
        form.action.choices = [c for c in form.action.choices if c.value == "change"]
    if form.validate_on_submit():
        try:
            if form.action.data == "retire":
                service.retire_rate(code, form.starts.data, form.note.data or "", access.acting())
            else:
                service.change_rate(code, form.pence.data, form.starts.data, form.note.data or "", access.acting())
        except service.RateInUse as in_use:
            form.action.errors = [_("Roles still pay this rate: %(roles)s. Change their payment first.",
                                    roles=", ".join(in_use.roles))]
        except service.NotAllowed:
            form.starts.errors = [_("The new rates must start after %(date)s, when the current ones "
                                    "started", date=current.effective_from.strftime("%d/%m/%Y"))]
        else:
            flash(_("New rates saved. Claims already made keep the rates they were priced with."))
            return redirect(url_for("finance.rates"))
    name = tier_labels(current.tier_amounts()).get(code) or chosen.label
    return render_template("claims/rate.html", form=form, rate=chosen, name=name, card=current,
                           amount=rate_words(chosen.kind, chosen.pence))


@bp.post("/rates/mileage")
@role_required("admin")
def mileage_rates():  # type: ignore[no-untyped-def]
    """New dated mileage rates, from a date after the current ones."""
    form = MileageRatesForm()
    if form.validate_on_submit():
        rates = pricing.MileageRates(form.mileage_from.data, form.car_pence.data, form.car_after_pence.data,
                                     form.car_threshold_miles.data, form.passenger_pence.data,
                                     form.motorcycle_pence.data, form.bicycle_pence.data)
        try:
            service.add_mileage_rates(rates, access.acting())
        except service.NotAllowed:
            current = service.mileage_versions()[-1]
            form.mileage_from.errors = [_("The new mileage rates must start after %(date)s, when the current "
                                          "ones started", date=current.effective_from.strftime("%d/%m/%Y"))]
        else:
            flash(_("New mileage rates saved. Claims already made keep the rates they were priced with."))
            return redirect(url_for("finance.rates") + "#mileage")
    return _rates_page(RateCardForm(formdata=None), service.rate_cards(), 400, mileage_form=form)


@bp.post("/rates/expenses")
@role_required("admin")
def expense_rules():  # type: ignore[no-untyped-def]
    """Caps, receipt limits and which expenses are offered (an administrator's choice)."""
    form = ExpenseRulesForm.for_rules(service.all_expense_rules())
    if not form.validate_on_submit():
        return _rates_page(RateCardForm(formdata=None), service.rate_cards(), 400, rules_form=form)
    service.save_expense_rules(form.settings(), access.acting())
    flash(_("Expense rules saved. They apply to claims sent from now on."))
    return redirect(url_for("finance.rates") + "#expense-rules")


@bp.get("/finance")
@role_required("admin", "finance")
def finance():  # type: ignore[no-untyped-def]
    count, total = export.ready()
    batches = db.session().scalars(select(PaymentBatch).order_by(PaymentBatch.id.desc()).limit(50)).all()
    return render_template("claims/finance.html", count=count, total=total, batches=batches,
                           changed=export.changed_bank_details() if count else 0)


@bp.post("/finance/export")
@role_required("admin", "finance")
def make_export():  # type: ignore[no-untyped-def]
    batch = export.make_batch(current_staff())
    if batch is None:
        flash(_("There are no approved claims to send."))
        return redirect(url_for("finance.finance"))
    service.notify_sent(limit=200)  # the mail thread sends these at once; the worker tells the rest
    flash(ngettext("%(num)s claim is marked “sent for payment”. Download the file below.",
                   "%(num)s claims are marked “sent for payment”. Download the file below.", batch.claims))
    return redirect(url_for("finance.finance"))


@bp.get("/finance/batches/<int:batch_id>.csv")
@role_required("admin", "finance")
def download(batch_id: int):  # type: ignore[no-untyped-def]
    if db.session().get(PaymentBatch, batch_id) is None:
        abort(404)
    audit.record("payment_batch.downloaded", "payment_batch", batch_id, actor=access.acting())
    db.session().commit()
    response = Response(stream_with_context(export.batch_csv(batch_id)), mimetype="text/csv")
    response.headers["Content-Disposition"] = f'attachment; filename="take-part-payments-{batch_id}.csv"'
    return response


@bp.get("/finance/totals")
@role_required("admin", "finance")
def totals():  # type: ignore[no-untyped-def]
    year = request.args.get("year", type=int) or pricing.tax_year(date.today())
    page = max(request.args.get("page", type=int) or 1, 1)
    rows, people = export.totals_by_person(year, page)
    return render_template("claims/totals.html", rows=rows, people=people, year=year, page=page,
                           pages=max((people + 49) // 50, 1), label=pricing.tax_year_label,
                           years=range(pricing.tax_year(date.today()), pricing.tax_year(date.today()) - 6, -1))
