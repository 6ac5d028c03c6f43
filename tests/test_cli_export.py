"""`npqplan export` through the real command line: files, stdout, state, errors, re-exports."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import icalendar
import pytest

from npqplan import ics, store
from npqplan.cli.plan import _export_record
from npqplan.plan import Session
from npqplan.request import PlanRequest, parse_start
from npqplan.schema import ComponentKind, Delivery
from tests.conftest import RunCli
from tests.test_ics import GOLDEN, LONDON, lint, read_ical, read_icalendar, read_khal

CLOCK = datetime(2025, 1, 1, 9, 30, tzinfo=UTC)  # the golden file's DTSTAMP
LATER = datetime(2025, 2, 14, 17, 45, 12, tzinfo=UTC)
NPQEL = ("npqel", "--start", "2024-09")
SessionKey = tuple[date, str | None, date, str | None, str]


def clock(instant: datetime) -> dict[str, str]:
    return {"SOURCE_DATE_EPOCH": str(int(instant.timestamp()))}


def schedule_sessions(run_cli: RunCli, *args: str) -> list[SessionKey]:
    result = run_cli("schedule", *args, "--format", "json", "--no-save")
    assert result.returncode == 0, result.stderr
    weeks = json.loads(result.stdout)["weeks"]
    return sorted(
        (
            date.fromisoformat(s["date"]),
            s["start"],
            date.fromisoformat(s["end_date"]),
            s["end"],
            s["component"],
        )
        for week in weeks
        for s in week["sessions"]
    )


def event_keys(data: bytes) -> list[SessionKey]:
    """Each event as (first day, start, last day, end, component), in London time."""
    found: list[SessionKey] = []
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        if str(event["STATUS"]) == "CANCELLED":
            continue
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        component = str(event["SUMMARY"]).split(": ", 1)[1]
        if isinstance(start, datetime):
            start, end = start.astimezone(LONDON), end.astimezone(LONDON)
            found.append((start.date(), f"{start:%H:%M}", end.date(), f"{end:%H:%M}", component))
        else:
            found.append((start, None, end - timedelta(days=1), None, component))
    return sorted(found)


def test_export_writes_one_event_per_session_of_the_schedule(
    run_cli: RunCli, tmp_path: Path
) -> None:
    result = run_cli("export", *NPQEL, "--ics", "plan.ics", env=clock(CLOCK))
    assert result.returncode == 0, result.stderr
    assert result.stdout == ""
    assert result.stderr == "wrote plan.ics: 81 sessions (81 new, 0 updated, 0 cancelled)\n"
    data = (tmp_path / "plan.ics").read_bytes()
    assert lint(data) == []
    assert event_keys(data) == schedule_sessions(run_cli, *NPQEL)
    assert sorted(p.name for p in tmp_path.iterdir() if p.is_file()) == ["plan.ics"]


def test_export_matches_the_golden_file_and_stdout_matches_the_file(
    run_cli: RunCli, tmp_path: Path
) -> None:
    golden = (GOLDEN / "npqel-2024-09.ics").read_bytes()
    to_file = run_cli("export", *NPQEL, "--ics", "plan.ics", env=clock(CLOCK))
    assert to_file.returncode == 0, to_file.stderr
    assert (tmp_path / "plan.ics").read_bytes() == golden
    to_stdout = run_cli("export", *NPQEL, "--ics", "-", env=clock(CLOCK))
    assert to_stdout.returncode == 0, to_stdout.stderr
    # run_cli reads text, which turns CRLF into LF; the file test above has the bytes.
    assert to_stdout.stdout == golden.decode("utf-8").replace("\r\n", "\n")
    assert to_stdout.stderr == (
        "wrote standard output: 81 sessions (0 new, 0 updated, 0 cancelled)\n"
    )


def test_two_exports_differ_only_in_dtstamp(run_cli: RunCli, tmp_path: Path) -> None:
    assert run_cli("export", *NPQEL, "--ics", "a.ics", env=clock(CLOCK)).returncode == 0
    assert run_cli("export", *NPQEL, "--ics", "b.ics", env=clock(LATER)).returncode == 0
    first = (tmp_path / "a.ics").read_bytes().split(b"\r\n")
    second = (tmp_path / "b.ics").read_bytes().split(b"\r\n")
    assert len(first) == len(second)
    assert {(a, b) for a, b in zip(first, second, strict=True) if a != b} == {
        (b"DTSTAMP:20250101T093000Z", b"DTSTAMP:20250214T174512Z")
    }


def test_export_without_a_programme_exports_the_current_plan(
    run_cli: RunCli, tmp_path: Path
) -> None:
    options = ("--study-days", "mon,wed", "--study-time", "07:15")
    saved = run_cli("schedule", *NPQEL, *options)
    assert saved.returncode == 0, saved.stderr
    mine = run_cli("export", "--ics", "mine.ics", env=clock(CLOCK))
    assert mine.returncode == 0, mine.stderr
    explicit = run_cli("export", *NPQEL, *options, "--ics", "explicit.ics", env=clock(CLOCK))
    assert explicit.returncode == 0, explicit.stderr
    data = (tmp_path / "mine.ics").read_bytes()
    assert data == (tmp_path / "explicit.ics").read_bytes()
    assert event_keys(data) == schedule_sessions(run_cli, *NPQEL, *options)
    assert "07:15" in {key[1] for key in event_keys(data)}


def test_export_of_a_named_programme_leaves_the_current_plan_alone(run_cli: RunCli) -> None:
    assert run_cli("export", *NPQEL, "--ics", "plan.ics").returncode == 0
    result = run_cli("schedule")
    assert result.returncode == 2
    assert result.stderr.startswith("error: there is no current plan yet")


def test_export_with_no_current_plan_says_how_to_make_one(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("export", "--ics", "plan.ics")
    assert result.returncode == 2
    assert result.stderr == (
        "error: there is no current plan yet; make one with 'npqplan schedule PROGRAMME "
        "--start YYYY-MM' (for example: npqel --start 2024-09)\n"
    )
    assert not (tmp_path / "plan.ics").exists()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("npqel", "--ics", "x.ics"),
            "error: give both a programme and --start (missing --start YYYY-MM)\n",
        ),
        (
            (*NPQEL, "--ics", "x.ics", "--remind", "5x"),
            "error: --remind '5x': write how long before each session, like 30m, 2h or 1d "
            "(at most 7 days)\n",
        ),
        (
            ("npqel", "--start", "2024-13", "--ics", "x.ics"),
            "error: --start 2024-13: no such month; write YYYY-MM (like 2024-09) or YYYY-MM-DD\n",
        ),
        (
            ("nonesuch", "--start", "2024-09", "--ics", "x.ics"),
            "error: no programme called 'nonesuch'; run 'npqplan list' to see the programmes\n",
        ),
    ],
)
def test_bad_input_exits_2_with_one_line_and_writes_nothing(
    run_cli: RunCli, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    result = run_cli("export", *args)
    assert result.returncode == 2
    assert result.stderr == message
    assert not (tmp_path / "x.ics").exists()


def test_export_needs_somewhere_to_write(run_cli: RunCli) -> None:
    result = run_cli("export", *NPQEL)
    assert result.returncode == 2
    assert "Missing option '--ics'" in result.stderr


def test_a_bad_source_date_epoch_is_refused(run_cli: RunCli) -> None:
    result = run_cli("export", *NPQEL, "--ics", "-", env={"SOURCE_DATE_EPOCH": "yesterday"})
    assert result.returncode == 2
    assert result.stderr == (
        "error: SOURCE_DATE_EPOCH='yesterday': give whole seconds since 1970-01-01 UTC, "
        "or unset it\n"
    )


def test_without_source_date_epoch_dtstamp_is_the_real_clock(
    run_cli: RunCli, tmp_path: Path
) -> None:
    before = datetime.now(UTC).replace(microsecond=0)
    result = run_cli("export", *NPQEL, "--ics", "plan.ics", env={"SOURCE_DATE_EPOCH": ""})
    after = datetime.now(UTC)
    assert result.returncode == 0, result.stderr
    stamps = {
        event.decoded("DTSTAMP")
        for event in icalendar.Calendar.from_ical((tmp_path / "plan.ics").read_bytes()).walk(
            "VEVENT"
        )
    }
    assert len(stamps) == 1
    (stamp,) = stamps
    assert before <= stamp <= after


def test_remind_adds_a_display_alarm_to_every_event(run_cli: RunCli, tmp_path: Path) -> None:
    result = run_cli("export", *NPQEL, "--ics", "plan.ics", "--remind", "1h")
    assert result.returncode == 0, result.stderr
    events = icalendar.Calendar.from_ical((tmp_path / "plan.ics").read_bytes()).walk("VEVENT")
    assert len(events) == 81
    for event in events:
        (alarm,) = event.walk("VALARM")
        assert alarm["TRIGGER"].to_ical() == b"-PT1H"


@pytest.mark.slow
def test_re_export_after_a_replan_updates_moves_and_cancels(
    run_cli: RunCli, tmp_path: Path
) -> None:
    short = ("--session-hours", "0.5")
    first = run_cli("export", *NPQEL, *short, "--ics", "before.ics", env=clock(CLOCK))
    assert first.returncode == 0, first.stderr
    assert first.stderr == "wrote before.ics: 83 sessions (83 new, 0 updated, 0 cancelled)\n"
    second = run_cli("export", *NPQEL, "--ics", "after.ics", env=clock(LATER))
    assert second.returncode == 0, second.stderr
    assert second.stderr == "wrote after.ics: 81 sessions (0 new, 8 updated, 2 cancelled)\n"
    before, after = (tmp_path / "before.ics").read_bytes(), (tmp_path / "after.ics").read_bytes()
    assert lint(after) == []
    old, new = read_icalendar(before), read_icalendar(after)
    assert set(old) == set(new), "every UID exported before is in the re-export"
    cancelled = {uid for uid, seen in new.items() if seen.cancelled}
    assert len(cancelled) == 2
    assert event_keys(after) == schedule_sessions(run_cli, *NPQEL)
    sequences = {
        str(e["UID"]): int(e["SEQUENCE"])
        for e in icalendar.Calendar.from_ical(after).walk("VEVENT")
    }
    moved = {uid for uid in set(old) - cancelled if old[uid] != new[uid]}
    assert moved
    assert {uid for uid, number in sequences.items() if number == 1} >= moved | cancelled
    assert read_ical(after) == new
    # A calendar that imported the first file and then the second updates in place, by UID:
    # no duplicates, the two dropped sessions cancelled, the rest where the new plan has them.
    seen = read_khal([before, after], tmp_path / "khal")
    assert seen == new


def test_a_failed_write_records_nothing(run_cli: RunCli, tmp_path: Path) -> None:
    first = run_cli("export", *NPQEL, "--ics", "plan.ics", env=clock(CLOCK))
    assert first.returncode == 0, first.stderr
    exported = (tmp_path / "plan.ics").read_bytes()
    failed = run_cli(
        "export", *NPQEL, "--study-days", "mon,wed", "--ics", "missing/plan.ics", env=clock(LATER)
    )
    assert failed.returncode == 2
    assert failed.stderr.startswith("error: cannot write missing/plan.ics: ")
    again = run_cli("export", *NPQEL, "--ics", "plan.ics", env=clock(CLOCK))
    assert again.returncode == 0, again.stderr
    assert again.stderr == "wrote plan.ics: 81 sessions (0 new, 0 updated, 0 cancelled)\n"
    assert (tmp_path / "plan.ics").read_bytes() == exported


def test_export_state_survives_the_store_unchanged(tmp_path: Path) -> None:
    awkward = Session(
        day=date(2024, 10, 3),
        start=None,
        component="Preswyl; Gŵyl,\nline two 🎓",
        term="Term one, autumn; 2024",
        occurrence=3,
        kind=ComponentKind.RESIDENTIAL,
        delivery=Delivery.IN_PERSON,
        end_date=date(2024, 10, 4),
        end=None,
        all_day=True,
        minutes=600,
        fixed=True,
        provenance='guide.txt: "quoted"',
        location="Venue Cymru, Llandudno",
    )
    timed = Session(
        day=date(2024, 11, 5),
        start=time(18, 0),
        component="Webinar",
        term="Term one",
        occurrence=1,
        kind=ComponentKind.WEBINAR,
        delivery=Delivery.ONLINE,
        end_date=date(2024, 11, 5),
        end=time(19, 30),
        all_day=False,
        minutes=90,
        fixed=False,
    )
    events = [
        ics.ExportedEvent("a@npqplan", "f" * 64, 0, None, awkward),
        ics.ExportedEvent("b@npqplan", "0" * 64, 3, LATER, timed, cancelled=True),
    ]
    store.remember_export(tmp_path, "npqel@2024-09-01", events)
    store.remember_export(tmp_path, "npqsl@2024-09-01", events[:1])
    assert store.exported_events(tmp_path, "npqel@2024-09-01") == events
    assert store.exported_events(tmp_path, "npqsl@2024-09-01") == events[:1]
    store.remember_export(tmp_path, "npqel@2024-09-01", events[1:])
    assert store.exported_events(tmp_path, "npqel@2024-09-01") == events[1:]
    assert store.exported_events(tmp_path, "npqh-bpn@2024-09-01") == []


def test_export_help_shows_an_example(run_cli: RunCli) -> None:
    result = run_cli("export", "--help")
    assert result.returncode == 0, result.stderr
    assert "Example: npqplan export npqel --start 2024-09 --ics npqel.ics" in result.stdout
    for option in ("--ics", "--remind", "--study-days", "--calendar", "--cohort", "--block"):
        assert option in result.stdout


def test_a_what_if_export_keeps_its_own_record_and_leaves_the_real_plans_alone(
    run_cli: RunCli,
) -> None:
    """A 'what if' export of the current plan with other study days once shared the plan's
    export record, so the next real export bumped SEQUENCE on 63 unchanged events."""
    assert run_cli("schedule", *NPQEL).returncode == 0
    first = run_cli("export", "--ics", "plan.ics", env=clock(CLOCK))
    assert first.stderr == "wrote plan.ics: 81 sessions (81 new, 0 updated, 0 cancelled)\n"
    what_if = run_cli("export", *NPQEL, "--study-days", "wed", "--ics", "wed.ics", env=clock(LATER))
    assert what_if.returncode == 0, what_if.stderr
    assert what_if.stderr == "wrote wed.ics: 80 sessions (80 new, 0 updated, 0 cancelled)\n"
    again = run_cli("export", "--ics", "plan.ics", env=clock(LATER))
    assert again.stderr == "wrote plan.ics: 81 sessions (0 new, 0 updated, 0 cancelled)\n"


def test_a_what_if_export_has_uids_of_its_own_and_a_plain_export_keeps_the_plans(
    run_cli: RunCli, npqplan_home: Path, tmp_path: Path
) -> None:
    """A what-if export once reused every UID of the real plan at SEQUENCE 0 (140 of 140), so
    importing it where the plan lives overwrote the plan's events."""
    assert run_cli("schedule", *NPQEL).returncode == 0
    assert run_cli("export", "--ics", "plan.ics", env=clock(CLOCK)).returncode == 0
    plan = icalendar.Calendar.from_ical((tmp_path / "plan.ics").read_bytes()).walk("VEVENT")
    real = {str(event["UID"]) for event in plan}
    what_if = run_cli("export", *NPQEL, "--study-days", "wed", "--ics", "wed.ics", env=clock(LATER))
    assert what_if.returncode == 0, what_if.stderr
    events = icalendar.Calendar.from_ical((tmp_path / "wed.ics").read_bytes()).walk("VEVENT")
    assert len(events) == 80
    assert not {str(event["UID"]) for event in events} & real
    # A plain export of the current plan gives the UIDs it always gave: calendars keep updating.
    key = ics.plan_key("npqel", parse_start("2024-09"))
    remembered = store.exported_events(npqplan_home, key)
    assert real == {e.uid for e in remembered}
    assert real == {ics.session_uid(key, e.session) for e in remembered}


def test_a_what_if_remembered_with_the_real_plans_uids_cancels_none_of_them(
    run_cli: RunCli, npqplan_home: Path, tmp_path: Path
) -> None:
    """A what-if record written before what-ifs had UIDs of their own holds the real plan's
    UIDs; the next what-if export must not send those as cancelled."""
    assert run_cli("schedule", *NPQEL).returncode == 0
    assert run_cli("export", "--ics", "plan.ics", env=clock(CLOCK)).returncode == 0
    key = ics.plan_key("npqel", parse_start("2024-09"))
    real = store.exported_events(npqplan_home, key)
    what_if = PlanRequest(programme="npqel", start="2024-09", study_days="wed")
    store.remember_export(npqplan_home, _export_record(key, what_if, npqplan_home), real)
    result = run_cli("export", *NPQEL, "--study-days", "wed", "--ics", "wed.ics", env=clock(LATER))
    assert result.stderr == "wrote wed.ics: 80 sessions (80 new, 0 updated, 0 cancelled)\n"
    events = icalendar.Calendar.from_ical((tmp_path / "wed.ics").read_bytes()).walk("VEVENT")
    assert not {str(event["UID"]) for event in events} & {e.uid for e in real}
