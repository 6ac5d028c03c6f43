"""Making a plan and taking it elsewhere: schedule, export."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated

import typer

from npqplan import current, formats, paths, store
from npqplan.atomic import write_output
from npqplan.cli import options
from npqplan.cli.options import DEFAULTS, PlanChoices, PlanFormat
from npqplan.cli.output import emit, plain_text, say, stdout
from npqplan.cli.state import current_plans
from npqplan.errors import UsageError
from npqplan.render.plan import plan_view
from npqplan.render.words import source_titles
from npqplan.request import PlannedProgramme, PlanRequest, make_plan, parse_start

# Reproducible output (https://reproducible-builds.org/specs/source-date-epoch/): when set,
# DTSTAMP and LAST-MODIFIED use this instant instead of the clock.
CLOCK_ENV = "SOURCE_DATE_EPOCH"

app = typer.Typer()


def _planned(request: PlanRequest | None) -> tuple[PlanRequest, PlannedProgramme]:
    """The plan asked for, or the user's current one (re-planned, once they have re-planned)."""
    if request is None:
        mine = current_plans()
        return mine.request, mine.current
    with options.flag_names():  # a value that only the programme or cohort file rules out
        planned = make_plan(request, paths.user_programmes_dir(), paths.cache_dir())
    return request, current.kept_where_moved(paths.state_dir(), request, planned)


@app.command(short_help="Lay a programme out week by week.")
def schedule(
    programme: options.ProgrammeOrCurrent = None,
    start: options.Start = None,
    output_format: Annotated[
        PlanFormat, typer.Option("--format", help="Output format.")
    ] = PlanFormat.TABLE,
    output: options.Output = None,
    no_save: Annotated[
        bool, typer.Option("--no-save", help="Do not make this your current plan.")
    ] = False,
    calendar: options.Calendar = None,
    terms: options.Terms = None,
    cohort: options.Cohort = None,
    study_days: options.StudyDays = DEFAULTS.study_days,
    study_time: options.StudyTime = DEFAULTS.study_time,
    session_hours: options.SessionHours = DEFAULTS.session_hours,
    weekly_cap: options.WeeklyCap = DEFAULTS.weekly_cap,
    block: options.Block = None,
    holiday_study: options.HolidayStudy = DEFAULTS.holiday_study,
    no_estimates: options.NoEstimates = not DEFAULTS.allow_estimates,
    busy: options.Busy = None,
    latest: options.Latest = DEFAULTS.latest,
    buffer: options.Buffer = DEFAULTS.buffer_minutes,
) -> None:
    """Lay a programme out week by week from a start month, around school terms and holidays.

    PROGRAMME is a programme id (see 'npqplan list') or a YAML file; with none, shows your
    current plan.

    Example: npqplan schedule npqel --start 2024-09
    """
    choices = PlanChoices(
        calendar, terms, cohort, study_days, study_time, session_hours, weekly_cap, block,
        holiday_study, no_estimates, busy, latest, buffer,
    )  # fmt: skip
    asked = choices.request(programme, start)
    request, planned = _planned(asked)
    plan = planned.plan
    if output_format is PlanFormat.TABLE and output is None:
        stdout.print(plan_view(plan))
    else:
        text = {
            PlanFormat.TABLE: lambda: plain_text(plan_view(plan)),
            PlanFormat.JSON: lambda: formats.plan_json(plan),
            PlanFormat.CSV: lambda: formats.plan_csv(plan),
            PlanFormat.MARKDOWN: lambda: formats.plan_markdown(plan),
        }[output_format]()
        emit(text, output)
    # Saved last, so a command that fails has not changed the current plan.
    if asked is not None and not no_save:
        store.save_current_request(paths.state_dir(), request)


def export_time() -> datetime:
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


def _export_record(key: str, request: PlanRequest, state_dir: Path) -> str:
    """Which export record an export reads and updates: the plan's own, unless this is a "what
    if" of the current plan (its programme and start, other options), which keeps its own
    record so that the next real export does not see every session as changed."""
    current = store.current_request(state_dir)
    if current is None or current == request:
        return key
    if (current.programme, current.start) != (request.programme, request.start):
        return key
    digest = hashlib.sha256(store.request_json(request).encode("utf-8")).hexdigest()[:16]
    return f"{key} what-if {digest}"


@app.command(short_help="Export a plan as an iCalendar file.")
def export(
    ics_file: Annotated[
        str,
        typer.Option(
            "--ics",
            metavar="FILE",
            help="Write the iCalendar file here (atomically); '-' for standard output.",
        ),
    ],
    programme: options.ProgrammeOrCurrent = None,
    start: options.Start = None,
    remind: Annotated[
        str | None,
        typer.Option(
            "--remind",
            metavar="TIME",
            help="Add a reminder this long before each session, like 30m or 2h (off).",
        ),
    ] = None,
    calendar: options.Calendar = None,
    terms: options.Terms = None,
    cohort: options.Cohort = None,
    study_days: options.StudyDays = DEFAULTS.study_days,
    study_time: options.StudyTime = DEFAULTS.study_time,
    session_hours: options.SessionHours = DEFAULTS.session_hours,
    weekly_cap: options.WeeklyCap = DEFAULTS.weekly_cap,
    block: options.Block = None,
    holiday_study: options.HolidayStudy = DEFAULTS.holiday_study,
    no_estimates: options.NoEstimates = not DEFAULTS.allow_estimates,
    busy: options.Busy = None,
    latest: options.Latest = DEFAULTS.latest,
    buffer: options.Buffer = DEFAULTS.buffer_minutes,
) -> None:
    """Export a plan as an iCalendar (.ics) file for Google Calendar, Outlook or Apple Calendar.

    PROGRAMME is a programme id or a YAML file; with none, exports your current plan. Import it
    into a calendar of its own; after a re-plan, export again: moved sessions update and
    dropped ones are marked cancelled.

    Example: npqplan export npqel --start 2024-09 --ics npqel.ics
    """
    # icalendar takes longer to import than a plan takes to make; only this command needs it.
    from npqplan import ics

    reminder = options.reminder(remind) if remind is not None else None
    generated_at = export_time()
    choices = PlanChoices(
        calendar, terms, cohort, study_days, study_time, session_hours, weekly_cap, block,
        holiday_study, no_estimates, busy, latest, buffer,
    )  # fmt: skip
    request, planned = _planned(choices.request(programme, start))
    plan = planned.plan
    state_dir = paths.state_dir()
    key = ics.plan_key(plan.programme_id, parse_start(request.start))
    record = _export_record(key, request, state_dir)
    # A what-if's record is its own plan: its UIDs come from it, so importing it beside (or over)
    # the real plan never overwrites the real plan's events; a plain export keeps its UIDs.
    result = ics.export_calendar(
        plan,
        key=record,
        generated_at=generated_at,
        previous=store.exported_events(state_dir, record),
        options=ics.ExportOptions(
            reminder=reminder, source_titles=source_titles(planned.programme)
        ),
    )
    store.remember_export(
        state_dir, record, result.events, write=lambda: write_output(ics_file, result.data)
    )
    where = "standard output" if ics_file == "-" else ics_file
    say(
        f"wrote {where}: {len(plan.sessions)} sessions "
        f"({result.added} new, {result.updated} updated, {result.cancelled} cancelled)"
    )
