"""What the scheduler produces: a frozen, dated plan of weeks and sessions, in whole minutes."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from npqplan.schema import ComponentKind, Delivery, IfMissed

ACROSS_ALL_TERMS = "Across all terms"
FINAL_ASSESSMENT = "Final assessment"
AFTER_TAUGHT = "After the taught programme"
AWAITING_RESULTS = "Waiting for results"
# Every length in a plan is a whole number of these: the finest step any programme is given in.
MINUTES_PER_UNIT = 5
# Self-study ends by this time unless the person says otherwise (`Preferences.latest`).
DEFAULT_LATEST = time(21, 30)
# Nothing is ever booked later than this, whatever the person asks: a plan never runs past
# midnight, and an evening needs an end.
LATEST_END = time(23, 0)
DEFAULT_BUFFER_MINUTES = 15


def to_minutes(hours: float) -> int:
    """Hours as whole minutes (hours are only ever shown or typed, never summed)."""
    return round(hours * 60)


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
    session_minutes: int = 60
    weekly_cap_minutes: int | None = None
    blocked: frozenset[date] = frozenset()
    holiday_study: bool = False
    busy: frozenset[BusyTime] = frozenset()
    # Self-study ends by `latest`, and starts `buffer_minutes` after anything busy that evening.
    latest: time = DEFAULT_LATEST
    buffer_minutes: int = DEFAULT_BUFFER_MINUTES


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
    minutes: int
    fixed: bool
    provenance: str = ""
    location: str | None = None
    # What the provider offers if it is missed, and whether it counts towards engagement.
    if_missed: IfMissed | None = None
    counts_for_engagement: bool = True
    # Study a re-plan made to make up for work owed: a missed live session becomes self-study.
    catch_up: bool = False
    # A session the plan only pencilled in, moved to another slot off the person's own busy
    # times: when it is held is theirs to arrange, so it is never counted as missed.
    moved_off_busy: bool = False

    @property
    def hours(self) -> float:
        return self.minutes / 60

    def numbered(self, occurrence: int) -> Session:
        """This session as the `occurrence`th of its component: a plan numbers every session
        once, so this copies the fields as they are rather than validating them again as
        `dataclasses.replace` would (a tenth of a plan's time)."""
        copy = object.__new__(Session)
        copy.__dict__.update(self.__dict__, occurrence=occurrence)
        return copy

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


def in_time_order(session: Session) -> tuple[date, time, str, str, int]:
    """The order sessions are listed and numbered in: by day and time, then by name."""
    return (
        session.day,
        session.start or time(0, 0),
        session.term,
        session.component,
        session.occurrence,
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
    weekly_cap_minutes: int = 120
    warnings: tuple[str, ...] = field(default=())
    # What the plan made of the programme where the calendar decides (sessions per cadence).
    notes: tuple[str, ...] = field(default=())
    # The provider's engagement rule: percent of live sessions, percent of self-directed work.
    engagement_rule: tuple[int | None, int | None] | None = None
    # Sessions placed elsewhere than they would be without the person's busy times, if given.
    moved_for_busy: int | None = None
    # School years whose term dates no one published ("2026/27"), or only one source did.
    estimated_years: tuple[str, ...] = field(default=())
    provisional_years: tuple[str, ...] = field(default=())

    # What each of those calendars held in the plan's dates.
    busy_read: tuple[BusyCalendarRead, ...] = field(default=())

    # Fixed sessions (the provider's or a cohort's dates) that fall on a busy time of the
    # person's own calendar: kept where they are, for the person to decide.
    clashes: tuple[Session, ...] = field(default=())

    @property
    def weekly_cap(self) -> float:
        return self.weekly_cap_minutes / 60

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
