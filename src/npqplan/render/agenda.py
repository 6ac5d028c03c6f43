"""Today's and a week's numbered sessions, and what done and missed did -> rich renderables."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from npqplan.agenda import Agenda, Numbered, SessionState
from npqplan.plan import Session
from npqplan.render.tables import table
from npqplan.render.words import clock_text, day_text, duration_text
from npqplan.store import Marked

_STATE_STYLE = {
    SessionState.TO_DO: "",
    SessionState.DONE: "green",
    SessionState.MISSED: "red",
}


def _when(session: Session) -> str:
    if session.all_day:
        if session.end_date != session.day:
            return f"all day to {day_text(session.end_date, weekday=True, year=False)}"
        return "all day"
    return f"{clock_text(session.start)}–{clock_text(session.end)}"


def _heading(agenda: Agenda) -> str:
    if agenda.day is not None:
        return f"Today, {day_text(agenda.day, weekday=True)}"
    label = f" ({agenda.week_label})" if agenda.week_label else ""
    return f"Week of {day_text(agenda.week_start, weekday=True)}{label}"


def agenda_view(agenda: Agenda) -> RenderableType:
    """The sessions, numbered as `done` and `missed` take them, with their state and a total."""
    title = Text(_heading(agenda), style="bold")
    if not agenda.items:
        when = "today" if agenda.day is not None else "this week"
        return Group(title, Text(f"Nothing is planned {when}."))
    listing = table()
    listing.add_column("#", justify="right", no_wrap=True)
    listing.add_column("Day", no_wrap=True)
    listing.add_column("Time", no_wrap=True)
    listing.add_column("Session", ratio=1, overflow="fold")
    listing.add_column("Length", justify="right", no_wrap=True)
    listing.add_column("State", no_wrap=True)
    for item in agenda.items:
        session = item.session
        listing.add_row(
            str(item.number),
            day_text(session.day, weekday=True, year=False),
            _when(session),
            session.component + (" [fixed]" if session.fixed else ""),
            duration_text(session.minutes),
            Text(item.state.value, style=_STATE_STYLE[item.state]),
        )
    totals = ", ".join(
        f"{duration_text(agenda.minutes_in(state))} {state.value}"
        for state in SessionState
        if agenda.minutes_in(state)
    )
    return Group(
        title,
        listing,
        Text(f"In all {duration_text(agenda.minutes)}: {totals}."),
        Text("Tick one off: npqplan done N.  Missed one: npqplan missed N.", style="dim"),
    )


def _what(item: Numbered) -> str:
    session = item.session
    day = day_text(session.day, weekday=True, year=False)
    return f"{item.number}, {session.component} on {day} ({duration_text(session.minutes)})"


def done_line(item: Numbered, marked: Marked) -> str:
    entry = marked.entry
    assert entry is not None
    if not marked.changed:
        return f"already done: {_what(item)}, logged as entry {entry.id}"
    unmissed = " (no longer missed)" if marked.unmissed else ""
    return f"done: {_what(item)}, logged as entry {entry.id}{unmissed}"


def undone_line(item: Numbered, marked: Marked) -> str:
    if marked.entry is None:
        return f"not ticked off, nothing to undo: {_what(item)}"
    return f"to do again: {_what(item)}; removed entry {marked.entry.id}"


def missed_line(item: Numbered, marked: Marked) -> str:
    if not marked.changed:
        return f"already marked missed: {_what(item)}"
    untick = f" (done entry {marked.entry.id} removed)" if marked.entry else ""
    after = (
        "'npqplan replan' catches it up"
        if item.session.can_be_caught_up
        else "ask your provider about catch-up"
    )
    return f"missed: {_what(item)}{untick}; {after}"


def unmissed_line(item: Numbered, marked: Marked) -> str:
    if not marked.changed:
        return f"not marked missed, nothing to undo: {_what(item)}"
    return f"to do again: {_what(item)}"


def nothing_today(agenda: Agenda) -> str:
    return f"Nothing is planned on {day_text(agenda.today, weekday=True)}: nothing to mark."
