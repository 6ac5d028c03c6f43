"""A week's self-study as sittings: at most the session length each, on the person's study
days in turn, from when each evening is free until the latest end, never shorter than the
shortest sitting where the week's work allows. The same for a first plan and a re-plan."""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, time
from typing import Generic, TypeVar

from npqplan.scheduling.context import Planning
from npqplan.scheduling.ledger import Ledger
from npqplan.scheduling.units import chunks, later_by, minutes_between

Key = TypeVar("Key", bound=Hashable)


@dataclass(frozen=True)
class Sitting(Generic[Key]):
    """One sitting of the work `key` names."""

    key: Key
    day: date
    start: time
    steps: int


def sittings_in_week(
    ctx: Planning,
    ledger: Ledger,
    monday: date,
    shares: Sequence[tuple[Key, int]],
    taken: Mapping[date, int] | None = None,
) -> list[Sitting[Key]]:
    """`shares` (work, steps) of one week as sittings, in the order they are made.

    Study days take pieces in turn; another study day, or part of a piece, only when an
    evening would run past the latest end. An evening the person's own calendar cuts short
    comes after the others, so sessions are not stacked late while another evening is free.
    Pieces of one work that meet on an evening join into one sitting. Given the minutes of
    study each day already holds (`taken`: a re-plan's sittings still to come), the day that
    holds least goes first, so catch-up does not pile onto one evening.
    """
    size = max(1, ctx.steps(ctx.days.prefs.session_minutes))
    shortest = max(1, -(-ctx.shortest // ctx.step))
    waiting = [(key, piece) for key, steps in shares for piece in pieces(steps, size, shortest)]
    if not waiting:
        return []
    days = ctx.days.study_days(monday, ledger)
    latest = ctx.days.prefs.latest
    cursor = {day: ctx.days.evening(day, ledger) for day in days}
    cut = {day for day in days if ctx.days.cut_short(day, ledger)}

    def room(day: date) -> int:
        return ctx.steps(minutes_between(cursor[day], latest))

    placed: dict[tuple[date, Key], Sitting[Key]] = {}
    made: list[tuple[date, Key]] = []
    done: list[Sitting[Key]] = []
    holding = {day: (taken or {}).get(day, 0) for day in days}
    position = -1
    while waiting:
        key, piece = waiting.pop(0)
        position += 1
        turn = position % len(days)
        candidates = [*days[turn:], *days[:turn]]
        if taken is not None:
            candidates.sort(key=lambda d: holding[d])
        candidates.sort(key=lambda d: d in cut)
        day = next((d for d in candidates if room(d) >= piece), None)
        if day is None:
            day = max(candidates, key=room)
            fits = _part_that_fits(room(day), piece, shortest)
            waiting.insert(0, (key, piece - fits))
            piece = fits
        previous = placed.get((day, key))
        if (
            previous is not None
            and later_by(previous.start, ctx.minutes(previous.steps)) == (cursor[day])
        ):
            placed[(day, key)] = Sitting(key, day, previous.start, previous.steps + piece)
        else:
            if previous is not None:
                done.append(previous)
                made.remove((day, key))
            placed[(day, key)] = Sitting(key, day, cursor[day], piece)
            made.append((day, key))
        cursor[day] = later_by(cursor[day], ctx.minutes(piece))
        holding[day] += ctx.minutes(piece)
    return done + [placed[entry] for entry in made]


def pieces(steps: int, size: int, shortest: int) -> list[int]:
    """`steps` in near-equal pieces of at most `size`, each a whole number of `shortest`
    sittings but the last, which takes the rest (so may run a little past `size`)."""
    if shortest <= 1 or steps < shortest:
        return chunks(steps, size)
    whole, rest = divmod(steps, shortest)
    found = [count * shortest for count in chunks(whole, max(1, size // shortest))]
    found[-1] += rest
    return found


def _part_that_fits(room: int, piece: int, shortest: int) -> int:
    """What of `piece` goes into an evening with `room` left: all the room, unless that
    leaves a crumb under the shortest sitting on either side."""
    fits = room
    if piece - fits < shortest:
        fits = piece - shortest
    if fits < shortest:
        fits = min(room, piece)
    return max(1, fits)
