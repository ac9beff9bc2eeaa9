"""With easy read on, the words a contributor meets are easy-read words: the title and heading,
every label, legend, hint, option, button, error message and "check your answers" key.

Each contributor-side page of the browser suite's registry (tests/a11y/registry.py), on its own
seeded data, in English with easy read on, and with its errors where it has an error state:
each such piece of text must be one of the easy-read catalog's strings (a name or a date may
fill its placeholders), or the person's own words (what they typed, a role's title, a name).
"""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from lxml import html as lxml_html

from tests.a11y.registry import PAGES, Entry
from tests.test_page_weight import CONTRIBUTOR_SIDE, app, site, visitors  # noqa: F401 (the seeded app and its sessions)
from tests.test_translations import source_messages

#: Contributor-side pages; not the staff sign-in (a staff page anyone can open) nor the test-only
#: gallery pages, whose labels are the tests' own placeholders around the shared components.
ENTRIES = [entry for entry in PAGES if entry.who in CONTRIBUTOR_SIDE
           and not entry.endpoint.startswith(("staff.", "gallery."))]
#: Where the words a person reads to fill in or understand a page are.
PLACES = ("//title", "//main//h1", "//main//label", "//main//legend", "//main//*[contains(@class, 'hint')]",
          "//main//button", "//main//*[contains(@class, 'error-message')]", "//main//dl[contains(@class, 'summary')]/div/dt",
          "//main//option", "//*[@data-error-summary]//li")


def _pattern(msgid: str) -> str:
    parts = re.split(r"(%\(\w+\)s)", msgid)
    return "".join(".+?" if re.fullmatch(r"%\(\w+\)s", p) else re.escape(p) for p in parts)


EASY = re.compile("|".join(f"(?:{_pattern(m)})" for _c, m in sorted(source_messages("easyread"), key=str)))


def own_words(app: Flask) -> set[str]:
    """Words that are people's or the team's own (names, role titles, meeting titles), and each language's
    name in that language (the language choices): never translated."""
    from sqlalchemy import select

    from app import db
    from app.account.models import Contributor
    from app.i18n import available
    from app.meetings.models import Meeting
    from app.roles.models import Role

    with app.app_context():
        s = db.session()
        return ({t for t in s.scalars(select(Role.title)) if t} | {t for t in s.scalars(select(Meeting.title)) if t}
                | {n for c in s.scalars(select(Contributor)) for n in (c.name, c.display_name) if n}
                | {app.config["ORGANISATION_NAME"]} | {language.name for language in available()})


def not_easy(page: str, own: set[str], organisation: str) -> list[str]:
    tree = lxml_html.fromstring(page)
    found = []
    for place in PLACES:
        for element in tree.xpath(place):
            text = " ".join(element.text_content().split())
            if place == "//title":
                text = text.removesuffix(f" – {organisation}").removeprefix("Error: ")
            text = text.removeprefix("Error:").strip()
            if not text or text in own or any(text.startswith(o) for o in own if len(o) > 3):
                continue
            if not EASY.fullmatch(text):
                found.append(f"{place.split('/')[-1]}: {text}")
    return found


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: entry.name)
def test_easy_read_pages_speak_easy_read(app: Flask, visitors: dict[str, FlaskClient], entry: Entry) -> None:
    client = visitors[entry.who]
    sep = "&" if "?" in entry.path else "?"
    path = f"{entry.path}{sep}lang=en&easy-read=on"
    response = client.get(path)
    assert response.status_code == entry.expected_status, path
    own, organisation = own_words(app), app.config["ORGANISATION_NAME"]
    problems = not_easy(response.get_data(as_text=True), own, organisation)
    if entry.error_state:
        tree = lxml_html.fromstring(response.get_data(as_text=True))
        form = next((f for f in tree.xpath("//main//form[@method='post']")), None)
        if form is not None:
            token = form.xpath(".//input[@name='csrf_token']/@value")
            action = form.get("action") or entry.path
            refused = client.post(action + ("&" if "?" in action else "?") + "lang=en&easy-read=on",
                                  data={"csrf_token": token[0] if token else ""})
            problems += [f"(with errors) {p}" for p in not_easy(refused.get_data(as_text=True), own, organisation)]
    assert not problems, f"{path} as {entry.who}: not easy read:\n" + "\n".join(sorted(set(problems)))
