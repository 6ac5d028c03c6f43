"""The busy-calendar reader follows repeating events as an independent reader does: its starts
agree with recurring_ical_events (over python-dateutil) on random rules, within the plan's dates.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from npqplan.busyics import read_busy_calendar, read_busy_times
from npqplan.errors import InvalidFileError
from npqplan.plan import BusyCalendarRead, BusyTime
from npqplan.render.words import busy_read_text
from npqplan.scheduling import build_plan
from npqplan.store import decode_plan, encode_plan
from tests.conftest import REPO
from tests.planning import calendar, programme
from tests.test_busy_calendar import calendar_text

ENGLAND = ZoneInfo("Europe/London")
FIRST, LAST = date(2024, 9, 2), date(2026, 7, 31)
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")


def oracle(text: str, first: date, last: date) -> frozenset[BusyTime]:
    """Busy times as recurring_ical_events expands them (the reader npqplan used before)."""
    found: set[BusyTime] = set()
    calendar = icalendar.Calendar.from_ical(text)
    span = (first - timedelta(days=2), last + timedelta(days=2))
    for event in recurring_ical_events.of(calendar).between(*span):
        start, end = event.decoded("DTSTART"), event.decoded("DTEND")
        if not isinstance(start, datetime):
            day = start
            while day < end:
                if first <= day <= last:
                    found.add(BusyTime(day, None, None))
                day += timedelta(days=1)
            continue
        begins = start.astimezone(ENGLAND).replace(tzinfo=None)
        ends = end.astimezone(ENGLAND).replace(tzinfo=None)
        day = begins.date()
        while day <= ends.date():
            opens = begins.time() if day == begins.date() else time(0)
            if first <= day <= last:
                if day == ends.date():
                    if ends.time() > opens:
                        found.add(BusyTime(day, opens, ends.time()))
                else:
                    found.add(BusyTime(day, opens, time(23, 59)))
            day += timedelta(days=1)
    return frozenset(found)


@st.composite
def rules(draw: st.DrawFn) -> str:
    frequency = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]))
    parts = [f"FREQ={frequency}"]
    if draw(st.booleans()):
        parts.append(f"INTERVAL={draw(st.integers(1, 3))}")
    end = draw(st.sampled_from(["none", "count", "until"]))
    if end == "count":
        parts.append(f"COUNT={draw(st.integers(1, 40))}")
    elif end == "until":
        until = FIRST + timedelta(days=draw(st.integers(-30, 500)))
        parts.append(f"UNTIL={until:%Y%m%d}T235959Z")
    if frequency in ("WEEKLY", "DAILY") and draw(st.booleans()):
        days = draw(st.lists(st.sampled_from(DAYS), min_size=1, max_size=3, unique=True))
        parts.append("BYDAY=" + ",".join(days))
    if frequency == "MONTHLY":
        pick = draw(st.sampled_from(["monthday", "ordinal", "setpos", "none"]))
        if pick == "monthday":
            days = draw(st.lists(st.sampled_from([1, 15, 28, 30, 31, -1]), min_size=1, max_size=2,
                                 unique=True))  # fmt: skip
            parts.append("BYMONTHDAY=" + ",".join(map(str, days)))
        elif pick == "ordinal":
            parts.append(f"BYDAY={draw(st.sampled_from(['1', '2', '-1']))}"
                         f"{draw(st.sampled_from(DAYS[:5]))}")  # fmt: skip
        elif pick == "setpos":
            parts.append(f"BYDAY=MO,TU,WE,TH,FR;BYSETPOS={draw(st.sampled_from([1, -1, 2]))}")
    if frequency == "YEARLY" and draw(st.booleans()):
        parts.append(f"BYMONTH={draw(st.integers(1, 12))}")
        if draw(st.booleans()):
            parts.append(f"BYDAY=-1{draw(st.sampled_from(DAYS))}")
    return ";".join(parts)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    rule=rules(),
    offset=st.integers(-400, 300),
    clock=st.sampled_from(["090000", "163000", "233000"]),
    all_day=st.booleans(),
)
def test_repeats_agree_with_recurring_ical_events_within_the_plan(
    rule: str, offset: int, clock: str, all_day: bool, tmp_path_factory: pytest.TempPathFactory
) -> None:
    begin = FIRST + timedelta(days=offset)
    if all_day:
        when = f"DTSTART;VALUE=DATE:{begin:%Y%m%d}\nDTEND;VALUE=DATE:{begin + timedelta(1):%Y%m%d}"
        rule = rule.replace("T235959Z", "")
    else:
        when = (f"DTSTART;TZID=Europe/London:{begin:%Y%m%d}T{clock}\n"
                f"DURATION:PT1H30M")  # fmt: skip
    text = calendar_text(f"SUMMARY:Club\n{when}\nRRULE:{rule}")
    path = tmp_path_factory.mktemp("rules") / "me.ics"
    path.write_text(text, encoding="utf-8")
    assert read_busy_times(path, FIRST, LAST) == oracle(text, FIRST, LAST)


def test_moved_and_added_occurrences_agree_with_recurring_ical_events(tmp_path: Path) -> None:
    text = calendar_text(
        "SUMMARY:Club\nDTSTART;TZID=Europe/London:20240910T160000\nDURATION:PT1H\n"
        "RRULE:FREQ=WEEKLY;BYDAY=TU;COUNT=10\nRDATE;TZID=Europe/London:20241005T100000\n"
        "EXDATE;TZID=Europe/London:20240917T160000",
    ).replace("UID:0@test", "UID:club@test")
    moved = (
        "BEGIN:VEVENT\r\nUID:club@test\r\nRECURRENCE-ID;TZID=Europe/London:20240924T160000\r\n"
        "DTSTART;TZID=Europe/London:20240926T180000\r\nDTEND;TZID=Europe/London:20240926T190000"
        "\r\nSUMMARY:Club (moved)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
    )
    text = text.replace("END:VCALENDAR\r\n", moved)
    (tmp_path / "me.ics").write_text(text, encoding="utf-8")
    mine = read_busy_times(tmp_path / "me.ics", FIRST, LAST)
    assert mine == oracle(text, FIRST, LAST)
    assert BusyTime(date(2024, 9, 26), time(18), time(19)) in mine
    assert not any(b.day in (date(2024, 9, 17), date(2024, 9, 24)) for b in mine)


def test_the_reading_counts_what_it_left_out(tmp_path: Path) -> None:
    text = calendar_text(
        "SUMMARY:Holiday\nTRANSP:TRANSPARENT\nDTSTART;VALUE=DATE:20241001\n"
        "DTEND;VALUE=DATE:20241002",
        "SUMMARY:Birthday\nTRANSP:TRANSPARENT\nDTSTART;VALUE=DATE:20241003",
        "SUMMARY:Off\nSTATUS:CANCELLED\nDTSTART:20241004T100000\nDTEND:20241004T110000",
        "SUMMARY:No start\nDTEND:20241004T110000",
        "SUMMARY:Governors\nDTSTART:20241008T180000\nDTEND:20241008T200000",
    )
    (tmp_path / "my.ics").write_text(text, encoding="utf-8")
    reading = read_busy_calendar(tmp_path / "my.ics", FIRST, LAST)
    assert reading.times == {BusyTime(date(2024, 10, 8), time(18), time(20))}
    assert busy_read_text(reading.summary) == (
        "1 time from my.ics; 2 all-day events marked free, 1 cancelled event, 1 event without "
        "a start (DTSTART) were not counted"
    )


def test_a_stored_plan_keeps_what_its_busy_calendars_held() -> None:
    plan = build_plan(programme(REPO / "programmes" / "npqel.yaml"), calendar("kent"),
                      start=FIRST)  # fmt: skip
    read = BusyCalendarRead("my.ics", 214, 220, 1, 3, 1, 1, 0)
    stored = replace(plan, moved_for_busy=2, busy_read=(read,))
    assert decode_plan(encode_plan(stored)) == stored


LINES = st.one_of(
    st.sampled_from(
        [
            "BEGIN:VEVENT",
            "END:VEVENT",
            "BEGIN:VALARM",
            "END:VALARM",
            "BEGIN:VTIMEZONE",
            "END:VTIMEZONE",
            "BEGIN:STANDARD",
            "END:STANDARD",
            "UID:x",
            "TRANSP:TRANSPARENT",
            "STATUS:CANCELLED",
            "DURATION:PT1H",
            "DURATION:P99999999W",
            "TZID:Z",
            "TZOFFSETTO:+0100",
            "DTSTART;TZID=Z:20241001T100000",
            "DTSTART;VALUE=DATE:20241001",
            "DTEND:99991231T235959",
            "RRULE:FREQ=WEEKLY;BYSETPOS=-1;BYDAY=MO,FR",
            "RRULE:FREQ=MONTHLY;BYDAY=5FR;COUNT=3",
            "RDATE;VALUE=PERIOD:20241001T100000/PT1H",
            "EXDATE:20241008T100000",
            "RECURRENCE-ID:20241001T100000",
            "RRULE:FREQ=YEARLY",
        ]
    ),
    st.builds(
        lambda name, value: f"{name}:{value}",
        st.sampled_from(
            [
                "DTSTART",
                "DTEND",
                "RRULE",
                "RDATE",
                "EXDATE",
                "DURATION",
                "UID",
                "SUMMARY",
                "TZOFFSETFROM",
                'RRULE;X="a:b"',
                "DTSTART;TZID=",
            ]
        ),
        st.text(max_size=30),
    ),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines=st.lists(LINES, max_size=25))
def test_any_calendar_gives_a_reading_or_one_located_line(
    lines: list[str], tmp_path_factory: pytest.TempPathFactory
) -> None:
    path = tmp_path_factory.mktemp("any") / "any.ics"
    text = "\r\n".join(["BEGIN:VCALENDAR", *lines, "END:VCALENDAR", ""])
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    refused: list[str] | None = None
    try:
        found = read_busy_calendar(path, FIRST, LAST)
    except InvalidFileError as error:
        refused = error.lines()
    if refused is not None:
        assert len(refused) == 1
        assert refused[0].startswith(str(path))
    else:
        assert found.summary.times == len(found.times) <= 100_000
