"""check_plan: a plan that breaks one of its rules is refused as a bug (exit code 3)."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

import pytest

from npqplan.checks import check_plan, plan_faults
from npqplan.errors import EXIT_BROKEN_PLAN, BrokenPlanError
from npqplan.plan import Plan, Preferences, Session
from npqplan.request import PlannedProgramme, PlanRequest, make_plan


@pytest.fixture(scope="module")
def planned() -> PlannedProgramme:
    return make_plan(PlanRequest(programme="npqel", start="2024-09"), None)


def with_session(plan: Plan, index: int, **changes: object) -> Plan:
    """`plan` with its `index`th self-study session changed (moved weeks are not refiled)."""
    target = [s for s in plan.sessions if not s.fixed and not s.all_day][index]
    changed: Session = replace(target, **changes)  # type: ignore[arg-type]
    weeks = tuple(
        replace(week, sessions=tuple(changed if s is target else s for s in week.sessions))
        for week in plan.weeks
    )
    return replace(plan, weeks=weeks)


def refused(planned: PlannedProgramme, plan: Plan, prefs: Preferences | None = None) -> str:
    with pytest.raises(BrokenPlanError) as caught:
        check_plan(
            plan,
            minutes=round(planned.programme.total_hours * 60),
            calendar=planned.calendar,
            preferences=prefs or Preferences(),
        )
    assert caught.value.exit_code == EXIT_BROKEN_PLAN == 3
    assert caught.value.message.startswith("internal error: the plan breaks its own rules (")
    return caught.value.message


def test_a_plan_as_scheduled_keeps_every_rule(planned: PlannedProgramme) -> None:
    check_plan(
        planned.plan,
        minutes=round(planned.programme.total_hours * 60),
        calendar=planned.calendar,
        preferences=Preferences(),
    )


def faults(planned: PlannedProgramme, plan: Plan) -> list[str]:
    return plan_faults(
        plan,
        minutes=round(planned.programme.total_hours * 60),
        calendar=planned.calendar,
        preferences=Preferences(),
    )


def test_hours_lost_or_invented_are_refused(planned: PlannedProgramme) -> None:
    first = next(s for s in planned.plan.sessions if not s.fixed and not s.all_day)
    plan = with_session(planned.plan, 0, minutes=first.minutes + 15)
    assert "the sessions hold 93.25 h, not the programme's 93 h" in refused(planned, plan)


def test_a_session_of_no_or_negative_length_is_refused(planned: PlannedProgramme) -> None:
    for minutes in (0, -30, 6):
        plan = with_session(planned.plan, 0, minutes=minutes)
        assert any("not a positive number of 5-minute steps" in f for f in faults(planned, plan))


def test_a_session_that_ends_before_it_starts_is_refused(planned: PlannedProgramme) -> None:
    plan = with_session(planned.plan, 1, end=time(0, 29))
    assert "ends at 00:29, not after it starts at 16:30" in refused(planned, plan)


def test_a_session_at_a_weekend_or_in_a_holiday_is_refused(planned: PlannedProgramme) -> None:
    first = next(s for s in planned.plan.sessions if not s.fixed and not s.all_day)
    saturday = first.day + timedelta(days=5 - first.day.weekday())
    plan = with_session(planned.plan, 0, day=saturday, end_date=saturday)
    assert f"falls at a weekend ({saturday})" in refused(planned, plan)
    christmas = [s for s in planned.plan.sessions if s.day.month == 12][-1]
    boxing_week = christmas.day + timedelta(days=14)
    index = [s for s in planned.plan.sessions if not s.fixed and not s.all_day].index(christmas)
    moved = with_session(planned.plan, index, day=boxing_week, end_date=boxing_week)
    message = refused(planned, moved)
    assert "falls in a school holiday" in message or "is filed under the week" in message


def test_a_blocked_day_is_refused_unless_the_provider_fixed_it(planned: PlannedProgramme) -> None:
    first = next(s for s in planned.plan.sessions if not s.fixed and not s.all_day)
    prefs = Preferences(blocked=frozenset({first.day}))
    assert f"falls on a blocked day ({first.day})" in refused(planned, planned.plan, prefs)
    fixed = with_session(planned.plan, 0, fixed=True)
    check_plan(
        fixed,
        minutes=round(planned.programme.total_hours * 60),
        calendar=planned.calendar,
        preferences=prefs,
    )
