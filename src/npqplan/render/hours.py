"""HoursReport -> rich renderables: summary, weekly chart, flagged weeks. Never prints."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.table import Table
from rich.text import Text

from npqplan.hours import (
    Filling,
    FlaggedWeek,
    HoursReport,
    LoggedHours,
    Verdict,
    Window,
    what_fills,
)
from npqplan.plan import Week
from npqplan.render.tables import KeptTogether, table
from npqplan.render.words import day_text, describe_session, duration_text, hours_text

ROW_HOURS = 0.5
EIGHTHS = " ▁▂▃▄▅▆▇█"
# Bars come in quarter hours, half a row, so they never draw the one-eighth block: it is free
# to draw the target lines, which sit exactly on a row's lower edge.
LINE = "▁"
OVERFLOW = "▲"
GUTTER = 7
LABEL_WIDTH = 15
VERDICT_STYLE = {Verdict.WITHIN: "green", Verdict.UNDER: "yellow", Verdict.OVER: "red"}


def _weeks(count: int) -> str:
    return f"{count} week{'' if count == 1 else 's'}"


def _fields(rows: Sequence[tuple[str, str | Text]]) -> Table:
    """Name: value lines; a long value wraps under itself, not under the names."""
    grid = Table.grid()
    grid.add_column(width=LABEL_WIDTH, no_wrap=True)
    grid.add_column()
    for name, value in rows:
        grid.add_row(f"{name}:" if name else "", value)
    return grid


def _window(window: Window) -> str:
    return (
        f"{day_text(window.first)} – {day_text(window.last)} ({_weeks(window.weeks)}): "
        f"{window.average:.2f} h a week"
    )


MOST_FILLINGS = 3


def _holding(filling: Filling) -> str:
    def named(name: str, minutes: int | None) -> str:
        return f"{name} ({duration_text(minutes)})" if minutes is not None else name

    if not filling.components:
        return "nothing planned"
    if filling.day_events:
        return "a day event: " + ", ".join(filling.day_events)
    parts = [named(n, m) for n, m in zip(filling.components, filling.minutes, strict=True)]
    if len(parts) == 1:
        return f"only {parts[0]}"
    return ", ".join(parts[:-1]) + f" and {parts[-1]}"


def filling_lines(weeks: Sequence[Week]) -> list[str]:
    """What fills the weeks outside the band, largest group first: "38 hold only the Weekly
    online module (50 min)"."""
    fillings = what_fills(weeks)
    lines = [
        f"{f.weeks} {'holds' if f.weeks == 1 else 'hold'} {_holding(f)}"
        for f in fillings[:MOST_FILLINGS]
    ]
    rest = sum(f.weeks for f in fillings[MOST_FILLINGS:])
    if rest:
        lines.append(f"{rest} more hold other mixes")
    return lines


def summary(report: HoursReport) -> Group:
    plan = report.plan
    low, high = report.target
    verdict = Text(report.verdict.value, style=f"bold {VERDICT_STYLE[report.verdict]}")
    rows: list[tuple[str, str | Text]] = [
        ("Verdict", verdict),
        *(("", reason) for reason in report.reasons),
        (
            "Dates",
            f"{day_text(plan.start)} – {day_text(plan.end)}: {_weeks(len(plan.weeks))}, "
            f"{len(report.term_weeks)} in term time",
        ),
        ("Hours", scheduled_text(report)),
        (
            "Average",
            f"{report.average_hours_per_week:.2f} h a week over every week; "
            f"{report.average_hours_per_term_week:.2f} h a term week",
        ),
        ("Peak week", _peak(report.peak_week)),
    ]
    busiest = report.busiest_unexcused_window
    if busiest is not None:
        rows.append(("Busiest run", f"{_window(busiest)}, without a day event"))
    rows.append(("Out of school", _out_of_school(report)))
    for clash in plan.clashes:
        rows.append(
            ("Clash", f"{clash.component} on {day_text(clash.day)} (fixed) meets your calendar")
        )
    over = len(report.weeks_over)
    excused = sum(1 for f in report.weeks_over if f.excused)
    rows.append(
        (
            f"Above {hours_text(high)} h",
            f"{_weeks(over)}, {excused} with a day event" if over else "none",
        )
    )
    rows += [("", line) for line in filling_lines([f.week for f in report.weeks_over])]
    under = len(report.weeks_under)
    rows.append((f"Below {hours_text(low)} h", f"{_weeks(under)} of term" if under else "none"))
    rows += [("", line) for line in filling_lines([f.week for f in report.weeks_under])]
    title = Text(
        f"{plan.title}: weekly hours against {hours_text(low)}–{hours_text(high)} h", style="bold"
    )
    return Group(title, _fields(rows))


def scheduled_hours(report: HoursReport) -> str:
    """`115.92 scheduled (95.92 of the route map, 20 of the final assessment)`."""
    scheduled = f"{hours_text(report.total_hours)} scheduled"
    if report.assessment_hours:
        scheduled += (
            f" ({hours_text(report.route_map_hours)} of the route map, "
            f"{hours_text(report.assessment_hours)} of the final assessment)"
        )
    return scheduled


def scheduled_text(report: HoursReport) -> str:
    """Scheduled hours, and the route map's compared like with like with the declared total,
    which no provider makes include the final assessment: the one way npqplan says a plan's
    total (check-hours, show, validate)."""
    scheduled = scheduled_hours(report)
    declared = report.plan.declared_total
    if declared is None:
        return scheduled
    gap = report.route_map_hours - declared
    if gap == 0:
        return f"{scheduled}; the route map is what the provider declares"
    more = "more" if gap > 0 else "fewer"
    return (
        f"{scheduled}; the provider declares {hours_text(declared)} h for the route map "
        f"({hours_text(abs(gap))} h {more} in the plan)"
    )


def _peak(week: Week) -> str:
    biggest = max(week.sessions, key=lambda s: s.hours, default=None)
    what = f" ({biggest.component})" if biggest is not None else ""
    return f"week of {day_text(week.week_start)}: {hours_text(week.hours)} h{what}"


def _out_of_school(report: HoursReport) -> str:
    if not report.out_of_school:
        return "none: no in-person day events"
    names = sorted({s.component for s in report.out_of_school})
    days = report.out_of_school_days
    return (
        f"{days} day{'' if days == 1 else 's'} ({hours_text(report.out_of_school_hours)} h) "
        f"of in-person events: {', '.join(names)}"
    )


def terms_table(report: HoursReport) -> Table:
    listing = table("By programme term")
    listing.add_column("Term", ratio=1)
    listing.add_column("Weeks", justify="right")
    listing.add_column("In term", justify="right")
    listing.add_column("Hours", justify="right")
    listing.add_column("h a week", justify="right")
    listing.add_column("h a term week", justify="right")
    for term in report.terms:
        listing.add_row(
            term.name,
            str(term.weeks),
            str(term.term_weeks),
            hours_text(term.hours),
            f"{term.average_hours_per_week:.2f}",
            f"{term.average_hours_per_term_week:.2f}",
        )
    return listing


@dataclass(frozen=True)
class WeeklyChart:
    """Weekly hours as columns, one a week (the busiest of several when space is short).

    Rows are half an hour up to twice the top of the target; the target lines are drawn at the
    nearest half hour; weeks above the chart end in a triangle. Under the axis: months by
    initial, and each new year.
    """

    weeks: tuple[Week, ...]
    target: tuple[float, float]

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        room = max(options.max_width - GUTTER, 1)
        per_column = max(math.ceil(len(self.weeks) / room), 1)
        columns = [self.weeks[i : i + per_column] for i in range(0, len(self.weeks), per_column)]
        values = [max(w.hours for w in column) for column in columns]
        styles = [self._style(column) for column in columns]
        rows = math.ceil(self.target[1] * 2 / ROW_HOURS)
        ceiling = rows * ROW_HOURS
        title = Text("Hours a week", style="bold")
        if per_column > 1:
            title.append(f", the busiest of each {per_column} weeks", style="bold")
        title.append(f"  ({OVERFLOW} above {hours_text(ceiling)} h; gaps in the axis are holidays)")
        yield title
        overflow = Text(f">{hours_text(ceiling)} h".rjust(GUTTER - 1) + " ", style="dim")
        for value, style in zip(values, styles, strict=True):
            overflow.append(OVERFLOW if value > ceiling else " ", style=style)
        yield overflow
        lines = {round(line / ROW_HOURS): line for line in self.target if line > 0}
        for row in reversed(range(rows)):
            label = f"{hours_text(lines[row])} h " if row in lines else ""
            text = Text(label.rjust(GUTTER), style="dim")
            for value, style in zip(values, styles, strict=True):
                fill = min(max((value - row * ROW_HOURS) / ROW_HOURS, 0.0), 1.0)
                eighths = round(fill * 8)
                if eighths == 0 and row in lines:
                    text.append(LINE, style="dim")
                else:
                    text.append(EIGHTHS[eighths], style=style)
            yield text
        axis = Text(" " * GUTTER, style="dim")
        for column in columns:
            axis.append(" " if all(w.holiday for w in column) else "─")
        yield axis
        yield from self._calendar_rows([column[0].week_start for column in columns])

    def _style(self, column: Sequence[Week]) -> str:
        low, high = self.target
        if any(w.hours > high for w in column):
            return "red"
        if all(w.holiday for w in column):
            return "dim"
        return "yellow" if any(not w.holiday and w.hours < low for w in column) else "green"

    def _calendar_rows(self, mondays: Sequence[date]) -> list[Text]:
        months = [" "] * len(mondays)
        years = [" "] * len(mondays)
        for index, monday in enumerate(mondays):
            before = mondays[index - 1] if index else None
            if before is None or before.month != monday.month:
                months[index] = f"{monday:%b}"[0]
            if before is None or before.year != monday.year:
                label = str(monday.year)
                if all(c == " " for c in years[max(index - 1, 0) : index + len(label)]):
                    years[index : index + len(label)] = list(label)
        pad = " " * GUTTER
        return [
            Text(pad + "".join(months), style="dim"),
            Text(pad + "".join(years[: len(mondays)]), style="dim"),
        ]


def _flag_row(flagged: FlaggedWeek) -> tuple[str, str, KeptTogether]:
    week = flagged.week
    lines = [describe_session(s) for s in week.sessions] or ["nothing planned"]
    return (day_text(week.week_start), hours_text(week.hours), KeptTogether("\n".join(lines)))


def flagged_tables(report: HoursReport) -> list[Table]:
    low, high = report.target
    tables = []
    if report.weeks_over:
        over = table(f"Weeks above {hours_text(high)} h")
        over.add_column("Week of", no_wrap=True)
        over.add_column("Hours", justify="right")
        over.add_column("Why", ratio=1)
        over.add_column("Day event", no_wrap=True)
        for flagged in report.weeks_over:
            over.add_row(*_flag_row(flagged), "yes" if flagged.excused else "no")
        tables.append(over)
    if report.weeks_under:
        under = table(f"Term weeks below {hours_text(low)} h")
        under.add_column("Week of", no_wrap=True)
        under.add_column("Hours", justify="right")
        under.add_column("What is planned", ratio=1)
        for flagged in report.weeks_under:
            under.add_row(*_flag_row(flagged))
        tables.append(under)
    return tables


def progress_lines(progress: LoggedHours) -> Group:
    low, high = progress.target_range
    gap = progress.logged - progress.planned
    if abs(gap) < 0.005:
        pace = "as planned"
    else:
        pace = f"{abs(gap):.2f} h {'ahead of' if gap > 0 else 'behind'} the plan"
    where = {
        Verdict.OVER: "above it",
        Verdict.UNDER: "below it",
        Verdict.WITHIN: "inside it",
    }[progress.against_target]
    return Group(
        Text(f"Logged up to {day_text(progress.today)}", style="bold"),
        _fields(
            [
                ("Logged", f"{progress.logged:.2f} h: {pace} ({progress.planned:.2f} h planned)"),
                (
                    "Target so far",
                    Text(
                        f"{hours_text(low)}–{hours_text(high)} h for "
                        f"{_weeks(progress.term_weeks)} of term begun: {where}",
                        style=VERDICT_STYLE[progress.against_target],
                    ),
                ),
            ]
        ),
    )


def hours_view(report: HoursReport) -> Group:
    """The whole check: summary, terms, chart, flagged weeks, then logged hours if any."""
    parts: list[RenderableType] = [
        summary(report),
        Text(""),
        terms_table(report),
        WeeklyChart(report.plan.weeks, report.target),
        Text(""),
        *flagged_tables(report),
    ]
    if report.progress is not None:
        parts.append(progress_lines(report.progress))
    return Group(*parts)


def starts_table(reports: Sequence[HoursReport]) -> Table:
    """One line per start month, named by its first school day: does every intake keep it?"""
    first = reports[0].plan
    listing = table(
        f"{first.programme_id}: weekly hours against "
        f"{hours_text(first.target[0])}–{hours_text(first.target[1])} h, by start month",
        collapse_padding=True,
    )
    listing.add_column("Start", no_wrap=True)
    for name in ("Weeks", "h/wk", "h/term wk", "Peak h"):
        listing.add_column(name, justify="right")
    listing.add_column("Peak week", no_wrap=True)
    for name in ("Over", "Under", "Days out"):
        listing.add_column(name, justify="right")
    listing.add_column("Verdict", no_wrap=True)
    for report in reports:
        peak = report.peak_week
        listing.add_row(
            report.plan.start.isoformat(),
            str(len(report.plan.weeks)),
            f"{report.average_hours_per_week:.2f}",
            f"{report.average_hours_per_term_week:.2f}",
            hours_text(peak.hours),
            peak.week_start.isoformat(),
            str(len(report.weeks_over)),
            str(len(report.weeks_under)),
            str(report.out_of_school_days),
            Text(report.verdict.value, style=VERDICT_STYLE[report.verdict]),
        )
    return listing
