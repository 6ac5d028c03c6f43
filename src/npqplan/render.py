"""Programmes and plans -> rich renderables. Builds things to print; never prints."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from npqplan.domain import Component, Programme
from npqplan.grid import Cell, Column, Grid, Piece
from npqplan.loader import ProgrammeEntry
from npqplan.plan import FINAL_ASSESSMENT, Plan, Session, Week


def hours_text(hours: float) -> str:
    """Hours as people write them: 2, 1.5, 0.25."""
    return f"{hours:g}"


def programme_list(entries: Sequence[ProgrammeEntry]) -> Grid:
    columns = [
        Column("ID"),
        Column("NPQ"),
        Column("Provider", flex=True),
        Column("Months", justify="right"),
        Column("Hours", justify="right"),
        Column("From"),
    ]
    rows: list[list[Cell]] = [
        [
            [(entry.programme.id, "bold")],
            entry.programme.qualification.value,
            entry.programme.provider,
            str(entry.programme.duration_months),
            hours_text(entry.programme.total_hours),
            entry.origin,
        ]
        for entry in entries
    ]
    return Grid(
        columns,
        rows,
        title="NPQ programmes",
        title_style="",
        caption="Hours: the route map plus the final assessment.",
    )


def _provenance(component: Component) -> str:
    if component.source and component.assumed:
        return "quoted, part assumed"
    return "quoted" if component.source else "assumed"


def _component_detail(component: Component) -> str:
    parts = []
    if component.session_count > 1:
        parts.append(f"{component.session_count} sessions")
    if component.days:
        parts.append(f"{component.days} day{'s' if component.days > 1 else ''} each")
    if component.dates:
        parts.append("fixed dates")
    return ", ".join(parts)


def _components_table(title: str, components: Sequence[Component]) -> Table:
    table = Table(
        title=title, title_justify="left", title_style="bold", show_footer=True, box=box.SIMPLE_HEAD
    )
    table.add_column("Component", footer="Total")
    table.add_column("Kind, delivery")
    table.add_column("Hours", justify="right", footer=hours_text(sum(c.hours for c in components)))
    table.add_column("Sessions")
    table.add_column("Figure")
    for component in components:
        table.add_row(
            component.name,
            f"{component.kind.value}, {component.delivery.value}",
            hours_text(component.hours),
            _component_detail(component),
            _provenance(component),
        )
    return table


def total_difference(programme: Programme) -> str | None:
    """A sentence when the provider's stated total and its own route map disagree."""
    declared = programme.declared_total
    if declared is None or declared.hours == programme.guided_hours:
        return None
    gap = declared.hours - programme.guided_hours
    direction = "more" if gap > 0 else "fewer"
    return (
        f"The provider states {hours_text(declared.hours)} h in total; its route map adds up to "
        f"{hours_text(programme.guided_hours)} h ({hours_text(abs(gap))} h {direction} stated). "
        f"The plan schedules the route map."
    )


def programme_detail(programme: Programme) -> Group:
    parts: list[RenderableType] = [
        Text(f"{programme.title}", style="bold"),
        Text(
            f"{programme.qualification.value} · {programme.provider} · "
            f"{programme.duration_months} months · target "
            f"{hours_text(programme.weekly_target.min_hours)}–"
            f"{hours_text(programme.weekly_target.max_hours)} h a week"
        ),
        Text(""),
    ]
    for term in programme.terms:
        parts.append(_components_table(term.name, term.components))
    if programme.across_terms:
        label = "Across all terms" if programme.terms else "Across the whole programme"
        parts.append(_components_table(label, programme.across_terms))
    if programme.assessment:
        assessment = programme.assessment
        parts.append(
            Text(
                f"Final assessment: {assessment.name}: {hours_text(assessment.hours)} h in a "
                f"{assessment.window_days}-day window after the taught programme."
            )
        )
    parts.append(_kind_totals(programme))
    parts.append(Text(f"Route-map hours: {hours_text(programme.guided_hours)}"))
    if programme.declared_total:
        parts.append(Text(f"Declared total:  {hours_text(programme.declared_total.hours)}"))
    difference = total_difference(programme)
    if difference:
        parts.append(Text(difference, style="yellow"))
    parts.append(Text("\nSources", style="bold"))
    for source in programme.sources:
        parts.append(Text(f"  {source.doc}: {source.title}"))
    assumptions = programme.assumptions()
    if assumptions:
        parts.append(Text("\nAssumptions", style="bold"))
        seen: set[tuple[str, str]] = set()
        for name, reason in assumptions:
            if (name, reason) not in seen:
                seen.add((name, reason))
                parts.append(Text(f"  {name}: {reason}"))
    return Group(*parts)


def _kind_totals(programme: Programme) -> Table:
    by_kind: dict[str, float] = defaultdict(float)
    for component in programme.all_components():
        by_kind[component.kind.value] += component.hours
    table = Table(title="Hours by kind", title_justify="left")
    table.add_column("Kind")
    table.add_column("Hours", justify="right")
    for kind, hours in sorted(by_kind.items(), key=lambda item: (-item[1], item[0])):
        table.add_row(kind, hours_text(hours))
    return table


# -- plans ----------------------------------------------------------------------------------

BAR_QUARTERS = 12


def load_bar(hours: float, target: tuple[float, float]) -> list[Piece]:
    """Quarter hours as blocks, with a mark at the 1 h and 2 h lines: `████|██  |    `."""
    filled = min(round(hours * 4), BAR_QUARTERS)
    colour = "green" if target[0] <= hours <= target[1] else ("yellow" if hours else "dim")
    if hours > target[1]:
        colour = "red"
    bar: list[Piece] = []
    for first in range(0, BAR_QUARTERS, 4):
        if first:
            bar.append(("|", "dim"))
        blocks = min(max(filled - first, 0), 4)
        bar += [("█" * blocks, colour), (" " * (4 - blocks), "")]
    if round(hours * 4) > BAR_QUARTERS:
        bar.append(("+", colour))
    return bar


def _date_span(first: date, last: date) -> str:
    return f"{short_date(first)} – {short_date(last)}"


def short_date(day: date) -> str:
    return f"{day.day} {day.strftime('%b %Y')}"


def plan_header(plan: Plan) -> Group:
    weeks = len(plan.weeks)
    average = plan.total_hours / weeks if weeks else 0.0
    lines = [
        Text(plan.title, style="bold"),
        Text(f"Provider:  {plan.provider}"),
        Text(f"Dates:     {_date_span(plan.start, plan.end)} ({weeks} weeks)"),
        Text(
            f"Hours:     {plan.total_hours:g} in all, {average:.2f} a week on average "
            f"(target {plan.target[0]:g}–{plan.target[1]:g}, cap {plan.weekly_cap:g})"
        ),
        Text(f"Calendar:  {plan.calendar}"),
    ]
    if plan.declared_total is not None:
        lines.append(Text(f"Declared:  {plan.declared_total:g} h by the provider"))
    for warning in plan.warnings:
        lines.append(Text(f"Note: {warning}", style="yellow"))
    return Group(*lines)


def _group_name(week: Week) -> str:
    if week.label == FINAL_ASSESSMENT or week.label == "After the taught programme":
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
        parts.append(_term_table(name, weeks, plan.target))
    return Group(*parts)


def _session_line(session: Session) -> str:
    """A session as one short line inside its week: `Tue 16:30 Learning journal, 0.5 h`."""
    day = session.day.strftime("%a")
    if session.all_day:
        when = day if session.end_date == session.day else f"{day}–{session.end_date:%a}"
        when += " all day"
    else:
        when = f"{day} {session.start:%H:%M}" if session.start else day
    fixed = " (fixed)" if session.fixed else ""
    return f"{when} {session.component}, {session.hours:g} h{fixed}"


def _week_of(day: date) -> str:
    return f"{day.day} {day:%b}"


def _term_table(name: str, weeks: Sequence[Week], target: tuple[float, float]) -> Grid:
    hours = sum(w.hours for w in weeks)
    span = _date_span(weeks[0].week_start, weeks[-1].week_end)
    rows: list[list[Cell]] = []
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
            rows.append([_week_of(run[0].week_start), label, "", ""])
            index += count
            continue
        lines = [_session_line(s) for s in week.sessions] or ["nothing planned"]
        rows.append(
            [
                _week_of(week.week_start),
                "\n".join(lines),
                f"{week.hours:g}",
                load_bar(week.hours, target),
            ]
        )
        index += 1
    return Grid(
        [
            Column("Week of"),
            Column("What to do", flex=True),
            Column("Hours", justify="right"),
            Column("Load 1h|2h|3h"),
        ],
        rows,
        title=f"{name}: {hours:g} h ({span})",
    )
