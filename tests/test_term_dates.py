"""The bundled council term dates hold the 195 teacher days a year they are meant to."""

from __future__ import annotations

from datetime import date
from importlib import metadata
from pathlib import Path

import pytest

from npqplan.bankholidays import _installed_version, england_bank_holidays
from npqplan.domain import TermDatesFile
from npqplan.loader import load_model
from npqplan.planning import BUNDLED_CALENDARS, bundled_calendar_path
from npqplan.terms import build_calendar, school_days

TEACHER_DAYS = 195


@pytest.mark.parametrize("council", BUNDLED_CALENDARS)
def test_every_bundled_year_has_195_school_days(council: str) -> None:
    dates = load_model(bundled_calendar_path(council), TermDatesFile)
    bank_holidays = england_bank_holidays(2023, 2028)
    for year in dates.years:
        first = int(year.year[:4])
        calendar = build_calendar(dates, date(first, 9, 1), date(first + 1, 7, 31), bank_holidays)
        days = school_days(calendar, date(first, 8, 1), date(first + 1, 8, 31))
        assert len(days) == TEACHER_DAYS, year.year


def test_the_bank_holiday_cache_is_keyed_by_the_installed_holidays_version(
    tmp_path: Path,
) -> None:
    version = metadata.version("holidays")
    assert _installed_version() == version
    first = england_bank_holidays(2024, 2025, tmp_path)
    (cached,) = tmp_path.glob("*.json")
    assert cached.name == f"bank-holidays-eng-{version}-2024-2025.json"
    assert england_bank_holidays(2024, 2025, tmp_path) == first
    assert first[date(2025, 5, 5)] == "May Day"
