"""Which days and evening times a plan may use: school days, study days, busy times, blocks.

Asked by every rule that places anything, for a first plan and a re-plan alike.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, time, timedelta

from npqplan.calendar import SchoolCalendar
from npqplan.errors import ScheduleError
from npqplan.plan import BusyTime, Preferences, monday_of
from npqplan.scheduling.ledger import Ledger
from npqplan.scheduling.units import clock_minutes, later_by, minutes_between


def _busy_order(busy: BusyTime) -> tuple[date, time, time]:
    """All-day stretches first in their day; the order is only for a stable plan."""
    return (busy.day, busy.start or time.min, busy.end or time.min)


class Availability:
    """The days from `first_day` to `last_day` that a plan may use, and when each is free.

    Answers about a day are fixed for one plan, so each is worked out once.
    """

    def __init__(
        self, calendar: SchoolCalendar, prefs: Preferences, first_day: date, last_day: date
    ) -> None:
        self.calendar = calendar
        self.prefs = prefs
        self.first_day = first_day
        self.last_day = last_day
        self._event_days: dict[date, bool] = {}
        self._study_days_known: dict[date, bool] = {}
        self._weekdays: dict[date, list[date]] = {}
        # By day, each day's in order: a calendar of thousands sorts a few at a time.
        self.busy: dict[date, list[BusyTime]] = defaultdict(list)
        for busy in prefs.busy:
            self.busy[busy.day].append(busy)
        for stretches in self.busy.values():
            stretches.sort(key=_busy_order)
        self._free: Availability | None = None
        self._study_days: dict[tuple[date, int], list[date]] = {}
        self._study_days_of: Ledger | None = None

    def within(self, first_day: date, last_day: date) -> Availability:
        """The same person and calendar over other dates (a re-plan's weeks ahead)."""
        return Availability(self.calendar, self.prefs, first_day, last_day)

    def without_busy(self) -> Availability:
        """The same days as if the person's own calendar were empty: what busy times moved."""
        if self._free is None:
            free = replace(self.prefs, busy=frozenset())
            self._free = Availability(self.calendar, free, self.first_day, self.last_day)
        return self._free

    # -- days -------------------------------------------------------------------------------

    def in_plan(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def event_day_ok(self, day: date) -> bool:
        """A school day inside the plan that the person has not blocked."""
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

    def weeks_between(self, first: date, last: date, usable: Callable[[date], bool]) -> list[date]:
        """Mondays of the weeks from `first` to `last` with a usable day between them."""
        weeks = []
        monday = monday_of(first)
        while monday <= last:
            if any(first <= d <= last and usable(d) for d in self.weekdays(monday)):
                weeks.append(monday)
            monday += timedelta(days=7)
        return weeks

    def not_a_school_day(self, day: date) -> str | None:
        """Why a day is no day for an event, in words; None when it is one."""
        if day.weekday() >= 5:
            return "at a weekend"
        if day in self.calendar.bank_holidays:
            return f"on a bank holiday ({self.calendar.bank_holidays[day]})"
        if not self.calendar.is_school_day(day):
            return f"in the {self.calendar.holiday_name(day) or 'school holiday'}"
        if day in self.prefs.blocked:
            return "on a day you blocked"
        return None

    # -- the person's own calendar ----------------------------------------------------------

    def busy_all_day(self, day: date) -> bool:
        return any(b.start is None for b in self.busy.get(day, ()))

    def busy_during(self, day: date, start: time, end: time) -> bool:
        return any(b.overlaps(start, end) for b in self.busy.get(day, ()))

    # -- evenings -----------------------------------------------------------------------------

    def study_days(self, monday: date, ledger: Ledger) -> list[date]:
        """The participant's study days in a week that are free for study; those without an
        all-day event, unless every one has one."""
        if self._study_days_of is not ledger:
            self._study_days, self._study_days_of = {}, ledger
        key = (monday, ledger.events_version)
        known = self._study_days.get(key)
        if known is None:
            known = self._study_days[key] = self._free_study_days(monday, ledger)
        return known

    def _free_study_days(self, monday: date, ledger: Ledger) -> list[date]:
        chosen = [
            d for d in self.weekdays(monday) if self.is_study_day(d) and not self.busy_all_day(d)
        ]
        clear = [d for d in chosen if not any(e.start is None for e in ledger.events.get(d, []))]
        return clear or chosen

    def evening(self, day: date, ledger: Ledger) -> time:
        """When a day is free for study: the study time, or after the day's last session, or
        `buffer_minutes` after anything in the person's own calendar that evening."""
        return max(self._plan_evening(day, ledger), self._busy_evening(day))

    def cut_short(self, day: date, ledger: Ledger) -> bool:
        """Whether the person's own calendar makes this evening start later than it would."""
        return self._busy_evening(day) > self._plan_evening(day, ledger)

    def _plan_evening(self, day: date, ledger: Ledger) -> time:
        events = ledger.events.get(day)
        if not events:
            return self.prefs.study_time
        return max([self.prefs.study_time, *(e.end for e in events if e.end is not None)])

    def _busy_evening(self, day: date) -> time:
        study = self.prefs.study_time
        stretches = self.busy.get(day)
        if not stretches:
            return study
        gap = self.prefs.buffer_minutes
        pushed = [
            _after_gap(b.end, gap)
            for b in stretches
            if b.end is not None and clock_minutes(b.end) + gap > clock_minutes(study)
        ]
        return max([study, *pushed])

    def room(self, day: date, ledger: Ledger) -> int:
        """Minutes of study a day holds between its evening and the latest end."""
        return minutes_between(self.evening(day, ledger), self.prefs.latest)

    def week_room(self, monday: date, ledger: Ledger) -> int:
        return sum(self.room(day, ledger) for day in self.study_days(monday, ledger))


def _after_gap(end: time, gap: int) -> time:
    """`gap` minutes after `end`, or the day's last minute when that is after midnight."""
    if clock_minutes(end) + gap >= 24 * 60:
        return time(23, 59)
    return later_by(end, gap)


def first_school_day(calendar: SchoolCalendar, start: date, limit_days: int = 120) -> date:
    for offset in range(limit_days):
        day = start + timedelta(days=offset)
        if calendar.is_school_day(day):
            return day
    raise ScheduleError(f"no school day in the {limit_days} days from {start.isoformat()}")
