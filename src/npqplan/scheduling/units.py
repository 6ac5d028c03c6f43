"""The one step rule: how finely a programme's minutes are cut, and the shortest sitting.

A programme whose figures are all quarter hours is planned in quarter hours, so its plans are
as they always were; one given in minutes (a 50-minute module) in 5-minute steps. Sums are
made in whole steps of that size and every length a plan holds is a whole number of minutes.
"""

from __future__ import annotations

import math
from datetime import date, datetime, time, timedelta

from npqplan.schema import Programme

QUARTER_HOUR = 15
FINE_STEP = 5
# No sitting of self-study is shorter than this, or than the programme's own shortest session.
SHORTEST_SITTING = 15


def step_minutes(programme: Programme) -> int:
    """15 when every figure of the programme is in quarter hours, else 5."""
    figures = [
        figure
        for c in programme.all_components()
        for figure in (c.total_minutes, c.session_minutes)
        if figure is not None
    ]
    if programme.assessment is not None:
        figures.append(round(programme.assessment.hours * 60))
    return QUARTER_HOUR if all(f % QUARTER_HOUR == 0 for f in figures) else FINE_STEP


def shortest_sitting(programme: Programme) -> int:
    """15 minutes, or the programme's own shortest session when that is shorter."""
    own = [c.session_minutes for c in programme.all_components() if c.session_minutes]
    return min([SHORTEST_SITTING, *own])


def split_units(total: int, parts: int) -> list[int]:
    """`total` split into `parts` whole numbers that differ by at most one, larger first."""
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


def spread_indices(count: int, length: int) -> list[int]:
    """`count` positions spread evenly over `length` slots (centred, never repeated)."""
    return [math.floor((k + 0.5) * length / count) for k in range(count)]


def chunks(units: int, size: int) -> list[int]:
    """`units` in as few near-equal pieces of at most `size` as there can be."""
    if units <= 0:
        return []
    return split_units(units, math.ceil(units / size))


def clock_minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def minutes_between(start: time, end: time) -> int:
    """Minutes from `start` to `end` on one day; none when `end` is not later."""
    return max(0, clock_minutes(end) - clock_minutes(start))


def later_by(start: time, minutes: int) -> time:
    return (datetime.combine(date.min, start) + timedelta(minutes=minutes)).time()
