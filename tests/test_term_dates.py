"""The bundled council term dates hold the 195 teacher days a year they are meant to."""

from __future__ import annotations

import json
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path

import pytest

from npqplan.cache import cached_bank_holidays
from npqplan.calendar import build_calendar, england_bank_holidays, school_days
from npqplan.errors import InvalidFileError, RequestValueError
from npqplan.loader import load_file
from npqplan.plan import FINAL_ASSESSMENT
from npqplan.request import bank_holidays, bundled_calendar_path, bundled_calendars
from npqplan.scheduling import build_plan
from npqplan.schema import TermDatesFile
from tests.conftest import REPO, RunCli
from tests.planning import calendar, programme

TEACHER_DAYS = 195


@pytest.mark.parametrize("council", sorted(set(bundled_calendars()) - {"year-round"}))
def test_every_bundled_year_has_195_school_days(council: str) -> None:
    dates = load_file(bundled_calendar_path(council), TermDatesFile)
    bank_holidays = england_bank_holidays(2023, 2028)
    for year in dates.years:
        first = int(year.year[:4])
        calendar = build_calendar(dates, date(first, 9, 1), date(first + 1, 7, 31), bank_holidays)
        days = school_days(calendar, date(first, 8, 1), date(first + 1, 8, 31))
        assert len(days) == TEACHER_DAYS, year.year


def test_the_year_round_calendar_is_open_every_weekday_but_bank_holidays() -> None:
    dates = load_file(bundled_calendar_path("year-round"), TermDatesFile)
    holidays = england_bank_holidays(2023, 2037)
    calendar = build_calendar(dates, date(2023, 9, 1), date(2036, 8, 31), holidays)
    day = date(2023, 9, 1)
    while day <= date(2036, 8, 31):
        assert calendar.is_school_day(day) == (day.weekday() < 5 and day not in holidays), day
        day += timedelta(days=1)
    assert calendar.estimated_years(date(2023, 9, 1), date(2036, 8, 31)) == []
    assert all(year.assumed for year in dates.years)


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


TERMS_WITH_INSET = """id: st-example
name: St Example's
years:
  - year: 2024/25
    source: the school's website
    inset_days: [2024-09-03, 2024-09-10]
    terms:
      - name: Autumn
        start: 2024-09-02
        end: 2024-12-20
        breaks:
          - {name: Half-term, start: 2024-10-28, end: 2024-11-01}
      - {name: Spring, start: 2025-01-06, end: 2025-04-04}
      - {name: Summer, start: 2025-04-22, end: 2025-07-22}
"""


def test_inset_days_are_no_study_days(run_cli: RunCli, tmp_path: Path) -> None:
    terms = tmp_path / "terms.yaml"
    terms.write_text(TERMS_WITH_INSET, encoding="utf-8")
    plain = tmp_path / "plain.yaml"
    plain.write_text(TERMS_WITH_INSET.replace("    inset_days: [2024-09-03, 2024-09-10]\n", ""),
                     encoding="utf-8")  # fmt: skip
    days: dict[str, set[str]] = {}
    for name, path in (("with", terms), ("without", plain)):
        result = run_cli("schedule", "npqltd-ucl", "--start", "2024-09", "--terms", str(path),
                         "--format", "json", "--no-save")  # fmt: skip
        assert result.returncode == 0, result.stderr
        plan = json.loads(result.stdout)
        days[name] = {s["date"] for w in plan["weeks"] for s in w["sessions"]}
    assert {"2024-09-03", "2024-09-10"} & days["without"]
    assert not {"2024-09-03", "2024-09-10"} & days["with"]


def test_an_inset_day_outside_the_terms_is_refused_with_its_place(tmp_path: Path) -> None:
    terms = tmp_path / "terms.yaml"
    terms.write_text(TERMS_WITH_INSET.replace("2024-09-10]", "2024-10-29]"), encoding="utf-8")
    loaded = load_file(terms, TermDatesFile)  # in half-term, but inside the autumn term
    assert date(2024, 10, 29) in loaded.years[0].inset_days
    terms.write_text(TERMS_WITH_INSET.replace("2024-09-10]", "2024-08-29]"), encoding="utf-8")
    with pytest.raises(InvalidFileError) as caught:
        load_file(terms, TermDatesFile)
    assert caught.value.lines() == [
        f"{terms}:4:5: years[0]: INSET day 2024-08-29 is not in any of the year's terms"
    ]


START_MONTHS_2024_TO_2026 = [
    date(2024 + (m < 9) + year, m, 1) for year in (0, 1) for m in (*range(9, 13), *range(1, 9))
]


@pytest.mark.parametrize("council", bundled_calendars())
def test_no_plan_puts_a_session_in_its_councils_holidays(council: str) -> None:
    """Every bundled calendar, every start month of 2024/25 and 2025/26: no session the planner
    placed falls on a day that council's schools are closed (years it has not published are
    estimated, and their holidays count the same)."""
    cal = calendar(council)
    source = programme(REPO / "programmes" / "npqel.yaml")
    for start in START_MONTHS_2024_TO_2026:
        plan = build_plan(source, cal, start=start)
        for session in plan.sessions:
            if session.fixed or session.term == FINAL_ASSESSMENT:
                continue
            days = [
                session.day + timedelta(days=n)
                for n in range((session.end_date - session.day).days + 1)
            ]
            assert all(cal.is_school_day(day) for day in days), (council, start, session)
