"""Programmes -> rich renderables: the library list and one programme in detail."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from npqplan.hours import HoursReport
from npqplan.loader import ProgrammeEntry
from npqplan.render.hours import scheduled_hours
from npqplan.render.tables import indented, table
from npqplan.render.words import article, day_text, for_people, hours_text, source_titles
from npqplan.schema import Component, Programme, Qualification

_STORED_NAME = re.compile(r"\.(?:md|txt|yaml)$")


def short_provider(provider: str) -> str:
    """A provider's name short enough for one table cell: its own acronym where it gives one
    ("National Institute of Teaching (NIoT)" is NIoT), else its first word where that is one
    ("LLSE (...)", "UCL Centre for ..."), else the initials of a long name, else the name."""
    base = re.split(r" \(|, ", provider, maxsplit=1)[0]
    acronym = re.search(r"\(([A-Za-z]*[A-Z][A-Za-z]*)\)", provider)
    if acronym and " " not in acronym[1] and len(acronym[1]) <= 8:
        return acronym[1]
    first = base.split()[0]
    if first.isupper() and len(first) >= 3:
        return first
    capitals = [word for word in base.split() if word[:1].isupper()]
    if len(base) > 20 and len(capitals) >= 3:
        return "".join(word[0] for word in capitals)
    return base


def programme_list(entries: Sequence[ProgrammeEntry]) -> Group:
    """The library, one line a programme: a short provider name in the table, and the full
    names, each once, under it."""
    listing = table(
        "NPQ programmes",
        caption="Hours: the programme's own hours, the final assessment's included; + sessions "
        "the calendar counts (a weekly module, say), which a plan adds: 'npqplan show ID' gives "
        "the hours scheduled.",
        caption_justify="left",
    )
    listing.add_column("ID", style="bold", no_wrap=True)
    listing.add_column("NPQ", no_wrap=True)
    listing.add_column("Provider", no_wrap=True)
    listing.add_column("Months", justify="right", no_wrap=True)
    listing.add_column("Hours", justify="right", no_wrap=True)
    listing.add_column("From", no_wrap=True)
    order = list(Qualification)

    def group(entry: ProgrammeEntry) -> tuple[int, str]:
        return order.index(entry.programme.qualification), entry.programme.provider

    grouped = sorted(entries, key=lambda entry: (*group(entry), entry.programme.id))
    for index, entry in enumerate(grouped):
        if index and group(entry)[0] != group(grouped[index - 1])[0]:
            listing.add_section()
        programme = entry.programme
        listing.add_row(
            programme.id,
            programme.qualification.value,
            short_provider(programme.provider),
            str(programme.duration_months),
            hours_text(programme.total_hours) + ("+" if programme.cadenced() else ""),
            entry.origin,
        )
    names = sorted(
        {
            e.programme.provider
            for e in entries
            if short_provider(e.programme.provider) != e.programme.provider
        },
        key=lambda name: (short_provider(name), name),
    )
    if not names:
        return Group(listing)
    key = table("Providers", show_header=False)
    key.add_column("Short", no_wrap=True)
    key.add_column("Name", ratio=1)
    for name in names:
        key.add_row(short_provider(name), name)
    return Group(listing, Text(""), key)


def _figure(component: Component) -> str:
    if component.source and component.assumed:
        return "quoted, part assumed"
    return "quoted" if component.source else "assumed"


def _component_detail(component: Component) -> str:
    parts = []
    if component.cadence is not None:
        parts.append(f"{component.session_minutes} min {component.cadence.value}")
    elif component.session_count > 1:
        parts.append(f"{component.session_count} sessions")
    if component.placement:
        parts.append(component.placement)
    if component.days:
        parts.append(f"{component.days} day{'s' if component.days > 1 else ''} each")
    if component.dates:
        parts.append("fixed dates")
    return ", ".join(parts)


def _components_table(title: str, components: Sequence[Component]) -> Table:
    listing = table(title, show_footer=True)
    listing.add_column("Component", footer="Total", ratio=1)
    listing.add_column("Kind, delivery")
    listing.add_column(
        "Hours", justify="right", footer=hours_text(sum(c.total_hours for c in components))
    )
    listing.add_column("Sessions")
    listing.add_column("Figure")
    for component in components:
        listing.add_row(
            component.name,
            f"{component.kind.value}, {component.delivery.value}",
            "by calendar" if component.cadence else hours_text(component.total_hours),
            _component_detail(component),
            _figure(component),
        )
    return listing


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


REFERENCE = "from September 2024 on Kent's calendar"


def reference_total(report: HoursReport) -> str:
    """A programme's total as a plan schedules it: the figure show, validate and the README's
    table give (list gives the programme's own hours, as the README says)."""
    return f"{scheduled_hours(report)} {REFERENCE}"


def programme_detail(programme: Programme, scheduled: HoursReport | None = None) -> Group:
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
                f"Final assessment: {assessment.name}: {hours_text(assessment.hours)} h in "
                f"{article(assessment.window_days)} {assessment.window_days}-day window after the "
                "taught programme."
            )
        )
    parts.append(_kind_totals(programme))
    counted = "; the sessions the calendar counts come on top" if programme.cadenced() else ""
    parts.append(
        Text(
            f"Route-map hours: {hours_text(programme.guided_hours)} "
            f"({hours_text(programme.quoted_hours)} h quoted, "
            f"{hours_text(programme.assumed_hours)} h assumed){counted}"
        )
    )
    if scheduled is not None:
        parts.append(Text(f"Hours:           {reference_total(scheduled)}"))
    if programme.declared_total:
        parts.append(Text(f"Declared total:  {hours_text(programme.declared_total.hours)}"))
    difference = total_difference(programme)
    if difference:
        parts.append(Text(difference, style="yellow"))
    parts.append(Text("\nSources", style="bold"))
    titles = source_titles(programme)
    for source in programme.sources:
        # A page by its title and address; a stored note by its title alone, never its file.
        named = "" if _STORED_NAME.search(source.doc) else f"{source.doc}: "
        parts.append(indented(f"{named}{source.title}"))
        if source.address and source.read:
            parts.append(indented(f"  {source.address} (read {day_text(source.read)})"))
    assumptions = programme.assumptions()
    if assumptions:
        parts.append(Text("\nAssumptions", style="bold"))
        seen: set[tuple[str, str]] = set()
        for name, reason in assumptions:
            if (name, reason) not in seen:
                seen.add((name, reason))
                parts.append(indented(f"{name}: {for_people(reason, titles)}"))
    return Group(*parts)


def _kind_totals(programme: Programme) -> Table:
    by_kind: dict[str, float] = defaultdict(float)
    for component in programme.all_components():
        by_kind[component.kind.value] += component.total_hours
    listing = table("Hours by kind")
    listing.add_column("Kind")
    listing.add_column("Hours", justify="right")
    for kind, hours in sorted(by_kind.items(), key=lambda item: (-item[1], item[0])):
        listing.add_row(kind, hours_text(hours))
    return listing
