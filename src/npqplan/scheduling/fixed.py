"""Dates the provider or a cohort fixed: checked, kept where they are, clashes shown."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, time, timedelta

from npqplan.errors import ScheduleError
from npqplan.plan import ACROSS_ALL_TERMS, monday_of
from npqplan.scheduling.context import Planning
from npqplan.scheduling.events import MORNING, SCHOOL_DAY_END, default_time, timed
from npqplan.scheduling.ledger import Ledger, Slot, session_of
from npqplan.schema import Component, Term


def check_known(ctx: Planning, terms: Sequence[tuple[str, Term]]) -> None:
    """Every fixed date names a component the programme has."""
    known = {(label, c.name) for label, t in terms for c in t.components}
    known |= {(ACROSS_ALL_TERMS, c.name) for c in ctx.programme.across_terms}
    for term, name in sorted(ctx.fixed_dates):
        if (term, name) not in known:
            raise ScheduleError(
                f"cohort dates name {name!r} in {term!r}, which {ctx.programme.id} does not "
                f"have; run 'npqplan show {ctx.programme.id}' for its terms and components"
            )


def check_dates(
    ctx: Planning,
    ledger: Ledger,
    component: Component,
    term: str,
    dates: Sequence[date],
    weeks: Sequence[date],
) -> None:
    """Dates the provider fixed: outside the plan or not one per session is an error; at a
    weekend, in a holiday or outside the component's term they stand, with a warning."""
    where = f"{component.name!r} in {term!r}"
    if len(dates) != component.session_count:
        raise ScheduleError(
            f"{len(dates)} date(s) are fixed for {where}, which has "
            f"{component.session_count} session(s); give one date per session"
        )
    if len(dates) > ctx.component_steps(component):
        raise ScheduleError(
            f"{len(dates)} dates are fixed for {where}, more than its "
            f"{component.total_hours:g} h hold in {ctx.step}-minute steps"
        )
    first, last = ctx.days.first_day, ctx.days.last_day
    for day in dates:
        if not first <= day <= last:
            raise ScheduleError(
                f"{where} is fixed on {day.isoformat()}, outside the plan "
                f"({first.isoformat()} to {last.isoformat()}); check the date and the start "
                "month"
            )
        why = ctx.days.not_a_school_day(day)
        if why is None and term != ACROSS_ALL_TERMS and monday_of(day) not in weeks:
            why = f"outside {term}"
        if why is not None:
            ledger.warnings.append(
                f"{component.name} is fixed on {day:%a} {day.day} {day:%b %Y}, {why}; "
                "kept as the provider set it"
            )


def add_fixed(
    ctx: Planning,
    ledger: Ledger,
    component: Component,
    term: str,
    day: date,
    steps: int,
    at: time | None,
) -> None:
    """A session on the day it was fixed for, never moved by the person's busy times."""
    if component.days:
        last = day + timedelta(days=component.days - 1)
        if monday_of(last) != monday_of(day):
            raise ScheduleError(
                f"{component.name} on {day.isoformat()} runs for {component.days} days "
                "and would cross a weekend; fixed multi-day events must stay in one week"
            )
        slot = Slot(day, last, None, None)
        begin, end = MORNING, SCHOOL_DAY_END
    else:
        begin = at or default_time(ctx, component, steps)
        if begin.hour * 60 + begin.minute + ctx.minutes(steps) >= 24 * 60:
            raise ScheduleError(
                f"{component.name} on {day.isoformat()} from {begin:%H:%M} for "
                f"{ctx.minutes(steps) / 60:g} h would end after midnight; give an earlier time"
            )
        slot = timed(ctx, day, begin, steps)
        assert slot.end is not None
        end = slot.end
    session = session_of(component, term, slot, ctx.minutes(steps), fixed=True)
    ledger.record_event(session, slot, spaced=component.cadence is None or component.is_live)
    if _clashes(ctx, slot, begin, end):
        ledger.clashes.append(session)
        ledger.warnings.append(
            f"{component.name} on {day:%a} {day.day} {day:%b %Y} (fixed) clashes with "
            "something in your own calendar"
        )


def _clashes(ctx: Planning, slot: Slot, begin: time, end: time) -> bool:
    day = slot.day
    while day <= slot.end_date:
        if ctx.days.busy_during(day, begin, end):
            return True
        day += timedelta(days=1)
    return False
