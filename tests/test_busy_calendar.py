"""`--busy FILE.ics`: the person's own calendar keeps sessions off its busy times.

Each calendar here is a real iCalendar file read by icalendar and recurring_ical_events, as a
Google, Outlook or Apple export would be.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npqplan.busyics import read_busy_times
from npqplan.plan import FINAL_ASSESSMENT, BusyTime, Preferences
from npqplan.scheduling import build_plan
from tests.conftest import REPO, RunCli
from tests.icsfiles import calendar_file, calendar_text
from tests.planning import calendar, programme

NPQEL = REPO / "programmes" / "npqel.yaml"


def plan_json(run_cli: RunCli, *args: str) -> dict[str, Any]:
    result = run_cli(
        "schedule", "npqel", "--start", "2024-09", "--format", "json", "--no-save", *args
    )
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def sessions(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for w in data["weeks"] for s in w["sessions"]]


def overlaps(session: dict[str, Any], day: date, start: time, end: time) -> bool:
    if session["date"] != day.isoformat() or session["start"] is None:
        return False
    begins, ends = time.fromisoformat(session["start"]), time.fromisoformat(session["end"])
    return begins < end and start < ends


def test_a_weekly_club_with_an_exception_keeps_study_off_every_club_evening_but_that_one(
    run_cli: RunCli, tmp_path: Path
) -> None:
    club = calendar_file(
        tmp_path,
        """SUMMARY:Chess club
DTSTART;TZID=Europe/London:20240910T160000
DTEND;TZID=Europe/London:20240910T173000
RRULE:FREQ=WEEKLY;BYDAY=TU
EXDATE;TZID=Europe/London:20241001T160000""",
    )
    free, busy = plan_json(run_cli), plan_json(run_cli, "--busy", club)
    tuesdays = [s for s in sessions(busy) if date.fromisoformat(s["date"]).weekday() == 1]
    assert tuesdays
    for session in tuesdays:
        day = date.fromisoformat(session["date"])
        if day == date(2024, 10, 1):
            assert session["start"] == "16:30"  # the club does not meet that week
        else:
            assert not overlaps(session, day, time(16), time(17, 30)), session
    assert busy["total_minutes"] == free["total_minutes"]
    assert busy["moved_for_busy"] > 0
    assert free["moved_for_busy"] is None


def test_an_all_day_event_and_a_time_in_another_zone_are_busy_and_free_time_is_not(
    run_cli: RunCli, tmp_path: Path
) -> None:
    free = plan_json(run_cli)
    evenings = sorted(s["date"] for s in sessions(free) if s["start"] == "16:30")
    all_day, call, quiet, cancelled = (
        d.replace("-", "") for d in (evenings[0], evenings[1], evenings[-2], evenings[-1])
    )
    assert call < "20241020"  # both countries on summer time: 11:00 in New York is 16:00 here
    following = date.fromisoformat(evenings[0]).toordinal() + 1
    mine = calendar_file(
        tmp_path,
        f"SUMMARY:Parents' evening\nDTSTART;VALUE=DATE:{all_day}\n"
        f"DTEND;VALUE=DATE:{date.fromordinal(following):%Y%m%d}",
        f"SUMMARY:Call\nDTSTART;TZID=America/New_York:{call}T110000\n"
        f"DTEND;TZID=America/New_York:{call}T130000",
        "SUMMARY:A reminder\nTRANSP:TRANSPARENT\n"
        f"DTSTART;TZID=Europe/London:{quiet}T160000\nDTEND;TZID=Europe/London:{quiet}T230000",
        "SUMMARY:Called off\nSTATUS:CANCELLED\n"
        f"DTSTART;TZID=Europe/London:{cancelled}T160000\n"
        f"DTEND;TZID=Europe/London:{cancelled}T230000",
    )
    # The New York zone is not in the file: recurring_ical_events takes it from the tz database.
    data = plan_json(run_cli, "--busy", mine)
    on = {s["date"]: s for s in sessions(data)}
    assert evenings[0] not in on
    call_day = date.fromisoformat(evenings[1])
    assert all(not overlaps(s, call_day, time(16), time(18)) for s in sessions(data))
    # the call cuts that evening short: its study goes to the week's other study day, or
    # starts a quarter of an hour after the call
    assert evenings[1] not in on or on[evenings[1]]["start"] >= "18:15"
    week = date.fromisoformat(evenings[1]) - timedelta(days=call_day.weekday())

    def minutes_that_week(plan: dict[str, Any]) -> int:
        return sum(
            s["minutes"]
            for s in sessions(plan)
            if week <= date.fromisoformat(s["date"]) < week + timedelta(days=7)
        )

    assert minutes_that_week(data) == minutes_that_week(free)
    assert on[evenings[-2]]["start"] == "16:30"  # marked free
    assert on[evenings[-1]]["start"] == "16:30"  # cancelled


def test_a_live_session_moves_off_a_busy_afternoon_and_a_fixed_one_is_a_clash(
    run_cli: RunCli, tmp_path: Path
) -> None:
    free = plan_json(run_cli)
    coaching = next(s for s in sessions(free) if s["component"] == "Coaching")
    day = date.fromisoformat(coaching["date"])
    stamp = day.strftime("%Y%m%d")
    busy = calendar_file(
        tmp_path,
        f"SUMMARY:Governors\nDTSTART;TZID=Europe/London:{stamp}T150000\n"
        f"DTEND;TZID=Europe/London:{stamp}T180000",
    )
    moved = plan_json(run_cli, "--busy", busy)
    assert all(not overlaps(s, day, time(15), time(18)) for s in sessions(moved))
    assert len([s for s in sessions(moved) if s["component"] == "Coaching"]) == len(
        [s for s in sessions(free) if s["component"] == "Coaching"]
    )

    cohort = tmp_path / "cohort.yaml"
    cohort.write_text(
        "programme: npqel\nsessions:\n"
        f"  - {{term: Term one, component: Peer Learning Group, dates: [{day.isoformat()}], "
        'time: "15:30"}\n',
        encoding="utf-8",
    )
    fixed = plan_json(run_cli, "--busy", busy, "--cohort", str(cohort))
    assert any(
        "Peer Learning Group" in w and "clashes with something in your own calendar" in w
        for w in fixed["warnings"]
    ), fixed["warnings"]


def test_the_plan_header_says_how_many_sessions_moved(run_cli: RunCli, tmp_path: Path) -> None:
    club = calendar_file(
        tmp_path,
        "SUMMARY:Club\nDTSTART;TZID=Europe/London:20240910T160000\n"
        "DTEND;TZID=Europe/London:20240910T173000\nRRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=4",
    )
    data = plan_json(run_cli, "--busy", club)
    result = run_cli("schedule", "npqel", "--start", "2024-09", "--no-save", "--busy", club)
    moved = data["moved_for_busy"]
    assert 1 <= moved <= 4
    assert f"Busy:      {moved} session{'s' if moved > 1 else ''} moved off busy times" in (
        result.stdout
    )


def test_a_file_that_is_not_a_calendar_is_one_line_and_exit_2(
    run_cli: RunCli, tmp_path: Path
) -> None:
    (tmp_path / "notes.ics").write_text("shopping: milk, eggs\n", encoding="utf-8")
    result = run_cli("schedule", "npqel", "--start", "2024-09", "--busy", "notes.ics")
    assert result.returncode == 2
    assert result.stderr.count("\n") == 1
    assert "notes.ics: not a calendar file that can be read" in result.stderr
    missing = run_cli("schedule", "npqel", "--start", "2024-09", "--busy", "nowhere.ics")
    assert missing.returncode == 2
    assert "nowhere.ics: no such file" in missing.stderr


def test_busy_files_are_saved_with_the_plan_and_read_again(run_cli: RunCli, tmp_path: Path) -> None:
    club = calendar_file(
        tmp_path,
        "SUMMARY:Club\nDTSTART;TZID=Europe/London:20240910T160000\n"
        "DTEND;TZID=Europe/London:20240910T173000\nRRULE:FREQ=WEEKLY;BYDAY=TU",
    )
    assert run_cli("schedule", "npqel", "--start", "2024-09", "--busy", club).returncode == 0
    report = json.loads(run_cli("check-hours", "--format", "json").stdout)
    assert report["total_hours"] == 93
    shown = run_cli("schedule").stdout
    assert "moved off busy times" in shown


# -- a property over random busy calendars ----------------------------------------------------


@st.composite
def busy_calendars(draw: st.DrawFn) -> tuple[str, date, date]:
    """A weekly meeting on a random weekday and time, with one occurrence taken out (EXDATE),
    and an all-day event: the calendar text, the EXDATE's day and the all-day event's day."""
    weekday = draw(st.integers(0, 4))
    first = date(2024, 9, 2) + timedelta(days=weekday)
    begins = time(draw(st.integers(15, 19)), draw(st.sampled_from([0, 30])))
    hours = draw(st.integers(1, 3))
    weeks = draw(st.integers(4, 60))
    skipped = first + timedelta(weeks=draw(st.integers(1, weeks - 1)))
    all_day = date(2024, 9, 2) + timedelta(days=draw(st.integers(0, 500)))
    stamp = f"{first:%Y%m%d}T{begins:%H%M}00"
    ends = (datetime.combine(first, begins) + timedelta(hours=hours)).strftime("%Y%m%dT%H%M00")
    text = calendar_text(
        f"SUMMARY:Meeting\nDTSTART;TZID=Europe/London:{stamp}\nDTEND;TZID=Europe/London:{ends}\n"
        f"RRULE:FREQ=WEEKLY;COUNT={weeks}\n"
        f"EXDATE;TZID=Europe/London:{skipped:%Y%m%d}T{begins:%H%M}00",
        f"SUMMARY:Away\nDTSTART;VALUE=DATE:{all_day:%Y%m%d}\n"
        f"DTEND;VALUE=DATE:{all_day + timedelta(days=1):%Y%m%d}",
    )
    return text, skipped, all_day


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(drawn=busy_calendars())
def test_no_session_overlaps_a_busy_instance_and_the_hours_are_unchanged(
    drawn: tuple[str, date, date], tmp_path_factory: pytest.TempPathFactory
) -> None:
    text, skipped, all_day = drawn
    path = tmp_path_factory.mktemp("busy") / "me.ics"
    path.write_text(text, encoding="utf-8")
    source, cal = programme(NPQEL), calendar("kent")
    free = build_plan(source, cal, start=date(2024, 9, 1))
    busy = read_busy_times(path, free.start, free.end)
    assert all(b.day != skipped for b in busy if b.start is not None)  # the EXDATE is free
    assert BusyTime(all_day, None, None) in busy or not free.start <= all_day <= free.end
    plan = build_plan(source, cal, start=date(2024, 9, 1), preferences=Preferences(busy=busy))
    assert plan.total_minutes == free.total_minutes
    for session in plan.sessions:
        if session.fixed or session.term == FINAL_ASSESSMENT:
            continue
        for stretch in busy:
            if not session.day <= stretch.day <= session.end_date:
                continue
            if session.all_day:
                assert stretch.start is not None, (session, stretch)
            else:
                assert session.start is not None
                assert session.end is not None
                assert not stretch.overlaps(session.start, session.end), (session, stretch)
