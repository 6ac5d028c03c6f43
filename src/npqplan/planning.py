"""From what a user typed to a Plan: resolve the programme, calendar and cohort, then schedule."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, time
from pathlib import Path

from npqplan.domain import CohortFile, Programme, TermDatesFile
from npqplan.errors import UsageError
from npqplan.loader import ProgrammeEntry, find_programme, load_model
from npqplan.parsecache import ParseCache
from npqplan.plan import Plan, Preferences
from npqplan.request import PlanRequest
from npqplan.scheduler import FixedDates, build_plan
from npqplan.terms import SchoolCalendar, build_calendar

BUNDLED_CALENDARS = ("kent", "birmingham")
_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$")


@dataclass(frozen=True)
class PlannedProgramme:
    entry: ProgrammeEntry
    calendar: SchoolCalendar
    plan: Plan

    @property
    def programme(self) -> Programme:
        return self.entry.programme


def parse_start(text: str) -> date:
    """`YYYY-MM` (that month's first teaching week) or `YYYY-MM-DD`."""
    month = _MONTH.match(text)
    day = _DAY.match(text)
    try:
        if month:
            return date(int(month[1]), int(month[2]), 1)
        if day:
            return date(int(day[1]), int(day[2]), int(day[3]))
    except ValueError:
        raise UsageError(
            f"--start {text}: no such {'month' if month else 'date'}; "
            "write YYYY-MM (like 2024-09) or YYYY-MM-DD"
        ) from None
    raise UsageError(f"--start {text!r}: write YYYY-MM (like 2024-09) or YYYY-MM-DD")


def parse_date(text: str, option: str) -> date:
    match = _DAY.match(text)
    try:
        if match:
            return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        raise UsageError(f"{option} {text}: no such date") from None
    raise UsageError(f"{option} {text!r}: write a date as YYYY-MM-DD")


def parse_weekdays(text: str) -> tuple[int, ...]:
    names = [part.strip().lower()[:3] for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in _WEEKDAYS]
    if unknown or not names:
        raise UsageError(f"--study-days {text!r}: use day names separated by commas, like tue,thu")
    days = sorted({_WEEKDAYS.index(n) for n in names})
    if all(d >= 5 for d in days):
        raise UsageError("--study-days: pick at least one weekday (Monday to Friday)")
    return tuple(days)


def parse_time(text: str, option: str) -> time:
    match = re.match(r"^([01]?\d|2[0-3]):([0-5]\d)$", text)
    if not match:
        raise UsageError(f"{option} {text!r}: write a 24-hour time like 16:30")
    return time(int(match[1]), int(match[2]))


def parse_blocked(values: tuple[str, ...]) -> frozenset[date]:
    """`YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`, each a day or a range to keep free."""
    days: set[date] = set()
    for value in values:
        match = _RANGE.match(value)
        if not match:
            raise UsageError(f"--block {value!r}: write YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD")
        first = parse_date(match[1], "--block")
        last = parse_date(match[2], "--block") if match[2] else first
        if last < first:
            raise UsageError(f"--block {value}: the range ends before it starts")
        if (last - first).days > 400:
            raise UsageError(f"--block {value}: a blocked range can be at most 400 days")
        days.update(date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1))
    return frozenset(days)


def preferences_of(request: PlanRequest) -> Preferences:
    if not 0.25 <= request.session_hours <= 8 or request.session_hours * 4 % 1:
        raise UsageError("--session-hours: give quarter hours between 0.25 and 8, like 1 or 1.5")
    if request.weekly_cap is not None and not 0.25 <= request.weekly_cap <= 40:
        raise UsageError("--weekly-cap: give hours between 0.25 and 40")
    return Preferences(
        study_days=parse_weekdays(request.study_days),
        study_time=parse_time(request.study_time, "--study-time"),
        session_hours=request.session_hours,
        weekly_cap=request.weekly_cap,
        blocked=parse_blocked(request.blocked),
        holiday_study=request.holiday_study,
    )


def bundled_calendar_path(name: str) -> Path:
    if name not in BUNDLED_CALENDARS:
        raise UsageError(
            f"--calendar {name!r}: bundled calendars are {', '.join(BUNDLED_CALENDARS)}; "
            "for your own school's dates use --terms FILE"
        )
    return Path(__file__).with_name("calendars") / f"{name}.yaml"


def load_term_dates(request: PlanRequest, cache: ParseCache | None = None) -> TermDatesFile:
    if request.terms_file:
        return load_model(Path(request.terms_file), TermDatesFile, cache=cache)
    return load_model(bundled_calendar_path(request.calendar), TermDatesFile, cache=cache)


def load_cohort(
    path: str | None, programme: Programme, cache: ParseCache | None = None
) -> CohortFile | None:
    if not path:
        return None
    cohort = load_model(Path(path), CohortFile, cache=cache)
    if cohort.programme and cohort.programme != programme.id:
        raise UsageError(
            f"{path}: these cohort dates are for {cohort.programme!r}, not {programme.id!r}"
        )
    return cohort


def make_plan(
    request: PlanRequest, user_dir: Path | None, cache_dir: Path | None = None
) -> PlannedProgramme:
    """Load everything the request names and schedule it."""
    cache = ParseCache(cache_dir) if cache_dir is not None else None
    entry = find_programme(request.programme, user_dir, cache)
    programme = entry.programme
    start = parse_start(request.start)
    preferences = preferences_of(request)
    term_dates = load_term_dates(request, cache)
    cohort = load_cohort(request.cohort_file, programme, cache)
    years_needed = math.ceil(programme.duration_months / 12) + 2
    last = date(start.year + years_needed, 8, 31)
    from npqplan.bankholidays import england_bank_holidays

    calendar = build_calendar(
        term_dates,
        start,
        last,
        england_bank_holidays(start.year - 1, last.year, cache_dir),
        allow_estimates=request.allow_estimates,
    )
    fixed: dict[tuple[str, str], FixedDates] = {}
    assessment_start = None
    if cohort is not None:
        for item in cohort.sessions:
            fixed[(item.term, item.component)] = FixedDates(tuple(item.dates), item.time)
        assessment_start = cohort.assessment_start
    plan = build_plan(
        programme,
        calendar,
        start=start,
        preferences=preferences,
        fixed_dates=fixed,
        assessment_start=assessment_start,
    )
    return PlannedProgramme(entry, calendar, plan)
