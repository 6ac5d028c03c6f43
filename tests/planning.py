"""Programmes and council calendars loaded once per test process, for tests that plan many times."""

from __future__ import annotations

from datetime import date
from functools import cache
from pathlib import Path

from npqplan.calendar import SchoolCalendar, build_calendar, england_bank_holidays
from npqplan.loader import load_file, load_programme
from npqplan.request import bundled_calendar_path
from npqplan.schema import Programme, TermDatesFile


@cache
def programme(path: Path) -> Programme:
    return load_programme(path)


@cache
def calendar(name: str) -> SchoolCalendar:
    """A bundled council's calendar from August 2023 to August 2030, bank holidays included."""
    dates = load_file(bundled_calendar_path(name), TermDatesFile)
    return build_calendar(
        dates, date(2023, 8, 1), date(2030, 8, 31), england_bank_holidays(2023, 2031)
    )
