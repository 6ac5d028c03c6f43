"""A whole cohort from a roster: cohort plan, cohort dates."""

from __future__ import annotations

import contextlib
from typing import TYPE_CHECKING

import typer

from npqplan import cache as caches
from npqplan import formats, paths
from npqplan.atomic import new_folder
from npqplan.cli import options
from npqplan.cli.options import PlanFormat
from npqplan.cli.output import emit, say, stderr, stdout
from npqplan.cli.plan import export_time
from npqplan.errors import EXIT_OUTSIDE_TARGET, RosterError
from npqplan.loader import find_programme
from npqplan.request import load_cohort

if TYPE_CHECKING:
    from npqplan.cohort import CohortReport, Outcome
    from npqplan.cohort_run import Problem

app = typer.Typer(
    name="cohort",
    no_args_is_help=True,
    short_help="Plan a whole cohort from a roster.",
    help="Plan a whole cohort from a roster, and find dates that suit every school.\n\n"
    "Example: npqplan cohort plan roster.csv npqel --out cohort-2024",
)


@app.command("plan", short_help="Plan every participant of a roster.")
def plan_command(
    roster_file: options.Roster,
    programme: options.Programme,
    out: options.RunFolder,
    cohort: options.Cohort = None,
    output_format: options.PlanFormatOption = PlanFormat.TABLE,
) -> None:
    """Plan every participant of a roster: each one's calendar (.ics) and plan (.json) in a new
    folder, named by their id, and a report of verdicts, conflicts and cover.

    ROSTER.csv has a header and a row per participant (see the README); PROGRAMME is a
    programme id (see 'npqplan list') or a YAML file. Exits 1 when a fixed date falls on a day a
    participant's school is closed or a participant's plan is outside the target.

    Example: npqplan cohort plan roster.csv npqel --out cohort-2024
    """
    # The process pool, rich.progress and the roster reader: only this command pays for them.
    from npqplan import cohort_run
    from npqplan.cohort import cohort_report
    from npqplan.cohort_run import Problem, Settings
    from npqplan.render.cohort import progress_bar

    cache_dir, user_dir = paths.cache_dir(), paths.user_programmes_dir()
    roster = cohort_run.read_roster(roster_file, str(roster_file))
    entry = find_programme(programme, user_dir, caches.ParseCache(cache_dir))
    cohort_file = str(cohort.resolve()) if cohort else None
    load_cohort(cohort_file, entry.programme, caches.ParseCache(cache_dir))
    cohort_run.check_terms_files(roster, cache_dir)
    outcomes: list[Outcome] = []
    problems: list[Problem] = []
    with new_folder(out, str(out)) as folder:
        generated_at = export_time()
        settings = Settings(programme, user_dir, cache_dir, cohort_file, generated_at, folder)
        # A bar only on a terminal: piped or redirected, standard error stays quiet.
        bar = progress_bar(stderr) if stderr.is_terminal else None
        task = bar.add_task("plan", total=len(roster.participants)) if bar else None

        def advance(count: int) -> None:
            if bar is not None and task is not None:
                bar.advance(task, count)

        workers = cohort_run.default_workers()
        with bar or contextlib.nullcontext():
            for result in cohort_run.plan_roster(
                roster, settings, workers=workers, on_done=advance
            ):
                if isinstance(result, Problem):
                    problems.append(result)
                else:
                    outcomes.append(result)
        if problems:
            problems.sort(key=lambda problem: problem.participant.line)
            raise RosterError(
                [roster.located(p.participant, p.column, p.message) for p in problems],
                max(p.exit_code for p in problems),
            )
        report = cohort_report(
            entry.programme.id, entry.programme.title, outcomes, entry.programme.provider
        )
        cohort_run.write_papers(report, folder, generated_at)
    _show(report, str(out), output_format)
    schools = len({outcome.participant.school for outcome in outcomes})
    say(
        f"wrote {out}: {len(outcomes)} calendars and plans, {schools} school calendars, "
        "cover.csv and index.csv"
    )
    if not report.all_clear:
        raise typer.Exit(EXIT_OUTSIDE_TARGET)


def _show(report: CohortReport, out: str, output_format: PlanFormat) -> None:
    from npqplan.render.cohort import cohort_view

    if output_format is PlanFormat.TABLE:
        stdout.print(cohort_view(report, out, options.EVERYONE_HINT))
        return
    text = {
        PlanFormat.JSON: formats.cohort_json,
        PlanFormat.CSV: formats.cohort_csv,
        PlanFormat.MARKDOWN: formats.cohort_markdown,
    }[output_format](report, out)
    emit(text, None)


@app.command("dates", short_help="Rank dates for an event by who is in term.")
def dates_command(
    roster_file: options.Roster,
    days: options.EventDays,
    between: options.Between,
    output_format: options.PlanFormatOption = PlanFormat.TABLE,
) -> None:
    """Rank the dates for an event of N consecutive school days by how many participants are in
    term on all of them, naming who is not: pick a residential date that suits every school.
    ROSTER.csv is the roster 'npqplan cohort plan' reads.

    Example: npqplan cohort dates roster.csv --days 2 --between 2025-01..2025-03
    """
    from npqplan import cohort_run
    from npqplan.cohort import candidate_dates, unsure_calendars
    from npqplan.render.cohort import candidates_view

    first, last = options.month_span(between)
    cache_dir = paths.cache_dir()
    roster = cohort_run.read_roster(roster_file, str(roster_file))
    cohort_run.check_terms_files(roster, cache_dir)
    calendars = cohort_run.school_calendars(roster, first, last, cache_dir)
    people = roster.participants
    found = candidate_dates(people, calendars, first, last, days)
    unsure = unsure_calendars(calendars.values(), first, last)
    if output_format is PlanFormat.TABLE:
        stdout.print(candidates_view(found, len(people), days, unsure))
        return
    text = {
        PlanFormat.JSON: lambda: formats.candidates_json(
            found, len(people), days, first, last, unsure
        ),
        PlanFormat.CSV: lambda: formats.candidates_csv(found),
        PlanFormat.MARKDOWN: lambda: formats.candidates_markdown(found, len(people)),
    }[output_format]()
    emit(text, None)
