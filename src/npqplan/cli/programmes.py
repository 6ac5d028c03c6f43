"""The programme library: list, show, validate."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from npqplan import loader, paths
from npqplan.cache import ParseCache
from npqplan.cli import completion, options
from npqplan.cli.options import ReportFormat
from npqplan.cli.output import formatter, present, say
from npqplan.errors import EXIT_BAD_INPUT, InvalidFileError, NpqplanError
from npqplan.formats import Validation
from npqplan.render import programmes as render
from npqplan.schema import CohortFile, Qualification, TermDatesFile

if TYPE_CHECKING:
    from npqplan.hours import HoursReport

REFERENCE_START = "2024-09"
app = typer.Typer()


@app.command("list", short_help="List the programmes, bundled and your own.")
def list_programmes(
    qualification: Annotated[
        Qualification | None,
        typer.Option(
            "--qualification",
            "-q",
            help="Only this NPQ, like NPQH.",
            show_choices=False,
            metavar="NPQ",
            case_sensitive=False,
        ),
    ] = None,
    provider: Annotated[
        str | None,
        typer.Option(
            "--provider",
            "-p",
            metavar="NAME",
            help="Only providers whose name contains this, in any case.",
        ),
    ] = None,
    output_format: options.ReportFormatOption = ReportFormat.TABLE,
) -> None:
    """List the bundled programmes and your own, grouped by qualification and provider.

    Example: npqplan list --qualification NPQH
    """
    found = loader.library(paths.user_programmes_dir(), ParseCache(paths.cache_dir()))
    wanted = [
        entry
        for entry in found.entries
        if (qualification is None or entry.programme.qualification is qualification)
        and (provider is None or provider.casefold() in entry.programme.provider.casefold())
    ]
    present(formatter(output_format).programmes(wanted))
    for problem in found.skipped:
        say(f"warning: skipped {problem}")


@app.command(short_help="Show a programme in detail.")
def show(
    programme: Annotated[
        str,
        typer.Argument(metavar="PROGRAMME", hidden=True, autocompletion=completion.programme_ids),
    ],
    output_format: options.ReportFormatOption = ReportFormat.TABLE,
) -> None:
    """Show a programme's terms, components, hours, sources and assumptions.

    PROGRAMME is a programme id (see 'npqplan list') or a YAML file.

    Example: npqplan show npqel
    """
    entry = loader.find_programme(
        programme, paths.user_programmes_dir(), ParseCache(paths.cache_dir())
    )
    scheduled = _scheduled(programme)
    present(formatter(output_format).programme(entry.programme, scheduled))


@app.command(short_help="Check programme files.")
def validate(
    files: Annotated[list[Path], typer.Argument(metavar="FILES", hidden=True)],
    output_format: options.ReportFormatOption = ReportFormat.TABLE,
) -> None:
    """Check programme, term-dates and cohort files; 'ok' for each valid one, located errors
    otherwise.

    FILES are YAML files of any of the three kinds; each file's keys say which it is.

    Example: npqplan validate programmes/*.yaml my-school-terms.yaml
    """
    results = [_validated(file) for file in files]
    present(formatter(output_format).validation(results))
    if output_format is not ReportFormat.JSON:
        for result in results:
            for line in result.problems:
                say(line)
    if any(result.problems for result in results):
        raise typer.Exit(EXIT_BAD_INPUT)


def _scheduled(programme: str) -> HoursReport | None:
    """The programme planned from September 2024 on Kent's calendar, the plan whose total
    show, validate and the README's table give; None where it cannot be planned from then."""
    from npqplan.hours import check_hours
    from npqplan.request import PlanRequest, make_plan

    request = PlanRequest(programme=programme, start=REFERENCE_START)
    try:
        planned = make_plan(request, paths.user_programmes_dir(), paths.cache_dir())
    except NpqplanError:
        return None
    return check_hours(planned.plan)


def _validated(file: Path) -> Validation:
    try:
        value = loader.load_any(file)
    except InvalidFileError as error:
        return Validation(str(file), None, problems=tuple(error.lines()))
    if isinstance(value, TermDatesFile):
        years = ", ".join(year.year for year in value.years)
        return Validation(str(file), "term dates", f"term dates of {value.name}: {years}")
    if isinstance(value, CohortFile):
        every = (*value.sessions, *(s for i in value.intakes for s in i.sessions))
        count = sum(len(session.dates) for session in every)
        whose = f" for {value.programme}" if value.programme else ""
        dates = f"{count} date{'' if count == 1 else 's'}"
        if value.intakes:
            dates += f" in {len(value.intakes)} intake{'' if len(value.intakes) == 1 else 's'}"
        return Validation(str(file), "cohort", f"cohort dates{whose}: {dates}")
    scheduled = _scheduled(str(file))
    summary = render.reference_total(scheduled) if scheduled else None
    return Validation(str(file), "programme", summary, render.total_difference(value))
