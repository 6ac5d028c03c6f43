"""The rules every plan keeps, checked before it is shown or saved. Pure.

A plan that breaks one is a bug in npqplan, never a plan to print: `check_plan` raises
BrokenPlanError (exit code 3) naming the first session at fault.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta

from npqplan.calendar import SchoolCalendar
from npqplan.errors import BrokenPlanError
from npqplan.plan import MINUTES_PER_UNIT, BusyTime, Plan, Preferences, Session, monday_of
from npqplan.schema import ComponentKind, Delivery

BusyByDay = Mapping[date, Sequence[BusyTime]]


def check_plan(
    plan: Plan,
    *,
    minutes: int,
    calendar: SchoolCalendar,
    preferences: Preferences,
    shortest: int = MINUTES_PER_UNIT,
    placed_from: date | None = None,
) -> None:
    """Raise BrokenPlanError unless `plan` holds exactly `minutes` and keeps every rule below.

    Sittings before `placed_from` (a re-plan's past, kept with the minutes done) are history,
    not sittings the engine made, and may be shorter than `shortest`."""
    faults = plan_faults(
        plan,
        minutes=minutes,
        calendar=calendar,
        preferences=preferences,
        shortest=shortest,
        placed_from=placed_from,
    )
    if faults:
        raise BrokenPlanError(faults[0])


def plan_faults(
    plan: Plan,
    *,
    minutes: int,
    calendar: SchoolCalendar,
    preferences: Preferences,
    shortest: int = MINUTES_PER_UNIT,
    placed_from: date | None = None,
) -> list[str]:
    """Every rule `plan` breaks, in plan order; empty for a good plan."""
    return list(_problems(plan, minutes, calendar, preferences, shortest, placed_from))


def _problems(
    plan: Plan,
    minutes: int,
    calendar: SchoolCalendar,
    preferences: Preferences,
    shortest: int,
    placed_from: date | None,
) -> Iterator[str]:
    planned = plan.total_minutes
    if planned != minutes:
        yield f"the sessions hold {planned / 60:g} h, not the programme's {minutes / 60:g} h"
    for before, after in zip(plan.weeks, plan.weeks[1:], strict=False):
        if after.week_start - before.week_start != timedelta(days=7):
            yield f"the weeks jump from {before.week_start} to {after.week_start}"
    busy: dict[date, list[BusyTime]] = defaultdict(list)
    for stretch in preferences.busy:
        busy[stretch.day].append(stretch)
    # What of each component is still to come from each of its sittings on: only the last
    # piece of a component may be shorter than the shortest sitting.
    # (Fixed sessions are not pieces the engine cut: a crumb before one is still the last.)
    still_to_come: dict[tuple[str, str], int] = defaultdict(int)
    left: dict[int, int] = {}
    for session in reversed(plan.sessions):
        if not session.fixed:
            still_to_come[session.term, session.component] += session.minutes
        left[id(session)] = still_to_come[session.term, session.component]
    for week in plan.weeks:
        for session in week.sessions:
            where = f"{session.component} on {session.day.isoformat()}"
            if monday_of(session.day) != week.week_start:
                yield f"{where} is filed under the week of {week.week_start}"
            faults = _faults(session, plan, calendar, preferences, busy)
            if _is_sitting(session):
                faults = _chain(faults, _sitting_faults(session, preferences, busy))
                made = placed_from is None or session.day >= placed_from
                if made and session.minutes < min(shortest, left[id(session)]):
                    faults = _chain(faults, iter([f"lasts {session.minutes} minutes, a crumb"]))
            yield from (f"{where} {fault}" for fault in faults)


def _chain(*parts: Iterator[str]) -> Iterator[str]:
    for part in parts:
        yield from part


def _is_sitting(session: Session) -> bool:
    """Self-study the engine placed at a time of its choosing."""
    return (
        session.delivery is Delivery.SELF_DIRECTED
        and not session.fixed
        and not session.all_day
        and session.kind is not ComponentKind.ASSESSMENT
    )


def _sitting_faults(session: Session, preferences: Preferences, busy: BusyByDay) -> Iterator[str]:
    start, end = _times(session)
    if end > preferences.latest:
        yield f"ends at {end:%H:%M}, after the latest end ({preferences.latest:%H:%M})"
    if session.day.weekday() not in preferences.study_days:
        yield f"falls on a {session.day:%A}, not one of your study days"
    gap = timedelta(minutes=preferences.buffer_minutes)
    begins = _on(session.day, start)
    for stretch in busy.get(session.day, ()):
        if stretch.end is not None and begins - gap < _on(session.day, stretch.end) <= begins:
            yield (
                f"starts at {start:%H:%M}, less than {preferences.buffer_minutes} min after a "
                "busy time"
            )


def _on(day: date, moment: time) -> datetime:
    return datetime.combine(day, moment)


def _faults(
    session: Session,
    plan: Plan,
    calendar: SchoolCalendar,
    preferences: Preferences,
    busy: BusyByDay,
) -> Iterator[str]:
    # A re-plan leaves a fixed event that was missed on its day with the minutes done: maybe none.
    missed = session.fixed and session.minutes == 0
    if (session.minutes <= 0 and not missed) or session.minutes % MINUTES_PER_UNIT:
        yield f"lasts {session.minutes} minutes, not a positive number of 5-minute steps"
    if session.all_day:
        if session.end_date < session.day:
            yield "ends before it starts"
    elif session.start is None or session.end is None or session.end_date != session.day:
        yield "has no start and end on one day"
    elif session.end <= session.start:
        yield f"ends at {session.end:%H:%M}, not after it starts at {session.start:%H:%M}"
    if session.fixed:
        return  # the provider chose the day: a weekend or a holiday is theirs to decide
    window = session.kind is ComponentKind.ASSESSMENT  # the provider's, days long: no move
    for day in [] if window else _days(session.day, session.end_date):
        for stretch in busy.get(day, ()):
            if session.all_day and stretch.start is not None:
                continue  # an all-day event is the school day; an evening club is no clash
            if session.all_day or stretch.overlaps(*_times(session)):
                yield f"falls on a busy time in your own calendar ({stretch.day})"
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
