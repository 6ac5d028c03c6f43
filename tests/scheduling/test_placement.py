"""Rules `placement` and `events`: events on school days at their times (after school, from
09:00 when long, all-day on a run of school days), a term's single events kept apart, and
cadenced components once in every period."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from npqplan.plan import Preferences
from npqplan.scheduling import build_plan
from npqplan.scheduling.events import LONG_LIVE_SESSION_HOURS, MORNING
from tests.planning import calendar, programme
from tests.scheduling.test_units import PROGRAMMES


@settings(deadline=None, max_examples=40)
@given(
    st.sampled_from(PROGRAMMES),
    st.dates(date(2024, 9, 1), date(2025, 6, 30)),
    st.sampled_from(["kent", "birmingham"]),
)
def test_events_fall_on_school_days_at_their_times(path: Path, start: date, council: str) -> None:
    source, school = programme(path), calendar(council)
    prefs = Preferences()
    plan = build_plan(source, school, start=start, preferences=prefs)
    components = {c.name: c for c in source.all_components()}
    for session in plan.sessions:
        component = components.get(session.component)
        if component is None or session.fixed or not session.is_live:
            continue
        days = [
            session.day + timedelta(days=n)
            for n in range((session.end_date - session.day).days + 1)
        ]
        assert all(school.is_school_day(d) for d in days), session
        if session.all_day:
            assert len(days) == (component.days or 1)
        elif component.time is not None:
            assert session.start == component.time
        elif session.minutes > LONG_LIVE_SESSION_HOURS * 60:
            assert session.start == MORNING
        else:
            assert session.start == prefs.event_time


def test_a_weekly_cadence_has_one_session_in_every_week_it_can() -> None:
    weekly = [
        p
        for p in PROGRAMMES
        if any(c.cadence and c.cadence.value == "every week" for c in programme(p).all_components())
    ]
    assert weekly
    for path in weekly:
        source = programme(path)
        plan = build_plan(source, calendar("kent"), start=date(2024, 9, 1))
        for component in source.all_components():
            if not component.cadence or component.cadence.value != "every week":
                continue
            weeks = [
                s.day - timedelta(days=s.day.weekday())
                for s in plan.sessions
                if s.component == component.name
            ]
            assert len(weeks) == len(set(weeks)), f"{path.stem}: {component.name} twice a week"
            note = next(n for n in plan.notes if n.startswith(component.name))
            assert f"{len(weeks)} sessions" in note


def test_single_events_of_a_term_are_a_week_apart_where_the_term_allows() -> None:
    plan = build_plan(
        programme(PROGRAMMES[0].with_name("npqel.yaml")), calendar("kent"), start=date(2024, 9, 1)
    )
    events = sorted(s.day for s in plan.sessions if s.is_live and s.term == "Term one")
    mondays = [d - timedelta(days=d.weekday()) for d in events]
    assert len(events) > 2
    assert len(set(mondays)) == len(mondays)
