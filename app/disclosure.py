"""Counts of people that nobody can be picked out of: one function for every report.

Every page that counts people (equality answers, feedback) publishes its figures through
:func:`protect`. The rule is cell suppression:

1. **Small counts are hidden.** A count from 1 to ``SMALLEST - 1`` is shown as "fewer than 5".
   When a whole group is that small (a total from 1 to 4), every figure inside it is hidden,
   zeros included: "2 people, 0 said No" would say what both said.
2. **Hidden counts cannot be worked out.** Figures are linked by sums: a total is the sum of
   its answers, the all-roles table is the sum of the role tables, a role's feedback is the sum
   of its meetings'. After step 1, any hidden count that the shown figures pin down exactly,
   through any combination of those sums (found by linear algebra over the rationals), gets a
   partner: the smallest non-zero shown count in one of its sums is hidden too, and so on
   until no hidden count can be pinned down. Partners are non-zero counts, so the true table
   sits inside the set of possible tables, never on its edge (a zero partner would let
   "it cannot be less than nothing" close the gap).

Why suppression rather than rounding to 5: rounding each figure on its own leaks exactly at the
edges (five answers of 1 each and a total of 5 all round to 5, so each must be 1), and the
reports here are small enough that hidden cells cost little.

Callers pass every figure that the same member of staff can see at once and how they add up.
Figures that are not linked by a sum must also not overlap in time: reports are over closed,
disjoint periods (whole calendar months; a meeting's feedback once its window has closed), so
no two pages can be subtracted to give one person's answer.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Hashable, Iterable, Mapping, Sequence, TypeVar

SMALLEST = 5  # the smallest count shown (1 to 4 are hidden)

K = TypeVar("K", bound=Hashable)


def protect(counts: Mapping[K, int], sums: Iterable[tuple[K, Sequence[K]]],
            smallest: int = SMALLEST) -> dict[K, int | None]:
    """Every count in ``counts``, or ``None`` where it must be hidden.

    ``sums`` lists how the figures add up: ``(total, parts)`` means
    ``counts[total] == sum(counts[p] for p in parts)``.
    """
    sums = [(total, tuple(parts)) for total, parts in sums]
    small = {key for key, value in counts.items() if 0 < value < smallest}
    hidden = set(small)
    grew = True
    while grew:  # a small group: nothing inside it is shown, zeros included
        before = len(hidden)
        for total, parts in sums:
            if total in small or (total in hidden and counts[total] == 0):
                hidden.update(parts)
        grew = len(hidden) > before
    while True:
        pinned = _pinned(hidden, sums) | _bounded(hidden, sums, counts)
        if not pinned:
            break
        partners = {_partner(key, hidden, sums, counts) for key in pinned}
        partners.discard(None)
        if not partners:  # nothing left to hide beside them: hide everything
            hidden = set(counts)
            break
        hidden.update(partners)  # type: ignore[arg-type]
    return {key: None if key in hidden else value for key, value in counts.items()}


def _partner(key: K, hidden: set[K], sums: list[tuple[K, tuple[K, ...]]], counts: Mapping[K, int]) -> K | None:
    """The smallest shown count in one of ``key``'s sums (a non-zero one if there is any)."""
    around = [k for total, parts in sums if key == total or key in parts for k in (total, *parts)
              if k not in hidden]
    if not around:
        return None
    order = {k: i for i, k in enumerate(counts)}
    return min(around, key=lambda k: (counts[k] == 0, counts[k], order[k]))


def _pinned(hidden: set[K], sums: list[tuple[K, tuple[K, ...]]]) -> set[K]:
    """Hidden counts whose value follows from the sums and the shown counts.

    Each sum is an equation in the hidden counts (the shown ones are known numbers). A hidden
    count is pinned down exactly when its unit vector lies in the row space of those
    equations: in reduced row-echelon form, when it is a pivot whose row has nothing else.
    """
    rows: dict[K, dict[K, Fraction]] = {}  # pivot -> its row, reduced against every other pivot
    for total, parts in sums:
        row: dict[K, Fraction] = {}
        for key, sign in ((total, 1), *((p, -1) for p in parts)):
            if key in hidden:
                row[key] = row.get(key, Fraction(0)) + sign
        row = {k: v for k, v in row.items() if v}
        for pivot, pivot_row in rows.items():
            factor = row.get(pivot)
            if factor:
                row = _minus(row, pivot_row, factor)
        if not row:
            continue
        pivot = next(iter(row))
        scale = row[pivot]
        row = {k: v / scale for k, v in row.items()}
        for other, other_row in rows.items():
            factor = other_row.get(pivot)
            if factor:
                rows[other] = _minus(other_row, row, factor)
        rows[pivot] = row
    return {pivot for pivot, row in rows.items() if len(row) == 1}


def _bounded(hidden: set[K], sums: list[tuple[K, tuple[K, ...]]], counts: Mapping[K, int]) -> set[K]:
    """Hidden counts that bounds alone pin down: nothing is below zero, a total lies between what
    its parts allow and each part between what the total and the other parts allow. Narrowed
    until nothing changes; a count whose lowest and highest possible values meet is given away."""
    top = sum(counts.values()) + 1
    low = {k: (0 if k in hidden else v) for k, v in counts.items()}
    high = {k: (top if k in hidden else v) for k, v in counts.items()}
    for _round in range(50):
        changed = False
        for total, parts in sums:
            if not any(k in hidden for k in (total, *parts)):
                continue
            sum_low, sum_high = sum(low[p] for p in parts), sum(high[p] for p in parts)
            narrowed = [(total, sum_low, sum_high)] + [
                (p, low[total] - (sum_high - high[p]), high[total] - (sum_low - low[p])) for p in parts]
            for key, lo, hi in narrowed:
                if lo > low[key]:
                    low[key], changed = lo, True
                if hi < high[key]:
                    high[key], changed = hi, True
        if not changed:
            break
    pinned = {k for k in hidden if low[k] == high[k]}
    # A nought pinned under a shown total says nothing the shown figures do not say already.
    return {k for k in pinned if counts[k] != 0 or not _under_a_shown_total(k, sums, hidden)}


def _under_a_shown_total(key: K, sums: list[tuple[K, tuple[K, ...]]], hidden: set[K]) -> bool:
    return any(key in parts and total not in hidden for total, parts in sums)


def _minus(row: dict[K, Fraction], other: dict[K, Fraction], factor: Fraction) -> dict[K, Fraction]:
    result = dict(row)
    for key, value in other.items():
        result[key] = result.get(key, Fraction(0)) - factor * value
    return {k: v for k, v in result.items() if v}
