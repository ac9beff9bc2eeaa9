"""Query budgets: every page in tests/a11y/registry.py asks the database for no more than it needs.

Each page is visited in-process by its registry session (tests/visitors.py: the browser suite's
seeded data and sign-ins), once to warm up and once counted: every SQL statement the engine sends
(a ``before_cursor_execute`` listener). A page over its budget fails, naming the page, the count,
the budget and the statements, so a new N+1 or a row read twice shows up in review. Budgets are
the counts measured when this test was written (the same on SQLite and PostgreSQL); lower one
when a page gets cheaper. A page not listed here (a new one) must fit ``DEFAULT`` or declare its
own budget below.
"""

from __future__ import annotations

from typing import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.a11y.registry import PAGES, Entry
from tests.visitors import registry_site, statements

#: What a page that declares no budget may send: a typical page (who is signed in, their
#: session, and the few rows the page shows).
DEFAULT = 8

#: Statements per request, by registry entry name (the page's second visit by the same session).
BUDGETS: dict[str, int] = {
    "home": 0,
    "accessibility statement": 0,
    "not found": 0,
    "try again: the database is away": 0,
    "a value the database refuses": 0,
    "a page shown again with what was typed (session ended)": 0,
    "find a role": 1,  # what staff published, kept rendered (app/roles/published.py): only its edition is read
    "find a role, filtered": 1,
    "a role": 3,
    "contributor sign in": 0,
    "check your email": 0,
    "sign-in link": 1,
    "sign-in link used": 1,
    "your account": 5,
    "your name": 2,
    "how we contact you": 2,
    "language and easy read": 2,
    "what helps you take part": 2,
    "payment preference": 2,
    "bank details": 2,
    "people who help": 5,
    "does someone help you": 4,
    "change what someone can do": 4,
    "tell the team privately": 2,
    "add someone who helps you": 2,
    "bank details: not for supporters": 4,
    "details, filled in by a supporter": 6,
    "your account, with the people you help": 6,
    "your forms": 4,
    "who is filling this in": 3,
    "your data": 3,
    "your data on a page": 23,  # with money asked for before meetings and the roles on your record
    "ask us to erase your data": 2,
    "setting up your details": 3,
    "setting up your details: payment": 3,
    "staff sign in": 0,
    "staff home": 4,  # and the advances to sort out (money for meetings that did not happen)
    "change password": 2,
    "staff accounts": 3,
    "add staff account": 2,
    "audit trail": 5,
    "tasks": 3,
    "roles": 3,
    "write a new role": 4,
    "edit a role, with writing help": 6,
    "contributors": 4,
    "add a contributor": 2,
    "a contributor's record": 9,  # + their meetings, each with a paper claim form (record_panels)
    "a contributor's record, bank details to approve (administrator)": 9,
    "record someone who helps": 3,
    "email outbox": 4,
    "forbidden": 2,
    "form components": 0,
    "interest: who is filling this in": 2,
    "interest: who, for someone who helps": 5,
    "interest: about the helper": 2,
    "interest: contact": 2,
    "interest: contact, from the profile": 4,
    "interest: how and when": 2,
    "interest: what would help": 2,
    "interest: what you would bring": 2,
    "interest: payment": 2,
    "interest: keeping your details": 2,
    "interest: check your answers": 2,
    "interest: role closed": 2,
    "interest: sent": 3,
    "interest: Back after sending": 3,
    "equality questions": 2,
    "roles you are interested in": 4,
    "roles the person a supporter fills in forms for is interested in": 6,
    "interest in a role (staff)": 6,
    "an interest (staff)": 8,
    "equality monitoring": 6,
    "equality monitoring, all roles": 5,
    "translations of a role": 4,
    "translate a role": 4,
    "rates for involvement": 6,
    "finance export": 6,
    "totals per person in a tax year": 4,
    "claim: what it is for": 12,
    "claim: what it is for, filled in": 12,
    "claim: your time": 12,
    "claim: your time, a role paid by the session": 13,
    "claim: your time, a voluntary role": 13,
    "claim: your time, with the fee": 12,
    "claim: expenses": 12,
    "claim: receipts": 12,
    "claim: check": 12,
    "claim: sent": 3,
    "claim: a page of a claim already sent": 5,
    "your claims": 5,
    # roles (with the person's choice), meetings, claims, advances, "you said, we did", role titles in the language
    "your involvement": 8,
    "involvement of someone you help": 11,
    "involvement, for the person a supporter fills in forms for": 12,
    "claims of someone you help": 8,
    "claims, for the person a supporter fills in forms for": 9,
    "claim for someone you help: their time": 18,
    "claim for someone you help: check": 14,
    "a claim with a question": 8,
    "a claim with its fee on hold": 8,
    "claims queue": 6,
    "a claim (staff)": 16,
    "a claim with its fee on hold (staff)": 17,
    "a claim with a question (staff)": 16,
    "a meeting's page": 6,
    "a meeting's page, coming up and changed": 9,  # + is the person coming ("Add to your calendar")
    "feedback, anonymous": 5,  # the support list in the reader's language
    "feedback, signed in": 9,  # the support list in the reader's language
    "feedback, for someone you help": 10,  # the support list in the reader's language
    "feedback, not open": 3,
    "feedback, thank you": 5,
    "your meetings": 8,
    "meetings of the person a supporter fills in forms for": 10,
    "a role's meetings": 5,
    "add a meeting": 3,
    "change a meeting": 4,
    "a meeting (staff)": 8,
    "a meeting's feedback, still open": 4,
    "a meeting's feedback": 6,
    "feedback across a role's meetings": 5,
    "translate you said, we did": 4,
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Flask, dict[str, FlaskClient]]]:
    with registry_site(tmp_path_factory.mktemp("queries"), "queries") as seeded:
        yield seeded


def test_every_budget_is_for_a_page_in_the_registry() -> None:
    names = [entry.name for entry in PAGES]
    assert len(names) == len(set(names)), "registry names must be unique: budgets are keyed by them"
    assert not set(BUDGETS) - set(names), f"budgets for pages not in the registry: {set(BUDGETS) - set(names)}"


#: Documents to print (app/documents.py), not pages: kept like the page they come from.
DOCUMENTS: dict[str, tuple[str, str, int]] = {
    "a role's PDF": ("anon", "/roles/2/role.pdf", 2),  # the role and the edition; the PDF itself is kept
    "a meeting pack": ("contributor", "/m/a11ysoon/pack.pdf", 8),  # the meeting, its role, its changes
}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_document_stays_within_its_query_budget(site: tuple[Flask, dict[str, FlaskClient]], name: str) -> None:
    app, visitors = site
    who, path, budget = DOCUMENTS[name]
    visitors[who].get(path)  # warm-up: drawing it once is the cost of the first reader
    with statements(app) as sent:
        response = visitors[who].get(path)
    assert response.status_code == 200 and response.mimetype == "application/pdf", path
    assert len(sent) <= budget, f"{name} ({path}) sent {len(sent)} SQL statements, over {budget}: {sent}"


@pytest.mark.parametrize("entry", PAGES, ids=lambda entry: entry.name)
def test_page_stays_within_its_query_budget(site: tuple[Flask, dict[str, FlaskClient]], entry: Entry) -> None:
    app, visitors = site
    assert entry.who in visitors, f"no in-process sign-in for {entry.who!r}: add it to tests/visitors.py"
    client = visitors[entry.who]
    client.get(entry.path)  # warm-up: what a session does once (and caches) is not the page's cost
    with statements(app) as sent:
        response = client.get(entry.path)
    assert response.status_code == entry.expected_status, f"{entry.path} as {entry.who}"
    budget = BUDGETS.get(entry.name, DEFAULT)
    listing = "\n".join(f"  {n}. {statement[:300]}" for n, statement in enumerate(sent, 1))
    assert len(sent) <= budget, (
        f"{entry.name!r} ({entry.path}, as {entry.who}) sent {len(sent)} SQL statements, over its budget of "
        f"{budget}{'' if entry.name in BUDGETS else ' (DEFAULT: declare its own in BUDGETS if it needs more)'}:\n"
        f"{listing}")
