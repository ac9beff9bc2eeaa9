"""Browser fixtures: a live server in a thread and headless Chromium sessions.

Chromium and ChromeDriver are Debian's (/usr/bin). If they are missing the tests
fail, they do not skip: ``make test`` installs them.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Any, Callable, Iterator

import pytest
from flask import Flask, request
from selenium import webdriver
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from sqlalchemy import select

from app import create_app, db
from tests.a11y.gallery import bp as gallery_bp
from tests.account import wizard
from tests.conftest import STAFF_PASSWORD, fresh_database, make_settings, make_staff
from tests.notify.notify_server import API_KEY, TEMPLATES

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
AXE_JS = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
PHONE = (390, 844)
STATUSES: dict[str, int] = {}  # last status served for each path (with query)

os.environ["SE_OFFLINE"] = "true"  # Selenium Manager must never download a driver


class LiveServer:
    def __init__(self, app: Flask) -> None:
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.thread.join(timeout=5)


_TEXTS: list[Any] = []


def _text_server() -> Any:
    """One Notify contract server for this test process, for the seeded sites' text messages."""
    from tests.notify import notify_server

    if not _TEXTS:
        _TEXTS.append(notify_server.start()[0])
    return _TEXTS[0]


def seeded_app(tmp: Path, name: str = "a11y") -> Flask:
    """The app on a new database ``name`` holding what every session in registry.py needs.

    The in-process checks build their own from this too (tests/visitors.py ``registry_site``).
    """
    url = fresh_database(name, tmp)
    # Text messages go through the GOV.UK Notify contract server, so the pages that follow a texted
    # code (confirming a mobile, signing in with a code by text) can be reached and checked.
    app = create_app(make_settings(url, tmp, takepart_text_provider="notify", takepart_notify_api_key=API_KEY,
                                   takepart_notify_base_url=_text_server().base_url,
                                   takepart_notify_sms_template=TEMPLATES["sms"]))
    app.register_blueprint(gallery_bp)
    wizard.init_app(app)
    make_staff(app, "admin", name="Ada Admin")
    make_staff(app, "officer", name="Olu Officer")
    with app.app_context():
        from datetime import timedelta

        from app.account import service
        from app.account.models import Contributor, SupportLink
        from app.db import utcnow

        now = utcnow()
        # Set up so that submitting each details page unchanged shows its errors.
        person = Contributor(email="casey@example.org", name="", contact_channel="phone", language="en",
                             access_needs=[], created_at=now, updated_at=now, session_version=1)
        db.session().add(person)
        db.session().flush()
        from app.staff.models import StaffTask

        db.session().add(StaffTask(kind="benefits_talk", contributor_id=person.id, created_at=now))
        for token in ("a11y-contributor", "a11y-link-page"):
            service.issue_sign_in(person.email, person, timedelta(days=1), token=token)
        # Chris helps Casey (fills in forms, sees claims) and has changed Casey's details for them.
        helper = Contributor(email="chris@example.org", name="Chris Carer", language="en", access_needs=[],
                             created_at=now, updated_at=now, session_version=1)
        db.session().add(helper)
        db.session().flush()
        db.session().add(SupportLink(contributor_id=person.id, supporter_id=helper.id, relationship="carer",
                                     can_fill_forms=True, can_see_claims=True, can_receive_emails=True,
                                     consent_how="online", consent_at=now, consent_recorded_by="test",
                                     created_at=now, confirmed_at=now))
        # Wren said on a form that she helps Casey; Casey has not said yes yet (support link 2).
        wren = Contributor(email="wren@example.org", name="Wren Helper", language="en", access_needs=[],
                           created_at=now, updated_at=now, session_version=1)
        db.session().add(wren)
        db.session().flush()
        waiting = SupportLink(contributor_id=person.id, supporter_id=wren.id, relationship="friend",
                              can_fill_forms=True, can_see_claims=False, can_receive_emails=True,
                              consent_how="supporter_said", consent_at=now, consent_recorded_by="test",
                              created_at=now)
        db.session().add(waiting)
        db.session().flush()
        assert waiting.id == 2, waiting.id
        for token in ("a11y-supporter", "a11y-helper"):
            service.issue_sign_in(helper.email, helper, timedelta(days=1), token=token)
        db.session().commit()
        from app.roles import service as roles
        from tests.roles.test_role_service import COMPLETE

        # A draft role with jargon in it, so the writing help shows; a published one in English and Welsh.
        staff = ("staff", 1, "officer@example.org")
        roles.create(COMPLETE | {"purpose": "Join our PPI stakeholders group.", "tasks": ""}, staff)
        published = roles.create(COMPLETE, staff)
        roles.publish(published, staff)
        roles.save_translation(published, "cy", {"title": "Helpwch ni i ailysgrifennu'r daflen argyfwng"}, staff)
        from app.account import drafts

        drafts.save_page(drafts.start("test_wizard", person, person, "Expenses for the March meeting"),
                         "about", {"topic": "Travel"})
        # A role that has closed (3), and interest in role 2 for the staff pages and "your interests".
        closed = roles.create(COMPLETE | {"title": "Closed role"}, staff)
        roles.publish(closed, staff)
        roles.change_status(closed, "closed", staff, "admin")
        from app.interests import service as interests
        from app.interests.models import Interest

        db.session().add(Interest(
            reference="TP-A11Y-01", role_id=published.id, role_version=1, contributor_id=person.id,
            submitted_by_id=helper.id, relationship="carer", agreement="support_link", name="Casey Person",
            email=person.email, phone="07700 900 982", address="", contact_channel="phone", best_times="mornings",
            language="en", easy_read=False, ways=["online"], availability=["weekend"], availability_note="",
            access_needs=["interpreter", "breaks"], interpreter_language="British Sign Language", access_other="",
            hopes="", brings="Listening", payment_preference="paid", consent_at=now, confirmed_at=None,
            status="not_this_time", reason="We needed people who could meet on weekdays.", status_changed_at=now,
            created_at=now, delete_after=interests.delete_after(published)))
        db.session().commit()
        interests.add_note(db.session().scalar(select(Interest)), "Call after 10am", 2, staff)
        seed_claims(person, helper)
        seed_meetings(published, person, helper)
        seed_cash_and_sort_out(published, person)
        service.update_profile(person, {"best_times": "mornings"}, by=service.supporter_actor(helper))
        seed_four_eyes(person)
        seed_message_tasks(person)
    return app


def seed_message_tasks(person) -> None:  # type: ignore[no-untyped-def]
    """No provider for text messages, letters or calls: tasks 3 (a text), 4 (a call) and 5 (a letter)."""
    from app.db import utcnow
    from app.staff.models import StaffTask

    for kind in ("send_text", "phone_call", "send_letter"):
        db.session().add(StaffTask(kind=kind, contributor_id=person.id, created_at=utcnow(),
                                   detail="Hello Casey.\nYour meeting is on Tuesday at 2pm."))
    db.session().commit()


def seed_four_eyes(person) -> None:  # type: ignore[no-untyped-def]
    """What the staff pages show when something waits: bank details the officer entered for Casey
    (a second member of staff must approve them), a private message to the team, a late email."""
    from datetime import timedelta

    from app import mail
    from app.account import service as accounts
    from app.db import utcnow
    from app.staff.models import StaffTask

    from app.staff import service as staff_service

    # Entered by a third member of staff, so the officer and admin sessions may still decide Casey's claims.
    sid = staff_service.create_staff("Sol Spare", "spare@example.org", "officer", STAFF_PASSWORD)
    accounts.request_bank_change(person, {"account_name": "Casey Person", "sort_code": "309452",
                                          "account_number": "12345678", "roll_number": ""}, sid)
    db.session().add(StaffTask(kind="private_help", contributor_id=person.id, created_at=utcnow(),
                               detail="Please phone me, not my carer."))
    late = mail.compose("sign_in", to="late@example.org", locale="en", easy_read=False, purpose="sign_in",
                        link="https://example.org/x", code="1234 5678", minutes=60, known=True)
    late.created_at -= timedelta(minutes=10)
    db.session().commit()


@pytest.fixture(scope="session")
def live_app(tmp_path_factory: pytest.TempPathFactory) -> Flask:
    app = seeded_app(tmp_path_factory.mktemp("a11y"))

    @app.after_request
    def _remember_status(response):  # type: ignore[no-untyped-def]
        # The browser cannot see status codes: the suite checks them here.
        if request.endpoint != "static":
            STATUSES[request.full_path.rstrip("?")] = response.status_code
        return response

    return app


def seed_claims(person, helper) -> None:  # type: ignore[no-untyped-def]
    """Casey's claims: two in progress ("a11y-empty", "a11y-claim"), one sent ("a11y-done"), one with a question,
    one with its fee on hold ("TP-A11Y-HD");
    and one Chris is filling in for Casey ("a11y-helping")."""
    from datetime import date, timedelta

    from app.account import drafts
    from app.claims import service as claims
    from app.claims.models import Claim
    from app.staff.models import StaffUser

    drafts.start("claim", person, person, "Claim").public_id = "a11y-empty"  # for the error states
    draft = drafts.start("claim", person, person, "Claim")
    draft.public_id = "a11y-claim"
    day = date.today() - timedelta(days=2)
    drafts.save_page(draft, "activity", {"activity": "other", "other_activity": "Leaflet group",
                                         "activity_date": day.isoformat()})
    drafts.save_page(draft, "time", {"hours": "3", "preparation": "some", "payment_choice": "paid", "advance": []})
    drafts.save_page(draft, "expenses", {"expenses": [{"kind": "mileage", "vehicle": "car", "miles": "12",
                                                       "amount": None, "passengers": "", "description": ""},
                                                      {"kind": "food", "amount": 2000, "vehicle": None,
                                                       "miles": "", "passengers": "", "description": ""}]})
    helping = drafts.start("claim", helper, person, "Claim")
    helping.public_id = "a11y-helping"
    drafts.save_page(helping, "activity", {"activity": "other", "other_activity": "Leaflet group",
                                           "activity_date": day.isoformat()})
    drafts.save_page(helping, "time", {"hours": "2", "preparation": "none", "payment_choice": "paid", "advance": []})
    values = {"activity": "Leaflet group", "activity_date": day, "hours": "3", "preparation": "some",
              "expenses": [{"kind": "parking", "pence": 400}]}
    done, _ = claims.submit("a11y-done", person, None, values, ("system", None, "a11y"))
    sent = drafts.start("claim", person, person, "Claim")  # its draft: Back after sending finds it sent
    sent.public_id, sent.reference, sent.submitted_at = "a11y-done", done.reference, done.submitted_at
    asked, _ = claims.submit("a11y-query", person, None, values, ("system", None, "a11y"))
    asked.reference = "TP-A11Y-CL"
    held, _ = claims.submit("a11y-hold", person, None, values | {"payment_choice": "benefits_talk"},
                            ("system", None, "a11y"))  # its fee on hold until Casey has talked to the team
    held.reference = "TP-A11Y-HD"
    db.session().commit()
    seed_role_rates(person, day)
    officer = db.session().scalar(select(StaffUser).where(StaffUser.role == "officer"))
    claims.transition(asked, "query", officer, note="Which car park did you use?")
    from app.claims import advances

    soon = {"activity": "Leaflet group", "activity_date": date.today() + timedelta(days=5), "kind": "public_transport",
            "pence": 2000, "reason": "I cannot pay for the train first."}
    waiting = advances.ask(person, None, soon, ("contributor", person.id, "a11y"))
    waiting.reference = "TP-A11Y-AD"
    question = advances.ask(person, None, soon | {"kind": "taxi"}, ("contributor", person.id, "a11y"))
    question.reference = "TP-A11Y-AQ"
    db.session().commit()
    advances.decide(question, "query", officer, note="Which station will you leave from?")
    db.session().commit()
    assert db.session().scalar(select(Claim).where(Claim.reference == "TP-A11Y-CL")) is not None


def seed_role_rates(person, day) -> None:  # type: ignore[no-untyped-def]
    """Claims in progress for roles that pay by the session ("a11y-session") and are voluntary
    ("a11y-voluntary"): their time pages ask how many sessions, or say the claim is for expenses only."""
    from datetime import timedelta

    from app.account import drafts
    from app.claims import pricing, service as claims
    from app.roles import service as roles
    from tests.roles.test_role_service import COMPLETE

    by = ("system", None, "a11y")
    latest = claims.rate_cards()[-1]
    claims.add_rate_card(day - timedelta(days=30), list(latest.rates) + [
        pricing.Rate("local_group", "session", 4000, "Group session")], "local rates", by)
    for key, pays in (("a11y-session", "local_group"), ("a11y-voluntary", "voluntary")):
        role = roles.create(COMPLETE | {"title": f"Role paid {pays}", "payment_level": pays,
                                        "recognition": "A thank-you letter"}, by)
        draft = drafts.start("claim", person, person, "Claim")
        draft.public_id = key
        drafts.save_page(draft, "activity", {"activity": str(role.id), "activity_date": day.isoformat()})
        drafts.save_page(draft, "time", {"hours": "2", "preparation": "none", "payment_choice": "paid",
                                         "quantity": "", "advance": []})  # the count left out: its error state
    db.session().commit()


def seed_meetings(role, person, helper) -> None:  # type: ignore[no-untyped-def]
    """Meetings of role 2: one just over ("a11ypast", with feedback and a published "you said,
    we did"), one coming up and changed ("a11ysoon"), one long past with no response yet ("a11yold")."""
    from datetime import timedelta

    from app.db import utcnow
    from app.meetings import service as meetings

    by = ("system", None, "a11y")
    rows = {}
    for code, hours, title in (("a11ypast", -3, "Leaflet group"), ("a11ysoon", 48, "Planning day"),
                               ("a11yold", -24 * 40, "Launch event")):
        item = meetings.create(role, {"title": title, "starts_at": utcnow() + timedelta(hours=hours), "minutes": 60,
                                      "format": "in_person", "venue": "Room 2, Main Street",
                                      "agenda": "1. Welcome\n2. The leaflet", "questions": "What should it say?"}, by)
        item.code = code
        meetings.set_attendees(item, [(person.id, False), (helper.id, True)], by)
        rows[code] = item
    past, old = rows["a11ypast"], rows["a11yold"]
    meetings.update(rows["a11ysoon"], {"venue": "Room 5"}, "Now in Room 5, on the ground floor", by)
    meetings.give_feedback(past, {"overall": 4, "listened": 5}, {"went_well": "Good tea"}, True, person=person,
                           giver=person)
    meetings.give_feedback(past, {"overall": 2}, {"change": "Too rushed"}, False, person=None, giver=None)
    response = meetings.add_response(past, {"you_said": "It felt rushed", "we_did": "Meetings are now longer",
                                            "changed": True}, by)
    meetings.publish(response, by, "admin")
    from app.involvement import service as involvement  # what changed, on the role's page (impact entry 1)

    entry = involvement.add_impact(role, {"what_changed": "The crisis leaflet now says who to call at night",
                                          "changed_on": utcnow().date(), "evidence": "The new leaflet, page 2",
                                          "meeting_id": past.id, "you_said_id": response.id}, by)
    involvement.publish_impact(entry, True, by)
    meetings.add_response(past, {"you_said": "More breaks", "we_did": "The room is booked for an hour only",
                                 "changed": False}, by)
    old_start = old.starts_at
    old.starts_at = utcnow() - timedelta(hours=2)  # open, to take answers; then back in the past (closed)
    for overall in (3, 3, 3, 3, 3, 5, 4):  # enough to show, with some counts hidden
        meetings.give_feedback(old, {"overall": overall}, {"change": f"More time ({overall})"}, False,
                               person=None, giver=None)
    old.starts_at = old_start
    db.session().commit()
    seed_equality(role)


def seed_cash_and_sort_out(role, person) -> None:  # type: ignore[no-untyped-def]
    """Cash given on the day, waiting for Casey to confirm ("TP-A11Y-CA", advance 3), and
    cash handed over for a meeting that was then called off, to sort out (advance 4)."""
    from datetime import date, timedelta

    from app.claims import advances
    from app.staff.models import StaffUser
    from app.db import utcnow
    from app.meetings import service as meetings

    officer = db.session().scalar(select(StaffUser).where(StaffUser.role == "officer"))
    cash = advances.give_cash(person, {"pence": 2000, "kind": "public_transport", "activity_date": date.today(),
                                       "note": "Train home from the group"}, officer)
    cash.reference = "TP-A11Y-CA"
    by = ("system", None, "a11y")
    called_off = meetings.create(role, {"title": "Walk and talk", "starts_at": utcnow() + timedelta(days=3),
                                        "minutes": 60, "format": "in_person", "venue": "The park"}, by)
    called_off.code, called_off.cancelled = "a11ycalled", True
    ahead = advances.give_cash(person, {"pence": 1200, "kind": "taxi", "activity_date": date.today(),
                                        "note": "Taxi to the walk"}, officer)
    ahead.meeting_id, ahead.activity = called_off.id, "Walk and talk"  # handed over before it was called off
    db.session().commit()
    assert (cash.id, ahead.id) == (3, 4)


def seed_equality(role) -> None:  # type: ignore[no-untyped-def]
    """Equality answers given last month (reports show only months that have ended)."""
    from datetime import timedelta

    from sqlalchemy import update

    from app.db import utcnow
    from app.interests import service as interests
    from app.interests.models import EqualityResponse

    for age in ("25_34",) * 6 + ("35_44",) * 2:
        interests.record_equality(role.id, {"age": age, "sex": "prefer_not"})
    last_month = (utcnow().replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    db.session().execute(update(EqualityResponse).values(month=last_month))
    db.session().commit()


@pytest.fixture(scope="session")
def live_server(live_app: Flask) -> Iterator[LiveServer]:
    with LiveServer(live_app) as server:
        yield server


def chrome(javascript: bool = True) -> webdriver.Chrome:
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            raise RuntimeError(f"{path} is missing: run 'make test' (it installs chromium and chromium-driver)")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--no-first-run", "--disable-quic", f"--window-size={PHONE[0]},{PHONE[1]}"):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_window_size(*PHONE)
    driver.set_page_load_timeout(30)
    driver.set_script_timeout(60)
    return driver


def wait_for(driver: webdriver.Chrome, condition: Callable[[webdriver.Chrome], object], seconds: float = 10) -> object:
    """Wait until ``condition`` is truthy, ignoring elements replaced by a page load."""
    return WebDriverWait(driver, seconds, ignored_exceptions=(StaleElementReferenceException,
                                                              NoSuchElementException)).until(condition)


def h1_text(driver: webdriver.Chrome) -> str:
    return driver.find_element(By.TAG_NAME, "h1").text


def sign_in_browser(driver: webdriver.Chrome, base: str, email: str) -> None:
    driver.get(f"{base}/staff/sign-in?lang=en")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.ID, "password").send_keys(STAFF_PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for(driver, lambda d: h1_text(d) == "Staff home")


def _browser(setup: Callable[[webdriver.Chrome], object] | None = None) -> Iterator[webdriver.Chrome]:
    driver = chrome()
    try:
        if setup is not None:
            setup(driver)
        yield driver
    finally:
        driver.quit()


def _use_link(driver: webdriver.Chrome, base: str, token: str) -> None:
    driver.get(f"{base}/account/sign-in/{token}?lang=en")
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for(driver, lambda d: "/account/sign-in/" not in d.current_url)


def _ask_for_email(driver: webdriver.Chrome, base: str, email: str) -> None:
    driver.get(f"{base}/account/sign-in?lang=en")
    driver.find_element(By.ID, "email").send_keys(email)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for(driver, lambda d: "/account/check-email" in d.current_url)


@pytest.fixture(scope="session")
def browser(live_server: LiveServer) -> Iterator[webdriver.Chrome]:
    """An anonymous visitor at phone size."""
    yield from _browser()


@pytest.fixture(scope="session")
def admin_browser(live_server: LiveServer) -> Iterator[webdriver.Chrome]:
    """A signed-in administrator at phone size."""
    yield from _browser(lambda d: sign_in_browser(d, live_server.url, "admin@example.org"))


@pytest.fixture(scope="session")
def officer_browser(live_server: LiveServer) -> Iterator[webdriver.Chrome]:
    yield from _browser(lambda d: sign_in_browser(d, live_server.url, "officer@example.org"))


@pytest.fixture(scope="session")
def contributor_browser(live_server: LiveServer) -> Iterator[webdriver.Chrome]:
    """A signed-in contributor (through the real emailed-link page)."""
    yield from _browser(lambda d: _use_link(d, live_server.url, "a11y-contributor"))


@pytest.fixture(scope="session")
def supporter_browser(live_server: LiveServer) -> Iterator[webdriver.Chrome]:
    """A supporter, signed in, filling in forms for the contributor."""

    def setup(driver: webdriver.Chrome) -> None:
        _use_link(driver, live_server.url, "a11y-supporter")
        driver.get(f"{live_server.url}/account/supporters?lang=en")
        driver.find_element(By.CSS_SELECTOR, "main form[action='/account/acting-for'] button").click()
        wait_for(driver, lambda d: d.find_elements(By.ID, "acting-for"))

    yield from _browser(setup)


@pytest.fixture(scope="session")
def helper_browser(live_server: LiveServer) -> Iterator[webdriver.Chrome]:
    """The same supporter on another device, not (yet) filling in forms for anyone."""
    yield from _browser(lambda d: _use_link(d, live_server.url, "a11y-helper"))


def _ask_for_text(driver: webdriver.Chrome, base: str, phone: str) -> None:
    driver.get(f"{base}/account/sign-in/text?lang=en")
    driver.find_element(By.ID, "phone").send_keys(phone)
    driver.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for(driver, lambda d: "/account/check-phone" in d.current_url)


@pytest.fixture(scope="session")
def texted_browser(live_server: LiveServer) -> Iterator[webdriver.Chrome]:
    """Someone who has asked for a sign-in code by text message and is waiting for it."""
    yield from _browser(lambda d: _ask_for_text(d, live_server.url, "07700 900 555"))


@pytest.fixture(scope="session")
def pending_browser(live_server: LiveServer) -> Iterator[webdriver.Chrome]:
    """Someone who has asked for a sign-in email and is waiting for it."""
    yield from _browser(lambda d: _ask_for_email(d, live_server.url, "waiting@example.org"))


def express_interest(driver: webdriver.Chrome, base: str, role_id: int = 2) -> None:
    """Say "I'm interested" through the real pages, as someone not signed in."""
    def page(name: str) -> None:
        wait_for(driver, lambda d: d.current_url.split("?")[0].endswith(f"/interest/{name}"))

    def tick(*ids: str) -> None:
        for element_id in ids:
            driver.find_element(By.ID, element_id).click()

    def go() -> None:
        driver.find_element(By.CSS_SELECTOR, "main form[method=post] button[type=submit]").click()

    driver.get(f"{base}/roles/{role_id}/interest?lang=en")
    page("who")
    tick("for_whom-0")
    go()
    page("contact")
    driver.find_element(By.ID, "name").send_keys("Ira Interested")
    driver.find_element(By.ID, "email").send_keys("ira@example.org")
    tick("contact_channel-0")
    go()
    page("taking_part")
    tick("ways-1", "availability-0")
    go()
    for name in ("access", "about"):
        page(name)
        go()
    page("payment")
    tick("payment_preference-0")
    go()
    page("agree")
    tick("consent-0")
    go()
    page("check")
    go()
    page("done")


@pytest.fixture(scope="session")
def interested_browser(live_server: LiveServer) -> Iterator[webdriver.Chrome]:
    """Someone not signed in who has just said they are interested in role 2."""
    yield from _browser(lambda d: express_interest(d, live_server.url))


@pytest.fixture
def nojs_browser(live_server: LiveServer) -> Iterator[webdriver.Chrome]:
    driver = chrome(javascript=False)
    try:
        yield driver
    finally:
        driver.quit()


_axe_runs = {"count": 0}


@pytest.fixture(scope="session")
def axe_counter() -> dict[str, int]:
    return _axe_runs


def pytest_terminal_summary(terminalreporter, exitstatus, config):  # type: ignore[no-untyped-def]
    if _axe_runs["count"]:
        terminalreporter.write_line(f"axe-core checks run: {_axe_runs['count']} (zero violations required)")
    from tests.a11y import test_first_screen

    if test_first_screen.MEASURED:
        terminalreporter.write_line(f"first screen: {len(test_first_screen.MEASURED)} page views measured; "
                                    f"lowest <h1> tops (the line is {test_first_screen.LINE} px):")
        for line in test_first_screen.lowest():
            terminalreporter.write_line("  " + line)
        test_first_screen.record()
