"""replan(plan, calendar, done, today, preferences) -> Plan: catch up what is owed. Pure.

The rules, in the order they are applied:

1. Sessions whose day is before `today` are the past; every other session stays exactly where
   it is, with its hours, fixed or not.
2. Only self-directed work (self-study, journal, audit, project, recordings) is caught up: a
   live or in-person event that was missed cannot be held again by the participant, so it
   stays in the past as it was, and `missed_events` lists it (ask the provider about catch-up).
   A component owes the hours its past sessions planned minus the hours logged against it.
   Hours logged without a component pay off the oldest owed work first. Being ahead on one
   component pays for nothing else.
3. What a component owes comes out of its latest past sessions. A session owed whole moves,
   keeping its identity; a session owed in part stays on its day with the hours that were done,
   and the rest moves as a new occurrence of its component. Fixed sessions never move: a fixed
   session stays on its day and time and keeps only the hours that were done (maybe none).
4. The moved hours go into the weeks from `today` to the end of the taught programme (to the
   end of the plan when what is left of it cannot hold them), on days the plan could use for
   study, from the study time or the end of the day's last session until 23:00 (school days,
   or holiday weekdays with `holiday_study`; never bank holidays or blocked dates): the nearest
   weeks first, each up to the weekly cap; only what no week can hold under the cap is then
   levelled above it. Oldest owed work first, whole sessions where they fit.
5. Each week's catch-up becomes sessions of at most `session_hours` on the preferred study
   days, after the day's other sessions.
6. The plan's total hours are unchanged.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta

from npqplan.calendar import SchoolCalendar
from npqplan.checks import check_plan
from npqplan.errors import ScheduleError
from npqplan.plan import (
    LATEST_END,
    MINUTES_PER_UNIT,
    Plan,
    Preferences,
    Session,
    Week,
    monday_of,
    to_hours,
    to_units,
)
from npqplan.scheduler import level_fill, split_units, within_room
from npqplan.schema import ComponentKind

REPLAN_NOTE = "Re-planned on"


@dataclass(frozen=True)
class _Owed:
    """Hours of one past session that move forward."""

    source: Session
    units: int
    keeps_identity: bool


def _chronological(session: Session) -> tuple[date, time, str, str, int]:
    return (
        session.day,
        session.start or time(0, 0),
        session.term,
        session.component,
        session.occurrence,
    )


def replan(
    plan: Plan,
    calendar: SchoolCalendar,
    done: Mapping[str | None, float],
    today: date,
    preferences: Preferences,
) -> Plan:
    """`plan` with the hours owed by `today` moved into the weeks ahead; see the module rules."""
    past = sorted(
        (s for s in plan.sessions if s.day < today and s.can_be_caught_up), key=_chronological
    )
    owed = _owed_units(past, done)
    if not owed:
        return plan
    kept, pieces = _take_owed(plan.sessions, owed)
    total = sum(piece.units for piece in pieces)
    evenings = _window(plan, calendar, preferences, today, kept, total)
    room: dict[date, int] = defaultdict(int)
    for day, start in evenings.items():
        room[monday_of(day)] += _free_units(start)
    weeks = sorted(week for week, units in room.items() if units > 0)
    load: dict[date, int] = defaultdict(int)
    for session in kept:
        load[monday_of(session.day)] += to_units(session.hours)
    cap = to_units(plan.weekly_cap)
    allotted = _allot(total, weeks, load, cap, room)
    catch_up = _sessions(pieces, weeks, allotted, evenings, kept, plan, preferences)
    used = [w for w in weeks if allotted[w]]
    note = f"{REPLAN_NOTE} {today.isoformat()}: {to_hours(total):g} h owed moved into the weeks "
    note += f"from {used[0].isoformat()} to {used[-1].isoformat()}"
    assessment = min(
        (s.day for s in plan.sessions if s.kind is ComponentKind.ASSESSMENT), default=None
    )
    late = [s for s in catch_up if assessment is not None and s.day >= assessment]
    if assessment is not None and late:
        note += (
            f"; {to_hours(sum(to_units(s.hours) for s in late)):g} h of it fall on or after the "
            f"final assessment begins ({assessment.isoformat()})"
        )
    over = [w for w in weeks if allotted[w] and load[w] + allotted[w] > cap]
    if over:
        note += f"; {len(over)} week(s) go over the {plan.weekly_cap:g} h weekly cap "
        note += f"(from {over[0].isoformat()})"
    warnings = tuple(w for w in plan.warnings if not w.startswith(REPLAN_NOTE))
    new = replace(
        plan,
        weeks=_regroup(plan.weeks, [*kept, *catch_up]),
        warnings=(*warnings, note),
    )
    check_plan(new, hours=plan.total_hours, calendar=calendar, preferences=preferences)
    return new


def _window(
    plan: Plan,
    calendar: SchoolCalendar,
    preferences: Preferences,
    today: date,
    kept: Sequence[Session],
    total: int,
) -> dict[date, datetime]:
    """The catch-up days, each with when it is free from: up to the end of the taught
    programme, or of the whole plan when the taught weeks left cannot hold `total`."""
    last = max(today, plan.taught_end)
    evenings = _evenings(_catch_up_days(calendar, preferences, today, last), kept, preferences)
    if sum(map(_free_units, evenings.values())) < total:
        last = plan.end
        evenings = _evenings(_catch_up_days(calendar, preferences, today, last), kept, preferences)
    room = sum(map(_free_units, evenings.values()))
    if not room:
        raise ScheduleError(
            f"no study days are left between {today.isoformat()} and the end of the plan "
            f"({last.isoformat()}) to catch up {to_hours(total):g} h in"
        )
    if room < total:
        raise ScheduleError(
            f"the {to_hours(total):g} h owed do not fit into the study days left between "
            f"{today.isoformat()} and {last.isoformat()}"
        )
    return evenings


def missed_events(plan: Plan, done: Mapping[str | None, float], today: date) -> list[Session]:
    """Live and in-person sessions before `today` that the hours logged against their component
    do not cover, oldest first: the latest of a component's sessions count as the missed ones.
    Hours logged without a component pay for none of them: nobody attends an event by logging.
    """
    past = sorted(
        (
            s
            for s in plan.sessions
            if s.day < today and not s.can_be_caught_up and s.kind is not ComponentKind.ASSESSMENT
        ),
        key=_chronological,
    )
    owed = _owed_units(past, {name: hours for name, hours in done.items() if name is not None})
    return [s for s in past if s.identity in owed]


def _owed_units(past: Sequence[Session], done: Mapping[str | None, float]) -> dict[str, int]:
    """Identity -> units owed, after logs without a component paid off the oldest."""
    by_name: dict[str, list[Session]] = defaultdict(list)
    for session in past:
        by_name[session.component].append(session)
    owed: dict[str, int] = {}
    for name, sessions in by_name.items():
        short = sum(to_units(s.hours) for s in sessions) - to_units(done.get(name, 0.0))
        for session in reversed(sessions):
            if short <= 0:
                break
            take = min(short, to_units(session.hours))
            if take:
                owed[session.identity] = take
                short -= take
    spare = to_units(done.get(None, 0.0))
    for session in past:
        if spare <= 0:
            break
        if session.identity in owed:
            paid = min(spare, owed[session.identity])
            spare -= paid
            owed[session.identity] -= paid
    return {identity: units for identity, units in owed.items() if units > 0}


def _take_owed(
    sessions: Sequence[Session], owed: Mapping[str, int]
) -> tuple[list[Session], list[_Owed]]:
    """The sessions that stay (some with fewer hours) and the owed pieces, oldest first."""
    kept: list[Session] = []
    pieces: list[_Owed] = []
    for session in sorted(sessions, key=_chronological):
        units = owed.get(session.identity, 0)
        if not units:
            kept.append(session)
            continue
        whole = units == to_units(session.hours)
        pieces.append(_Owed(session, units, keeps_identity=whole and not session.fixed))
        if whole and not session.fixed:
            continue
        left = to_units(session.hours) - units
        if session.fixed or session.start is None:
            kept.append(replace(session, hours=to_hours(left)))
        else:
            kept.append(replace(session, hours=to_hours(left), end=_after(session.start, left)))
    return kept, pieces


def _catch_up_days(
    calendar: SchoolCalendar, preferences: Preferences, first: date, last: date
) -> list[date]:
    found = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        if day.weekday() >= 5 or day in preferences.blocked or day in calendar.bank_holidays:
            continue
        if calendar.is_school_day(day) or preferences.holiday_study:
            found.append(day)
    return found


def _evenings(
    days: Sequence[date], kept: Sequence[Session], preferences: Preferences
) -> dict[date, datetime]:
    """When each catch-up day is free from: the study time, or after the day's last session."""
    ends: dict[date, list[time]] = defaultdict(list)
    for session in kept:
        if session.end is not None and not session.all_day:
            ends[session.day].append(session.end)
    return {
        day: datetime.combine(day, max([preferences.study_time, *ends.get(day, [])]))
        for day in days
    }


def _free_units(start: datetime) -> int:
    latest = datetime.combine(start.date(), LATEST_END)
    return max(0, int((latest - start).total_seconds() // (MINUTES_PER_UNIT * 60)))


def _allot(
    total: int,
    weeks: Sequence[date],
    load: Mapping[date, int],
    cap: int,
    room: Mapping[date, int],
) -> dict[date, int]:
    """Units per week, the nearest weeks first: each up to the cap and what its evenings hold;
    what no week can hold under the cap is then levelled above it (within the evenings)."""
    allotted = dict.fromkeys(weeks, 0)
    left = total
    for week in weeks:
        take = min(left, max(0, min(cap - load.get(week, 0), room[week])))
        allotted[week] = take
        left -= take
    if left:
        so_far = {w: load.get(w, 0) + allotted[w] for w in weeks}
        for week, extra in level_fill(left, weeks, so_far, cap, grain=1).items():
            allotted[week] += extra
    return within_room(allotted, weeks, load, cap, room)


def _sessions(
    pieces: Sequence[_Owed],
    weeks: Sequence[date],
    allotted: Mapping[date, int],
    evenings: Mapping[date, datetime],
    kept: Sequence[Session],
    plan: Plan,
    preferences: Preferences,
) -> list[Session]:
    """Deal the pieces, oldest first, into each week's allotment, then into timed sessions."""
    occurrences: dict[tuple[str, str], int] = defaultdict(int)
    for session in plan.sessions:
        key = (session.term, session.component)
        occurrences[key] = max(occurrences[key], session.occurrence)
    remaining = [piece.units for piece in pieces]
    identity_used: set[int] = set()
    days_of: dict[date, list[date]] = defaultdict(list)
    for day in evenings:
        days_of[monday_of(day)].append(day)
    all_day = {d for s in kept if s.all_day for d in _span(s.day, s.end_date)}
    cursor = dict(evenings)
    made: list[Session] = []
    for monday in weeks:
        budget = allotted[monday]
        shares: list[tuple[int, int]] = []
        # Whole pieces first, oldest first, so a session is split only when nothing else fits.
        for position, units in enumerate(remaining):
            if 0 < units <= budget:
                shares.append((position, units))
                remaining[position] = 0
                budget -= units
        while budget > 0:
            position = next(i for i, units in enumerate(remaining) if units > 0)
            take = min(budget, remaining[position])
            remaining[position] -= take
            budget -= take
            shares.append((position, take))
        shares.sort()
        placed = _place(shares, days_of[monday], all_day, cursor, preferences)
        for position, start, units in placed:
            piece = pieces[position]
            source = piece.source
            if piece.keeps_identity and position not in identity_used:
                identity_used.add(position)
                occurrence = source.occurrence
            else:
                key = (source.term, source.component)
                occurrences[key] += 1
                occurrence = occurrences[key]
            made.append(
                replace(
                    source,
                    day=start.date(),
                    start=start.time(),
                    end_date=start.date(),
                    end=_after(start.time(), units),
                    all_day=False,
                    hours=to_hours(units),
                    fixed=False,
                    occurrence=occurrence,
                    location=None,  # catch-up is done wherever the participant studies
                )
            )
    return made


def _place(
    shares: Sequence[tuple[int, int]],
    week_days: Sequence[date],
    all_day: set[date],
    cursor: dict[date, datetime],
    preferences: Preferences,
) -> list[tuple[int, datetime, int]]:
    """(piece, start, units) for each session-sized chunk, round the week's study days.

    Preferred study days first (days of all-day events only when nothing else is left); other
    days, and then quarter hours, only when an evening is full.
    """
    chunk = max(1, to_units(preferences.session_hours))
    chunks = [
        (position, size)
        for position, units in shares
        for size in split_units(units, math.ceil(units / chunk))
    ]
    usable = [d for d in week_days if d not in all_day] or list(week_days)
    preferred = [d for d in usable if d.weekday() in preferences.study_days]
    others = [d for d in usable if d.weekday() not in preferences.study_days]
    chosen = preferred or others[:1]
    spare = [d for d in usable if d not in chosen] + [d for d in week_days if d not in usable]
    placed: list[tuple[int, datetime, int]] = []
    for index, (position, size) in enumerate(chunks):
        turn = index % len(chosen)
        order = chosen[turn:] + chosen[:turn] + spare
        pieces = [size]
        found = next((d for d in order if _free_units(cursor[d]) >= size), None)
        if found is None:
            pieces = [1] * size
        for piece in pieces:
            day = found or next(d for d in order if _free_units(cursor[d]) >= piece)
            placed.append((position, cursor[day], piece))
            cursor[day] += timedelta(minutes=MINUTES_PER_UNIT * piece)
    return placed


def _after(start: time, units: int) -> time:
    return (datetime.combine(date.min, start) + timedelta(minutes=MINUTES_PER_UNIT * units)).time()


def _span(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def _regroup(weeks: Sequence[Week], sessions: Sequence[Session]) -> tuple[Week, ...]:
    by_week: dict[date, list[Session]] = defaultdict(list)
    for session in sessions:
        by_week[monday_of(session.day)].append(session)
    known = {week.week_start for week in weeks}
    stray = sorted(set(by_week) - known)
    if stray:
        raise ScheduleError(f"re-planned sessions fall outside the plan (week of {stray[0]})")
    return tuple(
        replace(week, sessions=tuple(sorted(by_week.get(week.week_start, ()), key=_chronological)))
        for week in weeks
    )


@dataclass(frozen=True)
class Change:
    """One session a re-plan touched: moved, shortened where it was, or new (catch-up)."""

    before: Session | None
    after: Session | None

    @property
    def component(self) -> str:
        session = self.after or self.before
        assert session is not None
        return session.component


def moved_hours(old: Plan, new: Plan, today: date) -> float:
    """Hours that left the past: what the re-plan asks to be caught up."""
    return sum(s.hours for s in old.sessions if s.day < today) - sum(
        s.hours for s in new.sessions if s.day < today
    )


def changes(old: Plan, new: Plan) -> list[Change]:
    """What differs between two plans, session by session, matched by identity."""
    before = {s.identity: s for s in old.sessions}
    after = {s.identity: s for s in new.sessions}
    found = [
        Change(before.get(identity), after.get(identity))
        for identity in before.keys() | after.keys()
        if before.get(identity) != after.get(identity)
    ]
    return sorted(found, key=lambda c: (_order_key(c), c.component))


def _order_key(change: Change) -> tuple[date, time, str, str, int]:
    session = change.before or change.after
    assert session is not None
    return _chronological(session)
