"""Commands for progress: registered on the app in npqplan.cli."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from npqplan import paths
from npqplan.cli import OutputOption, TodayOption, app, reported_errors, stderr, stdout, today_from
from npqplan.errors import UsageError


@app.command(context_settings={"ignore_unknown_options": True})
def log(
    hours: Annotated[
        str | None, typer.Argument(help="Hours of study, in quarter hours: 0.5, 1, 1.75.")
    ] = None,
    on: Annotated[
        str | None, typer.Option("--on", help="The day you studied (default: today).")
    ] = None,
    component: Annotated[
        str | None,
        typer.Option("--component", "-c", help="Which component of your plan (any case)."),
    ] = None,
    note: Annotated[str | None, typer.Option("--note", help="A few words to remember.")] = None,
    list_entries: Annotated[
        bool, typer.Option("--list", help="Show every entry with its id.")
    ] = False,
    undo: Annotated[
        str | None, typer.Option("--undo", help="Remove the entry with this id.")
    ] = None,
    export: Annotated[
        str | None, typer.Option("--export", help="Write every entry as csv.")
    ] = None,
    output: OutputOption = None,
    today: TodayOption = None,
) -> None:
    """Record study against your current plan, or list, undo or export what you logged.

    Example: npqplan log 1.5 --on 2025-01-14 --component "learning journal"
    """
    from npqplan import progress, render_progress

    with reported_errors():
        modes = [hours is not None, list_entries, undo is not None, export is not None]
        if sum(modes) != 1:
            raise UsageError("give HOURS to log, or one of --list, --undo ID or --export csv")
        if hours is None and (on, component, note) != (None, None, None):
            raise UsageError("--on, --component and --note go with HOURS, like: npqplan log 1.5")
        if output is not None and export is None:
            raise UsageError("--output goes with --export csv")
        state = paths.state_dir()
        if list_entries:
            stdout.print(render_progress.log_table(progress.read_entries(state)))
        elif export is not None:
            _export_log(state, export, output)
        elif undo is not None:
            _undo(state, progress.parse_entry_id(undo))
        else:
            assert hours is not None
            _add(state, progress.parse_hours(hours), on, component, note, today_from(today))


def _add(
    state: Path, hours: float, on: str | None, component: str | None, note: str | None, today: date
) -> None:
    from npqplan import current, planning, progress, render_progress, store

    text = progress.check_note(note)
    day = planning.parse_date(on, "--on") if on is not None else today
    plan = current.current_plan(state, paths.user_programmes_dir()).plan
    name = progress.match_component(component, plan) if component is not None else None
    progress.check_log_day(day, plan, today)
    with store.connect(state) as db:
        entry = progress.add_entry(db, day, hours, name, text)
    # Printed only once the entry is committed: a confirmation means the entry is on disk.
    stdout.print(render_progress.logged_line(entry), markup=False)


def _undo(state: Path, entry_id: int) -> None:
    from npqplan import progress, render_progress, store

    if not store.database_path(state).exists():
        raise UsageError(f"--undo {entry_id}: nothing has been logged yet")
    with store.connect(state) as db:
        removed = progress.remove_entry(db, entry_id)
    stdout.print(render_progress.undone_line(removed), markup=False)


def _export_log(state: Path, export: str, output: str | None) -> None:
    from npqplan import progress, render_progress
    from npqplan.atomic import write_output

    if export != "csv":
        raise UsageError(f"--export {export!r}: the log exports as csv")
    text = render_progress.log_csv(progress.read_entries(state))
    if output is None:
        stdout.out(text, end="", highlight=False)
    else:
        write_output(output, text.encode("utf-8"))
        stderr.print(f"wrote {output}", markup=False)


@app.command()
def status(
    output_format: Annotated[str, typer.Option("--format", help="table or json.")] = "table",
    today: TodayOption = None,
) -> None:
    """Show hours done against the plan, engagement, a burn-up chart and what comes next.

    Example: npqplan status --today 2025-01-20
    """
    from npqplan import current, progress, render_progress

    with reported_errors():
        if output_format not in {"table", "json"}:
            raise UsageError(f"--format {output_format!r}: use table or json")
        now = today_from(today)
        state = paths.state_dir()
        found = current.plans(state, paths.user_programmes_dir())
        report = progress.progress(
            found.current.plan,
            found.scheduled.plan,
            progress.read_entries(state),
            now,
            replanned_on=found.replanned_on,
        )
        if output_format == "json":
            stdout.out(render_progress.status_json(found.current.plan, report), end="")
        else:
            stdout.print(render_progress.status_view(found.current.plan, report))


@app.command("replan")
def replan_command(
    yes: Annotated[bool, typer.Option("--yes", "-y", help="Save without asking.")] = False,
    today: TodayOption = None,
) -> None:
    """Spread the hours you owe over the weeks ahead, under the weekly cap, and save it.

    Fixed events and sessions still to come stay where they are; holidays stay free.
    Example: npqplan replan --today 2025-01-20
    """
    from npqplan import current, planning, progress, render_progress, replan, store

    with reported_errors():
        now = today_from(today)
        state = paths.state_dir()
        found = current.plans(state, paths.user_programmes_dir())
        old = found.current.plan
        done = progress.done_by_component(progress.read_entries(state), now)
        new = replan.replan(
            old, found.current.calendar, done, now, planning.preferences_of(found.request)
        )
        moved = replan.changes(old, new)
        if not moved:
            stdout.print(f"Nothing to re-plan: no hours are owed on {now.isoformat()}.")
            return
        stdout.print(
            render_progress.replan_view(old, new, moved, replan.moved_hours(old, new, now), now)
        )
        if not yes:
            if not sys.stdin.isatty():
                raise UsageError(
                    "not saved: replan asks before saving and there is no terminal to ask at; "
                    "run 'npqplan replan --yes' to save it"
                )
            if not typer.confirm("Save this re-plan?", default=False):
                stdout.print("Not saved.")
                return
        with store.connect(state) as db:
            progress.save_replan(db, found.request.to_json(), found.base, now, new)
        stdout.print("Saved: schedule, check-hours and export now use the re-planned plan.")
