"""check_hours(plan, ...) -> HoursReport: a plan's weekly load against its target. Pure.

The verdict, in the order it is decided (README: "Checking the weekly hours"):

1. Term weeks are the plan's weeks with at least one school day (`Week.holiday` is False).
   Counted weeks are the term weeks plus any holiday week with something planned in it.
2. A day event is a session that takes the school day: an all-day event (a residential, a
   face-to-face day, the final assessment window) or a live session longer than the
   scheduler holds after school (a conference from 09:00). Its hours come in one lump by
   design, and no planner can spread them.
3. A 4-week window is 4 counted weeks in a row, so an empty holiday does not dilute the weeks
   either side of it. A window is excused when one of its weeks holds a day event.
4. `over` when the term-time average is above the top of the target, or when a window that is
   not excused averages above the top. Otherwise `under` when the term-time average is below
   the bottom. Otherwise `within`.

Every comparison is made on sums of quarter hours (hours > top * weeks), so no rounding decides
a verdict.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from npqplan.plan import AWAITING_RESULTS, FINAL_ASSESSMENT, Plan, Session, Week
from npqplan.progress import planned_minutes_to_date
from npqplan.scheduling.events import LONG_LIVE_SESSION_HOURS
from npqplan.schema import Delivery

WINDOW_WEEKS = 4


class Verdict(StrEnum):
    WITHIN = "within"
    UNDER = "under"
    OVER = "over"


@dataclass(frozen=True)
class Window:
    """Consecutive counted weeks, named by the Monday of the first and of the last."""

    first: date
    last: date
    weeks: int
    hours: float
    excused: bool

    @property
    def average(self) -> float:
        return self.hours / self.weeks


@dataclass(frozen=True)
class TermLoad:
    """One programme term's weeks (its holidays included) and the hours planned in them."""

    name: str
    weeks: int
    term_weeks: int
    hours: float
    term_hours: float

    @property
    def average_hours_per_week(self) -> float:
        return self.hours / self.weeks if self.weeks else 0.0

    @property
    def average_hours_per_term_week(self) -> float:
        return self.term_hours / self.term_weeks if self.term_weeks else 0.0


@dataclass(frozen=True)
class FlaggedWeek:
    """A week outside the band; its sessions are the reason. Excused: it holds a day event."""

    week: Week
    excused: bool


@dataclass(frozen=True)
class LoggedHours:
    """Hours logged up to `today` against the plan's hours and the target for the same weeks."""

    today: date
    logged: float
    planned: float
    term_weeks: int
    target: tuple[float, float]

    @property
    def target_range(self) -> tuple[float, float]:
        return (self.target[0] * self.term_weeks, self.target[1] * self.term_weeks)

    @property
    def against_target(self) -> Verdict:
        low, high = self.target_range
        if self.logged > high:
            return Verdict.OVER
        return Verdict.UNDER if self.logged < low else Verdict.WITHIN


@dataclass(frozen=True)
class HoursReport:
    plan: Plan
    terms: tuple[TermLoad, ...]
    windows: tuple[Window, ...]
    weeks_over: tuple[FlaggedWeek, ...]
    weeks_under: tuple[FlaggedWeek, ...]
    out_of_school: tuple[Session, ...]
    out_of_school_days: int
    progress: LoggedHours | None = None

    @property
    def target(self) -> tuple[float, float]:
        return self.plan.target

    @property
    def total_hours(self) -> float:
        return self.plan.total_hours

    @property
    def assessment_hours(self) -> float:
        """The final assessment's hours, which no declared total includes."""
        return sum(s.hours for s in self.plan.sessions if s.term == FINAL_ASSESSMENT)

    @property
    def route_map_hours(self) -> float:
        """Every hour but the final assessment's: what a provider's declared total counts."""
        return self.total_hours - self.assessment_hours

    @property
    def term_weeks(self) -> tuple[Week, ...]:
        return tuple(w for w in self.plan.weeks if not w.holiday)

    @property
    def term_hours(self) -> float:
        return sum(w.hours for w in self.term_weeks)

    @property
    def average_hours_per_week(self) -> float:
        """Every week of the plan, holidays included: the schedule's total over its week count."""
        return self.total_hours / len(self.plan.weeks)

    @property
    def average_hours_per_term_week(self) -> float:
        return self.term_hours / len(self.term_weeks) if self.term_weeks else 0.0

    @property
    def peak_week(self) -> Week:
        """The week with most hours; the earliest of equals."""
        return max(self.plan.weeks, key=lambda w: w.hours)

    @property
    def busiest_unexcused_window(self) -> Window | None:
        return max((w for w in self.windows if not w.excused), key=lambda w: w.hours, default=None)

    @property
    def windows_over(self) -> tuple[Window, ...]:
        """The windows that make the verdict `over`."""
        top = self.target[1]
        return tuple(w for w in self.windows if not w.excused and w.hours > top * w.weeks)

    @property
    def out_of_school_hours(self) -> float:
        return sum(s.hours for s in self.out_of_school)

    @property
    def term_average_verdict(self) -> Verdict:
        """Where the term-time average falls against the target, compared on quarter-hour sums."""
        low, high = self.target
        weeks = len(self.term_weeks)
        if self.term_hours > high * weeks:
            return Verdict.OVER
        return Verdict.UNDER if self.term_hours < low * weeks else Verdict.WITHIN

    @property
    def verdict(self) -> Verdict:
        """The rule in the module docstring: a busy run without a day event is `over`."""
        return Verdict.OVER if self.windows_over else self.term_average_verdict

    @property
    def reasons(self) -> tuple[str, ...]:
        """The verdict in words: the term-time average, then the runs of weeks."""
        low, high = self.target
        where = {Verdict.OVER: "above", Verdict.UNDER: "below", Verdict.WITHIN: "inside"}
        average = (
            f"the term-time average, {self.average_hours_per_term_week:.2f} h a week, is "
            f"{where[self.term_average_verdict]} {low:g}–{high:g} h"
        )
        late = self.windows_over
        if not late:
            return (
                average,
                f"no {WINDOW_WEEKS}-week run averages above {high:g} h a week, "
                "except runs with a day event",
            )
        worst = max(late, key=lambda w: w.hours)
        return (
            average,
            f"{worst.weeks}-week runs above {high:g} h a week on average without a day event: "
            f"{len(late)}; the busiest, from {worst.first.isoformat()}, averages "
            f"{worst.average:.2f} h",
        )


def check_hours(
    plan: Plan,
    *,
    logged: Mapping[date, float] | None = None,
    today: date | None = None,
) -> HoursReport:
    """Measure `plan` against its weekly target; compare `logged` hours up to `today` if any."""
    low, high = plan.target
    progress = None
    if logged:
        if today is None:
            raise ValueError("logged hours need `today` to compare them with the plan")
        progress = progress_to(plan, logged, today)
    away = tuple(s for w in plan.weeks if not w.holiday for s in w.sessions if _out_of_school(s))
    return HoursReport(
        plan=plan,
        terms=tuple(term_loads(plan)),
        windows=tuple(rolling_windows(plan.weeks)),
        weeks_over=tuple(FlaggedWeek(w, has_day_event(w)) for w in plan.weeks if w.hours > high),
        weeks_under=tuple(
            FlaggedWeek(w, False)
            for w in plan.weeks
            # A week of the assessment window is the assessment's, begun in its first week, and
            # the weeks waiting for results hold nothing to do.
            if not w.holiday
            and w.hours < low
            and w.label not in (FINAL_ASSESSMENT, AWAITING_RESULTS)
        ),
        out_of_school=away,
        out_of_school_days=sum(len(_weekdays(s)) for s in away),
        progress=progress,
    )


def is_day_event(session: Session) -> bool:
    """All day, or live and too long for after school (the scheduler holds it from 09:00)."""
    return session.all_day or (session.is_live and session.hours > LONG_LIVE_SESSION_HOURS)


def has_day_event(week: Week) -> bool:
    return any(is_day_event(s) for s in week.sessions)


def rolling_windows(weeks: Sequence[Week], size: int = WINDOW_WEEKS) -> list[Window]:
    """Every run of `size` counted weeks; one shorter window when the plan has fewer."""
    counted = [w for w in weeks if not w.holiday or w.sessions]
    if not counted:
        return []
    width = min(size, len(counted))
    return [
        Window(
            first=run[0].week_start,
            last=run[-1].week_start,
            weeks=width,
            hours=sum(w.hours for w in run),
            excused=any(has_day_event(w) for w in run),
        )
        for run in (counted[i : i + width] for i in range(len(counted) - width + 1))
    ]


def term_loads(plan: Plan) -> list[TermLoad]:
    """Weeks grouped by programme term; weeks after the taught programme form their own group."""
    groups: dict[str, list[Week]] = {}
    for week in plan.weeks:
        if week.week_start > plan.taught_end:
            name = FINAL_ASSESSMENT
        else:
            name = week.term or "Before the first term"
        groups.setdefault(name, []).append(week)
    return [
        TermLoad(
            name=name,
            weeks=len(weeks),
            term_weeks=sum(1 for w in weeks if not w.holiday),
            hours=sum(w.hours for w in weeks),
            term_hours=sum(w.hours for w in weeks if not w.holiday),
        )
        for name, weeks in groups.items()
    ]


def progress_to(plan: Plan, logged: Mapping[date, float], today: date) -> LoggedHours:
    """Logged hours up to and including `today`, beside what the plan had planned by then
    (`planned_minutes_to_date`, the figure status uses too)."""
    return LoggedHours(
        today=today,
        logged=sum(hours for day, hours in logged.items() if day <= today),
        planned=planned_minutes_to_date(plan, today) / 60,
        term_weeks=sum(1 for w in plan.weeks if not w.holiday and w.week_start <= today),
        target=plan.target,
    )


def _out_of_school(session: Session) -> bool:
    """Time a school must cover: an in-person day event."""
    return is_day_event(session) and session.delivery is Delivery.IN_PERSON


def _weekdays(session: Session) -> list[date]:
    span = (session.end_date - session.day).days + 1
    days = (session.day + timedelta(days=offset) for offset in range(span))
    return [day for day in days if day.weekday() < 5]


@dataclass(frozen=True)
class Filling:
    """Weeks that hold the same components: `day_events` those of them that take a school day.
    An empty `components` is weeks with nothing planned."""

    components: tuple[str, ...]
    day_events: tuple[str, ...]
    weeks: int
    # Each component's minutes in one of these weeks, when it is the same in all of them.
    minutes: tuple[int | None, ...]


def what_fills(weeks: Sequence[Week]) -> tuple[Filling, ...]:
    """Why weeks are outside the band: the weeks grouped by what they hold, the largest group
    first (weeks with a day event grouped by their day events alone, since those decide it)."""
    groups: dict[tuple[tuple[str, ...], tuple[str, ...]], list[Week]] = {}
    for week in weeks:
        days = tuple(dict.fromkeys(s.component for s in week.sessions if is_day_event(s)))
        names = days or tuple(dict.fromkeys(s.component for s in week.sessions))
        groups.setdefault((names, days), []).append(week)
    fillings = []
    for (names, days), members in groups.items():
        per_week = []
        for name in names:
            each = {sum(s.minutes for s in w.sessions if s.component == name) for w in members}
            per_week.append(each.pop() if len(each) == 1 else None)
        fillings.append(Filling(names, days, len(members), tuple(per_week)))
    return tuple(sorted(fillings, key=lambda f: (-f.weeks, f.components)))
