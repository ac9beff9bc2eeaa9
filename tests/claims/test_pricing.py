"""Pricing: the NIHR tiers, dated rate cards, HMRC mileage bands across a tax year, expense rules."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.claims.pricing import (
    DEFAULT_CARD, EXPENSE_RULES, HMRC_2011, NIHR_2022, PREPARATION, VEHICLES, ExpenseRule, Journey, MileageRates,
    Rate, RateCard, card_on, check_expense, mileage, mileage_in_order, mileage_rates_on, suggest_tier, tax_year,
    tax_year_bounds, tax_year_label, to_pence,
)


def test_tiers_are_the_nihr_2022_amounts() -> None:
    assert [(t.code, t.pence) for t in NIHR_2022] == [
        ("nihr_25", 2500), ("nihr_75", 7500), ("nihr_150", 15000), ("nihr_300", 30000)]


@pytest.mark.parametrize("hours, preparation, pence", [
    ("0.5", "none", 2500),        # a short call, nothing to read
    ("1", "none", 2500),
    ("1", "some", 2500),          # an hour, with a short paper to read: "little preparation"
    ("3.5", "none", 7500),        # about half a day
    ("4", "some", 7500),
    ("6", "none", 15000),         # all-day meeting or training
    ("7", "some", 15000),
    ("7", "substantial", 30000),  # all day with substantial preparation, e.g. chairing
])
def test_tier_follows_duration_and_preparation(hours: str, preparation: str, pence: int) -> None:
    assert suggest_tier(Decimal(hours), preparation).pence == pence


# The guides' words (003 L1753-1758) as boundaries: "about 1 hour or less, little or no
# preparation" is up to 1.5 hours with no or some preparation; "about half a day, preparation
# required" is up to 1.5 hours with a lot of preparation, or over 1.5 and up to 4.5 hours; all day
# is over 4.5 hours, with substantial preparation the top tier.
@pytest.mark.parametrize("hours, preparation, pence", [
    ("0.5", "some", 2500),          # was £75: half an hour, reading a paper first
    ("0.5", "substantial", 7500),   # short, but a talk to get ready
    ("1.5", "none", 2500),          # 1.5 hours exactly is still "about an hour"
    ("1.5", "some", 2500),
    ("1.5", "substantial", 7500),
    ("1.51", "none", 7500),         # just over 1.5 hours
    ("4.25", "none", 7500),         # was £150
    ("4.5", "none", 7500),          # 4.5 hours exactly is still "about half a day"
    ("4.5", "some", 7500),
    ("4.5", "substantial", 7500),
    ("4.51", "none", 15000),        # just over 4.5 hours
    ("4.51", "some", 15000),
    ("4.51", "substantial", 30000),
])
def test_tier_boundaries_follow_the_guides_words(hours: str, preparation: str, pence: int) -> None:
    assert suggest_tier(Decimal(hours), preparation).pence == pence
    assert DEFAULT_CARD.suggest(Decimal(hours), preparation).pence == pence


def test_a_rate_card_carries_its_own_boundaries() -> None:
    assert (DEFAULT_CARD.short_hours, DEFAULT_CARD.long_hours, DEFAULT_CARD.more_preparation) == (
        Decimal("1.5"), Decimal("4.5"), "substantial")
    strict = RateCard(2, date(2026, 1, 1), DEFAULT_CARD.rates, short_hours=Decimal("1"), long_hours=Decimal("4"),
                      more_preparation="some")
    assert strict.suggest(Decimal("1.25"), "none").pence == 7500
    assert strict.suggest(Decimal("0.5"), "some").pence == 7500
    assert strict.suggest(Decimal("4.25"), "none").pence == 15000
    assert strict.suggest(Decimal("5"), "some").pence == 30000
    # An uplift keeps the boundaries of the card it raises.
    up = strict.uplifted(Decimal(10), date(2027, 1, 1), 3)
    assert (up.short_hours, up.long_hours, up.more_preparation) == (Decimal("1"), Decimal("4"), "some")


@given(st.decimals(min_value=0, max_value=24, places=2), st.decimals(min_value=0, max_value=24, places=2),
       st.sampled_from(PREPARATION), st.sampled_from(PREPARATION))
def test_more_time_or_preparation_never_pays_less(h1, h2, p1, p2) -> None:  # type: ignore[no-untyped-def]
    low_h, high_h = sorted((h1, h2))
    low_p, high_p = sorted((p1, p2), key=PREPARATION.index)
    assert suggest_tier(low_h, low_p).pence <= suggest_tier(high_h, high_p).pence


def test_nonsense_is_refused() -> None:
    with pytest.raises(ValueError):
        suggest_tier(Decimal("-1"), "none")
    with pytest.raises(ValueError):
        suggest_tier(Decimal("1"), "lots")


# --- rate cards -------------------------------------------------------------------------------


UPLIFT = DEFAULT_CARD.uplifted(Decimal("10"), date(2025, 12, 16), 2)


def test_the_default_card_is_nihr_2022_and_a_10_percent_uplift_is_a_new_dated_version() -> None:
    assert [r.pence for r in DEFAULT_CARD.rates] == [2500, 7500, 15000, 30000]
    assert [r.pence for r in UPLIFT.rates] == [2750, 8250, 16500, 33000]
    cards = [DEFAULT_CARD, UPLIFT]
    assert card_on(cards, date(2025, 12, 15)).version == 1  # old claims keep the old amounts
    assert card_on(cards, date(2025, 12, 16)).version == 2
    assert card_on(cards, date(2025, 12, 16)).suggest(Decimal("7"), "substantial").pence == 33000
    with pytest.raises(LookupError):
        card_on(cards, date(2021, 12, 31))


def test_local_rates_pay_per_hour_session_or_task() -> None:
    assert Rate("local_hour", "hourly", 1550).fee(Decimal("2.5")) == 3875
    assert Rate("local_hour", "hourly", 1333).fee(Decimal("0.5")) == 667  # half a penny rounds up
    assert Rate("session", "session", 4000).fee(Decimal("3")) == 12000
    assert Rate("nihr_75", "tier", 7500).fee(Decimal("9")) == 7500  # a tier is paid once
    with pytest.raises(ValueError):
        Rate("x", "hourly", 100).fee(Decimal("-1"))


@given(st.integers(min_value=0, max_value=10**6), st.decimals(min_value=0, max_value=100, places=1),
       st.decimals(min_value=0, max_value=50, places=2))
def test_fees_are_never_negative_and_round_to_the_penny(pence, percent, hours) -> None:  # type: ignore[no-untyped-def]
    card = RateCard(1, date(2022, 1, 1), (Rate("h", "hourly", pence), Rate("nihr_25", "tier", pence)))
    up = card.uplifted(percent, date(2023, 1, 1), 2)
    for rate in up.rates + card.rates:
        fee = rate.fee(hours)
        assert isinstance(fee, int) and fee >= 0
    assert up.rate("nihr_25").pence >= pence
    assert abs(card.rate("h").fee(hours) - Decimal(pence) * hours) <= Decimal("0.5")


# --- mileage -------------------------------------------------------------------------------------

def test_hmrc_rates_for_each_vehicle() -> None:
    assert mileage(HMRC_2011, "car", Decimal(10))[0] == 450
    assert mileage(HMRC_2011, "car", Decimal(10), passengers=2)[0] == 450 + 100
    assert mileage(HMRC_2011, "motorcycle", Decimal(10))[0] == 240
    assert mileage(HMRC_2011, "bicycle", Decimal(10))[0] == 200
    assert mileage(HMRC_2011, "car", Decimal(10), miles_before=Decimal(20000))[0] == 250


def test_a_journey_crossing_10000_miles_in_the_tax_year_is_split() -> None:
    total, parts = mileage(HMRC_2011, "car", Decimal(100), miles_before=Decimal(9950))
    assert [(p.what, p.miles, p.pence_per_mile) for p in parts] == [("car", 50, 45), ("car_after", 50, 25)]
    assert total == 50 * 45 + 50 * 25


def test_mileage_rates_are_dated() -> None:
    later = MileageRates(date(2027, 4, 6), car_pence=55)
    assert mileage_rates_on([HMRC_2011, later], date(2027, 4, 5)).car_pence == 45
    assert mileage_rates_on([HMRC_2011, later], date(2027, 4, 6)).car_pence == 55


@given(st.decimals(min_value=0, max_value=2000, places=1), st.decimals(min_value=0, max_value=15000, places=1),
       st.integers(min_value=0, max_value=6), st.sampled_from(VEHICLES))
def test_band_split_sums_exactly_and_totals_are_never_negative(miles, before, passengers, vehicle) -> None:  # type: ignore[no-untyped-def]
    total, parts = mileage(HMRC_2011, vehicle, miles, passengers, before)
    assert total >= 0
    journey = [p for p in parts if p.what != "passengers"]
    assert sum((p.miles for p in journey), Decimal(0)) == miles  # every mile paid once, in one band
    assert total == to_pence(sum((p.miles * p.pence_per_mile for p in parts), Decimal(0)))
    if vehicle == "car":
        full = sum((p.miles for p in parts if p.what == "car"), Decimal(0))
        assert full == max(min(miles, 10000 - before), 0)


@given(st.decimals(min_value=0, max_value=500, places=1), st.decimals(min_value=0, max_value=500, places=1),
       st.decimals(min_value=9000, max_value=11000, places=1))
def test_splitting_a_journey_in_two_pays_the_same_to_the_penny(a, b, before) -> None:  # type: ignore[no-untyped-def]
    whole, _ = mileage(HMRC_2011, "car", a + b, miles_before=before)
    first, _ = mileage(HMRC_2011, "car", a, miles_before=before)
    second, _ = mileage(HMRC_2011, "car", b, miles_before=before + a)
    assert abs((first + second) - whole) <= 1  # each claim rounds once


# --- mileage in the order things happened -----------------------------------------------------------

def trip(day: date, sent: int, miles: int | str, vehicle: str = "car", passengers: int = 0) -> Journey:
    return Journey(day, (sent,), vehicle, Decimal(miles), passengers, HMRC_2011, ref=sent)


def pays(journeys: list[Journey]) -> dict[object, int]:
    return {journey.ref: pence for journey, pence, _parts in mileage_in_order(journeys)}


def test_miles_count_by_date_then_by_when_the_claim_was_sent() -> None:
    june, july = date(2026, 6, 1), date(2026, 7, 1)
    # Sent in this order: July first, then two on the same day in June.
    journeys = [trip(july, 1, 100), trip(june, 2, 9_990), trip(june, 3, 20)]
    assert pays(journeys) == {2: 9_990 * 45, 3: 10 * 45 + 10 * 25, 1: 100 * 25}
    assert pays(list(reversed(journeys))) == pays(journeys)  # the list's order does not matter


def test_the_threshold_starts_again_on_6_april_and_other_vehicles_do_not_count() -> None:
    journeys = [trip(date(2026, 4, 5), 1, 10_000), trip(date(2026, 4, 6), 2, 100),
                trip(date(2026, 5, 1), 3, 20_000, "motorcycle"), trip(date(2026, 5, 2), 4, 9_000, "bicycle"),
                trip(date(2026, 6, 1), 5, 100, passengers=2)]
    assert pays(journeys) == {1: 10_000 * 45, 2: 100 * 45, 3: 20_000 * 24, 4: 9_000 * 20, 5: 100 * 45 + 200 * 5}


def test_passengers_are_paid_the_same_either_side_of_10000_miles() -> None:
    day = date(2026, 6, 1)
    assert pays([trip(day, 1, 10_000), trip(day, 2, 100, passengers=3)])[2] == 100 * 25 + 300 * 5


journey_lists = st.lists(st.tuples(
    st.dates(min_value=date(2026, 3, 30), max_value=date(2026, 4, 12)),  # across a 6 April, with ties
    st.sampled_from(VEHICLES), st.integers(min_value=0, max_value=6_000), st.integers(min_value=0, max_value=3)),
    min_size=1, max_size=8)


@given(journey_lists, st.randoms(use_true_random=False))
def test_any_order_of_sending_gives_the_tax_years_mileage_of_one_sorted_pass(rows, random) -> None:  # type: ignore[no-untyped-def]
    """Claims sent in any order: each tax year pays exactly what one pass in date order pays, with
    45p for its first 10,000 car miles and 25p after, whichever claims they fell in."""
    order = list(range(len(rows)))
    random.shuffle(order)
    sent = [Journey(day, (order[i],), vehicle, Decimal(miles), passengers, HMRC_2011, ref=i)
            for i, (day, vehicle, miles, passengers) in enumerate(rows)]
    by_date = sorted(sent, key=lambda j: (j.day, j.ref))  # one sorted pass, ties the other way
    by_year: dict[int, Decimal] = {}
    expected: dict[int, int] = {}
    for journey in by_date:
        year = tax_year(journey.day)
        before = by_year.get(year, Decimal(0))
        expected[year] = expected.get(year, 0) + mileage(HMRC_2011, journey.vehicle, journey.miles,
                                                         journey.passengers, before)[0]
        if journey.vehicle == "car":
            by_year[year] = before + journey.miles
    totals: dict[int, int] = {}
    for journey, pence, parts in mileage_in_order(sent):
        totals[tax_year(journey.day)] = totals.get(tax_year(journey.day), 0) + pence
        if journey.vehicle != "car":  # motorcycles and bicycles pay the same wherever they fall
            assert pence == mileage(HMRC_2011, journey.vehicle, journey.miles, journey.passengers)[0]
    assert totals == expected
    for year, car_miles in by_year.items():
        full = sum((p.miles for j, _pence, parts in mileage_in_order(sent) if tax_year(j.day) == year
                    for p in parts if p.what == "car"), Decimal(0))
        assert full == min(car_miles, 10_000)


@given(journey_lists, st.tuples(st.dates(min_value=date(2026, 3, 30), max_value=date(2026, 4, 12)),
                                st.sampled_from(VEHICLES), st.integers(min_value=0, max_value=6_000)))
def test_a_claim_sent_later_changes_only_journeys_after_it(rows, late) -> None:  # type: ignore[no-untyped-def]
    """Why re-pricing only the later claims is enough: a journey's amount depends only on the
    journeys before it in the order things happened."""
    journeys = [trip(day, i, miles, vehicle, passengers) for i, (day, vehicle, miles, passengers) in enumerate(rows)]
    extra = trip(late[0], len(rows), late[2], late[1])
    before, after = pays(journeys), pays(journeys + [extra])
    for journey in journeys:
        if (journey.day, journey.sent) < (extra.day, extra.sent):
            assert after[journey.ref] == before[journey.ref]


@given(st.lists(st.decimals(min_value=0, max_value=2000, places=1), min_size=1, max_size=8), st.randoms())
def test_tenths_of_a_mile_in_any_order_pay_within_half_a_penny_a_journey(miles, random) -> None:  # type: ignore[no-untyped-def]
    day = date(2026, 6, 1)
    shuffled = list(miles)
    random.shuffle(shuffled)
    journeys = [Journey(day - timedelta(days=1), (0,), "car", Decimal(9_000), 0, HMRC_2011)] + [
        Journey(day, (i + 1,), "car", m, 0, HMRC_2011) for i, m in enumerate(shuffled)]
    paid = sum(pence for _j, pence, _parts in mileage_in_order(journeys))
    total = sum(miles, Decimal(9_000))
    exact = min(total, 10_000) * 45 + max(total - 10_000, 0) * 25
    assert abs(paid - exact) <= Decimal("0.5") * len(miles)  # each claim rounds once


def test_the_tax_year_turns_on_6_april() -> None:
    assert tax_year(date(2026, 4, 5)) == 2025 and tax_year(date(2026, 4, 6)) == 2026
    assert tax_year_label(2026) == "2026-27" and tax_year_label(1999) == "1999-00"
    start, end = tax_year_bounds(2026)
    assert (start, end) == (date(2026, 4, 6), date(2027, 4, 5)) and tax_year(end + timedelta(days=1)) == 2027


# --- expenses ------------------------------------------------------------------------------------

def test_expense_rules_cap_ask_for_receipts_and_reasons() -> None:
    rules = {r.code: r for r in EXPENSE_RULES}
    assert check_expense(rules["food"], 2000, 1, "") == (1500, ["over_cap"])
    assert check_expense(rules["public_transport"], 1200, 0, "") == (1200, ["receipt"])
    assert check_expense(rules["public_transport"], 800, 0, "") == (800, [])
    assert check_expense(rules["taxi"], 900, 0, "") == (900, ["reason"])
    assert check_expense(rules["mileage"], 9000, 0, "") == (9000, [])


@given(st.integers(min_value=0, max_value=10**7), st.integers(min_value=0, max_value=10**6))
def test_an_allowed_expense_is_never_more_than_claimed_or_the_cap(pence, cap) -> None:  # type: ignore[no-untyped-def]
    allowed, _ = check_expense(ExpenseRule("x", cap_pence=cap), pence, 0, "")
    assert 0 <= allowed <= pence and allowed <= cap
