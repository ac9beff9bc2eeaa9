"""Rates as the organisation sets them (issue 20, item 3): a role says how it pays (a tier, a local
hourly / session / task rate, or voluntary), pricing uses the role's rate, and claims keep the
rate card version they were priced with."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from app import db
from app.claims import pricing, service
from app.claims.models import Claim
from tests.claims.test_claim_service import BY, person

HOURLY = pricing.Rate("local_peer_support", "hourly", 1800, "Peer support")
SESSION = pricing.Rate("local_group", "session", 4000, "Group session")
TASK = pricing.Rate("local_review", "task", 1500, "Document review")
CARD_FROM = date(2025, 1, 1)


def add_local_rates(start: date = CARD_FROM, *rates: pricing.Rate) -> None:
    """A new card from ``start``: the tiers of the current one and these local rates."""
    current = service.rate_cards()[-1]
    service.add_rate_card(start, [r for r in current.rates if r.kind == "tier"] + list(rates or
                                                                                       (HOURLY, SESSION, TASK)),
                          "local rates", BY)


def role_paying(payment_level: str) -> int:
    from tests.roles.test_role_service import COMPLETE
    from app.roles import service as roles

    role = roles.create(COMPLETE | {"payment_level": payment_level, "recognition": "A thank-you letter"}, BY)
    return role.id


def test_an_hourly_role_pays_hours_times_the_rate_to_the_penny(app) -> None:
    with app.app_context():
        add_local_rates()
        priced = service.price(1, date(2026, 5, 1), Decimal("2.25"), "none", [], role_pays=HOURLY.code)
        assert (priced.fee_code, priced.fee_pence, priced.card_version) == (HOURLY.code, 4050, 2)
        # A tier role, and no role at all, are priced by hours and preparation as before.
        assert service.price(1, date(2026, 5, 1), Decimal("2.25"), "none", [], role_pays="nihr_25").fee_pence == 7500
        assert service.price(1, date(2026, 5, 1), Decimal("2.25"), "none", []).fee_pence == 7500


def test_session_and_task_roles_pay_for_the_count_the_person_gives(app) -> None:
    with app.app_context():
        add_local_rates()
        sessions = service.price(1, date(2026, 5, 1), Decimal(3), "some", [], role_pays=SESSION.code, quantity=2)
        tasks = service.price(1, date(2026, 5, 1), Decimal(1), "none", [], role_pays=TASK.code, quantity=3)
        assert (sessions.fee_code, sessions.fee_pence) == (SESSION.code, 8000)
        assert (tasks.fee_code, tasks.fee_pence) == (TASK.code, 4500)


def test_a_voluntary_roles_claim_is_for_expenses_only(app) -> None:
    with app.app_context():
        priced = service.price(1, date(2026, 5, 1), Decimal(3), "substantial",
                               [{"kind": "parking", "pence": 350}], role_pays="voluntary")
        assert (priced.fee_code, priced.fee_pence, priced.total_pence) == ("voluntary", 0, 350)


def test_a_local_rate_not_yet_on_the_card_of_the_claims_date_is_priced_by_the_tier_with_a_note(app) -> None:
    with app.app_context():
        add_local_rates(date(2026, 1, 1))
        priced = service.price(1, date(2025, 12, 31), Decimal(2), "none", [], role_pays=HOURLY.code)
        assert (priced.fee_code, priced.fee_pence, priced.rate_missing) == ("nihr_75", 7500, HOURLY.code)


def test_a_claim_stores_its_local_rate_and_keeps_its_version_when_the_rate_changes(app) -> None:
    with app.app_context():
        add_local_rates()
        sam = person(app)
        role_id = role_paying(HOURLY.code)
        claim, _ = service.submit("one", sam, None, {"activity": "Peer support", "activity_date": date(2026, 5, 1),
                                                     "role_id": role_id, "hours": "2.25", "preparation": "none"}, BY)
        db.session().commit()
        service.change_rate(HOURLY.code, 2000, date(2026, 6, 1), "", BY)
        db.session().commit()
        later, _ = service.submit("two", sam, None, {"activity": "Peer support", "activity_date": date(2026, 6, 1),
                                                     "role_id": role_id, "hours": "2.25", "preparation": "none"}, BY)
        db.session().commit()
        first = db.session().get(Claim, claim.id)
        assert (first.fee_code, first.fee_pence, first.rate_card_version) == (HOURLY.code, 4050, 2)
        assert (later.fee_code, later.fee_pence, later.rate_card_version) == (HOURLY.code, 4500, 3)
        sessions, _ = service.submit("three", sam, None, {
            "activity": "Group", "activity_date": date(2026, 6, 2), "role_id": role_paying(SESSION.code),
            "hours": "2", "preparation": "none", "quantity": 2}, BY)
        assert (sessions.fee_pence, sessions.fee_quantity) == (8000, 2)
        voluntary, _ = service.submit("four", sam, None, {
            "activity": "Helping", "activity_date": date(2026, 6, 2), "role_id": role_paying("voluntary"),
            "hours": "2", "preparation": "none"}, BY)
        assert (voluntary.fee_code, voluntary.fee_pence) == ("voluntary", 0)


def test_changing_or_retiring_one_rate_makes_a_new_dated_version_that_copies_the_rest(app) -> None:
    from app.audit import AuditEvent

    with app.app_context():
        add_local_rates()
        service.change_rate(HOURLY.code, 2000, date(2026, 6, 1), "2026 pay review", BY)
        db.session().commit()
        changed = service.rate_cards()[-1]
        assert (changed.version, changed.effective_from) == (3, date(2026, 6, 1))
        assert changed.rate(HOURLY.code).pence == 2000
        assert {r.code: r.pence for r in changed.rates if r.code != HOURLY.code} == {
            r.code: r.pence for r in service.rate_cards()[-2].rates if r.code != HOURLY.code}
        service.retire_rate(TASK.code, date(2026, 7, 1), "", BY)
        db.session().commit()
        assert TASK.code not in {r.code for r in service.rate_cards()[-1].rates}
        assert db.session().scalars(select(AuditEvent.action).where(AuditEvent.record_type == "rate_card")).all()[-2:] \
            == ["rate_card.added", "rate_card.added"]


def test_a_rate_a_role_still_uses_cannot_be_retired(app) -> None:
    import pytest

    from app.roles.models import Role

    with app.app_context():
        add_local_rates()
        role_paying(SESSION.code)
        with pytest.raises(service.RateInUse) as refused:
            service.retire_rate(SESSION.code, date(2026, 7, 1), "", BY)
        assert refused.value.roles == ["Help us rewrite the crisis leaflet"]
        db.session().rollback()
        for role in db.session().scalars(select(Role)):
            role.status = "archived"
        db.session().commit()
        service.retire_rate(SESSION.code, date(2026, 7, 1), "", BY)
        db.session().commit()
        assert SESSION.code not in {r.code for r in service.rate_cards()[-1].rates}


# --- the claim's "Your time" page knows the role -------------------------------------------------------

def claim_for_role(app, payment_level: str, email: str = "sam@example.org", **role):  # type: ignore[no-untyped-def]
    """A signed-in person interested in a published role that pays ``payment_level``, on a new
    claim for it: (client, the claim's base url)."""
    from tests.account.test_details import signed_in
    from tests.claims.test_claim_journey import ACTIVITY, base, start
    from tests.interests.helpers import published_role, send, walk

    with app.app_context():
        if payment_level not in pricing.TIERS and payment_level != "voluntary":
            add_local_rates()
    role_id = published_role(app, payment_level=payment_level, recognition="A thank-you letter", **role)
    cr, _person = signed_in(app, email=email)
    walk(cr, role_id, {"contact": {}})
    send(cr, role_id)
    url = base(start(cr))
    cr.post_redirect(f"{url}/activity", ACTIVITY | {"activity": str(role_id)})
    return cr, url


def test_the_time_page_asks_how_many_sessions_only_when_the_role_pays_by_the_session(app) -> None:
    cr, url = claim_for_role(app, SESSION.code)
    page = cr.get(f"{url}/time?lang=en")
    assert page.by_id("quantity") is not None and "How many sessions?" in page.text()
    refused = cr.post(f"{url}/time?lang=en", {"hours": "3", "preparation": "some", "payment_choice": "paid",
                                              "quantity": "0"})
    assert refused.error_summary() == [("#quantity", "Enter a whole number from 1 to 50")]
    cr.post_redirect(f"{url}/time", {"hours": "3", "preparation": "some", "payment_choice": "paid", "quantity": "2"})
    assert "2 sessions at £40.00 a session: £80.00." in cr.get(f"{url}/time?lang=en").text()  # without JavaScript
    easy = cr.get(f"{url}/time?lang=en&easy-read=on")
    assert "How many sessions?" in easy.text() and "We pay £40.00 for each session. That is £80.00." in easy.text()
    cr.post_redirect(f"{url}/expenses", {})
    assert cr.post_redirect(f"{url}/check", {"declare": "yes"}) == f"{url}/done"
    with app.app_context():
        claim = db.session().scalar(select(Claim))
        assert (claim.fee_code, claim.fee_quantity, claim.fee_pence) == (SESSION.code, 2, 8000)
    # A tier role asks no count.
    other, other_url = claim_for_role(app, "nihr_25", email="kim@example.org", title="Tier role")
    assert other.get(f"{other_url}/time?lang=en").by_id("quantity") is None


def test_the_time_page_of_an_hourly_role_shows_hours_times_the_rate(app) -> None:
    cr, url = claim_for_role(app, HOURLY.code)
    cr.post_redirect(f"{url}/time", {"hours": "2.25", "preparation": "none", "payment_choice": "paid"})
    page = cr.get(f"{url}/time?lang=en")
    assert page.by_id("quantity") is None
    assert "Hours: 2.25, at £18.00 an hour: £40.50." in page.text()


def test_a_voluntary_roles_time_page_says_the_claim_is_for_expenses_only(app) -> None:
    cr, url = claim_for_role(app, "voluntary")
    page = cr.get(f"{url}/time?lang=en")
    assert "This role is voluntary, so this claim is for expenses only." in page.text()
    assert not [el for el in page.doc.iter("input") if el.get("name") == "payment_choice"]
    easy = cr.get(f"{url}/time?lang=en&easy-read=on").text()
    assert "This role is not paid. We pay your costs." in easy
    cr.post_redirect(f"{url}/time", {"hours": "2", "preparation": "none"})
    cr.post_redirect(f"{url}/expenses", {"expenses-0-kind": "parking", "expenses-0-amount": "3.50"})
    assert cr.post_redirect(f"{url}/check", {"declare": "yes"}) == f"{url}/done"
    with app.app_context():
        claim = db.session().scalar(select(Claim))
        assert (claim.fee_code, claim.fee_pence, claim.total_pence) == ("voluntary", 0, 350)


# --- a role says how it pays --------------------------------------------------------------------------

def test_the_role_form_offers_the_local_rates_of_todays_card_and_voluntary_only_where_allowed(app) -> None:
    from tests.claims.test_processing import staff_client

    with app.app_context():
        add_local_rates()
    officer = staff_client(app, "officer")
    form = officer.get("/staff/roles/new?lang=en")
    choices = [el.get("value") for el in form.doc.iter("input") if el.get("name") == "payment_level"]
    assert choices == ["nihr_25", "nihr_75", "nihr_150", "nihr_300", HOURLY.code, SESSION.code, TASK.code,
                       "voluntary"]
    text = form.text()
    assert "Peer support: £18.00 an hour" in text and "Group session: £40.00 a session" in text
    assert "Document review: £15.00 a task" in text
    app.config["SETTINGS"] = app.config["SETTINGS"].replace(voluntary_roles=False)
    choices = [el.get("value") for el in officer.get("/staff/roles/new?lang=en").doc.iter("input")
               if el.get("name") == "payment_level"]
    assert "voluntary" not in choices
    with app.app_context():
        from app.roles import service as roles
        from app.roles.models import Role

        role = db.session().get(Role, role_paying("voluntary"))
        assert "payment_level" in roles.missing_for_publish(role)
        role.payment_level = HOURLY.code
        assert "payment_level" not in roles.missing_for_publish(role)
        role.payment_level = "local_not_on_the_card"
        assert "payment_level" in roles.missing_for_publish(role)


def test_public_role_pages_show_a_local_rate_in_the_persons_language_and_easy_read(app, client_request) -> None:
    from flask_babel import force_locale

    from app.i18n import money
    from tests.roles.test_public_pages import publish

    with app.app_context():
        add_local_rates()
    role_id = publish(app, title="Peer support", payment_level=HOURLY.code)
    page = client_request.get(f"/roles/{role_id}?lang=en").text()
    assert "We pay £18.00 an hour for your time, including preparation." in page
    assert "We pay £18.00 an hour for your time, including preparation." in client_request.get("/roles/?lang=en").text()
    assert "We pay £18.00 for each hour of your time." in client_request.get(
        f"/roles/{role_id}?lang=en&easy-read=on").text()
    for locale in ("cy", "pl"):
        with app.test_request_context(), force_locale(locale):
            amount = money(1800).replace("\xa0", " ")
        assert amount in client_request.get(f"/roles/{role_id}?lang={locale}").text()
    # The "paid roles only" filter counts a local rate as paid.
    paid = client_request.get("/roles/?pay=paid&lang=en").text()
    assert "Peer support" in paid and "Peer support" not in client_request.get("/roles/?pay=voluntary&lang=en").text()


# --- staff: the claim's note, and changing one rate at a time --------------------------------------------

def test_staff_see_when_a_roles_local_rate_was_not_yet_on_the_card_of_the_claims_date(app) -> None:
    from tests.claims.test_processing import staff_client

    with app.app_context():
        add_local_rates(date(2026, 1, 1))
        claim, _ = service.submit("early", person(app), None, {
            "activity": "Peer support", "activity_date": date(2025, 12, 31), "role_id": role_paying(HOURLY.code),
            "hours": "2", "preparation": "none"}, BY)
        db.session().commit()
        claim_id = claim.id
    page = staff_client(app, "officer").get(f"/staff/claims/{claim_id}?lang=en").text()
    assert ("This role pays Peer support, which was not yet a rate on 31 December 2025, so this claim was "
            "priced by the tier its hours and preparation suggest.") in page


def test_an_administrator_changes_one_rate_from_a_date(app) -> None:
    from tests.claims.test_processing import staff_client

    with app.app_context():
        add_local_rates()
    admin = staff_client(app, "admin")
    rates = admin.get("/staff/rates?lang=en")
    assert [a for a in rates.doc.iter("a") if a.get("href") == f"/staff/rates/{HOURLY.code}"]
    page = admin.get(f"/staff/rates/{HOURLY.code}?lang=en")
    assert page.h1 == "Change or retire a rate: Peer support"
    refused = admin.post(f"/staff/rates/{HOURLY.code}?lang=en", {"action": "change"})
    assert [m for _, m in refused.error_summary()] == ["Enter the new amount, like 19.50",
                                                       "Enter the date the change starts"]
    assert admin.post_redirect(f"/staff/rates/{HOURLY.code}", {
        "action": "change", "pence": "20.00", "starts-day": "1", "starts-month": "6",
        "starts-year": "2026"}) == "/staff/rates"
    with app.app_context():
        card = service.rate_cards()[-1]
        assert (card.effective_from, card.rate(HOURLY.code).pence) == (date(2026, 6, 1), 2000)
    # Officers and finance read the rates; they change none.
    officer = staff_client(app, "officer")
    assert not [a for a in officer.get("/staff/rates?lang=en").doc.iter("a")
                if a.get("href") == f"/staff/rates/{HOURLY.code}"]
    assert officer.client.get(f"/staff/rates/{HOURLY.code}").status_code == 403


def test_retiring_a_rate_a_role_uses_is_refused_naming_the_roles(app) -> None:
    from tests.claims.test_processing import staff_client

    with app.app_context():
        add_local_rates()
        role_paying(SESSION.code)
    admin = staff_client(app, "admin")
    refused = admin.post(f"/staff/rates/{SESSION.code}?lang=en", {
        "action": "retire", "starts-day": "1", "starts-month": "7", "starts-year": "2026"})
    assert [m for _, m in refused.error_summary()] == [
        "Roles still pay this rate: Help us rewrite the crisis leaflet. Change their payment first."]
    assert admin.post_redirect(f"/staff/rates/{TASK.code}", {
        "action": "retire", "starts-day": "1", "starts-month": "7", "starts-year": "2026"}) == "/staff/rates"
    with app.app_context():
        assert TASK.code not in {r.code for r in service.rate_cards()[-1].rates}


def test_the_tier_boundaries_are_fields_of_a_new_version(app) -> None:
    from tests.claims.test_processing import staff_client

    admin = staff_client(app, "admin")
    page = admin.get("/staff/rates?lang=en")
    assert page.by_id("short_hours").get("value") == "1.5" and page.by_id("long_hours").get("value") == "4.5"
    admin.post_redirect("/staff/rates", {"effective_from-day": "1", "effective_from-month": "4",
                                         "effective_from-year": "2026", "short_hours": "2", "long_hours": "5",
                                         "more_preparation": "some"})
    with app.app_context():
        card = service.rate_cards()[-1]
        assert (card.short_hours, card.long_hours, card.more_preparation) == (Decimal(2), Decimal(5), "some")
    refused = admin.post("/staff/rates?lang=en", {"effective_from-day": "1", "effective_from-month": "5",
                                                  "effective_from-year": "2026", "short_hours": "5",
                                                  "long_hours": "2", "more_preparation": "some"})
    assert [m for _, m in refused.error_summary()] == ["The longer boundary must be more hours than the shorter one"]
