"""What is on a day or in a week of a plan, numbered, each with its state. Pure: no SQL, no clock.

A session is numbered by its place in its week (Monday to Sunday, in time order), so the number
`today` shows is the one `week` shows, and it stays the same for as long as the plan does.
"""

from __future__ import annotations

from collections.abc import Iterable, Set
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from npqplan.errors import UsageError
from npqplan.plan import Plan, Session, in_time_order, monday_of


class SessionState(StrEnum):
    TO_DO = "to do"
    DONE = "done"
    MISSED = "missed"


class WhichWeek(StrEnum):
    """The week a view shows, counted from the week of today."""

    LAST = "last"
    THIS = "this"
    NEXT = "next"

    @property
    def offset(self) -> int:
        return {WhichWeek.LAST: -1, WhichWeek.THIS: 0, WhichWeek.NEXT: 1}[self]


@dataclass(frozen=True)
class Numbered:
    number: int
    session: Session
    key: str
    state: SessionState


@dataclass(frozen=True)
class Agenda:
    """The numbered sessions of one week; `day` narrows it to one day of that week."""

    today: date
    week_start: date
    week_label: str | None
    items: tuple[Numbered, ...]
    day: date | None = None

    @property
    def minutes(self) -> int:
        return sum(item.session.minutes for item in self.items)

    def minutes_in(self, state: SessionState) -> int:
        return sum(item.session.minutes for item in self.items if item.state is state)


def session_key(plan: Plan, session: Session) -> str:
    """What a tick or a missed mark is stored against: the programme and the session's identity,
    which a re-plan or a new schedule of the same programme keeps."""
    return f"{plan.programme_id}/{session.identity}"


def week_agenda(
    plan: Plan,
    today: date,
    done: Set[str],
    missed: Set[str],
    which: WhichWeek = WhichWeek.THIS,
) -> Agenda:
    """The sessions of the week `which` (from the week of `today`), numbered from 1."""
    monday = monday_of(today) + timedelta(weeks=which.offset)
    sunday = monday + timedelta(days=6)
    # A re-plan can leave a fixed session with none of its time (all of it moved): nothing to do.
    found = sorted(
        (s for s in plan.sessions if monday <= s.day <= sunday and s.minutes > 0),
        key=in_time_order,
    )
    label = next((w.label for w in plan.weeks if w.week_start == monday), None)
    items = []
    for number, session in enumerate(found, start=1):
        key = session_key(plan, session)
        state = (
            SessionState.DONE
            if key in done
            else SessionState.MISSED
            if key in missed
            else SessionState.TO_DO
        )
        items.append(Numbered(number, session, key, state))
    return Agenda(today, monday, label, tuple(items))


def day_agenda(plan: Plan, today: date, done: Set[str], missed: Set[str]) -> Agenda:
    """Today's sessions, with the numbers they have in this week's view."""
    week = week_agenda(plan, today, done, missed)
    items = tuple(item for item in week.items if item.session.day <= today <= _last_day(item))
    return Agenda(today, week.week_start, week.week_label, items, day=today)


def _last_day(item: Numbered) -> date:
    return max(item.session.day, item.session.end_date)


def chosen(agenda: Agenda, numbers: Iterable[int]) -> list[Numbered]:
    """The items with these numbers, in the order given, each once; a number the view does not
    show is refused with the numbers it does."""
    by_number = {item.number: item for item in agenda.items}
    picked: list[Numbered] = []
    for number in numbers:
        if number not in by_number:
            shown = f"1 to {len(agenda.items)}" if agenda.items else "none"
            raise UsageError(
                f"session {number}: no session has that number in this view (it has {shown})"
            )
        if by_number[number] not in picked:
            picked.append(by_number[number])
    return picked


def log_day(session: Session, today: date) -> date:
    """The day a ticked session is logged on: its own, or today when it was done early."""
    return min(session.day, today)
