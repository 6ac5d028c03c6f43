"""What a re-plan owes: the past sessions the log does not cover, and the missed live events.

A component owes the minutes its past sessions planned minus the minutes logged against it.
Minutes logged without a component pay off the oldest owed work first. Being ahead on one
component pays for nothing else. What a component owes comes out of its latest past sessions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, time, timedelta

from npqplan.plan import Session, in_time_order, monday_of
from npqplan.scheduling.ledger import Ledger
from npqplan.scheduling.units import later_by
from npqplan.schema import ComponentKind

# Minutes logged by component; None holds what was logged without one.
Done = Mapping[str | None, int]


@dataclass(frozen=True)
class Owed:
    """Minutes of one past session that move forward."""

    source: Session
    minutes: int
    keeps_identity: bool


def owed_minutes(
    past: Sequence[Session], done: Done, missed: frozenset[str] = frozenset()
) -> dict[str, int]:
    """Identity -> minutes owed, after logs without a component paid off the oldest (but the
    sessions the person said they missed)."""
    by_name: dict[str, list[Session]] = defaultdict(list)
    for session in past:
        by_name[session.component].append(session)
    owed: dict[str, int] = {}
    for name, sessions in by_name.items():
        short = sum(s.minutes for s in sessions) - done.get(name, 0)
        for session in reversed(sessions):
            if short <= 0:
                break
            take = min(short, session.minutes)
            if take:
                owed[session.identity] = take
                short -= take
    spare = done.get(None, 0)
    for session in past:
        if spare <= 0:
            break
        if session.identity in owed and session.identity not in missed:
            paid = min(spare, owed[session.identity])
            spare -= paid
            owed[session.identity] -= paid
    return {identity: minutes for identity, minutes in owed.items() if minutes > 0}


def take_owed(
    sessions: Sequence[Session], owed: Mapping[str, int]
) -> tuple[list[Session], list[Owed]]:
    """The sessions that stay (some shorter) and the owed pieces, oldest first. A session owed
    whole moves, keeping its identity; one owed in part stays on its day with what was done,
    and the rest moves. Fixed sessions never move: they keep only what was done (maybe none)."""
    kept: list[Session] = []
    pieces: list[Owed] = []
    for session in sorted(sessions, key=in_time_order):
        minutes = owed.get(session.identity, 0)
        if not minutes:
            kept.append(session)
            continue
        whole = minutes == session.minutes
        pieces.append(Owed(session, minutes, keeps_identity=whole and not session.fixed))
        if whole and not session.fixed:
            continue
        left = session.minutes - minutes
        if session.fixed or session.start is None:
            kept.append(replace(session, minutes=left))
        else:
            kept.append(replace(session, minutes=left, end=later_by(session.start, left)))
    return kept, pieces


def without_crumbs(
    kept: Sequence[Session], pieces: Sequence[Owed], today: date, latest: time, shortest: int
) -> tuple[list[Session], list[Owed]]:
    """No catch-up shorter than the shortest sitting where it can be helped: a short piece
    joins another piece of its component, else the component's next sitting from `today`
    (which then runs that much longer, if its evening has room before `latest`)."""
    merged: list[Owed] = []
    for piece in pieces:
        twin = next((m for m in merged if _same_work(m.source, piece.source)), None)
        if twin is not None and min(twin.minutes, piece.minutes) < shortest:
            merged[merged.index(twin)] = Owed(twin.source, twin.minutes + piece.minutes, False)
        else:
            merged.append(piece)
    staying = list(kept)
    left: list[Owed] = []
    for piece in merged:
        index = (
            _sitting_to_join(staying, piece, today, latest) if piece.minutes < shortest else None
        )
        if index is None:
            left.append(piece)
            continue
        sitting = staying[index]
        assert sitting.start is not None
        minutes = sitting.minutes + piece.minutes
        staying[index] = replace(sitting, minutes=minutes, end=later_by(sitting.start, minutes))
    return staying, left


def _same_work(one: Session, other: Session) -> bool:
    return (one.term, one.component) == (other.term, other.component)


def _sitting_to_join(
    sessions: Sequence[Session], piece: Owed, today: date, latest: time
) -> int | None:
    """The earliest self-study sitting of the piece's component from `today` with room after
    it for the piece, before `latest` and the day's next session."""
    for index, session in sorted(enumerate(sessions), key=lambda pair: in_time_order(pair[1])):
        if session.day < today or session.fixed or session.is_live or session.end is None:
            continue
        if not _same_work(session, piece.source) or session.start is None:
            continue
        end = later_by(session.end, piece.minutes)
        if end <= session.end or end > latest:
            continue
        clash = any(
            other.day == session.day
            and other.start is not None
            and session.end <= other.start < end
            for other in sessions
        )
        if not clash:
            return index
    return None


def missed_events(
    plan_sessions: Sequence[Session], done: Done, today: date, marked: frozenset[str] = frozenset()
) -> list[Session]:
    """Live and in-person sessions before `today` that the minutes logged against their
    component do not cover, oldest first: the latest of a component's sessions count as the
    missed ones. Minutes logged without a component pay for none of them: nobody attends an
    event by logging. A session made catch-up is self-study, and one moved off the person's
    busy times is theirs to arrange: neither is listed here."""
    past = sorted(
        (
            s
            for s in plan_sessions
            if s.day < today
            and not s.can_be_caught_up
            and not s.moved_off_busy
            and s.kind is not ComponentKind.ASSESSMENT
        ),
        key=in_time_order,
    )
    owed = owed_minutes(past, {name: m for name, m in done.items() if name is not None})
    return [s for s in past if s.identity in owed or s.identity in marked]


def crumbs_wait(
    pieces: Sequence[Owed], steps: Sequence[int], shortest: int, ledger: Ledger, today: date
) -> dict[int, date]:
    """For each piece shorter than `shortest`, the first Monday it may go in: the week after
    the last sitting of its work from `today` on, if it has one."""
    last: dict[tuple[str, str], date] = {}
    for session in ledger.sessions:
        if session.day >= today and not session.fixed and not session.is_live:
            work = (session.term, session.component)
            last[work] = max(last.get(work, session.day), session.day)
    waits: dict[int, date] = {}
    for position, piece in enumerate(pieces):
        work = (piece.source.term, piece.source.component)
        if steps[position] < shortest and work in last:
            waits[position] = monday_of(last[work]) + timedelta(days=7)
    return waits


def week_shares(remaining: list[int], budget: int, shortest: int) -> list[tuple[int, int]]:
    """(piece, units) of one week: whole pieces first, oldest first, so a piece is split only
    when nothing else fits, and never so that a part of it is shorter than `shortest`."""
    shares: list[tuple[int, int]] = []
    for position, units in enumerate(remaining):
        if 0 < units <= budget:
            shares.append((position, units))
            remaining[position] = 0
            budget -= units
    for position, units in enumerate(remaining):
        if budget <= 0:
            break
        if units <= 0:
            continue
        take = min(budget, units)
        if 0 < units - take < shortest:
            take = units - shortest
        if take < shortest:
            break
        shares.append((position, take))
        remaining[position] -= take
        budget -= take
    return shares
