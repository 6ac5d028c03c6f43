"""Rule `sittings` (with `availability`): a week's self-study as sittings on the study days,
from when each evening is free (the buffer after anything busy) to the latest end; an evening
cut short by the person's calendar comes after one it leaves whole."""

from __future__ import annotations

from datetime import date, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from npqplan.plan import BusyTime, Preferences
from npqplan.scheduling import FixedDates, build_plan
from tests.planning import calendar, programme
from tests.scheduling.test_units import PROGRAMMES

NPQEL = next(p for p in PROGRAMMES if p.stem == "npqel")
START = date(2024, 9, 2)


def tuesdays(count: int) -> list[date]:
    return [date(2024, 9, 10) + timedelta(weeks=n) for n in range(count)]


@settings(deadline=None, max_examples=25)
@given(
    st.sampled_from([time(20, 0), time(21, 0), time(21, 30), time(22, 30)]),
    st.sampled_from([30, 60, 90]),
)
def test_self_study_ends_by_the_latest_end(latest: time, session: int) -> None:
    prefs = Preferences(latest=latest, session_minutes=session)
    plan = build_plan(programme(NPQEL), calendar("kent"), start=START, preferences=prefs)
    timed = [s for s in plan.sessions if not s.is_live and s.end is not None and not s.fixed]
    assert timed
    assert all(s.end <= latest for s in timed)
    assert all(s.minutes <= session or s.minutes % 15 == 0 for s in timed)


@settings(deadline=None, max_examples=20)
@given(st.sampled_from([0, 15, 30, 45]), st.integers(16 * 4, 19 * 4))
def test_study_starts_a_buffer_after_anything_busy_that_evening(buffer: int, ends: int) -> None:
    end = time(ends // 4, ends % 4 * 15)  # `ends` in quarter hours
    busy = frozenset(BusyTime(day, time(15, 0), end) for day in tuesdays(30))
    prefs = Preferences(busy=busy, buffer_minutes=buffer)
    plan = build_plan(programme(NPQEL), calendar("kent"), start=START, preferences=prefs)
    gap = timedelta(minutes=buffer)
    for session in plan.sessions:
        if session.day in {b.day for b in busy} and session.start and not session.fixed:
            assert (session.start.hour * 60 + session.start.minute) >= (
                end.hour * 60 + end.minute + gap.seconds // 60
            ), session


def test_an_evening_cut_short_gives_its_study_to_another_study_day_of_the_week() -> None:
    """A governors' meeting to 20:30 on Tuesdays: Thursday takes the study, not 20:45."""
    busy = frozenset(BusyTime(day, time(16, 0), time(20, 30)) for day in tuesdays(40))
    free = build_plan(programme(NPQEL), calendar("kent"), start=START)
    plan = build_plan(
        programme(NPQEL), calendar("kent"), start=START, preferences=Preferences(busy=busy)
    )
    late = [s for s in plan.sessions if s.day in {b.day for b in busy} and not s.is_live]
    assert len(late) < len([s for s in free.sessions if s.day.weekday() == 1]) / 4
    assert plan.total_minutes == free.total_minutes
    assert plan.moved_for_busy is not None
    assert plan.moved_for_busy > 0


def test_a_fixed_session_on_a_busy_time_stays_and_is_a_clash() -> None:
    source = programme(NPQEL)
    free = build_plan(source, calendar("kent"), start=START)
    coaching = next(s for s in free.sessions if s.component == "Coaching")
    dates = tuple(
        s.day for s in free.sessions if s.component == "Coaching" and s.term == coaching.term
    )
    fixed = {(coaching.term, "Coaching"): FixedDates(dates, coaching.start)}
    busy = frozenset({BusyTime(coaching.day, time(15, 0), time(18, 0))})
    plan = build_plan(
        source,
        calendar("kent"),
        start=START,
        preferences=Preferences(busy=busy),
        fixed_dates=fixed,
    )
    kept = [s for s in plan.sessions if s.component == "Coaching" and s.day == coaching.day]
    assert kept
    assert kept[0].fixed
    assert [c.day for c in plan.clashes] == [coaching.day]
