"""How well estimated years match published ones: each bundled council-year estimated without
that council's dates and compared day by day."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from npqplan.calendar import SchoolCalendar, SchoolTerm, estimated_year, terms_of
from npqplan.schema import TermDatesFile

# A run of at least this many weekdays off is a holiday (a lone bank holiday is not).
HOLIDAY_WEEKDAYS = 3


@dataclass(frozen=True)
class YearScore:
    """One council-year: its days (1 September to 31 August) and how many the estimate got right
    (school day or not), its weekdays likewise, and how far its worst holiday was moved."""

    council: str
    year: str
    days: int
    right: int
    weekdays: int
    weekdays_right: int
    worst_holiday_shift: int
    provisional: bool

    @property
    def percent(self) -> float:
        return 100 * self.right / self.days

    @property
    def weekday_percent(self) -> float:
        return 100 * self.weekdays_right / self.weekdays


@dataclass(frozen=True)
class Backtest:
    scores: tuple[YearScore, ...]

    @property
    def percent(self) -> float:
        return 100 * sum(s.right for s in self.scores) / sum(s.days for s in self.scores)

    @property
    def weekday_percent(self) -> float:
        right = sum(s.weekdays_right for s in self.scores)
        return 100 * right / sum(s.weekdays for s in self.scores)


def backtest(calendars: Sequence[TermDatesFile], bank_holidays: Mapping[date, str]) -> Backtest:
    """Every published year of every calendar, estimated from the other calendars only (a year
    marked `assumed`, like those of a setting open all year, is no one's published dates)."""
    scores = []
    for calendar in calendars:
        others = [c for c in calendars if c.id != calendar.id]
        for year in (y for y in calendar.years if not y.assumed):
            first_year = int(year.year[:4])
            peers = [y for c in others for y in c.years if y.year == year.year and not y.assumed]
            estimate = estimated_year(first_year, peers, bank_holidays)
            scores.append(
                _compare(
                    calendar.id,
                    year.year,
                    terms_of(year, calendar.name),
                    estimate,
                    bank_holidays,
                    provisional=year.provisional,
                )
            )
    return Backtest(tuple(scores))


def _compare(
    council: str,
    label: str,
    published_terms: list[SchoolTerm],
    estimated_terms: list[SchoolTerm],
    bank_holidays: Mapping[date, str],
    *,
    provisional: bool,
) -> YearScore:
    published = SchoolCalendar(council, tuple(published_terms), bank_holidays)
    estimated = SchoolCalendar(council, tuple(estimated_terms), bank_holidays)
    first = date(int(label[:4]), 9, 1)
    days = [first + timedelta(days=n) for n in range((date(first.year + 1, 9, 1) - first).days)]
    agree = [published.is_school_day(day) == estimated.is_school_day(day) for day in days]
    weekdays = [ok for day, ok in zip(days, agree, strict=True) if day.weekday() < 5]
    return YearScore(
        council=council,
        year=label,
        days=len(days),
        right=sum(agree),
        weekdays=len(weekdays),
        weekdays_right=sum(weekdays),
        worst_holiday_shift=_worst_shift(_holidays(published, days), _holidays(estimated, days)),
        provisional=provisional,
    )


def _holidays(calendar: SchoolCalendar, days: list[date]) -> list[tuple[date, date]]:
    """Runs of weekdays off, at least HOLIDAY_WEEKDAYS long, first and last weekday."""
    runs: list[list[date]] = []
    for day in (d for d in days if d.weekday() < 5):
        if calendar.is_school_day(day):
            runs.append([])
        elif runs and runs[-1]:
            runs[-1].append(day)
        else:
            runs.append([day])
    return [(run[0], run[-1]) for run in runs if len(run) >= HOLIDAY_WEEKDAYS]


def _worst_shift(published: list[tuple[date, date]], estimated: list[tuple[date, date]]) -> int:
    """The most days any published holiday's start or end is from the estimate's nearest."""
    worst = 0
    for first, last in published:
        shifts = [
            max(abs((first - other_first).days), abs((last - other_last).days))
            for other_first, other_last in estimated
        ]
        worst = max(worst, min(shifts, default=366))
    return worst
