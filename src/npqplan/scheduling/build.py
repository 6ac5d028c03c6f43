"""build_plan(programme, calendar, start=..., preferences=...) -> Plan. Pure and deterministic.

The rules, in the order they are applied (each is a module of this package):

1. `terms`: the plan starts on the first school day on or after `start` and the taught
   programme runs for the programme's `duration_months`; the final assessment window follows.
   Programme term N is the Nth school term from the start. A school term with fewer than four
   teaching weeks inside the plan (at its start or its end) joins its neighbour. A programme
   with more terms than that shares the teaching weeks equally among its terms.
2. `placement`, `events`, `fixed`: events (induction, residentials, face-to-face days,
   coaching, peer groups, webinars...) go first: fixed dates where the programme or cohort
   gives them (never moved by the person's busy times: a clash is shown), otherwise an
   induction in the term's first teaching week, cadences in every period they name, and
   everything else evenly spaced through the term; live sessions on the preferred event day
   after school (09:00 when longer than 2.5 h), all-day events on the latest run of school
   days in the week. Never at weekends, in holidays, on bank holidays, blocked dates or busy
   times, unless fixed.
3. `assessment`: the final assessment, one all-day event over its window.
4. `selfstudy`, `levelling`: self-directed hours fill the term's teaching weeks, lowest-loaded
   week first, up to the weekly cap, so weekly load is as level as the events allow. Hours
   that do not fit under the cap are still planned, and the plan says so.
5. `sittings`: each week's self-study becomes sittings of at most the session length on the
   preferred study days, from the study time (or `buffer_minutes` after anything busy) to
   the latest end, never shorter than the shortest sitting (`units`).

`availability` answers every question about days and evenings; `ledger` holds what is placed.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta

from dateutil.relativedelta import relativedelta

from npqplan.calendar import SchoolCalendar
from npqplan.checks import check_plan
from npqplan.plan import ACROSS_ALL_TERMS, Plan, Preferences
from npqplan.scheduling.assessment import assessment_days, place_assessment
from npqplan.scheduling.availability import Availability, first_school_day
from npqplan.scheduling.context import FixedDates, Planning
from npqplan.scheduling.fixed import check_known
from npqplan.scheduling.ledger import Ledger
from npqplan.scheduling.placement import Stretch, place_spaced, place_term_events
from npqplan.scheduling.selfstudy import place_self_study
from npqplan.scheduling.terms import Segment, plan_terms, segments
from npqplan.scheduling.units import shortest_sitting, step_minutes
from npqplan.scheduling.weeks import assemble
from npqplan.schema import Programme, TermLayout


def planning_for(
    programme: Programme,
    calendar: SchoolCalendar,
    start: date,
    preferences: Preferences,
    fixed_dates: Mapping[tuple[str, str], FixedDates] | None = None,
) -> Planning:
    """The fixed inputs of one plan of `programme` from `start`."""
    first_day = first_school_day(calendar, start)
    taught_end = first_day + relativedelta(months=programme.duration_months) - timedelta(days=1)
    step = step_minutes(programme)
    cap = preferences.weekly_cap_minutes
    if cap is None:
        cap = round(programme.weekly_target.max_hours * 60)
    return Planning(
        programme=programme,
        days=Availability(calendar, preferences, first_day, taught_end),
        step=step,
        cap=round(cap / step) * step,
        shortest=shortest_sitting(programme),
        fixed_dates=dict(fixed_dates or {}),
    )


def plan_span(
    programme: Programme,
    calendar: SchoolCalendar,
    start: date,
    preferences: Preferences,
    assessment_start: date | None = None,
) -> tuple[date, date]:
    """The first and last day of a plan of `programme` from `start`, worked out without
    placing anything: what a person's own calendar must be read over."""
    ctx = planning_for(programme, calendar, start, preferences)
    last = ctx.days.last_day
    window = assessment_days(ctx, assessment_start)
    if window is not None:
        last = max(last, window[-1])
        weeks = programme.assessment.results_weeks if programme.assessment else None
        if weeks:
            last = max(last, window[-1] + timedelta(weeks=weeks))
    return ctx.days.first_day, last


def build_plan(
    programme: Programme,
    calendar: SchoolCalendar,
    *,
    start: date,
    preferences: Preferences | None = None,
    fixed_dates: Mapping[tuple[str, str], FixedDates] | None = None,
    assessment_start: date | None = None,
) -> Plan:
    """Lay `programme` out week by week from `start`; see the module docstring for the rules."""
    chosen = preferences or Preferences()
    ctx = planning_for(programme, calendar, start, chosen, fixed_dates)
    ledger = Ledger()
    labelled = _lay_out(ctx, ledger, assessment_start)
    plan = assemble(ctx, ledger, labelled)
    expected = round(programme.total_hours * 60) + ledger.cadence_minutes
    check_plan(plan, minutes=expected, calendar=calendar, preferences=chosen, shortest=ctx.shortest)
    return plan


def _lay_out(ctx: Planning, ledger: Ledger, assessment_start: date | None) -> list[Segment]:
    terms = plan_terms(ctx.programme)
    spread = ctx.programme.term_layout is TermLayout.SPREAD
    found = segments(ctx.days, ctx.programme.id, len(terms), spread=spread)
    for index, segment in enumerate(found[: len(terms)]):
        segment.label = terms[index][0]
    ctx.plan_weeks = [week for segment in found for week in segment.weeks]
    check_known(ctx, terms)
    stretches: list[Stretch] = []
    for (label, term), segment in zip(terms, found, strict=False):
        stretches += place_term_events(ctx, ledger, label, term, segment)
    days = ctx.days
    across = Segment(ACROSS_ALL_TERMS, days.first_day, days.last_day, ctx.plan_weeks)
    across_events = [
        c
        for c in ctx.programme.across_terms
        if not c.is_flexible or ctx.fixed_for(ACROSS_ALL_TERMS, c)
    ]
    place_spaced(ctx, ledger, across_events, ACROSS_ALL_TERMS, across, found)
    place_self_study(ctx, ledger, found, terms, stretches)
    place_assessment(ctx, ledger, assessment_start)
    return found
