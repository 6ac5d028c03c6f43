"""Hostile input on the newer surfaces (issue 20): busy and terms calendars (ICS), format-2
programmes, rosters, `cohort plan` and `cohort dates`, and names that reach CSV, ICS and the
terminal.

Every refused case ends with exit code 2 and one line on standard error that names the file
and the real cause, with no control character in it, within MOST_SECONDS and MOST_BYTES, and
leaves the state folder byte for byte as it was and nothing beside it. Every accepted case gives
the right result under the same bounds. The cases that once ran without end (issue 20's
examples: unending rules, a time zone that changes every second, very large calendars) and the
signals run the CLI in a real subprocess with a timeout and an address-space limit
(RLIMIT_AS), so that a regression fails the test instead of hanging the suite. Cases named
"Why: ..." are the examples under "Why" in the issue.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
import time
import tracemalloc
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from npqplan.cli import app
from tests.hostile.test_hostile import TODAY, state_of

FILES = Path(__file__).parent / "files"
NPQEL = ["npqel", "--start", "2024-09"]
SCHEDULE = ["schedule", *NPQEL, "--no-save"]
MOST_SECONDS = 4.0
MOST_BYTES = 150 * 1024 * 1024
# A subprocess: the whole interpreter, so a looser time on a shared machine, and its address
# space capped (a normal run needs under 400 MB of it).
MOST_PROCESS_SECONDS = 30.0
MOST_ADDRESS_SPACE = 640 * 1024 * 1024
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def file(name: str) -> str:
    return str(FILES / name)


def busy(name: str) -> list[str]:
    return [*SCHEDULE, "--busy", file(name)]


@dataclass(frozen=True)
class Refused:
    """A command that must end with exit 2 and one line matching `reason`."""

    name: str
    args: list[str]
    reason: str


REFUSED = [
    # -- busy calendars: rules, zones, values --------------------------------------------------
    Refused("Why: busy INTERVAL=0", busy("busy-interval-zero.ics"),
            r"busy-interval-zero\.ics:4: the event 'Bad rule' has INTERVAL=0 in its rule"),
    Refused("Why: busy daily rule listing every hour, minute and second",
            busy("busy-every-hour-minute-second.ics"), r"lists 86,400 times a day .* at most 24"),
    Refused("busy event over 5,000 times in the plan", busy("busy-5001-times.ics"),
            r"happens more than 5,000 times between 2024-09-02 and"),
    Refused("busy COUNT from the year 1", busy("busy-count-from-year-1.ics"),
            r"counts its repeats \(COUNT\) from 0001-01-01, too long before the plan"),
    Refused("busy time zone 99 hours off UTC", busy("busy-timezone-offset-99-hours.ics"),
            r"the time zone 'Far away' has TZOFFSETTO:\+9900"),
    Refused("busy time zone of 21 parts", busy("busy-timezone-21-parts.ics"),
            r"the time zone 'Many' has 21 parts"),
    Refused("busy DTSTART 30 February", busy("busy-bad-dtstart.ics"),
            r":4: the event 'Bad rule' has a DTSTART that cannot be read"),
    Refused("busy DURATION in words", busy("busy-bad-duration.ics"),
            r"has a DURATION that cannot be read \(one hour\)"),
    Refused("busy FREQ=FORTNIGHTLY", busy("busy-unknown-freq.ics"),
            r"has a rule without a FREQ npqplan knows"),
    Refused("busy COUNT=0", busy("busy-count-zero.ics"),
            r"has COUNT=0 in its rule .*; COUNT is a whole number from 1"),
    Refused("busy BYMONTHDAY=40", busy("busy-bymonthday-40.ics"),
            r"has BYMONTHDAY=40 in its rule .*outside ±1\.\.31"),
    Refused("busy BYDAY=FUN", busy("busy-byday-funday.ics"), r"has BYDAY=FUN in its rule"),
    Refused("busy UNTIL=tomorrow", busy("busy-until-not-a-date.ics"),
            r"has an UNTIL that cannot be read"),
    Refused("busy escape codes in the event's name are shown escaped",
            busy("busy-escape-in-summary.ics"), r"the event '\\x1b\]0;pwned\\x07\\x1b\[2J'"),
    # -- busy calendars: what the file is ----------------------------------------------------
    Refused("Why: busy calendar in UTF-16", busy("busy-utf16.ics"),
            r"busy-utf16\.ics: is UTF-16 text, not UTF-8"),
    Refused("Why: busy calendar that is binary", busy("busy-binary.ics"),
            r"busy-binary\.ics: is a binary file, not an ICS calendar file"),
    Refused("Why: a folder as --busy", [*SCHEDULE, "--busy", str(FILES)],
            r"files: is a folder, not an ICS calendar file"),
    Refused("a YAML file as --busy", busy("busy-is-yaml.ics"),
            r"not a calendar file that can be read: an ICS file begins with BEGIN:VCALENDAR"),
    Refused("busy calendar not UTF-8", busy("busy-bad-utf8.ics"),
            r"busy-bad-utf8\.ics:6: not UTF-8 text \(byte 0xe9\)"),
    Refused("busy event never closed", busy("busy-unclosed-event.ics"),
            r"BEGIN:VEVENT of line 4 is never closed"),
    Refused("busy END:VTODO closing a VEVENT", busy("busy-end-mismatch.ics"),
            r":8: END:VTODO closes BEGIN:VEVENT of line 4"),
    Refused("busy calendar of blank lines", busy("busy-empty.ics"), r"file is empty"),
    Refused("busy calendar /dev/zero", [*SCHEDULE, "--busy", "/dev/zero"],
            r"/dev/zero: is not a regular file, not an ICS calendar file"),
    Refused("busy calendar missing", [*SCHEDULE, "--busy", "/nowhere/my.ics"],
            r"/nowhere/my\.ics: no such file"),
    Refused("Why: busy every day says to free busy times, not to unblock dates",
            busy("busy-every-day.ics"),
            r"^error: no free school days left in .*; free some of the times your own "
            r"calendar holds, or give the dates in a cohort file$"),
    # -- terms ------------------------------------------------------------------------------
    Refused("a folder as --terms is a folder, not YAML", [*SCHEDULE, "--terms", str(FILES)],
            r"files: is a folder, not a YAML file"),
    Refused("terms ICS with NUL", [*SCHEDULE, "--terms", file("terms-nul-in-calname.ics")],
            r"is a binary file, not an ICS calendar file"),
    Refused("terms ICS with ESC[2J in a name",
            [*SCHEDULE, "--terms", file("terms-escape-in-name.ics")],
            r"terms-escape-in-name\.ics:27:19: contains the control character U\+001B"),
    # -- programme names (format 2) -----------------------------------------------------------
    Refused("Why: ESC]0; in a component name (schedule)",
            ["schedule", file("programme-escape-in-component.yaml"), "--start", "2024-09"],
            r"programme-escape-in-component\.yaml:19:15: terms\[0\]\.components\[0\]\.name: "
            r"contains the control character U\+001B at character 10; delete it"),
    Refused("Why: ESC]0; in a component name (show)",
            ["show", file("programme-escape-in-component.yaml")], r"U\+001B at character 10"),
    Refused("Why: NUL in a title", ["show", file("programme-nul-in-title.yaml")],
            r"programme-nul-in-title\.yaml:6:8: title: contains the control character U\+0000"),
    Refused("Why: BEL in the provider", ["show", file("programme-bell-in-provider.yaml")],
            r":8:11: provider: contains the control character U\+0007"),
    Refused("C1 CSI in a term name", ["show", file("programme-c1-csi-in-term.yaml")],
            r"terms\[0\]\.name: contains the control character U\+009B"),
    Refused("ESC[31m in an assumption",
            ["show", file("programme-escape-in-assumption.yaml")],
            r"assumed: contains the control character U\+001B"),
    # -- rosters and cohorts ------------------------------------------------------------------
    Refused("roster name with ESC[31m",
            ["cohort", "plan", file("roster-escape-in-name.csv"), "npqel", "--out", "out"],
            r"roster-escape-in-name\.csv:2: name: contains the control character U\+001B at "
            r"character 3; delete it"),
    Refused("roster school with an OSC title",
            ["cohort", "plan", file("roster-osc-in-school.csv"), "npqel", "--out", "out"],
            r"roster-osc-in-school\.csv:2: school: contains the control character U\+001B"),
    Refused("roster school with NUL",
            ["cohort", "plan", file("roster-nul-in-school.csv"), "npqel", "--out", "out"],
            r"roster-nul-in-school\.csv:2: school: contains the control character U\+0000"),
    Refused("Why: roster start 2098-09 (cohort plan)",
            ["cohort", "plan", file("roster-start-2098.csv"), "npqel", "--out", "out"],
            r"roster-start-2098\.csv:2: start: 2098-09: a plan of npqel from then needs school "
            r"years past 2100"),
    Refused("Why: cohort dates in 2100",
            ["cohort", "dates", file("result-roster-school-plus-minus.csv"), "--days", "2",
             "--between", "2100-01..2100-12"],
            r"^error: 2100-12-31 is in the school year 2100/01; npqplan plans school years up "
            r"to 2099/00$"),
    # -- years ---------------------------------------------------------------------------------
    Refused("Why: schedule npqel --start 2098-09", ["schedule", "npqel", "--start", "2098-09"],
            r"^error: --start 2098-09: a plan of npqel from then needs school years past 2100, "
            r"the last year npqplan plans in; start in 2095-12 or earlier$"),
    Refused("check-hours from 2097-01", ["check-hours", "npqel", "--start", "2097-01"],
            r"^error: 2097-01: .* past 2100"),
    Refused("export from 2099-09", ["export", "npqel", "--start", "2099-09", "--ics", "x.ics"],
            r"^error: --start 2099-09: .* past 2100"),
    Refused("schedule from 2100-12", ["schedule", "npqel", "--start", "2100-12"],
            r"^error: --start 2100-12: .* past 2100"),
    Refused("check-hours over starts that run past 2100",
            ["check-hours", "npqel", "--all-starts", "2095-11..2096-02"],
            r"^error: 2096-01: .* past 2100"),
]  # fmt: skip


def control_characters(text: str, allowed: str = "\n") -> list[str]:
    return [c for c in text if c not in allowed and unicodedata.category(c) == "Cc"]


@dataclass
class Run:
    exit_code: int
    stdout: str
    stderr: str
    home_changed: bool
    beside: list[str]


def run_in_process(args: list[str], saved: Path, where: Path, *, keep: tuple[str, ...] = ()) -> Run:
    """The command in this process, in `where`, against a copy of the saved home; bounded in
    time and in the memory Python allocates."""
    home = where / "home"
    shutil.copytree(saved, home)
    before = state_of(home)
    env = {"NPQPLAN_HOME": str(home), "NPQPLAN_PROGRAMMES": str(where / "user-programmes"),
           "COLUMNS": "100", **TODAY}  # fmt: skip
    tracemalloc.start()
    began = time.perf_counter()
    with contextlib.chdir(where):
        result = CliRunner().invoke(app, args, env=env)
    elapsed = time.perf_counter() - began
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert elapsed < MOST_SECONDS, elapsed
    assert peak < MOST_BYTES, peak
    beside = sorted(set(os.listdir(where)) - {"home", *keep})
    return Run(result.exit_code, result.stdout, result.stderr, state_of(home) != before, beside)


def assert_refused(run: Run, reason: str) -> None:
    assert run.exit_code == 2, (run.stdout, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert lines[0].startswith(("error: ", "/")), lines[0]
    assert re.search(reason, lines[0]), lines[0]
    assert not control_characters(lines[0]), lines[0]
    assert not run.home_changed, "the state folder changed"
    assert run.beside == [], "nothing written beside the state"


@pytest.mark.parametrize("case", REFUSED, ids=[c.name for c in REFUSED])
def test_hostile_input_on_the_newer_surfaces_is_one_line_exit_2_and_changes_nothing(
    case: Refused, saved_home: Path, tmp_path: Path
) -> None:
    assert_refused(run_in_process(case.args, saved_home, tmp_path), case.reason)


# -- accepted: the right result, and nothing turned against the reader ---------------------------


def plan_json(run: Run) -> dict[str, Any]:
    assert run.exit_code == 0, run.stderr
    data: dict[str, Any] = json.loads(run.stdout)
    return data


def csv_cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def reading(name: str) -> Callable[[Run], dict[str, Any]]:
    def check(run: Run) -> dict[str, Any]:
        found: dict[str, Any] = plan_json(run)["busy_calendars"][0]
        assert found["file"] == name
        return found

    return check


def check_no_start(run: Run) -> None:
    found = reading("busy-no-dtstart.ics")(run)
    assert (found["events"], found["without_start"], found["times"]) == (1, 1, 0)
    assert found["summary"] == (
        "0 times from busy-no-dtstart.ics; 1 event without a start (DTSTART) was not counted"
    )


def check_folded(run: Run) -> None:
    assert reading("busy-folded-mid-utf8.ics")(run)["times"] == 1


def check_free_all_day(run: Run) -> None:
    assert reading("busy-free-all-day.ics")(run)["summary"] == (
        "1 time from busy-free-all-day.ics; 1 all-day event marked free was not counted"
    )


def check_free_all_day_header(run: Run) -> None:
    assert run.exit_code == 0, run.stderr
    assert (
        "Busy: 1 time from busy-free-all-day.ics; 1 all-day event marked free was not counted"
        in " ".join(run.stdout.split())
    ), run.stdout


def check_week_number(run: Run) -> None:
    found = reading("busy-byweekno.ics")(run)
    assert (found["not_followed"], found["times"]) == (1, 0)


def check_terms_folded(run: Run) -> None:
    assert plan_json(run)["calendar"].startswith("St Exémple's Primary")


def cohort_cells(run: Run) -> list[list[str]]:
    assert run.exit_code == 0, run.stderr
    return csv_cells(run.stdout)


def column(cells: list[list[str]], name: str) -> list[str]:
    index = cells[0].index(name)
    return [row[index] for row in cells[1:] if row[index]]


def school_column_is(*schools: str) -> Callable[[Run], None]:
    def check(run: Run) -> None:
        assert set(column(cohort_cells(run), "school")) == set(schools)

    return check


def check_calendar_name_cell(run: Run) -> None:
    assert column(cohort_cells(run), "calendar") == ['\'=HYPERLINK("http://evil"\\,"x")']


def component_cell_is(value: str) -> Callable[[Run], None]:
    def check(run: Run) -> None:
        assert run.exit_code == 0, run.stderr
        cells = csv_cells(run.stdout)
        assert "'" + value in column(cells, "component")
        assert all(not cell.startswith(FORMULA_STARTS) for row in cells for cell in row)

    return check


def shows_literally(text: str) -> Callable[[Run], None]:
    def check(run: Run) -> None:
        assert run.exit_code == 0, run.stderr
        assert text in run.stdout, run.stdout
        assert not control_characters(run.stdout)

    return check


@dataclass(frozen=True)
class Accepted:
    name: str
    args: list[str]
    check: Callable[[Run], None]
    writes: tuple[str, ...] = ()


def programme(name: str, *more: str) -> list[str]:
    return ["schedule", file(f"result-programme-{name}.yaml"), "--start", "2024-09", "--no-save",
            *more]  # fmt: skip


def cohort_csv(roster: str) -> list[str]:
    return ["cohort", "plan", file(roster), "npqel", "--out", "out", "--format", "csv"]


JSON = ["--format", "json"]
ACCEPTED = [
    Accepted("Why: a busy event without DTSTART is skipped and counted",
             [*busy("busy-no-dtstart.ics"), *JSON], check_no_start),
    Accepted("Why: a busy line folded inside a UTF-8 character",
             [*busy("busy-folded-mid-utf8.ics"), *JSON], check_folded),
    Accepted("a busy all-day event marked free is counted in the JSON summary",
             [*busy("busy-free-all-day.ics"), *JSON], check_free_all_day),
    Accepted("a busy all-day event marked free is counted in the header",
             busy("busy-free-all-day.ics"), check_free_all_day_header),
    Accepted("a busy rule by week number is not followed, and counted",
             [*busy("busy-byweekno.ics"), *JSON], check_week_number),
    Accepted("Why: a terms ICS line folded inside a UTF-8 character",
             [*SCHEDULE, "--terms", file("result-terms-folded-mid-utf8.ics"), *JSON],
             check_terms_folded),
    Accepted("Why: roster school =HYPERLINK(...) is text in the cohort CSV",
             cohort_csv("result-roster-school-hyperlink.csv"),
             school_column_is("'=HYPERLINK(\"http://evil\",\"x\")"), ("out",)),
    Accepted("Why: roster school @SUM(1+1)*cmd|' /C calc'!A0 is text in the cohort CSV",
             cohort_csv("result-roster-school-at-sum.csv"),
             school_column_is("'@SUM(1+1)*cmd|' /C calc'!A0"), ("out",)),
    Accepted("roster schools starting + and - are text in the cohort CSV",
             cohort_csv("result-roster-school-plus-minus.csv"),
             school_column_is("'+44 School", "'-Oak-"), ("out",)),
    Accepted("Why: a school ICS's X-WR-CALNAME formula is text in the cohort CSV",
             cohort_csv("result-roster-terms-calname-formula.csv"), check_calendar_name_cell,
             ("out",)),
    Accepted("Why: a component named =HYPERLINK(...) is text in the plan CSV",
             programme("formula-hyperlink", "--format", "csv"),
             component_cell_is('=HYPERLINK("http://evil","x")')),
    Accepted("Why: a component named +1+cmd... is text in the plan CSV",
             programme("formula-plus", "--format", "csv"),
             component_cell_is("+1+cmd|' /C calc'!A0")),
    Accepted("Why: a component named -2+3 is text in the plan CSV",
             programme("formula-minus", "--format", "csv"), component_cell_is("-2+3")),
    Accepted("Why: a component named @SUM(...) is text in the plan CSV",
             programme("formula-at", "--format", "csv"),
             component_cell_is("@SUM(1+1)*cmd|' /C calc'!A0")),
    Accepted("a component named as a rich link is printed as written",
             programme("markup-link"), shows_literally("[link=http://evil]click[/link]")),
    Accepted("a component named as rich styles is printed as written",
             programme("markup-style"), shows_literally("[bold red]ALERT[/]")),
    Accepted("a roster school written as rich markup is shown as written",
             ["cohort", "plan", file("result-roster-school-markup.csv"), "npqel", "--out", "out"],
             shows_literally("[link=http://evil]Oak[/link]"), ("out",)),
    Accepted("show prints a rich link name as written",
             ["show", file("result-programme-markup-link.yaml")],
             shows_literally("[link=http://evil]click[/link]")),
]  # fmt: skip


@pytest.mark.parametrize("case", ACCEPTED, ids=[c.name for c in ACCEPTED])
def test_accepted_input_gives_the_right_result_and_nothing_a_reader_would_run(
    case: Accepted, saved_home: Path, tmp_path: Path
) -> None:
    run = run_in_process(case.args, saved_home, tmp_path, keep=case.writes)
    case.check(run)
    assert not run.home_changed, "the state folder changed"
    assert run.beside == [], "nothing written beside the state but the run's --out"


def test_why_engagement_ok_says_why_no_rule_applies_when_no_component_counts(
    saved_home: Path, tmp_path: Path
) -> None:
    """Was `engagement_ok: true` beside `engagement: 0.0` and a threshold of 0.9."""
    home = tmp_path / "home"
    env = {"NPQPLAN_HOME": str(home), "NPQPLAN_TODAY": "2025-02-01"}
    path = file("result-programme-no-component-counts.yaml")
    for args in (["schedule", path, "--start", "2024-09"], ["log", "1", "--on", "2024-10-01"]):
        assert CliRunner().invoke(app, args, env=env).exit_code == 0
    result = CliRunner().invoke(app, ["status", "--format", "json"], env=env)
    status = json.loads(result.stdout)
    assert status["engagement_rule"] == {"live_percent": 90, "self_directed_percent": 90}
    assert status["engagement_threshold"] is None
    assert status["engagement_ok"] is None
    assert status["engagement_not_measured"] == (
        "no component of this programme counts for its engagement rule"
    )
    shown = CliRunner().invoke(app, ["status"], env=env).stdout
    assert "Engagement:  not measured: no component of this programme counts" in shown


# -- bounded in a real process: what once ran without end, and signals --------------------------


def _limit_address_space() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MOST_ADDRESS_SPACE, MOST_ADDRESS_SPACE))


def process(args: list[str], where: Path, **options: Any) -> subprocess.Popen[str]:
    env = {**os.environ, "NPQPLAN_HOME": str(where / "home"), **TODAY, "COLUMNS": "100"}
    return subprocess.Popen(
        [sys.executable, "-m", "npqplan", *args], cwd=where, env=env, text=True,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, preexec_fn=_limit_address_space,
        **options,
    )  # fmt: skip


def bounded(args: list[str], where: Path) -> subprocess.CompletedProcess[str]:
    (where / "home").mkdir(exist_ok=True)
    present = sorted(os.listdir(where))
    began = time.perf_counter()
    with process(args, where) as running:
        try:
            out, err = running.communicate(timeout=MOST_PROCESS_SECONDS)
        except subprocess.TimeoutExpired:
            running.kill()
            running.communicate()
            pytest.fail(f"still running after {MOST_PROCESS_SECONDS} s")
    assert time.perf_counter() - began < MOST_PROCESS_SECONDS
    assert "MemoryError" not in err, err
    assert "Traceback" not in err, err
    assert sorted(os.listdir(where)) == present, "nothing written beside the state"
    return subprocess.CompletedProcess(args, running.returncode, out, err)


def one_line(result: subprocess.CompletedProcess[str], reason: str) -> None:
    assert result.returncode == 2, result.stderr
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert re.search(reason, lines[0]), lines[0]


BOUNDED_REFUSALS = [
    ("Why: busy FREQ=SECONDLY with no end", "busy-secondly-no-end.ics",
     r":4: the event 'Bad rule' repeats every second with no end \(RRULE:FREQ=SECONDLY\); such "
     r"a rule needs COUNT or UNTIL"),
    ("Why: busy FREQ=MINUTELY with no end", "busy-minutely-no-end.ics",
     r"repeats every minute with no end"),
    ("busy FREQ=HOURLY with no end", "busy-hourly-no-end.ics", r"repeats every hour with no end"),
    ("Why: busy VTIMEZONE whose rules repeat every second", "busy-timezone-every-second.ics",
     r"the time zone 'Every second' changes by the rule RRULE:FREQ=SECONDLY; a time zone's rules "
     r"change once a year"),
    ("Why: busy daily rule listing every hour, minute and second (bounded)",
     "busy-every-hour-minute-second.ics", r"lists 86,400 times a day"),
    ("busy COUNT from the year 1 (bounded)", "busy-count-from-year-1.ics", r"too long before"),
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize(
    ("calendar", "reason"), [c[1:] for c in BOUNDED_REFUSALS], ids=[c[0] for c in BOUNDED_REFUSALS]
)
def test_a_rule_that_would_never_end_is_refused_in_bounded_time_and_memory(
    calendar: str, reason: str, tmp_path: Path
) -> None:
    one_line(bounded(busy(calendar), tmp_path), reason)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("args", "times"),
    # DTSTART itself is the one time: the rule adds none.
    [(busy("busy-30-february.ics"), 1), (busy("busy-30-february-daily.ics"), 1)],
    ids=["Why: busy rule for 30 February (yearly)", "busy rule for 30 February (daily, COUNT)"],
)
def test_a_rule_that_never_happens_finds_nothing_in_bounded_time(
    args: list[str], times: int, tmp_path: Path
) -> None:
    result = bounded([*args, "--format", "json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["busy_calendars"][0]["times"] == times


@pytest.mark.slow
def test_a_terms_calendar_with_a_time_zone_changing_every_second_is_read_in_bounds(
    tmp_path: Path,
) -> None:
    terms = file("result-terms-timezone-every-second.ics")
    result = bounded([*SCHEDULE, "--terms", terms, "--format", "json"], tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["calendar"].startswith("St Example's Primary")


def write_calendar(path: Path, events: list[str]) -> None:
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:{n}@big\r\n{e}END:VEVENT\r\n" for n, e in enumerate(events)
    )
    path.write_text(f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//big//EN\r\n{body}"
                    "END:VCALENDAR\r\n", encoding="utf-8")  # fmt: skip


@pytest.mark.slow
def test_why_a_calendar_of_many_plain_events_is_read_in_bounded_time_and_memory(
    tmp_path: Path,
) -> None:
    """40,000 single meetings over twelve years (8 MB): read, and only those in the plan's
    dates kept."""
    events = [
        f"SUMMARY:Meeting {n}\r\nDTSTART:{2014 + n % 12}{1 + n % 12:02d}{1 + n % 28:02d}T100000"
        f"\r\nDTEND:{2014 + n % 12}{1 + n % 12:02d}{1 + n % 28:02d}T110000\r\n"
        "DESCRIPTION:Agenda attached\r\n"
        for n in range(40_000)
    ]
    write_calendar(tmp_path / "big.ics", events)
    result = bounded([*busy(str(tmp_path / "big.ics")), "--format", "json"], tmp_path)
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout)["busy_calendars"][0]
    assert found["events"] == 40_000
    assert 0 < found["times"] < 1_000


@pytest.mark.slow
def test_a_calendar_past_16_mib_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "huge.ics"
    big.write_bytes(b"BEGIN:VCALENDAR\r\n" + b"X-FILLER:" + b"x" * (16 * 2**20) + b"\r\n")
    result = bounded(busy(str(big)), tmp_path)
    one_line(result, r"huge\.ics: the calendar file is larger than 16 MiB")


@pytest.mark.slow
def test_more_than_100000_busy_times_from_one_calendar_are_refused(tmp_path: Path) -> None:
    hours = ",".join(str(h) for h in range(8, 16))
    events = [
        f"SUMMARY:Rota {n}\r\nDTSTART:20240902T{n % 24:02d}{n:02d}00\r\nDURATION:PT1M\r\n"
        f"RRULE:FREQ=DAILY;BYHOUR={hours};BYMINUTE={n}\r\n"
        for n in range(26)
    ]
    write_calendar(tmp_path / "rota.ics", events)
    one_line(bounded(busy(str(tmp_path / "rota.ics")), tmp_path),
             r"more than 100,000 busy times between 2024-09-02 and .*; at most 100,000 are read "
             r"from one calendar")  # fmt: skip


# -- signals -------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_roster(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("roster") / "roster.csv"
    rows = [f"p{n},Person {n},School {n % 9},2024-09,kent" for n in range(400)]
    path.write_text("id,name,school,start,calendar\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.mark.slow
@pytest.mark.parametrize(
    "stop",
    [signal.SIGTERM, signal.SIGHUP, signal.SIGINT],
    ids=["Why: SIGTERM during cohort plan", "SIGHUP during cohort plan", "Ctrl-C (SIGINT)"],
)
def test_a_signal_during_cohort_plan_leaves_nothing_and_exits_128_plus_the_signal(
    stop: signal.Signals, big_roster: Path, tmp_path: Path
) -> None:
    (tmp_path / "home").mkdir()
    with process(["cohort", "plan", str(big_roster), "npqel", "--out", "out"], tmp_path) as run:
        deadline = time.monotonic() + MOST_PROCESS_SECONDS
        # Wait until the run has begun writing its hidden folder, then stop it.
        while not any(p.name.endswith(".partial") for p in tmp_path.iterdir()):
            assert run.poll() is None, run.communicate()
            assert time.monotonic() < deadline, "the run never began writing"
            time.sleep(0.02)
        run.send_signal(stop)
        _, err = run.communicate(timeout=MOST_PROCESS_SECONDS)
    assert run.returncode == 128 + stop, err
    assert err.splitlines() == [f"stopped by {stop.name}"], err
    assert sorted(os.listdir(tmp_path)) == ["home"], "nothing left behind: no out, no .partial"
