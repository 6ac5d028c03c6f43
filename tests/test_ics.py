"""ICS export: a lint of what parsers forgive, and three independent readers against the plan.

The readers are icalendar (the generator's own library), the strict `ical` package and khal, a
real terminal calendar, importing into a temporary calendar folder.
"""

from __future__ import annotations

import base64
import functools
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.request
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import unquote
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given
from hypothesis import strategies as st
from ical.calendar_stream import IcsCalendarStream

from npqplan import ics, loader
from npqplan import request as planning
from npqplan.cli import options
from npqplan.errors import ProgrammeNotFoundError
from npqplan.plan import ExportedEvent, Plan
from npqplan.render.words import for_people, source_titles
from npqplan.request import PlanRequest
from tests.conftest import PROGRAMMES

LONDON = ZoneInfo("Europe/London")
CLOCK = datetime(2025, 1, 1, 9, 30, tzinfo=UTC)
LATER = datetime(2025, 2, 14, 17, 45, 12, tzinfo=UTC)
START = "2024-09"
FIXTURES = Path(__file__).parent / "fixtures" / "ics"
AWKWARD = FIXTURES / "awkward.yaml"
GOLDEN = Path(__file__).parent / "golden"
REGENERATE = os.environ.get("NPQPLAN_REGENERATE_GOLDEN") == "1"
BUNDLED = sorted(path.stem for path in PROGRAMMES.glob("*.yaml"))
# BST ended at 01:00 UTC on Sunday 27 October 2024 and began again on Sunday 30 March 2025.
CLOCKS_BACK = datetime(2024, 10, 27, 1, 0, tzinfo=UTC)
CLOCKS_FORWARD = datetime(2025, 3, 30, 1, 0, tzinfo=UTC)


# -- plans and exports ---------------------------------------------------------------------


@functools.cache
def make(programme: str, study_days: str = "tue,thu", session_hours: float = 1.0) -> Plan:
    request = PlanRequest(
        programme=programme, start=START, study_days=study_days, session_hours=session_hours
    )
    return planning.make_plan(request, None).plan


def key_of(plan: Plan) -> str:
    return ics.plan_key(plan.programme_id, planning.parse_start(START))


@functools.cache
def exported(programme: str) -> bytes:
    """The default export of a programme's default plan, made once for every reader."""
    return export(make(programme)).data


def export(
    plan: Plan,
    clock: datetime = CLOCK,
    previous: tuple[ics.ExportedEvent, ...] = (),
    reminder: timedelta | None = None,
) -> ics.CalendarExport:
    return ics.export_calendar(
        plan,
        key=key_of(plan),
        generated_at=clock,
        previous=previous,
        options=ics.ExportOptions(reminder=reminder, source_titles=titles_of(plan.programme_id)),
    )


@functools.cache
def titles_of(programme: str) -> dict[str, str]:
    """The cited documents' titles of a bundled programme; a test's own file cites none."""
    try:
        return source_titles(loader.find_programme(programme, None).programme)
    except ProgrammeNotFoundError:
        return {}


# -- what the plan says each reader should see ----------------------------------------------


@dataclass(frozen=True)
class Seen:
    """One event as a reader sees it: timed ones as aware datetimes, all-day ones as dates
    with an exclusive end."""

    summary: str
    start: date | datetime
    end: date | datetime
    cancelled: bool = False


def expected(plan: Plan) -> dict[str, Seen]:
    found: dict[str, Seen] = {}
    for session in plan.sessions:
        if session.all_day:
            start: date | datetime = session.day
            end: date | datetime = session.end_date + timedelta(days=1)
        else:
            assert session.start is not None
            assert session.end is not None
            start = datetime.combine(session.day, session.start, tzinfo=LONDON)
            end = datetime.combine(session.end_date, session.end, tzinfo=LONDON)
        found[ics.session_uid(key_of(plan), session)] = Seen(ics.summary(session), start, end)
    return found


def assert_agrees(seen: dict[str, Seen], plan: Plan, reader: str) -> None:
    """Every session once, on its date, at its London wall-clock time and its real instant."""
    wanted = expected(plan)
    assert set(seen) == set(wanted), f"{reader}: events differ from the plan's sessions"
    for uid, want in wanted.items():
        got = seen[uid]
        assert got.summary == want.summary, (reader, uid)
        assert not got.cancelled, (reader, uid)
        assert type(got.start) is type(want.start), (reader, uid, got.start)
        assert type(got.end) is type(want.end), (reader, uid, got.end)
        if isinstance(want.start, datetime):
            assert isinstance(got.start, datetime)
            assert isinstance(got.end, datetime)
            assert isinstance(want.end, datetime)
            assert got.start.astimezone(LONDON).replace(tzinfo=None) == want.start.replace(
                tzinfo=None
            ), (reader, want.summary, got.start)
            assert got.start == want.start, (reader, "instant", want.summary, got.start)
            assert got.end == want.end, (reader, "end", want.summary, got.end)
        else:
            assert (got.start, got.end) == (want.start, want.end), (reader, want.summary)


# -- reader 1: icalendar ----------------------------------------------------------------------


def read_icalendar(data: bytes) -> dict[str, Seen]:
    found: dict[str, Seen] = {}
    for event in icalendar.Calendar.from_ical(data).walk("VEVENT"):
        uid = str(event["UID"])
        assert uid not in found, f"icalendar: UID {uid} twice"
        found[uid] = Seen(
            str(event["SUMMARY"]),
            event.decoded("DTSTART"),
            event.decoded("DTEND"),
            str(event.get("STATUS")) == "CANCELLED",
        )
    return found


# -- reader 2: ical (allenporter), the strict one ----------------------------------------------


def read_ical(data: bytes) -> dict[str, Seen]:
    calendar = IcsCalendarStream.calendar_from_ics(data.decode("utf-8"))
    found: dict[str, Seen] = {}
    for event in calendar.events:
        assert event.uid is not None
        assert event.uid not in found, f"ical: UID {event.uid} twice"
        assert event.summary is not None
        found[event.uid] = Seen(
            event.summary,
            event.dtstart,
            event.end,
            event.status is not None and event.status.value == "CANCELLED",
        )
    return found


# -- reader 3: khal, a real calendar program ------------------------------------------------

KHAL = shutil.which("khal", path=str(Path(sys.executable).parent)) or shutil.which("khal")
KHAL_CONFIG = """\
[calendars]
[[plan]]
path = {calendar}
type = calendar

[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
firstweekday = 0
default_timezone = Europe/London
local_timezone = {local_timezone}

[default]
default_calendar = plan

[sqlite]
path = {database}
"""
KHAL_FIELDS = "{uid}\t{cancelled}\t{start-date}\t{start-time}\t{end-date}\t{end-time}\t{title}"
KHAL_ROW = re.compile(
    r"^(?P<uid>[0-9a-f-]{36}@npqplan)\t(?P<cancelled>(?:CANCELLED )?)\t"
    r"(?P<start_date>[\d-]{10})\t(?P<start_time>[\d:]*)\t"
    r"(?P<end_date>[\d-]{10})\t(?P<end_time>[\d:]*)\t(?P<title>.*)$"
)


def khal(folder: Path, *args: str | Path) -> str:
    if KHAL is None:
        pytest.fail("khal is not installed; install the test extra: pip install -e '.[test]'")
    result = subprocess.run(
        [KHAL, "-c", str(folder / "khal.conf"), *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        # TZ=UTC: the times khal prints must come from the file and the config, not the machine.
        env={**os.environ, "TZ": "UTC", "HOME": str(folder), "XDG_CONFIG_HOME": str(folder)},
    )
    assert result.returncode == 0, result.stderr
    assert "warning" not in result.stderr.lower(), result.stderr
    return result.stdout


def read_khal(
    data: bytes | Sequence[bytes],
    folder: Path,
    local_timezone: str = "Europe/London",
    *,
    at_once: bool = False,
) -> dict[str, Seen]:
    """Import into an empty khal calendar (several files: one after the other, as a user
    re-importing would, or `at_once` in one import) and list everything, times in
    `local_timezone`."""
    folder.mkdir(parents=True)
    (folder / "calendar").mkdir()
    (folder / "khal.conf").write_text(
        KHAL_CONFIG.format(
            calendar=folder / "calendar",
            database=folder / "khal.db",
            local_timezone=local_timezone,
        ),
        encoding="utf-8",
    )
    files = []
    for number, each in enumerate([data] if isinstance(data, bytes) else data):
        files.append(folder / f"plan-{number}.ics")
        files[-1].write_bytes(each)
    for batch in [files] if at_once else [[file] for file in files]:
        khal(folder, "import", "--batch", "-a", "plan", *batch)
    listing = khal(
        folder,
        "list",
        "--once",
        "--day-format",
        "",
        "--format",
        KHAL_FIELDS,
        "2020-01-01",
        "2035-12-31",
    )
    zone = ZoneInfo(local_timezone)
    rows: list[dict[str, str]] = []
    for line in listing.splitlines():
        match = KHAL_ROW.match(line)
        if match:
            rows.append(match.groupdict())
        elif line.strip() or rows:
            assert rows, f"khal printed something unexpected: {line!r}"
            rows[-1]["title"] += "\n" + line  # a title with a newline in it goes on
    found: dict[str, Seen] = {}
    for row in rows:
        assert row["uid"] not in found, f"khal: UID {row['uid']} twice"
        first, last = date.fromisoformat(row["start_date"]), date.fromisoformat(row["end_date"])
        if row["start_time"]:
            start: date | datetime = datetime.combine(
                first, time.fromisoformat(row["start_time"]), tzinfo=zone
            )
            end: date | datetime = datetime.combine(
                last, time.fromisoformat(row["end_time"]), tzinfo=zone
            )
        else:
            start, end = first, last + timedelta(days=1)  # khal shows the last day itself
        found[row["uid"]] = Seen(row["title"], start, end, bool(row["cancelled"]))
    return found


# -- a lint of what the parsers above forgive -----------------------------------------------


def unfold(data: bytes) -> list[str]:
    lines: list[bytes] = []
    for line in data.split(b"\r\n")[:-1]:
        if line[:1] in (b" ", b"\t") and lines:
            lines[-1] += line[1:]
        else:
            lines.append(line)
    return [line.decode("utf-8") for line in lines]


def lint(data: bytes) -> list[str]:
    """RFC 5545 rules that icalendar, ical, vobject and khal were all seen to accept broken."""
    problems: list[str] = []
    if not data.endswith(b"\r\n"):
        problems.append("does not end with CRLF")
    if b"\n" in data.replace(b"\r\n", b"") or b"\r" in data.replace(b"\r\n", b""):
        problems.append("a line ends without CRLF")
    for number, raw in enumerate(data.split(b"\r\n")[:-1], start=1):
        if len(raw) > 75:
            problems.append(f"line {number} is {len(raw)} octets long")
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            problems.append(f"line {number} splits a UTF-8 character")
    try:
        lines = unfold(data)
    except UnicodeDecodeError:
        return [*problems, "not UTF-8"]
    names = [line.split(":", 1)[0].split(";", 1)[0] for line in lines]
    outside = names[: names.index("BEGIN:VTIMEZONE") if "BEGIN:VTIMEZONE" in names else None]
    for required in ("VERSION", "PRODID", "CALSCALE", "METHOD", "NAME", "X-WR-CALNAME"):
        if outside.count(required) != 1:
            problems.append(f"the calendar has {outside.count(required)} {required}")
    if "METHOD:PUBLISH" not in lines:
        problems.append("METHOD is not PUBLISH")
    if "BEGIN:VTIMEZONE" not in lines or "BEGIN:VEVENT" in lines[: lines.index("BEGIN:VTIMEZONE")]:
        problems.append("no VTIMEZONE before the first event")
    uids: list[str] = []
    event: list[str] | None = None
    for line in lines:
        if line == "BEGIN:VEVENT":
            event = []
        elif line == "END:VEVENT" and event is not None:
            problems += _lint_event(event, uids)
            event = None
        elif event is not None:
            event.append(line)
    duplicated = sorted({uid for uid in uids if uids.count(uid) > 1})
    if duplicated:
        problems.append(f"UIDs used twice: {duplicated}")
    return problems


def _lint_event(lines: list[str], uids: list[str]) -> list[str]:
    problems: list[str] = []
    own = [line for line in lines if not line.startswith(("ACTION", "TRIGGER"))]
    props = {line.split(":", 1)[0].split(";", 1)[0]: line for line in own}
    for name in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "SEQUENCE"):
        count = sum(1 for line in own if re.match(rf"^{name}[;:]", line))
        if count != 1:
            problems.append(f"an event has {count} {name}")
    uids.append(props.get("UID", "UID:").split(":", 1)[1])
    if not re.fullmatch(r"DTSTAMP:\d{8}T\d{6}Z", props.get("DTSTAMP", "")):
        problems.append(f"DTSTAMP not in UTC: {props.get('DTSTAMP')}")
    start, end = props.get("DTSTART", ""), props.get("DTEND", "")
    all_day = re.fullmatch(r"DTSTART;VALUE=DATE:(\d{8})", start)
    timed = re.fullmatch(r"DTSTART;TZID=Europe/London:(\d{8}T\d{6})", start)
    if all_day:
        end_day = re.fullmatch(r"DTEND;VALUE=DATE:(\d{8})", end)
        if not end_day or end_day[1] <= all_day[1]:
            problems.append(f"all-day DTEND not after DTSTART: {start} {end}")
    elif timed:
        end_time = re.fullmatch(r"DTEND;TZID=Europe/London:(\d{8}T\d{6})", end)
        if not end_time or end_time[1] <= timed[1]:
            problems.append(f"DTEND not after DTSTART: {start} {end}")
    else:
        problems.append(f"neither all-day nor in Europe/London: {start}")
    return problems


# -- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("programme", [*BUNDLED, str(AWKWARD)])
def test_export_passes_the_lint(programme: str) -> None:
    assert lint(exported(programme)) == []


def test_the_lint_catches_what_parsers_forgive() -> None:
    good = export(make(str(AWKWARD))).data
    text = good.decode("utf-8")
    first_event = text.index("BEGIN:VEVENT")
    uid = re.search(r"UID:(\S+)\r\n", text)
    assert uid is not None
    all_day = re.search(r"DTEND;VALUE=DATE:(\d{8})", text)
    assert all_day is not None
    start_of_all_day = re.search(r"DTSTART;VALUE=DATE:(\d{8})", text)
    assert start_of_all_day is not None
    broken = {
        "a line ends without CRLF": good.replace(b"\r\n", b"\n", 3),
        "octets long": good.replace(b"SUMMARY:", b"SUMMARY:" + b"x" * 80, 1),
        "splits a UTF-8 character": "é".encode()[:1].join(good.split(b"\r\n ", 1)),
        "DTSTAMP not in UTC": good.replace(b"DTSTAMP:20250101T093000Z", b"DTSTAMP:20250101T093000"),
        "0 DTSTAMP": re.sub(rb"DTSTAMP:[^\r]*\r\n", b"", good, count=1),
        "all-day DTEND not after DTSTART": good.replace(
            f"DTEND;VALUE=DATE:{all_day[1]}".encode(),
            f"DTEND;VALUE=DATE:{start_of_all_day[1]}".encode(),
        ),
        "UIDs used twice": good.replace(
            f"UID:{uid[1]}".encode(),
            b"UID:" + re.findall(rb"UID:(\S+)\r\n", good)[1],
        ),
        "neither all-day nor in Europe/London": good.replace(b";TZID=Europe/London:", b":", 1),
        "no VTIMEZONE": (text[:first_event] + text[text.index("END:VTIMEZONE\r\n") + 15 :])
        .replace("BEGIN:VTIMEZONE", "X-GONE:1")
        .encode(),
        "1 PRODID": good,  # a control: the good file has exactly one, so this must not show up
    }
    for problem, data in broken.items():
        reported = " | ".join(lint(data))
        if problem == "1 PRODID":
            assert reported == ""
        else:
            assert problem in reported, (problem, reported)


def test_calendar_has_the_properties_clients_need() -> None:
    plan = make("npqel")
    calendar = icalendar.Calendar.from_ical(export(plan).data)
    assert str(calendar["VERSION"]) == "2.0"
    assert str(calendar["PRODID"]) == ics.PRODID
    assert str(calendar["CALSCALE"]) == "GREGORIAN"
    assert str(calendar["METHOD"]) == "PUBLISH"
    assert str(calendar["X-WR-CALNAME"]) == "NPQ Executive Leadership (UCL): study plan"
    assert str(calendar["NAME"]) == "NPQ Executive Leadership (UCL): study plan"


def test_vtimezone_is_the_two_rule_form() -> None:
    calendar = icalendar.Calendar.from_ical(export(make("npqel")).data)
    (zone,) = calendar.walk("VTIMEZONE")
    assert str(zone["TZID"]) == "Europe/London"
    rules = {part.name: part for part in zone.subcomponents}
    assert sorted(rules) == ["DAYLIGHT", "STANDARD"]
    assert rules["DAYLIGHT"]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=3"
    assert rules["STANDARD"]["RRULE"].to_ical() == b"FREQ=YEARLY;BYDAY=-1SU;BYMONTH=10"
    assert all("RDATE" not in part for part in zone.subcomponents)


def test_vtimezone_agrees_with_tzdata_every_hour_around_each_change_to_2040() -> None:
    zone = ics.london_timezone().to_tz(lookup_tzid=False)
    checked = 0
    for year in range(2024, 2041):
        for month in (3, 10):
            last_sunday = max(
                date(year, month, day)
                for day in range(25, 32)
                if date(year, month, day).isoweekday() == 7
            )
            around = datetime.combine(last_sunday, time(0, 0), tzinfo=UTC) - timedelta(hours=24)
            for hour in range(48):
                instant = around + timedelta(hours=hour)
                assert (
                    instant.astimezone(zone).utcoffset() == instant.astimezone(LONDON).utcoffset()
                ), instant
                checked += 1
    assert checked == 17 * 2 * 48


@pytest.mark.parametrize("programme", [*BUNDLED, str(AWKWARD)])
def test_icalendar_reads_every_session_back(programme: str) -> None:
    assert_agrees(read_icalendar(exported(programme)), make(programme), "icalendar")


@pytest.mark.parametrize("programme", [*BUNDLED, str(AWKWARD)])
def test_ical_reads_every_session_back(programme: str) -> None:
    assert_agrees(read_ical(exported(programme)), make(programme), "ical")


# khal takes about a second a plan here: it reads one programme of each shape (term by term,
# across terms, cadenced in minutes, a repeated cycle over spread terms); the other readers
# above read every bundled programme.
KHAL_SAMPLE = ["npqel", "npqh-bpn", "npqsl-ambition", "npqh-cofe"]


@pytest.mark.slow
def test_khal_imports_every_session_of_a_programme_of_each_shape(tmp_path: Path) -> None:
    """One khal import of several plans (their UIDs differ by programme), one listing."""
    plans = [make(programme) for programme in [*KHAL_SAMPLE, str(AWKWARD)]]
    seen = read_khal([export(plan).data for plan in plans], tmp_path / "khal", at_once=True)
    for plan in plans:
        mine = set(expected(plan))
        assert_agrees({uid: got for uid, got in seen.items() if uid in mine}, plan, "khal")
    assert len(seen) == sum(len(plan.sessions) for plan in plans)


def test_sessions_in_bst_and_after_the_october_change_have_the_right_offsets() -> None:
    plan = make("npqel")
    timed = [s for s in plan.sessions if not s.all_day]
    summer = [s for s in timed if datetime.combine(s.day, time(12), tzinfo=UTC) < CLOCKS_BACK]
    winter = [
        s
        for s in timed
        if CLOCKS_BACK < datetime.combine(s.day, time(12), tzinfo=UTC) < CLOCKS_FORWARD
    ]
    summer_2025 = [s for s in timed if s.day > CLOCKS_FORWARD.date() and s.day < date(2025, 10, 26)]
    assert summer
    assert winter
    assert summer_2025
    key = key_of(plan)
    data = export(plan).data
    for read in (read_icalendar, read_ical):
        seen = read(data)
        for sessions, offset in ((summer, 1), (winter, 0), (summer_2025, 1)):
            for session in sessions:
                start = seen[ics.session_uid(key, session)].start
                assert isinstance(start, datetime)
                assert start.utcoffset() == timedelta(hours=offset), (read, session)
                assert (
                    start.astimezone(UTC).time()
                    == (
                        datetime.combine(session.day, session.start or time())
                        - timedelta(hours=offset)
                    ).time()
                )


@pytest.mark.slow
def test_khal_in_utc_places_sessions_by_our_vtimezone_alone(tmp_path: Path) -> None:
    """With the zone renamed, khal must use the file's VTIMEZONE: 16:30 is 15:30 UTC in BST and
    16:30 UTC after the clocks go back."""
    plan = make("npqel")
    data = export(plan).data.replace(b"Europe/London", b"X-Npqplan/Only-Our-VTIMEZONE")
    seen = read_khal(data, tmp_path / "khal", local_timezone="UTC")
    wanted = expected(plan)
    assert set(seen) == set(wanted)
    for uid, want in wanted.items():
        assert seen[uid].start == want.start, (want.summary, seen[uid].start, want.start)
        assert seen[uid].end == want.end, (want.summary, seen[uid].end, want.end)
    by_time = {
        (
            s.start.astimezone(UTC).strftime("%Y-%m-%d %H:%M")
            if isinstance(s.start, datetime)
            else ""
        )
        for s in seen.values()
    }
    # The leadership audit at 16:30 on Tue 10 Sep 2024 (BST); the journal at 16:30 on 5 Nov (GMT).
    assert {"2024-09-10 15:30", "2024-11-05 16:30"} <= by_time
    assert "2025-04-29 15:30" in by_time  # BST again in 2025


@pytest.mark.parametrize("read", [read_icalendar, read_ical], ids=["icalendar", "ical"])
def test_readers_use_our_vtimezone_when_the_name_means_nothing_to_them(
    read: Callable[[bytes], dict[str, Seen]],
) -> None:
    plan = make("npqel")
    data = export(plan).data.replace(b"Europe/London", b"X-Npqplan/Only-Our-VTIMEZONE")
    seen = read(data)
    for uid, want in expected(plan).items():
        assert seen[uid].start == want.start, (want.summary, seen[uid].start)


def test_uids_come_from_the_plan_and_session_identity_not_the_date() -> None:
    tue_thu, mon_wed = make("npqel"), make("npqel", study_days="mon,wed")
    key = key_of(tue_thu)
    first = {s.identity: s for s in tue_thu.sessions}
    second = {s.identity: s for s in mon_wed.sessions}
    moved = [i for i in first.keys() & second.keys() if first[i].day != second[i].day]
    assert moved, "changing the study days should move some sessions"
    for identity in moved:
        assert ics.session_uid(key, first[identity]) == ics.session_uid(key, second[identity])
    seen_first, seen_second = (
        read_icalendar(export(tue_thu).data),
        read_icalendar(export(mon_wed).data),
    )
    for identity in moved:
        uid = ics.session_uid(key, first[identity])
        assert seen_first[uid].start != seen_second[uid].start
    other_start = ics.plan_key("npqel", date(2025, 1, 1))
    assert ics.session_uid(other_start, tue_thu.sessions[0]) != ics.session_uid(
        key, tue_thu.sessions[0]
    )
    for uid in seen_first:
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}@npqplan", uid
        )


@pytest.mark.parametrize("with_state", [False, True], ids=["fresh", "re-export"])
def test_two_exports_of_one_plan_differ_only_in_dtstamp(with_state: bool) -> None:
    plan = make("npqel")
    first = export(plan, CLOCK)
    second = export(plan, LATER, previous=first.events if with_state else ())
    old, new = first.data.split(b"\r\n"), second.data.split(b"\r\n")
    assert len(old) == len(new)
    changed = [(a, b) for a, b in zip(old, new, strict=True) if a != b]
    assert len(changed) == len(plan.sessions)
    for before, after in changed:
        assert before == b"DTSTAMP:20250101T093000Z"
        assert after == b"DTSTAMP:20250214T174512Z"
    assert second.events == first.events
    assert (second.added, second.updated, second.cancelled) == (
        (0, 0, 0) if with_state else (len(plan.sessions), 0, 0)
    )


def _events(data: bytes) -> dict[str, icalendar.Event]:
    return {str(e["UID"]): e for e in icalendar.Calendar.from_ical(data).walk("VEVENT")}


def test_a_replan_bumps_sequence_of_changed_events_and_cancels_dropped_ones() -> None:
    before, after = make("npqel", session_hours=0.5), make("npqel")
    key = key_of(before)
    first = export(before, CLOCK)
    second = export(after, LATER, previous=first.events)
    old = {ics.session_uid(key, s): s for s in before.sessions}
    new = {ics.session_uid(key, s): s for s in after.sessions}
    dropped, kept = old.keys() - new.keys(), old.keys() & new.keys()
    changed = {uid for uid in kept if old[uid] != new[uid]}
    assert dropped, "the two plans should differ a little"
    assert changed
    assert kept - changed
    assert new.keys() <= old.keys()
    events = _events(second.data)
    assert set(events) == old.keys()
    for uid, event in events.items():
        if uid in dropped:
            assert str(event["STATUS"]) == "CANCELLED"
            assert event["SEQUENCE"] == 1
            assert str(event["SUMMARY"]) == "Cancelled: " + ics.summary(old[uid])
            assert event.decoded("DTSTART") == datetime.combine(
                old[uid].day, old[uid].start or time(), tzinfo=LONDON
            )
        else:
            assert str(event["STATUS"]) == "CONFIRMED"
        if uid in changed or uid in dropped:
            assert event["SEQUENCE"] == 1, old[uid]
            assert event.decoded("LAST-MODIFIED") == LATER
        elif uid in kept:
            assert event["SEQUENCE"] == 0
            assert "LAST-MODIFIED" not in event
    assert (second.added, second.updated, second.cancelled) == (0, len(changed), len(dropped))
    assert lint(second.data) == []

    third = export(after, LATER + timedelta(days=1), previous=second.events)
    assert [
        line
        for line_a, line in zip(second.data.split(b"\r\n"), third.data.split(b"\r\n"), strict=True)
        if line_a != line
    ] == [b"DTSTAMP:20250215T174512Z"] * len(events), "cancelled ones stay as they were"

    back = export(before, LATER + timedelta(days=2), previous=third.events)
    revived = _events(back.data)
    for uid in dropped:
        assert str(revived[uid]["STATUS"]) == "CONFIRMED"
        assert revived[uid]["SEQUENCE"] == 2
    assert not any(str(e["STATUS"]) == "CANCELLED" for e in revived.values())


def test_dropped_sessions_are_cancelled_in_every_parser(tmp_path: Path) -> None:
    """khal's reading of the same thing, after a real re-import, is in test_cli_export's
    test_re_export_after_a_replan_updates_moves_and_cancels."""
    before, after = make("npqel", session_hours=0.5), make("npqel")
    data = export(after, LATER, previous=export(before).events).data
    key = key_of(before)
    dropped = {ics.session_uid(key, s) for s in before.sessions} - {
        ics.session_uid(key, s) for s in after.sessions
    }
    readings = {
        "icalendar": read_icalendar(data),
        "ical": read_ical(data),
    }
    for reader, seen in readings.items():
        assert {uid for uid, s in seen.items() if s.cancelled} == dropped, reader
        assert {uid: s for uid, s in seen.items() if not s.cancelled} == expected(after), reader


def test_awkward_names_survive_escaping_and_folding() -> None:
    """khal's reading of these names is checked with every other plan's, by
    test_khal_imports_every_session_of_a_programme_of_each_shape, which includes this fixture."""
    plan = make(str(AWKWARD))
    data = export(plan).data
    for escaped in (b"\\, ", b"\\;", b"\\n", b"\\\\"):
        assert escaped in data
    assert lint(data) == []
    residential = next(s for s in plan.sessions if s.kind == "residential")
    webinar = next(s for s in plan.sessions if s.kind == "webinar")
    assert "\n" in webinar.component
    assert "🎓" in residential.component
    key = key_of(plan)
    by_icalendar = _events(data)
    by_ical = {e.uid: e for e in IcsCalendarStream.calendar_from_ics(data.decode()).events}
    for session in (residential, webinar):
        uid = ics.session_uid(key, session)
        text = ics.description(plan, session)
        assert "Term: Term one, autumn; 2024" in text
        assert f"Component: {session.component} " in text
        assert str(by_icalendar[uid]["SUMMARY"]) == ics.summary(session)
        assert str(by_icalendar[uid]["DESCRIPTION"]) == text
        assert by_ical[uid].summary == ics.summary(session)
        assert by_ical[uid].description == text
    assert str(by_icalendar[ics.session_uid(key, residential)]["LOCATION"]) == (
        "Venue Cymru, Llandudno; LL30 1BB"
    )
    assert by_ical[ics.session_uid(key, residential)].location == "Venue Cymru, Llandudno; LL30 1BB"
    provider = "Prifysgol Caerdydd; Café, Crème\\Brûlée & Co"
    assert all(provider in str(e["DESCRIPTION"]) for e in by_icalendar.values())
    reading = next(s for s in plan.sessions if s.component.startswith("Reading"))
    assert '"Reading, notes; and reflection\nfor 3 hours: “curly” quotes"' in str(
        by_icalendar[ics.session_uid(key, reading)]["DESCRIPTION"]
    )


def test_events_carry_what_to_do_hours_term_provenance_and_kind() -> None:
    plan = make("npqel")
    events = _events(export(plan).data)
    key = key_of(plan)
    residential = next(s for s in plan.sessions if s.kind == "residential")
    event = events[ics.session_uid(key, residential)]
    assert str(event["SUMMARY"]) == "Attend: Residential event"
    assert str(event["DESCRIPTION"]) == (
        "Component: Residential event (residential, in-person)\n"
        "Hours: 10\n"
        "Term: Term one\n"
        "Where the hours come from: UCL Centre for Educational Leadership NPQEL page (summary and "
        'route map): "Residential event for 10 hours"; '
        "assumed: 2 days: the summary gives 4 days for its 2 residentials\n"
        "Programme: NPQ Executive Leadership (UCL), UCL Centre for Educational Leadership"
    )
    assert event.decoded("DTSTART") == date(2024, 9, 26)
    assert event.decoded("DTEND") == date(2024, 9, 28)
    for session in plan.sessions:
        event = events[ics.session_uid(key, session)]
        assert event["CATEGORIES"].cats == [session.kind]
        assert f"Hours: {session.hours:g}\n" in str(event["DESCRIPTION"])
        assert f"Term: {session.term}\n" in str(event["DESCRIPTION"])
        assert session.provenance
        # The source by its title, as people can look it up, never by our file's name.
        told = for_people(session.provenance, titles_of("npqel"), every_name=True)
        assert told in str(event["DESCRIPTION"])
        assert event.decoded("DTSTAMP") == CLOCK
    summaries = {ics.summary(s).split(":")[0] for s in plan.sessions}
    assert summaries == {"Join online", "Attend", "Complete", "Write", "Work on", "Study"}


def test_reminders_are_off_by_default_and_a_display_alarm_when_asked() -> None:
    plan = make("npqel")
    assert b"VALARM" not in export(plan).data
    with_alarms = export(plan, reminder=options.reminder("30m")).data
    assert lint(with_alarms) == []
    events = _events(with_alarms)
    for event in events.values():
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert alarm["TRIGGER"].to_ical() == b"-PT30M"
        assert str(alarm["DESCRIPTION"]) == str(event["SUMMARY"])
    assert len(events) == len(plan.sessions)


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("30m", 30),
        ("2h", 120),
        ("1h30m", 90),
        ("1d", 1440),
        ("0m", 0),
        (" 15M ", 15),
        ("7d", 10080),
    ],
)
def test_parse_reminder_reads_durations(text: str, minutes: int) -> None:
    assert options.reminder(text) == timedelta(minutes=minutes)


@pytest.mark.parametrize("text", ["", "30", "5x", "8d", "-30m", "m", "30m2h", "1.5h"])
def test_parse_reminder_refuses_anything_else(text: str) -> None:
    from npqplan.errors import UsageError

    with pytest.raises(UsageError, match=r"^--remind .*: write how long before each session"):
        options.reminder(text)


def test_a_session_identity_used_twice_is_refused() -> None:
    plan = make("npqel")
    week = plan.weeks[0]
    twice = replace(week, sessions=(*week.sessions, week.sessions[0]))
    with pytest.raises(ValueError, match="share the identity"):
        export(replace(plan, weeks=(twice, *plan.weeks[1:])))


def test_a_naive_clock_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        export(make("npqel"), datetime(2025, 1, 1, 9, 30))


def test_npqel_from_september_2024_matches_the_golden_ics() -> None:
    data = export(make("npqel")).data
    path = GOLDEN / "npqel-2024-09.ics"
    if REGENERATE:
        path.write_bytes(data)
    assert data == path.read_bytes(), "the ICS changed; NPQPLAN_REGENERATE_GOLDEN=1 if intended"


# -- a CalDAV server: what a calendar service does with the file ----------------------------

MKCALENDAR = b"""<?xml version="1.0" encoding="utf-8"?>
<mkcol xmlns="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav"><set><prop>
<resourcetype><collection/><C:calendar/></resourcetype></prop></set></mkcol>"""
TIME_RANGE_QUERY = """<?xml version="1.0" encoding="utf-8"?>
<C:calendar-query xmlns:D="DAV:" xmlns:C="urn:ietf:params:xml:ns:caldav">
<D:prop><D:getetag/></D:prop>
<C:filter><C:comp-filter name="VCALENDAR"><C:comp-filter name="VEVENT">
<C:time-range start="{start:%Y%m%dT%H%M%SZ}" end="{end:%Y%m%dT%H%M%SZ}"/>
</C:comp-filter></C:comp-filter></C:filter></C:calendar-query>"""


class CalDav:
    """A Radicale server on 127.0.0.1, spoken to with plain HTTP; every step has a timeout."""

    def __init__(self, folder: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        self.base = f"http://127.0.0.1:{port}"
        self.log = folder / "radicale.log"
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "radicale",
                    "--config",
                    "",
                    "--server-hosts",
                    f"127.0.0.1:{port}",
                    "--auth-type",
                    "none",
                    "--storage-filesystem-folder",
                    str(folder / "storage"),
                    "--logging-level",
                    "warning",
                ],
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = datetime.now(UTC) + timedelta(seconds=30)
        while True:
            try:
                self.request("OPTIONS", "/")
                return
            except OSError:
                if self.process.poll() is not None or datetime.now(UTC) > deadline:
                    self.stop()
                    pytest.fail(f"Radicale did not start: {self.log.read_text()}")
                threading.Event().wait(0.1)

    def request(
        self, method: str, path: str, body: bytes | None = None, **headers: str
    ) -> tuple[int, bytes]:
        credentials = base64.b64encode(b"npq:any").decode()
        request = urllib.request.Request(
            self.base + path,
            data=body,
            method=method,
            headers={"Authorization": f"Basic {credentials}", **headers},
        )
        try:
            with urllib.request.urlopen(request, timeout=15) as response:
                return int(response.status), bytes(response.read())
        except urllib.error.HTTPError as error:
            return int(error.code), bytes(error.read())

    def put_each_event(self, collection: str, data: bytes) -> list[int]:
        """What a CalDAV client does on import: one resource per UID, named by it."""
        calendar = icalendar.Calendar.from_ical(data)
        (zone,) = calendar.walk("VTIMEZONE")
        statuses = []
        for event in calendar.walk("VEVENT"):
            one = icalendar.Calendar()
            for name in ("PRODID", "VERSION", "CALSCALE"):
                one.add(name, calendar[name])
            one.add_component(zone)
            one.add_component(event)
            status, body = self.request(
                "PUT",
                f"{collection}{event['UID']}.ics",
                one.to_ical(),
                **{"Content-Type": "text/calendar; charset=utf-8"},
            )
            assert status in (201, 204), body.decode(errors="replace")
            statuses.append(status)
        return statuses

    def uids_between(self, collection: str, start: datetime, end: datetime) -> set[str]:
        query = TIME_RANGE_QUERY.format(start=start.astimezone(UTC), end=end.astimezone(UTC))
        status, body = self.request(
            "REPORT", collection, query.encode(), Depth="1", **{"Content-Type": "application/xml"}
        )
        assert status == 207, body.decode(errors="replace")
        hrefs = re.findall(r"<(?:D:|)href>([^<]+)</(?:D:|)href>", body.decode())
        return {unquote(href).rsplit("/", 1)[-1].removesuffix(".ics") for href in hrefs}

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def caldav(tmp_path: Path) -> Iterator[CalDav]:
    server = CalDav(tmp_path)
    try:
        yield server
    finally:
        server.stop()


@pytest.mark.slow
def test_a_caldav_server_stores_serves_and_updates_the_plan(caldav: CalDav) -> None:
    before, after = make("npqel", session_hours=0.5), make("npqel")
    first = export(before, CLOCK)
    second = export(after, LATER, previous=first.events)
    status, body = caldav.request(
        "MKCOL", "/npq/plan/", MKCALENDAR, **{"Content-Type": "application/xml"}
    )
    assert status == 201, body

    assert set(caldav.put_each_event("/npq/plan/", first.data)) == {201}
    status, served = caldav.request("GET", "/npq/plan/")
    assert status == 200
    assert_agrees(read_icalendar(served), before, "radicale")

    # The server's own reading of the times (vobject, with our VTIMEZONE): a one-minute window
    # at each session's true start finds it, and the same window an hour earlier does not.
    key = key_of(before)
    timed = [s for s in before.sessions if not s.all_day]
    picks = [
        next(s for s in timed if s.day < CLOCKS_BACK.date()),
        next(s for s in timed if CLOCKS_BACK.date() < s.day < CLOCKS_FORWARD.date()),
        next(s for s in timed if s.day > CLOCKS_FORWARD.date()),
    ]
    for session in picks:
        start = datetime.combine(session.day, session.start or time(), tzinfo=LONDON)
        uid = ics.session_uid(key, session)
        assert uid in caldav.uids_between("/npq/plan/", start, start + timedelta(minutes=1))
        early = start - timedelta(hours=1)
        assert uid not in caldav.uids_between("/npq/plan/", early, early + timedelta(minutes=1))

    # Re-importing after a re-plan updates each resource in place: nothing new, two cancelled.
    assert set(caldav.put_each_event("/npq/plan/", second.data)) == {204}
    status, served = caldav.request("GET", "/npq/plan/")
    assert status == 200
    seen = read_icalendar(served)
    assert {uid: s for uid, s in seen.items() if not s.cancelled} == expected(after)
    assert len([s for s in seen.values() if s.cancelled]) == 2
    sequences = {
        str(e["UID"]): int(e["SEQUENCE"])
        for e in icalendar.Calendar.from_ical(served).walk("VEVENT")
    }
    assert sequences == {e.uid: e.sequence for e in second.events}


def test_the_calendar_name_is_escaped_and_a_cancelled_event_is_free_time() -> None:
    """A title with ';' or ',' was cut short by vobject in NAME and X-WR-CALNAME, a bare CR
    was written raw, and a cancelled session stayed busy in calendars that ignore STATUS."""
    plan = replace(make("npqel"), title="Leading; learning, and\rmore")
    data = export(plan).data
    assert b"NAME:Leading\\; learning\\, and\\nmore: study plan\r\n" in data
    assert b"X-WR-CALNAME:Leading\\; learning\\, and\\nmore: study plan\r\n" in data
    assert b"\r" not in data.replace(b"\r\n", b"")
    whole = make("npqel")
    first = export(whole)
    again = export(replace(whole, weeks=whole.weeks[:-2]), previous=first.events)
    events = icalendar.Calendar.from_ical(again.data).walk("VEVENT")
    assert {str(e["STATUS"]): str(e["TRANSP"]) for e in events} == {
        "CONFIRMED": "OPAQUE",
        "CANCELLED": "TRANSPARENT",
    }


@given(key=st.text(max_size=80), identity=st.text(max_size=80))
def test_session_uid_is_uuid5_of_the_key_and_the_sessions_identity(key: str, identity: str) -> None:
    session = make("npqel").sessions[0]
    one = replace(session, term=identity, component="c", occurrence=0)
    name = f"{key}/{one.identity}"
    assert ics.session_uid(key, one) == f"{uuid.uuid5(ics.UID_NAMESPACE, name)}@npqplan"


@given(
    words=st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=400),
    cancelled=st.booleans(),
)
def test_a_description_filled_in_later_is_what_icalendar_writes_in_full(
    words: str, cancelled: bool
) -> None:
    """Descriptions are escaped and folded once per text and put in place of a stand-in: the
    bytes must be icalendar's own for the event described in full."""
    session = make("npqel").sessions[0]
    event = ExportedEvent("u@npqplan", "", 0, None, session, cancelled)
    text = ics.EventText("Study: something", words)
    made = ics.vevent(event, text, CLOCK, ics.ExportOptions(), described_later=True)
    plain = ics.vevent(event, text, CLOCK, ics.ExportOptions())
    assert ics.to_ical(made, [ics.event_words(event, text)]) == plain.to_ical()
