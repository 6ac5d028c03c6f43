"""Commands for hours: registered on the app in npqplan.cli."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from npqplan import paths
from npqplan.cli import (
    OptionalProgramme,
    PlanOptions,
    StartOption,
    TodayOption,
    app,
    reported_errors,
    stdout,
    today_from,
    with_plan_options,
)
from npqplan.errors import EXIT_OUTSIDE_TARGET, StateError, UsageError

if TYPE_CHECKING:
    from npqplan.hours import HoursReport
    from npqplan.request import PlanRequest

MOST_STARTS = 60
_MONTHS = re.compile(r"^(\d{4})-(\d{2})\.\.(\d{4})-(\d{2})$")

AllStartsOption = Annotated[
    str | None,
    typer.Option(
        "--all-starts",
        help="Check every start month in a range, one line each: 2024-09..2025-08.",
    ),
]
HoursFormatOption = Annotated[str, typer.Option("--format", help="table or json.")]


def start_months(text: str) -> list[str]:
    """`2024-09..2025-08` -> every month from the first to the last, as YYYY-MM."""
    match = _MONTHS.match(text)
    if not match:
        raise UsageError(f"--all-starts {text!r}: write two months, like 2024-09..2025-08")
    first, last = (int(match[1]), int(match[2])), (int(match[3]), int(match[4]))
    if not (1 <= first[1] <= 12 and 1 <= last[1] <= 12):
        raise UsageError(f"--all-starts {text}: months run from 01 to 12")
    count = (last[0] - first[0]) * 12 + last[1] - first[1] + 1
    if count < 1:
        raise UsageError(f"--all-starts {text}: the range ends before it starts")
    if count > MOST_STARTS:
        raise UsageError(f"--all-starts {text}: give at most {MOST_STARTS} months")
    months = (first[0] * 12 + first[1] - 1 + offset for offset in range(count))
    return [f"{month // 12:04d}-{month % 12 + 1:02d}" for month in months]


def logged_hours(state_dir: Path) -> dict[date, float]:
    from npqplan import store

    with store.connect(state_dir) as db:
        rows = store.logged_hours_by_day(db)
    try:
        return {date.fromisoformat(day): total for day, total in rows.items()}
    except ValueError:
        raise StateError(
            f"the log in {store.database_path(state_dir)} has a day that is not a date"
        ) from None


@app.command("check-hours")
@with_plan_options
def check_hours(
    programme: OptionalProgramme = None,
    start: StartOption = None,
    all_starts: AllStartsOption = None,
    today: TodayOption = None,
    output_format: HoursFormatOption = "table",
    *,
    options: PlanOptions,
) -> None:
    """Check a plan's weekly hours against its 1–2 hours a week target.

    With no programme, checks your current plan and, once you have logged hours, compares them
    with the plan up to --today. Exits 0 within the target, 1 under or over it.

    Example: npqplan check-hours npqel --start 2024-09
    """
    from npqplan import hours, render_hours

    with reported_errors():
        if output_format not in {"table", "json"}:
            raise UsageError(f"--format {output_format!r}: use table or json")
        if all_starts is not None and (start is not None or programme is None):
            raise UsageError("give a programme and --all-starts FROM..TO, without --start")
        on = today_from(today)
        months = start_months(all_starts) if all_starts is not None else [start]
        reports = [
            _report(
                options.request(programme, month),
                on,
            )
            for month in months
        ]
        if output_format == "json":
            data = [hours.report_dict(report) for report in reports]
            text = json.dumps(data if all_starts else data[0], indent=2, ensure_ascii=False)
            stdout.out(text, highlight=False)
        elif all_starts:
            stdout.print(render_hours.starts_table(reports))
        else:
            stdout.print(render_hours.hours_view(reports[0]))
    if any(report.verdict is not hours.Verdict.WITHIN for report in reports):
        raise typer.Exit(EXIT_OUTSIDE_TARGET)


def _report(request: PlanRequest | None, today: date) -> HoursReport:
    """A programme from a start, or the current plan with the hours logged against it."""
    from npqplan import current, hours, planning

    if request is not None:
        return hours.check_hours(
            planning.make_plan(request, paths.user_programmes_dir(), paths.cache_dir()).plan
        )
    plan = current.current_plan(paths.state_dir(), paths.user_programmes_dir()).plan
    logged = logged_hours(paths.state_dir())
    # The real date is read here, at the edge, and only when there is a log to compare.
    return hours.check_hours(plan, logged=logged, today=today)
