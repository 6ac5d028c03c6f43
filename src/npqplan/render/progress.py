"""The log, progress and re-plans -> rich renderables. Never prints."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from npqplan.hours import Verdict, check_hours
from npqplan.plan import Plan, Session
from npqplan.progress import (
    ENGAGEMENT_THRESHOLD,
    BurnUpPoint,
    ComponentProgress,
    LogEntry,
    ProgressReport,
)
from npqplan.render.tables import indented, table
from npqplan.render.words import (
    day_text,
    describe_session,
    duration_text,
    hours_text,
    unsure_years_text,
)
from npqplan.scheduling import Change
from npqplan.schema import ComponentKind, IfMissed

BAR_WIDTH = 20
CHART_HEIGHT = 8


def _day(day: date) -> str:
    return day_text(day, weekday=True)


# -- the log --------------------------------------------------------------------------------


def logged_line(entry: LogEntry) -> str:
    what = f" of {entry.component}" if entry.component else ""
    return f"logged {duration_text(entry.minutes)}{what} on {_day(entry.day)} (entry {entry.id})"


def undone_line(entry: LogEntry) -> str:
    what = f" of {entry.component}" if entry.component else ""
    return f"removed entry {entry.id}: {duration_text(entry.minutes)}{what} on {_day(entry.day)}"


def log_table(entries: Sequence[LogEntry]) -> RenderableType:
    if not entries:
        return Text("Nothing logged yet. Log study with: npqplan log 1.5 --component NAME")
    listing = table(show_footer=True)
    listing.add_column("Id", justify="right", footer="")
    listing.add_column("Date", footer="Total", no_wrap=True)
    total = duration_text(sum(e.minutes for e in entries))
    listing.add_column("Time", justify="right", footer=total, no_wrap=True)
    listing.add_column("Component")
    listing.add_column("Note")
    for entry in entries:
        listing.add_row(
            str(entry.id),
            _day(entry.day),
            duration_text(entry.minutes),
            entry.component or "",
            entry.note or "",
        )
    return listing


# -- status ---------------------------------------------------------------------------------


def _percent(value: float) -> str:
    return f"{math.floor(value * 100 + 0.5):d}%"


def standing_line(report: ProgressReport) -> Text:
    pace = f"at the plan's average of {hours_text(report.pace)} h a week"
    if report.behind_hours > 0:
        return Text(
            f"Behind:      {hours_text(report.behind_hours)} h, about "
            f"{report.behind_weeks:.1f} weeks {pace}",
            style="red",
        )
    if report.ahead_hours > 0:
        return Text(
            f"Ahead:       {hours_text(report.ahead_hours)} h, about "
            f"{report.ahead_weeks:.1f} weeks {pace}",
            style="green",
        )
    return Text("On plan:     0 h behind", style="green")


def engagement_line(report: ProgressReport) -> Text:
    if report.engagement_rule is not None:
        if report.engagement_unmeasured:
            return Text(f"Engagement:  not measured: {report.engagement_unmeasured}", style="dim")
        return _engagement_by_rule(report, report.engagement_rule)
    threshold = _percent(ENGAGEMENT_THRESHOLD)
    engagement = report.engagement
    if engagement is None:
        return Text(f"Engagement:  nothing due yet (the assessment needs {threshold})")
    verdict = "at or above" if report.engagement_ok else "below"
    return Text(
        f"Engagement:  {_percent(engagement)} of the "
        f"{hours_text(report.scheduled_hours_to_date)} h scheduled so far, "
        f"{verdict} the {threshold} needed",
        style="green" if report.engagement_ok else "red",
    )


def progress_bar(item: ComponentProgress, width: int = BAR_WIDTH) -> Text:
    """`█` done, `░` due but not done, `·` still to come, all out of the component's total."""
    total = max(item.total_hours, item.done_hours, item.planned_to_date)
    bar = Text()
    if total <= 0:
        return bar.append("·" * width, style="dim")
    done = min(width, round(width * item.done_hours / total))
    due = min(width, round(width * item.planned_to_date / total))
    bar.append("█" * done, style="green")
    bar.append("░" * max(0, due - done), style="red")
    bar.append("·" * (width - max(done, due)), style="dim")
    return bar


def component_table(report: ProgressReport) -> Table:
    listing = table("By component", caption="█ done  ░ due, not done  · to come")
    listing.add_column("Component", ratio=1)
    listing.add_column("Progress", no_wrap=True)
    listing.add_column("Done", justify="right")
    listing.add_column("Due", justify="right")
    listing.add_column("In all", justify="right")
    for item in report.components:
        listing.add_row(
            item.name,
            progress_bar(item),
            hours_text(item.done_hours),
            hours_text(item.planned_to_date),
            hours_text(item.total_hours),
        )
    if report.unattributed_hours:
        listing.add_row("(no component given)", "", hours_text(report.unattributed_hours), "", "")
    return listing


@dataclass(frozen=True)
class BurnUpChart:
    """Cumulative hours, planned and done, one column per week (or per few, to fit the width)."""

    points: tuple[BurnUpPoint, ...]
    today: date
    height: int = CHART_HEIGHT

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self.text(options.max_width)

    def text(self, width: int) -> Text:
        points = self.points
        if not points:
            return Text("")
        top = max(max(p.planned_hours for p in points), *(p.done_hours or 0.0 for p in points))
        top = max(top, 1.0)
        step = top / self.height
        middle = math.ceil(self.height / 2)
        labels = {self.height: hours_text(top), middle: hours_text(middle * step)}
        label_width = max(len(label) for label in labels.values())
        per_column = math.ceil(len(points) / max(10, width - label_width - 2))
        sampled = [
            points[min(i + per_column - 1, len(points) - 1)]
            for i in range(0, len(points), per_column)
        ]
        chart = Text()
        for row in range(self.height, 0, -1):
            low, high = (row - 1) * step, row * step
            chart.append(f"{labels.get(row, ''):>{label_width}} │", style="dim")
            for point in sampled:
                if point.done_hours is not None:
                    if point.done_hours > low + step / 2:
                        chart.append("█", style="green")
                    elif point.planned_hours > low + step / 2:
                        chart.append("░", style="red")
                    else:
                        chart.append(" ")
                elif low < point.planned_hours <= high:
                    chart.append("·", style="blue")
                else:
                    chart.append(" ")
            chart.append("\n")
        indent = " " * (label_width + 2)
        chart.append(f"{'0':>{label_width}} └" + "─" * len(sampled) + "\n", style="dim")
        chart.append(indent + _month_axis(sampled) + "\n", style="dim")
        each = f"; a column is {per_column} weeks" if per_column > 1 else ""
        chart.append(f"{indent}█ done  ░ planned, not done  · planned ahead{each}", style="dim")
        return chart


def _month_axis(points: Sequence[BurnUpPoint]) -> str:
    axis = [" "] * len(points)
    month = None
    free_from = 0
    for index, point in enumerate(points):
        key = (point.week_start.year, point.week_start.month)
        if key == month:
            continue
        month = key
        name = point.week_start.strftime("%b")
        if point.week_start.month == 1 or index == 0:
            name = point.week_start.strftime("%b %y")
        if index >= free_from and index + len(name) <= len(axis):
            axis[index : index + len(name)] = list(name)
            free_from = index + len(name) + 1
    return "".join(axis)


def next_sessions(sessions: Sequence[Session]) -> RenderableType:
    if not sessions:
        return Text("Next two weeks: nothing planned")
    lines: list[RenderableType] = [Text("Next two weeks", style="bold")]
    lines += [indented(describe_session(s)) for s in sessions]
    return Group(*lines)


def _engagement_by_rule(report: ProgressReport, rule: tuple[int | None, int | None]) -> Text:
    """The provider's own rule: so much of the live sessions, so much of the self-study."""
    parts = []
    for what, share, percent in (
        ("live sessions", report.live_engagement, rule[0]),
        ("self-directed work", report.self_directed_engagement, rule[1]),
    ):
        if percent is None:
            continue
        done = "nothing due yet" if share is None else f"{round(share * 100)}%"
        parts.append(f"{what} {done} (the provider asks {percent}%)")
    return Text(
        "Engagement:  " + "; ".join(parts),
        style="green" if report.engagement_ok else "red",
    )


MISSED_TITLE = "Missed live events: ask your provider about catch-up"
_OFFERED = {
    IfMissed.NEXT_COHORT: "the provider offers a place in the next cohort's session",
    IfMissed.NONE: "the provider offers no catch-up",
}


def _offered(session: Session) -> str:
    return f": {_OFFERED[session.if_missed]}" if session.if_missed in _OFFERED else ""


def missed_lines(missed: Sequence[Session]) -> list[RenderableType]:
    """Live and in-person events the log does not cover; a re-plan cannot hold them again."""
    if not missed:
        return []
    return [
        Text(MISSED_TITLE, style="bold yellow"),
        *(indented(describe_session(s) + _offered(s)) for s in missed),
    ]


def status_view(plan: Plan, report: ProgressReport) -> Group:
    replanned = (
        [Text(f"Re-planned:  on {_day(report.replanned_on)}; behind is measured against it")]
        if report.replanned_on is not None
        else []
    )
    return Group(
        Text(f"{plan.title}: status on {_day(report.today)}", style="bold"),
        *replanned,
        Text(
            f"Done:        {hours_text(report.done_hours)} h of "
            f"{hours_text(report.planned_hours_to_date)} h planned to date "
            f"({hours_text(report.total_hours)} h in all)"
        ),
        *_unsure_lines(plan),
        standing_line(report),
        engagement_line(report),
        *missed_lines(report.missed_events),
        Text(""),
        component_table(report),
        Text("Burn-up: hours so far, planned and done", style="bold"),
        BurnUpChart(report.burn_up, report.today),
        Text(""),
        next_sessions(report.next_sessions),
    )


def _unsure_lines(plan: Plan) -> list[Text]:
    unsure = unsure_years_text(plan.estimated_years, plan.provisional_years)
    return [Text(f"Calendar:    {plan.calendar_name}", style="yellow")] if unsure else []


# -- re-plans -------------------------------------------------------------------------------


def _when(session: Session) -> str:
    """`Tue 10 Dec 2024 16:30` or `Thu 24 Oct 2024, all day`: re-plans span years."""
    if session.all_day or session.start is None:
        return f"{_day(session.day)}, all day"
    return f"{_day(session.day)} {session.start:%H:%M}"


def change_table(found: Sequence[Change]) -> Table:
    listing = table()
    # Whole dates and hours; the component's name wraps when 80 columns are not enough.
    listing.add_column("Component", ratio=1, overflow="fold")
    listing.add_column("Was", no_wrap=True)
    listing.add_column("Now", no_wrap=True)
    for change in found:
        before, after = change.before, change.after
        was = f"{_when(before)}, {hours_text(before.hours)} h" if before else "new catch-up session"
        if after is None:
            now = "removed"
        elif before is not None and before.day == after.day and before.start == after.start:
            kept, moved_away = hours_text(after.hours), hours_text(before.hours - after.hours)
            now = f"stays, {kept} h ({moved_away} h moved)"
        else:
            now = f"{_when(after)}, {hours_text(after.hours)} h"
        listing.add_row(change.component, was, now)
    return listing


def replan_view(
    old: Plan,
    new: Plan,
    found: Sequence[Change],
    moved: float,
    today: date,
    missed: Sequence[Session] = (),
) -> Group:
    """What a re-plan moves, and what check-hours will find of the plan once it is saved."""
    before = {week.week_start: week.hours for week in old.weeks}
    over = [
        week
        for week in new.weeks
        if week.hours > new.weekly_cap and week.hours > before.get(week.week_start, 0.0)
    ]
    cap = (
        Text(
            f"{len(over)} week(s) go over the {hours_text(new.weekly_cap)} h weekly cap to fit the "
            f"catch-up in (from {_day(over[0].week_start)}).",
            style="yellow",
        )
        if over
        else Text(
            f"No week goes over the {hours_text(new.weekly_cap)} h weekly cap for the catch-up."
        )
    )
    # The very report check-hours makes, so the preview promises only what it will find.
    after = check_hours(new)
    verdict = Text(
        f"check-hours will find the weekly load {after.verdict.value} its target: "
        f"{after.reasons[0]}; {after.reasons[1]}.",
        style="green" if after.verdict is Verdict.WITHIN else "yellow",
    )
    landed = [c.after for c in found if c.after is not None and c.after.day >= today]
    parts: list[RenderableType] = [
        Text(
            f"Re-plan on {_day(today)}: {hours_text(moved)} h owed move into the weeks ahead; "
            f"the plan still totals {hours_text(new.total_hours)} h.",
            style="bold",
        ),
        change_table(found),
        cap,
        verdict,
    ]
    if landed:
        last = max(s.day for s in landed)
        parts.append(Text(f"The last of the catch-up lands on {_day(last)}."))
        assessment = min(
            (s.day for s in new.sessions if s.kind is ComponentKind.ASSESSMENT), default=None
        )
        late = [s for s in landed if assessment is not None and s.day >= assessment]
        if assessment is not None and late:
            parts.append(
                Text(
                    f"{hours_text(sum(s.hours for s in late))} h of it cannot be caught up before "
                    f"the final assessment begins on {_day(assessment)}.",
                    style="yellow",
                )
            )
    return Group(*parts, *missed_lines(missed))
