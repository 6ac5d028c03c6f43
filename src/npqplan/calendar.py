"""The school calendar: terms, half-terms, holidays and England's bank holidays. No clock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property

from npqplan.errors import CalendarError
from npqplan.estimates import estimate_year
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
    # Whose dates these are (a council's or a school's name), when a calendar mixes sources.
    origin: str = ""

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

    def provisional_years(self, first: date, last: date) -> list[str]:
        """The school years with a term from `first` to `last` that one source alone gives."""
        return sorted({t.year for t in self.terms if t.provisional and _overlaps(t, first, last)})

    def unsure_on(self, day: date) -> str | None:
        """ "estimated" or "provisional" when the school year of `day` is, else None."""
        label = year_label(school_year_of(day))
        term = next((t for t in self.terms if t.year == label), None)
        if term is None or not (term.estimated or term.provisional):
            return None
        return "estimated" if term.estimated else "provisional"

    def describe(self, first: date, last: date) -> str:
        """The calendar's name, saying where each of the years from `first` to `last` comes from
        when it is not this calendar, and which are not firm."""
        used = [t for t in self.terms if _overlaps(t, first, last)]
        provisional = self.provisional_years(first, last)
        estimated = self.estimated_years(first, last)
        notes = []
        origins: dict[str, list[str]] = {}
        for term in used:
            if (
                term.origin
                and term.origin != self.name
                and term.year not in origins.get(term.origin, [])
            ):
                origins.setdefault(term.origin, []).append(term.year)
        for origin, years in origins.items():
            notes.append(f"{origin} for {', '.join(years)}")
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
    dates: TermDatesFile | Sequence[TermDatesFile],
    first: date,
    last: date,
    bank_holidays: Mapping[date, str],
    published: Sequence[TermDatesFile] = (),
) -> SchoolCalendar:
    """The terms of every school year from `first` to `last`.

    `dates` is one source of term dates or several, first wins (a school's own file, then its
    council). A year none of them has is estimated, from the dates most of the `published`
    calendars share for it where three or more have it (marked, so that `estimated_years`
    can say which a plan stands on).
    """
    if school_year_of(last) >= LAST_YEAR:
        # The school year that starts in 2100 ends in 2101, past every date npqplan handles.
        raise CalendarError(
            f"{last.isoformat()} is in the school year {year_label(school_year_of(last))}; "
            f"npqplan plans school years up to {year_label(LAST_YEAR - 1)}"
        )
    sources = (dates,) if isinstance(dates, TermDatesFile) else tuple(dates)
    mine = {source.id for source in sources}
    terms: list[SchoolTerm] = []
    for first_year in range(school_year_of(first), school_year_of(last) + 1):
        label = year_label(first_year)
        given = next(
            ((source, year) for source in sources for year in source.years if year.year == label),
            None,
        )
        if given is not None:
            terms.extend(terms_of(given[1], given[0].name))
        else:
            others = [
                year
                for calendar in published
                if calendar.id not in mine
                for year in calendar.years
                if year.year == label and not year.assumed
            ]
            terms.extend(estimated_year(first_year, others, bank_holidays))
    return SchoolCalendar(sources[0].name, tuple(terms), dict(bank_holidays))


def differing_years(mine: TermDatesFile, other: TermDatesFile) -> list[str]:
    """The school years both give whose terms and half-terms differ on a weekday (INSET days,
    which councils leave to each school, aside)."""
    theirs = {year.year: year for year in other.years}
    return [
        year.year
        for year in mine.years
        if year.year in theirs and _term_weekdays(year) != _term_weekdays(theirs[year.year])
    ]


def _term_weekdays(year: SchoolYearDates) -> frozenset[date]:
    days = set()
    for term in year.terms:
        for offset in range((term.end - term.start).days + 1):
            day = term.start + timedelta(days=offset)
            if day.weekday() < 5 and not any(b.start <= day <= b.end for b in term.breaks):
                days.add(day)
    return frozenset(days)


def refuse_estimates(calendar: SchoolCalendar, first: date, last: date) -> None:
    """CalendarError naming exactly the school years from `first` to `last` that are estimated."""
    missing = calendar.estimated_years(first, last)
    if missing:
        raise CalendarError(
            f"{calendar.name} has no term dates for {', '.join(missing)}; give your school's "
            "dates as a terms file, or allow estimates from the usual English pattern"
        )


def terms_of(year: SchoolYearDates, origin: str, estimated: bool = False) -> list[SchoolTerm]:
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
            estimated=estimated,
            provisional=year.provisional,
            origin=origin,
        )
        for term in year.terms
    ]


def estimated_year(
    first_year: int,
    published: Sequence[SchoolYearDates] = (),
    bank_holidays: Mapping[date, str] | None = None,
) -> list[SchoolTerm]:
    """The terms of a year no one gave: see `estimates.estimate_year` for how."""
    return terms_of(estimate_year(first_year, published, bank_holidays), "", estimated=True)


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
