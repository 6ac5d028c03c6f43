"""Checking a plan's weekly load: check-hours."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from npqplan import formats, paths, store
from npqplan.cli import options
from npqplan.cli.options import DEFAULTS, PlanChoices, ReportFormat
from npqplan.cli.output import stdout
from npqplan.cli.state import current_plans
from npqplan.errors import EXIT_OUTSIDE_TARGET, UsageError
from npqplan.hours import HoursReport, Verdict, check_hours
from npqplan.render import hours as render
from npqplan.request import PlanRequest, make_plan

app = typer.Typer()


@app.command("check-hours", short_help="Check the weekly hours against the target.")
def check_hours_command(
    programme: options.ProgrammeOrCurrent = None,
    start: options.Start = None,
    all_starts: Annotated[
        str | None,
        typer.Option(
            "--all-starts",
            metavar="FROM..TO",
            help="Check every start month in a range, one line each: 2024-09..2025-08.",
        ),
    ] = None,
    today: options.Today = None,
    output_format: options.ReportFormatOption = ReportFormat.TABLE,
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
    """Check a plan's weekly hours against its 1–2 hours a week target.

    PROGRAMME is a programme id or a YAML file; with none, checks your current plan and, once
    you have logged hours, compares them with the plan up to --today. Exits 0 within the
    target, 1 under or over it.

    Example: npqplan check-hours npqel --start 2024-09
    """
    if all_starts is not None and (start is not None or programme is None):
        raise UsageError("give a programme and --all-starts FROM..TO, without --start")
    choices = PlanChoices(
        calendar, terms, cohort, study_days, study_time, session_hours, weekly_cap, block,
        holiday_study, no_estimates, busy, latest, buffer,
    )  # fmt: skip
    on = options.today_from(today)
    months = options.start_months(all_starts) if all_starts is not None else [start]
    reports = [_report(choices.request(programme, month), on) for month in months]
    if output_format is ReportFormat.JSON:
        stdout.out(formats.hours_json(reports, many=all_starts is not None), end="")
    elif all_starts:
        stdout.print(render.starts_table(reports))
    else:
        stdout.print(render.hours_view(reports[0]))
    if any(report.verdict is not Verdict.WITHIN for report in reports):
        raise typer.Exit(EXIT_OUTSIDE_TARGET)


def _report(request: PlanRequest | None, today: date) -> HoursReport:
    """A programme from a start, or the current plan with the hours logged against it."""
    if request is not None:
        return check_hours(make_plan(request, paths.user_programmes_dir(), paths.cache_dir()).plan)
    state = paths.state_dir()
    plan = current_plans().current.plan
    return check_hours(plan, logged=store.logged_hours_by_day(state), today=today)
