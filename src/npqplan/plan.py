"""What the scheduler produces: a frozen, dated plan of weeks and sessions, in 5-minute units."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from npqplan.schema import ComponentKind, Delivery, IfMissed

ACROSS_ALL_TERMS = "Across all terms"
FINAL_ASSESSMENT = "Final assessment"
AFTER_TAUGHT = "After the taught programme"
AWAITING_RESULTS = "Waiting for results"
MINUTES_PER_UNIT = 5
UNITS_PER_HOUR = 60 // MINUTES_PER_UNIT
# Evening study ends by this time: a plan never books self-study later, nor past midnight.
LATEST_END = time(23, 0)


def to_units(hours: float) -> int:
    """Hours as whole 5-minute units, the unit every sum in a plan is made in."""
    return round(hours * UNITS_PER_HOUR)


def to_hours(units: int) -> float:
    return units / UNITS_PER_HOUR


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class BusyTime:
    """A stretch of a day the person's own calendar holds; all day when it has no times."""

    day: date
    start: time | None
    end: time | None

    def overlaps(self, start: time, end: time) -> bool:
        if self.start is None or self.end is None:
            return True
        return self.start < end and start < self.end


@dataclass(frozen=True)
class BusyCalendarRead:
    """What reading one of the person's own calendars found in the plan's dates: its busy
    times, and the events that were not counted, by why."""

    file: str
    times: int
    events: int = 0
    free: int = 0
    free_all_day: int = 0
    cancelled: int = 0
    without_start: int = 0
    not_followed: int = 0


@dataclass(frozen=True)
class Preferences:
    """How a participant wants to study. Weekdays are numbered Monday 0 to Sunday 6."""

    study_days: tuple[int, ...] = (1, 3)
    study_time: time = time(16, 30)
    event_day: int = 2
    event_time: time = time(15, 30)
    session_hours: float = 1.0
    weekly_cap: float | None = None
    blocked: frozenset[date] = frozenset()
    holiday_study: bool = False
    busy: frozenset[BusyTime] = frozenset()


@dataclass(frozen=True, order=True)
class Session:
    """One thing to do: a dated, timed (or all-day) piece of one component."""

    day: date
    start: time | None
    component: str
    term: str
    occurrence: int
    kind: ComponentKind
    delivery: Delivery
    end_date: date
    end: time | None
    all_day: bool
    hours: float
    fixed: bool
    provenance: str = ""
    location: str | None = None
    # What the provider offers if it is missed, and whether it counts towards engagement.
    if_missed: IfMissed | None = None
    counts_for_engagement: bool = True

    @property
    def minutes(self) -> int:
        return round(self.hours * 60)

    @property
    def identity(self) -> str:
        """Stable across re-plans: which component and which of its occurrences, never the date."""
        return f"{self.term}/{self.component}/{self.occurrence}"

    @property
    def is_live(self) -> bool:
        """Held at a set time with other people, online or in person."""
        return self.delivery is not Delivery.SELF_DIRECTED

    @property
    def can_be_caught_up(self) -> bool:
        """Work the participant can do later alone: self-directed work, or a live session the
        provider records or gives materials for; never the final assessment's window."""
        return self.kind is not ComponentKind.ASSESSMENT and (
            not self.is_live or self.if_missed in (IfMissed.RECORDING, IfMissed.MATERIALS)
        )


@dataclass(frozen=True)
class Week:
    week_start: date
    label: str
    holiday: bool
    term: str | None
    sessions: tuple[Session, ...]

    @property
    def hours(self) -> float:
        return self.minutes / 60

    @property
    def minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)

    @property
    def week_end(self) -> date:
        return self.week_start + timedelta(days=6)


@dataclass(frozen=True)
class Plan:
    programme_id: str
    title: str
    provider: str
    start: date
    taught_end: date
    end: date
    target: tuple[float, float]
    calendar_name: str
    weeks: tuple[Week, ...]
    declared_total: float | None = None
    weekly_cap: float = 2.0
    warnings: tuple[str, ...] = field(default=())
    # What the plan made of the programme where the calendar decides (sessions per cadence).
    notes: tuple[str, ...] = field(default=())
    # The provider's engagement rule: percent of live sessions, percent of self-directed work.
    engagement_rule: tuple[int | None, int | None] | None = None
    # Sessions placed elsewhere than they would be without the person's busy times, if given.
    moved_for_busy: int | None = None
    # What each of those calendars held in the plan's dates.
    busy_read: tuple[BusyCalendarRead, ...] = field(default=())

    @property
    def sessions(self) -> tuple[Session, ...]:
        return tuple(s for week in self.weeks for s in week.sessions)

    @property
    def total_hours(self) -> float:
        return self.total_minutes / 60

    @property
    def total_minutes(self) -> int:
        return sum(s.minutes for s in self.sessions)


@dataclass(frozen=True)
class ExportedEvent:
    """What one export said about one event; the next export of the plan compares with it."""

    uid: str
    fingerprint: str
    sequence: int
    # UTC; when the event last changed after its first export (None while sequence is 0).
    modified: datetime | None
    # The session as exported, so that a session a re-plan drops can still be cancelled.
    session: Session
    cancelled: bool = False
