"""The command line: argv -> one library call per step -> print -> exit code.

Each command imports the library modules it uses in its own body: every run builds every
command's options, so whatever is imported here is paid by all of them.
"""

from __future__ import annotations

import functools
import inspect
import io
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, fields
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from npqplan import paths
from npqplan.errors import EXIT_BAD_INPUT, InvalidFileError, NpqplanError, UsageError
from npqplan.request import PlanRequest

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Plan an NPQ week by week around school terms, and keep to 1–2 hours a week.",
)
stdout = Console(highlight=False)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


@contextmanager
def reported_errors() -> Iterator[None]:
    """The one place a library error becomes text on stderr and an exit code."""
    try:
        yield
    except NpqplanError as error:
        for line in error.lines():
            stderr.print(line, markup=False)
        raise typer.Exit(error.exit_code) from None


ProgrammeArg = Annotated[
    str, typer.Argument(help="A programme id (see 'npqplan list') or a path to a YAML file.")
]


@app.command("list")
def list_programmes() -> None:
    """List the bundled programmes and your own.

    Example: npqplan list
    """
    from npqplan import loader, render
    from npqplan.parsecache import ParseCache

    with reported_errors():
        entries = loader.library(paths.user_programmes_dir(), ParseCache(paths.cache_dir()))
        stdout.print(render.programme_list(entries))


@app.command()
def show(programme: ProgrammeArg) -> None:
    """Show a programme's terms, components, hours, sources and assumptions.

    Example: npqplan show npqel
    """
    from npqplan import loader, render
    from npqplan.parsecache import ParseCache

    with reported_errors():
        entry = loader.find_programme(
            programme, paths.user_programmes_dir(), ParseCache(paths.cache_dir())
        )
        stdout.print(render.programme_detail(entry.programme))


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Programme YAML files to check.")],
) -> None:
    """Check programme files; print 'ok' for each valid one and located errors otherwise.

    Example: npqplan validate programmes/*.yaml
    """
    from npqplan import loader, render

    failed = False
    for file in files:
        try:
            programme = loader.load_programme(file)
        except InvalidFileError as error:
            failed = True
            for line in error.lines():
                stderr.print(line, markup=False)
            continue
        stdout.print(f"{file}: ok", markup=False)
        difference = render.total_difference(programme)
        if difference:
            stdout.print(f"{file}: note: {difference}", markup=False)
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)


# -- plan options shared by schedule, check-hours and export ---------------------------------

OptionalProgramme = Annotated[
    str | None,
    typer.Argument(help="A programme id or YAML file; leave out to use your current plan."),
]
StartOption = Annotated[
    str | None, typer.Option("--start", help="YYYY-MM (first teaching week) or YYYY-MM-DD.")
]
CalendarOption = Annotated[
    str, typer.Option("--calendar", help="Bundled council term dates: kent or birmingham.")
]
TermsOption = Annotated[
    Path | None, typer.Option("--terms", help="Your school's own term dates (YAML).")
]
CohortOption = Annotated[
    Path | None, typer.Option("--cohort", help="Your cohort's fixed dates (YAML).")
]
StudyDaysOption = Annotated[
    str, typer.Option("--study-days", help="Days for self-study, like tue,thu.")
]
StudyTimeOption = Annotated[
    str, typer.Option("--study-time", help="When self-study starts (24-hour), like 16:30.")
]
SessionHoursOption = Annotated[
    float, typer.Option("--session-hours", help="Longest self-study session, in hours.")
]
WeeklyCapOption = Annotated[
    float | None,
    typer.Option(
        "--weekly-cap", help="Most self-study hours in a week (default: the target's top)."
    ),
]
BlockOption = Annotated[
    list[str] | None,
    typer.Option(
        "--block", help="A date or range to keep free: 2025-03-10 or 2025-03-10..2025-03-14."
    ),
]
HolidayStudyOption = Annotated[
    bool, typer.Option("--holiday-study", help="Let self-study go into holiday weeks too.")
]
NoEstimatesOption = Annotated[
    bool,
    typer.Option("--no-estimates", help="Refuse school years with no published term dates."),
]


@dataclass(frozen=True)
class PlanOptions:
    """The calendar and preference options that schedule, check-hours and export share."""

    # Defaults come from PlanRequest, so a saved plan and a fresh one agree on them.
    calendar: str = PlanRequest.calendar
    terms: Path | None = None
    cohort: Path | None = None
    study_days: str = PlanRequest.study_days
    study_time: str = PlanRequest.study_time
    session_hours: float = PlanRequest.session_hours
    weekly_cap: float | None = PlanRequest.weekly_cap
    block: list[str] | None = None
    holiday_study: bool = PlanRequest.holiday_study
    no_estimates: bool = not PlanRequest.allow_estimates

    def request(self, programme: str | None, start: str | None) -> PlanRequest | None:
        """The request these options describe, or None when no programme is named at all."""
        if programme is None and start is None:
            return None
        if programme is None or start is None:
            missing = "--start YYYY-MM" if start is None else "a programme id"
            raise UsageError(f"give both a programme and --start (missing {missing})")
        return PlanRequest(
            programme=programme,
            start=start,
            calendar=self.calendar,
            terms_file=str(self.terms) if self.terms else None,
            cohort_file=str(self.cohort) if self.cohort else None,
            study_days=self.study_days,
            study_time=self.study_time,
            session_hours=self.session_hours,
            weekly_cap=self.weekly_cap,
            blocked=tuple(self.block or ()),
            holiday_study=self.holiday_study,
            allow_estimates=not self.no_estimates,
        )


_PLAN_OPTION_TYPES: dict[str, Any] = {
    "calendar": CalendarOption,
    "terms": TermsOption,
    "cohort": CohortOption,
    "study_days": StudyDaysOption,
    "study_time": StudyTimeOption,
    "session_hours": SessionHoursOption,
    "weekly_cap": WeeklyCapOption,
    "block": BlockOption,
    "holiday_study": HolidayStudyOption,
    "no_estimates": NoEstimatesOption,
}
_PLAN_PARAMETERS = [
    inspect.Parameter(
        field.name,
        inspect.Parameter.KEYWORD_ONLY,
        default=field.default,
        annotation=_PLAN_OPTION_TYPES[field.name],
    )
    for field in fields(PlanOptions)
]


def with_plan_options(command: Callable[..., None]) -> Callable[..., None]:
    """Give `command` the shared plan options; it receives them as `options: PlanOptions`.

    typer reads a command's options from its signature, so the wrapper shows the command's own
    parameters followed by the shared ones, and folds the shared ones back into one value.
    """
    own = [
        parameter
        for parameter in inspect.signature(command, eval_str=True).parameters.values()
        if parameter.name != "options"
    ]
    names = [parameter.name for parameter in _PLAN_PARAMETERS]

    @functools.wraps(command)
    def with_options(*args: Any, **kwargs: Any) -> None:
        shared = {name: kwargs.pop(name) for name in names}
        command(*args, options=PlanOptions(**shared), **kwargs)

    parameters = own + _PLAN_PARAMETERS
    # typer reads these two attributes; a plain function cannot declare them any other way
    with_options.__signature__ = inspect.Signature(parameters)  # type: ignore[attr-defined]
    with_options.__annotations__ = {p.name: p.annotation for p in parameters}
    return with_options


TODAY_ENV = "NPQPLAN_TODAY"

TodayOption = Annotated[
    str | None,
    typer.Option(
        "--today", help=f"Take this date (YYYY-MM-DD) as today; {TODAY_ENV} does the same."
    ),
]


def today_from(option: str | None) -> date:
    """--today, else NPQPLAN_TODAY, else the real date: the only place npqplan reads the clock."""
    from npqplan.planning import parse_date

    if option is not None:
        return parse_date(option, "--today")
    from_env = os.environ.get(TODAY_ENV)
    if from_env:
        return parse_date(from_env, TODAY_ENV)
    return date.today()


def plain_text(renderable: object, width: int = 100) -> str:
    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(renderable)
    return console.export_text()


FormatOption = Annotated[str, typer.Option("--format", help="table, json, csv or markdown.")]
OutputOption = Annotated[
    str | None, typer.Option("--output", "-o", help="Write to this file (atomically) instead.")
]


@app.command()
@with_plan_options
def schedule(
    programme: OptionalProgramme = None,
    start: StartOption = None,
    output_format: FormatOption = "table",
    output: OutputOption = None,
    no_save: Annotated[
        bool, typer.Option("--no-save", help="Do not make this your current plan.")
    ] = False,
    *,
    options: PlanOptions,
) -> None:
    """Lay a programme out week by week from a start month, around school terms and holidays.

    With no programme, shows your current plan.

    Example: npqplan schedule npqel --start 2024-09
    """
    from npqplan import current, formats, planning, render
    from npqplan.atomic import write_output

    with reported_errors():
        if output_format not in {"table", "json", "csv", "markdown"}:
            raise UsageError(f"--format {output_format!r}: use table, json, csv or markdown")
        request = options.request(programme, start)
        if request is None:
            planned = current.current_plan(paths.state_dir(), paths.user_programmes_dir())
        else:
            request = request.anchored()
            planned = planning.make_plan(request, paths.user_programmes_dir(), paths.cache_dir())
            if not no_save:
                current.save_request(paths.state_dir(), request)
        plan = planned.plan
        if output_format == "table":
            if output is None:
                stdout.print(render.plan_view(plan))
                return
            text = plain_text(render.plan_view(plan))
        elif output_format == "json":
            text = formats.plan_json(plan)
        elif output_format == "csv":
            text = formats.plan_csv(plan)
        else:
            text = formats.plan_markdown(plan)
        if output is None:
            stdout.out(text, end="", highlight=False)
        else:
            write_output(output, text.encode("utf-8"))
            stderr.print(f"wrote {output}", markup=False)


def main() -> None:
    app(prog_name="npqplan")


# Each feature registers its commands on `app`; imported last because they import this module.
from npqplan import cli_export, cli_hours, cli_progress  # noqa: E402, F401
