"""Writing help for staff: jargon and acronyms to explain, and sentences too long for easy read.

Advisory only: nothing here ever blocks saving or publishing. The default list
comes from the guidance (SPEC: avoid jargon and acronyms; never screen people out
with wording like "strategic experience"). ``JARGON_TERMS`` adds to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import lazy_gettext as _l

# Suggestions are shown to staff in their language; the terms are English words to find.
DEFAULT_TERMS: dict[str, Any] = {
    "experts by experience": _l("people with lived experience"),
    "expert by experience": _l("person with lived experience"),
    "service user": _l("people who use services"),
    "service users": _l("people who use services"),
    "co-production": _l("working together as equals: say what it will mean in this role"),
    "coproduction": _l("working together as equals: say what it will mean in this role"),
    "stakeholder": _l("the people involved, or the people affected"),
    "stakeholders": _l("the people involved, or the people affected"),
    "strategic experience": _l("remove it: skills can come from life, work or interests"),
    "QI": _l("write out 'quality improvement' and say what it means"),
    "PPI": _l("write out 'patient and public involvement'"),
    "ICB": _l("write out 'Integrated Care Board' and say what it does"),
    "KPI": _l("say what will be measured, in plain words"),
    "MDT": _l("write out 'the team of different professionals'"),
    "CMHT": _l("write out 'community mental health team'"),
}


@dataclass(frozen=True)
class Finding:
    term: str
    start: int
    end: int
    suggestion: Any  # str, or a lazily translated string


def parse_terms(setting: str) -> dict[str, Any]:
    """Read ``term=suggestion;term=suggestion`` from a setting."""
    terms: dict[str, str] = {}
    for item in setting.split(";"):
        if "=" in item:
            term, suggestion = item.split("=", 1)
            if term.strip():
                terms[term.strip()] = suggestion.strip()
    return terms


def _pattern(term: str) -> re.Pattern[str]:
    # Acronyms match only in capitals ("QI", not "qi" inside a word); phrases in any case.
    flags = 0 if term.isupper() else re.IGNORECASE
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", flags)


def find_jargon(text: str, terms: dict[str, Any] | None = None) -> list[Finding]:
    """Every jargon term in ``text``, in order, longest match first where they overlap."""
    terms = DEFAULT_TERMS if terms is None else terms
    found: list[Finding] = []
    for term in sorted(terms, key=len, reverse=True):
        for match in _pattern(term).finditer(text):
            if not any(f.start <= match.start() < f.end for f in found):
                found.append(Finding(match.group(0), match.start(), match.end(), terms[term]))
    return sorted(found, key=lambda f: f.start)


def long_sentences(text: str, max_words: int = 15) -> list[str]:
    """Sentences longer than ``max_words`` words (easy read: short sentences, one idea each)."""
    sentences = [s.strip() for s in re.split(r"(?<=[.!?])\s+|\n+", text) if s.strip()]
    return [s for s in sentences if len(s.split()) > max_words]
