"""One plan in one process: the planning engine's own cost, side by side in one run.

Prints the median of RUNS calls for each case, with its ratio to npqel's plan:

- npqel: `build_plan` of the default npqel plan from 2024-09 on Kent's calendar, inputs
  loaded once (the programme, the calendar with its bank holidays), as a cohort or a warm
  command plans it; and the same with a calendar built anew for each plan.
- the largest bundled programme (by sessions in its plan).
- a synthetic programme with ten times npqel's components, over 36 months.
- npqel with a person's calendar of 6,400 busy times (the difference is what they cost).
- a re-plan of npqel on 2025-01-20 with nothing logged (everything owed so far moves).

Run from the checkout: `.venv/bin/python bench/plan.py` (`BENCH_RUNS=51` for steadier
medians). Nothing here asserts a time.
"""

from __future__ import annotations

import os
import statistics
import time
from collections.abc import Callable
from datetime import date, timedelta
from datetime import time as clock
from typing import Any

from npqplan.calendar import SchoolCalendar, build_calendar, england_bank_holidays
from npqplan.loader import bundled_programmes_dir, load_file, load_programme
from npqplan.plan import BusyTime, Plan, Preferences
from npqplan.request import bundled_calendar_path
from npqplan.scheduling import build_plan, replan
from npqplan.schema import Programme, TermDatesFile

RUNS = int(os.environ.get("BENCH_RUNS", "31"))
START = date(2024, 9, 2)
BUSY_TIMES = 6400  # 12 a weekday: about two and a half school years


def kent() -> SchoolCalendar:
    dates = load_file(bundled_calendar_path("kent"), TermDatesFile)
    return build_calendar(
        dates, date(2024, 8, 1), date(2028, 8, 31), england_bank_holidays(2024, 2029)
    )


def median_ms(run: Callable[[], Any]) -> float:
    run()  # once to warm what a process would have warm
    times = []
    for _ in range(RUNS):
        began = time.perf_counter()
        run()
        times.append((time.perf_counter() - began) * 1000)
    return statistics.median(times)


def ten_times(source: Programme) -> Programme:
    """`source` with each component ten times over (renamed apart), over 36 months."""
    data = source.model_dump(mode="json", exclude_none=True)
    for term in data["terms"]:
        term["components"] = [
            {**c, "name": f"{c['name']} ({n})", "dates": None} | {"dates": None}
            for n in range(10)
            for c in term["components"]
        ]
        for component in term["components"]:
            component.pop("dates")
    data["across_terms"] = [
        {**c, "name": f"{c['name']} ({n})"} for n in range(10) for c in data["across_terms"]
    ]
    data["id"], data["duration_months"] = "npqel-x10", 36
    data["weekly_target"]["max_hours"] = 40
    data.pop("declared_total", None)
    return Programme.model_validate(data)


def busy_times(count: int) -> frozenset[BusyTime]:
    """`count` busy stretches as a head teacher's calendar might hold them: the two hours
    before school in 10-minute slots (duties, calls), every weekday."""
    found: list[BusyTime] = []
    day = START
    while len(found) < count:
        if day.weekday() < 5:
            found += [
                BusyTime(day, clock(7 + m // 60, m % 60), clock(7 + (m + 10) // 60, (m + 10) % 60))
                for m in range(0, 120, 10)
            ]
        day += timedelta(days=1)
    return frozenset(found[:count])


def main() -> None:
    calendar = kent()
    npqel = load_programme(bundled_programmes_dir() / "npqel.yaml")
    bundled = [load_programme(p) for p in sorted(bundled_programmes_dir().glob("*.yaml"))]
    sizes = {p.id: len(build_plan(p, calendar, start=START).sessions) for p in bundled}
    largest = max(bundled, key=lambda p: sizes[p.id])
    big = ten_times(npqel)
    busy = Preferences(busy=busy_times(BUSY_TIMES))
    plan: Plan = build_plan(npqel, calendar, start=START)

    def fresh_calendar() -> Plan:
        return build_plan(npqel, kent_again(), start=START)

    def kent_again() -> SchoolCalendar:
        return SchoolCalendar(calendar.name, calendar.terms, calendar.bank_holidays)

    cases: list[tuple[str, Callable[[], Any]]] = [
        ("npqel plan", lambda: build_plan(npqel, calendar, start=START)),
        ("npqel plan, calendar built anew", fresh_calendar),
        (
            f"largest bundled ({largest.id}, {sizes[largest.id]} sessions)",
            lambda: build_plan(largest, calendar, start=START),
        ),
        (
            f"10x npqel's components, 36 months ({len(big.all_components())} components)",
            lambda: build_plan(big, calendar, start=START),
        ),
        (
            f"npqel with {BUSY_TIMES:,} busy times",
            lambda: build_plan(npqel, calendar, start=START, preferences=busy),
        ),
        (
            "re-plan of npqel on 2025-01-20",
            lambda: replan(plan, npqel, calendar, {}, date(2025, 1, 20), Preferences()),
        ),
    ]
    print(f"medians of {RUNS} runs in one process (ms), Kent, from {START}")
    base = None
    for name, run in cases:
        ms = median_ms(run)
        base = base or ms
        print(f"{name:<62} {ms:8.2f}  {ms / base:6.2f}x npqel")


if __name__ == "__main__":
    main()
