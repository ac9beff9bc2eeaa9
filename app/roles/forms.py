"""The staff form for a role description, with guidance beside each box."""

from __future__ import annotations

from typing import Any

from flask_babel import LazyString
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from app.forms import DatePartsField, Form, StaffForm
from app.i18n import both, er_l
from app.phones import PhoneField, PhoneNumber
from app.roles.models import EASY_READ_SECTIONS, TRANSLATABLE


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _text(label: Any, hint: Any) -> TextAreaField:
    return TextAreaField(label, description=hint, filters=[strip],
                         validators=[Length(max=4000, message=_l("This must be 4000 characters or fewer"))])


#: Also the names of a role's format on its public page (so they follow easy read too).
FORMAT_CHOICES = [
    SelectChoice("in_person", both(_l("In person"), er_l("Meet in person"))),
    SelectChoice("online", both(_l("Online"), er_l("Online"))),
    SelectChoice("phone", both(_l("By phone"), er_l("On the phone"))),
    SelectChoice("mixed", both(_l("A mix of these"), er_l("A mix of these"))),
]
EVENINGS_CHOICES = [
    SelectChoice("no", _l("No, daytime on weekdays only")),
    SelectChoice("sometimes", _l("Sometimes")),
    SelectChoice("yes", _l("Yes")),
]
def _tier_label(code: str) -> str:
    """A tier's words with the shipped NIHR amount: shown only where no rate card is in force (the
    routes name the amounts of the card in force today, ``app.claims.forms.tier_labels``)."""
    from app.claims.forms import tier_labels
    from app.claims.pricing import DEFAULT_CARD

    return tier_labels(DEFAULT_CARD.tier_amounts())[code]


PAYMENT_CHOICES = [
    *(SelectChoice(code, LazyString(_tier_label, code)) for code in ("nihr_25", "nihr_75", "nihr_150", "nihr_300")),
    SelectChoice("voluntary", _l("Voluntary role (no payment for time)")),
]
YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]

EASY_READ_HINT = _l("Easy read: short sentences, one idea each, everyday words. A picture is shown beside it.")


class RoleForm(StaffForm):
    """Every box of a role description. Saving a draft needs only a title;
    publishing needs everything (app.roles.service.missing_for_publish)."""

    title = StringField(_l("Title"), filters=[strip],
                        description=_l("Say what the work is, in plain words. For example: Help us rewrite the crisis leaflet."),
                        validators=[InputRequired(_l("Enter a title for the role")),
                                    Length(max=200, message=_l("The title must be 200 characters or fewer"))])
    purpose = _text(_l("What is the role for?"), _l("Why we are asking for help, and what will happen with what people say."))
    can_change = _text(_l("What can this work change, and what can it not change?"),
                       _l("Be honest about limits, so nobody is disappointed."))
    tasks = _text(_l("What will people do, and what input are you hoping for?"),
                  _l("Skills can come from life, work or interests. Do not ask for 'strategic experience'."))
    meetings = _text(_l("Meetings: how many, how long, and when"), _l("For example: three meetings of two hours, on weekday afternoons."))
    evenings_weekends = RadioField(_l("Are any meetings in the evening or at weekends?"), choices=EVENINGS_CHOICES,
                                   validators=[Optional()])
    between_meetings = _text(_l("Work between meetings"), _l("For example: about an hour of reading before each meeting. Write 'None' if there is none."))
    start_date = DatePartsField(_l("Start date"), description=_l("For example, 27 3 2027"), validators=[Optional()])
    end_date = DatePartsField(_l("End or review date"), description=_l("For example, 27 3 2027"), validators=[Optional()])
    format = RadioField(_l("How will people take part?"), choices=FORMAT_CHOICES, validators=[Optional()])
    venue = _text(_l("Where (or which online platform)"), _l("The address, or the online platform and whether cameras are needed."))
    getting_there = _text(_l("How to get there, or how to join"), _l("Buses, parking, or how the joining link is sent."))
    venue_access = _text(_l("Accessibility of the venue"), _l("Step-free access, toilets, hearing loop, a quiet room. Needed for in-person roles."))
    payment_level = RadioField(_l("Payment"), choices=PAYMENT_CHOICES, validators=[Optional()],
                               description=_l("NIHR rates. The rate follows time and preparation, not the type of activity."))
    recognition = _text(_l("For a voluntary role: how are contributions recognised?"), _l("Payments in vouchers or expenses only are strongly discouraged."))
    expenses_covered = _text(_l("Which expenses are covered?"), _l("For example: travel, food, care for dependants, a support worker's costs."))
    preparation = _text(_l("What preparation is expected?"), _l("Include the time it will take. Preparation is paid."))
    support_offered = _text(_l("What support is offered?"), _l("For example: a chat before the first meeting, a debrief, peer support, training, help with claims."))
    dbs_needed = RadioField(_l("Is a DBS check needed?"), choices=YES_NO, validators=[Optional()])
    dbs_why = _text(_l("Why is a DBS check needed?"), _l("Only if it is: say why, and that we pay for it."))
    confidentiality = _text(_l("What is confidential, and why?"), _l("Write 'Nothing' if nothing is."))
    adjustments = _text(_l("What adjustments can you offer?"), _l("For example: large print, breaks, interpreters, cameras off, a carer attending."))
    contact_name = StringField(_l("Named contact"), filters=[strip],
                               validators=[Length(max=200, message=_l("The name must be 200 characters or fewer"))])
    contact_phone = PhoneField(_l("Contact phone number"), filters=[strip],
                               validators=[Length(max=40, message=_l("The phone number must be 40 characters or fewer")),
                                           PhoneNumber(_l("Enter a phone number, like 07700 900 982 or +44 7700 900 982"))])
    contact_email = EmailField(_l("Contact email address"), filters=[strip],
                               validators=[Optional(), Email(_l("Enter an email address in the right format, like name@example.org"))])
    closing_date = DatePartsField(_l("Closing date for interest"), description=_l("For example, 27 3 2027"), validators=[Optional()])
    er_purpose = _text(_l("Easy read: what the role is for"), EASY_READ_HINT)
    er_tasks = _text(_l("Easy read: what you will do"), EASY_READ_HINT)
    er_time = _text(_l("Easy read: how much time it takes"), EASY_READ_HINT)
    er_place = _text(_l("Easy read: where it happens"), EASY_READ_HINT)
    er_payment = _text(_l("Easy read: what we pay"), EASY_READ_HINT)
    er_support = _text(_l("Easy read: the help you get"), EASY_READ_HINT)

    def validate_end_date(self, field: DatePartsField) -> None:
        if field.data and self.start_date.data and field.data < self.start_date.data:
            raise ValidationError(_l("The end or review date must be after the start date"))


class RoleFilterForm(Form):
    """Filters on the list of open roles (a GET form: nothing secret, no CSRF needed)."""

    class Meta:
        csrf = False

    format = SelectMultipleField(both(_l("How you take part"), er_l("How do you want to take part?")),
                                 choices=FORMAT_CHOICES, validators=[Optional()])
    time = SelectMultipleField(both(_l("Time it takes"), er_l("How much time does it take?")),
                               validators=[Optional()], choices=[
        SelectChoice("short", both(_l("About an hour"), er_l("About 1 hour"))),
        SelectChoice("half_day", both(_l("About half a day"), er_l("About half a day"))),
        SelectChoice("day", both(_l("A day or more"), er_l("1 day or more"))),
    ])
    pay = RadioField(both(_l("Payment"), er_l("Which roles do you want to see?")), validators=[Optional()], choices=[
        SelectChoice("", both(_l("Paid or voluntary"), er_l("Paid and unpaid roles"))),
        SelectChoice("paid", both(_l("Paid roles only"), er_l("Only paid roles"))),
        SelectChoice("voluntary", both(_l("Voluntary roles only"), er_l("Only unpaid roles"))),
    ])


class TranslationForm(StaffForm):
    """A role's words in another language: the same boxes as the role form, all optional
    (an empty box shows the original). Fields are added below from ``RoleForm``."""


for _name in TRANSLATABLE + tuple(f"er_{s}" for s in EASY_READ_SECTIONS):
    setattr(TranslationForm, _name, TextAreaField(
        getattr(RoleForm, _name).args[0], filters=[strip],
        validators=[Length(max=4000, message=_l("This must be 4000 characters or fewer"))]))
