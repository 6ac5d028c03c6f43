"""One engine: every plan and every re-plan keeps the rules a fresh plan keeps.

Over random programmes, calendars, busy calendars, preferences, logs and days: no sitting on a
busy time or within the buffer after one, self-study only on study days and by the latest
end, no sitting under the shortest length (but a component's last piece), under the cap where
the plan can be, minutes conserved; and what a re-plan's preview says check-hours will find is
what check-hours finds of the plan made again from what was saved.
"""

from __future__ import annotations

import io
from datetime import date, datetime, time, timedelta
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from rich.console import Console

from npqplan.errors import ScheduleError
from npqplan.hours import check_hours
from npqplan.plan import BusyTime, Plan, Preferences, monday_of
from npqplan.render.progress import replan_view
from npqplan.scheduling import build_plan, changes, moved_minutes, replan
from npqplan.scheduling.units import shortest_sitting
from npqplan.schema import Delivery, Programme
from tests.scheduling.test_invariants import kent, programmes


@st.composite
def busy_calendars(draw: st.DrawFn, start: date) -> frozenset[BusyTime]:
    """A person's calendar: weekly evening commitments, one-off evenings, all-day days."""
    found: set[BusyTime] = set()
    for _ in range(draw(st.integers(0, 3))):
        weekday = draw(st.integers(0, 4))
        begins = draw(st.integers(15 * 4, 20 * 4)) * 15
        length = draw(st.integers(2, 12)) * 15
        ends = min(begins + length, 23 * 60 + 45)
        first = start + timedelta(days=(weekday - start.weekday()) % 7)
        for week in range(0, 100, draw(st.sampled_from([1, 2]))):
            day = first + timedelta(weeks=week)
            found.add(BusyTime(day, clock(begins), clock(ends)))
    for offset in draw(st.lists(st.integers(0, 700), max_size=12)):
        day = start + timedelta(days=offset)
        if draw(st.booleans()):
            found.add(BusyTime(day, None, None))
        else:
            found.add(BusyTime(day, time(17), time(draw(st.integers(18, 22)))))
    return frozenset(found)


def clock(minutes: int) -> time:
    return time(minutes // 60, minutes % 60)


@st.composite
def people(draw: st.DrawFn) -> Preferences:
    session = draw(st.sampled_from([30, 45, 60, 90]))
    latest = draw(st.sampled_from([time(21, 0), time(21, 30), time(22, 30)]))
    last_start = latest.hour * 60 + latest.minute - session
    study = draw(st.integers(15 * 4, min(18 * 4, last_start // 15))) * 15
    return Preferences(
        study_days=tuple(sorted(draw(st.sets(st.integers(0, 4), min_size=1, max_size=3)))),
        study_time=clock(study),
        session_minutes=session,
        weekly_cap_minutes=draw(st.sampled_from([None, 90, 120, 180])),
        latest=latest,
        buffer_minutes=draw(st.sampled_from([0, 15, 30])),
    )


@st.composite
def situations(draw: st.DrawFn) -> dict[str, Any]:
    start = draw(st.dates(date(2024, 6, 1), date(2026, 6, 30)))
    programme = draw(programmes(start))
    prefs = draw(people())
    busy = draw(busy_calendars(start))
    return {
        "start": start,
        "programme": programme,
        "prefs": Preferences(**{**prefs.__dict__, "busy": busy}),
        "days_in": draw(st.lists(st.integers(10, 500), min_size=1, max_size=3)),
        "share_done": draw(st.floats(0, 1)),
    }


def assert_keeps_the_rules(
    plan: Plan, programme: Programme, prefs: Preferences, placed_from: date | None = None
) -> None:
    """`placed_from`: a re-plan's day; what it kept of a past sitting is the minutes done,
    however few."""
    busy: dict[date, list[BusyTime]] = {}
    for stretch in prefs.busy:
        busy.setdefault(stretch.day, []).append(stretch)
    shortest = shortest_sitting(programme)
    left: dict[tuple[str, str], int] = {}
    remaining: dict[int, int] = {}
    for session in reversed(plan.sessions):
        key = (session.term, session.component)
        left[key] = left.get(key, 0) + (0 if session.fixed else session.minutes)
        remaining[id(session)] = left[key]
    for session in plan.sessions:
        if session.fixed or session.all_day:
            continue
        assert session.start is not None
        assert session.end is not None
        for stretch in busy.get(session.day, ()):
            assert not stretch.overlaps(session.start, session.end), session
        if session.delivery is not Delivery.SELF_DIRECTED:
            continue
        assert session.day.weekday() in prefs.study_days, session
        assert session.end <= prefs.latest, session
        begins = datetime.combine(session.day, session.start)
        for stretch in busy.get(session.day, ()):
            if stretch.end is not None:
                ended = datetime.combine(session.day, stretch.end)
                assert not begins - timedelta(minutes=prefs.buffer_minutes) < ended <= begins
        history = placed_from is not None and session.day < placed_from
        if session.minutes < shortest and not history:
            assert session.minutes >= remaining[id(session)], session


def under_the_cap_where_it_can_be(old: Plan, new: Plan, today: date) -> None:
    """A week the catch-up went into is over the cap only if every week it could use was
    full to the cap already, or the plan's own note says how many go over."""
    cap = new.weekly_cap_minutes
    before = {w.week_start: w.minutes for w in old.weeks}
    over = [
        w
        for w in new.weeks
        if w.week_start >= monday_of(today) and w.minutes > max(cap, before[w.week_start])
    ]
    if over:
        assert "go over the" in new.warnings[-1], new.warnings[-1]


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(situations())
def test_every_plan_and_replan_keeps_the_rules_of_a_fresh_plan(case: dict[str, Any]) -> None:
    programme, prefs = case["programme"], case["prefs"]
    try:
        plan = build_plan(programme, kent(), start=case["start"], preferences=prefs)
    except ScheduleError:
        event("refused")
        return
    assert_keeps_the_rules(plan, programme, prefs)
    current = plan
    for days_in in sorted(case["days_in"]):
        today = plan.start + timedelta(days=days_in)
        done: dict[str | None, int] = {}
        for session in current.sessions:
            if session.day < today:
                done[session.component] = done.get(session.component, 0) + session.minutes
        done = {k: round(v * case["share_done"] / 5) * 5 for k, v in done.items()}
        try:
            new = replan(current, programme, kent(), done, today, prefs)
        except ScheduleError:
            event("re-plan refused")
            return
        event("re-planned")
        assert new.total_minutes == current.total_minutes
        assert_keeps_the_rules(new, programme, prefs, placed_from=today)
        if new is not current:
            under_the_cap_where_it_can_be(current, new, today)
            # The preview promises what check-hours finds of the plan made again.
            again = replan(current, programme, kent(), done, today, prefs)
            assert again == new
            promised = preview_text(current, new, today)
            verdict = check_hours(again).verdict.value
            assert f"check-hours will find the weekly load {verdict} its target" in promised
        current = new


def preview_text(old: Plan, new: Plan, today: date) -> str:
    console = Console(width=400, file=io.StringIO(), color_system=None)
    moved = moved_minutes(old, new, today) / 60
    console.print(replan_view(old, new, changes(old, new), moved, today))
    assert isinstance(console.file, io.StringIO)
    return " ".join(console.file.getvalue().split())
