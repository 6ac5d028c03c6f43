"""A person's own calendar as a real iCalendar file, for tests that plan around it."""

from __future__ import annotations

from pathlib import Path

VTIMEZONE = """BEGIN:VTIMEZONE
TZID:Europe/London
BEGIN:DAYLIGHT
TZOFFSETFROM:+0000
TZOFFSETTO:+0100
DTSTART:19810329T010000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=-1SU
TZNAME:BST
END:DAYLIGHT
BEGIN:STANDARD
TZOFFSETFROM:+0100
TZOFFSETTO:+0000
DTSTART:19961027T020000
RRULE:FREQ=YEARLY;BYMONTH=10;BYDAY=-1SU
TZNAME:GMT
END:STANDARD
END:VTIMEZONE
"""


def calendar_text(*events: str) -> str:
    body = "".join(
        f"BEGIN:VEVENT\nUID:{n}@test\n{event.strip()}\nEND:VEVENT\n"
        for n, event in enumerate(events)
    )
    text = f"BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//test//EN\n{VTIMEZONE}{body}END:VCALENDAR\n"
    return text.replace("\n", "\r\n")


def calendar_file(tmp_path: Path, *events: str, name: str = "me.ics") -> str:
    (tmp_path / name).write_text(calendar_text(*events), encoding="utf-8")
    return name
