"""`npqplan log`, `status` and `replan` through the real command line, on a real SQLite file."""

from __future__ import annotations

import json
import os
import pty
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import RunCli

TODAY = {"NPQPLAN_TODAY": "2025-01-20"}
DATABASE = "npqplan.sqlite3"


def state_files(home: Path) -> dict[str, bytes]:
    """Every byte of the store: the database and any journal beside it."""
    return {p.name: p.read_bytes() for p in sorted(home.iterdir()) if p.name.startswith(DATABASE)}


def logged_notes(home: Path) -> list[str]:
    with sqlite3.connect(home / DATABASE) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        return [str(row[0]) for row in db.execute("SELECT note FROM log_entries ORDER BY id")]


def status_json(run_cli: RunCli, *args: str) -> dict[str, object]:
    result = run_cli("status", "--format", "json", *args, env=TODAY)
    assert result.returncode == 0, result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


@pytest.fixture
def npqel(run_cli: RunCli) -> RunCli:
    """A current plan: npqel from September 2024."""
    result = run_cli("schedule", "npqel", "--start", "2024-09")
    assert result.returncode == 0, result.stderr
    return run_cli


# -- log, status, replan -----------------------------------------------------------------------


def test_log_then_status_then_replan_then_status_shows_only_the_missed_events_behind(
    npqel: RunCli,
) -> None:
    logged = npqel(
        "log", "4", "--on", "2024-09-04", "--component", "online INDUCTION conference", env=TODAY
    )
    assert logged.returncode == 0, logged.stderr
    assert (
        logged.stdout == "logged 4 h of Online induction conference on Wed 4 Sep 2024 (entry 1)\n"
    )
    before = status_json(npqel)
    assert before["done_hours"] == 4
    assert before["planned_hours_to_date"] == 24.25
    assert before["behind_hours"] == 20.25
    assert before["replanned_on"] is None

    planned = npqel("replan", "--yes", env=TODAY)
    assert planned.returncode == 0, planned.stderr
    # 14 of the 20.25 h are live events (coaching, peer group, the residential): not re-spread
    assert planned.stdout.startswith(
        "Re-plan on Mon 20 Jan 2025: 6.25 h owed move into the weeks ahead; "
        "the plan still totals 93 h.\n"
    )
    assert "Missed live events: ask your provider about catch-up" in planned.stdout
    assert planned.stdout.endswith(
        "Saved: schedule, check-hours and export now use the re-planned plan.\n"
    )

    after = status_json(npqel)
    assert after["behind_hours"] == 14
    assert after["planned_hours_to_date"] == 18
    assert [s["component"] for s in after["missed_events"]] == [
        "Residential event", "Coaching", "Coaching", "Peer Learning Group",
    ]  # fmt: skip
    hours = json.loads(npqel("check-hours", "--format", "json", env=TODAY).stdout)
    assert hours["progress"]["planned_hours"] - hours["progress"]["logged_hours"] == 14
    assert after["total_hours"] == 93
    assert after["replanned_on"] == "2025-01-20"
    assert after["engagement"] == round(4 / 24.25, 4)  # still against the plan as scheduled
    again = npqel("replan", env=TODAY)
    assert again.returncode == 0
    assert again.stdout.startswith(
        "Nothing to re-plan: no hours are owed on 2025-01-20.\n"
        "Missed live events: ask your provider about catch-up\n"
        "  Thu 26 Sep – Fri 27 Sep  Residential event (10 h)\n"
    )


def test_schedule_shows_the_replan_and_a_new_request_sets_it_aside(npqel: RunCli) -> None:
    fresh = json.loads(npqel("schedule", "--format", "json").stdout)
    assert npqel("replan", "--yes", env=TODAY).returncode == 0
    shown = json.loads(npqel("schedule", "--format", "json").stdout)
    assert shown["total_hours"] == fresh["total_hours"] == 93
    assert shown["weeks"] != fresh["weeks"]
    assert shown["warnings"][-1].startswith("Re-planned on 2025-01-20: 6.25 h owed")
    first_week = next(w for w in shown["weeks"] if w["week_start"] == "2024-09-02")
    # nothing was logged: the induction, a live event, stays where it was, missed
    assert [s["component"] for s in first_week["sessions"]] == ["Online induction conference"]

    other = npqel("schedule", "npqel", "--start", "2024-09", "--weekly-cap", "1.5")
    assert other.returncode == 0, other.stderr
    assert status_json(npqel)["replanned_on"] is None
    assert status_json(npqel)["behind_hours"] == 24.25
    # the re-plan belongs to its request: going back to that request brings it back
    assert npqel("schedule", "npqel", "--start", "2024-09").returncode == 0
    assert status_json(npqel)["replanned_on"] == "2025-01-20"


def test_status_shows_standing_engagement_bars_burn_up_and_the_next_two_weeks(
    npqel: RunCli,
) -> None:
    npqel("log", "10", "--on", "2024-10-24", "-c", "residential event", env=TODAY)
    npqel("log", "4", "--on", "2024-09-04", env=TODAY)
    result = npqel("status", env=TODAY)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[:4] == [
        "NPQ Executive Leadership (UCL): status on Mon 20 Jan 2025",
        "Done:        14 h of 24.25 h planned to date (93 h in all)",
        "Behind:      10.25 h, about 8.8 weeks at the plan's average of 1.16 h a week",
        "Engagement:  58% of the 24.25 h scheduled so far, below the 90% needed",
    ]
    residential = next(line for line in lines if "Residential event" in line)
    assert residential.split() == ["Residential", "event", "██████████··········", "10", "10", "20"]
    coaching = next(line for line in lines if line.startswith("Coaching"))
    assert coaching.split() == ["Coaching", "░░░░░···············", "0", "2", "8"]
    assert any(line.startswith("(no component given)") for line in lines)
    assert "Burn-up: hours so far, planned and done" in lines
    assert any("█" in line and "░" in line and "│" in line for line in lines)
    assert lines[-4:] == [
        "Next two weeks",
        "  Tue 21 Jan 16:30–17:00  Online self-directed study (0.5 h)",
        "  Thu 23 Jan 16:30–17:00  Learning journal (0.5 h)",
        "  Wed 29 Jan 15:30–16:30  Coaching (1 h)",
    ]


def test_status_json_names_its_figures(npqel: RunCli) -> None:
    npqel("log", "15", "--on", "2024-09-04", env=TODAY)
    npqel("log", "15", "--on", "2024-09-05", env=TODAY)
    data = status_json(npqel)
    assert data["behind_hours"] == 0
    assert data["ahead_hours"] == 5.75
    assert data["engagement"] == 1
    assert data["engagement_ok"] is True
    assert set(data) >= {
        "done_hours", "planned_hours_to_date", "behind_hours", "behind_weeks", "engagement",
        "engagement_threshold", "components", "burn_up", "next_sessions",
    }  # fmt: skip


def test_today_comes_from_the_option_then_the_environment(npqel: RunCli) -> None:
    early = npqel("status", "--format", "json", "--today", "2024-09-10", env=TODAY)
    assert json.loads(early.stdout)["today"] == "2024-09-10"
    assert status_json(npqel)["today"] == "2025-01-20"


def test_the_log_lists_exports_and_undoes_entries(npqel: RunCli) -> None:
    npqel("log", "1.5", "--on", "2024-11-12", "-c", "learning journal", "--note", "a, b", env=TODAY)
    npqel("log", "0.25", env=TODAY)
    exported = npqel("log", "--export", "csv")
    assert exported.stdout == (
        "id,date,hours,minutes,component,note\n"
        '1,2024-11-12,1.5,90,Learning journal,"a, b"\n'
        "2,2025-01-20,0.25,15,,\n"
    )
    listed = npqel("log", "--list")
    assert [line.split() for line in listed.stdout.splitlines()[2:4]] == [
        ["1", "Tue", "12", "Nov", "2024", "1.5", "h", "Learning", "journal", "a,", "b"],
        ["2", "Mon", "20", "Jan", "2025", "0.25", "h"],
    ]
    undone = npqel("log", "--undo", "1")
    assert undone.stdout == "removed entry 1: 1.5 h of Learning journal on Tue 12 Nov 2024\n"
    assert npqel("log", "--export", "csv").stdout.count("\n") == 2


# -- replan asks first ---------------------------------------------------------------------------


def replan_on_a_terminal(home: Path, tmp_path: Path, answer: str) -> tuple[int, str]:
    """`npqplan replan` with a pseudo-terminal for stdin, answering its question."""
    leader, follower = pty.openpty()
    environment = {
        **os.environ,
        "NPQPLAN_HOME": str(home),
        "NPQPLAN_PROGRAMMES": str(tmp_path / "user-programmes"),
        "COLUMNS": "100",
        "NO_COLOR": "1",
        **TODAY,
    }
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "npqplan", "replan"],
            stdin=follower,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environment,
            cwd=tmp_path,
            text=True,
        )
        os.write(leader, answer.encode() + b"\n")
        out, _ = process.communicate(timeout=120)
    finally:
        os.close(follower)
        os.close(leader)
    return process.returncode, out


def test_replan_saves_only_when_the_answer_is_yes(
    npqel: RunCli, npqplan_home: Path, tmp_path: Path
) -> None:
    before = state_files(npqplan_home)
    code, out = replan_on_a_terminal(npqplan_home, tmp_path, "n")
    assert (code, out.splitlines()[-1]) == (0, "Save this re-plan? [y/N]: Not saved.")
    assert state_files(npqplan_home) == before
    code, out = replan_on_a_terminal(npqplan_home, tmp_path, "y")
    assert code == 0
    assert out.endswith("Saved: schedule, check-hours and export now use the re-planned plan.\n")
    assert status_json(npqel)["behind_hours"] == 18  # the live events missed, and only those


# -- bad input: one line, exit 2, the store untouched --------------------------------------------

BAD_INPUT = [
    (("log", "-1"), {}, "TIME '-1': give how long you studied, like 50m, 1h20"),
    (("log", "0"), {}, "TIME 0: log at least one minute"),
    (("log", "abc"), {}, "TIME 'abc': give how long you studied, like 50m, 1h20"),
    (("log", "25"), {}, "TIME 25: a day has only 24 hours"),
    (
        ("log", "5", "--on", "2024-09-04"),
        {},
        "2024-09-04 already has 20 h logged; another 5 h would make more than 24 h in one day",
    ),
    (("log", "1", "--on", "2025-02-30"), {}, "--on 2025-02-30: no such date"),
    (("log", "1", "--on", "last tuesday"), {}, "--on 'last tuesday': write a date as YYYY-MM-DD"),
    (
        ("log", "1", "--on", "2024-08-30"),
        {},
        "--on 2024-08-30: outside your plan, which runs from 2024-09-02 to 2026-03-09",
    ),
    (
        ("log", "1", "--on", "2025-01-21"),
        {},
        "--on 2025-01-21: that is after today (2025-01-20); log study once you have done it",
    ),
    (("log", "1", "--component", "jornal"), {}, "did you mean 'Learning journal'?"),
    (("log", "1", "--today", "2025-02-29"), {}, "--today 2025-02-29: no such date"),
    (("log", "1"), {"NPQPLAN_TODAY": "20/01/2025"}, "NPQPLAN_TODAY '20/01/2025': write a date"),
    (("log", "--undo", "99"), {}, "--undo 99: no such entry; see 'npqplan log --list'"),
    (("log", "--undo", "first"), {}, "--undo 'first': give an entry id"),
    (("log", "1", "--list"), {}, "give TIME to log, or one of --list, --undo ID or --export csv"),
    (("log", "--export", "xlsx"), {}, "Invalid value for '--export': 'xlsx' is not one of 'csv'."),
    (("log", "--list", "--on", "2024-09-04"), {}, "--on, --component and --note go with TIME"),
    (("status", "--format", "xml"), {}, "'--format': 'xml' is not one of 'table', 'json'."),
    (
        ("replan", "--today", "2025-10-06"),
        {},
        "not saved: replan asks before saving and there is no terminal to ask at",
    ),
]


@pytest.mark.parametrize(
    ("args", "env", "message"), BAD_INPUT, ids=[" ".join(case[0]) for case in BAD_INPUT]
)
def test_bad_input_is_one_line_exit_2_and_leaves_the_store_byte_identical(
    npqel: RunCli, npqplan_home: Path, args: tuple[str, ...], env: dict[str, str], message: str
) -> None:
    assert npqel("log", "20", "--on", "2024-09-04", env=TODAY).returncode == 0
    before = state_files(npqplan_home)
    assert set(before) == {DATABASE}
    result = npqel(*args, env={**TODAY, **env})
    assert result.returncode == 2, result.stdout + result.stderr
    assert result.stderr.startswith("error: ")
    assert result.stderr.count("\n") == 1, result.stderr
    assert message in result.stderr
    assert state_files(npqplan_home) == before


@pytest.mark.parametrize("command", [("log", "1"), ("status",), ("replan", "--yes")])
def test_without_a_plan_each_command_says_how_to_make_one_and_writes_nothing(
    run_cli: RunCli, npqplan_home: Path, command: tuple[str, ...]
) -> None:
    result = run_cli(*command, env=TODAY)
    assert result.returncode == 2
    assert result.stderr == (
        "error: there is no current plan yet; make one with 'npqplan schedule PROGRAMME "
        "--start YYYY-MM' (for example: npqel --start 2024-09)\n"
    )
    assert state_files(npqplan_home) == {}


# -- many writers --------------------------------------------------------------------------------


def cli_environment(home: Path, tmp_path: Path) -> dict[str, str]:
    return {
        **os.environ,
        "NPQPLAN_HOME": str(home),
        "NPQPLAN_PROGRAMMES": str(tmp_path / "user-programmes"),
        **TODAY,
    }


def start_log(note: str, environment: dict[str, str], cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "npqplan", "log", "0.25", "--on", "2024-09-10", "--note", note],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment,
        cwd=cwd,
        text=True,
    )


def acknowledged(process: subprocess.Popen[str], timeout: float = 120) -> bool:
    """The process printed its confirmation and exited 0."""
    out, _ = process.communicate(timeout=timeout)
    return process.returncode == 0 and out.startswith("logged 0.25 h on Tue 10 Sep 2024")


@pytest.mark.slow
def test_twenty_parallel_logs_all_land(npqel: RunCli, npqplan_home: Path, tmp_path: Path) -> None:
    environment = cli_environment(npqplan_home, tmp_path)
    processes = [start_log(f"writer {n}", environment, tmp_path) for n in range(20)]
    assert all(acknowledged(p) for p in processes)
    assert sorted(logged_notes(npqplan_home)) == sorted(f"writer {n}" for n in range(20))
    assert status_json(npqel)["done_hours"] == 5


HOLD_A_WRITE = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None, timeout=30)
db.execute("BEGIN IMMEDIATE")
db.execute("INSERT INTO log_entries (day, minutes, note) VALUES ('2024-09-11', 60, 'killed')")
print("holding", flush=True)
time.sleep(60)
"""


@pytest.mark.slow
def test_a_writer_killed_mid_transaction_loses_only_its_own_entry(
    npqel: RunCli, npqplan_home: Path, tmp_path: Path
) -> None:
    assert npqel("log", "1", "--on", "2024-09-04", "--note", "before", env=TODAY).returncode == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_A_WRITE, str(npqplan_home / DATABASE)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert holder.stdout is not None
    assert holder.stdout.readline() == "holding\n"
    environment = cli_environment(npqplan_home, tmp_path)
    queued = [start_log(f"queued {n}", environment, tmp_path) for n in range(5)]
    time.sleep(1.5)  # the logs are now waiting on the held write lock
    holder.send_signal(signal.SIGKILL)
    holder.wait(timeout=30)
    assert all(acknowledged(p) for p in queued)
    notes = logged_notes(npqplan_home)
    assert "killed" not in notes
    assert sorted(notes) == sorted(["before", *(f"queued {n}" for n in range(5))])


@pytest.mark.slow
def test_logs_killed_at_any_moment_never_lose_an_acknowledged_entry(
    npqel: RunCli, npqplan_home: Path, tmp_path: Path
) -> None:
    environment = cli_environment(npqplan_home, tmp_path)
    processes = [start_log(f"writer {n}", environment, tmp_path) for n in range(16)]
    started = time.monotonic()
    for index, process in enumerate(processes):
        if index % 2:
            continue  # half run to completion; half are killed at moments spread over the run,
        # from start-up to after their commit (the writes happen over a few seconds)
        time.sleep(max(0.0, started + 0.5 + 0.3 * index - time.monotonic()))
        process.send_signal(signal.SIGKILL)
    outcomes = {f"writer {n}": acknowledged(p) for n, p in enumerate(processes)}
    assert any(p.returncode == -signal.SIGKILL for p in processes)
    notes = logged_notes(npqplan_home)  # readable, and passes SQLite's integrity check
    assert len(notes) == len(set(notes))
    assert {note for note, ok in outcomes.items() if ok} <= set(notes)
    assert sum(outcomes.values()) >= 8
    assert set(notes) <= set(outcomes)
    after = npqel("log", "0.25", "--on", "2024-09-10", "--note", "after", env=TODAY)
    assert after.returncode == 0, after.stderr
    assert logged_notes(npqplan_home)[-1] == "after"
