"""The bundled council term dates hold the 195 teacher days a year they are meant to."""

from __future__ import annotations

from datetime import date
from importlib import metadata
from pathlib import Path

import pytest

from npqplan.cache import bank_holidays as cached_bank_holidays
from npqplan.calendar import build_calendar, england_bank_holidays, school_days
from npqplan.errors import RequestValueError
from npqplan.loader import load_file
from npqplan.request import bank_holidays, bundled_calendar_path, bundled_calendars
from npqplan.schema import TermDatesFile
from tests.conftest import RunCli

TEACHER_DAYS = 195


@pytest.mark.parametrize("council", bundled_calendars())
def test_every_bundled_year_has_195_school_days(council: str) -> None:
    dates = load_file(bundled_calendar_path(council), TermDatesFile)
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
    first = bank_holidays(2024, 2025, tmp_path)
    (cached,) = tmp_path.glob("*.txt")
    assert cached.name == f"bank-holidays-eng-{version}-2024-2025.txt"
    assert cached_bank_holidays(tmp_path, 2024, 2025) == first == england_bank_holidays(2024, 2025)
    assert first[date(2025, 5, 5)] == "May Day"


def test_a_damaged_bank_holiday_cache_means_asking_the_package_again(tmp_path: Path) -> None:
    first = bank_holidays(2024, 2025, tmp_path)
    (cached,) = tmp_path.glob("*.txt")
    cached.write_text("2024-13-45 Nonsense day\n", encoding="utf-8")
    assert cached_bank_holidays(tmp_path, 2024, 2025) is None
    assert bank_holidays(2024, 2025, tmp_path) == first


def test_every_bundled_year_cites_where_its_dates_come_from() -> None:
    for council in bundled_calendars():
        dates = load_file(bundled_calendar_path(council), TermDatesFile)
        assert dates.area, council
        for year in dates.years:
            assert (
                "http" in year.source
                or "shared/reference" in year.source
                or "quoted" in (year.source)
            ), (council, year.year)


@pytest.mark.parametrize("typed", ["Birmingham", "BIRMINGHAM", " birmingham "])
def test_a_calendar_is_found_in_any_case(typed: str) -> None:
    assert bundled_calendar_path(typed).name == "birmingham.yaml"


def test_a_misspelt_calendar_gets_a_did_you_mean() -> None:
    with pytest.raises(RequestValueError) as caught:
        bundled_calendar_path("birmingam")
    assert caught.value.message.startswith("'birmingam': did you mean 'birmingham'? ")
    assert "west-sussex" in caught.value.message


def test_calendars_lists_every_bundled_council_with_its_years(run_cli: RunCli) -> None:
    result = run_cli("calendars")
    assert result.returncode == 0, result.stderr
    rows = {line.split()[0]: line for line in result.stdout.splitlines() if line[:1].islower()}
    assert set(rows) == set(bundled_calendars())
    assert "2023/24–2026/27" in rows["kent"]
    assert rows["kent"].rstrip().endswith("2026/27")  # provisional


def test_calendars_show_gives_each_year_and_its_source(run_cli: RunCli) -> None:
    result = run_cli("calendars", "show", "Surrey")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert "Autumn: 2 Sep 2024 – 20 Dec 2024 (Half-term 28 Oct 2024 – 1 Nov 2024)" in text
    assert "https://www.surreycc.gov.uk/schools-and-learning/schools/term-dates" in text
    missing = run_cli("calendars", "show", "surey")
    assert missing.returncode == 2
    assert missing.stderr.startswith("error: no bundled calendar 'surey': did you mean 'surrey'?")
