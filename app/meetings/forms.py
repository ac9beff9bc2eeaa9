"""Forms for meetings (staff) and feedback (everyone, one short page, every question optional)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, ValidationError

from app.forms import DatePartsField, Form, StaffForm, WholeNumberField
from app.i18n import both, er_l, normalise_digits

LOCAL = ZoneInfo("Europe/London")  # where the meetings happen; stored in UTC


def strip(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else value


def _long(max_length: int) -> Length:
    return Length(max=max_length, message=both(_l("This must be %(max)d characters or fewer"),
                                               er_l("This is too long. Write up to %(max)s letters.")))


FORMAT_CHOICES = [
    SelectChoice("in_person", _l("In person")),
    SelectChoice("online", _l("Online")),
    SelectChoice("phone", _l("By phone")),
]


def parse_time(typed: str) -> time | None:
    """A time of day typed as 14:30, 14.30, 1430 or 9 (any digits)."""
    text = normalise_digits(typed or "").strip().replace(".", ":")
    match = re.fullmatch(r"(\d{1,2})(?::?(\d{2}))?", text)
    if not match:
        return None
    hours, minutes = int(match.group(1)), int(match.group(2) or 0)
    return time(hours, minutes) if hours < 24 and minutes < 60 else None


def local_to_utc(day: date, at: time) -> datetime:
    return datetime.combine(day, at, tzinfo=LOCAL).astimezone(timezone.utc)


class MeetingForm(StaffForm):
    title = StringField(_l("What the meeting is called"), filters=[strip],
                        validators=[InputRequired(_l("Enter what the meeting is called")), _long(200)])
    day = DatePartsField(_l("Date"), description=_l("For example, 27 3 2027."),
                         validators=[InputRequired(_l("Enter the date of the meeting"))])
    start = StringField(_l("Start time"), filters=[strip], description=_l("For example, 14:30."),
                        validators=[InputRequired(_l("Enter the start time"))])
    minutes = WholeNumberField(_l("How long it lasts, in minutes"), description=_l("For example, 90."),
                               validators=[InputRequired(_l("Enter how long it lasts, in minutes")), NumberRange(
                                   min=5, max=1440, message=_l("Enter a number of minutes from 5 to 1440"))])
    format = RadioField(_l("How people take part"), choices=FORMAT_CHOICES,
                        validators=[InputRequired(_l("Choose how people take part"))])
    venue = TextAreaField(_l("Where it is, and how to get there (optional)"), filters=[strip],
                          validators=[_long(2000)])
    link = StringField(_l("Link or phone number to join (optional)"), filters=[strip], validators=[_long(500)])
    agenda = TextAreaField(_l("What will happen: the agenda, shared in advance (optional)"), filters=[strip],
                           validators=[_long(5000)])
    questions = TextAreaField(_l("The questions we will ask (optional)"), filters=[strip],
                              description=_l("So people can think about them before the meeting."),
                              validators=[_long(5000)])
    change_note = TextAreaField(_l("What changed, in plain words (optional)"), filters=[strip],
                                description=_l("Shown at the top of the meeting's page, with today's date. "
                                               "Changes to the date, time or place are always shown."),
                                validators=[_long(1000)])

    def validate_start(self, field: Any) -> None:
        if field.data and parse_time(field.data) is None:
            raise ValidationError(_l("Enter the time like 14:30"))

    def values(self) -> dict[str, Any]:
        start = parse_time(self.start.data)
        assert start is not None and self.day.data is not None
        return {"title": self.title.data, "starts_at": local_to_utc(self.day.data, start),
                "minutes": self.minutes.data, "format": self.format.data, "venue": self.venue.data or "",
                "link": self.link.data or "", "agenda": self.agenda.data or "",
                "questions": self.questions.data or ""}


class RedactForm(StaffForm):
    words = StringField(_l("The personal details to remove, exactly as written"), filters=[strip],
                        validators=[InputRequired(_l("Enter the words to remove")), _long(500)])
    reason = StringField(_l("Why (kept in the audit trail)"), filters=[strip],
                         description=_l("For example, a name or a phone number."),
                         validators=[InputRequired(_l("Enter why these words are removed")), _long(200)])


class YouSaidForm(StaffForm):
    you_said = TextAreaField(_l("You said: what people told us"), filters=[strip],
                             validators=[InputRequired(_l("Enter what people told us")), _long(2000)])
    changed = RadioField(_l("Did something change?"), choices=[
        SelectChoice("yes", _l("Yes: say what we did")),
        SelectChoice("no", _l("No: say what did not change, and why"))],
        validators=[InputRequired(_l("Choose whether something changed"))])
    we_did = TextAreaField(_l("We did: what changed, or why it did not"), filters=[strip],
                           validators=[InputRequired(_l("Enter what we did, or why nothing changed")), _long(2000)])
    done_on = DatePartsField(_l("When it changed, or will (optional)"), description=_l("For example, 1 6 2027."),
                             validators=[Optional()])


class TranslateForm(StaffForm):
    you_said = TextAreaField(_l("You said"), filters=[strip], validators=[_long(2000)])
    we_did = TextAreaField(_l("We did"), filters=[strip], validators=[_long(2000)])


# --- feedback ---------------------------------------------------------------------------------

OVERALL = [SelectChoice("1", both(_l("Very bad"), er_l("Very bad"))), SelectChoice("2", both(_l("Bad"), er_l("Bad"))),
           SelectChoice("3", both(_l("OK"), er_l("OK"))), SelectChoice("4", both(_l("Good"), er_l("Good"))),
           SelectChoice("5", both(_l("Very good"), er_l("Very good")))]
AGREE = [SelectChoice("1", both(_l("No, not at all"), er_l("No, not at all"))),
         SelectChoice("2", both(_l("Not really"), er_l("Not really"))),
         SelectChoice("3", both(_l("Partly"), er_l("A bit"))), SelectChoice("4", both(_l("Mostly"), er_l("Mostly"))),
         SelectChoice("5", both(_l("Yes, completely"), er_l("Yes, completely")))]
NOT_ASKED = SelectChoice("0", both(_l("I did not ask for any"), er_l("I did not ask for help.")))


def _scale(label: Any, choices: list[SelectChoice]) -> RadioField:
    return RadioField(label, choices=choices, validators=[Optional()])


class FeedbackForm(Form):
    whose = RadioField(both(_l("Whose feedback is this?"), er_l("Whose feedback is this?")), validators=[Optional()])
    named = RadioField(both(_l("Do you want to put your name on it?"), er_l("Do you want to put your name on it?")),
                       choices=[SelectChoice("named", both(_l("Yes, put my name on it"), er_l("Yes, put my name on it."))),
                                SelectChoice("anonymous", both(_l("No, keep it anonymous"),
                                                               er_l("No, do not put my name on it.")))],
                       validate_choice=False)
    overall = _scale(both(_l("Overall, how did the meeting go?"), er_l("How was the meeting?")), OVERALL)
    listened = _scale(both(_l("Did you feel listened to?"), er_l("Did people listen to you?")), AGREE)
    could_say = _scale(both(_l("Could you say what you wanted to say?"), er_l("Could you say what you wanted?")),
                       AGREE)
    # Two questions, each with its own answer (it was one question asking both).
    information = _scale(both(_l("Was the information clear?"), er_l("Were the papers clear?")), AGREE)
    in_time = _scale(both(_l("Was the information sent to you in good time?"), er_l("Did the papers come in time?")),
                     AGREE)
    jargon = _scale(both(_l("Were the words easy to understand, without jargon?"), er_l("Were the words easy?")), AGREE)
    adjustments = _scale(both(_l("Did you get the support or changes you asked for?"),
                              er_l("Did you get the help you asked for?")), AGREE + [NOT_ASKED])
    safe_to_disagree = _scale(both(_l("Did you feel safe to disagree?"), er_l("Did you feel safe to say no?")), AGREE)
    went_well = TextAreaField(both(_l("What went well?"), er_l("What was good?")), filters=[strip],
                              validators=[_long(5000)])
    change = TextAreaField(both(_l("What should change?"), er_l("What should we do better?")), filters=[strip],
                           validators=[_long(5000)])
    anything_else = TextAreaField(both(_l("Anything else you want to tell us?"), er_l("Anything else?")),
                                  filters=[strip], validators=[_long(5000)])
    debrief = RadioField(both(_l("Would you like a one-to-one talk about the meeting (a debrief)?"),
                              er_l("Do you want to talk to 1 of our team about the meeting?")), choices=[
        SelectChoice("yes", both(_l("Yes, please contact me"), er_l("Yes, please contact me."))),
        SelectChoice("no", both(_l("No, thank you"), er_l("No, thank you.")))],
        validators=[Optional()])

    def validate(self, extra_validators: Any = None) -> bool:
        """An entirely empty form is not feedback: say so gently, at the first question."""
        from app.meetings.models import SCALES, TEXTS
        from app.meetings.service import is_empty

        valid = super().validate(extra_validators)
        answers = {name: self[name].data for name in SCALES}
        texts = {name: self[name].data or "" for name in TEXTS}
        if valid and is_empty(answers, texts, self.debrief.data == "yes" and self.named.data == "named"):
            self.overall.errors = [both(_l("You have not answered anything yet. Answer any question, or write "
                                           "something, then send it."),
                                        er_l("Answer 1 question, or write something. Then send it."))]
            return False
        return valid

    def validate_named(self, field: Any) -> None:
        """Asked only of people signed in who came (the route empties the choices otherwise)."""
        if self.named.choices and field.data not in ("named", "anonymous"):
            raise ValidationError(both(_l("Choose whether to put your name on it"),
                                       er_l("Choose if you want to put your name on it.")))


class SupportListForm(StaffForm):
    """One language's "support now" list: up to ``SUPPORT_ROWS`` rows of name, how, when
    (flat fields ``name_1``, ``how_1``, ``hours_1`` ..., so each error links to its own box)."""

    locale = ""

    def rows(self) -> list[tuple[Any, Any, Any]]:
        return [(self[f"name_{i}"], self[f"how_{i}"], self[f"hours_{i}"]) for i in range(1, SUPPORT_ROWS + 1)]

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        for name, how, hours in self.rows():
            if not name.data and (how.data or hours.data):
                name.errors = [*name.errors, _l("Enter who to contact, or clear this row")]
                ok = False
            elif name.data and not how.data:
                how.errors = [*how.errors, _l("Enter how to reach them: a number to call, or what to do")]
                ok = False
        if self.locale == "en" and not any(name.data for name, _how, _hours in self.rows()):
            self["name_1"].errors = [*self["name_1"].errors, _l(
                "Enter at least one place to get support: the English list is shown when a language has none")]
            ok = False
        return ok

    def entries(self) -> list[dict[str, str]]:
        return [{"name": n.data or "", "how": h.data or "", "hours": w.data or ""} for n, h, w in self.rows()]


SUPPORT_ROWS = 8
for _i in range(1, SUPPORT_ROWS + 1):
    setattr(SupportListForm, f"name_{_i}", StringField(
        _l("Who to contact"), filters=[strip], validators=[_long(200)]))
    setattr(SupportListForm, f"how_{_i}", StringField(
        _l("How to reach them"), filters=[strip], validators=[_long(200)],
        description=_l("A number to call, like 116 123, or what to do, like Text SHOUT to 85258.")))
    setattr(SupportListForm, f"hours_{_i}", StringField(
        _l("When, and what for (optional)"), filters=[strip], validators=[_long(200)],
        description=_l("For example, Any time, day or night.")))
