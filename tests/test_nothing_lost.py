"""Nothing lost: sends at the same moment, Back after sending, and a session that ended mid-form.

Each was reproduced on the code before this change: concurrent sends of one claim gave 500
pages, Back after sending an interest showed its answers as "not answered", and a POST
after the session ended lost what was typed on that page.
"""

from __future__ import annotations

import threading
from typing import Any

from sqlalchemy import func, select

from app import db, journeys
from app.account.drafts import Draft
from app.claims.models import Claim
from app.claims.routes import JOURNEY as claim_journey
from app.interests.models import Interest
from tests.account.test_details import signed_in
from tests.claims.test_claim_journey import ACTIVITY, TIME, base, start
from tests.conftest import ClientRequest, check_page, signed_in_session
from tests.interests.helpers import published_role, walk
from tests.meetings.test_meeting_pages import arranged


def _at_once(app, cookie_from: Any, url: str, data: dict[str, str], n: int = 4) -> list[Any]:  # type: ignore[no-untyped-def]
    """``n`` POSTs of the same form from the same browser session, released together."""
    cookies = [(c.key, c.value) for c in cookie_from._cookies.values()]
    barrier, responses, errors = threading.Barrier(n), [None] * n, []

    def one(i: int) -> None:
        client = app.test_client()
        for key, value in cookies:
            client.set_cookie(key, value)
        try:
            barrier.wait(timeout=10)
            responses[i] = client.post(url, data=data)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return responses


def _claim_ready(app) -> tuple[ClientRequest, str]:  # type: ignore[no-untyped-def]
    cr, _ = signed_in(app)
    url = base(start(cr))
    cr.post_redirect(f"{url}/activity", ACTIVITY)
    cr.post_redirect(f"{url}/time", TIME)
    return cr, url


def test_four_sends_of_one_claim_at_once_make_one_claim_and_every_reply_says_sent(app) -> None:
    cr, url = _claim_ready(app)
    token = cr.csrf_token(f"{url}/check")
    responses = _at_once(app, cr.client, f"{url}/check", {"declare": "yes", "csrf_token": token})
    assert all(r.status_code in (302, 303) for r in responses), [r.get_data(as_text=True)[:300] for r in responses]
    assert {r.headers["Location"] for r in responses} == {f"{url}/done"}
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Claim)) == 1
        reference = db.session().scalar(select(Claim.reference))
    assert reference in cr.get(f"{url}/done?lang=en").text()


def test_four_sends_of_one_interest_at_once_make_one_interest(app) -> None:
    role_id = published_role(app)
    cr = ClientRequest(app.test_client())
    walk(cr, role_id)
    token = cr.csrf_token(f"/roles/{role_id}/interest/check")
    responses = _at_once(app, cr.client, f"/roles/{role_id}/interest/check", {"csrf_token": token})
    assert all(r.status_code in (302, 303) for r in responses), [r.get_data(as_text=True)[:300] for r in responses]
    assert {r.headers["Location"] for r in responses} == {f"/roles/{role_id}/interest/done"}
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Interest)) == 1


def test_back_after_sending_an_interest_says_it_was_sent_with_its_reference(app) -> None:
    role_id = published_role(app)
    cr = ClientRequest(app.test_client())
    walk(cr, role_id)
    cr.post_redirect(f"/roles/{role_id}/interest/check", {})
    with app.app_context():
        reference = db.session().scalar(select(Interest.reference))
    for page in ("check", "about", "who"):
        shown = cr.get(f"/roles/{role_id}/interest/{page}?lang=en")
        assert shown.h1 == "You have already sent this form", page
        assert reference in shown.text() and "You sent it on" in shown.text()
        assert shown.find(f".//a[@href='/roles/{role_id}/interest/done']") is not None
    assert "Not answered" not in cr.get(f"/roles/{role_id}/interest/check?lang=en").text()
    welsh = cr.get(f"/roles/{role_id}/interest/check?lang=cy")
    assert reference in welsh.text() and welsh.h1 != "You have already sent this form"
    easy = cr.get(f"/roles/{role_id}/interest/check?lang=en&easy-read=on")
    assert "You do not need to send it again." in easy.text()
    # Continue on an old page does not start an empty form; "fill in a new form" does.
    again = cr.post(f"/roles/{role_id}/interest/about?lang=en", {"hopes": "x"}, token_from="/account/sign-in")
    assert again.h1 == "You have already sent this form"
    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(Draft)) == 1
    assert cr.get_redirect(f"/roles/{role_id}/interest").endswith("/interest/who")  # "I'm interested" again
    assert cr.get(f"/roles/{role_id}/interest/who?lang=en").h1 != "You have already sent this form"


def test_every_page_of_a_sent_claim_says_it_was_sent(app) -> None:
    cr, url = _claim_ready(app)
    cr.post_redirect(f"{url}/check", {"declare": "yes"})
    with app.app_context():
        reference = db.session().scalar(select(Claim.reference))
    for page in ("activity", "time", "check"):
        shown = cr.get(f"{url}/{page}?lang=en")
        assert shown.h1 == "You have already sent this form" and reference in shown.text(), page
        assert shown.find(f".//a[@href='/account/claims/{reference}']") is not None


OURS = {"Origin": "http://localhost"}  # what a browser sends with a form posted from our own page


def _kept_notice(page: Any) -> bool:
    return page.by_id("kept-typing") is not None


def test_a_claim_page_keeps_what_was_typed_when_the_token_no_longer_matches(app) -> None:
    cr, url = _claim_ready(app)
    refused = cr.client.post(f"{url}/time?lang=en", data={"csrf_token": "from-an-old-tab", "hours": "2.5",
                                                          "preparation": "none", "payment_choice": "paid"},
                             headers=OURS)
    assert refused.status_code == 400
    page = check_page(refused.get_data(as_text=True))
    hours = next(el for el in page.iter("input") if el.get("name") == "hours")
    assert hours.get("value") == "2.5"
    assert any(el.get("id") == "kept-typing" for el in page.iter())
    with app.app_context():  # nothing was stored without a valid token
        draft = db.session().scalar(select(Draft))
        assert journeys.Visit(claim_journey, draft, None).values("time")["hours"] == TIME["hours"]
    # The page came with a fresh token: pressing the button again works.
    token = next(el for el in page.iter("input") if el.get("name") == "csrf_token").get("value")
    again = cr.client.post(f"{url}/time", data={"csrf_token": token, "hours": "2.5", "preparation": "none",
                                               "payment_choice": "paid"})
    assert again.status_code == 302
    with app.app_context():
        assert journeys.Visit(claim_journey, db.session().scalar(select(Draft)), None).values("time")["hours"] == "2.5"


def test_a_claim_page_posted_after_the_session_ended_keeps_the_words_through_sign_in(app) -> None:
    cr, url = _claim_ready(app)
    with app.app_context():
        person_id = db.session().scalar(select(Draft.owner_id))
    lost = app.test_client()  # cookies cleared: no session, no token
    response = lost.post(f"{url}/activity", headers=OURS, data={
        "csrf_token": "gone", "activity": "other", "other_activity": "Leaflet group, second draft",
        "activity_date-day": ACTIVITY["activity_date-day"], "activity_date-month": ACTIVITY["activity_date-month"],
        "activity_date-year": ACTIVITY["activity_date-year"]})
    assert response.status_code in (302, 303) and response.headers["Location"].startswith("/account/sign-in")
    with lost.session_transaction() as sess:  # what signing in again leaves in the session
        assert sess["kept_form"]["path"] == f"{url}/activity"
        sess.update(signed_in_session(app, "contributor", person_id))
    page = ClientRequest(lost).get(f"{url}/activity?lang=en")
    assert page.by_id("other_activity").get("value") == "Leaflet group, second draft"
    assert _kept_notice(page)
    assert not _kept_notice(ClientRequest(lost).get(f"{url}/activity?lang=en"))  # shown once


def test_feedback_keeps_what_was_typed_when_the_session_ended(app) -> None:
    meeting, _officer = arranged(app, [])
    visitor = app.test_client()
    refused = visitor.post(f"/m/{meeting.code}/feedback?lang=en", headers=OURS, data={
        "csrf_token": "expired", "overall": "2", "change": "Please send the papers a week before"})
    assert refused.status_code == 400
    page = check_page(refused.get_data(as_text=True))
    change = next(el for el in page.iter("textarea") if el.get("name") == "change")
    assert (change.text or "").strip() == "Please send the papers a week before"
    checked = [el.get("value") for el in page.iter("input") if el.get("name") == "overall" and el.get("checked") is not None]
    assert checked == ["2"]
    assert any(el.get("id") == "kept-typing" for el in page.iter())
    from app.meetings.models import FeedbackResponse

    with app.app_context():
        assert db.session().scalar(select(func.count()).select_from(FeedbackResponse)) == 0


def test_a_refused_post_never_runs_a_button_or_takes_words_from_another_site(app) -> None:
    """Found by the attacker's review: the page shown again must never run a POST-only action,
    and a form on another site must not put its words in a person's form or session."""
    from app.account.models import SupportLink
    from tests.account.test_acting_for import _sam_and_chris

    sam, _sam_id, _chris, _chris_id, link_id = _sam_and_chris(app, ["fill_forms"])
    refused = sam.client.post(f"/account/supporters/{link_id}/withdraw", data={"x": "1"}, headers=OURS)
    assert refused.status_code == 400
    with app.app_context():
        assert db.session().get(SupportLink, link_id).withdrawn_at is None
    planted = {"name": "Mal Lory", "email": "mal@evil.example", "relationship": "friend",
               "permissions": ["fill_forms", "see_claims"], "agree": "yes"}
    for headers in ({}, {"Origin": "https://evil.example"}, {"Sec-Fetch-Site": "cross-site"}):
        attacker = app.test_client()  # a cross-site POST carries no session cookie
        response = attacker.post("/account/supporters/new", data=planted, headers=headers)
        assert response.status_code == 400 and "mal@evil.example" not in response.get_data(as_text=True)
        with attacker.session_transaction() as sess:
            assert "kept_form" not in sess
        page = sam.client.post("/account/supporters/new?lang=en", data=planted, headers=headers)
        assert page.status_code == 400 and "mal@evil.example" not in page.get_data(as_text=True)
