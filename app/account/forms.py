"""One form class per account page."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, RadioField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from app.forms import Form
from app.i18n import both, er_l, normalise_digits
from app.phones import PhoneField, PhoneNumber


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def digits_only(value: Any) -> Any:
    """Keep only digits (any script), for sort codes and account numbers typed with spaces or dashes."""
    return re.sub(r"\D", "", normalise_digits(value)) if isinstance(value, str) else value


def too_long(limit: int) -> Any:
    """The easy-read words for a box with too much in it (one string for every box)."""
    return er_l("This is too long. Write up to %(num)s letters.", num=limit)


CHANNEL_CHOICES = [
    SelectChoice("email", both(_l("Email"), er_l("Email"))),
    SelectChoice("phone", both(_l("Phone call"), er_l("Phone call"))),
    SelectChoice("text", both(_l("Text message"), er_l("Text message"))),
    SelectChoice("post", both(_l("Post"), er_l("Letter in the post"))),
]

ACCESS_CHOICES = [
    SelectChoice("documents_in_advance", both(_l("Papers sent to me before the meeting"), er_l("Papers before the meeting"))),
    SelectChoice("debrief", both(_l("A chat with someone afterwards (a debrief)"), er_l("A chat after the meeting"))),
    SelectChoice("carer_attending", both(_l("A carer, assistant or supporter coming with me"), er_l("Someone to come with me"))),
    SelectChoice("interpreter", both(_l("An interpreter"), er_l("An interpreter for my language"))),
    SelectChoice("hearing_loop", both(_l("A hearing loop"), er_l("A hearing loop for my hearing aid"))),
    SelectChoice("quiet_space", both(_l("A quiet space"), er_l("A quiet room"))),
    SelectChoice("camera_off", both(_l("Keeping my camera off in online meetings"), er_l("My camera off in online meetings"))),
    SelectChoice("breaks", both(_l("Regular breaks"), er_l("Breaks"))),
    SelectChoice("large_print", both(_l("Large print"), er_l("Big writing"))),
    SelectChoice("other", both(_l("Something else"), er_l("Something else"))),
]

PAYMENT_CHOICES = [
    SelectChoice("paid", both(_l("I would like to be paid"), er_l("I want to be paid"))),
    SelectChoice("voluntary", both(_l("I choose not to be paid"), er_l("I do not want to be paid"))),
    SelectChoice("benefits_talk", both(_l("I would like to talk about how payment could affect my benefits first"), er_l("I want to talk about money and my benefits first"))),
]

YES_NO = [SelectChoice("yes", both(_l("Yes"), er_l("Yes"))), SelectChoice("no", both(_l("No"), er_l("No")))]


class SignInForm(Form):
    email = EmailField(
        both(_l("Email address"), er_l("Your email address")), filters=[strip],
        validators=[InputRequired(both(_l("Enter your email address"), er_l("Write your email address."))),
                    Email(both(_l("Enter an email address in the right format, like name@example.org"), er_l("Write a full email address. For example name@example.org.")))],
    )


class CodeForm(Form):
    code = StringField(
        both(_l("Sign-in code"), er_l("Your code")), filters=[digits_only],
        description=both(_l("The 8 numbers in the email we sent you."), er_l("It is 8 numbers in our email.")),
        validators=[InputRequired(both(_l("Enter the 8-digit code from the email"), er_l("Write the 8 numbers from our email."))),
                    Length(min=8, max=8, message=both(_l("The code has 8 numbers. Check the email and try again"), er_l("The code has 8 numbers. Look at our email again.")))],
    )


class TextSignInForm(Form):
    phone = PhoneField(
        both(_l("Mobile phone number"), er_l("Your mobile phone number")), filters=[strip],
        description=both(_l("The mobile number you confirmed in your details, like 07700 900 982."),
                         er_l("The mobile number in your details. For example 07700 900 982.")),
        validators=[InputRequired(both(_l("Enter your mobile phone number"), er_l("Write your mobile phone number."))),
                    Length(max=40, message=both(_l("The phone number must be 40 characters or fewer"), too_long(40))),
                    PhoneNumber(both(_l("Enter a phone number, like 07700 900 982 or +44 7700 900 982"),
                                     er_l("Write a phone number. For example 07700 900 982.")))],
    )


class TextCodeForm(Form):
    code = StringField(
        both(_l("Code from the text message"), er_l("Your code")), filters=[digits_only],
        description=both(_l("The 8 numbers in the text message we sent you."), er_l("It is 8 numbers in our text message.")),
        validators=[InputRequired(both(_l("Enter the 8-digit code from the text message"), er_l("Write the 8 numbers from our text message."))),
                    Length(min=8, max=8, message=both(_l("The code has 8 numbers. Check the text message and try again"), er_l("The code has 8 numbers. Look at our text message again.")))],
    )


class NameForm(Form):
    name = StringField(
        both(_l("Full name"), er_l("Your full name")), filters=[strip],
        validators=[InputRequired(both(_l("Enter your full name"), er_l("Write your full name."))),
                    Length(max=200, message=both(_l("Your name must be 200 characters or fewer"), too_long(200)))],
    )
    known_as = StringField(
        both(_l("What would you like us to call you? (optional)"), er_l("What should we call you? You can leave this empty.")), filters=[strip],
        validators=[Optional(), Length(max=100, message=both(_l("This must be 100 characters or fewer"), too_long(100)))],
    )
    pronouns = StringField(
        both(_l("Your pronouns (optional)"), er_l("Your pronouns. You can leave this empty.")), filters=[strip],
        description=both(_l("For example, she/her, he/him or they/them."), er_l("For example she, he or they.")),
        validators=[Optional(), Length(max=50, message=both(_l("Your pronouns must be 50 characters or fewer"), too_long(50)))],
    )


# Fields that another answer makes required have no Optional(): it would stop the
# validate_<field> check that asks for them.


class ContactForm(Form):
    contact_channel = RadioField(
        both(_l("How would you like us to contact you?"), er_l("How should we contact you?")), choices=CHANNEL_CHOICES,
        validators=[InputRequired(both(_l("Choose how you would like us to contact you"), er_l("Choose how we should contact you.")))],
    )
    phone = PhoneField(
        both(_l("Phone number (optional)"), er_l("Your phone number. You can leave this empty.")), filters=[strip],
        description=both(_l("We need this if you would like a phone call or text message."), er_l("We need it to call you or send a text.")),
        validators=[Length(max=40, message=both(_l("The phone number must be 40 characters or fewer"), too_long(40))),
                    PhoneNumber(both(_l("Enter a phone number, like 07700 900 982 or +44 7700 900 982"),
                                     er_l("Write a phone number. For example 07700 900 982.")))],
    )
    address = TextAreaField(
        both(_l("Postal address (optional)"), er_l("Your address for letters. You can leave this empty.")), filters=[strip],
        description=both(_l("We need this if you would like letters by post."), er_l("We need it to send you letters.")),
        validators=[Length(max=500, message=both(_l("The address must be 500 characters or fewer"), too_long(500)))],
    )
    best_times = StringField(
        both(_l("When is the best time to contact you? (optional)"), er_l("When is the best time to contact you? You can leave this empty.")), filters=[strip],
        description=both(_l("For example, weekday mornings, or not on Fridays."), er_l("For example Monday to Friday mornings.")),
        validators=[Optional(), Length(max=200, message=both(_l("This must be 200 characters or fewer"), too_long(200)))],
    )

    def validate_phone(self, field: Any) -> None:
        if self.contact_channel.data in ("phone", "text") and not field.data:
            raise ValidationError(both(_l("Enter a phone number so we can call or text you"), er_l("Write a phone number. Then we can call or text you.")))

    def validate_address(self, field: Any) -> None:
        if self.contact_channel.data == "post" and not field.data:
            raise ValidationError(both(_l("Enter your postal address so we can write to you"), er_l("Write your address. Then we can send you letters.")))


class LanguageForm(Form):
    language = RadioField(both(_l("Which language would you like us to use?"), er_l("Which language should we use?")),
                          validators=[InputRequired(both(_l("Choose a language"), er_l("Choose a language.")))])
    easy_read = RadioField(
        both(_l("Would you like easy read?"), er_l("Do you want easy read?")), choices=YES_NO,
        description=both(_l("Easy read uses short sentences, pictures and larger text, on this website and in our emails."), er_l("Easy read has short sentences, pictures and big writing. We use it here and in emails.")),
        validators=[InputRequired(both(_l("Choose yes if you would like easy read"), er_l("Choose yes or no.")))],
    )


class AccessForm(Form):
    access_needs = SelectMultipleField(
        both(_l("What would help you take part?"), er_l("What would help you take part?")), choices=ACCESS_CHOICES,
        description=both(_l("Choose all that apply. You can change this at any time."), er_l("Choose all that help you. You can change this at any time.")),
        validators=[Optional()],
    )
    interpreter_language = StringField(
        both(_l("Which language do you need an interpreter for?"), er_l("Which language should the interpreter use?")), filters=[strip],
        description=both(_l("Including British Sign Language."), er_l("This can be British Sign Language.")),
        validators=[Length(max=100, message=both(_l("This must be 100 characters or fewer"), too_long(100)))],
    )
    access_other = TextAreaField(
        both(_l("Tell us what else would help (optional)"), er_l("What else would help? You can leave this empty.")), filters=[strip],
        validators=[Length(max=1000, message=both(_l("This must be 1000 characters or fewer"), too_long(1000)))],
    )

    def validate_interpreter_language(self, field: Any) -> None:
        if "interpreter" in (self.access_needs.data or []) and not field.data:
            raise ValidationError(both(_l("Enter the language you need an interpreter for"), er_l("Write the language for the interpreter. For example Polish.")))

    def validate_access_other(self, field: Any) -> None:
        if "other" in (self.access_needs.data or []) and not field.data:
            raise ValidationError(both(_l("Tell us what else would help"), er_l("Write what else would help.")))


class PaymentForm(Form):
    payment_preference = RadioField(
        both(_l("Would you like to be paid for taking part?"), er_l("Do you want to be paid for taking part?")), choices=PAYMENT_CHOICES,
        validators=[InputRequired(both(_l("Choose whether you would like to be paid"), er_l("Choose if you want to be paid.")))],
    )


class TypedNumberField(StringField):
    """A number kept as its digits (``digits_only``) but shown back exactly as typed: "30-94-5", not "30945"."""

    def _value(self) -> str:
        return self.raw_data[0] if self.raw_data else super()._value()


class BankForm(Form):
    account_name = StringField(
        both(_l("Name on the account"), er_l("The name on the bank account")), filters=[strip],
        validators=[InputRequired(both(_l("Enter the name on the account"), er_l("Write the name on the bank account."))),
                    Length(max=100, message=both(_l("The name on the account must be 100 characters or fewer"), too_long(100)))],
    )
    sort_code = TypedNumberField(
        both(_l("Sort code"), er_l("Sort code")), filters=[digits_only],
        description=both(_l("Must be 6 digits long, like 30 94 52."), er_l("It has 6 numbers. For example 30 94 52.")),
        validators=[InputRequired(both(_l("Enter a sort code"), er_l("Write the sort code. For example 30 94 52."))),
                    Length(min=6, max=6, message=both(_l("Enter a valid sort code, like 30 94 52"), er_l("A sort code has 6 numbers. For example 30 94 52.")))],
    )
    account_number = TypedNumberField(
        both(_l("Account number"), er_l("Account number")), filters=[digits_only],
        description=both(_l("Must be between 6 and 8 digits long."), er_l("It has 6 to 8 numbers.")),
        validators=[InputRequired(both(_l("Enter an account number"), er_l("Write the account number. For example 00733445."))),
                    Length(min=6, max=8, message=both(_l("Enter a valid account number, like 00733445"), er_l("An account number has 6 to 8 numbers. For example 00733445.")))],
    )
    roll_number = StringField(
        both(_l("Building society roll number (if you have one)"), er_l("Building society roll number. Only if you have one.")), filters=[strip],
        description=both(_l("You can find it on your card, statement or passbook."), er_l("Look on your card, statement or passbook.")),
        validators=[Optional()],
    )

    def validate_roll_number(self, field: Any) -> None:
        if field.data and not re.fullmatch(r"[A-Za-z0-9 ./\-]{1,18}", field.data):
            raise ValidationError(both(_l("Enter a roll number with letters, numbers, spaces, dots, dashes or slashes, "
                                          "18 characters or fewer"),
                                       er_l("Write the roll number as it is on your card. Use 18 letters and numbers or fewer.")))


RELATIONSHIP_CHOICES = [
    SelectChoice("carer", both(_l("Carer"), er_l("Carer"))),
    SelectChoice("family", both(_l("Family member"), er_l("Family"))),
    SelectChoice("friend", both(_l("Friend"), er_l("Friend"))),
    SelectChoice("advocate", both(_l("Advocate"), er_l("Advocate. They speak up for me."))),
    SelectChoice("support_worker", both(_l("Support worker"), er_l("Support worker"))),
    SelectChoice("other", both(_l("Someone else"), er_l("Someone else"))),
]

PERMISSION_CHOICES = [
    SelectChoice("fill_forms", both(_l("Fill in forms for me"), er_l("Fill in forms for me"))),
    SelectChoice("see_claims", both(_l("See my payment claims"), er_l("See my payment forms"))),
    SelectChoice("reply_queries", both(_l("Answer questions about my payment claims"), er_l("Answer questions about my payment forms"))),
    SelectChoice("receive_emails", both(_l("Get copies of emails about taking part"), er_l("Get a copy of our emails to me"))),
]


def permissions_field() -> SelectMultipleField:
    return SelectMultipleField(
        both(_l("What can they do for you?"), er_l("What can they do for you?")), choices=PERMISSION_CHOICES,
        description=both(_l("Choose all that apply. Payments always go to you."), er_l("Choose all that are right. We always pay the money to you.")),
        validators=[InputRequired(both(_l("Choose what they can do for you"), er_l("Choose what they can do for you.")))],
    )


class SupporterForm(Form):
    name = StringField(
        both(_l("Their full name"), er_l("Their full name")), filters=[strip],
        validators=[InputRequired(both(_l("Enter their full name"), er_l("Write their full name."))),
                    Length(max=200, message=both(_l("The name must be 200 characters or fewer"), too_long(200)))],
    )
    email = EmailField(
        both(_l("Their email address"), er_l("Their email address")), filters=[strip],
        description=both(_l("They will sign in with this address."), er_l("They sign in with this email address.")),
        validators=[InputRequired(both(_l("Enter their email address"), er_l("Write their email address."))),
                    Email(both(_l("Enter an email address in the right format, like name@example.org"), er_l("Write a full email address. For example name@example.org.")))],
    )
    relationship = RadioField(
        both(_l("How do they help you?"), er_l("How do they help you?")), choices=RELATIONSHIP_CHOICES,
        validators=[InputRequired(both(_l("Choose how they help you"), er_l("Choose how they help you.")))],
    )
    permissions = permissions_field()
    agree = SelectMultipleField(
        both(_l("Your agreement"), er_l("Do you agree?")),
        choices=[SelectChoice("yes", both(_l("I agree that this person can do these things for me. "
                                             "I can stop this at any time."),
                                          er_l("I agree. This person can do these things for me. I can stop this at any time.")))],
        validators=[InputRequired(both(_l("Tick the box to say you agree"), er_l("Tick the box to say yes.")))],
    )


class WhoForm(Form):
    """The first question of every form: who is filling it in, and for whom."""

    for_whom = RadioField(both(_l("Who is filling this in?"), er_l("Who is filling in this form?")),
                          validators=[InputRequired(both(_l("Choose who you are filling this in for"), er_l("Choose who the form is for.")))])


class SupporterPermissionsForm(Form):
    permissions = permissions_field()


class ConfirmSupporterForm(Form):
    answer = RadioField(
        both(_l("Do you agree that they can act for you?"), er_l("Do you agree they can do things for you?")),
        choices=[SelectChoice("yes", both(_l("Yes, they help me"), er_l("Yes, they help me"))),
                 SelectChoice("no", both(_l("No, I do not want them to act for me"), er_l("No. They must not do things for me.")))],
        validators=[InputRequired(both(_l("Choose yes or no"), er_l("Choose yes or no.")))],
    )


class PrivateHelpForm(Form):
    message = TextAreaField(
        both(_l("What would you like to tell us?"), er_l("What do you want to tell us?")),
        description=both(_l("Only the involvement team will read this. We will not show it or send it to anyone "
                            "who helps you."),
                         er_l("Only our team will read this. We will not show it or send it to anyone who helps you.")),
        validators=[InputRequired(both(_l("Write what you would like to tell us"), er_l("Write what you want to tell us."))),
                    Length(max=5000, message=both(_l("Write 5,000 characters or fewer"), too_long(5000)))],
    )
