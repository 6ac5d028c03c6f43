"""Self-directed hours into the teaching weeks: levelled under the weekly cap, dealt among the
components at their own pace, then made into sittings on the person's study days."""

from __future__ import annotations

from collections.abc import Sequence

from npqplan.errors import ScheduleError
from npqplan.plan import ACROSS_ALL_TERMS, Session
from npqplan.scheduling.context import Planning
from npqplan.scheduling.ledger import Ledger, Slot, session_of
from npqplan.scheduling.levelling import Work, deal, level_fill, proportional, within_room
from npqplan.scheduling.placement import Stretch
from npqplan.scheduling.sittings import Sitting, sittings_in_week
from npqplan.scheduling.terms import Segment
from npqplan.scheduling.units import later_by
from npqplan.schema import Component, Order, Term

WorkKey = tuple[str, str]


def place_self_study(
    ctx: Planning,
    ledger: Ledger,
    segments: Sequence[Segment],
    terms: Sequence[tuple[str, Term]],
    stretches: Sequence[Stretch],
) -> None:
    across = [c for c in ctx.programme.across_terms if c.is_flexible]
    across = [c for c in across if not ctx.fixed_for(ACROSS_ALL_TERMS, c)]
    weights = [len(s.study_weeks) for s in segments]
    across_shares = {c.name: proportional(ctx.component_steps(c), weights) for c in across}
    for index, segment in enumerate(segments):
        pool: list[Work] = []
        if index < len(terms):
            label, term = terms[index]
            if term.order is Order.SPACED:
                pool += [
                    (c, label, ctx.component_steps(c))
                    for c in term.components
                    if c.is_flexible and not ctx.fixed_for(label, c)
                ]
        pool += [(c, ACROSS_ALL_TERMS, across_shares[c.name][index]) for c in across]
        pool = [item for item in pool if item[2] > 0]
        if pool:
            fill_segment(ctx, ledger, segment, pool)
    for stretch, pool in stretches:
        fill_segment(ctx, ledger, stretch, pool)


def fill_segment(ctx: Planning, ledger: Ledger, segment: Segment, pool: list[Work]) -> None:
    weeks = segment.study_weeks or segment.weeks
    total = sum(steps for _, _, steps in pool)
    load = {week: ctx.steps(ledger.load.get(week, 0)) for week in weeks}
    room = {monday: ctx.steps(ctx.days.week_room(monday, ledger)) for monday in weeks}
    cap = ctx.steps(ctx.cap)
    if sum(room.values()) < total:
        prefs = ctx.days.prefs
        raise ScheduleError(
            f"{segment.label}: {ctx.minutes(total) / 60:g} h of self-study do not fit into the "
            f"evenings from {prefs.study_time:%H:%M} to {prefs.latest:%H:%M} of your "
            "study days; choose more study days, an earlier study time or a later end"
        )
    allotted = within_room(
        level_fill(total, weeks, load, cap, grain=ctx.half_hour), weeks, load, cap, room
    )
    over = [w for w in weeks if load[w] + allotted[w] > cap and allotted[w]]
    if over:
        ledger.warnings.append(
            f"{segment.label}: self-study does not fit under the "
            f"{ctx.cap / 60:g} h weekly cap; {len(over)} week(s) go over it "
            f"(from {over[0].isoformat()})"
        )
    per_week = deal(pool, weeks, allotted, ctx.half_hour)
    # Keyed by name and term: a component (a pydantic model) is slow to hash.
    named = {(component.name, term): component for component, term, _ in pool}
    for monday in weeks:
        shares: list[tuple[WorkKey, int]] = [
            ((component.name, term), steps) for component, term, steps in per_week[monday]
        ]
        placed = sittings_in_week(ctx, ledger, monday, shares)
        if ctx.days.prefs.busy:
            free = sittings_in_week(ctx.without_busy(), ledger, monday, shares)
            ledger.moved_for_busy += len(set(placed) - set(free))
        for sitting in placed:
            ledger.add(sitting_session(ctx, named[sitting.key], sitting.key[1], sitting))


def sitting_session(
    ctx: Planning, component: Component, term: str, sitting: Sitting[WorkKey]
) -> Session:
    minutes = ctx.minutes(sitting.steps)
    slot = Slot(sitting.day, sitting.day, sitting.start, later_by(sitting.start, minutes))
    return session_of(component, term, slot, minutes, fixed=False)
