"""Shared fields: dates typed in three boxes and amounts typed any way people type them."""

from __future__ import annotations

from datetime import date

import pytest
from flask_wtf import FlaskForm
from werkzeug.datastructures import MultiDict
from wtforms.validators import InputRequired

from app.forms import DatePartsField, MoneyField, form_errors


class ClaimLikeForm(FlaskForm):
    class Meta:
        csrf = False

    meeting = DatePartsField("Date of the meeting", validators=[InputRequired("Enter the date of the meeting")])
    amount = MoneyField("Amount", validators=[InputRequired("Enter the amount")])


def submit(**data: str) -> ClaimLikeForm:
    form = ClaimLikeForm(formdata=MultiDict(data))
    form.validate()
    return form


@pytest.mark.parametrize(
    "day, month, year, expected",
    [("27", "3", "2026", date(2026, 3, 27)), ("٢٧", "٣", "٢٠٢٦", date(2026, 3, 27)), (" 1 ", "01", "2025", date(2025, 1, 1))],
)
def test_dates_are_read_from_three_boxes(app_ctx, day: str, month: str, year: str, expected: date) -> None:
    with app_ctx.test_request_context(method="POST"):
        form = submit(**{"meeting-day": day, "meeting-month": month, "meeting-year": year, "amount": "1"})
        assert form.meeting.data == expected and not form.meeting.errors


@pytest.mark.parametrize(
    "parts, message",
    [
        (("", "", ""), "Enter the date of the meeting"),
        (("27", "", "2026"), "The date must include a day, a month and a year"),
        (("31", "2", "2026"), "Enter a real date, for example 27 3 2026"),
        (("1", "2", "26"), "Enter the year with 4 digits, for example 2026"),
        (("1", "2", "9" * 30), "Enter a real date, for example 27 3 2026"),  # too big for any date
    ],
)
def test_date_errors_say_what_to_do_and_keep_what_was_typed(app_ctx, parts: tuple[str, str, str],
                                                             message: str) -> None:
    day, month, year = parts
    with app_ctx.test_request_context(method="POST"):
        form = submit(**{"meeting-day": day, "meeting-month": month, "meeting-year": year, "amount": "1"})
        assert form.meeting.errors[0] == message
        assert form.meeting.raw_parts == {"day": day, "month": month, "year": year}
        assert ("meeting-day", message) in form_errors(form)


def test_amounts_become_pence_and_bad_ones_are_kept(app_ctx) -> None:
    with app_ctx.test_request_context(method="POST"):
        ok = submit(**{"amount": "١٢٫٥٠", "meeting-day": "1", "meeting-month": "1", "meeting-year": "2026"})
        assert ok.amount.data == 1250 and not ok.amount.errors
        bad = submit(**{"amount": "twelve", "meeting-day": "1", "meeting-month": "1", "meeting-year": "2026"})
        assert bad.amount.errors == ["Enter an amount in pounds and pence, like 12.50"]
        assert bad.amount._value() == "twelve"
        assert ("amount", "Enter an amount in pounds and pence, like 12.50") in form_errors(bad)
        # More than a money box takes (PostgreSQL's integer columns would refuse it): said, and kept.
        huge = submit(**{"amount": "99999999999", "meeting-day": "1", "meeting-month": "1", "meeting-year": "2026"})
        assert huge.amount.errors == ["Enter an amount up to £100,000"] and huge.amount._value() == "99999999999"
        most = submit(**{"amount": "100000", "meeting-day": "1", "meeting-month": "1", "meeting-year": "2026"})
        assert most.amount.data == 10_000_000 and not most.amount.errors


def test_nul_characters_are_removed_and_everything_else_typed_is_kept(app) -> None:
    """PostgreSQL refuses text with NUL in it; a name sent with one is saved without it."""
    from app import db
    from app.account.models import Contributor
    from tests.account.test_details import signed_in

    cr, cid = signed_in(app, name="")
    cr.post_redirect("/account/details/name", {"name": "Sam\x00 Example", "known_as": "\x00Sam"})
    with app.app_context():
        person = db.session().get(Contributor, cid)
        assert (person.name, person.known_as) == ("Sam Example", "Sam")


def test_a_search_with_a_nul_character_finds_things_rather_than_failing(app, as_officer) -> None:
    page = as_officer.get("/staff/claims/?q=CL%00-&lang=en")
    assert "0 claims found." in page.text()
    assert page.find(".//input[@name='q']").get("value") == "CL-"


def test_a_value_the_database_refuses_is_a_page_that_says_check_what_you_entered(app, client) -> None:
    """The last line of defence: a DataError no form caught is a 400 page, not a server error."""
    from tests.a11y.gallery import bp as gallery_bp

    app.register_blueprint(gallery_bp)
    response = client.get("/_test/value-refused?lang=cy")
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert '<html lang="cy"' in html and "<main" in html and "integer out of range" not in html
