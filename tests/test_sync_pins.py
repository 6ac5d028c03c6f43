"""Sessions kept where the person moved them (`sync --take-theirs`): the plan side, pure."""

from __future__ import annotations

import functools
from datetime import date, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from npqplan.plan import Plan, monday_of
from npqplan.request import PlanRequest, make_plan
from npqplan.syncstate import PINNED_NOTE, Pin, pin_problem, pinned


@functools.cache
def plan() -> Plan:
    return make_plan(PlanRequest(programme="npqel", start="2024-09"), None).plan


@settings(max_examples=60, deadline=None)
@given(
    index=st.integers(min_value=0, max_value=80),
    days=st.integers(min_value=-20, max_value=20),
    clock=st.sampled_from([time(7, 0), time(12, 30), time(19, 15), time(22, 0), time(23, 30)]),
)
def test_a_pin_moves_one_session_there_fixed_and_keeps_every_hour_and_week(
    index: int, days: int, clock: time
) -> None:
    before = plan()
    session = before.sessions[index]
    pin = Pin(session.identity, session.day + timedelta(days=days), clock)
    after = pinned(before, {pin.identity: pin})
    assert after.total_minutes == before.total_minutes
    assert [w.week_start for w in after.weeks] == [w.week_start for w in before.weeks]
    for week in after.weeks:
        assert all(monday_of(s.day) == week.week_start for s in week.sessions)
    (moved,) = [s for s in after.sessions if s.identity == session.identity]
    if pin_problem(before, session, pin) is not None:
        assert after == before
        return
    assert moved.day == pin.day
    assert moved.fixed
    assert PINNED_NOTE in moved.provenance
    assert moved.minutes == session.minutes
    if not session.all_day:
        assert moved.start == clock
    others = [s for s in after.sessions if s.identity != session.identity]
    assert others == [s for s in before.sessions if s.identity != session.identity]
    assert pinned(after, {pin.identity: pin}) == after  # applying it again changes nothing


def test_a_pin_outside_the_plan_or_past_midnight_is_refused_with_why() -> None:
    before = plan()
    timed = next(s for s in before.sessions if not s.all_day)
    early = Pin(timed.identity, date(2000, 1, 3), time(16, 0))
    assert pin_problem(before, timed, early) == "2000-01-03 is outside the plan's weeks"
    late = Pin(timed.identity, timed.day, time(23, 30))
    assert pin_problem(before, timed, late) == "it would run past midnight from 23:30"
    assert pinned(before, {timed.identity: early}) == before


def test_a_pin_for_a_session_the_plan_no_longer_has_changes_nothing() -> None:
    before = plan()
    assert pinned(before, {"gone/x/1": Pin("gone/x/1", before.start, time(9, 0))}) == before
