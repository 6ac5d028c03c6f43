"""Term dates for a school year no one gave: other councils' common dates, else the usual rule.

The rule and its thresholds were chosen by `backtest.backtest` against every bundled year; the
README's calendar section has its table. Data in, data out: no clock, no files.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from itertools import pairwise

from dateutil.easter import easter
from dateutil.relativedelta import MO, relativedelta

from npqplan.schema import Break, SchoolTermDates, SchoolYearDates

TEACHER_DAYS = 195
# Fewer published councils than this and their dates are too few to call common.
CONSENSUS_FROM = 3
_TERMS = ("Autumn", "Spring", "Summer")
# One term as nine dates reduce to: first day, last day, and its half-term's first and last
# weekday (councils write a half-term as Monday to Friday or as Saturday to Sunday).
_Shape = tuple[date, date, date, date]


def estimate_year(
    first_year: int,
    published: Sequence[SchoolYearDates] = (),
    bank_holidays: Mapping[date, str] | None = None,
) -> SchoolYearDates:
    """School year `first_year`/`first_year + 1`: the dates most of `published` (other councils'
    dates for that year) share where at least three published it, else the usual pattern."""
    label = f"{first_year}/{(first_year + 1) % 100:02d}"
    rule = _rule_shapes(first_year, bank_holidays or {})
    shapes = [s for s in (_shapes(year) for year in published) if s is not None]
    if len(shapes) >= CONSENSUS_FROM:
        common = tuple(
            tuple(
                _most_common([shape[term][part] for shape in shapes], rule[term][part])
                for part in range(4)
            )
            for term in range(3)
        )
        if _valid(common):  # type: ignore[arg-type]
            councils = len(shapes)
            return _year(label, common, f"estimated: the dates most of {councils} councils share")  # type: ignore[arg-type]
    return _year(label, rule, "estimated from the usual English pattern")


def _rule_shapes(first_year: int, bank_holidays: Mapping[date, str]) -> tuple[_Shape, ...]:
    """The usual pattern, checked against every bundled year.

    Autumn: first weekday of September; half-term the week of the last Monday in October; ends
    on the Friday two weeks and three days before spring starts (a two-week Christmas holiday;
    when Christmas Day is a Monday, Thursday 21 December to Wednesday 3 January).
    Spring: first Monday on or after 3 January; half-term the week of the first Monday on or
    after 11 February. The Easter holiday depends on Easter: two weeks from Good Friday when
    Easter Sunday falls by 5 April; the week before Easter and the week after between 6 and
    12 April; the two weeks before Easter Monday from 13 April (in 2025, Easter 20 April,
    nine of twelve councils broke up on 4 April). Summer: half-term the week of the late-May
    bank holiday; ends on the weekday that makes the year 195 days.
    """
    spring_year = first_year + 1
    autumn_start = _first_weekday_from(date(first_year, 9, 1))
    october_half = date(first_year, 10, 31) + relativedelta(weekday=MO(-1))
    spring_start = date(spring_year, 1, 3) + relativedelta(weekday=MO(+1))
    autumn_end = spring_start - timedelta(days=17)
    if date(first_year, 12, 25).weekday() == 0:
        # Christmas on a Monday: councils split between the fortnight before New Year and the
        # fortnight after it (Kent and Birmingham in 2023); Hampshire's 2028/29 takes the middle,
        # Thursday 21 December to Wednesday 3 January (Portsmouth News, 28 October 2024).
        autumn_end, spring_start = date(first_year, 12, 20), date(spring_year, 1, 4)
    february_half = date(spring_year, 2, 11) + relativedelta(weekday=MO(+1))
    sunday = easter(spring_year)
    if sunday <= date(spring_year, 4, 5):
        spring_end, summer_start = sunday - timedelta(days=2), sunday + timedelta(days=15)
    elif sunday <= date(spring_year, 4, 12):
        spring_end, summer_start = sunday - timedelta(days=9), sunday + timedelta(days=8)
    else:
        spring_end, summer_start = sunday - timedelta(days=16), sunday + timedelta(days=2)
    may_half = date(spring_year, 5, 31) + relativedelta(weekday=MO(-1))
    week = timedelta(days=4)
    shapes: list[_Shape] = [
        (autumn_start, autumn_end, october_half, october_half + week),
        (spring_start, spring_end, february_half, february_half + week),
        (summer_start, date(spring_year, 7, 18), may_half, may_half + week),
    ]
    summer_end = _day_making_the_year(shapes, bank_holidays)
    shapes[2] = (summer_start, summer_end, may_half, may_half + week)
    return tuple(shapes)


def _day_making_the_year(shapes: list[_Shape], bank_holidays: Mapping[date, str]) -> date:
    """The summer term's last day: the weekday that makes the year 195 days, 18 to 24 July."""
    needed = TEACHER_DAYS - sum(
        _days_open(first, last, half, bank_holidays) for first, last, *half in shapes[:2]
    )
    summer_start, _, *half = shapes[2]
    day = summer_start
    latest = date(summer_start.year, 7, 24)
    while day < latest:
        needed -= _is_open(day, half, bank_holidays)
        if needed <= 0:
            break
        day += timedelta(days=1)
    return max(day, _first_weekday_from(date(summer_start.year, 7, 18)))


def _days_open(first: date, last: date, half: list[date], holidays: Mapping[date, str]) -> int:
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return sum(_is_open(day, half, holidays) for day in days)


def _is_open(day: date, half: list[date], holidays: Mapping[date, str]) -> bool:
    return day.weekday() < 5 and day not in holidays and not half[0] <= day <= half[1]


def _shapes(year: SchoolYearDates) -> tuple[_Shape, ...] | None:
    """A published year as three term shapes, or None if it is not three terms with a half-term
    each (a school's own odd year says nothing about the common pattern)."""
    if tuple(term.name for term in year.terms) != _TERMS:
        return None
    found = []
    for term in year.terms:
        halves = [b for b in term.breaks if b.name == "Half-term"] or list(term.breaks)
        if len(halves) != 1:
            return None
        first = _first_weekday_from(halves[0].start)
        last = _last_weekday_until(halves[0].end)
        found.append((term.start, term.end, first, last))
    return tuple(found)


def _most_common(values: list[date], rule: date) -> date:
    """The date most give; a tie goes to the one nearest the rule's, then the earlier."""
    counts = Counter(values)
    return min(counts, key=lambda day: (-counts[day], abs((day - rule).days), day))


def _valid(shapes: tuple[_Shape, ...]) -> bool:
    inside = all(start < first <= last < end for start, end, first, last in shapes)
    ordered = all(before[1] < after[0] for before, after in pairwise(shapes))
    return inside and ordered


def _year(label: str, shapes: tuple[_Shape, ...], source: str) -> SchoolYearDates:
    return SchoolYearDates(
        year=label,
        source=source,
        terms=tuple(
            SchoolTermDates(
                name=name,
                start=first,
                end=last,
                breaks=(Break(name="Half-term", start=half_first, end=half_last),),
            )
            for name, (first, last, half_first, half_last) in zip(_TERMS, shapes, strict=True)
        ),
    )


def _first_weekday_from(day: date) -> date:
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


def _last_weekday_until(day: date) -> date:
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day
