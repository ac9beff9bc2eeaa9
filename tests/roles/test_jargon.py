"""The jargon and acronym checker, and the sentence-length hint for easy read."""

from __future__ import annotations

from app.roles.jargon import find_jargon, long_sentences, parse_terms


def test_finds_jargon_and_acronyms_with_suggestions() -> None:
    text = "Join our PPI group of experts by experience. Stakeholders will discuss QI with the ICB."
    found = find_jargon(text)
    assert [f.term for f in found] == ["PPI", "experts by experience", "Stakeholders", "QI", "ICB"]
    assert found[1].suggestion == "people with lived experience"
    assert text[found[3].start:found[3].end] == "QI"


def test_acronyms_only_match_as_words_in_capitals() -> None:
    assert find_jargon("unique equipment, a quiet icb-style room, happiness") == []


def test_screening_wording_is_flagged() -> None:
    [finding] = find_jargon("You must have Strategic Experience.")
    assert finding.term == "Strategic Experience" and "life, work or interests" in finding.suggestion


def test_the_list_is_configurable() -> None:
    extra = parse_terms("triage=sorting who needs what first; ;bad entry")
    assert extra == {"triage": "sorting who needs what first"}
    assert [f.term for f in find_jargon("We triage requests.", extra)] == ["triage"]


def test_long_sentences_are_pointed_out_for_easy_read() -> None:
    text = ("We meet once a month. "
            "In the meeting we will look at the new leaflet together and talk about the words and pictures "
            "that it uses.\nYou get paid.")
    assert long_sentences(text) == ["In the meeting we will look at the new leaflet together and talk about the "
                                    "words and pictures that it uses."]
    assert long_sentences("Short one. Another short one.") == []
