"""Claims service: priced from the dated rates in force, sent once, moved only by the right people."""

from __future__ import annotations

import itertools
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app import db
from app.account.models import Contributor
from app.audit import AuditEvent
from app.claims import pricing, service
from app.claims.models import Claim, ClaimLine
from app.mail import OutboxMessage
from app.staff.models import StaffUser
from tests.account.test_sign_in import make_contributor
from tests.conftest import make_staff

BY = ("system", None, "test")


def person(app, email: str = "sam@example.org", **fields) -> Contributor:  # type: ignore[no-untyped-def]
    return db.session().get(Contributor, make_contributor(app, email=email, **fields))


def claim_for(payee: Contributor, day: date, key: str, **values) -> Claim:  # type: ignore[no-untyped-def]
    claim, _ = service.submit(key, payee, None, {"activity": "Leaflet group", "activity_date": day,
                                                 "hours": "2", "preparation": "some"} | values, BY)
    db.session().commit()
    return claim


def staff(app, role: str, email: str | None = None) -> StaffUser:  # type: ignore[no-untyped-def]
    return db.session().get(StaffUser, make_staff(app, role, email=email))


def test_sending_twice_makes_one_claim(app) -> None:
    with app.app_context():
        sam = person(app)
        first = claim_for(sam, date(2026, 5, 1), "form-1")
        again, made = service.submit("form-1", sam, None, {"activity": "x", "activity_date": date(2026, 5, 2)}, BY)
        assert (again.id, made) == (first.id, False)
        assert db.session().scalar(select(func.count()).select_from(Claim)) == 1


def test_claims_keep_the_rate_card_version_they_were_priced_with(app) -> None:
    with app.app_context():
        sam = person(app)
        before = claim_for(sam, date(2025, 12, 15), "a")
        uplift = pricing.DEFAULT_CARD.uplifted(Decimal(10), date(2025, 12, 16), 2)
        service.add_rate_card(uplift.effective_from, list(uplift.rates), "NIHR uplift", BY)
        after = claim_for(sam, date(2025, 12, 16), "b")
        assert (before.rate_card_version, before.fee_pence) == (1, 7500)
        assert (after.rate_card_version, after.fee_pence) == (2, 8250)
        assert db.session().get(Claim, before.id).fee_pence == 7500  # untouched
        with pytest.raises(service.NotAllowed):
            service.add_rate_card(date(2025, 12, 1), list(uplift.rates), "backdated", BY)


def test_waiving_the_fee_still_pays_expenses(app) -> None:
    with app.app_context():
        claim = claim_for(person(app), date(2026, 5, 1), "w", payment_choice="waive",
                          expenses=[{"kind": "parking", "pence": 400}])
        assert (claim.fee_pence, claim.expenses_pence, claim.total_pence) == (0, 400, 400)


def test_mileage_bands_run_across_the_persons_claims_in_the_tax_year(app) -> None:
    with app.app_context():
        sam = person(app)
        ann = person(app, email="ann@example.org")
        claim_for(sam, date(2026, 6, 1), "m1", hours="0",
                  expenses=[{"kind": "mileage", "vehicle": "car", "miles": "9950"}])
        claim_for(ann, date(2026, 6, 1), "other-person", hours="0",
                  expenses=[{"kind": "mileage", "vehicle": "car", "miles": "9990"}])
        crossing = claim_for(sam, date(2026, 7, 1), "m2", hours="0",
                             expenses=[{"kind": "mileage", "vehicle": "car", "miles": "100", "passengers": "1"}])
        assert crossing.expenses_pence == 50 * 45 + 50 * 25 + 100 * 5
        next_year = claim_for(sam, date(2027, 4, 6), "m3", hours="0",
                              expenses=[{"kind": "mileage", "vehicle": "car", "miles": "100"}])
        assert next_year.expenses_pence == 100 * 45  # a new tax year starts at the full rate
        line = db.session().scalar(select(ClaimLine).where(ClaimLine.claim_id == crossing.id))
        assert line.mileage_from == date(2011, 4, 6) and line.miles == 100


def test_caps_apply_when_pricing(app) -> None:
    with app.app_context():
        claim = claim_for(person(app), date(2026, 5, 1), "f", hours="0",
                          expenses=[{"kind": "food", "pence": 2500, "receipts": 1}])
        assert claim.expenses_pence == 1500


def test_query_reply_approve_send_pay_with_emails_in_the_persons_language(app) -> None:
    with app.app_context():
        sam = person(app, language="cy")
        officer, finance = staff(app, "officer"), staff(app, "finance")
        claim = claim_for(sam, date(2026, 5, 1), "q")
        with pytest.raises(service.NotAllowed):
            service.transition(claim, "query", officer, note="")
        service.transition(claim, "query", officer, note="Which bus did you take?")
        service.reply(claim, sam, "The number 7.", BY)
        assert claim.status == "submitted"
        service.transition(claim, "approved", officer)
        service.transition(claim, "sent", finance)
        service.transition(claim, "paid", finance, paid_on=date(2026, 5, 20), payment_reference="BACS-1")
        assert (claim.status, claim.paid_on, claim.payment_reference) == ("paid", date(2026, 5, 20), "BACS-1")
        emails = db.session().scalars(select(OutboxMessage).order_by(OutboxMessage.id)).all()
        assert [m.purpose for m in emails] == ["claim_query", "claim_approved", "claim_sent", "claim_paid"]
        assert {m.locale for m in emails} == {"cy"}
        actions = db.session().scalars(select(AuditEvent.action).where(AuditEvent.record_type == "claim")).all()
        assert actions == ["claim.submitted", "claim.query", "claim.replied", "claim.approved", "claim.sent",
                           "claim.paid"]


def test_each_role_does_only_its_part_and_nobody_approves_their_own_claim(app) -> None:
    with app.app_context():
        sam = person(app)
        officer, finance = staff(app, "officer"), staff(app, "finance")
        claim = claim_for(sam, date(2026, 5, 1), "r")
        with pytest.raises(service.NotAllowed):
            service.transition(claim, "approved", finance)  # finance pays, it does not approve
        with pytest.raises(service.NotAllowed):
            service.transition(claim, "paid", officer)  # not from "submitted", and not an officer's job
        service.transition(claim, "approved", officer)
        with pytest.raises(service.NotAllowed):
            service.transition(claim, "paid", officer)
        own = claim_for(person(app, email="olu@example.org"), date(2026, 5, 1), "own")
        olu = staff(app, "officer", email="Olu@Example.org")
        with pytest.raises(service.NotAllowed):
            service.transition(own, "approved", olu)
        with pytest.raises(service.NotAllowed):
            service.transition(claim, "rejected", officer, note="too late")  # approved cannot be rejected


def test_changing_a_line_when_approving_needs_a_reason(app) -> None:
    with app.app_context():
        officer = staff(app, "officer")
        claim = claim_for(person(app), date(2026, 5, 1), "l", expenses=[{"kind": "taxi", "pence": 3000,
                                                                          "description": "No bus", "receipts": 1}])
        line = db.session().scalar(select(ClaimLine).where(ClaimLine.claim_id == claim.id))
        with pytest.raises(service.NotAllowed):
            service.transition(claim, "approved", officer, line_changes={line.id: (2000, "")})
        service.transition(claim, "approved", officer, line_changes={line.id: (2000, "Receipt shows £20")})
        assert (claim.expenses_pence, claim.total_pence, line.change_reason) == (2000, 9500, "Receipt shows £20")


# --- mileage in the order things happened (issue 20, finding 5) ---------------------------------------

def driving(miles: int, passengers: int = 0, vehicle: str = "car") -> list[dict[str, str]]:
    return [{"kind": "mileage", "vehicle": vehicle, "miles": str(miles), "passengers": str(passengers)}]


def amounts(*claims: Claim) -> tuple[int, ...]:
    """What each claim's expenses come to now, as stored."""
    for claim in claims:
        db.session().refresh(claim)
    return tuple(claim.expenses_pence for claim in claims)


def test_two_claims_for_the_same_day_count_in_the_order_they_were_sent(app) -> None:
    with app.app_context():
        sam = person(app)
        claim_for(sam, date(2026, 5, 1), "may", hours="0", expenses=driving(9_990))
        first = claim_for(sam, date(2026, 6, 1), "june-1", hours="0", expenses=driving(20))
        second = claim_for(sam, date(2026, 6, 1), "june-2", hours="0", expenses=driving(20))
        assert amounts(first, second) == (10 * 45 + 10 * 25, 20 * 25)


def test_a_late_claim_for_an_earlier_date_reprices_the_later_claims_not_yet_approved(app) -> None:
    with app.app_context():
        sam, ann = person(app), person(app, email="ann@example.org")
        officer = staff(app, "officer")
        july = claim_for(sam, date(2026, 7, 1), "july", hours="0", expenses=driving(100))
        service.transition(july, "approved", officer)
        august = claim_for(sam, date(2026, 8, 1), "august", expenses=driving(100, passengers=1) + [
            {"kind": "parking", "pence": 300}])
        september = claim_for(sam, date(2026, 9, 1), "september", hours="0", expenses=driving(100))
        service.transition(september, "query", officer, note="Where did you park?")
        anns = claim_for(ann, date(2026, 8, 1), "ann", hours="0", expenses=driving(100))
        assert amounts(july, august, september, anns) == (4_500, 4_500 + 500 + 300, 4_500, 4_500)

        late, made = service.submit("june", sam, None, {"activity": "Leaflet group", "activity_date": date(2026, 6, 1),
                                                        "hours": "0", "expenses": driving(9_950)}, BY)
        assert made and late.expenses_pence == 9_950 * 45
        # In the same transaction as the send: 9,950 + 100 miles come before August.
        assert (august.expenses_pence, august.total_pence) == (100 * 25 + 500 + 300, 7_500 + 100 * 25 + 500 + 300)
        assert september.expenses_pence == 100 * 25
        db.session().rollback()  # the send did not commit: nothing it changed is kept
        assert amounts(august, september) == (4_500 + 500 + 300, 4_500)

        late = claim_for(sam, date(2026, 6, 1), "june", hours="0", expenses=driving(9_950))
        assert amounts(july, august, september, anns) == (4_500, 100 * 25 + 500 + 300, 100 * 25, 4_500)
        [mileage, parking] = db.session().scalars(select(ClaimLine).where(ClaimLine.claim_id == august.id)
                                                  .order_by(ClaimLine.position)).all()
        assert (mileage.claimed_pence, mileage.allowed_pence, parking.allowed_pence) == (3_000, 3_000, 300)
        events = {(e.record_id, e.action): e for e in db.session().scalars(select(AuditEvent).where(
            AuditEvent.action.in_(["claim.repriced", "claim.mileage_differs"])))}
        assert set(events) == {(str(august.id), "claim.repriced"), (str(september.id), "claim.repriced"),
                               (str(july.id), "claim.mileage_differs")}
        assert events[(str(august.id), "claim.repriced")].after_data == {
            "because": late.reference, "expenses": 3_300, "total": 10_800}
        assert events[(str(july.id), "claim.mileage_differs")].after_data == {
            "because": late.reference, "mileage": 50 * 45 + 50 * 25}
        # The approved claim is never changed silently: staff are shown what it would come to.
        assert july.total_pence == 4_500 and service.mileage_now(july) == (4_500, 3_500)
        assert service.mileage_now(august) is None


def test_a_late_claim_moves_only_its_own_tax_year_5_april_and_6_april(app) -> None:
    with app.app_context():
        sam = person(app)
        last_day = claim_for(sam, date(2027, 4, 5), "5-april", hours="0", expenses=driving(100))
        first_day = claim_for(sam, date(2027, 4, 6), "6-april", hours="0", expenses=driving(100))
        claim_for(sam, date(2026, 4, 5), "year-before", hours="0", expenses=driving(10_000))
        assert amounts(last_day, first_day) == (4_500, 4_500)
        claim_for(sam, date(2026, 4, 6), "year-start", hours="0", expenses=driving(10_000))
        assert amounts(last_day, first_day) == (2_500, 4_500)


def test_passengers_keep_their_5p_when_the_car_miles_move_to_25p(app) -> None:
    with app.app_context():
        sam = person(app)
        later = claim_for(sam, date(2026, 7, 1), "later", hours="0", expenses=driving(100, passengers=2))
        assert amounts(later) == (4_500 + 1_000,)
        claim_for(sam, date(2026, 6, 1), "earlier", hours="0", expenses=driving(10_000, passengers=1))
        assert amounts(later) == (2_500 + 1_000,)


def test_motorcycle_and_bicycle_miles_neither_count_towards_nor_move_with_the_car_miles(app) -> None:
    with app.app_context():
        sam = person(app)
        motorcycle = claim_for(sam, date(2026, 7, 1), "motorcycle", hours="0",
                               expenses=driving(100, vehicle="motorcycle"))
        bicycle = claim_for(sam, date(2026, 7, 2), "bicycle", hours="0", expenses=driving(100, vehicle="bicycle"))
        car = claim_for(sam, date(2026, 7, 3), "car", hours="0", expenses=driving(100))
        claim_for(sam, date(2026, 6, 1), "late-motorcycle", hours="0", expenses=driving(12_000, vehicle="motorcycle"))
        assert amounts(motorcycle, bicycle, car) == (2_400, 2_000, 4_500)
        claim_for(sam, date(2026, 6, 2), "late-car", hours="0", expenses=driving(10_000))
        assert amounts(motorcycle, bicycle, car) == (2_400, 2_000, 2_500)


SENT = itertools.count()


@settings(max_examples=15, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from([date(2026, 6, 1), date(2026, 6, 2), date(2026, 7, 1)]),
                               st.sampled_from(pricing.VEHICLES), st.integers(min_value=1, max_value=6_000),
                               st.integers(min_value=0, max_value=2)), min_size=1, max_size=5),
       random=st.randoms(use_true_random=False))
def test_any_order_of_sending_gives_the_tax_years_mileage_of_one_sorted_pass(app, rows, random) -> None:  # type: ignore[no-untyped-def]
    """Claims sent in any order, each re-pricing the ones after it: the person's mileage for the
    tax year is what one pass in date order pays (45p for the first 10,000 car miles, 25p after)."""
    order = list(range(len(rows)))
    random.shuffle(order)
    with app.app_context():
        someone = person(app, email=f"order-{next(SENT)}@example.org")
        claims = {}
        for i in order:
            day, vehicle, miles, passengers = rows[i]
            claims[i] = claim_for(someone, day, f"order-{someone.id}-{i}", hours="0",
                                  expenses=driving(miles, passengers, vehicle))
        expected = sum(pence for _journey, pence, _parts in pricing.mileage_in_order(
            pricing.Journey(day, (i,), vehicle, Decimal(miles), passengers) for i, (day, vehicle, miles, passengers)
            in enumerate(rows)))  # in date order, ties the other way round from how they were sent
        assert sum(amounts(*claims.values())) == expected
        assert all(service.mileage_now(claim) is None for claim in claims.values())
