"""replan(plan, programme, calendar, done, today, preferences) -> Plan: catch up what is owed.

The same engine as a first plan, given what is still owed from `today`:

1. Sessions before `today` are the past; every session from `today` on stays where it is.
2. Only work the participant can do alone is caught up (`catchup`): self-directed work, and a
   live session the provider records or gives materials for, which becomes self-study
   ("Catch up: ..."). A missed live or in-person event with no such offer stays in the past
   as it was, and `missed_events` lists it.
3. The owed minutes go into the weeks from `today` to the end of the taught programme (to the
   end of the plan when what is left of it cannot hold them), the nearest weeks first, each up
   to the weekly cap (`levelling.nearest_first`); only what no week can hold under the cap is
   levelled above it.
4. Each week's catch-up becomes sittings through `sittings`, exactly as a first plan's
   self-study: study days, evenings after the day's sessions and the person's busy times with
   their buffer, the latest end, the session length and the shortest sitting.
5. The plan's total minutes are unchanged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta

from npqplan.calendar import SchoolCalendar
from npqplan.checks import check_plan
from npqplan.errors import ScheduleError
from npqplan.plan import (
    MINUTES_PER_UNIT,
    Plan,
    Preferences,
    Session,
    Week,
    in_time_order,
    monday_of,
)
from npqplan.scheduling.availability import Availability
from npqplan.scheduling.catchup import (
    Done,
    Owed,
    crumbs_wait,
    owed_minutes,
    take_owed,
    week_shares,
    without_crumbs,
)
from npqplan.scheduling.context import Planning
from npqplan.scheduling.ledger import Ledger
from npqplan.scheduling.levelling import nearest_first
from npqplan.scheduling.sittings import Sitting, sittings_in_week
from npqplan.scheduling.units import later_by, shortest_sitting, step_minutes
from npqplan.schema import Delivery, Programme

REPLAN_NOTE = "Re-planned on"


def replan(
    plan: Plan,
    programme: Programme,
    calendar: SchoolCalendar,
    done: Done,
    today: date,
    preferences: Preferences,
    missed: frozenset[str] = frozenset(),
) -> Plan:
    """`plan` with the minutes owed by `today` moved into the weeks ahead; see the rules.
    `missed`: identities of sessions the person marked missed, which minutes logged without a
    component do not pay for."""
    past = sorted(
        (s for s in plan.sessions if s.day < today and s.can_be_caught_up), key=in_time_order
    )
    owed = owed_minutes(past, done, missed)
    if not owed:
        return plan
    shortest = shortest_sitting(programme)
    kept, pieces = without_crumbs(
        *take_owed(plan.sessions, owed), today, preferences.latest, shortest
    )
    ctx, ledger = _weeks_ahead(plan, programme, calendar, preferences, today, kept, pieces)
    grain = max(1, step_minutes(programme) // MINUTES_PER_UNIT)
    weeks = sorted(w for w in ctx.plan_weeks)
    total = ctx.steps(sum(piece.minutes for piece in pieces))
    room = {w: ctx.steps(ctx.days.week_room(w, ledger)) for w in weeks}
    load = {w: ctx.steps(ledger.load.get(w, 0)) for w in weeks}
    cap = ctx.steps(plan.weekly_cap_minutes)
    allotted = nearest_first(total, weeks, load, cap, room, grain)
    catch_up = _sittings(ctx, ledger, plan, pieces, weeks, allotted)
    weeks_now = _regroup(plan.weeks, [*kept, *catch_up])
    new = replace(
        plan,
        weeks=weeks_now,
        warnings=(
            *(w for w in plan.warnings if not w.startswith(REPLAN_NOTE)),
            _note(today, sum(owed.values()), plan, replace(plan, weeks=weeks_now)),
        ),
    )
    check_plan(
        new, minutes=plan.total_minutes, calendar=calendar, preferences=preferences,
        shortest=shortest, placed_from=today,
    )  # fmt: skip
    return new


def _weeks_ahead(
    plan: Plan,
    programme: Programme,
    calendar: SchoolCalendar,
    preferences: Preferences,
    today: date,
    kept: Sequence[Session],
    pieces: Sequence[Owed],
) -> tuple[Planning, Ledger]:
    """The days catch-up may use, with every kept session already in them: up to the end of
    the taught programme, or of the whole plan when the taught weeks left cannot hold it."""
    total = sum(piece.minutes for piece in pieces)
    ledger = Ledger()
    for session in kept:
        ledger.take_evening(session)
    room = 0
    for last in (max(today, plan.taught_end), plan.end):
        days = Availability(calendar, preferences, today, last)
        ctx = Planning(
            programme=programme,
            days=days,
            step=MINUTES_PER_UNIT,
            cap=plan.weekly_cap_minutes,
            shortest=shortest_sitting(programme),
        )
        ctx.plan_weeks = days.weeks_between(today, last, days.is_study_day)
        room = sum(days.week_room(w, ledger) for w in ctx.plan_weeks)
        if room >= total:
            return ctx, ledger
    if not room:
        raise ScheduleError(
            f"no study days are left between {today.isoformat()} and the end of the plan "
            f"({plan.end.isoformat()}) to catch up {total / 60:g} h in"
        )
    raise ScheduleError(
        f"the {total / 60:g} h owed do not fit into the study days left between "
        f"{today.isoformat()} and {plan.end.isoformat()}"
    )


def _sittings(
    ctx: Planning,
    ledger: Ledger,
    plan: Plan,
    pieces: Sequence[Owed],
    weeks: Sequence[date],
    allotted: dict[date, int],
) -> list[Session]:
    """Deal the pieces, oldest first, into each week's allotment, then into sittings."""
    occurrences: dict[tuple[str, str], int] = defaultdict(int)
    for session in plan.sessions:
        key = (session.term, session.component)
        occurrences[key] = max(occurrences[key], session.occurrence)
    remaining = [ctx.steps(piece.minutes) for piece in pieces]
    shortest = -(-ctx.shortest // ctx.step)
    identity_used: set[int] = set()
    made: list[Session] = []
    # A piece shorter than the shortest sitting may only be its work's last: it waits for the
    # week after the work's last sitting still to come.
    waits = crumbs_wait(pieces, remaining, shortest, ledger, ctx.days.first_day)

    def place(monday: date, budget: int, crumbs_from: int) -> int:
        ready = [0 if monday < waits.get(i, monday) else units for i, units in enumerate(remaining)]
        shares = sorted(week_shares(ready, budget, crumbs_from))
        for position, units in shares:
            remaining[position] -= units
        # A session owed whole moves whole, keeping its identity; the parts of one work owed
        # in pieces go together, as a first plan's do, named after the oldest of them.
        works: dict[Work, list[int]] = defaultdict(list)
        steps: dict[Work, int] = defaultdict(int)
        for position, units in shares:
            work = _work(pieces[position], position)
            works[work].append(position)
            steps[work] += units
        taken = _self_study_by_day(ledger, monday)
        placed = sittings_in_week(ctx, ledger, monday, list(steps.items()), taken)
        for sitting in placed:
            position = works[sitting.key][0]
            source = pieces[position].source
            if pieces[position].keeps_identity and position not in identity_used:
                identity_used.add(position)
                occurrence = source.occurrence
            else:
                occurrences[(source.term, source.component)] += 1
                occurrence = occurrences[(source.term, source.component)]
            session = _catch_up(ctx, source, sitting, occurrence)
            ledger.take_evening(session)
            made.append(session)
        return sum(units for _, units in shares)

    # What a week cannot take without leaving a crumb goes to the next; what is left at the
    # end goes wherever an evening still has room.
    carry = 0
    for monday in weeks:
        budget = min(ctx.steps(ctx.days.week_room(monday, ledger)), allotted[monday] + carry)
        carry += allotted[monday] - place(monday, budget, shortest)
    for monday in weeks:
        if any(remaining):
            place(monday, ctx.steps(ctx.days.week_room(monday, ledger)), 1)
    if any(remaining):
        raise ScheduleError(
            f"{ctx.minutes(sum(remaining)) / 60:g} h owed find no evening with room before "
            f"{ctx.days.last_day.isoformat()}; choose more study days or later evenings"
        )
    return made


# A piece owed whole is its own work; the rest of a component's owed pieces are one (-1).
Work = tuple[str, str, int]


def _work(piece: Owed, position: int) -> Work:
    source = piece.source
    return (source.term, source.component, position if piece.keeps_identity else -1)


def _self_study_by_day(ledger: Ledger, monday: date) -> dict[date, int]:
    """Minutes of timed self-study each day of a week already holds."""
    found: dict[date, int] = defaultdict(int)
    for session in ledger.sessions:
        in_week = monday <= session.day < monday + timedelta(days=7)
        if in_week and not session.is_live and session.start is not None:
            found[session.day] += session.minutes
    return found


def _catch_up(ctx: Planning, source: Session, sitting: Sitting[Work], occurrence: int) -> Session:
    """A sitting of owed work: self-study wherever the participant studies, called catch-up."""
    minutes = ctx.minutes(sitting.steps)
    return replace(
        source,
        day=sitting.day,
        start=sitting.start,
        end_date=sitting.day,
        end=later_by(sitting.start, minutes),
        all_day=False,
        minutes=minutes,
        fixed=False,
        occurrence=occurrence,
        delivery=Delivery.SELF_DIRECTED,
        location=None,
        catch_up=True,
    )


def _note(today: date, owed: int, old: Plan, new: Plan) -> str:
    """What the re-plan did, in one line the plan keeps among its warnings."""
    was = set(old.sessions)
    landed = sorted({monday_of(s.day) for s in new.sessions if s.day >= today and s not in was})
    note = f"{REPLAN_NOTE} {today.isoformat()}: {owed / 60:g} h owed moved into the weeks "
    note += f"from {landed[0].isoformat()} to {landed[-1].isoformat()}"
    cap = new.weekly_cap_minutes
    over = [w.week_start for w in new.weeks if w.week_start in landed and w.minutes > cap]
    if over:
        note += f"; {len(over)} week(s) go over the {cap / 60:g} h weekly cap "
        note += f"(from {over[0].isoformat()})"
    return note


def _regroup(weeks: Sequence[Week], sessions: Sequence[Session]) -> tuple[Week, ...]:
    by_week: dict[date, list[Session]] = defaultdict(list)
    for session in sessions:
        by_week[monday_of(session.day)].append(session)
    known = {week.week_start for week in weeks}
    stray = sorted(set(by_week) - known)
    if stray:
        raise ScheduleError(f"re-planned sessions fall outside the plan (week of {stray[0]})")
    return tuple(
        replace(week, sessions=tuple(sorted(by_week.get(week.week_start, ()), key=in_time_order)))
        for week in weeks
    )
