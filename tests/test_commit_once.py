"""One state change, one commit: each request that changes something commits exactly once, so a
failure part-way stores nothing.

Every commit made in this thread while the request runs is counted (the mail thread, which
sends what was committed, has its own sessions and is left out). Then the last thing each
change does before committing is made to fail, and nothing of the change may be found.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Iterator

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from app import db, mail
from app.claims.models import Claim
from app.interests.models import Interest
from app.meetings.models import FeedbackResponse
from tests.account.test_details import signed_in
from tests.claims.test_claim_journey import ACTIVITY, TIME, base, start
from tests.claims.test_processing import some_claims, staff_client
from tests.conftest import ClientRequest
from tests.interests.helpers import published_role, walk
from tests.meetings.test_meeting_pages import arranged


@contextmanager
def counted() -> Iterator[list[int]]:
    """Commits made in this thread inside the block."""
    mine, seen = threading.get_ident(), []

    def count(_session: Session) -> None:
        if threading.get_ident() == mine:
            seen.append(1)

    event.listen(Session, "after_commit", count)
    try:
        yield seen
    finally:
        event.remove(Session, "after_commit", count)


def post(cr: ClientRequest, url: str, data: dict[str, str], token_from: str) -> int:
    """POST ``data`` with a token fetched first (the fetch is not counted); returns the status."""
    token = cr.csrf_token(token_from)
    with counted() as commits:
        status = cr.client.post(url, data=data | {"csrf_token": token}).status_code
    assert status in (302, 303), status
    return len(commits)


def sending_an_interest(app, signed: bool) -> tuple[ClientRequest, str]:  # type: ignore[no-untyped-def]
    role_id = published_role(app)
    cr = signed_in(app)[0] if signed else ClientRequest(app.test_client())
    walk(cr, role_id)
    return cr, f"/roles/{role_id}/interest/check"


@pytest.mark.parametrize("signed", [False, True], ids=["not signed in", "signed in"])
def test_sending_an_interest_commits_once(app, signed: bool) -> None:
    cr, url = sending_an_interest(app, signed)
    assert post(cr, url, {}, url) == 1


def a_claim_ready_to_send(app) -> tuple[ClientRequest, str]:  # type: ignore[no-untyped-def]
    cr, _ = signed_in(app)
    url = base(start(cr))
    cr.post_redirect(f"{url}/activity", ACTIVITY)
    cr.post_redirect(f"{url}/time", TIME | {"payment_choice": "benefits_talk"})  # the profile changes too
    return cr, f"{url}/check"


def test_sending_a_claim_commits_once(app) -> None:
    cr, url = a_claim_ready_to_send(app)
    assert post(cr, url, {"declare": "yes"}, url) == 1


@pytest.mark.parametrize("named", [False, True], ids=["anonymous", "named"])
def test_giving_feedback_commits_once(app, named: bool) -> None:
    cr, person_id = signed_in(app)
    meeting, _officer = arranged(app, [person_id])
    url = f"/m/{meeting.code}/feedback"
    assert post(cr, url, {"named": "named" if named else "anonymous", "overall": "4", "change": "More breaks",
                          "debrief": "yes"}, url) == 1


def test_staff_decisions_commit_once(app) -> None:
    [claim_id] = some_claims(app, 1)
    officer = staff_client(app, "officer")
    assert post(officer, f"/staff/claims/{claim_id}/query", {"note": "Which car park?"},
                f"/staff/claims/{claim_id}") == 1
    cr, url = sending_an_interest(app, signed=False)
    post(cr, url, {}, url)
    with app.app_context():
        interest_id = db.session().scalar(select(Interest.id))
    assert post(officer, f"/staff/interests/{interest_id}/status", {"status": "offered"},
                f"/staff/interests/{interest_id}") == 1


# --- the last step fails: nothing is stored ----------------------------------------------------

def break_mail(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """From now on, composing an email (the last thing each of these changes does before it
    commits) fails."""
    def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("the mail template could not be read")

    monkeypatch.setattr(mail, "compose", broken)


def count(app, model) -> int:  # type: ignore[no-untyped-def]
    with app.app_context():
        return db.session().scalar(select(func.count()).select_from(model)) or 0


def test_a_failure_at_the_end_of_sending_an_interest_stores_nothing(app, monkeypatch) -> None:
    cr, url = sending_an_interest(app, signed=False)
    break_mail(monkeypatch)
    token = cr.csrf_token(url)
    assert cr.client.post(url, data={"csrf_token": token}).status_code == 500
    assert count(app, Interest) == 0
    from app.account.drafts import Draft

    with app.app_context():  # the form is still there to send again, not marked sent
        assert db.session().scalar(select(Draft.submitted_at)) is None


def test_a_failure_at_the_end_of_sending_a_claim_stores_nothing(app, monkeypatch) -> None:
    cr, url = a_claim_ready_to_send(app)
    break_mail(monkeypatch)
    token = cr.csrf_token(url)
    assert cr.client.post(url, data={"declare": "yes", "csrf_token": token}).status_code == 500
    assert count(app, Claim) == 0
    from app.account.models import Contributor

    with app.app_context():  # the profile change made on the way was not kept either
        assert db.session().scalar(select(Contributor.payment_preference)) != "benefits_talk"


def test_a_failure_at_the_end_of_giving_feedback_for_someone_stores_nothing(app, monkeypatch) -> None:
    from tests.account.test_supporters import person_with_helper

    _person, person_id, helper, _helper_id = person_with_helper(app)
    meeting, _officer = arranged(app, [person_id])
    url = f"/m/{meeting.code}/feedback"
    token = helper.csrf_token(url)
    break_mail(monkeypatch)
    response = helper.client.post(url, data={"named": "named", "whose": str(person_id), "overall": "4",
                                             "csrf_token": token})
    assert response.status_code == 500  # telling the person (an email) failed
    assert count(app, FeedbackResponse) == 0


def test_an_htmx_save_on_the_check_step_is_kept(app) -> None:
    """The check step commits with the send; a change saved as someone ticks a box is kept too."""
    cr, url = a_claim_ready_to_send(app)
    token = cr.csrf_token(url)
    saved = cr.client.post(url, data={"declare": "yes", "csrf_token": token}, headers={"HX-Request": "true"})
    assert saved.status_code == 200 and "Saved at" in saved.get_data(as_text=True)
    page = cr.get(url + "?lang=en")
    assert page.find(".//input[@name='declare'][@checked]") is not None
