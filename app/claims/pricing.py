"""Pricing: the NIHR reference tiers and the tier a piece of work suggests.

Pure functions, no database. The tier follows duration and preparation, not the
type of activity (the guidance's examples overlap). Amounts are integer pence.
The NIHR 2022 tiers are the default rate card (003 L1753-1758); organisations
set their own local rates on dated rate-card versions (claims issue).
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

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

HALF_DAY_HOURS = Decimal("4")


def suggest_tier(hours: Decimal, preparation: str) -> Tier:
    """The NIHR tier that fits ``hours`` of involvement with this much ``preparation``.

    About an hour with little or no preparation: £25. Up to about half a day, or any
    work that needs preparation: £75. Longer than half a day: £150, or £300 with
    substantial preparation.
    """
    if preparation not in PREPARATION:
        raise ValueError(f"preparation must be one of {PREPARATION}")
    if hours < 0:
        raise ValueError("hours cannot be negative")
    if hours > HALF_DAY_HOURS:
        return TIERS["nihr_300"] if preparation == "substantial" else TIERS["nihr_150"]
    if hours > 1 or preparation != "none":
        return TIERS["nihr_75"]
    return TIERS["nihr_25"]
