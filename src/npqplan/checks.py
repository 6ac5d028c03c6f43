"""The rules every plan keeps, checked before it is shown or saved. Pure.

A plan that breaks one is a bug in npqplan, never a plan to print: `check_plan` raises
BrokenPlanError (exit code 3) naming the first session at fault.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, time, timedelta

from npqplan.calendar import SchoolCalendar
from npqplan.errors import BrokenPlanError
from npqplan.plan import MINUTES_PER_UNIT, Plan, Preferences, Session, monday_of
from npqplan.schema import ComponentKind


def check_plan(
    plan: Plan, *, hours: float, calendar: SchoolCalendar, preferences: Preferences
) -> None:
    """Raise BrokenPlanError unless `plan` holds exactly `hours` and keeps every rule below."""
    faults = plan_faults(plan, hours=hours, calendar=calendar, preferences=preferences)
    if faults:
        raise BrokenPlanError(faults[0])


def plan_faults(
    plan: Plan, *, hours: float, calendar: SchoolCalendar, preferences: Preferences
) -> list[str]:
    """Every rule `plan` breaks, in plan order; empty for a good plan."""
    return list(_problems(plan, hours, calendar, preferences))


def _problems(
    plan: Plan, hours: float, calendar: SchoolCalendar, preferences: Preferences
) -> Iterator[str]:
    planned = plan.total_minutes
    if planned != round(hours * 60):
        yield f"the sessions hold {planned / 60:g} h, not the programme's {hours:g} h"
    for before, after in zip(plan.weeks, plan.weeks[1:], strict=False):
        if after.week_start - before.week_start != timedelta(days=7):
            yield f"the weeks jump from {before.week_start} to {after.week_start}"
    for week in plan.weeks:
        for session in week.sessions:
            where = f"{session.component} on {session.day.isoformat()}"
            if monday_of(session.day) != week.week_start:
                yield f"{where} is filed under the week of {week.week_start}"
            yield from (
                f"{where} {fault}" for fault in _faults(session, plan, calendar, preferences)
            )


def _faults(
    session: Session, plan: Plan, calendar: SchoolCalendar, preferences: Preferences
) -> Iterator[str]:
    # A re-plan leaves a fixed event that was missed on its day with the hours done: maybe none.
    missed = session.fixed and session.hours == 0
    if (session.minutes <= 0 and not missed) or session.minutes % MINUTES_PER_UNIT:
        yield f"lasts {session.minutes} minutes, not a positive number of 5-minute steps"
    if abs(session.hours * 60 - session.minutes) > 1e-6:
        yield f"lasts {session.hours!r} h, which is not a whole number of minutes"
    if session.all_day:
        if session.end_date < session.day:
            yield "ends before it starts"
    elif session.start is None or session.end is None or session.end_date != session.day:
        yield "has no start and end on one day"
    elif session.end <= session.start:
        yield f"ends at {session.end:%H:%M}, not after it starts at {session.start:%H:%M}"
    if session.fixed:
        return  # the provider chose the day: a weekend or a holiday is theirs to decide
    for busy in preferences.busy:
        if session.day <= busy.day <= session.end_date and (
            session.all_day or busy.overlaps(*_times(session))
        ):
            if session.all_day and busy.start is not None:
                continue  # an all-day event is the school day; an evening club is no clash
            yield f"falls on a busy time in your own calendar ({busy.day})"
    if session.day < plan.start or session.end_date > plan.end:
        yield f"falls outside the plan ({plan.start} to {plan.end})"
    for day in _days(session.day, session.end_date):
        if session.kind is ComponentKind.ASSESSMENT:
            continue  # the assessment window runs on calendar days, weekends included
        if day.weekday() >= 5:
            yield f"falls at a weekend ({day})"
        elif day in calendar.bank_holidays:
            yield f"falls on a bank holiday ({day})"
        elif day in preferences.blocked:
            yield f"falls on a blocked day ({day})"
        elif not calendar.is_school_day(day) and not preferences.holiday_study:
            # With holiday study, study and catch-up may use holiday weekdays.
            yield f"falls in a school holiday ({day})"


def _times(session: Session) -> tuple[time, time]:
    assert session.start is not None
    assert session.end is not None
    return session.start, session.end


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
