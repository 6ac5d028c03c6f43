"""A person's own calendar file (iCalendar) -> the times they are busy, in England's local time.

Teachers' evenings hold parents' evenings, governors' meetings and clubs. An export of their
calendar (Google, Outlook, Apple) is read with `recurring_ical_events`, so repeating events
(RRULE, RDATE, EXDATE and moved occurrences) count on every day they happen, each in its own
time zone. Events marked free (TRANSP:TRANSPARENT) or cancelled are not busy time.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events

from npqplan.errors import InvalidFileError
from npqplan.plan import BusyTime
from npqplan.yamlfile import read_text

ENGLAND = ZoneInfo("Europe/London")
# A whole personal calendar exported over years is far larger than a programme file.
MAX_CALENDAR_BYTES = 16 * 1024 * 1024
MIDNIGHT = time(0, 0)


def read_busy_times(
    path: Path, first: date, last: date, display: str | None = None
) -> frozenset[BusyTime]:
    """Every busy stretch in `path` between `first` and `last`, split at midnight."""
    shown = display or str(path)
    try:
        calendar = icalendar.Calendar.from_ical(read_text(path, shown, MAX_CALENDAR_BYTES))
        events = recurring_ical_events.of(calendar).between(first, last + timedelta(days=1))
        return frozenset(busy for event in events if _busy(event) for busy in _times(event))
    except InvalidFileError:
        raise
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        # icalendar and recurring_ical_events raise these for text that is not a calendar.
        raise InvalidFileError([f"{shown}: not a calendar file that can be read ({exc})"]) from None


def _busy(event: icalendar.cal.Component) -> bool:
    transparent = str(event.get("TRANSP", "OPAQUE")).upper() == "TRANSPARENT"
    cancelled = str(event.get("STATUS", "")).upper() == "CANCELLED"
    return not transparent and not cancelled and "DTSTART" in event


def _times(event: icalendar.cal.Component) -> Iterable[BusyTime]:
    start = event.decoded("DTSTART")
    end = event.decoded("DTEND") if "DTEND" in event else None
    if not isinstance(start, datetime):
        last = end - timedelta(days=1) if isinstance(end, date) and end > start else start
        yield from (BusyTime(day, None, None) for day in _days(start, last))
        return
    start = _local(start)
    end = _local(end) if isinstance(end, datetime) else start + _duration(event)
    if end <= start:
        return
    for day in _days(start.date(), end.date()):
        begins = start.time() if day == start.date() else MIDNIGHT
        if day == end.date():
            if end.time() > begins:
                yield BusyTime(day, begins, end.time())
        else:
            yield BusyTime(day, begins, time(23, 59))


def _duration(event: icalendar.cal.Component) -> timedelta:
    value = event.decoded("DURATION") if "DURATION" in event else None
    return value if isinstance(value, timedelta) else timedelta(0)


def _local(moment: datetime) -> datetime:
    """In England's time, without the zone: a floating time is already local."""
    if moment.tzinfo is None:
        return moment
    return moment.astimezone(ENGLAND).replace(tzinfo=None)


def _days(first: date, last: date) -> list[date]:
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]
