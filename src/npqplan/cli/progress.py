"""Keeping track: log, status, replan."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from npqplan import current, formats, paths, progress, scheduling, store
from npqplan.cli import completion, options
from npqplan.cli.options import LogFormat, ReportFormat
from npqplan.cli.output import emit, formatter, present, stdout
from npqplan.cli.state import current_plans
from npqplan.errors import UsageError
from npqplan.render import progress as render

app = typer.Typer()


@app.command(
    short_help="Log study; list, undo or export the log.",
    context_settings={"ignore_unknown_options": True},
)
def log(
    time: Annotated[
        str | None,
        typer.Argument(metavar="TIME", hidden=True, show_default=False),
    ] = None,
    on: Annotated[
        str | None,
        typer.Option("--on", metavar="YYYY-MM-DD", help="The day you studied (default: today)."),
    ] = None,
    component: Annotated[
        str | None,
        typer.Option(
            "--component",
            "-c",
            metavar="NAME",
            help="Which component of your plan: any part of its name, in any case.",
            autocompletion=completion.component_names,
        ),
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", metavar="TEXT", help="A few words to remember.")
    ] = None,
    list_entries: Annotated[
        bool, typer.Option("--list", help="Show every entry with its id.")
    ] = False,
    undo: Annotated[
        str | None, typer.Option("--undo", metavar="ID", help="Remove the entry with this id.")
    ] = None,
    export: Annotated[
        LogFormat | None, typer.Option("--export", help="Write every entry in this format.")
    ] = None,
    output: options.Output = None,
    today: options.Today = None,
    output_format: options.ReportFormatOption = ReportFormat.TABLE,
) -> None:
    """Record study against your current plan, or list, undo or export what you logged.

    TIME is how long you studied, as you would say it: 50m, 1h20, 1:20, 90 min, or hours like
    1.5. To tick off a planned session instead, see 'npqplan done'.

    Example: npqplan log 50m --on 2025-01-14 --component journal
    """
    modes = [time is not None, list_entries, undo is not None, export is not None]
    if sum(modes) != 1:
        raise UsageError("give TIME to log, or one of --list, --undo ID or --export csv")
    if time is None and (on, component, note) != (None, None, None):
        raise UsageError("--on, --component and --note go with TIME, like: npqplan log 50m")
    if output is not None and export is None:
        raise UsageError("--output goes with --export csv")
    state = paths.state_dir()
    if list_entries:
        present(formatter(output_format).log(store.log_entries(state)))
    elif export is not None:
        emit(formats.log_csv(store.log_entries(state)), output)
    elif undo is not None:
        number = options.entry_id(undo)
        if not store.exists(state):
            raise UsageError(f"--undo {number}: nothing has been logged yet")
        removed = store.remove_entry(state, number)
        if removed is None:
            raise UsageError(f"--undo {number}: no such entry; see 'npqplan log --list'")
        stdout.print(render.undone_line(removed), markup=False)
    else:
        assert time is not None
        _add(options.logged_minutes(time), on, component, note, today)


def _add(
    minutes: int, on: str | None, component: str | None, note: str | None, today: str | None
) -> None:
    state = paths.state_dir()
    text = options.note(note)
    now = options.today_from(today)
    day = options.day_on(on) if on is not None else now
    plan = current_plans().current.plan
    try:
        name = progress.match_component(component, plan) if component is not None else None
    except UsageError as error:
        raise UsageError(f"--component {error.message}") from None
    try:
        progress.check_log_day(day, plan, now)
    except UsageError as error:
        raise UsageError(f"--on {error.message}") from None
    entry = store.add_entry(state, day, minutes, name, text)
    # Printed only once the entry is committed: a confirmation means the entry is on disk.
    stdout.print(render.logged_line(entry), markup=False)


@app.command(short_help="Where you stand against your plan.")
def status(
    output_format: options.ReportFormatOption = ReportFormat.TABLE,
    today: options.Today = None,
) -> None:
    """Show hours done against the plan, engagement, a burn-up chart and what comes next.

    Example: npqplan status --today 2025-01-20
    """
    now = options.today_from(today)
    state = paths.state_dir()
    found = current_plans()
    report = progress.progress(
        found.current.plan,
        found.scheduled.plan,
        store.log_entries(state),
        now,
        replanned_on=found.replanned_on,
        marked_missed=current.marked_missed(state, found.current.plan),
    )
    if output_format is ReportFormat.JSON:
        stdout.out(formats.status_json(found.current.plan, report), end="")
    else:
        stdout.print(render.status_view(found.current.plan, report))


@app.command("replan", short_help="Catch up what you owe in the weeks ahead.")
def replan_command(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Save without asking.")] = False,
    today: options.Today = None,
) -> None:
    """Spread the hours you owe over the weeks ahead, under the weekly cap, and save it.

    Fixed events and sessions still to come stay where they are; holidays stay free.

    Example: npqplan replan --today 2025-01-20
    """
    now = options.today_from(today)
    state = paths.state_dir()
    found = current_plans()
    old = found.current
    done = progress.done_by_component(store.log_entries(state), now)
    marked = current.marked_missed(state, old.plan)
    new = scheduling.replan(
        old.plan, old.programme, old.calendar, done, now, old.preferences, marked
    )
    moved = scheduling.changes(old.plan, new)
    missed = scheduling.missed_events(old.plan.sessions, done, now, marked)
    if not moved:
        stdout.print(f"Nothing to re-plan: no hours are owed on {now.isoformat()}.")
        for line in render.missed_lines(missed):
            stdout.print(line)
        return
    minutes = scheduling.moved_minutes(old.plan, new, now)
    stdout.print(render.replan_view(old.plan, new, moved, minutes / 60, now, missed))
    if not yes:
        if not sys.stdin.isatty():
            raise UsageError(
                "not saved: replan asks before saving and there is no terminal to ask at; "
                "run 'npqplan replan --yes' to save it"
            )
        if not typer.confirm("Save this re-plan?", default=False):
            stdout.print("Not saved.")
            return
    saved = store.StoredReplan(now, done, current.input_digests(old), new, marked)
    store.save_replan(state, found.request, found.base, saved)
    stdout.print("Saved: schedule, check-hours and export now use the re-planned plan.")
