"""Easy-read writing checks over every English easy-read string (the ``easyread`` domain).

After Mencap's "Am I making myself clear?" and the Department of Health's easy-read guidance:
one idea a sentence, under about 15 words, common words, no abbreviations, digits for
numbers, and no question a person has to answer "no" to in order to mean "yes".
"""

from __future__ import annotations

import re

import pytest

from tests.test_translations import source_messages

MAX_WORDS = 15
#: Words people who read easy read find hard, and the words to use instead.
BANNED = {
    "via": "by", "e.g.": "for example", "eg": "for example", "i.e.": "this means", "approx": "about",
    "approximately": "about", "submit": "send", "facilitate": "help", "mandatory": "you must",
    "nihr": "(say what it is)", "hmrc": "the tax office", "dbs": "a check", "n/a": "(leave it out)",
    "etc": "(say them)", "utilise": "use", "commence": "start", "prior": "before", "subsequently": "then",
    "regarding": "about", "obtain": "get", "sufficient": "enough", "assist": "help", "proceed": "go on",
    "carry on": "keep going",
}
#: Questions that ask for a "no" to mean "yes".
NEGATIVE_QUESTIONS = re.compile(r"(?:^|[.!?:]\s)[^.!?:]*\b(?:not|n't|never)\b[^.!?:]*\?", re.IGNORECASE)
NUMBER_WORDS = re.compile(r"\b(two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|"
                          r"hundred|thousand)\b", re.IGNORECASE)
PLACEHOLDER = re.compile(r"%\(\w+\)s")


def sentences(text: str) -> list[str]:
    plain = PLACEHOLDER.sub("X", text)
    return [s.strip() for s in re.split(r"(?<=[.?!:])\s+", plain) if s.strip()]


STRINGS = sorted(msgid for _context, msgid in source_messages("easyread"))


def test_there_are_easy_read_strings_to_check() -> None:
    assert len(STRINGS) > 100


def test_no_sentence_is_longer_than_15_words() -> None:
    long = [(len(s.split()), s) for text in STRINGS for s in sentences(text) if len(s.split()) > MAX_WORDS]
    assert not long, "\n".join(f"{n} words: {s}" for n, s in long)


def test_no_hard_words_or_abbreviations() -> None:
    hard = []
    for text in STRINGS:
        lowered = PLACEHOLDER.sub("X", text).lower()
        for word, instead in BANNED.items():
            if re.search(rf"(?<![\w.]){re.escape(word)}(?![\w])", lowered):
                hard.append(f"{word!r} (say {instead!r}): {text}")
    assert not hard, "\n".join(hard)


def test_no_negative_questions() -> None:
    negative = [text for text in STRINGS if NEGATIVE_QUESTIONS.search(text)]
    assert not negative, "\n".join(negative)


def test_numbers_are_digits() -> None:
    words = [text for text in STRINGS if NUMBER_WORDS.search(PLACEHOLDER.sub("X", text))]
    assert not words, "\n".join(words)


def test_one_question_at_a_time() -> None:
    doubled = [text for text in STRINGS if text.count("?") > 1 and not re.search(r"\?\s+(Or|or)\b", text)]
    assert not doubled, "\n".join(doubled)


@pytest.mark.parametrize("text, why", [
    ("Did you not ask for this? You can ignore this email.", "negative question"),
    ("Were the papers clear? Did they come in time?", "two questions, one answer"),
])
def test_the_checks_catch_what_the_review_found(text: str, why: str) -> None:
    assert NEGATIVE_QUESTIONS.search(text) or (text.count("?") > 1), why
