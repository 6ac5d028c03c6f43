"""Council term dates -> rich renderables: the bundled calendars, and one in detail."""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from npqplan.backtest import Backtest
from npqplan.calendar import year_label
from npqplan.render.tables import KeptTogether, indented, table
from npqplan.render.words import day_text
from npqplan.schema import TermDatesFile


def _years(dates: TermDatesFile) -> str:
    """Every year it has: a run as first–last, a gap as a comma."""
    firsts = sorted(int(year.year[:4]) for year in dates.years)
    runs: list[list[int]] = []
    for first in firsts:
        if runs and runs[-1][-1] == first - 1:
            runs[-1].append(first)
        else:
            runs.append([first])
    return ", ".join(
        year_label(run[0]) if len(run) == 1 else f"{year_label(run[0])}–{year_label(run[-1])}"
        for run in runs
    )


def _council(dates: TermDatesFile) -> str:
    if dates.area and dates.area not in dates.name:
        return f"{dates.name} ({dates.area})"
    return dates.name


def calendar_list(calendars: Sequence[TermDatesFile], measured: Backtest) -> Table:
    listing = table(
        "Bundled school calendars",
        caption="Other years are estimated: from the dates most councils share where three or "
        "more published the year, else from the usual English pattern; estimated years match "
        f"published ones on {measured.percent:.1f}% of days. "
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
        if year.assumed:
            parts.append(indented(f"Assumed: {year.assumed}"))
    if not_understood:
        parts += [Text(""), Text("Not understood (left out of the terms)", style="bold")]
        parts += [indented(event) for event in not_understood]
    return Group(*parts)
