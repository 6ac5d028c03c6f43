"""How fast a whole cohort is planned: participants a second, wall time and growth with size.

What it measures, in one run:

1. `npqplan cohort plan ROSTER npqel --out DIR --format json`, run as a user runs it
   (`python -m npqplan`, the venv's interpreter), on synthetic rosters of 100, 1,000 and 10,000
   participants spread over every bundled calendar and three start months (September, January,
   April). Each run plans, checks and writes every participant's ICS and JSON; the wall time
   includes starting Python and the report. The peak RSS is the largest of the run's processes
   (the main one or a worker), which should not grow with the roster beyond the report.
2. A 100-participant roster for every other bundled programme, so no programme is left slow.
3. The per-plan cost in one process for npqel from 2024-09 (median): `make_plan` as a single
   `schedule` pays it, the plan alone on inputs a cohort loads once (`plan_with`), and the two
   files each participant gets (`export_calendar`, `plan_json`).
4. The growth from 1,000 to 10,000: seconds a participant at 10,000 over those at 1,000.

Nothing here asserts a time; it only prints. Run from the checkout with the venv's interpreter:
`.venv/bin/python bench/cohort.py`. BENCH_SIZES (default "100,1000,10000") sets the roster sizes.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
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

SIZES = [int(size) for size in os.environ.get("BENCH_SIZES", "100,1000,10000").split(",")]
STARTS = ("2024-09", "2025-01", "2025-04")
PROGRAMME = "npqel"
IN_PROCESS_SECONDS = 2.0
NPQPLAN = [sys.executable, "-m", "npqplan"]
HEADER = "id,name,school,start,calendar\n"


def roster(path: Path, size: int) -> Path:
    """`size` participants over every bundled calendar and STARTS, 5 to a school."""
    calendars = bundled_calendars()
    rows = (
        f"p{n:05d},Participant {n},School {n // 5},{STARTS[n % len(STARTS)]},"
        f"{calendars[n % len(calendars)]}\n"
        for n in range(size)
    )
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def cohort_run(work: Path, size: int, programme: str) -> tuple[float, int, float]:
    """Wall seconds, files written, and the peak RSS in MiB of the run's largest process."""
    path = roster(work / f"roster-{programme}-{size}.csv", size)
    out = work / f"run-{programme}-{size}"
    began = time.perf_counter()
    process = subprocess.Popen(
        [*NPQPLAN, "cohort", "plan", str(path), programme, "--out", str(out), "--format", "json"],
        env=base_env(work),
        cwd=work,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    # wait4's usage is this run's own: its largest process, the main one or a worker.
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - began
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, 1):
        sys.exit(f"cohort plan of {size} failed ({process.returncode})")
    return elapsed, len(os.listdir(out)), usage.ru_maxrss / 1024


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
    steps = {
        "make_plan (load+schedule+check)": lambda: make_plan(request, None, cache_dir),
        "plan_with (loaded once)": lambda: plan_with(request, planned.entry, calendar, None),
        "export_calendar (icalendar)": lambda: ics.export_calendar(
            plan, key=key, generated_at=stamp
        ),
        "plan_json": lambda: formats.plan_json(plan),
    }
    return {
        name: statistics.median(repeat_for(IN_PROCESS_SECONDS, call))
        for name, call in steps.items()
    }


def main() -> None:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(f"npqplan cohort benchmark; python {sys.version.split()[0]}; {cores} cores")
    print(f"rosters over {len(bundled_calendars())} calendars and starts {', '.join(STARTS)}")
    print(f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    print()
    with tempfile.TemporaryDirectory(prefix="npqplan-cohort-bench-") as folder:
        work = Path(folder)
        cohort_run(work, 3, PROGRAMME)  # warm-up: bytecode, the parse and bank-holiday caches
        print(f"{'programme':<12} {'participants':>12} {'wall':>9} {'per second':>11} "
              f"{'ms each':>8} {'files':>7} {'peak RSS':>9}")  # fmt: skip
        per_participant: dict[int, float] = {}
        runs = [(PROGRAMME, size) for size in SIZES]
        others = sorted(p.stem for p in bundled_programmes_dir().glob("*.yaml"))
        runs += [(name, 100) for name in others if name != PROGRAMME]
        for programme, size in runs:
            wall, files, peak = cohort_run(work, size, programme)
            if programme == PROGRAMME:
                per_participant[size] = wall / size
            print(
                f"{programme:<12} {size:>12,} {wall:>8.1f}s {size / wall:>11.1f} "
                f"{wall / size * 1000:>8.2f} {files:>7,} {peak:>7.0f}MB"
            )
        print()
        print(f"per plan in one process, {PROGRAMME} from 2024-09 (medians):")
        for name, seconds in per_plan(work / "in-process-cache").items():
            print(f"  {name:<34} {seconds * 1000:8.2f} ms")
    print()
    if 1000 in per_participant and 10000 in per_participant:
        growth = per_participant[10000] / per_participant[1000] - 1
        print(f"growth 1,000 -> 10,000: {growth:+.1%} a participant (linear is 0%)")
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
