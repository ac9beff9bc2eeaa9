"""The NIHR tiers, exactly, and the tier that duration and preparation suggest."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.claims.pricing import NIHR_2022, PREPARATION, suggest_tier


def test_tiers_are_the_nihr_2022_amounts() -> None:
    assert [(t.code, t.pence) for t in NIHR_2022] == [
        ("nihr_25", 2500), ("nihr_75", 7500), ("nihr_150", 15000), ("nihr_300", 30000)]


@pytest.mark.parametrize("hours, preparation, pence", [
    ("0.5", "none", 2500),        # a short call, nothing to read
    ("1", "none", 2500),
    ("1", "some", 7500),          # an hour, but papers to read first
    ("3.5", "none", 7500),        # about half a day
    ("4", "some", 7500),
    ("6", "none", 15000),         # all-day meeting or training
    ("7", "some", 15000),
    ("7", "substantial", 30000),  # all day with substantial preparation, e.g. chairing
])
def test_tier_follows_duration_and_preparation(hours: str, preparation: str, pence: int) -> None:
    assert suggest_tier(Decimal(hours), preparation).pence == pence


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
