"""Phone numbers: read as people type them, stored in E.164, shown the way people read them.

A number is read with ``phonenumbers`` (UK when it has no country code), stored as E.164
(``+447700900982``), shown nationally for UK numbers (``07700 900982``) and internationally
otherwise (``+48 600 123 456``). ``can_text`` says whether we may send a text message to it:
mobiles in the regions ``TAKEPART_SMS_REGIONS`` names (UK only unless configured).
"""

from __future__ import annotations

from typing import Any

import phonenumbers
from flask import current_app, has_app_context
from phonenumbers import NumberParseException, PhoneNumberFormat, PhoneNumberType
from wtforms import TelField, ValidationError

DEFAULT_REGION = "GB"

#: Ofcom's ranges kept for drama and examples (07700 900xxx, 01632 960xxx): never anyone's
#: number, so our examples and test data use them, though ``phonenumbers`` calls them invalid.
_EXAMPLE_RANGES = {"+447700900": PhoneNumberType.MOBILE, "+441632960": PhoneNumberType.FIXED_LINE}


def _read(text: str, region: str = DEFAULT_REGION) -> phonenumbers.PhoneNumber | None:
    if not text or not text.strip():
        return None
    try:
        number = phonenumbers.parse(text.replace("(0)", ""), region)
    except NumberParseException:
        return None
    if phonenumbers.is_valid_number(number) or _example_type(number) is not None:
        return number
    return None


def _e164(number: phonenumbers.PhoneNumber) -> str:
    return phonenumbers.format_number(number, PhoneNumberFormat.E164)


def _example_type(number: phonenumbers.PhoneNumber) -> int | None:
    e164 = _e164(number)
    for prefix, kind in _EXAMPLE_RANGES.items():
        if e164.startswith(prefix) and len(e164) == len(prefix) + 3:
            return kind
    return None


def to_e164(text: str, region: str = DEFAULT_REGION) -> str | None:
    """``text`` as E.164 (``+447700900982``), or ``None`` when it is not a phone number we can read."""
    number = _read(text, region)
    return _e164(number) if number is not None else None


def display(value: str | None) -> str:
    """A stored number as people read it: national for the UK, international otherwise.

    A value not in E.164 (kept as typed: one we could not read, or text such as "116 123" that
    is not a stored number) is shown as it is.
    """
    if not value:
        return ""
    if not value.startswith("+"):
        return value
    number = _read(value)
    if number is None:
        return value
    if number.country_code == 44:
        if _example_type(number) is not None:  # phonenumbers has no layout for these: 07700 900982
            national = "0" + str(number.national_number)
            return f"{national[:5]} {national[5:]}"
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def sms_regions() -> tuple[str, ...]:
    if has_app_context():
        return tuple(r.upper() for r in current_app.config["SETTINGS"].takepart_sms_regions)
    return (DEFAULT_REGION,)


def can_text(value: str | None, regions: tuple[str, ...] | None = None) -> bool:
    """Whether a text message may go to this number: a mobile in one of the configured regions."""
    number = _read(value or "")
    if number is None:
        return False
    kind = _example_type(number)
    if kind is None:
        kind = phonenumbers.number_type(number)
    region = phonenumbers.region_code_for_number(number) or (DEFAULT_REGION if number.country_code == 44 else "")
    allowed = regions if regions is not None else sms_regions()
    return region in allowed and kind in (PhoneNumberType.MOBILE, PhoneNumberType.FIXED_LINE_OR_MOBILE)


class PhoneNumber:
    """A validator: the field must hold a phone number we can read (empty is left to other checks)."""

    def __init__(self, message: Any) -> None:
        self.message = message

    def __call__(self, form: Any, field: Any) -> None:
        if field.data and to_e164(field.data) is None:
            raise ValidationError(self.message)


class PhoneField(TelField):
    """A phone number box: shows a stored number as people read it, shows back what was typed, and
    hands over E.164 (``data``) when it reads as a number, so every room stores the same form."""

    def process_formdata(self, valuelist: list[Any]) -> None:
        # When reading what was sent, not after validating: journeys read saved answers without validating.
        super().process_formdata(valuelist)
        if self.data:
            self.data = to_e164(self.data) or self.data

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return display(self.data) if self.data else ""


def init_app(app: Any) -> None:
    """The ``phone`` template filter (text) beside ``tel`` (a link, in app.i18n)."""
    app.jinja_env.filters["phone"] = display
