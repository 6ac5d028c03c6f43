"""Where each term's events go: cadences by the calendar, placements where the provider says,
single events spread apart, components in order, fixed dates where they were fixed."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, timedelta

from npqplan.errors import ScheduleError
from npqplan.scheduling.context import Planning
from npqplan.scheduling.events import add_default
from npqplan.scheduling.fixed import add_fixed, check_dates
from npqplan.scheduling.ledger import Ledger
from npqplan.scheduling.terms import Segment, cadence_periods, trimmed
from npqplan.scheduling.units import split_units, spread_indices
from npqplan.schema import Component, ComponentKind, Delivery, Order, Term

# Self-directed steps of an ordered cycle, each with the weeks that are its own.
Stretch = tuple[Segment, list[tuple[Component, str, int]]]


def place_term_events(
    ctx: Planning, ledger: Ledger, label: str, term: Term, segment: Segment
) -> list[Stretch]:
    """A term's events; for a term in order, the stretches its self-directed steps fill."""
    events = [c for c in term.components if not c.is_flexible or ctx.fixed_for(label, c)]
    if term.order is Order.SPACED:
        place_spaced(ctx, ledger, events, label, segment, [segment])
        return []
    if not segment.weeks:
        raise ScheduleError(f"{label} has no school weeks to place its components in")
    # In order: each component in its own stretch of the term's weeks (`sequence`), or all
    # in the middle week (`same-week`), as the provider lists them. Self-directed work
    # fills its own stretch, in sittings, around the events.
    ordered = list(term.components)
    weeks = segment.weeks
    if term.order is Order.SEQUENCE:
        if len(ordered) > len(weeks):
            raise ScheduleError(
                f"{label} has {len(ordered)} components in sequence but only "
                f"{len(weeks)} school weeks"
            )
        sizes = split_units(len(weeks), len(ordered))
        stretches = [weeks[sum(sizes[:i]) : sum(sizes[: i + 1])] for i in range(len(sizes))]
    else:
        middle = weeks[len(weeks) // 2]
        stretches = [[middle]] * len(ordered)
    found: list[Stretch] = []
    for component, stretch in zip(ordered, stretches, strict=True):
        if component.is_flexible and not ctx.fixed_for(label, component):
            first, last = stretch[0], stretch[-1] + timedelta(days=6)
            study = ctx.days.weeks_between(first, last, ctx.days.is_study_day)
            part = Segment(label, first, last, list(stretch), study)
            found.append((part, [(component, label, ctx.component_steps(component))]))
        elif term.order is Order.SEQUENCE:
            place_events(ctx, ledger, component, label, stretch)
        else:

            def last_day() -> date | None:
                return ledger.sessions[-1].day if ledger.sessions else None

            place_events(ctx, ledger, component, label, stretch, [0], after=last_day)
    return found


def place_spaced(
    ctx: Planning,
    ledger: Ledger,
    components: Sequence[Component],
    label: str,
    segment: Segment,
    segments: Sequence[Segment],
) -> None:
    """Events of one term (or of the whole programme) through their weeks: cadences by the
    calendar, placements where the provider says, and single events spread apart."""
    weeks = segment.weeks
    singles = [
        c
        for c in components
        if c.cadence is None
        and c.placement is None
        and c.kind is not ComponentKind.INDUCTION
        and not ctx.fixed_for(label, c)
        and c.session_count == 1
    ]
    single_targets = dict(
        zip(
            (c.name for c in singles),
            spread_indices(len(singles), len(weeks)) if weeks else [],
            strict=False,
        )
    )
    for component in components:
        if component.cadence is not None:
            place_cadence(ctx, ledger, component, label, segment, segments)
        elif component.name in single_targets:
            place_events(ctx, ledger, component, label, weeks, [single_targets[component.name]])
        elif component.placement is not None:
            index = placed_index(ctx, component, label, weeks)
            place_events(ctx, ledger, component, label, weeks, [index])
        else:
            place_events(ctx, ledger, component, label, weeks)


def place_cadence(
    ctx: Planning,
    ledger: Ledger,
    component: Component,
    label: str,
    segment: Segment,
    segments: Sequence[Segment],
) -> None:
    """One session in every period the cadence names, each kept inside its period."""
    assert component.cadence is not None
    assert component.session_minutes is not None
    days = ctx.days
    if component.delivery is Delivery.SELF_DIRECTED:
        study = set(days.weeks_between(segment.start, segment.end, days.is_study_day))
        weeks = [w for w in segment.weeks if w in study]
    else:
        weeks = list(segment.weeks)
    periods = cadence_periods(component.cadence, weeks, [s.weeks for s in segments])
    steps = ctx.steps(component.session_minutes)
    for period in periods:
        try:
            add_default(ctx, ledger, component, label, period, len(period) // 2, steps)
        except ScheduleError:
            # Blocked days or other events fill the period: the nearest week outside it.
            ledger.warnings.append(
                f"{component.name} ({component.cadence.value}) has no free day from "
                f"{period[0].isoformat()} to {(period[-1] + timedelta(days=4)).isoformat()}; "
                "placed in the nearest week with one"
            )
            middle = weeks.index(period[len(period) // 2])
            add_default(ctx, ledger, component, label, weeks, middle, steps)
    ledger.cadence_minutes += len(periods) * component.session_minutes
    key = (component.name, component.cadence.value)
    ledger.cadence_counts[key] = ledger.cadence_counts.get(key, 0) + len(periods)


def placed_index(ctx: Planning, component: Component, label: str, weeks: Sequence[date]) -> int:
    """The index in `weeks` of the week a component's `placement` names."""
    assert component.placement is not None
    words = component.placement.split()
    if words[0] == "week":
        number = int(words[1])
        if number > len(weeks):
            raise ScheduleError(
                f"{component.name!r} is placed in week {number} of {label}, which has "
                f"{len(weeks)} school weeks in this plan"
            )
        return number - 1
    position, scope = words[0], words[-1]
    # Measured without a stub of term at the end: the plan's last day may be the first
    # day of a term after the summer.
    span = trimmed(ctx.plan_weeks if scope == "programme" else weeks)
    wanted = span[{"start": 0, "middle": (len(span) - 1) // 2, "end": len(span) - 1}[position]]
    return min(range(len(weeks)), key=lambda i: (abs((weeks[i] - wanted).days), i))


def place_events(
    ctx: Planning,
    ledger: Ledger,
    component: Component,
    term: str,
    weeks: Sequence[date],
    targets: Sequence[int] | None = None,
    *,
    after: Callable[[], date | None] | None = None,
) -> None:
    """A component's sessions: on its fixed dates, else spread through `weeks` (an induction
    first), or all in the week `targets` names."""
    fixed = ctx.fixed_for(term, component)
    count = len(fixed.dates) if fixed else component.session_count
    shares = split_units(ctx.component_steps(component), count)
    if fixed:
        check_dates(ctx, ledger, component, term, fixed.dates, weeks)
        for day, steps in zip(fixed.dates, shares, strict=True):
            add_fixed(ctx, ledger, component, term, day, steps, fixed.time)
        return
    if not weeks:
        raise ScheduleError(f"{term} has no school weeks to place {component.name!r} in")
    if targets is not None:
        # All the sessions of a component placed in one week go into that week.
        targets = [targets[0]] * count if len(targets) == 1 else list(targets)
    elif component.kind is ComponentKind.INDUCTION:
        targets = [0] + [1 + i for i in spread_indices(count - 1, max(len(weeks) - 1, 1))]
    else:
        targets = spread_indices(count, len(weeks))
    for target, steps in zip(targets, shares, strict=True):
        not_before = after() if after else None
        add_default(
            ctx, ledger, component, term, weeks, min(target, len(weeks) - 1), steps, not_before
        )
