"""Rule `assessment`: one all-day event over its window, after the taught weeks, on school
days (its weekdays), with the programme's hours."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from npqplan.plan import FINAL_ASSESSMENT
from npqplan.scheduling import build_plan
from npqplan.schema import ComponentKind
from tests.planning import calendar, programme
from tests.scheduling.test_units import PROGRAMMES

WITH_ASSESSMENT = [p for p in PROGRAMMES if programme(p).assessment is not None]


@settings(deadline=None, max_examples=40)
@given(st.sampled_from(WITH_ASSESSMENT), st.dates(date(2024, 9, 1), date(2025, 6, 30)))
def test_the_assessment_is_one_window_after_the_taught_weeks(path: object, start: date) -> None:
    source = programme(path)  # type: ignore[arg-type]
    assert source.assessment is not None
    plan = build_plan(source, calendar("kent"), start=start)
    (window,) = [s for s in plan.sessions if s.term == FINAL_ASSESSMENT]
    assert window.kind is ComponentKind.ASSESSMENT
    assert window.all_day
    assert window.minutes == round(source.assessment.hours * 60)
    days = (window.end_date - window.day).days + 1
    if source.assessment.weekdays_only:
        weekdays = [window.day + timedelta(days=n) for n in range(days)]
        assert sum(d.weekday() < 5 for d in weekdays) == source.assessment.window_days
    else:
        assert days == source.assessment.window_days
    if source.assessment.start is None and source.assessment.months_after_start is None:
        assert window.day > plan.taught_end
        weekdays = [window.day + timedelta(days=n) for n in range(days)]
        assert all(calendar("kent").is_school_day(d) for d in weekdays if d.weekday() < 5)
