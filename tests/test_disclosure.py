"""Counts of people: an attacker holding every published figure cannot recover a hidden one.

The attacker here is written apart from ``app.disclosure`` (which decides what to hide): it
knows every shown figure and how the figures add up, and tries two ways in. First it solves
the sums as equations (exact rational elimination, right-hand sides included), which finds
any hidden count fixed by any combination of them. Then it narrows each hidden count between
bounds (nothing is below zero; a total lies between what its parts allow) until nothing
changes. A hidden count it pins to one value other than nought is a count given away.

(Nought can be pinned: when all roles together show that nobody chose an answer, nobody in
a small role did either. That is said by the shown zero itself, not by anything hidden, and
hiding it would hide every total along with it.)
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import Any, Hashable

from hypothesis import HealthCheck, given, settings, strategies as st

from app import disclosure
from app.interests.service import equality_tables
from app.meetings.models import SCALES
from app.meetings.service import feedback_tables

Sums = list[tuple[Hashable, list[Hashable]]]


def recovered(shown: dict[Hashable, int | None], sums: Sums) -> dict[Hashable, Fraction]:
    """Hidden figures the attacker can work out to be more than nought, with their values."""
    hidden = [k for k, v in shown.items() if v is None]
    found = _solve(shown, sums, hidden)
    found.update(_narrow(shown, sums, hidden))
    return {k: v for k, v in found.items() if v != 0}


def _solve(shown: dict[Hashable, int | None], sums: Sums, hidden: list[Hashable]) -> dict[Hashable, Fraction]:
    column = {k: i for i, k in enumerate(hidden)}
    matrix: list[list[Fraction]] = []
    for total, parts in sums:
        row = [Fraction(0)] * (len(hidden) + 1)
        for key, sign in [(total, 1)] + [(p, -1) for p in parts]:
            if key in column:
                row[column[key]] += sign
            else:
                row[-1] -= sign * shown[key]  # type: ignore[operator]
        matrix.append(row)
    pivot_row = 0
    pivots: list[int] = []
    for col in range(len(hidden)):
        found = next((r for r in range(pivot_row, len(matrix)) if matrix[r][col] != 0), None)
        if found is None:
            continue
        matrix[pivot_row], matrix[found] = matrix[found], matrix[pivot_row]
        lead = matrix[pivot_row][col]
        matrix[pivot_row] = [v / lead for v in matrix[pivot_row]]
        for r in range(len(matrix)):
            if r != pivot_row and matrix[r][col] != 0:
                factor = matrix[r][col]
                matrix[r] = [a - factor * b for a, b in zip(matrix[r], matrix[pivot_row])]
        pivots.append(col)
        pivot_row += 1
    out = {}
    for r, col in enumerate(pivots):
        if all(matrix[r][c] == 0 for c in range(len(hidden)) if c != col):
            out[hidden[col]] = matrix[r][-1]
    return out


def _narrow(shown: dict[Hashable, int | None], sums: Sums, hidden: list[Hashable]) -> dict[Hashable, Fraction]:
    big = Fraction(sum(v for v in shown.values() if v is not None) + 10 ** 6)
    low = {k: Fraction(v) for k, v in shown.items() if v is not None} | {k: Fraction(0) for k in hidden}
    high = {k: Fraction(v) for k, v in shown.items() if v is not None} | {k: big for k in hidden}
    for _round in range(100):
        changed = False
        for total, parts in sums:
            bounds = [(total, sum(low[p] for p in parts), sum(high[p] for p in parts))]
            for p in parts:
                others_low = sum(low[o] for o in parts) - low[p]
                others_high = sum(high[o] for o in parts) - high[p]
                bounds.append((p, low[total] - others_high, high[total] - others_low))
            for key, lo, hi in bounds:
                if lo > low[key]:
                    low[key], changed = lo, True
                if hi < high[key]:
                    high[key], changed = hi, True
        if not changed:
            break
    return {k: low[k] for k in hidden if low[k] == high[k]}


def check(counts: dict[Any, int], sums: Sums) -> dict[Any, int | None]:
    shown = disclosure.protect(counts, sums)
    assert all(shown[k] is None for k, v in counts.items() if 0 < v < disclosure.SMALLEST)
    assert all(shown[k] in (None, v) for k, v in counts.items())
    assert recovered(shown, sums) == {}, "a hidden count can be worked out"
    return shown


# --- the finding, as it was reproduced ----------------------------------------------------------------

def test_a_hidden_count_is_not_left_for_subtraction() -> None:
    """Six answers, five "Yes" and one "No": showing 6 and 5 gave the 1 away."""
    rows = [(1, {"disability": "yes"})] * 5 + [(1, {"disability": "no"})]
    counts, sums = equality_tables(rows, {"disability": ["yes", "no"]})
    shown = check(counts, sums)
    assert shown[("disability", 1, "no")] is None and shown[("disability", 1, "yes")] is None
    assert shown[("n", None)] == 6  # the total can still be shown


def test_one_role_against_all_roles_gives_nothing_away() -> None:
    """Role 1 has one "No", role 2 has five: all roles' six must not be shown beside role 2's five."""
    rows = ([(1, {"disability": "yes"})] * 6 + [(1, {"disability": "no"})]
            + [(2, {"disability": "yes"})] * 5 + [(2, {"disability": "no"})] * 5)
    counts, sums = equality_tables(rows, {"disability": ["yes", "no"]})
    shown = check(counts, sums)
    assert shown[("disability", 1, "no")] is None
    assert shown[("disability", None, "no")] is None or shown[("disability", 2, "no")] is None


def test_a_whole_small_group_is_hidden_zeros_included() -> None:
    """Two people who both said "Yes": "0 said No" would tell what each said."""
    rows = [(1, {"disability": "yes"})] * 2 + [(2, {"disability": "no"})] * 9
    counts, sums = equality_tables(rows, {"disability": ["yes", "no"]})
    shown = check(counts, sums)
    assert [shown[("disability", 1, o)] for o in ("yes", "no", "")] == [None, None, None]


# --- properties -----------------------------------------------------------------------------------------

OPTIONS = {"q1": ["a", "b", "c"], "q2": ["x", "y"]}


@st.composite
def equality_rows(draw: st.DrawFn) -> list[tuple[int, dict[str, str]]]:
    roles = draw(st.integers(1, 4))
    answer = st.fixed_dictionaries({}, optional={q: st.sampled_from(o) for q, o in OPTIONS.items()})
    return [(draw(st.integers(1, roles)), draw(answer)) for _ in range(draw(st.integers(0, 40)))]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(equality_rows())
def test_no_hidden_equality_count_can_be_worked_out_from_every_table_of_the_month(rows) -> None:  # type: ignore[no-untyped-def]
    check(*equality_tables(rows, OPTIONS))


@dataclass
class Row:
    anonymous: bool
    submitted_by_id: int | None
    debrief: bool
    answers: dict[str, int]


@st.composite
def feedback_rows(draw: st.DrawFn) -> list[Row]:
    answer = st.fixed_dictionaries({}, optional={q: st.integers(1, 5) for q in SCALES[:3]})
    return [Row(anonymous := draw(st.booleans()), None if anonymous or draw(st.booleans()) else 7,
                not anonymous and draw(st.booleans()), draw(answer)) for _ in range(draw(st.integers(0, 30)))]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feedback_rows())
def test_no_hidden_feedback_count_can_be_worked_out_from_a_meetings_page(rows) -> None:  # type: ignore[no-untyped-def]
    check(*feedback_tables(rows))  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=2, max_size=5), min_size=1, max_size=5))
def test_no_hidden_count_can_be_worked_out_of_any_table_with_row_and_column_totals(table) -> None:  # type: ignore[no-untyped-def]
    width = min(len(r) for r in table)
    table = [r[:width] for r in table]
    counts: dict[Any, int] = {(r, c): v for r, row in enumerate(table) for c, v in enumerate(row)}
    counts |= {("row", r): sum(row) for r, row in enumerate(table)}
    counts |= {("col", c): sum(row[c] for row in table) for c in range(width)}
    counts["all"] = sum(map(sum, table))
    sums: Sums = [(("row", r), [(r, c) for c in range(width)]) for r in range(len(table))]
    sums += [(("col", c), [(r, c) for r in range(len(table))]) for c in range(width)]
    sums += [("all", [("row", r) for r in range(len(table))]), ("all", [("col", c) for c in range(width)])]
    check(counts, sums)
