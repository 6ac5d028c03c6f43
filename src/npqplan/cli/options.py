"""Every option shared by more than one command, the output formats, and every parse of a
string the user typed: the one module that knows a flag's name."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from npqplan.agenda import WhichWeek
from npqplan.cli import completion
from npqplan.errors import RequestValueError, UsageError
from npqplan.request import PlanRequest, check_request, parse_date

DEFAULTS = PlanRequest(programme="", start="")
TODAY_ENV = "NPQPLAN_TODAY"
MOST_STARTS = 60
MOST_EVENT_MONTHS = 24
MAX_LOGGED_MINUTES = 24 * 60
MAX_NOTE_LENGTH = 500
LONGEST_REMINDER = timedelta(days=7)
_NUMBER = r"\d{1,4}(?:\.\d*)?|\.\d+"
# How people write a length of time: 1.5 (hours), 1:20, 50m, 90 min, 1h20, 1 h 20 min, 2 hours.
_DURATION = re.compile(
    rf"""^(?:
        (?P<clock_hours>\d{{1,2}}):(?P<clock_minutes>[0-5]\d)
      | (?P<plain>{_NUMBER})
      | (?:(?P<hours>{_NUMBER})\s*(?:h|hr|hrs|hour|hours))?
        \s*(?:(?P<minutes>\d{{1,4}})\s*(?:m|min|mins|minute|minutes)?)?
    )$""",
    re.VERBOSE,
)
_DURATION_EXAMPLES = "like 50m, 1h20, 1:20, 1.5 (hours) or 90 min"
_MONTHS = re.compile(r"^(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})$")
_REMINDER = re.compile(r"^(?:(\d{1,3})d)?(?:(\d{1,3})h)?(?:(\d{1,4})m)?$")

# The flag each request value comes from, to say where a bad one was typed.
FLAGS = {
    "start": "--start",
    "calendar": "--calendar",
    "study_days": "--study-days",
    "study_time": "--study-time",
    "session_hours": "--session-hours",
    "weekly_cap": "--weekly-cap",
    "blocked": "--block",
    "latest": "--latest",
    "buffer_minutes": "--buffer",
    "today": "--today",
    "on": "--on",
    "between": "--between",
}


class PlanFormat(StrEnum):
    TABLE = "table"
    JSON = "json"
    CSV = "csv"
    MARKDOWN = "markdown"


class ReportFormat(StrEnum):
    TABLE = "table"
    JSON = "json"


class LogFormat(StrEnum):
    CSV = "csv"


# -- options --------------------------------------------------------------------------------

ProgrammeOrCurrent = Annotated[
    str | None,
    # Described in each command's help: typer would list it with a type name beside it.
    typer.Argument(
        metavar="PROGRAMME",
        hidden=True,
        show_default=False,
        autocompletion=completion.programme_ids,
    ),
]
Programme = Annotated[
    str,
    typer.Argument(
        metavar="PROGRAMME",
        help="A programme id (see 'npqplan list') or a YAML file.",
        show_default=False,
        autocompletion=completion.programme_ids,
    ),
]
Start = Annotated[
    str | None,
    typer.Option(
        "--start",
        metavar="YYYY-MM",
        help="The first teaching month, like 2024-09 (or a day: 2024-09-04).",
    ),
]
Calendar = Annotated[
    str | None,
    typer.Option(
        "--calendar",
        metavar="NAME",
        help=f"Bundled council term dates, like {DEFAULTS.calendar} (the default), birmingham "
        "or year-round; with --terms, the years your file lacks.",
        autocompletion=completion.calendar_names,
    ),
]
Terms = Annotated[
    Path | None,
    typer.Option(
        "--terms",
        metavar="FILE",
        help="Your school's own term dates (YAML, or the school's calendar file: .ics).",
    ),
]
Cohort = Annotated[
    Path | None,
    typer.Option("--cohort", metavar="FILE", help="Your cohort's fixed dates (YAML)."),
]
StudyDays = Annotated[
    str, typer.Option("--study-days", metavar="DAYS", help="Days for self-study, like tue,thu.")
]
StudyTime = Annotated[
    str,
    typer.Option(
        "--study-time", metavar="HH:MM", help="When self-study starts (24-hour), like 16:30."
    ),
]
SessionHours = Annotated[
    float,
    typer.Option("--session-hours", metavar="HOURS", help="Longest self-study session, in hours."),
]
WeeklyCap = Annotated[
    float | None,
    typer.Option(
        "--weekly-cap",
        metavar="HOURS",
        help="Most self-study hours in a week (default: the target's top).",
    ),
]
Block = Annotated[
    list[str] | None,
    typer.Option(
        "--block",
        metavar="DATES",
        help="A day or range to keep free: 2025-03-10 or 2025-03-10..2025-03-14 (repeatable).",
    ),
]
Busy = Annotated[
    list[Path] | None,
    typer.Option(
        "--busy",
        metavar="FILE.ics",
        help="An export of your own calendar: sessions keep off its busy times (repeatable).",
    ),
]
Latest = Annotated[
    str,
    typer.Option(
        "--latest", metavar="HH:MM", help="When self-study ends by, at the latest (24-hour)."
    ),
]
Buffer = Annotated[
    int,
    typer.Option(
        "--buffer",
        metavar="MINUTES",
        help="Minutes between anything in your own calendar and study after it.",
    ),
]
HolidayStudy = Annotated[
    bool, typer.Option("--holiday-study", help="Let self-study go into holiday weeks too.")
]
NoEstimates = Annotated[
    bool,
    typer.Option("--no-estimates", help="Refuse school years with no published term dates."),
]
Today = Annotated[
    str | None,
    typer.Option(
        "--today",
        metavar="YYYY-MM-DD",
        help=f"Take this date as today; {TODAY_ENV} does the same.",
    ),
]
Output = Annotated[
    str | None,
    typer.Option("--output", "-o", metavar="FILE", help="Write to this file (atomically) instead."),
]
ReportFormatOption = Annotated[ReportFormat, typer.Option("--format", help="Output format.")]
PlanFormatOption = Annotated[PlanFormat, typer.Option("--format", help="Output format.")]
# Described in each command's help, as typer would list them with a type name beside them.
Roster = Annotated[Path, typer.Argument(metavar="ROSTER.csv", hidden=True, show_default=False)]
RunFolder = Annotated[
    Path,
    typer.Option(
        "--out",
        metavar="DIR",
        help="A new (or empty) folder for each participant's calendar and plan.",
    ),
]
EventDays = Annotated[
    int,
    typer.Option(
        "--days", metavar="N", min=1, max=5, help="How many consecutive school days (1 to 5)."
    ),
]
Between = Annotated[
    str,
    typer.Option("--between", metavar="FROM..TO", help="Months to look in, like 2025-01..2025-03."),
]
# Named in the cohort table when it lists only the participants worth a look.
EVERYONE_HINT = "--format csv or json lists everyone"


# -- the plan a command asks for --------------------------------------------------------------


@dataclass(frozen=True)
class PlanChoices:
    """The calendar and preference options that schedule, check-hours and export share."""

    # None: the default council, or with a terms file no council behind it.
    calendar: str | None = None
    terms: Path | None = None
    cohort: Path | None = None
    study_days: str = DEFAULTS.study_days
    study_time: str = DEFAULTS.study_time
    session_hours: float = DEFAULTS.session_hours
    weekly_cap: float | None = DEFAULTS.weekly_cap
    block: list[str] | None = None
    holiday_study: bool = DEFAULTS.holiday_study
    no_estimates: bool = not DEFAULTS.allow_estimates
    busy: list[Path] | None = None
    latest: str = DEFAULTS.latest
    buffer: int = DEFAULTS.buffer_minutes

    def request(self, programme: str | None, start: str | None) -> PlanRequest | None:
        """The request these options describe, checked; None when no programme is named."""
        if programme is None and start is None:
            return None
        if programme is None or start is None:
            missing = "--start YYYY-MM" if start is None else "a programme id"
            raise UsageError(f"give both a programme and --start (missing {missing})")
        request = PlanRequest(
            programme=programme,
            start=start,
            calendar=self.calendar or ("" if self.terms else DEFAULTS.calendar),
            terms_file=str(self.terms) if self.terms else None,
            cohort_file=str(self.cohort) if self.cohort else None,
            study_days=self.study_days,
            study_time=self.study_time,
            session_hours=self.session_hours,
            weekly_cap=self.weekly_cap,
            blocked=tuple(self.block or ()),
            holiday_study=self.holiday_study,
            allow_estimates=not self.no_estimates,
            busy_files=tuple(str(path) for path in self.busy or ()),
            latest=self.latest,
            buffer_minutes=self.buffer,
        )
        with flag_names():
            check_request(request)
        return request.anchored()


@contextmanager
def flag_names() -> Iterator[None]:
    """A bad value of a request, reported with the flag it was typed with."""
    try:
        yield
    except RequestValueError as error:
        flag = FLAGS.get(error.field, error.field)
        raise UsageError(
            f"{flag} {error.message}" if error.shown else f"{flag}: {error.message}"
        ) from None


# -- strings the user typed -------------------------------------------------------------------


def today_from(option: str | None) -> date:
    """--today, else NPQPLAN_TODAY, else the real date: the only place npqplan reads the clock."""
    if option is not None:
        with flag_names():
            return parse_date(option, "today")
    from_env = os.environ.get(TODAY_ENV)
    if from_env:
        try:
            return parse_date(from_env, "today")
        except RequestValueError as error:
            raise UsageError(f"{TODAY_ENV} {error.message}") from None
    return date.today()


def day_on(option: str) -> date:
    with flag_names():
        return parse_date(option, "on")


def start_months(text: str, flag: str = "--all-starts", most: int = MOST_STARTS) -> list[str]:
    """`2024-09..2025-08` -> every month from the first to the last, as YYYY-MM."""
    match = _MONTHS.match(text)
    if not match:
        raise UsageError(f"{flag} {text!r}: write two months, like 2024-09..2025-08")
    first, last = (int(match[1]), int(match[2])), (int(match[3]), int(match[4]))
    if not (1 <= first[1] <= 12 and 1 <= last[1] <= 12):
        raise UsageError(f"{flag} {text}: months run from 01 to 12")
    count = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    if count < 1:
        raise UsageError(f"{flag} {text}: the range ends before it starts")
    if count > most:
        raise UsageError(f"{flag} {text}: give at most {most} months")
    months = (first[0] * 12 + first[1] - 1 + offset for offset in range(count))
    return [f"{month // 12:04d}-{month % 12 + 1:02d}" for month in months]


def month_span(text: str) -> tuple[date, date]:
    """`2025-01..2025-03` -> the first day of the first month and the last of the last."""
    months = start_months(text.strip(), "--between", MOST_EVENT_MONTHS)
    with flag_names():
        first = parse_date(f"{months[0]}-01", "between")
        last_month = parse_date(f"{months[-1]}-01", "between")
    after = last_month + timedelta(days=31)
    return first, after.replace(day=1) - timedelta(days=1)


def logged_minutes(text: str) -> int:
    """A length of study as people write it (see `_DURATION`), in whole minutes: above 0 and at
    most a day. A plain number is hours, rounded to the minute, so 0.83 is 50 minutes."""
    if text.startswith("--"):
        raise UsageError(f"no such option: {text}; see 'npqplan log --help'")
    match = _DURATION.match(text.strip().lower())
    if match is None or not any(match.groupdict().values()):
        raise UsageError(f"TIME {text!r}: give how long you studied, {_DURATION_EXAMPLES}")
    parts = match.groupdict()
    if parts["clock_hours"] is not None:
        minutes = int(parts["clock_hours"]) * 60 + int(parts["clock_minutes"])
    else:
        hours = parts["plain"] or parts["hours"] or "0"
        minutes = round(float(hours) * 60) + int(parts["minutes"] or 0)
    if minutes <= 0:
        raise UsageError(f"TIME {text}: log at least one minute")
    if minutes > MAX_LOGGED_MINUTES:
        raise UsageError(f"TIME {text}: a day has only 24 hours")
    return minutes


def note(text: str | None) -> str | None:
    if text is None:
        return None
    if len(text) > MAX_NOTE_LENGTH:
        raise UsageError(f"--note: keep a note to {MAX_NOTE_LENGTH} characters")
    return text.strip() or None


def entry_id(text: str) -> int:
    if not text.isdigit() or int(text) == 0 or len(text) > 18:
        raise UsageError(f"--undo {text!r}: give an entry id from 'npqplan log --list', like 3")
    return int(text)


def reminder(text: str) -> timedelta:
    """`30m`, `2h`, `1d` or `1h30m`: how long before each session a reminder goes off."""
    match = _REMINDER.match(text.strip().lower())
    if text.strip() and match:
        days, hours, minutes = (int(part) if part else 0 for part in match.groups())
        value = timedelta(days=days, hours=hours, minutes=minutes)
        if value <= LONGEST_REMINDER:
            return value
    raise UsageError(
        f"--remind {text!r}: write how long before each session, like 30m, 2h or 1d "
        "(at most 7 days)"
    )


# -- today, week, done, missed ------------------------------------------------------------------

SessionNumbers = Annotated[
    list[str] | None,
    # Described in each command's help: typer would list it with a type name beside it.
    typer.Argument(metavar="N", hidden=True, show_default=False),
]
UndoMark = Annotated[bool, typer.Option("--undo", help="Take the mark off again.")]
WeekChoice = Annotated[
    WhichWeek,
    typer.Option(
        "--week",
        help="Which week the numbers are from: this (default), last or next.",
        case_sensitive=False,
    ),
]
ALL_OF_TODAY = "today"


def session_numbers(words: list[str] | None, command: str) -> list[int] | None:
    """`2 3` -> [2, 3]; `today` -> None, for all of today's sessions."""
    example = f"like: npqplan {command} 2, npqplan {command} 2 3 or npqplan {command} today"
    if not words:
        raise UsageError(f"give the numbers 'npqplan week' shows, {example}")
    if [word.casefold() for word in words] == [ALL_OF_TODAY]:
        return None
    numbers = []
    for word in words:
        if word.startswith("--"):
            raise UsageError(f"no such option: {word}; see 'npqplan {command} --help'")
        if not word.isdigit() or len(word) > 4 or int(word) == 0:
            raise UsageError(f"N {word!r}: give the numbers 'npqplan week' shows, {example}")
        numbers.append(int(word))
    return numbers


WhichWeekArgument = Annotated[
    WhichWeek,
    typer.Argument(metavar="[WHICH]", show_default=False, case_sensitive=False, hidden=True),
]
