"""The school calendar: terms, half-terms, holidays and England's bank holidays. No clock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from dateutil.easter import easter
from dateutil.relativedelta import FR, MO, relativedelta

from npqplan.errors import CalendarError
from npqplan.schema import LAST_YEAR, Break, SchoolYearDates, TermDatesFile

_HOLIDAY_AFTER = {
    "Autumn": "Christmas holiday",
    "Spring": "Easter holiday",
    "Summer": "Summer holiday",
}


@dataclass(frozen=True)
class SchoolTerm:
    """One school term, e.g. "Autumn 2024", with the breaks inside it."""

    name: str
    start: date
    end: date
    breaks: tuple[Break, ...]
    year: str
    estimated: bool = False
    provisional: bool = False

    def break_on(self, day: date) -> Break | None:
        return next((b for b in self.breaks if b.start <= day <= b.end), None)


@dataclass(frozen=True)
class SchoolCalendar:
    """Terms in order, plus England's bank holidays for the same span."""

    name: str
    terms: tuple[SchoolTerm, ...]
    bank_holidays: Mapping[date, str] = field(default_factory=dict, compare=False)

    def term_on(self, day: date) -> SchoolTerm | None:
        return next((t for t in self.terms if t.start <= day <= t.end), None)

    @cached_property
    def _school_day_answers(self) -> dict[date, bool]:
        # Each plan asks about its days many times, and a cohort about the same days again.
        return {}

    def is_school_day(self, day: date) -> bool:
        """A weekday in term, not in a half-term, not a bank holiday."""
        known = self._school_day_answers.get(day)
        if known is None:
            known = self._school_day_answers[day] = self._is_school_day(day)
        return known

    def _is_school_day(self, day: date) -> bool:
        if day.weekday() >= 5 or day in self.bank_holidays:
            return False
        term = self.term_on(day)
        return term is not None and term.break_on(day) is None

    def holiday_name(self, day: date) -> str | None:
        """Why a weekday is not a school day, or None on a school day."""
        if day in self.bank_holidays:
            return self.bank_holidays[day]
        term = self.term_on(day)
        if term is not None:
            found = term.break_on(day)
            return found.name if found else None
        before = [t for t in self.terms if t.end < day]
        if not before:
            return "Before the first term"
        return _HOLIDAY_AFTER.get(before[-1].name.split()[0], "School holiday")

    def estimated_years(self, first: date, last: date) -> list[str]:
        """The school years with a term from `first` to `last` that no one published."""
        return sorted({t.year for t in self.terms if t.estimated and _overlaps(t, first, last)})

    def describe(self, first: date, last: date) -> str:
        """The calendar's name, saying which of the years from `first` to `last` are not firm."""
        used = [t for t in self.terms if _overlaps(t, first, last)]
        provisional = sorted({t.year for t in used if t.provisional})
        estimated = self.estimated_years(first, last)
        notes = []
        if provisional:
            notes.append(f"provisional dates for {', '.join(provisional)}")
        if estimated:
            notes.append(f"estimated dates for {', '.join(estimated)}")
        return self.name + (f" ({'; '.join(notes)})" if notes else "")


def _overlaps(term: SchoolTerm, first: date, last: date) -> bool:
    return term.end >= first and term.start <= last


def school_year_of(day: date) -> int:
    """The first calendar year of the school year a day belongs to; August looks ahead."""
    return day.year if day.month >= 8 else day.year - 1


def year_label(first_year: int) -> str:
    return f"{first_year}/{(first_year + 1) % 100:02d}"


def build_calendar(
    dates: TermDatesFile, first: date, last: date, bank_holidays: Mapping[date, str]
) -> SchoolCalendar:
    """The terms of every school year from `first` to `last`: known dates, else estimates
    (marked, so that `estimated_years` can say which a plan stands on)."""
    if school_year_of(last) >= LAST_YEAR:
        # The school year that starts in 2100 ends in 2101, past every date npqplan handles.
        raise CalendarError(
            f"{last.isoformat()} is in the school year {year_label(school_year_of(last))}; "
            f"npqplan plans school years up to {year_label(LAST_YEAR - 1)}"
        )
    known = {int(year.year[:4]): year for year in dates.years}
    terms: list[SchoolTerm] = []
    for first_year in range(school_year_of(first), school_year_of(last) + 1):
        if first_year in known:
            terms.extend(_terms_of(known[first_year]))
        else:
            terms.extend(estimated_year(first_year))
    return SchoolCalendar(dates.name, tuple(terms), dict(bank_holidays))


def refuse_estimates(calendar: SchoolCalendar, first: date, last: date) -> None:
    """CalendarError naming exactly the school years from `first` to `last` that are estimated."""
    missing = calendar.estimated_years(first, last)
    if missing:
        raise CalendarError(
            f"{calendar.name} has no term dates for {', '.join(missing)}; give your school's "
            "dates as a terms file, or allow estimates from the usual English pattern"
        )


def _terms_of(year: SchoolYearDates) -> list[SchoolTerm]:
    first_year = int(year.year[:4])
    return [
        SchoolTerm(
            name=f"{term.name} {first_year if term.name == 'Autumn' else first_year + 1}",
            start=term.start,
            end=term.end,
            breaks=term.breaks
            + tuple(
                Break(name="INSET day", start=day, end=day)
                for day in year.inset_days
                if term.start <= day <= term.end
            ),
            year=year.year,
            provisional=year.provisional,
        )
        for term in year.terms
    ]


def estimated_year(first_year: int) -> list[SchoolTerm]:
    """The usual English pattern, for years no council has published yet.

    Autumn: first weekday of September to the last Friday on or before 20 December, half-term
    the week of the last Monday in October. Spring: the first Monday on or after 3 January to
    Good Friday, half-term the week of the third Monday in February. Summer: two weeks after
    Easter Monday to 21 July, half-term the week of the late-May bank holiday.
    """
    spring_year = first_year + 1
    autumn_start = _first_weekday_from(date(first_year, 9, 1))
    autumn_end = date(first_year, 12, 20) + relativedelta(weekday=FR(-1))
    october_half = date(first_year, 10, 31) + relativedelta(weekday=MO(-1))
    spring_start = date(spring_year, 1, 3) + relativedelta(weekday=MO(+1))
    february_half = date(spring_year, 2, 1) + relativedelta(weekday=MO(+3))
    easter_sunday = easter(spring_year)
    spring_end = easter_sunday - timedelta(days=2)
    summer_start = easter_sunday + timedelta(days=15)
    may_half = date(spring_year, 5, 31) + relativedelta(weekday=MO(-1))
    summer_end = _last_weekday_until(date(spring_year, 7, 21))

    def week_off(monday: date) -> tuple[Break, ...]:
        return (Break(name="Half-term", start=monday, end=monday + timedelta(days=4)),)

    label = year_label(first_year)
    return [
        SchoolTerm(
            f"Autumn {first_year}", autumn_start, autumn_end, week_off(october_half), label, True
        ),
        SchoolTerm(
            f"Spring {spring_year}", spring_start, spring_end, week_off(february_half), label, True
        ),
        SchoolTerm(
            f"Summer {spring_year}", summer_start, summer_end, week_off(may_half), label, True
        ),
    ]


def _first_weekday_from(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _last_weekday_until(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def school_days(calendar: SchoolCalendar, first: date, last: date) -> Sequence[date]:
    span = (last - first).days + 1
    days = (first + timedelta(days=offset) for offset in range(span))
    return [day for day in days if calendar.is_school_day(day)]


def england_bank_holidays(first_year: int, last_year: int) -> dict[date, str]:
    """Weekday bank holidays in England, from the maintained `holidays` package.

    Substitute days are included and the weekend days they stand in for are not, so every day
    here is a weekday a school is closed.
    """
    import holidays  # about 50 ms to import: only a plan whose years are not cached needs it

    found = holidays.country_holidays("GB", subdiv="ENG", years=range(first_year, last_year + 1))
    return {day: str(name) for day, name in sorted(found.items()) if day.weekday() < 5}
