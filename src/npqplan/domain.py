"""What a programme, a council's term dates and a cohort's dates are, as plain frozen values.

The scheduler, checks and renderers work on these. `models.py` holds the pydantic schema that
validates a file; its validated data becomes these values through `build`, whether it was just
validated or read back from the parse cache. Keeping pydantic out of this module keeps it out
of every command that reads a file it has already validated once.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date, time
from enum import Enum, StrEnum
from typing import Any, TypeVar

PROGRAMME_ID_PATTERN = r"^[a-z0-9-]+$"

# A field called `time` would shadow the type inside its class.
TimeOfDay = time


class Qualification(StrEnum):
    NPQLT = "NPQLT"
    NPQLTD = "NPQLTD"
    NPQLBC = "NPQLBC"
    NPQLL = "NPQLL"
    NPQLPM = "NPQLPM"
    NPQSL = "NPQSL"
    NPQH = "NPQH"
    NPQEL = "NPQEL"
    NPQEYL = "NPQEYL"
    NPQSENCO = "NPQSENCO"


class ComponentKind(StrEnum):
    SELF_STUDY = "self-study"
    JOURNAL = "journal"
    AUDIT = "audit"
    INDUCTION = "induction"
    RESIDENTIAL = "residential"
    FACE_TO_FACE = "face-to-face"
    CONFERENCE = "conference"
    COACHING = "coaching"
    PEER_GROUP = "peer-group"
    WEBINAR = "webinar"
    BRIEFING = "briefing"
    MEETING = "meeting"
    COMMUNITY = "community"
    PROJECT = "project"
    ASSESSMENT = "assessment"


class Delivery(StrEnum):
    ONLINE = "online"
    IN_PERSON = "in-person"
    SELF_DIRECTED = "self-directed"


def session_count_of(sessions: int | None, dates: typing.Sized | None) -> int:
    """Sessions as given, else one per fixed date, else one."""
    if sessions is not None:
        return sessions
    return len(dates) if dates else 1


# -- programmes ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Citation:
    """Where a figure came from: a document listed under `sources`, and the words quoted."""

    doc: str
    quote: str


@dataclass(frozen=True)
class SourceDocument:
    doc: str
    title: str


@dataclass(frozen=True)
class DeclaredTotal:
    """The total a provider states, kept even when its own route map adds up differently."""

    hours: float
    source: Citation


@dataclass(frozen=True)
class Component:
    """One activity of a term: its hours, how it is delivered, and where the figure came from."""

    name: str
    kind: ComponentKind
    delivery: Delivery
    hours: float
    sessions: int | None = None
    days: int | None = None
    dates: tuple[date, ...] | None = None
    time: TimeOfDay | None = None
    location: str | None = None
    source: Citation | None = None
    assumed: str | None = None

    @property
    def session_count(self) -> int:
        return session_count_of(self.sessions, self.dates)

    @property
    def is_flexible(self) -> bool:
        """Self-directed work fits wherever the participant has time; the rest are events."""
        return self.delivery is Delivery.SELF_DIRECTED and self.days is None and not self.dates


@dataclass(frozen=True)
class Term:
    name: str
    components: tuple[Component, ...]


@dataclass(frozen=True)
class Assessment:
    """The final assessment: a window of consecutive days after the taught programme."""

    name: str
    window_days: int
    hours: float
    start: date | None = None
    source: Citation | None = None
    assumed: str | None = None


@dataclass(frozen=True)
class WeeklyTarget:
    min_hours: float = 1
    max_hours: float = 2
    source: Citation | None = None


@dataclass(frozen=True)
class Programme:
    """A provider's programme for one NPQ, as shipped in `programmes/` or written by a user."""

    id: str
    title: str
    qualification: Qualification
    provider: str
    sources: tuple[SourceDocument, ...]
    duration_months: int
    weekly_target: WeeklyTarget = field(default_factory=WeeklyTarget)
    declared_total: DeclaredTotal | None = None
    terms: tuple[Term, ...] = ()
    across_terms: tuple[Component, ...] = ()
    assessment: Assessment | None = None
    notes: str | None = None

    def all_components(self) -> list[Component]:
        return [c for term in self.terms for c in term.components] + list(self.across_terms)

    @property
    def guided_hours(self) -> float:
        """Hours of the route map itself: every component, the final assessment excluded."""
        return sum(c.hours for c in self.all_components())

    @property
    def total_hours(self) -> float:
        return self.guided_hours + (self.assessment.hours if self.assessment else 0)

    def assumptions(self) -> list[tuple[str, str]]:
        """(what, why) for every figure that is an assumption rather than a quote."""
        found = [(c.name, c.assumed) for c in self.all_components() if c.assumed]
        if self.assessment and self.assessment.assumed:
            found.append((self.assessment.name, self.assessment.assumed))
        return found


# -- school term dates -----------------------------------------------------------------------


@dataclass(frozen=True)
class Break:
    """Days off inside a term (a half-term), first and last day included."""

    start: date
    end: date
    name: str = "Half-term"


@dataclass(frozen=True)
class SchoolTermDates:
    name: str
    start: date
    end: date
    breaks: tuple[Break, ...] = ()


@dataclass(frozen=True)
class SchoolYearDates:
    year: str
    source: str
    terms: tuple[SchoolTermDates, ...]
    provisional: bool = False


@dataclass(frozen=True)
class TermDatesFile:
    """A council's or a school's term dates, one entry per school year."""

    id: str
    name: str
    years: tuple[SchoolYearDates, ...]
    notes: str | None = None


# -- cohort dates ----------------------------------------------------------------------------


@dataclass(frozen=True)
class CohortSession:
    term: str
    component: str
    dates: tuple[date, ...]
    time: TimeOfDay | None = None


@dataclass(frozen=True)
class CohortFile:
    """Dates a provider or delivery partner has fixed for one cohort; they override defaults."""

    programme: str | None = None
    sessions: tuple[CohortSession, ...] = ()
    assessment_start: date | None = None


# -- from validated data ---------------------------------------------------------------------

ValueT = TypeVar("ValueT")


def build(kind: type[ValueT], data: Mapping[str, Any]) -> ValueT:
    """A value of `kind` from validated JSON-shaped data (dates as ISO text, enums as values).

    Strict about shape, so a damaged cache entry raises (KeyError, TypeError, ValueError)
    rather than becoming a plan: every field must be present and nothing else.
    """
    hints = _field_types(kind)
    if not isinstance(data, Mapping) or data.keys() != hints.keys():
        raise ValueError(f"{kind.__name__}: fields do not match")
    return kind(**{name: _converted(hint, data[name]) for name, hint in hints.items()})


_FIELD_TYPES: dict[type[Any], dict[str, Any]] = {}


def _field_types(kind: type[Any]) -> dict[str, Any]:
    known = _FIELD_TYPES.get(kind)
    if known is None:
        hints = typing.get_type_hints(kind)
        known = _FIELD_TYPES[kind] = {item.name: hints[item.name] for item in fields(kind)}
    return known


def _converted(hint: Any, value: Any) -> Any:
    origin = typing.get_origin(hint)
    if origin is types.UnionType:
        if value is None:
            return None
        (hint,) = (arg for arg in typing.get_args(hint) if arg is not type(None))
        origin = typing.get_origin(hint)
    if origin is tuple:
        if not isinstance(value, list):
            raise TypeError("expected a list")
        item = typing.get_args(hint)[0]
        return tuple(_converted(item, each) for each in value)
    if is_dataclass(hint):
        return build(hint, value)  # type: ignore[arg-type]
    if hint is date:
        return date.fromisoformat(value)
    if hint is time:
        return time.fromisoformat(value)
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(value)
    if hint is float and isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    if hint in (int, str, bool) and type(value) is hint:
        return value
    raise TypeError(f"expected {hint}, got {type(value).__name__}")
