"""How the scheduler's time grows with a programme's size: events, self-directed components, weeks.

Issue 14 measured two places that grew faster than the programme: placing each event
(50 -> 225 events: 5 -> 29 ms) and dealing self-study among components (100 -> 400
components: 18 -> 107 ms). This prints the median time of `build_plan` for programmes of each
size, side by side, and the ratio of each step to the one before beside the ratio of sizes:
linear growth keeps the two about equal.

Run from the checkout: `.venv/bin/python bench/growth.py`. Nothing here asserts a time.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from datetime import date
from typing import Any

from npqplan.calendar import SchoolCalendar, build_calendar, england_bank_holidays
from npqplan.loader import load_file
from npqplan.request import bundled_calendar_path
from npqplan.scheduling import build_plan
from npqplan.schema import Programme, TermDatesFile

RUNS = 7
START = date(2024, 9, 2)


def kent() -> SchoolCalendar:
    dates = load_file(bundled_calendar_path("kent"), TermDatesFile)
    return build_calendar(
        dates, date(2024, 8, 1), date(2028, 8, 31), england_bank_holidays(2024, 2029)
    )


def programme(components: list[dict[str, Any]], months: int = 18) -> Programme:
    return Programme.model_validate(
        {
            "id": "growth",
            "title": "Growth",
            "qualification": "NPQH",
            "provider": "Bench",
            "duration_months": months,
            "sources": [{"doc": "none", "title": "none"}],
            "weekly_target": {"min_hours": 1, "max_hours": 40},
            # Five programme terms share the components (a term holds at most 100).
            "terms": [
                {"name": f"Term {n + 1}", "components": components[n::5]}
                for n in range(min(5, len(components)))
            ],
        }
    )


def events(count: int) -> Programme:
    return programme(
        [
            {"name": f"Event {n}", "kind": "webinar", "delivery": "online", "hours": 1,
             "assumed": "bench"}
            for n in range(count)
        ]
    )  # fmt: skip


def self_directed(count: int) -> Programme:
    return programme(
        [
            {"name": f"Reading {n}", "kind": "self-study", "delivery": "self-directed",
             "hours": 0.5, "assumed": "bench"}
            for n in range(count)
        ]
    )  # fmt: skip


def weeks(months: int) -> Programme:
    return programme(
        [
            {"name": "Reading", "kind": "self-study", "delivery": "self-directed",
             "hours": months * 4, "assumed": "bench"},
            {"name": "Clinic", "kind": "webinar", "delivery": "online", "session_minutes": 60,
             "cadence": "every week", "assumed": "bench"},
        ],
        months=months,
    )  # fmt: skip


def median_ms(make: Callable[[], Programme], calendar: SchoolCalendar) -> float:
    source = make()
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        build_plan(source, calendar, start=START)
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def main() -> None:
    calendar = kent()
    series: list[tuple[str, Callable[[int], Programme], list[int]]] = [
        ("events", events, [40, 80, 160]),
        ("self-directed components", self_directed, [100, 200, 400]),
        ("months (weekly sessions)", weeks, [9, 18, 36]),
    ]
    print(f"build_plan medians of {RUNS} runs, Kent, from {START}")
    for name, make, sizes in series:
        print(f"\n{name:>28}  {'ms':>8}  {'size x':>6}  {'time x':>6}")
        previous: tuple[int, float] | None = None
        for size in sizes:
            ms = median_ms(lambda size=size: make(size), calendar)  # type: ignore[misc]  # noqa: B023
            ratios = f"{size / previous[0]:6.2f}  {ms / previous[1]:6.2f}" if previous else " " * 14
            print(f"{size:>28}  {ms:8.1f}  {ratios}")
            previous = (size, ms)


if __name__ == "__main__":
    main()
