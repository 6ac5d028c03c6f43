"""How reading a person's own calendar (`--busy`) grows with its size.

Issue 20 measured 90,000 plain events (11 MB) at 23 s and 650 MB, and a repeating rule could
run without end. This writes calendars of growing size, as an export of years of a working
life looks (single meetings over twelve years, a weekly club per 50 events, all-day events
marked free), reads each with `read_busy_calendar` for a plan's dates, and prints the median
time and peak memory (tracemalloc) beside the ratio of sizes: linear growth keeps the ratios
about equal.

Run from the checkout: `.venv/bin/python bench/busy.py`. Nothing here asserts a time.
"""

from __future__ import annotations

import statistics
import tempfile
import time
import tracemalloc
from datetime import date
from pathlib import Path

from npqplan.busyics import read_busy_calendar

RUNS = 3
SIZES = (5_000, 10_000, 20_000, 40_000)
FIRST, LAST = date(2024, 9, 2), date(2026, 3, 16)


def calendar(events: int) -> str:
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//npqplan bench//EN"]
    for n in range(events):
        year, month, day = 2014 + n % 13, 1 + n // 13 % 12, 1 + n // 156 % 28
        when = f"{year}{month:02d}{day:02d}"
        lines += ["BEGIN:VEVENT", f"UID:{n}@bench", "DTSTAMP:20240101T000000Z",
                  f"SUMMARY:Meeting {n} about the timetable and the next inspection"]  # fmt: skip
        if n % 50 == 0:
            lines += [f"DTSTART;TZID=Europe/London:{when}T160000", "DURATION:PT1H",
                      "RRULE:FREQ=WEEKLY;COUNT=30"]  # fmt: skip
        elif n % 10 == 0:
            lines += [f"DTSTART;VALUE=DATE:{when}", "TRANSP:TRANSPARENT"]
        else:
            lines += [f"DTSTART:{when}T100000", f"DTEND:{when}T110000"]
        lines += ["DESCRIPTION:Agenda attached\\, minutes to follow", "END:VEVENT"]
    lines.append("END:VCALENDAR")
    return "\r\n".join(lines) + "\r\n"


def main() -> None:
    print(f"read_busy_calendar for {FIRST}..{LAST}, median of {RUNS} runs")
    print(f"{'events':>8} {'MB':>6} {'median s':>9} {'peak MB':>8} {'x size':>7} {'x time':>7}")
    before: tuple[int, float] | None = None
    with tempfile.TemporaryDirectory() as folder:
        for size in SIZES:
            path = Path(folder) / f"busy-{size}.ics"
            path.write_text(calendar(size), encoding="utf-8")
            times = []
            for _ in range(RUNS):
                began = time.perf_counter()
                reading = read_busy_calendar(path, FIRST, LAST)
                times.append(time.perf_counter() - began)
            tracemalloc.start()
            read_busy_calendar(path, FIRST, LAST)
            peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            median = statistics.median(times)
            ratios = (f"{size / before[0]:7.2f} {median / before[1]:7.2f}" if before
                      else f"{'':7} {'':7}")  # fmt: skip
            megabytes = path.stat().st_size / 2**20
            print(
                f"{size:>8,} {megabytes:6.1f} {median:9.3f} {peak / 2**20:8.1f} {ratios}"
                f"   ({reading.summary.times} busy times)"
            )
            before = (size, median)


if __name__ == "__main__":
    main()
