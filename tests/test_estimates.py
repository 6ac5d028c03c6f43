"""Estimated years against published ones: every bundled council-year, estimated without that
council's dates, compared day by day. The README's table is this comparison."""

from __future__ import annotations

import io
import os
from datetime import date, timedelta
from functools import cache

from dateutil.easter import easter
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.console import Console

from npqplan.backtest import Backtest, backtest
from npqplan.calendar import SchoolCalendar, england_bank_holidays, estimated_year, school_days
from npqplan.formats import backtest_markdown
from npqplan.render.calendars import calendar_list
from npqplan.request import bundled_term_dates
from tests.conftest import REPO, RunCli

REGENERATE = os.environ.get("NPQPLAN_REGENERATE_GOLDEN") == "1"
README = REPO / "README.md"
TABLE_START = "<!-- backtest table: tests/test_estimates.py writes it -->\n"
TABLE_END = "<!-- end of backtest table -->\n"
# In 2025/26 Kent's October half-term came a week before every other bundled council's and its
# Easter holiday a week after six of eight: no estimate that follows the other councils comes
# within 5% of it. Kept here by name so that any other shortfall fails.
KNOWN_SHORTFALLS = {("kent", "2025/26")}


@cache
def measured() -> Backtest:
    return backtest(bundled_term_dates(None), england_bank_holidays(2022, 2030))


def test_estimated_years_match_published_ones_on_97_percent_of_all_days() -> None:
    assert measured().percent >= 97
    assert measured().weekday_percent >= 97


def test_every_bundled_year_is_a_case_of_the_backtest() -> None:
    cases = {(s.council, s.year) for s in measured().scores}
    bundled = {(c.id, y.year) for c in bundled_term_dates(None) for y in c.years if not y.assumed}
    assert cases == bundled


def test_each_council_year_is_estimated_95_percent_right() -> None:
    short = {(s.council, s.year): round(s.percent, 2) for s in measured().scores if s.percent < 95}
    assert set(short) <= KNOWN_SHORTFALLS, short
    assert all(value >= 94 for value in short.values()), short


def test_no_estimated_holiday_is_more_than_a_week_from_the_published_one() -> None:
    shifts = {(s.council, s.year): s.worst_holiday_shift for s in measured().scores}
    assert max(shifts.values()) <= 7, shifts


def test_the_readme_table_is_the_backtest() -> None:
    text = README.read_text(encoding="utf-8")
    before, rest = text.split(TABLE_START)
    _, after = rest.split(TABLE_END)
    table = backtest_markdown(measured())
    if REGENERATE:
        README.write_text(before + TABLE_START + table + TABLE_END + after, encoding="utf-8")
    assert rest.split(TABLE_END)[0] == table, "NPQPLAN_REGENERATE_GOLDEN=1 if intended"


def test_calendars_prints_the_measured_accuracy(run_cli: RunCli) -> None:
    result = run_cli("calendars")
    assert result.returncode == 0, result.stderr
    text = " ".join(result.stdout.split())
    assert f"match published ones on {measured().percent:.1f}% of days" in text


def test_a_late_easter_estimate_breaks_up_two_weeks_before_easter_monday() -> None:
    """Easter Sunday 20 April 2025: nine of twelve councils broke up on Friday 4 April and came
    back on Tuesday 22 April; the rule alone (no council to follow) does the same."""
    _, spring, summer = estimated_year(2024)
    assert (spring.end, summer.start) == (date(2025, 4, 4), date(2025, 4, 22))


def test_a_christmas_on_a_monday_estimate_takes_the_middle_fortnight() -> None:
    autumn, spring, _ = estimated_year(2023)  # Kent broke up on 15 Dec, Birmingham on 22 Dec
    assert (autumn.end, spring.start) == (date(2023, 12, 20), date(2024, 1, 4))


def test_an_early_easter_estimate_keeps_the_two_weeks_after_easter() -> None:
    _, spring, summer = estimated_year(2026)  # Easter Sunday 28 March 2027
    assert (spring.end, summer.start) == (date(2027, 3, 26), date(2027, 4, 12))


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=2000, max_value=2098))
def test_every_rule_estimate_is_a_whole_school_year_around_easter(first_year: int) -> None:
    """Any year the rule estimates: three terms in order with a half-term inside each, Easter
    weekend in the Easter holiday, and 195 days unless July's bounds stop it (190 to 200)."""
    holidays = england_bank_holidays(first_year, first_year + 1)
    autumn, spring, summer = estimated_year(first_year, (), holidays)
    assert autumn.end < spring.start
    assert spring.end < summer.start
    sunday = easter(first_year + 1)
    assert spring.end < sunday < summer.start
    assert spring.end <= sunday - timedelta(days=2)
    assert summer.start >= sunday + timedelta(days=1)
    calendar = SchoolCalendar("estimate", (autumn, spring, summer), holidays)
    days = school_days(calendar, date(first_year, 8, 1), date(first_year + 1, 8, 31))
    assert 190 <= len(days) <= 200


def test_calendars_lists_a_gap_between_years_as_a_comma() -> None:
    dates = next(c for c in bundled_term_dates(None) if c.id == "birmingham")
    gapped = dates.model_copy(update={"years": (dates.years[0], dates.years[-1])})
    console = Console(width=200, record=True, file=io.StringIO())
    console.print(calendar_list([gapped], measured()))
    assert "2023/24, 2025/26" in console.export_text()
