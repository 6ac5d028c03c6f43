"""What the scheduler produces: a frozen, dated plan of weeks and sessions."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, time, timedelta
from typing import Any

ACROSS_ALL_TERMS = "Across all terms"
FINAL_ASSESSMENT = "Final assessment"


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


@dataclass(frozen=True, order=True)
class Session:
    """One thing to do: a dated, timed (or all-day) piece of one component."""

    day: date
    start: time | None
    component: str
    term: str
    occurrence: int
    kind: str
    delivery: str
    end_date: date
    end: time | None
    all_day: bool
    hours: float
    fixed: bool
    provenance: str = ""
    location: str | None = None

    @property
    def identity(self) -> str:
        """Stable across re-plans: which component and which of its occurrences, never the date."""
        return f"{self.term}/{self.component}/{self.occurrence}"

    def to_record(self) -> dict[str, Any]:
        """Every field as JSON-ready values, for the state store (`from_record` reads it back)."""
        return {
            "day": self.day.isoformat(),
            "start": clock_text(self.start),
            "component": self.component,
            "term": self.term,
            "occurrence": self.occurrence,
            "kind": self.kind,
            "delivery": self.delivery,
            "end_date": self.end_date.isoformat(),
            "end": clock_text(self.end),
            "all_day": self.all_day,
            "hours": self.hours,
            "fixed": self.fixed,
            "provenance": self.provenance,
            "location": self.location,
        }

    @classmethod
    def from_record(cls, data: Mapping[str, Any]) -> Session:
        return cls(
            day=date.fromisoformat(data["day"]),
            start=_unclock(data["start"]),
            component=str(data["component"]),
            term=str(data["term"]),
            occurrence=int(data["occurrence"]),
            kind=str(data["kind"]),
            delivery=str(data["delivery"]),
            end_date=date.fromisoformat(data["end_date"]),
            end=_unclock(data["end"]),
            all_day=bool(data["all_day"]),
            hours=float(data["hours"]),
            fixed=bool(data["fixed"]),
            provenance=str(data["provenance"]),
            location=None if data["location"] is None else str(data["location"]),
        )


def clock_text(value: time | None) -> str | None:
    """`16:30`, or None for an all-day session."""
    return value.isoformat(timespec="minutes") if value else None


def _unclock(value: Any) -> time | None:
    return time.fromisoformat(str(value)) if value is not None else None


@dataclass(frozen=True)
class Week:
    week_start: date
    label: str
    holiday: bool
    term: str | None
    sessions: tuple[Session, ...]

    @property
    def hours(self) -> float:
        return sum(s.hours for s in self.sessions)

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
    calendar: str
    weeks: tuple[Week, ...]
    declared_total: float | None = None
    weekly_cap: float = 2.0
    warnings: tuple[str, ...] = field(default=())

    @property
    def sessions(self) -> tuple[Session, ...]:
        return tuple(s for week in self.weeks for s in week.sessions)

    @property
    def total_hours(self) -> float:
        return sum(week.hours for week in self.weeks)
