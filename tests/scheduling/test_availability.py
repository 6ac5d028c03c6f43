"""Scheduler invariants over every bundled programme and every start month 2023-09..2027-06."""

from __future__ import annotations

from datetime import date, time, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npqplan.calendar import SchoolCalendar
from npqplan.errors import ScheduleError
from npqplan.formats import plan_json
from npqplan.plan import Plan, Preferences, monday_of
from npqplan.scheduling import build_plan
from npqplan.scheduling.units import step_minutes
from npqplan.schema import Delivery, Programme
from tests.planning import calendar, programme

PROGRAMMES = sorted((Path(__file__).parents[2] / "programmes").glob("*.yaml"))
NPQEL = Path(__file__).parents[2] / "programmes" / "npqel.yaml"
# Every month of the year once; the property test below draws any start day from 2023 to 2027.
START_MONTHS = [date(2024 + (month < 9), month, 1) for month in (*range(9, 13), *range(1, 9))]


def expected_minutes(plan: Plan, source: Programme) -> int:
    """The file's own totals, plus each cadence's sessions as the plan counted them."""
    made = {note.split(": ")[0]: int(note.split(": ")[1].split()[0]) for note in plan.notes}
    cadenced = {c.name: c.session_minutes or 0 for c in source.cadenced()}
    assert set(made) == set(cadenced)
    return round(source.total_hours * 60) + sum(made[name] * cadenced[name] for name in made)


def check_invariants(
    plan: Plan, source: Programme, cal: SchoolCalendar, prefs: Preferences
) -> None:
    # every hour of the programme lands in the plan, and each week's hours are its sessions'
    assert plan.total_minutes == expected_minutes(plan, source)
    for week in plan.weeks:
        assert week.minutes == sum(s.minutes for s in week.sessions)
    # weeks are Mondays, contiguous from the start week
    assert plan.weeks[0].week_start == monday_of(plan.start)
    for before, after in zip(plan.weeks, plan.weeks[1:], strict=False):
        assert after.week_start - before.week_start == timedelta(days=7)
    assert all(w.week_start.weekday() == 0 for w in plan.weeks)
    for week in plan.weeks:
        for session in week.sessions:
            # nothing before the start; a session sits inside its week, multi-day ones too
            assert session.day >= plan.start
            assert monday_of(session.day) == week.week_start
            if session.kind != "assessment":  # the assessment window is one event, weeks long
                assert monday_of(session.end_date) == week.week_start
            assert session.end_date >= session.day
            # whole 5-minute steps (quarter hours for a programme in quarter hours), never empty
            assert session.minutes > 0
            assert session.minutes % step_minutes(source) == 0
            if session.fixed:
                continue
            days = [
                session.day + timedelta(days=n)
                for n in range((session.end_date - session.day).days + 1)
            ]
            for day in days:
                if day.weekday() >= 5 and session.kind == "assessment":
                    continue  # the assessment window is calendar days, weekends included
                assert day.weekday() < 5, session
                assert day not in cal.bank_holidays, session
                assert day not in prefs.blocked, session
                if not prefs.holiday_study:
                    assert cal.is_school_day(day), session
            if not prefs.holiday_study:
                assert not week.holiday, session
            if session.start is not None and session.end is not None:
                assert session.start < session.end, session
            if session.delivery is Delivery.SELF_DIRECTED and not session.all_day:
                assert session.end is not None
                assert session.end <= prefs.latest, session
                assert session.day.weekday() in prefs.study_days, session


@pytest.mark.parametrize("path", PROGRAMMES, ids=lambda p: p.stem)
@pytest.mark.parametrize("start", START_MONTHS, ids=lambda d: d.strftime("%Y-%m"))
def test_every_programme_from_every_start_month_keeps_the_invariants(
    path: Path, start: date
) -> None:
    prefs = Preferences()
    plan = build_plan(programme(path), calendar("kent"), start=start, preferences=prefs)
    check_invariants(plan, programme(path), calendar("kent"), prefs)


weekday_sets = st.lists(st.integers(0, 4), min_size=1, max_size=5, unique=True).map(
    lambda days: tuple(sorted(days))
)


def _minutes(hours: float | None) -> int | None:
    return None if hours is None else round(hours * 60)


@st.composite
def preferences(draw: st.DrawFn) -> Preferences:
    blocked_start = draw(st.dates(date(2023, 9, 1), date(2028, 12, 31)))
    blocked_days = draw(st.integers(0, 10))
    return Preferences(
        study_days=draw(weekday_sets),
        study_time=time(draw(st.integers(6, 21)), draw(st.sampled_from([0, 15, 30, 45]))),
        session_minutes=round(draw(st.sampled_from([0.5, 0.75, 1.0, 1.5, 2.0])) * 60),
        weekly_cap_minutes=_minutes(draw(st.sampled_from([None, 1.0, 1.5, 2.0, 3.0]))),
        blocked=frozenset(blocked_start + timedelta(days=n) for n in range(blocked_days)),
        holiday_study=draw(st.booleans()),
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    path=st.sampled_from(PROGRAMMES),
    start=st.dates(date(2023, 9, 1), date(2027, 6, 30)),
    council=st.sampled_from(["kent", "birmingham"]),
    prefs=preferences(),
)
def test_any_preferences_keep_the_invariants_and_the_output_is_byte_identical(
    path: Path, start: date, council: str, prefs: Preferences
) -> None:
    source, cal = programme(path), calendar(council)
    try:
        plan = build_plan(source, cal, start=start, preferences=prefs)
    except ScheduleError as refused:
        refusal = refused.message
    else:
        refusal = None
    if refusal is not None:
        # A clean refusal (exit 2) is a right answer when the study evenings cannot hold it.
        assert "do not fit into the evenings" in refusal
        return
    check_invariants(plan, source, cal, prefs)
    again = build_plan(source, cal, start=start, preferences=prefs)
    assert plan_json(again) == plan_json(plan)


def test_self_study_stays_under_the_weekly_cap_when_the_hours_allow() -> None:
    plan = build_plan(programme(NPQEL), calendar("kent"), start=date(2024, 9, 1))
    assert plan.warnings == ()
    flexible_only = [
        w for w in plan.weeks if w.sessions and all(s.kind in SELF_KINDS for s in w.sessions)
    ]
    assert flexible_only
    assert all(w.hours <= plan.weekly_cap for w in flexible_only)


SELF_KINDS = {"self-study", "journal", "audit", "project", "briefing"}


def test_a_cap_too_small_for_the_hours_is_reported_not_dropped() -> None:
    source = programme(Path(__file__).parents[2] / "programmes" / "npqel.yaml")
    prefs = Preferences(weekly_cap_minutes=15)
    plan = build_plan(source, calendar("kent"), start=date(2024, 9, 1), preferences=prefs)
    assert plan.total_hours == source.total_hours
    assert any("does not fit under the 0.25 h weekly cap" in w for w in plan.warnings)
