"""One form class per staff page."""

from __future__ import annotations

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField, RadioField, SelectMultipleField, StringField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, EqualTo, InputRequired, Length, Optional, ValidationError

from app.account.forms import CHANNEL_CHOICES, PERMISSION_CHOICES, RELATIONSHIP_CHOICES, YES_NO
from app.forms import DatePartsField, StaffForm, min_length
from app.phones import PhoneField, PhoneNumber

from app.staff.service import MIN_PASSWORD_LENGTH

ROLE_CHOICES = [
    SelectChoice("officer", _l("Involvement officer")),
    SelectChoice("finance", _l("Finance")),
    SelectChoice("admin", _l("Administrator")),
]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class SignInForm(StaffForm):
    email = EmailField(
        _l("Email address"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter your email address")),
                    Email(_l("Enter an email address in the right format, like name@example.org"))],
    )
    password = PasswordField(_l("Password"), validators=[InputRequired(_l("Enter your password"))])


class ChangePasswordForm(StaffForm):
    current_password = PasswordField(
        _l("Current password"), validators=[InputRequired(_l("Enter your current password"))]
    )
    new_password = PasswordField(
        _l("New password"),
        description=_l("At least 12 characters. A few unrelated words together work well."),
        validators=[
            InputRequired(_l("Enter a new password")),
            min_length(MIN_PASSWORD_LENGTH, _l("Your new password must be at least 12 characters long")),
        ],
    )
    confirm_password = PasswordField(
        _l("Type the new password again"),
        validators=[
            InputRequired(_l("Type the new password again")),
            EqualTo("new_password", _l("The two new passwords must be the same")),
        ],
    )


class StaffAccountForm(StaffForm):
    name = StringField(
        _l("Full name"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter the person's full name")),
                    Length(max=200, message=_l("The name must be 200 characters or fewer"))],
    )
    email = EmailField(
        _l("Work email address"),
        filters=[_strip],
        validators=[InputRequired(_l("Enter their work email address")),
                    Email(_l("Enter an email address in the right format, like name@example.org"))],
    )
    role = RadioField(
        _l("What will they do?"),
        choices=ROLE_CHOICES,
        validators=[InputRequired(_l("Choose what they will do"))],
    )
    password = PasswordField(
        _l("First password"),
        description=_l("At least 12 characters. Give it to them in person or by phone, "
                       "and ask them to change it when they first sign in."),
        validators=[
            InputRequired(_l("Enter a first password")),
            min_length(MIN_PASSWORD_LENGTH, _l("The password must be at least 12 characters long")),
        ],
    )


class StaffContributorForm(StaffForm):
    """Add a contributor after a phone call or a meeting."""

    name = StringField(
        _l("Full name"), filters=[_strip],
        validators=[InputRequired(_l("Enter the person's full name")),
                    Length(max=200, message=_l("The name must be 200 characters or fewer"))],
    )
    email = EmailField(
        _l("Email address (optional)"), filters=[_strip],
        description=_l("Leave this empty if they do not use email. The team will fill in forms for them."),
    )
    phone = PhoneField(
        _l("Phone number (optional)"), filters=[_strip],
        validators=[Optional(), Length(max=40, message=_l("The phone number must be 40 characters or fewer")),
                    PhoneNumber(_l("Enter a phone number, like 07700 900 982 or +44 7700 900 982"))],
    )
    contact_channel = RadioField(
        _l("How would they like us to contact them?"), choices=CHANNEL_CHOICES,
        validators=[InputRequired(_l("Choose how they would like us to contact them"))],
    )
    language = RadioField(_l("Which language would they like us to use?"),
                          validators=[InputRequired(_l("Choose a language"))])
    easy_read = RadioField(
        _l("Would they like easy read?"), choices=YES_NO,
        validators=[InputRequired(_l("Choose yes if they would like easy read"))],
    )

    def validate_email(self, field: object) -> None:
        # No Optional(): an empty address is fine unless they want to be contacted by email.
        if self.email.data:
            Email(_l("Enter an email address in the right format, like name@example.org"))(self, self.email)
        elif self.contact_channel.data == "email":
            raise ValidationError(_l("Enter their email address, or choose another way to contact them"))


class StaffSupporterForm(StaffForm):
    """Record someone who helps a contributor, with the agreement they gave the team."""

    name = StringField(
        _l("Their full name"), filters=[_strip],
        validators=[InputRequired(_l("Enter their full name")),
                    Length(max=200, message=_l("The name must be 200 characters or fewer"))],
    )
    email = EmailField(
        _l("Their email address"), filters=[_strip],
        description=_l("They will sign in with this address."),
        validators=[InputRequired(_l("Enter their email address")),
                    Email(_l("Enter an email address in the right format, like name@example.org"))],
    )
    relationship = RadioField(_l("How do they help?"), choices=RELATIONSHIP_CHOICES,
                              validators=[InputRequired(_l("Choose how they help"))])
    permissions = SelectMultipleField(
        _l("What can they do?"), choices=PERMISSION_CHOICES,
        description=_l("Only what the person agreed to. Payments always go to the person."),
        validators=[InputRequired(_l("Choose what they can do"))],
    )
    consent_how = RadioField(
        _l("How did the person agree?"), choices=[SelectChoice("verbally", _l("They told us (for example, on the phone)")),
                                                  SelectChoice("in_writing", _l("In writing"))],
        validators=[InputRequired(_l("Choose how the person agreed"))],
    )
    consent_date = DatePartsField(
        _l("When did they agree?"), description=_l("For example, 27 3 2026"),
        validators=[InputRequired(_l("Enter the date they agreed"))],
    )

    def validate_consent_date(self, field: DatePartsField) -> None:
        if field.data and field.data > date.today():
            raise ValidationError(_l("The date they agreed must be today or in the past"))
