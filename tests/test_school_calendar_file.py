"""A school's own calendar file (.ics) as --terms: read as the school publishes it, it plans
exactly as the same dates written as a terms YAML file."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import icalendar
import pytest

from npqplan.errors import InvalidFileError
from npqplan.schoolics import read_school_calendar
from tests.conftest import RunCli

YAML = """id: st-example
name: St Example's Primary
years:
  - year: 2024/25
    source: the school website
    inset_days: [2024-09-02, 2025-01-06]
    terms:
      - name: Autumn
        start: 2024-09-02
        end: 2024-12-20
        breaks:
          - {name: Half-term, start: 2024-10-28, end: 2024-11-01}
      - name: Spring
        start: 2025-01-06
        end: 2025-04-04
        breaks:
          - {name: Half-term, start: 2025-02-17, end: 2025-02-21}
      - name: Summer
        start: 2025-04-22
        end: 2025-07-22
        breaks:
          - {name: Half-term, start: 2025-05-26, end: 2025-05-30}
"""

# What a school's calendar system exports: all-day events, DTEND the day after the last.
EVENTS = [
    ("Autumn term starts", date(2024, 9, 2), date(2024, 9, 2)),
    ("INSET day - school closed to pupils", date(2024, 9, 2), date(2024, 9, 2)),
    ("Half term starts", date(2024, 10, 28), date(2024, 11, 1)),
    ("School breaks up for half term", date(2024, 10, 25), date(2024, 10, 25)),
    ("Last day of term", date(2024, 12, 20), date(2024, 12, 20)),
    ("Christmas holiday", date(2024, 12, 23), date(2025, 1, 3)),
    ("Spring term starts", date(2025, 1, 6), date(2025, 1, 6)),
    ("Staff training day", date(2025, 1, 6), date(2025, 1, 6)),
    ("February half term", date(2025, 2, 17), date(2025, 2, 21)),
    ("Year 6 trip to the museum", date(2025, 3, 12), date(2025, 3, 12)),
    ("Spring term ends", date(2025, 4, 4), date(2025, 4, 4)),
    ("Summer term starts", date(2025, 4, 22), date(2025, 4, 22)),
    ("Half term", date(2025, 5, 26), date(2025, 5, 30)),
    ("Term ends", date(2025, 7, 22), date(2025, 7, 22)),
]


def school_ics(path: Path, events: list[tuple[str, date, date]]) -> Path:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//St Example's//School calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "St Example's Primary")
    for number, (summary, first, last) in enumerate(events):
        event = icalendar.Event()
        event.add("uid", f"{number}@st-example")
        event.add("dtstamp", icalendar.vDatetime.from_ical("20240701T090000Z"))
        event.add("summary", summary)
        event.add("dtstart", first)
        event.add("dtend", last + timedelta(days=1))
        calendar.add_component(event)
    path.write_bytes(calendar.to_ical())
    return path


def test_the_file_is_read_as_the_school_means_it(tmp_path: Path) -> None:
    read = read_school_calendar(school_ics(tmp_path / "school.ics", EVENTS))
    (year,) = read.term_dates.years
    assert [(t.name, t.start, t.end) for t in year.terms] == [
        ("Autumn", date(2024, 9, 2), date(2024, 12, 20)),
        ("Spring", date(2025, 1, 6), date(2025, 4, 4)),
        ("Summer", date(2025, 4, 22), date(2025, 7, 22)),
    ]
    assert [(b.start, b.end) for t in year.terms for b in t.breaks] == [
        (date(2024, 10, 28), date(2024, 11, 1)),
        (date(2025, 2, 17), date(2025, 2, 21)),
        (date(2025, 5, 26), date(2025, 5, 30)),
    ]
    assert year.inset_days == (date(2024, 9, 2), date(2025, 1, 6))
    assert read.not_understood == (
        "School breaks up for half term (2024-10-25)",
        "Year 6 trip to the museum (2025-03-12)",
    )


def planned_with(run_cli: RunCli, terms: Path) -> dict[str, Any]:
    """npqltd-ucl from September 2024 on the term dates in `terms`, as JSON."""
    result = run_cli("schedule", "npqltd-ucl", "--start", "2024-09", "--terms", str(terms),
                     "--format", "json", "--no-save")  # fmt: skip
    assert result.returncode == 0, result.stderr
    plan: dict[str, Any] = json.loads(result.stdout)
    return plan


def test_an_ics_plans_exactly_as_the_same_dates_in_yaml(run_cli: RunCli, tmp_path: Path) -> None:
    ics = school_ics(tmp_path / "school.ics", EVENTS)
    yaml = tmp_path / "school.yaml"
    yaml.write_text(YAML, encoding="utf-8")
    plans = [planned_with(run_cli, terms) for terms in (ics, yaml)]
    assert plans[0] == plans[1]


def test_calendars_show_prints_what_was_understood_and_what_was_not(
    run_cli: RunCli, tmp_path: Path
) -> None:
    ics = school_ics(tmp_path / "school.ics", EVENTS)
    result = run_cli("calendars", "show", str(ics))
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Autumn: 2 Sep 2024 – 20 Dec 2024 (Half-term 28 Oct 2024 – 1 Nov 2024)" in text
    assert "INSET days: 2 Sep 2024, 6 Jan 2025" in text
    assert "Not understood (left out of the terms) School breaks up for half term" in text


def test_a_file_with_no_terms_in_it_is_a_clear_error(tmp_path: Path) -> None:
    ics = school_ics(tmp_path / "holidays.ics", [("Christmas holiday", date(2024, 12, 23),
                                                   date(2025, 1, 3))])  # fmt: skip
    with pytest.raises(InvalidFileError) as caught:
        read_school_calendar(ics)
    assert caught.value.lines() == [
        f"{ics}: no terms can be read: it needs all-day events named like 'Term starts' and "
        "'Term ends' (or 'First day of term', 'Last day of term')"
    ]


def test_a_hand_written_school_calendar_plans_exactly_as_the_same_dates_in_yaml(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """tests/fixtures/ics/st-example-2024-25.ics is typed as a school office types its list:
    'Autumn term begins', 'End of term', bare 'Half term' weeks, training days, a parents'
    evening that is not a closure, CRLF lines and an escaped comma."""
    yaml = tmp_path / "school.yaml"
    yaml.write_text(YAML, encoding="utf-8")
    hand_written = Path(__file__).parent / "fixtures" / "ics" / "st-example-2024-25.ics"
    plans = [planned_with(run_cli, terms) for terms in (hand_written, yaml)]
    assert plans[0]["weeks"] == plans[1]["weeks"]
