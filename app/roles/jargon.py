"""Writing help for staff: jargon and acronyms to explain, and sentences too long for easy read.

Advisory only: nothing here ever blocks saving or publishing. The default list
comes from the guidance (SPEC: avoid jargon and acronyms; never screen people out
with wording like "strategic experience"). ``JARGON_TERMS`` adds to it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

DEFAULT_TERMS: dict[str, str] = {
    "experts by experience": "people with lived experience",
    "expert by experience": "person with lived experience",
    "service user": "people who use services",
    "service users": "people who use services",
    "co-production": "working together as equals: say what it will mean in this role",
    "coproduction": "working together as equals: say what it will mean in this role",
    "stakeholder": "the people involved, or the people affected",
    "stakeholders": "the people involved, or the people affected",
    "strategic experience": "remove it: skills can come from life, work or interests",
    "QI": "write out 'quality improvement' and say what it means",
    "PPI": "write out 'patient and public involvement'",
    "ICB": "write out 'Integrated Care Board' and say what it does",
    "KPI": "say what will be measured, in plain words",
    "MDT": "write out 'the team of different professionals'",
    "CMHT": "write out 'community mental health team'",
}


@dataclass(frozen=True)
class Finding:
    term: str
    start: int
    end: int
    suggestion: str


def parse_terms(setting: str) -> dict[str, str]:
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


def find_jargon(text: str, terms: dict[str, str] | None = None) -> list[Finding]:
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
