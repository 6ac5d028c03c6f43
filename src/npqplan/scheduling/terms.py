"""Programme terms onto school terms: the stretches of teaching weeks each term occupies."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from npqplan.errors import ScheduleError
from npqplan.scheduling.availability import Availability
from npqplan.scheduling.units import split_units
from npqplan.schema import Cadence, Programme, Term

SHORTEST_TERM_WEEKS = 4
SHORTEST_HALF_TERM_WEEKS = 3


@dataclass
class Segment:
    """A stretch of school term that one programme term occupies."""

    label: str
    start: date
    end: date
    weeks: list[date]
    study_weeks: list[date] = field(default_factory=list)


def plan_terms(programme: Programme) -> list[tuple[str, Term]]:
    """(label, term) for each term of the plan: a repeated cycle gives one per repeat."""
    return [(name, term) for term in programme.terms for name in term.cycle_names()]


def segments(
    days: Availability, programme_id: str, wanted: int, *, spread: bool = False
) -> list[Segment]:
    """School terms clipped to the plan; stubs of a term at either end join their neighbour.

    When the programme has more terms than that, or asks for its terms to be spread, its
    terms share the weeks equally.
    """
    first_day, last_day = days.first_day, days.last_day
    found: list[Segment] = []
    for term in days.calendar.terms:
        if term.end < first_day or term.start > last_day:
            continue
        first, last = max(term.start, first_day), min(term.end, last_day)
        weeks = days.weeks_between(first, last, days.event_day_ok)
        if weeks:
            found.append(Segment(term.name, first, last, weeks))
    if len(found) > 1 and len(found[0].weeks) < SHORTEST_TERM_WEEKS:
        head, following = found.pop(0), found[0]
        found[0] = Segment(following.label, head.start, following.end, head.weeks + following.weeks)
    if len(found) > 1 and len(found[-1].weeks) < SHORTEST_TERM_WEEKS:
        tail, before = found.pop(), found[-1]
        found[-1] = Segment(before.label, before.start, tail.end, before.weeks + tail.weeks)
    if wanted > len(found) or (spread and wanted):
        found = _equal_parts(days, programme_id, found, wanted)
    for index, segment in enumerate(found):
        following_start = found[index + 1].start if index + 1 < len(found) else None
        until = following_start - timedelta(days=1) if following_start else last_day
        segment.study_weeks = days.weeks_between(segment.start, until, days.is_study_day)
    return found


def _equal_parts(
    days: Availability, programme_id: str, found: Sequence[Segment], parts: int
) -> list[Segment]:
    weeks = [week for segment in found for week in segment.weeks]
    if len(weeks) < parts:
        raise ScheduleError(
            f"{programme_id} has {parts} terms but only {len(weeks)} school weeks fall "
            f"between {days.first_day.isoformat()} and {days.last_day.isoformat()}"
        )
    shared: list[Segment] = []
    offset = 0
    for size in split_units(len(weeks), parts):
        chunk = weeks[offset : offset + size]
        offset += size
        first = max(chunk[0], days.first_day)
        last = min(chunk[-1] + timedelta(days=6), days.last_day)
        shared.append(Segment("", first, last, chunk))
    return shared


def cadence_periods(
    cadence: Cadence, weeks: Sequence[date], terms: Sequence[Sequence[date]]
) -> list[list[date]]:
    """The stretches of `weeks` that each hold one session of `cadence`: every week, every
    other week, each half-term (a run of weeks unbroken by a holiday), each of `terms`, or each
    calendar month."""
    if not weeks:
        return []
    if cadence is Cadence.WEEKLY:
        return [[week] for week in weeks]
    if cadence is Cadence.FORTNIGHTLY:
        return [list(weeks[i : i + 2]) for i in range(0, len(weeks), 2)]
    if cadence is Cadence.TERMLY:
        wanted = set(weeks)
        return [p for p in ([w for w in term if w in wanted] for term in terms) if p]
    if cadence is Cadence.MONTHLY:
        months: dict[tuple[int, int], list[date]] = {}
        for week in weeks:
            months.setdefault((week.year, week.month), []).append(week)
        return list(months.values())
    return half_terms(weeks)


def half_terms(weeks: Sequence[date]) -> list[list[date]]:
    """`weeks` in runs unbroken by a holiday; a run of under SHORTEST_HALF_TERM_WEEKS weeks
    (a day or two of term at the plan's start or end) joins the run beside it."""
    found = runs(weeks)
    if len(found) > 1 and len(found[0]) < SHORTEST_HALF_TERM_WEEKS:
        found[1] = found[0] + found[1]
        found.pop(0)
    if len(found) > 1 and len(found[-1]) < SHORTEST_HALF_TERM_WEEKS:
        found[-2] = found[-2] + found[-1]
        found.pop()
    return found


def runs(weeks: Sequence[date]) -> list[list[date]]:
    """`weeks` in runs of consecutive weeks: a holiday starts a new run."""
    found: list[list[date]] = []
    for week in weeks:
        if found and week - found[-1][-1] == timedelta(days=7):
            found[-1].append(week)
        else:
            found.append([week])
    return found


def trimmed(weeks: Sequence[date]) -> list[date]:
    """`weeks` without a stub run of under SHORTEST_HALF_TERM_WEEKS at the end."""
    found = runs(weeks)
    while len(found) > 1 and len(found[-1]) < SHORTEST_HALF_TERM_WEEKS:
        found.pop()
    return [week for run in found for week in run]
