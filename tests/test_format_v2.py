"""Programme format version 2: what providers say (minutes, cadence, placement, order, cycles,
the assessment window) is what the plan does; version-1 files plan as they did.

The two test programmes in tests/fixtures/v2/ are written the way Ambition and the Church of
England describe their NPQs; each property below is checked from every start month of a school
year, over two councils' calendars.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import pytest
from dateutil.relativedelta import relativedelta
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npqplan.calendar import SchoolCalendar
from npqplan.errors import InvalidFileError
from npqplan.loader import load_programme
from npqplan.plan import FINAL_ASSESSMENT, Plan, Session, monday_of
from npqplan.render.words import hours_text
from npqplan.scheduling import build_plan
from tests.conftest import REPO, RunCli
from tests.planning import calendar, programme

FIXTURES = Path(__file__).parent / "fixtures"
V1 = FIXTURES / "v1"
WEEKLY_MODULE = FIXTURES / "v2" / "weekly-module.yaml"
CYCLES = FIXTURES / "v2" / "cycles.yaml"
MINIMAL = FIXTURES / "valid" / "minimal.yaml"


starts = st.builds(
    lambda year, month, day: date(year, month, day),
    st.just(2024),
    st.integers(9, 12),
    st.integers(1, 28),
) | st.builds(lambda month, day: date(2025, month, day), st.integers(1, 8), st.integers(1, 28))
councils = st.sampled_from(["kent", "birmingham"])
PROPERTY = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def named(plan: Plan, component: str) -> list[Session]:
    return [s for s in plan.sessions if s.component == component]


def teaching_runs(plan: Plan, cal: SchoolCalendar) -> list[list[date]]:
    """The taught programme's weeks with a school day in the plan, in runs unbroken by a
    holiday (a week whose one school day is a bank holiday has none)."""
    runs: list[list[date]] = []
    for week in plan.weeks:
        days = [week.week_start + timedelta(days=n) for n in range(5)]
        if not any(plan.start <= d <= plan.taught_end and cal.is_school_day(d) for d in days):
            continue
        if runs and week.week_start - runs[-1][-1] == timedelta(days=7):
            runs[-1].append(week.week_start)
        else:
            runs.append([week.week_start])
    return runs


def has_a_study_day(plan: Plan, cal: SchoolCalendar, monday: date) -> bool:
    """Whether the week has a school Tuesday or Thursday (the default study days) in the plan."""
    return any(
        cal.is_school_day(day) and plan.start <= day <= plan.taught_end
        for day in (monday + timedelta(days=1), monday + timedelta(days=3))
    )


# -- the weekly module, half-termly sessions and placements --------------------------------------


@PROPERTY
@given(start=starts, council=councils)
def test_a_50_minute_module_is_in_every_teaching_week_and_half_termly_sessions_once_a_half_term(
    start: date, council: str
) -> None:
    source, cal = programme(WEEKLY_MODULE), calendar(council)
    plan = build_plan(source, cal, start=start)
    modules = Counter(monday_of(s.day) for s in named(plan, "Weekly module"))
    weeks = [w for run in teaching_runs(plan, cal) for w in run]
    study_weeks = [w for w in weeks if has_a_study_day(plan, cal, w)]
    assert set(modules) == set(study_weeks)
    assert set(modules.values()) == {1}
    assert all(s.minutes == 50 for s in named(plan, "Weekly module"))

    runs = teaching_runs(plan, cal)
    for name, minutes in (("Community", 75), ("Clinic", 120)):
        sessions = named(plan, name)
        assert all(s.minutes == minutes for s in sessions)
        per_run = [sum(monday_of(s.day) in run for s in sessions) for run in runs]
        # One in each half-term; a stub of a term of under three weeks at either end of the
        # plan holds none, its weeks counted with the half-term beside it.
        assert per_run == [1 if len(run) >= 3 else 0 for run in runs], (name, per_run)
    assert plan.notes == (
        f"Weekly module: {len(modules)} sessions, every week",
        f"Community: {len(named(plan, 'Community'))} sessions, every half-term",
        f"Clinic: {len(named(plan, 'Clinic'))} sessions, every half-term",
    )

    # totals exact in minutes: the file's own figures plus what the calendar counted
    expected = (
        6 * 60 * 2
        + 50 * len(modules)
        + 75 * len(named(plan, "Community"))
        + 120 * len(named(plan, "Clinic"))
        + 20 * 60
    )
    assert plan.total_minutes == expected

    (launch,) = named(plan, "Launch conference")
    assert monday_of(launch.day) == weeks[0]
    (midpoint,) = named(plan, "Mid-point conference")
    middle = plan.start + (plan.taught_end - plan.start) / 2
    assert abs((midpoint.day - middle).days) <= 28, (midpoint.day, middle)


@PROPERTY
@given(start=starts, council=councils)
def test_a_week_with_a_live_session_keeps_its_weekly_module(start: date, council: str) -> None:
    cal = calendar(council)
    plan = build_plan(programme(WEEKLY_MODULE), cal, start=start)
    live_weeks = {
        monday_of(s.day)
        for s in plan.sessions
        if s.is_live and has_a_study_day(plan, cal, monday_of(s.day))
    }
    module_weeks = {monday_of(s.day) for s in named(plan, "Weekly module")}
    assert live_weeks
    assert live_weeks - {monday_of(plan.start)} <= module_weeks


@PROPERTY
@given(start=starts, council=councils)
def test_single_events_keep_a_week_between_them_where_the_term_allows(
    start: date, council: str
) -> None:
    plan = build_plan(programme(V1 / "npqel.yaml"), calendar(council), start=start)
    for term in {w.term for w in plan.weeks if w.term}:
        weeks = [w for w in plan.weeks if w.term == term and not w.holiday]
        live = [s for s in plan.sessions if s.term == term and s.is_live]
        if len(weeks) < 2 * len(live):
            continue  # too few weeks to keep every event a week apart
        singles = sorted(
            monday_of(s.day)
            for s in plan.sessions
            if s.term == term and s.is_live and len(named_in(plan, term, s.component)) == 1
        )
        gaps = [(b - a).days for a, b in itertools.pairwise(singles)]
        assert all(gap >= 14 for gap in gaps), (term, singles)


def named_in(plan: Plan, term: str, component: str) -> list[Session]:
    return [s for s in plan.sessions if s.term == term and s.component == component]


# -- cycles in order, and "21 months including assessment" --------------------------------------


@PROPERTY
@given(start=starts, council=councils)
def test_a_four_step_cycle_runs_five_times_in_order_and_the_assessment_falls_where_the_file_says(
    start: date, council: str
) -> None:
    source, cal = programme(CYCLES), calendar(council)
    plan = build_plan(source, cal, start=start)
    steps = ["ACTIVATE", "TEACH", "PRACTISE", "APPLY"]
    previous_end = date.min
    for number in range(1, 6):
        term = f"Cycle {number}"
        for step in steps:
            sessions = named_in(plan, term, step)
            assert sessions, (term, step)
            assert min(s.day for s in sessions) > previous_end, (term, step)
            previous_end = max(s.end_date for s in sessions)
        assert sum(s.minutes for s in plan.sessions if s.term == term) == 90 + 240 + 60 + 300
    assert {w.term for w in plan.weeks if w.term} == {f"Cycle {n}" for n in range(1, 6)}

    (window,) = [s for s in plan.sessions if s.term == FINAL_ASSESSMENT]
    opens = plan.start + relativedelta(months=19)
    assert window.day == opens + timedelta(days=(7 - opens.weekday()) % 7 * (opens.weekday() >= 5))
    assert (window.end_date - window.day).days == 7  # 8 calendar days, weekends included
    assert window.minutes == 20 * 60
    assert plan.end <= plan.start + relativedelta(months=21)
    assert plan.end >= window.end_date + timedelta(weeks=7) - timedelta(days=6)
    assert plan.total_minutes == 5 * (90 + 240 + 60 + 300) + 20 * 60


def test_a_weekdays_only_window_skips_weekends_and_is_one_event(tmp_path: Path) -> None:
    text = CYCLES.read_text(encoding="utf-8").replace(
        "  months_after_start: 19\n", "  gap_weeks: 2\n  weekdays_only: true\n"
    )
    path = tmp_path / "weekdays.yaml"
    path.write_text(text, encoding="utf-8")
    plan = build_plan(load_programme(path), calendar("kent"), start=date(2024, 9, 1))
    (window,) = [s for s in plan.sessions if s.term == FINAL_ASSESSMENT]
    assert window.day.weekday() == 0
    assert window.day >= monday_of(plan.taught_end) + timedelta(weeks=3)
    assert (window.end_date - window.day).days == 9  # 8 weekdays: Monday to the next Wednesday


# -- version 1 ---------------------------------------------------------------------------------


V1_PLANNED = json.loads((V1 / "planned-by-0.1.0.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", sorted(V1_PLANNED))
def test_version_1_files_plan_every_component_as_npqplan_0_1_0_did(case: str) -> None:
    """Each file bundled before format 2, copied here unchanged: the same sessions of the same
    lengths for every component; only where events fall may differ (the placement fixes), and
    the assessment window is now one event."""
    name, start = case.split("@")
    plan = build_plan(
        load_programme(V1 / f"{name}.yaml"), calendar("kent"), start=date.fromisoformat(start)
    )
    was = V1_PLANNED[case]
    assert (plan.start.isoformat(), plan.taught_end.isoformat()) == (
        was["start"],
        was["taught_end"],
    )
    now: dict[str, list[int]] = {}
    for session in plan.sessions:
        count, minutes = now.get(f"{session.term}/{session.component}", [0, 0])
        now[f"{session.term}/{session.component}"] = [count + 1, minutes + session.minutes]
    assert set(now) == set(was["components"])
    source = load_programme(V1 / f"{name}.yaml")
    flexible = {c.name for c in source.all_components() if c.is_flexible}
    for key, (count, minutes) in was["components"].items():
        assert now[key][1] == minutes, key
        if key.startswith(FINAL_ASSESSMENT):
            assert now[key][0] == 1, key
        elif key.split("/", 1)[1] not in flexible:
            # Events keep their number; self-study's sittings fit around where events now fall.
            assert now[key][0] == count, key


# -- every new key: a located error for each way it can be wrong --------------------------------

HOURS = "        hours: 2\n"
COMPONENT = "terms[0].components[0]"
COMPONENT_CASES = [
    (
        "        minutes: 52\n",
        f"15:18: {COMPONENT}.minutes: must be in steps of 5 minutes, like 50 or 75 (got 52)",
    ),
    (
        "        hours: 2\n        minutes: 120\n",
        f"12:9: {COMPONENT}: give `hours` or `minutes`, not both",
    ),
    (
        "",
        f"12:9: {COMPONENT}: give its time: `hours` or `minutes` in all, or `session_minutes` "
        "with `sessions` or a `cadence`",
    ),
    (
        "        cadence: every week\n",
        f"12:9: {COMPONENT}: `cadence` needs `session_minutes`, the length of each session",
    ),
    (
        "        hours: 2\n        cadence: every week\n        session_minutes: 50\n",
        f"12:9: {COMPONENT}: with `cadence` the calendar sets the number of sessions; leave out "
        "`hours`, `minutes`, `sessions` and `dates`",
    ),
    (
        "        cadence: daily\n        session_minutes: 50\n",
        f"15:18: {COMPONENT}.cadence: unknown value 'daily'; (one of: every week, every "
        "fortnight, every half-term, every term, monthly)",
    ),
    (
        "        session_minutes: 50\n",
        f"12:9: {COMPONENT}: `session_minutes` needs `sessions`, `dates` or a `cadence` to say "
        "how many",
    ),
    (
        "        hours: 2\n        session_minutes: 50\n        sessions: 2\n",
        f"12:9: {COMPONENT}: 2 sessions of 50 minutes do not make the hours given; give one or "
        "the other",
    ),
    (
        "        hours: 2\n        placement: soon\n",
        f'16:20: {COMPONENT}.placement: must be "start of term", "middle of term", "end of term", '
        '"start of programme", "middle of programme", "end of programme" or "week N" (N, a '
        "week of the term)",
    ),
    (
        "        session_minutes: 50\n        cadence: every week\n        placement: week 2\n",
        f"12:9: {COMPONENT}: `placement` places undated sessions; it cannot go with `dates` or "
        "`cadence`",
    ),
    (
        "        hours: 2\n        if_missed: shrug\n",
        f"16:20: {COMPONENT}.if_missed: unknown value 'shrug'; (one of: recording, materials, "
        "next-cohort, none)",
    ),
    (
        "        hours: 2\n        counts_for_engagement: maybe\n",
        f"16:32: {COMPONENT}.counts_for_engagement: must be true or false (got 'maybe')",
    ),
]
PROGRAMME_CASES = [
    (
        "  - name: Term one\n",
        "  - name: Term one\n    order: zigzag\n",
        "11:12: terms[0].order: unknown value 'zigzag'; (one of: spaced, sequence, same-week)",
    ),
    (
        "  - name: Term one\n",
        "  - name: Term one\n    repeat: 0\n",
        "11:13: terms[0].repeat: must be at least 1 (got 0)",
    ),
    (
        "terms:\n",
        "term_layout: wobbly\nterms:\n",
        "9:14: term_layout: unknown value 'wobbly'; (one of: school-terms, spread)",
    ),
    (
        "terms:\n",
        "assessment:\n  name: A\n  window_days: 8\n  hours: 20\n  months_after_start: 19\n"
        "  gap_weeks: 1\n  assumed: test\nterms:\n",
        "10:3: assessment: give one of `start`, `months_after_start` and `gap_weeks` (got "
        "months_after_start, gap_weeks)",
    ),
    (
        "terms:\n",
        "assessment:\n  name: A\n  window_days: 90\n  hours: 20\n  assumed: test\nterms:\n",
        "11:16: assessment.window_days: must be at most 60 (got 90)",
    ),
    (
        "terms:\n",
        "engagement:\n  assumed: test\nterms:\n",
        "10:3: engagement: give `live_percent`, `self_directed_percent` or both",
    ),
    (
        "terms:\n",
        "engagement:\n  live_percent: 120\n  assumed: test\nterms:\n",
        "10:17: engagement.live_percent: must be at most 100 (got 120)",
    ),
    (
        "    title: A guide\n",
        "    title: A guide\n    address: https://example.org/x\n",
        "7:5: sources[0]: a page needs both its `address` and the date it was `read`",
    ),
    (
        "    title: A guide\n",
        "    title: A guide\n    address: not a url\n    read: 2026-11-30\n",
        "9:14: sources[0].address: must be a web address starting https:// (got 'not a url')",
    ),
]


def _problems(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "broken.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InvalidFileError) as caught:
        load_programme(path, display="broken.yaml")
    return caught.value.problems


@pytest.mark.parametrize(("written", "expected"), COMPONENT_CASES)
def test_each_wrong_component_key_gets_its_located_error(
    tmp_path: Path, written: str, expected: str
) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(HOURS, written)
    assert _problems(tmp_path, text) == [f"broken.yaml:{expected}"]


@pytest.mark.parametrize(("old", "new", "expected"), PROGRAMME_CASES)
def test_each_wrong_programme_key_gets_its_located_error(
    tmp_path: Path, old: str, new: str, expected: str
) -> None:
    text = MINIMAL.read_text(encoding="utf-8").replace(old, new, 1)
    assert _problems(tmp_path, text) == [f"broken.yaml:{expected}"]


# -- the library -----------------------------------------------------------------------------

LIBRARY = sorted((REPO / "programmes").glob("*.yaml"))


def test_the_library_has_16_programmes_from_6_lead_providers_across_8_npqs() -> None:
    programmes = [load_programme(path) for path in LIBRARY]
    leads = {"Ambition", "Teach First", "UCL", "Best Practice Network", "LLSE", "NIoT", "Church"}
    found = {lead for lead in leads for p in programmes if lead.lower() in p.provider.lower()}
    found |= {"NIoT" for p in programmes if "national institute of teaching" in p.provider.lower()}
    assert len(programmes) >= 16
    assert len(found) >= 6, found
    assert len({p.qualification for p in programmes}) >= 8


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_every_bundled_programme_plans_from_autumn_and_spring_with_no_warning_but_the_cap(
    path: Path,
) -> None:
    for start in (date(2024, 9, 1), date(2025, 1, 1)):
        plan = build_plan(programme(path), calendar("kent"), start=start)
        assert all("weekly cap" in warning for warning in plan.warnings), plan.warnings


def test_the_json_gives_minutes_beside_hours_and_says_what_the_calendar_made(
    run_cli: RunCli,
) -> None:
    result = run_cli(
        "schedule", str(WEEKLY_MODULE), "--start", "2024-09", "--format", "json", "--no-save"
    )
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    sessions = [s for w in data["weeks"] for s in w["sessions"]]
    assert {s["minutes"] for s in sessions if s["component"] == "Weekly module"} == {50}
    assert data["total_minutes"] == sum(s["minutes"] for s in sessions)
    assert data["notes"][0].startswith("Weekly module: ")
    assert all(w["minutes"] == sum(s["minutes"] for s in w["sessions"]) for w in data["weeks"])


# -- missed sessions and the engagement rule ---------------------------------------------------


def test_missed_sessions_follow_what_the_provider_offers_and_engagement_follows_its_rule(
    run_cli: RunCli,
) -> None:
    """ACTIVATE is recorded (caught up in study time), APPLY's catch-up is the next cohort's
    session (listed, with the offer), and PRACTISE has no rule (ask the provider)."""
    today = {"NPQPLAN_TODAY": "2025-02-01"}
    assert run_cli("schedule", str(CYCLES), "--start", "2024-09").returncode == 0
    assert run_cli("log", "1.5", "--on", "2024-09-18", "--component", "ACTIVATE").returncode == 0
    status = json.loads(run_cli("status", "--format", "json", env=today).stdout)
    missed = {s["component"]: s for s in status["missed_events"]}
    assert set(missed) == {"PRACTISE", "APPLY"}  # the ACTIVATE recording is catch-up work
    assert status["engagement_rule"] == {"live_percent": 90, "self_directed_percent": 90}
    assert status["live_engagement"] == round(1.5 / (1.5 + 1.5 + 1 + 5), 4)
    assert status["self_directed_engagement"] == 0
    assert status["engagement_ok"] is False
    text = run_cli("status", env=today).stdout
    assert "Engagement:  live sessions 17% (the provider asks 90%)" in text
    assert "APPLY (5 h): the provider offers a place in the next" in text

    replanned = run_cli("replan", "--yes", env=today)
    assert replanned.returncode == 0, replanned.stderr
    assert "ACTIVATE    new catch-up session" in replanned.stdout
    assert "PRACTISE" not in replanned.stdout.split("Missed live events")[0]


def test_the_readme_table_lists_every_programme_with_its_check_hours_verdicts() -> None:
    from npqplan.hours import check_hours

    rows = {
        cells[1].strip("` "): cells
        for line in (REPO / "README.md").read_text(encoding="utf-8").splitlines()
        if line.startswith("| `npq")
        for cells in [[cell.strip() for cell in line.split("|")]]
        if len(cells) == 9
    }
    assert set(rows) == {path.stem for path in LIBRARY}
    for path in LIBRARY:
        source = programme(path)
        cells = rows[path.stem]
        assert cells[2] == source.qualification.value
        for start, column in ((date(2024, 9, 1), 6), (date(2025, 1, 1), 7)):
            plan = build_plan(source, calendar("kent"), start=start)
            assert cells[column] == check_hours(plan).verdict.value, (path.stem, start)
        september = build_plan(source, calendar("kent"), start=date(2024, 9, 1))
        assert cells[5] == hours_text(september.total_hours), path.stem
