"""One form per page of "I'm interested", and the staff triage forms.

Nothing here asks about diagnosis, treatment or someone's story, and nobody has
to say whether they are a patient, carer or member of staff.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from app.forms import Form, StaffForm
from app.i18n import both, er_l
from wtforms import EmailField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from app.account.forms import RELATIONSHIP_CHOICES, AccessForm, ContactForm, strip

WAY_CHOICES = [
    SelectChoice("in_person", both(_l("In person"), er_l("Meet in person"))),
    SelectChoice("online", both(_l("Online, by video"), er_l("On a video call"))),
    SelectChoice("phone", both(_l("By phone"), er_l("On the phone"))),
]
AVAILABILITY_CHOICES = [
    SelectChoice("weekday_daytime", both(_l("Weekdays, in the daytime"), er_l("Monday to Friday, in the day"))),
    SelectChoice("weekday_evening", both(_l("Weekday evenings"), er_l("Monday to Friday, in the evening"))),
    SelectChoice("weekend", both(_l("Weekends"), er_l("Saturday or Sunday"))),
]
#: Easy read for every "must be N characters or fewer" (Length fills in ``max``).
TOO_LONG = er_l("This is too long. Write up to %(max)s letters.")
STATUS_CHOICES = [
    SelectChoice("new", _l("New")),
    SelectChoice("contacted", _l("Contacted")),
    SelectChoice("invited", _l("Invited to talk")),
    SelectChoice("offered", _l("Offered the role")),
    SelectChoice("not_this_time", _l("Not this time")),
    SelectChoice("withdrawn", _l("Withdrawn")),
]


def _tick(label: Any, message: Any) -> SelectMultipleField:
    """A single checkbox that must be ticked (rendered by the ``checkboxes`` macro)."""
    return SelectMultipleField(label, choices=[SelectChoice("yes", label)], validators=[InputRequired(message)])


class WhoForm(Form):
    for_whom = RadioField(both(_l("Who is filling this in?"), er_l("Who is filling this in?")),
                          validators=[InputRequired(both(_l("Choose who you are filling this in for"),
                                                         er_l("Choose who this form is for.")))])


class HelperForm(Form):
    """Someone filling it in for another person: who they are, and that the person agrees."""

    helper_name = StringField(
        both(_l("Your full name"), er_l("What is your full name?")), filters=[strip],
        validators=[InputRequired(both(_l("Enter your full name"), er_l("Write your full name."))),
                    Length(max=200, message=both(_l("Your name must be 200 characters or fewer"), TOO_LONG))],
    )
    helper_email = EmailField(
        both(_l("Your email address"), er_l("What is your email address?")), filters=[strip],
        description=both(_l("We will send you a link so you can come back to this."),
                         er_l("We will send you a link. Use it to come back to this form.")),
        validators=[InputRequired(both(_l("Enter your email address"), er_l("Write your email address."))),
                    Email(both(_l("Enter an email address in the right format, like name@example.org"),
                               er_l("Write the email address like this: name@example.org")))],
    )
    relationship = RadioField(
        both(_l("How do you help them?"), er_l("How do you help them?")), choices=RELATIONSHIP_CHOICES,
        validators=[InputRequired(both(_l("Choose how you help them"), er_l("Choose how you help them.")))],
    )
    agreed = _tick(both(_l("They know I am doing this, and they agree to it"),
                        er_l("They know about this form. They agree to it.")),
                   both(_l("Tick the box to say they agree, or ask them first and come back"),
                        er_l("Tick the box if they agree. If you do not know, ask them first.")))


class InterestContactForm(ContactForm):
    """The person's name and how to reach them (filled in from their profile when we have it)."""

    name = StringField(
        both(_l("Full name"), er_l("Full name")), filters=[strip],
        validators=[InputRequired(both(_l("Enter the full name"), er_l("Write the full name."))),
                    Length(max=200, message=both(_l("The name must be 200 characters or fewer"), TOO_LONG))],
    )
    email = EmailField(both(_l("Email address"), er_l("Email address")), filters=[strip])

    email_needed = False  # set when someone not signed in fills it in for themselves
    about_them = False  # set when it is filled in for someone else: the messages say "them"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("email", "name"):  # asked first, so errors are listed in the page's order
            self._fields.move_to_end(name, last=False)

    def validate_email(self, field: Any) -> None:
        if field.data:
            Email(both(_l("Enter an email address in the right format, like name@example.org"),
                       er_l("Write the email address like this: name@example.org")))(self, field)
        elif self.email_needed:
            raise ValidationError(both(_l("Enter your email address: we will send you a link to come back to this"),
                                       er_l("Write your email address. We will send you a link to come back.")))
        elif self.contact_channel.data == "email" and self.about_them:
            raise ValidationError(both(_l("Enter an email address so we can email them"),
                                       er_l("Write their email address. Then we can email them.")))
        elif self.contact_channel.data == "email":
            raise ValidationError(both(_l("Enter an email address so we can email you"),
                                       er_l("Write your email address. Then we can email you.")))

    def validate_phone(self, field: Any) -> None:
        if self.about_them and self.contact_channel.data in ("phone", "text") and not field.data:
            raise ValidationError(both(_l("Enter a phone number so we can call or text them"),
                                       er_l("Write their phone number. Then we can call or text them.")))
        super().validate_phone(field)

    def validate_address(self, field: Any) -> None:
        if self.about_them and self.contact_channel.data == "post" and not field.data:
            raise ValidationError(both(_l("Enter their postal address so we can write to them"),
                                       er_l("Write their address. Then we can send them letters.")))
        super().validate_address(field)


ALL_THAT_SUIT = both(_l("Choose all that suit you."), er_l("Choose all that are good for you."))


class TakingPartForm(Form):
    ways = SelectMultipleField(
        both(_l("How would you like to take part?"), er_l("How do you want to take part?")), choices=WAY_CHOICES,
        description=ALL_THAT_SUIT,
        validators=[InputRequired(both(_l("Choose at least one way to take part"),
                                       er_l("Choose at least 1 way to take part.")))],
    )
    availability = SelectMultipleField(
        both(_l("When can you usually take part?"), er_l("When are you free to take part?")),
        choices=AVAILABILITY_CHOICES, description=ALL_THAT_SUIT,
        validators=[InputRequired(both(_l("Choose at least one time that suits you"),
                                       er_l("Choose at least 1 time that is good for you.")))],
    )
    availability_note = TextAreaField(
        both(_l("Anything else about times? (optional)"), er_l("Anything else about times? You can leave this empty.")),
        filters=[strip],
        description=both(_l("For example, not before 10am, or not in school holidays."),
                         er_l("For example: not before 10 in the morning.")),
        validators=[Length(max=500, message=both(_l("This must be 500 characters or fewer"), TOO_LONG))],
    )


class InterestAccessForm(AccessForm):
    save_to_profile = SelectMultipleField(
        both(_l("Your profile"), er_l("Your profile")),
        choices=[SelectChoice("yes", both(_l("Also save these in my profile for next time"),
                                          er_l("Save this in my profile for next time.")))],
        validators=[Optional()],
    )


class AboutForm(Form):
    hopes = TextAreaField(
        both(_l("What would you like to get out of it? (optional)"), er_l("What would you like from this?")),
        filters=[strip],
        validators=[Length(max=1000, message=both(_l("This must be 1000 characters or fewer"), TOO_LONG))],
    )
    brings = TextAreaField(
        both(_l("What would you bring? (optional)"), er_l("What are you good at?")), filters=[strip],
        description=both(_l("Skills and knowledge from your life, work or interests all count."),
                         er_l("It can be from your life, your work or your hobbies.")),
        validators=[Length(max=1000, message=both(_l("This must be 1000 characters or fewer"), TOO_LONG))],
    )


class AgreeForm(Form):
    consent = _tick(both(_l("I agree that you can keep these details to contact me about this role"),
                         er_l("I agree. You can keep my details to contact me about this role.")),
                    both(_l("Tick the box so we can keep your details, or contact us another way"),
                         er_l("Tick the box so we can keep your details. Or contact us another way.")))


class CheckForm(Form):
    """Check your answers: sending needs only the CSRF token."""


class StatusForm(StaffForm):
    status = SelectField(_l("Status"), choices=STATUS_CHOICES,
                         validators=[InputRequired(_l("Choose a status"))])
    reason = TextAreaField(
        _l("Reason, in plain words (sent to them)"), filters=[strip],
        description=_l("Needed for \"Not this time\". Be kind and specific; we add other open roles."),
        validators=[Length(max=1000, message=_l("This must be 1000 characters or fewer"))],
    )

    #: The interest's status now (set by the route): which moves are the team's to make.
    current = "new"

    def validate_status(self, field: Any) -> None:
        if self.current == "withdrawn":
            raise ValidationError(_l("They withdrew their interest. Only they can change that, by saying they "
                                     "are interested again."))
        if field.data == "withdrawn":
            raise ValidationError(_l("Only the person can withdraw. If they told you, choose “Not this time” "
                                     "and say so."))

    def validate_reason(self, field: Any) -> None:
        if self.status.data == "not_this_time" and not field.data:
            raise ValidationError(_l("Say why, in plain words: the person will read it"))


class NoteForm(StaffForm):
    text = TextAreaField(
        _l("Add a note (staff only)"), filters=[strip],
        validators=[InputRequired(_l("Enter the note")),
                    Length(max=2000, message=_l("The note must be 2000 characters or fewer"))],
    )


class TriageFilterForm(StaffForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), choices=[SelectChoice("", _l("Any status"))] + STATUS_CHOICES,
                         validators=[Optional()])
    needs = SelectField(_l("Access needs"),
                        choices=[SelectChoice("", _l("Anyone")), SelectChoice("yes", _l("Has access needs"))],
                        validators=[Optional()])
    helped = SelectField(_l("Filled in by"),
                         choices=[SelectChoice("", _l("Anyone")), SelectChoice("yes", _l("A supporter"))],
                         validators=[Optional()])
