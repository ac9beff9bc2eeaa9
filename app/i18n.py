"""Locale and easy-read selection, text direction, and number/date/money helpers.

Locale order: ``?lang=`` (then remembered in a cookie), the cookie, the signed-in
person's saved preference (``g.preferred_locale``, set by the account room), the
browser's ``Accept-Language``, then English.

Easy read is a mode switched with ``?easy-read=on|off`` and remembered the same way.
Easy-read words live in their own gettext domain, ``easyread`` (``er("...")`` in
templates, ``translations/<locale>/LC_MESSAGES/easyread.po``), so translators see
at once which strings must be plain words, short sentences, one idea each, and the
easy-read text of a page is translated and checked like everything else.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any
from urllib.parse import urlencode

from babel import Locale
from babel.lists import format_list
from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import Babel, Domain, LazyString, format_currency, format_date, format_number, format_time, get_locale
from jinja2 import pass_eval_context
from jinja2.nodes import EvalContext
from markupsafe import Markup, escape

from app.settings import ROOT

LANG_COOKIE = "lang"
EASY_READ_COOKIE = "easy_read"
EASY_READ_DOMAIN = "easyread"
COOKIE_MAX_AGE = 365 * 24 * 3600


@dataclass(frozen=True)
class Language:
    """A shipped language as the switcher shows it."""

    code: str
    name: str  # in its own language
    direction: str  # "ltr" or "rtl"


@lru_cache(maxsize=64)  # the shipped languages' names never change while the app runs
def language(code: str) -> Language:
    loc = Locale.parse(code)
    name = loc.get_display_name(loc) or code
    return Language(code=code, name=name[:1].upper() + name[1:], direction=loc.text_direction)


def available() -> list[Language]:
    """The language switcher's list, worked out once (every page draws it)."""
    return _available(tuple(current_app.config["LOCALES"]))


@lru_cache(maxsize=8)
def _available(codes: tuple[str, ...]) -> list[Language]:
    return [language(code) for code in codes]


def _valid(code: str | None) -> str | None:
    if code and code in current_app.config["LOCALES"]:
        return code
    return None


# English is British English here: dates like "3 November 2026", not "November 3, 2026".
FORMAT_LOCALES = {"en": "en_GB"}


def select_locale() -> str:
    """Flask-Babel locale selector (see module docstring for the order)."""
    code = (
        _valid(request.args.get("lang"))
        or _valid(request.cookies.get(LANG_COOKIE))
        or _valid(g.get("preferred_locale"))
        or request.accept_languages.best_match(current_app.config["LOCALES"])
        or "en"
    )
    return FORMAT_LOCALES.get(code, code)


def current_language() -> str:
    """The shipped language code in use ("en", "cy", ...), whatever regional format it uses."""
    loc = get_locale()
    return loc.language if loc else "en"


def easy_read_on() -> bool:
    """Whether easy read is on: ``?easy-read=``, then the cookie, then the signed-in person's choice."""
    forced = g.get("easy_read_forced")  # a document drawn in the person's choice (app/documents.py)
    if forced is not None:
        return bool(forced)
    arg = request.args.get("easy-read")
    if arg in ("on", "off"):
        return arg == "on"
    cookie = request.cookies.get(EASY_READ_COOKIE)
    if cookie in ("on", "off"):
        return cookie == "on"
    return bool(g.get("easy_read_preference", False))


def _remember_choices(response: Response) -> Response:
    """Persist ``?lang=`` and ``?easy-read=`` choices in long-lived cookies."""
    secure = current_app.config["SESSION_COOKIE_SECURE"]
    lang = _valid(request.args.get("lang"))
    if lang:
        response.set_cookie(
            LANG_COOKIE, lang, max_age=COOKIE_MAX_AGE, secure=secure, httponly=True, samesite="Lax"
        )
    easy = request.args.get("easy-read")
    if easy in ("on", "off"):
        response.set_cookie(
            EASY_READ_COOKIE, easy, max_age=COOKIE_MAX_AGE, secure=secure, httponly=True, samesite="Lax"
        )
    return response


def direction() -> str:
    return get_locale().text_direction if get_locale() else "ltr"


def url_with(**changes: str | None) -> str:
    """The current path with some query arguments changed (``None`` removes one)."""
    args = request.args.to_dict(flat=True)
    for key, value in changes.items():
        key = key.replace("_", "-")
        if value is None:
            args.pop(key, None)
        else:
            args[key] = value
    return request.path + ("?" + urlencode(args) if args else "")


def translation_unchecked() -> bool:
    return current_language() in current_app.config["UNCHECKED_LOCALES"]


def money(pence: int) -> str:
    """Format an amount in pence as pounds in the current locale."""
    return format_currency(Decimal(pence) / 100, "GBP")


def number(value: int) -> str:
    """A whole number with the locale's grouping (1,000 in English)."""
    return format_number(value)


def long_date(value: date | datetime) -> str:
    return format_date(value, format="long")


def month_name(value: str) -> str:
    """"2026-11" as the locale says a month and year ("November 2026")."""
    year, month = value.split("-")
    return format_date(date(int(year), int(month), 1), format="LLLL y")


def time_of_day(value: datetime) -> str:
    """14:30 (or the locale's way), in the organisation's time zone."""
    return format_time(value, format="short")


def date_time(value: datetime) -> str:
    """"7 Dec 2026, 09:00" (or the locale's way): the day, and the time without seconds."""
    pattern = get_locale().datetime_formats["medium"]
    return pattern.format(format_time(value, format="short"), format_date(value, format="medium"))


# Any Unicode decimal digit (Arabic-Indic, Extended Arabic-Indic, Bengali, ...)
# maps to 0-9; Arabic decimal and thousands separators map to "." and ",".
_SEPARATORS = {"\u066b": ".", "\u066c": ",", "\u060c": ",", " ": "", "\u00a0": "", "\u202f": "", "'": ""}


def normalise_digits(text: str) -> str:
    """Replace every Unicode decimal digit with its ASCII digit."""
    out = []
    for ch in text:
        digit = unicodedata.decimal(ch, None)
        out.append(str(digit) if digit is not None else _SEPARATORS.get(ch, ch))
    return "".join(out)


_AMOUNT = re.compile(r"^\d+(?:[.,]\d+)*$")


def parse_amount(text: str) -> Decimal | None:
    """Read an amount of money typed by a person; ``None`` if it is not one.

    Accepts "12.50", "12,50", "£12.50", "1,250.00", "1.250,00" and the same in
    Arabic-Indic or Bengali digits. When both separators appear, the last is the
    decimal point; a lone comma followed by one or two digits is a decimal comma.
    Negative amounts and more than two decimal places are refused.
    """
    s = normalise_digits(text.strip()).replace("£", "").replace("GBP", "").strip()
    if not s or not _AMOUNT.match(s):
        return None
    last_dot, last_comma = s.rfind("."), s.rfind(",")
    if last_dot >= 0 and last_comma >= 0:
        decimal_sep = "." if last_dot > last_comma else ","
    elif last_comma >= 0:
        # "12,50" is a decimal comma; "1,250" and "1,250,000" group thousands.
        decimals = len(s) - last_comma - 1
        decimal_sep = "," if s.count(",") == 1 and decimals in (1, 2) else ""
    elif last_dot >= 0:
        if s.count(".") > 1:
            decimal_sep = ""  # "1.250.000" groups thousands
        else:
            decimal_sep = "."
    else:
        decimal_sep = ""
    if decimal_sep:
        whole, _, frac = s.rpartition(decimal_sep)
        other = "," if decimal_sep == "." else "."
        if other in frac or len(frac) > 2:
            return None
        s = f"{whole.replace(other, '')}.{frac}"
    else:
        groups = re.split(r"[.,]", s)
        if len(groups) > 1 and (len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:])):
            return None
        s = "".join(groups)
    try:
        value = Decimal(s)
    except InvalidOperation:
        return None
    return value.quantize(Decimal("0.01"))


def to_pence(amount: Decimal) -> int:
    return int((amount * 100).to_integral_value())


_easy_read = Domain(translation_directories=[str(ROOT / "translations")], domain=EASY_READ_DOMAIN)


def er(text: str, **variables: object) -> str:
    """Easy-read text from the ``easyread`` domain (``%(name)s`` placeholders allowed). A value
    given as markup (a name isolated with ``|bdi``) keeps it, and the rest is escaped, as ``_()``
    does in a template."""
    if any(isinstance(value, Markup) for value in variables.values()):
        return Markup(escape(_easy_read.gettext(text))) % variables
    return _easy_read.gettext(text, **variables)


def er_l(text: str, **variables: object) -> LazyString:
    """Easy-read text looked up when it is shown: for words declared at import time (a form's
    labels, hints, choices and messages), as ``lazy_gettext`` is for standard text."""
    return LazyString(er, text, **variables)


class Both:
    """Words with their easy-read form, declared together where the words are (a field's label,
    hint, option or error message): the easy-read text while easy read is on, else the standard
    text. Lazy, so one form class serves every request; behaves as the chosen string."""

    __slots__ = ("standard", "easy")

    def __init__(self, standard: Any, easy: Any) -> None:
        self.standard, self.easy = standard, easy

    def pick(self) -> Any:
        return self.easy if has_request_context() and easy_read_on() else self.standard

    def __str__(self) -> str:
        return str(self.pick())

    def __html__(self) -> Markup:
        return escape(self.pick())

    def __mod__(self, values: Any) -> Any:
        return self.pick() % values

    def __eq__(self, other: object) -> bool:
        return str(self) == str(other)

    def __hash__(self) -> int:
        return hash(str(self))

    def __bool__(self) -> bool:
        return bool(str(self))

    def __len__(self) -> int:
        return len(str(self))

    def __add__(self, other: str) -> str:
        return str(self) + other

    def __radd__(self, other: str) -> str:
        return other + str(self)

    def __getattr__(self, name: str) -> Any:  # the string's own methods (strip, upper, ...)
        if name.startswith("__") or name in Both.__slots__:  # copying or pickling: not a string method
            raise AttributeError(name)
        return getattr(str(self), name)

    def __repr__(self) -> str:
        return f"both({self.standard!r}, {self.easy!r})"


def both(standard: Any, easy: Any) -> Both:
    """``both(_l("Enter the hours, or 0"), er_l("Write how many hours. For example 2."))``."""
    return Both(standard, easy)


def pick(standard: Any, easy: Any) -> Any:
    """In a template: ``pick(_("Continue"), er("Go to the next page"))``, the one easy read asks for."""
    return easy if easy_read_on() else standard


def named(translated: str, **names: object) -> Markup:
    """A translated sentence (``_("Pay %(name)s for their time")``, given no values) with each name
    escaped and isolated (``bdi``): for words built in Python, such as a field's label or choices."""
    return Markup(escape(translated)) % {key: bdi(value) for key, value in names.items()}


def bdi(text: object, lang: str | None = None) -> Markup:
    """Someone's own words (a name) inside a sentence, escaped and isolated with ``<bdi>`` so a
    right-to-left name on a left-to-right page (or the other way round) keeps its own direction
    and does not move the words around it. Words in another language than the page (a ``Said``,
    or ``lang`` given: ``meeting.title | bdi(written_in)``) also say which, with ``lang`` and ``dir``."""
    return Markup("<bdi%s>%s</bdi>") % (lang_attrs(text, lang), text)


def ern(singular: str, plural: str, num: int, /, **variables: object) -> str:
    """Easy-read text with a count (``ngettext`` in the ``easyread`` domain; ``%(num)s`` is the count).
    As with ``ngettext`` in a template, ``num=`` may give other words for the count (``num="%(num)s"``
    keeps the placeholder, for app.js to fill in a count it works out itself)."""
    variables.setdefault("num", num)
    return _easy_read.get_translations().ungettext(singular, plural, num) % variables


def _fell_back(domain: Domain, key: object) -> bool:
    """Whether ``key`` has no translation in the current language (so the English is shown)."""
    if current_language() == "en":
        return False
    catalog = getattr(domain.get_translations(), "_catalog", None)
    return catalog is not None and key not in catalog


@pass_eval_context
def _er_in_page(ctx: EvalContext, text: str, **variables: object) -> str:
    """``er()`` for templates: English shown for want of a translation says it is English."""
    words = er(text, **variables)
    if ctx.autoescape and _fell_back(_easy_read, text):
        return Markup("<bdi%s>%s</bdi>") % (lang_attrs(None, "en"), words)
    return words


@pass_eval_context
def _ern_in_page(ctx: EvalContext, singular: str, plural: str, num: int, /, **variables: object) -> str:
    words = ern(singular, plural, num, **variables)
    if ctx.autoescape and _fell_back(_easy_read, (singular, 0)):
        return Markup("<bdi%s>%s</bdi>") % (lang_attrs(None, "en"), words)
    return words


# --- Words in another language than the page --------------------------------------------------
# A role not yet translated, a meeting's title, English easy read where no translation exists:
# such words carry their own language, so the page can mark them (lang, dir) and English is not
# laid out right to left on an Arabic page (".leaflet easy to read").

#: Staff write roles, meetings and "you said, we did" in English; other languages are translations.
WRITTEN_IN = "en"


class Said(str):
    """Text that knows which language it is in (``lang``); otherwise an ordinary string."""

    lang: str

    def __new__(cls, text: str, lang: str) -> "Said":
        said = super().__new__(cls, text)
        said.lang = lang
        return said

    def __getnewargs__(self) -> tuple[str, str]:  # type: ignore[override]
        return (str(self), self.lang)


def foreign(value: object, lang: str | None = None) -> str | None:
    """The language ``value`` is in when it differs from the page's, else ``None``."""
    code = lang or getattr(value, "lang", None)
    return code if code and code != current_language() else None


def _direction_of(code: str) -> str:
    return Locale.parse(code).text_direction


def lang_attrs(value: object, lang: str | None = None) -> Markup:
    """` lang="en" dir="ltr"` for an element holding ``value`` when it is in another language."""
    code = foreign(value, lang)
    if not code:
        return Markup("")
    return Markup(' lang="%s" dir="%s"') % (code, _direction_of(code))


@pass_eval_context
def _tel_filter(ctx: EvalContext, number: str | None) -> object:
    """A phone number as a link a phone can call, kept left to right on a right-to-left page."""
    if not number or not ctx.autoescape:
        return number
    from app.phones import display

    shown = display(str(number))  # stored in E.164: shown as people read it (07700 900982)
    dial = normalise_digits(str(number)).replace("(0)", "") if str(number).startswith("+") else normalise_digits(str(number))
    dial = re.sub(r"[^0-9+]", "", dial)
    return Markup('<a href="tel:%s" class="tel" dir="ltr">%s</a>') % (dial, shown)


_NUMBER_AT_END = re.compile(r"^(?P<before>.*:\s*)(?P<number>\+?[0-9][0-9 ()]{1,}[0-9])$")


@pass_eval_context
def _number_at_end_filter(ctx: EvalContext, text: str) -> object:
    """"Samaritans, any time: 116 123": the number after the last colon becomes a ``tel`` link."""
    match = _NUMBER_AT_END.match(text or "")
    if not match or not ctx.autoescape:
        return text
    return escape(match["before"]) + _tel_filter(ctx, match["number"])


@pass_eval_context
def _reference_filter(ctx: EvalContext, reference: str | None) -> object:
    """A reference (TP-JT6G-BB) that never breaks across lines and reads left to right."""
    if not reference or not ctx.autoescape:
        return reference
    return Markup('<span class="reference" dir="ltr">%s</span>') % reference


def join_words(items: list[object] | tuple[object, ...]) -> str:
    """Words joined as the page's language joins a list ("a, b and c"; "a، b و c")."""
    words = [str(item) for item in items if item]
    return format_list(words, locale=get_locale() or "en_GB") if words else ""


def join_details(items: list[object] | tuple[object, ...]) -> str:
    """Different facts about one thing (a name, an email address, a relationship) side by side,
    with the page language's comma ("،" in Arabic and Urdu) and no "and"."""
    return ("، " if direction() == "rtl" else ", ").join(str(item) for item in items if item)


def plural_samples() -> dict[str, int]:
    """The smallest whole number in each CLDR plural category of the current language.

    ``{"one": 1, "other": 0}`` in English. A template renders ``ngettext`` once for each, so
    app.js can pick the right wording for a count it works out itself (``Intl.PluralRules``).
    """
    return _plural_samples(str(get_locale() or "en"))


@lru_cache(maxsize=32)
def _plural_samples(locale: str) -> dict[str, int]:
    rule = Locale.parse(locale).plural_form
    samples: dict[str, int] = {}
    for n in range(201):
        samples.setdefault(rule(n), n)
    return samples


def init_app(app: Flask) -> None:
    Babel(app, locale_selector=select_locale, default_translation_directories=str(ROOT / "translations"))
    app.after_request(_remember_choices)
    app.jinja_env.globals.update(
        url_with=url_with,
        er=_er_in_page,
        ern=_ern_in_page,
        pick=pick,
        lang_attrs=lang_attrs,
        written_in=WRITTEN_IN,
        plural_samples=plural_samples,
        easy_read_on=easy_read_on,
        text_direction=direction,
        languages=available,
        translation_unchecked=translation_unchecked,
        current_locale=current_language,
    )
    app.jinja_env.filters.update(bdi=bdi, money=money, number=number, long_date=long_date, date_time=date_time,
                                 time_of_day=time_of_day, month_name=month_name, join_words=join_words,
                                 tel=_tel_filter, number_at_end=_number_at_end_filter, reference=_reference_filter)

