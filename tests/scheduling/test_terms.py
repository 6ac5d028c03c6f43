"""Rule `terms`: programme terms onto school terms; stubs join their neighbours; cadence
periods are the weeks each cadenced session keeps inside."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from npqplan.plan import Preferences
from npqplan.scheduling.availability import Availability
from npqplan.scheduling.terms import (
    SHORTEST_HALF_TERM_WEEKS,
    SHORTEST_TERM_WEEKS,
    cadence_periods,
    half_terms,
    segments,
)
from npqplan.scheduling.terms import (
    runs as terms_runs,
)
from npqplan.schema import Cadence
from tests.planning import calendar

MONDAY = date(2024, 9, 2)


def days(first: date, last: date) -> Availability:
    return Availability(calendar("kent"), Preferences(), first, last)


@settings(deadline=None)
@given(st.dates(date(2024, 9, 1), date(2025, 8, 31)), st.integers(6, 24))
def test_segments_cover_the_teaching_weeks_in_order_with_no_stub(start: date, months: int) -> None:
    first = start
    last = start + timedelta(days=months * 30)
    found = segments(days(first, last), "x", 0)
    weeks = [w for s in found for w in s.weeks]
    assert weeks == sorted(set(weeks)), "each teaching week once, in order"
    assert all(w.weekday() == 0 for w in weeks)
    if len(found) > 1:
        assert len(found[0].weeks) >= SHORTEST_TERM_WEEKS
        assert len(found[-1].weeks) >= SHORTEST_TERM_WEEKS
    teaching = days(first, last).weeks_between(first, last, days(first, last).event_day_ok)
    assert weeks == teaching


def test_more_programme_terms_than_school_terms_share_the_weeks_equally() -> None:
    found = segments(days(date(2024, 9, 2), date(2025, 3, 1)), "x", 6)
    sizes = [len(s.weeks) for s in found]
    assert len(found) == 6
    assert max(sizes) - min(sizes) <= 1


@given(st.lists(st.integers(0, 60), min_size=1, max_size=40, unique=True))
def test_half_terms_are_runs_of_weeks_and_a_stub_joins_its_neighbour(offsets: list[int]) -> None:
    weeks = [MONDAY + timedelta(weeks=n) for n in sorted(offsets)]
    found, raw = half_terms(weeks), terms_runs(weeks)
    assert [w for run in found for w in run] == weeks
    if len(raw) > 1 and len(raw[0]) < SHORTEST_HALF_TERM_WEEKS:
        assert found[0][: len(raw[0]) + len(raw[1])] == raw[0] + raw[1]
    if len(raw) > 2 and len(raw[-1]) < SHORTEST_HALF_TERM_WEEKS:
        assert found[-1][-len(raw[-1]) - len(raw[-2]) :] == raw[-2] + raw[-1]


@given(st.sampled_from(list(Cadence)), st.integers(1, 40))
def test_cadence_periods_split_the_weeks_without_losing_or_repeating_one(
    cadence: Cadence, count: int
) -> None:
    weeks = [MONDAY + timedelta(weeks=n) for n in range(count)]
    periods = cadence_periods(cadence, weeks, [weeks[:13], weeks[13:26], weeks[26:]])
    assert [w for p in periods for w in p] == weeks
    if cadence is Cadence.WEEKLY:
        assert len(periods) == count
    if cadence is Cadence.FORTNIGHTLY:
        assert all(len(p) <= 2 for p in periods)
