"""How much self-study each week gets: levelled under the weekly cap (a first plan), or the
nearest weeks first (a re-plan's catch-up), never more than a week's evenings hold; and how a
week's share is dealt among the components. All in whole steps."""

from __future__ import annotations

import heapq
import math
from collections.abc import Mapping, Sequence
from datetime import date

from npqplan.scheduling.units import split_units, spread_indices
from npqplan.schema import Component, ComponentKind

_FRONT_LOADED = {ComponentKind.AUDIT, ComponentKind.BRIEFING, ComponentKind.INDUCTION}
# (component, term, steps): work of one component to deal out.
Work = tuple[Component, str, int]


def level_fill(
    total: int, weeks: Sequence[date], load: Mapping[date, int], cap: int, grain: int = 2
) -> dict[date, int]:
    """Add `total` units to `weeks`, always to the least-loaded ones, up to `cap` if possible.

    What is left when a whole level cannot be raised goes out in pieces of `grain` units
    (half an hour), spread evenly, so light terms get a few real sessions, not many crumbs.
    """
    added = dict.fromkeys(weeks, 0)
    remaining = total
    while remaining > 0 and weeks:
        current = {w: load.get(w, 0) + added[w] for w in weeks}
        under = [w for w in weeks if current[w] < cap]
        candidates = under or list(weeks)
        low = min(current[w] for w in candidates)
        lowest = [w for w in candidates if current[w] == low]
        higher = [current[w] for w in candidates if current[w] > low]
        ceiling = min(higher) if higher else None
        if under:
            ceiling = min(ceiling, cap) if ceiling is not None else cap
        step = ceiling - low if ceiling is not None else math.ceil(remaining / len(lowest))
        if remaining >= step * len(lowest):
            for week in lowest:
                added[week] += step
            remaining -= step * len(lowest)
            continue
        per_week = remaining // len(lowest) // grain * grain
        for week in lowest:
            added[week] += per_week
        remaining -= per_week * len(lowest)
        # A piece may overshoot the next level by a quarter hour, but never the cap.
        piece = min(grain, cap - low - per_week) if under else grain
        pieces = split_units(remaining, math.ceil(remaining / piece)) if remaining else []
        for piece, index in zip(pieces, spread_indices(len(pieces), len(lowest)), strict=True):
            added[lowest[index]] += piece
        remaining = 0
    return added


def within_room(
    allotted: Mapping[date, int],
    weeks: Sequence[date],
    load: Mapping[date, int],
    cap: int,
    room: Mapping[date, int],
    grain: int = 1,
) -> dict[date, int]:
    """`allotted` with no week given more than its evenings hold: the excess goes, level, to
    the weeks that still have room. The caller makes sure all of it fits somewhere."""
    result = dict(allotted)
    while True:
        excess = sum(max(0, result[w] - room[w]) for w in weeks)
        if not excess:
            return result
        for week in weeks:
            result[week] = min(result[week], room[week])
        open_weeks = [w for w in weeks if result[w] < room[w]]
        so_far = {w: load.get(w, 0) + result[w] for w in open_weeks}
        for week, extra in level_fill(excess, open_weeks, so_far, cap, grain=grain).items():
            result[week] += extra


def nearest_first(
    total: int,
    weeks: Sequence[date],
    load: Mapping[date, int],
    cap: int,
    room: Mapping[date, int],
    grain: int,
) -> dict[date, int]:
    """Units per week, the nearest weeks first: each up to the cap and what its evenings hold,
    in whole `grain`s; what no week can hold under the cap is then levelled above it."""
    allotted = dict.fromkeys(weeks, 0)
    left = total
    for week in weeks:
        free = max(0, min(cap - load.get(week, 0), room[week]))
        take = min(left, free // grain * grain)
        allotted[week] = take
        left -= take
    if left:
        so_far = {w: load.get(w, 0) + allotted[w] for w in weeks}
        for week, extra in level_fill(left, weeks, so_far, cap, grain=grain).items():
            allotted[week] += extra
    return within_room(allotted, weeks, load, cap, room, grain)


def proportional(total: int, weights: Sequence[int]) -> list[int]:
    """`total` split in proportion to `weights` (largest remainder; ties go to the earlier)."""
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [total] + [0] * (len(weights) - 1) if weights else []
    exact = [total * w / weight_sum for w in weights]
    shares = [math.floor(x) for x in exact]
    short = total - sum(shares)
    by_remainder = sorted(range(len(weights)), key=lambda i: (-(exact[i] - shares[i]), i))
    for index in by_remainder[:short]:
        shares[index] += 1
    return shares


def deal(
    pool: Sequence[Work], weeks: Sequence[date], allotted: Mapping[date, int], chunk_size: int
) -> dict[date, list[Work]]:
    """Share each week's units among the components, each keeping pace with its own total.

    Each chunk goes to the most urgent component (see `_urgency`); a heap, rebuilt once a
    week as the pace moves on, finds it, so the work grows with weeks times components rather
    than with chunks times components.
    """
    total = sum(units for _, _, units in pool)
    given = [0] * len(pool)
    dealt: dict[date, list[Work]] = {}
    so_far = 0
    for monday in weeks:
        units_this_week = allotted[monday]
        so_far += units_this_week
        this_week = [0] * len(pool)
        queue = [
            _urgency(pool[i], given[i], so_far, total, i)
            for i in range(len(pool))
            if given[i] < pool[i][2]
        ]
        heapq.heapify(queue)
        while units_this_week > 0 and queue:
            pick = heapq.heappop(queue)[-1]
            amount = min(chunk_size, units_this_week, pool[pick][2] - given[pick])
            given[pick] += amount
            this_week[pick] += amount
            units_this_week -= amount
            if given[pick] < pool[pick][2]:
                heapq.heappush(queue, _urgency(pool[pick], given[pick], so_far, total, pick))
        dealt[monday] = [
            (pool[i][0], pool[i][1], this_week[i]) for i in range(len(pool)) if this_week[i]
        ]
    return dealt


def _urgency(
    item: Work, given: int, so_far: int, total: int, index: int
) -> tuple[bool, float, int]:
    """Smallest first: front-loaded work, then whoever is furthest behind its own steady pace,
    then the earlier listed."""
    component, _, units = item
    front = component.kind in _FRONT_LOADED
    goal = units if front else units * so_far / total
    return (not front, given - goal, index)
