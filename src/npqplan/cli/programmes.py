"""The programme library: list, show, validate."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from npqplan import loader, paths
from npqplan.cache import ParseCache
from npqplan.cli.output import say, stdout
from npqplan.errors import EXIT_BAD_INPUT, InvalidFileError
from npqplan.render import programmes as render
from npqplan.schema import CohortFile, Qualification, TermDatesFile

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
    if wanted or not found.entries:
        stdout.print(render.programme_list(wanted))
    else:
        stdout.print("No programme matches; 'npqplan list' shows them all.")
    for problem in found.skipped:
        say(f"warning: skipped {problem}")


@app.command(short_help="Show a programme in detail.")
def show(
    programme: Annotated[
        str,
        typer.Argument(metavar="PROGRAMME", hidden=True),
    ],
) -> None:
    """Show a programme's terms, components, hours, sources and assumptions.

    PROGRAMME is a programme id (see 'npqplan list') or a YAML file.

    Example: npqplan show npqel
    """
    entry = loader.find_programme(
        programme, paths.user_programmes_dir(), ParseCache(paths.cache_dir())
    )
    stdout.print(render.programme_detail(entry.programme))


@app.command(short_help="Check programme files.")
def validate(
    files: Annotated[list[Path], typer.Argument(metavar="FILES", hidden=True)],
) -> None:
    """Check programme, term-dates and cohort files; 'ok' for each valid one, located errors
    otherwise.

    FILES are YAML files of any of the three kinds; each file's keys say which it is.

    Example: npqplan validate programmes/*.yaml my-school-terms.yaml
    """
    failed = False
    for file in files:
        try:
            value = loader.load_any(file)
        except InvalidFileError as error:
            failed = True
            for line in error.lines():
                say(line)
            continue
        if isinstance(value, TermDatesFile):
            years = ", ".join(year.year for year in value.years)
            stdout.print(
                f"{file}: ok (term dates of {value.name}: {years})", markup=False, soft_wrap=True
            )
        elif isinstance(value, CohortFile):
            every = (*value.sessions, *(s for i in value.intakes for s in i.sessions))
            count = sum(len(session.dates) for session in every)
            whose = f" for {value.programme}" if value.programme else ""
            dates = f"{count} date{'' if count == 1 else 's'}"
            if value.intakes:
                dates += f" in {len(value.intakes)} intake{'' if len(value.intakes) == 1 else 's'}"
            stdout.print(f"{file}: ok (cohort dates{whose}: {dates})", markup=False, soft_wrap=True)
        else:
            stdout.print(f"{file}: ok", markup=False, soft_wrap=True)
            difference = render.total_difference(value)
            if difference:
                stdout.print(f"{file}: note: {difference}", markup=False, soft_wrap=True)
    if failed:
        raise typer.Exit(EXIT_BAD_INPUT)
