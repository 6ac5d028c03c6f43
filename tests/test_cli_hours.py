"""`npqplan check-hours` through the real command line: verdicts, figures, exit codes, JSON."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from npqplan import store
from tests.conftest import RunCli

FIXTURES = Path(__file__).parent / "fixtures" / "hours"
BUNDLED = ("npqel", "npqel-olp", "npqsl", "npqltd-ucl", "npqh-bpn", "npqlbc-bpn")


def fixture(name: str) -> str:
    return str(FIXTURES / f"{name}.yaml")


def check_json(run_cli: RunCli, *args: str) -> tuple[int, Any]:
    result = run_cli("check-hours", *args, "--format", "json")
    assert result.returncode in {0, 1}, result.stderr
    return result.returncode, json.loads(result.stdout)


def lines(text: str) -> list[str]:
    return [line.rstrip() for line in text.splitlines()]


@pytest.mark.parametrize(
    ("name", "code", "verdict"),
    [("under", 1, "under"), ("within", 0, "within"), ("over", 1, "over"), ("crunch", 1, "over")],
)
def test_exit_code_follows_the_verdict(run_cli: RunCli, name: str, code: int, verdict: str) -> None:
    returncode, data = check_json(run_cli, fixture(name), "--start", "2024-09")
    assert (returncode, data["verdict"]) == (code, verdict)


def test_under_report_prints_summary_chart_and_flagged_weeks(run_cli: RunCli) -> None:
    result = run_cli("check-hours", fixture("under"), "--start", "2024-09")
    assert result.returncode == 1, result.stderr
    out = lines(result.stdout)
    assert out[:12] == [
        "Hours under: weekly hours against 1–2 h",
        "Verdict:       under",
        "               the term-time average, 0.50 h a week, is below 1–2 h",
        "               no 4-week run averages above 2 h a week, except runs with a day event",
        "Dates:         2 Sep 2024 – 1 Dec 2024: 13 weeks, 12 in term time",
        "Hours:         6 scheduled",
        "Average:       0.46 h a week over every week; 0.50 h a term week",
        "Peak week:     week of 2 Sep 2024: 0.5 h (Reading)",
        "Busiest run:   2 Sep 2024 – 23 Sep 2024 (4 weeks): 0.50 h a week, without a day event",
        "Out of school: none: no in-person day events",
        "Above 2 h:     none",
        "Below 1 h:     12 weeks of term",
    ]
    chart = out.index("Hours a week  (▲ above 4 h; gaps in the axis are holidays)")
    # 13 weeks, one column each; the half-term (8 October's fourth week on) is a gap in the
    # bars and the axis, and the 1 h and 2 h lines run through it.
    assert out[chart + 1 : chart + 14] == [
        "  >4 h",
        "",
        "",
        "",
        "   2 h ▁▁▁▁▁▁▁▁▁▁▁▁▁",
        "",
        "   1 h ▁▁▁▁▁▁▁▁▁▁▁▁▁",
        "",
        "       ████████ ████",
        "       ──────── ────",
        "       S    O   N",
        "       2024",
        "",
    ]
    assert "Term weeks below 1 h" in out
    assert "25 Nov 2024     0.5   Tue 26 Nov 16:30–17:00  Reading (0.5 h)" in out


def test_within_report_names_the_residential_as_the_excused_peak(run_cli: RunCli) -> None:
    result = run_cli("check-hours", fixture("within"), "--start", "2024-09")
    assert result.returncode == 0, result.stderr
    out = lines(result.stdout)
    assert "Average:       1.69 h a week over every week; 1.83 h a term week" in out
    assert "Peak week:     week of 14 Oct 2024: 10 h (Residential)" in out
    assert "Out of school: 2 days (10 h) of in-person events: Residential" in out
    assert "Above 2 h:     1 week, 1 with a day event" in out
    assert "14 Oct 2024      10   Thu 17 Oct – Fri 18 Oct  Residential (10 h)   yes" in out


def test_crunch_report_says_which_run_is_over(run_cli: RunCli) -> None:
    result = run_cli("check-hours", fixture("crunch"), "--start", "2024-09")
    assert result.returncode == 1, result.stderr
    out = lines(result.stdout)
    assert out[1:5] == [
        "Verdict:       over",
        "               the term-time average, 1.17 h a week, is inside 1–2 h",
        "               4-week runs above 2 h a week on average without a day event: 4; the "
        "busiest, from",
        "               2024-09-23, averages 3.12 h",
    ]


def test_json_contract(run_cli: RunCli) -> None:
    _, data = check_json(run_cli, "npqel", "--start", "2024-09")
    assert set(data) >= {
        "programme", "start", "target", "total_hours", "average_hours_per_week",
        "average_hours_per_term_week", "weeks_over", "weeks_under", "peak_week", "verdict",
    }  # fmt: skip
    assert data["programme"] == "npqel"
    assert data["start"] == "2024-09-02"
    assert data["target"] == [1, 2]
    assert data["total_hours"] == 93
    assert data["declared_total"] == 75
    assert data["weeks"] == 80
    assert data["term_weeks"] == 64
    assert data["average_hours_per_week"] == 1.1625
    assert data["average_hours_per_term_week"] == 1.453125
    assert data["weeks_over"] == ["2024-09-02", "2024-09-23", "2025-11-10", "2026-03-02"]
    assert len(data["weeks_under"]) == 23
    assert data["peak_week"] == {"week_start": "2026-03-02", "hours": 20}
    assert data["out_of_school"] == {"days": 4, "hours": 20}
    assert data["verdict"] == "within"
    # the 4 h online induction conference from 09:00 is a day event, like the residentials
    excused = {f["week_start"]: f["excused"] for f in data["flagged_weeks"] if f["flag"] == "over"}
    assert excused == dict.fromkeys(data["weeks_over"], True)
    assert [t["term"] for t in data["terms"]] == [
        "Term one", "Term two", "Term three", "Term four", "Term five", "Final assessment",
    ]  # fmt: skip
    assert [t["hours"] for t in data["terms"]] == [22.25, 13, 13, 23.25, 1.5, 20]
    assert "progress" not in data


@pytest.mark.parametrize("programme", BUNDLED)
def test_averages_agree_with_the_schedule_json(run_cli: RunCli, programme: str) -> None:
    _, report = check_json(run_cli, programme, "--start", "2024-09")
    schedule = run_cli("schedule", programme, "--start", "2024-09", "--format", "json")
    plan = json.loads(schedule.stdout)
    term = [w["hours"] for w in plan["weeks"] if not w["holiday"]]
    assert report["total_hours"] == plan["total_hours"]
    assert report["average_hours_per_week"] == plan["total_hours"] / len(plan["weeks"])
    assert report["average_hours_per_term_week"] == sum(term) / len(term)
    assert report["weeks_over"] == [w["week_start"] for w in plan["weeks"] if w["hours"] > 2]


# Checked by hand against `npqplan schedule ID --start 2024-09` (Kent): total over weeks, term
# hours over term weeks, and the weeks, days and verdict read off the schedule. The final
# assessment is one event of 20 h in the first week of its window.
BUNDLED_FIGURES = [
    ("npqel", 0, 93 / 80, 93 / 64, ("2026-03-02", 20), 4, 23, 4, "within"),
    ("npqel-olp", 1, 152 / 80, 152 / 64, ("2026-03-02", 20), 5, 0, 6, "over"),
    ("npqsl", 0, 98 / 80, 98 / 64, ("2026-03-02", 20), 3, 2, 2, "within"),
    ("npqltd-ucl", 0, 75 / 55, 75 / 43, ("2025-09-08", 20), 3, 1, 0, "within"),
    ("npqh-bpn", 0, 94 / 80, 94 / 64, ("2026-03-02", 20), 6, 28, 5, "within"),
    ("npqlbc-bpn", 0, 77 / 55, 77 / 43, ("2025-09-08", 20), 4, 11, 3, "within"),
]


@pytest.mark.parametrize(
    ("programme", "code", "per_week", "per_term_week", "peak", "over", "under", "days", "verdict"),
    BUNDLED_FIGURES,
)
def test_bundled_programme_figures_from_september_2024(
    run_cli: RunCli,
    programme: str,
    code: int,
    per_week: float,
    per_term_week: float,
    peak: tuple[str, float],
    over: int,
    under: int,
    days: int,
    verdict: str,
) -> None:
    returncode, data = check_json(run_cli, programme, "--start", "2024-09")
    assert returncode == code
    assert data["average_hours_per_week"] == per_week
    assert data["average_hours_per_term_week"] == per_term_week
    assert (data["peak_week"]["week_start"], data["peak_week"]["hours"]) == peak
    assert (len(data["weeks_over"]), len(data["weeks_under"])) == (over, under)
    assert data["out_of_school"]["days"] == days
    assert data["verdict"] == verdict


@pytest.mark.parametrize("programme", BUNDLED)
def test_every_bundled_programme_prints_a_report(run_cli: RunCli, programme: str) -> None:
    result = run_cli("check-hours", programme, "--start", "2024-09")
    assert result.returncode in {0, 1}, result.stderr
    out = lines(result.stdout)
    assert any(line.startswith("Verdict:") for line in out)
    for line in ("   2 h ", "   1 h "):
        assert any(o.startswith(line) and "▁" in o for o in out), line


def test_all_starts_prints_one_line_per_start_month(run_cli: RunCli) -> None:
    # From 1 October: 14 weeks to 30 December, 11 of them in term (half-term and the first two
    # weeks of Christmas out): 22 h in 11 term weeks is exactly 2 h. From 4 November the
    # programme's one term is the autumn; the 5 spring weeks up to 3 February stay empty.
    result = run_cli("check-hours", fixture("within"), "--all-starts", "2024-09..2024-11")
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout)[:6] == [
        "hours-within: weekly hours against 1–2 h, by start month",
        "Start       Weeks  h/wk  h/term wk  Peak h  Peak week   Over  Under  Days out  Verdict",
        "─" * 86,
        "2024-09-02     13  1.69       1.83      10  2024-10-14     1      0         2  within",
        "2024-10-01     14  1.57       2.00      10  2024-11-11     1      0         2  within",
        "2024-11-04     14  1.57       1.83      10  2024-11-25     1      5         2  within",
    ]


def test_all_starts_exits_1_when_any_start_is_outside(run_cli: RunCli) -> None:
    returncode, data = check_json(run_cli, fixture("under"), "--all-starts", "2024-09..2024-10")
    assert returncode == 1
    assert [(d["start"], d["verdict"]) for d in data] == [
        ("2024-09-02", "under"),
        ("2024-10-01", "under"),
    ]


def test_all_starts_of_npqel_for_a_school_year_are_all_within(run_cli: RunCli) -> None:
    returncode, data = check_json(run_cli, "npqel", "--all-starts", "2024-09..2025-08")
    assert returncode == 0
    assert len(data) == 12
    assert {d["verdict"] for d in data} == {"within"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["npqel", "--all-starts", "2024-09"], "--all-starts '2024-09': write two months"),
        (["npqel", "--all-starts", "2025-01..2024-09"], "the range ends before it starts"),
        (["npqel", "--all-starts", "2024-13..2025-01"], "months run from 01 to 12"),
        (["npqel", "--all-starts", "2020-01..2026-01"], "give at most 60 months"),
        (["npqel", "--start", "2024-09", "--all-starts", "2024-09..2024-10"], "without --start"),
        (["--all-starts", "2024-09..2024-10"], "give a programme and --all-starts"),
        (
            ["npqel", "--start", "2024-09", "--format", "csv"],
            "Invalid value for '--format': 'csv' is not one of 'table', 'json'.",
        ),
        (["npqel", "--start", "2024-09", "--today", "2024-02-30"], "--today 2024-02-30"),
        (["npqel"], "give both a programme and --start"),
        (["nosuch", "--start", "2024-09"], "nosuch"),
        ([], "there is no current plan yet"),
    ],
)
def test_bad_input_exits_2_with_a_message(run_cli: RunCli, args: list[str], message: str) -> None:
    result = run_cli("check-hours", *args)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert result.stdout == ""


def test_help_has_an_example(run_cli: RunCli) -> None:
    result = run_cli("check-hours", "--help")
    assert result.returncode == 0, result.stderr
    assert "Example: npqplan check-hours npqel --start 2024-09" in result.stdout


def test_current_plan_is_checked_and_says_nothing_of_an_empty_log(run_cli: RunCli) -> None:
    assert run_cli("schedule", fixture("within"), "--start", "2024-09").returncode == 0
    result = run_cli("check-hours", "--today", "2024-10-17")
    assert result.returncode == 0, result.stderr
    assert "Verdict:       within" in lines(result.stdout)
    assert "Logged" not in result.stdout
    _, data = check_json(run_cli, "--today", "2024-10-17")
    assert "progress" not in data


def log(home: Path, entries: list[tuple[str, float]]) -> None:
    with store.connect(home) as db:
        db.executemany(
            "INSERT INTO log_entries (day, minutes) VALUES (?, ?)",
            [(day, round(hours * 60)) for day, hours in entries],
        )


def test_logged_hours_are_compared_up_to_today(run_cli: RunCli, npqplan_home: Path) -> None:
    assert run_cli("schedule", fixture("within"), "--start", "2024-09").returncode == 0
    log(npqplan_home, [("2024-09-03", 1), ("2024-10-17", 5), ("2024-10-18", 5)])
    result = run_cli("check-hours", "--today", "2024-10-17")
    assert result.returncode == 0, result.stderr
    assert lines(result.stdout)[-3:] == [
        "Logged up to 17 Oct 2024",
        "Logged:        6.00 h: 0.50 h behind the plan (6.50 h planned)",
        "Target so far: 7–14 h for 7 weeks of term begun: below it",
    ]


def test_today_comes_from_the_environment_too(run_cli: RunCli, npqplan_home: Path) -> None:
    assert run_cli("schedule", fixture("within"), "--start", "2024-09").returncode == 0
    log(npqplan_home, [("2024-09-03", 1), ("2024-10-17", 5), ("2024-10-18", 5)])
    result = run_cli("check-hours", "--format", "json", env={"NPQPLAN_TODAY": "2024-10-18"})
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["progress"] == {
        "today": "2024-10-18",
        "logged_hours": 11,
        "logged_minutes": 660,
        "planned_hours": 11.5,
        "planned_minutes": 690,
        "term_weeks": 7,
        "target_hours": [7, 14],
        "against_target": "within",
    }


def test_the_declared_total_is_compared_with_the_route_map_not_the_assessment(
    run_cli: RunCli,
) -> None:
    """check-hours once said npqel schedules '18 h more' than declared, counting the 20 h
    assessment no declared total includes, while show said the provider declares 2 h more."""
    returncode, data = check_json(run_cli, "npqel", "--start", "2024-09")
    assert returncode == 0
    assert (data["total_hours"], data["route_map_hours"], data["assessment_hours"]) == (93, 73, 20)
    assert data["declared_total"] == 75
    table = run_cli("check-hours", "npqel", "--start", "2024-09").stdout
    assert "the provider declares 75 h for the route map (2 h fewer in the plan)" in " ".join(
        table.split()
    )
    shown = run_cli("show", "npqel").stdout
    assert "Route-map hours: 73 (67 h quoted, 6 h assumed)" in shown
    assert "its route map adds up to 73 h (2 h more stated)" in " ".join(shown.split())
