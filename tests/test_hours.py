"""check_hours on hand-made programmes over a hand-made term, against figures worked by hand.

The term copies Kent's autumn 2024: Monday 2 September to 20 December, half-term 28 October to
1 November. A 3-month programme from 2 September runs to Sunday 1 December, so its plan has 13
weeks, 12 of them in term time (the half-term week, 28 October, is the holiday).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from npqplan.calendar import Break, SchoolCalendar, SchoolTerm
from npqplan.formats import hours_report_dict as report_dict
from npqplan.hours import HoursReport, Verdict, check_hours
from npqplan.loader import load_programme
from npqplan.plan import Plan
from npqplan.scheduling import build_plan

FIXTURES = Path(__file__).parent / "fixtures" / "hours"
AUTUMN_2024 = SchoolCalendar(
    "Hand-made autumn",
    (
        SchoolTerm(
            "Autumn 2024",
            date(2024, 9, 2),
            date(2024, 12, 20),
            (Break(name="Half-term", start=date(2024, 10, 28), end=date(2024, 11, 1)),),
            "2024/25",
        ),
    ),
    {},
)
TERM_WEEKS = [
    "2024-09-02", "2024-09-09", "2024-09-16", "2024-09-23", "2024-09-30", "2024-10-07",
    "2024-10-14", "2024-10-21", "2024-11-04", "2024-11-11", "2024-11-18", "2024-11-25",
]  # fmt: skip


def plan_of(name: str) -> Plan:
    programme = load_programme(FIXTURES / f"{name}.yaml")
    return build_plan(programme, AUTUMN_2024, start=date(2024, 9, 2))


def report_of(name: str) -> HoursReport:
    return check_hours(plan_of(name))


def weekly(report: HoursReport) -> list[float]:
    return [week.hours for week in report.plan.weeks]


def isoformat(days: list[date]) -> list[str]:
    return [day.isoformat() for day in days]


@pytest.mark.parametrize(
    ("name", "verdict"),
    [
        ("under", Verdict.UNDER),
        ("within", Verdict.WITHIN),
        ("top", Verdict.WITHIN),
        ("over", Verdict.OVER),
        ("crunch", Verdict.OVER),
    ],
)
def test_verdict_of_each_hand_made_programme(name: str, verdict: Verdict) -> None:
    assert report_of(name).verdict is verdict


def test_half_an_hour_a_week_is_under() -> None:
    # 6 h over 12 term weeks: 0.5 h in each; the half-term week is empty.
    report = report_of("under")
    assert weekly(report) == [0.5] * 8 + [0] + [0.5] * 4
    assert report.average_hours_per_week == 6 / 13
    assert report.average_hours_per_term_week == 0.5
    assert isoformat([f.week.week_start for f in report.weeks_under]) == TERM_WEEKS
    assert report.weeks_over == ()
    assert report.reasons[0] == "the term-time average, 0.50 h a week, is below 1–2 h"


def test_residential_week_is_over_but_excused_and_the_plan_within() -> None:
    # The 2-day residential (10 h) takes 14 October; 12 h of reading go 1 h a week into the
    # other 11 term weeks, and the half hour left over to the 3rd and 9th of them.
    report = report_of("within")
    assert weekly(report) == [1, 1, 1.5, 1, 1, 1, 10, 1, 0, 1, 1.5, 1, 1]
    assert report.total_hours == 22
    assert report.average_hours_per_week == 22 / 13
    assert report.average_hours_per_term_week == 22 / 12
    assert [(f.week.week_start, f.excused) for f in report.weeks_over] == [
        (date(2024, 10, 14), True)
    ]
    assert report.weeks_under == ()
    assert report.peak_week.week_start == date(2024, 10, 14)
    assert report.out_of_school_days == 2
    assert report.out_of_school_hours == 10
    assert [s.component for s in report.out_of_school] == ["Residential"]
    assert report.windows_over == ()
    assert report.reasons == (
        "the term-time average, 1.83 h a week, is inside 1–2 h",
        "no 4-week run averages above 2 h a week, except runs with a day event",
    )


def test_rolling_windows_skip_the_empty_half_term_and_excuse_the_residential() -> None:
    report = report_of("within")
    windows = [
        (w.first.isoformat(), w.last.isoformat(), w.hours, w.excused) for w in report.windows
    ]
    assert windows == [
        ("2024-09-02", "2024-09-23", 4.5, False),
        ("2024-09-09", "2024-09-30", 4.5, False),
        ("2024-09-16", "2024-10-07", 4.5, False),
        ("2024-09-23", "2024-10-14", 13, True),
        ("2024-09-30", "2024-10-21", 13, True),
        ("2024-10-07", "2024-11-04", 13, True),
        ("2024-10-14", "2024-11-11", 13.5, True),
        ("2024-10-21", "2024-11-18", 4.5, False),
        ("2024-11-04", "2024-11-25", 4.5, False),
    ]
    busiest = report.busiest_unexcused_window
    assert busiest is not None
    assert (busiest.first, busiest.average) == (date(2024, 9, 2), 1.125)


def test_exactly_the_top_of_the_band_is_within() -> None:
    report = report_of("top")
    assert weekly(report) == [2] * 8 + [0] + [2] * 4
    assert report.average_hours_per_term_week == 2
    assert report.weeks_over == ()
    assert report.windows_over == ()


def test_more_reading_than_the_cap_allows_is_over_in_every_week() -> None:
    report = report_of("over")
    assert weekly(report) == [2.5] * 8 + [0] + [2.5] * 4
    assert report.average_hours_per_term_week == 2.5
    assert isoformat([f.week.week_start for f in report.weeks_over]) == TERM_WEEKS
    assert not any(f.excused for f in report.weeks_over)
    assert len(report.windows_over) == 9
    assert report.reasons[0] == "the term-time average, 2.50 h a week, is above 1–2 h"


def test_a_month_of_fixed_evening_webinars_is_over_though_the_average_is_inside() -> None:
    # Webinars of 2 h twice a week for 3 weeks (12 h) and 2 h of reading in 4 half hours
    # spread over the 9 emptiest weeks: 14 h in 12 term weeks is 1.17 h a week, but the
    # 4 weeks from 23 September hold 12.5 h. Fixed evening sessions excuse nothing.
    report = report_of("crunch")
    assert weekly(report) == [0, 0.5, 0, 0.5, 4, 4, 4, 0, 0, 0.5, 0, 0.5, 0]
    assert report.average_hours_per_term_week == 14 / 12
    assert [(w.first.isoformat(), w.hours) for w in report.windows_over] == [
        ("2024-09-16", 8.5),
        ("2024-09-23", 12.5),
        ("2024-09-30", 12),
        ("2024-10-07", 8.5),
    ]
    assert isoformat([f.week.week_start for f in report.weeks_over]) == [
        "2024-09-30", "2024-10-07", "2024-10-14",
    ]  # fmt: skip
    assert len(report.weeks_under) == 9
    assert report.reasons == (
        "the term-time average, 1.17 h a week, is inside 1–2 h",
        "4-week runs above 2 h a week on average without a day event: 4; the busiest, "
        "from 2024-09-23, averages 3.12 h",
    )


def test_one_programme_term_and_its_holiday_week_form_one_group() -> None:
    [term] = report_of("within").terms
    assert (term.name, term.weeks, term.term_weeks, term.hours) == ("Term one", 13, 12, 22)
    assert term.average_hours_per_term_week == 22 / 12


def test_nothing_logged_means_no_progress() -> None:
    assert check_hours(plan_of("within"), logged={}, today=date(2024, 10, 1)).progress is None


def test_logged_hours_compare_with_the_plan_and_target_up_to_today() -> None:
    # Before Thursday 17 October: 6.5 h of reading (weeks of 2 September to 7 October); the
    # residential's first day is today's, still to do (planned to date counts the days before
    # today, as status does). Seven term weeks have begun (2 September to 14 October): target
    # 7 to 14 h. The entry dated 18 October is after today, not counted.
    logged = {date(2024, 9, 3): 1.0, date(2024, 10, 17): 5.0, date(2024, 10, 18): 5.0}
    progress = check_hours(plan_of("within"), logged=logged, today=date(2024, 10, 17)).progress
    assert progress is not None
    assert progress.logged == 6
    assert progress.planned == 6.5
    assert progress.term_weeks == 7
    assert progress.target_range == (7, 14)
    assert progress.against_target is Verdict.UNDER


def test_logged_hours_without_today_are_a_programming_error() -> None:
    with pytest.raises(ValueError, match="today"):
        check_hours(plan_of("within"), logged={date(2024, 9, 3): 1.0})


def test_report_json_has_the_documented_keys_and_values() -> None:
    data = report_dict(report_of("within"))
    assert data["programme"] == "hours-within"
    assert data["start"] == "2024-09-02"
    assert data["target"] == [1, 2]
    assert data["total_hours"] == 22
    assert data["weeks"] == 13
    assert data["term_weeks"] == 12
    assert data["average_hours_per_week"] == 22 / 13
    assert data["average_hours_per_term_week"] == 22 / 12
    assert data["weeks_over"] == ["2024-10-14"]
    assert data["weeks_under"] == []
    assert data["peak_week"] == {"week_start": "2024-10-14", "hours": 10}
    assert data["out_of_school"] == {"days": 2, "hours": 10}
    assert data["verdict"] == "within"
    assert data["flagged_weeks"][0]["excused"] is True
    assert data["flagged_weeks"][0]["sessions"][0]["component"] == "Residential"
    assert "progress" not in data
