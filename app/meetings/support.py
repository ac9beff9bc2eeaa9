"""Where to get support now, shown beside feedback boxes: content staff edit per language.

Each language has its own ordered list (``SupportContact``). Today's defaults are seeded in every
language as rows (migration 0024), not as catalog strings: once staff edit a list it is theirs, and
a translation catalog would be a second copy they cannot change. A language without its own list
shows the English one, and the page says so in the person's language.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select

from app import audit, db
from app.audit import Actor
from app.meetings.models import SupportContact

ENGLISH = "en"

#: Today's defaults, (name, how to reach, when), per language.
DEFAULTS: dict[str, list[tuple[str, str, str]]] = {
    "en": [("Samaritans", "116 123", "Any time, day or night"),
           ("NHS 111, option 2", "111", "For urgent mental health help, any time"),
           ("Shout", "Text SHOUT to 85258", "Any time, by text message")],
    "cy": [("Samaritans", "116 123", "Unrhyw bryd, ddydd a nos"),
           ("GIG 111, opsiwn 2", "111", "Am help brys gyda iechyd meddwl, unrhyw bryd"),
           ("Shout", "Tecstiwch SHOUT i 85258", "Unrhyw bryd, drwy neges destun")],
    "ar": [("Samaritans", "116 123", "في أي وقت، ليلًا أو نهارًا"),
           ("NHS 111، الخيار 2", "111", "للمساعدة العاجلة في الصحة النفسية، في أي وقت"),
           ("Shout", "أرسل كلمة SHOUT في رسالة نصية إلى 85258", "في أي وقت، برسالة نصية")],
    "ur": [("Samaritans", "116 123", "کسی بھی وقت، دن ہو یا رات"),
           ("NHS 111، آپشن 2", "111", "ذہنی صحت کی فوری مدد کے لیے، کسی بھی وقت"),
           ("Shout", "SHOUT لکھ کر 85258 پر ٹیکسٹ کریں", "کسی بھی وقت، ٹیکسٹ میسج کے ذریعے")],
    "bn": [("Samaritans", "116 123", "যেকোনো সময়, দিনে বা রাতে"),
           ("NHS 111, অপশন 2", "111", "মানসিক স্বাস্থ্যের জরুরি সাহায্যের জন্য, যেকোনো সময়"),
           ("Shout", "SHOUT লিখে 85258 নম্বরে টেক্সট করুন", "যেকোনো সময়, টেক্সট মেসেজে")],
    "pl": [("Samaritans", "116 123", "O każdej porze, w dzień i w nocy"),
           ("NHS 111, opcja 2", "111", "Pilna pomoc w zdrowiu psychicznym, o każdej porze"),
           ("Shout", "Wyślij SMS o treści SHOUT na numer 85258", "O każdej porze, SMS-em")],
}


def entries(locale: str) -> list[SupportContact]:
    """One language's own list, in order (empty when it has none)."""
    return list(db.session().scalars(
        select(SupportContact).where(SupportContact.locale == locale).order_by(SupportContact.position)))


def list_for(locale: str) -> tuple[list[SupportContact], bool]:
    """The list to show in ``locale``, and whether it is the English one standing in for it."""
    own = entries(locale)
    if own or locale == ENGLISH:
        return own, False
    return entries(ENGLISH), True


def replace(locale: str, new: list[dict[str, Any]], by: Actor | None = None) -> None:
    """``locale``'s list becomes ``new`` (dicts of name, how, hours; empty rows left out).
    Never commits: the route does."""
    session = db.session()
    session.execute(delete(SupportContact).where(SupportContact.locale == locale))
    kept = [e for e in new if (e.get("name") or "").strip()]
    for position, entry in enumerate(kept, start=1):
        session.add(SupportContact(locale=locale, position=position, name=entry["name"].strip(),
                                   how=(entry.get("how") or "").strip(), hours=(entry.get("hours") or "").strip()))
    audit.record("support_now.changed", "support_contacts", locale, actor=by, after={"entries": len(kept)})


def default_rows() -> list[dict[str, Any]]:
    """Today's defaults as table rows: what migration 0024 ships (and what a test database that
    empties its tables puts back)."""
    return [{"locale": locale, "position": i, "name": name, "how": how, "hours": hours}
            for locale, entries in DEFAULTS.items() for i, (name, how, hours) in enumerate(entries, start=1)]


def seed(locale: str | None = None) -> None:
    """Today's defaults as rows (tests and a fresh database; the migration seeds its own). Never commits."""
    session = db.session()
    for code, rows in DEFAULTS.items():
        if locale not in (None, code):
            continue
        for position, (name, how, hours) in enumerate(rows, start=1):
            session.add(SupportContact(locale=code, position=position, name=name, how=how, hours=hours))
