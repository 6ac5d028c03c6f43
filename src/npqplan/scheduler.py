"""build_plan(programme, calendar, start=..., preferences=...) -> Plan. Pure and deterministic.

The rules, in the order they are applied:

1. The plan starts on the first school day on or after `start` and the taught programme runs
   for the programme's `duration_months`; the final assessment window follows.
2. Programme term N is the Nth school term from the start. A school term with fewer than four
   teaching weeks inside the plan (at its start or its end) joins its neighbour. A programme
   with more terms than that shares the teaching weeks equally among its terms. A programme
   without terms is spread over every school term; `across_terms` components over every term.
3. Events (induction, residentials, face-to-face days, coaching, peer groups, webinars...) go
   first: fixed dates where the programme or cohort gives them, otherwise an induction in the
   term's first teaching week and everything else evenly spaced through the term; live
   sessions on the preferred event day after school (09:00 when longer than 2.5 h), all-day
   events on the latest run of school days in the week. Never at weekends, in holidays, on
   bank holidays or blocked dates, unless fixed.
4. Self-directed hours fill the term's teaching weeks in quarter hours, lowest-loaded week
   first, up to the weekly cap, so weekly load is as level as the events allow. Hours that do
   not fit under the cap are still planned, and the plan says so.
5. Each week's self-study becomes sessions of at most `session_hours` on the preferred study
   days after school.
"""

from __future__ import annotations

import heapq
import math
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from dateutil.relativedelta import relativedelta

from npqplan.calendar import SchoolCalendar
from npqplan.checks import check_plan
from npqplan.errors import ScheduleError
from npqplan.plan import (
    ACROSS_ALL_TERMS,
    AFTER_TAUGHT,
    AWAITING_RESULTS,
    FINAL_ASSESSMENT,
    LATEST_END,
    BusyTime,
    Plan,
    Preferences,
    Session,
    Week,
    monday_of,
)
from npqplan.schema import (
    Cadence,
    Component,
    ComponentKind,
    Delivery,
    Order,
    Programme,
    Term,
    TermLayout,
)

SHORTEST_TERM_WEEKS = 4
SHORTEST_HALF_TERM_WEEKS = 3
MORNING = time(9, 0)
SCHOOL_DAY_END = time(17, 0)
LONG_LIVE_SESSION_HOURS = 2.5
_FRONT_LOADED = {ComponentKind.AUDIT, ComponentKind.BRIEFING, ComponentKind.INDUCTION}
_SEARCH_WEEKS_FOR_ASSESSMENT = 52


@dataclass(frozen=True)
class FixedDates:
    """Dates a cohort file gives one component, overriding the programme and the defaults."""

    dates: tuple[date, ...]
    time: time | None = None


@dataclass
class _Segment:
    """A stretch of school term that one programme term occupies."""

    label: str
    start: date
    end: date
    weeks: list[date]
    study_weeks: list[date] = field(default_factory=list)


@dataclass
class _Event:
    day: date
    end_date: date
    start: time | None
    end: time | None


def step_minutes(programme: Programme) -> int:
    """15 when every figure of the programme is in quarter hours, else 5."""
    figures = [
        figure
        for c in programme.all_components()
        for figure in (c.total_minutes, c.session_minutes)
        if figure is not None
    ]
    if programme.assessment is not None:
        figures.append(round(programme.assessment.hours * 60))
    return 15 if all(figure % 15 == 0 for figure in figures) else 5


def cadence_periods(
    cadence: Cadence, weeks: Sequence[date], terms: Sequence[Sequence[date]]
) -> list[list[date]]:
    """The stretches of `weeks` that each hold one session of `cadence`: every week, every
    other week, each half-term (a run of weeks unbroken by a holiday), each of `terms`, or each
    calendar month."""
    if not weeks:
        return []
    if cadence is Cadence.WEEKLY:
        return [[week] for week in weeks]
    if cadence is Cadence.FORTNIGHTLY:
        return [list(weeks[i : i + 2]) for i in range(0, len(weeks), 2)]
    if cadence is Cadence.TERMLY:
        wanted = set(weeks)
        return [p for p in ([w for w in term if w in wanted] for term in terms) if p]
    if cadence is Cadence.MONTHLY:
        months: dict[tuple[int, int], list[date]] = {}
        for week in weeks:
            months.setdefault((week.year, week.month), []).append(week)
        return list(months.values())
    return half_terms(weeks)


def half_terms(weeks: Sequence[date]) -> list[list[date]]:
    """`weeks` in runs unbroken by a holiday; a run of under SHORTEST_HALF_TERM_WEEKS weeks
    (a day or two of term at the plan's start or end) joins the run beside it."""
    runs = _runs(weeks)
    if len(runs) > 1 and len(runs[0]) < SHORTEST_HALF_TERM_WEEKS:
        runs[1] = runs[0] + runs[1]
        runs.pop(0)
    if len(runs) > 1 and len(runs[-1]) < SHORTEST_HALF_TERM_WEEKS:
        runs[-2] = runs[-2] + runs[-1]
        runs.pop()
    return runs


def _runs(weeks: Sequence[date]) -> list[list[date]]:
    """`weeks` in runs of consecutive weeks: a holiday starts a new run."""
    runs: list[list[date]] = []
    for week in weeks:
        if runs and week - runs[-1][-1] == timedelta(days=7):
            runs[-1].append(week)
        else:
            runs.append([week])
    return runs


def _busy_order(busy: BusyTime) -> tuple[date, time, time]:
    """All-day stretches first in their day; the order is only for a stable plan."""
    return (busy.day, busy.start or time.min, busy.end or time.min)


def _trimmed(weeks: Sequence[date]) -> list[date]:
    """`weeks` without a stub run of under SHORTEST_HALF_TERM_WEEKS at the end."""
    runs = _runs(weeks)
    while len(runs) > 1 and len(runs[-1]) < SHORTEST_HALF_TERM_WEEKS:
        runs.pop()
    return [week for run in runs for week in run]


def _weekday_from(day: date) -> date:
    """`day`, or the Monday after it when it falls at a weekend."""
    return day + timedelta(days=(7 - day.weekday()) % 7) if day.weekday() >= 5 else day


def _position_index(position: str, length: int) -> int:
    return {"start": 0, "middle": (length - 1) // 2, "end": length - 1}[position]


def split_units(total: int, parts: int) -> list[int]:
    """`total` split into `parts` whole numbers that differ by at most one, larger first."""
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def spread_indices(count: int, length: int) -> list[int]:
    """`count` positions spread evenly over `length` slots (centred, never repeated)."""
    return [math.floor((k + 0.5) * length / count) for k in range(count)]


def first_school_day(calendar: SchoolCalendar, start: date, limit_days: int = 120) -> date:
    for offset in range(limit_days):
        day = start + timedelta(days=offset)
        if calendar.is_school_day(day):
            return day
    raise ScheduleError(f"no school day in the {limit_days} days from {start.isoformat()}")


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
    builder = _Builder(programme, calendar, start, chosen, fixed_dates or {})
    plan = builder.build(assessment_start)
    expected = programme.total_hours + builder.cadence_minutes / 60
    check_plan(plan, hours=expected, calendar=calendar, preferences=chosen)
    return plan


class _Builder:
    def __init__(
        self,
        programme: Programme,
        calendar: SchoolCalendar,
        start: date,
        preferences: Preferences,
        fixed_dates: Mapping[tuple[str, str], FixedDates],
    ) -> None:
        self.programme = programme
        self.calendar = calendar
        self.prefs = preferences
        self.first_day = first_school_day(calendar, start)
        self.taught_end = (
            self.first_day + relativedelta(months=programme.duration_months) - timedelta(days=1)
        )
        self.fixed_dates = dict(fixed_dates)
        self.step = step_minutes(programme)
        target = programme.weekly_target
        self.cap_units = self.steps_of_hours(
            preferences.weekly_cap if preferences.weekly_cap is not None else target.max_hours
        )
        self.sessions: list[Session] = []
        self.events: dict[date, list[_Event]] = defaultdict(list)
        # Weeks that hold an event, kept as events are placed rather than found again each time.
        self.event_weeks: set[date] = set()
        self.load: dict[date, int] = defaultdict(int)
        self.warnings: list[str] = []
        self.plan_weeks: list[date] = []
        # Asked about thousands of times a plan, and fixed for one: answered once each.
        self._event_days: dict[date, bool] = {}
        self._study_days_known: dict[date, bool] = {}
        self._weekdays: dict[date, list[date]] = {}
        self.busy: dict[date, list[BusyTime]] = defaultdict(list)
        for busy in sorted(preferences.busy, key=_busy_order):
            self.busy[busy.day].append(busy)
        # What the calendar decided: minutes and sessions made for each cadenced component.
        self.cadence_minutes = 0
        self.cadence_counts: dict[tuple[str, str], int] = {}
        self.assessment_days: tuple[date, date] | None = None
        # Self-directed steps of an ordered cycle, each with the weeks that are its own.
        self.stretches: list[tuple[_Segment, list[tuple[Component, str, int]]]] = []

    # -- units ----------------------------------------------------------------------------
    # Every sum is made in steps of `step` minutes: quarter hours for a programme given in
    # quarter hours, so its plan is as it always was, and 5 minutes for one given in minutes.

    def steps_of_hours(self, hours: float) -> int:
        return round(hours * 60 / self.step)

    def hours_of(self, steps: int) -> float:
        return steps * self.step / 60

    def steps_of(self, component: Component) -> int:
        total = component.total_minutes
        assert total is not None, "cadenced components are counted by the calendar"
        return total // self.step

    @property
    def half_hour(self) -> int:
        return 30 // self.step

    # -- days -----------------------------------------------------------------------------

    def in_plan(self, day: date) -> bool:
        return self.first_day <= day <= self.taught_end

    def event_day_ok(self, day: date) -> bool:
        known = self._event_days.get(day)
        if known is None:
            known = (
                self.in_plan(day)
                and self.calendar.is_school_day(day)
                and day not in self.prefs.blocked
            )
            self._event_days[day] = known
        return known

    def study_day_ok(self, day: date) -> bool:
        if self.event_day_ok(day):
            return True
        return (
            self.prefs.holiday_study
            and self.in_plan(day)
            and day.weekday() < 5
            and day not in self.calendar.bank_holidays
            and day not in self.prefs.blocked
        )

    def is_study_day(self, day: date) -> bool:
        """One of the participant's study days, free for study."""
        known = self._study_days_known.get(day)
        if known is None:
            known = day.weekday() in self.prefs.study_days and self.study_day_ok(day)
            self._study_days_known[day] = known
        return known

    def weekdays(self, monday: date) -> list[date]:
        days = self._weekdays.get(monday)
        if days is None:
            days = [monday + timedelta(days=offset) for offset in range(5)]
            self._weekdays[monday] = days
        return days

    # -- terms ----------------------------------------------------------------------------

    def segments(self, wanted: int, *, spread: bool = False) -> list[_Segment]:
        """School terms clipped to the plan; stubs of a term at either end join their neighbour.

        When the programme has more terms than that, or asks for its terms to be spread, its
        terms share the weeks equally.
        """
        found: list[_Segment] = []
        for term in self.calendar.terms:
            if term.end < self.first_day or term.start > self.taught_end:
                continue
            first, last = max(term.start, self.first_day), min(term.end, self.taught_end)
            weeks = self._weeks_between(first, last, self.event_day_ok)
            if weeks:
                found.append(_Segment(term.name, first, last, weeks))
        if len(found) > 1 and len(found[0].weeks) < SHORTEST_TERM_WEEKS:
            head, following = found.pop(0), found[0]
            found[0] = _Segment(
                following.label, head.start, following.end, head.weeks + following.weeks
            )
        if len(found) > 1 and len(found[-1].weeks) < SHORTEST_TERM_WEEKS:
            tail, before = found.pop(), found[-1]
            found[-1] = _Segment(before.label, before.start, tail.end, before.weeks + tail.weeks)
        if wanted > len(found) or (spread and wanted):
            found = self._equal_parts(found, wanted)
        for index, segment in enumerate(found):
            following_start = found[index + 1].start if index + 1 < len(found) else None
            until = following_start - timedelta(days=1) if following_start else self.taught_end
            segment.study_weeks = self._weeks_between(segment.start, until, self.is_study_day)
        return found

    def _equal_parts(self, segments: Sequence[_Segment], parts: int) -> list[_Segment]:
        weeks = [week for segment in segments for week in segment.weeks]
        if len(weeks) < parts:
            raise ScheduleError(
                f"{self.programme.id} has {parts} terms but only {len(weeks)} school weeks fall "
                f"between {self.first_day.isoformat()} and {self.taught_end.isoformat()}"
            )
        sizes = split_units(len(weeks), parts)
        found: list[_Segment] = []
        offset = 0
        for size in sizes:
            chunk = weeks[offset : offset + size]
            offset += size
            first = max(chunk[0], self.first_day)
            last = min(chunk[-1] + timedelta(days=6), self.taught_end)
            found.append(_Segment("", first, last, chunk))
        return found

    def _weeks_between(self, first: date, last: date, usable: Callable[[date], bool]) -> list[date]:
        weeks = []
        monday = monday_of(first)
        while monday <= last:
            if any(first <= d <= last and usable(d) for d in self.weekdays(monday)):
                weeks.append(monday)
            monday += timedelta(days=7)
        return weeks

    # -- the whole plan -------------------------------------------------------------------

    def plan_terms(self) -> list[tuple[str, Term]]:
        """(label, term) for each term of the plan: a repeated cycle gives one per repeat."""
        return [(name, term) for term in self.programme.terms for name in term.cycle_names()]

    def build(self, assessment_start: date | None) -> Plan:
        terms = self.plan_terms()
        spread = self.programme.term_layout is TermLayout.SPREAD
        segments = self.segments(len(terms), spread=spread)
        labelled = [
            replace(segment, label=terms[index][0]) if index < len(terms) else segment
            for index, segment in enumerate(segments)
        ]
        self.plan_weeks = [week for segment in labelled for week in segment.weeks]
        self._check_fixed_dates_known(terms)
        for (label, term), segment in zip(terms, labelled, strict=False):
            self.place_term_events(label, term, segment)
        across = _Segment(ACROSS_ALL_TERMS, self.first_day, self.taught_end, self.plan_weeks)
        across_events = [
            c
            for c in self.programme.across_terms
            if not c.is_flexible or self._fixed_for(ACROSS_ALL_TERMS, c)
        ]
        self.place_spaced(across_events, ACROSS_ALL_TERMS, across, labelled)
        self.place_flexible(labelled, terms)
        self.place_assessment(assessment_start)
        return self.assemble(labelled)

    def place_term_events(self, label: str, term: Term, segment: _Segment) -> None:
        events = [c for c in term.components if not c.is_flexible or self._fixed_for(label, c)]
        if term.order is Order.SPACED:
            self.place_spaced(events, label, segment, [segment])
            return
        if not segment.weeks:
            raise ScheduleError(f"{label} has no school weeks to place its components in")
        # In order: each component in its own stretch of the term's weeks (`sequence`), or all
        # in the middle week (`same-week`), as the provider lists them. Self-directed work
        # fills its own stretch, in sittings, around the events.
        ordered = list(term.components)
        weeks = segment.weeks
        if term.order is Order.SEQUENCE:
            if len(ordered) > len(weeks):
                raise ScheduleError(
                    f"{label} has {len(ordered)} components in sequence but only "
                    f"{len(weeks)} school weeks"
                )
            sizes = split_units(len(weeks), len(ordered))
            stretches = [weeks[sum(sizes[:i]) : sum(sizes[: i + 1])] for i in range(len(sizes))]
        else:
            middle = weeks[len(weeks) // 2]
            stretches = [[middle]] * len(ordered)
        for component, stretch in zip(ordered, stretches, strict=True):
            if component.is_flexible and not self._fixed_for(label, component):
                first, last = stretch[0], stretch[-1] + timedelta(days=6)
                study = self._weeks_between(first, last, self.is_study_day)
                part = _Segment(label, first, last, list(stretch), study)
                self.stretches.append((part, [(component, label, self.steps_of(component))]))
            elif term.order is Order.SEQUENCE:
                self.place_events(component, label, stretch)
            else:
                self.place_events(component, label, stretch, [0], after=self._last_day)

    # -- events ---------------------------------------------------------------------------

    def place_spaced(
        self,
        components: Sequence[Component],
        label: str,
        segment: _Segment,
        segments: Sequence[_Segment],
    ) -> None:
        """Events of one term (or of the whole programme) through their weeks: cadences by the
        calendar, placements where the provider says, and single events spread apart."""
        weeks = segment.weeks
        singles = [
            c
            for c in components
            if c.cadence is None
            and c.placement is None
            and c.kind is not ComponentKind.INDUCTION
            and not self._fixed_for(label, c)
            and c.session_count == 1
        ]
        single_targets = dict(
            zip(
                (c.name for c in singles),
                spread_indices(len(singles), len(weeks)) if weeks else [],
                strict=False,
            )
        )
        for component in components:
            if component.cadence is not None:
                self.place_cadence(component, label, segment, segments)
            elif component.name in single_targets:
                self.place_events(component, label, weeks, [single_targets[component.name]])
            elif component.placement is not None:
                self.place_events(component, label, weeks, [self._placed(component, label, weeks)])
            else:
                self.place_events(component, label, weeks)

    def place_cadence(
        self,
        component: Component,
        label: str,
        segment: _Segment,
        segments: Sequence[_Segment],
    ) -> None:
        """One session in every period the cadence names, each kept inside its period."""
        assert component.cadence is not None
        assert component.session_minutes is not None
        if component.delivery is Delivery.SELF_DIRECTED:
            study = set(self._weeks_between(segment.start, segment.end, self.is_study_day))
            weeks = [w for w in segment.weeks if w in study]
        else:
            weeks = list(segment.weeks)
        periods = cadence_periods(component.cadence, weeks, [s.weeks for s in segments])
        units = component.session_minutes // self.step
        for period in periods:
            try:
                self._add_default(component, label, period, len(period) // 2, units)
            except ScheduleError:
                # Blocked days or other events fill the period: the nearest week outside it.
                self.warnings.append(
                    f"{component.name} ({component.cadence.value}) has no free day from "
                    f"{period[0].isoformat()} to {(period[-1] + timedelta(days=4)).isoformat()}; "
                    "placed in the nearest week with one"
                )
                middle = weeks.index(period[len(period) // 2])
                self._add_default(component, label, weeks, middle, units)
        self.cadence_minutes += len(periods) * component.session_minutes
        key = (component.name, component.cadence.value)
        self.cadence_counts[key] = self.cadence_counts.get(key, 0) + len(periods)

    def _placed(self, component: Component, label: str, weeks: Sequence[date]) -> int:
        """The index in `weeks` of the week a component's `placement` names."""
        assert component.placement is not None
        words = component.placement.split()
        if words[0] == "week":
            number = int(words[1])
            if number > len(weeks):
                raise ScheduleError(
                    f"{component.name!r} is placed in week {number} of {label}, which has "
                    f"{len(weeks)} school weeks in this plan"
                )
            return number - 1
        position, scope = words[0], words[-1]
        # Measured without a stub of term at the end: the plan's last day may be the first
        # day of a term after the summer.
        span = _trimmed(self.plan_weeks if scope == "programme" else weeks)
        wanted = span[_position_index(position, len(span))]
        return min(range(len(weeks)), key=lambda i: (abs((weeks[i] - wanted).days), i))

    # -- events ---------------------------------------------------------------------------

    def _fixed_for(self, term: str, component: Component) -> FixedDates | None:
        override = self.fixed_dates.get((term, component.name))
        if override is not None:
            return override
        if component.dates:
            return FixedDates(tuple(component.dates), component.time)
        return None

    def _check_fixed_dates_known(self, terms: Sequence[tuple[str, Term]]) -> None:
        known = {(label, c.name) for label, t in terms for c in t.components}
        known |= {(ACROSS_ALL_TERMS, c.name) for c in self.programme.across_terms}
        for term, name in sorted(self.fixed_dates):
            if (term, name) not in known:
                raise ScheduleError(
                    f"cohort dates name {name!r} in {term!r}, which {self.programme.id} does not "
                    f"have; run 'npqplan show {self.programme.id}' for its terms and components"
                )

    def place_events(
        self,
        component: Component,
        term: str,
        weeks: Sequence[date],
        targets: Sequence[int] | None = None,
        *,
        after: Callable[[], date | None] | None = None,
    ) -> None:
        fixed = self._fixed_for(term, component)
        count = len(fixed.dates) if fixed else component.session_count
        shares = split_units(self.steps_of(component), count)
        if fixed:
            self._check_fixed(component, term, fixed.dates, weeks)
            for day, units in zip(fixed.dates, shares, strict=True):
                self._add_fixed(component, term, day, units, fixed.time)
            return
        if not weeks:
            raise ScheduleError(f"{term} has no school weeks to place {component.name!r} in")
        if targets is not None:
            # All the sessions of a component placed in one week go into that week.
            targets = [targets[0]] * count if len(targets) == 1 else list(targets)
        elif component.kind is ComponentKind.INDUCTION:
            targets = [0] + [1 + i for i in spread_indices(count - 1, max(len(weeks) - 1, 1))]
        else:
            targets = spread_indices(count, len(weeks))
        for target, units in zip(targets, shares, strict=True):
            not_before = after() if after else None
            self._add_default(
                component, term, weeks, min(target, len(weeks) - 1), units, not_before
            )

    def _last_day(self) -> date | None:
        return self.sessions[-1].day if self.sessions else None

    def _check_fixed(
        self, component: Component, term: str, dates: Sequence[date], weeks: Sequence[date]
    ) -> None:
        """Dates the provider fixed: outside the plan or not one per session is an error; at a
        weekend, in a holiday or outside the component's term they stand, with a warning."""
        where = f"{component.name!r} in {term!r}"
        if len(dates) != component.session_count:
            raise ScheduleError(
                f"{len(dates)} date(s) are fixed for {where}, which has "
                f"{component.session_count} session(s); give one date per session"
            )
        if len(dates) > self.steps_of(component):
            raise ScheduleError(
                f"{len(dates)} dates are fixed for {where}, more than its "
                f"{component.total_hours:g} h hold in {self.step}-minute steps"
            )
        for day in dates:
            if not self.first_day <= day <= self.taught_end:
                raise ScheduleError(
                    f"{where} is fixed on {day.isoformat()}, outside the plan "
                    f"({self.first_day.isoformat()} to {self.taught_end.isoformat()}); check "
                    "the date and the start month"
                )
            why = self._not_a_school_day(day)
            if why is None and term != ACROSS_ALL_TERMS and monday_of(day) not in weeks:
                why = f"outside {term}"
            if why is not None:
                self.warnings.append(
                    f"{component.name} is fixed on {day:%a} {day.day} {day:%b %Y}, {why}; "
                    "kept as the provider set it"
                )

    def _not_a_school_day(self, day: date) -> str | None:
        if day.weekday() >= 5:
            return "at a weekend"
        if day in self.calendar.bank_holidays:
            return f"on a bank holiday ({self.calendar.bank_holidays[day]})"
        if not self.calendar.is_school_day(day):
            return f"in the {self.calendar.holiday_name(day) or 'school holiday'}"
        if day in self.prefs.blocked:
            return "on a day you blocked"
        return None

    def _add_fixed(
        self, component: Component, term: str, day: date, units: int, at: time | None
    ) -> None:
        if component.days:
            last = day + timedelta(days=component.days - 1)
            if monday_of(last) != monday_of(day):
                raise ScheduleError(
                    f"{component.name} on {day.isoformat()} runs for {component.days} days "
                    "and would cross a weekend; fixed multi-day events must stay in one week"
                )
            self._record(component, term, _Event(day, last, None, None), units, fixed=True)
            self._warn_clash(component, day, MORNING, SCHOOL_DAY_END)
            return
        begin = at or self._default_time(component, units)
        if begin.hour * 60 + begin.minute + units * self.step >= 24 * 60:
            raise ScheduleError(
                f"{component.name} on {day.isoformat()} from {begin:%H:%M} for "
                f"{self.hours_of(units):g} h would end after midnight; give an earlier time"
            )
        event = self._timed(day, begin, units)
        self._record(component, term, event, units, fixed=True)
        assert event.end is not None
        self._warn_clash(component, day, begin, event.end)

    def _warn_clash(self, component: Component, day: date, start: time, end: time) -> None:
        """A fixed date stays where the provider set it; a clash with the person's own
        calendar is theirs to sort out, so the plan says so."""
        if self._busy_during(day, start, end):
            self.warnings.append(
                f"{component.name} on {day:%a} {day.day} {day:%b %Y} (fixed) clashes with "
                "something in your own calendar"
            )

    def _add_default(
        self,
        component: Component,
        term: str,
        weeks: Sequence[date],
        target: int,
        units: int,
        not_before: date | None = None,
        *,
        only_target: bool = False,
    ) -> None:
        # Events keep a week between them where the weeks allow: the nearest week to the
        # target with no event in it or beside it, else the nearest with none in it.
        busy = self.event_weeks
        week = timedelta(days=7)

        def crowding(index: int) -> int:
            monday = weeks[index]
            if monday in busy:
                return 2
            return 1 if monday - week in busy or monday + week in busy else 0

        indices = [target] if only_target else range(len(weeks))
        order = sorted(indices, key=lambda i: (crowding(i), abs(i - target), i))
        for index in order:
            event = self._fit_in_week(component, weeks[index], units, not_before)
            if event is not None:
                self._record(component, term, event, units, fixed=False)
                return
        where = f"the week of {weeks[target]:%-d %b %Y}" if only_target else term
        searched = [weeks[target]] if only_target else weeks
        raise ScheduleError(
            f"no free school days left in {where} for {component.name!r}; "
            f"{self._why_full(searched)}, or give the dates in a cohort file"
        )

    def _why_full(self, weeks: Sequence[date]) -> str:
        """What filled these weeks, as the person can change it: only causes that are there."""
        days = [day for monday in weeks for day in self.weekdays(monday)]
        causes = []
        if any(day in self.prefs.blocked for day in days):
            causes.append("unblock some of the dates you blocked")
        if any(self.busy.get(day) for day in days):
            causes.append("free some of the times your own calendar holds")
        if not causes:
            causes.append("its other events (and any weekly or fortnightly ones) fill every day")
        return "; ".join(causes)

    def _fit_in_week(
        self, component: Component, monday: date, units: int, not_before: date | None = None
    ) -> _Event | None:
        days = [
            d
            for d in self.weekdays(monday)
            if self.event_day_ok(d) and (not_before is None or d >= not_before)
        ]
        if component.days:
            length = component.days
            days = [d for d in days if not self._busy_during(d, MORNING, SCHOOL_DAY_END)]
            for end in range(len(days) - 1, length - 2, -1):
                run = days[end - length + 1 : end + 1]
                consecutive = (run[-1] - run[0]).days == length - 1
                if consecutive and not any(self.events.get(d) for d in run):
                    return _Event(run[0], run[-1], None, None)
            return None
        if component.delivery is Delivery.SELF_DIRECTED:
            return self._study_evening(monday, units, not_before)
        begin = self._default_time(component, units)
        finish = self._timed(days[0], begin, units).end if days else None
        free = [
            d
            for d in days
            if not self.events.get(d) and not (finish and self._busy_during(d, begin, finish))
        ]
        if not free:
            return None
        preferred = self.prefs.event_day
        day = min(free, key=lambda d: (abs(d.weekday() - preferred), d.weekday()))
        return self._timed(day, begin, units)

    def _study_evening(self, monday: date, units: int, not_before: date | None) -> _Event | None:
        """A sitting of self-directed work on the first study day of the week with room."""
        for day in self._study_days(monday):
            if not_before is not None and day < not_before:
                continue
            if self._room(day) >= units:
                return self._timed(day, self._evening(day), units)
        return None

    def _default_time(self, component: Component, units: int) -> time:
        if component.time is not None:
            return component.time
        if self.hours_of(units) > LONG_LIVE_SESSION_HOURS:
            return MORNING
        return self.prefs.event_time

    def _timed(self, day: date, begin: time, units: int) -> _Event:
        finish = datetime.combine(day, begin) + timedelta(minutes=self.step * units)
        return _Event(day, day, begin, finish.time())

    def _record(
        self, component: Component, term: str, event: _Event, units: int, *, fixed: bool
    ) -> None:
        for offset in range((event.end_date - event.day).days + 1):
            day = event.day + timedelta(days=offset)
            self.events[day].append(event)
            if component.cadence is None or component.is_live:
                # A weekly module is in every week: only events with others are kept apart.
                self.event_weeks.add(monday_of(day))
        self.load[monday_of(event.day)] += units
        self.sessions.append(self._session(component, term, event, units, fixed=fixed))

    def _session(
        self, component: Component, term: str, event: _Event, units: int, *, fixed: bool
    ) -> Session:
        return Session(
            day=event.day,
            start=event.start,
            component=component.name,
            term=term,
            occurrence=0,
            kind=component.kind,
            delivery=component.delivery,
            end_date=event.end_date,
            end=event.end,
            all_day=event.start is None,
            hours=self.hours_of(units),
            fixed=fixed,
            provenance=_provenance(component),
            location=component.location,
            if_missed=component.if_missed,
            counts_for_engagement=component.counts_towards_engagement,
        )

    # -- self-directed study ------------------------------------------------------------------

    def place_flexible(
        self, segments: Sequence[_Segment], terms: Sequence[tuple[str, Term]]
    ) -> None:
        across = [c for c in self.programme.across_terms if c.is_flexible]
        across = [c for c in across if not self._fixed_for(ACROSS_ALL_TERMS, c)]
        weights = [len(s.study_weeks) for s in segments]
        across_shares = {c.name: _proportional(self.steps_of(c), weights) for c in across}
        for index, segment in enumerate(segments):
            pool: list[tuple[Component, str, int]] = []
            if index < len(terms):
                label, term = terms[index]
                if term.order is Order.SPACED:
                    pool += [
                        (c, label, self.steps_of(c))
                        for c in term.components
                        if c.is_flexible and not self._fixed_for(label, c)
                    ]
            pool += [(c, ACROSS_ALL_TERMS, across_shares[c.name][index]) for c in across]
            pool = [item for item in pool if item[2] > 0]
            if pool:
                self._fill_segment(segment, pool)
        for stretch, pool in self.stretches:
            self._fill_segment(stretch, pool)

    def _fill_segment(self, segment: _Segment, pool: list[tuple[Component, str, int]]) -> None:
        weeks = segment.study_weeks or segment.weeks
        total = sum(units for _, _, units in pool)
        room = {monday: sum(map(self._room, self._study_days(monday))) for monday in weeks}
        if sum(room.values()) < total:
            raise ScheduleError(
                f"{segment.label}: {self.hours_of(total):g} h of self-study do not fit into the "
                f"evenings from {self.prefs.study_time:%H:%M} to {LATEST_END:%H:%M} of your "
                "study days; choose more study days or an earlier study time"
            )
        allotted = within_room(
            level_fill(total, weeks, self.load, self.cap_units, grain=self.half_hour),
            weeks,
            self.load,
            self.cap_units,
            room,
        )
        over = [w for w in weeks if self.load[w] + allotted[w] > self.cap_units and allotted[w]]
        if over:
            self.warnings.append(
                f"{segment.label}: self-study does not fit under the "
                f"{self.hours_of(self.cap_units):g} h weekly cap; {len(over)} week(s) go over it "
                f"(from {over[0].isoformat()})"
            )
        per_week = _deal(pool, weeks, allotted, self.half_hour)
        for monday in weeks:
            self._sessions_in_week(monday, per_week[monday])
            self.load[monday] += allotted[monday]

    def _study_days(self, monday: date) -> list[date]:
        """The participant's study days in a week that are free for study; those without an
        all-day event, unless every one has one."""
        chosen = [
            d for d in self.weekdays(monday) if self.is_study_day(d) and not self._busy_all_day(d)
        ]
        clear = [d for d in chosen if not any(e.start is None for e in self.events.get(d, []))]
        return clear or chosen

    def _evening(self, day: date) -> time:
        """When a day is free for study: the study time, or after the day's last session and
        after anything in the person's own calendar that evening."""
        ends = [e.end for e in self.events.get(day, []) if e.end is not None]
        study = self.prefs.study_time
        busy = [b.end for b in self.busy.get(day, ()) if b.end is not None and b.end > study]
        return max([study, *ends, *busy])

    def _busy_all_day(self, day: date) -> bool:
        return any(b.start is None for b in self.busy.get(day, ()))

    def _busy_during(self, day: date, start: time, end: time) -> bool:
        return any(b.overlaps(start, end) for b in self.busy.get(day, ()))

    def _room(self, day: date) -> int:
        """Units of study a day holds between its evening and LATEST_END."""
        return units_between(self._evening(day), LATEST_END, self.step)

    def _sessions_in_week(self, monday: date, shares: list[tuple[Component, str, int]]) -> None:
        chunk = max(1, self.steps_of_hours(self.prefs.session_hours))
        pieces = [
            (component, term, size)
            for component, term, units in shares
            for size in _chunks(units, chunk)
        ]
        if not pieces:
            return
        days = self._study_days(monday)
        cursor = {day: self._evening(day) for day in days}
        placed: dict[tuple[date, str, str], _Event] = {}
        order: list[tuple[date, str, str]] = []
        components: dict[tuple[date, str, str], Component] = {}
        waiting = list(pieces)
        position = -1
        while waiting:
            component, term, size = waiting.pop(0)
            position += 1
            turn = position % len(days)
            # The next study day in turn; another study day, or part of the piece, only when
            # the evening would run past LATEST_END (the week's allotment fits its evenings).
            candidates = [*days[turn:], *days[:turn]]
            day = next(
                (d for d in candidates if units_between(cursor[d], LATEST_END, self.step) >= size),
                None,
            )
            if day is None:
                day = max(candidates, key=lambda d: units_between(cursor[d], LATEST_END, self.step))
                fits = units_between(cursor[day], LATEST_END, self.step)
                waiting.insert(0, (component, term, size - fits))
                size = fits
            key = (day, term, component.name)
            previous = placed.get(key)
            if previous is not None and previous.end == cursor[day]:
                units = _event_units(previous, self.step) + size
                placed[key] = self._timed(day, previous.start or cursor[day], units)
            else:
                if previous is not None:
                    self._emit(components[key], term, previous)
                    order.remove(key)
                placed[key] = self._timed(day, cursor[day], size)
                order.append(key)
                components[key] = component
            cursor[day] = placed[key].end or cursor[day]
        for key in order:
            self._emit(components[key], key[1], placed[key])

    def _emit(self, component: Component, term: str, event: _Event) -> None:
        units = _event_units(event, self.step)
        self.sessions.append(self._session(component, term, event, units, fixed=False))

    # -- the final assessment -------------------------------------------------------------

    def place_assessment(self, start: date | None) -> None:
        """The final assessment: one all-day event over its whole window."""
        assessment = self.programme.assessment
        if assessment is None:
            return
        given = start or assessment.start
        if given is not None and given < self.first_day:
            raise ScheduleError(
                f"the final assessment is fixed to start on {given.isoformat()}, before the "
                f"plan starts ({self.first_day.isoformat()}); check the date and the start month"
            )
        if given is not None:
            first = given
        elif assessment.months_after_start is not None:
            opens = self.first_day + relativedelta(months=assessment.months_after_start)
            first = _weekday_from(opens)
        else:
            first = self._assessment_window(assessment.gap_weeks or 0)
        days = self._window_days(first)
        units = self.steps_of_hours(assessment.hours)
        self.load[monday_of(first)] += units
        self.assessment_days = (days[0], days[-1])
        self.sessions.append(
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
                hours=self.hours_of(units),
                fixed=given is not None,
                provenance=assessment.assumed
                or (assessment.source.quote if assessment.source else ""),
            )
        )

    def _window_days(self, first: date) -> list[date]:
        """The window's days from `first`: consecutive, or only weekdays when the file says."""
        assessment = self.programme.assessment
        assert assessment is not None
        days: list[date] = []
        day = first
        while len(days) < assessment.window_days:
            if not assessment.weekdays_only or day.weekday() < 5:
                days.append(day)
            day += timedelta(days=1)
        return days

    def _assessment_window(self, gap_weeks: int) -> date:
        """The first Monday, `gap_weeks` whole weeks after the taught programme or later, whose
        window's weekdays are all school days."""
        monday = monday_of(self.taught_end) + timedelta(days=7 * (1 + gap_weeks))
        for _ in range(_SEARCH_WEEKS_FOR_ASSESSMENT):
            if all(
                self.calendar.is_school_day(d) and d not in self.prefs.blocked
                for d in self._window_days(monday)
                if d.weekday() < 5
            ):
                return monday
            monday += timedelta(days=7)
        raise ScheduleError("no run of school days for the final assessment within a year")

    # -- weeks ----------------------------------------------------------------------------

    def assemble(self, segments: Sequence[_Segment]) -> Plan:
        sessions = _numbered(sorted(self.sessions, key=_chronological))
        last_day = max([self.taught_end, *(s.end_date for s in sessions)])
        assessment = self.programme.assessment
        results_from: date | None = None
        if self.assessment_days and assessment and assessment.results_weeks:
            results_from = self.assessment_days[1] + timedelta(days=1)
            last_day = max(
                last_day, self.assessment_days[1] + timedelta(weeks=assessment.results_weeks)
            )
        by_week: dict[date, list[Session]] = defaultdict(list)
        for session in sessions:
            by_week[monday_of(session.day)].append(session)
        term_of_week: dict[date, tuple[str, int]] = {}
        for segment in segments:
            for number, monday in enumerate(segment.weeks, start=1):
                term_of_week[monday] = (segment.label, number)
        weeks: list[Week] = []
        monday = monday_of(self.first_day)
        current_term: str | None = None
        while monday <= last_day:
            in_week = tuple(by_week.get(monday, ()))
            school = any(self.calendar.is_school_day(d) for d in self.weekdays(monday))
            if monday in term_of_week:
                current_term, number = term_of_week[monday]
                label = f"{current_term} · week {number}"
            elif any(s.term == FINAL_ASSESSMENT for s in in_week) or self._in_window(monday):
                label = FINAL_ASSESSMENT
            elif results_from is not None and monday >= monday_of(results_from):
                label = AWAITING_RESULTS
            elif monday > self.taught_end and school:
                label = AFTER_TAUGHT
            elif school:
                label = f"{current_term or 'Term'} · no school days free"
            else:
                label = self._holiday_label(monday)
            weeks.append(Week(monday, label, not school, current_term, in_week))
            monday += timedelta(days=7)
        target = self.programme.weekly_target
        declared = self.programme.declared_total
        rule = self.programme.engagement
        return Plan(
            programme_id=self.programme.id,
            title=self.programme.title,
            provider=self.programme.provider,
            start=self.first_day,
            taught_end=self.taught_end,
            end=last_day,
            target=(target.min_hours, target.max_hours),
            calendar_name=self.calendar.describe(self.first_day, last_day),
            weeks=tuple(weeks),
            declared_total=declared.hours if declared else None,
            weekly_cap=self.hours_of(self.cap_units),
            warnings=tuple(self.warnings),
            notes=tuple(
                f"{name}: {count} session{'s' if count != 1 else ''}, {cadence}"
                for (name, cadence), count in self.cadence_counts.items()
            ),
            engagement_rule=(rule.live_percent, rule.self_directed_percent) if rule else None,
        )

    def _in_window(self, monday: date) -> bool:
        if self.assessment_days is None:
            return False
        first, last = self.assessment_days
        return monday_of(first) <= monday <= last

    def _holiday_label(self, monday: date) -> str:
        names = [self.calendar.holiday_name(d) for d in self.weekdays(monday)]
        plain = [n for n in names if n and n not in self.calendar.bank_holidays.values()]
        return plain[0] if plain else next((n for n in names if n), "Holiday")


def units_between(start: time, end: time, step: int) -> int:
    """Whole steps of `step` minutes from `start` to `end` on one day; none when `end` is not
    later."""
    minutes = (end.hour * 60 + end.minute) - (start.hour * 60 + start.minute)
    return max(0, minutes // step)


def within_room(
    allotted: Mapping[date, int],
    weeks: Sequence[date],
    load: Mapping[date, int],
    cap: int,
    room: Mapping[date, int],
) -> dict[date, int]:
    """`allotted` with no week given more than its evenings hold: the excess goes, level, to
    the weeks that still have room. The caller makes sure all of it fits somewhere."""
    result = dict(allotted)
    while True:
        excess = sum(max(0, result[w] - room[w]) for w in weeks)
        if not excess:
            return result
        for week in weeks:
            result[week] = min(result[week], room[week])
        open_weeks = [w for w in weeks if result[w] < room[w]]
        so_far = {w: load.get(w, 0) + result[w] for w in open_weeks}
        for week, extra in level_fill(excess, open_weeks, so_far, cap, grain=1).items():
            result[week] += extra


def level_fill(
    total: int, weeks: Sequence[date], load: Mapping[date, int], cap: int, grain: int = 2
) -> dict[date, int]:
    """Add `total` units to `weeks`, always to the least-loaded ones, up to `cap` if possible.

    What is left when a whole level cannot be raised goes out in pieces of `grain` units
    (half an hour), spread evenly, so light terms get a few real sessions, not many crumbs.
    """
    added = dict.fromkeys(weeks, 0)
    remaining = total
    while remaining > 0 and weeks:
        current = {w: load.get(w, 0) + added[w] for w in weeks}
        under = [w for w in weeks if current[w] < cap]
        candidates = under or list(weeks)
        low = min(current[w] for w in candidates)
        lowest = [w for w in candidates if current[w] == low]
        higher = [current[w] for w in candidates if current[w] > low]
        ceiling = min(higher) if higher else None
        if under:
            ceiling = min(ceiling, cap) if ceiling is not None else cap
        step = ceiling - low if ceiling is not None else math.ceil(remaining / len(lowest))
        if remaining >= step * len(lowest):
            for week in lowest:
                added[week] += step
            remaining -= step * len(lowest)
            continue
        per_week = remaining // len(lowest) // grain * grain
        for week in lowest:
            added[week] += per_week
        remaining -= per_week * len(lowest)
        # A piece may overshoot the next level by a quarter hour, but never the cap.
        piece = min(grain, cap - low - per_week) if under else grain
        pieces = split_units(remaining, math.ceil(remaining / piece)) if remaining else []
        for piece, index in zip(pieces, spread_indices(len(pieces), len(lowest)), strict=True):
            added[lowest[index]] += piece
        remaining = 0
    return added


def _proportional(total: int, weights: Sequence[int]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainder; ties go to the earlier)."""
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [total] + [0] * (len(weights) - 1) if weights else []
    exact = [total * w / weight_sum for w in weights]
    shares = [math.floor(x) for x in exact]
    short = total - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for index in by_remainder[:short]:
        shares[index] += 1
    return shares


def _deal(
    pool: Sequence[tuple[Component, str, int]],
    weeks: Sequence[date],
    allotted: Mapping[date, int],
    chunk_size: int,
) -> dict[date, list[tuple[Component, str, int]]]:
    """Share each week's units among the components, each keeping pace with its own total.

    Each chunk goes to the most urgent component (see `_urgency`); a heap, rebuilt once a
    week as the pace moves on, finds it, so the work grows with weeks times components rather
    than with chunks times components.
    """
    total = sum(units for _, _, units in pool)
    given = [0] * len(pool)
    dealt: dict[date, list[tuple[Component, str, int]]] = {}
    so_far = 0
    for monday in weeks:
        units_this_week = allotted[monday]
        so_far += units_this_week
        this_week = [0] * len(pool)
        queue = [
            _urgency(pool[i], given[i], so_far, total, i)
            for i in range(len(pool))
            if given[i] < pool[i][2]
        ]
        heapq.heapify(queue)
        while units_this_week > 0 and queue:
            pick = heapq.heappop(queue)[-1]
            amount = min(chunk_size, units_this_week, pool[pick][2] - given[pick])
            given[pick] += amount
            this_week[pick] += amount
            units_this_week -= amount
            if given[pick] < pool[pick][2]:
                heapq.heappush(queue, _urgency(pool[pick], given[pick], so_far, total, pick))
        dealt[monday] = [
            (pool[i][0], pool[i][1], this_week[i]) for i in range(len(pool)) if this_week[i]
        ]
    return dealt


def _urgency(
    item: tuple[Component, str, int], given: int, so_far: int, total: int, index: int
) -> tuple[bool, float, int]:
    """Smallest first: front-loaded work, then whoever is furthest behind its own steady pace,
    then the earlier listed."""
    component, _, units = item
    front = component.kind in _FRONT_LOADED
    goal = units if front else units * so_far / total
    return (not front, given - goal, index)


def _chunks(units: int, size: int) -> list[int]:
    if units <= 0:
        return []
    count = math.ceil(units / size)
    return split_units(units, count)


def _event_units(event: _Event, step: int) -> int:
    assert event.start is not None
    assert event.end is not None
    begin = datetime.combine(event.day, event.start)
    finish = datetime.combine(event.day, event.end)
    return int((finish - begin).total_seconds() // (step * 60))


def _chronological(session: Session) -> tuple[date, time, str, str]:
    return (session.day, session.start or time(0, 0), session.term, session.component)


def _numbered(sessions: Sequence[Session]) -> list[Session]:
    counters: dict[tuple[str, str], int] = defaultdict(int)
    numbered = []
    for session in sessions:
        key = (session.term, session.component)
        counters[key] += 1
        numbered.append(replace(session, occurrence=counters[key]))
    return numbered


def _provenance(component: Component) -> str:
    parts = []
    if component.source is not None:
        parts.append(f'{component.source.doc}: "{component.source.quote}"')
    if component.assumed:
        parts.append(f"assumed: {component.assumed}")
    return "; ".join(parts)
