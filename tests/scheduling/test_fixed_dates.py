"""Rule `fixed`: dates the provider or a cohort fixed are kept where they were fixed, never
moved by the person's busy times; outside the plan, or not one a session, they are refused."""

from __future__ import annotations

from datetime import date, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from npqplan.errors import ScheduleError
from npqplan.plan import BusyTime, Preferences
from npqplan.scheduling import FixedDates, build_plan
from tests.planning import calendar, programme
from tests.scheduling.test_sittings import NPQEL, START

PEER = ("Term two", "Peer Learning Group")


@settings(deadline=None, max_examples=30)
@given(st.integers(0, 80), st.booleans())
def test_a_fixed_date_is_kept_busy_or_not(offset: int, busy: bool) -> None:
    day = date(2025, 1, 6) + timedelta(days=offset)
    busy_times = frozenset({BusyTime(day, None, None)}) if busy else frozenset()
    plan = build_plan(
        programme(NPQEL),
        calendar("kent"),
        start=START,
        preferences=Preferences(busy=busy_times),
        fixed_dates={PEER: FixedDates((day,), time(15, 30))},
    )
    (peer,) = [s for s in plan.sessions if (s.term, s.component) == PEER]
    assert (peer.day, peer.start, peer.fixed) == (day, time(15, 30), True)
    assert [c.day for c in plan.clashes] == ([day] if busy else [])


def test_a_date_outside_the_plan_or_one_too_many_is_refused() -> None:
    source = programme(NPQEL)
    with pytest.raises(ScheduleError, match="outside the plan"):
        build_plan(
            source,
            calendar("kent"),
            start=START,
            fixed_dates={PEER: FixedDates((date(2030, 1, 7),))},
        )
    with pytest.raises(ScheduleError, match="give one date per session"):
        build_plan(
            source,
            calendar("kent"),
            start=START,
            fixed_dates={PEER: FixedDates((date(2025, 1, 8), date(2025, 1, 15)))},
        )
