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
