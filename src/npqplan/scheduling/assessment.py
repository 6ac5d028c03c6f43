"""The final assessment: one all-day event over its whole window, after the taught weeks."""

from __future__ import annotations

from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from npqplan.errors import ScheduleError
from npqplan.plan import FINAL_ASSESSMENT, Session, monday_of
from npqplan.scheduling.context import Planning
from npqplan.scheduling.ledger import Ledger
from npqplan.schema import ComponentKind, Delivery

_SEARCH_WEEKS_FOR_ASSESSMENT = 52


def place_assessment(ctx: Planning, ledger: Ledger, start: date | None) -> None:
    days = assessment_days(ctx, start)
    assessment = ctx.programme.assessment
    if days is None or assessment is None:
        return
    ledger.assessment_days = (days[0], days[-1])
    minutes = round(assessment.hours * 60)
    ledger.load[monday_of(days[0])] += minutes
    ledger.sessions.append(
        Session(
            day=days[0],
            start=None,
            component=assessment.name,
            term=FINAL_ASSESSMENT,
            occurrence=0,
            kind=ComponentKind.ASSESSMENT,
            delivery=Delivery.SELF_DIRECTED,
            end_date=days[-1],
            end=None,
            all_day=True,
            minutes=ctx.minutes(ctx.steps(minutes)),
            fixed=(start or assessment.start) is not None,
            provenance=assessment.assumed or (assessment.source.quote if assessment.source else ""),
        )
    )


def assessment_days(ctx: Planning, start: date | None) -> list[date] | None:
    """The days of the final assessment's window, which nothing else placed moves."""
    assessment = ctx.programme.assessment
    if assessment is None:
        return None
    first_day = ctx.days.first_day
    given = start or assessment.start
    if given is not None and given < first_day:
        raise ScheduleError(
            f"the final assessment is fixed to start on {given.isoformat()}, before the "
            f"plan starts ({first_day.isoformat()}); check the date and the start month"
        )
    if given is not None:
        first = given
    elif assessment.months_after_start is not None:
        opens = first_day + relativedelta(months=assessment.months_after_start)
        first = opens + timedelta(days=(7 - opens.weekday()) % 7) if opens.weekday() >= 5 else opens
    else:
        first = _window_start(ctx, assessment.gap_weeks or 0)
    return window_days(ctx, first)


def window_days(ctx: Planning, first: date) -> list[date]:
    """The window's days from `first`: consecutive, or only weekdays when the file says."""
    assessment = ctx.programme.assessment
    assert assessment is not None
    days: list[date] = []
    day = first
    while len(days) < assessment.window_days:
        if not assessment.weekdays_only or day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _window_start(ctx: Planning, gap_weeks: int) -> date:
    """The first Monday, `gap_weeks` whole weeks after the taught programme or later, whose
    window's weekdays are all school days."""
    calendar, blocked = ctx.days.calendar, ctx.days.prefs.blocked
    monday = monday_of(ctx.days.last_day) + timedelta(days=7 * (1 + gap_weeks))
    for _ in range(_SEARCH_WEEKS_FOR_ASSESSMENT):
        if all(
            calendar.is_school_day(d) and d not in blocked
            for d in window_days(ctx, monday)
            if d.weekday() < 5
        ):
            return monday
        monday += timedelta(days=7)
    raise ScheduleError("no run of school days for the final assessment within a year")
