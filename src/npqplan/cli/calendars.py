"""The school calendars npqplan ships: calendars, calendars show."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from npqplan import paths
from npqplan.backtest import backtest
from npqplan.cache import ParseCache
from npqplan.cli import completion, options
from npqplan.cli.options import ReportFormat
from npqplan.cli.output import formatter, present
from npqplan.errors import RequestValueError, UsageError
from npqplan.loader import load_file
from npqplan.request import (
    CALENDAR_FILE_SUFFIXES,
    bank_holidays,
    bundled_calendar_path,
    bundled_term_dates,
)
from npqplan.schema import TermDatesFile

app = typer.Typer()
calendars_app = typer.Typer(
    invoke_without_command=True, short_help="List the bundled council calendars."
)
app.add_typer(calendars_app, name="calendars")


@calendars_app.callback()
def calendars(
    ctx: typer.Context, output_format: options.ReportFormatOption = ReportFormat.TABLE
) -> None:
    """List the council term dates npqplan ships for --calendar: council, area, years covered
    and provisional years; 'show NAME' gives one year by year with its sources.

    Example: npqplan calendars
    """
    if ctx.invoked_subcommand is not None:
        return
    found = bundled_term_dates(ParseCache(paths.cache_dir()))
    years = [int(year.year[:4]) for dates in found for year in dates.years]
    holidays = bank_holidays(min(years), max(years) + 1, paths.cache_dir())
    present(formatter(output_format).calendars(found, backtest(found, holidays)))


@calendars_app.command(short_help="Show a calendar year by year, with its sources.")
def show(
    name: Annotated[
        str, typer.Argument(metavar="NAME", hidden=True, autocompletion=completion.calendar_names)
    ],
    output_format: options.ReportFormatOption = ReportFormat.TABLE,
) -> None:
    """Show a calendar's terms and half-terms, year by year, with each year's source.

    NAME is a calendar id from 'npqplan calendars', in any case, or a school's own calendar
    file (.ics): then it shows what it understood, and lists the events it could not use, so
    you can check it before planning with --terms.

    Example: npqplan calendars show kent
    """
    if Path(name).suffix.lower() in CALENDAR_FILE_SUFFIXES:
        from npqplan.schoolics import read_school_calendar

        read = read_school_calendar(Path(name))
        present(formatter(output_format).calendar(read.term_dates, read.not_understood))
        return
    try:
        path = bundled_calendar_path(name)
    except RequestValueError as error:
        raise UsageError(f"no bundled calendar {error.message}") from None
    present(formatter(output_format).calendar(load_file(path, TermDatesFile)))
