"""Optional equality monitoring: the nine protected characteristics of the Equality Act 2010.

Respectful, current wording (following the 2021 census questions where they exist);
every question can be skipped or answered "Prefer not to say". Answers are stored
with the role and the month only (``EqualityResponse``) and shown in aggregate.
"""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from app.forms import Form
from app.i18n import both, er_l
from wtforms import RadioField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import Optional

PREFER_NOT = SelectChoice("prefer_not", both(_l("Prefer not to say"), er_l("I do not want to say")))
YES = ("yes", both(_l("Yes"), er_l("Yes")))
NO = ("no", both(_l("No"), er_l("No")))


def _q(label: Any, hint: Any, *options: tuple[str, Any]) -> tuple[Any, Any, list[SelectChoice]]:
    return label, hint, [SelectChoice(value, text) for value, text in options] + [PREFER_NOT]


#: name: (question, hint, choices). The order follows the Act's list. Each with its easy-read words.
QUESTION_TEXT = {
    "age": _q(both(_l("How old are you?"), er_l("How old are you?")), None,
              ("under_25", both(_l("Under 25"), er_l("Under 25"))), ("25_34", both(_l("25 to 34"), er_l("25 to 34"))),
              ("35_44", both(_l("35 to 44"), er_l("35 to 44"))), ("45_54", both(_l("45 to 54"), er_l("45 to 54"))),
              ("55_64", both(_l("55 to 64"), er_l("55 to 64"))), ("65_74", both(_l("65 to 74"), er_l("65 to 74"))),
              ("75_over", both(_l("75 or over"), er_l("75 or older")))),
    "gender_identity": _q(both(_l("Is the gender you identify with the same as the sex you were registered at birth?"),
                               er_l("Is your gender the same as the sex you were given at birth?")),
                          None, YES, NO),
    "marriage": _q(both(_l("Are you married or in a civil partnership?"),
                        er_l("Are you married or in a civil partnership?")), None,
                   ("married", both(_l("Married"), er_l("Married"))),
                   ("civil_partnership", both(_l("In a civil partnership"), er_l("In a civil partnership"))),
                   ("neither", both(_l("Neither"), er_l("No, I am not")))),
    "pregnancy": _q(both(_l("Are you pregnant, or have you had a baby in the last year?"),
                         er_l("Are you pregnant? Or did you have a baby in the last year?")), None, YES, NO),
    "disability": _q(both(_l("Do you consider yourself to be disabled?"),
                          er_l("Do you think of yourself as disabled?")),
                     both(_l("The Equality Act counts a long-term condition that affects day-to-day life, "
                             "including mental health. You do not need to tell us what it is."),
                          er_l("The law counts an illness that lasts a long time and changes daily life. "
                               "Mental health counts too. You do not have to tell us what it is.")),
                     YES, NO),
    "ethnicity": _q(both(_l("What is your ethnic group?"), er_l("What is your ethnic group?")), None,
                    ("asian", both(_l("Asian or Asian British"), er_l("Asian or Asian British"))),
                    ("black", both(_l("Black, Black British, Caribbean or African"),
                                   er_l("Black, Black British, Caribbean or African"))),
                    ("mixed", both(_l("Mixed or multiple ethnic groups"), er_l("Mixed or more than 1 ethnic group"))),
                    ("white", both(_l("White"), er_l("White"))),
                    ("other", both(_l("Another ethnic group"), er_l("Another ethnic group")))),
    "religion": _q(both(_l("What is your religion or belief?"), er_l("What is your religion or belief?")), None,
                   ("none", both(_l("No religion"), er_l("No religion"))),
                   ("buddhist", both(_l("Buddhist"), er_l("Buddhist"))),
                   ("christian", both(_l("Christian"), er_l("Christian"))),
                   ("hindu", both(_l("Hindu"), er_l("Hindu"))), ("jewish", both(_l("Jewish"), er_l("Jewish"))),
                   ("muslim", both(_l("Muslim"), er_l("Muslim"))), ("sikh", both(_l("Sikh"), er_l("Sikh"))),
                   ("other", both(_l("Another religion or belief"), er_l("Another religion or belief")))),
    "sex": _q(both(_l("What is your sex?"), er_l("What is your sex?")), None,
              ("female", both(_l("Female"), er_l("Female"))), ("male", both(_l("Male"), er_l("Male")))),
    "sexual_orientation": _q(both(_l("Which of these best describes your sexual orientation?"),
                                  er_l("What is your sexual orientation?")), None,
                             ("straight", both(_l("Straight or heterosexual"), er_l("Straight"))),
                             ("gay_lesbian", both(_l("Gay or lesbian"), er_l("Gay or lesbian"))),
                             ("bisexual", both(_l("Bisexual"), er_l("Bisexual"))),
                             ("other", both(_l("Another sexual orientation"), er_l("Another sexual orientation")))),
}
#: name: the stored answer values, in order (for the report).
QUESTIONS = {name: [c.value for c in choices] for name, (_label, _hint, choices) in QUESTION_TEXT.items()}


class EqualityForm(Form):
    """Every question optional: leaving all of them blank stores nothing."""


for _name, (_label, _hint, _choices) in QUESTION_TEXT.items():
    setattr(EqualityForm, _name, RadioField(_label, description=_hint or "", choices=_choices,
                                            validators=[Optional()]))
