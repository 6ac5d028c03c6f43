"""A cohort: its roster read from CSV text, each participant's plan request, and what the cohort's
plans add up to (conflicts by council, cover by school and month, candidate event dates). Pure.

A roster is a CSV file with a header. Every bad row is reported, each as `FILE:LINE: column:
reason`, before anything is planned; the caller reads the file and says which file it was.
"""

from __future__ import annotations

import csv
import difflib
import re
import unicodedata
from collections import defaultdict
from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta
from enum import StrEnum

from npqplan.calendar import SchoolCalendar
from npqplan.errors import InvalidFileError, RequestValueError
from npqplan.hours import Verdict, check_hours
from npqplan.plan import Plan, Session
from npqplan.request import PlanRequest, parse_start, preferences_of
from npqplan.schema import ComponentKind, control_character, control_reason

REQUIRED_COLUMNS = ("id", "name", "school", "start")
CALENDAR_COLUMNS = ("calendar", "terms")
OPTIONAL_COLUMNS = ("study_days", "study_time", "session_hours", "weekly_cap", "email")
COLUMNS = (*REQUIRED_COLUMNS, *CALENDAR_COLUMNS, *OPTIONAL_COLUMNS)
MOST_PARTICIPANTS = 100_000
LONGEST_VALUE = 200
LONGEST_EVENT_DAYS = 5
# A school's morning ends, and its afternoon begins, about here: a half day of cover.
HALF_DAY_ENDS, HALF_DAY_BEGINS = time(13, 0), time(12, 0)
# An id names the participant's files: letters, digits, '.', '_' and '-', never a path.
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
_NUMBER = re.compile(r"^(\d+(\.\d*)?|\.\d+)$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_DEFAULTS = PlanRequest(programme="", start="")


@dataclass(frozen=True)
class Participant:
    """One roster row, as written, with the line it starts on."""

    line: int
    id: str
    name: str
    school: str
    start: str
    calendar: str | None = None
    terms: str | None = None
    study_days: str = _DEFAULTS.study_days
    study_time: str = _DEFAULTS.study_time
    session_hours: float = _DEFAULTS.session_hours
    weekly_cap: float | None = _DEFAULTS.weekly_cap
    email: str | None = None

    @property
    def calendar_key(self) -> str:
        """Which school calendar the participant follows: a bundled id or a terms file."""
        return f"terms:{self.terms}" if self.terms else (self.calendar or "").lower()

    def request(self, programme: str, cohort_file: str | None = None) -> PlanRequest:
        """What `npqplan schedule` would be asked for this participant's plan."""
        return PlanRequest(
            programme=programme,
            start=self.start,
            calendar=(self.calendar or _DEFAULTS.calendar).lower(),
            terms_file=self.terms,
            cohort_file=cohort_file,
            study_days=self.study_days,
            study_time=self.study_time,
            session_hours=self.session_hours,
            weekly_cap=self.weekly_cap,
        )


@dataclass(frozen=True)
class Roster:
    source: str
    participants: tuple[Participant, ...]

    def located(self, participant: Participant, column: str, reason: str) -> str:
        return f"{self.source}:{participant.line}: {column}: {reason}"


# -- reading a roster ---------------------------------------------------------------------------


def parse_roster(text: str, source: str, calendars: Collection[str]) -> Roster:
    """The participants of a roster's CSV `text`, or InvalidFileError listing every bad row.

    `source` is the file as the user named it; `calendars` are the bundled calendar ids. A
    `terms` file is kept as written: the caller resolves and loads it.
    """
    reader = csv.reader(text.removeprefix("\ufeff").splitlines(keepends=True), strict=True)
    problems: list[str] = []
    try:
        header = next(reader, None)
    except csv.Error as error:
        raise InvalidFileError([f"{source}:1: header: {error}"]) from None
    if header is None or not any(cell.strip() for cell in header):
        raise InvalidFileError([f"{source}:1: header: the roster is empty; {_columns_hint()}"])
    columns = [cell.strip().lower() for cell in header]
    problems += _header_problems(columns, source)
    if problems:
        raise InvalidFileError(problems)
    participants: list[Participant] = []
    seen: dict[str, int] = {}
    line = reader.line_num + 1
    while True:
        try:
            row = next(reader, None)
        except csv.Error as error:
            problems.append(f"{source}:{line}: row: {error}")
            break
        if row is None:
            break
        if any(cell.strip() for cell in row):
            if len(participants) >= MOST_PARTICIPANTS:
                problems.append(f"{source}:{line}: row: a roster holds at most "
                                f"{MOST_PARTICIPANTS:,} participants")  # fmt: skip
                break
            values = dict(zip(columns, row, strict=False))
            found, row_problems = _participant(values, line, len(row), len(columns), calendars)
            given = (values.get("id") or "").strip()
            # A repeated id is reported whatever else is wrong with the row, so that fixing the
            # row's other problems never uncovers a new one.
            earlier = seen.setdefault(given.lower(), line) if given else line
            if earlier != line:
                row_problems.insert(0, ("id", f"{given!r} is already on line {earlier}"))
            elif found is not None:
                participants.append(found)
            problems += [f"{source}:{line}: {column}: {reason}" for column, reason in row_problems]
        line = reader.line_num + 1
    if not problems and not participants:
        problems.append(f"{source}:2: row: the roster has a header but no participants")
    if problems:
        raise InvalidFileError(problems)
    return Roster(source, tuple(participants))


def _columns_hint() -> str:
    return (
        f"the header needs {', '.join(REQUIRED_COLUMNS)} and calendar or terms; "
        f"it may have {', '.join(OPTIONAL_COLUMNS)}"
    )


def _header_problems(columns: list[str], source: str) -> Iterator[str]:
    for index, column in enumerate(columns):
        if column not in COLUMNS:
            guess = difflib.get_close_matches(column, COLUMNS, n=1)
            hint = f"did you mean {guess[0]!r}? " if guess else ""
            yield f"{source}:1: {column or '(blank)'}: unknown column; {hint}{_columns_hint()}"
        elif column in columns[:index]:
            yield f"{source}:1: {column}: the column is there twice"
    for column in REQUIRED_COLUMNS:
        if column not in columns:
            yield f"{source}:1: {column}: missing column; {_columns_hint()}"
    if not any(column in columns for column in CALENDAR_COLUMNS):
        yield f"{source}:1: calendar: missing column; {_columns_hint()}"


def _participant(
    row: Mapping[str, str], line: int, fields: int, expected: int, calendars: Collection[str]
) -> tuple[Participant | None, list[tuple[str, str]]]:
    """A row as a participant, or the (column, reason) of each of its problems."""
    problems: list[tuple[str, str]] = []
    if fields != expected:
        return None, [("row", f"has {fields} fields, the header has {expected}")]
    values = {column: value.strip() for column, value in row.items()}
    for column, value in values.items():
        if len(value) > LONGEST_VALUE:
            problems.append((column, f"longer than {LONGEST_VALUE} characters"))
        elif (control := control_character(value, allowed="\t")) is not None:
            problems.append((column, control_reason(control)))
    for column in REQUIRED_COLUMNS:
        if not values.get(column):
            problems.append((column, "missing; every row needs one"))
    if values.get("id") and not _ID.match(values["id"]):
        problems.append(("id", f"{values['id']!r}: use letters, digits, '.', '_' and '-' "
                               "(at most 64, starting with a letter or digit)"))  # fmt: skip
    if values.get("start"):
        try:
            parse_start(values["start"])
        except RequestValueError as error:
            problems.append(("start", error.message))
    calendar, terms = values.get("calendar") or None, values.get("terms") or None
    if calendar and terms:
        problems.append(("calendar", "give calendar or terms, not both"))
    elif not calendar and not terms:
        problems.append(("calendar", "missing; give a bundled calendar like kent, or terms"))
    elif calendar and calendar.lower() not in calendars:
        guess = difflib.get_close_matches(calendar.lower(), list(calendars), n=1, cutoff=0.6)
        hint = f"did you mean {guess[0]!r}? " if guess else ""
        problems.append(("calendar", f"{calendar!r}: {hint}bundled calendars are "
                                     f"{', '.join(sorted(calendars))}"))  # fmt: skip
    email = values.get("email") or None
    if email and not _EMAIL.match(email):
        problems.append(("email", f"{email!r}: not an email address"))
    numbers: dict[str, float | None] = {}
    for column in ("session_hours", "weekly_cap"):
        text = values.get(column) or ""
        if text and not _NUMBER.match(text):
            problems.append((column, f"{text!r}: give a number of hours, like 1.5"))
        numbers[column] = float(text) if text and _NUMBER.match(text) else None
    if problems:
        return None, problems
    found = Participant(
        line=line,
        id=values["id"],
        name=values["name"],
        school=values["school"],
        start=values["start"],
        calendar=calendar,
        terms=terms,
        email=email,
    )
    found = replace(
        found,
        study_days=values.get("study_days") or found.study_days,
        study_time=values.get("study_time") or found.study_time,
        session_hours=(
            found.session_hours if numbers["session_hours"] is None else numbers["session_hours"]
        ),
        weekly_cap=numbers["weekly_cap"],
    )
    problems = _study_problems(found.request(""))
    return (None, problems) if problems else (found, [])


STUDY_COLUMNS = ("study_days", "study_time", "session_hours", "weekly_cap")


def _study_problems(request: PlanRequest) -> list[tuple[str, str]]:
    """Each study option's own problem; when each is fine alone, what they make together (a
    session from 22:30 that lasts 1.5 h)."""
    try:
        preferences_of(request)
        return []
    except RequestValueError as error:
        together = [(error.field, error.message)]
    problems: list[tuple[str, str]] = []
    for column in STUDY_COLUMNS:
        try:
            preferences_of(replace(_DEFAULTS, **{column: getattr(request, column)}))
        except RequestValueError as error:
            problems.append((error.field, error.message))
    return problems or together


# -- one participant's plan ---------------------------------------------------------------------


@dataclass(frozen=True)
class Conflict:
    """A fixed event on a day a participant's school is not open."""

    component: str
    day: date
    why: str


@dataclass(frozen=True)
class Outcome:
    """What the cohort report keeps of one participant's plan: small, whatever the plan's size."""

    participant: Participant
    calendar: str
    start: date
    verdict: Verdict
    weeks_over: tuple[date, ...]
    days_out: tuple[date, ...]
    conflicts: tuple[Conflict, ...]
    estimated_years: tuple[str, ...] = ()
    provisional_years: tuple[str, ...] = ()
    # In-person day events in term (the days out, for cover), and the assessment window: what
    # the participant's school sees in its calendar. A few sessions, whatever the plan's size.
    out_of_school: tuple[Session, ...] = ()
    assessment: tuple[Session, ...] = ()

    @property
    def outside_target(self) -> bool:
        return self.verdict is not Verdict.WITHIN

    @property
    def away(self) -> tuple[Session, ...]:
        """Every session the participant's school calendar shows, in date order."""
        return tuple(sorted((*self.out_of_school, *self.assessment)))


def outcome_of(participant: Participant, plan: Plan, calendar: SchoolCalendar) -> Outcome:
    report = check_hours(plan)
    return Outcome(
        participant=participant,
        calendar=calendar.name,
        start=plan.start,
        verdict=report.verdict,
        weeks_over=tuple(flagged.week.week_start for flagged in report.weeks_over),
        days_out=tuple(day for s in report.out_of_school for day in weekdays(s)),
        conflicts=tuple(fixed_conflicts(plan, calendar)),
        estimated_years=plan.estimated_years,
        provisional_years=plan.provisional_years,
        out_of_school=report.out_of_school,
        assessment=tuple(s for s in plan.sessions if s.kind is ComponentKind.ASSESSMENT),
    )


def weekdays(session: Session) -> Iterator[date]:
    """The weekdays a session spans: the days a school would have to cover."""
    return (day for day in _days(session) if day.weekday() < 5)


def fixed_conflicts(plan: Plan, calendar: SchoolCalendar) -> Iterator[Conflict]:
    """Each fixed event with a day that is not a school day for this calendar, and why."""
    for session in plan.sessions:
        if not session.fixed:
            continue
        reasons = [why_closed(day, calendar) for day in _days(session)]
        closed = list(dict.fromkeys(reason for reason in reasons if reason is not None))
        if closed:
            yield Conflict(session.component, session.day, "; ".join(closed))


def why_closed(day: date, calendar: SchoolCalendar) -> str | None:
    """Why a school on `calendar` is closed on `day`, or None on a school day."""
    if calendar.is_school_day(day):
        return None
    if day.weekday() >= 5:
        return "weekend"
    if day in calendar.bank_holidays:
        return f"bank holiday ({calendar.bank_holidays[day]})"
    unsure = calendar.unsure_on(day)
    why = calendar.holiday_name(day) or "not a school day"
    return f"{why} ({unsure} dates)" if unsure else why


def _days(session: Session) -> Iterator[date]:
    for offset in range((session.end_date - session.day).days + 1):
        yield session.day + timedelta(days=offset)


# -- the cohort ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ConflictGroup:
    """A fixed event that falls on a closed day for these participants of one council."""

    component: str
    day: date
    why: str
    calendar: str
    participants: tuple[str, ...]
    names: tuple[str, ...] = ()

    @property
    def named(self) -> tuple[str, ...]:
        """Each participant as a person reads them: `Kim Lee (k1)`."""
        return tuple(
            f"{name} ({who})" for name, who in zip(self.names, self.participants, strict=True)
        )


@dataclass(frozen=True)
class Cover:
    """Participant-days out of school, which the school must cover, in one month."""

    school: str
    month: str
    days: int


class DayPart(StrEnum):
    WHOLE = "whole day"
    MORNING = "morning"
    AFTERNOON = "afternoon"


@dataclass(frozen=True)
class CoverDay:
    """One participant out of school on one day: a line a cover manager can book from."""

    school: str
    name: str
    id: str
    day: date
    part: DayPart
    start: time | None
    end: time | None
    component: str
    kind: str


def day_part(session: Session) -> DayPart:
    """A timed session over by 13:00 is a morning, one from 12:00 an afternoon; else all day."""
    if session.all_day or session.start is None or session.end is None:
        return DayPart.WHOLE
    if session.end_date == session.day and session.end <= HALF_DAY_ENDS:
        return DayPart.MORNING
    if session.end_date == session.day and session.start >= HALF_DAY_BEGINS:
        return DayPart.AFTERNOON
    return DayPart.WHOLE


@dataclass(frozen=True)
class CohortReport:
    programme: str
    title: str
    outcomes: tuple[Outcome, ...]
    conflicts: tuple[ConflictGroup, ...]
    cover: tuple[Cover, ...]
    provider: str = ""

    @property
    def cover_days(self) -> tuple[CoverDay, ...]:
        """Every participant-day out of school, by school, date, then participant's name."""
        found = [
            CoverDay(
                outcome.participant.school,
                outcome.participant.name,
                outcome.participant.id,
                day,
                day_part(session),
                None if session.all_day else session.start,
                None if session.all_day else session.end,
                session.component,
                session.kind.value,
            )
            for outcome in self.outcomes
            for session in outcome.out_of_school
            for day in weekdays(session)
        ]
        return tuple(
            sorted(
                found,
                key=lambda c: (
                    c.school.casefold(),
                    c.school,
                    c.day,
                    c.start or time.min,
                    c.name.casefold(),
                    c.id,
                ),
            )
        )

    @property
    def outside_target(self) -> tuple[Outcome, ...]:
        return tuple(outcome for outcome in self.outcomes if outcome.outside_target)

    @property
    def all_clear(self) -> bool:
        """No conflict and every participant within the target."""
        return not self.conflicts and not self.outside_target


def cohort_report(
    programme: str, title: str, outcomes: Iterable[Outcome], provider: str = ""
) -> CohortReport:
    """Outcomes in roster order; conflicts by event, date and council; cover by school, month."""
    ordered = tuple(sorted(outcomes, key=lambda outcome: outcome.participant.line))
    grouped: dict[tuple[date, str, str, str], list[Participant]] = defaultdict(list)
    cover: dict[tuple[str, str], int] = defaultdict(int)
    for outcome in ordered:
        for conflict in outcome.conflicts:
            key = (conflict.day, conflict.component, outcome.calendar, conflict.why)
            grouped[key].append(outcome.participant)
        for day in outcome.days_out:
            cover[(outcome.participant.school, f"{day:%Y-%m}")] += 1
    return CohortReport(
        programme=programme,
        title=title,
        outcomes=ordered,
        conflicts=tuple(
            ConflictGroup(
                component, day, why, calendar, tuple(p.id for p in who), tuple(p.name for p in who)
            )
            for (day, component, calendar, why), who in sorted(grouped.items())
        ),
        cover=tuple(Cover(school, month, days) for (school, month), days in sorted(cover.items())),
        provider=provider,
    )


# -- choosing a date ----------------------------------------------------------------------------


RANKING_RULE = "fewest participants out of term first, then fewest councils affected, then earliest"


@dataclass(frozen=True)
class CouncilDays:
    """A school calendar's participants on an event's days: all in term, or all out and why."""

    calendar: str
    participants: int
    why: str | None  # None when its schools are open on every day of the event

    @property
    def in_term(self) -> int:
        return self.participants if self.why is None else 0

    @property
    def out_of_term(self) -> int:
        return 0 if self.why is None else self.participants


@dataclass(frozen=True)
class UnsureCalendar:
    """A calendar whose dates for some years of a span are estimated or provisional."""

    name: str
    estimated_years: tuple[str, ...]
    provisional_years: tuple[str, ...]


def unsure_calendars(
    calendars: Iterable[SchoolCalendar], first: date, last: date
) -> list[UnsureCalendar]:
    found = {
        calendar.name: UnsureCalendar(
            calendar.name,
            tuple(calendar.estimated_years(first, last)),
            tuple(calendar.provisional_years(first, last)),
        )
        for calendar in calendars
    }
    return [c for _, c in sorted(found.items()) if c.estimated_years or c.provisional_years]


@dataclass(frozen=True)
class Candidate:
    """Days for an event, and each council's participants in term or not on them."""

    first: date
    last: date
    councils: tuple[CouncilDays, ...]  # those out of term first, then by name

    @property
    def in_term(self) -> int:
        return sum(council.in_term for council in self.councils)

    @property
    def out_of_term(self) -> int:
        return sum(council.out_of_term for council in self.councils)

    @property
    def away(self) -> tuple[CouncilDays, ...]:
        """The councils whose schools are closed on a day of the event."""
        return tuple(council for council in self.councils if council.why is not None)


def candidate_dates(
    participants: Sequence[Participant],
    calendars: Mapping[str, SchoolCalendar],
    first: date,
    last: date,
    days: int,
) -> list[Candidate]:
    """Every run of `days` weekdays in one week from `first` to `last`, ranked by RANKING_RULE.

    `calendars` holds each participant's school calendar by `Participant.calendar_key`. The
    work grows with the days times the calendars: the participants are only counted.
    """
    if not 1 <= days <= LONGEST_EVENT_DAYS:
        raise ValueError(f"an event lasts 1 to {LONGEST_EVENT_DAYS} days")
    counts: dict[str, int] = defaultdict(int)
    for participant in participants:
        counts[participant.calendar_key] += 1
    span = (last - first).days + 1
    closed = {
        key: [why_closed(first + timedelta(days=n), calendars[key]) for n in range(span)]
        for key in counts
    }
    found: list[Candidate] = []
    for offset in range(span - days + 1):
        day = first + timedelta(days=offset)
        if day.weekday() + days > 5:
            continue
        councils = []
        for key, number in counts.items():
            why = next((w for w in closed[key][offset : offset + days] if w is not None), None)
            councils.append(CouncilDays(calendars[key].name, number, why))
        councils.sort(key=lambda c: (c.why is None, c.calendar, -c.participants))
        found.append(Candidate(day, day + timedelta(days=days - 1), tuple(councils)))
    return sorted(found, key=lambda c: (c.out_of_term, len(c.away), c.first))


# -- the files of a run -------------------------------------------------------------------------

SCHOOLS_FOLDER = "schools"
_NOT_IN_A_NAME = re.compile(r"[^a-z0-9]+")


def school_files(schools: Iterable[str]) -> dict[str, str]:
    """Each school's calendar file in a run's folder, named from the school's name: lower-case
    letters, digits and '-' only (never a path), numbered when two names come out the same."""
    found: dict[str, str] = {}
    taken: set[str] = set()
    for school in sorted(set(schools), key=lambda name: (name.casefold(), name)):
        plain = unicodedata.normalize("NFKD", school).encode("ascii", "ignore").decode().lower()
        stem = _NOT_IN_A_NAME.sub("-", plain).strip("-")[:60].strip("-") or "school"
        name, number = stem, 1
        while name in taken:
            number += 1
            name = f"{stem}-{number}"
        taken.add(name)
        found[school] = f"{SCHOOLS_FOLDER}/{name}.ics"
    return found
