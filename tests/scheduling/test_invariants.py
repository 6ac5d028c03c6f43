"""Any programme, cohort and preferences: a plan that keeps every rule (checks.check_plan runs
inside build_plan and replan), or a clean refusal (ScheduleError, exit 2). Never a quiet plan
that breaks one, and never a crash."""

from __future__ import annotations

from datetime import date, time, timedelta
from functools import cache
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, reject, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from npqplan.calendar import SchoolCalendar, build_calendar, england_bank_holidays
from npqplan.errors import ScheduleError
from npqplan.loader import load_file
from npqplan.plan import Preferences
from npqplan.request import bundled_calendar_path
from npqplan.scheduling import FixedDates, build_plan, replan
from npqplan.schema import ComponentKind, Delivery, Programme, TermDatesFile

LIVE_KINDS = [k for k in ComponentKind if k is not ComponentKind.ASSESSMENT]


@cache
def kent() -> SchoolCalendar:
    dates = load_file(bundled_calendar_path("kent"), TermDatesFile)
    return build_calendar(
        dates, date(2023, 8, 1), date(2030, 8, 31), england_bank_holidays(2023, 2031)
    )


def _minutes(hours: float | None) -> int | None:
    return None if hours is None else round(hours * 60)


@st.composite
def components(draw: st.DrawFn, fixed_from: date) -> dict[str, Any]:
    delivery = draw(st.sampled_from(list(Delivery)))
    sessions = draw(st.integers(1, 6))
    per_session = draw(st.integers(1, 40 if delivery is Delivery.SELF_DIRECTED else 12))
    component: dict[str, Any] = {
        "name": "renamed below",
        "kind": draw(st.sampled_from(LIVE_KINDS)).value,
        "delivery": delivery.value,
        "hours": sessions * per_session / 4,
        "sessions": sessions,
        "assumed": "a generated figure",
    }
    if delivery is Delivery.IN_PERSON and draw(st.booleans()):
        component["days"] = draw(st.integers(1, 2))
    elif delivery is not Delivery.SELF_DIRECTED and draw(st.booleans()):
        component["time"] = draw(st.sampled_from(["09:00", "15:30", "18:00"]))
    if draw(st.integers(0, 5)) == 0:
        offsets = draw(st.lists(st.integers(-10, 360), min_size=sessions, max_size=sessions,
                                unique=True))  # fmt: skip
        component["dates"] = [(fixed_from + timedelta(days=n)).isoformat() for n in offsets]
    return component


@st.composite
def programmes(draw: st.DrawFn, start: date) -> Programme:
    terms = draw(st.integers(0, 5))
    data: dict[str, Any] = {
        "id": "generated",
        "title": "Generated",
        "qualification": "NPQSL",
        "provider": "Hypothesis",
        "sources": [{"doc": "none", "title": "none"}],
        "duration_months": draw(st.integers(6, 24)),
        "terms": [
            {
                "name": f"Term {n + 1}",
                "components": draw(st.lists(components(start), min_size=1, max_size=4)),
            }
            for n in range(terms)
        ],
        "across_terms": draw(st.lists(components(start), min_size=0 if terms else 1, max_size=3)),
    }
    if draw(st.booleans()):
        data["assessment"] = {
            "name": "Assessment",
            "window_days": draw(st.integers(1, 28)),
            "hours": draw(st.integers(1, 80)) / 4,
            "assumed": "a generated figure",
        }
    for group in [*(term["components"] for term in data["terms"]), data["across_terms"]]:
        for number, component in enumerate(group, start=1):
            component["name"] = f"{component['kind']} {number}"
    try:
        return Programme.model_validate(data)
    except ValidationError:
        reject()


@st.composite
def preferences(draw: st.DrawFn) -> Preferences:
    session_minutes = draw(st.sampled_from([15, 30, 60, 90, 120]))
    latest = draw(st.sampled_from([time(21, 30), time(22, 0), time(23, 0)]))
    last_start = latest.hour * 60 + latest.minute - session_minutes
    minutes = draw(st.integers(6 * 4, last_start // 15)) * 15
    return Preferences(
        study_days=tuple(sorted(draw(st.sets(st.integers(0, 4), min_size=1)))),
        study_time=time(minutes // 60, minutes % 60),
        session_minutes=session_minutes,
        latest=latest,
        weekly_cap_minutes=_minutes(draw(st.sampled_from([None, 0.5, 1.0, 2.0, 4.0]))),
        holiday_study=draw(st.booleans()),
    )


@st.composite
def situations(draw: st.DrawFn) -> tuple[Programme, date, Preferences, dict[Any, FixedDates]]:
    start = draw(st.dates(date(2024, 1, 1), date(2026, 12, 31)))
    programme = draw(programmes(start))
    fixed: dict[Any, FixedDates] = {}
    for term in programme.terms:
        for component in term.components:
            if draw(st.integers(0, 6)) == 0:
                count = component.session_count
                offsets = draw(st.lists(st.integers(-10, 360), min_size=count, max_size=count,
                                        unique=True))  # fmt: skip
                fixed[(term.name, component.name)] = FixedDates(
                    tuple(start + timedelta(days=n) for n in offsets)
                )
    return programme, start, draw(preferences()), fixed


@settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))
@given(situations(), st.integers(0, 400), st.floats(0, 1))
def test_any_programme_gives_a_plan_that_keeps_its_rules_or_a_clean_refusal(
    situation: tuple[Programme, date, Preferences, dict[Any, FixedDates]],
    days_in: int,
    share_done: float,
) -> None:
    programme, start, prefs, fixed = situation
    try:
        plan = build_plan(programme, kent(), start=start, preferences=prefs, fixed_dates=fixed)
    except ScheduleError as refused:
        event(f"refused: {refused.message.split(';')[0][-40:]}")
        return  # a clean refusal: exit 2 with what could not be done
    event("planned")
    assert plan.total_minutes == round(programme.total_hours * 60)
    # and any re-plan of it, with some of the hours done, keeps them too
    today = plan.start + timedelta(days=days_in)
    done: dict[str | None, int] = {}
    for session in plan.sessions:
        if session.day < today:
            done[session.component] = done.get(session.component, 0) + session.minutes
    done = {name: round(minutes * share_done / 5) * 5 for name, minutes in done.items()}
    try:
        again = replan(plan, programme, kent(), done, today, prefs)
    except ScheduleError:
        return
    assert again.total_minutes == plan.total_minutes


def programme_with(*components: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": "x",
        "title": "X",
        "qualification": "NPQSL",
        "provider": "P",
        "sources": [{"doc": "d", "title": "t"}],
        "duration_months": 12,
        "across_terms": list(components),
    }


def test_a_programme_naming_two_components_alike_is_refused() -> None:
    reading = {"name": "Reading", "kind": "self-study", "delivery": "self-directed",
               "hours": 1, "assumed": "a"}  # fmt: skip
    with pytest.raises(ValidationError, match="component names must differ across terms"):
        Programme.model_validate(programme_with(reading, reading))


def test_a_live_session_that_would_run_past_midnight_is_refused() -> None:
    late = {"name": "Late webinar", "kind": "webinar", "delivery": "online", "hours": 6,
            "time": "18:00", "assumed": "a"}  # fmt: skip
    with pytest.raises(ValidationError, match="would end at or after midnight"):
        Programme.model_validate(programme_with(late))
