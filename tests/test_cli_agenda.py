"""`npqplan today`, `week`, `done` and `missed` through the real command line, on a real SQLite
file: NPQH with Ambition, Tuesday and Thursday evenings, as issue 21 tried it."""

from __future__ import annotations

import io
import json
import re
import sqlite3
from csv import reader
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npqplan import store
from tests.conftest import PROGRAMMES, RunCli

TUESDAY = {"NPQPLAN_TODAY": "2025-01-21"}
MODULE = "Weekly online module (StepLab)"


@pytest.fixture
def npqh(run_cli: RunCli) -> RunCli:
    result = run_cli("schedule", "npqh-ambition", "--start", "2024-09", "--study-days", "tue,thu")
    assert result.returncode == 0, result.stderr
    return run_cli


def ok(run: RunCli, *args: str, env: dict[str, str] | None = None) -> str:
    result = run(*args, env=env or TUESDAY)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def as_json(run: RunCli, *args: str) -> Any:
    return json.loads(ok(run, *args, "--format", "json"))


def test_the_week_lists_its_sessions_numbered_each_to_do(npqh: RunCli) -> None:
    week = as_json(npqh, "week")
    assert week["week_start"] == "2025-01-20"
    assert [(s["number"], s["component"], s["minutes"], s["state"]) for s in week["sessions"]] == [
        (1, MODULE, 50, "to do")
    ]
    following = as_json(npqh, "week", "next")
    assert following["week_start"] == "2025-01-27"
    assert [s["number"] for s in following["sessions"]] == list(
        range(1, len(following["sessions"]) + 1)
    )


def test_today_shows_the_numbers_the_week_shows(npqh: RunCli) -> None:
    thursday = {"NPQPLAN_TODAY": "2025-01-29"}
    week = json.loads(ok(npqh, "week", "--format", "json", env=thursday))
    today = json.loads(ok(npqh, "today", "--format", "json", env=thursday))
    assert today["day"] == "2025-01-29"
    assert today["sessions"], "nothing on the Thursday"
    by_number = {s["number"]: s for s in week["sessions"]}
    assert all(by_number[s["number"]] == s for s in today["sessions"])
    assert {s["date"] for s in today["sessions"]} == {"2025-01-29"}


def test_done_logs_the_sessions_own_minutes_against_its_component_once(npqh: RunCli) -> None:
    first = ok(npqh, "done", "1")
    assert first == (f"done: 1, {MODULE} on Tue 21 Jan (50 min), logged as entry 1\n")
    again = ok(npqh, "done", "1")
    assert again == f"already done: 1, {MODULE} on Tue 21 Jan (50 min), logged as entry 1\n"
    exported = ok(npqh, "log", "--export", "csv")
    assert exported.splitlines()[1:] == [f"1,2025-01-21,0.83,50,{MODULE},"]
    assert as_json(npqh, "week")["sessions"][0]["state"] == "done"
    status = as_json(npqh, "status")
    assert status["done_hours"] == round(50 / 60, 2)


def test_done_undo_takes_the_tick_and_its_entry_away_and_says_so_twice(npqh: RunCli) -> None:
    ok(npqh, "done", "1")
    assert ok(npqh, "done", "1", "--undo") == (
        f"to do again: 1, {MODULE} on Tue 21 Jan (50 min); removed entry 1\n"
    )
    assert ok(npqh, "done", "1", "--undo") == (
        f"not ticked off, nothing to undo: 1, {MODULE} on Tue 21 Jan (50 min)\n"
    )
    assert ok(npqh, "log", "--export", "csv").count("\n") == 1
    assert as_json(npqh, "week")["sessions"][0]["state"] == "to do"


def test_done_today_ticks_every_session_of_today(npqh: RunCli) -> None:
    thursday = {"NPQPLAN_TODAY": "2025-01-29"}
    today = json.loads(ok(npqh, "today", "--format", "json", env=thursday))
    lines = ok(npqh, "done", "today", env=thursday).splitlines()
    assert len(lines) == len(today["sessions"])
    assert all(line.startswith("done: ") for line in lines)
    after = json.loads(ok(npqh, "today", "--format", "json", env=thursday))
    assert {s["state"] for s in after["sessions"]} == {"done"}
    assert after["done_minutes"] == today["minutes"]


def test_missed_is_stored_undone_and_a_tick_replaces_it(npqh: RunCli, npqplan_home: Path) -> None:
    assert ok(npqh, "missed", "1") == (
        f"missed: 1, {MODULE} on Tue 21 Jan (50 min); 'npqplan replan' catches it up\n"
    )
    assert ok(npqh, "missed", "1") == f"already marked missed: 1, {MODULE} on Tue 21 Jan (50 min)\n"
    [key] = store.missed_sessions(npqplan_home)
    assert key.startswith(f"npqh-ambition/Across all terms/{MODULE}/")
    assert as_json(npqh, "week")["sessions"][0]["state"] == "missed"
    assert "(no longer missed)" in " ".join(ok(npqh, "done", "1").split())
    assert store.missed_sessions(npqplan_home) == frozenset()
    assert "(done entry 1 removed)" in ok(npqh, "missed", "1")
    assert ok(npqh, "missed", "1", "--undo") == f"to do again: 1, {MODULE} on Tue 21 Jan (50 min)\n"
    assert store.missed_sessions(npqplan_home) == frozenset()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("done",), "error: give the numbers 'npqplan week' shows, like: npqplan done 2"),
        (
            ("done", "9"),
            "error: session 9: no session has that number in this view (it has 1 to 1)",
        ),
        (("done", "x"), "error: N 'x': give the numbers 'npqplan week' shows"),
        (("missed", "0"), "error: N '0': give the numbers 'npqplan week' shows"),
    ],
)
def test_a_bad_number_is_one_line_exit_2_and_changes_nothing(
    npqh: RunCli, npqplan_home: Path, args: tuple[str, ...], message: str
) -> None:
    ok(npqh, "done", "1")
    before = (npqplan_home / store.DATABASE_NAME).read_bytes()
    result = npqh(*args, env=TUESDAY)
    assert result.returncode == 2
    assert result.stderr.startswith(message), result.stderr
    assert result.stderr.count("\n") == 1
    assert (npqplan_home / store.DATABASE_NAME).read_bytes() == before


def test_an_old_log_in_hours_is_read_in_minutes_after_the_migration(tmp_path: Path) -> None:
    with sqlite3.connect(store.database_path(tmp_path)) as db:
        for number, script in enumerate(store.MIGRATIONS[:2], start=1):
            db.executescript(script)
            db.execute(f"PRAGMA user_version = {number}")
        db.execute(
            "INSERT INTO log_entries (day, hours, component) VALUES ('2024-09-03', 0.25, 'A')"
        )
        db.execute("INSERT INTO log_entries (day, hours) VALUES ('2024-09-04', 1.5)")
        db.execute("DELETE FROM log_entries WHERE id = 2")
    entries = store.log_entries(tmp_path)
    assert [(e.id, e.minutes, e.component) for e in entries] == [(1, 15, "A")]
    added = store.add_entry(tmp_path, entries[0].day, 50, None, None)
    assert added.id == 3, "an undone id is never given out again"


# -- done, missed, log and their undos keep every report in step ---------------------------------

THURSDAY = {"NPQPLAN_TODAY": "2025-01-23"}
ACTIONS = st.lists(
    st.one_of(
        st.tuples(st.sampled_from(["done", "missed"]), st.sampled_from(["1", "2", "today"])),
        st.tuples(
            st.sampled_from(["done", "missed"]), st.sampled_from(["1", "2"]), st.just("--undo")
        ),
        st.tuples(
            st.just("log"),
            st.sampled_from(["50m", "1:20", "0.83", "15 min"]),
            st.sampled_from(["-c", "--note"]),
            st.sampled_from(["journal", "self-directed", "x"]),
        ),
        st.tuples(st.just("log"), st.just("--undo"), st.sampled_from(["1", "2", "3"])),
    ),
    max_size=8,
)


def reports(run: RunCli) -> tuple[dict[str, Any], dict[str, Any], str, list[int]]:
    status = json.loads(ok(run, "status", "--format", "json", env=THURSDAY))
    hours = run("check-hours", "--format", "json", env=THURSDAY)
    assert hours.returncode in (0, 1), hours.stderr
    table = ok(run, "status", env=THURSDAY)
    csv = ok(run, "log", "--export", "csv", env=THURSDAY).splitlines()[1:]
    minutes = [int(line.split(",")[3]) for line in csv]
    return status, json.loads(hours.stdout)["progress"] if minutes else {}, table, minutes


@pytest.fixture
def npqel_plan(run_cli: RunCli) -> RunCli:
    ok(run_cli, "schedule", "npqel", "--start", "2024-09")
    return run_cli


def cleared(home: Path) -> None:
    with sqlite3.connect(store.database_path(home)) as db:
        db.execute("DELETE FROM log_entries")
        db.execute("DELETE FROM missed_sessions")


@pytest.mark.slow
@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(actions=ACTIONS)
def test_after_any_ticks_misses_logs_and_undos_every_report_agrees_in_minutes(
    npqel_plan: RunCli, npqplan_home: Path, actions: list[tuple[str, ...]]
) -> None:
    cleared(npqplan_home)
    for action in actions:
        result = npqel_plan(*action, env=THURSDAY)
        assert result.returncode in (0, 2), result.stderr
    status, progress, table, minutes = reports(npqel_plan)
    assert status["done_minutes"] == sum(minutes)
    if progress:
        assert progress["logged_minutes"] == sum(minutes)
    assert status["behind_minutes"] == max(
        0, status["planned_minutes_to_date"] - status["done_minutes"]
    )
    done_hours = f"{round(sum(minutes) / 60 * 100) / 100:g}"
    assert f"Done:        {done_hours} h of" in table
    week = json.loads(ok(npqel_plan, "week", "--format", "json", env=THURSDAY))
    ticked = sum(s["minutes"] for s in week["sessions"] if s["state"] == "done")
    assert week["done_minutes"] == ticked <= status["done_minutes"]
    assert all(s["state"] != "done" or s["minutes"] in minutes for s in week["sessions"])


def test_check_hours_and_status_agree_on_behind(npqel_plan: RunCli) -> None:
    ok(npqel_plan, "log", "50m", "-c", "journal", env=THURSDAY)
    status, progress, _, _ = reports(npqel_plan)
    behind = max(0, progress["planned_minutes"] - progress["logged_minutes"])
    assert status["behind_minutes"] == behind


# -- issue 21, "Why": each example as the issue tried it -----------------------------------------


@pytest.mark.parametrize("typed", ["0.83", "50m"])
def test_why_the_50_minute_module_can_be_logged_as_people_write_it(
    npqh: RunCli, typed: str
) -> None:
    assert ok(npqh, "log", typed, "-c", "steplab") == (
        f"logged 50 min of {MODULE} on Tue 21 Jan 2025 (entry 1)\n"
    )


@pytest.mark.parametrize("typed", ["weekly online module", "steplab", "STEPLAB"])
def test_why_a_component_is_found_by_any_unique_part_of_its_name(npqh: RunCli, typed: str) -> None:
    assert f"of {MODULE} on" in ok(npqh, "log", "1h", "-c", typed)


def test_an_ambiguous_part_of_a_name_gets_the_components_it_names(npqh: RunCli) -> None:
    result = npqh("log", "1h", "-c", "e", env=TUESDAY)
    assert result.returncode == 2
    assert result.stderr.startswith("error: --component 'e' is part of ")
    assert "give more of the name" in result.stderr


def test_why_the_schedule_csv_sums_to_the_plans_minutes_exactly(run_cli: RunCli) -> None:
    plan = json.loads(
        ok(run_cli, "schedule", "npqh-ambition", "--start", "2024-09", "--format", "json")
    )
    csv = ok(run_cli, "schedule", "npqh-ambition", "--start", "2024-09", "--format", "csv")
    header, *rows = list(reader(io.StringIO(csv)))
    assert header[header.index("hours") + 1] == "minutes"
    column = header.index("minutes")
    assert sum(int(row[column]) for row in rows) == plan["total_minutes"]


@pytest.mark.parametrize(
    "args",
    [("--bogus",), ("frob",), ("list", "--bogus"), ("week", "--bogus"), ("calendars", "--x")],
)
def test_why_an_unknown_option_or_command_is_one_error_line_and_exit_2(
    run_cli: RunCli, args: tuple[str, ...]
) -> None:
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith("error: no such ")
    assert result.stderr.count("\n") == 1, result.stderr


# -- every command speaks JSON -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "kind", "key"),
    [
        (("list",), list, "total_minutes"),
        (("show", "npqh-ambition"), dict, "total_minutes"),
        (("calendars",), list, "provisional"),
        (("calendars", "show", "kent"), dict, "years"),
        (("log", "--list"), list, None),
        (("today",), dict, "sessions"),
        (("week",), dict, "sessions"),
    ],
)
def test_why_each_listing_command_speaks_json(
    npqh: RunCli, args: tuple[str, ...], kind: type, key: str | None
) -> None:
    data = as_json(npqh, *args)
    assert isinstance(data, kind)
    if key is not None:
        assert key in (data[0] if isinstance(data, list) else data)


def test_validate_json_gives_one_object_per_file_with_its_errors_located(
    run_cli: RunCli, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\n", encoding="utf-8")
    good = str(PROGRAMMES / "npqel.yaml")
    result = run_cli("validate", str(bad), good, "--format", "json")
    assert result.returncode == 2
    found = json.loads(result.stdout)
    assert [(item["file"], item["ok"]) for item in found] == [
        (str(bad), False),
        (good, True),
    ]
    assert all(isinstance(error["line"], int) for error in found[0]["errors"])


OUR_FILE = re.compile(r"[\w/-]+\.(?:yaml|txt|md)\b")


@pytest.mark.parametrize("programme", sorted(path.stem for path in PROGRAMMES.glob("*.yaml")))
def test_why_show_names_sources_by_title_never_by_a_file_of_ours(
    run_cli: RunCli, programme: str
) -> None:
    shown = ok(run_cli, "show", programme)
    assert OUR_FILE.findall(shown) == []


@pytest.mark.parametrize("programme", ["npqh-ambition", "npqsenco-teachfirst", "npqh-bpn"])
def test_why_exported_events_name_no_file_of_ours(run_cli: RunCli, programme: str) -> None:
    exported = run_cli("export", programme, "--start", "2024-09", "--ics", "-")
    assert exported.returncode == 0, exported.stderr
    unfolded = exported.stdout.replace("\r\n ", "").replace("\n ", "")
    assert OUR_FILE.findall(unfolded) == []
    assert "Where the hours come from: " in unfolded


# -- check-hours says why ------------------------------------------------------------------------


def test_why_check_hours_keeps_its_verdict_and_says_what_fills_the_weeks_outside(
    run_cli: RunCli,
) -> None:
    result = run_cli("check-hours", "npqh-ambition", "--start", "2024-09", env={"COLUMNS": "120"})
    assert result.returncode == 0, result.stderr
    lines = [line.strip() for line in result.stdout.splitlines()]
    assert "Verdict:       within".strip() in lines
    assert "Average:       1.45 h a week over every week; 1.81 h a term week" in lines
    below = lines.index("Below 1 h:     41 weeks of term")
    assert lines[below + 1] == f"41 hold only {MODULE} (50 min)"
    above = lines.index("Above 2 h:     22 weeks, 4 with a day event")
    assert lines[above + 1] == f"9 hold {MODULE} (50 min) and Clinic (2 h)"


def test_what_fills_groups_weeks_by_what_they_hold_largest_first() -> None:
    from npqplan.hours import check_hours, what_fills
    from npqplan.request import PlanRequest, make_plan

    plan = make_plan(PlanRequest(programme="npqh-ambition", start="2024-09"), None).plan
    report = check_hours(plan)
    fillings = what_fills([f.week for f in report.weeks_under])
    assert sum(f.weeks for f in fillings) == len(report.weeks_under)
    assert [f.weeks for f in fillings] == sorted((f.weeks for f in fillings), reverse=True)
    assert (fillings[0].components, fillings[0].minutes) == ((MODULE,), (50,))
    over = what_fills([f.week for f in report.weeks_over])
    days = [f for f in over if f.day_events]
    assert sum(f.weeks for f in days) == sum(1 for f in report.weeks_over if f.excused)


# -- totals mean one thing -----------------------------------------------------------------------


@pytest.mark.parametrize("programme", ["npqh-ambition", "npqel", "npqsl-niot"])
def test_why_show_validate_and_the_readme_table_give_one_total(
    run_cli: RunCli, programme: str
) -> None:
    readme = (PROGRAMMES.parent / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith(f"| `{programme}` |"))
    total = row.split("|")[5].strip()
    said = f"{total} scheduled ("
    shown = " ".join(ok(run_cli, "show", programme).split())
    assert f"Hours: {said}" in shown
    assert "from September 2024 on Kent's calendar" in shown
    validated = ok(run_cli, "validate", str(PROGRAMMES / f"{programme}.yaml"))
    assert f"ok ({said}" in validated
    data = as_json(run_cli, "show", programme)
    assert f"{data['scheduled']['total_minutes'] / 60:.2f}".rstrip("0").rstrip(".") == total


def test_why_an_8_day_window_is_an_8_day_window(run_cli: RunCli) -> None:
    shown = " ".join(ok(run_cli, "show", "npqh-ambition").split())
    assert "20 h in an 8-day window after the taught programme" in shown
    assert "a 8-day" not in shown


def test_a_session_a_replan_left_without_time_is_not_listed() -> None:
    from dataclasses import replace

    from npqplan.agenda import week_agenda
    from npqplan.request import PlanRequest, make_plan

    plan = make_plan(PlanRequest(programme="npqel", start="2024-09"), None).plan
    monday = date(2025, 1, 20)
    emptied = replace(
        plan,
        weeks=tuple(
            replace(week, sessions=tuple(replace(s, minutes=0) for s in week.sessions))
            if week.week_start == monday
            else week
            for week in plan.weeks
        ),
    )
    assert len(week_agenda(plan, monday, set(), set()).items) == 2
    assert week_agenda(emptied, monday, set(), set()).items == ()


def test_a_session_marked_missed_is_caught_up_even_with_time_logged_to_no_component(
    npqel_plan: RunCli,
) -> None:
    """`missed N` is what re-planning then uses: minutes logged without a component pay for
    other owed work, never for a session the person said they missed."""
    for day in ("2024-09-30", "2024-10-31", "2024-11-29"):
        ok(npqel_plan, "log", "24h", "--on", day, env=THURSDAY)
    nothing = ok(npqel_plan, "replan", "--yes", env=THURSDAY)
    assert nothing.startswith("Nothing to re-plan")
    week = json.loads(ok(npqel_plan, "week", "--format", "json", env=THURSDAY))
    first = week["sessions"][0]
    assert first["date"] < "2025-01-23"
    ok(npqel_plan, "missed", "1", env=THURSDAY)
    preview = ok(npqel_plan, "replan", "--yes", env=THURSDAY)
    assert preview.startswith("Re-plan on")
    assert first["component"].split()[0] in preview
