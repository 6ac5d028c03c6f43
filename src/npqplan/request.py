"""What a user asked a plan to be made from, what their words mean, and the plan it makes.

A request keeps the user's own words (saved as their current plan and made again on every
run); `preferences_of`, `start_of` and the `parse_*` functions read them, and `make_plan` loads
the programme, calendar and cohort it names and schedules them.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import date, time
from functools import lru_cache
from pathlib import Path

from npqplan import cache as caches
from npqplan.calendar import (
    SchoolCalendar,
    build_calendar,
    differing_years,
    england_bank_holidays,
    refuse_estimates,
    school_year_of,
)
from npqplan.errors import RequestValueError, UsageError
from npqplan.loader import ProgrammeEntry, find_programme, load_file
from npqplan.plan import (
    DEFAULT_BUFFER_MINUTES,
    DEFAULT_LATEST,
    LATEST_END,
    Plan,
    Preferences,
    to_minutes,
)
from npqplan.scheduling import FixedDates, build_plan, plan_span
from npqplan.schema import FIRST_YEAR, LAST_YEAR, CohortFile, Programme, TermDatesFile

DEFAULT_CALENDAR = "kent"
CALENDAR_FILE_SUFFIXES = (".ics", ".ical", ".icalendar")
BUNDLED_CALENDARS_DIR = Path(__file__).with_name("calendars")
LONGEST_BLOCK_DAYS = 400
WEEKDAY_NAMES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_DAY = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_RANGE = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:\.\.(\d{4}-\d{2}-\d{2}))?$")
# Requests whose values are kept parsed: a command's one, or a cohort's distinct ones.
PARSED_REQUESTS = 1024
_CLOCK = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


@dataclass(frozen=True)
class PlanRequest:
    """Everything a plan is built from, in the user's words; saved as their current plan."""

    programme: str
    start: str
    calendar: str = DEFAULT_CALENDAR
    terms_file: str | None = None
    cohort_file: str | None = None
    study_days: str = "tue,thu"
    study_time: str = "16:30"
    session_hours: float = 1.0
    weekly_cap: float | None = None
    blocked: tuple[str, ...] = field(default=())
    holiday_study: bool = False
    allow_estimates: bool = True
    # Exports of the person's own calendar: sessions keep off what is busy there.
    busy_files: tuple[str, ...] = field(default=())
    # Self-study ends by this time, and starts this many minutes after anything busy.
    latest: str = f"{DEFAULT_LATEST:%H:%M}"
    buffer_minutes: int = DEFAULT_BUFFER_MINUTES

    def anchored(self) -> PlanRequest:
        """File paths made absolute, so the saved plan works from any folder."""

        def absolute(value: str | None) -> str | None:
            return str(Path(value).resolve()) if value else None

        programme = self.programme
        if Path(programme).suffix in {".yaml", ".yml"} and Path(programme).exists():
            programme = str(Path(programme).resolve())
        return PlanRequest(
            **{
                **asdict(self),
                "programme": programme,
                "terms_file": absolute(self.terms_file),
                "cohort_file": absolute(self.cohort_file),
                "blocked": tuple(self.blocked),
                "busy_files": tuple(str(Path(f).resolve()) for f in self.busy_files),
            }
        )


@dataclass(frozen=True)
class PlannedProgramme:
    """A plan with the programme and the school calendar it was made from."""

    entry: ProgrammeEntry
    calendar: SchoolCalendar
    plan: Plan
    # The preferences the plan was made with, the person's busy times included: a re-plan
    # keeps to the same ones.
    preferences: Preferences

    @property
    def programme(self) -> Programme:
        return self.entry.programme


# -- the user's words -----------------------------------------------------------------------


def _in_range(day: date, field_name: str, text: str) -> date:
    if not FIRST_YEAR <= day.year <= LAST_YEAR:
        raise RequestValueError(field_name, text, f"give a year from {FIRST_YEAR} to {LAST_YEAR}")
    return day


@lru_cache(maxsize=PARSED_REQUESTS)
def parse_start(text: str, field_name: str = "start") -> date:
    """`YYYY-MM` (that month's first teaching week) or `YYYY-MM-DD`."""
    month = _MONTH.match(text)
    day = _DAY.match(text)
    try:
        if month:
            return _in_range(date(int(month[1]), int(month[2]), 1), field_name, text)
        if day:
            return _in_range(date(int(day[1]), int(day[2]), int(day[3])), field_name, text)
    except ValueError:
        raise RequestValueError(
            field_name,
            text,
            f"no such {'month' if month else 'date'}; write YYYY-MM (like 2024-09) or YYYY-MM-DD",
        ) from None
    raise RequestValueError(field_name, repr(text), "write YYYY-MM (like 2024-09) or YYYY-MM-DD")


def parse_date(text: str, field_name: str) -> date:
    match = _DAY.match(text)
    try:
        if match:
            return _in_range(date(int(match[1]), int(match[2]), int(match[3])), field_name, text)
    except ValueError:
        raise RequestValueError(field_name, text, "no such date") from None
    raise RequestValueError(field_name, repr(text), "write a date as YYYY-MM-DD")


def parse_weekdays(text: str) -> tuple[int, ...]:
    names = [part.strip().lower()[:3] for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in WEEKDAY_NAMES]
    if unknown or not names:
        raise RequestValueError(
            "study_days", repr(text), "use day names separated by commas, like tue,thu"
        )
    days = sorted({WEEKDAY_NAMES.index(n) for n in names})
    weekend = [WEEKDAY_NAMES[d] for d in days if d >= 5]
    if weekend:
        # Plans keep weekends free, so a weekend study day would be ignored: say so instead.
        raise RequestValueError(
            "study_days",
            repr(text),
            "study days are Monday to Friday, as plans keep weekends free; "
            f"drop {','.join(weekend)}",
        )
    return tuple(days)


def parse_time(text: str, field_name: str) -> time:
    match = _CLOCK.match(text)
    if not match:
        raise RequestValueError(field_name, repr(text), "write a 24-hour time like 16:30")
    return time(int(match[1]), int(match[2]))


def parse_blocked(values: tuple[str, ...]) -> frozenset[date]:
    """`YYYY-MM-DD` or `YYYY-MM-DD..YYYY-MM-DD`, each a day or a range to keep free."""
    days: set[date] = set()
    for value in values:
        match = _RANGE.match(value)
        if not match:
            raise RequestValueError(
                "blocked", repr(value), "write YYYY-MM-DD or YYYY-MM-DD..YYYY-MM-DD"
            )
        first = parse_date(match[1], "blocked")
        last = parse_date(match[2], "blocked") if match[2] else first
        if last < first:
            raise RequestValueError("blocked", value, "the range ends before it starts")
        if (last - first).days > LONGEST_BLOCK_DAYS:
            raise RequestValueError(
                "blocked", value, f"a blocked range can be at most {LONGEST_BLOCK_DAYS} days"
            )
        days.update(date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1))
    return frozenset(days)


MOST_BUFFER_MINUTES = 180


@lru_cache(maxsize=PARSED_REQUESTS)
def preferences_of(request: PlanRequest) -> Preferences:
    """The preferences `request` asks for, each value parsed (once: a command checks its
    request, plans it and may plan it again, and a cohort meets the same request often)."""
    hours = request.session_hours
    if not 0.25 <= hours <= 8 or hours * 4 % 1:
        raise RequestValueError(
            "session_hours", "", "give quarter hours between 0.25 and 8, like 1 or 1.5"
        )
    cap = request.weekly_cap
    if cap is not None and not 0.25 <= cap <= 40:
        raise RequestValueError("weekly_cap", "", "give hours between 0.25 and 40")
    if not 0 <= request.buffer_minutes <= MOST_BUFFER_MINUTES:
        raise RequestValueError(
            "buffer_minutes", "", f"give whole minutes from 0 to {MOST_BUFFER_MINUTES}"
        )
    study_time = parse_time(request.study_time, "study_time")
    latest = parse_time(request.latest, "latest")
    if latest > LATEST_END:
        raise RequestValueError(
            "latest", request.latest, f"give a time no later than {LATEST_END:%H:%M}"
        )
    last_start = latest.hour * 60 + latest.minute - to_minutes(hours)
    if last_start < 0:
        raise RequestValueError(
            "latest", request.latest, f"a {hours:g} h session cannot end by then"
        )
    if study_time.hour * 60 + study_time.minute > last_start:
        raise RequestValueError(
            "study_time",
            request.study_time,
            f"a {hours:g} h session from then ends after {latest:%H:%M}; "
            f"the latest start that fits is {last_start // 60:02d}:{last_start % 60:02d}",
        )
    return Preferences(
        study_days=parse_weekdays(request.study_days),
        study_time=study_time,
        session_minutes=to_minutes(hours),
        weekly_cap_minutes=to_minutes(cap) if cap is not None else None,
        blocked=parse_blocked(request.blocked),
        holiday_study=request.holiday_study,
        latest=latest,
        buffer_minutes=request.buffer_minutes,
    )


def check_request(request: PlanRequest) -> None:
    """Read every value of `request` once, so a bad one is reported before anything else runs."""
    parse_start(request.start)
    preferences_of(request)
    if request.calendar or not request.terms_file:
        bundled_calendar_path(request.calendar)


# -- calendars ------------------------------------------------------------------------------


def bundled_calendars() -> list[str]:
    return sorted(path.stem for path in BUNDLED_CALENDARS_DIR.glob("*.yaml"))


def bundled_calendar_path(name: str) -> Path:
    """A bundled council calendar by its id, in any case."""
    known = bundled_calendars()
    wanted = name.strip().lower()
    if wanted in known:
        return BUNDLED_CALENDARS_DIR / f"{wanted}.yaml"
    guess = difflib.get_close_matches(wanted, known, n=1, cutoff=0.6)
    hint = f"did you mean {guess[0]!r}? " if guess else ""
    raise RequestValueError(
        "calendar",
        repr(name),
        f"{hint}bundled calendars are {', '.join(known)}; "
        "for your own school's dates give a terms file",
    )


def bundled_term_dates(cache: caches.ParseCache | None) -> tuple[TermDatesFile, ...]:
    """Every bundled calendar, loaded once per process: the published years estimates follow."""
    if not _BUNDLED:
        _BUNDLED.extend(
            load_file(bundled_calendar_path(name), TermDatesFile, cache=cache)
            for name in bundled_calendars()
        )
    return tuple(_BUNDLED)


_BUNDLED: list[TermDatesFile] = []


def load_term_sources(
    request: PlanRequest, cache: caches.ParseCache | None
) -> tuple[TermDatesFile, ...]:
    """The term dates a request names, first wins: the person's own file, then their council
    (which fills the years the file lacks)."""
    if request.terms_file and request.calendar:
        council = load_file(bundled_calendar_path(request.calendar), TermDatesFile, cache=cache)
        return (load_term_dates(request, cache), council)
    return (load_term_dates(request, cache),)


def load_term_dates(request: PlanRequest, cache: caches.ParseCache | None) -> TermDatesFile:
    """The first source of term dates a request names: its terms file, else its council."""
    if request.terms_file:
        path = Path(request.terms_file)
        if path.suffix.lower() in CALENDAR_FILE_SUFFIXES:
            # icalendar is imported only for a school's own .ics, not for every plan.
            from npqplan.schoolics import read_school_calendar

            return read_school_calendar(path).term_dates
        return load_file(path, TermDatesFile, cache=cache)
    return load_file(bundled_calendar_path(request.calendar), TermDatesFile, cache=cache)


def load_cohort(
    path: str | None, programme: Programme, cache: caches.ParseCache | None
) -> CohortFile | None:
    if not path:
        return None
    cohort = load_file(Path(path), CohortFile, cache=cache)
    if cohort.programme and cohort.programme != programme.id:
        raise UsageError(
            f"{path}: these cohort dates are for {cohort.programme!r}, not {programme.id!r}"
        )
    return cohort


def bank_holidays(first_year: int, last_year: int, cache_dir: Path | None) -> dict[date, str]:
    found = caches.cached_bank_holidays(cache_dir, first_year, last_year) if cache_dir else None
    if found is None:
        found = england_bank_holidays(first_year, last_year)
        if cache_dir is not None:
            caches.store_bank_holidays(cache_dir, first_year, last_year, found)
    return found


# -- the plan -------------------------------------------------------------------------------


def make_plan(
    request: PlanRequest, user_dir: Path | None, cache_dir: Path | None = None
) -> PlannedProgramme:
    """Load everything the request names and schedule it."""
    cache = caches.ParseCache(cache_dir) if cache_dir is not None else None
    entry = find_programme(request.programme, user_dir, cache)
    start = parse_start(request.start)
    preferences_of(request)
    term_dates = load_term_sources(request, cache)
    cohort = load_cohort(request.cohort_file, entry.programme, cache)
    calendar = calendar_for(entry.programme, term_dates, start, cache_dir)
    planned = plan_with(request, entry, calendar, cohort)
    if len(term_dates) < 2:
        return planned
    plan = planned.plan
    years = range(school_year_of(plan.start), school_year_of(plan.end) + 1)
    mine, council = term_dates
    differ = [label for label in differing_years(mine, council) if int(label[:4]) in years]
    warnings = tuple(
        f"{mine.name} and {council.name} give different term dates for {label}: "
        f"the plan follows {mine.name}"
        for label in differ
    )
    return replace(planned, plan=replace(plan, warnings=plan.warnings + warnings))


def calendar_end(programme: Programme, start: date) -> date:
    """The last day any plan of `programme` from `start` can reach, with room to spare."""
    years_needed = math.ceil(programme.duration_months / 12) + 2
    return date(start.year + years_needed, 8, 31)


def calendar_for(
    programme: Programme,
    term_dates: TermDatesFile | Sequence[TermDatesFile],
    start: date,
    cache_dir: Path | None,
) -> SchoolCalendar:
    """The school calendar a plan of `programme` from `start` needs, bank holidays included."""
    last = calendar_end(programme, start)
    if last.year >= LAST_YEAR:
        years_needed = last.year - start.year
        raise RequestValueError(
            "start",
            f"{start:%Y-%m}",
            f"a plan of {programme.id} from then needs school years past {LAST_YEAR}, the last "
            f"year npqplan plans in; start in {LAST_YEAR - 1 - years_needed}-12 or earlier",
        )
    cache = caches.ParseCache(cache_dir) if cache_dir is not None else None
    return build_calendar(
        term_dates,
        start,
        last,
        bank_holidays(start.year - 1, last.year, cache_dir),
        bundled_term_dates(cache),
    )


def plan_with(
    request: PlanRequest,
    entry: ProgrammeEntry,
    calendar: SchoolCalendar,
    cohort: CohortFile | None,
) -> PlannedProgramme:
    """Schedule what `request` asks on inputs already loaded (a cohort loads them once)."""
    fixed: dict[tuple[str, str], FixedDates] = {}
    assessment_start = None
    start = parse_start(request.start)
    if cohort is not None:
        try:
            sessions, assessment_start = cohort.dates_for(start)
        except ValueError as error:
            raise RequestValueError("start", request.start, str(error)) from None
        for item in sessions:
            fixed[(item.term, item.component)] = FixedDates(tuple(item.dates), item.time)
    preferences = preferences_of(request)
    readings = []
    if request.busy_files:
        # Imported here: only a plan with busy calendars needs their reader.
        from npqplan.busyics import read_busy_calendar

        # Read once, over the plan's own days: the engine counts what they move while it
        # places, so it runs once too.
        first, last = plan_span(entry.programme, calendar, start, preferences, assessment_start)
        readings = [read_busy_calendar(Path(f), first, last) for f in request.busy_files]
        busy = frozenset().union(*(reading.times for reading in readings))
        preferences = replace(preferences, busy=busy)
    plan = build_plan(
        entry.programme,
        calendar,
        start=start,
        preferences=preferences,
        fixed_dates=fixed,
        assessment_start=assessment_start,
    )
    if readings:
        plan = replace(plan, busy_read=tuple(reading.summary for reading in readings))
    if not request.allow_estimates:
        refuse_estimates(calendar, plan.start, plan.end)
    return PlannedProgramme(entry, calendar, plan, preferences)
