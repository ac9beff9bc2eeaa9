"""Shared WTForms fields that the page forms of every room use.

``DatePartsField`` reads day/month/year boxes; ``MoneyField`` reads an amount as a
person types it (any digits, either decimal separator) into integer pence. Both
keep exactly what was typed so a page with errors shows it back unchanged.

``Request`` is the app's request class: every query-string and form value (and an uploaded
file's name) arrives without NUL characters. Nobody types one, a browser never sends one,
and PostgreSQL refuses text that contains one; removing them keeps everything else typed.

``Form`` is every page form's base. A POST refused because the session ended or its CSRF
token no longer matches (signed out in another tab, cookies cleared, away for weeks) is
never stored or acted on, but what was typed is not lost either: ``show_again`` renders
the same page as a GET with those values in its fields and a message to press the button
again (a fresh token comes with the page). When the page needs sign-in, the values wait
in the person's session cookie (never bank details or codes) until they are back on it.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Flask, Response, flash, g, has_request_context, request, session
from flask import Request as FlaskRequest
from flask_babel import gettext
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from werkzeug.datastructures import FileStorage, ImmutableMultiDict, MultiDict
from wtforms import Field, StringField
from wtforms.utils import unset_value
from wtforms.validators import StopValidation, ValidationError

from app.i18n import both, er_l, normalise_digits, parse_amount, to_pence


KEPT = "kept_form"  # session: {"path": ..., "values": [[name, value], ...]} waiting for sign-in
#: Never put in the cookie, even the person's own: secrets and bank details are typed again.
NEVER_KEPT = frozenset({"csrf_token", "password", "new_password", "code", "account_name", "sort_code",
                        "account_number", "roll_number"})
KEPT_MAX = 1500  # characters: the whole session cookie must stay under browsers' 4 KB


class Form(FlaskForm):
    """Base of every page form (see the module's note on ``show_again``)."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            kept = g.get("kept_form") if has_request_context() else None
            if kept is not None and formdata is not None and formdata is not request.args:
                return kept
            return super().wrap_formdata(form, formdata)


class StaffForm(Form):
    """A form only staff see. Every other form is a contributor's, and each of its labels, hints,
    choices and messages carries its easy-read words (``i18n.both``; tests/test_easy_read_coverage.py)."""


def _typed_values() -> list[tuple[str, str]]:
    return [(name, value) for name, value in request.form.items(multi=True)
            if name not in NEVER_KEPT and isinstance(value, str)]


def _same_origin() -> bool:
    """Did the refused POST come from one of our own pages? A browser says so in ``Sec-Fetch-Site``
    or ``Origin`` (every current browser sends one of them on a form POST)."""
    fetch_site = request.headers.get("Sec-Fetch-Site")
    if fetch_site is not None:
        return fetch_site == "same-origin"
    origin = request.headers.get("Origin")
    return origin is not None and origin.rstrip("/") == request.host_url.rstrip("/")


def show_again(app: Flask) -> Response | None:
    """The page of a refused POST again, as a GET, with what was typed; ``None`` if there is none.

    Only for a page that is also a GET (a button that only posts, such as "stop them acting for
    me", is never run this way) and only for a POST from one of our own pages: another site's
    form can neither act through this nor put its words into a person's form or session.
    The request goes through the before-request steps again as a GET (so the CSRF check, which
    only guards changes, lets it by, and the signed-in person is loaded) and the view draws the
    page; its forms take the typed values (``Form.Meta``). Nothing is saved.
    """
    from app.htmx import partial

    values = _typed_values()
    rule = request.url_rule
    if (request.method != "POST" or rule is None or "GET" not in (rule.methods or ()) or partial()
            or not _same_origin() or not any(v for _k, v in values)):
        return None
    request.method = request.environ["REQUEST_METHOD"] = "GET"
    g.kept_form = MultiDict(values)
    rv = app.preprocess_request()
    if rv is None:
        rv = app.dispatch_request()
    response = app.make_response(rv)
    if response.status_code in (301, 302, 303, 307, 308):  # sign in first: the values wait for them
        if len(repr(values)) <= KEPT_MAX:
            session[KEPT] = {"path": request.path, "values": values}
            flash(gettext("Sign in again to carry on. We have kept what you typed on that page."))
        return response
    if response.status_code != 200:
        return None
    response.status_code = 400  # nothing was saved: the page is shown again for the person to send
    return response


def _restore_kept() -> None:
    """Back on the page after signing in again: its fields show what was typed before."""
    kept = session.get(KEPT)
    if kept and request.method == "GET" and request.path == kept.get("path"):
        session.pop(KEPT)
        g.kept_form = MultiDict([tuple(pair) for pair in kept.get("values", [])])


class _StopOnUnreadable:
    """A field whose typed value could not be read needs no second message from validators."""

    process_errors: list[Any]

    def pre_validate(self, form: Any) -> None:
        if self.process_errors:
            raise StopValidation()


class DatePartsField(_StopOnUnreadable, Field):
    """A date typed into three boxes named ``<name>-day``, ``-month`` and ``-year``."""

    PARTS = ("day", "month", "year")
    #: What a person is told when the boxes cannot be read as a date (standard and easy read).
    messages = {
        "incomplete": both(_l("The date must include a day, a month and a year"),
                           er_l("Write the day, the month and the year. For example 27 3 2026.")),
        "not_a_date": both(_l("Enter a real date, for example 27 3 2026"),
                           er_l("Write a real date. For example 27 3 2026.")),
        "short_year": both(_l("Enter the year with 4 digits, for example 2026"),
                           er_l("Write the year with 4 numbers. For example 2026.")),
    }

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        super().__init__(label, validators, **kwargs)
        self.raw_parts: dict[str, str] = {p: "" for p in self.PARTS}

    def process(self, formdata: Any, data: Any = None, extra_filters: Any = None) -> None:  # noqa: D401
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.data = data
        if isinstance(self.data, date):
            self.raw_parts = {"day": str(self.data.day), "month": str(self.data.month), "year": str(self.data.year)}
        if formdata is not None and any(f"{self.name}-{p}" in formdata for p in self.PARTS):
            self.raw_parts = {p: formdata.get(f"{self.name}-{p}", "").strip() for p in self.PARTS}
            self.data = None
            typed = {p: normalise_digits(v) for p, v in self.raw_parts.items()}
            # InputRequired looks at raw_data: non-empty when anything was typed.
            self.raw_data = [" ".join(v for v in typed.values() if v)] if any(typed.values()) else []
            if not any(typed.values()):
                return
            missing = [p for p in self.PARTS if not typed[p]]
            if missing:
                self.process_errors.append(self.messages["incomplete"])
                return
            try:
                self.data = date(int(typed["year"]), int(typed["month"]), int(typed["day"]))
            except (ValueError, OverflowError):  # not a date, or a number too big for one (found by fuzzing)
                self.process_errors.append(self.messages["not_a_date"])
                return
            if self.data.year < 1900:
                self.data = None
                self.process_errors.append(self.messages["short_year"])

    def _value(self) -> str:
        return ""


MOST_POUNDS = 100_000  # the most a money box takes: amounts are whole pence in 32-bit columns


class MoneyField(_StopOnUnreadable, StringField):
    """An amount of money; ``data`` is integer pence (or ``None``)."""

    messages = {
        "unreadable": both(_l("Enter an amount in pounds and pence, like 12.50"),
                           er_l("Write the amount in pounds and pence. For example 12.50.")),
        "too_much": both(_l("Enter an amount up to £100,000"),
                         er_l("Write an amount of £100,000 or less.")),
    }

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        if not self.raw.strip():
            return
        amount = parse_amount(self.raw)
        if amount is None:
            raise ValueError(self.messages["unreadable"])
        if amount > MOST_POUNDS:  # more than anyone claims or is paid at once (and than a column holds)
            raise ValueError(self.messages["too_much"])
        self.data = to_pence(amount)

    def _value(self) -> str:
        if getattr(self, "raw", None) is not None:
            return self.raw
        return f"{self.data / 100:.2f}" if isinstance(self.data, int) else ""


class WholeNumberField(_StopOnUnreadable, StringField):
    """A whole number typed in any digits, with or without thousands separators; ``data`` is an int."""

    messages = {
        "unreadable": both(_l("Enter a whole number, like 10"), er_l("Write a whole number. For example 10.")),
    }

    def process_formdata(self, valuelist: list[Any]) -> None:
        self.raw = valuelist[0] if valuelist else ""
        self.data = None
        typed = normalise_digits(self.raw).replace(",", "").replace(" ", "").strip()
        if not typed:
            return
        if not typed.isascii() or not typed.isdigit():
            raise ValueError(self.messages["unreadable"])
        self.data = int(typed)

    def _value(self) -> str:
        if getattr(self, "raw", None) is not None:
            return self.raw
        return str(self.data) if isinstance(self.data, int) else ""


def min_length(length: int, message: Any) -> Any:
    """A length check whose message is translated and says what to do."""

    def check(_form: Any, field: Field) -> None:
        if field.data and len(field.data) < length:
            raise ValidationError(message)

    return check


def error_target(field: Field) -> str:
    """The id an error-summary link should point at: the first box or option."""
    if isinstance(field, DatePartsField):
        return f"{field.id}-day"
    if field.type in ("RadioField", "SelectMultipleField", "MultiCheckboxField"):
        return f"{field.id}-0"
    return field.id


def form_errors(form: Any) -> list[tuple[str, str]]:
    """Every field's first error, in page order, as (target id, message); first, any steps of a
    journey still to finish (``form.unfinished``), as (their address, what to do)."""
    out: list[tuple[str, str]] = [(link, str(message)) for message, link in getattr(form, "unfinished", None) or []]
    for field in form:
        if field.type == "FieldList" or not field.errors or field.type == "CSRFTokenField":
            pass  # a list's errors are its rows' (below), in the order of the rows
        elif not isinstance(field.errors[0], dict | list):
            out.append((error_target(field), str(field.errors[0])))
            if field.type == "MultipleFileField":  # one message for each file refused
                out += [(error_target(field), str(more)) for more in field.errors[1:]]
        if field.type == "FieldList":
            for entry in field:
                out.extend(form_errors(entry.form) if hasattr(entry, "form") else [])
    return out


def _without_nul(value: Any) -> Any:
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, FileStorage) and value.filename:
        value.filename = value.filename.replace("\x00", "")
    return value


class CleanMultiDict(ImmutableMultiDict):  # type: ignore[type-arg]
    """The request's args and form (and files' names) with NUL characters removed."""

    def __init__(self, mapping: Any = None) -> None:
        if mapping is not None and not isinstance(mapping, dict):
            mapping = [(_without_nul(key), _without_nul(value)) for key, value in mapping]
        super().__init__(mapping)


class Request(FlaskRequest):
    parameter_storage_class = CleanMultiDict


def init_app(app: Any) -> None:
    app.request_class = Request
    app.before_request(_restore_kept)
    app.jinja_env.globals.update(form_errors=form_errors)
