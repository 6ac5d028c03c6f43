"""The table formatter: the same methods as formats.JsonFormatter, each a rich renderable.

A command picks one of the two once (`cli/output.formatter`) and calls it the same way whatever
the format, as todoman's formatters do.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.console import RenderableType
from rich.text import Text

from npqplan.agenda import Agenda
from npqplan.backtest import Backtest
from npqplan.formats import Validation
from npqplan.hours import HoursReport
from npqplan.loader import ProgrammeEntry
from npqplan.progress import LogEntry
from npqplan.render import agenda as agenda_render
from npqplan.render import calendars as calendar_render
from npqplan.render import programmes as programme_render
from npqplan.render import progress as progress_render
from npqplan.schema import Programme, TermDatesFile


class TableFormatter:
    def programmes(self, entries: Sequence[ProgrammeEntry]) -> RenderableType:
        if not entries:
            return Text("No programme matches; 'npqplan list' shows them all.")
        return programme_render.programme_list(entries)

    def programme(
        self, programme: Programme, scheduled: HoursReport | None = None
    ) -> RenderableType:
        return programme_render.programme_detail(programme, scheduled)

    def calendars(self, calendars: Sequence[TermDatesFile], measured: Backtest) -> RenderableType:
        return calendar_render.calendar_list(calendars, measured)

    def calendar(self, dates: TermDatesFile, not_understood: Sequence[str] = ()) -> RenderableType:
        return calendar_render.calendar_detail(dates, not_understood)

    def validation(self, results: Sequence[Validation]) -> str:
        """One line a file, never wrapped (a script reads them); problems go to standard error,
        where each is located."""
        lines: list[str] = []
        for result in results:
            if result.problems:
                continue
            summary = f" ({result.summary})" if result.summary else ""
            lines.append(f"{result.file}: ok{summary}\n")
            if result.note:
                lines.append(f"{result.file}: note: {result.note}\n")
        return "".join(lines)

    def log(self, entries: Sequence[LogEntry]) -> RenderableType:
        return progress_render.log_table(entries)

    def agenda(self, agenda: Agenda) -> RenderableType:
        return agenda_render.agenda_view(agenda)
