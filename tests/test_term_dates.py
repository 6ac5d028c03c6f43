"""The bundled council term dates hold the 195 teacher days a year they are meant to."""

from __future__ import annotations

from datetime import date

import pytest

from npqplan.bankholidays import england_bank_holidays
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
