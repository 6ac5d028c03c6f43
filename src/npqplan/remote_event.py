"""What a sync reads from one event on the server: its UID, our mark, SEQUENCE, and where it
starts now (for a session the person moved). Anything unreadable is simply not ours."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import icalendar

from npqplan import ics
from npqplan.plan import Session
from npqplan.syncstate import Pin


@dataclass(frozen=True)
class FoundEvent:
    uid: str
    fingerprint: str | None
    sequence: int
    modified: datetime | None
    start: date | datetime | None


def read_event(data: bytes) -> FoundEvent | None:
    """What a sync needs of an event it read; None for anything it cannot read as one event
    (an event of the person's own may be anything)."""
    try:
        events = icalendar.Calendar.from_ical(data).walk("VEVENT")
        if len(events) != 1 or "UID" not in events[0]:
            return None
        event = events[0]
        mark = event.get(ics.SYNC_MARK)
        modified = event.decoded("LAST-MODIFIED") if "LAST-MODIFIED" in event else None
        start = event.decoded("DTSTART") if "DTSTART" in event else None
        return FoundEvent(
            str(event["UID"]),
            None if mark is None else str(mark),
            int(event.get("SEQUENCE", 0)),
            modified if isinstance(modified, datetime) else None,
            start if isinstance(start, date) else None,
        )
    except (ValueError, TypeError, KeyError):
        return None


def their_pin(data: bytes | None, planned: Session | None) -> Pin | None:
    """Where the person put a session of ours (`data`: the event as they left it), as a pin;
    None when there is nothing to keep (they deleted it, or the plan no longer has it)."""
    start = their_start(data)
    if planned is None or start is None:
        return None
    if isinstance(start, datetime):
        return Pin(planned.identity, start.date(), start.time().replace(tzinfo=None))
    return Pin(planned.identity, start, None)


def their_start(data: bytes | None) -> date | datetime | None:
    """When the event starts in the person's calendar now (London time), if it is there."""
    found = read_event(data) if data is not None else None
    if found is None or found.start is None:
        return None
    if isinstance(found.start, datetime) and found.start.tzinfo:
        return found.start.astimezone(ics.LONDON)
    return found.start
