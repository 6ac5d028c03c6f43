"""Events at their times: live sessions after school, long ones from the morning, all-day
events on a run of school days, each week's event kept a week from the next where it can be."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from npqplan.errors import ScheduleError
from npqplan.scheduling.context import Planning
from npqplan.scheduling.ledger import Ledger, Slot, session_of
from npqplan.schema import Component, Delivery

MORNING = time(9, 0)
SCHOOL_DAY_END = time(17, 0)
LONG_LIVE_SESSION_HOURS = 2.5


def default_time(ctx: Planning, component: Component, steps: int) -> time:
    if component.time is not None:
        return component.time
    if ctx.minutes(steps) > LONG_LIVE_SESSION_HOURS * 60:
        return MORNING
    return ctx.days.prefs.event_time


def timed(ctx: Planning, day: date, begin: time, steps: int) -> Slot:
    finish = datetime.combine(day, begin) + timedelta(minutes=ctx.minutes(steps))
    return Slot(day, day, begin, finish.time())


def no_room(
    ctx: Planning, where: str, component: Component, steps: int, weeks: Sequence[date]
) -> ScheduleError:
    """No day left for an event: say what filled the weeks, as the person can change it."""
    prefs = ctx.days.prefs
    if component.delivery is Delivery.SELF_DIRECTED and not component.days:
        return ScheduleError(
            f"{component.name!r}: its {ctx.minutes(steps)}-minute sessions do not fit into the "
            f"evenings from {prefs.study_time:%H:%M} to {prefs.latest:%H:%M} of your study "
            f"days in {where}; choose more study days, an earlier study time or a later end"
        )
    days = [day for monday in weeks for day in ctx.days.weekdays(monday)]
    causes = []
    if any(day in prefs.blocked for day in days):
        causes.append("unblock some of the dates you blocked")
    if any(ctx.days.busy.get(day) for day in days):
        causes.append("free some of the times your own calendar holds")
    if not causes:
        causes.append("its other events (and any weekly or fortnightly ones) fill every day")
    return ScheduleError(
        f"no free school days left in {where} for {component.name!r}; "
        f"{'; '.join(causes)}, or give the dates in a cohort file"
    )


def add_default(
    ctx: Planning,
    ledger: Ledger,
    component: Component,
    term: str,
    weeks: Sequence[date],
    target: int,
    steps: int,
    not_before: date | None = None,
    *,
    only_target: bool = False,
) -> None:
    """An event in the week nearest `target` with room: one with no event in it or beside it
    where the weeks allow, else one with none in it."""
    crowded = ledger.event_weeks
    week = timedelta(days=7)

    def crowding(index: int) -> int:
        monday = weeks[index]
        if monday in crowded:
            return 2
        return 1 if monday - week in crowded or monday + week in crowded else 0

    indices = [target] if only_target else range(len(weeks))
    order = sorted(indices, key=lambda i: (crowding(i), abs(i - target), i))
    for index in order:
        slot = fit_in_week(ctx, ledger, component, weeks[index], steps, not_before)
        if slot is not None:
            session = session_of(component, term, slot, ctx.minutes(steps), fixed=False)
            if ctx.days.prefs.busy and slot != _first_choice(
                ctx, ledger, component, [weeks[i] for i in order], steps, not_before
            ):
                ledger.moved_for_busy += 1
                session = replace(session, moved_off_busy=True)
            spaced = component.cadence is None or component.is_live
            ledger.record_event(session, slot, spaced=spaced)
            return
    where = f"the week of {weeks[target]:%-d %b %Y}" if only_target else term
    raise no_room(ctx, where, component, steps, [weeks[target]] if only_target else weeks)


def _first_choice(
    ctx: Planning,
    ledger: Ledger,
    component: Component,
    weeks: Sequence[date],
    steps: int,
    not_before: date | None,
) -> Slot | None:
    """Where the event would go if the person's own calendar were empty."""
    for monday in weeks:
        slot = fit_in_week(ctx, ledger, component, monday, steps, not_before, with_busy=False)
        if slot is not None:
            return slot
    return None


def fit_in_week(
    ctx: Planning,
    ledger: Ledger,
    component: Component,
    monday: date,
    steps: int,
    not_before: date | None = None,
    *,
    with_busy: bool = True,
) -> Slot | None:
    days_ = ctx.days
    days = [
        d
        for d in days_.weekdays(monday)
        if days_.event_day_ok(d) and (not_before is None or d >= not_before)
    ]
    if component.days:
        length = component.days
        if with_busy:
            days = [d for d in days if not days_.busy_during(d, MORNING, SCHOOL_DAY_END)]
        for end in range(len(days) - 1, length - 2, -1):
            run = days[end - length + 1 : end + 1]
            consecutive = (run[-1] - run[0]).days == length - 1
            if consecutive and not any(ledger.events.get(d) for d in run):
                return Slot(run[0], run[-1], None, None)
        return None
    if component.delivery is Delivery.SELF_DIRECTED:
        return study_evening(ctx, ledger, monday, steps, not_before, with_busy=with_busy)
    begin = default_time(ctx, component, steps)
    finish = timed(ctx, days[0], begin, steps).end if days else None
    free = [
        d
        for d in days
        if not ledger.events.get(d)
        and not (with_busy and finish and days_.busy_during(d, begin, finish))
    ]
    if not free:
        return None
    preferred = days_.prefs.event_day
    day = min(free, key=lambda d: (abs(d.weekday() - preferred), d.weekday()))
    return timed(ctx, day, begin, steps)


def study_evening(
    ctx: Planning,
    ledger: Ledger,
    monday: date,
    steps: int,
    not_before: date | None,
    *,
    with_busy: bool = True,
) -> Slot | None:
    """A sitting of self-directed work on the first study day of the week with room; an
    evening the person's own calendar cuts short comes after one it leaves whole."""
    days = ctx.days
    if not with_busy:
        days = days.without_busy()
    choices = days.study_days(monday, ledger)
    choices = sorted(choices, key=lambda d: days.cut_short(d, ledger))
    for day in choices:
        if not_before is not None and day < not_before:
            continue
        if days.room(day, ledger) >= ctx.minutes(steps):
            return timed(ctx, day, days.evening(day, ledger), steps)
    return None
