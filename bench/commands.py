"""How long npqplan's commands take, as ratios to the framework floor and to a peer CLI.

What it measures, in one run:

1. The median wall time of each command, run as a subprocess the way a user runs it
   (`python -m npqplan ...`, the venv's interpreter), beside two yardsticks measured in the
   same rounds: the framework floor (bench/floor_app.py, a typer command that prints one line
   with rich: no npqplan command can cost less) and `khal list` of the exported plan (a mature
   terminal calendar, also Python, showing the same events). Times are ratios to the floor, so
   the figures travel between machines better than milliseconds do.
2. Planning in-process: `make_plan` (load the programme and calendar from a warm cache, then
   schedule) and `build_plan` alone on already-loaded inputs, so the split between loading and
   scheduling shows.
3. The two figures the project quotes: warm `schedule` / floor and warm `schedule` / `khal list`.

Why medians, interleaved: a busy machine slows whatever runs while it is busy. Running every
command once per round, in a rotating order, spreads that over all of them alike, and the
median ignores the odd slow run. Nothing here asserts a time; it only prints.

Run from the checkout with the venv's interpreter: `.venv/bin/python bench/commands.py`.
BENCH_RUNS (default 15) sets the runs per command.
"""

from __future__ import annotations

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from npqplan.request import PlanRequest, make_plan, parse_start, preferences_of
from npqplan.scheduling import build_plan

RUNS = int(os.environ.get("BENCH_RUNS", "15"))
IN_PROCESS_SECONDS = 2.0
FLOOR = "framework floor"
WARM_SCHEDULE = "schedule (warm)"
KHAL_LIST = "khal list"
FLOOR_APP = Path(__file__).with_name("floor_app.py")
NPQPLAN = [sys.executable, "-m", "npqplan"]
KHAL = Path(sys.executable).with_name("khal")
PLAN = ["npqel", "--start", "2024-09"]
TODAY = ["--today", "2025-01-20"]
KHAL_CONFIG = """\
[calendars]
[[plan]]
path = {calendar}
type = calendar

[locale]
timeformat = %H:%M
dateformat = %Y-%m-%d
longdateformat = %Y-%m-%d
datetimeformat = %Y-%m-%d %H:%M
longdatetimeformat = %Y-%m-%d %H:%M
default_timezone = Europe/London
local_timezone = Europe/London

[default]
default_calendar = plan

[sqlite]
path = {database}
"""


@dataclass(frozen=True)
class Command:
    """One line of the table: what to run, and whether each run needs an empty NPQPLAN_HOME."""

    name: str
    argv: list[str]
    env: dict[str, str]
    fresh_home: bool = False


# -- running ------------------------------------------------------------------------------


def base_env(work: Path) -> dict[str, str]:
    """The environment of every subprocess: npqplan's folders in `work`, bytecode allowed."""
    env = {
        **os.environ,
        "NPQPLAN_HOME": str(work / "home"),
        "NPQPLAN_PROGRAMMES": str(work / "programmes"),
        "SOURCE_DATE_EPOCH": "1735689600",
    }
    # This machine sets PYTHONDONTWRITEBYTECODE; an installed package has its bytecode, and
    # without it every run would recompile npqplan's modules from source.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def run(argv: list[str], env: dict[str, str], cwd: Path) -> None:
    """Run to completion, output discarded; a failure stops the benchmark with its stderr."""
    result = subprocess.run(
        argv, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stderr.decode()}")


def wall_time(command: Command, work: Path) -> float:
    """Seconds for one run; a first-run command gets a new empty NPQPLAN_HOME, made untimed."""
    env = command.env
    fresh = Path(tempfile.mkdtemp(dir=work)) if command.fresh_home else None
    if fresh is not None:
        env = {**env, "NPQPLAN_HOME": str(fresh)}
    began = time.perf_counter()
    run(command.argv, env, work)
    elapsed = time.perf_counter() - began
    if fresh is not None:
        shutil.rmtree(fresh)
    return elapsed


def interleaved(commands: list[Command], work: Path, runs: int) -> dict[str, list[float]]:
    """`runs` rounds of every command once, each round starting one command further on."""
    samples: dict[str, list[float]] = {command.name: [] for command in commands}
    for round_number in range(runs):
        shift = round_number % len(commands)
        for command in commands[shift:] + commands[:shift]:
            samples[command.name].append(wall_time(command, work))
    return samples


# -- the commands and what they need ---------------------------------------------------------


def khal_setup(work: Path, ics: Path, env: dict[str, str]) -> dict[str, str]:
    """A khal of its own in `work/khal`: a config, an empty vdir calendar, `ics` imported."""
    folder = work / "khal"
    (folder / "calendar").mkdir(parents=True)
    config = folder / "khal.conf"
    config.write_text(
        KHAL_CONFIG.format(calendar=folder / "calendar", database=folder / "khal.db"),
        encoding="utf-8",
    )
    khal_env = {**env, "HOME": str(folder), "XDG_CONFIG_HOME": str(folder)}
    run([str(KHAL), "-c", str(config), "import", "--batch", "-a", "plan", str(ics)], khal_env, work)
    return khal_env


def prepare(work: Path) -> list[Command]:
    """Save a current plan, log some study, export the plan and give it to khal; the commands."""
    env = base_env(work)
    (work / "programmes").mkdir()
    run([*NPQPLAN, "schedule", *PLAN], env, work)
    run([*NPQPLAN, "log", "1.5", "--on", "2024-11-12", *TODAY], env, work)
    run([*NPQPLAN, "done", "1", *TODAY], env, work)
    imported = work / "imported.ics"
    run([*NPQPLAN, "export", *PLAN, "--ics", str(imported)], env, work)
    khal_env = khal_setup(work, imported, env)
    khal_config = str(work / "khal" / "khal.conf")
    schedule = [*NPQPLAN, "schedule", *PLAN, "--no-save"]
    return [
        Command(FLOOR, [sys.executable, str(FLOOR_APP), "hello"], env),
        Command("list", [*NPQPLAN, "list"], env),
        Command("show npqel", [*NPQPLAN, "show", "npqel"], env),
        Command(WARM_SCHEDULE, schedule, env),
        Command("schedule (first run)", schedule, env, fresh_home=True),
        Command("check-hours", [*NPQPLAN, "check-hours", *PLAN], env),
        Command("export --ics", [*NPQPLAN, "export", *PLAN, "--ics", str(work / "x.ics")], env),
        Command("status", [*NPQPLAN, "status", *TODAY], env),
        Command("today", [*NPQPLAN, "today", *TODAY], env),
        Command("week", [*NPQPLAN, "week", *TODAY], env),
        # Ticked once in prepare(), so every timed run is the idempotent "already done".
        Command("done 1", [*NPQPLAN, "done", "1", *TODAY], env),
        Command("log --list", [*NPQPLAN, "log", "--list"], env),
        Command("calendars", [*NPQPLAN, "calendars"], env),
        Command(
            KHAL_LIST, [str(KHAL), "-c", khal_config, "list", "2024-09-01", "2026-03-31"], khal_env
        ),
    ]


def khal_event_lines(commands: list[Command], work: Path) -> int:
    """How many lines `khal list` prints: a check that the import gave it the plan to show."""
    khal = next(command for command in commands if command.name == KHAL_LIST)
    listing = subprocess.run(
        khal.argv, env=khal.env, cwd=work, capture_output=True, text=True, check=True
    )
    return len(listing.stdout.splitlines())


# -- in-process planning ---------------------------------------------------------------------


def repeat_for(seconds: float, call: Callable[[], object]) -> list[float]:
    """Seconds per call, calling for about `seconds` (at least 5 calls)."""
    samples: list[float] = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(samples) < 5:
        began = time.perf_counter()
        call()
        samples.append(time.perf_counter() - began)
    return samples


def in_process(cache_dir: Path) -> tuple[list[float], list[float], bool]:
    """make_plan on a warm cache, then build_plan alone on the inputs make_plan loaded.

    Returns both sets of samples, and whether build_plan alone made the same plan."""
    request = PlanRequest(programme="npqel", start="2024-09")
    planned = make_plan(request, None, cache_dir)  # fills the parse and bank-holiday caches
    whole = repeat_for(IN_PROCESS_SECONDS, lambda: make_plan(request, None, cache_dir))
    start, preferences = parse_start(request.start), preferences_of(request)

    def schedule_only() -> object:
        return build_plan(planned.programme, planned.calendar, start=start, preferences=preferences)

    same = schedule_only() == planned.plan
    return whole, repeat_for(IN_PROCESS_SECONDS, schedule_only), same


# -- printing -------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:8.1f} ms"


def print_commands(samples: dict[str, list[float]]) -> dict[str, float]:
    medians = {name: statistics.median(times) for name, times in samples.items()}
    floor = medians[FLOOR]
    print(f"{'command':<22} {'median':>11} {'min':>11}   / floor")
    for name, times in samples.items():
        print(f"{name:<22} {ms(medians[name])} {ms(min(times))}   {medians[name] / floor:6.2f}")
    return medians


def print_in_process(whole: list[float], alone: list[float], same: bool) -> None:
    whole_median, alone_median = statistics.median(whole), statistics.median(alone)
    print(
        f"make_plan (load+schedule) {ms(whole_median)} median, "
        f"{len(whole) / sum(whole):7.1f} plans/s over {len(whole)} plans"
    )
    print(
        f"build_plan alone          {ms(alone_median)} median, "
        f"{len(alone) / sum(alone):7.1f} plans/s over {len(alone)} plans"
    )
    print(
        f"loading (the difference)  {ms(whole_median - alone_median)} "
        f"= {(whole_median - alone_median) / whole_median:.0%} of make_plan"
    )
    if not same:
        print("note: build_plan alone made a different plan from make_plan's")


def load() -> str:
    return " ".join(f"{value:.2f}" for value in os.getloadavg())


def main() -> None:
    print(f"npqplan benchmark: {RUNS} runs a command, interleaved; python {sys.version.split()[0]}")
    print(f"npqplan run as: {sys.executable} -m npqplan   (khal: {KHAL})")
    print(f"load average at start: {load()}  ({os.cpu_count()} CPUs)")
    print()
    with tempfile.TemporaryDirectory(prefix="npqplan-bench-") as folder:
        work = Path(folder)
        commands = prepare(work)
        print(f"khal list shows the exported plan in {khal_event_lines(commands, work)} lines")
        interleaved(commands, work, 1)  # warm-up: bytecode, the file cache, khal's database
        medians = print_commands(interleaved(commands, work, RUNS))
        print()
        cache_dir = work / "in-process-cache"
        print_in_process(*in_process(cache_dir))
    print()
    print(f"load average at end: {load()}")
    print()
    print("summary")
    print(f"  warm schedule / framework floor: {medians[WARM_SCHEDULE] / medians[FLOOR]:.2f}")
    print(f"  warm schedule / khal list:       {medians[WARM_SCHEDULE] / medians[KHAL_LIST]:.2f}")


if __name__ == "__main__":
    main()
