"""A school's own calendar file (iCalendar) -> its term dates, and what could not be read.

Schools publish term dates from their calendar systems as all-day events. Events whose names
say a term starts or ends bound the terms; half terms, holidays and closures inside a term are
breaks; INSET and training days are INSET days. Anything else is listed as not understood, so a
person can check what was read before planning on it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import icalendar
from pydantic import ValidationError

from npqplan.calendar import school_year_of, year_label
from npqplan.errors import InvalidFileError
from npqplan.icsfile import read_calendar_text
from npqplan.schema import TermDatesFile, control_character, control_reason
from npqplan.yamlfile import MAX_BYTES

_STARTS = re.compile(r"\b(term (starts|begins)|(start|first day|beginning) of (the )?term)\b", re.I)
_ENDS = re.compile(r"\b(term ends|(end|last day) of (the )?term|breaks? up)\b", re.I)
_INSET = re.compile(r"\b(inset|training day|staff development|teacher day)\b", re.I)
_HALF = re.compile(r"\bhalf[ -]?term\b", re.I)
_BREAK = re.compile(r"\b(half[ -]?term|holiday|closure|closed)\b", re.I)


@dataclass(frozen=True)
class SchoolCalendarFile:
    """What a school's calendar file says, read as term dates, and the events it could not use."""

    term_dates: TermDatesFile
    not_understood: tuple[str, ...]


@dataclass(frozen=True)
class _CalendarEvent:
    summary: str
    first: date
    last: date


def read_school_calendar(path: Path, display: str | None = None) -> SchoolCalendarFile:
    """The term dates in `path`, an iCalendar file; InvalidFileError when it has none."""
    shown = display or str(path)
    name, events = _all_day_events(path, shown)
    starts = sorted(e.first for e in events if _starts_a_term(e))
    ends = sorted(e.last for e in events if _ends_a_term(e))
    terms = _terms(starts, ends)
    if not terms:
        raise InvalidFileError(
            [
                f"{shown}: no terms can be read: it needs all-day events named like "
                "'Term starts' and 'Term ends' (or 'First day of term', 'Last day of term')"
            ]
        )
    used = {e for e in events if _starts_a_term(e) or _ends_a_term(e)}
    years: dict[int, list[dict[str, object]]] = {}
    inset: dict[int, list[date]] = {}
    for first, last in terms:
        inside = [
            event
            for event in events
            if first <= event.first and event.last <= last and event not in used
        ]
        trainings = [event for event in inside if _INSET.search(event.summary)]
        # "Breaks up for half term" is the last school day before it, not a day off.
        breaks = [
            e
            for e in inside
            if _BREAK.search(e.summary) and not _ENDS.search(e.summary) and e not in trainings
        ]
        used |= {*trainings, *breaks}
        year = school_year_of(first)
        inset.setdefault(year, []).extend(
            day for event in trainings for day in _weekdays(event.first, event.last)
        )
        years.setdefault(year, []).append(
            {
                "name": _term_name(first),
                "start": first,
                "end": last,
                "breaks": [
                    {"name": _break_name(e), "start": e.first, "end": e.last} for e in breaks
                ],
            }
        )
    # Holidays between terms are already what they are: days with no term.
    used |= {e for e in events if _BREAK.search(e.summary) and not _inside_any(e, terms)}
    data = {
        "id": "school-calendar-file",
        "name": name or path.stem,
        "years": [
            {
                "year": year_label(year),
                "source": f"the school's own calendar file, {path.name}",
                "terms": year_terms,
                "inset_days": inset.get(year, []),
            }
            for year, year_terms in sorted(years.items())
        ],
    }
    try:
        term_dates = TermDatesFile.model_validate(data)
    except ValidationError as exc:
        first_error = exc.errors(include_url=False)[0]
        reason = str(first_error["msg"]).removeprefix("Value error, ")
        raise InvalidFileError(
            [f"{shown}: the terms read from it do not add up: {reason}"]
        ) from None
    not_understood = tuple(
        f"{e.summary or '(no name)'} ({_span(e)})"
        for e in sorted(set(events) - used, key=lambda e: (e.first, e.summary))
    )
    return SchoolCalendarFile(term_dates, not_understood)


def _all_day_events(path: Path, shown: str) -> tuple[str, list[_CalendarEvent]]:
    """The calendar's name (X-WR-CALNAME or NAME, if it has one) and its all-day events."""
    raw = read_calendar_text(path, shown, MAX_BYTES)  # bounded, regular, unfolded, UTF-8
    # Names read here reach terminals, calendars and spreadsheets: no control characters.
    for number, line in enumerate(re.split(r"\r?\n|\r", raw), 1):
        if (control := control_character(line, allowed="\t")) is not None:
            raise InvalidFileError(
                [f"{shown}:{number}:{control[0] + 1}: {control_reason(control)}"]
            )
    try:
        calendar = icalendar.Calendar.from_ical(raw)
    except ValueError as exc:
        raise InvalidFileError([f"{shown}: not an iCalendar file ({exc})"]) from None
    events = []
    for vevent in calendar.walk("VEVENT"):
        summary = str(vevent.get("SUMMARY", "")).strip()
        try:
            start = vevent.get("DTSTART")
            if start is None or isinstance(start.dt, datetime):
                continue  # a timed event (a parents' evening) says nothing about terms
            first: date = start.dt
            end = vevent.get("DTEND")
            last = (
                end.dt - timedelta(days=1)
                if end is not None and not isinstance(end.dt, datetime)
                else first
            )
        except (AttributeError, TypeError, ValueError):
            # icalendar keeps a property it could not parse, and fails when it is read
            raise InvalidFileError(
                [f"{shown}: the date of the event {summary!r} cannot be read"]
            ) from None
        events.append(_CalendarEvent(summary, first, max(first, last)))
    name = str(calendar.get("X-WR-CALNAME") or calendar.get("NAME") or "").strip()[:120]
    return name, events


def _starts_a_term(event: _CalendarEvent) -> bool:
    # "Half term starts" starts a break, not a term.
    return bool(_STARTS.search(event.summary)) and not _HALF.search(event.summary)


def _ends_a_term(event: _CalendarEvent) -> bool:
    return (
        bool(_ENDS.search(event.summary))
        and not _HALF.search(event.summary)
        and not _starts_a_term(event)
    )


def _terms(starts: list[date], ends: list[date]) -> list[tuple[date, date]]:
    """Each start with the first end after it (and before the next start)."""
    terms = []
    for index, first in enumerate(starts):
        following = starts[index + 1] if index + 1 < len(starts) else date.max
        last = next((end for end in ends if first <= end < following), None)
        if last is not None:
            terms.append((first, last))
    return terms


def _span(event: _CalendarEvent) -> str:
    if event.first == event.last:
        return event.first.isoformat()
    return f"{event.first.isoformat()} to {event.last.isoformat()}"


def _break_name(event: _CalendarEvent) -> str:
    return "Half-term" if _HALF.search(event.summary) else event.summary[:120]


def _term_name(first: date) -> str:
    if first.month >= 8:
        return "Autumn"
    return "Spring" if first.month <= 3 else "Summer"


def _inside_any(event: _CalendarEvent, terms: list[tuple[date, date]]) -> bool:
    return any(first <= event.first and event.last <= last for first, last in terms)


def _weekdays(first: date, last: date) -> list[date]:
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [day for day in days if day.weekday() < 5]
