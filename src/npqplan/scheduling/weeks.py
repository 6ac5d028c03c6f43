"""The placed sessions as a Plan: numbered, in order, in labelled weeks from start to end."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, timedelta

from npqplan.plan import (
    AFTER_TAUGHT,
    AWAITING_RESULTS,
    FINAL_ASSESSMENT,
    Plan,
    Session,
    Week,
    in_time_order,
    monday_of,
)
from npqplan.scheduling.context import Planning
from npqplan.scheduling.ledger import Ledger
from npqplan.scheduling.terms import Segment


def numbered(sessions: Sequence[Session]) -> list[Session]:
    """Each session with its occurrence: the how-manyth of its component in its term."""
    counters: dict[tuple[str, str], int] = defaultdict(int)
    found = []
    for session in sessions:
        key = (session.term, session.component)
        counters[key] += 1
        found.append(session.numbered(counters[key]))
    return found


def assemble(ctx: Planning, ledger: Ledger, segments: Sequence[Segment]) -> Plan:
    days = ctx.days
    calendar = days.calendar
    sessions = numbered(sorted(ledger.sessions, key=in_time_order))
    last_day = max([days.last_day, *(s.end_date for s in sessions)])
    assessment = ctx.programme.assessment
    window = ledger.assessment_days
    results_from: date | None = None
    if window and assessment and assessment.results_weeks:
        results_from = window[1] + timedelta(days=1)
        last_day = max(last_day, window[1] + timedelta(weeks=assessment.results_weeks))
    by_week: dict[date, list[Session]] = defaultdict(list)
    for session in sessions:
        by_week[monday_of(session.day)].append(session)
    term_of_week: dict[date, tuple[str, int]] = {}
    for segment in segments:
        for number, monday in enumerate(segment.weeks, start=1):
            term_of_week[monday] = (segment.label, number)
    weeks: list[Week] = []
    monday = monday_of(days.first_day)
    current_term: str | None = None
    while monday <= last_day:
        in_week = tuple(by_week.get(monday, ()))
        school = any(calendar.is_school_day(d) for d in days.weekdays(monday))
        if monday in term_of_week:
            current_term, number = term_of_week[monday]
            label = f"{current_term} · week {number}"
        elif any(s.term == FINAL_ASSESSMENT for s in in_week) or (
            window is not None and monday_of(window[0]) <= monday <= window[1]
        ):
            label = FINAL_ASSESSMENT
        elif results_from is not None and monday >= monday_of(results_from):
            label = AWAITING_RESULTS
        elif monday > days.last_day and school:
            label = AFTER_TAUGHT
        elif school:
            label = f"{current_term or 'Term'} · no school days free"
        else:
            label = _holiday_label(ctx, monday)
        weeks.append(Week(monday, label, not school, current_term, in_week))
        monday += timedelta(days=7)
    programme = ctx.programme
    target = programme.weekly_target
    declared = programme.declared_total
    rule = programme.engagement
    numbered_clashes = {(s.term, s.component, s.day, s.start) for s in ledger.clashes}
    return Plan(
        programme_id=programme.id,
        title=programme.title,
        provider=programme.provider,
        start=days.first_day,
        taught_end=days.last_day,
        end=last_day,
        target=(target.min_hours, target.max_hours),
        calendar_name=calendar.describe(days.first_day, last_day),
        weeks=tuple(weeks),
        declared_total=declared.hours if declared else None,
        weekly_cap_minutes=ctx.cap,
        warnings=tuple(ledger.warnings),
        notes=tuple(
            f"{name}: {count} session{'s' if count != 1 else ''}, {cadence}"
            for (name, cadence), count in ledger.cadence_counts.items()
        ),
        engagement_rule=(rule.live_percent, rule.self_directed_percent) if rule else None,
        moved_for_busy=ledger.moved_for_busy if days.prefs.busy else None,
        estimated_years=tuple(calendar.estimated_years(days.first_day, last_day)),
        provisional_years=tuple(calendar.provisional_years(days.first_day, last_day)),
        clashes=tuple(
            s for s in sessions if (s.term, s.component, s.day, s.start) in numbered_clashes
        ),
    )


def _holiday_label(ctx: Planning, monday: date) -> str:
    calendar = ctx.days.calendar
    names = [calendar.holiday_name(d) for d in ctx.days.weekdays(monday)]
    plain = [n for n in names if n and n not in calendar.bank_holidays.values()]
    return plain[0] if plain else next((n for n in names if n), "Holiday")
