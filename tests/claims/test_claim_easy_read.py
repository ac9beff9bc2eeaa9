"""A claim in easy read: every question, hint, option, button and error is in easy-read words,
and a supporter filling it in reads them with the person's name."""

from __future__ import annotations

from tests.account.test_details import signed_in
from tests.account.test_supporters import person_with_helper
from tests.claims.test_claim_journey import ACTIVITY, TIME, base, start
from tests.conftest import text_of

EASY = "?lang=en&easy-read=on"


def test_your_time_in_easy_read_asks_one_short_question_and_says_what_to_do(app) -> None:
    cr, _ = signed_in(app)
    url = base(start(cr))
    page = cr.get(f"{url}/time{EASY}")
    assert text_of(page.find(".//label[@for='hours']")) == "How many hours?"
    assert text_of(page.by_id("hours-hint")).startswith("Count the time to get ready too.")
    assert "including getting ready" not in page.text()
    assert "Yes, pay me for my time" in [text_of(label) for label in page.findall(".//fieldset//label")]
    refused = cr.post(f"{url}/time{EASY}", {"hours": ""})
    assert ("#hours", "Write how many hours. For example 2.") in refused.error_summary()
    standard = cr.get(f"{url}/time?lang=en&easy-read=off")
    assert text_of(standard.find(".//label[@for='hours']")) == "How many hours did it take, including getting ready?"


def test_easy_read_expenses_are_numbered_costs_each_with_its_own_button(app) -> None:
    cr, _ = signed_in(app)
    url = base(start(cr))
    cr.post_redirect(f"{url}/expenses", {"expenses-0-kind": "parking", "expenses-0-amount": "3.50",
                                         "expenses-1-kind": "taxi", "expenses-1-amount": "12",
                                         "expenses-1-description": "No bus on Sunday"})
    page = cr.get(f"{url}/expenses{EASY}")
    assert [text_of(legend) for legend in page.findall(".//fieldset[@class='row']/legend")] == ["Cost 1", "Cost 2"]
    buttons = [text_of(button) for button in page.findall(".//button")]
    assert "Take away cost 2" in buttons and "Add a cost" in buttons
    receipts = cr.get(f"{url}/receipts{EASY}")
    assert "Taxi (No bus on Sunday) that cost £12.00" in [text_of(label) for label in
                                                           receipts.findall(".//fieldset//label")]


def test_a_supporter_reads_easy_read_with_the_persons_name(app) -> None:
    _person, _person_id, helper, _helper_id = person_with_helper(app)
    url = base(helper.post_redirect("/account/forms/new/claim", {"for_whom": str(_person_id)}))
    helper.post_redirect(f"{url}/activity", ACTIVITY)
    helper.post_redirect(f"{url}/time", TIME)
    time = helper.get(f"{url}/time{EASY}")
    choices = [text_of(label) for label in time.findall(".//fieldset//label")]
    assert any(c.startswith("Yes, pay ") and c.endswith(" for their time") for c in choices), choices
    assert "Pay me for my time" not in time.text() and "Yes, pay me for my time" not in time.text()
    check = helper.get(f"{url}/check{EASY}")
    assert "Send the claim" in [text_of(button) for button in check.findall(".//button")]
    keys = [text_of(dt) for dt in check.findall(".//dl//dt")]
    assert any(k.startswith("Does ") and k.endswith(" want to be paid?") for k in keys), keys
