"""Test-only pages: every form component, with and without errors; and the two error pages
that only a database problem shows (503 "try again" while it is away, 400 for a value it refuses).

They are registered only on the browser suite's app so axe checks each macro and page in the
states a person meets; they are not part of the product.
"""

from __future__ import annotations

from flask import Blueprint, g, render_template, request
from werkzeug.datastructures import MultiDict
from sqlalchemy.exc import DataError, OperationalError
from wtforms import EmailField, FieldList, FileField, FormField, IntegerField, RadioField, SelectMultipleField, StringField, TelField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.form import Form
from wtforms.validators import InputRequired

from app.forms import DatePartsField, MoneyField
from app.forms import Form as KeptForm

bp = Blueprint("gallery", __name__, template_folder="templates")

REQ = InputRequired("Enter this")


class ItemForm(Form):
    description = StringField("What was it for?", validators=[REQ])
    amount = MoneyField("Amount", validators=[REQ])


class GalleryForm(KeptForm):
    name = StringField("Full name", description="As it appears on your bank account", validators=[REQ])
    email = EmailField("Email address", validators=[REQ])
    phone = TelField("Phone number", validators=[REQ])
    people = IntegerField("How many people?", validators=[REQ])
    story = TextAreaField("Anything else", validators=[REQ])
    channel = RadioField("How should we contact you?", choices=[SelectChoice("email", "Email"), SelectChoice("phone", "Phone call")],
                         validators=[REQ])
    needs = SelectMultipleField("What would help?", choices=[SelectChoice("docs", "Documents in advance"), SelectChoice("breaks", "Breaks")],
                                validators=[REQ])
    meeting = DatePartsField("Date of the meeting", description="For example, 27 3 2026", validators=[REQ])
    cost = MoneyField("Cost", validators=[REQ])
    receipt = FileField("Receipt", validators=[REQ])
    items = FieldList(FormField(ItemForm), min_entries=1)


@bp.route("/_test/components", methods=["GET", "POST"])
def components():  # type: ignore[no-untyped-def]
    form = GalleryForm()
    if request.method == "POST":
        form.validate()
    rows = [
        {"question": "Full name", "answer": "Sam Example", "change_url": "#name"},
        {"question": "Phone number", "answer": "", "change_url": "#phone"},
    ]
    points = [("money", "We pay you for your time."), ("stop", "You can stop at any time.")]
    return render_template("gallery.html", form=form, rows=rows, points=points)


@bp.get("/_test/database-away")
def database_away():  # type: ignore[no-untyped-def]
    raise OperationalError("SELECT 1", {}, ConnectionRefusedError("the database is restarting"))


@bp.get("/_test/kept-typing")
def kept_typing():  # type: ignore[no-untyped-def]
    """What a POST refused for an ended session shows: the page again, with what was typed and a notice."""
    g.kept_form = MultiDict([("name", "Sam Example"), ("story", "Please send the papers a week before")])
    return components()


@bp.get("/_test/value-refused")
def value_refused():  # type: ignore[no-untyped-def]
    raise DataError("SELECT 1", {}, ValueError("integer out of range"))
