"""One source for every amount shown: after an administrator adds a +10% rate card, every page that
shows a fee (public role list and page, the role form, the rates page, the claim's time and check
pages, the staff claim page) says £27.50 where it said £25.00."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from flask_babel import force_locale
from sqlalchemy import select

from app import db
from app.claims import pricing, service
from app.claims.models import Claim
from app.i18n import money
from tests.account.test_details import signed_in
from tests.claims.test_claim_journey import base, start
from tests.claims.test_processing import staff_client
from tests.roles.test_public_pages import publish

BY = ("system", None, "test")
DAY = date.today() - timedelta(days=3)


def raise_rates_by_10_percent(app) -> None:  # type: ignore[no-untyped-def]
    with app.app_context():
        uplift = pricing.DEFAULT_CARD.uplifted(Decimal(10), date.today() - timedelta(days=30), 2)
        service.add_rate_card(uplift.effective_from, list(uplift.rates), "NIHR uplift", BY)
        db.session().commit()


def test_every_page_that_shows_an_amount_reads_the_rate_card_in_force(app) -> None:
    role_id = publish(app, title="Hour by phone", payment_level="nihr_25")
    cr, _person = signed_in(app)
    admin = staff_client(app, "admin")

    def pages() -> dict[str, str]:
        first = start(cr)
        url = base(first)
        cr.post_redirect(f"{url}/activity", {"activity": "other", "other_activity": "Phone group",
                                             "activity_date-day": str(DAY.day),
                                             "activity_date-month": str(DAY.month),
                                             "activity_date-year": str(DAY.year)})
        cr.post_redirect(f"{url}/time", {"hours": "1", "preparation": "none", "payment_choice": "paid"})
        cr.post_redirect(f"{url}/expenses", {})
        shown = {"time": cr.get(f"{url}/time?lang=en").text(), "check": cr.get(f"{url}/check?lang=en").text()}
        cr.post_redirect(f"{url}/check", {"declare": "yes"})
        with app.app_context():
            claim_id = max(db.session().scalars(select(Claim.id)))
        return shown | {
            "role list": cr.get("/roles/?lang=en").text(),
            "role page": cr.get(f"/roles/{role_id}?lang=en").text(),
            "role form": admin.get(f"/staff/roles/{role_id}?lang=en").text(),
            "rates page": admin.get("/staff/rates?lang=en").text(),
            "staff claim page": admin.get(f"/staff/claims/{claim_id}?lang=en").text(),
        }

    before = pages()
    assert [name for name, text in before.items() if "£25.00" not in text] == []
    raise_rates_by_10_percent(app)
    after = pages()
    assert [name for name, text in after.items() if "£27.50" not in text] == []
    # Nothing still says the old amount, in numbers or words ("£25 tier").
    assert [name for name, text in after.items() if "£25.00" in text and name != "rates page"] == []
    assert [name for name, text in after.items() if "£25 " in text or "£25:" in text] == []


def test_a_role_page_shows_the_amount_in_the_persons_language_and_in_easy_read(app, client_request) -> None:
    role_id = publish(app, payment_level="nihr_25")
    raise_rates_by_10_percent(app)
    for locale in ("cy", "pl", "ar"):
        with app.test_request_context(), force_locale(locale):
            amount = money(2750).replace("\xa0", " ")  # page text reads a no-break space as a space
        assert amount in client_request.get(f"/roles/{role_id}?lang={locale}").text()
        assert amount in client_request.get(f"/roles/?lang={locale}").text()
    easy = client_request.get(f"/roles/{role_id}?lang=en&easy-read=on").text()
    assert "We pay £27.50 for your time." in easy
    assert "We pay £27.50 for your time." in client_request.get("/roles/?lang=en&easy-read=on").text()
