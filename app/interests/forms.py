"""One form per page of "I'm interested", and the staff triage forms.

Nothing here asks about diagnosis, treatment or someone's story, and nobody has
to say whether they are a patient, carer or member of staff.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from app.forms import Form, StaffForm
from wtforms import EmailField, RadioField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Email, InputRequired, Length, Optional, ValidationError

from app.account.forms import RELATIONSHIP_CHOICES, AccessForm, ContactForm, strip

WAY_CHOICES = [
    SelectChoice("in_person", _l("In person")),
    SelectChoice("online", _l("Online, by video")),
    SelectChoice("phone", _l("By phone")),
]
AVAILABILITY_CHOICES = [
    SelectChoice("weekday_daytime", _l("Weekdays, in the daytime")),
    SelectChoice("weekday_evening", _l("Weekday evenings")),
    SelectChoice("weekend", _l("Weekends")),
]
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
    for_whom = RadioField(_l("Who is filling this in?"),
                          validators=[InputRequired(_l("Choose who you are filling this in for"))])


class HelperForm(Form):
    """Someone filling it in for another person: who they are, and that the person agrees."""

    helper_name = StringField(
        _l("Your full name"), filters=[strip],
        validators=[InputRequired(_l("Enter your full name")),
                    Length(max=200, message=_l("Your name must be 200 characters or fewer"))],
    )
    helper_email = EmailField(
        _l("Your email address"), filters=[strip],
        description=_l("We will send you a link so you can come back to this."),
        validators=[InputRequired(_l("Enter your email address")),
                    Email(_l("Enter an email address in the right format, like name@example.org"))],
    )
    relationship = RadioField(
        _l("How do you help them?"), choices=RELATIONSHIP_CHOICES,
        validators=[InputRequired(_l("Choose how you help them"))],
    )
    agreed = _tick(_l("They know I am doing this, and they agree to it"),
                   _l("Tick the box to say they agree, or ask them first and come back"))


class InterestContactForm(ContactForm):
    """The person's name and how to reach them (filled in from their profile when we have it)."""

    name = StringField(
        _l("Full name"), filters=[strip],
        validators=[InputRequired(_l("Enter the full name")),
                    Length(max=200, message=_l("The name must be 200 characters or fewer"))],
    )
    email = EmailField(_l("Email address"), filters=[strip])

    email_needed = False  # set when someone not signed in fills it in for themselves
    about_them = False  # set when it is filled in for someone else: the messages say "them"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("email", "name"):  # asked first, so errors are listed in the page's order
            self._fields.move_to_end(name, last=False)

    def validate_email(self, field: Any) -> None:
        if field.data:
            Email(_l("Enter an email address in the right format, like name@example.org"))(self, field)
        elif self.email_needed:
            raise ValidationError(_l("Enter your email address: we will send you a link to come back to this"))
        elif self.contact_channel.data == "email":
            raise ValidationError(_l("Enter an email address so we can email them") if self.about_them
                                  else _l("Enter an email address so we can email you"))

    def validate_phone(self, field: Any) -> None:
        if self.about_them and self.contact_channel.data in ("phone", "text") and not field.data:
            raise ValidationError(_l("Enter a phone number so we can call or text them"))
        super().validate_phone(field)

    def validate_address(self, field: Any) -> None:
        if self.about_them and self.contact_channel.data == "post" and not field.data:
            raise ValidationError(_l("Enter their postal address so we can write to them"))
        super().validate_address(field)


class TakingPartForm(Form):
    ways = SelectMultipleField(
        _l("How would you like to take part?"), choices=WAY_CHOICES, description=_l("Choose all that suit you."),
        validators=[InputRequired(_l("Choose at least one way to take part"))],
    )
    availability = SelectMultipleField(
        _l("When can you usually take part?"), choices=AVAILABILITY_CHOICES,
        description=_l("Choose all that suit you."),
        validators=[InputRequired(_l("Choose at least one time that suits you"))],
    )
    availability_note = TextAreaField(
        _l("Anything else about times? (optional)"), filters=[strip],
        description=_l("For example, not before 10am, or not in school holidays."),
        validators=[Length(max=500, message=_l("This must be 500 characters or fewer"))],
    )


class InterestAccessForm(AccessForm):
    save_to_profile = SelectMultipleField(
        _l("Your profile"), choices=[SelectChoice("yes", _l("Also save these in my profile for next time"))],
        validators=[Optional()],
    )


class AboutForm(Form):
    hopes = TextAreaField(
        _l("What would you like to get out of it? (optional)"), filters=[strip],
        validators=[Length(max=1000, message=_l("This must be 1000 characters or fewer"))],
    )
    brings = TextAreaField(
        _l("What would you bring? (optional)"), filters=[strip],
        description=_l("Skills and knowledge from your life, work or interests all count."),
        validators=[Length(max=1000, message=_l("This must be 1000 characters or fewer"))],
    )




class AgreeForm(Form):
    consent = _tick(_l("I agree that you can keep these details to contact me about this role"),
                    _l("Tick the box so we can keep your details, or contact us another way"))


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
