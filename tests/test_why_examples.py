"""The examples under "Why" in issue 11 that no other test checks by name.

Each test is named after its example and asserts what the buggy version got wrong: a plan
that lost or corrupted hours with exit 0, a preference or a fixed date passed over without a
word, a re-plan that moved what cannot be caught up, an output that went somewhere other than
where the user pointed, an input that hung or a traceback. tests/WHY.md maps every example,
these and the ones tested elsewhere, to its test.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
import time
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import RunCli

NPQEL = ("npqel", "--start", "2024-09")
TODAY = {"NPQPLAN_TODAY": "2025-01-20"}

PROGRAMME = """\
id: why-example
title: {title}
qualification: NPQLT
provider: Test provider
duration_months: 3
sources:
  - doc: guide.txt
    title: A made-up guide
terms:
  - name: Term one
    components:
      - name: Webinar
        kind: webinar
        delivery: online
        hours: {hours}
{webinar}        assumed: a test figure
      - name: Reading
        kind: self-study
        delivery: self-directed
        hours: 2
        assumed: a test figure
{tail}"""


def programme(
    tmp_path: Path, *, hours: float = 2, webinar: str = "", tail: str = "", title: str = "Why"
) -> str:
    """A small programme file: a 2 h webinar and 2 h of reading, in one term."""
    path = tmp_path / "why-example.yaml"
    text = PROGRAMME.format(title=title, hours=hours, webinar=webinar, tail=tail)
    path.write_text(text, encoding="utf-8")
    return str(path)


def cohort(tmp_path: Path, sessions: str, programme_id: str = "npqel") -> str:
    path = tmp_path / "cohort.yaml"
    path.write_text(f"programme: {programme_id}\nsessions:\n{sessions}", encoding="utf-8")
    return str(path)


def plan_json(run_cli: RunCli, *args: str) -> dict[str, Any]:
    result = run_cli("schedule", *args, "--format", "json", "--no-save")
    assert result.returncode == 0, result.stderr
    plan: dict[str, Any] = json.loads(result.stdout)
    return plan


def sessions_of(plan: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for w in plan["weeks"] for s in w["sessions"]]


def minutes(clock: str) -> int:
    hours, mins = clock.split(":")
    return int(hours) * 60 + int(mins)


# -- late study times ---------------------------------------------------------------------------


def test_study_time_2359_never_makes_negative_hours(run_cli: RunCli, tmp_path: Path) -> None:
    """`--study-time 23:59` once printed 'Hours: -1467 in all', saved the plan, and `status`,
    `check-hours` and the ICS (DTEND before DTSTART) carried it on."""
    refusal = (
        "error: --study-time 23:59: a 1 h session from then ends after 21:30; "
        "the latest start that fits is 20:30\n"
    )
    scheduled = run_cli("schedule", *NPQEL, "--study-time", "23:59")
    assert (scheduled.returncode, scheduled.stdout, scheduled.stderr) == (2, "", refusal)
    exported = run_cli("export", *NPQEL, "--study-time", "23:59", "--ics", "plan.ics")
    assert (exported.returncode, exported.stderr) == (2, refusal)
    assert not (tmp_path / "plan.ics").exists()
    for command in ("status", "check-hours"):
        nothing_saved = run_cli(command, env=TODAY)
        assert nothing_saved.returncode == 2
        assert nothing_saved.stderr.startswith("error: there is no current plan yet")


def test_study_time_2300_never_drops_hours(run_cli: RunCli) -> None:
    """`--study-time 23:00` once silently dropped 48 of npqel's 93 h, with exit 0."""
    late = run_cli("schedule", *NPQEL, "--study-time", "23:00", "--no-save")
    assert late.returncode == 2
    assert late.stderr.endswith("the latest start that fits is 20:30\n")
    plan = plan_json(run_cli, *NPQEL, "--study-time", "22:00", "--latest", "23:00")
    sessions = sessions_of(plan)
    assert plan["total_hours"] == 93
    assert sum(float(s["hours"]) for s in sessions) == 93
    for session in sessions:
        assert float(session["hours"]) > 0
        if not session["all_day"]:
            assert session["date"] == session["end_date"]
            assert minutes(session["start"]) < minutes(session["end"])


# -- fixed dates ---------------------------------------------------------------------------------


def test_a_fixed_date_before_the_start_in_a_programmes_dates_is_an_error_not_lost_hours(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """A programme's `dates:` before the plan's start once dropped the component's hours:
    `total_hours` short, `warnings []`, exit 0."""
    path = programme(tmp_path, webinar="        dates: [2024-10-01, 2024-10-08]\n")
    assert plan_json(run_cli, path, "--start", "2024-10")["total_hours"] == 4
    result = run_cli("schedule", path, "--start", "2024-11", "--no-save")
    assert result.returncode == 2
    assert result.stderr == (
        "error: 'Webinar' in 'Term one' is fixed on 2024-10-01, outside the plan "
        "(2024-11-04 to 2025-02-03); check the date and the start month\n"
    )


def test_an_assessment_start_before_the_plans_start_is_an_error_not_lost_hours(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """An `assessment.start` before the plan's start once dropped the assessment's hours."""
    tail = (
        "assessment:\n  name: Final assessment\n  start: 2024-06-03\n  window_days: 5\n"
        "  hours: 10\n  assumed: a test figure\n"
    )
    result = run_cli("schedule", programme(tmp_path, tail=tail), "--start", "2024-09")
    assert result.returncode == 2
    assert result.stderr == (
        "error: the final assessment is fixed to start on 2024-06-03, before the plan starts "
        "(2024-09-02); check the date and the start month\n"
    )


@pytest.mark.parametrize(
    ("term", "day", "warning"),
    [
        (
            "Term one",
            "2024-12-25",
            "Peer Learning Group is fixed on Wed 25 Dec 2024, on a bank holiday (Christmas "
            "Day); kept as the provider set it",
        ),
        (
            "Term two",
            "2025-05-05",
            "Peer Learning Group is fixed on Mon 5 May 2025, on a bank holiday (May Day); kept "
            "as the provider set it",
        ),
    ],
    ids=["25-december", "may-bank-holiday"],
)
def test_a_fixed_date_on_25_december_or_a_bank_holiday_is_kept_with_a_warning(
    run_cli: RunCli, tmp_path: Path, term: str, day: str, warning: str
) -> None:
    """Fixed dates on 25 December or a bank holiday were once accepted with no word."""
    sessions = f"  - {{term: {term}, component: Peer Learning Group, dates: [{day}]}}\n"
    plan = plan_json(run_cli, *NPQEL, "--cohort", cohort(tmp_path, sessions))
    assert plan["warnings"] == [warning]
    assert plan["total_hours"] == 93
    kept = [s for s in sessions_of(plan) if s["component"] == "Peer Learning Group"]
    assert day in {s["date"] for s in kept if s["term"] == term and s["fixed"]}


def test_a_fixed_date_outside_its_programme_term_is_kept_with_a_warning(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """A Term one session fixed in Term two's weeks was once accepted with no word."""
    sessions = "  - {term: Term one, component: Coaching, dates: [2024-10-01, 2025-02-04]}\n"
    plan = plan_json(run_cli, *NPQEL, "--cohort", cohort(tmp_path, sessions))
    assert plan["warnings"] == [
        "Coaching is fixed on Tue 4 Feb 2025, outside Term one; kept as the provider set it"
    ]
    assert plan["total_hours"] == 93


def test_three_dates_for_a_one_session_component_are_refused(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """3 dates for a 1-session component were once accepted with no word."""
    path = programme(tmp_path, hours=1, webinar="        sessions: 1\n")
    dates = (
        "  - {term: Term one, component: Webinar, dates: [2024-10-01, 2024-10-08, 2024-10-15]}\n"
    )
    result = run_cli(
        "schedule", path, "--start", "2024-09", "--cohort", cohort(tmp_path, dates, "why-example")
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: 3 date(s) are fixed for 'Webinar' in 'Term one', which has 1 session(s); give "
        "one date per session\n"
    )


def test_three_dates_for_a_residential_planned_as_one_event_are_not_taken_silently(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """npqel's Term one residential is one 2-day event (no `sessions:` in the programme)."""
    dates = (
        "  - {term: Term one, component: Residential event, "
        "dates: [2024-10-01, 2024-10-08, 2024-10-15]}\n"
    )
    result = run_cli(
        "schedule", *NPQEL, "--cohort", cohort(tmp_path, dates), "--format", "json", "--no-save"
    )
    assert result.returncode == 2
    assert result.stderr == (
        "error: 3 date(s) are fixed for 'Residential event' in 'Term one', which has 1 "
        "session(s); give one date per session\n"
    )


# -- re-plan -------------------------------------------------------------------------------------


@pytest.fixture
def replanned(run_cli: RunCli) -> RunCli:
    """npqel from September 2024, nothing logged, re-planned on 20 January 2025."""
    assert run_cli("schedule", *NPQEL).returncode == 0
    result = run_cli("replan", "--yes", env=TODAY)
    assert result.returncode == 0, result.stderr
    return run_cli


def test_replan_puts_catch_up_in_the_nearest_weeks_not_13_months_ahead(
    run_cli: RunCli,
) -> None:
    """Catch-up was once spread as late as February 2026, 13 months after the re-plan."""
    scheduled = run_cli("schedule", *NPQEL, "--format", "json")
    assert scheduled.returncode == 0, scheduled.stderr
    before = {json.dumps(s, sort_keys=True) for s in sessions_of(json.loads(scheduled.stdout))}
    preview = run_cli("replan", "--yes", env=TODAY)
    assert preview.returncode == 0, preview.stderr
    after = sessions_of(plan_json(run_cli))
    moved = [s for s in after if json.dumps(s, sort_keys=True) not in before]
    assert moved
    last = max(date.fromisoformat(str(s["date"])) for s in moved)
    assert date(2025, 1, 20) <= last <= date(2025, 1, 20) + timedelta(weeks=10)
    assert f"The last of the catch-up lands on {last:%a} {last.day} {last:%b %Y}." in (
        preview.stdout
    )
    assert all(s["kind"] in {"audit", "journal", "project", "self-study"} for s in moved)


def test_a_missed_residential_stays_out_of_school_after_replan(replanned: RunCli) -> None:
    """The missed residential once vanished from 'out of school' after a re-plan."""
    result = replanned("check-hours", "--format", "json", env=TODAY)
    assert result.returncode in (0, 1), result.stderr
    assert json.loads(result.stdout)["out_of_school"] == {"days": 4, "hours": 20}
    table = replanned("check-hours", env=TODAY).stdout
    assert "Out of school: 4 days (20 h) of in-person events: Residential event" in table
    missed = replanned("status", "--format", "json", env=TODAY).stdout
    assert "Residential event" in [s["component"] for s in json.loads(missed)["missed_events"]]


def test_after_replan_check_hours_and_status_agree_on_where_you_stand(run_cli: RunCli) -> None:
    """check-hours once said 'as planned' after a re-plan while status said 29% engagement."""
    assert run_cli("schedule", *NPQEL).returncode == 0
    assert run_cli("log", "7", "--on", "2024-10-01", env=TODAY).returncode == 0
    assert run_cli("replan", "--yes", env=TODAY).returncode == 0
    status = json.loads(run_cli("status", "--format", "json", env=TODAY).stdout)
    hours = json.loads(run_cli("check-hours", "--format", "json", env=TODAY).stdout)
    progress = hours["progress"]
    assert status["engagement"] == round(7 / 24.25, 4)
    assert status["behind_hours"] > 0
    assert progress["planned_hours"] - progress["logged_hours"] == status["behind_hours"]
    table = run_cli("check-hours", env=TODAY).stdout
    assert "as planned" not in table
    assert f"{status['behind_hours']:.2f} h behind the plan" in table


# -- outputs and inputs --------------------------------------------------------------------------


def test_an_ics_symlink_is_written_through_to_its_target(run_cli: RunCli, tmp_path: Path) -> None:
    """`--ics` once replaced a symlink to the user's file with a regular file."""
    target = tmp_path / "mine.ics"
    target.write_text("old\n", encoding="utf-8")
    (tmp_path / "link.ics").symlink_to(target)
    result = run_cli("export", *NPQEL, "--ics", "link.ics")
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "link.ics").is_symlink()
    assert target.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")


def test_o_dev_stdout_writes_to_standard_output(run_process: RunCli) -> None:
    """`-o /dev/stdout` once replaced /dev/stdout with a regular file."""
    result = run_process(*("schedule", *NPQEL, "--no-save", "--format", "csv"), "-o", "/dev/stdout")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("week_start,")
    assert Path("/dev/stdout").is_symlink()


@contextlib.contextmanager
def fifo_that_cannot_hang(path: Path) -> Iterator[None]:
    """A FIFO whose reader, if any, gets end-of-file at once instead of waiting forever."""
    os.mkfifo(path)
    done = threading.Event()

    def unblock() -> None:
        while not done.wait(0.05):
            try:
                writer = os.open(path, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:  # nobody is reading it
                continue
            os.close(writer)
            return

    thread = threading.Thread(target=unblock, daemon=True)
    thread.start()
    try:
        yield
    finally:
        done.set()
        thread.join()


@pytest.mark.parametrize("option", ["--terms", "--cohort"])
def test_a_fifo_given_as_terms_or_cohort_file_is_refused_at_once(
    run_cli: RunCli, tmp_path: Path, option: str
) -> None:
    """A FIFO given as `--terms` or `--cohort` once hung forever."""
    fifo = tmp_path / "dates.yaml"
    with fifo_that_cannot_hang(fifo):
        began = time.perf_counter()
        result = run_cli("schedule", *NPQEL, option, str(fifo), "--no-save")
    assert time.perf_counter() - began < 2
    assert (result.returncode, result.stderr) == (2, f"{fifo}: is not a regular file\n")


def test_a_programme_date_in_year_9999_is_refused_quickly_by_validate_and_schedule(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """A programme with `dates: [9999-12-31]` once passed `validate`, then took 10 s and 121 MB
    to end in a traceback."""
    path = programme(tmp_path, webinar="        dates: [9999-12-31]\n")
    message = "terms[0].components[0].dates[0]: must be a date from 2000 to 2100 (got 9999-12-31)"
    checked = run_cli("validate", path)
    assert checked.returncode == 2
    assert checked.stderr.strip().endswith(message)
    began = time.perf_counter()
    scheduled = run_cli("schedule", path, "--start", "2024-09", "--no-save")
    assert time.perf_counter() - began < 2
    assert scheduled.returncode == 2
    assert scheduled.stderr.splitlines() == [f"{path}:16:17: {message}"]


def test_a_programme_title_with_a_newline_exports_without_a_traceback(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """A programme title containing a newline once ended `export` in a traceback."""
    path = programme(tmp_path, title='"Leading\\nlearning"')
    result = run_cli("export", path, "--start", "2024-09", "--ics", "plan.ics")
    assert result.returncode == 0, result.stderr
    data = (tmp_path / "plan.ics").read_bytes()
    assert b"X-WR-CALNAME:Leading\\nlearning: study plan\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")
