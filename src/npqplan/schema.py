"""What a programme, a council's term dates and a cohort's dates are: one declaration of each.

Frozen pydantic models: a file is validated into them once, and the scheduler, checks and
renderers work on the same values.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sized
from datetime import date, time
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    model_validator,
)

# Bump whenever a stored model's meaning changes: the parse cache keeps nothing across it.
SCHEMA_VERSION = 5
PROGRAMME_ID_PATTERN = r"^[a-z0-9-]+$"
FIRST_YEAR, LAST_YEAR = 2000, 2100


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


class Cadence(StrEnum):
    """How often a provider runs a session; the plan makes as many as the calendar holds."""

    WEEKLY = "every week"
    FORTNIGHTLY = "every fortnight"
    HALF_TERMLY = "every half-term"
    TERMLY = "every term"
    MONTHLY = "monthly"


class IfMissed(StrEnum):
    """What the provider offers when a live session is missed."""

    RECORDING = "recording"
    MATERIALS = "materials"
    NEXT_COHORT = "next-cohort"
    NONE = "none"


class Order(StrEnum):
    """How a term's events follow each other: as the scheduler spaces them, in the order
    listed with a week of their own each, or all in the same week in the order listed."""

    SPACED = "spaced"
    SEQUENCE = "sequence"
    SAME_WEEK = "same-week"


class TermLayout(StrEnum):
    """Programme terms on school terms (term N is the Nth school term), or spread: the
    programme's teaching weeks shared equally among its terms, labelled as the provider does."""

    SCHOOL_TERMS = "school-terms"
    SPREAD = "spread"


def session_count_of(sessions: int | None, dates: Sized | None) -> int:
    """Sessions as given, else one per fixed date, else one."""
    if sessions is not None:
        return sessions
    return len(dates) if dates else 1


MAX_COMPONENT_HOURS = 500
MINUTE_STEP = 5
MAX_LIVE_SESSION_HOURS = 8
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CLOCK_TIME = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")


def _iso_date(value: Any) -> Any:
    # YAML 1.2 typing leaves dates as text; refuse numbers so `date: 0` is not 1970-01-01.
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


def _clock_time(value: Any) -> Any:
    if isinstance(value, time):
        return value
    if not isinstance(value, str) or not _CLOCK_TIME.match(value):
        raise ValueError('must be a 24-hour time written "HH:MM" (in quotes)')
    return value


def _quarter_hours(value: float) -> float:
    if round(value * 4) != value * 4:
        raise ValueError(f"must be in quarter hours, like 1.25 or 1.5 (got {value:g})")
    return value


def _supported_year(value: date) -> date:
    # A plan is made of school years; 9999-12-31 would make the calendar build for minutes.
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"must be a date from {FIRST_YEAR} to {LAST_YEAR} (got {value})")
    return value


def _five_minutes(value: int) -> int:
    if value % MINUTE_STEP:
        raise ValueError(f"must be in steps of {MINUTE_STEP} minutes, like 50 or 75 (got {value})")
    return value


_PLACEMENT = re.compile(r"^(?:(start|middle|end) of (term|programme)|week ([1-9]\d?))$")


def _placement(value: str) -> str:
    if not _PLACEMENT.match(value):
        raise ValueError(
            'must be "start of term", "middle of term", "end of term", "start of programme", '
            '"middle of programme", "end of programme" or "week N" (N, a week of the term)'
        )
    return value


IsoDate = Annotated[date, BeforeValidator(_iso_date), AfterValidator(_supported_year)]
# Written back as it is read ("15:30", not pydantic's "15:30:00"), so that a parse-cache entry
# validates again when it is read back.
ClockTime = Annotated[
    time, BeforeValidator(_clock_time), PlainSerializer(lambda value: f"{value:%H:%M}", str)
]
Hours = Annotated[
    float,
    Field(strict=True, gt=0, le=MAX_COMPONENT_HOURS, allow_inf_nan=False),
    AfterValidator(_quarter_hours),
]
Minutes = Annotated[
    int, Field(strict=True, gt=0, le=MAX_COMPONENT_HOURS * 60), AfterValidator(_five_minutes)
]
Placement = Annotated[str, Field(strict=True), AfterValidator(_placement)]


def _web_address(value: str) -> str:
    if not re.fullmatch(r"https?://[^\s/]+\S*", value):
        raise ValueError(f"must be a web address starting https:// (got {value!r})")
    return value


WebAddress = Annotated[str, Field(strict=True, max_length=500), AfterValidator(_web_address)]


def control_character(text: str, allowed: str = "\t\n") -> tuple[int, str] | None:
    """The first control character in `text` other than `allowed`, and where (from 0), if any:
    NUL, ESC or BEL in a name would reach a terminal, a calendar or a spreadsheet raw."""
    for index, character in enumerate(text):
        if character not in allowed and unicodedata.category(character) == "Cc":
            return index, character
    return None


def control_reason(found: tuple[int, str]) -> str:
    return (
        f"contains the control character U+{ord(found[1]):04X} at character {found[0] + 1}; "
        "delete it"
    )


def _no_control_characters(value: str) -> str:
    found = control_character(value)
    if found is not None:
        raise ValueError(control_reason(found))
    return value


Text = Annotated[
    str, Field(strict=True, min_length=1, max_length=2000), AfterValidator(_no_control_characters)
]
Name = Annotated[
    str, Field(strict=True, min_length=1, max_length=120), AfterValidator(_no_control_characters)
]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


# -- programmes -------------------------------------------------------------------------------


class Citation(_Strict):
    """Where a figure came from: a document listed under `sources`, and the words quoted."""

    doc: Name
    quote: Text


class SourceDocument(_Strict):
    """A document a programme cites: a seed or reference file by name, or a public page by its
    address and the day it was read."""

    doc: Name
    title: Text
    address: WebAddress | None = None
    read: IsoDate | None = None

    @model_validator(mode="after")
    def _dated(self) -> SourceDocument:
        if (self.address is None) != (self.read is None):
            raise ValueError("a page needs both its `address` and the date it was `read`")
        return self


class DeclaredTotal(_Strict):
    """The total a provider states, kept even when its own route map adds up differently."""

    hours: Hours
    source: Citation


def _check_provenance(source: Citation | None, assumed: str | None) -> None:
    if source is None and assumed is None:
        raise ValueError("give `source` (a document and a quote) or `assumed` (the reason)")


class Component(_Strict):
    """One activity of a term: its time, how it is delivered, and where the figure came from.

    Its time is given one way: `hours` or `minutes` in all, or `session_minutes` each with
    `sessions`, `dates` or a `cadence` (then the calendar decides how many sessions there are).
    """

    name: Name
    kind: ComponentKind
    delivery: Delivery
    hours: Hours | None = None
    minutes: Minutes | None = None
    session_minutes: Minutes | None = None
    sessions: Annotated[int, Field(strict=True, ge=1, le=100)] | None = None
    cadence: Cadence | None = None
    placement: Placement | None = None
    days: Annotated[int, Field(strict=True, ge=1, le=5)] | None = None
    dates: tuple[IsoDate, ...] | None = None
    time: ClockTime | None = None
    location: Name | None = None
    if_missed: IfMissed | None = None
    counts_for_engagement: bool | None = None
    source: Citation | None = None
    assumed: Text | None = None

    @model_validator(mode="after")
    def _consistent(self) -> Component:
        _check_provenance(self.source, self.assumed)
        self._check_time_given_once()
        if self.dates is not None:
            if self.sessions is not None and self.sessions != len(self.dates):
                raise ValueError(
                    f"has {len(self.dates)} dates but {self.sessions} sessions; "
                    "give one date per session"
                )
            if len(set(self.dates)) != len(self.dates):
                raise ValueError("lists the same date twice")
        if self.days is not None and self.time is not None:
            raise ValueError("`days` makes an all-day event, so it cannot also have a `time`")
        if self.placement is not None and (self.dates or self.cadence):
            raise ValueError(
                "`placement` places undated sessions; it cannot go with `dates` or `cadence`"
            )
        longest = self.longest_sitting_minutes
        if self.time is not None and self.time.hour * 60 + self.time.minute + longest >= 24 * 60:
            raise ValueError(
                f"a session from {self.time:%H:%M} of {longest / 60:g} h would end at or after "
                "midnight; give an earlier `time` or more `sessions`"
            )
        live = self.delivery is not Delivery.SELF_DIRECTED or self.dates
        if live and self.days is None and longest > MAX_LIVE_SESSION_HOURS * 60:
            raise ValueError(
                f"{longest / 60:g} h at a sitting is more than {MAX_LIVE_SESSION_HOURS} h; "
                "give `days` for all-day events or more `sessions`"
            )
        total = self.total_minutes
        if total is not None and total < self.session_count * MINUTE_STEP:
            raise ValueError(
                f"{total} minutes cannot be split into {self.session_count} sessions of "
                f"{MINUTE_STEP} minutes or more"
            )
        return self

    def _check_time_given_once(self) -> None:
        given = [key for key in ("hours", "minutes") if getattr(self, key) is not None]
        if len(given) > 1:
            raise ValueError("give `hours` or `minutes`, not both")
        if self.cadence is not None:
            if self.session_minutes is None:
                raise ValueError("`cadence` needs `session_minutes`, the length of each session")
            if given or self.sessions is not None or self.dates is not None:
                raise ValueError(
                    "with `cadence` the calendar sets the number of sessions; "
                    "leave out `hours`, `minutes`, `sessions` and `dates`"
                )
            return
        if self.session_minutes is not None:
            if self.sessions is None and self.dates is None:
                raise ValueError(
                    "`session_minutes` needs `sessions`, `dates` or a `cadence` to say how many"
                )
            if given and self.given_total_minutes != self.session_minutes * self.session_count:
                raise ValueError(
                    f"{self.session_count} sessions of {self.session_minutes} minutes do not "
                    f"make the {given[0]} given; give one or the other"
                )
            return
        if not given:
            raise ValueError(
                "give its time: `hours` or `minutes` in all, or `session_minutes` with "
                "`sessions` or a `cadence`"
            )

    @property
    def given_total_minutes(self) -> int | None:
        if self.minutes is not None:
            return self.minutes
        return round(self.hours * 60) if self.hours is not None else None

    @property
    def total_minutes(self) -> int | None:
        """Minutes in all; None for a cadence, whose total the calendar decides."""
        if self.cadence is not None:
            return None
        given = self.given_total_minutes
        if given is not None:
            return given
        assert self.session_minutes is not None
        return self.session_minutes * self.session_count

    @property
    def total_hours(self) -> float:
        """Hours in all (none for a cadence until a plan counts its sessions)."""
        return (self.total_minutes or 0) / 60

    @property
    def longest_sitting_minutes(self) -> int:
        if self.session_minutes is not None:
            return self.session_minutes
        total = self.total_minutes or 0
        return math.ceil(total / MINUTE_STEP / self.session_count) * MINUTE_STEP

    @property
    def session_count(self) -> int:
        return session_count_of(self.sessions, self.dates)

    @property
    def hours_quoted(self) -> bool:
        """Whether the quoted words give this component's time (`4` in "for 4 hours", `50` in
        "50 mins")."""
        if self.source is None:
            return False
        lengths = [m for m in (self.minutes, self.session_minutes) if m is not None]
        figures = [
            f"{self.hours:g}" if self.hours is not None else None,
            *lengths,
            # "3 x 5 hour" gives 300-minute sessions in hours.
            *(f"{m / 60:g}" for m in lengths if m % 15 == 0),
        ]
        return any(
            re.search(rf"(?<![\d.]){re.escape(str(figure))}(?![\d]|\.\d)", self.source.quote)
            for figure in figures
            if figure is not None
        )

    @property
    def is_flexible(self) -> bool:
        """Self-directed work fits wherever the participant has time; the rest are events."""
        return (
            self.delivery is Delivery.SELF_DIRECTED
            and self.days is None
            and not self.dates
            and self.cadence is None
            and self.placement is None
        )

    @property
    def is_live(self) -> bool:
        return self.delivery is not Delivery.SELF_DIRECTED

    @property
    def counts_towards_engagement(self) -> bool:
        """As the programme says; by default, everything counts."""
        return self.counts_for_engagement is not False


class Term(_Strict):
    name: Name
    components: tuple[Component, ...] = Field(min_length=1, max_length=100)
    order: Order = Order.SPACED
    # A cycle the provider runs several times: terms "<name> 1" to "<name> N" in the plan.
    repeat: Annotated[int, Field(strict=True, ge=1, le=12)] = 1

    @model_validator(mode="after")
    def _ordered(self) -> Term:
        if self.order is not Order.SPACED:
            for component in self.components:
                if component.dates or component.cadence or component.placement:
                    raise ValueError(
                        f"order {self.order.value!r} places each component itself, so "
                        f"{component.name!r} cannot have `dates`, `cadence` or `placement`"
                    )
        return self

    def cycle_names(self) -> list[str]:
        """The plan's terms this one becomes: itself, or one per repeat of a cycle."""
        if self.repeat == 1:
            return [self.name]
        return [f"{self.name} {number}" for number in range(1, self.repeat + 1)]


MAX_WINDOW_DAYS = 60
MAX_PLAN_TERMS = 24


class Assessment(_Strict):
    """The final assessment: one window of days after the taught programme, then results.

    The window opens on `start`, or `months_after_start` months after the plan starts, or
    `gap_weeks` whole weeks after the taught programme ends (by default the first week of term
    after it).
    """

    name: Name
    window_days: Annotated[int, Field(strict=True, ge=1, le=MAX_WINDOW_DAYS)]
    hours: Hours
    start: IsoDate | None = None
    months_after_start: Annotated[int, Field(strict=True, ge=1, le=48)] | None = None
    gap_weeks: Annotated[int, Field(strict=True, ge=0, le=26)] | None = None
    weekdays_only: bool = False
    results_weeks: Annotated[int, Field(strict=True, ge=1, le=26)] | None = None
    source: Citation | None = None
    assumed: Text | None = None

    @model_validator(mode="after")
    def _cited(self) -> Assessment:
        _check_provenance(self.source, self.assumed)
        given = [
            k for k in ("start", "months_after_start", "gap_weeks") if getattr(self, k) is not None
        ]
        if len(given) > 1:
            raise ValueError(
                "give one of `start`, `months_after_start` and `gap_weeks` "
                f"(got {', '.join(given)})"
            )
        return self


class EngagementRule(_Strict):
    """What the provider requires before the assessment, as shares of the programme."""

    live_percent: Annotated[int, Field(strict=True, ge=0, le=100)] | None = None
    self_directed_percent: Annotated[int, Field(strict=True, ge=0, le=100)] | None = None
    source: Citation | None = None
    assumed: Text | None = None

    @model_validator(mode="after")
    def _cited(self) -> EngagementRule:
        _check_provenance(self.source, self.assumed)
        if self.live_percent is None and self.self_directed_percent is None:
            raise ValueError("give `live_percent`, `self_directed_percent` or both")
        return self


class WeeklyTarget(_Strict):
    min_hours: Annotated[float, Field(strict=True, ge=0, le=40)] = 1
    max_hours: Annotated[float, Field(strict=True, gt=0, le=40)] = 2
    source: Citation | None = None

    @model_validator(mode="after")
    def _ordered(self) -> WeeklyTarget:
        if self.min_hours > self.max_hours:
            raise ValueError("min_hours must not be above max_hours")
        return self


class Programme(_Strict):
    """A provider's programme for one NPQ, as shipped in `programmes/` or written by a user."""

    id: Annotated[str, Field(strict=True, pattern=PROGRAMME_ID_PATTERN, max_length=60)]
    title: Name
    qualification: Qualification
    provider: Name
    sources: tuple[SourceDocument, ...] = Field(min_length=1, max_length=50)
    duration_months: Annotated[int, Field(strict=True, ge=3, le=36)]
    weekly_target: WeeklyTarget = WeeklyTarget()
    declared_total: DeclaredTotal | None = None
    terms: tuple[Term, ...] = Field(default=(), max_length=12)
    term_layout: TermLayout = TermLayout.SCHOOL_TERMS
    across_terms: tuple[Component, ...] = Field(default=(), max_length=50)
    assessment: Assessment | None = None
    engagement: EngagementRule | None = None
    notes: Text | None = None

    @model_validator(mode="after")
    def _coherent(self) -> Programme:
        if not self.terms and not self.across_terms:
            raise ValueError("has no components: give `terms` or `across_terms`")
        names = [name for term in self.terms for name in term.cycle_names()]
        repeated = sorted({name for name in names if names.count(name) > 1})
        if repeated:
            raise ValueError(f"term names must differ; repeated: {', '.join(repeated)}")
        if len(names) > MAX_PLAN_TERMS:
            raise ValueError(f"makes {len(names)} terms with its repeats; keep to {MAX_PLAN_TERMS}")
        for component in self.across_terms:
            if component.placement and component.placement.startswith("week"):
                raise ValueError(
                    f"{component.name!r} runs across terms, so its placement cannot be a week "
                    "of a term; use start, middle or end of programme"
                )
        # A session is known by its term, its component and its number: names must tell apart.
        for where, group in [
            *((f"in {term.name}", term.components) for term in self.terms),
            ("across terms", self.across_terms),
        ]:
            names = [component.name for component in group]
            repeated = sorted({name for name in names if names.count(name) > 1})
            if repeated:
                raise ValueError(
                    f"component names must differ {where}; repeated: {', '.join(repeated)}"
                )
        listed = {source.doc for source in self.sources}
        for citation in self._citations():
            if citation.doc not in listed:
                raise ValueError(f"cites {citation.doc!r}, which is not listed under `sources`")
        return self

    def _citations(self) -> list[Citation]:
        found = [c.source for c in self.all_components() if c.source]
        for extra in (self.declared_total, self.weekly_target, self.assessment, self.engagement):
            if extra is not None and extra.source is not None:
                found.append(extra.source)
        return found

    def all_components(self) -> list[Component]:
        return [c for term in self.terms for c in term.components] + list(self.across_terms)

    def cadenced(self) -> list[Component]:
        """Components whose number of sessions the calendar decides."""
        return [c for c in self.all_components() if c.cadence is not None]

    def planned_components(self) -> list[Component]:
        """Every component as often as the plan holds it: a repeated cycle's once per repeat."""
        return [
            c for term in self.terms for _ in range(term.repeat) for c in term.components
        ] + list(self.across_terms)

    @property
    def guided_hours(self) -> float:
        """Hours of the route map itself: every component whose total the file gives (not the
        cadenced ones, which a plan counts), the final assessment excluded."""
        return sum(c.total_minutes or 0 for c in self.planned_components()) / 60

    @property
    def total_hours(self) -> float:
        return self.guided_hours + (self.assessment.hours if self.assessment else 0)

    @property
    def quoted_hours(self) -> float:
        """Route-map hours whose figure stands in the words quoted from a source."""
        return sum(c.total_minutes or 0 for c in self.planned_components() if c.hours_quoted) / 60

    @property
    def assumed_hours(self) -> float:
        """Route-map hours that no source gives: assumptions of ours, each with its reason."""
        return self.guided_hours - self.quoted_hours

    def assumptions(self) -> list[tuple[str, str]]:
        """(what, why) for every figure that is an assumption rather than a quote."""
        found = [(c.name, c.assumed) for c in self.all_components() if c.assumed]
        if self.assessment and self.assessment.assumed:
            found.append((self.assessment.name, self.assessment.assumed))
        return found


# -- school term dates -------------------------------------------------------------------


class Break(_Strict):
    """Days off inside a term (a half-term), first and last day included."""

    name: Name = "Half-term"
    start: IsoDate
    end: IsoDate


class SchoolTermDates(_Strict):
    name: Annotated[str, Field(strict=True, pattern=r"^(Autumn|Spring|Summer)$")]
    start: IsoDate
    end: IsoDate
    breaks: tuple[Break, ...] = Field(default=(), max_length=4)

    @model_validator(mode="after")
    def _ordered(self) -> SchoolTermDates:
        if self.end < self.start:
            raise ValueError(f"ends ({self.end}) before it starts ({self.start})")
        for item in self.breaks:
            if item.end < item.start or item.start < self.start or item.end > self.end:
                raise ValueError(
                    f"break {item.start} to {item.end} must lie inside the term "
                    f"({self.start} to {self.end})"
                )
        return self


class SchoolYearDates(_Strict):
    year: Annotated[str, Field(strict=True, pattern=r"^\d{4}/\d{2}$")]
    source: Text
    provisional: bool = False
    # Why dates no one published stand here (a setting open all year keeps no terms).
    assumed: Text | None = None
    terms: tuple[SchoolTermDates, ...] = Field(min_length=1, max_length=6)
    # Staff training days: in term, but no pupils and, for a participant, no study either.
    inset_days: tuple[IsoDate, ...] = Field(default=(), max_length=10)

    @model_validator(mode="after")
    def _consistent(self) -> SchoolYearDates:
        first = int(self.year[:4])
        if int(self.year[5:]) != (first + 1) % 100:
            raise ValueError(f"year must be written like 2024/25 (got {self.year})")
        for before, after in zip(self.terms, self.terms[1:], strict=False):
            if after.start <= before.end:
                raise ValueError(f"{after.name} term must start after {before.name} term ends")
        if not date(first, 8, 1) <= self.terms[0].start or self.terms[-1].end > date(
            first + 1, 8, 31
        ):
            raise ValueError(f"terms must fall between August {first} and August {first + 1}")
        for day in self.inset_days:
            if not any(term.start <= day <= term.end for term in self.terms):
                raise ValueError(f"INSET day {day} is not in any of the year's terms")
        return self


class TermDatesFile(_Strict):
    """A council's or a school's term dates, one entry per school year."""

    id: Annotated[str, Field(strict=True, pattern=PROGRAMME_ID_PATTERN, max_length=60)]
    name: Name
    area: Name | None = None
    notes: Text | None = None
    years: tuple[SchoolYearDates, ...] = Field(min_length=1, max_length=50)

    @model_validator(mode="after")
    def _unique_years(self) -> TermDatesFile:
        years = [y.year for y in self.years]
        if len(set(years)) != len(years):
            raise ValueError("lists the same school year twice")
        return self


class CohortSession(_Strict):
    term: Name
    component: Name
    dates: tuple[IsoDate, ...] = Field(min_length=1, max_length=100)
    time: ClockTime | None = None


def _month(value: str) -> str:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value):
        raise ValueError(f"must be a month, like 2025-01 (got {value!r})")
    if not FIRST_YEAR <= int(value[:4]) <= LAST_YEAR:
        raise ValueError(f"give a year from {FIRST_YEAR} to {LAST_YEAR} (got {value!r})")
    return value


Month = Annotated[str, Field(strict=True, max_length=7), AfterValidator(_month)]


class CohortIntake(_Strict):
    """The dates of the participants who start in one month: an intake of the cohort."""

    start: Month
    sessions: tuple[CohortSession, ...] = Field(default=(), max_length=200)
    assessment_start: IsoDate | None = None


class CohortFile(_Strict):
    """Dates a provider or delivery partner has fixed for one cohort; they override defaults.

    `intakes` (optional) give dates per start month: a plan starting in an intake's month takes
    its sessions and assessment start, and the top-level ones for what the intake does not give.
    A file without intakes means what it always meant.
    """

    programme: Annotated[str, Field(strict=True, pattern=PROGRAMME_ID_PATTERN)] | None = None
    sessions: tuple[CohortSession, ...] = Field(default=(), max_length=200)
    assessment_start: IsoDate | None = None
    intakes: tuple[CohortIntake, ...] = Field(default=(), max_length=60)

    @model_validator(mode="after")
    def _one_intake_a_month(self) -> CohortFile:
        months = [intake.start for intake in self.intakes]
        if len(set(months)) != len(months):
            raise ValueError("lists the same intake month twice")
        return self

    def dates_for(self, start: date) -> tuple[tuple[CohortSession, ...], date | None]:
        """The fixed sessions and assessment start of a plan from `start`; ValueError when the
        file has intakes and none starts in that month."""
        if not self.intakes:
            return self.sessions, self.assessment_start
        month = f"{start:%Y-%m}"
        intake = next((i for i in self.intakes if i.start == month), None)
        if intake is None:
            months = ", ".join(i.start for i in self.intakes)
            raise ValueError(f"the cohort file has no intake starting that month (it has {months})")
        given = {(s.term, s.component) for s in intake.sessions}
        shared = tuple(s for s in self.sessions if (s.term, s.component) not in given)
        return (*shared, *intake.sessions), intake.assessment_start or self.assessment_start
