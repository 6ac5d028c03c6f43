"""How fast a whole cohort is planned, and `cohort dates` ranked: wall time, memory and growth.

What it measures, in one run, each line a real `python -m npqplan` subprocess (the venv's
interpreter, as a user runs it); the wall time includes starting Python and the report:

1. `cohort plan ROSTER npqel --out DIR --format json` on synthetic rosters:
   - "6 requests": two councils (kent, surrey) and three starts (September, January, April),
     so six distinct requests, at 1,000 and 10,000 participants. Participants with the same
     request share one plan: this is the cost of the files alone.
   - "all differ": every participant's request different (study days, study time, session
     length and weekly cap varied, over the same councils and starts), at 1,000 and 10,000:
     every one is planned.
   Each run plans, checks and writes every participant's ICS and JSON, each school's calendar,
   cover.csv and index.csv. `peak RSS` is the largest single process (wait4's maximum, the
   main one or a worker); `peak total` the largest sum over the run's processes, sampled every
   0.1 s from /proc.
2. The growth from 1,000 to 10,000 of each shape: seconds a participant at 10,000 over those
   at 1,000 (flat is 0%).
3. `cohort dates ROSTER --days 2 --between ...` over 750 and 1,500 participants and 12 and 24
   months, to show the time linear in participants and in days.
4. The per-participant costs in one process (medians): planning, the calendar once per plan
   (`shared_calendar`) and each participant's copy of it (`for_key`), and the JSON.
5. BENCH_OTHERS=1 adds a 100-participant "6 requests" roster for every other programme.

Nothing here asserts a time; it only prints. Run from the checkout with the venv's interpreter:
`.venv/bin/python bench/cohort.py`. BENCH_SIZES (default "1000,10000") sets the roster sizes.
"""

from __future__ import annotations

import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path

from commands import base_env, repeat_for  # bench/ is this script's folder, first on sys.path

from npqplan import formats, ics
from npqplan.loader import bundled_programmes_dir
from npqplan.request import (
    PlanRequest,
    bundled_calendars,
    calendar_for,
    load_term_dates,
    make_plan,
    parse_start,
    plan_with,
)

SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "1000,10000").split(",")]
STARTS = ("2024-09", "2025-01", "2025-04")
COUNCILS = ("kent", "surrey")
PROGRAMME = "npqel"
IN_PROCESS_SECONDS = 2.0
NPQPLAN = [sys.executable, "-m", "npqplan"]
HEADER = "id,name,school,start,calendar,study_days,study_time,session_hours,weekly_cap\n"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")


def varied() -> Iterator[tuple[str, str, str, str]]:
    """Study days, time, session length and weekly cap, every combination once."""
    days = [
        ",".join(chosen)
        for size in range(1, len(WEEKDAYS) + 1)
        for chosen in itertools.combinations(WEEKDAYS, size)
    ]  # 31 sets of days
    # Each a start from which the longest session ends by the default latest end, 21:30.
    times = [f"{hour}:{minute:02d}" for hour in range(15, 20) for minute in (0, 15, 30, 45)]
    lengths = ("1", "1.5", "0.75", "1.25", "0.5")
    caps = ("", "3", "2.5", "4")  # 31 x 20 x 5 x 4 = 12,400 combinations
    for cap, length, clock, chosen in itertools.product(caps, lengths, times, days):
        yield chosen, clock, length, cap


def roster(path: Path, size: int, *, differ: bool) -> Path:
    """`size` participants over COUNCILS and STARTS, 5 to a school; with `differ` every one's
    study options differ from everyone else's."""
    options = varied() if differ else itertools.repeat(("", "", "", ""))
    lines = []
    for n, (chosen, clock, length, cap) in zip(range(size), options, strict=False):
        start = STARTS[n % len(STARTS)]
        council = COUNCILS[(n // len(STARTS)) % len(COUNCILS)]
        fields = (f"p{n:05d}", f"Participant {n}", f"School {n // 5}", start, council)
        lines.append(",".join((*fields, f'"{chosen}"', clock, length, cap)) + "\n")
    if len(lines) < size:
        sys.exit(f"only {len(lines)} different requests for a roster of {size}")
    path.write_text(HEADER + "".join(lines), encoding="utf-8")
    return path


def dates_roster(path: Path, size: int) -> Path:
    """`size` participants over every bundled calendar, for `cohort dates`."""
    calendars = bundled_calendars()
    rows = (
        f"p{n:05d},Participant {n},School {n // 5},{STARTS[n % len(STARTS)]},"
        f"{calendars[n % len(calendars)]},,,,\n"
        for n in range(size)
    )
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def _tree_rss(root: int) -> int:
    """The resident memory in KiB of `root` and every process below it."""
    parents: dict[int, int] = {}
    sizes: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", encoding="ascii") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        sizes[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
    total, wanted = 0, {root}
    for pid in sorted(parents):  # children have higher pids than their parents, almost always
        if pid in wanted or parents[pid] in wanted:
            wanted.add(pid)
            total += sizes.get(pid, 0)
    return total


def run(work: Path, args: list[str]) -> tuple[float, float, float]:
    """Wall seconds, the largest process's peak RSS and the largest total RSS, in MiB."""
    began = time.perf_counter()
    process = subprocess.Popen(
        [*NPQPLAN, *args],
        env=base_env(work),
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    peak_total = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.1):
            peak_total[0] = max(peak_total[0], _tree_rss(process.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # wait4's usage is this run's own: its largest process, the main one or a worker.
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - began
    done.set()
    sampler.join()
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1):
        sys.exit(f"{' '.join(args)} failed ({code})")
    return elapsed, usage.ru_maxrss / 1024, peak_total[0] / 1024


def per_plan(cache_dir: Path) -> dict[str, float]:
    """Median seconds of each step of one participant's plan, npqel from 2024-09."""
    request = PlanRequest(programme=PROGRAMME, start="2024-09")
    planned = make_plan(request, None, cache_dir)
    start = parse_start(request.start)
    dates = load_term_dates(request, None)
    calendar = calendar_for(planned.programme, dates, start, cache_dir)
    plan = planned.plan
    stamp = datetime(2025, 1, 1, tzinfo=UTC)
    key = ics.plan_key(plan.programme_id, start)
    shared = ics.shared_calendar(plan, key=key, generated_at=stamp)
    mine = ics.plan_key(plan.programme_id, start, participant="p00001")
    steps: dict[str, Callable[[], object]] = {
        "make_plan (load+schedule+check)": lambda: make_plan(request, None, cache_dir),
        "plan_with (loaded once)": lambda: plan_with(request, planned.entry, calendar, None),
        "export_calendar (icalendar)": lambda: ics.export_calendar(
            plan, key=key, generated_at=stamp
        ),
        "shared_calendar (once a plan)": lambda: ics.shared_calendar(
            plan, key=key, generated_at=stamp
        ),
        "for_key (each participant)": lambda: shared.for_key(mine),
        "plan_json (once a plan)": lambda: formats.plan_json(plan),
    }
    return {
        name: statistics.median(repeat_for(IN_PROCESS_SECONDS, call))
        for name, call in steps.items()
    }


def main() -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"npqplan cohort benchmark; python {sys.version.split()[0]}; {cores} cores")
    print(f"councils {', '.join(COUNCILS)}; starts {', '.join(STARTS)}")
    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print()
    with tempfile.TemporaryDirectory(prefix="npqplan-cohort-bench-") as folder:
        work = Path(folder)
        warm = roster(work / "warm.csv", 3, differ=False)
        run(work, ["cohort", "plan", str(warm), PROGRAMME, "--out", str(work / "warm")])
        print(f"{'cohort plan':<22} {'participants':>12} {'wall':>8} {'ms each':>8} "
              f"{'peak RSS':>9} {'peak total':>11}")  # fmt: skip
        each: dict[tuple[str, int], float] = {}
        shapes = [("6 requests", False), ("all differ", True)]
        runs = [(PROGRAMME, name, differ, size) for name, differ in shapes for size in SIZES]
        if os.environ.get("BENCH_OTHERS") == "1":
            others = sorted(p.stem for p in bundled_programmes_dir().glob("*.yaml"))
            runs += [(name, "6 requests", False, 100) for name in others if name != PROGRAMME]
        for programme, shape, differ, size in runs:
            label = f"{programme}, {shape}"
            path = roster(work / f"{programme}-{shape[:3]}-{size}.csv", size, differ=differ)
            out = work / f"run-{programme}-{shape[:3]}-{size}"
            args = ["cohort", "plan", str(path), programme, "--out", str(out), "--format", "json"]
            wall, peak, total = run(work, args)
            if programme == PROGRAMME:
                each[(shape, size)] = wall / size
            print(
                f"{label:<22} {size:>12,} {wall:>7.1f}s {wall / size * 1000:>8.2f} "
                f"{peak:>7.0f}MB {total:>9.0f}MB"
            )
        print()
        for shape, _ in shapes:
            if (shape, 1000) in each and (shape, 10000) in each:
                growth = each[(shape, 10000)] / each[(shape, 1000)] - 1
                print(f"growth 1,000 -> 10,000, {shape}: {growth:+.1%} a participant (flat is 0%)")
        print()
        print(f"{'cohort dates --days 2':<22} {'participants':>12} {'months':>7} {'wall':>8} "
              f"{'peak RSS':>9}")  # fmt: skip
        for size, months in ((750, 24), (1500, 12), (1500, 24)):
            path = dates_roster(work / f"dates-{size}.csv", size)
            index = 2024 * 12 + 8 + months - 1  # months from September 2024, zero-based
            last = date(index // 12, index % 12 + 1, 1)
            between = f"2024-09..{last:%Y-%m}"
            args = ["cohort", "dates", str(path), "--days", "2", "--between", between]
            wall, peak, _ = run(work, [*args, "--format", "json"])
            print(f"{'':<22} {size:>12,} {months:>7} {wall:>7.2f}s {peak:>7.0f}MB")
        print()
        print(f"per participant in one process, {PROGRAMME} from 2024-09 (medians):")
        for name, seconds in per_plan(work / "in-process-cache").items():
            print(f"  {name:<34} {seconds * 1000:8.2f} ms")
    print()
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
