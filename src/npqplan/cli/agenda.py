"""A week at a time: today, week, done, missed."""

from __future__ import annotations

from collections.abc import Callable

import typer

from npqplan import agenda, current, paths, store
from npqplan.agenda import Agenda, Numbered, WhichWeek
from npqplan.cli import options
from npqplan.cli.options import ReportFormat
from npqplan.cli.output import formatter, present, stdout
from npqplan.plan import Plan
from npqplan.render import agenda as render
from npqplan.store import Marked

app = typer.Typer()


def _agenda(today: str | None, which: WhichWeek, *, day: bool) -> tuple[Plan, Agenda]:
    """The current plan (re-planned if it was) and the numbered view the command asked for."""
    now = options.today_from(today)
    state = paths.state_dir()
    plan = current.plans(state, paths.user_programmes_dir(), paths.cache_dir()).current.plan
    done = store.ticked_sessions(store.log_entries(state))
    missed = store.missed_sessions(state)
    if day:
        return plan, agenda.day_agenda(plan, now, done, missed)
    return plan, agenda.week_agenda(plan, now, done, missed, which)


@app.command(short_help="Today's sessions, numbered, with what is done.")
def today(
    output_format: options.ReportFormatOption = ReportFormat.TABLE,
    today: options.Today = None,
) -> None:
    """List today's sessions of your current plan, numbered as 'npqplan week' numbers them,
    each to do, done or missed.

    Example: npqplan today
    """
    present(formatter(output_format).agenda(_agenda(today, WhichWeek.THIS, day=True)[1]))


@app.command(short_help="This week's sessions (or next or last week's), numbered.")
def week(
    which: options.WhichWeekArgument = WhichWeek.THIS,
    output_format: options.ReportFormatOption = ReportFormat.TABLE,
    today: options.Today = None,
) -> None:
    """List the week's sessions of your current plan, numbered, each to do, done or missed.

    WHICH is this (the default), next or last. The numbers are the ones 'npqplan done' and
    'npqplan missed' take; they stay the same all week while the plan does.

    Example: npqplan week next
    """
    present(formatter(output_format).agenda(_agenda(today, which, day=False)[1]))


def _mark(
    words: list[str] | None,
    command: str,
    which: WhichWeek,
    today: str | None,
    mark: Callable[[Numbered, Plan, Agenda], str],
) -> None:
    numbers = options.session_numbers(words, command)
    plan, view = _agenda(today, which, day=numbers is None)
    items = list(view.items) if numbers is None else agenda.chosen(view, numbers)
    if not items:
        stdout.print(render.nothing_today(view), markup=False)
    for item in items:
        stdout.print(mark(item, plan, view), markup=False)


@app.command(short_help="Tick sessions off; each is logged with its own time.")
def done(
    numbers: options.SessionNumbers = None,
    undo: options.UndoMark = False,
    which: options.WeekChoice = WhichWeek.THIS,
    today: options.Today = None,
) -> None:
    """Tick off sessions by the numbers 'npqplan week' (or 'npqplan today') shows, or all of
    today's with 'today': each is logged with its own minutes against its own component, so
    status and check-hours count it. Ticking one twice logs it once.

    Example: npqplan done 2 3
    """
    state = paths.state_dir()

    def mark(item: Numbered, plan: Plan, view: Agenda) -> str:
        if undo:
            return render.undone_line(item, store.unmark_done(state, item.key))
        day = agenda.log_day(item.session, view.today)
        marked: Marked = store.mark_done(
            state, item.key, day, item.session.minutes, item.session.component
        )
        return render.done_line(item, marked)

    _mark(numbers, "done", which, today, mark)


@app.command(short_help="Mark sessions missed, for the re-plan to catch up.")
def missed(
    numbers: options.SessionNumbers = None,
    undo: options.UndoMark = False,
    which: options.WeekChoice = WhichWeek.THIS,
    today: options.Today = None,
) -> None:
    """Mark sessions missed by the numbers 'npqplan week' shows (a tick on one goes), so that
    'npqplan replan' catches up what can be caught up. Marking one twice changes nothing.

    Example: npqplan missed 2
    """
    state = paths.state_dir()

    def mark(item: Numbered, plan: Plan, view: Agenda) -> str:
        if undo:
            return render.unmissed_line(item, store.unmark_missed(state, item.key))
        return render.missed_line(item, store.mark_missed(state, item.key, item.session.day))

    _mark(numbers, "missed", which, today, mark)
