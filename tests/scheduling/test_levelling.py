"""level_fill: every unit placed, least-loaded weeks first, never over the cap when it fits."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from npqplan.scheduling.levelling import level_fill

MONDAY = date(2024, 9, 2)


@settings(max_examples=300, deadline=None)
@given(
    loads=st.lists(st.integers(0, 12), min_size=1, max_size=20),
    total=st.integers(0, 200),
    cap=st.integers(1, 12),
    grain=st.sampled_from([1, 2, 4]),
)
def test_level_fill_places_every_unit_and_keeps_under_the_cap_when_it_fits(
    loads: list[int], total: int, cap: int, grain: int
) -> None:
    weeks = [MONDAY + timedelta(weeks=n) for n in range(len(loads))]
    load = dict(zip(weeks, loads, strict=True))
    added = level_fill(total, weeks, load, cap, grain)
    assert sum(added.values()) == total
    assert all(units >= 0 for units in added.values())
    room = sum(max(0, cap - load[w]) for w in weeks)
    if total <= room:
        assert all(load[w] + added[w] <= max(cap, load[w]) for w in weeks)
        assert all(added[w] == 0 for w in weeks if load[w] >= cap)


def test_an_odd_quarter_hour_gap_to_the_cap_is_filled_exactly() -> None:
    weeks = [MONDAY + timedelta(weeks=n) for n in range(3)]
    assert sorted(level_fill(8, weeks, {}, 3).values()) == [2, 3, 3]
