"""Forms for claims: the pages of making one (one form a page), and the staff pages (rates, expense rules,
deciding a claim)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField, DecimalField, FieldList, FormField, MultipleFileField, RadioField, SelectField, SelectMultipleField,
    StringField, TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.forms import DatePartsField, Form, MoneyField, StaffForm, WholeNumberField
from app.i18n import both, er_l

KIND_CHOICES = [
    SelectChoice("hourly", _l("Per hour")),
    SelectChoice("session", _l("Per session")),
    SelectChoice("task", _l("Per task")),
]


def tier_labels(amounts: dict[str, int]) -> dict[str, str]:
    """Staff words for each NIHR-style tier (the guides' own, 003 L1753-1758) with its amount on a
    rate card (code -> pence): the amount always comes from the card, never from these words."""
    from flask_babel import gettext as _

    from app.i18n import money

    words = {
        "nihr_25": lambda amount: _("%(amount)s: about 1 hour or less, little or no preparation", amount=amount),
        "nihr_75": lambda amount: _("%(amount)s: about half a day, preparation required", amount=amount),
        "nihr_150": lambda amount: _("%(amount)s: all-day meetings or training", amount=amount),
        "nihr_300": lambda amount: _("%(amount)s: all day with substantial preparation, for example chairing",
                                     amount=amount),
    }
    return {code: words[code](money(pence)) for code, pence in amounts.items() if code in words}


def rate_words(kind: str, pence: int) -> str:
    """A local rate's amount in the reader's language, currency format and easy read: "£18.00 an
    hour", "£40.00 a session", "£15.00 a task" (a tier: just the amount)."""
    from flask_babel import gettext as _

    from app.i18n import er, money, pick

    amount = money(pence)
    if kind == "hourly":
        return pick(_("%(amount)s an hour", amount=amount), er("%(amount)s for each hour", amount=amount))
    if kind == "session":
        return pick(_("%(amount)s a session", amount=amount), er("%(amount)s for each session", amount=amount))
    if kind == "task":
        return pick(_("%(amount)s a task", amount=amount), er("%(amount)s for each task", amount=amount))
    return amount


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


class RateCardForm(StaffForm):
    effective_from = DatePartsField(_l("New rates start on"), description=_l("For example, 16 12 2025."),
                                    validators=[InputRequired(_l("Enter the date the new rates start"))])
    uplift = DecimalField(_l("Raise every rate by this percentage (optional)"), places=1,
                          description=_l("For example, 10 for a rise of ten per cent. Leave empty to keep the amounts."),
                          validators=[Optional(), NumberRange(min=0, max=100, message=_l(
                              "Enter a percentage from 0 to 100"))])
    local_label = StringField(_l("Add a local rate: what it is for (optional)"), filters=[strip],
                              description=_l("For example, Peer support worker hours."),
                              validators=[Length(max=200, message=_l("This must be 200 characters or fewer"))])
    local_kind = RadioField(_l("How the local rate is paid"), choices=KIND_CHOICES, validators=[Optional()])
    local_amount = MoneyField(_l("Local rate amount"), validators=[Optional()])
    note = TextAreaField(_l("Note (optional)"), filters=[strip], description=_l("For example, NIHR uplift."),
                         validators=[Length(max=500, message=_l("This must be 500 characters or fewer"))])
    # Where one tier ends and the next begins (shown as the current card's; left empty, they stay).
    short_hours = DecimalField(
        _l("Up to how many hours is “about an hour”?"), description=_l("The first tier, with little preparation."),
        places=None, validators=[Optional(), NumberRange(min=Decimal("0.25"), max=24, message=_l("Enter hours from 0.25 to 24"))])
    long_hours = DecimalField(
        _l("Up to how many hours is “about half a day”?"), description=_l("Longer than this is all day."),
        places=None, validators=[Optional(), NumberRange(min=Decimal("0.25"), max=24, message=_l("Enter hours from 0.25 to 24"))])
    more_preparation = RadioField(
        _l("Which preparation counts as “more”?"), validators=[Optional()],
        choices=[SelectChoice("some", _l("Some or a lot (reading papers counts)")),
                 SelectChoice("substantial", _l("Only a lot (for example, chairing)"))])

    def validate_local_amount(self, field: Any) -> None:
        if self.local_label.data and (not field.data or not self.local_kind.data):
            raise ValidationError(_l("Enter how the local rate is paid and its amount"))

    def validate_long_hours(self, field: Any) -> None:
        if field.data is not None and self.short_hours.data is not None and field.data <= self.short_hours.data:
            raise ValidationError(_l("The longer boundary must be more hours than the shorter one"))


class OneRateForm(StaffForm):
    """Change one rate's amount, or retire a local rate, from a date: a new version copying the rest."""

    action = RadioField(_l("What do you want to do?"), validators=[InputRequired(_l("Choose change or retire"))],
                        choices=[SelectChoice("change", _l("Change the amount")),
                                 SelectChoice("retire", _l("Retire this rate (roles can no longer pay it)"))])
    pence = MoneyField(_l("New amount"), description=_l("For an hourly rate, the amount for one hour."))
    starts = DatePartsField(_l("From which date?"), description=_l("For example, 1 4 2027."),
                            validators=[InputRequired(_l("Enter the date the change starts"))])
    note = TextAreaField(_l("Note (optional)"), filters=[strip],
                         validators=[Length(max=500, message=_l("This must be 500 characters or fewer"))])

    def validate_pence(self, field: Any) -> None:
        if self.action.data == "change" and not field.data:
            raise ValidationError(_l("Enter the new amount, like 19.50"))


def _pence(label: Any) -> WholeNumberField:
    return WholeNumberField(label, validators=[InputRequired(_l("Enter the pence per mile, like 45")), NumberRange(
        min=0, max=500, message=_l("Enter the pence per mile as a whole number from 0 to 500"))])


class MileageRatesForm(StaffForm):
    """New dated mileage rates (HMRC's approved amounts, or the organisation's own)."""

    mileage_from = DatePartsField(_l("New mileage rates start on"), description=_l("For example, 6 4 2027."),
                                  validators=[InputRequired(_l("Enter the date the new mileage rates start"))])
    car_pence = _pence(_l("Cars and vans: pence a mile up to the yearly limit"))
    car_threshold_miles = WholeNumberField(
        _l("Yearly limit for the higher car rate, in miles"), description=_l("Counted in each person's tax year."),
        validators=[InputRequired(_l("Enter the number of miles, like 10000")), NumberRange(
            min=0, max=1_000_000, message=_l("Enter the number of miles as a whole number, like 10000"))])
    car_after_pence = _pence(_l("Cars and vans: pence a mile after the yearly limit"))
    passenger_pence = _pence(_l("Each passenger: pence a mile"))
    motorcycle_pence = _pence(_l("Motorcycles: pence a mile"))
    bicycle_pence = _pence(_l("Bicycles: pence a mile"))


class ExpenseRulesForm(StaffForm):
    """The organisation's rule for each kind of expense: the most paid (``cap-<code>``), the amount
    over which a receipt is needed (``receipt-<code>``), both optional, and whether it is offered
    (``active-<code>``). ``for_rules`` makes the form's class from the rules in force."""

    codes: list[str]

    @classmethod
    def for_rules(cls, rules: list[tuple[Any, bool]], **kwargs: Any) -> ExpenseRulesForm:
        """``rules``: (rule, offered) for every kind of expense, as ``service.all_expense_rules`` gives."""
        fields: dict[str, Any] = {}
        for rule, active in rules:
            fields[f"cap-{rule.code}"] = MoneyField(_l("Most we pay"), default=rule.cap_pence)
            fields[f"receipt-{rule.code}"] = MoneyField(_l("Receipt needed over"), default=rule.receipt_over_pence)
            fields[f"active-{rule.code}"] = BooleanField(_l("Offered on claims"), default=active)
        form = type("ExpenseRulesPageForm", (cls,), fields)(**kwargs)
        form.codes = [rule.code for rule, _active in rules]
        return form

    def settings(self) -> dict[str, tuple[int | None, int | None, bool]]:
        """code -> (cap, receipt over, offered), as ``service.save_expense_rules`` takes them."""
        return {code: (self[f"cap-{code}"].data, self[f"receipt-{code}"].data, bool(self[f"active-{code}"].data))
                for code in self.codes}


# --- making a claim (one form per page) ----------------------------------------------------------
# Every word a contributor meets here is declared with its easy-read words (``both``), so the page
# shows whichever easy read asks for.

SOMETHING_ELSE = both(_l("Something else"), er_l("Something else"))
PREPARATION_CHOICES = [
    SelectChoice("none", both(_l("None, or a few minutes"), er_l("None, or a few minutes"))),
    SelectChoice("some", both(_l("Some: reading papers or thinking it through"),
                              er_l("Some. For example, reading papers."))),
    SelectChoice("substantial", both(_l("A lot: for example, chairing or preparing a talk"),
                                     er_l("A lot. For example, leading the meeting or getting a talk ready."))),
]
CHOICE_CHOICES = [
    SelectChoice("paid", both(_l("Pay me for my time"), er_l("Yes, pay me for my time"))),
    SelectChoice("waive", both(_l("I do not want to be paid for my time this time (expenses are still paid)"),
                               er_l("No, not this time. I still get my costs back."))),
    SelectChoice("benefits_talk", both(_l("I would like to talk about how payment could affect my benefits first"),
                                       er_l("I want to talk first. Payment could change my benefits."))),
]
EXPENSE_CHOICES = [
    SelectChoice("public_transport", both(_l("Bus, train or tram"), er_l("Bus, train or tram"))),
    SelectChoice("taxi", both(_l("Taxi"), er_l("Taxi"))),
    SelectChoice("parking", both(_l("Parking"), er_l("Parking"))),
    SelectChoice("mileage", both(_l("Driving or cycling (by the mile)"), er_l("Driving or cycling"))),
    SelectChoice("food", both(_l("Food and drink"), er_l("Food and drink"))),
    SelectChoice("accommodation", both(_l("Somewhere to stay"), er_l("Somewhere to stay"))),
    SelectChoice("dependant_care", both(_l("Care for someone while I took part"),
                                        er_l("Care for someone while I took part"))),
    SelectChoice("support_worker", both(_l("My support worker or carer's time and costs"),
                                        er_l("My support worker or carer"))),
    SelectChoice("equipment", both(_l("Equipment or phone data to take part"),
                                   er_l("Things or phone data I needed to take part"))),
    SelectChoice("other", SOMETHING_ELSE),
]
#: The count a session or task role asks for on "Your time" (``TimeForm.quantity``'s label).
COUNT_LABELS = {"session": both(_l("How many sessions?"), er_l("How many sessions?")),
                "task": both(_l("How many tasks?"), er_l("How many tasks?"))}
VEHICLE_CHOICES = [
    SelectChoice("car", both(_l("Car or van"), er_l("Car or van"))),
    SelectChoice("motorcycle", both(_l("Motorcycle"), er_l("Motorbike"))),
    SelectChoice("bicycle", both(_l("Bicycle"), er_l("Bicycle"))),
]


def hours_value(text: str | None) -> Decimal | None:
    """Hours typed as "2", "1.5", "1,5" or in another script's digits; ``None`` if not a number."""
    from app.i18n import normalise_digits

    cleaned = normalise_digits((text or "").strip()).replace(",", ".")
    try:
        return Decimal(cleaned) if cleaned else Decimal(0)
    except ArithmeticError:
        return None


class ActivityForm(Form):
    activity = RadioField(both(_l("What is the claim for?"), er_l("What is the claim for?")), validators=[
        InputRequired(both(_l("Choose what the claim is for"), er_l("Choose what the claim is for.")))])
    other_activity = StringField(
        both(_l("What did you take part in?"), er_l("What did you take part in?")), filters=[strip],
        validators=[Length(max=200, message=both(_l("This must be 200 characters or fewer"),
                                                 er_l("Write less. Use up to %(num)s letters.", num=200)))])
    activity_date = DatePartsField(
        both(_l("When was it?"), er_l("When was it?")),
        description=both(_l("For example, 27 3 2026."), er_l("For example, 27 3 2026.")),
        validators=[InputRequired(both(_l("Enter the date you took part"),
                                       er_l("Write the date. For example, 27 3 2026.")))])

    def validate_other_activity(self, field: Any) -> None:
        if self.activity.data == "other" and not field.data:
            raise ValidationError(both(_l("Say what you took part in"), er_l("Write what you took part in.")))

    def validate_activity_date(self, field: Any) -> None:
        from datetime import date

        if field.data and field.data > date.today():
            raise ValidationError(both(_l("The date must be today or in the past"),
                                       er_l("Write today's date, or a date before today.")))


class TimeForm(Form):
    hours = StringField(
        both(_l("How many hours did it take, including getting ready?"), er_l("How many hours?")), filters=[strip],
        description=both(_l("For example, 1.5 for an hour and a half. Enter 0 if you are only claiming expenses."),
                         er_l("Count the time to get ready too. Write 0 if you only claim costs.")),
        validators=[InputRequired(both(_l("Enter the hours, or 0"), er_l("Write how many hours. For example 2.")))])
    preparation = RadioField(
        both(_l("How much getting ready did it need?"), er_l("How much time did getting ready take?")),
        choices=PREPARATION_CHOICES,
        validators=[InputRequired(both(_l("Choose how much getting ready it needed"),
                                       er_l("Choose how much time getting ready took.")))])
    payment_choice = RadioField(
        both(_l("Payment for your time"), er_l("Do you want to be paid for your time?")), choices=CHOICE_CHOICES,
        validators=[InputRequired(both(_l("Choose whether you would like to be paid"),
                                       er_l("Choose if you want to be paid.")))])
    quantity = StringField(  # only for a role paid by the session or task (``routes._setup_time``)
        both(_l("How many sessions?"), er_l("How many sessions?")), filters=[strip],
        description=both(_l("A whole number from 1 to 50."), er_l("Write a number from 1 to 50.")))

    def validate_quantity(self, field: Any) -> None:
        value = hours_value(field.data)
        if value is None or value != int(value) or not 1 <= value <= 50:
            raise ValidationError(both(_l("Enter a whole number from 1 to 50"), er_l("Write a number from 1 to 50.")))

    def validate_hours(self, field: Any) -> None:
        value = hours_value(field.data)
        if value is None or value < 0 or value > 24:
            raise ValidationError(both(_l("Enter the hours as a number from 0 to 24, like 1.5"),
                                       er_l("Write a number from 0 to 24. For example 1.5.")))


MOST_MILES = 2000  # in one expense row: more is almost always a typing slip


class ExpenseRowForm(Form):
    """One expense: its kind, the amount (or the miles), and a few words."""

    class Meta:
        csrf = False  # a row of the expenses page, whose own form carries the token

    kind = SelectField(
        both(_l("What for"), er_l("What was it for?")),
        choices=[SelectChoice("", both(_l("Choose one"), er_l("Choose one")))] + EXPENSE_CHOICES,
        validators=[InputRequired(both(_l("Choose what the expense was for"),
                                       er_l("Choose what the cost was for. For example, Taxi.")))])
    amount = MoneyField(both(_l("Amount"), er_l("How much was it?")))  # needed unless by the mile: see below
    vehicle = RadioField(both(_l("Vehicle"), er_l("How did you travel?")), choices=VEHICLE_CHOICES,
                         validators=[Optional()])
    miles = StringField(both(_l("Miles"), er_l("How many miles?")), filters=[strip],
                        description=both(_l("The whole journey, there and back."),
                                         er_l("Count the way there and the way back.")))
    passengers = StringField(
        both(_l("Passengers who came to take part too (optional)"),
             er_l("How many people in your car came to take part too? You can leave this empty.")),
        filters=[strip])
    description = StringField(
        both(_l("Details (needed for a taxi or something else)"),
             er_l("Tell us more. We need this for a taxi or something else.")), filters=[strip],
        validators=[Length(max=300, message=both(_l("This must be 300 characters or fewer"),
                                                 er_l("Write less. Use up to %(num)s letters.", num=300)))])

    def validate_amount(self, field: Any) -> None:
        if self.kind.data and self.kind.data != "mileage" and not field.data:
            raise ValidationError(both(_l("Enter the amount, like 4.50"),
                                       er_l("Write how much it was. For example 4.50.")))

    def validate_miles(self, field: Any) -> None:
        if self.kind.data == "mileage":
            miles = hours_value(field.data)
            if miles is not None and miles > MOST_MILES:
                from flask_babel import ngettext

                from app.i18n import ern, number

                most = number(MOST_MILES)  # "2,000", as the language writes it
                raise ValidationError(both(
                    ngettext("Enter %(miles)s mile or fewer for one journey. For a longer one, add another expense.",
                             "Enter %(miles)s miles or fewer for one journey. For a longer one, add another expense.",
                             MOST_MILES, miles=most),
                    ern("Write %(miles)s mile or less. Was it longer? Add another cost for the rest.",
                        "Write %(miles)s miles or less. Was it longer? Add another cost for the rest.",
                        MOST_MILES, miles=most)))
            if not field.data or miles is None or miles <= 0:
                raise ValidationError(both(_l("Enter the miles as a number, like 12"),
                                           er_l("Write how many miles. For example 12.")))

    def validate_passengers(self, field: Any) -> None:
        value = hours_value(field.data)
        if self.kind.data == "mileage" and field.data and (value is None or value != int(value) or not 0 <= value <= 8):
            raise ValidationError(both(_l("Enter the number of passengers, from 0 to 8"),
                                       er_l("Write a number from 0 to 8.")))

    def validate_description(self, field: Any) -> None:
        if self.kind.data in ("taxi", "other") and not field.data:
            raise ValidationError(both(_l("Say why you needed a taxi, or what the expense was"),
                                       er_l("Write why you needed a taxi, or what the cost was.")))


class ExpensesForm(Form):
    expenses = FieldList(FormField(ExpenseRowForm), min_entries=0, max_entries=20)


class ReceiptsForm(Form):
    files = MultipleFileField(
        both(_l("Add photos or files of your receipts"), er_l("Add photos or files of your receipts")),
        description=both(_l("Photos from your phone, or PDF files. Up to 5 at a time, 10 MB each."),
                         er_l("Use photos from your phone, or files. You can add up to 5 at a time.")))
    line = RadioField(both(_l("Which cost are these receipts for?"), er_l("Which cost are these receipts for?")),
                      validators=[Optional()], default="any",
                      choices=[SelectChoice("any", both(_l("More than one, or I am not sure"),
                                                        er_l("More than one, or I am not sure")))])


class DeclareForm(Form):
    declare = SelectMultipleField(
        both(_l("Declaration"), er_l("Is this true?")),
        choices=[SelectChoice("yes", both(
            _l("What I have told you is true, and I have not claimed these costs from anyone else"),
            er_l("What I told you is true. I did not claim these costs from anyone else.")))],
        validators=[InputRequired(both(_l("Tick the box to say what you have told us is true"),
                                       er_l("Tick the box to say this is true.")))])


class ReplyForm(Form):
    reply = TextAreaField(both(_l("Your answer"), er_l("Write your answer")), filters=[strip],
                          validators=[InputRequired(both(_l("Enter your answer"),
                                                         er_l("Write your answer to our question."))),
                                      Length(max=2000, message=both(_l("This must be 2000 characters or fewer"),
                                                                    er_l("Write less. Use up to %(num)s letters.",
                                                                         num=2000)))])
    files = MultipleFileField(both(_l("Add more receipts (optional)"), er_l("Add more receipts if you want to")))


# --- staff: processing claims -------------------------------------------------------------------------

class QueryForm(StaffForm):
    note = TextAreaField(_l("Your question, in plain words (sent to them)"), filters=[strip],
                         validators=[InputRequired(_l("Enter the question")),
                                     Length(max=2000, message=_l("This must be 2000 characters or fewer"))])


class RejectForm(StaffForm):
    reason = TextAreaField(_l("Why it cannot be approved, in plain words (sent to them)"), filters=[strip],
                           validators=[InputRequired(_l("Enter the reason")),
                                       Length(max=2000, message=_l("This must be 2000 characters or fewer"))])


class AmountToPayField(MoneyField):
    """The amount to pay for the fee or one expense; left empty, it stays as it is (its default)."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        super().process_formdata(valuelist)
        if self.data is None:
            self.data, self.raw = self.object_data, None


def _reason_if_changed(key: Any) -> Any:
    def check(form: Any, field: Any) -> None:
        if field.data != field.object_data and not form[f"reason-{key}"].data:
            raise ValidationError(_l("Say why the amount changed: the person will see it"))

    return check


class ApproveForm(StaffForm):
    """Approving a claim: for the fee and each expense line, the amount to pay and, when it
    changes, why (the person sees it). The fields are the claim's own, so ``for_claim`` makes the
    form's class for each request; they are named ``allowed-<key>`` and ``reason-<key>``, where
    ``key`` is "fee" or the line's id."""

    keys: list[Any]

    @classmethod
    def for_claim(cls, amounts: dict[Any, int], **kwargs: Any) -> ApproveForm:
        """``amounts``: key -> the amount now, in pence, in the order of the page."""
        fields: dict[str, Any] = {}
        for key, now in amounts.items():
            fields[f"allowed-{key}"] = AmountToPayField(_l("Amount to pay"), default=now,
                                                        validators=[_reason_if_changed(key)])
            fields[f"reason-{key}"] = StringField(_l("Reason for a different amount"), filters=[strip])
        form = type("ClaimApproveForm", (cls,), fields)(**kwargs)
        form.keys = list(amounts)
        return form

    def changes(self) -> dict[Any, tuple[int, str]]:
        """key -> (the amount to pay, the reason given)."""
        return {key: (self[f"allowed-{key}"].data, self[f"reason-{key}"].data or "") for key in self.keys}


class ReleaseFeeForm(StaffForm):
    """What the person chose for their fee on hold, after talking with the team: theirs, not staff's."""

    outcome = RadioField(
        _l("What did the person choose, after talking with you?"),
        description=_l("Record the person's own choice. Never ask which benefits they get, and never tell them "
                       "benefit rules."),
        choices=[SelectChoice("paid", _l("Pay the fee")), SelectChoice("paid_later", _l("Pay the fee later")),
                 SelectChoice("declined", _l("The person does not want the fee"))],
        validators=[InputRequired(_l("Choose what the person decided"))])


class PaidForm(StaffForm):
    paid_on = DatePartsField(_l("Date paid"), validators=[InputRequired(_l("Enter the date it was paid"))])

    def validate_paid_on(self, field: Any) -> None:
        from datetime import date

        if field.data and field.data > date.today():
            raise ValidationError(_l("The date must be today or in the past"))
    payment_reference = StringField(_l("Payment reference (optional)"), filters=[strip],
                                    validators=[Length(max=100, message=_l("This must be 100 characters or fewer"))])


class QueueFilterForm(StaffForm):
    class Meta:
        csrf = False

    q = StringField(_l("Reference or name"), filters=[strip])
    status = SelectField(_l("Status"), validators=[Optional()], choices=[
        SelectChoice("", _l("Waiting for the team")), SelectChoice("query", _l("Waiting for the person")),
        SelectChoice("approved", _l("Approved")), SelectChoice("sent", _l("Sent for payment")),
        SelectChoice("paid", _l("Paid")), SelectChoice("rejected", _l("Not approved")),
        SelectChoice("all", _l("Any status"))])
    role = SelectField(_l("Role"), validators=[Optional()], choices=[SelectChoice("", _l("Any role"))])
    assignee = SelectField(_l("Assigned to"), validators=[Optional()], choices=[
        SelectChoice("", _l("Anyone")), SelectChoice("me", _l("Me")), SelectChoice("none", _l("Nobody"))])
    overdue = SelectField(_l("Time"), validators=[Optional()], choices=[
        SelectChoice("", _l("Any time")), SelectChoice("yes", _l("Over the target time")),
        SelectChoice("7", _l("Sent more than a week ago")), SelectChoice("28", _l("Sent more than 4 weeks ago"))])
    sort = SelectField(_l("Order"), validators=[Optional()], choices=[
        SelectChoice("", _l("Oldest first")), SelectChoice("newest", _l("Newest first")),
        SelectChoice("amount", _l("Largest amount first"))])


# --- advances: money before a meeting -----------------------------------------------------------------

class AdvanceForm(Form):
    """Asking for expenses before a meeting: for what and when, what kind of cost, how much and
    why. Never about benefits or health: the hint says so."""

    activity = RadioField(both(_l("What is the money for?"), er_l("What is the money for?")), validators=[
        InputRequired(both(_l("Choose the meeting or activity"), er_l("Choose the meeting or activity.")))])
    other_activity = StringField(
        both(_l("What will you take part in?"), er_l("What will you take part in?")), filters=[strip],
        validators=[Length(max=200, message=both(_l("This must be 200 characters or fewer"),
                                                 er_l("Write less. Use up to %(num)s letters.", num=200)))])
    activity_date = DatePartsField(
        both(_l("When is it?"), er_l("When is it?")),
        description=both(_l("For example, 27 3 2027."), er_l("For example, 27 3 2027.")),
        validators=[InputRequired(both(_l("Enter the date of the meeting or activity"),
                                       er_l("Write the date. For example, 27 3 2027.")))])
    kind = SelectField(
        both(_l("What for"), er_l("What is it for?")),
        choices=[SelectChoice("", both(_l("Choose one"), er_l("Choose one")))] + EXPENSE_CHOICES,
        validators=[InputRequired(both(_l("Choose what the money is for"),
                                       er_l("Choose what the money is for. For example, Taxi.")))])
    amount = MoneyField(both(_l("How much do you need?"), er_l("How much money do you need?")),
                        description=both(_l("For example, 20.00. You can ask for your best guess."),
                                         er_l("For example, 20.00. You can guess.")),
                        validators=[InputRequired(both(_l("Enter the amount, like 20.00"),
                                                       er_l("Write how much. For example 20.00.")))])
    reason = TextAreaField(
        both(_l("Why do you need it before you travel?"), er_l("Why do you need the money before?")),
        filters=[strip],
        description=both(_l("A few plain words are enough, for example “I cannot pay for the train first”. "
                            "Do not tell us about your health or benefits."),
                         er_l("A few words are enough. You do not need to tell us about your health or money.")),
        validators=[InputRequired(both(_l("Say why you need the money before you travel"),
                                       er_l("Write why you need the money before."))),
                    Length(max=1000, message=both(_l("This must be 1000 characters or fewer"),
                                                  er_l("Write less. Use up to %(num)s letters.", num=1000)))])

    def validate_other_activity(self, field: Any) -> None:
        if self.activity.data == "other" and not field.data:
            raise ValidationError(both(_l("Say what you will take part in"),
                                       er_l("Write what you will take part in.")))

    def validate_activity_date(self, field: Any) -> None:
        from datetime import date

        if field.data and field.data < date.today():
            raise ValidationError(both(_l("The date must be today or later"),
                                       er_l("Write today's date, or a date after today.")))

    def validate_amount(self, field: Any) -> None:
        if field.data is not None and field.data <= 0:
            raise ValidationError(both(_l("Enter the amount, like 20.00"), er_l("Write how much. For example 20.00.")))


class AdvanceReplyForm(Form):
    reply = TextAreaField(both(_l("Your answer"), er_l("Write your answer")), filters=[strip],
                          validators=[InputRequired(both(_l("Enter your answer"),
                                                         er_l("Write your answer to our question."))),
                                      Length(max=2000, message=both(_l("This must be 2000 characters or fewer"),
                                                                    er_l("Write less. Use up to %(num)s letters.",
                                                                         num=2000)))])


class AdvanceApproveForm(StaffForm):
    amount = MoneyField(_l("Amount to pay"), validators=[Optional()])
    change_reason = StringField(_l("Reason for a different amount"), filters=[strip],
                                validators=[Length(max=500, message=_l("This must be 500 characters or fewer"))])


class AdvanceFilterForm(StaffForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()], choices=[
        SelectChoice("", _l("Waiting for the team")), SelectChoice("query", _l("Waiting for the person")),
        SelectChoice("approved", _l("Approved")), SelectChoice("sent", _l("Sent for payment")),
        SelectChoice("paid", _l("Paid")), SelectChoice("rejected", _l("Not approved")),
        SelectChoice("all", _l("Any status"))])


class CashForm(StaffForm):
    """Cash handed over on the day, recorded by the member of staff who gave it."""

    amount = MoneyField(_l("Amount given"), description=_l("For example, 20.00"),
                        validators=[InputRequired(_l("Enter the amount given, like 20.00"))])
    kind = SelectField(_l("What for"), choices=[SelectChoice("", _l("Choose one"))] + EXPENSE_CHOICES,
                       validators=[InputRequired(_l("Choose what the cash was for"))])
    given_on = DatePartsField(_l("Date given"), description=_l("For example, 27 3 2027."),
                              validators=[InputRequired(_l("Enter the date the cash was given"))])
    note = StringField(_l("Note (the person sees it)"), filters=[strip],
                       validators=[InputRequired(_l("Enter a note, for example the meeting and the journey")),
                                   Length(max=200, message=_l("This must be 200 characters or fewer"))])

    def validate_amount(self, field: Any) -> None:
        if field.data is not None and field.data <= 0:
            raise ValidationError(_l("Enter the amount given, like 20.00"))

    def validate_given_on(self, field: Any) -> None:
        from datetime import date

        if field.data and field.data > date.today():
            raise ValidationError(_l("The date must be today or in the past"))


class CashAnswerForm(Form):
    """The person says whether they got the cash (two buttons: "yes" or "no")."""

    answer = RadioField(both(_l("Did you get this money?"), er_l("Did you get this money?")),
                        choices=[SelectChoice("yes", both(_l("Yes"), er_l("Yes"))),
                                 SelectChoice("no", both(_l("No"), er_l("No")))],
                        validators=[InputRequired(both(_l("Say if you got this money"),
                                                       er_l("Tell us if you got this money.")))])


class SortOutForm(StaffForm):
    """What happens to money for a meeting that did not happen: never written off."""

    outcome = RadioField(_l("What happens to the money"), choices=[
        SelectChoice("recover", _l("Ask for it back")),
        SelectChoice("carry_forward", _l("Carry it forward to their next meeting")),
        SelectChoice("convert", _l("Make it a claim for costs they already had"))],
        validators=[InputRequired(_l("Choose what happens to the money"))])
    meeting = SelectField(_l("Their next meeting (to carry it forward)"), choices=[], validate_choice=False)
    reason = TextAreaField(_l("Why, in plain words (sent to them)"), filters=[strip],
                           validators=[InputRequired(_l("Enter the reason: the person will see it")),
                                       Length(max=2000, message=_l("This must be 2000 characters or fewer"))])

    def validate_meeting(self, field: Any) -> None:
        if self.outcome.data == "carry_forward" and not field.data:
            raise ValidationError(_l("Choose the meeting to carry it forward to"))


class RecoverReasonForm(StaffForm):
    """Why money left over after netting off is to be paid back, in words the person sees."""

    recover_reason = TextAreaField(_l("Why it is to be paid back, in plain words (sent to them)"), filters=[strip],
                                   validators=[InputRequired(_l("Enter the reason: the person will see it")),
                                               Length(max=2000, message=_l("This must be 2000 characters or fewer"))])
