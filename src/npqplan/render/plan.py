"""A plan -> rich renderables: its header, then week by week, grouped by term."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from npqplan.plan import (
    AFTER_TAUGHT,
    AWAITING_RESULTS,
    FINAL_ASSESSMENT,
    Plan,
    Session,
    Week,
    monday_of,
)
from npqplan.render.tables import KeptTogether, table
from npqplan.render.words import busy_read_text, clock_text, day_text, duration_text, hours_text

BAR_QUARTERS = 12
WEEK_HEADING = "Week of"
HOURS_HEADING = "Hours"
LOAD_HEADING = "Load 1h|2h|3h"


def load_bar(hours: float, target: tuple[float, float]) -> Text:
    """Quarter hours as blocks, with a mark at the 1 h and 2 h lines: `████|██  |    `."""
    filled = min(round(hours * 4), BAR_QUARTERS)
    colour = "green" if target[0] <= hours <= target[1] else ("yellow" if hours else "dim")
    if hours > target[1]:
        colour = "red"
    bar = Text()
    for first in range(0, BAR_QUARTERS, 4):
        if first:
            bar.append("|", "dim")
        blocks = min(max(filled - first, 0), 4)
        bar.append("█" * blocks, colour)
        bar.append(" " * (4 - blocks))
    if round(hours * 4) > BAR_QUARTERS:
        bar.append("+", colour)
    return bar


def _date_span(first: date, last: date) -> str:
    return f"{day_text(first)} – {day_text(last)}"


def plan_header(plan: Plan) -> Group:
    weeks = len(plan.weeks)
    average = plan.total_hours / weeks if weeks else 0.0
    lines = [
        Text(plan.title, style="bold"),
        Text(f"Provider:  {plan.provider}"),
        Text(f"Dates:     {_date_span(plan.start, plan.end)} ({weeks} weeks)"),
        Text(
            f"Hours:     {hours_text(plan.total_hours)} in all, {average:.2f} a week on average "
            f"(target {hours_text(plan.target[0])}–{hours_text(plan.target[1])}, "
            f"cap {hours_text(plan.weekly_cap)})"
        ),
        Text(f"Calendar:  {plan.calendar_name}"),
    ]
    if plan.declared_total is not None:
        lines.append(Text(f"Declared:  {hours_text(plan.declared_total)} h by the provider"))
    for note in plan.notes:
        lines.append(Text(f"Made:      {note}"))
    for read in plan.busy_read:
        lines.append(Text(f"Busy:      {busy_read_text(read)}"))
    if plan.moved_for_busy is not None:
        moved = plan.moved_for_busy
        lines.append(
            Text(
                f"Busy:      {moved} session{'s' if moved != 1 else ''} moved off busy times "
                "in your own calendar"
            )
        )
    lines += [Text(line, style="yellow") for line in clash_lines(plan)]
    for warning in plan.warnings:
        lines.append(Text(f"Note: {warning}", style="yellow"))
    return Group(*lines)


def clash_lines(plan: Plan) -> list[str]:
    """Fixed sessions on a busy time of the person's own calendar: theirs to decide."""
    return [
        f"Clash:     {s.component} on {day_text(s.day)} (fixed by the provider) meets "
        "something in your own calendar"
        for s in plan.clashes
    ]


def _group_name(week: Week) -> str:
    if week.label in (FINAL_ASSESSMENT, AFTER_TAUGHT, AWAITING_RESULTS):
        return FINAL_ASSESSMENT
    return week.term or "Before the first term"


def plan_view(plan: Plan) -> Group:
    """The header, then week by week grouped by term, holiday runs folded into one line."""
    parts: list[RenderableType] = [plan_header(plan)]
    groups: list[tuple[str, list[Week]]] = []
    for week in plan.weeks:
        name = _group_name(week)
        if groups and (groups[-1][0] == name or (week.holiday and not week.sessions)):
            groups[-1][1].append(week)
        else:
            groups.append((name, [week]))
    for name, weeks in groups:
        parts += [Text(""), _term_table(name, weeks, plan.target)]
    return Group(*parts)


def _session_line(session: Session) -> str:
    """A session as one short line inside its week: `Tue 16:30 Learning journal, 0.5 h`."""
    day = session.day.strftime("%a")
    if session.all_day:
        if session.end_date == session.day:
            when = day
        elif monday_of(session.end_date) == monday_of(session.day):
            when = f"{day}–{session.end_date:%a}"
        else:  # an assessment window weeks long: its days, not two weekday names
            when = f"{day} {session.day.day}–{session.end_date:%a} {day_text(session.end_date)}"
        when += " all day"
    else:
        when = f"{day} {clock_text(session.start)}" if session.start else day
    fixed = " (fixed)" if session.fixed else ""
    return f"{when} {session.component}, {duration_text(session.minutes)}{fixed}"


def _term_table(name: str, weeks: Sequence[Week], target: tuple[float, float]) -> Table:
    hours = sum(w.hours for w in weeks)
    span = _date_span(weeks[0].week_start, weeks[-1].week_end)
    listing = table(f"{name}: {hours_text(hours)} h ({span})")
    # Widths known before any cell is drawn ("Week of" is wider than "30 Sep", "Hours" than
    # "22.25", a bar is at most 12 blocks, 2 marks and a "+"), so rich measures only what to do.
    bars = [load_bar(w.hours, target) for w in weeks if w.sessions or not w.holiday]
    load = max([len(LOAD_HEADING), *(b.cell_len for b in bars)])
    week_width = max([len(WEEK_HEADING), *(len(day_text(w.week_start, year=False)) for w in weeks)])
    figures = max([len(HOURS_HEADING), *(len(hours_text(w.hours)) for w in weeks)])
    listing.add_column(WEEK_HEADING, no_wrap=True, width=week_width)
    listing.add_column("What to do", ratio=1)
    listing.add_column(HOURS_HEADING, justify="right", no_wrap=True, width=figures)
    listing.add_column(LOAD_HEADING, no_wrap=True, width=load)
    index = 0
    while index < len(weeks):
        week = weeks[index]
        if week.holiday and not week.sessions:
            run = [week]
            while (
                index + len(run) < len(weeks)
                and weeks[index + len(run)].holiday
                and not weeks[index + len(run)].sessions
            ):
                run.append(weeks[index + len(run)])
            count = len(run)
            label = f"{week.label}, {count} week{'s' if count > 1 else ''}"
            listing.add_row(Text(day_text(run[0].week_start, year=False)), Text(label, style="dim"))
            index += count
            continue
        quiet = {FINAL_ASSESSMENT: "assessment window", AWAITING_RESULTS: "waiting for results"}
        lines = [_session_line(s) for s in week.sessions] or [
            quiet.get(week.label, "nothing planned")
        ]
        listing.add_row(
            Text(day_text(week.week_start, year=False)),
            KeptTogether("\n".join(lines)),
            Text(hours_text(week.hours)),
            load_bar(week.hours, target),
        )
        index += 1
    return listing
