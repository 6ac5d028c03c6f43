"""`npqplan schedule`, `list`, `show` and `validate` through the real command line."""

from __future__ import annotations

import csv
import io
import json
import os
from datetime import date
from pathlib import Path

import pytest

from tests.conftest import PROGRAMMES, REPO, RunCli

GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("NPQPLAN_REGENERATE_GOLDEN") == "1"


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if REGENERATE:
        path.write_text(text, encoding="utf-8")
    assert text == path.read_text(encoding="utf-8"), f"{name} changed; regenerate if intended"


def test_schedule_npqel_from_september_2024_matches_the_golden_table(
    run_process: RunCli,
) -> None:
    """Through a real process: `python -m npqplan`, its pipe, its exit code."""
    result = run_process("schedule", "npqel", "--start", "2024-09")
    assert result.returncode == 0, result.stderr
    assert_golden("npqel-2024-09.txt", result.stdout)


def test_schedule_npqel_json_matches_the_golden_json(run_cli: RunCli) -> None:
    result = run_cli("schedule", "npqel", "--start", "2024-09", "--format", "json")
    assert result.returncode == 0, result.stderr
    assert_golden("npqel-2024-09.json", result.stdout)


def test_json_follows_the_documented_contract(run_cli: RunCli) -> None:
    result = run_cli("schedule", "npqel", "--start", "2024-09", "--format", "json", "--no-save")
    plan = json.loads(result.stdout)
    assert set(plan) >= {
        "programme", "title", "start", "end", "target", "total_hours", "calendar", "weeks",
    }  # fmt: skip
    assert plan["programme"] == "npqel"
    assert plan["start"] == "2024-09-02"
    assert plan["target"] == [1, 2]
    sessions = [s for w in plan["weeks"] for s in w["sessions"]]
    assert sum(s["hours"] for s in sessions) == plan["total_hours"] == 93
    for week in plan["weeks"]:
        assert set(week) == {"week_start", "label", "holiday", "hours", "minutes", "sessions"}
        assert week["hours"] == sum(s["hours"] for s in week["sessions"])
        assert week["minutes"] == sum(s["minutes"] for s in week["sessions"])
        for session in week["sessions"]:
            assert set(session) == {
                "component", "kind", "delivery", "catch_up", "term", "date", "end_date",
                "start", "end", "all_day", "hours", "minutes", "fixed",
            }  # fmt: skip
            assert session["minutes"] == round(session["hours"] * 60)
            assert (session["start"] is None) == session["all_day"]
    residentials = [s for s in sessions if s["kind"] == "residential"]
    assert [(s["date"], s["end_date"]) for s in residentials] == [
        ("2024-09-26", "2024-09-27"),
        ("2025-11-13", "2025-11-14"),
    ]


def test_schedule_without_arguments_shows_the_saved_plan(run_cli: RunCli) -> None:
    first = run_cli("schedule", "npqel", "--start", "2024-09", "--format", "json")
    again = run_cli("schedule", "--format", "json")
    assert again.returncode == 0, again.stderr
    assert again.stdout == first.stdout


def test_no_save_leaves_the_current_plan_alone(run_cli: RunCli) -> None:
    run_cli("schedule", "npqel", "--start", "2024-09")
    run_cli("schedule", "npqsl", "--start", "2025-02", "--no-save")
    shown = json.loads(run_cli("schedule", "--format", "json").stdout)
    assert shown["programme"] == "npqel"


def test_schedule_with_no_current_plan_says_how_to_make_one(run_cli: RunCli) -> None:
    result = run_cli("schedule")
    assert result.returncode == 2
    assert result.stderr.startswith("error: there is no current plan yet; make one with")
    assert "npqplan schedule PROGRAMME --start YYYY-MM" in result.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--start", "2024-13"], "error: --start 2024-13: no such month"),
        (["--start", "2024-02-30"], "error: --start 2024-02-30: no such date"),
        (["--start", "banana"], "error: --start 'banana': write YYYY-MM"),
        (["--start", "2024-09", "--calendar", "narnia"], "error: --calendar 'narnia'"),
        (["--start", "2024-09", "--study-days", "someday"], "error: --study-days 'someday'"),
        (["--start", "2024-09", "--study-time", "25:00"], "error: --study-time '25:00'"),
        (
            ["--start", "2024-09", "--study-time", "23:59"],
            "error: --study-time 23:59: a 1 h session from then ends after 21:30; "
            "the latest start that fits is 20:30",
        ),
        (["--start", "9999-12"], "error: --start 9999-12: give a year from 2000 to 2100"),
        (
            ["--start", "2024-09", "--study-days", "mon,sat"],
            "error: --study-days 'mon,sat': study days are Monday to Friday, as plans keep "
            "weekends free; drop sat",
        ),
        (["--start", "2024-09", "--study-days", "Sat,Sun"], "drop sat,sun"),
        (["--start", "2024-09", "--block", "2024-10-40"], "error: --block 2024-10-40: no such"),
        (["--start", "2024-09", "--format", "pdf"], "error: Invalid value for '--format': 'pdf'"),
        (
            ["--start", "2026-09", "--no-estimates"],
            "error: Kent County Council has no term dates for 2027/28; give",
        ),
        (
            # exactly the years the plan stands on: it ends in July 2028
            ["--start", "2027-01", "--calendar", "BIRMINGHAM", "--no-estimates"],
            "error: Birmingham City Council has no term dates for 2026/27, 2027/28; give",
        ),
        (
            ["--start", "2024-09", "--calendar", "birmingam"],
            "error: --calendar 'birmingam': did you mean 'birmingham'? bundled calendars are",
        ),
        (["--start", "2024-09", "--terms", "missing.yaml"], "missing.yaml: no such file"),
    ],
)
def test_bad_input_gets_one_line_and_exit_2(run_cli: RunCli, args: list[str], message: str) -> None:
    result = run_cli("schedule", "npqel", *args)
    assert result.returncode == 2, result.stdout
    assert message in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


def test_unknown_programme_gets_did_you_mean(run_cli: RunCli) -> None:
    result = run_cli("schedule", "npqsll", "--start", "2024-09")
    assert result.returncode == 2
    assert result.stderr == (
        "error: no programme called 'npqsll'; did you mean 'npqsl'? "
        "run 'npqplan list' to see the programmes\n"
    )


def test_a_path_like_word_is_not_opened(run_cli: RunCli) -> None:
    result = run_cli("show", "../../etc/shadow")
    assert result.returncode == 2
    assert "is neither a programme id" in result.stderr


def test_output_file_is_written_and_csv_rows_match_the_sessions(
    run_cli: RunCli, tmp_path: Path
) -> None:
    target = tmp_path / "plan.csv"
    result = run_cli(
        "schedule", "npqel", "--start", "2024-09", "--format", "csv", "--output", str(target)
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    rows = list(csv.DictReader(io.StringIO(target.read_text(encoding="utf-8"))))
    plan = json.loads(run_cli("schedule", "--format", "json").stdout)
    sessions = [s for w in plan["weeks"] for s in w["sessions"]]
    assert len(rows) == len(sessions)
    assert sum(float(r["hours"]) for r in rows) == 93
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".plan.csv")] == []


def test_output_into_a_missing_folder_is_bad_input(run_cli: RunCli, tmp_path: Path) -> None:
    target = tmp_path / "nowhere" / "plan.md"
    result = run_cli(
        "schedule", "npqel", "--start", "2024-09", "--format", "markdown", "-o", str(target)
    )
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: cannot write {target}")


def test_markdown_lists_every_week(run_cli: RunCli) -> None:
    result = run_cli("schedule", "npqel", "--start", "2024-09", "--format", "markdown")
    plan = json.loads(run_cli("schedule", "--format", "json").stdout)
    rows = [line for line in result.stdout.splitlines() if line.startswith("| 20")]
    assert len(rows) == len(plan["weeks"])


def test_cohort_dates_override_the_defaults_and_are_marked_fixed(
    run_cli: RunCli, tmp_path: Path
) -> None:
    cohort = tmp_path / "cohort.yaml"
    cohort.write_text(
        "programme: npqel\n"
        "sessions:\n"
        "  - term: Term one\n"
        "    component: Residential event\n"
        "    dates: [2024-11-14]\n"
        "assessment_start: 2026-03-16\n",
        encoding="utf-8",
    )
    result = run_cli(
        "schedule", "npqel", "--start", "2024-09", "--cohort", str(cohort), "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    sessions = [s for w in json.loads(result.stdout)["weeks"] for s in w["sessions"]]
    residential = next(s for s in sessions if s["kind"] == "residential")
    assert (residential["date"], residential["end_date"], residential["fixed"]) == (
        "2024-11-14",
        "2024-11-15",
        True,
    )
    assessment = [s for s in sessions if s["kind"] == "assessment"]
    assert assessment[0]["date"] == "2026-03-16"
    assert all(s["fixed"] for s in assessment)


def test_cohort_naming_an_unknown_component_is_bad_input(run_cli: RunCli, tmp_path: Path) -> None:
    cohort = tmp_path / "cohort.yaml"
    cohort.write_text(
        "sessions:\n  - term: Term one\n    component: Residental\n    dates: [2024-11-14]\n",
        encoding="utf-8",
    )
    result = run_cli("schedule", "npqel", "--start", "2024-09", "--cohort", str(cohort))
    assert result.returncode == 2
    assert "cohort dates name 'Residental' in 'Term one'" in result.stderr


def test_own_school_terms_file_is_used_and_later_years_are_labelled_estimated(
    run_cli: RunCli, tmp_path: Path
) -> None:
    terms = tmp_path / "school.yaml"
    terms.write_text(
        "id: my-school\nname: My School\nyears:\n"
        "  - year: 2024/25\n    source: the school website\n    terms:\n"
        "      - {name: Autumn, start: 2024-09-04, end: 2024-12-18}\n"
        "      - {name: Spring, start: 2025-01-07, end: 2025-04-04}\n"
        "      - {name: Summer, start: 2025-04-23, end: 2025-07-18}\n",
        encoding="utf-8",
    )
    result = run_cli(
        "schedule", "npqel", "--start", "2024-09", "--terms", str(terms), "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["start"] == "2024-09-04"
    assert plan["calendar"] == "My School (estimated dates for 2025/26)"


def test_list_shows_every_bundled_programme(run_cli: RunCli) -> None:
    result = run_cli("list")
    assert result.returncode == 0, result.stderr
    for path in PROGRAMMES.glob("*.yaml"):
        assert path.stem in result.stdout


def test_show_reports_declared_against_route_map_hours(run_cli: RunCli) -> None:
    result = run_cli("show", "npqel")
    assert result.returncode == 0, result.stderr
    assert "Route-map hours: 73" in result.stdout
    assert "Declared total:  75" in result.stdout
    assert "The provider states 75 h in total; its route map adds up to 73 h" in result.stdout
    assert "Implementation project: 5 hours, 1 per term" in result.stdout


def test_validate_accepts_every_bundled_programme(run_cli: RunCli) -> None:
    files = sorted(str(p) for p in PROGRAMMES.glob("*.yaml"))
    result = run_cli("validate", *files)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count(": ok (") == len(files)


def test_validate_reports_located_errors_and_exits_2(run_cli: RunCli, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    text = (PROGRAMMES / "npqel.yaml").read_text(encoding="utf-8")
    broken.write_text(text.replace("hours: 4\n", "hrs: 4\n", 1), encoding="utf-8")
    result = run_cli("validate", str(broken), str(PROGRAMMES / "npqsl.yaml"))
    assert result.returncode == 2
    assert f"{PROGRAMMES / 'npqsl.yaml'}: ok" in result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith(f"{broken}:")
    assert lines[0].endswith("terms[0].components[1].hrs: unknown key 'hrs'; did you mean 'hours'?")


def test_user_programmes_are_found_by_id(run_cli: RunCli, tmp_path: Path) -> None:
    folder = tmp_path / "user-programmes"
    folder.mkdir()
    text = (PROGRAMMES / "npqsl.yaml").read_text(encoding="utf-8")
    (folder / "my-npqsl.yaml").write_text(text.replace("id: npqsl", "id: my-npqsl"), "utf-8")
    result = run_cli("show", "my-npqsl")
    assert result.returncode == 0, result.stderr
    assert "my-npqsl" in run_cli("list").stdout


def test_python_dash_m_and_the_readme_command_agree() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "npqplan schedule npqel --start 2024-09" in readme


def test_self_study_keeps_to_the_study_days_given(run_cli: RunCli) -> None:
    """`--study-days mon` once still booked 24 Tuesday sessions."""
    result = run_cli("schedule", "npqel", "--start", "2024-09", "--study-days", "mon", "--format",
                     "json", "--no-save")  # fmt: skip
    assert result.returncode == 0, result.stderr
    sessions = [s for w in json.loads(result.stdout)["weeks"] for s in w["sessions"]]
    flexible = [s for s in sessions if s["kind"] in {"self-study", "journal", "project"}]
    assert flexible
    days = {date.fromisoformat(s["date"]).strftime("%a") for s in flexible if not s["fixed"]}
    assert days == {"Mon"}


def cohort_file(tmp_path: Path, sessions: str) -> str:
    path = tmp_path / "cohort.yaml"
    path.write_text(f"programme: npqel\nsessions:\n{sessions}", encoding="utf-8")
    return str(path)


@pytest.mark.parametrize(
    ("sessions", "message"),
    [
        (
            "  - {term: Term one, component: Residential event, dates: [2024-08-15]}\n",
            "error: 'Residential event' in 'Term one' is fixed on 2024-08-15, outside the plan "
            "(2024-09-02 to 2026-03-01); check the date and the start month\n",
        ),
        (
            "  - term: Term one\n    component: Coaching\n"
            "    dates: [2024-10-01, 2024-10-08, 2024-10-15]\n",
            "error: 3 date(s) are fixed for 'Coaching' in 'Term one', which has 2 session(s); "
            "give one date per session\n",
        ),
    ],
    ids=["before-the-start", "more-dates-than-sessions"],
)
def test_fixed_dates_that_cannot_be_kept_are_bad_input_not_lost_hours(
    run_cli: RunCli, tmp_path: Path, sessions: str, message: str
) -> None:
    """A fixed date before the start once dropped its component's hours with exit 0."""
    cohort = cohort_file(tmp_path, sessions)
    result = run_cli("schedule", "npqel", "--start", "2024-09", "--cohort", cohort)
    assert (result.returncode, result.stderr) == (2, message)


def test_a_fixed_date_at_a_weekend_or_in_half_term_stands_with_a_warning(
    run_cli: RunCli, tmp_path: Path
) -> None:
    cohort = cohort_file(
        tmp_path,
        "  - {term: Term one, component: Coaching, dates: [2024-10-05, 2024-10-29]}\n",
    )
    result = run_cli(
        "schedule", "npqel", "--start", "2024-09", "--cohort", cohort, "--format", "json"
    )
    assert result.returncode == 0, result.stderr
    plan = json.loads(result.stdout)
    assert plan["total_hours"] == 93
    assert plan["warnings"] == [
        "Coaching is fixed on Sat 5 Oct 2024, at a weekend; kept as the provider set it",
        "Coaching is fixed on Tue 29 Oct 2024, in the Half-term; kept as the provider set it",
    ]
    coaching = [s for w in plan["weeks"] for s in w["sessions"] if s["component"] == "Coaching"]
    assert {s["date"] for s in coaching if s["term"] == "Term one"} == {"2024-10-05", "2024-10-29"}


def test_list_groups_by_qualification_and_filters_by_qualification_and_provider(
    run_cli: RunCli,
) -> None:
    def ids(*args: str) -> list[str]:
        result = run_cli("list", *args)
        assert result.returncode == 0, result.stderr
        return [line.split()[0] for line in result.stdout.splitlines() if line.startswith("npq")]

    listed = ids()
    assert listed.index("npqltd-ucl") < listed.index("npqsl") < listed.index("npqh-bpn")
    assert listed.index("npqh-bpn") < listed.index("npqel") < listed.index("npqsenco-cofe")
    assert ids("--qualification", "npqh") == [
        "npqh-ambition", "npqh-bpn", "npqh-cofe", "npqh-niot", "npqh-teachfirst",
    ]  # fmt: skip
    assert ids("--provider", "BEST PRACTICE") == ["npqlbc-bpn", "npqh-bpn", "npqel-olp"]
    assert ids("-q", "NPQEL", "-p", "ucl") == ["npqel"]
    none = run_cli("list", "-q", "npqlpm")
    assert none.stdout == "No programme matches; 'npqplan list' shows them all.\n"
