"""Pricing: the NIHR reference tiers and the tier a piece of work suggests.

Pure functions, no database. The tier follows duration and preparation, not the
type of activity (the guidance's examples overlap). Amounts are integer pence.
The NIHR 2022 tiers are the default rate card (003 L1753-1758); organisations
set their own local rates on dated rate-card versions (claims issue).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Iterable, Sequence

PREPARATION = ("none", "some", "substantial")


@dataclass(frozen=True)
class Tier:
    code: str
    pence: int
    summary: str  # the guidance's own words, for staff


NIHR_2022 = (
    Tier("nihr_25", 2500, "About 1 hour or less, little or no preparation"),
    Tier("nihr_75", 7500, "About half a day, preparation required"),
    Tier("nihr_150", 15000, "All-day meetings or training"),
    Tier("nihr_300", 30000, "All-day meetings with substantial preparation (for example chairing)"),
)
TIERS = {tier.code: tier for tier in NIHR_2022}

#: The guides' words as boundaries (003 L1753-1758), the defaults of every rate card: "about 1
#: hour or less" is up to SHORT_HOURS, "about half a day" up to LONG_HOURS, longer is "all day".
#: "Little or no preparation" is any less than MORE_PREPARATION ("none, or a few minutes" and
#: "some: reading papers"); MORE_PREPARATION and above is "preparation required" when short and
#: "substantial preparation" when all day.
SHORT_HOURS = Decimal("1.5")
LONG_HOURS = Decimal("4.5")
MORE_PREPARATION = "substantial"


def suggest_tier(hours: Decimal, preparation: str, short_hours: Decimal = SHORT_HOURS,
                 long_hours: Decimal = LONG_HOURS, more_preparation: str = MORE_PREPARATION) -> Tier:
    """The NIHR tier that fits ``hours`` of involvement with this much ``preparation``.

    Up to ``short_hours`` with little or no preparation: £25; up to ``short_hours`` with more
    preparation, or up to ``long_hours``: £75; longer: £150, or £300 with substantial preparation.
    Each boundary belongs to the shorter tier (1.5 hours exactly is "about an hour").
    """
    if preparation not in PREPARATION or more_preparation not in PREPARATION:
        raise ValueError(f"preparation must be one of {PREPARATION}")
    if hours < 0:
        raise ValueError("hours cannot be negative")
    more = PREPARATION.index(preparation) >= PREPARATION.index(more_preparation)
    if hours > long_hours:
        return TIERS["nihr_300"] if more else TIERS["nihr_150"]
    if hours > short_hours or more:
        return TIERS["nihr_75"]
    return TIERS["nihr_25"]


# --- money ------------------------------------------------------------------------------

def to_pence(amount: Decimal) -> int:
    """Round an exact amount of pence to a whole penny (half up, the way people expect)."""
    return int(amount.quantize(Decimal("1"), rounding=ROUND_HALF_UP))


# --- rate cards ------------------------------------------------------------------------------

RATE_KINDS = ("tier", "hourly", "session", "task")


@dataclass(frozen=True)
class Rate:
    """One line of a rate card: an NIHR-style tier, or a local hourly, sessional or per-task rate."""

    code: str
    kind: str
    pence: int
    label: str = ""  # local rates: the organisation's own words

    def fee(self, quantity: Decimal = Decimal(1)) -> int:
        """Tiers pay once; hourly rates pay per hour (to the penny); sessions and tasks per one."""
        if quantity < 0:
            raise ValueError("quantity cannot be negative")
        if self.kind == "tier":
            return self.pence
        return to_pence(Decimal(self.pence) * quantity)


@dataclass(frozen=True)
class RateCard:
    """A dated version of the rates. A claim records the version it was priced with."""

    version: int
    effective_from: date
    rates: tuple[Rate, ...]
    # Where one tier ends and the next begins (``suggest_tier``): settings of each version.
    short_hours: Decimal = SHORT_HOURS
    long_hours: Decimal = LONG_HOURS
    more_preparation: str = MORE_PREPARATION

    def rate(self, code: str) -> Rate:
        for rate in self.rates:
            if rate.code == code:
                return rate
        raise KeyError(code)

    def suggest(self, hours: Decimal, preparation: str) -> Rate:
        """This card's amount for the tier that duration and preparation suggest."""
        return self.rate(suggest_tier(hours, preparation, self.short_hours, self.long_hours,
                                      self.more_preparation).code)

    def tier_amounts(self) -> dict[str, int]:
        """Each NIHR-style tier's amount on this card (code -> pence), for pages that show them."""
        return {rate.code: rate.pence for rate in self.rates if rate.kind == "tier"}

    def uplifted(self, percent: Decimal, effective_from: date, version: int) -> "RateCard":
        """A new version with every rate raised by ``percent`` (e.g. NIHR's 10% from 16 December 2025)."""
        factor = 1 + percent / 100
        return RateCard(version, effective_from, tuple(
            Rate(r.code, r.kind, to_pence(Decimal(r.pence) * factor), r.label) for r in self.rates),
            self.short_hours, self.long_hours, self.more_preparation)


DEFAULT_CARD = RateCard(1, date(2022, 1, 1), tuple(Rate(t.code, "tier", t.pence) for t in NIHR_2022))


def card_on(cards: Sequence[RateCard], day: date) -> RateCard:
    """The version in force on ``day``: the latest that started on or before it."""
    in_force = [card for card in cards if card.effective_from <= day]
    if not in_force:
        raise LookupError(f"no rate card in force on {day}")
    return max(in_force, key=lambda card: (card.effective_from, card.version))


# --- mileage ------------------------------------------------------------------------------

VEHICLES = ("car", "motorcycle", "bicycle")


@dataclass(frozen=True)
class MileageRates:
    """HMRC approved mileage allowance payments, dated like the rate card (pence per mile)."""

    effective_from: date
    car_pence: int = 45
    car_after_pence: int = 25
    car_threshold_miles: int = 10_000  # business miles in the person's tax year
    passenger_pence: int = 5
    motorcycle_pence: int = 24
    bicycle_pence: int = 20


HMRC_2011 = MileageRates(date(2011, 4, 6))


@dataclass(frozen=True)
class MileagePart:
    """A piece of a journey's payment: so many miles at so many pence."""

    what: str  # "car" | "car_after" | "passengers" | "motorcycle" | "bicycle"
    miles: Decimal
    pence_per_mile: int


def mileage(rates: MileageRates, vehicle: str, miles: Decimal, passengers: int = 0,
            miles_before: Decimal = Decimal(0)) -> tuple[int, list[MileagePart]]:
    """What a journey pays, and how: ``miles_before`` are the person's car miles already
    claimed earlier in the same tax year, so a journey that crosses 10,000 is split."""
    if vehicle not in VEHICLES:
        raise ValueError(f"vehicle must be one of {VEHICLES}")
    if miles < 0 or passengers < 0 or miles_before < 0:
        raise ValueError("miles and passengers cannot be negative")
    parts: list[MileagePart] = []
    if vehicle == "car":
        left_at_full = max(Decimal(rates.car_threshold_miles) - miles_before, Decimal(0))
        full = min(miles, left_at_full)
        if full:
            parts.append(MileagePart("car", full, rates.car_pence))
        if miles - full:
            parts.append(MileagePart("car_after", miles - full, rates.car_after_pence))
        if passengers and miles:
            parts.append(MileagePart("passengers", miles * passengers, rates.passenger_pence))
    elif miles:
        pence = rates.motorcycle_pence if vehicle == "motorcycle" else rates.bicycle_pence
        parts.append(MileagePart(vehicle, miles, pence))
    return to_pence(sum((p.miles * p.pence_per_mile for p in parts), Decimal(0))), parts


@dataclass(frozen=True)
class Journey:
    """One mileage line of a person's claim, placed in the order things happened: by the claim's
    ``day``, then by ``sent`` (anything that sorts: when the claim was sent, its id, the line's
    place on it). ``rates`` are the ones the line was priced with; ``ref`` is the caller's own."""

    day: date
    sent: tuple[Any, ...]
    vehicle: str
    miles: Decimal
    passengers: int = 0
    rates: MileageRates = HMRC_2011
    ref: Any = field(default=None, compare=False)


def mileage_in_order(journeys: Iterable[Journey]) -> list[tuple[Journey, int, list[MileagePart]]]:
    """What each journey pays when a person's car miles count towards each tax year's threshold in
    the order the journeys happened (date, then when the claim was sent), whatever order the
    claims arrived in. One sorted pass; returns (journey, pence, parts) in that order.

    A journey's amount depends only on the journeys before it, so a claim that arrives late for an
    earlier date changes only the journeys after it.
    """
    miles_before: dict[int, Decimal] = {}
    out = []
    for journey in sorted(journeys, key=lambda j: (j.day, j.sent)):
        year = tax_year(journey.day)
        before = miles_before.get(year, Decimal(0))
        pence, parts = mileage(journey.rates, journey.vehicle, journey.miles, journey.passengers, before)
        if journey.vehicle == "car":
            miles_before[year] = before + journey.miles
        out.append((journey, pence, parts))
    return out


def mileage_rates_on(versions: Sequence[MileageRates], day: date) -> MileageRates:
    in_force = [v for v in versions if v.effective_from <= day]
    if not in_force:
        raise LookupError(f"no mileage rates in force on {day}")
    return max(in_force, key=lambda v: v.effective_from)


def tax_year(day: date) -> int:
    """The UK tax year ``day`` falls in, by its first year (6 April to 5 April)."""
    return day.year if (day.month, day.day) >= (4, 6) else day.year - 1


def tax_year_label(start: int) -> str:
    return f"{start}-{(start + 1) % 100:02d}"


def tax_year_bounds(start: int) -> tuple[date, date]:
    return date(start, 4, 6), date(start + 1, 4, 5)


# --- expenses ------------------------------------------------------------------------------

@dataclass(frozen=True)
class ExpenseRule:
    """What finance needs for one kind of expense: a cap, when a receipt is needed, a reason."""

    code: str
    cap_pence: int | None = None
    receipt_over_pence: int | None = 1000
    needs_reason: bool = False


EXPENSE_RULES = (
    ExpenseRule("public_transport"),
    ExpenseRule("taxi", needs_reason=True),
    ExpenseRule("parking"),
    ExpenseRule("mileage", receipt_over_pence=None),  # worked out from the miles
    ExpenseRule("food", cap_pence=1500),
    ExpenseRule("accommodation"),
    ExpenseRule("dependant_care"),
    ExpenseRule("support_worker"),
    ExpenseRule("equipment"),
    ExpenseRule("other", needs_reason=True),
)
EXPENSE_CODES = tuple(rule.code for rule in EXPENSE_RULES)


def check_expense(rule: ExpenseRule, pence: int, receipts: int, reason: str) -> tuple[int, list[str]]:
    """The amount that can be paid and what is missing: "over_cap", "receipt", "reason"."""
    if pence < 0:
        raise ValueError("an expense cannot be negative")
    problems = []
    allowed = pence
    if rule.cap_pence is not None and pence > rule.cap_pence:
        allowed = rule.cap_pence
        problems.append("over_cap")
    if rule.receipt_over_pence is not None and pence > rule.receipt_over_pence and receipts == 0:
        problems.append("receipt")
    if rule.needs_reason and not reason.strip():
        problems.append("reason")
    return allowed, problems
