"""The examples under "Why" in issue 19 (term dates for the years people plan now), one test
each, named after its example; each fails on c3938a2, the main the issue was filed against."""

from __future__ import annotations

import csv
import io
import json
from datetime import date, timedelta
from pathlib import Path

import icalendar

from tests.conftest import RunCli

LEEDS_2025 = ("npqh-ambition", "--start", "2025-01", "--calendar", "leeds")
HEADER = "id,name,school,start,calendar,study_days,study_time,session_hours,weekly_cap,email\n"
EASTER_RESIDENTIAL = """\
programme: npqel
sessions:
  - term: Term four
    component: Residential event
    dates: [2025-04-10]
"""
SCHOOL_2024_25 = """\
id: st-example
name: St Example's
years:
  - year: 2024/25
    source: the school's website
    terms:
      - name: Autumn
        start: 2024-09-02
        end: 2024-12-20
        breaks: [{name: Half-term, start: 2024-10-28, end: 2024-11-01}]
      - name: Spring
        start: 2025-01-06
        end: 2025-04-04
        breaks: [{name: Half-term, start: 2025-02-17, end: 2025-02-21}]
      - name: Summer
        start: 2025-04-22
        end: 2025-07-22
        breaks: [{name: Half-term, start: 2025-05-26, end: 2025-05-30}]
"""


def _weeks(plan: dict[str, object]) -> dict[str, dict[str, object]]:
    return {str(w["week_start"]): w for w in plan["weeks"]}  # type: ignore[attr-defined,index]


def _session_days(plan: dict[str, object]) -> set[date]:
    return {
        date.fromisoformat(s["date"])
        for w in plan["weeks"]  # type: ignore[attr-defined]
        for s in w["sessions"]
    }


def test_leeds_from_january_2025_keeps_the_easter_holiday_most_councils_kept(
    run_cli: RunCli,
) -> None:
    """Leeds publishes only 2025/26; its 2024/25 was estimated with the Easter holiday 21 Apr -
    2 May 2025, when nine of twelve published councils broke up on 4 April and came back on
    22 April. Now the estimate follows them, and says it is one."""
    result = run_cli("schedule", *LEEDS_2025, "--format", "json", "--no-save")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    weeks = _weeks(plan)
    assert weeks["2025-04-07"]["holiday"]
    assert weeks["2025-04-14"]["holiday"]
    assert not weeks["2025-04-28"]["holiday"]
    holiday = {date(2025, 4, 7) + timedelta(days=n) for n in range(12)}
    assert not _session_days(plan) & holiday
    assert plan["estimated_years"] == ["2024/25"]
    assert plan["provisional_years"] == []


def test_a_cohort_says_which_participants_rest_on_estimated_years(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Of 300 participants 195 were planned on an estimated year, and neither the report, its
    CSV, its conflicts table nor `cohort dates` said so."""
    (tmp_path / "dates.yaml").write_text(EASTER_RESIDENTIAL, encoding="utf-8")
    (tmp_path / "roster.csv").write_text(
        HEADER + "l1,Lee,Oak,2025-01,leeds,,,,,\nk1,Kim,Elm,2025-01,kent,,,,,\n",
        encoding="utf-8",
    )
    plan = ("cohort", "plan", "roster.csv", "npqel", "--cohort", "dates.yaml")
    table = run_cli(*plan, "--out", "run", env={"COLUMNS": "200"})
    assert table.returncode == 1, table.stderr  # the residential is in both Easter holidays
    text = " ".join(table.stdout.split())
    assert "Planned on estimated term dates: 1; on provisional ones: 0" in text
    assert "leeds (estimated term dates for 2024/25)" in text
    assert "Easter holiday (estimated dates)" in text
    rows = list(
        csv.DictReader(io.StringIO(run_cli(*plan, "--out", "run2", "--format", "csv").stdout))
    )
    people = {row["id"]: row for row in rows if row["record"] == "participant"}
    assert people["l1"]["estimated_years"] == "2024/25"
    assert people["k1"]["estimated_years"] == ""
    conflicts = {row["calendar"]: row["why"] for row in rows if row["record"] == "conflict"}
    assert conflicts == {
        "Kent County Council": "Easter holiday",
        "Leeds City Council": "Easter holiday (estimated dates)",
    }
    dates = run_cli("cohort", "dates", "roster.csv", "--days", "1", "--between", "2025-04..2025-04",
                    "--format", "json")  # fmt: skip
    assert dates.returncode == 0, dates.stderr
    assert json.loads(dates.stdout)["estimated_years"] == {"Leeds City Council": ["2024/25"]}
    shown = run_cli("cohort", "dates", "roster.csv", "--days", "1", "--between", "2025-04..2025-04")
    assert "Leeds City Council: estimated term dates for 2024/25" in " ".join(shown.stdout.split())


def test_a_terms_file_and_a_council_combine(run_cli: RunCli, tmp_path: Path) -> None:
    """`--calendar leeds --terms myschool-2425.yaml` dropped Leeds: 2025/26, which Leeds has,
    was estimated; and `--terms` help said "(YAML)" though an .ics works too."""
    terms = tmp_path / "myschool-2425.yaml"
    terms.write_text(SCHOOL_2024_25, encoding="utf-8")
    args = ("schedule", *LEEDS_2025, "--terms", str(terms), "--no-save")
    result = run_cli(*args, "--format", "json")
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["calendar"] == "St Example's (Leeds City Council for 2025/26)"
    assert plan["estimated_years"] == []
    # Leeds' 2025/26 Easter holiday (3-17 April 2026) is kept free.
    assert not {d for d in _session_days(plan) if date(2026, 4, 3) <= d <= date(2026, 4, 17)}
    header = run_cli(*args).stdout
    assert "Calendar:  St Example's (Leeds City Council for 2025/26)" in header
    help_text = " ".join(run_cli("schedule", "--help").stdout.split())
    assert "(YAML, or the school's calendar file: .ics)" in help_text


def test_a_terms_file_that_differs_from_its_council_wins_with_a_warning_naming_the_year(
    run_cli: RunCli, tmp_path: Path
) -> None:
    terms = tmp_path / "myschool.yaml"
    # Leeds' 2025/26, but with the October half-term a week early.
    year = SCHOOL_2024_25.split("years:\n")[1]
    moved = (
        year.replace("2024/25", "2025/26")
        .replace("2024-09-02", "2025-09-01")
        .replace("2024-12-20", "2025-12-19")
        .replace("2024-10-28, end: 2024-11-01", "2025-10-20, end: 2025-10-24")
        .replace("2025-01-06", "2026-01-05")
        .replace("2025-04-04", "2026-04-02")
        .replace("2025-02-17, end: 2025-02-21", "2026-02-16, end: 2026-02-20")
        .replace("2025-04-22", "2026-04-20")
        .replace("2025-07-22", "2026-07-21")
        .replace("2025-05-26, end: 2025-05-30", "2026-05-25, end: 2026-05-29")
    )
    terms.write_text(SCHOOL_2024_25 + moved, encoding="utf-8")
    result = run_cli(
        "schedule", *LEEDS_2025, "--terms", str(terms), "--no-save", "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["warnings"][-1] == (
        "St Example's and Leeds City Council give different term dates for 2025/26: "
        "the plan follows St Example's"
    )
    assert not {d for d in _session_days(plan) if date(2025, 10, 20) <= d <= date(2025, 10, 24)}


def test_a_nursery_open_all_year_plans_through_school_holidays(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """An early-years participant at a nursery open all year could only pick a council's school
    terms, so half-terms and holidays empty of study were imposed on her."""
    result = run_cli("schedule", "npqeyl-ucl", "--start", "2024-09", "--calendar", "year-round",
                     "--format", "json", "--no-save")  # fmt: skip
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    weeks = _weeks(plan)
    for school_holiday in ("2024-10-28", "2024-12-30", "2025-02-17", "2025-04-07", "2025-08-04"):
        assert not weeks[school_holiday]["holiday"], school_holiday
    days = _session_days(plan)
    assert any(date(2024, 10, 28) <= d <= date(2024, 11, 1) for d in days)  # school half-term
    assert date(2024, 12, 25) not in days  # bank holidays
    assert date(2025, 5, 26) not in days
    assert plan["estimated_years"] == []
    (tmp_path / "roster.csv").write_text(HEADER + "n1,Nia,Little Acorns,2024-09,Year-Round,,,,,\n",
                                         encoding="utf-8")  # fmt: skip
    cohort = run_cli(
        "cohort", "plan", "roster.csv", "npqeyl-ucl", "--out", "run", "--format", "json"
    )
    assert cohort.returncode in (0, 1), cohort.stderr
    (person,) = json.loads(cohort.stdout)["participants"]
    assert person["calendar"] == "Open all year (bank holidays only)"
    saved = json.loads((tmp_path / "run" / "n1.json").read_text(encoding="utf-8"))
    assert _session_days(saved) == days


def test_an_exported_calendar_and_status_say_the_plan_rests_on_an_estimate(
    run_cli: RunCli, tmp_path: Path
) -> None:
    assert run_cli("schedule", *LEEDS_2025).returncode == 0
    exported = run_cli("export", "--ics", "plan.ics")
    assert exported.returncode == 0, exported.stderr
    calendar = icalendar.Calendar.from_ical((tmp_path / "plan.ics").read_bytes())
    assert str(calendar["X-WR-CALDESC"]).startswith(
        "Term dates: Leeds City Council (estimated dates for 2024/25)."
    )
    status = run_cli("status", "--today", "2025-02-03")
    assert status.returncode == 0, status.stderr
    assert "Calendar:    Leeds City Council (estimated dates for 2024/25)" in status.stdout
    data = json.loads(run_cli("status", "--today", "2025-02-03", "--format", "json").stdout)
    assert (data["estimated_years"], data["provisional_years"]) == (["2024/25"], [])


def test_a_plan_on_firm_dates_has_no_calendar_description(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("export", "npqel", "--start", "2024-09", "--calendar", "surrey",
                   "--ics", "plan.ics").returncode == 0  # fmt: skip
    calendar = icalendar.Calendar.from_ical((tmp_path / "plan.ics").read_bytes())
    assert "X-WR-CALDESC" not in calendar
