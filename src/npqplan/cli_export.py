"""Commands for export: registered on the app in npqplan.cli."""

from __future__ import annotations

import os
from datetime import UTC, datetime
from typing import Annotated

import typer

from npqplan import paths
from npqplan.cli import (
    OptionalProgramme,
    PlanOptions,
    StartOption,
    app,
    reported_errors,
    stderr,
    with_plan_options,
)
from npqplan.errors import UsageError

# Reproducible output (https://reproducible-builds.org/specs/source-date-epoch/): when set,
# DTSTAMP and LAST-MODIFIED use this instant instead of the clock.
CLOCK_ENV = "SOURCE_DATE_EPOCH"

IcsOption = Annotated[
    str,
    typer.Option(
        "--ics", help="Write the iCalendar file here (atomically); '-' for standard output."
    ),
]
RemindOption = Annotated[
    str | None,
    typer.Option(
        "--remind", help="Add a reminder this long before each session, like 30m or 2h (off)."
    ),
]


def now() -> datetime:
    """The export's DTSTAMP: the real clock, or SOURCE_DATE_EPOCH when it is set."""
    value = os.environ.get(CLOCK_ENV)
    if value is None or not value.strip():
        return datetime.now(UTC)
    try:
        return datetime.fromtimestamp(int(value), UTC)
    except (ValueError, OverflowError, OSError):
        raise UsageError(
            f"{CLOCK_ENV}={value!r}: give whole seconds since 1970-01-01 UTC, or unset it"
        ) from None


@app.command()
@with_plan_options
def export(
    ics: IcsOption,
    programme: OptionalProgramme = None,
    start: StartOption = None,
    remind: RemindOption = None,
    *,
    options: PlanOptions,
) -> None:
    """Export a plan as an iCalendar (.ics) file for Google Calendar, Outlook or Apple Calendar.

    With no programme, exports your current plan. Import it into a calendar of its own; after a
    re-plan, export again: moved sessions update and dropped ones are marked cancelled.

    Example: npqplan export npqel --start 2024-09 --ics npqel.ics
    """
    from npqplan import current, exports, planning
    from npqplan import ics as calendar_file
    from npqplan.atomic import write_output

    with reported_errors():
        reminder = calendar_file.parse_reminder(remind) if remind is not None else None
        generated_at = now()
        request = options.request(programme, start)
        state_dir = paths.state_dir()
        if request is None:
            mine = current.plans(state_dir, paths.user_programmes_dir())
            request, plan = mine.request, mine.current.plan
        else:
            plan = planning.make_plan(
                request.anchored(), paths.user_programmes_dir(), paths.cache_dir()
            ).plan
        key = calendar_file.plan_key(plan.programme_id, planning.parse_start(request.start))
        result = calendar_file.export_calendar(
            plan,
            key=key,
            generated_at=generated_at,
            previous=exports.exported(state_dir, key),
            options=calendar_file.ExportOptions(reminder=reminder),
        )
        write_output(ics, result.data)
        exports.remember(state_dir, key, result.events)
        stderr.print(
            f"wrote {'standard output' if ics == '-' else ics}: {len(plan.sessions)} sessions "
            f"({result.added} new, {result.updated} updated, {result.cancelled} cancelled)",
            markup=False,
        )
