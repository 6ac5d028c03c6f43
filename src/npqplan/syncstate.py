"""What a calendar sync remembers, and the sessions a person moved in their calendar. Pure.

A synced event is an exported event (UID, fingerprint, SEQUENCE) plus where it lives on the
server and the ETag the server gave our last write of it: an ETag that differs later means the
person changed the event. A pin is a session the person moved and asked to keep
(`sync --take-theirs`): the plan puts that session where the person put it, as a fixed date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime, time

from npqplan.plan import ExportedEvent, Plan, Session, monday_of

PINNED_NOTE = "moved in your own calendar"


@dataclass(frozen=True)
class SyncedEvent:
    event: ExportedEvent
    href: str
    etag: str


@dataclass(frozen=True)
class Pin:
    """Where the person put one session (by its identity): a day, and a time unless all-day."""

    identity: str
    day: date
    start: time | None


def pin_problem(plan: Plan, session: Session, pin: Pin) -> str | None:
    """Why the plan cannot put `session` where the person put it, or None when it can."""
    if not plan.weeks or not plan.weeks[0].week_start <= pin.day <= plan.weeks[-1].week_end:
        return f"{pin.day.isoformat()} is outside the plan's weeks"
    if not session.all_day and pin.start is not None and _finish(session, pin).date() != pin.day:
        return f"it would run past midnight from {pin.start:%H:%M}"
    return None


def pinned(plan: Plan, pins: Mapping[str, Pin]) -> Plan:
    """The plan with each pinned session moved to its pin and marked fixed, so that a re-plan
    leaves it there. A pin whose session the plan no longer has, or that does not fit the plan
    (`pin_problem`), changes nothing. Hours stay the same: a session keeps its length."""
    wanted = {
        s.identity: pins[s.identity]
        for s in plan.sessions
        if s.identity in pins and pin_problem(plan, s, pins[s.identity]) is None
    }
    if not wanted:
        return plan
    moved = [_moved(s, wanted[s.identity]) for s in plan.sessions if s.identity in wanted]
    weeks = []
    for week in plan.weeks:
        stay = tuple(s for s in week.sessions if s.identity not in wanted)
        arriving = tuple(s for s in moved if monday_of(s.day) == week.week_start)
        weeks.append(replace(week, sessions=tuple(sorted(stay + arriving, key=_order))))
    return replace(plan, weeks=tuple(weeks))


def _finish(session: Session, pin: Pin) -> datetime:
    assert session.start is not None
    assert session.end is not None
    assert pin.start is not None
    length = datetime.combine(session.day, session.end) - datetime.combine(
        session.day, session.start
    )
    return datetime.combine(pin.day, pin.start) + length


def _order(session: Session) -> tuple[date, time, str]:
    return session.day, session.start or time.min, session.identity


def _moved(session: Session, pin: Pin) -> Session:
    provenance = session.provenance
    if PINNED_NOTE not in provenance:
        provenance = f"{provenance}; {PINNED_NOTE}" if provenance else PINNED_NOTE
    if session.all_day or pin.start is None or session.start is None:
        # An all-day session moves by whole days; a timed one moved to a day keeps its time.
        return replace(
            session,
            day=pin.day,
            end_date=session.end_date + (pin.day - session.day),
            fixed=True,
            provenance=provenance,
        )
    return replace(
        session,
        day=pin.day,
        start=pin.start,
        end=_finish(session, pin).time(),
        end_date=pin.day,
        fixed=True,
        provenance=provenance,
    )
