"""Council term dates -> rich renderables: the bundled calendars, and one in detail."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from npqplan.render.tables import KeptTogether, indented, table
from npqplan.render.words import day_text
from npqplan.schema import TermDatesFile


def _years(dates: TermDatesFile) -> str:
    years = [year.year for year in dates.years]
    return years[0] if len(years) == 1 else f"{years[0]}–{years[-1]}"


def _council(dates: TermDatesFile) -> str:
    if dates.area and dates.area not in dates.name:
        return f"{dates.name} ({dates.area})"
    return dates.name


def calendar_list(calendars: Sequence[TermDatesFile]) -> Table:
    listing = table(
        "Bundled school calendars",
        caption="Other years are estimated from the usual English pattern. "
        "'npqplan calendars show ID' gives each year's dates and source.",
    )
    listing.add_column("ID", style="bold", no_wrap=True)
    # The area only where the council's name does not already say it; no word is cut.
    words = [word for dates in calendars for word in _council(dates).split()]
    listing.add_column("Council", ratio=1, min_width=max(map(len, words), default=1))
    listing.add_column("Years", no_wrap=True)
    listing.add_column("Provisional", no_wrap=True)
    for dates in calendars:
        provisional = [year.year for year in dates.years if year.provisional]
        listing.add_row(
            dates.id,
            _council(dates),
            _years(dates),
            ", ".join(provisional) or "none",
        )
    return listing


def calendar_detail(dates: TermDatesFile, not_understood: Sequence[str] = ()) -> Group:
    parts: list[RenderableType] = [Text(dates.name, style="bold")]
    if dates.notes:
        parts.append(KeptTogether(dates.notes))
    for year in dates.years:
        flag = " (provisional)" if year.provisional else ""
        parts += [Text(""), Text(f"{year.year}{flag}", style="bold")]
        for term in year.terms:
            breaks = "; ".join(
                f"{b.name} {day_text(b.start)} – {day_text(b.end)}" for b in term.breaks
            )
            line = f"{term.name}: {day_text(term.start)} – {day_text(term.end)}"
            parts.append(indented(f"{line}{f' ({breaks})' if breaks else ''}"))
        if year.inset_days:
            days = ", ".join(day_text(day) for day in year.inset_days)
            parts.append(indented(f"INSET days: {days}"))
        parts.append(indented(f"Source: {year.source}"))
    if not_understood:
        parts += [Text(""), Text("Not understood (left out of the terms)", style="bold")]
        parts += [indented(event) for event in not_understood]
    return Group(*parts)
