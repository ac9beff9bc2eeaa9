"""The forms of "your involvement" (which roles appear on the record) and the impact log."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.forms import DatePartsField, Form, StaffForm
from app.i18n import both, er_l


def _long(max_length: int) -> Length:
    return Length(max=max_length, message=_l("This must be %(max)d characters or fewer"))


def strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class RecordRolesForm(Form):
    """Choices are the roles the person took part in (set by the route), by id."""

    shown = SelectMultipleField(
        both(_l("Which roles should appear on your record?"), er_l("Which roles should be on your record?")),
        description=both(_l("A role's name can say something private about you. Untick any role you want to leave off."),
                         er_l("Some role names say private things about you. Untick a role to leave it off.")),
        coerce=int, choices=[], validate_choice=False, validators=[Optional()])


class ImpactForm(StaffForm):
    what_changed = TextAreaField(_l("What changed because people took part"), filters=[strip],
                                 validators=[InputRequired(_l("Enter what changed")), _long(2000)])
    changed_on = DatePartsField(_l("When it changed"), description=_l("For example, 1 6 2027."),
                                validators=[InputRequired(_l("Enter the date it changed"))])
    evidence = TextAreaField(_l("Evidence (optional)"), filters=[strip],
                             description=_l("How you know: a decision, a new leaflet, numbers, what people said."),
                             validators=[Optional(), _long(4000)])
    meeting_id = SelectField(_l("Meeting (optional)"), coerce=lambda v: int(v) if v else None, choices=[],
                             validate_choice=False, validators=[Optional()])
    you_said_id = SelectField(_l("\"You said, we did\" (optional)"), coerce=lambda v: int(v) if v else None,
                              choices=[], validate_choice=False, validators=[Optional()])
