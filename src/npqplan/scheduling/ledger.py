"""The plan's state while it is built or re-planned: sessions, events by day, load by week.

Every rule module reads and adds to one `Ledger`; nothing else holds state. Lengths are whole
minutes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from npqplan.plan import Session, monday_of
from npqplan.schema import Component


@dataclass(frozen=True)
class Slot:
    """Where a session goes: a day (or run of days) and, unless all day, its times."""

    day: date
    end_date: date
    start: time | None
    end: time | None


@dataclass
class Ledger:
    sessions: list[Session] = field(default_factory=list)
    events: dict[date, list[Slot]] = field(default_factory=lambda: defaultdict(list))
    # Weeks that hold an event, kept as events are placed rather than found again each time.
    event_weeks: set[date] = field(default_factory=set)
    # Minutes planned in each week (by its Monday).
    load: dict[date, int] = field(default_factory=lambda: defaultdict(int))
    warnings: list[str] = field(default_factory=list)
    # What the calendar decided: minutes and sessions made for each cadenced component.
    cadence_minutes: int = 0
    cadence_counts: dict[tuple[str, str], int] = field(default_factory=dict)
    assessment_days: tuple[date, date] | None = None
    # Sessions placed elsewhere than their first choice because of the person's busy times.
    moved_for_busy: int = 0
    # Fixed sessions that fall on a busy time: kept, and shown.
    clashes: list[Session] = field(default_factory=list)
    # Moves on each time a day gains an event: what was worked out from the events before
    # (a week's study days) is worked out again.
    events_version: int = 0

    def record_event(self, session: Session, slot: Slot, *, spaced: bool) -> None:
        """An event: its days are taken, and `spaced` ones keep other events a week away."""
        for offset in range((slot.end_date - slot.day).days + 1):
            day = slot.day + timedelta(days=offset)
            self.events[day].append(slot)
            if spaced:
                self.event_weeks.add(monday_of(day))
        self.events_version += 1
        self.add(session)

    def add(self, session: Session) -> None:
        self.load[monday_of(session.day)] += session.minutes
        self.sessions.append(session)

    def take_evening(self, session: Session) -> None:
        """A sitting already in the plan (a re-plan keeps it): later sittings start after it."""
        if session.start is not None and session.end is not None:
            self.events[session.day].append(
                Slot(session.day, session.end_date, session.start, session.end)
            )
        elif session.all_day:
            for offset in range((session.end_date - session.day).days + 1):
                day = session.day + timedelta(days=offset)
                self.events[day].append(Slot(day, day, None, None))
        self.events_version += 1
        self.add(session)


def session_of(
    component: Component, term: str, slot: Slot, minutes: int, *, fixed: bool
) -> Session:
    return Session(
        day=slot.day,
        start=slot.start,
        component=component.name,
        term=term,
        occurrence=0,
        kind=component.kind,
        delivery=component.delivery,
        end_date=slot.end_date,
        end=slot.end,
        all_day=slot.start is None,
        minutes=minutes,
        fixed=fixed,
        provenance=provenance(component),
        location=component.location,
        if_missed=component.if_missed,
        counts_for_engagement=component.counts_towards_engagement,
    )


def provenance(component: Component) -> str:
    parts = []
    if component.source is not None:
        parts.append(f'{component.source.doc}: "{component.source.quote}"')
    if component.assumed:
        parts.append(f"assumed: {component.assumed}")
    return "; ".join(parts)
