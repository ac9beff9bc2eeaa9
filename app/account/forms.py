"""One form class per account page."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectMultipleField, StringField, TextAreaField, TelField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from app.forms import Form
from app.i18n import normalise_digits


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def digits_only(value: Any) -> Any:
    """Keep only digits (any script), for sort codes and account numbers typed with spaces or dashes."""
    return re.sub(r"\D", "", normalise_digits(value)) if isinstance(value, str) else value


CHANNEL_CHOICES = [
    SelectChoice("email", _l("Email")),
    SelectChoice("phone", _l("Phone call")),
    SelectChoice("text", _l("Text message")),
    SelectChoice("post", _l("Post")),
]

ACCESS_CHOICES = [
    SelectChoice("documents_in_advance", _l("Papers sent to me before the meeting")),
    SelectChoice("debrief", _l("A chat with someone afterwards (a debrief)")),
    SelectChoice("carer_attending", _l("A carer, assistant or supporter coming with me")),
    SelectChoice("interpreter", _l("An interpreter")),
    SelectChoice("hearing_loop", _l("A hearing loop")),
    SelectChoice("quiet_space", _l("A quiet space")),
    SelectChoice("camera_off", _l("Keeping my camera off in online meetings")),
    SelectChoice("breaks", _l("Regular breaks")),
    SelectChoice("large_print", _l("Large print")),
    SelectChoice("other", _l("Something else")),
]

PAYMENT_CHOICES = [
    SelectChoice("paid", _l("I would like to be paid")),
    SelectChoice("voluntary", _l("I choose not to be paid")),
    SelectChoice("benefits_talk", _l("I would like to talk about how payment could affect my benefits first")),
]

YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


class SignInForm(Form):
    email = EmailField(
        _l("Email address"), filters=[strip],
        validators=[InputRequired(_l("Enter your email address")),
                    Email(_l("Enter an email address in the right format, like name@example.org"))],
    )


class CodeForm(Form):
    code = StringField(
        _l("Sign-in code"), filters=[digits_only],
        description=_l("The 8 numbers in the email we sent you."),
        validators=[InputRequired(_l("Enter the 8-digit code from the email")),
                    Length(min=8, max=8, message=_l("The code has 8 numbers. Check the email and try again"))],
    )


class NameForm(Form):
    name = StringField(
        _l("Full name"), filters=[strip],
        validators=[InputRequired(_l("Enter your full name")),
                    Length(max=200, message=_l("Your name must be 200 characters or fewer"))],
    )
    known_as = StringField(
        _l("What would you like us to call you? (optional)"), filters=[strip],
        validators=[Optional(), Length(max=100, message=_l("This must be 100 characters or fewer"))],
    )
    pronouns = StringField(
        _l("Your pronouns (optional)"), filters=[strip],
        description=_l("For example, she/her, he/him or they/them."),
        validators=[Optional(), Length(max=50, message=_l("Your pronouns must be 50 characters or fewer"))],
    )


# Fields that another answer makes required have no Optional(): it would stop the
# validate_<field> check that asks for them.


class ContactForm(Form):
    contact_channel = RadioField(
        _l("How would you like us to contact you?"), choices=CHANNEL_CHOICES,
        validators=[InputRequired(_l("Choose how you would like us to contact you"))],
    )
    phone = TelField(
        _l("Phone number (optional)"), filters=[strip],
        description=_l("We need this if you would like a phone call or text message."),
        validators=[Length(max=40, message=_l("The phone number must be 40 characters or fewer"))],
    )
    address = TextAreaField(
        _l("Postal address (optional)"), filters=[strip],
        description=_l("We need this if you would like letters by post."),
        validators=[Length(max=500, message=_l("The address must be 500 characters or fewer"))],
    )
    best_times = StringField(
        _l("When is the best time to contact you? (optional)"), filters=[strip],
        description=_l("For example, weekday mornings, or not on Fridays."),
        validators=[Optional(), Length(max=200, message=_l("This must be 200 characters or fewer"))],
    )

    def validate_phone(self, field: Any) -> None:
        digits = digits_only(field.data or "")
        if field.data and (len(digits) < 10 or len(digits) > 15 or re.search(r"[^\d\s+()\-٠-٩۰-۹০-৯]", field.data)):
            raise ValidationError(_l("Enter a phone number, like 07700 900 982 or +44 7700 900 982"))
        if self.contact_channel.data in ("phone", "text") and not field.data:
            raise ValidationError(_l("Enter a phone number so we can call or text you"))

    def validate_address(self, field: Any) -> None:
        if self.contact_channel.data == "post" and not field.data:
            raise ValidationError(_l("Enter your postal address so we can write to you"))


class LanguageForm(Form):
    language = RadioField(_l("Which language would you like us to use?"),
                          validators=[InputRequired(_l("Choose a language"))])
    easy_read = RadioField(
        _l("Would you like easy read?"), choices=YES_NO,
        description=_l("Easy read uses short sentences, pictures and larger text, on this website and in our emails."),
        validators=[InputRequired(_l("Choose yes if you would like easy read"))],
    )


class AccessForm(Form):
    access_needs = SelectMultipleField(
        _l("What would help you take part?"), choices=ACCESS_CHOICES,
        description=_l("Choose all that apply. You can change this at any time."),
        validators=[Optional()],
    )
    interpreter_language = StringField(
        _l("Which language do you need an interpreter for?"), filters=[strip],
        description=_l("Including British Sign Language."),
        validators=[Length(max=100, message=_l("This must be 100 characters or fewer"))],
    )
    access_other = TextAreaField(
        _l("Tell us what else would help (optional)"), filters=[strip],
        validators=[Length(max=1000, message=_l("This must be 1000 characters or fewer"))],
    )

    def validate_interpreter_language(self, field: Any) -> None:
        if "interpreter" in (self.access_needs.data or []) and not field.data:
            raise ValidationError(_l("Enter the language you need an interpreter for"))

    def validate_access_other(self, field: Any) -> None:
        if "other" in (self.access_needs.data or []) and not field.data:
            raise ValidationError(_l("Tell us what else would help"))


class PaymentForm(Form):
    payment_preference = RadioField(
        _l("Would you like to be paid for taking part?"), choices=PAYMENT_CHOICES,
        validators=[InputRequired(_l("Choose whether you would like to be paid"))],
    )


class BankForm(Form):
    account_name = StringField(
        _l("Name on the account"), filters=[strip],
        validators=[InputRequired(_l("Enter the name on the account")),
                    Length(max=100, message=_l("The name on the account must be 100 characters or fewer"))],
    )
    sort_code = StringField(
        _l("Sort code"), filters=[digits_only],
        description=_l("Must be 6 digits long, like 30 94 52."),
        validators=[InputRequired(_l("Enter a sort code")),
                    Length(min=6, max=6, message=_l("Enter a valid sort code, like 30 94 52"))],
    )
    account_number = StringField(
        _l("Account number"), filters=[digits_only],
        description=_l("Must be between 6 and 8 digits long."),
        validators=[InputRequired(_l("Enter an account number")),
                    Length(min=6, max=8, message=_l("Enter a valid account number, like 00733445"))],
    )
    roll_number = StringField(
        _l("Building society roll number (if you have one)"), filters=[strip],
        description=_l("You can find it on your card, statement or passbook."),
        validators=[Optional()],
    )

    def validate_roll_number(self, field: Any) -> None:
        if field.data and not re.fullmatch(r"[A-Za-z0-9 ./\-]{1,18}", field.data):
            raise ValidationError(_l("Enter a roll number with letters, numbers, spaces, dots, dashes or slashes, "
                                     "18 characters or fewer"))


RELATIONSHIP_CHOICES = [
    SelectChoice("carer", _l("Carer")),
    SelectChoice("family", _l("Family member")),
    SelectChoice("friend", _l("Friend")),
    SelectChoice("advocate", _l("Advocate")),
    SelectChoice("support_worker", _l("Support worker")),
    SelectChoice("other", _l("Someone else")),
]

PERMISSION_CHOICES = [
    SelectChoice("fill_forms", _l("Fill in forms for me")),
    SelectChoice("see_claims", _l("See my payment claims")),
    SelectChoice("reply_queries", _l("Answer questions about my payment claims")),
    SelectChoice("receive_emails", _l("Get copies of emails about taking part")),
]


def permissions_field() -> SelectMultipleField:
    return SelectMultipleField(
        _l("What can they do for you?"), choices=PERMISSION_CHOICES,
        description=_l("Choose all that apply. Payments always go to you."),
        validators=[InputRequired(_l("Choose what they can do for you"))],
    )


class SupporterForm(Form):
    name = StringField(
        _l("Their full name"), filters=[strip],
        validators=[InputRequired(_l("Enter their full name")),
                    Length(max=200, message=_l("The name must be 200 characters or fewer"))],
    )
    email = EmailField(
        _l("Their email address"), filters=[strip],
        description=_l("They will sign in with this address."),
        validators=[InputRequired(_l("Enter their email address")),
                    Email(_l("Enter an email address in the right format, like name@example.org"))],
    )
    relationship = RadioField(
        _l("How do they help you?"), choices=RELATIONSHIP_CHOICES,
        validators=[InputRequired(_l("Choose how they help you"))],
    )
    permissions = permissions_field()
    agree = SelectMultipleField(
        _l("Your agreement"),
        choices=[SelectChoice("yes", _l("I agree that this person can do these things for me. "
                                        "I can stop this at any time."))],
        validators=[InputRequired(_l("Tick the box to say you agree"))],
    )


class WhoForm(Form):
    """The first question of every form: who is filling it in, and for whom."""

    for_whom = RadioField(_l("Who is filling this in?"),
                          validators=[InputRequired(_l("Choose who you are filling this in for"))])


class SupporterPermissionsForm(Form):
    permissions = permissions_field()


class ConfirmSupporterForm(Form):
    answer = RadioField(
        _l("Do you agree that they can act for you?"),
        choices=[SelectChoice("yes", _l("Yes, they help me")),
                 SelectChoice("no", _l("No, I do not want them to act for me"))],
        validators=[InputRequired(_l("Choose yes or no"))],
    )


class PrivateHelpForm(Form):
    message = TextAreaField(
        _l("What would you like to tell us?"),
        description=_l("Only the involvement team will read this. We will not show it or send it to anyone "
                       "who helps you."),
        validators=[InputRequired(_l("Write what you would like to tell us")),
                    Length(max=5000, message=_l("Write 5,000 characters or fewer"))],
    )
