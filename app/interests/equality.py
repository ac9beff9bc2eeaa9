"""Optional equality monitoring: the nine protected characteristics of the Equality Act 2010.

Respectful, current wording (following the 2021 census questions where they exist);
every question can be skipped or answered "Prefer not to say". Answers are stored
with the role and the month only (``EqualityResponse``) and shown in aggregate.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from app.forms import Form
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

PREFER_NOT = SelectChoice("prefer_not", _l("Prefer not to say"))


def _q(label: Any, hint: Any, *options: tuple[str, Any]) -> tuple[Any, Any, list[SelectChoice]]:
    return label, hint, [SelectChoice(value, text) for value, text in options] + [PREFER_NOT]


#: name: (question, hint, choices). The order follows the Act's list.
QUESTION_TEXT = {
    "age": _q(_l("How old are you?"), None,
              ("under_25", _l("Under 25")), ("25_34", _l("25 to 34")), ("35_44", _l("35 to 44")),
              ("45_54", _l("45 to 54")), ("55_64", _l("55 to 64")), ("65_74", _l("65 to 74")),
              ("75_over", _l("75 or over"))),
    "gender_identity": _q(_l("Is the gender you identify with the same as the sex you were registered at birth?"),
                          None, ("yes", _l("Yes")), ("no", _l("No"))),
    "marriage": _q(_l("Are you married or in a civil partnership?"), None,
                   ("married", _l("Married")), ("civil_partnership", _l("In a civil partnership")),
                   ("neither", _l("Neither"))),
    "pregnancy": _q(_l("Are you pregnant, or have you had a baby in the last year?"), None,
                    ("yes", _l("Yes")), ("no", _l("No"))),
    "disability": _q(_l("Do you consider yourself to be disabled?"),
                     _l("The Equality Act counts a long-term condition that affects day-to-day life, "
                        "including mental health. You do not need to tell us what it is."),
                     ("yes", _l("Yes")), ("no", _l("No"))),
    "ethnicity": _q(_l("What is your ethnic group?"), None,
                    ("asian", _l("Asian or Asian British")),
                    ("black", _l("Black, Black British, Caribbean or African")),
                    ("mixed", _l("Mixed or multiple ethnic groups")),
                    ("white", _l("White")), ("other", _l("Another ethnic group"))),
    "religion": _q(_l("What is your religion or belief?"), None,
                   ("none", _l("No religion")), ("buddhist", _l("Buddhist")), ("christian", _l("Christian")),
                   ("hindu", _l("Hindu")), ("jewish", _l("Jewish")), ("muslim", _l("Muslim")),
                   ("sikh", _l("Sikh")), ("other", _l("Another religion or belief"))),
    "sex": _q(_l("What is your sex?"), None, ("female", _l("Female")), ("male", _l("Male"))),
    "sexual_orientation": _q(_l("Which of these best describes your sexual orientation?"), None,
                             ("straight", _l("Straight or heterosexual")), ("gay_lesbian", _l("Gay or lesbian")),
                             ("bisexual", _l("Bisexual")), ("other", _l("Another sexual orientation"))),
}
#: name: the stored answer values, in order (for the report).
QUESTIONS = {name: [c.value for c in choices] for name, (_label, _hint, choices) in QUESTION_TEXT.items()}


class EqualityForm(Form):
    """Every question optional: leaving all of them blank stores nothing."""


for _name, (_label, _hint, _choices) in QUESTION_TEXT.items():
    setattr(EqualityForm, _name, RadioField(_label, description=_hint or "", choices=_choices,
                                            validators=[Optional()]))
