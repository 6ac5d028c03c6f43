"""Where someone stands against their plan, from what they logged. Pure: no SQL, no clock."""

from __future__ import annotations

import difflib
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from npqplan.errors import UsageError
from npqplan.plan import Plan, Session
from npqplan.scheduling import missed_events
from npqplan.schema import ComponentKind

ENGAGEMENT_THRESHOLD = 0.9
NEXT_DAYS = 14
SUGGEST_FROM = 0.75


@dataclass(frozen=True)
class LogEntry:
    """Study someone did: minutes on a day, optionally against one component of the plan, and
    against one session of it when the session was ticked off (`session` is its key)."""

    id: int
    day: date
    minutes: int
    component: str | None
    note: str | None
    session: str | None = None

    @property
    def hours(self) -> float:
        return self.minutes / 60


def component_names(plan: Plan) -> list[str]:
    """Each component's name once, in the order the plan first meets it."""
    return list(dict.fromkeys(session.component for session in plan.sessions))


def match_component(text: str, plan: Plan) -> str:
    """The plan's component named in any case by its whole name or any part of it found in
    only one component; an ambiguous part gets the components it names, an unknown one the
    nearest name (did you mean) and the list."""
    names = component_names(plan)
    wanted = text.strip().casefold()
    for name in names:
        if name.casefold() == wanted:
            return name
    containing = [name for name in names if wanted and wanted in name.casefold()]
    if len(containing) == 1:
        return containing[0]
    if containing:
        raise UsageError(
            f"{text!r} is part of {len(containing)} components: "
            f"{', '.join(repr(name) for name in containing)}; give more of the name"
        )
    scored = [(_likeness(wanted, name), name) for name in names]
    best = max(scored, key=lambda pair: pair[0], default=(0.0, ""))
    hint = f"did you mean {best[1]!r}? " if best[0] >= SUGGEST_FROM else ""
    raise UsageError(
        f"{text!r}: your plan has no such component; {hint}"
        f"it has {', '.join(repr(name) for name in names)}"
    )


def _likeness(wanted: str, name: str) -> float:
    """How close a typed name is to a component: to its whole name or any one of its words."""
    folded = name.casefold()
    if len(wanted) >= 3 and wanted in folded:
        return 1.0
    words = re.findall(r"\w+", folded)
    return max(
        difflib.SequenceMatcher(None, wanted, candidate).ratio() for candidate in [folded, *words]
    )


def check_log_day(day: date, plan: Plan, today: date) -> None:
    if not plan.start <= day <= plan.end:
        raise UsageError(
            f"{day.isoformat()}: outside your plan, which runs from "
            f"{plan.start.isoformat()} to {plan.end.isoformat()}"
        )
    if day > today:
        raise UsageError(
            f"{day.isoformat()}: that is after today ({today.isoformat()}); "
            "log study once you have done it"
        )


# -- progress figures -----------------------------------------------------------------------


@dataclass(frozen=True)
class ComponentProgress:
    name: str
    done_hours: float
    planned_to_date: float
    total_hours: float


@dataclass(frozen=True)
class BurnUpPoint:
    """Cumulative hours at the end of one plan week; `done_hours` is None for weeks to come."""

    week_start: date
    planned_hours: float
    done_hours: float | None


@dataclass(frozen=True)
class ProgressReport:
    """Where someone stands on `today`. See `progress()` for what each figure means."""

    today: date
    done_hours: float
    planned_hours_to_date: float
    total_hours: float
    scheduled_hours_to_date: float
    pace: float
    components: tuple[ComponentProgress, ...]
    unattributed_hours: float
    burn_up: tuple[BurnUpPoint, ...]
    next_sessions: tuple[Session, ...]
    missed_events: tuple[Session, ...] = ()
    replanned_on: date | None = None
    # Shares of the live sessions and the self-directed work due so far that the log covers,
    # counting only what the programme says counts; and the provider's rule, if it has one.
    live_engagement: float | None = None
    self_directed_engagement: float | None = None
    engagement_rule: tuple[int | None, int | None] | None = None
    # Whether any session of the plan counts for engagement at all.
    anything_counts: bool = True

    @property
    def behind_hours(self) -> float:
        return max(0.0, self.planned_hours_to_date - self.done_hours)

    @property
    def ahead_hours(self) -> float:
        return max(0.0, self.done_hours - self.planned_hours_to_date)

    @property
    def behind_weeks(self) -> float:
        return self.behind_hours / self.pace if self.pace else 0.0

    @property
    def ahead_weeks(self) -> float:
        return self.ahead_hours / self.pace if self.pace else 0.0

    @property
    def engagement(self) -> float | None:
        """Done over scheduled to date, at most 1; None while nothing has been due yet."""
        if self.scheduled_hours_to_date <= 0:
            return None
        return min(1.0, self.done_hours / self.scheduled_hours_to_date)

    @property
    def engagement_ok(self) -> bool:
        if self.engagement_rule is not None:
            return all(
                share is None or percent is None or share * 100 >= percent
                for share, percent in zip(
                    (self.live_engagement, self.self_directed_engagement),
                    self.engagement_rule,
                    strict=True,
                )
            )
        engagement = self.engagement
        return engagement is None or engagement >= ENGAGEMENT_THRESHOLD

    @property
    def engagement_unmeasured(self) -> str | None:
        """Why no rule gives engagement a verdict on this day, or None when one does."""
        if self.engagement_rule is not None:
            if not self.anything_counts:
                return "no component of this programme counts for its engagement rule"
            shares = (self.live_engagement, self.self_directed_engagement)
            if all(
                s is None or p is None for s, p in zip(shares, self.engagement_rule, strict=True)
            ):
                return "nothing that the engagement rule counts has been due yet"
            return None
        return "nothing has been due yet" if self.engagement is None else None


def is_due(session: Session, today: date) -> bool:
    """A session is due once its day has begun before today; today's are still to do."""
    return session.day < today


def due_minutes(session: Session, today: date) -> int:
    """What of a session is due before `today`: all of it once it has ended, a session of
    several days day by day (half a two-day residential by the end of its first day)."""
    if session.day >= today:
        return 0
    days = (session.end_date - session.day).days + 1
    return session.minutes * min((today - session.day).days, days) // days


def planned_minutes_to_date(plan: Plan, today: date) -> int:
    """Minutes the plan had due before `today`: the one figure status, check-hours, replan and
    every JSON call "planned to date"; what is behind is measured against it."""
    return sum(due_minutes(session, today) for session in plan.sessions)


def done_by_component(entries: Iterable[LogEntry], today: date) -> dict[str | None, int]:
    """Minutes logged up to and including `today`, by component (None: logged without one)."""
    done: dict[str | None, int] = defaultdict(int)
    for entry in entries:
        if entry.day <= today:
            done[entry.component] += entry.minutes
    return dict(done)


def progress(
    plan: Plan,
    scheduled: Plan,
    entries: Sequence[LogEntry],
    today: date,
    replanned_on: date | None = None,
    marked_missed: frozenset[str] = frozenset(),
) -> ProgressReport:
    """The figures `npqplan status` shows, from the current plan and the log.

    - Done: hours logged on or before `today`.
    - Planned to date: hours of the current plan's sessions that began before `today`.
    - Behind/ahead: the gap between the two, in hours and in weeks at the plan's average pace
      (its total hours over its number of weeks).
    - Engagement: done over the hours the plan *as scheduled* had due by `today`, at most 100%:
      a re-plan moves work later, it does not lower what engagement is measured against.
    """
    done = done_by_component(entries, today)
    planned_by_name: dict[str, int] = defaultdict(int)
    total_by_name: dict[str, int] = defaultdict(int)
    for session in plan.sessions:
        total_by_name[session.component] += session.minutes
        planned_by_name[session.component] += due_minutes(session, today)
    names = component_names(plan)
    names += sorted(name for name in done if name is not None and name not in total_by_name)
    components = tuple(
        ComponentProgress(
            name,
            done.get(name, 0) / 60,
            planned_by_name.get(name, 0) / 60,
            total_by_name.get(name, 0) / 60,
        )
        for name in names
    )
    weeks = len(plan.weeks)
    return ProgressReport(
        today=today,
        done_hours=sum(done.values()) / 60,
        planned_hours_to_date=planned_minutes_to_date(plan, today) / 60,
        total_hours=plan.total_hours,
        scheduled_hours_to_date=planned_minutes_to_date(scheduled, today) / 60,
        pace=plan.total_hours / weeks if weeks else 0.0,
        components=components,
        unattributed_hours=done.get(None, 0) / 60,
        burn_up=burn_up(plan, entries, today),
        next_sessions=tuple(
            s for s in plan.sessions if today <= s.day < today + timedelta(days=NEXT_DAYS)
        ),
        missed_events=tuple(missed_events(plan.sessions, done, today, marked_missed)),
        replanned_on=replanned_on,
        live_engagement=_share_covered(scheduled, done, today, live=True),
        self_directed_engagement=_share_covered(scheduled, done, today, live=False),
        engagement_rule=scheduled.engagement_rule,
        anything_counts=any(
            s.counts_for_engagement and s.kind is not ComponentKind.ASSESSMENT
            for s in scheduled.sessions
        ),
    )


def _share_covered(
    scheduled: Plan, done: Mapping[str | None, int], today: date, *, live: bool
) -> float | None:
    """Of the minutes due so far in sessions that count towards engagement, live or not, the
    share the minutes logged against each component cover; None when none are due yet."""
    due: dict[str, int] = defaultdict(int)
    for session in scheduled.sessions:
        counted = session.counts_for_engagement and session.kind is not ComponentKind.ASSESSMENT
        if counted and session.is_live == live:
            due[session.component] += due_minutes(session, today)
    total = sum(due.values())
    if total <= 0:
        return None
    return sum(min(done.get(name, 0), minutes) for name, minutes in due.items()) / total


def burn_up(plan: Plan, entries: Sequence[LogEntry], today: date) -> tuple[BurnUpPoint, ...]:
    """Cumulative planned and done hours at the end of each plan week."""
    points: list[BurnUpPoint] = []
    planned = 0.0
    logged = sorted((e.day, e.hours) for e in entries if e.day <= today)
    done = 0.0
    index = 0
    for week in plan.weeks:
        planned += week.hours
        if week.week_start > today:
            points.append(BurnUpPoint(week.week_start, planned, None))
            continue
        while index < len(logged) and logged[index][0] <= week.week_end:
            done += logged[index][1]
            index += 1
        points.append(BurnUpPoint(week.week_start, planned, done))
    return tuple(points)
